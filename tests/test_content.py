"""The shipped content: sources by title, and every sentence in our own words."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from massage_timer.core.storage.checklist_file import load_checklist
from massage_timer.core.storage.loader import load_library
from massage_timer.core.storage.sources_file import describe, known_sources

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SHINGLE = 7
"""Seven words in a row shared with an article is copying, not a common phrase."""


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def _shipped_sentences(repo_root: Path) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    for file in sorted((repo_root / "routines").glob("*.toml")):
        texts.append((file.name, file.read_text(encoding="utf-8")))
    texts.append(("checklist.toml",
                  (repo_root / "assets" / "checklist.toml").read_text(encoding="utf-8")))
    return texts


def test_every_shipped_source_has_a_title() -> None:
    library = load_library()
    names = {s for r in library.routines for s in r.routine.sources}
    names |= set(load_checklist().sources)
    assert names, "the routines name their sources"
    assert names <= set(known_sources())
    for name in names:
        source = describe(name)
        assert source.title != name and source.contribution


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles are not beside the checkout")
def test_source_notes_are_our_own_words() -> None:
    seeds: set[tuple[str, ...]] = set()
    for article in SEEDS.glob("*.txt"):
        seeds |= _shingles(article.read_text(encoding="utf-8"))
    assert not any(_shingles(s.contribution) & seeds for s in known_sources().values())


def test_an_unknown_source_is_shown_as_written() -> None:
    assert describe("my-physio-notes.pdf").title == "my-physio-notes.pdf"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles are not beside the checkout")
def test_no_sentence_repeats_a_source_article(repo_root: Path) -> None:
    seeds: set[tuple[str, ...]] = set()
    for article in SEEDS.glob("*.txt"):
        seeds |= _shingles(article.read_text(encoding="utf-8"))
    copied = []
    for name, text in _shipped_sentences(repo_root):
        data = tomllib.loads(text)
        strings = [s for s in _strings(data) if len(_words(s)) >= SHINGLE]
        copied += [(name, s) for s in strings if _shingles(s) & seeds]
    assert copied == []


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []
