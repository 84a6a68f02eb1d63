"""A file upload that refuses files over the limit in the browser and streams to disk."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import anywidget
import traitlets

from .._errors import DataError

log = logging.getLogger(__name__)
CHUNK_BYTES = 4 * 1024 * 1024


class FileUpload(anywidget.AnyWidget):
    """Pick a file; it arrives in chunks into a temporary file, then ``on_file`` reads it.

    The browser checks the size first, so a file over ``max_bytes`` gets a message and is
    never sent (one big websocket message over the server's limit would be dropped without a
    word). Chunks keep every message small, whatever the file's size.

    Parameters
    ----------
    on_file : callable
        Called as ``on_file(path, name)`` with the finished temporary file and the user's file
        name; the file is deleted afterwards.
    on_error : callable
        Called with a :class:`~segwidgets.DataError` when a file is refused or fails.
    max_bytes : int
        Largest file accepted.
    accept : str
        File types offered by the browser's file picker.
    """

    _esm = Path(__file__).with_name("_upload.js")
    label = traitlets.Unicode("Upload file").tag(sync=True)
    accept = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    max_bytes = traitlets.Int(200 * 1024 * 1024).tag(sync=True)
    chunk_bytes = traitlets.Int(CHUNK_BYTES).tag(sync=True)

    def __init__(
        self,
        on_file: Callable[[Path, str], None],
        on_error: Callable[[Exception], None],
        *,
        max_bytes: int,
        accept: str = "",
        **kwargs,
    ) -> None:
        super().__init__(max_bytes=max_bytes, accept=accept, **kwargs)
        self._on_file = on_file
        self._on_error = on_error
        self._current: dict | None = None
        self.on_msg(self._handle)

    def receive(self, name: str, data: bytes) -> None:
        """Take a file as the browser sends it (for scripts and tests)."""
        if len(data) > self.max_bytes:
            self._handle(self, {"type": "too_large", "name": name, "size": len(data)}, [])
            return
        self._handle(self, {"type": "start", "id": "local", "name": name, "size": len(data)}, [])
        for offset in range(0, len(data), self.chunk_bytes):
            part = memoryview(data)[offset : offset + self.chunk_bytes]
            self._handle(self, {"type": "chunk", "id": "local", "offset": offset}, [part])
        self._handle(self, {"type": "end", "id": "local"}, [])

    def _handle(self, _widget, msg: dict, buffers) -> None:
        kind = msg.get("type") if isinstance(msg, dict) else None
        try:
            if kind == "too_large":
                size_mb = msg["size"] / 1024 / 1024
                limit_mb = self.max_bytes / 1024 / 1024
                raise DataError(
                    f"{msg['name']} is {size_mb:,.0f} MB, over the {limit_mb:,.0f} MB upload "
                    "limit: upload a smaller extract, or use the Python API or the command line."
                )
            if kind == "start":
                self._discard()
                folder = Path(tempfile.mkdtemp(prefix="segwidgets-upload-"))
                suffix = "".join(Path(str(msg["name"])).suffixes[-2:])[:20]
                self._current = {
                    "id": msg["id"],
                    "name": str(msg["name"]),
                    "size": int(msg["size"]),
                    "folder": folder,
                    "handle": open(folder / f"upload{suffix}", "wb"),  # noqa: SIM115
                }
            elif kind == "chunk" and self._matches(msg):
                handle = self._current["handle"]
                for buffer in buffers:
                    handle.write(buffer)
                if handle.tell() > self.max_bytes:
                    raise DataError(f"{self._current['name']} is over the upload limit.")
            elif kind == "end" and self._matches(msg):
                current, self._current = self._current, None
                current["handle"].close()
                path = Path(current["handle"].name)
                try:
                    if path.stat().st_size != current["size"]:
                        raise DataError(
                            f"{current['name']} arrived incomplete; please upload it again."
                        )
                    self._on_file(path, current["name"])
                finally:
                    shutil.rmtree(current["folder"], ignore_errors=True)
            elif kind == "failed":
                raise DataError(f"The browser could not read {msg.get('name', 'the file')}.")
        except Exception as exc:
            self._discard()
            if not isinstance(exc, DataError):
                log.exception("upload failed")
            self._on_error(exc)

    def _matches(self, msg: dict) -> bool:
        return self._current is not None and msg.get("id") == self._current["id"]

    def _discard(self) -> None:
        if self._current is not None:
            self._current["handle"].close()
            shutil.rmtree(self._current["folder"], ignore_errors=True)
            self._current = None
