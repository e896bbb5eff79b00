"""The routine editor: every field of the format, checked as you type.

The editor edits the plain data of a routine file (see
:mod:`massage_timer.core.model.routine_data`). After every edit that data is written
as the TOML text that Save would write and read back through the one way in
(:func:`~massage_timer.core.storage.loader.parse_routine`), so the problems shown are
the ones ``massage-timer validate`` reports, word for word, and what is saved is what
was checked. Each edit is a snapshot on a QUndoStack; typing in one field merges into
one step of Undo.

Signals:
    saved(str, object): the routine id and the file written.
    hearRequested(str): say this instruction in the chosen voice.
    playRequested(object): play this Step in a preview.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec
from PySide6.QtCore import QEvent, QModelIndex, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from massage_timer.core.model.language import N_, _
from massage_timer.core.model.routine import Routine, Step, StepKind
from massage_timer.core.model.routine_data import Data, blank_step, copy_data, free_id, slug
from massage_timer.core.model.speech_timing import AS_WRITTEN, SpeechTiming
from massage_timer.core.model.text import isolated, single_line
from massage_timer.core.model.validation import ValidationError, convert
from massage_timer.core.storage import routine_file
from massage_timer.core.storage.loader import RoutineLoadError
from massage_timer.ui.durations import duration, short_duration
from massage_timer.ui.editor import questions
from massage_timer.ui.editor.fields import (
    ABSENT,
    FieldEditor,
    FlagField,
    label_for,
    make_field,
    plain_label,
)
from massage_timer.ui.editor.region_picker import RegionPicker
from massage_timer.ui.plain import PlainLabel
from massage_timer.ui.screen_fit import FitScrollArea, fit_window
from massage_timer.ui.theme import PrimaryButton
from massage_timer.ui.wrapping_row import WrappingRow

OriginRole = Qt.ItemDataRole.UserRole + 1
_STEP_AT = re.compile(r"^steps\[(\d+)\](?:\.(\w+))?")
_QUOTED = re.compile(r"'(\w+)'")


def _defaults(model: type[msgspec.Struct]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in msgspec.structs.fields(model):
        if f.required:
            continue
        value = f.default_factory() if f.default is msgspec.NODEFAULT else f.default
        if isinstance(value, tuple):
            value = [getattr(v, "value", v) for v in value]
        out[f.encode_name] = getattr(value, "value", value)
    return out


ROUTINE_DEFAULTS = _defaults(Routine)
STEP_DEFAULTS = _defaults(Step)


def set_key(table: dict[str, Any], name: str, value: Any, defaults: Mapping[str, Any]) -> None:
    """Write ``value`` under ``name``; an empty field or a default not yet written is left out."""
    if value is ABSENT:
        table.pop(name, None)
    elif name not in table and name in defaults and value == defaults[name]:
        return
    else:
        table[name] = value


@dataclass(frozen=True)
class Snapshot:
    data: Data
    origins: tuple[int | None, ...]
    row: int


class _Edit(QUndoCommand):
    """One edit: the whole routine before and after (a routine is a few kilobytes)."""

    def __init__(self, editor: RoutineEditor, before: Snapshot, after: Snapshot,
                 text: str, merge_key: str | None) -> None:
        super().__init__(text)
        self._editor = editor
        self.before = before
        self.after = after
        self.merge_key = merge_key
        self._first = True

    def id(self) -> int:
        return 17 if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, _Edit) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        if self._first:  # the widgets already show it
            self._first = False
            return
        self._editor.restore(self.after)

    def undo(self) -> None:
        self._editor.restore(self.before)


class _UndoKeys(QObject):
    """Ctrl+Z and Ctrl+Shift+Z in a text field are the editor's Undo and Redo: one
    history covers every field (a field's own undo would be a second one)."""

    def __init__(self, stack: QUndoStack) -> None:
        super().__init__(stack)
        self._stack = stack

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QKeyEvent) and event.type() in (
            QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress
        ):
            undo = event.matches(QKeySequence.StandardKey.Undo)
            redo = event.matches(QKeySequence.StandardKey.Redo)
            if undo or redo:
                event.accept()
                if event.type() == QEvent.Type.KeyPress:
                    (self._stack.undo if undo else self._stack.redo)()
                return True
        return super().eventFilter(watched, event)


NOTICE_MS = 8000
"""How long a notice stays in the editor."""


class RoutineEditor(QDialog):
    """Create or change one routine; Save writes it to ``folder`` (or its own file)."""

    saved = Signal(str, object)
    hearRequested = Signal(str)
    playRequested = Signal(object)

    def __init__(
        self,
        data: Mapping[str, Any],
        *,
        folder: Path,
        original: bytes | None = None,
        file: Path | None = None,
        taken: Mapping[str, Path] | None = None,
        elsewhere: Collection[str] = (),
        hidden_by: Mapping[str, Path] | None = None,
        timing: SpeechTiming = AS_WRITTEN,
        parent: QWidget | None = None,
    ) -> None:
        """``original`` is the file's text when editing (its comments are kept),
        ``file`` where it lives (None: a new file named after the id in ``folder``);
        ``taken`` the ids of the other routines in ``folder`` and their files;
        ``elsewhere`` the built-in routines' ids: a routine of ``folder`` with one of
        them takes that built-in's place in the library; ``hidden_by`` the ids of the
        routines of the folders given with ``--routines-dir`` and their files: those
        would hide a routine of ``folder`` with their id."""
        super().__init__(parent)
        self.setObjectName("routineEditor")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self._folder = folder
        self._original = original
        self._file = file
        self._taken = dict(taken or {})
        self._elsewhere = frozenset(elsewhere)
        self._hidden_by = dict(hidden_by or {})
        self._timing = timing
        self._data: Data = copy_data(data)
        steps = self._data.setdefault("steps", [])
        self._origins: list[int | None] = (
            list(range(len(steps))) if original else [None] * len(steps)
        )
        self._restoring = False
        # A new routine's id follows its title until the id is typed in.
        self._id_follows_title = original is None and file is None
        self._file_id = self._data.get("id") if file is not None else None
        self.routine: Routine | None = None
        self.problems: list[tuple[str, str]] = []
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setObjectName("editorUndoStack")

        self._routine_fields: dict[str, FieldEditor] = {}
        self._step_fields: dict[str, FieldEditor] = {}
        self._button_texts: list[tuple[QPushButton, str, str]] = []
        self._form_labels: list[tuple[QLabel, str]] = []
        self._build()
        self._retranslate()
        for button in self.findChildren(QPushButton):
            # Enter in a field must not press a button (a dialog's default is Add step).
            button.setAutoDefault(False)
            button.setDefault(False)
        keys = _UndoKeys(self.undo_stack)
        for field in [*self._routine_fields.values(), *self._step_fields.values()]:
            if isinstance(field.focus_widget(), QLineEdit | QPlainTextEdit):
                field.focus_widget().installEventFilter(keys)
        self.restore(Snapshot(copy_data(self._data), tuple(self._origins), 0 if steps else -1))
        self.undo_stack.cleanChanged.connect(self._update_state)
        fit_window(self, QSize(1180, 780))
        self.title_edit.setFocus()  # where a new routine starts (else the tab bar had it)

    # -- building ----------------------------------------------------------------
    def _region_picker(self, name: str, parent: QWidget) -> FieldEditor:
        return RegionPicker(name, parent)

    def _form(self, model: type[msgspec.Struct], fields: dict[str, FieldEditor],
              on_edit: Callable[[FieldEditor], None], parent: QWidget) -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for f in msgspec.structs.fields(model):
            field = make_field(f.encode_name, f.type, self._region_picker, parent)
            if field is None:
                continue
            fields[f.encode_name] = field
            field.edited.connect(lambda field=field: on_edit(field))
            if isinstance(field, FlagField):
                form.addRow("", field)
            else:
                label = QLabel(label_for(f.encode_name), parent)
                self._form_labels.append((label, f.encode_name))
                label.setBuddy(field.focus_widget())
                form.addRow(label, field)
        return form

    def _build(self) -> None:
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("editorTabs")

        routine_page = QWidget(self)
        routine_page.setLayout(self._form(Routine, self._routine_fields,
                                          self._on_routine_field_edited, routine_page))
        self.title_edit = self._routine_fields["title"].focus_widget()
        self.title_edit.setObjectName("editorTitle")
        routine_scroll = QScrollArea(self)
        routine_scroll.setWidgetResizable(True)
        routine_scroll.setWidget(routine_page)
        self.tabs.addTab(routine_scroll, "")

        steps_page = QWidget(self)
        self.step_list = QListWidget(steps_page)
        self.step_list.setObjectName("editorStepList")
        self.step_list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.step_list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.step_list.setMinimumWidth(240)
        self.add_step = self._button("editorAddStep", N_("&Add step"),
                                     N_("Add a step after this one"))
        self.duplicate_step = self._button("editorDuplicateStep", N_("&Duplicate step"),
                                           N_("Add a copy of this step after it"))
        self.remove_step = self._button("editorRemoveStep", N_("Re&move step"),
                                        N_("Remove this step (Delete in the list)"))
        self.move_up = self._button("editorMoveUp", N_("Move up"),
                                    N_("Move this step up (Alt+Up)"))
        self.move_down = self._button("editorMoveDown", N_("Move down"),
                                      N_("Move this step down (Alt+Down)"))
        self.step_list.installEventFilter(self)
        list_box = QVBoxLayout()
        list_box.addWidget(self.step_list, 1)
        for row in ((self.add_step, self.duplicate_step, self.remove_step),
                    (self.move_up, self.move_down)):
            line = QHBoxLayout()
            for b in row:
                line.addWidget(b)
            list_box.addLayout(line)
        left_page = QWidget(steps_page)
        left_page.setLayout(list_box)
        # A short screen scrolls the list and its buttons, not the whole editor.
        left = FitScrollArea(left_page, steps_page, across=False)

        step_form_page = QWidget(steps_page)
        step_layout = QVBoxLayout(step_form_page)
        step_layout.addLayout(self._form(Step, self._step_fields, self._on_step_field_edited,
                                         step_form_page))
        self.hear = self._button("editorHear", N_("&Hear the instruction"),
                                 N_("Say the instruction in the voice chosen in the settings"))
        self.play = self._button("editorPlayStep", N_("Pla&y this step"),
                                 N_("Play this step with its countdown and cues (not recorded)"))
        try_row = QHBoxLayout()
        try_row.addWidget(self.hear)
        try_row.addWidget(self.play)
        try_row.addStretch(1)
        step_layout.addLayout(try_row)
        step_scroll = QScrollArea(steps_page)
        step_scroll.setWidgetResizable(True)
        step_scroll.setWidget(step_form_page)
        splitter = QSplitter(Qt.Orientation.Horizontal, steps_page)
        splitter.addWidget(left)
        splitter.addWidget(step_scroll)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([280, 860])
        QVBoxLayout(steps_page).addWidget(splitter)
        self.tabs.addTab(steps_page, "")
        for scroll in (routine_scroll, step_scroll, left):
            # No Tab stop of their own: Tab goes to the fields inside, which they scroll to.
            scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.problem_list = QListWidget(self)
        self.problem_list.setObjectName("editorProblems")
        self.problem_list.setMaximumHeight(90)
        rows = self.problem_list.fontMetrics().lineSpacing() * 2
        self.problem_list.setMinimumHeight(rows + 2 * self.problem_list.frameWidth() + 4)
        self.total = PlainLabel(self)
        self.total.setObjectName("editorTotal")
        self.undo_button = self._button("editorUndo", N_("Undo"), N_("Undo (Ctrl+Z)"))
        self.redo_button = self._button("editorRedo", N_("Redo"), N_("Redo (Ctrl+Shift+Z)"))
        self.save_button = PrimaryButton("", self)
        self.save_button.setObjectName("editorSave")
        # Shortcuts of the dialog, not of the buttons: a button's label sets the
        # button's one shortcut to its accelerator each time it is translated.
        for key, button in ((QKeySequence.StandardKey.Undo, self.undo_button),
                            (QKeySequence.StandardKey.Redo, self.redo_button),
                            (QKeySequence.StandardKey.Save, self.save_button)):
            QShortcut(key, self).activated.connect(button.animateClick)
        self.cancel_button = self._button("editorCancel", N_("Cancel"),
                                          N_("Close without saving"))
        # At a large text size the five do not fit side by side on a small screen: they
        # wrap, Save and Cancel still in reach.
        bottom = WrappingRow(self, spacing=6)
        bottom.setObjectName("editorButtons")
        bottom.set_widgets([self.undo_button, self.redo_button, self.total,
                            self.cancel_button, self.save_button], stretch=[0, 0, 1, 0, 0])
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        self._problems_label = QLabel(self)
        self._problems_label.setBuddy(self.problem_list)
        layout.addWidget(self._problems_label)
        layout.addWidget(self.problem_list)
        self.notice = PlainLabel(self)
        self.notice.setObjectName("editorNotice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.setInterval(NOTICE_MS)
        self._notice_timer.timeout.connect(self.notice.hide)
        layout.addWidget(self.notice)
        layout.addWidget(bottom)

        self.step_list.currentRowChanged.connect(self._on_current_step_changed)
        self.step_list.model().rowsMoved.connect(self._on_rows_dragged)
        self.add_step.clicked.connect(self._on_add_step)
        self.duplicate_step.clicked.connect(self._on_duplicate_step)
        self.remove_step.clicked.connect(self._on_remove_step)
        self.move_up.clicked.connect(lambda: self._move(-1))
        self.move_down.clicked.connect(lambda: self._move(1))
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.redo_button.clicked.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.problem_list.itemActivated.connect(self._on_problem_activated)
        self.hear.clicked.connect(self._on_hear)
        self.play.clicked.connect(self._on_play)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """In the step list, Delete removes the current step, Alt+Up/Down move it."""
        if (watched is self.step_list and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)):
            alt = event.modifiers() == Qt.KeyboardModifier.AltModifier
            if event.matches(QKeySequence.StandardKey.Delete):
                self._on_remove_step()
                return True
            if alt and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self._move(-1 if event.key() == Qt.Key.Key_Up else 1)
                return True
        return super().eventFilter(watched, event)

    def _button(self, name: str, text: str, tip: str) -> QPushButton:
        """A button whose ``text`` and ``tip`` (marked with ``N_``) are translated by
        :meth:`_retranslate`."""
        button = QPushButton(self)
        button.setObjectName(name)
        self._button_texts.append((button, text, tip))
        return button

    def _retranslate(self) -> None:
        """Every text of the editor in the current language, also while it is open."""
        for button, text, tip in self._button_texts:
            button.setText(_(text))
            button.setAccessibleName(_(text).replace("&", ""))
            button.setToolTip(_(tip))
        self.tabs.setTabText(0, _("&Routine"))
        self.tabs.setTabText(1, _("S&teps"))
        self.step_list.setAccessibleName(_("Steps (drag to reorder, or Alt+Up and Alt+Down)"))
        self.problem_list.setAccessibleName(_("Problems to fix before saving"))
        self.save_button.setText(_("&Save"))
        self.save_button.setAccessibleName(_("Save"))
        self._problems_label.setText(_("&Problems:"))
        for label, name in self._form_labels:
            label.setText(label_for(name))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
            self._recheck_texts()
        super().changeEvent(event)

    def _recheck_texts(self) -> None:
        """The texts computed from the routine (steps, problems, total, title) again."""
        for i, step in enumerate(self._steps()):
            if i < self.step_list.count():
                self.step_list.item(i).setText(self._step_text(i, step))
        self._check()

    # -- state ---------------------------------------------------------------------
    @property
    def data(self) -> Data:
        """A copy of what Save would write (as plain data)."""
        return copy_data(self._data)

    @property
    def file(self) -> Path | None:
        return self._file

    @property
    def dirty(self) -> bool:
        return self._file is None or not self.undo_stack.isClean()

    def field(self, name: str, step: bool = False) -> FieldEditor:
        return (self._step_fields if step else self._routine_fields)[name]

    def current_row(self) -> int:
        return self.step_list.currentRow()

    def _snapshot(self) -> Snapshot:
        return Snapshot(copy_data(self._data), tuple(self._origins), self.current_row())

    def _steps(self) -> list[Data]:
        steps: list[Data] = self._data.setdefault("steps", [])
        return steps

    def restore(self, snap: Snapshot) -> None:
        """Show ``snap`` in every widget (undo, redo, start)."""
        self._restoring = True
        self._data = copy_data(snap.data)
        self._origins = list(snap.origins)
        for name, field in self._routine_fields.items():
            field.set_value(self._data.get(name, ABSENT))
        self._fill_step_list(snap.row)
        self._restoring = False
        self._show_step()
        self._check()

    def _commit(self, before: Snapshot, text: str, merge_key: str | None = None) -> None:
        self.undo_stack.push(_Edit(self, before, self._snapshot(), text, merge_key))
        self._check()

    def _fill_step_list(self, row: int) -> None:
        lst = self.step_list
        lst.blockSignals(True)
        lst.clear()
        for i, step in enumerate(self._steps()):
            item = QListWidgetItem(lst)
            item.setData(OriginRole, i)
            item.setText(self._step_text(i, step))
        steps = len(self._steps())
        lst.setCurrentRow(min(max(row, 0), steps - 1) if steps else -1)
        lst.blockSignals(False)

    def _step_text(self, index: int, step: Mapping[str, Any]) -> str:
        raw = str(step.get("title", "")).strip()
        title = isolated(raw) if raw else _("(no title)")
        kind = str(step.get("kind", ""))
        if kind in set(StepKind):  # as the kind field shows it
            kind = StepKind(kind).label
        try:
            seconds = convert(step, Step, strip=True).seconds_at(self._timing)
            length = short_duration(seconds)
        except (ValidationError, ValueError, TypeError):
            length = "?"
        # TRANSLATORS: a step in the editor's list: "3. Neck glide (Hold, 1 min)";
        # {kind} is the step's kind as the editor's Kind field shows it.
        text = (_("{number}. {title} ({kind}, {length}, optional)")
                if step.get("optional") is True else _("{number}. {title} ({kind}, {length})"))
        return text.format(number=index + 1, title=title, kind=kind, length=length)

    def _show_step(self) -> None:
        row = self.current_row()
        steps = self._steps()
        has = 0 <= row < len(steps)
        step = steps[row] if has else {}
        for name, field in self._step_fields.items():
            field.setEnabled(has)
            field.set_value(step.get(name, ABSENT))
        kind = step.get("kind")
        strokes = kind == StepKind.STROKES.value
        for name, shown in (("seconds", not strokes), ("reps", strokes), ("cadence", strokes)):
            widget = self._step_fields.get(name)
            if widget is not None:
                visible = shown or name in step
                widget.setVisible(visible)
                form_label = self._label_of(widget)
                if form_label is not None:
                    form_label.setVisible(visible)
        for button in (self.duplicate_step, self.remove_step, self.hear, self.play):
            button.setEnabled(has)
        self.remove_step.setEnabled(has and len(steps) > 1)
        self.move_up.setEnabled(has and row > 0)
        self.move_down.setEnabled(has and row < len(steps) - 1)

    def _label_of(self, field: FieldEditor) -> QLabel | None:
        parent = field.parentWidget()
        for label in parent.findChildren(QLabel) if parent is not None else []:
            if label.buddy() is field.focus_widget():
                return label
        return None

    # -- edits -----------------------------------------------------------------------
    def _on_routine_field_edited(self, field: FieldEditor) -> None:
        if self._restoring:
            return
        before = self._snapshot()
        set_key(self._data, field.name, field.value(), ROUTINE_DEFAULTS)
        if field.name == "id":
            self._id_follows_title = False
        elif field.name == "title" and self._id_follows_title:
            made = slug(str(self._data.get("title", "")))
            if len(made) >= 2:
                self._data["id"] = free_id(
                    made, self._elsewhere.union(self._taken, self._hidden_by))
                self._routine_fields["id"].set_value(self._data["id"])
        self._commit(before, _("Change {field}").format(field=plain_label(field.name)),
                     f"routine.{field.name}")

    def _on_step_field_edited(self, field: FieldEditor) -> None:
        row = self.current_row()
        if self._restoring or not 0 <= row < len(self._steps()):
            return
        before = self._snapshot()
        step = self._steps()[row]
        set_key(step, field.name, field.value(), STEP_DEFAULTS)
        if field.name == "kind":
            self._fit_kind(step)
            self._show_step()
        self.step_list.item(row).setText(self._step_text(row, step))
        self._commit(before, _("Change {field} of step {number}").format(
            field=plain_label(field.name), number=row + 1), f"step{row}.{field.name}")

    @staticmethod
    def _fit_kind(step: Data) -> None:
        """A strokes step counts reps; a hold or rest is timed: carry the length over."""
        if step.get("kind") == StepKind.STROKES.value and "seconds" in step:
            seconds = step.pop("seconds")
            cadence = 3
            step.setdefault("cadence", cadence)
            if isinstance(seconds, int | float):
                step.setdefault("reps", max(1, min(50, round(seconds / cadence))))
            else:
                step.setdefault("reps", 10)
        elif step.get("kind") in (StepKind.HOLD.value, StepKind.REST.value) \
                and "seconds" not in step:
            reps, cadence = step.pop("reps", None), step.pop("cadence", None)
            if isinstance(reps, int | float) and isinstance(cadence, int | float):
                step["seconds"] = max(1, min(600, round(reps * cadence)))
            else:
                step["seconds"] = 30

    def _insert_step(self, step: Data, text: str) -> None:
        before = self._snapshot()
        row = self.current_row() + 1
        self._steps().insert(row, step)
        self._origins.insert(row, None)
        self._fill_step_list(row)
        self._show_step()
        self._commit(before, text)
        self.tabs.setCurrentIndex(1)
        self._step_fields["title"].setFocus()

    def _on_add_step(self) -> None:
        self._insert_step(blank_step(), _("Add a step"))

    def _on_duplicate_step(self) -> None:
        row = self.current_row()
        if 0 <= row < len(self._steps()):
            self._insert_step(copy_data(self._steps()[row]), _("Duplicate a step"))

    def _on_remove_step(self) -> None:
        row = self.current_row()
        if not 0 <= row < len(self._steps()) or len(self._steps()) < 2:
            return
        before = self._snapshot()
        del self._steps()[row]
        del self._origins[row]
        self._fill_step_list(min(row, len(self._steps()) - 1))
        self._show_step()
        self._commit(before, _("Remove a step"))

    def _move(self, delta: int) -> None:
        row = self.current_row()
        target = row + delta
        steps = self._steps()
        if not (0 <= row < len(steps) and 0 <= target < len(steps)):
            return
        order = list(range(len(steps)))
        order.insert(target, order.pop(row))
        self._reorder(order, target)
        self.step_list.setFocus()

    def _reorder(self, order: list[int], row: int) -> None:
        """Steps in the new ``order`` (old indexes), with ``row`` current."""
        before = self._snapshot()
        steps = self._steps()
        self._data["steps"] = [steps[i] for i in order]
        self._origins = [self._origins[i] for i in order]
        self._fill_step_list(row)
        self._show_step()
        self._commit(before, _("Move a step"))

    def _on_rows_dragged(self, _parent: QModelIndex, start: int, _end: int,
                         _dest: QModelIndex, _row: int) -> None:
        if self._restoring:
            return
        order = [int(self.step_list.item(i).data(OriginRole))
                 for i in range(self.step_list.count())]
        moved = next((i for i, old in enumerate(order) if old == start), 0)
        # Let the view finish its own move before the list is rebuilt.
        QTimer.singleShot(0, lambda: self._reorder(order, moved))

    def _on_current_step_changed(self, _row: int) -> None:
        if not self._restoring:
            self._show_step()
            self._mark_fields()

    # -- checking ------------------------------------------------------------------------
    def rendered(self) -> bytes:
        """The file Save would write."""
        return routine_file.render(self._data, self._original, self._origins)

    def target(self) -> Path:
        routine_id = str(self._data.get("id", "")) or "routine"
        if self._file is not None and routine_id in (self._file.stem, self._file_id):
            return self._file  # a file keeps its name unless its id is changed
        return routine_file.file_for(self._folder, routine_id)

    def _check(self) -> None:
        """Check what Save would write, by the loader; show problems and the total."""
        problems: list[tuple[str, str]] = []
        self.routine = None
        try:
            self.routine = routine_file.check(self.rendered(), self.target())
        except RoutineLoadError as exc:
            problems = [(e.location, e.message) for e in exc.errors]
        routine_id = self._data.get("id")
        other = self._taken.get(str(routine_id)) if routine_id is not None else None
        if other is not None and other != self._file:
            problems.append(("id", _("'{id}' is already used by {file}").format(
                id=routine_id, file=other.name)))
            self.routine = None
        hider = self._hidden_by.get(str(routine_id)) if routine_id is not None else None
        if hider is not None:
            # TRANSLATORS: {file} is a routine file in a folder given with --routines-dir.
            problems.append(("id", _("'{id}' is used by {file}, which would hide this "
                                     "routine in the library").format(id=routine_id,
                                                                      file=hider)))
            self.routine = None
        self.problems = problems
        self.problem_list.clear()
        for location, message in problems:
            item = QListWidgetItem(f"{self._where(location)}: {message}", self.problem_list)
            item.setData(Qt.ItemDataRole.UserRole, location)
        if not problems:
            QListWidgetItem(_("No problems: the routine is ready to save."), self.problem_list)
        if routine_id in self._elsewhere and other is None:
            item = QListWidgetItem(_(
                "Note: '{id}' is also the id of a built-in routine; once saved, this "
                "routine takes its place in the library.").format(id=routine_id),
                self.problem_list)
            item.setData(Qt.ItemDataRole.UserRole, "id")
        self._mark_fields()
        self._show_total()
        self._update_state()

    def _where(self, location: str) -> str:
        match = _STEP_AT.match(location)
        if match is None:
            return location
        index = int(match[1])
        steps = self._steps()
        title = str(steps[index].get("title", "")).strip() if index < len(steps) else ""
        where = (_("Step {number} “{title}”") if title else _("Step {number}")).format(
            number=index + 1, title=isolated(title))
        rest = location[match.end(1) + 1:].lstrip(".")
        # TRANSLATORS: where a problem is: a step, then the field as the file names it,
        # e.g. "Step 2 “Neck glide”, seconds".
        return _("{step}, {field}").format(step=where, field=rest) if rest else where

    def _messages_for(self, prefix: str, names: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for location, message in self.problems:
            if prefix:
                if not location.startswith(prefix):
                    continue
                rest = location[len(prefix):]
                if rest == "":
                    for name in _QUOTED.findall(message):
                        out.setdefault(name, message)
                    continue
                rest = rest.lstrip(".")
            else:
                if location.startswith("steps["):
                    continue
                rest = location
            name = re.split(r"[.\[]", rest, maxsplit=1)[0]
            if name in names:
                out.setdefault(name, message)
            elif rest.startswith("(top level)"):
                for quoted in _QUOTED.findall(message):
                    out.setdefault(quoted, message)
        return out

    def _mark_fields(self) -> None:
        marks = self._messages_for("", list(self._routine_fields))
        for name, field in self._routine_fields.items():
            field.set_problem(marks.get(name))
        row = self.current_row()
        marks = self._messages_for(f"steps[{row}]", list(self._step_fields)) if row >= 0 else {}
        for name, field in self._step_fields.items():
            field.set_problem(marks.get(name))
        bad_rows = {int(m[1]) for loc, _msg in self.problems if (m := _STEP_AT.match(loc))}
        for i in range(self.step_list.count()):
            item = self.step_list.item(i)
            text = item.text().removeprefix("⚠ ")
            item.setText(f"⚠ {text}" if i in bad_rows else text)
            item.setToolTip(_("This step has a problem") if i in bad_rows else "")

    def _show_total(self) -> None:
        if self.routine is not None:
            total = self.routine.total_seconds(include_optional=True, timing=self._timing)
            without = self.routine.total_seconds(include_optional=False, timing=self._timing)
            text = (_("Total: {total} ({without} without the optional steps)")
                    if without != total else _("Total: {total}")).format(
                total=duration(total), without=duration(without))
        else:
            seconds = 0.0
            complete = True
            for step in self._steps():
                try:
                    seconds += convert(step, Step, strip=True).seconds_at(self._timing)
                except (ValidationError, ValueError, TypeError):
                    complete = False
            text = (_("Total: {total}") if complete else _("Total: {total} so far")).format(
                total=duration(seconds))
        self.total.setText(text)
        self.total.setAccessibleName(text)

    def _update_state(self, *_args: object) -> None:
        self.save_button.setEnabled(not self.problems and self.dirty)
        title = single_line(str(self._data.get("title", "")), keep_bidi=True) or _(
            "Untitled routine")
        mark = "*" if self.dirty else ""
        self.setWindowTitle(mark + _("{title} — Routine editor").format(title=title))

    def _on_problem_activated(self, item: QListWidgetItem) -> None:
        location = item.data(Qt.ItemDataRole.UserRole)
        if not isinstance(location, str):
            return
        match = _STEP_AT.match(location)
        if match is not None:
            self.tabs.setCurrentIndex(1)
            self.step_list.setCurrentRow(int(match[1]))
            name = match[2]
            if name in self._step_fields:
                self._step_fields[name].setFocus()
            return
        self.tabs.setCurrentIndex(0)
        name = re.split(r"[.\[]", location, maxsplit=1)[0]
        if name in self._routine_fields:
            self._routine_fields[name].setFocus()

    # -- trying -------------------------------------------------------------------------
    def current_step(self) -> Step | None:
        """The current step if it is valid on its own, else None."""
        row = self.current_row()
        if not 0 <= row < len(self._steps()):
            return None
        try:
            return convert(self._steps()[row], Step, strip=True)
        except (ValidationError, ValueError, TypeError):
            return None

    def _on_hear(self) -> None:
        """Say the instruction as a session would: a valid sided step for its first
        side, ``{side}`` filled in; a step still being fixed as it is written."""
        row = self.current_row()
        if not 0 <= row < len(self._steps()):
            return
        step = self.current_step()
        if step is not None:
            text = step.spoken_instruction(step.parts[0])
        else:
            text = str(self._steps()[row].get("instruction", "")).strip()
        if text:
            self.hearRequested.emit(text)

    def _on_play(self) -> None:
        step = self.current_step()
        if step is None:
            questions.show_problems(self, _("This step cannot be played yet"),
                                    _("Fix the problems of this step first."))
            return
        self.playRequested.emit(step)

    # -- saving and closing -----------------------------------------------------------------
    def show_notice(self, text: str) -> None:
        """Say ``text`` under the problems for :data:`NOTICE_MS` (what Hear or Edit has
        to say while the editor covers the library window)."""
        self.notice.setText(text)
        self.notice.setAccessibleName(text)
        self.notice.show()
        self._notice_timer.start()

    def save(self) -> bool:
        """Write the file (checked, atomically) and close; False if it was not saved."""
        self._check()
        if self.problems or self.routine is None:
            return False
        target = self.target()
        if target.exists() and target != self._file and not questions.confirm_replace_file(
            self, target
        ):
            return False
        data = self.rendered()
        try:
            routine = routine_file.save(target, data)
        except (OSError, RoutineLoadError) as exc:
            questions.show_problems(self, _("The routine could not be saved"), str(exc))
            return False
        old = self._file
        if old is not None and old != target:
            with contextlib.suppress(OSError):
                old.unlink()
        self._file, self._original, self._file_id = target, data, routine.id
        self._origins = list(range(len(self._steps())))
        self.undo_stack.setClean()
        self._update_state()
        self.saved.emit(routine.id, target)
        self.done(QDialog.DialogCode.Accepted.value)
        return True

    def reject(self) -> None:
        """Close; with unsaved changes, ask first."""
        if not self.undo_stack.isClean():
            self._check()
            answer = questions.ask_unsaved(self, str(self._data.get("title", "")),
                                           can_save=not self.problems)
            if answer is questions.Unsaved.CANCEL:
                return
            if answer is questions.Unsaved.SAVE:
                if not self.save():
                    return
                return
        super().reject()
