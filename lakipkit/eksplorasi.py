"""What a planner asks of one satker-year, answered as the report would print it.

The exploration notebook (`notebooks/eksplorasi.py`) only calls these. Each answer shows
itself in JupyterLab: a `ReportTable` (Indonesian numbers, headers in words, no index; the
data behind it in `.frame`) or, when there is nothing to list, one sentence (`Html`) that
says so and why, never an empty or all-NaN table.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from lakipkit import evaluasi, tren
from lakipkit import triwulan as tw
from lakipkit.bab3 import efisiensi_table
from lakipkit.capaian import (
    STATUS_BELUM_ADA_DATA,
    STATUS_TERCAPAI,
    CapaianSettings,
    summarise_capaian,
)
from lakipkit.display import Html
from lakipkit.formatting import format_angka, format_persen, format_rupiah
from lakipkit.loading import YearData
from lakipkit.narrative import paragraph
from lakipkit.tables import (
    BELUM_DITETAPKAN,
    Column,
    capaian_text,
    render_table,
)

_ANGKA = ("positif", "negatif")


def value_text(capaian: pd.DataFrame, kolom: str) -> pd.Series:
    """Target or realisasi as the report writes numbers ('97,5%', '13 kali'), else as written.

    Numbers of positif/negatif indicators are rewritten with a decimal comma, so a target
    typed '97.5%' in the CSV is not shown beside a capaian '97,50 %'; ranges and grades keep
    their text.
    """
    angka = capaian[kolom].astype(float)
    ditulis = tw.nilai_teks(angka, capaian["satuan"])
    pakai = capaian["polaritas"].isin(_ANGKA) & angka.notna()
    return ditulis.where(pakai, capaian[f"{kolom}_teks"]).astype("string")


def _status_class(status: pd.Series) -> pd.Series:
    return "status-" + status.astype("string").str.replace(" ", "-", regex=False)


def _printed(settings: CapaianSettings) -> str:
    """Name the summary column of the capaian the report prints (capped or not)."""
    return "rata_rata_capaian_terbatas" if settings.cetak == "terbatas" else "rata_rata_capaian"


def _predikat_note(settings: CapaianSettings) -> str:
    batas = (
        f" Capaian dibatasi {format_angka(settings.cap)} %; angka dalam kurung: sebelum dibatasi."
        if settings.cap is not None
        else ""
    )
    return (
        "Status membandingkan capaian dengan target (100 %); predikat menggolongkan capaian "
        f"menurut skala {settings.skala.nama}, sehingga capaian "
        f"sedikit di bawah 100 % dapat berstatus tidak tercapai dengan predikat baik.{batas}"
    )


def indicator_rows(capaian: pd.DataFrame, settings: CapaianSettings, title: str) -> Html:
    """Tabulate indicators (`compute_capaian` rows): target, realisasi, capaian, status."""
    status = capaian["status"].astype("string")
    body = pd.DataFrame(
        {
            "id": capaian["id"],
            "indikator": capaian["uraian"],
            "target": value_text(capaian, "target").fillna(BELUM_DITETAPKAN),
            "realisasi": value_text(capaian, "realisasi").fillna(STATUS_BELUM_ADA_DATA),
            "capaian": capaian_text(capaian, settings.desimal),
            "status": status,
            "predikat": capaian["predikat"].where(capaian["capaian"].notna(), "–"),
            "kelas": _status_class(status),
        }
    )
    columns = [
        Column("id", "Id", "tengah", "8%"),
        Column("indikator", "Indikator Kinerja", width="34%"),
        Column("target", "Target", "tengah"),
        Column("realisasi", "Realisasi", "tengah"),
        Column("capaian", "Capaian", "angka", class_key="kelas"),
        Column("status", "Status", "tengah", class_key="kelas"),
        Column("predikat", "Predikat", "tengah"),
    ]
    values = pd.DataFrame(
        {"capaian": capaian.get("capaian_dicetak", capaian["capaian"])}, index=capaian.index
    )
    return render_table(body, columns, title, _predikat_note(settings), values)


def below_target(capaian: pd.DataFrame, settings: CapaianSettings) -> Html:
    """List indicators not tercapai (below target, no data, no target), or say all are."""
    rows = capaian.loc[capaian["status"].ne(STATUS_TERCAPAI)]
    if rows.empty:
        return paragraph(f"Semua {len(capaian)} indikator kinerja tercapai.")
    title = f"Indikator di Bawah Target atau Tanpa Data ({len(rows)} dari {len(capaian)})"
    return indicator_rows(rows, settings, title)


def at_risk(sd: pd.DataFrame, triwulan: int, tahun: int) -> Html:
    """List indicators at risk by the quarter (`triwulan.at_risk`), or say there are none.

    `sd` is `triwulan.capaian_to_date`'s frame. The sentence counts every status, so a year
    without quarterly data says so instead of listing every indicator as at risk.
    """
    romawi = tw.ROMAWI[tw.check_triwulan(triwulan)]
    ringkas = tw.describe_triwulan(sd, triwulan, tahun)
    berisiko = tw.at_risk(sd)
    if berisiko.empty:
        return paragraph(f"{ringkas} Tidak ada indikator berisiko s.d. Triwulan {romawi}.")
    title = f"Indikator Berisiko s.d. Triwulan {romawi} Tahun {tahun}"
    return Html(paragraph(ringkas) + tw.capaian_table(berisiko, triwulan, title))


def _summary_table(
    summary: pd.DataFrame, label: pd.Series, heading: str, settings: CapaianSettings, title: str
) -> Html:
    """Tabulate counts and average capaian per group (`summarise_capaian`)."""
    rata = summary[_printed(settings)]
    body = pd.DataFrame(
        {
            "nama": label.to_numpy(),
            "jumlah": summary["jumlah"].map(format_angka).to_numpy(),
            "tercapai": summary["tercapai"].map(format_angka).to_numpy(),
            "tidak": summary["tidak_tercapai"].map(format_angka).to_numpy(),
            "kosong": (summary["belum_ada_data"] + summary["target_belum_ditetapkan"])
            .map(format_angka)
            .to_numpy(),
            "rata": rata.map(lambda v: format_persen(v, settings.desimal)).to_numpy(),
        }
    )
    columns = [
        Column("nama", heading, width="40%"),
        Column("jumlah", "Jumlah Indikator", "angka"),
        Column("tercapai", "Tercapai", "angka"),
        Column("tidak", "Tidak Tercapai", "angka"),
        Column("kosong", "Belum Ada Data/Target", "angka"),
        Column("rata", "Rata-rata Capaian", "angka"),
    ]
    values = pd.DataFrame(
        {
            "jumlah": summary["jumlah"].to_numpy(),
            "tercapai": summary["tercapai"].to_numpy(),
            "tidak": summary["tidak_tercapai"].to_numpy(),
            "kosong": (summary["belum_ada_data"] + summary["target_belum_ditetapkan"]).to_numpy(),
            "rata": rata.to_numpy(),
        }
    )
    return render_table(body, columns, title, values=values)


def per_program(capaian: pd.DataFrame, year: YearData, settings: CapaianSettings) -> Html:
    """Capaian per programme: how many indicators, how many met, the average capaian."""
    summary = summarise_capaian(capaian, ["program"])
    nama = year.program.set_index("kode")["nama"]
    label = summary["program"] + " " + summary["program"].map(nama)
    return _summary_table(summary, label, "Program", settings, "Capaian per Program")


def per_kegiatan(
    capaian: pd.DataFrame, year: YearData, program: str, settings: CapaianSettings
) -> Html:
    """Capaian per kegiatan of one programme, or a sentence when it has none."""
    rows = capaian.loc[capaian["program"].eq(program) & capaian["kegiatan"].notna()]
    if rows.empty:
        return paragraph(f"Program {program} tidak memiliki kegiatan dengan indikator kinerja.")
    summary = summarise_capaian(rows, ["kegiatan"])
    info = year.kegiatan.set_index("id")
    label = summary["kegiatan"] + " " + summary["kegiatan"].map(info["nama"])
    title = f"Capaian per Kegiatan Program {program}"
    return _summary_table(summary, label, "Kegiatan", settings, title)


def of_kegiatan(
    capaian: pd.DataFrame, program: str, kegiatan: str | None, settings: CapaianSettings
) -> Html:
    """List the indicators of one kegiatan (of the programme itself when kegiatan is None)."""
    if kegiatan is None:
        rows = capaian.loc[capaian["program"].eq(program) & capaian["kegiatan"].isna()]
        title = f"Indikator Program {program}"
    else:
        rows = capaian.loc[capaian["kegiatan"].eq(kegiatan).fillna(False)]
        title = f"Indikator Kegiatan {kegiatan}"
    if rows.empty:
        return paragraph(f"{title} belum ada di Perjanjian Kinerja.")
    return indicator_rows(rows, settings, title)


def efisiensi_baris(capaian: pd.DataFrame, year: YearData, ambang: float = 5.0) -> pd.DataFrame:
    """Efficiency of every budget line linked to indicators: the figures of the report's table.

    `evaluasi.efisiensi_anggaran` over `evaluasi.tautan_anggaran`, as Bab III computes it.
    """
    tautan = evaluasi.tautan_anggaran(capaian, year.pohon, year.anggaran)
    return evaluasi.efisiensi_anggaran(capaian, tautan, year.anggaran, ambang)


def efisiensi(capaian: pd.DataFrame, year: YearData, ambang: float = 5.0) -> Html:
    """Show the report's efficiency table (Bab III), or say why there is none."""
    frame = efisiensi_baris(capaian, year, ambang)
    if frame.empty:
        return paragraph(
            "Tidak ada baris anggaran yang terkait dengan indikator kinerja, sehingga efisiensi "
            "belum dapat dihitung."
        )
    return efisiensi_table(frame, ambang)


def unlinked_lines(capaian: pd.DataFrame, year: YearData) -> Html:
    """Say which lowest budget lines fund no indicator, so have no efficiency figure."""
    lines = year.anggaran
    if lines.empty:
        return paragraph("Anggaran tahun ini belum tersedia.")
    daun = lines[~lines["kode"].isin(lines["induk"].dropna())]
    unlinked = evaluasi.baris_tanpa_indikator(lines, efisiensi_baris(capaian, year))
    if unlinked.empty:
        return paragraph("Setiap baris anggaran rincian membiayai paling sedikit satu indikator.")
    names = (unlinked["kode"] + " " + unlinked["uraian"]).tolist()
    return paragraph(
        f"{len(unlinked)} dari {len(daun)} baris anggaran rincian tidak memiliki angka efisiensi "
        "karena tidak ada indikator yang tertaut ke kodenya (kode_anggaran di indikator.csv atau "
        "pada simpul pohon kinerja): " + "; ".join(names) + "."
    )


def spending_without_result(
    capaian: pd.DataFrame, year: YearData, settings: CapaianSettings
) -> Html:
    """Lowest budget lines that spent while some of the indicators they fund are not met.

    Same lines and figures as the report's efficiency table (`efisiensi_baris`), ordered by
    realisasi anggaran, largest first: where money went without the result.
    """
    frame = efisiensi_baris(capaian, year)
    daun = frame[~frame["kode"].isin(frame["induk"].dropna())]
    status = capaian.set_index("id")["status"]
    ids = daun["indikator"].str.split(", ")
    tercapai = ids.map(lambda xs: int(status.reindex(xs).eq(STATUS_TERCAPAI).sum()))
    spent = daun["realisasi"].astype("Float64").fillna(0) > 0
    rows = daun.loc[spent & (tercapai < daun["jumlah_indikator"])]
    rows = rows.sort_values("realisasi", ascending=False)
    if rows.empty:
        return paragraph(
            "Tidak ada baris anggaran yang menyerap anggaran tanpa mencapai semua target "
            "indikatornya."
        )
    body = pd.DataFrame(
        {
            "baris": rows["kode"] + " " + rows["uraian"],
            "realisasi": rows["realisasi"].map(lambda v: format_rupiah(v)),
            "penyerapan": rows["penyerapan"].map(format_persen),
            "tercapai": tercapai[rows.index].map(format_angka)
            + " dari "
            + rows["jumlah_indikator"].map(format_angka),
            "capaian": rows["capaian"].map(lambda v: format_persen(v, settings.desimal)),
        }
    )
    columns = [
        Column("baris", "Baris Anggaran", width="40%"),
        Column("realisasi", "Realisasi (Rp)", "angka"),
        Column("penyerapan", "Penyerapan", "angka"),
        Column("tercapai", "Indikator Tercapai", "tengah"),
        Column("capaian", "Rata-rata Capaian", "angka"),
    ]
    values = rows[["realisasi", "penyerapan", "capaian"]]
    title = "Baris Anggaran yang Menyerap Anggaran tanpa Mencapai Semua Target"
    return render_table(body, columns, title, values=values)


def what_if(dicoba: pd.DataFrame, sekarang: pd.DataFrame, settings: CapaianSettings) -> Html:
    """Say what the tried realisasi gives, against the recorded one, with the cap applied.

    `dicoba` and `sekarang` are `compute_capaian` rows of the same indicator: with the
    realisasi tried and with the recorded one.
    """
    baru, lama = dicoba.iloc[0], sekarang.iloc[0]

    def hasil(row: pd.Series) -> str:
        if pd.isna(row["capaian"]):
            return str(row["status"])
        dicetak = row.get("capaian_dicetak", row["capaian"])
        teks = format_persen(dicetak, settings.desimal)
        if dicetak != row["capaian"]:
            teks += f" (sebelum dibatasi {format_persen(row['capaian'], settings.desimal)})"
        return f"{teks}, {row['status']}, predikat {row['predikat']}"

    if pd.isna(baru["target_teks"]):
        return paragraph(
            f"{baru['id']} {baru['uraian']}: target belum ditetapkan, sehingga capaian belum "
            "dapat dihitung."
        )
    target = value_text(dicoba, "target").iloc[0]
    realisasi = value_text(dicoba, "realisasi").iloc[0]
    tercatat = value_text(sekarang, "realisasi").iloc[0]
    kalimat = (
        f"{baru['id']} {baru['uraian']}: dengan realisasi {realisasi} (target {target}) "
        f"capaiannya {hasil(baru)}. "
        + (
            f"Realisasi tercatat {tercatat}: capaian {hasil(lama)}."
            if pd.notna(tercatat)
            else "Realisasi belum tercatat."
        )
    )
    return paragraph(kalimat)


def movers(years: Sequence[YearData], settings: CapaianSettings, jumlah: int = 10) -> Html:
    """List the indicators whose capaian moved most since the year before, or say why not."""
    if len(years) < 2:
        return paragraph(
            f"Hanya tahun {years[-1].tahun} yang ada di folder data satker ini; perbandingan "
            "dengan tahun sebelumnya membutuhkan folder tahun itu."
        )
    banding = tren.compare_indikator(years, settings)
    ubah = banding["perubahan_capaian"]
    ada = banding.loc[ubah.notna() & ubah.ne(0)]
    if ada.empty:
        return paragraph(
            f"Capaian tidak berubah antara tahun {banding['tahun_lalu'].iloc[0]} dan "
            f"{banding['tahun'].iloc[0]} untuk indikator yang ada di kedua tahun."
        )
    urut = ada.reindex(ada["perubahan_capaian"].abs().sort_values(ascending=False).index)
    rows = urut.head(jumlah)
    kini, lalu = int(rows["tahun"].iloc[0]), int(rows["tahun_lalu"].iloc[0])
    body = pd.DataFrame(
        {
            "id": rows["id"],
            "indikator": rows["uraian"],
            "lalu": rows["capaian_lalu"].map(lambda v: format_persen(v, settings.desimal)),
            "kini": rows["capaian"].map(lambda v: format_persen(v, settings.desimal)),
            "poin": rows["perubahan_capaian"].map(
                lambda v: ("+" if v > 0 else "") + format_angka(v, settings.desimal)
            ),
            "keterangan": rows["keterangan"].fillna(""),
        }
    )
    columns = [
        Column("id", "Id", "tengah"),
        Column("indikator", "Indikator Kinerja", width="40%"),
        Column("lalu", f"Capaian {lalu}", "angka"),
        Column("kini", f"Capaian {kini}", "angka"),
        Column("poin", "Perubahan (poin)", "angka"),
        Column("keterangan", "Keterangan"),
    ]
    values = rows[["capaian_lalu", "capaian", "perubahan_capaian"]].set_axis(
        ["lalu", "kini", "poin"], axis=1
    )
    title = f"{len(rows)} Indikator dengan Perubahan Capaian Terbesar {lalu}-{kini}"
    return render_table(body, columns, title, values=values)


def indicator_changes(years: Sequence[YearData]) -> Html:
    """List indicators that appeared, disappeared or changed satuan (nothing for one year)."""
    if len(years) < 2:
        return Html("")
    perubahan = tren.indikator_changes(years)
    rentang = f"{years[0].tahun}-{years[-1].tahun}"
    if perubahan.empty:
        return paragraph(f"Tidak ada indikator yang muncul, hilang atau berubah satuan {rentang}.")
    return tren.changes_table(
        perubahan, f"Indikator yang Muncul, Hilang atau Berubah Satuan {rentang}"
    )
