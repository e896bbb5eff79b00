"""Importing a module after PySide6 without PySide6 reading its source.

PySide6 watches every import that follows its own, to support the optional
``from __feature__ import snake_case, true_property``: for each new module it calls
``inspect.getsource`` and looks for the word "PySide6" in it. That reads the source
of every module the app imports (~270 files, standard library included) and keeps
their lines in ``linecache`` for the life of the process: ~4.5 MB resident in the
background all day, and time before the first paint. The app uses no ``__feature__``
(so every module's feature set is the default either way); the check is replaced by
one that looks at the module's names instead of its source.
"""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6  # noqa: F401  (installs the import hook this module adjusts)

FEATURE_MODULE = "shibokensupport.feature"


def _uses_pyside(module: ModuleType) -> bool:
    """Whether ``module`` holds anything from PySide6 (instead of grepping its source)."""
    for value in list(vars(module).values()):
        if isinstance(value, ModuleType):
            name: object = value.__name__
        else:
            name = getattr(value, "__module__", None)
        if isinstance(name, str) and name.startswith("PySide6"):
            return True
    return False


def skip_source_scan() -> bool:
    """Replace PySide6's source scan of each imported module; ``False`` if this PySide6
    has none (then nothing is changed)."""
    feature = sys.modules.get(FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _uses_pyside  # type: ignore[attr-defined]
    return True
