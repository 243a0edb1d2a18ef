import datetime as dt
from functools import partial

import numpy as np
import pandas as pd
import pytest

from lakipkit.formatting import (
    format_angka,
    format_persen,
    format_rupiah,
    format_tanggal,
    terbilang,
)


@pytest.mark.parametrize(
    ("nilai", "teks"),
    [
        (40_719_755_000, "Rp 40.719.755.000"),
        (np.int64(2_685_536_000), "Rp 2.685.536.000"),
        (0, "Rp 0"),
        (999, "Rp 999"),
        (1_274_344_720.5, "Rp 1.274.344.721"),  # whole rupiah, half up
        (-72_939_978, "-Rp 72.939.978"),
    ],
)
def test_format_rupiah(nilai, teks):
    assert format_rupiah(nilai) == teks


@pytest.mark.parametrize(
    ("nilai", "kwargs", "teks"),
    [
        (36.38273819918612, {}, "36,38%"),
        (36.3833, {}, "36,38%"),
        (92.0340, {}, "92,03%"),
        (100, {}, "100,00%"),
        (97.5, {"desimal": 1}, "97,5%"),
        (1000, {"desimal": 0}, "1.000%"),
        (0.125, {}, "0,13%"),  # half up, as spreadsheets do (babel's default is half-even)
        (2.675, {}, "2,68%"),  # the value as written, not its binary neighbour 2.67499...
        (np.float64(64.2184), {}, "64,22%"),
    ],
)
def test_format_persen(nilai, kwargs, teks):
    assert format_persen(nilai, **kwargs) == teks


@pytest.mark.parametrize("kosong", [None, np.nan, pd.NA, float("nan")])
def test_missing_values_show_a_dash_or_the_given_words(kosong):
    assert format_persen(kosong) == "–"
    assert format_persen(kosong, kosong="belum ada data") == "belum ada data"
    assert format_rupiah(kosong) == "–"
    assert format_angka(kosong, kosong="") == ""


@pytest.mark.parametrize(
    ("nilai", "desimal", "teks"),
    [
        (1_234_567.5, None, "1.234.567,5"),
        (12, None, "12"),
        (12, 2, "12,00"),
        (1_234.5678, 0, "1.235"),
        (0.5, 0, "1"),
    ],
)
def test_format_angka(nilai, desimal, teks):
    assert format_angka(nilai, desimal) == teks


def test_format_tanggal():
    assert format_tanggal(dt.date(2025, 1, 25)) == "25 Januari 2025"
    assert format_tanggal(dt.date(2024, 8, 5)) == "5 Agustus 2024"
    assert format_tanggal(pd.Timestamp("2025-02-03")) == "3 Februari 2025"
    assert format_tanggal(None) == "–"


@pytest.mark.parametrize(
    ("nilai", "kata"),
    [
        (
            40_719_755_000,
            "empat puluh miliar tujuh ratus sembilan belas juta tujuh ratus lima puluh lima "
            "ribu rupiah",
        ),
        (
            14_814_961_857,
            "empat belas miliar delapan ratus empat belas juta sembilan ratus enam puluh satu "
            "ribu delapan ratus lima puluh tujuh rupiah",
        ),
        (0, "nol rupiah"),
        (1_000, "seribu rupiah"),
        (1_001_000, "satu juta seribu rupiah"),  # num2words alone says "satu juta satu ribu"
        (2_001_001_000, "dua miliar satu juta seribu rupiah"),
        (21_000, "dua puluh satu ribu rupiah"),
        (101_000, "seratus satu ribu rupiah"),
        (11_000, "sebelas ribu rupiah"),
        (np.int64(1_100), "seribu seratus rupiah"),
    ],
)
def test_terbilang(nilai, kata):
    assert terbilang(nilai) == kata
    assert "  " not in kata


def test_terbilang_without_satuan_and_refusals():
    assert terbilang(15, satuan="") == "lima belas"
    assert terbilang(3.0, satuan="kali") == "tiga kali"
    for bad in (-1, 2.5, True, float("nan"), "12"):
        with pytest.raises(ValueError, match="bilangan bulat"):
            terbilang(bad)


def test_a_whole_column_formats_with_map():
    pagu = pd.Series([40_719_755_000, pd.NA], dtype="Int64")
    assert pagu.map(format_rupiah).tolist() == ["Rp 40.719.755.000", "–"]
    persen = pd.Series([36.3827, np.nan])
    assert persen.map(partial(format_persen, kosong="belum ada data")).tolist() == [
        "36,38%",
        "belum ada data",
    ]
