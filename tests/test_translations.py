"""Routine and checklist text translated as data: keyed by ids, all or nothing.

A routine (or the checklist) is shown and spoken in one language: a translation that
misses a step, names a step the routine lacks, or cannot be read leaves the routine whole
in English, flagged so the library can say so.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest
from test_loader import GOOD, write

from massage_timer.core.model.translation import Coverage
from massage_timer.core.storage.checklist_file import load_checklist, localized_checklist
from massage_timer.core.storage.loader import (
    LoadedRoutine,
    RoutineLoadError,
    load_library,
    parse_routine,
)
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.schema import translation_schema_text

REPO = Path(__file__).resolve().parent.parent

WITH_IDS = GOOD.replace('kind = "hold"\n', 'kind = "hold"\nid = "squeeze"\n').replace(
    'kind = "strokes"\n', 'kind = "strokes"\nid = "glides"\n'
)

GERMAN = """\
title = "Meine Routine"
summary = "Eine kurze eigene Routine."
cautions = ["Bei stechendem Schmerz aufhören."]

[steps.squeeze]
title = "Schulter drücken"
instruction = "Drücke die Schulter oben und halte."
cue = "Drücken und halten"

[steps.glides]
title = "Streichen"
instruction = "Streiche mit den Fingern den Nacken hinunter."
cue = "Nach unten streichen"
"""


def _in_file(translation: str, code: str = "de") -> str:
    """``translation`` as the ``[translations.<code>]`` table of the routine file."""
    out = [f"[translations.{code}.{line[1:]}" if line.startswith("[steps.") else line
           for line in translation.splitlines()]
    head, _, rest = "\n".join(out).partition("\n\n")
    return f"{WITH_IDS}\n[translations.{code}]\n{head}\n\n{rest}\n"


def _builtin(tmp_path: Path, routine: str, translation: str | None,
             code: str = "de") -> Path:
    folder = tmp_path / "builtin"
    write(folder, "my-routine.toml", routine)
    if translation is not None:
        write(folder / "translations" / code, "my-routine.toml", translation)
    return folder


def _only(folder: Path, language: str) -> tuple[LoadedRoutine, list[str]]:
    library = load_library(builtin_dir=folder, language=language)
    (loaded,) = library.routines
    return loaded, [str(e) for e in library.errors]


def test_a_complete_translation_shows_the_routine_in_that_language(tmp_path: Path) -> None:
    loaded, errors = _only(_builtin(tmp_path, WITH_IDS, GERMAN), "de")
    assert errors == []
    assert (loaded.language, loaded.coverage, loaded.fell_back) == ("de", Coverage.TRANSLATED,
                                                                    False)
    r = loaded.routine
    assert r.title == "Meine Routine" and r.cautions == ("Bei stechendem Schmerz aufhören.",)
    assert [s.cue for s in r.steps] == ["Drücken und halten", "Nach unten streichen"]
    # Only words change: the work times, sides and regions are the routine's (the
    # get-ready time follows how long the translated instruction takes to say).
    english, _ = _only(_builtin(tmp_path / "en", WITH_IDS, GERMAN), "en")
    assert [(s.work_seconds, s.sides, s.regions, s.id, s.rest_after) for s in r.steps] == [
        (s.work_seconds, s.sides, s.regions, s.id, s.rest_after)
        for s in english.routine.steps]


def test_english_is_the_source_and_a_missing_translation_is_not_a_fault(
    tmp_path: Path
) -> None:
    folder = _builtin(tmp_path, WITH_IDS, None)
    loaded, errors = _only(folder, "en")
    assert (loaded.coverage, loaded.routine.title) == (Coverage.SOURCE, "My routine")
    loaded, errors = _only(folder, "fr")
    assert (loaded.language, loaded.coverage, loaded.fell_back) == ("en", Coverage.MISSING,
                                                                    False)
    assert errors == []


@pytest.mark.parametrize(("routine", "translation", "why"), [
    (WITH_IDS, GERMAN.split("[steps.glides]", maxsplit=1)[0], "steps not translated: glides"),
    (WITH_IDS, GERMAN.replace("[steps.glides]", "[steps.glide]"), "steps not translated"),
    (WITH_IDS, GERMAN + '\n[steps.extra]\ntitle = "x"\ninstruction = "y"\ncue = "z"\n',
     "steps the routine does not have: extra"),
    (GOOD, GERMAN, "some steps have no id"),
    (WITH_IDS, GERMAN.replace('cautions = ["Bei stechendem Schmerz aufhören."]', ""),
     "0 cautions translated"),
])
def test_an_incomplete_translation_falls_back_whole_to_english(
    tmp_path: Path, routine: str, translation: str, why: str
) -> None:
    loaded, errors = _only(_builtin(tmp_path, routine, translation), "de")
    assert errors == []
    assert (loaded.language, loaded.coverage, loaded.fell_back) == ("en", Coverage.INCOMPLETE,
                                                                    True)
    assert why in loaded.translation_note
    assert loaded.routine.title == "My routine"
    assert [s.title for s in loaded.routine.steps] == ["Shoulder squeeze", "Glides"]


@pytest.mark.parametrize(("translation", "location"), [
    (GERMAN + "\nextra = 1\n", "extra"),
    (GERMAN.replace('cue = "Drücken und halten"\n', ""), "steps.squeeze"),
    (GERMAN.replace('title = "Meine Routine"', 'title = 5'), "title"),
    ("title = \n", "line 1"),
    (GERMAN.replace("[steps.squeeze]", "[steps.Not_A_Slug]"), "steps"),
])
def test_a_malformed_translation_file_is_reported_and_falls_back(
    tmp_path: Path, translation: str, location: str
) -> None:
    folder = _builtin(tmp_path, WITH_IDS, translation)
    loaded, errors = _only(folder, "de")
    assert loaded.fell_back and loaded.routine.title == "My routine"
    bad = folder / "translations" / "de" / "my-routine.toml"
    assert errors and all(e.startswith(f"{bad}: ") for e in errors)
    assert any(location in e for e in errors), errors


def test_a_user_routine_carries_its_translations_in_the_file(
    tmp_path: Path, app_paths: AppPaths
) -> None:
    write(app_paths.user_routines_dir, "mine.toml", _in_file(GERMAN).replace(
        'id = "my-routine"', 'id = "mine"'))
    library = load_library(app_paths, builtin_dir=tmp_path / "none", language="de")
    assert library.errors == []
    (loaded,) = library.routines
    assert (loaded.coverage, loaded.routine.title) == (Coverage.TRANSLATED, "Meine Routine")
    in_english = load_library(app_paths, builtin_dir=tmp_path / "none", language="en")
    assert in_english.routines[0].routine.title == "My routine"


def test_a_broken_in_file_translation_keeps_the_routine_and_fails_validate(
    tmp_path: Path, app_paths: AppPaths
) -> None:
    text = _in_file(GERMAN).replace('cue = "Nach unten streichen"', 'cue = ""')
    write(app_paths.user_routines_dir, "mine.toml", text)
    library = load_library(app_paths, builtin_dir=tmp_path / "none", language="de")
    (loaded,) = library.routines
    assert loaded.fell_back and loaded.routine.title == "My routine"
    (error,) = library.errors
    assert error.location == "translations.de.steps.glides.cue"
    with pytest.raises(RoutineLoadError) as raised:
        parse_routine(text.encode(), Path("mine.toml"))
    assert [e.location for e in raised.value.errors] == ["translations.de.steps.glides.cue"]
    # A broken table of another language does not touch this one.
    french = load_library(app_paths, builtin_dir=tmp_path / "none", language="fr")
    assert french.routines[0].coverage is Coverage.MISSING


def test_step_ids_are_unique_in_a_routine() -> None:
    text = WITH_IDS.replace('id = "glides"', 'id = "squeeze"')
    with pytest.raises(RoutineLoadError) as raised:
        parse_routine(text.encode(), Path("mine.toml"))
    assert "each step id may be used once: squeeze" in str(raised.value)


def test_an_unknown_language_code_is_refused(tmp_path: Path) -> None:
    text = _in_file(GERMAN, code="Deutsch")
    with pytest.raises(RoutineLoadError) as raised:
        parse_routine(text.encode(), Path("mine.toml"))
    assert raised.value.errors[0].location.startswith("translations")


def test_the_translation_schema_is_in_sync_and_fits_a_translation() -> None:
    path = REPO / "routines" / "translations" / "translation.schema.json"
    assert path.read_text("utf-8") == translation_schema_text(), (
        "run python -m massage_timer.core.storage.schema")
    validator = jsonschema.Draft202012Validator(json.loads(path.read_text("utf-8")))
    validator.validate(tomllib.loads(GERMAN))
    assert list(validator.iter_errors(tomllib.loads(GERMAN + "\nextra = 1\n")))
    routine = jsonschema.Draft202012Validator(
        json.loads((REPO / "routines" / "routine.schema.json").read_text("utf-8")))
    routine.validate(tomllib.loads(_in_file(GERMAN)))


def test_every_shipped_translation_covers_its_routine() -> None:
    for file in sorted((REPO / "routines" / "translations").glob("*/*.toml")):
        loaded, errors = _only_shipped(file)
        assert errors == [] and loaded.coverage is Coverage.TRANSLATED, file


def _only_shipped(file: Path) -> tuple[LoadedRoutine, list[str]]:
    library = load_library(language=file.parent.name)
    errors = [str(e) for e in library.errors]
    loaded = library.get(file.stem)
    assert loaded is not None, f"{file}: no routine '{file.stem}'"
    return loaded, errors


# -- the checklist: all or nothing -------------------------------------------------

def _checklist_translation(**change: str) -> str:
    english = tomllib.loads((REPO / "assets" / "checklist.toml").read_text("utf-8"))
    lines = [
        f"version = {english['version']}",
        f'intro = "{change.get("intro", "Beantworte jede Frage ehrlich.")}"',
        'advice = "Bitte heute keine Massage."',
        "rules = [" + ", ".join(f'"Regel {i}"' for i, _ in enumerate(english["rules"])) + "]",
    ]
    for item in english["items"]:
        if item["id"] == change.get("drop"):
            continue
        lines += [f'[items.{item["id"]}]', f'question = "Frage {item["id"]}?"',
                  f'help = "Hilfe {item["id"]}."']
    text = "\n".join(lines) + "\n"
    version = f"version = {english['version']}"
    return text.replace(version, change.get("version", version))


def test_a_whole_checklist_translation_is_used(tmp_path: Path) -> None:
    write(tmp_path / "de", "checklist.toml", _checklist_translation())
    english = load_checklist(language="en")
    shown = localized_checklist(english, "de", folder=tmp_path)
    assert shown.coverage is Coverage.TRANSLATED and shown.language == "de"
    assert shown.value.intro == "Beantworte jede Frage ehrlich."
    assert all(item.question.startswith("Frage ") for item in shown.value.items)
    assert [i.id for i in shown.value.items] == [i.id for i in english.items]
    assert shown.value.version == english.version


@pytest.mark.parametrize(("change", "why"), [
    ({"drop": "fever"}, "questions not translated: fever"),
    ({"version": "version = 7"}, "translates version 7"),
])
def test_a_partial_checklist_translation_leaves_it_all_in_english(
    tmp_path: Path, change: dict[str, str], why: str
) -> None:
    write(tmp_path / "de", "checklist.toml", _checklist_translation(**change))
    english = load_checklist(language="en")
    shown = localized_checklist(english, "de", folder=tmp_path)
    assert shown.coverage is Coverage.INCOMPLETE and why in shown.reason
    assert shown.value == english


def test_a_broken_checklist_translation_leaves_it_all_in_english(tmp_path: Path) -> None:
    write(tmp_path / "de", "checklist.toml", _checklist_translation() + "\nextra = 1\n")
    english = load_checklist(language="en")
    shown = localized_checklist(english, "de", folder=tmp_path)
    assert shown.coverage is Coverage.INCOMPLETE and shown.value == english
    assert localized_checklist(english, "fr", folder=tmp_path).coverage is Coverage.MISSING
