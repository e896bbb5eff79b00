"""The pre-session safety checklist: its data model and how answers are judged.

The questions live in ``assets/checklist.toml`` (read by
:mod:`~massage_timer.core.storage.checklist_file`) so they can be reviewed without
reading code. Nothing here ever assumes an answer: a question not answered keeps the
session from starting, just as a yes does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

ItemId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=40)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1200)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ChecklistItem(_Strict):
    """One yes/no question; a yes means no self-massage today."""

    id: ItemId
    question: Text
    help: Text


class Checklist(_Strict):
    """The whole checklist. ``version`` changes when a question's meaning changes."""

    version: int = Field(ge=1)
    intro: Text
    advice: LongText = Field(description="Shown when any answer is yes.")
    rules: tuple[Text, ...] = Field(min_length=1, max_length=10,
                                    description="Rules for the session itself.")
    sources: tuple[str, ...] = Field(default=(), max_length=10)
    items: tuple[ChecklistItem, ...] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        ids = [item.id for item in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("checklist item ids must be unique")
        return self

    def item(self, item_id: str) -> ChecklistItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


class Verdict(StrEnum):
    CLEAR = "clear"
    INCOMPLETE = "incomplete"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class Evaluation:
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
