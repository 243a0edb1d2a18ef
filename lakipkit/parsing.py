"""Strict parsing of numbers, rupiah, values with satuan, ranges, grades and dates.

People write numbers the Indonesian way (``40.719.755.000``, ``97,5%``), plainly
(``97.5%``) or paste them from web pages and spreadsheets in the English way
(``1,004,422,800``, ``1,234.5``, ``Rp1,004,422,800.00``). What only one reading fits is
read; what two readings fit (``1.234`` and ``1,234``: thousands or decimals?), mixed
(``97,5.0``) or garbage is refused with a ``ParseError`` that says why and what is expected.
Column helpers parse each distinct text once and map the result back (no loop over rows).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

import pandas as pd
from babel.dates import get_month_names

from lakipkit.errors import ParseError

#: Qualitative scales, best first: opini BPK and predikat SAKIP.
SKALA: dict[str, tuple[str, ...]] = {
    "opini_bpk": ("WTP", "WDP", "TW", "TMP"),
    "predikat_sakip": ("AA", "A", "BB", "B", "CC", "C", "D"),
}

_EXPECT_ANGKA = "angka seperti 97,5% atau 97.5% (ribuan: 1.234.567)"
_EXPECT_RUPIAH = (
    "rupiah utuh seperti 40.719.755.000, 2685536000, Rp 2.685.536.000,- atau 1,004,422,800"
)
_EXPECT_NILAI = (
    "angka dengan satuan (95%, 12 kali, 2 laporan), rentang (70-80% atau 70 s.d. 80%) "
    "atau predikat (WTP, WDP, TW, TMP; AA, A, BB, B, CC, C, D)"
)
_EXPECT_TANGGAL = "tanggal seperti 2025-01-25 atau 25 Januari 2025"

_MAX_DIGITS = 18
_NUM = r"\d[\d.,]*\d|\d"
_UNIT = r"%|[^\W\d_][^\d%]*"
_RANGE_WORD = r"-|–|—|s\.?\s?d\.?|s/d|sampai(?:\s+dengan)?"
_NUMBER_RE = re.compile(rf"(?P<sign>-)?(?P<num>{_NUM})", re.ASCII)
_VALUE_RE = re.compile(rf"(?P<sign>-)?(?P<num>{_NUM})\s*(?P<unit>{_UNIT})?")
_RANGE_RE = re.compile(
    rf"(?P<a>{_NUM})\s*(?P<unit_a>%)?\s*(?:{_RANGE_WORD})\s*(?P<b>{_NUM})\s*(?P<unit>{_UNIT})?",
    re.IGNORECASE,
)
_RUPIAH_RE = re.compile(
    r"(?P<sign>-)?\s*(?:Rp\.?\s*)?"
    r"(?:(?P<num>\d{1,3}(?:\.\d{3})+|\d+)(?:,-|,00?)?|(?P<en>\d{1,3}(?:,\d{3})+)(?:\.00?)?)",
    re.ASCII | re.IGNORECASE,
)
#: English grouping as pasted from web pages: commas between thousands (two groups or more,
#: or one group before a decimal point), an optional decimal point.
_ENGLISH_RE = re.compile(r"\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?|\d{1,3},\d{3}\.\d+", re.ASCII)
_AMBIGU = "tanpa pemisah ribuan (1234), ribuan lengkap (1.234.000) atau desimal dengan koma (1,5)"
_ISO_DATE_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_ID_DATE_RE = re.compile(r"(\d{1,2})\s+([^\W\d_]+)\s+(\d{4})")


@dataclass(frozen=True)
class Nilai:
    """A target or realisasi as written: a number with satuan, a range, or a grade.

    ``angka`` is the number (the lower bound of a range), ``atas`` the upper bound of a
    range, ``satuan`` the unit text written after the number ('%', 'kali', '' if none),
    ``predikat`` the grade of a qualitative value (upper case).
    """

    teks: str
    angka: float | None = None
    atas: float | None = None
    satuan: str = ""
    predikat: str | None = None

    @property
    def bentuk(self) -> str:
        """'predikat', 'rentang' or 'angka': which kind of value was written."""
        if self.predikat is not None:
            return "predikat"
        return "rentang" if self.atas is not None else "angka"


def _clean(teks: str) -> str:
    return " ".join(str(teks).split())


def _refuse_long(digits: str, kode: str, teks: str, expected: str) -> None:
    """Refuse more than 18 digits: no real value has them, and int64 ends at 19."""
    if len(re.sub(r"\D", "", digits)) > _MAX_DIGITS:
        raise ParseError(kode, teks, f"lebih dari {_MAX_DIGITS} angka", expected)


def _number(token: str, teks: str) -> tuple[float, str | None]:
    """Read one number token; return it with its decimal separator (',' '.' or None)."""
    _refuse_long(token, "invalid_number", teks, _EXPECT_ANGKA)
    if re.fullmatch(r"\d+", token, re.ASCII):
        return float(token), None
    if re.fullmatch(r"\d+\.\d{3}", token, re.ASCII):
        raise ParseError(
            "ambiguous_number",
            teks,
            "ambigu: satu titik diikuti tepat tiga angka bisa berarti ribuan atau desimal",
            _AMBIGU,
        )
    if re.fullmatch(r"[1-9]\d{0,2},\d{3}", token, re.ASCII):
        raise ParseError(
            "ambiguous_number",
            teks,
            "ambigu: satu koma diikuti tepat tiga angka bisa berarti desimal (cara Indonesia) "
            "atau ribuan (cara Inggris, mis. salinan dari halaman web)",
            _AMBIGU,
        )
    if _ENGLISH_RE.fullmatch(token):
        whole, _, decimals = token.partition(".")
        return float(f"{whole.replace(',', '')}.{decimals or 0}"), "." if decimals else None
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", token, re.ASCII):
        whole, _, decimals = token.partition(",")
        return float(f"{whole.replace('.', '')}.{decimals or 0}"), "," if decimals else None
    if re.fullmatch(r"\d+\.\d+", token, re.ASCII):
        return float(token), "."
    if re.fullmatch(r"\d+,\d+", token, re.ASCII):
        return float(token.replace(",", ".")), ","
    if "," in token and "." in token:
        raise ParseError(
            "mixed_separators",
            teks,
            "memakai koma dan titik yang tidak sesuai format Indonesia",
            "format Indonesia 1.234,5 (titik ribuan, koma desimal) atau 1234.5",
        )
    raise ParseError("invalid_number", teks, "bukan angka yang sah", _EXPECT_ANGKA)


def _signed(match: re.Match[str], teks: str) -> tuple[float, str | None]:
    value, decimal = _number(match["num"], teks)
    return (-value if match["sign"] else value), decimal


@lru_cache(maxsize=65536)
def _read(fmt: str, teks: str) -> tuple[object, str | None]:
    """Parse ``teks`` in format ``fmt``; return the value and its decimal separator."""
    return _READERS[fmt](_clean(teks))


def _read_angka(teks: str) -> tuple[float, str | None]:
    match = _NUMBER_RE.fullmatch(teks)
    if not match:
        raise ParseError("invalid_number", teks, "bukan angka yang sah", _EXPECT_ANGKA)
    return _signed(match, teks)


def _read_persen(teks: str) -> tuple[float, str | None]:
    match = _VALUE_RE.fullmatch(teks)
    if not match or match["unit"] not in (None, "%"):
        raise ParseError(
            "invalid_number", teks, "bukan persentase yang sah", "persen seperti 36,38 atau 36.38%"
        )
    return _signed(match, teks)


def _read_rupiah(teks: str) -> tuple[int, None]:
    match = _RUPIAH_RE.fullmatch(teks)
    if not match:
        raise ParseError("invalid_rupiah", teks, "bukan jumlah rupiah yang sah", _EXPECT_RUPIAH)
    digits = match["num"] or match["en"]
    _refuse_long(digits, "invalid_rupiah", teks, _EXPECT_RUPIAH)
    value = int(digits.replace(".", "").replace(",", ""))
    return (-value if match["sign"] else value), None


def _read_bulat(teks: str) -> tuple[int, None]:
    if not re.fullmatch(r"\d+", teks, re.ASCII):
        raise ParseError(
            "invalid_integer", teks, "bukan bilangan bulat", "bilangan bulat seperti 3"
        )
    _refuse_long(teks, "invalid_integer", teks, "bilangan bulat seperti 3")
    return int(teks), None


def _read_nilai(teks: str) -> tuple[Nilai, str | None]:
    grade = teks.upper()
    if any(grade in grades for grades in SKALA.values()):
        return Nilai(teks, predikat=grade), None
    if match := _RANGE_RE.fullmatch(teks):
        unit = match["unit"] or match["unit_a"] or ""
        if match["unit_a"] and unit != "%":
            raise ParseError(
                "invalid_value", teks, "rentang dengan dua satuan berbeda", _EXPECT_NILAI
            )
        low, low_decimal = _number(match["a"], teks)
        high, high_decimal = _number(match["b"], teks)
        if low > high:
            raise ParseError(
                "range_reversed",
                teks,
                "batas bawah rentang lebih besar dari batas atas",
                "rentang dari kecil ke besar, mis. 70-80%",
            )
        return Nilai(teks, low, high, unit.strip()), low_decimal or high_decimal
    if match := _VALUE_RE.fullmatch(teks):
        value, decimal = _signed(match, teks)
        return Nilai(teks, value, satuan=(match["unit"] or "").strip()), decimal
    if match := _VALUE_RE.match(teks):
        _number(match["num"], teks)  # a bad number explains itself better than the whole value
    raise ParseError("invalid_value", teks, "bukan nilai yang sah", _EXPECT_NILAI)


@cache
def _month_numbers() -> dict[str, int]:
    return {name.casefold(): num for num, name in get_month_names("wide", locale="id").items()}


def _read_tanggal(teks: str) -> tuple[dt.date, None]:
    if match := _ISO_DATE_RE.fullmatch(teks):
        year, month, day = (int(part) for part in match.groups())
    elif match := _ID_DATE_RE.fullmatch(teks):
        day, year = int(match[1]), int(match[3])
        month = _month_numbers().get(match[2].casefold(), 0)
        if not month:
            names = ", ".join(get_month_names("wide", locale="id").values())
            raise ParseError("invalid_date", teks, f"nama bulan '{match[2]}' tidak dikenal", names)
    else:
        raise ParseError("invalid_date", teks, "bukan tanggal yang sah", _EXPECT_TANGGAL)
    if not 1 <= month <= 12:
        raise ParseError("invalid_date", teks, "bulan di luar 1-12", _EXPECT_TANGGAL)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:  # 0000-01-01: no such year in the calendar
        raise ParseError("invalid_date", teks, "tahun di luar 1-9999", _EXPECT_TANGGAL)
    last_day = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last_day:
        name = get_month_names("wide", locale="id")[month]
        raise ParseError(
            "invalid_date",
            teks,
            f"bukan tanggal yang ada: {name} {year} hanya sampai tanggal {last_day}",
            _EXPECT_TANGGAL,
        )
    return dt.date(year, month, day), None


_READERS: dict[str, Callable[[str], tuple[object, str | None]]] = {
    "angka": _read_angka,
    "persen": _read_persen,
    "rupiah": _read_rupiah,
    "bulat": _read_bulat,
    "nilai": _read_nilai,
    "tanggal": _read_tanggal,
}

#: Text formats a CSV column can have, with what the data dictionary says about them.
FORMATS: dict[str, str] = {
    "angka": _EXPECT_ANGKA,
    "persen": "persen seperti 36,38 atau 36.38%",
    "rupiah": _EXPECT_RUPIAH,
    "bulat": "bilangan bulat seperti 3",
    "nilai": _EXPECT_NILAI,
    "tanggal": _EXPECT_TANGGAL,
}


def parse_angka(teks: str) -> float:
    """Read a plain number: '40.719.755.000', '97,5', '97.5', '0,17'; refuse '1.234'."""
    return float(_read("angka", teks)[0])  # type: ignore[arg-type]


def parse_persen(teks: str) -> float:
    """Read a percentage with or without '%': '36,38', '36.38%', '1000%'."""
    return float(_read("persen", teks)[0])  # type: ignore[arg-type]


def parse_rupiah(teks: str) -> int:
    """Read whole rupiah: '40.719.755.000', 'Rp. 2.685.536.000,-', 'Rp 40.719.755.000'."""
    return int(_read("rupiah", teks)[0])  # type: ignore[call-overload]


def parse_bulat(teks: str) -> int:
    """Read a whole number without separators: a row number, a triwulan."""
    return int(_read("bulat", teks)[0])  # type: ignore[call-overload]


def parse_nilai(teks: str) -> Nilai:
    """Read a target or realisasi: '97,5%', '12 kali', '70-80%', '70 s.d. 80 %', 'WTP', 'B'."""
    value = _read("nilai", teks)[0]
    assert isinstance(value, Nilai)
    return value


def parse_rentang(teks: str) -> tuple[float, float]:
    """Read a range target '70-80%' or '70 s.d. 80 %' as (lower, upper)."""
    nilai = parse_nilai(teks)
    if nilai.atas is None or nilai.angka is None:
        raise ParseError("value_kind", teks, "bukan rentang", "rentang seperti 70-80%")
    return nilai.angka, nilai.atas


def parse_predikat(teks: str, skala: str) -> str:
    """Read a grade of ``skala`` ('opini_bpk' or 'predikat_sakip'), upper-cased."""
    grades = SKALA[skala]
    grade = _clean(teks).upper()
    if grade not in grades:
        raise ParseError(
            "unknown_grade",
            teks,
            f"bukan {skala.replace('_', ' ')} yang dikenal",
            ", ".join(grades),
        )
    return grade


def peringkat(grade: str, skala: str) -> int:
    """Rank of a grade on its scale: the worst grade is 1, higher is better."""
    grades = SKALA[skala]
    return len(grades) - grades.index(parse_predikat(grade, skala))


def parse_tanggal(teks: str) -> dt.date:
    """Read a date: ISO '2025-01-25' or Indonesian '25 Januari 2025' (babel month names)."""
    value = _read("tanggal", teks)[0]
    assert isinstance(value, dt.date)
    return value


def normalize_satuan(satuan: str) -> str:
    """Satuan in a comparable form: case-folded, single spaces, 'persen' written as '%'."""
    text = _clean(satuan).casefold()
    return "%" if text in {"%", "persen", "persentase", "prosentase", "percent"} else text


@dataclass(frozen=True)
class ParsedColumn:
    """A text column parsed in one format, aligned on the column's index.

    ``values`` holds the parsed values (None for empty or unreadable text), ``errors`` the
    ``ParseError`` of unreadable text (else None), ``decimal`` the decimal separator used
    (',' or '.', else None).
    """

    values: pd.Series
    errors: pd.Series
    decimal: pd.Series


def _read_or_error(fmt: str, teks: str) -> tuple[object, ParseError | None, str | None]:
    if not _clean(teks):
        return None, None, None
    try:
        value, decimal = _read(fmt, teks)
    except ParseError as error:
        return None, error, None
    return value, None, decimal


def parse_column(column: pd.Series, fmt: str) -> ParsedColumn:
    """Parse every text of ``column`` in format ``fmt``; each distinct text is read once."""
    results = {text: _read_or_error(fmt, str(text)) for text in pd.unique(column)}
    # not Series.map: beside an empty cell (None) it casts whole rupiah to float64, and
    # 999.999.999.999.999.999 became 1.000.000.000.000.000.000
    rows = [results[text] for text in column]
    parts = [
        pd.Series([row[i] for row in rows], index=column.index, dtype=object) for i in range(3)
    ]
    return ParsedColumn(*parts)


def decimal_conflicts(column: pd.Series, fmt: str) -> pd.Series:
    """Mark rows whose decimal separator differs from the first one used in the column."""
    decimal = parse_column(column, fmt).decimal
    used = decimal.dropna()
    if used.empty:
        return pd.Series(False, index=column.index)
    return decimal.notna() & (decimal != used.iloc[0])


def nilai_frame(column: pd.Series) -> pd.DataFrame:
    """Split values into angka, atas, satuan, predikat and bentuk (NA where empty/unreadable)."""
    text = column.fillna("").astype(str)
    parsed = {value: _read_or_error("nilai", value)[0] for value in pd.unique(text)}
    table = pd.DataFrame.from_dict(
        {
            value: (nilai.angka, nilai.atas, nilai.satuan, nilai.predikat, nilai.bentuk)
            for value, nilai in parsed.items()
            if isinstance(nilai, Nilai)
        },
        orient="index",
        columns=["angka", "atas", "satuan", "predikat", "bentuk"],
    )
    kinds = {"angka": "float64", "atas": "float64", "satuan": "string", "predikat": "string"}
    return (
        table.reindex(text.to_numpy()).set_axis(column.index).astype(kinds | {"bentuk": "string"})
    )
