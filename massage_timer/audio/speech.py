"""Spoken cues rendered ahead of time: pyttsx3 -> WAV clips in the speech cache.

pyttsx3 runs in its own child process (``audio/speech_worker.py``, started with
``subprocess.Popen``), fed one line at a time by a supervisor thread over the child's
stdin and stdout, one JSON object per line each way. A process, not a thread, because
a hung synthesizer can then be killed and replaced, and its "Audio saved to ..."
prints go to the child's own stdout, which it points at /dev/null (its replies go
through a copy of that pipe taken first). Not ``multiprocessing``: that would bring
pickle and the rest of it into the UI process and start a resource-tracker process
beside the worker. The renderer factory is passed by its import name, with this
process's ``sys.path``, so it must be defined at the top level of an importable
module. The UI thread only queues lines (:meth:`SpeechSynth.prepare`) and looks up
finished clips (:meth:`SpeechSynth.clip_for`); neither waits.

Clips are cached under ``AppPaths.speech_cache_dir`` by a hash of text, voice, rate,
volume and engine, and are written atomically; a clip that is empty or silent counts
as a failed render and is not kept.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import math
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
import wave
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from massage_timer.core.model.language import N_, SOURCE, _, ngettext
from massage_timer.core.model.language import language as language_of
from massage_timer.core.storage.digest import sha256_hex
from massage_timer.core.storage.files import move_into_place

log = logging.getLogger("massage_timer.audio.speech")

MIN_RMS = 0.003
CACHE_LIMIT_BYTES = 150 * 1024 * 1024
"""The speech cache is pruned to this size, least recently used clips first."""
CACHE_KEEP_SECONDS = 24 * 3600
"""A clip used within this long is never pruned (a session or a preview may hold it)."""
RESTART_WINDOW = 600.0
"""Seconds within which :attr:`SpeechSynth.max_restarts` worker failures give up."""
DIED = "speech process died"
INSTALL_ESPEAK = N_(
    "Voice guidance needs the espeak-ng speech engine: install espeak-ng "
    "(e.g. 'sudo apt install espeak-ng'); the session continues with on-screen cues."
)


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    name: str
    languages: tuple[str, ...] = ()


class Renderer(Protocol):
    """A speech engine as seen by the worker process."""

    engine_id: str

    def voices(self) -> list[VoiceInfo]: ...

    def configure(self, voice: str | None, rate: int | None, volume: float) -> None: ...

    def render(self, text: str, path: Path) -> None: ...


RendererFactory = Callable[[], Renderer]


class Pyttsx3Renderer:
    """pyttsx3 (espeak-ng on Linux) writing each line with save_to_file + runAndWait."""

    def __init__(self) -> None:
        import pyttsx3

        self._engine: Any = pyttsx3.init()
        driver = type(self._engine.proxy._driver).__module__.rsplit(".", 1)[-1]
        self.engine_id = f"pyttsx3-{_version('pyttsx3')}-{driver}"

    def voices(self) -> list[VoiceInfo]:
        found = self._engine.getProperty("voices") or []
        return [
            VoiceInfo(
                str(v.id),
                str(v.name or v.id),
                tuple(str(lang) for lang in (v.languages or ()) if lang),
            )
            for v in found
        ]

    def configure(self, voice: str | None, rate: int | None, volume: float) -> None:
        if voice:
            self._engine.setProperty("voice", voice)
        if rate:
            self._engine.setProperty("rate", rate)
        self._engine.setProperty("volume", volume)
        # Property changes are queued: left for the first save_to_file's loop, they
        # made pyttsx3 2.99 skip that line and put the next one out of step.
        self._engine.runAndWait()
        # In about one worker in eight the rate took hold only during the first line,
        # which came out slower (7.7 s for a 5.3 s line at 300 words a minute): a
        # throwaway word is said first, so that every kept clip has the set rate.
        with tempfile.TemporaryDirectory(prefix="mt-voice-") as folder:
            self._engine.save_to_file("ready", str(Path(folder) / "warm.wav"))
            self._engine.runAndWait()

    def render(self, text: str, path: Path) -> None:
        self._engine.save_to_file(text, str(path))
        self._engine.runAndWait()
        if not path.exists():
            raise RuntimeError("the engine wrote no clip")


def pyttsx3_renderer() -> Renderer:
    return Pyttsx3Renderer()


def _version(dist: str) -> str:
    """The installed version of the package ``dist`` (its import name too).

    Read from the name of its ``dist-info`` folder beside the package, as pip installs
    it: ``importlib.metadata`` would bring email, csv and zipfile into the UI process
    (about 1 MB resident) for this one lookup, so it is only the fallback.
    """
    spec = importlib.util.find_spec(dist)
    if spec is not None and spec.origin:
        for info in Path(spec.origin).parent.parent.glob(f"{dist}-*.dist-info"):
            return info.name[len(dist) + 1:-len(".dist-info")]
    from importlib import metadata

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def unavailable_reason_for(error: BaseException) -> str:
    """A one-line notice a user can act on, for a synthesizer that cannot start."""
    text = str(error)
    if isinstance(error, ModuleNotFoundError) and "pyttsx3" in text:
        return _("Voice guidance needs the pyttsx3 package, which is not installed.")
    if "espeak" in text.lower() or isinstance(error, OSError):
        return _(INSTALL_ESPEAK)
    # TRANSLATORS: {error} is the technical error, in English.
    return _("The speech engine could not start ({error}).").format(
        error=f"{type(error).__name__}: {text[:120]}")


def wav_seconds(path: Path) -> float | None:
    """The length of the WAV clip at ``path`` in seconds, or None if it cannot be read."""
    try:
        with wave.open(str(path), "rb") as clip:
            return clip.getnframes() / clip.getframerate()
    except (OSError, EOFError, wave.Error, ZeroDivisionError):
        return None


def clip_problem(path: Path, *, listen: bool = True) -> str | None:
    """Why the WAV at ``path`` is not a usable clip, or None when it holds sound.

    ``listen=False`` checks only that the clip is whole (readable, not empty, all its
    frames there): enough for a clip from the cache, which was listened to when it was
    rendered. Listening (the RMS over every sample) is a Python loop of tens of
    milliseconds a clip, so it runs in the synthesizer's own process, right after the
    render, never beside the UI thread."""
    try:
        with wave.open(str(path), "rb") as clip:
            width, frames, channels = clip.getsampwidth(), clip.getnframes(), clip.getnchannels()
            if frames == 0:
                return "empty clip"
            if not listen:  # whole if its last frame is there: not read into memory
                clip.setpos(frames - 1)
                whole = len(clip.readframes(1)) == width * channels
            else:
                data = clip.readframes(frames)
                whole = len(data) >= frames * width * channels
    except (OSError, EOFError, wave.Error) as exc:
        return f"unreadable clip: {exc}"
    if width != 2:
        return f"unexpected sample width {width}"
    if not whole:
        return "truncated clip"
    if not listen:
        return None
    samples = array("h", data)
    if sys.byteorder == "big":
        samples.byteswap()
    rms = math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768
    return None if rms >= MIN_RMS else f"silent clip (RMS {rms:.5f})"


# --- the child process ---------------------------------------------------------------


def factory_name(factory: RendererFactory) -> str:
    """``module:qualname`` of ``factory``, by which the worker process imports it.

    Raises ValueError for a factory that cannot be imported by name there (a lambda,
    a nested function, a ``functools.partial``, one defined in a script run as
    ``__main__``)."""
    module = getattr(factory, "__module__", None)
    qualname = getattr(factory, "__qualname__", None)
    if module == "__main__":
        spec = getattr(sys.modules.get("__main__"), "__spec__", None)
        module = getattr(spec, "name", None)  # run with -m: importable by that name
    found: Any = sys.modules.get(module) if isinstance(module, str) else None
    for part in (qualname or "<none>").split("."):
        found = getattr(found, part, None)
    if found is not factory or not isinstance(module, str) or not isinstance(qualname, str):
        raise ValueError(
            f"the speech renderer factory {factory!r} must be a function or class defined "
            "at the top level of an importable module: the speech worker process imports "
            "it by name")
    return f"{module}:{qualname}"


def send_json_line(stream: IO[bytes], message: dict[str, Any]) -> None:
    """One message of the worker protocol, either way: a JSON object on a line of its own."""
    stream.write(json.dumps(message).encode("ascii") + b"\n")
    stream.flush()


def json_lines(stream: IO[bytes], sender: str) -> Iterator[dict[str, Any]]:
    """The worker protocol's messages on ``stream`` until it ends; a line that is not a
    JSON object is logged and skipped."""
    for line in stream:
        try:
            message = json.loads(line)
        except ValueError:
            message = None
        if isinstance(message, dict):
            yield message
        else:
            log.warning("%s sent %r", sender, line[:200])


WORKER_FLAG = "--speech-worker"
"""A bundle's executable run as the speech worker (its launcher, generated by
``packaging/massage-timer.spec``, dispatches this flag)."""


def worker_command() -> list[str]:
    """The command line that starts a speech worker process (``audio/speech_worker.py``).

    ``-P``: not the current folder first on its path (another checkout there would be
    imported instead of this package); it takes this process's ``sys.path`` once it runs."""
    if getattr(sys, "frozen", False):  # a bundle: its launcher dispatches the flag
        return [sys.executable, WORKER_FLAG]
    return [sys.executable, "-P", "-m", "massage_timer.audio.speech_worker"]


def _worker_env() -> dict[str, str] | None:
    """The worker's environment: this one, plus the folder this package was imported
    from when that is not an installed package's (a source checkout, a git worktree),
    so that ``-m`` finds this very package and not another copy."""
    if getattr(sys, "frozen", False):
        return None
    root = Path(__file__).resolve().parent.parent.parent
    if root.name in ("site-packages", "dist-packages"):
        return None
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(root), env.get("PYTHONPATH", "")) if p)
    return env


class _Worker:
    """One speech worker process, and a thread that reads its replies into a queue.

    The thread owns the reply pipe (closing it under a blocked read would wait for that
    read); it ends when the process does."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            close_fds=True, env=_worker_env(),
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._requests = self.process.stdin
        self._replies: queue.SimpleQueue[dict[str, Any] | None] = queue.SimpleQueue()
        self._next: list[dict[str, Any] | None] = []
        threading.Thread(target=self._read, args=(self.process.stdout,),
                         name="speech-replies", daemon=True).start()

    @property
    def pid(self) -> int:
        return self.process.pid

    def _read(self, stream: IO[bytes]) -> None:
        try:
            for reply in json_lines(stream, "speech worker"):
                self._replies.put(reply)
        except (OSError, ValueError):
            pass
        finally:
            self._replies.put(None)
            with contextlib.suppress(OSError):
                stream.close()

    def send(self, request: dict[str, Any]) -> None:
        """Raises OSError (BrokenPipeError) when the process has gone."""
        send_json_line(self._requests, request)

    def poll(self, timeout: float | None) -> bool:
        """Whether a reply (or the end of the pipe) is there, waiting up to ``timeout``."""
        if not self._next:
            try:
                self._next.append(self._replies.get(timeout=timeout))
            except queue.Empty:
                return False
        return True

    def recv(self) -> dict[str, Any]:
        """The next reply; raises EOFError once the process has gone."""
        self.poll(None)
        reply = self._next.pop()
        if reply is None:
            self._next.append(None)  # stays at the end
            raise EOFError("the speech worker has gone")
        return reply

    def stop(self, *, graceful: bool) -> None:
        """End the process and reap it: asked to quit, or killed at once."""
        if graceful:
            with contextlib.suppress(OSError):
                self.send({"quit": True})
        with contextlib.suppress(OSError):
            self._requests.close()  # its end of stdin: it exits even mid-render
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(0.5 if graceful else 0)
        self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.process.kill()
            try:
                self.process.wait(1.0)
            except subprocess.TimeoutExpired:
                log.warning("speech worker %d did not end after SIGKILL", self.pid)


# --- the supervisor ------------------------------------------------------------------


@dataclass
class SynthStats:
    rendered: int = 0
    cache_hits: int = 0
    failed: int = 0
    restarts: int = 0
    render_seconds: float = 0.0


def prune_cache(folder: Path, limit: int = CACHE_LIMIT_BYTES, *,
                now: float | None = None) -> int:
    """Delete the least recently used clips (by access time, which a cache hit sets)
    until ``folder`` holds at most ``limit`` bytes of them, and the render files a
    killed process left; return the bytes freed.

    Every voice, rate and edited instruction adds clips under new keys, and nothing
    else deletes them (one routine at six rates left 15.6 MB). A clip used in the last
    :data:`CACHE_KEEP_SECONDS` is kept whatever the size: a session may be playing it.
    """
    now = time.time() if now is None else now
    clips: list[tuple[float, int, Path]] = []
    freed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if not entry.name.endswith(".wav"):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if entry.name.endswith(".render.wav"):
            if now - info.st_mtime > 3600:  # no render takes an hour: a leftover
                with contextlib.suppress(OSError):
                    Path(entry.path).unlink()
                    freed += info.st_size
            continue
        clips.append((max(info.st_atime, info.st_mtime), info.st_size, Path(entry.path)))
    total = sum(size for _mtime, size, _path in clips)
    for used, size, path in sorted(clips):
        if total <= limit or now - used < CACHE_KEEP_SECONDS:
            break
        with contextlib.suppress(OSError):
            path.unlink()
            total -= size
            freed += size
    return freed


class SpeechSynth:
    """Renders lines to cached WAV clips in the background; never blocks its caller.

    ``prepare(lines)`` queues work; ``clip_for(text)`` answers from memory. When the
    engine cannot start, ``available()`` turns False and ``unavailable_reason`` says
    what to install. A render that raises or yields an empty/silent clip is counted
    as failed; one that takes longer than ``line_timeout`` also gets the process
    killed and replaced. ``on_clip_ready(text, path)``, ``on_unavailable(reason)``
    and ``on_voices(voices)`` (once the engine is up) are called from the supervisor
    thread. ``clip_seconds(text)`` gives a ready clip's real length, which the session
    plan uses for the get-ready times (``core.model.speech_timing``).
    """

    def __init__(
        self,
        cache_dir: Path,
        *,
        voice: str | None = None,
        rate: int | None = None,
        volume: float = 1.0,
        language: str = SOURCE,
        factory: RendererFactory = pyttsx3_renderer,
        engine_id: str | None = None,
        line_timeout: float = 5.0,
        start_timeout: float = 20.0,
        max_restarts: int = 3,
        on_clip_ready: Callable[[str, Path], None] | None = None,
        on_unavailable: Callable[[str], None] | None = None,
        on_voices: Callable[[list[VoiceInfo]], None] | None = None,
    ) -> None:
        self.cache_dir = cache_dir
        self.voice, self.rate, self.volume = voice, rate, volume
        self.language = language
        self._factory = factory_name(factory)
        self._engine_key = engine_id or f"pyttsx3-{_version('pyttsx3')}"
        self.line_timeout = line_timeout
        self.start_timeout = start_timeout
        self.max_restarts = max_restarts
        self.on_clip_ready = on_clip_ready
        self.on_unavailable = on_unavailable
        self.on_voices = on_voices
        self.stats = SynthStats()
        self.unavailable_reason: str | None = None
        self.last_error: str | None = None
        self._voices: list[VoiceInfo] = []
        self._ready: dict[str, Path] = {}
        self._seconds: dict[str, float] = {}
        self._failed: set[str] = set()
        self._restarts: list[float] = []  # monotonic times
        self._queued: set[str] = set()
        self._lock = threading.Lock()
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._started = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._closing = False
        self._worker: _Worker | None = None
        self._thread = threading.Thread(target=self._run, name="speech-synth", daemon=True)
        self._thread.start()

    # -- what the UI thread calls (all non-blocking) --

    def available(self) -> bool:
        return self.unavailable_reason is None

    @property
    def failure_notice(self) -> str | None:
        """One line for the user when speech is missing or some lines could not be made."""
        if self.unavailable_reason is not None:
            return self.unavailable_reason
        if self.stats.failed:
            return ngettext(
                "{count} spoken cue could not be made; its text still shows on screen.",
                "{count} spoken cues could not be made; their text still shows on screen.",
                self.stats.failed,
            ).format(count=self.stats.failed)
        return None

    def voices(self) -> list[VoiceInfo]:
        """The engine's voices, once it has started (empty before)."""
        return list(self._voices)

    def key_for(self, text: str) -> str:
        spec = [text, self.voice, self.rate, round(self.volume, 3), self._engine_key,
                self.language]
        return sha256_hex(json.dumps(spec).encode("utf-8"))[:32]

    def path_for(self, text: str) -> Path:
        return self.cache_dir / f"{self.key_for(text)}.wav"

    def prepare(self, lines: Iterable[str]) -> None:
        """Queue ``lines`` for rendering (cached ones are only looked up)."""
        with self._lock:
            for line in lines:
                if line in self._ready or line in self._queued or line in self._failed:
                    continue
                self._queued.add(line)
                self._idle.clear()
                self._queue.put(line)

    def clip_for(self, text: str) -> Path | None:
        """The finished clip for ``text``, or None if it is not ready (never waits)."""
        return self._ready.get(text)

    def clip_seconds(self, text: str) -> float | None:
        """How long the finished clip for ``text`` plays, or None if it is not ready."""
        return self._seconds.get(text)

    def wait_idle(self, timeout: float) -> bool:
        """Block until the queue is empty; for tests and command-line tools only."""
        return self._idle.wait(timeout)

    def wait_started(self, timeout: float) -> bool:
        """Block until the engine is up or known unavailable; not for the UI thread."""
        return self._started.wait(timeout)

    def close(self, timeout: float = 2.0) -> None:
        """Stop the worker; returns within about ``timeout`` even if the engine hangs."""
        self._closing = True
        self._queue.put(None)
        self._thread.join(timeout)
        worker = self._worker
        if worker is not None:
            worker.kill()

    # -- the supervisor thread --

    def _run(self) -> None:
        try:
            self._start_process()
            freed = prune_cache(self.cache_dir, CACHE_LIMIT_BYTES)
            if freed:
                log.info("speech cache pruned: %d bytes freed", freed)
            while True:
                text = self._queue.get()
                if text is None or self._closing:
                    break
                self._handle(text)
                with self._lock:
                    self._queued.discard(text)
                    if self._queue.empty():
                        self._idle.set()
        except Exception:
            log.exception("speech supervisor failed")
            self._mark_unavailable(_("The speech worker failed; see the log for details."))
        finally:
            self._started.set()
            self._stop_process()
            self._drain()

    def _drain(self) -> None:
        with self._lock:
            while True:
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    break
            self._queued.clear()
            self._idle.set()

    def _handle(self, text: str) -> None:
        path = self.path_for(text)
        if path.exists() and clip_problem(path, listen=False) is None:
            self.stats.cache_hits += 1
            with contextlib.suppress(OSError):
                # Used now (its access time; the clip itself is not written again): the
                # last the pruning would delete.
                os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns))
            self._publish(text, path)
            return
        if not self.available() or self._closing:
            return
        if self._worker is None and not self._restart():
            return
        tmp = self.cache_dir / f".{path.stem}.{os.getpid()}.render.wav"
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        began = time.monotonic()
        problem = self._render(text, tmp)
        if problem is not None and self._worker is None and not self._closing \
                and problem.startswith(DIED) and self._restart():
            # The process died under this line (killed, out of memory): the line did
            # nothing wrong, and set aside as failed it was never heard again this run.
            problem = self._render(text, tmp)
        if problem is None:
            try:
                move_into_place(tmp, path, mode=0o644)
            except OSError as exc:
                problem = f"the clip could not be kept ({exc})"
        if problem is None:
            self.stats.rendered += 1
            self.stats.render_seconds += time.monotonic() - began
        with contextlib.suppress(OSError):
            tmp.unlink()
        if problem is None:
            self._publish(text, path)
        else:
            self.stats.failed += 1
            self.last_error = f"{problem} for {text[:40]!r}"
            self._failed.add(text)
            log.warning("speech render failed: %s", self.last_error)

    def _publish(self, text: str, path: Path) -> None:
        seconds = wav_seconds(path)
        if seconds is not None:
            self._seconds[text] = seconds
        self._ready[text] = path
        if self.on_clip_ready is not None:
            self.on_clip_ready(text, path)

    def _render(self, text: str, tmp: Path) -> str | None:
        worker = self._worker
        assert worker is not None
        try:
            worker.send({"render": text, "path": str(tmp)})
            if not self._wait_for(worker, self.line_timeout):
                self._stop_process(graceful=False)
                if self._closing:
                    return "closed while rendering"
                return f"no answer within {self.line_timeout:g} s"
            reply = worker.recv()
        except (EOFError, OSError) as exc:
            self._stop_process()
            return f"{DIED} ({type(exc).__name__})"
        if reply.get("reply") == "ok":
            problem = reply.get("problem")
            return None if problem is None else str(problem)
        return str(reply.get("message"))

    def _wait_for(self, worker: _Worker, timeout: float) -> bool:
        """Wait for a reply in short slices, so that close() is never held up."""
        deadline = time.monotonic() + timeout
        while not self._closing:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if worker.poll(min(left, 0.05)):
                return True
        return False

    def _restart(self) -> bool:
        """Start the worker again, unless it has failed :attr:`max_restarts` times in
        the last :data:`RESTART_WINDOW` seconds (counted over the whole run, three
        unrelated deaths days apart turned speech off until the app restarted)."""
        now = time.monotonic()
        self._restarts = [t for t in self._restarts if now - t < RESTART_WINDOW]
        if len(self._restarts) >= self.max_restarts:
            self._mark_unavailable(_(
                "The speech engine keeps failing; the session continues with on-screen cues."
            ))
            return False
        self._restarts.append(now)
        self.stats.restarts += 1
        return self._start_process()

    def _start_process(self) -> bool:
        worker = self._worker = _Worker()
        try:
            worker.send({
                "factory": self._factory, "sys_path": list(sys.path), "voice": self.voice,
                "rate": self.rate, "volume": self.volume, "language": self.language,
            })
            if not self._wait_for(worker, self.start_timeout):
                self._stop_process(graceful=False)
                if not self._closing:
                    self._mark_unavailable(_("The speech engine did not start in time."))
                return False
            reply = worker.recv()
        except (EOFError, OSError):
            self._stop_process()
            self._mark_unavailable(_("The speech engine stopped while starting."))
            return False
        if reply.get("reply") == "no-voice":
            self._stop_process()
            self._mark_unavailable(_(
                "No installed voice speaks {language}: its text is shown but not spoken."
            ).format(language=language_of(str(reply.get("language"))).name))
            return False
        if reply.get("reply") != "ready":
            self._stop_process()
            self._mark_unavailable(str(reply.get("reason")))
            return False
        first = not self._voices
        self._voices = [
            VoiceInfo(str(v["id"]), str(v["name"]), tuple(str(x) for x in v["languages"]))
            for v in reply.get("voices", ())
        ]
        self._started.set()
        if first and self.on_voices is not None:
            self.on_voices(list(self._voices))
        return True

    def _mark_unavailable(self, reason: str) -> None:
        if self.unavailable_reason is None:
            self.unavailable_reason = reason
            log.warning("speech unavailable: %s", reason)
            self._started.set()
            if self.on_unavailable is not None:
                self.on_unavailable(reason)

    def _stop_process(self, *, graceful: bool = True) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop(graceful=graceful)
