"""Capaian kinerja per indikator, its status and predikat, and summaries per sasaran/kegiatan.

No single national rule covers every case (see docs/formulas.md), so the choices that vary
between reports (cap, interpretation scale) are settings, and the fixed rules are written
down there with their sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lakipkit.errors import KODE, DataValidationError, Finding
from lakipkit.parsing import SKALA

POLARITAS = ("positif", "negatif", "rentang", "kualitatif")
RUMUS_NEGATIF = ("sakip", "rasio")

#: Capaian of a negatif indicator measured with rumus "rasio" whose realisasi is 0 (and target
#: above 0): the value rumus "sakip" gives at realisasi 0, so both rumus agree at the best outcome.
CAPAIAN_REALISASI_NOL = 200.0

STATUS_TERCAPAI = "tercapai"
STATUS_TIDAK_TERCAPAI = "tidak tercapai"
STATUS_BELUM_ADA_DATA = "belum ada data"

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
class BandScale:
    """Interpretation bands for a capaian (predikat); reports differ, so it is a setting.

    Parameters
    ----------
    nama
        Key in `BAND_SCALES`.
    batas
        Lower bounds of every band but the lowest, ascending.
    label
        One label per band, lowest band first (``len(batas) + 1`` labels).
    batas_inklusif
        True: a capaian equal to a bound belongs to the band above it (``>=``);
        False: to the band below it (``>``).
    sumber
        Where the scale comes from.

    """

    nama: str
    batas: tuple[float, ...]
    label: tuple[str, ...]
    batas_inklusif: bool
    sumber: str

    def __post_init__(self) -> None:
        if len(self.label) != len(self.batas) + 1:
            raise ValueError(
                f"skala {self.nama!r}: {len(self.batas)} batas butuh {len(self.batas) + 1} "
                f"label, ditemukan {len(self.label)}"
            )
        if list(self.batas) != sorted(set(self.batas)):
            raise ValueError(f"skala {self.nama!r}: batas harus naik tanpa duplikat: {self.batas}")

    def classify(self, capaian: pd.Series) -> pd.Series:
        """Label each capaian with its band; NaN (belum ada data) stays missing."""
        bins = [-np.inf, *self.batas, np.inf]
        bands = pd.cut(capaian, bins, labels=list(self.label), right=not self.batas_inklusif)
        return bands.astype("str")


BAND_SCALES: dict[str, BandScale] = {
    "default": BandScale(
        nama="default",
        batas=(55.0, 75.0, 100.0),
        label=("kurang berhasil", "cukup berhasil", "berhasil", "sangat berhasil"),
        batas_inklusif=True,
        sumber=(
            "praktik LAKIP (docs/formulas.md, /work/shared/domain.md): >=100 sangat berhasil, "
            "75-<100 berhasil, 55-<75 cukup berhasil, <55 kurang berhasil; tidak diatur dalam "
            "PermenPANRB 53/2014"
        ),
    ),
    "lima_tingkat": BandScale(
        nama="lima_tingkat",
        batas=(50.0, 65.0, 75.0, 90.0),
        label=("sangat kurang", "kurang", "cukup", "baik", "sangat baik"),
        batas_inklusif=False,
        sumber=(
            "praktik LAKIP (docs/formulas.md, /work/shared/domain.md): 91-100 sangat baik, "
            "76-90 baik, 66-75 cukup, 51-65 kurang, <=50 sangat kurang; batas dibaca sebagai "
            ">90, >75, >65, >50 agar nilai pecahan (mis. 90,5) punya pita"
        ),
    ),
}


@dataclass(frozen=True)
class CapaianSettings:
    """Choices that vary between reports: the cap on capaian and the interpretation scale.

    ``cap=None`` follows PermenPANRB 53/2014, which sets no cap; 100, 110, 120 are common in
    practice. The cap only changes ``capaian_terbatas``: status always uses the uncapped value.
    """

    cap: float | None = None
    skala: BandScale = field(default_factory=lambda: BAND_SCALES["default"])

    def __post_init__(self) -> None:
        if self.cap is not None and not self.cap >= 100:
            raise ValueError(
                f"cap capaian {self.cap} tidak masuk akal: gunakan None (tanpa batas) atau "
                "nilai >= 100, mis. 100, 110, 120"
            )


def compute_capaian(
    indikator: pd.DataFrame, settings: CapaianSettings | None = None
) -> pd.DataFrame:
    """Add ``capaian``, ``capaian_terbatas``, ``status`` and ``predikat`` to an indikator frame.

    The frame follows the ``YearData.indikator`` contract (docs/architecture.md). Rules per
    polaritas are in docs/formulas.md; a missing realisasi gives NaN and "belum ada data",
    never 0.
    """
    settings = settings or CapaianSettings()
    _check_indikator(indikator)
    polaritas = indikator["polaritas"].to_numpy()
    rumus = indikator["rumus"].fillna("sakip").to_numpy()
    target = indikator["target"].to_numpy(dtype=float)
    target_atas = indikator["target_atas"].to_numpy(dtype=float)
    realisasi = indikator["realisasi"].to_numpy(dtype=float)
    posisi_target = _posisi(indikator, "target_teks").to_numpy(dtype=float)
    posisi_realisasi = _posisi(indikator, "realisasi_teks").to_numpy(dtype=float)
    kualitatif = polaritas == "kualitatif"

    with np.errstate(divide="ignore", invalid="ignore"):
        nol_terbaik = np.where(realisasi <= 0, 100.0, 0.0)  # negatif with target 0
        sakip = np.where(
            target == 0, nol_terbaik, np.maximum((2 * target - realisasi) / target * 100, 0.0)
        )
        rasio = np.where(
            target == 0,
            nol_terbaik,
            np.where(realisasi == 0, CAPAIAN_REALISASI_NOL, target / realisasi * 100),
        )
        rentang = np.select(
            [realisasi < target, realisasi > target_atas],
            [realisasi / target * 100, target_atas / realisasi * 100],
            100.0,
        )
        capaian = np.select(
            [
                polaritas == "positif",
                (polaritas == "negatif") & (rumus == "sakip"),
                (polaritas == "negatif") & (rumus == "rasio"),
                polaritas == "rentang",
                kualitatif,
            ],
            [
                realisasi / target * 100,
                sakip,
                rasio,
                rentang,
                posisi_realisasi / posisi_target * 100,
            ],
            np.nan,
        )
    ada_data = np.where(kualitatif, ~np.isnan(posisi_realisasi), ~np.isnan(realisasi))
    capaian = np.where(ada_data, capaian, np.nan)
    terbatas = capaian if settings.cap is None else np.minimum(capaian, settings.cap)
    status = np.select(
        [~ada_data, capaian >= 100], [STATUS_BELUM_ADA_DATA, STATUS_TERCAPAI], STATUS_TIDAK_TERCAPAI
    )
    hasil = indikator.assign(
        capaian=capaian,
        capaian_terbatas=terbatas,
        status=pd.Series(status, index=indikator.index, dtype="str"),
    )
    return hasil.assign(predikat=settings.skala.classify(hasil["capaian"]))


def summarise_capaian(df: pd.DataFrame, by: Sequence[str] | None = None) -> pd.DataFrame:
    """Count and average capaian per group (e.g. ``["sasaran"]``), or for the whole unit.

    Means are over indicators with data only; a missing key (a programme-level sasaran has no
    kegiatan) is its own group. Groups keep the order in which they first appear (PK order).
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
        rata_rata_capaian=("capaian", "mean"),
        rata_rata_capaian_terbatas=("capaian_terbatas", "mean"),
    )
    return hasil.reset_index(drop=not keys)


def _posisi(indikator: pd.DataFrame, kolom: str) -> pd.Series:
    """Position of a qualitative grade on its scale (1 = lowest); NaN elsewhere or if empty."""
    kunci = (
        indikator["skala"].astype("str")
        + ":"
        + indikator[kolom].astype("str").str.strip().str.upper()
    )
    return kunci.map(_POSISI).where(indikator["polaritas"].eq("kualitatif"))


#: "skala:GRADE" -> position, counted as parsing.peringkat does: the worst grade is 1.
_POSISI: dict[str, float] = {
    f"{skala}:{grade}": float(len(grades) - i)
    for skala, grades in SKALA.items()
    for i, grade in enumerate(grades)
}


def _check_indikator(indikator: pd.DataFrame) -> None:
    """Refuse values the rules cannot compute, naming every bad indicator at once.

    The loader already refuses these; this guards frames built elsewhere (notebooks, tests).
    Frames carry no file line numbers, so findings name the indicator id instead.
    """
    missing = [c for c in _KOLOM_WAJIB if c not in indikator.columns]
    if missing:
        raise ValueError(
            f"frame indikator tidak memuat kolom {missing}; kontrak YearData.indikator ada di "
            "docs/architecture.md"
        )
    pol = indikator["polaritas"]
    target = indikator["target"]
    kualitatif = pol.eq("kualitatif")
    skala_dikenal = indikator["skala"].isin(list(SKALA))
    grades = "; ".join(" > ".join(g) for g in SKALA.values())
    checks = [
        (~pol.isin(POLARITAS), "indikator.csv", "polaritas", "not_allowed", ", ".join(POLARITAS)),
        (
            pol.eq("negatif")
            & indikator["rumus"].notna()
            & ~indikator["rumus"].isin(RUMUS_NEGATIF),
            "indikator.csv",
            "rumus",
            "not_allowed",
            "kosong, sakip atau rasio",
        ),
        (pol.eq("positif") & ~(target > 0), "indikator.csv", "target", "target_zero", "angka > 0"),
        (
            pol.eq("negatif") & ~(target >= 0),
            "indikator.csv",
            "target",
            "invalid_value",
            "angka >= 0",
        ),
        (
            pol.eq("rentang") & ~((target >= 0) & (indikator["target_atas"] >= target)),
            "indikator.csv",
            "target",
            "range_reversed",
            "rentang a-b dengan 0 <= a <= b",
        ),
        (
            kualitatif & ~skala_dikenal,
            "indikator.csv",
            "skala",
            "not_allowed",
            " atau ".join(SKALA),
        ),
        (
            kualitatif & skala_dikenal & _posisi(indikator, "target_teks").isna(),
            "indikator.csv",
            "target",
            "unknown_grade",
            grades,
        ),
        (
            kualitatif
            & skala_dikenal
            & indikator["realisasi_teks"].notna()
            & _posisi(indikator, "realisasi_teks").isna(),
            "realisasi.csv",
            "realisasi",
            "unknown_grade",
            "kosong atau " + grades,
        ),
    ]
    findings = [
        Finding(
            severity="error",
            file=file,
            row=None,
            column=column,
            value=str(indikator.at[idx, _TEKS.get(column, column)]),
            expected=expected,
            message=f"pada indikator {indikator.at[idx, 'id']}: {KODE[kode]}",
            kode=kode,
        )
        for mask, file, column, kode, expected in checks
        for idx in indikator.index[mask.to_numpy(dtype=bool)]
    ]
    if findings:
        raise DataValidationError(findings)


#: Findings quote the value as the person wrote it.
_TEKS = {"target": "target_teks", "realisasi": "realisasi_teks"}
