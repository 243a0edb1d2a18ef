"""The consolidated report's tables, figures and sentences (Bahasa Indonesia).

Calculation lives in `lakipkit.konsolidasi`; this module only presents its frames with the
report's helpers: `tables.render_table` for numbered tables, `charts` for figures,
`formatting` for Indonesian numbers. A missing value prints as words, never 0 or "nan".
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from html import escape
from typing import Any

import numpy as np
import pandas as pd

from lakipkit.capaian import STATUS_BELUM_ADA_DATA
from lakipkit.charts import capaian_spread_chart, figure_html, penyerapan_chart
from lakipkit.formatting import format_angka, format_persen, format_rupiah
from lakipkit.konsolidasi import TIDAK_DIGABUNG, Konsolidasi
from lakipkit.tables import BELUM_DILAPORKAN, ROW_CLASS, Column, render_table

AGREGASI_TEKS = {
    "jumlah": "jumlah",
    "rata-rata": "rata-rata",
    "rata-rata-tertimbang": "rata-rata tertimbang",
    "minimum": "nilai terendah",
    "maksimum": "nilai tertinggi",
}
BOBOT_TEKS = {"pagu": "menurut pagu", "dpt": "menurut jumlah pemilih"}
#: Above this many children a per-child bar chart would not fit a page: the table suffices.
GRAFIK_MAKS = 45


def nilai_teks(value: float, satuan: str) -> str:
    """95.3125, '%' -> '95,31 %'; 30.0, 'kegiatan' -> '30 kegiatan'; NaN -> '–'."""
    if pd.isna(value):
        return "–"
    if satuan.strip() == "%":
        return format_persen(value)
    return f"{format_angka(round(float(value), 2))} {satuan}"


def cara_gabung(row: Mapping[str, Any]) -> str:
    """Say how an indicator's values combine: 'rata-rata tertimbang menurut pagu'."""
    text = AGREGASI_TEKS.get(str(row["agregasi"]), str(row["agregasi"]))
    bobot = row.get("bobot")
    return f"{text} {BOBOT_TEKS.get(str(bobot), str(bobot))}" if pd.notna(bobot) else text


def ringkasan(k: Konsolidasi, gabungan: pd.DataFrame, nama: str) -> str:
    """One paragraph: how many children, how many left out and why, indicators combined."""
    jumlah = len(k.satker)
    dimuat = len(k.anggaran)
    kalimat = [
        f"Laporan ini menghimpun kinerja tahun {k.tahun} dari {dimuat} satker di bawah {nama} "
        f"untuk {len(gabungan)} indikator kinerja bersama."
    ]
    if dimuat < jumlah:
        alasan = k.tidak_disertakan.groupby("alasan")["satker"].size()
        rincian = "; ".join(f"{n} satker {teks}" for teks, n in alasan.items())
        kalimat.append(f"Sebanyak {jumlah - dimuat} satker belum disertakan ({rincian}).")
    dinilai = gabungan.loc[gabungan["status"].isin(["tercapai", "tidak tercapai"])]
    if len(dinilai):
        tercapai = int((dinilai["status"] == "tercapai").sum())
        kalimat.append(
            f"Dengan nilai gabungan, {tercapai} dari {len(dinilai)} indikator mencapai target."
        )
    return " ".join(kalimat)


def left_out_table(k: Konsolidasi, title: str) -> str:
    """List the children left out and why (empty string when every child is in)."""
    if k.tidak_disertakan.empty:
        return ""
    names = k.satker.set_index("id")["nama"]
    body = pd.DataFrame(
        {
            "no": [f"{i}." for i in range(1, len(k.tidak_disertakan) + 1)],
            "satker": k.tidak_disertakan["satker"].map(names).to_numpy(),
            "alasan": k.tidak_disertakan["alasan"].to_numpy(),
        }
    )
    columns = [
        Column("no", "No", "tengah", "8%"),
        Column("satker", "Satker"),
        Column("alasan", "Keterangan", width="40%"),
    ]
    return render_table(body, columns, title)


def gabungan_table(gabungan: pd.DataFrame, title: str) -> str:
    """Per catalogue indicator: how it combines, combined target, realisasi, capaian, status."""
    satuan = gabungan["satuan"].astype(str)
    kualitatif = gabungan["status"] == TIDAK_DIGABUNG
    body = pd.DataFrame(
        {
            "no": [f"{i}." for i in range(1, len(gabungan) + 1)],
            "indikator": gabungan["uraian"],
            "cara": gabungan.apply(cara_gabung, axis=1),
            "satker": gabungan["digabung"].map(str) + " dari " + gabungan["jumlah_satker"].map(str),
            "target": [nilai_teks(v, s) for v, s in zip(gabungan["target"], satuan, strict=True)],
            "realisasi": [
                nilai_teks(v, s) for v, s in zip(gabungan["realisasi"], satuan, strict=True)
            ],
            "capaian": gabungan["capaian"].map(format_persen),
            "status": gabungan["status"].where(
                (gabungan["digabung"] > 0) | kualitatif, STATUS_BELUM_ADA_DATA
            ),
        }
    )
    body.loc[kualitatif, ["target", "realisasi", "capaian"]] = "–"
    body["kelas"] = "status-" + body["status"].str.replace(" ", "-", regex=False)
    columns = [
        Column("no", "No", "tengah", "5%"),
        Column("indikator", "Indikator Kinerja", width="27%"),
        Column("cara", "Cara Penggabungan", width="13%"),
        Column("satker", "Satker Digabung", "tengah", "9%"),
        Column("target", "Target Gabungan", "angka", "11%"),
        Column("realisasi", "Realisasi Gabungan", "angka", "11%"),
        Column("capaian", "Capaian", "angka", "10%", class_key="kelas"),
        Column("status", "Status", "tengah", "11%", class_key="kelas"),
    ]
    notes = []
    if (gabungan["digabung"] < gabungan["jumlah_satker"]).any():
        notes.append(
            "Satker digabung: satker yang melaporkan target dan realisasi (dan bobotnya, untuk "
            "rata-rata tertimbang)."
        )
    if kualitatif.any():
        notes.append("Indikator kualitatif tidak digabung; sebarannya ada pada tabel berikut.")
    return render_table(body, columns, title, " ".join(notes))


def sebaran_table(gabungan: pd.DataFrame, title: str) -> str:
    """Per catalogue indicator: median, lowest and highest capaian, how many reached it."""
    dinilai = gabungan["tercapai"] + gabungan["tidak_tercapai"]
    body = pd.DataFrame(
        {
            "no": [f"{i}." for i in range(1, len(gabungan) + 1)],
            "indikator": gabungan["uraian"],
            "median": gabungan["median"].map(format_persen),
            "terendah": gabungan["terendah"].map(format_persen),
            "tertinggi": gabungan["tertinggi"].map(format_persen),
            "tercapai": gabungan["tercapai"].map(str) + " dari " + dinilai.map(str),
        }
    )
    columns = [
        Column("no", "No", "tengah", "5%"),
        Column("indikator", "Indikator Kinerja", width="43%"),
        Column("median", "Median Capaian", "angka", "13%"),
        Column("terendah", "Terendah", "angka", "13%"),
        Column("tertinggi", "Tertinggi", "angka", "13%"),
        Column("tercapai", "Satker Tercapai", "tengah", "13%"),
    ]
    return render_table(body, columns, title)


def sebaran_figure(k: Konsolidasi, title: str) -> str:
    """Box plot of the children's capaian per catalogue indicator (any number of children)."""
    frame = k.indikator.dropna(subset=["capaian"])
    if frame.empty:
        return ""
    labels = k.katalog.set_index("kode")["uraian"]
    return figure_html(capaian_spread_chart(frame, labels), title)


def peringkat_table(peringkat: pd.DataFrame, title: str) -> str:
    """Children ranked by their mean capaian over the catalogue indicators."""
    body = pd.DataFrame(
        {
            "peringkat": peringkat["peringkat"].map(lambda v: "–" if pd.isna(v) else str(v)),
            "satker": peringkat["nama"],
            "tercapai": peringkat["tercapai"].map(str)
            + " dari "
            + peringkat["dengan_capaian"].map(str),
            "rata": peringkat["rata_rata_capaian"].map(
                lambda v: format_persen(v, kosong=STATUS_BELUM_ADA_DATA)
            ),
        }
    )
    columns = [
        Column("peringkat", "Peringkat", "tengah", "11%"),
        Column("satker", "Satker"),
        Column("tercapai", "Indikator Tercapai", "tengah", "20%"),
        Column("rata", "Rata-rata Capaian", "angka", "20%"),
    ]
    return render_table(body, columns, title)


def indikator_anak_table(rows: pd.DataFrame, names: pd.Series, title: str) -> str:
    """One catalogue indicator: every child's target, realisasi, capaian, ranked.

    ``rows`` are `peringkat_indikator`'s rows of one kode; ``names`` maps a satker id to
    the name printed.
    """
    body = pd.DataFrame(
        {
            "peringkat": rows["peringkat"].map(lambda v: "–" if pd.isna(v) else str(v)),
            "satker": rows["satker"].map(names),
            "target": rows["target_teks"].fillna("belum ditetapkan"),
            "realisasi": rows["realisasi_teks"].fillna(STATUS_BELUM_ADA_DATA),
            "capaian": rows["capaian"].map(format_persen),
            "status": rows["status"],
        }
    )
    body["kelas"] = "status-" + body["status"].astype(str).str.replace(" ", "-", regex=False)
    columns = [
        Column("peringkat", "Peringkat", "tengah", "10%"),
        Column("satker", "Satker", width="34%"),
        Column("target", "Target", "tengah", "13%"),
        Column("realisasi", "Realisasi", "tengah", "13%"),
        Column("capaian", "Capaian", "angka", "13%", class_key="kelas"),
        Column("status", "Status", "tengah", "17%", class_key="kelas"),
    ]
    return render_table(body.reset_index(drop=True), columns, title)


def indikator_sections(
    per_indikator: pd.DataFrame, gabungan: pd.DataFrame, names: pd.Series
) -> str:
    """One heading and one ranked table of every child per catalogue indicator."""
    uraian = gabungan.set_index("kode")["uraian"]
    parts = []
    for kode, rows in per_indikator.groupby("kode", sort=False):
        text = str(uraian.get(kode, kode))
        parts.append(f"<h3>{escape(str(kode))} {escape(text)}</h3>")
        parts.append(indikator_anak_table(rows, names, f"Capaian Satker: {text}"))
    return "\n".join(parts)


def anggaran_table(frame: pd.DataFrame, total: Mapping[str, Any], title: str) -> str:
    """Pagu, realisasi and penyerapan per child, with the rolled-up JUMLAH row."""
    body = pd.DataFrame(
        {
            "no": [f"{i}." for i in range(1, len(frame) + 1)],
            "satker": frame["nama"],
            "pagu": frame["pagu"].map(partial(format_rupiah, kosong="belum ditetapkan")),
            "realisasi": frame["realisasi"].map(partial(format_rupiah, kosong=BELUM_DILAPORKAN)),
            "penyerapan": frame["penyerapan"].map(partial(format_persen, kosong="belum lengkap")),
        }
    )
    body.loc[len(body)] = [
        "",
        "JUMLAH",
        format_rupiah(total["pagu"], kosong="belum ditetapkan"),
        format_rupiah(total["realisasi"], kosong=BELUM_DILAPORKAN),
        format_persen(total["penyerapan"]),
    ]
    body[ROW_CLASS] = [""] * len(frame) + ["jumlah"]
    columns = [
        Column("no", "No", "tengah", "6%"),
        Column("satker", "Satker"),
        Column("pagu", "Pagu (Rp)", "angka", "22%"),
        Column("realisasi", "Realisasi (Rp)", "angka", "22%"),
        Column("penyerapan", "Penyerapan", "angka", "13%"),
    ]
    notes = ""
    if total["jumlah_lengkap"] < total["jumlah_satker"]:
        kurang = total["jumlah_satker"] - total["jumlah_lengkap"]
        notes = (
            f"{kurang} satker belum melaporkan realisasi seluruh baris anggarannya (tertulis "
            "\u201cbelum lengkap\u201d); realisasi JUMLAH hanya mencakup yang dilaporkan, dan "
            f"penyerapan JUMLAH dihitung dari {total['jumlah_lengkap']} satker yang lengkap."
        )
    return render_table(body, columns, title, notes)


def anggaran_figure(frame: pd.DataFrame, title: str) -> str:
    """Penyerapan per child as bars (`charts.penyerapan_chart`), when the page can hold them."""
    if frame.empty or len(frame) > GRAFIK_MAKS:
        return ""
    bars = pd.DataFrame({"label": frame["nama"], "penyerapan": frame["penyerapan"]})
    return penyerapan_chart.html(title, bars)


def anggaran_teks(total: Mapping[str, Any], tahun: int) -> str:
    """One sentence on the rolled-up budget."""
    if total["pagu"] is None:
        return ""
    kalimat = (
        f"Pagu seluruh satker tahun {tahun} berjumlah {format_rupiah(total['pagu'])} dengan "
        f"realisasi {format_rupiah(total['realisasi'], kosong=BELUM_DILAPORKAN)}"
    )
    if not np.isnan(total["penyerapan"]):
        kalimat += f"; penyerapannya {format_persen(total['penyerapan'])}"
    return kalimat + "."
