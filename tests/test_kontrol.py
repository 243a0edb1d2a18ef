"""The exploration's controls: the choices they offer and the what-if they show, no browser.

The choice logic and the what-if sentence are plain functions; the widgets (ipywidgets, the
`lab` extra) are driven here by setting their values as a click would.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from lakipkit import kontrol, parameters
from lakipkit.settings import capaian_settings

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
MULTI = REPO / "tests" / "fixtures" / "multi"
PEMDA = REPO / "tests" / "fixtures" / "pemda"


@pytest.fixture(scope="module")
def year():
    return parameters.load(DATA, "kpu-kota-bontang", 2024)


def _values(opsi):
    return [v for _, v in opsi]


def test_years_offered_are_the_folders_there_are():
    assert kontrol.pilihan_tahun(DATA, "kpu-kota-bontang") == [2024]
    assert kontrol.pilihan_tahun(MULTI, "contoh-sintetis") == [2022, 2023, 2024]


def test_programme_kegiatan_indicator_cascade(year):
    assert _values(kontrol.pilihan_program(year)) == ["WA", "CQ"]
    wa = kontrol.pilihan_kegiatan(year, "WA")
    # WA has indicators of its own (WA-01, WA-02): the last choice reaches them
    assert _values(wa) == ["WA-a", "WA-b", "WA-c", "WA-d", "WA-e", None]
    assert wa[0][0] == "WA-a Pelaksanaan Perencanaan, Organisasi"
    assert wa[-1][0] == kontrol.TANPA_KEGIATAN
    assert _values(kontrol.pilihan_kegiatan(year, "CQ")) == ["CQ-a", "CQ-b", "CQ-c", "CQ-d"]
    assert _values(kontrol.pilihan_indikator(year, "WA", "WA-a")) == [
        "WA-03",
        "WA-04",
        "WA-05",
        "WA-06",
    ]
    assert _values(kontrol.pilihan_indikator(year, "WA", None)) == ["WA-01", "WA-02"]
    # every choice offered is accepted by the notebook's parameter check, and no other
    for program in _values(kontrol.pilihan_program(year)):
        for kegiatan in _values(kontrol.pilihan_kegiatan(year, program)):
            for indikator in _values(kontrol.pilihan_indikator(year, program, kegiatan)):
                assert parameters.drill_down(year, program, kegiatan, indikator) == (
                    program,
                    kegiatan,
                    indikator,
                )


def test_cascade_of_a_pemda_tree(tmp_path):
    pemda = parameters.load(PEMDA, "disarpus-kabupaten-contoh", 2024)
    for program in _values(kontrol.pilihan_program(pemda)):
        kegiatan = _values(kontrol.pilihan_kegiatan(pemda, program))
        assert kegiatan, program
        for keg in kegiatan:
            for ind in _values(kontrol.pilihan_indikator(pemda, program, keg)):
                assert parameters.drill_down(pemda, program, keg, ind)[2] == ind


def test_what_if_respects_satuan_and_cap(year):
    bebas = capaian_settings(year.laporan)
    dibatasi = capaian_settings(year.laporan, cap=120)
    assert "capaiannya 150,00%, tercapai" in kontrol.hasil_coba(year, bebas, "WA-03", "3 kegiatan")
    capped = kontrol.hasil_coba(year, dibatasi, "WA-03", "3 kegiatan")
    assert "capaiannya 120,00% (sebelum dibatasi 150,00%)" in capped
    wrong = kontrol.hasil_coba(year, bebas, "WA-03", "3 orang")
    assert "ditulis dengan satuan 'orang', berbeda dari kolom satuan 'kegiatan'" in wrong
    assert "capaiannya" not in wrong
    assert "'tiga' bukan nilai yang sah" in kontrol.hasil_coba(year, bebas, "WA-03", "tiga")
    # empty: the target itself
    assert "dengan realisasi 2 kegiatan (target 2 kegiatan) capaiannya 100,00%" in (
        kontrol.hasil_coba(year, bebas, "WA-03", "  ")
    )


def test_without_a_frontend_the_panel_is_one_sentence(monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    shown = kontrol.panel(DATA, "kpu-kota-bontang", 2024)
    assert "JupyterLab" in shown and "<" + "input" not in shown


def test_lakipkit_imports_no_widgets_or_jupyterlab():
    code = (
        "import sys, lakipkit.kontrol, lakipkit.build, lakipkit.cli, lakipkit.notebook_bersih;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('ipywidgets', 'jupyterlab', 'jupyter_server')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- the widgets ------------------------------------------------------------------------------


@pytest.fixture
def widgets():
    return pytest.importorskip("ipywidgets")


def _panel(**kwargs):
    box = kontrol.panel(paksa=True, **kwargs)
    tahun, program, kegiatan, indikator, coba, hasil = box.children
    return tahun, program, kegiatan, indikator, coba, hasil


def test_panel_starts_from_the_parameters_and_narrows_on_change(widgets):
    tahun, program, kegiatan, indikator, coba, hasil = _panel(
        data=DATA, satker="kpu-kota-bontang", tahun=2024
    )
    assert list(tahun.options) == [2024]
    assert (program.value, kegiatan.value, indikator.value) == ("WA", "WA-a", "WA-03")
    assert "Indikator Kegiatan WA-a" in hasil.value and "WA-03" in hasil.value
    program.value = "CQ"
    assert [v for _, v in kegiatan.options] == ["CQ-a", "CQ-b", "CQ-c", "CQ-d"]
    assert kegiatan.value == "CQ-a" and indikator.value.startswith("CQ-")
    assert "Indikator Kegiatan CQ-a" in hasil.value
    kegiatan.value = "CQ-d"
    assert "Indikator Kegiatan CQ-d" in hasil.value
    assert all(
        v
        in _values(
            kontrol.pilihan_indikator(parameters.load(DATA, "kpu-kota-bontang", 2024), "CQ", "CQ-d")
        )
        for _, v in indikator.options
    )


def test_panel_what_if_box_with_cap_and_satuan(widgets):
    *_, indikator, coba, hasil = _panel(
        data=DATA,
        satker="kpu-kota-bontang",
        tahun=2024,
        cap=120,
        indikator="WA-03",
        program="WA",
        kegiatan="WA-a",
    )
    assert indikator.value == "WA-03"
    coba.value = "3 kegiatan"
    assert "120,00% (sebelum dibatasi 150,00%)" in hasil.value
    coba.value = "3 orang"
    assert "satuan 'orang'" in hasil.value and "capaiannya" not in hasil.value


def test_panel_year_change_reloads(widgets):
    tahun, program, kegiatan, indikator, coba, hasil = _panel(
        data=MULTI, satker="contoh-sintetis", tahun=2024
    )
    assert list(tahun.options) == [2022, 2023, 2024]
    tahun.value = 2022
    lama = parameters.load(MULTI, "contoh-sintetis", 2022)
    assert program.value in _values(kontrol.pilihan_program(lama))
    coba.value = "1"
    settings = capaian_settings(lama.laporan)
    assert kontrol.hasil_coba(lama, settings, indikator.value, "1") in hasil.value
    baru = parameters.load(MULTI, "contoh-sintetis", 2024)
    assert kontrol.hasil_coba(baru, settings, indikator.value, "1") not in hasil.value
