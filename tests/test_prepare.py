import datetime

import numpy as np
import pandas as pd
import pytest
from conftest import planted

import segwidgets as sw
from segwidgets._prepare import CATEGORICAL, DATE, NUMERIC, prepare


def test_id_found_without_being_told(planted_df):
    prep = prepare(planted_df, "group")
    assert prep.id_column == "ref"
    assert "ref" not in [f.name for f in prep.features]


def test_id_named_like_an_id_with_duplicates():
    df = planted(500).assign(CustomerID=lambda d: np.arange(len(d)) // 1.02)
    df["CustomerID"] = df["CustomerID"].astype(int)
    assert "CustomerID" in sw.suggest_id(df)


def test_constant_dropped_with_note(planted_df):
    prep = prepare(planted_df, "group")
    assert "constant" not in prep.frame.columns
    assert any("'constant' has a single value" in note for note in prep.notes)


def test_segment_is_suggested_not_imposed(planted_df):
    assert sw.suggest_segment(planted_df) == "group"
    prep = prepare(planted_df, "plan")  # the caller's choice wins
    assert prep.segment == "plan"


def test_kinds_and_dates():
    df = pd.DataFrame(
        {
            "seg": ["a", "b"] * 50,
            "when": pd.date_range("2024-01-01", periods=100, freq="D"),
            "when_text": [f"2023-02-{1 + i % 28:02d}" for i in range(100)],
            "amount": np.arange(100.0),
            "colour": ["red", "blue", "green", "red"] * 25,
            "zip_code": [1000 + i % 5 for i in range(100)],
        }
    )
    prep = prepare(df, "seg")
    kinds = {f.name: f.kind for f in prep.features}
    assert kinds == {
        "when": DATE,
        "when_text": DATE,
        "amount": NUMERIC,
        "colour": CATEGORICAL,
        "zip_code": CATEGORICAL,
    }
    assert prep.frame["when"].min() == 0 and prep.frame["when"].max() == 99


def test_calendar_date_objects_as_pyarrow_reads_them(tmp_path):
    path = tmp_path / "dates.csv"
    days = pd.date_range("2024-01-01", periods=100, freq="D")
    text = pd.Series(days.strftime("%Y-%m-%d"), dtype=object)
    text.iloc[3] = None
    pd.DataFrame({"seg": ["a", "b"] * 50, "joined": text, "x": np.arange(100.0)}).to_csv(
        path, index=False
    )
    raw = pd.read_csv(path, engine="pyarrow")
    assert raw["joined"].dropna().map(type).eq(datetime.date).all()  # what the fast path sees
    prep = prepare(raw, "seg")
    joined = prep.frame["joined"]
    assert {f.name: f.kind for f in prep.features}["joined"] == DATE
    assert np.isnan(joined.iloc[3]) and joined.iloc[4] == 4 and joined.max() == 99
    mixed = raw.assign(joined=raw["joined"].astype(object).where(raw.index != 5, "2024-01-06"))
    assert prepare(mixed, "seg").frame["joined"].equals(joined)  # mixed objects: parsed


def test_date_as_categorical_does_not_break_lightgbm():
    # LightGBM 4.7 + pandas 3 fail to save a model whose categories are Timestamps.
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "seg": np.repeat(["x", "y"], 200),
            "day": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 5, 400), "D"),
            "v": np.r_[rng.normal(0, 1, 200), rng.normal(3, 1, 200)],
        }
    )
    prof = sw.profile(df, "seg", categorical=["day"])
    assert prof.feature("day").kind == CATEGORICAL
    assert all(len(level) == 10 for level in prof.feature("day").levels)


def test_high_cardinality_categorical_is_capped():
    rng = np.random.default_rng(0)
    n = 2000
    df = pd.DataFrame(
        {"seg": rng.choice(["a", "b"], n), "city": [f"city {i}" for i in rng.integers(0, 80, n)]}
    )
    prep = prepare(df, "seg", max_levels=30)
    feat = prep.features[0]
    assert feat.n_levels == 80 and len(feat.levels) == 30
    codes = prep.model_matrix()[:, 0]
    assert np.nanmax(codes) == 30  # "other"
    assert any("most frequent" in note for note in prep.notes)


@pytest.mark.parametrize(
    "labels",
    [
        ["north", "south", "east"],
        [3, 13, 23],
        [0.5, 1.5, 7.25],
        [True, False, True],
    ],
    ids=["str", "gappy-int", "float", "bool"],
)
def test_labels_of_every_type(labels):
    df = planted(900)
    mapping = dict(zip(["Alpha", "Beta", "Gamma"], labels, strict=True))
    df["group"] = df["group"].map(mapping)
    prof = sw.profile(df, "group", allow_weak=True)
    assert set(prof.segments["label"]) == set(labels)
    assert prof.segments["size"].sum() == len(df)


def test_missing_segments_dropped_and_counted(planted_df):
    df = planted_df.copy()
    df.loc[df.index[:37], "group"] = None
    prep = prepare(df, "group")
    assert prep.dropped_missing_segment == 37
    assert len(prep.codes) == len(df) - 37


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"segment": "grup"}, r"No segment column named 'grup'\. Did you mean 'group'\?"),
        ({"segment": "ref"}, r"3,000 distinct values, more than 50 segments"),
        ({"segment": "group", "id_column": "nope"}, r"No ID column named 'nope'"),
        ({"segment": "group", "exclude": ["nope"]}, r"No excluded column named"),
    ],
)
def test_clear_errors(planted_df, kwargs, message):
    with pytest.raises(sw.DataError, match=message):
        prepare(planted_df, **kwargs)


def test_one_segment_and_no_features(planted_df):
    with pytest.raises(sw.DataError, match="only one segment"):
        prepare(planted_df.assign(group="x"), "group")
    with pytest.raises(sw.DataError, match="No usable feature columns"):
        prepare(planted_df[["ref", "group", "constant"]], "group")


def test_messy_values_and_duplicate_names():
    df = pd.DataFrame(
        {
            "seg": ["a", "b"] * 100,
            "num": [str(i) if i % 10 else "n/a" for i in range(200)],
            "big": [np.inf if i == 3 else float(i) for i in range(200)],
        }
    )
    df = pd.concat([df, df[["big"]]], axis=1)  # duplicate column name
    prep = prepare(df, "seg")
    names = [f.name for f in prep.features]
    assert names == ["num", "big", "big (2)"]
    assert prep.features[0].kind == NUMERIC
    assert prep.frame["num"].isna().sum() == 20
    assert prep.frame["big"].isna().sum() == 1
    assert any("Duplicate column name" in n for n in prep.notes)


def test_callers_dataframe_is_not_modified(planted_df):
    df = planted_df.copy()
    df.loc[df.index[:5], "group"] = None
    before = df.copy(deep=True)
    sw.profile(df, "group", categorical=["noise_cat"])
    pd.testing.assert_frame_equal(df, before, check_exact=True)
    assert list(df.dtypes) == list(before.dtypes)


def test_parallel_classification_equals_serial(monkeypatch):
    import segwidgets._prepare as module

    df = _messy_for_parallel()
    serial = prepare(df, "seg")
    monkeypatch.setattr(module, "PARALLEL_ROWS", 0)
    parallel = prepare(df, "seg")
    assert parallel.features == serial.features and parallel.notes == serial.notes
    pd.testing.assert_frame_equal(parallel.frame, serial.frame)


def _messy_for_parallel() -> pd.DataFrame:
    df = sw.datasets.demo_customers(n=2000)
    df["text_num"] = [str(i) if i % 9 else "n/a" for i in range(len(df))]
    df["const"] = 1
    return df.rename(columns={"segment": "seg"})
