"""Indonesian display formats: rupiah, numbers, percentages, dates, and amounts in words.

Separators and month names come from babel's CLDR data for ``id_ID``; words from num2words.
Every formatter takes one value and returns text, missing values included, so a whole
column is ``series.map(format_persen)`` (or ``series.map(partial(format_persen, desimal=1))``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import numbers
import re
from collections.abc import Sequence

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from num2words import num2words

LOCALE = "id_ID"

#: Shown for a missing value; pass ``kosong="belum ada data"`` where the words read better.
KOSONG = "–"

# Reports are made in spreadsheets that round half up; babel follows the decimal context,
# whose default is half-even (0,125 would print 0,12).
_BULAT = decimal.Context(rounding=decimal.ROUND_HALF_UP)

# babel gives "Rp40.719.755.000" for id_ID; reports print "Rp 40.719.755.000", whole rupiah.
_POLA_RUPIAH = "¤ #,##0"

# num2words writes 1 001 000 as "satu juta satu ribu"; Indonesian says "satu juta seribu":
# a lone 1 in the thousands group merges into "seribu" unless it ends a tens or hundreds
# ("dua puluh satu ribu", "seratus satu ribu" stay).
_SATU_RIBU = re.compile(r"(?<!puluh )(?<!ratus )\bsatu ribu\b")


def format_rupiah(nilai: object, kosong: str = KOSONG) -> str:
    """40719755000 -> 'Rp 40.719.755.000' (rounded to whole rupiah, half up)."""
    if _kosong(nilai):
        return kosong
    with decimal.localcontext(_BULAT):
        return format_currency(
            decimal.Decimal(str(nilai)),
            "IDR",
            format=_POLA_RUPIAH,
            locale=LOCALE,
            currency_digits=False,
        )


def format_angka(nilai: object, desimal: int | None = None, kosong: str = KOSONG) -> str:
    """1234567.5 -> '1.234.567,5'; ``desimal`` fixes the number of decimals (half up)."""
    if _kosong(nilai):
        return kosong
    pola = None if desimal is None else "#,##0" + ("." + "0" * desimal if desimal else "")
    with decimal.localcontext(_BULAT):
        return format_decimal(decimal.Decimal(str(nilai)), format=pola, locale=LOCALE)


def format_persen(nilai: object, desimal: int = 2, kosong: str = KOSONG) -> str:
    """36.3833 (already in percent) -> '36,38%'; missing -> ``kosong``.

    The sign follows the number without a space, as targets are written ("95%", "97,5%"),
    so one style runs through the report.
    """
    if _kosong(nilai):
        return kosong
    return f"{format_angka(nilai, desimal)}%"


# A decimal point: one "." between digits, not followed by exactly three digits (1.234 is
# thousands in Indonesian and is refused as ambiguous when read, so it never reaches here).
_TITIK_DESIMAL = re.compile(r"(?<![\d.,])(\d+)\.(\d{1,2}|\d{4,})(?![\d.,])")
_SPASI_PERSEN = re.compile(r"(\d)\s+%")
# A whole number of four digits or more written without separators ("36000", the integer
# part of "12345,5"); a year (1900-2100 alone or after words) is left alone.
_RIBUAN = re.compile(r"(?<![\d.,/-])(\d{4,})(?!\d|\.\d)")


def format_nilai(teks: object, kosong: str = KOSONG) -> str:
    """Write a target or realisasi in the report's style: '97.5%' -> '97,5%'.

    Only the decimal point, the space before '%' and the thousands of a number written
    without separators ('36000 orang' -> '36.000 orang') change; the words and the satuan
    are kept as written ('2 laporan', 'WTP', '70-80%').
    """
    if _kosong(teks):
        return kosong
    teks = _SPASI_PERSEN.sub(r"\1%", _TITIK_DESIMAL.sub(r"\1,\2", str(teks)))
    return _RIBUAN.sub(_ribuan, teks)


def _ribuan(match: re.Match[str]) -> str:
    digits = match.group(1)
    quantity = match.start() == 0 and match.string[match.end() :].strip() != ""
    if len(digits) == 4 and 1900 <= int(digits) <= 2100 and not quantity:
        return digits  # a year, alone or among words ("WTP 2023"); "2000 orang" is a quantity
    return format_angka(int(digits))


def bulatkan(nilai: float, desimal: int = 2) -> float:
    """Round as every printed figure is rounded (half up on the decimal text): 0.125 -> 0.13.

    Python's ``round`` works on the binary value (0.125 -> 0.12, 2.675 -> 2.67), so
    summary.json and the report would disagree; both go through this rule instead.
    """
    if not math.isfinite(nilai):
        return float(nilai)
    with decimal.localcontext(_BULAT):
        langkah = decimal.Decimal(1).scaleb(-desimal)
        return float(decimal.Decimal(str(float(nilai))).quantize(langkah))


def format_tanggal(tanggal: dt.date | None, kosong: str = KOSONG) -> str:
    """date(2025, 1, 25) -> '25 Januari 2025'."""
    if _kosong(tanggal):
        return kosong
    return format_date(tanggal, format="d MMMM y", locale=LOCALE)


def terbilang(nilai: int, satuan: str = "rupiah") -> str:
    """40719755000 -> 'empat puluh miliar ... lima puluh lima ribu rupiah' (whole amounts)."""
    bulat = int(nilai) if isinstance(nilai, numbers.Real) and math.isfinite(nilai) else None
    if bulat is None or isinstance(nilai, bool) or bulat != nilai or bulat < 0:
        raise ValueError(f"terbilang butuh bilangan bulat >= 0, ditemukan {nilai!r}")
    kata = _SATU_RIBU.sub("seribu", num2words(bulat, lang="id"))
    return f"{kata} {satuan}" if satuan else kata


def daftar(items: Sequence[str]) -> str:
    """Join names the Indonesian way: `a`, `a dan b`, `a, b, dan c`."""
    items = list(items)
    if len(items) <= 2:
        return " dan ".join(items)
    return ", ".join(items[:-1]) + ", dan " + items[-1]


def _kosong(nilai: object) -> bool:
    """Tell a missing scalar (None, NaN, pd.NA, NaT) from a value."""
    return nilai is None or (pd.api.types.is_scalar(nilai) and bool(pd.isna(nilai)))
