"""Busy signals read from this machine directly: the active full-screen window (X11),
the microphone (PulseAudio or PipeWire's pulse server), the camera and the programs the
person listed (``/proc``).

Each probe answers ``True``, ``False`` or ``None`` (cannot tell here) and is run only
when a reminder falls due or is held.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import logging
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, Signal

log = logging.getLogger("massage_timer.busy")

PACTL_TIMEOUT_S = 1.0
CAMERA_DEVICES = ("/dev", "video*")


class X11FullScreen:
    """Whether the active window (``_NET_ACTIVE_WINDOW``) is in ``_NET_WM_STATE_FULLSCREEN``,
    over an X connection of our own."""

    name = "x11 full screen"

    def __init__(self) -> None:
        x11_name = ctypes.util.find_library("X11")
        if not x11_name:
            raise OSError("libX11 is not installed")
        x = ctypes.CDLL(x11_name)
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        x.XInternAtom.restype = ctypes.c_ulong
        x.XGetWindowProperty.argtypes = [
            ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long, ctypes.c_long,
            ctypes.c_int, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_void_p),
        ]
        x.XGetWindowProperty.restype = ctypes.c_int
        x.XFree.argtypes = [ctypes.c_void_p]
        x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        x.XSetErrorHandler.argtypes = [ctypes.c_void_p]
        self._x = x
        # A window closed between the two reads would raise BadWindow: ignore X errors.
        self._handler = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(
            lambda _d, _e: 0)
        x.XSetErrorHandler(ctypes.cast(self._handler, ctypes.c_void_p))
        self._display = x.XOpenDisplay(None)
        if not self._display:
            raise OSError("cannot open the X display")
        self._root = x.XDefaultRootWindow(self._display)
        self._active = x.XInternAtom(self._display, b"_NET_ACTIVE_WINDOW", 0)
        self._state = x.XInternAtom(self._display, b"_NET_WM_STATE", 0)
        self._full = x.XInternAtom(self._display, b"_NET_WM_STATE_FULLSCREEN", 0)

    def _longs(self, window: int, prop: int) -> list[int] | None:
        actual_type, actual_format = ctypes.c_ulong(), ctypes.c_int()
        count, after, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        status = self._x.XGetWindowProperty(
            self._display, window, prop, 0, 64, 0, 0, ctypes.byref(actual_type),
            ctypes.byref(actual_format), ctypes.byref(count), ctypes.byref(after),
            ctypes.byref(data))
        if status != 0 or not data.value:
            return None
        try:
            if actual_format.value != 32:
                return None
            array = ctypes.cast(data, ctypes.POINTER(ctypes.c_ulong))
            return [array[i] for i in range(count.value)]
        finally:
            self._x.XFree(data)

    def __call__(self) -> bool | None:
        if not self._display:
            return None
        active = self._longs(self._root, self._active)
        if not active or not active[0]:
            return False
        state = self._longs(active[0], self._state)
        return bool(state) and self._full in (state or [])

    def close(self) -> None:
        if self._display:
            self._x.XCloseDisplay(self._display)
            self._display = None


def _sound_server_running() -> bool:
    """Whether a pulse server (PulseAudio or PipeWire's) is there to ask: ``pactl``
    would otherwise start a PulseAudio daemon of its own (autospawn)."""
    if os.environ.get("PULSE_SERVER"):
        return True
    runtime = os.environ.get("PULSE_RUNTIME_PATH")
    if runtime:
        return Path(runtime, "native").exists()
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    return xdg is not None and Path(xdg, "pulse", "native").exists()


def _source_outputs() -> list[dict[str, object]] | None:
    pactl = shutil.which("pactl")
    if pactl is None or not _sound_server_running():
        return None
    try:
        done = subprocess.run(
            [pactl, "-f", "json", "list", "source-outputs"], capture_output=True,
            timeout=PACTL_TIMEOUT_S, check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.info("pactl failed: %s", exc)
        return None
    if done.returncode != 0:
        return None
    try:
        data = json.loads(done.stdout or b"[]")
    except ValueError:
        return None
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else None


def microphone_in_use(own_pid: int | None = None) -> bool | None:
    """Another program records from a source (a call, a recorder); a corked stream is not."""
    outputs = _source_outputs()
    if outputs is None:
        return None
    own = str(own_pid if own_pid is not None else os.getpid())
    for output in outputs:
        props = output.get("properties")
        pid = props.get("application.process.id") if isinstance(props, dict) else None
        if pid != own and not output.get("corked", False):
            return True
    return False


def _own_processes(exclude: int) -> Iterator[str]:
    """``/proc/PID`` of this user's processes, ours excepted."""
    uid = os.getuid()
    try:
        entries = os.scandir("/proc")
    except OSError:
        return
    with entries:
        for entry in entries:
            if not entry.name.isdigit() or int(entry.name) == exclude:
                continue
            try:
                if entry.stat().st_uid != uid:
                    continue
            except OSError:
                continue
            yield entry.path


def camera_in_use(
    pattern: tuple[str, str] = CAMERA_DEVICES, own_pid: int | None = None
) -> bool | None:
    """Another process of this user holds a camera device open (folder, name pattern)."""
    devices = {str(p) for p in Path(pattern[0]).glob(pattern[1])}
    if not devices:
        return False
    for proc in _own_processes(own_pid if own_pid is not None else os.getpid()):
        try:
            fds = list(Path(proc, "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if str(fd.readlink()) in devices:
                    return True
            except OSError:
                continue
    return False


def programs_running(names: Iterable[str], own_pid: int | None = None) -> bool | None:
    """One of ``names`` runs as this user (its ``comm`` or its command's file name)."""
    wanted = {n.strip() for n in names if n.strip()}
    if not wanted:
        return False
    short = {n[:15] for n in wanted}  # the kernel keeps 15 characters of comm
    for proc in _own_processes(own_pid if own_pid is not None else os.getpid()):
        try:
            comm = Path(proc, "comm").read_bytes().decode("utf-8", "replace").strip()
            if comm not in short:
                continue
            cmdline = Path(proc, "cmdline").read_bytes()
            argv0 = cmdline.split(b"\0", 1)[0].decode("utf-8", "replace")
        except OSError:
            continue
        if comm in wanted or Path(argv0).name in wanted or len(comm) == 15:
            return True
    return False


class SoundWatcher(QObject):
    """``pactl subscribe`` while a reminder is held: a recording that starts or ends is
    seen at once (the sound server pushes it; nothing is polled).

    Signals:
        fired(str): the sound server reported a change of a source output.
    """

    fired = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._process: QProcess | None = None
        self.live = False

    @property
    def active(self) -> bool:
        return self._process is not None

    def start(self) -> None:
        pactl = shutil.which("pactl")
        if self._process is not None or pactl is None or not _sound_server_running():
            return
        process = QProcess(self)
        process.setProgram(pactl)
        process.setArguments(["subscribe"])
        process.readyReadStandardOutput.connect(self._on_output)
        process.start()
        self._process = process
        self.live = False

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.readyReadStandardOutput.disconnect(self._on_output)
            process.kill()
            process.waitForFinished(1000)
            process.deleteLater()

    def _on_output(self) -> None:
        if self._process is None:
            return
        text = bytes(self._process.readAllStandardOutput().data()).decode("utf-8", "replace")
        self.live = True  # the server answers: the subscription is in place
        if "source-output" in text:
            self.fired.emit("source-output")
