"""How long the user has not touched keyboard or mouse, where the desktop tells us.

Four sources are supported: GNOME's Mutter idle monitor over D-Bus (GNOME on X11 and
Wayland), KDE's ``org.freedesktop.ScreenSaver.GetSessionIdleTime`` (Plasma on X11 and
Wayland), the compositor's ``ext-idle-notify-v1`` on other Wayland desktops (sway,
Hyprland, river, labwc, Wayfire: :mod:`.idle_wayland`, imported only there) and the X11
screen-saver extension (``libXss``, through ctypes, on any X11 session). Elsewhere
(Windows, macOS, a Wayland compositor without the protocol) idle time is not read and
:meth:`IdleMonitor.idle_seconds` returns ``None``: the reminders then rely on suspend
detection and on unanswered reminders being withdrawn. Suspend and resume come
from logind's ``PrepareForSleep`` signal (:class:`SleepWatcher`), besides the wall
clock jumping ahead.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys
from collections.abc import Callable
from typing import Protocol

from jeepney import DBusAddress, MatchRule, new_method_call
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication

from massage_timer.ui.desktop.buses import Buses
from massage_timer.ui.reminders.busy_dbus import DBusWatcher

log = logging.getLogger("massage_timer.idle")


class IdleSource(Protocol):
    name: str

    def idle_seconds(self) -> float | None: ...

    def set_threshold(self, seconds: float) -> None:
        """The reminders' idle time: a source that is told when it is reached (Wayland)
        must know it; one that is read at each wake-up ignores it."""

    def close(self) -> None: ...


class _XScreenSaverInfo(ctypes.Structure):
    _fields_ = [
        ("window", ctypes.c_ulong),
        ("state", ctypes.c_int),
        ("kind", ctypes.c_int),
        ("til_or_since", ctypes.c_ulong),
        ("idle", ctypes.c_ulong),
        ("event_mask", ctypes.c_ulong),
    ]


class X11Idle:
    """Idle time from the MIT-SCREEN-SAVER extension, over a connection of our own."""

    name = "x11"

    def __init__(self) -> None:
        x11_name = ctypes.util.find_library("X11")
        xss_name = ctypes.util.find_library("Xss")
        if not x11_name or not xss_name:
            raise OSError("libX11 or libXss is not installed")
        self._x11 = ctypes.CDLL(x11_name)
        self._xss = ctypes.CDLL(xss_name)
        self._x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self._x11.XOpenDisplay.restype = ctypes.c_void_p
        self._x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self._x11.XDefaultRootWindow.restype = ctypes.c_ulong
        self._x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self._x11.XFree.argtypes = [ctypes.c_void_p]
        self._xss.XScreenSaverQueryExtension.argtypes = [
            ctypes.c_void_p, ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int)
        ]
        self._xss.XScreenSaverAllocInfo.restype = ctypes.POINTER(_XScreenSaverInfo)
        self._xss.XScreenSaverQueryInfo.argtypes = [
            ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(_XScreenSaverInfo)
        ]
        self._display = self._x11.XOpenDisplay(None)
        if not self._display:
            raise OSError("cannot open the X display")
        event, error = ctypes.c_int(), ctypes.c_int()
        if not self._xss.XScreenSaverQueryExtension(
            self._display, ctypes.byref(event), ctypes.byref(error)
        ):
            self._x11.XCloseDisplay(self._display)
            raise OSError("the X server has no screen-saver extension")
        self._info = self._xss.XScreenSaverAllocInfo()
        self._root = self._x11.XDefaultRootWindow(self._display)

    def idle_seconds(self) -> float | None:
        if not self._display:
            return None
        if not self._xss.XScreenSaverQueryInfo(self._display, self._root, self._info):
            return None
        return float(self._info.contents.idle) / 1000.0

    def set_threshold(self, seconds: float) -> None:
        pass

    def close(self) -> None:
        if self._display:
            self._x11.XFree(self._info)
            self._x11.XCloseDisplay(self._display)
            self._display = None


class _DBusIdle:
    """Idle time in milliseconds from one D-Bus method, on the session bus."""

    name = ""
    address = DBusAddress("/")
    method = ""

    def __init__(self) -> None:
        self._buses = Buses()
        if self._buses.get("SESSION") is None:
            raise OSError("no D-Bus session bus")
        if self.idle_seconds() is None:
            self._buses.close()
            raise OSError(f"{self.address.bus_name} does not answer {self.method}")

    def idle_seconds(self) -> float | None:
        body = self._buses.call("SESSION", new_method_call(self.address, self.method))
        if not body or not isinstance(body[0], int):
            return None
        return body[0] / 1000.0

    def set_threshold(self, seconds: float) -> None:
        pass

    def close(self) -> None:
        self._buses.close()


class GnomeIdle(_DBusIdle):
    """Idle time from GNOME Shell's ``org.gnome.Mutter.IdleMonitor`` (X11 and Wayland)."""

    name = "gnome"
    address = DBusAddress("/org/gnome/Mutter/IdleMonitor/Core",
                          bus_name="org.gnome.Mutter.IdleMonitor",
                          interface="org.gnome.Mutter.IdleMonitor")
    method = "GetIdletime"


class KdeIdle(_DBusIdle):
    """Idle time from KDE's screen locker (``GetSessionIdleTime``, in milliseconds as
    KDE answers it), on X11 and Wayland."""

    name = "kde"
    address = DBusAddress("/org/freedesktop/ScreenSaver",
                          bus_name="org.freedesktop.ScreenSaver",
                          interface="org.freedesktop.ScreenSaver")
    method = "GetSessionIdleTime"


SLEEP_RULE = MatchRule(type="signal", sender="org.freedesktop.login1",
                       interface="org.freedesktop.login1.Manager",
                       member="PrepareForSleep", path="/org/freedesktop/login1")


class SleepWatcher(QObject):
    """logind's ``PrepareForSleep``, listened to (no polling) on the system bus.

    Signals:
        resumed(): the machine woke up: look at the schedule now, not within a minute.
    """

    resumed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watcher = DBusWatcher((("SYSTEM", SLEEP_RULE),), self)
        self._watcher.fired.connect(self._on_fired)

    @property
    def active(self) -> bool:
        return self._watcher.active

    def start(self) -> None:
        self._watcher.start()

    def close(self) -> None:
        self._watcher.stop()

    def _on_fired(self, _member: str) -> None:
        # PrepareForSleep(true) comes before the sleep, (false) after it; looking at the
        # schedule on both is harmless, and the second one is the one that matters.
        self.resumed.emit()


class IdleMonitor:
    """The first idle source that works here, or none (``backend == "none"``)."""

    def __init__(self, source: IdleSource | None) -> None:
        self._source = source

    @property
    def backend(self) -> str:
        return self._source.name if self._source else "none"

    def idle_seconds(self) -> float | None:
        if self._source is None:
            return None
        try:
            return self._source.idle_seconds()
        except (OSError, RuntimeError) as exc:
            log.warning("idle time unavailable: %s", exc)
            return None

    def set_threshold(self, seconds: float) -> None:
        """The reminders' idle time, for a source that is told rather than asked."""
        if self._source is not None:
            self._source.set_threshold(seconds)

    def close(self) -> None:
        if self._source is not None:
            self._source.close()
            self._source = None


def _wayland_idle() -> IdleSource:
    from massage_timer.ui.reminders.idle_wayland import WaylandIdle

    return WaylandIdle()


def create_idle_monitor() -> IdleMonitor:
    """Probe the desktop once (needs a QGuiApplication); cheap to query afterwards.

    The desktop's own service comes first (Mutter on GNOME, KDE's on Plasma, where
    KWin also has ext-idle-notify), then ext-idle-notify on other Wayland desktops;
    XScreenSaver only on X11 proper (under XWayland it sees X clients' input only).
    """
    if not sys.platform.startswith("linux"):
        return IdleMonitor(None)
    platform = QGuiApplication.platformName()
    wayland = platform.startswith("wayland") or os.environ.get("XDG_SESSION_TYPE") == "wayland"
    compositor = bool(os.environ.get("WAYLAND_DISPLAY"))
    desktop = os.environ.get("XDG_CURRENT_DESKTOP", "").lower()
    kde, gnome = "kde" in desktop, "gnome" in desktop
    sources: dict[str, Callable[[], IdleSource]] = {}
    if kde:
        sources[KdeIdle.name] = KdeIdle
    if gnome:
        sources[GnomeIdle.name] = GnomeIdle
    if compositor and not (kde or gnome):
        sources["wayland"] = _wayland_idle
    if wayland:
        sources.setdefault(GnomeIdle.name, GnomeIdle)
        sources.setdefault(KdeIdle.name, KdeIdle)
    if compositor:
        sources.setdefault("wayland", _wayland_idle)
    if platform == "xcb" and not wayland:
        sources[X11Idle.name] = X11Idle
    for name, make in sources.items():
        try:
            return IdleMonitor(make())
        except (OSError, ImportError) as exc:
            log.info("idle source %s unavailable: %s", name, exc)
    return IdleMonitor(None)
