"""Re-create the screenshots in this folder from the real widgets.

Run under Xvfb so the windows get real decorations-free X11 geometry::

    xvfb-run -s "-screen 0 1280x800x24" .venv/bin/python docs/screenshots/capture.py

``capture.py editor`` re-creates only the routine editor's. ``capture.py --language de``
shows the windows in that language (light theme only) and saves them in ``de/``: the
library, the checklist, the player, the summary, the history, the settings and the
reminder, at 1280x800, to check that nothing is left in English or cut off.

Each window is shown at 1280x800 (dialogs at their own size), in the light and the
dark theme, with a throwaway data folder and a fake clock for the player, and saved
with ``QWidget.grab()``.

The player is also shown at its first size on small screens, each in a child process
on an offscreen screen of that size (``player-1024x600.png``, ``player-1366x768-144dpi``
with 144-dpi fonts, ``player-1024x600-paused``): Stop, Pause, Skip and the time left
must all be in view. So is the library in Polish at 150 % text on 1024x600
(``library-1024x600-pl-150pct``): its filters and buttons wrap, none is cut.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer, SignalInstance
from PySide6.QtWidgets import QLineEdit, QRadioButton, QWidget

from massage_timer.core.model.session import Outcome, SessionStart
from massage_timer.core.model.settings import Settings
from massage_timer.core.storage.history.store import HistoryStore
from massage_timer.core.storage.loader import Library, load_library
from massage_timer.core.storage.paths import AppPaths
from massage_timer.ui.app import create_application, create_main_window
from massage_timer.ui.session.checklist_dialog import SafetyChecklistDialog
from massage_timer.ui.session.flow import SessionFlow
from massage_timer.ui.theme import ThemeController

OUT = Path(__file__).resolve().parent
_out = [OUT]  # where save() writes: a language's own folder with --language


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Silent:
    def prepare(self, lines: object) -> None: ...

    def play(self, cue: object) -> None: ...

    def silence(self) -> None: ...

    def problem(self) -> str | None:
        return None


def settle(ms: int = 150) -> None:
    QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, ms)


def wait_for(signal: SignalInstance, ms: int = 20000) -> None:
    """Run the event loop until ``signal`` fires (the speech worker's voice list)."""
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def save(widget: QWidget, name: str) -> None:
    widget.show()
    widget.raise_()
    settle()
    _out[0].mkdir(exist_ok=True)
    widget.grab().save(str(_out[0] / f"{name}.png"))
    print("wrote", name)


def answer_all(dialog: SafetyChecklistDialog, yes: set[str]) -> None:
    for item in dialog.findChildren(QWidget):
        name = item.objectName()
        if name.startswith("redFlag_") and name.endswith(("_no", "_yes")):
            base = name.rsplit("_", 1)[0].removeprefix("redFlag_")
            wanted = "_yes" if base in yes else "_no"
            if name.endswith(wanted) and isinstance(item, QRadioButton):
                item.setChecked(True)


def fill_history(store: HistoryStore, library_ids: list[tuple[str, str]]) -> None:
    start = datetime.now(UTC) - timedelta(days=80)
    for day in range(80):
        if day % 7 in (5,) or day % 11 == 3:
            continue
        rid, title = library_ids[day % len(library_ids)]
        when = start + timedelta(days=day, hours=10 + day % 5)
        sid = store.start_session(SessionStart(
            rid, title, "1.0", None, 240, 5, "1", when, 5 - min(day // 20, 3), when))
        store.finish_session(sid, Outcome.COMPLETED if day % 9 else Outcome.STOPPED,
                             when + timedelta(minutes=4), 235, 5 if day % 9 else 3,
                             pain_after=max(4 - day // 20, 0))


def capture_editor(library: Library, paths: AppPaths, mode: str) -> None:
    """The routine editor on a copy of a built-in routine: its steps, then a problem."""
    from massage_timer.core.storage.toml_input import decode_toml
    from massage_timer.ui.editor.editor import RoutineEditor

    loaded = library.get("neck-full-self-massage")
    assert loaded is not None
    original = loaded.file.read_bytes()
    data = decode_toml(original)
    data["id"], data["title"] = "neck-full-self-massage-copy", f"{loaded.routine.title} (copy)"
    editor = RoutineEditor(data, folder=paths.user_routines_dir, original=original)
    editor.resize(1280, 800)
    editor.tabs.setCurrentIndex(1)
    editor.step_list.setCurrentRow(3)
    save(editor, f"editor-steps-{mode}")
    seconds = editor.field("seconds", step=True).focus_widget()
    assert isinstance(seconds, QLineEdit)
    seconds.setText("900")
    seconds.textEdited.emit("900")
    save(editor, f"editor-problem-{mode}")
    editor.tabs.setCurrentIndex(0)
    save(editor, f"editor-routine-{mode}")
    editor.undo_stack.setClean()
    editor.close()


SMALL_SCREENS: dict[str, tuple[int, int, dict[str, str]]] = {
    "player-1024x600": (1024, 600, {}),
    "player-1024x600-paused": (1024, 600, {}),
    "player-1366x768-144dpi": (1366, 768, {"QT_FONT_DPI": "144"}),
    "library-1024x600-pl-150pct": (1024, 600, {}),
    "history-1024x600-250pct": (1024, 600, {}),
}


def small_screens() -> None:
    """Run this script once per small screen, each on an offscreen screen that size."""
    for name, (width, height, extra) in SMALL_SCREENS.items():
        config = Path(tempfile.mkdtemp(prefix="mt-screen-")) / "screen.json"
        config.write_text(json.dumps({"screens": [{
            "name": name, "x": 0, "y": 0, "width": width, "height": height,
            "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
        env = {**os.environ, **extra, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
        mode = f"--{name.split('-', 1)[0]}"
        subprocess.run([sys.executable, __file__, mode, name], env=env, check=True)


def library_in_polish_large(name: str) -> int:
    """The library at the size it opens with on this process's screen, in Polish at
    150 % text: long words in a narrow pane, where the filters and buttons wrap."""
    from massage_timer.ui.desktop.language import apply_language

    app = create_application()
    apply_language(app, "pl")
    ThemeController(app, "light", 1.5)
    paths = AppPaths.portable(Path(tempfile.mkdtemp(prefix="mt-shots-")))
    window = create_main_window(paths, Settings(), load_library(paths))
    save(window, name)
    return 0


def history_at_largest_text(name: str) -> int:
    """History's window as it opens on this process's screen at the largest text: the
    charts under the summary, the count and buttons in sight below what scrolls."""
    from massage_timer.core.model.settings import MAX_FONT_SCALE
    from massage_timer.ui.history_window import HistoryWindow

    app = create_application()
    ThemeController(app, "light", MAX_FONT_SCALE)
    paths = AppPaths.portable(Path(tempfile.mkdtemp(prefix="mt-shots-")))
    library = load_library(paths)
    store = HistoryStore.memory_only()
    fill_history(store, [(r.routine.id, r.routine.title) for r in library.routines[:4]])
    parent = QWidget()
    history = HistoryWindow(parent)
    history.show(store)
    assert history.view is not None
    save(history.view.window(), name)
    return 0


def player_at_first_size(name: str) -> int:
    """The player at the size it opens with on this process's screen."""
    app = create_application()
    ThemeController(app, "light", 1.0)
    tmp = Path(tempfile.mkdtemp(prefix="mt-shots-"))
    paths = AppPaths.portable(tmp)
    library = load_library(paths)
    store, _ = HistoryStore.open(tmp / "h.sqlite3")
    clock = Clock()
    loaded = library.get("sore-neck-squeeze-release")
    assert loaded is not None
    flow = SessionFlow(loaded, Settings(), store, Silent(), clock=clock)
    flow.start_player(3)
    assert flow.window is not None and flow.adapter is not None
    clock.now += 6.5
    flow.adapter.wake()
    if name.endswith("-paused"):
        flow.adapter.toggle_pause()
    save(flow.window, name)
    flow.stop()
    return 0


def main() -> int:
    if sys.argv[1:2] == ["--player"]:
        return player_at_first_size(sys.argv[2])
    if sys.argv[1:2] == ["--library"]:
        return library_in_polish_large(sys.argv[2])
    if sys.argv[1:2] == ["--history"]:
        return history_at_largest_text(sys.argv[2])
    language = sys.argv[2] if sys.argv[1:2] == ["--language"] else None
    only_editor = sys.argv[1:] == ["editor"]
    if not only_editor and language is None:
        small_screens()
    app = create_application()
    modes: tuple[Literal["light", "dark"], ...] = ("light", "dark")
    if language is not None:
        from massage_timer.ui.desktop.language import apply_language

        _out[0] = OUT / apply_language(app, language)
        modes = ("light",)
    tmp = Path(tempfile.mkdtemp(prefix="mt-shots-"))
    paths = AppPaths.portable(tmp)
    settings = Settings()
    theme = ThemeController(app, "light", 1.0)
    library = load_library(paths)
    for mode in modes:
        theme.set_mode(mode)
        settle()
        window = create_main_window(paths, settings, library)
        window.resize(1280, 800)
        window.select_routine("neck-full-self-massage")
        if only_editor:
            capture_editor(library, paths, mode)
            window.close()
            continue
        save(window, f"library-{mode}")
        if language is None and mode == "light":
            broken = tmp / "broken-history.sqlite3"
            broken.write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
            moved, notices = HistoryStore.open(broken)  # the real notice, for real
            moved.close()
            for notice in notices:
                window.show_notice(notice)
            save(window, "library-notice-light")
            window.notice_bar.dismiss()
        if language is None:
            capture_editor(library, paths, mode)

        dialog = SafetyChecklistDialog(parent=window)
        answer_all(dialog, set())
        save(dialog, f"checklist-{mode}")
        dialog.close()
        blocked = SafetyChecklistDialog(parent=window)
        answer_all(blocked, {"dizziness", "radiating-symptoms"})
        save(blocked, f"checklist-blocked-{mode}")
        blocked.close()

        store, _ = HistoryStore.open(tmp / f"h-{mode}.sqlite3")
        clock = Clock()
        loaded = library.get("sore-neck-squeeze-release")
        assert loaded is not None
        flow = SessionFlow(loaded, settings, store, Silent(), clock=clock,
                           parent_window=window)
        flow.start_player(3)
        assert flow.window is not None and flow.adapter is not None
        flow.window.resize(1280, 800)
        clock.now += 2.0
        flow.adapter.wake()
        save(flow.window, f"player-prepare-{mode}")
        clock.now += 4.5
        flow.adapter.wake()
        save(flow.window, f"player-work-{mode}")
        flow.stop()
        assert flow.summary is not None
        save(flow.summary, f"summary-{mode}")
        flow.summary.close()

        from massage_timer.ui.history.history_view import HistoryView

        fill_history(store, [(r.routine.id, r.routine.title) for r in library.routines[:4]])
        view = HistoryView(store)
        view.resize(1280, 800)
        save(view, f"history-{mode}")
        view.close()

        from massage_timer.ui.reminders.prompt import ReminderPrompt
        from massage_timer.ui.settings.settings_dialog import SettingsDialog
        from massage_timer.ui.settings.voice_preview import VoicePreview

        preview = VoicePreview(paths.speech_cache_dir)
        dialog_settings = SettingsDialog(
            settings, window, routines=[(r.routine.id, r.routine.title) for r in library.routines],
            preview=preview,
        )
        wait_for(preview.voicesFound)
        save(dialog_settings, f"settings-{mode}")
        dialog_settings.close()
        prompt = ReminderPrompt()
        micro = library.get("desk-micro-break")
        assert micro is not None
        prompt.set_reason(60, micro.routine.title, round(micro.routine.total_seconds() / 60))
        save(prompt, f"reminder-{mode}")
        prompt.close()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
