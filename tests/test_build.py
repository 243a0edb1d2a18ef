"""The build: document assembly (fast) and whole notebook runs (slow)."""

import ast
import json
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from office_checks import assert_docx_says_what_the_page_says

from lakipkit.build import (
    assemble_document,
    build_report,
    chapter_key,
    check_laporan,
    output_stem,
    report_title,
)
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
    "<h2>A. Pengukuran</h2><p>y</p>",
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


TO_CONTENTS = '<a class="ke-daftar-isi" href="#daftar-isi">Daftar Isi</a>'


def test_page_without_chapters_has_no_front_matter_and_no_dead_contents_link():
    page = (
        f"<html><body>{TO_CONTENTS}<main>"
        "<h1>Pemantauan Kinerja Triwulan III Tahun 2024</h1><h2>A. Capaian</h2>"
        + _table("Capaian s.d. Triwulan III")
        + _figure("Capaian")
        + "<h2>B. Berisiko</h2>"
        + _table("Indikator Berisiko")
        + "</main></body></html>"
    )
    soup = BeautifulSoup(assemble_document(page), "html.parser")
    main = soup.find("main")
    assert [(tag.name, tag["class"][0]) for tag in main.find_all(recursive=False)] == [
        ("div", "isi")
    ]
    assert [s.get_text() for s in soup.select("span.nomor")] == ["Tabel 1", "Gambar 1", "Tabel 2"]
    assert soup.find("a", class_="ke-daftar-isi") is None


def test_page_with_a_daftar_isi_keeps_the_link_to_it():
    soup = BeautifulSoup(
        assemble_document(DOC.replace("<html><body>", f"<html><body>{TO_CONTENTS}")),
        "html.parser",
    )
    assert soup.find("a", class_="ke-daftar-isi")["href"] == "#daftar-isi"
    assert soup.find(id="daftar-isi") is not None


# -- annual or quarterly: names, titles, arguments ----------------------------------------------


def test_quarterly_files_have_their_own_stem():
    assert output_stem("kpu-kota-bontang", 2024) == "laporan-kpu-kota-bontang-2024"
    assert output_stem("kpu-kota-bontang", 2024, 3) == "triwulan-3-kpu-kota-bontang-2024"


@pytest.mark.parametrize(
    ("laporan", "triwulan", "message"),
    [
        ("triwulan", None, "laporan triwulan butuh nomor triwulan 1-4"),
        ("triwulan", 5, "triwulan 5 tidak sah: pilih 1, 2, 3 atau 4"),
        ("triwulan", 0, "triwulan 0 tidak sah"),
        ("tahunan", 3, "triwulan 3 hanya untuk laporan triwulan"),
        ("bulanan", None, "jenis laporan tidak dikenal: 'bulanan'"),
    ],
)
def test_kind_and_quarter_are_refused_before_anything_runs(tmp_path, laporan, triwulan, message):
    with pytest.raises(LakipError, match=re.escape(message)):
        check_laporan(laporan, triwulan)
    with pytest.raises(LakipError, match=re.escape(message)):
        build_report(
            FIXTURE_DATA,
            FIXTURE_SATKER,
            FIXTURE_TAHUN,
            tmp_path,
            laporan=laporan,
            triwulan=triwulan,
        )
    assert list(tmp_path.iterdir()) == []


def test_quarter_is_an_argument_not_a_notebook_parameter(tmp_path):
    with pytest.raises(LakipError, match="parameter triwulan diberikan sebagai argumen"):
        build_report(
            MULTI,
            MULTI_SATKER,
            2024,
            tmp_path,
            laporan="triwulan",
            triwulan=2,
            parameters={"triwulan": 3},
        )
    assert check_laporan("triwulan", 2) == 2 and check_laporan("tahunan", None) is None


def test_titles():
    year = SimpleNamespace(
        tahun=2024,
        satker_id="contoh-sintetis",
        satker={"nama": "Satuan Kerja Contoh Sintetis", "nama_singkat": "Satker Contoh"},
        laporan={"judul": "Laporan Kinerja Satker Contoh Tahun 2024"},
    )
    assert report_title(year) == "Laporan Kinerja Satker Contoh Tahun 2024"
    assert report_title(year, 3) == "Pemantauan Kinerja Triwulan III Tahun 2024 | Satker Contoh"


REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
FIXTURE_DATA = REPO / "tests" / "fixtures" / "data"
FIXTURE_SATKER, FIXTURE_TAHUN = "contoh-satker", 2023
MULTI = REPO / "tests" / "fixtures" / "multi"
MULTI_SATKER = "contoh-sintetis"


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
    with pytest.raises(LakipError, match="format tidak dikenal: odt"):
        build_report(FIXTURE_DATA, FIXTURE_SATKER, FIXTURE_TAHUN, tmp_path, formats=("odt",))
    with pytest.raises(LakipError, match="skala x: tidak dikenal"):
        build_report(
            FIXTURE_DATA, FIXTURE_SATKER, FIXTURE_TAHUN, tmp_path, parameters={"skala": "x"}
        )
    with pytest.raises(LakipError, match="parameter tidak dikenal|tidak dikenal oleh"):
        build_report(FIXTURE_DATA, FIXTURE_SATKER, FIXTURE_TAHUN, tmp_path, parameters={"warna": 1})
    with pytest.raises(LakipError):
        build_report(FIXTURE_DATA, FIXTURE_SATKER, 1999, tmp_path)
    assert list(tmp_path.rglob("*.html")) == [] and list(tmp_path.rglob("*.pdf")) == []


# -- whole builds (slow) ----------------------------------------------------------------------

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
    formats = ("html", "pdf", "xlsx", "docx")
    return build_report(DATA, "kpu-kota-bontang", 2024, tmp_path_factory.mktemp("out"), formats)


def _text(html):
    return BeautifulSoup(html, "html.parser").get_text(" ")


@pytest.mark.slow
def test_2024_html_has_every_chapter_the_key_figures_and_numbered_tables(report_2024):
    html = report_2024.html.read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    h1 = [h.get_text(" ", strip=True) for h in soup.find_all("h1")]
    assert h1 == CHAPTERS
    text = _text(html)
    assert "36,38%" in text and "Rp 40.719.755.000" in text and "Rp 14.814.961.857" in text
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
def test_2024_html_prints_every_written_paragraph_once(report_2024):
    """A paragraph of the narasi files printed twice is a copy error the reader sees."""
    soup = BeautifulSoup(report_2024.html.read_text(encoding="utf-8"), "html.parser")

    def words(text: str) -> str:
        return " ".join(re.sub(r"[*_]", "", text).split())

    printed = [words(p.get_text(" ")) for p in soup.find_all("p")]
    written = [
        words(BeautifulSoup(paragraph, "html.parser").get_text(" "))
        for path in sorted((DATA / "kpu-kota-bontang" / "2024" / "narasi").rglob("*.md"))
        for paragraph in path.read_text(encoding="utf-8").split("\n\n")
        if len(paragraph) > 60 and paragraph[0].isalpha()
    ]
    assert len(written) > 20
    assert [w[:60] for w in written if sum(w in p for p in printed) > 1] == []


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
    assert "36,38%" in text and "40.719.755.000" in text
    assert "Tabel 3.1 Indikator Kinerja, Target, Realisasi dan Capaian" in text
    assert "BAB III AKUNTABILITAS KINERJA" in text
    summary = json.loads(report_2024.summary.read_text(encoding="utf-8"))
    assert summary["tahun"] == 2024


def _pdf_pages(pdf):
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def _has_line(page, text):
    return text in (line.strip() for line in page.splitlines())


def _opens_with(page, heading):
    """The first line under the running head is `heading` (a chapter starts here)."""
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return len(lines) > 1 and lines[1] == heading


def _footer(page):
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return lines[-1] if lines else ""


@pytest.mark.slow
def test_2024_pdf_lists_carry_the_page_numbers_printed_on_those_pages(report_2024):
    pages = _pdf_pages(report_2024.pdf)
    isi = next(i for i, page in enumerate(pages) if _has_line(page, "DAFTAR ISI"))
    listed = dict(
        re.findall(
            r"^\s*((?:BAB [IV]+|IKHTISAR|KATA|LAMPIRAN)[A-Z ]*?)\s{2,}([0-9ivx]+)\s*$",
            pages[isi],
            re.MULTILINE,
        )
    )
    assert listed["KATA PENGANTAR"] == "i" and listed["BAB I PENDAHULUAN"] == "1"
    assert set(CHAPTERS[4:]) <= set(listed)
    for heading, number in listed.items():
        if heading.startswith("DAFTAR"):
            continue
        found = [i for i, page in enumerate(pages) if _opens_with(page, heading)]
        assert found, heading
        assert _footer(pages[found[0]]) == number, (heading, number)
    tabel = next(i for i, page in enumerate(pages) if _has_line(page, "DAFTAR TABEL"))
    number = re.search(r"Tabel 3\.1 Indikator Kinerja.*?\s([0-9]+)\s*$", pages[tabel], re.M)
    shown = next(
        i
        for i, page in enumerate(pages)
        if "Tabel 3.1 Indikator Kinerja, Target" in page and i != tabel
    )
    assert _footer(pages[shown]) == number.group(1)
    # cover without number or running head, roman front matter, running head elsewhere
    html = BeautifulSoup(report_2024.html.read_text(encoding="utf-8"), "html.parser")
    head = html.select_one(".judul-berjalan").get_text(" ", strip=True)
    assert head.startswith("Laporan Akuntabilitas Kinerja") and head not in pages[0]
    assert [_footer(page) for page in pages[1:4]] == ["i", "ii", "iii"]
    assert all(head in " ".join(page.split()) for page in pages[1:])


@pytest.mark.slow
def test_fixture_year_builds_and_rebuilds_byte_identically(tmp_path):
    first = build_report(FIXTURE_DATA, FIXTURE_SATKER, FIXTURE_TAHUN, tmp_path)
    html = first.html.read_text(encoding="utf-8")
    assert [
        h.get_text(" ", strip=True) for h in BeautifulSoup(html, "html.parser").find_all("h1")
    ] == [c for c in CHAPTERS if c != "BAB IV PENUTUP"]  # no closing text: no Bab IV
    before = {path.name: path.read_bytes() for path in first.paths}
    assert set(before) == {
        "laporan-contoh-satker-2023.html",
        "laporan-contoh-satker-2023.pdf",
        "laporan-contoh-satker-2023.ipynb",
        "summary.json",
    }
    second = build_report(FIXTURE_DATA, FIXTURE_SATKER, FIXTURE_TAHUN, tmp_path, paksa=True)
    assert not second.cached
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


@pytest.mark.slow
def test_2024_says_once_which_comparisons_its_data_does_not_allow(report_2024):
    soup = BeautifulSoup(report_2024.html.read_text(encoding="utf-8"), "html.parser")
    # no earlier year, Renstra target, standard or IKU realisasi: no heading, no empty table
    for heading in (
        "Perbandingan dengan Tahun-Tahun Sebelumnya",
        "Capaian Indikator Kinerja Utama",
    ):
        assert soup.find("h3", string=heading) is None
    [limits] = [p for p in soup.find_all("p") if "belum memungkinkan" in p.get_text()]
    text = limits.get_text(" ", strip=True)
    assert text.startswith(
        "Data laporan ini belum memungkinkan sebagian analisis yang diminta PermenPANRB Nomor 53 "
        "Tahun 2014, yaitu perbandingan dengan realisasi tahun-tahun sebelum 2024;"
    )
    assert "data/" not in soup.get_text() and "folder" not in text
    assert limits.find_next("h2").get_text(strip=True) == "B. Analisis Capaian Kinerja"
    # causes of the two missed targets, and the efficiency of all nine reported budget lines
    causes = soup.find("h3", string="Penyebab Keberhasilan atau Kegagalan dan Alternatif Solusi")
    assert [h.get_text(" ", strip=True)[:5] for h in causes.find_all_next("h4", limit=2)] == [
        "WA-13",
        "CQ-14",
    ]
    caption = next(c for c in soup.find_all("caption") if "Efisiensi: Capaian" in c.get_text())
    rows = _rows(caption.find_parent("table"))
    assert [r[0] for r in rows] == [
        *("076.01.CQ", "6709", "6867", "6870", "6871", "6872", "6981", "6982"),
        *("076.01.WA", "3355", "3360"),
    ]


# -- the synthetic satker: 2024 with 2022 and 2023 behind it, and its quarters ------------------


@pytest.fixture(scope="module")
def multi(tmp_path_factory):
    """Annual report (HTML) then quarterly report TW III (HTML, PDF) into one output folder.

    The fixture has no organisasi.csv: the report leaves the chart out.
    """
    data = tmp_path_factory.mktemp("data")
    shutil.copytree(MULTI / MULTI_SATKER, data / MULTI_SATKER)
    out = tmp_path_factory.mktemp("out")
    annual = build_report(data, MULTI_SATKER, 2024, out, formats=("html",))
    before = {path.name: path.read_bytes() for path in annual.paths}
    quarterly = build_report(data, MULTI_SATKER, 2024, out, laporan="triwulan", triwulan=3)
    return SimpleNamespace(data=data, out=out, annual=annual, before=before, quarterly=quarterly)


def _rows(table):
    return [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in table.tbody.find_all("tr")
    ]


@pytest.mark.slow
def test_annual_report_compares_with_earlier_years_by_hand(multi):
    soup = BeautifulSoup(multi.annual.html.read_text(encoding="utf-8"), "html.parser")
    # no Bab I data (no narrative, staff or legal basis): Bab III is the second chapter
    assert soup.find("h1", string=re.compile("^BAB II AKUNTABILITAS")) is not None
    captions = [
        s.find_parent("caption").get_text(" ", strip=True)
        for s in soup.select("span.nomor[data-jenis=Tabel]")
        if s.get_text().startswith("Tabel 2.")
    ]
    assert captions[:7] == [
        "Tabel 2.1 Indikator Kinerja, Target, Realisasi dan Capaian",
        "Tabel 2.2 Realisasi dan Capaian Tahun 2023 dan 2024",
        "Tabel 2.3 Capaian Indikator Kinerja Tahun 2022-2024",
        "Tabel 2.4 Indikator yang Muncul, Hilang atau Berubah Satuan 2022-2024",
        "Tabel 2.5 Pagu Anggaran Tahun 2022-2024",
        "Tabel 2.6 Penyerapan Anggaran Tahun 2022-2024",
        "Tabel 2.7 Kemajuan terhadap Target Akhir Renstra s.d. 2024",
    ]
    listed = [a.get_text() for a in soup.find("nav", attrs={"data-daftar": "tabel"}).find_all("a")]
    assert [t for t in listed if t.startswith("Tabel 2.")][:7] == captions[:7]
    gambar = [a.get_text() for a in soup.find("nav", attrs={"data-daftar": "gambar"}).find_all("a")]
    # one capaian chart per programme, then one trend chart per sasaran
    assert gambar[0].startswith("Gambar 2.1 Capaian Indikator Kinerja terhadap Target: ")
    assert [g.split(" ", 2)[2] for g in gambar if "Tahun 2022-2024:" in g] == [
        "Capaian Tahun 2022-2024: Meningkatnya kapasitas sumber daya manusia",
        "Capaian Tahun 2022-2024: Terwujudnya pengelolaan anggaran yang tertib",
        "Capaian Tahun 2022-2024: Meningkatnya pengetahuan pemilih",
    ]
    # This year and last, per indicator: WA-02 (negatif, target 10 kali) 9 kali in 2023 is
    # (2 x 10 - 9) / 10 = 110 %, 8 kali in 2024 is 120 %: +10 points.
    banding = {row[0]: row[2:] for row in _rows(soup.find(id="tabel-2-2"))}
    assert banding["WA-02"] == ["9 kali", "110,00%", "8 kali", "120,00%", "10,00", ""]
    assert banding["WA-01"] == ["92%", "100,00%", "96%", "101,05%", "1,05", ""]
    assert banding["CQ-02"][-1] == "satuan berubah: kegiatan -> %"
    assert banding["WA-03"] == ["1 laporan", "50,00%", "–", "–", "–", "tidak ada lagi"]
    assert banding["WA-04"][:2] == ["70%", "87,50%"]
    perubahan = {(row[0], row[1]): row[3:] for row in _rows(soup.find(id="tabel-2-4"))}
    assert perubahan == {
        ("2023", "WA-04"): ["muncul", "– → %"],
        ("2024", "WA-03"): ["hilang", "laporan → –"],
        ("2024", "CQ-02"): ["satuan berubah", "kegiatan → %"],
    }
    # CQ-03 against the five-year total of the Renstra: 10 + 12 + 12 = 34 of 60 kegiatan, on
    # course as the Renstra's targets to date also add up to 10 + 12 + 12.
    renstra = {row[0]: row[2:] for row in _rows(soup.find(id="tabel-2-7"))}
    assert renstra["CQ-03"] == [
        "2022-2026",
        "60 kegiatan",
        "34 kegiatan",
        "34 kegiatan",
        "56,67%",
        "sesuai jalur",
    ]
    pagu = {row[0]: row[2:] for row in _rows(soup.find(id="tabel-2-5"))}
    assert pagu["2002"] == ["–", "–", "1.000.000.000"]
    assert pagu["1001"] == ["500.000.000", "550.000.000", "600.000.000"]
    text = " ".join(_text(str(soup)).split())
    assert "Dibanding tahun 2023, capaian 4 indikator naik, 0 indikator turun, 2 indikator" in text
    assert "tidak tersedia di folder data/" not in text


@pytest.mark.slow
def test_quarterly_build_writes_its_own_files_and_leaves_the_annual_ones(multi):
    folder = multi.annual.output_dir
    assert multi.quarterly.output_dir == folder
    assert [p.name for p in multi.quarterly.paths] == [
        "triwulan-3-contoh-sintetis-2024.html",
        "triwulan-3-contoh-sintetis-2024.pdf",
        "triwulan-3-contoh-sintetis-2024.ipynb",
    ]
    assert multi.quarterly.summary is None
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*multi.before, *(p.name for p in multi.quarterly.paths)]
    )
    for name, content in multi.before.items():
        assert (folder / name).read_bytes() == content, f"{name} changed by the quarterly build"

    html = multi.quarterly.html.read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.title.get_text() == "Pemantauan Kinerja Triwulan III Tahun 2024 | Satker Contoh"
    assert soup.h1.get_text(" ", strip=True) == (
        "Pemantauan Kinerja Triwulan III Tahun 2024 Satuan Kerja Contoh Sintetis"
    )
    assert soup.find("a", class_="ke-daftar-isi") is None and "<script" not in html.lower()
    assert not LOADS.search(html)
    # At risk at TW III: WA-01 93% (TW III not reported, TW II kept) of 95%; CQ-02 60% of
    # 100%; CQ-03 2 + 2 + 3 = 7 of the pace 12 x 3/4 = 9 kegiatan (77,78 %).
    (berisiko,) = [
        c.find_parent("table")
        for c in soup.find_all("caption")
        if c.get_text(" ", strip=True) == "Tabel 2 Indikator Berisiko s.d. Triwulan III Tahun 2024"
    ]
    rows = _rows(berisiko)
    assert [row[0] for row in rows] == ["WA-01", "CQ-02", "CQ-03"]
    assert rows[2][4:8] == ["7 kegiatan", "58,33%", "9 kegiatan", "77,78%"]
    assert [s.get_text() for s in soup.select("span.nomor")] == [
        "Tabel 1",
        "Gambar 1",
        "Tabel 2",
        "Tabel 3",
    ]
    pdf = subprocess.run(
        ["pdftotext", "-layout", str(multi.quarterly.pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "PEMANTAUAN KINERJA TRIWULAN III TAHUN 2024" in pdf
    assert "Pemantauan Kinerja Triwulan III Tahun 2024 | Satker Contoh" in pdf  # running head


@pytest.mark.slow
def test_quarterly_rebuild_is_byte_identical(multi):
    before = {path: path.read_bytes() for path in multi.quarterly.paths}
    again = build_report(
        multi.data, MULTI_SATKER, 2024, multi.out, laporan="triwulan", triwulan=3, paksa=True
    )
    assert again.paths == multi.quarterly.paths and not again.cached
    for path, content in before.items():
        assert path.read_bytes() == content, f"{path.name} changed between builds"
    assert not [p for p in again.output_dir.iterdir() if p.name.startswith(".")]


@pytest.mark.slow
def test_2024_docx_and_xlsx_carry_the_chapters_and_every_numbered_table(report_2024):
    import openpyxl

    html = BeautifulSoup(report_2024.html.read_text(encoding="utf-8"), "html.parser")
    numbers = [s.get_text(strip=True) for s in html.select("table caption span.nomor")]
    numbers = [n for n in numbers if n]
    assert [p.suffix for p in report_2024.extra] == [".xlsx", ".docx"]
    document = assert_docx_says_what_the_page_says(report_2024.html, report_2024.extra[1])
    assert len(document.inline_shapes) == 5
    chapters = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert chapters == CHAPTERS
    captions = [p.text for p in document.paragraphs if p.style.name == "Table Caption"]
    assert [c.split(" ")[0] + " " + c.split(" ")[1] for c in captions] == numbers
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "Rp 40.719.755.000" in cells or "40.719.755.000" in cells
    workbook = openpyxl.load_workbook(report_2024.extra[0])
    assert workbook.sheetnames == ["Daftar Tabel", *numbers]
    values = [c.value for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    assert 40_719_755_000 in values  # the budget total as a number, not text


def test_headings_without_content_are_left_out_and_numbers_close_the_gap():
    doc = _page(
        "<h1>BAB I PENDAHULUAN</h1><h2>A. Latar Belakang</h2><h2>B. Landasan Hukum</h2>",
        "<h1>BAB II PERENCANAAN</h1><h2>A. Renstra</h2><p>x</p><h2>B. RKT</h2>",
        "<h2>C. PK</h2>",
        _table("PK"),
        "<h1>BAB III AKUNTABILITAS</h1><h2>A. Pengukuran</h2><h3>Sub</h3><p>y</p>",
        "<h1>LAMPIRAN</h1>",
    )
    soup = BeautifulSoup(assemble_document(doc), "html.parser")
    assert [h.get_text() for h in soup.find_all(["h1", "h2", "h3"])] == [
        "BAB I PERENCANAAN",
        "A. Renstra",
        "B. PK",
        "BAB II AKUNTABILITAS",
        "A. Pengukuran",
        "Sub",
    ]
    assert soup.select_one("span.nomor").get_text() == "Tabel 1.1"
    assert "data-renumber" not in str(soup)
