"""Short D-Bus method calls to desktop services, through jeepney.

jeepney, not QtDBus: it builds the typed arguments (uint32, structs) that QtDBus cannot
from Python, and one D-Bus library serves every caller (the reminders' busy and idle
checks, the session's screen inhibit); QtDBus's binding and its connection cost a
session ~0.9 MB resident for one call (docs/performance.md, "Session peak memory").

Every call waits at most :data:`TIMEOUT_S`; a service that is not there answers at once.
"""

from __future__ import annotations

import logging
from typing import Any

from jeepney import MessageType
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.wrappers import DBusErrorResponse

log = logging.getLogger("massage_timer.dbus")

TIMEOUT_S = 0.25


class Buses:
    """The session and system bus connections, opened on first use and kept."""

    def __init__(self) -> None:
        self._conns: dict[str, DBusConnection | None] = {}

    def get(self, bus: str) -> DBusConnection | None:
        if bus not in self._conns:
            try:
                self._conns[bus] = open_dbus_connection(bus=bus)
            except (OSError, KeyError, ValueError) as exc:
                log.info("no %s D-Bus: %s", bus.lower(), exc)
                self._conns[bus] = None
        return self._conns[bus]

    def call(self, bus: str, message: Any) -> tuple[Any, ...] | None:
        """The reply's body, or ``None`` if the bus or the service is not there."""
        conn = self.get(bus)
        if conn is None:
            return None
        try:
            reply = conn.send_and_get_reply(message, timeout=TIMEOUT_S)
        except (DBusErrorResponse, TimeoutError, OSError) as exc:
            log.debug("D-Bus call %s failed: %s", message.header.fields, exc)
            return None
        if reply.header.message_type is MessageType.error:
            return None  # no such service here (or it does not know the method)
        return tuple(reply.body)

    def close(self) -> None:
        for conn in self._conns.values():
            if conn is not None:
                conn.close()
        self._conns.clear()
