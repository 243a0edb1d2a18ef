import subprocess
import sys

import lakipkit


def test_public_names_resolve():
    for name in lakipkit.__all__:
        assert getattr(lakipkit, name) is not None, name


def test_import_does_not_load_the_notebook_machinery():
    heavy = "{'papermill', 'nbconvert', 'weasyprint'}"
    code = f"import sys, lakipkit; print(sorted({heavy} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert callable(lakipkit.build_report)
