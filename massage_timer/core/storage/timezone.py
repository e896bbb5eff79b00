"""The person's time zone, one answer for the whole app.

Reminders (active hours), the history's days and weeks, and the export all ask here, so
they never disagree about what "today" is. Read from ``TZ`` and ``/etc/localtime``
(with its daylight-saving rules), a fixed offset only as a last resort.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_EPOCH = datetime(1970, 1, 1)


def _offset_at(stamp: float) -> int:
    return time.localtime(stamp).tm_gmtoff


class PosixRuleZone(tzinfo):
    """The zone of a ``TZ`` that is a POSIX rule ("CET-1CEST,M3.5.0,M10.5.0/3"), which
    zoneinfo cannot read: every offset is asked of the C library, which can, so the
    app agrees with the clock on the desktop, daylight-saving changes included. A wall
    time that happens twice or not at all is read as PEP 495 says, by its ``fold``."""

    def __init__(self, rule: str) -> None:
        self._rule = rule
        time.tzset()  # the C library reads TZ again: it may have changed since the start

    def utcoffset(self, dt: datetime | None) -> timedelta:
        if dt is None:
            return timedelta(seconds=_offset_at(time.time()))
        wall = (dt.replace(tzinfo=None, fold=0) - _EPOCH).total_seconds()
        # No zone changes its offset twice in two days: these are the offsets on either
        # side of any change near this wall time.
        before, after = _offset_at(wall - 86400), _offset_at(wall + 86400)
        if before == after:
            return timedelta(seconds=before)
        valid = [off for off in (before, after) if _offset_at(wall - off) == off]
        if len(valid) == 1:
            return timedelta(seconds=valid[0])
        # Twice (both valid) or never (none): fold 0 is the offset before the change.
        return timedelta(seconds=after if dt.fold else before)

    def dst(self, dt: datetime | None) -> timedelta:
        return self.utcoffset(dt) - timedelta(seconds=-time.timezone)

    def tzname(self, dt: datetime | None) -> str:
        return time.tzname[bool(self.dst(dt))]

    def fromutc(self, dt: datetime) -> datetime:
        offset = timedelta(seconds=_offset_at((dt.replace(tzinfo=None) - _EPOCH)
                                              .total_seconds()))
        local = dt + offset
        return local if self.utcoffset(local) == offset else local.replace(fold=1)

    def __repr__(self) -> str:
        return f"PosixRuleZone({self._rule!r})"


def local_zone() -> tzinfo:
    """The system's time zone with its DST rules (a fixed offset only as a last resort)."""
    name = os.environ.get("TZ", "").lstrip(":")
    candidates = [name] if name else []
    with_link = Path("/etc/localtime")
    if with_link.is_symlink():
        target = str(with_link.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for candidate in candidates:
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            if candidate == name and any(c.isdigit() for c in name):
                return PosixRuleZone(name)
            continue
    if with_link.exists():
        try:
            with with_link.open("rb") as handle:
                return ZoneInfo.from_file(handle, key="localtime")
        except (OSError, ValueError):
            pass
    fallback = datetime.now(UTC).astimezone().tzinfo
    assert fallback is not None
    return fallback
