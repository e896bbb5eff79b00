"""``massage-timer routines [--json]``: list every routine the app would load."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from massage_timer.core.model.language import N_, _, ngettext
from massage_timer.core.model.text import single_line
from massage_timer.core.storage.loader import LoadedRoutine, load_library
from massage_timer.core.storage.paths import AppPaths

NAME = "routines"
HELP = N_("list the loaded routines (built-in, your own, --routines-dir) and any broken files")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        help=_('print {"routines": [...], "errors": [...]} as JSON on stdout'),
    )


def _as_dict(item: LoadedRoutine) -> dict[str, Any]:
    r = item.routine
    return {
        "id": r.id,
        "title": r.title,
        "total_seconds": round(r.total_seconds(), 3),
        "areas": list(r.areas),
        "position": r.position.value,
        "equipment": [e.value for e in r.equipment],
        "file": str(item.file),
        "origin": item.origin.value,
        "overrides": str(item.overrides) if item.overrides else None,
    }


def _minutes(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def run(args: argparse.Namespace, paths: AppPaths) -> int:
    library = load_library(paths)
    if args.json:
        doc = {
            "routines": [_as_dict(r) for r in library.routines],
            "errors": [
                {"file": str(e.file), "location": e.location, "message": e.message}
                for e in library.errors
            ],
        }
        # JSON escapes control characters itself; where the terminal cannot show every
        # character, \u escapes keep the document exact rather than replaced.
        utf = (sys.stdout.encoding or "").lower().replace("-", "") == "utf8"
        print(json.dumps(doc, indent=2, ensure_ascii=not utf))
        return 0
    rows = [
        tuple(single_line(cell) for cell in (
            r.routine.id,
            r.routine.title + (_(" (yours, replaces the built-in one)") if r.overrides else ""),
            _minutes(r.routine.total_seconds()),
            r.routine.position.label,
            ", ".join(e.label for e in r.routine.equipment),
            ", ".join(r.routine.areas),
            str(r.file),
        ))
        for r in library.routines
    ]
    # TRANSLATORS: column headings of "massage-timer routines" (capitals as is usual in
    # a terminal table; areas are region ids).
    header = (_("ID"), _("TITLE"), _("TIME"), _("POSITION"), _("EQUIPMENT"), _("AREAS"),
              _("FILE"))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip())
    if library.errors:
        print("\n" + ngettext("{count} problem in routine files:",
                              "{count} problems in routine files:", len(library.errors)).format(
            count=len(library.errors)), file=sys.stderr)
        for error in library.errors:
            print(f"  {single_line(str(error))}", file=sys.stderr)
    return 0
