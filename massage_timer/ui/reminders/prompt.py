"""The reminder itself: a small window that stays on top without stealing focus.

Whatever the user is typing into keeps the keyboard: the prompt is a tool window
that never accepts focus and is shown without activation. It is answered with the
mouse; keyboard users have the same actions in the main window's Reminders menu.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QHideEvent, QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from massage_timer.core.model.language import _, ngettext, pgettext
from massage_timer.ui.plain import PlainLabel
from massage_timer.ui.screen_fit import fit_window
from massage_timer.ui.theme import Accent, accent, scaled

MARGIN = 24


class ReminderPrompt(QWidget):
    """Start micro-break / Snooze / Skip.

    Signals:
        startRequested(), snoozeRequested(), skipRequested() (closing it is a skip)
        languageChanged(): the interface language changed (the prompt, shown or not,
            hears of it: the reminders' status line follows it too).
    """

    startRequested = Signal()
    snoozeRequested = Signal()
    skipRequested = Signal()
    languageChanged = Signal()
    shownChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reminderPrompt")
        self.setWindowFlags(
            Qt.WindowType.Tool
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowDoesNotAcceptFocus
        )
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self._title = PlainLabel(self)
        self._title.setObjectName("reminderTitle")
        self._title.setWordWrap(True)
        self._reason = PlainLabel(self)
        self._reason.setObjectName("reminderReason")
        self._reason.setWordWrap(True)
        self._reason.setTextFormat(Qt.TextFormat.PlainText)

        self._start = self._button("reminderStart")
        self._start.setDefault(True)
        self._snooze = self._button("reminderSnooze")
        self._snooze_minutes = 10
        self._skip = self._button("reminderSkip")
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
        self._why: tuple[int, str | None, int] = (60, None, 2)
        self._retranslate()
        self._restyle()

    def _retranslate(self) -> None:
        """Every text in the current language, the reason too (also while shown)."""
        self.setAccessibleName(_("Posture break reminder"))
        self.setWindowTitle(_("Time for a posture break"))
        self._title.setText(_("Time for a posture break"))
        self._start.setText(_("Start micro-break"))
        self._start.setAccessibleName(_("Start the micro-break routine now"))
        # TRANSLATORS: a button of the reminder: do not take the break this time.
        self._skip.setText(pgettext("reminder", "Skip"))
        self._skip.setAccessibleName(_("Skip this break"))
        self.set_snooze_minutes(self._snooze_minutes)
        self.set_reason(*self._why)

    def _button(self, name: str) -> QPushButton:
        button = QPushButton(self)
        button.setObjectName(name)
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

    def set_reason(self, minutes: int, routine_title: str | None, routine_minutes: int) -> None:
        """Say briefly why: how long since the last break (counted on through snoozes),
        and what the break is (``None``: the built-in micro-break's name)."""
        self._why = (minutes, routine_title, routine_minutes)
        if minutes % 60 == 0:
            hours = minutes // 60
            # TRANSLATORS: the singular may say "an hour" instead of the number.
            since = ngettext("You have been at the desk for an hour.",
                             "You have been at the desk for {count} hours.",
                             hours).format(count=hours)
        else:
            # TRANSLATORS: the singular may say "a minute" instead of the number.
            since = ngettext("You have been at the desk for a minute.",
                             "You have been at the desk for {count} minutes.",
                             minutes).format(count=minutes)
        # TRANSLATORS: {routine} is a routine's title, {minutes} its length.
        what = _("{routine} ({minutes}\u00a0min) loosens the neck and shoulders.").format(
            routine=_("Desk micro-break") if routine_title is None else routine_title,
            minutes=routine_minutes)
        # TRANSLATORS: two sentences in a row: how long since the last break, then the break.
        self._reason.setText(_("{since} {what}").format(since=since, what=what))
        self.adjustSize()

    def set_snooze_minutes(self, minutes: int) -> None:
        self._snooze_minutes = minutes
        self._snooze.setText(_("Snooze {minutes} min").format(minutes=minutes))
        self._snooze.setAccessibleName(ngettext(
            "Remind me again in {minutes} minute", "Remind me again in {minutes} minutes",
            minutes).format(minutes=minutes))

    def show_reminder(self) -> None:
        """Show in the screen's bottom-right corner, on top, without taking focus."""
        self._answered = False
        self._place()
        self.show()

    def _place(self) -> None:
        """As tall as its wrapped text needs at its width (after a text size change,
        adjustSize alone left it short, its lines cut), in the bottom-right corner."""
        self.adjustSize()
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            needed = layout.totalHeightForWidth(self.width())
            self.resize(self.width(), max(self.height(), needed))
        fit_window(self, self.size())
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.move(QPoint(max(area.left(), area.right() - self.width() - MARGIN),
                             max(area.top(), area.bottom() - self.height() - MARGIN)))

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

    def skip(self) -> None:
        """Answer Skip, as its button does: the Reminders menu's way to it, since the
        prompt never takes the keyboard."""
        if self.isVisible():
            self._on_skip()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.shownChanged.emit(True)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.shownChanged.emit(False)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._answered:
            self._answered = True
            self.skipRequested.emit()
        super().closeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self._restyle()
            if event.type() == QEvent.Type.FontChange and self.isVisible():
                # Grown with the text where it stood, it ran off the screen's edge; its
                # labels take the new font after this event.
                QTimer.singleShot(0, self._place)
        elif event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self.languageChanged.emit()
        super().changeEvent(event)

    def _restyle(self) -> None:
        font = scaled(self.font(), 1.3)
        font.setBold(True)
        self._title.setFont(font)
        # A comfortable line, yet never wider than the screen (a large text size).
        wanted = self.fontMetrics().averageCharWidth() * 62
        screen = self.screen() or QGuiApplication.primaryScreen()
        layout = self.layout()
        if screen is not None and layout is not None:
            margins = layout.contentsMargins()
            room = (screen.availableGeometry().width() - 2 * MARGIN - margins.left()
                    - margins.right())
            wanted = min(wanted, room)
        self._reason.setMinimumWidth(wanted)
        color = accent(Accent.PRIMARY, self.palette()).name()
        self._title.setStyleSheet(f"color: {color};")
