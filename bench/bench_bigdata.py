"""10M rows x 15 columns in Parquet, profiled through DuckDB: time and peak memory.

The baseline is one bare per-segment scan of the same file in DuckDB (count and mean of one
column by segment). Each measurement runs in a fresh process so its peak memory is its own.

    python bench/bench_bigdata.py [--rows 10000000] [--repeats 3]
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
import pandas as pd

import segwidgets as sw

SCAN = """
import json, resource, sys, time
import duckdb
con = duckdb.connect(config={"threads": 2})
t = time.perf_counter()
query = "SELECT segment, count(*), avg(orders_12m) FROM read_parquet(?) GROUP BY 1"
con.execute(query, [sys.argv[1]]).fetchall()
print(json.dumps({"seconds": time.perf_counter() - t,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

PROFILE = """
import json, resource, sys, time
import segwidgets as sw
t = time.perf_counter()
prof = sw.profile(sys.argv[1], segment="segment")
print(json.dumps({"seconds": time.perf_counter() - t, "rows": prof.rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "timings": prof.timings, "sample": prof.sample,
                  "f1": prof.quality.f1_weighted, "top": prof.top_features()}))
"""


def make_parquet(path: Path, rows: int) -> None:
    chunk = 1_000_000
    parts = []
    for i, start in enumerate(range(0, rows, chunk)):
        n = min(chunk, rows - start)
        frame = sw.datasets.demo_customers(n=n, random_state=i)
        frame["customer_id"] = [f"C{start + j:09d}" for j in range(n)]
        frame["store_visits_30d"] = np.random.default_rng(i).poisson(2.0, n)
        parts.append(frame)
    pd.concat(parts, ignore_index=True).to_parquet(path, index=False, row_group_size=500_000)


def run(script: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--make", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        make_parquet(Path(args.make), args.rows)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "customers.parquet"
        # made in a child process: a big parent would lend its peak memory to every child
        subprocess.run(
            [sys.executable, __file__, "--make", str(path), "--rows", str(args.rows)], check=True
        )
        size_mb = path.stat().st_size / 1e6
        scans, profiles = [], []
        for _ in range(args.repeats):
            scans.append(run(SCAN, path))
            profiles.append(run(PROFILE, path))
    scan_t = statistics.median(s["seconds"] for s in scans)
    prof_t = statistics.median(p["seconds"] for p in profiles)
    last = profiles[-1]
    print(
        f"file: {last['rows']:,} rows x 15 columns, {size_mb:.0f} MB Parquet; "
        f"median of {args.repeats}"
    )
    print(f"bare DuckDB scan by segment : {scan_t:6.2f} s")
    print(
        f"segwidgets profile (DuckDB) : {prof_t:6.2f} s  = {prof_t / scan_t:.0f}x the scan"
        "   (goal <= 60x)"
    )
    print(
        f"peak memory of the profile  : {max(p['peak_mb'] for p in profiles):,.0f} MB"
        "   (goal <= 2,048 MB)"
    )
    print(f"stages: { {k: round(v, 2) for k, v in last['timings'].items()} }")
    print(f"sample: {last['sample']['description']} engine={last['sample']['engine']}")
    print(f"F1 {last['f1']:.3f}; top features {last['top']}")


if __name__ == "__main__":
    main()
