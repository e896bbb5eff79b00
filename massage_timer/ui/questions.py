"""Questions asked before something is thrown away, and the one asked before quitting.

Each is one function, so a test answers it by replacing the function instead of
clicking a modal box that would block it.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from massage_timer.core.model.language import _, ngettext


class UnsavedHistory(Enum):
    RETRY = "retry"
    QUIT = "quit"
    KEEP = "keep"


def destructive_question(parent: QWidget | None, name: str, title: str, text: str,
                         action: str) -> tuple[QMessageBox, QPushButton]:
    """A question whose answer destroys something: the destroying button is never the
    default, Cancel is (Enter and Escape both keep everything)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    box.setObjectName(name)
    box.setTextFormat(Qt.TextFormat.PlainText)
    destroy = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(_("Ca&ncel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    return box, destroy


def unsaved_history_question(
    parent: QWidget | None, sessions: int, path: Path, reason: str,
) -> tuple[QMessageBox, QPushButton, QPushButton]:
    """Quitting would lose history the disk refused: the box, its Quit and its Try again.
    Only the history file's own records are at stake; routines and settings are saved
    elsewhere."""
    if sessions:
        text = ngettext(
            "{count} session could not be saved to {path} ({reason}). If you quit now, "
            "it is lost.",
            "{count} sessions could not be saved to {path} ({reason}). If you quit now, "
            "they are lost.", sessions).format(count=sessions, path=path, reason=reason)
    else:
        # TRANSLATORS: the records are the reminders taken or skipped and the checklist
        # answers since the disk stopped taking writes.
        text = _("Your latest reminder and checklist records could not be saved to {path} "
                 "({reason}). If you quit now, they are lost.").format(path=path,
                                                                       reason=reason)
    text += "\n\n" + _("Free some space on the disk (or fix what the reason says), "
                        "then choose Try again.")
    box, lose = destructive_question(parent, "unsavedHistoryQuestion", _("History not saved"),
                                     text, _("&Quit and lose them"))
    retry = box.addButton(_("&Try again"), QMessageBox.ButtonRole.AcceptRole)
    return box, lose, retry


def ask_unsaved_history(
    parent: QWidget | None, sessions: int, path: Path, reason: str,
) -> UnsavedHistory:
    box, lose, retry = unsaved_history_question(parent, sessions, path, reason)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    if clicked is lose:
        return UnsavedHistory.QUIT
    return UnsavedHistory.RETRY if clicked is retry else UnsavedHistory.KEEP
