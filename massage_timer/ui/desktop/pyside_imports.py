"""Importing modules after PySide6 without PySide6's ``__feature__`` machinery.

PySide6 puts its support for ``from __feature__ import snake_case, true_property`` in
front of every import statement that follows its own: each statement runs through it
(~1 µs more each, thousands before the first paint), and for each new module it calls
``inspect.getsource`` and looks for the word "PySide6" in it, which reads the source of
every module the app imports (~270 files, standard library included) and keeps their
lines in ``linecache`` for the life of the process: ~4.5 MB resident in the background
all day, and time before the first paint. The app uses no ``__feature__``, so that
layer is taken out of the import statement again; PySide6's own layer under it (which
loads its modules' classes lazily) stays. A PySide6 whose hooks are laid out
differently keeps them, and only its source scan is replaced by a look at the module's
names.
"""

from __future__ import annotations

import builtins
import sys
from types import ModuleType

import PySide6  # noqa: F401  (installs the import hooks this module adjusts)

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


def skip_feature_imports() -> str | None:
    """Take PySide6's ``__feature__`` layer off the import statement (``"removed"``),
    or, where its hooks are laid out otherwise, replace its source scan of each new
    module (``"scan replaced"``); ``None`` if this PySide6 has neither."""
    feature_import = getattr(builtins, "__feature_import__", None)
    underneath = getattr(builtins, "__orig_import__", None)
    if feature_import is not None and callable(underneath) and builtins.__import__ in (
            feature_import, underneath):
        builtins.__import__ = underneath
        return "removed"
    feature = sys.modules.get(FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return None
    feature._mod_uses_pyside = _uses_pyside  # type: ignore[attr-defined]
    return "scan replaced"
