"""Idle time on Wayland compositors that offer ``ext-idle-notify-v1`` (sway, Hyprland,
river, labwc, Wayfire, KWin).

Wayland gives a client no idle clock to read: the compositor tells it once the seat has
been idle for a timeout the client chose, and again when input comes back. The timeout
is the reminders' idle time, so the schedule, which only compares the idle time with that
threshold, learns what it needs. One connection of our own is opened (Qt's is not
shared), its socket watched by a ``QSocketNotifier``: no timer, and the UI thread waits
on the compositor only once, at most :data:`CONNECT_TIMEOUT_S`, to learn its globals.

Imported only on a Wayland session (``WAYLAND_DISPLAY`` set): pywayland and its cffi
module stay out of other starts. pywayland's wheels bundle libwayland-client and ship
the protocol's generated module (``pywayland.protocol.ext_idle_notify_v1``).
"""

from __future__ import annotations

import logging
import select
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSocketNotifier
from pywayland.client.display import Display
from pywayland.protocol.ext_idle_notify_v1 import (
    ExtIdleNotificationV1Proxy,
    ExtIdleNotifierV1,
    ExtIdleNotifierV1Proxy,
)
from pywayland.protocol.wayland import WlRegistryProxy, WlSeat, WlSeatProxy

log = logging.getLogger("massage_timer.idle")

CONNECT_TIMEOUT_S = 0.25
"""How long the first exchange (the compositor's list of globals) may take: as long as
a D-Bus idle source's first call may."""

DEFAULT_THRESHOLD_S = 5 * 60.0


class WaylandIdle:
    """Idled and resumed from the compositor's ``ext_idle_notifier_v1``, on the first seat.

    The notification is made with ``get_idle_notification`` (version 1, which every
    compositor with the protocol has): it honours idle inhibitors, so a film or a
    presentation watched without touching the keyboard is not taken for a walk.
    """

    name = "wayland"

    def __init__(self, threshold_s: float = DEFAULT_THRESHOLD_S, *,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._threshold_s = threshold_s
        self._idled_at: float | None = None
        self._globals: dict[str, tuple[int, int]] = {}
        self._notification: ExtIdleNotificationV1Proxy | None = None
        self._socket: QSocketNotifier | None = None
        self._display: Display | None = Display()
        try:
            self._display.connect()
        except ValueError as exc:
            self._display = None
            raise OSError(f"cannot connect to the Wayland display: {exc}") from exc
        try:
            self._registry: WlRegistryProxy = self._display.get_registry()
            self._registry.dispatcher["global"] = self._on_global
            self._roundtrip(CONNECT_TIMEOUT_S)
            missing = [n for n in ("wl_seat", ExtIdleNotifierV1.name) if n not in self._globals]
            if missing:
                raise OSError(f"the compositor offers no {' or '.join(missing)}")
            seat_name, _version = self._globals["wl_seat"]
            self._seat: WlSeatProxy = self._registry.bind(seat_name, WlSeat, 1)
            notifier_name, _version = self._globals[ExtIdleNotifierV1.name]
            self._notifier: ExtIdleNotifierV1Proxy = self._registry.bind(
                notifier_name, ExtIdleNotifierV1, 1)
            self._notify()
        except (OSError, RuntimeError):
            self._disconnect()
            raise
        self._socket = QSocketNotifier(self._display.get_fd(), QSocketNotifier.Type.Read)
        self._socket.activated.connect(self._on_readable)

    @property
    def live(self) -> bool:
        """Whether the compositor is still there."""
        return self._display is not None

    @property
    def idle(self) -> bool:
        """Whether the compositor said idled and has not said resumed since."""
        return self._idled_at is not None

    @property
    def threshold_s(self) -> float:
        return self._threshold_s

    def idle_seconds(self) -> float | None:
        """The threshold plus the time since ``idled``; 0 while active (all the schedule
        needs is whether the threshold is reached); ``None`` once the compositor is gone."""
        if self._display is None:
            return None
        if self._idled_at is None:
            return 0.0
        return self._threshold_s + max(0.0, self._monotonic() - self._idled_at)

    def set_threshold(self, seconds: float) -> None:
        """Ask again with the reminders' new idle time (a new notification starts active)."""
        if seconds == self._threshold_s:
            return
        self._threshold_s = seconds
        if self._display is None:
            return
        try:
            self._notify()
        except RuntimeError as exc:
            self._gone(exc)

    def close(self) -> None:
        self._disconnect()

    def _notify(self) -> None:
        assert self._display is not None
        if self._notification is not None:
            self._notification.destroy()
        self._idled_at = None
        timeout_ms = max(0, min(round(self._threshold_s * 1000), 0xFFFFFFFF))
        self._notification = self._notifier.get_idle_notification(timeout_ms, self._seat)
        self._notification.dispatcher["idled"] = self._on_idled
        self._notification.dispatcher["resumed"] = self._on_resumed
        if self._display.flush() < 0:
            raise RuntimeError("cannot write to the compositor")

    def _roundtrip(self, timeout_s: float) -> None:
        """``wl_display_roundtrip`` with a deadline: a stuck compositor must not hang us."""
        assert self._display is not None
        done: list[bool] = []
        callback = self._display.sync()
        callback.dispatcher["done"] = lambda _proxy, _serial: done.append(True)
        if self._display.flush() < 0:
            raise OSError("cannot write to the compositor")
        fd = self._display.get_fd()
        deadline = time.monotonic() + timeout_s
        while not done:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise OSError(f"the compositor did not answer within {timeout_s:g} s")
            self._display.read()
            self._display.dispatch(block=False)

    def _on_global(self, _registry: Any, name: int, interface: str, version: int) -> None:
        self._globals.setdefault(interface, (name, version))

    def _on_idled(self, _notification: Any) -> None:
        self._idled_at = self._monotonic()
        log.debug("the compositor says idle (after %g s)", self._threshold_s)

    def _on_resumed(self, _notification: Any) -> None:
        self._idled_at = None
        log.debug("the compositor says active again")

    def _on_readable(self) -> None:
        if self._display is None:
            return
        try:
            self._display.read()
            self._display.dispatch(block=False)
            self._display.flush()
        except RuntimeError as exc:
            self._gone(exc)

    def _gone(self, exc: Exception) -> None:
        log.warning("the Wayland compositor went away (%s): idle time is no longer read", exc)
        self._disconnect()

    def _disconnect(self) -> None:
        if self._socket is not None:
            self._socket.setEnabled(False)
            self._socket.deleteLater()
            self._socket = None
        if self._display is not None:
            self._display.disconnect()
            self._display = None
        self._notification = None
        self._idled_at = None
