"""The spoken-length estimate against the real voice, in every shipped language.

Before a line's clip is rendered, the get-ready time comes from an estimate
(``core/model/speech_timing.estimate_speaking_seconds``): syllables times the
language's ``syllable_units`` at the user's rate, plus a margin. Here every line the
built-in routines speak in each language is rendered by pyttsx3 + espeak-ng (the
language's own voice) at the slowest and the fastest rate, and compared with the
estimate: ``worst_margin_s`` is the smallest amount by which the estimate is longer
than the real clip (negative: a line would run into the work), ``units_per_syllable``
the fitted weight (the longest and the median line over eight syllables), which is
where each language's ``syllable_units`` comes from. Prints one JSON object.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RATES = (80, 300)


def main() -> int:
    sys.path.insert(0, str(REPO))
    from massage_timer.audio.speech import SpeechSynth
    from massage_timer.core.model.cues import CueOptions, lines_for_routine
    from massage_timer.core.model.language import LANGUAGES, language
    from massage_timer.core.model.speech_timing import (
        LINE_UNITS,
        estimate_speaking_seconds,
        syllables,
    )
    from massage_timer.core.storage.catalogs import spoken_words
    from massage_timer.core.storage.loader import load_library

    options = CueOptions(count_aloud=True, halfway_cue=True)
    result: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="mt-bench-speech-") as name:
        for code in LANGUAGES:
            words = spoken_words(code)
            loaded = list(load_library(None, language=code).routines)
            lines = list(dict.fromkeys(line for r in loaded if r.language == code
                                       for line in lines_for_routine(r.routine, options, words)))
            units = language(code).syllable_units
            per_rate: dict[str, object] = {"lines": len(lines), "syllable_units": units}
            for rate in RATES:
                synth = SpeechSynth(Path(name) / f"{code}-{rate}", rate=rate, language=code)
                try:
                    synth.prepare(lines)
                    synth.wait_idle(300)
                    real = {line: synth.clip_seconds(line) for line in lines}
                finally:
                    synth.close()
                clips = {line: s for line, s in real.items() if s}
                margins = [estimate_speaking_seconds(line, rate, units) - s
                           for line, s in clips.items()]
                fitted = [(s * rate / 60 - LINE_UNITS) / syllables(line)
                          for line, s in clips.items() if syllables(line) > 8]
                per_rate[str(rate)] = {
                    "rendered": len(clips),
                    "worst_margin_s": round(min(margins), 2) if margins else None,
                    "units_per_syllable_max": round(max(fitted), 3) if fitted else None,
                    "units_per_syllable_median": round(statistics.median(fitted), 3)
                    if fitted else None,
                }
            result[code] = per_rate
            print(code, json.dumps(per_rate), file=sys.stderr, flush=True)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
