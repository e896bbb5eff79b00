"""When the next posture-break reminder is due: pure logic, driven by injected clocks.

Reminders come one interval after the last break, only inside the active days and
hours (local time, so daylight-saving changes move nothing but the UTC offset). Being
away counts as a break: when the user was idle for ``idle`` or the machine slept (seen
as the wall clock jumping ahead of the monotonic clock), the next reminder is one
interval after the user is back. There is at most one reminder at a time, so missed
reminders never pile up.

Quiet while busy: a reminder that falls due while the person is busy (a call, a
presentation, do-not-disturb; see :mod:`~massage_timer.core.model.busy`) is *held*, not
shown. The hold is capped at one reminder: however long the person stays busy, they get
one reminder as soon as they are free, logged once as deferred with the first reason.
The busy check is a callable asked only when a reminder falls due and while one is held,
so nothing is probed while waiting.

The Qt adapter calls :meth:`ReminderSchedule.tick` whenever :meth:`next_wakeup` says,
acts on the returned events, and forwards the user's answers (start, snooze, skip,
pause). All times kept here are UTC; local time is used only for the active hours.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum

import msgspec

from massage_timer.core.model.busy import BusyReason
from massage_timer.core.model.settings import Settings

MAX_WAKEUP_SECONDS = 60.0
CLOCK_TOLERANCE_SECONDS = 2.0
_LOOKAHEAD_DAYS = 15


class ReminderState(StrEnum):
    DISABLED = "disabled"
    WAITING = "waiting"
    SNOOZED = "snoozed"
    PROMPTING = "prompting"
    AWAY = "away"
    PAUSED = "paused"
    OUTSIDE_HOURS = "outside hours"
    HELD = "held"  # due, but the person is busy: shown when they are not


class ScheduleEvent(StrEnum):
    DUE = "due"  # show the reminder
    WITHDRAWN = "withdrawn"  # hide the reminder: unanswered, the user left, or paused
    BACK = "back"  # the user is back from an absence that counted as a break
    PAUSE_ENDED = "pause ended"  # forget the persisted paused_until
    DEFERRED = "deferred"  # due while busy: held (once per reminder), see held_reason


BusyCheck = Callable[[], BusyReason | None]
"""Asked only when a reminder falls due or is held: why the person is busy, or ``None``."""


class ScheduleConfig(msgspec.Struct, frozen=True):
    enabled: bool = True
    interval: timedelta = timedelta(minutes=60)
    active_days: frozenset[int] = frozenset(range(5))
    active_start: time = time(9, 0)
    active_end: time = time(18, 0)
    snooze: timedelta = timedelta(minutes=10)
    idle: timedelta = timedelta(minutes=5)

    @classmethod
    def from_settings(cls, settings: Settings) -> ScheduleConfig:
        return cls(
            enabled=settings.reminders_enabled,
            interval=timedelta(minutes=settings.reminder_interval_minutes),
            active_days=frozenset(settings.active_days),
            active_start=time.fromisoformat(settings.active_start),
            active_end=time.fromisoformat(settings.active_end),
            snooze=timedelta(minutes=settings.snooze_minutes),
            idle=timedelta(minutes=settings.idle_minutes),
        )


class Window(msgspec.Struct, frozen=True):
    """One day's active hours, as UTC instants."""

    start: datetime
    end: datetime

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


class Carried(msgspec.Struct, frozen=True):
    """What a schedule hands on to its successor in a new process (the app handing
    over to a fresh background process): the start of the interval and a pending
    snooze, so that the next reminder comes when it would have."""

    anchor: datetime
    snooze_until: datetime | None = None
    snoozed_reminder: bool = False


class ReminderSchedule:
    """The reminder state machine.

    ``monotonic`` returns seconds that do not jump (and, on Linux and macOS, stop
    while the machine sleeps); ``wall`` returns timezone-aware now; ``tz`` is the
    user's local zone for the active hours. An unanswered reminder is withdrawn after
    ``config.idle``: whoever has not reacted for that long is treated as away.
    """

    def __init__(
        self,
        config: ScheduleConfig,
        *,
        monotonic: Callable[[], float],
        wall: Callable[[], datetime],
        tz: tzinfo,
        paused_until: datetime | None = None,
    ) -> None:
        self._config = config
        self._windows: dict[date, Window | None] = {}
        self._monotonic = monotonic
        self._wall = wall
        self._tz = tz
        now = self._now()
        self._last_wall = now
        self._last_mono = monotonic()
        self._anchor = now
        self._snooze_until: datetime | None = None
        self._snoozed_reminder = False
        self._showing_again = False
        self._prompt_since: datetime | None = None
        self._paused_until = paused_until.astimezone(UTC) if paused_until else None
        self._pause_lasts = False  # for a while (not until a time): follows clock changes
        self._away = False
        self._held: BusyReason | None = None
        self._state = ReminderState.WAITING
        self._pending: list[ScheduleEvent] = []
        self._evaluate(now, None, self._pending)

    # -- queries --------------------------------------------------------------

    @property
    def state(self) -> ReminderState:
        return self._state

    @property
    def config(self) -> ScheduleConfig:
        return self._config

    @property
    def paused_until(self) -> datetime | None:
        """When the pause ends (UTC), to persist in the settings; ``None`` if not paused."""
        return self._paused_until

    @property
    def held_reason(self) -> BusyReason | None:
        """Why the due reminder is held (the reason it was first deferred), or ``None``."""
        return self._held

    @property
    def last_break(self) -> datetime:
        """When the current interval started (a break, a return, the app's start)."""
        return self._anchor

    @property
    def showing_again(self) -> bool:
        """True when the last DUE re-showed a reminder already shown and snoozed: the same
        reminder, so it is not counted (logged) as a new one."""
        return self._showing_again

    def next_reminder_at(self) -> datetime | None:
        """When the next reminder will show, in local time, as far as known now.

        ``None`` while disabled, away (it depends on the return), showing a reminder,
        or when no active hours are set.
        """
        if self._state in (ReminderState.DISABLED, ReminderState.AWAY,
                           ReminderState.PROMPTING, ReminderState.HELD):
            return None
        if self._state is ReminderState.PAUSED and self._paused_until is not None:
            due = self._first_due(max(self._paused_until, self._anchor), self._config.interval)
        else:
            due = self._due()
        return due.astimezone(self._tz) if due else None

    def next_wakeup(self) -> float | None:
        """Seconds until :meth:`tick` should run next: the next due event, at most 60 s.

        The cap keeps returns from sleep and idleness noticed within a minute (and a
        held reminder looked at again once a minute, besides the desktop's own change
        signals). ``None`` while reminders are off: nothing to wake up for.
        """
        if self._state is ReminderState.DISABLED:
            return None
        now = self._now()
        targets: list[datetime] = []
        if self._state is ReminderState.PAUSED and self._paused_until is not None:
            targets.append(self._paused_until)
        elif self._state is ReminderState.PROMPTING and self._prompt_since is not None:
            targets.append(self._prompt_since + self._config.idle)
        elif self._state in (ReminderState.WAITING, ReminderState.SNOOZED,
                             ReminderState.OUTSIDE_HOURS):
            due = self._due()
            if due is not None:
                targets.append(due)
        seconds = MAX_WAKEUP_SECONDS
        for target in targets:
            seconds = min(seconds, (target - now).total_seconds())
        return max(seconds, 0.0)

    def carry(self) -> Carried:
        """What :meth:`carry_on` needs to go on from here in another schedule."""
        return Carried(self._anchor, self._snooze_until, self._snoozed_reminder)

    def carry_on(self, carried: Carried) -> None:
        """Go on from where the schedule that made ``carried`` was (a new one's
        interval otherwise starts at its creation). Call before the first
        :meth:`tick`, which acts on it (a reminder due meanwhile is due then)."""
        self._anchor = carried.anchor.astimezone(UTC)
        self._snooze_until = (
            carried.snooze_until.astimezone(UTC) if carried.snooze_until else None)
        self._snoozed_reminder = carried.snoozed_reminder and self._snooze_until is not None

    # -- driving --------------------------------------------------------------

    def tick(
        self, idle_seconds: float | None = None, busy: BusyCheck | None = None
    ) -> list[ScheduleEvent]:
        """Bring the state up to date; ``idle_seconds`` is the desktop's idle time if
        known; ``busy`` is asked only if a reminder is due or held (without it, a held
        reminder stays held and a due one is shown)."""
        now = self._now()
        mono = self._monotonic()
        events, self._pending = self._pending, []
        jump = (now - self._last_wall).total_seconds() - (mono - self._last_mono)
        self._last_wall, self._last_mono = now, mono
        if jump < -CLOCK_TOLERANCE_SECONDS:
            self._shift(timedelta(seconds=jump))
        elif jump >= self._config.idle.total_seconds():
            self._withdraw(events)
            self._snooze_until = None
            self._anchor = max(self._anchor, now)
            self._away = False
            events.append(ScheduleEvent.BACK)
        self._evaluate(now, idle_seconds, events, busy)
        return events

    def set_config(
        self, config: ScheduleConfig, busy: BusyCheck | None = None
    ) -> list[ScheduleEvent]:
        """Go on under ``config``. ``busy`` is asked if a reminder falls due now (a
        shorter interval, in a meeting, showed one at once). Turned on again, the
        interval starts now: it had started before reminders were off (a weekend back).
        A snooze the new hours do not reach ends the day, as one made then would."""
        now = self._now()
        if config.enabled and not self._config.enabled:
            self._anchor = max(self._anchor, now)
        self._config = config
        self._windows.clear()
        if self._snooze_until is not None and self._window_at(self._snooze_until) is None:
            self._anchor = max(self._anchor, self._snooze_until)
            self._snooze_until = None
        events: list[ScheduleEvent] = []
        self._evaluate(now, None, events, busy)
        return events

    def record_break(self) -> list[ScheduleEvent]:
        """A break started or ended now (the micro-break, or any session): restart the interval."""
        now = self._now()
        events: list[ScheduleEvent] = []
        self._withdraw(events)
        self._snooze_until = None
        self._anchor = now
        self._evaluate(now, None, events)
        return events

    def skip(self) -> list[ScheduleEvent]:
        """Dismiss the reminder; the next one comes one interval from now."""
        return self.record_break()

    def snooze(self) -> list[ScheduleEvent]:
        """Remind again ``config.snooze`` after now (or after the coming reminder)."""
        now = self._now()
        events: list[ScheduleEvent] = []
        if self._state in (ReminderState.DISABLED, ReminderState.PAUSED):
            return events
        prompting = self._state is ReminderState.PROMPTING
        due = self._due() if not prompting else None
        until = max(now, due or now) + self._config.snooze
        self._withdraw(events)
        if self._window_at(until) is not None:
            # Snoozing a reminder that shows (or one already snoozed) keeps it the same one.
            self._snoozed_reminder = prompting or (
                self._snooze_until is not None and self._snoozed_reminder)
            self._snooze_until = until
        else:
            self._snooze_until = None
            self._anchor = until
        self._evaluate(now, None, events)
        return events

    def pause_until(self, until: datetime) -> list[ScheduleEvent]:
        if until.tzinfo is None:
            raise ValueError("pause_until needs a timezone-aware datetime")
        now = self._now()
        events: list[ScheduleEvent] = []
        self._withdraw(events)
        self._snooze_until = None
        self._paused_until = until.astimezone(UTC)
        self._pause_lasts = False
        self._evaluate(now, None, events)
        return events

    def pause_for(self, duration: timedelta) -> list[ScheduleEvent]:
        """Pause for ``duration`` of real time: a clock set back meanwhile does not
        lengthen it (see :meth:`_shift`), as it does not move a pause until tomorrow."""
        events = self.pause_until(self._now() + duration)
        self._pause_lasts = True
        return events

    def pause_until_tomorrow(self) -> list[ScheduleEvent]:
        """Pause until local midnight."""
        today = self._now().astimezone(self._tz).date()
        return self.pause_until(self._local(today + timedelta(days=1), time(0, 0)))

    def resume(self) -> list[ScheduleEvent]:
        """End a pause now; the next reminder is one interval from now."""
        now = self._now()
        events: list[ScheduleEvent] = []
        if self._paused_until is not None:
            self._paused_until = None
            self._anchor = max(self._anchor, now)
            events.append(ScheduleEvent.PAUSE_ENDED)
        self._evaluate(now, None, events)
        return events

    # -- internals ------------------------------------------------------------

    def _now(self) -> datetime:
        now = self._wall()
        if now.tzinfo is None:
            raise ValueError("the wall clock must return timezone-aware datetimes")
        return now.astimezone(UTC)

    def _shift(self, delta: timedelta) -> None:
        """Follow a wall clock set back, so the time already waited still counts."""
        self._anchor += delta
        if self._snooze_until is not None:
            self._snooze_until += delta
        if self._paused_until is not None and self._pause_lasts:
            self._paused_until += delta
        if self._prompt_since is not None:
            self._prompt_since += delta

    def _withdraw(self, events: list[ScheduleEvent]) -> None:
        """End the current reminder: hide a shown one, forget a held one."""
        self._held = None
        if self._prompt_since is not None:
            self._prompt_since = None
            events.append(ScheduleEvent.WITHDRAWN)

    def _evaluate(
        self,
        now: datetime,
        idle_seconds: float | None,
        events: list[ScheduleEvent],
        busy: BusyCheck | None = None,
    ) -> None:
        asked: list[BusyReason | None] = []
        again = False

        def busy_now() -> BusyReason | None:
            if busy is None:
                return None
            if not asked:
                asked.append(busy())
            return asked[0]

        config = self._config
        if not config.enabled:
            self._withdraw(events)
            self._snooze_until = None
            self._state = ReminderState.DISABLED
            return
        if self._paused_until is not None:
            if now < self._paused_until:
                self._withdraw(events)
                self._state = ReminderState.PAUSED
                return
            self._anchor = max(self._anchor, self._paused_until)
            self._paused_until = None
            self._snooze_until = None
            events.append(ScheduleEvent.PAUSE_ENDED)
        if self._held is not None:
            if self._window_at(now) is None:
                self._held = None  # the day is over: the next interval starts tomorrow
            elif busy is None or busy_now() is not None:
                self._state = ReminderState.HELD
                return
            else:
                self._held = None  # free again: shown below, unless they are away
                again = self._showing_again  # a snoozed reminder held: still the same one
        if idle_seconds is not None:
            if idle_seconds >= config.idle.total_seconds():
                self._withdraw(events)
                self._snooze_until = None
                self._away = True
                self._state = ReminderState.AWAY
                return
            if self._away:
                self._away = False
                self._anchor = max(self._anchor, now - timedelta(seconds=idle_seconds))
                events.append(ScheduleEvent.BACK)
        elif self._away:
            self._away = False
            self._anchor = max(self._anchor, now)
            events.append(ScheduleEvent.BACK)
        if self._prompt_since is not None:
            if now - self._prompt_since < config.idle and self._window_at(now) is not None:
                self._state = ReminderState.PROMPTING
                return
            self._withdraw(events)
            self._anchor = now
        window = self._window_at(now)
        due = self._due()
        if due is not None and now >= due:
            if window is not None:
                self._showing_again = again or (
                    self._snooze_until is not None and self._snoozed_reminder)
                self._snooze_until = None
                reason = busy_now()
                if reason is not None:
                    self._held = reason
                    self._state = ReminderState.HELD
                    events.append(ScheduleEvent.DEFERRED)
                    return
                self._prompt_since = now
                self._state = ReminderState.PROMPTING
                events.append(ScheduleEvent.DUE)
                return
            self._snooze_until = None
            self._anchor = now
        if window is None:
            self._state = ReminderState.OUTSIDE_HOURS
        elif self._snooze_until is not None:
            self._state = ReminderState.SNOOZED
        else:
            self._state = ReminderState.WAITING

    def _due(self) -> datetime | None:
        if self._snooze_until is not None:
            return self._snooze_until
        return self._first_due(self._anchor, self._config.interval)

    def _first_due(self, anchor: datetime, delay: timedelta) -> datetime | None:
        """``delay`` after ``anchor`` or after the start of a later window, inside a window."""
        for window in self._windows_from(anchor):
            due = max(anchor, window.start) + delay
            if due < window.end:
                return due
        return None

    def _window_at(self, moment: datetime) -> Window | None:
        for window in self._windows_from(moment):
            return window if moment in window else None
        return None

    def _windows_from(self, moment: datetime) -> Iterator[Window]:
        """The active windows that end after ``moment``, in order."""
        first = moment.astimezone(self._tz).date() - timedelta(days=1)
        for offset in range(_LOOKAHEAD_DAYS):
            window = self._window_on(first + timedelta(days=offset))
            if window is not None and window.end > moment:
                yield window

    def _window_on(self, day: date) -> Window | None:
        if day not in self._windows:
            config = self._config
            if len(self._windows) > 64:
                self._windows.clear()
            self._windows[day] = Window(
                self._local(day, config.active_start).astimezone(UTC),
                self._local(day, config.active_end).astimezone(UTC),
            ) if day.weekday() in config.active_days else None
        return self._windows[day]

    def _local(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self._tz)
