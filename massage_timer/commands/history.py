"""``massage-timer history``: export the session log as CSV or JSON."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from massage_timer.core.model.language import N_, _, ngettext
from massage_timer.core.storage.history.export import FORMATS, ExportFormat, export_to_file, write
from massage_timer.core.storage.history.schema import HistoryError
from massage_timer.core.storage.history.stats import day_end, day_start
from massage_timer.core.storage.history.store import HistoryStore, SessionFilter
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.timezone import local_zone

NAME = "history"
HELP = N_("export the session log as CSV or JSON (to standard output unless -o is given)")


FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(9998, 12, 31)
"""The dates ``--since`` and ``--until`` accept: what a session's time can be."""


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(_("not a date (YYYY-MM-DD): {text}").format(
            text=repr(text))) from exc
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(_("give a date from {first} to {last}").format(
            first=FIRST_DAY, last=LAST_DAY))
    return day


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="csv",
                        help=_("output format (default: csv)"))
    parser.add_argument("--since", type=_day, metavar="YYYY-MM-DD",
                        help=_("only sessions started on or after this local date"))
    parser.add_argument("--until", type=_day, metavar="YYYY-MM-DD",
                        help=_("only sessions started on or before this local date"))
    parser.add_argument("-o", "--output", metavar="FILE",
                        help=_("write to FILE (atomically) instead of standard output "
                               "('-': standard output)"))


def run(args: argparse.Namespace, paths: AppPaths) -> int:
    tz = local_zone()
    since: date | None = args.since
    until: date | None = args.until
    if since and until and since > until:
        print("history: " + _("--since is after --until"), file=sys.stderr)
        return 2
    flt = SessionFilter(
        since=day_start(since, tz) if since else None,
        until=day_end(until, tz) if until else None,
    )
    try:
        store = (HistoryStore.open_readonly(paths.history_file)
                 if paths.history_file.exists() else HistoryStore.memory_only())
    except HistoryError as exc:
        print(f"history: {exc}", file=sys.stderr)
        return 1
    fmt: ExportFormat = args.format
    if args.output == "-":  # the usual name for the standard output
        args.output = None
    try:
        if args.output:
            n = export_to_file(store, flt, Path(args.output), fmt, tz,
                                   protected=paths.protected_files)
            print("history: " + ngettext("{count} session written to {file}",
                                         "{count} sessions written to {file}", n).format(
                count=n, file=args.output), file=sys.stderr)
        else:
            write(store, flt, sys.stdout, fmt, tz)
            sys.stdout.flush()
    except BrokenPipeError:
        raise  # the reader went away (``| head``): the command ends quietly (cli.py)
    except OSError as exc:
        # TRANSLATORS: {file} in "cannot write {file}: {error}" when the output goes to
        # the terminal or a pipe.
        where = _("the standard output")
        print("history: " + _("cannot write {file}: {error}").format(
            file=args.output or where, error=exc.strerror or exc), file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0
