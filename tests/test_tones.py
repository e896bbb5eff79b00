"""The shipped tones: what the generator makes, soft, short and click-free."""

from __future__ import annotations

import io
import itertools
import math
import wave
from array import array
from pathlib import Path

import pytest

from massage_timer.audio import tones
from massage_timer.core.storage.resources import asset


def _samples(data: bytes) -> tuple[wave._wave_params, array[int]]:
    with wave.open(io.BytesIO(data), "rb") as clip:
        params = clip.getparams()
        samples = array("h", clip.readframes(params.nframes))
    return params, samples


@pytest.mark.parametrize("name", sorted(tones.TONES))
def test_shipped_file_equals_generator(name: str) -> None:
    shipped = asset("sounds", f"{name}.wav").read_bytes()
    generated = tones.wav_bytes(name)
    shipped_params, shipped_samples = _samples(shipped)
    params, samples = _samples(generated)
    assert shipped_params == params
    # libm's sin may differ in the last bit between platforms: allow one step.
    assert max(abs(a - b) for a, b in zip(shipped_samples, samples, strict=True)) <= 1


@pytest.mark.parametrize("name", sorted(tones.TONES))
def test_tone_is_short_soft_and_click_free(name: str) -> None:
    params, samples = _samples(tones.wav_bytes(name))
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 44100)
    seconds = params.nframes / params.framerate
    assert 0.2 <= seconds <= 0.7
    peak = max(abs(s) for s in samples) / 32767
    rms = math.sqrt(sum(s * s for s in samples) / len(samples)) / 32767
    assert 0.1 < peak < 0.5
    assert rms > 0.03
    assert abs(samples[0]) <= 1 and abs(samples[-1]) <= 1
    biggest_step = max(abs(b - a) for a, b in itertools.pairwise(samples))
    assert biggest_step < 0.1 * 32767


def _dominant_pitch(samples: array[int], start: float, length: float) -> float:
    """Zero-crossing frequency estimate of a stretch of the tone."""
    chunk = samples[int(start * 44100): int((start + length) * 44100)]
    crossings = sum(1 for a, b in itertools.pairwise(chunk) if a < 0 <= b)
    return crossings / length


def test_start_rises_and_end_falls() -> None:
    _, start = _samples(tones.wav_bytes("work-start"))
    _, end = _samples(tones.wav_bytes("work-end"))
    assert _dominant_pitch(start, 0.01, 0.07) < _dominant_pitch(start, 0.17, 0.08)
    assert _dominant_pitch(end, 0.01, 0.07) > _dominant_pitch(end, 0.17, 0.08)


def test_write_all(tmp_path: Path) -> None:
    written = tones.write_all(tmp_path)
    assert sorted(p.name for p in written) == sorted(f"{n}.wav" for n in tones.TONES)
    assert written[0].read_bytes() == tones.wav_bytes(written[0].stem)
