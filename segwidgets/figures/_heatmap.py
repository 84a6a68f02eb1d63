"""Heatmap of each segment's index vs population for the top features."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..result import SegmentProfile
from ._headline import headline_name, headline_values
from ._style import DIVERGING, LABELS, finish, short, text


def index_heatmap(profile: SegmentProfile, *, top_n: int | None = None) -> go.Figure:
    """Segments × top features coloured by index (100 = population average).

    Colour is on a log scale so that 50 and 200 are equally far from 100; cells without an
    index (dates, features with negative values) stay blank.
    """
    features = profile.top_features(top_n)
    index = profile.index.loc[features]
    raw = headline_values(profile, features)
    names = [headline_name(profile, f) for f in features]
    segs = profile.labels
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.log2(index[segs].to_numpy(dtype=float).T / 100.0)
    z = np.clip(z, -2, 2)
    cell = [[("n/a" if np.isnan(v) else f"{v:.0f}") for v in index[s]] for s in segs]
    custom = [
        [
            [text(n), raw.loc[f, s], raw.loc[f, "population"]]
            for n, f in zip(names, features, strict=True)
        ]
        for s in segs
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[short(n, 22) for n in names],
            y=[short(s, 24) for s in segs],
            zmid=0,
            zmin=-2,
            zmax=2,
            colorscale=DIVERGING,
            text=cell,
            texttemplate="%{text}",
            customdata=custom,
            hovertemplate=(
                "%{y} · %{customdata[0]}<br>index %{text}: %{customdata[1]} vs "
                "%{customdata[2]} overall<extra></extra>"
            ),
            colorbar={
                "title": {"text": "index"},
                "tickvals": [-2, -1, 0, 1, 2],
                "ticktext": ["≤25", "50", "100", "200", "≥400"],
            },
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="")
    return finish(fig, LABELS["index"], height=200 + 40 * len(segs))
