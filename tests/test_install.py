"""Installed, not only checked out: the package carries its notebooks; the lock pins everything."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _lock() -> dict[str, str]:
    lines = (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines()
    pins = [line for line in lines if line and not line.startswith("#")]
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[^\s=]+", pin) for pin in pins), pins
    return {re.sub(r"[-_.]+", "-", n).lower(): v for n, v in (p.split("==") for p in pins)}


def test_lock_pins_every_direct_dependency_exactly():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    names = {
        re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.\-]+", spec)[0]).lower()
        for spec in wanted
        if not spec.startswith("lakipkit")
    }
    missing = sorted(names - set(_lock()))
    assert missing == [], f"not in requirements.lock: {missing} (run scripts/lock.sh)"


def test_setup_installs_from_the_lock():
    assert "-c requirements.lock" in (REPO / "setup.sh").read_text(encoding="utf-8")


@pytest.mark.slow
def test_installed_package_builds_from_any_folder(tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), "."],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert (target / "lakipkit" / "notebooks" / "laporan.ipynb").is_file()
    elsewhere = tmp_path / "di-mana-saja"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = (
        "import sys, lakipkit; from lakipkit.cli import main; "
        "assert lakipkit.__file__.startswith(sys.argv[1]), lakipkit.__file__; "
        "sys.exit(main(sys.argv[2:]))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(target)]
        + ["build", "--tahun", "2023", "--satker", "contoh-satker", "--format", "html"]
        + ["--data", str(REPO / "tests" / "fixtures" / "data"), "--output", "keluaran"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    html = elsewhere / "keluaran" / "contoh-satker" / "2023" / "laporan-contoh-satker-2023.html"
    assert "BAB I" in html.read_text(encoding="utf-8")
