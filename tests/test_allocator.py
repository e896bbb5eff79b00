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
