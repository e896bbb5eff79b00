"""The allocator setting made before a session's sound (``ui.desktop.allocator``)."""

from __future__ import annotations

import platform
import sys

import pytest

from massage_timer.ui.desktop.allocator import return_freed_memory


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="glibc's mallopt")
def test_glibc_takes_the_setting_once() -> None:
    assert return_freed_memory() is True
    assert return_freed_memory() is True


GIVE_BACK = """
import ctypes
from massage_timer.ui.desktop.allocator import give_back_free_pages

def rss_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))

libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = (ctypes.c_void_p,)
blocks = [libc.malloc(1024) for _ in range(40_000)]
for block in blocks:
    ctypes.memset(block, 1, 1024)
top = libc.malloc(1024)  # in use at the heap's top: a free alone trims nothing
for block in blocks:
    libc.free(block)
before = rss_kb()
assert give_back_free_pages()
print(before - rss_kb())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
                    reason="glibc's malloc_trim")
def test_free_pages_inside_the_heap_are_given_back() -> None:
    """40 MB freed below a block still in use stay resident until given back."""
    import subprocess

    out = subprocess.run([sys.executable, "-c", GIVE_BACK], capture_output=True, text=True,
                         check=True, timeout=60)
    assert int(out.stdout) > 30_000, out.stdout  # kB
