"""Per-segment descriptive statistics over all rows, in the data's own units.

Every statistic comes from per-segment aggregates (counts, means, variances, quantiles,
level counts), so the same formulas serve aggregates computed in memory and in a database.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from ._format import label_text
from ._prepare import BINARY, CATEGORICAL, DATE, NUMERIC, Prepared

MAX_DISPLAY_LEVELS = 20
PARALLEL_ROWS = 200_000  # below this, threads cost more than they save
OTHER, MISSING = "(other)", "(missing)"
QUANTILES = {"p05": 0.05, "q25": 0.25, "median": 0.5, "q75": 0.75, "p95": 0.95}
_COLUMNS = [
    "segment",
    "feature",
    "kind",
    "level",
    "statistic",
    "value",
    "population_value",
    "index",
    "effect_size",
    "p_value",
]


@dataclass(frozen=True)
class Descriptives:
    """Aggregates of every feature by segment.

    ``stats`` is the tidy table; ``effect``, ``index`` and ``scaled`` are feature × segment
    tables of one headline number each (for categoricals: of their most distinctive level,
    named in ``headline_level``).
    """

    stats: pd.DataFrame
    effect: pd.DataFrame
    index: pd.DataFrame
    scaled: pd.DataFrame
    headline_level: dict[str, str]


def _row(
    segment,
    feature,
    kind,
    statistic,
    value,
    population,
    *,
    level="",
    index=np.nan,
    effect=np.nan,
    p=np.nan,
) -> tuple:
    """One line of the tidy table, in ``_COLUMNS`` order."""
    return (segment, feature, kind, level, statistic, value, population, index, effect, p)


def _index(value: np.ndarray, population: float, nonnegative: bool) -> np.ndarray:
    if not nonnegative or not population > 0:
        return np.full(np.shape(value), np.nan)
    return 100.0 * np.asarray(value, dtype=float) / population


@dataclass(frozen=True)
class NumericAgg:
    """Per-segment count, mean, variance and quantiles of one numeric column.

    ``rows`` counts each segment's rows including missing values; ``pop_quantiles`` are the
    population's 1st, the ``QUANTILES`` and the 99th percentiles; ``low`` is its minimum.
    """

    n: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    quantiles: np.ndarray  # (segments, len(QUANTILES))
    pop_quantiles: np.ndarray  # (len(QUANTILES) + 2,)
    rows: np.ndarray
    low: float
    high: float


@dataclass(frozen=True)
class BinaryAgg:
    """Per-segment count of non-missing values and of ones."""

    n: np.ndarray
    ones: np.ndarray
    rows: np.ndarray


@dataclass(frozen=True)
class CategoricalAgg:
    """Segment × level counts; ``names`` may end with ``(other)`` and ``(missing)``."""

    names: list[str]
    table: np.ndarray


POP_QUANTILES = [0.01, *QUANTILES.values(), 0.99]


def numeric_agg(values: np.ndarray, order: np.ndarray, rows: np.ndarray) -> NumericAgg:
    """Aggregates of an in-memory column.

    ``order`` lists the row positions sorted by segment code and ``rows`` counts each
    segment's rows, so each segment's values are one contiguous slice after a single
    gather; quantiles then partition those slices in place instead of copying them.
    """
    n_seg = len(rows)
    grouped = values[order]  # our own copy, free to be reordered
    present = ~np.isnan(grouped)
    if present.all():
        n_k = rows.astype(float)
    else:
        n_k = _segment_sums(present.astype(float), np.concatenate([[0], np.cumsum(rows)]))
        grouped = grouped[present]
    bounds = np.concatenate([[0], np.cumsum(n_k).astype(np.int64)])
    center = float(grouped.mean()) if len(grouped) else 0.0
    d = grouped - center  # centred sums keep the variances accurate
    s1, s2 = _segment_sums(d, bounds), _segment_sums(d * d, bounds)
    del d
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = center + s1 / n_k
        var = (s2 - s1**2 / n_k) / (n_k - 1)
    low = float(grouped.min()) if len(grouped) else np.nan
    high = float(grouped.max()) if len(grouped) else np.nan
    qs = list(QUANTILES.values())
    seg_q = np.full((n_seg, len(qs)), np.nan)
    for k in range(n_seg):  # one partition per segment, no full sort
        part = grouped[bounds[k] : bounds[k + 1]]
        if len(part):
            seg_q[k] = np.quantile(part, qs, overwrite_input=True)
    pop_q = (
        np.quantile(grouped, POP_QUANTILES, overwrite_input=True)
        if len(grouped)
        else np.full(len(POP_QUANTILES), np.nan)
    )
    return NumericAgg(
        n=n_k,
        mean=mean,
        var=var,
        quantiles=seg_q,
        pop_quantiles=pop_q,
        rows=rows.astype(float),
        low=low,
        high=high,
    )


def _segment_sums(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Sums of the consecutive slices ``values[bounds[k]:bounds[k + 1]]`` (0 when empty)."""
    starts, ends = bounds[:-1], bounds[1:]
    full = starts < ends
    out = np.zeros(len(starts))
    if full.any():
        out[full] = np.add.reduceat(values, starts[full]) if len(values) else 0.0
    return out


def pooled_moments(
    n: np.ndarray, means: np.ndarray, within: np.ndarray
) -> tuple[float, np.ndarray]:
    """Mean of groups taken together, and each group's sum of squares about that mean.

    Groups are given by count, mean and sum of squares about their own mean; the parts are
    non-negative, so nothing cancels however far the values are from zero. Groups without
    values (NaN mean or spread) add nothing.
    """
    total = n.sum()
    mean = float(np.nansum(n * means) / total) if total else np.nan
    return mean, np.nan_to_num(within) + np.nan_to_num(n * (means - mean) ** 2)


def _numeric_block(name, kind, agg: NumericAgg, labels):
    n_seg = len(labels)
    n_k, mean_k, var_k = agg.n, agg.mean, agg.var
    n_all = n_k.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        # sums of squares about the population mean give the rest of the population exactly
        pop_mean, ss_k = pooled_moments(n_k, mean_k, (n_k - 1) * var_k)
        ss_all = ss_k.sum()
        n_r = n_all - n_k
        mean_r = (n_all * pop_mean - np.nan_to_num(n_k * mean_k)) / n_r
        var_r = (ss_all - ss_k - n_r * (mean_r - pop_mean) ** 2) / (n_r - 1)
        pooled = np.sqrt(((n_k - 1) * var_k + (n_r - 1) * var_r) / (n_k + n_r - 2))
        effect = (mean_k - mean_r) / pooled
        se2 = var_k / n_k + var_r / n_r
        t = (mean_k - mean_r) / np.sqrt(se2)
        dof = se2**2 / ((var_k / n_k) ** 2 / (n_k - 1) + (var_r / n_r) ** 2 / (n_r - 1))
        p = 2 * sps.t.sf(np.abs(t), dof)
        pop_std = float(np.sqrt(ss_all / (n_all - 1))) if n_all > 1 else np.nan
        missing_k = 1 - n_k / agg.rows
        missing_pop = 1 - n_all / agg.rows.sum()
    nonneg = kind == NUMERIC and n_all > 0 and agg.low >= 0
    index = _index(mean_k, pop_mean, nonneg)
    lo, pop_q, hi = agg.pop_quantiles[0], agg.pop_quantiles[1:-1], agg.pop_quantiles[-1]

    rows = []
    for k in range(n_seg):
        seg = labels[k]
        rows.append(
            _row(
                seg,
                name,
                kind,
                "mean",
                mean_k[k],
                pop_mean,
                index=index[k],
                effect=effect[k],
                p=p[k],
            )
        )
        rows.append(_row(seg, name, kind, "std", np.sqrt(var_k[k]), pop_std))
        for j, stat in enumerate(QUANTILES):
            rows.append(_row(seg, name, kind, stat, agg.quantiles[k, j], pop_q[j]))
        rows.append(_row(seg, name, kind, "missing_share", missing_k[k], missing_pop))
    if not hi > lo:  # all but a few values equal: fall back to the full range
        lo, hi = agg.low, agg.high
    span = hi - lo if hi > lo else 1.0
    scaled = np.clip((mean_k - lo) / span, 0, 1)
    return rows, effect, index, scaled


def _share_stats(count_k, n_k, count_all, n_all):
    """Share per segment, population share, index, Cohen's h vs the rest, two-proportion p."""
    with np.errstate(invalid="ignore", divide="ignore"):
        share_k = count_k / n_k
        pop = count_all / n_all
        n_r = n_all - n_k
        share_r = (count_all - count_k) / n_r
        h = 2 * np.arcsin(np.sqrt(share_k)) - 2 * np.arcsin(np.sqrt(share_r))
        pooled = count_all / n_all
        z = (share_k - share_r) / np.sqrt(pooled * (1 - pooled) * (1 / n_k + 1 / n_r))
        p = 2 * sps.norm.sf(np.abs(z))
    return share_k, pop, _index(share_k, pop, True), h, p


def binary_agg(values: np.ndarray, codes: np.ndarray, n_seg: int) -> BinaryAgg:
    """Aggregates of an in-memory 0/1 column."""
    present = ~np.isnan(values)
    c = codes[present]
    return BinaryAgg(
        n=np.bincount(c, minlength=n_seg).astype(float),
        ones=np.bincount(c, weights=values[present], minlength=n_seg),
        rows=np.bincount(codes, minlength=n_seg).astype(float),
    )


def _binary_block(name, agg: BinaryAgg, labels):
    n_k, ones = agg.n, agg.ones
    share, pop, index, h, p = _share_stats(ones, n_k, ones.sum(), n_k.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        missing_k = 1 - n_k / agg.rows
        missing_pop = 1 - n_k.sum() / agg.rows.sum()
    rows = []
    for k in range(len(labels)):
        seg = labels[k]
        rows.append(
            _row(seg, name, BINARY, "share", share[k], pop, index=index[k], effect=h[k], p=p[k])
        )
        rows.append(_row(seg, name, BINARY, "missing_share", missing_k[k], missing_pop))
    return rows, h, index, share


def categorical_agg(col: pd.Series, codes: np.ndarray, n_seg: int) -> CategoricalAgg:
    """Segment × level counts of an in-memory categorical column (top levels shown)."""
    cat = col.cat
    raw_codes = cat.codes.to_numpy()
    counts = np.bincount(raw_codes[raw_codes >= 0], minlength=len(cat.categories))
    order = np.argsort(-counts, kind="stable")
    shown = [i for i in order[:MAX_DISPLAY_LEVELS] if counts[i] > 0]
    names = [str(cat.categories[i]) for i in shown]
    remap = np.full(len(cat.categories) + 1, len(shown), dtype=np.int64)  # default: other
    remap[shown] = np.arange(len(shown))
    if len(shown) < int((counts > 0).sum()):
        names.append(OTHER)
    level = remap[raw_codes]
    if (raw_codes < 0).any():
        level[raw_codes < 0] = len(names)
        names.append(MISSING)
    n_lvl = len(names)
    table = np.bincount(codes * n_lvl + level, minlength=n_seg * n_lvl).reshape(n_seg, n_lvl)
    return CategoricalAgg(names=names, table=table.astype(float))


def _categorical_block(name, agg: CategoricalAgg, labels):
    names, table = agg.names, agg.table
    n_seg = len(labels)
    n_lvl = len(names)
    n_k = table.sum(axis=1)
    n_all = n_k.sum()
    total = table.sum(axis=0)
    rows = []
    shares = np.empty((n_seg, n_lvl))
    h_all = np.empty((n_seg, n_lvl))
    idx_all = np.empty((n_seg, n_lvl))
    for j, lvl in enumerate(names):
        share, pop, index, h, p = _share_stats(table[:, j], n_k, total[j], n_all)
        shares[:, j], h_all[:, j], idx_all[:, j] = share, h, index
        for k in range(n_seg):
            rows.append(
                _row(
                    labels[k],
                    name,
                    CATEGORICAL,
                    "share",
                    share[k],
                    pop,
                    level=lvl,
                    index=index[k],
                    effect=h[k],
                    p=p[k],
                )
            )
    # Cramér's V of each segment against the rest of the population
    cramers = np.empty(n_seg)
    for k in range(n_seg):
        two = np.vstack([table[k], total - table[k]])
        two = two[:, two.sum(axis=0) > 0]
        if two.shape[1] < 2 or (two.sum(axis=1) == 0).any():
            cramers[k], pv = np.nan, np.nan
        else:
            chi2, pv, _, _ = sps.chi2_contingency(two, correction=False)
            cramers[k] = np.sqrt(chi2 / two.sum())
        rows.append(
            _row(
                labels[k],
                name,
                CATEGORICAL,
                "cramers_v",
                cramers[k],
                np.nan,
                effect=cramers[k],
                p=pv,
            )
        )
    # headline level: the real level whose share varies most between segments
    weights = n_k / n_all
    spread = (weights[:, None] * (shares - total / n_all) ** 2).sum(axis=0)
    real = [j for j, lvl in enumerate(names) if lvl not in (OTHER, MISSING)]
    head = max(real, key=lambda j: spread[j])
    return rows, h_all[:, head], idx_all[:, head], shares[:, head], names[head]


def aggregate(prepared: Prepared) -> dict[str, NumericAgg | BinaryAgg | CategoricalAgg]:
    """Per-segment aggregates of every feature of an in-memory table.

    Features are aggregated in parallel threads on big tables (numpy's sorting and counting
    release the GIL); each feature's result does not depend on the others.
    """
    codes = prepared.codes
    n_seg = len(prepared.labels)
    order = np.argsort(codes, kind="stable")
    rows = np.bincount(codes, minlength=n_seg)

    def one(feat):
        col = prepared.frame[feat.name]
        if feat.kind == CATEGORICAL:
            return categorical_agg(col, codes, n_seg)
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        if feat.kind == BINARY:
            return binary_agg(values, codes, n_seg)
        return numeric_agg(values, order, rows)

    workers = min(os.cpu_count() or 1, len(prepared.features))
    if len(codes) < PARALLEL_ROWS or workers < 2:
        results = [one(feat) for feat in prepared.features]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(one, prepared.features))
    return {feat.name: agg for feat, agg in zip(prepared.features, results, strict=True)}


def describe(prepared: Prepared) -> Descriptives:
    """Compute the tidy per-segment statistics of every feature over all rows."""
    return describe_aggregates(prepared.features, aggregate(prepared), prepared.labels)


def describe_aggregates(features, aggs: dict, labels: tuple) -> Descriptives:
    """The tidy statistics from per-segment aggregates, wherever they were computed."""
    rows: list[tuple] = []
    effect, index, scaled, headline = {}, {}, {}, {}
    for feat in features:
        agg = aggs[feat.name]
        if feat.kind in (NUMERIC, DATE):
            block, eff, idx, scl = _numeric_block(feat.name, feat.kind, agg, labels)
        elif feat.kind == BINARY:
            block, eff, idx, scl = _binary_block(feat.name, agg, labels)
        else:
            block, eff, idx, scl, lvl = _categorical_block(feat.name, agg, labels)
            headline[feat.name] = lvl
        rows.extend(block)
        effect[feat.name], index[feat.name], scaled[feat.name] = eff, idx, scl
    stats = pd.DataFrame.from_records(rows, columns=_COLUMNS)
    for column in ("value", "population_value", "index", "effect_size", "p_value"):
        stats[column] = stats[column].astype("float64")
    seg_index = pd.Index([label_text(lbl) for lbl in labels], name="segment")

    def table(d):
        return pd.DataFrame(d, index=seg_index).T.rename_axis("feature")

    return Descriptives(stats, table(effect), table(index), table(scaled), headline)
