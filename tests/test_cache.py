"""Nothing rebuilt needlessly: the build key, and a build reused until an input changes."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lakipkit import cache
from lakipkit.build import build_report, notebook_path
from lakipkit.cli import main

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "data"
SATKER, TAHUN = "contoh-satker", 2023
SETTINGS = {"parameters": {"cap": None}, "formats": ["html"], "laporan": "tahunan", "pdf": None}


@pytest.fixture
def inputs(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE / SATKER, data / SATKER)
    notebook = tmp_path / "laporan.ipynb"
    shutil.copy(notebook_path(), notebook)
    package = tmp_path / "pkg"
    shutil.copytree(cache.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    return data, notebook, package


def _key(data, notebook, package, settings=SETTINGS, tahun=TAHUN):
    inputs = cache.read_inputs(data, SATKER, tahun)
    return cache.build_key(inputs, notebook, settings, package_dir=package)


def _append(path, text="\n"):
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _earlier_year(data):
    (data / SATKER / "2022").mkdir()
    (data / SATKER / "2022" / "laporan.yaml").write_text("judul: x\n")


def _catalogue(data):
    (data / "katalog").mkdir()
    (data / "katalog" / "indikator.csv").write_text("kode\nX\n")


def _parent(data):
    shutil.copytree(data / SATKER, data / "induk", ignore=shutil.ignore_patterns("20*"))
    _append(data / SATKER / "satker.yaml", "satker_induk: induk\n")


def test_same_inputs_same_key_and_every_kind_of_change_a_new_one(inputs):
    data, notebook, package = inputs
    key = _key(*inputs)
    assert _key(*inputs) == key
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "x.pyc").write_bytes(b"compiled")  # not an input
    assert _key(*inputs) == key

    changes = {
        "data csv": lambda: _append(data / SATKER / str(TAHUN) / "indikator.csv"),
        "narrative": lambda: _append(data / SATKER / str(TAHUN) / "narasi" / "kata_pengantar.md"),
        "satker file": lambda: _append(data / SATKER / "satker.yaml", "# x\n"),
        "earlier year": lambda: _earlier_year(data),
        "shared catalogue": lambda: _catalogue(data),
        "parent unit": lambda: _parent(data),
        "parent's satker.yaml": lambda: _append(data / "induk" / "satker.yaml", "# x\n"),
        "notebook": lambda: _append(notebook, " "),
        "package code": lambda: _append(package / "tables.py", "# x\n"),
        "template": lambda: _append(package / "templates" / "lakip" / "lakip.css", "/* x */\n"),
    }
    seen = {key}
    for name, change in changes.items():
        change()
        new = _key(*inputs)
        assert new not in seen, name
        seen.add(new)
    for name, settings in {
        "cap": {**SETTINGS, "parameters": {"cap": 120}},
        "formats": {**SETTINGS, "formats": ["html", "pdf"]},
        "engine": {**SETTINGS, "pdf": "weasyprint"},
        "kind": {**SETTINGS, "laporan": "triwulan"},
    }.items():
        assert _key(*inputs, settings=settings) not in seen, name


def test_a_later_year_or_another_unit_does_not_invalidate_a_report(inputs):
    data, _, _ = inputs
    key = _key(*inputs)
    (data / SATKER / str(TAHUN + 1)).mkdir()
    (data / SATKER / str(TAHUN + 1) / "indikator.csv").write_text("id\n")
    assert _key(*inputs) == key
    shutil.copytree(data / SATKER, data / "lain")
    _append(data / "lain" / str(TAHUN) / "indikator.csv")
    assert _key(*inputs) == key


def test_record_is_reused_only_while_the_outputs_are_unchanged(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    out = tmp_path / "out"
    out.mkdir()
    html = out / "r.html"
    html.write_text("<p>1</p>")
    assert cache.reusable(out, "r", "k") is None
    cache.record(out, "r", "k", {"html": html})
    assert list(out.iterdir()) == [html]  # the record lives in the cache folder
    assert cache.reusable(out, "r", "k") == {"html": html}
    assert cache.reusable(out, "r", "other") is None
    html.write_text("<p>edited by hand</p>")
    assert cache.reusable(out, "r", "k") is None
    html.unlink()
    assert cache.reusable(out, "r", "k") is None


@pytest.mark.slow
def test_unchanged_build_is_reused_and_says_so_paksa_and_edits_rebuild(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    data = tmp_path / "data"
    shutil.copytree(FIXTURE / SATKER, data / SATKER)
    out = tmp_path / "out"
    first = build_report(data, SATKER, TAHUN, out, formats=("html",))
    assert not first.cached
    stamps = {path: path.stat().st_mtime_ns for path in first.paths}
    messages = []
    again = build_report(data, SATKER, TAHUN, out, formats=("html",), progress=messages.append)
    assert again.cached and again.paths == first.paths
    assert {path: path.stat().st_mtime_ns for path in again.paths} == stamps  # untouched
    assert messages == ["tidak ada perubahan sejak build terakhir: berkas yang ada dipakai"]

    args = ["build", "--tahun", str(TAHUN), "--satker", SATKER, "--data", str(data)]
    args += ["--output", str(out), "--format", "html"]
    assert main(args) == 0  # the CLI passes cap and skala: other settings, one more build
    capsys.readouterr()
    assert main(args) == 0
    assert "tidak ada perubahan sejak build terakhir" in capsys.readouterr().err
    # Reused before the heavy imports: a fresh `lakip build` loads none of them.
    heavy = ("pandas", "matplotlib", "papermill", "nbconvert", "nbformat", "weasyprint")
    probe = (
        "import sys\nfrom lakipkit.cli import main\n"
        f"assert main({args!r}) == 0\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert "tidak ada perubahan" in run.stderr and run.stdout.splitlines()[-1] == "[]", run
    assert main([*args, "--paksa"]) == 0
    assert "tidak ada perubahan" not in capsys.readouterr().err

    _append(data / SATKER / str(TAHUN) / "narasi" / "kata_pengantar.md", "\nKalimat baru uji.\n")
    edited = build_report(data, SATKER, TAHUN, out, formats=("html",))
    assert not edited.cached and "Kalimat baru uji." in edited.html.read_text(encoding="utf-8")


def test_records_of_vanished_folders_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    html = tmp_path / "r.html"
    html.write_text("x")
    for i in range(205):
        folder = tmp_path / "tmp" / str(i)
        folder.mkdir(parents=True)
        cache.record(folder, "r", "k", {"html": html})
        if i < 150:
            folder.rmdir()
    kept = list((tmp_path / "cache" / "lakipkit" / "build").glob("*.json"))
    assert 55 <= len(kept) <= 60
