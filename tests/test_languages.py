"""Every language the app lists is complete: the interface, every built-in routine,
the safety checklist and a glossary (issue 15).

The catalogues' own faithfulness (placeholders, plural forms, markup, no fuzzy or empty
entry) is checked in ``test_i18n.py``; this file checks that each language is there
at all and that its content is used whole, never mixed with English.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from massage_timer.core.model.language import LANGUAGES, SOURCE
from massage_timer.core.model.translation import Coverage
from massage_timer.core.storage.checklist_file import load_checklist, localized_checklist
from massage_timer.core.storage.loader import load_library

REPO = Path(__file__).resolve().parent.parent
BUILTIN = REPO / "routines"
TRANSLATED = sorted(code for code in LANGUAGES if code != SOURCE)


def test_eight_languages_are_listed() -> None:
    assert sorted(LANGUAGES) == sorted(["en", "de", "fr", "es", "it", "pt_BR", "nl", "pl"])


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_interface_catalogue_and_glossary_are_shipped(code: str) -> None:
    po = REPO / "massage_timer" / "locale" / code / "LC_MESSAGES" / "massage_timer.po"
    assert po.is_file(), f"{code}: no interface catalogue"
    glossary = REPO / "docs" / "glossary" / f"{code}.md"
    assert glossary.is_file(), f"{code}: no glossary"
    assert "|" in glossary.read_text(encoding="utf-8"), f"{code}: the glossary has no table"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_builtin_routine_is_translated_whole(code: str) -> None:
    library = load_library(builtin_dir=BUILTIN, language=code)
    english = {r.routine.id: r.routine for r in load_library(builtin_dir=BUILTIN,
                                                              language=SOURCE).routines}
    assert not library.errors
    assert {r.routine.id for r in library.routines} == set(english)
    for loaded in library.routines:
        assert (loaded.language, loaded.coverage) == (code, Coverage.TRANSLATED), (
            f"{code}: {loaded.routine.id} falls back to English: {loaded.translation_note}")
        source = english[loaded.routine.id]
        assert loaded.routine.title != source.title
        assert len(loaded.routine.cautions) == len(source.cautions)
        for step, original in zip(loaded.routine.steps, source.steps, strict=True):
            assert step.instruction != original.instruction, (
                f"{code}: {loaded.routine.id}/{step.id}: the instruction is the English one")
            assert (step.kind, step.sides, step.regions, step.work_seconds) == (
                original.kind, original.sides, original.regions, original.work_seconds)


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_checklist_is_translated_whole(code: str) -> None:
    source = load_checklist(language=SOURCE)
    localized = localized_checklist(source, code)
    assert (localized.language, localized.coverage) == (code, Coverage.TRANSLATED), (
        f"{code}: the checklist is shown in English: {localized.reason}")
    checklist = localized.value
    assert [i.id for i in checklist.items] == [i.id for i in source.items]
    for item, original in zip(checklist.items, source.items, strict=True):
        assert item.question != original.question
    assert checklist.advice != source.advice
