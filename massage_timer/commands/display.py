"""Is there a screen to show a window on? Asked before Qt is loaded.

Without a display Qt aborts the process with a message that suggests reinstalling the
app, which sends people the wrong way. This looks for the X11 or Wayland socket the
environment names, on this machine only (a remote ``host:0`` display is trusted as
given: nothing here makes a network connection), and says plainly what is missing.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path

from massage_timer.core.model.language import _

_X_DISPLAY = re.compile(r"^(?P<host>[^:]*):(?P<number>\d+)(?:\.\d+)?$")
NON_SCREEN_PLATFORMS = ("offscreen", "minimal", "vnc", "vkkhrdisplay", "eglfs", "linuxfb")


def _unix_socket_answers(address: str) -> bool:
    import socket  # only when the socket file is not there: keeps it off a usual start

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        try:
            probe.connect(address)
        except OSError:
            return False
    return True


def _x11_problem(display: str) -> str | None:
    match = _X_DISPLAY.match(display)
    if match is None:
        return _("DISPLAY={value} is not a display name such as ':0'").format(
            value=repr(display))
    if match["host"] not in ("", "unix"):
        return None
    path = f"/tmp/.X11-unix/X{match['number']}"
    if Path(path).is_socket() or _unix_socket_answers("\0" + path):
        return None
    return _("no X server answers on display {display}").format(display=display)


def _wayland_problem(name: str) -> str | None:
    path = Path(name)
    if not path.is_absolute():
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        if not runtime:
            return _("WAYLAND_DISPLAY is set but XDG_RUNTIME_DIR is not")
        path = Path(runtime) / name
    with contextlib.suppress(OSError):
        if path.is_socket():
            return None
    return _("no Wayland compositor answers at {path}").format(path=path)


def display_problem() -> str | None:
    """Why no window could be shown here, or ``None`` when a display is there (or the
    platform is not Linux/BSD, or Qt was told to draw off screen)."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0].strip().lower()
    if platform in NON_SCREEN_PLATFORMS:
        return None
    wayland = os.environ.get("WAYLAND_DISPLAY", "")
    x11 = os.environ.get("DISPLAY", "")
    if platform == "xcb":
        return _x11_problem(x11) if x11 else "DISPLAY is not set"
    if platform.startswith("wayland"):
        return _wayland_problem(wayland) if wayland else "WAYLAND_DISPLAY is not set"
    if not wayland and not x11:
        return _("neither DISPLAY nor WAYLAND_DISPLAY is set")
    problems = [p for p in (
        _wayland_problem(wayland) if wayland else "WAYLAND_DISPLAY is not set",
        _x11_problem(x11) if x11 else "DISPLAY is not set",
    ) if p]
    return None if len(problems) < 2 else "; ".join(problems)
