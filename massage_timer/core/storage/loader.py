"""Reading routine files into a :class:`Library`, one bad file never stopping the rest.

Every problem becomes a :class:`RoutineError` naming the file, the place in it
(``steps[2].seconds``, or ``line 4, column 7`` for TOML syntax) and what is wrong in
plain words, so a person editing a routine can fix it without reading a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from massage_timer.core.model.routine import MAX_FILE_BYTES, Routine, validate_routine
from massage_timer.core.model.validation import ValidationError
from massage_timer.core.storage.digest import sha256_hex
from massage_timer.core.storage.files import read_regular_file
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.resources import builtin_routines_dir
from massage_timer.core.storage.toml_input import FILE, TomlInputError, decode_toml

MAX_ERRORS_PER_FILE = 20
"""Problems listed per file; the rest are counted (a file of 3,000 bad steps is one
screenful, not thousands of lines)."""
MAX_FILES_PER_FOLDER = 1000
"""Routine files read from one folder; more are named as skipped."""


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
            [RoutineError(file, FILE, f"is {len(data)} bytes; at most {MAX_FILE_BYTES} allowed")]
        )
    try:
        doc = decode_toml(data)
    except TomlInputError as exc:
        raise RoutineLoadError([RoutineError(file, exc.location, exc.message)]) from None
    try:
        return validate_routine(doc)
    except ValidationError as exc:
        raise RoutineLoadError(
            _capped([RoutineError(file, p.location, p.message) for p in exc.problems])
        ) from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise RoutineLoadError([RoutineError(file, "(top level)", str(exc))]) from None


def _capped(errors: list[RoutineError]) -> list[RoutineError]:
    if len(errors) <= MAX_ERRORS_PER_FILE:
        return errors
    rest = len(errors) - MAX_ERRORS_PER_FILE
    return [*errors[:MAX_ERRORS_PER_FILE],
            RoutineError(errors[0].file, FILE, f"{rest} more problems are not listed")]


def read_routine_bytes(path: Path) -> bytes:
    """The bytes of a routine file: regular files only, the size checked before reading."""
    try:
        return read_regular_file(path, MAX_FILE_BYTES)
    except OSError as exc:
        message = exc.strerror or str(exc)
        if isinstance(exc, FileNotFoundError):
            message = "cannot be read: it does not exist"
        elif not message.startswith(("is ", "cannot ")):
            message = f"cannot be read: {message}"
        raise RoutineLoadError([RoutineError(path, FILE, message)]) from None


def load_routine_file(path: Path) -> Routine:
    return parse_routine(read_routine_bytes(path), path)


def _load_dir(
    folder: Path,
    origin: Origin,
    library: Library,
    seen: dict[str, LoadedRoutine],
) -> None:
    try:
        files = sorted(p for p in folder.glob("*.toml") if not p.name.startswith("."))
    except OSError as exc:
        library.errors.append(
            RoutineError(folder, "(folder)", f"cannot be read: {exc.strerror or exc}")
        )
        return
    if len(files) > MAX_FILES_PER_FOLDER:
        library.errors.append(RoutineError(
            folder, "(folder)",
            f"holds {len(files)} routine files; only the first {MAX_FILES_PER_FOLDER} are read",
        ))
        files = files[:MAX_FILES_PER_FOLDER]
    for file in files:
        try:
            data = read_routine_bytes(file)
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
            sha256_hex(data)[:16],
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
