"""Bab III's comparisons per indicator, as PermenPANRB 53/2014 asks, computed from the data.

Each function takes loaded frames and returns a frame; `lakipkit.bab3` turns them into the
report's tables and sentences. Every source is optional: a function given no data returns
an empty frame, and the report leaves that comparison out (saying so once, `keterbatasan`).

- IKU: indicators at a strategic level of the tree (``pohon.TINGKAT_STRATEGIS``), and RKT
  sasaran strategis indicators measured by a PK indicator (``indikator_pk``).
- Earlier years: the satker's year folders (`lakipkit.tren`) or, before the first folder,
  ``riwayat.csv`` (past realisasi per indicator).
- Renstra: realisasi to date against the end-of-period target, and whether it is on course.
- National standard: ``standar.csv``.
- Causes and alternative solutions: ``penjelasan.csv``.
- Efficiency: every budget line linked to indicators, programme lines included.
- The programmes, kegiatan and budget lines behind each result.

The rules are written down in docs/formulas.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lakipkit import pohon as tree_mod
from lakipkit.anggaran import compute_penyerapan, efisiensi
from lakipkit.capaian import (
    STATUS_TERCAPAI,
    STATUS_TIDAK_TERCAPAI,
    CapaianSettings,
    compute_capaian,
    summarise_capaian,
)
from lakipkit.errors import DataValidationError, Finding
from lakipkit.loading import YearData, check_values, read_checked
from lakipkit.parsing import nilai_frame, normalize_satuan
from lakipkit.schemas import RIWAYAT

#: Words for a Renstra indicator whose realisasi to date keeps pace with the Renstra targets.
SESUAI_JALUR = "sesuai jalur"
TIDAK_SESUAI_JALUR = "belum sesuai jalur"
MEMENUHI_STANDAR = "memenuhi standar"
DI_BAWAH_STANDAR = "di bawah standar"

_UKUR = ["polaritas", "rumus", "skala", "agregasi_triwulan"]


# --- IKU ----------------------------------------------------------------------------------------


def ukur_iku(year: YearData, settings: CapaianSettings | None = None) -> pd.DataFrame:
    """Measure the unit's key indicators (IKU): target, realisasi and capaian of each.

    Two sources, both optional: PK indicators hanging at a strategic level of the tree
    (tujuan, sasaran strategis: ``sumber`` 'PK'), and RKT sasaran strategis indicators whose
    ``indikator_pk`` names a PK indicator of the same satuan: the IKU keeps its own RKT
    target and takes that indicator's realisasi (``sumber`` 'RKT'). Columns: those of
    `compute_capaian` plus ``sasaran_uraian`` (the sasaran strategis as written) and
    ``sumber``. No IKU with a realisasi in the data: an empty frame.
    """
    pk = compute_capaian(year.indikator, settings)
    strategis = pk[pk["tingkat"].isin(tree_mod.TINGKAT_STRATEGIS)]
    node = tree_mod.labels(year.pohon) if len(year.pohon) else pd.Series(dtype="string")
    own = strategis.assign(
        sasaran_uraian=strategis["simpul"].map(node).astype("string"), sumber="PK"
    )
    rkt = year.rkt_sasaran_strategis
    if "indikator_pk" in rkt and rkt["indikator_pk"].notna().any():
        linked = rkt[rkt["indikator_pk"].notna()]
        source = year.indikator.set_index("id").reindex(linked["indikator_pk"])
        same = (
            linked["satuan"].map(normalize_satuan).to_numpy()
            == source["satuan"].map(normalize_satuan, na_action="ignore").to_numpy()
        )
        linked, source = linked[same], source[same]
        frame = pd.DataFrame(
            {
                "id": linked["id"].to_numpy(),
                "uraian": linked["uraian"].to_numpy(),
                "satuan": linked["satuan"].to_numpy(),
                "polaritas": linked["polaritas"].to_numpy(),
                "rumus": linked["polaritas"].map({"negatif": "sakip"}).to_numpy(),
                "skala": linked["skala"].to_numpy(),
                "target_teks": linked["target_teks"].to_numpy(),
                "target": linked["target"].to_numpy(),
                "target_atas": linked["target_atas"].to_numpy(),
                "realisasi_teks": source["realisasi_teks"].to_numpy(),
                "realisasi": source["realisasi"].to_numpy(dtype=float),
                "sasaran_uraian": linked["sasaran"].to_numpy(),
                "indikator_pk": linked["indikator_pk"].to_numpy(),
                "sumber": "RKT",
            }
        )
        own = pd.concat([own, compute_capaian(frame, settings)], ignore_index=True)
    return own[own["realisasi_teks"].notna()].reset_index(drop=True)


# --- earlier years: riwayat.csv -----------------------------------------------------------------


def read_riwayat(data_dir: Path | str, satker: str) -> pd.DataFrame:
    """Read ``data/<satker>/riwayat.csv`` (empty frame if absent); raise on bad rows.

    Columns: ``indikator, tahun (int), target_teks, target, target_atas, realisasi_teks,
    realisasi, realisasi_atas, sumber``.
    """
    root = Path(data_dir)
    return read_checked(root / satker / RIWAYAT.file, RIWAYAT, root).astype({"tahun": "int64"})


def value_findings(
    indikator: pd.DataFrame,
    renstra: pd.DataFrame | None,
    riwayat: pd.DataFrame | None,
    folder: Path | str = "",
) -> list[Finding]:
    """Return the errors of riwayat.csv's and renstra.csv's values (indikator.csv's rules).

    ``indikator`` holds the PK indicators they belong to. The comparisons compute capaian
    from them; without this, a target the rule refuses (0 for a positif indicator, one
    number for a rentang one) failed the build naming indikator.csv. A Renstra's
    target_akhir belongs to its indicator (spread to its rows): told once, on the
    indicator's first row. Rows of other indicators are not compared and not checked.
    """
    checks = []
    if riwayat is not None and len(riwayat):
        checks += [
            (riwayat, "riwayat.csv", "target", True),
            (riwayat, "riwayat.csv", "realisasi", False),
        ]
    if renstra is not None and len(renstra):
        checks += [
            (renstra, "renstra.csv", "target", True),
            (renstra.drop_duplicates("indikator"), "renstra.csv", "target_akhir", True),
        ]
    findings = []
    for frame, file, column, is_target in checks:
        known = frame[frame["indikator"].isin(indikator["id"])]
        shown = str(Path(folder) / file)
        found = check_values(known, indikator, shown, column, is_target=is_target)
        findings += [f for f in found if f.severity == "error"]
    return findings


def banding_riwayat(
    capaian: pd.DataFrame,
    riwayat: pd.DataFrame,
    tahun: int,
    tahun_folder: Sequence[int] = (),
    settings: CapaianSettings | None = None,
) -> pd.DataFrame:
    """Realisasi and capaian of earlier years from ``riwayat.csv``, next to this year's.

    ``capaian`` is this year's `compute_capaian` frame; rows of riwayat.csv for years that
    have their own folder (``tahun_folder``) or that are not before ``tahun``, for
    indicators not in this year's PK, or in another satuan, are left out. A year's capaian
    needs its target in riwayat.csv. One row per indicator and year, oldest first, this
    year included: ``id, uraian, tahun, target_teks, realisasi_teks, capaian,
    capaian_terbatas, capaian_dicetak, status``.
    """
    kolom = ["id", "uraian", "tahun", "target_teks", "realisasi_teks", "capaian",
             "capaian_terbatas", "capaian_dicetak", "status"]  # fmt: skip
    if riwayat.empty:
        return pd.DataFrame(columns=kolom)
    ini = capaian.set_index("id")
    lalu = riwayat[
        riwayat["tahun"].lt(int(tahun))
        & ~riwayat["tahun"].isin(list(tahun_folder))
        & riwayat["indikator"].isin(ini.index)
    ]
    satuan = nilai_frame(lalu["realisasi_teks"])["satuan"].fillna("")
    pk_satuan = lalu["indikator"].map(ini["satuan"]).astype("string")
    cocok = satuan.eq("") | satuan.map(normalize_satuan).eq(pk_satuan.map(normalize_satuan))
    lalu = lalu[cocok.to_numpy(dtype=bool)]
    if lalu.empty:
        return pd.DataFrame(columns=kolom)
    meta = ini.reindex(lalu["indikator"])
    ukur = pd.DataFrame(
        {
            "id": lalu["indikator"].to_numpy(),
            "uraian": meta["uraian"].to_numpy(),
            "satuan": meta["satuan"].to_numpy(),
            **{c: meta[c].to_numpy() for c in _UKUR},
            "tahun": lalu["tahun"].to_numpy(),
            "target_teks": lalu["target_teks"].to_numpy(),
            "target": lalu["target"].to_numpy(dtype=float),
            "target_atas": lalu["target_atas"].to_numpy(dtype=float),
            "realisasi_teks": lalu["realisasi_teks"].to_numpy(),
            "realisasi": lalu["realisasi"].to_numpy(dtype=float),
        }
    )
    dihitung = compute_capaian(ukur, settings)
    kini = capaian[capaian["id"].isin(dihitung["id"])].assign(tahun=int(tahun))
    hasil = pd.concat([dihitung, kini], ignore_index=True)[kolom]
    urut = pd.Index(pd.unique(capaian["id"]))
    hasil = hasil.assign(_urut=urut.get_indexer(hasil["id"]))
    return (
        hasil.sort_values(["_urut", "tahun"], kind="stable")
        .drop(columns="_urut")
        .reset_index(drop=True)
    )


# --- Renstra ------------------------------------------------------------------------------------


def kemajuan_renstra(
    years: Sequence[YearData], renstra: pd.DataFrame, settings: CapaianSettings | None = None
) -> pd.DataFrame:
    """Progress towards the Renstra end-of-period target, and whether it is on course.

    The columns of `tren.progress_renstra` (realisasi to date against ``target_akhir``:
    ``capaian_renstra`` is the progress in percent), plus ``target_sd_teks`` (the Renstra
    target to date: this year's, or the sum of the period's targets so far for an indicator
    counted by ``jumlah``) and ``jalur``: 'sesuai jalur' when realisasi to date meets that
    target, 'belum sesuai jalur' when not, <NA> when either is unknown. Empty when no
    indicator of renstra.csv is in the given years.
    """
    from lakipkit.tren import progress_renstra

    if renstra is None or renstra.empty:
        return pd.DataFrame()
    ids = pd.concat([y.indikator["id"] for y in years])
    if not renstra["indikator"].isin(ids).any():
        return pd.DataFrame()
    kemajuan = progress_renstra(years, renstra, settings)
    akhir = max(y.tahun for y in years)
    rows = renstra[renstra["tahun"].le(akhir) & renstra["indikator"].isin(kemajuan["id"])]
    rule = rows["indikator"].map(
        renstra.drop_duplicates("indikator").set_index("indikator")["agregasi"]
    )
    per = rows.groupby("indikator", sort=False)
    terakhir = per.apply(lambda g: g.loc[g["tahun"].idxmax(), "target_teks"], include_groups=False)
    satuan = per["target_teks"].first().map(lambda t: nilai_frame(pd.Series([t]))["satuan"].iloc[0])
    jumlah = rows[rule.eq("jumlah")].groupby("indikator")["target"].sum(min_count=1)
    target_sd = terakhir.astype("string")
    if len(jumlah):
        from lakipkit.periode import nilai_teks

        target_sd.loc[jumlah.index] = nilai_teks(jumlah, satuan.reindex(jumlah.index))
    teks = kemajuan["id"].map(target_sd).astype("string")
    meta = pd.concat([y.indikator for y in years]).drop_duplicates("id", keep="last")
    meta = meta.set_index("id").reindex(kemajuan["id"])
    angka = nilai_frame(teks)
    ukur = pd.DataFrame(
        {
            "id": kemajuan["id"].to_numpy(),
            **{c: meta[c].to_numpy() for c in _UKUR},
            "target_teks": teks.to_numpy(),
            "target": angka["angka"].to_numpy(dtype=float),
            "target_atas": angka["atas"].to_numpy(dtype=float),
            "realisasi_teks": kemajuan["realisasi_sd_teks"].to_numpy(),
            "realisasi": kemajuan["realisasi_sd"].to_numpy(dtype=float),
        }
    )
    status = compute_capaian(ukur, settings)["status"].to_numpy()
    jalur = np.select(
        [status == STATUS_TERCAPAI, status == STATUS_TIDAK_TERCAPAI],
        [SESUAI_JALUR, TIDAK_SESUAI_JALUR],
        "",
    )
    return kemajuan.assign(
        target_sd_teks=teks.to_numpy(),
        jalur=pd.Series(jalur, index=kemajuan.index, dtype="string").replace("", pd.NA),
    )


# --- national standard --------------------------------------------------------------------------


def banding_standar(
    capaian: pd.DataFrame, standar: pd.DataFrame, settings: CapaianSettings | None = None
) -> pd.DataFrame:
    """Compare each indicator's realisasi with its national standard (``standar.csv``).

    The standard takes the target's place in the indicator's own rule (polaritas), so
    ``capaian_standar`` reads like a capaian; ``banding`` is 'memenuhi standar' at 100 % or
    more, 'di bawah standar' below, <NA> without realisasi. Columns: ``id, uraian,
    realisasi_teks, standar_teks, sumber, capaian_standar, banding``; empty without
    standards.
    """
    kolom = ["id", "uraian", "realisasi_teks", "standar_teks", "sumber", "capaian_standar",
             "banding"]  # fmt: skip
    if standar.empty:
        return pd.DataFrame(columns=kolom)
    std = standar.set_index("indikator")
    rows = capaian[capaian["id"].isin(std.index)]
    s = std.reindex(rows["id"])
    ukur = rows.assign(
        target_teks=s["standar_teks"].to_numpy(),
        target=s["standar"].to_numpy(dtype=float),
        target_atas=s["standar_atas"].to_numpy(dtype=float),
    )
    dihitung = compute_capaian(ukur, settings)
    banding = np.select(
        [dihitung["status"].eq(STATUS_TERCAPAI), dihitung["status"].eq(STATUS_TIDAK_TERCAPAI)],
        [MEMENUHI_STANDAR, DI_BAWAH_STANDAR],
        "",
    )
    return pd.DataFrame(
        {
            "id": rows["id"].to_numpy(),
            "uraian": rows["uraian"].to_numpy(),
            "realisasi_teks": rows["realisasi_teks"].to_numpy(),
            "standar_teks": s["standar_teks"].to_numpy(),
            "sumber": s["sumber"].to_numpy(),
            "capaian_standar": dihitung["capaian"].to_numpy(),
            "banding": pd.Series(banding, dtype="string").replace("", pd.NA).to_numpy(),
        }
    )


# --- causes and alternative solutions -----------------------------------------------------------


def penjelasan_indikator(capaian: pd.DataFrame, penjelasan: pd.DataFrame) -> pd.DataFrame:
    """List the causes and alternative solutions of each indicator that has or needs them.

    Rows: every indicator below target (status 'tidak tercapai'), then every other indicator
    with a ``penyebab`` or ``solusi`` in penjelasan.csv, in PK order. Columns: ``id, uraian,
    target_teks, realisasi_teks, capaian, status, penyebab, solusi`` (<NA> where not given).
    """
    given = (
        penjelasan.set_index("indikator")
        if len(penjelasan)
        else pd.DataFrame(columns=["penyebab", "solusi"])
    )
    ada = capaian["id"].isin(given.index[given[["penyebab", "solusi"]].notna().any(axis=1)])
    rows = capaian[capaian["status"].eq(STATUS_TIDAK_TERCAPAI) | ada]
    g = given.reindex(rows["id"])
    return pd.DataFrame(
        {
            "id": rows["id"].to_numpy(),
            "uraian": rows["uraian"].to_numpy(),
            "target_teks": rows["target_teks"].to_numpy(),
            "realisasi_teks": rows["realisasi_teks"].to_numpy(),
            "capaian": rows["capaian_dicetak"].to_numpy(dtype=float)
            if "capaian_dicetak" in rows
            else rows["capaian"].to_numpy(dtype=float),
            "status": rows["status"].to_numpy(),
            "penyebab": g["penyebab"].astype("string").to_numpy(),
            "solusi": g["solusi"].astype("string").to_numpy(),
        }
    )


# --- budget lines behind each indicator ---------------------------------------------------------


def tautan_anggaran(
    indikator: pd.DataFrame, pohon: pd.DataFrame, anggaran: pd.DataFrame
) -> pd.DataFrame:
    """Link each indicator to the budget lines that fund it: one (``indikator``, ``kode``) row each.

    An indicator's own ``kode_anggaran`` (indikator.csv) comes first; without one, the codes
    of its node in the tree (kegiatan.csv, program.csv, pohon.csv); without those, the codes
    of the nodes below it; without those, of the nearest node above it that has codes. A
    code whose ancestor line is linked to the same indicator is dropped (the money would
    count twice). Codes not in anggaran.csv are left out (the loader reports them).
    """
    known = set(anggaran["kode"].dropna()) if len(anggaran) else set()
    if not known:
        return pd.DataFrame(
            {"indikator": pd.Series(dtype="string"), "kode": pd.Series(dtype="string")}
        )
    own_codes = tree_mod.codes(pohon).groupby("simpul", sort=False)["kode"].agg(list).to_dict()
    jalur = tree_mod.paths(pohon)
    below: dict[str, list[str]] = {}
    for node, path in jalur.items():
        for above in path[:-1]:
            below.setdefault(above, []).extend(own_codes.get(node, []))
    direct = indikator.get("kode_anggaran", pd.Series(pd.NA, index=indikator.index))
    pairs: list[tuple[str, str]] = []
    for ind, node, own in zip(indikator["id"], indikator["simpul"], direct, strict=True):
        if isinstance(own, str) and own.strip():
            found = [c.strip() for c in own.split(";")]
        elif not isinstance(node, str):
            found = []
        else:
            found = (
                own_codes.get(node)
                or below.get(node)
                or next(
                    (own_codes[n] for n in reversed(jalur.get(node, ())[:-1]) if own_codes.get(n)),
                    [],
                )
            )
        pairs += [(ind, code) for code in dict.fromkeys(found) if code in known]
    links = pd.DataFrame(pairs, columns=["indikator", "kode"], dtype="string")
    return _tanpa_ganda(links, anggaran)


def _leluhur(anggaran: pd.DataFrame) -> dict[str, set[str]]:
    """Every budget line's ancestors (its induk, their induk, ...)."""
    induk = dict(zip(anggaran["kode"], anggaran["induk"], strict=True))
    found: dict[str, set[str]] = {}
    for kode in anggaran["kode"]:
        seen: set[str] = set()
        up = induk.get(kode)
        while isinstance(up, str) and up not in seen:
            seen.add(up)
            up = induk.get(up)
        found[kode] = seen
    return found


def _tanpa_ganda(links: pd.DataFrame, anggaran: pd.DataFrame) -> pd.DataFrame:
    leluhur = _leluhur(anggaran)
    per = links.groupby("indikator", sort=False)["kode"].agg(set)
    keep = [
        not (leluhur.get(k, set()) & per[i])
        for i, k in zip(links["indikator"], links["kode"], strict=True)
    ]
    return links[keep].reset_index(drop=True)


def efisiensi_anggaran(
    capaian: pd.DataFrame, tautan: pd.DataFrame, anggaran: pd.DataFrame, ambang: float = 5.0
) -> pd.DataFrame:
    """Efficiency of every budget line linked to indicators, programme lines included.

    A line's indicators are those linked (`tautan_anggaran`) to it or to a line below it;
    ``capaian`` is their average capaian after the cap. ``penyerapan`` is the line's
    realisasi / pagu; where the line or a line below it reports no realisasi, it is computed
    over the lowest lines below it that do, and ``tanpa_realisasi`` names the others. The
    verdict follows `anggaran.efisiensi` (rule 'selisih', threshold ``ambang`` points).
    Columns: ``kode, induk, uraian, tingkat, indikator`` (ids joined by ', '),
    ``jumlah_indikator, capaian, pagu, realisasi, penyerapan, efisiensi, kategori,
    tanpa_realisasi``; lines without linked indicators are left out.
    """
    kolom = ["kode", "induk", "uraian", "tingkat", "indikator", "jumlah_indikator", "capaian",
             "pagu", "realisasi", "penyerapan", "efisiensi", "kategori",
             "tanpa_realisasi"]  # fmt: skip
    if anggaran.empty or tautan.empty:
        return pd.DataFrame(columns=kolom)
    lines = compute_penyerapan(anggaran).set_index("kode", drop=False)
    leluhur = _leluhur(anggaran)
    daun = set(anggaran["kode"]) - set(anggaran["induk"].dropna())
    # Each line handed to itself and its ancestors: one pass, not a scan of every line per
    # line (3 000 budget lines took 21 s). Lists keep the order of the lines and the links.
    under: dict[str, list[str]] = {k: [] for k in lines.index}
    for c in lines.index:
        for k in {c} | leluhur[c]:
            if k in under:
                under[k].append(c)
    linked_to: dict[str, list[str]] = {k: [] for k in lines.index}
    for kode, indikator in zip(tautan["kode"], tautan["indikator"], strict=True):
        if kode not in under:
            continue  # a link to no budget line of this year
        for k in {kode} | leluhur[kode]:
            if k in linked_to:
                linked_to[k].append(indikator)
    per_line = {k: list(dict.fromkeys(ids)) for k, ids in linked_to.items()}
    linked = [k for k in lines.index if per_line[k]]
    if not linked:
        return pd.DataFrame(columns=kolom)
    by_id = capaian.set_index("id")
    groups = pd.concat(
        [by_id.loc[[i for i in per_line[k] if i in by_id.index]].assign(_baris=k) for k in linked]
    )
    ringkas = summarise_capaian(groups.reset_index(), ["_baris"]).set_index("_baris")
    pagu, realisasi, tanpa = [], [], []
    for k in linked:
        leaves = [c for c in under[k] if c in daun]
        missing = [c for c in leaves if pd.isna(lines.at[c, "realisasi"])]
        if pd.notna(lines.at[k, "realisasi"]) and not missing:
            pagu.append(lines.at[k, "pagu"])
            realisasi.append(lines.at[k, "realisasi"])
        else:
            reported = [c for c in leaves if c not in missing]
            pagu.append(lines.loc[reported, "pagu"].sum(min_count=1) if reported else pd.NA)
            realisasi.append(
                lines.loc[reported, "realisasi"].sum(min_count=1) if reported else pd.NA
            )
        tanpa.append(", ".join(missing))
    budget = pd.DataFrame(
        {"pagu": pd.array(pagu, dtype="Int64"), "realisasi": pd.array(realisasi, dtype="Int64")},
        index=linked,
    )
    p = budget["pagu"].to_numpy(dtype=float, na_value=np.nan)
    r = budget["realisasi"].to_numpy(dtype=float, na_value=np.nan)
    budget["penyerapan"] = np.divide(r * 100, p, out=np.full(len(p), np.nan), where=p > 0)
    nilai = efisiensi(ringkas.reindex(linked), budget, ambang=ambang).reindex(linked)
    sel = lines.loc[linked]
    return pd.DataFrame(
        {
            "kode": linked,
            "induk": sel["induk"].to_numpy(),
            "uraian": sel["uraian"].to_numpy(),
            "tingkat": [len(leluhur[k]) for k in linked],
            "indikator": [", ".join(per_line[k]) for k in linked],
            "jumlah_indikator": [len(per_line[k]) for k in linked],
            "capaian": nilai["capaian"].to_numpy(),
            "pagu": budget["pagu"].to_numpy(),
            "realisasi": budget["realisasi"].to_numpy(),
            "penyerapan": nilai["penyerapan"].to_numpy(),
            "efisiensi": nilai["efisiensi"].to_numpy(),
            "kategori": nilai["kategori"].to_numpy(),
            "tanpa_realisasi": tanpa,
        }
    )


def baris_tanpa_indikator(anggaran: pd.DataFrame, efisiensi_: pd.DataFrame) -> pd.DataFrame:
    """Return the lowest budget lines (none below them) left out of `efisiensi_anggaran`.

    They fund no indicator, so their efficiency cannot be measured; rows of ``anggaran``.
    """
    daun = anggaran[~anggaran["kode"].isin(anggaran["induk"].dropna())]
    return daun[~daun["kode"].isin(efisiensi_["kode"])]


def pendukung(
    capaian: pd.DataFrame, pohon: pd.DataFrame, tautan: pd.DataFrame, anggaran: pd.DataFrame
) -> pd.DataFrame:
    """List the programmes, kegiatan and budget lines behind each indicator's result.

    Columns: ``id, uraian, capaian, status, program, kegiatan`` (labels as printed in the
    tree, <NA> where the indicator hangs above that level) and ``anggaran`` ('kode uraian'
    of its budget lines joined by '; ', <NA> without a link), in PK order.
    """
    label = tree_mod.labels(pohon) if len(pohon) else pd.Series(dtype="string")
    uraian = anggaran.set_index("kode")["uraian"] if len(anggaran) else pd.Series(dtype="string")
    lines = (
        (tautan["kode"] + " " + tautan["kode"].map(uraian))
        .groupby(tautan["indikator"], sort=False)
        .agg("; ".join)
        if len(tautan)
        else pd.Series(dtype="string")
    )
    return pd.DataFrame(
        {
            "id": capaian["id"].to_numpy(),
            "uraian": capaian["uraian"].to_numpy(),
            "capaian": capaian.get("capaian_dicetak", capaian["capaian"]).to_numpy(dtype=float),
            "status": capaian["status"].to_numpy(),
            "program": capaian["program"].map(label).astype("string").to_numpy(),
            "kegiatan": capaian["kegiatan"].map(label).astype("string").to_numpy(),
            "anggaran": capaian["id"].map(lines).astype("string").to_numpy(),
        }
    )


# --- everything Bab III needs, in one call --------------------------------------------------


@dataclass(frozen=True)
class Evaluasi:
    """Bab III's comparisons of the report's year (the last of ``years``), as frames.

    Built by `evaluasi`; `lakipkit.bab3` renders each part, or nothing where it is empty.
    """

    tahun: int
    tahun_folder: tuple[int, ...]
    capaian: pd.DataFrame
    anggaran: pd.DataFrame
    iku: pd.DataFrame
    riwayat: pd.DataFrame
    renstra: pd.DataFrame
    standar: pd.DataFrame
    penjelasan: pd.DataFrame
    tautan: pd.DataFrame
    efisiensi: pd.DataFrame
    pendukung: pd.DataFrame
    ambang: float = 5.0


def evaluasi(
    years: Sequence[YearData],
    renstra: pd.DataFrame | None = None,
    riwayat: pd.DataFrame | None = None,
    settings: CapaianSettings | None = None,
    ambang: float = 5.0,
) -> Evaluasi:
    """Compute every Bab III comparison of the last year in ``years`` (oldest first).

    ``renstra`` is `tren.read_renstra`, ``riwayat`` `read_riwayat`; either may be None or
    empty. ``ambang`` is the efficiency threshold in points (docs/formulas.md).
    """
    year = years[-1]
    pk = pd.concat([y.indikator for y in years]).drop_duplicates("id", keep="last")
    if errors := value_findings(pk, renstra, riwayat):
        raise DataValidationError(errors)
    capaian = compute_capaian(year.indikator, settings)
    tautan = tautan_anggaran(capaian, year.pohon, year.anggaran)
    folders = tuple(y.tahun for y in years)
    return Evaluasi(
        tahun=year.tahun,
        tahun_folder=folders,
        capaian=capaian,
        anggaran=year.anggaran,
        iku=ukur_iku(year, settings),
        riwayat=banding_riwayat(
            capaian,
            riwayat if riwayat is not None else pd.DataFrame(),
            year.tahun,
            folders,
            settings,
        ),
        renstra=kemajuan_renstra(
            years, renstra if renstra is not None else pd.DataFrame(), settings
        ),
        standar=banding_standar(capaian, year.standar, settings),
        penjelasan=penjelasan_indikator(capaian, year.penjelasan),
        tautan=tautan,
        efisiensi=efisiensi_anggaran(capaian, tautan, year.anggaran, ambang),
        pendukung=pendukung(capaian, year.pohon, tautan, year.anggaran),
        ambang=ambang,
    )
