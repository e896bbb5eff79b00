"""How long the user has not touched keyboard or mouse, where the desktop tells us.

Two sources are supported: the X11 screen-saver extension (``libXss``, through ctypes,
on X11 sessions) and GNOME's Mutter idle monitor over D-Bus (GNOME on X11 and
Wayland). Elsewhere (KDE or wlroots Wayland sessions, Windows, macOS) idle time is not
read yet and :meth:`IdleMonitor.idle_seconds` returns ``None``: the reminders then rely
on suspend detection and on unanswered reminders being withdrawn.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys
from typing import Protocol

from PySide6.QtGui import QGuiApplication

log = logging.getLogger("massage_timer.idle")

DBUS_TIMEOUT_MS = 250


class IdleSource(Protocol):
    name: str

    def idle_seconds(self) -> float | None: ...

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

    def close(self) -> None:
        if self._display:
            self._x11.XFree(self._info)
            self._x11.XCloseDisplay(self._display)
            self._display = None


class GnomeIdle:
    """Idle time from GNOME Shell's ``org.gnome.Mutter.IdleMonitor`` (X11 and Wayland)."""

    name = "gnome"

    def __init__(self) -> None:
        from PySide6.QtDBus import QDBusConnection, QDBusInterface

        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            raise OSError("no D-Bus session bus")
        self._iface = QDBusInterface(
            "org.gnome.Mutter.IdleMonitor", "/org/gnome/Mutter/IdleMonitor/Core",
            "org.gnome.Mutter.IdleMonitor", bus,
        )
        self._iface.setTimeout(DBUS_TIMEOUT_MS)
        if not self._iface.isValid() or self.idle_seconds() is None:
            raise OSError("GNOME's idle monitor is not running")

    def idle_seconds(self) -> float | None:
        reply = self._iface.call("GetIdletime")
        args = reply.arguments()
        if not args or not isinstance(args[0], int):
            return None
        return args[0] / 1000.0

    def close(self) -> None:
        return None


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

    def close(self) -> None:
        if self._source is not None:
            self._source.close()
            self._source = None


def create_idle_monitor() -> IdleMonitor:
    """Probe the desktop once (needs a QGuiApplication); cheap to query afterwards."""
    if not sys.platform.startswith("linux"):
        return IdleMonitor(None)
    platform = QGuiApplication.platformName()
    wayland = platform.startswith("wayland") or os.environ.get("XDG_SESSION_TYPE") == "wayland"
    candidates: list[type[X11Idle] | type[GnomeIdle]] = []
    desktop = os.environ.get("XDG_CURRENT_DESKTOP", "").lower()
    if "gnome" in desktop or wayland:
        candidates.append(GnomeIdle)
    if platform == "xcb" and not wayland:
        candidates.append(X11Idle)
    for candidate in candidates:
        try:
            return IdleMonitor(candidate())
        except (OSError, ImportError) as exc:
            log.info("idle source %s unavailable: %s", candidate.name, exc)
    return IdleMonitor(None)
