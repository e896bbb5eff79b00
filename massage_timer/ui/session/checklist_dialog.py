"""The safety checklist asked before every session, on one screen.

Texts and the judgement come from :mod:`massage_timer.core.model.safety`; this dialog only
collects answers. Nothing is pre-answered and nothing can be skipped: every red flag
needs an explicit No before Start appears, and any Yes replaces Start with advice to
see a doctor, leaving Close as the only way on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from massage_timer.core.model.language import _, ngettext
from massage_timer.core.model.safety import (
    Checklist,
    ChecklistItem,
    Evaluation,
    Verdict,
    evaluate,
)
from massage_timer.core.storage.checklist_file import load_checklist
from massage_timer.ui.plain import PlainLabel
from massage_timer.ui.screen_fit import fit_window
from massage_timer.ui.theme import Accent, PrimaryButton, RelativeFont, accent

NO, YES = 0, 1


def _bold(label: QLabel, scale: float = 1.0) -> QLabel:
    if scale == 1.0:
        font = QFont()  # bold only: the size still follows the app's
        font.setBold(True)
        label.setFont(font)
    else:
        RelativeFont(label, scale, bold=True)
    return label


def _bullets(lines: list[str] | tuple[str, ...]) -> str:
    """A bulleted list as plain text (a blank line between items, for reading ease)."""
    return "\n\n".join(f"•  {line}" for line in lines)


def _vbox(widget: QWidget) -> QVBoxLayout:
    layout = widget.layout()
    assert isinstance(layout, QVBoxLayout)
    return layout


class RedFlagRow(QFrame):
    """One question with its No/Yes answer (objectName ``redFlag_<id>``)."""

    def __init__(self, item: ChecklistItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setObjectName(f"redFlag_{item.id}")
        self.setAccessibleName(item.question)
        self.setAccessibleDescription(item.help)
        question = PlainLabel(item.question, self)
        question.setObjectName(f"redFlag_{item.id}_question")
        question.setWordWrap(True)
        _bold(question)
        help_text = PlainLabel(item.help, self)
        help_text.setObjectName(f"redFlag_{item.id}_help")
        help_text.setWordWrap(True)
        help_text.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.no = QRadioButton(self)
        self.yes = QRadioButton(self)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        for button, answer, word in ((self.no, NO, "no"), (self.yes, YES, "yes")):
            button.setObjectName(f"redFlag_{item.id}_{word}")
            self.group.addButton(button, answer)
        self._retranslate()
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(question)
        texts.addWidget(help_text)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 8, 6)
        layout.addLayout(texts, 1)
        layout.addSpacing(12)
        layout.addWidget(self.no)
        layout.addSpacing(8)
        layout.addWidget(self.yes)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._flagged = False

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "yes"):
            self._retranslate()

    def _retranslate(self) -> None:
        """The answers' words in the current language (the question is content)."""
        # TRANSLATORS: the answers to a safety question ("Do you have a fever?").
        self.no.setText(_("No"))
        self.yes.setText(_("Yes"))
        # TRANSLATORS: read by screen readers: the answer, then the question it answers.
        self.no.setAccessibleName(_("No: {question}").format(question=self.item.question))
        self.yes.setAccessibleName(_("Yes: {question}").format(question=self.item.question))

    @property
    def answer(self) -> bool | None:
        chosen = self.group.checkedId()
        return None if chosen < 0 else chosen == YES

    def mark(self, flagged: bool) -> None:
        """Set the row apart (a red bar at its edge) when it is answered Yes."""
        if flagged != self._flagged:
            self._flagged = flagged
            self.update()

    @property
    def flagged(self) -> bool:
        return self._flagged

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._flagged:
            color = accent(Accent.DANGER, QApplication.palette())
            painter = QPainter(self)
            tint = QColor(color)
            tint.setAlpha(28)
            painter.fillRect(self.rect(), tint)
            painter.fillRect(QRect(0, 0, 5, self.height()), color)
            painter.end()


class _FitScrollArea(QScrollArea):
    """Asks for room for all its content; scrolls only when the screen is too small."""

    def sizeHint(self) -> QSize:
        inner = self.widget()
        if inner is None:
            return super().sizeHint()
        frame = self.frameWidth() * 2
        width = max(inner.sizeHint().width(), 600)
        height = inner.heightForWidth(width) if inner.hasHeightForWidth() else -1
        if height < 0:
            height = inner.sizeHint().height()
        return QSize(width + frame, height + frame)


class SafetyChecklistDialog(QDialog):
    """The pre-session checklist (objectName ``safetyChecklist``).

    Accepted only through ``checklistConfirm`` when every answer is No; then
    :attr:`confirmed_at` (UTC) and :attr:`checklist_version` go into the session
    record. When rejected, :attr:`blocked_items` says which red flags were raised.
    """

    def __init__(
        self,
        checklist: Checklist | None = None,
        parent: QWidget | None = None,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self._checklist = checklist if checklist is not None else load_checklist()
        self._now = now
        self._confirmed_at: datetime | None = None
        self._evaluation = evaluate(self._checklist, {})
        self.setObjectName("safetyChecklist")
        self._title: Callable[[], str] = lambda: _("Safety checklist")

        self._heading = heading = _bold(PlainLabel("", self), 1.35)
        heading.setObjectName("checklistHeading")
        heading.setWordWrap(True)  # on one line it made the dialog wider than the screen
        intro = PlainLabel(self._checklist.intro, self)
        intro.setObjectName("checklistIntro")
        intro.setWordWrap(True)

        self._rows = [RedFlagRow(item, self) for item in self._checklist.items]
        items = QWidget(self)
        items_layout = QVBoxLayout(items)
        items_layout.setContentsMargins(0, 0, 0, 0)
        items_layout.setSpacing(0)
        for n, row in enumerate(self._rows):
            if n:
                line = QFrame(items)
                line.setFrameShape(QFrame.Shape.HLine)
                line.setFrameShadow(QFrame.Shadow.Plain)
                line.setForegroundRole(QPalette.ColorRole.Mid)
                items_layout.addWidget(line)
            row.mark(False)
            row.group.idToggled.connect(self._on_answer_toggled)
            items_layout.addWidget(row)
        items_layout.addStretch(1)
        self._scroll = _FitScrollArea(self)
        self._scroll.setObjectName("checklistItems")
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.StyledPanel)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._scroll.setWidget(items)
        self._scroll.setBackgroundRole(QPalette.ColorRole.Base)
        items.setBackgroundRole(QPalette.ColorRole.Base)

        self._status = QWidget(self)
        self._status.setObjectName("checklistStatus")
        self._status.setMinimumWidth(320)
        self._status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._pending = self._panel("checklistPending", Accent.PRIMARY)
        self._pending_text = self._panel_text(self._pending, "")
        self._rules = self._panel("checklistRules", Accent.SUCCESS)
        self._panel_text(self._rules, _bullets(self._checklist.rules))
        self._advice = self._panel("checklistAdvice", Accent.DANGER)
        self._panel_text(self._advice, self._checklist.advice)
        self._reasons_heading = _bold(PlainLabel("", self._advice))
        self._reasons_heading.setWordWrap(True)
        _vbox(self._advice).addWidget(self._reasons_heading)
        self._reasons = self._panel_text(self._advice, "")
        self._reasons.setObjectName("checklistReasons")
        status_layout = QVBoxLayout(self._status)
        status_layout.setContentsMargins(0, 0, 0, 0)
        for page in (self._pending, self._rules, self._advice):
            status_layout.addWidget(page)
        status_layout.addStretch(1)
        # The advice after a Yes is the one text that must be read whole: where the
        # screen is too short for it (large text, a long-worded language), it scrolls
        # rather than being cut.
        self._status_scroll = QScrollArea(self)
        self._status_scroll.setObjectName("checklistStatusScroll")
        self._status_scroll.setWidgetResizable(True)
        self._status_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._status_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._status_scroll.setWidget(self._status)
        self._status_scroll.viewport().setBackgroundRole(QPalette.ColorRole.Window)

        self._close = QPushButton(self)
        self._close.setObjectName("checklistClose")
        self._close.clicked.connect(self.reject)
        self._confirm = PrimaryButton("", self)
        self._confirm.setObjectName("checklistConfirm")
        self._confirm.setDefault(True)
        self._confirm.clicked.connect(self._on_confirm_clicked)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self._close)
        buttons.addWidget(self._confirm)

        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(self._scroll, 5)
        body.addWidget(self._status_scroll, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)

        self.setTabOrder(self._rows[-1].yes, self._confirm)
        self.setTabOrder(self._confirm, self._close)
        self._retranslate()
        self._fit_to_screen()
        self._rows[0].no.setFocus(Qt.FocusReason.TabFocusReason)

    def set_title(self, title: Callable[[], str]) -> None:
        """The window title, made again in the new language when it changes."""
        self._title = title
        self.setWindowTitle(title())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_confirm"):
            self._retranslate()

    def _retranslate(self) -> None:
        """Every text of the dialog's own in the current language (the questions,
        rules and advice are the checklist's content, translated as data)."""
        self.setWindowTitle(self._title())
        self.setAccessibleName(_("Safety checklist"))
        self._heading.setText(_("Is self-massage safe for you today?"))
        for panel, title in ((self._pending, _("Answer every question")),
                             (self._rules, _("For this session")),
                             (self._advice, _("See a doctor first"))):
            label = panel.findChild(QLabel, f"{panel.objectName()}Title")
            assert label is not None
            label.setText(title)
        self._reasons_heading.setText(_("Because you answered Yes to:"))
        self._confirm.setText(_("Start session"))
        self._confirm.setAccessibleName(_("Start session"))
        self._refresh()

    # -- results ---------------------------------------------------------------
    @property
    def confirmed_at(self) -> datetime | None:
        """When the person pressed Start session (UTC), or ``None``."""
        return self._confirmed_at

    @property
    def checklist_version(self) -> int:
        return self._checklist.version

    @property
    def blocked_items(self) -> tuple[str, ...]:
        return self._evaluation.blocking

    @property
    def evaluation(self) -> Evaluation:
        return self._evaluation

    @property
    def answers(self) -> dict[str, bool | None]:
        return {row.item.id: row.answer for row in self._rows}

    def row(self, item_id: str) -> RedFlagRow:
        return next(r for r in self._rows if r.item.id == item_id)

    # -- building ----------------------------------------------------------------
    def _panel(self, name: str, kind: Accent) -> QFrame:
        frame = QFrame(self)
        frame.setObjectName(name)
        color = accent(kind, QApplication.palette()).name()
        frame.setStyleSheet(
            f"QFrame#{name} {{ border: 1px solid {color}; border-top: 5px solid {color};"
            " border-radius: 4px; background: palette(alternate-base); }"
            f" QLabel#{name}Title {{ color: {color}; }}"
        )
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(14, 12, 14, 12)
        label = _bold(PlainLabel("", frame), 1.2)
        label.setObjectName(f"{name}Title")
        label.setWordWrap(True)
        layout.addWidget(label)
        return frame

    def _panel_text(self, panel: QFrame, text: str) -> QLabel:
        label = PlainLabel(text, panel)
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        _vbox(panel).addWidget(label)
        return label

    def _fit_to_screen(self) -> None:
        """All questions at once when the screen allows; the list scrolls otherwise."""
        fit_window(self, QSize(self._preferred_width(), self.sizeHint().height()))

    def _preferred_width(self) -> int:
        return min(1200, max(1040, self.fontMetrics().averageCharWidth() * 170))

    # -- state -------------------------------------------------------------------
    def _refresh(self) -> None:
        evaluation = evaluate(self._checklist, self.answers)
        self._evaluation = evaluation
        for row in self._rows:
            row.mark(row.answer is True)
        if evaluation.verdict is Verdict.BLOCKED:
            self._reasons.setText(
                _bullets([self._checklist.item(i).question for i in evaluation.blocking])
            )
            self._show_page(self._advice)
        elif evaluation.verdict is Verdict.INCOMPLETE:
            left = len(evaluation.unanswered)
            self._pending_text.setText(ngettext(
                "{left} of {count} question still to answer. You can start once every"
                " answer is No.",
                "{left} of {count} questions still to answer. You can start once every"
                " answer is No.", len(self._rows),
            ).format(left=left, count=len(self._rows)))
            self._show_page(self._pending)
        else:
            self._show_page(self._rules)
        blocked = evaluation.verdict is Verdict.BLOCKED
        self._confirm.setVisible(not blocked)
        self._confirm.setEnabled(evaluation.may_start)
        self._confirm.setDefault(not blocked)
        self._close.setDefault(blocked)
        self._close.setText(_("Close") if blocked else _("Cancel"))
        self._close.setAccessibleName(self._close.text())
        status = {
            Verdict.BLOCKED: _("See a doctor first"),
            Verdict.INCOMPLETE: _("Answer every question"),
            Verdict.CLEAR: _("Rules for this session"),
        }[evaluation.verdict]
        self._status.setAccessibleName(status)
        self._status_scroll.setAccessibleName(status)

    @property
    def status_page(self) -> str:
        """objectName of the panel shown: checklistPending, checklistRules or checklistAdvice."""
        return self._page.objectName()

    def _show_page(self, page: QFrame) -> None:
        self._page = page
        for other in (self._pending, self._rules, self._advice):
            other.setVisible(other is page)

    def _on_answer_toggled(self, _answer: int, checked: bool) -> None:
        if checked:
            self._refresh()

    def _on_confirm_clicked(self) -> None:
        self._refresh()
        if self._evaluation.may_start:
            self._confirmed_at = self._now()
            self.accept()


def show_safety_information(parent: QWidget | None = None) -> None:
    """Help → Safety information: the session rules and the red flags, read only."""
    checklist = load_checklist()
    box = QMessageBox(parent)
    box.setObjectName("safetyInformation")
    box.setWindowTitle(_("Safety information"))
    box.setIcon(QMessageBox.Icon.Information)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(_("During every session:") + "\n\n" + _bullets(checklist.rules))
    box.setInformativeText(
        _("Do not self-massage, and see a doctor first, if any of these apply:") + "\n\n"
        + _bullets([item.question for item in checklist.items])
    )
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.exec()
