"""The invented Pemda unit: a performance tree, monthly realisasi, its own settings and bands.

tests/fixtures/pemda/disarpus-kabupaten-contoh (README there) is shaped like a Pemda LKjIP:
pohon.csv instead of program.csv/kegiatan.csv, IKU under sasaran strategis, sub kegiatan,
monthly realisasi, cap 100 % and six coloured bands; no staff or organisation files.
"""

import json
import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from office_checks import assert_docx_says_what_the_page_says, docx_rows

from lakipkit import cli
from lakipkit.capaian import compute_capaian
from lakipkit.charts import capaian_figures_html
from lakipkit.loading import load_year
from lakipkit.settings import capaian_settings, level_names
from lakipkit.summary import build_summary
from lakipkit.tables import indicator_table, line_level, program_table

DATA = Path(__file__).resolve().parent / "fixtures" / "pemda"
SATKER = "disarpus-kabupaten-contoh"
#: Words of the other unit (KPU Kota Bontang) that must never reach this unit's report.
OTHER_UNIT = (
    *("KPU", "Bontang", "Pemilu", "Pemilihan", "pemilih", "Pilkada", "PPID", "TIDAK DISEBUT"),
    *("DIPA", "APBN", "076.01", "Sekretariat"),  # the K/L budget words of the 2024 report
)


@pytest.fixture(scope="module")
def year():
    return load_year(DATA, SATKER, 2024)


@pytest.fixture(scope="module")
def capaian(year):
    return compute_capaian(year.indikator, capaian_settings(year.laporan)).set_index("id")


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_tree_has_five_levels_in_tree_order(year):
    assert list(level_names(year.laporan).values()) == [
        "Tujuan",
        "Sasaran Strategis",
        "Program",
        "Kegiatan",
        "Sub Kegiatan",
    ]
    assert year.pohon["kedalaman"].max() == 4
    assert year.pohon["id"].iloc[:3].tolist() == ["T1", "SS1", "2.23.02"]
    # the programme under no sasaran strategis stands at the top
    assert year.pohon.set_index("id").loc["2.23.01", "kedalaman"] == 0
    assert year.program["kode"].tolist() == ["2.23.02", "2.24.02", "2.23.01"]


def test_indicators_hang_at_every_level(year):
    by_id = year.indikator.set_index("id")
    assert by_id.loc["IKU-01", "tingkat"] == "sasaran_strategis"
    assert by_id.loc["P-01", "tingkat"] == "program"
    assert by_id.loc["SK-01", "tingkat"] == "sub_kegiatan"
    assert by_id.loc["SK-01", "kegiatan"] == "2.23.02.2.01"
    assert by_id.loc["SK-01", "program"] == "2.23.02"
    assert by_id.loc["IKU-01", ["program", "kegiatan"]].isna().all()


def test_realisasi_from_months_by_each_rule(year):
    by_id = year.indikator.set_index("id")
    assert by_id.loc["SK-01", "realisasi"] == 1250  # jumlah of 12 months
    assert by_id.loc["P-02", "realisasi"] == 73  # rata-rata
    assert by_id.loc["IKU-03", "realisasi"] == 70  # terakhir (months left empty skipped)
    assert by_id.loc["P-01", "realisasi"] == 39500  # realisasi.csv states it: kept
    quarters = year.realisasi_triwulan.set_index(["indikator", "triwulan"])["realisasi"]
    assert quarters[("SK-01", 1)] == 150 and quarters[("P-02", 4)] == 82


def test_cap_and_own_bands(capaian):
    assert capaian.loc["P-01", "capaian"] == pytest.approx(109.72, abs=0.01)
    assert capaian.loc["P-01", "capaian_dicetak"] == 100
    assert capaian.loc["P-01", "status"] == "tercapai"
    assert capaian.loc["IKU-02", "predikat"] == "Sangat Tinggi"
    assert capaian.loc["SK-04", "predikat"] == "Tuntas"


def test_summary_figures(year):
    summary = build_summary(year, capaian_settings(year.laporan))
    assert summary["pengaturan"] == {"cap": 100.0, "skala": "unit"}
    assert summary["indikator"]["jumlah"] == 9
    assert summary["indikator"]["tercapai"] == 5
    assert summary["anggaran"]["pagu"] == 4_115_000_000
    assert summary["anggaran"]["penyerapan_persen"] == 96.11


def test_tabel_3_1_groups_by_the_tree_and_prints_the_capped_capaian(year, capaian):
    html = indicator_table(
        capaian.reset_index(), year.sasaran, year.program, year.kegiatan, "T", pohon=year.pohon
    )
    text = _text(html)
    assert text.count("MENINGKATNYA BUDAYA GEMAR MEMBACA MASYARAKAT") == 1  # one heading each
    assert "2.23.02.2.01.0003 Pengembangan Koleksi Perpustakaan" in text
    assert "100,00% (109,72%)" in text
    assert "(maks." not in text  # no extra column
    assert not any(word in text for word in OTHER_UNIT)
    tujuan = text.index("1. MENINGKATNYA")
    assert tujuan < text.index("1.1 Meningkatnya") < text.index("2.23.02 Program Pembinaan")


def test_tabel_2_1_heads_budget_lines_by_their_parent_when_programmes_have_no_code(year):
    # pohon.csv leaves kode_anggaran empty on the programmes: the budget lines are headed by
    # their parent line's uraian, never an error or an empty heading.
    text = _text(program_table(year.program, year.anggaran, "Program dan Kegiatan"))
    assert "Program Pembinaan Perpustakaan (2.23.02, pagu" in text
    assert "Pembudayaan Gemar Membaca" in text
    assert "nan" not in text and "<NA>" not in text


def test_periksa_passes_and_summary_runs_from_the_command_line(capsys):
    args = ["--data", str(DATA), "--satker", SATKER, "--tahun", "2024"]
    assert cli.main(["periksa", *args]) == 0
    assert "0 galat, 1 peringatan" in capsys.readouterr().out
    assert cli.main(["summary", *args]) == 0
    assert json.loads(capsys.readouterr().out)["satker"] == SATKER


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from lakipkit.build import build_report

    formats = ("html", "pdf", "xlsx", "docx")
    return build_report(DATA, SATKER, 2024, tmp_path_factory.mktemp("out"), formats=formats)


def _output(report, suffix: str) -> Path:
    return next(p for p in report.paths if p.suffix == suffix)


@pytest.mark.slow
def test_report_builds_as_html_and_pdf_without_the_other_units_wording(report):
    from pypdf import PdfReader

    result = report
    html = next(p for p in result.paths if p.suffix == ".html").read_text(encoding="utf-8")
    text = _text(re.sub(r"<style.*?</style>", "", html, flags=re.S))
    assert "Dinas Perpustakaan dan Kearsipan Kabupaten Contoh" in text
    assert "100,00% (109,72%)" in text
    assert not [word for word in OTHER_UNIT if word in text]
    # Bab III has every comparison its data allows (all of them), so no paragraph of limits
    for part in ("Capaian Indikator Kinerja Utama", "Perbandingan dengan Tahun-Tahun Sebelumnya",
                 "Perbandingan dengan Target Akhir Renstra", "Perbandingan dengan Standar Nasional",
                 "Penyebab Keberhasilan atau Kegagalan dan Alternatif Solusi",
                 "Program dan Kegiatan Pendukung"):  # fmt: skip
        assert part in text, part
    assert "belum memungkinkan" not in text
    pdf = next(p for p in result.paths if p.suffix == ".pdf")
    pages = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Pengembangan Koleksi Perpustakaan" in pages
    assert not [word for word in OTHER_UNIT if word in pages]


@pytest.mark.slow
def test_budget_figures_name_the_lines_they_draw_by_their_tree_level(report):
    # the bars are sub kegiatan; the captions said "per Kegiatan"
    html = _output(report, ".html").read_text(encoding="utf-8")
    captions = [_text(c).strip() for c in re.findall(r"<figcaption.*?</figcaption>", html, re.S)]
    assert "Gambar 3.5 Penyerapan Anggaran per Sub Kegiatan" in captions
    assert "Gambar 3.6 Capaian Kinerja dan Penyerapan Anggaran per Sub Kegiatan" in captions


@pytest.mark.slow
def test_pdf_pages_keep_headings_captions_codes_and_dates_with_what_they_belong_to(report):
    """What a reader of the Pemda PDF found: a sub kegiatan heading alone at a page's foot,
    a table's caption and header on one page and its rows on the next, the PK's date above
    a page break from its signatures, a paragraph leading into a table on the page before
    it, and "IKU-01" and "2022-2026" split over two lines."""
    from pypdf import PdfReader

    pages = [
        re.sub(r"\s+", " ", page.extract_text())
        for page in PdfReader(_output(report, ".pdf")).pages
    ]

    def last_page_with(text: str) -> str:
        return next(page for page in reversed(pages) if text in page)

    heading = "Sub Kegiatan 2.23.02.2.01.0003 Pengembangan Koleksi Perpustakaan Sub Kegiatan ini"
    assert any(heading in page for page in pages)
    tabel_3_12 = last_page_with("Tabel 3.12 Program, Kegiatan dan Anggaran yang Mendukung")
    assert "TINGKAT SASARAN STRATEGIS" in tabel_3_12
    assert "Setiap hasil di atas didukung oleh program" in tabel_3_12  # the paragraph leading in
    assert "TUJUAN 1. MENINGKATNYA" in last_page_with("Tabel L.1 Perjanjian Kinerja Tahun 2024")
    assert "Contoh, 31 Januari 2024" in last_page_with("Pihak Kedua,")
    renstra = last_page_with("Tabel 3.4 Kemajuan terhadap Target Akhir Renstra")
    assert "IKU-01" in renstra and "IKU-03" in renstra and "2022-2026" in renstra
    assert "Dari 2 (dua) indikator yang bertarget Renstra" in renstra
    assert "IKU-02" in last_page_with("Tabel 3.5 Realisasi terhadap Standar Nasional")


@pytest.mark.slow
def test_docx_has_the_pages_headings_tables_captions_figures_and_numbers(report):
    """The Word file of a unit shaped unlike Bontang (tree, sub kegiatan, APBD) says the same."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Length, Pt

    from lakipkit.export_docx import TABLE_TEXT

    document = assert_docx_says_what_the_page_says(
        _output(report, ".html"), _output(report, ".docx")
    )
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "BAB III AKUNTABILITAS KINERJA" in headings
    captions = [p.text for p in document.paragraphs if p.style.name == "Table Caption"]
    assert len(captions) == 19 and captions[3].startswith("Tabel 3.1 ")
    assert len(document.inline_shapes) == 6
    tabel_2_1 = docx_rows(document.tables[1])
    assert ["2.23.02.2.01.0003", "Pengembangan Koleksi Perpustakaan", "APBD", "Rp 750.000.000"] in (
        tabel_2_1
    )
    # table text at the printed size, numbers right-aligned, and wide enough not to break
    assert document.styles[TABLE_TEXT].font.size == Pt(9)
    cell = next(
        c for row in document.tables[1].rows for c in row.cells if c.text == "Rp 2.640.000.000"
    )
    assert cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    columns = document.tables[1]._tbl.tblGrid.findall(qn("w:gridCol"))
    grid = [int(g.get(qn("w:w"))) for g in columns]
    section = document.sections[0]  # the table spans the text width (tblW 100 %)
    text_width = Length(section.page_width - section.left_margin - section.right_margin)
    pagu_pt = grid[-1] / sum(grid) * text_width.pt
    assert pagu_pt >= len("Rp 2.640.000.000") * 5.7  # 9 pt digits are 5.7 pt wide


@pytest.mark.slow
def test_tables_workbook_holds_every_numbered_table_with_numbers_as_numbers(report):
    import openpyxl

    page = BeautifulSoup(_output(report, ".html").read_text(encoding="utf-8"), "html.parser")
    numbers = [s.get_text(strip=True) for s in page.select("table caption span.nomor")]
    workbook = openpyxl.load_workbook(_output(report, ".xlsx"))
    assert workbook.sheetnames == ["Daftar Tabel", *numbers]
    rows = {r[1].value: r for r in workbook["Tabel 2.1"].iter_rows(min_row=4) if len(r) > 3}
    pagu = rows["Pengembangan Koleksi Perpustakaan"][3]
    assert (pagu.value, pagu.number_format) == (750_000_000, "#,##0")
    assert rows["Pengembangan Koleksi Perpustakaan"][0].value == "2.23.02.2.01.0003"  # a code
    values = [c.value for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    assert "" not in values  # empty cells are empty, not empty texts


def test_periksa_warns_when_a_stated_year_value_contradicts_its_months(year):
    from lakipkit.audit import audit_year

    [finding] = [f for f in audit_year(year) if f.kode == "realisasi_periode_mismatch"]
    assert (finding.file, finding.row, finding.value) == ("realisasi.csv", 4, "39500 orang")
    assert "38.550 orang" in finding.message and "jumlah" in finding.message


def _copy(tmp_path):
    import shutil

    shutil.copytree(DATA / SATKER, tmp_path / SATKER)
    return tmp_path, tmp_path / SATKER / "2024"


def _errors(data):
    from lakipkit.errors import DataValidationError

    with pytest.raises(DataValidationError) as raised:
        load_year(data, SATKER, 2024)
    return {(f.file.rsplit("/", 1)[-1], f.row, f.column, f.kode) for f in raised.value.findings}


def test_tree_mistakes_are_named_by_file_row_and_column(tmp_path):
    data, year = _copy(tmp_path)
    pohon = year / "pohon.csv"
    text = pohon.read_text(encoding="utf-8")
    text = text.replace("SS1,T1,sasaran_strategis", "SS1,T1,eselon")  # unknown level
    text = text.replace("2.24.02,SS2,program", "2.24.02,2.24.02.2.01,program")  # cycle, level
    pohon.write_text(text, encoding="utf-8")
    indikator = year / "indikator.csv"
    indikator.write_text(
        indikator.read_text(encoding="utf-8").replace("P-01,S-2.23.02,,", "P-01,S-2.23.02,T1,"),
        encoding="utf-8",
    )
    found = _errors(data)
    assert ("pohon.csv", 3, "tingkat", "not_allowed") in found
    assert ("pohon.csv", 10, "induk", "cycle") in found
    assert ("pohon.csv", 10, "tingkat", "inconsistent") in found  # a programme under a kegiatan
    assert ("indikator.csv", 5, "induk", "inconsistent") in found


def test_pohon_and_program_csv_together_are_refused(tmp_path):
    data, year = _copy(tmp_path)
    (year / "program.csv").write_text("kode,kode_anggaran,huruf,nama\nX,X1,A,Program X\n")
    assert ("pohon.csv", None, None, "inconsistent") in _errors(data)


def test_k_l_level_names_from_the_data(tmp_path):
    data, year = _copy(tmp_path)
    laporan = year / "laporan.yaml"
    text = laporan.read_text(encoding="utf-8")
    text = text.replace(
        "{kunci: sub_kegiatan, nama: Sub Kegiatan}", "{kunci: ro, nama: Rincian Output}"
    )
    laporan.write_text(text, encoding="utf-8")
    pohon = year / "pohon.csv"
    pohon.write_text(pohon.read_text(encoding="utf-8").replace(",sub_kegiatan,", ",ro,"))
    loaded = load_year(data, SATKER, 2024)
    assert level_names(loaded.laporan)["ro"] == "Rincian Output"
    assert set(loaded.pohon["tingkat"]) >= {"program", "kegiatan", "ro"}
    from lakipkit.narrative import analysis_html

    names = level_names(loaded.laporan)
    found = compute_capaian(loaded.indikator, capaian_settings(loaded.laporan))
    args = (found, loaded.sasaran, loaded.program, loaded.kegiatan)
    html = _text(analysis_html(*args, loaded.narasi, pohon=loaded.pohon, tingkat=names))
    assert "Rincian Output 2.23.02.2.01.0003 Pengembangan Koleksi Perpustakaan" in html
    assert "Kegiatan ini dilaksanakan melalui 2 (dua) rincian output dan memiliki" in html
    assert "Sub Kegiatan" not in html
    table = _text(indicator_table(*args, "PK", kind="pk", pohon=loaded.pohon, tingkat=names))
    assert "Rincian Output 2.23.02.2.01.0009 Pembudayaan Gemar Membaca" in table


def _sections(html: str) -> dict[str, str]:
    """Each Bab III.B heading's text up to the next heading of any level."""
    parts = re.split(r"(<h\d>.*?</h\d>)", html)
    return {_text(h).strip(): _text(body) for h, body in zip(parts[1::2], parts[2::2], strict=True)}


def test_analysis_says_a_node_with_one_indicator_once_and_plainly(year, capaian):
    # "1 (satu) di antaranya" of one, and "belum ada yang mencapai target, sedangkan yang belum
    # mencapai target adalah X" said the same thing twice.
    from lakipkit.narrative import analysis_html

    html = analysis_html(
        capaian.reset_index(), year.sasaran, year.program, year.kegiatan, year.narasi,
        pohon=year.pohon, tingkat=level_names(year.laporan),
    )  # fmt: skip
    part = _sections(html)
    membaca = part["Sub Kegiatan 2.23.02.2.01.0009 Pembudayaan Gemar Membaca"]
    assert membaca.startswith(
        " Sub Kegiatan ini memiliki 1 (satu) indikator kinerja, yaitu Jumlah kegiatan"
        " pembudayaan gemar membaca, yang belum mencapai target."
    )
    koleksi = part["Sub Kegiatan 2.23.02.2.01.0003 Pengembangan Koleksi Perpustakaan"]
    assert koleksi.startswith(
        " Sub Kegiatan ini memiliki 1 (satu) indikator kinerja, yang mencapai target."
    )
    text = _text(html)
    assert "di antaranya" in text  # programmes and kegiatan of several indicators count them
    assert "1 (satu) indikator kinerja; 1 (satu) di antaranya" not in text
    assert "belum ada yang mencapai target, sedangkan" not in text
    # several indicators, none met: named once
    missed = capaian.reset_index()
    missed.loc[missed["id"].eq("SK-01"), "status"] = "tidak tercapai"
    html = analysis_html(
        missed, year.sasaran, year.program, year.kegiatan, year.narasi,
        pohon=year.pohon, tingkat=level_names(year.laporan),
    )  # fmt: skip
    kegiatan = _sections(html)[
        "Kegiatan 2.23.02.2.01 Pengelolaan Perpustakaan Tingkat Daerah Kabupaten/Kota"
    ]
    assert kegiatan.startswith(
        " Kegiatan ini dilaksanakan melalui 2 (dua) sub kegiatan dan memiliki 2 (dua) indikator"
        " kinerja; Jumlah koleksi bahan pustaka yang diadakan dan Jumlah kegiatan pembudayaan"
        " gemar membaca belum mencapai target."
    )


def test_analysis_follows_the_tree_to_sub_kegiatan_with_their_budget(year, capaian):
    from lakipkit.narrative import analysis_html

    html = analysis_html(
        capaian.reset_index(), year.sasaran, year.program, year.kegiatan, year.narasi,
        pohon=year.pohon, tingkat=level_names(year.laporan), anggaran=year.anggaran,
    )  # fmt: skip
    heads = re.findall(r"<(h\d)>(.*?)</h\d>", html)
    assert [(h, _text(t)) for h, t in heads if h in ("h3", "h4", "h5")][:4] == [
        ("h3", "1. Program Pembinaan Perpustakaan"),
        ("h4", "Kegiatan 2.23.02.2.01 Pengelolaan Perpustakaan Tingkat Daerah Kabupaten/Kota"),
        ("h5", "Sub Kegiatan 2.23.02.2.01.0003 Pengembangan Koleksi Perpustakaan"),
        ("h5", "Sub Kegiatan 2.23.02.2.01.0009 Pembudayaan Gemar Membaca"),
    ]
    part = _sections(html)
    program = part["1. Program Pembinaan Perpustakaan"]
    assert "dilaksanakan melalui 1 (satu) kegiatan dan memiliki 3 (tiga) indikator" in program
    assert "Jumlah pengunjung perpustakaan" in program  # its own indicator, in its own table
    assert "Jumlah koleksi" not in program  # a sub kegiatan's indicator is under it, not here
    kegiatan = part["Kegiatan 2.23.02.2.01 Pengelolaan Perpustakaan Tingkat Daerah Kabupaten/Kota"]
    assert kegiatan.startswith(
        " Kegiatan ini dilaksanakan melalui 2 (dua) sub kegiatan dan memiliki 2 (dua) indikator"
    )
    assert "<table" not in html.split("Kegiatan 2.23.02.2.01 Pengelolaan")[1].split("<h5>")[0]
    koleksi = part["Sub Kegiatan 2.23.02.2.01.0003 Pengembangan Koleksi Perpustakaan"]
    assert "Sub Kegiatan ini memiliki 1 (satu) indikator kinerja" in koleksi
    assert "pagu anggaran Rp 750.000.000 dengan realisasi Rp 712.500.000 (95,00%)" in koleksi
    assert "Jumlah koleksi bahan pustaka yang diadakan" in koleksi
    assert "Jumlah kegiatan pembudayaan" not in koleksi
    membaca = part["Sub Kegiatan 2.23.02.2.01.0009 Pembudayaan Gemar Membaca"]
    assert "pagu anggaran Rp 400.000.000 dengan realisasi Rp 358.750.000 (89,69%)" in membaca
    assert "Jumlah kegiatan pembudayaan gemar membaca" in membaca
    # the node's own analysis (narasi/analisis/<node id>.md) follows its table
    assert membaca.index("Gemar Membaca No Sasaran") < membaca.index("menyelenggarakan 22 dari 24")
    gaji = part["Sub Kegiatan 2.23.01.2.02.0001 Penyediaan Gaji dan Tunjangan ASN"]
    assert "Rp 2.640.000.000 dengan realisasi Rp 2.587.300.000 (98,00%)" in gaji
    assert "Jumlah bulan gaji dan tunjangan ASN" in gaji
    # no node without budget codes gets a budget sentence (programmes, kegiatan here)
    assert html.count("didukung pagu anggaran") == 4


def test_pk_table_heads_sub_kegiatan_by_their_level_name(year):
    text = _text(
        indicator_table(
            year.indikator, year.sasaran, year.program, year.kegiatan, "PK", kind="pk",
            pohon=year.pohon, tingkat=level_names(year.laporan),
        )
    )  # fmt: skip
    order = [
        "TUJUAN 1. MENINGKATNYA BUDAYA GEMAR MEMBACA",
        "Sasaran Strategis 1.1 Meningkatnya kualitas",
        "2.23.02 Program Pembinaan Perpustakaan",  # the name says its level already
        "Kegiatan 2.23.02.2.01 Pengelolaan Perpustakaan",
        "Sub Kegiatan 2.23.02.2.01.0003 Pengembangan Koleksi Perpustakaan",
        "Jumlah koleksi bahan pustaka yang diadakan",
        "Sub Kegiatan 2.23.02.2.01.0009 Pembudayaan Gemar Membaca",
        "Jumlah kegiatan pembudayaan gemar membaca",
    ]
    assert [text.index(part) for part in order] == sorted(text.index(part) for part in order)
    assert "Program 2.23.02 Program" not in text


def test_tabel_2_1_heads_sub_kegiatan_by_programme_and_kegiatan(year):
    html = program_table(year.program, year.anggaran, "Program dan Kegiatan")
    rows = [_text(r).strip() for r in re.findall(r"<tr.*?</tr>", html, flags=re.S)]
    assert rows[1:5] == [
        "Program Pembinaan Perpustakaan (2.23.02, pagu Rp 1.150.000.000)",
        "Pengelolaan Perpustakaan Tingkat Daerah Kabupaten/Kota"
        " (2.23.02.2.01, pagu Rp 1.150.000.000)",
        "2.23.02.2.01.0003 Pengembangan Koleksi Perpustakaan APBD Rp 750.000.000",
        "2.23.02.2.01.0009 Pembudayaan Gemar Membaca APBD Rp 400.000.000",
    ]
    assert len(rows) == 1 + 3 * 2 + 4  # header, programme and kegiatan headings, 4 lines


def test_tabel_2_1_heading_rows_name_their_tree_level(year):
    # The tree numbers programme and kegiatan by their kode rekening and writes budget codes
    # only on the sub kegiatan: each heading still says which level it is, once.
    names = level_names(year.laporan)
    html = program_table(year.program, year.anggaran, "Program dan Kegiatan", year.pohon, names)
    rows = [_text(r).strip() for r in re.findall(r"<tr.*?</tr>", html, flags=re.S)]
    assert rows[1:3] == [
        "Program Pembinaan Perpustakaan (2.23.02, pagu Rp 1.150.000.000)",
        "Kegiatan Pengelolaan Perpustakaan Tingkat Daerah Kabupaten/Kota"
        " (2.23.02.2.01, pagu Rp 1.150.000.000)",
    ]
    assert any(r.startswith("Kegiatan Administrasi Keuangan Perangkat Daerah (2.23.01.2.02,")
               for r in rows)  # fmt: skip
    assert not any(r.startswith(("Program Program", "Kegiatan Kegiatan")) for r in rows)


def test_tabel_2_1_names_its_line_column_by_the_tree_level(year):
    names = level_names(year.laporan)
    html = program_table(year.program, year.anggaran, "Program dan Kegiatan", year.pohon, names)
    heads = [th.get_text() for th in BeautifulSoup(html, "html.parser").thead.find_all("th")]
    assert heads == ["Kode", "Sub Kegiatan", "Sumber Dana", "Pagu (Rp)"]
    # the unit's own level names; lines at two levels name both, top first
    renamed = {**names, "sub_kegiatan": "Subkegiatan"}
    assert line_level(year.anggaran["kode"].iloc[[2]], year.pohon, renamed) == "Subkegiatan"
    pohon = year.pohon.assign(
        kode_anggaran=year.pohon["kode_anggaran"].mask(year.pohon["id"].eq("2.23.01.2.02"),
                                                       "2.23.01.2.02.0001")
    )  # fmt: skip
    pohon.loc[pohon["id"].eq("2.23.01.2.02.0001"), "kode_anggaran"] = pd.NA
    lines = year.anggaran.loc[~year.anggaran["kode"].isin(year.anggaran["induk"]), "kode"]
    assert line_level(lines, pohon, names) == "Kegiatan/Sub Kegiatan"
    # no tree, or a tree that names none of the lines: "Kegiatan", as before
    assert line_level(year.anggaran["kode"], None) == "Kegiatan"
    assert line_level(pd.Series(["X"]), year.pohon, names) == "Kegiatan"


def _figures(html):
    found = BeautifulSoup(html, "html.parser").find_all("figure")
    return [f.figcaption.get_text(" ", strip=True) for f in found]


def test_capaian_figures_follow_the_tree_strategic_level_first(year, capaian):
    names = level_names(year.laporan)
    html = capaian_figures_html(capaian, year.program, "Capaian", year.pohon, names)
    assert _figures(html) == [
        "Capaian: Indikator Tingkat Sasaran Strategis",  # IKU-01..03, above every programme
        "Capaian: Program Pembinaan Perpustakaan",
        "Capaian: Program Pengelolaan Arsip",
        "Capaian: Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota",
    ]
    # a unit whose kegiatan hang straight under a sasaran: one figure per kegiatan
    pohon = year.pohon[year.pohon["tingkat"].ne("program")].copy()
    pohon["induk"] = pohon["induk"].mask(pohon["tingkat"].eq("kegiatan"), "SS1")
    rows = capaian[capaian["simpul"].isin(pohon["id"])]
    html = capaian_figures_html(rows, year.program.iloc[:0], "Capaian", pohon, names)
    assert [t.split(": ")[1] for t in _figures(html)] == [
        "Indikator Tingkat Sasaran Strategis",
        "Pengelolaan Perpustakaan Tingkat Daerah Kabupaten/Kota",
        "Pengelolaan Arsip Dinamis Pemerintah Daerah Kabupaten/Kota",
        "Administrasi Keuangan Perangkat Daerah",
    ]
