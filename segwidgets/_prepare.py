"""Column roles and the analysis frame: what is the segment, the ID, and each feature's kind.

Nothing here modifies the caller's DataFrame: every transformation builds new columns.
"""

from __future__ import annotations

import datetime
import difflib
import os
import re
from collections.abc import Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._errors import DataError

NUMERIC, BINARY, CATEGORICAL, DATE = "numeric", "binary", "categorical", "date"
PARALLEL_ROWS = 200_000  # columns are classified in parallel threads on tables this big

_ID_TOKENS = {"id", "uuid", "guid", "key", "identifier"}
_SEGMENT_WORDS = re.compile(r"cluster|segment|group|persona|tier|rfm|class|label|cohort", re.I)
_CODE_TOKENS = {"code", "cd", "zip", "postcode", "postal", "zipcode"}
_DATE_LIKE = re.compile(r"^\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}.*)?\s*$")
_BOOL_WORDS = {
    frozenset({"yes", "no"}): "yes",
    frozenset({"true", "false"}): "true",
    frozenset({"y", "n"}): "y",
}


@dataclass(frozen=True)
class Feature:
    """One original column used as a feature.

    Attributes
    ----------
    name : str
        Column name as shown to users.
    kind : str
        ``"numeric"``, ``"binary"``, ``"categorical"`` or ``"date"``.
    levels : tuple of str
        Categorical levels the model sees (most frequent first); the rest are "other".
    n_levels : int
        Number of distinct raw levels (categorical only).
    origin : pandas.Timestamp or None
        Earliest date; date features are measured in days since it.
    true_value : str
        For binary features, which raw value counts as "true".
    """

    name: str
    kind: str
    levels: tuple[str, ...] = ()
    n_levels: int = 0
    origin: pd.Timestamp | None = None
    true_value: str = ""


@dataclass(frozen=True)
class Prepared:
    """The analysis-ready table: feature values, segment codes and what was decided."""

    frame: pd.DataFrame
    codes: np.ndarray
    labels: tuple
    features: tuple[Feature, ...]
    segment: str
    id_column: str | None
    rows_input: int
    dropped_missing_segment: int
    notes: tuple[str, ...] = field(default=())

    def model_matrix(self, rows: np.ndarray | None = None) -> np.ndarray:
        """Float matrix for LightGBM; categoricals as integer codes of their model levels."""
        sub = self.frame if rows is None else self.frame.iloc[rows]
        out = np.empty((len(sub), len(self.features)), dtype=np.float64)
        for j, feat in enumerate(self.features):
            col = sub[feat.name]
            if feat.kind == CATEGORICAL:
                out[:, j] = _level_codes(col, feat.levels)
            else:
                out[:, j] = col.to_numpy(dtype=np.float64, na_value=np.nan)
        return out

    @property
    def categorical_indices(self) -> list[int]:
        """Positions of categorical features in :meth:`model_matrix`."""
        return [j for j, f in enumerate(self.features) if f.kind == CATEGORICAL]


def _level_codes(col: pd.Series, levels: tuple[str, ...]) -> np.ndarray:
    cat = col.cat
    lookup = {lvl: i for i, lvl in enumerate(levels)}
    other = float(len(levels))
    mapping = np.array([lookup.get(c, other) for c in cat.categories] + [np.nan], dtype=np.float64)
    codes = cat.codes.to_numpy()
    return mapping[np.where(codes < 0, len(mapping) - 1, codes)]


def _tokens(name: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name))
    return [t for t in re.split(r"[^0-9a-zA-Z]+", spaced.lower()) if t]


def _looks_like_id_name(name: str) -> bool:
    tokens = _tokens(name)
    return bool(tokens) and (tokens[-1] in _ID_TOKENS or tokens[0] == "id")


def _is_text(col: pd.Series) -> bool:
    return bool(
        pd.api.types.is_object_dtype(col)
        or pd.api.types.is_string_dtype(col)
        or isinstance(col.dtype, pd.CategoricalDtype)
    )


def unique_column_names(columns: Sequence[Hashable]) -> tuple[list[str], list[str]]:
    """Column names as unique strings, and notes on what was renamed."""
    seen: dict[str, int] = {}
    names, notes = [], []
    for raw in columns:
        name = str(raw)
        if name in seen:
            seen[name] += 1
            new = f"{name} ({seen[name]})"
            notes.append(f"Duplicate column name {name!r}: the copy is called {new!r}.")
            name = new
        else:
            seen[name] = 1
        names.append(name)
    return names, notes


def _with_string_names(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    names, notes = unique_column_names(df.columns)
    if names == list(df.columns):
        return df, notes
    work = df.copy(deep=False)
    work.columns = names
    return work, notes


def _resolve(df: pd.DataFrame, name: Hashable, what: str) -> str:
    return resolve_column([str(c) for c in df.columns], name, what)


def resolve_column(columns: Sequence[str], name: Hashable, what: str) -> str:
    """The column called ``name``, or a clear error naming the closest match."""
    key = str(name)
    if key in columns:
        return key
    close = difflib.get_close_matches(key, list(columns), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    shown = ", ".join(repr(c) for c in list(columns)[:12])
    more = ", …" if len(columns) > 12 else ""
    raise DataError(f"No {what} column named {key!r}.{hint} Columns are: {shown}{more}.")


def suggest_segment(df: pd.DataFrame, max_segments: int = 50) -> str | None:
    """Suggest the column most likely to hold segment labels, or None.

    Prefers low-cardinality columns named like cluster/segment/group; never decides for
    the caller.
    """
    work, _ = _with_string_names(df)
    best, best_score = None, 0.0
    for name in work.columns:
        col = work[name]
        n_unique = col.nunique(dropna=True)
        if not 2 <= n_unique <= min(max_segments, 30):
            continue
        if pd.api.types.is_float_dtype(col) and not np.allclose(col.dropna() % 1, 0):
            continue
        score = 1.0 / n_unique
        if _SEGMENT_WORDS.search(name):
            score += 10
        if score > best_score:
            best, best_score = name, score
    return best


def suggest_id(df: pd.DataFrame, exclude: Sequence[str] = ()) -> list[str]:
    """Columns that look like row identifiers (name like an id, or unique per row)."""
    work, _ = _with_string_names(df)
    n = len(work)
    named, unnamed = [], []
    for name in work.columns:
        if name in exclude:
            continue
        col = work[name]
        if pd.api.types.is_float_dtype(col) or pd.api.types.is_bool_dtype(col):
            continue
        if _looks_like_id_name(name):
            head = col.iloc[:1000].dropna()
            if len(head) and head.nunique() >= 0.9 * len(head) and col.nunique() >= 0.9 * n:
                named.append(name)
            continue
        if n < 20 or not (_is_text(col) or pd.api.types.is_integer_dtype(col)):
            continue
        head = col.iloc[:1000]
        if head.isna().any() or head.nunique() < len(head):
            continue  # a repeat among the first rows: cheaper than counting every value
        if pd.api.types.is_integer_dtype(col) and float(col.max()) - float(col.min()) + 1 > 1.5 * n:
            continue
        if col.nunique(dropna=True) == n:
            unnamed.append(name)
    return named + unnamed


def _segment_codes(col: pd.Series, name: str, max_segments: int):
    present = col.notna().to_numpy()
    raw_codes, uniques = pd.factorize(col[present], sort=False)
    order = segment_order(list(uniques), name, max_segments)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return present, tuple(_plain(uniques[i]) for i in order), rank[raw_codes]


def segment_order(uniques: list, name: str, max_segments: int) -> list[int]:
    """Check the distinct segment labels and return the positions that sort them."""
    uniques = [_plain(u) for u in uniques]
    if len(uniques) == 0:
        raise DataError(f"The segment column {name!r} has no values.")
    if len(uniques) == 1:
        raise DataError(
            f"The segment column {name!r} has only one segment ({uniques[0]!r}): "
            "profiling needs at least two."
        )
    if len(uniques) > max_segments:
        raise DataError(
            f"The segment column {name!r} has {len(uniques):,} distinct values, more than "
            f"{max_segments} segments: did you pick an ID or a measure instead of the "
            "segment label?"
        )
    try:
        return sorted(range(len(uniques)), key=lambda i: uniques[i])
    except TypeError:
        return sorted(range(len(uniques)), key=lambda i: str(uniques[i]))


def _plain(value):
    """Numpy scalars become Python scalars so labels print and serialise plainly."""
    return value.item() if isinstance(value, np.generic) else value


def _as_numeric_text(col: pd.Series) -> pd.Series | None:
    """Numbers stored as text (some cells like 'n/a'); None when the column is not numeric."""
    sample = _first_values(col, 5000)
    if sample.empty:
        return None
    parsed = pd.to_numeric(sample.astype(str).str.strip(), errors="coerce")
    if parsed.notna().mean() < 0.9:
        return None
    return pd.to_numeric(col.astype("string").str.strip(), errors="coerce")


def _as_dates(col: pd.Series) -> pd.Series | None:
    if pd.api.types.is_datetime64_any_dtype(col):
        dates = col
    elif _is_text(col) and not isinstance(col.dtype, pd.CategoricalDtype):
        sample = _first_values(col, 2000)
        if sample.empty:
            return None
        if all(type(v) is datetime.date for v in sample):  # a date column read by pyarrow
            dates = _calendar_dates(col)
            if dates is not None:
                return dates
        if sum(bool(_DATE_LIKE.match(str(v))) for v in sample) < 0.95 * len(sample):
            return None
        present = col.notna().sum()
        dates = pd.to_datetime(col, errors="coerce", format="ISO8601")
        if dates.notna().sum() < 0.95 * present:
            dates = pd.to_datetime(col, errors="coerce", format="mixed")
        if dates.notna().sum() < 0.95 * present:
            return None
    else:
        return None
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
    return dates


def _first_values(col: pd.Series, n: int) -> pd.Series:
    """Up to ``n`` non-missing values from the top of a column, without copying all of it."""
    head = col.iloc[: 4 * n].dropna()
    if len(head) >= n or len(col) <= 4 * n:
        return head.iloc[:n]
    return col.dropna().iloc[:n]


def _calendar_dates(col: pd.Series) -> pd.Series | None:
    """Python ``datetime.date`` objects as datetime64, through Arrow's date32; None if mixed."""
    import pyarrow as pa

    try:
        days = pa.array(col.to_numpy(), from_pandas=True, type=pa.date32())
    except (pa.ArrowException, TypeError, ValueError):
        return None
    return pd.Series(days.to_pandas(date_as_object=False).to_numpy(), index=col.index)


def _binary_of_text(col: pd.Series) -> tuple[pd.Series, str] | None:
    if _first_values(col, 5000).nunique() > 2:  # most text columns show it in their top rows
        return None
    uniques = pd.unique(col.dropna())
    if len(uniques) != 2:
        return None
    words = [str(u).strip().lower() for u in uniques]
    true_word = _BOOL_WORDS.get(frozenset(words))
    if true_word is None:
        return None
    true_values = [u for u, w in zip(uniques, words, strict=True) if w == true_word]
    return col.isin(true_values).astype("float64").where(col.notna()), true_word


def _categorical(col: pd.Series) -> pd.Series:
    """Text categories with surrounding spaces removed; works on the few categories, not rows."""
    cat = col.array if isinstance(col.dtype, pd.CategoricalDtype) else col.astype("category").array
    names = pd.Index(cat.categories.astype(str)).str.strip()
    inverse, merged = pd.factorize(names)
    codes = np.asarray(cat.codes)
    codes = np.where(codes >= 0, inverse[np.maximum(codes, 0)], -1)
    return pd.Series(pd.Categorical.from_codes(codes, categories=pd.Index(merged, dtype=object)))


def prepare(
    df: pd.DataFrame,
    segment: Hashable,
    *,
    id_column: Hashable | None = None,
    categorical: Sequence[Hashable] | None = None,
    exclude: Sequence[Hashable] | None = None,
    max_segments: int = 50,
    max_levels: int = 30,
) -> Prepared:
    """Decide column roles and build the analysis frame (the input is not modified)."""
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"Expected a pandas DataFrame or a file path, got {type(df).__name__}.")
    if df.shape[0] == 0 or df.shape[1] == 0:
        raise DataError("The table has no rows or no columns.")
    work, notes = _with_string_names(df)
    seg_name = _resolve(work, segment, "segment")
    excluded = {_resolve(work, c, "excluded") for c in (exclude or [])}
    forced_cat = {_resolve(work, c, "categorical") for c in (categorical or [])}
    if id_column is not None:
        id_name: str | None = _resolve(work, id_column, "ID")
        if id_name == seg_name:
            raise DataError(f"{seg_name!r} cannot be both the segment and the ID column.")
        id_like = [id_name]
    else:
        id_like = [
            c for c in suggest_id(work, exclude=[seg_name, *forced_cat]) if c not in excluded
        ]
        id_name = id_like[0] if id_like else None
        for extra in id_like:
            notes.append(f"{extra!r} looks like a row identifier and is not used as a feature.")

    present, labels, codes = _segment_codes(work[seg_name], seg_name, max_segments)
    rows_input = len(work)
    dropped = int(rows_input - present.sum())
    if dropped:
        notes.append(f"{dropped:,} rows without a segment in {seg_name!r} were left out.")
        work = work.loc[present]

    features: list[Feature] = []
    columns: dict[str, pd.Series] = {}
    skip = {seg_name, *excluded, *id_like}
    n = len(work)
    todo = [name for name in work.columns if name not in skip]

    def classify(name: str):
        return _classify(name, work[name], name in forced_cat, n, max_levels)

    workers = min(os.cpu_count() or 1, len(todo))
    if n >= PARALLEL_ROWS and workers > 1:  # pandas and pyarrow kernels release the GIL
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(classify, todo))
    else:
        results = [classify(name) for name in todo]
    for name, (feat, values, note) in zip(todo, results, strict=True):
        if note:
            notes.append(note)
        if feat is not None:
            features.append(feat)
            columns[name] = values
    if not features:
        raise DataError(
            "No usable feature columns are left once the segment, ID, excluded, constant and "
            "empty columns are set aside."
        )
    frame = pd.DataFrame(columns, copy=False)  # no consolidation copy: columns stay as built
    return Prepared(
        frame=frame,
        codes=codes,
        labels=labels,
        features=tuple(features),
        segment=seg_name,
        id_column=id_name,
        rows_input=rows_input,
        dropped_missing_segment=dropped,
        notes=tuple(notes),
    )


def _single_value(col: pd.Series) -> bool:
    """True when the column holds at most one distinct value (cheaper than counting them)."""
    if col.iloc[:1000].nunique() > 1:  # most columns show two values in their first rows
        return False
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
        return bool(np.isnan(values).all() or np.nanmin(values) == np.nanmax(values))
    values = col.dropna()
    return values.empty or not bool((values != values.iloc[0]).any())


def _classify(name: str, col: pd.Series, forced_cat: bool, n: int, max_levels: int):
    """Return (Feature or None, analysis values, note)."""
    col = col.reset_index(drop=True)
    if col.iloc[:1000].isna().all() and col.isna().all():
        return None, None, f"{name!r} is empty and was left out."
    if _single_value(col):
        return None, None, f"{name!r} has a single value and was left out."
    if forced_cat:
        if pd.api.types.is_datetime64_any_dtype(col):
            col = col.dt.strftime("%Y-%m-%d")
        return _categorical_feature(name, _categorical(col), n, max_levels, forced=True)
    if pd.api.types.is_bool_dtype(col):
        return Feature(name, BINARY, true_value="True"), col.astype("float64"), ""
    if pd.api.types.is_numeric_dtype(col):
        values = col.astype("float64")
        note = ""
        infinite = np.isinf(values.to_numpy())
        if infinite.any():
            values = values.where(~infinite)
            note = f"{name!r}: {int(infinite.sum()):,} infinite values treated as missing."
        finite = values.to_numpy()
        finite = finite[~np.isnan(finite)]
        if finite.min() >= 0 and finite.max() <= 1 and set(np.unique(finite)) <= {0.0, 1.0}:
            return Feature(name, BINARY, true_value="1"), values, note
        tokens = _tokens(name)
        if (
            tokens
            and tokens[-1] in _CODE_TOKENS
            and values.nunique() <= max_levels
            and (np.allclose(values.dropna() % 1, 0))
        ):
            ints = values.astype("Int64").astype("string")
            return _categorical_feature(name, ints.astype("category"), n, max_levels)
        return Feature(name, NUMERIC), values, note
    dates = _as_dates(col)
    if dates is not None:
        origin = dates.min()
        days = (dates - origin).dt.total_seconds() / 86400.0
        return Feature(name, DATE, origin=origin), days.astype("float64"), ""
    if _is_text(col) and not isinstance(col.dtype, pd.CategoricalDtype):
        binary = _binary_of_text(col)
        if binary is not None:
            values, true_word = binary
            return Feature(name, BINARY, true_value=true_word), values, ""
        numeric = _as_numeric_text(col)
        if numeric is not None:
            bad = int(col.notna().sum() - numeric.notna().sum())
            note = f"{name!r}: {bad:,} non-numeric values treated as missing." if bad else ""
            numeric = numeric.astype("float64")
            infinite = np.isinf(numeric.to_numpy())
            return Feature(name, NUMERIC), numeric.where(~infinite), note
    return _categorical_feature(name, _categorical(col), n, max_levels)


def _categorical_feature(name, values: pd.Series, n: int, max_levels: int, forced: bool = False):
    counts = values.value_counts(sort=True)
    counts = counts[counts > 0]
    n_levels = len(counts)
    if n_levels <= 1:
        return None, None, f"{name!r} has a single value and was left out."
    if not forced and n_levels > 100 and n_levels > 0.5 * n:
        return (
            None,
            None,
            (
                f"{name!r} has {n_levels:,} distinct text values (free text or an identifier) "
                "and was left out."
            ),
        )
    levels = tuple(str(v) for v in counts.index[:max_levels])
    note = ""
    if n_levels > max_levels:
        note = (
            f"{name!r} has {n_levels:,} levels: the model sees the {max_levels} most frequent "
            "and groups the rest as 'other'."
        )
    return Feature(name, CATEGORICAL, levels=levels, n_levels=n_levels), values, note


def infer_kinds(df: pd.DataFrame, *, sample: int = 5000, max_levels: int = 30) -> dict[str, str]:
    """How each column would be treated, judged on the first ``sample`` rows.

    Kinds: ``"id"``, ``"numeric"``, ``"binary"``, ``"categorical"``, ``"date"``,
    ``"constant"`` (single value or empty) and ``"text"`` (free text, left out).
    """
    work, _ = _with_string_names(df.iloc[:sample])
    ids = set(suggest_id(work))
    kinds = {}
    for name in work.columns:
        if name in ids:
            kinds[name] = "id"
            continue
        feat, _, note = _classify(name, work[name], False, len(work), max_levels)
        if feat is not None:
            kinds[name] = feat.kind
        else:
            kinds[name] = "text" if "distinct text values" in note else "constant"
    return kinds
