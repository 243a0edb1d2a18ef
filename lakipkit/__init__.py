"""lakipkit: from a satker's yearly data files to its LAKIP report.

The public surface is re-exported here; modules hold one responsibility each (see
docs/architecture.md). Each name is imported from its module on first use (`__getattr__`):
`import lakipkit` alone loads neither pandas nor papermill, so a `lakip build` whose inputs
did not change answers before those imports, and `lakip summary` never pays for nbconvert.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "compute_penyerapan": "anggaran",
    "efisiensi": "anggaran",
    "rollup": "anggaran",
    "totals": "anggaran",
    "totals_by_source": "anggaran",
    "AuditSettings": "audit",
    "audit_year": "audit",
    "check_year": "audit",
    "run_periksa": "audit",
    "BAND_SCALES": "capaian",
    "BandScale": "capaian",
    "CapaianSettings": "capaian",
    "compute_capaian": "capaian",
    "summarise_capaian": "capaian",
    "generate_units": "contoh",
    "unit_tree": "contoh",
    "BuildError": "errors",
    "DataValidationError": "errors",
    "Finding": "errors",
    "LakipError": "errors",
    "MissingDataError": "errors",
    "ParseError": "errors",
    "format_angka": "formatting",
    "format_persen": "formatting",
    "format_rupiah": "formatting",
    "format_tanggal": "formatting",
    "terbilang": "formatting",
    "Konsolidasi": "konsolidasi",
    "gabung": "konsolidasi",
    "load_konsolidasi": "konsolidasi",
    "read_hierarchy": "konsolidasi",
    "YearData": "loading",
    "list_satker": "loading",
    "list_years": "loading",
    "load_year": "loading",
    "read_katalog": "loading",
    "parse_angka": "parsing",
    "parse_nilai": "parsing",
    "parse_persen": "parsing",
    "parse_rupiah": "parsing",
    "parse_tanggal": "parsing",
    "WorkbookError": "spreadsheet",
    "import_workbook": "spreadsheet",
    "write_workbook": "spreadsheet",
    "build_summary": "summary",
    "start_year": "tahun_baru",
    "build_report": "build",
    "WarmKernel": "kernel",
}

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
    """Import a public name from its module on first use (see the module docstring)."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'lakipkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"lakipkit.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
