"""The interface speaks the person's language: negotiation, catalogues, the switch in a
running app, the pseudo-locale, and the checks that keep every shipped catalogue
complete and faithful to its source."""

from __future__ import annotations

import gettext
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from test_live_settings import FakeAudio

from massage_timer.core.model.language import (
    LANGUAGES,
    PSEUDO,
    SOURCE,
    TRANSLATOR,
    _,
    negotiate,
    ngettext,
    resolve,
)
from massage_timer.core.model.pseudo import pseudo
from massage_timer.core.storage.catalogs import (
    catalog_path,
    locale_dir,
    shipped_languages,
    use_language,
)
from massage_timer.core.storage.paths import AppPaths
from massage_timer.ui.desktop.language import apply_language
from massage_timer.ui.wiring import App

REPO = Path(__file__).resolve().parent.parent
PO_FILES = sorted(locale_dir().glob("*/LC_MESSAGES/massage_timer.po"))


# -- which language ---------------------------------------------------------------


@pytest.mark.parametrize(("env", "code"), [
    ({}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "de"),
    ({"LANG": "de_AT.UTF-8@euro"}, "de"),
    ({"LANG": "pt_BR.UTF-8"}, "pt_BR"),
    ({"LANG": "pt_PT.UTF-8"}, "pt_BR"),
    ({"LANG": "ja_JP.UTF-8"}, "en"),
    ({"LANGUAGE": "ja:fr:de", "LANG": "de_DE.UTF-8"}, "fr"),
    ({"LANGUAGE": "", "LC_ALL": "nl_NL.UTF-8", "LANG": "de_DE.UTF-8"}, "nl"),
    ({"LC_MESSAGES": "pl_PL", "LANG": "de_DE"}, "pl"),
    ({"LC_ALL": "ja_JP", "LANG": "de_DE"}, "en"),
    ({"LANGUAGE": "en_XA"}, "en_XA"),
])
def test_negotiate_reads_the_environment_as_gettext_does(
    env: dict[str, str], code: str
) -> None:
    assert negotiate(env) == code


def test_the_setting_wins_over_the_environment() -> None:
    env = {"LANG": "de_DE.UTF-8"}
    assert resolve("system", env) == "de"
    assert resolve("fr", env) == "fr"
    assert resolve("xx", env) == "de", "a code not shipped means the environment's"
    assert resolve(PSEUDO.code, env) == PSEUDO.code


def test_every_language_names_a_voice_and_itself() -> None:
    assert SOURCE in LANGUAGES
    for code, lang in LANGUAGES.items():
        assert lang.code == code and lang.name and lang.voice


# -- catalogues --------------------------------------------------------------------


def test_the_german_stub_is_compiled_and_used() -> None:
    assert catalog_path("de").is_file(), "./dev test compiles the catalogues first"
    assert use_language("de") == "de"
    assert _("print only the problems") == "nur die Probleme ausgeben"
    assert ngettext("{valid} of {total} files valid", "{valid} of {total} files valid",
                    2) == "{valid} von {total} Dateien gültig"
    assert use_language("xx") == SOURCE
    assert _("print only the problems") == "print only the problems"


def test_only_languages_with_a_catalogue_are_offered() -> None:
    codes = [lang.code for lang in shipped_languages()]
    assert codes[0] == SOURCE
    assert "de" in codes
    for code in codes[1:]:
        assert catalog_path(code).is_file()
    assert PSEUDO.code not in codes


def test_the_cli_speaks_the_environment_language(tmp_path: Path) -> None:
    text = (REPO / "routines" / "desk-micro-break.toml").read_text("utf-8")
    good, untitled = tmp_path / "good.toml", tmp_path / "untitled.toml"
    good.write_text(text, "utf-8")
    untitled.write_text(re.sub(r'(?m)^title = .*\n', "", text, count=1), "utf-8")
    env = {**os.environ, "LANGUAGE": "de"}
    done = subprocess.run(
        [sys.executable, "-m", "massage_timer", "validate", str(good), str(untitled),
         str(tmp_path / "no.toml")],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )
    assert done.returncode == 1
    assert "1 von 3 Dateien gültig" in done.stderr
    # FILE: LOCATION: message keeps its shape; the location is never translated.
    assert f"{untitled}: title: ist erforderlich, fehlt aber" in done.stdout.splitlines()
    assert f"{tmp_path / 'no.toml'}: (file): kann nicht gelesen werden: existiert nicht" in (
        done.stdout.splitlines())


# -- completeness: every shipped catalogue, whole and faithful ---------------------

_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([^)]*\)[sdif]|%[sdif]")
_MARKUP = re.compile(r"</?[a-zA-Z][^>]*>")


def _signature(text: str) -> tuple[list[str], list[str], int]:
    return (sorted(_PLACEHOLDER.findall(text)), sorted(_MARKUP.findall(text)),
            text.count("&") - 2 * text.count("&&"))


def _forms_for_one_only(plural_expr: str, forms: int) -> set[int]:
    """The plural forms that only n == 1 selects. As msgfmt allows, such a form may
    leave the number out ("eine Minute" for "1 Minute", which espeak-ng would read
    "eins Minute"); a form that also serves 0, or 21, must keep it."""
    choose = gettext.c2py(plural_expr)
    numbers: dict[int, set[int]] = {form: set() for form in range(forms)}
    for n in range(1000):
        numbers[choose(n)].add(n)
    return {form for form, ns in numbers.items() if ns == {1}}


def _problems(po: Path) -> list[str]:
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=po.parent.parent.name)
    expected_forms = catalog.num_plurals
    for_one = _forms_for_one_only(catalog.plural_expr, expected_forms)
    form_of_one = gettext.c2py(catalog.plural_expr)(1)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        strings = (message.string if isinstance(message.string, (list, tuple))
                   else (message.string,))
        where = f"{po.parent.parent.name}: {ids[0]!r}"
        if "fuzzy" in message.flags or not all(strings):
            problems.append(f"{where}: not translated")
            continue
        if len(ids) > 1 and len(strings) != expected_forms:
            problems.append(f"{where}: {len(strings)} plural forms, the language has "
                            f"{expected_forms}")
        source = _signature(ids[-1])
        for form, string in enumerate(strings):
            placeholders, markup, _accelerators = _signature(string)
            faithful = (placeholders, markup) == source[:2]
            if len(ids) > 1 and form in for_one:  # may leave out the number, nothing else
                faithful = (set(placeholders) <= set(source[0])
                            and len(set(source[0]) - set(placeholders)) <= 1
                            and markup == source[1])
            elif len(ids) > 1 and form == form_of_one:  # or say what the English one says
                faithful = faithful or (placeholders, markup) == _signature(ids[0])[:2]
            if not faithful:
                problems.append(f"{where}: placeholders or markup differ: {string!r}")
            if "&" in ids[0] and _signature(string)[2] != _signature(ids[0])[2]:
                problems.append(f"{where}: keyboard accelerator (&) lost: {string!r}")
    return problems


def _catalogue(folder: Path, code: str, plural: str, messages: str) -> Path:
    """A catalogue of ``messages`` (.po entries) for ``code``, in ``folder``/``code``."""
    po = folder / code / "LC_MESSAGES" / "massage_timer.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        f'msgid ""\nmsgstr ""\n"Language: {code}\\n"\n'
        f'"Plural-Forms: nplurals=2; plural={plural};\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n\n' + messages,
        encoding="utf-8",
    )
    return po


def test_the_completeness_check_catches_each_kind_of_fault(tmp_path: Path) -> None:
    po = _catalogue(
        tmp_path, "xx", "(n != 1)",
        'msgid "untranslated"\nmsgstr ""\n\n'
        'msgid "Hello {name}"\nmsgstr "Hallo {nome}"\n\n'
        'msgid "<b>bold</b> %s"\nmsgstr "fett %s"\n\n'
        'msgid "&Quit"\nmsgstr "Beenden"\n\n'
        'msgid "{n} step"\nmsgid_plural "{n} steps"\nmsgstr[0] "{n} Schritt"\nmsgstr[1] ""\n\n'
        'msgid "{n} day"\nmsgid_plural "{n} days"\nmsgstr[0] "ein Tag"\nmsgstr[1] "Tage"\n\n'
        'msgid "{n} hour"\nmsgid_plural "{n} hours"\nmsgstr[0] "{n} {m} Stunde"\n'
        'msgstr[1] "{n} Stunden"\n\n'
        'msgid "{n} week of {name}"\nmsgid_plural "{n} weeks of {name}"\n'
        'msgstr[0] "eine Woche"\nmsgstr[1] "{n} Wochen von {name}"\n\n'
        'msgid "fine {x}"\nmsgstr "gut {x}"\n\n'
        'msgid "fine {n} minute"\nmsgid_plural "fine {n} minutes"\nmsgstr[0] "eine Minute"\n'
        'msgstr[1] "{n} Minuten"\n',
    )
    found = "\n".join(_problems(po))
    for fault in ("'untranslated': not translated", "'Hello {name}': placeholders",
                  "'<b>bold</b> %s': placeholders", "'&Quit': keyboard accelerator",
                  "'{n} step': not translated",
                  # Only the form for n == 1 may leave the number out, and add nothing.
                  "'{n} day': placeholders or markup differ: 'Tage'",
                  "'{n} hour': placeholders or markup differ: '{n} {m} Stunde'",
                  "'{n} week of {name}': placeholders or markup differ: 'eine Woche'"):
        assert fault in found
    assert "ein Tag" not in found
    assert "fine" not in found


def test_the_form_for_one_may_say_what_the_english_singular_says(tmp_path: Path) -> None:
    """French form 0 serves 0 and 1: it may leave the number out only where the English
    singular does ("about a minute"), and the form for many never may."""
    po = _catalogue(
        tmp_path, "fr", "(n > 1)",
        'msgid "{t} takes a minute"\nmsgid_plural "{t} takes {n} minutes"\n'
        'msgstr[0] "{t} dure une minute"\nmsgstr[1] "{t} dure {n} minutes"\n\n'
        'msgid "{n} day"\nmsgid_plural "{n} days"\n'
        'msgstr[0] "un jour"\nmsgstr[1] "{n} jours"\n\n'
        'msgid "a week"\nmsgid_plural "{n} weeks"\n'
        'msgstr[0] "une semaine"\nmsgstr[1] "des semaines"\n',
    )
    found = _problems(po)
    assert found == ["fr: '{n} day': placeholders or markup differ: 'un jour'",
                     "fr: 'a week': placeholders or markup differ: 'des semaines'"]


def test_a_form_that_also_serves_zero_keeps_the_number() -> None:
    french = "(n > 1)"  # form 0 is 0 and 1
    polish = ("(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)")
    assert _forms_for_one_only(french, 2) == set()
    assert _forms_for_one_only("(n != 1)", 2) == {0}
    assert _forms_for_one_only(polish, 3) == {0}


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: p.parent.parent.name)
def test_every_shipped_catalogue_is_complete_and_faithful(po: Path) -> None:
    assert _problems(po) == []


def test_the_template_is_up_to_date() -> None:
    """A message wrapped in the code but not extracted fails here: run ./dev i18n."""
    sys.path.insert(0, str(REPO / "packaging"))
    try:
        import catalogs
    finally:
        sys.path.pop(0)
    with catalogs.TEMPLATE.open("rb") as handle:
        committed = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    from babel.messages.extract import extract_from_dir

    extracted = {
        message if isinstance(message, str) else message[0]
        for _f, _l, message, _c, _ctx in extract_from_dir(
            str(catalogs.PACKAGE), method_map=[("**.py", "python")],
            keywords=catalogs.KEYWORDS)
    }
    assert extracted - committed == set(), "run ./dev i18n"


# -- the pseudo-locale -------------------------------------------------------------


def test_pseudo_keeps_placeholders_markup_and_accelerators_and_grows() -> None:
    text = "Start {name} in %s minutes, <b>now</b> & &Later"
    out = pseudo(text)
    assert _signature(out) == _signature(text)
    assert "Start" not in out and "Šţåŕţ" in out
    assert len(out) >= 1.35 * len(text)
    assert pseudo("") == ""


def test_the_pseudo_locale_stretches_routines_too() -> None:
    from massage_timer.core.storage.loader import load_library

    english = load_library(language="en")
    stretched = load_library(language=PSEUDO.code)
    assert [r.routine.id for r in stretched.routines] == [
        r.routine.id for r in sorted(english.routines, key=lambda r: pseudo(
            r.routine.title).casefold())]
    for loaded in stretched.routines:
        source = english.get(loaded.routine.id)
        assert source is not None and loaded.language == PSEUDO.code
        assert loaded.routine.title == pseudo(source.routine.title)
        # Only the words change (the get-ready time follows how long they take to say).
        assert [(s.work_seconds, s.sides, s.regions) for s in loaded.routine.steps] == [
            (s.work_seconds, s.sides, s.regions) for s in source.routine.steps]


# -- the running app ---------------------------------------------------------------


@pytest.fixture
def running(qtbot: QtBot, app_paths: AppPaths) -> Iterator[App]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    main = App(app, app_paths, audio=FakeAudio())
    yield main
    main.shutdown()
    main.deleteLater()


def _texts(widget: QWidget) -> list[str]:
    return [w.text() for w in widget.findChildren(QWidget) if hasattr(w, "text")
            and isinstance(w.text(), str) and w.text()]


def test_the_main_window_starts_in_the_pseudo_locale(
    qtbot: QtBot, app_paths: AppPaths
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    from massage_timer.core.model.settings import Settings
    from massage_timer.core.storage.settings_file import save_settings

    save_settings(app_paths.settings_file, Settings(language=PSEUDO.code))
    main = App(app, app_paths, audio=FakeAudio())
    try:
        assert TRANSLATOR.code == PSEUDO.code
        assert main.tray.menu.title() == pseudo("&Reminders")
        assert main.library.routines
        assert all(r.language == PSEUDO.code and r.routine.title.startswith("[")
                   for r in main.library.routines)
    finally:
        main.shutdown()
        main.deleteLater()


def test_a_language_change_applies_at_once_to_the_running_app(
    running: App, qtbot: QtBot
) -> None:
    """The open windows are not rebuilt: they hear QEvent.LanguageChange (the tray menu,
    which is also the main window's Reminders menu, sets its texts again)."""
    quit_action = running.tray.menu.findChild(QAction, "trayQuit")
    assert quit_action is not None and quit_action.text() == "&Quit"
    assert running.tray.menu.title() == "&Reminders"
    running.store.update(language="de")
    assert running.language == "de" and TRANSLATOR.code == "de"
    qtbot.waitUntil(lambda: running.tray.menu.title() == "Erinnerun&gen", timeout=2000)
    assert quit_action.text() == "&Beenden"
    assert QLocale().language() == QLocale.Language.German
    running.store.update(language="system")
    qtbot.waitUntil(lambda: running.tray.menu.title() == "&Reminders", timeout=2000)
    assert quit_action.text() == "&Quit"


def test_a_session_finishes_in_its_language(running: App, qtbot: QtBot) -> None:
    running.start_session("desk-micro-break")
    flow = running.sessions.flow
    assert flow is not None
    running.store.update(language="de")
    assert TRANSLATOR.code == SOURCE, "not during the session"
    assert flow.checklist is not None
    flow.checklist.reject()
    assert TRANSLATOR.code == "de"
    qtbot.waitUntil(lambda: running.tray.menu.title() == "Erinnerun&gen", timeout=2000)


def test_right_to_left_languages_turn_the_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    from massage_timer.core.model import language as model

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    monkeypatch.setitem(model.LANGUAGES, "ar", model.Language("ar", "العربية", "ar",
                                                               right_to_left=True))
    assert apply_language(app, "ar") == "ar"
    assert app.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert apply_language(app, "en") == "en"
    assert app.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_a_session_is_shown_and_spoken_in_the_routine_language(
    qtbot: QtBot, app_paths: AppPaths
) -> None:
    from test_loader import write
    from test_translations import GERMAN, _in_file

    write(app_paths.user_routines_dir, "mine.toml", _in_file(GERMAN))
    broken = _in_file(GERMAN.split("[steps.glides]")[0]).replace(
        'id = "my-routine"', 'id = "half"').replace('title = "My routine"', 'title = "Half"')
    write(app_paths.user_routines_dir, "half.toml", broken)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    audio = FakeAudio()
    main = App(app, app_paths, audio=audio)
    try:
        main.store.update(language="de")
        mine, half = main.library.get("my-routine"), main.library.get("half")
        assert mine is not None and half is not None
        assert (mine.language, mine.routine.title) == ("de", "Meine Routine")
        assert half.fell_back and half.routine.title == "Half"
        main.start_session("my-routine")
        assert audio.languages[-1] == "de"
        flow = main.sessions.flow
        assert flow is not None and flow.checklist is not None
        flow.checklist.reject()
    finally:
        main.shutdown()
        main.deleteLater()


def test_the_startup_notice_names_routines_shown_in_english(
    qtbot: QtBot, app_paths: AppPaths
) -> None:
    from test_loader import write
    from test_translations import GERMAN, _in_file

    write(app_paths.user_routines_dir, "half.toml",
          _in_file(GERMAN.split("[steps.glides]")[0]))
    use_language("de")
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    from massage_timer.core.model.settings import Settings
    from massage_timer.core.storage.settings_file import save_settings

    save_settings(app_paths.settings_file, Settings(language="de"))
    main = App(app, app_paths, audio=FakeAudio())
    try:
        # The notice in German ("auf Englisch angezeigt"), naming the routine.
        assert any("My routine" in n and "Englisch" in n for n in main.notices)
    finally:
        main.shutdown()
        main.deleteLater()


def test_the_right_to_left_pseudo_locale_mirrors_the_app(
    qtbot: QtBot, app_paths: AppPaths
) -> None:
    """``ar_XB``: the layout runs right to left and every message and routine text is
    forced right to left, so a window that does not mirror shows at a glance."""
    from massage_timer.core.model.language import PSEUDO_RTL, resolve
    from massage_timer.core.model.settings import Settings
    from massage_timer.core.storage.settings_file import save_settings

    assert negotiate({"LANGUAGE": "ar_XB"}) == "ar_XB"
    assert resolve("ar_XB", {}) == "ar_XB"
    save_settings(app_paths.settings_file, Settings(language=PSEUDO_RTL.code))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    main = App(app, app_paths, audio=FakeAudio())
    try:
        assert TRANSLATOR.code == "ar_XB"
        assert app.layoutDirection() == Qt.LayoutDirection.RightToLeft
        assert main.window.layoutDirection() == Qt.LayoutDirection.RightToLeft
        title = main.tray.menu.title()
        assert title.startswith("\u202e[") and title.endswith("]\u202c")
        assert all(r.routine.title.startswith("\u202e[") for r in main.library.routines)
    finally:
        main.shutdown()
        main.deleteLater()
        apply_language(app, "en")
    assert app.layoutDirection() == Qt.LayoutDirection.LeftToRight


def test_no_message_is_hidden_inside_an_f_string() -> None:
    """Babel does not look inside f-strings: ``f"{_('Back')}"`` never reaches the
    template, so the text stays English in every language."""
    import ast

    package = Path(__file__).resolve().parent.parent / "massage_timer"
    hidden = []
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for inner in ast.walk(node):
                if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name)
                        and inner.func.id in {"_", "N_", "ngettext", "pgettext"}):
                    hidden.append(f"{path.relative_to(package)}:{inner.lineno}")
    assert hidden == []


def test_the_pseudo_locales_stretch_the_checklist_too() -> None:
    from massage_timer.core.model.pseudo import pseudo_rtl
    from massage_timer.core.storage.checklist_file import load_checklist

    source = load_checklist(language="en")
    for code, transform in (("en_XA", pseudo), ("ar_XB", pseudo_rtl)):
        shown = load_checklist(language=code)
        assert [i.id for i in shown.items] == [i.id for i in source.items]
        assert shown.version == source.version
        assert shown.items[0].question == transform(source.items[0].question)
        assert shown.advice == transform(source.advice)
        assert shown.rules == tuple(transform(r) for r in source.rules)


def test_starting_the_catalogue_of_a_shipped_language_is_refused() -> None:
    """docs/translating.md said `catalogs.py init fr`: French is shipped, and init wrote
    an empty catalogue over its translations."""
    sys.path.insert(0, str(REPO / "packaging"))
    try:
        import catalogs
    finally:
        sys.path.pop(0)
    po = catalogs.LOCALE / "fr" / "LC_MESSAGES" / f"{catalogs.DOMAIN}.po"
    before = po.read_bytes()
    with pytest.raises(FileExistsError, match="exists"):
        catalogs.init("fr")
    assert po.read_bytes() == before
