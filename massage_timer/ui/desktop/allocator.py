"""glibc's allocator set to give freed memory back, before a session's sound starts.

A session frees as much as it allocates: each spoken line is decoded into a buffer of
a few hundred kilobytes and dropped once said (``audio.playback``), the speech
supervisor reads every clip, and Qt's audio threads come and go. With glibc's defaults
those buffers land in per-thread arenas and, past the first large free, in the main
heap (its mmap threshold rises to the largest block freed), where freed pages are rarely
returned. Over a whole routine that is ~2 MB of resident memory that nothing uses.
One arena for the threads made from here on, and a fixed 128 KiB mmap threshold (large
blocks are mapped and unmapped on their own), keep it returned. Smaller blocks freed in
the middle of the heap stay with the process until :func:`give_back_free_pages` returns
their pages, which a session does as it lets go of its dialogs and at each step (0.1-0.3
ms each). Measured, and why: docs/performance.md, "Session peak memory".
"""

from __future__ import annotations

import ctypes
import logging
import sys
from collections.abc import Callable
from functools import cache

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
MMAP_THRESHOLD = 128 * 1024
"""glibc's own starting value, kept fixed instead of rising with each large free."""


@cache
def return_freed_memory() -> bool:
    """Set glibc's allocator as described above, once; False where there is no glibc
    (another C library, another system), which keeps its own behaviour."""
    mallopt = _glibc("mallopt", (ctypes.c_int, ctypes.c_int))
    if mallopt is None:
        return False
    done = bool(mallopt(M_ARENA_MAX, 1)) and bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    if not done:
        log.debug("mallopt refused the allocator settings")
    return done


def give_back_free_pages() -> bool:
    """Return the whole free pages inside the heap to the system (glibc's
    ``malloc_trim``); False where there is no glibc."""
    trim = _glibc("malloc_trim", (ctypes.c_size_t,))
    return trim is not None and bool(trim(0))


@cache
def _glibc(name: str, argtypes: tuple[type, ...]) -> Callable[..., int] | None:
    """glibc's function ``name`` taking ``argtypes`` and returning an int, or None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = getattr(ctypes.CDLL(None), name)
    except (OSError, AttributeError):
        return None
    function.argtypes = argtypes
    function.restype = ctypes.c_int
    return function  # type: ignore[no-any-return]
