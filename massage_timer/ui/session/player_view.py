"""The player: a large countdown, the step and cue, the diagram, and Stop.

It shows an engine :class:`~massage_timer.core.model.engine.Status` and forwards what the
user asks for; it keeps no timing of its own. The controls and the time left have
priority on a small screen: the step, countdown and diagram sit in a scroll area
between them, the countdown shrinks with the window, and a very short window
leaves out the diagram. Paused shows a pause sign, a neutral colour and a dimmed
countdown. Space pauses or resumes, Right skips,
Left goes back and Esc stops, whichever control has the focus.

Signals:
    pauseToggled(): Pause/Resume was asked for.
    skipRequested(), backRequested(): move to the next / previous part.
    stopRequested(): Stop, at once and without confirmation.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFont,
    QFontInfo,
    QFontMetrics,
    QKeySequence,
    QPalette,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from massage_timer.core.model.engine import Phase, Segment, State, Status
from massage_timer.core.model.language import N_, _, ngettext, pgettext
from massage_timer.core.model.routine import Pressure, StepKind, StrokeUnit
from massage_timer.core.model.text import breakable
from massage_timer.ui.diagram import DiagramView
from massage_timer.ui.durations import clock, countdown
from massage_timer.ui.plain import PlainLabel
from massage_timer.ui.theme import Accent, accent, dimmed
from massage_timer.ui.wrapping_row import WrappingRow

PHASE_WORDS = {Phase.PREPARE: N_("Get ready"), Phase.WORK: N_("Work"), Phase.REST: N_("Rest")}
SIDE_WORDS = {"left": N_("Left side"), "right": N_("Right side")}
PRESSURE_WORDS = {
    Pressure.LIGHT: N_("light pressure"),
    Pressure.MODERATE: N_("moderate pressure"),
    Pressure.FIRM: N_("firm pressure"),
}
BUTTON_MIN_WIDTH = 100
"""Wide enough to hit easily; narrow enough for four controls across 512 px (2x on
1024x600)."""
COMPACT_HEIGHT = 420
"""Below this height (logical pixels) the player leaves out the diagram."""
MIN_COUNTDOWN_PX = 28
"""The countdown's smallest size at the usual text size: still a number read at a
glance. At a larger text size it is never smaller than 1.5 times the text."""
TEXT_SCALES = (1.0, 0.9, 0.8, 0.7)
"""The sizes the step's title and the instruction try, largest first, when even the
smallest countdown leaves them too little room (0.7 of the instruction's 1.5 times the
text size is still larger than the text around it)."""
PAUSE_SYMBOL = "\u275a\u275a"
"""Two heavy bars: common fonts (DejaVu) have them, unlike the U+23F8 pause sign."""


def _label(name: str, text: str = "") -> QLabel:
    label = PlainLabel(text)
    label.setObjectName(name)
    return label


def _describe(segment: Segment) -> str:
    if segment.side == "left":
        # TRANSLATORS: a step's title and the side it works ("Neck tilt (left)").
        return _("{title} (left)").format(title=segment.step.title)
    if segment.side == "right":
        return _("{title} (right)").format(title=segment.step.title)
    return segment.step.title


def _reps_left(unit: StrokeUnit, n: int) -> str:
    """What the big number counts down, under it: "strokes left", "turn left"..."""
    # TRANSLATORS: shown under a large number: how many repetitions are left.
    if unit is StrokeUnit.TURNS:
        return ngettext("turn left", "turns left", n)
    if unit is StrokeUnit.TUCKS:
        return ngettext("tuck left", "tucks left", n)
    if unit is StrokeUnit.SQUEEZES:
        return ngettext("squeeze left", "squeezes left", n)
    if unit is StrokeUnit.CIRCLES:
        return ngettext("circle left", "circles left", n)
    if unit is StrokeUnit.ROLLS:
        return ngettext("roll left", "rolls left", n)
    return ngettext("stroke left", "strokes left", n)


class PlayerView(QWidget):
    pauseToggled = Signal()
    skipRequested = Signal()
    backRequested = Signal()
    stopRequested = Signal()

    def __init__(self, routine_title: str, steps_total: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("playerView")
        self._steps_total = steps_total
        self._status: Status | None = None
        self._last_segment: Segment | None = None
        self._paused = False
        self._painted: tuple[Phase, bool] | None = None

        self._routine = _label("routineTitle", routine_title)
        # On one line a long title at a large text size made the player wider than the
        # screen, Stop beyond its edge.
        self._routine.setWordWrap(True)
        font = self._routine.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self._routine.setFont(font)
        self._progress_text = _label("routineProgressText")
        self._progress_text.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        self._progress = QProgressBar()
        self._progress.setObjectName("routineProgress")
        self._progress.setTextVisible(False)
        self._progress.setMaximumHeight(10)

        self._phase = _label("phaseLabel")
        self._side = _label("sideLabel")
        for label in (self._phase, self._side):
            f = label.font()
            f.setPointSizeF(f.pointSizeF() * 1.4)
            f.setBold(True)
            label.setFont(f)
        self._step_title = _label("stepTitle")
        self._step_title.setWordWrap(True)
        f = self._step_title.font()
        f.setPointSizeF(f.pointSizeF() * 1.9)
        f.setBold(True)
        self._step_title.setFont(f)
        self._step_title_pt = f.pointSizeF()
        self._compact = False

        self._countdown = _label("countdownLabel")
        self._countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        f = QFont(self.font())
        f.setPointSizeF(f.pointSizeF() * 11)
        f.setBold(True)
        f.setStyleHint(QFont.StyleHint.SansSerif)
        f.setFeature(QFont.Tag("tnum"), 1)
        self._countdown.setFont(f)
        self._countdown_px = QFontInfo(f).pixelSize()
        self._fit_timer = QTimer(self)  # one fit once the layout settles, however asked
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self._fit_countdown)
        self._countdown_unit = _label("countdownUnit")
        self._countdown_unit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        f = self._countdown_unit.font()
        f.setPointSizeF(f.pointSizeF() * 1.3)
        self._countdown_unit.setFont(f)

        self._cue = _label("cueLabel")
        self._cue.setWordWrap(True)
        self._cue.setAlignment(Qt.AlignmentFlag.AlignCenter)
        f = self._cue.font()
        f.setPointSizeF(f.pointSizeF() * 1.5)
        self._cue.setFont(f)
        self._cue_pt = f.pointSizeF()
        self._text_scale = 1.0
        self._step_progress = _label("stepProgress")
        self._next = _label("nextStep")
        self._next.setWordWrap(True)
        for label in (self._step_progress, self._next):
            f = label.font()
            f.setPointSizeF(f.pointSizeF() * 1.15)
            label.setFont(f)
        self._notice = _label("playerNotice")
        self._notice.setWordWrap(True)
        self._notice.hide()

        self.diagram = DiagramView(self)
        self.diagram.setMinimumSize(160, 160)
        self.diagram.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        self.back_button = self._button("backButton")
        self.pause_button = self._button("pauseButton")
        self.skip_button = self._button("skipButton")
        self.stop_button = self._button("stopButton")
        self.stop_button.setMinimumHeight(56)
        f = self.stop_button.font()
        f.setPointSizeF(f.pointSizeF() * 1.35)
        f.setBold(True)
        self.stop_button.setFont(f)
        self.stop_button.setStyleSheet(
            "QPushButton#stopButton { background: #b3261e; color: white; border-radius: 8px;"
            " padding: 8px 28px; }"
            "QPushButton#stopButton:focus { outline: 3px solid palette(highlight); "
            "border: 3px solid palette(highlight); }"
        )
        self.back_button.clicked.connect(self.backRequested)
        self.pause_button.clicked.connect(self.pauseToggled)
        self.skip_button.clicked.connect(self.skipRequested)
        self.stop_button.clicked.connect(self.stopRequested)

        for key, signal in (
            (Qt.Key.Key_Space, self.pauseToggled),
            (Qt.Key.Key_Right, self._right_key),
            (Qt.Key.Key_Left, self._left_key),
            (Qt.Key.Key_Escape, self.stopRequested),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.setAutoRepeat(False)
            shortcut.activated.connect(signal)

        header = QHBoxLayout()
        header.addWidget(self._routine, 1)
        header.addWidget(self._progress_text)

        text_col = QVBoxLayout()
        # The side goes under the phase where the two do not fit side by side ("Paused ·
        # Get ready" beside "Right side" at a large text size made the card scroll
        # sideways and pushed the diagram out).
        top_row = WrappingRow(spacing=12)
        top_row.setObjectName("phaseRow")
        top_row.set_widgets([self._phase, self._side], stretch=[1, 0])
        text_col.addWidget(top_row)
        text_col.addWidget(self._step_title)
        text_col.addStretch(1)
        text_col.addWidget(self._countdown)
        text_col.addWidget(self._countdown_unit)
        text_col.addWidget(self._cue)
        text_col.addStretch(1)
        text_col.addWidget(self._step_progress)
        text_col.addWidget(self._next)

        self._card = card = QFrame()
        card.setObjectName("playerCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setLayout(text_col)

        body_widget = QWidget()
        body_widget.setObjectName("playerBody")
        body = QHBoxLayout(body_widget)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(card, 3)
        body.addWidget(self.diagram, 2)
        self.body = QScrollArea()
        self.body.setObjectName("playerBodyScroll")
        self.body.setWidget(body_widget)
        self.body.setWidgetResizable(True)
        self.body.setFrameShape(QFrame.Shape.NoFrame)
        self.body.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.body.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.body.setMinimumHeight(0)

        controls = QHBoxLayout()
        controls.addWidget(self.back_button)
        controls.addWidget(self.pause_button)
        controls.addWidget(self.skip_button)
        controls.addStretch(1)
        controls.addWidget(self.stop_button)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self._progress)
        layout.addWidget(self.body, 1)
        layout.addWidget(self._notice)
        layout.addLayout(controls)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._retranslate()

    def _retranslate(self) -> None:
        """Every text of the player in the current language, the state's included."""
        self.setAccessibleName(_("Session player"))
        self._routine.setAccessibleName(_("Routine"))
        self._progress.setAccessibleName(_("Routine progress"))
        self._phase.setAccessibleName(_("Phase"))
        self._side.setAccessibleName(_("Side being worked"))
        self._step_title.setAccessibleName(_("Step"))
        self._countdown.setAccessibleName(_("Countdown"))
        self._cue.setAccessibleName(_("Cue"))
        self._step_progress.setAccessibleName(_("Step progress"))
        self._next.setAccessibleName(_("Next step"))
        self._notice.setAccessibleName(_("Notice"))
        back, forward = ("▶", "◀") if self._right_to_left() else ("◀", "▶")
        left, right = pgettext("keyboard key", "Left"), pgettext("keyboard key", "Right")
        back_key, forward_key = (right, left) if self._right_to_left() else (left, right)
        back_text, skip_text = _("Back"), _("Skip")
        # TRANSLATORS: the keys in parentheses are the keyboard's arrow keys, Space, Esc.
        for button, text, name, tip in (
            (self.back_button, f"{back}  {back_text}", _("Back to the previous part"),
             _("Back to the previous part ({key})").format(key=back_key)),
            (self.skip_button, f"{skip_text}  {forward}", _("Skip to the next part"),
             _("Skip to the next part ({key})").format(key=forward_key)),
            (self.stop_button, _("Stop"), _("Stop the session now"),
             _("Stop the session now (Esc)")),
        ):
            button.setText(text)
            button.setAccessibleName(name)
            button.setToolTip(tip)
        self.pause_button.setToolTip(_("Pause or resume (Space)"))
        if self._status is None:
            self.pause_button.setText(_("Pause"))
            self.pause_button.setAccessibleName(_("Pause"))
        else:
            self._last_segment = None
            self.show_status(self._status)

    def _right_to_left(self) -> bool:
        return self.layoutDirection() == Qt.LayoutDirection.RightToLeft

    def _right_key(self) -> None:
        """The arrow key pointing the way the session goes: right, unless the layout
        runs right to left, where going on is to the left (as the buttons are)."""
        (self.backRequested if self._right_to_left() else self.skipRequested).emit()

    def _left_key(self) -> None:
        (self.skipRequested if self._right_to_left() else self.backRequested).emit()

    @property
    def time_left(self) -> QLabel:
        """The routine's time left, always in view above the scrolling body."""
        return self._progress_text

    @property
    def countdown_label(self) -> QLabel:
        return self._countdown

    def _button(self, name: str) -> QPushButton:
        button = QPushButton(self)
        button.setObjectName(name)
        button.setMinimumSize(BUTTON_MIN_WIDTH, 48)
        button.setAutoDefault(False)
        return button

    def set_notice(self, text: str | None) -> None:
        """A one-line notice (voice or sound missing); None hides it."""
        self._notice.setText(text or "")
        self._notice.setVisible(bool(text))

    def show_status(self, status: Status) -> None:
        self._status = status
        segment = status.segment
        paused = status.state is State.PAUSED
        self.pause_button.setText(_("Resume") if paused else _("Pause"))
        self.pause_button.setAccessibleName(self.pause_button.text())
        live = status.state in (State.RUNNING, State.PAUSED, State.READY)
        for button in (self.pause_button, self.skip_button, self.back_button):
            button.setEnabled(live)
        self.stop_button.setEnabled(True)
        total = max(status.planned_seconds, 1e-9)
        self._progress.setRange(0, 1000)
        self._progress.setValue(round(1000 * min(status.position / total, 1.0)))
        left = math.ceil(status.planned_seconds - status.position - 1e-6)
        # TRANSLATORS: the routine's time left ("4:31 left").
        self._progress_text.setText(_("{time} left").format(time=clock(left)))
        if segment is None:
            self._countdown.setText("0")
            return
        if segment is not self._last_segment:
            self._show_segment(segment)
        phase_text = _(PHASE_WORDS[segment.phase])
        # TRANSLATORS: {symbol} is a pause sign, {phase} "Get ready", "Work" or "Rest".
        self._phase.setText(_("{symbol} Paused · {phase}").format(
            symbol=PAUSE_SYMBOL, phase=phase_text) if paused else phase_text)
        self._paused = paused
        if self._painted != (segment.phase, paused):
            self._paint_phase(segment.phase)
        if status.strokes_left is not None:
            self._countdown.setText(str(status.strokes_left))
            unit = _reps_left(segment.step.repetition_unit, status.strokes_left)
        else:
            shown = countdown(status.remaining)
            self._countdown.setText(shown)
            # TRANSLATORS: shown under the countdown ("12" seconds, "1:05" minutes).
            unit = (ngettext("second", "seconds", int(shown)) if shown.isdigit()
                    else pgettext("countdown", "minutes"))
        self._countdown_unit.setText(unit)
        # TRANSLATORS: read by screen readers: the countdown and its unit ("12 seconds").
        self._countdown.setAccessibleDescription(_("{count} {unit}").format(
            count=self._countdown.text(), unit=unit))
        nxt = status.next_segment
        self._next.setText(_("Next: {step}").format(step=_describe(nxt)) if nxt
                           else _("Next: the end of the routine"))

    def _show_segment(self, segment: Segment) -> None:
        self._last_segment = segment
        step = segment.step
        # Text from a file, which may hold a word longer than the window is wide.
        self._step_title.setText(breakable(step.title))
        side = SIDE_WORDS.get(segment.side or "")
        self._side.setText(_(side) if side else "")
        if segment.phase is Phase.PREPARE:
            self._cue.setText(breakable(segment.instruction))
        elif step.kind is StepKind.REST:
            self._cue.setText(breakable(step.cue))
        else:
            self._cue.setText(breakable(_("{cue} · {pressure}").format(
                cue=step.cue, pressure=_(PRESSURE_WORDS[step.pressure]))
                if step.pressure else step.cue))
        self._step_progress.setText(ngettext(
            "Step {number} of {count}", "Step {number} of {count}", self._steps_total
        ).format(number=segment.step_index + 1, count=self._steps_total))
        self.diagram.set_regions(step.regions, segment.side)
        self._fit_later()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A short window gets a smaller countdown, and a very short one leaves out
        the diagram and shrinks the step title, so the number stays in view."""
        super().resizeEvent(event)
        compact = self.height() < COMPACT_HEIGHT
        self._fit_countdown()  # now, for the number's place below; again once the
        self._fit_later()  # texts under it are laid out at the new width
        if compact:
            self.body.ensureWidgetVisible(self._countdown, 0, 0)
        if compact != self._compact:
            self._compact = compact
            self.diagram.setVisible(not compact)
            self._scale_texts(self._text_scale, force=True)

    def _fit_later(self) -> None:
        """Fit the countdown again once the layout has settled (new texts, new size)."""
        self._fit_timer.start()

    def _fit_countdown(self) -> None:
        """The countdown as large as a share of the window's height allows, and no
        larger than leaves the card's texts in view: at large text a long instruction
        under it once went below the edge, and nobody scrolls mid-stroke."""
        compact = self.height() < COMPACT_HEIGHT
        self._scale_texts(1.0)  # the countdown gives up height first
        least = self.least_countdown_px()
        most = max(least, min(self._countdown_px, self.height() // (7 if compact else 5)))
        card = self._card
        needed = card.heightForWidth(card.width()) if card.hasHeightForWidth() else -1
        font = self._countdown.font()
        if needed > 0 and font.pixelSize() > 0:
            others = needed - self._countdown.sizeHint().height()
            room = self.body.viewport().height() - others
            per_px = QFontMetrics(font).height() / font.pixelSize()
            most = max(least, min(most, int(room / per_px)))
        if font.pixelSize() != most:
            font.setPixelSize(most)
            self._countdown.setFont(font)
        if most == least:
            self._fit_texts()

    def least_countdown_px(self) -> int:
        """The countdown's smallest size: :data:`MIN_COUNTDOWN_PX`, or 1.5 times the
        text at a large text size (at 200 % it had shrunk below its own "seconds")."""
        return max(MIN_COUNTDOWN_PX, round(QFontInfo(self.font()).pixelSize() * 1.5))

    def _fit_texts(self) -> None:
        """With the countdown at its smallest, the step's title and the instruction
        give up some size (down to :data:`TEXT_SCALES`' last) before the card scrolls:
        a long get-ready instruction at large text, in a long-worded language."""
        card = self._card
        room = self.body.viewport().height()
        for scale in TEXT_SCALES:
            self._scale_texts(scale)
            if not card.hasHeightForWidth() or card.heightForWidth(card.width()) <= room:
                break

    def _scale_texts(self, scale: float, *, force: bool = False) -> None:
        """The step's title and the instruction at ``scale`` times their usual size
        (a compact window's title smaller still)."""
        if scale == self._text_scale and not force:
            return
        self._text_scale = scale
        title = self._step_title.font()
        title.setPointSizeF(self._step_title_pt * scale * (0.7 if self._compact else 1.0))
        self._step_title.setFont(title)
        cue = self._cue.font()
        cue.setPointSizeF(self._cue_pt * scale)
        self._cue.setFont(cue)

    @property
    def compact(self) -> bool:
        """Whether the window is too short for the diagram (it is then hidden)."""
        return self._compact

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._last_segment is not None:
            self._paint_phase(self._last_segment.phase)
        elif event.type() in (QEvent.Type.LanguageChange, QEvent.Type.LayoutDirectionChange
                              ) and hasattr(self, "stop_button"):
            self._retranslate()

    @property
    def paused_look(self) -> bool:
        """Whether the player shows the paused state (neutral colour, dimmed count)."""
        return self._painted is not None and self._painted[1]

    def _paint_phase(self, phase: Phase) -> None:
        """Colour the phase word so get ready / work / rest read at a glance; paused
        turns it and the countdown a neutral grey, the countdown dimmed."""
        paused = self._paused
        self._painted = (phase, paused)
        kind = Accent.PAUSED if paused else {
            Phase.PREPARE: Accent.CAUTION,
            Phase.WORK: Accent.PRIMARY,
            Phase.REST: Accent.SUCCESS,
        }[phase]
        color = accent(kind, self.palette())
        self._phase.setStyleSheet(f"color: {color.name()};")
        if paused:
            background = self.palette().color(QPalette.ColorRole.Window)
            self._countdown.setStyleSheet(f"color: {dimmed(color, background).name()};")
        else:
            self._countdown.setStyleSheet(f"color: {color.name()};" if phase is Phase.WORK else "")
