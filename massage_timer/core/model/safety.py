"""The pre-session safety checklist: its data model and how answers are judged.

The questions live in ``assets/checklist.toml`` (read by
:mod:`~massage_timer.core.storage.checklist_file`) so they can be reviewed without
reading code. Nothing here ever assumes an answer: a question not answered keeps the
session from starting, just as a yes does.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct

from massage_timer.core.model.language import _
from massage_timer.core.model.validation import convert

ItemId = Annotated[str, Meta(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=40)]
Text = Annotated[str, Meta(min_length=1, max_length=400)]
LongText = Annotated[str, Meta(min_length=1, max_length=1200)]


class ChecklistItem(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One yes/no question; a yes means no self-massage today."""

    id: ItemId
    question: Text
    help: Text


class Checklist(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The whole checklist. ``version`` changes when a question's meaning changes."""

    version: Annotated[int, Meta(ge=1)]
    intro: Text
    advice: Annotated[LongText, Meta(description="Shown when any answer is yes.")]
    rules: Annotated[
        tuple[Text, ...],
        Meta(min_length=1, max_length=10, description="Rules for the session itself."),
    ]
    sources: Annotated[tuple[str, ...], Meta(max_length=10)] = ()
    items: Annotated[tuple[ChecklistItem, ...], Meta(min_length=1, max_length=30)]

    def __post_init__(self) -> None:
        ids = [item.id for item in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError(_("checklist item ids must be unique"))

    def item(self, item_id: str) -> ChecklistItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


def validate_checklist(data: Mapping[str, Any]) -> Checklist:
    """A :class:`Checklist` from parsed TOML, its text read without surrounding spaces;
    raises :class:`~massage_timer.core.model.validation.ValidationError`."""
    return convert(data, Checklist, strip=True)


class Verdict(StrEnum):
    CLEAR = "clear"
    INCOMPLETE = "incomplete"
    BLOCKED = "blocked"


class Evaluation(msgspec.Struct, frozen=True):
    """The outcome of a set of answers; ``blocking`` and ``unanswered`` hold item ids."""

    verdict: Verdict
    blocking: tuple[str, ...] = ()
    unanswered: tuple[str, ...] = ()

    @property
    def may_start(self) -> bool:
        return self.verdict is Verdict.CLEAR


def evaluate(checklist: Checklist, answers: Mapping[str, bool | None]) -> Evaluation:
    """Judge the answers: any yes blocks, any missing or ``None`` answer is incomplete.

    A yes outranks a missing answer, so the person learns at once that today is not a
    day for self-massage. Answers to ids not in the checklist are ignored.
    """
    blocking = tuple(item.id for item in checklist.items if answers.get(item.id) is True)
    unanswered = tuple(item.id for item in checklist.items if answers.get(item.id) is None)
    if blocking:
        return Evaluation(Verdict.BLOCKED, blocking, unanswered)
    if unanswered:
        return Evaluation(Verdict.INCOMPLETE, (), unanswered)
    return Evaluation(Verdict.CLEAR)
