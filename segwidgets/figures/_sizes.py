"""Segment sizes."""

from __future__ import annotations

import plotly.graph_objects as go

from .._format import percent
from ..result import SegmentProfile
from ._style import LABELS, finish, segment_colors, short, text


def segment_sizes(profile: SegmentProfile) -> go.Figure:
    """Horizontal bars of segment sizes with their share of rows."""
    seg = profile.segments
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
    return finish(fig, f"Segment sizes ({profile.rows:,} rows)", height=120 + 32 * len(names))
