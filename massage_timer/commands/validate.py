"""``massage-timer validate FILE...``: check routine files as people write them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from massage_timer.core.model.language import N_, _, decimal, ngettext
from massage_timer.core.model.text import printable
from massage_timer.core.storage.loader import RoutineLoadError, load_routine_file
from massage_timer.core.storage.paths import AppPaths

NAME = "validate"
HELP = N_("check routine files; prints 'FILE: LOCATION: message' for each problem")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help=_("routine .toml files")
    )
    parser.add_argument("-q", "--quiet", action="store_true", help=_("print only the problems"))


def run(args: argparse.Namespace, paths: AppPaths) -> int:
    bad = 0
    for file in args.files:
        try:
            routine = load_routine_file(file)
        except RoutineLoadError as exc:
            bad += 1
            for error in exc.errors:
                print(printable(str(error)))
            continue
        if not args.quiet:
            minutes = routine.total_seconds() / 60
            # TRANSLATORS: FILE: ok: summary; "ok" stays as is for scripts that look for it.
            summary = ngettext("'{title}', {count} step, {minutes} min",
                               "'{title}', {count} steps, {minutes} min", len(routine.steps))
            print(printable(f"{file}: ok: " + summary.format(
                title=routine.title, count=len(routine.steps), minutes=decimal(minutes))))
    total = len(args.files)
    if not args.quiet:
        # TRANSLATORS: plural by {total}; English says "1 of 1 files valid" on purpose.
        print(ngettext("{valid} of {total} files valid", "{valid} of {total} files valid",
                       total).format(valid=total - bad, total=total), file=sys.stderr)
    return 1 if bad else 0
