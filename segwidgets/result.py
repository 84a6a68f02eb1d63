"""The frozen result of profiling: everything figures, widgets and exports read."""

from __future__ import annotations

import html
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._prepare import Feature

if TYPE_CHECKING:
    from .figures import FigureAccessor

__all__ = ["Quality", "SegmentProfile"]


@dataclass(frozen=True)
class Quality:
    """How well a classifier tells the segments apart (out-of-fold).

    Attributes
    ----------
    f1_weighted : float
        Weighted F1 of out-of-fold predictions.
    kappa : float
        Cohen's kappa of the same predictions: 0 is no better than guessing by segment
        sizes, 1 is perfect (weighted F1 alone looks good on very unequal segments).
    per_segment : pandas.DataFrame
        ``segment``, ``f1``, ``support`` for each segment in the model.
    confusion : pandas.DataFrame
        Confusion matrix normalised by true segment (rows sum to 1).
    confused_pairs : list of tuple
        ``(true segment, predicted segment, share)``, most confused first.
    folds : int
        Number of cross-validation folds.
    weak : bool
        True when F1 is at or below the threshold, or kappa at or below 0.2.
    """

    f1_weighted: float
    kappa: float
    per_segment: pd.DataFrame
    confusion: pd.DataFrame
    confused_pairs: list[tuple[str, str, float]]
    folds: int
    weak: bool

    def __repr__(self) -> str:
        pairs = ", ".join(f"{a}→{b} {s:.0%}" for a, b, s in self.confused_pairs[:3]) or "none"
        return (
            f"Quality(f1_weighted={self.f1_weighted:.3f}, kappa={self.kappa:.3f}, "
            f"folds={self.folds}, "
            f"weak={self.weak}, most confused: {pairs})"
        )


def _copy(value: Any) -> Any:
    return value.copy() if isinstance(value, pd.DataFrame | pd.Series | np.ndarray) else value


@dataclass(frozen=True, repr=False)
class SegmentProfile:
    """What makes each segment different; produced by :class:`SegmentProfiler`.

    Tables are returned as copies, so the profile cannot be changed through them.

    Attributes
    ----------
    segment_column, id_column : str or None
        Columns used as segment label and row identifier.
    rows : int
        Rows profiled (rows with a segment); ``rows_input`` counts all rows read.
    quality : Quality
        Out-of-fold distinguishability.
    stability : str
        How stable the top features are across cross-validation folds.
    sample : dict
        Rows used for statistics, the model and SHAP.
    timings : dict
        Seconds per stage and ``total``.
    notes, warnings : tuple of str
        Decisions taken on the data, and things to be careful about.
    """

    segment_column: str
    id_column: str | None
    rows_input: int
    rows: int
    dropped_missing_segment: int
    feature_info: tuple[Feature, ...]
    quality: Quality
    stability: str
    sample: dict[str, Any]
    timings: dict[str, float]
    notes: tuple[str, ...]
    warnings: tuple[str, ...]
    params: dict[str, Any]
    summaries: dict[str, str]
    _segments: pd.DataFrame = field(repr=False)
    _importance: pd.Series = field(repr=False)
    _importance_by_segment: pd.DataFrame = field(repr=False)
    _stability_table: pd.DataFrame = field(repr=False)
    _stats: pd.DataFrame = field(repr=False)
    _effect: pd.DataFrame = field(repr=False)
    _index: pd.DataFrame = field(repr=False)
    _scaled: pd.DataFrame = field(repr=False)
    headline_level: dict[str, str] = field(repr=False, default_factory=dict)

    # ----- tables -------------------------------------------------------------------
    @property
    def segments(self) -> pd.DataFrame:
        """``label``, ``name`` (label as text), ``size``, ``share``, ``in_model``."""
        return _copy(self._segments)

    @property
    def labels(self) -> list[str]:
        """Segment labels as text, in the order used everywhere."""
        return list(self._segments["name"])

    @property
    def importance(self) -> pd.Series:
        """Original column → mean |SHAP| summed over all segments, most important first."""
        return _copy(self._importance)

    @property
    def importance_by_segment(self) -> pd.DataFrame:
        """Feature × segment mean |SHAP| of each segment's model output (rows sum to importance)."""
        return _copy(self._importance_by_segment)

    @property
    def stability_table(self) -> pd.DataFrame:
        """Per feature: global rank and the share of CV folds that put it in the top-N."""
        return _copy(self._stability_table)

    @property
    def stats(self) -> pd.DataFrame:
        """Tidy per-segment statistics of every feature (all rows, raw units)."""
        return _copy(self._stats)

    @property
    def effect(self) -> pd.DataFrame:
        """Feature × segment effect size vs the rest (Cohen's d, Cohen's h for shares)."""
        return _copy(self._effect)

    @property
    def index(self) -> pd.DataFrame:
        """Feature × segment index vs population (100 = average; NaN where undefined)."""
        return _copy(self._index)

    @property
    def scaled_means(self) -> pd.DataFrame:
        """Feature × segment means scaled to 0..1 (1st–99th percentile); for overview charts."""
        return _copy(self._scaled)

    @property
    def top_n(self) -> int:
        """Number of top features the profile was asked for."""
        return int(self.params["top_n"])

    def top_features(self, n: int | None = None) -> list[str]:
        """The ``n`` most important original columns (default: the profiler's ``top_n``)."""
        return list(self._importance.index[: n or self.top_n])

    def feature(self, name: str) -> Feature:
        """Description (kind, levels, date origin) of one feature column."""
        for feat in self.feature_info:
            if feat.name == name:
                return feat
        raise KeyError(f"{name!r} is not a feature of this profile.")

    # ----- text ---------------------------------------------------------------------
    def summary(self) -> str:
        """Plain-language description of every segment, one paragraph each."""
        return "\n\n".join(self.summaries.values())

    def __repr__(self) -> str:
        return (
            f"<SegmentProfile of {self.segment_column!r}: {len(self._segments)} segments, "
            f"{self.rows:,} rows, F1 {self.quality.f1_weighted:.2f}, "
            f"top features {self.top_features()}>"
        )

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(text)}</li>" for text in self.summaries.values())
        head = html.escape(repr(self))
        return f"<p><code>{head}</code></p><ul>{items}</ul>"

    # ----- exports (implemented in _export) ------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """Tidy profile table: one row per segment × feature × statistic (× level)."""
        from ._export import to_frame

        return to_frame(self)

    def to_csv(self, path: str | os.PathLike) -> None:
        """Write :meth:`to_frame` as CSV (formula-like cells neutralised)."""
        from ._export import to_csv

        to_csv(self, path)

    def to_excel(self, path: str | os.PathLike) -> None:
        """Write a workbook with sheets profiles, importance, segments, quality, summaries."""
        from ._export import to_excel

        to_excel(self, path)

    def to_markdown(self) -> str:
        """The summaries and headline numbers as Markdown."""
        from ._export import to_markdown

        return to_markdown(self)

    def to_html(self, path: str | os.PathLike | None = None) -> str:
        """A self-contained offline HTML report (plotly.js inlined); written if ``path``."""
        from ._export import to_html

        return to_html(self, path)

    def to_code(self, source: str | None = None) -> str:
        """Python code that reproduces this analysis with the same parameters.

        ``source`` names the data file when the profile was made from a DataFrame.
        """
        from ._export import to_code

        return to_code(self, source)

    def to_dict(self) -> dict[str, Any]:
        """Headline results as JSON-ready Python objects."""
        from ._export import to_dict

        return to_dict(self)

    @property
    def figures(self) -> FigureAccessor:
        """Chart functions bound to this profile, e.g. ``prof.figures.overview(top_n=7)``."""
        from .figures import FigureAccessor

        return FigureAccessor(self)
