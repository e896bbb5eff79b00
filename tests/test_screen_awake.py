"""Keeping the screen awake through the desktop's ``org.freedesktop.ScreenSaver``, on a
private D-Bus with a stand-in screen saver (``busy_services.py``): a session's
inhibition is made, named, held and ended, and a desktop without the service costs
no wait."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from busy_services import BusServices

from massage_timer.ui.desktop.screen_awake import APPLICATION, ScreenAwake


def test_an_inhibition_is_made_named_and_ended(bus: BusServices) -> None:
    awake = ScreenAwake.inhibit("A massage session is running")
    assert awake.active and isinstance(awake.cookie, int)
    assert bus.ask("screen_saver_inhibitors") == {
        str(awake.cookie): [APPLICATION, "A massage session is running"]}
    awake.release()
    assert not awake.active
    assert bus.ask("screen_saver_inhibitors") == {}
    awake.release()  # a second release changes nothing
    assert bus.ask("screen_saver_inhibitors") == {}


def test_two_inhibitions_are_ended_one_by_one(bus: BusServices) -> None:
    first = ScreenAwake.inhibit("one")
    second = ScreenAwake.inhibit("two")
    assert first.cookie != second.cookie
    first.release()
    assert list(bus.ask("screen_saver_inhibitors").values()) == [[APPLICATION, "two"]]
    second.release()
    assert bus.ask("screen_saver_inhibitors") == {}


def test_no_session_bus_means_no_inhibition_and_no_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    began = time.monotonic()
    awake = ScreenAwake.inhibit("reason")
    assert not awake.active
    assert time.monotonic() - began < 0.5
    awake.release()
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    assert not ScreenAwake.inhibit("reason").active


def test_a_bus_without_a_screen_saver_means_no_inhibition(
    monkeypatch: pytest.MonkeyPatch, bus: BusServices,
) -> None:
    monkeypatch.setattr("massage_timer.ui.desktop.screen_awake.SERVICE", "org.example.Nobody")
    awake = ScreenAwake.inhibit("reason")
    assert not awake.active
    assert bus.ask("screen_saver_inhibitors") == {}


def test_keeping_the_screen_awake_loads_no_qtdbus(bus: BusServices, repo_root: Path) -> None:
    code = textwrap.dedent("""
        import sys
        from massage_timer.ui.desktop.screen_awake import ScreenAwake
        awake = ScreenAwake.inhibit("reason")
        assert awake.active
        awake.release()
        print(sorted(m for m in sys.modules if "QtDBus" in m))
    """)
    out = subprocess.run([sys.executable, "-c", code], env=bus.env, cwd=repo_root,
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.strip() == "[]"
