"""The session engine under a fake clock: events, commands, sides, strokes, drift."""

from __future__ import annotations

import random

import pytest
from conftest import FakeClock
from routine_factory import hold, make_routine, rest, strokes

from massage_timer.core.model import engine as eng
from massage_timer.core.model.engine import Phase, SessionEngine, State
from massage_timer.core.model.speech_timing import LINE_DELAY


def names(events: list[eng.Event]) -> list[str]:
    return [type(e).__name__ for e in events]


def run_to_end(engine: SessionEngine, clock: FakeClock) -> list[eng.Event]:
    """Drive the engine the way the Qt adapter does: wake at each deadline."""
    events: list[eng.Event] = []
    while (deadline := engine.next_deadline()) is not None:
        clock.set(max(deadline, clock.now))
        events += engine.update()
    return events


def advance(engine: SessionEngine, clock: FakeClock, seconds: float) -> list[eng.Event]:
    """Let ``seconds`` pass with a wake-up every second, as a running app would."""
    events: list[eng.Event] = []
    end = clock.now + seconds
    while clock.now < end:
        clock.set(min(clock.now + 1.0, end))
        events += engine.update()
    return events


def test_plan_lays_out_prepare_work_rest_per_side() -> None:
    routine = make_routine(hold(seconds=20, prepare=5, rest_after=3, sides=["left", "right"]))
    plan = eng.build_plan(routine.steps)
    assert [(s.side, s.phase, s.start, s.duration) for s in plan] == [
        ("left", Phase.PREPARE, 0, 5),
        ("left", Phase.WORK, 5, 20),
        ("left", Phase.REST, 25, 3),
        ("right", Phase.PREPARE, 28, 5),
        ("right", Phase.WORK, 33, 20),
        ("right", Phase.REST, 53, 3),
    ]
    assert routine.total_seconds() == 56


def test_every_event_in_order_for_a_short_hold(fake_clock: FakeClock) -> None:
    routine = make_routine(hold("Squeeze", seconds=10, prepare=2))
    engine = SessionEngine(routine, fake_clock)
    events = engine.start() + run_to_end(engine, fake_clock)
    assert names(events) == (
        ["SessionStarted", "StepStarted", "PhaseChanged", "Tick", "PartLine", "Tick"]
        + ["PhaseChanged"]
        + ["Tick"] * 6
        + [
            "Halfway",
            "Tick",
            "Tick",
            "FinalCountdown",
            "Tick",
            "FinalCountdown",
            "Tick",
            "FinalCountdown",
        ]
        + ["WorkEnded", "StepDone", "SessionFinished"]
    )
    line = next(e for e in events if isinstance(e, eng.PartLine))
    assert line.at == pytest.approx(1000.0 + LINE_DELAY) and line.text == "Do Squeeze."
    ended = next(e for e in events if isinstance(e, eng.WorkEnded))
    assert ended.final
    ticks = [e.remaining for e in events if isinstance(e, eng.Tick) and e.phase is Phase.WORK]
    assert ticks == [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
    countdown = [e.number for e in events if isinstance(e, eng.FinalCountdown)]
    assert countdown == [3, 2, 1]
    finished = events[-1]
    assert isinstance(finished, eng.SessionFinished)
    assert finished.at == pytest.approx(1000.0 + 12)
    assert finished.active_seconds == pytest.approx(12)
    assert (finished.steps_completed, finished.steps_total) == (1, 1)
    assert engine.state is State.FINISHED


def test_event_times_are_planned_not_observed(fake_clock: FakeClock) -> None:
    routine = make_routine(hold(seconds=10, prepare=0))
    engine = SessionEngine(routine, fake_clock)
    engine.start()
    fake_clock.advance(4.7)  # a late wake-up
    late = engine.update()
    assert [e.at - 1000.0 for e in late if isinstance(e, eng.Tick)] == [1, 2, 3, 4]


def test_sides_expand_with_switch_sides_cue(fake_clock: FakeClock) -> None:
    routine = make_routine(hold(seconds=6, prepare=2, switch_prepare=2, sides=["left", "right"]))
    engine = SessionEngine(routine, fake_clock)
    events = engine.start() + run_to_end(engine, fake_clock)
    started = [(e.part_index, e.side) for e in events if isinstance(e, eng.StepStarted)]
    assert started == [(0, "left"), (1, "right")]
    switches = [e for e in events if isinstance(e, eng.SwitchSides)]
    assert len(switches) == 1 and switches[0].side == "right"
    assert switches[0].at == pytest.approx(1000.0 + 8)
    done = [e for e in events if isinstance(e, eng.StepDone)]
    assert len(done) == 1 and done[0].at == pytest.approx(1016.0)


def test_strokes_are_counted_at_their_cadence(fake_clock: FakeClock) -> None:
    routine = make_routine(strokes(reps=4, cadence=2.5, prepare=1))
    engine = SessionEngine(routine, fake_clock)
    events = engine.start() + run_to_end(engine, fake_clock)
    counted = [(e.number, e.total, e.at - 1000.0) for e in events if isinstance(e, eng.Stroke)]
    after = 1.0 + LINE_DELAY
    assert [(n, total) for n, total, _ in counted] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert [at for _, _, at in counted] == pytest.approx(
        [after, after + 2.5, after + 5.0, after + 7.5])
    assert not [e for e in events if isinstance(e, eng.FinalCountdown)]


def test_status_counts_strokes_left(fake_clock: FakeClock) -> None:
    engine = SessionEngine(make_routine(strokes(reps=5, cadence=2, prepare=0)), fake_clock)
    engine.start()
    assert engine.status().strokes_left == 5
    fake_clock.advance(2.0)
    engine.update()
    assert engine.status().strokes_left == 4
    fake_clock.advance(5.0)  # t = 7: the fourth stroke is under way
    engine.update()
    assert engine.status().strokes_left == 2


def test_rest_step_is_one_rest_phase(fake_clock: FakeClock) -> None:
    engine = SessionEngine(make_routine(rest(seconds=4)), fake_clock)
    events = engine.start() + run_to_end(engine, fake_clock)
    phases = [e.phase for e in events if isinstance(e, eng.PhaseChanged)]
    assert phases == [Phase.REST]
    assert "WorkEnded" not in names(events)


def test_pause_freezes_time_and_active_time_excludes_it(fake_clock: FakeClock) -> None:
    engine = SessionEngine(make_routine(hold(seconds=10, prepare=0)), fake_clock)
    engine.start()
    fake_clock.advance(4)
    assert names(engine.pause()) == ["PartLine", "Tick", "Tick", "Tick", "Tick", "Paused"]
    fake_clock.advance(100)
    assert engine.update() == []
    assert engine.status().remaining == pytest.approx(6)
    assert names(engine.resume()) == ["Resumed"]
    events = run_to_end(engine, fake_clock)
    finished = events[-1]
    assert isinstance(finished, eng.SessionFinished)
    assert finished.at == pytest.approx(1000.0 + 10 + 100)
    assert finished.active_seconds == pytest.approx(10)


@pytest.mark.parametrize("command", ["pause", "resume", "skip", "back", "stop", "toggle_pause"])
@pytest.mark.parametrize(
    "when", ["ready", "prepare", "work", "rest", "paused", "finished", "stopped"]
)
def test_every_command_is_valid_in_every_state(
    fake_clock: FakeClock, command: str, when: str
) -> None:
    routine = make_routine(hold("A", seconds=10, prepare=3, rest_after=4), hold("B", seconds=5))
    engine = SessionEngine(routine, fake_clock)
    offsets = {"prepare": 1, "work": 5, "rest": 14}
    if when != "ready":
        engine.start()
    if when in offsets:
        fake_clock.advance(offsets[when])
        engine.update()
        assert engine.status().segment is not None
        assert engine.status().segment.phase.value == when  # type: ignore[union-attr]
    elif when == "paused":
        engine.pause()
    elif when == "finished":
        run_to_end(engine, fake_clock)
    elif when == "stopped":
        engine.stop()
    before = engine.state
    events = getattr(engine, command)()
    assert events, "every command reports what it did"
    if isinstance(events[-1], eng.CommandIgnored):
        assert engine.state is before
    run_to_end(engine, fake_clock)
    assert engine.state in (State.FINISHED, State.STOPPED, State.PAUSED, State.READY)


def test_skip_moves_to_next_part_and_does_not_count_it_done(fake_clock: FakeClock) -> None:
    routine = make_routine(hold("A", seconds=10, prepare=2), hold("B", seconds=8, prepare=2))
    engine = SessionEngine(routine, fake_clock)
    engine.start()
    fake_clock.advance(5)
    events = engine.skip()
    assert "Jumped" in names(events)
    started = [e for e in events if isinstance(e, eng.StepStarted)]
    assert started and started[0].step.title == "B"
    assert engine.status().remaining == pytest.approx(2)
    rest_events = run_to_end(engine, fake_clock)
    finished = rest_events[-1]
    assert isinstance(finished, eng.SessionFinished)
    assert finished.steps_completed == 1
    assert finished.at == pytest.approx(1000.0 + 5 + 10)


def test_skip_on_last_part_finishes(fake_clock: FakeClock) -> None:
    engine = SessionEngine(make_routine(hold(seconds=10)), fake_clock)
    engine.start()
    events = engine.skip()
    assert names(events)[-1] == "SessionFinished"
    assert engine.state is State.FINISHED


def test_back_restarts_part_or_goes_to_previous(fake_clock: FakeClock) -> None:
    routine = make_routine(hold("A", seconds=10, prepare=2), hold("B", seconds=10, prepare=2))
    engine = SessionEngine(routine, fake_clock)
    engine.start()
    advance(engine, fake_clock, 12 + 6)  # six seconds into B
    events = engine.back()
    assert [e.step.title for e in events if isinstance(e, eng.StepStarted)] == ["B"]
    fake_clock.advance(1)
    engine.update()
    events = engine.back()  # one second into B: previous part
    assert [e.step.title for e in events if isinstance(e, eng.StepStarted)] == ["A"]
    assert engine.status().position == pytest.approx(0)


def test_back_and_skip_while_paused_stay_paused(fake_clock: FakeClock) -> None:
    routine = make_routine(hold("A", seconds=10), hold("B", seconds=10))
    engine = SessionEngine(routine, fake_clock)
    engine.start()
    engine.pause()
    engine.skip()
    assert engine.state is State.PAUSED
    status = engine.status()
    assert status.segment is not None and status.segment.step.title == "B"
    fake_clock.advance(30)
    engine.resume()
    events = engine.update()
    assert [e.step.title for e in events if isinstance(e, eng.StepStarted)] == ["B"]


def test_stop_ends_at_once_with_active_time(fake_clock: FakeClock) -> None:
    engine = SessionEngine(make_routine(hold(seconds=30, prepare=0)), fake_clock)
    engine.start()
    fake_clock.advance(7.25)
    events = engine.stop()
    assert isinstance(events[-1], eng.SessionStopped)
    assert events[-1].active_seconds == pytest.approx(7.25)
    assert engine.state is State.STOPPED
    assert engine.next_deadline() is None
    assert isinstance(engine.stop()[-1], eng.CommandIgnored)


def test_suspend_gap_pauses_at_the_step_it_was_in(fake_clock: FakeClock) -> None:
    routine = make_routine(hold("A", seconds=20, prepare=0), hold("B", seconds=20))
    engine = SessionEngine(routine, fake_clock, suspend_threshold=15)
    engine.start()
    fake_clock.advance(5)
    engine.update()
    fake_clock.advance(3600)  # the lid was closed for an hour
    events = engine.update()
    assert names(events) == ["Paused"]
    assert isinstance(events[0], eng.Paused)
    assert events[0].reason is eng.PauseReason.SUSPEND
    status = engine.status()
    assert status.segment is not None and status.segment.step.title == "A"
    assert status.remaining == pytest.approx(15)
    assert status.active_seconds == pytest.approx(5)
    engine.resume()
    rest_events = run_to_end(engine, fake_clock)
    assert [e.step.title for e in rest_events if isinstance(e, eng.StepStarted)] == ["B"]


def test_thirty_minute_routine_with_jittered_ticks_does_not_drift(fake_clock: FakeClock) -> None:
    steps = [
        hold(f"H{i}", seconds=45, prepare=5, rest_after=10, sides=["left", "right"])
        for i in range(15)
    ]
    routine = make_routine(*steps)
    assert routine.total_seconds() == 30 * 60
    engine = SessionEngine(routine, fake_clock)
    start = fake_clock.now
    events = engine.start()
    rng = random.Random(7)
    ticks = 0
    while engine.state is State.RUNNING:
        fake_clock.advance(rng.uniform(0.05, 1.7))  # irregular, like a loaded machine
        events += engine.update()
        ticks += 1
    finished = events[-1]
    assert isinstance(finished, eng.SessionFinished)
    assert abs(finished.at - (start + 30 * 60)) < 0.001
    assert abs(finished.active_seconds - 30 * 60) < 0.001
    assert fake_clock.now - finished.at < 1.7
    starts = [e.at - start for e in events if isinstance(e, eng.StepStarted)]
    assert starts == pytest.approx([i * 60.0 for i in range(30)], abs=1e-6)
    assert ticks > 1000


def test_deadline_driven_wakeups_emit_each_second(fake_clock: FakeClock) -> None:
    engine = SessionEngine(make_routine(hold(seconds=5, prepare=0)), fake_clock)
    engine.start()
    wakeups = 0
    while (deadline := engine.next_deadline()) is not None:
        assert deadline > fake_clock.now - 1e-9
        fake_clock.set(deadline + 0.002)  # timers fire a little late
        engine.update()
        wakeups += 1
    assert wakeups <= 8


def test_listeners_receive_events_in_order(fake_clock: FakeClock) -> None:
    engine = SessionEngine(make_routine(hold(seconds=3, prepare=0)), fake_clock)
    seen: list[eng.Event] = []
    engine.subscribe(seen.append)
    returned = engine.start() + run_to_end(engine, fake_clock)
    assert seen == returned


def test_second_side_gets_the_shorter_switch_time(fake_clock: FakeClock) -> None:
    routine = make_routine(hold(seconds=10, prepare=9, sides=["left", "right"]))
    plan = eng.build_plan(routine.steps)
    prepares = [s.duration for s in plan if s.phase is Phase.PREPARE]
    assert prepares == [9, routine.steps[0].switch_prepare]
    assert routine.total_seconds() == 9 + 10 + 5 + 10


def test_default_get_ready_time_covers_the_spoken_instruction() -> None:
    words = "Sit tall and let your shoulders drop while you breathe out slowly " * 2
    step = make_routine(hold(instruction=words.strip())).steps[0]
    assert step.prepare is None
    assert step.prepare_seconds >= len(words.split()) / 2.5 + 2
    short = make_routine(hold(instruction="Rest.")).steps[0]
    assert short.prepare_seconds == 5


def test_optional_steps_can_be_left_out(fake_clock: FakeClock) -> None:
    routine = make_routine(hold("Warm", seconds=600, optional=True), hold("Main", seconds=10))
    with_all = SessionEngine(routine, fake_clock)
    without = SessionEngine(routine, fake_clock, include_optional=False)
    assert with_all.planned_seconds > without.planned_seconds
    assert [s.title for s in without.steps] == ["Main"]


def test_the_spoken_count_is_the_number_on_screen(fake_clock: FakeClock) -> None:
    """Counts run down like the player: at each stroke, the word said is the number
    shown at that moment (``Status.strokes_left``)."""
    from massage_timer.core.model.cues import CueOptions, cue_for_event, number_word

    routine = make_routine(strokes(reps=6, cadence=4, prepare=1))
    engine = SessionEngine(routine, fake_clock)
    said: list[tuple[str, str]] = []

    def on_event(event: eng.Event) -> None:
        if isinstance(event, eng.Stroke):
            cue = cue_for_event(event, CueOptions(count_aloud=True))
            assert cue is not None
            shown = engine.status().strokes_left
            assert shown is not None
            said.append((cue.text, number_word(shown)))

    engine.subscribe(on_event)
    engine.start()
    run_to_end(engine, fake_clock)
    assert said == [(word, word) for word in ("6", "5", "4", "3", "2", "1")]


def test_a_held_repetition_is_released_before_the_next(fake_clock: FakeClock) -> None:
    routine = make_routine(strokes(reps=3, cadence=6, hold=5, prepare=1, unit="tucks"))
    assert routine.steps[0].repetition_unit.word(1) == "tuck"
    engine = SessionEngine(routine, fake_clock)
    events = engine.start() + run_to_end(engine, fake_clock)
    released = [(e.number, e.at - 1000.0) for e in events if isinstance(e, eng.Release)]
    assert released == [(1, 6.0), (2, 12.0), (3, 18.0)]
    work_end = next(e.at - 1000.0 for e in events if isinstance(e, eng.WorkEnded))
    assert work_end == 19.0


def test_a_held_repetition_is_not_counted_aloud(fake_clock: FakeClock) -> None:
    from massage_timer.core.model.cues import CueOptions, cue_for_event

    routine = make_routine(strokes(reps=2, cadence=6, hold=5, prepare=1))
    engine = SessionEngine(routine, fake_clock)
    events = engine.start() + run_to_end(engine, fake_clock)
    strokes_seen = [e for e in events if isinstance(e, eng.Stroke)]
    assert [e.held for e in strokes_seen] == [True, True]
    assert all(cue_for_event(e, CueOptions(count_aloud=True)) is None for e in strokes_seen)


def test_stop_catches_up_with_the_clock_first(fake_clock: FakeClock) -> None:
    """Stop was the one command that did not look at the clock first: a gap the
    process slept through counted as active time, and a step that had just ended,
    or the end itself, was not counted."""
    routine = make_routine(hold("A", seconds=10, prepare=0), hold("B", seconds=10))
    engine = SessionEngine(routine, fake_clock, suspend_threshold=15)
    engine.start()
    advance(engine, fake_clock, 5)
    fake_clock.advance(3600)  # frozen for an hour; Stop is the first thing after it
    stopped = engine.stop()[-1]
    assert isinstance(stopped, eng.SessionStopped)
    assert stopped.active_seconds == pytest.approx(5)

    engine = SessionEngine(routine, fake_clock)
    engine.start()
    advance(engine, fake_clock, 9)
    fake_clock.advance(1.9)  # A ended 0.9 s ago; no wake-up since
    events = engine.stop()
    assert names(events)[-1] == "SessionStopped" and "StepDone" in names(events)
    assert events[-1].steps_completed == 1  # type: ignore[attr-defined]

    engine = SessionEngine(make_routine(hold("A", seconds=10, prepare=0)), fake_clock)
    engine.start()
    fake_clock.advance(10.5)  # the last step ended before Stop: the session is complete
    assert names(engine.stop())[-1] == "SessionFinished"
    assert engine.state is State.FINISHED


def test_skipping_a_rest_after_the_work_keeps_the_step_done(fake_clock: FakeClock) -> None:
    """Skipping each step's rest ended the session "complete" with 0 of 2 steps done."""
    routine = make_routine(hold("A", seconds=10, prepare=2, rest_after=20),
                           hold("B", seconds=10, prepare=2, rest_after=20),
                           hold("C", seconds=10, prepare=2, sides=["left", "right"],
                                rest_after=20))
    engine = SessionEngine(routine, fake_clock)
    engine.start()
    advance(engine, fake_clock, 5)
    events = engine.skip()  # in A's work: not done
    assert "StepDone" not in names(events)
    advance(engine, fake_clock, 13)
    events = engine.skip()  # B's work is over: its rest is skipped, the step is done
    assert [e.step_index for e in events if isinstance(e, eng.StepDone)] == [1]
    assert engine.status().steps_completed == 1
    while engine.status().segment.side != "right":  # type: ignore[union-attr]
        advance(engine, fake_clock, 1)
    events = engine.skip()  # in C's right side's get-ready: its work is still to come
    assert names(events)[-1] == "SessionFinished"
    assert events[-1].steps_completed == 1  # type: ignore[attr-defined]
