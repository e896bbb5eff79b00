"""The Settings dialog: every user-facing setting, in four tabs, keyboard operable.

It edits a copy and returns a new :class:`Settings` (validated by the model), so the
caller decides when to save and what to apply. Settings the user does not edit here
(window geometry, the pause, the one-time hint) pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, QTime
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
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from massage_timer.core.model.language import _
from massage_timer.core.model.settings import BOUNDS, MAX_BUSY_PROGRAMS, Settings, replace
from massage_timer.core.storage.catalogs import shipped_languages
from massage_timer.ui.plain import PlainLabel
from massage_timer.ui.screen_fit import available_area, client_area, fit_window, place_inside
from massage_timer.ui.theme import Accent, accent

if TYPE_CHECKING:
    from massage_timer.ui.settings.voice_preview import VoicePreview

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SCREEN_AWAKE_NOTE = (
    "Works on Windows, macOS, and Linux desktops that offer the screen-saver inhibit "
    "service (GNOME, KDE Plasma, Xfce, Cinnamon, MATE). Elsewhere the screen may still dim."
)
AUTOSTART_NOTE_OTHER = "On this system, add Massage Timer to the login items yourself."


def _scrolling(page: QWidget) -> QScrollArea:
    """A tab page that scrolls when the screen is smaller than the page."""
    area = QScrollArea()
    area.setObjectName(f"{page.objectName() or 'settingsPage'}Scroll")
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
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
        busy_signals: Sequence[str] = (),
        screen_awake_note: str = SCREEN_AWAKE_NOTE,
        preview: VoicePreview | None = None,
    ) -> None:
        """``voices`` are those known already; ``preview``, when given, lists the rest
        as its speech worker finds them and plays the sample (see voice_preview);
        ``busy_signals`` says how this desktop's busy signals are read, one line each."""
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setAccessibleName("Settings")
        self.setWindowTitle("Settings")
        self._original = settings
        self._result = settings
        self._notes: list[QLabel] = []
        self._forms: list[QFormLayout] = []
        self._preview = preview

        self._tabs = QTabWidget(self)
        self._tabs.setObjectName("settingsTabs")
        self._tabs.setAccessibleName("Settings sections")
        self._tabs.addTab(_scrolling(self._voice_tab(voices)), "&Voice && sounds")
        self._tabs.addTab(_scrolling(self._session_tab(screen_awake_note)), "S&ession")
        self._tabs.addTab(
            _scrolling(self._reminders_tab(routines, autostart_supported, busy_signals)),
            "&Reminders",
        )
        self._tabs.addTab(_scrolling(self._appearance_tab()), "&Appearance")

        self._error = PlainLabel(self)
        self._error.setObjectName("settingsError")
        self._error.setWordWrap(True)
        self._error.hide()
        self._buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults,
            self,
        )
        self._buttons.setObjectName("settingsButtons")
        for role, name, label in (
            (QDialogButtonBox.StandardButton.Ok, "settingsOk", "Save settings"),
            (QDialogButtonBox.StandardButton.Cancel, "settingsCancel", "Cancel"),
            (QDialogButtonBox.StandardButton.RestoreDefaults, "settingsDefaults",
             "Restore defaults"),
        ):
            button = self._buttons.button(role)
            button.setObjectName(name)
            button.setAccessibleName(label)
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        self._buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            self._on_restore_defaults
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self._tabs)
        layout.addWidget(self._error)
        layout.addWidget(self._buttons)
        self._load(settings)
        self._on_voice_toggled()
        self._on_reminders_toggled()
        self._restyle()
        self._connect_preview()

    # -- building -------------------------------------------------------------

    def _page(self, name: str) -> tuple[QWidget, QFormLayout]:
        page = QWidget(self)
        page.setObjectName(name)
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._forms.append(form)
        return page, form

    def _check(self, name: str, text: str, accessible: str | None = None) -> QCheckBox:
        box = QCheckBox(text, self)
        box.setObjectName(name)
        box.setAccessibleName(accessible or text.replace("&", ""))
        return box

    def _spin(self, name: str, accessible: str, field: str, suffix: str,
              step: int = 1, *, scale: int = 1) -> QSpinBox:
        """A spin box over the model's bounds of ``field`` (times ``scale``, e.g. 100 for %)."""
        low, high = BOUNDS[field]
        spin = QSpinBox(self)
        spin.setObjectName(name)
        spin.setAccessibleName(accessible)
        spin.setRange(round(low * scale), round(high * scale))
        spin.setSingleStep(step)
        spin.setSuffix(suffix)
        return spin

    def _combo(self, name: str, accessible: str, items: Sequence[tuple[str, str]]) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        for value, label in items:
            combo.addItem(label, value)
        return combo

    def _note(self, text: str) -> QLabel:
        label = PlainLabel(text, self)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        self._notes.append(label)
        return label

    @staticmethod
    def _row(form: QFormLayout, text: str, field: QWidget) -> None:
        label = PlainLabel(text, field.parentWidget())
        label.setBuddy(field)
        form.addRow(label, field)

    def _voice_tab(self, voices: Sequence[tuple[str, str]]) -> QWidget:
        page, form = self._page("settingsVoicePage")
        self.voice_enabled = self._check("voiceEnabled", "Speak the instructions aloud")
        self.voice_name = self._combo("voiceName", "Voice",
                                      [("", "System default"), *voices])
        self.voice_rate = self._spin("voiceRate", "Speaking rate in words per minute",
                                     "voice_rate", " words/min", 10)
        self.voice_volume = self._spin("voiceVolume", "Voice volume in percent", "voice_volume",
                                       " %", 5, scale=100)
        self.count_aloud = self._check("countAloud", "Count the strokes aloud")
        self.halfway_cue = self._check("halfwayCue", "Say when a step is halfway through")
        self.tones_enabled = self._check("tonesEnabled", "Play tones between steps")
        # One width whether the voices are there at the first show or arrive after it.
        self.voice_name.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.voice_name.setMinimumContentsLength(24)
        self.voice_preview = QPushButton("&Preview", self)
        self.voice_preview.setObjectName("voicePreview")
        self.voice_preview.setAccessibleName("Preview the voice")
        self.voice_preview.setToolTip("Hear a sample sentence in this voice at this rate")
        self.voice_preview.setAutoDefault(False)
        self.voice_preview_status = PlainLabel(self)
        self.voice_preview_status.setObjectName("voicePreviewStatus")
        self.voice_preview_status.setAccessibleName("Voice preview status")
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
        voice_label = PlainLabel("Vo&ice:", page)
        voice_label.setBuddy(self.voice_name)
        form.addRow(voice_label, voice_row)
        self._row(form, "Speaking ra&te:", self.voice_rate)
        self._row(form, "Vo&lume:", self.voice_volume)
        form.addRow(self.voice_preview_status)
        form.addRow(self.count_aloud)
        form.addRow(self.halfway_cue)
        form.addRow(self.tones_enabled)
        return page

    def _session_tab(self, screen_awake_note: str) -> QWidget:
        page, form = self._page("settingsSessionPage")
        self.include_optional_steps = self._check(
            "includeOptionalSteps", "Include optional steps in routines")
        self.keep_screen_awake = self._check(
            "keepScreenAwake", "Keep the screen awake during a session (where the system allows)",
            "Keep the screen awake during a session")
        self.keep_screen_awake.setAccessibleDescription(screen_awake_note)
        form.addRow(self.include_optional_steps)
        form.addRow(self.keep_screen_awake)
        form.addRow(self._note(screen_awake_note))
        return page

    def _reminders_tab(
        self, routines: Sequence[tuple[str, str]], autostart_supported: bool,
        busy_signals: Sequence[str] = (),
    ) -> QWidget:
        page, form = self._page("settingsRemindersPage")
        self.reminders_enabled = self._check("remindersEnabled", "Remind me to take posture breaks")
        self.reminder_interval = self._spin(
            "reminderInterval", "Minutes between reminders",
            "reminder_interval_minutes", " min", 5)
        self.day_boxes: list[QCheckBox] = []
        days = QWidget(self)
        days.setObjectName("activeDays")
        days.setAccessibleName("Active days")
        day_row = QHBoxLayout(days)
        day_row.setContentsMargins(0, 0, 0, 0)
        for index, name in enumerate(DAY_NAMES):
            box = self._check(f"activeDay{index}", name[:3], name)
            self.day_boxes.append(box)
            day_row.addWidget(box)
        day_row.addStretch(1)
        self.active_start = self._time("activeStart", "Active hours start")
        self.active_end = self._time("activeEnd", "Active hours end")
        hours = QWidget(self)
        hours_row = QHBoxLayout(hours)
        hours_row.setContentsMargins(0, 0, 0, 0)
        hours_row.addWidget(self.active_start)
        to_label = PlainLabel("to", hours)
        hours_row.addWidget(to_label)
        hours_row.addWidget(self.active_end)
        hours_row.addStretch(1)
        self.snooze_minutes = self._spin("snoozeMinutes", "Snooze length in minutes",
                                         "snooze_minutes", " min")
        self.idle_minutes = self._spin("idleMinutes", "Minutes away that count as a break",
                                       "idle_minutes", " min")
        self.reminder_routine = self._combo("reminderRoutine", "Routine for the micro-break",
                                            routines)
        self.reminder_sound = self._check("reminderSound", "Play a tone with the reminder")
        self.reminder_voice = self._check("reminderVoice", "Say the reminder aloud")
        self.autostart = self._check("autostart", "Start Massage Timer in the background at login")
        self.autostart.setEnabled(autostart_supported)
        self.reminders_enabled.toggled.connect(self._on_reminders_toggled)

        form.addRow(self.reminders_enabled)
        self._row(form, "Re&mind every:", self.reminder_interval)
        form.addRow(PlainLabel("Active days:", self), days)
        hours_label = PlainLabel("Active &hours:", self)
        hours_label.setBuddy(self.active_start)
        form.addRow(hours_label, hours)
        self._row(form, "S&nooze for:", self.snooze_minutes)
        self._row(form, "Away for at least:", self.idle_minutes)
        form.addRow(self._note(
            "Being away from the computer that long, a locked screen or a sleeping "
            "computer counts as a break: the next reminder comes one interval after you "
            "are back."))
        self._row(form, "Micro-brea&k routine:", self.reminder_routine)
        form.addRow(self.reminder_sound)
        form.addRow(self.reminder_voice)
        form.addRow(self.autostart)
        if not autostart_supported:
            form.addRow(self._note(AUTOSTART_NOTE_OTHER))
        busy = self._busy_section(form, busy_signals)
        self._reminder_fields: list[QWidget] = [*busy,
            self.reminder_interval, days, hours, self.snooze_minutes, self.idle_minutes,
            self.reminder_routine, self.reminder_sound, self.reminder_voice,
        ]
        return page

    def _busy_section(self, form: QFormLayout, offered: Sequence[str]) -> list[QWidget]:
        """Quiet while busy: which signals hold a due reminder, and what this desktop offers."""
        self.busy_full_screen = self._check("busyFullScreen", "A full-screen window is active")
        self.busy_inhibitors = self._check(
            "busyInhibitors", "A video, call or presentation keeps the screen on")
        self.busy_do_not_disturb = self._check("busyDoNotDisturb", "Do not disturb is on")
        self.busy_microphone_camera = self._check(
            "busyMicrophoneCamera", "Another program uses the microphone or the camera")
        self.busy_programs = QLineEdit(self)
        self.busy_programs.setObjectName("busyPrograms")
        self.busy_programs.setAccessibleName("Programs that hold reminders, comma-separated")
        self.busy_programs.setPlaceholderText("e.g. zoom, obs, teams")
        form.addRow(PlainLabel("Hold a reminder until you are free when:", self))
        boxes = [self.busy_full_screen, self.busy_inhibitors, self.busy_do_not_disturb,
                 self.busy_microphone_camera]
        for box in boxes:
            form.addRow(box)
        self._row(form, "Or these &programs run:", self.busy_programs)
        lines = list(offered) or ["Meeting mode only (no desktop signals found)"]
        form.addRow(self._note("This desktop offers:\n" + "\n".join(lines)))
        return [*boxes, self.busy_programs]

    def _programs(self) -> tuple[str, ...]:
        return tuple(p.strip() for p in self.busy_programs.text().split(",") if p.strip())

    def _time(self, name: str, accessible: str) -> QTimeEdit:
        edit = QTimeEdit(self)
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setDisplayFormat("HH:mm")
        return edit

    def _appearance_tab(self) -> QWidget:
        page, form = self._page("settingsAppearancePage")
        self.theme = self._combo("theme", "Theme", [
            ("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"),
        ])
        self.font_scale = self._spin(
            "fontScale", "Text size in percent", "font_scale", " %", 25, scale=100)
        # Each language in its own name: a person who cannot read the current one finds theirs.
        self.language = self._combo("language", "Language", [
            ("system", _("Follow the system")),
            *((lang.code, lang.name) for lang in shipped_languages()),
        ])
        self._row(form, _("&Language:"), self.language)
        self._row(form, "&Theme:", self.theme)
        self._row(form, "Text si&ze:", self.font_scale)
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
            "voice_volume": self.voice_volume.value() / 100,
            "count_aloud": self.count_aloud.isChecked(),
            "halfway_cue": self.halfway_cue.isChecked(),
            "tones_enabled": self.tones_enabled.isChecked(),
            "include_optional_steps": self.include_optional_steps.isChecked(),
            "keep_screen_awake": self.keep_screen_awake.isChecked(),
            "reminders_enabled": self.reminders_enabled.isChecked(),
            "reminder_interval_minutes": self.reminder_interval.value(),
            "active_days": [d for d, box in enumerate(self.day_boxes) if box.isChecked()],
            "active_start": self.active_start.time().toString("HH:mm"),
            "active_end": self.active_end.time().toString("HH:mm"),
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
            "busy_programs": self._programs(),
            "language": self.language.currentData(),
            "theme": self.theme.currentData(),
            "font_scale": self.font_scale.value() / 100,
        }

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
        if not any(box.isChecked() for box in self.day_boxes):
            return "Choose at least one active day.", self.day_boxes[0]
        if self.active_start.time() >= self.active_end.time():
            return "The active hours must start before they end.", self.active_end
        programs = self._programs()
        if len(programs) > MAX_BUSY_PROGRAMS or any(
            "/" in p or len(p) > 64 or not p.isprintable() for p in programs
        ):
            return (f"List at most {MAX_BUSY_PROGRAMS} program names, without folders, "
                    "separated by commas."), self.busy_programs
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
        preview.start(*self._voice_spec())

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
        super().changeEvent(event)

    def show_reminders(self) -> None:
        """Open at the Reminders page (from the first-start note's Change…)."""
        self._tabs.setCurrentIndex(2)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_wrapped_text()

    def _fit_wrapped_text(self) -> None:
        """Grow to fit wrapped notes: tab pages do not pass height-for-width upwards."""
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
