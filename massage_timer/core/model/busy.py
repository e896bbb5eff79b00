"""Why a reminder should wait: the busy signals, which ones the person allows, and the
order they are asked in.

Pure: the detectors live in the UI layer (they talk to D-Bus, X11, PulseAudio and
``/proc``); here is only the vocabulary they answer in and the policy that turns their
answers into one reason, so the schedule and the history log speak the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from enum import StrEnum

import msgspec

from massage_timer.core.model.language import pgettext
from massage_timer.core.model.settings import Settings


class BusyReason(StrEnum):
    """Why a reminder is held; the value is what the history log stores."""

    MEETING_MODE = "meeting mode"
    FULL_SCREEN = "full screen"
    INHIBITED = "idle inhibited"
    DO_NOT_DISTURB = "do not disturb"
    MICROPHONE = "microphone in use"
    CAMERA = "camera in use"
    PROGRAM = "listed program running"

    @property
    def label(self) -> str:
        """The reason in the current language, as shown (the value stays stored)."""
        match self:
            case BusyReason.MEETING_MODE:
                # TRANSLATORS: why a reminder waits (shown in the history and the tray).
                return pgettext("busy", "meeting mode")
            case BusyReason.FULL_SCREEN:
                return pgettext("busy", "a full-screen window")
            case BusyReason.INHIBITED:
                # TRANSLATORS: a program (a video player, a call) asked the desktop
                # not to go idle.
                return pgettext("busy", "a program keeps the screen awake")
            case BusyReason.DO_NOT_DISTURB:
                return pgettext("busy", "do not disturb")
            case BusyReason.MICROPHONE:
                return pgettext("busy", "the microphone is in use")
            case BusyReason.CAMERA:
                return pgettext("busy", "the camera is in use")
        return pgettext("busy", "a listed program is running")


ORDER: tuple[BusyReason, ...] = (
    BusyReason.MEETING_MODE,
    BusyReason.DO_NOT_DISTURB,
    BusyReason.INHIBITED,
    BusyReason.FULL_SCREEN,
    BusyReason.PROGRAM,
    BusyReason.MICROPHONE,
    BusyReason.CAMERA,
)
"""Cheapest and surest first: a check stops at the first signal that says busy."""


class BusyPolicy(msgspec.Struct, frozen=True):
    """Which signals count, from the settings (all on by default)."""

    full_screen: bool = True
    inhibitors: bool = True
    do_not_disturb: bool = True
    microphone_camera: bool = True
    programs: tuple[str, ...] = ()
    meeting_until: datetime | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> BusyPolicy:
        return cls(
            full_screen=settings.busy_full_screen,
            inhibitors=settings.busy_inhibitors,
            do_not_disturb=settings.busy_do_not_disturb,
            microphone_camera=settings.busy_microphone_camera,
            programs=settings.busy_programs,
            meeting_until=settings.meeting_until,
        )

    def allows(self, reason: BusyReason) -> bool:
        """Whether ``reason`` is a signal the person wants to count."""
        if reason is BusyReason.FULL_SCREEN:
            return self.full_screen
        if reason is BusyReason.INHIBITED:
            return self.inhibitors
        if reason is BusyReason.DO_NOT_DISTURB:
            return self.do_not_disturb
        if reason in (BusyReason.MICROPHONE, BusyReason.CAMERA):
            return self.microphone_camera
        if reason is BusyReason.PROGRAM:
            return bool(self.programs)
        return True

    def in_meeting(self, now: datetime) -> bool:
        return self.meeting_until is not None and now < self.meeting_until


Probe = Callable[[], bool | None]
"""One detector's answer: busy, not busy, or ``None`` when it cannot tell here."""


def first_busy_reason(
    policy: BusyPolicy,
    now: datetime,
    probes: Iterable[tuple[BusyReason, Probe]],
) -> BusyReason | None:
    """The first allowed signal (in :data:`ORDER`) whose probe says busy, else ``None``.

    A probe that fails or cannot tell counts as not busy: an unreadable desktop must
    not swallow every reminder.
    """
    if policy.in_meeting(now):
        return BusyReason.MEETING_MODE
    by_reason: dict[BusyReason, list[Probe]] = {}
    for reason, probe in probes:
        by_reason.setdefault(reason, []).append(probe)
    for reason in ORDER:
        if not policy.allows(reason):
            continue
        for probe in by_reason.get(reason, ()):
            if probe() is True:
                return reason
    return None
