"""Python's cycle collector, paused while the app starts.

Up to its first paint the app makes ~34 000 objects (modules, functions, PySide6's enum
classes, widgets) and lets go of almost none of them, while the collector walks them
~70 times: ~10 ms of a ~150 ms start (docs/performance.md). So the commands' entry
points (:mod:`massage_timer.__main__`) pause it before their first import, and the
start resumes it once its work is done: the app after its first paint and the deferred
start-up work (``ui/app.py``), a subcommand before it runs (``cli.py``).

Only a pause made here is resumed: a host that runs with the collector off (a test
harness, an embedding) keeps it off, and calling :func:`resume` without a pause, as the
tests do when they call ``cli.main`` in-process, changes nothing.
"""

from __future__ import annotations

import gc


class _Pause:
    made = False


_pause = _Pause()


def pause() -> None:
    """Turn the collector off until :func:`resume`, if it is on."""
    if gc.isenabled():
        gc.disable()
        _pause.made = True


def resume() -> None:
    """Turn the collector back on if :func:`pause` turned it off (idempotent)."""
    if _pause.made:
        _pause.made = False
        gc.enable()
