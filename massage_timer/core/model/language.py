"""The languages the app speaks, which one the person wants, and the words in it.

Interface strings are gettext messages (``_("...")``, ``ngettext`` for plurals), so the
Qt-free core, the command line and the windows all translate the same way; the
catalogues are loaded by :mod:`~massage_timer.core.storage.catalogs`. Routine and
checklist text is not here: it is translated as data, keyed by ids, one whole
language at a time (:mod:`~massage_timer.core.model.translation`).
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping

import msgspec

DOMAIN = "massage_timer"
SOURCE = "en"


class Language(msgspec.Struct, frozen=True):
    code: str
    """BCP 47-ish tag used for files and settings: ``en``, ``pt_BR``."""
    name: str
    """The language's name in itself, as a person looks for it in a list."""
    voice: str
    """The espeak-ng voice that speaks it (the person may pick another of the language)."""
    right_to_left: bool = False
    syllable_units: float = 0.6
    """How long the voice takes over a syllable, in rate units (about a word): the
    spoken-length estimate's weight, measured on espeak-ng's voice for the language
    (``bench/speech_languages.py``); Dutch and Polish pack more sound into one."""


LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "English", "en-us"),
        Language("de", "Deutsch", "de", syllable_units=0.62),
        Language("fr", "Français", "fr-fr"),
        Language("es", "Español", "es"),
        Language("it", "Italiano", "it"),
        Language("pt_BR", "Português (Brasil)", "pt-br"),
        Language("nl", "Nederlands", "nl", syllable_units=0.65),
        Language("pl", "Polski", "pl", syllable_units=0.66),
    )
}

SYSTEM = "system"
"""The ``language`` setting's default: follow the environment (:func:`negotiate`)."""

PSEUDO = Language("en_XA", "Ëñğļîšĥ (þšéûðö)", "en-us")
"""A hidden language for finding untranslated and clipped text: every message accented
and about 40 % longer (:mod:`~massage_timer.core.model.pseudo`). Never listed, but the
``language`` setting and ``LANGUAGE=en_XA`` accept it."""

PSEUDO_RTL = Language("ar_XB", "\u202eEnglish, right to left\u202c", "en-us",
                      right_to_left=True)
"""The right-to-left pseudo-locale: the layout mirrored as for Arabic or Hebrew and
every message shown right to left, to check that the windows mirror correctly."""

PSEUDO_LANGUAGES = {PSEUDO.code: PSEUDO, PSEUDO_RTL.code: PSEUDO_RTL}

_ENV_ORDER = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def _candidates(value: str) -> list[str]:
    """``de_AT.UTF-8@euro`` -> ``de_AT``, ``de``."""
    tag = value.split(".", maxsplit=1)[0].split("@", maxsplit=1)[0].replace("-", "_")
    if not tag or tag in ("C", "POSIX"):
        return []
    parts = tag.split("_")
    out = [f"{parts[0].lower()}_{parts[1].upper()}"] if len(parts) > 1 else []
    return [*out, parts[0].lower()]


def negotiate(env: Mapping[str, str], available: Mapping[str, Language] = LANGUAGES) -> str:
    """The language the environment asks for, as gettext reads it: the first of
    ``LANGUAGE`` (a colon-separated list), ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is
    set; within it the first tag we have (``pt_BR`` before ``pt``), else English.

    ``pt`` alone maps to Brazilian Portuguese, the only Portuguese shipped.
    """
    for name in _ENV_ORDER:
        value = env.get(name, "")
        if not value:
            continue
        for item in value.split(":") if name == "LANGUAGE" else [value]:
            if item in PSEUDO_LANGUAGES:
                return item
            for tag in _candidates(item):
                if tag in available:
                    return tag
                if tag == "pt" and "pt_BR" in available:
                    return "pt_BR"
        if name != "LANGUAGE":
            break  # gettext stops at the first of these that is set
    return SOURCE


def resolve(setting: str, env: Mapping[str, str],
            available: Mapping[str, Language] = LANGUAGES) -> str:
    """The language to use: the ``language`` setting when it names one we have (or a
    pseudo-locale), else what the environment asks for."""
    if setting in PSEUDO_LANGUAGES or (setting != SYSTEM and setting in available):
        return setting
    return negotiate(env, available)


def language(code: str) -> Language:
    """The :class:`Language` of ``code``; English for a code we do not ship."""
    if code in PSEUDO_LANGUAGES:
        return PSEUDO_LANGUAGES[code]
    return LANGUAGES.get(code, LANGUAGES[SOURCE])


class Translator:
    """The current catalogue; swapped whole when the language changes."""

    def __init__(self) -> None:
        self.code = SOURCE
        self._catalog: gettext.NullTranslations = gettext.NullTranslations()

    def use(self, code: str, catalog: gettext.NullTranslations) -> None:
        self.code, self._catalog = code, catalog

    def gettext(self, message: str) -> str:
        return self._catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalog.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self._catalog.pgettext(context, message)


TRANSLATOR = Translator()


def _(message: str) -> str:
    """``message`` in the current language."""
    return TRANSLATOR.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The right plural form of a message for ``n`` in the current language."""
    return TRANSLATOR.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, told apart from the same words elsewhere."""
    return TRANSLATOR.pgettext(context, message)


def decimal(value: float, digits: int = 1) -> str:
    """``value`` with the current language's decimal sign ("4,1" in German): the
    command line has no Qt locale to ask."""
    # TRANSLATORS: the sign between the whole and the decimal part of a number, as in
    # "4.1 min" (a comma in most of Europe).
    return f"{value:.{digits}f}".replace(".", pgettext("decimal sign", "."))


def N_(message: str) -> str:
    """Marks ``message`` for extraction; it is translated later, where it is shown."""
    return message
