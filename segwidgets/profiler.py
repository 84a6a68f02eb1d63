"""`SegmentProfiler`: a scikit-learn style estimator that produces a `SegmentProfile`."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _model
from ._errors import DataError, SegmentsNotDistinguishable
from ._format import label_text
from ._io import read_table
from ._prepare import Prepared, prepare
from ._stats import describe, describe_aggregates
from ._summary import segment_points, summarise_segment
from ._table import (
    aggregate_table,
    is_ibis_table,
    open_with_duckdb,
    plan_table,
    prepared_from_sample,
    sample_table,
    wants_duckdb,
)
from .result import Quality, SegmentProfile

if TYPE_CHECKING:
    import ibis

__all__ = ["SegmentProfiler", "profile"]

Progress = Callable[[str, float], None]
WEAK_KAPPA = 0.2  # "slight agreement" at best: the model barely beats guessing by sizes


def _no_progress(stage: str, fraction: float) -> None:
    return None


class SegmentProfiler:
    """Explain what makes each segment different.

    Parameters
    ----------
    top_n : int
        Number of top features in summaries, charts and stability.
    cv : int
        Stratified cross-validation folds for distinguishability and SHAP.
    sample_size : int or None
        Rows (stratified by segment) the model trains on; None uses every row.
        Statistics always use every row.
    shap_sample_size : int
        Rows (stratified, every segment present) explained with TreeSHAP.
    max_segments : int
        More distinct segment labels than this is an error (likely an ID column).
    max_levels : int
        Most frequent levels of a categorical the model sees; the rest are "other".
    random_state : int
        Seed for sampling, folds and the model.
    allow_weak : bool
        Profile even when segments are hard to tell apart (see ``weak_threshold``).
    weak_threshold : float
        Weighted F1 at or below which segments count as not distinguishable. Segments also
        count as not distinguishable when Cohen's kappa of the out-of-fold predictions is at
        most 0.2, which catches unequal segment sizes where F1 looks good by chance.
    unit : str
        What a row is, for summaries ("customers").
    model_params : dict, optional
        LightGBM parameters that override the fast defaults, e.g.
        ``{"num_boost_round": 100, "num_leaves": 31, "learning_rate": 0.1}`` for a bigger
        model on hard problems.
    engine : {"auto", "pandas", "duckdb"}
        How a file is read: ``"auto"`` scans files of 256 MB and more, folders and globs
        of Parquet files with DuckDB (aggregates in SQL over all rows, only a stratified
        sample comes into memory) and reads smaller files with pandas. An Ibis table is
        always profiled where it lives (DuckDB, Spark, a SQL warehouse).
    memory_limit : str
        DuckDB's memory limit for the ``"duckdb"`` engine; it spills to disk beyond it.

    Attributes
    ----------
    profile_ : SegmentProfile
        The result.
    models_ : tuple of lightgbm.Booster
        One model per cross-validation fold.
    feature_names_in_ : list of str
        Feature columns the models use, in model order.
    classes_ : list
        Segment labels the models cover.
    """

    def __init__(
        self,
        top_n: int = 7,
        cv: int = 5,
        sample_size: int | None = 20_000,
        shap_sample_size: int = 1_000,
        max_segments: int = 50,
        max_levels: int = 30,
        random_state: int = 0,
        allow_weak: bool = False,
        weak_threshold: float = 0.5,
        unit: str = "customers",
        model_params: dict[str, Any] | None = None,
        engine: str = "auto",
        memory_limit: str = "1GB",
    ) -> None:
        self.top_n = top_n
        self.cv = cv
        self.sample_size = sample_size
        self.shap_sample_size = shap_sample_size
        self.max_segments = max_segments
        self.max_levels = max_levels
        self.random_state = random_state
        self.allow_weak = allow_weak
        self.weak_threshold = weak_threshold
        self.unit = unit
        self.model_params = model_params
        self.engine = engine
        self.memory_limit = memory_limit

    def _engine(self, data, source: str | None) -> str:
        if self.engine not in ("auto", "pandas", "duckdb"):
            raise DataError(f"engine must be 'auto', 'pandas' or 'duckdb', not {self.engine!r}.")
        if is_ibis_table(data):
            return "ibis"
        if source is None:
            return "pandas"
        if self.engine == "auto":
            return "duckdb" if wants_duckdb(source) else "pandas"
        return self.engine

    def get_params(self) -> dict[str, Any]:
        """Constructor parameters, as in scikit-learn."""
        names = self.__init__.__code__.co_varnames[1 : self.__init__.__code__.co_argcount]
        return {name: getattr(self, name) for name in names}

    def _check_params(self) -> None:
        if not (isinstance(self.top_n, int) and 1 <= self.top_n <= 100):
            raise DataError(f"top_n must be a whole number from 1 to 100, not {self.top_n!r}.")
        if not (isinstance(self.cv, int) and self.cv >= 2):
            raise DataError(f"cv must be a whole number of at least 2, not {self.cv!r}.")
        if self.sample_size is not None and self.sample_size < 100:
            raise DataError("sample_size must be at least 100 rows (or None for all rows).")
        if self.shap_sample_size < 10:
            raise DataError("shap_sample_size must be at least 10 rows.")

    def fit(
        self,
        data: pd.DataFrame | str | os.PathLike | ibis.Table,
        segment: Hashable,
        *,
        id_column: Hashable | None = None,
        categorical: Sequence[Hashable] | None = None,
        exclude: Sequence[Hashable] | None = None,
        progress: Progress | None = None,
        on_segments: Callable[[pd.DataFrame], None] | None = None,
    ) -> SegmentProfiler:
        """Profile ``data`` by its ``segment`` column.

        Parameters
        ----------
        data : DataFrame, path or Ibis table
            The table, a CSV/TSV/.csv.gz/Parquet/Excel file, a folder or glob of Parquet
            files, or an Ibis table in any backend. Never modified.
        segment : str
            Column holding segment labels (any type; missing labels are dropped).
        id_column : str, optional
            Row identifier; found automatically when not given, never a feature.
        categorical : list of str, optional
            Columns to treat as categorical even if numeric.
        exclude : list of str, optional
            Columns to leave out.
        progress : callable, optional
            Called as ``progress(stage, fraction)``; raising from it cancels the fit.
        on_segments : callable, optional
            Called with the segments table (``label``, ``name``, ``size``, ``share``) as
            soon as it is known, before the model, so a UI can show sizes early.

        Returns
        -------
        self
        """
        self._check_params()
        report = progress or _no_progress
        timings: dict[str, float] = {}
        start = time.perf_counter()

        def lap(stage: str, since: float) -> float:
            now = time.perf_counter()
            timings[stage] = now - since
            return now

        report("reading", 0.0)
        source = None if isinstance(data, pd.DataFrame) or is_ibis_table(data) else os.fspath(data)
        engine = self._engine(data, source)
        rng = np.random.default_rng(self.random_state)
        roles = {
            "id_column": id_column,
            "categorical": categorical,
            "exclude": exclude,
            "max_segments": self.max_segments,
            "max_levels": self.max_levels,
        }
        if engine == "pandas":
            frame = data if source is None else read_table(source)
            mark = lap("read", start)
            report("preparing", 0.0)
            prepared = prepare(frame, segment, **roles)
            del frame
            mark = lap("prepare", mark)
            report("profiling", 0.0)
            desc = describe(prepared)
            population = np.bincount(prepared.codes, minlength=len(prepared.labels))
            mark = lap("describe", mark)
        else:  # aggregates where the data lives, the model on a stratified sample
            table = (
                data if source is None else open_with_duckdb(source, memory_limit=self.memory_limit)
            )
            mark = lap("read", start)
            report("preparing", 0.0)
            plan = plan_table(table, segment, **roles)
            mark = lap("prepare", mark)
            report("profiling", 0.0)
            desc = describe_aggregates(plan.features, aggregate_table(plan), plan.labels)
            population = plan.counts
            mark = lap("describe", mark)
            prepared = prepared_from_sample(plan, sample_table(plan, self.sample_size, rng))
            mark = lap("sample", mark)

        names = [label_text(lbl) for lbl in prepared.labels]
        segments = pd.DataFrame(
            {
                "label": list(prepared.labels),
                "name": names,
                "size": population,
                "share": population / population.sum(),
            }
        )
        if on_segments is not None:
            on_segments(segments.copy())

        outcome, model_codes, sample, warnings = self._model(
            prepared, report, timings, population, rng
        )
        sample["engine"] = engine
        mark = time.perf_counter()

        quality = self._quality(outcome, model_codes, names)
        if quality.weak:
            pairs = "; ".join(
                f"'{a}' taken for '{b}' {s:.0%}" for a, b, s in quality.confused_pairs[:3]
            )
            why = (
                f"≤ {self.weak_threshold:.2f}"
                if quality.f1_weighted <= self.weak_threshold
                else f"kappa {quality.kappa:.2f}: barely better than guessing by segment sizes"
            )
            message = (
                "The segments are hard to tell apart: out-of-fold weighted F1 is "
                f"{quality.f1_weighted:.2f} ({why}); most confused: {pairs}. "
                "Profiles would mostly describe noise; pass allow_weak=True (CLI --allow-weak) "
                "to profile anyway."
            )
            if not self.allow_weak:
                raise SegmentsNotDistinguishable(
                    message, quality.f1_weighted, quality.confused_pairs
                )
            warnings.append(message.split("; pass allow_weak")[0] + ".")

        report("summarising", 0.0)
        importance, by_segment, stability_table, stability = self._importance(
            outcome, prepared, [names[c] for c in model_codes]
        )
        segments["in_model"] = np.isin(np.arange(len(names)), model_codes)
        ranked = [prepared.features[prepared.frame.columns.get_loc(f)] for f in importance.index]
        summaries = {
            names[k]: summarise_segment(
                names[k],
                int(segments["size"].iloc[k]),
                float(segments["share"].iloc[k]),
                segment_points(desc.stats, prepared.labels[k], ranked[: self.top_n]),
                unit=self.unit,
            )
            for k in range(len(names))
        }
        lap("summarise", mark)
        timings["total"] = time.perf_counter() - start
        report("done", 1.0)

        params = self.get_params() | {
            "segment": prepared.segment,
            "id_column": prepared.id_column,
            "categorical": [str(c) for c in categorical or []],
            "exclude": [str(c) for c in exclude or []],
            "source": source,
        }
        self.models_ = outcome.boosters
        self.feature_names_in_ = [f.name for f in prepared.features]
        self.classes_ = [prepared.labels[c] for c in model_codes]
        self.profile_ = SegmentProfile(
            segment_column=prepared.segment,
            id_column=prepared.id_column,
            rows_input=prepared.rows_input,
            rows=int(population.sum()),
            dropped_missing_segment=prepared.dropped_missing_segment,
            feature_info=prepared.features,
            quality=quality,
            stability=stability,
            sample=sample,
            timings=timings,
            notes=prepared.notes,
            warnings=tuple(warnings),
            params=params,
            summaries=summaries,
            _segments=segments,
            _importance=importance,
            _importance_by_segment=by_segment,
            _stability_table=stability_table,
            _stats=desc.stats,
            _effect=desc.effect,
            _index=desc.index,
            _scaled=desc.scaled,
            headline_level=desc.headline_level,
        )
        return self

    # ----- stages -------------------------------------------------------------------
    def _model(self, prepared: Prepared, report, timings, population, rng):
        names = [label_text(lbl) for lbl in prepared.labels]
        counts = np.bincount(prepared.codes, minlength=len(names))
        model_codes = np.flatnonzero(counts >= self.cv)
        warnings = [
            f"Segment '{names[k]}' has only {counts[k]} rows, too few for {self.cv}-fold "
            "cross-validation: it is profiled but left out of the model."
            for k in np.flatnonzero(counts < self.cv)
        ]
        if len(model_codes) < 2:
            raise DataError(
                f"At most one segment has the {self.cv} rows needed to cross-validate a model; "
                "check the segment column."
            )
        eligible = np.flatnonzero(np.isin(prepared.codes, model_codes))
        recode = np.full(len(names), -1)
        recode[model_codes] = np.arange(len(model_codes))
        picked = eligible[_model.stratified_sample(prepared.codes[eligible], self.sample_size, rng)]
        y = recode[prepared.codes[picked]]
        shap_local = _model.stratified_sample(y, self.shap_sample_size, rng, min_per_class=20)
        start = time.perf_counter()
        x = prepared.model_matrix(picked)
        outcome = _model.fit_and_explain(
            x,
            y,
            categorical=prepared.categorical_indices,
            cv=self.cv,
            shap_rows=shap_local,
            random_state=self.random_state,
            progress=report,
            model_params=self.model_params,
        )
        timings["model"] = time.perf_counter() - start - outcome.explain_seconds
        timings["explain"] = outcome.explain_seconds
        total, eligible_total = int(population.sum()), int(population[model_codes].sum())
        sample = {
            "rows": total,
            "model_rows": len(picked),
            "shap_rows": len(shap_local),
            "model_sampled": len(picked) < eligible_total,
            "shap_sampled": len(shap_local) < len(picked),
            "description": (
                f"Statistics use all {total:,} rows; the model was cross-validated "
                f"on {len(picked):,} rows"
                + (" (stratified sample)" if len(picked) < eligible_total else "")
                + f" and SHAP explains {len(shap_local):,} of them (stratified, out-of-fold)."
            ),
        }
        return outcome, model_codes, sample, warnings

    def _quality(self, outcome: _model.ModelOutcome, model_codes, names) -> Quality:
        model_names = [names[c] for c in model_codes]
        confusion = pd.DataFrame(outcome.confusion, index=model_names, columns=model_names)
        confusion.index.name, confusion.columns.name = "true", "predicted"
        off = outcome.confusion.copy()
        np.fill_diagonal(off, 0)
        order = np.dstack(np.unravel_index(np.argsort(-off, axis=None), off.shape))[0]
        pairs = [
            (model_names[i], model_names[j], float(off[i, j]))
            for i, j in order[:5]
            if off[i, j] > 0
        ]
        per = pd.DataFrame(
            {"segment": model_names, "f1": outcome.f1_per_class, "support": outcome.support}
        )
        return Quality(
            f1_weighted=outcome.f1_weighted,
            kappa=outcome.kappa,
            per_segment=per,
            confusion=confusion,
            confused_pairs=pairs,
            folds=outcome.n_folds,
            weak=outcome.f1_weighted <= self.weak_threshold or outcome.kappa <= WEAK_KAPPA,
        )

    def _importance(self, outcome: _model.ModelOutcome, prepared: Prepared, model_names):
        features = [f.name for f in prepared.features]
        mean_abs = np.abs(outcome.shap_values).mean(axis=0)  # (features, classes)
        by_segment = pd.DataFrame(mean_abs, index=features, columns=model_names)
        importance = by_segment.sum(axis=1).sort_values(ascending=False, kind="stable")
        importance.index.name, importance.name = "feature", "importance"
        by_segment = by_segment.loc[importance.index]
        by_segment.index.name = "feature"
        top = set(importance.index[: self.top_n])
        in_top = pd.Series(0.0, index=importance.index)
        same = 0
        folds = np.unique(outcome.shap_fold)
        for fold in folds:
            part = np.abs(outcome.shap_values[outcome.shap_fold == fold]).mean(axis=0).sum(axis=1)
            fold_top = {features[j] for j in np.argsort(-part, kind="stable")[: self.top_n]}
            same += fold_top == top
            in_top[list(fold_top)] += 1
        in_top /= len(folds)
        table = pd.DataFrame(
            {
                "rank": np.arange(1, len(importance) + 1),
                "importance": importance.to_numpy(),
                "in_top_share": in_top.to_numpy(),
            },
            index=importance.index,
        )
        n_top = min(self.top_n, len(features))
        stability = f"top-{n_top} identical in {same} of {len(folds)} folds"
        return importance, by_segment, table, stability


def profile(
    data: pd.DataFrame | str | os.PathLike | ibis.Table,
    segment: Hashable,
    *,
    id_column: Hashable | None = None,
    categorical: Sequence[Hashable] | None = None,
    exclude: Sequence[Hashable] | None = None,
    progress: Progress | None = None,
    **params: Any,
) -> SegmentProfile:
    """Profile ``data`` by ``segment``; shortcut for ``SegmentProfiler(**params).fit(...)``.

    Returns
    -------
    SegmentProfile
    """
    profiler = SegmentProfiler(**params)
    profiler.fit(
        data,
        segment,
        id_column=id_column,
        categorical=categorical,
        exclude=exclude,
        progress=progress,
    )
    return profiler.profile_
