"""Plays cues through QtMultimedia: tones from ``assets/sounds``, speech from clips.

Every clip goes through a ``QSoundEffect`` (loaded off the UI thread by Qt, started
in well under a millisecond once loaded; see the measurements in the issue report).
Speech has one channel ruled by priority; tones have their own, so a tone never
cuts a line. Nothing here waits: a clip that is not ready is skipped, not delayed.
:class:`SessionSound` puts the player and the speech synthesiser behind the one
``CueOutput`` a session talks to.

No clip is left to end by itself. From Qt 6.10, a QSoundEffect voice that runs out
on the audio thread may be freed there, together with the eventfd and QSocketNotifier
it made on the UI thread: the fd is closed while the UI thread's dispatcher still
polls it, and the UI thread then spins on "QSocketNotifier: Invalid socket N ...".
So every clip loops, and a timer on the UI thread stops it just after its last
audible sample (in its silent tail, before the loop comes round): a stopped voice
goes back to the UI thread to be freed.

QtMultimedia connects to the sound server once per process and never notices when
that server dies or restarts: it goes on "playing" into the old connection. So the
player watches the server's socket, and when it is replaced says once that sound
is off until the app restarts, instead of pretending to play.

QtMultimedia runs without a backend plugin here (:func:`start_multimedia`): the app
only plays WAV files through ``QSoundEffect``, which needs none, and the FFmpeg
backend would map Qt Quick, Qml and libavcodec into the process for nothing.
"""

from __future__ import annotations

import logging
import os
import sys
import wave
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import (
    QCoreApplication,
    QFileSystemWatcher,
    QMessageLogContext,
    QObject,
    Qt,
    QTimer,
    QtMsgType,
    QUrl,
    Signal,
    qFormatLogMessage,
    qInstallMessageHandler,
)
from PySide6.QtMultimedia import QAudioDevice, QMediaDevices, QSoundEffect
from shiboken6 import isValid

from massage_timer.core.model.cues import (
    TONE_REMINDER,
    TONE_WORK_END,
    TONE_WORK_START,
    Cue,
    CueKind,
)
from massage_timer.core.model.language import N_, _
from massage_timer.core.storage.resources import asset

log = logging.getLogger("massage_timer.audio.playback")

NO_OUTPUT = N_("No sound output was found; the session continues with on-screen cues.")
"""Marked, English: :meth:`CuePlayer.problem` gives it in the current language."""
SERVER_LOST = N_(
    "The sound server stopped or restarted; sound is off until Massage Timer is "
    "restarted. The session continues with on-screen cues."
)
MAX_PLAYED_BYTES = 192 * 1024
"""WAV bytes of speech clips kept loaded once played, besides the line being said: about
4.5 s of espeak-ng's 22 kHz 16-bit speech, which ``QSoundEffect`` holds decoded at twice
that. At the default voice rate the short lines that come back (the counts, a stroke's
cue, "Switch sides": ~180 KB together) stay loaded; a long instruction is dropped soon
after it has played, and loaded again (a few milliseconds, off the UI thread) if it
returns, as the counts are at the slowest rate (~73 KB each there). Without this bound a whole
routine kept every line it had said: ~1 MB a step; at 512 KiB the session's peak was
0.65 MB higher than at 128 KiB (docs/performance.md, "Session peak memory")."""
# A clip is stopped this long after its last audible sample, and at least this long
# before its end: the audio thread reads ahead of the UI thread's clock by a buffer.
KEEP_AFTER_SOUND = 0.06
STOP_BEFORE_END = 0.025
AUDIBLE = 0.01


class ClipSource(Protocol):
    """Where finished speech clips come from (``SpeechSynth``, or a fake).

    An optional ``failure_notice`` attribute, when present, also feeds ``problem()``.
    """

    @property
    def unavailable_reason(self) -> str | None: ...

    def clip_for(self, text: str) -> Path | None: ...


NO_BACKEND_WARNING = "No QtMultimedia backends found."
"""How Qt starts the warning it gives when it finds no backend plugin, as intended here."""


@contextmanager
def no_backend_plugins() -> Iterator[None]:
    """Hide Qt's plugin folders (and the "no backends" warning) while QtMultimedia
    picks its backend, so that it picks none.

    QtMultimedia makes its one integration per process the first time any of its
    objects asks for it, and then loads a backend plugin (FFmpeg: Qt Quick, Qml,
    libavcodec and more, 12-20 MB resident). ``QMediaDevices``, ``QAudioDevice`` and
    ``QSoundEffect``, all the app uses, work without one. The plugin folders are given
    back at once: image formats, platform themes and the rest keep loading from them.
    """
    paths = QCoreApplication.libraryPaths()
    previous: Callable[[QtMsgType, QMessageLogContext, str], object] | None = None

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message.startswith(NO_BACKEND_WARNING):
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            sys.stderr.write(qFormatLogMessage(kind, context, message) + "\n")

    previous = qInstallMessageHandler(handler)
    QCoreApplication.setLibraryPaths([])
    try:
        yield
    finally:
        QCoreApplication.setLibraryPaths(paths)
        qInstallMessageHandler(previous)


@cache
def start_multimedia() -> None:
    """Make QtMultimedia's integration without a backend plugin (see
    :func:`no_backend_plugins`); call before any other QtMultimedia use. Runs once."""
    with no_backend_plugins():
        QMediaDevices.defaultAudioOutput()


def tone_path(name: str) -> Path:
    return asset("sounds", f"{name}.wav")


def stop_point(path: Path) -> float | None:
    """Seconds into the WAV at ``path`` at which to stop it, or None if unreadable.

    Reads the clip's silent tail only, from the end in chunks of :data:`TAIL_FRAMES`:
    a long line is never held twice more in memory while Qt loads it (about 0.4 ms
    for a 3-second line, once per clip when it is first loaded).
    """
    try:
        with wave.open(str(path), "rb") as clip:
            rate, width, channels = clip.getframerate(), clip.getsampwidth(), clip.getnchannels()
            frames = clip.getnframes()
            if rate <= 0 or frames == 0:
                return None
            last = _last_audible_frame(clip, frames, channels) if width == 2 else frames
    except (OSError, EOFError, wave.Error):
        return None
    length = frames / rate
    return max(0.0, min(length - STOP_BEFORE_END, last / rate + KEEP_AFTER_SOUND))


TAIL_FRAMES = 4096
"""Frames read at a time from a clip's end (0.19 s of 22 kHz speech, 8 KB)."""


def _last_audible_frame(clip: wave.Wave_read, frames: int, channels: int) -> int:
    """The last frame of 16-bit ``clip`` with a sample above :data:`AUDIBLE` (0 if none)."""
    loud = AUDIBLE * 32768
    end = frames
    while end > 0:
        start = max(0, end - TAIL_FRAMES)
        clip.setpos(start)
        samples = array("h", clip.readframes(end - start))
        if sys.byteorder == "big":
            samples.byteswap()
        index = len(samples) - 1
        while index >= 0 and abs(samples[index]) < loud:
            index -= 1
        if index >= 0:
            return start + index // channels
        end = start
    return 0


def sound_server_socket() -> Path | None:
    """The PulseAudio (or pipewire-pulse) socket QtMultimedia connects to, if local."""
    server = os.environ.get("PULSE_SERVER", "")
    if server:
        return Path(server[len("unix:"):]) if server.startswith("unix:") else None
    runtime = os.environ.get("PULSE_RUNTIME_PATH")
    if runtime:
        return Path(runtime) / "native"
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    return Path(xdg) / "pulse" / "native" if xdg else None


def _identity(socket: Path) -> tuple[int, int, str] | None:
    """Which server instance owns ``socket``: the socket file, and PulseAudio's pid file
    next to it (rewritten even when systemd keeps the socket across restarts)."""
    try:
        info = socket.stat()
    except OSError:
        return None
    try:
        pid = (socket.parent / "pid").read_text(errors="replace")[:32]
    except OSError:
        pid = ""
    return info.st_dev, info.st_ino, pid


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _default_effect(parent: QObject) -> QSoundEffect:
    return QSoundEffect(QMediaDevices.defaultAudioOutput(), parent)


class LineRenderer(Protocol):
    """What renders lines ahead of time (``SpeechSynth``, or a fake)."""

    def prepare(self, lines: Iterable[str]) -> None: ...


class CuePlayer(QObject):
    """Plays :class:`Cue` objects as they come; a session reaches it via :class:`SessionSound`.

    Signals:
        cueStarted(str): a line or tone began to play (its text or tone name).
        cueSkipped(str): a line had no clip ready, or there is no sound output.
        cueDropped(str): a line arrived while a higher-priority line was playing.
        problemChanged(str): the one-line notice changed ("" when all is well).
    """

    cueStarted = Signal(str)
    cueSkipped = Signal(str)
    cueDropped = Signal(str)
    problemChanged = Signal(str)

    def __init__(
        self,
        clips: ClipSource | None = None,
        *,
        volume: float = 1.0,
        outputs: Callable[[], Sequence[QAudioDevice]] | None = None,
        effect_factory: Callable[[QObject], QSoundEffect] | None = None,
        server_socket: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        start_multimedia()
        self._new_effect = effect_factory or _default_effect
        self._clips = clips
        self._volume = volume
        self._outputs = outputs or QMediaDevices.audioOutputs
        self._devices = QMediaDevices(self)
        self._devices.audioOutputsChanged.connect(self._on_outputs_changed)
        self._effects: OrderedDict[Path, QSoundEffect] = OrderedDict()
        self._played: dict[Path, int] = {}
        self._speaking: tuple[Cue, QSoundEffect] | None = None
        self._server_lost = False
        self._watch_server(server_socket or sound_server_socket())
        self._has_output = bool(self._outputs())
        self._problem = self._current_problem()
        if self._has_output:
            for name in (TONE_WORK_START, TONE_WORK_END, TONE_REMINDER):
                self._effect(tone_path(name))

    def play(self, cue: Cue) -> None:
        if cue.kind is CueKind.TONE:
            self._play_tone(cue)
        else:
            self._play_speech(cue)

    def stop(self) -> None:
        """Silence everything at once."""
        self._speaking = None
        for effect in self._effects.values():
            if effect.isPlaying() or effect.status() is QSoundEffect.Status.Loading:
                effect.stop()

    def problem(self) -> str | None:
        """One-line notice of what is missing for sound, or None."""
        return self._problem

    @property
    def has_output(self) -> bool:
        """Whether there is an audio output to play on (a sound server and a device)."""
        return self._has_output

    def set_volume(self, volume: float) -> None:
        self._volume = max(0.0, min(1.0, volume))
        for effect in self._effects.values():
            effect.setVolume(self._volume)

    def volume(self) -> float:
        return self._volume

    def is_speaking(self) -> bool:
        return self._speaking is not None and self._is_active(self._speaking[1])

    def preload(self, paths: Sequence[Path]) -> None:
        """Start loading clips that will be needed soon (returns at once); each stays
        loaded until it has played."""
        if self._has_output:
            for path in paths:
                self._effect(path)

    # -- internals --

    def _play_tone(self, cue: Cue) -> None:
        if not self._has_output:
            return
        effect = self._effect(tone_path(cue.text))
        effect.stop()
        effect.play()
        self.cueStarted.emit(cue.text)

    def _play_speech(self, cue: Cue) -> None:
        path = self._clips.clip_for(cue.text) if self._clips is not None else None
        self._refresh_problem()
        if not self._has_output or path is None:
            self.cueSkipped.emit(cue.text)
            return
        if self._speaking is not None:
            current, effect = self._speaking
            if self._is_active(effect):
                if current.priority > cue.priority:
                    self.cueDropped.emit(cue.text)
                    return
                effect.stop()
        effect = self._effect(path)
        effect.play()
        self._speaking = (cue, effect)
        if path not in self._played:
            self._played[path] = _size(path)
            self._evict()
        self.cueStarted.emit(cue.text)

    def _is_active(self, effect: QSoundEffect) -> bool:
        """Playing, or the line being said and still loading: Qt holds a play asked for
        while a clip loads until it is loaded, and reports it as neither playing nor
        looping until then."""
        if effect.isPlaying():
            return True
        return (self._speaking is not None and self._speaking[1] is effect
                and effect.status() is QSoundEffect.Status.Loading)

    def _effect(self, path: Path) -> QSoundEffect:
        effect = self._effects.get(path)
        if effect is not None:
            self._effects.move_to_end(path)
            return effect
        effect = self._new_effect(self)
        effect.setVolume(self._volume)
        self._stop_at_end(effect, path)
        effect.setSource(QUrl.fromLocalFile(str(path)))
        effect.statusChanged.connect(lambda: self._on_status_changed(effect, path))
        self._effects[path] = effect
        return effect

    def _stop_at_end(self, effect: QSoundEffect, path: Path) -> None:
        """Loop ``effect`` and stop each play of it from the UI thread (module docstring)."""
        seconds = stop_point(path)
        if seconds is None:
            return
        effect.setLoopCount(QSoundEffect.Loop.Infinite.value)
        timer = QTimer(effect)
        timer.setObjectName("clip-end")
        timer.setSingleShot(True)
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(round(seconds * 1000))
        timer.timeout.connect(effect.stop)

        def on_playing_changed() -> None:
            if not isValid(effect):
                return  # reported from its destructor: the timer, its child, goes with it
            if effect.isPlaying():
                timer.start()
            else:
                timer.stop()

        effect.playingChanged.connect(on_playing_changed)

    def _evict(self) -> None:
        """Unload the least recently used played clips past :data:`MAX_PLAYED_BYTES`,
        never the line being said (it may still be loading; the next line asks whether
        it plays) nor one that is playing; tones are never counted."""
        total = sum(self._played.values())
        speaking = self._speaking[1] if self._speaking is not None else None
        for path in list(self._effects):
            if total <= MAX_PLAYED_BYTES:
                break
            effect = self._effects[path]
            if path not in self._played or effect is speaking or effect.isPlaying():
                continue
            total -= self._played.pop(path)
            del self._effects[path]
            effect.deleteLater()

    def _on_status_changed(self, effect: QSoundEffect, path: Path) -> None:
        if effect.status() is QSoundEffect.Status.Error:
            log.warning("cannot play %s", path)
            if self._speaking is not None and self._speaking[1] is effect:
                self.cueSkipped.emit(self._speaking[0].text)
                self._speaking = None
            self._effects.pop(path, None)
            self._played.pop(path, None)
            effect.deleteLater()

    def _on_outputs_changed(self) -> None:
        self.stop()
        for effect in self._effects.values():
            effect.deleteLater()
        self._effects.clear()
        self._played.clear()
        self._has_output = not self._server_lost and bool(self._outputs())
        self._refresh_problem()

    def _watch_server(self, socket: Path | None) -> None:
        """Notice the sound server's socket being replaced (inotify, no polling)."""
        identity = _identity(socket) if socket is not None else None
        if socket is None or identity is None:
            return
        watcher = QFileSystemWatcher([str(socket.parent)], self)

        def on_change() -> None:
            if self._server_lost or _identity(socket) == identity:
                return
            log.warning("the sound server at %s went away or restarted", socket)
            self._server_lost = True
            watcher.removePaths(watcher.directories())
            self._on_outputs_changed()

        watcher.directoryChanged.connect(on_change)

    def _current_problem(self) -> str | None:
        if self._server_lost:
            return _(SERVER_LOST)
        if not self._has_output:
            return _(NO_OUTPUT)
        if self._clips is None:
            return None
        notice: str | None = getattr(self._clips, "failure_notice", None)
        return self._clips.unavailable_reason or notice

    def _refresh_problem(self) -> None:
        problem = self._current_problem()
        if problem != self._problem:
            self._problem = problem
            self.problemChanged.emit(problem or "")


class SessionSound:
    """The ``CueOutput`` of a session: one handle over the player and the speech.

    Lines are rendered by ``renderer`` (None when the voice is off) and played by
    ``player``; :meth:`problem` is the player's notice, for the player window.
    """

    def __init__(self, player: CuePlayer, renderer: LineRenderer | None = None) -> None:
        self.player = player
        self._renderer = renderer

    def prepare(self, lines: Sequence[str]) -> None:
        if self._renderer is not None:
            self._renderer.prepare(lines)

    def play(self, cue: Cue) -> None:
        self.player.play(cue)

    def silence(self) -> None:
        """A paused cue is not resumed mid-word: pause and stop both cut everything."""
        self.player.stop()

    def problem(self) -> str | None:
        return self.player.problem()
