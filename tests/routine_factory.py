"""Small routines built in code, for engine and player tests."""

from __future__ import annotations

from typing import Any

from massage_timer.core.model.routine import Routine, validate_routine


def make_routine(*steps: dict[str, Any], **fields: Any) -> Routine:
    base: dict[str, Any] = {
        "id": "test-routine",
        "title": "Test routine",
        "summary": "A routine for tests.",
        "version": "1.0",
        "position": "seated",
        "sources": ["001_1e45ebe971a9ae8f.txt"],
        "steps": list(steps),
    }
    base.update(fields)
    return validate_routine(base)


def hold(title: str = "Hold", seconds: float = 10, **kw: Any) -> dict[str, Any]:
    return {
        "kind": "hold",
        "title": title,
        "instruction": f"Do {title}.",
        "cue": title,
        "seconds": seconds,
        **kw,
    }


def strokes(title: str = "Strokes", reps: int = 5, cadence: float = 2, **kw: Any) -> dict[str, Any]:
    return {
        "kind": "strokes",
        "title": title,
        "instruction": f"Do {title}.",
        "cue": title,
        "reps": reps,
        "cadence": cadence,
        **kw,
    }


def rest(seconds: float = 5, **kw: Any) -> dict[str, Any]:
    return {
        "kind": "rest",
        "title": "Rest",
        "instruction": "Rest.",
        "cue": "Rest",
        "seconds": seconds,
        **kw,
    }
