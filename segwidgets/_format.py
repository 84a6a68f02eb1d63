"""Formatting numbers, shares, dates and labels for people (summaries, charts, reports)."""

from __future__ import annotations

import math

import pandas as pd


def label_text(label: object) -> str:
    """Segment label as text; integral floats lose their ``.0``."""
    if isinstance(label, float) and label.is_integer():
        return str(int(label))
    return str(label)


def number(value: float) -> str:
    """A number with as many digits as a reader needs."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    size = abs(value)
    if size >= 10:
        return f"{value:,.0f}"
    if size >= 1:
        return f"{value:.1f}"
    return f"{value:.2f}"


def percent(share: float) -> str:
    """A share in 0..1 as a whole percentage (one decimal under 1%)."""
    if share is None or math.isnan(share):
        return "n/a"
    if 0 < share < 0.01:
        return f"{share * 100:.1f}%"
    return f"{share * 100:.0f}%"


def date_from_days(days: float, origin: pd.Timestamp | None) -> str:
    """A date-feature value (days since ``origin``) as an ISO date."""
    if origin is None or days is None or math.isnan(days):
        return "n/a"
    return (origin + pd.Timedelta(days=float(days))).strftime("%Y-%m-%d")


def shorten(text: str, width: int = 28) -> str:
    """Cut a long label to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"
