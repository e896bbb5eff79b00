"""The busy reasons as the person reads them (kept apart from the detectors, which are
imported only when a reminder is first due)."""

from __future__ import annotations

from massage_timer.core.model.busy import BusyReason
from massage_timer.core.model.language import N_

REASON_TITLES: dict[BusyReason, str] = {
    BusyReason.MEETING_MODE: N_("Meeting mode"),
    BusyReason.FULL_SCREEN: N_("Full screen"),
    BusyReason.INHIBITED: N_("Idle inhibited"),
    BusyReason.DO_NOT_DISTURB: N_("Do not disturb"),
    BusyReason.MICROPHONE: N_("Microphone in use"),
    BusyReason.CAMERA: N_("Camera in use"),
    BusyReason.PROGRAM: N_("Listed program running"),
}
"""Each signal's name at the start of a line (the Settings dialog's list of signals);
inside a sentence a reason reads as :attr:`BusyReason.label`."""
