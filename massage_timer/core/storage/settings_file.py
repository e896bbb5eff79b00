"""The user's settings as one flat ``settings.toml`` in the config folder.

Loading never fails: a file that cannot be read as TOML is moved aside (kept for the
user, never deleted) and defaults are used; values that are out of range are reset to
their defaults (the original file is moved aside too); unknown keys, e.g. from a newer
version, are ignored. Each of these is reported as a notice the app can show.
Saving is atomic, so a crash leaves the old or the new file, never half of one.
"""

from __future__ import annotations

import math
import re
import stat
from datetime import datetime
from pathlib import Path
from typing import Any

from massage_timer.core.model.language import _
from massage_timer.core.model.settings import (
    FIELD_NAMES,
    Settings,
    as_dict,
    pause_in_range,
    validate_settings,
    with_state,
)
from massage_timer.core.model.validation import TOP_LEVEL, ValidationError
from massage_timer.core.storage.files import file_in_the_way, move_aside, replace_file
from massage_timer.core.storage.toml_input import TomlInputError, read_toml

MAX_SETTINGS_BYTES = 64 * 1024


def load_settings(path: Path) -> tuple[Settings, list[str]]:
    """Read ``path``; return the settings and notices for the user (empty when all is well).

    A file that cannot be read (not TOML, unreadable, too large) is moved aside, never
    overwritten; a FIFO, device or folder in its place is left alone and not written
    over (:func:`save_settings` refuses it).
    """
    try:
        data = read_toml(path, MAX_SETTINGS_BYTES)
    except FileNotFoundError:
        return Settings(), []
    except TomlInputError as exc:
        blocked = file_in_the_way(path)
        if blocked is not None:
            return Settings(), [
                _("No settings can be kept at {path} ({reason}): defaults are used, and "
                  "changes are not saved.").format(path=path, reason=blocked)
            ]
        if not _is_regular(path):
            return Settings(), [
                _("{path} {problem}: defaults are used and it is left as it is.").format(
                    path=path, problem=exc.message)
            ]
        aside = _move_aside(path)
        return Settings(), [
            _("The settings file could not be read ({location}: {problem}); "
              "defaults are used. The old file was kept as {aside}.").format(
                location=exc.location, problem=exc.message, aside=aside)
        ]
    notices = [
        _("Unknown setting '{key}' in {file} was ignored.").format(key=key, file=path.name)
        for key in sorted(data)
        if key not in FIELD_NAMES
    ]
    known = {key: value for key, value in data.items() if key in FIELD_NAMES}
    try:
        settings = validate_settings(known)
    except ValidationError as exc:
        settings, bad = _salvage(known, exc)
    else:
        bad = []
    for name in ("paused_until", "meeting_until"):
        moment = getattr(settings, name)
        if moment is not None and not pause_in_range(moment):
            settings = with_state(settings, **{name: None})
            bad = sorted({*bad, name})
    if not bad:
        return settings, notices
    aside = _move_aside(path)
    notices.append(
        _("Some settings were invalid and were reset to their defaults: {names}. "
          "The old file was kept as {aside}.").format(names=", ".join(bad), aside=aside)
    )
    return settings, notices


def _salvage(data: dict[str, Any], error: ValidationError) -> tuple[Settings, list[str]]:
    """Keep the valid values and reset the invalid ones to their defaults (a problem
    with no single setting's name is the one rule across settings, the active hours)."""
    bad = error.fields
    if TOP_LEVEL in bad:
        bad = (bad - {TOP_LEVEL}) | {"active_start", "active_end"}
    kept = {key: value for key, value in data.items() if key not in bad}
    try:
        return validate_settings(kept), sorted(bad)
    except ValidationError:
        return Settings(), sorted(data)


def _move_aside(path: Path) -> str:
    try:
        return str(move_aside(path, "corrupt"))
    except OSError as exc:
        return f"{path} (it could not be renamed: {exc.strerror})"


def save_settings(path: Path, settings: Settings) -> None:
    """Write ``settings`` to ``path`` atomically as TOML (never over a special file)."""
    replace_file(path, to_toml(settings).encode("utf-8"))


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return True


def to_toml(settings: Settings) -> str:
    """Serialise the flat settings; ``None`` values are left out (TOML has no null)."""
    lines = ["# Massage Timer settings. Edit with the app's Settings dialog when you can."]
    for key, value in as_dict(settings).items():
        if value is not None:
            lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
            "\r": "\\r"}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')


def _toml_string(text: str) -> str:
    def escape(match: re.Match[str]) -> str:
        char = match.group()
        return _ESCAPES.get(char, f"\\u{ord(char):04x}")

    return '"' + _NEEDS_ESCAPE.sub(escape, text) + '"'


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value!r} to settings")
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("settings datetimes must be timezone-aware")
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")
