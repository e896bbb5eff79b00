"""A window of another process, full screen under Xvfb, for the busy tests.

Run as ``python tests/x11_window.py`` with ``DISPLAY`` set: it maps a window with
``_NET_WM_STATE_FULLSCREEN`` and, as a window manager would on focus, names it in the
root window's ``_NET_ACTIVE_WINDOW`` (Xvfb has no window manager). Prints ``ready``;
then reads ``windowed`` (leave full screen), ``fullscreen`` (back) or EOF (quit),
answering ``ok``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

PROP_MODE_REPLACE = 0
XA_ATOM = 4
XA_WINDOW = 33


def main() -> None:
    x = ctypes.CDLL(ctypes.util.find_library("X11"))
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x.XDefaultRootWindow.restype = ctypes.c_ulong
    x.XCreateSimpleWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong] + [ctypes.c_int] * 2 + [
        ctypes.c_uint] * 3 + [ctypes.c_ulong] * 2
    x.XCreateSimpleWindow.restype = ctypes.c_ulong
    x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x.XInternAtom.restype = ctypes.c_ulong
    x.XChangeProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong,
                                  ctypes.c_ulong, ctypes.c_int, ctypes.c_int,
                                  ctypes.c_void_p, ctypes.c_int]
    x.XDeleteProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    x.XMapWindow.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    display = x.XOpenDisplay(None)
    root = x.XDefaultRootWindow(display)
    window = x.XCreateSimpleWindow(display, root, 0, 0, 1280, 1024, 0, 0, 0)
    state = x.XInternAtom(display, b"_NET_WM_STATE", 0)
    full = x.XInternAtom(display, b"_NET_WM_STATE_FULLSCREEN", 0)
    active = x.XInternAtom(display, b"_NET_ACTIVE_WINDOW", 0)

    def set_full(on: bool) -> None:
        if on:
            value = (ctypes.c_ulong * 1)(full)
            x.XChangeProperty(display, window, state, XA_ATOM, 32, PROP_MODE_REPLACE,
                              value, 1)
        else:
            x.XDeleteProperty(display, window, state)
        x.XSync(display, 0)

    set_full(True)
    x.XMapWindow(display, window)
    win = (ctypes.c_ulong * 1)(window)
    x.XChangeProperty(display, root, active, XA_WINDOW, 32, PROP_MODE_REPLACE, win, 1)
    x.XSync(display, 0)
    print("ready", flush=True)
    for line in sys.stdin:
        set_full(line.strip() == "fullscreen")
        print("ok", flush=True)


if __name__ == "__main__":
    main()
