"""Budget arithmetic: penyerapan, sums of children per parent line, totals, efisiensi.

Stated figures are never overwritten: a parent line that disagrees with the sum of its
children is reported, so the report can show the contradiction. Sums count the lines that
state a figure; flags say when some did not: ``realisasi_lengkap`` (a realisasi not reported)
and ``pagu_lengkap`` (a pagu not filled in yet, as in a year just started). docs/formulas.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from lakipkit.capaian import STATUS_BELUM_ADA_DATA
from lakipkit.errors import Check, DataValidationError, findings_where

_KOLOM_WAJIB = ("kode", "induk", "uraian", "sumber_dana", "pagu", "realisasi")

EFISIEN = "efisien"
CUKUP_EFISIEN = "cukup efisien"
TIDAK_EFISIEN = "tidak efisien"
TIDAK_DINILAI = "tidak dinilai (target tidak tercapai)"


@dataclass(frozen=True)
class Jumlah:
    """A budget total: what a TOTAL row or a sentence of the report states.

    ``pagu`` and ``realisasi`` are None when no line states one; ``penyerapan`` is NaN when
    it cannot be computed (no realisasi, pagu 0, or a pagu not filled in).
    """

    pagu: int | None
    realisasi: int | None
    sisa: int | None
    penyerapan: float
    realisasi_lengkap: bool
    pagu_lengkap: bool


def compute_penyerapan(anggaran: pd.DataFrame) -> pd.DataFrame:
    """Add ``penyerapan`` (realisasi / pagu x 100) and ``sisa`` (pagu - realisasi) per line.

    Both are missing where realisasi was not reported or pagu not filled in; penyerapan is
    NaN where pagu is 0. No rounding: 2 decimals is a display choice (format_persen).
    """
    _check_kolom(anggaran, ("pagu", "realisasi"))
    return anggaran.assign(
        penyerapan=_persen(anggaran["realisasi"], anggaran["pagu"]),
        sisa=anggaran["pagu"] - anggaran["realisasi"],
    )


def rollup(anggaran: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sum each parent's direct children and report parents whose stated figures disagree.

    Returns the lines with ``tingkat`` (0 = top), ``jumlah_anak``, ``pagu_anak`` (<NA> when
    a child's pagu is not filled in: the sum is unknown, so nothing is compared),
    ``realisasi_anak`` (sum of the children that reported one, <NA> if none did) and
    ``realisasi_anak_lengkap`` (every child reported); and the discrepancies: ``kode``,
    ``field``, ``stated``, ``children_sum``, ``difference`` (stated - children_sum),
    ``children_complete``. Works at any depth: each line is compared with its own children.
    """
    _check_kolom(anggaran, _KOLOM_WAJIB)
    tingkat = _tingkat(anggaran)
    grup = anggaran.groupby("induk", sort=False)  # lines without induk are left out
    jumlah, diisi = grup.size(), grup[["pagu", "realisasi"]].count()
    anak = pd.DataFrame(
        {
            "jumlah_anak": jumlah.astype("Int64"),
            "pagu_anak": grup["pagu"].sum().astype("Int64").where(diisi["pagu"].eq(jumlah)),
            "realisasi_anak": grup["realisasi"].sum(min_count=1).astype("Int64"),
            "realisasi_anak_lengkap": diisi["realisasi"].eq(jumlah).astype("boolean"),
        }
    )
    per_kode = anak.reindex(anggaran["kode"].to_numpy()).set_axis(anggaran.index)
    hasil = anggaran.assign(
        tingkat=tingkat,
        **per_kode.assign(jumlah_anak=per_kode["jumlah_anak"].fillna(0).astype("int64")),
    )
    selisih = pd.concat(
        [
            _selisih(hasil, "pagu", "pagu_anak", pd.Series(True, index=hasil.index)),
            _selisih(hasil, "realisasi", "realisasi_anak", hasil["realisasi_anak_lengkap"]),
        ],
        ignore_index=True,
    )
    return hasil, selisih


def totals(anggaran: pd.DataFrame) -> Jumlah:
    """Total over the top-level lines, with penyerapan computed from the sums.

    ``realisasi_lengkap`` (``pagu_lengkap``) is False when a top-level line or any
    lowest-level line has no realisasi (no pagu): the total then covers only the lines that
    state one. Penyerapan is not computed against an incomplete pagu.
    """
    _check_kolom(anggaran, _KOLOM_WAJIB)
    _tingkat(anggaran)
    atas = anggaran["induk"].isna()
    dihitung = atas | _daun(anggaran)
    realisasi_lengkap = bool(anggaran["realisasi"].notna()[dihitung].all())
    pagu_lengkap = bool(anggaran["pagu"].notna()[dihitung].all())
    if not atas.any():
        return Jumlah(None, None, None, np.nan, realisasi_lengkap=True, pagu_lengkap=True)
    baris = _jumlahkan(anggaran.loc[atas], np.zeros(int(atas.sum()), dtype=int)).iloc[0]
    return Jumlah(
        pagu=_int(baris["pagu"]),
        realisasi=_int(baris["realisasi"]),
        sisa=_int(baris["sisa"]),
        penyerapan=float(baris["penyerapan"]),
        realisasi_lengkap=realisasi_lengkap,
        pagu_lengkap=pagu_lengkap,
    )


def _int(value: object) -> int | None:
    return None if pd.isna(value) else int(value)  # type: ignore[call-overload]


def totals_by_source(anggaran: pd.DataFrame) -> pd.DataFrame:
    """Totals per sumber_dana from the lowest-level lines (a parent's source is its children's).

    Columns as `Jumlah`, one row per sumber_dana in order of first appearance.
    """
    _check_kolom(anggaran, _KOLOM_WAJIB)
    _tingkat(anggaran)
    daun = anggaran.loc[_daun(anggaran)]
    return _jumlahkan(daun, daun["sumber_dana"])


def anggaran_per_kegiatan(anggaran: pd.DataFrame, tautan: pd.DataFrame) -> pd.DataFrame:
    """Pagu, realisasi and penyerapan per PK kegiatan, from the budget codes it spends.

    ``tautan`` has one row per (``kegiatan``, ``kode``) pair, e.g. kegiatan.csv's
    ``kode_anggaran`` split on ";". Linking a code and one of its ancestors to the same
    kegiatan would count the money twice; that is refused.
    """
    _check_kolom(anggaran, _KOLOM_WAJIB)
    _check_kolom(tautan, ("kegiatan", "kode"))
    _tingkat(anggaran)
    induk_dari = pd.Series(anggaran["induk"].to_numpy(dtype=object), index=anggaran["kode"])
    pasangan = pd.MultiIndex.from_frame(tautan[["kegiatan", "kode"]])
    ganda = np.zeros(len(tautan), dtype=bool)
    leluhur = induk_dari.reindex(tautan["kode"].to_numpy()).to_numpy(dtype=object)
    while pd.notna(leluhur).any():  # one step per level; the tree was checked above
        ganda |= pd.MultiIndex.from_arrays([tautan["kegiatan"], leluhur]).isin(pasangan)
        leluhur = induk_dari.reindex(leluhur).to_numpy(dtype=object)
    _raise_findings(
        tautan.rename(columns={"kode": "kode_anggaran"}),
        "kegiatan.csv",
        "kegiatan",
        "kegiatan",
        [
            (
                ~tautan["kode"].isin(anggaran["kode"]),
                "kode_anggaran",
                "unknown_reference",
                "kode baris di anggaran.csv",
            ),
            (
                pd.Series(ganda, index=tautan.index),
                "kode_anggaran",
                "inconsistent",
                "kode tanpa induknya (atau induk tanpa anaknya) pada kegiatan yang sama",
            ),
        ],
    )
    baris = tautan.merge(anggaran, on="kode", how="left", validate="many_to_one")
    return _jumlahkan(baris, baris["kegiatan"]).rename_axis("kegiatan")


def efisiensi(
    capaian_per_kegiatan: pd.DataFrame,
    penyerapan_per_kegiatan: pd.DataFrame,
    rule: Literal["selisih", "sisa_anggaran"] = "selisih",
    ambang: float = 5.0,
) -> pd.DataFrame:
    """Efisiensi per kegiatan; there is no national rule, so two documented ones are offered.

    Both frames are indexed by kegiatan id: the first is ``summarise_capaian(..., by=
    ["kegiatan"])`` indexed by kegiatan, the second `anggaran_per_kegiatan`.

    - ``"selisih"``: efisiensi = rata-rata capaian (after the cap) - penyerapan, in points;
      above +ambang "efisien", within +-ambang (bounds included) "cukup efisien", else
      "tidak efisien".
    - ``"sisa_anggaran"``: efisiensi = (pagu - realisasi) / pagu x 100, counted only where
      every indicator of the kegiatan is tercapai: > 0 "efisien", 0 "cukup efisien",
      < 0 (overspent) "tidak efisien"; otherwise NaN and "tidak dinilai (target tidak
      tercapai)".

    Missing capaian or penyerapan gives NaN and "belum ada data".
    """
    _check_kolom(capaian_per_kegiatan, ("jumlah", "tercapai", "rata_rata_capaian_terbatas"))
    _check_kolom(penyerapan_per_kegiatan, ("pagu", "realisasi", "penyerapan"))
    gabung = capaian_per_kegiatan.join(penyerapan_per_kegiatan, how="outer")
    capaian = gabung["rata_rata_capaian_terbatas"].to_numpy(dtype=float)
    penyerapan = gabung["penyerapan"].to_numpy(dtype=float)
    if rule == "selisih":
        nilai = capaian - penyerapan
        kategori = np.select(
            [np.isnan(nilai), nilai > ambang, nilai >= -ambang],
            [STATUS_BELUM_ADA_DATA, EFISIEN, CUKUP_EFISIEN],
            TIDAK_EFISIEN,
        )
    elif rule == "sisa_anggaran":
        tercapai = gabung["tercapai"].eq(gabung["jumlah"]).to_numpy(dtype=bool)
        sisa = _persen(gabung["pagu"] - gabung["realisasi"], gabung["pagu"])
        nilai = np.where(tercapai, sisa, np.nan)
        kategori = np.select(
            [np.isnan(capaian) | np.isnan(sisa), ~tercapai, sisa > 0, sisa == 0],
            [STATUS_BELUM_ADA_DATA, TIDAK_DINILAI, EFISIEN, CUKUP_EFISIEN],
            TIDAK_EFISIEN,
        )
    else:
        raise ValueError(f"aturan efisiensi {rule!r} tidak dikenal: 'selisih' atau 'sisa_anggaran'")
    return pd.DataFrame(
        {
            "capaian": capaian,
            "penyerapan": penyerapan,
            "efisiensi": nilai,
            "kategori": pd.Series(kategori, index=gabung.index, dtype="str"),
        },
        index=gabung.index,
    )


def _persen(realisasi: pd.Series, pagu: pd.Series) -> np.ndarray:
    """Realisasi / pagu x 100 as float; NaN where either is missing or pagu is 0."""
    r = realisasi.to_numpy(dtype=float, na_value=np.nan)
    p = pagu.to_numpy(dtype=float, na_value=np.nan)
    return np.divide(r * 100, p, out=np.full(len(p), np.nan), where=p != 0)


def _jumlahkan(lines: pd.DataFrame, keys: pd.Series | np.ndarray) -> pd.DataFrame:
    """Sum the stated pagu and realisasi per key; penyerapan from the sums, never averaged.

    Penyerapan needs every pagu of the group: against a partial pagu it would mislead.
    """
    grup = lines.groupby(keys, sort=False)
    pagu = grup["pagu"].sum(min_count=1).astype("Int64")
    realisasi = grup["realisasi"].sum(min_count=1).astype("Int64")
    pagu_lengkap = grup["pagu"].count().eq(grup.size())
    return pd.DataFrame(
        {
            "pagu": pagu,
            "realisasi": realisasi,
            "sisa": pagu - realisasi,
            "penyerapan": _persen(realisasi, pagu.where(pagu_lengkap)),
            "realisasi_lengkap": grup["realisasi"].count().eq(grup.size()),
            "pagu_lengkap": pagu_lengkap,
        }
    )


def _selisih(hasil: pd.DataFrame, field: str, anak: str, lengkap: pd.Series) -> pd.DataFrame:
    """Rows where a stated parent figure differs from the sum of its children."""
    stated = hasil[field].astype("Int64")
    children = hasil[anak]
    beda = (
        (stated.notna() & children.notna() & stated.ne(children)).fillna(False).to_numpy(dtype=bool)
    )
    return pd.DataFrame(
        {
            "kode": hasil.loc[beda, "kode"].to_numpy(),
            "field": field,
            "stated": stated[beda].to_numpy(),
            "children_sum": children[beda].to_numpy(),
            "difference": (stated - children)[beda].to_numpy(),
            "children_complete": lengkap[beda].to_numpy(dtype=bool),
        }
    ).astype({"stated": "Int64", "children_sum": "Int64", "difference": "Int64"})


def _daun(anggaran: pd.DataFrame) -> pd.Series:
    """Lowest-level lines: no other line names them as induk."""
    return ~anggaran["kode"].isin(anggaran["induk"].dropna())


def _tingkat(anggaran: pd.DataFrame) -> np.ndarray:
    """Depth of each line (0 = top), checking the tree: unique kode, known induk, no cycle.

    One vectorised lookup per level for the lines still climbing. In a tree some line stops
    at every level (depths have no gaps), so a step where none stops means a cycle.
    """
    kode = anggaran["kode"]
    induk = anggaran["induk"]
    _raise_findings(
        anggaran,
        "anggaran.csv",
        "kode",
        "kode",
        [
            (kode.duplicated(keep=False), "kode", "duplicate_id", "kode yang unik"),
            (
                induk.notna() & ~induk.isin(kode),
                "induk",
                "unknown_reference",
                "kosong (baris teratas) atau kode baris lain",
            ),
        ],
    )
    induk_dari = pd.Series(induk.to_numpy(dtype=object), index=kode.to_numpy())
    tingkat = np.zeros(len(anggaran), dtype="int64")
    baris = np.arange(len(anggaran))
    naik = induk.to_numpy(dtype=object)
    while len(baris):
        masih = pd.notna(naik)
        if masih.all():  # no line stopped at this step: the rest are in or below a cycle
            siklus = pd.Series(False, index=anggaran.index)
            siklus.iloc[baris] = True
            _raise_findings(
                anggaran,
                "anggaran.csv",
                "kode",
                "kode",
                [(siklus, "induk", "cycle", "induk yang bukan keturunannya sendiri")],
            )
        baris, naik = baris[masih], naik[masih]
        tingkat[baris] += 1
        naik = induk_dari.reindex(naik).to_numpy(dtype=object)
    return tingkat


def _raise_findings(
    frame: pd.DataFrame, file: str, key: str, noun: str, checks: list[Check]
) -> None:
    """Raise one DataValidationError naming every bad line at once, by its ``key`` column."""
    findings = findings_where(frame, file, checks, key=key, noun=noun)
    if findings:
        raise DataValidationError(findings)


def _check_kolom(frame: pd.DataFrame, kolom: tuple[str, ...]) -> None:
    missing = [c for c in kolom if c not in frame.columns]
    if missing:
        raise ValueError(
            f"frame tidak memuat kolom {missing} (ada: {list(frame.columns)}); kontrak frame ada "
            "di docs/architecture.md"
        )
