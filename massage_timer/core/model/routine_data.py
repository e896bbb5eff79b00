"""A routine as the plain data of its file, for the editor and for writing files.

The editor edits this data (what a TOML file holds), not a :class:`Routine`: a routine
being written is invalid most of the time, and the validator must see exactly what
would be saved. Field names, order and defaults are read from the Structs, so a field
added to the model is written without a change here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

import msgspec

from massage_timer.core.model.language import _
from massage_timer.core.model.routine import Routine, Step

Data = dict[str, Any]


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def struct_data(obj: msgspec.Struct) -> Data:
    """The fields of ``obj`` that differ from their defaults, in declaration order."""
    out: Data = {}
    for field in msgspec.structs.fields(type(obj)):
        value = getattr(obj, field.name)
        if not field.required:
            default = (field.default_factory() if field.default is msgspec.NODEFAULT
                       else field.default)
            if value == default:
                continue
        if isinstance(value, tuple) and value and isinstance(value[0], msgspec.Struct):
            out[field.encode_name] = [struct_data(v) for v in value]
        else:
            out[field.encode_name] = _plain(value)
    return out


def routine_data(routine: Routine) -> Data:
    """What a file holding ``routine`` needs to say (defaults left out)."""
    return struct_data(routine)


def field_order(model: type[msgspec.Struct]) -> tuple[str, ...]:
    return tuple(f.encode_name for f in msgspec.structs.fields(model))


ROUTINE_KEYS = field_order(Routine)
STEP_KEYS = field_order(Step)


def slug(text: str) -> str:
    """An id made from a title: lower case words joined by ``-`` (may be empty)."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:64].strip("-")


def free_id(wanted: str, taken: Iterable[str]) -> str:
    """``wanted``, or ``wanted-2``, ``wanted-3``... : the first id not in ``taken``."""
    used = set(taken)
    base = wanted if len(wanted) >= 2 else "my-routine"
    if base not in used:
        return base
    n = 2
    while f"{base[:60]}-{n}" in used:
        n += 1
    return f"{base[:60]}-{n}"


def blank_routine(taken: Iterable[str] = ()) -> Data:
    """The start of a new routine: one hold step to fill in, a free id."""
    return {
        "id": free_id("my-routine", taken),
        # TRANSLATORS: the title a new routine starts with in the editor.
        "title": _("My routine"),
        "summary": "",
        "version": "1.0",
        "position": "seated",
        "sources": ["my-own"],
        "steps": [blank_step()],
    }


def blank_step() -> Data:
    # TRANSLATORS: the title a new step starts with in the editor.
    return {"kind": "hold", "title": _("New step"), "instruction": "", "cue": "", "seconds": 30}


def copy_data(data: Mapping[str, Any]) -> Data:
    """A deep copy of plain data (lists and tables), for undo snapshots."""
    return msgspec.json.decode(msgspec.json.encode(data))  # type: ignore[no-any-return]
