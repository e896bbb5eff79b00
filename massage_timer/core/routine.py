"""The routine format: what a routine file may say, checked by a pydantic model.

Unknown keys are errors (a typo must not become a silent default), and every value
is bounded so that a bad or hostile file stays harmless: at most 60 minutes in all,
steps of 1-600 s, 1-50 strokes, short strings, region ids that are names not paths.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from massage_timer.core import regions

MAX_ROUTINE_SECONDS = 60 * 60
MAX_STEP_SECONDS = 600
MAX_REPS = 50
SPOKEN_WORDS_PER_SECOND = 2.5
"""A calm speaking pace (150 words a minute), slower than the default voice rate."""
POSITION_SECONDS = 2.0
"""Time to get into position once the instruction has been heard."""
MIN_PREPARE_SECONDS = 5.0
DEFAULT_SWITCH_SECONDS = 5.0
MAX_FILE_BYTES = 256 * 1024

Slug = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=2, max_length=64)
]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Sentence = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]
Paragraph = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1200)]
RegionId = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z-]{1,39}$", min_length=2, max_length=40)
]
SourceName = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]{1,80}$", min_length=1, max_length=80)
]


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


class StepKind(StrEnum):
    HOLD = "hold"
    STROKES = "strokes"
    REST = "rest"


Side = Literal["left", "right"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Step(_Strict):
    """One technique. ``sides`` expands it into one full-length part per side."""

    kind: StepKind = Field(
        description="hold: sustained pressure or stretch; strokes: "
        "counted repetitions; rest: a pause"
    )
    title: ShortText
    instruction: Sentence = Field(description="Spoken during the get-ready phase.")
    cue: ShortText = Field(description="Short on-screen text during the work phase.")
    seconds: float | None = Field(
        default=None,
        ge=1,
        le=MAX_STEP_SECONDS,
        description="Length of a hold or rest (per side), in seconds.",
    )
    reps: int | None = Field(
        default=None, ge=1, le=MAX_REPS, description="Number of strokes (per side)."
    )
    cadence: float | None = Field(default=None, ge=1, le=30, description="Seconds per stroke.")
    sides: tuple[Side, ...] = Field(
        default=(), max_length=2, description='e.g. ["left", "right"]; empty for both at once'
    )
    regions: tuple[RegionId, ...] = Field(default=(), max_length=12)
    pressure: Pressure | None = None
    prepare: float | None = Field(
        default=None,
        ge=0,
        le=60,
        description="Seconds to hear the instruction and get into position; by default "
        "long enough to speak the instruction at a calm pace, plus two seconds.",
    )
    switch_prepare: float = Field(
        default=DEFAULT_SWITCH_SECONDS,
        ge=0,
        le=60,
        description='Seconds to hear "switch sides" and change position before each '
        "later side.",
    )
    rest_after: float = Field(
        default=0,
        ge=0,
        le=MAX_STEP_SECONDS,
        description="Seconds of rest after the work phase (per side).",
    )
    optional: bool = Field(default=False, description="Can be left out in the settings.")

    @model_validator(mode="after")
    def _check_kind_fields(self) -> Self:
        if self.kind is StepKind.STROKES:
            if self.reps is None or self.cadence is None:
                raise ValueError("a strokes step needs both 'reps' and 'cadence'")
            if self.seconds is not None:
                raise ValueError("a strokes step takes 'reps' and 'cadence', not 'seconds'")
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
        if len(set(self.sides)) != len(self.sides):
            raise ValueError("each side may be listed once")
        for rid in self.regions:
            if not regions.is_known(rid):
                raise ValueError(f"unknown region '{rid}'")
        return self

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
        """How long the instruction takes to say at a calm pace."""
        return len(self.instruction.split()) / SPOKEN_WORDS_PER_SECOND

    @property
    def prepare_seconds(self) -> float:
        """The get-ready time before the first side: as written, or enough to speak."""
        if self.prepare is not None:
            return self.prepare
        return max(MIN_PREPARE_SECONDS, math.ceil(self.speaking_seconds + POSITION_SECONDS))

    def part_prepare_seconds(self, part_index: int) -> float:
        return self.prepare_seconds if part_index == 0 else self.switch_prepare

    @property
    def total_seconds(self) -> float:
        """Planned length; a rest step is only its rest (no get-ready, no rest after)."""
        if self.kind is StepKind.REST:
            return len(self.parts) * self.work_seconds
        prepares = sum(self.part_prepare_seconds(i) for i in range(len(self.parts)))
        return prepares + len(self.parts) * (self.work_seconds + self.rest_after)


class Routine(_Strict):
    """A guided routine, as written in a ``routines/*.toml`` file."""

    id: Slug
    title: ShortText
    summary: Paragraph
    version: Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+){0,2}$", max_length=20)]
    position: Position
    equipment: tuple[Equipment, ...] = Field(default=(Equipment.NONE,), max_length=8)
    areas: tuple[RegionId, ...] = Field(default=(), max_length=16)
    sources: tuple[SourceName, ...] = Field(min_length=1, max_length=10)
    cautions: tuple[Sentence, ...] = Field(default=(), max_length=12)
    steps: tuple[Step, ...] = Field(min_length=1, max_length=60)

    @model_validator(mode="after")
    def _check_routine(self) -> Self:
        for rid in self.areas:
            if not regions.is_known(rid):
                raise ValueError(f"unknown region '{rid}' in areas")
        total = self.total_seconds(include_optional=True)
        if total > MAX_ROUTINE_SECONDS:
            raise ValueError(
                f"the routine lasts {total / 60:.1f} minutes; at most "
                f"{MAX_ROUTINE_SECONDS // 60} minutes are allowed"
            )
        return self

    def total_seconds(self, include_optional: bool = True) -> float:
        return sum(s.total_seconds for s in self.steps if include_optional or not s.optional)

    def active_steps(self, include_optional: bool = True) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if include_optional or not s.optional)
