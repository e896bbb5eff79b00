"""The short check: a later break the same day confirms the checklist in one answer.

Offered only when :func:`~massage_timer.core.model.short_check.short_check_since` allows
it. The whole list of red flags stays in view (read-only), so the answer is about that
list, not from memory; any change leads to the full checklist, never past it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

from PySide6.QtCore import QEvent, QLocale, QSize, Qt, QTime
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QFrame,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from massage_timer.core.model.language import _
from massage_timer.core.model.safety import Checklist
from massage_timer.ui.plain import PlainLabel
from massage_timer.ui.screen_fit import available_area, client_area, fit_window
from massage_timer.ui.theme import PrimaryButton, RelativeFont

CHANGED = 2
"""The dialog's result when something on the list changed: ask the full checklist."""


class ShortCheckDialog(QDialog):
    """"Has anything on this list changed since HH:MM?" (objectName ``shortCheck``).

    Accepted through ``shortCheckConfirm`` (nothing changed: :attr:`confirmed_at` is
    set); finished with :data:`CHANGED` through ``shortCheckChanged``; rejected (Cancel,
    Esc, closing) means no break.
    """

    def __init__(
        self,
        checklist: Checklist,
        since: datetime,
        parent: QWidget | None = None,
        *,
        tz: tzinfo | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self.checklist = checklist
        self._now = now
        self._confirmed_at: datetime | None = None
        self.setObjectName("shortCheck")
        self._title: Callable[[], str] = lambda: _("Before your break")
        local = since.astimezone(tz)
        self._since = QTime(local.hour, local.minute)
        self.question = ""

        self._heading = heading = PlainLabel("", self)
        heading.setObjectName("shortCheckHeading")
        heading.setWordWrap(True)
        RelativeFont(heading, 1.25, bold=True)
        self._intro = intro = PlainLabel("", self)
        intro.setObjectName("shortCheckIntro")
        intro.setWordWrap(True)

        items = QWidget(self)
        items.setObjectName("shortCheckItems")
        items_layout = QVBoxLayout(items)
        items_layout.setSpacing(8)
        for item in checklist.items:
            question = PlainLabel(f"•  {item.question}", items)
            question.setObjectName(f"shortCheck_{item.id}")
            question.setWordWrap(True)
            question.setAccessibleDescription(item.help)
            items_layout.addWidget(question)
        items_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.StyledPanel)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setBackgroundRole(QPalette.ColorRole.Base)
        scroll.setWidget(items)

        self.cancel_button = QPushButton(self)
        self.cancel_button.setObjectName("shortCheckCancel")
        self.cancel_button.clicked.connect(self.reject)
        self.changed_button = QPushButton(self)
        self.changed_button.setObjectName("shortCheckChanged")
        self.changed_button.clicked.connect(self._on_changed_clicked)
        self.confirm_button = PrimaryButton("", self)
        self.confirm_button.setObjectName("shortCheckConfirm")
        self.confirm_button.setDefault(True)
        self.confirm_button.clicked.connect(self._on_confirm_clicked)
        buttons = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.changed_button)
        buttons.addWidget(self.confirm_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self._retranslate()
        room = client_area(available_area(self)).width() - 40
        if buttons.minimumSize().width() > room:  # a narrow screen: the buttons stacked
            buttons.setDirection(QBoxLayout.Direction.TopToBottom)
        fit_window(self, QSize(640, 520))
        self.confirm_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_title(self, title: Callable[[], str]) -> None:
        """The window title, made again in the new language when it changes."""
        self._title = title
        self.setWindowTitle(title())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "confirm_button"):
            self._retranslate()

    def _retranslate(self) -> None:
        """The dialog's own texts in the current language (the items are content)."""
        when = QLocale().toString(self._since, QLocale.FormatType.ShortFormat)
        self.setWindowTitle(self._title())
        self.setAccessibleName(_("Short safety check"))
        # TRANSLATORS: {time} is when the full safety checklist was answered today.
        self.question = _("Has anything on this list changed since {time}?").format(time=when)
        self._heading.setText(self.question)
        self._intro.setText(_(
            "You answered No to every question at {time}. If any of these is now true,"
            " or you are not sure, answer the full list.").format(time=when))
        self.cancel_button.setText(_("Cancel"))
        self.changed_button.setText(_("Something changed — answer the full list"))
        self.confirm_button.setText(_("Nothing has changed — start"))

    @property
    def confirmed_at(self) -> datetime | None:
        """When the person said nothing has changed (UTC), or ``None``."""
        return self._confirmed_at

    def _on_confirm_clicked(self) -> None:
        self._confirmed_at = self._now()
        self.accept()

    def _on_changed_clicked(self) -> None:
        self.done(CHANGED)
