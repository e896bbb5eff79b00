"""The library window's routine actions: buttons under the list, a Routine menu, and
routine files dropped onto the window.

Made by the library window, which tells it the current routine; it only forwards what
the person asks for (the work is :class:`~massage_timer.ui.editor.editing.RoutineEditing`).

Signals:
    newRequested(), duplicateRequested(str), editRequested(str), deleteRequested(str),
    exportRequested(str): the routine id where there is one.
    importRequested(object): a list of dropped files, or None to ask for them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QSizePolicy, QToolButton

from massage_timer.core.model.language import N_, _
from massage_timer.core.storage.loader import LoadedRoutine, Origin
from massage_timer.ui.wrapping_row import WrappingRow

READ_ONLY_TIP = N_("Built-in routines are never changed: duplicate one to edit the copy")


def dropped_files(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls()
            if u.isLocalFile() and u.toLocalFile().lower().endswith(".toml")]


class RoutineActions(QObject):
    newRequested = Signal()
    duplicateRequested = Signal(str)
    editRequested = Signal(str)
    deleteRequested = Signal(str)
    importRequested = Signal(object)
    exportRequested = Signal(str)

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._current: LoadedRoutine | None = None
        self.bar = WrappingRow(window)
        self.bar.setObjectName("routineActions")
        self.new_button = self._button("newRoutineButton")
        self.duplicate_button = self._button("duplicateRoutineButton")
        self.edit_button = self._button("editRoutineButton")
        self.delete_button = self._button("deleteRoutineButton")
        self.import_button = self._button("importRoutineButton")
        self.bar.set_widgets([self.new_button, self.duplicate_button, self.edit_button,
                              self.delete_button, self.import_button])

        self.new_action = self._action("actionNewRoutine", "Ctrl+N")
        self.duplicate_action = self._action("actionDuplicateRoutine", "Ctrl+D")
        self.edit_action = self._action("actionEditRoutine", "Ctrl+E")
        self.delete_action = self._action("actionDeleteRoutine")
        self.import_action = self._action("actionImportRoutine", "Ctrl+I")
        self.export_action = self._action("actionExportRoutine")
        self.menu = QMenu(window)
        self.menu.setObjectName("menuRoutine")
        for action in (self.new_action, self.duplicate_action, self.edit_action,
                       self.delete_action):
            self.menu.addAction(action)
        self.menu.addSeparator()
        self.menu.addAction(self.import_action)
        self.menu.addAction(self.export_action)

        self.new_button.clicked.connect(self.newRequested)
        self.new_action.triggered.connect(self.newRequested)
        for button, action, signal in (
            (self.duplicate_button, self.duplicate_action, self.duplicateRequested),
            (self.edit_button, self.edit_action, self.editRequested),
            (self.delete_button, self.delete_action, self.deleteRequested),
            (None, self.export_action, self.exportRequested),
        ):
            if button is not None:
                button.clicked.connect(lambda _c=False, s=signal: self._forward(s))
            action.triggered.connect(lambda _c=False, s=signal: self._forward(s))
        self.import_button.clicked.connect(lambda: self.importRequested.emit(None))
        self.import_action.triggered.connect(lambda: self.importRequested.emit(None))
        window.setAcceptDrops(True)
        window.installEventFilter(self)
        self._retranslate()

    def _retranslate(self) -> None:
        """Every text of the buttons and the menu in the current language."""
        for button, text, tip, accessible in (
            (self.new_button, _("&New"), _("Write a new routine"), None),
            (self.duplicate_button, _("Dupli&cate"),
             _("Duplicate to edit: make your own copy of this routine to change"),
             _("Duplicate to edit")),
            (self.edit_button, _("Ed&it"), _("Change this routine"), None),
            (self.delete_button, _("&Delete"),
             _("Delete this routine (its file goes to the trash)"), None),
            (self.import_button, _("I&mport…"), _("Add routine files to your routines"), None),
        ):
            button.setText(text)
            button.setAccessibleName(accessible or text.replace("&", "").rstrip("…"))
            button.setToolTip(tip)
        for action, text in (
            (self.new_action, _("&New routine…")),
            (self.duplicate_action, _("&Duplicate to edit…")),
            (self.edit_action, _("&Edit routine…")),
            (self.delete_action, _("De&lete routine")),
            (self.import_action, _("&Import routine…")),
            (self.export_action, _("E&xport routine…")),
        ):
            action.setText(text)
        self.menu.setTitle(_("R&outine"))
        self.set_current(self._current)
        self.bar.rearrange()

    def _button(self, name: str) -> QToolButton:
        # Tool buttons are as wide as their text: the row stays narrower than the list.
        # Wrapped, each fills its column, so that the rows line up without gaps.
        button = QToolButton(self.bar)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        button.setObjectName(name)
        return button

    def _action(self, name: str, shortcut: str | None = None) -> QAction:
        action = QAction(self._window)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        self._window.addAction(action)
        return action

    def set_current(self, loaded: LoadedRoutine | None) -> None:
        """The routine the actions apply to; editing and deleting are for the user's own."""
        self._current = loaded
        has = loaded is not None
        own = loaded is not None and loaded.origin is Origin.USER
        for widget in (self.duplicate_button, self.duplicate_action, self.export_action):
            widget.setEnabled(has)
        for widget in (self.edit_button, self.edit_action, self.delete_button,
                       self.delete_action):
            widget.setEnabled(own)
        self.edit_button.setToolTip(
            _("Change this routine") if own or not has else _(READ_ONLY_TIP))
        self.delete_button.setToolTip(
            _("Delete this routine (its file goes to the trash)") if own or not has
            else _("Built-in routines cannot be deleted"))

    def _forward(self, signal: Signal) -> None:
        if self._current is not None:
            signal.emit(self._current.routine.id)  # type: ignore[attr-defined]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window:
            if event.type() == QEvent.Type.LanguageChange:
                self._retranslate()
            elif isinstance(event, QDragEnterEvent) and dropped_files(event):
                event.acceptProposedAction()
                return True
            if isinstance(event, QDropEvent) and event.type() == QEvent.Type.Drop:
                files = dropped_files(event)
                if files:
                    event.acceptProposedAction()
                    self.importRequested.emit(files)
                    return True
        return super().eventFilter(watched, event)
