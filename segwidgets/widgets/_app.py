"""The segwidgets app: upload, pick columns, profile in the background, explore, download.

Thin by design: every callback reads a control, calls the core, and shows a figure or text
built from the one frozen ``SegmentProfile``.
"""

from __future__ import annotations

import functools
import html
import io
import json
import logging
import shutil
import sys
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from .. import figures
from .._errors import SegwidgetsError
from .._format import number, percent
from .._io import PARQUET_SUFFIXES, TEXT_SUFFIXES, first_line, read_table
from .._prepare import infer_kinds, suggest_id, suggest_segment, unique_column_names
from .._table import convert_to_parquet
from ..datasets import demo_customers
from ..profiler import SegmentProfiler
from ..result import SegmentProfile
from ._download import DownloadButton
from ._upload import FileUpload

log = logging.getLogger("segwidgets.app")

NONE = "(none)"
ACCEPT = ".csv,.tsv,.txt,.gz,.parquet,.pq,.xlsx,.xlsm"
STAGES = {  # stage reported by the core -> (start, span) of the progress bar, label
    "reading": (0.0, 0.05, "reading"),
    "preparing": (0.05, 0.05, "preparing"),
    "profiling": (0.10, 0.05, "summarising sizes and means"),
    "training": (0.15, 0.75, "checking distinguishability and explaining (SHAP)"),
    "summarising": (0.90, 0.10, "summarising"),
    "done": (1.0, 0.0, "done"),
}
_CSS = """
<style>
.sw-app { max-width: 1150px; font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; }
.sw-app h2 { margin: 0.2em 0; }
.sw-alert { background: #fdecea; border-left: 4px solid #D55E00; padding: 8px 12px;
  color: #611a15; }
.sw-warn { background: #fff4e5; border-left: 4px solid #E69F00; padding: 8px 12px; }
.sw-info { color: #555; }
.sw-preview table { border-collapse: collapse; font-size: 12px; }
.sw-preview th, .sw-preview td { border-bottom: 1px solid #eee; padding: 2px 8px;
  text-align: left; white-space: nowrap; max-width: 180px; overflow: hidden;
  text-overflow: ellipsis; }
.sw-kind { color: #0072B2; font-weight: normal; font-size: 11px; }
.sw-card { border-left: 6px solid #999; padding: 6px 12px; margin: 8px 0;
  background: #fafafa; }
.sw-card b { font-size: 15px; }
.sw-importance ol { margin: 0; padding-left: 1.6em; }
.sw-code pre { background: #f6f8fa; padding: 10px; border-radius: 4px; }
</style>
"""


def _log_to_server() -> None:
    """Send this logger's records (with tracebacks) to the kernel's real stderr."""
    if not log.handlers:
        handler = logging.StreamHandler(sys.__stderr__)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def user_message(exc: BaseException) -> str:
    """One sentence for the page; the traceback goes to the log."""
    if isinstance(exc, SegwidgetsError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "The data is too large for this server's memory: try a smaller file."
    return (
        f"Something went wrong ({type(exc).__name__}: {first_line(exc)}). "
        "Details are in the server log."
    )


class _CancelledError(Exception):
    pass


def _plotly_output(fig) -> dict:
    data = json.loads(fig.to_json())
    data["config"] = {"displaylogo": False, "responsive": True}
    return {
        "output_type": "display_data",
        "data": {"application/vnd.plotly.v1+json": data, "text/plain": "<plotly figure>"},
        "metadata": {},
    }


def _escape(value: object) -> str:
    return html.escape(str(value))


class App(w.VBox):
    """What makes each segment different, as an interactive page.

    Parameters
    ----------
    data : DataFrame, optional
        A table to profile; without it the page starts with an upload control.
    max_upload_mb : int
        Largest upload accepted.
    big_upload_mb : int
        Uploads this big (CSV or Parquet) are copied into Parquet once and profiled with
        DuckDB: statistics over all rows, only a stratified sample in memory.
    **profiler_params
        Passed to :class:`~segwidgets.SegmentProfiler` (e.g. ``cv=3``).
    """

    def __init__(
        self,
        data: pd.DataFrame | None = None,
        *,
        max_upload_mb: int = 200,
        big_upload_mb: int = 100,
        **profiler_params: Any,
    ) -> None:
        _log_to_server()
        self.max_upload_mb = max_upload_mb
        self.big_upload_mb = big_upload_mb
        self._workdir = Path(tempfile.mkdtemp(prefix="segwidgets-app-"))
        weakref.finalize(self, shutil.rmtree, self._workdir, True)
        self._profiler_params = profiler_params
        self._data: pd.DataFrame | Path | None = None
        self._data_name = ""
        self._profile: SegmentProfile | None = None
        self._job: threading.Thread | None = None
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._build()
        super().__init__(children=self._layout())
        self.add_class("sw-app")
        if data is not None:
            self._guarded(self.set_data)(data, "your DataFrame")

    # ----- construction -------------------------------------------------------------
    def _build(self) -> None:
        self.upload = FileUpload(
            self._guarded(self._on_file),
            self._show_error,
            max_bytes=self.max_upload_mb * 1024 * 1024,
            accept=ACCEPT,
        )
        self.upload.add_class("sw-upload")
        self.demo_button = w.Button(description="Use demo data", icon="table")
        self.demo_button.add_class("sw-demo")
        self.limit_note = w.HTML(
            f"<span class='sw-info'>CSV, TSV, .csv.gz, Parquet or Excel, up to "
            f"{self.max_upload_mb} MB. Your file stays on this server.</span>"
        )
        self.data_info = w.HTML()
        self.preview = w.HTML()
        self.preview.add_class("sw-preview")

        self.segment = w.Dropdown(description="Segment", options=[], disabled=True)
        self.segment.add_class("sw-segment")
        self.id_column = w.Dropdown(description="ID", options=[NONE], disabled=True)
        self.id_column.add_class("sw-id")
        self.categorical = w.SelectMultiple(description="Categorical", options=[], rows=6)
        self.categorical.add_class("sw-categorical")
        self.exclude = w.SelectMultiple(description="Exclude", options=[], rows=6)
        self.exclude.add_class("sw-exclude")
        self.top_n = w.IntSlider(value=7, min=1, max=20, description="Top features")
        self.allow_weak = w.Checkbox(value=False, description="Profile even if segments blur")
        self.settings = w.Accordion(children=[w.VBox([self.top_n, self.allow_weak])])
        self.settings.set_title(0, "Settings")
        self.settings.selected_index = None

        self.run_button = w.Button(
            description="Profile", button_style="primary", icon="play", disabled=True
        )
        self.run_button.add_class("sw-run")
        self.cancel_button = w.Button(description="Cancel", icon="stop", disabled=True)
        self.cancel_button.add_class("sw-cancel")
        self.progress = w.FloatProgress(value=0, min=0, max=1, layout=w.Layout(width="320px"))
        self.progress.add_class("sw-progress")
        self.status = w.HTML()
        self.status.add_class("sw-status")
        self.error = w.HTML(layout=w.Layout(display="none"))
        self.error.add_class("sw-error")

        # results
        self.sizes_plot = w.Output()
        self.sizes_plot.add_class("sw-sizes")
        self.quality_text = w.HTML()
        self.confusion_plot = w.Output()
        self.overview_kind = w.ToggleButtons(options=["Grouped bars", "Index heatmap"])
        self.overview_plot = w.Output()
        self.overview_plot.add_class("sw-overview")
        self.cards = w.HTML()
        self.cards.add_class("sw-segments")
        self.importance_list = w.HTML()
        self.importance_list.add_class("sw-importance")
        self.feature = w.Dropdown(description="Feature", options=[])
        self.feature.add_class("sw-feature")
        self.feature_plot = w.Output()
        self.feature_plot.add_class("sw-feature-plot")
        self.importance_plot = w.Output()
        self.download_csv = self._download("Profile CSV", "segment_profile.csv", "text/csv")
        self.download_csv.add_class("sw-download-csv")
        self.download_xlsx = self._download(
            "Excel workbook",
            "segment_profile.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.download_xlsx.add_class("sw-download-xlsx")
        self.download_html = self._download("HTML report", "segment_report.html", "text/html")
        self.download_html.add_class("sw-download-html")
        self.code = w.HTML()
        self.code.add_class("sw-code")
        # An empty chart rendered out of sight while the user picks data, so the browser has
        # loaded plotly.js before the first real chart arrives.
        self._warmup = w.Output(layout=w.Layout(height="0px", overflow="hidden"))
        self._warmup.outputs = (_plotly_output(go.Figure(layout={"height": 10, "width": 10})),)
        self.tabs = w.Tab(
            children=[
                w.VBox(
                    [
                        self.sizes_plot,
                        self.quality_text,
                        self.overview_kind,
                        self.overview_plot,
                        self.confusion_plot,
                    ]
                ),
                self.cards,
                w.VBox(
                    [self.importance_list, self.feature, self.feature_plot, self.importance_plot]
                ),
                w.VBox(
                    [
                        w.HBox([self.download_csv, self.download_xlsx, self.download_html]),
                        w.HTML("<b>Reproduce this analysis in Python</b>"),
                        self.code,
                    ]
                ),
            ],
            layout=w.Layout(display="none"),
        )
        for i, title in enumerate(["Overview", "Segments", "Features", "Export"]):
            self.tabs.set_title(i, title)

        self.demo_button.on_click(
            self._guarded(lambda _: self.set_data(demo_customers(), "demo data"))
        )
        self.run_button.on_click(self._guarded(self._on_run))
        self.cancel_button.on_click(self._guarded(self._on_cancel))
        self.feature.observe(self._guarded(self._on_feature), names="value")
        self.segment.observe(self._guarded(self._on_segment), names="value")
        self.overview_kind.observe(self._guarded(self._on_overview_kind), names="value")

    def _layout(self) -> list[w.Widget]:
        return [
            w.HTML(_CSS + "<h2>What makes each segment different?</h2>"),
            w.HBox([self.upload, self.demo_button, self.limit_note]),
            self.data_info,
            self.preview,
            w.HBox([w.VBox([self.segment, self.id_column]), self.categorical, self.exclude]),
            self.settings,
            w.HBox([self.run_button, self.cancel_button, self.progress, self.status]),
            self.error,
            self.tabs,
            self._warmup,
        ]

    def _download(self, label: str, filename: str, mime: str) -> DownloadButton:
        return DownloadButton(label, filename=filename, mime=mime, on_error=self._show_error)

    # ----- errors -------------------------------------------------------------------
    def _show_error(self, exc: BaseException | str) -> None:
        text = exc if isinstance(exc, str) else user_message(exc)
        self.error.value = f"<div class='sw-alert'>{_escape(text)}</div>"
        self.error.layout.display = ""

    def _clear_error(self) -> None:
        self.error.value = ""
        self.error.layout.display = "none"

    @property
    def error_message(self) -> str:
        """The sentence in the alert area ('' when none)."""
        return (
            html.unescape(self.error.value.split(">", 1)[-1].rsplit("<", 1)[0])
            if self.error.value
            else ""
        )

    def _guarded(self, fn: Callable) -> Callable:
        """Wrap a callback so failures reach the alert area and the log, never vanish."""

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                log.exception("callback %s failed", getattr(fn, "__name__", fn))
                self._show_error(exc)
                return None

        return wrapper

    # ----- data ---------------------------------------------------------------------
    def _on_file(self, path, name: str) -> None:
        self.status.value = f"reading {_escape(name)}…"
        try:
            big = path.stat().st_size >= self.big_upload_mb * 1024 * 1024
            if big and name.lower().endswith(TEXT_SUFFIXES + PARQUET_SUFFIXES):
                # big: copy once into Parquet and let DuckDB scan it; only a sample is loaded
                parquet, head, rows = convert_to_parquet(path, name, self._workdir)
                self._show_data(parquet, head, name, rows)
                return
            frame = read_table(path, display_name=name)
        finally:
            self.status.value = ""
        self.set_data(frame, name)

    def set_data(self, data: pd.DataFrame, name: str = "data") -> None:
        """Use ``data`` (never modified) and reset column choices to fresh suggestions."""
        if not isinstance(data, pd.DataFrame):
            raise SegwidgetsError("App() takes a pandas DataFrame.")
        if data.shape[0] == 0 or data.shape[1] == 0:
            raise SegwidgetsError(f"{name} has no rows or no columns.")
        self._show_data(data, data, name, len(data))

    def _show_data(self, data, head: pd.DataFrame, name: str, rows: int) -> None:
        """Keep ``data`` (a DataFrame or a Parquet path) and show ``head`` as its preview."""
        self._clear_error()
        self._data, self._data_name = data, name
        self._profile = None
        self.tabs.layout.display = "none"
        self.progress.value = 0
        self.status.value = ""
        names, _ = unique_column_names(head.columns)
        kinds = infer_kinds(head)
        segment = suggest_segment(head) or names[0]
        ids = [c for c in suggest_id(head) if c != segment]
        self.segment.options = names
        self.segment.value = segment
        self.id_column.options = [NONE, *names]
        self.id_column.value = ids[0] if ids else NONE
        self.categorical.options = names
        self.categorical.value = tuple(
            c for c in names if kinds.get(c) == "categorical" and c != segment
        )
        self.exclude.options = names
        self.exclude.value = ()
        for control in (self.segment, self.id_column, self.run_button):
            control.disabled = False
        big = (
            "" if isinstance(data, pd.DataFrame) else " Stored as Parquet and scanned with DuckDB."
        )
        self.data_info.value = (
            f"<b>{_escape(name)}</b>: {rows:,} rows × {head.shape[1]:,} columns.{big} "
            f"<span class='sw-info'>Pick the segment column, check the rest, then Profile.</span>"
        )
        self.preview.value = _preview_html(head, names, kinds)

    def _on_segment(self, change: dict) -> None:
        """The segment column cannot also be the ID or a categorical feature."""
        if self.id_column.value == change["new"]:
            self.id_column.value = NONE
        if change["new"] in self.categorical.value:
            self.categorical.value = tuple(c for c in self.categorical.value if c != change["new"])

    # ----- profiling ------------------------------------------------------------------
    def _on_run(self, _button=None) -> None:
        with self._lock:
            if self._job is not None and self._job.is_alive():
                return  # one job at a time
            if self._data is None:
                raise SegwidgetsError("Upload a file or use the demo data first.")
            self._clear_error()
            self._cancel = threading.Event()
            args = {
                "segment": self.segment.value,
                "id_column": None if self.id_column.value == NONE else self.id_column.value,
                "categorical": list(self.categorical.value),
                "exclude": list(self.exclude.value),
            }
            params = {"top_n": self.top_n.value, "allow_weak": self.allow_weak.value}
            if not isinstance(self._data, pd.DataFrame):
                params["engine"] = "duckdb"
            params |= self._profiler_params
            self.run_button.disabled = True
            self.cancel_button.disabled = False
            self.progress.value = 0
            self.progress.bar_style = ""
            self.status.value = "starting…"
            self._job = threading.Thread(
                target=self._work, args=(self._data, args, params, self._cancel), daemon=True
            )
            self._job.start()

    def run(self) -> None:
        """Start profiling, as the Profile button does."""
        self.run_button.click()

    def wait(self, timeout: float | None = 120) -> None:
        """Block until the running job (if any) is over; for scripts and tests."""
        if self._job is not None:
            self._job.join(timeout)

    def _on_cancel(self, _button=None) -> None:
        self._cancel.set()
        self.status.value = "cancelling…"

    def _report(self, cancel: threading.Event) -> Callable[[str, float], None]:
        def report(stage: str, fraction: float) -> None:
            if cancel.is_set():
                raise _CancelledError
            start, span, label = STAGES.get(stage, (self.progress.value, 0.0, stage))
            self.progress.value = min(1.0, start + span * fraction)
            self.status.value = _escape(label)

        return report

    def _work(self, data, args, params, cancel: threading.Event) -> None:
        try:
            tick = time.perf_counter()
            profiler = SegmentProfiler(**params)
            profiler.fit(data, progress=self._report(cancel), on_segments=self._show_sizes, **args)
            if cancel.is_set():
                raise _CancelledError
            fitted = time.perf_counter()
            self._show_profile(profiler.profile_)
            log.info(
                "profiled %s rows: fit %.2f s, results %.2f s",
                f"{profiler.profile_.rows:,}",
                fitted - tick,
                time.perf_counter() - fitted,
            )
            self.status.value = f"done in {profiler.profile_.timings['total']:.1f} s"
            self.progress.bar_style = "success"
        except _CancelledError:
            self.status.value = "cancelled: change settings and Profile again when ready."
            self.progress.value = 0
            self._hide_results()
        except SegwidgetsError as exc:
            log.info("profiling stopped: %s", exc)
            self._show_error(exc)
            self.status.value = ""
            self.progress.value = 0
            self._hide_results()
        except Exception as exc:
            log.exception("profiling failed")
            self._show_error(exc)
            self.status.value = ""
            self.progress.value = 0
            self._hide_results()
        finally:
            self.run_button.disabled = False
            self.cancel_button.disabled = True

    def _hide_results(self) -> None:
        """No half-shown results: a failed or cancelled run leaves the previous state clear."""
        if self._profile is None:
            self.tabs.layout.display = "none"
        else:  # an earlier result is still valid for the current data: show it again
            self._show_profile(self._profile)

    @property
    def profile(self) -> SegmentProfile | None:
        """The result shown on the page, or None."""
        return self._profile

    # ----- results ----------------------------------------------------------------------
    def _show_profile(self, prof: SegmentProfile) -> None:
        self._profile = prof
        self._feature_chart.cache_clear()
        self.tabs.selected_index = 0
        self.sizes_plot.outputs = (_plotly_output(figures.segment_sizes(prof)),)
        self.tabs.layout.display = ""  # show the first chart while the others are built
        self._on_overview_kind()
        self.quality_text.value = _quality_html(prof)
        self.confusion_plot.outputs = (_plotly_output(figures.confusion_heatmap(prof)),)
        self.cards.value = _cards_html(prof)
        self.importance_list.value = _importance_html(prof)
        top = list(prof.importance.index[:20])
        self.feature.options = top
        self.feature.value = top[0]  # draws its chart through the observer
        self.importance_plot.outputs = (
            _plotly_output(figures.importance_bar(prof, top_n=min(20, len(top)))),
        )
        self.download_csv.content = lambda: _bytes(prof.to_csv)
        self.download_xlsx.content = lambda: _bytes(prof.to_excel)
        self.download_html.content = lambda: prof.to_html().encode("utf-8")
        source = None if self._data_name in ("your DataFrame", "demo data") else self._data_name
        self.code.value = f"<pre>{_escape(prof.to_code(source=source))}</pre>"

    def _show_sizes(self, segments: pd.DataFrame) -> None:
        """The first chart, drawn as soon as the sizes are known (before the model)."""
        for output in (self.overview_plot, self.confusion_plot, self.feature_plot):
            output.outputs = ()
        self.quality_text.value = "<p class='sw-info'>Checking how well segments separate…</p>"
        self.sizes_plot.outputs = (_plotly_output(figures.segment_sizes(segments)),)
        self.tabs.selected_index = 0
        self.tabs.layout.display = ""

    def _on_overview_kind(self, _change=None) -> None:
        prof = self._profile
        if prof is None:
            return
        if self.overview_kind.value == "Index heatmap":
            fig = figures.index_heatmap(prof)
        else:
            fig = figures.overview(prof)
        self.overview_plot.outputs = (_plotly_output(fig),)

    @functools.lru_cache(maxsize=64)  # noqa: B019 - cleared for every new profile
    def _feature_chart(self, name: str) -> dict:
        return _plotly_output(figures.feature_chart(self._profile, name))

    def _on_feature(self, _change=None) -> None:
        if self._profile is None or not self.feature.value:
            return
        self.feature_plot.outputs = (self._feature_chart(self.feature.value),)


# ----- HTML pieces (every user string escaped) -----------------------------------------
def _bytes(writer: Callable[[io.BytesIO], None]) -> bytes:
    buffer = io.BytesIO()
    writer(buffer)
    return buffer.getvalue()


def _preview_html(data: pd.DataFrame, names: list[str], kinds: dict[str, str]) -> str:
    shown = names[:30]
    head = data.head(5)
    th = "".join(
        f"<th title='{_escape(n)}'>{_escape(n)}<br>"
        f"<span class='sw-kind'>{kinds.get(n, '')}</span></th>"
        for n in shown
    )
    rows = []
    for i in range(len(head)):
        cells = "".join(f"<td>{_escape(head.iloc[i, j])}</td>" for j in range(len(shown)))
        rows.append(f"<tr>{cells}</tr>")
    more = (
        f"<p class='sw-info'>… and {len(names) - 30:,} more columns</p>" if len(names) > 30 else ""
    )
    return f"<table><tr>{th}</tr>{''.join(rows)}</table>{more}"


def _quality_html(prof: SegmentProfile) -> str:
    q = prof.quality
    rows = "".join(
        f"<tr><td>{_escape(r.segment)}</td><td>{r.f1:.2f}</td><td>{int(r.support):,}</td></tr>"
        for r in q.per_segment.itertuples()
    )
    pairs = ", ".join(
        f"{_escape(a)} taken for {_escape(b)} ({percent(s)})" for a, b, s in q.confused_pairs[:3]
    )
    warn = "".join(f"<p class='sw-warn'>{_escape(text)}</p>" for text in prof.warnings)
    verdict = (
        "The segments blur: read the profiles with care."
        if q.weak
        else "A classifier tells the segments apart well."
    )
    return (
        f"<h3>Distinguishability</h3>{warn}<p><b>Weighted F1 {q.f1_weighted:.2f}</b> "
        f"(out-of-fold, {q.folds}-fold; kappa {q.kappa:.2f}). {verdict}"
        f"{' Most confused: ' + pairs + '.' if pairs else ''}</p>"
        "<table class='sw-preview'><tr><th>segment</th><th>F1</th><th>rows in model</th></tr>"
        f"{rows}</table>"
        f"<p class='sw-info'>{_escape(prof.sample['description'])}</p>"
    )


def _cards_html(prof: SegmentProfile) -> str:
    colours = figures.segment_colors(prof.labels)
    cards = []
    for name, text in prof.summaries.items():
        title, _, body = text.partition(" — ")
        cards.append(
            f"<div class='sw-card' style='border-left-color:{colours[name]}'>"
            f"<b>{_escape(title)}</b> — {_escape(body)}</div>"
        )
    return "".join(cards)


def _importance_html(prof: SegmentProfile) -> str:
    table = prof.stability_table.iloc[:20]
    items = "".join(
        f"<li>{_escape(feature)} — {number(row.importance)} "
        f"<span class='sw-info'>(in the top {prof.top_n} in {percent(row.in_top_share)} "
        "of folds)</span></li>"
        for feature, row in table.iterrows()
    )
    head = f"<h3>What tells segments apart</h3><p class='sw-info'>{_escape(prof.stability)}</p>"
    return f"{head}<ol>{items}</ol>"
