"""Lengths of time read the same in every window."""

from __future__ import annotations

from massage_timer.ui.durations import clock, countdown, duration, short_duration


def test_clock() -> None:
    assert [clock(s) for s in (0, 45, 271, 3725, -3)] == ["0:00", "0:45", "4:31", "1:02:05", "0:00"]


def test_duration_names_whole_minutes() -> None:
    assert [duration(s) for s in (240, 271, 45, 3600)] == ["4 min", "4:31", "0:45", "1:00:00"]


def test_short_duration() -> None:
    assert [short_duration(s) for s in (45, 60, 95)] == ["45 s", "1 min", "1:35"]


def test_countdown_rounds_up_to_whole_seconds() -> None:
    assert [countdown(s) for s in (12.0, 11.2, 0.4, 0.0, 65.0)] == ["12", "12", "1", "0", "1:05"]
