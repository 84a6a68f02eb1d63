"""Shared fixtures: a synthetic table with planted drivers and pure-noise columns."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import segwidgets as sw

DRIVERS = {"spend", "plan", "is_member"}
NOISE = {"noise_a", "noise_b", "noise_cat"}


def planted(n: int = 3000, seed: int = 1) -> pd.DataFrame:
    """Three segments told apart by spend (numeric), plan (categorical) and is_member."""
    rng = np.random.default_rng(seed)
    seg = rng.choice(["Alpha", "Beta", "Gamma"], size=n, p=[0.5, 0.3, 0.2])
    spend = np.select([seg == "Alpha", seg == "Beta"], [20.0, 60.0], 120.0)
    plans = np.where(
        seg == "Beta",
        rng.choice(["basic", "plus", "pro"], n, p=[0.1, 0.8, 0.1]),
        rng.choice(["basic", "plus", "pro"], n, p=[0.7, 0.15, 0.15]),
    )
    member = rng.random(n) < np.where(seg == "Gamma", 0.9, 0.2)
    return pd.DataFrame(
        {
            "ref": [f"R{i:07d}" for i in rng.permutation(n)],
            "group": seg,
            "spend": rng.normal(spend, 15.0).clip(0).round(2),
            "plan": plans,
            "is_member": member,
            "noise_a": rng.normal(0, 1, n),
            "noise_b": rng.exponential(3.0, n),
            "noise_cat": rng.choice(list("pqrst"), n),
            "constant": 7,
        }
    )


@pytest.fixture(scope="session")
def planted_df() -> pd.DataFrame:
    return planted()


@pytest.fixture(scope="session")
def planted_profiler(planted_df) -> sw.SegmentProfiler:
    return sw.SegmentProfiler(top_n=3, random_state=0).fit(planted_df, "group")


@pytest.fixture(scope="session")
def planted_profile(planted_profiler) -> sw.SegmentProfile:
    return planted_profiler.profile_


@pytest.fixture(scope="session")
def demo_profile() -> sw.SegmentProfile:
    return sw.profile(sw.datasets.demo_customers(n=3000), segment="segment")


ROOT_NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)"
)


@pytest.fixture(scope="session")
def voila_app():
    """The app served by Voila from notebooks/, as `make app` serves it (``url``, ``pid``)."""
    from voila_server import ROOT, voila

    (ROOT / "build").mkdir(exist_ok=True)
    with voila() as server:
        yield server


@pytest.fixture()
def chromium():
    """A headless Debian Chromium driven by Playwright; pages record any dialog they open."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def new_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1400}, accept_downloads=True)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    return page
