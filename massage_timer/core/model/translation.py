"""Routine and checklist text in another language: data keyed by stable ids.

A routine's words (title, summary, cautions, each step's title, instruction and cue) are
translated as a whole, never mixed: :func:`translate_routine` gives the routine in the
wanted language only when the translation covers every step (keyed by the step's
``id``) and names no step the routine lacks; otherwise the routine stays whole in its
own language (English) and says why. Numbers, regions, sides and timing are never in a
translation: they are the routine's, so a translation cannot change what a session does.

The same all-or-nothing rule holds for the safety checklist (:func:`translate_checklist`).
The file layout is documented in ``docs/routines.md``.

The annotations here are real objects, not strings (no ``from __future__ import
annotations``): msgspec reads them at the first check of a file, before the first
paint, and strings would be parsed and compiled then.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

import msgspec
from msgspec import Meta, Struct

from massage_timer.core.model.language import _
from massage_timer.core.model.routine import (
    Cautions,
    Cue,
    Instruction,
    Paragraph,
    Routine,
    ShortText,
    SideWordsField,
    StepId,
)
from massage_timer.core.model.safety import Checklist, ItemId, LongText, Text
from massage_timer.core.model.validation import Problem, ValidationError, convert

LanguageTag = Annotated[str, Meta(pattern=r"^[a-z]{2,3}(?:_[A-Z]{2})?$")]


class StepTranslation(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The words of one step."""

    title: ShortText
    instruction: Instruction
    cue: Cue
    side_words: SideWordsField | None = None


class RoutineTranslation(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A routine's words in one language: a ``[translations.<code>]`` table of a routine
    file, or a whole ``routines/translations/<code>/<routine-id>.toml``."""

    title: ShortText
    summary: Paragraph
    cautions: Cautions = ()
    steps: Annotated[
        dict[StepId, StepTranslation],
        Meta(description="Each step's words, keyed by the step's id."),
    ]


Translations = dict[LanguageTag, RoutineTranslation]


class ItemTranslation(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    question: Text
    help: Text


class ChecklistTranslation(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The checklist's words in one language (``assets/translations/<code>/checklist.toml``);
    ``version`` is the checklist version it translates: an older one is not used."""

    version: Annotated[int, Meta(ge=1)]
    intro: Text
    advice: LongText
    rules: Annotated[tuple[Text, ...], Meta(min_length=1, max_length=10)]
    items: dict[ItemId, ItemTranslation]


class Coverage(StrEnum):
    """How a routine or checklist came to be in the language it is shown in."""

    SOURCE = "source"
    """English was asked for: the text as written."""
    TRANSLATED = "translated"
    MISSING = "missing"
    """No translation in the wanted language: shown in English."""
    INCOMPLETE = "incomplete"
    """A translation exists but does not cover everything (or is broken): shown
    whole in English."""


T = TypeVar("T")


class Localized(Struct, Generic[T], frozen=True):
    value: T
    language: str
    coverage: Coverage
    reason: str = ""


def _under(prefix: str, location: str) -> str:
    if location == "(top level)":
        return prefix
    return f"{prefix}{location}" if location.startswith("[") else f"{prefix}.{location}"


def validate_routine_translation(data: Any) -> RoutineTranslation:
    """A :class:`RoutineTranslation`; raises ``ValidationError`` naming each problem by
    its place (``steps.glides.cue``: a step is named by its id, not ``[...]``)."""
    problems: list[Problem] = []
    steps = data.get("steps") if isinstance(data, Mapping) else None
    if isinstance(steps, Mapping):
        for key, value in steps.items():
            try:
                convert(value, StepTranslation, strip=True)
            except ValidationError as exc:
                problems += [Problem(_under(f"steps.{key}", p.location), p.message)
                             for p in exc.problems]
    try:
        result = convert(data, RoutineTranslation, strip=True)
    except ValidationError as exc:
        problems += [p for p in exc.problems if not p.location.startswith("steps[...].")]
        raise ValidationError(problems or exc.problems) from None
    if problems:
        raise ValidationError(problems)
    return result


def validate_translations(data: Any) -> Translations:
    """The ``translations`` table of a routine file; raises ``ValidationError`` with
    places such as ``translations.de.steps.glides.cue`` given as ``de.steps...``."""
    if not isinstance(data, Mapping):
        raise ValidationError([Problem("(top level)", _("must be a table of languages"))])
    problems: list[Problem] = []
    out: Translations = {}
    for code, table in data.items():
        try:
            convert(code, LanguageTag)
        except ValidationError:
            problems.append(Problem(
                str(code), _("is not a language code such as de or pt_BR")))
            continue
        try:
            out[code] = validate_routine_translation(table)
        except ValidationError as exc:
            problems += [Problem(_under(code, p.location), p.message) for p in exc.problems]
    if problems:
        raise ValidationError(problems)
    return out


def validate_checklist_translation(data: Mapping[str, Any]) -> ChecklistTranslation:
    return convert(data, ChecklistTranslation, strip=True)


def routine_gaps(routine: Routine, translation: RoutineTranslation) -> str:
    """Why ``translation`` cannot stand for the whole routine; empty when it can."""
    ids = [step.id for step in routine.steps]
    if None in ids:
        return _("some steps have no id, so their translation cannot be matched")
    missing = [i for i in ids if i not in translation.steps]
    extra = sorted(set(translation.steps) - set(ids))
    if missing:
        return _("steps not translated: {ids}").format(ids=", ".join(str(i) for i in missing))
    if extra:
        return _("steps the routine does not have: {ids}").format(ids=", ".join(extra))
    if len(translation.cautions) != len(routine.cautions):
        return _("{translated} cautions translated, the routine has {count}").format(
            translated=len(translation.cautions), count=len(routine.cautions))
    return ""


def translate_routine(
    routine: Routine, code: str, translation: RoutineTranslation | None, *, source: str = "en"
) -> Localized[Routine]:
    """``routine`` in ``code`` when ``translation`` covers it whole, else as written."""
    if code == source:
        return Localized(routine, source, Coverage.SOURCE)
    if translation is None:
        return Localized(routine, source, Coverage.MISSING)
    gaps = routine_gaps(routine, translation)
    if gaps:
        return Localized(routine, source, Coverage.INCOMPLETE, gaps)
    words = [translation.steps[step.id] for step in routine.steps]  # type: ignore[index]
    steps = tuple(
        msgspec.structs.replace(step, title=own.title, instruction=own.instruction,
                                cue=own.cue, side_words=own.side_words)
        for step, own in zip(routine.steps, words, strict=True)
    )
    translated = msgspec.structs.replace(
        routine, title=translation.title, summary=translation.summary,
        cautions=translation.cautions, steps=steps,
    )
    return Localized(translated, code, Coverage.TRANSLATED)


def checklist_gaps(checklist: Checklist, translation: ChecklistTranslation) -> str:
    if translation.version != checklist.version:
        return _("translates version {old} of the checklist, which is at version {new}").format(
            old=translation.version, new=checklist.version)
    ids = [item.id for item in checklist.items]
    missing = [i for i in ids if i not in translation.items]
    extra = sorted(set(translation.items) - set(ids))
    if missing:
        return _("questions not translated: {ids}").format(ids=", ".join(missing))
    if extra:
        return _("questions the checklist does not have: {ids}").format(ids=", ".join(extra))
    if len(translation.rules) != len(checklist.rules):
        return _("{translated} rules translated, the checklist has {count}").format(
            translated=len(translation.rules), count=len(checklist.rules))
    return ""


def translate_checklist(
    checklist: Checklist, code: str, translation: ChecklistTranslation | None,
    *, source: str = "en",
) -> Localized[Checklist]:
    """The whole checklist in ``code``, or the whole checklist in English."""
    if code == source:
        return Localized(checklist, source, Coverage.SOURCE)
    if translation is None:
        return Localized(checklist, source, Coverage.MISSING)
    gaps = checklist_gaps(checklist, translation)
    if gaps:
        return Localized(checklist, source, Coverage.INCOMPLETE, gaps)
    items = tuple(
        msgspec.structs.replace(item, question=translation.items[item.id].question,
                                help=translation.items[item.id].help)
        for item in checklist.items
    )
    translated = msgspec.structs.replace(
        checklist, intro=translation.intro, advice=translation.advice,
        rules=translation.rules, items=items,
    )
    return Localized(translated, code, Coverage.TRANSLATED)
