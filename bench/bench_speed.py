"""segwidgets vs the 2020 algorithm on the same 10k-row table, side by side in one process.

The 2020 baseline: one-hot encode every categorical, min-max scale, a default
LGBMClassifier scored with 5-fold ``cross_val_score``, refit on all rows, then
``shap.TreeExplainer`` on every row. Its one-hot importances are regrouped into their parent
columns so the two top-7 lists can be compared.

    python bench/bench_speed.py [--rows 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import lightgbm as lgb
import numpy as np
import pandas as pd
import shap
from sklearn.datasets import make_classification
from sklearn.model_selection import cross_val_score
from sklearn.preprocessing import MinMaxScaler

import segwidgets as sw


def baseline_2020(df: pd.DataFrame, segment: str, id_column: str | None, top_n: int = 7):
    """Re-implementation of the 2020 app's algorithm (on a copy; it scaled in place)."""
    data = df.drop(columns=[id_column] if id_column else []).copy()
    y = data.pop(segment).astype("category").cat.codes
    for column in data.columns:
        if pd.api.types.is_datetime64_any_dtype(data[column]):
            data[column] = (data[column] - data[column].min()).dt.days
    categorical = [c for c in data.columns if not pd.api.types.is_numeric_dtype(data[c])]
    onehot = pd.get_dummies(data, columns=categorical, prefix_sep="=").astype(float)
    scaled = pd.DataFrame(MinMaxScaler().fit_transform(onehot), columns=onehot.columns)
    clf = lgb.LGBMClassifier(verbose=-1)
    f1 = cross_val_score(clf, scaled, y, cv=5, scoring="f1_weighted").mean()
    clf.fit(scaled, y)
    values = shap.TreeExplainer(clf).shap_values(scaled)  # every row
    per_column = np.abs(values).mean(axis=0).sum(axis=1)
    parents = [
        c.split("=", 1)[0] if c.split("=", 1)[0] in categorical else c for c in onehot.columns
    ]
    importance = pd.Series(per_column, index=parents).groupby(level=0).sum()
    return float(f1), list(importance.sort_values(ascending=False).index[:top_n])


def hard_table(rows: int) -> pd.DataFrame:
    """Five overlapping segments in 15 numeric columns (6 informative): F1 well below 1."""
    x, y = make_classification(
        n_samples=rows,
        n_features=15,
        n_informative=6,
        n_redundant=2,
        n_classes=5,
        n_clusters_per_class=2,
        class_sep=1.0,
        random_state=0,
    )
    frame = pd.DataFrame(x, columns=[f"x{i:02d}" for i in range(15)])
    frame["segment"] = np.array(list("ABCDE"))[y]
    return frame


def compare(name: str, df: pd.DataFrame, id_column: str | None, repeats: int) -> None:
    base_times, ours_times = [], []
    for _ in range(repeats):  # alternate so both see the same machine load
        tick = time.perf_counter()
        base_f1, base_top = baseline_2020(df, "segment", id_column)
        base_times.append(time.perf_counter() - tick)
        tick = time.perf_counter()
        prof = sw.profile(df, segment="segment", allow_weak=True)
        ours_times.append(time.perf_counter() - tick)
    base_t, ours_t = statistics.median(base_times), statistics.median(ours_times)
    ours_top = prof.top_features(7)
    overlap = len(set(base_top) & set(ours_top))
    print(f"== {name}: {len(df):,} rows x {df.shape[1]} columns, median of {repeats} runs")
    print(f"baseline 2020 : {base_t:7.2f} s  F1 {base_f1:.3f}  top-7 {base_top}")
    print(f"segwidgets    : {ours_t:7.2f} s  F1 {prof.quality.f1_weighted:.3f}  top-7 {ours_top}")
    print(f"speed-up      : {base_t / ours_t:.1f}x   (goal >= 20x)")
    print(f"top-7 overlap : {overlap} of 7   (goal >= 6)")
    print(f"F1 difference : {prof.quality.f1_weighted - base_f1:+.3f}   (goal >= -0.02)")
    print(f"segwidgets stages: { {k: round(v, 3) for k, v in prof.timings.items()} }")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    demo = sw.datasets.demo_customers(n=args.rows, random_state=0)
    compare("demo customers (mixed types)", demo, "customer_id", args.repeats)
    compare("hard synthetic (overlapping segments)", hard_table(args.rows), None, args.repeats)


if __name__ == "__main__":
    main()
