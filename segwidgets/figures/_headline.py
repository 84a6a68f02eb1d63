"""The one number per feature and segment that overview charts show, in raw units."""

from __future__ import annotations

import pandas as pd

from .._format import date_from_days, number, percent
from .._prepare import CATEGORICAL, DATE, NUMERIC
from ..result import SegmentProfile


def headline_name(profile: SegmentProfile, feature: str) -> str:
    """Feature name, with the headline level for categoricals ("channel = Web")."""
    level = profile.headline_level.get(feature)
    return f"{feature} = {level}" if level is not None else feature


def headline_values(profile: SegmentProfile, features: list[str]) -> pd.DataFrame:
    """Feature × segment raw headline value as display text, plus a ``population`` column."""
    stats = profile.stats
    out = {}
    for feature in features:
        info = profile.feature(feature)
        rows = stats[stats["feature"] == feature]
        if info.kind == CATEGORICAL:
            rows = rows[
                (rows["level"] == profile.headline_level[feature]) & (rows["statistic"] == "share")
            ]
        else:
            rows = rows[rows["statistic"].isin(["mean", "share"])]

        def show(value: float, info=info) -> str:
            if info.kind == DATE:
                return date_from_days(value, info.origin)
            return number(value) if info.kind == NUMERIC else percent(value)

        values = {
            str(seg): show(v)
            for seg, v in zip(rows["segment"].map(_name(profile)), rows["value"], strict=True)
        }
        values["population"] = show(rows["population_value"].iloc[0])
        out[feature] = values
    return pd.DataFrame(out).T


def _name(profile: SegmentProfile):
    lookup = dict(zip(profile.segments["label"], profile.segments["name"], strict=True))
    return lambda label: lookup[label]
