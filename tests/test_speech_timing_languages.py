"""The get-ready time fits what is said, in every shipped language (issue 15).

Each translated built-in routine is spoken by the real pyttsx3 + espeak-ng voice of
its language at the slowest and the fastest rate: the estimate used before a clip is
ready is never shorter than the real clip, and a session planned from the real clips
(as it is when they render while the checklist is open) or from the estimate runs no
instruction into the work and drops no count. German words are longer than English
ones and Polish has more syllables to a word, so the English calibration is checked,
not assumed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_speech_timing import OPTIONS, RATES, needs_espeak, play_session

from massage_timer.core.model.cues import Priority, lines_for_routine
from massage_timer.core.model.language import LANGUAGES, SOURCE, language
from massage_timer.core.model.routine import Routine, StepKind
from massage_timer.core.model.speech_timing import SpeechTiming, estimate_speaking_seconds
from massage_timer.core.storage.catalogs import spoken_words
from massage_timer.core.storage.loader import load_library

TRANSLATED = sorted(code for code in LANGUAGES if code != SOURCE)
Clips = dict[tuple[str, int], dict[str, float]]


def translated_routines(code: str) -> list[Routine]:
    return [r.routine for r in load_library(None, language=code).routines
            if r.language == code]


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Clips:
    """Every line of every translated routine, rendered in its language at each rate."""
    from massage_timer.audio.speech import SpeechSynth

    found: Clips = {}
    for code in TRANSLATED:
        words = spoken_words(code)
        lines = list(dict.fromkeys(
            line for routine in translated_routines(code)
            for line in lines_for_routine(routine, OPTIONS, words)))
        for rate in RATES:
            cache: Path = tmp_path_factory.mktemp(f"speech-{code}-{rate}")
            seconds: dict[str, float | None] = {}
            for _attempt in range(2):  # espeak-ng rarely writes an empty clip under load
                synth = SpeechSynth(cache, rate=rate, language=code)
                try:
                    synth.prepare(lines)
                    assert synth.wait_idle(120)
                    assert synth.available(), synth.unavailable_reason
                    assert synth.language == code
                    seconds = {line: synth.clip_seconds(line) for line in lines}
                finally:
                    synth.close()
                if synth.stats.failed == 0:
                    break
            found[code, rate] = {line: s for line, s in seconds.items() if s}
            assert len(found[code, rate]) == len(lines), (code, rate)
    return found


@pytest.mark.slow
@needs_espeak
@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("code", TRANSLATED)
def test_the_estimate_is_never_shorter_than_the_real_clip(
        code: str, rate: int, clips: Clips) -> None:
    real = clips[code, rate]
    assert real, f"{code}: no translated routine to speak"
    units = language(code).syllable_units
    short = {text[:50]: (round(seconds, 2), round(estimate, 2))
             for text, seconds in real.items()
             if (estimate := estimate_speaking_seconds(text, rate, units)) < seconds}
    assert short == {}


@pytest.mark.slow
@needs_espeak
@pytest.mark.parametrize("planned_from", ["clips", "estimate"])
@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("code", TRANSLATED)
def test_no_translated_instruction_runs_into_the_work(
        code: str, rate: int, planned_from: str, clips: Clips) -> None:
    real = clips[code, rate]
    timing = SpeechTiming(rate, real.get if planned_from == "clips" else None,
                          words=spoken_words(code))
    for routine in translated_routines(code):
        played = play_session(routine, timing, real.get)
        assert played.into_work == [], (code, routine.id)
        assert played.dropped == [], (code, routine.id)
        counts = [cue for _at, cue in played.heard if cue.priority is Priority.COUNTDOWN]
        holds = [s for s in routine.steps if s.kind is StepKind.HOLD and s.work_seconds >= 5]
        assert len(counts) == 3 * sum(len(s.parts) for s in holds), (code, routine.id)
