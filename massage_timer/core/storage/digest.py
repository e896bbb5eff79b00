"""SHA-256 without OpenSSL: the same digests as :mod:`hashlib`, for less memory.

``import hashlib`` loads OpenSSL's libcrypto (about 4.5 MB resident, ~2 ms) for the
whole life of the app, which idles in the background all day; CPython's own SHA-256
module gives the same digest for the few short inputs hashed here (routine files,
the data folder's path, speech clip keys).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Protocol


class _Hash(Protocol):
    def hexdigest(self) -> str: ...


def _builtin_sha256() -> Callable[[bytes], _Hash]:
    for name in ("_sha256", "_sha2"):  # CPython 3.11; 3.12 and later
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        constructor: Callable[[bytes], _Hash] = module.sha256
        return constructor
    import hashlib  # a Python built without them

    return hashlib.sha256


_SHA256 = _builtin_sha256()


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` in hexadecimal, as ``hashlib.sha256(data).hexdigest()``."""
    return _SHA256(data).hexdigest()
