"""Checking plain data (parsed TOML) against the model's msgspec Structs, reporting
every problem in plain words.

msgspec checks a whole document in C in microseconds but stops at its first error;
a person fixing a file wants to see every broken field and every broken step at
once. So a document that fails is looked at again piece by piece (each field of
each table, each item of each list, on its own) and every problem found is kept,
with its place written as the file's keys are (``steps[2].seconds``). That second
look costs nothing on the usual path, where the first check passes.
"""

from __future__ import annotations

import enum
import re
import types
import unicodedata
from collections.abc import Callable, Mapping
from functools import cache
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

import msgspec

from massage_timer.core.model.language import N_, _, ngettext

T = TypeVar("T")

TOP_LEVEL = "(top level)"


class Problem(msgspec.Struct, frozen=True):
    """One thing wrong: ``location`` is ``steps[2].seconds``, or ``(top level)``."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class ValidationError(ValueError):
    """Data that does not fit the model; ``problems`` holds every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems

    @property
    def fields(self) -> set[str]:
        """The top-level keys that hold a problem."""
        return {re.split(r"[.\[]", p.location, maxsplit=1)[0] for p in self.problems}


def convert(data: Any, model: type[T], *, strip: bool = False) -> T:
    """``data`` as a ``model``; raises :class:`ValidationError` naming every problem.

    With ``strip``, text is read without the spaces around it (not the values of
    choices), before its length and form are checked.
    """
    if strip:
        data = _stripped(data, model)
    try:
        return msgspec.convert(data, model, strict=False)
    except msgspec.ValidationError as exc:
        raise ValidationError(_problems(data, model, "", exc)) from None


# -- the second look ------------------------------------------------------------------


def bare_type(kind: Any) -> Any:
    """The type without ``Annotated`` and without ``| None``."""
    while True:
        origin = get_origin(kind)
        if origin is Annotated:
            kind = get_args(kind)[0]
        elif origin in (Union, types.UnionType):
            options = [a for a in get_args(kind) if a is not type(None)]
            if len(options) != 1:
                return kind
            kind = options[0]
        else:
            return kind


def _struct(kind: Any) -> type[msgspec.Struct] | None:
    bare = bare_type(kind)
    return bare if isinstance(bare, type) and issubclass(bare, msgspec.Struct) else None


def _item_type(kind: Any) -> Any | None:
    """``X`` for ``tuple[X, ...]`` (possibly annotated or optional), else None."""
    bare = bare_type(kind)
    if get_origin(bare) is tuple:
        args = get_args(bare)
        if len(args) == 2 and args[1] is Ellipsis:
            return args[0]
    return None


@cache
def _fields(model: type[msgspec.Struct]) -> tuple[tuple[str, Any, bool], ...]:
    """(key, type, required) for each field, in the order the class declares them."""
    return tuple((f.encode_name, f.type, f.required) for f in msgspec.structs.fields(model))


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _problems(
    value: Any, kind: Any, path: str, error: msgspec.ValidationError | None = None
) -> list[Problem]:
    """Every problem in ``value`` as a ``kind``; [] when it fits."""
    if error is None:
        try:
            msgspec.convert(value, kind, strict=False)
            return []
        except msgspec.ValidationError as exc:
            error = exc
    found: list[Problem] = []
    struct = _struct(kind)
    item = _item_type(kind)
    if struct is not None and isinstance(value, Mapping):
        known = _fields(struct)
        names = {name for name, _type, _required in known}
        for name, field_type, required in known:
            if name in value:
                found += _problems(value[name], field_type, _join(path, name))
            elif required:
                found.append(Problem(_join(path, name), _("is required but missing")))
        found += [
            Problem(_join(path, key), _("is not a known key (check its spelling)"))
            for key in value
            if key not in names
        ]
    elif item is not None and isinstance(value, list | tuple):
        for index, element in enumerate(value):
            found += _problems(element, item, _join(path, index))
    return found or [_from_error(error, kind, path)]


# Plain patterns, compiled (and cached by ``re``) only when a check fails.
_AT = r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$"
_UNKNOWN = r"^Object contains unknown field `(?P<key>[^`]*)`$"
_MISSING = r"^Object missing required field `(?P<key>[^`]*)`$"
_BOUND = r"^Expected `(?P<type>\w+)` (?P<op>[<>]=?) (?P<limit>[-+0-9.e]+|inf)$"
_LENGTH = r"^Expected `(?P<type>\w+)` of length (?P<op>[<>]=?) (?P<limit>\d+)$"
_PATTERN = r"^Expected `str` matching regex (?P<pattern>.*)$"
_WRONG_TYPE = r"^Expected `(?P<want>[^`]*)`, got `(?P<got>[^`]*)`$"
_ENUM = r"^Invalid enum value "

_TYPE_WORDS = {
    "str": N_("text"),
    "int": N_("a whole number"),
    "float": N_("a number"),
    "bool": N_("true or false"),
    "array": N_("a list"),
    "object": N_("a table"),
    "datetime": N_("a date and time"),
    "null": N_("nothing"),
}
_BOUND_WORDS = {
    "<=": N_("must be less than or equal to {limit}"),
    ">=": N_("must be greater than or equal to {limit}"),
    "<": N_("must be less than {limit}"),
    ">": N_("must be greater than {limit}"),
}


def _length(op: str, limit: int, text: bool) -> str:
    """``must have at most 80 characters``: each case a whole sentence, for translators."""
    if text:
        if op == "<=":
            return ngettext("must have at most {n} character",
                            "must have at most {n} characters", limit).format(n=limit)
        if op == ">=":
            return ngettext("must have at least {n} character",
                            "must have at least {n} characters", limit).format(n=limit)
        if op == "<":
            return ngettext("must have fewer than {n} character",
                            "must have fewer than {n} characters", limit).format(n=limit)
        return ngettext("must have more than {n} character",
                        "must have more than {n} characters", limit).format(n=limit)
    if op == "<=":
        return ngettext("must have at most {n} item",
                        "must have at most {n} items", limit).format(n=limit)
    if op == ">=":
        return ngettext("must have at least {n} item",
                        "must have at least {n} items", limit).format(n=limit)
    if op == "<":
        return ngettext("must have fewer than {n} item",
                        "must have fewer than {n} items", limit).format(n=limit)
    return ngettext("must have more than {n} item",
                    "must have more than {n} items", limit).format(n=limit)


def _from_error(error: msgspec.ValidationError, kind: Any, path: str) -> Problem:
    """msgspec's first error in plain words, at its place in the file."""
    match = re.match(_AT, str(error), re.DOTALL)
    assert match is not None  # the pattern matches any text
    message, inner = match["message"], (match["path"] or "").lstrip(".")
    where = path
    if inner:
        where = f"{path}{inner}" if not path or inner.startswith("[") else f"{path}.{inner}"
    for pattern in (_UNKNOWN, _MISSING):
        key = re.match(pattern, message)
        if key:
            text = (_("is not a known key (check its spelling)") if pattern is _UNKNOWN
                    else _("is required but missing"))
            return Problem(_join(where, key["key"]), text)
    return Problem(where or TOP_LEVEL, _friendly(message, kind if not inner else None))


def _friendly(message: str, kind: Any) -> str:
    if re.match(_ENUM, message) and kind is not None:
        choices = _choices(kind)
        if choices:
            return _("must be one of {choices}").format(choices=choices)
    if match := re.match(_BOUND, message):
        limit = float(match["limit"])
        return _(_BOUND_WORDS[match["op"]]).format(limit=f"{limit:g}")
    if match := re.match(_LENGTH, message):
        return _length(match["op"], int(match["limit"]), match["type"] == "str")
    if match := re.match(_PATTERN, message, re.DOTALL):
        return _("must match the pattern {pattern}").format(pattern=match["pattern"])
    if match := re.match(_WRONG_TYPE, message):
        wanted = [
            _(_TYPE_WORDS[name.strip()]) if name.strip() in _TYPE_WORDS else name.strip()
            for name in match["want"].split("|")
            if name.strip() != "null"
        ]
        got = _(_TYPE_WORDS[match["got"]]) if match["got"] in _TYPE_WORDS else match["got"]
        return _("must be {wanted}, not {got}").format(wanted=_or(wanted), got=got)
    if message.startswith("Expected `datetime` with a timezone"):
        return _("must be a date and time with its time zone")
    return message[0].lower() + message[1:] if message else _("is invalid")


def _or(items: list[str]) -> str:
    """``a, b or c`` in the current language."""
    if len(items) == 1:
        return items[0]
    # TRANSLATORS: the end of a list of choices: "'seated', 'standing' or 'lying'".
    return _("{items} or {last}").format(items=", ".join(items[:-1]), last=items[-1])


def _choices(kind: Any) -> str:
    """``'a', 'b' or 'c'``: the values a choice field takes."""
    bare = bare_type(kind)
    values: list[object] = []
    if isinstance(bare, type) and issubclass(bare, enum.Enum):
        values = [member.value for member in bare]
    elif get_origin(bare) is Literal:
        values = list(get_args(bare))
    if not values:
        return ""
    return _or([repr(value) for value in values])


# -- text without its surrounding spaces -----------------------------------------------


_Plan = tuple[tuple[str, Callable[[Any], Any]], ...]


def _stripped(value: Any, kind: Any) -> Any:
    """A copy of ``value`` with the text of ``kind``'s text fields stripped."""
    strip = _stripper(kind)
    return strip(value) if strip is not None else value


_ABSENT = object()


_UNSEEN = frozenset(("Cc", "Cf", "Zs", "Zl", "Zp"))
"""What shows nothing: controls, format characters (zero-width space, soft hyphen,
word joiner...), spaces and separators."""


def _strip_text(value: Any) -> Any:
    """Without the spaces around it; a text that shows nothing at all becomes empty,
    so a title of zero-width spaces is refused as an empty one is."""
    if not isinstance(value, str):
        return value
    value = value.strip()
    if value and all(unicodedata.category(c) in _UNSEEN for c in value):
        return ""
    return value


@cache
def _stripper(kind: Any) -> Callable[[Any], Any] | None:
    """A function stripping the text in a value of ``kind``, or None if it has none.

    Each returns its argument itself when nothing needed stripping (the usual case),
    so a clean file is not copied.
    """
    if bare_type(kind) is str:
        return _strip_text
    item = _item_type(kind)
    if item is not None:
        inner = _stripper(item)
        if inner is None:
            return None

        def strip_items(value: Any) -> Any:
            if not isinstance(value, list | tuple):
                return value
            out = [inner(element) for element in value]
            changed = any(new is not old for new, old in zip(out, value, strict=True))
            return out if changed else value

        return strip_items
    struct = _struct(kind)
    if struct is None:
        return None
    plan: _Plan = tuple(
        (name, strip)
        for name, field_type, _ in _fields(struct)
        if (strip := _stripper(field_type)) is not None
    )

    def strip_struct(value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        out: dict[str, Any] | None = None
        for name, strip in plan:
            old = value.get(name, _ABSENT)
            if old is _ABSENT:
                continue
            new = strip(old)
            if new is not old:
                if out is None:
                    out = dict(value)
                out[name] = new
        return value if out is None else out

    return strip_struct if plan else None
