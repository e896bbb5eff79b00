"""Keeping the screen from blanking during a session, where the desktop allows it.

Uses the freedesktop ``org.freedesktop.ScreenSaver`` D-Bus interface (GNOME, KDE,
Xfce and most others on Linux) through :class:`~massage_timer.ui.desktop.buses.Buses`.
Where it is missing the session simply runs without it; the settings dialog says that
this depends on the platform.

Each inhibition holds a session-bus connection of its own until it is released: the
services end an inhibition whose connection closes, so an app that crashes mid-session
does not keep the screen on.
"""

from __future__ import annotations

import logging
import sys

from jeepney import DBusAddress, new_method_call

from massage_timer.ui.desktop.buses import Buses

log = logging.getLogger(__name__)

SCREEN_SAVER = DBusAddress(
    "/org/freedesktop/ScreenSaver", bus_name="org.freedesktop.ScreenSaver",
    interface="org.freedesktop.ScreenSaver",
)
APPLICATION = "massage-timer"
"""How the inhibition names the app to the desktop (some list it, e.g. KDE's battery applet)."""


class ScreenAwake:
    """One inhibition; :meth:`release` ends it (safe to call twice)."""

    def __init__(self, cookie: int | None, buses: Buses | None = None) -> None:
        self.cookie = cookie
        self._buses = buses

    @property
    def active(self) -> bool:
        return self.cookie is not None

    @classmethod
    def inhibit(cls, reason: str) -> ScreenAwake:
        if not sys.platform.startswith("linux"):
            return cls(None)
        buses = Buses()
        body = buses.call("SESSION", new_method_call(
            SCREEN_SAVER, "Inhibit", "ss", (APPLICATION, reason)))
        cookie = body[0] if body and isinstance(body[0], int) else None
        if cookie is None:
            log.info("the screen saver offers no inhibit here")
            buses.close()
            return cls(None)
        return cls(cookie, buses)

    def release(self) -> None:
        cookie, self.cookie = self.cookie, None
        buses, self._buses = self._buses, None
        if buses is None:
            return
        if cookie is not None:
            buses.call("SESSION", new_method_call(SCREEN_SAVER, "UnInhibit", "u", (cookie,)))
        buses.close()
