"""The machine-readable summary of one satker-year (`lakip summary`, `summary.json`).

It is the report's key figures in a form another program (or a reviewer's diff) can read:
indicator counts by status, the mean capaian, and the budget with its lines.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd

from lakipkit.anggaran import compute_penyerapan, totals
from lakipkit.capaian import CapaianSettings, compute_capaian, summarise_capaian
from lakipkit.errors import LakipError
from lakipkit.formatting import bulatkan
from lakipkit.loading import YearData


def build_summary(year: YearData, settings: CapaianSettings | None = None) -> dict[str, Any]:
    """Key figures of one year as plain JSON-ready values (ints in rupiah, percents to 2 dp).

    A budget line whose realisasi was not reported has ``realisasi`` and
    ``penyerapan_persen`` null, and ``anggaran.realisasi_lengkap`` is false: the totals then
    cover only what was reported, as the published report's own total does. A pagu not
    filled in yet (a year just started) is null likewise, with ``anggaran.pagu_lengkap``
    false; an indicator without a target counts under ``target_belum_ditetapkan``.
    """
    settings = settings or CapaianSettings()
    capaian = compute_capaian(year.indikator, settings)
    unit = summarise_capaian(capaian).iloc[0]
    lines = compute_penyerapan(year.anggaran)
    total = totals(year.anggaran)
    return {
        "tahun": year.tahun,
        "satker": year.satker_id,
        "nama_satker": year.satker["nama"],
        "pengaturan": {"cap": settings.cap, "skala": settings.skala.nama},
        "indikator": {
            "jumlah": int(unit["jumlah"]),
            "tercapai": int(unit["tercapai"]),
            "tidak_tercapai": int(unit["tidak_tercapai"]),
            "belum_ada_data": int(unit["belum_ada_data"]),
            "target_belum_ditetapkan": int(unit["target_belum_ditetapkan"]),
            "rata_rata_capaian": _round(unit["rata_rata_capaian"]),
            "rata_rata_capaian_terbatas": _round(unit["rata_rata_capaian_terbatas"]),
            "baris": _indicator_rows(capaian),
        },
        "anggaran": {
            "pagu": total.pagu,
            "realisasi": total.realisasi,
            "penyerapan_persen": _round(total.penyerapan),
            "realisasi_lengkap": total.realisasi_lengkap,
            "pagu_lengkap": total.pagu_lengkap,
            "baris": [
                {
                    "kode": row.kode,
                    "induk": None if pd.isna(row.induk) else row.induk,
                    "uraian": row.uraian,
                    "sumber_dana": row.sumber_dana,
                    "pagu": None if pd.isna(row.pagu) else int(row.pagu),
                    "realisasi": None if pd.isna(row.realisasi) else int(row.realisasi),
                    "penyerapan_persen": _round(row.penyerapan),
                }
                for row in lines.itertuples(index=False)
            ],
        },
    }


def _indicator_rows(capaian: pd.DataFrame) -> list[dict[str, Any]]:
    """One entry per PK indicator, as written (target, realisasi) and computed (capaian).

    These let a reader compare the same indicator across units without the data folder (the
    site's indicator pages, docs/skala.md). ``katalog`` is the indicator's catalogue code
    when indikator.csv gives one, else null.
    """
    katalog = capaian["katalog"] if "katalog" in capaian.columns else None
    return [
        {
            "id": row.id,
            "katalog": None if katalog is None or pd.isna(katalog.iloc[i]) else katalog.iloc[i],
            "uraian": row.uraian,
            "satuan": row.satuan,
            "polaritas": row.polaritas,
            "target": None if pd.isna(row.target_teks) else row.target_teks,
            "realisasi": None if pd.isna(row.realisasi_teks) else row.realisasi_teks,
            "capaian": _round(row.capaian),
            "status": row.status,
        }
        for i, row in enumerate(capaian.itertuples(index=False))
    ]


def _round(value: float) -> float | None:
    """Two decimals, rounded as the report prints them; NaN (no data) becomes null, never 0."""
    return None if value is None or math.isnan(value) else bulatkan(float(value), 2)


def summary_json(summary: dict[str, Any]) -> str:
    """Write the summary as strict JSON (RFC 8259): no NaN or Infinity, which most parsers reject.

    A non-finite figure is a bug upstream; it is refused here rather than written.
    """
    try:
        return json.dumps(summary, ensure_ascii=False, indent=2, allow_nan=False)
    except ValueError as error:
        raise LakipError(f"ringkasan berisi angka tak hingga atau NaN: {error}") from error
