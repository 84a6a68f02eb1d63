import json
import re

import numpy as np
import pandas as pd
import pytest
from conftest import planted

import segwidgets as sw

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def hostile_profile():
    df = planted(1200).rename(columns={"spend": XSS})
    df["plan"] = df["plan"].replace({"plus": '=HYPERLINK("http://x")', "pro": "@SUM(A1)"})
    return sw.profile(df, "group")


def test_to_frame_is_tidy(planted_profile):
    frame = planted_profile.to_frame()
    for column in (
        "segment",
        "feature",
        "kind",
        "statistic",
        "value",
        "population_value",
        "index",
        "effect_size",
    ):
        assert column in frame.columns
    assert set(frame["feature"]) == {
        "spend",
        "plan",
        "is_member",
        "noise_a",
        "noise_b",
        "noise_cat",
    }
    assert not frame.duplicated(["segment", "feature", "level", "statistic"]).any()


def test_csv_and_excel_round_trip(tmp_path, planted_profile):
    planted_profile.to_csv(tmp_path / "p.csv")
    back = pd.read_csv(tmp_path / "p.csv", keep_default_na=False, na_values=[""])
    frame = planted_profile.to_frame()
    assert len(back) == len(frame)
    np.testing.assert_allclose(back["value"], frame["value"], rtol=1e-12)
    planted_profile.to_excel(tmp_path / "p.xlsx")
    sheets = pd.read_excel(tmp_path / "p.xlsx", sheet_name=None)
    assert list(sheets) == ["profiles", "importance", "segments", "quality", "summaries"]
    assert list(sheets["importance"]["feature"][:3]) == planted_profile.top_features(3)
    assert sheets["segments"]["size"].sum() == planted_profile.rows
    assert sheets["quality"]["f1"].iloc[0] == pytest.approx(planted_profile.quality.f1_weighted)


def test_formula_cells_are_neutralised(tmp_path, hostile_profile):
    hostile_profile.to_csv(tmp_path / "p.csv")
    text = (tmp_path / "p.csv").read_text()
    assert "'=HYPERLINK" in text and "'@SUM" in text
    assert not re.search(r'(^|,)"?[=@]', text, flags=re.M)
    hostile_profile.to_excel(tmp_path / "p.xlsx")
    levels = set(pd.read_excel(tmp_path / "p.xlsx", sheet_name="profiles")["level"].dropna())
    assert "'@SUM(A1)" in levels and "@SUM(A1)" not in levels
    # negative numbers stay numbers
    assert sw._export.neutralise("-1.5") == "-1.5"


def test_html_report_escapes_user_strings(tmp_path, hostile_profile):
    out = tmp_path / "r.html"
    text = hostile_profile.to_html(out)
    assert out.read_text(encoding="utf-8") == text
    assert XSS not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<script src=" not in text and 'src="http' not in text  # works offline
    assert text.count('class="plotly-graph-div"') >= 8


def test_markdown_code_and_dict(planted_profile):
    md = planted_profile.to_markdown()
    assert md.startswith("# Segment profile of `group`")
    assert all(s in md for s in planted_profile.summaries.values())
    code = planted_profile.to_code()
    assert "segment='group'" in code and "top_n=3" in code
    d = json.loads(json.dumps(planted_profile.to_dict(), default=str))
    assert d["top_features"] == planted_profile.top_features()
    assert d["rows"] == 3000 and len(d["segments"]) == 3


def test_to_code_reproduces_the_analysis(tmp_path, planted_df, planted_profile):
    path = tmp_path / "data.csv"
    planted_df.to_csv(path, index=False)
    prof = sw.profile(path, "group", top_n=3)
    namespace = {}
    exec(prof.to_code().replace("print(prof.summary())", ""), namespace)
    again = namespace["prof"]
    pd.testing.assert_series_equal(again.importance, prof.importance)
    assert again.summaries == prof.summaries
