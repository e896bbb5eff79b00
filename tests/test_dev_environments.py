"""The two virtualenvs ``./dev`` makes: the app's ``.venv`` holds what a user's install
holds, and the test tools' ``.venv-dev`` uses its packages instead of a second copy.

The split is what keeps the app's start as a user's (msgspec imports typing_extensions,
a test tools' dependency, when it can: ~5 ms, docs/performance.md), so a test tool that
slips back into ``.venv`` should fail here rather than only show in the bench.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
APP_VENV = REPO / ".venv"
DEV_VENV = REPO / ".venv-dev"

pytestmark = pytest.mark.skipif(
    Path(sys.prefix).resolve() != DEV_VENV.resolve(),
    reason="run through ./dev test (from .venv-dev)",
)

# What is installed in .venv: each distribution's name and its requirements (.venv has
# no `packaging`; the names are made canonical here, the markers read here).
INVENTORY = """
import json
from importlib import metadata
print(json.dumps({d.metadata["Name"]: d.requires or [] for d in metadata.distributions()}))
"""


def _inventory() -> dict[str, list[str]]:
    done = subprocess.run([str(APP_VENV / "bin" / "python"), "-I", "-c", INVENTORY],
                          capture_output=True, text=True, timeout=60, check=True)
    raw: dict[str, list[str]] = json.loads(done.stdout)
    return {canonicalize_name(name): requires for name, requires in raw.items()}


def _closure(installed: dict[str, list[str]], root: str, extras: set[str]) -> set[str]:
    """The distributions ``root[extras]`` pulls in, markers evaluated as pip does."""
    visited: set[tuple[str, frozenset[str]]] = set()
    todo = [(root, frozenset(extras))]
    while todo:
        name, wanted = todo.pop()
        if (name, wanted) in visited:
            continue
        visited.add((name, wanted))
        for line in installed.get(name, []):
            req = Requirement(line)
            if req.marker is not None and not any(
                    req.marker.evaluate({"extra": extra}) for extra in wanted or {""}):
                continue
            todo.append((canonicalize_name(req.name), frozenset(req.extras)))
    return {name for name, _ in visited}


def test_the_apps_virtualenv_holds_the_app_and_its_dependencies_only() -> None:
    installed = _inventory()
    assert "massage-timer" in installed
    wanted = _closure(installed, "massage-timer", {"i18n"})
    extra = set(installed) - wanted - {"pip", "setuptools"}
    assert not extra, f".venv holds what the app does not need: {sorted(extra)}"
    for tool in ("pytest", "mypy", "typing-extensions", "hypothesis", "pyinstaller"):
        assert tool not in installed


def test_the_test_tools_use_the_apps_packages_not_a_second_copy() -> None:
    import msgspec
    import PySide6

    for module in (PySide6, msgspec):
        assert Path(module.__file__ or "").resolve().is_relative_to(APP_VENV.resolve())
    dev_site = Path(next(p for p in sys.path if p.endswith("site-packages")
                         and Path(p).resolve().is_relative_to(DEV_VENV.resolve())))
    assert not list(dev_site.glob("PySide6*")), "PySide6 is installed twice"
