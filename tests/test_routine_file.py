"""Writing routine files: unchanged files are written back byte for byte, edits keep
comments, what is written loads back identical, imports and exports go through the
one way in and out."""

from __future__ import annotations

from pathlib import Path

import pytest

from massage_timer.core.model.routine_data import (
    blank_routine,
    copy_data,
    free_id,
    routine_data,
    slug,
)
from massage_timer.core.storage import routine_file
from massage_timer.core.storage.files import UnusableFileError
from massage_timer.core.storage.loader import RoutineLoadError, load_library
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.toml_input import decode_toml

LIBRARY = load_library()
BUILTIN = list(LIBRARY.routines)


@pytest.mark.parametrize("loaded", BUILTIN, ids=lambda r: r.routine.id)
def test_an_unchanged_file_is_written_back_byte_for_byte(loaded) -> None:  # type: ignore[no-untyped-def]
    original = loaded.file.read_bytes()
    assert routine_file.render(decode_toml(original), original) == original


@pytest.mark.parametrize("loaded", BUILTIN, ids=lambda r: r.routine.id)
def test_a_routine_written_from_its_data_loads_back_identical(loaded) -> None:  # type: ignore[no-untyped-def]
    text = routine_file.render(routine_data(loaded.routine))
    assert routine_file.check(text, Path("x.toml")) == loaded.routine
    assert text.decode("utf-8").startswith("# A Massage Timer routine")


@pytest.mark.parametrize("loaded", BUILTIN, ids=lambda r: r.routine.id)
def test_reordered_steps_keep_their_tables(loaded) -> None:  # type: ignore[no-untyped-def]
    original = loaded.file.read_bytes()
    data = decode_toml(original)
    order = list(reversed(range(len(data["steps"]))))
    data["steps"] = [data["steps"][i] for i in order]
    text = routine_file.render(data, original, order)
    assert routine_file.check(text, loaded.file).steps == tuple(reversed(loaded.routine.steps))
    assert sorted(text.decode().splitlines()) == sorted(original.decode().splitlines())


def test_an_edit_keeps_comments_and_only_changes_what_changed() -> None:
    original = b'''# top
id = "a-b"  # the id
title = "T"
summary = "S"
version = "1.0"
position = "seated"
sources = ["x"]

[[steps]]
# a comment in a step
kind = "hold"
title = "One"
instruction = "Do it."
cue = "Go"
seconds = 20  # twenty
'''
    data = decode_toml(original)
    data["steps"][0]["seconds"] = 25
    data["title"] = "New"
    data["areas"] = ["scalenes"]
    data["steps"].append({"kind": "rest", "title": "Two", "instruction": "Rest.",
                          "cue": "Rest", "seconds": 5})
    text = routine_file.render(data, original, [0, None]).decode()
    assert 'id = "a-b"  # the id' in text
    assert 'title = "New"' in text
    assert "seconds = 25  # twenty" in text
    assert "# a comment in a step" in text and "# top" in text
    routine = routine_file.check(text.encode(), Path("a-b.toml"))
    assert [s.title for s in routine.steps] == ["One", "Two"]
    assert routine.areas == ("scalenes",)


def test_ids_are_made_from_titles_and_kept_free() -> None:
    assert slug("Evening: Shoulders & Neck!") == "evening-shoulders-neck"
    assert free_id("a-b", ["a-b", "a-b-2"]) == "a-b-3"
    assert free_id("x", []) == "my-routine"
    data = blank_routine(["my-routine"])
    assert data["id"] == "my-routine-2"
    assert copy_data(data) == data and copy_data(data) is not data


def test_import_and_export(tmp_path: Path) -> None:
    paths = AppPaths.portable(tmp_path / "portable")
    loaded = BUILTIN[0]
    incoming = routine_file.read_import(loaded.file)
    target = routine_file.import_into(paths.user_routines_dir, incoming, "my-copy")
    assert target.name == "my-copy.toml"
    copy = routine_file.check(target.read_bytes(), target)
    assert copy.id == "my-copy" and copy.steps == loaded.routine.steps
    out = tmp_path / "out.toml"
    routine_file.export(target, out)
    assert out.read_bytes() == target.read_bytes()
    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text("", encoding="utf-8")
    with pytest.raises(UnusableFileError):
        routine_file.export(target, paths.settings_file, protected=paths.protected_files)
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\n', encoding="utf-8")
    with pytest.raises(RoutineLoadError) as caught:
        routine_file.read_import(bad)
    assert any(e.location == "title" for e in caught.value.errors)
    with pytest.raises(RoutineLoadError):
        routine_file.save(tmp_path / "never.toml", b'id = "x"\n')
    assert not (tmp_path / "never.toml").exists(), "nothing invalid is written"


def test_an_import_never_writes_over_a_file_it_was_not_asked_to(tmp_path: Path) -> None:
    """The file named after an imported id may hold another routine (``neck.toml``
    with the id ``my-neck``) or one being written by hand that does not load yet: the
    import wrote over it without a word. It takes a free name now; only the file of
    the routine the person agreed to replace is written over."""
    folder = tmp_path / "routines"
    folder.mkdir()
    mine = folder / "neck.toml"
    mine.write_text("# my precious routine, half written\nid = \"my-neck\"\n", encoding="utf-8")
    link = folder / "neck-2.toml"
    link.symlink_to(tmp_path / "nowhere.toml")
    incoming = routine_file.read_import(BUILTIN[0].file)
    data = incoming.data.replace(f'id = "{incoming.routine.id}"'.encode(), b'id = "neck"')
    neck = routine_file.Incoming(incoming.source, data, routine_file.check(data, mine))
    target = routine_file.import_into(folder, neck)
    assert target == folder / "neck-3.toml"
    assert mine.read_text(encoding="utf-8").startswith("# my precious routine")
    assert link.is_symlink() and not (tmp_path / "nowhere.toml").exists()
    assert routine_file.check(target.read_bytes(), target).id == "neck"

    again = routine_file.import_into(folder, neck, replace=target)
    assert again == target and len(list(folder.glob("*.toml"))) == 3
    copy = routine_file.import_into(folder, neck, "neck-copy", title="Neck (copy)")
    routine = routine_file.check(copy.read_bytes(), copy)
    assert (copy.name, routine.id, routine.title) == ("neck-copy.toml", "neck-copy",
                                                      "Neck (copy)")
