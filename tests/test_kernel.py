"""The warm kernel: one kernel, several notebook runs, each as from a fresh kernel."""

from pathlib import Path

import nbformat
import pytest
from papermill.exceptions import PapermillExecutionError

from lakipkit.kernel import WarmKernel


def _notebook(path, *sources):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.metadata["kernelspec"]["language"] = "python"
    params = nbformat.v4.new_code_cell("tahun = 0")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(s) for s in sources)]
    nbformat.write(nb, str(path))
    return path


def _outputs(nb):
    return [o.get("text", o.get("data", {}).get("text/plain")) for c in nb.cells for o in c.outputs]


def _displayed(kernel, folder, tahun):
    """The same checks as the printing notebook, as results (what in-process records)."""
    notebook = _notebook(
        folder / "shown.ipynb",
        f"import os\nstr(tahun) + ' ' + str(os.getcwd() == {str(folder)!r})",
        "str('lama' in dir())",
        "lama = tahun\ntahun * 2",
    )
    return kernel.run(notebook, {"tahun": tahun}, folder / f"shown-{tahun}.ipynb")


@pytest.mark.parametrize("inprocess", [False, True], ids=["kernel process", "in-process"])
def test_runs_several_notebooks_without_leaking_state(tmp_path, inprocess):
    notebook = _notebook(
        tmp_path / "nb.ipynb",
        f"import os\nprint(tahun, os.getcwd() == {str(tmp_path)!r})",
        "print('lama' in dir())",
        "lama = tahun\ntahun * 2",
    )
    here = Path.cwd()
    with WarmKernel(cwd=tmp_path, preload=("import json",), inprocess=inprocess) as kernel:
        first = kernel.run(notebook, {"tahun": 2023}, tmp_path / "a.ipynb")
        second = kernel.run(notebook, {"tahun": 2024}, tmp_path / "b.ipynb")
        if inprocess:  # printed text is not recorded in-process (lakipkit.kernel), results are
            first = _displayed(kernel, tmp_path, 2023)
            second = _displayed(kernel, tmp_path, 2024)
            assert _outputs(first) == ["'2023 True'", "'False'", "4046"]
            assert _outputs(second) == ["'2024 True'", "'False'", "4048"]
        else:
            assert _outputs(first) == ["2023 True\n", "False\n", "4046"]
            assert _outputs(second) == ["2024 True\n", "False\n", "4048"]  # `lama` is gone
        counts = [c.execution_count for c in second.cells if c.cell_type == "code"]
        assert counts == [c.execution_count for c in first.cells if c.cell_type == "code"]
        assert counts[0] == 1

        failing = _notebook(tmp_path / "bad.ipynb", "1 / 0")
        with pytest.raises(PapermillExecutionError) as caught:
            kernel.run(failing, {"tahun": 1}, tmp_path / "c.ipynb")
        assert caught.value.ename == "ZeroDivisionError"
        # the kernel survives a failing notebook, and a restart gives a fresh one
        assert _outputs(kernel.run(notebook, {"tahun": 1}, tmp_path / "d.ipynb"))[-1] == "2"
        kernel.restart()
        assert kernel.alive
        assert _outputs(kernel.run(notebook, {"tahun": 2}, tmp_path / "e.ipynb"))[-1] == "4"
    assert not kernel.alive
    assert Path.cwd() == here  # the in-process run changed directory only while it ran
