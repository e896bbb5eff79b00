"""The user's settings: every setting with its default and its bounds.

Read from and written to ``settings.toml`` by
:mod:`~massage_timer.core.storage.settings_file`. One msgspec Struct holds the
defaults and the bounds, so building the defaults costs nothing and checking a file
or a change (:func:`validate_settings`, :func:`replace`) needs no other definition.

The annotations here are real objects, not strings (no ``from __future__ import
annotations``): msgspec reads them at the first check of a file, before the first
paint, and strings would be parsed and compiled then.
"""

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

from massage_timer.core.model.language import _
from massage_timer.core.model.routine import Slug
from massage_timer.core.model.validation import convert

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
MAX_BUSY_PROGRAMS = 32

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

VoiceName = Annotated[str, Meta(max_length=200)]
VoiceRate = Annotated[int, Meta(ge=80, le=300)]
Volume = Annotated[float, Meta(ge=0.0, le=1.0)]
FontScale = Annotated[float, Meta(ge=MIN_FONT_SCALE, le=MAX_FONT_SCALE)]
IntervalMinutes = Annotated[int, Meta(ge=MIN_INTERVAL_MINUTES, le=MAX_INTERVAL_MINUTES)]
Weekday = Annotated[int, Meta(ge=0, le=6)]
ActiveDays = Annotated[tuple[Weekday, ...], Meta(min_length=1, max_length=7)]
ClockTime = Annotated[str, Meta(pattern=r"^(?:[01]\d|2[0-3]):[0-5]\d$")]
ShortMinutes = Annotated[int, Meta(ge=1, le=60)]
PausedUntil = Annotated[datetime, Meta(tz=True)] | None
"""A moment with its time zone (a bound with ``ge``/``le`` also keeps NaN out of the
numbers above)."""
SlugOrNone = Annotated[str, Meta(pattern=r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*)?$", max_length=64)]
"""A routine id, or "" for none yet."""
ProgramName = Annotated[str, Meta(min_length=1, max_length=64, pattern=r"^[^/\x00-\x1f]+$")]
"""A program's process name as ``/proc/PID/comm`` or its command line's first word shows
it (no path, no control characters)."""
Programs = Annotated[tuple[ProgramName, ...], Meta(max_length=MAX_BUSY_PROGRAMS)]
LanguageCode = Annotated[str, Meta(pattern=r"^(?:system|[a-z]{2,3}(?:_[A-Z]{2})?)$")]
"""``system`` (follow the environment) or a language code such as ``de`` or ``pt_BR``;
a code the app does not ship also means the environment's language."""
Base64 = Annotated[str, Meta(pattern=r"^[A-Za-z0-9+/=]*$", max_length=8192)]


class Settings(Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Every setting with its default; immutable, so change one with :func:`replace`."""

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
    language: LanguageCode = "system"
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
    # Quiet while busy: each signal that holds a reminder back can be turned off
    busy_full_screen: bool = True
    busy_inhibitors: bool = True
    busy_do_not_disturb: bool = True
    busy_microphone_camera: bool = True
    busy_programs: Programs = ()
    meeting_until: PausedUntil = None
    # Window state
    shown_background_hint: bool = False
    window_geometry: Base64 = ""
    last_routine_id: SlugOrNone = ""
    shown_reminders_note: bool = False

    def __post_init__(self) -> None:
        msgspec.structs.force_setattr(
            self, "active_days", tuple(sorted(set(self.active_days)))
        )
        if self.active_start >= self.active_end:
            raise ValueError(_("active_start must be earlier than active_end"))


EARLIEST_PAUSE_END = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_PAUSE_END = datetime(2200, 1, 1, tzinfo=UTC)
"""A pause ends within these: the app only ever pauses for hours or until tomorrow, and
a date at the edge of the calendar would overflow the schedule's arithmetic."""


def pause_in_range(moment: datetime) -> bool:
    return EARLIEST_PAUSE_END <= moment <= LATEST_PAUSE_END


FIELDS: tuple[str, ...] = Settings.__struct_fields__
FIELD_NAMES = frozenset(FIELDS)


def as_dict(settings: Settings) -> dict[str, Any]:
    """Every setting by name, in the order of the class."""
    return {name: getattr(settings, name) for name in FIELDS}


APP_STATE_FIELDS = frozenset({
    "window_geometry", "shown_background_hint", "paused_until", "meeting_until",
    "last_routine_id", "shown_reminders_note",
})
"""Settings the app itself produces rather than the person types."""


def with_state(settings: Settings, **state: Any) -> Settings:
    """A copy with app-produced state changed (the window's geometry from Qt, the hint
    shown, the end of a pause from the schedule): valid by construction, so it is not
    run through the validator."""
    unknown = state.keys() - APP_STATE_FIELDS
    if unknown:
        raise KeyError(f"not app state, use replace(): {', '.join(sorted(unknown))}")
    return msgspec.structs.replace(settings, **state)


def validate_settings(data: Mapping[str, Any]) -> Settings:
    """:class:`Settings` from ``data`` (missing keys take their defaults); raises
    :class:`~massage_timer.core.model.validation.ValidationError` naming every setting
    found wrong."""
    return convert(data, Settings)


def replace(settings: Settings, **changes: Any) -> Settings:
    """A copy of ``settings`` with ``changes`` applied and validated (unlike
    ``msgspec.structs.replace``); raises
    :class:`~massage_timer.core.model.validation.ValidationError`."""
    return validate_settings({**as_dict(settings), **changes})
