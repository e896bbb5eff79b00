"""The words a session says and shows around a routine's own text, in ONE language.

A session speaks a routine in the routine's language (its translation, or English when
the translation is incomplete), whatever the interface's language: the side names,
"Now the right side.", "Release.", "Paused.", the closing line. So these come from the
catalogue of the routine's language, handed in as a :class:`Catalog` (a gettext
translations object, loaded by
:func:`massage_timer.core.storage.catalogs.spoken_words`), never from the interface's
current ``_()``. Counts are said as digits, which the voice reads in its own language.
"""

from __future__ import annotations

import gettext
from typing import Protocol

import msgspec

from massage_timer.core.model.language import SOURCE


class Catalog(Protocol):
    """What :class:`Words` needs of a catalogue (``gettext.NullTranslations`` fits)."""

    def gettext(self, message: str, /) -> str: ...

    def pgettext(self, context: str, message: str, /) -> str: ...


class Words(msgspec.Struct, frozen=True):
    """The session's own lines in the language of ``catalog`` (``language`` its code).

    Each message is looked up through a local ``_``/``pgettext`` bound to ``catalog``
    (not the interface's), so that extraction still finds it.
    """

    catalog: Catalog = msgspec.field(default_factory=gettext.NullTranslations)
    language: str = SOURCE

    def side(self, side: str) -> str:
        """``left``/``right`` as said in an instruction (``pgettext("side", ...)``)."""
        pgettext = self.catalog.pgettext
        if side == "left":
            # TRANSLATORS: the side of the body being worked, said in a step's
            # instruction ("Work on your left side."); a routine may give its own form.
            return pgettext("side", "left")
        if side == "right":
            # TRANSLATORS: the side of the body being worked (see "left").
            return pgettext("side", "right")
        return side

    def work_on_side(self, side_word: str) -> str:
        _ = self.catalog.gettext
        # TRANSLATORS: said after a step's instruction when it does not name the side
        # itself; {side} is the word for "left" or "right" (context "side").
        return _("Work on your {side} side.").format(side=side_word)

    def switch(self, side_word: str) -> str:
        _ = self.catalog.gettext
        # TRANSLATORS: said before the second side of a step; {side} is "left" or "right".
        return _("Now the {side} side.").format(side=side_word)

    @property
    def halfway(self) -> str:
        _ = self.catalog.gettext
        # TRANSLATORS: said (spoken) halfway through a hold.
        return _("Halfway.")

    @property
    def release(self) -> str:
        _ = self.catalog.gettext
        # TRANSLATORS: said (spoken) when a held repetition ends: let go of the pressure.
        return _("Release.")

    @property
    def closing(self) -> str:
        _ = self.catalog.gettext
        # TRANSLATORS: said (spoken) at the end of a routine.
        return _("Well done. The routine is complete.")

    @property
    def paused(self) -> str:
        _ = self.catalog.gettext
        # TRANSLATORS: said (spoken) when the person pauses the session.
        return _("Paused.")

    @staticmethod
    def count(n: int) -> str:
        """A number as said: digits, read by the voice in its own language."""
        return str(n)


ENGLISH = Words()
"""The source words: a routine in English speaks these."""
