"""The core stays Qt-free, and its records are one kind: msgspec Structs."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
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


def test_the_cores_records_are_structs_not_dataclasses() -> None:
    """The settings and routine models are msgspec Structs (the validator); the value
    records are too, so the core has one kind of record, and none costs the start-up
    the methods a dataclass generates and compiles at import."""
    modules = [importlib.import_module(m.name) for m in pkgutil.walk_packages(
        massage_timer.core.__path__, "massage_timer.core.")]
    classes = [cls for module in modules for _, cls in inspect.getmembers(module, inspect.isclass)
               if cls.__module__ == module.__name__]
    assert any(cls.__name__ == "SessionRecord" for cls in classes)
    assert [c.__qualname__ for c in classes if dataclasses.is_dataclass(c)] == []
