"""Realisasi over periods (months, quarters, years) combined into one value per indicator.

Each indicator declares how its periodic realisasi combine (``agregasi_triwulan`` in
indikator.csv, for months as for quarters): ``jumlah`` adds the periods (a count of reports,
of activities), ``terakhir`` takes the last reported value (a percentage measured at a
date), ``rata-rata`` averages the reported periods. A period left empty is not reported and
is skipped, never read as 0. The loader derives the year's realisasi from
realisasi_bulanan.csv or realisasi_triwulan.csv with these rules when realisasi.csv states
none (docs/formulas.md); the quarterly report uses them up to a quarter (``triwulan``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lakipkit.formatting import format_angka

JUMLAH = "jumlah"
TERAKHIR = "terakhir"
RATA_RATA = "rata-rata"


def nilai_teks(angka: pd.Series, satuan: pd.Series) -> pd.Series:
    """Write numbers with their satuan as a person would: '82,5%', '7 kegiatan'; NA if none."""
    satuan = satuan.astype("string").fillna("")
    sep = pd.Series(np.where(satuan.eq("%") | satuan.eq(""), "", " "), index=angka.index)
    teks = angka.map(format_angka).astype("string") + sep + satuan
    return teks.where(angka.notna()).astype("string")


def combine_realisasi(laporan: pd.DataFrame, aturan: pd.Series) -> pd.DataFrame:
    """Combine the realisasi reported over several periods into one value per indicator.

    ``laporan`` has one row per report: ``indikator``, ``urutan`` (the period: a triwulan or
    a year), ``realisasi`` (number, NaN for a grade), ``realisasi_teks`` (<NA> = not
    reported) and ``satuan``. ``aturan`` gives each indicator's rule (``jumlah``,
    ``terakhir``, ``rata-rata``), indexed by indicator id; the result has the same index and
    ``realisasi``, ``realisasi_teks``, ``periode_dilaporkan`` (how many reports) and
    ``periode_terakhir``. A grade only combines as ``terakhir``; the other rules give NaN.
    """
    ada = laporan[laporan["realisasi_teks"].notna()].sort_values("urutan", kind="stable")
    per = ada.groupby("indikator", sort=False)
    hasil = pd.DataFrame(
        {
            JUMLAH: per["realisasi"].sum(min_count=1),
            RATA_RATA: per["realisasi"].mean(),
            TERAKHIR: per["realisasi"].last(),
            "teks_terakhir": per["realisasi_teks"].last(),
            "satuan": per["satuan"].last(),
            "periode_dilaporkan": per.size(),
            "periode_terakhir": per["urutan"].max(),
        }
    ).reindex(aturan.index)
    rule = aturan.to_numpy(dtype=object)
    realisasi = np.select(
        [rule == JUMLAH, rule == RATA_RATA],
        [hasil[JUMLAH].to_numpy(dtype=float), hasil[RATA_RATA].to_numpy(dtype=float)],
        hasil[TERAKHIR].to_numpy(dtype=float),
    )
    realisasi = pd.Series(realisasi, index=aturan.index, dtype="float64")
    teks = (
        hasil["teks_terakhir"]
        .astype("string")
        .where(aturan.eq(TERAKHIR), nilai_teks(realisasi, hasil["satuan"]))
    )
    return pd.DataFrame(
        {
            "realisasi": realisasi,
            "realisasi_teks": teks,
            "periode_dilaporkan": hasil["periode_dilaporkan"].fillna(0).astype("int64"),
            "periode_terakhir": hasil["periode_terakhir"].astype("Int64"),
        }
    )


def _per_indikator(laporan: pd.DataFrame, urutan: str, indikator: pd.DataFrame) -> pd.DataFrame:
    """Combine one periodic frame (months or quarters) per indicator by its rule."""
    satuan = indikator.set_index("id")["satuan"]
    aturan = pd.Series(
        indikator["agregasi_triwulan"].fillna(TERAKHIR).to_numpy(), index=indikator["id"]
    )
    rows = laporan.assign(
        urutan=laporan[urutan].astype(int), satuan=laporan["indikator"].map(satuan)
    )
    return combine_realisasi(rows, aturan)


def realisasi_tahunan(
    indikator: pd.DataFrame, bulanan: pd.DataFrame, triwulan: pd.DataFrame
) -> pd.DataFrame:
    """Derive each indicator's realisasi for the year from its months, else its quarters.

    Indexed by indicator id: ``realisasi``, ``realisasi_teks`` (<NA> when no period was
    reported), ``periode_dilaporkan`` and ``sumber`` ('bulanan', 'triwulan' or <NA>).
    """
    months = _per_indikator(bulanan, "bulan", indikator)
    quarters = _per_indikator(triwulan, "triwulan", indikator)
    use_months = months["periode_dilaporkan"].gt(0)
    result = months.where(use_months, quarters)
    sumber = pd.Series("triwulan", index=result.index, dtype="string")
    sumber = sumber.where(quarters["periode_dilaporkan"].gt(0)).mask(use_months, "bulanan")
    return result.assign(sumber=sumber)


def triwulan_dari_bulan(indikator: pd.DataFrame, bulanan: pd.DataFrame) -> pd.DataFrame:
    """Quarterly realisasi (realisasi_triwulan.csv's typed columns) from monthly rows.

    Each quarter combines its three months by the indicator's rule; a quarter with no
    month reported gives no row.
    """
    parts = []
    for quarter in (1, 2, 3, 4):
        months = bulanan[((bulanan["bulan"].astype(int) - 1) // 3 + 1).eq(quarter)]
        combined = _per_indikator(months, "bulan", indikator)
        combined = combined[combined["periode_dilaporkan"].gt(0)]
        parts.append(
            pd.DataFrame(
                {
                    "indikator": combined.index.astype("string"),
                    "triwulan": quarter,
                    "realisasi_teks": combined["realisasi_teks"].to_numpy(),
                    "realisasi": combined["realisasi"].to_numpy(),
                    "realisasi_atas": np.nan,
                    "keterangan": pd.NA,
                }
            )
        )
    order = {name: i for i, name in enumerate(indikator["id"])}
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.sort_values(
        ["indikator", "triwulan"], key=lambda c: c.map(order) if c.name == "indikator" else c
    )
    return frame.reset_index(drop=True).astype(
        {"triwulan": "int64", "realisasi_teks": "string", "keterangan": "string"}
    )
