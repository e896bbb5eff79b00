"""The running app as a whole: start-up, background, reminders and sessions wired up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QRadioButton
from pytestqt.qtbot import QtBot

from massage_timer.core.model.session import Outcome
from massage_timer.core.storage.history.store import HistoryStore
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.settings_file import load_settings
from massage_timer.ui.wiring import App


@pytest.fixture
def controller(qtbot: QtBot, app_paths: AppPaths) -> Iterator[App]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    ctl = App(app, app_paths)
    yield ctl
    ctl.shutdown()
    ctl.deleteLater()


def test_start_shows_library_with_reminders_menu(controller: App) -> None:
    window = controller.window
    assert window.isVisible()
    assert window.routine_list.model().rowCount() >= 8
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert "Reminders" in titles
    assert titles[-1] == "Help"
    assert controller.reminders.service.timer.isActive()


def test_closing_the_window_keeps_reminders_running(
    qtbot: QtBot, controller: App, app_paths: AppPaths
) -> None:
    controller.window.close()
    qtbot.waitUntil(lambda: not controller.window.isVisible() or controller.window.isMinimized())
    assert controller.reminders.service.timer.isActive()
    saved, _ = load_settings(app_paths.settings_file)
    assert saved.shown_background_hint
    controller.bring_to_front()
    assert controller.window.isVisible()


def test_start_runs_the_checklist_first(qtbot: QtBot, controller: App) -> None:
    controller.start_session("desk-micro-break")
    flow = controller.sessions.flow
    assert flow is not None and flow.checklist is not None
    assert flow.checklist.objectName() == "safetyChecklist"
    assert flow.window is None, "no player before the checklist is passed"
    yes = flow.checklist.findChild(QRadioButton, "redFlag_dizziness_yes")
    assert yes is not None
    for button in flow.checklist.findChildren(QRadioButton):
        if button.objectName().endswith("_no") and "dizziness" not in button.objectName():
            button.setChecked(True)
    yes.setChecked(True)
    outcomes: list[Outcome] = []
    flow.ended.connect(outcomes.append)
    flow.checklist.reject()
    assert outcomes == [Outcome.BLOCKED]
    assert controller.sessions.flow is None
    assert controller.history.count() == 0


def test_reminder_prompt_starts_the_micro_break(qtbot: QtBot, controller: App) -> None:
    controller.reminders.service.reminderDue.emit()
    assert controller.reminders.prompt.isVisible()
    reason = controller.reminders.prompt.findChild(QLabel, "reminderReason")
    assert reason is not None and "at the desk for a minute." in reason.text()
    controller.reminders.prompt.start_button.click()
    flow = controller.sessions.flow
    assert flow is not None
    assert flow.routine.id == "desk-micro-break"
    assert flow.checklist is not None and flow.checklist.isVisible()
    assert not controller.reminders.prompt.isVisible()
    flow.checklist.reject()


def test_settings_change_reaches_reminders_and_disk(
    controller: App, app_paths: AppPaths
) -> None:
    controller.store.update(reminder_interval_minutes=30, theme="dark")
    saved, _ = load_settings(app_paths.settings_file)
    assert saved.reminder_interval_minutes == 30
    assert controller.theme.dark
    assert controller.reminders.service.schedule.config.interval.total_seconds() == 30 * 60


def test_newer_history_file_is_left_alone_and_reported(
    qtbot: QtBot, app_paths: AppPaths
) -> None:
    store, _ = HistoryStore.open(app_paths.history_file)
    store.close()
    import sqlite3

    with sqlite3.connect(app_paths.history_file) as conn:
        conn.execute("PRAGMA user_version = 99")
    before = app_paths.history_file.read_bytes()
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    ctl = App(app, app_paths)
    try:
        assert ctl.history.in_memory
        assert "newer" in " ".join(ctl.notices).lower()
        assert ctl.window.notices() == ctl.notices
    finally:
        ctl.shutdown()
        ctl.deleteLater()
    assert app_paths.history_file.read_bytes() == before


def test_sigterm_quits_cleanly(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "massage_timer", "--data-dir", str(tmp_path)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    settings = tmp_path / "config" / "settings.toml"
    history = tmp_path / "data" / "history.sqlite3"
    try:
        for _ in range(300):
            if history.exists():
                break
            try:
                proc.wait(0.05)
            except subprocess.TimeoutExpired:
                continue
            pytest.fail(f"the app exited early: {proc.stdout.read() if proc.stdout else ''}")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert settings.exists(), "window geometry saved on the way out"
    assert not Path(str(history) + "-wal").exists(), "history closed, WAL checkpointed"


QUIT_CHILD = """
import sys
from PySide6.QtCore import QTimer
from massage_timer.cli import main
from massage_timer.ui.app import Application

app = Application(sys.argv[:1])  # the app's start-up reuses it
QTimer.singleShot(1500, app.quit)
QTimer.singleShot(20_000, lambda: app.exit(3))  # the quit was refused
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("background", [False, True], ids=["window", "background"])
def test_a_quit_request_quits(tmp_path: Path, background: bool) -> None:
    """Cmd+Q, the end of a desktop session or ``QApplication.quit()`` quit the app.

    Qt first closes every window and cancels the quit if one refuses; the main window
    refuses a close from the user to keep the reminders running, but not this one.
    (Offscreen there is no tray, so in the background the window is minimized.)
    """
    args = ["--data-dir", str(tmp_path), *(["--background"] if background else [])]
    proc = subprocess.run(
        [sys.executable, "-c", QUIT_CHILD, *args],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / "config" / "settings.toml").exists(), "quit cleanly: settings saved"


def test_no_reminder_interrupts_a_session(qtbot: QtBot, controller: App) -> None:
    controller.start_session("desk-micro-break")
    assert controller.sessions.flow is not None
    controller.reminders.service.reminderDue.emit()
    assert not controller.reminders.prompt.isVisible()
    assert controller.sessions.flow.checklist is not None
    controller.sessions.flow.checklist.reject()


def test_the_last_chosen_routine_is_opened_next_time(
    qtbot: QtBot, app_paths: AppPaths
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    first = App(app, app_paths)
    assert first.window.current_routine_id() == "desk-micro-break", "the first time"
    assert first.window.select_routine("sore-neck-squeeze-release")
    first.shutdown()
    first.deleteLater()
    saved, _ = load_settings(app_paths.settings_file)
    assert saved.last_routine_id == "sore-neck-squeeze-release"
    second = App(app, app_paths)
    try:
        assert second.window.current_routine_id() == "sore-neck-squeeze-release"
    finally:
        second.shutdown()
        second.deleteLater()


def test_the_first_start_says_reminders_are_on_once(
    qtbot: QtBot, app_paths: AppPaths
) -> None:
    from PySide6.QtWidgets import QDialog, QTabWidget

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    first = App(app, app_paths)
    note = first.window.reminders_note
    assert note.isVisible()
    assert note.label.text() == "Reminders are on: every 60 min, 09:00\u201318:00, Mon\u2013Fri."
    first.store.update(reminder_interval_minutes=45, active_days=(0, 2, 4))
    assert note.label.text() == "Reminders are on: every 45 min, 09:00\u201318:00, Mon, Wed, Fri."
    first.store.update(reminders_enabled=False)
    assert not note.isVisible(), "a note saying they are on, gone when they are off"
    first.store.update(reminders_enabled=True)
    assert not note.isVisible()
    note.show_for(first.store.settings)
    note.change_button.click()
    assert not note.isVisible()
    dialog = first.window.findChild(QDialog, "settingsDialog")
    assert dialog is not None and dialog.isVisible()
    tabs = dialog.findChild(QTabWidget, "settingsTabs")
    assert tabs is not None and tabs.tabText(tabs.currentIndex()) == "&Reminders"
    dialog.reject()
    first.shutdown()
    first.deleteLater()
    saved, _ = load_settings(app_paths.settings_file)
    assert saved.shown_reminders_note
    second = App(app, app_paths)
    try:
        assert not second.window.reminders_note.isVisible()
    finally:
        second.shutdown()
        second.deleteLater()


def test_a_notice_is_never_hidden_behind_the_reminders_note(
    qtbot: QtBot, app_paths: AppPaths
) -> None:
    """A first start after a settings file was moved aside shows both: the notice above
    the library, whole, and the note that reminders are on in the status bar. A passing
    message covers the note a while, and the note comes back after it, saying what the
    reminders are by then."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app_paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    app_paths.settings_file.write_text("broken = = =\n")
    first = App(app, app_paths)
    try:
        window = first.window
        qtbot.waitExposed(window)
        bar, note = window.statusBar(), window.reminders_note
        notices = window.notices()
        assert len(notices) == 1
        assert notices[0].startswith("The settings file could not be read")
        assert window.notice_bar.isVisible()
        assert window.notice_bar.label.text() == notices[0]
        assert note.active and note.isVisible()
        first.store.update(reminder_interval_minutes=45)
        assert note.label.text().startswith("Reminders are on: every 45 min")
        window.show_notice("Exported to a file.", 50)
        assert not note.isVisible()
        assert bar.toolTip() == "Exported to a file.", "the whole message, where it is cut"
        qtbot.waitUntil(note.isVisible, timeout=2000)
        assert bar.toolTip() == ""
        assert window.notices() == notices, "a passing message leaves the notice alone"
        first.store.update(reminders_enabled=False)
        assert not note.isVisible() and not note.active, "gone once reminders are off"
    finally:
        first.shutdown()
        first.deleteLater()


def test_a_keyboard_user_skips_a_reminder_from_the_reminders_menu(
    qtbot: QtBot, controller: App,
) -> None:
    """The prompt never takes the keyboard, and the Reminders menu had its Start and
    Snooze but no Skip: a keyboard user could not dismiss a reminder as skipped."""
    from PySide6.QtGui import QAction

    skip = controller.tray.menu.findChild(QAction, "traySkip")  # the Reminders menu
    assert skip is not None and not skip.isVisible()
    answered: list[str] = []
    controller.reminders.prompt.skipRequested.connect(lambda: answered.append("skip"))
    controller.reminders.service.reminderDue.emit()
    assert controller.reminders.prompt.isVisible()
    assert skip.isVisible() and skip.isEnabled() and skip.text() == "S&kip this break"
    skip.trigger()
    assert answered == ["skip"]
    assert not controller.reminders.prompt.isVisible()
    assert not skip.isVisible()
