"""Single instance: a second start hands over to the first one and exits."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QDir
from pytestqt.qtbot import QtBot

from massage_timer.core.storage.paths import AppPaths
from massage_timer.ui.desktop.single_instance import SingleInstance, server_name

CHILD = """
import sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QTimer
from massage_timer.core.storage.paths import AppPaths
from massage_timer.ui.desktop.single_instance import SingleInstance, server_name

app = QCoreApplication([])
instance = SingleInstance(server_name(AppPaths.portable(Path(sys.argv[1]))))
if not instance.acquire():
    print("HANDED-OVER", flush=True)
    sys.exit(0)
print("READY", flush=True)
def activated():
    print("ACTIVATED", flush=True)
    app.quit()
instance.activateRequested.connect(activated)
QTimer.singleShot(20_000, lambda: app.exit(3))
sys.exit(app.exec())
"""


def _child(data_dir: Path) -> list[str]:
    return [sys.executable, "-c", CHILD, str(data_dir)]


def test_second_process_activates_the_first_and_exits(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(repo)}
    first = subprocess.Popen(
        _child(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert first.stdout is not None
        assert first.stdout.readline().strip() == "READY"
        started = time.monotonic()
        second = subprocess.run(
            _child(tmp_path), capture_output=True, text=True, timeout=30, env=env, check=False
        )
        elapsed = time.monotonic() - started
        assert second.returncode == 0, second.stderr
        assert second.stdout.strip() == "HANDED-OVER"
        assert elapsed < 5.0
        out, err = first.communicate(timeout=10)
        assert out.strip() == "ACTIVATED", err
        assert first.returncode == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()


def test_in_process_handover(qtbot: QtBot, tmp_path: Path) -> None:
    name = server_name(AppPaths.portable(tmp_path))
    first = SingleInstance(name)
    assert first.acquire() and first.is_primary
    second = SingleInstance(name)
    with qtbot.waitSignal(first.activateRequested, timeout=2000):
        assert not second.acquire()
    assert not second.is_primary
    first.release()


def test_names_differ_per_data_dir_and_stay_short(tmp_path: Path) -> None:
    a = server_name(AppPaths.portable(tmp_path / "a"))
    b = server_name(AppPaths.portable(tmp_path / "b"))
    assert a != b
    assert a == server_name(AppPaths.portable(tmp_path / "a"))
    assert len(a) < 40


def test_other_data_dir_is_another_instance(qtbot: QtBot, tmp_path: Path) -> None:
    first = SingleInstance(server_name(AppPaths.portable(tmp_path / "a")))
    other = SingleInstance(server_name(AppPaths.portable(tmp_path / "b")))
    assert first.acquire()
    assert other.acquire()
    first.release()
    other.release()


@pytest.mark.skipif(sys.platform == "win32", reason="Unix socket files")
def test_stale_socket_file_is_replaced(qtbot: QtBot, tmp_path: Path) -> None:
    name = server_name(AppPaths.portable(tmp_path))
    path = Path(QDir.tempPath()) / name
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))
    stale.close()  # the file stays, nobody listens: what a crash leaves behind
    assert path.exists()
    instance = SingleInstance(name)
    assert instance.acquire() and instance.is_primary
    second = SingleInstance(name)
    with qtbot.waitSignal(instance.activateRequested, timeout=2000):
        assert not second.acquire()
    instance.release()
