"""Start the app with Voilà on a free localhost port, the way `make app` does."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def voila(*extra: str, timeout: float = 60) -> Iterator[SimpleNamespace]:
    """Yield ``url`` and ``pid`` of a Voila server for the app, stopped afterwards.

    ``extra`` command-line options override notebooks/voila.json.
    """
    port = free_port()
    log = open(ROOT / "build" / f"voila-{port}.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, "-m", "voila", "app.ipynb", f"--port={port}", "--no-browser", *extra],
        cwd=ROOT / "notebooks",  # Voila reads notebooks/voila.json from its working folder
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"Voila did not start; see {log.name}") from None
                time.sleep(0.3)
        yield SimpleNamespace(url=url, pid=proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def kernels(server_pid: int) -> list[int]:
    """PIDs of the kernel processes a Voila server has started (one per open page)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == server_pid and b"ipykernel" in cmdline:
            found.append(int(stat.parent.name))
    return found


def pick_file(page, path) -> None:
    """Choose ``path`` in the app's upload control, the way a user does.

    The upload creates its file input only when clicked, so this goes through Playwright's
    file-chooser event.
    """
    with page.expect_file_chooser() as chooser:
        page.click(".sw-upload")
    chooser.value.set_files(str(path))
