"""Stand-in desktop services on a private D-Bus, for the busy and idle tests.

Run as a helper process (``python tests/busy_services.py``) on the bus named by
``DBUS_SESSION_BUS_ADDRESS``. It owns the real well-known names and answers the real
methods, properties and signals (GNOME SessionManager, Notifications, logind's
Manager, Mutter's IdleMonitor, KDE's PolicyAgent and ScreenSaver, Xfce's xfconf), with a state the
test sets through stdin, one JSON object a line: ``{"notifications_inhibited": true}``.
It prints ``ready`` once it owns its names and ``ok`` after each change (and the change
signals it sends); ``{"ask": "screen_saver_inhibitors"}`` prints that part of the state
as one JSON line instead. Also :class:`BusServices`, the test side: a private ``dbus-daemon``
and this helper, stopped by their own PIDs.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
from pathlib import Path
from typing import Any

from jeepney import (
    DBusAddress,
    HeaderFields,
    MessageType,
    message_bus,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.io.blocking import open_dbus_connection

NAMES = (
    "org.gnome.SessionManager", "org.freedesktop.Notifications", "org.freedesktop.login1",
    "org.gnome.Mutter.IdleMonitor", "org.kde.Solid.PowerManagement",
    "org.freedesktop.ScreenSaver", "org.xfce.Xfconf",
)
PROPS = "org.freedesktop.DBus.Properties"
GSM = DBusAddress("/org/gnome/SessionManager", interface="org.gnome.SessionManager")
NOTIFY = DBusAddress("/org/freedesktop/Notifications",
                     interface="org.freedesktop.Notifications")
LOGIND = DBusAddress("/org/freedesktop/login1", interface="org.freedesktop.login1.Manager")
XFCONF = DBusAddress("/org/xfce/Xfconf", interface="org.xfce.Xfconf")
SCREEN_SAVER = "/org/freedesktop/ScreenSaver"
POLICY = DBusAddress("/org/kde/Solid/PowerManagement/PolicyAgent",
                     interface="org.kde.Solid.PowerManagement.PolicyAgent")


class Services:
    def __init__(self) -> None:
        self.state: dict[str, Any] = {
            "inhibited_actions": 0, "notifications_inhibited": False,
            "logind_inhibitors": [], "kde_inhibited": False, "idle_ms": 0,
            "xfce_dnd": False, "screen_saver_inhibitors": {},
        }
        self._cookies = 0

    def answer(self, msg: Any) -> Any:
        f = msg.header.fields
        path, iface, member = (f.get(HeaderFields.path), f.get(HeaderFields.interface),
                               f.get(HeaderFields.member))
        s = self.state
        if iface == PROPS and member in ("Get", "GetAll"):
            props = {
                GSM.object_path: {"InhibitedActions": ("u", s["inhibited_actions"])},
                NOTIFY.object_path: {"Inhibited": ("b", s["notifications_inhibited"])},
            }.get(path, {})
            if member == "GetAll":
                return new_method_return(msg, "a{sv}", (props,))
            name = msg.body[1]
            if name in props:
                return new_method_return(msg, "v", (props[name],))
        elif (path, member) == (LOGIND.object_path, "ListInhibitors"):
            rows = [tuple(r) for r in s["logind_inhibitors"]]
            return new_method_return(msg, "a(ssssuu)", (rows,))
        elif (path, member) == (XFCONF.object_path, "GetProperty"):
            if tuple(msg.body) == ("xfce4-notifyd", "/do-not-disturb"):
                return new_method_return(msg, "v", (("b", bool(s["xfce_dnd"])),))
            return new_error(msg, "org.xfce.Xfconf.Error.PropertyNotFound", "s",
                             (f"no property {msg.body[1]}",))
        elif member == "GetIdletime":
            return new_method_return(msg, "t", (s["idle_ms"],))
        elif (path, member) == (SCREEN_SAVER, "Inhibit"):
            self._cookies += 1
            application, reason = msg.body
            s["screen_saver_inhibitors"][str(self._cookies)] = [application, reason]
            return new_method_return(msg, "u", (self._cookies,))
        elif (path, member) == (SCREEN_SAVER, "UnInhibit"):
            s["screen_saver_inhibitors"].pop(str(msg.body[0]), None)
            return new_method_return(msg)
        elif member == "GetSessionIdleTime":
            return new_method_return(msg, "u", (s["idle_ms"],))
        elif (path, member) == (POLICY.object_path, "HasInhibition"):
            return new_method_return(msg, "b", (bool(s["kde_inhibited"]) and
                                                bool(msg.body[0] & 4),))
        return new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s",
                         (f"no {iface}.{member} at {path}",))

    def change(self, changes: dict[str, Any]) -> list[Any]:
        """Apply ``changes``; the signals the real services would send."""
        out: list[Any] = []
        for key, value in changes.items():
            if key == "sleep":
                out.append(new_signal(LOGIND, "PrepareForSleep", "b", (bool(value),)))
                continue
            self.state[key] = value
            if key == "inhibited_actions":
                member = "InhibitorAdded" if value else "InhibitorRemoved"
                out.append(new_signal(GSM, member, "o", ("/org/gnome/SessionManager/I1",)))
                out.append(new_signal(
                    DBusAddress(GSM.object_path, interface=PROPS), "PropertiesChanged",
                    "sa{sv}as", (GSM.interface, {"InhibitedActions": ("u", value)}, [])))
            elif key == "notifications_inhibited":
                out.append(new_signal(
                    DBusAddress(NOTIFY.object_path, interface=PROPS), "PropertiesChanged",
                    "sa{sv}as", (NOTIFY.interface, {"Inhibited": ("b", bool(value))}, [])))
            elif key == "xfce_dnd":
                out.append(new_signal(XFCONF, "PropertyChanged", "ssv",
                                      ("xfce4-notifyd", "/do-not-disturb", ("b", bool(value)))))
            elif key == "kde_inhibited":
                added = [("presentation", "a talk")] if value else []
                removed = [] if value else ["presentation"]
                out.append(new_signal(POLICY, "InhibitionsChanged", "a(ss)as",
                                      (added, removed)))
        return out


def main() -> None:
    conn = open_dbus_connection(bus="SESSION")
    for name in NAMES:
        conn.send_and_get_reply(message_bus.RequestName(name), timeout=5)
    services = Services()
    print("ready", flush=True)
    sel = selectors.DefaultSelector()
    sel.register(conn.sock, selectors.EVENT_READ, "bus")
    sel.register(sys.stdin, selectors.EVENT_READ, "stdin")
    while True:
        for key, _ in sel.select():
            if key.data == "stdin":
                line = sys.stdin.readline()
                if not line:
                    return
                request = json.loads(line)
                if "ask" in request:
                    print(json.dumps(services.state[request["ask"]]), flush=True)
                    continue
                for signal in services.change(request):
                    conn.send(signal)
                print("ok", flush=True)
                continue
            while True:
                try:
                    msg = conn.receive(timeout=0)
                except TimeoutError:
                    break
                if msg.header.message_type is MessageType.method_call:
                    conn.send(services.answer(msg))


class BusServices:
    """A private ``dbus-daemon`` and the stand-in services on it (test side)."""

    def __init__(self) -> None:
        self.daemon = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE, text=True)
        assert self.daemon.stdout is not None
        self.address = self.daemon.stdout.readline().strip()
        self.env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": self.address,
                    "DBUS_SYSTEM_BUS_ADDRESS": self.address}
        self.helper = subprocess.Popen(
            [sys.executable, str(Path(__file__))], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, env=self.env)
        self._expect("ready")

    def _expect(self, word: str) -> None:
        assert self.helper.stdout is not None
        line = self.helper.stdout.readline().strip()
        assert line == word, f"stand-in services said {line!r}"

    def _tell(self, request: dict[str, Any]) -> None:
        assert self.helper.stdin is not None
        self.helper.stdin.write(json.dumps(request) + "\n")
        self.helper.stdin.flush()

    def set(self, **changes: Any) -> None:
        """Change the services' state; returns once their signals are sent."""
        self._tell(changes)
        self._expect("ok")

    def ask(self, key: str) -> Any:
        """One part of the services' state, as they hold it now."""
        self._tell({"ask": key})
        assert self.helper.stdout is not None
        return json.loads(self.helper.stdout.readline())

    def close(self) -> None:
        for proc in (self.helper, self.daemon):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        for stream in (self.helper.stdin, self.helper.stdout, self.daemon.stdout):
            if stream is not None:
                stream.close()


if __name__ == "__main__":
    main()
