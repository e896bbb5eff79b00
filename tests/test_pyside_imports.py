"""PySide6's ``__feature__`` import layer is taken off, and imports still work."""

from __future__ import annotations

import builtins
import importlib
import linecache
import sys
from pathlib import Path

import pytest

from massage_timer.ui.desktop.pyside_imports import skip_feature_imports


def test_the_feature_layer_is_off_and_pyside_still_imports_lazily() -> None:
    import massage_timer.ui  # noqa: F401  (takes the layer off)

    if hasattr(builtins, "__feature_import__"):  # PySide6 6.11's layout of its hooks
        assert builtins.__import__ is builtins.__orig_import__  # type: ignore[attr-defined]
        assert skip_feature_imports() == "removed", "taking it off again changes nothing"
    from PySide6.QtWidgets import QStyleOptionSpinBox  # a class not made until asked

    assert QStyleOptionSpinBox.__module__ == "PySide6.QtWidgets"


def test_modules_imported_after_pyside_are_not_read_as_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import massage_timer.ui  # noqa: F401

    (tmp_path / "fresh_module_for_the_hook.py").write_text(
        "from PySide6.QtCore import QObject\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "fresh_module_for_the_hook", raising=False)
    importlib.import_module("fresh_module_for_the_hook")

    assert not [f for f in linecache.cache if "fresh_module_for_the_hook" in f]
