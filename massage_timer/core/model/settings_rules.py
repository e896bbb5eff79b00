"""The bounds of every setting and the pydantic validator that checks a settings file.

Imported only when settings have to be checked: a file that is not the one the app
last wrote, or a change from the Settings dialog (see :mod:`~massage_timer.core.model.settings`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any

from pydantic import AwareDatetime, Field, StringConstraints, TypeAdapter

from massage_timer.core.model.routine_rules import Slug
from massage_timer.core.model.settings import (
    MAX_FONT_SCALE,
    MAX_INTERVAL_MINUTES,
    MIN_FONT_SCALE,
    MIN_INTERVAL_MINUTES,
    Settings,
    Theme,
)

VoiceName = Annotated[str, StringConstraints(max_length=200)]
VoiceRate = Annotated[int, Field(ge=80, le=300)]
Volume = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
FontScale = Annotated[float, Field(ge=MIN_FONT_SCALE, le=MAX_FONT_SCALE, allow_inf_nan=False)]
IntervalMinutes = Annotated[int, Field(ge=MIN_INTERVAL_MINUTES, le=MAX_INTERVAL_MINUTES)]
Weekday = Annotated[int, Field(ge=0, le=6)]
ActiveDays = Annotated[tuple[Weekday, ...], Field(min_length=1, max_length=7)]
ClockTime = Annotated[str, StringConstraints(pattern=r"^(?:[01]\d|2[0-3]):[0-5]\d$")]
ShortMinutes = Annotated[int, Field(ge=1, le=60)]
PausedUntil = AwareDatetime | None
Base64 = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9+/=]*$", max_length=8192)]

_NAMESPACE: dict[str, Any] = {
    **{name: value for name, value in globals().items() if not name.startswith("_")},
    "Slug": Slug,
    "Theme": Theme,
}


@cache
def settings_adapter() -> TypeAdapter[Settings]:
    """The validator, built on first use (the dataclass names these types as strings)."""
    adapter: TypeAdapter[Settings] = TypeAdapter(Settings)
    adapter.rebuild(force=True, _types_namespace=_NAMESPACE)
    return adapter


def validate_settings(data: Mapping[str, Any]) -> Settings:
    """:class:`Settings` from ``data``; raises pydantic's ``ValidationError``."""
    return settings_adapter().validate_python(data)
