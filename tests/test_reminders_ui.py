"""Reminders in Qt: the adapter's timer, the prompt, the tray menu, settings, autostart."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import configparser
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import FakeClocks
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget
from pytestqt.qtbot import QtBot

from massage_timer.core.model.schedule import ReminderState
from massage_timer.core.model.settings import Settings
from massage_timer.core.storage import autostart
from massage_timer.ui.desktop.tray import ReminderTray
from massage_timer.ui.reminders.prompt import ReminderPrompt
from massage_timer.ui.reminders.service import ReminderController, describe
from massage_timer.ui.settings.settings_dialog import SettingsDialog

# The offscreen platform cannot raise stay-on-top windows and says so.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise.*")

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def clocks() -> FakeClocks:
    return FakeClocks(datetime(2026, 3, 2, 9, 0, tzinfo=LONDON))


@pytest.fixture
def logged() -> list[tuple[str, datetime]]:
    return []


@pytest.fixture
def controller(
    qtbot: QtBot, clocks: FakeClocks, logged: list[tuple[str, datetime]]
) -> Iterator[ReminderController]:
    ctl = ReminderController(
        Settings(), log_event=lambda kind, at: logged.append((kind, at)),
        monotonic=clocks.monotonic, wall=clocks.wall, tz=LONDON,
    )
    ctl.start()
    yield ctl
    ctl.stop()


def fire(controller: ReminderController, clocks: FakeClocks, seconds: float) -> None:
    """Move the clocks on and let the single-shot timer fire, as Qt would."""
    clocks.advance(seconds)
    controller.timer.timeout.emit()


def test_timer_is_single_shot_and_waits_at_most_a_minute(
    controller: ReminderController,
) -> None:
    assert controller.timer.isSingleShot()
    assert controller.timer.isActive()
    assert 59_000 <= controller.timer.interval() <= 60_000
    assert controller.timer.objectName() == "reminderTimer"


def test_reminder_is_due_logged_and_answered(
    qtbot: QtBot, controller: ReminderController, clocks: FakeClocks,
    logged: list[tuple[str, datetime]],
) -> None:
    fire(controller, clocks, 3540)
    assert controller.status == "Next reminder at 10:00"
    assert controller.timer.interval() == 60_000
    with qtbot.waitSignal(controller.reminderDue, timeout=500):
        fire(controller, clocks, 60)
    assert logged == [("shown", clocks.now)]
    started: list[str] = []
    controller.startBreakRequested.connect(started.append)
    with qtbot.wait_signals(
        [controller.reminderWithdrawn, controller.startBreakRequested], order="strict",
        timeout=500,
    ):
        controller.start_break()
    assert started == ["desk-micro-break"]
    # Started only once the player runs (past the checklist): then a new interval.
    assert [k for k, _ in logged] == ["shown"]
    controller.break_started()
    assert [k for k, _ in logged] == ["shown", "started"]
    assert controller.status == "Next reminder at 11:00"


@pytest.mark.parametrize(("answer", "kind"), [("snooze", "snoozed"), ("skip", "skipped")])
def test_snooze_and_skip_are_logged(  # noqa: PLR0917
    qtbot: QtBot, controller: ReminderController, clocks: FakeClocks,
    logged: list[tuple[str, datetime]], answer: str, kind: str,
) -> None:
    fire(controller, clocks, 3600)
    with qtbot.waitSignal(controller.reminderWithdrawn, timeout=500):
        getattr(controller, answer)()
    assert [k for k, _ in logged] == ["shown", kind]
    expected = "10:10" if answer == "snooze" else "11:00"
    assert controller.status == f"Next reminder at {expected}"


def test_answers_without_a_reminder_are_not_logged(
    controller: ReminderController, logged: list[tuple[str, datetime]]
) -> None:
    controller.snooze()
    controller.skip()
    assert logged == []


def test_pause_is_persisted_through_a_signal_and_ends(
    qtbot: QtBot, controller: ReminderController, clocks: FakeClocks
) -> None:
    with qtbot.waitSignal(controller.pausedUntilChanged, timeout=500) as blocker:
        controller.pause_for(timedelta(hours=1))
    assert blocker.args == [clocks.now + timedelta(hours=1)]
    assert controller.status == "Reminders paused until 10:00"
    with qtbot.waitSignal(controller.pausedUntilChanged, timeout=500) as blocker:
        fire(controller, clocks, 3600)
    assert blocker.args == [None]
    assert controller.status == "Next reminder at 11:00"


def test_settings_change_reaches_the_schedule(
    controller: ReminderController, clocks: FakeClocks
) -> None:
    controller.apply_settings(Settings(reminder_interval_minutes=30, snooze_minutes=5))
    assert controller.status == "Next reminder at 09:30"
    assert controller.snooze_minutes == 5
    controller.apply_settings(Settings(reminders_enabled=False))
    assert controller.status == "Reminders are off"
    assert not controller.timer.isActive()


def test_idle_time_is_read_on_each_wakeup(
    qtbot: QtBot, clocks: FakeClocks, logged: list[tuple[str, datetime]]
) -> None:
    idle = {"seconds": 0.0}
    ctl = ReminderController(
        Settings(), log_event=lambda k, at: logged.append((k, at)),
        idle_seconds=lambda: idle["seconds"], monotonic=clocks.monotonic, wall=clocks.wall,
        tz=LONDON,
    )
    ctl.start()
    idle["seconds"] = 400.0
    fire(ctl, clocks, 1800)
    assert ctl.schedule.state is ReminderState.AWAY
    assert ctl.status == "Next reminder: an interval after you are back"
    idle["seconds"] = 3.0
    fire(ctl, clocks, 5400)  # back at 10:59:57 after an hour and a half away
    assert ctl.status == "Next reminder at 11:59"
    assert logged == []
    ctl.stop()


def test_describe_names_the_day_when_not_today(clocks: FakeClocks) -> None:
    ctl = ReminderController(
        Settings(), log_event=lambda k, at: None, monotonic=clocks.monotonic,
        wall=clocks.wall, tz=LONDON,
    )
    clocks.now = datetime(2026, 3, 6, 17, 30, tzinfo=LONDON).astimezone(UTC)  # Friday
    ctl.skip()
    assert describe(ctl.schedule, clocks.now) == "Next reminder at 10:00 on Monday"
    ctl.stop()


# -- the prompt -------------------------------------------------------------------


def test_prompt_does_not_take_focus(qtbot: QtBot) -> None:
    prompt = ReminderPrompt()
    qtbot.addWidget(prompt)
    flags = prompt.windowFlags()
    assert flags & Qt.WindowType.WindowDoesNotAcceptFocus
    assert flags & Qt.WindowType.WindowStaysOnTopHint
    assert flags & Qt.WindowType.Tool == Qt.WindowType.Tool
    assert prompt.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is other, timeout=1000)
    prompt.show_reminder()
    assert prompt.isVisible()
    assert QApplication.activeWindow() is other


@pytest.mark.parametrize(
    ("name", "signal"),
    [("reminderStart", "startRequested"), ("reminderSnooze", "snoozeRequested"),
     ("reminderSkip", "skipRequested")],
)
def test_prompt_buttons(qtbot: QtBot, name: str, signal: str) -> None:
    prompt = ReminderPrompt()
    qtbot.addWidget(prompt)
    prompt.show_reminder()
    button = prompt.findChild(QAbstractButton, name)
    assert button is not None and button.accessibleName()
    with qtbot.waitSignal(getattr(prompt, signal), timeout=500):
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not prompt.isVisible()


def test_closing_the_prompt_is_a_skip_but_withdrawing_is_not(qtbot: QtBot) -> None:
    prompt = ReminderPrompt()
    qtbot.addWidget(prompt)
    prompt.show_reminder()
    with qtbot.waitSignal(prompt.skipRequested, timeout=500):
        prompt.close()
    prompt.show_reminder()
    with qtbot.assertNotEmitted(prompt.skipRequested):
        prompt.withdraw()
        prompt.close()


def test_prompt_says_why(qtbot: QtBot) -> None:
    prompt = ReminderPrompt()
    qtbot.addWidget(prompt)
    prompt.set_reason(90, "Desk micro-break", 2)
    prompt.set_snooze_minutes(5)
    texts = " ".join(label.text() for label in prompt.findChildren(type(prompt._reason)))
    assert "90 minutes" in texts and "Desk micro-break (2\u00a0min)" in texts
    assert prompt.snooze_button.text() == "Snooze 5 min"


# -- the tray -----------------------------------------------------------------------


def _action(tray: ReminderTray, name: str) -> object:
    from PySide6.QtGui import QAction

    action = tray.menu.findChild(QAction, name)
    assert action is not None, name
    return action


@pytest.mark.parametrize(
    ("name", "signal"),
    [("trayStartBreak", "startBreakRequested"), ("traySnooze", "snoozeRequested"),
     ("trayPauseHour", "pauseHourRequested"), ("trayPauseTomorrow", "pauseTomorrowRequested"),
     ("trayResume", "resumeRequested"), ("trayOpen", "openRequested"),
     ("trayQuit", "quitRequested")],
)
def test_tray_menu_actions(qtbot: QtBot, name: str, signal: str) -> None:
    from PySide6.QtGui import QAction

    tray = ReminderTray(tray_available=False)
    action = _action(tray, name)
    assert isinstance(action, QAction)
    with qtbot.waitSignal(getattr(tray, signal), timeout=500):
        action.trigger()


def test_tray_info_line_and_labels() -> None:
    from PySide6.QtGui import QAction

    tray = ReminderTray(tray_available=False)
    info = _action(tray, "trayNextReminder")
    assert isinstance(info, QAction) and not info.isEnabled()
    tray.set_status("Next reminder at 14:30")
    assert info.text() == "Next reminder at 14:30"
    tray.set_snooze_minutes(15)
    snooze = _action(tray, "traySnooze")
    assert isinstance(snooze, QAction) and snooze.text() == "&Snooze (15 min)"
    resume = _action(tray, "trayResume")
    assert isinstance(resume, QAction) and not resume.isVisible()
    tray.set_paused(True)
    assert resume.isVisible() and not snooze.isEnabled()


def test_no_tray_means_no_icon_and_no_notification() -> None:
    tray = ReminderTray(tray_available=False)
    assert tray.icon is None and not tray.available
    tray.show()
    assert not tray.notify("Posture break", "Time for a break")
    assert tray.menu.actions()


def test_tray_icon_when_available(qtbot: QtBot) -> None:
    tray = ReminderTray(tray_available=True)
    assert tray.icon is not None
    assert tray.icon.contextMenu() is tray.menu
    with qtbot.waitSignal(tray.openRequested, timeout=500):
        tray.icon.activated.emit(tray.icon.ActivationReason.Trigger)


def test_tray_follows_the_controller(qtbot: QtBot, controller: ReminderController) -> None:
    from PySide6.QtGui import QAction

    tray = ReminderTray(tray_available=False)
    controller.statusChanged.connect(tray.set_status)
    tray.snoozeRequested.connect(controller.snooze)
    with qtbot.waitSignal(controller.statusChanged, timeout=500):
        snooze = _action(tray, "traySnooze")
        assert isinstance(snooze, QAction)
        snooze.trigger()
    info = _action(tray, "trayNextReminder")
    assert isinstance(info, QAction) and info.text() == "Next reminder at 10:10"


# -- the settings dialog -------------------------------------------------------------


def test_settings_dialog_round_trip(qtbot: QtBot) -> None:
    original = Settings(window_geometry="AAAA", shown_background_hint=True)
    dialog = SettingsDialog(original, routines=[("desk-micro-break", "Desk micro-break")])
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "settingsDialog"
    dialog.reminder_interval.setValue(45)
    dialog.day_boxes[5].setChecked(True)
    dialog.voice_volume.setValue(50)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.font_scale.setValue(150)
    dialog.accept()
    result = dialog.settings()
    assert result.reminder_interval_minutes == 45
    assert result.active_days == (0, 1, 2, 3, 4, 5)
    assert result.voice_volume == 0.5 and result.theme == "dark" and result.font_scale == 1.5
    assert result.window_geometry == "AAAA" and result.shown_background_hint
    assert dialog.result() == SettingsDialog.DialogCode.Accepted


def test_settings_dialog_refuses_impossible_hours(qtbot: QtBot) -> None:
    from PySide6.QtCore import QTime

    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.active_end.setTime(QTime(8, 0))
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.settings() == Settings()
    assert "start before" in dialog.findChild(QWidget, "settingsError").text()  # type: ignore[union-attr]


def test_turning_reminders_off_is_not_refused_over_their_disabled_days_and_hours(
    qtbot: QtBot,
) -> None:
    """With no day ticked, Save asked for "at least one active day" even with reminders
    turned off, when the day boxes cannot be clicked: the person had to turn reminders
    back on to mend a setting of theirs. Off, the days and hours left unusable keep
    their saved values; on again, they are checked as before."""
    from PySide6.QtCore import QTime

    original = Settings(active_days=(1, 3), active_start="08:00", active_end="17:00")
    dialog = SettingsDialog(original)
    qtbot.addWidget(dialog)
    dialog.show()
    for box in dialog.day_boxes:
        box.setChecked(False)
    dialog.active_end.setTime(QTime(7, 0))
    dialog.reminders_enabled.setChecked(False)
    assert not dialog.day_boxes[0].isEnabled()
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.accept()
    assert not dialog.isVisible()
    result = dialog.settings()
    assert not result.reminders_enabled and result.theme == "dark"
    assert result.active_days == (1, 3)
    assert (result.active_start, result.active_end) == ("08:00", "17:00")
    assert "active_days" not in dialog.changes()

    again = SettingsDialog(original)
    qtbot.addWidget(again)
    again.show()
    for box in again.day_boxes:
        box.setChecked(False)
    again.accept()
    assert again.isVisible()  # reminders on: a day is still needed
    assert "active day" in again.findChild(QWidget, "settingsError").text()  # type: ignore[union-attr]


def test_turning_reminders_off_is_not_refused_over_their_disabled_program_list(
    qtbot: QtBot,
) -> None:
    """A path in "Or these programs run" refused Save with reminders off, and the error
    put the focus on that field, disabled then: nothing a keyboard user could do."""
    original = Settings(busy_programs=("zoom",))
    dialog = SettingsDialog(original)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.busy_programs.setText("/usr/bin/zoom")
    dialog.reminders_enabled.setChecked(False)
    assert not dialog.busy_programs.isEnabled()
    dialog.accept()
    assert not dialog.isVisible()
    assert dialog.settings().busy_programs == ("zoom",)  # the saved list, kept
    assert "busy_programs" not in dialog.changes()

    again = SettingsDialog(original)
    qtbot.addWidget(again)
    again.show()
    again.busy_programs.setText("/usr/bin/zoom")
    again.accept()
    assert again.isVisible()  # reminders on: a plain name is still needed
    assert again.focusWidget() is again.busy_programs


@pytest.mark.parametrize(("tab", "expected"), [
    ("settingsAppearancePage", ["language", "theme", "fontScale"]),
    ("settingsVoicePage", ["voiceEnabled", "voiceName", "voicePreview", "voiceRate"]),
])
def test_tab_follows_the_rows_of_each_settings_tab(
    qtbot: QtBot, tab: str, expected: list[str],
) -> None:
    """Tab went Theme, Text size, Language on a tab that shows Language first; and from
    the voice to five other controls before its Preview button."""
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    page = dialog.findChild(QWidget, tab)
    assert page is not None
    stops: list[str] = []
    widget = page.nextInFocusChain()
    while len(stops) < len(expected) and widget is not page:
        if (widget.isVisibleTo(page) and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                and page.isAncestorOf(widget)):
            stops.append(widget.objectName())
        widget = widget.nextInFocusChain()
    assert stops == expected


def test_settings_dialog_every_control_is_named(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QTabWidget

    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    controls = dialog.findChildren(QAbstractButton) + dialog.findChildren(QAbstractSpinBox) \
        + dialog.findChildren(QComboBox) + dialog.findChildren(QTabWidget)
    named = [c for c in controls if c.objectName() and not c.objectName().startswith("qt_")]
    assert len(named) >= 30
    for control in named:
        assert control.accessibleName(), control.objectName()
    assert "where the system allows" in dialog.keep_screen_awake.text()


def test_settings_dialog_is_keyboard_operable(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=1000)
    dialog.voice_enabled.setFocus()

    def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        focus = QApplication.focusWidget()
        assert focus is not None
        QTest.keyClick(focus, key, modifier)

    press(Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    assert dialog._tabs.currentIndex() == 2
    press(Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert dialog.reminder_interval.hasFocus()
    press(Qt.Key.Key_Up)
    press(Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert dialog.settings().reminder_interval_minutes == 65


# -- autostart ----------------------------------------------------------------------


def test_autostart_entry_written_and_removed(tmp_path: Path) -> None:
    argv = ["/opt/My Apps/massage-timer", "--background", "--data-dir", "/tmp/100%$x"]
    path = autostart.enable(argv, tmp_path)
    assert path == tmp_path / "autostart" / "massage-timer.desktop"
    assert autostart.is_enabled(tmp_path)
    parser = configparser.RawConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Terminal"] == "false"
    assert entry["Exec"] == (
        '"/opt/My Apps/massage-timer" --background --data-dir "/tmp/100%%\\\\$x"'
    )
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(path)], capture_output=True,
                               text=True, check=False)
        assert check.returncode == 0, check.stdout + check.stderr
    assert autostart.disable(tmp_path)
    assert not autostart.is_enabled(tmp_path)
    assert not autostart.disable(tmp_path)


def test_each_copy_has_its_own_start_at_login_entry(tmp_path: Path) -> None:
    """All copies shared one entry: a portable copy turning Start at login on replaced
    the usual install's, and turning it off removed the other copy's, whose setting
    still said on."""
    usual = autostart.enable(["massage-timer", "--background"], tmp_path)
    a, b = tmp_path / "copy a", tmp_path / "copy b"
    entry_a = autostart.enable(["massage-timer", "--data-dir", str(a)], tmp_path, data_dir=a)
    entry_b = autostart.enable(["massage-timer", "--data-dir", str(b)], tmp_path, data_dir=b)
    assert len({usual, entry_a, entry_b}) == 3
    assert usual.name == "massage-timer.desktop"
    assert autostart.entry_path(tmp_path, a) == entry_a  # the same name every time
    assert autostart.disable(tmp_path, data_dir=b)
    assert autostart.is_enabled(tmp_path, data_dir=a) and autostart.is_enabled(tmp_path)
    assert str(a) in entry_a.read_text(encoding="utf-8")
    # The one entry an earlier version wrote for copy a goes when a turns it off; the
    # usual install's entry stays.
    usual.write_text(autostart.entry_text(autostart.launch_command(a)), encoding="utf-8")
    assert autostart.disable(tmp_path, data_dir=a)
    assert not usual.exists() and not entry_a.exists()
    autostart.enable(["massage-timer", "--background"], tmp_path)
    assert not autostart.disable(tmp_path, data_dir=b) and usual.exists()


def test_autostart_follows_xdg_config_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert autostart.entry_path() == tmp_path / "cfg" / "autostart" / "massage-timer.desktop"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/ignored")
    assert autostart.autostart_dir() == Path.home() / ".config" / "autostart"
    command = autostart.launch_command(tmp_path / "data")
    assert command[-3:] == ["--background", "--data-dir", str(tmp_path / "data")]


def test_restore_defaults_keeps_what_the_app_remembers(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QPushButton

    original = Settings(window_geometry="AAAA", shown_background_hint=True,
                        last_routine_id="tennis-ball-wall", shown_reminders_note=True,
                        reminder_interval_minutes=45)
    dialog = SettingsDialog(original, routines=[("desk-micro-break", "Desk micro-break")])
    qtbot.addWidget(dialog)
    defaults = dialog.findChild(QPushButton, "settingsDefaults")
    assert defaults is not None
    defaults.click()
    dialog.accept()
    result = dialog.settings()
    assert result.reminder_interval_minutes == Settings().reminder_interval_minutes
    assert result.last_routine_id == "tennis-ball-wall" and result.shown_reminders_note
    assert result.window_geometry == "AAAA" and result.shown_background_hint


def test_after_a_snooze_the_time_since_the_last_break_counts_on(
    qtbot: QtBot, controller: ReminderController, clocks: FakeClocks
) -> None:
    fire(controller, clocks, 3600)
    assert controller.minutes_since_break() == 60
    with qtbot.waitSignal(controller.reminderWithdrawn, timeout=500):
        controller.snooze()
    with qtbot.waitSignal(controller.reminderDue, timeout=500):
        fire(controller, clocks, 600)
    assert controller.minutes_since_break() == 70
    prompt = ReminderPrompt()
    qtbot.addWidget(prompt)
    prompt.set_reason(controller.minutes_since_break(), "Desk micro-break", 4)
    assert "at the desk for 70 minutes" in prompt._reason.text()
    controller.skip()
    assert controller.minutes_since_break() == 1
    prompt.set_reason(1, "Desk micro-break", 4)
    assert "at the desk for a minute." in prompt._reason.text()


@pytest.mark.parametrize(("language", "one", "five"), [
    ("en", "about a minute.", "about 5 minutes."),
    ("de", "etwa eine Minute.", "etwa 5 Minuten."),
    ("es", "alrededor de un minuto.", "unos 5 minutos."),
    ("fr", "environ une minute.", "environ 5 minutes."),
    ("it", "circa un minuto.", "circa 5 minuti."),
    ("nl", "ongeveer een minuut.", "ongeveer 5 minuten."),
    ("pl", "około minuty.", "około 5 minut."),
    ("pt_BR", "cerca de um minuto.", "cerca de 5 minutos."),
])
def test_the_spoken_reminder_says_one_minute_in_words(
    language: str, one: str, five: str,
) -> None:
    """espeak-ng reads "1 Minute" as "eins Minute", "1 minuto" as "uno minuto", "1
    minute" in French as "un minute" and "około 1 minuty" as "około jeden minuty": the
    form for one minute says it in words."""
    from massage_timer.core.storage.catalogs import use_language
    from massage_timer.ui.reminders.reminders import spoken_line

    use_language(language)
    assert spoken_line("Micro", 1).endswith(one)
    assert spoken_line("Micro", 5).endswith(five)


def test_a_hand_edited_volume_the_box_rounds_is_kept(qtbot: QtBot) -> None:
    """voice_volume = 0.875 shows as 88 %; saving any other change wrote 0.88."""
    dialog = SettingsDialog(Settings(voice_volume=0.875))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.accept()
    assert dialog.settings().voice_volume == 0.875
    assert "voice_volume" not in dialog.changes()
    again = SettingsDialog(Settings(voice_volume=0.875))
    qtbot.addWidget(again)
    again.show()
    again.voice_volume.setValue(50)
    again.accept()
    assert again.changes()["voice_volume"] == 0.5


def test_every_row_of_the_reminders_tab_has_its_letter(qtbot: QtBot) -> None:
    """"Active days" and "Away for at least" had no Alt + letter: the only rows of the
    tab a keyboard user had to Tab through to reach."""
    from PySide6.QtWidgets import QFormLayout, QLabel

    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    page = dialog.findChild(QWidget, "settingsRemindersPage")
    assert page is not None
    form = page.findChild(QFormLayout)
    assert form is not None
    labels = [form.itemAt(row, QFormLayout.ItemRole.LabelRole) for row in range(form.rowCount())]
    texts = {item.widget().text(): item.widget().buddy() for item in labels
             if item is not None and isinstance(item.widget(), QLabel)}
    assert texts, "the check sees the tab's rows"
    for text, buddy in texts.items():
        assert "&" in text and buddy is not None, text
