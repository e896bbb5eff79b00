"""Text from files, made safe to show where it could do harm.

Routine files come from strangers. In a terminal, a control character can move the
cursor, recolour or retitle the window; anywhere, a bidi override can make
``evil.toml`` read as ``lmot.live``. :func:`printable` shows such characters as
visible escapes (``\\x1b``, ``\\u202e``) instead of letting them act, so what a person
reads is what the file holds.
"""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f"  # C0 and C1 controls, DEL
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides
    "\u2028\u2029]"  # line and paragraph separators
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control, bidi-override and separator character escaped."""
    return _UNSAFE.sub(_escape, text)


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def single_line(text: str, *, keep_bidi: bool = False) -> str:
    """``text`` for a one-line place (a list row, a window title): line breaks and tabs
    become spaces, other unsafe characters are escaped as by :func:`printable`.

    ``keep_bidi`` keeps the bidi marks and overrides: for a line drawn on its own,
    where an override cannot reach past it, and where right-to-left text (the
    pseudo-locale's among it) should read as it is written.
    """
    line = re.sub("[\t\n\r\u2028\u2029]+", " ", text)
    return _CONTROLS.sub(_escape, line) if keep_bidi else printable(line)


_ISOLATES = re.compile("[\u2066-\u2069]")


def isolated(text: str) -> str:
    """``text`` as one line (:func:`single_line`, its bidi marks kept) inside a
    sentence: set apart as a bidi isolate, so that right-to-left text reads as it is
    written and no override in it reaches the words around it. Isolate marks of its
    own are escaped: one of them could end the isolate early."""
    return "\u2068" + _ISOLATES.sub(_escape, single_line(text, keep_bidi=True)) + "\u2069"


LONGEST_UNBROKEN = 40
"""The longest run without a break that :func:`breakable` leaves alone."""


def _break_anywhere(run: re.Match[str]) -> str:
    return "".join(("" if i == 0 or unicodedata.category(c).startswith("M") else "\u200b") + c
                   for i, c in enumerate(run[0]))


def breakable(text: str, longest: int = LONGEST_UNBROKEN) -> str:
    """``text`` where a run of more than ``longest`` characters without a space may
    break anywhere (a zero-width space, unseen, between its letters): a label breaks
    lines between words only, so one word of a thousand letters in a file made its
    pane as wide. Words of usual length are left as they are."""
    return re.sub(rf"[^\s\u200b]{{{longest + 1},}}", _break_anywhere, text)
