"""Settings: laporan.yaml's pengaturan, overridden by flags, refused in one line when bad."""

import shutil
from pathlib import Path

import pytest

from lakipkit import cli
from lakipkit.capaian import BAND_SCALES, compute_capaian
from lakipkit.errors import DataValidationError
from lakipkit.loading import load_year
from lakipkit.settings import (
    SettingsError,
    capaian_settings,
    level_names,
    pengaturan,
)

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "data" / "contoh-satker"


def _with_pengaturan(tmp_path: Path, block: str) -> Path:
    """Copy the small fixture with a pengaturan block appended to its laporan.yaml."""
    shutil.copytree(FIXTURE, tmp_path / "contoh-satker")
    laporan = tmp_path / "contoh-satker" / "2023" / "laporan.yaml"
    laporan.write_text(laporan.read_text(encoding="utf-8") + block, encoding="utf-8")
    return tmp_path


def test_defaults_without_pengaturan():
    settings = capaian_settings(None)
    assert settings.cap is None
    assert settings.skala == BAND_SCALES["default"]
    assert settings.cetak == "terbatas"
    assert list(level_names(None)) == [
        "tujuan",
        "sasaran_strategis",
        "program",
        "kegiatan",
        "sub_kegiatan",
    ]


def test_data_then_flag(tmp_path):
    data = _with_pengaturan(tmp_path, "pengaturan:\n  cap: 110\n  skala: lima_tingkat\n")
    year = load_year(data, "contoh-satker", 2023)
    assert capaian_settings(year.laporan).cap == 110
    assert capaian_settings(year.laporan).skala.nama == "lima_tingkat"
    assert capaian_settings(year.laporan, cap="120").cap == 120
    assert capaian_settings(year.laporan, cap="tanpa").cap is None
    assert capaian_settings(year.laporan, skala="default").skala.nama == "default"


def test_own_bands_with_colours(tmp_path):
    block = """pengaturan:
  cap: 100
  predikat:
    - {label: Rendah, warna: "#d73027"}
    - {label: Sedang, mulai: 60, warna: "#fee08b"}
    - {label: Tinggi, mulai: 80, warna: "#1a9850"}
"""
    year = load_year(_with_pengaturan(tmp_path, block), "contoh-satker", 2023)
    settings = capaian_settings(year.laporan)
    assert settings.skala.label == ("Rendah", "Sedang", "Tinggi")
    assert settings.skala.batas == (60.0, 80.0)
    assert settings.skala.warna == ("#d73027", "#fee08b", "#1a9850")
    hasil = compute_capaian(year.indikator, settings)
    assert hasil["capaian_dicetak"].max() <= 100
    assert set(hasil["predikat"].dropna()) <= {"Rendah", "Sedang", "Tinggi", "nan"}


@pytest.mark.parametrize(
    ("block", "key", "words"),
    [
        ("pengaturan:\n  cap: 50\n", "pengaturan.cap", ">= 100"),
        ("pengaturan:\n  cap: .nan\n", "pengaturan.cap", ">= 100"),
        ("pengaturan:\n  cap: .inf\n", "pengaturan.cap", ">= 100"),
        ("pengaturan:\n  skala: tujuh\n", "pengaturan.skala", "lima_tingkat"),
        ("pengaturan:\n  capaian_dicetak: semua\n", "pengaturan.capaian_dicetak", ""),
        ("pengaturan:\n  warna: merah\n", "pengaturan.warna", ""),
        (
            "pengaturan:\n  predikat:\n    - {label: A, mulai: 5}\n    - {label: B, mulai: 9}\n",
            "pengaturan.predikat",
            "pita pertama",
        ),
        (
            "pengaturan:\n  predikat:\n    - {label: A}\n    - {label: B, mulai: 9}\n"
            "    - {label: C, mulai: 9}\n",
            "pengaturan.predikat",
            "naik",
        ),
    ],
)
def test_bad_setting_in_data_names_the_key(tmp_path, block, key, words):
    data = _with_pengaturan(tmp_path, block)
    with pytest.raises(DataValidationError) as raised:
        load_year(data, "contoh-satker", 2023)
    [finding] = raised.value.findings
    assert finding.file.endswith("laporan.yaml")
    assert finding.column == key
    assert finding.row is not None and finding.row > 15
    assert words in finding.message + finding.expected


@pytest.mark.parametrize("value", ["50", "nan", "inf", "-inf", "1.2x", "99,9"])
def test_bad_cap_flag_is_one_line(value, capsys):
    code = cli.main(["summary", "--tahun", "2024", "--data", str(DATA), f"--cap={value}"])
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert err.startswith(f"lakip: --cap {value}:")
    assert "\n" not in err and "Traceback" not in err


def test_bad_cap_flag_in_periksa_and_api():
    assert cli.main(["periksa", "--tahun", "2024", "--data", str(DATA), "--cap", "50"]) == 1
    with pytest.raises(SettingsError, match="--cap 50"):
        capaian_settings(None, cap=50)
    with pytest.raises(SettingsError, match="--skala x"):
        capaian_settings(None, skala="x")


def test_bontang_has_no_pengaturan_and_keeps_its_figures():
    year = load_year(DATA, "kpu-kota-bontang", 2024)
    assert pengaturan(year.laporan).cap is None
    hasil = compute_capaian(year.indikator, capaian_settings(year.laporan))
    assert hasil["capaian_dicetak"].equals(hasil["capaian"])
