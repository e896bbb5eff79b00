"""Which lines a session speaks and which tones it plays, for which engine events.

Pure and Qt-free: the session asks :func:`cue_for_event` what to play for each engine
event and hands the cue to its one :class:`CueOutput` (see :func:`route_event`).
:func:`lines_for_routine` lists every line a session may speak, so they can be
rendered while the checklist is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum, StrEnum
from typing import Protocol

import msgspec

from massage_timer.core.model.engine import (
    COUNTDOWN_MIN_SECONDS,
    HALFWAY_MIN_SECONDS,
    Event,
    FinalCountdown,
    Halfway,
    Jumped,
    PartLine,
    Paused,
    Phase,
    PhaseChanged,
    Release,
    SessionFinished,
    SessionStopped,
    Stroke,
    WorkEnded,
)
from massage_timer.core.model.routine import Routine, StepKind
from massage_timer.core.model.settings import Settings
from massage_timer.core.model.spoken import ENGLISH, Words

HALFWAY = ENGLISH.halfway
RELEASE = ENGLISH.release
CLOSING = ENGLISH.closing
PAUSED = ENGLISH.paused
COUNTDOWN = {n: ENGLISH.count(n) for n in (3, 2, 1)}
"""The English lines (a routine in English says these); see :mod:`.spoken`."""

TONE_WORK_START = "work-start"
TONE_WORK_END = "work-end"
TONE_REMINDER = "reminder"

class CueKind(StrEnum):
    SPEECH = "speech"
    TONE = "tone"


class Priority(IntEnum):
    """Higher cuts lower; a lower cue arriving while a higher one plays is dropped."""

    TONE = 0
    HALFWAY = 1
    STROKE = 2
    RELEASE = 3
    COUNTDOWN = 4
    SWITCH_SIDES = 5
    INSTRUCTION = 6


class Cue(msgspec.Struct, frozen=True):
    """One thing to play: a line of speech (``text`` is the line) or a tone (its name)."""

    kind: CueKind
    text: str
    priority: Priority


class CueOptions(msgspec.Struct, frozen=True):
    """The settings that decide what is heard."""

    voice_enabled: bool = True
    tones_enabled: bool = True
    count_aloud: bool = False
    halfway_cue: bool = False
    include_optional: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> CueOptions:
        return cls(
            voice_enabled=settings.voice_enabled,
            tones_enabled=settings.tones_enabled,
            count_aloud=settings.count_aloud,
            halfway_cue=settings.halfway_cue,
            include_optional=settings.include_optional_steps,
        )


class CueOutput(Protocol):
    """The session's one handle on sound: ``audio.playback.SessionSound``, or a fake.

    ``prepare`` gets lines ready ahead of time (speech renders while the checklist
    shows); ``play`` sounds a line or a tone now; ``silence`` cuts everything at once.
    """

    def prepare(self, lines: Sequence[str]) -> None: ...

    def play(self, cue: Cue) -> None: ...

    def silence(self) -> None: ...


def number_word(n: int) -> str:
    """A count as spoken for the repetitions left: digits, which the voice reads in its
    own language (so a count is never in another language than the routine)."""
    if not 0 <= n < 100:
        raise ValueError(f"no word for {n}")
    return ENGLISH.count(n)


def lines_for_routine(
    routine: Routine, options: CueOptions, words: Words = ENGLISH
) -> list[str]:
    """Every distinct line the session may speak, roughly in the order it is needed;
    ``words`` in the routine's language."""
    if not options.voice_enabled:
        return []
    lines: list[str] = []
    steps = routine.active_steps(options.include_optional)
    lines.extend(step.part_line(0, words) for step in steps[:1])
    holds = [s.work_seconds for s in steps if s.kind is StepKind.HOLD]
    if any(seconds >= COUNTDOWN_MIN_SECONDS for seconds in holds):
        lines.extend(words.count(n) for n in (3, 2, 1))
    lines.extend(step.part_line(i, words) for step in steps for i in range(1, len(step.parts)))
    if any(step.hold is not None for step in steps):
        lines.append(words.release)
    if options.halfway_cue and any(seconds >= HALFWAY_MIN_SECONDS for seconds in holds):
        lines.append(words.halfway)
    if options.count_aloud:
        max_reps = max((s.reps or 0 for s in steps if s.kind is StepKind.STROKES), default=0)
        lines.extend(words.count(n) for n in range(1, max_reps + 1))
    lines.extend(step.part_line(0, words) for step in steps[1:])
    lines.append(words.paused)
    lines.append(words.closing)
    return list(dict.fromkeys(lines))


def _speech(text: str, priority: Priority, options: CueOptions) -> Cue | None:
    return Cue(CueKind.SPEECH, text, priority) if options.voice_enabled else None


def _tone(name: str, options: CueOptions) -> Cue | None:
    return Cue(CueKind.TONE, name, Priority.TONE) if options.tones_enabled else None


def cue_for_event(event: Event, options: CueOptions, words: Words = ENGLISH) -> Cue | None:
    """The cue an engine event asks for, or None.

    The part's line is spoken just after it starts: the instruction, naming the side
    in a sided step, then "Now the right side." for the next side. Counts say what is
    left, the number on screen; a held repetition is not counted but ends with
    "Release." (a count would crowd it: the screen shows what is left). Tones mark the
    start and the end of every work phase, except the very last end, when the voice
    says the closing line instead (a tone would sit under it). Every line is in
    ``words``' language, the routine's (a part's line comes from the engine, alike).
    """
    match event:
        case PartLine(part_index=0, text=text):
            return _speech(text, Priority.INSTRUCTION, options)
        case PartLine(text=text):
            return _speech(text, Priority.SWITCH_SIDES, options)
        case FinalCountdown(number=number) if number in COUNTDOWN:
            return _speech(words.count(number), Priority.COUNTDOWN, options)
        case Stroke(held=False) as stroke if options.count_aloud and 0 < stroke.left < 100:
            return _speech(words.count(stroke.left), Priority.STROKE, options)
        case Release():
            return _speech(words.release, Priority.RELEASE, options)
        case Halfway() if options.halfway_cue:
            return _speech(words.halfway, Priority.HALFWAY, options)
        case SessionFinished():
            return _speech(words.closing, Priority.INSTRUCTION, options)
        case Paused():
            return _speech(words.paused, Priority.INSTRUCTION, options)
        case PhaseChanged(phase=Phase.WORK):
            return _tone(TONE_WORK_START, options)
        case WorkEnded(final=True) if options.voice_enabled:
            return None
        case WorkEnded():
            return _tone(TONE_WORK_END, options)
    return None


def route_event(
    event: Event, options: CueOptions, output: CueOutput, words: Words = ENGLISH
) -> None:
    """Hand ``event``'s cue to ``output``; a stop, a pause or a jump (Skip, Back)
    silences it (once) first. A pause then says "Paused." (nothing else sounds until
    the session resumes); after a jump the new part is heard from its start, where
    the old part's instruction had played on and its side's line was dropped."""
    if isinstance(event, SessionStopped | Paused | Jumped):
        output.silence()
    cue = cue_for_event(event, options, words)
    if cue is not None:
        output.play(cue)
