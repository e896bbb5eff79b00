"""Is the person busy? The detectors this desktop offers, asked in one call.

Built once (cheap: nothing is probed until asked); :meth:`BusyDetector.check` runs only
when a reminder falls due or is held, and :meth:`BusyDetector.watch` listens to the
desktop's D-Bus change signals only while a reminder is held.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication

from massage_timer.core.model.busy import BusyPolicy, BusyReason, Probe, first_busy_reason
from massage_timer.core.model.language import N_, _
from massage_timer.core.model.settings import Settings
from massage_timer.ui.desktop.buses import Buses
from massage_timer.ui.reminders import busy_dbus, busy_local
from massage_timer.ui.reminders.reasons import REASON_TITLES

log = logging.getLogger("massage_timer.busy")


@dataclass(frozen=True)
class Detector:
    """One way of reading one busy signal here."""

    reason: BusyReason
    name: str  # how it is read, for the Settings tab and the docs (N_-marked where prose)
    probe: Probe


def _wall_now() -> datetime:
    return datetime.now().astimezone()


class BusyDetector(QObject):
    """The busy signals of this desktop, filtered by the settings.

    Signals:
        changed(): a watched desktop signal says something may have changed.
    """

    changed = Signal()

    def __init__(
        self,
        settings: Callable[[], Settings],
        detectors: list[Detector],
        *,
        watchers: Sequence[busy_dbus.DBusWatcher | busy_local.SoundWatcher] = (),
        wall: Callable[[], datetime] = _wall_now,
        on_close: Callable[[], None] = lambda: None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._detectors = detectors
        self._wall = wall
        self._on_close = on_close
        self._watchers = list(watchers)
        self.last_check_ms = 0.0
        for watcher in self._watchers:
            watcher.setParent(self)
            watcher.fired.connect(lambda _member: self.changed.emit())

    @property
    def detectors(self) -> list[Detector]:
        return list(self._detectors)

    def offered(self) -> list[str]:
        """One line per signal this desktop offers, e.g. "Do not disturb: ...", in order,
        in the current language (how it is read stays technical, untranslated)."""
        lines = [_("Meeting mode: from the tray or the Reminders menu")]
        # TRANSLATORS: {signal} is a busy signal, {source} how it is read (technical).
        lines += [_("{signal}: {source}").format(signal=_(REASON_TITLES[d.reason]),
                                                 source=_(d.name)) for d in self._detectors]
        return lines

    def check(self) -> BusyReason | None:
        """The first busy reason the settings allow, or ``None``; timed for the bench."""
        start = time.perf_counter()
        reason = first_busy_reason(
            BusyPolicy.from_settings(self._settings()), self._wall(),
            ((d.reason, d.probe) for d in self._detectors),
        )
        self.last_check_ms = (time.perf_counter() - start) * 1000.0
        return reason

    def watch(self, on: bool) -> None:
        """Listen to the desktop's change signals (while a reminder is held) or stop."""
        for watcher in self._watchers:
            if on:
                watcher.start()
            else:
                watcher.stop()

    @property
    def watching(self) -> bool:
        """Whether any change signal is listened to now."""
        return any(w.active for w in self._watchers)

    def close(self) -> None:
        self.watch(False)
        self._on_close()


def _gsettings_banners() -> str | None:
    gsettings = shutil.which("gsettings")
    if gsettings is None:
        return None
    try:
        done = subprocess.run(
            [gsettings, "get", "org.gnome.desktop.notifications", "show-banners"],
            capture_output=True, text=True, timeout=1.0, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def create_busy_detector(
    settings: Callable[[], Settings], parent: QObject | None = None
) -> BusyDetector:
    """The detectors that can work on this desktop (needs a QGuiApplication)."""
    detectors: list[Detector] = []
    closers: list[Callable[[], None]] = []
    if not sys.platform.startswith("linux"):
        return BusyDetector(settings, detectors, parent=parent)
    buses = Buses()
    closers.append(buses.close)
    desktop = os.environ.get("XDG_CURRENT_DESKTOP", "").lower()
    if QGuiApplication.platformName() == "xcb":
        try:
            full = busy_local.X11FullScreen()
        except OSError as exc:
            log.info("full-screen detection unavailable: %s", exc)
        else:
            detectors.append(Detector(BusyReason.FULL_SCREEN,
                                      # TRANSLATORS: how a busy signal is read; keep
                                      # the technical names as they are.
                                      N_("active X11 window in _NET_WM_STATE_FULLSCREEN"),
                                      full))
            closers.append(full.close)
    bus = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if bus:
        detectors += [
            Detector(BusyReason.DO_NOT_DISTURB, "Notifications.Inhibited (D-Bus)",
                     lambda: busy_dbus.notifications_inhibited(buses)),
            Detector(BusyReason.INHIBITED, "GNOME SessionManager.InhibitedActions (D-Bus)",
                     lambda: busy_dbus.gnome_inhibited(buses)),
            Detector(BusyReason.INHIBITED, "KDE PolicyAgent.HasInhibition (D-Bus)",
                     lambda: busy_dbus.kde_inhibited(buses)),
        ]
        if "xfce" in desktop:
            detectors.append(Detector(BusyReason.DO_NOT_DISTURB,
                                      "Xfce xfce4-notifyd /do-not-disturb (xfconf)",
                                      lambda: busy_dbus.xfce_do_not_disturb(buses)))
    if "gnome" in desktop:
        detectors.append(Detector(BusyReason.DO_NOT_DISTURB,
                                  # TRANSLATORS: how a busy signal is read; keep the
                                  # technical names (show-banners, GSettings) as they are.
                                  N_("GNOME notifications show-banners (GSettings)"),
                                  lambda: busy_dbus.gnome_banners_off(_gsettings_banners)))
    detectors.append(Detector(BusyReason.INHIBITED, "logind ListInhibitors (D-Bus)",
                              lambda: busy_dbus.logind_inhibited(buses)))
    if shutil.which("pactl"):
        detectors.append(Detector(BusyReason.MICROPHONE,
                                  # TRANSLATORS: how a busy signal is read; keep the
                                  # technical names as they are.
                                  N_("PulseAudio/PipeWire source outputs (pactl)"),
                                  busy_local.microphone_in_use))
    # TRANSLATORS: how a busy signal is read; keep /dev/video* and /proc as they are.
    detectors.append(Detector(BusyReason.CAMERA, N_("open /dev/video* handles (/proc)"),
                              busy_local.camera_in_use))
    detectors.append(Detector(
        # TRANSLATORS: how a busy signal is read; keep /proc as it is.
        BusyReason.PROGRAM, N_("running processes (/proc)"),
        lambda: busy_local.programs_running(settings().busy_programs)))

    def close_all() -> None:
        for close in closers:
            close()

    watchers: list[busy_dbus.DBusWatcher | busy_local.SoundWatcher] = [
        busy_dbus.DBusWatcher(busy_dbus.WATCHED), busy_local.SoundWatcher()]
    return BusyDetector(settings, detectors, watchers=watchers,
                        on_close=close_all, parent=parent)
