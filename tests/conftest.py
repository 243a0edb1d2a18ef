"""Hypothesis profiles: fixed and bounded in CI, longer on request.

`ci` (default): derandomized (the same examples on every run, so CI is reproducible) and
few examples per property, so the whole hypothesis suite stays within a few minutes on two
shared cores. `lang`: `HYPOTHESIS_PROFILE=lang .venv/bin/pytest tests/test_fuzz.py` explores
fresh random examples, many more of them. Examples a run finds are kept as plain tests.
"""

import os
import signal

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile(
    "lang",
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _signal_handlers_restored():
    """Undo a test's change to SIGINT/SIGTERM handling (an in-process kernel ignores SIGINT),
    which every later subprocess would inherit."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    yield
    for signum, handler in saved.items():
        if signal.getsignal(signum) is not handler:
            signal.signal(signum, handler)


@pytest.fixture(autouse=True)
def _environment_restored():
    """Undo what a test's kernel changes in os.environ (ipykernel sets colour variables)."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
