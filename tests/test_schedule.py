"""The reminder schedule under fake clocks: days and weeks run in milliseconds."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import FakeClocks

from massage_timer.core.model.schedule import (
    MAX_WAKEUP_SECONDS,
    ReminderSchedule,
    ReminderState,
    ScheduleConfig,
    ScheduleEvent,
)
from massage_timer.core.model.settings import Settings

Answer = Callable[[ReminderSchedule], list[ScheduleEvent]]
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def make(
    start: datetime, config: ScheduleConfig | None = None, tz: ZoneInfo = LONDON,
    paused_until: datetime | None = None,
) -> tuple[ReminderSchedule, FakeClocks]:
    clocks = FakeClocks(start)
    schedule = ReminderSchedule(
        config or ScheduleConfig(), monotonic=clocks.monotonic, wall=clocks.wall, tz=tz,
        paused_until=paused_until,
    )
    return schedule, clocks


def local(  # noqa: PLR0917
    tz: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0, sec: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, sec, tzinfo=tz)


def run(
    schedule: ReminderSchedule, clocks: FakeClocks, until: datetime,
    answer: Answer | None = ReminderSchedule.record_break,
    idle: Callable[[datetime], float | None] = lambda _now: None,
) -> tuple[list[datetime], list[tuple[datetime, ScheduleEvent]]]:
    """Drive the schedule the way the Qt adapter does; return reminder times and events."""
    shown: list[datetime] = []
    log: list[tuple[datetime, ScheduleEvent]] = []
    wakeups = 0
    while clocks.now < until:
        events = schedule.tick(idle(clocks.now))
        log.extend((clocks.now, e) for e in events)
        if ScheduleEvent.DUE in events:
            shown.append(clocks.now)
            if answer is not None:
                log.extend((clocks.now, e) for e in answer(schedule))
        wait = schedule.next_wakeup()
        assert wait is not None
        assert 0 <= wait <= MAX_WAKEUP_SECONDS
        clocks.advance(max(wait, 0.001))
        wakeups += 1
    return shown, log


def hhmm(moments: list[datetime], tz: ZoneInfo = LONDON) -> list[str]:
    return [m.astimezone(tz).strftime("%a %H:%M") for m in moments]


def test_a_whole_week_is_one_reminder_an_hour_in_working_hours() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 7, 0))  # a Monday
    shown, _ = run(schedule, clocks, local(LONDON, 2026, 3, 9, 7, 0))
    days = ["Mon", "Tue", "Wed", "Thu", "Fri"]
    assert hhmm(shown) == [f"{d} {h:02d}:00" for d in days for h in range(10, 18)]


def test_wakeups_are_at_most_one_a_minute_while_waiting() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 9, 0))
    ticks = 0
    while clocks.now < local(LONDON, 2026, 3, 2, 9, 59):
        schedule.tick()
        wait = schedule.next_wakeup()
        assert wait is not None and wait >= 59.999
        clocks.advance(wait)
        ticks += 1
    assert ticks == 59


def test_active_hour_boundaries() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 9, 30))
    assert schedule.next_reminder_at() == local(LONDON, 2026, 3, 2, 10, 30)
    clocks.advance(7 * 3600 + 30 * 60)  # 17:00, just answered a reminder
    schedule.tick()
    schedule.record_break()
    # 18:00 is the end of the active hours, not in them: next morning, one hour in.
    assert schedule.next_reminder_at() == local(LONDON, 2026, 3, 3, 10, 0)
    clocks.advance(3600)
    assert schedule.tick() == []
    assert schedule.state is ReminderState.OUTSIDE_HOURS


def test_before_hours_the_first_reminder_is_an_interval_after_the_start() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 6, 0))
    assert schedule.state is ReminderState.OUTSIDE_HOURS
    shown, _ = run(schedule, clocks, local(LONDON, 2026, 3, 2, 11, 30))
    assert hhmm(shown) == ["Mon 10:00", "Mon 11:00"]


def test_friday_evening_to_monday_crosses_midnight_and_the_weekend() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 6, 17, 30))  # Friday
    assert schedule.next_reminder_at() == local(LONDON, 2026, 3, 9, 10, 0)
    shown, _ = run(schedule, clocks, local(LONDON, 2026, 3, 9, 10, 30))
    assert hhmm(shown) == ["Mon 10:00"]


def test_all_day_hours_restart_at_midnight() -> None:
    config = ScheduleConfig(
        active_days=frozenset(range(7)), active_start=time(0, 0), active_end=time(23, 59)
    )
    schedule, clocks = make(local(LONDON, 2026, 3, 7, 22, 15), config)
    shown, _ = run(schedule, clocks, local(LONDON, 2026, 3, 8, 2, 30))
    assert hhmm(shown) == ["Sat 23:15", "Sun 01:00", "Sun 02:00"]


def test_daylight_saving_end_keeps_real_hours_between_reminders() -> None:
    config = ScheduleConfig(
        active_days=frozenset(range(7)), active_start=time(0, 0), active_end=time(23, 59)
    )
    schedule, clocks = make(local(NEW_YORK, 2026, 11, 1, 0, 0), config, NEW_YORK)
    shown, _ = run(schedule, clocks, local(NEW_YORK, 2026, 11, 1, 4, 30))
    gaps = {b - a for a, b in itertools.pairwise(shown)}
    assert gaps == {timedelta(hours=1)}
    # 01:00 happens twice when clocks go back: once in EDT, once in EST.
    assert [m.astimezone(NEW_YORK).strftime("%H:%M %Z") for m in shown] == [
        "01:00 EDT", "01:00 EST", "02:00 EST", "03:00 EST", "04:00 EST",
    ]


def test_daylight_saving_start_keeps_local_working_hours() -> None:
    schedule, clocks = make(local(NEW_YORK, 2026, 3, 6, 8, 0), tz=NEW_YORK)  # Friday
    shown, _ = run(schedule, clocks, local(NEW_YORK, 2026, 3, 9, 11, 30))
    assert hhmm(shown, NEW_YORK)[0] == "Fri 10:00"
    assert hhmm(shown, NEW_YORK)[-2:] == ["Mon 10:00", "Mon 11:00"]
    assert shown[0].hour == 15 and shown[-2].hour == 14  # UTC offset moved by an hour


def test_london_spring_forward_on_an_active_sunday() -> None:
    config = ScheduleConfig(active_days=frozenset({6}), active_start=time(0, 30),
                            active_end=time(4, 0))
    schedule, clocks = make(local(LONDON, 2026, 3, 29, 0, 0), config)
    shown, _ = run(schedule, clocks, local(LONDON, 2026, 3, 29, 5, 0))
    # Clocks jump from 01:00 GMT to 02:00 BST: one real hour after 00:30 is 02:30.
    assert [m.astimezone(LONDON).strftime("%H:%M %Z") for m in shown] == [
        "02:30 BST", "03:30 BST",
    ]


def test_snooze_shows_the_reminder_again_after_the_snooze_time() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 9, 0))
    snoozed: list[bool] = []

    def answer(s: ReminderSchedule) -> list[ScheduleEvent]:
        if not snoozed:
            snoozed.append(True)
            events = s.snooze()
            assert s.state is ReminderState.SNOOZED
            return events
        return s.record_break()

    shown, log = run(schedule, clocks, local(LONDON, 2026, 3, 2, 11, 30), answer)
    assert hhmm(shown) == ["Mon 10:00", "Mon 10:10", "Mon 11:10"]
    assert (shown[0], ScheduleEvent.WITHDRAWN) in log


def test_snooze_past_the_end_of_hours_waits_for_the_next_day() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 16, 55))
    clocks.advance(3600)
    assert schedule.tick() == [ScheduleEvent.DUE]
    schedule.snooze()
    assert schedule.next_reminder_at() == local(LONDON, 2026, 3, 3, 10, 0)


def test_snooze_from_the_tray_postpones_the_coming_reminder() -> None:
    schedule, _ = make(local(LONDON, 2026, 3, 2, 9, 30))
    schedule.snooze()
    assert schedule.next_reminder_at() == local(LONDON, 2026, 3, 2, 10, 40)


def test_skip_restarts_the_interval() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 9, 0))
    shown, _ = run(schedule, clocks, local(LONDON, 2026, 3, 2, 10, 0, 30), None)
    assert len(shown) == 1
    clocks.advance(120)
    assert schedule.tick() == []
    assert schedule.state is ReminderState.PROMPTING
    assert schedule.skip() == [ScheduleEvent.WITHDRAWN]
    assert schedule.next_reminder_at() == clocks.now + timedelta(hours=1)


def test_unanswered_reminder_is_withdrawn_and_counted_once() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 9, 0))
    shown, log = run(schedule, clocks, local(LONDON, 2026, 3, 2, 12, 0), answer=None)
    assert hhmm(shown) == ["Mon 10:00", "Mon 11:05"]
    withdrawn = [m for m, e in log if e is ScheduleEvent.WITHDRAWN]
    assert hhmm(withdrawn) == ["Mon 10:05", "Mon 11:10"]


def test_pause_until_a_time_then_an_interval_after_it() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 9, 0))
    schedule.pause_until(local(LONDON, 2026, 3, 2, 13, 0))
    assert schedule.state is ReminderState.PAUSED
    assert schedule.paused_until == local(LONDON, 2026, 3, 2, 13, 0)
    assert schedule.next_reminder_at() == local(LONDON, 2026, 3, 2, 14, 0)
    shown, log = run(schedule, clocks, local(LONDON, 2026, 3, 2, 15, 30))
    assert hhmm(shown) == ["Mon 14:00", "Mon 15:00"]
    assert [(hhmm([m]), e) for m, e in log if e is ScheduleEvent.PAUSE_ENDED] == [
        (["Mon 13:00"], ScheduleEvent.PAUSE_ENDED)
    ]
    assert schedule.paused_until is None


def test_pause_until_tomorrow_and_resume() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 11, 0))
    schedule.pause_until_tomorrow()
    assert schedule.paused_until == local(LONDON, 2026, 3, 3, 0, 0)
    assert schedule.next_reminder_at() == local(LONDON, 2026, 3, 3, 10, 0)
    clocks.advance(600)
    assert schedule.resume() == [ScheduleEvent.PAUSE_ENDED]
    assert schedule.next_reminder_at() == local(LONDON, 2026, 3, 2, 12, 10)


def test_a_persisted_pause_that_ended_while_closed_is_reported() -> None:
    schedule, _ = make(
        local(LONDON, 2026, 3, 2, 9, 30), paused_until=local(LONDON, 2026, 3, 2, 8, 0)
    )
    assert schedule.tick() == [ScheduleEvent.PAUSE_ENDED]
    assert schedule.next_reminder_at() == local(LONDON, 2026, 3, 2, 10, 30)


def test_suspend_counts_as_a_break_and_no_reminder_on_return() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 9, 0))
    run(schedule, clocks, local(LONDON, 2026, 3, 2, 9, 20))
    clocks.suspend(3 * 3600)  # lid closed 09:20, opened 12:20
    clocks.advance(5)
    assert schedule.tick() == [ScheduleEvent.BACK]
    assert schedule.next_reminder_at() == local(LONDON, 2026, 3, 2, 13, 20, 5)
    shown, _ = run(schedule, clocks, local(LONDON, 2026, 3, 2, 14, 0))
    assert hhmm(shown) == ["Mon 13:20"]


def test_suspend_while_a_reminder_shows_withdraws_it() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 9, 0))
    run(schedule, clocks, local(LONDON, 2026, 3, 2, 10, 0, 30), None)
    assert schedule.state is ReminderState.PROMPTING
    clocks.suspend(8 * 3600)
    events = schedule.tick()
    assert events == [ScheduleEvent.WITHDRAWN, ScheduleEvent.BACK]
    assert ReminderState(schedule.state) is ReminderState.OUTSIDE_HOURS  # it is 18:00 now


def test_a_short_suspend_is_not_a_break() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 9, 0))
    clocks.advance(60)
    clocks.suspend(120)
    assert schedule.tick() == []
    assert schedule.next_reminder_at() == local(LONDON, 2026, 3, 2, 10, 0)


def test_idle_time_counts_as_a_break() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 9, 0))
    away_from = local(LONDON, 2026, 3, 2, 9, 40)
    back_at = local(LONDON, 2026, 3, 2, 11, 10)

    def idle(now: datetime) -> float:
        if away_from <= now < back_at:
            return (now - away_from).total_seconds()
        return 0.0

    shown, log = run(schedule, clocks, local(LONDON, 2026, 3, 2, 13, 0), idle=idle)
    assert hhmm(shown) == ["Mon 12:10"]
    backs = [m for m, e in log if e is ScheduleEvent.BACK]
    assert len(backs) == 1 and backs[0] - back_at < timedelta(minutes=1)


def test_idle_shorter_than_the_threshold_is_not_a_break() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 9, 0))

    def idle(now: datetime) -> float:
        return (now.minute % 4) * 60.0  # never 5 minutes idle

    shown, _ = run(schedule, clocks, local(LONDON, 2026, 3, 2, 10, 30), idle=idle)
    assert hhmm(shown) == ["Mon 10:00"]


def test_idle_while_a_reminder_shows_withdraws_it() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 9, 0))
    clocks.advance(3600)
    assert schedule.tick(0.0) == [ScheduleEvent.DUE]
    clocks.advance(60)
    assert schedule.tick(301.0) == [ScheduleEvent.WITHDRAWN]
    assert schedule.state is ReminderState.AWAY
    assert schedule.next_reminder_at() is None
    clocks.advance(3600)
    assert schedule.tick(20.0) == [ScheduleEvent.BACK]
    assert schedule.next_reminder_at() == clocks.now - timedelta(seconds=20) + timedelta(hours=1)


def test_a_late_wakeup_never_piles_up_reminders() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 9, 0))
    clocks.advance(5 * 3600)  # the process was frozen (both clocks moved)
    assert schedule.tick() == [ScheduleEvent.DUE]
    clocks.advance(1)
    assert schedule.tick() == []


def test_wall_clock_set_back_keeps_the_time_already_waited() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 10, 0))
    clocks.advance(1800)
    clocks.now -= timedelta(hours=1)  # 10:30 shows as 09:30 now
    schedule.tick()
    assert schedule.next_reminder_at() == local(LONDON, 2026, 3, 2, 10, 0)


def test_disabled_needs_no_wakeups_and_reenabling_starts_over() -> None:
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 9, 0), ScheduleConfig(enabled=False))
    assert schedule.state is ReminderState.DISABLED
    assert schedule.next_wakeup() is None
    assert schedule.next_reminder_at() is None
    clocks.advance(3 * 3600)
    assert schedule.tick() == []
    schedule.record_break()
    schedule.set_config(ScheduleConfig())
    assert schedule.next_reminder_at() == local(LONDON, 2026, 3, 2, 13, 0)


def test_config_from_settings() -> None:
    settings = Settings(reminder_interval_minutes=30, active_days=(5, 6),
                        active_start="07:15", active_end="12:00", snooze_minutes=3)
    config = ScheduleConfig.from_settings(settings)
    assert config.interval == timedelta(minutes=30)
    assert config.active_days == frozenset({5, 6})
    assert (config.active_start, config.active_end) == (time(7, 15), time(12, 0))
    assert config.snooze == timedelta(minutes=3)
    assert config.idle == timedelta(minutes=5)


def test_naive_wall_clock_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ReminderSchedule(ScheduleConfig(), monotonic=lambda: 0.0,
                         wall=lambda: datetime(2026, 3, 2, 9, 0), tz=LONDON)


def test_a_snooze_the_new_hours_do_not_reach_is_not_promised() -> None:
    """Snoozed to 17:10, then the hours cut to end at 17:05: the status went on saying
    "Next reminder at 17:10", and nothing came until the next day."""
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 16, 0))
    clocks.advance(3600)
    assert schedule.tick() == [ScheduleEvent.DUE]
    schedule.snooze()  # until 17:10
    clocks.advance(60)
    schedule.set_config(ScheduleConfig(active_end=time(17, 5)))
    promised = schedule.next_reminder_at()
    shown, _log = run(schedule, clocks, local(LONDON, 2026, 3, 3, 12, 0))
    assert promised == shown[0].astimezone(LONDON)
    assert hhmm(shown[:1]) == ["Tue 10:00"]


def test_reminders_turned_on_again_start_a_new_interval() -> None:
    """Off at 09:30 and on at 13:30, a reminder came at once: the interval had started
    at 09:00 (after a weekend off, the week before)."""
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 9, 0))
    clocks.advance(1800)
    schedule.set_config(ScheduleConfig(enabled=False))
    clocks.advance(4 * 3600)
    assert ScheduleEvent.DUE not in schedule.set_config(ScheduleConfig())
    assert hhmm([schedule.next_reminder_at() or clocks.now]) == ["Mon 14:30"]


def test_a_pause_for_an_hour_lasts_an_hour_when_the_clock_is_set_back() -> None:
    """"Pause for an hour" at 10:00 with the clock set back an hour at 10:30 lasted two
    real hours. A pause until tomorrow keeps its wall-clock end."""
    schedule, clocks = make(local(LONDON, 2026, 3, 2, 10, 0))
    schedule.pause_for(timedelta(hours=1))
    clocks.advance(1800)
    schedule.tick()
    clocks.now -= timedelta(hours=1)  # set back: 10:30 reads 09:30
    schedule.tick()
    clocks.advance(1800 + 1)  # an hour of real time since the pause
    schedule.tick()
    assert schedule.state is not ReminderState.PAUSED

    tomorrow, clocks = make(local(LONDON, 2026, 3, 2, 10, 0))
    tomorrow.pause_until_tomorrow()
    until = tomorrow.paused_until
    clocks.advance(60)
    tomorrow.tick()
    clocks.now -= timedelta(hours=1)
    tomorrow.tick()
    assert tomorrow.paused_until == until
