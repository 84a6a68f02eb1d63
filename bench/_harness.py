"""Shared scaffolding of the benchmarks that compare two steps in fresh processes."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

PROFILE = """
import json, resource, sys, time
import segwidgets as sw
engine = sys.argv[2] if len(sys.argv) > 2 else "auto"
t = time.perf_counter()
prof = sw.profile(sys.argv[1], segment="segment", engine=engine)
print(json.dumps({"seconds": time.perf_counter() - t, "rows": prof.rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "timings": prof.timings, "sample": prof.sample,
                  "f1": prof.quality.f1_weighted, "top": prof.top_features()}))
"""


# Arrow's default mimalloc pool asks for transparent huge pages; on this kind of VM the
# kernel's huge-page faults made one read of the same file take 0.3 s or 2.6 s (sys time
# 0.4 s to 4.5 s) at random. Both sides of every comparison run with the system allocator
# unless ARROW_DEFAULT_MEMORY_POOL is already set.
ARROW_POOL = os.environ.get("ARROW_DEFAULT_MEMORY_POOL", "system")


def arguments(rows: int, make: Callable[[Path, int], None]) -> argparse.Namespace | None:
    """``--rows`` and ``--repeats`` of a benchmark on a generated file.

    Called as ``--make PATH`` (by ``data_file`` in a child process), it writes the file with
    ``make`` instead and returns None.
    """
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=rows)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--make", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        make(Path(args.make), args.rows)
        return None
    return args


def run(script: str, path: Path, *args: str) -> dict:
    """Run ``script`` with ``path`` in a fresh Python; it prints one JSON line at the end."""
    env = os.environ | {"ARROW_DEFAULT_MEMORY_POOL": ARROW_POOL}
    out = subprocess.run(
        [sys.executable, "-c", script, str(path), *args],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@contextmanager
def data_file(script: Path, name: str, rows: int) -> Iterator[Path]:
    """A temporary data file made by ``script --make PATH --rows N`` in a child process.

    Made in a child so that this process stays small: a forked child inherits its parent's
    peak memory in ``ru_maxrss``, which would inflate every measurement after it.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        subprocess.run(
            [sys.executable, str(script), "--make", str(path), "--rows", str(rows)], check=True
        )
        yield path


def compare(
    path: Path, baseline: str, repeats: int, engine: str = "auto"
) -> tuple[list[dict], list[dict]]:
    """Run the baseline script and the segwidgets profile alternately, ``repeats`` times."""
    base, ours = [], []
    for _ in range(repeats):
        base.append(run(baseline, path))
        ours.append(run(PROFILE, path, engine))
    return base, ours


def median(runs: list[dict], key: str = "seconds") -> float:
    return statistics.median(r[key] for r in runs)


def peak(runs: list[dict]) -> float:
    return max(r["peak_mb"] for r in runs)


def report_profile(last: dict, fmt: Callable[[str], None] = print) -> None:
    fmt(f"Arrow memory pool in both processes: {ARROW_POOL}")
    fmt(f"stages: { {k: round(v, 2) for k, v in last['timings'].items()} }")
    fmt(f"sample: {last['sample']['description']} engine={last['sample'].get('engine')}")
    fmt(f"F1 {last['f1']:.3f}; top features {last['top']}")
