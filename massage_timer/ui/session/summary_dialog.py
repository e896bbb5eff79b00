"""What a session achieved, and how it feels now: shown when a session ends.

It only shows the plain values it is given and collects the optional pain-after
rating and note; the caller builds the session record from :attr:`pain_after` and
:attr:`note` once the dialog is closed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from massage_timer.core.model.language import _, ngettext
from massage_timer.core.model.session import Outcome
from massage_timer.ui.plain import PlainLabel
from massage_timer.ui.screen_fit import FitScrollArea, fit_window, grow_to_content
from massage_timer.ui.session.pain_dialog import QUESTIONS, PainScale
from massage_timer.ui.theme import Accent, PaletteStyle, RelativeFont, accent

NOTE_MAX_LENGTH = 200


def format_active_time(seconds: float) -> str:
    """``"45 s"``, ``"3 min"``, ``"6 min 30 s"``: how long the person actually worked."""
    total = max(0, round(seconds))
    minutes, secs = divmod(total, 60)
    # TRANSLATORS: abbreviated lengths of time ("3 min", "45 s").
    min_text = ngettext("{count} min", "{count} min", minutes).format(count=minutes)
    sec_text = ngettext("{count} s", "{count} s", secs).format(count=secs)
    if minutes == 0:
        return sec_text
    if secs == 0:
        return min_text
    # TRANSLATORS: a length in minutes and seconds: "6 min" then "30 s".
    return _("{minutes} {seconds}").format(minutes=min_text, seconds=sec_text)


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
        completed = outcome is Outcome.COMPLETED
        self._completed = completed
        self._active_seconds = active_seconds
        self._steps = (steps_completed, steps_total)
        self._pain_before = pain_before
        self._heading = PlainLabel("", self)
        self._heading.setObjectName("summaryHeading")
        RelativeFont(self._heading, 1.5, bold=True)
        self._heading.setWordWrap(True)
        kind = Accent.SUCCESS if completed else Accent.PRIMARY
        PaletteStyle(self._heading, lambda palette: f"color: {accent(kind, palette).name()};")

        routine = PlainLabel(routine_title, self)
        routine.setObjectName("summaryRoutine")
        routine.setWordWrap(True)
        self._time_label = time_label = PlainLabel("", self)
        time_label.setObjectName("summaryTime")
        self._steps_label = steps_label = PlainLabel("", self)
        steps_label.setObjectName("summarySteps")
        self._outcome_label = outcome_label = PlainLabel("", self)
        outcome_label.setObjectName("summaryOutcome")
        self._before_label = before_label = PlainLabel("", self)
        before_label.setObjectName("summaryPainBefore")
        self._form_labels = [PlainLabel("", self) for _row in range(5)]
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        for label, field in zip(self._form_labels,
                                (routine, time_label, steps_label, outcome_label, before_label),
                                strict=True):
            form.addRow(label, field)

        name, question = QUESTIONS["after"]
        self._pain_question = question
        self._pain_heading = pain_heading = PlainLabel("", self)
        RelativeFont(pain_heading, 1.15, bold=True)
        self._pain_hint = pain_hint = PlainLabel("", self)
        self._pain = PainScale(name, question, self)
        pain_heading.setBuddy(self._pain.button(0))

        self._note_label = note_label = PlainLabel("", self)
        self._note = QLineEdit(self)
        self._note.setObjectName("sessionNote")
        self._note.setMaxLength(NOTE_MAX_LENGTH)
        note_label.setBuddy(self._note)

        buttons = QDialogButtonBox(self)
        self._done = QPushButton(self)
        self._done.setObjectName("summaryDone")
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
        self._scroll = FitScrollArea(content, self)
        # Tab goes through the controls inside, and the area scrolls to each: a stop on
        # the area itself would be a nameless one.
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        outer.addWidget(self._scroll, 1)
        outer.addSpacing(4)
        outer.addWidget(buttons)
        self.setTabOrder(self._pain.button(0), self._note)
        self.setTabOrder(self._note, self._done)
        self._retranslate()
        self._pain.focus_scale()
        # As wide as its narrowest content (the pain scale's eleven buttons) with the
        # scroll bar beside it: at a large text size a fixed 560 px scrolled sideways.
        margins = outer.contentsMargins()
        least = (content.minimumSizeHint().width() + margins.left() + margins.right()
                 + self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent))
        fit_window(self, QSize(max(560, self.minimumSizeHint().width(), least),
                               self.sizeHint().height()))
        # Once laid out at its width (not QTimer.singleShot's context form: its wrapper
        # outlived the dialog, one per session, in the eight-hour workday test).
        self._grow = QTimer(self)
        self._grow.setSingleShot(True)
        self._grow.setInterval(0)
        self._grow.timeout.connect(lambda: grow_to_content(self, self._scroll))
        self._grown = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._grown:  # the first time only: the user may resize it after
            self._grown = True
            self._grow.start()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_done"):
            self._retranslate()

    def _retranslate(self) -> None:
        """Every text of the summary in the current language."""
        self.setAccessibleName(_("Session summary"))
        self.setWindowTitle(_("Session summary"))
        self._heading.setText(_("Well done — session complete") if self._completed
                              else _("Session stopped"))
        self._time_label.setText(format_active_time(self._active_seconds))
        done, total = self._steps
        # TRANSLATORS: steps completed of the routine's steps ("3 of 5").
        self._steps_label.setText(ngettext("{done} of {count}", "{done} of {count}",
                                           total).format(done=done, count=total))
        self._outcome_label.setText(_("Completed") if self._completed else _("Stopped early"))
        self._before_label.setText(
            _("Not rated") if self._pain_before is None
            # TRANSLATORS: a pain rating out of 10 ("4 / 10").
            else _("{value} / {max}").format(value=self._pain_before, max=10))
        for label, text in zip(self._form_labels, (
                _("Routine:"), _("Time spent:"), _("Steps completed:"), _("Outcome:"),
                _("Pain before:")), strict=True):
            label.setText(text)
        self._pain_heading.setText(_(self._pain_question))
        self._pain_hint.setText(_("Optional: leave it blank to skip."))
        self._note_label.setText(_("&Note (optional):"))
        self._note.setAccessibleName(_("Note about this session"))
        self._note.setPlaceholderText(_("e.g. left side tighter than the right"))
        self._done.setText(_("Done"))
        self._done.setAccessibleName(_("Done"))

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
