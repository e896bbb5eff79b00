"""The Settings dialog: every user-facing setting, in four tabs, keyboard operable.

It edits a copy and returns a new :class:`Settings` (validated by the model), so the
caller decides when to save and what to apply. Settings the user does not edit here
(window geometry, the pause, the one-time hint) pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QLocale, Qt, QTime
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStyle,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from massage_timer import APP_DISPLAY_NAME
from massage_timer.core.model.language import N_, _, ngettext, pgettext
from massage_timer.core.model.settings import BOUNDS, MAX_BUSY_PROGRAMS, Settings, replace
from massage_timer.core.storage.catalogs import shipped_languages
from massage_timer.ui.plain import PlainLabel
from massage_timer.ui.screen_fit import available_area, client_area, fit_window, place_inside
from massage_timer.ui.theme import Accent, accent

if TYPE_CHECKING:
    from massage_timer.ui.settings.voice_preview import VoicePreview

SCREEN_AWAKE_NOTE = N_(
    "Works on Windows, macOS, and Linux desktops that offer the screen-saver inhibit "
    "service (GNOME, KDE Plasma, Xfce, Cinnamon, MATE). Elsewhere the screen may still dim."
)
AUTOSTART_NOTE_OTHER = N_("On this system, add {app} to the login items yourself.")
NO_BUSY_SIGNALS = N_("Meeting mode only (no desktop signals found)")


def _unusable(programs: tuple[str, ...]) -> bool:
    """Too many programs, or one that is not a plain name (the busy check looks for
    process names, never paths)."""
    return len(programs) > MAX_BUSY_PROGRAMS or any(
        "/" in p or len(p) > 64 or not p.isprintable() for p in programs)


def _scrolling(page: QWidget) -> QScrollArea:
    """A tab page that scrolls when the screen is smaller than the page."""
    area = QScrollArea()
    area.setObjectName(f"{page.objectName() or 'settingsPage'}Scroll")
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    # No Tab stop of its own (a nameless one): Tab goes to the controls inside, which
    # it scrolls to.
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return area


class SettingsDialog(QDialog):
    """Edit the settings; :meth:`settings` gives the result after ``exec()`` accepts."""

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        voices: Sequence[tuple[str, str]] = (),
        routines: Sequence[tuple[str, str]] = (),
        autostart_supported: bool = True,
        busy_signals: Sequence[str] | Callable[[], Sequence[str]] = (),
        screen_awake_note: str = SCREEN_AWAKE_NOTE,
        preview: VoicePreview | None = None,
    ) -> None:
        """``voices`` are those known already; ``preview``, when given, lists the rest
        as its speech worker finds them and plays the sample (see voice_preview);
        ``busy_signals`` says how this desktop's busy signals are read, one line each
        (a callable is asked again when the language changes); ``screen_awake_note``
        is a message marked with ``N_``, translated where shown."""
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self._original = settings
        self._result = settings
        self._notes: list[QLabel] = []
        self._forms: list[QFormLayout] = []
        self._preview = preview
        self._screen_awake_note = screen_awake_note
        self._busy_signals = busy_signals
        self._autostart_supported = autostart_supported
        self._texts: list[tuple[Callable[[str], None], Callable[[], str]]] = []
        """(setter, text): every fixed text, set again when the language changes."""

        self._tabs = QTabWidget(self)
        self._tabs.setObjectName("settingsTabs")
        self._tabs.addTab(_scrolling(self._voice_tab(voices)), "")
        self._tabs.addTab(_scrolling(self._session_tab()), "")
        self._tabs.addTab(
            _scrolling(self._reminders_tab(routines, autostart_supported)), "")
        self._tabs.addTab(_scrolling(self._appearance_tab()), "")

        self._error = PlainLabel(self)
        self._error.setObjectName("settingsError")
        self._error.setWordWrap(True)
        self._error.hide()
        # Own buttons, not standard ones: Qt would set a standard button's text back to
        # its own on every language change.
        self._buttons = QDialogButtonBox(self)
        self._buttons.setObjectName("settingsButtons")
        self._ok = self._buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self._cancel = self._buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self._defaults = self._buttons.addButton("", QDialogButtonBox.ButtonRole.ResetRole)
        for button, name in ((self._ok, "settingsOk"), (self._cancel, "settingsCancel"),
                             (self._defaults, "settingsDefaults")):
            button.setObjectName(name)
        self._ok.setDefault(True)
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        self._defaults.clicked.connect(self._on_restore_defaults)
        layout = QVBoxLayout(self)
        layout.addWidget(self._tabs)
        layout.addWidget(self._error)
        layout.addWidget(self._buttons)
        self._load(settings)
        self._on_voice_toggled()
        self._on_reminders_toggled()
        self._retranslate()
        self._restyle()
        self._connect_preview()

    def _retranslate(self) -> None:
        """Every text of the dialog in the current language (also while it is open)."""
        self.setWindowTitle(_("Settings"))
        self.setAccessibleName(_("Settings"))
        self._tabs.setAccessibleName(_("Settings sections"))
        for index, text in enumerate((
            _("&Voice && sounds"), _("S&ession"), _("&Reminders"), _("&Appearance"),
        )):
            self._tabs.setTabText(index, text)
        for button, text, accessible in (
            (self._ok, _("&Save"), _("Save settings")),
            (self._cancel, _("&Cancel"), _("Cancel")),
            (self._defaults, _("Restore &defaults"), _("Restore defaults")),
        ):
            button.setText(text)
            button.setAccessibleName(accessible)
        for setter, message in self._texts:
            setter(message())
        locale = QLocale()
        for day, box in enumerate(self.day_boxes, start=1):
            box.setText(locale.dayName(day, QLocale.FormatType.ShortFormat))
            box.setAccessibleName(locale.dayName(day, QLocale.FormatType.LongFormat))
        time_format = locale.timeFormat(QLocale.FormatType.ShortFormat)
        for edit in (self.active_start, self.active_end):
            edit.setLocale(locale)  # a widget keeps the locale it was made with
            edit.setDisplayFormat(time_format)
        self.keep_screen_awake.setAccessibleDescription(_(self._screen_awake_note))
        self._busy_note.setText(self._offered_text())
        if self._preview is not None:
            self._preview.restate()
        if not self._error.isHidden():
            problem = self._problem()
            self._error.setText(problem[0] if problem is not None else "")

    def _offered_text(self) -> str:
        offered = self._busy_signals
        lines = list(offered() if callable(offered) else offered) or [_(NO_BUSY_SIGNALS)]
        # TRANSLATORS: followed by one line per desktop signal, e.g. "Do not disturb: ..."
        return _("This desktop offers:\n{signals}").format(signals="\n".join(lines))

    def _text(self, setter: Callable[[str], None], text: Callable[[], str]) -> None:
        """Remember ``setter(text())``: done now by :meth:`_retranslate`, and again on a
        language change."""
        self._texts.append((setter, text))

    # -- building -------------------------------------------------------------

    def _page(self, name: str) -> tuple[QWidget, QFormLayout]:
        page = QWidget(self)
        page.setObjectName(name)
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._forms.append(form)
        return page, form

    def _check(self, name: str, text: Callable[[], str],
               accessible: Callable[[], str] | None = None) -> QCheckBox:
        box = QCheckBox(self)
        box.setObjectName(name)
        self._text(box.setText, text)
        self._text(box.setAccessibleName, accessible or (lambda: text().replace("&", "")))
        return box

    def _spin(self, name: str, accessible: Callable[[], str], field: str,
              suffix: Callable[[], str], step: int = 1, *, scale: int = 1) -> QSpinBox:
        """A spin box over the model's bounds of ``field`` (times ``scale``, e.g. 100 for %)."""
        low, high = BOUNDS[field]
        spin = QSpinBox(self)
        spin.setObjectName(name)
        self._text(spin.setAccessibleName, accessible)
        spin.setRange(round(low * scale), round(high * scale))
        spin.setSingleStep(step)
        self._text(spin.setSuffix, suffix)
        return spin

    def _combo(self, name: str, accessible: Callable[[], str],
               items: Sequence[tuple[str, Callable[[], str]]] = ()) -> QComboBox:
        """A combo box whose first items are messages (data items are added after)."""
        combo = QComboBox(self)
        combo.setObjectName(name)
        self._text(combo.setAccessibleName, accessible)
        for index, (value, label) in enumerate(items):
            combo.addItem("", value)
            self._text(partial(combo.setItemText, index), label)
        return combo

    def _note(self, text: Callable[[], str] | None = None) -> QLabel:
        label = PlainLabel(self)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        if text is not None:
            self._text(label.setText, text)
        self._notes.append(label)
        return label

    def _label(self, text: Callable[[], str], parent: QWidget | None = None,
               buddy: QWidget | None = None) -> QLabel:
        label = PlainLabel(parent or self)
        self._text(label.setText, text)
        if buddy is not None:
            label.setBuddy(buddy)
        return label

    def _row(self, form: QFormLayout, text: Callable[[], str], field: QWidget) -> None:
        form.addRow(self._label(text, field.parentWidget(), field), field)

    def _voice_tab(self, voices: Sequence[tuple[str, str]]) -> QWidget:
        page, form = self._page("settingsVoicePage")
        self.voice_enabled = self._check("voiceEnabled", lambda: _("Speak the instructions aloud"))
        self.voice_name = self._combo("voiceName", lambda: _("Voice"),
                                      [("", lambda: _("System default"))])
        for value, label in voices:
            self.voice_name.addItem(label, value)
        self.voice_rate = self._spin(
            "voiceRate", lambda: _("Speaking rate in words per minute"), "voice_rate",
            # TRANSLATORS: after the number in a spin box: "150 words/min"; keep the space.
            lambda: pgettext("spin box suffix", " words/min"), 10)
        self.voice_volume = self._spin(
            "voiceVolume", lambda: _("Voice volume in percent"), "voice_volume",
            # TRANSLATORS: after the number in a spin box: "80 %"; keep the space if usual.
            lambda: pgettext("spin box suffix", " %"), 5, scale=100)
        self.count_aloud = self._check("countAloud", lambda: _("Count the strokes aloud"))
        self.halfway_cue = self._check("halfwayCue",
                                       lambda: _("Say when a step is halfway through"))
        self.tones_enabled = self._check("tonesEnabled", lambda: _("Play tones between steps"))
        # One width whether the voices are there at the first show or arrive after it.
        self.voice_name.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.voice_name.setMinimumContentsLength(24)
        self.voice_preview = QPushButton(self)
        self.voice_preview.setObjectName("voicePreview")
        # TRANSLATORS: a button: play a sample sentence in the chosen voice.
        self._text(self.voice_preview.setText, lambda: _("&Preview"))
        self._text(self.voice_preview.setAccessibleName, lambda: _("Preview the voice"))
        self._text(self.voice_preview.setToolTip,
                   lambda: _("Hear a sample sentence in this voice at this rate"))
        self.voice_preview.setAutoDefault(False)
        self.voice_preview_status = PlainLabel(self)
        self.voice_preview_status.setObjectName("voicePreviewStatus")
        self._text(self.voice_preview_status.setAccessibleName,
                   lambda: _("Voice preview status"))
        self.voice_preview_status.setWordWrap(True)
        self.voice_preview_status.setTextFormat(Qt.TextFormat.PlainText)
        self.voice_preview_status.hide()
        self.voice_enabled.toggled.connect(self._on_voice_toggled)
        form.addRow(self.voice_enabled)
        voice_row = QWidget(page)
        voice_layout = QHBoxLayout(voice_row)
        voice_layout.setContentsMargins(0, 0, 0, 0)
        voice_layout.addWidget(self.voice_name)
        voice_layout.addWidget(self.voice_preview)
        form.addRow(self._label(lambda: _("Vo&ice:"), page, self.voice_name), voice_row)
        self._row(form, lambda: _("Speaking ra&te:"), self.voice_rate)
        self._row(form, lambda: _("Vo&lume:"), self.voice_volume)
        form.addRow(self.voice_preview_status)
        form.addRow(self.count_aloud)
        form.addRow(self.halfway_cue)
        form.addRow(self.tones_enabled)
        # Made after the rest of the tab, Preview follows the voice it previews.
        QWidget.setTabOrder(self.voice_name, self.voice_preview)
        QWidget.setTabOrder(self.voice_preview, self.voice_rate)
        return page

    def _session_tab(self) -> QWidget:
        page, form = self._page("settingsSessionPage")
        self.include_optional_steps = self._check(
            "includeOptionalSteps", lambda: _("Include optional steps in routines"))
        self.keep_screen_awake = self._check(
            "keepScreenAwake",
            lambda: _("Keep the screen awake during a session (where the system allows)"),
            lambda: _("Keep the screen awake during a session"))
        form.addRow(self.include_optional_steps)
        form.addRow(self.keep_screen_awake)
        form.addRow(self._note(lambda: _(self._screen_awake_note)))
        return page

    def _reminders_tab(
        self, routines: Sequence[tuple[str, str]], autostart_supported: bool,
    ) -> QWidget:
        page, form = self._page("settingsRemindersPage")
        self.reminders_enabled = self._check("remindersEnabled",
                                             lambda: _("Remind me to take posture breaks"))

        def minutes() -> str:
            # TRANSLATORS: after the number in a spin box: "30 min"; keep the space.
            return pgettext("spin box suffix", " min")

        self.reminder_interval = self._spin(
            "reminderInterval", lambda: _("Minutes between reminders"),
            "reminder_interval_minutes", minutes, 5)
        self.day_boxes: list[QCheckBox] = []
        days = QWidget(self)
        days.setObjectName("activeDays")
        self._text(days.setAccessibleName, lambda: _("Active days"))
        day_row = QHBoxLayout(days)
        day_row.setContentsMargins(0, 0, 0, 0)
        for index in range(7):
            box = QCheckBox(self)
            box.setObjectName(f"activeDay{index}")
            self.day_boxes.append(box)
            day_row.addWidget(box)
        day_row.addStretch(1)
        self.active_start = self._time("activeStart", lambda: _("Active hours start"))
        self.active_end = self._time("activeEnd", lambda: _("Active hours end"))
        hours = QWidget(self)
        hours_row = QHBoxLayout(hours)
        hours_row.setContentsMargins(0, 0, 0, 0)
        hours_row.addWidget(self.active_start)
        # TRANSLATORS: between two times: "Active hours: 09:00 to 17:00".
        hours_row.addWidget(self._label(lambda: pgettext("time range", "to"), hours))
        hours_row.addWidget(self.active_end)
        hours_row.addStretch(1)
        self.snooze_minutes = self._spin("snoozeMinutes", lambda: _("Snooze length in minutes"),
                                         "snooze_minutes", minutes)
        self.idle_minutes = self._spin(
            "idleMinutes", lambda: _("Minutes away that count as a break"),
            "idle_minutes", minutes)
        self.reminder_routine = self._combo("reminderRoutine",
                                            lambda: _("Routine for the micro-break"))
        for value, title in routines:
            self.reminder_routine.addItem(title, value)
        self.reminder_sound = self._check("reminderSound",
                                          lambda: _("Play a tone with the reminder"))
        self.reminder_voice = self._check("reminderVoice", lambda: _("Say the reminder aloud"))
        self.autostart = self._check(
            "autostart", lambda: _("Start {app} in the background at login").format(
                app=APP_DISPLAY_NAME))
        self.autostart.setEnabled(autostart_supported)
        self.reminders_enabled.toggled.connect(self._on_reminders_toggled)

        form.addRow(self.reminders_enabled)
        self._row(form, lambda: _("Re&mind every:"), self.reminder_interval)
        form.addRow(self._label(lambda: _("Active da&ys:"), buddy=self.day_boxes[0]), days)
        form.addRow(self._label(lambda: _("Active &hours:"), buddy=self.active_start), hours)
        self._row(form, lambda: _("S&nooze for:"), self.snooze_minutes)
        self._row(form, lambda: _("A&way for at least:"), self.idle_minutes)
        form.addRow(self._note(lambda: _(
            "Being away from the computer that long, a locked screen or a sleeping "
            "computer counts as a break: the next reminder comes one interval after you "
            "are back.")))
        self._row(form, lambda: _("Micro-brea&k routine:"), self.reminder_routine)
        form.addRow(self.reminder_sound)
        form.addRow(self.reminder_voice)
        form.addRow(self.autostart)
        if not autostart_supported:
            form.addRow(self._note(
                lambda: _(AUTOSTART_NOTE_OTHER).format(app=APP_DISPLAY_NAME)))
        busy = self._busy_section(form)
        self._reminder_fields: list[QWidget] = [*busy,
            self.reminder_interval, days, hours, self.snooze_minutes, self.idle_minutes,
            self.reminder_routine, self.reminder_sound, self.reminder_voice,
        ]
        return page

    def _busy_section(self, form: QFormLayout) -> list[QWidget]:
        """Quiet while busy: which signals hold a due reminder, and what this desktop offers."""
        self.busy_full_screen = self._check("busyFullScreen",
                                            lambda: _("A full-screen window is active"))
        self.busy_inhibitors = self._check(
            "busyInhibitors", lambda: _("A video, call or presentation keeps the screen on"))
        self.busy_do_not_disturb = self._check("busyDoNotDisturb",
                                               lambda: _("Do not disturb is on"))
        self.busy_microphone_camera = self._check(
            "busyMicrophoneCamera",
            lambda: _("Another program uses the microphone or the camera"))
        self.busy_programs = QLineEdit(self)
        self.busy_programs.setObjectName("busyPrograms")
        self._text(self.busy_programs.setAccessibleName,
                   lambda: _("Programs that hold reminders, comma-separated"))
        # TRANSLATORS: examples of program names; keep them as they are run.
        self._text(self.busy_programs.setPlaceholderText, lambda: _("e.g. zoom, obs, teams"))
        form.addRow(self._label(lambda: _("Hold a reminder until you are free when:")))
        boxes = [self.busy_full_screen, self.busy_inhibitors, self.busy_do_not_disturb,
                 self.busy_microphone_camera]
        for box in boxes:
            form.addRow(box)
        self._row(form, lambda: _("Or these &programs run:"), self.busy_programs)
        self._busy_note = self._note()
        form.addRow(self._busy_note)
        return [*boxes, self.busy_programs]

    def _programs(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.busy_programs.text().split(",") if p.strip())

    def _time(self, name: str, accessible: Callable[[], str]) -> QTimeEdit:
        edit = QTimeEdit(self)
        edit.setObjectName(name)
        self._text(edit.setAccessibleName, accessible)
        return edit

    def _appearance_tab(self) -> QWidget:
        page, form = self._page("settingsAppearancePage")
        # Made in the order of the rows: Tab follows the order widgets are made in.
        # Each language in its own name: a person who cannot read the current one finds theirs.
        self.language = self._combo("language", lambda: _("Language"),
                                    [("system", lambda: _("Follow the system"))])
        for lang in shipped_languages():
            self.language.addItem(lang.name, lang.code)
        self.theme = self._combo("theme", lambda: _("Theme"), [
            ("system", lambda: _("Follow the system")),
            # TRANSLATORS: a colour theme.
            ("light", lambda: pgettext("theme", "Light")),
            # TRANSLATORS: a colour theme.
            ("dark", lambda: pgettext("theme", "Dark")),
        ])
        self.font_scale = self._spin(
            "fontScale", lambda: _("Text size in percent"), "font_scale",
            lambda: pgettext("spin box suffix", " %"), 25, scale=100)
        self._row(form, lambda: _("&Language:"), self.language)
        self._row(form, lambda: _("&Theme:"), self.theme)
        self._row(form, lambda: _("Text si&ze:"), self.font_scale)
        return page

    # -- values ---------------------------------------------------------------

    def _load(self, s: Settings) -> None:
        self.voice_enabled.setChecked(s.voice_enabled)
        index = self.voice_name.findData(s.voice_name)
        if index < 0:
            self.voice_name.addItem(s.voice_name, s.voice_name)
            index = self.voice_name.count() - 1
        self.voice_name.setCurrentIndex(index)
        self.voice_rate.setValue(s.voice_rate)
        self.voice_volume.setValue(round(s.voice_volume * 100))
        self.count_aloud.setChecked(s.count_aloud)
        self.halfway_cue.setChecked(s.halfway_cue)
        self.tones_enabled.setChecked(s.tones_enabled)
        self.include_optional_steps.setChecked(s.include_optional_steps)
        self.keep_screen_awake.setChecked(s.keep_screen_awake)
        self.reminders_enabled.setChecked(s.reminders_enabled)
        self.reminder_interval.setValue(s.reminder_interval_minutes)
        for day, box in enumerate(self.day_boxes):
            box.setChecked(day in s.active_days)
        self.active_start.setTime(QTime.fromString(s.active_start, "HH:mm"))
        self.active_end.setTime(QTime.fromString(s.active_end, "HH:mm"))
        self.snooze_minutes.setValue(s.snooze_minutes)
        self.idle_minutes.setValue(s.idle_minutes)
        index = self.reminder_routine.findData(s.reminder_routine_id)
        if index < 0:
            self.reminder_routine.addItem(s.reminder_routine_id, s.reminder_routine_id)
            index = self.reminder_routine.count() - 1
        self.reminder_routine.setCurrentIndex(index)
        self.reminder_sound.setChecked(s.reminder_sound)
        self.reminder_voice.setChecked(s.reminder_voice)
        self.autostart.setChecked(s.autostart)
        self.busy_full_screen.setChecked(s.busy_full_screen)
        self.busy_inhibitors.setChecked(s.busy_inhibitors)
        self.busy_do_not_disturb.setChecked(s.busy_do_not_disturb)
        self.busy_microphone_camera.setChecked(s.busy_microphone_camera)
        self.busy_programs.setText(", ".join(s.busy_programs))
        self.theme.setCurrentIndex(max(0, self.theme.findData(s.theme)))
        if self.language.findData(s.language) < 0:  # a language this copy does not ship
            self.language.addItem(s.language, s.language)
        self.language.setCurrentIndex(self.language.findData(s.language))
        self.font_scale.setValue(round(s.font_scale * 100))

    def _collect(self) -> Settings:
        """The edited settings; raises the validator's error when they do not fit."""
        return replace(self._original, **self._edited())

    def _edited(self) -> dict[str, Any]:
        """Every field this dialog edits, with the value it shows."""
        return {
            "voice_enabled": self.voice_enabled.isChecked(),
            "voice_name": self.voice_name.currentData(),
            "voice_rate": self.voice_rate.value(),
            "voice_volume": self._volume(),
            "count_aloud": self.count_aloud.isChecked(),
            "halfway_cue": self.halfway_cue.isChecked(),
            "tones_enabled": self.tones_enabled.isChecked(),
            "include_optional_steps": self.include_optional_steps.isChecked(),
            "keep_screen_awake": self.keep_screen_awake.isChecked(),
            "reminders_enabled": self.reminders_enabled.isChecked(),
            "reminder_interval_minutes": self.reminder_interval.value(),
            **self._when(),
            "snooze_minutes": self.snooze_minutes.value(),
            "idle_minutes": self.idle_minutes.value(),
            "reminder_routine_id": self.reminder_routine.currentData(),
            "reminder_sound": self.reminder_sound.isChecked(),
            "reminder_voice": self.reminder_voice.isChecked(),
            "autostart": self.autostart.isChecked(),
            "busy_full_screen": self.busy_full_screen.isChecked(),
            "busy_inhibitors": self.busy_inhibitors.isChecked(),
            "busy_do_not_disturb": self.busy_do_not_disturb.isChecked(),
            "busy_microphone_camera": self.busy_microphone_camera.isChecked(),
            "busy_programs": self._busy_programs(),
            "language": self.language.currentData(),
            "theme": self.theme.currentData(),
            "font_scale": self.font_scale.value() / 100,
        }

    def _when(self) -> dict[str, Any]:
        """The reminders' days and hours as shown; with reminders off, those left
        unusable (no day, or hours that end before they start) keep their saved values:
        the controls are disabled then, and turning reminders off must not be refused
        over them."""
        days = [d for d, box in enumerate(self.day_boxes) if box.isChecked()]
        start = self.active_start.time().toString("HH:mm")
        end = self.active_end.time().toString("HH:mm")
        if not self.reminders_enabled.isChecked():
            if not days:
                days = list(self._original.active_days)
            if self.active_start.time() >= self.active_end.time():
                start, end = self._original.active_start, self._original.active_end
        return {"active_days": days, "active_start": start, "active_end": end}

    def _volume(self) -> float:
        """The volume shown, or the saved one where the box shows it rounded (a
        hand-edited 0.875, shown as 88 %, was saved as 0.88 by any other change)."""
        shown = self.voice_volume.value()
        if shown == round(self._original.voice_volume * 100):
            return self._original.voice_volume
        return shown / 100

    def _busy_programs(self) -> tuple[str, ...]:
        """The programs as shown; with reminders off, a list that is unusable keeps its
        saved value, as the days and hours do (:meth:`_when`)."""
        programs = self._programs()
        if not self.reminders_enabled.isChecked() and _unusable(programs):
            return self._original.busy_programs
        return programs

    def settings(self) -> Settings:
        return self._result

    def changes(self) -> dict[str, Any]:
        """After ``accept``: the fields the person changed, with their new values.

        Only these go to the settings store, so state the app changed while the dialog
        was open (e.g. a pause that ended) is not put back to what the dialog saw.
        """
        return {
            name: getattr(self._result, name)
            for name in self._edited()
            if getattr(self._result, name) != getattr(self._original, name)
        }

    def _problem(self) -> tuple[str, QWidget] | None:
        # With reminders off, their days, hours and programs cannot be changed (see
        # _when and _busy_programs): the error would point at a disabled field.
        if not self.reminders_enabled.isChecked():
            return None
        if not any(box.isChecked() for box in self.day_boxes):
            return _("Choose at least one active day."), self.day_boxes[0]
        if self.active_start.time() >= self.active_end.time():
            return _("The active hours must start before they end."), self.active_end
        if _unusable(self._programs()):
            return ngettext(
                "List at most {count} program name, without folders, separated by commas.",
                "List at most {count} program names, without folders, separated by commas.",
                MAX_BUSY_PROGRAMS).format(count=MAX_BUSY_PROGRAMS), self.busy_programs
        return None

    def accept(self) -> None:
        problem = self._problem()
        if problem is not None:
            text, widget = problem
            self._error.setText(text)
            self._error.show()
            self._tabs.setCurrentIndex(2)
            widget.setFocus()
            return
        self._result = self._collect()
        super().accept()

    # -- slots ----------------------------------------------------------------

    def _on_restore_defaults(self) -> None:
        self._load(replace(
            Settings(),
            paused_until=self._original.paused_until,
            meeting_until=self._original.meeting_until,
            shown_background_hint=self._original.shown_background_hint,
            window_geometry=self._original.window_geometry,
            last_routine_id=self._original.last_routine_id,
            shown_reminders_note=self._original.shown_reminders_note,
        ))

    def _on_voice_toggled(self) -> None:
        on = self.voice_enabled.isChecked()
        for widget in (self.voice_name, self.voice_rate, self.voice_volume,
                       self.count_aloud, self.halfway_cue):
            widget.setEnabled(on)
        self.voice_preview.setEnabled(on and self._preview is not None)

    # -- the voice list and the preview (see voice_preview) --------------------

    def _connect_preview(self) -> None:
        preview = self._preview
        if preview is None:
            return
        preview.voicesFound.connect(self.set_voices)
        preview.statusChanged.connect(self._on_preview_status)
        self.voice_preview.clicked.connect(self._on_preview_clicked)
        self.finished.connect(preview.close)
        voice, rate, _volume = self._voice_spec()
        preview.start(voice, rate)

    def _voice_spec(self) -> tuple[str | None, int, float]:
        return (self.voice_name.currentData() or None, self.voice_rate.value(),
                self.voice_volume.value() / 100)

    def set_voices(self, voices: Sequence[tuple[str, str]]) -> None:
        """Fill the voice list (it may arrive after the dialog opened), keeping the choice."""
        chosen = self.voice_name.currentData()
        known = [(str(self.voice_name.itemData(i)), self.voice_name.itemText(i))
                 for i in range(1, self.voice_name.count())]
        merged = dict(known)
        merged.update(dict(voices))
        self.voice_name.blockSignals(True)
        while self.voice_name.count() > 1:
            self.voice_name.removeItem(1)
        for value, label in sorted(merged.items(), key=lambda item: item[1].casefold()):
            self.voice_name.addItem(label, value)
        self.voice_name.setCurrentIndex(max(0, self.voice_name.findData(chosen)))
        self.voice_name.blockSignals(False)

    def _on_preview_clicked(self) -> None:
        if self._preview is not None:
            self._preview.preview(*self._voice_spec())

    def _on_preview_status(self, text: str) -> None:
        self.voice_preview_status.setText(text)
        self.voice_preview_status.setVisible(bool(text))

    def _on_reminders_toggled(self) -> None:
        on = self.reminders_enabled.isChecked()
        for widget in self._reminder_fields:
            widget.setEnabled(on)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()
        elif event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            if self.isVisible():
                self._fit_wrapped_text()
        super().changeEvent(event)

    def show_reminders(self) -> None:
        """Open at the Reminders page (from the first-start note's Change…)."""
        self._tabs.setCurrentIndex(2)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_wrapped_text()

    def _fit_wrapped_text(self) -> None:
        """Grow to fit wrapped notes: tab pages do not pass height-for-width upwards.
        Grow wider first for rows that cannot wrap (a long check box in a long
        language), as far as the screen allows, so no page scrolls sideways."""
        room = client_area(available_area(self))
        current = self._tabs.currentWidget()
        viewport = 0
        if isinstance(current, QScrollArea):
            # Room for a vertical scroll bar too: the page shown now may not need one
            # where a longer page on a short screen does.
            bar = current.verticalScrollBar()
            viewport = current.viewport().width() - (
                0 if bar.isVisible() else self.style().pixelMetric(
                    QStyle.PixelMetric.PM_ScrollBarExtent, None, self))
        pages = [form.parentWidget() for form in self._forms]
        widest = max((page.minimumSizeHint().width() for page in pages if page is not None),
                     default=0)
        wider = min(widest - viewport, room.width() - self.width()) if viewport else 0
        if wider > 0:
            self.resize(self.width() + wider, self.height())
            layout = self.layout()
            if layout is not None:
                layout.activate()
        width = self._tabs.currentWidget().width()
        needed = 0
        for form in self._forms:
            form.activate()
            needed = max(needed, form.totalHeightForWidth(width))
        extra = needed - self._tabs.currentWidget().height()
        room = client_area(available_area(self))
        extra = min(extra, room.height() - self.height())
        if extra > 0:
            self.setMinimumHeight(self.height() + extra)
            self.resize(self.width(), self.height() + extra)
        if not room.contains(self.geometry()):
            fit_window(self, self.size())
            place_inside(self, room)

    def _restyle(self) -> None:
        muted = self.palette().color(self.palette().ColorRole.PlaceholderText).name()
        for label in self._notes:
            label.setStyleSheet(f"color: {muted};")
        self._error.setStyleSheet(f"color: {accent(Accent.DANGER, self.palette()).name()};")
