"""Notices that stay until they are read: a file moved aside, settings reset, a routine
missing.

The status bar suits passing messages only: the empty status tip a menu sends on its
way wipes what it shows, and it holds one line, so a moved-aside file's path ran off its
edge. These notices say what happened to a person's data; they stay above the library,
whole and selectable (the path can be copied), until the person hides them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QWidget

from massage_timer.core.model.language import _
from massage_timer.ui.desktop.language import Retranslating
from massage_timer.ui.plain import PlainLabel
from massage_timer.ui.theme import Accent, HideButton, PaletteStyle, accent


def _sheet(palette: QPalette) -> str:
    """The bar in the theme's colours, written out (see :class:`PaletteStyle`)."""
    color = accent(Accent.PRIMARY, palette).name()
    background = palette.color(QPalette.ColorRole.AlternateBase).name()
    return (f"QFrame#noticeBar {{ border: 1px solid {color}; border-left: 5px solid {color};"
            f" border-radius: 4px; background: {background}; margin: 8px 9px 0 9px; }}")


class NoticeBar(Retranslating, QFrame):
    """The notices given so far, one paragraph each, with a button that hides them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeBar")
        self._texts: list[str] = []
        self.label = PlainLabel(self)
        self.label.setObjectName("noticeBarText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                           | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.label.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.close_button = HideButton(self)
        self.close_button.setObjectName("noticeBarClose")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 14, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.close_button.clicked.connect(self.dismiss)
        self.style_follower = PaletteStyle(self, _sheet)
        self._retranslate()
        self.hide()

    def _retranslate(self) -> None:
        self.setAccessibleName(_("Notices"))
        self.label.setAccessibleName(_("Notices"))

    def texts(self) -> list[str]:
        return list(self._texts)

    def add(self, text: str) -> None:
        """Show ``text`` under the notices already there (once, however often given)."""
        if text in self._texts:
            return
        self._texts.append(text)
        self.label.setText("\n".join(self._texts))
        self.label.setAccessibleDescription(self.label.text())
        self.show()

    def dismiss(self) -> None:
        self._texts.clear()
        self.label.clear()
        self.hide()
