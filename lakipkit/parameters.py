"""Notebook parameters, checked before any work: one Indonesian line for each mistake.

The notebooks (laporan, triwulan, eksplorasi) take their parameters from a cell papermill
replaces or a planner edits. Each is checked here against what exists (the data folder, its
satker and years, the predikat scales, the programmes, kegiatan and indicators of the loaded
year, the indicator's satuan) and a mistake raises `ParameterError`, which a notebook shows as
its one-line message listing the valid choices, not as a traceback.

The data folder is found the same way from the repository root, from `notebooks/` and from
anywhere else: the `data_dir` given (relative to the working folder), else `$LAKIP_DATA`,
else `data/` in the working folder or in the folder above it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from lakipkit.capaian import BAND_SCALES
from lakipkit.errors import ParameterError, ParseError
from lakipkit.loading import YearData, check_realisasi_text, list_satker, list_years, load_year
from lakipkit.parsing import parse_nilai

#: Environment variable naming the data folder when the `data_dir` parameter is not given.
DATA_ENV = "LAKIP_DATA"


def _daftar(values: Iterable[Any]) -> str:
    items = [str(v) for v in values]
    return ", ".join(items) if items else "(tidak ada)"


def data_folder(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the data folder: `data_dir`, else `$LAKIP_DATA`, else `./data` or `../data`.

    A relative `data_dir` is read against the working folder; without one, `data/` is looked
    for in the working folder and the one above it, so a notebook finds the repository's data
    whether papermill runs it from the repository root or from `notebooks/`.
    """
    given = data_dir if data_dir not in (None, "") else os.environ.get(DATA_ENV) or None
    if given is not None:
        folder = Path(given).expanduser().resolve()
        if not folder.is_dir():
            raise ParameterError(
                f"folder data {str(given)!r} tidak ada (dicari di {folder}); isi data_dir "
                "dengan folder yang berisi satu sub-folder per satker"
            )
        return folder
    here = Path.cwd()
    candidates = [here / "data", here.parent / "data"]
    for folder in candidates:
        if folder.is_dir():
            return folder.resolve()
    raise ParameterError(
        f"folder data tidak ditemukan (dicari: {_daftar(candidates)}); isi data_dir atau "
        f"${DATA_ENV} dengan folder yang berisi satu sub-folder per satker"
    )


def check_satker(data: Path, satker: str) -> str:
    """Refuse a satker id that has no folder under `data`, listing the ones there are."""
    found = list_satker(data)
    if satker not in found:
        raise ParameterError(
            f"satker {satker!r} tidak ada di {data}; satker yang ada: {_daftar(found)}"
        )
    return satker


def check_tahun(data: Path, satker: str, tahun: Any) -> int:
    """Refuse a year that has no folder for the satker, listing the years there are."""
    check_satker(data, satker)
    years = list_years(data, satker)
    try:
        number = int(str(tahun).strip())
    except ValueError:
        number = None
    if number not in years:
        raise ParameterError(
            f"tahun {tahun!r} tidak ada untuk satker {satker}; tahun yang ada: {_daftar(years)}"
        )
    return int(number)


def check_skala(skala: str | None) -> str | None:
    """Refuse a predikat scale that is not defined (None keeps laporan.yaml's)."""
    if skala is not None and skala not in BAND_SCALES:
        raise ParameterError(f"skala {skala!r} tidak dikenal; pilihan: {_daftar(BAND_SCALES)}")
    return skala


def check_triwulan(triwulan: Any) -> int:
    """Refuse a quarter other than 1-4."""
    if str(triwulan).strip() not in {"1", "2", "3", "4"}:
        raise ParameterError(f"triwulan {triwulan!r} tidak dikenal; pilihan: 1, 2, 3, 4")
    return int(str(triwulan).strip())


def load(data: Path, satker: str, tahun: Any, skala: str | None = None) -> YearData:
    """Check satker, tahun and skala, then load the year (data errors still list findings)."""
    check_skala(skala)
    return load_year(data, satker, check_tahun(data, satker, tahun))


def choose(nama: str, nilai: str | None, pilihan: pd.Series, bawaan: str | None = None) -> str:
    """Return `nilai` if it is one of `pilihan`, `bawaan` (or the first) when None.

    `pilihan` holds the valid ids in order (e.g. the programme codes of the year).
    """
    valid = [str(v) for v in pilihan.dropna()]
    if nilai is None:
        if bawaan is not None:
            return bawaan
        if not valid:
            raise ParameterError(f"tidak ada {nama} yang dapat dipilih")
        return valid[0]
    if str(nilai) not in valid:
        raise ParameterError(f"{nama} {nilai!r} tidak dikenal; pilihan: {_daftar(valid)}")
    return str(nilai)


def drill_down(
    year: YearData,
    program: str | None = None,
    kegiatan: str | None = None,
    indikator: str | None = None,
) -> tuple[str, str | None, str]:
    """Resolve the programme -> kegiatan -> indicator chosen (None: the first of each).

    A kegiatan must belong to the programme and an indicator to the kegiatan when those
    were given; a programme without kegiatan gives kegiatan None (its own indicators).
    """
    kode = choose("program", program, year.program["kode"])
    keg = year.kegiatan
    milik = keg.loc[keg["program"].eq(kode), "id"]
    if kegiatan is not None:
        choose(f"kegiatan program {kode}", kegiatan, milik)
    kegiatan_dipilih = kegiatan or (str(milik.iloc[0]) if len(milik) else None)
    if kegiatan is None and indikator is not None:
        sendiri = indicator_scope(year, kode, None)[0]
        if str(indikator) in set(sendiri.astype(str)) and program is not None:
            kegiatan_dipilih = None  # an indicator of the programme itself, under no kegiatan
    ind = year.indikator
    cakupan, nama = indicator_scope(year, kode, kegiatan_dipilih)
    if indikator is not None and program is None and kegiatan is None:
        cakupan, nama = ind["id"], "indikator"  # an indicator alone may be any of the PK
    if not len(cakupan):
        cakupan, nama = ind["id"], "indikator"
    return kode, kegiatan_dipilih, choose(nama, indikator, cakupan)


def indicator_scope(year: YearData, program: str, kegiatan: str | None) -> tuple[pd.Series, str]:
    """Return the indicator ids one may pick under a kegiatan, and their name in a message.

    Kegiatan None means the programme's own indicators (those under no kegiatan), or all
    of its indicators when it has none of its own.
    """
    ind = year.indikator
    if kegiatan is not None:
        ids = ind.loc[ind["kegiatan"].eq(kegiatan).fillna(False), "id"]
        return ids, f"indikator kegiatan {kegiatan}"
    milik = ind["program"].eq(program).fillna(False)
    sendiri = milik & ind["kegiatan"].isna()
    ids = ind.loc[sendiri if sendiri.any() else milik, "id"]
    return ids, f"indikator program {program}"


def what_if(year: YearData, indikator: str, realisasi: str | None) -> pd.DataFrame:
    """Return the chosen indicator's row with `realisasi` as written, checked like the CSV.

    The text must read as a value of the indicator's kind (number, range, grade) in its
    satuan; None gives the row with its target as realisasi (what meeting the target gives),
    or the row as recorded when the target is not set yet.
    """
    row = year.indikator.loc[year.indikator["id"].eq(indikator)]
    teks = realisasi if realisasi is not None else row["target_teks"].iloc[0]
    if teks is None or pd.isna(teks):
        return row  # no target to meet and nothing tried: capaian cannot be computed
    try:
        nilai = parse_nilai(str(teks))
    except ParseError as error:
        raise ParameterError(f"realisasi_coba untuk {indikator}: {error}") from None
    problems = check_realisasi_text(row, str(teks))
    if problems:
        raise ParameterError(f"realisasi_coba {teks!r} untuk {indikator}: {problems[0].describe()}")
    angka = float("nan") if nilai.angka is None else nilai.angka
    return row.assign(realisasi=angka, realisasi_teks=nilai.teks)
