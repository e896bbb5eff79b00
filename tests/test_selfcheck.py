"""``--self-check``: which problems stop the app (exit 1) and which only warn."""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fs_faults import full_tmpfs, long_portable_paths
from sound_server import null_sink_server

from massage_timer.commands import selfcheck
from massage_timer.core.storage.paths import AppPaths

pytestmark = pytest.mark.qt_log_ignore("PulseAudioService.*")


class _MuteSynth:
    """Stands in for SpeechSynth on a machine without a speech engine."""

    def __init__(self, cache_dir: Path, **_: Any) -> None:
        self.unavailable_reason = "Voice guidance needs the espeak-ng speech engine"
        self.last_error = None

    def wait_started(self, timeout: float) -> bool:
        return True

    def voices(self) -> list[Any]:
        return []

    def available(self) -> bool:
        return False

    def close(self, timeout: float = 2.0) -> None:
        pass


def _run(paths: AppPaths, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, str]]:
    code = selfcheck.run(argparse.Namespace(), paths)
    out = capsys.readouterr().out
    statuses = {}
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] in ("ok", "warn", "FAIL"):
            name = line[8:].split("  ")[0].strip()
            statuses[name] = parts[0]
    return code, statuses


@pytest.fixture
def mute(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("massage_timer.audio.speech.SpeechSynth", _MuteSynth)


@pytest.fixture
def sound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stands in for a sound device, for checks about the other parts (a unit test; the
    real device is checked with a null sink above)."""
    monkeypatch.setattr(selfcheck, "_check_audio", lambda _state: "1 found (stand-in)")


NAMES = ["display", "Qt platform", "routines", "diagrams", "main window", "data folders",
         "history", "voice", "audio output", "tray", "idle source"]


def _self_check_process(data: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    repo = Path(__file__).resolve().parent.parent
    return subprocess.run(
        [sys.executable, "-m", "massage_timer", "--self-check", "--data-dir", str(data)],
        capture_output=True, text=True, timeout=120, check=False,
        env={**env, "PYTHONPATH": str(repo)},
    )


@pytest.mark.audio
@pytest.mark.skipif(shutil.which("pulseaudio") is None, reason="pulseaudio is not installed")
def test_passes_here_with_a_sound_device_and_reports_every_check(tmp_path: Path) -> None:
    with null_sink_server() as env:
        done = _self_check_process(tmp_path, env)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    for fact in ("Python", "Qt", "PySide6", "pyttsx3", "voice engine", "config folder",
                 "data folder", "cache folder"):
        assert f"  {fact} " in out
    assert str(tmp_path / "data") in out
    lines = [line for line in out.splitlines() if line.split()[:1] in (["ok"], ["warn"])]
    width = max(map(len, NAMES))
    assert [line[8:8 + width].strip() for line in lines] == NAMES
    assert all(line[8 + width:10 + width] == "  " != line[9 + width:11 + width] for line in lines)
    for needed in ("display", "routines", "diagrams", "main window", "data folders", "history",
                   "audio output"):
        assert any(line.startswith("  ok") and needed in line for line in lines), out
    assert "Null Output" in out
    assert "Result: the app can run here" in out


@pytest.mark.usefixtures("qapp", "mute")
def test_no_sound_device_fails_with_the_reason(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tests' runtime folder has no sound server: a real machine without sound."""
    code = selfcheck.run(argparse.Namespace(), app_paths)
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL  audio output" in out and "no audio output device" in out
    assert "Result: the app runs here but cannot play sound" in out


def test_no_display_fails_with_the_reason(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = _self_check_process(tmp_path, env)
    assert done.returncode == 1
    assert "FAIL  display" in done.stdout
    assert "neither DISPLAY nor WAYLAND_DISPLAY is set" in done.stdout
    assert "Result: the app cannot run here: display" in done.stdout


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A real, tiny tmpfs filled to the last byte (root only)."""
    with full_tmpfs(tmp_path / "tiny") as mount:
        yield mount


@pytest.mark.usefixtures("qapp", "mute", "sound")
def test_a_full_disk_fails_the_data_folders(
    full_disk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, statuses = _run(AppPaths.portable(full_disk / "portable"), capsys)
    assert code == 1
    assert statuses["data folders"] == "FAIL"


@pytest.mark.usefixtures("qapp", "mute", "sound")
def test_a_read_only_folder_fails_the_data_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = AppPaths.portable(tmp_path)
    paths.data_dir.mkdir(parents=True)

    def refuse(*_: Any, **__: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.NamedTemporaryFile", refuse)
    code, statuses = _run(paths, capsys)
    assert code == 1
    assert statuses["data folders"] == "FAIL"


@pytest.mark.usefixtures("qapp", "mute", "sound")
def test_missing_voice_is_a_warning_not_a_failure(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    code, statuses = _run(app_paths, capsys)
    assert code == 0
    assert statuses["voice"] == "warn"
    assert statuses["routines"] == statuses["main window"] == "ok"


@pytest.mark.usefixtures("qapp", "mute")
def test_no_builtin_routines_fails(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    monkeypatch.setattr("massage_timer.core.storage.loader.builtin_routines_dir", lambda: tmp_path)
    code, statuses = _run(app_paths, capsys)
    assert code == 1
    assert statuses["routines"] == "FAIL"


@pytest.mark.usefixtures("qapp", "mute", "sound")
def test_broken_history_fails(
    app_paths: AppPaths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: Any, **__: Any) -> Any:
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr("massage_timer.core.storage.history.store.HistoryStore.open", refuse)
    code, statuses = _run(app_paths, capsys)
    assert code == 1
    assert statuses["history"] == "FAIL"
    assert statuses["voice"] == "warn"


def test_goes_offscreen_without_a_display(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    selfcheck._ensure_display()
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"


def test_a_platform_plugin_that_cannot_start_is_reported_not_an_abort(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "no-such-plugin")
    problem = selfcheck.platform_problem()
    assert problem is not None
    assert problem.startswith("Qt cannot start")
    assert "no Qt platform plugin could be initialized" in problem
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert selfcheck.platform_problem() is None


def test_self_check_reports_a_broken_platform_plugin_and_skips_the_qt_checks(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "eglfs"  # no GPU or KMS device here: Qt aborts
    done = _self_check_process(tmp_path, env)
    assert done.returncode == 1, done.stderr[-2000:]
    assert "FAIL  Qt platform" in done.stdout
    assert "Qt cannot start" in done.stdout
    assert "not checked: Qt cannot start here" in done.stdout
    assert "Result: the app cannot run here" in done.stdout


@pytest.mark.parametrize(("language", "one", "more"), [
    ("en", "display failed.", "display, data folders failed."),
    ("es", "ha fallado pantalla.", "han fallado pantalla, carpetas de datos."),
    ("pl", "nie powiodło się sprawdzenie: ", "nie powiodły się sprawdzenia: "),
])
def test_the_verdict_agrees_with_how_many_checks_failed(
    tmp_path: Path, language: str, one: str, more: str,
) -> None:
    from massage_timer.core.storage.catalogs import use_language

    use_language(language)
    paths = AppPaths.portable(tmp_path)
    checks = [
        selfcheck.Check("display", selfcheck.Status.FAIL, "-"),
        selfcheck.Check("data folders", selfcheck.Status.OK, "-"),
    ]
    assert one in selfcheck.report(paths, checks, {}).splitlines()[-1]
    checks[1].status = selfcheck.Status.FAIL
    assert more in selfcheck.report(paths, checks, {}).splitlines()[-1]


@pytest.mark.usefixtures("qapp", "mute", "sound")
def test_a_data_folder_too_long_for_sqlite_fails_the_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    """The history was never saved under a data folder whose path SQLite has no room
    for, and the self-check, which tried a temporary folder, said all was well."""
    from massage_timer.core.storage.history.store import LONGEST_HISTORY_PATH

    paths = long_portable_paths(tmp_path, LONGEST_HISTORY_PATH + 1)
    code = selfcheck.run(argparse.Namespace(), paths)
    out = capsys.readouterr().out
    assert code == 1
    history = next(line for line in out.splitlines() if line[8:].startswith("history"))
    assert history.split()[0] == "FAIL"
    assert f"{LONGEST_HISTORY_PATH + 1} bytes long" in history and "--data-dir" in history
