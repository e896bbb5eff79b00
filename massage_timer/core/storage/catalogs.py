"""The compiled interface catalogues (gettext ``.mo``) shipped with the app.

Sources are ``massage_timer/locale/<code>/LC_MESSAGES/massage_timer.po``; ``./dev i18n``
extracts and compiles them, and the wheel and the bundle carry the compiled ``.mo``
beside them (a build hook compiles them: nothing compiled is edited by hand).
"""

from __future__ import annotations

import functools
import gettext
from pathlib import Path

from massage_timer.core.model.language import (
    DOMAIN,
    LANGUAGES,
    PSEUDO_LANGUAGES,
    SOURCE,
    TRANSLATOR,
    Language,
)
from massage_timer.core.model.pseudo import TRANSFORMS, PseudoTranslations
from massage_timer.core.model.spoken import ENGLISH, Words

_PACKAGE = Path(__file__).resolve().parents[2]


def locale_dir() -> Path:
    return _PACKAGE / "locale"


def catalog_path(code: str) -> Path:
    return locale_dir() / code / "LC_MESSAGES" / f"{DOMAIN}.mo"


def load_catalog(code: str) -> gettext.NullTranslations:
    """The catalogue for ``code``; English (the source) and a missing file read as is."""
    if code in PSEUDO_LANGUAGES:
        return PseudoTranslations(TRANSFORMS[code])
    if code == SOURCE or code not in LANGUAGES:
        return gettext.NullTranslations()
    try:
        with catalog_path(code).open("rb") as handle:
            return gettext.GNUTranslations(handle)
    except OSError:
        return gettext.NullTranslations()


def shipped_languages() -> list[Language]:
    """The languages a person can pick: English and every language with a compiled
    catalogue (a language still being translated has none in a release)."""
    return [lang for code, lang in LANGUAGES.items()
            if code == SOURCE or catalog_path(code).is_file()]


def use_language(code: str) -> str:
    """Switch every ``_()`` to ``code`` (or English when it is not shipped); returns the
    code in use."""
    code = code if code in LANGUAGES or code in PSEUDO_LANGUAGES else SOURCE
    TRANSLATOR.use(code, load_catalog(code))
    return code


@functools.cache
def spoken_words(code: str) -> Words:
    """The session's own lines (side names, "Release.", the closing line) in ``code``,
    the routine's language, without touching the interface's language."""
    if code == SOURCE:
        return ENGLISH
    return Words(load_catalog(code), code)


def desktop_entry_lines(key: str, message: str) -> str:
    """``key=message`` then ``key[code]=…`` for each shipped language that translates
    it: a freedesktop entry carries its own translations, so the menu speaks the
    person's language whatever the app's setting (what ``msgfmt --desktop`` does)."""
    lines = [f"{key}={message}"]
    for lang in shipped_languages():
        text = load_catalog(lang.code).gettext(message) if lang.code != SOURCE else message
        if text != message:
            lines.append(f"{key}[{lang.code}]={' '.join(text.split())}")
    return "\n".join(lines) + "\n"
