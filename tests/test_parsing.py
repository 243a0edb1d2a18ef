import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lakipkit.errors import ParseError
from lakipkit.parsing import (
    Nilai,
    decimal_conflicts,
    nilai_frame,
    normalize_satuan,
    parse_angka,
    parse_bulat,
    parse_column,
    parse_nilai,
    parse_persen,
    parse_predikat,
    parse_rentang,
    parse_rupiah,
    parse_tanggal,
    peringkat,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("97,5", 97.5),
        ("97.5", 97.5),
        ("0,17", 0.17),
        ("40.719.755.000", 40_719_755_000),
        ("1.234,5", 1234.5),
        ("1234", 1234),
        ("1234,567", 1234.567),
        ("0,125", 0.125),
        ("1,004,422,800", 1_004_422_800),  # pasted from a web page: only thousands fit
        ("1,234.5", 1234.5),
        ("1,004,422.75", 1_004_422.75),
        ("  12 ", 12),
        ("-3,5", -3.5),
    ],
)
def test_parse_angka_accepts(text, expected):
    assert parse_angka(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "kode", "words"),
    [
        ("1.234", "ambiguous_number", ["ambigu", "ribuan", "desimal"]),
        ("12.500", "ambiguous_number", ["ambigu"]),
        ("1234.567", "ambiguous_number", ["ambigu"]),
        ("1,234", "ambiguous_number", ["ambigu", "koma", "ribuan", "desimal"]),
        ("12,500", "ambiguous_number", ["ambigu"]),
        ("97,5.0", "mixed_separators", ["koma dan titik"]),
        ("1.234,567,8", "mixed_separators", ["koma dan titik"]),
        ("1,23,456", "invalid_number", ["bukan angka"]),
        ("1..2", "invalid_number", ["bukan angka"]),
        ("abc", "invalid_number", ["bukan angka"]),
        ("12 kali", "invalid_number", ["bukan angka"]),
        ("", "invalid_number", ["bukan angka"]),
    ],
)
def test_parse_angka_refuses(text, kode, words):
    with pytest.raises(ParseError) as caught:
        parse_angka(text)
    error = caught.value
    assert error.kode == kode
    assert error.value == text
    assert all(word in error.message for word in words)
    assert error.expected  # always says what would be accepted
    assert f"'{text}'" in str(error) and "diharapkan" in str(error)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("40.719.755.000", 40_719_755_000),
        ("Rp. 2.685.536.000,-", 2_685_536_000),
        ("Rp 40.719.755.000", 40_719_755_000),
        ("rp2.685.536.000,00", 2_685_536_000),
        ("Rp1.004.422.800,00", 1_004_422_800),
        ("1,004,422,800", 1_004_422_800),
        ("Rp 1,004,422,800.00", 1_004_422_800),
        ("2685536000", 2_685_536_000),
        ("1.234", 1234),  # a rupiah column holds whole rupiah: the dot is a thousands separator
        ("-5.000", -5000),  # read; a negative amount is refused later, with its own kode
    ],
)
def test_parse_rupiah_accepts(text, expected):
    assert parse_rupiah(text) == expected


@pytest.mark.parametrize(
    "text",
    ["2.685.536 000", "12.202365.835", "1.234,56", "Rp", "dua juta", "1,234.567", "12.34", "1,2"],
)
def test_parse_rupiah_refuses(text):
    with pytest.raises(ParseError) as caught:
        parse_rupiah(text)
    assert caught.value.kode == "invalid_rupiah"
    assert "rupiah" in caught.value.message
    assert "40.719.755.000" in caught.value.expected


@pytest.mark.parametrize(
    ("text", "angka", "satuan"),
    [
        ("97,5%", 97.5, "%"),
        ("97.5%", 97.5, "%"),
        ("95 %", 95, "%"),
        ("0,17%", 0.17, "%"),
        ("77,5%", 77.5, "%"),
        ("1000%", 1000, "%"),
        ("12 kali", 12, "kali"),
        ("2 laporan", 2, "laporan"),
        ("1 Pusat Pendidikan Pemilih", 1, "Pusat Pendidikan Pemilih"),
        ("3724", 3724, ""),
        ("3,5", 3.5, ""),
    ],
)
def test_parse_nilai_numbers_with_satuan(text, angka, satuan):
    nilai = parse_nilai(text)
    assert nilai == Nilai(text, angka, None, satuan, None)
    assert nilai.bentuk == "angka"


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [("70-80%", 70, 80), ("70 - 80 %", 70, 80), ("70 s.d. 80 %", 70, 80), ("70% s/d 80%", 70, 80),
     ("70,5 sampai dengan 80,5%", 70.5, 80.5)],
)  # fmt: skip
def test_parse_ranges(text, low, high):
    assert parse_rentang(text) == (low, high)
    nilai = parse_nilai(text)
    assert (nilai.bentuk, nilai.satuan) == ("rentang", "%")


def test_range_with_lower_above_upper_is_refused():
    with pytest.raises(ParseError) as caught:
        parse_nilai("80-70%")
    assert caught.value.kode == "range_reversed"
    assert "batas bawah" in caught.value.message


def test_parse_rentang_refuses_a_single_number():
    with pytest.raises(ParseError) as caught:
        parse_rentang("75%")
    assert caught.value.kode == "value_kind"
    assert "bukan rentang" in caught.value.message


@pytest.mark.parametrize(
    ("text", "kode", "word"),
    [
        ("97,5.0%", "mixed_separators", "koma dan titik"),
        ("1.234 kali", "ambiguous_number", "ambigu"),
        ("tinggi", "invalid_value", "bukan nilai"),
        ("95%%", "invalid_value", "bukan nilai"),
        ("Rp 2.000.000", "invalid_value", "bukan nilai"),
        ("2025-01-25", "invalid_value", "bukan nilai"),
        ("70% - 80 kali", "invalid_value", "dua satuan"),
    ],
)
def test_parse_nilai_refuses(text, kode, word):
    with pytest.raises(ParseError) as caught:
        parse_nilai(text)
    assert caught.value.kode == kode
    assert word in caught.value.message


@pytest.mark.parametrize(
    ("text", "skala", "grade"),
    [("WTP", "opini_bpk", "WTP"), ("wdp", "opini_bpk", "WDP"), (" tmp ", "opini_bpk", "TMP"),
     ("AA", "predikat_sakip", "AA"), ("bb", "predikat_sakip", "BB"), ("D", "predikat_sakip", "D")],
)  # fmt: skip
def test_parse_predikat(text, skala, grade):
    assert parse_predikat(text, skala) == grade
    assert parse_nilai(text).predikat == grade


def test_grades_are_ordered_best_first():
    assert [peringkat(g, "opini_bpk") for g in ("WTP", "WDP", "TW", "TMP")] == [4, 3, 2, 1]
    sakip = ["AA", "A", "BB", "B", "CC", "C", "D"]
    assert [peringkat(g, "predikat_sakip") for g in sakip] == [7, 6, 5, 4, 3, 2, 1]


@pytest.mark.parametrize(("text", "skala"), [("AA", "opini_bpk"), ("WTP", "predikat_sakip"),
                                             ("Baik", "predikat_sakip")])  # fmt: skip
def test_parse_predikat_refuses_grades_of_another_scale(text, skala):
    with pytest.raises(ParseError) as caught:
        parse_predikat(text, skala)
    assert caught.value.kode == "unknown_grade"
    assert "yang dikenal" in caught.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-01-25", dt.date(2025, 1, 25)),
        ("25 Januari 2025", dt.date(2025, 1, 25)),
        ("1 agustus 2024", dt.date(2024, 8, 1)),
        ("29 Februari 2024", dt.date(2024, 2, 29)),
        ("12  Desember  2023", dt.date(2023, 12, 12)),
    ],
)
def test_parse_tanggal_accepts(text, expected):
    assert parse_tanggal(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("31 Februari 2025", ["bukan tanggal yang ada", "Februari 2025", "28"]),
        ("2025-02-30", ["bukan tanggal yang ada", "28"]),
        ("29 Februari 2023", ["bukan tanggal yang ada"]),
        ("2025-13-01", ["bulan di luar 1-12"]),
        ("25 Januri 2025", ["nama bulan 'Januri' tidak dikenal"]),
        ("25/01/2025", ["bukan tanggal yang sah"]),
        ("January 25, 2025", ["bukan tanggal yang sah"]),
    ],
)
def test_parse_tanggal_refuses(text, words):
    with pytest.raises(ParseError) as caught:
        parse_tanggal(text)
    assert caught.value.kode == "invalid_date"
    assert all(word in caught.value.message for word in words)


def test_parse_persen_and_bulat():
    assert parse_persen("36,38") == pytest.approx(36.38)
    assert parse_persen("36.38%") == pytest.approx(36.38)
    for text, function, kode in (("12 kali", parse_persen, "invalid_number"),
                                 ("3,0", parse_bulat, "invalid_integer")):  # fmt: skip
        with pytest.raises(ParseError) as caught:
            function(text)
        assert caught.value.kode == kode
    assert parse_bulat("4") == 4


@pytest.mark.parametrize(
    ("function", "text", "kode"),
    [(parse_rupiah, "9" * 19, "invalid_rupiah"), (parse_angka, "1" * 40, "invalid_number"),
     (parse_bulat, "9" * 19, "invalid_integer"), (parse_nilai, "1" * 20 + "%", "invalid_number")],
)  # fmt: skip
def test_more_than_18_digits_are_refused(function, text, kode):
    with pytest.raises(ParseError) as caught:
        function(text)
    assert caught.value.kode == kode
    assert "lebih dari 18 angka" in caught.value.message
    assert parse_rupiah("999.999.999.999.999.999") == 10**18 - 1  # 18 digits still fit int64


def test_normalize_satuan():
    assert normalize_satuan(" Persen ") == normalize_satuan("%") == "%"
    assert normalize_satuan("Laporan") == normalize_satuan("laporan")
    assert normalize_satuan("Pusat  Pendidikan Pemilih") == "pusat pendidikan pemilih"


def test_parse_column_reads_each_distinct_text_once_and_keeps_the_index():
    texts = ["97,5%", "", "abc", "97,5%", "1.234"]
    column = pd.Series(texts, index=[10, 11, 12, 13, 14], dtype=str)
    parsed = parse_column(column, "nilai")
    assert list(parsed.values.index) == [10, 11, 12, 13, 14]
    assert parsed.values[10].angka == parsed.values[13].angka == 97.5
    assert pd.isna(parsed.values[11]) and pd.isna(parsed.errors[11])  # empty: no value, no error
    assert parsed.errors[12].kode == "invalid_value"
    assert parsed.errors[14].kode == "ambiguous_number"
    assert parsed.decimal[10] == ","


def test_decimal_conflicts_flags_rows_that_differ_from_the_first_style():
    column = pd.Series(["97,5%", "100%", "97.5%", "80,5%", "0.5%"], dtype=str)
    assert decimal_conflicts(column, "nilai").tolist() == [False, False, True, False, True]
    assert not decimal_conflicts(pd.Series(["95%", "100%"], dtype=str), "nilai").any()


def test_nilai_frame_splits_values_into_columns():
    frame = nilai_frame(pd.Series(["95%", None, "WTP", "70-80%", "rusak"], index=[3, 4, 5, 6, 7]))
    assert list(frame.index) == [3, 4, 5, 6, 7]
    assert frame.loc[3, "angka"] == 95 and frame.loc[3, "satuan"] == "%"
    assert frame.loc[5, "predikat"] == "WTP" and pd.isna(frame.loc[5, "angka"])
    assert (frame.loc[6, "angka"], frame.loc[6, "atas"]) == (70, 80)
    assert frame.loc[[4, 7], "bentuk"].isna().all()


# -- numbers as they are pasted: properties ----------------------------------------------------


def _grouped(value: int, sep: str) -> str:
    return f"{value:,}".replace(",", sep)


@given(st.integers(min_value=1_000_000, max_value=10**15))
def test_whole_amounts_read_the_same_in_every_pasted_form(value):
    forms = [
        str(value),
        _grouped(value, "."),
        _grouped(value, ","),
        f"Rp{_grouped(value, '.')},00",
        f"Rp {_grouped(value, ',')}.00",
        f"Rp. {_grouped(value, '.')},-",
    ]
    assert {parse_rupiah(form) for form in forms} == {value}
    assert {parse_angka(form) for form in forms[:3]} == {float(value)}


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_one_separator_before_three_digits_is_refused_as_ambiguous(whole, part):
    for sep in ".,":
        with pytest.raises(ParseError) as caught:
            parse_angka(f"{whole}{sep}{part:03d}")
        assert caught.value.kode == "ambiguous_number"
        assert "ambigu" in caught.value.message


@given(
    st.integers(min_value=1000, max_value=10**9),
    st.integers(min_value=1, max_value=99),
)
def test_decimals_read_the_same_in_indonesian_and_english_grouping(whole, cents):
    indonesian = f"{_grouped(whole, '.')},{cents:02d}"
    english = f"{_grouped(whole, ',')}.{cents:02d}"
    assert parse_angka(indonesian) == pytest.approx(parse_angka(english))
    assert parse_angka(english) == pytest.approx(whole + cents / 100)


def test_a_column_keeps_every_digit_of_a_large_amount_beside_an_empty_cell():
    """Series.map turned the column to float64 when a cell was empty: 18 nines became 10**18."""
    from lakipkit.parsing import parse_column

    values = parse_column(pd.Series(["999.999.999.999.999.999", ""]), "rupiah").values
    assert values.tolist() == [999_999_999_999_999_999, None]
