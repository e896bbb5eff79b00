"""The routine and settings validator: pydantic 2 beside msgspec, measured the same way.

Each figure comes from fresh interpreters (``--child NAME``), median of ``--runs``:

- ``import_ms``: importing the library alone (``import msgspec``; ``import pydantic``
  and the names a model needs, which pydantic imports lazily).
- ``build_ms``: defining the routine, step and settings models and their validators,
  and validating one routine (so every lazy part has been built).
- ``builtin_cold_ms``: in that fresh interpreter, validating the 8 built-in routines
  for the first time (what a start does); ``builtin_ms`` the same again, warm.
- ``files_ms``: validating ``--files`` routine files (copies of the built-ins with
  unique ids, parsed beforehand: the TOML parser is the same for both), warm.
- ``settings_us``: validating one settings file's values, warm, per call.
- ``app_model_import_ms``, ``app_builtin_load_ms`` (child ``app``): importing the
  app's model as it is (``core/model/routine.py``, ``settings.py``, ``safety.py`` and
  the loader), then loading the built-in library, cold: what a start pays to check
  its routines. ``app_pydantic_imported`` says whether that imported pydantic.

The msgspec side is the app's own model (``validate_routine``, ``validate_settings``:
the Structs of :mod:`massage_timer.core.model`, whitespace stripping and all). The
pydantic side is the same format written the way the app wrote it before (pydantic
``Field`` and ``StringConstraints`` bounds, ``extra="forbid"``, stripped strings),
with the app's own cross-field rules (the Structs' ``__post_init__``) run as model
validators. pydantic is no longer a dependency: without it, its side is skipped.
Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _routine_docs(count: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The built-in routines, and ``count`` copies of them with unique ids, as parsed TOML."""
    import tomllib

    # The checkout's folder, not the app's resources module: that would import msgspec
    # (the app's records are Structs) before its import is timed.
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "routines").glob("*.toml"))]
    builtin = [tomllib.loads(text) for text in texts]
    copies = []
    for i in range(count):
        text = re.sub(r'^id = "([a-z0-9-]+)"', rf'id = "\1-bench-{i}"', texts[i % len(texts)],
                      count=1, flags=re.M)
        copies.append(tomllib.loads(text))
    return builtin, copies


SETTINGS = {
    "voice_enabled": True, "voice_name": "English (Great Britain)", "voice_rate": 170,
    "voice_volume": 0.8, "theme": "dark", "font_scale": 1.25, "reminders_enabled": True,
    "reminder_interval_minutes": 45, "active_days": [0, 1, 2, 3, 4], "active_start": "08:30",
    "active_end": "17:30", "snooze_minutes": 10, "idle_minutes": 5,
    "reminder_routine_id": "desk-micro-break", "window_geometry": "AdnQywADAAAAAAB4AAAAZA==",
}


def _pydantic_validators() -> tuple[Any, Any]:
    """The format as pydantic models: same keys, bounds, defaults and rules."""
    from typing import Annotated, Literal

    from pydantic import (
        AwareDatetime,
        BaseModel,
        ConfigDict,
        Field,
        StringConstraints,
        TypeAdapter,
        model_validator,
    )

    from massage_timer.core.model import routine as model

    def text(low: int, high: int, pattern: str | None = None) -> Any:
        return Annotated[str, StringConstraints(min_length=low, max_length=high, pattern=pattern)]

    region = text(2, 40, r"^[a-z][a-z-]{1,39}$")

    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    class PSideWords(Strict):
        left: text(1, 40) | None = None  # type: ignore[valid-type]
        right: text(1, 40) | None = None  # type: ignore[valid-type]

    class PStep(Strict):
        id: text(2, 64) | None = None  # type: ignore[valid-type]
        kind: model.StepKind
        title: text(1, 80)  # type: ignore[valid-type]
        instruction: text(1, 400)  # type: ignore[valid-type]
        cue: text(1, 80)  # type: ignore[valid-type]
        seconds: Annotated[float, Field(ge=1, le=model.MAX_STEP_SECONDS)] | None = None
        reps: Annotated[int, Field(ge=1, le=model.MAX_REPS)] | None = None
        cadence: Annotated[float, Field(ge=1, le=30)] | None = None
        sides: Annotated[tuple[Literal["left", "right"], ...], Field(max_length=2)] = ()
        regions: Annotated[tuple[region, ...], Field(max_length=12)] = ()  # type: ignore[valid-type]
        pressure: model.Pressure | None = None
        prepare: Annotated[float, Field(ge=0, le=60)] | None = None
        switch_prepare: Annotated[float, Field(ge=0, le=60)] = model.DEFAULT_SWITCH_SECONDS
        rest_after: Annotated[float, Field(ge=0, le=model.MAX_STEP_SECONDS)] = 0
        optional: bool = False
        hold: Annotated[float, Field(ge=1, le=29)] | None = None
        unit: model.StrokeUnit | None = None
        side_words: PSideWords | None = None

        work_seconds = model.Step.work_seconds
        parts = model.Step.parts
        speaking_seconds = model.Step.speaking_seconds
        prepare_seconds = model.Step.prepare_seconds
        part_prepare_seconds = model.Step.part_prepare_seconds
        total_seconds = model.Step.total_seconds
        seconds_at = model.Step.seconds_at
        spoken_instruction = model.Step.spoken_instruction
        part_line = model.Step.part_line
        repetition_unit = model.Step.repetition_unit

        def _check_placeholders(self) -> None:
            model.Step._check_placeholders(self)  # type: ignore[arg-type]

        @model_validator(mode="after")
        def _rules(self) -> PStep:
            model.Step.__post_init__(self)  # type: ignore[arg-type]
            return self

    class PRoutine(Strict):
        id: text(2, 64, r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # type: ignore[valid-type]
        title: text(1, 80)  # type: ignore[valid-type]
        summary: text(1, 1200)  # type: ignore[valid-type]
        version: Annotated[str, StringConstraints(pattern=r"^\d+(\.\d+){0,2}$", max_length=20)]
        position: model.Position
        equipment: Annotated[tuple[model.Equipment, ...], Field(max_length=8)] = (
            model.Equipment.NONE,
        )
        areas: Annotated[tuple[region, ...], Field(max_length=16)] = ()  # type: ignore[valid-type]
        sources: Annotated[
            tuple[text(1, 80, r"^[A-Za-z0-9_.-]{1,80}$"), ...],  # type: ignore[valid-type]
            Field(min_length=1, max_length=10),
        ]
        cautions: Annotated[tuple[text(1, 400), ...], Field(max_length=12)] = ()  # type: ignore[valid-type]
        steps: Annotated[tuple[PStep, ...], Field(min_length=1, max_length=60)]

        total_seconds = model.Routine.total_seconds

        @model_validator(mode="after")
        def _rules(self) -> PRoutine:
            model.Routine.__post_init__(self)  # type: ignore[arg-type]
            return self

    class PSettings(BaseModel):
        model_config = ConfigDict(extra="ignore")
        voice_enabled: bool = True
        voice_name: Annotated[str, StringConstraints(max_length=200)] = ""
        voice_rate: Annotated[int, Field(ge=80, le=300)] = 160
        voice_volume: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)] = 0.9
        tones_enabled: bool = True
        count_aloud: bool = True
        halfway_cue: bool = True
        include_optional_steps: bool = False
        keep_screen_awake: bool = True
        theme: Literal["system", "light", "dark"] = "system"
        font_scale: Annotated[float, Field(ge=0.75, le=2.5, allow_inf_nan=False)] = 1.0
        reminders_enabled: bool = True
        reminder_interval_minutes: Annotated[int, Field(ge=15, le=180)] = 60
        active_days: Annotated[
            tuple[Annotated[int, Field(ge=0, le=6)], ...], Field(min_length=1, max_length=7)
        ] = (0, 1, 2, 3, 4)
        active_start: Annotated[str, StringConstraints(pattern=r"^(?:[01]\d|2[0-3]):[0-5]\d$")] = (
            "09:00"
        )
        active_end: Annotated[str, StringConstraints(pattern=r"^(?:[01]\d|2[0-3]):[0-5]\d$")] = (
            "18:00"
        )
        snooze_minutes: Annotated[int, Field(ge=1, le=60)] = 10
        idle_minutes: Annotated[int, Field(ge=1, le=60)] = 5
        reminder_routine_id: text(2, 64, r"^[a-z0-9]+(?:-[a-z0-9]+)*$") = "desk-micro-break"  # type: ignore[valid-type]
        reminder_sound: bool = True
        reminder_voice: bool = False
        autostart: bool = False
        paused_until: AwareDatetime | None = None
        shown_background_hint: bool = False
        window_geometry: Annotated[
            str, StringConstraints(pattern=r"^[A-Za-z0-9+/=]*$", max_length=8192)
        ] = ""

        @model_validator(mode="after")
        def _hours(self) -> PSettings:
            if self.active_start >= self.active_end:
                raise ValueError("active_start must be earlier than active_end")
            return self

    return TypeAdapter(PRoutine).validate_python, TypeAdapter(PSettings).validate_python


def _msgspec_validators() -> tuple[Any, Any]:
    from massage_timer.core.model.routine import validate_routine
    from massage_timer.core.model.settings import validate_settings

    return validate_routine, validate_settings


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _median_time(action: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def child(name: str, files: int, repeat: int) -> dict[str, Any]:
    """One fresh interpreter's figures for ``name`` (printed as JSON by the caller)."""
    if name == "app":
        began = time.perf_counter()
        from massage_timer.core.model import routine, safety, settings  # noqa: F401
        from massage_timer.core.storage.loader import load_library

        imported = time.perf_counter()
        library = load_library(None)
        done = time.perf_counter()
        assert not library.errors and len(library.routines) == 8
        return {
            "model_import_ms": _ms(imported - began),
            "builtin_load_ms": _ms(done - imported),
            "pydantic_imported": "pydantic" in sys.modules,
        }
    builtin, copies = _routine_docs(files)
    began = time.perf_counter()
    if name == "pydantic":
        try:
            import pydantic
            from pydantic import BaseModel, Field, StringConstraints, TypeAdapter  # noqa: F401
        except ImportError:
            return {"error": "pydantic is not installed"}
        version = pydantic.VERSION
        import_seconds = time.perf_counter() - began
        # Not counted: the app's enums and rules, which the pydantic models reuse.
        import massage_timer.core.model.routine  # noqa: F401

        building = time.perf_counter()
        routine_check, settings_check = _pydantic_validators()
    else:
        import msgspec

        version = msgspec.__version__
        import_seconds = time.perf_counter() - began
        building = time.perf_counter()
        # Counted: importing the app's model is what defines the Structs.
        routine_check, settings_check = _msgspec_validators()
    routine_check(builtin[0])
    built = time.perf_counter()
    for doc in builtin[1:]:
        routine_check(doc)
    cold = time.perf_counter()
    checked = [routine_check(doc) for doc in copies]
    assert len(checked) == files
    return {
        "version": version,
        "import_ms": _ms(import_seconds),
        "build_ms": _ms(built - building),
        "builtin_cold_ms": _ms(cold - built),
        "builtin_ms": _ms(_median_time(lambda: [routine_check(d) for d in builtin], repeat)),
        "files_ms": _ms(_median_time(lambda: [routine_check(d) for d in copies], repeat)),
        "settings_us": round(
            _median_time(lambda: [settings_check(SETTINGS) for _ in range(100)], repeat) * 1e4,
            2,
        ),
    }


def _run_child(name: str, args: argparse.Namespace) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", name, "--files", str(args.files),
         "--repeat", str(args.repeat)],
        capture_output=True, text=True, timeout=300, cwd=REPO, check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"child {name} failed: {proc.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in runs[0].items():
        if isinstance(value, float | int) and not isinstance(value, bool):
            out[key] = round(statistics.median(run[key] for run in runs), 3)
        else:
            out[key] = value
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=("pydantic", "msgspec", "app"))
    parser.add_argument("--runs", type=int, default=5, help="fresh interpreters per side")
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5, help="warm repeats in each child")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.files, args.repeat)), flush=True)
        return 0
    result: dict[str, Any] = {"runs": args.runs, "files": args.files}
    for name in ("pydantic", "msgspec", "app"):
        runs = [_run_child(name, args) for _ in range(args.runs)]
        if "error" in runs[0]:
            result[name] = runs[0]
            print(f"{name}: {runs[0]['error']}", file=sys.stderr)
            continue
        result[name] = _medians(runs)
        print(f"{name}: {result[name]}", file=sys.stderr)
    flat = {f"{side}_{key}": value for side in ("pydantic", "msgspec", "app")
            for key, value in result[side].items() if key != "error"}
    for key in ("import_ms", "build_ms", "builtin_cold_ms", "files_ms", "settings_us"):
        if f"pydantic_{key}" in flat and flat[f"msgspec_{key}"]:
            flat[f"speedup_{key}"] = round(flat[f"pydantic_{key}"] / flat[f"msgspec_{key}"], 1)
    print(json.dumps({"runs": args.runs, "files": args.files, **flat}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
