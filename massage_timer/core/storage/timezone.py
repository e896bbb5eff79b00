"""The person's time zone, one answer for the whole app.

Reminders (active hours), the history's days and weeks, and the export all ask here, so
they never disagree about what "today" is. Read from ``TZ`` and ``/etc/localtime``
(with its daylight-saving rules), a fixed offset only as a last resort.
"""

from __future__ import annotations

import os
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


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
            continue
    if with_link.exists():
        try:
            with with_link.open("rb") as handle:
                return ZoneInfo.from_file(handle, key="localtime")
        except (OSError, ValueError):
            pass
    fallback = datetime.now().astimezone().tzinfo
    assert fallback is not None
    return fallback
