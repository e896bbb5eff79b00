"""Test configuration: offscreen Qt, isolated user folders, fake clocks.

Set before anything imports Qt, so that no test can open a real window or touch the
user's real settings, history or cache.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time as time_module
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ["QT_QPA_PLATFORM"] = "offscreen"
_SANDBOX = Path(tempfile.mkdtemp(prefix="massage-timer-tests-"))
for _var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[_var] = str(_SANDBOX / _var.lower())
_runtime = _SANDBOX / "runtime"
_runtime.mkdir(mode=0o700)
os.environ.setdefault("XDG_RUNTIME_DIR", str(_runtime))
# The interface in English whatever the developer's locale; a test that wants another
# language asks for it (tests/test_i18n.py).
for _var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_var, None)
os.environ["LANGUAGE"] = "en"

settings.register_profile("default", max_examples=100, deadline=None)
settings.register_profile(
    "slow", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

from busy_services import BusServices  # noqa: E402

from massage_timer.core.storage.paths import AppPaths  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _english_again() -> Iterator[None]:
    """Whatever language a test switched to, the next one starts in English."""
    yield
    from massage_timer.core.model.language import SOURCE, TRANSLATOR

    qt_side = sys.modules.get("massage_timer.ui.desktop.language")
    if TRANSLATOR.code == SOURCE and (qt_side is None or qt_side.current() == SOURCE):
        return
    from massage_timer.core.storage.catalogs import use_language

    use_language(SOURCE)
    if qt_side is not None:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if isinstance(app, QApplication):
            qt_side.apply_language(app, SOURCE)


@pytest.fixture(autouse=True)
def _desktop_text_size_again() -> Iterator[None]:
    """Whatever text size a test gave the app (Settings' text size does, through the
    app's font), the next one starts at the desktop's own."""
    yield
    widgets = sys.modules.get("PySide6.QtWidgets")
    if widgets is None:
        return
    from PySide6.QtGui import QFontDatabase

    app = widgets.QApplication.instance()
    desktop = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    if isinstance(app, widgets.QApplication) and app.font() != desktop:
        app.setFont(desktop)


class FakeClock:
    """A monotonic clock that moves only when a test moves it."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        assert seconds >= 0, "a monotonic clock never goes back"
        self.now += seconds

    def set(self, moment: float) -> None:
        assert moment >= self.now, "a monotonic clock never goes back"
        self.now = moment


class FakeClocks:
    """A monotonic and a wall clock that move together, except across a 'suspend'."""

    def __init__(self, start: datetime) -> None:
        self.mono = 1000.0
        self.now = start.astimezone(UTC)

    def monotonic(self) -> float:
        return self.mono

    def wall(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.now += timedelta(seconds=seconds)

    def suspend(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def working_day_wall(at: time = time(10, 0)) -> Callable[[], datetime]:
    """A wall clock for the running app's reminders that starts at ``at`` local time
    on a Wednesday and then keeps pace with the real monotonic clock: the reminders
    are in their default active hours whenever the tests run (a real wall clock
    made a test fail only when CI ran late in the afternoon)."""
    start = datetime.combine(date(2026, 11, 25), at).astimezone()
    origin = time_module.monotonic()
    return lambda: start + timedelta(seconds=time_module.monotonic() - origin)


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app_paths(tmp_path: Path) -> AppPaths:
    return AppPaths.portable(tmp_path / "app")


@pytest.fixture
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def qapp_cls() -> type:
    """The app's own QApplication subclass, as ``massage-timer`` creates it."""
    from massage_timer.ui.app import Application

    return Application


@pytest.fixture
def bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[BusServices]:
    """A private D-Bus (session and system) with the stand-in desktop services of
    ``busy_services.py`` on it, and no sound server."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed (Debian: dbus-daemon)")
    services = BusServices()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", services.address)
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", services.address)
    monkeypatch.setenv("PULSE_SERVER", "unix:/nonexistent")
    yield services
    services.close()
