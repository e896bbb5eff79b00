"""Single instance: a second start hands over to the first one and exits."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from massage_timer.core.storage.instance import InstanceLock
from massage_timer.core.storage.paths import AppPaths
from massage_timer.ui.desktop.single_instance import SingleInstance, server_name

CHILD = """
import sys
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QTimer
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.instance import InstanceLock
from massage_timer.ui.desktop.single_instance import SingleInstance, server_name

app = QCoreApplication([])
paths = AppPaths.portable(Path(sys.argv[1]))
instance = SingleInstance(server_name(paths), lock=InstanceLock(paths))
deferred = len(sys.argv) > 2  # as the app: listen only after the first paint
if not instance.acquire(listen=not deferred):
    print("HELD-ELSEWHERE" if instance.held_elsewhere else "HANDED-OVER", flush=True)
    sys.exit(0)
print("READY", flush=True)
if deferred:
    QTimer.singleShot(int(sys.argv[2]), instance.listen)
def activated():
    print("ACTIVATED", flush=True)
    app.quit()
instance.activateRequested.connect(activated)
QTimer.singleShot(20_000, lambda: app.exit(3))
sys.exit(app.exec())
"""


def _child(data_dir: Path, *extra: str) -> list[str]:
    return [sys.executable, "-c", CHILD, str(data_dir), *extra]


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


def test_a_second_start_waits_for_a_first_that_listens_after_its_paint(
    tmp_path: Path,
) -> None:
    """The app holds the lock before its first paint and listens only after it: a second
    start in between finds the lock and knocks until the first one answers."""
    repo = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(repo)}
    first = subprocess.Popen(
        _child(tmp_path, "1000"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env,
    )
    try:
        assert first.stdout is not None
        assert first.stdout.readline().strip() == "READY"
        assert not Path(server_name(AppPaths.portable(tmp_path))).exists(), "not listening yet"
        second = subprocess.run(
            _child(tmp_path), capture_output=True, text=True, timeout=30, env=env, check=False
        )
        assert second.returncode == 0, second.stderr
        assert second.stdout.strip() == "HANDED-OVER"
        out, err = first.communicate(timeout=10)
        assert out.strip() == "ACTIVATED", err
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()


def test_a_deferred_listener_is_not_primary_until_it_listens(
    qtbot: QtBot, tmp_path: Path
) -> None:
    paths = AppPaths.portable(tmp_path)
    first = SingleInstance(server_name(paths), lock=InstanceLock(paths))
    assert first.acquire(listen=False)
    assert not first.is_primary
    assert first.listen() and first.is_primary
    assert first.listen(), "idempotent"
    second = SingleInstance(server_name(paths))  # no lock: the socket tells
    with qtbot.waitSignal(first.activateRequested, timeout=2000):
        assert not second.acquire()
    first.release()


def test_in_process_handover(qtbot: QtBot, tmp_path: Path) -> None:
    name = server_name(AppPaths.portable(tmp_path))
    first = SingleInstance(name)
    assert first.acquire() and first.is_primary
    second = SingleInstance(name)
    with qtbot.waitSignal(first.activateRequested, timeout=2000):
        assert not second.acquire()
    assert not second.is_primary
    first.release()


def test_names_differ_per_data_dir_and_fit_a_socket_path(tmp_path: Path) -> None:
    a = server_name(AppPaths.portable(tmp_path / "a"))
    b = server_name(AppPaths.portable(tmp_path / "b"))
    assert a != b
    assert a == server_name(AppPaths.portable(tmp_path / "a"))
    assert len(a.encode()) <= 100


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
    path = Path(name)
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


def _env(**changes: str | None) -> dict[str, str]:
    repo = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(repo)}
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


@pytest.fixture
def short_runtime() -> Iterator[Path]:
    """A runtime folder with a short path, as ``/run/user/UID`` is."""
    folder = Path(tempfile.mkdtemp(prefix="rt", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_socket_lives_in_the_private_runtime_folder_not_tmp(
    tmp_path: Path, short_runtime: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = short_runtime
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    paths = AppPaths.portable(tmp_path / "data")
    name = Path(server_name(paths))
    assert name.parent == runtime / "massage-timer"
    assert name.parent.stat().st_mode & 0o777 == 0o700
    monkeypatch.setenv("TMPDIR", str(tmp_path / "elsewhere"))
    assert Path(server_name(paths)) == name


@pytest.mark.skipif(sys.platform == "win32", reason="Unix permissions")
def test_a_runtime_folder_others_can_enter_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(shared))
    paths = AppPaths.portable(tmp_path / "p")
    name = Path(server_name(paths))
    assert shared not in name.parents
    assert name.parent == paths.cache_dir / "run"
    assert name.parent.stat().st_mode & 0o777 == 0o700


@pytest.mark.skipif(sys.platform == "win32", reason="Unix permissions")
def test_a_squatted_app_folder_in_the_runtime_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    (runtime / "massage-timer").symlink_to(tmp_path)  # someone put a link there
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    paths = AppPaths.portable(tmp_path / "p")
    assert Path(server_name(paths)).parent == paths.cache_dir / "run"


def test_a_symlinked_data_folder_is_the_same_instance(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    alias = tmp_path / "alias"
    alias.symlink_to(real)
    assert server_name(AppPaths.portable(real)) == server_name(AppPaths.portable(alias))


def test_different_environments_still_find_the_first_instance(tmp_path: Path) -> None:
    """A second start with another runtime folder and TMPDIR cannot see the first one's
    socket, but the data folder's lock tells it where to knock."""
    first_run = Path(tempfile.mkdtemp(prefix="rt", dir="/tmp"))
    first = subprocess.Popen(
        _child(tmp_path / "data"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=_env(XDG_RUNTIME_DIR=str(first_run), TMPDIR=str(tmp_path)),
    )
    try:
        assert first.stdout is not None
        assert first.stdout.readline().strip() == "READY"
        second = subprocess.run(
            _child(tmp_path / "data"), capture_output=True, text=True, timeout=30,
            env=_env(XDG_RUNTIME_DIR=None, TMPDIR="/var/tmp"), check=False,
        )
        assert second.stdout.strip() == "HANDED-OVER", second.stderr
        out, err = first.communicate(timeout=10)
        assert out.strip() == "ACTIVATED", err
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
        shutil.rmtree(first_run, ignore_errors=True)


HOLDER = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(fd, fcntl.LOCK_EX)
print("HELD", flush=True)
sys.stdin.read()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="fcntl locks")
def test_a_silent_holder_of_the_data_folder_is_never_joined(tmp_path: Path) -> None:
    paths = AppPaths.portable(tmp_path)
    paths.data_dir.mkdir(parents=True)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER,
                               str(paths.data_dir / ".instance.lock")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "HELD"
        second = subprocess.run(_child(tmp_path), capture_output=True, text=True, timeout=30,
                                env=_env(), check=False)
        assert second.stdout.strip() == "HELD-ELSEWHERE", second.stderr
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.skipif(sys.platform == "win32", reason="Unix sockets")
def test_the_unix_listener_reads_one_short_line_per_connection(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """The listener that replaces QLocalServer on Unix: owner-only, one line per
    connection, oversized or unknown messages dropped, its socket file removed."""
    paths = AppPaths.portable(tmp_path)
    name = server_name(paths)
    instance = SingleInstance(name, lock=InstanceLock(paths))
    assert instance.acquire() and instance.is_primary
    assert Path(name).stat().st_mode & 0o777 == 0o600
    activations: list[bool] = []
    instance.activateRequested.connect(lambda: activations.append(True))

    def send(data: bytes) -> None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(name)
            client.sendall(data)

    send(b"x" * 1000)  # too long: dropped
    send(b"hello\n")  # unknown: ignored
    send(b"activ")  # no newline before the end: nothing
    qtbot.wait(100)
    assert activations == []
    with qtbot.waitSignal(instance.activateRequested, timeout=2000):
        send(b"activate\n")
    instance.release()
    assert not Path(name).exists()
