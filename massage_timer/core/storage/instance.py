"""One running app per data folder: where it listens, and the lock that proves it.

The listening socket lives in the user's private runtime folder (``XDG_RUNTIME_DIR``),
never in a shared temporary folder where another user could take its name first; with
no usable runtime folder it lives in a 0700 folder of the app's own. Its name comes
from the real (resolved) data folder, so ``TMPDIR`` or a symlinked path never makes a
second instance. The guarantee itself is an advisory lock on a file in the data folder,
which also names the socket of the instance holding it, so a second start finds the
first even when the two were started with different environments.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from pathlib import Path

from massage_timer import APP_NAME
from massage_timer.core.model.language import _
from massage_timer.core.storage.digest import sha256_hex
from massage_timer.core.storage.files import UnusableFileError, read_regular_file
from massage_timer.core.storage.paths import AppPaths

MAX_SOCKET_PATH = 100
"""A Unix socket path must fit in ``sun_path`` (108 bytes on Linux, 104 on macOS)."""
LOCK_NAME = ".instance.lock"


def _is_private_dir(folder: Path) -> bool:
    """A real folder (not a link) owned by this user that nobody else can enter."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and (not hasattr(os, "getuid") or info.st_uid == os.getuid())
        and info.st_mode & 0o077 == 0
    )


def _private_dir(folder: Path) -> Path:
    """``folder``, created 0700 if missing; refused if someone else could use it."""
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700, parents=True)
    if not _is_private_dir(folder):
        raise UnusableFileError(
            errno.EACCES, _("{folder} is not a private folder of this user; not used").format(
                folder=folder)
        )
    return folder


def runtime_dir(paths: AppPaths) -> Path:
    """The private folder for the socket: ``$XDG_RUNTIME_DIR/massage-timer`` when the
    runtime folder is this user's and private, else ``<cache>/run`` (0700)."""
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    if xdg and Path(xdg).is_absolute() and _is_private_dir(Path(xdg)):
        with contextlib.suppress(OSError):
            return _private_dir(Path(xdg) / APP_NAME)
    return _private_dir(paths.cache_dir / "run")


def instance_key(paths: AppPaths) -> str:
    """Short and stable for one real data folder."""
    real = paths.data_dir.expanduser().resolve()
    return sha256_hex(os.fsencode(real))[:16]


def socket_path(paths: AppPaths) -> Path:
    """Where this data folder's running instance listens."""
    path = runtime_dir(paths) / f"{instance_key(paths)}.sock"
    if sys.platform != "win32" and len(os.fsencode(path)) > MAX_SOCKET_PATH:
        uid = os.getuid() if hasattr(os, "getuid") else 0
        path = _private_dir(Path("/tmp") / f"{APP_NAME}-{uid}") / f"{instance_key(paths)}.sock"
    return path


class InstanceLock:
    """An exclusive advisory lock on ``<data folder>/.instance.lock``.

    The lock is released by the kernel when the process ends, however it ends, so a
    crash never leaves the folder locked. The holder writes its socket path into the
    file for the next start to find.
    """

    def __init__(self, paths: AppPaths) -> None:
        self._file = paths.data_dir / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, address: str) -> bool:
        """Take the lock and record ``address``; ``False`` if another process holds it.

        Where the lock cannot be taken at all (a read-only folder, no ``fcntl``), the
        socket alone keeps instances apart, and this returns ``True``.
        """
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            return True
        try:
            self._file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self._file, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except OSError:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, os.fsencode(address) + b"\n", 0)
        self._fd = fd
        return True

    def holder_address(self) -> str | None:
        """The socket path the holder recorded (bounded read; never blocks)."""
        try:
            text = read_regular_file(self._file, 4096).decode("utf-8", "replace").strip()
        except OSError:
            return None
        return text or None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
