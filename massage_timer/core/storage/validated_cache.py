"""What the app has already validated, kept between runs so that its start can skip
checking files it has checked before (and skip importing pydantic, about a third of
the time to the first window).

An entry is keyed by the SHA-256 of a file's bytes, so a changed or new file is always
checked again; the cache is thrown away whole when the app's version or the code that
decides what is valid changes. It holds nothing that is not in the files, so a cache
that cannot be read is ignored and rebuilt, never reported. It is written atomically,
and only with pickle's data for the app's own routine and settings classes: the
unpickler refuses every other class, so a tampered file cannot run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import pickle
from pathlib import Path
from typing import Any

from massage_timer import __version__
from massage_timer.core.storage.files import atomic_write_bytes

FORMAT = 1
RULES_MODULES = (
    "massage_timer.core.model.regions",
    "massage_timer.core.model.routine",
    "massage_timer.core.model.routine_rules",
    "massage_timer.core.model.settings",
    "massage_timer.core.model.settings_rules",
)
"""The code that decides what is valid: a change to any of them empties the cache."""

_ALLOWED = {
    ("datetime", "datetime"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("massage_timer.core.model.routine", "Equipment"),
    ("massage_timer.core.model.routine", "Position"),
    ("massage_timer.core.model.routine", "Pressure"),
    ("massage_timer.core.model.routine", "Routine"),
    ("massage_timer.core.model.routine", "Step"),
    ("massage_timer.core.model.routine", "StepKind"),
    ("massage_timer.core.model.settings", "Settings"),
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
        return super().find_class(module, name)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fingerprint() -> str:
    """The app's version and the size and time of each rules module's source."""
    parts = [f"format {FORMAT}", __version__]
    for name in RULES_MODULES:
        spec = importlib.util.find_spec(name)
        origin = spec.origin if spec is not None else None
        try:
            stat = Path(origin).stat() if origin else None
        except OSError:
            stat = None
        parts.append(f"{name} {stat.st_size} {stat.st_mtime_ns}" if stat else f"{name} -")
    return "\n".join(parts)


class ValidatedCache:
    """Validated objects by the digest of the bytes they came from.

    :meth:`save` keeps only the entries used (read or added) since the cache was
    opened, so files that were removed or changed do not pile up.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._fingerprint = _fingerprint()
        self._entries: dict[str, object] = self._read() if path is not None else {}
        self._used: set[str] = set()
        self._changed = False

    def _read(self) -> dict[str, object]:
        assert self.path is not None
        try:
            stored = _Unpickler(io.BytesIO(self.path.read_bytes())).load()
        except FileNotFoundError:
            return {}
        except Exception:  # any damage at all: the files are the truth, start again
            self._changed = True
            return {}
        if (
            not isinstance(stored, dict)
            or stored.get("fingerprint") != self._fingerprint
            or not isinstance(stored.get("entries"), dict)
        ):
            self._changed = True
            return {}
        entries: dict[str, object] = stored["entries"]
        return entries

    def get(self, key: str, kind: type[Any]) -> Any | None:
        """The object stored for ``key`` if it is a ``kind``."""
        value = self._entries.get(key)
        if not isinstance(value, kind):
            return None
        self._used.add(key)
        return value

    def put(self, key: str, value: object) -> None:
        self._entries[key] = value
        self._used.add(key)
        self._changed = True

    def save(self) -> None:
        """Write the entries used since opening, if anything changed; a cache that
        cannot be written is left as it is (the next start checks the files again)."""
        if self.path is None:
            return
        unused = self._entries.keys() - self._used
        if not self._changed and not unused:
            return
        entries = {key: self._entries[key] for key in self._used}
        data = pickle.dumps(
            {"fingerprint": self._fingerprint, "entries": entries},
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(self.path, data)
        self._entries, self._changed = entries, False
