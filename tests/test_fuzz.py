"""Property-based tests of the whole pipeline (hypothesis): arbitrary text and numbers in data.

Any text goes into any text cell of any data file, into every key of laporan.yaml and
satker.yaml and into a narrative file; any number into every numeric column of every CSV
(the list comes from the schemas), in the 2024 data and in two fixture units of another
shape. Every stage must then give either a clean finding naming the file, row and column, or
a correct output: periksa, strict JSON summary holding the value, the Bab III comparisons,
tables printing the number as written, charts (valid SVG holding the text), narrative, the
report's HTML, and the PDF (text extractable, nothing off the page). Never a traceback,
never the value silently gone. docs/keandalan.md lists what is covered and what was found.

The report is rendered in process: the cells of notebooks/laporan.ipynb run with their
parameters, their displays are formatted as IPython would, and the page is exported by the
build's own `export_html` (`render_report`). That is the build without its kernel, ~10x
faster, so many more examples fit in CI. Profiles: tests/conftest.py.
"""

import csv
import datetime as dt
import io
import json
import math
import re
import shutil
import types
import typing
import xml.etree.ElementTree as ET
from base64 import b64decode
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from lakipkit.audit import run_periksa
from lakipkit.build import export_html, export_pdf, report_title
from lakipkit.capaian import compute_capaian
from lakipkit.errors import DataValidationError
from lakipkit.formatting import format_angka, format_nilai, format_rupiah
from lakipkit.loading import JUMLAH_MAKS, load_year
from lakipkit.narrative import render_markdown
from lakipkit.parsing import parse_bulat, parse_rupiah
from lakipkit.schemas import (
    ANGGARAN_TRIWULAN,
    SIDE_TABLES,
    TABLES,
    YAML_FILES,
    Table,
    columns,
    table,
)
from lakipkit.summary import build_summary, summary_json

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "data"
SATKER, TAHUN = "contoh-satker", 2023
NOTEBOOK = REPO / "notebooks" / "laporan.ipynb"
FEW = max(settings.default.max_examples // 10, 2)  # properties that render the whole report

# Text as people paste it, and as an attacker writes it.
TRICKY = [
    "",
    " ",
    r"$\frac{a}{b$",
    "harga $5 dan $10",
    "<style>",
    "<!-- belum selesai",
    "a<b dan c>d",
    "<script>alert(1)</script>",
    "&amp; &lt; & <",
    "\x1b]0;judul\x07\x1b[2J",
    "\u202etxt.exe",
    "e\u0301\u0301\u0301",
    "مرحبا بالعالم",
    "X" * 150,
    "https://contoh.go.id/" + "a" * 120,
    "0000-01-01",
    "nan",
    "-inf",
    "1e309",
    "NULL",
]
TEXT = st.one_of(
    st.sampled_from(TRICKY),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.text(st.characters(categories=("L", "N")), min_size=100, max_size=250),
)
NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from([0, -1, 0.125, 2.675, 1e-9, 1e15]),
)


def _copy(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(FIXTURE, data)
    return data


def _csv_files(data: Path) -> list[Path]:
    unit = data / SATKER
    return sorted([*unit.glob("*.csv"), *(unit / str(TAHUN)).glob("*.csv")])


def _rewrite_cell(path: Path, row: int, column: int, value: str) -> tuple[int, str]:
    """Put `value` into one cell of a CSV; return the (1-based data row, column name) used."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header, body = rows[0], rows[1:]
    if not body:
        body = [[""] * len(header)]
    r, c = row % len(body), column % len(header)
    body[r] = (body[r] + [""] * len(header))[: len(header)]
    body[r][c] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *body])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return r + 1, header[c]


def _check_findings(error: DataValidationError) -> None:
    assert error.findings
    for finding in error.findings:
        assert finding.file, finding
        assert finding.message, finding
    str(error)  # the message itself renders


def render_report(data: Path, satker: str = SATKER, tahun: int = TAHUN) -> tuple[str, object]:
    """Run the report notebook's cells here and export the page as `lakip build` does.

    Like IPython: what a cell shows is each `display(...)` call (also lakipkit's own, through
    IPython.display) and the value of its last expression.
    """
    import ast

    import IPython.display
    from IPython.core.formatters import DisplayFormatter

    formatter = DisplayFormatter()
    source = nbformat.read(NOTEBOOK, as_version=4)
    namespace: dict = {}
    cells = []
    real_display = IPython.display.display
    try:
        for cell in source.cells:
            if cell.cell_type != "code":
                cells.append(cell)
                continue
            shown = []

            def display(*objects, _shown=shown, **kwargs):
                for obj in objects:
                    data_, _ = formatter.format(obj)
                    _shown.append(nbformat.v4.new_output("display_data", data=data_))

            IPython.display.display = display
            namespace["display"] = display
            tree = ast.parse(cell.source)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, "<cell>", "exec"), namespace)  # noqa: S102 - the project's own notebook
            if last is not None:
                value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)  # noqa: S307
                if value is not None:
                    data_, _ = formatter.format(value)
                    shown.append(
                        nbformat.v4.new_output("execute_result", data=data_, execution_count=1)
                    )
            if "parameters" in cell.metadata.get("tags", []):
                namespace.update(tahun=tahun, satker=satker, data_dir=str(data), output_dir="")
            out = nbformat.v4.new_code_cell(cell.source)
            out.outputs = shown
            cells.append(out)
    finally:
        IPython.display.display = real_display
    nb = nbformat.v4.new_notebook(cells=cells, metadata=source.metadata)
    year = namespace["year"]
    return export_html(nb, title=report_title(year)), year


def _svgs(html: str) -> list[str]:
    found = re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)
    return [b64decode(s).decode("utf-8") for s in found]


def _visible(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def _check_report(
    data: Path, satker: str = SATKER, tahun: int = TAHUN
) -> tuple[str, object] | None:
    """Every stage on one data folder: a finding, or outputs that hold together."""
    try:
        year = load_year(data, satker, tahun)
    except DataValidationError as error:
        _check_findings(error)
        code, text = run_periksa(data, satker, tahun)
        assert code == 1 and "galat" in text
        return None
    summary = summary_json(build_summary(year))
    json.loads(summary, parse_constant=lambda name: pytest.fail(f"{name} in summary.json"))
    html, _ = render_report(data, satker, tahun)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("main") is not None and not soup.find("script")
    for svg in _svgs(html):
        ET.fromstring(svg)  # well-formed SVG
    return html, year


# -- text cells of every CSV ------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=FEW)
@given(
    file=st.integers(min_value=0, max_value=100),
    row=st.integers(min_value=0, max_value=100),
    column=st.integers(min_value=0, max_value=20),
    text=TEXT,
)
@example(file=0, row=0, column=0, text=r"$\frac{a}{b$")
def test_any_text_in_any_csv_cell_gives_a_finding_or_a_whole_report(
    tmp_path_factory, file, row, column, text
):
    data = _copy(tmp_path_factory)
    files = _csv_files(data)
    _rewrite_cell(files[file % len(files)], row, column, text)
    _check_report(data)


@pytest.mark.slow
@settings(max_examples=FEW)
@given(text=TEXT)
@example(text="a<b dan c>d")
def test_text_of_an_indicator_reaches_the_report_as_written(tmp_path_factory, text):
    data = _copy(tmp_path_factory)
    path = data / SATKER / str(TAHUN) / "indikator.csv"
    _rewrite_cell(path, 0, 2, text)  # uraian of the first indicator
    checked = _check_report(data)
    if checked is None:
        return
    html, year = checked
    shown = " ".join(str(year.indikator["uraian"].iloc[0]).split())
    if shown:
        assert shown in _visible(html), shown
        if len(shown) <= 40:  # the capaian chart shortens longer labels with " …"
            drawn = " ".join(" ".join(ET.fromstring(s).itertext()) for s in _svgs(html))
            assert all(word in drawn for word in shown.split()), shown


@pytest.mark.slow
@settings(max_examples=FEW)
@given(text=TEXT, field=st.sampled_from(["nama", "nama_singkat"]))
def test_text_in_organisation_and_profile(tmp_path_factory, text, field):
    data = _copy(tmp_path_factory)
    org = data / SATKER / "organisasi.csv"
    _rewrite_cell(org, 0, 3, text)
    profile = data / SATKER / "satker.yaml"
    content = yaml.safe_load(profile.read_text(encoding="utf-8"))
    content[field] = text
    profile.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    _check_report(data)


@pytest.mark.slow
@settings(max_examples=FEW)
@given(
    text=TEXT, key=st.sampled_from([("judul",), ("tempat",), ("pk", "tempat"), ("dipa", "nomor")])
)
def test_text_in_laporan_yaml(tmp_path_factory, text, key):
    data = _copy(tmp_path_factory)
    path = data / SATKER / str(TAHUN) / "laporan.yaml"
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    node = content
    for part in key[:-1]:
        node = node[part]
    node[key[-1]] = text
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    _check_report(data)


# -- numbers --------------------------------------------------------------------------------


@given(
    target=NUMBER,
    atas=NUMBER,
    realisasi=NUMBER,
    polaritas=st.sampled_from(["positif", "negatif", "rentang"]),
    rumus=st.sampled_from([pd.NA, "sakip", "rasio"]),
)
@example(  # found by hypothesis: the ratio overflowed to inf
    target=2.225073858507e-311, atas=0.0, realisasi=1.0, polaritas="positif", rumus=pd.NA
)
def test_capaian_is_finite_or_missing_for_any_numbers(target, atas, realisasi, polaritas, rumus):
    row = {
        "id": "X-1",
        "program": "P",
        "kegiatan": pd.NA,
        "sasaran": "S",
        "uraian": "u",
        "satuan": "%",
        "polaritas": polaritas,
        "rumus": rumus if polaritas == "negatif" else pd.NA,
        "skala": pd.NA,
        "agregasi_triwulan": "terakhir",
        "target_teks": str(target),
        "target": float(target),
        "target_atas": float(atas) if polaritas == "rentang" else np.nan,
        "realisasi_teks": str(realisasi),
        "realisasi": float(realisasi),
    }
    try:
        hasil = compute_capaian(pd.DataFrame([row]))
    except DataValidationError as error:  # targets the rules refuse (docs/formulas.md)
        _check_findings(error)
        return
    capaian = hasil["capaian"].iloc[0]
    assert math.isnan(capaian) or math.isfinite(capaian), row
    if math.isfinite(capaian):
        assert capaian >= 0 or polaritas != "rentang"


@settings(max_examples=FEW * 2)
@given(value=NUMBER, column=st.sampled_from(["target", "realisasi"]))
@example(value=-1, column="realisasi")
@example(value=-1, column="target")
def test_any_number_in_the_data_gives_a_finding_or_strict_json(tmp_path_factory, value, column):
    data = _copy(tmp_path_factory)
    year_dir = data / SATKER / str(TAHUN)
    if column == "target":
        _rewrite_cell(year_dir / "indikator.csv", 0, 4, f"{value}%")
    else:
        _rewrite_cell(year_dir / "realisasi.csv", 0, 1, f"{value}%")
    try:
        # a target the capaian rule refuses (positif <= 0) is a finding of the loader
        summary = summary_json(build_summary(load_year(data, SATKER, TAHUN)))
    except DataValidationError as error:
        _check_findings(error)
        return
    json.loads(summary, parse_constant=pytest.fail)


# -- every numeric column of every CSV, in the 2024 data and differently shaped units --------


@dataclass(frozen=True)
class Unit:
    """A satker-year the properties change: the 2024 data, the fixture, the Pemda fixture."""

    root: Path
    satker: str
    tahun: int

    def path(self, data: Path, table: Table) -> Path:
        """Where ``table``'s file of this unit is under a copy ``data`` of its root."""
        folder = data / self.satker
        return (
            folder / str(self.tahun) / table.file if table.level == "tahun" else folder / table.file
        )


UNITS = (
    Unit(REPO / "data", "kpu-kota-bontang", 2024),
    Unit(FIXTURE, SATKER, TAHUN),
    Unit(REPO / "tests" / "fixtures" / "pemda", "disarpus-kabupaten-contoh", 2024),
)
NUMERIC_FORMATS = ("angka", "persen", "rupiah", "bulat", "nilai")
#: Every numeric column of every CSV, from the schemas (so a new one is fuzzed too).
NUMERIC_FIELDS = [
    (table, name, spec.metadata["format"])
    for table in (*TABLES, *SIDE_TABLES)
    for name, spec in columns(table.model).items()
    if spec.metadata.get("format") in NUMERIC_FORMATS
]
#: Numeric columns printed in the report as written (each row of the file, one cell of a
#: table), with the formatter that prints them; the others are listed with why not.
PRINTED = {
    ("indikator.csv", "target"): format_nilai,
    ("realisasi.csv", "realisasi"): format_nilai,
    ("anggaran.csv", "pagu"): format_rupiah,
    ("anggaran.csv", "realisasi"): format_rupiah,
    ("pk_anggaran.csv", "pagu"): format_rupiah,
    ("rkt_pendanaan.csv", "pagu"): format_rupiah,
    ("rkt_sasaran_strategis.csv", "target"): format_nilai,
    ("rkt_program.csv", "target"): format_nilai,
    ("pegawai.csv", "jumlah"): format_angka,
    ("dpt.csv", "jumlah"): format_angka,
    ("produk_hukum.csv", "jumlah"): format_angka,
    ("standar.csv", "standar"): format_nilai,
}
NOT_PRINTED = {
    ("pegawai.csv", "no"): "row order",
    ("sasaran.csv", "no"): "row order",
    ("tabel_terbit.csv", "baris"): "row order of a published claim",
    ("rkt_pendanaan.csv", "no"): "row order",
    ("produk_hukum.csv", "no"): "row order",
    ("ppid.csv", "no"): "row order",
    ("mitra.csv", "no"): "row order",
    ("realisasi_triwulan.csv", "triwulan"): "a key",
    ("realisasi_bulanan.csv", "bulan"): "a key",
    ("renstra.csv", "tahun"): "a key",
    ("riwayat.csv", "tahun"): "a key",
    ("realisasi_triwulan.csv", "realisasi"): "combined into the year's realisasi",
    ("realisasi_bulanan.csv", "realisasi"): "combined into the year's realisasi",
    ("tabel_terbit.csv", "target"): "a published claim: compared by periksa",
    ("tabel_terbit.csv", "realisasi"): "a published claim: compared by periksa",
    ("tabel_terbit.csv", "capaian"): "a published claim: compared by periksa",
    ("anggaran.csv", "persen_terbit"): "a published claim: compared by periksa",
    ("anggaran_terbit.csv", "pagu"): "a published claim: compared by periksa",
    ("anggaran_terbit.csv", "realisasi"): "a published claim: compared by periksa",
    ("anggaran_terbit.csv", "persen"): "a published claim: compared by periksa",
    ("renstra.csv", "target"): "printed for the report's year only (Bab III)",
    ("renstra.csv", "target_akhir"): "printed once per indicator (Bab III)",
    ("riwayat.csv", "target"): "printed for the years compared only (Bab III)",
    ("riwayat.csv", "realisasi"): "printed for the years compared only (Bab III)",
    ("anggaran_triwulan.csv", "rencana"): "the quarterly report (checked here by its functions)",
    ("anggaran_triwulan.csv", "realisasi"): "the quarterly report (checked here by its functions)",
}


def test_every_numeric_column_is_fuzzed_and_classified():
    """The schemas' numeric columns are exactly those classified above: none drifts."""
    fields = {(table.file, name) for table, name, _ in NUMERIC_FIELDS}
    assert fields == set(PRINTED) | set(NOT_PRINTED)
    assert not set(PRINTED) & set(NOT_PRINTED)


def _copy_unit(tmp_path_factory, unit: Unit) -> Path:
    data = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(unit.root / unit.satker, data / unit.satker)
    return data


def _spell(value: float | int, spelling: str, decimals: int) -> str:
    """Write a number as a person would: Indonesian grouping, plain, or Python's repr."""
    if spelling == "python" or not math.isfinite(value):
        return str(value)
    number = Decimal(str(value))
    text = f"{abs(number):,.{decimals}f}"
    if spelling == "indonesia":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    else:
        text = text.replace(",", "").replace(".", ",")
    return ("-" if number < 0 else "") + text


def _anggaran_triwulan(data: Path, unit: Unit) -> None:
    """Give a unit the optional quarterly budget file (no fixture has one): a line, TW I-II."""
    kode = pd.read_csv(unit.path(data, table("anggaran.csv")), dtype=str)["kode"].iloc[-1]
    unit.path(data, ANGGARAN_TRIWULAN).write_text(
        f"kode,triwulan,rencana,realisasi\n{kode},1,1000000,900000\n{kode},2,2000000,\n",
        encoding="utf-8",
    )


def _names_the_cell(findings, path: Path, row: int | None, column: str) -> bool:
    """One of ``findings`` names the file, the row (its line in the file; None: any) and the
    column.

    A conflict between two rows (a duplicate, a mixed decimal style) is told on one of them
    and names the other in its message.
    """
    return any(
        Path(f.file).name == path.name
        and column in (f.column or "").split(", ")
        and (row is None or f.row == row or re.search(rf"baris (\d+, )*{row}\b", f.message))
        for f in findings
    )


def _all_stages(data: Path, unit: Unit) -> dict:
    """Load, summary, and what the notebooks read beside the year (Bab III, the quarter);
    return the summary as read back from its strict JSON."""
    from lakipkit import evaluasi, tren
    from lakipkit.triwulan import penyerapan_to_date, read_anggaran_triwulan

    year = load_year(data, unit.satker, unit.tahun)
    summary = summary_json(build_summary(year))
    read = json.loads(summary, parse_constant=lambda name: pytest.fail(f"{name} in summary"))
    years = tren.load_years(data, unit.satker, unit.tahun)
    renstra, riwayat = (
        tren.read_renstra(data, unit.satker),
        evaluasi.read_riwayat(data, unit.satker),
    )
    evaluasi.evaluasi(years, renstra, riwayat)
    triwulan = read_anggaran_triwulan(data, unit.satker, unit.tahun)
    if len(triwulan):
        penyerapan_to_date(year.anggaran, triwulan, 4)
    return read


def _has_rows(unit: Unit, table: Table) -> bool:
    path = unit.path(unit.root, table)
    return path.is_file() and len(path.read_text(encoding="utf-8").splitlines()) > 1


#: The units whose data has rows in each numeric column's file (anggaran_triwulan.csv: all,
#: the file is added).
NUMERIC_UNITS = {
    (table.file, name): [u for u in UNITS if table is ANGGARAN_TRIWULAN or _has_rows(u, table)]
    for table, name, _ in NUMERIC_FIELDS
}
#: Columns summary.json holds per row: (section, key column, field).
IN_SUMMARY = {
    ("anggaran.csv", "pagu"): ("anggaran", "kode", "pagu"),
    ("anggaran.csv", "realisasi"): ("anggaran", "kode", "realisasi"),
    ("indikator.csv", "target"): ("indikator", "id", "target"),
}
#: What the loader reads from a cell, as the report's formatters take it.
READ = {"nilai": lambda text: " ".join(text.split()), "rupiah": parse_rupiah, "bulat": parse_bulat}


@pytest.mark.slow
@pytest.mark.parametrize(
    "field", NUMERIC_FIELDS, ids=[f"{t.file}:{name}" for t, name, _ in NUMERIC_FIELDS]
)
@settings(max_examples=FEW + 1)
@given(
    pick=st.integers(min_value=0, max_value=1000),
    row=st.integers(min_value=0, max_value=1000),
    value=NUMBER,
    spelling=st.sampled_from(["indonesia", "polos", "python"]),
    decimals=st.integers(min_value=0, max_value=3),
    every_row=st.booleans(),
)
def test_any_number_in_any_numeric_column(
    tmp_path_factory, field, pick, row, value, spelling, decimals, every_row
):
    """A number in one cell (or every cell) of any numeric column: a finding naming file, row
    and column, or a report that prints that number (formatted) where the column is printed
    and a summary.json that holds it; never a traceback."""
    table_, column, fmt = field
    units = NUMERIC_UNITS[(table_.file, column)]
    unit = units[pick % len(units)]
    data = _copy_unit(tmp_path_factory, unit)
    if table_ is ANGGARAN_TRIWULAN:
        _anggaran_triwulan(data, unit)
    path = unit.path(data, table_)
    old = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    before = old[row % len(old)][column]
    suffix = re.sub(r"^.*\d", "", before) if fmt == "nilai" and re.search(r"\d", before) else ""
    if fmt in ("rupiah", "bulat") and spelling != "python":
        value, decimals = int(value) if math.isfinite(value) else value, 0
    written = _spell(value, spelling, decimals) + suffix
    header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    for other in range(len(old)) if every_row else ():
        _rewrite_cell(path, other, header.index(column), written)
    data_row, _ = _rewrite_cell(path, row, header.index(column), written)
    line = None if every_row else data_row + 1  # the header is line 1
    try:
        summary = _all_stages(data, unit)
    except DataValidationError as error:
        _check_findings(error)
        if (table_.file, column) == ("renstra.csv", "target_akhir"):  # told on its first row
            line = min(f.row or 0 for f in error.findings if f.column == column) or line
        assert _names_the_cell(error.findings, path, line, column), (written, str(error))
        code, text = run_periksa(data, unit.satker, unit.tahun)
        assert code == 1 and path.name in text and f"baris {line or ''}" in text, (written, text)
        return
    html, _ = render_report(data, unit.satker, unit.tahun)
    for svg in _svgs(html):
        ET.fromstring(svg)
    if (table_.file, column) in IN_SUMMARY:  # summary.json holds the value as read
        part, key, name = IN_SUMMARY[(table_.file, column)]
        (entry,) = [e for e in summary[part]["baris"] if e[key] == old[data_row - 1][key]]
        assert entry[name] == READ[fmt](written), (written, entry)
    formatter = PRINTED.get((table_.file, column))
    if formatter is not None:
        expected = " ".join(formatter(READ[fmt](written)).split())
        assert expected in _visible(html), (written, expected)


# -- every key of laporan.yaml and satker.yaml ------------------------------------------------


def _leaves(model: type[BaseModel], path: tuple = ()) -> list[tuple[tuple, str]]:
    """Every key a YAML model declares, down to its scalars: (path, kind), a list's first
    item standing for all (``misi.0``, ``pejabat.0.nama``)."""
    found = []
    for name, info in model.model_fields.items():
        found += _leaf(info.annotation, (*path, name))
    return found


def _leaf(annotation: object, path: tuple) -> list[tuple[tuple, str]]:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _leaf(args[0], path)
    if origin in (typing.Union, types.UnionType):
        return _leaf(next(a for a in args if a is not type(None)), path)
    if origin is list:
        return _leaf(args[0], (*path, 0))
    if origin is dict:
        return _leaf(args[1], (*path, "situs"))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _leaves(annotation, path)
    kinds = {str: "teks", int: "angka", float: "angka", bool: "benar", dt.date: "tanggal"}
    return [(path, kinds.get(annotation, "teks"))]  # a Literal is text


YAML_LEAVES = [
    (file, path, kind) for file, model in YAML_FILES.items() for path, kind in _leaves(model)
]
#: Text keys the report does not print whatever the data: kept for other documents (codes,
#: the DIPA, the Renstra decree) or for `lakip tahun-baru`; and keys printed only where a
#: narrative file asks for them with a `sisipan: satker.yaml#...` marker (the Bontang data
#: does, the fixtures do not) or with tables the unit may not have (nama_singkat).
YAML_NOT_PRINTED = {
    ("satker.yaml", "kode"),
    ("satker.yaml", "kode_satker"),
    ("satker.yaml", "induk"),
    ("satker.yaml", "visi"),
    ("satker.yaml", "iku_keputusan"),
    ("laporan.yaml", "renstra.periode"),
    ("laporan.yaml", "renstra.keputusan"),
    ("laporan.yaml", "renstra.keputusan_satker"),
    ("laporan.yaml", "rkt.tempat"),
    ("laporan.yaml", "dipa.nomor"),
    ("laporan.yaml", "dipa.digital_stamp"),
}
YAML_BY_MARKER = ("misi", "tujuan", "sasaran_strategis", "iku", "tugas", "wewenang", "fungsi",
                  "kewajiban", "media", "nama_singkat")  # fmt: skip
YAML_VALUES = {
    "teks": TEXT,
    "angka": st.one_of(NUMBER, TEXT),
    "tanggal": st.one_of(st.dates(), TEXT),
    "benar": st.one_of(st.booleans(), TEXT),
}


def _dotted(path: tuple) -> str:
    """A key path as findings name it: ``pejabat.[1].nama``."""
    return ".".join(f"[{p + 1}]" if isinstance(p, int) else p for p in path)


def _put(document: dict, path: tuple, value: object) -> None:
    """Set the key at ``path``, making the blocks and list items on the way."""
    node: object = document
    for part, after in zip(path[:-1], path[1:], strict=True):
        empty: object = [] if isinstance(after, int) else {}
        if isinstance(node, list):
            node.extend({} for _ in range(part + 1 - len(node)))
            if not isinstance(node[part], type(empty)):
                node[part] = empty
        elif not isinstance(node.get(part), type(empty)):
            node[part] = empty
        node = node[part]
    if isinstance(node, list):
        node.extend(None for _ in range(path[-1] + 1 - len(node)))
    node[path[-1]] = value


def _yaml_printed(file: str, path: tuple, unit: Unit) -> bool:
    shown = _dotted(path).replace(".[1]", ".0")
    if (file, shown) in YAML_NOT_PRINTED or path[0] in ("pengaturan", "tahun"):
        return False
    return path[0] not in YAML_BY_MARKER or unit.satker == "kpu-kota-bontang"


def _names_the_key(findings, path: tuple) -> bool:
    """A finding names the YAML file, a line and the key (or its block); a changed peran or
    tree level is told where it is referred to (laporan.yaml, pohon.csv)."""
    return any(
        (
            Path(f.file).name in YAML_FILES
            and f.row is not None
            and ((f.column or "").split(".")[0] == path[0] or f.kode == "unknown_reference")
        )
        or (f.kode == "not_allowed" and "pengaturan.tingkat" in f.message and f.row is not None)
        for f in findings
    )


@pytest.mark.slow
@pytest.mark.parametrize("leaf", YAML_LEAVES, ids=[f"{f}:{_dotted(p)}" for f, p, _ in YAML_LEAVES])
@settings(max_examples=FEW)
@given(pick=st.integers(min_value=0, max_value=1000), data_=st.data())
def test_any_value_in_any_yaml_key(tmp_path_factory, leaf, pick, data_):
    """Any value in any key of laporan.yaml and satker.yaml: a finding naming the file and
    the key, or a report that prints the text where the key is printed."""
    file, path, kind = leaf
    unit = UNITS[pick % len(UNITS)]
    value = data_.draw(YAML_VALUES[kind], label="value")
    data = _copy_unit(tmp_path_factory, unit)
    target = data / unit.satker / (file if file == "satker.yaml" else f"{unit.tahun}/{file}")
    document = yaml.safe_load(target.read_text(encoding="utf-8"))
    _put(document, path, value)
    target.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    try:
        _all_stages(data, unit)
    except DataValidationError as error:
        _check_findings(error)
        assert _names_the_key(error.findings, path), (value, str(error))
        code, text = run_periksa(data, unit.satker, unit.tahun)
        assert code == 1 and "galat" in text
        return
    html, _ = render_report(data, unit.satker, unit.tahun)
    for svg in _svgs(html):
        ET.fromstring(svg)
    # logo_teks "KPU / Kota Bontang": the mark and the line below it (cover_html)
    parts = str(value).partition("/")[::2] if path == ("logo_teks",) else (str(value),)
    if kind == "teks" and _yaml_printed(file, path, unit):
        for shown in (" ".join(part.split()) for part in parts):
            assert not shown or shown in _visible(html), (file, path, shown)


# -- narrative ------------------------------------------------------------------------------

WORDY = st.text(st.characters(categories=("L", "N", "Zs", "P", "S")), max_size=200)


@given(text=st.one_of(WORDY, st.sampled_from(TRICKY)), prefix=st.sampled_from(TRICKY))
@example(text="<?0>", prefix="")  # found by hypothesis: a processing instruction ate "0"
@example(text="<?", prefix="")
def test_narrative_keeps_every_word(text, prefix):
    markdown = f"{prefix}\n\n{text}\n\nakhir"
    html = render_markdown(markdown)
    assert "<script" not in html.lower() and "<style" not in html.lower()
    visible = _visible(html)
    assert "akhir" in visible
    if re.search(r"<(script|style)\b", text, re.IGNORECASE):
        return  # their content is dropped on purpose
    prose = re.sub(r"</?[A-Za-z][^<>]*>", " ", text)  # tag names are not words of the text
    for word in re.findall(r"[^\W_]+", prose):
        assert word in visible or word in html, (word, html)


@pytest.mark.slow
@settings(max_examples=FEW)
@given(text=st.one_of(WORDY, st.sampled_from(TRICKY)))
def test_narrative_file_with_any_text_builds(tmp_path_factory, text):
    data = _copy(tmp_path_factory)
    (data / SATKER / str(TAHUN) / "narasi" / "kata_pengantar.md").write_text(
        f"{text}\n\npenutup kata pengantar\n", encoding="utf-8"
    )
    checked = _check_report(data)
    if checked is not None:
        assert "penutup kata pengantar" in _visible(checked[0])


# -- the PDF (slow profile) -----------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=max(FEW // 2, 2))
@given(text=TEXT)
@example(text="X" * 150)
def test_pdf_holds_the_text_and_every_column_on_the_page(tmp_path_factory, text):
    data = _copy(tmp_path_factory)
    _rewrite_cell(data / SATKER / str(TAHUN) / "indikator.csv", 0, 2, text)
    checked = _check_report(data)
    if checked is None:
        return
    width, right, boxes = _pdf_boxes(checked[0])
    assert right <= width, "text off the page"
    assert "Capaian" in boxes
    shown = re.findall(r"[^\W_]{2,}", text)
    if shown and len(shown[0]) <= 20:  # longer tokens wrap anywhere: pdftotext splits them
        assert shown[0] in boxes, shown[0]


def _pdf_boxes(html: str) -> tuple[float, float, str]:
    """Print the page to PDF; its width, the rightmost edge of any word, the words' XML."""
    import subprocess

    pdf = export_pdf(html)
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    return width, max(float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)), boxes


@pytest.mark.slow
def test_pdf_keeps_the_longest_numbers_of_every_printed_column_on_the_page(tmp_path_factory):
    """18 digits (the most the loader reads) in every printed numeric column of the 2024 data;
    amounts and counts as large as their column's total allows (`JUMLAH_MAKS`)."""
    unit = UNITS[0]
    data = _copy_unit(tmp_path_factory, unit)
    for (file, column), _ in PRINTED.items():
        path = unit.path(data, table(file))
        if not path.is_file() or file == "standar.csv":
            continue
        fmt = columns(table(file).model)[column].metadata["format"]
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        whole = min(JUMLAH_MAKS // len(rows), 10**18 - 1)
        longest = {"rupiah": _spell(whole, "indonesia", 0), "bulat": str(whole)}
        for i, row in enumerate(rows):
            old = row[column]
            suffix = re.sub(r"^.*\d", "", old) if re.search(r"\d", old) else ""
            value = longest.get(fmt, "999999999999999999" + suffix)
            if fmt != "nilai" or suffix:  # a grade or range stays as it is
                _rewrite_cell(path, i, list(row).index(column), value)
    load_year(data, unit.satker, unit.tahun)  # no finding: a report to print
    checked = _check_report(data, unit.satker, unit.tahun)
    assert checked is not None
    width, right, boxes = _pdf_boxes(checked[0])
    assert right <= width, f"text off the page: {right} > {width}"
    assert "Rp" in boxes and "Capaian" in boxes
