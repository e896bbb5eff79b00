"""One editing widget per field of a model Struct, chosen from the field's type.

The routine and step forms are built from ``msgspec.structs.fields``: a field added to
:class:`~massage_timer.core.model.routine.Step` gets a widget (text, number, choice,
flag, list) without a change here. Widgets hold what the person typed, right or
wrong; the validator judges it (a number field keeps ``"abc"`` so the validator can
say "must be a number, not text").
"""

from __future__ import annotations

import enum
import math
import re
import types
from collections.abc import Callable
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import msgspec
from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from massage_timer.core.model.language import N_, _
from massage_timer.core.model.routine import RegionId, StrokeUnit, side_label
from massage_timer.core.model.validation import bare_type
from massage_timer.ui.plain import plain_tooltip


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()
"""The value of a field left empty: the key is not written."""

LABELS = {
    "id": N_("&Id"),
    "title": N_("Tit&le"),
    "summary": N_("S&ummary"),
    "version": N_("&Version"),
    "position": N_("Positio&n"),
    "equipment": N_("E&quipment"),
    "areas": N_("&Areas"),
    "sources": N_("S&ources (one a line)"),
    "cautions": N_("&Cautions (one a line)"),
    "kind": N_("&Kind"),
    "instruction": N_("I&nstruction (spoken)"),
    "cue": N_("&Cue (on screen)"),
    "seconds": N_("Sec&onds"),
    "reps": N_("R&eps"),
    "cadence": N_("Cadence (s per stroke)"),
    "sides": N_("Sides"),
    "regions": N_("Re&gions"),
    "pressure": N_("Pressure"),
    "prepare": N_("Get-ready time (s)"),
    "switch_prepare": N_("Switch sides time (s)"),
    "rest_after": N_("Rest after (s)"),
    "optional": N_("Optional step"),
    "hold": N_("Hold (s per stroke)"),
    "unit": N_("Unit (what a stroke is called)"),
    "side_words": N_("Side words (said for the side)"),
}


KEY_NAMES = {
    # TRANSLATORS: the box for the word said for the left side in a step's instruction.
    "left": N_("for the left side"),
    # TRANSLATORS: the box for the word said for the right side in a step's instruction.
    "right": N_("for the right side"),
}
"""The keys of a table field, in words (a box's placeholder and accessible name)."""


def label_for(name: str) -> str:
    """The form label of a field; a new field gets its name in words."""
    return _(LABELS[name]) if name in LABELS else name.replace("_", " ").capitalize()


def plain_label(name: str) -> str:
    return label_for(name).replace("&", "")


def _metas(kind: Any) -> list[msgspec.Meta]:
    out: list[msgspec.Meta] = []
    while True:
        origin = get_origin(kind)
        if origin is Annotated:
            args = get_args(kind)
            out += [a for a in args[1:] if isinstance(a, msgspec.Meta)]
            kind = args[0]
        elif origin in (Union, types.UnionType):
            options = [a for a in get_args(kind) if a is not type(None)]
            if len(options) != 1:
                return out
            kind = options[0]
        else:
            return out


def is_optional(kind: Any) -> bool:
    while get_origin(kind) is Annotated:
        kind = get_args(kind)[0]
    return get_origin(kind) in (Union, types.UnionType) and type(None) in get_args(kind)


def description(kind: Any) -> str:
    return " ".join(m.description for m in _metas(kind) if m.description)


def max_length(kind: Any) -> int | None:
    lengths = [m.max_length for m in _metas(kind) if m.max_length is not None]
    return min(lengths) if lengths else None


def choices(kind: Any) -> list[str] | None:
    """The values of an enum or Literal type, else None."""
    b = bare_type(kind)
    if isinstance(b, type) and issubclass(b, enum.Enum):
        return [str(m.value) for m in b]
    if get_origin(b) is Literal:
        return [str(a) for a in get_args(b)]
    return None


def choice_labels(kind: Any) -> Callable[[str], str]:
    """How the choices of ``kind`` read in the interface's language ("Hold" for
    ``hold``): the routine file keeps its values, the person reads the model's labels."""
    b = bare_type(kind)
    if isinstance(b, type) and issubclass(b, StrokeUnit):
        return lambda value: b(value).word(2)
    if isinstance(b, type) and issubclass(b, enum.Enum) and isinstance(
            getattr(b, "label", None), property):
        return lambda value: str(getattr(b(value), "label"))  # noqa: B009 (Enum has none)
    if get_origin(b) is Literal and {str(a) for a in get_args(b)} <= {"left", "right"}:
        return side_label
    return _


def item_type(kind: Any) -> Any | None:
    b = bare_type(kind)
    if get_origin(b) is tuple:
        args = get_args(b)
        if len(args) == 2 and args[1] is Ellipsis:
            return args[0]
    return None


class FieldEditor(QWidget):
    """A field's widget. Signals: edited() when the person changes the value."""

    edited = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.problem: str | None = None
        self._tip = ""

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        """Show ``value`` (ABSENT for none) without emitting :attr:`edited`."""
        raise NotImplementedError

    def focus_widget(self) -> QWidget:
        return self

    def retranslate(self) -> None:
        """The field's own texts in the current language (again on a language change)."""
        self.focus_widget().setAccessibleName(plain_label(self.name))
        self._show_tip()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_tip(self, text: str) -> None:
        self._tip = text
        self._show_tip()

    def set_problem(self, message: str | None) -> None:
        """Mark the field as wrong (``message`` from the validator) or clear it."""
        if message == self.problem:
            return
        self.problem = message
        widget = self.focus_widget()
        widget.setProperty("problem", message is not None)
        widget.setStyleSheet("border: 2px solid #d64545;" if message else "")
        widget.setAccessibleDescription(
            _("Problem: {message}").format(message=message) if message
            else _(self._tip) if self._tip else "")
        self._show_tip()

    def _show_tip(self) -> None:
        # The tip is the model's field description, marked for translation where defined.
        tip = _(self._tip) if self._tip else ""
        text = tip if self.problem is None else f"{self.problem}\n\n{tip}".strip()
        self.focus_widget().setToolTip(plain_tooltip(text) if text else "")


def _layout(widget: QWidget) -> QHBoxLayout:
    layout = QHBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    return layout


class TextField(FieldEditor):
    def __init__(self, name: str, limit: int | None, parent: QWidget | None = None) -> None:
        super().__init__(name, parent)
        self.edit = QLineEdit(self)
        self.edit.setObjectName(f"field_{name}")
        if limit is not None:
            self.edit.setMaxLength(limit + 20)  # past the limit, so the validator can say so
        _layout(self).addWidget(self.edit)
        self.edit.textEdited.connect(self.edited)
        self.setFocusProxy(self.edit)

    def focus_widget(self) -> QWidget:
        return self.edit

    def value(self) -> Any:
        text = self.edit.text()
        return text if text.strip() else ABSENT

    def set_value(self, value: Any) -> None:
        text = "" if value is ABSENT else str(value)
        if self.edit.text() != text:
            self.edit.setText(text)


class TableField(FieldEditor):
    """A small table of short texts (``side_words = {left = "…", right = "…"}``): one
    box per key, labelled with the key's own name; empty boxes are left out."""

    def __init__(self, name: str, keys: list[str], parent: QWidget | None = None) -> None:
        super().__init__(name, parent)
        layout = _layout(self)
        self.edits: dict[str, QLineEdit] = {}
        for key in keys:
            edit = QLineEdit(self)
            edit.setObjectName(f"field_{name}_{key}")
            edit.textEdited.connect(self.edited)
            layout.addWidget(edit)
            self.edits[key] = edit
        self.setFocusProxy(self.focus_widget())

    def focus_widget(self) -> QWidget:
        return next(iter(self.edits.values()))

    def retranslate(self) -> None:
        super().retranslate()
        for key, edit in self.edits.items():
            word = _(KEY_NAMES[key]) if key in KEY_NAMES else key
            edit.setPlaceholderText(word)
            edit.setAccessibleName(_("{field}: {key}").format(field=plain_label(self.name),
                                                              key=word))

    def value(self) -> Any:
        table = {key: edit.text() for key, edit in self.edits.items() if edit.text().strip()}
        return table or ABSENT

    def set_value(self, value: Any) -> None:
        table = value if isinstance(value, dict) else {}
        for key, edit in self.edits.items():
            text = str(table.get(key, ""))
            if edit.text() != text:
                edit.setText(text)


class LongTextField(FieldEditor):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(name, parent)
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName(f"field_{name}")
        self.edit.setTabChangesFocus(True)
        self.edit.setUndoRedoEnabled(False)  # the editor's Undo covers every field
        self._fit_height()
        _layout(self).addWidget(self.edit)
        self.edit.textChanged.connect(self._on_text_changed)
        self._setting = False
        self.setFocusProxy(self.edit)

    def _fit_height(self) -> None:
        """Four lines of the text as it is now (a text size change makes it again)."""
        self.edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_height()

    def focus_widget(self) -> QWidget:
        return self.edit

    def _on_text_changed(self) -> None:
        if not self._setting:
            self.edited.emit()

    def value(self) -> Any:
        text = self.edit.toPlainText()
        return text if text.strip() else ABSENT

    def set_value(self, value: Any) -> None:
        text = "" if value is ABSENT else str(value)
        if self.edit.toPlainText() != text:
            self._setting = True
            self.edit.setPlainText(text)
            self._setting = False


_INT = re.compile(r"^[+-]?\d+$")


def parse_number(text: str) -> Any:
    """``"30"`` -> 30, ``"1.5"`` -> 1.5, ``""`` -> ABSENT, anything else kept as text."""
    text = text.strip()
    if not text:
        return ABSENT
    if _INT.match(text):
        return int(text)
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        return text
    return number if math.isfinite(number) else text


class NumberField(TextField):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(name, None, parent)
        self.edit.setMaxLength(12)

    def value(self) -> Any:
        return parse_number(self.edit.text())

    def set_value(self, value: Any) -> None:
        if value is not ABSENT and parse_number(self.edit.text()) == value:
            return
        text = "" if value is ABSENT else (f"{value:g}" if isinstance(value, float) else str(value))
        self.edit.setText(text)


class ChoiceField(FieldEditor):
    # TRANSLATORS: the empty choice of an optional field in the routine editor.
    NOT_SET = N_("(not set)")

    def __init__(self, name: str, values: list[str], optional: bool,
                 parent: QWidget | None = None, *,
                 label: Callable[[str], str] = _) -> None:
        """``label`` says how a value reads (see :func:`choice_labels`)."""
        super().__init__(name, parent)
        self.combo = QComboBox(self)
        self.combo.setObjectName(f"field_{name}")
        self._values = set(values)
        self._label = label
        if optional:
            self.combo.addItem(_(self.NOT_SET), None)
        for v in values:
            self.combo.addItem(label(v), v)
        _layout(self).addWidget(self.combo)
        self.combo.activated.connect(lambda _i: self.edited.emit())
        self.setFocusProxy(self.combo)

    def focus_widget(self) -> QWidget:
        return self.combo

    def retranslate(self) -> None:
        super().retranslate()
        for index in range(self.combo.count()):
            value = self.combo.itemData(index)
            if value is None:
                self.combo.setItemText(index, _(self.NOT_SET))
            elif value in self._values:
                self.combo.setItemText(index, self._label(str(value)))

    def value(self) -> Any:
        data = self.combo.currentData()
        return ABSENT if data is None else data

    def set_value(self, value: Any) -> None:
        index = self.combo.findData(None if value is ABSENT else value)
        if index < 0 and value is not ABSENT:  # a value the file had that is not a choice
            self.combo.addItem(str(value), value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(max(index, 0))


class FlagField(FieldEditor):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(name, parent)
        self.box = QCheckBox(plain_label(name), self)
        self.box.setObjectName(f"field_{name}")
        _layout(self).addWidget(self.box)
        self.box.clicked.connect(lambda _c: self.edited.emit())
        self.setFocusProxy(self.box)

    def focus_widget(self) -> QWidget:
        return self.box

    def retranslate(self) -> None:
        super().retranslate()
        self.box.setText(plain_label(self.name))

    def value(self) -> Any:
        return self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self.box.setChecked(value is True)


class ChecksField(FieldEditor):
    """A list of choices (sides, equipment): one check box each, in the model's order."""

    def __init__(self, name: str, values: list[str], parent: QWidget | None = None, *,
                 label: Callable[[str], str] = _) -> None:
        """``label`` says how a value reads (see :func:`choice_labels`)."""
        super().__init__(name, parent)
        layout = _layout(self)
        self._label = label
        self.boxes: dict[str, QCheckBox] = {}
        self._extra: list[Any] = []
        for v in values:
            box = QCheckBox(self)
            box.setObjectName(f"field_{name}_{re.sub(r'[^a-z0-9]+', '_', v)}")
            box.clicked.connect(lambda _c: self.edited.emit())
            layout.addWidget(box)
            self.boxes[v] = box
        layout.addStretch(1)
        if values:
            self.setFocusProxy(self.boxes[values[0]])
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        for value, box in self.boxes.items():
            shown = self._label(value)
            box.setText(shown)
            # TRANSLATORS: a check box's name for screen readers: a field, then one of its
            # choices as shown, e.g. "Sides: left".
            box.setAccessibleName(_("{field}: {choice}").format(
                field=plain_label(self.name), choice=shown))

    def value(self) -> Any:
        return [v for v, box in self.boxes.items() if box.isChecked()] + self._extra

    def set_value(self, value: Any) -> None:
        items = list(value) if isinstance(value, list | tuple) else []
        self._extra = [v for v in items if v not in self.boxes]
        for v, box in self.boxes.items():
            box.setChecked(v in items)


class LinesField(LongTextField):
    """A list of texts, one a line; empty lines are dropped."""

    def value(self) -> Any:
        return [line.strip() for line in self.edit.toPlainText().splitlines() if line.strip()]

    def set_value(self, value: Any) -> None:
        items = [str(v) for v in value] if isinstance(value, list | tuple) else []
        if self.value() != items:
            self._setting = True
            self.edit.setPlainText("\n".join(items))
            self._setting = False


RegionFactory = Callable[[str, QWidget], FieldEditor]


def make_field(name: str, kind: Any, regions: RegionFactory,
               parent: QWidget | None = None) -> FieldEditor | None:
    """The widget for a field of type ``kind``; None for a nested list of Structs."""
    b = bare_type(kind)
    item = item_type(kind)
    field: FieldEditor
    if isinstance(b, type) and issubclass(b, msgspec.Struct):
        field = TableField(name, [f.encode_name for f in msgspec.structs.fields(b)], parent)
    elif item is not None:
        if item == RegionId:
            field = regions(name, parent) if parent is not None else regions(name, QWidget())
        elif (values := choices(item)) is not None:
            field = ChecksField(name, values, parent, label=choice_labels(item))
        elif isinstance(bare_type(item), type) and issubclass(bare_type(item), msgspec.Struct):
            return None
        else:
            field = LinesField(name, parent)
    elif b is bool:
        field = FlagField(name, parent)
    elif b in (int, float):
        field = NumberField(name, parent)
    elif (values := choices(kind)) is not None:
        field = ChoiceField(name, values, is_optional(kind), parent, label=choice_labels(kind))
    else:
        limit = max_length(kind)
        field = (LongTextField(name, parent) if limit is not None and limit > 200
                 else TextField(name, limit, parent))
    field.setObjectName(f"editorField_{name}")
    field.retranslate()
    field.set_tip(description(kind))
    return field
