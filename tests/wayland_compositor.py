"""A stand-in Wayland compositor for the idle tests: a real ``wl_display`` (libwayland's
server, through pywayland) on a socket in a private ``XDG_RUNTIME_DIR``, advertising
``wl_seat`` and ``ext_idle_notifier_v1`` and speaking the real protocol on the wire.

Run as a helper process (``python tests/wayland_compositor.py``) with
``XDG_RUNTIME_DIR`` set (``--no-idle-notify``: a compositor without the protocol, only
a seat). It prints ``ready <socket name>`` once it listens, then reads
one command a line on stdin and answers one line:

- ``idled`` / ``resumed``: send that event on every live idle notification; ``ok <n>``;
- ``notifications``: ``ok`` and the timeouts (ms) the clients asked for, comma separated;
- ``die``: exit at once, without a goodbye (a compositor crashing).

Also :class:`WaylandCompositor`, the test side, which starts and stops it by its PID.

pywayland 0.4.19 is made for clients (and for wlroots, which does its own dispatching):
its resources hand libwayland their Python handle as the dispatcher's *data*, where
libwayland passes the *implementation* to the dispatcher, and it reads a request's
``new_id`` and object arguments as client proxies. :func:`_serve` sets the handle in
both places and :class:`_Request` reads the arguments as a server sees them (an id, a
``wl_resource`` pointer); the rest is pywayland and libwayland as they are.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()


class _Request:
    """A request's arguments as the server receives them: ids and pointers, unconverted."""

    def __init__(self, *kinds: str) -> None:
        self.kinds = kinds

    def c_to_arguments(self, c_args: Any) -> list[Any]:
        return [getattr(c_args[i], kind) for i, kind in enumerate(self.kinds)]


def _serve(resource: Any, handlers: dict[str, Callable[..., None]],
           raw: dict[str, _Request]) -> None:
    from pywayland import lib

    messages = list(resource.dispatcher.messages)
    for name, request in raw.items():
        messages[resource.dispatcher._names[name]] = request
    resource.dispatcher.messages = messages
    for name, handler in handlers.items():
        resource.dispatcher[name] = handler
    lib.wl_resource_set_dispatcher(resource._ptr, lib.dispatcher_func, resource._handle,
                                   resource._handle, lib.resource_destroy_func)


class Compositor:
    def __init__(self, *, idle_notify: bool = True) -> None:
        from pywayland.protocol.ext_idle_notify_v1 import ExtIdleNotifierV1
        from pywayland.protocol.wayland import WlSeat
        from pywayland.server import Display, EventLoop

        self.display = Display()
        self.socket = self.display.add_socket()
        self.kept: list[Any] = []  # libwayland holds handles to these until it is done
        self.live: list[tuple[Any, int]] = []
        self.seats: list[Any] = []
        seat = WlSeat.global_class(self.display, version=1)
        seat.bind_func = self._on_seat_bound
        self.kept.append(seat)
        if idle_notify:
            notifier = ExtIdleNotifierV1.global_class(self.display, version=1)
            notifier.bind_func = self._on_notifier_bound
            self.kept.append(notifier)
        self.loop = EventLoop(self.display)
        self.loop.add_fd(sys.stdin.fileno(), self._on_command,
                         EventLoop.FdMask.WL_EVENT_READABLE, None)

    def _on_seat_bound(self, resource: Any) -> None:
        from pywayland.protocol.wayland import WlSeat

        self.kept.append(resource)
        self.seats.append(resource)
        resource.capabilities(WlSeat.capability.pointer | WlSeat.capability.keyboard)

    def _on_notifier_bound(self, resource: Any) -> None:
        self.kept.append(resource)
        _serve(resource, {"destroy": lambda r: r.destroy(),
                          "get_idle_notification": self._on_get_idle_notification},
               {"get_idle_notification": _Request("n", "u", "o")})

    def _on_get_idle_notification(self, notifier: Any, new_id: int, timeout: int,
                                  seat: Any) -> None:
        from pywayland import ffi, lib
        from pywayland.protocol.ext_idle_notify_v1 import ExtIdleNotificationV1

        if not any(ffi.cast("void *", s._ptr) == ffi.cast("void *", seat) for s in self.seats):
            notifier._post_error(0, "not a seat of this compositor")
            return
        client = lib.wl_resource_get_client(notifier._ptr)
        note = ExtIdleNotificationV1.resource_class(client, notifier.version, new_id)
        self.kept.append(note)
        self.live.append((note, timeout))

        def destroyed(resource: Any) -> None:
            self.live[:] = [(n, t) for n, t in self.live if n is not resource]

        note.dispatcher.destructor = destroyed
        _serve(note, {"destroy": lambda r: r.destroy()}, {})

    def _on_command(self, _fd: int, _mask: int, _data: Any) -> int:
        line = sys.stdin.readline().strip()
        if line == "die" or not line:
            os._exit(0)
        if line in ("idled", "resumed"):
            for note, _timeout in self.live:
                getattr(note, line)()
            answer = f"ok {len(self.live)}"
        elif line == "notifications":
            answer = "ok " + ",".join(str(t) for _n, t in self.live)
        else:
            answer = f"unknown {line}"
        self.display.flush_clients()
        print(answer, flush=True)
        return 0

    def run(self) -> None:
        print(f"ready {self.socket}", flush=True)
        self.display.run()


class WaylandCompositor:
    """The stand-in compositor in a child process, on a private runtime folder (test side)."""

    def __init__(self, *args: str) -> None:
        self.runtime_dir = tempfile.mkdtemp(prefix="mt-wl-")  # short: a socket path
        env = {**os.environ, "XDG_RUNTIME_DIR": self.runtime_dir}
        env.pop("WAYLAND_DISPLAY", None)
        self.proc = subprocess.Popen([sys.executable, str(HERE), *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=env)
        word, _, self.socket = self._line().partition(" ")
        assert word == "ready", f"the stand-in compositor said {word!r}"
        self.env = {"XDG_RUNTIME_DIR": self.runtime_dir, "WAYLAND_DISPLAY": self.socket}

    def _line(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def tell(self, command: str) -> str:
        """Send one command; its answer after ``ok``."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        word, _, rest = self._line().partition(" ")
        assert word == "ok", f"the stand-in compositor said {word!r} to {command!r}"
        return rest

    def notifications(self) -> list[int]:
        """The timeouts (ms) of the idle notifications the clients hold."""
        answer = self.tell("notifications")
        return [int(t) for t in answer.split(",")] if answer else []

    def die(self) -> None:
        """Exit at once, as a compositor crashing would: its clients see a hang-up."""
        assert self.proc.stdin is not None
        self.proc.stdin.write("die\n")
        self.proc.stdin.flush()
        self.proc.wait(timeout=10)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()
        shutil.rmtree(self.runtime_dir, ignore_errors=True)


if __name__ == "__main__":
    Compositor(idle_notify="--no-idle-notify" not in sys.argv[1:]).run()
