from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"


@pytest.mark.parametrize("name", ["walkthrough.ipynb", "app.ipynb"])
def test_notebook_executes(name, tmp_path):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors
    texts = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    if name == "walkthrough.ipynb":
        assert "Bargain hunters —" in texts
    else:  # the app notebook only imports and displays the app
        assert [c.source for c in nb.cells if c.cell_type == "code"] == [
            "import segwidgets as sw\n\nsw.App()"
        ]
        widget = nb.cells[-1].outputs[-1]["data"]
        assert "application/vnd.jupyter.widget-view+json" in widget
