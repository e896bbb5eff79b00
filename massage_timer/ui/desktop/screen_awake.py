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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from massage_timer.ui.desktop.buses import Buses

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.ScreenSaver"
PATH = "/org/freedesktop/ScreenSaver"
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
        # jeepney loads with the first session (or the reminders' first D-Bus call),
        # not before the library window's first paint.
        from massage_timer.ui.desktop.buses import Buses

        buses = Buses()
        body = buses.call("SESSION", _call("Inhibit", "ss", (APPLICATION, reason)))
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
            buses.call("SESSION", _call("UnInhibit", "u", (cookie,)))
        buses.close()


def _call(method: str, signature: str, body: tuple[object, ...]) -> object:
    from jeepney import DBusAddress, new_method_call

    return new_method_call(DBusAddress(PATH, bus_name=SERVICE, interface=SERVICE),
                           method, signature, body)
