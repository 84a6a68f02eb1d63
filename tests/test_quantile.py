"""Exact quantiles from histograms (the SQL path) equal numpy's on awkward columns."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

from segwidgets import _quantile
from segwidgets._quantile import segment_and_population_quantiles

QS = [0.05, 0.25, 0.5, 0.75, 0.95]
POP_QS = [0.01, *QS, 0.99]
LABELS = ["a", "b", "c", "empty"]


def columns(n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    seg = rng.choice(["a", "b", "c"], n, p=[0.6, 0.3, 0.1])
    heavy = rng.lognormal(3, 2, n)
    heavy[:3] = [1e12, -1e9, 5e-12]  # outliers stretch equal-width bins
    ties = rng.integers(0, 4, n).astype(float)
    ties[rng.random(n) < 0.1] = np.nan
    clustered = 1e6 + rng.normal(0, 1e-6, n)  # all values in a tiny range far from zero
    clustered[0] = -1e6
    return pd.DataFrame(
        {
            "seg": seg,
            "normal": rng.normal(50, 10, n),
            "heavy": heavy,
            "ties": ties,
            "wide_int": rng.integers(-(10**9), 10**9, n),
            "small_int": rng.poisson(3, n),
            "clustered": clustered,
            "one_segment_only": np.where(seg == "a", rng.normal(size=n), np.nan),
        }
    )


def expected(df: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
    seg_q = []
    for label in LABELS:
        values = df.loc[df["seg"] == label, name].dropna().to_numpy(dtype=float)
        seg_q.append(np.quantile(values, QS) if len(values) else np.full(len(QS), np.nan))
    values = df[name].dropna().to_numpy(dtype=float)
    return np.vstack(seg_q), np.quantile(values, POP_QS)


def computed(df: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
    table = ibis.memtable(df)
    value = table[name].cast("float64")
    values = df[name].dropna()
    return segment_and_population_quantiles(
        table,
        table["seg"],
        value,
        LABELS,
        QS,
        POP_QS,
        lo=float(values.min()),
        hi=float(values.max()),
        integer=pd.api.types.is_integer_dtype(df[name]),
    )


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return columns()


NAMES = ["normal", "heavy", "ties", "wide_int", "small_int", "clustered", "one_segment_only"]


@pytest.mark.parametrize("name", NAMES)
def test_histogram_quantiles_equal_numpy(data, name):
    seg_q, pop_q = computed(data, name)
    want_seg, want_pop = expected(data, name)
    np.testing.assert_allclose(seg_q, want_seg, rtol=1e-12, atol=0)
    np.testing.assert_allclose(pop_q, want_pop, rtol=1e-12, atol=0)


@pytest.mark.parametrize("name", ["normal", "heavy", "wide_int", "clustered"])
def test_refining_and_fetching_paths_give_the_same_numbers(data, name, monkeypatch):
    """Tiny bins and fetch limits force bins to be binned again, down to the depth limit."""
    passes = []
    histogram = _quantile._OrderStatistics.histogram

    def counting(self, table, key):
        passes.append(key)
        return histogram(self, table, key)

    monkeypatch.setattr(_quantile, "BINS", 4)
    monkeypatch.setattr(_quantile, "FETCH_ROWS", 3)
    monkeypatch.setattr(_quantile._OrderStatistics, "histogram", counting)
    seg_q, pop_q = computed(data, name)
    want_seg, want_pop = expected(data, name)
    np.testing.assert_allclose(seg_q, want_seg, rtol=1e-12, atol=0)
    np.testing.assert_allclose(pop_q, want_pop, rtol=1e-12, atol=0)
    assert len(passes) > 1  # the refinement really ran


def test_every_value_missing_gives_nan():
    df = pd.DataFrame({"seg": ["a", "b"] * 5, "x": [1.0] + [np.nan] * 9})
    table = ibis.memtable(df)
    seg_q, pop_q = segment_and_population_quantiles(
        table, table["seg"], table["x"], ["a", "b"], QS, POP_QS, lo=1.0, hi=1.0
    )
    assert (seg_q[0] == 1.0).all() and np.isnan(seg_q[1]).all()
    assert (pop_q == 1.0).all()
