"""The reminder itself: a small window that stays on top without stealing focus.

Whatever the user is typing into keeps the keyboard: the prompt is a tool window
that never accepts focus and is shown without activation. It is answered with the
mouse; keyboard users have the same actions in the main window's Reminders menu.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from massage_timer.core.model.language import _, ngettext
from massage_timer.ui.plain import PlainLabel
from massage_timer.ui.screen_fit import fit_window
from massage_timer.ui.theme import Accent, accent

MARGIN = 24


class ReminderPrompt(QWidget):
    """Start micro-break / Snooze / Skip.

    Signals:
        startRequested(), snoozeRequested(), skipRequested() (closing it is a skip)
    """

    startRequested = Signal()
    snoozeRequested = Signal()
    skipRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reminderPrompt")
        self.setAccessibleName(_("Posture break reminder"))
        self.setWindowTitle(_("Time for a posture break"))
        self.setWindowFlags(
            Qt.WindowType.Tool
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowDoesNotAcceptFocus
        )
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self._title = PlainLabel(_("Time for a posture break"), self)
        self._title.setObjectName("reminderTitle")
        self._title.setWordWrap(True)
        self._reason = PlainLabel(self)
        self._reason.setObjectName("reminderReason")
        self._reason.setWordWrap(True)
        self._reason.setTextFormat(Qt.TextFormat.PlainText)

        self._start = self._button("reminderStart", _("Start micro-break"),
                                   _("Start the micro-break routine now"))
        self._start.setDefault(True)
        self._snooze = self._button("reminderSnooze", "", "")
        self.set_snooze_minutes(10)
        self._skip = self._button("reminderSkip", _("Skip"), _("Skip this break"))
        self._start.clicked.connect(self._on_start)
        self._snooze.clicked.connect(self._on_snooze)
        self._skip.clicked.connect(self._on_skip)

        buttons = QHBoxLayout()
        buttons.addWidget(self._start)
        buttons.addStretch(1)
        buttons.addWidget(self._snooze)
        buttons.addWidget(self._skip)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 16)
        layout.setSpacing(10)
        layout.addWidget(self._title)
        layout.addWidget(self._reason)
        layout.addLayout(buttons)
        self._answered = False
        self.set_reason(60, "Desk micro-break", 2)
        self._restyle()

    def _button(self, name: str, text: str, accessible: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        button.setAutoDefault(False)
        return button

    @property
    def start_button(self) -> QPushButton:
        return self._start

    @property
    def snooze_button(self) -> QPushButton:
        return self._snooze

    @property
    def skip_button(self) -> QPushButton:
        return self._skip

    def set_reason(self, minutes: int, routine_title: str, routine_minutes: int) -> None:
        """Say briefly why: how long since the last break (counted on through snoozes),
        and what the break is."""
        if minutes % 60 == 0:
            since = "an hour" if minutes == 60 else f"{minutes // 60} hours"
        else:
            since = "a minute" if minutes == 1 else f"{minutes} minutes"
        self._reason.setText(
            f"You have been at the desk for {since}. {routine_title} "
            f"({routine_minutes}\u00a0min) loosens the neck and shoulders."
        )
        self.adjustSize()

    def set_snooze_minutes(self, minutes: int) -> None:
        self._snooze.setText(_("Snooze {minutes} min").format(minutes=minutes))
        self._snooze.setAccessibleName(ngettext(
            "Remind me again in {minutes} minute", "Remind me again in {minutes} minutes",
            minutes).format(minutes=minutes))

    def show_reminder(self) -> None:
        """Show in the screen's bottom-right corner, on top, without taking focus."""
        self._answered = False
        self.adjustSize()
        fit_window(self, self.size())
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.move(QPoint(area.right() - self.width() - MARGIN,
                             area.bottom() - self.height() - MARGIN))
        self.show()

    def withdraw(self) -> None:
        """Hide without answering (the schedule withdrew the reminder)."""
        self._answered = True
        self.hide()

    def _finish(self) -> None:
        self._answered = True
        self.hide()

    def _on_start(self) -> None:
        self._finish()
        self.startRequested.emit()

    def _on_snooze(self) -> None:
        self._finish()
        self.snoozeRequested.emit()

    def _on_skip(self) -> None:
        self._finish()
        self.skipRequested.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._answered:
            self._answered = True
            self.skipRequested.emit()
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self._restyle()
        super().changeEvent(event)

    def _restyle(self) -> None:
        font = QFont(self.font())
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.3)
        else:
            font.setPixelSize(round(font.pixelSize() * 1.3))
        font.setBold(True)
        self._title.setFont(font)
        self._reason.setMinimumWidth(self.fontMetrics().averageCharWidth() * 62)
        color = accent(Accent.PRIMARY, self.palette()).name()
        self._title.setStyleSheet(f"color: {color};")
