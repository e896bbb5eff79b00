"""Summary figures, streaks and weekly sums in local time, and the pain-trend flag."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from massage_timer.core.model.session import Outcome
from massage_timer.core.storage.history.stats import Stats, week_start
from massage_timer.core.storage.history.store import HistoryStore, SessionRecord
from massage_timer.core.storage.timezone import local_zone

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def session(at: datetime, *, routine: str = "neck", pain: int | None = None,
            outcome: Outcome = Outcome.COMPLETED, steps: int = 8, minutes: float = 5.0
            ) -> SessionRecord:
    return SessionRecord(
        id=0, routine_id=routine, routine_title=routine.title(), routine_version="1",
        content_hash=None, planned_seconds=300.0, steps_total=8, checklist_version="1",
        checklist_confirmed_at=at, pain_before=pain, pain_after=None, started_at=at,
        ended_at=at + timedelta(minutes=minutes), outcome=outcome,
        active_seconds=minutes * 60, steps_completed=steps, current_step=max(steps - 1, 0),
    )


def store_with(*records: SessionRecord) -> HistoryStore:
    store = HistoryStore.memory_only()
    store.add_sessions(records)
    return store


def local(tz: tzinfo, *parts: int, fold: int = 0) -> datetime:
    year, month, day, hour, minute = (*parts, 0, 0)[:5]
    return datetime(year, month, day, hour, minute, tzinfo=tz, fold=fold)


def stats(store: HistoryStore, tz: tzinfo, now: datetime) -> Stats:
    return Stats(store, tz, lambda: now)


def test_streak_and_weeks_across_spring_forward() -> None:
    days = [date(2026, 3, 25) + timedelta(days=i) for i in range(9)]  # DST starts 29 Mar
    records = [session(local(BERLIN, d.year, d.month, d.day, 0, 30)) for d in days]
    records.append(session(local(BERLIN, 2026, 3, 29, 23, 30)))  # Sunday, late
    records.append(session(local(BERLIN, 2026, 3, 30, 0, 15)))  # Monday, early
    store = store_with(*records)
    s = stats(store, BERLIN, local(BERLIN, 2026, 4, 2, 12, 0))
    assert s.streak() == 9
    weeks = {w.start: w.sessions for w in s.weekly()}
    assert weeks[date(2026, 3, 23)] == 6  # 25..29 at 00:30, plus Sunday 23:30
    assert weeks[date(2026, 3, 30)] == 5  # 30 Mar..2 Apr at 00:30, plus Monday 00:15
    assert sum(weeks.values()) == len(records)
    summary = s.summary()
    assert summary.sessions_this_week == 5
    assert summary.sessions_this_month == 2  # 1 and 2 April
    # With a fixed UTC+1 offset the 00:15 Monday session (22:15 UTC Sunday) would
    # land in the wrong week: the zone rules matter.
    fixed = stats(store, timezone(timedelta(hours=1)), local(BERLIN, 2026, 4, 2, 12, 0))
    assert {w.start: w.sessions for w in fixed.weekly()}[date(2026, 3, 30)] != 5


def test_fall_back_day_and_repeated_hour() -> None:
    first = local(BERLIN, 2026, 10, 25, 2, 30, fold=0)
    second = local(BERLIN, 2026, 10, 25, 2, 30, fold=1)
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    store = store_with(
        session(second, routine="later"), session(first, routine="earlier"),
        session(local(BERLIN, 2026, 10, 25, 23, 59)),
        session(local(BERLIN, 2026, 10, 26, 0, 1)),
    )
    s = stats(store, BERLIN, local(BERLIN, 2026, 10, 26, 9, 0))
    weeks = {w.start: w.sessions for w in s.weekly()}
    assert weeks[date(2026, 10, 19)] == 3
    assert weeks[date(2026, 10, 26)] == 1
    assert s.streak() == 2
    in_order = [r.routine_id for r in store.iter_sessions()]
    assert in_order[:2] == ["earlier", "later"]


def test_moving_time_zones_keeps_order_streak_and_sums() -> None:
    tokyo = [local(TOKYO, 2026, 6, d, 8, 0) for d in range(1, 6)]
    la = [local(LOS_ANGELES, 2026, 6, d, 8, 0) for d in range(5, 10)]
    store = store_with(*(session(t, routine="tokyo") for t in tokyo),
                       *(session(t, routine="la") for t in la))
    order = [r.started_at for r in store.iter_sessions()]
    assert order == sorted(order)
    assert [r.routine_id for r in store.iter_sessions()] == ["tokyo"] * 5 + ["la"] * 5
    now_la = local(LOS_ANGELES, 2026, 6, 9, 20, 0)
    s = stats(store, LOS_ANGELES, now_la)
    # In LA time the Tokyo mornings were the afternoons of 31 May..4 June: no gap.
    assert s.streak() == 10
    assert sum(w.sessions for w in s.weekly()) == 10
    back_in_tokyo = stats(store, TOKYO, now_la)
    assert sum(w.sessions for w in back_in_tokyo.weekly()) == 10


def test_streak_rules() -> None:
    now = local(BERLIN, 2026, 5, 20, 18, 0)
    yesterday_only = store_with(
        session(now - timedelta(days=1)), session(now - timedelta(days=2)),
        session(now - timedelta(days=4)),
    )
    assert stats(yesterday_only, BERLIN, now).streak() == 2
    abandoned = store_with(session(now, outcome=Outcome.STOPPED, steps=0),
                           session(now - timedelta(days=1), outcome=Outcome.STOPPED, steps=3))
    assert stats(abandoned, BERLIN, now).streak() == 1
    assert stats(store_with(), BERLIN, now).streak() == 0
    long_run = store_with(*(session(now - timedelta(days=i)) for i in range(200)))
    assert stats(long_run, BERLIN, now).streak() == 200


def test_summary_figures() -> None:
    now = local(BERLIN, 2026, 5, 20, 18, 0)  # a Wednesday
    store = store_with(
        session(now - timedelta(hours=1), routine="neck", minutes=10),
        session(now - timedelta(days=1), routine="neck", minutes=5),
        session(now - timedelta(days=3), routine="back", minutes=4),
        session(now - timedelta(days=30), routine="jaw", minutes=6),
        session(now - timedelta(days=31), routine="neck", minutes=5),
    )
    for i in range(4):
        store.log_reminder("shown", now - timedelta(hours=i))
    store.log_reminder("started", now)
    store.log_reminder("snoozed", now)
    summary = stats(store, BERLIN, now).summary()
    assert summary.total_sessions == 5
    assert summary.sessions_this_week == 2
    assert summary.sessions_this_month == 3
    assert summary.total_minutes == pytest.approx(30.0)
    assert [(u.routine_id, u.sessions) for u in summary.top_routines] == [
        ("neck", 3), ("back", 1), ("jaw", 1)]
    assert summary.adherence == pytest.approx(0.25)
    empty = stats(store_with(), BERLIN, now).summary()
    assert empty.adherence is None and empty.top_routines == ()
    assert week_start(date(2026, 5, 24)) == date(2026, 5, 18)


def test_weekly_pain_averages() -> None:
    now = local(BERLIN, 2026, 5, 20, 18, 0)
    store = store_with(session(now - timedelta(hours=2), pain=6),
                       session(now - timedelta(hours=1), pain=3),
                       session(now - timedelta(days=7), pain=None))
    weeks = stats(store, BERLIN, now).weekly()
    assert len(weeks) == 12 and weeks[-1].start == date(2026, 5, 18)
    assert weeks[-1].pain_before == pytest.approx(4.5)
    assert weeks[-2].sessions == 1 and weeks[-2].pain_before is None
    assert weeks[0].sessions == 0


def ratings(now: datetime, first: int, last: int, *, days: int = 21) -> HistoryStore:
    """One rated session a day for ``days`` days, pain moving from first to last."""
    records = []
    for i in range(days):
        pain = round(first + (last - first) * i / (days - 1))
        records.append(session(now - timedelta(days=days - 1 - i), pain=pain))
    return store_with(*records)


@pytest.mark.parametrize(
    ("first", "last", "flagged", "reason"),
    [
        (5, 5, True, "not_improving"),
        (3, 6, True, "rising"),
        (6, 3, False, None),
        (1, 1, False, None),
        (4, 4, True, "not_improving"),
    ],
)
def test_pain_trend_flag(first: int, last: int, flagged: bool, reason: str | None) -> None:
    now = local(BERLIN, 2026, 5, 20, 18, 0)
    trend = stats(ratings(now, first, last), BERLIN, now).pain_trend()
    assert (trend.flagged, trend.reason) == (flagged, reason)
    if flagged:
        assert "doctor or a physiotherapist" in trend.message
    else:
        assert trend.message == ""


def test_pain_trend_needs_regular_sessions() -> None:
    now = local(BERLIN, 2026, 5, 20, 18, 0)
    few = store_with(*(session(now - timedelta(days=d), pain=7) for d in (0, 1, 18, 19)))
    assert stats(few, BERLIN, now).pain_trend().flagged is False
    stale = store_with(*(session(now - timedelta(days=d), pain=7) for d in range(8, 21)))
    assert stats(stale, BERLIN, now).pain_trend().flagged is False


def test_local_zone_follows_tz_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    zone = local_zone()
    assert zone.utcoffset(datetime(2026, 1, 1)) == timedelta(hours=-8)
    assert zone.utcoffset(datetime(2026, 7, 1)) == timedelta(hours=-7)


@pytest.fixture
def posix_tz(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``TZ`` as a POSIX rule, the C library following it; both put back afterwards."""
    rule = "CET-1CEST,M3.5.0,M10.5.0/3"
    monkeypatch.setenv("TZ", rule)
    try:
        yield rule
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_posix_rule_in_tz_is_followed_through_its_daylight_saving_changes(
    posix_tz: str,
) -> None:
    """TZ="CET-1CEST,M3.5.0,M10.5.0/3" was ignored for /etc/localtime's zone, so the
    reminders' active hours and the history's days disagreed with the desktop clock."""
    zone = local_zone()
    berlin = ZoneInfo("Europe/Berlin")  # the same rules, from the zone database
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    while moment.year == 2026:
        ours, theirs = moment.astimezone(zone), moment.astimezone(berlin)
        assert (ours.replace(tzinfo=None), ours.utcoffset(), ours.fold) == (
            theirs.replace(tzinfo=None), theirs.utcoffset(), theirs.fold), moment
        assert ours.astimezone(UTC) == moment
        moment += timedelta(minutes=30)
    for wall in (datetime(2026, 3, 29, 2, 30), datetime(2026, 10, 25, 2, 30)):
        for fold in (0, 1):  # a wall time that never happens, and one that happens twice
            ours, theirs = wall.replace(tzinfo=zone, fold=fold), wall.replace(
                tzinfo=berlin, fold=fold)
            assert (ours.utcoffset(), ours.tzname()) == (theirs.utcoffset(), theirs.tzname())
    assert datetime.now().astimezone().utcoffset() == datetime.now(zone).utcoffset()


def test_a_rise_of_exactly_one_point_is_a_rise() -> None:
    """1.667 to 2.667 is a point: in floats, 2.6666666666666665 >= 1.6666666666666667 + 1.0
    is false, and the note did not come."""
    now = local(BERLIN, 2026, 5, 20, 18, 0)
    rated = [session(now - timedelta(days=d), pain=p)
             for d, p in [(20, 1), (19, 2), (18, 2), (2, 2), (1, 3), (0, 3)]]
    trend = stats(store_with(*rated), BERLIN, now).pain_trend()
    assert (trend.flagged, trend.reason) == (True, "rising")


def test_a_rise_within_mild_pain_is_not_flagged_as_documented() -> None:
    now = local(BERLIN, 2026, 5, 20, 18, 0)
    rated = [session(now - timedelta(days=d), pain=p)
             for d, p in [(20, 0), (19, 0), (18, 0), (2, 1), (1, 2), (0, 2)]]
    trend = stats(store_with(*rated), BERLIN, now).pain_trend()  # 0 to 1.67: under 2
    assert not trend.flagged


def test_a_session_dated_after_today_counts_in_no_figure_of_now() -> None:
    """The clock set back: a session 40 days ahead counted in "this week" (2), while the
    week's bar said 1, and in the pain trend's window."""
    now = local(BERLIN, 2026, 5, 20, 18, 0)
    figures = stats(store_with(session(now - timedelta(hours=1)),
                               session(now + timedelta(days=40))), BERLIN, now)
    summary = figures.summary()
    assert summary.sessions_this_week == figures.weekly()[-1].sessions == 1
    assert summary.sessions_this_month == 1
