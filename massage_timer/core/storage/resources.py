"""The files that ship with the app: built-in routines, diagrams, sounds, checklist.

In a source checkout they live in the top-level ``routines/`` and ``assets/``; a built
wheel (and the PyInstaller bundle) carries them as ``massage_timer/data/...`` beside
the package's modules. Both are found from the package's own folder, never relative
to the working directory (``importlib.resources`` would give the same folder for a
package on disk, at the cost of importing its readers before the first paint).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from massage_timer.core.model.language import _

_PACKAGE = Path(__file__).resolve().parents[2]


@cache
def _data_root() -> Path:
    packaged = _PACKAGE / "data"
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE.parent
    if (checkout / "routines").is_dir() and (checkout / "assets").is_dir():
        return checkout
    raise FileNotFoundError(
        _("The built-in routines and assets are missing: reinstall Massage Timer.")
    )


def builtin_routines_dir() -> Path:
    return _data_root() / "routines"


def assets_dir() -> Path:
    return _data_root() / "assets"


def asset(*parts: str) -> Path:
    """Path of a shipped asset, e.g. ``asset("diagrams", "back.svg")``."""
    return assets_dir().joinpath(*parts)
