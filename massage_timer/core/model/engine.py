"""The session engine: plays a routine against an injected monotonic clock.

The routine is laid out once as a timeline of segments (get ready, work, rest) with
planned offsets from the session start. The engine never counts ticks: the position
in the timeline is ``clock() - origin``, where ``origin`` is the start moment shifted
by pauses, skips and steps back. Every event therefore falls due at
``origin + planned offset`` and the session cannot drift, however irregularly
:meth:`SessionEngine.update` is called. A Qt adapter calls ``update()`` at
:meth:`SessionEngine.next_deadline`; tests call it with a fake clock.

Commands (pause, resume, skip, back, stop) are accepted in every state; one that does
not apply is ignored and reported as :class:`CommandIgnored`, never raised.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import StrEnum

import msgspec

from massage_timer.core.model.routine import Routine, Side, Step, StepKind
from massage_timer.core.model.speech_timing import AS_WRITTEN, LINE_DELAY, SpeechTiming
from massage_timer.core.model.spoken import ENGLISH, Words

Clock = Callable[[], float]

DEFAULT_SUSPEND_THRESHOLD = 15.0
"""A gap between updates longer than this (seconds) means the machine was asleep."""

BACK_RESTARTS_AFTER = 3.0
"""Back within this many seconds of a part's start goes to the previous part."""

_DUE_SLACK = 1e-6
"""A mark counts as due this close to its moment: a fractional offset (a line's
delay) read back from a deadline does not always round-trip exactly."""

HALFWAY_MIN_SECONDS = 10.0
COUNTDOWN_MIN_SECONDS = 5.0


class Phase(StrEnum):
    PREPARE = "prepare"
    WORK = "work"
    REST = "rest"


class State(StrEnum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"


class PauseReason(StrEnum):
    USER = "user"
    SUSPEND = "suspend"


class Segment(msgspec.Struct, frozen=True):
    """One phase of one part (a step on one side) at a planned offset."""

    step_index: int
    part_index: int
    part_number: int
    side: Side | None
    phase: Phase
    start: float
    duration: float
    step: Step
    words: Words = ENGLISH
    """The session's own lines in the routine's language (from the plan's timing)."""

    @property
    def end(self) -> float:
        return self.start + self.duration

    @property
    def instruction(self) -> str:
        """The step's instruction as said for this side, in the routine's language
        only: what a display shows while the instruction is heard."""
        return self.step.spoken_instruction(self.side, self.words)


def build_plan(
    steps: tuple[Step, ...], timing: SpeechTiming = AS_WRITTEN
) -> tuple[Segment, ...]:
    """Lay the steps out as a timeline; zero-length phases are left out.

    A rest step is one rest phase (its instruction is spoken as it starts); other
    steps get ready, work and, when ``rest_after`` is set, rest, once per side. The
    get-ready times come from ``timing``, so that what is said fits in them.
    """
    segments: list[Segment] = []
    offset = 0.0
    part_number = 0
    for step_index, step in enumerate(steps):
        for part_index, side in enumerate(step.parts):
            if step.kind is StepKind.REST:
                phases = [(Phase.REST, step.work_seconds)]
            else:
                phases = [
                    (Phase.PREPARE, timing.part_prepare_seconds(step, part_index)),
                    (Phase.WORK, step.work_seconds),
                    (Phase.REST, step.rest_after),
                ]
            for phase, duration in phases:
                if duration <= 0:
                    continue
                segments.append(
                    Segment(
                        step_index, part_index, part_number, side, phase, offset, duration, step,
                        timing.words,
                    )
                )
                offset += duration
            part_number += 1
    return tuple(segments)


# Events. ``at`` is the monotonic moment the event was planned for (not when it was
# noticed), so listeners can measure their own lateness.


class Event(msgspec.Struct, frozen=True):
    at: float


class SessionStarted(Event, frozen=True):
    routine_id: str
    planned_seconds: float
    steps_total: int
    parts_total: int


class StepStarted(Event, frozen=True):
    step_index: int
    part_index: int
    part_number: int
    side: Side | None
    step: Step


class SwitchSides(Event, frozen=True):
    step_index: int
    side: Side


class PartLine(Event, frozen=True):
    """The line said as a part starts (``Step.part_line``) is due: :data:`LINE_DELAY`
    after the part starts, so that it follows the tone that ended the work before."""

    step_index: int
    part_index: int
    side: Side | None
    text: str


class PhaseChanged(Event, frozen=True):
    phase: Phase
    step_index: int
    part_index: int
    side: Side | None
    duration: float
    step: Step


class Tick(Event, frozen=True):
    remaining: int
    phase: Phase


class Halfway(Event, frozen=True):
    step_index: int
    side: Side | None


class FinalCountdown(Event, frozen=True):
    number: int


class Stroke(Event, frozen=True):
    """A repetition begins; due :data:`LINE_DELAY` after its moment, so that a count
    said for it never sits on the start tone."""

    number: int
    total: int
    held: bool = False
    """The repetition is held and ends with "Release." (``Step.hold``)."""

    @property
    def left(self) -> int:
        """Repetitions left, this one included: the number the player shows now."""
        return self.total - self.number + 1


class Release(Event, frozen=True):
    """The hold of a repetition (``Step.hold``) is over: time to let go."""

    number: int
    total: int


class WorkEnded(Event, frozen=True):
    step_index: int
    part_index: int
    side: Side | None
    final: bool = False
    """The last phase of the session: the closing line follows at once."""


class StepDone(Event, frozen=True):
    step_index: int
    steps_completed: int


class Paused(Event, frozen=True):
    reason: PauseReason


class Resumed(Event, frozen=True):
    pass


class Jumped(Event, frozen=True):
    """Skip or back moved the session to the start of another part."""

    command: str
    part_number: int


class SessionFinished(Event, frozen=True):
    active_seconds: float
    steps_completed: int
    steps_total: int


class SessionStopped(Event, frozen=True):
    active_seconds: float
    steps_completed: int
    steps_total: int


class CommandIgnored(Event, frozen=True):
    command: str
    reason: str


class Status(msgspec.Struct, frozen=True):
    """What a display needs at one moment; derived, never stored."""

    state: State
    segment: Segment | None
    remaining: float
    position: float
    planned_seconds: float
    strokes_left: int | None
    active_seconds: float
    steps_completed: int
    next_segment: Segment | None


Listener = Callable[[Event], None]


class _Mark(msgspec.Struct, frozen=True):
    offset: float
    make: Callable[[float], Event]


class SessionEngine:
    """Plays ``routine`` against ``clock``; see the module docstring.

    ``update()`` and every command return the events they produced and also hand
    each one to the subscribed listeners, in order.
    """

    def __init__(
        self,
        routine: Routine,
        clock: Clock,
        *,
        include_optional: bool = True,
        suspend_threshold: float = DEFAULT_SUSPEND_THRESHOLD,
        timing: SpeechTiming = AS_WRITTEN,
    ) -> None:
        self.routine = routine
        self.steps = routine.active_steps(include_optional)
        self.state = State.READY
        self.replan(timing)
        self._clock = clock
        self._suspend_threshold = suspend_threshold
        self._listeners: list[Listener] = []
        self._origin = 0.0
        self._cursor = 0.0
        self._last_update = 0.0
        self._seg = 0
        self._mark = 0
        self._marks: list[_Mark] = []
        self._active = 0.0
        self._run_since = 0.0
        self._done_steps: set[int] = set()
        self.pause_reason: PauseReason | None = None

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def replan(self, timing: SpeechTiming) -> None:
        """Lay the timeline out with ``timing``'s get-ready times; only before the start.

        A session is built while its lines are still rendering and planned again from
        their real lengths as it starts (see ``core.model.speech_timing``).
        """
        if self.state is not State.READY:
            raise RuntimeError(f"the session is {self.state.value}; it cannot be replanned")
        self.plan = build_plan(self.steps, timing)
        self.words = timing.words
        """The session's own lines in the routine's language (from ``timing``)."""
        if not self.plan:
            raise ValueError(f"routine '{self.routine.id}' has no steps to play")
        self.planned_seconds = self.plan[-1].end
        self.parts_total = self.plan[-1].part_number + 1
        self._part_starts = self._first_segments()

    # Commands

    def start(self) -> list[Event]:
        if self.state is not State.READY:
            return self._ignored("start", f"the session is {self.state.value}")
        now = self._clock()
        self.state = State.RUNNING
        self._origin = now
        self._run_since = now
        self._last_update = now
        self._enter_segment(0)
        events: list[Event] = [
            SessionStarted(
                now, self.routine.id, self.planned_seconds, len(self.steps), self.parts_total
            )
        ]
        events += self._advance(0.0)
        return self._emit(events)

    def pause(self) -> list[Event]:
        if self.state is not State.RUNNING:
            return self._ignored("pause", f"the session is {self.state.value}")
        now = self._clock()
        events = self._catch_up(now)
        if not self._in(State.RUNNING):
            return self._emit(events)
        self._freeze(now, now - self._origin)
        self.pause_reason = PauseReason.USER
        events.append(Paused(now, PauseReason.USER))
        return self._emit(events)

    def resume(self) -> list[Event]:
        if self.state is not State.PAUSED:
            return self._ignored("resume", f"the session is {self.state.value}")
        now = self._clock()
        self.state = State.RUNNING
        self.pause_reason = None
        self._origin = now - self._cursor
        self._run_since = now
        self._last_update = now
        return self._emit([Resumed(now)])

    def toggle_pause(self) -> list[Event]:
        return self.resume() if self.state is State.PAUSED else self.pause()

    def skip(self) -> list[Event]:
        if self.state not in (State.RUNNING, State.PAUSED):
            return self._ignored("skip", f"the session is {self.state.value}")
        now = self._clock()
        events = self._catch_up(now)
        if not self._in(State.RUNNING, State.PAUSED):
            return self._emit(events)
        events += self._work_behind(now)
        target = self.plan[self._seg].part_number + 1
        if target >= self.parts_total:
            return self._emit(events + self._finish(now))
        return self._emit(events + self._jump("skip", target, now))

    def back(self) -> list[Event]:
        if self.state not in (State.RUNNING, State.PAUSED):
            return self._ignored("back", f"the session is {self.state.value}")
        now = self._clock()
        events = self._catch_up(now)
        if not self._in(State.RUNNING, State.PAUSED):
            return self._emit(events)
        part = self.plan[self._seg].part_number
        into_part = self._cursor - self.plan[self._part_starts[part]].start
        target = part if into_part > BACK_RESTARTS_AFTER or part == 0 else part - 1
        return self._emit(events + self._jump("back", target, now))

    def stop(self) -> list[Event]:
        if self.state in (State.FINISHED, State.STOPPED):
            return self._ignored("stop", f"the session is already {self.state.value}")
        now = self._clock()
        # As the other commands do: what fell due is done (a step that ended, the end
        # itself), and a gap the process slept through is not active time.
        events = self._catch_up(now)
        if self._in(State.FINISHED):
            return self._emit(events)
        if self.state is State.RUNNING:
            self._active += now - self._run_since
        self.state = State.STOPPED
        events.append(SessionStopped(now, self._active, len(self._done_steps),
                                     len(self.steps)))
        return self._emit(events)

    def update(self) -> list[Event]:
        """Catch up with the clock: emit every event that has fallen due."""
        if self.state is not State.RUNNING:
            return []
        return self._emit(self._catch_up(self._clock()))

    # Queries

    def next_deadline(self) -> float | None:
        """Monotonic time of the next event, for a single-shot timer."""
        if self.state is not State.RUNNING:
            return None
        seg = self.plan[self._seg]
        if self._mark < len(self._marks):
            return self._origin + seg.start + self._marks[self._mark].offset
        return self._origin + seg.end

    def status(self) -> Status:
        now = self._clock()
        position = now - self._origin if self.state is State.RUNNING else self._cursor
        seg: Segment | None = None
        nxt: Segment | None = None
        remaining = 0.0
        strokes_left: int | None = None
        active = self._active
        if self.state is State.RUNNING:
            active += now - self._run_since
        if self.state in (State.RUNNING, State.PAUSED, State.READY):
            seg = self.plan[self._seg]
            position = min(max(position, seg.start), seg.end)
            remaining = seg.end - position
            nxt = self._next_part_segment()
            if seg.phase is Phase.WORK and seg.step.kind is StepKind.STROKES:
                assert seg.step.cadence is not None and seg.step.reps is not None
                done = math.floor((position - seg.start) / seg.step.cadence + 1e-9)
                strokes_left = max(seg.step.reps - done, 0)
        return Status(
            self.state,
            seg,
            remaining,
            position,
            self.planned_seconds,
            strokes_left,
            active,
            len(self._done_steps),
            nxt,
        )

    @property
    def active_seconds(self) -> float:
        return self.status().active_seconds

    @property
    def steps_completed(self) -> int:
        return len(self._done_steps)

    # Internals

    def _in(self, *states: State) -> bool:
        """State check that type checkers do not narrow across calls that change it."""
        return self.state in states

    def _first_segments(self) -> list[int]:
        starts: list[int] = []
        for i, seg in enumerate(self.plan):
            if seg.part_number == len(starts):
                starts.append(i)
        return starts

    def _next_part_segment(self) -> Segment | None:
        part = self.plan[self._seg].part_number + 1
        return self.plan[self._part_starts[part]] if part < self.parts_total else None

    def _emit(self, events: list[Event]) -> list[Event]:
        for event in events:
            for listener in list(self._listeners):
                listener(event)
        return events

    def _ignored(self, command: str, reason: str) -> list[Event]:
        return self._emit([CommandIgnored(self._clock(), command, reason)])

    def _freeze(self, now: float, position: float) -> None:
        self._active += now - self._run_since
        self._cursor = position
        self.state = State.PAUSED

    def _catch_up(self, now: float) -> list[Event]:
        if self.state is not State.RUNNING:
            return []
        if now - self._last_update > self._suspend_threshold:
            # Asleep: hold the session where it was when we last looked.
            self._freeze(self._last_update, self._cursor)
            self.pause_reason = PauseReason.SUSPEND
            return [Paused(self._last_update, PauseReason.SUSPEND)]
        self._last_update = now
        return self._advance(now - self._origin)

    def _enter_segment(self, index: int) -> None:
        self._seg = index
        self._mark = 0
        self._marks = self._marks_for(index)

    def _advance(self, position: float) -> list[Event]:
        events: list[Event] = []
        while True:
            seg = self.plan[self._seg]
            while (
                self._mark < len(self._marks)
                and seg.start + self._marks[self._mark].offset <= position + _DUE_SLACK
            ):
                mark = self._marks[self._mark]
                events.append(mark.make(self._origin + seg.start + mark.offset))
                self._mark += 1
            if position < seg.end:
                break
            at = self._origin + seg.end
            events += self._segment_end(seg, at)
            if self._seg + 1 >= len(self.plan):
                events += self._finish(at)
                break
            self._enter_segment(self._seg + 1)
        self._cursor = min(position, self.planned_seconds)
        return events

    def _segment_end(self, seg: Segment, at: float) -> list[Event]:
        events: list[Event] = []
        if seg.phase is Phase.WORK:
            final = self._seg + 1 >= len(self.plan)
            events.append(WorkEnded(at, seg.step_index, seg.part_index, seg.side, final))
        last_of_step = self._seg + 1 >= len(self.plan) or (
            self.plan[self._seg + 1].step_index != seg.step_index
        )
        if last_of_step and seg.step_index not in self._done_steps:
            self._done_steps.add(seg.step_index)
            events.append(StepDone(at, seg.step_index, len(self._done_steps)))
        return events

    def _work_behind(self, now: float) -> list[Event]:
        """Skipped in its last rest, a step whose work is all done counts as done (it
        would only at the end of that rest: skipping every rest ended a session
        "complete" with none of its steps done)."""
        seg = self.plan[self._seg]
        step = seg.step_index
        work = [i for i, s in enumerate(self.plan) if s.step_index == step
                and s.phase is Phase.WORK]
        if step in self._done_steps or not work or work[-1] >= self._seg:
            return []
        self._done_steps.add(step)
        return [StepDone(now, step, len(self._done_steps))]

    def _finish(self, at: float) -> list[Event]:
        if self.state is State.RUNNING:
            self._active += at - self._run_since
        self.state = State.FINISHED
        self._cursor = self.planned_seconds
        return [SessionFinished(at, self._active, len(self._done_steps), len(self.steps))]

    def _jump(self, command: str, part_number: int, now: float) -> list[Event]:
        index = self._part_starts[part_number]
        target = self.plan[index].start
        self._enter_segment(index)
        events: list[Event] = [Jumped(now, command, part_number)]
        if self.state is State.RUNNING:
            self._origin = now - target
            self._last_update = now
            events += self._advance(target)
        else:
            self._cursor = target
        return events

    def _marks_for(self, index: int) -> list[_Mark]:
        seg = self.plan[index]
        marks: list[_Mark] = []
        first_of_part = index == self._part_starts[seg.part_number]
        if first_of_part:
            marks.append(
                _Mark(
                    0.0,
                    lambda at: StepStarted(
                        at, seg.step_index, seg.part_index, seg.part_number, seg.side, seg.step
                    ),
                )
            )
            if seg.part_index > 0 and seg.side is not None:
                side = seg.side
                marks.append(_Mark(0.0, lambda at: SwitchSides(at, seg.step_index, side)))
        marks.append(
            _Mark(
                0.0,
                lambda at: PhaseChanged(
                    at, seg.phase, seg.step_index, seg.part_index, seg.side, seg.duration, seg.step
                ),
            )
        )
        timed: list[_Mark] = []
        if first_of_part:
            text = seg.step.part_line(seg.part_index, self.words)
            timed.append(
                _Mark(
                    min(LINE_DELAY, seg.duration),
                    lambda at: PartLine(at, seg.step_index, seg.part_index, seg.side, text),
                )
            )
        whole = math.ceil(seg.duration - 1e-9)
        for n in range(whole, 0, -1):
            timed.append(_Mark(max(seg.duration - n, 0.0), _tick(n, seg.phase)))
        if seg.phase is Phase.WORK:
            step = seg.step
            if step.kind is StepKind.STROKES:
                assert step.reps is not None and step.cadence is not None
                for k in range(step.reps):
                    begin = k * step.cadence
                    held = step.hold is not None
                    timed.append(_Mark(begin + LINE_DELAY, _stroke(k + 1, step.reps, held)))
                    if step.hold is not None:
                        timed.append(_Mark(begin + step.hold, _release(k + 1, step.reps)))
            else:
                if seg.duration >= HALFWAY_MIN_SECONDS:
                    timed.append(
                        _Mark(seg.duration / 2, lambda at: Halfway(at, seg.step_index, seg.side))
                    )
                if seg.duration >= COUNTDOWN_MIN_SECONDS:
                    for n in (3, 2, 1):
                        timed.append(_Mark(seg.duration - n, _countdown(n)))
        timed.sort(key=lambda m: m.offset)
        return marks + timed


def _tick(n: int, phase: Phase) -> Callable[[float], Event]:
    return lambda at: Tick(at, n, phase)


def _stroke(n: int, total: int, held: bool) -> Callable[[float], Event]:
    return lambda at: Stroke(at, n, total, held)


def _release(n: int, total: int) -> Callable[[float], Event]:
    return lambda at: Release(at, n, total)


def _countdown(n: int) -> Callable[[float], Event]:
    return lambda at: FinalCountdown(at, n)
