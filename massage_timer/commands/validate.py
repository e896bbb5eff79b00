"""``massage-timer validate FILE...``: check routine files as people write them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from massage_timer.core.model.text import printable
from massage_timer.core.storage.loader import RoutineLoadError, load_routine_file
from massage_timer.core.storage.paths import AppPaths

NAME = "validate"
HELP = "check routine files; prints 'FILE: LOCATION: message' for each problem"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="routine .toml files")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the problems")


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
            print(printable(
                f"{file}: ok: '{routine.title}', {len(routine.steps)} steps, {minutes:.1f} min"
            ))
    total = len(args.files)
    if not args.quiet:
        print(f"{total - bad} of {total} files valid", file=sys.stderr)
    return 1 if bad else 0
