"""The chromium PDF engine's pieces: list numbers, page styles, stable bytes (fast tests)."""

import re

import pytest

from lakipkit import pdf
from lakipkit.errors import LakipError

PAGE = """<html><head><title>x</title></head><body>
<section class="sampul"><div class="judul-berjalan">Laporan &quot;Kinerja&quot; | 2024</div>
</section>
<div class="depan"><nav class="daftar" data-daftar="isi"><ol>
<li><a class="depan" href="#kata-pengantar">KATA PENGANTAR</a></li>
<li><a class="depan" href="#daftar-isi">DAFTAR ISI</a></li>
<li><a href="#bab-i">BAB I</a></li><li><a href="#bab-ii">BAB II</a></li>
</ol></nav></div>
<div class="isi"><a href="#bab-i">not a list link</a></div>
<nav class="daftar" data-daftar="tabel"><ol><li><a href="#tabel-1-1">Tabel 1.1</a></li></ol></nav>
</body></html>"""


def test_links_are_the_list_entries_in_order_with_their_part():
    assert pdf._links(PAGE) == [
        ("kata-pengantar", True),
        ("daftar-isi", True),
        ("bab-i", False),
        ("bab-ii", False),
        ("tabel-1-1", False),
    ]


def test_front_matter_is_numbered_in_roman_and_chapters_from_one():
    pages = {"kata-pengantar": 2, "daftar-isi": 3, "bab-i": 9, "bab-ii": 14, "tabel-1-1": 10}
    numbers, starts = pdf._fill(pdf._links(PAGE), pages)
    assert numbers == {
        "kata-pengantar": "i",
        "daftar-isi": "ii",
        "bab-i": "1",
        "bab-ii": "6",
        "tabel-1-1": "2",
    }
    assert starts == (2, 9)


def test_a_page_without_lists_needs_no_numbers():
    assert pdf._fill([], {"x": 1}) == ({}, None)


@pytest.mark.parametrize(
    ("number", "roman"), [(1, "i"), (4, "iv"), (9, "ix"), (14, "xiv"), (40, "xl"), (99, "xcix")]
)
def test_roman(number, roman):
    assert pdf._roman(number) == roman


def test_page_style_has_the_running_head_numbers_and_page_counters():
    style = pdf._page_style(PAGE, {"bab-i": "1", "kata-pengantar": "i"}, (2, 9))
    assert '@top-center { content: "Laporan \\"Kinerja\\" | 2024"' in style
    assert 'a[href="#bab-i"]::after { content: "1"; }' in style
    assert "@counter-style lakip-depan { system: fixed 2; symbols: " in style
    assert re.search(r'lakip-depan \{ system: fixed 2; symbols: "i" "ii" .* "vii"; \}', style)
    assert '@counter-style lakip-isi { system: fixed 9; symbols: "1" "2"' in style
    # the first print: blank slots of the same width, the browser's own page counter
    first = pdf._page_style(PAGE, {}, None)
    assert "counter-style" not in first and "flex: 0 0 2.6em" in first


def test_style_goes_into_the_head():
    page = pdf._with_style(PAGE, "<style>x</style>")
    assert page.index("<style>x</style>") < page.index("</head>") < page.index("<body>")
    with pytest.raises(LakipError):
        pdf._with_style("<p>no head</p>", "<style></style>")


def test_dates_are_fixed_without_moving_any_byte():
    raw = (
        b"%PDF-1.4\n1 0 obj\n<</Title (x) /CreationDate (D:20261202061312+00'00') "
        b"/ModDate (D:20261202061313+00'00')>>\nendobj\n"
    )
    fixed = pdf.normalise_pdf(raw)
    assert len(fixed) == len(raw)
    assert b"2026" not in fixed and fixed.count(b"D:20000101000000") == 2
    assert pdf.normalise_pdf(fixed) == fixed


def test_missing_chromium_and_unknown_engine_are_one_line_errors(monkeypatch):
    monkeypatch.setenv("LAKIP_CHROMIUM", "/nonexistent/chromium")
    assert pdf.find_chromium() is None
    assert pdf.default_engine() == "weasyprint"
    with pytest.raises(LakipError, match="chromium tidak ditemukan"):
        pdf.Browser()
    with pytest.raises(LakipError, match="mesin PDF tidak dikenal"):
        with pdf.pdf_renderer("latex"):
            pass
