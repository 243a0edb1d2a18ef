"""The workbook notebooks in git: no outputs, the metadata JupyterLab adds, unchanged by a save.

JupyterLab 4 puts the kernel's `language_info` into a notebook when it opens it; the
committed files carry it already (without the machine-dependent Python version), the percent
scripts too (so `jupytext --sync` regenerates it), and the server extension of the `lab`
extra saves a workbook in exactly that form. The last test does it for real: JupyterLab and
headless chromium open each workbook and save it; the bytes stay the same.
"""

import copy
import importlib.util
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import jupytext
import nbformat
import pytest

from lakipkit.notebook_bersih import (
    KERNELSPEC,
    LANGUAGE_INFO,
    NOTEBOOK_METADATA_FILTER,
    bersihkan,
    pre_save,
)

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"


def _tracked_notebooks() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "*.ipynb"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    return [REPO / name for name in listed]


def test_every_tracked_notebook_is_committed_clean():
    notebooks = _tracked_notebooks()
    assert {p.name for p in notebooks} >= {
        "laporan.ipynb",
        "triwulan.ipynb",
        "eksplorasi.ipynb",
        "konsolidasi.ipynb",
    }
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert code, path
        assert all(c["outputs"] == [] for c in code), f"{path.name}: outputs committed"
        assert all(c["execution_count"] is None for c in code), f"{path.name}: execution_count"
        assert nb["metadata"]["language_info"] == LANGUAGE_INFO, path.name
        assert nb["metadata"]["kernelspec"] == KERNELSPEC, path.name
        jt = nb["metadata"]["jupytext"]
        assert jt["notebook_metadata_filter"] == NOTEBOOK_METADATA_FILTER, path.name
        assert jt["formats"] == "ipynb,py:percent", path.name
        # the percent script carries the same metadata, so a regenerated .ipynb has it
        script = jupytext.read(path.with_suffix(".py"))
        assert script.metadata["language_info"] == LANGUAGE_INFO, path.name
        assert script.metadata["kernelspec"] == KERNELSPEC, path.name


def test_a_notebook_regenerated_from_its_script_gets_the_committed_metadata(tmp_path):
    script = tmp_path / "triwulan.py"
    shutil.copy(NOTEBOOKS / "triwulan.py", script)
    subprocess.run(
        [sys.executable, "-m", "jupytext", "--sync", str(script)],
        check=True,
        capture_output=True,
    )
    regenerated = nbformat.read(tmp_path / "triwulan.ipynb", as_version=4)
    committed = nbformat.read(NOTEBOOKS / "triwulan.ipynb", as_version=4)
    assert regenerated.metadata == committed.metadata
    assert [(c.cell_type, c.source, c.metadata) for c in regenerated.cells] == [
        (c.cell_type, c.source, c.metadata) for c in committed.cells
    ]


@pytest.fixture(scope="module")
def kernel_language_info():
    """What a real ipykernel answers to kernel_info (what JupyterLab copies into the file)."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    try:
        reply = client.kernel_info(reply=True, timeout=60)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return reply["content"]["language_info"]


def test_the_committed_language_info_is_what_the_kernel_reports_but_the_version(
    kernel_language_info,
):
    assert kernel_language_info["version"].startswith(f"{sys.version_info[0]}.")
    assert {k: v for k, v in kernel_language_info.items() if k != "version"} == LANGUAGE_INFO


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_open_run_and_save_leaves_the_files_unchanged(path, kernel_language_info):
    """JupyterLab's open (metadata from the kernel) + run + save, through the save hook."""
    committed = path.read_text(encoding="utf-8")
    nb = nbformat.reads(committed, as_version=4)
    nb.metadata["language_info"] = copy.deepcopy(kernel_language_info)  # on open
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    for count, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):  # run all
        cell.execution_count = count + 1
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x\n")]
    model = {"type": "notebook", "format": "json", "content": nb}
    pre_save(model=model, path=path.name, contents_manager=None)
    # what jupyter_server's FileContentsManager and jupytext's contents manager then write
    assert nbformat.writes(model["content"], version=nbformat.NO_CONVERT) + "\n" == committed
    script = jupytext.writes(model["content"], fmt="py:percent")
    assert script == path.with_suffix(".py").read_text(encoding="utf-8")


def test_the_save_hook_leaves_other_notebooks_and_files_alone():
    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1", execution_count=1)])
    other.cells[0].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    other.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    kept = copy.deepcopy(other)
    pre_save(model={"type": "notebook", "content": other}, path="catatan.ipynb")
    assert other == kept
    text = {"type": "file", "format": "text", "content": "# %%\n"}
    pre_save(model=text, path="x.py")
    assert text["content"] == "# %%\n"
    assert bersihkan({"cells": []}) == {"cells": [], "metadata": {}}


def test_the_lab_extension_is_installed_with_the_package():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    (config,) = pyproject["tool"]["setuptools"]["data-files"]["etc/jupyter/jupyter_server_config.d"]
    enabled = json.loads((REPO / config).read_text())["ServerApp"]["jpserver_extensions"]
    assert enabled == {"lakipkit.lab": True}
    assert "lakipkit.lab" not in sys.modules  # importing lakipkit does not load it


@pytest.mark.slow
@pytest.mark.browser
def test_jupyterlab_open_and_save_leaves_every_workbook_byte_identical(tmp_path):
    if importlib.util.find_spec("jupyterlab") is None or shutil.which("chromium") is None:
        pytest.skip("needs the lab extra and chromium")
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        from jupyterlab_sesi import Sesi
    finally:
        sys.path.remove(str(REPO / "scripts"))
    shutil.copytree(NOTEBOOKS, tmp_path / "notebooks")
    before = {p.name: p.read_bytes() for p in (tmp_path / "notebooks").glob("*.*") if p.is_file()}
    with Sesi(tmp_path) as sesi:
        for name in ("laporan.ipynb", "triwulan.ipynb", "eksplorasi.ipynb", "konsolidasi.ipynb"):
            sesi.buka(f"notebooks/{name}")
            sesi.simpan()
        log = sesi.log
    after = {p.name: p.read_bytes() for p in (tmp_path / "notebooks").glob("*.*") if p.is_file()}
    assert after == before
    assert "without encryption" not in log
