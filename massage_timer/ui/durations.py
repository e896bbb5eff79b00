"""How lengths of time are written on screen, in one place so every window agrees."""

from __future__ import annotations

import math

from massage_timer.core.model.language import ngettext


def clock(seconds: float) -> str:
    """``"4:31"``, or ``"1:02:05"`` from an hour on (rounded to the second)."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def duration(seconds: float) -> str:
    """``"4 min"`` for whole minutes, otherwise like :func:`clock`."""
    total = max(0, round(seconds))
    if total and total % 60 == 0 and total < 3600:
        minutes = total // 60
        # TRANSLATORS: a length in minutes, abbreviated ("4 min").
        return ngettext("{count} min", "{count} min", minutes).format(count=minutes)
    return clock(total)


def short_duration(seconds: float) -> str:
    """``"45 s"`` under a minute, otherwise like :func:`duration`."""
    if seconds >= 60:
        return duration(seconds)
    whole = round(seconds)
    # TRANSLATORS: a length in seconds, abbreviated ("45 s").
    return ngettext("{count} s", "{count} s", whole).format(count=whole)


def countdown(seconds: float) -> str:
    """Whole seconds still to go, rounded up: ``"12"``, or ``"1:05"`` from a minute on."""
    whole = max(math.ceil(seconds - 1e-6), 0)
    return str(whole) if whole < 60 else clock(whole)
