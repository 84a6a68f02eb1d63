"""The offline HTML report in a real headless Chromium: charts render, no script injection."""

import shutil

import pytest
from conftest import planted

import segwidgets as sw

XSS = "<img src=x onerror=alert(1)>"
CHROMIUM = shutil.which("chromium")
playwright = pytest.importorskip("playwright.sync_api")


@pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)"
)
def test_report_renders_offline_and_shows_hostile_names_as_text(tmp_path):
    df = planted(1200).rename(columns={"spend": XSS})
    df["plan"] = df["plan"].replace({"plus": "<script>alert(2)</script>"})
    report = tmp_path / "report.html"
    sw.profile(df, "group").to_html(report)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        dialogs, requests = [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.as_uri())
        page.wait_for_selector(".js-plotly-plot .main-svg")
        assert page.locator(".js-plotly-plot").count() >= 8
        body = page.inner_text("body")
        svg_text = page.locator(".js-plotly-plot text").all_text_contents()
        browser.close()
    assert dialogs == []
    assert XSS in body  # summaries and headings show the name as text
    assert XSS in svg_text  # so do chart labels (long ones cut with an ellipsis)
    assert any(t.startswith("<script>alert(2)</scr") for t in svg_text)
    assert all(url.startswith("file://") for url in requests)  # nothing loaded from the web
