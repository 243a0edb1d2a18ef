"""Notebook parameters: checked before any work, one Indonesian line per mistake."""

from pathlib import Path

import pytest

from lakipkit import parameters
from lakipkit.errors import LakipError, ParameterError

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"


@pytest.fixture(scope="module")
def year():
    return parameters.load(DATA, "kpu-kota-bontang", 2024)


@pytest.mark.parametrize("where", [REPO, REPO / "notebooks"])
def test_data_folder_is_found_from_the_repo_root_and_from_notebooks(where, monkeypatch):
    monkeypatch.chdir(where)
    monkeypatch.delenv(parameters.DATA_ENV, raising=False)
    assert parameters.data_folder(None) == DATA


def test_data_folder_given_or_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(parameters.DATA_ENV, str(DATA))
    assert parameters.data_folder(None) == DATA
    assert parameters.data_folder(str(DATA)) == DATA
    with pytest.raises(ParameterError, match=r"^folder data '\.\./data' tidak ada \(dicari di "):
        parameters.data_folder("../data")
    monkeypatch.delenv(parameters.DATA_ENV)
    with pytest.raises(ParameterError, match="folder data tidak ditemukan"):
        parameters.data_folder(None)


def test_missing_year_satker_and_scale_say_what_exists():
    with pytest.raises(ParameterError) as caught:
        parameters.check_tahun(DATA, "kpu-kota-bontang", 2030)
    assert (
        str(caught.value)
        == "tahun 2030 tidak ada untuk satker kpu-kota-bontang; tahun yang ada: 2024"
    )
    with pytest.raises(ParameterError, match="satker yang ada: kpu-kota-bontang$"):
        parameters.check_tahun(DATA, "kpu-bontang", 2024)
    with pytest.raises(ParameterError, match="pilihan: default, lima_tingkat$"):
        parameters.check_skala("lima tingkat")
    with pytest.raises(ParameterError, match="pilihan: 1, 2, 3, 4$"):
        parameters.check_triwulan(5)
    assert parameters.check_triwulan("3") == 3


def test_drill_down_defaults_and_typos(year):
    assert parameters.drill_down(year) == ("WA", "WA-a", "WA-03")
    assert parameters.drill_down(year, indikator="CQ-02")[2] == "CQ-02"
    with pytest.raises(ParameterError, match=r"^program 'WB' tidak dikenal; pilihan: WA, CQ$"):
        parameters.drill_down(year, program="WB")
    with pytest.raises(ParameterError, match=r"^kegiatan program WA 'CQ-a' tidak dikenal"):
        parameters.drill_down(year, program="WA", kegiatan="CQ-a")
    with pytest.raises(ParameterError, match=r"^indikator 'WA-99' tidak dikenal; pilihan: WA-01"):
        parameters.drill_down(year, indikator="WA-99")


def test_what_if_respects_the_indicators_satuan_and_kind(year):
    row = parameters.what_if(year, "WA-04", "13 kali")
    assert (row["realisasi"].iloc[0], row["realisasi_teks"].iloc[0]) == (13.0, "13 kali")
    assert parameters.what_if(year, "WA-04", None)["realisasi_teks"].iloc[0] == "10 kali"
    with pytest.raises(ParameterError, match="satuan 'orang', berbeda dari kolom satuan 'kali'"):
        parameters.what_if(year, "WA-04", "13 orang")
    with pytest.raises(ParameterError, match="'banyak' bukan nilai yang sah"):
        parameters.what_if(year, "WA-04", "banyak")
    assert issubclass(ParameterError, LakipError) and issubclass(ParameterError, ValueError)
