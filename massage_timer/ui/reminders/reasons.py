"""The busy reasons as the person reads them (kept apart from the detectors, which are
imported only when a reminder is first due)."""

from __future__ import annotations

from massage_timer.core.model.busy import BusyReason
from massage_timer.core.model.language import N_, _

REASON_NAMES: dict[BusyReason, str] = {
    # TRANSLATORS: why a reminder is held, in "Reminder held until you are free (...)".
    BusyReason.MEETING_MODE: N_("meeting mode"),
    BusyReason.FULL_SCREEN: N_("full screen"),
    BusyReason.INHIBITED: N_("idle inhibited"),
    BusyReason.DO_NOT_DISTURB: N_("do not disturb"),
    BusyReason.MICROPHONE: N_("microphone in use"),
    BusyReason.CAMERA: N_("camera in use"),
    BusyReason.PROGRAM: N_("listed program running"),
}
"""How each reason is shown (its value stays the history log's English key)."""

REASON_TITLES: dict[BusyReason, str] = {
    BusyReason.MEETING_MODE: N_("Meeting mode"),
    BusyReason.FULL_SCREEN: N_("Full screen"),
    BusyReason.INHIBITED: N_("Idle inhibited"),
    BusyReason.DO_NOT_DISTURB: N_("Do not disturb"),
    BusyReason.MICROPHONE: N_("Microphone in use"),
    BusyReason.CAMERA: N_("Camera in use"),
    BusyReason.PROGRAM: N_("Listed program running"),
}
"""The same at the start of a line (the Settings dialog's list of signals)."""


def reason_name(reason: BusyReason) -> str:
    """The reason in the current language, as it reads inside a sentence."""
    return _(REASON_NAMES[reason])
