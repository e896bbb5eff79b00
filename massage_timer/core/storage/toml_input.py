"""The one way in for TOML files: routines, settings, the checklist and the sources.

:func:`read_toml` reads only a regular file of bounded size (see
:func:`~massage_timer.core.storage.files.read_regular_file`), accepts the UTF-8
byte-order mark that Windows editors write, and turns every failure of the parser,
including the ones it raises that are not ``TOMLDecodeError`` (a ``RecursionError`` on
a few hundred bytes of nested arrays), into a :class:`TomlInputError` with a place and
a message a person can act on.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from massage_timer.core.model.language import _
from massage_timer.core.storage.files import UnusableFileError, read_regular_file

# The compiled (mypyc) tomli parses about twice as fast as tomllib; tomli < 2.4 reads
# TOML 1.0 exactly as tomllib does (2.4 moved to TOML 1.1), so either gives the same
# documents and the same errors (tests/test_loader_toml_parser.py).
try:
    from tomli import TOMLDecodeError
    from tomli import loads as toml_loads
except ImportError:  # pragma: no cover - e.g. a bundle built without it
    from tomllib import TOMLDecodeError  # type: ignore[assignment]
    from tomllib import loads as toml_loads

TOML_PARSER: str = toml_loads.__module__
"""Which parser reads TOML files (reported by ``--self-check``)."""

FILE = "(file)"
"""The location of a problem with the file as a whole."""

_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


class TomlInputError(ValueError):
    """A TOML file that cannot be used: where (``line 4, column 7``, ``(file)``) and why."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message


def decode_toml(data: bytes) -> dict[str, Any]:
    """The document in ``data`` (UTF-8, with or without a byte-order mark)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TomlInputError(f"byte {exc.start}", _("is not UTF-8 text")) from None
    text = text.removeprefix("\ufeff")
    try:
        return toml_loads(text)
    except TOMLDecodeError as exc:
        location, message = _syntax_error(exc)
        # TRANSLATORS: {message} is the TOML parser's own (English) description.
        raise TomlInputError(location, _("TOML syntax error: {message}").format(
            message=message)) from None
    except RecursionError:
        raise TomlInputError(FILE, _("is nested too deeply to be read")) from None
    except (ValueError, TypeError, OverflowError, MemoryError) as exc:
        raise TomlInputError(FILE, _("cannot be read as TOML: {reason}").format(
            reason=exc)) from None


def read_toml(path: Path, max_bytes: int) -> dict[str, Any]:
    """The document in the regular file ``path`` of at most ``max_bytes``.

    Raises :class:`FileNotFoundError` for a missing file (callers treat that as "no
    file yet") and :class:`TomlInputError` for every other problem.
    """
    try:
        data = read_regular_file(path, max_bytes)
    except UnusableFileError as exc:
        raise TomlInputError(FILE, exc.strerror or str(exc)) from None
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise TomlInputError(FILE, _("cannot be read: {reason}").format(
            reason=exc.strerror or exc)) from None
    return decode_toml(data)


def _syntax_error(exc: ValueError) -> tuple[str, str]:
    """Location and message from the error text, so tomllib and tomli read the same.

    tomli (and tomllib from Python 3.14) also set ``lineno``/``colno`` for errors at
    the end of the document; the text says "(at end of document)" there, which stays
    in the message with the location "(file)", as tomllib in 3.11 reports it.
    """
    text = str(exc)
    match = _TOML_AT.search(text)
    if match:
        return f"line {match[1]}, column {match[2]}", text[: match.start()].strip()
    if "(at end of document)" in text:
        return FILE, text
    lineno, colno = getattr(exc, "lineno", None), getattr(exc, "colno", None)
    message = getattr(exc, "msg", None) or text
    return (f"line {lineno}, column {colno}" if lineno is not None else FILE), message
