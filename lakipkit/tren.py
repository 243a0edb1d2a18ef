"""Year after year: one satker's indicators and budget compared across several years.

Indicators and budget lines are matched by their stable ids (data/README.md), never by
position or wording. Nothing is dropped silently: an indicator that appears, disappears or
changes satuan between two years is listed as a change, and keeps its row in the comparison.
Progress towards the Renstra end target reads the satker's ``renstra.csv`` (docs/tahunan.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import rc_context

from lakipkit.anggaran import compute_penyerapan
from lakipkit.capaian import STATUS_BELUM_ADA_DATA, CapaianSettings, compute_capaian
from lakipkit.charts import STYLE, WIDTH_IN, Chart, remembered
from lakipkit.display import Html, ReportTable
from lakipkit.errors import DataValidationError, Finding
from lakipkit.formatting import format_angka, format_nilai, format_persen
from lakipkit.loading import YearData, list_years, load_year, read_table, typed_frame
from lakipkit.narrative import paragraph
from lakipkit.parsing import nilai_frame, normalize_satuan
from lakipkit.periode import combine_realisasi
from lakipkit.schemas import RENSTRA, RenstraTarget
from lakipkit.tables import ROW_CLASS, Column, capaian_text, render_table

MUNCUL = "muncul"
HILANG = "hilang"
SATUAN_BERUBAH = "satuan berubah"


def read_renstra(data_dir: Path | str, satker: str) -> pd.DataFrame:
    """Read ``data/<satker>/renstra.csv`` (empty frame if absent); raise on bad rows.

    Columns: ``indikator, tahun (int), target_teks, target, target_atas, target_akhir_teks,
    target_akhir, target_akhir_atas, agregasi`` and, per indikator, ``periode_awal``,
    ``periode_akhir`` (its first and last year). ``target_akhir`` and ``agregasi`` are
    properties of the indicator, so they are spread to all its rows; an empty
    ``target_akhir`` means the target of the indicator's last year.
    """
    from lakipkit.memo import DATA

    path = Path(data_dir).resolve() / satker / RENSTRA.file
    return DATA.recall(("read_renstra", str(path)), [path], lambda: _read_renstra(data_dir, satker))


def _read_renstra(data_dir: Path | str, satker: str) -> pd.DataFrame:
    root = Path(data_dir)
    path = root / satker / RENSTRA.file
    findings: list[Finding] = []
    raw = read_table(path, RENSTRA, root, findings)
    frame = typed_frame(raw, RenstraTarget)
    findings += _renstra_conflicts(frame, str(path))
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise DataValidationError(errors)
    frame = frame.astype({"tahun": "int64"})
    per = frame.groupby("indikator", sort=False)
    akhir = frame["tahun"].eq(per["tahun"].transform("max"))
    spread = {
        name: per[name].transform("first")
        for name in ("target_akhir_teks", "target_akhir", "target_akhir_atas", "agregasi")
    }
    last = {
        "target_akhir_teks": "target_teks",
        "target_akhir": "target",
        "target_akhir_atas": "target_atas",
    }
    for name, source in last.items():
        at_end = frame[source].where(akhir)
        spread[name] = spread[name].fillna(
            at_end.groupby(frame["indikator"], sort=False).transform("first")
        )
    spread["agregasi"] = spread["agregasi"].fillna("terakhir")
    return frame.assign(
        **spread,
        periode_awal=per["tahun"].transform("min"),
        periode_akhir=per["tahun"].transform("max"),
    )


def renstra_targets(renstra: pd.DataFrame, tahun: int) -> pd.Series:
    """Give the Renstra target text of each indicator for ``tahun``, indexed by its id."""
    rows = renstra[renstra["tahun"].eq(tahun)]
    return pd.Series(
        rows["target_teks"].to_numpy(), index=rows["indikator"].to_numpy(), dtype="string"
    )


def _renstra_conflicts(frame: pd.DataFrame, file: str) -> list[Finding]:
    """Flag an indicator given two different target_akhir or agregasi values."""
    findings = []
    for column, shown in (("target_akhir_teks", "target_akhir"), ("agregasi", "agregasi")):
        filled = frame[frame[column].notna()]
        distinct = filled.groupby("indikator")[column].transform("nunique")
        bad = filled[distinct > 1]
        findings += [
            Finding(
                "error",
                file,
                int(index) + 2,
                shown,
                str(value),
                f"satu nilai {shown} per indikator (tulis pada satu baris saja)",
                f"berbeda dari baris lain indikator {ind}",
                "inconsistent",
            )
            for index, value, ind in zip(bad.index, bad[column], bad["indikator"], strict=True)
        ]
    return findings


def _urut(years: Sequence[YearData]) -> list[YearData]:
    """Sort the years of one satker, oldest first; refuse mixed satker or a repeated year."""
    satker = {year.satker_id for year in years}
    if len(satker) > 1:
        raise ValueError(f"perbandingan antar tahun butuh satu satker, ditemukan {sorted(satker)}")
    tahun = [year.tahun for year in years]
    if not years or len(set(tahun)) != len(tahun):
        raise ValueError(
            f"butuh paling sedikit satu tahun, masing-masing sekali; ditemukan {tahun}"
        )
    return sorted(years, key=lambda year: year.tahun)


def capaian_by_year(
    years: Sequence[YearData], settings: CapaianSettings | None = None
) -> pd.DataFrame:
    """One row per year and indicator: the indikator frame, ``tahun`` and its capaian."""
    return pd.concat(
        [
            compute_capaian(year.indikator, settings).assign(tahun=year.tahun)
            for year in _urut(years)
        ],
        ignore_index=True,
    )


def indikator_changes(years: Sequence[YearData]) -> pd.DataFrame:
    """List indicators that appear, disappear or change satuan between the given years.

    One row per change: ``id``, ``tahun`` (the year the change is seen), ``tahun_sebelumnya``,
    ``perubahan`` (``muncul``, ``hilang``, ``satuan berubah``), ``satuan_lama``,
    ``satuan_baru`` and ``uraian`` (its latest wording). Years need not be consecutive: the
    change is between each given year and the given year before it.
    """
    semua = capaian_by_year(years)[["tahun", "id", "uraian", "satuan"]]
    tahun = sorted(semua["tahun"].unique())
    satuan = semua.pivot(index="id", columns="tahun", values="satuan").reindex(
        index=pd.unique(semua["id"])
    )
    baku = satuan.apply(lambda kolom: kolom.map(normalize_satuan, na_action="ignore"))
    lama, lama_baku = satuan.shift(axis=1), baku.shift(axis=1)
    perubahan = pd.concat(
        {
            MUNCUL: baku.notna() & lama_baku.isna(),
            HILANG: baku.isna() & lama_baku.notna(),
            SATUAN_BERUBAH: baku.notna() & lama_baku.notna() & baku.ne(lama_baku),
        },
        names=["perubahan"],
    ).drop(columns=tahun[0])
    terjadi = perubahan.stack().rename_axis(["perubahan", "id", "tahun"])
    terjadi = terjadi[terjadi].reset_index()[["id", "tahun", "perubahan"]]
    sebelumnya = dict(zip(tahun[1:], tahun[:-1], strict=True))
    uraian = semua.drop_duplicates("id", keep="last").set_index("id")["uraian"]
    kunci = pd.MultiIndex.from_frame(terjadi[["id", "tahun"]])
    hasil = terjadi.assign(
        tahun_sebelumnya=terjadi["tahun"].map(sebelumnya),
        satuan_lama=lama.stack().reindex(kunci).to_numpy(),
        satuan_baru=satuan.stack().reindex(kunci).to_numpy(),
        uraian=terjadi["id"].map(uraian),
    )
    return hasil.sort_values(["tahun", "perubahan"], kind="stable").reset_index(drop=True)


def compare_indikator(
    years: Sequence[YearData],
    settings: CapaianSettings | None = None,
    renstra: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Put the latest given year's indicators next to the year before it, matched by id.

    One row per indicator of the latest year, then one per indicator of the year before that
    is gone: ``id, sasaran, uraian, satuan, target_teks, realisasi_teks, realisasi, capaian,
    capaian_terbatas, status``, the same of the previous year with suffix ``_lalu`` (and
    ``tahun_lalu``), ``perubahan_capaian`` (points, uncapped), ``perubahan_realisasi`` (only
    when the satuan is the same) and ``keterangan`` (``baru``, ``tidak ada lagi``, ``satuan
    berubah: a -> b``). With a ``renstra`` frame (`read_renstra`), the columns of
    `progress_renstra` are added.
    """
    semua = capaian_by_year(years, settings)
    tahun = sorted(semua["tahun"].unique())
    kolom = [
        "sasaran",
        "uraian",
        "satuan",
        "target_teks",
        "realisasi_teks",
        "realisasi",
        "capaian",
        "capaian_terbatas",
        "capaian_dicetak",
        "status",
    ]
    kini = semua[semua["tahun"].eq(tahun[-1])].set_index("id")[kolom]
    lalu = semua[semua["tahun"].eq(tahun[-2] if len(tahun) > 1 else np.nan)].set_index("id")
    urutan = kini.index.append(lalu.index.difference(kini.index, sort=False))
    hasil = kini.reindex(urutan).join(lalu[kolom].add_suffix("_lalu"))
    ada_kini, ada_lalu = urutan.isin(kini.index), urutan.isin(lalu.index)
    satuan = hasil["satuan"].map(normalize_satuan, na_action="ignore")
    satuan_lalu = hasil["satuan_lalu"].map(normalize_satuan, na_action="ignore")
    berubah = ada_kini & ada_lalu & satuan.ne(satuan_lalu).fillna(False).to_numpy(dtype=bool)
    keterangan = np.select(
        [len(tahun) < 2, ~ada_kini, ~ada_lalu, berubah],
        [
            "",
            "tidak ada lagi",
            "baru",
            "satuan berubah: "
            + hasil["satuan_lalu"].fillna("")
            + " -> "
            + hasil["satuan"].fillna(""),
        ],
        "",
    )
    hasil = (
        hasil.assign(
            sasaran=hasil["sasaran"].fillna(hasil["sasaran_lalu"]),
            uraian=hasil["uraian"].fillna(hasil["uraian_lalu"]),
            tahun=tahun[-1],
            tahun_lalu=tahun[-2] if len(tahun) > 1 else pd.NA,
            perubahan_capaian=hasil["capaian"] - hasil["capaian_lalu"],
            perubahan_realisasi=(hasil["realisasi"] - hasil["realisasi_lalu"]).where(~berubah),
            keterangan=pd.Series(keterangan, index=hasil.index, dtype="string"),
        )
        .rename_axis("id")
        .reset_index()
    )
    if renstra is None or renstra.empty:
        return hasil
    kemajuan = progress_renstra(years, renstra, settings)
    return hasil.merge(
        kemajuan.drop(columns=["uraian", "satuan"]), on="id", how="left", validate="one_to_one"
    )


def progress_renstra(
    years: Sequence[YearData], renstra: pd.DataFrame, settings: CapaianSettings | None = None
) -> pd.DataFrame:
    """Realisasi to date against the Renstra end target, per indicator of renstra.csv.

    Realisasi to date combines the years of the indicator's Renstra period up to the latest
    given year, by the indicator's ``agregasi`` in renstra.csv: ``terakhir`` takes the latest
    year with data, ``jumlah`` adds the years (for an end target that is a period total).
    Only years whose satuan matches the Renstra target's are counted; a year in another
    satuan shows in `indikator_changes`. ``capaian_renstra`` applies the indicator's
    polaritas to realisasi to date against ``target_akhir``. Indicators of renstra.csv that
    are not PK indicators in the given years (e.g. RKT ids) are left out.

    Columns: ``id, uraian, satuan, periode, target_akhir_teks, agregasi, tahun_dihitung``
    (the years counted, e.g. '2022, 2023, 2024'), ``realisasi_sd_teks``, ``realisasi_sd``,
    ``capaian_renstra``, ``status_renstra``.
    """
    semua = capaian_by_year(years, settings)
    akhir = int(semua["tahun"].max())
    target = renstra.drop_duplicates("indikator").set_index("indikator")
    target = target[target.index.isin(semua["id"])]
    satuan_target = nilai_frame(target["target_akhir_teks"])["satuan"].fillna("")
    baris = semua.assign(
        awal=semua["id"].map(target["periode_awal"]),
        selesai=semua["id"].map(target["periode_akhir"]),
        satuan_target=semua["id"].map(satuan_target),
    )
    cocok = baris["satuan_target"].eq("") | baris["satuan"].map(normalize_satuan).eq(
        baris["satuan_target"].map(normalize_satuan, na_action="ignore")
    )
    dihitung = baris[baris["awal"].le(baris["tahun"]) & baris["tahun"].le(baris["selesai"]) & cocok]
    gabungan = combine_realisasi(
        dihitung.rename(columns={"id": "indikator", "tahun": "urutan"}), target["agregasi"]
    )
    dilaporkan = dihitung[dihitung["realisasi_teks"].notna()]
    tahun_dihitung = dilaporkan.groupby("id")["tahun"].agg(lambda t: ", ".join(map(str, t)))
    terbaru = semua[semua["tahun"].le(akhir)].drop_duplicates("id", keep="last").set_index("id")
    meta = terbaru.reindex(target.index)[
        ["uraian", "satuan", "polaritas", "rumus", "skala", "agregasi_triwulan"]
    ]
    ukur = meta.assign(
        id=target.index,
        target_teks=target["target_akhir_teks"],
        target=target["target_akhir"],
        target_atas=target["target_akhir_atas"],
        realisasi_teks=gabungan["realisasi_teks"],
        realisasi=gabungan["realisasi"],
    )
    capaian = compute_capaian(ukur, settings)
    return pd.DataFrame(
        {
            "id": target.index,
            "uraian": meta["uraian"],
            "satuan": meta["satuan"],
            "periode": target["periode_awal"].astype(str)
            + "-"
            + target["periode_akhir"].astype(str),
            "target_akhir_teks": target["target_akhir_teks"],
            "agregasi": target["agregasi"],
            "tahun_dihitung": tahun_dihitung.reindex(target.index).astype("string"),
            "realisasi_sd_teks": gabungan["realisasi_teks"],
            "realisasi_sd": gabungan["realisasi"],
            "capaian_renstra": capaian["capaian"],
            "status_renstra": capaian["status"],
        }
    ).reset_index(drop=True)


def compare_anggaran(years: Sequence[YearData]) -> pd.DataFrame:
    """Pagu, realisasi and penyerapan of every budget line across the given years.

    Lines (programmes and kegiatan of anggaran.csv) are matched by ``kode``; a line absent in
    a year has <NA> there. Rows: the lines of the latest year in its order, then lines only
    found in earlier years. Columns: ``kode``, ``uraian`` (latest wording), ``induk``, then
    ``pagu_<tahun>``, ``realisasi_<tahun>``, ``penyerapan_<tahun>`` per year, oldest first,
    and ``perubahan_penyerapan`` (points, latest year minus the year before).
    """
    urut = _urut(years)
    per_tahun = pd.concat(
        [compute_penyerapan(year.anggaran).assign(tahun=year.tahun) for year in urut[::-1]],
        ignore_index=True,
    )
    urutan = pd.unique(per_tahun["kode"])
    nilai = per_tahun.pivot(
        index="kode", columns="tahun", values=["pagu", "realisasi", "penyerapan"]
    ).reindex(index=urutan)
    nilai = nilai.sort_index(axis=1, level="tahun", sort_remaining=False)
    nilai.columns = [f"{ukuran}_{tahun}" for ukuran, tahun in nilai.columns]
    nama = per_tahun.drop_duplicates("kode").set_index("kode")[["uraian", "induk"]]
    nilai = nilai.astype(
        {c: "float64" if c.startswith("penyerapan_") else "Int64" for c in nilai.columns}
    )
    hasil = nama.reindex(urutan).join(nilai).rename_axis("kode").reset_index()
    tahun = [year.tahun for year in urut]
    if len(tahun) > 1:
        hasil["perubahan_penyerapan"] = (
            hasil[f"penyerapan_{tahun[-1]}"] - hasil[f"penyerapan_{tahun[-2]}"]
        )
    return hasil


@remembered
def tren_chart(capaian: pd.DataFrame, sasaran: str) -> Chart:
    """Capaian of one sasaran's indicators year by year, one line each, with the 100 % line.

    ``capaian`` is `capaian_by_year`; a year without the indicator (or without data) leaves
    a gap in its line rather than a 0.
    """
    rows = capaian[capaian["sasaran"].eq(sasaran)]
    tahun = sorted(capaian["tahun"].unique())
    dicetak = "capaian_dicetak" if "capaian_dicetak" in rows else "capaian"
    nilai = rows.pivot(index="tahun", columns="id", values=dicetak).reindex(
        index=tahun, columns=pd.unique(rows["id"])
    )
    with rc_context(STYLE):
        fig = Chart(figsize=(WIDTH_IN, 2.8), layout="constrained")
        ax = fig.add_subplot()
        for kode in nilai.columns:
            ax.plot(tahun, nilai[kode].to_numpy(dtype=float), marker="o", label=kode)
        ax.axhline(100, color="#333333", linewidth=1, linestyle="--")
        ax.set_xticks(tahun, [str(t) for t in tahun])
        ax.set_ylabel("Capaian (%)")
        top = float(np.nanmax(nilai.to_numpy(dtype=float), initial=100.0))
        ax.set_ylim(0, max(top, 100.0) * 1.15)
        ax.grid(axis="y", color="#dddddd", linewidth=0.6)
        ax.legend(loc="lower left", fontsize=7.5, frameon=False, ncols=min(len(nilai.columns), 5))
    return fig


# --- the comparison section of the report ------------------------------------------------------


def load_years(data_dir: Path | str, satker: str, tahun: int, jumlah: int = 5) -> list[YearData]:
    """Load ``tahun`` and up to ``jumlah - 1`` earlier years of one satker, oldest first.

    An earlier year with errors is not skipped: its ``DataValidationError`` is raised, since
    a comparison that silently leaves a year out would mislead.
    """
    lalu = [t for t in list_years(data_dir, satker) if t < int(tahun)]
    lalu = lalu[max(len(lalu) - (jumlah - 1), 0) :]
    return [load_year(data_dir, satker, t) for t in [*lalu, int(tahun)]]


def describe_tren(banding: pd.DataFrame) -> str:
    """Say how capaian moved against the year before (`compare_indikator`), in one sentence."""
    if banding["tahun_lalu"].isna().all():
        return "Belum ada tahun sebelumnya untuk dibandingkan."
    perubahan = banding["perubahan_capaian"]
    hitung = {
        "naik": int(perubahan.gt(0).sum()),
        "turun": int(perubahan.lt(0).sum()),
        "tetap": int(perubahan.eq(0).sum()),
    }
    ket = banding["keterangan"]
    kedua = ~ket.isin(["baru", "tidak ada lagi"])
    lain = {
        "indikator baru": int(ket.eq("baru").sum()),
        "indikator tidak ada lagi": int(ket.eq("tidak ada lagi").sum()),
        "indikator berubah satuan": int(ket.str.startswith("satuan berubah").sum()),
        # no capaian in one of the years: no target or no realisasi yet
        "indikator belum dapat dibandingkan (capaian belum ada)": int(
            (kedua & perubahan.isna()).sum()
        ),
    }
    teks = f"Dibanding tahun {int(banding['tahun_lalu'].dropna().iloc[0])}, capaian " + ", ".join(
        f"{n} indikator {kata}" for kata, n in hitung.items()
    )
    tambahan = [f"{n} {kata}" for kata, n in lain.items() if n]
    return teks + (f"; {', '.join(tambahan)}." if tambahan else ".")


def _persen(values: pd.Series) -> pd.Series:
    return values.map(format_persen)


def _dicetak(frame: pd.DataFrame, suffix: str = "") -> pd.Series:
    """Format the capaian the report prints (capped per settings), the uncapped in brackets."""
    pair = pd.DataFrame(
        {
            "capaian": frame[f"capaian{suffix}"],
            "capaian_dicetak": frame.get(f"capaian_dicetak{suffix}", frame[f"capaian{suffix}"]),
        }
    )
    return capaian_text(pair)


def _realisasi(teks: pd.Series, ada: pd.Series) -> pd.Series:
    """Realisasi as written; 'belum ada data' where the indicator exists, else '–'."""
    kosong = pd.Series(np.where(ada, STATUS_BELUM_ADA_DATA, "–"), index=teks.index)
    return teks.map(format_nilai, na_action="ignore").fillna(kosong)


def _poin(values: pd.Series) -> pd.Series:
    return values.map(lambda v: format_angka(v, 2))


def comparison_table(banding: pd.DataFrame, title: str) -> ReportTable:
    """Tabulate realisasi and capaian of this year and last (`compare_indikator`).

    A realisasi missing in a year that has the indicator prints "belum ada data"; one of a
    year without the indicator "–".
    """
    lalu, kini = int(banding["tahun_lalu"].dropna().iloc[0]), int(banding["tahun"].iloc[0])
    ket = banding["keterangan"]
    body = pd.DataFrame(
        {
            "id": banding["id"],
            "indikator": banding["uraian"],
            "realisasi_lalu": _realisasi(banding["realisasi_teks_lalu"], ket.ne("baru")),
            "capaian_lalu": _dicetak(banding, "_lalu"),
            "realisasi": _realisasi(banding["realisasi_teks"], ket.ne("tidak ada lagi")),
            "capaian": _dicetak(banding),
            "perubahan": _poin(banding["perubahan_capaian"]),
            "keterangan": banding["keterangan"],
        }
    )
    columns = [
        Column("id", "Kode", "tengah", "8%"),
        Column("indikator", "Indikator Kinerja", width="30%"),
        Column("realisasi_lalu", f"Realisasi {lalu}", "tengah", "10%"),
        Column("capaian_lalu", f"Capaian {lalu}", "angka", "9%"),
        Column("realisasi", f"Realisasi {kini}", "tengah", "10%"),
        Column("capaian", f"Capaian {kini}", "angka", "9%"),
        Column("perubahan", "Perubahan", "angka", "9%"),
        Column("keterangan", "Keterangan", width="15%"),
    ]
    notes = f"Perubahan: capaian {kini} dikurangi capaian {lalu}, dalam poin persentase."
    if "capaian_dicetak" in banding and banding["capaian_dicetak"].ne(banding["capaian"]).any():
        notes = (
            f"Perubahan: capaian {kini} dikurangi capaian {lalu} sebelum dibatasi (nilai dalam "
            "kurung), dalam poin persentase."
        )
    return render_table(body, columns, title, notes)


def yearly_table(capaian: pd.DataFrame, title: str) -> ReportTable:
    """Tabulate capaian per indicator and year (`capaian_by_year`); '–' where none."""
    tahun = sorted(capaian["tahun"].unique())
    terbaru = capaian.sort_values("tahun", ascending=False, kind="stable").drop_duplicates("id")
    dicetak = "capaian_dicetak" if "capaian_dicetak" in capaian else "capaian"
    nilai = capaian.pivot(index="id", columns="tahun", values=dicetak).reindex(terbaru["id"])
    body = pd.DataFrame({"id": terbaru["id"].to_numpy(), "indikator": terbaru["uraian"].to_numpy()})
    for t in tahun:
        body[str(t)] = _persen(nilai[t]).to_numpy()
    columns = [
        Column("id", "Kode", "tengah", "8%"),
        Column("indikator", "Indikator Kinerja", width="40%"),
        *[Column(str(t), f"Capaian {t}", "angka") for t in tahun],
    ]
    return render_table(body, columns, title)


def renstra_table(kemajuan: pd.DataFrame, title: str) -> ReportTable:
    """Tabulate realisasi to date against the Renstra end target (`progress_renstra`)."""
    body = pd.DataFrame(
        {
            "id": kemajuan["id"],
            "indikator": kemajuan["uraian"],
            "periode": kemajuan["periode"],
            "target": kemajuan["target_akhir_teks"].map(format_nilai),
            "realisasi": kemajuan["realisasi_sd_teks"].map(
                partial(format_nilai, kosong=STATUS_BELUM_ADA_DATA)
            ),
            "dihitung": kemajuan["tahun_dihitung"].fillna("–")
            + np.where(kemajuan["agregasi"].eq("jumlah"), " (dijumlah)", ""),
            "capaian": _persen(kemajuan["capaian_renstra"]),
        }
    )
    columns = [
        Column("id", "Kode", "tengah", "8%"),
        Column("indikator", "Indikator Kinerja", width="32%"),
        Column("periode", "Periode Renstra", "tengah", "10%"),
        Column("target", "Target Akhir", "tengah", "10%"),
        Column("realisasi", "Realisasi s.d. Tahun Ini", "tengah", "12%"),
        Column("dihitung", "Tahun Dihitung", "tengah", "16%"),
        Column("capaian", "Capaian", "angka", "12%"),
    ]
    notes = (
        "Capaian: realisasi s.d. tahun ini terhadap target akhir Renstra; realisasi tahun "
        "terakhir yang ada datanya, atau jumlah semua tahun bila ditandai (dijumlah)."
    )
    return render_table(body, columns, title, notes)


def changes_table(perubahan: pd.DataFrame, title: str) -> ReportTable:
    """Tabulate indicators that appeared, disappeared or changed satuan (`indikator_changes`)."""
    body = pd.DataFrame(
        {
            "tahun": perubahan["tahun"].astype("string"),
            "id": perubahan["id"],
            "indikator": perubahan["uraian"],
            "perubahan": perubahan["perubahan"],
            "satuan": perubahan["satuan_lama"].fillna("–").astype("string")
            + " → "
            + perubahan["satuan_baru"].fillna("–").astype("string"),
        }
    )
    columns = [
        Column("tahun", "Tahun", "tengah", "8%"),
        Column("id", "Kode", "tengah", "8%"),
        Column("indikator", "Indikator Kinerja", width="46%"),
        Column("perubahan", "Perubahan", "tengah", "16%"),
        Column("satuan", "Satuan", "tengah", "22%"),
    ]
    return render_table(body, columns, title)


def budget_table(anggaran: pd.DataFrame, nilai: str, title: str) -> ReportTable:
    """Tabulate ``pagu`` (rupiah) or ``penyerapan`` (%) per budget line and year.

    ``anggaran`` is `compare_anggaran`; one measure per table keeps five years on a page.
    """
    if nilai not in ("pagu", "penyerapan"):
        raise ValueError(f"nilai {nilai!r} tidak dikenal: 'pagu' atau 'penyerapan'")
    tahun = [c.removeprefix(f"{nilai}_") for c in anggaran.columns if c.startswith(f"{nilai}_")]
    body = pd.DataFrame({"kode": anggaran["kode"], "uraian": anggaran["uraian"]})
    fmt = format_angka if nilai == "pagu" else format_persen
    satuan = "(Rp)" if nilai == "pagu" else "(%)"
    for t in tahun:
        body[t] = anggaran[f"{nilai}_{t}"].map(fmt)
    body[ROW_CLASS] = np.where(anggaran["induk"].isna(), "induk", "")
    columns = [
        Column("kode", "Kode", "tengah", "10%"),
        Column("uraian", "Program/Kegiatan"),
        *[Column(t, f"{t} {satuan}", "angka") for t in tahun],
    ]
    return render_table(body, columns, title)


def comparison_html(
    years: Sequence[YearData],
    renstra: pd.DataFrame | None = None,
    settings: CapaianSettings | None = None,
) -> str:
    """Build the report's comparison with earlier years: sentence, tables, chart per sasaran.

    ``years`` as from `load_years` (the report's year last); with a single year the result
    is empty, so the report notebook can always call it.
    """
    urut = _urut(years)
    if len(urut) < 2:
        return ""
    kini, lalu = urut[-1].tahun, urut[-2].tahun
    rentang = f"{urut[0].tahun}-{kini}"
    banding = compare_indikator(urut, settings)
    per_tahun = capaian_by_year(urut, settings)
    parts = [
        paragraph(describe_tren(banding)),
        comparison_table(banding, f"Realisasi dan Capaian Tahun {lalu} dan {kini}"),
    ]
    if len(urut) > 2:
        parts.append(yearly_table(per_tahun, f"Capaian Indikator Kinerja Tahun {rentang}"))
    perubahan = indikator_changes(urut)
    if len(perubahan):
        parts.append(
            changes_table(perubahan, f"Indikator yang Muncul, Hilang atau Berubah Satuan {rentang}")
        )
    if renstra is not None and renstra["indikator"].isin(per_tahun["id"]).any():
        parts.append(
            renstra_table(
                progress_renstra(urut, renstra, settings),
                f"Realisasi s.d. Tahun {kini} terhadap Target Akhir Renstra",
            )
        )
    sasaran = urut[-1].sasaran.set_index("id")["uraian"]
    berdata = per_tahun[per_tahun["capaian"].notna()].groupby("sasaran")["tahun"].nunique()
    parts += [
        tren_chart.html(f"Capaian Tahun {rentang}: {sasaran[s]}", per_tahun, s)
        for s in sasaran.index
        if berdata.get(s, 0) > 1
    ]
    anggaran = compare_anggaran(urut)
    parts += [
        budget_table(anggaran, "pagu", f"Pagu Anggaran Tahun {rentang}"),
        budget_table(anggaran, "penyerapan", f"Penyerapan Anggaran Tahun {rentang}"),
    ]
    return Html("\n".join(parts))
