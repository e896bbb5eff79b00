"""Figures for the history view: summary, weekly sums and the gentle pain-trend flag.

Days and weeks (Monday to Sunday) are the user's LOCAL ones, taken from an injected
``tzinfo`` (a :class:`zoneinfo.ZoneInfo`): each boundary is a local midnight turned
into a UTC instant, so a daylight-saving week of 167 or 169 hours and a move to
another time zone are counted right. The counting itself happens in SQL over the
``started_at`` index, so the figures stay fast at 100,000 sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo
from fractions import Fraction

import msgspec

from massage_timer.core.model.language import _
from massage_timer.core.model.session import Outcome
from massage_timer.core.storage.history.store import HistoryStore, to_epoch, utc_now

WEEKS_SHOWN = 12
TREND_DAYS = 21
TREND_MIN_SESSIONS = 6
TREND_MIN_LEVEL = Fraction(3)
TREND_MIN_IMPROVEMENT = Fraction(1, 2)
TREND_RISE = Fraction(1)
TREND_RISE_FLOOR = Fraction(2)
# A day counts towards the streak when a session there was finished or got past step 1.
_STREAK_SESSION = f"(outcome = '{Outcome.COMPLETED}' OR steps_completed > 0)"


def day_start(day: date, tz: tzinfo) -> datetime:
    """The instant local ``day`` begins (zoneinfo resolves DST gaps at midnight)."""
    return datetime.combine(day, time(0), tzinfo=tz)


def day_end(day: date, tz: tzinfo) -> datetime | None:
    """The instant local ``day`` ends (the next one begins); None after the last day a
    date can hold (9999-12-31), which a date field offers: no end then."""
    return day_start(day + timedelta(days=1), tz) if day < date.max else None


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


class RoutineUse(msgspec.Struct, frozen=True):
    routine_id: str
    title: str
    sessions: int


class Summary(msgspec.Struct, frozen=True):
    """The headline figures; ``adherence`` is None until a reminder was shown."""

    total_sessions: int
    sessions_this_week: int
    sessions_this_month: int
    streak_days: int
    total_minutes: float
    top_routines: tuple[RoutineUse, ...]
    reminders_shown: int
    reminders_started: int

    @property
    def adherence(self) -> float | None:
        if self.reminders_shown == 0:
            return None
        return min(1.0, self.reminders_started / self.reminders_shown)


class WeekFigures(msgspec.Struct, frozen=True):
    start: date
    sessions: int
    pain_before: float | None
    pain_after: float | None


class PainTrend(msgspec.Struct, frozen=True):
    """The gentle flag: pain not improving over ~3 weeks of regular sessions, or rising."""

    flagged: bool
    reason: str | None
    first_average: float | None
    last_average: float | None
    rated_sessions: int

    @property
    def message(self) -> str:
        if not self.flagged:
            return ""
        if self.reason == "rising":
            trend = _("Your pain rating has been rising over the last three weeks of "
                      "regular sessions.")
        else:
            trend = _("Your pain rating has not eased over the last three weeks of "
                      "regular sessions.")
        advice = _("Self-massage is not a substitute for care: consider seeing a doctor "
                   "or a physiotherapist, and sooner if pain spreads into an arm or comes "
                   "with numbness or weakness.")
        # TRANSLATORS: the pain-trend note: the trend, then the advice.
        return _("{trend} {advice}").format(trend=trend, advice=advice)


class Stats:
    """Computes figures from a store for "today" given by ``now`` in zone ``tz``."""

    def __init__(
        self, store: HistoryStore, tz: tzinfo, now: Callable[[], datetime] = utc_now
    ) -> None:
        self._store = store
        self._tz = tz
        self._now = now

    def today(self) -> date:
        return self._now().astimezone(self._tz).date()

    def _epoch(self, day: date) -> int:
        return to_epoch(day_start(day, self._tz))

    def _count_since(self, day: date) -> int:
        """Sessions from ``day`` up to the end of today: one dated later (the clock was
        set back) counted in "this week" and "this month" but in no week's bar."""
        rows = self._store.query(
            "SELECT COUNT(*) FROM sessions WHERE started_at >= ? AND started_at < ?",
            (self._epoch(day), self._epoch(self.today() + timedelta(days=1))),
        )
        return int(rows[0][0])

    def _days_with_sessions(self, days: list[date]) -> set[date]:
        """Which of ``days`` (newest first, consecutive) have a session that counts."""
        edges = [self._epoch(days[0] + timedelta(days=1))]
        edges.extend(self._epoch(d) for d in days)
        rows = self._store.query(
            f"WITH days(i, lo, hi) AS (VALUES {', '.join('(?, ?, ?)' for _ in days)}) "
            "SELECT i FROM days WHERE EXISTS (SELECT 1 FROM sessions "
            f"WHERE started_at >= lo AND started_at < hi AND {_STREAK_SESSION})",
            [v for i in range(len(days)) for v in (i, edges[i + 1], edges[i])],
        )
        return {days[int(r[0])] for r in rows}

    def streak(self) -> int:
        """Local days in a row, ending today (or yesterday), with a session that counts."""
        day = self.today()
        streak = 0
        chunk = 32
        first = True
        while True:
            days = [day - timedelta(days=i) for i in range(chunk)]
            present = self._days_with_sessions(days)
            if first and days[0] not in present:
                days = days[1:]  # today may still come; the streak runs from yesterday
            first = False
            for d in days:
                if d not in present:
                    return streak
                streak += 1
            day = days[-1] - timedelta(days=1)
            chunk = min(chunk * 4, 2048)

    def summary(self, top: int = 3) -> Summary:
        today = self.today()
        per_routine = self._store.query(
            "SELECT routine_id, COUNT(*) AS n, TOTAL(active_seconds) FROM sessions "
            "GROUP BY routine_id"
        )
        total_sessions = sum(int(r[1]) for r in per_routine)
        total_seconds = sum(float(r[2]) for r in per_routine)
        uses = []
        for routine_id, n, _seconds in sorted(per_routine, key=lambda r: (-r[1], r[0]))[:top]:
            title = self._store.query(
                "SELECT routine_title FROM sessions WHERE routine_id = ? "
                "ORDER BY started_at DESC LIMIT 1",
                (routine_id,),
            )[0][0]
            uses.append(RoutineUse(str(routine_id), str(title), int(n)))
        reminders = dict(self._store.query(
            "SELECT kind, COUNT(*) FROM reminders WHERE kind IN ('shown', 'started') "
            "GROUP BY kind"
        ))
        return Summary(
            total_sessions=total_sessions,
            sessions_this_week=self._count_since(week_start(today)),
            sessions_this_month=self._count_since(today.replace(day=1)),
            streak_days=self.streak(),
            total_minutes=total_seconds / 60.0,
            top_routines=tuple(uses),
            reminders_shown=int(reminders.get("shown", 0)),
            reminders_started=int(reminders.get("started", 0)),
        )

    def weekly(self, weeks: int = WEEKS_SHOWN) -> list[WeekFigures]:
        """Sessions and average pain before/after per local week, oldest first."""
        first = week_start(self.today()) - timedelta(weeks=weeks - 1)
        starts = [first + timedelta(weeks=i) for i in range(weeks + 1)]
        bounds = [(i, self._epoch(starts[i]), self._epoch(starts[i + 1]))
                  for i in range(weeks)]
        values = ", ".join("(?, ?, ?)" for _ in bounds)
        params = [v for b in bounds for v in b]
        rows = self._store.query(
            f"WITH weeks(i, lo, hi) AS (VALUES {values}) "
            "SELECT i, COUNT(s.id), AVG(s.pain_before), AVG(s.pain_after) FROM weeks "
            "LEFT JOIN sessions AS s ON s.started_at >= lo AND s.started_at < hi "
            "GROUP BY i ORDER BY i",
            params,
        )
        return [WeekFigures(starts[int(i)], int(n), b, a) for i, n, b, a in rows]

    def pain_trend(self) -> PainTrend:
        """Compare the first and last week of the last three weeks' pain-before ratings.

        "Regular" means at least six rated sessions, some in the first and some in the
        last week of the window. Flagged when the last week's average is at least
        :data:`TREND_MIN_LEVEL` and has not fallen by :data:`TREND_MIN_IMPROVEMENT`,
        or when it rose by :data:`TREND_RISE` or more to :data:`TREND_RISE_FLOOR` or more
        (a rise within mild pain is no reason to see someone). The averages are compared
        as exact fractions: in floats, 1.667 to 2.667 was not a point.
        """
        today = self.today()
        lo = day_start(today - timedelta(days=TREND_DAYS - 1), self._tz)
        rows = self._store.query(
            "SELECT started_at, pain_before FROM sessions WHERE started_at >= ? "
            "AND started_at < ? AND pain_before IS NOT NULL ORDER BY started_at",
            (to_epoch(lo), self._epoch(today + timedelta(days=1))),
        )
        first_cut = to_epoch(day_start(today - timedelta(days=TREND_DAYS - 7), self._tz))
        last_cut = to_epoch(day_start(today - timedelta(days=6), self._tz))
        first = [p for t, p in rows if t < first_cut]
        last = [p for t, p in rows if t >= last_cut]
        if len(rows) < TREND_MIN_SESSIONS or not first or not last:
            return PainTrend(False, None, None, None, len(rows))
        first_avg = Fraction(sum(first), len(first))
        last_avg = Fraction(sum(last), len(last))
        reason: str | None = None
        if last_avg >= first_avg + TREND_RISE and last_avg >= TREND_RISE_FLOOR:
            reason = "rising"
        elif last_avg >= TREND_MIN_LEVEL and last_avg > first_avg - TREND_MIN_IMPROVEMENT:
            reason = "not_improving"
        return PainTrend(reason is not None, reason, float(first_avg), float(last_avg),
                         len(rows))
