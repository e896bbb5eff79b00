"""What a session achieved, and how it feels now: shown when a session ends.

It only shows the plain values it is given and collects the optional pain-after
rating and note; the caller builds the session record from :attr:`pain_after` and
:attr:`note` once the dialog is closed.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from massage_timer.core.model.session import Outcome
from massage_timer.ui.plain import PlainLabel
from massage_timer.ui.screen_fit import FitScrollArea, fit_window
from massage_timer.ui.session.pain_dialog import QUESTIONS, PainScale
from massage_timer.ui.theme import Accent, accent

NOTE_MAX_LENGTH = 200


def format_active_time(seconds: float) -> str:
    """``"45 s"``, ``"3 min"``, ``"6 min 30 s"``: how long the person actually worked."""
    total = max(0, round(seconds))
    minutes, secs = divmod(total, 60)
    if minutes == 0:
        return f"{secs} s"
    if secs == 0:
        return f"{minutes} min"
    return f"{minutes} min {secs} s"


class SessionSummaryDialog(QDialog):
    """The end-of-session summary (objectName ``sessionSummary``).

    ``outcome`` is :attr:`Outcome.COMPLETED` or :attr:`Outcome.STOPPED`. Done (or
    Enter) accepts; the rating and note are read afterwards from :attr:`pain_after` and
    :attr:`note`.
    """

    def __init__(
        self,
        routine_title: str,
        active_seconds: float,
        steps_completed: int,
        steps_total: int,
        outcome: Outcome,
        *,
        pain_before: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("sessionSummary")
        self.setAccessibleName("Session summary")
        self.setWindowTitle("Session summary")
        completed = outcome is Outcome.COMPLETED
        self._heading = PlainLabel(
            "Well done — session complete" if completed else "Session stopped", self
        )
        self._heading.setObjectName("summaryHeading")
        font = QFont(self._heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self._heading.setFont(font)
        self._heading.setWordWrap(True)
        color = accent(Accent.SUCCESS if completed else Accent.PRIMARY, self.palette())
        self._heading.setStyleSheet(f"color: {color.name()};")

        routine = PlainLabel(routine_title, self)
        routine.setObjectName("summaryRoutine")
        routine.setWordWrap(True)
        time_label = PlainLabel(format_active_time(active_seconds), self)
        time_label.setObjectName("summaryTime")
        steps_label = PlainLabel(f"{steps_completed} of {steps_total}", self)
        steps_label.setObjectName("summarySteps")
        outcome_label = PlainLabel("Completed" if completed else "Stopped early", self)
        outcome_label.setObjectName("summaryOutcome")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.addRow(PlainLabel("Routine:", self), routine)
        form.addRow(PlainLabel("Time spent:", self), time_label)
        form.addRow(PlainLabel("Steps completed:", self), steps_label)
        form.addRow(PlainLabel("Outcome:", self), outcome_label)
        before = "Not rated" if pain_before is None else f"{pain_before} / 10"
        before_label = PlainLabel(before, self)
        before_label.setObjectName("summaryPainBefore")
        form.addRow(PlainLabel("Pain before:", self), before_label)

        name, question = QUESTIONS["after"]
        pain_heading = PlainLabel(question, self)
        pain_font = QFont(pain_heading.font())
        pain_font.setBold(True)
        pain_font.setPointSizeF(pain_font.pointSizeF() * 1.15)
        pain_heading.setFont(pain_font)
        pain_hint = PlainLabel("Optional: leave it blank to skip.", self)
        self._pain = PainScale(name, question, self)
        pain_heading.setBuddy(self._pain.button(0))

        note_label = PlainLabel("&Note (optional):", self)
        self._note = QLineEdit(self)
        self._note.setObjectName("sessionNote")
        self._note.setAccessibleName("Note about this session")
        self._note.setMaxLength(NOTE_MAX_LENGTH)
        self._note.setPlaceholderText("e.g. left side tighter than the right")
        note_label.setBuddy(self._note)

        buttons = QDialogButtonBox(self)
        self._done = QPushButton("Done", self)
        self._done.setObjectName("summaryDone")
        self._done.setAccessibleName("Done")
        self._done.setDefault(True)
        buttons.addButton(self._done, QDialogButtonBox.ButtonRole.AcceptRole)
        self._done.clicked.connect(self.accept)

        content = QWidget(self)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self._heading)
        layout.addLayout(form)
        layout.addSpacing(8)
        layout.addWidget(pain_heading)
        layout.addWidget(pain_hint)
        layout.addWidget(self._pain)
        layout.addSpacing(8)
        layout.addWidget(note_label)
        layout.addWidget(self._note)
        outer = QVBoxLayout(self)
        outer.addWidget(FitScrollArea(content, self), 1)
        outer.addSpacing(4)
        outer.addWidget(buttons)
        self.setTabOrder(self._pain.button(0), self._note)
        self.setTabOrder(self._note, self._done)
        self._pain.focus_scale()
        fit_window(self, QSize(max(560, self.minimumSizeHint().width()), self.sizeHint().height()))

    @property
    def pain_after(self) -> int | None:
        return self._pain.value

    @property
    def note(self) -> str:
        return self._note.text().strip()

    @property
    def pain_scale(self) -> PainScale:
        return self._pain

    @property
    def note_edit(self) -> QLineEdit:
        return self._note

    @property
    def done_button(self) -> QPushButton:
        return self._done
