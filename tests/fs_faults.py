"""Real storage faults for tests: a tiny full tmpfs, a non-root user, a non-UTF-8 locale.

Each helper makes the real condition (a mounted tmpfs, ``setpriv`` to the ``nobody``
user, a locale compiled with ``localedef``) and says why it cannot where the machine
does not allow it, so the test is skipped with that reason rather than faked.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from massage_timer.core.storage.paths import AppPaths

NOBODY = 65534


@contextlib.contextmanager
def full_tmpfs(where: Path, size: str = "256k") -> Iterator[Path]:
    """A tmpfs of ``size`` at ``where``, filled to the last byte (root only)."""
    where.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None or subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=1777", "tmpfs", str(where)],
        capture_output=True, check=False,
    ).returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        fill(where)
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(folder: Path) -> Path:
    """Write zeros into ``folder`` until its disk is full."""
    filler = folder / f"filler-{len(list(folder.glob('filler-*')))}"
    with contextlib.suppress(OSError), filler.open("wb") as handle:
        for _ in range(64):
            handle.write(b"\0" * (1 << 16))
            handle.flush()
    return filler


@contextlib.contextmanager
def reachable_by_others(paths: list[Path]) -> Iterator[None]:
    """Let other users pass through the folders above ``paths`` (a checkout under a
    0700 ``/root``, as in a fresh container) for the time of the block, then put
    every mode back as it was."""
    changed: dict[Path, int] = {}
    for path in paths:
        for folder in [path, *path.parents]:
            with contextlib.suppress(OSError):
                mode = folder.stat().st_mode
                if folder not in changed and not mode & 0o001:
                    changed[folder] = mode
                    folder.chmod(stat.S_IMODE(mode) | 0o001)
    try:
        yield
    finally:
        for folder, mode in changed.items():
            with contextlib.suppress(OSError):
                folder.chmod(stat.S_IMODE(mode))


def run_as_nobody(code: str, *args: str, env: dict[str, str] | None = None,
                  timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``python -c code`` as the unprivileged ``nobody`` user (root only)."""
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0 or setpriv is None:
        pytest.skip("switching to another user needs root and setpriv")
    repo = Path(__file__).resolve().parent.parent
    python = Path(sys.executable)
    needed = [repo, python.parent, python.resolve().parent, Path(sys.prefix),
              Path(sys.base_prefix), *(Path(p) for p in sys.path if p)]
    with reachable_by_others(needed):
        return subprocess.run(
            [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
             sys.executable, "-c", code, *args],
            capture_output=True, text=True, timeout=timeout, check=False,
            env={**(env or os.environ), "PYTHONPATH": str(repo)},
        )


def give_to_nobody(path: Path) -> None:
    """Let ``nobody`` into ``path`` and every folder above it (the test's temp tree)."""
    os.chown(path, NOBODY, NOBODY)
    for parent in [path, *path.parents]:
        with contextlib.suppress(OSError):
            parent.chmod(parent.stat().st_mode | 0o011)
        if parent == Path(tempfile.gettempdir()):
            break


@contextlib.contextmanager
def latin1_locale() -> Iterator[dict[str, str]]:
    """An environment with a real ISO-8859-1 locale (compiled into a private LOCPATH)."""
    folder = Path(tempfile.mkdtemp(prefix="mt-locale-"))
    try:
        made = shutil.which("localedef") and subprocess.run(
            ["localedef", "-i", "en_US", "-f", "ISO-8859-1",
             str(folder / "en_US.ISO-8859-1")],
            capture_output=True, check=False,
        ).returncode in (0, 1)  # 1: warnings only
        if not made or not (folder / "en_US.ISO-8859-1").exists():
            pytest.skip("localedef or the locale sources (Debian: locales) are missing")
        env = {k: v for k, v in os.environ.items() if not k.startswith("LC_")}
        env.update(LOCPATH=str(folder), LC_ALL="en_US.ISO-8859-1", LANG="en_US.ISO-8859-1",
                   PYTHONIOENCODING="", PYTHONUTF8="0")
        env.pop("PYTHONIOENCODING")
        yield env
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def long_portable_paths(tmp_path: Path, history_path_bytes: int) -> AppPaths:
    """Portable paths whose history file's path is ``history_path_bytes`` long."""
    short = AppPaths.portable(tmp_path)
    extra = history_path_bytes - len(os.fsencode(short.history_file))
    names = []
    while extra > 0:
        size = min(200, extra - 1)  # one byte of each goes to its "/"
        names.append("d" * max(size, 1))
        extra -= len(names[-1]) + 1
    paths = AppPaths.portable(tmp_path.joinpath(*names))
    assert len(os.fsencode(paths.history_file)) == history_path_bytes
    return paths

