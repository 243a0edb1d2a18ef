"""Interpretation scales of a capaian (predikat bands): `BAND_SCALES` and `BandScale`.

A module of its own, without pandas at import: the `lakip` command lists the scale names in
its arguments before it knows whether any data has to be read (`lakipkit.capaian` applies
them and re-exports both names).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


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
    warna
        One colour (``#RRGGBB``) per band, lowest first, or empty for the report's own.

    """

    nama: str
    batas: tuple[float, ...]
    label: tuple[str, ...]
    batas_inklusif: bool
    sumber: str
    warna: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(self.label) != len(self.batas) + 1:
            raise ValueError(
                f"skala {self.nama!r}: {len(self.batas)} batas butuh {len(self.batas) + 1} "
                f"label, ditemukan {len(self.label)}"
            )
        if list(self.batas) != sorted(set(self.batas)):
            raise ValueError(f"skala {self.nama!r}: batas harus naik tanpa duplikat: {self.batas}")
        if self.warna and len(self.warna) != len(self.label):
            raise ValueError(f"skala {self.nama!r}: satu warna per label ({len(self.label)})")

    def classify(self, capaian: pd.Series) -> pd.Series:
        """Label each capaian with its band; NaN (belum ada data) stays missing."""
        import numpy as np
        import pandas as pd

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
