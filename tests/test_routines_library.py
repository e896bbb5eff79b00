"""The built-in routine library: valid, grounded in the sources, drawable, sensible."""

from __future__ import annotations

import re
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from massage_timer.core.model import regions
from massage_timer.core.model.routine import (
    MAX_STEP_SECONDS,
    Routine,
    Step,
    StepKind,
    validate_routine,
)
from massage_timer.core.storage.loader import load_library, load_routine_file
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.resources import asset, builtin_routines_dir

SEED_NAMES = {
    "000_e9000c0d7c71ee0d.txt",
    "001_1e45ebe971a9ae8f.txt",
    "002_eba12e95a4d3e7e3.txt",
    "003_2a4f22a78dc486f7.txt",
    "004_2e81362361578eba.txt",
}
SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"
EXPECTED_IDS = {
    "neck-full-self-massage",
    "sore-neck-squeeze-release",
    "desk-micro-break",
    "tennis-ball-wall",
    "suboccipital-release-lying",
    "tension-headache-relief",
    "upper-back-mobility",
    "partner-upper-back",
}
FILES = sorted(builtin_routines_dir().glob("*.toml"))


def _load(path: Path) -> Routine:
    return load_routine_file(path)


def _svg_ids(view: regions.View) -> set[str]:
    root = ET.parse(asset("diagrams", f"{view.value}.svg")).getroot()
    return {el.attrib["id"] for el in root.iter() if "id" in el.attrib}


def _by_id() -> dict[str, Routine]:
    return {r.id: r for r in map(_load, FILES)}


def test_the_library_holds_the_eight_routines_named_by_id() -> None:
    routines = {path.stem: _load(path) for path in FILES}
    assert set(routines) >= EXPECTED_IDS
    for stem, routine in routines.items():
        assert routine.id == stem


def test_library_loads_without_errors(app_paths: AppPaths) -> None:
    library = load_library(app_paths)
    assert library.errors == []
    assert {loaded.routine.id for loaded in library.routines} >= EXPECTED_IDS


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_file_is_plain_valid_toml(path: Path) -> None:
    routine = validate_routine(tomllib.loads(path.read_text(encoding="utf-8")))
    assert routine.steps


def test_every_region_id_is_drawn_in_its_view() -> None:
    drawn = {view: _svg_ids(view) for view in regions.View}
    for rid, region in regions.REGIONS.items():
        assert rid in drawn[region.view], rid
    for zone, (_, view) in regions.AVOID_ZONES.items():
        assert zone in drawn[view], zone
    for landmark in regions.LANDMARKS:
        assert landmark in drawn[regions.View.BACK], landmark


def test_every_region_used_by_a_routine_exists_in_a_diagram() -> None:
    drawn = _svg_ids(regions.View.BACK) | _svg_ids(regions.View.SIDE)
    for routine in _by_id().values():
        used = list(routine.areas) + [rid for step in routine.steps for rid in step.regions]
        assert used, routine.id
        for rid in regions.resolve(used):
            assert rid in drawn, (routine.id, rid)


def test_each_routine_cites_existing_sources() -> None:
    for routine in _by_id().values():
        assert set(routine.sources) <= SEED_NAMES, routine.id
        if SEEDS_DIR.is_dir():
            for name in routine.sources:
                assert (SEEDS_DIR / name).is_file(), name


def test_desk_micro_break_lasts_three_to_five_minutes() -> None:
    routine = _by_id()["desk-micro-break"]
    assert 3 * 60 <= routine.total_seconds(include_optional=False) <= 5 * 60
    assert tuple(routine.equipment) == ("none",)
    assert routine.position == "seated"


def test_routines_are_a_sensible_length() -> None:
    for routine in _by_id().values():
        minutes = routine.total_seconds(include_optional=False) / 60
        assert 3 <= minutes <= 15, (routine.id, minutes)


def _steps_matching(word: str) -> list[tuple[str, Step]]:
    return [
        (r.id, s)
        for r in _by_id().values()
        for s in r.steps
        if re.search(word, f"{s.title} {s.instruction}", re.IGNORECASE)
    ]


@pytest.mark.parametrize(
    ("pattern", "low", "high"),
    [
        (r"side(-neck)? stretch", 20, 30),  # 001: 20 s; 003: 20-30 s per side
        (r"knot hold", 10, 20),  # 002: trigger point 10-20 s
        (r"squeeze near|squeeze midway", 10, 15),  # 003: squeeze 10-15 s
        (r"wall", 30, 60),  # 003: ball on the wall 30-60 s
        (r"warm", 60, MAX_STEP_SECONDS),  # 002: about ten minutes
    ],
)
def test_holds_stay_within_the_sources_ranges(pattern: str, low: float, high: float) -> None:
    steps = [(rid, s) for rid, s in _steps_matching(pattern) if s.kind is StepKind.HOLD]
    assert steps, pattern
    for rid, step in steps:
        assert step.seconds is not None
        assert low <= step.seconds <= high, (rid, step.title, step.seconds)


def test_counted_moves_stay_within_the_sources_ranges() -> None:
    for rid, step in _steps_matching(r"chin tuck"):
        assert step.reps is not None and step.cadence is not None
        assert 5 <= step.reps <= 10 and step.cadence >= 5, (rid, step.title)
    for rid, step in _steps_matching(r"neck turns|glides"):
        assert step.reps is not None and 5 <= step.reps <= 10, (rid, step.title)


def test_warm_compress_steps_are_optional() -> None:
    found = _steps_matching(r"warm compress")
    assert len(found) >= 2
    for rid, step in found:
        assert step.optional, (rid, step.title)


def test_one_sided_techniques_are_timed_per_side() -> None:
    for routine in _by_id().values():
        for step in routine.steps:
            assert not re.search(r"\bthis (side|shoulder)\b", step.instruction), step.title
            assert ("{side}" in step.instruction) == bool(step.sides), (routine.id, step.title)
            for side in step.sides:
                assert side in step.spoken_instruction(side), (routine.id, step.title)
            if step.sides:
                assert set(step.sides) == {"left", "right"}, (routine.id, step.title)


def test_instructions_and_cues_are_short() -> None:
    for routine in _by_id().values():
        for step in routine.steps:
            sentences = [s for s in re.split(r"(?<=[.!?])\s+", step.instruction) if s]
            assert 1 <= len(sentences) <= 2, (routine.id, step.title)
            assert len(step.instruction) <= 160, (routine.id, step.title)
            assert len(step.cue) <= 40, (routine.id, step.cue)


def test_no_instruction_or_cue_writes_a_number_of_its_own() -> None:
    """Times and counts are the step's fields (``seconds``, ``reps``, ``hold``), which
    the player shows and the voice says: the chin tucks' cue once read "hold 5 s"
    beside ``hold = 5`` in every language, and would have gone on saying 5 after an
    edit to the hold. The words, in the source and every translation, carry none."""
    texts: list[tuple[str, str]] = []
    for routine in _by_id().values():
        texts += [(f"{routine.id}/{step.id}", text) for step in routine.steps
                  for text in (step.instruction, step.cue)]
    for path in sorted((builtin_routines_dir() / "translations").glob("*/*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        texts += [(f"{path.parent.name}/{path.stem}/{step_id}", step.get(field, ""))
                  for step_id, step in data.get("steps", {}).items()
                  for field in ("instruction", "cue")]
    assert len(texts) > 100
    assert [(where, text) for where, text in texts if re.search(r"\d", text)] == []


def test_cautions_name_the_zones_never_to_press() -> None:
    for routine in _by_id().values():
        text = " ".join(routine.cautions).lower()
        assert "spine" in text, routine.id
        assert re.search(r"sharp pain|stop", text), routine.id
        if any(
            rid in {"suboccipitals", "scalenes", "sternocleidomastoid", "levator-scapulae"}
            for rid in routine.areas
        ):
            assert "neck" in text and "front" in text, routine.id


def test_headache_routine_warns_about_red_flags() -> None:
    text = " ".join(_by_id()["tension-headache-relief"].cautions).lower()
    for phrase in ("sudden", "severe", "fever", "vision", "doctor"):
        assert phrase in text


def test_partner_routine_speaks_to_the_partner() -> None:
    routine = _by_id()["partner-upper-back"]
    assert routine.position == "with partner"
    for step in routine.steps:
        assert not re.search(r"\byour (neck|shoulders?|back|head)\b", step.instruction), step.title
    mentions = [s for s in routine.steps if "partner" in s.instruction]
    assert len(mentions) >= 3
    assert sum(1 for s in routine.steps if "ask" in s.instruction.lower()) >= 2


def test_the_documented_example_is_a_valid_routine() -> None:
    docs = Path(__file__).resolve().parents[1] / "docs" / "routines.md"
    example = re.search(r"```toml\n(.*?)```", docs.read_text(encoding="utf-8"), re.DOTALL)
    assert example is not None
    routine = validate_routine(tomllib.loads(example.group(1)))
    assert routine.steps[-1].optional
    assert routine.total_seconds(include_optional=False) == (10 + 30 + 5 + 30) + (8 + 20 + 5 + 20)


@pytest.mark.parametrize("rate", [80, 160, 300])
def test_every_instruction_fits_its_get_ready_time(rate: int) -> None:
    """Spoken at the slowest, the default and the fastest voice rate, an instruction
    ends before the work starts: by the estimate the plan uses at every rate, and at
    the default rate also by plain word count (a rate's words a minute overstate
    espeak-ng's real clips at 80: ``tests/test_speech_timing.py`` measures them)."""
    from massage_timer.core.model.routine import StepKind
    from massage_timer.core.model.settings import Settings
    from massage_timer.core.model.speech_timing import SpeechTiming
    from massage_timer.core.storage.loader import load_library

    timing = SpeechTiming(rate)
    words_per_second = rate / 60
    for loaded in load_library(None).routines:
        for step in loaded.routine.steps:
            if step.kind is StepKind.REST:
                continue
            prepare = timing.prepare_seconds(step)
            if rate == Settings().voice_rate:
                speaking = len(step.instruction.split()) / words_per_second
                assert speaking <= prepare, (loaded.routine.id, step.title)
            assert timing.speaking_seconds(step.instruction) <= prepare, (
                loaded.routine.id, step.title)
