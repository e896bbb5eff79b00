"""The JSON Schema of the routine format, generated from the model.

``routines/routine.schema.json`` (a routine file, its ``[translations.<code>]`` tables
included) and ``routines/translations/translation.schema.json`` (a built-in routine's
translation file) are this output; a test keeps them identical, and
``python -m massage_timer.core.storage.schema`` rewrites them after the model changes.
"""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path
from typing import Any

import msgspec

from massage_timer.core.model.routine import Routine
from massage_timer.core.model.translation import RoutineTranslation, Translations

SCHEMA_ID = "https://massage-timer.invalid/routine.schema.json"
TRANSLATION_SCHEMA_ID = "https://massage-timer.invalid/translation.schema.json"


def routine_schema() -> dict[str, Any]:
    """msgspec's schema of :class:`Routine`, with the routine itself at the top (not
    behind a ``$ref``), so the file reads as the description of one routine."""
    (generated, translations), components = msgspec.json.schema_components(
        [Routine, Translations]
    )
    defs: dict[str, Any] = dict(components)
    top = dict(defs.pop(generated["$ref"].rsplit("/", 1)[-1]))
    top["properties"] = {
        **top["properties"],
        "translations": {
            **translations,
            "description": "The routine's words in other languages, one table per "
            "language code (de, pt_BR); each must cover every step by its id.",
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **top,
        "$defs": defs,
    }


def translation_schema() -> dict[str, Any]:
    """The schema of ``routines/translations/<code>/<routine-id>.toml``."""
    generated = msgspec.json.schema(RoutineTranslation)
    defs: dict[str, Any] = dict(generated["$defs"])
    top = defs.pop(generated["$ref"].rsplit("/", 1)[-1])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": TRANSLATION_SCHEMA_ID,
        **top,
        "$defs": defs,
    }


def _cleaned(node: Any) -> Any:
    """Descriptions taken from docstrings, with their indentation removed the same way
    on every Python (3.13 strips it when compiling a docstring; 3.11 keeps it), so the
    generated file does not depend on the interpreter that wrote it."""
    if isinstance(node, dict):
        return {key: inspect.cleandoc(value) if key == "description" and isinstance(value, str)
                else _cleaned(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_cleaned(item) for item in node]
    return node


def _text(schema: dict[str, Any]) -> str:
    return json.dumps(_cleaned(schema), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def routine_schema_text() -> str:
    return _text(routine_schema())


def translation_schema_text() -> str:
    return _text(translation_schema())


def main() -> int:
    from massage_timer.core.storage.resources import builtin_routines_dir

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else builtin_routines_dir()
    for target, text in ((folder / "routine.schema.json", routine_schema_text()),
                         (folder / "translations" / "translation.schema.json",
                          translation_schema_text())):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
