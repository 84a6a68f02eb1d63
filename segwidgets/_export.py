"""Exports of a SegmentProfile: tidy table, CSV, Excel, Markdown, HTML report, code, dict."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._format import number, percent
from ._prepare import DATE

if TYPE_CHECKING:
    from .result import SegmentProfile

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    if not isinstance(out.index, pd.RangeIndex):
        out.index = out.index.map(neutralise)
    return out


def to_frame(profile: SegmentProfile) -> pd.DataFrame:
    stats = profile.stats
    units = {
        f.name: f"days since {f.origin:%Y-%m-%d}" for f in profile.feature_info if f.kind == DATE
    }
    stats.insert(3, "unit", stats["feature"].map(lambda f: units.get(f, "")))
    return stats


def to_csv(profile: SegmentProfile, path: str | os.PathLike) -> None:
    _safe(to_frame(profile)).to_csv(path, index=False)


def _quality_sheet(profile: SegmentProfile) -> pd.DataFrame:
    q = profile.quality
    head = pd.DataFrame(
        {
            "segment": ["(all, weighted)"],
            "f1": [q.f1_weighted],
            "support": [profile.sample["model_rows"]],
        }
    )
    conf = q.confusion.add_prefix("predicted: ").reset_index(drop=True)
    per = pd.concat([q.per_segment.reset_index(drop=True), conf], axis=1)
    return pd.concat([head, per], ignore_index=True)


def _importance_sheet(profile: SegmentProfile) -> pd.DataFrame:
    table = profile.stability_table
    by_seg = profile.importance_by_segment.add_prefix("segment: ")
    return table.join(by_seg).reset_index()


def to_excel(profile: SegmentProfile, path: str | os.PathLike) -> None:
    sheets = {
        "profiles": to_frame(profile),
        "importance": _importance_sheet(profile),
        "segments": profile.segments.drop(columns="name"),
        "quality": _quality_sheet(profile),
        "summaries": pd.DataFrame(
            {"segment": list(profile.summaries), "summary": list(profile.summaries.values())}
        ),
    }
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            _safe(frame).to_excel(writer, sheet_name=name, index=False)


def to_markdown(profile: SegmentProfile) -> str:
    q = profile.quality
    lines = [
        f"# Segment profile of `{profile.segment_column}`",
        "",
        f"{profile.rows:,} rows, {len(profile.labels)} segments. "
        f"Out-of-fold weighted F1 {q.f1_weighted:.2f} ({q.folds}-fold); "
        f"{profile.stability}.",
        "",
        "## Top features",
        "",
    ]
    lines += [f"{i}. {name}" for i, name in enumerate(profile.top_features(), start=1)]
    lines += ["", "## Segments", ""]
    lines += [f"- {text}" for text in profile.summaries.values()]
    if profile.warnings:
        lines += ["", "## Warnings", ""] + [f"- {w}" for w in profile.warnings]
    if profile.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in profile.notes]
    return "\n".join(lines) + "\n"


def to_code(profile: SegmentProfile, source: str | None = None) -> str:
    params = profile.params
    source = source or params.get("source")
    data = repr(source) if source else "df  # your DataFrame"
    args = [data, f"segment={params['segment']!r}"]
    for key in ("id_column", "categorical", "exclude"):
        if params.get(key):
            args.append(f"{key}={params[key]!r}")
    defaults = {
        "top_n": 7,
        "cv": 5,
        "sample_size": 20_000,
        "shap_sample_size": 1_000,
        "max_segments": 50,
        "max_levels": 30,
        "random_state": 0,
        "allow_weak": False,
        "weak_threshold": 0.5,
        "unit": "customers",
        "model_params": None,
        "engine": "auto",
        "memory_limit": "1GB",
    }
    args += [f"{k}={params[k]!r}" for k, default in defaults.items() if params.get(k) != default]
    body = ",\n    ".join(args)
    return f"import segwidgets as sw\n\nprof = sw.profile(\n    {body},\n)\nprint(prof.summary())\n"


def to_dict(profile: SegmentProfile) -> dict[str, Any]:
    segments = profile.segments
    return {
        "rows": profile.rows,
        "rows_input": profile.rows_input,
        "dropped_missing_segment": profile.dropped_missing_segment,
        "segment_column": profile.segment_column,
        "id_column": profile.id_column,
        "segments": [
            {"label": row.label, "name": row.name, "size": int(row.size), "share": float(row.share)}
            for row in segments.itertuples(index=False)
        ],
        "f1_weighted": profile.quality.f1_weighted,
        "f1_per_segment": dict(
            zip(
                profile.quality.per_segment["segment"],
                profile.quality.per_segment["f1"],
                strict=True,
            )
        ),
        "confused_pairs": [list(p) for p in profile.quality.confused_pairs],
        "top_features": profile.top_features(),
        "importance": {k: float(v) for k, v in profile.importance.items()},
        "stability": profile.stability,
        "sample": profile.sample,
        "timings": profile.timings,
        "summaries": profile.summaries,
        "notes": list(profile.notes),
        "warnings": list(profile.warnings),
    }


# ----- HTML report ------------------------------------------------------------------------
_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;
max-width:1100px;color:#222;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.9rem}
td,th{padding:.25rem .6rem;border-bottom:1px solid #eee;text-align:left}
td.num{text-align:right}.warn{background:#fff4e5;border-left:4px solid #e69f00;
padding:.5rem 1rem}.muted{color:#666;font-size:.9rem}li{margin:.3rem 0}
"""


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for value in row:
            if isinstance(value, int | np.integer) and not isinstance(value, bool):
                cells.append(f'<td class="num">{value:,}</td>')
            elif isinstance(value, float):
                cells.append(f'<td class="num">{html.escape(number(value))}</td>')
            else:
                cells.append(f"<td>{html.escape(str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def to_html(profile: SegmentProfile, path: str | os.PathLike | None = None) -> str:
    import plotly.offline

    from . import figures

    esc = html.escape
    q = profile.quality
    charts = [
        ("Segment sizes", figures.segment_sizes(profile)),
        ("What tells segments apart", figures.importance_bar(profile)),
        ("Top features by segment (scaled means)", figures.overview(profile)),
        ("Index vs population", figures.index_heatmap(profile)),
        ("Confusion matrix (out-of-fold)", figures.confusion_heatmap(profile)),
    ]
    charts += [
        (f"{name} by segment", figures.feature_chart(profile, name))
        for name in profile.top_features()
    ]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Segment profile of {esc(profile.segment_column)}</title>",
        f"<style>{_CSS}</style>",
        f"<script>{plotly.offline.get_plotlyjs()}</script></head><body>",
        f"<h1>Segment profile of “{esc(profile.segment_column)}”</h1>",
        f"<p>{profile.rows:,} rows in {len(profile.labels)} segments. "
        f"Out-of-fold weighted F1 <b>{q.f1_weighted:.2f}</b> ({q.folds}-fold cross-validation); "
        f"{esc(profile.stability)}.</p>",
        f"<p class='muted'>{esc(profile.sample['description'])}</p>",
    ]
    parts += [f"<p class='warn'>{esc(w)}</p>" for w in profile.warnings]
    parts += ["<h2>Segments</h2><ul>"]
    parts += [f"<li>{esc(text)}</li>" for text in profile.summaries.values()]
    parts += ["</ul>"]
    segs = profile.segments[["name", "size", "share"]].assign(
        share=lambda d: d["share"].map(percent)
    )
    parts += ["<h2>Sizes</h2>", _table(segs.rename(columns={"name": "segment"}))]
    for title, fig in charts:
        div = fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False})
        parts += [f"<h2>{esc(title)}</h2>", div]
    parts += ["<h2>Per-segment F1</h2>", _table(q.per_segment)]
    if profile.notes:
        parts += ["<h2>Notes on the data</h2><ul>"]
        parts += [f"<li>{esc(n)}</li>" for n in profile.notes]
        parts += ["</ul>"]
    parts += ["<h2>Reproduce</h2>", f"<pre>{esc(to_code(profile))}</pre>", "</body></html>"]
    text = "\n".join(parts)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
