"""Profiling data where it lives: per-segment aggregates and a stratified sample, in Ibis.

The same expressions run in DuckDB (the embedded default for big files), Spark or a SQL
warehouse. Only the aggregates (segments × features) and a bounded sample come back into
Python; the model then works on the sample exactly as on an in-memory table.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
import weakref
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._errors import DataError
from ._histogram import summarise_numeric
from ._io import PARQUET_SUFFIXES, TEXT_SUFFIXES, first_line, sniff_text
from ._model import stratified_quota
from ._prepare import (
    _CODE_TOKENS,
    BINARY,
    CATEGORICAL,
    DATE,
    NUMERIC,
    Feature,
    Prepared,
    _looks_like_id_name,
    _plain,
    _tokens,
    resolve_column,
    segment_order,
)
from ._stats import (
    MAX_DISPLAY_LEVELS,
    MISSING,
    OTHER,
    POP_QUANTILES,
    QUANTILES,
    BinaryAgg,
    CategoricalAgg,
    NumericAgg,
)

LARGE_FILE_BYTES = 256 * 1024 * 1024  # text files this big are scanned with DuckDB
LARGE_PARQUET_ROWS = 2_000_000  # Parquet compresses well: judge it by its row count
_SEG = "__sw_segment"


def is_ibis_table(obj: Any) -> bool:
    """True for an Ibis table expression (without importing Ibis for other objects)."""
    return type(obj).__module__.startswith("ibis.") and hasattr(obj, "schema")


def wants_duckdb(source: str | os.PathLike) -> bool:
    """Whether a file input is big enough (or a folder/glob) to scan with DuckDB."""
    text = os.fspath(source)
    if glob.has_magic(text) or Path(text).is_dir():
        return True
    path = Path(text)
    name = path.name.lower()
    if not path.is_file():
        return False
    if name.endswith(PARQUET_SUFFIXES):
        import pyarrow.parquet as pq

        try:
            return pq.ParquetFile(path).metadata.num_rows >= LARGE_PARQUET_ROWS
        except Exception:  # unreadable: let the reader say why
            return False
    big = path.stat().st_size >= LARGE_FILE_BYTES
    return big and name.endswith(TEXT_SUFFIXES)


def open_with_duckdb(source: str | os.PathLike, *, memory_limit: str = "1GB"):
    """An Ibis table over a CSV/Parquet file, folder or glob, read by DuckDB (bounded memory)."""
    import ibis

    text = os.fspath(source)
    spill = tempfile.mkdtemp(prefix="segwidgets-duckdb-")
    con = ibis.duckdb.connect(memory_limit=memory_limit, temp_directory=spill)
    weakref.finalize(con, shutil.rmtree, spill, True)  # the spill folder goes with the connection
    con.raw_sql("SET enable_progress_bar = false")
    con.raw_sql("SET preserve_insertion_order = false")
    path = Path(text)
    folder = path.is_dir()
    if folder:
        text = str(path / "**" / "*.parquet")
    paths = sorted(glob.glob(text, recursive=True)) if glob.has_magic(text) else [text]
    if not paths and folder:
        raise DataError(
            f"{path} is a folder without Parquet files: give a data file, or a folder of "
            ".parquet files."
        )
    if not paths:
        raise DataError(f"No files match {text}.")
    missing = [p for p in paths if not Path(p).is_file()]
    if missing:
        raise DataError(f"File not found: {missing[0]}.")
    try:
        if all(p.lower().endswith(PARQUET_SUFFIXES) for p in paths):
            return con.read_parquet(paths)
        encoding, delimiter, decimal = sniff_text(Path(paths[0]), Path(paths[0]).name)
        return con.read_csv(
            paths,
            delim=delimiter,
            decimal_separator=decimal,
            encoding="latin-1" if encoding == "cp1252" else "utf-8",
            header=True,
        )
    except DataError:
        raise
    except Exception as exc:
        raise DataError(f"Could not read {Path(paths[0]).name}: {first_line(exc)}.") from exc


@dataclass
class TablePlan:
    """Column roles decided from a table's schema and one pass of column summaries."""

    table: Any
    segment: str
    labels: tuple
    counts: np.ndarray  # rows per segment, in ``labels`` order
    rows_input: int
    id_column: str | None
    features: tuple[Feature, ...]
    notes: list[str] = field(default_factory=list)
    # rough value range of each numeric or date feature (in days since origin for dates);
    # only sets histogram bin widths, so it may be wider than the values, never NaN
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)
    # rows per (segment, level) of each categorical feature, over every row of the table
    level_counts: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def dropped_missing_segment(self) -> int:
        return int(self.rows_input - self.counts.sum())


def _value(table, feat: Feature):
    """The analysis value of a feature as an Ibis expression (numbers for all but categoricals)."""
    import ibis

    col = table[feat.name]
    dtype = col.type()
    if feat.kind == CATEGORICAL:
        return col.cast("string")
    if feat.kind == DATE:
        seconds = col.cast("timestamp").epoch_seconds().cast("float64")
        return seconds / 86400.0 - feat.origin.timestamp() / 86400.0
    if dtype.is_boolean():
        return col.cast("int64").cast("float64")
    value = col.cast("float64")
    if dtype.is_floating():  # infinities count as missing; x * 0 == 0 holds for finite x only
        value = ibis.ifelse(value * 0 == 0, value, ibis.null("float64"))
    return value


def plan_table(
    table,
    segment: Hashable,
    *,
    id_column: Hashable | None = None,
    categorical: Sequence[Hashable] | None = None,
    exclude: Sequence[Hashable] | None = None,
    max_segments: int = 50,
    max_levels: int = 30,
) -> TablePlan:
    """Decide segment labels, the ID column and each feature's kind for an Ibis table."""
    columns = list(table.columns)
    seg = resolve_column(columns, segment, "segment")
    excluded = {resolve_column(columns, c, "excluded") for c in exclude or []}
    forced = {resolve_column(columns, c, "categorical") for c in categorical or []}
    given_id = resolve_column(columns, id_column, "ID") if id_column is not None else None
    if given_id == seg:
        raise DataError(f"{seg!r} cannot be both the segment and the ID column.")

    sizes = table.group_by(table[seg].name(_SEG)).agg(n=table.count()).to_pandas()
    present = sizes[sizes[_SEG].notna()]
    order = segment_order(list(present[_SEG]), seg, max_segments)
    labels = tuple(_plain(present[_SEG].iloc[i]) for i in order)
    counts = present["n"].to_numpy()[order].astype(np.int64)
    rows_input = int(sizes["n"].sum())
    notes = []
    if rows_input > counts.sum():
        notes.append(
            f"{rows_input - counts.sum():,} rows without a segment in {seg!r} were left out."
        )

    schema = table.schema()
    candidates = [c for c in columns if c != seg and c not in excluded]
    summary = {}
    for c in candidates:
        col, dtype = table[c], schema[c]
        summary[f"n|{c}"] = col.count()
        if not dtype.is_floating():  # floats: min and max say enough, see _distinct
            summary[f"u|{c}"] = col.approx_nunique()
        if dtype.is_numeric() or dtype.is_temporal():
            summary[f"lo|{c}"] = col.min()
            summary[f"hi|{c}"] = col.max()
    facts = table.agg(**summary).to_pandas().iloc[0] if summary else pd.Series(dtype=object)
    zero_one = [  # float columns from 0 to 1: 0/1 flags, unless a value lies in between
        c
        for c in candidates
        if schema[c].is_floating() and facts[f"lo|{c}"] == 0 and facts[f"hi|{c}"] == 1
    ]
    if zero_one:
        between = {f"mid|{c}": ((table[c] > 0) & (table[c] < 1)).sum() for c in zero_one}
        facts = pd.concat([facts, table.agg(**between).to_pandas().iloc[0]])

    if given_id is not None:
        ids = [given_id]
    else:
        ids = [
            c for c in candidates if c not in forced and _id_like(c, schema[c], facts, rows_input)
        ]
        notes += [f"{c!r} looks like a row identifier and is not used as a feature." for c in ids]
    features = []
    level_counts = {}
    for c in candidates:
        if c in ids:
            continue
        feat, note = _classify_column(c, schema[c], facts, c in forced, max_levels)
        if note:
            notes.append(note)
        if feat is None:
            continue
        if feat.kind == CATEGORICAL:
            level_counts[c] = _level_counts(table, seg, c)
            feat = replace(feat, levels=_top_levels(level_counts[c], max_levels))
        features.append(feat)
    if not features:
        raise DataError(
            "No usable feature columns are left once the segment, ID, excluded, constant and "
            "empty columns are set aside."
        )
    return TablePlan(
        table=table,
        segment=seg,
        labels=labels,
        counts=counts,
        rows_input=rows_input,
        id_column=ids[0] if ids else None,
        features=tuple(features),
        notes=notes,
        bounds=_value_bounds(features, facts),
        level_counts=level_counts,
    )


def _value_bounds(features: list[Feature], facts: pd.Series) -> dict[str, tuple[float, float]]:
    """Each numeric or date feature's range from the column summaries, when it is finite."""
    bounds = {}
    for feat in features:
        if feat.kind == NUMERIC:
            lo, hi = float(facts[f"lo|{feat.name}"]), float(facts[f"hi|{feat.name}"])
        elif feat.kind == DATE:
            last = pd.Timestamp(facts[f"hi|{feat.name}"])
            lo, hi = 0.0, (last - feat.origin).total_seconds() / 86400.0
        else:
            continue
        if np.isfinite(lo) and np.isfinite(hi):
            bounds[feat.name] = (lo, hi)
    return bounds


def _id_like(name: str, dtype, facts: pd.Series, rows: int) -> bool:
    if dtype.is_floating() or dtype.is_boolean() or dtype.is_temporal():
        return False
    unique = float(facts[f"u|{name}"])
    if _looks_like_id_name(name) and unique >= 0.9 * rows:
        return True
    if rows < 20 or unique < 0.9 * rows:  # approximate distinct counts err by a few %
        return False
    if dtype.is_string():
        return True
    if dtype.is_integer():
        return float(facts[f"hi|{name}"]) - float(facts[f"lo|{name}"]) + 1 <= 1.5 * rows
    return False


def _level_counts(table, segment: str, name: str) -> pd.DataFrame:
    """Rows per (segment, level) of a column read as text, missing ones included."""
    level = table[name].cast("string").name("level")
    frame = table.group_by([table[segment].name(_SEG), level]).agg(n=table.count()).to_pandas()
    frame["level"] = frame["level"].astype(object)
    return frame


def _top_levels(counts: pd.DataFrame, limit: int) -> tuple[str, ...]:
    totals = counts[counts["level"].notna()].groupby("level")["n"].sum().reset_index()
    totals = totals.sort_values(["n", "level"], ascending=[False, True])
    return tuple(str(v) for v in totals["level"].iloc[:limit])


def _distinct(name: str, dtype, facts: pd.Series) -> int:
    """Distinct values of a column, approximately; for floats only 1, 2 (0/1) or 'many'."""
    if not dtype.is_floating():
        return int(facts[f"u|{name}"])
    lo, hi = float(facts[f"lo|{name}"]), float(facts[f"hi|{name}"])
    if lo == hi:
        return 1
    only_zero_one = lo == 0.0 and hi == 1.0 and int(facts.get(f"mid|{name}", 1)) == 0
    return 2 if only_zero_one else 3


def _classify_column(name, dtype, facts, forced, max_levels):
    """A column's feature (categorical levels are filled in by the caller) and a note."""
    present = int(facts[f"n|{name}"])
    if present == 0:
        return None, f"{name!r} is empty and was left out."
    unique = _distinct(name, dtype, facts)
    if unique <= 1:
        return None, f"{name!r} has a single value and was left out."
    if forced or dtype.is_string():
        if not forced and unique > 100 and unique > 0.5 * present:
            return None, (
                f"{name!r} has about {unique:,} distinct text values (free text or an "
                "identifier) and was left out."
            )
        note = ""
        if unique > max_levels:
            note = (
                f"{name!r} has about {unique:,} levels: the model sees the {max_levels} most "
                "frequent and groups the rest as 'other'."
            )
        return Feature(name, CATEGORICAL, n_levels=unique), note
    if dtype.is_boolean():
        return Feature(name, BINARY, true_value="True"), ""
    if dtype.is_temporal():
        origin = pd.Timestamp(facts[f"lo|{name}"])
        return Feature(name, DATE, origin=origin), ""
    if dtype.is_numeric():
        lo, hi = float(facts[f"lo|{name}"]), float(facts[f"hi|{name}"])
        if unique <= 2 and lo in (0.0, 1.0) and hi in (0.0, 1.0):
            return Feature(name, BINARY, true_value="1"), ""
        tokens = _tokens(name)
        if dtype.is_integer() and tokens and tokens[-1] in _CODE_TOKENS and unique <= max_levels:
            return Feature(name, CATEGORICAL, n_levels=unique), ""
        return Feature(name, NUMERIC), ""
    return None, f"{name!r} has a type segwidgets cannot profile ({dtype}) and was left out."


def aggregate_table(plan: TablePlan) -> dict[str, NumericAgg | BinaryAgg | CategoricalAgg]:
    """Per-segment aggregates of every feature, computed where the table lives."""
    t = plan.table
    seg = t[plan.segment].name(_SEG)
    base = t.filter(t[plan.segment].notnull())
    positions = {label: k for k, label in enumerate(plan.labels)}
    n_seg = len(plan.labels)
    rows = plan.counts.astype(float)

    def by_segment(frame: pd.DataFrame, column: str) -> np.ndarray:
        out = np.full(n_seg, np.nan)
        for label, value in zip(frame[_SEG], frame[column], strict=True):
            out[positions[_plain(label)]] = value
        return out

    numeric = [f for f in plan.features if f.kind in (NUMERIC, DATE)]
    binary = [f for f in plan.features if f.kind == BINARY]
    aggs: dict[str, Any] = {}
    moments = {}
    for i, feat in enumerate(binary):
        value = _value(base, feat)
        moments[f"bn{i}"] = value.count()
        moments[f"bo{i}"] = value.sum()
    grouped = base.group_by(seg).agg(**moments).to_pandas() if moments else None

    bounds = dict(plan.bounds)
    unbounded = [f for f in numeric if f.name not in bounds]  # e.g. infinities in a float column
    if unbounded:
        ranges = {}
        for i, feat in enumerate(unbounded):
            value = _value(base, feat)
            ranges[f"lo{i}"], ranges[f"hi{i}"] = value.min(), value.max()
        found = base.agg(**ranges).to_pandas().iloc[0]
        for i, feat in enumerate(unbounded):
            bounds[feat.name] = (float(found[f"lo{i}"]), float(found[f"hi{i}"]))
    for feat in numeric:
        lo, hi = bounds[feat.name]
        if np.isnan(lo):  # no value at all
            nothing = np.full(n_seg, np.nan)
            aggs[feat.name] = NumericAgg(
                n=np.zeros(n_seg),
                mean=nothing,
                var=nothing,
                quantiles=np.full((n_seg, len(QUANTILES)), np.nan),
                pop_quantiles=np.full(len(POP_QUANTILES), np.nan),
                rows=rows,
                low=np.nan,
                high=np.nan,
            )
            continue
        summary = summarise_numeric(
            base,
            seg,
            _value(base, feat),
            plan.labels,
            list(QUANTILES.values()),
            POP_QUANTILES,
            lo=lo,
            hi=hi,
            integer=base[feat.name].type().is_integer(),
        )
        aggs[feat.name] = NumericAgg(
            n=summary.n,
            mean=summary.mean,
            var=summary.var,
            quantiles=summary.quantiles,
            pop_quantiles=summary.pop_quantiles,
            rows=rows,
            low=summary.low,
            high=summary.high,
        )
    for i, feat in enumerate(binary):
        aggs[feat.name] = BinaryAgg(
            n=np.nan_to_num(by_segment(grouped, f"bn{i}")),
            ones=np.nan_to_num(by_segment(grouped, f"bo{i}")),
            rows=rows,
        )
    for feat in plan.features:
        if feat.kind == CATEGORICAL:
            aggs[feat.name] = _categorical_agg(plan.level_counts[feat.name], positions, n_seg)
    return aggs


def _categorical_agg(counts: pd.DataFrame, positions, n_seg: int) -> CategoricalAgg:
    counts = counts[counts[_SEG].notna()]
    real = counts[counts["level"].notna()]
    totals = real.groupby("level")["n"].sum()
    ranked = sorted(totals.index, key=lambda lvl: (-totals[lvl], str(lvl)))
    names = [str(v) for v in ranked[:MAX_DISPLAY_LEVELS]]
    if len(ranked) > MAX_DISPLAY_LEVELS:
        names.append(OTHER)
    if counts["level"].isna().any():
        names.append(MISSING)
    column = {name: j for j, name in enumerate(names)}
    table = np.zeros((n_seg, len(names)))
    for label, level, n in zip(counts[_SEG], counts["level"], counts["n"], strict=True):
        if level is None or (isinstance(level, float) and np.isnan(level)):
            j = column[MISSING]
        else:
            j = column.get(str(level), column.get(OTHER))
        table[positions[_plain(label)], j] += n
    return CategoricalAgg(names=names, table=table)


def sample_table(
    plan: TablePlan, size: int | None, rng: np.random.Generator, oversample: float = 1.25
) -> pd.DataFrame:
    """A stratified sample (every segment present) of the features, drawn in the database.

    Each segment needs its rows kept with probability a little above its quota's share.
    Segments whose probabilities are within 25% of each other share one seeded Bernoulli
    sample at the highest of them (``TABLESAMPLE ... REPEATABLE`` in DuckDB), so the same
    ``rng`` draws the same rows, and a small segment never forces a high rate on the big
    ones. Each segment is then trimmed to its quota here.
    """
    t = plan.table
    total = int(plan.counts.sum())
    quota = stratified_quota(plan.counts, size)
    names = [f.name for f in plan.features]
    selected = t.select(t[plan.segment].name(_SEG), *names)
    if size is None or size >= total:
        frame = selected.filter(selected[_SEG].notnull()).to_pandas()
    else:
        rates = np.minimum(1.0, oversample * quota / np.maximum(plan.counts, 1))
        parts = []
        left = list(np.argsort(-rates, kind="stable"))
        while left:
            rate = float(rates[left[0]])
            group = [k for k in left if rates[k] * 1.25 >= rate]
            left = [k for k in left if k not in group]
            seed = int(rng.integers(2**31 - 1))
            part = selected if rate >= 1.0 else selected.sample(rate, seed=seed)
            labels = [plan.labels[k] for k in group]
            parts.append(part.filter(part[_SEG].isin(labels)).to_pandas())
        frame = pd.concat(parts, ignore_index=True)
    # databases return rows in no fixed order: sort them so the trimming below is repeatable
    frame = frame.sort_values(list(frame.columns), kind="mergesort", ignore_index=True)
    keep = []
    positions = {label: k for k, label in enumerate(plan.labels)}
    codes = frame[_SEG].map(lambda v: positions[_plain(v)]).to_numpy()
    for k in range(len(plan.labels)):
        rows = np.flatnonzero(codes == k)
        keep.append(rows if len(rows) <= quota[k] else rng.choice(rows, quota[k], replace=False))
    frame = frame.iloc[np.sort(np.concatenate(keep))].reset_index(drop=True)
    return frame


def prepared_from_sample(plan: TablePlan, frame: pd.DataFrame) -> Prepared:
    """The sample as the model stage expects it, with the plan's kinds, levels and origins."""
    positions = {label: k for k, label in enumerate(plan.labels)}
    codes = frame[_SEG].map(lambda v: positions[_plain(v)]).to_numpy().astype(np.int64)
    columns = {}
    for feat in plan.features:
        col = frame[feat.name]
        if feat.kind == CATEGORICAL:
            text = col.astype("string")
            columns[feat.name] = text.astype("category")
        elif feat.kind == DATE:
            stamps = pd.to_datetime(col)
            columns[feat.name] = (stamps - feat.origin).dt.total_seconds() / 86400.0
        else:
            values = pd.to_numeric(col.astype("float64"), errors="coerce")
            columns[feat.name] = values.where(~np.isinf(values))
    return Prepared(
        frame=pd.DataFrame(columns, index=pd.RangeIndex(len(frame))),
        codes=codes,
        labels=plan.labels,
        features=plan.features,
        segment=plan.segment,
        id_column=plan.id_column,
        rows_input=plan.rows_input,
        dropped_missing_segment=plan.dropped_missing_segment,
        notes=tuple(plan.notes),
    )


def convert_to_parquet(source: Path, name: str, folder: Path) -> tuple[Path, pd.DataFrame, int]:
    """Copy a big upload into Parquet once with DuckDB; return it, its first rows and its size.

    ``name`` is the user's file name (its extension tells the format).
    """
    suffix = "".join(Path(name).suffixes[-2:]).lower() or ".csv"
    link = folder / f"upload{suffix}"
    if link.exists():
        link.unlink()
    link.symlink_to(source.resolve())
    target = folder / "data.parquet"
    try:
        table = open_with_duckdb(link)
        table.to_parquet(target)
        head = table.head(5000).to_pandas()
        rows = int(table.count().to_pandas())
    except DataError as exc:
        raise DataError(str(exc).replace(link.name, name)) from exc
    except Exception as exc:
        raise DataError(f"Could not read {name}: {first_line(exc)}.") from exc
    finally:
        link.unlink(missing_ok=True)
    return target, head, rows
