"""The Linux desktop files, the icon set, and --install/--uninstall-desktop-entry.

The .desktop and metainfo files are checked with the real Debian validators, because
software centres and menus reject what those reject.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer

from massage_timer import __version__
from massage_timer.commands import desktop
from massage_timer.core.storage import autostart
from massage_timer.core.storage.paths import AppPaths

REPO = Path(__file__).resolve().parent.parent
LINUX = REPO / "packaging" / "linux"
DESKTOP_FILE = LINUX / f"{desktop.APP_ID}.desktop"
METAINFO = LINUX / f"{desktop.APP_ID}.metainfo.xml"
ICONS = REPO / "assets" / "icons"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (./dev test installs it)")
    return path


def _validate_desktop(path: Path) -> None:
    result = subprocess.run(
        [_tool("desktop-file-validate"), str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "", result.stdout


def test_desktop_file_passes_desktop_file_validate() -> None:
    _validate_desktop(DESKTOP_FILE)


def test_shipped_desktop_file_is_the_one_the_installer_writes() -> None:
    assert DESKTOP_FILE.read_text(encoding="utf-8") == desktop.entry_text([autostart.GUI_SCRIPT])


def test_metainfo_passes_appstreamcli_without_warnings() -> None:
    result = subprocess.run(
        [_tool("appstreamcli"), "validate", "--no-net", "--no-color", str(METAINFO)],
        capture_output=True, text=True, check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    problems = [line for line in output.splitlines() if line.startswith(("E:", "W:"))]
    assert problems == [], output


def test_metainfo_agrees_with_the_app_and_the_desktop_file() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("id") == desktop.APP_ID
    assert root.findtext("launchable") == DESKTOP_FILE.name
    assert root.findtext("icon") == desktop.ICON_NAME
    assert root.find("content_rating[@type='oars-1.1']") is not None
    releases = root.findall("releases/release")
    assert releases[0].get("version") == __version__
    assert releases[0].find("description") is not None
    images = [img.text or "" for img in root.iterfind("screenshots/screenshot/image")]
    assert images
    for url in images:
        assert url.startswith("https://") and "/docs/screenshots/" in url
        assert url.endswith(".png")


@pytest.mark.parametrize("size", desktop.ICON_SIZES)
def test_icon_png_is_square_of_its_size_with_a_transparent_corner(size: int) -> None:
    path = ICONS / "hicolor" / f"{size}x{size}" / "apps" / "massage-timer.png"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(path))
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    assert image.pixelColor(0, 0).alpha() == 0, "the rounded tile leaves corners clear"
    assert image.pixelColor(size // 2, size // 2).alpha() == 255


def test_icon_svg_is_valid_and_square() -> None:
    renderer = QSvgRenderer(str(ICONS / "massage-timer.svg"))
    assert renderer.isValid()
    box = renderer.viewBoxF()
    assert box.width() == box.height() > 0


def _install_args(*, install: bool, data_dir: Path | None = None) -> argparse.Namespace:
    return argparse.Namespace(
        install_desktop_entry=install, uninstall_desktop_entry=not install, data_dir=data_dir
    )


def _files(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "xdg data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def test_install_then_uninstall_leaves_nothing_behind(
    data_home: Path, app_paths: AppPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    unrelated = data_home / "applications" / "other.desktop"
    unrelated.parent.mkdir(parents=True)
    unrelated.write_text("[Desktop Entry]\n")

    assert desktop.run(_install_args(install=True), app_paths) == 0
    entry = data_home / "applications" / f"{desktop.APP_ID}.desktop"
    expected = {entry.relative_to(data_home), unrelated.relative_to(data_home)} | {
        Path("icons/hicolor") / f"{n}x{n}/apps/massage-timer.png" for n in desktop.ICON_SIZES
    } | {Path("icons/hicolor/scalable/apps/massage-timer.svg")}
    assert _files(data_home) == expected
    for n in (16, 512):
        rel = f"hicolor/{n}x{n}/apps/massage-timer.png"
        assert (data_home / "icons" / rel).read_bytes() == (ICONS / rel).read_bytes()
    _validate_desktop(entry)
    assert str(entry) in capsys.readouterr().out

    assert desktop.run(_install_args(install=False), app_paths) == 0
    assert _files(data_home) == {unrelated.relative_to(data_home)}


def test_installed_entry_runs_this_install_by_absolute_path(
    data_home: Path, app_paths: AppPaths
) -> None:
    desktop.run(_install_args(install=True, data_dir=data_home / "portable dir"), app_paths)
    text = (data_home / "applications" / f"{desktop.APP_ID}.desktop").read_text()
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    try_exec = next(line for line in text.splitlines() if line.startswith("TryExec="))
    program = Path(try_exec.removeprefix("TryExec="))
    assert program.is_absolute() and program.exists()
    assert exec_line.startswith(f"Exec={program}")
    assert f'--data-dir "{data_home / "portable dir"}"' in exec_line


def test_exec_quoting_follows_the_spec(tmp_path: Path) -> None:
    entry = tmp_path / f"{desktop.APP_ID}.desktop"
    entry.write_text(desktop.entry_text(["/opt/My Apps/massage-timer-gui", "--data-dir", "a$b"]))
    _validate_desktop(entry)
    assert 'Exec="/opt/My Apps/massage-timer-gui" --data-dir "a\\\\$b"' in entry.read_text()


def test_existing_icon_cache_is_refreshed(data_home: Path, app_paths: AppPaths) -> None:
    hicolor = data_home / "icons" / "hicolor"
    other = hicolor / "16x16" / "apps" / "other-app.png"
    other.parent.mkdir(parents=True)
    shutil.copyfile(ICONS / "hicolor" / "16x16" / "apps" / "massage-timer.png", other)
    subprocess.run([_tool("gtk-update-icon-cache"), "-q", "-f", "-t", str(hicolor)], check=True)
    cache = hicolor / "icon-theme.cache"
    assert b"other-app" in cache.read_bytes()
    assert b"massage-timer" not in cache.read_bytes()
    desktop.run(_install_args(install=True), app_paths)
    assert b"massage-timer" in cache.read_bytes()
    desktop.run(_install_args(install=False), app_paths)
    assert b"massage-timer" not in cache.read_bytes()


def test_cli_installs_into_xdg_data_home(tmp_path: Path, data_home: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(data_home)}
    cmd = [sys.executable, "-m", "massage_timer", "--data-dir", str(tmp_path / "d")]
    done = subprocess.run([*cmd, "--install-desktop-entry"], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert (data_home / "applications" / f"{desktop.APP_ID}.desktop").is_file()
    done = subprocess.run([*cmd, "--uninstall-desktop-entry"], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert _files(data_home) == set()


def test_the_menu_entry_carries_each_languages_name_and_comment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A desktop menu shows the person's language whatever the app's setting: the
    entry holds ``Comment[de]=`` and friends for every language that translates them."""
    import gettext

    from massage_timer.core.model.language import LANGUAGES
    from massage_timer.core.storage import catalogs

    class German(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return {desktop.COMMENT: "Geführte Selbstmassage\nfür Nacken und Schultern",
                    autostart.AUTOSTART_COMMENT: "Erinnerungen an Haltungspausen"
                    }.get(message, message)

    monkeypatch.setattr(catalogs, "shipped_languages",
                        lambda: [LANGUAGES["en"], LANGUAGES["de"]])
    monkeypatch.setattr(catalogs, "load_catalog", lambda _code: German())
    entry = desktop.entry_text(["/usr/bin/massage-timer-gui"])
    assert f"Comment={desktop.COMMENT}\n" in entry
    assert "Comment[de]=Geführte Selbstmassage für Nacken und Schultern\n" in entry
    assert "GenericName[de]" not in entry  # not translated: no line, English is used
    login = autostart.entry_text(["/usr/bin/massage-timer-gui"])
    assert "Comment[de]=Erinnerungen an Haltungspausen\n" in login


def test_an_uninstall_that_cannot_remove_a_file_says_so_and_what_it_removed(
    data_home: Path, app_paths: AppPaths, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A read-only icon folder ended --uninstall-desktop-entry in a traceback, and the
    entry it had already removed was never said."""
    assert desktop.run(_install_args(install=True), app_paths) == 0
    capsys.readouterr()
    entry = data_home / "applications" / f"{desktop.APP_ID}.desktop"
    real_unlink = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if "icons" in self.parts:
            raise PermissionError(13, "Permission denied", str(self))
        real_unlink(self, missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    assert desktop.run(_install_args(install=False), app_paths) == 1
    out, err = capsys.readouterr()
    assert f"removed {entry}" in out
    assert "Traceback" not in err and "could not remove" in err and "Permission denied" in err
    assert not entry.exists()
