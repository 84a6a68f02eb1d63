"""segwidgets: tell what makes each customer segment different.

The core (this package without ``figures`` and ``widgets``) imports no UI library.
"""

from importlib.metadata import PackageNotFoundError, version

from . import datasets
from ._errors import DataError, SegmentsNotDistinguishable, SegwidgetsError
from ._io import read_table as load
from ._prepare import infer_kinds, suggest_id, suggest_segment
from .profiler import SegmentProfiler, profile
from .result import Quality, SegmentProfile

try:
    __version__ = version("segwidgets")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"


def __getattr__(name: str):
    """Import figures and the app on first use, so ``import segwidgets`` stays UI-free."""
    import importlib

    if name in ("figures", "widgets"):
        return importlib.import_module(f".{name}", __name__)
    if name == "App":
        return importlib.import_module(".widgets", __name__).App
    raise AttributeError(f"module 'segwidgets' has no attribute {name!r}")


__all__ = [
    "App",
    "DataError",
    "Quality",
    "SegmentProfile",
    "SegmentProfiler",
    "SegmentsNotDistinguishable",
    "SegwidgetsError",
    "__version__",
    "datasets",
    "infer_kinds",
    "load",
    "profile",
    "suggest_id",
    "suggest_segment",
]
