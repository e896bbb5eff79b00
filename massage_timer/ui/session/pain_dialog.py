"""The 0-10 pain rating, asked before a session and again in its summary.

A row of eleven checkable buttons in one exclusive group: nothing is chosen until
the person chooses (an unanswered rating is recorded as skipped, never as 0), Tab
reaches the row once, arrow keys move along it, Space or a digit key picks.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from massage_timer.core.model.language import N_, _
from massage_timer.ui.plain import PlainLabel
from massage_timer.ui.screen_fit import fit_window
from massage_timer.ui.theme import PaletteStyle, RelativeFont

PAIN_MAX = 10
QUESTIONS = {
    "before": ("painBefore", N_("How much does it hurt now?")),
    "after": ("painAfter", N_("How does it feel now?")),
}
"""Each rating's objectName and question (translated where shown)."""


class PainScale(QWidget):
    """Eleven buttons 0-10 with the ends labelled; ``value`` is ``None`` until chosen.

    Signals:
        valueChanged(object): the new value, an ``int`` 0-10.
    """

    valueChanged = Signal(object)

    def __init__(self, name: str, question: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._question = question
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        row = QHBoxLayout()
        row.setSpacing(4)
        for n in range(PAIN_MAX + 1):
            button = QPushButton(str(n), self)
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setObjectName(f"{name}_{n}")
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance("10") + 20)
            button.setMinimumHeight(button.fontMetrics().height() * 2)
            self._group.addButton(button, n)
            row.addWidget(button)
        self._group.idToggled.connect(self._on_id_toggled)
        self.style_follower = PaletteStyle(self, _scale_sheet)
        ends = QHBoxLayout()
        self._low = low = PlainLabel("", self)
        self._high = high = PlainLabel("", self)
        high.setAlignment(Qt.AlignmentFlag.AlignRight)
        ends.addWidget(low)
        ends.addStretch(1)
        ends.addWidget(high)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addLayout(ends)
        self._retranslate()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_high"):
            self._retranslate()

    def _retranslate(self) -> None:
        """Every text of the scale in the current language."""
        self.setAccessibleName(_(self._question))
        self.setAccessibleDescription(
            _("{low} means no pain, {high} the worst pain you can imagine").format(
                low=0, high=PAIN_MAX))
        for n in range(PAIN_MAX + 1):
            button = self.button(n)
            # TRANSLATORS: read by screen readers for a button of the 0-10 pain scale.
            button.setAccessibleName(_("{value} of {max}").format(value=n, max=PAIN_MAX))
            button.setToolTip(_describe(n))
        self._low.setText(_("{value} = no pain").format(value=0))
        self._high.setText(_("{value} = worst pain").format(value=PAIN_MAX))

    @property
    def value(self) -> int | None:
        chosen = self._group.checkedId()
        return chosen if chosen >= 0 else None

    def set_value(self, value: int | None) -> None:
        if value is None:
            checked = self._group.checkedButton()
            if checked is not None:
                self._group.setExclusive(False)
                checked.setChecked(False)
                self._group.setExclusive(True)
            return
        button = self._group.button(value)
        if button is not None:
            button.setChecked(True)

    def button(self, value: int) -> QAbstractButton:
        button = self._group.button(value)
        assert button is not None
        return button

    def focus_scale(self) -> None:
        """Put the keyboard focus on the chosen button, or on 0."""
        (self._group.checkedButton() or self.button(0)).setFocus(Qt.FocusReason.TabFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if len(text) == 1 and text.isdigit():
            self.button(int(text)).setChecked(True)
            self.button(int(text)).setFocus()
            return
        super().keyPressEvent(event)

    def _on_id_toggled(self, value: int, checked: bool) -> None:
        if checked:
            self.valueChanged.emit(value)


def _scale_sheet(pal: QPalette) -> str:
    fill = pal.color(QPalette.ColorRole.Highlight)
    return (
        f"QPushButton:checked {{ background: {fill.name()};"
        f" color: {pal.color(QPalette.ColorRole.HighlightedText).name()};"
        f" border: 2px solid {fill.darker(140).name()}; border-radius: 3px;"
        " font-weight: bold; }"
    )


def _describe(value: int) -> str:
    if value == 0:
        return _("No pain")
    if value <= 3:
        # TRANSLATORS: a pain rating of 1-3.
        return _("Mild")
    if value <= 6:
        # TRANSLATORS: a pain rating of 4-6.
        return _("Moderate")
    if value <= 9:
        # TRANSLATORS: a pain rating of 7-9.
        return _("Severe")
    return _("Worst pain you can imagine")


class PainRatingDialog(QDialog):
    """Asks for a 0-10 rating; Skip (or closing) leaves :attr:`value` as ``None``.

    ``kind`` is ``"before"`` (objectName ``painBefore``) or ``"after"`` (``painAfter``).
    Skip (Alt+S, and Enter while nothing is chosen) and Continue both accept the
    dialog; only Escape rejects it, and before a session that cancels the start.
    """

    def __init__(
        self, kind: Literal["before", "after"] = "before", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        name, question = QUESTIONS[kind]
        self.setObjectName(name)
        self._question = question
        self._skipped = False
        self._heading = heading = PlainLabel("", self)
        heading.setObjectName(f"{name}Question")
        RelativeFont(heading, 1.4, bold=True)
        heading.setWordWrap(True)
        self._hint = hint = PlainLabel("", self)
        hint.setWordWrap(True)
        self._scale = PainScale(f"{name}Scale", question, self)
        heading.setBuddy(self._scale.button(0))
        buttons = QDialogButtonBox(self)
        self._skip = buttons.addButton("", QDialogButtonBox.ButtonRole.RejectRole)
        self._skip.setObjectName(f"{name}Skip")
        self._continue = buttons.addButton("", QDialogButtonBox.ButtonRole.AcceptRole)
        self._continue.setObjectName(f"{name}Continue")
        self._continue.setEnabled(False)
        self._skip.setDefault(True)
        self._skip.clicked.connect(self._on_skip_clicked)
        self._continue.clicked.connect(self.accept)
        self._scale.valueChanged.connect(self._on_value_changed)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addWidget(self._scale)
        layout.addWidget(buttons)
        self.setTabOrder(self._scale.button(0), self._continue)
        self.setTabOrder(self._continue, self._skip)
        self._retranslate()
        self._scale.focus_scale()
        width = max(520, self.minimumSizeHint().width())
        # As tall as its texts wrapped at that width: the size hint counts the question
        # on one line, and at a large text size the scale's end labels then lay over
        # its buttons.
        layout.activate()
        fit_window(self, QSize(width, max(self.sizeHint().height(),
                                          layout.totalHeightForWidth(width))))

    @property
    def value(self) -> int | None:
        if self._skipped or self.result() == QDialog.DialogCode.Rejected:
            return None
        return self._scale.value

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_continue"):
            self._retranslate()

    def _retranslate(self) -> None:
        """Every text of the dialog in the current language."""
        self.setAccessibleName(_(self._question))
        self.setWindowTitle(_("Pain rating"))
        self._heading.setText(_(self._question))
        self._hint.setText(_("Optional: choose a number, or skip."))
        self._skip.setText(_("&Skip"))
        self._skip.setAccessibleName(_("Skip the pain rating"))
        self._continue.setText(_("Continue"))
        self._continue.setAccessibleName(_("Continue"))

    @property
    def scale(self) -> PainScale:
        return self._scale

    def skip_button(self) -> QAbstractButton:
        return self._skip

    def continue_button(self) -> QAbstractButton:
        return self._continue

    def _on_skip_clicked(self) -> None:
        self._skipped = True
        self.accept()

    def _on_value_changed(self, _value: object) -> None:
        self._continue.setEnabled(True)
        self._skip.setDefault(False)
        self._continue.setDefault(True)
