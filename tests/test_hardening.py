"""Messy and hostile input, one table row per case, through the library, the CLI and the app.

Every case either profiles correctly or fails with one clear sentence (CLI exit 2, or 3 for
segments that cannot be told apart; the app shows it in its alert area), and the input file
stays byte-identical.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import planted

import segwidgets as sw
from segwidgets.cli import main
from segwidgets.widgets import App

HOSTILE = {
    "spend": "<img src=x onerror=alert(1)>",
    "plan": "plan \"quoted\" 'single'",
    "is_member": "member 🎉",
    "noise_a": "ノイズ",
    "noise_b": "ضوضاء",
}


def _csv(df: pd.DataFrame, **kw) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / kw.pop("name", "data.csv")
        df.to_csv(path, index=False, **kw)
        return path

    return make


def _bytes(content: bytes, name: str = "data.csv") -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / name
        path.write_bytes(content)
        return path

    return make


def _written(writer: str, name: str, df: pd.DataFrame) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        path = tmp / name
        if writer == "gzip":
            with gzip.open(path, "wt", encoding="utf-8") as fh:
                df.to_csv(fh, index=False)
        else:
            getattr(df, writer)(path, index=False)
        return path

    return make


def _empty_excel(tmp: Path) -> Path:
    path = tmp / "empty.xlsx"
    pd.DataFrame().to_excel(path, index=False)
    return path


def _dup_header(tmp: Path) -> Path:
    df = planted(600)
    text = df.to_csv(index=False).replace("noise_b", "noise_a", 1)
    path = tmp / "dup.csv"
    path.write_text(text)
    return path


@dataclass
class Case:
    id: str
    make: Callable[[Path], Path]
    segment: str = "group"
    error: str | None = None  # message that must appear, or None when it must work
    exit_code: int = 2
    check: Callable[[sw.SegmentProfile], None] | None = None
    extra: dict = field(default_factory=dict)


def _random_labels() -> pd.DataFrame:
    df = planted(900)
    df["group"] = np.random.default_rng(0).choice(["x", "y", "z"], len(df))
    return df


def _with(df: pd.DataFrame, **columns) -> pd.DataFrame:
    return df.assign(**columns)


def _labels_3_13_23() -> pd.DataFrame:
    df = planted(900)
    df["group"] = df["group"].map({"Alpha": 3, "Beta": 13, "Gamma": 23})
    return df


def _single_row_segment() -> pd.DataFrame:
    df = planted(900)
    df.loc[df.index[0], "group"] = "Lonely"
    return df


def _numeric_with_text() -> pd.DataFrame:
    df = planted(900)
    spend = df["spend"].astype(object)
    spend[::10] = "n/a"
    spend[5::50] = "unknown"
    return df.assign(spend=spend)


def _wide(columns: int = 1500) -> pd.DataFrame:
    df = planted(1500)
    rng = np.random.default_rng(2)
    extra = pd.DataFrame(rng.normal(size=(len(df), columns - df.shape[1])))
    extra.columns = [f"x{i}" for i in extra.columns]
    return pd.concat([df, extra], axis=1)


def _top(*names):
    def check(prof):
        assert set(prof.top_features(len(names))) == set(names)

    return check


def _segments(*labels):
    def check(prof):
        assert list(prof.segments["label"]) == list(labels)

    return check


def _small_segment(prof):
    segs = prof.segments.set_index("name")
    assert segs.loc["Lonely", "size"] == 1 and not segs.loc["Lonely", "in_model"]
    assert any("'Lonely' has only 1 rows" in w for w in prof.warnings)


def _spend_is_numeric(prof):
    assert prof.feature("spend").kind == "numeric"
    assert any("non-numeric values treated as missing" in n for n in prof.notes)


DRIVERS = ("spend", "plan", "is_member")
PLANTED = planted(900)
CASES = [
    # ----- must fail with one clear sentence -----------------------------------------------
    Case("empty-file", _bytes(b""), error="is empty"),
    Case("header-only", _bytes(b"group,spend,plan\n"), error="has a header but no data rows"),
    Case("binary-garbage", _bytes(bytes(range(256)) * 40), error="is not a text table"),
    Case(
        "no-such-segment-column",
        _csv(PLANTED),
        segment="cluster",
        error="No segment column named 'cluster'",
    ),
    Case("one-segment", _csv(_with(PLANTED, group="all")), error="has only one segment"),
    Case("segment-all-missing", _csv(_with(PLANTED, group=np.nan)), error="has no values"),
    Case(
        "no-feature-columns",
        _csv(PLANTED[["ref", "group", "constant"]]),
        error="No usable feature columns",
    ),
    Case("thousands-of-levels", _csv(PLANTED), segment="ref", error="did you pick an ID"),
    Case("random-labels", _csv(_random_labels()), error="hard to tell apart", exit_code=3),
    Case(
        "ragged-rows",
        _bytes(b"group,a,b\nx,1,2\ny,3,4\nx,5,6,7\n"),
        error="data.csv line 4 has 4 fields",
    ),
    Case("excel-without-data", _empty_excel, error="no sheet with data"),
    # ----- must just work ------------------------------------------------------------------
    Case("semicolon-decimal-comma", _csv(PLANTED, sep=";", decimal=","), check=_top(*DRIVERS)),
    Case(
        "cp1252",
        _csv(_with(PLANTED, plan=PLANTED["plan"] + " é"), encoding="cp1252"),
        check=_top(*DRIVERS),
    ),
    Case("xlsx", _written("to_excel", "data.xlsx", PLANTED), check=_top(*DRIVERS)),
    Case("parquet", _written("to_parquet", "data.parquet", PLANTED), check=_top(*DRIVERS)),
    Case("csv-gz", _written("gzip", "data.csv.gz", PLANTED), check=_top(*DRIVERS)),
    Case("tab-separated", _csv(PLANTED, sep="\t", name="data.tsv"), check=_top(*DRIVERS)),
    Case(
        "hostile-column-names",
        _csv(PLANTED.rename(columns=HOSTILE)),
        check=_top(*(HOSTILE[d] for d in DRIVERS)),
    ),
    Case(
        "formula-like-categories",
        _csv(
            _with(
                PLANTED,
                plan=PLANTED["plan"].map({"basic": "=1+1", "plus": "+SUM(A1)", "pro": "@cmd"}),
            )
        ),
        check=_top(*DRIVERS),
    ),
    Case("numeric-with-text", _csv(_numeric_with_text()), check=_spend_is_numeric),
    Case(
        "infinite-values",
        _csv(_with(PLANTED, noise_a=np.where(np.arange(900) % 7 == 0, np.inf, PLANTED["noise_a"]))),
        check=_top(*DRIVERS),
    ),
    Case("duplicate-column-names", _dup_header, check=_top(*DRIVERS)),
    Case("constant-columns", _csv(_with(PLANTED, c1=1, c2="x")), check=_top(*DRIVERS)),
    Case("integer-labels-3-13-23", _csv(_labels_3_13_23()), check=_segments(3, 13, 23)),
    Case("single-row-segment", _csv(_single_row_segment()), check=_small_segment),
    Case("1500-columns", _written("to_parquet", "wide.parquet", _wide()), check=_top(*DRIVERS)),
]
IDS = [c.id for c in CASES]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(params=CASES, ids=IDS)
def case(request, tmp_path):
    c = request.param
    path = c.make(tmp_path)
    before = _digest(path)
    yield c, path
    assert _digest(path) == before, "the input file was modified"


def test_library(case):
    c, path = case
    if c.error:
        with pytest.raises(sw.SegwidgetsError, match=_re(c.error)) as info:
            sw.profile(path, c.segment, cv=3)
        assert "\n" not in str(info.value)
    else:
        c.check(sw.profile(path, c.segment, cv=3))


def test_cli(case, capsys):
    c, path = case
    code = main(["profile", str(path), "--segment", c.segment, "--json"])
    captured = capsys.readouterr()
    if c.error:
        assert code == c.exit_code
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1 and c.error in lines[0] and lines[0].startswith("segwidgets: error:")
    else:
        assert code == 0, captured.err


def test_app(case):
    c, path = case
    app = App(cv=3)
    app.upload.receive(path.name, path.read_bytes())
    if app.error_message:
        assert c.error and c.error in app.error_message
        return
    if c.segment in app.segment.options:
        app.segment.value = c.segment
    else:
        app.segment.value = app.segment.options[0]
    app.run()
    app.wait(300)
    if c.error:
        expected = c.error if c.segment in app.segment.options else "segment"
        assert expected in app.error_message
        assert app.profile is None
    else:
        assert app.error_message == ""
        c.check(app.profile)


def _re(text: str) -> str:
    import re

    return re.escape(text)


@pytest.mark.parametrize("target", ["missing", "folder"])
def test_bad_paths(tmp_path, capsys, target):
    path = tmp_path / "nope.csv" if target == "missing" else tmp_path
    expected = "File not found" if target == "missing" else "is a folder"
    with pytest.raises(sw.DataError, match=expected):
        sw.profile(path, "group")
    assert main(["profile", str(path), "--segment", "group"]) == 2
    assert expected in capsys.readouterr().err


def test_dataframe_is_byte_identical_after_every_kind_of_use():
    df = _numeric_with_text().rename(columns=HOSTILE)
    df["when"] = pd.date_range("2024-01-01", periods=len(df), freq="h")
    df["inf"] = np.where(np.arange(len(df)) % 5 == 0, np.inf, 1.0 * np.arange(len(df)))
    before = pd.util.hash_pandas_object(df, index=True).to_numpy().copy()
    dtypes, columns = df.dtypes.copy(), df.columns.copy()
    prof = sw.profile(df, "group", categorical=["ノイズ"], exclude=["ضوضاء"], allow_weak=True)
    prof.to_frame(), prof.to_html(), prof.figures.overview()
    app = App(df, cv=3)
    app.run()
    app.wait(120)
    assert (pd.util.hash_pandas_object(df, index=True).to_numpy() == before).all()
    pd.testing.assert_series_equal(df.dtypes, dtypes)
    assert list(df.columns) == list(columns)


def test_one_million_rows():
    rows = 1_000_000
    df = sw.datasets.demo_customers(n=rows)
    prof = sw.profile(df, "segment")
    assert prof.rows == rows and prof.segments["size"].sum() == rows
    assert prof.sample["model_sampled"] and prof.sample["model_rows"] <= 20_100
    means = prof.stats.query("feature == 'orders_12m' and statistic == 'mean'")
    expected = df.groupby("segment")["orders_12m"].mean()
    np.testing.assert_allclose(means["value"], expected.loc[means["segment"]].to_numpy())
