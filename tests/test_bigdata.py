"""Data that does not come as a pandas DataFrame: big files through DuckDB, Ibis tables."""

from __future__ import annotations

import json
import shutil

import duckdb
import ibis
import numpy as np
import pandas as pd
import pytest
from conftest import DRIVERS, planted

import segwidgets as sw
from segwidgets._table import wants_duckdb
from segwidgets.cli import main

KEYS = ["segment", "feature", "level", "statistic"]


def messy(n: int = 4000) -> pd.DataFrame:
    df = planted(n)
    df["when"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(n) % 400, "D")
    df.loc[df.index[:50], "noise_a"] = np.nan
    df.loc[df.index[10:40], "plan"] = None
    df.loc[df.index[60:70], "noise_b"] = np.inf
    return df


def assert_same_profile(a: sw.SegmentProfile, b: sw.SegmentProfile, rtol: float = 1e-9) -> None:
    merged = a.stats.merge(b.stats, on=KEYS, how="outer", suffixes=("_a", "_b"), indicator=True)
    assert (merged["_merge"] == "both").all()
    for column in ("value", "population_value", "index", "effect_size", "p_value"):
        np.testing.assert_allclose(
            merged[f"{column}_a"], merged[f"{column}_b"], rtol=rtol, atol=1e-12, err_msg=column
        )
    assert list(a.segments["size"]) == list(b.segments["size"])
    assert set(a.top_features(3)) == set(b.top_features(3)) == set(DRIVERS)


@pytest.fixture(scope="module")
def parquet(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "customers.parquet"
    messy().to_parquet(path, index=False)
    return path


def test_duckdb_path_gives_the_same_numbers(parquet):
    in_memory = sw.profile(parquet, "group", engine="pandas")
    scanned = sw.profile(parquet, "group", engine="duckdb")
    assert in_memory.sample["engine"] == "pandas" and scanned.sample["engine"] == "duckdb"
    assert_same_profile(in_memory, scanned)
    assert scanned.id_column == in_memory.id_column == "ref"


def test_ibis_table_and_sampling(parquet):
    table = ibis.duckdb.connect().read_parquet(parquet)
    prof = sw.profile(table, "group", sample_size=1000, shap_sample_size=300)
    assert prof.rows == 4000 and prof.sample["engine"] == "ibis"
    assert prof.sample["model_sampled"] and 900 <= prof.sample["model_rows"] <= 1100
    sizes = prof.segments.set_index("name")["size"]
    expected = messy()["group"].value_counts()
    assert (sizes == expected.loc[sizes.index]).all()  # statistics use every row
    assert set(prof.top_features(3)) == set(DRIVERS)


def test_float_columns_get_the_same_roles_in_both_engines(tmp_path):
    df = messy(3000)
    rng = np.random.default_rng(5)
    df["flag"] = (rng.random(3000) < 0.3).astype(float)  # 0/1 stored as float, with gaps
    df.loc[df.index[:40], "flag"] = np.nan
    df["share"] = rng.random(3000)  # floats between 0 and 1: numeric, not binary
    df["steady"] = 2.5  # one value: left out
    path = tmp_path / "floats.parquet"
    df.to_parquet(path, index=False)
    kinds = {}
    for engine in ("pandas", "duckdb"):
        prof = sw.profile(path, "group", engine=engine)
        kinds[engine] = {f.name: f.kind for f in prof.feature_info}
        assert any("'steady' has a single value" in note for note in prof.notes)
    assert kinds["pandas"] == kinds["duckdb"]
    assert kinds["duckdb"]["flag"] == "binary" and kinds["duckdb"]["share"] == "numeric"
    assert "steady" not in kinds["duckdb"]


def test_database_sample_is_stratified_and_repeatable(tmp_path):
    df = messy(6000)
    gamma = np.flatnonzero(df["group"] == "Gamma")
    df = df.drop(df.index[gamma[100:]])  # Gamma keeps 100 rows: its own sampling tier
    path = tmp_path / "uneven.parquet"
    df.to_parquet(path, index=False)

    def run(seed):
        return sw.profile(path, "group", engine="duckdb", sample_size=1000, random_state=seed)

    first, again, other = run(0), run(0), run(1)
    support = first.quality.per_segment.set_index("segment")["support"]
    assert support["Gamma"] == 50  # the minimum per segment, from a 100-row segment
    assert 900 <= support.sum() <= 1100
    pd.testing.assert_series_equal(first.importance, again.importance)
    assert first.quality.f1_weighted == again.quality.f1_weighted
    assert not first.importance.equals(other.importance)  # another seed, another sample


def test_folder_of_parquet_files_and_auto_engine(tmp_path):
    df = messy(3000)
    folder = tmp_path / "parts"
    folder.mkdir()
    for i in range(3):
        df.iloc[i * 1000 : (i + 1) * 1000].to_parquet(folder / f"part-{i}.parquet", index=False)
    assert wants_duckdb(folder) and wants_duckdb(str(folder / "*.parquet"))
    assert not wants_duckdb(folder / "part-0.parquet")  # small files stay in memory
    prof = sw.profile(folder, "group")
    assert prof.sample["engine"] == "duckdb" and prof.rows == 3000
    glob_prof = sw.profile(str(folder / "part-*.parquet"), "group")
    assert_same_profile(prof, glob_prof)


def test_big_csv_through_duckdb(tmp_path):
    df = messy(3000)
    path = tmp_path / "data.csv"
    df.to_csv(path, index=False, sep=";", decimal=",")
    in_memory = sw.profile(path, "group", engine="pandas")
    scanned = sw.profile(path, "group", engine="duckdb")
    assert_same_profile(in_memory, scanned)


def test_cli_with_a_connection_url(tmp_path, capsys):
    db = tmp_path / "warehouse.duckdb"
    source = tmp_path / "src.parquet"
    messy(2000).to_parquet(source, index=False)
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE customers AS SELECT * FROM read_parquet(?)", [str(source)])
    code = main(
        ["profile", f"duckdb://{db}", "--table", "customers", "--segment", "group", "--json"]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["rows"] == 2000 and out["sample"]["engine"] == "ibis"
    assert set(out["top_features"][:3]) == set(DRIVERS)
    assert main(["profile", f"duckdb://{db}", "--segment", "group"]) == 2
    assert "--table" in capsys.readouterr().err


def test_bad_big_inputs(tmp_path):
    with pytest.raises(sw.DataError, match="No files match"):
        sw.profile(str(tmp_path / "none-*.parquet"), "group")
    with pytest.raises(sw.DataError, match="engine must be"):
        sw.profile(tmp_path, "group", engine="spark")


JAVA = shutil.which("java")


@pytest.mark.skipif(JAVA is None, reason="no Java runtime (make test installs Debian's openjdk)")
def test_spark_gives_the_same_result_as_duckdb(parquet):
    pyspark_sql = pytest.importorskip("pyspark.sql")
    spark = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("segwidgets-test")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    try:
        spark.read.parquet(str(parquet)).createOrReplaceTempView("customers")
        table = ibis.pyspark.connect(spark).table("customers")
        on_spark = sw.profile(table, "group")
    finally:
        spark.stop()
    in_duckdb = sw.profile(parquet, "group", engine="duckdb")
    assert on_spark.sample["engine"] == "ibis"
    assert_same_profile(on_spark, in_duckdb)  # aggregates to 1e-9 relative, same top features
