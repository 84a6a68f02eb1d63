"""1M rows x 15 columns CSV: whole profile vs merely reading the file with pandas+pyarrow.

Each measurement runs in its own fresh Python process so peak memory (ru_maxrss) belongs to
that step alone; the two are run alternately, and the median is reported.

    python bench/bench_scale.py [--rows 1000000] [--repeats 3]
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from _harness import arguments, compare, data_file, median, peak, report_profile

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


def make_csv(path: Path, rows: int) -> None:
    frame = sw.datasets.demo_customers(n=rows, random_state=0)
    frame["store_visits_30d"] = np.random.default_rng(1).poisson(2.0, rows)  # 15th column
    frame.to_csv(path, index=False)


def main() -> None:
    args = arguments(1_000_000, make_csv)
    if args is None:
        return
    with data_file(Path(__file__), "customers.csv", args.rows) as path:
        size_mb = path.stat().st_size / 1e6
        reads, profiles = compare(path, READ, args.repeats)
    read_t, prof_t = median(reads), median(profiles)
    print(f"file: {args.rows:,} rows x 15 columns, {size_mb:.0f} MB CSV; median of {args.repeats}")
    print(f"pandas+pyarrow read : {read_t:6.2f} s  peak {peak(reads):,.0f} MB")
    print(f"segwidgets profile  : {prof_t:6.2f} s  peak {peak(profiles):,.0f} MB")
    print(f"ratio               : {prof_t / read_t:.1f}x the read   (goal <= 8x)")
    print("peak memory goal    : <= 1,536 MB")
    report_profile(profiles[-1])


if __name__ == "__main__":
    main()
