"""The articles the routines draw on, by the file name a routine's ``sources`` gives.

Routine files name their sources by file name, which means nothing to a reader; the
shipped ``assets/sources.toml`` turns each into the article's title and a line on what
it contributed. A name it does not know (a user's own routine) is shown as written.
"""

from __future__ import annotations

from functools import cache

import msgspec

from massage_timer.core.storage.resources import asset
from massage_timer.core.storage.toml_input import read_toml

MAX_SOURCES_BYTES = 64 * 1024


class Source(msgspec.Struct, frozen=True):
    name: str
    title: str
    contribution: str = ""


@cache
def known_sources() -> dict[str, Source]:
    """The shipped catalogue; a broken shipped file is a bug, so it raises."""
    data = read_toml(asset("sources.toml"), MAX_SOURCES_BYTES)
    return {
        name: Source(name, str(entry["title"]), str(entry.get("contribution", "")))
        for name, entry in data["sources"].items()
    }


def describe(name: str) -> Source:
    """The source called ``name`` by a routine: its title when known, else the name."""
    return known_sources().get(name) or Source(name, name)
