"""Property-based tests of the whole pipeline (hypothesis): arbitrary text and numbers in data.

Any text goes into any text cell of any data file (and into laporan.yaml and a narrative
file), any number into the numeric ones. Every stage must then give either a clean finding
naming the file (and row and column where there is one) or a correct output: periksa, strict
JSON summary, tables, charts (valid SVG holding the text), narrative, the report's HTML, and
in the slow profile the PDF. Never a traceback, never the text silently gone.

The report is rendered in process: the cells of notebooks/laporan.ipynb run with their
parameters, their displays are formatted as IPython would, and the page is exported by the
build's own `export_html` (`render_report`). That is the build without its kernel, ~10x
faster, so many more examples fit in CI. Profiles: tests/conftest.py.
"""

import csv
import io
import json
import math
import re
import shutil
import xml.etree.ElementTree as ET
from base64 import b64decode
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lakipkit.audit import run_periksa
from lakipkit.build import export_html, export_pdf, report_title
from lakipkit.capaian import compute_capaian
from lakipkit.errors import DataValidationError
from lakipkit.loading import load_year
from lakipkit.narrative import render_markdown
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


def render_report(data: Path) -> tuple[str, object]:
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
                namespace.update(tahun=TAHUN, satker=SATKER, data_dir=str(data), output_dir="")
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


def _check_report(data: Path) -> tuple[str, object] | None:
    """Every stage on one data folder: a finding, or outputs that hold together."""
    try:
        year = load_year(data, SATKER, TAHUN)
    except DataValidationError as error:
        _check_findings(error)
        code, text = run_periksa(data, SATKER, TAHUN)
        assert code == 1 and "galat" in text
        return None
    summary = summary_json(build_summary(year))
    json.loads(summary, parse_constant=lambda name: pytest.fail(f"{name} in summary.json"))
    html, _ = render_report(data)
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
        # a target the capaian rules refuse (positif <= 0) is a finding of the summary step
        summary = summary_json(build_summary(load_year(data, SATKER, TAHUN)))
    except DataValidationError as error:
        _check_findings(error)
        return
    json.loads(summary, parse_constant=pytest.fail)


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
    import subprocess

    data = _copy(tmp_path_factory)
    _rewrite_cell(data / SATKER / str(TAHUN) / "indikator.csv", 0, 2, text)
    checked = _check_report(data)
    if checked is None:
        return
    pdf = export_pdf(checked[0])
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    right = max(float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes))
    assert right <= width, "text off the page"
    assert "Capaian" in boxes
