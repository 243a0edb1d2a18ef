"""Consolidation: a parent unit's view of its children, per catalogue indicator and budget.

Units name their parent in satker.yaml (``satker_induk``) and their catalogue indicators in
indikator.csv (``katalog``). For one parent and year, `load_konsolidasi` loads every child
(with the same checks as ``lakip periksa``; a child that fails them, or has no folder for
the year, is listed as left out, never silently dropped) and keeps, per child, its catalogue
indicators with capaian and its budget total. The rest is arithmetic on those frames:

- `gabung`: per catalogue indicator, the combined target and realisasi by the catalogue's
  rule (jumlah, rata-rata, rata-rata-tertimbang, minimum, maksimum; the same rule for target
  and realisasi, over the children that have both), the capaian of the combined values by
  the indicator's polaritas, and the spread of the children's capaian (median, lowest,
  highest, how many reached the target). A kualitatif indicator is not combined.
- `peringkat_indikator` / `peringkat_satker`: the children ranked per indicator and overall.
- `anggaran_anak`: pagu, realisasi and penyerapan per child and their total, penyerapan of
  the total computed from the sums (docs/formulas.md), never averaged.

Every capaian is computed with one setting (the parent's laporan.yaml, then the run's flags),
so the children are compared on one scale. docs/konsolidasi.md has the rules.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lakipkit.anggaran import totals
from lakipkit.capaian import (
    STATUS_TERCAPAI,
    STATUS_TIDAK_TERCAPAI,
    CapaianSettings,
    compute_capaian,
)
from lakipkit.errors import DataValidationError, LakipError, MissingDataError
from lakipkit.loading import list_satker, load_profil, load_year, outside_inputs, read_katalog
from lakipkit.memo import content_key

#: Columns of `Konsolidasi.indikator` (one row per child and catalogue indicator).
INDIKATOR_ANAK = [
    "satker",
    "kode",
    "id",
    "uraian",
    "satuan",
    "polaritas",
    "target_teks",
    "target",
    "target_atas",
    "realisasi_teks",
    "realisasi",
    "capaian",
    "status",
    "bobot_pagu",
    "bobot_dpt",
]
#: Columns of `Konsolidasi.anggaran` (one row per child).
ANGGARAN_ANAK = ["satker", "pagu", "realisasi", "realisasi_lengkap", "pagu_lengkap"]
BELUM_ADA_TAHUN = "belum ada data tahun ini"
#: Status of a combined kualitatif indicator: grades are compared per child, not combined.
TIDAK_DIGABUNG = "tidak digabung"
TIDAK_LOLOS = "data belum lolos pemeriksaan"


@dataclass(frozen=True)
class Konsolidasi:
    """What a parent's consolidated report is made of, for one year.

    ``satker``: the children (``id``, ``nama``, ``nama_singkat``), in id order; ``indikator``
    (`INDIKATOR_ANAK`) and ``anggaran`` (`ANGGARAN_ANAK`) hold the children that loaded;
    ``tidak_disertakan``: the children left out (``satker``, ``alasan``); ``katalog``: the
    catalogue (data/katalog/indikator.csv).
    """

    induk: str
    tahun: int
    profil: dict[str, Any]
    satker: pd.DataFrame
    katalog: pd.DataFrame
    indikator: pd.DataFrame
    anggaran: pd.DataFrame
    tidak_disertakan: pd.DataFrame


# --- the hierarchy -----------------------------------------------------------------------------


def read_hierarchy(data_dir: Path | str) -> pd.DataFrame:
    """Return every unit under ``data_dir`` with its parent: ``id``, ``nama``, ``induk``.

    ``induk`` is satker.yaml's ``satker_induk`` (<NA> at the top, or when satker.yaml cannot
    be read: such a unit is nobody's child until its file is fixed).
    """
    rows = []
    for satker in list_satker(data_dir):
        try:
            profil = load_profil(data_dir, satker)
        except (DataValidationError, MissingDataError):
            profil = {}
        rows.append(
            {
                "id": satker,
                "nama": profil.get("nama") or satker,
                "nama_singkat": profil.get("nama_singkat") or profil.get("nama") or satker,
                "induk": profil.get("satker_induk") or None,
            }
        )
    frame = pd.DataFrame(rows, columns=["id", "nama", "nama_singkat", "induk"])
    return frame.astype({"induk": "string"})


def children(hierarchy: pd.DataFrame, induk: str, semua: bool = False) -> list[str]:
    """Return the ids of ``induk``'s children (``semua``: every descendant), sorted.

    A cycle in the data (A under B under A) cannot loop: each unit is visited once.
    """
    anak = hierarchy.groupby("induk")["id"].agg(list)
    found: list[str] = []
    seen = {induk}
    level = [induk]
    while level:
        nxt = [c for parent in level for c in anak.get(parent, []) if c not in seen]
        seen.update(nxt)
        found += nxt
        level = nxt if semua else []
    return sorted(found)


def capaian_settings_for(
    data_dir: Path | str, induk: str, tahun: int, *, cap: Any = None, skala: str | None = None
) -> CapaianSettings:
    """Return the one setting every child is measured with: the parent's, then the flags.

    The parent's laporan.yaml (``pengaturan``) when it has a folder for the year, else the
    defaults; ``cap`` and ``skala`` override it for one run as for a unit's own report.
    """
    from lakipkit.settings import capaian_settings

    laporan = None
    if (Path(data_dir) / induk / str(tahun)).is_dir():
        laporan = load_year(data_dir, induk, tahun).laporan
    return capaian_settings(laporan, cap=cap, skala=skala)


@dataclass(frozen=True)
class KonsolidasiCek:
    """What the build checks before starting the notebook: the report's title and settings."""

    satker_id: str
    tahun: int
    judul: str
    laporan: dict[str, Any]


def check_konsolidasi(data_dir: Path | str, induk: str, tahun: int) -> KonsolidasiCek:
    """Check a consolidated report can be made: parent, children, catalogue, parent's year.

    Raises the loader's errors for the parent and the catalogue, ``LakipError`` without
    children; the children themselves are loaded (and any left out) by `load_konsolidasi`.
    """
    profil = load_profil(data_dir, induk)
    if not children(read_hierarchy(data_dir), induk):
        raise LakipError(_TANPA_ANAK.format(induk=induk))
    if read_katalog(data_dir) is None:
        raise MissingDataError(Path(data_dir) / "katalog" / "indikator.csv", _TANPA_KATALOG)
    laporan = {}
    if (Path(data_dir) / induk / str(tahun)).is_dir():
        laporan = load_year(data_dir, induk, tahun).laporan
    judul = f"Laporan Konsolidasi Kinerja Tahun {tahun} | {profil['nama_singkat']}"
    return KonsolidasiCek(induk, int(tahun), judul, laporan)


_TANPA_ANAK = (
    "satker {induk} tidak punya satker anak: isi satker_induk: {induk} di satker.yaml satker "
    "di bawahnya"
)
_TANPA_KATALOG = (
    "laporan konsolidasi membandingkan indikator katalog: buat katalog/indikator.csv (lihat "
    "docs/data-dictionary.md)"
)


# --- loading the children ----------------------------------------------------------------------


def load_konsolidasi(
    data_dir: Path | str,
    induk: str,
    tahun: int,
    settings: CapaianSettings | None = None,
    *,
    semua: bool = False,
    pekerja: int = 1,
) -> Konsolidasi:
    """Load ``induk``'s children for ``tahun`` (``semua``: every descendant).

    ``pekerja`` > 1 loads the children in that many processes (each child is read and
    checked on its own, which is what takes the time). Raises ``LakipError`` when the
    parent has no children, and ``DataValidationError`` when the catalogue has errors.
    """
    data_dir = Path(data_dir)
    settings = settings or CapaianSettings()
    profil = load_profil(data_dir, induk)
    hierarchy = read_hierarchy(data_dir)
    ids = children(hierarchy, induk, semua)
    if not ids:
        raise LakipError(_TANPA_ANAK.format(induk=induk))
    katalog = read_katalog(data_dir)
    if katalog is None:
        raise MissingDataError(data_dir / "katalog" / "indikator.csv", _TANPA_KATALOG)
    results = _load_children(data_dir, ids, int(tahun), settings, pekerja)
    loaded = [r for r in results if isinstance(r, tuple)]
    left_out = [{"satker": s, "alasan": r} for s, r in zip(ids, results, strict=True)
                if isinstance(r, str)]  # fmt: skip
    satker = hierarchy.set_index("id").loc[ids, ["nama", "nama_singkat"]].reset_index()
    indikator = pd.concat(
        [frame for frame, _ in loaded] or [pd.DataFrame(columns=INDIKATOR_ANAK)],
        ignore_index=True,
    )
    anggaran = pd.DataFrame([row for _, row in loaded], columns=ANGGARAN_ANAK)
    return Konsolidasi(
        induk=induk,
        tahun=int(tahun),
        profil=profil,
        satker=satker,
        katalog=katalog,
        indikator=indikator,
        anggaran=anggaran.astype({"pagu": "Int64", "realisasi": "Int64"}),
        tidak_disertakan=pd.DataFrame(left_out, columns=["satker", "alasan"]),
    )


_Child = tuple[pd.DataFrame, dict[str, Any]] | str
#: Children's figures kept at most (a few KB each): several years of a 550-unit tree.
_CACHE_ENTRIES = 8192


def _load_children(
    data_dir: Path, ids: list[str], tahun: int, settings: CapaianSettings, pekerja: int
) -> list[_Child]:
    """Each child's figures: from the cache when its files are unchanged, else loaded.

    Loading a child reads and checks all its files (~0.5 s); a tree of 550 units is
    consolidated many times over (each province, then the pusat with --turunan, again after
    one unit's fix), so what a child gave is kept in the user's cache folder
    (`$XDG_CACHE_HOME/lakipkit/konsolidasi/`) under a key of everything it was computed
    from: the content of the files its check reads (its satker.yaml and other satker-level
    files, the year's folder, the catalogue, the satker.yaml of the units above it), the
    capaian settings and lakipkit's code. Any change there loads the child again.
    """
    folder = _cache_folder()
    keys = {satker: _child_key(data_dir, satker, tahun, settings) for satker in ids}
    results: dict[str, _Child] = {}
    for satker, key in keys.items():
        if key is not None:
            with suppress(OSError, ValueError, EOFError, pickle.UnpicklingError, TypeError):
                results[satker] = pickle.loads((folder / f"{key}.pickle").read_bytes())  # noqa: S301
    todo = [satker for satker in ids if satker not in results]
    jobs = [(data_dir, satker, tahun, settings) for satker in todo]
    if pekerja > 1 and len(todo) > 1:
        with ProcessPoolExecutor(max_workers=pekerja) as pool:
            loaded = list(pool.map(_load_child, *zip(*jobs, strict=True), chunksize=8))
    else:
        loaded = [_load_child(*job) for job in jobs]
    for satker, result in zip(todo, loaded, strict=True):
        results[satker] = result
        key = keys[satker]
        if key is not None:
            _remember(folder, key, result)
    if todo:
        _prune(folder)
    return [results[satker] for satker in ids]


def _cache_folder() -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "lakipkit" / "konsolidasi"


def _child_key(data_dir: Path, satker: str, tahun: int, settings: CapaianSettings) -> str | None:
    """Hash what a child's figures are computed from; None for a child without the year."""
    satker_dir, year_dir = data_dir / satker, data_dir / satker / str(tahun)
    if not year_dir.is_dir():
        return None
    own = sorted(p for p in satker_dir.iterdir() if p.is_file())
    shared = [data_dir / p for p in outside_inputs(data_dir, satker)]
    digest = hashlib.blake2b(digest_size=20)
    digest.update(content_key([*own, year_dir, *shared]))
    digest.update(repr((tahun, settings)).encode())
    digest.update(_code_key())
    return digest.hexdigest()


@cache
def _code_key() -> bytes:
    from lakipkit.cache import PACKAGE_DIR, _package_files

    return content_key(_package_files(PACKAGE_DIR))


def _remember(folder: Path, key: str, result: _Child) -> None:
    """Write one child's figures atomically; a cache that cannot be written is no error."""
    with suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{key}.{os.getpid()}.partial"
        partial.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(folder / f"{key}.pickle")


def _prune(folder: Path, keep: int = _CACHE_ENTRIES) -> None:
    """Keep the `keep` most recently written entries."""
    with suppress(OSError):
        entries = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for path in entries[:-keep]:
            path.unlink(missing_ok=True)


def _load_child(data_dir: Path, satker: str, tahun: int, settings: CapaianSettings) -> _Child:
    """One child's catalogue indicators and budget total, or why it is left out."""
    if not (data_dir / satker / str(tahun)).is_dir():
        return BELUM_ADA_TAHUN
    try:
        year = load_year(data_dir, satker, tahun)
        capaian = compute_capaian(year.indikator, settings)
        jumlah = totals(year.anggaran)
    except (DataValidationError, MissingDataError):
        return TIDAK_LOLOS
    dpt = year.tabel["dpt"]["jumlah"]
    rows = capaian.loc[capaian["katalog"].notna()].rename(columns={"katalog": "kode"})
    rows = rows.assign(
        satker=satker,
        bobot_pagu=np.nan if jumlah.pagu is None else float(jumlah.pagu),
        bobot_dpt=float(dpt.sum()) if len(dpt) else np.nan,
    )
    frame = rows[INDIKATOR_ANAK]
    budget = {
        "satker": satker,
        "pagu": jumlah.pagu,
        "realisasi": jumlah.realisasi,
        "realisasi_lengkap": jumlah.realisasi_lengkap,
        "pagu_lengkap": jumlah.pagu_lengkap,
    }
    return frame, budget


# --- combining ---------------------------------------------------------------------------------

_AGREGASI: dict[str, Callable[[pd.core.groupby.DataFrameGroupBy, str], pd.Series]] = {
    "jumlah": lambda g, c: g[c].sum(),
    "rata-rata": lambda g, c: g[c].mean(),
    "minimum": lambda g, c: g[c].min(),
    "maksimum": lambda g, c: g[c].max(),
    "rata-rata-tertimbang": lambda g, c: g[f"w_{c}"].sum() / g["w"].sum(),
}


def _with_weights(k: Konsolidasi) -> pd.DataFrame:
    """Keep the children's rows of numeric indicators that can be combined, weight attached.

    A row counts when target and realisasi are both numbers; for a weighted mean also its
    weight (the child's pagu or DPT, as the catalogue says) must be known and above 0.
    """
    acuan = k.katalog.set_index("kode")
    rows = k.indikator.loc[k.indikator["kode"].isin(acuan.index)].copy()
    rows["agregasi"] = rows["kode"].map(acuan["agregasi"])
    jenis = rows["kode"].map(acuan["bobot"]).fillna("")
    w = np.select(
        [jenis == "pagu", jenis == "dpt"],
        [rows["bobot_pagu"].astype("float64"), rows["bobot_dpt"].astype("float64")],
        np.nan,
    )
    rows["w"] = np.where(rows["agregasi"] == "rata-rata-tertimbang", w, 1.0)
    usable = rows["target"].notna() & rows["realisasi"].notna() & (rows["w"] > 0)
    usable &= rows["polaritas"] != "kualitatif"
    rows = rows.loc[usable]
    for column in ("target", "target_atas", "realisasi"):
        rows[f"w_{column}"] = rows[column] * rows["w"]
    return rows


def gabung(k: Konsolidasi, settings: CapaianSettings | None = None) -> pd.DataFrame:
    """Combine the children per catalogue indicator, in catalogue order.

    Columns: the catalogue's ``kode, uraian, satuan, polaritas, rumus, skala, agregasi,
    bobot``; ``jumlah_satker`` (children reporting the indicator), ``digabung`` (those with
    target and realisasi, and a weight when one is needed), ``target``, ``target_atas``,
    ``realisasi`` (combined), ``capaian`` and ``status`` of the combined values; the
    children's ``median``, ``terendah``, ``tertinggi`` capaian, ``tercapai`` and
    ``tidak_tercapai`` counts. An indicator no child reports keeps its row with 0 counts.
    """
    settings = settings or CapaianSettings()
    katalog = k.katalog.reset_index(drop=True)
    rows = _with_weights(k)
    grouped = rows.groupby("kode")
    combined = {
        column: pd.DataFrame(
            {name: rule(grouped, column) for name, rule in _AGREGASI.items()}
        ).reindex(katalog["kode"])
        for column in ("target", "target_atas", "realisasi")
    }
    pick = katalog["agregasi"].to_numpy()
    values = {
        column: np.select(
            [pick == name for name in _AGREGASI],
            [frame[name].to_numpy(dtype=float) for name in _AGREGASI],
            np.nan,
        )
        for column, frame in combined.items()
    }
    capaian_anak = k.indikator.groupby("kode")["capaian"]
    status = k.indikator["status"]
    counts = pd.DataFrame(
        {
            "jumlah_satker": k.indikator.groupby("kode").size(),
            "digabung": grouped.size(),
            "median": capaian_anak.median(),
            "terendah": capaian_anak.min(),
            "tertinggi": capaian_anak.max(),
            "tercapai": status.eq(STATUS_TERCAPAI).groupby(k.indikator["kode"]).sum(),
            "tidak_tercapai": status.eq(STATUS_TIDAK_TERCAPAI).groupby(k.indikator["kode"]).sum(),
        }
    ).reindex(katalog["kode"])
    hasil = katalog.assign(
        target=values["target"],
        target_atas=values["target_atas"],
        realisasi=values["realisasi"],
    )
    # the combined values go through the same capaian rules as one unit's indicator; a
    # kualitatif one has no combined grade (its rows were left out above: NaN values)
    kualitatif = hasil["polaritas"] == "kualitatif"
    as_indikator = hasil.assign(
        id=hasil["kode"],
        polaritas=hasil["polaritas"].mask(kualitatif, "positif"),
        skala=pd.NA,
        rumus=hasil["rumus"].mask(hasil["polaritas"] != "negatif", pd.NA),
        target_teks=_ada(values["target"]),
        realisasi_teks=_ada(values["realisasi"]),
    )
    dihitung = compute_capaian(as_indikator, settings)
    hasil = hasil.assign(
        capaian=dihitung["capaian"], status=dihitung["status"].mask(kualitatif, TIDAK_DIGABUNG)
    )
    hitungan = counts.reset_index(drop=True)
    for column in ("jumlah_satker", "digabung", "tercapai", "tidak_tercapai"):
        hitungan[column] = hitungan[column].fillna(0).astype("int64")
    return pd.concat([hasil, hitungan], axis=1)


def peringkat_indikator(k: Konsolidasi) -> pd.DataFrame:
    """Rank the children per catalogue indicator by capaian (1 = highest; ties share).

    `Konsolidasi.indikator` plus ``peringkat`` (<NA> without a capaian), sorted by kode
    (catalogue order), then rank, then satker id.
    """
    frame = k.indikator.copy()
    frame["peringkat"] = (
        frame.groupby("kode")["capaian"].rank(method="min", ascending=False).astype("Int64")
    )
    order = pd.Categorical(frame["kode"], categories=list(k.katalog["kode"]), ordered=True)
    return (
        frame.assign(_urut=order)
        .sort_values(["_urut", "peringkat", "satker"], na_position="last")
        .drop(columns="_urut")
        .reset_index(drop=True)
    )


def peringkat_satker(k: Konsolidasi) -> pd.DataFrame:
    """Rank the children overall: mean capaian over their catalogue indicators.

    Columns: ``satker``, ``nama``, ``indikator`` (catalogue indicators reported),
    ``dengan_capaian``, ``tercapai``, ``rata_rata_capaian``, ``peringkat`` (1 = highest mean;
    ties share; <NA> without any capaian). Sorted by rank, then id; children left out are
    not ranked.
    """
    grouped = k.indikator.assign(tercapai=k.indikator["status"].eq(STATUS_TERCAPAI)).groupby(
        "satker"
    )
    frame = pd.DataFrame(
        {
            "indikator": grouped.size(),
            "dengan_capaian": grouped["capaian"].count(),
            "tercapai": grouped["tercapai"].sum(),
            "rata_rata_capaian": grouped["capaian"].mean(),
        }
    )  # fmt: skip
    frame = frame.reindex(k.anggaran["satker"]).fillna({"indikator": 0, "dengan_capaian": 0,
                                                      "tercapai": 0})  # fmt: skip
    frame["peringkat"] = frame["rata_rata_capaian"].rank(method="min", ascending=False)
    frame = frame.astype({"indikator": "int64", "dengan_capaian": "int64", "tercapai": "int64",
                          "peringkat": "Int64"})  # fmt: skip
    frame.index.name = "satker"
    names = k.satker.set_index("id")["nama_singkat"]
    frame = frame.reset_index()
    frame.insert(1, "nama", frame["satker"].map(names))
    return frame.sort_values(["peringkat", "satker"], na_position="last").reset_index(drop=True)


def anggaran_anak(k: Konsolidasi) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Return pagu, realisasi, penyerapan per child (by id) and the rolled-up total.

    A child's penyerapan is its realisasi / pagu, computed only when its figures are complete
    (every budget line states a pagu and a realisasi); else NaN. The total adds every stated
    pagu and realisasi; its penyerapan is computed from the sums over the complete children
    only (``jumlah_lengkap`` of ``jumlah_satker``), never averaged (docs/formulas.md).
    """
    frame = k.anggaran.copy()
    pagu = frame["pagu"].astype("float64")
    realisasi = frame["realisasi"].astype("float64")
    lengkap = (
        frame["realisasi_lengkap"].astype(bool)
        & frame["pagu_lengkap"].astype(bool)
        & pagu.notna()
        & realisasi.notna()
        & (pagu > 0)
    )
    frame["lengkap"] = lengkap
    frame["penyerapan"] = (realisasi / pagu * 100).where(lengkap)
    names = k.satker.set_index("id")["nama_singkat"]
    frame.insert(1, "nama", frame["satker"].map(names))
    pagu_lengkap_sum = pagu[lengkap].sum()
    total = {
        "pagu": _int_or_none(frame["pagu"].sum(min_count=1)),
        "realisasi": _int_or_none(frame["realisasi"].sum(min_count=1)),
        "penyerapan": (
            float(realisasi[lengkap].sum() / pagu_lengkap_sum * 100)
            if pagu_lengkap_sum > 0
            else float("nan")
        ),
        "jumlah_satker": len(frame),
        "jumlah_lengkap": int(lengkap.sum()),
    }
    return frame.reset_index(drop=True), total


def _int_or_none(value: object) -> int | None:
    return None if pd.isna(value) else int(value)  # type: ignore[call-overload]


def parents(data_dir: Path | str) -> list[str]:
    """Return the units that have at least one child (who can have a consolidated report)."""
    hierarchy = read_hierarchy(data_dir)
    return sorted(set(hierarchy["induk"].dropna()) & set(hierarchy["id"]))


def _ada(values: np.ndarray) -> pd.Series:
    """Stand-in text for a combined value: compute_capaian only asks whether one exists."""
    return pd.Series(["ada"] * len(values), dtype="string").mask(np.isnan(values))
