"""Reading tables from files: CSV dialect and encoding sniffing, Parquet, Excel."""

from __future__ import annotations

import csv
import gzip
import os
import re
from pathlib import Path

import pandas as pd

from ._errors import DataError

PARQUET_SUFFIXES = (".parquet", ".pq")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz")
_DELIMITERS = ",;\t|"
_SNIFF_BYTES = 256 * 1024
_DECIMAL_COMMA = re.compile(r"^\s*-?\d+,\d+\s*$")
_DECIMAL_POINT = re.compile(r"^\s*-?\d+\.\d+\s*$")
_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def read_table(source: str | os.PathLike, *, display_name: str | None = None) -> pd.DataFrame:
    """Read a CSV/TSV (optionally gzipped), Parquet or Excel file into a DataFrame.

    The file is only read, never written. Delimiter, decimal comma and encoding of text
    files are sniffed. ``display_name`` is the name used in messages (for uploads, the
    user's file name rather than the temporary file's); its extension decides the format.
    """
    path = Path(source)
    label = display_name or path.name
    if not path.exists():
        raise DataError(f"File not found: {path}.")
    if path.is_dir():
        raise DataError(f"{path} is a folder, not a file: give the path of a data file.")
    if path.stat().st_size == 0:
        raise DataError(f"{label} is empty.")
    name = label.lower()
    try:
        if name.endswith(PARQUET_SUFFIXES):
            df = pd.read_parquet(path)
        elif name.endswith((".xlsx", ".xlsm", ".xls")):
            df = _read_excel(path, label)
        else:
            df = _read_text(path, label)
    except DataError:
        raise
    except Exception as exc:  # the readers raise many types; the user needs one sentence
        raise DataError(f"Could not read {label}: {first_line(exc)}.") from exc
    if df.shape[1] == 0 or df.shape[0] == 0:
        raise DataError(f"{label} has no data rows.")
    return df


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type name when it has none)."""
    text = str(exc).strip().splitlines()
    return text[0].rstrip(".") if text else type(exc).__name__


def _read_excel(path: Path, label: str) -> pd.DataFrame:
    sheets = pd.read_excel(path, sheet_name=None)
    for frame in sheets.values():
        if frame.shape[0] > 0 and frame.shape[1] > 0:
            return frame
    raise DataError(f"{label} has no sheet with data.")


def _head_bytes(path: Path, label: str) -> bytes:
    compressed = label.lower().endswith(".gz")
    opener = gzip.open if compressed else open
    try:
        with opener(path, "rb") as fh:
            return fh.read(_SNIFF_BYTES)
    except (OSError, EOFError) as exc:
        raise DataError(f"Could not read {label}: {first_line(exc)}.") from exc


def _decode(head: bytes, name: str) -> tuple[str, str]:
    if b"\x00" in head:
        raise DataError(f"{name} is not a text table (it contains binary data).")
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:].decode("utf-8", errors="ignore"), "utf-8-sig"
    try:
        return head.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a multi-byte character cut by the sniff window
            return head[: exc.start].decode("utf-8"), "utf-8"
    text = head.decode("cp1252", errors="replace")
    return text, "cp1252"


def _sniff_delimiter(lines: list[str]) -> str:
    sample = "\n".join(lines[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        pass
    # fall back to the delimiter that splits the first lines most consistently
    best, best_score = ",", 0.0
    for delim in _DELIMITERS:
        counts = [len(next(csv.reader([line], delimiter=delim))) for line in lines[:50] if line]
        if not counts or counts[0] < 2:
            continue
        score = sum(c == counts[0] for c in counts) / len(counts) * counts[0]
        if score > best_score:
            best, best_score = delim, score
    return best


def _sniff_decimal(lines: list[str], delimiter: str) -> str:
    if delimiter == ",":
        return "."
    comma = point = 0
    for row in csv.reader(lines[1:200], delimiter=delimiter):
        for cell in row:
            if _DECIMAL_COMMA.match(cell):
                comma += 1
            elif _DECIMAL_POINT.match(cell):
                point += 1
    return "," if comma > point else "."


def sniff_text(path: Path, label: str) -> tuple[str, str, str]:
    """Encoding, delimiter and decimal mark of a text table, from its first 256 KB.

    Raises a clear error for an empty file, a header without rows, or binary data.
    """
    head = _head_bytes(path, label)
    text, encoding = _decode(head, label)
    lines = text.splitlines()
    if len(head) == _SNIFF_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut by the sniff window
    lines = [line for line in lines if line.strip()]
    if not lines:
        raise DataError(f"{label} is empty.")
    if len(lines) < 2:
        raise DataError(f"{label} has a header but no data rows.")
    delimiter = _sniff_delimiter(lines)
    return encoding, delimiter, _sniff_decimal(lines, delimiter)


def _read_text(path: Path, label: str) -> pd.DataFrame:
    encoding, delimiter, decimal = sniff_text(path, label)
    gzipped = label.lower().endswith(".gz")
    options = {"sep": delimiter, "encoding": encoding, "compression": "gzip" if gzipped else None}
    if decimal == "." and encoding != "cp1252":
        try:
            return pd.read_csv(path, engine="pyarrow", **options)
        except Exception:
            pass
    try:
        return pd.read_csv(path, engine="c", decimal=decimal, low_memory=False, **options)
    except pd.errors.ParserError as exc:
        match = _RAGGED.search(str(exc))
        if match:
            expected, line, saw = match.groups()
            raise DataError(
                f"{label} line {line} has {saw} fields where the header has {expected}: "
                "fix that line or re-export the file."
            ) from exc
        raise DataError(f"Could not parse {label}: {first_line(exc)}.") from exc
    except UnicodeDecodeError:
        return pd.read_csv(
            path, engine="c", decimal=decimal, low_memory=False, **options | {"encoding": "cp1252"}
        )


__all__ = ["first_line", "read_table", "sniff_text"]
