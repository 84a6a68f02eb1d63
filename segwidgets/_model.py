"""Distinguishability (cross-validated LightGBM) and out-of-fold TreeSHAP importance."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

import lightgbm as lgb
import numpy as np
from sklearn.metrics import cohen_kappa_score, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedKFold

# Small, fast trees: the goal is to tell segments apart and rank features, not to win a
# leaderboard. bench/bench_speed.py checks that F1 and the top features match a full model.
LGBM_PARAMS = {
    "objective": "multiclass",
    "learning_rate": 0.2,
    "num_leaves": 23,
    "min_data_in_leaf": 20,
    "max_bin": 63,
    "feature_fraction": 0.9,
    "verbosity": -1,
    "num_threads": 0,
    "deterministic": True,
    "force_col_wise": True,
}
NUM_ROUNDS = 30


def stratified_quota(counts: np.ndarray, size: int | None, min_per_class: int = 50) -> np.ndarray:
    """Rows to draw from each class for a stratified sample of about ``size`` rows.

    Proportional to each class's size, but at least ``min_per_class`` (or all of its rows
    when it has fewer). ``size=None`` or a size at least the total keeps every row.
    """
    counts = np.asarray(counts)
    total = int(counts.sum())
    if size is None or size >= total:
        return counts.copy()
    proportional = np.floor(counts * size / total).astype(int)
    return np.minimum(counts, np.maximum(proportional, np.minimum(counts, min_per_class)))


def stratified_sample(
    codes: np.ndarray, size: int | None, rng: np.random.Generator, min_per_class: int = 50
) -> np.ndarray:
    """Row positions of a stratified sample with every class present, sorted."""
    n = len(codes)
    if size is None or size >= n:
        return np.arange(n)
    classes, counts = np.unique(codes, return_counts=True)
    quota = stratified_quota(counts, size, min_per_class)
    picked = []
    for cls, take in zip(classes, quota, strict=True):
        rows = np.flatnonzero(codes == cls)
        picked.append(rows if take >= len(rows) else rng.choice(rows, take, replace=False))
    return np.sort(np.concatenate(picked))


@dataclass(frozen=True)
class ModelOutcome:
    """What the model stage learned; only arrays, no references to user data."""

    classes: np.ndarray  # segment codes the model covers
    f1_weighted: float
    kappa: float
    f1_per_class: np.ndarray
    support: np.ndarray
    confusion: np.ndarray  # rows: true class, normalised to 1
    shap_values: np.ndarray  # (rows, features, classes)
    shap_rows: np.ndarray  # positions (in the prepared frame) of the explained rows
    shap_fold: np.ndarray  # fold that explained each row
    base_values: np.ndarray  # (folds, classes)
    boosters: tuple
    n_folds: int
    explain_seconds: float  # TreeSHAP time summed over folds (side-by-side folds overlap)


def _balanced_weights(y: np.ndarray, n_classes: int) -> np.ndarray:
    counts = np.bincount(y, minlength=n_classes).astype(float)
    return (len(y) / (n_classes * counts))[y]


def tree_shap(booster: lgb.Booster, x: np.ndarray, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact TreeSHAP values from LightGBM: ``(rows, features, classes)`` and base values."""
    contrib = booster.predict(x, pred_contrib=True)
    contrib = np.asarray(contrib).reshape(len(x), n_classes, x.shape[1] + 1)
    return contrib[:, :, :-1].transpose(0, 2, 1), contrib[0, :, -1]


def fit_and_explain(
    x: np.ndarray,
    y: np.ndarray,
    *,
    categorical: list[int],
    cv: int,
    shap_rows: np.ndarray,
    random_state: int,
    progress: Callable[[str, float], None],
    model_params: dict | None = None,
) -> ModelOutcome:
    """Cross-validate a classifier and explain a sample with the fold that did not see it.

    ``x``/``y`` are the model rows (``y`` already re-coded to 0..K-1); ``shap_rows`` are
    positions within them to explain. Each row is explained by the model of the fold in
    which it was held out, so importance reflects what generalises. ``model_params``
    override LightGBM parameters; its ``num_boost_round`` sets the number of rounds.
    """
    n_classes = int(y.max()) + 1
    extra = dict(model_params or {})
    rounds = int(extra.pop("num_boost_round", NUM_ROUNDS))
    params = {**LGBM_PARAMS, **extra, "num_class": n_classes, "seed": random_state}
    full = lgb.Dataset(
        x,
        label=y,
        weight=_balanced_weights(y, n_classes),
        categorical_feature=categorical or "auto",
        params={  # binning settings belong to the data set; training must not undercut them
            "max_bin": params["max_bin"],
            "min_data_in_leaf": params["min_data_in_leaf"],
            "verbosity": -1,
        },
        free_raw_data=False,
    ).construct()
    splits = list(StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state).split(x, y))
    in_shap = np.zeros(len(y), dtype=bool)
    in_shap[shap_rows] = True
    # Folds are independent: on several cores, train them side by side with one thread each
    # (less waiting than several threads on one small tree); the results are the same.
    workers = min(os.cpu_count() or 1, cv)
    parallel = workers > 1 and "num_threads" not in extra
    if parallel:
        params["num_threads"] = 1
    subsets = [full.subset(train).construct() for train, _ in splits]

    def one_fold(k: int):
        test = splits[k][1]
        booster = lgb.train(params, subsets[k], num_boost_round=rounds)
        predicted = booster.predict(x[test]).argmax(axis=1)
        explain = test[in_shap[test]]
        tick = time.perf_counter()
        values, base = tree_shap(booster, x[explain], n_classes)
        return booster, predicted, explain, values, base, time.perf_counter() - tick

    progress("training", 0.0)
    if parallel:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(one_fold, k) for k in range(cv)]
            try:
                for done, _ in enumerate(as_completed(futures), start=1):
                    progress("training", done / cv)
            except BaseException:
                for future in futures:  # cancelled: do not start the remaining folds
                    future.cancel()
                raise
            fits = [future.result() for future in futures]
    else:
        fits = []
        for k in range(cv):
            fits.append(one_fold(k))
            progress("training", (k + 1) / cv)
    oof = np.empty(len(y), dtype=np.int64)
    shap_parts, row_parts, fold_parts, bases, boosters = [], [], [], [], []
    explain_seconds = 0.0
    for k, (booster, predicted, explain, values, base, seconds) in enumerate(fits):
        oof[splits[k][1]] = predicted
        shap_parts.append(values)
        row_parts.append(explain)
        fold_parts.append(np.full(len(explain), k))
        bases.append(base)
        boosters.append(booster)
        explain_seconds += seconds
    order = np.argsort(np.concatenate(row_parts), kind="stable")
    labels = np.arange(n_classes)
    return ModelOutcome(
        classes=labels,
        f1_weighted=float(f1_score(y, oof, average="weighted")),
        kappa=float(cohen_kappa_score(y, oof)),
        f1_per_class=f1_score(y, oof, average=None, labels=labels, zero_division=0),
        support=np.bincount(y, minlength=n_classes),
        confusion=confusion_matrix(y, oof, labels=labels, normalize="true"),
        shap_values=np.concatenate(shap_parts)[order],
        shap_rows=np.concatenate(row_parts)[order],
        shap_fold=np.concatenate(fold_parts)[order],
        base_values=np.vstack(bases),
        boosters=tuple(boosters),
        n_folds=cv,
        explain_seconds=explain_seconds,
    )
