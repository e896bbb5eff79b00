"""The Qt side of the posture-break reminders: one QTimer driving the pure schedule.

The schedule (:mod:`massage_timer.core.model.schedule`) decides everything; this adapter
wakes it up when it asks (never more than once a minute while waiting), reads the
desktop's idle time, logs each reminder and answer, and re-emits typed Signals for
the prompt, the tray and the app.
"""

from __future__ import annotations

import logging
import math
import time as _time
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import Protocol

from PySide6.QtCore import QLocale, QObject, Qt, QTime, QTimer, Signal

from massage_timer.core.model.busy import BusyReason
from massage_timer.core.model.language import _
from massage_timer.core.model.schedule import (
    BusyCheck,
    ReminderSchedule,
    ReminderState,
    ScheduleConfig,
    ScheduleEvent,
)
from massage_timer.core.model.settings import Settings
from massage_timer.core.storage.history.store import ReminderKind
from massage_timer.core.storage.timezone import local_zone

log = logging.getLogger("massage_timer.reminders")

class LogEvent(Protocol):
    def __call__(
        self, kind: ReminderKind, at: datetime, reason: str | None = None, /
    ) -> None: ...


def _never_busy() -> BusyReason | None:
    return None


def _wall_now() -> datetime:
    return datetime.now().astimezone()


def describe(schedule: ReminderSchedule, now: datetime) -> str:
    """One line for the tray menu and the main window: what happens next."""
    state = schedule.state
    if state is ReminderState.DISABLED:
        return _("Reminders are off")
    if state is ReminderState.PROMPTING:
        return _("Reminder showing now")
    if state is ReminderState.AWAY:
        return _("Next reminder: an interval after you are back")
    if state is ReminderState.HELD:
        return _("Reminder held until you are free ({reason})").format(
            reason=schedule.held_reason.label if schedule.held_reason else "")
    at = schedule.next_reminder_at()
    if state is ReminderState.PAUSED and schedule.paused_until is not None:
        until = schedule.paused_until.astimezone(at.tzinfo if at else now.tzinfo)
        return _("Reminders paused until {time}").format(time=_when(until, now))
    if at is None:
        return _("No reminder planned (no active hours)")
    return _("Next reminder at {time}").format(time=_when(at, now))


def _when(moment: datetime, now: datetime) -> str:
    local_now = now.astimezone(moment.tzinfo)
    days = (moment.date() - local_now.date()).days
    locale = QLocale()
    clock = locale.toString(QTime(moment.hour, moment.minute), QLocale.FormatType.ShortFormat)
    if days == 0:
        return clock
    if days == 1:
        # TRANSLATORS: a time of day, e.g. "Next reminder at {time}" with "07:30 tomorrow".
        return _("{time} tomorrow").format(time=clock)
    # TRANSLATORS: a time of day and a weekday's name, e.g. "09:00 on Monday".
    return _("{time} on {weekday}").format(
        time=clock, weekday=locale.dayName(moment.isoweekday(), QLocale.FormatType.LongFormat))


class ReminderController(QObject):
    """Owns the schedule and its single-shot timer.

    Signals:
        reminderDue(): show the prompt (and play the tone or line if the settings say).
        reminderHeld(bool): a due reminder is now held while the person is busy (True),
            or no longer held (False): watch the desktop's change signals meanwhile.
        reminderWithdrawn(): hide the prompt; the reminder is over.
        startBreakRequested(str): start this routine id (the safety checklist first);
            the break counts once :meth:`break_started` says the player runs.
        statusChanged(str): the "Next reminder at HH:MM" line changed.
        pausedUntilChanged(object): ``datetime | None`` to persist as ``paused_until``.
    """

    reminderDue = Signal()
    reminderHeld = Signal(bool)
    reminderWithdrawn = Signal()
    startBreakRequested = Signal(str)
    statusChanged = Signal(str)
    pausedUntilChanged = Signal(object)

    def __init__(
        self,
        settings: Settings,
        *,
        log_event: LogEvent,
        idle_seconds: Callable[[], float | None] = lambda: None,
        busy: BusyCheck = _never_busy,
        monotonic: Callable[[], float] = _time.monotonic,
        wall: Callable[[], datetime] | None = None,
        tz: tzinfo | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._log_event = log_event
        self._idle_seconds = idle_seconds
        self._busy = busy
        self._wall = wall = wall or _wall_now
        self._schedule = ReminderSchedule(
            ScheduleConfig.from_settings(settings), monotonic=monotonic, wall=wall,
            tz=tz or local_zone(), paused_until=settings.paused_until,
        )
        self._timer = QTimer(self)
        self._timer.setObjectName("reminderTimer")
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timer)
        self._status = ""
        self._break_pending = False
        self._break_answers_reminder = False
        self._held_for_session = False

    @property
    def schedule(self) -> ReminderSchedule:
        return self._schedule

    @property
    def timer(self) -> QTimer:
        return self._timer

    @property
    def routine_id(self) -> str:
        return self._settings.reminder_routine_id

    @property
    def snooze_minutes(self) -> int:
        return self._settings.snooze_minutes

    @property
    def status(self) -> str:
        return self._status

    @property
    def break_pending(self) -> bool:
        """A break was asked for and its checklist is not yet through."""
        return self._break_pending

    def start(self) -> None:
        """Begin: the app's start counts as the start of the first interval."""
        self._on_timer()

    def stop(self) -> None:
        self._timer.stop()

    def wake(self) -> None:
        """Look at the schedule now (the machine just woke up), if it is running."""
        if self._timer.isActive():
            self._on_timer()

    def recheck(self) -> None:
        """Look again now (the desktop said something changed), if a reminder is held."""
        if self._schedule.state is ReminderState.HELD and self._timer.isActive():
            self._on_timer()

    # -- the user's answers (prompt, tray, main window) -------------------------

    def start_break(self) -> None:
        """Ask for the break. It is not taken yet: the reminder is only put off (as by
        a snooze, and re-shown as the same reminder) until :meth:`break_started`, so a
        cancelled checklist neither counts as started nor moves the next reminder."""
        self._break_pending = True
        self._break_answers_reminder = self._schedule.state is ReminderState.PROMPTING
        if self._break_answers_reminder:
            self._answer(None, self._schedule.snooze)
        self.startBreakRequested.emit(self._settings.reminder_routine_id)

    def break_started(self) -> None:
        """A session's player runs, asked for by a reminder or started from the library.

        That is the break: a reminder it answers (the one that asked for it, one showing
        meanwhile, or one put off while its checklist showed) counts as started, and a
        new interval begins. A session started from the library with no reminder about
        counts when it ends (:meth:`record_break`)."""
        asked, self._break_pending = self._break_pending, False
        held, self._held_for_session = self._held_for_session, False
        if asked:
            if self._break_answers_reminder or held:
                self._log("started")
            self._answer(None, self._schedule.record_break)
        elif held or self._schedule.state is ReminderState.PROMPTING:
            self._log("started")
            self._answer(None, self._schedule.record_break)

    def break_cancelled(self) -> None:
        """The session ended before its player: the reminder stays put off."""
        self._break_pending = False
        self._held_for_session = False

    def hold(self) -> None:
        """Put off a reminder due while a session's checklist shows: the session may yet
        be cancelled, and then the reminder comes back; if its player runs, it answers
        the reminder (:meth:`break_started`)."""
        self._held_for_session = True
        self._answer(None, self._schedule.snooze)

    def snooze(self) -> None:
        self._answer("snoozed", self._schedule.snooze)

    def skip(self) -> None:
        self._answer("skipped", self._schedule.skip)

    def pause_for(self, duration: timedelta) -> None:
        self._answer("skipped", lambda: self._schedule.pause_for(duration))

    def pause_until_tomorrow(self) -> None:
        self._answer("skipped", self._schedule.pause_until_tomorrow)

    def resume(self) -> None:
        self._answer(None, self._schedule.resume)

    def record_break(self) -> None:
        """A session ran (from anywhere): the interval starts again now."""
        self._break_pending = False
        self._answer(None, self._schedule.record_break)

    def minutes_since_break(self) -> int:
        """Whole minutes since the last break (a snooze does not restart the count)."""
        seconds = (self._wall() - self._schedule.last_break).total_seconds()
        return max(1, round(seconds / 60))

    def apply_settings(self, settings: Settings) -> None:
        self._settings = settings
        self._answer(None, lambda: self._schedule.set_config(
            ScheduleConfig.from_settings(settings), self._check_busy))

    # -- internals ----------------------------------------------------------------

    def _answer(
        self, kind: ReminderKind | None, action: Callable[[], list[ScheduleEvent]]
    ) -> None:
        held = self._schedule.state is ReminderState.HELD
        prompting = self._schedule.state is ReminderState.PROMPTING
        paused_before = self._schedule.paused_until
        events = action()
        if prompting and kind is not None:
            self._log(kind)
        self._handle(events, answered=True)
        if self._schedule.paused_until != paused_before:
            self.pausedUntilChanged.emit(self._schedule.paused_until)
        self._reschedule(held)

    def _on_timer(self) -> None:
        held = self._schedule.state is ReminderState.HELD
        events = self._schedule.tick(self._idle_seconds(), self._check_busy)
        self._handle(events, answered=False)
        self._reschedule(held)

    def _check_busy(self) -> BusyReason | None:
        try:
            return self._busy()
        except Exception:
            log.exception("the busy check failed; the reminder is shown")
            return None

    def _handle(self, events: list[ScheduleEvent], *, answered: bool) -> None:
        for event in events:
            if event is ScheduleEvent.DUE:
                if not self._schedule.showing_again:
                    self._log("shown")
                self.reminderDue.emit()
            elif event is ScheduleEvent.DEFERRED:
                reason = self._schedule.held_reason
                log.info("reminder held: %s", reason)
                self._log("deferred", str(reason) if reason else None)
            elif event is ScheduleEvent.WITHDRAWN:
                self.reminderWithdrawn.emit()
            elif event is ScheduleEvent.PAUSE_ENDED and not answered:
                self.pausedUntilChanged.emit(None)
            elif event is ScheduleEvent.BACK:
                log.info("back after an absence; next reminder one interval from now")

    def _log(self, kind: ReminderKind, reason: str | None = None) -> None:
        try:
            if reason is None:
                self._log_event(kind, self._wall())
            else:
                self._log_event(kind, self._wall(), reason)
        except Exception:
            log.exception("could not log the reminder event %r", kind)

    def _reschedule(self, held_before: bool = False) -> None:
        held = self._schedule.state is ReminderState.HELD
        if held != held_before:
            self.reminderHeld.emit(held)
        wait = self._schedule.next_wakeup()
        if wait is None:
            self._timer.stop()
        else:
            self._timer.start(max(1, math.ceil(wait * 1000)))
        self.refresh_status()

    def refresh_status(self) -> None:
        """Say what happens next again if it reads differently now (also after a
        language change)."""
        status = describe(self._schedule, self._wall())
        if status != self._status:
            self._status = status
            self.statusChanged.emit(status)
