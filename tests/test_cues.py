"""What a session says and plays: lines to pre-render and the cue for each event."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import FakeClock
from routine_factory import hold, make_routine, rest, strokes

from massage_timer.core.model import cues
from massage_timer.core.model.cues import Cue, CueKind, CueOptions, Priority
from massage_timer.core.model.engine import (
    Event,
    FinalCountdown,
    Halfway,
    PartLine,
    Paused,
    PauseReason,
    Phase,
    PhaseChanged,
    Release,
    SessionEngine,
    SessionFinished,
    SessionStopped,
    StepStarted,
    Stroke,
    SwitchSides,
    Tick,
    WorkEnded,
)
from massage_timer.core.model.settings import Settings
from massage_timer.core.storage.loader import load_routine_file

ALL_ON = CueOptions(voice_enabled=True, tones_enabled=True, count_aloud=True, halfway_cue=True)


@dataclass
class FakeSink:
    log: list[str] = field(default_factory=list)

    def prepare(self, lines: Sequence[str]) -> None:
        self.log.append(f"prepare:{len(lines)}")

    def play(self, cue: Cue) -> None:
        self.log.append(f"{cue.kind.value}:{cue.text}")

    def silence(self) -> None:
        self.log.append("silence")


def test_counts_are_said_as_digits_in_any_voice() -> None:
    """Digits, not English words: the voice reads them in the routine's language."""
    assert [cues.number_word(n) for n in (1, 13, 20, 21, 50)] == [
        "1", "13", "20", "21", "50",
    ]
    with pytest.raises(ValueError):
        cues.number_word(100)


def test_lines_cover_every_spoken_cue_once_first_instruction_first() -> None:
    routine = make_routine(
        hold("Tilt", seconds=20, sides=["left", "right"]),
        strokes("Knead", reps=4, cadence=2),
        rest(seconds=5),
    )
    lines = cues.lines_for_routine(routine, ALL_ON)
    assert lines[0] == "Do Tilt. Work on your left side."
    assert len(lines) == len(set(lines))
    expected = {"Do Tilt. Work on your left side.", "Do Knead.", "Rest.", "3", "2",
                "1", "4", "Now the right side.", cues.HALFWAY, cues.PAUSED, cues.CLOSING}
    assert set(lines) == expected
    assert lines[-1] == cues.CLOSING


def test_lines_follow_options() -> None:
    routine = make_routine(strokes("Knead", reps=12, cadence=2), hold("Short", seconds=4))
    quiet = CueOptions(count_aloud=False, halfway_cue=False)
    assert cues.lines_for_routine(routine, quiet) == [
        "Do Knead.", "Do Short.", cues.PAUSED, cues.CLOSING
    ]
    counted = cues.lines_for_routine(routine, CueOptions(count_aloud=True))
    assert "12" in counted and "13" not in counted
    assert cues.lines_for_routine(routine, CueOptions(voice_enabled=False)) == []


def test_optional_steps_follow_the_setting() -> None:
    routine = make_routine(hold("Main", seconds=4), hold("Extra", seconds=4, optional=True))
    with_optional = cues.lines_for_routine(routine, CueOptions(include_optional=True))
    without = cues.lines_for_routine(routine, CueOptions(include_optional=False))
    assert "Do Extra." in with_optional and "Do Extra." not in without


def test_options_from_settings() -> None:
    settings = Settings(voice_enabled=False, tones_enabled=True, count_aloud=False,
                        halfway_cue=True, include_optional_steps=True)
    assert CueOptions.from_settings(settings) == CueOptions(
        voice_enabled=False, tones_enabled=True, count_aloud=False, halfway_cue=True,
        include_optional=True)


def _step_started(part_index: int) -> StepStarted:
    routine = make_routine(hold("Tilt", seconds=20, sides=["left", "right"]))
    return StepStarted(0.0, 0, part_index, part_index, "left", routine.steps[0])


def _part_line(part_index: int) -> PartLine:
    step = make_routine(hold("Tilt {side}", seconds=20, sides=["left", "right"])).steps[0]
    return PartLine(0.4, 0, part_index, step.parts[part_index], step.part_line(part_index))


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (_step_started(0), None),
        (_step_started(1), None),
        (SwitchSides(0.0, 0, "right"), None),
        (_part_line(0), Cue(CueKind.SPEECH, "Do Tilt left.", Priority.INSTRUCTION)),
        (_part_line(1), Cue(CueKind.SPEECH, "Now the right side.", Priority.SWITCH_SIDES)),
        (FinalCountdown(0.0, 2), Cue(CueKind.SPEECH, "2", Priority.COUNTDOWN)),
        (Stroke(0.0, 7, 10), Cue(CueKind.SPEECH, "4", Priority.STROKE)),
        (Release(0.0, 2, 5), Cue(CueKind.SPEECH, cues.RELEASE, Priority.RELEASE)),
        (WorkEnded(0.0, 0, 0, None), Cue(CueKind.TONE, cues.TONE_WORK_END, Priority.TONE)),
        (WorkEnded(0.0, 0, 0, None, final=True), None),
        (Halfway(0.0, 0, None), Cue(CueKind.SPEECH, "Halfway.", Priority.HALFWAY)),
        (SessionFinished(0.0, 1.0, 1, 1), Cue(CueKind.SPEECH, cues.CLOSING, Priority.INSTRUCTION)),
        (Tick(0.0, 5, Phase.WORK), None),
        (SessionStopped(0.0, 1.0, 0, 1), None),
    ],
)
def test_cue_for_event(event: Event, expected: Cue | None) -> None:
    assert cues.cue_for_event(event, ALL_ON) == expected


def test_priorities_are_ordered() -> None:
    order = [Priority.INSTRUCTION, Priority.SWITCH_SIDES, Priority.COUNTDOWN,
             Priority.RELEASE, Priority.STROKE, Priority.HALFWAY]
    assert order == sorted(order, reverse=True)


def test_options_silence_their_cues() -> None:
    no_voice = CueOptions(voice_enabled=False, count_aloud=True, halfway_cue=True)
    assert cues.cue_for_event(SwitchSides(0.0, 0, "right"), no_voice) is None
    assert cues.cue_for_event(Stroke(0.0, 1, 3), CueOptions(count_aloud=False)) is None
    assert cues.cue_for_event(Halfway(0.0, 0, None), CueOptions(halfway_cue=False)) is None
    step = _step_started(0).step
    work = PhaseChanged(0.0, Phase.WORK, 0, 0, None, 5.0, step)
    assert cues.cue_for_event(work, CueOptions(tones_enabled=False)) is None
    assert cues.cue_for_event(work, no_voice) == Cue(CueKind.TONE, "work-start", Priority.TONE)


def test_a_whole_session_through_the_engine(fake_clock: FakeClock) -> None:
    """Every work phase is framed by tones; each spoken line is one we pre-rendered."""
    clock = fake_clock
    routine = make_routine(
        hold("Tilt", seconds=12, sides=["left", "right"], prepare=3),
        strokes("Knead", reps=3, cadence=2, rest_after=2),
    )
    engine = SessionEngine(routine, clock)
    sink = FakeSink()
    engine.subscribe(lambda event: cues.route_event(event, ALL_ON, sink))
    engine.start()
    while engine.next_deadline() is not None:
        clock.set(max(clock.now, engine.next_deadline() or clock.now))
        engine.update()
    spoken = [e.split(":", 1)[1] for e in sink.log if e.startswith("speech:")]
    tones = [e for e in sink.log if e.startswith("tone:")]
    assert tones == ["tone:work-start", "tone:work-end"] * 3
    assert set(spoken) <= set(cues.lines_for_routine(routine, ALL_ON))
    assert spoken == [
        "Do Tilt. Work on your left side.", "Halfway.", "3", "2", "1",
        "Now the right side.", "Halfway.", "3", "2", "1",
        "Do Knead.", "3", "2", "1",
        cues.CLOSING,
    ]
    assert sink.log[-1] == f"speech:{cues.CLOSING}"


def test_stop_and_pause_silence_the_sink_once_each() -> None:
    sink = FakeSink()
    cues.route_event(Paused(0.0, PauseReason.USER), ALL_ON, sink)
    cues.route_event(SessionStopped(0.0, 1.0, 0, 1), ALL_ON, sink)
    assert sink.log == ["silence", f"speech:{cues.PAUSED}", "silence"]


def test_a_pause_says_paused_once_after_silencing_unless_the_voice_is_off() -> None:
    sink = FakeSink()
    cues.route_event(Paused(0.0, PauseReason.USER), ALL_ON, sink)
    assert sink.log == ["silence", "speech:Paused."]
    quiet = FakeSink()
    cues.route_event(Paused(0.0, PauseReason.USER), CueOptions(voice_enabled=False), quiet)
    assert quiet.log == ["silence"]
    cue = cues.cue_for_event(Paused(0.0, PauseReason.SUSPEND), ALL_ON)
    assert cue == Cue(CueKind.SPEECH, cues.PAUSED, Priority.INSTRUCTION)


def test_builtin_routines_lines(repo_root: Path) -> None:
    for path in sorted((repo_root / "routines").glob("*.toml")):
        routine = load_routine_file(path)
        lines = cues.lines_for_routine(routine, ALL_ON)
        assert lines[-1] == cues.CLOSING
        assert all(step.part_line(0) in lines for step in routine.steps)
        for step in routine.steps:
            for side in step.sides:
                assert side in step.spoken_instruction(side), (routine.id, step.title)
                assert "{" not in step.spoken_instruction(side)
