"""One feature by segment, in raw units."""

from __future__ import annotations

import plotly.graph_objects as go

from .._format import date_from_days
from .._prepare import BINARY, CATEGORICAL, DATE
from .._stats import MISSING, OTHER, QUANTILES
from ..result import SegmentProfile
from ._style import LABELS, POPULATION_COLOR, finish, segment_colors, short, text

NEUTRAL = {OTHER: "#BBBBBB", MISSING: "#E5E5E5"}


def feature_chart(profile: SegmentProfile, feature: str) -> go.Figure:
    """Box per segment (numeric, dates), share bars (binary) or 100% stacked bars (categorical).

    Boxes are drawn from exact quartiles over all rows (whiskers: 5th and 95th
    percentiles), so no row-level data goes into the figure.
    """
    info = profile.feature(feature)
    rows = profile.stats
    rows = rows[rows["feature"] == feature]
    if info.kind == CATEGORICAL:
        return _stacked(profile, feature, rows)
    if info.kind == BINARY:
        return _shares(profile, feature, rows, info.true_value)
    return _boxes(profile, feature, rows, info)


def _by_segment(profile, rows, statistic):
    names = dict(zip(profile.segments["label"], profile.segments["name"], strict=True))
    sub = rows[rows["statistic"] == statistic]
    return dict(zip(sub["segment"].map(names), sub["value"], strict=True)), sub[
        "population_value"
    ].iloc[0]


def _boxes(profile, feature, rows, info):
    stats = {s: _by_segment(profile, rows, s)[0] for s in (*QUANTILES, "mean")}
    colors = segment_colors(profile.labels)
    fig = go.Figure()
    for seg in profile.labels:
        fig.add_trace(
            go.Box(
                x=[short(seg, 22)],
                name=short(seg, 22),
                q1=[stats["q25"][seg]],
                median=[stats["median"][seg]],
                q3=[stats["q75"][seg]],
                lowerfence=[stats["p05"][seg]],
                upperfence=[stats["p95"][seg]],
                mean=[stats["mean"][seg]],
                marker_color=colors[seg],
                showlegend=False,
            )
        )
    pop_mean = _by_segment(profile, rows, "mean")[1]
    fig.add_hline(
        y=pop_mean,
        line={"dash": "dot", "color": POPULATION_COLOR},
        annotation_text="overall mean",
        annotation_position="top left",
    )
    if info.kind == DATE:
        ticks = [stats["p05"][s] for s in profile.labels] + [
            stats["p95"][s] for s in profile.labels
        ]
        lo, hi = min(ticks), max(ticks)
        vals = [lo + (hi - lo) * i / 4 for i in range(5)]
        fig.update_yaxes(tickvals=vals, ticktext=[date_from_days(v, info.origin) for v in vals])
    fig.update_yaxes(title=text(feature))
    return finish(fig, f"{feature} by segment (box: quartiles, whiskers: 5th–95th percentile)")


def _shares(profile, feature, rows, true_value):
    shares, population = _by_segment(profile, rows, "share")
    colors = segment_colors(profile.labels)
    segs = profile.labels
    fig = go.Figure(
        go.Bar(
            x=[short(s, 22) for s in segs],
            y=[shares[s] for s in segs],
            marker_color=[colors[s] for s in segs],
            customdata=[text(s) for s in segs],
            hovertemplate="%{customdata}: %{y:.0%}<extra></extra>",
        )
    )
    fig.add_hline(
        y=population,
        line={"dash": "dot", "color": POPULATION_COLOR},
        annotation_text=f"overall {population:.0%}",
        annotation_position="top left",
    )
    what = feature if true_value in ("1", "True") else f"{feature} = {true_value}"
    fig.update_yaxes(title=LABELS["share"], tickformat=".0%", range=[0, 1])
    return finish(fig, f"{what}: share by segment")


def _stacked(profile, feature, rows):
    import plotly.colors as pc

    names = dict(zip(profile.segments["label"], profile.segments["name"], strict=True))
    shares = rows[rows["statistic"] == "share"].assign(seg=lambda d: d["segment"].map(names))
    table = shares.pivot(index="level", columns="seg", values="value")
    order = list(dict.fromkeys(shares["level"]))
    table = table.loc[order]
    population = shares.drop_duplicates("level").set_index("level")["population_value"]
    segs = ["(all)", *profile.labels]
    colours = pc.sample_colorscale(
        "cividis", [i / max(len(order) - 1, 1) for i in range(len(order))]
    )
    fig = go.Figure()
    for level, colour in zip(order, colours, strict=True):
        values = [population[level]] + [table.loc[level, s] for s in profile.labels]
        fig.add_bar(
            y=[short(s, 22) for s in segs],
            x=values,
            orientation="h",
            name=short(level, 22),
            marker_color=colour,
            customdata=[text(s) for s in segs],
            hovertemplate=f"%{{customdata}} · {text(level)}: %{{x:.0%}}<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickformat=".0%", range=[0, 1], title=LABELS["share"])
    fig.update_yaxes(autorange="reversed")
    return finish(fig, f"{feature} by segment", height=180 + 34 * len(segs))
