"""The files that ship with the app: built-in routines, diagrams, sounds, checklist.

In a source checkout they live in the top-level ``routines/`` and ``assets/``; a built
wheel carries them as ``massage_timer/data/...`` (hatchling force-include). Both are
found through :mod:`importlib.resources`, never relative to the working directory.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


@cache
def _data_root() -> Path:
    packaged = resources.files("massage_timer") / "data"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(str(resources.files("massage_timer"))).parent
    if (checkout / "routines").is_dir() and (checkout / "assets").is_dir():
        return checkout
    raise FileNotFoundError(
        "The built-in routines and assets are missing: reinstall Massage Timer."
    )


def builtin_routines_dir() -> Path:
    return _data_root() / "routines"


def assets_dir() -> Path:
    return _data_root() / "assets"


def asset(*parts: str) -> Path:
    """Path of a shipped asset, e.g. ``asset("diagrams", "back.svg")``."""
    return assets_dir().joinpath(*parts)
