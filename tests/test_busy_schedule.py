"""Quiet while busy, in the pure core: a due reminder is held while the person is busy,
shown once when they are free, logged as deferred once, and never piles up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import FakeClocks

from massage_timer.core.model.busy import ORDER, BusyPolicy, BusyReason, first_busy_reason
from massage_timer.core.model.schedule import (
    MAX_WAKEUP_SECONDS,
    ReminderSchedule,
    ReminderState,
    ScheduleConfig,
    ScheduleEvent,
)
from massage_timer.core.model.settings import Settings, replace
from massage_timer.core.model.validation import ValidationError

LONDON = ZoneInfo("Europe/London")
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=LONDON)


class Busy:
    """A busy signal the test turns on and off; counts how often it is asked."""

    def __init__(self) -> None:
        self.reason: BusyReason | None = None
        self.asked = 0

    def __call__(self) -> BusyReason | None:
        self.asked += 1
        return self.reason


def make() -> tuple[ReminderSchedule, FakeClocks]:
    clocks = FakeClocks(MONDAY_9)
    schedule = ReminderSchedule(
        ScheduleConfig(), monotonic=clocks.monotonic, wall=clocks.wall, tz=LONDON
    )
    return schedule, clocks


def drive(
    schedule: ReminderSchedule, clocks: FakeClocks, until: datetime, busy: Busy,
    idle: float | None = None,
) -> list[tuple[datetime, ScheduleEvent]]:
    """Tick when the schedule asks, as the Qt adapter does; never answer the prompt."""
    log: list[tuple[datetime, ScheduleEvent]] = []
    while clocks.now < until:
        log.extend((clocks.now, e) for e in schedule.tick(idle, busy))
        wait = schedule.next_wakeup()
        assert wait is not None and 0 <= wait <= MAX_WAKEUP_SECONDS
        clocks.advance(max(wait, 0.001))
    return log


def kinds(log: list[tuple[datetime, ScheduleEvent]]) -> list[ScheduleEvent]:
    return [e for _, e in log]


def test_the_busy_check_is_asked_only_when_a_reminder_falls_due() -> None:
    schedule, clocks = make()
    busy = Busy()
    log = drive(schedule, clocks, MONDAY_9 + timedelta(minutes=59, seconds=59), busy)
    assert busy.asked == 0 and log == []
    drive(schedule, clocks, MONDAY_9 + timedelta(minutes=61), busy)
    assert busy.asked == 1
    assert schedule.state is ReminderState.PROMPTING


def test_a_reminder_due_while_busy_is_held_then_shown_once_when_free() -> None:
    schedule, clocks = make()
    busy = Busy()
    busy.reason = BusyReason.MICROPHONE
    log = drive(schedule, clocks, MONDAY_9 + timedelta(hours=1, minutes=30), busy)
    assert kinds(log) == [ScheduleEvent.DEFERRED]
    assert log[0][0] == MONDAY_9 + timedelta(hours=1)
    assert schedule.state is ReminderState.HELD
    assert schedule.held_reason is BusyReason.MICROPHONE
    assert schedule.next_reminder_at() is None
    # While held it is looked at again at most once a minute (and on the desktop's signals).
    assert busy.asked <= 31 + 1
    busy.reason = None
    freed = clocks.now
    log = drive(schedule, clocks, freed + timedelta(seconds=61), busy)
    assert kinds(log) == [ScheduleEvent.DUE]
    assert log[0][0] - freed <= timedelta(seconds=MAX_WAKEUP_SECONDS)
    assert schedule.state is ReminderState.PROMPTING
    assert schedule.held_reason is None


def test_a_day_of_calls_ends_in_one_reminder_not_a_pile() -> None:
    schedule, clocks = make()
    busy = Busy()
    busy.reason = BusyReason.INHIBITED
    log = drive(schedule, clocks, datetime(2026, 3, 2, 17, 30, tzinfo=LONDON), busy)
    assert kinds(log) == [ScheduleEvent.DEFERRED]  # logged once, with its first reason
    busy.reason = BusyReason.CAMERA  # another reason later changes nothing
    busy_log = drive(schedule, clocks, datetime(2026, 3, 2, 17, 40, tzinfo=LONDON), busy)
    assert busy_log == [] and schedule.held_reason is BusyReason.INHIBITED
    busy.reason = None
    log = drive(schedule, clocks, datetime(2026, 3, 2, 17, 45, tzinfo=LONDON), busy)
    assert kinds(log) == [ScheduleEvent.DUE]


def test_a_hold_that_outlasts_the_active_hours_is_dropped_not_shown_at_night() -> None:
    schedule, clocks = make()
    busy = Busy()
    busy.reason = BusyReason.FULL_SCREEN
    drive(schedule, clocks, datetime(2026, 3, 2, 18, 30, tzinfo=LONDON), busy)
    assert schedule.state is ReminderState.OUTSIDE_HOURS
    busy.reason = None
    log = drive(schedule, clocks, datetime(2026, 3, 3, 9, 59, tzinfo=LONDON), busy)
    assert log == []
    log = drive(schedule, clocks, datetime(2026, 3, 3, 10, 1, tzinfo=LONDON), busy)
    assert kinds(log) == [ScheduleEvent.DUE]


def test_idle_during_a_call_is_not_a_break_but_idle_after_it_is() -> None:
    schedule, clocks = make()
    busy = Busy()
    busy.reason = BusyReason.INHIBITED
    drive(schedule, clocks, MONDAY_9 + timedelta(hours=1, minutes=1), busy, idle=None)
    # Watching a presentation: no input for 20 minutes, still held (not "away").
    drive(schedule, clocks, MONDAY_9 + timedelta(hours=1, minutes=21), busy, idle=1200.0)
    assert schedule.state is ReminderState.HELD
    busy.reason = None  # the call ended and they walked off: that was the break
    log = drive(schedule, clocks, MONDAY_9 + timedelta(hours=1, minutes=23), busy, idle=1300.0)
    assert kinds(log) == []
    assert schedule.state is ReminderState.AWAY
    log = drive(schedule, clocks, MONDAY_9 + timedelta(hours=1, minutes=25), busy, idle=1.0)
    assert kinds(log) == [ScheduleEvent.BACK]
    assert schedule.state is ReminderState.WAITING


@pytest.mark.parametrize("answer", ["record_break", "skip", "snooze"])
def test_an_answer_from_the_tray_ends_a_hold(answer: str) -> None:
    schedule, clocks = make()
    busy = Busy()
    busy.reason = BusyReason.MEETING_MODE
    drive(schedule, clocks, MONDAY_9 + timedelta(hours=1, minutes=5), busy)
    assert schedule.state is ReminderState.HELD
    getattr(schedule, answer)()
    assert schedule.state in (ReminderState.WAITING, ReminderState.SNOOZED)
    assert schedule.held_reason is None


def test_a_sleep_while_held_counts_as_the_break() -> None:
    schedule, clocks = make()
    busy = Busy()
    busy.reason = BusyReason.DO_NOT_DISTURB
    drive(schedule, clocks, MONDAY_9 + timedelta(hours=1, minutes=5), busy)
    clocks.suspend(30 * 60)
    events = schedule.tick(None, busy)
    assert ScheduleEvent.BACK in events
    assert schedule.state is ReminderState.WAITING


def test_without_a_busy_check_a_held_reminder_stays_held() -> None:
    schedule, clocks = make()
    busy = Busy()
    busy.reason = BusyReason.PROGRAM
    drive(schedule, clocks, MONDAY_9 + timedelta(hours=1, minutes=5), busy)
    assert schedule.set_config(ScheduleConfig()) == []
    assert schedule.state is ReminderState.HELD


def test_first_busy_reason_follows_the_policy_and_the_order() -> None:
    now = datetime(2026, 3, 2, 10, tzinfo=UTC)
    asked: list[BusyReason] = []

    def probe(reason: BusyReason, answer: bool | None) -> tuple[BusyReason, object]:
        def call() -> bool | None:
            asked.append(reason)
            return answer
        return reason, call

    probes = [
        probe(BusyReason.CAMERA, True), probe(BusyReason.FULL_SCREEN, None),
        probe(BusyReason.MICROPHONE, True), probe(BusyReason.PROGRAM, True),
    ]
    policy = BusyPolicy()
    assert first_busy_reason(policy, now, probes) is BusyReason.MICROPHONE  # type: ignore[arg-type]
    assert asked == [BusyReason.FULL_SCREEN, BusyReason.MICROPHONE]  # no programs listed
    asked.clear()
    off = BusyPolicy(microphone_camera=False, programs=("zoom",))
    assert first_busy_reason(off, now, probes) is BusyReason.PROGRAM  # type: ignore[arg-type]
    meeting = BusyPolicy(meeting_until=now + timedelta(minutes=1))
    asked.clear()
    assert first_busy_reason(meeting, now, probes) is BusyReason.MEETING_MODE  # type: ignore[arg-type]
    assert asked == []
    ended = BusyPolicy(full_screen=False, inhibitors=False, do_not_disturb=False,
                       microphone_camera=False, meeting_until=now)
    assert first_busy_reason(ended, now, probes) is None  # type: ignore[arg-type]
    assert set(ORDER) == set(BusyReason)


def test_busy_settings_are_on_by_default_and_bounded() -> None:
    settings = Settings()
    policy = BusyPolicy.from_settings(settings)
    assert (policy.full_screen, policy.inhibitors, policy.do_not_disturb,
            policy.microphone_camera) == (True, True, True, True)
    assert replace(settings, busy_programs=("zoom", "obs")).busy_programs == ("zoom", "obs")
    for bad in (("",), ("/usr/bin/zoom",), ("a\nb",), tuple(f"p{i}" for i in range(33))):
        with pytest.raises(ValidationError):
            replace(settings, busy_programs=bad)
