"""The interface language on Qt's side: Qt's own dialogs, dates, numbers and direction.

:func:`apply_language` switches the gettext catalogue (every ``_()``), installs Qt's
``qtbase_<lang>.qm`` for the standard dialogs and buttons, makes the language the default
``QLocale`` (dates and numbers) and sets the layout direction, then sends
``QEvent.LanguageChange``, which Qt passes to every widget: a window that shows
interface text sets it again in its ``changeEvent``, so a change of the ``language``
setting reaches the open windows without rebuilding them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from massage_timer.core.model.language import SOURCE, TRANSLATOR, language, resolve
from massage_timer.core.storage.catalogs import use_language

_INSTALLED: list[QTranslator] = []
_CURRENT: list[str] = [SOURCE]


def current() -> str:
    """The language the Qt side was last switched to."""
    return _CURRENT[0]


def _qt_translator(code: str) -> QTranslator | None:
    """Qt's own translation of its dialogs for ``code`` (``pt_BR``, else ``pt``)."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator()
    for name in (f"qtbase_{code}", f"qtbase_{code.split('_', maxsplit=1)[0]}"):
        if translator.load(name, folder):
            return translator
    return None


def apply_language(app: QApplication, setting: str,
                   env: Mapping[str, str] | None = None) -> str:
    """Use the language of the ``language`` setting (``system``: the environment's)
    for everything shown from now on; returns its code."""
    wanted = resolve(setting, os.environ if env is None else env)
    # At start-up the command line has already switched to the environment's
    # language, usually the setting's too: its catalogue is not read a second time.
    code = wanted if TRANSLATOR.code == wanted else use_language(wanted)
    for old in _INSTALLED:
        app.removeTranslator(old)
    _INSTALLED.clear()
    qt = _qt_translator(code) if code != SOURCE else None
    if qt is not None:
        app.installTranslator(qt)
        _INSTALLED.append(qt)
    # English is the source, not a region: it keeps the system's dates and numbers.
    QLocale.setDefault(QLocale.system() if code == SOURCE else QLocale(code))
    _CURRENT[0] = code
    lang = language(code)
    app.setLayoutDirection(
        Qt.LayoutDirection.RightToLeft if lang.right_to_left else Qt.LayoutDirection.LeftToRight
    )
    # Sent even when no Qt translator changed (English, the pseudo-locale), so that
    # every window hears of every change the same way.
    QCoreApplication.sendEvent(app, QEvent(QEvent.Type.LanguageChange))
    return code


class Retranslating:
    """Mixed into a widget whose texts follow the interface language: its
    ``_retranslate`` runs again at every LanguageChange (which Qt sends each widget
    when the app's translator changes). It goes before the Qt class:
    ``class NoticeBar(Retranslating, QFrame)``."""

    def _retranslate(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)  # type: ignore[misc]  # the Qt class after it
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
