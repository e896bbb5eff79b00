"""Settings, reminders, the tray, the routine actions and the background hint speak the
current language: every text passes through gettext (checked in the pseudo-locale) and
follows a language change while the window is open."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from large_text import large_text
from PySide6.QtCore import QEvent, QLocale
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QStyle,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot
from test_live_settings import FakeAudio
from untranslated import untranslated

from massage_timer.core.model import regions
from massage_timer.core.model.busy import BusyReason
from massage_timer.core.model.language import PSEUDO, SOURCE
from massage_timer.core.model.pseudo import pseudo
from massage_timer.core.model.settings import Settings
from massage_timer.core.storage.catalogs import shipped_languages
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.settings_store import SettingsStore
from massage_timer.ui.desktop.background import BACKGROUND_HINT_NO_TRAY, CloseToBackground
from massage_timer.ui.desktop.language import apply_language
from massage_timer.ui.desktop.tray import ReminderTray
from massage_timer.ui.editor.editor import RoutineEditor
from massage_timer.ui.editor.library_actions import RoutineActions
from massage_timer.ui.editor.region_picker import RegionPicker
from massage_timer.ui.reminders.busy import BusyDetector, Detector
from massage_timer.ui.reminders.prompt import ReminderPrompt
from massage_timer.ui.settings.settings_dialog import SettingsDialog
from massage_timer.ui.settings.voice_preview import PREPARING
from massage_timer.ui.wiring import App

VOICES = [("voice-1", "Anna (German)"), ("voice-2", "Ben (English)")]
ROUTINES = [("desk-micro-break", "Desk micro-break"), ("wall", "Wall release")]


def _qapp() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app


@pytest.fixture
def pseudo_locale() -> Iterator[None]:
    """The pseudo-locale for the test, English again after it."""
    apply_language(_qapp(), PSEUDO.code)
    yield
    apply_language(_qapp(), SOURCE)


def _switch(code: str) -> None:
    """Change the language as the app does when the setting changes (windows stay open),
    and let the posted LanguageChange reach every window."""
    apply_language(_qapp(), code)
    QApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)


def _locale_days() -> set[str]:
    """Day names are the locale's data (Qt's), not messages of ours."""
    locale = QLocale()
    return {locale.dayName(d, f) for d in range(1, 8)
            for f in (QLocale.FormatType.ShortFormat, QLocale.FormatType.LongFormat)}


def _settings_data() -> Callable[[str], bool]:
    """What the Settings dialog shows that is data: voice and routine names, language
    endonyms, the routine id of the default setting, the locale's day names, and the
    tab bar's scroll buttons (Qt's own, translated by Qt's catalogue)."""
    data = {name for _id, name in VOICES + ROUTINES} | _locale_days()
    data |= {lang.name for lang in shipped_languages()}
    data |= {Settings().reminder_routine_id, "Scroll Left", "Scroll Right"}
    return lambda text: text in data


def _settings_dialog(qtbot: QtBot, asked: list[int] | None = None) -> SettingsDialog:
    def offered() -> list[str]:
        if asked is not None:
            asked.append(1)
        detector = BusyDetector(Settings, [
            Detector(BusyReason.DO_NOT_DISTURB, "Notifications.Inhibited (D-Bus)",
                     lambda: False)])
        return detector.offered()

    dialog = SettingsDialog(Settings(), voices=VOICES, routines=ROUTINES,
                            autostart_supported=False, busy_signals=offered)
    qtbot.addWidget(dialog)
    return dialog


def _show_problem(dialog: SettingsDialog) -> QLabel:
    """Leave no active day and press Save: the dialog shows its error message."""
    for box in dialog.day_boxes:
        box.setChecked(False)
    dialog.accept()
    error = dialog.findChild(QLabel, "settingsError")
    assert error is not None and not error.isHidden()
    return error


def test_every_text_of_the_settings_dialog_is_translatable(
    qtbot: QtBot, pseudo_locale: None
) -> None:
    dialog = _settings_dialog(qtbot)
    dialog.show()
    error = _show_problem(dialog)
    assert error.text() == pseudo("Choose at least one active day.")
    assert dialog.windowTitle() == pseudo("Settings")
    assert dialog.voice_rate.suffix() == pseudo(" words/min")
    note = "\n".join(label.text() for label in dialog.findChildren(QLabel))
    assert pseudo("Works on Windows, macOS, and Linux desktops that offer the screen-saver "
                  "inhibit service (GNOME, KDE Plasma, Xfce, Cinnamon, MATE). Elsewhere "
                  "the screen may still dim.") in note
    assert pseudo("Meeting mode: from the tray or the Reminders menu") in note
    assert untranslated(dialog, ignore=_settings_data()) == []


def test_the_settings_dialog_follows_a_language_change_while_open(qtbot: QtBot) -> None:
    asked: list[int] = []
    dialog = _settings_dialog(qtbot, asked)
    dialog.show()
    error = _show_problem(dialog)
    tabs = dialog.findChild(QWidget, "settingsTabs")
    assert dialog.windowTitle() == "Settings" and error.text() == "Choose at least one active day."
    assert tabs is not None and tabs.tabText(2) == "&Reminders"  # type: ignore[attr-defined]
    assert dialog.theme.itemText(1) == "Light"
    asked_before = len(asked)

    _switch(PSEUDO.code)
    assert dialog.windowTitle() == pseudo("Settings")
    assert tabs.tabText(2) == pseudo("&Reminders")  # type: ignore[attr-defined]
    assert dialog.theme.itemText(1) == pseudo("Light")
    assert dialog.voice_name.itemText(0) == pseudo("System default")
    assert error.text() == pseudo("Choose at least one active day.")
    assert len(asked) > asked_before  # the desktop's signals are named again
    assert untranslated(dialog, ignore=_settings_data()) == []
    # What the person chose is untouched by the change.
    assert not any(box.isChecked() for box in dialog.day_boxes)
    assert dialog.voice_name.currentData() == ""

    _switch(SOURCE)
    assert dialog.windowTitle() == "Settings" and tabs.tabText(2) == "&Reminders"  # type: ignore[attr-defined]
    assert error.text() == "Choose at least one active day."


def test_the_reminder_prompt_is_translatable_and_follows_a_change(qtbot: QtBot) -> None:
    prompt = ReminderPrompt()
    qtbot.addWidget(prompt)
    prompt.set_reason(90, "Wall release", 3)
    prompt.set_snooze_minutes(5)
    reason = prompt.findChild(QLabel, "reminderReason")
    assert reason is not None
    assert reason.text() == ("You have been at the desk for 90 minutes. Wall release "
                             "(3\u00a0min) loosens the neck and shoulders.")

    _switch(PSEUDO.code)
    assert untranslated(prompt, ignore=lambda text: text == "Wall release") == []
    assert prompt.windowTitle() == pseudo("Time for a posture break")
    assert prompt.snooze_button.text() == pseudo("Snooze {minutes} min").format(minutes=5)
    assert pseudo("You have been at the desk for {count} minutes.").format(count=90) \
        in reason.text()
    assert "Wall release" in reason.text()

    _switch(SOURCE)
    assert prompt.skip_button.text() == "Skip"
    assert reason.text().startswith("You have been at the desk for 90 minutes.")


def test_the_prompt_counts_hours_and_minutes_in_words(qtbot: QtBot) -> None:
    prompt = ReminderPrompt()
    qtbot.addWidget(prompt)
    reason = prompt.findChild(QLabel, "reminderReason")
    assert reason is not None
    for minutes, since in ((60, "for an hour."), (120, "for 2 hours."),
                           (1, "for a minute."), (45, "for 45 minutes.")):
        prompt.set_reason(minutes, None, 2)
        assert f"at the desk {since} Desk micro-break (2\u00a0min)" in reason.text()


def test_the_tray_menu_is_translatable(qtbot: QtBot, pseudo_locale: None) -> None:
    tray = ReminderTray(tray_available=False)
    store = SettingsStore(Settings(
        meeting_until=datetime.now().astimezone() + timedelta(minutes=30)))
    tray.follow(store)
    tray.set_status("")
    qtbot.addWidget(tray.menu)
    assert untranslated(tray.menu) == []


def test_the_routine_actions_are_translatable_and_follow_a_change(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    actions = RoutineActions(window)
    window.menuBar().addMenu(actions.menu)
    window.setCentralWidget(actions.bar)
    assert actions.menu.title() == "R&outine" and actions.new_button.text() == "&New"

    _switch(PSEUDO.code)
    assert actions.menu.title() == pseudo("R&outine")
    assert actions.edit_button.toolTip() == pseudo("Change this routine")
    assert untranslated(actions.bar) == [] and untranslated(actions.menu) == []

    _switch(SOURCE)
    assert actions.new_action.text() == "&New routine…"
    assert actions.duplicate_button.accessibleName() == "Duplicate to edit"


def test_the_background_hint_is_translated(qtbot: QtBot, pseudo_locale: None) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.show()
    store = SettingsStore(Settings(reminders_enabled=True))
    CloseToBackground(window, ReminderTray(tray_available=False), store,
                      quit_app=lambda: None, quitting=lambda: False, before=lambda: None)
    window.close()
    box = window.findChild(QMessageBox, "backgroundHint")
    assert box is not None
    assert box.text() == pseudo(BACKGROUND_HINT_NO_TRAY)
    assert store.settings.shown_background_hint


def test_busy_reasons_and_signals_are_translated(pseudo_locale: None) -> None:
    detector = BusyDetector(Settings, [
        Detector(BusyReason.MICROPHONE, "PulseAudio/PipeWire source outputs (pactl)",
                 lambda: False)])
    first, second = detector.offered()
    assert first == pseudo("Meeting mode: from the tray or the Reminders menu")
    assert second == pseudo("{signal}: {source}").format(
        signal=pseudo("Microphone in use"),
        source=pseudo("PulseAudio/PipeWire source outputs (pactl)"))
    assert BusyReason.MICROPHONE.label == pseudo("the microphone is in use")
    assert PREPARING == "Preparing the sample…"  # marked, translated where shown


ROUTINE_DATA = {"title": "My neck", "steps": [
    {"title": "Glide", "kind": "hold", "seconds": "abc", "optional": True}]}
"""A routine with problems: the editor shows its most text (marks, problems)."""


def _outside_diagram(found: list[str]) -> list[str]:
    """The body diagram (ui/diagram.py, shared with the library and the player) is
    wrapped with them; Qt's tab scroll buttons are translated by Qt's catalogue."""
    return [f for f in found if not f.startswith("regionDiagram.")
            and f not in ("ScrollLeftButton.accessibleName: 'Scroll Left'",
                          "ScrollRightButton.accessibleName: 'Scroll Right'")]


def test_every_text_of_the_routine_editor_is_translatable(
    qtbot: QtBot, tmp_path: Path, pseudo_locale: None
) -> None:
    editor = RoutineEditor(ROUTINE_DATA, folder=tmp_path)
    qtbot.addWidget(editor)
    editor.show()
    editor.tabs.setCurrentIndex(1)
    titles = {"My neck", "Glide"}
    assert _outside_diagram(untranslated(editor, ignore=lambda t: t in titles)) == []
    assert editor.step_list.item(0).text() == "⚠ " + pseudo(
        "{number}. {title} ({kind}, {length}, optional)").format(
        number=1, title="\u2068Glide\u2069", kind=pseudo("Hold"), length="?")
    assert editor.windowTitle().endswith(pseudo("{title} — Routine editor").format(
        title="My neck"))


def test_the_routine_editor_follows_a_language_change_while_open(
    qtbot: QtBot, tmp_path: Path
) -> None:
    editor = RoutineEditor(ROUTINE_DATA, folder=tmp_path)
    qtbot.addWidget(editor)
    editor.show()
    assert editor.tabs.tabText(1) == "S&teps" and editor.add_step.text() == "&Add step"
    assert editor.step_list.item(0).text() == "⚠ 1. \u2068Glide\u2069 (Hold, ?, optional)"
    flag = editor.findChild(QCheckBox, "field_optional")
    assert flag is not None and flag.text() == "Optional step"

    _switch(PSEUDO.code)
    assert editor.tabs.tabText(1) == pseudo("S&teps")
    assert editor.add_step.text() == pseudo("&Add step")
    assert editor.add_step.toolTip() == pseudo("Add a step after this one")
    assert editor.step_list.item(0).text() == "⚠ " + pseudo(
        "{number}. {title} ({kind}, {length}, optional)").format(
        number=1, title="\u2068Glide\u2069", kind=pseudo("Hold"), length="?")
    assert flag.text() == pseudo("Optional step")
    assert editor.windowTitle().endswith(pseudo("{title} — Routine editor").format(
        title="My neck"))
    assert _outside_diagram(untranslated(editor, ignore=lambda t: t in {"My neck", "Glide"})) \
        == []

    _switch(SOURCE)
    assert editor.add_step.text() == "&Add step" and flag.text() == "Optional step"
    assert editor.step_list.item(0).text() == "⚠ 1. \u2068Glide\u2069 (Hold, ?, optional)"


def test_the_region_picker_says_why_in_the_current_language(qtbot: QtBot) -> None:
    picker = RegionPicker("regions")
    qtbot.addWidget(picker)
    picker.toggle("avoid-front-of-neck")
    assert picker.message.text().endswith(": this zone cannot be chosen.")
    items = [picker.list.item(i).text() for i in range(picker.list.count())]
    assert any(text.startswith("Never: ") and text.endswith("(side view)") for text in items)

    _switch(PSEUDO.code)
    assert picker.message.text() == pseudo("{why}: this zone cannot be chosen.").format(
        why=pseudo(regions.AVOID_ZONES["avoid-front-of-neck"][0]))
    assert picker.list.accessibleName() == pseudo(
        "{field}: check the regions to work on").format(field=pseudo("Re&gions")
                                                        .replace("&", ""))
    items = [picker.list.item(i).text() for i in range(picker.list.count())]
    assert all(text.startswith("[") for text in items)


def _settings_pages(qtbot: QtBot) -> Iterator[tuple[int, QScrollArea]]:
    """The Settings dialog, shown, each of its pages in turn."""
    dialog = _settings_dialog(qtbot)
    dialog.show()
    qtbot.waitExposed(dialog)
    tabs = dialog.findChild(QTabWidget, "settingsTabs")
    assert tabs is not None
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        area = tabs.currentWidget()
        assert isinstance(area, QScrollArea) and area.widget() is not None
        QApplication.sendPostedEvents()
        yield index, area


def test_no_settings_page_scrolls_sideways_in_a_long_language(
    qtbot: QtBot, pseudo_locale: None
) -> None:
    """A check box does not wrap: the dialog grows wider for it (the screen allows)."""
    for index, area in _settings_pages(qtbot):
        assert area.viewport().width() >= area.widget().minimumSizeHint().width(), index


@pytest.mark.parametrize("code", ["es", "pt_BR"])
def test_every_settings_page_fits_beside_a_vertical_scroll_bar(qtbot: QtBot, code: str) -> None:
    """At large text a page scrolls up and down on a short screen: the dialog is
    wide enough for its widest row and that scroll bar, so none scrolls sideways
    too (Spanish and Portuguese once did, on the Reminders page)."""
    with large_text():
        _switch(code)
        for index, area in _settings_pages(qtbot):
            extent = area.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, area)
            beside = area.width() - 2 * area.frameWidth() - extent
            assert beside >= area.widget().minimumSizeHint().width(), (code, index)
            assert area.horizontalScrollBar().maximum() == 0, (code, index)
    _switch(SOURCE)


def test_the_reminder_status_line_follows_a_language_change(
    qtbot: QtBot, app_paths: AppPaths
) -> None:
    """The tray's "Next reminder at ..." line is computed text: it is said again."""
    main = App(_qapp(), app_paths, audio=FakeAudio())
    try:
        main.store.update(reminders_enabled=True)
        main.finish_startup()
        status = main.tray.menu.findChild(QAction, "trayNextReminder")
        assert status is not None
        assert status.text().startswith("Next reminder at ")
        main.store.update(language=PSEUDO.code)
        qtbot.waitUntil(lambda: status.text().startswith(
            pseudo("Next reminder at {time}")[:6]), timeout=2000)
        assert main.reminders.service.status == status.text()
        main.store.update(language="system")
        qtbot.waitUntil(lambda: status.text().startswith("Next reminder at "), timeout=2000)
    finally:
        main.shutdown()
        main.deleteLater()


def test_the_library_diagram_keeps_its_own_name_through_a_language_change(
    qtbot: QtBot,
) -> None:
    """The library's diagram is named for what it shows; a language change renamed it
    the generic "Body diagram" a moment after the library had named it."""
    from massage_timer.core.storage.loader import load_library
    from massage_timer.ui.diagram import DiagramView
    from massage_timer.ui.library.routine_detail import RoutineDetail

    detail = RoutineDetail()
    qtbot.addWidget(detail)
    detail.show_routine(load_library().routines[0], include_optional=False)
    diagram = detail.findChild(DiagramView)
    assert diagram is not None
    assert diagram.accessibleName() == "Diagram of the areas this routine works on"
    _switch(PSEUDO.code)
    try:
        assert diagram.accessibleName() == pseudo("Diagram of the areas this routine works on")
    finally:
        _switch(SOURCE)
    assert diagram.accessibleName() == "Diagram of the areas this routine works on"


def test_the_region_list_follows_a_language_and_a_theme_change(qtbot: QtBot) -> None:
    """The region list kept the old language's alphabetical order, and its avoid zones
    the light theme's red on a dark list (2.7:1)."""
    from PySide6.QtCore import Qt

    from massage_timer.core.model.regions import AVOID_ZONES
    from massage_timer.ui.editor.region_picker import RegionIdRole
    from massage_timer.ui.theme import Accent, ThemeController, accent

    app = _qapp()
    theme = ThemeController(app, "light", 1.0)
    picker = RegionPicker("regions")
    qtbot.addWidget(picker)
    picker.set_value(["upper-trapezius-left"])

    def rows() -> list[tuple[str, str, bool]]:
        items = [picker.list.item(r) for r in range(picker.list.count())]
        return [(str(i.data(RegionIdRole)), i.text(),
                 i.checkState() == Qt.CheckState.Checked) for i in items]

    def zones_colour() -> set[str]:
        return {picker.list.item(r).foreground().color().name()
                for r in range(picker.list.count())
                if picker.list.item(r).data(RegionIdRole) in AVOID_ZONES}

    assert zones_colour() == {accent(Accent.DANGER, app.palette()).name()}
    try:
        theme.set_mode("dark")
        dark = accent(Accent.DANGER, app.palette()).name()
        qtbot.waitUntil(lambda: zones_colour() == {dark}, timeout=1000)
        _switch("de")
        regions_shown = [text for rid, text, _checked in rows() if rid not in AVOID_ZONES]
        assert regions_shown == sorted(regions_shown, key=str.casefold)
        assert [rid for rid, _text, checked in rows() if checked] == ["upper-trapezius-left"]
        assert picker.value() == ["upper-trapezius-left"]
        assert zones_colour() == {dark}
    finally:
        _switch(SOURCE)
        theme.set_mode("light")
