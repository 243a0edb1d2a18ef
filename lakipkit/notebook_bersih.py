"""The workbook notebooks as committed: no outputs, and the metadata JupyterLab writes anyway.

Opening a notebook in JupyterLab 4 puts the kernel's `language_info` (and its `kernelspec`)
into the notebook's metadata; saving an unedited notebook then changes the tracked file. The
committed notebooks therefore carry that metadata already, except `language_info.version`:
it is the kernel's full Python version (3.11.2 on one machine, 3.11.7 on the next), so no
committed value stays equal everywhere. `pre_save` is a jupyter_server pre-save hook, enabled
by the `jupyter_server_config.d/lakipkit.json` that the package installs, which writes a
paired workbook (a notebook with a jupytext `py:percent` twin) in this committed form: no
outputs, no execution counts, `language_info` without its version. Opening and saving an
unedited workbook thus leaves both files byte-identical (tests/test_notebook_files.py,
with a real JupyterLab in `scripts/jupyterlab_sesi.py`).

The percent scripts carry the same metadata in their header (`notebook_metadata_filter`), so
an `.ipynb` regenerated with `jupytext --sync notebooks/x.py` gets it too.
"""

from __future__ import annotations

from typing import Any

#: What ipykernel reports as `language_info` for Python, minus the version (see above).
LANGUAGE_INFO: dict[str, Any] = {
    "codemirror_mode": {"name": "ipython", "version": 3},
    "file_extension": ".py",
    "mimetype": "text/x-python",
    "name": "python",
    "nbconvert_exporter": "python",
    "pygments_lexer": "ipython3",
}

#: The kernel every workbook names (ipykernel's default kernelspec).
KERNELSPEC: dict[str, str] = {
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "name": "python3",
}

#: The jupytext filter that keeps `language_info` (without version) in the percent script.
NOTEBOOK_METADATA_FILTER = "language_info,-language_info.version"


def is_workbook(notebook: dict) -> bool:
    """Whether a notebook is one of lakipkit's workbooks (paired with a percent script)."""
    formats = notebook.get("metadata", {}).get("jupytext", {}).get("formats", "")
    return "py:percent" in str(formats)


def bersihkan(notebook: dict) -> dict:
    """Put a notebook (nbformat dict, changed in place) in its committed form; return it.

    Outputs and execution counts are removed; `language_info` keeps only the keys in
    `LANGUAGE_INFO` (the version goes).
    """
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    metadata = notebook.setdefault("metadata", {})
    info = metadata.get("language_info")
    if isinstance(info, dict):
        metadata["language_info"] = {k: v for k, v in info.items() if k in LANGUAGE_INFO}
    return notebook


def pre_save(model: dict, path: str = "", **kwargs: Any) -> None:
    """jupyter_server pre-save hook: a workbook is written in its committed form.

    Other notebooks and files are left as they are. JupyterLab keeps showing the outputs in
    the open tab; the file holds none (a run worth keeping goes through `lakip build` or
    papermill into output/).
    """
    if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
        if is_workbook(model["content"]):
            bersihkan(model["content"])
