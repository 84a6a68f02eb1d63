"""Exceptions raised by segwidgets: each carries one sentence a user can act on."""

from __future__ import annotations

__all__ = ["DataError", "SegmentsNotDistinguishable", "SegwidgetsError"]


class SegwidgetsError(ValueError):
    """Base class of every error segwidgets raises on purpose."""


class DataError(SegwidgetsError):
    """The input data or the chosen columns cannot be profiled."""


class SegmentsNotDistinguishable(SegwidgetsError):  # noqa: N818 - name given by the design
    """A classifier cannot tell the segments apart well enough to explain them.

    Attributes
    ----------
    f1_weighted : float
        Out-of-fold weighted F1 of the classifier.
    confused_pairs : list of tuple
        ``(true label, predicted label, share)`` of the most confused pairs.
    """

    def __init__(self, message: str, f1_weighted: float, confused_pairs: list) -> None:
        super().__init__(message)
        self.f1_weighted = f1_weighted
        self.confused_pairs = confused_pairs
