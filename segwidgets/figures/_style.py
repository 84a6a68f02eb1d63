"""Colours, labels and layout shared by every chart."""

from __future__ import annotations

import html

import plotly.graph_objects as go

from .._format import shorten

# Okabe–Ito (colour-blind safe) first, then Paul Tol's muted palette for many segments.
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255",
    "#AA4499", "#DDDDDD",
)  # fmt: skip
POPULATION_COLOR = "#555555"
DIVERGING = "RdBu_r"  # blue = below average, red = above; readable with colour-blindness
SEQUENTIAL = "Blues"
LABEL_WIDTH = 28
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"

LABELS = {
    "scaled_mean": "Scaled mean (0 = 1st, 1 = 99th percentile)",
    "index": "Index vs population (100 = average)",
    "importance": "Mean |SHAP| (summed over segments)",
    "share": "Share of segment",
    "segment": "Segment",
    "size": "Customers",
    "true": "True segment",
    "predicted": "Predicted segment (out-of-fold)",
}


def text(value: object) -> str:
    """User-provided text made safe for plotly labels (plotly renders some HTML)."""
    return html.escape(str(value), quote=False)


def short(value: object, width: int = LABEL_WIDTH) -> str:
    """A label cut to ``width`` characters, escaped; the hover shows the full text."""
    return text(shorten(str(value), width))


def segment_colors(names: list[str]) -> dict[str, str]:
    """One colour per segment, in segment order, the same in every chart."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def finish(fig: go.Figure, title: str, *, height: int | None = None) -> go.Figure:
    """Apply the shared layout."""
    fig.update_layout(
        title={"text": text(title), "x": 0.01, "xanchor": "left"},
        template="plotly_white",
        font={"family": FONT, "size": 13},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"title": {"text": ""}},
        hoverlabel={"namelength": -1},
    )
    if height:
        fig.update_layout(height=height)
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig
