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

import msgspec

from massage_timer.core.model.routine import Routine

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


class PseudoTranslations(gettext.NullTranslations):
    """A catalogue that translates every message with :func:`pseudo`."""

    def gettext(self, message: str) -> str:
        return pseudo(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)

    def pgettext(self, context: str, message: str) -> str:
        return pseudo(message)

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        return pseudo(msgid1 if n == 1 else msgid2)


def pseudo_routine(routine: Routine) -> Routine:
    """``routine`` with every word it shows or speaks in the pseudo-locale (ids, numbers
    and timing untouched): what a long translation does to the library and the player."""
    steps = tuple(
        msgspec.structs.replace(step, title=pseudo(step.title),
                                instruction=pseudo(step.instruction), cue=pseudo(step.cue))
        for step in routine.steps
    )
    return msgspec.structs.replace(
        routine, title=pseudo(routine.title), summary=pseudo(routine.summary),
        cautions=tuple(pseudo(c) for c in routine.cautions), steps=steps,
    )
