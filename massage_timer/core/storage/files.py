"""Safe file handling shared by settings, history and exports.

Writes are atomic (temp file in the same folder, fsync, rename) so a crash leaves
either the old or the new file, never half of one. A file the app cannot read is
moved aside with a timestamped name, never deleted, so the user can recover it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path


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
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def atomic_write_text(path: Path, text: str, *, mode: int = 0o600) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


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
