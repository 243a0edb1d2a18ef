"""The three notebooks run headless under papermill, as a planner would run them.

Each notebook runs once per case (module-scoped fixtures) and the asserts read its outputs:
the 2024 data from the repository root with the default parameters (the README's line), a
second, differently shaped unit, and a year just started with `lakip tahun-baru`. A typo in a
parameter ends the run with one Indonesian line, not a traceback.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lakipkit.formatting import format_persen
from lakipkit.tahun_baru import start_year

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
FIXTURE = REPO / "tests" / "fixtures" / "data"
MULTI = REPO / "tests" / "fixtures" / "multi"
PEMDA = REPO / "tests" / "fixtures" / "pemda"

pytestmark = pytest.mark.slow


def _papermill(notebook, out, cwd, **params):
    """Run papermill as a user types it; return (returncode, stderr, executed notebook)."""
    args = [sys.executable, "-m", "papermill", str(NOTEBOOKS / notebook), str(out)]
    for key, value in params.items():
        args += ["-p", key, str(value)]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env.pop("LAKIP_DATA", None)
    done = subprocess.run(
        [*args, "--no-progress-bar"], cwd=cwd, capture_output=True, text=True, env=env
    )
    nb = nbformat.read(out, as_version=4) if Path(out).exists() else None
    return done.returncode, done.stderr, nb


def _outputs(nb):
    """Every output's text: HTML and plain text, in order, joined per cell."""
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            texts.append(data.get("text/html") or data.get("text/plain") or output.get("text", ""))
    return texts


def _visible(html):
    return re.sub(r"\s+", " ", re.sub(r"<style.*?</style>|<[^>]+>", " ", html, flags=re.S))


@pytest.fixture(scope="module")
def fresh_year(tmp_path_factory):
    """A copy of data/ with 2025 started from 2024 (targets set, nothing realised yet)."""
    data = tmp_path_factory.mktemp("baru") / "data"
    shutil.copytree(REPO / "data", data)
    start_year(data, "kpu-kota-bontang", 2025, 2024)
    return data


@pytest.fixture(scope="module")
def eksplorasi_2024(tmp_path_factory):
    out = tmp_path_factory.mktemp("eks") / "run.ipynb"
    code, err, nb = _papermill("eksplorasi.ipynb", out, REPO, tahun=2024)
    assert code == 0, err
    return nb


@pytest.fixture(scope="module")
def eksplorasi_multi(tmp_path_factory):
    out = tmp_path_factory.mktemp("eks") / "run.ipynb"
    code, err, nb = _papermill(
        "eksplorasi.ipynb",
        out,
        NOTEBOOKS,
        tahun=2024,
        satker="contoh-sintetis",
        data_dir=MULTI,
        cap=110,
        indikator="WA-01",
        realisasi_coba="99,5%",
    )
    assert code == 0, err
    return nb


def test_eksplorasi_2024_reads_as_sentences_and_formatted_tables(eksplorasi_2024):
    outputs = _outputs(eksplorasi_2024)
    text = " ".join(_visible(o) for o in outputs)
    assert "NaN" not in text and "<NA>" not in text and "None" not in text
    assert "rata_rata" not in text and "capaian_terbatas" not in text
    assert "Indikator di Bawah Target atau Tanpa Data (2 dari 31)" in text
    assert format_persen(96.938776) in text and "96.93" not in text
    # no quarterly data: one sentence, the same rule as the quarterly report
    assert "31 belum ada data realisasi triwulan. Tidak ada indikator berisiko s.d." in text
    # the efficiency of Bab III (every funded line), not the 2 kegiatan of the old frame
    assert "Efisiensi: Capaian Kinerja dan Penyerapan Anggaran" in text
    assert "1 dari 10 baris anggaran rincian tidak memiliki angka efisiensi" in text
    assert "Hanya tahun 2024 yang ada di folder data satker ini" in text
    assert "Baris Anggaran yang Menyerap Anggaran tanpa Mencapai Semua Target" in text
    assert "YearData(kpu-kota-bontang 2024" not in text  # the year shows its HTML summary
    assert all("<table" not in o or "lakip-layar" in o or "<caption>Data" in o for o in outputs)


def test_eksplorasi_second_unit_with_cap_and_what_if(eksplorasi_multi):
    text = " ".join(_visible(o) for o in _outputs(eksplorasi_multi))
    assert "NaN" not in text and "<NA>" not in text
    assert "Indikator Berisiko s.d. Triwulan IV Tahun 2024" in text
    assert "Capaian dibatasi 110 %" in text
    assert "dengan realisasi 99,5% (target 95%)" in text
    assert "Indikator dengan Perubahan Capaian Terbesar 2023-2024" in text
    assert "Indikator yang Muncul, Hilang atau Berubah Satuan 2022-2024" in text


def test_notebooks_run_for_a_year_just_started(fresh_year, tmp_path):
    texts = {}
    for notebook in ("eksplorasi.ipynb", "triwulan.ipynb", "laporan.ipynb"):
        code, err, nb = _papermill(
            notebook, tmp_path / notebook, REPO, tahun=2025, data_dir=fresh_year
        )
        assert code == 0, f"{notebook}: {err[-2000:]}"
        texts[notebook] = " ".join(_visible(o) for o in _outputs(nb))
        assert "NaN" not in texts[notebook] and "<NA>" not in texts[notebook], notebook
    assert (
        "target belum ditetapkan, sehingga capaian belum dapat dihitung"
        in texts["eksplorasi.ipynb"]
    )
    assert "31 belum memiliki target" in texts["triwulan.ipynb"]
    assert "Tabel 3.1" in texts["laporan.ipynb"]


def test_triwulan_for_the_fixture_unit_from_notebooks_folder(tmp_path):
    code, err, nb = _papermill(
        "triwulan.ipynb",
        tmp_path / "tw.ipynb",
        NOTEBOOKS,
        tahun=2023,
        satker="contoh-satker",
        data_dir=FIXTURE,
        triwulan=2,
    )
    assert code == 0, err
    text = " ".join(_visible(o) for o in _outputs(nb))
    assert "Pemantauan Kinerja Triwulan II Tahun 2023" in text
    assert "Tabel 1" in text  # numbered in the notebook as in the built report


@pytest.mark.parametrize(
    ("notebook", "params", "message"),
    [
        (
            "laporan.ipynb",
            {"tahun": 2030},
            "tahun 2030 tidak ada untuk satker kpu-kota-bontang; tahun yang ada: 2024",
        ),
        ("eksplorasi.ipynb", {"program": "WB"}, "program 'WB' tidak dikenal; pilihan: WA, CQ"),
        (
            "eksplorasi.ipynb",
            {"indikator": "WA-04", "realisasi_coba": "13 orang"},
            "realisasi_coba '13 orang' untuk WA-04: '13 orang' ditulis dengan satuan 'orang'",
        ),
        ("triwulan.ipynb", {"triwulan": 5}, "triwulan 5 tidak dikenal; pilihan: 1, 2, 3, 4"),
    ],
)
def test_a_parameter_typo_is_one_line(notebook, params, message, tmp_path):
    code, err, nb = _papermill(notebook, tmp_path / "x.ipynb", REPO, **params)
    assert code != 0
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert len(errors) == 1
    assert errors[0]["evalue"].startswith(message)
    assert errors[0]["traceback"] == [errors[0]["evalue"]]  # the message alone, no traceback
    assert json.dumps(errors[0]).count("File ") == 0


def test_notebooks_run_for_the_pemda_unit(tmp_path):
    """The Pemda fixture (a deeper pohon.csv tree, other level names) through all three."""
    texts = {}
    for notebook in ("eksplorasi.ipynb", "triwulan.ipynb", "laporan.ipynb"):
        code, err, nb = _papermill(
            notebook,
            tmp_path / notebook,
            NOTEBOOKS,
            tahun=2024,
            satker="disarpus-kabupaten-contoh",
            data_dir=PEMDA,
        )
        assert code == 0, f"{notebook}: {err[-2000:]}"
        texts[notebook] = " ".join(_visible(o) for o in _outputs(nb))
        assert "NaN" not in texts[notebook] and "<NA>" not in texts[notebook], notebook
        assert "Traceback" not in texts[notebook], notebook
    assert "Capaian per Program" in texts["eksplorasi.ipynb"]
    assert (
        "Kontrol interaktif tampil saat notebook dibuka di JupyterLab" in texts["eksplorasi.ipynb"]
    )
    assert "Pemantauan Kinerja Triwulan IV Tahun 2024" in texts["triwulan.ipynb"]
    assert "Tabel 3.1" in texts["laporan.ipynb"]
