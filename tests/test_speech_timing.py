"""The plan follows the voice: get-ready times fit what is actually said, at any rate.

A session is played against a fake clock and its cues are "heard" by a simulated
voice that plays each line for its clip's length and follows the CuePlayer's rule (a
line arriving while a higher-priority one plays is dropped). No instruction may still
be playing when a work phase starts, and no cue may be dropped, at the slowest (80)
and the fastest (300) voice rate: with the estimate alone (pure, every shipped step)
and with the real pyttsx3 + espeak-ng clips.
"""

from __future__ import annotations

import ctypes.util
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import FakeClock
from routine_factory import hold, make_routine, strokes

from massage_timer.core.model.cues import (
    CLOSING,
    COUNTDOWN,
    HALFWAY,
    Cue,
    CueKind,
    CueOptions,
    Priority,
    lines_for_routine,
    number_word,
    route_event,
)
from massage_timer.core.model.engine import Event, Phase, PhaseChanged, SessionEngine, StepStarted
from massage_timer.core.model.routine import Routine, StepKind
from massage_timer.core.model.settings import Settings
from massage_timer.core.model.speech_timing import (
    AS_WRITTEN,
    LINE_DELAY,
    MIN_PREPARE_SECONDS,
    ClipSeconds,
    SpeechTiming,
    estimate_speaking_seconds,
    prepare_seconds,
    syllables,
)
from massage_timer.core.storage.loader import load_library

RATES = (80, 300)
ALL_RATES = range(80, 301, 10)
OPTIONS = CueOptions(count_aloud=True, halfway_cue=True)
TONE_SECONDS = 0.28
"""The length of assets/sounds/work-start.wav and work-end.wav."""
HAS_ESPEAK = ctypes.util.find_library("espeak-ng") is not None


def shipped_routines() -> list[Routine]:
    return [loaded.routine for loaded in load_library(None).routines]


@dataclass
class SimulatedVoice:
    """A CueSink that "plays" each line for ``seconds(text)`` on the fake clock."""

    clock: FakeClock
    seconds: Callable[[str], float]
    playing: tuple[Cue, float] | None = None
    dropped: list[tuple[float, str, str]] = field(default_factory=list)
    heard: list[tuple[float, Cue]] = field(default_factory=list)
    tone_until: float = -1.0
    over_tones: list[tuple[float, str]] = field(default_factory=list)

    def busy(self) -> Cue | None:
        if self.playing is not None and self.playing[1] > self.clock() + 1e-9:
            return self.playing[0]
        return None

    def play(self, cue: Cue) -> None:
        if cue.kind is CueKind.TONE:
            if self.busy() is not None:
                self.over_tones.append((self.clock(), f"{cue.text} under {self.busy()}"))
            self.tone_until = self.clock() + TONE_SECONDS
            return
        if self.clock() < self.tone_until - 1e-9:
            self.over_tones.append((self.clock(), f"{cue.text!r} over a tone"))
        current = self.busy()
        if current is not None and current.priority > cue.priority:
            self.dropped.append((self.clock(), cue.text, current.text))
            return
        self.playing = (cue, self.clock() + self.seconds(cue.text))
        self.heard.append((self.clock(), cue))

    def prepare(self, lines: Sequence[str]) -> None:
        pass

    def silence(self) -> None:
        self.playing = None


@dataclass
class Played:
    """What a whole session sounded like."""

    into_work: list[str]
    dropped: list[tuple[float, str, str]]
    heard: list[tuple[float, Cue]]
    over_tones: list[tuple[float, str]]


def play_session(routine: Routine, timing: SpeechTiming, heard_seconds: ClipSeconds) -> Played:
    """Run ``routine`` planned with ``timing`` (whose ``words`` are the session's
    language), its lines lasting ``heard_seconds``."""
    clock = FakeClock()
    voice = SimulatedVoice(clock, lambda text: heard_seconds(text) or 0.0)
    into_work: list[str] = []

    def on_event(event: Event) -> None:
        if isinstance(event, PhaseChanged) and event.phase is Phase.WORK:
            busy = voice.busy()
            if busy is not None and busy.priority >= Priority.SWITCH_SIDES:
                into_work.append(f"{event.step.title}: {busy.text[:40]!r}")
        route_event(event, OPTIONS, voice, timing.words)

    engine = SessionEngine(routine, clock, timing=timing)
    engine.subscribe(on_event)
    engine.start()
    while (deadline := engine.next_deadline()) is not None:
        clock.now = max(clock.now, deadline)
        engine.update()
    return Played(into_work, voice.dropped, voice.heard, voice.over_tones)


def test_the_estimate_grows_with_the_words_and_shrinks_with_the_rate() -> None:
    line = "Slowly tilt your ear away from this side until you feel a gentle stretch."
    assert syllables("Three") == 1 and syllables("Twenty-seven") == 4
    assert syllables("Hold for 30 seconds") == 1 + 1 + 4 + 2
    assert estimate_speaking_seconds(line, 80) > estimate_speaking_seconds(line, 160)
    assert estimate_speaking_seconds(line, 160) > estimate_speaking_seconds(line, 300)
    assert estimate_speaking_seconds(line + " " + line, 160) > estimate_speaking_seconds(
        line, 160)


def test_a_written_prepare_is_kept_while_the_line_fits_and_extended_when_not() -> None:
    assert prepare_seconds(None, 1.0) == MIN_PREPARE_SECONDS
    assert prepare_seconds(None, 7.2) == 10
    assert prepare_seconds(3, 2.5) == 3
    assert prepare_seconds(3, 3.0 - LINE_DELAY) == 3
    assert prepare_seconds(3, 3.0) == 5, "the line starts LINE_DELAY into the get-ready"
    assert prepare_seconds(3, 3.5) == 6
    assert prepare_seconds(6, 12.07) == 15
    assert prepare_seconds(6, 12.07, extend_written=False) == 6


def test_the_real_clip_length_wins_over_the_estimate() -> None:
    step = make_routine(hold("Squeeze", prepare=3)).steps[0]
    slow = SpeechTiming(80)
    assert slow.speaking_seconds(step.instruction) > 3
    assert slow.prepare_seconds(step) > 3
    measured = SpeechTiming(80, {step.instruction: 2.0}.get)
    assert measured.speaking_seconds(step.instruction) == 2.0
    assert measured.prepare_seconds(step) == 3
    longer = SpeechTiming(300, {step.instruction: 9.4}.get)
    assert longer.prepare_seconds(step) == 12


def test_switch_sides_time_is_extended_only_when_the_line_does_not_fit() -> None:
    step = make_routine(hold("Squeeze", sides=["left", "right"], switch_prepare=1)).steps[0]
    assert AS_WRITTEN.part_prepare_seconds(step, 1) == 1
    line = step.part_line(1)
    assert line == "Now the right side."
    assert SpeechTiming(300, {line: 1 - LINE_DELAY}.get).part_prepare_seconds(step, 1) == 1
    assert SpeechTiming(300, {line: 0.7}.get).part_prepare_seconds(step, 1) == 3
    assert SpeechTiming(300, {line: 1.4}.get).part_prepare_seconds(step, 1) == 4
    roomy = make_routine(hold("Squeeze", sides=["left", "right"])).steps[0]
    assert SpeechTiming(160).part_prepare_seconds(roomy, 1) == roomy.switch_prepare
    assert SpeechTiming(80).part_prepare_seconds(roomy, 1) > roomy.switch_prepare


def test_the_file_length_keeps_written_times_and_the_session_follows_the_voice() -> None:
    routine = make_routine(
        hold("Squeeze", prepare=2),
        strokes("Knead", sides=["left", "right"], switch_prepare=0),
    )
    assert routine.total_seconds() == routine.total_seconds(timing=AS_WRITTEN)
    slow, fast = SpeechTiming(80), SpeechTiming(300)
    assert routine.total_seconds(timing=slow) > routine.total_seconds(timing=fast)
    assert routine.total_seconds(timing=fast) > routine.total_seconds()
    engine = SessionEngine(routine, FakeClock(), timing=slow)
    assert engine.planned_seconds == routine.total_seconds(timing=slow)
    assert SessionEngine(routine, FakeClock()).planned_seconds == routine.total_seconds()


def test_the_default_rate_is_the_settings_default() -> None:
    assert AS_WRITTEN.words_per_minute == Settings().voice_rate


@pytest.mark.parametrize("rate", [80, 160, 300])
def test_with_the_estimate_alone_no_instruction_runs_into_the_work(rate: int) -> None:
    """Every shipped routine, planned and heard at the same estimated lengths."""
    timing = SpeechTiming(rate)
    for routine in shipped_routines():
        played = play_session(routine, timing, timing.speaking_seconds)
        assert played.into_work == [], (routine.id, rate)
        assert played.dropped == [], (routine.id, rate)
        instructions = [s.part_line(0) for s in routine.steps if s.kind is not StepKind.REST]
        assert set(instructions) <= {cue.text for _at, cue in played.heard}


def test_every_allowed_rate_gives_each_step_room_for_its_estimate() -> None:
    for rate in ALL_RATES:
        timing = SpeechTiming(rate)
        for routine in shipped_routines():
            for step in routine.steps:
                if step.kind is StepKind.REST:
                    continue
                spoken = timing.speaking_seconds(step.part_line(0))
                assert LINE_DELAY + spoken <= timing.prepare_seconds(step)
                for part in range(1, len(step.parts)):
                    switch = timing.speaking_seconds(step.part_line(part))
                    assert LINE_DELAY + switch <= timing.part_prepare_seconds(step, part)


# --- the real voice ----------------------------------------------------------------


@pytest.fixture(scope="module")
def real_clips(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, dict[str, float]]]:
    """Every line the shipped routines speak, rendered by pyttsx3 + espeak-ng at the
    slowest, the default and the fastest rate (one worker each: the rate is set when
    the engine starts); about a second a rate."""
    from massage_timer.audio.playback import stop_point
    from massage_timer.audio.speech import SpeechSynth

    lines: list[str] = []
    for routine in shipped_routines():
        lines += lines_for_routine(routine, OPTIONS)
    lines = list(dict.fromkeys(lines))
    found: dict[int, dict[str, float]] = {}
    audible: dict[int, dict[str, float]] = {}
    for rate in (80, 160, 300):
        cache = tmp_path_factory.mktemp(f"speech-{rate}")
        seconds: dict[str, float | None] = {}
        # A second worker re-renders (only) a line the first one failed: espeak-ng
        # rarely writes an empty clip under load, which the app skips; timing is
        # what is tested here.
        for _attempt in range(2):
            synth = SpeechSynth(cache, rate=rate)
            try:
                synth.prepare(lines)
                assert synth.wait_idle(120)
                assert synth.available(), synth.unavailable_reason
                seconds = {line: synth.clip_seconds(line) for line in lines}
                audible[rate] = {
                    line: stop_point(synth.path_for(line)) or 0.0 for line in lines
                }
            finally:
                synth.close()
            if synth.stats.failed == 0:
                break
        assert all(s is not None and s > 0 for s in seconds.values()), rate
        found[rate] = {line: s for line, s in seconds.items() if s is not None}
    AUDIBLE_SECONDS.clear()
    AUDIBLE_SECONDS.update(audible)
    yield found


AUDIBLE_SECONDS: dict[int, dict[str, float]] = {}
"""Per rate, each line's length up to its last audible sample (filled with the clips)."""

needs_espeak = pytest.mark.skipif(
    not HAS_ESPEAK, reason="libespeak-ng1 is not installed (apt install espeak-ng)")


@pytest.mark.slow
@needs_espeak
@pytest.mark.parametrize("rate", [80, 160, 300])
def test_the_estimate_is_never_shorter_than_the_real_clip(
        rate: int, real_clips: dict[int, dict[str, float]]) -> None:
    clips = real_clips[rate]
    short = {text[:40]: (round(real, 2), round(estimate_speaking_seconds(text, rate), 2))
             for text, real in clips.items() if estimate_speaking_seconds(text, rate) < real}
    assert short == {}
    expected = {CLOSING, "Now the right side.", HALFWAY, *COUNTDOWN.values(), number_word(12)}
    assert expected <= set(clips)


@pytest.mark.slow
@needs_espeak
@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("planned_from", ["clips", "estimate"])
def test_real_clips_never_run_into_the_work_and_no_count_is_dropped(
        rate: int, planned_from: str, real_clips: dict[int, dict[str, float]]) -> None:
    """Planned from the rendered clips (the usual case: they render while the
    checklist is open) or from the estimate (a clip not ready in time), the real
    clips end before each work phase and every count is heard."""
    clips = real_clips[rate]
    timing = SpeechTiming(rate, clips.get if planned_from == "clips" else None)
    for routine in shipped_routines():
        played = play_session(routine, timing, clips.get)
        assert played.into_work == [], (routine.id, rate)
        assert played.dropped == [], (routine.id, rate)
        # The player stops a clip at its last audible sample (audio.playback.stop_point):
        # what sits on a tone is the audible speech, not the clip's silent tail.
        heard = play_session(routine, timing, AUDIBLE_SECONDS[rate].get)
        assert heard.over_tones == [], (routine.id, rate)
        counts = [cue for _at, cue in played.heard if cue.priority is Priority.COUNTDOWN]
        holds = [s for s in routine.steps if s.kind is StepKind.HOLD and s.work_seconds >= 5]
        assert len(counts) == 3 * sum(len(s.parts) for s in holds), routine.id


def test_a_clip_longer_than_a_written_prepare_moves_the_work_back(fake_clock: FakeClock) -> None:
    routine = make_routine(hold("Squeeze", seconds=10, prepare=3))
    line = routine.steps[0].part_line(0)
    timing = SpeechTiming(160, {line: 4.2}.get)
    engine = SessionEngine(routine, fake_clock, timing=timing)
    starts = [e for e in engine.start() if isinstance(e, StepStarted)]
    assert starts and engine.plan[0].phase is Phase.PREPARE
    assert engine.plan[0].duration == 7 and engine.plan[1].start == 7
    played = play_session(routine, timing, {line: 4.2}.get)
    assert played.into_work == [] and played.dropped == []
    as_written = play_session(routine, AS_WRITTEN, {line: 4.2}.get)
    assert as_written.into_work == ["Squeeze: 'Do Squeeze.'"]


def test_the_engine_is_planned_again_only_before_it_starts(fake_clock: FakeClock) -> None:
    routine = make_routine(hold("Squeeze", seconds=10, prepare=3))
    line = routine.steps[0].part_line(0)
    clips: dict[str, float] = {}
    timing = SpeechTiming(300, clips.get)
    engine = SessionEngine(routine, fake_clock, timing=timing)
    assert engine.plan[0].duration == 3
    clips[line] = 5.5
    engine.replan(timing)
    assert engine.plan[0].duration == 8 and engine.planned_seconds == 18
    engine.start()
    with pytest.raises(RuntimeError, match="running"):
        engine.replan(AS_WRITTEN)
    assert engine.planned_seconds == 18


def test_a_core_session_plans_from_the_clips_ready_when_it_starts(tmp_path: Path) -> None:
    """The Session is built as the checklist opens (its lines then render); its plan
    and the planned length it records come from the clips ready at the start."""
    from datetime import UTC, datetime

    from massage_timer.core.model.session import Session
    from massage_timer.core.storage.history.store import HistoryStore

    routine = make_routine(hold("Squeeze", seconds=10, prepare=3))
    line = routine.steps[0].part_line(0)
    clips: dict[str, float] = {}
    voice = SimulatedVoice(FakeClock(), lambda text: clips.get(text) or 0.0)
    store, _ = HistoryStore.open(tmp_path / "history.sqlite3")
    try:
        session = Session(routine, store, voice, options=OPTIONS,
                          clock=voice.clock, wall_clock=lambda: datetime.now(UTC),
                          timing=SpeechTiming(160, clips.get))
        # The estimate (2.7 s) said LINE_DELAY in does not fit in 3 s: 5 s, + 10 s work.
        assert session.engine.planned_seconds == 15
        clips[line] = 4.0
        session.start()
        assert session.engine.planned_seconds == 16
        row = store.get(session.session_id or 0)
        assert row is not None and row.planned_seconds == 16
    finally:
        store.close()


def test_accented_letters_are_counted_in_every_shipped_language() -> None:
    """The estimate reads German, French, Polish or Portuguese words whole: an accented
    vowel is a syllable, and a letter outside A-Z does not split a word."""
    from massage_timer.core.model.speech_timing import syllables

    assert syllables("Drücke") == 2
    assert syllables("połóż dłoń") == 3
    assert syllables("épaule") == 3
    assert syllables("pescoço") == 3
    assert syllables("Schulterblätter") == 4
