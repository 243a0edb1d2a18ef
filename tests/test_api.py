import sys

import lakipkit


def test_public_names_resolve():
    for name in lakipkit.__all__:
        assert getattr(lakipkit, name) is not None, name


def test_build_is_imported_lazily():
    # importing the package must not pull in the notebook machinery
    assert callable(lakipkit.build_report)
    assert "lakipkit.build" in sys.modules
