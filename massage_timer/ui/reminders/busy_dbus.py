"""Busy signals the desktop publishes on D-Bus: idle inhibitors and do-not-disturb.

Each probe is one short method call (a 250 ms timeout; a missing service answers at
once), made only when a reminder falls due or is held. While a reminder is held,
:class:`DBusWatcher` listens for the services' change signals so the reminder is shown
as soon as the person is free, without polling. The calls go through
:class:`~massage_timer.ui.desktop.buses.Buses` (jeepney).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from jeepney import (
    DBusAddress,
    MatchRule,
    Properties,
    message_bus,
    new_method_call,
)
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.wrappers import DBusErrorResponse
from PySide6.QtCore import QObject, QSocketNotifier, Signal

from massage_timer.ui.desktop.buses import TIMEOUT_S, Buses

log = logging.getLogger("massage_timer.busy")

GSM_INHIBIT_IDLE = 8  # org.gnome.SessionManager: the "idle" bit of InhibitedActions
KDE_CHANGE_SCREEN_SETTINGS = 4  # PolicyAgent: what presentation mode and players inhibit

GNOME_SESSION = DBusAddress(
    "/org/gnome/SessionManager", bus_name="org.gnome.SessionManager",
    interface="org.gnome.SessionManager",
)
NOTIFICATIONS = DBusAddress(
    "/org/freedesktop/Notifications", bus_name="org.freedesktop.Notifications",
    interface="org.freedesktop.Notifications",
)
LOGIND = DBusAddress(
    "/org/freedesktop/login1", bus_name="org.freedesktop.login1",
    interface="org.freedesktop.login1.Manager",
)
KDE_POLICY = DBusAddress(
    "/org/kde/Solid/PowerManagement/PolicyAgent", bus_name="org.kde.Solid.PowerManagement",
    interface="org.kde.Solid.PowerManagement.PolicyAgent",
)
XFCONF = DBusAddress("/org/xfce/Xfconf", bus_name="org.xfce.Xfconf",
                     interface="org.xfce.Xfconf")


def _property(buses: Buses, bus: str, address: DBusAddress, name: str) -> Any:
    body = buses.call(bus, Properties(address).get(name))
    return body[0][1] if body else None


def gnome_inhibited(buses: Buses) -> bool | None:
    """GNOME: a player, a call or a presentation inhibits idle (``InhibitedActions``)."""
    value = _property(buses, "SESSION", GNOME_SESSION, "InhibitedActions")
    return None if value is None else bool(int(value) & GSM_INHIBIT_IDLE)


def logind_inhibited(buses: Buses) -> bool | None:
    """systemd-logind: a blocking ``idle`` inhibitor (``systemd-inhibit --what=idle``)."""
    body = buses.call("SYSTEM", new_method_call(LOGIND, "ListInhibitors"))
    if body is None:
        return None
    return any(
        "idle" in str(what).split(":") and mode == "block"
        for what, _who, _why, mode, *_rest in body[0]
    )


def kde_inhibited(buses: Buses) -> bool | None:
    """KDE: PolicyAgent holds a screen-settings inhibition (presentation mode, a video)."""
    body = buses.call("SESSION", new_method_call(
        KDE_POLICY, "HasInhibition", "u", (KDE_CHANGE_SCREEN_SETTINGS,)))
    return None if body is None else bool(body[0])


def notifications_inhibited(buses: Buses) -> bool | None:
    """Do-not-disturb through the notification server's ``Inhibited`` property."""
    value = _property(buses, "SESSION", NOTIFICATIONS, "Inhibited")
    return None if value is None else bool(value)


def xfce_do_not_disturb(buses: Buses) -> bool | None:
    """Xfce's notification daemon: ``/do-not-disturb`` in its xfconf channel."""
    body = buses.call("SESSION", new_method_call(
        XFCONF, "GetProperty", "ss", ("xfce4-notifyd", "/do-not-disturb")))
    return None if body is None else bool(body[0][1])


def gnome_banners_off(read: Callable[[], str | None]) -> bool | None:
    """GNOME's do-not-disturb is ``show-banners`` off (a GSettings key)."""
    value = read()
    return None if value is None else value.strip() == "false"


WATCHED: tuple[tuple[str, MatchRule], ...] = (
    ("SESSION", MatchRule(type="signal", sender=NOTIFICATIONS.bus_name,
                          interface="org.freedesktop.DBus.Properties",
                          member="PropertiesChanged", path=NOTIFICATIONS.object_path)),
    ("SESSION", MatchRule(type="signal", sender=GNOME_SESSION.bus_name,
                          interface="org.freedesktop.DBus.Properties",
                          member="PropertiesChanged", path=GNOME_SESSION.object_path)),
    ("SESSION", MatchRule(type="signal", sender=GNOME_SESSION.bus_name,
                          interface=GNOME_SESSION.interface, member="InhibitorRemoved")),
    ("SESSION", MatchRule(type="signal", sender=KDE_POLICY.bus_name,
                          interface=KDE_POLICY.interface, member="InhibitionsChanged")),
    ("SESSION", MatchRule(type="signal", sender=XFCONF.bus_name,
                          interface=XFCONF.interface, member="PropertyChanged")),
)
"""The change signals a held reminder listens to (logind's inhibitors send none)."""


class DBusWatcher(QObject):
    """Listens to D-Bus signals on connections of its own, in the Qt event loop.

    Signals:
        fired(str): a watched signal arrived (its member name).
    """

    fired = Signal(str)

    def __init__(self, rules: tuple[tuple[str, MatchRule], ...],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rules = rules
        self._conns: list[tuple[DBusConnection, QSocketNotifier]] = []

    @property
    def active(self) -> bool:
        return bool(self._conns)

    def start(self) -> None:
        if self._conns:
            return
        by_bus: dict[str, list[MatchRule]] = {}
        for bus, rule in self._rules:
            by_bus.setdefault(bus, []).append(rule)
        for bus, rules in by_bus.items():
            try:
                conn = open_dbus_connection(bus=bus)
                for rule in rules:
                    conn.send_and_get_reply(message_bus.AddMatch(rule), timeout=TIMEOUT_S)
            except (OSError, KeyError, ValueError, DBusErrorResponse, TimeoutError) as exc:
                log.info("cannot watch the %s bus: %s", bus.lower(), exc)
                continue
            notifier = QSocketNotifier(conn.sock.fileno(), QSocketNotifier.Type.Read, self)
            notifier.activated.connect(lambda *_args, c=conn: self._on_readable(c))
            self._conns.append((conn, notifier))

    def stop(self) -> None:
        for conn, notifier in self._conns:
            notifier.setEnabled(False)
            notifier.deleteLater()
            conn.close()
        self._conns.clear()

    def _on_readable(self, conn: DBusConnection) -> None:
        members: list[str] = []
        while True:
            try:
                message = conn.receive(timeout=0)
            except TimeoutError:
                break
            except (OSError, EOFError, ValueError):
                log.info("a watched D-Bus connection closed")
                break
            member = message.header.fields.get(3)  # HeaderFields.member
            if member:
                members.append(str(member))
        for member in members:
            self.fired.emit(member)
