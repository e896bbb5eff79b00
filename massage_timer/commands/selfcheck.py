"""``massage-timer --self-check``: can the app run here? A report for bug reports.

Every check exercises the real code path (load, render, open a window, speak, write
to SQLite) rather than probing for modules, so a broken install or a missing system
library shows up here and not in the middle of a session. A display, routines,
diagrams, the window, writable data folders, the history and a sound output are needed
(the exit status is 1 without any of them, with the reason); the voice and the tray
only degrade the app, so they are warnings.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from importlib import metadata
from pathlib import Path
from typing import Any

from massage_timer import APP_DISPLAY_NAME, __version__
from massage_timer.core.model.language import N_, _, decimal, ngettext
from massage_timer.core.storage.paths import AppPaths

SPOKEN_LINE = "Massage Timer self check. Relax your shoulders."
"""Rendered, never played: the voice check needs a line, not a translated one."""

CHECK_NAMES = {
    "display": N_("display"),
    "Qt platform": N_("Qt platform"),
    "routines": N_("routines"),
    "diagrams": N_("diagrams"),
    "main window": N_("main window"),
    "data folders": N_("data folders"),
    "history": N_("history"),
    "voice": N_("voice"),
    "audio output": N_("audio output"),
    "tray": N_("tray"),
    "idle source": N_("idle source"),
}
"""Each check's name (the key, English, is what the code and bug reports compare) and
its message, shown in the person's language."""


def _name(check: str) -> str:
    return _(CHECK_NAMES[check]) if check in CHECK_NAMES else check


class Status(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass
class Check:
    name: str
    status: Status
    detail: str
    seconds: float = 0.0


class CheckError(Exception):
    """A check found a problem; the message is what the report shows."""


def _version(dist: str, module: str | None = None) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        pass
    try:
        mod = __import__(module or dist)
    except Exception as exc:
        return _("not available: {reason}").format(reason=f"{type(exc).__name__}: {exc}")
    return str(getattr(mod, "__version__", "unknown"))


def _missing(exc: ImportError) -> str:
    return _("not available: {reason}").format(reason=exc.name or exc)


def _run_check(
    name: str, func: Callable[[], str], *, needed: bool, state: dict[str, Any]
) -> Check:
    start = time.perf_counter()
    status = Status.OK
    try:
        detail = func()
    except ImportError as exc:
        status, detail = Status.FAIL, _missing(exc)
    except CheckError as exc:
        status, detail = Status.FAIL, str(exc)
    except Exception as exc:
        status, detail = Status.FAIL, f"{type(exc).__name__}: {exc}"
        state.setdefault("tracebacks", []).append(traceback.format_exc())
    detail = (detail.strip().splitlines() or [""])[0][:300]
    if status is Status.FAIL and not needed:
        status = Status.WARN
    return Check(name, status, detail, time.perf_counter() - start)


MIN_FREE_BYTES = 4 * 1024 * 1024
"""Less free space than this where the app writes, and a session could not be logged."""


def _check_display(state: dict[str, Any]) -> str:
    """Run before :func:`_ensure_display` switches to off-screen drawing for the checks."""
    from massage_timer.commands.display import display_problem

    problem = display_problem()
    if problem is not None:
        raise CheckError(_("no window can be shown: {problem}").format(problem=problem))
    platform = os.environ.get("QT_QPA_PLATFORM")
    return f"QT_QPA_PLATFORM={platform}" if platform else (
        os.environ.get("WAYLAND_DISPLAY") or os.environ.get("DISPLAY") or "the system's"
    )


PLATFORM_PROBE_SECONDS = 30.0


def _probe_platform(stderr_path: str) -> None:
    """In a child process: start Qt's platform plugin, its messages to ``stderr_path``."""
    fd = os.open(stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 2)
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication([sys.argv[0]])
    del app


def platform_problem(timeout: float = PLATFORM_PROBE_SECONDS) -> str | None:
    """Why Qt's platform plugin cannot start here, or None when it starts.

    Asked in a child process, since a plugin that cannot load (a missing
    libxcb-cursor0, say) aborts the process that tries, and then nothing would be
    reported. Qt's own lines (``qt.qpa...``) are the reason given.
    """
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="massage-timer-qpa-") as tmp:
        errors = Path(tmp) / "stderr.txt"
        child = ctx.Process(target=_probe_platform, args=(str(errors),), daemon=True)
        child.start()
        child.join(timeout)
        if child.is_alive():
            child.kill()
            child.join()
            return _("starting Qt's platform plugin did not finish in {seconds} s").format(
                seconds=f"{timeout:.0f}")
        if child.exitcode == 0:
            return None
        text = errors.read_text("utf-8", errors="replace") if errors.exists() else ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    reasons = [line.removeprefix("qt.qpa.plugin:").strip() for line in lines
               if line.startswith("qt.qpa") or "platform plugin" in line
               or "display" in line.lower()]
    said = " ".join(dict.fromkeys(reasons or lines[-3:]))
    return _("Qt cannot start (exit status {status}): {message}").format(
        status=child.exitcode, message=said or _("no message"))


def _check_qt_platform(state: dict[str, Any]) -> str:
    """Run after the display check, in the environment the other checks use."""
    _ensure_display()
    problem = platform_problem()
    if problem is not None:
        state["qt_problem"] = problem
        raise CheckError(problem)
    return os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] or "the default plugin"


def _check_folders(paths: AppPaths) -> str:
    """Each folder the app writes to takes a file, and has room for a session log."""
    import shutil

    for folder in (paths.config_dir, paths.data_dir, paths.cache_dir):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check-"):
                pass
        except OSError as exc:
            raise CheckError(_("cannot write to {folder}: {reason}").format(
                folder=folder, reason=exc.strerror or exc)) from None
        free = shutil.disk_usage(folder).free
        if free < MIN_FREE_BYTES:
            raise CheckError(_("the disk holding {folder} is full ({free} KiB free)").format(
                folder=folder, free=free // 1024))
    return _("config, data and cache folders writable, with room to spare")


def _ensure_display() -> None:
    """Go offscreen on a machine with no display, before the QApplication exists."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _qt_app(state: dict[str, Any] | None = None) -> Any:
    _ensure_display()
    if state is not None and "qt_problem" in state:
        raise CheckError("not checked: Qt cannot start here (see the Qt platform check)")
    try:
        from massage_timer.ui.app import create_application
    except ImportError:
        from PySide6.QtWidgets import QApplication

        return QApplication.instance() or QApplication([sys.argv[0]])
    return create_application([sys.argv[0]])


def _check_routines(paths: AppPaths, state: dict[str, Any]) -> str:
    from massage_timer.core.storage.loader import Origin, load_library

    library = load_library(paths)
    state["library"] = library
    builtin = [r for r in library.routines if r.origin is Origin.BUILTIN]
    if not builtin:
        raise CheckError(_("no built-in routine could be loaded"))
    if library.errors:
        shown = "; ".join(str(e) for e in library.errors[:3])
        raise CheckError(ngettext("{loaded} loaded, {count} error: {errors}",
                                  "{loaded} loaded, {count} errors: {errors}",
                                  len(library.errors)).format(
            loaded=len(library.routines), count=len(library.errors), errors=shown))
    return _("{loaded} loaded ({builtin} built-in), no errors").format(
        loaded=len(library.routines), builtin=len(builtin))


def _check_diagrams(state: dict[str, Any]) -> str:
    from massage_timer.core.model.regions import REGIONS, View
    from massage_timer.ui.diagram import render_png

    _qt_app(state)
    done = []
    for view in View:
        ids = [r.id for r in REGIONS.values() if r.view is view]
        image = render_png(view.value, ids, 200)
        if image.isNull() or image.height() != 200:
            raise CheckError(_("the {view} diagram rendered an empty image").format(
                view=view.value))
        done.append(view.value)
    return _("{count} rendered ({views})").format(count=len(done), views=", ".join(done))


def _check_window(paths: AppPaths, state: dict[str, Any]) -> str:
    from PySide6.QtCore import Qt

    from massage_timer.core.storage.settings_file import load_settings
    from massage_timer.ui.app import create_main_window

    app = _qt_app(state)
    with tempfile.TemporaryDirectory(prefix="massage-timer-check-") as tmp:
        scratch = AppPaths.portable(Path(tmp))
        settings, _notices = load_settings(scratch.settings_file)
        window = create_main_window(scratch, settings)
        library = state.get("library")
        if library is not None and library.routines:
            window.select_routine(library.routines[0].routine.id)
        window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        window.show()
        app.processEvents()
        shown = window.isVisible()
        window.close()
        app.processEvents()
        window.deleteLater()
        app.processEvents()
    if not shown:
        raise CheckError(_("the main window did not show"))
    return _("opened and closed")


def _check_voice(state: dict[str, Any]) -> str:
    from massage_timer.audio.speech import SpeechSynth, clip_problem

    try:
        from pyttsx3 import engine

        state["engine"] = engine.default_engine_by_sys_platform()
    except Exception as exc:
        state["engine"] = _("not available: {reason}").format(reason=exc)
    with tempfile.TemporaryDirectory(prefix="massage-timer-voice-") as tmp:
        synth = SpeechSynth(Path(tmp))
        try:
            synth.wait_started(30)
            state["voices"] = len(synth.voices())
            if not synth.available():
                raise CheckError(_("unavailable: {reason}").format(
                    reason=synth.unavailable_reason))
            synth.prepare([SPOKEN_LINE])
            if not synth.wait_idle(30):
                raise CheckError(_("the speech engine did not answer within {seconds} s").format(
                    seconds=30))
            clip = synth.clip_for(SPOKEN_LINE)
            if clip is None:
                raise CheckError(_("no clip rendered: {reason}").format(
                    reason=synth.last_error or _("unknown reason")))
            problem = clip_problem(clip)
            if problem:
                raise CheckError(_("bad clip: {problem}").format(problem=problem))
            return _("one line rendered to WAV ({size} KiB)").format(
                size=clip.stat().st_size // 1024)
        finally:
            synth.close()


def _check_audio(state: dict[str, Any]) -> str:
    from PySide6.QtMultimedia import QMediaDevices

    from massage_timer.audio.playback import start_multimedia

    _qt_app(state)
    start_multimedia()
    outputs = QMediaDevices.audioOutputs()
    if not outputs:
        raise CheckError(_("no audio output device: the voice, tones and counts cannot be "
                           "played (a session still runs, silently)"))
    default = QMediaDevices.defaultAudioOutput().description()
    names = ", ".join(o.description() for o in outputs[:3])
    return _("{count} found ({names}); default: {default}").format(
        count=len(outputs), names=names, default=default)


def _check_tray(state: dict[str, Any]) -> str:
    from PySide6.QtWidgets import QSystemTrayIcon

    _qt_app(state)
    if not QSystemTrayIcon.isSystemTrayAvailable():
        raise CheckError(_("no system tray: reminders show in the window instead"))
    return _("available")


def _check_idle(state: dict[str, Any]) -> str:
    from massage_timer.ui.reminders.idle import SleepWatcher, create_idle_monitor

    _qt_app(state)
    monitor = create_idle_monitor()
    sleep = SleepWatcher()
    try:
        sleep.start()
        resume = "logind PrepareForSleep" if sleep.active else _("clock jumps only")
        if monitor.backend == "none":
            raise CheckError(_("no idle source on this desktop; sleep seen by {how}").format(
                how=resume))
        return _("{backend}; sleep seen by {how}").format(backend=monitor.backend, how=resume)
    finally:
        sleep.close()
        monitor.close()


def _check_history(paths: AppPaths) -> str:
    from massage_timer.core.storage.history.store import HistoryStore, path_problem

    problem = path_problem(paths.history_file)
    if problem is not None:
        # The report's "data folder" line names the folder: the path would crowd out why.
        raise CheckError(_("cannot be saved: {reason}").format(reason=problem))
    with tempfile.TemporaryDirectory(prefix="massage-timer-history-") as tmp:
        store, notices = HistoryStore.open(Path(tmp) / "history.sqlite3")
        try:
            if store.in_memory:
                raise CheckError(_("could not write to disk: {notices}").format(
                    notices="; ".join(notices)))
        finally:
            store.close()
    if notices:
        return ngettext("opened and closed in a temporary folder ({count} notice)",
                        "opened and closed in a temporary folder ({count} notices)",
                        len(notices)).format(count=len(notices))
    return _("opened and closed in a temporary folder")


def _builtin_data() -> str:
    try:
        from massage_timer.core.storage.resources import builtin_routines_dir

        return str(builtin_routines_dir().parent)
    except Exception as exc:
        return f"not available: {exc}"


def _qt_version() -> str:
    try:
        from PySide6.QtCore import qVersion
        from PySide6.QtGui import QGuiApplication
    except ImportError as exc:
        return _missing(exc)
    app = QGuiApplication.instance()
    where = f" (platform {app.platformName()})" if isinstance(app, QGuiApplication) else ""
    return f"{qVersion()}{where}"


def run_checks(paths: AppPaths) -> tuple[list[Check], dict[str, Any]]:
    state: dict[str, Any] = {}
    checks = [
        _run_check("display", lambda: _check_display(state), needed=True, state=state),
        _run_check("Qt platform", lambda: _check_qt_platform(state), needed=True, state=state),
        _run_check("routines", lambda: _check_routines(paths, state), needed=True, state=state),
        _run_check("diagrams", lambda: _check_diagrams(state), needed=True, state=state),
        _run_check("main window", lambda: _check_window(paths, state), needed=True, state=state),
        _run_check("data folders", lambda: _check_folders(paths), needed=True, state=state),
        _run_check("history", lambda: _check_history(paths), needed=True, state=state),
        _run_check("voice", lambda: _check_voice(state), needed=False, state=state),
        _run_check("audio output", lambda: _check_audio(state), needed=True, state=state),
        _run_check("tray", lambda: _check_tray(state), needed=False, state=state),
        _run_check("idle source", lambda: _check_idle(state), needed=False, state=state),
    ]
    return checks, state


def _table(rows: list[tuple[str, str]]) -> list[str]:
    width = max(len(k) for k, _v in rows)
    return [f"  {k.ljust(width)}  {v}" for k, v in rows]


def _toml_parser() -> str:
    from massage_timer.core.storage import toml_input

    if toml_input.TOML_PARSER.startswith("tomli"):
        parser_file = getattr(sys.modules.get("tomli._parser"), "__file__", "") or ""
        kind = "compiled" if parser_file.endswith((".so", ".pyd")) else "pure Python"
        return f"tomli {_version('tomli')} ({kind})"
    return "tomllib (standard library)"


def report(paths: AppPaths, checks: list[Check], state: dict[str, Any]) -> str:
    """The report in the person's language; the status column (ok/warn/FAIL) stays as
    is, for scripts and bug reports."""
    voices = int(state.get("voices", 0))
    facts = [
        ("Python", f"{platform.python_version()} ({platform.python_implementation()}, "
                   f"{sys.platform} {platform.machine()})"),
        ("Qt", _qt_version()),
        ("PySide6", _version("PySide6-Essentials", "PySide6")),
        ("pyttsx3", _version("pyttsx3")),
        (_("routine parser"), _toml_parser()),
        (_("voice engine"), ngettext("{engine}, {count} voice", "{engine}, {count} voices",
                                     voices).format(engine=state.get("engine", "unknown"),
                                                    count=voices)),
        (_("config folder"), str(paths.config_dir)),
        (_("data folder"), str(paths.data_dir)),
        (_("cache folder"), str(paths.cache_dir)),
        (_("built-in data"), _builtin_data()),
    ]
    if getattr(sys, "frozen", False):
        title = _("{app} {version} self-check (stand-alone bundle)")
    else:
        title = _("{app} {version} self-check")
    lines = [title.format(app=APP_DISPLAY_NAME, version=__version__), *_table(facts), ""]
    name_width = max(len(_name(c.name)) for c in checks)
    lines += [
        f"  {c.status.value:<4}  {_name(c.name).ljust(name_width)}  {c.detail}  "
        f"[{decimal(c.seconds)} s]"
        for c in checks
    ]
    failed = [c.name for c in checks if c.status is Status.FAIL]
    warned = [_name(c.name) for c in checks if c.status is Status.WARN]
    lines.append("")
    if failed == ["audio output"]:
        lines.append(_("Result: the app runs here but cannot play sound: audio output "
                       "failed."))
    elif failed:
        lines.append(ngettext("Result: the app cannot run here: {checks} failed.",
                              "Result: the app cannot run here: {checks} failed.",
                              len(failed)).format(
            checks=", ".join(_name(name) for name in failed)))
    elif warned:
        lines.append(ngettext("Result: the app can run here ({count} warning: {checks}).",
                              "Result: the app can run here ({count} warnings: {checks}).",
                              len(warned)).format(count=len(warned), checks=", ".join(warned)))
    else:
        lines.append(_("Result: the app can run here."))
    return "\n".join(lines)


def run(args: argparse.Namespace, paths: AppPaths) -> int:
    checks, state = run_checks(paths)
    print(report(paths, checks, state), flush=True)
    for text in state.get("tracebacks", []):
        print(text, file=sys.stderr)
    return 1 if any(c.status is Status.FAIL for c in checks) else 0
