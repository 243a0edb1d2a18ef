"""Reader defects of the 2024 report (issue 8), checked on the real data of KPU Kota Bontang."""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from lakipkit.capaian import CapaianSettings, compute_capaian
from lakipkit.charts import capaian_chart, capaian_figures_html
from lakipkit.formatting import format_nilai, format_persen
from lakipkit.loading import load_year
from lakipkit.narrative import method_html, render_narrative
from lakipkit.parsing import parse_nilai
from lakipkit.settings import level_names
from lakipkit.tables import program_table, rkt_funding_table, staff_table

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def year():
    return load_year(DATA, "kpu-kota-bontang", 2024)


def _cells(html):
    return [
        td.get_text(" ", strip=True) for td in BeautifulSoup(html, "html.parser").find_all("td")
    ]


def test_rkt_funding_total_is_the_programmes_as_the_rkt_prints(year):
    html = rkt_funding_table(year.rkt_pendanaan, "Rencana Pendanaan")
    assert _cells(html)[-1] == "Rp 16.121.193.000"  # not 16.129.133.000 with Data dan Informasi
    note = BeautifulSoup(html, "html.parser").find(class_="catatan").get_text()
    assert "\u201cData dan Informasi\u201d tidak memiliki kode program" in note


def test_non_pns_staff_total_says_what_it_counts(year):
    html = staff_table(year.pegawai, "1.2", "Pegawai Non PNS")
    assert _cells(html)[-2] == "paling sedikit 5"  # Bab I.E says 10; two counts are not printed
    note = BeautifulSoup(html, "html.parser").find(class_="catatan").get_text()
    assert "Petugas Kebersihan dan Administrasi tidak tercantum" in note
    assert _cells(staff_table(year.pegawai, "1.1", "ASN"))[-2] == "15"
    assert staff_table(year.pegawai.iloc[0:0], "1.1", "ASN") == ""


def test_media_list_shows_the_addresses_not_the_keys(year):
    html = render_narrative(year.narasi["analisis/CQ-d-S01"], {}, year.satker)
    items = [li.get_text() for li in BeautifulSoup(html, "html.parser").find_all("li")]
    assert "Website: kota-bontang.kpu.go.id" in items
    assert (
        "Email: kpubontang@gmail.com" in items
        and "JDIH: http://jdih.kpu.go.id/kaltim/bontang" in items
    )
    assert "website" not in items


def test_method_states_the_formula_once_in_reader_language(year):
    settings = CapaianSettings()
    html = render_narrative(
        year.narasi["bab3_pengukuran"], {"metode": method_html(year.indikator, settings)}
    )
    text = BeautifulSoup(html, "html.parser").get_text(" ")
    assert len(re.findall(r"Capaian Kinerja\s*=", text)) == 1
    for tool_words in ("polaritas", "pengaturan laporan", "31 indikator", " %"):
        assert tool_words not in text


def test_no_reference_to_a_figure_that_does_not_exist(year):
    html = render_narrative(year.narasi["bab1_struktur"], {}, year.satker)
    assert "Bagan" not in BeautifulSoup(html, "html.parser").get_text()


def test_program_table_lists_every_budget_kegiatan_without_dashes(year):
    html = program_table(year.program, year.anggaran, "Program dan Kegiatan")
    cells = _cells(html)
    assert "–" not in cells
    kode = cells[0::4]
    assert kode == ["6639", "6709", "6867", "6870", "6871", "6872", "6981", "6982", "3355", "3360"]


def test_program_table_named_by_the_tree_stays_byte_identical_for_bontang(year):
    # the DIPA kegiatan lines sit at the tree's "kegiatan" level: same table as before the tree
    plain = program_table(year.program, year.anggaran, "Program dan Kegiatan")
    named = program_table(
        year.program, year.anggaran, "Program dan Kegiatan", year.pohon,
        level_names(year.laporan),
    )  # fmt: skip
    assert str(named) == str(plain)
    heads = [th.get_text() for th in BeautifulSoup(named, "html.parser").thead.find_all("th")]
    assert heads == ["Kode", "Kegiatan", "Sumber Dana", "Pagu (Rp)"]


def test_capaian_figures_by_the_tree_are_bontangs_figures_per_programme(year):
    capaian = compute_capaian(year.indikator, CapaianSettings())
    plain = capaian_figures_html(capaian, year.program, "Capaian")
    tree = capaian_figures_html(
        capaian, year.program, "Capaian", year.pohon, level_names(year.laporan)
    )
    assert str(tree) == str(plain)
    captions = [
        c.get_text(" ", strip=True) for c in BeautifulSoup(tree, "html.parser")("figcaption")
    ]
    assert captions == [
        "Capaian: Program Dukungan Manajemen",
        "Capaian: Program Penyelenggaraan Pemilu dalam Proses Konsolidasi Demokrasi",
    ]


def test_capaian_chart_labels_tell_the_indicators_apart(year):
    capaian = compute_capaian(year.indikator, CapaianSettings())
    ax = capaian_chart(capaian).axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(set(labels)) == len(capaian) == 31
    assert not any(label.startswith(("WA-", "CQ-")) for label in labels)
    # values sit on a white ground, so the 100 % line does not strike through them
    assert all(text.get_bbox_patch() is not None for text in ax.texts)


@pytest.mark.parametrize(
    ("teks", "tampil"),
    [
        ("97.5%", "97,5%"),
        ("97,5 %", "97,5%"),
        ("95%", "95%"),
        ("0.17%", "0,17%"),
        ("2 laporan", "2 laporan"),
        ("1.234.000 orang", "1.234.000 orang"),
        ("WTP", "WTP"),
        ("70 - 80 %", "70 - 80%"),
        ("36000 orang", "36.000 orang"),  # the Pemda fixture's P-01 target
        ("1250 eksemplar", "1.250 eksemplar"),
        ("12345.5 ton", "12.345,5 ton"),
        ("1000%", "1.000%"),
        ("2024", "2024"),  # reads as a year: left alone
        ("Opini WTP 2023", "Opini WTP 2023"),  # a year among words: left alone
        ("2000 orang", "2.000 orang"),  # a quantity with its satuan, though it could be a year
        ("1950%", "1.950%"),
    ],
)
def test_format_nilai_writes_one_indonesian_style(teks, tampil):
    assert format_nilai(teks) == tampil


def test_format_nilai_keeps_the_value():
    for hundredths in [*range(0, 1000, 7), 99_999, 123_456]:
        teks = f"{hundredths / 100:g}%"
        shown = format_nilai(teks)
        assert parse_nilai(shown).angka == pytest.approx(parse_nilai(teks).angka), teks
        assert re.search(r"\.\d{1,2}%", shown) is None, teks  # no decimal point


def test_percentages_have_no_space_before_the_sign():
    assert format_persen(97.5, 1) == "97,5%"
