"""Time to load and validate a folder of routine files, as the library window does.

Generates ``--count`` valid routine files (copies of the shipped routines with
unique ids, so the content is realistic) in a temporary user routine folder and
times :func:`load_library` over it, median of ``--repeat`` runs. The built-in
routines are loaded too, as at startup. ``load_ms`` reads and validates every file,
as every start does. Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from massage_timer.core.storage.loader import load_library
from massage_timer.core.storage.paths import AppPaths
from massage_timer.core.storage.resources import builtin_routines_dir


def generate(folder: Path, count: int) -> int:
    """Write ``count`` valid routines; returns the total bytes written."""
    templates = sorted(builtin_routines_dir().glob("*.toml"))
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(count):
        text = templates[i % len(templates)].read_text(encoding="utf-8")
        text, n = re.subn(r'^id = "([a-z0-9-]+)"', rf'id = "\1-bench-{i}"', text, count=1,
                          flags=re.M)
        assert n == 1, "every shipped routine starts with an id line"
        data = text.encode("utf-8")
        (folder / f"bench-{i:04d}.toml").write_bytes(data)
        total += len(data)
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mt-bench-library-") as tmp:
        paths = AppPaths.portable(Path(tmp))
        size = generate(paths.user_routines_dir, args.count)
        builtin = len(list(builtin_routines_dir().glob("*.toml")))
        load_library(paths)  # warm imports and the page cache
        times: list[float] = []
        for _ in range(args.repeat):
            began = time.perf_counter()
            library = load_library(paths)
            times.append((time.perf_counter() - began) * 1000)
        expected = args.count + builtin
        if library.errors or len(library.routines) != expected:
            print(f"unexpected load result: {library.errors[:3]}", file=sys.stderr)
            return 1
        load_ms = statistics.median(times)
        result = {
            "files": args.count,
            "builtin_files": builtin,
            "bytes": size,
            "load_ms": round(load_ms, 2),
            "load_ms_min": round(min(times), 2),
            "per_file_ms": round(load_ms / expected, 4),
            "repeat": args.repeat,
            "targets": {"load_ms": 500},
        }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
