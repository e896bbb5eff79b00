"""Checking files against the model: every problem reported in plain words, the
generated JSON Schema describing the same format, and no pydantic anywhere."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import msgspec
import pytest

from massage_timer.core.model.routine import Routine, Step, validate_routine
from massage_timer.core.model.safety import validate_checklist
from massage_timer.core.model.settings import Settings, validate_settings
from massage_timer.core.model.validation import Problem, ValidationError, convert
from massage_timer.core.storage.loader import RoutineLoadError, parse_routine
from massage_timer.core.storage.resources import builtin_routines_dir
from massage_timer.core.storage.schema import routine_schema
from tests.test_loader import GOOD

REPO = Path(__file__).resolve().parent.parent
SHIPPED = sorted(builtin_routines_dir().glob("*.toml"))


def _good() -> dict[str, Any]:
    return tomllib.loads(GOOD)


def _problems(doc: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as info:
        validate_routine(doc)
    return [str(p) for p in info.value.problems]


def _docs_example() -> dict[str, Any]:
    text = (REPO / "docs" / "routines.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", text, re.DOTALL)
    assert example is not None
    return tomllib.loads(example.group(1))


def test_every_broken_step_is_reported_not_only_the_first() -> None:
    """msgspec stops at its first error; a person fixing a file sees them all."""
    doc = _good()
    doc["title"] = ""
    doc["position"] = "upside down"
    doc["colour"] = "red"
    doc["steps"][0]["seconds"] = 601
    doc["steps"][0]["sides"] = ["left", "up"]
    doc["steps"][1]["reps"] = "six"
    doc["steps"].append({**doc["steps"][0], "seconds": 12, "sides": [], "kind": "strokes"})
    assert _problems(doc) == [
        "title: must have at least 1 character",
        "position: must be one of 'seated', 'standing', 'seated or standing', 'lying' "
        "or 'with partner'",
        "steps[0].seconds: must be less than or equal to 600",
        "steps[0].sides[1]: must be one of 'left' or 'right'",
        "steps[1].reps: must be a whole number, not text",
        "steps[2]: a strokes step needs both 'reps' and 'cadence'",
        "colour: is not a known key (check its spelling)",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"id": "My Routine"}, "id: must match the pattern '^[a-z0-9]+(?:-[a-z0-9]+)*$'"),
        ({"steps": []}, "steps: must have at least 1 item"),
        ({"sources": ["a"] * 11}, "sources: must have at most 10 items"),
        ({"cautions": "Careful."}, "cautions: must be a list, not text"),
        ({"steps": {"kind": "hold"}}, "steps: must be a list, not a table"),
        ({"version": 1}, "version: must be text, not a whole number"),
    ],
)
def test_plain_words_for_each_kind_of_problem(change: dict[str, Any], expected: str) -> None:
    assert _problems({**_good(), **change}) == [expected]


def test_a_missing_step_key_and_an_unknown_one_are_both_named() -> None:
    doc = _good()
    del doc["steps"][1]["cue"]
    doc["steps"][1]["cues"] = "Glide"
    assert _problems(doc) == [
        "steps[1].cue: is required but missing",
        "steps[1].cues: is not a known key (check its spelling)",
    ]


def test_rules_across_fields_come_once_the_fields_are_right() -> None:
    doc = _good()
    doc["areas"] = ["elbow"]
    assert _problems(doc) == ["(top level): unknown region 'elbow' in areas"]


def test_text_is_read_without_the_spaces_around_it() -> None:
    """As before: a padded title is the title, a blank one is missing text; the
    values of choices are not text and are not stripped."""
    doc = _good()
    doc["title"] = "  My routine \n"
    doc["sources"] = [" 003_2a4f22a78dc486f7.txt "]
    doc["steps"][0]["regions"] = [" upper-trapezius"]
    routine = validate_routine(doc)
    assert routine.title == "My routine"
    assert routine.sources == ("003_2a4f22a78dc486f7.txt",)
    assert routine.steps[0].regions == ("upper-trapezius",)
    assert doc["title"] == "  My routine \n", "the caller's data is left as it was"
    assert _problems({**_good(), "summary": "   "}) == ["summary: must have at least 1 character"]
    assert _problems({**_good(), "position": " seated"})[0].startswith("position: must be one of")
    assert validate_routine({**_good(), "title": " " * 90 + "x"}).title == "x"


def test_a_text_that_shows_nothing_is_missing_text() -> None:
    """A title of zero-width spaces, word joiners and soft hyphens passed, and the
    library showed a blank row; text with such characters inside it is kept as it is."""
    for unseen in ("\u200b\u2060\u00ad", "\ufeff", "\u200e\u3000\u200b"):
        assert _problems({**_good(), "title": unseen}) == [
            "title: must have at least 1 character"], repr(unseen)
    kept = "\u200fنَفَس\u200b عميق"
    assert validate_routine({**_good(), "title": kept}).title == kept


def test_numbers_written_as_text_still_count_and_true_is_not_a_number() -> None:
    """pydantic's lax reading took ``seconds = "30"`` (kept) and ``seconds = true``
    as 1 s (no longer: a boolean where a number belongs is a mistake)."""
    doc = _good()
    doc["steps"][0]["seconds"] = "30"
    assert validate_routine(doc).steps[0].seconds == 30
    doc["steps"][0]["seconds"] = True
    assert _problems(doc) == ["steps[0].seconds: must be a number, not true or false"]


def test_the_loader_keeps_the_file_location_message_shape() -> None:
    text = GOOD.replace("seconds = 12", "seconds = 0").replace("reps = 6", "reps = 60")
    with pytest.raises(RoutineLoadError) as info:
        parse_routine(text.encode(), Path("r.toml"))
    assert [str(e) for e in info.value.errors] == [
        "r.toml: steps[0].seconds: must be greater than or equal to 1",
        "r.toml: steps[1].reps: must be less than or equal to 50",
    ]


def test_settings_problems_name_the_settings() -> None:
    with pytest.raises(ValidationError) as info:
        validate_settings({"voice_rate": 9000, "active_days": [1, 9], "theme": "purple"})
    assert info.value.fields == {"voice_rate", "active_days", "theme"}
    assert Problem("theme", "must be one of 'system', 'light' or 'dark'") in info.value.problems
    with pytest.raises(ValidationError) as info:
        validate_settings({"paused_until": "2026-03-02T13:00:00"})
    assert info.value.problems == [
        Problem("paused_until", "must be a date and time with its time zone")
    ]
    with pytest.raises(ValidationError, match="voice_rat: is not a known key"):
        validate_settings({"voice_rat": 100})


def test_the_checklist_is_checked_like_a_routine() -> None:
    doc = {"version": 0, "intro": " Hi ", "advice": "a", "rules": ["r"],
           "items": [{"id": "A b", "question": "q", "help": "h"}]}
    with pytest.raises(ValidationError) as info:
        validate_checklist(doc)
    assert [p.location for p in info.value.problems] == ["version", "items[0].id"]
    assert validate_checklist({**doc, "version": 1, "items": [
        {"id": "a", "question": " q ", "help": "h"}]}).items[0].question == "q"


def test_the_models_are_frozen_and_compare_by_value() -> None:
    routine = validate_routine(_good())
    assert routine == validate_routine(_good()) and hash(routine) == hash(validate_routine(_good()))
    with pytest.raises(AttributeError):
        routine.title = "Other"  # type: ignore[misc]
    assert isinstance(routine.steps[0], Step)
    assert convert(msgspec.to_builtins(Settings()), Settings) == Settings()


# -- the JSON Schema ---------------------------------------------------------------------

jsonschema = pytest.importorskip("jsonschema")

INVALID: list[tuple[str, dict[str, Any]]] = [
    ("unknown key", {"colour": "red"}),
    ("unknown step key", {"steps": [{**tomllib.loads(GOOD)["steps"][0], "secnds": 3}]}),
    ("missing summary", {"summary": None}),
    ("bad slug", {"id": "My Routine"}),
    ("bad version", {"version": "one"}),
    ("bad position", {"position": "upside down"}),
    ("bad equipment", {"equipment": ["hammer"]}),
    ("no steps", {"steps": []}),
    ("too many sources", {"sources": ["a"] * 11}),
    ("path as region", {"areas": ["../../etc/passwd"]}),
    ("long title", {"title": "x" * 81}),
    ("step too long", {"steps": [{**tomllib.loads(GOOD)["steps"][0], "seconds": 601}]}),
    ("three sides", {"steps": [{**tomllib.loads(GOOD)["steps"][0],
                                "sides": ["left", "right", "left"]}]}),
    ("bad kind", {"steps": [{**tomllib.loads(GOOD)["steps"][0], "kind": "jump"}]}),
    ("too many reps", {"steps": [{**tomllib.loads(GOOD)["steps"][1], "reps": 51}]}),
    ("negative rest", {"steps": [{**tomllib.loads(GOOD)["steps"][0], "rest_after": -1}]}),
]


def _document(change: dict[str, Any]) -> dict[str, Any]:
    doc = {**_good(), **change}
    return {key: value for key, value in doc.items() if value is not None}


@pytest.fixture(scope="module")
def schema_validator() -> Any:
    schema = json.loads((REPO / "routines" / "routine.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_schema_describes_the_routine_at_its_top() -> None:
    schema = routine_schema()
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    # The file's [translations.<code>] tables are read beside the model, not into it.
    assert set(schema["properties"]) == {*Routine.__struct_fields__, "translations"}
    assert schema["required"] == ["id", "title", "summary", "version", "position", "sources",
                                  "steps"]
    step = schema["$defs"]["Step"]
    assert step["additionalProperties"] is False
    assert set(step["properties"]) == set(Step.__struct_fields__)
    assert step["properties"]["seconds"]["anyOf"][0] == {
        "description": "Length of a hold or rest (per side), in seconds.",
        "type": "number", "minimum": 1, "maximum": 600,
    }
    assert sorted(schema["$defs"]["Position"]["enum"]) == sorted(
        ["seated", "standing", "seated or standing", "lying", "with partner"]
    )


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_routine_fits_the_schema(path: Path, schema_validator: Any) -> None:
    schema_validator.validate(tomllib.loads(path.read_text(encoding="utf-8")))


def test_the_documented_example_fits_the_schema(schema_validator: Any) -> None:
    schema_validator.validate(_docs_example())
    schema_validator.validate(_good())


@pytest.mark.parametrize(("change"), [c for _, c in INVALID], ids=[n for n, _ in INVALID])
def test_invalid_documents_are_refused_by_the_model_and_the_schema(
    change: dict[str, Any], schema_validator: Any
) -> None:
    doc = _document(change)
    with pytest.raises(ValidationError):
        validate_routine(doc)
    assert not schema_validator.is_valid(doc)


# -- no pydantic -----------------------------------------------------------------------

USE_EVERYTHING = """
import sys
from pathlib import Path
from massage_timer.core.model.settings import Settings, replace
from massage_timer.core.storage.checklist_file import load_checklist
from massage_timer.core.storage.loader import load_library
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.schema import routine_schema_text
from massage_timer.core.storage.settings_file import load_settings, save_settings
paths = AppPaths.portable(Path(sys.argv[1]))
save_settings(paths.settings_file, replace(Settings(), voice_rate=120))
settings, notices = load_settings(paths.settings_file)
library = load_library(paths)
checklist = load_checklist()
routine_schema_text()
print(settings.voice_rate, len(library.routines), len(library.errors), len(notices),
      len(checklist.items) > 0, "pydantic" in sys.modules)
"""


def test_the_app_imports_no_pydantic_at_all(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", USE_EVERYTHING, str(tmp_path)],
        capture_output=True, text=True, timeout=60, check=True, cwd=REPO,
    )
    assert proc.stdout.split() == ["120", "8", "0", "0", "True", "False"]
    assert not (tmp_path / "cache").exists(), "nothing is cached: every start checks"


def test_instruction_placeholders_and_the_new_strokes_fields_are_checked() -> None:
    from routine_factory import hold, make_routine, strokes

    sided = make_routine(hold("Press your {side} shoulder", sides=["left", "right"])).steps[0]
    assert sided.part_line(0) == "Do Press your left shoulder."
    assert sided.spoken_instruction("right") == "Do Press your right shoulder."
    assert sided.part_line(1) == "Now the right side."
    unmarked = make_routine(hold("Press", sides=["left", "right"])).steps[0]
    assert unmarked.part_line(0) == "Do Press. Work on your left side."
    for bad, message in [
        (hold("Press {where}", sides=["left"]), "unknown placeholder '{where}'"),
        (hold("Press {side}"), "needs 'sides'"),
        (hold("Press {side"), "brace"),
        (hold("Press", hold=2), "strokes steps only"),
        (strokes("Tuck", cadence=3, hold=3), "at most cadence - 1"),
        (strokes("Tuck", unit="kneads"), "unit"),
    ]:
        with pytest.raises(ValidationError, match=re.escape(message)):
            make_routine(bad)
    tucks = make_routine(strokes("Tuck", cadence=6, hold=5, unit="tucks")).steps[0]
    assert tucks.repetition_unit.word(1) == "tuck" and tucks.repetition_unit.word(2) == "tucks"
