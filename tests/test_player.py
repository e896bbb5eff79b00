"""The player under a fake clock: display, keyboard, stop silencing, history rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import FakeClock
from large_text import large_text
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QRadioButton
from pytestqt.qtbot import QtBot
from routine_factory import hold, make_routine, rest, strokes

from massage_timer.core.model import engine as eng
from massage_timer.core.model.cues import Cue, CueKind
from massage_timer.core.model.engine import SessionEngine
from massage_timer.core.model.routine import Routine
from massage_timer.core.model.session import Outcome
from massage_timer.core.model.settings import Settings
from massage_timer.core.model.speech_timing import LINE_DELAY
from massage_timer.core.storage.history.store import HistoryStore
from massage_timer.core.storage.loader import LoadedRoutine, Origin
from massage_timer.ui.session.flow import SessionFlow
from massage_timer.ui.session.player_view import MIN_COUNTDOWN_PX, TEXT_SCALES, PlayerView


@dataclass
class FakeSpeaker:
    """Records what it was asked to play; 'speaking' until silenced."""

    played: list[Cue] = field(default_factory=list)
    prepared: list[str] = field(default_factory=list)
    stops: int = 0
    speaking: bool = False
    notice: str | None = None

    def prepare(self, lines: Sequence[str]) -> None:
        self.prepared.extend(lines)

    def play(self, cue: Cue) -> None:
        self.played.append(cue)
        if cue.kind is CueKind.SPEECH:
            self.speaking = True

    def silence(self) -> None:
        self.stops += 1
        self.speaking = False

    def problem(self) -> str | None:
        return self.notice


THREE_STEPS = make_routine(
    hold(
        "Shoulder squeeze",
        seconds=10,
        prepare=2,
        switch_prepare=2,
        sides=["left", "right"],
        regions=["upper-trapezius"],
    ),
    strokes("Neck glides", reps=3, cadence=2, prepare=2, regions=["suboccipitals"]),
    rest(seconds=3),
)


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    store, notices = HistoryStore.open(tmp_path / "history.sqlite3")
    assert notices == []
    return store


def make_flow(
    qtbot: QtBot,
    clock: FakeClock,
    store: HistoryStore,
    speaker: FakeSpeaker,
    settings: Settings | None = None,
) -> SessionFlow:
    loaded = LoadedRoutine(THREE_STEPS, Path("three.toml"), Origin.BUILTIN, "abc123")
    flow = SessionFlow(
        loaded,
        settings or Settings(),
        store,
        speaker,
        clock=clock,
        wall_clock=lambda: datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
    )
    flow.start_player(pain_before=4)
    assert flow.window is not None
    qtbot.addWidget(flow.window)
    return flow


def label(flow: SessionFlow, name: str) -> str:
    assert flow.window is not None
    widget = flow.window.findChild(QLabel, name)
    assert widget is not None, name
    return widget.text()


def advance(flow: SessionFlow, clock: FakeClock, seconds: float) -> None:
    assert flow.adapter is not None
    end = clock.now + seconds
    while clock.now < end - 1e-9:
        clock.set(min(clock.now + 0.5, end))
        flow.adapter.wake()


def test_the_deadline_timer_is_rearmed_when_a_listener_raises(
    qtbot: QtBot, fake_clock: FakeClock, store: HistoryStore
) -> None:
    """An error in anything listening to the session must not stop its clock: the
    next deadline is still armed, and the session then runs on."""
    flow = make_flow(qtbot, fake_clock, store, FakeSpeaker())
    assert flow.adapter is not None and flow.session is not None
    failures = [RuntimeError("a listener failed")]

    def fail_once(_event: eng.Event) -> None:
        if failures:
            raise failures.pop()

    flow.session.subscribe(fail_once)
    fake_clock.set(fake_clock.now + 2.0)
    flow.adapter.timer.stop()  # as once its single shot has fired
    with pytest.raises(RuntimeError, match="a listener failed"):
        flow.adapter.wake()
    assert flow.adapter.timer.isActive()
    advance(flow, fake_clock, 1.0)
    assert label(flow, "phaseLabel") == "Work"


def test_three_step_routine_runs_to_the_end(
    qtbot: QtBot, fake_clock: FakeClock, store: HistoryStore
) -> None:
    speaker = FakeSpeaker()
    flow = make_flow(qtbot, fake_clock, store, speaker)
    seen: list[eng.Event] = []
    assert flow.adapter is not None
    flow.adapter.eventOccurred.connect(seen.append)
    assert label(flow, "stepTitle") == "Shoulder squeeze"
    assert label(flow, "phaseLabel") == "Get ready"
    assert label(flow, "sideLabel") == "Left side"
    assert label(flow, "countdownLabel") == "2"
    assert label(flow, "stepProgress") == "Step 1 of 3"
    assert label(flow, "nextStep") == "Next: Shoulder squeeze (right)"
    advance(flow, fake_clock, 2.0)
    assert label(flow, "phaseLabel") == "Work"
    assert label(flow, "countdownLabel") == "10"
    advance(flow, fake_clock, 3.0)
    assert label(flow, "countdownLabel") == "7"
    advance(flow, fake_clock, 7.0 + 2.0)
    assert label(flow, "sideLabel") == "Right side"
    advance(flow, fake_clock, 10.0 + 2.0)
    assert label(flow, "stepTitle") == "Neck glides"
    assert label(flow, "countdownLabel") == "3"
    assert label(flow, "countdownUnit") == "strokes left"
    advance(flow, fake_clock, 2.0)
    assert label(flow, "countdownLabel") == "2"
    row = store.get(flow.session_id or 0)
    assert row is not None and row.steps_completed == 1 and row.outcome is Outcome.RUNNING
    with qtbot.waitSignal(flow.adapter.stateChanged, timeout=1000):
        advance(flow, fake_clock, 4.0 + 3.0)
    assert flow.outcome is Outcome.COMPLETED
    assert isinstance(seen[-1], eng.SessionFinished)
    assert [type(e).__name__ for e in seen].count("StepDone") == 3
    spoken = [c.text for c in speaker.played if c.kind is CueKind.SPEECH]
    assert spoken[0] == THREE_STEPS.steps[0].part_line(0)
    assert "left" in spoken[0] and "Now the right side." in spoken
    assert spoken[-1] == "Well done. The routine is complete."
    tones = [c.text for c in speaker.played if c.kind is CueKind.TONE]
    assert tones.count("work-start") == 3 and tones.count("work-end") == 3
    row = store.get(flow.session_id or 0)
    assert row is not None
    assert (row.outcome, row.steps_completed, row.steps_total) == (Outcome.COMPLETED, 3, 3)
    assert row.active_seconds == pytest.approx(THREE_STEPS.total_seconds())
    assert row.pain_before == 4
    assert flow.summary is not None and flow.summary.objectName() == "sessionSummary"
    flow.summary.accept()


def test_keyboard_pause_skip_back_and_stop(
    qtbot: QtBot, fake_clock: FakeClock, store: HistoryStore
) -> None:
    speaker = FakeSpeaker()
    flow = make_flow(qtbot, fake_clock, store, speaker)
    assert flow.window is not None and flow.engine is not None
    player = flow.window.player
    flow.window.activateWindow()
    qtbot.waitUntil(lambda: flow.window is not None and flow.window.isActiveWindow(), timeout=2000)
    player.stop_button.setFocus()  # Space must pause, not press the focused Stop button
    qtbot.keyClick(player.stop_button, Qt.Key.Key_Space)
    assert flow.engine.state is eng.State.PAUSED
    assert player.pause_button.text() == "Resume"
    assert "Paused" in label(flow, "phaseLabel")
    fake_clock.advance(60)
    qtbot.keyClick(player.stop_button, Qt.Key.Key_Space)
    assert flow.engine.state is eng.State.RUNNING
    qtbot.keyClick(player.stop_button, Qt.Key.Key_Right)
    assert label(flow, "sideLabel") == "Right side"
    qtbot.keyClick(player.stop_button, Qt.Key.Key_Left)
    assert label(flow, "sideLabel") == "Left side"
    speaker.speaking = True
    qtbot.keyClick(player.stop_button, Qt.Key.Key_Escape)
    assert flow.engine.state is eng.State.STOPPED
    # Once each: the pause, the skip, the back (a jump cuts the old part's line) and the stop.
    assert not speaker.speaking and speaker.stops == 4
    row = store.get(flow.session_id or 0)
    assert row is not None and row.outcome is Outcome.STOPPED
    assert flow.summary is not None
    flow.summary.accept()


def test_stop_button_silences_at_once_and_is_always_enabled(
    qtbot: QtBot, fake_clock: FakeClock, store: HistoryStore
) -> None:
    speaker = FakeSpeaker()
    flow = make_flow(qtbot, fake_clock, store, speaker)
    assert flow.window is not None
    stop = flow.window.findChild(QPushButton, "stopButton")
    assert stop is not None and stop.isEnabled() and stop.isVisible()
    assert stop.accessibleName() == "Stop the session now"
    advance(flow, fake_clock, LINE_DELAY)
    assert speaker.speaking  # the first instruction is being spoken
    qtbot.mouseClick(stop, Qt.MouseButton.LeftButton)
    assert not speaker.speaking
    assert flow.outcome is Outcome.STOPPED
    assert flow.summary is not None
    flow.summary.accept()


def test_closing_the_player_window_stops_the_session(
    qtbot: QtBot, fake_clock: FakeClock, store: HistoryStore
) -> None:
    flow = make_flow(qtbot, fake_clock, store, FakeSpeaker())
    assert flow.window is not None
    flow.window.close()
    assert flow.outcome is Outcome.STOPPED
    assert flow.summary is not None
    flow.summary.accept()


def test_no_voice_path_shows_cues_on_screen(
    qtbot: QtBot, fake_clock: FakeClock, store: HistoryStore
) -> None:
    speaker = FakeSpeaker(notice="The voice is unavailable: install espeak-ng.")
    settings = Settings(voice_enabled=False, tones_enabled=True)
    loaded = LoadedRoutine(THREE_STEPS, Path("three.toml"), Origin.BUILTIN, "abc123")
    flow = SessionFlow(loaded, settings, store, speaker, clock=fake_clock)
    flow.start_player(None)
    assert flow.window is not None
    qtbot.addWidget(flow.window)
    notice = flow.window.findChild(QLabel, "playerNotice")
    assert notice is not None and "espeak-ng" in notice.text() and notice.isVisible()
    assert label(flow, "cueLabel") == THREE_STEPS.steps[0].spoken_instruction("left")
    advance(flow, fake_clock, 2.0)
    assert label(flow, "cueLabel").startswith(THREE_STEPS.steps[0].cue)
    assert not [c for c in speaker.played if c.kind is CueKind.SPEECH]
    assert [c.text for c in speaker.played] == ["work-start"]
    flow.stop()
    assert flow.summary is not None
    flow.summary.accept()


def test_a_long_unbroken_word_does_not_widen_the_player(
    qtbot: QtBot, fake_clock: FakeClock, store: HistoryStore
) -> None:
    """A step's instruction of one 400-letter word ran off the cue label's edge, cut."""
    word = "w" * 400
    routine = make_routine(id="odd", steps=[hold("T" * 80, 20, instruction=word, cue="c" * 80)])
    loaded = LoadedRoutine(routine, Path("odd.toml"), Origin.USER, "abc123")
    flow = SessionFlow(loaded, Settings(), store, FakeSpeaker(), clock=fake_clock)
    flow.start_player(None)
    window = flow.window
    assert window is not None
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    screen = window.screen().availableGeometry().width()
    for phase in range(2):  # the instruction as it is said, then the cue
        assert window.minimumSizeHint().width() < screen
        cue = window.findChild(QLabel, "cueLabel")
        assert cue.text().replace("\u200b", "") in (word, "c" * 80), phase
        assert cue.width() <= window.width()
        drawn = cue.fontMetrics().boundingRect(
            QRect(0, 0, cue.width(), 100_000), int(Qt.TextFlag.TextWordWrap), cue.text())
        assert drawn.width() <= cue.width(), "wrapped, not cut at the label's edge"
        advance(flow, fake_clock, 6.0)
    flow.stop()


def test_summary_pain_after_is_recorded(
    qtbot: QtBot, fake_clock: FakeClock, store: HistoryStore
) -> None:
    flow = make_flow(qtbot, fake_clock, store, FakeSpeaker())
    outcomes: list[Outcome] = []
    flow.ended.connect(outcomes.append)
    flow.stop()
    summary = flow.summary
    assert summary is not None
    summary.pain_scale.set_value(2)  # type: ignore[attr-defined]
    summary.accept()
    row = store.get(flow.session_id or 0)
    assert row is not None and row.pain_after == 2
    assert outcomes == [Outcome.STOPPED]


def test_phase_colours_follow_a_theme_change(
    qtbot: QtBot, fake_clock: FakeClock, store: HistoryStore
) -> None:

    from massage_timer.ui.theme import ThemeController

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme = ThemeController(app, "light", 1.0)
    flow = make_flow(qtbot, fake_clock, store, FakeSpeaker())
    assert flow.window is not None
    phase = flow.window.findChild(QLabel, "phaseLabel")
    assert phase is not None
    light = phase.styleSheet()
    theme.set_mode("dark")
    qtbot.waitUntil(lambda: phase.styleSheet() != light, timeout=1000)
    theme.set_mode("light")
    qtbot.waitUntil(lambda: phase.styleSheet() == light, timeout=1000)
    flow.stop()
    assert flow.summary is not None
    flow.summary.accept()


def test_the_plan_follows_the_rendered_clips_and_the_voice_rate(
    qtbot: QtBot, fake_clock: FakeClock, store: HistoryStore
) -> None:
    """Clips rendered while the checklist shows are measured as the player starts: one
    longer than the written 2 s get-ready moves the work back; a line whose clip is not
    ready is estimated at the user's rate; "Now the right side." fits its written 2 s."""
    from massage_timer.core.model.speech_timing import SpeechTiming

    first, second = THREE_STEPS.steps[0], THREE_STEPS.steps[1]
    clips: dict[str, float] = {}
    loaded = LoadedRoutine(THREE_STEPS, Path("three.toml"), Origin.BUILTIN, "abc123")
    speaker = FakeSpeaker()
    flow = SessionFlow(loaded, Settings(voice_rate=80), store, speaker, clock=fake_clock,
                       clip_seconds=clips.get)
    flow.begin()
    assert flow.checklist is not None
    qtbot.addWidget(flow.checklist)
    assert first.part_line(0) in speaker.prepared
    clips.update({first.part_line(0): 4.4, first.part_line(1): 1.0})
    flow.start_player(None)
    assert flow.window is not None and flow.engine is not None
    qtbot.addWidget(flow.window)
    prepares = [s.duration for s in flow.engine.plan if s.phase is eng.Phase.PREPARE]
    assert prepares == [7, 2, SpeechTiming(80).prepare_seconds(second)]
    assert prepares[2] > 2
    assert label(flow, "countdownLabel") == "7"
    row = store.get(flow.session_id or 0)
    assert row is not None and row.planned_seconds == flow.engine.planned_seconds
    unvoiced = SessionFlow(loaded, Settings(voice_enabled=False, voice_rate=80), store,
                           FakeSpeaker(), clock=fake_clock, clip_seconds=clips.get)
    assert unvoiced.speech_timing().prepare_seconds(first) == 2
    flow.stop()


def test_paused_is_unmistakable_and_said_once(
    qtbot: QtBot, fake_clock: FakeClock, store: HistoryStore
) -> None:
    from massage_timer.ui.theme import Accent, accent

    speaker = FakeSpeaker()
    flow = make_flow(qtbot, fake_clock, store, speaker)
    assert flow.window is not None and flow.adapter is not None
    player = flow.window.player
    advance(flow, fake_clock, 3.0)
    phase = flow.window.findChild(QLabel, "phaseLabel")
    assert phase is not None
    running_phase, running_count = phase.styleSheet(), player.countdown_label.styleSheet()
    assert not player.paused_look
    played = len(speaker.played)
    flow.adapter.toggle_pause()
    neutral = accent(Accent.PAUSED, player.palette()).name()
    assert player.paused_look
    assert phase.text().startswith("\u275a\u275a Paused")
    assert phase.styleSheet() == f"color: {neutral};" != running_phase
    assert player.countdown_label.styleSheet() not in ("", running_count)
    assert [c.text for c in speaker.played[played:]] == ["Paused."]
    advance(flow, fake_clock, 30.0)
    assert [c.text for c in speaker.played[played:]] == ["Paused."], "nothing else plays"
    flow.adapter.toggle_pause()
    assert not player.paused_look
    assert phase.styleSheet() == running_phase
    assert player.countdown_label.styleSheet() == running_count
    flow.stop()
    assert flow.summary is not None
    flow.summary.accept()


def test_escape_in_the_pain_rating_cancels_the_start(
    qtbot: QtBot, fake_clock: FakeClock, store: HistoryStore
) -> None:
    from PySide6.QtWidgets import QDialog

    loaded = LoadedRoutine(THREE_STEPS, Path("three.toml"), Origin.BUILTIN, "abc123")
    flow = SessionFlow(loaded, Settings(), store, FakeSpeaker(), clock=fake_clock)
    flow.begin()
    assert flow.checklist is not None
    qtbot.addWidget(flow.checklist)
    for button in flow.checklist.findChildren(QRadioButton):
        if button.objectName().endswith("_no"):
            button.setChecked(True)
    confirm = flow.checklist.findChild(QPushButton, "checklistConfirm")
    assert confirm is not None and confirm.isEnabled()
    confirm.click()
    pain = flow.pain_dialog
    assert pain is not None and pain.isVisible()
    qtbot.addWidget(pain)
    outcomes: list[Outcome] = []
    flow.ended.connect(outcomes.append)
    qtbot.keyClick(pain, Qt.Key.Key_Escape)
    assert pain.result() == QDialog.DialogCode.Rejected.value
    assert outcomes == [Outcome.CANCELLED]
    assert flow.window is None, "no player after Esc"
    assert store.count() == 0


def test_skip_in_the_pain_rating_starts_without_a_rating(
    qtbot: QtBot, fake_clock: FakeClock, store: HistoryStore
) -> None:
    loaded = LoadedRoutine(THREE_STEPS, Path("three.toml"), Origin.BUILTIN, "abc123")
    flow = SessionFlow(loaded, Settings(), store, FakeSpeaker(), clock=fake_clock)
    flow.begin()
    assert flow.checklist is not None
    qtbot.addWidget(flow.checklist)
    for button in flow.checklist.findChildren(QRadioButton):
        if button.objectName().endswith("_no"):
            button.setChecked(True)
    flow.checklist.findChild(QPushButton, "checklistConfirm").click()
    pain = flow.pain_dialog
    assert pain is not None
    qtbot.addWidget(pain)
    pain.activateWindow()
    qtbot.waitUntil(pain.isActiveWindow, timeout=2000)
    skip = pain.skip_button()
    assert skip.text() == "&Skip" and isinstance(skip, QPushButton) and skip.isDefault()
    qtbot.keyClick(pain, Qt.Key.Key_Return)  # Enter, with nothing chosen, is Skip
    assert flow.window is not None
    qtbot.addWidget(flow.window)
    flow.stop()
    assert flow.summary is not None
    summary_before = flow.summary.findChild(QLabel, "summaryPainBefore")
    assert summary_before is not None and summary_before.text() == "Not rated"
    flow.summary.accept()
    row = store.get(flow.session_id or 0)
    assert row is not None and row.pain_before is None


def test_windows_that_are_done_give_back_their_backing_store(
    qtbot: QtBot, fake_clock: FakeClock, store: HistoryStore
) -> None:
    """A hidden window keeps a buffer its size (1-2 MB) until its native window goes:
    the checklist and the pain rating go whole once the player runs (their answers are
    recorded), the player's window once the summary shows; the keys that closed them
    were safe."""
    loaded = LoadedRoutine(THREE_STEPS, Path("three.toml"), Origin.BUILTIN, "abc123")
    flow = SessionFlow(loaded, Settings(), store, FakeSpeaker(), clock=fake_clock)
    flow.begin()
    checklist = flow.checklist
    assert checklist is not None
    gone: list[str] = []
    checklist.destroyed.connect(lambda: gone.append("checklist"))
    for button in checklist.findChildren(QRadioButton):
        if button.objectName().endswith("_no"):
            button.setChecked(True)
    checklist.findChild(QPushButton, "checklistConfirm").click()
    pain = flow.pain_dialog
    assert pain is not None and pain.windowHandle() is not None
    pain.destroyed.connect(lambda: gone.append("pain rating"))
    qtbot.keyClick(pain, Qt.Key.Key_Return)
    window = flow.window
    assert window is not None and window.isVisible()
    qtbot.addWidget(window)
    assert flow.checklist is None and flow.pain_dialog is None
    qtbot.waitUntil(lambda: sorted(gone) == ["checklist", "pain rating"])
    assert flow.session_id is not None
    record = store.get(flow.session_id)
    assert record is not None and record.checklist_confirmed_at is not None
    assert window.windowHandle() is not None
    qtbot.keyClick(window.player, Qt.Key.Key_Escape)  # Esc stops
    summary = flow.summary
    assert summary is not None and summary.isVisible()
    qtbot.waitUntil(lambda: window.windowHandle() is None)
    assert summary.windowHandle() is not None and flow.window is window
    summary.accept()
    assert flow.outcome is Outcome.STOPPED


def test_in_a_right_to_left_layout_the_arrows_and_keys_point_the_other_way(
    qtbot: QtBot, fake_clock: FakeClock, store: HistoryStore
) -> None:
    """Mirrored, the session runs from right to left: Skip is on the left and points
    left, Back points right, and the arrow keys follow the buttons."""
    flow = make_flow(qtbot, fake_clock, store, FakeSpeaker())
    assert flow.window is not None and flow.engine is not None
    player = flow.window.player
    assert player.back_button.text().startswith("◀") and player.skip_button.text().endswith("▶")
    flow.window.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    assert player.back_button.text().startswith("▶") and player.skip_button.text().endswith("◀")
    assert player.back_button.toolTip() == "Back to the previous part (Right)"
    qtbot.waitUntil(lambda: player.skip_button.x() < player.back_button.x(), timeout=2000)
    flow.window.activateWindow()
    qtbot.waitUntil(lambda: flow.window is not None and flow.window.isActiveWindow(), timeout=2000)
    qtbot.keyClick(player.stop_button, Qt.Key.Key_Left)
    assert label(flow, "sideLabel") == "Right side"
    qtbot.keyClick(player.stop_button, Qt.Key.Key_Right)
    assert label(flow, "sideLabel") == "Left side"
    flow.stop()
    assert flow.summary is not None
    flow.summary.accept()


def test_each_step_gives_the_freed_memory_back(
    qtbot: QtBot, fake_clock: FakeClock, store: HistoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session frees what each step's lines and records took: at every step (and
    side) that starts, the free pages inside the heap go back to the system."""
    from massage_timer.ui.session import flow as flow_module

    given_back: list[bool] = []
    monkeypatch.setattr(flow_module, "give_back_free_pages", lambda: given_back.append(True))
    flow = make_flow(qtbot, fake_clock, store, FakeSpeaker())
    assert given_back == [True]  # the first step has started
    assert flow.session is not None
    started: list[eng.StepStarted] = []
    flow.session.subscribe(
        lambda event: started.append(event) if isinstance(event, eng.StepStarted) else None)
    advance(flow, fake_clock, 120)
    assert flow.summary is not None
    assert [(e.step_index, e.side) for e in started] == [(0, "right"), (1, None), (2, None)]
    assert len(given_back) == 1 + len(started)


def _small_screen_player(qtbot: QtBot, routine: Routine) -> tuple[PlayerView, QLabel]:
    """A player in a 1024x600 screen's window, in the get-ready phase of ``routine``'s
    first step, and its instruction's label."""
    engine = SessionEngine(routine, lambda: 1000.0)
    engine.start()
    player = PlayerView(routine.title, len(engine.steps))
    qtbot.addWidget(player)
    player.resize(1008, 552)
    player.show()
    qtbot.waitExposed(player)
    player.show_status(engine.status())
    cue = player.findChild(QLabel, "cueLabel")
    assert cue is not None
    return player, cue


def test_a_long_instruction_at_large_text_stays_in_view(qtbot: QtBot) -> None:
    """At 1.5x text in a 1024x600 screen's window, the get-ready instruction once ran
    below the edge of the player (nobody scrolls mid-stroke): the countdown now gives
    up height so that every line of it shows."""
    instruction = ("Sit tall with your shoulders low. With the opposite hand, grasp the "
                   "muscle on top of your shoulder near its outer edge and squeeze, then "
                   "breathe out slowly and let the shoulder sink under your fingers.")
    routine = make_routine(hold("Squeeze", 20, instruction=instruction))
    with large_text():
        player, cue = _small_screen_player(qtbot, routine)
        assert cue.text() == instruction

        def in_view() -> bool:
            viewport = player.body.viewport()
            shown = QRect(cue.mapTo(viewport, cue.rect().topLeft()), cue.size())
            return viewport.rect().contains(shown) and cue.height() >= cue.heightForWidth(
                cue.width())

        qtbot.waitUntil(in_view)
        assert player.countdown_label.font().pixelSize() >= 28, "still a clear number"


def test_a_long_title_and_instruction_shrink_before_the_player_scrolls(
        qtbot: QtBot) -> None:
    """In German at 1.5x text on a 1024x600 screen, a two-line step title over a
    four-line get-ready instruction left the player's body scrolling even with the
    smallest countdown: the title and the instruction now give up some size first,
    and take it back when the window grows."""
    title = "Drücken außen an der Schulter, dann langsam loslassen"
    instruction = ("Setz dich aufrecht hin, die Schultern tief. Greif mit der anderen Hand "
                   "den Muskel oben auf deiner linken Schulter, nahe am äußeren Rand, und "
                   "drück zu. Atme dann langsam aus und lass die Schulter unter deinen "
                   "Fingern sinken.")
    routine = make_routine(hold(title, 20, instruction=instruction))
    with large_text():
        player, cue = _small_screen_player(qtbot, routine)
        step_title = player.findChild(QLabel, "stepTitle")
        assert step_title is not None
        usual_cue, usual_title = player._cue_pt, player._step_title_pt

        def fits() -> bool:
            return player.body.verticalScrollBar().maximum() == 0

        qtbot.waitUntil(fits)
        assert cue.height() >= cue.heightForWidth(cue.width()), "every line shows"
        assert cue.font().pointSizeF() < usual_cue, "the instruction gave up some size"
        assert cue.font().pointSizeF() >= usual_cue * TEXT_SCALES[-1] - 0.01
        assert step_title.font().pointSizeF() >= usual_title * TEXT_SCALES[-1] - 0.01
        least = player.least_countdown_px()
        assert player.countdown_label.font().pixelSize() == least >= MIN_COUNTDOWN_PX

        player.resize(1008, 900)
        qtbot.waitUntil(lambda: cue.font().pointSizeF() == usual_cue)
        assert step_title.font().pointSizeF() == usual_title
        qtbot.waitUntil(lambda: player.countdown_label.font().pixelSize() > least)


def test_the_paused_countdown_stays_readable_in_both_themes(
    qtbot: QtBot, fake_clock: FakeClock, store: HistoryStore
) -> None:
    """Paused, the countdown was drawn at 45 % opacity: 1.9:1 on the light window and
    2.6:1 on the dark one, under the 3:1 that large text needs."""
    import re

    from PySide6.QtGui import QColor, QPalette

    from massage_timer.ui.theme import ThemeController, contrast_ratio

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    theme = ThemeController(app, "light", 1.0)
    flow = make_flow(qtbot, fake_clock, store, FakeSpeaker())
    assert flow.window is not None and flow.adapter is not None
    player = flow.window.player
    advance(flow, fake_clock, 3.0)
    try:
        for mode in ("light", "dark"):
            theme.set_mode(mode)
            flow.adapter.toggle_pause()
            qtbot.waitUntil(lambda: player.paused_look, timeout=1000)
            sheet = player.countdown_label.styleSheet()
            found = re.search(r"color: (#[0-9a-fA-F]{6});", sheet)
            assert found, sheet
            background = player.palette().color(QPalette.ColorRole.Window)
            assert contrast_ratio(QColor(found[1]), background) >= 3.0, (mode, sheet)
            flow.adapter.toggle_pause()
    finally:
        theme.set_mode("light")
        flow.stop()
        if flow.summary is not None:
            flow.summary.accept()


def test_the_countdown_stays_larger_than_the_text_at_a_large_text_size(
    qtbot: QtBot,
) -> None:
    """At 200 % on a small screen the countdown shrank to 28 px, smaller than the
    "seconds" under it and than the instruction."""
    from PySide6.QtGui import QFontInfo

    from massage_timer.ui.theme import ThemeController

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.font()
    try:
        ThemeController(app, "light", 2.0)
        instruction = ("Sit tall with your shoulders low. With the other hand take hold of "
                       "the muscle on top of your left shoulder, near its outer edge, and "
                       "squeeze. Then breathe out slowly and let the shoulder sink.")
        routine = make_routine(hold("Squeeze the outer shoulder, then slowly let go", 20,
                                    instruction=instruction))
        player, _cue = _small_screen_player(qtbot, routine)
        text_px = QFontInfo(player.font()).pixelSize()
        qtbot.waitUntil(lambda: player.countdown_label.font().pixelSize() < 100)  # squeezed
        qtbot.wait(50)  # settled
        unit = player.findChild(QLabel, "countdownUnit")
        assert unit is not None
        shown = player.countdown_label.font().pixelSize()
        assert shown >= 1.5 * text_px - 1
        assert shown > QFontInfo(unit.font()).pixelSize()
    finally:
        app.setFont(original)
