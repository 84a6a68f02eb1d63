"""10M rows x 15 columns in Parquet, profiled through DuckDB: time and peak memory.

The baseline is a bare per-segment scan of the same file in DuckDB, measured two ways: count
and mean of one column by segment (reads 2 of the 15 columns), and a count of every column
by segment (reads the whole file). Each measurement runs in a fresh process so its peak
memory is its own.

    python bench/bench_bigdata.py [--rows 10000000] [--repeats 3]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from _harness import PROFILE, arguments, compare, data_file, median, peak, report_profile, run

import segwidgets as sw

SCAN = """
import json, resource, sys, time
import duckdb
con = duckdb.connect(config={"threads": 2})
source = f"read_parquet('{sys.argv[1]}')"
t = time.perf_counter()
con.execute(f"SELECT segment, count(*), avg(orders_12m) FROM {source} GROUP BY 1").fetchall()
one = time.perf_counter() - t
columns = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
counts = ", ".join(f'count("{c}")' for c in columns)
t = time.perf_counter()
con.execute(f"SELECT segment, {counts} FROM {source} GROUP BY 1").fetchall()
print(json.dumps({"seconds": one, "all_columns": time.perf_counter() - t,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
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


def main() -> None:
    args = arguments(10_000_000, make_parquet)
    if args is None:
        return
    with data_file(Path(__file__), "customers.parquet", args.rows) as path:
        size_mb = path.stat().st_size / 1e6
        scans, profiles = compare(path, SCAN, args.repeats, engine="duckdb")
    # the same profile on a tenth of the rows, through DuckDB too: how cost grows with rows
    with data_file(Path(__file__), "tenth.parquet", args.rows // 10) as path:
        tenth = [run(PROFILE, path, "duckdb") for _ in range(args.repeats)]
    scan_t, wide_t, prof_t = median(scans), median(scans, "all_columns"), median(profiles)
    print(
        f"file: {profiles[-1]['rows']:,} rows x 15 columns, {size_mb:.0f} MB Parquet; "
        f"median of {args.repeats}"
    )
    print(f"bare DuckDB scan by segment, one column  : {scan_t:6.2f} s")
    print(f"bare DuckDB scan by segment, all columns : {wide_t:6.2f} s")
    print(
        f"segwidgets profile (DuckDB)              : {prof_t:6.2f} s  = "
        f"{prof_t / scan_t:.0f}x the one-column scan, {prof_t / wide_t:.0f}x the all-column "
        "scan   (goal <= 60x)"
    )
    print(f"peak memory of the profile  : {peak(profiles):,.0f} MB   (goal <= 2,048 MB)")
    print(
        f"growth: {args.rows // 10:,} rows profile in {median(tenth):.2f} s; 10x the rows "
        f"takes {prof_t / median(tenth):.1f}x the time"
    )
    report_profile(profiles[-1])


if __name__ == "__main__":
    main()
