"""The user's settings: every setting with its default and its bounds.

Read from and written to ``settings.toml`` by
:mod:`~massage_timer.core.storage.settings_file`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:
    from massage_timer.core.model.routine_rules import Slug
    from massage_timer.core.model.settings_rules import (
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

MIN_FONT_SCALE = 0.75
MAX_FONT_SCALE = 2.5
MIN_INTERVAL_MINUTES = 15
MAX_INTERVAL_MINUTES = 180
MIN_VOICE_RATE = 80
MAX_VOICE_RATE = 300
MIN_VOLUME = 0.0
MAX_VOLUME = 1.0
MIN_SHORT_MINUTES = 1
MAX_SHORT_MINUTES = 60

BOUNDS: dict[str, tuple[float, float]] = {
    "voice_rate": (MIN_VOICE_RATE, MAX_VOICE_RATE),
    "voice_volume": (MIN_VOLUME, MAX_VOLUME),
    "font_scale": (MIN_FONT_SCALE, MAX_FONT_SCALE),
    "reminder_interval_minutes": (MIN_INTERVAL_MINUTES, MAX_INTERVAL_MINUTES),
    "snooze_minutes": (MIN_SHORT_MINUTES, MAX_SHORT_MINUTES),
    "idle_minutes": (MIN_SHORT_MINUTES, MAX_SHORT_MINUTES),
}
"""The inclusive range of every numeric setting, for the validator and the dialog alike."""

Theme = Literal["system", "light", "dark"]


@dataclass(frozen=True, kw_only=True, slots=True)
class Settings:
    """Every setting with its default; immutable, so change one with :func:`replace`.

    A plain dataclass, so reading the settings at start-up needs no pydantic import;
    :mod:`~massage_timer.core.model.settings_rules` holds the bounds and checks a file.
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
    from massage_timer.core.model.settings_rules import validate_settings

    return validate_settings({**as_dict(settings), **changes})
