"""A guided routine and its steps, and the rules a routine file must follow.

Routine and Step are frozen msgspec Structs: one definition serves the app, the
checking of a file (:func:`validate_routine`, in C, with every bound written here as
``Annotated[..., Meta(...)]``) and the JSON Schema. Unknown keys are errors (a typo
must not become a silent default), and every value is bounded so that a bad or
hostile file stays harmless: at most 60 minutes in all, steps of 1-600 s, 1-50
strokes, short strings, region ids that are names not paths. The rules that tie
fields together are in ``__post_init__``.

The annotations here are real objects, not strings (no ``from __future__ import
annotations``): msgspec reads them at the first check of a file, before the first
paint, and strings would be parsed and compiled then.
"""

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Literal

from msgspec import Meta, Struct

from massage_timer.core.model import regions
from massage_timer.core.model.language import N_, _, ngettext, pgettext
from massage_timer.core.model.speech_timing import AS_WRITTEN, SpeechTiming
from massage_timer.core.model.spoken import ENGLISH, Words
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

    @property
    def label(self) -> str:
        """The position in the current language ("Seated")."""
        return {
            Position.SEATED: _("Seated"),
            Position.STANDING: _("Standing"),
            Position.SEATED_OR_STANDING: _("Seated or standing"),
            Position.LYING: _("Lying"),
            Position.PARTNER: _("With a partner"),
        }[self]


class Equipment(StrEnum):
    NONE = "none"
    TENNIS_BALL = "tennis ball"
    TWO_BALLS_IN_A_SOCK = "two balls in a sock"
    TOWEL = "towel"
    WARM_COMPRESS = "warm compress"
    MASSAGE_OIL = "massage oil"
    CHAIR = "chair"
    WALL = "wall"

    @property
    def label(self) -> str:
        """The equipment in the current language ("tennis ball")."""
        return {
            Equipment.NONE: _("No equipment"),
            Equipment.TENNIS_BALL: _("tennis ball"),
            Equipment.TWO_BALLS_IN_A_SOCK: _("two balls in a sock"),
            Equipment.TOWEL: _("towel"),
            Equipment.WARM_COMPRESS: _("warm compress"),
            Equipment.MASSAGE_OIL: _("massage oil"),
            Equipment.CHAIR: _("chair"),
            Equipment.WALL: _("wall"),
        }[self]


class Pressure(StrEnum):
    LIGHT = "light"
    MODERATE = "moderate"
    FIRM = "firm"

    @property
    def label(self) -> str:
        """How firmly, in the current language, as shown ("moderate pressure")."""
        return {
            # TRANSLATORS: how firmly to press, shown beside a step's cue.
            Pressure.LIGHT: _("light pressure"),
            Pressure.MODERATE: _("moderate pressure"),
            Pressure.FIRM: _("firm pressure"),
        }[self]


class StrokeUnit(StrEnum):
    """What one repetition of a strokes step is called ("turns")."""

    STROKES = "strokes"
    TURNS = "turns"
    TUCKS = "tucks"
    SQUEEZES = "squeezes"
    CIRCLES = "circles"
    ROLLS = "rolls"

    def word(self, count: int) -> str:
        """The unit for ``count`` repetitions in the current language: "turn" for one,
        "turns" otherwise (every language's plural forms: ngettext per unit)."""
        match self:
            case StrokeUnit.TURNS:
                # TRANSLATORS: a repetition unit, shown after a count ("6 turns left").
                return ngettext("turn", "turns", count)
            case StrokeUnit.TUCKS:
                # TRANSLATORS: a repetition unit: tucking the chin in.
                return ngettext("tuck", "tucks", count)
            case StrokeUnit.SQUEEZES:
                return ngettext("squeeze", "squeezes", count)
            case StrokeUnit.CIRCLES:
                return ngettext("circle", "circles", count)
            case StrokeUnit.ROLLS:
                return ngettext("roll", "rolls", count)
        # TRANSLATORS: a repetition unit: one massage stroke.
        return ngettext("stroke", "strokes", count)


SIDE_PLACEHOLDER = "{side}"
"""Where a sided step's instruction names the side being worked ("left" or "right")."""
PLACEHOLDERS = frozenset({"side"})
_BRACE = re.compile(r"[{}]")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class StepKind(StrEnum):
    HOLD = "hold"
    STROKES = "strokes"
    REST = "rest"

    @property
    def label(self) -> str:
        """The kind in the current language ("Hold")."""
        return {
            # TRANSLATORS: a kind of step: sustained pressure or stretch.
            StepKind.HOLD: pgettext("step kind", "Hold"),
            # TRANSLATORS: a kind of step: counted repetitions.
            StepKind.STROKES: pgettext("step kind", "Strokes"),
            # TRANSLATORS: a kind of step: a pause.
            StepKind.REST: pgettext("step kind", "Rest"),
        }[self]


Side = Literal["left", "right"]


def side_label(side: str) -> str:
    """A side as shown beside a step or chosen in the editor ("left"), in the current
    language."""
    # TRANSLATORS: the side of the body a step works on.
    return _("left") if side == "left" else _("right")


Slug = Annotated[str, Meta(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", min_length=2, max_length=64)]
ShortText = Annotated[str, Meta(min_length=1, max_length=80)]
Sentence = Annotated[str, Meta(min_length=1, max_length=400)]
Paragraph = Annotated[str, Meta(min_length=1, max_length=1200)]
RegionId = Annotated[str, Meta(pattern=r"^[a-z][a-z-]{1,39}$", min_length=2, max_length=40)]
SourceName = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_.-]{1,80}$", min_length=1, max_length=80)]
VersionText = Annotated[str, Meta(pattern=r"^\d+(\.\d+){0,2}$", max_length=20)]

StepId = Annotated[
    Slug,
    Meta(description=N_(
        "A stable name for the step (a slug): translations key steps by it.")),
]
Instruction = Annotated[
    Sentence,
    Meta(
        description=N_("Spoken during the get-ready phase. In a sided step, {side} is said "
        "as the side being worked (left or right); without it the side is added.")
    ),
]
Cue = Annotated[ShortText, Meta(description=N_("Short on-screen text during the work phase."))]
OptionalFlag = Annotated[bool, Meta(description=N_("Can be left out in the settings."))]
StepKindField = Annotated[
    StepKind,
    Meta(
        description=N_("hold: sustained pressure or stretch; strokes: "
        "counted repetitions; rest: a pause")
    ),
]
StepSeconds = Annotated[
    float,
    Meta(ge=1, le=MAX_STEP_SECONDS,
         description=N_("Length of a hold or rest (per side), in seconds.")),
]
Reps = Annotated[int, Meta(ge=1, le=MAX_REPS, description=N_("Number of strokes (per side)."))]
Cadence = Annotated[float, Meta(ge=1, le=30, description=N_("Seconds per stroke."))]
Sides = Annotated[
    tuple[Side, ...],
    Meta(max_length=2, description=N_('e.g. ["left", "right"]; empty for both at once')),
]
StepRegions = Annotated[tuple[RegionId, ...], Meta(max_length=12)]
PrepareSeconds = Annotated[
    float,
    Meta(
        ge=0,
        le=60,
        description=N_("Seconds to hear the instruction and get into position; by default "
        "long enough to speak the instruction at the voice rate, plus two seconds. A "
        "value the spoken instruction does not fit in is extended the same way."),
    ),
]
SwitchSeconds = Annotated[
    float,
    Meta(
        ge=0,
        le=60,
        description=N_('Seconds to hear "switch sides" and change position before each '
        "later side."),
    ),
]
RestSeconds = Annotated[
    float,
    Meta(ge=0, le=MAX_STEP_SECONDS,
         description=N_("Seconds of rest after the work phase (per side).")),
]
HoldEach = Annotated[
    float,
    Meta(
        ge=1,
        le=29,
        description=N_('Strokes steps: seconds each repetition is held before "Release" is '
        "said; at least one second less than cadence."),
    ),
]
UnitField = Annotated[
    StrokeUnit, Meta(description=N_('Strokes steps: what a repetition is called ("turns").'))
]
SideWord = Annotated[str, Meta(min_length=1, max_length=40)]


class SideWords(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The exact words that replace ``{side}`` in one step's instruction, for a
    language whose grammar needs a particular form there (German "linke"/"rechten")."""

    left: SideWord | None = None
    right: SideWord | None = None


SideWordsField = Annotated[
    SideWords,
    Meta(
        description=N_("The words that replace {side} in this step's instruction, e.g. "
        '{left = "linke", right = "rechte"}; by default the language\'s own word for '
        "left or right.")
    ),
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
    side_words: SideWordsField | None = None

    def __post_init__(self) -> None:
        """The rules that tie fields together (a ValueError here is reported at the
        step's place in the file)."""
        if self.kind is StepKind.STROKES:
            if self.reps is None or self.cadence is None:
                raise ValueError(_("a strokes step needs both 'reps' and 'cadence'"))
            if self.seconds is not None:
                raise ValueError(_("a strokes step takes 'reps' and 'cadence', not 'seconds'"))
            if self.hold is not None and self.hold > self.cadence - 1:
                raise ValueError(_(
                    "'hold' is {hold} s; at most cadence - 1 ({most} s), "
                    "so that the release is said before the next repetition"
                ).format(hold=f"{self.hold:g}", most=f"{self.cadence - 1:g}"))
            if self.reps * self.cadence > MAX_STEP_SECONDS:
                raise ValueError(_(
                    "reps x cadence is {seconds} s; at most {most} s per side"
                ).format(seconds=f"{self.reps * self.cadence:g}", most=MAX_STEP_SECONDS))
        else:
            if self.seconds is None:
                raise ValueError(_("a {kind} step needs 'seconds'").format(kind=self.kind.value))
            if self.reps is not None or self.cadence is not None:
                raise ValueError(_("a {kind} step takes 'seconds', not 'reps'/'cadence'").format(
                    kind=self.kind.value))
            for name in ("hold", "unit"):
                if getattr(self, name) is not None:
                    raise ValueError(_("'{name}' belongs to strokes steps only").format(name=name))
        self._check_placeholders()
        if len(set(self.sides)) != len(self.sides):
            raise ValueError(_("each side may be listed once"))
        for rid in self.regions:
            if not regions.is_known(rid):
                raise ValueError(_("unknown region '{id}'").format(id=rid))

    def _check_placeholders(self) -> None:
        names = _PLACEHOLDER.findall(self.instruction)
        for name in names:
            if name not in PLACEHOLDERS:
                known = ", ".join("{" + known + "}" for known in sorted(PLACEHOLDERS))
                raise ValueError(_(
                    "unknown placeholder '{placeholder}' in the instruction; known: {known}"
                ).format(placeholder="{" + name + "}", known=known))
        if len(_BRACE.findall(_PLACEHOLDER.sub("", self.instruction))) > 0:
            raise ValueError(_("a brace in the instruction that is not part of '{side}'"))
        if names and not self.sides:
            raise ValueError(_("'{side}' in the instruction needs 'sides'"))
        if self.side_words is not None and not self.sides:
            raise ValueError(_("'side_words' needs 'sides'"))

    def spoken_instruction(self, side: Side | None, words: Words = ENGLISH) -> str:
        """The instruction as said (and shown) for ``side``: ``{side}`` filled in (with
        :attr:`side_words`, else ``words``' own word), or, in a sided step written
        without it, the side added, so the voice alone tells which side to work.
        ``words`` must be in the step's language (:mod:`.spoken`): never mixed."""
        if side is None:
            return self.instruction
        if SIDE_PLACEHOLDER in self.instruction:
            own = getattr(self.side_words, side, None) if self.side_words else None
            return self.instruction.replace(SIDE_PLACEHOLDER, own or words.side(side))
        return f"{self.instruction} {words.work_on_side(words.side(side))}"

    def part_line(self, part_index: int, words: Words = ENGLISH) -> str:
        """What is said as a part starts: the instruction for the first side, then the
        new side's name ("Now the right side."), in ``words``' language."""
        side = self.parts[part_index]
        if part_index == 0 or side is None:
            return self.spoken_instruction(side, words)
        return words.switch(words.side(side))

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
            raise ValueError(_("each step id may be used once: {ids}").format(ids=", ".join(twice)))
        for rid in self.areas:
            if not regions.is_known(rid):
                raise ValueError(_("unknown region '{id}' in areas").format(id=rid))
        total = self.total_seconds(include_optional=True)
        if total > MAX_ROUTINE_SECONDS:
            raise ValueError(_(
                "the routine lasts {minutes} minutes; at most {most} minutes are allowed"
            ).format(minutes=f"{total / 60:.1f}", most=MAX_ROUTINE_SECONDS // 60))

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
