"""The first-start note that posture-break reminders are on, with a way to change them.

Reminders are on by default, so a person who never opens Settings would otherwise be
surprised by the first prompt. The note shows once (``settings.shown_reminders_note``).
It shares the status bar with passing messages (an export done, a folder opened): a
message takes the whole bar while it is there, and the note comes back after. Notices
about the person's data have a bar of their own (:mod:`.notice_bar`).

Signals:
    changeRequested(): Change… was clicked (open the reminder settings).
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, QTime, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from massage_timer.core.model.language import _, ngettext, pgettext
from massage_timer.core.model.settings import Settings
from massage_timer.ui.desktop.language import Retranslating
from massage_timer.ui.plain import PlainLabel
from massage_timer.ui.theme import HideButton


def _day(day: int) -> str:
    """The short name of ``day`` (0 = Monday) in the current language, from QLocale."""
    return QLocale().dayName(day + 1, QLocale.FormatType.ShortFormat)


def _time(text: str) -> str:
    """A ``HH:MM`` setting as the current locale writes a time."""
    time = QTime.fromString(text, "HH:mm")
    return QLocale().toString(time, QLocale.FormatType.ShortFormat) if time.isValid() else text


def days_text(days: tuple[int, ...]) -> str:
    """``(0, 1, 2, 3, 4)`` -> "Mon-Fri"; all seven -> "every day"; else a list."""
    ordered = sorted(set(days))
    if len(ordered) == 7:
        return _("every day")
    if not ordered:
        return _("no days")
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        # TRANSLATORS: a range of week days ("Mon–Fri").
        return _("{first}\u2013{last}").format(first=_day(ordered[0]), last=_day(ordered[-1]))
    return pgettext("list separator", ", ").join(_day(d) for d in ordered)


def note_text(settings: Settings) -> str:
    minutes = settings.reminder_interval_minutes
    # TRANSLATORS: {start}–{end} are the hours reminders are active, {days} like "Mon–Fri".
    text = ngettext(
        "Reminders are on: every {count} min, {start}\u2013{end}, {days}.",
        "Reminders are on: every {count} min, {start}\u2013{end}, {days}.",
        minutes,
    ).format(count=minutes, start=_time(settings.active_start),
             end=_time(settings.active_end), days=days_text(settings.active_days))
    # A sentence that ends on an abbreviated day ("Mo.–Fr.", "lun.–ven.") takes no
    # second full stop.
    return text[:-1] if text.endswith("..") and not text.endswith("...") else text


class RemindersNote(Retranslating, QFrame):
    changeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("remindersNote")
        self._settings: Settings | None = None
        self._covered = False
        self.label = PlainLabel(self)
        self.label.setObjectName("remindersNoteText")
        self.change_button = QPushButton(self)
        self.change_button.setObjectName("remindersNoteChange")
        self.close_button = HideButton(self)
        self.close_button.setObjectName("remindersNoteClose")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.change_button)
        layout.addWidget(self.close_button)
        self.change_button.clicked.connect(self._on_change)
        self.close_button.clicked.connect(self.dismiss)
        self._retranslate()
        self.hide()

    def _retranslate(self) -> None:
        """Every text of the note in the current language."""
        self.setAccessibleName(_("Reminders are on"))
        self.change_button.setText(_("Chan&ge\u2026"))
        self.change_button.setAccessibleName(_("Change the reminders"))
        if self._settings is not None:
            self.label.setText(note_text(self._settings))

    @property
    def active(self) -> bool:
        """Shown and not dismissed, even while a notice in the status bar covers it."""
        return self._settings is not None

    def show_for(self, settings: Settings) -> None:
        self.update_for(settings)
        self.setVisible(not self._covered)

    def set_covered(self, message: str) -> None:
        """The status bar's notice (``QStatusBar.messageChanged``): while there is one,
        the note makes room for it."""
        self._covered = bool(message)
        if self.active:
            self.setVisible(not self._covered)

    def update_for(self, settings: Settings) -> None:
        """Say what the reminders are now, without showing the note over a notice."""
        self._settings = settings
        self.label.setText(note_text(settings))

    def dismiss(self) -> None:
        """Hide the note for good (its close button, Change…, reminders turned off)."""
        self._settings = None
        self.hide()

    def _on_change(self) -> None:
        self.dismiss()
        self.changeRequested.emit()
