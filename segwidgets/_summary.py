"""Plain-language summaries of segments, from deterministic templates."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from ._format import date_from_days, number, percent
from ._prepare import BINARY, CATEGORICAL, DATE, Feature
from ._stats import MISSING, OTHER

MIN_EFFECT = 0.2  # Cohen's small effect: below this a difference is not worth a sentence
MAX_POINTS = 3
_OWN_WORDS = {"much", "somewhat", "higher", "lower", "later", "earlier"}


def _strength(effect: float) -> str:
    size = abs(effect)
    return "much " if size >= 0.8 else "" if size >= 0.5 else "somewhat "


def _numeric_point(feat: Feature, row: pd.Series) -> str:
    value, pop, effect, index = (
        row["value"],
        row["population_value"],
        row["effect_size"],
        row["index"],
    )
    if feat.kind == DATE:
        direction = "later" if effect > 0 else "earlier"
        return (
            f"{_strength(effect)}{direction} {feat.name} ({date_from_days(value, feat.origin)} "
            f"vs {date_from_days(pop, feat.origin)} overall)"
        )
    direction = "higher" if effect > 0 else "lower"
    idx = "" if math.isnan(index) else f", index {index:.0f}"
    values = f"{number(value)} vs {number(pop)} overall{idx}"
    return f"{_strength(effect)}{direction} {feat.name} ({values})"


def _share_point(feat: Feature, row: pd.Series) -> str:
    share, pop = percent(row["value"]), percent(row["population_value"])
    if feat.kind == BINARY:
        what = feat.name if feat.true_value in ("1", "True") else f"{feat.name} = {feat.true_value}"
        return f"{what} for {share} vs {pop} overall"
    return f"{feat.name} is '{row['level']}' for {share} vs {pop} overall"


def segment_points(
    stats: pd.DataFrame, segment: object, features: Sequence[Feature]
) -> list[tuple[float, str]]:
    """(|effect|, phrase) for each feature that sets ``segment`` apart, strongest first."""
    mine = stats[stats["segment"] == segment]
    wanted = {feat.name for feat in features}
    by_feature = {
        name: rows for name, rows in mine.groupby("feature", sort=False) if name in wanted
    }
    points = []
    for feat in features:
        rows = by_feature.get(feat.name, mine.iloc[:0])
        if feat.kind == CATEGORICAL:
            levels = rows[
                (rows["statistic"] == "share")
                & ~rows["level"].isin([OTHER, MISSING])
                & (rows["value"] >= 0.1)
                & (rows["effect_size"] > 0)
            ]
            if levels.empty:
                continue
            row = levels.loc[levels["effect_size"].abs().idxmax()]
        else:
            head = rows[rows["statistic"].isin(["mean", "share"])]
            if head.empty:
                continue
            row = head.iloc[0]
        effect = row["effect_size"]
        if math.isnan(effect) or abs(effect) < MIN_EFFECT:
            continue
        text = _share_point(feat, row) if row["statistic"] == "share" else _numeric_point(feat, row)
        points.append((abs(effect), text))
    points.sort(key=lambda p: -p[0])
    return points


def summarise_segment(
    label: str, size: int, share: float, points: list[tuple[float, str]], unit: str = "customers"
) -> str:
    """One paragraph: who the segment is and what sets it apart."""
    head = f"{label} — {percent(share)} of {unit} ({size:,})."
    chosen = [text for _, text in points[:MAX_POINTS]]
    if not chosen:
        return head + " No feature stands out: close to the average."
    body = "; ".join(chosen)
    if body.split(" ", 1)[0] in _OWN_WORDS:  # never change the case of a column name
        body = body[0].upper() + body[1:]
    return f"{head} {body}."
