"""The report as Word (.docx) and its numbered tables as a workbook (.xlsx), from the HTML page."""

from __future__ import annotations

import base64
import io
import shutil
import zipfile

import docx
import openpyxl
import pytest
from docx.shared import Mm

from lakipkit.export_docx import TOC_FIELDS, report_docx
from lakipkit.export_xlsx import parse_display, report_workbook

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="50pt" viewBox="0 0 100 50">'
    b'<rect width="100" height="50" fill="#336699"/></svg>'
)
PAGE = f"""<!DOCTYPE html><html lang="id"><head><title>LAKIP Contoh 2024</title>
<style>body {{ color: black }}</style></head><body>
<a class="ke-daftar-isi" href="#daftar-isi">Daftar Isi</a><main class="laporan">
<section class="sampul"><div class="judul-berjalan">LAKIP Contoh | 2024</div>
<div class="logo">KPU</div><div class="judul">Laporan Akuntabilitas Kinerja</div>
<div class="tahun">Tahun 2024</div></section>
<section class="depan"><h1 id="kata-pengantar">KATA PENGANTAR</h1><p>Puji syukur.</p>
<h1 id="daftar-isi">DAFTAR ISI</h1><nav class="daftar" data-daftar="isi"><ol>
<li><a href="#bab-i">BAB I PENDAHULUAN</a></li>
<li><a href="#a">A. Latar Belakang</a></li></ol></nav>
<h1 id="daftar-tabel">DAFTAR TABEL</h1><nav class="daftar" data-daftar="tabel"><ol>
<li><a href="#tabel-1-1">Tabel 1.1 Pagu dan Penyerapan</a></li></ol></nav>
<h1 id="daftar-gambar">DAFTAR GAMBAR</h1><nav class="daftar" data-daftar="gambar"><ol>
<li><a href="#gambar-1-1">Gambar 1.1 Penyerapan per Kegiatan</a></li></ol></nav></section>
<section class="bab"><h1 id="bab-i">BAB I PENDAHULUAN</h1><h2 id="a">A. Latar Belakang</h2>
<p>Realisasi <strong>Rp 14.814.961.857</strong> dari pagu.</p>
<div class="tabel-wrap"><table class="tabel" id="tabel-1-1"><caption><span class="nomor"
data-jenis="Tabel">Tabel 1.1</span> Pagu dan Penyerapan</caption>
<colgroup><col style="width:6%"/><col/><col style="width:20%"/><col style="width:12%"/>
<col style="width:12%"/></colgroup><thead><tr><th>No</th><th>Uraian</th><th>Pagu (Rp)</th>
<th>Penyerapan</th><th>Target</th></tr></thead><tbody>
<tr class="kelompok"><th colspan="5" scope="rowgroup">A. PROGRAM DUKUNGAN MANAJEMEN</th></tr>
<tr><td>1.</td><td>Kegiatan a</td><td>Rp 40.719.755.000</td><td>97,50%</td><td>95.5%</td></tr>
<tr><td>2.</td><td>Kegiatan b</td><td>1.234,5</td><td>36,38%</td>
<td>12 kali</td></tr>
<tr class="jumlah"><td></td><td>Jumlah</td><td>40.719.756.234</td><td>–</td><td></td></tr>
</tbody></table><p class="catatan">Baris bertanda – belum dilaporkan.</p></div>
<figure class="gambar" id="gambar-1-1"><img alt="Penyerapan"
src="data:image/svg+xml;base64,{base64.b64encode(SVG).decode()}"/><figcaption><span
class="nomor" data-jenis="Gambar">Gambar 1.1</span> Penyerapan per Kegiatan</figcaption></figure>
<table><tr><td>tanpa nomor</td></tr></table>
</section></main></body></html>"""


@pytest.fixture(scope="module")
def word() -> bytes:
    return report_docx(PAGE, "LAKIP Contoh 2024")


def test_docx_has_the_chapters_headings_tables_and_captions_of_the_page(word):
    document = docx.Document(io.BytesIO(word))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings == [
        ("Heading 1", "KATA PENGANTAR"),
        ("Heading 1", "DAFTAR ISI"),
        ("Heading 1", "DAFTAR TABEL"),
        ("Heading 1", "DAFTAR GAMBAR"),
        ("Heading 1", "BAB I PENDAHULUAN"),
        ("Heading 2", "A. Latar Belakang"),
    ]
    captions = {
        p.style.name: p.text for p in document.paragraphs if p.style.name.endswith(" Caption")
    }
    assert captions == {
        "Table Caption": "Tabel 1.1 Pagu dan Penyerapan",
        "Image Caption": "Gambar 1.1 Penyerapan per Kegiatan",
    }
    table = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["No", "Uraian", "Pagu (Rp)", "Penyerapan", "Target"]
    assert rows[1][0] == "A. PROGRAM DUKUNGAN MANAJEMEN"
    assert rows[2] == ["1.", "Kegiatan a", "Rp 40.719.755.000", "97,50%", "95.5%"]
    assert len(document.inline_shapes) == 1
    assert "Rp 14.814.961.857" in "\n".join(p.text for p in document.paragraphs)


def test_docx_is_a4_with_page_numbers_and_tables_of_contents_word_fills(word):
    document = docx.Document(io.BytesIO(word))
    section = document.sections[0]
    # Word stores twips: A4 is 11906 x 16838 (210 x 297 mm to 0.02 mm)
    assert abs(section.page_width - Mm(210)) < Mm(0.1)
    assert abs(section.page_height - Mm(297)) < Mm(0.1)
    assert abs(section.left_margin - Mm(30)) < Mm(0.1)
    footer = section.footer._element.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    assert section.header.paragraphs[0].text == "LAKIP Contoh | 2024"  # the running title
    assert section.different_first_page_header_footer  # not on the cover
    cover = [(p.style.name, p.text) for p in document.paragraphs[:3]]
    assert cover == [
        ("Title", "KPU"),
        ("Title", "Laporan Akuntabilitas Kinerja"),
        ("Subtitle", "Tahun 2024"),
    ]
    assert "Daftar Isi" not in [p.text for p in document.paragraphs]  # the screen-only link
    body = document.element.xml
    for instruction in TOC_FIELDS.values():
        assert f" {instruction} " in body.replace("&quot;", '"')
    assert "LAKIP-DAFTAR" not in body and "LAKIP-AKHIR" not in body
    # the lists stay as the fields' text until the fields are updated
    texts = [p.text for p in document.paragraphs]
    assert "Tabel 1.1 Pagu dan Penyerapan" in texts and "A. Latar Belakang" in texts
    assert 'w:updateFields w:val="true"' in document.settings.element.xml
    assert document.styles["Heading 1"].paragraph_format.page_break_before


def test_docx_figures_get_a_png_when_rsvg_convert_is_there(word):
    media = [n for n in zipfile.ZipFile(io.BytesIO(word)).namelist() if n.startswith("word/media")]
    expected = ".png" if shutil.which("rsvg-convert") else ".svg"
    assert len(media) == 1 and media[0].endswith(expected)


def test_docx_and_xlsx_are_the_same_bytes_for_the_same_page(word):
    assert report_docx(PAGE, "LAKIP Contoh 2024") == word
    assert report_workbook(PAGE, "LAKIP") == report_workbook(PAGE, "LAKIP")


@pytest.mark.parametrize(
    ("text", "value", "fmt"),
    [
        ("40.719.755.000", 40_719_755_000, "#,##0"),
        ("Rp 2.685.536.000", 2_685_536_000, "#,##0"),
        ("97,50%", 0.975, "0.00%"),
        ("100%", 1.0, "0%"),
        ("99,23", 99.23, "#,##0.00"),
        ("1.234,5", 1234.5, "#,##0.0"),
        ("205", 205, "0"),
        ("0", 0, "0"),
        ("-2,08", -2.08, "#,##0.00"),
    ],
)
def test_numbers_the_build_displays_are_read_back(text, value, fmt):
    parsed = parse_display(text)
    assert parsed is not None
    assert parsed[0] == pytest.approx(value) and parsed[1] == fmt


@pytest.mark.parametrize(
    "text", ["95.5%", "12 kali", "1.", "076.01.WA", "belum dilaporkan", "–", "0205", ""]
)
def test_other_texts_stay_text(text):
    assert parse_display(text) is None


def test_xlsx_has_one_sheet_per_numbered_table_with_numbers_as_numbers():
    wb = openpyxl.load_workbook(io.BytesIO(report_workbook(PAGE, "LAKIP Contoh 2024")))
    assert wb.sheetnames == ["Daftar Tabel", "Tabel 1.1"]
    assert [c.value for c in wb["Daftar Tabel"][3]] == ["Tabel 1.1", "Pagu dan Penyerapan"]
    ws = wb["Tabel 1.1"]
    assert ws["A1"].value == "Tabel 1.1 Pagu dan Penyerapan"
    assert [c.value for c in ws[3]] == ["No", "Uraian", "Pagu (Rp)", "Penyerapan", "Target"]
    assert ws["A4"].value == "A. PROGRAM DUKUNGAN MANAJEMEN" and "A4:E4" in ws.merged_cells
    assert (ws["C5"].value, ws["C5"].number_format) == (40_719_755_000, "#,##0")
    assert (ws["D5"].value, ws["D5"].number_format) == (pytest.approx(0.975), "0.00%")
    assert ws["E5"].value == "95.5%"  # as the planner wrote it: not read as a number
    assert (ws["C6"].value, ws["C6"].number_format) == (pytest.approx(1234.5), "#,##0.0")
    assert ws["C7"].value == 40_719_756_234 and ws["C7"].font.b  # the total row, bold
    assert ws["E6"].value == "12 kali"
    assert ws["A9"].value == "Baris bertanda – belum dilaporkan."
    assert ws.freeze_panes == "A4"


def test_docx_signatures_are_centred_with_room_to_sign_and_kept_together():
    from docx.shared import Pt

    page = PAGE.replace(
        "</section></main>",
        '<p class="tempat-tanggal">Bontang, 12 Februari 2024</p><div class="pengesahan-dua">'
        '<div class="pengesahan"><div>Pihak Kedua,</div><div class="nama">Erwin</div></div>'
        '<div class="pengesahan"><div>Pihak Pertama,</div><div class="nama">Bambang</div>'
        '<div class="nip">NIP. 19760905 200902 1 002</div></div></div></section></main>',
    )
    document = docx.Document(io.BytesIO(report_docx(page, "LAKIP Contoh 2024")))
    lines = [(p.style.name, p.text) for p in document.paragraphs if "Pengesahan" in p.style.name]
    assert lines == [
        ("Pengesahan Tanggal", "Bontang, 12 Februari 2024"),
        ("Pengesahan Kiri", "Pihak Kedua,"),
        ("Pengesahan Kiri Nama", "Erwin"),
        ("Pengesahan", "Pihak Pertama,"),
        ("Pengesahan Nama", "Bambang"),
        ("Pengesahan", "NIP. 19760905 200902 1 002"),
    ]
    name = document.styles["Pengesahan Nama"]
    assert name.font.bold and name.font.underline
    assert name.paragraph_format.space_before >= Pt(36)  # room to sign
    assert abs(name.paragraph_format.left_indent - Mm(80)) < Mm(0.1)  # the right half
    assert abs(document.styles["Pengesahan Kiri"].paragraph_format.right_indent - Mm(80)) < Mm(0.1)
    for style in {s for s, _ in lines}:
        assert document.styles[style].paragraph_format.alignment == 1  # centred
        assert document.styles[style].paragraph_format.keep_with_next  # not split over pages
