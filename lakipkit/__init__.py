"""lakipkit: from a satker's yearly data files to its LAKIP report.

The public surface is re-exported here; modules hold one responsibility each (see
docs/architecture.md). `build_report` is imported on first use, so that `lakip summary`
and `lakip periksa` do not pay for papermill and nbconvert.
"""

from __future__ import annotations

from typing import Any

from lakipkit.anggaran import (
    compute_penyerapan,
    efisiensi,
    rollup,
    totals,
    totals_by_source,
)
from lakipkit.audit import AuditSettings, audit_year, check_year, run_periksa
from lakipkit.capaian import (
    BAND_SCALES,
    BandScale,
    CapaianSettings,
    compute_capaian,
    summarise_capaian,
)
from lakipkit.contoh import generate_units, unit_tree
from lakipkit.errors import (
    BuildError,
    DataValidationError,
    Finding,
    LakipError,
    MissingDataError,
    ParseError,
)
from lakipkit.formatting import (
    format_angka,
    format_persen,
    format_rupiah,
    format_tanggal,
    terbilang,
)
from lakipkit.konsolidasi import Konsolidasi, gabung, load_konsolidasi, read_hierarchy
from lakipkit.loading import YearData, list_satker, list_years, load_year, read_katalog
from lakipkit.parsing import parse_angka, parse_nilai, parse_persen, parse_rupiah, parse_tanggal
from lakipkit.spreadsheet import WorkbookError, import_workbook, write_workbook
from lakipkit.summary import build_summary
from lakipkit.tahun_baru import start_year

__all__ = [
    "BAND_SCALES",
    "AuditSettings",
    "BandScale",
    "BuildError",
    "CapaianSettings",
    "DataValidationError",
    "Finding",
    "Konsolidasi",
    "LakipError",
    "MissingDataError",
    "ParseError",
    "WarmKernel",
    "WorkbookError",
    "YearData",
    "audit_year",
    "build_report",
    "build_summary",
    "check_year",
    "compute_capaian",
    "compute_penyerapan",
    "efisiensi",
    "format_angka",
    "format_persen",
    "format_rupiah",
    "format_tanggal",
    "import_workbook",
    "gabung",
    "generate_units",
    "list_satker",
    "list_years",
    "load_konsolidasi",
    "load_year",
    "parse_angka",
    "parse_nilai",
    "parse_persen",
    "parse_rupiah",
    "parse_tanggal",
    "read_hierarchy",
    "read_katalog",
    "rollup",
    "run_periksa",
    "start_year",
    "summarise_capaian",
    "terbilang",
    "totals",
    "totals_by_source",
    "write_workbook",
    "unit_tree",
]


def __getattr__(name: str) -> Any:
    """Import `build_report` and `WarmKernel` lazily (papermill, nbconvert, jupyter_client)."""
    if name == "build_report":
        from lakipkit.build import build_report

        return build_report
    if name == "WarmKernel":
        from lakipkit.kernel import WarmKernel

        return WarmKernel
    raise AttributeError(f"module 'lakipkit' has no attribute {name!r}")
