"""Per-segment descriptive statistics over all rows, in the data's own units.

Every statistic comes from per-segment aggregates (counts, sums, quantiles, level counts),
so the same formulas can later run on aggregates computed elsewhere (e.g. in SQL).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from ._prepare import BINARY, CATEGORICAL, DATE, NUMERIC, Prepared

MAX_DISPLAY_LEVELS = 20
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


def _rest(n_k, s_k, n_all, s_all):
    return n_all - n_k, s_all - s_k


def _numeric_block(name, kind, values: np.ndarray, codes, groups, labels):
    n_seg = len(labels)
    present = ~np.isnan(values)
    v, c = values[present], codes[present]
    n_k = np.bincount(c, minlength=n_seg).astype(float)
    n_all = float(present.sum())
    center = float(v.mean()) if n_all else 0.0
    d = v - center  # centred sums keep the rest-of-population variance accurate
    s1 = np.bincount(c, weights=d, minlength=n_seg)
    s2 = np.bincount(c, weights=d * d, minlength=n_seg)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_k = center + s1 / n_k
        var_k = (s2 - s1**2 / n_k) / (n_k - 1)
        n_r, s1_r = _rest(n_k, s1, n_all, s1.sum())
        s2_r = s2.sum() - s2
        mean_r = center + s1_r / n_r
        var_r = (s2_r - s1_r**2 / n_r) / (n_r - 1)
        pooled = np.sqrt(((n_k - 1) * var_k + (n_r - 1) * var_r) / (n_k + n_r - 2))
        effect = (mean_k - mean_r) / pooled
        se2 = var_k / n_k + var_r / n_r
        t = (mean_k - mean_r) / np.sqrt(se2)
        dof = se2**2 / ((var_k / n_k) ** 2 / (n_k - 1) + (var_r / n_r) ** 2 / (n_r - 1))
        p = 2 * sps.t.sf(np.abs(t), dof)
    pop_mean = float(v.mean()) if n_all else np.nan
    pop_std = float(v.std(ddof=1)) if n_all > 1 else np.nan
    nonneg = kind == NUMERIC and n_all > 0 and float(v.min()) >= 0
    index = _index(mean_k, pop_mean, nonneg)

    qs = list(QUANTILES.values())
    seg_q = np.full((n_seg, len(qs)), np.nan)
    for k, rows in enumerate(groups):  # one partition per segment, no full sort
        part = values[rows]
        part = part[~np.isnan(part)]
        if len(part):
            seg_q[k] = np.quantile(part, qs)
    pop_q = np.quantile(v, [0.01, *qs, 0.99]) if n_all else np.full(len(qs) + 2, np.nan)
    lo, hi = pop_q[0], pop_q[-1]
    pop_q = pop_q[1:-1]
    missing_k = 1 - n_k / np.bincount(codes, minlength=n_seg)
    missing_pop = 1 - n_all / len(values)

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
            rows.append(_row(seg, name, kind, stat, seg_q[k, j], pop_q[j]))
        rows.append(_row(seg, name, kind, "missing_share", missing_k[k], missing_pop))
    span = hi - lo if hi > lo else (float(v.max() - v.min()) or 1.0)
    lo = lo if hi > lo else float(v.min())
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


def _binary_block(name, values: np.ndarray, codes, n_seg, labels):
    present = ~np.isnan(values)
    c = codes[present]
    ones = np.bincount(c, weights=values[present], minlength=n_seg)
    n_k = np.bincount(c, minlength=n_seg).astype(float)
    share, pop, index, h, p = _share_stats(ones, n_k, ones.sum(), n_k.sum())
    missing_k = 1 - n_k / np.bincount(codes, minlength=n_seg)
    missing_pop = 1 - present.mean()
    rows = []
    for k in range(n_seg):
        seg = labels[k]
        rows.append(
            _row(seg, name, BINARY, "share", share[k], pop, index=index[k], effect=h[k], p=p[k])
        )
        rows.append(_row(seg, name, BINARY, "missing_share", missing_k[k], missing_pop))
    return rows, h, index, share


def _categorical_block(name, col: pd.Series, codes, n_seg, labels):
    cat = col.cat
    raw_codes = cat.codes.to_numpy()
    counts = np.bincount(raw_codes[raw_codes >= 0], minlength=len(cat.categories))
    order = np.argsort(-counts, kind="stable")
    shown = [i for i in order[:MAX_DISPLAY_LEVELS] if counts[i] > 0]
    names = [str(cat.categories[i]) for i in shown]
    remap = np.full(len(cat.categories) + 1, len(shown), dtype=np.int64)  # default: other
    remap[shown] = np.arange(len(shown))
    has_other = len(shown) < int((counts > 0).sum())
    if has_other:
        names.append(OTHER)
    missing_code = len(names)
    level = remap[raw_codes]
    if (raw_codes < 0).any():
        level[raw_codes < 0] = missing_code
        names.append(MISSING)
    n_lvl = len(names)
    table = np.bincount(codes * n_lvl + level, minlength=n_seg * n_lvl).reshape(n_seg, n_lvl)
    table = table.astype(float)
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


def describe(prepared: Prepared) -> Descriptives:
    """Compute the tidy per-segment statistics of every feature over all rows."""
    codes = prepared.codes
    labels = prepared.labels
    n_seg = len(labels)
    order = np.argsort(codes, kind="stable")
    groups = np.split(order, np.cumsum(np.bincount(codes, minlength=n_seg))[:-1])
    rows: list[tuple] = []
    effect, index, scaled, headline = {}, {}, {}, {}
    for feat in prepared.features:
        col = prepared.frame[feat.name]
        if feat.kind in (NUMERIC, DATE):
            values = col.to_numpy(dtype=np.float64, na_value=np.nan)
            block, eff, idx, scl = _numeric_block(
                feat.name, feat.kind, values, codes, groups, labels
            )
        elif feat.kind == BINARY:
            values = col.to_numpy(dtype=np.float64, na_value=np.nan)
            block, eff, idx, scl = _binary_block(feat.name, values, codes, n_seg, labels)
        else:
            block, eff, idx, scl, lvl = _categorical_block(feat.name, col, codes, n_seg, labels)
            headline[feat.name] = lvl
        rows.extend(block)
        effect[feat.name], index[feat.name], scaled[feat.name] = eff, idx, scl
    stats = pd.DataFrame.from_records(rows, columns=_COLUMNS)
    for column in ("value", "population_value", "index", "effect_size", "p_value"):
        stats[column] = stats[column].astype("float64")
    seg_index = pd.Index([str(lbl) for lbl in labels], name="segment")

    def table(d):
        return pd.DataFrame(d, index=seg_index).T.rename_axis("feature")

    return Descriptives(stats, table(effect), table(index), table(scaled), headline)
