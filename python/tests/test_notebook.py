"""The lecture notebook (python/examples/implicit-bias.ipynb) runs top to bottom without errors, and shows the
core's figures as SVG."""

from pathlib import Path

import nbclient
import nbformat

NOTEBOOK = Path(__file__).resolve().parents[1] / "examples" / "implicit-bias.ipynb"


def test_the_lecture_notebook_runs_top_to_bottom():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3").execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    svgs = [o for o in outputs if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) >= 6, f"{len(svgs)} figures shown"
    widgets = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(widgets) == 1
    text = "".join(o.get("text", "") for o in outputs)
    assert "✓ claim holds" in text and "ValueError: model.depth" in text
