"""The deferred start-up: the window paints first, the rest follows right after.

``run_app`` builds the controller with ``defer_startup=True``: history, reminders, idle
monitor and tray icon are set up just after the main window's first paint. These
tests check that everything still happens, in time for whatever needs it, and that
``MASSAGE_TIMER_STARTUP_MARK`` reports the first paint of the real command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QStatusTipEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from massage_timer.cli import build_parser, parse_args
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.settings_file import load_settings
from massage_timer.ui.app import STARTUP_MARK_ENV, FirstPaintWatcher
from massage_timer.ui.wiring import App

REPO = Path(__file__).resolve().parent.parent


def _app() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


@pytest.fixture
def deferred(qtbot: QtBot, app_paths: AppPaths) -> Iterator[App]:
    ctl = App(_app(), app_paths, defer_startup=True)
    yield ctl
    ctl.shutdown()
    ctl.deleteLater()


def test_window_is_complete_before_the_rest_starts(deferred: App) -> None:
    window = deferred.window
    assert window.isVisible()
    assert not deferred.started
    assert window.routine_list.model().rowCount() >= 8, "the library is in the first paint"
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert "Reminders" in titles and titles[-1] == "Help"


def test_the_rest_starts_right_after_the_first_paint(
    qtbot: QtBot, deferred: App, app_paths: AppPaths
) -> None:
    order: list[str] = []
    deferred.first_paint.add_callback(lambda: order.append("painted"))
    deferred.when_started(lambda: order.append("started"))
    qtbot.waitUntil(lambda: deferred.started, timeout=5000)
    assert order == ["painted", "started"]
    assert deferred.reminders.service.timer.isActive()
    assert not deferred.history.in_memory
    assert app_paths.history_file.is_file()
    called: list[bool] = []
    deferred.when_started(lambda: called.append(True))
    assert called == [True], "after the start-up, when_started calls at once"


def test_entry_points_finish_the_start_up_first(qtbot: QtBot, deferred: App) -> None:
    assert not deferred.started
    deferred.start_session("desk-micro-break")
    assert deferred.started
    flow = deferred.sessions.flow
    assert flow is not None and flow.checklist is not None
    flow.checklist.reject()
    assert deferred.sessions.flow is None


def test_the_routine_actions_make_the_editing_part_when_first_used(
    qtbot: QtBot, deferred: App
) -> None:
    """The editing part is not made for the first paint; the window's New and Edit
    still open the editor, through it, and Quit closes that editor first."""
    assert deferred._editing is None
    actions = deferred.window.routine_actions
    actions.newRequested.emit()
    editor = deferred.editing.editor
    assert editor is not None and editor.isVisible()
    editor.undo_stack.setClean()
    editor.close()
    qtbot.waitUntil(lambda: deferred.editing.editor is None)
    routine_id = deferred.library.routines[0].routine.id
    actions.editRequested.emit(routine_id)
    assert deferred.editing.editor is not None
    deferred.editing.editor.undo_stack.setClean()
    assert deferred.editing.close_editor()


def test_the_history_window_is_made_when_first_asked_for(deferred: App) -> None:
    assert deferred._history_window is None, "not needed for the first paint"
    made = deferred.history_window
    assert deferred._history_window is made and deferred.history_window is made


def test_tray_menu_works_before_the_start_up(deferred: App) -> None:
    assert not deferred.started
    deferred.tray.snoozeRequested.emit()
    assert deferred.started
    assert deferred.reminders.service.timer.isActive()


def test_quit_before_the_start_up_opens_nothing(qtbot: QtBot, app_paths: AppPaths) -> None:
    ctl = App(_app(), app_paths, defer_startup=True)
    ctl.shutdown()
    ctl.deleteLater()
    assert not ctl.started
    assert not app_paths.history_file.exists()


def test_background_start_does_not_wait_for_a_paint(qtbot: QtBot, app_paths: AppPaths) -> None:
    ctl = App(_app(), app_paths, background=True, defer_startup=True)
    try:
        if ctl.tray.available:
            assert not ctl.window.isVisible()
        else:  # nothing to come back through: a minimized window, never a hidden one
            assert ctl.window.isMinimized()
        qtbot.waitUntil(lambda: ctl.started, timeout=5000)
        assert ctl.reminders.service.timer.isActive()
    finally:
        ctl.shutdown()
        ctl.deleteLater()


def test_start_up_notices_are_all_shown(qtbot: QtBot, app_paths: AppPaths) -> None:
    app_paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    app_paths.settings_file.write_text("theme = [unclosed\n")
    app_paths.history_file.parent.mkdir(parents=True, exist_ok=True)
    app_paths.history_file.write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
    ctl = App(_app(), app_paths, defer_startup=True)
    try:
        shown = ctl.window.notices()
        assert len(shown) == 1 and "settings file could not be read" in shown[0]
        qtbot.waitUntil(lambda: ctl.started, timeout=5000)
        shown = ctl.window.notices()
        assert len(shown) == 2, "each notice once, in its own paragraph"
        assert "settings file could not be read" in shown[0]
        assert "history file could not be read" in shown[1]
        window = ctl.window
        window.resize(900, 600)
        window.show()
        qtbot.waitExposed(window)
        label = window.notice_bar.label
        assert label.text() == "\n".join(shown)
        assert label.heightForWidth(label.width()) <= label.height(), "whole, not cut"
        # Opening a menu sends an empty status tip: it wiped the status bar's notice.
        QApplication.sendEvent(window, QStatusTipEvent(""))
        window.menuBar().actions()[0].menu().popup(window.mapToGlobal(QPoint(0, 0)))
        window.menuBar().actions()[0].menu().hide()
        assert window.notices() == shown and window.notice_bar.isVisible()
        window.notice_bar.close_button.click()
        assert not window.notice_bar.isVisible() and window.notices() == []
    finally:
        ctl.shutdown()
        ctl.deleteLater()


def test_first_paint_watcher_fires_once_and_goes(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    calls: list[int] = []
    watcher = FirstPaintWatcher(widget, lambda: calls.append(1))
    widget.show()
    qtbot.waitUntil(lambda: watcher.fired, timeout=5000)
    widget.update()
    QApplication.sendEvent(widget, QEvent(QEvent.Type.Paint))
    assert calls == [1]
    watcher.add_callback(lambda: calls.append(2))
    assert calls == [1, 2]


def test_startup_mark_reports_the_first_paint_and_quits(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{STARTUP_MARK_ENV: "exit"})
    proc = subprocess.run(
        [sys.executable, "-m", "massage_timer", "--data-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=REPO, env=env, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    marks = [line for line in proc.stderr.splitlines() if line.startswith("massage-timer: ")]
    assert len(marks) == 1, proc.stderr
    assert marks[0].startswith("massage-timer: shown ")
    float(marks[0].split()[-1])
    paths = AppPaths.portable(tmp_path)
    assert paths.history_file.is_file(), "the deferred start-up ran before quitting"
    settings, notices = load_settings(paths.settings_file)
    assert settings.window_geometry and not notices, "quit cleanly: the geometry was saved"


PAINT_CHILD = """
import sys
from massage_timer.cli import main
from massage_timer.ui import app

def report(controller, *, quit_after):
    def shown():
        heavy = sorted(m for m in ("pydantic", "massage_timer.core.storage.history.store",
                                   "massage_timer.ui.reminders.service") if m in sys.modules)
        print("AT FIRST PAINT", " ".join(heavy) or "-", flush=True)
        controller.when_started(controller.quit)
    controller.first_paint.add_callback(shown)

app._report_first_paint = report
code = main(sys.argv[1:])
print("AT EXIT", "pydantic" if "pydantic" in sys.modules else "-", flush=True)
sys.exit(code)
"""


def test_no_start_imports_pydantic_and_the_history_waits_for_the_paint(tmp_path: Path) -> None:
    """Every start checks every routine and the settings (msgspec, in C), the first
    start as every later one: none imports pydantic, before the paint or after it, and
    each opens the history and the reminders only after the paint."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{STARTUP_MARK_ENV: "1"})

    def start() -> tuple[str, str]:
        proc = subprocess.run(
            [sys.executable, "-c", PAINT_CHILD, "--data-dir", str(tmp_path)],
            capture_output=True, text=True, timeout=120, cwd=REPO, env=env, check=False,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        painted = [line for line in proc.stdout.splitlines() if line.startswith("AT FIRST")]
        ended = [line for line in proc.stdout.splitlines() if line.startswith("AT EXIT")]
        assert len(painted) == 1 and len(ended) == 1, proc.stdout
        return painted[0].removeprefix("AT FIRST PAINT "), ended[0].removeprefix("AT EXIT ")

    assert start() == ("-", "-"), "the first start"
    assert start() == ("-", "-"), "a usual start"


def test_starting_the_app_imports_no_subcommand(tmp_path: Path) -> None:
    code = (
        "import sys; from massage_timer.cli import parse_args; "
        f"args = parse_args(['--data-dir', {str(tmp_path)!r}, '--background']); "
        "print(json.dumps([args.background, args.command, "
        "sorted(m for m in sys.modules if m.startswith('massage_timer.commands.'))]))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", "import json; " + code],
        capture_output=True, text=True, timeout=60, cwd=REPO, check=True,
    )
    assert json.loads(proc.stdout) == [True, None, []]


@pytest.mark.parametrize(
    "argv",
    [[], ["--background"], ["--data-dir", "d", "--routines-dir", "a", "--routines-dir", "b"],
     ["--self-check"], ["--install-desktop-entry", "--data-dir", "d"]],
)
def test_quick_parse_matches_the_full_parser(argv: list[str]) -> None:
    assert vars(parse_args(argv)) == vars(build_parser().parse_args(argv))


def test_subcommands_still_parse() -> None:
    args = parse_args(["routines", "--json", "--data-dir", "d"])
    assert args.command == "routines" and args.json


def test_going_to_the_background_drops_the_cached_pixmaps(
    qtbot: QtBot, app_paths: AppPaths
) -> None:
    """While QPixmapCache holds anything, its timer wakes the app every 10 s: closing
    the window to the background empties it."""
    from PySide6.QtGui import QPixmap, QPixmapCache

    ctl = App(_app(), app_paths, defer_startup=True)
    try:
        ctl.store.update(reminders_enabled=True)
        qtbot.waitUntil(lambda: ctl.started, timeout=5000)
        QPixmapCache.insert("test-painted", QPixmap(8, 8))
        assert QPixmapCache.find("test-painted") is not None
        ctl.window.close()
        assert not ctl.window.isVisible() or ctl.window.isMinimized(), "in the background"
        qtbot.waitUntil(lambda: QPixmapCache.find("test-painted") is None, timeout=2000)
    finally:
        ctl.shutdown()
        ctl.deleteLater()


CATALOG_CHILD = """
import sys
from massage_timer.cli import main
from massage_timer.core.storage import catalogs
from massage_timer.ui import app

read = []
load = catalogs.load_catalog

def counted(code):
    read.append(code)
    return load(code)

catalogs.load_catalog = counted

def report(controller, *, quit_after):
    def shown():
        print("READ AT FIRST PAINT", " ".join(read), flush=True)
        controller.when_started(controller.quit)
    controller.first_paint.add_callback(shown)

app._report_first_paint = report
sys.exit(main(sys.argv[1:]))
"""


def test_a_german_start_reads_the_german_catalogue_once(tmp_path: Path) -> None:
    """The command line switches to the environment's language, and the window's
    language (the setting: ``system``) is that one: its catalogue is not read again."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LANGUAGE="de",
               **{STARTUP_MARK_ENV: "1"})
    proc = subprocess.run(
        [sys.executable, "-c", CATALOG_CHILD, "--data-dir", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=REPO, env=env, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [line for line in proc.stdout.splitlines() if line.startswith("READ AT")]
    assert lines == ["READ AT FIRST PAINT de"], proc.stdout + proc.stderr[-2000:]
