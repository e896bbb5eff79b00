"""Wheel build hook: compiles the interface catalogues (``.po`` to ``.mo``) into the wheel.

The ``.mo`` files are build products (gitignored, never edited), so every way of
installing the app compiles them: this hook for the wheel, ``packaging/build.sh`` and the
spec for the bundle, the set-up of ``./dev`` for a working copy.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CustomBuildHook(BuildHookInterface):  # type: ignore[misc]
    """Runs ``packaging/catalogs.py compile`` and adds each ``.mo`` to the wheel."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        root = Path(self.root)
        spec = importlib.util.spec_from_file_location(
            "_catalogs", root / "packaging" / "catalogs.py"
        )
        assert spec is not None and spec.loader is not None
        catalogs = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(catalogs)
        for mo in catalogs.compile_all():
            build_data["force_include"][str(mo)] = str(mo.relative_to(root))
