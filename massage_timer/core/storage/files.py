"""Safe file handling shared by routines, settings, the checklist, history and exports.

Files are input from strangers, so there is one way in and one way out:

- :func:`read_regular_file` opens without blocking, reads only regular files, and
  checks the size before reading a byte, so a FIFO, a device, a folder or a huge sparse
  file costs nothing and ends in a :class:`UnusableFileError` that says what is wrong.
- :func:`write_output` replaces a regular file atomically (temp file in the same
  folder, fsync, rename: a crash leaves the old or the new file, never half of one),
  writes *into* a FIFO, terminal or device instead of replacing it, and refuses paths
  the app must never overwrite (the live history, the settings).

A file the app cannot read is moved aside with a timestamped name, never deleted, so
the user can recover it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from massage_timer.core.model.language import _, ngettext


class UnusableFileError(OSError):
    """A file that cannot be used, with a message a person can act on (no traceback)."""

    def __str__(self) -> str:
        """The message alone: OSError's own text starts "[Errno 22]", which helps nobody."""
        return self.strerror or super().__str__()


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return _("is a folder, not a regular file")
    if stat.S_ISFIFO(mode):
        return _("is a named pipe (FIFO), not a regular file")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("is a device, not a regular file")
    if stat.S_ISSOCK(mode):
        return _("is a socket, not a regular file")
    return _("is not a regular file")


def _unreadable(exc: OSError) -> UnusableFileError:
    return UnusableFileError(exc.errno or errno.EIO, _("cannot be read: {reason}").format(
        reason=exc.strerror or exc))


_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
_READ_FLAGS = os.O_RDONLY | _NONBLOCK | getattr(os, "O_NOCTTY", 0)
_WRITE_INTO_FLAGS = (os.O_WRONLY | _NONBLOCK | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_CLOEXEC", 0))
READER_WAIT_S = 2.0
"""How long an export waits for a program to read the FIFO it is written into."""


@contextlib.contextmanager
def _opened_regular(path: Path) -> Iterator[tuple[int, os.stat_result]]:
    """``path`` opened for reading and checked to be a regular file.

    Opened with ``O_NONBLOCK`` so a FIFO never waits for a writer, and checked with
    ``fstat`` on the open descriptor (no race with a swapped file). Anything but a
    regular file is an :class:`UnusableFileError`; other open errors pass through.
    """
    try:
        fd = os.open(path, _READ_FLAGS)
    except IsADirectoryError:
        raise UnusableFileError(errno.EISDIR, _("is a folder, not a regular file")) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnusableFileError(errno.EINVAL, _kind(info.st_mode))
        yield fd, info
    finally:
        os.close(fd)


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``max_bytes``; the size
    is checked before a byte is read, and a file that grows while it is read is still
    cut off one byte past the limit."""
    try:
        with _opened_regular(path) as (fd, info):
            if info.st_size > max_bytes:
                raise UnusableFileError(
                    errno.EFBIG, ngettext(
                        "is {size} bytes; at most {most} is allowed",
                        "is {size} bytes; at most {most} are allowed", max_bytes,
                    ).format(size=info.st_size, most=max_bytes)
                )
            if hasattr(os, "set_blocking"):
                os.set_blocking(fd, True)
            chunks: list[bytes] = []
            remaining = max_bytes + 1
            while remaining > 0 and (chunk := os.read(fd, min(remaining, 1 << 16))):
                chunks.append(chunk)
                remaining -= len(chunk)
    except UnusableFileError:
        raise
    except FileNotFoundError:
        if path.is_symlink():
            raise UnusableFileError(
                errno.ENOENT, _("is a link to nothing (broken link)")) from None
        raise
    except OSError as exc:
        raise _unreadable(exc) from None
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise UnusableFileError(errno.EFBIG, ngettext(
            "is more than {most} byte; that is not allowed",
            "is more than {most} bytes; that is not allowed", max_bytes).format(most=max_bytes))
    return data


def regular_file_head(path: Path, size: int) -> bytes | None:
    """The first ``size`` bytes of ``path``, ``None`` if there is no such file; raises
    :class:`UnusableFileError` for anything but a regular file (never blocks on a FIFO),
    and the plain ``OSError`` when the file cannot be opened (a storage problem)."""
    try:
        with _opened_regular(path) as (fd, _info):
            return os.pread(fd, size, 0)
    except FileNotFoundError:
        return None


def file_in_the_way(path: Path) -> str | None:
    """Why nothing can be kept at ``path``, when one of the folders above it is a file
    (or anything but a folder): the person needs that file's name, not the "Not a
    directory" the system gives."""
    for folder in path.parents:
        try:
            mode = folder.stat().st_mode
        except OSError:
            continue  # not made yet (or under the file in the way)
        if stat.S_ISDIR(mode):
            return None
        return _("{file} is a file, not a folder").format(file=folder)
    return None


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one file, or would be: a path not made yet (the
    settings before their first save) is compared by where it leads."""
    try:
        return a.samefile(b)
    except OSError:
        pass
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a loop of links (Python < 3.13)
        return False


def write_output(
    path: Path, data: bytes, *, protected: Iterable[Path] = (), mode: int = 0o644
) -> None:
    """Write ``data`` where the person asked for it.

    A regular file (or a new one) is replaced atomically, through a link to the file it
    points at (the link stays a link); a FIFO, terminal or device is written into, as
    a shell redirection would; a ``protected`` path is refused with a
    :class:`UnusableFileError`, so an export can never overwrite the live history.
    """
    for guarded in protected:
        if _same_file(path, guarded) or _same_file(path.parent, guarded):
            raise UnusableFileError(errno.EPERM, _("is the app's own file; choose another name"))
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise UnusableFileError(exc.errno or errno.EIO, exc.strerror or str(exc)) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise UnusableFileError(errno.EISDIR, _("is a folder; give a file name"))
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_into(path, data)
        return
    if info is None and not path.parent.is_dir():
        # A typo in a folder's name would otherwise make a whole new tree of folders.
        raise UnusableFileError(errno.ENOENT, _("is in a folder that does not exist"))
    replace_file(path, data, mode=mode)


def _write_into(path: Path, data: bytes) -> None:
    """Write into a FIFO, terminal or device. A FIFO that no program reads would hold
    a plain open (and the export) for ever: it gets :data:`READER_WAIT_S` to find one."""
    deadline = time.monotonic() + READER_WAIT_S
    while True:
        try:
            fd = os.open(path, _WRITE_INTO_FLAGS)
            break
        except OSError as exc:
            if exc.errno != errno.ENXIO:
                raise
            if time.monotonic() >= deadline:
                raise UnusableFileError(errno.ENXIO, _(
                    "is a named pipe (FIFO) that no program is reading")) from None
            time.sleep(0.05)
    with os.fdopen(fd, "wb") as handle:
        if _NONBLOCK:
            os.set_blocking(fd, True)  # now a reader is there, a full pipe waits for it
        handle.write(data)


def replace_file(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Atomically replace the regular file ``path`` (or create it) with ``data``.

    A link is written through, so a settings file kept in a dotfiles folder stays
    linked; anything that is not a regular file (a FIFO, a device, a folder) is refused
    with an :class:`UnusableFileError` rather than renamed over.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise UnusableFileError(exc.errno or errno.EIO, exc.strerror or str(exc)) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        # TRANSLATORS: {problem} is like "is a folder, not a regular file".
        raise UnusableFileError(errno.EINVAL, _("{path} {problem}; it is left as it is").format(
            path=path, problem=_kind(info.st_mode)))
    atomic_write_bytes(path.resolve() if path.is_symlink() else path, data, mode=mode)


def atomic_write_bytes(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(mode)
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _sync_folder(path.parent)


def move_into_place(written: Path, path: Path, *, mode: int = 0o600) -> None:
    """Make the finished file ``written`` (in ``path``'s folder) become ``path`` atomically.

    For a file another process wrote, such as a rendered speech clip: it is synced and
    renamed over ``path``, never read into memory to be written again. Anything but a
    regular file at ``written`` (a link, a FIFO) is refused with an :class:`OSError`.
    """
    fd = os.open(written, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnusableFileError(errno.EINVAL, f"{written} is {_kind(info.st_mode)}")
        os.fsync(fd)
        os.fchmod(fd, mode)
    finally:
        os.close(fd)
    written.replace(path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort: some file systems refuse)."""
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def atomic_write_text(path: Path, text: str, *, mode: int = 0o600) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")
"""The files SQLite keeps beside a database, which belong to it."""


def with_companions(database: Path) -> tuple[Path, ...]:
    """``database`` and the files SQLite keeps beside it."""
    return (database, *(Path(f"{database}{suffix}") for suffix in SQLITE_COMPANIONS))


def move_aside(path: Path, reason: str = "corrupt", *, now: datetime | None = None) -> Path:
    """Rename ``path`` to ``<name>.<reason>-<UTC timestamp><suffix>`` beside it.

    Returns the new path. Never overwrites: a counter is added if the name is taken.
    """
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    base = f"{path.stem}.{reason}-{stamp}"
    target = path.with_name(base + path.suffix)
    counter = 1
    while target.exists():
        target = path.with_name(f"{base}-{counter}{path.suffix}")
        counter += 1
    path.rename(target)
    return target
