"""Start at login on Linux: an XDG autostart ``.desktop`` entry, written or removed.

Desktops that follow the XDG Autostart spec (GNOME, KDE, Xfce, Cinnamon, MATE, LXQt)
start every entry in ``$XDG_CONFIG_HOME/autostart`` at login. Windows and macOS are
described in docs/reminders.md. The app is started with ``--background`` so that a
login shows no window, only the tray icon (or nothing) and the reminders.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path

from massage_timer import APP_DISPLAY_NAME, APP_NAME
from massage_timer.core.model.language import N_
from massage_timer.core.storage.catalogs import desktop_entry_lines
from massage_timer.core.storage.files import atomic_write_text

ENTRY_NAME = f"{APP_NAME}.desktop"
GUI_SCRIPT = f"{APP_NAME}-gui"
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def autostart_dir(config_home: Path | None = None) -> Path:
    if config_home is None:
        env = os.environ.get("XDG_CONFIG_HOME", "")
        config_home = Path(env) if Path(env).is_absolute() else Path.home() / ".config"
    return config_home / "autostart"


def entry_path(config_home: Path | None = None, data_dir: Path | None = None) -> Path:
    """The entry of the installation on ``data_dir`` (a portable one's ``--data-dir``;
    None: the usual folders). Each portable copy has an entry of its own, named after
    its folder: with one entry for all, turning it off in one copy removed another's."""
    if data_dir is None:
        return autostart_dir(config_home) / ENTRY_NAME
    # crc32, not hashlib: OpenSSL is no module to load before the first paint.
    tag = zlib.crc32(str(data_dir).encode("utf-8", "surrogateescape"))
    return autostart_dir(config_home) / f"{APP_NAME}-{tag:08x}.desktop"


def app_command(data_dir: Path | None = None) -> list[str]:
    """How to start this installation: the bundle's binary, its GUI script, or ``-m``.

    ``data_dir`` (the ``--data-dir`` root of a portable install) is carried along.
    """
    if getattr(sys, "frozen", False):
        argv = [str(Path(sys.executable).resolve())]
    else:
        argv = []
        for name in (GUI_SCRIPT, APP_NAME):
            beside = Path(sys.executable).parent / name
            found = str(beside.absolute()) if beside.is_file() else shutil.which(name)
            if found:
                argv = [str(Path(found).absolute())]
                break
        argv = argv or [str(Path(sys.executable).absolute()), "-m", "massage_timer"]
    if data_dir is not None:
        argv += ["--data-dir", str(data_dir)]
    return argv


def launch_command(data_dir: Path | None = None) -> list[str]:
    """How to start this installation in the background at login."""
    argv = [*app_command(), "--background"]
    if data_dir is not None:
        argv += ["--data-dir", str(data_dir)]
    return argv


def quote_exec_arg(arg: str) -> str:
    """Quote one argument for a desktop entry's ``Exec`` key (both escaping layers)."""
    arg = arg.replace("%", "%%")
    if arg and not _RESERVED.intersection(arg):
        return arg
    inner = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return '"' + inner.replace("\\", "\\\\") + '"'


# TRANSLATORS: the description of the login item in a desktop's start-up settings.
AUTOSTART_COMMENT = N_("Posture-break reminders")


def entry_text(argv: Sequence[str]) -> str:
    exec_line = " ".join(quote_exec_arg(a) for a in argv)
    if any(c in exec_line for c in "\n\r"):
        raise ValueError("autostart command must be on one line")
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_DISPLAY_NAME}\n"
        f"{desktop_entry_lines('Comment', AUTOSTART_COMMENT)}"
        f"Exec={exec_line}\n"
        f"Icon={APP_NAME}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def enable(argv: Sequence[str], config_home: Path | None = None,
           data_dir: Path | None = None) -> Path:
    path = entry_path(config_home, data_dir)
    atomic_write_text(path, entry_text(argv), mode=0o644)
    return path


def disable(config_home: Path | None = None, data_dir: Path | None = None) -> bool:
    """Remove the entry; ``True`` if there was one. A portable copy also removes the
    shared entry that earlier versions wrote for it (its ``Exec`` names the folder)."""
    removed = False
    if data_dir is not None:
        shared = entry_path(config_home)
        with contextlib.suppress(OSError, UnicodeDecodeError):
            exec_lines = [line for line in shared.read_text(encoding="utf-8").splitlines()
                          if line.startswith("Exec=")]
            if any(f" --data-dir {quote_exec_arg(str(data_dir))}" in line
                   for line in exec_lines):
                shared.unlink()
                removed = True
    try:
        entry_path(config_home, data_dir).unlink()
    except FileNotFoundError:
        return removed
    return True


def is_enabled(config_home: Path | None = None, data_dir: Path | None = None) -> bool:
    return entry_path(config_home, data_dir).is_file()


def apply(wanted: bool, argv: Sequence[str], config_home: Path | None = None,
          data_dir: Path | None = None) -> None:
    """Make the entry of the installation on ``data_dir`` match the ``autostart``
    setting (Linux and other XDG desktops only)."""
    if wanted:
        enable(argv, config_home, data_dir)
    else:
        disable(config_home, data_dir)
