"""segwidgets: tell what makes each customer segment different.

The core (this package without ``figures`` and ``widgets``) imports no UI library.
"""

from importlib.metadata import PackageNotFoundError, version

from . import datasets
from ._errors import DataError, SegmentsNotDistinguishable, SegwidgetsError
from ._io import read_table as load
from ._prepare import suggest_id, suggest_segment
from .profiler import SegmentProfiler, profile
from .result import Quality, SegmentProfile

try:
    __version__ = version("segwidgets")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"



def __getattr__(name: str):
    """Import the plotting subpackage on first use, so ``import segwidgets`` stays light."""
    if name == "figures":
        import importlib

        return importlib.import_module(".figures", __name__)
    raise AttributeError(f"module 'segwidgets' has no attribute {name!r}")


__all__ = [
    "DataError",
    "Quality",
    "SegmentProfile",
    "SegmentProfiler",
    "SegmentsNotDistinguishable",
    "SegwidgetsError",
    "__version__",
    "datasets",
    "load",
    "profile",
    "suggest_id",
    "suggest_segment",
]
