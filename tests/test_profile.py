import inspect

import numpy as np
import pandas as pd
import pytest
import shap
from conftest import DRIVERS, NOISE, planted

import segwidgets as sw
from segwidgets._model import tree_shap
from segwidgets._prepare import prepare


def test_planted_drivers_rank_on_top(planted_profile):
    top = planted_profile.top_features(3)
    assert set(top) == DRIVERS
    bottom = list(planted_profile.importance.index[-3:])
    assert set(bottom) == NOISE
    assert planted_profile.quality.f1_weighted > 0.9


def test_importance_is_sum_over_segments(planted_profile):
    by_seg = planted_profile.importance_by_segment
    np.testing.assert_allclose(by_seg.sum(axis=1), planted_profile.importance.loc[by_seg.index])
    assert list(by_seg.columns) == planted_profile.labels


def test_shap_matches_shap_package(planted_df, planted_profiler):
    prep = prepare(planted_df, "group")
    x = prep.model_matrix(np.arange(200))
    booster = planted_profiler.models_[0]
    ours, base = tree_shap(booster, x, n_classes=3)
    theirs = shap.TreeExplainer(booster).shap_values(x)
    assert np.shape(theirs) == ours.shape  # shap >= 0.45: (rows, features, classes)
    np.testing.assert_allclose(ours, theirs, atol=1e-6)
    # SHAP rows add up to the model's raw margin
    margin = booster.predict(x, raw_score=True)
    np.testing.assert_allclose(ours.sum(axis=1) + base, margin, atol=1e-6)


def test_sklearn_conventions():
    params = inspect.signature(sw.SegmentProfiler).parameters
    profiler = sw.SegmentProfiler(top_n=4, cv=3)
    assert profiler.get_params() == {name: getattr(profiler, name) for name in params}
    assert not [k for k in vars(profiler) if k.endswith("_")]
    fitted = profiler.fit(planted(600), "group")
    assert fitted is profiler
    assert isinstance(profiler.profile_, sw.SegmentProfile)
    assert len(profiler.models_) == 3 and profiler.classes_ == ["Alpha", "Beta", "Gamma"]


def test_quality_shapes(planted_profile):
    q = planted_profile.quality
    assert q.confusion.shape == (3, 3)
    np.testing.assert_allclose(q.confusion.sum(axis=1), 1.0)
    assert list(q.per_segment["segment"]) == ["Alpha", "Beta", "Gamma"]
    assert q.folds == 5 and not q.weak
    assert all(a != b for a, b, _ in q.confused_pairs)


def test_random_labels_are_not_distinguishable(planted_df):
    rng = np.random.default_rng(3)
    df = planted_df.assign(group=rng.choice(["x", "y", "z"], len(planted_df)))
    with pytest.raises(sw.SegmentsNotDistinguishable, match=r"weighted F1 is 0\.\d\d") as info:
        sw.profile(df, "group")
    assert info.value.f1_weighted <= 0.5
    assert info.value.confused_pairs
    assert "taken for" in str(info.value)
    prof = sw.profile(df, "group", allow_weak=True)
    assert prof.quality.weak and prof.warnings


def test_sampling_is_reported_and_stats_use_all_rows():
    df = planted(4000)
    prof = sw.profile(df, "group", sample_size=1000, shap_sample_size=300)
    assert prof.sample["rows"] == 4000
    assert prof.sample["model_sampled"] and prof.sample["model_rows"] < 1200
    assert 280 <= prof.sample["shap_rows"] <= 320
    means = prof.stats.query("feature == 'spend' and statistic == 'mean'")
    expected = df.groupby("group")["spend"].mean()
    np.testing.assert_allclose(means["value"], expected.loc[means["segment"]].to_numpy())
    assert set(prof.top_features(3)) == DRIVERS


def test_tiny_segment_is_profiled_but_not_modelled():
    df = planted(900)
    df.loc[df.index[:2], "group"] = "Tiny"
    prof = sw.profile(df, "group")
    segs = prof.segments.set_index("name")
    assert segs.loc["Tiny", "size"] == 2 and not segs.loc["Tiny", "in_model"]
    assert any("'Tiny' has only 2 rows" in w for w in prof.warnings)
    assert "Tiny" in prof.summaries


def test_stability_and_timings(planted_profile):
    assert planted_profile.stability.startswith("top-3 identical in ")
    table = planted_profile.stability_table
    assert table["in_top_share"].between(0, 1).all()
    assert (table.loc[list(DRIVERS), "in_top_share"] == 1).all()
    for stage in ("read", "prepare", "describe", "model", "explain", "summarise", "total"):
        assert planted_profile.timings[stage] >= 0
    assert planted_profile.timings["total"] >= planted_profile.timings["model"]


def test_profile_tables_are_copies(planted_profile):
    importance, stats = planted_profile.importance, planted_profile.stats
    importance.iloc[0] = -1
    stats.loc[0, "value"] = -1
    assert planted_profile.importance.iloc[0] > 0
    assert planted_profile.stats.loc[0, "value"] != -1
    with pytest.raises(AttributeError):
        planted_profile.rows = 3


def test_progress_reports_stages_and_can_cancel(planted_df):
    seen = []
    sw.profile(planted_df, "group", progress=lambda stage, frac: seen.append(stage))
    for stage in ("reading", "preparing", "profiling", "training", "summarising"):
        assert stage in seen

    class CancelledError(Exception):
        pass

    def cancel(stage, frac):
        if stage == "training":
            raise CancelledError

    with pytest.raises(CancelledError):
        sw.profile(planted_df, "group", progress=cancel)


def test_summary_names_planted_drivers(planted_profile):
    gamma = planted_profile.summaries["Gamma"]
    assert gamma.startswith("Gamma — 20% of customers")
    assert "higher spend" in gamma and "is_member for" in gamma
    beta = planted_profile.summaries["Beta"]
    assert "plan is 'plus'" in beta
    assert planted_profile.summary().count("\n\n") == 2


def test_bad_parameters(planted_df):
    with pytest.raises(sw.DataError, match="top_n"):
        sw.profile(planted_df, "group", top_n=0)
    with pytest.raises(sw.DataError, match="cv must"):
        sw.profile(planted_df, "group", cv=1)


def test_path_input_and_demo(tmp_path, demo_profile):
    path = tmp_path / "p.parquet"
    planted(600).to_parquet(path)
    prof = sw.profile(path, "group")
    assert prof.params["source"] == str(path)
    assert prof.rows == 600
    assert demo_profile.id_column == "customer_id"
    assert demo_profile.quality.f1_weighted > 0.8
    assert isinstance(demo_profile.segments, pd.DataFrame)


def test_random_labels_with_unequal_sizes_are_caught_by_kappa(planted_df):
    rng = np.random.default_rng(5)
    df = planted_df.assign(group=rng.choice(["big", "small"], len(planted_df), p=[0.9, 0.1]))
    with pytest.raises(sw.SegmentsNotDistinguishable, match="kappa") as info:
        sw.profile(df, "group")
    assert info.value.f1_weighted > 0.5  # F1 alone would have let this through


def test_model_params_override_the_defaults(planted_df, capfd):
    small_leaves = sw.profile(planted_df, "group", model_params={"min_data_in_leaf": 5})
    printed = capfd.readouterr()
    assert "Fatal" not in printed.out + printed.err  # binning follows the training settings
    assert set(small_leaves.top_features(3)) == {"spend", "plan", "is_member"}
    more = sw.profile(planted_df, "group", model_params={"num_boost_round": 5})
    assert more.quality.f1_weighted != small_leaves.quality.f1_weighted
