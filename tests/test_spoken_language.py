"""A session speaks its routine in the routine's language only, never mixed with the
interface's: the side words, the switch line, "Release.", "Paused.", the closing line
and the counts all follow the routine (its translation, or English when it fell back)."""

from __future__ import annotations

import gettext
from collections.abc import Sequence
from datetime import UTC, datetime

from routine_factory import hold, make_routine, strokes

from massage_timer.core.model.cues import Cue, CueOptions
from massage_timer.core.model.engine import SessionFinished, SessionStopped
from massage_timer.core.model.routine import Routine, validate_routine
from massage_timer.core.model.session import Session
from massage_timer.core.model.speech_timing import timing_for
from massage_timer.core.model.spoken import ENGLISH, Words
from massage_timer.core.model.translation import (
    Coverage,
    translate_routine,
    validate_routine_translation,
)
from massage_timer.core.model.validation import ValidationError
from massage_timer.core.storage.catalogs import spoken_words, use_language

GERMAN_WORDS = {
    ("side", "left"): "links",
    ("side", "right"): "rechts",
    "Work on your {side} side.": "Arbeite auf der Seite {side}.",
    "Now the {side} side.": "Jetzt die Seite {side}.",
    "Halfway.": "Halbzeit.",
    "Release.": "Loslassen.",
    "Well done. The routine is complete.": "Gut gemacht. Die Routine ist fertig.",
    "Paused.": "Pause.",
}


class FakeGerman(gettext.NullTranslations):
    """A German catalogue of the session's own lines (a test stand-in for the .mo)."""

    def gettext(self, message: str) -> str:
        return GERMAN_WORDS.get(message, message)

    def pgettext(self, context: str, message: str) -> str:
        return GERMAN_WORDS.get((context, message), message)


GERMAN = Words(FakeGerman(), "de")

ENGLISH_ROUTINE = make_routine(
    hold("Press", seconds=12, sides=["left", "right"], id="press",
         instruction="Press your {side} shoulder.", rest_after=2),
    hold("Tilt", seconds=12, sides=["left", "right"], id="tilt", instruction="Tilt."),
    strokes("Knead", reps=3, cadence=3, hold=1, id="knead", instruction="Knead."),
    cautions=[],
)
TRANSLATION = validate_routine_translation({
    "title": "Meine Routine",
    "summary": "Kurz.",
    "steps": {
        "press": {"title": "Drücken", "instruction": "Drücke deine {side} Schulter.",
                  "cue": "Drücken", "side_words": {"left": "linke", "right": "rechte"}},
        "tilt": {"title": "Neigen", "instruction": "Neige den Kopf.", "cue": "Neigen"},
        "knead": {"title": "Kneten", "instruction": "Knete den Nacken.", "cue": "Kneten"},
    },
})
ENGLISH_TEXT = {"left", "right", "side", "Now", "Work", "Release", "Paused", "Halfway",
                "Well", "done", "routine", "Three", "Two", "One"}


class Recorder:
    def __init__(self) -> None:
        self.said: list[str] = []
        self.prepared: list[str] = []

    def prepare(self, lines: Sequence[str]) -> None:
        self.prepared += lines

    def play(self, cue: Cue) -> None:
        if cue.kind == "speech":
            self.said.append(cue.text)

    def silence(self) -> None:
        pass


class NoLog:
    def start_session(self, start: object) -> int:
        return 1

    def step_completed(self, *args: object) -> None:
        pass

    def finish_session(self, *args: object, **kw: object) -> None:
        pass

    def set_pain_after(self, *args: object) -> None:
        pass


def play(routine: Routine, words: Words, *, pause: bool = False) -> Recorder:
    """Play ``routine`` to its end on a fake clock with every spoken option on."""
    now = [0.0]
    output = Recorder()
    options = CueOptions(count_aloud=True, halfway_cue=True)
    session = Session(routine, NoLog(), output, options=options, clock=lambda: now[0],
                      wall_clock=lambda: datetime(2026, 1, 1, tzinfo=UTC),
                      timing=timing_for(True, 160, None, words))
    session.prepare()
    session.start()
    paused = False
    while session.ended is None:
        deadline = session.next_deadline()
        assert deadline is not None
        now[0] = max(now[0], deadline)
        if pause and not paused and now[0] > 5:
            session.toggle_pause()
            session.toggle_pause()
            paused = True
        session.update()
    assert isinstance(session.ended, SessionFinished | SessionStopped)
    return output


def test_a_german_routine_under_an_english_interface_speaks_german_only() -> None:
    shown = translate_routine(ENGLISH_ROUTINE, "de", TRANSLATION)
    assert shown.coverage is Coverage.TRANSLATED
    heard = play(shown.value, GERMAN, pause=True)
    assert heard.said[0] == "Drücke deine linke Schulter."  # the step's own side words
    assert "Drücke deine rechte Schulter." not in heard.said  # the second side: by name
    assert "Jetzt die Seite rechts." in heard.said
    assert "Neige den Kopf. Arbeite auf der Seite links." in heard.said
    assert {"Loslassen.", "Halbzeit.", "Pause.", "3", "2", "1"} <= set(heard.said)
    assert heard.said[-1] == "Gut gemacht. Die Routine ist fertig."
    for line in [*heard.said, *heard.prepared]:
        assert not set(line.replace(".", " ").split()) & ENGLISH_TEXT, line
    assert set(heard.said) <= set(heard.prepared)


def test_an_english_fallback_under_a_foreign_interface_speaks_english_only() -> None:
    use_language("en_XA")
    incomplete = validate_routine_translation({
        "title": "Meine Routine", "summary": "Kurz.",
        "steps": {"press": TRANSLATION.steps["press"]},
    })
    shown = translate_routine(ENGLISH_ROUTINE, "de", incomplete)
    assert (shown.coverage, shown.language) == (Coverage.INCOMPLETE, "en")
    heard = play(shown.value, spoken_words(shown.language), pause=True)
    assert heard.said[0] == "Press your left shoulder."
    assert "Now the right side." in heard.said
    assert "Tilt. Work on your left side." in heard.said
    assert heard.said[-1] == "Well done. The routine is complete."
    for line in [*heard.said, *heard.prepared]:
        assert "[" not in line and not set(line) & set("åƀçðéĥîñöšţûŵ"), line


def test_the_words_of_a_language_do_not_switch_the_interface() -> None:
    assert spoken_words("en") is ENGLISH
    pseudo = spoken_words("en_XA")
    assert pseudo.release.startswith("[") and pseudo.side("left").startswith("[")
    assert ENGLISH.release == "Release."
    from massage_timer.core.model.language import TRANSLATOR, _

    assert TRANSLATOR.code == "en" and _("Release.") == "Release."


def test_side_words_need_sides_and_are_checked() -> None:
    step = {"kind": "hold", "title": "T", "instruction": "Press your {side} arm.",
            "cue": "C", "seconds": 5, "sides": ["left"], "side_words": {"left": "linken"}}
    base = {"id": "r-one", "title": "R", "summary": "S", "version": "1",
            "position": "seated", "sources": ["x"], "steps": [step]}
    routine = validate_routine(base)
    assert routine.steps[0].spoken_instruction("left") == "Press your linken arm."
    unsided = {**step, "sides": [], "instruction": "Press."}
    try:
        validate_routine({**base, "steps": [unsided]})
    except ValidationError as exc:
        assert "side_words" in str(exc)
    else:
        raise AssertionError("side_words without sides was accepted")
    try:
        validate_routine({**base, "steps": [{**step, "side_words": {"up": "x"}}]})
    except ValidationError:
        pass
    else:
        raise AssertionError("an unknown side in side_words was accepted")


def test_a_display_shows_the_instruction_in_the_routine_language() -> None:
    """What the player shows while the instruction is heard is the same line."""
    from massage_timer.core.model.engine import Phase, build_plan

    shown = translate_routine(ENGLISH_ROUTINE, "de", TRANSLATION).value
    plan = build_plan(shown.steps, timing_for(True, 160, None, GERMAN))
    prepares = [seg.instruction for seg in plan if seg.phase is Phase.PREPARE]
    assert prepares[:4] == [
        "Drücke deine linke Schulter.", "Drücke deine rechte Schulter.",
        "Neige den Kopf. Arbeite auf der Seite links.",
        "Neige den Kopf. Arbeite auf der Seite rechts.",
    ]
    english = build_plan(ENGLISH_ROUTINE.steps)
    assert english[0].instruction == "Press your left shoulder."
