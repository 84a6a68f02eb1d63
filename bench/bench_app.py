"""App speed, measured as a user sees it: Voilà + headless Chromium, plus the kernel side.

    python bench/bench_app.py [--upload-mb 100]

Prints: cold page ready time; time from the Profile click on a 10k-row upload to the first
chart in the page; the kernel time of switching the feature dropdown (uncached charts); and
the time to upload a ~100 MB CSV until its preview shows.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import segwidgets as sw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from voila_server import ROOT, pick_file, voila


def kernel_feature_switch(rows: int = 10_000) -> list[float]:
    from segwidgets.widgets import App

    app = App(sw.datasets.demo_customers(n=rows))
    app.run()
    app.wait()
    times = []
    for name in app.feature.options[1:]:
        tick = time.perf_counter()
        app.feature.value = name
        times.append(time.perf_counter() - tick)
    return times


def browser(csv_10k: Path, csv_big: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    out = {}
    (ROOT / "build").mkdir(exist_ok=True)
    with voila() as server, sync_playwright() as p:
        url = server.url
        chromium = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = chromium.new_page(viewport={"width": 1280, "height": 1400})
        tick = time.perf_counter()
        page.goto(url)
        page.wait_for_selector(".sw-upload", timeout=60_000)
        out["page_ready_s"] = time.perf_counter() - tick
        pick_file(page, csv_10k)
        page.wait_for_selector(".sw-preview table", timeout=60_000)
        page.select_option(".sw-segment select", "segment")
        tick = time.perf_counter()
        page.click(".sw-run")
        page.wait_for_selector(".sw-sizes .js-plotly-plot .main-svg", timeout=120_000)
        out["profile_click_to_first_chart_s"] = time.perf_counter() - tick
        page.wait_for_selector(".sw-overview .js-plotly-plot .main-svg", timeout=120_000)
        out["profile_click_to_overview_s"] = time.perf_counter() - tick

        page = chromium.new_page(viewport={"width": 1280, "height": 1400})
        page.goto(url)
        page.wait_for_selector(".sw-upload", timeout=60_000)
        tick = time.perf_counter()
        pick_file(page, csv_big)
        page.wait_for_function(
            "() => document.querySelector('.sw-preview table') || "
            "document.querySelector('.sw-error').innerText.length > 0",
            timeout=600_000,
        )
        out["big_upload_to_preview_s"] = time.perf_counter() - tick
        out["big_upload_error"] = page.inner_text(".sw-error")
        chromium.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--upload-mb", type=float, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "customers_10k.csv"
        sw.datasets.demo_customers(n=10_000).to_csv(small, index=False)
        big = Path(tmp) / "customers_big.csv"
        rows = int(args.upload_mb * 1e6 / 88)  # the demo table takes ~88 bytes a row
        frame = sw.datasets.demo_customers(n=rows)
        frame["store_visits_30d"] = np.random.default_rng(1).poisson(2.0, rows)
        frame.to_csv(big, index=False)
        size_mb = big.stat().st_size / 1e6
        switch = kernel_feature_switch()
        result = browser(small, big)
    print(f"cold page ready          : {result['page_ready_s']:.1f} s   (goal <= 8 s)")
    print(
        f"Profile -> first chart   : {result['profile_click_to_first_chart_s']:.2f} s on 10k rows"
        "   (goal <= 1 s)"
    )
    print(f"Profile -> overview chart: {result['profile_click_to_overview_s']:.2f} s")
    print(
        f"feature switch in kernel : median {statistics.median(switch) * 1000:.0f} ms, "
        f"max {max(switch) * 1000:.0f} ms over {len(switch)} features   (goal <= 150 ms)"
    )
    err = result["big_upload_error"]
    print(
        f"{size_mb:.0f} MB upload -> preview : {result['big_upload_to_preview_s']:.1f} s"
        + (f"   ERROR: {err}" if err else "   ok")
    )


if __name__ == "__main__":
    main()
