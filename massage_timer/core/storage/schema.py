"""The JSON Schema of the routine format, generated from the model.

``routines/routine.schema.json`` is this output; a test keeps the two identical, and
``python -m massage_timer.core.storage.schema`` rewrites it after the model changes.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import msgspec

from massage_timer.core.model.routine import Routine

SCHEMA_ID = "https://massage-timer.invalid/routine.schema.json"


def routine_schema() -> dict[str, Any]:
    """msgspec's schema of :class:`Routine`, with the routine itself at the top (not
    behind a ``$ref``), so the file reads as the description of one routine."""
    generated = msgspec.json.schema(Routine)
    defs: dict[str, Any] = dict(generated["$defs"])
    top = defs.pop(generated["$ref"].rsplit("/", 1)[-1])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **top,
        "$defs": defs,
    }


def routine_schema_text() -> str:
    return json.dumps(routine_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> int:
    from massage_timer.core.storage.resources import builtin_routines_dir

    default = builtin_routines_dir() / "routine.schema.json"
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    target.write_text(routine_schema_text(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
