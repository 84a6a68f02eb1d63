"""1M rows x 15 columns CSV: whole profile vs merely reading the file with pandas+pyarrow.

Each measurement runs in its own fresh Python process so peak memory (ru_maxrss) belongs to
that step alone; the two are run alternately, and the median is reported.

    python bench/bench_scale.py [--rows 1000000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import segwidgets as sw

READ = """
import json, resource, sys, time
import pandas as pd
t = time.perf_counter()
df = pd.read_csv(sys.argv[1], engine="pyarrow")
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "rows": len(df)}))
"""

PROFILE = """
import json, resource, sys, time
import segwidgets as sw
t = time.perf_counter()
prof = sw.profile(sys.argv[1], segment="segment")
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "rows": prof.rows,
                  "timings": prof.timings, "sample": prof.sample,
                  "f1": prof.quality.f1_weighted, "top": prof.top_features()}))
"""


def make_csv(path: Path, rows: int) -> None:
    frame = sw.datasets.demo_customers(n=rows, random_state=0)
    frame["store_visits_30d"] = np.random.default_rng(1).poisson(2.0, rows)  # 15th column
    frame.to_csv(path, index=False)


def run(script: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--make", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        make_csv(Path(args.make), args.rows)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "customers.csv"
        # made in a child process: a big parent would lend its peak memory to every child
        subprocess.run(
            [sys.executable, __file__, "--make", str(path), "--rows", str(args.rows)], check=True
        )
        size_mb = path.stat().st_size / 1e6
        reads, profiles = [], []
        for _ in range(args.repeats):
            reads.append(run(READ, path))
            profiles.append(run(PROFILE, path))
    read_t = statistics.median(r["seconds"] for r in reads)
    prof_t = statistics.median(p["seconds"] for p in profiles)
    last = profiles[-1]
    print(f"file: {args.rows:,} rows x 15 columns, {size_mb:.0f} MB CSV; median of {args.repeats}")
    print(f"pandas+pyarrow read : {read_t:6.2f} s  peak {max(r['peak_mb'] for r in reads):,.0f} MB")
    print(
        f"segwidgets profile  : {prof_t:6.2f} s  peak {max(p['peak_mb'] for p in profiles):,.0f} MB"
    )
    print(f"ratio               : {prof_t / read_t:.1f}x the read   (goal <= 8x)")
    print("peak memory goal    : <= 1,536 MB")
    print(f"stages: { {k: round(v, 2) for k, v in last['timings'].items()} }")
    print(f"sample: {last['sample']['description']}")
    print(f"F1 {last['f1']:.3f}; top features {last['top']}")


if __name__ == "__main__":
    main()
