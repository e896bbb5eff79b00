"""The questions the editor and the routine actions ask, each in one function.

Kept apart so a test answers them by replacing the function, instead of clicking a
modal box that would block it.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget

from massage_timer.core.model.language import N_, _
from massage_timer.core.model.text import single_line
from massage_timer.ui.questions import destructive_question

TOML_FILTER = N_("Routine files (*.toml)")


class Unsaved(Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class Conflict(Enum):
    REPLACE = "replace"
    COPY = "copy"
    CANCEL = "cancel"


def ask_unsaved(parent: QWidget, title: str, *, can_save: bool = True) -> Unsaved:
    """Save, discard or keep editing; without ``can_save`` (the routine has problems)
    only discard or keep editing, and why: a Save that cannot save would do nothing."""
    if not can_save:
        # TRANSLATORS: closing the routine editor with changes that have problems.
        text = _("The changes cannot be saved until the problems listed in the editor "
                 "are fixed. Discard them, or keep editing?")
    else:
        text = _("Save the changes to “{title}”?").format(title=single_line(title))
    box = QMessageBox(QMessageBox.Icon.Question, _("Unsaved changes"), text, parent=parent)
    box.setObjectName("unsavedQuestion")
    box.setTextFormat(Qt.TextFormat.PlainText)
    save = (box.addButton(_("&Save"), QMessageBox.ButtonRole.AcceptRole) if can_save
            else None)
    discard = box.addButton(_("&Discard changes"), QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton(_("&Keep editing"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save if save is not None else keep)
    box.exec()
    clicked = box.clickedButton()
    if save is not None and clicked is save:
        return Unsaved.SAVE
    return Unsaved.DISCARD if clicked is discard else Unsaved.CANCEL


def ask_conflict(parent: QWidget, routine_id: str, existing: str, replaceable: bool) -> Conflict:
    """An imported routine has the id of one in the library: replace it, or a copy?"""
    box = QMessageBox(QMessageBox.Icon.Question, _("A routine with this id exists"),
                      _("The library already has “{title}” with the id '{id}'.").format(
                          title=single_line(existing), id=routine_id), parent=parent)
    box.setObjectName("importConflictQuestion")
    box.setTextFormat(Qt.TextFormat.PlainText)
    replace = None
    if replaceable:
        replace = box.addButton(_("&Replace it"), QMessageBox.ButtonRole.DestructiveRole)
    copy = box.addButton(_("Import as a &copy"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("Ca&ncel"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    if replace is not None and clicked is replace:
        return Conflict.REPLACE
    return Conflict.COPY if clicked is copy else Conflict.CANCEL


def delete_question(parent: QWidget | None, title: str) -> tuple[QMessageBox, QPushButton]:
    """The question before a routine is moved to the trash, and its Delete button.
    Cancel is the default: Enter, pressed out of habit, deletes nothing."""
    text = _("Delete “{title}”? Its file is moved to the trash.").format(
        title=single_line(title))
    return destructive_question(parent, "deleteQuestion", _("Delete routine"), text,
                                _("&Delete"))


def confirm_delete(parent: QWidget, title: str) -> bool:
    box, delete = delete_question(parent, title)
    box.exec()
    return box.clickedButton() is delete


def delete_for_good_question(parent: QWidget | None, file: Path,
                             reason: str) -> tuple[QMessageBox, QPushButton]:
    """The question when the trash refused the file: deleting now cannot be undone."""
    text = _("{file} could not be moved to the trash ({reason}). Delete it for good? "
             "This cannot be undone.").format(file=file, reason=reason)
    return destructive_question(parent, "deleteForGoodQuestion", _("Delete routine"), text,
                                _("Delete for &good"))


def confirm_delete_for_good(parent: QWidget, file: Path, reason: str) -> bool:
    box, delete = delete_for_good_question(parent, file, reason)
    box.exec()
    return box.clickedButton() is delete


def replace_file_question(parent: QWidget | None,
                          path: Path) -> tuple[QMessageBox, QPushButton]:
    text = _("{file} exists. Replace it?").format(file=path.name)
    return destructive_question(parent, "replaceFileQuestion", _("Replace file"), text,
                                _("&Replace"))


def confirm_replace_file(parent: QWidget, path: Path) -> bool:
    box, replace = replace_file_question(parent, path)
    box.exec()
    return box.clickedButton() is replace


def choose_import_files(parent: QWidget) -> list[Path]:
    names, _filter = QFileDialog.getOpenFileNames(parent, _("Import routines"), "",
                                                  _(TOML_FILTER))
    return [Path(n) for n in names]


def choose_export_file(parent: QWidget, suggested: str) -> Path | None:
    name, _filter = QFileDialog.getSaveFileName(parent, _("Export routine"), suggested,
                                                _(TOML_FILTER))
    return Path(name) if name else None


def show_problems(parent: QWidget, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
