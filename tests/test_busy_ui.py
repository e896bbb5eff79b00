"""Quiet while busy, in the interface: Meeting mode in the tray and Reminders menu, the
Settings' Reminders tab (each signal can be turned off; what this desktop offers), and
the status line while a reminder is held."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from conftest import FakeClocks
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from massage_timer.core.model.busy import BusyReason
from massage_timer.core.model.schedule import ReminderSchedule, ScheduleConfig
from massage_timer.core.model.settings import Settings
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.settings_store import SettingsStore
from massage_timer.ui.desktop.tray import ReminderTray
from massage_timer.ui.reminders.busy import BusyDetector
from massage_timer.ui.reminders.service import describe
from massage_timer.ui.settings.settings_dialog import SettingsDialog
from massage_timer.ui.wiring import App


def test_meeting_mode_from_the_menu_holds_then_ends(qtbot: QtBot) -> None:
    store = SettingsStore(Settings())
    tray = ReminderTray(tray_available=False)
    tray.follow(store)
    end = tray.menu.findChild(QAction, "trayMeetingEnd")
    hour = tray.menu.findChild(QAction, "trayMeeting60")
    assert end is not None and hour is not None
    assert not end.isVisible()
    before = datetime.now().astimezone()
    hour.trigger()
    until = store.settings.meeting_until
    assert until is not None
    assert timedelta(minutes=59) < until - before < timedelta(minutes=61)
    assert end.isVisible()
    end.trigger()
    assert store.settings.meeting_until is None
    assert not end.isVisible()
    store.update_state(meeting_until=datetime.now().astimezone() - timedelta(minutes=1))
    tray.menu.aboutToShow.emit()
    assert not end.isVisible()  # a meeting that ended by the clock is not offered to end


def test_the_info_line_says_reminders_wait_for_the_meeting(qtbot: QtBot) -> None:
    """In meeting mode the menu's line (and the tray's tooltip) still said "Next
    reminder at 16:59" for a meeting that ends at 17:59; and with reminders off,
    Meeting mode stayed offered."""
    store = SettingsStore(Settings())
    tray = ReminderTray(tray_available=False)
    tray.follow(store)
    tray.set_status("Next reminder at 16:59")
    info = tray.menu.findChild(QAction, "trayNextReminder")
    hour = tray.menu.findChild(QAction, "trayMeeting60")
    end = tray.menu.findChild(QAction, "trayMeetingEnd")
    assert info is not None and hour is not None and end is not None
    hour.trigger()
    assert info.text().startswith("Reminders wait until the meeting ends at ")
    tray.set_status("Next reminder at 17:10")  # the schedule moves on meanwhile
    assert info.text().startswith("Reminders wait until the meeting ends at ")
    end.trigger()
    assert info.text() == "Next reminder at 17:10"
    store.update(reminders_enabled=False)
    meeting = tray.menu.findChild(QMenu, "trayMeetingMenu")
    assert meeting is not None and not meeting.menuAction().isEnabled()


def test_the_reminders_tab_edits_every_busy_signal_and_names_the_offered_ones(
    qtbot: QtBot,
) -> None:
    offered = ["Meeting mode: from the tray", "Do not disturb: Notifications.Inhibited"]
    dialog = SettingsDialog(Settings(), busy_signals=offered)
    qtbot.addWidget(dialog)
    for box in (dialog.busy_full_screen, dialog.busy_inhibitors,
                dialog.busy_do_not_disturb, dialog.busy_microphone_camera):
        assert box.isChecked()
        box.setChecked(False)
    dialog.busy_programs.setText(" zoom , obs,, ")
    dialog.accept()
    assert dialog.changes() == {
        "busy_full_screen": False, "busy_inhibitors": False, "busy_do_not_disturb": False,
        "busy_microphone_camera": False, "busy_programs": ("zoom", "obs"),
    }
    notes = [n.text() for n in dialog._notes]
    assert any("Notifications.Inhibited" in n and "Meeting mode" in n for n in notes)


def test_a_program_with_a_folder_is_refused_in_words(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.busy_programs.setText("/usr/bin/zoom")
    dialog.accept()
    assert dialog.result() == 0
    assert "without folders" in dialog._error.text()


def test_restore_defaults_keeps_a_running_meeting(qtbot: QtBot) -> None:
    until = datetime(2030, 1, 1, 10, tzinfo=UTC)
    dialog = SettingsDialog(Settings(busy_inhibitors=False, meeting_until=until))
    qtbot.addWidget(dialog)
    dialog._on_restore_defaults()
    assert dialog.busy_inhibitors.isChecked()
    dialog.accept()
    assert dialog.settings().meeting_until == until


def test_the_status_line_says_why_a_reminder_is_held() -> None:
    clocks = FakeClocks(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    schedule = ReminderSchedule(ScheduleConfig(), monotonic=clocks.monotonic,
                                wall=clocks.wall, tz=UTC)
    clocks.advance(3600)
    schedule.tick(None, lambda: BusyReason.MICROPHONE)
    assert describe(schedule, clocks.now) == (
        "Reminder held until you are free (the microphone is in use)")


@pytest.fixture
def wired(qtbot: QtBot, app_paths: AppPaths) -> Iterator[App]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    ctl = App(app, app_paths)
    yield ctl
    ctl.shutdown()
    ctl.deleteLater()


def test_the_wired_app_holds_for_meeting_mode_from_its_menu(
    qtbot: QtBot, wired: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    reminders = wired.reminders
    assert reminders.busy.check() is not BusyReason.MEETING_MODE
    hour = wired.tray.menu.findChild(QAction, "trayMeeting60")
    assert hour is not None
    rechecks: list[None] = []
    monkeypatch.setattr(reminders.service, "recheck", lambda: rechecks.append(None))
    hour.trigger()
    assert reminders.busy.check() is BusyReason.MEETING_MODE
    assert rechecks == [None]  # the change looks again at a held reminder at once
    wired.store.update(busy_microphone_camera=False)
    assert len(rechecks) == 2


def test_the_wired_app_watches_the_desktop_only_while_a_reminder_is_held(
    qtbot: QtBot, app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    watched: list[bool] = []
    monkeypatch.setattr(BusyDetector, "watch", lambda _self, on: watched.append(on))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    ctl = App(app, app_paths)
    try:
        ctl.reminders.service.reminderHeld.emit(True)
        ctl.reminders.service.reminderHeld.emit(False)
        assert watched == [True, False]
    finally:
        ctl.shutdown()
        ctl.deleteLater()


def test_a_session_of_ours_is_the_break_not_a_busy_spell(
    wired: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Our own screen-awake inhibitor would read as "idle inhibited": a due reminder
    during a session must go on to count the session as the break, not be deferred."""
    asked: list[None] = []

    def busy() -> BusyReason:
        asked.append(None)
        return BusyReason.INHIBITED

    monkeypatch.setattr(wired.reminders.busy, "check", busy)
    monkeypatch.setattr(type(wired.sessions), "running", property(lambda _self: True))
    assert wired.reminders._busy_reason() is None
    assert asked == []
    monkeypatch.setattr(type(wired.sessions), "running", property(lambda _self: False))
    assert wired.reminders._busy_reason() is BusyReason.INHIBITED
