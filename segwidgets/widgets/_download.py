"""A download button that sends the file as a binary buffer, saved in the browser as a Blob."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import anywidget
import traitlets

log = logging.getLogger(__name__)


class DownloadButton(anywidget.AnyWidget):
    """Click to download the bytes returned by ``content()``.

    The file is made only when clicked, and travels as a binary websocket buffer (no
    data-URI, so size is not limited by URL length).

    Parameters
    ----------
    description : str
        Button text.
    filename : str
        Name the browser saves the file under.
    mime : str
        MIME type of the file.
    content : callable, optional
        Returns the file's bytes; the button is disabled while it is None.
    on_error : callable, optional
        Called with the exception when ``content()`` fails.
    """

    _esm = Path(__file__).with_name("_download.js")
    description = traitlets.Unicode("Download").tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(True).tag(sync=True)
    filename = traitlets.Unicode("download.bin")
    mime = traitlets.Unicode("application/octet-stream")

    def __init__(
        self,
        description: str = "Download",
        *,
        filename: str = "download.bin",
        mime: str = "application/octet-stream",
        content: Callable[[], bytes] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(description=description, filename=filename, mime=mime, **kwargs)
        self._on_error = on_error
        self.content = content
        self.on_msg(self._handle)

    @property
    def content(self) -> Callable[[], bytes] | None:
        """The callable that makes the file, or None (button disabled)."""
        return self._content

    @content.setter
    def content(self, value: Callable[[], bytes] | None) -> None:
        self._content = value
        self.disabled = value is None

    def payload(self) -> bytes:
        """The file's bytes (what a click sends)."""
        if self._content is None:
            raise RuntimeError("Nothing to download yet.")
        return self._content()

    def _handle(self, _widget, msg: dict, _buffers) -> None:
        if not isinstance(msg, dict) or msg.get("type") != "request":
            return
        try:
            data = self.payload()
        except Exception as exc:  # surfaced to the user by the owner, logged here
            log.exception("download of %s failed", self.filename)
            if self._on_error is not None:
                self._on_error(exc)
            self.send({"type": "failed"})
            return
        self.send({"type": "file", "filename": self.filename, "mime": self.mime}, [data])
