"""Quarterly monitoring: realisasi and capaian to date (TW I-IV), indicators at risk, budget.

Each indicator declares how its quarterly realisasi combine (``agregasi_triwulan`` in
indikator.csv): ``jumlah`` adds the quarters (a count of reports, of activities), ``terakhir``
takes the last reported value (a percentage measured at a date), ``rata-rata`` averages the
reported quarters. A quarter left empty is not reported and is skipped, never read as 0.
The rules, the pace used to call an indicator at risk, and the optional quarterly budget file
``anggaran_triwulan.csv`` are documented in docs/tahunan.md.
"""

from __future__ import annotations

from functools import partial
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lakipkit.anggaran import compute_penyerapan, rollup
from lakipkit.capaian import (
    STATUS_BELUM_ADA_DATA,
    STATUS_TARGET_BELUM_DITETAPKAN,
    STATUS_TIDAK_TERCAPAI,
    CapaianSettings,
    compute_capaian,
)
from lakipkit.display import Html, ReportTable
from lakipkit.errors import DataValidationError, Finding
from lakipkit.formatting import format_angka, format_nilai, format_persen
from lakipkit.loading import read_checked
from lakipkit.periode import JUMLAH, TERAKHIR, combine_realisasi, nilai_teks
from lakipkit.schemas import ANGGARAN_TRIWULAN
from lakipkit.tables import BELUM_DITETAPKAN, ROW_CLASS, Column, capaian_text, render_table

TRIWULAN = (1, 2, 3, 4)


def check_triwulan(triwulan: int) -> int:
    """Return ``triwulan`` as an int in 1-4, or say what is expected."""
    if triwulan not in TRIWULAN:
        raise ValueError(f"triwulan {triwulan!r} tidak sah: pilih 1, 2, 3 atau 4")
    return int(triwulan)


def realisasi_to_date(
    indikator: pd.DataFrame, realisasi_triwulan: pd.DataFrame, triwulan: int
) -> pd.DataFrame:
    """Set ``realisasi`` and ``realisasi_teks`` of the indikator frame to the end of TW n.

    Quarters up to ``triwulan`` are combined by each indicator's ``agregasi_triwulan``; adds
    ``triwulan_dilaporkan`` (how many quarters reported) and ``triwulan_terakhir``.
    """
    n = check_triwulan(triwulan)
    satuan = indikator.set_index("id")["satuan"]
    laporan = realisasi_triwulan.assign(urutan=realisasi_triwulan["triwulan"].astype(int))
    laporan = laporan[laporan["urutan"].le(n)].assign(satuan=lambda f: f["indikator"].map(satuan))
    aturan = pd.Series(
        indikator["agregasi_triwulan"].fillna(TERAKHIR).to_numpy(), index=indikator["id"]
    )
    sd = combine_realisasi(laporan, aturan).set_axis(indikator.index)
    return indikator.assign(
        realisasi=sd["realisasi"],
        realisasi_teks=sd["realisasi_teks"],
        triwulan_dilaporkan=sd["periode_dilaporkan"],
        triwulan_terakhir=sd["periode_terakhir"],
    )


def capaian_to_date(
    indikator: pd.DataFrame,
    realisasi_triwulan: pd.DataFrame,
    triwulan: int,
    settings: CapaianSettings | None = None,
) -> pd.DataFrame:
    """Capaian to date against the year's target, and which indicators are at risk.

    Adds to `realisasi_to_date` the columns of ``compute_capaian`` and the pace: for a
    ``jumlah`` indicator the year's target is spread evenly over the quarters, so by TW n it
    should stand at ``target x n/4`` (``target_laju``); a ``terakhir`` or ``rata-rata``
    indicator should already be at its target. ``capaian_laju`` is the capaian against that
    pace (by the same polaritas rules) and ``berisiko`` is True when it is below 100, <NA>
    when nothing was reported yet or the target is not set.
    """
    n = check_triwulan(triwulan)
    sd = realisasi_to_date(indikator, realisasi_triwulan, n)
    capaian = compute_capaian(sd, settings)
    bagian = np.where(sd["agregasi_triwulan"].eq(JUMLAH), n / len(TRIWULAN), 1.0)
    laju = compute_capaian(
        sd.assign(target=sd["target"] * bagian, target_atas=sd["target_atas"] * bagian),
        settings,
    )
    berisiko = laju["status"].eq(STATUS_TIDAK_TERCAPAI).astype("boolean")
    return capaian.assign(
        target_laju=sd["target"] * bagian,
        target_laju_teks=nilai_teks(sd["target"] * bagian, sd["satuan"]).where(
            sd["polaritas"].ne("kualitatif"), sd["target_teks"]
        ),
        capaian_laju=laju["capaian"],
        berisiko=berisiko.mask(laju["capaian"].isna()),
    )


def read_anggaran_triwulan(data_dir: Path | str, satker: str, tahun: int) -> pd.DataFrame:
    """Read ``data/<satker>/<tahun>/anggaran_triwulan.csv``; an empty frame if absent.

    Columns: ``kode``, ``triwulan`` (int), ``rencana`` and ``realisasi`` (Int64 rupiah,
    <NA> when empty). Raises ``DataValidationError`` naming every bad row.
    """
    root = Path(data_dir)
    path = root / satker / str(tahun) / ANGGARAN_TRIWULAN.file
    return read_checked(path, ANGGARAN_TRIWULAN, root).astype({"triwulan": "int64"})


def penyerapan_to_date(
    anggaran: pd.DataFrame, anggaran_triwulan: pd.DataFrame, triwulan: int
) -> pd.DataFrame:
    """Budget planned and spent to the end of TW n per line, against the pagu.

    Quarterly rows are usually given for the lowest lines; a line without rows of its own
    sums its children (penyerapan is computed from sums, never averaged). Adds to the budget
    lines ``tingkat``, ``rencana_sd``, ``realisasi_sd`` (Int64, <NA> if nothing reported),
    ``realisasi_lengkap`` (every quarter up to n reported), ``penyerapan_sd`` and
    ``rencana_persen`` (percent of pagu) and ``deviasi`` (penyerapan_sd - rencana_persen, in
    points; negative = behind the plan).
    """
    n = check_triwulan(triwulan)
    _check_kode(anggaran, anggaran_triwulan)
    lines = rollup(anggaran)[0]
    sampai = anggaran_triwulan[anggaran_triwulan["triwulan"].le(n)]
    per = sampai.groupby("kode", sort=False)
    sendiri = pd.DataFrame(
        {
            "rencana_sd": per["rencana"].sum(min_count=1),
            "realisasi_sd": per["realisasi"].sum(min_count=1),
            "realisasi_lengkap": per["realisasi"].count().eq(n),
        }
    )
    nilai = sendiri.reindex(lines["kode"].to_numpy()).set_axis(lines.index)
    punya = lines["kode"].isin(sendiri.index)
    for tingkat in range(int(lines["tingkat"].max()), 0, -1):  # one step per level, bottom-up
        anak = lines["tingkat"].eq(tingkat) & punya
        per_induk = nilai[anak].groupby(lines.loc[anak, "induk"].to_numpy(), sort=False)
        jumlah = (
            per_induk[["rencana_sd", "realisasi_sd"]]
            .sum(min_count=1)
            .assign(realisasi_lengkap=per_induk["realisasi_lengkap"].all())
        )
        isi = ~punya & lines["kode"].isin(jumlah.index)
        nilai.loc[isi] = jumlah.reindex(lines.loc[isi, "kode"].to_numpy()).set_axis(
            lines.index[isi]
        )
        punya = punya | isi
    nilai = nilai.astype(
        {"rencana_sd": "Int64", "realisasi_sd": "Int64", "realisasi_lengkap": "boolean"}
    )
    hasil = lines[["kode", "induk", "uraian", "sumber_dana", "pagu", "tingkat"]].join(nilai)
    penyerapan = compute_penyerapan(hasil.assign(realisasi=hasil["realisasi_sd"]))["penyerapan"]
    rencana = compute_penyerapan(hasil.assign(realisasi=hasil["rencana_sd"]))["penyerapan"]
    return hasil.assign(
        penyerapan_sd=penyerapan, rencana_persen=rencana, deviasi=penyerapan - rencana
    )


def _check_kode(anggaran: pd.DataFrame, anggaran_triwulan: pd.DataFrame) -> None:
    """Refuse quarterly rows for a budget line that anggaran.csv does not have."""
    asing = anggaran_triwulan[~anggaran_triwulan["kode"].isin(anggaran["kode"])]
    if len(asing):
        raise DataValidationError(
            Finding(
                "error",
                ANGGARAN_TRIWULAN.file,
                int(index) + 2,
                "kode",
                str(kode),
                "kode baris yang ada di anggaran.csv tahun yang sama",
                "tidak ada di anggaran.csv",
                "unknown_reference",
            )
            for index, kode in asing["kode"].items()
        )


# --- presentation: tables of the quarterly report (notebooks/triwulan.py) ----------------------

ROMAWI = {1: "I", 2: "II", 3: "III", 4: "IV"}
BERISIKO = "berisiko"
SESUAI_LAJU = "sesuai laju"


def status_laju(capaian: pd.DataFrame) -> pd.Series:
    """Say 'berisiko', 'sesuai laju', 'belum ada data' or 'target belum ditetapkan'.

    ``capaian`` is the frame of `capaian_to_date` (columns ``berisiko`` and ``status``).
    """
    berisiko = capaian["berisiko"]
    return pd.Series(
        np.select(
            [
                capaian["status"].eq(STATUS_TARGET_BELUM_DITETAPKAN).to_numpy(dtype=bool),
                berisiko.isna().to_numpy(),
                berisiko.fillna(False).to_numpy(dtype=bool),
            ],
            [STATUS_TARGET_BELUM_DITETAPKAN, STATUS_BELUM_ADA_DATA, BERISIKO],
            SESUAI_LAJU,
        ),
        index=capaian.index,
        dtype="string",
    )


def at_risk(capaian: pd.DataFrame) -> pd.DataFrame:
    """Return the indicators at risk (`capaian_to_date`'s ``berisiko`` True), in PK order.

    The one rule for "berisiko", used by the quarterly report and the exploration notebook:
    below the pace of its target by the quarter. An indicator without quarterly data or
    without a target is not at risk but "belum ada data" / "target belum ditetapkan".
    """
    return capaian.loc[capaian["berisiko"].fillna(False).astype(bool)]


def heading_html(profile: dict[str, Any], triwulan: int, tahun: int) -> Html:
    """Title of the quarterly report with the unit's name, and its running page title."""
    judul = f"Pemantauan Kinerja Triwulan {ROMAWI[check_triwulan(triwulan)]} Tahun {tahun}"
    nama, singkat = str(profile.get("nama", "")), str(profile.get("nama_singkat", ""))
    return Html(
        f'<h1>{escape(judul)}<span class="sub">{escape(nama)}</span></h1>'
        f'<p class="judul-berjalan">{escape(judul)} | {escape(singkat)}</p>'
    )


def describe_triwulan(capaian: pd.DataFrame, triwulan: int, tahun: int) -> str:
    """Say how many indicators are on pace, at risk, without data or without a target."""
    status = status_laju(capaian).value_counts()
    tanpa_target = status.get(STATUS_TARGET_BELUM_DITETAPKAN, 0)
    return (
        f"Sampai dengan Triwulan {ROMAWI[check_triwulan(triwulan)]} Tahun {tahun}, dari "
        f"{len(capaian)} indikator kinerja: {status.get(SESUAI_LAJU, 0)} sesuai laju, "
        f"{status.get(BERISIKO, 0)} berisiko tidak mencapai target, "
        + (f"{tanpa_target} belum memiliki target, " if tanpa_target else "")
        + f"dan {status.get(STATUS_BELUM_ADA_DATA, 0)} belum ada data realisasi triwulan."
    )


def capaian_table(capaian: pd.DataFrame, triwulan: int, title: str) -> ReportTable:
    """Tabulate indicators to the end of TW n (`capaian_to_date`): rule, capaian, pace."""
    tw = ROMAWI[check_triwulan(triwulan)]
    status = status_laju(capaian)
    body = pd.DataFrame(
        {
            "id": capaian["id"],
            "indikator": capaian["uraian"],
            "aturan": capaian["agregasi_triwulan"],
            "target": capaian["target_teks"].map(partial(format_nilai, kosong=BELUM_DITETAPKAN)),
            "realisasi": capaian["realisasi_teks"].map(
                partial(format_nilai, kosong=STATUS_BELUM_ADA_DATA)
            ),
            "capaian": capaian_text(capaian),
            "laju": capaian["target_laju_teks"].fillna(BELUM_DITETAPKAN),
            "capaian_laju": capaian["capaian_laju"].map(format_persen),
            "status": status,
            "kelas": "status-" + status.str.replace(" ", "-", regex=False),
        }
    )
    columns = [
        Column("id", "Kode", "tengah", "7%"),
        Column("indikator", "Indikator Kinerja", width="31%"),
        Column("aturan", "Penggabungan", "tengah", "10%"),
        Column("target", "Target Tahunan", "tengah", "9%"),
        Column("realisasi", f"Realisasi s.d. TW {tw}", "tengah", "9%"),
        Column("capaian", "Capaian", "angka", "8%"),
        Column("laju", f"Target Laju TW {tw}", "tengah", "9%"),
        Column("capaian_laju", "Capaian Laju", "angka", "8%"),
        Column("status", "Status", "tengah", "9%", class_key="kelas"),
    ]
    notes = (
        f"Capaian: realisasi s.d. TW {tw} terhadap target tahunan. Target laju: target x "
        f"{triwulan}/4 untuk indikator yang dijumlah, target tahunan untuk indikator terakhir "
        "dan rata-rata; indikator berisiko bila capaian laju di bawah 100%."
    )
    return render_table(body, columns, title, notes)


def anggaran_table(penyerapan: pd.DataFrame, triwulan: int, title: str) -> ReportTable:
    """Tabulate budget to the end of TW n (`penyerapan_to_date`) against pagu and plan."""
    tw = ROMAWI[check_triwulan(triwulan)]
    lengkap = penyerapan["realisasi_lengkap"].fillna(False).to_numpy(dtype=bool)
    body = pd.DataFrame(
        {
            "kode": penyerapan["kode"],
            "uraian": penyerapan["uraian"],
            "pagu": penyerapan["pagu"].map(format_angka),
            "rencana": penyerapan["rencana_sd"].map(format_angka),
            "realisasi": penyerapan["realisasi_sd"].map(format_angka) + np.where(lengkap, "", "*"),
            "rencana_persen": penyerapan["rencana_persen"].map(format_persen),
            "penyerapan": penyerapan["penyerapan_sd"].map(format_persen),
            "deviasi": penyerapan["deviasi"].map(lambda v: format_angka(v, 2)),
            ROW_CLASS: np.where(penyerapan["tingkat"].eq(0), "induk", ""),
        }
    )
    columns = [
        Column("kode", "Kode", "tengah", "8%"),
        Column("uraian", "Program/Kegiatan", width="24%"),
        Column("pagu", "Pagu (Rp)", "angka", "14%"),
        Column("rencana", "Rencana (Rp)", "angka", "14%"),
        Column("realisasi", "Realisasi (Rp)", "angka", "14%"),
        Column("rencana_persen", "% Rencana", "angka", "9%"),
        Column("penyerapan", "% Realisasi", "angka", "9%"),
        Column("deviasi", "Deviasi", "angka", "8%"),
    ]
    notes = (
        f"Rencana dan realisasi dijumlah s.d. TW {tw}; persen terhadap pagu; deviasi = "
        "% realisasi - % rencana (poin), negatif berarti di belakang rencana."
        + ("" if lengkap.all() else " * Ada triwulan yang realisasinya belum dilaporkan.")
    )
    return render_table(body, columns, title, notes)
