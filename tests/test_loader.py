"""Routine files: one test per class of error, overrides, and a property test."""

from __future__ import annotations

import json
import math
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from massage_timer.core.storage.loader import (
    Origin,
    RoutineLoadError,
    load_library,
    load_routine_file,
    parse_routine,
)
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.schema import routine_schema_text

GOOD = """\
id = "my-routine"
title = "My routine"
summary = "A short routine of my own."
version = "1.0"
position = "seated"
equipment = ["none"]
areas = ["upper-trapezius", "suboccipitals"]
sources = ["003_2a4f22a78dc486f7.txt"]
cautions = ["Stop at any sharp pain."]

[[steps]]
kind = "hold"
title = "Shoulder squeeze"
instruction = "Squeeze the top of your {side} shoulder and hold."
cue = "Squeeze and hold"
seconds = 12
sides = ["left", "right"]
regions = ["upper-trapezius"]
pressure = "moderate"

[[steps]]
kind = "strokes"
title = "Glides"
instruction = "Glide your fingers down the back of your neck."
cue = "Glide down"
reps = 6
cadence = 3
regions = ["suboccipitals"]
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def errors_for(text: str, tmp_path: Path) -> list[str]:
    path = write(tmp_path, "r.toml", text)
    with pytest.raises(RoutineLoadError) as info:
        load_routine_file(path)
    for error in info.value.errors:
        assert error.file == path
    return [f"{e.location}: {e.message}" for e in info.value.errors]


def test_good_file_loads(tmp_path: Path) -> None:
    routine = load_routine_file(write(tmp_path, "r.toml", GOOD))
    assert routine.id == "my-routine"
    assert routine.steps[0].parts == ("left", "right")
    assert routine.steps[0].part_line(0) == "Squeeze the top of your left shoulder and hold."
    # get ready 7 s (8 words, estimated long at the default voice rate: see
    # speech_timing), 12 s left, switch 5 s, 12 s right; then 7 s + 18 s
    assert routine.total_seconds() == (7 + 12 + 5 + 12) + (7 + 18)


def test_toml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    (msg,) = errors_for(GOOD.replace('title = "My routine"', 'title = "My routine'), tmp_path)
    assert msg.startswith("line 2, column ")
    assert "TOML syntax error" in msg


def test_unknown_key_is_an_error_not_a_default(tmp_path: Path) -> None:
    (msg,) = errors_for(GOOD.replace("seconds = 12", "secnds = 12\nseconds = 12"), tmp_path)
    assert msg == "steps[0].secnds: is not a known key (check its spelling)"


def test_missing_field_is_named(tmp_path: Path) -> None:
    msgs = errors_for(GOOD.replace('summary = "A short routine of my own."\n', ""), tmp_path)
    assert msgs == ["summary: is required but missing"]


def test_out_of_range_duration(tmp_path: Path) -> None:
    (msg,) = errors_for(GOOD.replace("seconds = 12", "seconds = 601"), tmp_path)
    assert msg.startswith("steps[0].seconds: ")
    assert "600" in msg


def test_wrong_type(tmp_path: Path) -> None:
    (msg,) = errors_for(GOOD.replace("reps = 6", 'reps = "six"'), tmp_path)
    assert msg.startswith("steps[1].reps: ")


def test_bad_enum_lists_choices(tmp_path: Path) -> None:
    (msg,) = errors_for(GOOD.replace('position = "seated"', 'position = "upside down"'), tmp_path)
    assert msg.startswith("position: must be one of ")
    assert "'standing'" in msg


def test_strokes_need_reps_and_cadence(tmp_path: Path) -> None:
    (msg,) = errors_for(GOOD.replace("reps = 6\n", ""), tmp_path)
    assert msg == "steps[1]: a strokes step needs both 'reps' and 'cadence'"


def test_unknown_region_and_path_like_region(tmp_path: Path) -> None:
    (msg,) = errors_for(
        GOOD.replace('regions = ["suboccipitals"]', 'regions = ["elbow"]'), tmp_path
    )
    assert msg == "steps[1]: unknown region 'elbow'"
    (msg,) = errors_for(
        GOOD.replace('regions = ["suboccipitals"]', 'regions = ["../../etc/passwd"]'), tmp_path
    )
    assert msg.startswith("steps[1].regions[0]: ")


def test_routine_longer_than_an_hour(tmp_path: Path) -> None:
    steps = "".join(
        f'\n[[steps]]\nkind = "hold"\ntitle = "H{i}"\ninstruction = "Hold."\ncue = "Hold"\n'
        "seconds = 600\n"
        for i in range(7)
    )
    (msg,) = errors_for(GOOD + steps, tmp_path)
    assert msg.startswith("(top level): the routine lasts ")
    assert "at most 60 minutes" in msg


def test_bad_slug_and_version(tmp_path: Path) -> None:
    msgs = errors_for(
        GOOD.replace('id = "my-routine"', 'id = "My Routine"').replace('"1.0"', '"one"'),
        tmp_path,
    )
    assert [m.split(":")[0] for m in msgs] == ["id", "version"]


def test_overlong_text(tmp_path: Path) -> None:
    (msg,) = errors_for(GOOD.replace('cue = "Glide down"', f'cue = "{"x" * 500}"'), tmp_path)
    assert msg.startswith("steps[1].cue: ")


def test_file_too_large(tmp_path: Path) -> None:
    (msg,) = errors_for(GOOD + "#" * (300 * 1024), tmp_path)
    assert msg.startswith("(file): is ")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "r.toml"
    path.write_bytes(b'title = "\xff\xfe"')
    with pytest.raises(RoutineLoadError) as info:
        load_routine_file(path)
    assert info.value.errors[0].message == "is not UTF-8 text"


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(RoutineLoadError) as info:
        load_routine_file(tmp_path / "missing.toml")
    assert "cannot be read" in info.value.errors[0].message


def test_one_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    builtin = tmp_path / "builtin"
    write(builtin, "a.toml", GOOD)
    write(builtin, "b.toml", GOOD.replace("my-routine", "other").replace("seconds = 12", "x = 1"))
    write(builtin, "c.toml", GOOD.replace("my-routine", "third").replace("My routine", "Third"))
    library = load_library(None, builtin_dir=builtin)
    assert [r.routine.id for r in library.routines] == ["my-routine", "third"]
    assert len(library.errors) >= 1
    assert all(e.file.name == "b.toml" for e in library.errors)


def test_user_routine_overrides_builtin_visibly(tmp_path: Path) -> None:
    builtin = tmp_path / "builtin"
    write(builtin, "a.toml", GOOD)
    paths = AppPaths.portable(tmp_path / "app")
    user_file = write(paths.user_routines_dir, "mine.toml", GOOD.replace("My routine", "Mine"))
    library = load_library(paths, builtin_dir=builtin)
    (loaded,) = library.routines
    assert loaded.routine.title == "Mine"
    assert loaded.origin is Origin.USER
    assert loaded.file == user_file
    assert loaded.overrides == builtin / "a.toml"


def test_duplicate_id_in_one_folder_is_reported(tmp_path: Path) -> None:
    builtin = tmp_path / "builtin"
    write(builtin, "a.toml", GOOD)
    write(builtin, "b.toml", GOOD)
    library = load_library(None, builtin_dir=builtin)
    assert len(library.routines) == 1
    assert "already used by a.toml" in library.errors[0].message


def test_extra_routines_dir_and_missing_dir(tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    write(extra, "x.toml", GOOD.replace("my-routine", "extra-one"))
    paths = AppPaths.from_options(tmp_path / "app", [extra, tmp_path / "nope"])
    library = load_library(paths, builtin_dir=tmp_path / "empty")
    assert [r.routine.id for r in library.routines] == ["extra-one"]
    assert library.routines[0].origin is Origin.EXTRA
    assert any(e.message == "does not exist" for e in library.errors)


def test_a_changed_file_is_checked_again(app_paths: AppPaths) -> None:
    app_paths.user_routines_dir.mkdir(parents=True)
    file = write(app_paths.user_routines_dir, "mine.toml", GOOD)
    assert not load_library(app_paths).errors
    file.write_text(GOOD.replace("seconds = 12", "seconds = 0"), encoding="utf-8")
    library = load_library(app_paths)
    assert [(e.file, e.location) for e in library.errors] == [(file, "steps[0].seconds")]
    assert library.get("my-routine") is None


def test_schema_file_is_in_sync_with_the_model(repo_root: Path) -> None:
    shipped = (repo_root / "routines" / "routine.schema.json").read_text(encoding="utf-8")
    assert shipped == routine_schema_text(), (
        "routines/routine.schema.json is stale: run python -m massage_timer.core.storage.schema"
    )
    schema = json.loads(shipped)
    assert schema["additionalProperties"] is False
    assert "steps" in schema["required"]


TOML_ATOMS = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.booleans(),
    st.text(max_size=30),
)
TOML_KEYS = st.sampled_from(
    [
        "id",
        "title",
        "summary",
        "version",
        "position",
        "equipment",
        "areas",
        "sources",
        "cautions",
        "steps",
        "kind",
        "seconds",
        "reps",
        "cadence",
        "sides",
        "regions",
        "x",
    ]
)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(value)


@given(st.dictionaries(TOML_KEYS, TOML_ATOMS, max_size=8))
def test_random_documents_only_raise_the_loaders_error(doc: dict[str, object]) -> None:
    text = "\n".join(f"{k} = {_toml_value(v)}" for k, v in doc.items())
    try:
        parse_routine(text.encode(), Path("random.toml"))
    except RoutineLoadError as exc:
        assert exc.errors
        assert all(e.file == Path("random.toml") and e.location and e.message for e in exc.errors)


@given(
    st.integers(0, len(GOOD) - 1),
    st.integers(0, 40),
    st.text(alphabet=string.printable, max_size=12),
)
def test_mutated_files_only_raise_the_loaders_error(start: int, cut: int, insert: str) -> None:
    text = GOOD[:start] + insert + GOOD[start + cut :]
    try:
        parse_routine(text.encode(), Path("mutated.toml"))
    except RoutineLoadError as exc:
        assert all(e.location and e.message for e in exc.errors)


@given(st.binary(max_size=300))
def test_random_bytes_only_raise_the_loaders_error(data: bytes) -> None:
    try:
        parse_routine(data, Path("bytes.toml"))
    except RoutineLoadError as exc:
        assert exc.errors


def test_folders_that_cannot_be_read_are_said_and_the_rest_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An unreadable routines folder was taken for an empty one, without a word, and
    the person's routines were simply gone; a folder above it that could not be read
    (a data folder made by one ``sudo massage-timer``) ended the app in a traceback
    before any window. (Permissions are faked: the tests may run as root.)"""
    builtin = tmp_path / "builtin"
    write(builtin, "a.toml", GOOD)
    paths = AppPaths.from_options(tmp_path / "app", [tmp_path / "locked" / "team"])
    write(paths.user_routines_dir, "mine.toml", GOOD.replace("my-routine", "mine"))
    real_iterdir, real_is_dir = Path.iterdir, Path.is_dir

    def iterdir(self: Path):  # type: ignore[no-untyped-def]
        # Listing a folder raises for itself, or for one under a folder that cannot
        # be read, as the OS does.
        if self == paths.user_routines_dir or self.is_relative_to(tmp_path / "locked"):
            raise PermissionError(13, "Permission denied", str(self))
        return real_iterdir(self)

    def is_dir(self: Path) -> bool:
        if self.is_relative_to(tmp_path / "locked"):
            raise PermissionError(13, "Permission denied", str(self))
        return real_is_dir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    monkeypatch.setattr(Path, "is_dir", is_dir)
    library = load_library(paths, builtin_dir=builtin)
    assert [r.routine.id for r in library.routines] == ["my-routine"]
    said = {(e.file, e.location, e.message) for e in library.errors}
    assert said == {
        (paths.user_routines_dir, "(folder)", "cannot be read: Permission denied"),
        (tmp_path / "locked" / "team", "(folder)", "cannot be read: Permission denied"),
    }
