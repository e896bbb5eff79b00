"""The short soft tones in ``assets/sounds/``, and the generator that made them.

Sine notes with a touch of second harmonic, a 6 ms attack and an exponential decay
that ends in a fade to exactly zero, so no tone starts or ends with a click.
Deterministic: ``python -m massage_timer.audio.tones [folder]`` rewrites the files
and a test checks the shipped ones still equal this generator's output.
"""

from __future__ import annotations

import io
import math
import sys
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

from massage_timer.core.storage.files import atomic_write_bytes

SAMPLE_RATE = 44100
PEAK = 0.32
ATTACK = 0.006
RELEASE = 0.025


@dataclass(frozen=True)
class Note:
    start: float
    length: float
    frequency: float


C5, E5, G5, C6 = 523.25, 659.26, 783.99, 1046.50

TONES: dict[str, tuple[Note, ...]] = {
    "work-start": (Note(0.0, 0.16, C5), Note(0.09, 0.19, G5)),
    "work-end": (Note(0.0, 0.16, G5), Note(0.09, 0.19, C5)),
    "reminder": (Note(0.0, 0.2, E5), Note(0.16, 0.2, G5), Note(0.32, 0.3, C6)),
}


def _envelope(t: float, length: float) -> float:
    if t < 0 or t >= length:
        return 0.0
    attack = min(1.0, t / ATTACK)
    decay = math.exp(-4.0 * t / length)
    release = min(1.0, (length - t) / RELEASE)
    return attack * decay * release


def render(notes: tuple[Note, ...]) -> array[int]:
    """16-bit samples of the notes mixed together."""
    total = max(n.start + n.length for n in notes)
    count = round(total * SAMPLE_RATE)
    samples = array("h", bytes(2 * count))
    for i in range(count):
        t = i / SAMPLE_RATE
        value = 0.0
        for note in notes:
            local = t - note.start
            env = _envelope(local, note.length)
            if env:
                phase = 2 * math.pi * note.frequency * local
                value += env * (math.sin(phase) + 0.15 * math.sin(2 * phase))
        samples[i] = round(max(-1.0, min(1.0, value * PEAK / 1.15)) * 32767)
    return samples


def wav_bytes(name: str) -> bytes:
    """The WAV file content of tone ``name`` (44.1 kHz mono 16-bit)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        samples = render(TONES[name])
        if sys.byteorder == "big":
            samples.byteswap()
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


def write_all(folder: Path) -> list[Path]:
    written = []
    for name in TONES:
        path = folder / f"{name}.wav"
        atomic_write_bytes(path, wav_bytes(name), mode=0o644)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    from massage_timer.core.storage.resources import asset

    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else asset("sounds")
    for path in write_all(folder):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
