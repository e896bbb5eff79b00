"""The core stays Qt-free: importing all of it must not load PySide6."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import massage_timer.core


def test_core_imports_no_qt() -> None:
    modules = [m.name for m in pkgutil.walk_packages(massage_timer.core.__path__,
                                                      "massage_timer.core.")]
    assert "massage_timer.core.model.engine" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.strip() == "", f"core pulled in Qt: {result.stdout}"
