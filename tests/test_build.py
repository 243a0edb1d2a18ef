"""The build: document assembly (fast) and whole notebook runs (slow)."""

import ast
import json
import re
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from lakipkit.build import assemble_document, build_report, chapter_key
from lakipkit.errors import BuildError, LakipError
from lakipkit.tables import caption_html, contents_placeholder


def _page(*parts):
    return "<html><body><main>" + "".join(parts) + "</main></body></html>"


def _table(title):
    return f'<table class="tabel"><caption>{caption_html(title)}</caption></table>'


def _figure(title):
    caption = caption_html(title, "Gambar")
    return f'<figure class="gambar"><img src="data:,"><figcaption>{caption}</figcaption></figure>'


DOC = _page(
    '<div class="logo">KPU</div>',
    "<h1>KATA PENGANTAR</h1><p>x</p>",
    contents_placeholder("isi", "DAFTAR ISI"),
    contents_placeholder("tabel", "DAFTAR TABEL"),
    contents_placeholder("gambar", "DAFTAR GAMBAR"),
    "<h1>IKHTISAR EKSEKUTIF</h1>",
    _table("Perjanjian Kinerja"),
    "<h1>BAB I PENDAHULUAN</h1><h2>A. Latar Belakang</h2>",
    _table("Pegawai ASN"),
    _table("Pegawai Non PNS"),
    "<h1>BAB III AKUNTABILITAS KINERJA</h1><h2>A. Pengukuran</h2>",
    _table("Indikator Kinerja"),
    _figure("Capaian per indikator"),
    "<h2>A. Pengukuran</h2>",
    "<h1>LAMPIRAN</h1>",
    _table("Perjanjian Kinerja Tahun 2024"),
)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("BAB I PENDAHULUAN", "1"),
        ("BAB IV PENUTUP", "4"),
        ("bab ii  x", "2"),
        ("BAB IX", "9"),
        ("LAMPIRAN 1", "L"),
        ("KATA PENGANTAR", None),
        ("BABAK", None),
    ],
)
def test_chapter_key(text, key):
    assert chapter_key(text) == key


def test_tables_and_figures_are_numbered_per_chapter_with_ids():
    soup = BeautifulSoup(assemble_document(DOC), "html.parser")
    labels = [
        (s.find_parent(["table", "figure"])["id"], s.get_text()) for s in soup.select("span.nomor")
    ]
    assert labels == [
        ("tabel-1", "Tabel 1"),
        ("tabel-1-1", "Tabel 1.1"),
        ("tabel-1-2", "Tabel 1.2"),
        ("tabel-3-1", "Tabel 3.1"),
        ("gambar-3-1", "Gambar 3.1"),
        ("tabel-l-1", "Tabel L.1"),
    ]


def test_sections_split_cover_front_matter_and_chapters():
    soup = BeautifulSoup(assemble_document(DOC), "html.parser")
    main = soup.find("main")
    parts = [(tag.name, tag["class"][0]) for tag in main.find_all(recursive=False)]
    assert parts == [("section", "sampul"), ("div", "depan"), ("div", "isi")]
    assert main.find("section", class_="sampul").find(class_="logo")
    front = [s.h1.get_text() for s in main.find("div", class_="depan").find_all("section")]
    assert front == [
        "KATA PENGANTAR",
        "DAFTAR ISI",
        "DAFTAR TABEL",
        "DAFTAR GAMBAR",
        "IKHTISAR EKSEKUTIF",
    ]
    chapters = [s.h1.get_text() for s in main.find("div", class_="isi").find_all("section")]
    assert chapters == ["BAB I PENDAHULUAN", "BAB III AKUNTABILITAS KINERJA", "LAMPIRAN"]


def test_lists_link_to_existing_ids_in_document_order():
    soup = BeautifulSoup(assemble_document(DOC), "html.parser")
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    assert len(ids) == len(soup.find_all(id=True)), "ids are unique"
    isi = soup.find("nav", attrs={"data-daftar": "isi"})
    entries = [(a.get_text(), a["href"]) for a in isi.find_all("a")]
    assert entries[0] == ("KATA PENGANTAR", "#kata-pengantar")
    assert ("A. Pengukuran", "#a-pengukuran") in entries and (
        "A. Pengukuran",
        "#a-pengukuran-2",
    ) in entries
    assert all(href[1:] in ids for _, href in entries)
    assert isi.find("a", href="#kata-pengantar")["class"] == ["depan"]
    assert not isi.find("a", href="#bab-i-pendahuluan").get("class")
    tabel = [a.get_text() for a in soup.find("nav", attrs={"data-daftar": "tabel"}).find_all("a")]
    assert tabel == [
        "Tabel 1 Perjanjian Kinerja",
        "Tabel 1.1 Pegawai ASN",
        "Tabel 1.2 Pegawai Non PNS",
        "Tabel 3.1 Indikator Kinerja",
        "Tabel L.1 Perjanjian Kinerja Tahun 2024",
    ]
    gambar = [a["href"] for a in soup.find("nav", attrs={"data-daftar": "gambar"}).find_all("a")]
    assert gambar == ["#gambar-3-1"]


def test_assembly_is_deterministic():
    assert assemble_document(DOC) == assemble_document(DOC)
    assert re.search(r"tabel-3-1", assemble_document(DOC))


# -- the notebook source -------------------------------------------------------------------

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def test_report_notebook_defines_nothing_and_declares_its_parameters():
    source = (NOTEBOOKS / "laporan.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    defined = [
        type(node).__name__
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))
    ]
    assert defined == [], "the notebook only calls lakipkit; functions belong in the package"
    cells = source.split("\n# %%")
    parameters = [c for c in cells if c.startswith(' tags=["parameters"]')]
    assert len(parameters) == 1
    names = {
        node.targets[0].id
        for node in ast.parse(parameters[0].split("\n", 1)[1]).body
        if isinstance(node, ast.Assign)
    }
    assert names == {
        "tahun",
        "satker",
        "data_dir",
        "output_dir",
        "cap",
        "skala",
        "lampiran_pemeriksaan",
    }


def test_paired_ipynb_matches_the_percent_script():
    import jupytext

    script = jupytext.read(NOTEBOOKS / "laporan.py")
    paired = jupytext.read(NOTEBOOKS / "laporan.ipynb")
    assert [(c.cell_type, c.source) for c in script.cells] == [
        (c.cell_type, c.source) for c in paired.cells
    ]
    assert "parameters" in paired.cells[0].metadata.get("tags", [])
    assert all(not c.get("outputs") for c in paired.cells if c.cell_type == "code")


# -- arguments refused before a kernel starts ----------------------------------------------


def test_unknown_format_skala_or_missing_year_write_nothing(tmp_path):
    with pytest.raises(LakipError, match="format tidak dikenal: docx"):
        build_report(FIXTURE_DATA, FIXTURE_SATKER, FIXTURE_TAHUN, tmp_path, formats=("docx",))
    with pytest.raises(LakipError, match="skala tidak dikenal"):
        build_report(
            FIXTURE_DATA, FIXTURE_SATKER, FIXTURE_TAHUN, tmp_path, parameters={"skala": "x"}
        )
    with pytest.raises(LakipError, match="parameter tidak dikenal|tidak dikenal oleh"):
        build_report(FIXTURE_DATA, FIXTURE_SATKER, FIXTURE_TAHUN, tmp_path, parameters={"warna": 1})
    with pytest.raises(LakipError):
        build_report(FIXTURE_DATA, FIXTURE_SATKER, 1999, tmp_path)
    assert list(tmp_path.rglob("*.html")) == [] and list(tmp_path.rglob("*.pdf")) == []


# -- whole builds (slow) ----------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
FIXTURE_DATA = REPO / "tests" / "fixtures" / "data"
FIXTURE_SATKER, FIXTURE_TAHUN = "contoh-satker", 2023
CHAPTERS = [
    "KATA PENGANTAR",
    "DAFTAR ISI",
    "DAFTAR TABEL",
    "DAFTAR GAMBAR",
    "IKHTISAR EKSEKUTIF",
    "BAB I PENDAHULUAN",
    "BAB II PERENCANAAN DAN PERJANJIAN KINERJA",
    "BAB III AKUNTABILITAS KINERJA",
    "BAB IV PENUTUP",
    "LAMPIRAN",
]
# Loading anything from the network: src/href of loadable elements, CSS url()/@import.
LOADS = re.compile(
    r"<(?:script|img|iframe|embed|source|video|audio|object|link)\b[^>]*?\s(?:src|href|data)="
    r"[\"']?(?:https?:)?//|url\(\s*[\"']?(?:https?:)?//|@import",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def report_2024(tmp_path_factory):
    return build_report(DATA, "kpu-kota-bontang", 2024, tmp_path_factory.mktemp("out"))


def _text(html):
    return BeautifulSoup(html, "html.parser").get_text(" ")


@pytest.mark.slow
def test_2024_html_has_every_chapter_the_key_figures_and_numbered_tables(report_2024):
    html = report_2024.html.read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    h1 = [h.get_text(" ", strip=True) for h in soup.find_all("h1")]
    assert h1 == CHAPTERS
    text = _text(html)
    assert "36,38 %" in text and "Rp 40.719.755.000" in text and "Rp 14.814.961.857" in text
    assert (
        "empat puluh miliar tujuh ratus sembilan belas juta tujuh ratus lima puluh lima ribu rupiah"
        in text
    )
    labels = [s.get_text() for s in soup.select("span.nomor[data-jenis=Tabel]")]
    assert labels[:3] == ["Tabel 1", "Tabel 1.1", "Tabel 1.2"]
    keyed = [(label.split()[1].split(".")[0], int(label.split(".")[-1])) for label in labels[1:]]
    for (chapter, n), (next_chapter, next_n) in zip(keyed, keyed[1:], strict=False):
        assert (next_chapter, next_n) == (chapter, n + 1) or (
            next_chapter != chapter and next_n == 1
        )
    assert "Tabel 3.1" in labels and [
        s.get_text() for s in soup.select("span.nomor[data-jenis=Gambar]")
    ][:2] == ["Gambar 1.1", "Gambar 3.1"]
    caption_31 = soup.find(id="tabel-3-1").caption.get_text(" ", strip=True)
    assert caption_31 == "Tabel 3.1 Indikator Kinerja, Target, Realisasi dan Capaian"
    rows_31 = soup.find(id="tabel-3-1").tbody.find_all("tr")
    assert len([r for r in rows_31 if r.td]) == 31


@pytest.mark.slow
def test_2024_html_shows_no_code_runs_no_script_and_loads_nothing(report_2024):
    html = report_2024.html.read_text(encoding="utf-8")
    lowered = html.lower()
    assert "<script" not in lowered
    assert not LOADS.search(html), LOADS.search(html)
    handlers = [
        (tag.name, name)
        for tag in BeautifulSoup(html, "html.parser").find_all(True)
        for name in tag.attrs
        if name.lower().startswith("on")
    ]
    assert handlers == []
    text = _text(html)
    for code in ("load_year(", "display(HTML", "import ", "tags=", "In [", "Out["):
        assert code not in text
    assert "jp-InputArea" not in html and "<pre" not in lowered


@pytest.mark.slow
def test_2024_pdf_has_the_same_key_figures(report_2024):
    from pypdf import PdfReader

    pages = len(PdfReader(report_2024.pdf).pages)
    assert 40 <= pages <= 120
    text = subprocess.run(
        ["pdftotext", "-layout", str(report_2024.pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "36,38 %" in text and "40.719.755.000" in text
    assert "Tabel 3.1 Indikator Kinerja, Target, Realisasi dan Capaian" in text
    assert "BAB III AKUNTABILITAS KINERJA" in text
    summary = json.loads(report_2024.summary.read_text(encoding="utf-8"))
    assert summary["tahun"] == 2024


@pytest.mark.slow
def test_fixture_year_builds_and_rebuilds_byte_identically(tmp_path):
    first = build_report(FIXTURE_DATA, FIXTURE_SATKER, FIXTURE_TAHUN, tmp_path)
    html = first.html.read_text(encoding="utf-8")
    assert [
        h.get_text(" ", strip=True) for h in BeautifulSoup(html, "html.parser").find_all("h1")
    ] == CHAPTERS
    before = {path.name: path.read_bytes() for path in first.paths}
    assert set(before) == {
        "laporan-contoh-satker-2023.html",
        "laporan-contoh-satker-2023.pdf",
        "laporan-contoh-satker-2023.ipynb",
        "summary.json",
    }
    second = build_report(FIXTURE_DATA, FIXTURE_SATKER, FIXTURE_TAHUN, tmp_path)
    for path in second.paths:
        assert path.read_bytes() == before[path.name], f"{path.name} changed between builds"
    assert sorted(p.name for p in first.output_dir.iterdir()) == sorted(before)


@pytest.mark.slow
def test_failed_cell_keeps_the_previous_report_and_the_failed_notebook(tmp_path):
    import nbformat

    good = build_report(FIXTURE_DATA, FIXTURE_SATKER, FIXTURE_TAHUN, tmp_path, formats=("html",))
    before = {path: path.read_bytes() for path in good.paths}
    nb = nbformat.read(NOTEBOOKS / "laporan.ipynb", as_version=4)
    nb.cells.insert(5, nbformat.v4.new_code_cell('raise RuntimeError("sel rusak untuk uji")'))
    broken = tmp_path / "rusak.ipynb"
    nbformat.write(nb, broken)
    with pytest.raises(BuildError) as caught:
        build_report(FIXTURE_DATA, FIXTURE_SATKER, FIXTURE_TAHUN, tmp_path, notebook=broken)
    error = caught.value
    assert error.cell_index == 6  # + the injected parameters cell
    assert error.ename == "RuntimeError" and error.evalue == "sel rusak untuk uji"
    assert "sel 6" in str(error) and "RuntimeError: sel rusak untuk uji" in str(error)
    failed = good.output_dir / "laporan-contoh-satker-2023.failed.ipynb"
    assert error.notebook == failed and failed.exists()
    kept = nbformat.read(failed, as_version=4)
    assert any(o.get("ename") == "RuntimeError" for c in kept.cells for o in c.get("outputs", []))
    for path, content in before.items():
        assert path.read_bytes() == content
    leftovers = [p.name for p in good.output_dir.iterdir() if p.name.startswith(".")]
    assert leftovers == []
    again = build_report(FIXTURE_DATA, FIXTURE_SATKER, FIXTURE_TAHUN, tmp_path, formats=("html",))
    assert not failed.exists() and again.html.read_bytes() == before[good.html]
