"""The user's settings: one flat ``settings.toml`` in the config folder.

Loading never fails: a file that cannot be read as TOML is moved aside (kept for the
user, never deleted) and defaults are used; values that are out of range are reset to
their defaults (the original file is moved aside too); unknown keys, e.g. from a newer
version, are ignored. Each of these is reported as a notice the app can show.
Saving is atomic, so a crash leaves the old or the new file, never half of one.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from massage_timer.core.files import atomic_write_text, move_aside
from massage_timer.core.validated_cache import ValidatedCache, digest

if TYPE_CHECKING:
    from pydantic import ValidationError

    from massage_timer.core.routine_rules import Slug
    from massage_timer.core.settings_rules import (
        ActiveDays,
        Base64,
        ClockTime,
        FontScale,
        IntervalMinutes,
        PausedUntil,
        ShortMinutes,
        VoiceName,
        VoiceRate,
        Volume,
    )

MAX_SETTINGS_BYTES = 64 * 1024
MIN_FONT_SCALE = 0.75
MAX_FONT_SCALE = 2.5
MIN_INTERVAL_MINUTES = 15
MAX_INTERVAL_MINUTES = 180

Theme = Literal["system", "light", "dark"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Settings:
    """Every setting with its default; immutable, so change one with :func:`replace`.

    A plain dataclass, so reading the settings at start-up needs no pydantic import;
    :mod:`~massage_timer.core.settings_rules` holds the bounds and checks a file.
    """

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "ignore"}

    # Voice & sounds
    voice_enabled: bool = True
    voice_name: VoiceName = ""
    voice_rate: VoiceRate = 160
    voice_volume: Volume = 0.9
    tones_enabled: bool = True
    count_aloud: bool = True
    halfway_cue: bool = True
    # Session
    include_optional_steps: bool = False
    keep_screen_awake: bool = True
    # Appearance
    theme: Theme = "system"
    font_scale: FontScale = 1.0
    # Reminders
    reminders_enabled: bool = True
    reminder_interval_minutes: IntervalMinutes = 60
    active_days: ActiveDays = (0, 1, 2, 3, 4)
    active_start: ClockTime = "09:00"
    active_end: ClockTime = "18:00"
    snooze_minutes: ShortMinutes = 10
    idle_minutes: ShortMinutes = 5
    reminder_routine_id: Slug = "desk-micro-break"
    reminder_sound: bool = True
    reminder_voice: bool = False
    autostart: bool = False
    paused_until: PausedUntil = None
    # Window state
    shown_background_hint: bool = False
    window_geometry: Base64 = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "active_days", tuple(sorted(set(self.active_days))))
        if self.active_start >= self.active_end:
            raise ValueError("active_start must be earlier than active_end")


FIELDS = tuple(field.name for field in dataclasses.fields(Settings))
FIELD_NAMES = frozenset(FIELDS)


def as_dict(settings: Settings) -> dict[str, Any]:
    """Every setting by name, in the order of the class."""
    return {name: getattr(settings, name) for name in FIELDS}


APP_STATE_FIELDS = frozenset({"window_geometry", "shown_background_hint", "paused_until"})
"""Settings the app itself produces rather than the person types."""


def with_state(settings: Settings, **state: Any) -> Settings:
    """A copy with app-produced state changed (the window's geometry from Qt, the hint
    shown, the end of a pause from the schedule): valid by construction, so it is not
    run through the validator, and quitting need not import pydantic."""
    unknown = state.keys() - APP_STATE_FIELDS
    if unknown:
        raise KeyError(f"not app state, use replace(): {', '.join(sorted(unknown))}")
    return dataclasses.replace(settings, **state)


def replace(settings: Settings, **changes: Any) -> Settings:
    """A copy of ``settings`` with ``changes`` applied and validated (unlike
    ``dataclasses.replace``); raises pydantic's ``ValidationError``."""
    from massage_timer.core.settings_rules import validate_settings

    return validate_settings({**as_dict(settings), **changes})


def load_settings(path: Path, *, cache_file: Path | None = None) -> tuple[Settings, list[str]]:
    """Read ``path``; return the settings and notices for the user (empty when all is well).

    With ``cache_file``, a file that is byte for byte the one :func:`save_settings` last
    wrote is not checked again (see :mod:`~massage_timer.core.validated_cache`).
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings(), []
    except OSError as exc:
        return Settings(), [f"Could not read the settings ({exc.strerror}); using defaults."]
    cache = ValidatedCache(cache_file)
    key = digest(raw)
    known_good = cache.get(key, Settings)
    if known_good is not None:
        return known_good, []
    import tomllib

    try:
        if len(raw) > MAX_SETTINGS_BYTES:
            raise ValueError("the file is too large")
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as exc:
        aside = _move_aside(path)
        return Settings(), [
            f"The settings file could not be read ({exc}); defaults are used. "
            f"The old file was kept as {aside}."
        ]
    notices = [
        f"Unknown setting '{key}' in {path.name} was ignored."
        for key in sorted(data)
        if key not in FIELD_NAMES
    ]
    known = {key: value for key, value in data.items() if key in FIELD_NAMES}
    from pydantic import ValidationError

    from massage_timer.core.settings_rules import validate_settings

    try:
        settings = validate_settings(known)
    except ValidationError as exc:
        settings, bad = _salvage(known, exc)
    else:
        if not notices:
            cache.put(key, settings)
            cache.save()
        return settings, notices
    aside = _move_aside(path)
    notices.append(
        f"Some settings were invalid and were reset to their defaults: {', '.join(bad)}. "
        f"The old file was kept as {aside}."
    )
    return settings, notices


def _salvage(data: dict[str, Any], error: ValidationError) -> tuple[Settings, list[str]]:
    """Keep the valid values and reset the invalid ones to their defaults."""
    from pydantic import ValidationError

    from massage_timer.core.settings_rules import validate_settings

    bad: set[str] = set()
    for err in error.errors():
        if err["loc"]:
            bad.add(str(err["loc"][0]))
        else:
            bad.update(("active_start", "active_end"))
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


def save_settings(path: Path, settings: Settings, *, cache_file: Path | None = None) -> None:
    """Write ``settings`` to ``path`` atomically as TOML; with ``cache_file``, remember
    that these bytes hold these (valid) settings."""
    text = to_toml(settings)
    atomic_write_text(path, text)
    if cache_file is not None:
        cache = ValidatedCache(cache_file)
        cache.put(digest(text.encode("utf-8")), settings)
        cache.save()


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
