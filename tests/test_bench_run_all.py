"""bench/run_all.py streams a benchmark's output and keeps only a capped tail of it.

Once, a benchmark child wrote the same Qt warning without end, and the runner, which
then captured all of it in memory, grew by ~250 MB a minute. Here a child floods its
stderr with 64 MiB of that warning: the runner must stay small, pass on a capped
share line by line, still read the figures from the last stdout line, and kill a
child that outlives its timeout.
"""

from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import run_all  # noqa: E402

FLOOD_MIB = 64
WARNING = "QSocketNotifier: Invalid socket 16 and type 'Read', disabling..."

FLOOD = textwrap.dedent(f"""
    import json, sys
    line = ({WARNING!r} + "\\n").encode()
    block = line * (65536 // len(line))
    written = 0
    while written < {FLOOD_MIB} * 1024 * 1024:
        sys.stderr.buffer.write(block)
        written += len(block)
    sys.stderr.flush()
    print("some progress")
    print(json.dumps({{"figure": 42, "flooded": written}}))
""")


def test_tail_keeps_only_the_last_bytes() -> None:
    tail = run_all.Tail(limit=1000)
    data = bytes(range(256)) * 100
    for size in (1, 7, 999, 1000, 1001, 5000):
        tail.feed(data[:size])
    tail.feed(b"the end")
    assert tail.total == sum((1, 7, 999, 1000, 1001, 5000)) + 7
    text = tail.text()
    assert len(text.encode(errors="replace")) <= 1000 * 3  # replacement chars may widen
    assert text.endswith("the end")
    assert sum(len(c) for c in tail._chunks) <= 2000


def test_forward_passes_whole_lines_up_to_a_budget_then_says_what_it_left_out() -> None:
    out = io.StringIO()
    forward = run_all.Forward(out, "[x] ", budget=46)
    forward.feed(b"one\ntw")
    forward.feed(b"o\nthree\n")
    forward.feed(b"a line that does not fit in what is left\nfour")
    forward.close()
    assert out.getvalue().splitlines() == [
        "[x] one", "[x] two", "[x] three", "[x] four",
        "[x] ... 41 more bytes of output left out",
    ]


def _runner_code(script: Path, sink: Path) -> str:
    return textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(REPO / "bench")!r})
        import run_all
        with open({str(sink)!r}, "w") as out:
            run = run_all.run_child([sys.executable, {str(script)!r}], timeout=120,
                                    label="flood", out=out)
        print(json.dumps({{
            "returncode": run.returncode, "last": run.stdout.strip().splitlines()[-1],
            "stderr_kept": len(run.stderr), "stderr_bytes": run.stderr_bytes,
            "timed_out": run.timed_out,
            # VmHWM, not ru_maxrss: that one keeps the forking pytest's peak across exec.
            "peak_rss_kb": next(int(line.split()[1]) for line in open("/proc/self/status")
                                if line.startswith("VmHWM:")),
        }}))
    """)


def test_a_runaway_child_costs_the_runner_no_memory(tmp_path: Path) -> None:
    script = tmp_path / "flood.py"
    script.write_text(FLOOD)
    sink = tmp_path / "forwarded.log"
    runner = subprocess.Popen([sys.executable, "-c", _runner_code(script, sink)],
                              stdout=subprocess.PIPE, text=True)
    stdout, _ = runner.communicate(timeout=180)
    assert runner.returncode == 0, stdout
    result = json.loads(stdout.strip().splitlines()[-1])
    print(result)
    assert result["returncode"] == 0 and not result["timed_out"], result
    assert json.loads(result["last"])["figure"] == 42
    assert result["stderr_bytes"] >= FLOOD_MIB * 1024 * 1024
    assert result["stderr_kept"] <= run_all.TAIL_BYTES
    # Capturing the flood would need > 64 MiB; the runner itself is a small Python.
    assert result["peak_rss_kb"] < 48 * 1024, result
    forwarded = sink.read_text().splitlines()
    assert forwarded[0] == f"[flood] {WARNING}"
    assert sink.stat().st_size <= run_all.FORWARD_BYTES + 4096
    assert forwarded[-1].startswith("[flood] ... ")
    assert forwarded[-1].endswith("more bytes of output left out")


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="POSIX process groups")
def test_a_child_past_its_timeout_is_killed_with_its_own_children(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    script = tmp_path / "hang.py"
    script.write_text(textwrap.dedent(f"""
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
        open({str(pid_file)!r}, "w").write(str(child.pid))
        print("started", file=sys.stderr, flush=True)
        time.sleep(300)
    """))
    out = io.StringIO()
    run = run_all.run_child([sys.executable, str(script)], timeout=3, label="hang", out=out)
    assert run.timed_out
    assert "[hang] started" in out.getvalue()
    grandchild = int(pid_file.read_text())
    # Killed with the group (SIGKILL is delivered, not instant: wait for the exit).
    try:
        pidfd = os.pidfd_open(grandchild)
    except ProcessLookupError:
        return
    try:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        assert poller.poll(10_000), f"the grandchild {grandchild} still runs"
    finally:
        os.close(pidfd)
