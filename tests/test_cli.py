import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import planted

from segwidgets.cli import main


@pytest.fixture(scope="module")
def data_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "customers.csv"
    planted(1500).to_csv(path, index=False)
    return path


def test_json_output(data_csv, capsys):
    code = main(["profile", str(data_csv), "--segment", "group", "--top", "3", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rows"] == 1500
    assert [s["label"] for s in out["segments"]] == ["Alpha", "Beta", "Gamma"]
    assert set(out["top_features"]) == {"spend", "plan", "is_member"}
    assert set(out["importance"]) == {
        "spend",
        "plan",
        "is_member",
        "noise_a",
        "noise_b",
        "noise_cat",
    }
    assert 0.9 < out["f1_weighted"] <= 1
    assert out["sample"]["model_rows"] == 1500
    assert out["timings"]["total"] >= out["timings"]["model"] > 0


def test_outputs(data_csv, tmp_path, capsys):
    outs = [tmp_path / f"p{ext}" for ext in (".csv", ".xlsx", ".html", ".md")]
    code = main(["profile", str(data_csv), "--segment", "group", "--out", *map(str, outs)])
    assert code == 0
    assert all(p.stat().st_size > 0 for p in outs)
    assert "Alpha — " in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--segment", "nope"], 2, "No segment column named 'nope'"),
        ([], 2, "--segment group"),
        (["--segment", "ref"], 2, "did you pick an ID"),
        (["--segment", "group", "--out", "x.pdf"], 2, "--out takes"),
        (["--segment", "group", "--top", "0"], 2, "top_n must be"),
    ],
)
def test_errors(data_csv, capsys, args, code, message):
    assert main(["profile", str(data_csv), *args]) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_not_distinguishable_exit_3(tmp_path, capsys):
    df = planted(900)
    df["group"] = np.random.default_rng(0).choice(["x", "y", "z"], len(df))
    path = tmp_path / "random.csv"
    df.to_csv(path, index=False)
    assert main(["profile", str(path), "--segment", "group"]) == 3
    assert "hard to tell apart" in capsys.readouterr().err
    assert main(["profile", str(path), "--segment", "group", "--allow-weak"]) == 0


def test_python_dash_m_and_bad_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n3,4,5\n")
    run = subprocess.run(
        [sys.executable, "-m", "segwidgets", "profile", str(bad), "--segment", "a"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1].startswith("segwidgets: error: bad.csv line 3")
    assert "Traceback" not in run.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "segwidgets", "profile", str(tmp_path / "no.csv"), "--segment", "a"],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "File not found" in missing.stderr


def test_demo_command(tmp_path):
    out = tmp_path / "demo.csv"
    assert main(["demo", "--rows", "200", "--out", str(out)]) == 0
    assert out.read_text().startswith("customer_id,segment,")
