"""Statistics from histograms (the SQL path) equal numpy's and pandas' on awkward columns."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

from segwidgets import _histogram
from segwidgets._histogram import summarise_numeric

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


def check(df: pd.DataFrame, name: str, got) -> None:
    """``got`` (a ColumnSummary) against numpy quantiles and pandas moments."""
    seg_q = []
    for label in LABELS:
        values = df.loc[df["seg"] == label, name].dropna().to_numpy(dtype=float)
        seg_q.append(np.quantile(values, QS) if len(values) else np.full(len(QS), np.nan))
    values = df[name].dropna().to_numpy(dtype=float)
    np.testing.assert_allclose(got.quantiles, np.vstack(seg_q), rtol=1e-12, atol=0)
    np.testing.assert_allclose(got.pop_quantiles, np.quantile(values, POP_QS), rtol=1e-12)
    by = df.astype({name: float}).groupby("seg")[name]
    np.testing.assert_allclose(got.n, by.count().reindex(LABELS, fill_value=0))
    np.testing.assert_allclose(got.mean, by.mean().reindex(LABELS), rtol=1e-12)
    # values 1e6 apart from zero and 1e-6 from each other sit at the edge of float precision;
    # a database's streaming variance is good to ~1e-5 there, and so is any other method
    rtol = 1e-4 if name == "clustered" else 1e-9
    np.testing.assert_allclose(got.var, by.var().reindex(LABELS), rtol=rtol)
    assert got.low == values.min() and got.high == values.max()


def computed(df: pd.DataFrame, name: str):
    table = ibis.memtable(df)
    value = table[name].cast("float64")
    values = df[name].dropna()
    return summarise_numeric(
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
def test_histogram_statistics_equal_numpy_and_pandas(data, name):
    check(data, name, computed(data, name))


@pytest.mark.parametrize("name", ["normal", "heavy", "wide_int", "clustered"])
def test_refining_and_fetching_paths_give_the_same_numbers(data, name, monkeypatch):
    """Tiny bins and fetch limits force bins to be binned again, down to the depth limit."""
    passes = []
    histogram = _histogram._OrderStatistics.histogram

    def counting(self, table, key, moments=False):
        passes.append(key)
        return histogram(self, table, key, moments)

    monkeypatch.setattr(_histogram, "BINS", 4)
    monkeypatch.setattr(_histogram, "FETCH_ROWS", 3)
    monkeypatch.setattr(_histogram._OrderStatistics, "histogram", counting)
    check(data, name, computed(data, name))
    assert len(passes) > 1  # the refinement really ran


def test_every_value_missing_gives_nan():
    df = pd.DataFrame({"seg": ["a", "b"] * 5, "x": [1.0] + [np.nan] * 9})
    table = ibis.memtable(df)
    got = summarise_numeric(table, table["seg"], table["x"], ["a", "b"], QS, POP_QS, lo=1.0, hi=1.0)
    assert (got.quantiles[0] == 1.0).all() and np.isnan(got.quantiles[1]).all()
    assert (got.pop_quantiles == 1.0).all() and list(got.n) == [1, 0]
    assert got.mean[0] == 1.0 and np.isnan(got.var).all() and np.isnan(got.mean[1])
