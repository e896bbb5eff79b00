"""Writing routine files: saved from the editor, imported, exported.

A file is written with tomlkit, so a routine written by hand keeps its comments and
layout when it is edited in the app: only the values that changed are replaced, and a
step keeps its table (and the comments in it) when steps are reordered. Every file is
checked by the one way in (:func:`~massage_timer.core.storage.loader.parse_routine`)
before it is written, and written atomically.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec
import tomlkit
from tomlkit.container import Container
from tomlkit.items import AoT, Item, Table

from massage_timer.core.model.routine import Routine
from massage_timer.core.model.routine_data import ROUTINE_KEYS, STEP_KEYS
from massage_timer.core.storage.files import replace_file, write_output
from massage_timer.core.storage.loader import parse_routine, read_routine_bytes

HEADER = "# A Massage Timer routine (see docs/routines.md). Edited in the app.\n"


def _decode(original: bytes | None) -> tomlkit.TOMLDocument:
    if not original:
        return tomlkit.document()
    text = original.decode("utf-8-sig")
    return tomlkit.parse(text)


def _same(old: Any, new: Any) -> bool:
    unwrapped = old.unwrap() if isinstance(old, Item) else old
    return bool(unwrapped == new and type(unwrapped) is type(new)) or (
        isinstance(new, float | int) and not isinstance(new, bool)
        and isinstance(unwrapped, float | int) and not isinstance(unwrapped, bool)
        and float(unwrapped) == float(new) and type(unwrapped) is type(new)
    )


def _update(table: Container | Table, data: Mapping[str, Any], order: Sequence[str]) -> None:
    """Set ``table``'s keys to ``data``, touching only what changed; keep comments."""
    for key in [k for k in table if k not in data and k != "steps"]:
        del table[key]
    for key in sorted(data, key=lambda k: order.index(k) if k in order else len(order)):
        value = data[key]
        if key == "steps":
            continue
        old = table.get(key)
        if old is not None and _same(old, value):
            continue
        item = tomlkit.item(value)
        if isinstance(old, Item) and old.trivia.comment:
            item.trivia.comment_ws = old.trivia.comment_ws
            item.trivia.comment = old.trivia.comment
        table[key] = item


def render(
    data: Mapping[str, Any],
    original: bytes | None = None,
    step_origins: Sequence[int | None] | None = None,
) -> bytes:
    """The TOML text of ``data``, as an edit of ``original`` when there is one.

    ``step_origins[i]`` is the index in ``original`` of the step now at ``i`` (None for
    a new step); by default each step is the one at its place.
    """
    doc = _decode(original)
    if not original:
        doc.add(tomlkit.comment(HEADER.strip().lstrip("# ")))
    _update(doc, {k: v for k, v in data.items() if k != "steps"}, ROUTINE_KEYS)
    steps = list(data.get("steps", []))
    old = doc.get("steps")
    old_tables = list(old) if isinstance(old, AoT) else []
    if step_origins is None:
        step_origins = list(range(len(steps)))
    tables: list[Table] = []
    used: set[int] = set()
    for step, origin in zip(steps, step_origins, strict=True):
        if origin is not None and 0 <= origin < len(old_tables) and origin not in used:
            used.add(origin)
            table = old_tables[origin]
        else:
            table = tomlkit.table()
        _update(table, step, STEP_KEYS)
        tables.append(table)
    if not tables:
        if "steps" in doc:
            del doc["steps"]
    elif isinstance(old, AoT):
        # Rebuilt as parsed, so each table keeps its own layout (an AoT made empty and
        # appended to would re-order a table's keys).
        doc["steps"] = AoT(tables, parsed=True)
    else:
        aot = tomlkit.aot()
        for table in tables:
            aot.append(table)
        doc["steps"] = aot
    return tomlkit.dumps(doc).encode("utf-8")


def check(data: bytes, file: Path) -> Routine:
    """The routine in ``data``, checked as a file on disk would be (raises
    :class:`~massage_timer.core.storage.loader.RoutineLoadError`)."""
    return parse_routine(data, file)


def file_for(folder: Path, routine_id: str) -> Path:
    return folder / f"{routine_id}.toml"


def save(path: Path, data: bytes) -> Routine:
    """Check ``data`` and write it to ``path`` atomically; the routine written."""
    routine = check(data, path)
    replace_file(path, data, mode=0o644)
    return routine


class Incoming(msgspec.Struct, frozen=True):
    """A routine file to import: its bytes, already checked, and its routine."""

    source: Path
    data: bytes
    routine: Routine


def read_import(source: Path) -> Incoming:
    """Read and check a file to import (raises RoutineLoadError naming every problem)."""
    data = read_routine_bytes(source)
    return Incoming(source, data, parse_routine(data, source))


def with_id(data: bytes, new_id: str, title: str | None = None) -> bytes:
    """The same file with another id, and ``title`` if given (its comments and layout
    kept)."""
    doc = _decode(data)
    doc["id"] = new_id
    if title is not None:
        doc["title"] = title
    return tomlkit.dumps(doc).encode("utf-8")


def free_file(folder: Path, stem: str) -> Path:
    """``<stem>.toml`` in ``folder``, else ``<stem>-2.toml``, ...: the first name that no
    file (or link) has. A file there may be another routine, one being written by hand,
    or no routine at all: none is written over unasked."""
    number = 1
    while True:
        path = folder / (f"{stem}.toml" if number == 1 else f"{stem}-{number}.toml")
        if not path.exists() and not path.is_symlink():
            return path
        number += 1


def import_into(folder: Path, incoming: Incoming, new_id: str | None = None, *,
                title: str | None = None, replace: Path | None = None) -> Path:
    """Copy an import into ``folder``, under ``new_id`` and ``title`` if given.

    It is written over ``replace`` (the file of the routine it replaces, which the
    person agreed to), else into a new file named after its id (:func:`free_file`).
    """
    data = incoming.data if new_id is None and title is None else with_id(
        incoming.data, new_id or incoming.routine.id, title)
    target = replace if replace is not None else free_file(folder, new_id or incoming.routine.id)
    save(target, data)
    return target


def export(source: Path, target: Path, protected: Sequence[Path] = ()) -> None:
    """Write the routine file ``source`` to ``target`` (a file the person chose)."""
    write_output(target, read_routine_bytes(source), protected=protected, mode=0o644)
