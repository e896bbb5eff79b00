"""Keeping the screen from blanking during a session, where the desktop allows it.

Uses the freedesktop ``org.freedesktop.ScreenSaver`` D-Bus interface (GNOME, KDE,
Xfce and most others on Linux). Where it is missing the session simply runs without
it; the settings dialog says that this depends on the platform.
"""

from __future__ import annotations

import logging
import sys

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.ScreenSaver"
PATH = "/org/freedesktop/ScreenSaver"


class ScreenAwake:
    """One inhibition; :meth:`release` ends it (safe to call twice)."""

    def __init__(self, cookie: int | None) -> None:
        self.cookie = cookie

    @property
    def active(self) -> bool:
        return self.cookie is not None

    @classmethod
    def inhibit(cls, reason: str) -> ScreenAwake:
        if not sys.platform.startswith("linux"):
            return cls(None)
        try:
            from PySide6.QtDBus import QDBusConnection, QDBusInterface
        except ImportError:
            return cls(None)
        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            return cls(None)
        iface = QDBusInterface(SERVICE, PATH, SERVICE, bus)
        if not iface.isValid():
            return cls(None)
        reply = iface.call("Inhibit", "massage-timer", reason)
        args = reply.arguments()
        cookie = args[0] if args and isinstance(args[0], int) else None
        if cookie is None:
            log.info("screen saver inhibit refused: %s", reply.errorMessage())
        return cls(cookie)

    def release(self) -> None:
        if self.cookie is None:
            return
        cookie, self.cookie = self.cookie, None
        from PySide6.QtDBus import QDBusConnection, QDBusInterface

        iface = QDBusInterface(SERVICE, PATH, SERVICE, QDBusConnection.sessionBus())
        if iface.isValid():
            iface.call("UnInhibit", cookie)
