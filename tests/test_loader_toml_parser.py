"""The loader parses with the compiled tomli when installed: same TOML 1.0, same errors."""

from __future__ import annotations

import string
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from massage_timer.core.storage import toml_input
from massage_timer.core.storage.loader import RoutineError, RoutineLoadError, parse_routine
from tests.test_loader import GOOD

tomli = pytest.importorskip("tomli")


def errors(data: bytes, *, stdlib: bool, monkeypatch: pytest.MonkeyPatch) -> list[RoutineError]:
    with monkeypatch.context() as patch:
        if stdlib:
            patch.setattr(toml_input, "toml_loads", tomllib.loads)
            patch.setattr(toml_input, "TOMLDecodeError", tomllib.TOMLDecodeError)
        try:
            parse_routine(data, Path("r.toml"))
        except RoutineLoadError as exc:
            return exc.errors
    return []


def test_the_loader_uses_tomli_when_installed() -> None:
    assert toml_input.toml_loads is tomli.loads
    assert toml_input.TOMLDecodeError is tomli.TOMLDecodeError


@pytest.mark.parametrize(
    "text",
    [
        # TOML 1.1 only (tomli >= 2.4 accepts these); routine files are TOML 1.0
        'cautions = ["a",]\nx = {a = 1,}',
        "x = {\na = 1}",
        'title = "\\e"',
        'title = "\\x41"',
        "x = 12:30",
        "x = 1979-05-27T07:32",
        # errors reported "at end of document"
        'id = "my-routine"\nid = "again"\n',
        GOOD + 'title = "open',
        GOOD + "[[steps]\n",
        'title = "My routine',
        "x = [1,,2]",
    ],
)
def test_same_toml_dialect_and_errors_as_tomllib(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = text.encode()
    found = errors(data, stdlib=False, monkeypatch=monkeypatch)
    assert found and found[0].message.startswith("TOML syntax error: ")
    assert found == errors(data, stdlib=True, monkeypatch=monkeypatch)


def test_end_of_document_errors_keep_the_file_location(monkeypatch: pytest.MonkeyPatch) -> None:
    (error,) = errors(b'id = "my-routine"\ntitle = "open', stdlib=False, monkeypatch=monkeypatch)
    assert error.location == "(file)"
    assert error.message == "TOML syntax error: Unterminated string (at end of document)"


@given(
    st.integers(0, len(GOOD) - 1),
    st.integers(0, 40),
    st.text(alphabet=string.printable, max_size=12),
)
def test_mutated_files_give_the_same_errors_with_either_parser(
    start: int, cut: int, insert: str
) -> None:
    data = (GOOD[:start] + insert + GOOD[start + cut :]).encode()
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert errors(data, stdlib=False, monkeypatch=monkeypatch) == errors(
            data, stdlib=True, monkeypatch=monkeypatch
        )
