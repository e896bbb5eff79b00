"""What a routine file may say: the constrained types of :mod:`~massage_timer.core.model.routine`
and the pydantic validator built from them.

Importing this module imports pydantic and builds the validator, about a tenth of a
second; the loader does it only when a file has to be checked (not for a library it
has checked before, see :mod:`~massage_timer.core.storage.validated_cache`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any

from pydantic import Field, StringConstraints, TypeAdapter

from massage_timer.core.model.routine import (
    MAX_REPS,
    MAX_STEP_SECONDS,
    Equipment,
    Position,
    Pressure,
    Routine,
    Side,
    Step,
    StepKind,
)

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
VersionText = Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+){0,2}$", max_length=20)]

Instruction = Annotated[Sentence, Field(description="Spoken during the get-ready phase.")]
Cue = Annotated[ShortText, Field(description="Short on-screen text during the work phase.")]
OptionalFlag = Annotated[bool, Field(description="Can be left out in the settings.")]
StepKindField = Annotated[
    StepKind,
    Field(
        description="hold: sustained pressure or stretch; strokes: "
        "counted repetitions; rest: a pause"
    ),
]
StepSeconds = Annotated[
    float,
    Field(
        ge=1, le=MAX_STEP_SECONDS, description="Length of a hold or rest (per side), in seconds."
    ),
]
Reps = Annotated[int, Field(ge=1, le=MAX_REPS, description="Number of strokes (per side).")]
Cadence = Annotated[float, Field(ge=1, le=30, description="Seconds per stroke.")]
Sides = Annotated[
    tuple[Side, ...],
    Field(max_length=2, description='e.g. ["left", "right"]; empty for both at once'),
]
StepRegions = Annotated[tuple[RegionId, ...], Field(max_length=12)]
PrepareSeconds = Annotated[
    float,
    Field(
        ge=0,
        le=60,
        description="Seconds to hear the instruction and get into position; by default "
        "long enough to speak the instruction at a calm pace, plus two seconds.",
    ),
]
SwitchSeconds = Annotated[
    float,
    Field(
        ge=0,
        le=60,
        description='Seconds to hear "switch sides" and change position before each '
        "later side.",
    ),
]
RestSeconds = Annotated[
    float,
    Field(
        ge=0, le=MAX_STEP_SECONDS, description="Seconds of rest after the work phase (per side)."
    ),
]
EquipmentList = Annotated[tuple[Equipment, ...], Field(max_length=8)]
Areas = Annotated[tuple[RegionId, ...], Field(max_length=16)]
Sources = Annotated[tuple[SourceName, ...], Field(min_length=1, max_length=10)]
Cautions = Annotated[tuple[Sentence, ...], Field(max_length=12)]
Steps = Annotated[tuple[Step, ...], Field(min_length=1, max_length=60)]

_NAMESPACE: dict[str, Any] = {
    **{name: value for name, value in globals().items() if not name.startswith("_")},
    "Position": Position,
    "Pressure": Pressure,
}


@cache
def routine_adapter() -> TypeAdapter[Routine]:
    """The validator, built on first use (the dataclasses name these types as strings,
    resolved here in this module's namespace)."""
    adapter: TypeAdapter[Routine] = TypeAdapter(Routine)
    adapter.rebuild(force=True, _types_namespace=_NAMESPACE)
    return adapter


def validate_routine(data: Mapping[str, Any]) -> Routine:
    """A :class:`Routine` from parsed TOML; raises pydantic's ``ValidationError``."""
    return routine_adapter().validate_python(data)
