"""Feature importance, stacked by segment."""

from __future__ import annotations

import plotly.graph_objects as go

from ..result import SegmentProfile
from ._style import LABELS, finish, segment_colors, short, text


def importance_bar(profile: SegmentProfile, *, top_n: int | None = None) -> go.Figure:
    """Horizontal bars of mean |SHAP| per original column, stacked by segment."""
    n = top_n or max(profile.top_n, 10)
    by_seg = profile.importance_by_segment.iloc[:n]
    colors = segment_colors(profile.labels)
    features = list(by_seg.index)
    fig = go.Figure()
    for name in by_seg.columns:
        fig.add_bar(
            y=[short(f) for f in features],
            x=by_seg[name],
            orientation="h",
            name=short(name),
            marker_color=colors[name],
            customdata=[text(f) for f in features],
            hovertemplate=f"%{{customdata}}<br>{text(name)}: %{{x:.3f}}<extra></extra>",
        )
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=LABELS["importance"])
    return finish(fig, "What tells segments apart (SHAP)", height=160 + 28 * len(features))
