"""Capaian kinerja per indikator, its status and predikat, and summaries per sasaran/kegiatan.

No single national rule covers every case (see docs/formulas.md), so the choices that vary
between reports (cap, interpretation scale) are settings, and the fixed rules are written
down there with their sources.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lakipkit.errors import DataValidationError, findings_where
from lakipkit.parsing import SKALA
from lakipkit.skala import BAND_SCALES, BandScale

POLARITAS = ("positif", "negatif", "rentang", "kualitatif")
RUMUS_NEGATIF = ("sakip", "rasio")

#: Capaian of a negatif indicator measured with rumus "rasio" whose realisasi is 0 (and target
#: above 0): the value rumus "sakip" gives at realisasi 0, so both rumus agree at the best outcome.
CAPAIAN_REALISASI_NOL = 200.0

STATUS_TERCAPAI = "tercapai"
STATUS_TIDAK_TERCAPAI = "tidak tercapai"
STATUS_BELUM_ADA_DATA = "belum ada data"
STATUS_TARGET_BELUM_DITETAPKAN = "target belum ditetapkan"


@dataclass(frozen=True)
class CapaianSettings:
    """Choices that vary between reports: cap, interpretation scale, printed capaian, rounding.

    ``cap=None`` follows PermenPANRB 53/2014, which sets no cap; 100, 110, 120 are common in
    practice. The cap only changes ``capaian_terbatas``: status always uses the uncapped value.
    ``cetak`` says which one the report prints (``capaian_dicetak``): ``terbatas`` (the capped
    one, the uncapped noted beside it) or ``tanpa_batas``; ``desimal`` its decimals. A unit's
    settings are read from its data by ``lakipkit.settings``, not built by hand.
    """

    cap: float | None = None
    skala: BandScale = field(default_factory=lambda: BAND_SCALES["default"])
    cetak: str = "terbatas"
    desimal: int = 2

    def __post_init__(self) -> None:
        if self.cap is not None and not (math.isfinite(self.cap) and self.cap >= 100):
            raise ValueError(
                f"cap capaian {self.cap} tidak masuk akal: gunakan None (tanpa batas) atau "
                "nilai >= 100, mis. 100, 110, 120"
            )


def compute_capaian(
    indikator: pd.DataFrame, settings: CapaianSettings | None = None
) -> pd.DataFrame:
    """Add ``capaian``, ``capaian_terbatas``, ``capaian_dicetak``, ``status``, ``predikat``.

    The frame follows the ``YearData.indikator`` contract (docs/architecture.md). Rules per
    polaritas are in docs/formulas.md; a missing realisasi gives NaN and "belum ada data",
    never 0; a missing target (a year just started) gives NaN and "target belum ditetapkan",
    whether or not a realisasi is known.
    """
    settings = settings or CapaianSettings()
    k = _baca(indikator)
    t, r = k.target, k.realisasi
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        nol_terbaik = np.where(r <= 0, 100.0, 0.0)  # negatif with target 0
        capaian = np.select(
            [k.positif, k.sakip, k.rasio, k.rentang, k.kualitatif],
            [
                r / t * 100,
                np.where(t == 0, nol_terbaik, np.maximum((2 * t - r) / t * 100, 0.0)),
                np.where(t == 0, nol_terbaik, np.where(r == 0, CAPAIAN_REALISASI_NOL, t / r * 100)),
                np.select(  # below [0, b] or a negative realisasi: 0, never -inf or < 0
                    [r < t, r > k.target_atas],
                    [np.where(t > 0, np.maximum(r / t * 100, 0.0), 0.0), k.target_atas / r * 100],
                    100.0,
                ),
                k.posisi_realisasi / k.posisi_target * 100,
            ],
            np.nan,
        )
    tak_hingga = np.isinf(capaian)  # e.g. a target of 1e-311: the ratio overflows
    if tak_hingga.any():
        expected = "target dan realisasi dengan besaran wajar (capaian menjadi tak hingga)"
        check = [(tak_hingga, "target", "invalid_value", expected)]
        found = findings_where(
            indikator, "indikator.csv", check, key="id", noun="indikator", teks=_TEKS
        )
        raise DataValidationError(found)
    ada_target = ~np.isnan(np.where(k.kualitatif, k.posisi_target, t))
    ada_data = ~np.isnan(np.where(k.kualitatif, k.posisi_realisasi, r))
    capaian = np.where(ada_target & ada_data, capaian, np.nan)
    terbatas = capaian if settings.cap is None else np.minimum(capaian, settings.cap)
    status = _STATUS[np.select([~ada_target, ~ada_data, capaian >= 100], [3, 0, 1], 2)]
    hasil = indikator.assign(
        capaian=capaian,
        capaian_terbatas=terbatas,
        capaian_dicetak=terbatas if settings.cetak == "terbatas" else capaian,
        status=pd.Series(status, index=indikator.index, dtype="str"),
    )
    return hasil.assign(predikat=settings.skala.classify(hasil["capaian_dicetak"]))


def summarise_capaian(df: pd.DataFrame, by: Sequence[str] | None = None) -> pd.DataFrame:
    """Count and average capaian per group (e.g. ``["sasaran"]``), or for the whole unit.

    Counts per status (``tercapai``, ``tidak_tercapai``, ``belum_ada_data``,
    ``target_belum_ditetapkan``); means are over indicators with a capaian only. A missing key
    (a programme-level sasaran has no kegiatan) is its own group. Groups keep the order in
    which they first appear (PK order).
    """
    keys = list(by or [])
    missing = [c for c in [*keys, "capaian", "capaian_terbatas", "status"] if c not in df.columns]
    if missing:
        raise ValueError(
            f"kolom {missing} tidak ada: ringkasan butuh hasil compute_capaian dan kolom "
            f"pengelompokan yang ada di frame ({list(df.columns)})"
        )
    status = df["status"]
    frame = pd.DataFrame(
        {
            "tercapai": status.eq(STATUS_TERCAPAI),
            "tidak_tercapai": status.eq(STATUS_TIDAK_TERCAPAI),
            "belum_ada_data": status.eq(STATUS_BELUM_ADA_DATA),
            "target_belum_ditetapkan": status.eq(STATUS_TARGET_BELUM_DITETAPKAN),
            "capaian": df["capaian"],
            "capaian_terbatas": df["capaian_terbatas"],
        },
        index=df.index,
    )
    grouping = [df[k] for k in keys] if keys else np.zeros(len(df), dtype=int)
    hasil = frame.groupby(grouping, dropna=False, sort=False).agg(
        jumlah=("capaian", "size"),
        tercapai=("tercapai", "sum"),
        tidak_tercapai=("tidak_tercapai", "sum"),
        belum_ada_data=("belum_ada_data", "sum"),
        target_belum_ditetapkan=("target_belum_ditetapkan", "sum"),
        rata_rata_capaian=("capaian", "mean"),
        rata_rata_capaian_terbatas=("capaian_terbatas", "mean"),
    )
    if keys:
        return hasil.reset_index()
    hitungan = dict.fromkeys(_HITUNGAN, "int64")
    # the whole unit is one row, also when it has no indicators
    return hasil.reindex([0]).fillna(dict.fromkeys(hitungan, 0)).astype(hitungan)


_STATUS = np.array(
    [
        STATUS_BELUM_ADA_DATA,
        STATUS_TERCAPAI,
        STATUS_TIDAK_TERCAPAI,
        STATUS_TARGET_BELUM_DITETAPKAN,
    ],
    dtype=object,
)
_HITUNGAN = ("jumlah", "tercapai", "tidak_tercapai", "belum_ada_data", "target_belum_ditetapkan")

#: The indikator columns the frame must have (contract YearData.indikator).
_KOLOM_WAJIB = (
    "id",
    "polaritas",
    "rumus",
    "skala",
    "target_teks",
    "target",
    "target_atas",
    "realisasi_teks",
    "realisasi",
)


@dataclass(frozen=True)
class _Kolom:
    """The indikator columns as arrays, read and checked once; masks say which rule applies."""

    positif: np.ndarray
    sakip: np.ndarray
    rasio: np.ndarray
    rentang: np.ndarray
    kualitatif: np.ndarray
    target: np.ndarray
    target_atas: np.ndarray
    realisasi: np.ndarray
    posisi_target: np.ndarray
    posisi_realisasi: np.ndarray


def _baca(indikator: pd.DataFrame) -> _Kolom:
    """Read the columns the rules need; refuse values they cannot compute, all at once.

    The loader already refuses these; this guards frames built elsewhere (notebooks, tests).
    An empty target is allowed (target belum ditetapkan). Findings name the indicator id and,
    for a loaded frame, its row in indikator.csv.
    """
    missing = [c for c in _KOLOM_WAJIB if c not in indikator.columns]
    if missing:
        raise ValueError(
            f"frame indikator tidak memuat kolom {missing}; kontrak YearData.indikator ada di "
            "docs/architecture.md"
        )
    pol = _masks(indikator["polaritas"], POLARITAS)
    rumus = _masks(indikator["rumus"].fillna("sakip"), RUMUS_NEGATIF)
    skala = {n: m & pol["kualitatif"] for n, m in _masks(indikator["skala"], tuple(SKALA)).items()}
    dikenal = np.logical_or.reduce(list(skala.values()))
    k = _Kolom(
        positif=pol["positif"],
        sakip=pol["negatif"] & rumus["sakip"],
        rasio=pol["negatif"] & rumus["rasio"],
        rentang=pol["rentang"],
        kualitatif=pol["kualitatif"],
        target=indikator["target"].to_numpy(dtype=float),
        target_atas=indikator["target_atas"].to_numpy(dtype=float),
        realisasi=indikator["realisasi"].to_numpy(dtype=float),
        posisi_target=_posisi(indikator["target_teks"], skala),
        posisi_realisasi=_posisi(indikator["realisasi_teks"], skala),
    )
    t = k.target
    ada_angka = ~np.isnan(t)
    target_teks = indikator["target_teks"].notna().to_numpy()
    realisasi_teks = indikator["realisasi_teks"].notna().to_numpy()
    with np.errstate(invalid="ignore"):
        checks = [
            (~np.logical_or.reduce(list(pol.values())), "polaritas", "not_allowed", _POLARITAS),
            (pol["negatif"] & ~k.sakip & ~k.rasio, "rumus", "not_allowed", "kosong, sakip, rasio"),
            (k.positif & ada_angka & ~(t > 0), "target", "target_zero", "angka > 0"),
            (pol["negatif"] & ada_angka & ~(t >= 0), "target", "invalid_value", "angka >= 0"),
            (
                k.rentang & ada_angka & ~((t >= 0) & (k.target_atas >= t)),
                "target",
                "range_reversed",
                "rentang a-b dengan 0 <= a <= b",
            ),
            (k.kualitatif & ~dikenal, "skala", "not_allowed", " atau ".join(SKALA)),
            (dikenal & target_teks & np.isnan(k.posisi_target), "target", "unknown_grade", _GRADES),
        ]
        realisasi = dikenal & realisasi_teks & np.isnan(k.posisi_realisasi)
    findings = findings_where(
        indikator, "indikator.csv", checks, key="id", noun="indikator", teks=_TEKS
    )
    findings += findings_where(  # the frame's rows are indikator.csv's, not realisasi.csv's
        indikator,
        "realisasi.csv",
        [(realisasi, "realisasi", "unknown_grade", _GRADES)],
        key="id",
        noun="indikator",
        teks=_TEKS,
        file_rows=False,
    )
    if findings:
        raise DataValidationError(findings)
    return k


def _masks(column: pd.Series, values: tuple[str, ...]) -> dict[str, np.ndarray]:
    """One boolean mask per value; the column is factorised once, then integers are compared."""
    codes, uniques = pd.factorize(column)
    where = pd.Index(uniques).get_indexer(list(values))
    return {
        v: codes == w if w >= 0 else np.zeros(len(codes), dtype=bool)
        for v, w in zip(values, where, strict=True)
    }


def _posisi(teks: pd.Series, skala: dict[str, np.ndarray]) -> np.ndarray:
    """Position of each grade on its row's scale (worst = 1, as parsing.peringkat counts).

    NaN where empty, unknown or not kualitatif; each distinct text is normalised once.
    """
    posisi = np.full(len(teks), np.nan)
    for nama, grades in SKALA.items():
        codes, uniques = pd.factorize(teks.to_numpy()[skala[nama]])
        if not len(uniques):
            continue
        urutan = {g: float(len(grades) - i) for i, g in enumerate(grades)}
        normal = pd.Index([str(u).strip().upper() for u in uniques])  # distinct texts only
        per_unik = np.append(normal.map(urutan).to_numpy(dtype=float), np.nan)
        posisi[skala[nama]] = per_unik[codes]  # code -1 (empty) takes the appended NaN
    return posisi


#: Findings quote the value as the person wrote it.
_TEKS = {"target": "target_teks", "realisasi": "realisasi_teks"}
_GRADES = "kosong atau " + "; ".join(" > ".join(g) for g in SKALA.values())
_POLARITAS = ", ".join(POLARITAS)
