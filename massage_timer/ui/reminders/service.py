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
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QObject, Qt, QTimer, QTimeZone, Signal

from massage_timer.core.model.schedule import (
    ReminderSchedule,
    ReminderState,
    ScheduleConfig,
    ScheduleEvent,
)
from massage_timer.core.model.settings import Settings
from massage_timer.core.storage.history.store import ReminderKind

log = logging.getLogger("massage_timer.reminders")

LogEvent = Callable[[ReminderKind, datetime], None]


def local_zone() -> tzinfo:
    """The desktop's time zone with its daylight-saving rules (fixed offset as a fallback)."""
    zone_id = bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")
    try:
        return ZoneInfo(zone_id)
    except (ZoneInfoNotFoundError, ValueError):
        fallback = datetime.now().astimezone().tzinfo
        assert fallback is not None
        return fallback


def _wall_now() -> datetime:
    return datetime.now().astimezone()


def describe(schedule: ReminderSchedule, now: datetime) -> str:
    """One line for the tray menu and the main window: what happens next."""
    state = schedule.state
    if state is ReminderState.DISABLED:
        return "Reminders are off"
    if state is ReminderState.PROMPTING:
        return "Reminder showing now"
    if state is ReminderState.AWAY:
        return "Next reminder: an interval after you are back"
    at = schedule.next_reminder_at()
    if state is ReminderState.PAUSED and schedule.paused_until is not None:
        until = schedule.paused_until.astimezone(at.tzinfo if at else now.tzinfo)
        return f"Reminders paused until {_when(until, now)}"
    if at is None:
        return "No reminder planned (no active hours)"
    return f"Next reminder at {_when(at, now)}"


def _when(moment: datetime, now: datetime) -> str:
    local_now = now.astimezone(moment.tzinfo)
    days = (moment.date() - local_now.date()).days
    clock = moment.strftime("%H:%M")
    if days == 0:
        return clock
    if days == 1:
        return f"{clock} tomorrow"
    return f"{clock} on {moment.strftime('%A')}"


class ReminderController(QObject):
    """Owns the schedule and its single-shot timer.

    Signals:
        reminderDue(): show the prompt (and play the tone or line if the settings say).
        reminderWithdrawn(): hide the prompt; the reminder is over.
        startBreakRequested(str): start this routine id (the safety checklist first).
        statusChanged(str): the "Next reminder at HH:MM" line changed.
        pausedUntilChanged(object): ``datetime | None`` to persist as ``paused_until``.
    """

    reminderDue = Signal()
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
        monotonic: Callable[[], float] = _time.monotonic,
        wall: Callable[[], datetime] = _wall_now,
        tz: tzinfo | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._log_event = log_event
        self._idle_seconds = idle_seconds
        self._wall = wall
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

    def start(self) -> None:
        """Begin: the app's start counts as the start of the first interval."""
        self._on_timer()

    def stop(self) -> None:
        self._timer.stop()

    # -- the user's answers (prompt, tray, main window) -------------------------

    def start_break(self) -> None:
        self._answer("started", self._schedule.record_break)
        self.startBreakRequested.emit(self._settings.reminder_routine_id)

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
        self._answer(None, self._schedule.record_break)

    def minutes_since_break(self) -> int:
        """Whole minutes since the last break (a snooze does not restart the count)."""
        seconds = (self._wall() - self._schedule.last_break).total_seconds()
        return max(1, round(seconds / 60))

    def apply_settings(self, settings: Settings) -> None:
        self._settings = settings
        self._answer(None, lambda: self._schedule.set_config(
            ScheduleConfig.from_settings(settings)))

    # -- internals ----------------------------------------------------------------

    def _answer(
        self, kind: ReminderKind | None, action: Callable[[], list[ScheduleEvent]]
    ) -> None:
        prompting = self._schedule.state is ReminderState.PROMPTING
        paused_before = self._schedule.paused_until
        events = action()
        if prompting and kind is not None:
            self._log(kind)
        self._handle(events, answered=True)
        if self._schedule.paused_until != paused_before:
            self.pausedUntilChanged.emit(self._schedule.paused_until)
        self._reschedule()

    def _on_timer(self) -> None:
        events = self._schedule.tick(self._idle_seconds())
        self._handle(events, answered=False)
        self._reschedule()

    def _handle(self, events: list[ScheduleEvent], *, answered: bool) -> None:
        for event in events:
            if event is ScheduleEvent.DUE:
                self._log("shown")
                self.reminderDue.emit()
            elif event is ScheduleEvent.WITHDRAWN:
                self.reminderWithdrawn.emit()
            elif event is ScheduleEvent.PAUSE_ENDED and not answered:
                self.pausedUntilChanged.emit(None)
            elif event is ScheduleEvent.BACK:
                log.info("back after an absence; next reminder one interval from now")

    def _log(self, kind: ReminderKind) -> None:
        try:
            self._log_event(kind, self._wall())
        except Exception:
            log.exception("could not log the reminder event %r", kind)

    def _reschedule(self) -> None:
        wait = self._schedule.next_wakeup()
        if wait is None:
            self._timer.stop()
        else:
            self._timer.start(max(1, math.ceil(wait * 1000)))
        status = describe(self._schedule, self._wall())
        if status != self._status:
            self._status = status
            self.statusChanged.emit(status)
