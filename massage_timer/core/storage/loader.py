"""Reading routine files into a :class:`Library`, one bad file never stopping the rest.

Every problem becomes a :class:`RoutineError` naming the file, the place in it
(``steps[2].seconds``, or ``line 4, column 7`` for TOML syntax) and what is wrong in
plain words, so a person editing a routine can fix it without reading a traceback.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from massage_timer.core.model.routine import MAX_FILE_BYTES, Routine, validate_routine
from massage_timer.core.model.validation import ValidationError
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.resources import builtin_routines_dir

# The compiled (mypyc) tomli parses about twice as fast as tomllib; tomli < 2.4 reads
# TOML 1.0 exactly as tomllib does (2.4 moved to TOML 1.1), so either gives the same
# routines and the same errors (tests/test_loader_toml_parser.py).
try:
    from tomli import TOMLDecodeError
    from tomli import loads as toml_loads
except ImportError:  # pragma: no cover - e.g. a bundle built without it
    from tomllib import TOMLDecodeError  # type: ignore[assignment]
    from tomllib import loads as toml_loads

TOML_PARSER: str = toml_loads.__module__
"""Which parser reads routine files (reported by ``--self-check``)."""


class Origin(StrEnum):
    BUILTIN = "builtin"
    USER = "user"
    EXTRA = "extra"


@dataclass(frozen=True)
class RoutineError:
    file: Path
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.location}: {self.message}"


class RoutineLoadError(Exception):
    """A routine file could not be used; ``errors`` says every reason found."""

    def __init__(self, errors: list[RoutineError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class LoadedRoutine:
    routine: Routine
    file: Path
    origin: Origin
    content_hash: str
    overrides: Path | None = None


@dataclass
class Library:
    routines: list[LoadedRoutine] = field(default_factory=list)
    errors: list[RoutineError] = field(default_factory=list)

    def get(self, routine_id: str) -> LoadedRoutine | None:
        return next((r for r in self.routines if r.routine.id == routine_id), None)


def parse_routine(data: bytes, file: Path) -> Routine:
    """Validate the bytes of one routine file; raises :class:`RoutineLoadError`."""
    if len(data) > MAX_FILE_BYTES:
        raise RoutineLoadError(
            [
                RoutineError(
                    file, "(file)", f"is {len(data)} bytes; at most {MAX_FILE_BYTES} allowed"
                )
            ]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RoutineLoadError(
            [RoutineError(file, f"byte {exc.start}", "is not UTF-8 text")]
        ) from None
    try:
        doc = toml_loads(text)
    except TOMLDecodeError as exc:
        raise RoutineLoadError([_toml_error(file, exc)]) from None
    try:
        return validate_routine(doc)
    except ValidationError as exc:
        raise RoutineLoadError(
            [RoutineError(file, p.location, p.message) for p in exc.problems]
        ) from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise RoutineLoadError([RoutineError(file, "(top level)", str(exc))]) from None


_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def _toml_error(file: Path, exc: ValueError) -> RoutineError:
    """Location and message from the error text, so tomllib and tomli read the same.

    tomli (and tomllib from Python 3.14) also set ``lineno``/``colno`` for errors at
    the end of the document; the text says "(at end of document)" there, which stays
    in the message with the location "(file)", as tomllib in 3.11 reports it.
    """
    text = str(exc)
    match = _TOML_AT.search(text)
    if match:
        where, msg = f"line {match[1]}, column {match[2]}", text[: match.start()].strip()
    elif "(at end of document)" in text:
        where, msg = "(file)", text
    else:
        lineno, colno = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        msg = getattr(exc, "msg", None) or text
        where = f"line {lineno}, column {colno}" if lineno is not None else "(file)"
    return RoutineError(file, where, f"TOML syntax error: {msg}")


def load_routine_file(path: Path) -> Routine:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RoutineLoadError(
            [RoutineError(path, "(file)", f"cannot be read: {exc.strerror or exc}")]
        ) from None
    return parse_routine(data, path)


def _load_dir(
    folder: Path,
    origin: Origin,
    library: Library,
    seen: dict[str, LoadedRoutine],
) -> None:
    try:
        files = sorted(p for p in folder.glob("*.toml") if p.is_file())
    except OSError as exc:
        library.errors.append(RoutineError(folder, "(folder)", f"cannot be read: {exc}"))
        return
    for file in files:
        try:
            data = file.read_bytes()
        except OSError as exc:
            library.errors.append(RoutineError(file, "(file)", f"cannot be read: {exc}"))
            continue
        try:
            routine = parse_routine(data, file)
        except RoutineLoadError as exc:
            library.errors.extend(exc.errors)
            continue
        previous = seen.get(routine.id)
        if previous is not None and previous.origin is origin:
            library.errors.append(
                RoutineError(file, "id", f"'{routine.id}' is already used by {previous.file.name}")
            )
            continue
        seen[routine.id] = LoadedRoutine(
            routine,
            file,
            origin,
            hashlib.sha256(data).hexdigest()[:16],
            previous.file if previous else None,
        )


def load_library(paths: AppPaths | None = None, *, builtin_dir: Path | None = None) -> Library:
    """Built-in routines, then the user's folder, then any ``--routines-dir``.

    A later routine with the id of an earlier one overrides it; the override is kept
    visible through :attr:`LoadedRoutine.overrides`. Every file is checked on every
    load: it takes well under a millisecond a file.
    """
    library = Library()
    seen: dict[str, LoadedRoutine] = {}
    _load_dir(builtin_dir or builtin_routines_dir(), Origin.BUILTIN, library, seen)
    if paths is not None:
        if paths.user_routines_dir.is_dir():
            _load_dir(paths.user_routines_dir, Origin.USER, library, seen)
        for extra in paths.extra_routine_dirs:
            if extra.is_dir():
                _load_dir(extra, Origin.EXTRA, library, seen)
            else:
                library.errors.append(RoutineError(extra, "(folder)", "does not exist"))
    library.routines = sorted(seen.values(), key=lambda r: r.routine.title.casefold())
    return library
