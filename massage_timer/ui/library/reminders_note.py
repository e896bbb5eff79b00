"""The first-start note that posture-break reminders are on, with a way to change them.

Reminders are on by default, so a person who never opens Settings would otherwise be
surprised by the first prompt. The note shows once (``settings.shown_reminders_note``).

Signals:
    changeRequested(): Change… was clicked (open the reminder settings).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QToolButton, QWidget

from massage_timer.core.model.settings import Settings
from massage_timer.ui.plain import PlainLabel

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def days_text(days: tuple[int, ...]) -> str:
    """``(0, 1, 2, 3, 4)`` -> "Mon-Fri"; all seven -> "every day"; else a list."""
    ordered = sorted(set(days))
    if len(ordered) == 7:
        return "every day"
    if not ordered:
        return "no days"
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{DAY_NAMES[ordered[0]]}\u2013{DAY_NAMES[ordered[-1]]}"
    return ", ".join(DAY_NAMES[d] for d in ordered)


def note_text(settings: Settings) -> str:
    return (
        f"Reminders are on: every {settings.reminder_interval_minutes} min, "
        f"{settings.active_start}\u2013{settings.active_end}, "
        f"{days_text(settings.active_days)}."
    )


class RemindersNote(QFrame):
    changeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("remindersNote")
        self.setAccessibleName("Reminders are on")
        self.label = PlainLabel(self)
        self.label.setObjectName("remindersNoteText")
        self.change_button = QPushButton("&Change\u2026", self)
        self.change_button.setObjectName("remindersNoteChange")
        self.change_button.setAccessibleName("Change the reminders")
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("remindersNoteClose")
        self.close_button.setText("\u00d7")
        self.close_button.setAccessibleName("Hide this note")
        self.close_button.setToolTip("Hide this note")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.change_button)
        layout.addWidget(self.close_button)
        self.change_button.clicked.connect(self._on_change)
        self.close_button.clicked.connect(self.hide)
        self.hide()

    def show_for(self, settings: Settings) -> None:
        self.label.setText(note_text(settings))
        self.show()

    def _on_change(self) -> None:
        self.hide()
        self.changeRequested.emit()
