"""The pseudo-locale ``en_XA``: English made to look foreign, to find what is not
translatable and what does not fit.

Every message comes back accented and about 40 % longer, in brackets, with its
placeholders (``{name}``, ``%s``, ``%(name)s``), markup tags and ``&`` accelerators
untouched; text that shows up plain in the pseudo-locale was never passed through
``_()``, and a label cut off in it will be cut off in German too.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable

import msgspec

from massage_timer.core.model.language import PSEUDO, PSEUDO_RTL
from massage_timer.core.model.routine import Routine
from massage_timer.core.model.safety import Checklist

_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "åƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
_KEEP = re.compile(r"(\{[^{}]*\}|%\([^)]*\)[a-z]|%[sdif%]|<[^>]*>|&[&\w]|\n)")
_PAD = "·"
GROWTH = 0.4


def pseudo(message: str) -> str:
    """``message`` accented and padded to about 140 % of its length, in ``[ ]``."""
    if not message:
        return message
    parts = _KEEP.split(message)
    out = "".join(part if _KEEP.fullmatch(part) else part.translate(_ACCENTS) for part in parts)
    pad = max(1, round(len(message) * GROWTH) - 2)
    return f"[{out}{_PAD * pad}]"


_RLO, _PDF = "\u202e", "\u202c"


def pseudo_rtl(message: str) -> str:
    """``message`` as :func:`pseudo` makes it, forced to run right to left (between
    RIGHT-TO-LEFT OVERRIDE and POP DIRECTIONAL FORMATTING): in the mirrored layout of
    the ``ar_XB`` pseudo-locale it reads as a right-to-left script would."""
    return f"{_RLO}{pseudo(message)}{_PDF}" if message else message


class PseudoTranslations(gettext.NullTranslations):
    """A catalogue that translates every message with ``transform`` (:func:`pseudo`)."""

    def __init__(self, transform: Callable[[str], str] = pseudo) -> None:
        super().__init__()
        self._transform = transform

    def gettext(self, message: str) -> str:
        return self._transform(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self._transform(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return self._transform(message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return self._transform(msgid1 if n == 1 else msgid2)


TRANSFORMS: dict[str, Callable[[str], str]] = {PSEUDO.code: pseudo, PSEUDO_RTL.code: pseudo_rtl}
"""Each pseudo-locale's code and what it does to a message."""


def pseudo_routine(routine: Routine, transform: Callable[[str], str] = pseudo) -> Routine:
    """``routine`` with every word it shows or speaks in a pseudo-locale (ids, numbers
    and timing untouched): what a long translation does to the library and the player."""
    steps = tuple(
        msgspec.structs.replace(step, title=transform(step.title),
                                instruction=transform(step.instruction),
                                cue=transform(step.cue))
        for step in routine.steps
    )
    return msgspec.structs.replace(
        routine, title=transform(routine.title), summary=transform(routine.summary),
        cautions=tuple(transform(c) for c in routine.cautions), steps=steps,
    )


def pseudo_checklist(checklist: Checklist, transform: Callable[[str], str] = pseudo) -> Checklist:
    """The checklist's words in a pseudo-locale (ids and version untouched), so that
    its dialog is checked for clipping with long text like every other window."""
    items = tuple(msgspec.structs.replace(item, question=transform(item.question),
                                          help=transform(item.help))
                  for item in checklist.items)
    return msgspec.structs.replace(
        checklist, intro=transform(checklist.intro), advice=transform(checklist.advice),
        rules=tuple(transform(rule) for rule in checklist.rules), items=items)
