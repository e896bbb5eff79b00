"""``--install-desktop-entry`` / ``--uninstall-desktop-entry``: the Linux menu entry.

A pip or pipx install puts no launcher in the desktop's menu; this writes the
freedesktop entry and the hicolor icons under ``$XDG_DATA_HOME`` (``~/.local/share``)
and removes exactly those files again. The entry's text is the one shipped in
``packaging/linux/`` (a test keeps them equal) with ``Exec`` pointing at this install.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from massage_timer.core.model.language import N_, _
from massage_timer.core.storage import autostart
from massage_timer.core.storage.catalogs import desktop_entry_lines
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.resources import asset

APP_ID = "io.github.massage_timer.MassageTimer"
ICON_NAME = "massage-timer"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

ENTRY_TEMPLATE = """\
[Desktop Entry]
Type=Application
Name=Massage Timer
{generic_name}{comment}Exec={exec}
TryExec={try_exec}
Icon=massage-timer
Terminal=false
Categories=Utility;Clock;
{keywords}StartupNotify=true
"""
# TRANSLATORS: the kind of program, shown under its name in a desktop's menu.
GENERIC_NAME = N_("Self-Massage Timer")
# TRANSLATORS: the one-line description in a desktop's menu.
COMMENT = N_("Guided neck, shoulder and upper-back self-massage with posture-break reminders")
# TRANSLATORS: search words for the desktop's menu: lower case, each followed by a ";",
# no spaces around them. Keep the English ones only if people search for them.
KEYWORDS = N_("massage;stretching;neck;shoulder;back;posture;break;reminder;timer;")


def data_home() -> Path:
    """``$XDG_DATA_HOME`` when set to an absolute path (as the spec says), else the default."""
    value = os.environ.get("XDG_DATA_HOME", "")
    if value and Path(value).is_absolute():
        return Path(value)
    return Path.home() / ".local" / "share"


def entry_path(base: Path) -> Path:
    return base / "applications" / f"{APP_ID}.desktop"


def icon_targets(base: Path) -> dict[Path, Path]:
    """Shipped icon file -> where it goes, for every size plus the scalable SVG."""
    hicolor = base / "icons" / "hicolor"
    targets = {
        asset("icons", "hicolor", f"{n}x{n}", "apps", f"{ICON_NAME}.png"):
            hicolor / f"{n}x{n}" / "apps" / f"{ICON_NAME}.png"
        for n in ICON_SIZES
    }
    targets[asset("icons", f"{ICON_NAME}.svg")] = hicolor / "scalable" / "apps" / f"{ICON_NAME}.svg"
    return targets


def entry_text(command: list[str]) -> str:
    return ENTRY_TEMPLATE.format(
        exec=" ".join(autostart.quote_exec_arg(a) for a in command),
        try_exec=command[0].replace("\\", "\\\\"),
        generic_name=desktop_entry_lines("GenericName", GENERIC_NAME),
        comment=desktop_entry_lines("Comment", COMMENT),
        keywords=desktop_entry_lines("Keywords", KEYWORDS),
    )


def _refresh_caches(base: Path) -> None:
    """Refresh the menu and icon caches, but only ones that already exist there.

    Creating a cache in a folder that had none would hide icons and entries that
    other apps add later without refreshing it, so a missing cache stays missing.
    """
    jobs = (
        ("update-desktop-database", base / "applications" / "mimeinfo.cache",
         ["-q", str(base / "applications")]),
        ("gtk-update-icon-cache", base / "icons" / "hicolor" / "icon-theme.cache",
         ["-q", "-f", "-t", str(base / "icons" / "hicolor")]),
    )
    for tool, cache, tool_args in jobs:
        exe = shutil.which(tool)
        if exe and cache.exists():
            subprocess.run([exe, *tool_args], check=False, capture_output=True, timeout=60)


def install(base: Path, command: list[str]) -> list[Path]:
    written: list[Path] = []
    for source, target in icon_targets(base).items():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    entry = entry_path(base)
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_text(entry_text(command), encoding="utf-8")
    written.append(entry)
    _refresh_caches(base)
    return written


def uninstall(base: Path, done: Callable[[Path], None] = lambda _path: None) -> list[Path]:
    """Remove the entry and its icons, saying each one as it goes (``done``): a file
    that cannot be removed stops it, and what went before is already said."""
    removed: list[Path] = []
    for target in [entry_path(base), *icon_targets(base).values()]:
        if target.is_file():
            target.unlink()
            removed.append(target)
            done(target)
    _refresh_caches(base)
    return removed


def run(args: argparse.Namespace, paths: AppPaths) -> int:
    if sys.platform in ("win32", "darwin"):
        print(_("Desktop entries are for Linux desktops; on this system use the "
                "installer's shortcut instead."), file=sys.stderr)
        return 1
    base = data_home()
    if args.uninstall_desktop_entry:
        try:
            removed = uninstall(base, lambda path: print(_("removed {path}").format(path=path)))
        except OSError as exc:
            print(_("could not remove {path}: {reason}").format(
                path=exc.filename, reason=exc.strerror or exc), file=sys.stderr)
            return 1
        if not removed:
            print(_("no Massage Timer desktop entry found under {folder}").format(folder=base))
        return 0
    root = Path(args.data_dir).expanduser().resolve() if args.data_dir is not None else None
    command = autostart.app_command(root)
    try:
        written = install(base, command)
    except OSError as exc:
        print(_("could not install the desktop entry: {reason}").format(reason=exc),
              file=sys.stderr)
        return 1
    for path in written:
        print(_("wrote {path}").format(path=path))
    print(_("Massage Timer is now in the application menu (runs: {command}).").format(
        command=" ".join(command)))
    return 0
