import numpy as np
import pandas as pd
from scipy import stats as sps

import segwidgets as sw


def _rows(prof, feature, statistic, level=""):
    s = prof.stats
    return s[(s["feature"] == feature) & (s["statistic"] == statistic) & (s["level"] == level)]


def test_numeric_statistics_against_pandas_and_scipy(planted_df, planted_profile):
    mean = _rows(planted_profile, "spend", "mean").set_index("segment")
    groups = planted_df.groupby("group")["spend"]
    np.testing.assert_allclose(mean["value"], groups.mean().loc[mean.index])
    np.testing.assert_allclose(mean["population_value"], planted_df["spend"].mean())
    np.testing.assert_allclose(mean["index"], 100 * groups.mean() / planted_df["spend"].mean())
    median = _rows(planted_profile, "spend", "median").set_index("segment")
    np.testing.assert_allclose(median["value"], groups.median().loc[median.index])
    std = _rows(planted_profile, "spend", "std").set_index("segment")
    np.testing.assert_allclose(std["value"], groups.std().loc[std.index])
    # effect size and Welch p-value of Gamma vs the rest
    gamma = planted_df["group"] == "Gamma"
    a, b = planted_df.loc[gamma, "spend"], planted_df.loc[~gamma, "spend"]
    pooled = np.sqrt(((len(a) - 1) * a.var() + (len(b) - 1) * b.var()) / (len(a) + len(b) - 2))
    assert mean.loc["Gamma", "effect_size"] == pytest_approx((a.mean() - b.mean()) / pooled)
    welch = sps.ttest_ind(a, b, equal_var=False)
    assert mean.loc["Gamma", "p_value"] == pytest_approx(welch.pvalue, abs=1e-12)


def pytest_approx(value, **kw):
    import pytest

    return pytest.approx(value, rel=1e-9, **kw)


def test_binary_and_categorical_shares(planted_df, planted_profile):
    share = _rows(planted_profile, "is_member", "share").set_index("segment")
    expected = planted_df.groupby("group")["is_member"].mean()
    np.testing.assert_allclose(share["value"], expected.loc[share.index])
    s = planted_profile.stats
    plan = s[(s["feature"] == "plan") & (s["statistic"] == "share")]
    totals = plan.groupby("segment")["value"].sum()
    np.testing.assert_allclose(totals, 1.0)
    crosstab = pd.crosstab(planted_df["group"], planted_df["plan"], normalize="index")
    got = plan.pivot(index="segment", columns="level", values="value")
    np.testing.assert_allclose(got.loc[crosstab.index, crosstab.columns], crosstab)
    v = s[(s["feature"] == "plan") & (s["statistic"] == "cramers_v")].set_index("segment")
    assert v.loc["Beta", "effect_size"] > v.loc["Alpha", "effect_size"] * 0.5
    assert planted_profile.headline_level["plan"] == "plus"


def test_missing_and_other_levels():
    rng = np.random.default_rng(0)
    n = 3000
    df = pd.DataFrame(
        {
            "seg": rng.choice(["a", "b"], n),
            "city": [f"c{i}" for i in rng.integers(0, 40, n)],
            "x": rng.normal(size=n),
        }
    )
    df.loc[df.index[:100], "city"] = None
    prof = sw.profile(df, "seg", allow_weak=True)
    levels = set(prof.stats.query("feature == 'city'")["level"])
    assert {"(other)", "(missing)"} <= levels
    assert len(levels - {"", "(other)", "(missing)"}) == 20


def test_index_undefined_for_negative_values_and_dates(demo_profile):
    idx = demo_profile.index
    assert idx.loc["signup_date"].isna().all()
    assert idx.loc["orders_12m"].notna().all()
    scaled = demo_profile.scaled_means
    assert ((scaled >= 0) & (scaled <= 1)).all().all()


def test_parallel_aggregation_equals_serial(monkeypatch, demo_profile):
    import segwidgets._stats as module
    from segwidgets._prepare import prepare

    prepared = prepare(sw.datasets.demo_customers(n=3000), "segment")
    serial = module.describe(prepared).stats
    monkeypatch.setattr(module, "PARALLEL_ROWS", 0)
    parallel = module.describe(prepared).stats
    pd.testing.assert_frame_equal(serial, parallel)


def test_numeric_aggregates_with_missing_values_and_an_all_missing_segment():
    from segwidgets._stats import POP_QUANTILES, QUANTILES, numeric_agg

    rng = np.random.default_rng(3)
    codes = rng.integers(0, 4, 5000)
    values = rng.normal(1e6, 3.0, 5000)  # a large mean: the variance needs centred sums
    values[rng.random(5000) < 0.2] = np.nan
    values[codes == 2] = np.nan  # segment 2 has rows but no values
    order = np.argsort(codes, kind="stable")
    agg = numeric_agg(values, order, np.bincount(codes, minlength=4))
    frame = pd.DataFrame({"c": codes, "v": values})
    by = frame.groupby("c")["v"]
    np.testing.assert_allclose(agg.n, by.count().to_numpy())
    np.testing.assert_allclose(agg.mean, by.mean().to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(agg.var, by.var().to_numpy(), rtol=1e-9)
    want = np.vstack(
        [by.quantile(q).to_numpy() for q in QUANTILES.values()]
    ).T  # segments x quantiles
    np.testing.assert_allclose(agg.quantiles, want, rtol=1e-12)
    np.testing.assert_allclose(agg.pop_quantiles, frame["v"].quantile(POP_QUANTILES), rtol=1e-12)
    assert np.isnan(agg.quantiles[2]).all() and agg.n[2] == 0
    np.testing.assert_allclose(agg.rows, np.bincount(codes))
    assert agg.low == np.nanmin(values) and agg.high == np.nanmax(values)
