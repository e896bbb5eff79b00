"""The safety checklist data and how answers are judged."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from massage_timer.core.model.safety import Checklist, Verdict, evaluate
from massage_timer.core.model.validation import ValidationError
from massage_timer.core.storage.checklist_file import load_checklist

SEEDS = {"003_2a4f22a78dc486f7.txt", "002_eba12e95a4d3e7e3.txt", "001_1e45ebe971a9ae8f.txt",
         "004_2e81362361578eba.txt"}


@pytest.fixture(scope="module")
def checklist() -> Checklist:
    return load_checklist()


def test_shipped_checklist_covers_the_red_flags(checklist: Checklist) -> None:
    text = " ".join(i.question.lower() for i in checklist.items)
    for phrase in ("accident", "fall", "sudden", "severe", "moving your head", "arms or hands",
                   "numbness", "tingling", "weakness", "fever", "headache", "dizzy",
                   "vision", "osteoporosis", "blood clots", "connective-tissue",
                   "inflamed", "bruised", "injured",
                   # Pain that lasts, or marked stiffness (sources 001, 002), and known
                   # spine problems (004): a version 1 checklist did not ask.
                   "for weeks", "badly stiff", "disc", "spinal canal", "arthritis"):
        assert phrase in text, phrase
    assert checklist.version >= 2
    assert set(checklist.sources) <= SEEDS


def test_session_rules_and_advice(checklist: Checklist) -> None:
    rules = " ".join(checklist.rules).lower()
    for phrase in ("sharp pain", "spreads into an arm", "numbness", "tingling", "dizziness",
                   "front of the neck",
                   "bony points of the spine", "inflamed"):
        assert phrase in rules, phrase
    assert "doctor" in checklist.advice


def test_all_no_is_clear(checklist: Checklist) -> None:
    result = evaluate(checklist, {i.id: False for i in checklist.items})
    assert result.verdict is Verdict.CLEAR
    assert result.may_start
    assert result.blocking == () and result.unanswered == ()


def test_nothing_answered_is_incomplete_never_a_default(checklist: Checklist) -> None:
    result = evaluate(checklist, {})
    assert result.verdict is Verdict.INCOMPLETE
    assert not result.may_start
    assert result.unanswered == tuple(i.id for i in checklist.items)


def test_none_counts_as_unanswered(checklist: Checklist) -> None:
    answers: dict[str, bool | None] = {i.id: False for i in checklist.items}
    answers["fever"] = None
    result = evaluate(checklist, answers)
    assert result.verdict is Verdict.INCOMPLETE
    assert result.unanswered == ("fever",)


def test_any_yes_blocks_and_names_the_items(checklist: Checklist) -> None:
    answers: dict[str, bool | None] = {i.id: False for i in checklist.items}
    answers["dizziness"] = True
    answers["injury"] = True
    answers["fever"] = None
    result = evaluate(checklist, answers)
    assert result.verdict is Verdict.BLOCKED
    assert set(result.blocking) == {"dizziness", "injury"}
    assert result.unanswered == ("fever",)


def test_unknown_answer_ids_are_ignored(checklist: Checklist) -> None:
    answers: dict[str, bool | None] = {i.id: False for i in checklist.items}
    answers["not-a-question"] = True
    assert evaluate(checklist, answers).verdict is Verdict.CLEAR


@given(st.data())
def test_verdict_matches_answers(data: st.DataObject) -> None:
    checklist = load_checklist()
    answers = {
        i.id: data.draw(st.sampled_from([True, False, None]), label=i.id)
        for i in checklist.items
        if data.draw(st.booleans(), label=f"answered {i.id}")
    }
    result = evaluate(checklist, answers)
    if any(v is True for v in answers.values()):
        assert result.verdict is Verdict.BLOCKED
    elif len([v for v in answers.values() if v is False]) == len(checklist.items):
        assert result.verdict is Verdict.CLEAR
    else:
        assert result.verdict is Verdict.INCOMPLETE


def test_duplicate_ids_and_unknown_keys_are_rejected(tmp_path: Path) -> None:
    base = ('version = 1\nintro = "i"\nadvice = "a"\nrules = ["r"]\n'
            '[[items]]\nid = "a"\nquestion = "q"\nhelp = "h"\n')
    dup = tmp_path / "dup.toml"
    dup.write_text(base + '[[items]]\nid = "a"\nquestion = "q2"\nhelp = "h"\n')
    with pytest.raises(ValidationError, match="unique"):
        load_checklist(dup)
    extra = tmp_path / "extra.toml"
    extra.write_text(base.replace('help = "h"', 'help = "h"\ndefault = false'))
    with pytest.raises(ValidationError):
        load_checklist(extra)
    ok = tmp_path / "ok.toml"
    ok.write_text(base)
    assert load_checklist(ok).item("a").question == "q"
