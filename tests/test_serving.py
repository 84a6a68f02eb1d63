"""What the Voila server exposes, and several users at once."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from conftest import ROOT_NOTEBOOKS, needs_chromium, new_page, planted
from voila_server import ROOT, kernels, pick_file, voila

import segwidgets as sw


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as err:
        return err.code, ""


def test_only_the_app_is_served(voila_app):
    status, page = _get(voila_app.url)
    assert status == 200
    assert "import segwidgets" not in page  # sources stripped
    for path in (
        "voila/render/walkthrough.ipynb",
        "tree",
        "api/contents",
        "api/kernels",
        "voila/files/voila.json",
        "voila/files/app.ipynb",
        "voila/files/walkthrough.ipynb",
        "voila/files/../pyproject.toml",
    ):
        status, _ = _get(voila_app.url + path)
        assert status in (403, 404), path


def test_voila_config_limits():
    config = json.loads((ROOT_NOTEBOOKS / "voila.json").read_text())
    assert config["Voila"]["tornado_settings"]["websocket_max_message_size"] >= 300 * 2**20
    assert config["Voila"]["ip"] == "127.0.0.1"
    assert config["VoilaConfiguration"] == {"show_tracebacks": False, "strip_sources": True}
    assert config["MappingKernelManager"]["cull_idle_timeout"] > 0
    assert config["VoilaExecutor"]["timeout"] > 0


def _upload(page, path):
    pick_file(page, path)
    page.wait_for_selector(".sw-preview table", timeout=120_000)


@pytest.fixture(scope="module")
def culling_app():
    """The app with idle kernels culled after seconds instead of minutes."""
    (ROOT / "build").mkdir(exist_ok=True)
    with voila(
        "--MappingKernelManager.cull_idle_timeout=5", "--MappingKernelManager.cull_interval=1"
    ) as server:
        yield server


@needs_chromium
def test_three_users_at_once(culling_app, chromium, tmp_path):
    voila_app = culling_app
    # one slow job (1M rows) and two small ones, each with its own segment labels
    big = sw.datasets.demo_customers(n=1_000_000).rename(columns={"segment": "group"})
    files = [tmp_path / "big.parquet"]
    big.to_parquet(files[0], index=False)
    labels = [set(big["group"].unique())]
    for prefix in ("North", "South"):
        df = planted(900)
        df["group"] = prefix + "-" + df["group"]
        files.append(tmp_path / f"{prefix}.csv")
        df.to_csv(files[-1], index=False)
        labels.append(set(df["group"]))

    before = set(kernels(voila_app.pid))
    pages = [new_page(chromium) for _ in files]
    for page in pages:
        page.goto(voila_app.url)
        page.wait_for_selector(".sw-upload", timeout=60_000)
    assert len(set(kernels(voila_app.pid)) - before) == 3  # one kernel per page
    for page, path in zip(pages, files, strict=True):
        _upload(page, path)
        page.select_option(".sw-segment select", "group")
    for page in pages:
        page.click(".sw-run")

    # Each page has its own kernel (checked above) and profiles in a background thread, so
    # no page waits for another. Which job finishes first is a race on a shared 2-core
    # machine, so it is printed, not asserted (no timing assertions in tests).
    for page in pages:
        page.wait_for_selector(".sw-segments .sw-card", state="attached", timeout=300_000)
        print(page.inner_text(".sw-status"))

    for page, own in zip(pages, labels, strict=True):
        page.get_by_role("tab", name="Segments").click()
        text = page.inner_text(".sw-segments")
        assert all(label in text for label in own)
        others = set().union(*labels) - own
        assert not any(label in text for label in others)
        assert page.inner_text(".sw-error") == ""

    # open pages keep their kernels however long they idle; closed pages lose theirs
    # (Voila's own shutdown beacon is refused for a missing _xsrf cookie, voila#1458, so
    # the idle-kernel culling configured in voila.json is what frees the memory)
    started = set(kernels(voila_app.pid)) - before
    time.sleep(8)
    assert set(kernels(voila_app.pid)) >= started
    for page in pages:
        page.close(run_before_unload=True)
    deadline = time.time() + 60
    while set(kernels(voila_app.pid)) & started and time.time() < deadline:
        time.sleep(0.5)
    assert not set(kernels(voila_app.pid)) & started
