"""CSV and JSON export of the session log (format documented in docs/history.md).

Both formats carry the same columns. Times are ISO 8601 in the user's local time
with its UTC offset (``2026-03-29T09:15:00+02:00``), so they are unambiguous. CSV
follows RFC 4180 (header row, ``\\r\\n``, fields quoted when needed) in UTF-8; a
*file* gets a byte-order mark so spreadsheet programs detect UTF-8, standard output
does not (so pipes see plain UTF-8).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Literal, TextIO

from massage_timer.core.storage.files import write_output
from massage_timer.core.storage.history.store import HistoryStore, SessionFilter

ExportFormat = Literal["csv", "json"]
FORMATS: tuple[ExportFormat, ...] = ("csv", "json")
COLUMNS = (
    "id", "routine_id", "routine_title", "routine_version", "content_hash",
    "started_at", "ended_at", "outcome", "planned_seconds", "active_seconds",
    "steps_completed", "steps_total", "pain_before", "pain_after", "note",
    "checklist_version", "checklist_confirmed_at",
)
_TIMES = frozenset({"started_at", "ended_at", "checklist_confirmed_at"})
_INTS = frozenset({"id", "steps_completed", "steps_total", "pain_before", "pain_after"})
_FLOATS = frozenset({"planned_seconds", "active_seconds"})
_TEXTS = frozenset(COLUMNS) - _TIMES - _INTS - _FLOATS


def _offsets(tz: tzinfo, lo: int, hi: int) -> list[tuple[int, int]]:
    """``[(until_epoch, utc_offset_seconds), ...]`` covering ``[lo, hi]`` in zone ``tz``."""

    def offset(t: int) -> int:
        delta = datetime.fromtimestamp(t, tz).utcoffset()
        return 0 if delta is None else int(delta.total_seconds())

    pieces: list[tuple[int, int]] = []
    t, current = lo, offset(lo)
    while t < hi:
        step = min(t + 86400, hi)
        if offset(step) != current:
            a, b = t, step  # offset(a) == current != offset(b): find the switch
            while b - a > 1:
                mid = (a + b) // 2
                a, b = (mid, b) if offset(mid) == current else (a, mid)
            pieces.append((b, current))
            current = offset(b)
            t = b
        else:
            t = step
    pieces.append((2**62, current))
    return pieces


_EPOCH_DAY = date(1970, 1, 1)


def _suffix(offset: int) -> str:
    sign = "-" if offset < 0 else "+"
    hours, rest = divmod(abs(offset), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{sign}{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


_NOT_NULL_TEXTS = frozenset({"routine_id", "routine_title", "outcome"})  # schema: NOT NULL


def _local_iso_sql(column: str, pieces: list[tuple[int, int]]) -> str:
    """SQL turning ``column`` (epoch seconds) into local ISO 8601 text; NULL stays NULL.

    SQLite knows no time zones, so the UTC offsets come from ``pieces`` (see
    :func:`_offsets`, worked out with zoneinfo): a balanced CASE tree picks the
    piece, so a DST change anywhere in the range is honoured, as :class:`LocalIso`.
    """
    if len(pieces) == 1:
        offset = pieces[0][1]
        return (f"replace(datetime({column} + {offset}, 'unixepoch'), ' ', 'T')"
                f" || '{_suffix(offset)}'")
    mid = len(pieces) // 2
    return (f"CASE WHEN {column} < {pieces[mid - 1][0]} "
            f"THEN {_local_iso_sql(column, pieces[:mid])} "
            f"ELSE {_local_iso_sql(column, pieces[mid:])} END")


def _inert_sql(column: str) -> str:
    """A text cell a spreadsheet will not run: one that starts like a formula (``=``,
    ``+``, ``-``, ``@``, tab or carriage return) gets a leading apostrophe, as OWASP
    advises; titles and notes can come from a stranger's routine file."""
    return (f"CASE WHEN substr({column}, 1, 1) IN ('=', '+', '-', '@', char(9), char(13)) "
            f"THEN '''' || {column} ELSE {column} END")


def _quoted_sql(column: str) -> str:
    """RFC 4180 quoting of a nullable text column: NULL stays NULL (printed empty)."""
    return f"""CASE WHEN {column} IS NOT NULL THEN printf('"%w"', {_inert_sql(column)}) END"""


def _csv_line_sql(pieces: list[tuple[int, int]]) -> str:
    """One ``printf`` building the whole CSV line: text quoted, numbers bare, NULL empty.

    ``%w`` doubles the double quotes; ``%s`` prints NULL as nothing and a REAL as
    SQLite's text for it (``480.0``, ``290.125``), as before. Texts are cut at a NUL
    character (``printf`` reads C strings), so a quote is never left open.
    """
    formats, args = [], []
    for column in COLUMNS:
        if column in _NOT_NULL_TEXTS:
            formats.append('"%w"')
            args.append(_inert_sql(column))
            continue
        formats.append("%s")
        if column in _TEXTS:
            args.append(_quoted_sql(column))
        elif column in _TIMES:
            args.append(_local_iso_sql(column, pieces))
        else:
            args.append(_value_sql(column))
    return f"printf('{','.join(formats)}', {', '.join(args)})"


def _json_object_sql(pieces: list[tuple[int, int]]) -> str:
    """One ``json_object`` per session: SQLite escapes the strings and renders the numbers."""
    args = ", ".join(
        f"'{c}', " + (_local_iso_sql(c, pieces) if c in _TIMES else _value_sql(c))
        for c in COLUMNS
    )
    return f"json_object({args})"


def _value_sql(column: str) -> str:
    return f"round({column}, 3)" if column in _FLOATS else column


def write(store: HistoryStore, flt: SessionFilter | None, out: TextIO, fmt: ExportFormat,
          tz: tzinfo) -> int:
    """Write the matching sessions, oldest first; returns how many were written.

    SQLite builds each whole line (CSV quoting, JSON escaping, rounding, and the local
    times from a table of the zone's UTC offsets), so Python only joins the lines:
    100,000 sessions take well under 1 s.
    """
    where, params = (flt or SessionFilter()).where()
    # Every time written, not only the starts: a session paused over a weekend ended
    # after a DST change that a range of its start missed, and showed the old offset.
    lo, hi = store.query(
        "SELECT MIN(MIN(started_at, COALESCE(checklist_confirmed_at, started_at))), "
        "MAX(MAX(started_at, COALESCE(ended_at, started_at))) "
        f"FROM sessions{where}", params)[0]
    pieces = _offsets(tz, int(lo or 0) - 2 * 86400, int(hi or 0) + 2 * 86400)
    line = _csv_line_sql(pieces) if fmt == "csv" else _json_object_sql(pieces)
    sql = f"SELECT {line} FROM sessions{where} ORDER BY started_at, id"
    n = 0
    if fmt == "csv":
        out.write(",".join(COLUMNS) + "\r\n")
        for batch in store.batches(sql, params):
            out.write("\r\n".join([row[0] for row in batch]) + "\r\n")
            n += len(batch)
        return n
    out.write("[")
    for batch in store.batches(sql, params):
        out.write(("," if n else "") + "\n  " + ",\n  ".join([row[0] for row in batch]))
        n += len(batch)
    out.write("\n]\n" if n else "]\n")
    return n


def export_to_file(store: HistoryStore, flt: SessionFilter | None, path: Path,
                   fmt: ExportFormat, tz: tzinfo, *, protected: Iterable[Path] = ()) -> int:
    """Write the export (CSV with a UTF-8 byte-order mark) through
    :func:`~massage_timer.core.storage.files.write_output`: atomically to a file, into a
    pipe or device, never over a ``protected`` file; returns the count."""
    buffer = io.StringIO()
    n = write(store, flt, buffer, fmt, tz)
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    write_output(path, buffer.getvalue().encode(encoding), protected=protected, mode=0o600)
    return n
