"""The app without a browser: set values, click, wait for the worker, check state."""

import io
import time

import pandas as pd
import pytest
from conftest import planted

from segwidgets.widgets import App, DownloadButton

XSS = "<img src=x onerror=alert(1)>"


def _upload(app: App, name: str, content: bytes) -> None:
    """The messages the browser sends when a file is picked."""
    app.upload.receive(name, content)


def _run(app: App) -> None:
    app.run()
    app.wait(120)
    assert not app.run_button.disabled


def test_demo_data_profile_and_results():
    app = App(cv=3)
    assert app.run_button.disabled  # nothing to profile yet
    app.demo_button.click()
    assert app.segment.value == "segment" and app.id_column.value == "customer_id"
    assert "channel" in app.categorical.value and "segment" not in app.categorical.value
    assert "5,000 rows × 14 columns" in app.data_info.value
    _run(app)
    assert app.error_message == ""
    prof = app.profile
    assert prof is not None and prof.segment_column == "segment"
    assert app.tabs.layout.display == ""
    assert app.overview_plot.outputs[0]["data"]["application/vnd.plotly.v1+json"]["data"]
    assert app.feature.value == prof.top_features(1)[0]
    assert app.progress.value == 1.0 and "done" in app.status.value
    assert all(name in app.cards.value for name in prof.labels)
    assert app.importance_list.value.count("<li>") == len(prof.importance)


def test_feature_dropdown_and_overview_toggle():
    app = App(planted(900), cv=3)
    _run(app)
    before = app.feature_plot.outputs
    app.feature.value = "plan"
    assert app.feature_plot.outputs != before
    bars = app.feature_plot.outputs[0]["data"]["application/vnd.plotly.v1+json"]
    assert bars["layout"]["barmode"] == "stack"
    app.overview_kind.value = "Index heatmap"
    heat = app.overview_plot.outputs[0]["data"]["application/vnd.plotly.v1+json"]
    assert heat["data"][0]["type"] == "heatmap"


def test_feature_switch_is_fast_in_kernel():
    # Not a timing assertion: the chart is cached per feature, so a second visit reuses it.
    app = App(planted(900), cv=3)
    _run(app)
    app.feature.value = "plan"
    first = app.feature_plot.outputs
    app.feature.value = "spend"
    app.feature.value = "plan"
    assert app.feature_plot.outputs[0] is first[0]


def test_new_data_resets_choices():
    app = App(planted(600), cv=3)
    app.exclude.value = ("noise_a",)
    _run(app)
    app.demo_button.click()
    assert app.exclude.value == () and app.segment.value == "segment"
    assert app.profile is None and app.tabs.layout.display == "none"


def test_errors_reach_the_alert_area():
    app = App(planted(600), cv=3)
    app.segment.value = "ref"  # thousands of levels
    _run(app)
    assert "did you pick an ID" in app.error_message
    assert app.error.layout.display == ""
    app.segment.value = "group"
    _run(app)
    assert app.error_message == "" and app.profile is not None


def test_not_distinguishable_then_allow_weak():
    df = planted(900)
    df["group"] = pd.Series(["x", "y", "z"] * 300).sample(frac=1, random_state=1).to_numpy()
    app = App(df, cv=3)
    _run(app)
    assert "hard to tell apart" in app.error_message
    app.allow_weak.value = True
    _run(app)
    assert app.error_message == ""
    assert "blur" in app.quality_text.value


def test_worker_exception_reaches_alert(monkeypatch):
    import segwidgets.widgets._app as module

    def broken(*a, **k):
        raise RuntimeError("boom")

    app = App(planted(600), cv=3)
    monkeypatch.setattr(module.SegmentProfiler, "fit", broken)
    _run(app)
    assert app.error_message.startswith("Something went wrong (RuntimeError: boom)")


def test_cancel_and_single_job():
    app = App(planted(3000), cv=5)
    app.run()
    app.run()  # a second click while running starts nothing new
    job = app._job
    app.cancel_button.click()
    app.wait(120)
    assert app._job is job
    assert "cancelled" in app.status.value and app.profile is None
    _run(app)  # usable again
    assert app.profile is not None


def test_upload_csv_and_escaping(tmp_path):
    df = planted(600).rename(columns={"spend": XSS})
    app = App(cv=3)
    content = df.to_csv(index=False).encode()
    _upload(app, "cust<b>.csv", content)
    assert "cust&lt;b&gt;.csv" in app.data_info.value
    assert XSS not in app.preview.value and "&lt;img src=x" in app.preview.value
    _run(app)
    assert XSS not in app.importance_list.value + app.cards.value
    assert "sw.profile(\n    'cust<b>.csv'" in app.profile.to_code(source="cust<b>.csv")


def test_upload_too_large_and_unreadable():
    app = App(max_upload_mb=1, cv=3)
    big = b"a,b\n" + b"1,2\n" * 400_000
    _upload(app, "big.csv", big)
    assert "big.csv is 2 MB, over the 1 MB upload limit" in app.error_message
    junk = b"\x00\x01garbage" * 10
    _upload(app, "junk.csv", junk)
    assert "junk.csv is not a text table" in app.error_message


def test_downloads_make_real_files():
    app = App(planted(600), cv=3)
    assert app.download_csv.disabled
    _run(app)
    csv = pd.read_csv(io.BytesIO(app.download_csv.payload()))
    assert {"segment", "feature", "statistic", "value"} <= set(csv.columns)
    sheets = pd.read_excel(io.BytesIO(app.download_xlsx.payload()), sheet_name=None)
    assert "importance" in sheets
    assert app.download_html.payload().startswith(b"<!DOCTYPE html>")


def test_download_button_sends_bytes_on_request():
    sent = []
    button = DownloadButton("x", filename="f.txt", mime="text/plain", content=lambda: b"hello")
    button.send = lambda content, buffers=None: sent.append((content, buffers))
    button._handle(button, {"type": "request"}, [])
    assert sent == [({"type": "file", "filename": "f.txt", "mime": "text/plain"}, [b"hello"])]
    errors = []
    failing = DownloadButton("y", content=lambda: 1 / 0, on_error=errors.append)
    failing.send = lambda *a, **k: None
    failing._handle(failing, {"type": "request"}, [])
    assert isinstance(errors[0], ZeroDivisionError)


@pytest.mark.parametrize("bad", [pd.DataFrame(), "not a frame"])
def test_bad_dataframe(bad):
    app = App(bad)
    assert app.error_message
    time.sleep(0)


def test_upload_streams_in_chunks_and_cleans_up(tmp_path):
    from segwidgets.widgets._upload import FileUpload

    got, errors = [], []

    def on_file(path, name):
        got.append((name, path.read_bytes(), path))

    upload = FileUpload(on_file, errors.append, max_bytes=10_000, chunk_bytes=7)
    upload.receive("a.csv", b"x,y\n1,2\n3,4\n")
    assert got[0][:2] == ("a.csv", b"x,y\n1,2\n3,4\n") and not errors
    assert not got[0][2].exists()  # the temporary copy is gone
    # a chunk lost on the way is noticed
    upload._handle(upload, {"type": "start", "id": "z", "name": "b.csv", "size": 10}, [])
    upload._handle(upload, {"type": "chunk", "id": "z", "offset": 0}, [b"12345"])
    upload._handle(upload, {"type": "end", "id": "z"}, [])
    assert "arrived incomplete" in str(errors[-1])
    upload.receive("big.csv", b"0" * 20_000)
    assert "over the 0 MB upload limit" in str(errors[-1])
    assert len(got) == 1


def test_big_upload_goes_through_parquet_and_duckdb():
    df = planted(1500)
    app = App(big_upload_mb=0, cv=3)  # every upload counts as big here
    _upload(app, "customers.csv", df.to_csv(index=False).encode())
    assert "1,500 rows" in app.data_info.value and "DuckDB" in app.data_info.value
    assert app.segment.value == "group" and app.id_column.value == "ref"
    _run(app)
    assert app.error_message == ""
    prof = app.profile
    assert prof.sample["engine"] == "duckdb" and prof.rows == 1500
    assert "Statistics use all 1,500 rows" in app.quality_text.value
    assert list(app._workdir.glob("*.parquet"))


def test_sizes_show_before_the_model_and_vanish_if_it_fails(monkeypatch):
    import segwidgets._model as model

    seen = {}
    df = planted(600)
    app = App(df, cv=3)

    def failing_model(*args, **kwargs):
        seen["sizes"] = app.sizes_plot.outputs
        seen["tabs"] = app.tabs.layout.display
        raise RuntimeError("model exploded")

    monkeypatch.setattr(model, "fit_and_explain", failing_model)
    _run(app)
    bars = seen["sizes"][0]["data"]["application/vnd.plotly.v1+json"]["data"][0]
    counts = df["group"].value_counts().sort_index()
    assert bars["text"] == [f"{n:,} ({n / len(df):.0%})" for n in counts]
    assert seen["tabs"] == ""  # visible while the model ran
    assert "model exploded" in app.error_message
    assert app.tabs.layout.display == "none"  # nothing half-finished is left on the page
