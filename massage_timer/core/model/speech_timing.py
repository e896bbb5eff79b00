"""How long a step's get-ready phase lasts: long enough for what is actually said.

The instruction is spoken as a step starts; if it is still playing when the work
begins, the person hears it over the start tone and the higher-priority line drops
the work phase's own cues (the "Three, Two, One" count, the stroke count). So the
get-ready time follows the voice: the rendered clip's real length when the clip is
ready, otherwise an estimate at the user's own speaking rate.

The estimate is calibrated on espeak-ng (what pyttsx3 drives on Linux), whose rate is
close to words a minute: a clip lasts about ``60 / rate * (0.6 * syllables + 2)``
seconds. Measured over every line the shipped routines speak at 80, 120, 160, 220 and
300 words a minute, that falls short of the real clip by up to 2 rate units (1.5 s at
80), most at slow rates; so the estimate adds :data:`ESTIMATE_MARGIN_UNITS` and
:data:`ESTIMATE_MARGIN_SECONDS`, which leaves it at least 0.5 s longer than every
measured clip (``tests/test_speech_timing.py`` checks it against real renders at 80,
160 and 300).

Pure and Qt-free, with no import of the routine module, so that ``routine.py`` can
use the same rule for its default (file-level) lengths.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Protocol

import msgspec

from massage_timer.core.model.language import language
from massage_timer.core.model.spoken import ENGLISH, Words

DEFAULT_WORDS_PER_MINUTE = 160
"""The default voice rate (``Settings.voice_rate``); lengths shown without settings."""
POSITION_SECONDS = 2.0
"""Time to get into position once the instruction has been heard."""
MIN_PREPARE_SECONDS = 5.0
LINE_DELAY = 0.4
"""A line said as a part starts waits this long (the tones last 0.28 s), so that it
never sits on the tone that ended the work before it; the engine plans it so."""
SYLLABLE_UNITS = 0.6
"""Rate units (about one word) per syllable, fitted on espeak-ng's English voice."""
LINE_UNITS = 2.0
"""Rate units each clip spends on its leading and trailing pauses."""
ESTIMATE_MARGIN_UNITS = 2.0
ESTIMATE_MARGIN_SECONDS = 0.5
"""Added to every estimate (in rate units, and in seconds) so that it is never shorter
than the real clip."""

_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d+")
_VOWELS = re.compile(r"[aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿœąęįų]+")
"""Vowel letters of the shipped languages: an accented vowel is a syllable too."""

ClipSeconds = Callable[[str], float | None]
"""The real length of ``text``'s rendered clip, or None while it is not ready."""


class SpokenStep(Protocol):
    """What the timing needs from a step (``routine.Step`` fits)."""

    def part_line(self, part_index: int, words: Words = ...) -> str: ...

    @property
    def prepare(self) -> float | None: ...

    @property
    def switch_prepare(self) -> float: ...


@lru_cache(maxsize=4096)
def syllables(text: str) -> int:
    """A rough syllable count (vowel groups per word, in any of the shipped languages'
    letters; two per digit, as spoken).

    Kept per text: a routine's lines are counted when it is checked, listed, shown and
    planned, at every voice rate, and the count never changes."""
    count = 0
    for token in _TOKEN.findall(text):
        if token.isdigit():
            count += 2 * len(token)
        else:
            count += max(1, len(_VOWELS.findall(token.lower())))
    return count


def estimate_speaking_seconds(text: str, words_per_minute: float,
                              syllable_units: float = SYLLABLE_UNITS) -> float:
    """How long ``text`` takes to say at ``words_per_minute``, erring on the long side
    (``syllable_units``: the language's weight, :attr:`.Language.syllable_units`)."""
    units = syllable_units * syllables(text) + LINE_UNITS + ESTIMATE_MARGIN_UNITS
    return 60.0 / words_per_minute * units + ESTIMATE_MARGIN_SECONDS


def prepare_seconds(
    written: float | None, spoken_seconds: float, *, extend_written: bool = True
) -> float:
    """The get-ready time for a line that takes ``spoken_seconds`` to say.

    Unwritten: enough to hear the line and get into position (at least
    :data:`MIN_PREPARE_SECONDS`). Written in the routine file: kept as the author's
    choice while the line fits in it; when the line is longer (a slow voice rate), the
    written time would let the instruction run into the work phase and drop its
    count, so it is extended as if it were unwritten (unless ``extend_written`` is
    off: the file's own figures, with no voice in play).
    """
    needed = max(MIN_PREPARE_SECONDS, math.ceil(spoken_seconds + POSITION_SECONDS))
    if written is None:
        return needed
    fits = LINE_DELAY + spoken_seconds <= written
    return written if fits or not extend_written else needed


class SpeechTiming(msgspec.Struct, frozen=True):
    """Get-ready times at one voice rate, from real clip lengths where known.

    ``clip_seconds`` looks up a rendered clip's length (``SpeechSynth.clip_seconds``);
    without it, or while a clip is not ready, the estimate at ``words_per_minute``
    stands in. A session builds its plan from this once, as it starts.
    ``extend_written`` off keeps a routine file's written times as they are
    (:data:`AS_WRITTEN`, the file's own length). ``words`` are the session's own lines
    in the routine's language: what is said is what is timed.
    """

    words_per_minute: float = DEFAULT_WORDS_PER_MINUTE
    clip_seconds: ClipSeconds | None = None
    extend_written: bool = True
    words: Words = ENGLISH

    def speaking_seconds(self, text: str) -> float:
        measured = self.clip_seconds(text) if self.clip_seconds is not None else None
        if measured is not None:
            return measured
        return estimate_speaking_seconds(text, self.words_per_minute,
                                         language(self.words.language).syllable_units)

    def prepare_seconds(self, step: SpokenStep) -> float:
        """The get-ready time before the step's first side."""
        spoken = self.speaking_seconds(step.part_line(0, self.words))
        return prepare_seconds(step.prepare, spoken, extend_written=self.extend_written)

    def part_prepare_seconds(self, step: SpokenStep, part_index: int) -> float:
        """Before a later side its name is said: its time is extended alike."""
        if part_index == 0:
            return self.prepare_seconds(step)
        if not self.extend_written:
            return step.switch_prepare
        spoken = self.speaking_seconds(step.part_line(part_index, self.words))
        if LINE_DELAY + spoken <= step.switch_prepare:
            return step.switch_prepare
        return float(math.ceil(spoken + POSITION_SECONDS))


AS_WRITTEN = SpeechTiming(extend_written=False)
"""A routine file's own times: written ones as they are, the others estimated at the
default rate. The file's length (its bound, the command line) and a plan built without
a voice in play use it."""


def timing_for(
    voice_enabled: bool, words_per_minute: float, clip_seconds: ClipSeconds | None = None,
    words: Words = ENGLISH,
) -> SpeechTiming:
    """The timing a session (and the lengths the library shows) uses with these
    settings: the voice's when it speaks; with the voice off nothing is said, so the
    file's own times stand. ``words``: the routine's language (see :mod:`.spoken`)."""
    if voice_enabled:
        return SpeechTiming(words_per_minute, clip_seconds, words=words)
    return AS_WRITTEN if words is ENGLISH else msgspec.structs.replace(AS_WRITTEN, words=words)
