"""A numeric column's per-segment statistics where it lives, from one grouped histogram pass.

A sort-based quantile buffers the whole column for every group. Here one grouped pass counts
each segment's values in equal-width bins, with each bin's smallest and largest value, mean
and variance (bins combine into each segment's mean and variance without cancellation). The
bin that holds every wanted order statistic is then known; most are answered by a bin's
minimum or maximum (always, when a bin holds one distinct value), and only the values of the
few other bins come back, counted per value. A bin still too big to bring back is binned
again within its own range. Quantiles interpolate linearly between order statistics, as
numpy's default does, so the numbers equal the in-memory path's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ._prepare import _plain
from ._stats import pooled_moments

BINS = 2048  # bins per pass: a few thousand groups per segment is cheap to hash
FETCH_ROWS = 100_000  # a bin with more values than this is binned again, not brought back
MAX_DEPTH = 4  # after this many passes a bin is brought back whatever its size
POPULATION = -1  # the group index that stands for all segments together


@dataclass(frozen=True)
class ColumnSummary:
    """Per-segment count, mean, sample variance and quantiles of a column, and its range."""

    n: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    quantiles: np.ndarray  # (segments, len(qs))
    pop_quantiles: np.ndarray  # (len(pop_qs),)
    low: float
    high: float


def summarise_numeric(
    base,
    seg,
    value,
    labels: Sequence[Any],
    qs: Sequence[float],
    pop_qs: Sequence[float],
    *,
    lo: float,
    hi: float,
    integer: bool = False,
) -> ColumnSummary:
    """Exact statistics of ``value`` per segment, and quantiles ``pop_qs`` over all rows.

    ``base`` is an Ibis table, ``seg`` its segment expression, ``value`` a numeric expression
    on it with missing values as NULL; ``lo`` and ``hi`` roughly bound the values (they only
    set the bin width). ``integer`` says the values are whole numbers: when their range fits
    in the bins, each value is its own bin. Statistics of a group without values are NaN.
    """
    positions = {label: k for k, label in enumerate(labels)}
    present = base.filter(value.notnull())
    key = value if integer and hi - lo + 1 <= BINS else _bin_key(value, lo, hi)
    stats = _OrderStatistics(seg, value, labels, positions, integer)
    hist = stats.histogram(present, key, moments=True)
    totals = {g: int(h.n.sum()) for g, h in hist.items()}
    wanted = {}
    for g, q_list in [(k, qs) for k in range(len(labels))] + [(POPULATION, pop_qs)]:
        for q in q_list if totals.get(g, 0) else []:
            below, above, _ = _ranks(totals[g], q)
            wanted[(g, below)] = wanted[(g, above)] = None
    found = stats.resolve(present, key, hist, list(wanted), depth=1) if wanted else {}

    def quantiles(g: int, q_list: Sequence[float]) -> np.ndarray:
        out = np.full(len(q_list), np.nan)
        for i, q in enumerate(q_list if totals.get(g, 0) else []):
            below, above, t = _ranks(totals[g], q)
            out[i] = _lerp(found[(g, below)], found[(g, above)], t)
        return out

    n_seg = len(labels)
    count, mean, var = np.zeros(n_seg), np.full(n_seg, np.nan), np.full(n_seg, np.nan)
    for k in range(n_seg):
        if k in hist:
            count[k], mean[k], var[k] = _combine(hist[k])
    everything = hist.get(POPULATION)
    return ColumnSummary(
        n=count,
        mean=mean,
        var=var,
        quantiles=np.vstack([quantiles(k, qs) for k in range(n_seg)]),
        pop_quantiles=quantiles(POPULATION, pop_qs),
        low=float(everything.lows.min()) if everything is not None else np.nan,
        high=float(everything.highs.max()) if everything is not None else np.nan,
    )


def _combine(bins: _Bins) -> tuple[float, float, float]:
    """Count, mean and sample variance of a group from its bins' counts, means and variances."""
    n = bins.n.astype(float)
    total = n.sum()
    variances = np.where(n > 1, bins.variances, 0.0)  # some databases say NULL for one value
    mean, squares = pooled_moments(n, bins.means, n * variances)
    return total, mean, float(squares.sum()) / (total - 1) if total > 1 else np.nan


def _ranks(n: int, q: float) -> tuple[int, int, float]:
    """Ranks (0-based) of the two values the ``q`` quantile of ``n`` lies between, and where.

    Linear interpolation, as numpy's default.
    """
    h = (n - 1) * q
    below = int(np.floor(h))
    return below, min(below + 1, n - 1), h - below


def _lerp(a: float, b: float, t: float) -> float:
    """Linear interpolation as numpy does it (exact at both ends)."""
    diff = b - a
    return b - diff * (1 - t) if t >= 0.5 else a + diff * t


def _bin_key(value, lo: float, hi: float, *, clip: bool = False):
    """A monotone bin number of ``value`` in [lo, hi] (only its order matters, not its width).

    ``clip`` bounds values outside [lo, hi] first: when binning within one bin, a database
    may compute the key of rows outside it before filtering them out, and a far value times
    a large scale would overflow the integer cast.
    """
    scale = BINS / (hi - lo) if hi > lo else 0.0
    if not np.isfinite(scale) or scale == 0.0:
        return value  # one distinct value, or a range too narrow to scale: values are keys
    if clip:
        value = value.clip(lower=lo, upper=hi)
    return ((value - lo) * scale).floor()


class _OrderStatistics:
    """Finds order statistics of a value per segment and over all segments, pass by pass."""

    def __init__(self, seg, value, labels, positions, integer: bool):
        self.seg, self.value = seg, value
        self.labels, self.positions = labels, positions
        self.integer = integer  # whole numbers: a bin holds at most hi - lo + 1 distinct ones

    def histogram(self, table, key, moments: bool = False) -> dict[int, _Bins]:
        """Per group (segment index or POPULATION): sorted bin keys, counts, minima, maxima.

        With ``moments``, each segment's bins also carry their mean and population variance.
        """
        aggs = {"n": table.count(), "lo": self.value.min(), "hi": self.value.max()}
        if moments:
            aggs |= {"mean": self.value.mean(), "var": self.value.var(how="pop")}
        frame = table.group_by([self.seg, key.name("k")]).agg(**aggs).to_pandas()
        frame["g"] = self._groups(frame)
        out = {int(g): _arrays(part.sort_values("k")) for g, part in frame.groupby("g")}
        pop = frame.groupby("k").agg(n=("n", "sum"), lo=("lo", "min"), hi=("hi", "max"))
        if len(pop):
            out[POPULATION] = _arrays(pop.reset_index().sort_values("k"))
        return out

    def resolve(self, table, key, hist, wanted, depth: int) -> dict[tuple[int, int], float]:
        """Values of the ``wanted`` (group, rank) order statistics among ``table``'s rows.

        ``key`` is the bin expression ``hist`` was counted with.
        """
        found: dict[tuple[int, int], float] = {}
        pending: dict[tuple[int, Any], list[tuple[int, int]]] = defaultdict(list)
        for g, rank in wanted:
            keys, n, lows, highs = hist[g][:4]
            cum = np.cumsum(n)
            i = int(np.searchsorted(cum, rank, side="right"))
            within = rank - int(cum[i] - n[i])
            if within == 0 or lows[i] == highs[i]:
                found[(g, rank)] = float(lows[i])
            elif within == n[i] - 1:
                found[(g, rank)] = float(highs[i])
            else:
                pending[(g, _plain(keys[i]))].append((rank, within))
        # a fetch brings back every segment's distinct values in the pending bins
        keys, n, lows, highs = hist[POPULATION][:4]
        bound = dict(zip(keys.tolist(), n.tolist(), strict=True))
        if self.integer:
            spans = (highs - lows + 1) * (len(hist) - 1)
            bound = {k: min(b, s) for (k, b), s in zip(bound.items(), spans, strict=True)}
        last = depth >= MAX_DEPTH
        small = {c: r for c, r in pending.items() if last or bound[c[1]] <= FETCH_ROWS}
        if small:
            found.update(self._fetch(table, key, small))
        for (g, k), ranks in pending.items():
            if (g, k) in small:
                continue
            inside = key == k if g == POPULATION else (key == k) & (self.seg == self.labels[g])
            inside = table.filter(inside)
            i = int(np.searchsorted(hist[g].keys, k))
            lo, hi = float(hist[g].lows[i]), float(hist[g].highs[i])
            sub_key = _bin_key(self.value, lo, hi, clip=True)
            sub_hist = self.histogram(inside, sub_key)
            sub = self.resolve(inside, sub_key, sub_hist, [(g, w) for _, w in ranks], depth + 1)
            for rank, within in ranks:
                found[(g, rank)] = sub[(g, within)]
        return found

    def _groups(self, frame: pd.DataFrame) -> list[int]:
        return [self.positions[_plain(v)] for v in frame[self.seg.get_name()]]

    def _fetch(self, table, key, pending) -> dict[tuple[int, int], float]:
        """Bring back the values in the pending bins, counted per value, and read the ranks.

        One ``IN`` on the bin key for all segments: the key is computed once per row.
        """
        chosen = table.filter(key.isin(sorted({k for _, k in pending})))
        frame = (
            chosen.group_by([self.seg, key.name("k"), self.value.name("v")])
            .agg(n=chosen.count())
            .to_pandas()
        )
        frame["g"] = self._groups(frame)
        found = {}
        for (g, k), ranks in pending.items():
            part = frame[frame["k"] == k]
            if g != POPULATION:
                part = part[part["g"] == g]
            counts = part.groupby("v")["n"].sum().sort_index()
            cum = np.cumsum(counts.to_numpy())
            for rank, within in ranks:
                found[(g, rank)] = float(counts.index[int(np.searchsorted(cum, within, "right"))])
        return found


class _Bins(NamedTuple):
    """One group's histogram, sorted by bin key."""

    keys: np.ndarray
    n: np.ndarray
    lows: np.ndarray
    highs: np.ndarray
    means: np.ndarray | None = None
    variances: np.ndarray | None = None


def _arrays(frame: pd.DataFrame) -> _Bins:
    moments = "mean" in frame.columns
    return _Bins(
        frame["k"].to_numpy(),
        frame["n"].to_numpy().astype(np.int64),
        frame["lo"].to_numpy(dtype=float),
        frame["hi"].to_numpy(dtype=float),
        frame["mean"].to_numpy(dtype=float) if moments else None,
        frame["var"].to_numpy(dtype=float) if moments else None,
    )
