"""Bab III's comparisons as report parts: a heading, a sentence and a table each, or nothing.

Each function renders one part of an `evaluasi.Evaluasi` and returns empty HTML when its
data is absent, so the report leaves the part out; `keterbatasan_html` then says, once and
in the report's own words, which comparisons the data does not allow.
"""

from __future__ import annotations

from functools import partial
from html import escape

import numpy as np
import pandas as pd

from lakipkit.capaian import STATUS_BELUM_ADA_DATA, STATUS_TERCAPAI, STATUS_TIDAK_TERCAPAI
from lakipkit.charts import efisiensi_chart
from lakipkit.display import Html, ReportTable
from lakipkit.evaluasi import SESUAI_JALUR, Evaluasi, baris_tanpa_indikator
from lakipkit.formatting import daftar, format_angka, format_nilai, format_persen
from lakipkit.narrative import paragraph
from lakipkit.tables import (
    CAPAIAN_GANDA,
    ROW_CLASS,
    Column,
    _changes,
    _with_headers,
    capaian_text,
    remembered,
    render_table,
)

_nilai = partial(format_nilai, kosong=STATUS_BELUM_ADA_DATA)


def _bagian(judul: str, *parts: str) -> Html:
    """Open a sub-section of Bab III: heading, then parts; nothing when no part has content."""
    isi = [p for p in parts if p]
    return Html("\n".join([f"<h3>{escape(judul)}</h3>", *isi])) if isi else Html("")


def _jumlah(n: int) -> str:
    from lakipkit.formatting import terbilang

    return f"{n} ({terbilang(n, satuan='')})"


# --- A. measurement: IKU and comparisons ----------------------------------------------------


def iku_html(ev: Evaluasi, desimal: int = 2) -> Html:
    """Render the key indicators (IKU): target, realisasi, capaian; nothing when none measured."""
    iku = ev.iku
    if iku.empty:
        return Html("")
    met = int(iku["status"].eq(STATUS_TERCAPAI).sum())
    below = iku.loc[iku["status"].eq(STATUS_TIDAK_TERCAPAI), "uraian"].str.rstrip(".").tolist()
    text = (
        f"Kinerja tingkat sasaran strategis diukur dengan {_jumlah(len(iku))} indikator kinerja "
        f"utama (IKU); {_jumlah(met)} di antaranya mencapai target"
        + (f", sedangkan {daftar(below)} belum mencapai target." if below else ".")
    )
    first = _changes(iku["sasaran_uraian"])
    body = pd.DataFrame(
        {
            "sasaran": iku["sasaran_uraian"].where(first, ""),
            "indikator": iku["uraian"],
            "target": iku["target_teks"].map(_nilai),
            "realisasi": iku["realisasi_teks"].map(_nilai),
            "capaian": capaian_text(iku, desimal),
            "status": iku["status"],
        }
    )
    columns = [
        Column("sasaran", "Sasaran Strategis", width="26%"),
        Column("indikator", "Indikator Kinerja Utama", width="30%"),
        Column("target", "Target", "tengah", "11%"),
        Column("realisasi", "Realisasi", "tengah", "11%"),
        Column("capaian", "Capaian", f"angka {CAPAIAN_GANDA}", "11%"),
        Column("status", "Status", "tengah", "11%"),
    ]
    notes = ""
    if iku["sumber"].eq("RKT").any():
        notes = (
            "Target IKU dari Rencana Kinerja Tahunan; realisasinya adalah realisasi indikator "
            "Perjanjian Kinerja yang mengukur hal yang sama."
        )
    table = render_table(body, columns, "Capaian Indikator Kinerja Utama", notes)
    return _bagian("Capaian Indikator Kinerja Utama", paragraph(text), table)


def tahun_lalu_html(ev: Evaluasi, perbandingan: str = "") -> Html:
    """Earlier years: the year folders' comparison (``perbandingan``), then riwayat's years.

    ``perbandingan`` is `tren.comparison_html` of the year folders ('' with one folder).
    """
    riwayat = ev.riwayat
    parts = [perbandingan]
    if not riwayat.empty:
        tahun = sorted(riwayat["tahun"].unique())
        cell = riwayat["realisasi_teks"].map(_nilai) + np.where(
            riwayat["capaian_dicetak"].notna(),
            " (" + riwayat["capaian_dicetak"].map(format_persen) + ")",
            "",
        )
        wide = (
            riwayat.assign(sel=cell)
            .pivot(index="id", columns="tahun", values="sel")
            .reindex(pd.unique(riwayat["id"]))
        )
        uraian = riwayat.drop_duplicates("id").set_index("id")["uraian"]
        body = pd.DataFrame({"id": wide.index, "indikator": uraian.reindex(wide.index).to_numpy()})
        for t in tahun:
            body[str(t)] = wide[t].fillna("–").to_numpy()
        columns = [
            Column("id", "Kode", "tengah", "9%"),
            Column("indikator", "Indikator Kinerja", width="31%"),
            *[Column(str(t), f"Realisasi {t} (Capaian)", "tengah") for t in tahun],
        ]
        rentang = f"{tahun[0]}-{tahun[-1]}"
        naik = _arah(riwayat)
        parts += [
            paragraph(naik) if naik else "",
            render_table(
                body,
                columns,
                f"Realisasi dan Capaian Indikator Kinerja Tahun {rentang}",
                "Capaian dalam kurung: realisasi terhadap target tahun itu; tanpa kurung bila "
                "target tahun itu tidak tercatat.",
            ),
        ]
    return _bagian("Perbandingan dengan Tahun-Tahun Sebelumnya", *parts)


def _arah(riwayat: pd.DataFrame) -> str:
    """Say for how many indicators the realisasi rose or fell against the year before."""
    per = riwayat.dropna(subset=["realisasi_teks"]).groupby("id", sort=False)
    nilai = riwayat.assign(angka=pd.to_numeric(_angka(riwayat["realisasi_teks"]), errors="coerce"))
    last_two = nilai.groupby("id", sort=False)["angka"].apply(lambda s: s.iloc[-2:].tolist())
    naik = sum(1 for v in last_two if len(v) == 2 and v[1] > v[0])
    turun = sum(1 for v in last_two if len(v) == 2 and v[1] < v[0])
    if not per.ngroups:
        return ""
    kini = int(riwayat["tahun"].max())
    arah = [f"{kata} pada {_jumlah(n)} indikator" for kata, n in (("naik", naik), ("turun", turun))
            if n]  # fmt: skip
    tetap = per.ngroups - naik - turun
    if tetap:
        arah.append(f"tetap atau belum dapat dibandingkan pada {_jumlah(tetap)} indikator")
    return (
        f"Dari {_jumlah(per.ngroups)} indikator yang realisasinya tercatat pada tahun-tahun "
        f"sebelumnya, realisasi tahun {kini} dibanding tahun sebelumnya {daftar(arah)}."
    )


def _angka(teks: pd.Series) -> pd.Series:
    from lakipkit.parsing import nilai_frame

    return nilai_frame(teks.astype("string"))["angka"]


def renstra_html(ev: Evaluasi) -> Html:
    """Progress towards the Renstra end-of-period target, and whether each is on course."""
    k = ev.renstra
    if k.empty:
        return Html("")
    sesuai = int(k["jalur"].eq(SESUAI_JALUR).sum())
    dinilai = int(k["jalur"].notna().sum())
    text = (
        f"Dari {_jumlah(len(k))} indikator yang bertarget Renstra, {_jumlah(sesuai)} sesuai "
        f"jalur menuju target akhir periodenya: realisasi sampai dengan tahun {ev.tahun} paling "
        "sedikit sama dengan target Renstra sampai dengan tahun itu"
        + (
            f"; {_jumlah(dinilai - sesuai)} lainnya belum sesuai jalur."
            if dinilai > sesuai
            else "."
        )
    )
    body = pd.DataFrame(
        {
            "id": k["id"],
            "indikator": k["uraian"],
            "periode": k["periode"],
            "akhir": k["target_akhir_teks"].map(format_nilai),
            "sd": k["target_sd_teks"].map(_nilai),
            "realisasi": k["realisasi_sd_teks"].map(_nilai),
            "kemajuan": k["capaian_renstra"].map(format_persen),
            "jalur": k["jalur"].fillna("–"),
        }
    )
    columns = [
        Column("id", "Kode", "tengah", "10%"),
        Column("indikator", "Indikator Kinerja", width="24%"),
        Column("periode", "Periode Renstra", "tengah", "12%"),
        Column("akhir", "Target Akhir", "tengah", "10%"),
        Column("sd", f"Target s.d. {ev.tahun}", "tengah", "10%"),
        Column("realisasi", f"Realisasi s.d. {ev.tahun}", "tengah", "10%"),
        Column("kemajuan", "Kemajuan", "angka", "11%"),
        Column("jalur", "Keterangan", "tengah", "13%"),
    ]
    notes = (
        "Kemajuan: realisasi s.d. tahun ini terhadap target akhir Renstra. Target dan realisasi "
        "s.d. tahun ini: nilai tahun ini, atau jumlah tahun-tahun periode Renstra bila target "
        "akhirnya berupa jumlah."
    )
    table = render_table(body, columns, f"Kemajuan terhadap Target Akhir Renstra s.d. {ev.tahun}",
                         notes)  # fmt: skip
    return _bagian("Perbandingan dengan Target Akhir Renstra", paragraph(text), table)


def standar_html(ev: Evaluasi) -> Html:
    """Realisasi against the national standard, where one is given."""
    s = ev.standar
    if s.empty:
        return Html("")
    body = pd.DataFrame(
        {
            "id": s["id"],
            "indikator": s["uraian"],
            "realisasi": s["realisasi_teks"].map(_nilai),
            "standar": s["standar_teks"].map(format_nilai),
            "sumber": s["sumber"].fillna("–"),
            "banding": s["capaian_standar"].map(format_persen),
            "keterangan": s["banding"].fillna(STATUS_BELUM_ADA_DATA),
        }
    )
    columns = [
        Column("id", "Kode", "tengah", "10%"),
        Column("indikator", "Indikator Kinerja", width="26%"),
        Column("realisasi", "Realisasi", "tengah", "11%"),
        Column("standar", "Standar Nasional", "tengah", "11%"),
        Column("sumber", "Dasar Standar", width="18%"),
        Column("banding", "Terhadap Standar", "angka", "10%"),
        Column("keterangan", "Keterangan", "tengah", "14%"),
    ]
    met = int(s["banding"].eq("memenuhi standar").sum())
    text = (
        f"{_jumlah(len(s))} indikator memiliki standar nasional; realisasi {_jumlah(met)} "
        "di antaranya memenuhi standar itu."
    )
    notes = "Terhadap standar: realisasi dibandingkan dengan standar seperti dengan target."
    table = render_table(body, columns, "Realisasi terhadap Standar Nasional", notes)
    return _bagian("Perbandingan dengan Standar Nasional", paragraph(text), table)


def keterbatasan(ev: Evaluasi) -> list[str]:
    """Name the comparisons of PermenPANRB 53/2014 the data does not allow, as report phrases."""
    items = []
    if len(ev.tahun_folder) < 2 and ev.riwayat.empty:
        items.append(f"perbandingan dengan realisasi tahun-tahun sebelum {ev.tahun}")
    if ev.renstra.empty:
        items.append("perbandingan dengan target akhir periode Renstra per indikator")
    if ev.standar.empty:
        items.append("perbandingan dengan standar nasional")
    if ev.iku.empty:
        items.append("pengukuran indikator kinerja utama (IKU) tingkat sasaran strategis")
    rows = ev.penjelasan[ev.penjelasan["status"].eq(STATUS_TIDAK_TERCAPAI)]
    for column, words in (("penyebab", "penyebab"), ("solusi", "alternatif solusi")):
        missing = rows.loc[rows[column].isna(), "uraian"].str.rstrip(".").tolist()
        if missing:
            items.append(f"{words} belum tercapainya target indikator {daftar(missing)}")
    if not ev.anggaran.empty:
        unlinked = baris_tanpa_indikator(ev.anggaran, ev.efisiensi)
        if len(unlinked):
            names = (unlinked["kode"] + " " + unlinked["uraian"]).tolist()
            no_real = unlinked["realisasi"].isna().all()
            items.append(
                f"efisiensi anggaran {daftar(names)}"
                + (
                    ", yang realisasinya tidak dilaporkan dan tidak terkait dengan indikator "
                    "kinerja tertentu"
                    if no_real
                    else ", yang tidak terkait dengan indikator kinerja tertentu"
                )
            )
    else:
        items.append("efisiensi penggunaan anggaran")
    return items


def keterbatasan_html(ev: Evaluasi) -> Html:
    """One paragraph naming what the data does not allow; nothing when it allows everything."""
    items = keterbatasan(ev)
    if not items:
        return Html("")
    return paragraph(
        "Data laporan ini belum memungkinkan sebagian analisis yang diminta PermenPANRB Nomor "
        "53 Tahun 2014, yaitu "
        + "; ".join(items[:-1])
        + ("; serta " if len(items) > 1 else "")
        + items[-1]
        + "."
    )


# --- B. analysis: causes, and the programmes behind each result --------------------------------


def penjelasan_html(ev: Evaluasi) -> Html:
    """Per indicator: its result, the causes and the alternative solutions written for it."""
    rows = ev.penjelasan[ev.penjelasan[["penyebab", "solusi"]].notna().any(axis=1)]
    if rows.empty:
        return Html("")
    parts = []
    for row in rows.itertuples(index=False):
        hasil = (
            f"Target {format_nilai(row.target_teks)}, realisasi {_nilai(row.realisasi_teks)}, "
            f"capaian {format_persen(row.capaian)} ({row.status})."
        )
        parts.append(f"<h4>{escape(str(row.id))} {escape(str(row.uraian))}</h4>")
        parts.append(paragraph(hasil))
        if isinstance(row.penyebab, str):
            parts.append(f"<p><strong>Penyebab:</strong> {escape(row.penyebab)}</p>")
        if isinstance(row.solusi, str):
            parts.append(f"<p><strong>Alternatif solusi:</strong> {escape(row.solusi)}</p>")
    return _bagian("Penyebab Keberhasilan atau Kegagalan dan Alternatif Solusi", *parts)


def pendukung_html(ev: Evaluasi, desimal: int = 2) -> Html:
    """Render the programmes, kegiatan and budget lines behind each indicator's result."""
    p = ev.pendukung
    if p.empty or (p["program"].isna().all() and p["anggaran"].isna().all()):
        return Html("")
    capaian = ev.capaian.set_index("id").loc[p["id"]].reset_index()
    body = pd.DataFrame(
        {
            "id": p["id"],
            "indikator": p["uraian"],
            "capaian": capaian_text(capaian, desimal).to_numpy(),
            "kegiatan": p["kegiatan"].fillna("–"),
            "anggaran": p["anggaran"].fillna("–"),
        }
    )
    judul = p["program"].fillna("Tingkat sasaran strategis")
    baru = judul.ne(judul.shift())
    body = _with_headers(body, [(baru, judul.str.upper(), 1)])
    columns = [
        Column("id", "Kode", "tengah", "10%"),
        Column("indikator", "Indikator Kinerja", width="32%"),
        Column("capaian", "Capaian", f"angka {CAPAIAN_GANDA}", "11%"),
        Column("kegiatan", "Kegiatan", width="22%"),
        Column("anggaran", "Baris Anggaran", width="25%"),
    ]
    table = render_table(
        body, columns, "Program, Kegiatan dan Anggaran yang Mendukung Setiap Indikator"
    )
    text = (
        "Setiap hasil di atas didukung oleh program dan kegiatan berikut; baris anggaran adalah "
        "kegiatan dalam dokumen anggaran yang membiayai indikator itu."
    )
    return _bagian("Program dan Kegiatan Pendukung", paragraph(text), table)


# --- C. efficiency ------------------------------------------------------------------------------


@remembered(kept=8)
def efisiensi_table(e: pd.DataFrame, ambang: float = 5.0) -> ReportTable:
    """Table of `evaluasi.efisiensi_anggaran` (programme lines first), as the report prints it.

    The exploration notebook shows the same table (`eksplorasi.efisiensi`).
    """
    ids = e["indikator"].str.split(", ")
    body = pd.DataFrame(
        {
            "kode": e["kode"],
            "uraian": e["uraian"],
            "indikator": np.where(
                e["jumlah_indikator"].le(4),
                e["indikator"],
                e["jumlah_indikator"].map(lambda n: f"{n} indikator"),
            ),
            "capaian": e["capaian"].map(format_persen),
            "penyerapan": e["penyerapan"].map(format_persen),
            "selisih": e["efisiensi"].map(lambda v: format_angka(v, 2)),
            "kategori": e["kategori"],
            ROW_CLASS: np.where(e["induk"].isna(), "induk", ""),
        }
    )
    columns = [
        Column("kode", "Kode", "tengah", "10%"),
        Column("uraian", "Program/Kegiatan", width="26%"),
        Column("indikator", "Indikator", "tengah", "22%"),
        Column("capaian", "Capaian", "angka", "10%"),
        Column("penyerapan", "Penyerapan", "angka", "10%"),
        Column("selisih", "Selisih", "angka", "9%"),
        Column("kategori", "Kategori", "tengah", "13%"),
    ]
    notes = [
        "Capaian: rata-rata capaian indikator yang dibiayai baris itu. Selisih: capaian "
        f"dikurangi penyerapan, dalam poin; lebih dari +{format_angka(ambang)} poin "
        f"efisien, antara −{format_angka(ambang)} dan +{format_angka(ambang)} poin "
        "cukup efisien, selebihnya tidak efisien."
    ]
    tanpa = e[e["tanpa_realisasi"].ne("")]
    for row in tanpa.itertuples(index=False):
        notes.append(
            f"Penyerapan {row.kode} dihitung dari baris rincian yang melaporkan realisasi; "
            f"{row.tanpa_realisasi} tidak melaporkan realisasi."
        )
    values = e[["capaian", "penyerapan"]].assign(selisih=e["efisiensi"], indikator=ids.str.len())
    return render_table(
        body, columns, "Efisiensi: Capaian Kinerja dan Penyerapan Anggaran", " ".join(notes),
        values.drop(columns="indikator"),
    )  # fmt: skip


def efisiensi_html(ev: Evaluasi, tingkat_baris: str = "Kegiatan") -> Html:
    """Efficiency of every budget line linked to indicators (programme lines first), and a chart.

    Capaian is the average (after the cap) of the line's indicators; the chart shows the
    lowest lines, named in its title by their tree level (`tables.line_level`: a Pemda's
    "Sub Kegiatan").
    """
    e = ev.efisiensi
    if e.empty:
        return Html("")
    table = efisiensi_table(e, ev.ambang)
    daun = e[~e["kode"].isin(e["induk"].dropna())]
    chart = efisiensi_chart.html(
        f"Capaian Kinerja dan Penyerapan Anggaran per {tingkat_baris}",
        daun.assign(label=daun["kode"] + " " + daun["uraian"]),
    )
    return Html("\n".join([table, chart]))


__all__ = [
    "efisiensi_html",
    "efisiensi_table",
    "iku_html",
    "keterbatasan",
    "keterbatasan_html",
    "pendukung_html",
    "penjelasan_html",
    "renstra_html",
    "standar_html",
    "tahun_lalu_html",
]
