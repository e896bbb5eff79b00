"""A guided routine and its steps, and the rules a routine file must follow.

Routine and Step are frozen msgspec Structs: one definition serves the app, the
checking of a file (:func:`validate_routine`, in C, with every bound written here as
``Annotated[..., Meta(...)]``) and the JSON Schema. Unknown keys are errors (a typo
must not become a silent default), and every value is bounded so that a bad or
hostile file stays harmless: at most 60 minutes in all, steps of 1-600 s, 1-50
strokes, short strings, region ids that are names not paths. The rules that tie
fields together are in ``__post_init__``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Literal

from msgspec import Meta, Struct

from massage_timer.core.model import regions
from massage_timer.core.model.speech_timing import AS_WRITTEN, SpeechTiming, switch_line
from massage_timer.core.model.validation import convert

MAX_ROUTINE_SECONDS = 60 * 60
MAX_STEP_SECONDS = 600
MAX_REPS = 50
DEFAULT_SWITCH_SECONDS = 5.0
MAX_FILE_BYTES = 256 * 1024


class Position(StrEnum):
    SEATED = "seated"
    STANDING = "standing"
    SEATED_OR_STANDING = "seated or standing"
    LYING = "lying"
    PARTNER = "with partner"


class Equipment(StrEnum):
    NONE = "none"
    TENNIS_BALL = "tennis ball"
    TWO_BALLS_IN_A_SOCK = "two balls in a sock"
    TOWEL = "towel"
    WARM_COMPRESS = "warm compress"
    MASSAGE_OIL = "massage oil"
    CHAIR = "chair"
    WALL = "wall"


class Pressure(StrEnum):
    LIGHT = "light"
    MODERATE = "moderate"
    FIRM = "firm"


class StrokeUnit(StrEnum):
    """What one repetition of a strokes step is called, on screen ("6 turns left")."""

    STROKES = "strokes"
    TURNS = "turns"
    TUCKS = "tucks"
    SQUEEZES = "squeezes"
    CIRCLES = "circles"
    ROLLS = "rolls"

    def word(self, count: int) -> str:
        """The unit for ``count`` repetitions: "turn" for one, "turns" otherwise."""
        return self.value[:-1] if count == 1 else self.value


SIDE_PLACEHOLDER = "{side}"
"""Where a sided step's instruction names the side being worked ("left" or "right")."""
PLACEHOLDERS = frozenset({"side"})
_BRACE = re.compile(r"[{}]")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class StepKind(StrEnum):
    HOLD = "hold"
    STROKES = "strokes"
    REST = "rest"


Side = Literal["left", "right"]

Slug = Annotated[str, Meta(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=2, max_length=64)]
ShortText = Annotated[str, Meta(min_length=1, max_length=80)]
Sentence = Annotated[str, Meta(min_length=1, max_length=400)]
Paragraph = Annotated[str, Meta(min_length=1, max_length=1200)]
RegionId = Annotated[str, Meta(pattern=r"^[a-z][a-z-]{1,39}$", min_length=2, max_length=40)]
SourceName = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.-]{1,80}$", min_length=1, max_length=80)]
VersionText = Annotated[str, Meta(pattern=r"^\d+(\.\d+){0,2}$", max_length=20)]

StepId = Annotated[
    Slug,
    Meta(description="A stable name for the step (a slug): translations key steps by it."),
]
Instruction = Annotated[
    Sentence,
    Meta(
        description="Spoken during the get-ready phase. In a sided step, {side} is said "
        "as the side being worked (left or right); without it the side is added."
    ),
]
Cue = Annotated[ShortText, Meta(description="Short on-screen text during the work phase.")]
OptionalFlag = Annotated[bool, Meta(description="Can be left out in the settings.")]
StepKindField = Annotated[
    StepKind,
    Meta(
        description="hold: sustained pressure or stretch; strokes: "
        "counted repetitions; rest: a pause"
    ),
]
StepSeconds = Annotated[
    float,
    Meta(ge=1, le=MAX_STEP_SECONDS, description="Length of a hold or rest (per side), in seconds."),
]
Reps = Annotated[int, Meta(ge=1, le=MAX_REPS, description="Number of strokes (per side).")]
Cadence = Annotated[float, Meta(ge=1, le=30, description="Seconds per stroke.")]
Sides = Annotated[
    tuple[Side, ...],
    Meta(max_length=2, description='e.g. ["left", "right"]; empty for both at once'),
]
StepRegions = Annotated[tuple[RegionId, ...], Meta(max_length=12)]
PrepareSeconds = Annotated[
    float,
    Meta(
        ge=0,
        le=60,
        description="Seconds to hear the instruction and get into position; by default "
        "long enough to speak the instruction at the voice rate, plus two seconds. A "
        "value the spoken instruction does not fit in is extended the same way.",
    ),
]
SwitchSeconds = Annotated[
    float,
    Meta(
        ge=0,
        le=60,
        description='Seconds to hear "switch sides" and change position before each '
        "later side.",
    ),
]
RestSeconds = Annotated[
    float,
    Meta(ge=0, le=MAX_STEP_SECONDS, description="Seconds of rest after the work phase (per side)."),
]
HoldEach = Annotated[
    float,
    Meta(
        ge=1,
        le=29,
        description='Strokes steps: seconds each repetition is held before "Release" is '
        "said; at least one second less than cadence.",
    ),
]
UnitField = Annotated[
    StrokeUnit, Meta(description='Strokes steps: what a repetition is called ("turns").')
]
EquipmentList = Annotated[tuple[Equipment, ...], Meta(max_length=8)]
Areas = Annotated[tuple[RegionId, ...], Meta(max_length=16)]
Sources = Annotated[tuple[SourceName, ...], Meta(min_length=1, max_length=10)]
Cautions = Annotated[tuple[Sentence, ...], Meta(max_length=12)]


class Step(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One technique. ``sides`` expands it into one full-length part per side."""

    kind: StepKindField
    id: StepId | None = None
    title: ShortText
    instruction: Instruction
    cue: Cue
    seconds: StepSeconds | None = None
    reps: Reps | None = None
    cadence: Cadence | None = None
    sides: Sides = ()
    regions: StepRegions = ()
    pressure: Pressure | None = None
    prepare: PrepareSeconds | None = None
    switch_prepare: SwitchSeconds = DEFAULT_SWITCH_SECONDS
    rest_after: RestSeconds = 0
    optional: OptionalFlag = False
    hold: HoldEach | None = None
    unit: UnitField | None = None

    def __post_init__(self) -> None:
        """The rules that tie fields together (a ValueError here is reported at the
        step's place in the file)."""
        if self.kind is StepKind.STROKES:
            if self.reps is None or self.cadence is None:
                raise ValueError("a strokes step needs both 'reps' and 'cadence'")
            if self.seconds is not None:
                raise ValueError("a strokes step takes 'reps' and 'cadence', not 'seconds'")
            if self.hold is not None and self.hold > self.cadence - 1:
                raise ValueError(
                    f"'hold' is {self.hold:g} s; at most cadence - 1 ({self.cadence - 1:g} s), "
                    "so that the release is said before the next repetition"
                )
            if self.reps * self.cadence > MAX_STEP_SECONDS:
                raise ValueError(
                    f"reps x cadence is {self.reps * self.cadence:g} s; "
                    f"at most {MAX_STEP_SECONDS} s per side"
                )
        else:
            if self.seconds is None:
                raise ValueError(f"a {self.kind.value} step needs 'seconds'")
            if self.reps is not None or self.cadence is not None:
                raise ValueError(f"a {self.kind.value} step takes 'seconds', not 'reps'/'cadence'")
            for name in ("hold", "unit"):
                if getattr(self, name) is not None:
                    raise ValueError(f"'{name}' belongs to strokes steps only")
        self._check_placeholders()
        if len(set(self.sides)) != len(self.sides):
            raise ValueError("each side may be listed once")
        for rid in self.regions:
            if not regions.is_known(rid):
                raise ValueError(f"unknown region '{rid}'")

    def _check_placeholders(self) -> None:
        names = _PLACEHOLDER.findall(self.instruction)
        for name in names:
            if name not in PLACEHOLDERS:
                known = ", ".join("{" + known + "}" for known in sorted(PLACEHOLDERS))
                raise ValueError(
                    f"unknown placeholder '{{{name}}}' in the instruction; known: {known}"
                )
        if len(_BRACE.findall(_PLACEHOLDER.sub("", self.instruction))) > 0:
            raise ValueError("a brace in the instruction that is not part of '{side}'")
        if names and not self.sides:
            raise ValueError("'{side}' in the instruction needs 'sides'")

    def spoken_instruction(self, side: Side | None) -> str:
        """The instruction as said (and shown) for ``side``: ``{side}`` filled in, or,
        in a sided step written without it, the side added, so the voice alone tells
        which side to work."""
        if side is None:
            return self.instruction
        if SIDE_PLACEHOLDER in self.instruction:
            return self.instruction.replace(SIDE_PLACEHOLDER, side)
        return f"{self.instruction} Work on your {side} side."

    def part_line(self, part_index: int) -> str:
        """What is said as a part starts: the instruction for the first side, then the
        new side's name ("Now the right side.")."""
        side = self.parts[part_index]
        if part_index == 0 or side is None:
            return self.spoken_instruction(side)
        return switch_line(side)

    @property
    def repetition_unit(self) -> StrokeUnit:
        return self.unit or StrokeUnit.STROKES

    @property
    def work_seconds(self) -> float:
        """Length of one side's work phase."""
        if self.kind is StepKind.STROKES:
            assert self.reps is not None and self.cadence is not None
            return self.reps * self.cadence
        assert self.seconds is not None
        return self.seconds

    @property
    def parts(self) -> tuple[Side | None, ...]:
        return self.sides or (None,)

    @property
    def speaking_seconds(self) -> float:
        """How long the instruction takes to say at the default voice rate (an estimate)."""
        return AS_WRITTEN.speaking_seconds(self.part_line(0))

    @property
    def prepare_seconds(self) -> float:
        """The get-ready time before the first side at the default voice rate; a
        session uses its own :class:`SpeechTiming` (the user's rate, the real clips)."""
        return AS_WRITTEN.prepare_seconds(self)

    def part_prepare_seconds(self, part_index: int) -> float:
        return AS_WRITTEN.part_prepare_seconds(self, part_index)

    @property
    def total_seconds(self) -> float:
        """Planned length at the default voice rate; see :meth:`seconds_at`."""
        return self.seconds_at(AS_WRITTEN)

    def seconds_at(self, timing: SpeechTiming) -> float:
        """Planned length with ``timing``'s get-ready times; a rest step is only its
        rest (no get-ready, no rest after)."""
        if self.kind is StepKind.REST:
            return len(self.parts) * self.work_seconds
        prepares = sum(timing.part_prepare_seconds(self, i) for i in range(len(self.parts)))
        return prepares + len(self.parts) * (self.work_seconds + self.rest_after)

Steps = Annotated[tuple[Step, ...], Meta(min_length=1, max_length=60)]


class Routine(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A guided routine, as written in a ``routines/*.toml`` file."""

    id: Slug
    title: ShortText
    summary: Paragraph
    version: VersionText
    position: Position
    equipment: EquipmentList = (Equipment.NONE,)
    areas: Areas = ()
    sources: Sources
    cautions: Cautions = ()
    steps: Steps

    def __post_init__(self) -> None:
        ids = [step.id for step in self.steps if step.id is not None]
        if len(set(ids)) != len(ids):
            twice = sorted({i for i in ids if ids.count(i) > 1})
            raise ValueError(f"each step id may be used once: {', '.join(twice)}")
        for rid in self.areas:
            if not regions.is_known(rid):
                raise ValueError(f"unknown region '{rid}' in areas")
        total = self.total_seconds(include_optional=True)
        if total > MAX_ROUTINE_SECONDS:
            raise ValueError(
                f"the routine lasts {total / 60:.1f} minutes; at most "
                f"{MAX_ROUTINE_SECONDS // 60} minutes are allowed"
            )

    def total_seconds(
        self, include_optional: bool = True, timing: SpeechTiming = AS_WRITTEN
    ) -> float:
        """Planned length; ``timing`` gives the get-ready times (the user's voice rate)."""
        return sum(
            s.seconds_at(timing) for s in self.steps if include_optional or not s.optional
        )

    def active_steps(self, include_optional: bool = True) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if include_optional or not s.optional)


def validate_routine(data: Mapping[str, Any]) -> Routine:
    """A :class:`Routine` from parsed TOML, its text read without surrounding spaces;
    raises :class:`~massage_timer.core.model.validation.ValidationError` naming every
    problem found."""
    return convert(data, Routine, strip=True)
