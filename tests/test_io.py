import gzip

import numpy as np
import pandas as pd
import pytest

import segwidgets as sw

FRAME = pd.DataFrame(
    {"name": ["Zoë", "Łukasz", "Renée", "Ana"], "amount": [1.5, 2.25, -3.0, 4.0], "n": [1, 2, 3, 4]}
)


def _check(df: pd.DataFrame) -> None:
    assert list(df.columns) == ["name", "amount", "n"]
    assert list(df["name"]) == list(FRAME["name"])
    np.testing.assert_allclose(df["amount"].astype(float), FRAME["amount"])


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_delimiters(tmp_path, sep):
    path = tmp_path / "t.csv"
    FRAME.to_csv(path, sep=sep, index=False)
    _check(sw.load(path))


def test_semicolon_with_decimal_comma(tmp_path):
    path = tmp_path / "t.csv"
    FRAME.to_csv(path, sep=";", decimal=",", index=False)
    _check(sw.load(path))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_encodings(tmp_path, encoding):
    path = tmp_path / "t.csv"
    FRAME.iloc[[0, 2, 3]].to_csv(path, index=False, encoding=encoding)  # Ł is not in cp1252
    df = sw.load(path)
    assert list(df.columns) == ["name", "amount", "n"]
    assert list(df["name"]) == ["Zoë", "Renée", "Ana"]


def test_gzip_parquet_excel_tsv(tmp_path):
    with gzip.open(tmp_path / "t.csv.gz", "wt", encoding="utf-8") as fh:
        FRAME.to_csv(fh, index=False)
    FRAME.to_parquet(tmp_path / "t.parquet")
    FRAME.to_excel(tmp_path / "t.xlsx", index=False)
    FRAME.to_csv(tmp_path / "t.tsv", sep="\t", index=False)
    for name in ("t.csv.gz", "t.parquet", "t.xlsx", "t.tsv"):
        _check(sw.load(tmp_path / name))


def test_ragged_csv_names_the_line(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c\n1,2,3\n4,5,6\n7,8,9,10\n")
    with pytest.raises(sw.DataError, match=r"line 4 has 4 fields where the header has 3"):
        sw.load(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"a,b,c\n", "header but no data rows"),
        (b"\x00\x01\x02garbage\x00\xff" * 50, "not a text table"),
    ],
)
def test_bad_files(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(sw.DataError, match=message):
        sw.load(path)


def test_missing_path_and_folder(tmp_path):
    with pytest.raises(sw.DataError, match="File not found"):
        sw.load(tmp_path / "nope.csv")
    with pytest.raises(sw.DataError, match="is a folder"):
        sw.load(tmp_path)


def test_file_is_not_modified(tmp_path):
    path = tmp_path / "t.csv"
    FRAME.to_csv(path, sep=";", decimal=",", index=False)
    before = path.read_bytes()
    sw.load(path)
    assert path.read_bytes() == before
