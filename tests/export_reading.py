"""Reading an export back, and a Python reference for its local times (tests only)."""

from __future__ import annotations

import csv
import io
import json
from bisect import bisect_right
from collections.abc import Iterator
from datetime import datetime, timedelta, tzinfo
from functools import cache
from typing import Any

from massage_timer.core.storage.history.export import (
    _EPOCH_DAY,
    _FLOATS,
    _INTS,
    _TIMES,
    COLUMNS,
    _offsets,
    _suffix,
)


class LocalIso:
    """Epoch seconds -> local ISO 8601 with offset, fast enough for 100,000 rows.

    ``datetime.fromtimestamp(...).isoformat()`` costs several µs per value; here
    the offset comes from a bisected table of the zone's transitions and each day's
    date text is cached.
    """

    def __init__(self, tz: tzinfo, lo: int, hi: int) -> None:
        pieces = _offsets(tz, lo, hi)
        self._untils = [u for u, _ in pieces]
        self._offsets = [o for _, o in pieces]
        self._suffixes = [_suffix(o) for o in self._offsets]
        self._days: dict[int, str] = {}
        self._clock = _clock_texts()

    def __call__(self, t: int | None) -> str | None:
        if t is None:
            return None
        i = bisect_right(self._untils, t)
        local = t + self._offsets[i]
        day = local // 86400
        text = self._days.get(day)
        if text is None:
            text = self._days[day] = (_EPOCH_DAY + timedelta(days=day)).isoformat() + "T"
        return text + self._clock[local - day * 86400] + self._suffixes[i]


@cache
def _clock_texts() -> list[str]:
    """"HH:MM:SS" for every second of a day."""
    return [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]


def _parse_value(column: str, text: str) -> Any:
    if text == "":
        return None
    if column in _TIMES:
        return datetime.fromisoformat(text)
    if column in _INTS:
        return int(text)
    if column in _FLOATS:
        return float(text)
    return text


def read_csv(text: str) -> Iterator[dict[str, Any]]:
    """Parse an export back into typed dicts (times as aware datetimes)."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    for row in reader:
        yield {c: _parse_value(c, row[c]) for c in COLUMNS}


def read_json(text: str) -> Iterator[dict[str, Any]]:
    """Parse a JSON export back into dicts (times as aware datetimes)."""
    for item in json.loads(text):
        yield {
            c: (datetime.fromisoformat(item[c]) if c in _TIMES and item[c] else item[c])
            for c in COLUMNS
        }


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_csv_cell(text: str | None) -> str | None:
    """What the CSV export holds for ``text``: formulas made inert with an apostrophe."""
    if text is not None and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
