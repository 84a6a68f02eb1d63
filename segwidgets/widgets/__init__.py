"""The interactive app (ipywidgets + anywidget); imported only when used."""

from ._app import App
from ._download import DownloadButton

__all__ = ["App", "DownloadButton"]
