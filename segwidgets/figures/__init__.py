"""Charts of a SegmentProfile: pure functions ``(profile, *, options) -> go.Figure``.

They read only the profile, never recompute it, and never call ``.show()``.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from ..result import SegmentProfile
from ._confusion import confusion_heatmap
from ._feature import feature_chart
from ._heatmap import index_heatmap
from ._importance import importance_bar
from ._overview import overview
from ._sizes import segment_sizes
from ._style import PALETTE, segment_colors

__all__ = [
    "PALETTE",
    "FigureAccessor",
    "confusion_heatmap",
    "feature_chart",
    "importance_bar",
    "index_heatmap",
    "overview",
    "segment_colors",
    "segment_sizes",
]


class FigureAccessor:
    """The chart functions bound to one profile: ``prof.figures.overview(top_n=7)``."""

    def __init__(self, profile: SegmentProfile) -> None:
        self._profile = profile

    def overview(self, **options: Any) -> go.Figure:
        """See :func:`segwidgets.figures.overview`."""
        return overview(self._profile, **options)

    def index_heatmap(self, **options: Any) -> go.Figure:
        """See :func:`segwidgets.figures.index_heatmap`."""
        return index_heatmap(self._profile, **options)

    def importance_bar(self, **options: Any) -> go.Figure:
        """See :func:`segwidgets.figures.importance_bar`."""
        return importance_bar(self._profile, **options)

    def feature_chart(self, feature: str) -> go.Figure:
        """See :func:`segwidgets.figures.feature_chart`."""
        return feature_chart(self._profile, feature)

    def confusion_heatmap(self) -> go.Figure:
        """See :func:`segwidgets.figures.confusion_heatmap`."""
        return confusion_heatmap(self._profile)

    def segment_sizes(self) -> go.Figure:
        """See :func:`segwidgets.figures.segment_sizes`."""
        return segment_sizes(self._profile)
