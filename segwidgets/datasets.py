"""Synthetic demo data, generated on the fly (nothing is downloaded)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["demo_customers"]

# name: (share, orders_12m mean, avg_basket mean, discount_share (beta a, b),
#        days since last order mean, preferred channel, member probability, tenure years)
_SEGMENTS = {
    "Bargain hunters": (0.25, 9, 38, (4.5, 5.5), 40, "Email promo", 0.35, 3.0),
    "Loyal regulars": (0.30, 16, 55, (1.5, 8.5), 15, "Store", 0.80, 6.0),
    "Big spenders": (0.12, 7, 160, (1.0, 9.0), 30, "Web", 0.60, 4.0),
    "Dormant": (0.18, 2, 45, (2.0, 8.0), 260, "Web", 0.20, 5.0),
    "New joiners": (0.15, 4, 50, (2.5, 7.5), 20, "App", 0.30, 0.4),
}
_CHANNELS = ["Email promo", "Store", "Web", "App"]
_REGIONS = ["North", "South", "East", "West", "Central"]


def demo_customers(n: int = 5000, random_state: int = 0) -> pd.DataFrame:
    """A synthetic customer table with five named segments.

    Columns: ``customer_id``; ``segment`` (the label); numeric ``age``, ``orders_12m``,
    ``avg_basket``, ``discount_share``, ``days_since_last_order``, ``web_visits_30d``,
    ``returns_rate``; categorical ``channel``, ``region``; boolean ``is_member``,
    ``newsletter``; date ``signup_date``. Drivers are planted in orders, basket, discount
    share, recency, channel, membership and signup date; ``age``, ``region``,
    ``newsletter`` and ``returns_rate`` do not differ by segment. About 3% of a few
    columns are missing.

    Parameters
    ----------
    n : int
        Number of customers.
    random_state : int
        Seed; the same seed gives the same table.

    Returns
    -------
    pandas.DataFrame
    """
    rng = np.random.default_rng(random_state)
    names = list(_SEGMENTS)
    shares = np.array([v[0] for v in _SEGMENTS.values()])
    seg = rng.choice(len(names), size=n, p=shares / shares.sum())
    par = [_SEGMENTS[name] for name in names]

    def per(i: int) -> np.ndarray:
        return np.array([p[i] for p in par], dtype=object)[seg]

    orders = rng.poisson(per(1).astype(float))
    basket = rng.gamma(4.0, per(2).astype(float) / 4.0).round(2)
    beta = np.array([p[3] for p in par])[seg]
    discount = rng.beta(beta[:, 0], beta[:, 1]).round(3)
    recency = rng.exponential(per(4).astype(float)).round().astype(int)
    favourite = per(5)
    channel = np.where(rng.random(n) < 0.55, favourite, rng.choice(_CHANNELS, size=n)).astype(
        object
    )
    member = rng.random(n) < per(6).astype(float)
    tenure_days = rng.gamma(2.0, per(7).astype(float) * 365 / 2.0)
    today = pd.Timestamp("2026-06-30")
    signup = (today - pd.to_timedelta(tenure_days.round(), unit="D")).normalize()

    frame = pd.DataFrame(
        {
            "customer_id": [f"C{i:06d}" for i in rng.permutation(n) + 1],
            "segment": np.array(names, dtype=object)[seg],
            "age": rng.normal(44, 13, n).clip(18, 90).round().astype(int),
            "orders_12m": orders,
            "avg_basket": basket,
            "discount_share": discount,
            "days_since_last_order": recency,
            "web_visits_30d": rng.poisson(np.where(favourite == "Web", 9, 4) + orders / 4),
            "returns_rate": rng.beta(1.2, 12, n).round(3),
            "channel": channel,
            "region": rng.choice(_REGIONS, size=n),
            "is_member": member,
            "newsletter": rng.random(n) < 0.4,
            "signup_date": signup,
        }
    )
    for column in ("avg_basket", "channel", "age"):
        holes = rng.random(n) < 0.03
        frame[column] = frame[column].astype(object if column == "channel" else float)
        frame.loc[holes, column] = None if column == "channel" else np.nan
    return frame
