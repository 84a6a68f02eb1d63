"""End to end: Voilà serves notebooks/app.ipynb, headless Chromium drives it like a user."""

from __future__ import annotations

import time

import pandas as pd
import pytest
from conftest import needs_chromium, new_page, planted
from voila_server import pick_file

XSS = "<img src=x onerror=alert(1)>"
pytestmark = needs_chromium


@pytest.fixture()
def server(voila_app):
    return voila_app.url


@pytest.fixture()
def page(chromium):
    return new_page(chromium)


def test_upload_profile_explore_download(server, page, tmp_path):
    data = planted(2000).rename(columns={"noise_a": XSS})
    csv = tmp_path / "customers.csv"
    data.to_csv(csv, index=False)

    start = time.perf_counter()
    page.goto(server)
    page.wait_for_selector(".sw-upload", timeout=60_000)
    print(f"page ready in {time.perf_counter() - start:.1f} s")

    pick_file(page, csv)
    page.wait_for_selector(".sw-preview table", timeout=60_000)
    assert XSS in page.inner_text(".sw-preview")  # shown as text, not as an image
    assert page.locator(".sw-preview img").count() == 0

    page.select_option(".sw-segment select", "group")
    page.select_option(".sw-id select", "ref")
    page.click(".sw-run")
    page.wait_for_selector(".sw-overview .js-plotly-plot", state="attached", timeout=120_000)
    assert page.locator(".sw-error").inner_text() == ""

    page.get_by_role("tab", name="Features").click()
    importance = page.inner_text(".sw-importance")
    assert importance.index("spend") < importance.index("noise_b")
    page.select_option(".sw-feature select", "plan")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.sw-feature-plot .legendtext')]"
        ".some(e => e.textContent === 'plus')",
        timeout=30_000,
    )

    page.get_by_role("tab", name="Export").click()
    with page.expect_download() as download:
        page.click(".sw-download-csv button")
    saved = tmp_path / "profile.csv"
    download.value.save_as(saved)
    table = pd.read_csv(saved)
    assert {"segment", "feature", "statistic", "value"} <= set(table.columns)
    assert set(table["segment"]) == {"Alpha", "Beta", "Gamma"}
    assert XSS in set(table["feature"])
    page.screenshot(path=str(tmp_path / "app.png"), full_page=True)
    assert page.dialogs == []


def test_upload_over_the_limit_is_refused_in_the_browser(server, page, tmp_path):
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as fh:  # sparse: the browser checks the size before reading
        fh.truncate(201 * 1024 * 1024)
    page.goto(server)
    page.wait_for_selector(".sw-upload", timeout=60_000)
    pick_file(page, huge)
    page.wait_for_function(
        "() => document.querySelector('.sw-error').innerText.includes('limit')", timeout=30_000
    )
    assert "huge.csv is 201 MB, over the 200 MB upload limit" in page.inner_text(".sw-error")
    page.click(".sw-demo")  # the page still works
    page.wait_for_selector(".sw-preview table", timeout=30_000)


def test_bad_upload_shows_one_sentence(server, page, tmp_path):
    bad = tmp_path / "ragged.csv"
    bad.write_text("a,b,c\n1,2,3\n4,5,6,7\n")
    page.goto(server)
    page.wait_for_selector(".sw-upload", timeout=60_000)
    pick_file(page, bad)
    page.wait_for_function(
        "() => document.querySelector('.sw-error').innerText.includes('line 3')", timeout=30_000
    )
    text = page.inner_text(".sw-error")
    assert "ragged.csv line 3 has 4 fields" in text and "Traceback" not in text
