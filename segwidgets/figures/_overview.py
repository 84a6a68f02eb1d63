"""Overview: scaled segment means of the top features as grouped bars."""

from __future__ import annotations

import plotly.graph_objects as go

from ..result import SegmentProfile
from ._headline import headline_name, headline_values
from ._style import LABELS, finish, segment_colors, short, text


def overview(profile: SegmentProfile, *, top_n: int | None = None) -> go.Figure:
    """Grouped bars: each top feature's segment means scaled to 0..1, raw values on hover.

    Categorical features show the share of their most distinctive level.
    """
    features = profile.top_features(top_n)
    scaled = profile.scaled_means.loc[features]
    raw = headline_values(profile, features)
    names = [headline_name(profile, f) for f in features]
    colors = segment_colors(profile.labels)
    fig = go.Figure()
    for seg in profile.labels:
        fig.add_bar(
            x=[short(n, 22) for n in names],
            y=scaled[seg],
            name=short(seg),
            marker_color=colors[seg],
            customdata=[
                [text(n), raw.loc[f, seg], raw.loc[f, "population"]]
                for n, f in zip(names, features, strict=True)
            ],
            hovertemplate=(
                f"<b>{text(seg)}</b><br>%{{customdata[0]}}: %{{customdata[1]}}"
                "<br>overall: %{customdata[2]}<extra></extra>"
            ),
        )
    fig.update_layout(barmode="group", bargap=0.25)
    fig.update_yaxes(title=LABELS["scaled_mean"], range=[0, 1.02])
    return finish(fig, f"Top {len(features)} features by segment", height=460)
