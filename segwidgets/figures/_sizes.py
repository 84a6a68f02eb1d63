"""Segment sizes."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .._format import percent
from ..result import SegmentProfile
from ._style import LABELS, finish, segment_colors, short, text


def segment_sizes(profile: SegmentProfile | pd.DataFrame) -> go.Figure:
    """Horizontal bars of segment sizes with their share of rows.

    Takes the profile, or its ``segments`` table alone (which a UI gets before the model
    has finished, see ``SegmentProfiler.fit(on_segments=...)``).
    """
    seg = profile if isinstance(profile, pd.DataFrame) else profile.segments
    rows = int(seg["size"].sum())
    names = list(seg["name"])
    colors = segment_colors(names)
    fig = go.Figure(
        go.Bar(
            y=[short(n) for n in names],
            x=seg["size"],
            orientation="h",
            marker_color=[colors[n] for n in names],
            text=[f"{s:,} ({percent(p)})" for s, p in zip(seg["size"], seg["share"], strict=True)],
            textposition="auto",
            customdata=[text(n) for n in names],
            hovertemplate="%{customdata}: %{x:,} rows<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=LABELS["size"])
    return finish(fig, f"Segment sizes ({rows:,} rows)", height=120 + 32 * len(names))
