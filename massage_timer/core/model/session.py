"""One guided session, without Qt: the engine, its sounds and its record together.

:class:`Session` owns a :class:`SessionEngine`, hands each event's cue to one
:class:`~massage_timer.core.model.cues.CueOutput` and writes the session through a
:class:`SessionLog` (the history store satisfies it) as it runs: a row when it
starts, an update at every finished step, the outcome at the end. A crash therefore
loses at most the step in progress, and the next open of the history reads the
abandoned row as interrupted.

Every place that talks about how a session ended uses :class:`Outcome`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Protocol

import msgspec

from massage_timer.core.model.cues import CueOptions, CueOutput, lines_for_routine, route_event
from massage_timer.core.model.engine import (
    Clock,
    Event,
    SessionEngine,
    SessionFinished,
    SessionStopped,
    State,
    Status,
    StepDone,
    StepStarted,
)
from massage_timer.core.model.language import pgettext
from massage_timer.core.model.routine import Routine
from massage_timer.core.model.short_check import ChecklistKind
from massage_timer.core.model.speech_timing import AS_WRITTEN, SpeechTiming

log = logging.getLogger(__name__)

WallClock = Callable[[], datetime]
Listener = Callable[[Event], None]


class Outcome(StrEnum):
    """How a session ended; the first four are the values stored in the history."""

    RUNNING = "running"
    COMPLETED = "completed"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"
    BLOCKED = "blocked"
    """A red flag on the checklist: no player, nothing recorded."""
    CANCELLED = "cancelled"
    """The checklist was closed: no player, nothing recorded."""

    @property
    def label(self) -> str:
        """How the session ended, in the current language (the value stays stored)."""
        match self:
            case Outcome.RUNNING:
                # TRANSLATORS: a session's outcome, shown in the history.
                return pgettext("outcome", "Running")
            case Outcome.COMPLETED:
                return pgettext("outcome", "Completed")
            case Outcome.STOPPED:
                return pgettext("outcome", "Stopped")
            case Outcome.INTERRUPTED:
                # TRANSLATORS: a session's outcome: the app closed or crashed mid-session.
                return pgettext("outcome", "Interrupted")
            case Outcome.BLOCKED:
                # TRANSLATORS: a session's outcome: the safety checklist said not today.
                return pgettext("outcome", "Not started (checklist)")
        return pgettext("outcome", "Cancelled")

    @property
    def stored(self) -> bool:
        """True for the values the history's ``outcome`` column can hold."""
        return self in _STORED

    @property
    def played(self) -> bool:
        """True when the player ran and ended here (completed or stopped): a break taken."""
        return self in _PLAYED


_STORED = frozenset({Outcome.RUNNING, Outcome.COMPLETED, Outcome.STOPPED, Outcome.INTERRUPTED})
_PLAYED = frozenset({Outcome.COMPLETED, Outcome.STOPPED})


class SessionStart(msgspec.Struct, frozen=True):
    """What the player knows when a session starts (all times UTC-aware)."""

    routine_id: str
    routine_title: str
    routine_version: str | None
    content_hash: str | None
    planned_seconds: float
    steps_total: int
    checklist_version: str | None
    checklist_confirmed_at: datetime | None
    pain_before: int | None
    started_at: datetime
    checklist_kind: ChecklistKind | None = None


class Preamble(msgspec.Struct, frozen=True):
    """What the person answered before the player: the checklist and the pain rating."""

    pain_before: int | None = None
    checklist_version: str | None = None
    checklist_confirmed_at: datetime | None = None
    checklist_kind: ChecklistKind | None = None
    """Whether the checklist was confirmed in full or by the short check."""


NO_PREAMBLE = Preamble()


class SessionLog(Protocol):
    """Where a session is recorded as it runs (``HistoryStore``, or a fake)."""

    def start_session(self, start: SessionStart) -> int: ...

    def step_completed(
        self, session_id: int, steps_completed: int, current_step: int, active_seconds: float
    ) -> None: ...

    def finish_session(  # noqa: PLR0917 (mirrors HistoryStore.finish_session)
        self,
        session_id: int,
        outcome: Outcome,
        ended_at: datetime,
        active_seconds: float,
        steps_completed: int,
        pain_after: int | None = None,
        note: str | None = None,
    ) -> None: ...

    def set_pain_after(
        self, session_id: int, pain_after: int | None, note: str | None
    ) -> None: ...


_LIVE = (State.READY, State.RUNNING, State.PAUSED)


class Session:
    """Plays ``routine`` against ``clock``, sounding and recording it as it goes.

    Each engine event goes to the sound first (a cue must not wait for the disk),
    then to the record, then to the listeners (the display), so a listener that sees
    the end already finds the outcome recorded. A stop or a pause silences the
    output once, through the event the engine emits for it.
    """

    def __init__(
        self,
        routine: Routine,
        log: SessionLog,
        output: CueOutput,
        *,
        options: CueOptions,
        clock: Clock,
        wall_clock: WallClock,
        content_hash: str | None = None,
        timing: SpeechTiming = AS_WRITTEN,
    ) -> None:
        self.routine = routine
        self.options = options
        self._timing = timing
        self.engine = SessionEngine(
            routine, clock, include_optional=options.include_optional, timing=timing
        )
        self._log = log
        self._output = output
        self._wall = wall_clock
        self._content_hash = content_hash
        self._listeners: list[Listener] = []
        self.session_id: int | None = None
        self.outcome: Outcome | None = None
        """None before :meth:`start`, RUNNING while it plays, then how it ended."""
        self.ended: SessionFinished | SessionStopped | None = None
        self._written: tuple[int, int, float] = (0, 0, 0.0)  # as start_session writes it
        self.engine.subscribe(self._on_engine_event)

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` with every engine event, after its sound and record."""
        self._listeners.append(listener)

    def lines(self) -> list[str]:
        """Every line this session may speak, in about the order it needs them."""
        return lines_for_routine(self.routine, self.options, self.engine.words)

    def prepare(self) -> None:
        """Ask the output to get every line ready (called while the checklist shows)."""
        self._output.prepare(self.lines())

    # Commands

    def start(self, preamble: Preamble = NO_PREAMBLE) -> list[Event]:
        """Write the session's row, then start the engine (so step 1 is never lost)."""
        if self.outcome is not None:
            return self.engine.start()  # reported as ignored by the engine
        routine, engine = self.routine, self.engine
        # Planned again now: the lines rendered while the checklist showed, and the
        # get-ready times follow their real lengths (``timing``).
        engine.replan(self._timing)
        self.session_id = self._log.start_session(
            SessionStart(
                routine_id=routine.id,
                routine_title=routine.title,
                routine_version=routine.version,
                content_hash=self._content_hash,
                planned_seconds=engine.planned_seconds,
                steps_total=len(engine.steps),
                checklist_version=preamble.checklist_version,
                checklist_confirmed_at=preamble.checklist_confirmed_at,
                pain_before=preamble.pain_before,
                started_at=self._wall(),
                checklist_kind=preamble.checklist_kind,
            )
        )
        self.outcome = Outcome.RUNNING
        return engine.start()

    def toggle_pause(self) -> list[Event]:
        return self.engine.toggle_pause()

    def skip(self) -> list[Event]:
        return self.engine.skip()

    def back(self) -> list[Event]:
        return self.engine.back()

    def stop(self) -> list[Event]:
        """End now: silence first (once), then record the stop.

        After the end it only silences (the closing line may still be playing).
        """
        if self.engine.state not in _LIVE:
            self._output.silence()
            return []
        return self.engine.stop()

    def update(self) -> list[Event]:
        """Catch up with the clock (the Qt adapter calls this at each deadline)."""
        return self.engine.update()

    def set_pain_after(self, pain_after: int | None, note: str | None) -> None:
        """Record what the summary asked, when the person answered anything."""
        if self.session_id is not None and (pain_after is not None or note):
            self._log.set_pain_after(self.session_id, pain_after, note)

    # Queries

    @property
    def state(self) -> State:
        return self.engine.state

    def next_deadline(self) -> float | None:
        return self.engine.next_deadline()

    def status(self) -> Status:
        return self.engine.status()

    # Internals

    def _on_engine_event(self, event: Event) -> None:
        try:
            route_event(event, self.options, self._output, self.engine.words)
        except Exception:
            # The sound is a collaborator outside the session's control (a device, a
            # server, Qt's objects): a failure there costs that cue, never the record,
            # the listeners or the clock that runs the rest of the session.
            log.exception("the sound output failed on %s; the session goes on",
                          type(event).__name__)
        self._record(event)
        for listener in list(self._listeners):
            listener(event)

    def _progress(self, steps_completed: int, current_step: int) -> None:
        """Write where the session is, unless the row says so already (a step's end and
        the next one's start come at the same moment)."""
        progress = (steps_completed, current_step, round(self.engine.active_seconds, 3))
        if self.session_id is None or progress == self._written:
            return
        self._written = progress
        self._log.step_completed(self.session_id, steps_completed, current_step,
                                 self.engine.active_seconds)

    def _record(self, event: Event) -> None:
        sid = self.session_id
        if isinstance(event, StepDone):
            self._progress(event.steps_completed, event.step_index + 1)
        elif isinstance(event, StepStarted):
            # Where the session is, whenever a part starts: after Skip or Back (which
            # complete no step, or not again), a crash lost all since the last step done
            # and told of a step the person had left.
            self._progress(self.engine.steps_completed, event.step_index)
        elif isinstance(event, SessionFinished | SessionStopped):
            if self.ended is not None:
                return
            outcome = (
                Outcome.COMPLETED if isinstance(event, SessionFinished) else Outcome.STOPPED
            )
            self.ended = event
            self.outcome = outcome
            if sid is not None:
                self._log.finish_session(
                    sid, outcome, self._wall(), event.active_seconds, event.steps_completed
                )
