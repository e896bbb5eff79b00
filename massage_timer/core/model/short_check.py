"""When a break may start with the short check instead of the full safety checklist.

The full checklist is answered at least once a day: later breaks that day ask only
"Has anything on this list changed since HH:MM?", with the whole list shown. The short
check is offered only when the last full checklist was answered all No on the same
local day, in the checklist's current version; a red flag, a new version or a new day
brings the full list back. The history keeps every answer, so the rule survives a
restart.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Protocol

import msgspec


class ChecklistKind(StrEnum):
    """How a checklist was confirmed; stored in the history next to its time."""

    FULL = "full"
    """Every question answered."""
    SHORT = "short"
    """"Nothing has changed" since a full checklist answered all No the same day."""


class ChecklistAnswer(msgspec.Struct, frozen=True):
    """One finished checklist (confirmed, or stopped by a red flag); ``at`` is aware."""

    at: datetime
    version: str
    kind: ChecklistKind
    red_flag: bool = False


class ChecklistLog(Protocol):
    """Where checklist answers are kept (``HistoryStore``, or a fake)."""

    def log_checklist(self, answer: ChecklistAnswer) -> None: ...

    def last_full_checklist(self) -> ChecklistAnswer | None: ...


def short_check_since(
    last_full: ChecklistAnswer | None, *, version: str, now: datetime, tz: tzinfo | None
) -> datetime | None:
    """When the full checklist the short check refers to was answered, or ``None``
    when the full list must be asked.

    ``last_full`` is the most recent full checklist, red flag or not; ``version`` is
    the current checklist's; ``tz`` the local zone (``None``: the system's). A time
    after ``now`` (a clock set back) is not trusted.
    """
    if last_full is None or last_full.kind is not ChecklistKind.FULL or last_full.red_flag:
        return None
    if last_full.version != version or last_full.at > now:
        return None
    if last_full.at.astimezone(tz).date() != now.astimezone(tz).date():
        return None
    return last_full.at
