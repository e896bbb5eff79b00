"""The detail pane: what a routine does, its diagram, steps, cautions and sources."""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QSize,
    Qt,
)
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from massage_timer.core.model.language import _, ngettext
from massage_timer.core.model.routine import Routine, Step, StepKind, side_label
from massage_timer.core.model.speech_timing import AS_WRITTEN, SpeechTiming
from massage_timer.core.model.text import breakable
from massage_timer.core.storage.loader import LoadedRoutine, Origin
from massage_timer.core.storage.sources_file import describe
from massage_timer.ui.diagram import DiagramView
from massage_timer.ui.durations import clock, duration, short_duration
from massage_timer.ui.library.routine_list import (
    area_label,
    equipment_text,
    position_text,
    routine_areas,
)
from massage_timer.ui.plain import PlainLabel
from massage_timer.ui.theme import Accent, PaletteStyle, RelativeFont, accent


def _step_detail(step: Step) -> str:
    if step.kind is StepKind.STROKES:
        reps = step.reps or 0
        what = ngettext("{count} stroke", "{count} strokes", reps).format(count=reps)
    elif step.kind is StepKind.REST:
        # TRANSLATORS: a rest step's length ("rest 30 s").
        what = _("rest {length}").format(length=short_duration(step.work_seconds))
    else:
        # TRANSLATORS: a hold step's length ("hold 30 s").
        what = _("hold {length}").format(length=short_duration(step.work_seconds))
    if len(step.sides) == 2:
        # TRANSLATORS: {what} is "hold 30 s" or "8 strokes"; {first} and {then} are
        # "left" or "right".
        return _("{what} per side ({first}, then {then})").format(
            what=what, first=side_label(step.sides[0]), then=side_label(step.sides[1]))
    if len(step.sides) == 1:
        # TRANSLATORS: {what} is "hold 30 s" or "8 strokes"; {side} is "left" or "right".
        return _("{what} ({side} side)").format(what=what, side=side_label(step.sides[0]))
    return what


def _heading(text: str, parent: QWidget, scale: float = 1.15) -> QLabel:
    label = PlainLabel(text, parent)
    RelativeFont(label, scale, bold=True)  # a child of the label, which keeps it
    label.setWordWrap(True)
    return label


class _CautionFrame(QFrame):
    """A calm, clearly set-apart box for a routine's cautions (accent on both themes)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailCautions")
        self.style_follower = PaletteStyle(self, _caution_sheet)


def _caution_sheet(palette: QPalette) -> str:
    """The "Take care" box in the theme's colours, written out: a ``palette(...)``
    reference would keep the colours of the theme the sheet was first set in."""
    color = accent(Accent.CAUTION, palette).name()
    background = palette.color(QPalette.ColorRole.AlternateBase).name()
    text = palette.color(QPalette.ColorRole.WindowText).name()
    return (
        f"QFrame#detailCautions {{ border: 1px solid {color}; border-left: 5px solid {color};"
        f" border-radius: 4px; background: {background}; }}"
        f" QFrame#detailCautions QLabel {{ color: {text}; }}"
        f" QLabel#detailCautionsHeading {{ color: {color}; }}"
    )


class RoutineDetail(QWidget):
    """What a routine is: summary, diagram, steps with times, cautions, sources."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("routineDetail")
        self._title = _heading("", self, 1.6)
        self._title.setObjectName("detailTitle")
        self._meta = PlainLabel(self)
        self._meta.setObjectName("detailMeta")
        self._meta.setWordWrap(True)
        self._summary = PlainLabel(self)
        self._summary.setObjectName("detailSummary")
        self._summary.setWordWrap(True)
        self._origin = PlainLabel(self)
        self._origin.setObjectName("detailOrigin")
        self._origin.setWordWrap(True)
        self._diagram = _make_diagram(self)
        self._steps_heading = _heading("", self)
        self._steps = StepList(self)
        self._cautions_box = _CautionFrame(self)
        caution_layout = QVBoxLayout(self._cautions_box)
        self._cautions_heading = cautions_heading = _heading("", self._cautions_box, 1.0)
        cautions_heading.setObjectName("detailCautionsHeading")
        self._cautions = PlainLabel(self._cautions_box)
        self._cautions.setObjectName("detailCautionsText")
        self._cautions.setWordWrap(True)
        caution_layout.addWidget(cautions_heading)
        caution_layout.addWidget(self._cautions)
        self._sources = PlainLabel(self)
        self._sources.setObjectName("detailSources")
        self._sources.setWordWrap(True)
        self._sources.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self._title)
        layout.addWidget(self._meta)
        layout.addWidget(self._summary)
        layout.addWidget(self._origin)
        layout.addWidget(self._diagram, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self._steps_heading)
        layout.addWidget(self._steps)
        layout.addWidget(self._cautions_box)
        layout.addWidget(self._sources)
        layout.addStretch(1)
        self.show_routine(None, include_optional=False)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.LanguageChange) and hasattr(
                self, "_shown"):
            self.show_routine(*self._shown)

    def shows(
        self, loaded: LoadedRoutine | None, include_optional: bool, timing: SpeechTiming
    ) -> bool:
        """Whether this is what is on show already (the same loaded routine, not an equal one)."""
        shown = getattr(self, "_shown", None)
        return (shown is not None and shown[0] is loaded
                and shown[1:] == (include_optional, timing))

    def show_routine(
        self,
        loaded: LoadedRoutine | None,
        include_optional: bool,
        timing: SpeechTiming = AS_WRITTEN,
    ) -> None:
        """Show ``loaded``, its lengths with ``timing``'s get-ready times (the voice's)."""
        self._shown = (loaded, include_optional, timing)
        self._steps_heading.setText(_("Steps"))
        self._cautions_heading.setText(_("Take care"))
        widgets: list[QWidget] = [
            self._meta,
            self._summary,
            self._origin,
            self._diagram,
            self._steps_heading,
            self._steps,
            self._cautions_box,
            self._sources,
        ]
        if loaded is None:
            self._title.setText(_("Choose a routine"))
            for widget in widgets:
                widget.hide()
            self._diagram.clear()
            return
        for widget in widgets:
            widget.show()
        routine = loaded.routine
        # Text from a file, which may hold a word longer than the pane is wide.
        self._title.setText(breakable(routine.title))
        total = duration(routine.total_seconds(include_optional, timing))
        areas = ", ".join(area_label(a) for a in routine_areas(routine))
        # TRANSLATORS: a routine's length, position and equipment.
        meta = _("{length} · {position} · {equipment}").format(
            length=total, position=position_text(routine.position),
            equipment=equipment_text(routine))
        if areas:
            meta += "\n" + _("Target areas: {areas}").format(areas=areas)
        self._meta.setText(meta)
        self._summary.setText(breakable(routine.summary))
        origin = {
            Origin.BUILTIN: "",
            Origin.USER: _("Your routine: {file}").format(file=loaded.file.name),
            # TRANSLATORS: {file} is the path of a routine file from an extra folder.
            Origin.EXTRA: _("From {file}").format(file=loaded.file),
        }[loaded.origin]
        if loaded.overrides is not None:
            # TRANSLATORS: {origin} is "Your routine: neck.toml"; {file} a file name.
            origin = _("{origin} (replaces the built-in {file})").format(
                origin=origin, file=loaded.overrides.name)
        self._origin.setText(origin)
        self._origin.setVisible(bool(origin))
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        self._steps.show_steps(routine, include_optional, muted, timing)
        # TRANSLATORS: read by screen readers: {steps} lists "title, length" items.
        self._steps.setAccessibleName(_("Steps: {steps}").format(
            steps="; ".join(_("{title}, {length}").format(
                title=s.title, length=duration(s.seconds_at(timing))) for s in routine.steps)))
        self._cautions.setText(breakable("\n".join(f"\u2022 {c}" for c in routine.cautions)))
        self._cautions_box.setVisible(bool(routine.cautions))
        self._sources.setText(sources_text(routine.sources))
        ids = [r for s in routine.steps for r in s.regions] + list(routine.areas)
        self._diagram.set_regions(dict.fromkeys(ids))


def sources_text(names: tuple[str, ...]) -> str:
    """Each source by its article title, with what it gave this app (plain text)."""
    lines = [_("Sources:")]
    for name in names:
        source = describe(name)
        lines.append("• " + (_("{title} — {contribution}").format(
            title=source.title, contribution=source.contribution)
            if source.contribution else source.title))
    return "\n".join(lines)


class StepList(QWidget):
    """The steps as rows of plain labels: number, title (and whether optional), what
    to do, and the time. Text from the routine file is never read as markup."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailSteps")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(8)
        self._grid.setVerticalSpacing(6)
        self._grid.setColumnStretch(1, 1)
        self._rows: list[tuple[str, ...]] = []

    def text(self) -> str:
        """Every row as one plain line: "1. Title (optional) - what to do - 0:42"."""
        return "\n".join(" ".join(part for part in row if part) for row in self._rows)

    def show_steps(
        self, routine: Routine, include_optional: bool, muted: str, timing: SpeechTiming
    ) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()  # deleted later: not to be seen under the new rows meanwhile
                widget.deleteLater()
        self._rows = []
        number = 0
        for row, step in enumerate(routine.steps):
            skipped = step.optional and not include_optional
            if not skipped:
                number += 1
            title = step.title
            if step.optional and skipped:
                # TRANSLATORS: an optional step the Settings leave out of sessions.
                title = _("{title} (optional, left out (see Settings))").format(title=title)
            elif step.optional:
                title = _("{title} (optional)").format(title=title)
            cells = (
                "" if skipped else _("{number}.").format(number=number),
                title,
                _step_detail(step),
                clock(step.seconds_at(timing)),
            )
            self._rows.append(cells)
            self._add_row(row, cells, muted if skipped else None)

    def _add_row(self, row: int, cells: tuple[str, ...], muted: str | None) -> None:
        number, title, detail, time = cells
        top = Qt.AlignmentFlag.AlignTop
        labels = [PlainLabel(number, self), PlainLabel(breakable(title), self),
                  PlainLabel(time, self)]
        font = QFont(labels[1].font())
        font.setBold(True)
        labels[1].setFont(font)
        labels[1].setWordWrap(True)
        what = PlainLabel(breakable(detail), self)
        what.setWordWrap(True)
        box = QVBoxLayout()
        box.setSpacing(0)
        box.addWidget(labels[1])
        box.addWidget(what)
        holder = QWidget(self)
        holder.setLayout(box)
        box.setContentsMargins(0, 0, 0, 0)
        self._grid.addWidget(labels[0], row, 0, top | Qt.AlignmentFlag.AlignRight)
        self._grid.addWidget(holder, row, 1, top)
        self._grid.addWidget(labels[2], row, 2, top | Qt.AlignmentFlag.AlignRight)
        if muted is not None:
            for widget in (*labels, what):
                widget.setStyleSheet(f"color: {muted};")


def _make_diagram(parent: QWidget) -> DiagramView:
    view = DiagramView(parent, name=lambda: _("Diagram of the areas this routine works on"))
    view.setObjectName("detailDiagram")
    view.keep_body(160, QSize(480, 200))
    return view
