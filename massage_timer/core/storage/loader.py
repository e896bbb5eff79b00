"""Reading routine files into a :class:`Library`, one bad file never stopping the rest.

Every problem becomes a :class:`RoutineError` naming the file, the place in it
(``steps[2].seconds``, or ``line 4, column 7`` for TOML syntax) and what is wrong in
plain words, so a person editing a routine can fix it without reading a traceback.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import msgspec

from massage_timer.core.model.language import SOURCE, TRANSLATOR, _, ngettext
from massage_timer.core.model.pseudo import TRANSFORMS, pseudo_routine
from massage_timer.core.model.routine import MAX_FILE_BYTES, Routine, validate_routine
from massage_timer.core.model.translation import (
    Coverage,
    Localized,
    RoutineTranslation,
    Translations,
    translate_routine,
    validate_routine_translation,
    validate_translations,
)
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


class RoutineError(msgspec.Struct, frozen=True):
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


class LoadedRoutine(msgspec.Struct, frozen=True):
    routine: Routine
    """In :attr:`language`: the wanted one when its translation is whole, else English."""
    file: Path
    origin: Origin
    content_hash: str
    overrides: Path | None = None
    language: str = SOURCE
    coverage: Coverage = Coverage.SOURCE
    """:attr:`Coverage.INCOMPLETE`: a translation exists but the routine is shown in
    English, whole; the library says so (``translation_note`` says why)."""
    translation_note: str = ""

    @property
    def fell_back(self) -> bool:
        """Shown in English although another language was asked for and translated in part."""
        return self.coverage is Coverage.INCOMPLETE


class Library(msgspec.Struct):
    routines: list[LoadedRoutine] = msgspec.field(default_factory=list)
    errors: list[RoutineError] = msgspec.field(default_factory=list)

    def get(self, routine_id: str) -> LoadedRoutine | None:
        return next((r for r in self.routines if r.routine.id == routine_id), None)


def parse_routine(data: bytes, file: Path) -> Routine:
    """Validate the bytes of one routine file, its ``[translations]`` too; raises
    :class:`RoutineLoadError`."""
    routine, _translations, problems = parse_routine_parts(data, file)
    if problems:
        raise RoutineLoadError(_capped(problems))
    return routine


def parse_routine_parts(
    data: bytes, file: Path
) -> tuple[Routine, Translations, list[RoutineError]]:
    """The routine of a file, its in-file translations, and the problems of those
    translations: a broken translation does not stop the routine (in English) from
    loading. Raises :class:`RoutineLoadError` when the routine itself is unusable."""
    if len(data) > MAX_FILE_BYTES:
        raise RoutineLoadError(
            [RoutineError(file, FILE, _("is {size} bytes; at most {limit} allowed").format(
                size=len(data), limit=MAX_FILE_BYTES))]
        )
    try:
        doc = decode_toml(data)
    except TomlInputError as exc:
        raise RoutineLoadError([RoutineError(file, exc.location, exc.message)]) from None
    raw_translations = doc.pop("translations", None)
    try:
        routine = validate_routine(doc)
    except ValidationError as exc:
        raise RoutineLoadError(
            _capped([RoutineError(file, p.location, p.message) for p in exc.problems])
        ) from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise RoutineLoadError([RoutineError(file, "(top level)", str(exc))]) from None
    if raw_translations is None:
        return routine, {}, []
    try:
        return routine, validate_translations(raw_translations), []
    except ValidationError as exc:
        return routine, {}, [
            RoutineError(file, _within("translations", p.location), p.message)
            for p in exc.problems
        ]


def _within(table: str, location: str) -> str:
    if location == "(top level)":
        return table
    return f"{table}{location}" if location.startswith("[") else f"{table}.{location}"


def read_translation_file(path: Path) -> RoutineTranslation:
    """A built-in routine's translation file; raises :class:`RoutineLoadError`."""
    data = read_routine_bytes(path)
    try:
        return validate_routine_translation(decode_toml(data))
    except TomlInputError as exc:
        raise RoutineLoadError([RoutineError(path, exc.location, exc.message)]) from None
    except ValidationError as exc:
        raise RoutineLoadError(
            _capped([RoutineError(path, p.location, p.message) for p in exc.problems])
        ) from None


def _capped(errors: list[RoutineError]) -> list[RoutineError]:
    if len(errors) <= MAX_ERRORS_PER_FILE:
        return errors
    rest = len(errors) - MAX_ERRORS_PER_FILE
    return [*errors[:MAX_ERRORS_PER_FILE],
            RoutineError(errors[0].file, FILE, ngettext(
                "{count} more problem is not listed", "{count} more problems are not listed",
                rest).format(count=rest))]


def read_routine_bytes(path: Path) -> bytes:
    """The bytes of a routine file: regular files only, the size checked before reading."""
    try:
        return read_regular_file(path, MAX_FILE_BYTES)
    except OSError as exc:
        message = exc.strerror or str(exc)
        if isinstance(exc, FileNotFoundError):
            message = _("cannot be read: it does not exist")
        elif not message.startswith(("is ", "cannot ")):
            message = _("cannot be read: {error}").format(error=message)
        raise RoutineLoadError([RoutineError(path, FILE, message)]) from None


def load_routine_file(path: Path) -> Routine:
    return parse_routine(read_routine_bytes(path), path)


_BROKEN = RoutineTranslation(title="-", summary="-", steps={})
"""Stands for a translation that could not be read: it covers nothing, so the routine
is shown in English and counted as incompletely translated."""


def _translation(
    routine: Routine, in_file: Translations, folder: Path, origin: Origin, *, language: str,
    library: Library,
) -> RoutineTranslation | None:
    """The translation into ``language``: the file's own table, else (for a built-in
    routine) ``translations/<language>/<id>.toml`` beside it."""
    if language == SOURCE:
        return None
    if language in in_file:
        return in_file[language]
    if origin is not Origin.BUILTIN:
        return None
    path = folder / "translations" / language / f"{routine.id}.toml"
    if not path.is_file():
        return None
    try:
        return read_translation_file(path)
    except RoutineLoadError as exc:
        library.errors.extend(exc.errors)
        return _BROKEN


def _load_dir(
    folder: Path,
    origin: Origin,
    library: Library,
    seen: dict[str, LoadedRoutine],
    language: str = SOURCE,
) -> bool:
    """Load the routines of ``folder`` into ``library``; False when there is no such
    folder (the caller says so where it matters). One that cannot be read (itself, or
    a folder above it) is said in ``library.errors``."""
    try:
        # Not glob(): it takes an unreadable folder for an empty one, without a word.
        files = sorted(p for p in folder.iterdir()
                       if p.name.endswith(".toml") and not p.name.startswith("."))
    except FileNotFoundError:
        return False
    except OSError as exc:
        library.errors.append(
            RoutineError(folder, "(folder)", _("cannot be read: {error}").format(
                error=exc.strerror or exc))
        )
        return True
    if len(files) > MAX_FILES_PER_FOLDER:
        library.errors.append(RoutineError(
            folder, "(folder)",
            _("holds {count} routine files; only the first {limit} are read").format(
                count=len(files), limit=MAX_FILES_PER_FOLDER),
        ))
        files = files[:MAX_FILES_PER_FOLDER]
    for file in files:
        try:
            data = read_routine_bytes(file)
            routine, in_file, problems = parse_routine_parts(data, file)
        except RoutineLoadError as exc:
            library.errors.extend(exc.errors)
            continue
        library.errors.extend(_capped(problems) if problems else ())
        previous = seen.get(routine.id)
        if previous is not None and previous.origin is origin:
            library.errors.append(
                RoutineError(file, "id", _("'{id}' is already used by {file}").format(
                    id=routine.id, file=previous.file.name))
            )
            continue
        if any(e.location.startswith(f"translations.{language}") for e in problems):
            translation: RoutineTranslation | None = _BROKEN
        else:
            translation = _translation(routine, in_file, folder, origin, language=language,
                                       library=library)
        shown = (Localized(pseudo_routine(routine, TRANSFORMS[language]), language,
                           Coverage.TRANSLATED)
                 if language in TRANSFORMS
                 else translate_routine(routine, language, translation))
        seen[routine.id] = LoadedRoutine(
            shown.value,
            file,
            origin,
            sha256_hex(data)[:16],
            previous.file if previous else None,
            language=shown.language,
            coverage=shown.coverage,
            translation_note=shown.reason,
        )
    return True


def load_library(
    paths: AppPaths | None = None, *, builtin_dir: Path | None = None,
    language: str | None = None,
) -> Library:
    """Built-in routines, then the user's folder, then any ``--routines-dir``, each in
    ``language`` (the interface's by default) where its translation is whole.

    A later routine with the id of an earlier one overrides it; the override is kept
    visible through :attr:`LoadedRoutine.overrides`. Every file is checked on every
    load: it takes well under a millisecond a file.
    """
    code = TRANSLATOR.code if language is None else language
    library = Library()
    seen: dict[str, LoadedRoutine] = {}
    _load_dir(builtin_dir or builtin_routines_dir(), Origin.BUILTIN, library, seen, code)
    if paths is not None:
        folders = [(paths.user_routines_dir, Origin.USER),
                   *((extra, Origin.EXTRA) for extra in paths.extra_routine_dirs)]
        for folder, origin in folders:
            there = _load_dir(folder, origin, library, seen, code)
            if not there and origin is Origin.EXTRA:  # the user's own is made at a save
                library.errors.append(RoutineError(folder, "(folder)", _("does not exist")))
    library.routines = sorted(seen.values(), key=lambda r: r.routine.title.casefold())
    return library
