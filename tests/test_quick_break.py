"""A break in two clicks, the checklist still required: the short check from a reminder,
cancelled breaks not counted, a snoozed reminder counted once."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import FakeClocks, working_day_wall
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QRadioButton, QWidget
from pytestqt.qtbot import QtBot

from massage_timer.core.model.busy import BusyReason
from massage_timer.core.model.engine import State
from massage_timer.core.model.schedule import (
    Carried,
    ReminderSchedule,
    ScheduleConfig,
    ScheduleEvent,
)
from massage_timer.core.model.session import Outcome
from massage_timer.core.model.settings import Settings, replace
from massage_timer.core.model.short_check import ChecklistAnswer, ChecklistKind
from massage_timer.core.storage.checklist_file import load_checklist
from massage_timer.core.storage.history.stats import Stats
from massage_timer.core.storage.history.store import HistoryStore
from massage_timer.core.storage.paths import AppPaths
from massage_timer.ui.plain import PlainLabel
from massage_timer.ui.reminders.service import ReminderController
from massage_timer.ui.session.checklist_dialog import SafetyChecklistDialog
from massage_timer.ui.session.flow import PlayerWindow
from massage_timer.ui.session.pain_dialog import PainRatingDialog
from massage_timer.ui.session.short_check import ShortCheckDialog
from massage_timer.ui.session.summary_dialog import SessionSummaryDialog
from massage_timer.ui.wiring import App

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise.*")

LONDON = ZoneInfo("Europe/London")
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)


# -- the schedule and the reminder log: one reminder, however often it is snoozed -----


def test_a_snoozed_reminder_shows_again_as_the_same_reminder() -> None:
    clocks = FakeClocks(MONDAY_9)
    schedule = ReminderSchedule(ScheduleConfig(), monotonic=clocks.monotonic,
                                wall=clocks.wall, tz=LONDON)
    clocks.advance(3600)
    assert schedule.tick() == [ScheduleEvent.DUE]
    assert not schedule.showing_again
    schedule.snooze()
    clocks.advance(600)
    assert schedule.tick() == [ScheduleEvent.DUE]
    assert schedule.showing_again
    schedule.skip()
    clocks.advance(3600)
    assert schedule.tick() == [ScheduleEvent.DUE]
    assert not schedule.showing_again  # the next one is a new reminder


def test_a_tray_snooze_before_a_reminder_does_not_make_it_a_repeat() -> None:
    clocks = FakeClocks(MONDAY_9)
    schedule = ReminderSchedule(ScheduleConfig(), monotonic=clocks.monotonic,
                                wall=clocks.wall, tz=LONDON)
    schedule.snooze()
    clocks.advance(4200)
    assert schedule.tick() == [ScheduleEvent.DUE]
    assert not schedule.showing_again


@pytest.fixture
def clocks() -> FakeClocks:
    return FakeClocks(MONDAY_9)


@pytest.fixture
def store() -> Iterator[HistoryStore]:
    history = HistoryStore.memory_only()
    yield history
    history.close()


@pytest.fixture
def service(qtbot: QtBot, clocks: FakeClocks, store: HistoryStore
            ) -> Iterator[ReminderController]:
    ctl = ReminderController(Settings(), log_event=store.log_reminder,
                             monotonic=clocks.monotonic, wall=clocks.wall, tz=LONDON)
    ctl.start()
    yield ctl
    ctl.stop()


def fire(service: ReminderController, clocks: FakeClocks, seconds: float) -> None:
    clocks.advance(seconds)
    service.timer.timeout.emit()


def kinds(store: HistoryStore) -> list[str]:
    return [k for (k,) in store.query("SELECT kind FROM reminders ORDER BY at, id")]


def adherence(store: HistoryStore, clocks: FakeClocks) -> tuple[int, int]:
    summary = Stats(store, LONDON, clocks.wall).summary()
    return summary.reminders_started, summary.reminders_shown


def test_snoozed_twice_then_started_is_one_reminder_started(
    qtbot: QtBot, service: ReminderController, clocks: FakeClocks, store: HistoryStore,
) -> None:
    due: list[bool] = []
    service.reminderDue.connect(lambda: due.append(True))
    fire(service, clocks, 3600)
    service.snooze()
    fire(service, clocks, 600)
    service.snooze()
    fire(service, clocks, 600)
    assert len(due) == 3, "shown three times"
    service.start_break()
    service.break_started()
    assert kinds(store) == ["shown", "snoozed", "snoozed", "started"]
    assert adherence(store, clocks) == (1, 1)  # "Breaks taken 1 of 1"


def test_a_cancelled_break_is_not_started_and_does_not_restart_the_interval(
    qtbot: QtBot, service: ReminderController, clocks: FakeClocks, store: HistoryStore,
) -> None:
    fire(service, clocks, 3600)  # 10:00
    service.start_break()
    service.break_cancelled()  # the checklist was cancelled
    assert kinds(store) == ["shown"]
    assert not service.break_pending
    # Not "Next reminder at 11:00" as after a break: the same reminder, put off.
    assert service.status == "Next reminder at 10:10"
    with qtbot.waitSignal(service.reminderDue, timeout=500):
        fire(service, clocks, 600)
    assert kinds(store) == ["shown"], "the re-show is not a new reminder"
    service.start_break()
    fire(service, clocks, 30)  # the checklist takes a while
    service.break_started()
    assert kinds(store) == ["shown", "started"]
    assert service.status == "Next reminder at 11:10"
    assert adherence(store, clocks) == (1, 1)


def test_a_reminder_due_during_the_breaks_checklist_waits(
    qtbot: QtBot, service: ReminderController, clocks: FakeClocks, store: HistoryStore,
) -> None:
    fire(service, clocks, 3600)
    service.start_break()
    fire(service, clocks, 600)  # the checklist is still open at the snooze's end
    service.hold()  # what Reminders does while a break's checklist shows
    assert kinds(store) == ["shown"]
    service.break_cancelled()
    fire(service, clocks, 600)
    service.skip()
    assert kinds(store) == ["shown", "skipped"]
    assert adherence(store, clocks) == (0, 1)


def test_a_reminder_showing_when_a_library_sessions_player_starts_is_started(
    qtbot: QtBot, service: ReminderController, clocks: FakeClocks, store: HistoryStore,
) -> None:
    """The person left the prompt and started a routine from the library: the prompt
    stayed on top through the session, and the reminder counted as not taken."""
    withdrawn: list[bool] = []
    service.reminderWithdrawn.connect(lambda: withdrawn.append(True))
    fire(service, clocks, 3600)  # 10:00, the prompt shows
    fire(service, clocks, 60)
    service.break_started()  # a session from the library reaches its player
    assert withdrawn == [True]
    assert kinds(store) == ["shown", "started"]
    assert adherence(store, clocks) == (1, 1)
    assert service.status == "Next reminder at 11:01"


def test_a_reminder_put_off_by_a_library_sessions_checklist(
    qtbot: QtBot, service: ReminderController, clocks: FakeClocks, store: HistoryStore,
) -> None:
    """A reminder due while a session started from the library was at its checklist
    was used up as a break, even when that checklist was then cancelled."""
    fire(service, clocks, 3600)
    service.hold()  # what Reminders does while any session's checklist shows
    service.break_cancelled()  # the checklist was cancelled: no break
    assert service.status == "Next reminder at 10:10", "put off, not used up"
    with qtbot.waitSignal(service.reminderDue, timeout=500):
        fire(service, clocks, 600)
    service.hold()  # due again at the next session's checklist
    service.break_started()  # and that one reaches its player
    assert kinds(store) == ["shown", "started"]
    assert adherence(store, clocks) == (1, 1)



class Busy:
    """A busy check the test sets: a reason, or None for free."""

    def __init__(self) -> None:
        self.reason: BusyReason | None = None

    def __call__(self) -> BusyReason | None:
        return self.reason


def busy_service(qtbot: QtBot, clocks: FakeClocks, store: HistoryStore,
                 busy: Busy) -> ReminderController:
    ctl = ReminderController(Settings(), log_event=store.log_reminder, busy=busy,
                             monotonic=clocks.monotonic, wall=clocks.wall, tz=LONDON)
    ctl.start()
    return ctl


def test_a_snoozed_reminder_held_by_a_call_is_still_one_reminder(
    qtbot: QtBot, clocks: FakeClocks, store: HistoryStore,
) -> None:
    """Snoozed, then held while a call ran, it came back as a second "shown": the
    figures counted two reminders for one."""
    busy = Busy()
    service = busy_service(qtbot, clocks, store, busy)
    fire(service, clocks, 3600)  # 10:00, shown
    service.snooze()
    busy.reason = BusyReason.MICROPHONE
    fire(service, clocks, 600)  # 10:10, held
    busy.reason = None
    fire(service, clocks, 60)  # free: the same reminder again
    service.skip()
    assert kinds(store) == ["shown", "snoozed", "deferred", "skipped"]
    service.stop()


def test_a_shorter_interval_set_in_a_meeting_holds_the_reminder_it_makes_due(
    qtbot: QtBot, clocks: FakeClocks, store: HistoryStore,
) -> None:
    """At 09:45 in meeting mode, a 30-minute interval made the 09:30 reminder overdue,
    and it showed at once: a settings change never asked whether the person was busy."""
    busy = Busy()
    busy.reason = BusyReason.MEETING_MODE
    service = busy_service(qtbot, clocks, store, busy)
    shown: list[bool] = []
    service.reminderDue.connect(lambda: shown.append(True))
    fire(service, clocks, 45 * 60)
    service.apply_settings(replace(Settings(), reminder_interval_minutes=30))
    assert shown == [] and kinds(store) == ["deferred"]
    service.stop()


def test_a_break_asked_for_from_the_tray_answers_a_reminder_due_at_its_checklist(
    qtbot: QtBot, service: ReminderController, clocks: FakeClocks, store: HistoryStore,
) -> None:
    """A micro-break from the tray at 09:59:50; the 10:00 reminder fell due during its
    checklist and was put off; the player then ran, and the log kept only "shown"."""
    fire(service, clocks, 3590)
    service.start_break()
    fire(service, clocks, 10)
    service.hold()  # what Reminders does while a break's checklist shows
    service.break_started()
    assert kinds(store) == ["shown", "started"]
    assert adherence(store, clocks) == (1, 1)

# -- the wired app: from the reminder's Start to the player --------------------------


@pytest.fixture
def app(qtbot: QtBot, app_paths: AppPaths) -> Iterator[App]:
    qapp = QApplication.instance()
    assert isinstance(qapp, QApplication)
    ctl = App(qapp, app_paths, wall=working_day_wall())
    yield ctl
    ctl.shutdown()
    ctl.deleteLater()


def full_checklist_answered_now(app: App) -> datetime:
    at = datetime.now(UTC).replace(microsecond=0)
    version = str(load_checklist().version)
    app.history.log_checklist(ChecklistAnswer(at, version, ChecklistKind.FULL))
    return at


class Activations:
    """Counts the person's activations (clicks, or keys that press a button)."""

    def __init__(self) -> None:
        self.count = 0

    def click(self, button: QAbstractButton) -> None:
        assert button.isVisible() and button.isEnabled(), button.objectName()
        self.count += 1
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def confirm_no_red_flags(checklist: SafetyChecklistDialog) -> None:
    """Answer every question of the full checklist No, and confirm."""
    for button in checklist.findChildren(QRadioButton):
        if button.objectName().endswith("_no"):
            button.setChecked(True)
    confirm = checklist.findChild(QAbstractButton, "checklistConfirm")
    assert confirm is not None
    confirm.click()


def test_reminder_start_to_a_running_player_in_two_activations(
    qtbot: QtBot, app: App
) -> None:
    at = full_checklist_answered_now(app)
    players: list[bool] = []
    app.sessions.playerStarted.connect(lambda: players.append(True))
    taken: list[bool] = []
    app.sessions.breakTaken.connect(lambda: taken.append(True))
    app.reminders.service.reminderDue.emit()
    user = Activations()
    user.click(app.reminders.prompt.start_button)
    flow = app.sessions.flow
    assert flow is not None and flow.short_check is not None
    assert flow.checklist is None and flow.window is None
    dialog = flow.short_check
    local = at.astimezone().strftime("%H:%M")
    assert dialog.question == f"Has anything on this list changed since {local}?"
    # The whole list stays in view, read-only: no answers to give.
    checklist = load_checklist()
    for item in checklist.items:
        assert dialog.findChild(PlainLabel, f"shortCheck_{item.id}") is not None
    assert dialog.findChildren(QRadioButton) == []
    user.click(dialog.confirm_button)
    assert user.count == 2
    assert flow.window is not None and flow.window.isVisible()
    assert flow.pain_dialog is None, "no pain rating before a reminder's break"
    assert flow.engine is not None and flow.engine.state is State.RUNNING
    assert players == [True] and taken == []
    assert not app.reminders.service.break_pending
    assert flow.session_id is not None
    record = app.history.get(flow.session_id)
    assert record is not None
    assert record.checklist_kind is ChecklistKind.SHORT
    assert record.checklist_version == str(checklist.version)
    assert record.checklist_confirmed_at is not None and record.pain_before is None
    flow.stop()


def test_a_finished_session_leaves_no_window_behind(qtbot: QtBot, app: App) -> None:
    """The session's windows are the main window's children: each session would
    otherwise leave its checklist, pain rating, player and summary (~2.3 MB) behind."""
    def session_windows() -> list[QWidget]:
        return [w for kind in (SafetyChecklistDialog, PainRatingDialog, PlayerWindow,
                               SessionSummaryDialog, ShortCheckDialog)
                for w in app.window.findChildren(kind)]

    for _ in range(2):
        app.start_session("desk-micro-break")
        flow = app.sessions.flow
        assert flow is not None and flow.checklist is not None
        confirm_no_red_flags(flow.checklist)
        assert flow.pain_dialog is not None
        flow.pain_dialog.skip_button().click()
        assert flow.window is not None and flow.window.isVisible()
        flow.stop()
        assert flow.summary is not None and flow.summary.isVisible()
        flow.summary.accept()
        assert app.sessions.flow is None
        qtbot.waitUntil(lambda: session_windows() == [])


def test_the_player_takes_the_library_windows_place_and_gives_it_back(
    qtbot: QtBot, app: App
) -> None:
    """Hidden behind the player, the library window would keep a buffer of its size
    (2-3 MB): it steps aside with its native window, and is back where it was once the
    summary is closed."""
    library = app.window
    library.resize(700, 500)
    library.move(40, 30)
    geometry = library.geometry()
    app.start_session("desk-micro-break")
    flow = app.sessions.flow
    assert flow is not None and flow.checklist is not None
    assert library.isVisible(), "the dialogs before the player open over the library"
    confirm_no_red_flags(flow.checklist)
    assert flow.pain_dialog is not None
    flow.pain_dialog.skip_button().click()
    player = flow.window
    assert player is not None and player.isVisible()
    assert not library.isVisible() and library.windowHandle() is None
    assert app.sessions.library_stepped_aside
    # The tray's Open (or a second start of the app) brings the session forward, not the
    # library.
    app.bring_to_front()
    assert player.isVisible() and not library.isVisible()
    app.start_session("desk-micro-break")  # another start raises this session
    assert app.sessions.flow is flow and not library.isVisible()
    flow.stop()
    summary = flow.summary
    assert summary is not None and summary.isVisible()
    assert not player.isVisible() and not library.isVisible()
    qtbot.waitUntil(lambda: player.windowHandle() is None)  # its buffer freed too
    summary.accept()
    assert app.sessions.flow is None and library.isVisible()
    assert library.geometry() == geometry
    assert not app.sessions.library_stepped_aside
    app.bring_to_front()
    assert library.isVisible()


def test_a_reminders_break_gives_the_library_back_too(qtbot: QtBot, app: App) -> None:
    """From the background: the reminder's Start shows the library (as it always did),
    the player takes its place, and it is back after the summary."""
    app.window.hide()
    full_checklist_answered_now(app)
    app.reminders.service.reminderDue.emit()
    app.reminders.prompt.start_button.click()
    flow = app.sessions.flow
    assert flow is not None and flow.short_check is not None
    assert app.window.isVisible()
    flow.short_check.confirm_button.click()
    assert flow.window is not None and flow.window.isVisible()
    assert not app.window.isVisible()
    flow.stop()
    assert flow.summary is not None
    flow.summary.accept()
    assert app.window.isVisible()


def test_the_ordinary_start_keeps_the_full_checklist_and_the_pain_rating(
    qtbot: QtBot, app: App
) -> None:
    full_checklist_answered_now(app)
    app.start_session("desk-micro-break")
    flow = app.sessions.flow
    assert flow is not None and flow.short_check is None and flow.checklist is not None
    confirm_no_red_flags(flow.checklist)
    assert flow.pain_dialog is not None and flow.pain_dialog.isVisible()
    flow.pain_dialog.skip_button().click()  # on without a rating (Esc cancels the start)
    assert flow.window is not None
    assert flow.session_id is not None
    record = app.history.get(flow.session_id)
    assert record is not None and record.checklist_kind is ChecklistKind.FULL
    flow.stop()


def test_something_changed_leads_to_the_full_list_and_a_yes_still_blocks(
    qtbot: QtBot, app: App
) -> None:
    full_checklist_answered_now(app)
    app.reminders.service.reminderDue.emit()
    app.reminders.prompt.start_button.click()
    flow = app.sessions.flow
    assert flow is not None and flow.short_check is not None
    outcomes: list[Outcome] = []
    flow.ended.connect(outcomes.append)
    flow.short_check.changed_button.click()
    assert flow.checklist is not None and flow.checklist.isVisible()
    yes = flow.checklist.findChild(QRadioButton, "redFlag_dizziness_yes")
    assert yes is not None
    yes.setChecked(True)
    assert flow.checklist.status_page == "checklistAdvice"
    flow.checklist.reject()
    assert outcomes == [Outcome.BLOCKED]
    assert app.history.count() == 0
    last = app.history.last_full_checklist()
    assert last is not None and last.red_flag
    # The next break asks the full list again.
    app.reminders.service.reminderDue.emit()
    app.reminders.prompt.start_button.click()
    flow = app.sessions.flow
    assert flow is not None and flow.short_check is None and flow.checklist is not None
    flow.checklist.reject()


def test_without_a_full_checklist_today_the_break_asks_the_full_list(
    qtbot: QtBot, app: App
) -> None:
    yesterday = datetime.now(UTC) - timedelta(days=1, hours=1)
    app.history.log_checklist(
        ChecklistAnswer(yesterday, str(load_checklist().version), ChecklistKind.FULL))
    app.reminders.service.reminderDue.emit()
    app.reminders.prompt.start_button.click()
    flow = app.sessions.flow
    assert flow is not None and flow.short_check is None and flow.checklist is not None
    confirm_no_red_flags(flow.checklist)
    # A reminder's break: no pain rating before, straight to the player.
    assert flow.pain_dialog is None and flow.window is not None
    last = app.history.last_full_checklist()
    assert last is not None and not last.red_flag
    assert last.at.astimezone().date() == datetime.now().astimezone().date()
    flow.stop()


@pytest.mark.parametrize("how", ["cancel", "escape"])
def test_cancelling_the_short_check_is_not_a_break(qtbot: QtBot, app: App, how: str) -> None:
    full_checklist_answered_now(app)
    cancelled: list[bool] = []
    taken: list[bool] = []
    app.sessions.cancelled.connect(lambda: cancelled.append(True))
    app.sessions.breakTaken.connect(lambda: taken.append(True))
    app.reminders.service.reminderDue.emit()
    app.reminders.prompt.start_button.click()
    assert app.reminders.service.break_pending
    flow = app.sessions.flow
    assert flow is not None and flow.short_check is not None
    if how == "cancel":
        flow.short_check.cancel_button.click()
    else:
        QTest.keyClick(flow.short_check, Qt.Key.Key_Escape)
    assert app.sessions.flow is None
    assert cancelled == [True] and taken == []
    assert not app.reminders.service.break_pending
    assert app.history.count() == 0
    assert app.history.query(
        "SELECT COUNT(*) FROM checklists WHERE kind = 'short'") == [(0,)]
    assert app.history.query("SELECT COUNT(*) FROM reminders WHERE kind = 'started'") == [(0,)]



def test_a_reminder_during_the_short_check_does_not_count_the_break(
    qtbot: QtBot, app: App
) -> None:
    full_checklist_answered_now(app)
    app.reminders.service.reminderDue.emit()
    app.reminders.prompt.start_button.click()
    flow = app.sessions.flow
    assert flow is not None and flow.short_check is not None
    app.reminders.service.reminderDue.emit()  # the put-off reminder comes round again
    assert not app.reminders.prompt.isVisible()
    assert app.reminders.service.break_pending, "held, not taken as a break"
    flow.short_check.confirm_button.click()
    assert flow.window is not None
    assert not app.reminders.service.break_pending
    flow.stop()


def _enter_on(qtbot: QtBot, dialog: QWidget, name: str) -> None:
    button = dialog.findChild(QAbstractButton, name)
    assert button is not None and button.isVisible(), name
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=1000)
    button.setFocus()
    qtbot.waitUntil(button.hasFocus, timeout=1000)
    qtbot.keyClick(button, Qt.Key.Key_Return)


@pytest.mark.parametrize(("name", "result"), [
    ("shortCheckChanged", "changed"), ("shortCheckCancel", "rejected"),
    ("shortCheckConfirm", "accepted")])
def test_enter_on_a_focused_short_check_button_presses_that_button(
        qtbot: QtBot, name: str, result: str) -> None:
    """Enter went to "Nothing has changed — start" whichever button had the focus: on
    "Something changed — answer the full list" it started the break without the full
    checklist."""
    from massage_timer.ui.session.short_check import CHANGED

    dialog = ShortCheckDialog(load_checklist(), datetime(2026, 11, 2, 8, tzinfo=UTC))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    finished: list[int] = []
    dialog.finished.connect(finished.append)
    _enter_on(qtbot, dialog, name)
    expected = {"changed": CHANGED, "rejected": 0, "accepted": 1}[result]
    assert finished == [expected]
    assert (dialog.confirmed_at is not None) == (result == "accepted")


def test_enter_on_the_checklists_cancel_cancels(qtbot: QtBot) -> None:
    """With every answer No, Enter on the focused Cancel started the session."""
    dialog = SafetyChecklistDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    for radio in dialog.findChildren(QRadioButton):
        if radio.objectName().endswith("_no"):
            radio.setChecked(True)
    finished: list[int] = []
    dialog.finished.connect(finished.append)
    _enter_on(qtbot, dialog, "checklistClose")
    assert finished == [0]
    assert dialog.confirmed_at is None


def test_a_reminder_waits_for_a_library_sessions_checklist(qtbot: QtBot, app: App) -> None:
    """Due while the checklist of a routine started from the library shows, the
    reminder is put off (that checklist may be cancelled), and comes back if it is."""
    app.start_session("desk-micro-break")
    flow = app.sessions.flow
    assert flow is not None and flow.checklist is not None
    before = app.reminders.service.schedule.last_break
    app.reminders.service.reminderDue.emit()
    assert not app.reminders.prompt.isVisible()
    assert app.reminders.service.schedule.last_break == before, "not taken as a break"
    flow.checklist.reject()
    assert app.sessions.flow is None
    app.reminders.service.reminderDue.emit()  # the put-off reminder comes round again
    assert app.reminders.prompt.isVisible()


def test_a_reminder_due_during_a_library_sessions_player_is_answered_by_it(
    qtbot: QtBot, app: App,
) -> None:
    """The session from the library is the break: the reminder was logged "shown" and
    never answered, though the person was doing the very thing it asks for."""
    app.start_session("desk-micro-break")
    flow = app.sessions.flow
    assert flow is not None and flow.checklist is not None
    flow.checklist.reject()
    app.start_session("desk-micro-break")
    flow = app.sessions.flow
    assert flow is not None
    flow.start_player(3)
    assert app.sessions.player_running
    service = app.reminders.service
    # The interval began two hours ago (as a hand-over would carry it): one is due now.
    service.schedule.carry_on(Carried(service.schedule.last_break - timedelta(hours=2)))
    service.timer.timeout.emit()
    assert not app.reminders.prompt.isVisible()
    assert app.history.query("SELECT kind FROM reminders ORDER BY id") == [
        ("shown",), ("started",)]
    flow.stop()
