"""Out-of-fold confusion matrix."""

from __future__ import annotations

import plotly.graph_objects as go

from ..result import SegmentProfile
from ._style import LABELS, SEQUENTIAL, finish, short


def confusion_heatmap(profile: SegmentProfile) -> go.Figure:
    """Heatmap of the confusion matrix normalised by true segment."""
    conf = profile.quality.confusion
    labels = [short(n, 20) for n in conf.index]
    fig = go.Figure(
        go.Heatmap(
            z=conf.to_numpy(),
            x=labels,
            y=labels,
            zmin=0,
            zmax=1,
            colorscale=SEQUENTIAL,
            text=[[f"{v:.0%}" for v in row] for row in conf.to_numpy()],
            texttemplate="%{text}",
            hovertemplate="true %{y} → predicted %{x}: %{text}<extra></extra>",
            colorbar={"tickformat": ".0%"},
        )
    )
    fig.update_yaxes(autorange="reversed", title=LABELS["true"])
    fig.update_xaxes(title=LABELS["predicted"])
    f1 = profile.quality.f1_weighted
    return finish(fig, f"Confusion matrix (weighted F1 {f1:.2f})", height=220 + 36 * len(labels))
