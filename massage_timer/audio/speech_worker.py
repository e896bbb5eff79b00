"""The speech synthesizer's own process, started by ``audio.speech.SpeechSynth``.

Run as ``python -m massage_timer.audio.speech_worker`` (a bundle: ``massage-timer
--speech-worker``). It talks to its parent in JSON, one object per line each way:

- on stdin, first the start line ``{"factory": "module:qualname", "sys_path": [...],
  "voice": ..., "rate": ..., "volume": ..., "language": ...}``, then one request per
  line: ``{"render": text, "path": path}``, or ``{"quit": true}``;
- on what was stdout, one reply per request: first ``{"reply": "ready", "engine": id,
  "voices": [{"id", "name", "languages"}, ...]}``, ``{"reply": "no-voice", "language":
  code}`` or ``{"reply": "unavailable", "reason": text}``; then per line ``{"reply":
  "ok", "problem": null or text}`` or ``{"reply": "error", "message": text}``.

The reply pipe is a copy of fd 1 taken first thing; fd 1 itself then points at
/dev/null, where pyttsx3's "Audio saved to ..." prints go. stderr is the parent's.
The end of stdin (the parent quit or died) ends the process at once, even in the
middle of a render that hangs.
"""

from __future__ import annotations

import importlib
import json
import os
import queue
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, cast

from massage_timer.audio.speech import (
    Renderer,
    clip_problem,
    json_lines,
    send_json_line,
    unavailable_reason_for,
)
from massage_timer.audio.voices import NoVoiceError, choose_voice
from massage_timer.core.model.language import SOURCE


def import_factory(name: str) -> Callable[[], Renderer]:
    """The renderer factory named ``module:qualname``."""
    module, _sep, qualname = name.partition(":")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return cast(Callable[[], Renderer], found)


def _read_requests(stdin: IO[bytes], requests: queue.SimpleQueue[dict[str, Any]]) -> None:
    """Pass each request on; at the end of stdin, end the whole process there and then."""
    try:
        for request in json_lines(stdin, "the app"):
            requests.put(request)
    finally:
        os._exit(0)


def serve(stdin: IO[bytes], replies: IO[bytes]) -> int:
    """Init the engine, pick the voice for the language, announce, then render on request."""
    first = stdin.readline()
    if not first:
        return 0
    start = json.loads(first)
    sys.path[:] = [str(entry) for entry in start.get("sys_path", sys.path)]
    language = str(start.get("language") or SOURCE)
    try:
        renderer = import_factory(str(start["factory"]))()
        voices = renderer.voices()
        try:
            chosen = choose_voice(voices, start.get("voice"), language)
        except NoVoiceError:
            send_json_line(replies, {"reply": "no-voice", "language": language})
            return 0
        renderer.configure(chosen, start.get("rate"), float(start.get("volume", 1.0)))
    except BaseException as exc:
        send_json_line(replies, {"reply": "unavailable", "reason": unavailable_reason_for(exc)})
        return 0
    send_json_line(replies, {
        "reply": "ready", "engine": renderer.engine_id,
        "voices": [{"id": v.id, "name": v.name, "languages": list(v.languages)}
                   for v in voices],
    })
    requests: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()
    threading.Thread(target=_read_requests, args=(stdin, requests), name="speech-requests",
                     daemon=True).start()
    while True:
        request = requests.get()
        if request.get("quit"):
            return 0
        path = Path(str(request["path"]))
        try:
            renderer.render(str(request["render"]), path)
        except Exception as exc:
            send_json_line(replies, {"reply": "error", "message": f"{type(exc).__name__}: {exc}"})
        else:
            send_json_line(replies, {"reply": "ok", "problem": clip_problem(path)})


def main() -> int:
    # Ctrl+C in a terminal reaches the whole process group: the parent decides when
    # this process ends (a quit request, or the end of stdin).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    replies = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115, PTH123
    return serve(sys.stdin.buffer, replies)


if __name__ == "__main__":
    sys.exit(main())
