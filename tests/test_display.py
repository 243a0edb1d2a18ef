"""Report pieces that show themselves in a notebook and are still the HTML the build embeds."""

import re
from pathlib import Path

import pandas as pd
import pytest
from IPython.core.formatters import DisplayFormatter
from IPython.core.interactiveshell import InteractiveShell

from lakipkit import charts, narrative, tables
from lakipkit.build import assemble_document
from lakipkit.capaian import CapaianSettings, compute_capaian
from lakipkit.display import SCREEN_CLASS, Html, Penomoran, ReportFigure, ReportTable, screen_css
from lakipkit.errors import ParameterError
from lakipkit.loading import load_year

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def year():
    return load_year(DATA, "kpu-kota-bontang", 2024)


@pytest.fixture(scope="module")
def capaian(year):
    return compute_capaian(year.indikator, CapaianSettings())


def _shown(obj):
    """What IPython's display machinery produces for `obj` (mime type -> data)."""
    data, _ = DisplayFormatter().format(obj)
    return data


def test_report_table_shows_itself_with_caption_and_screen_style(year, capaian):
    table = tables.indicator_table(
        capaian, year.sasaran, year.program, year.kegiatan, "Capaian", kind="capaian"
    )
    shown = _shown(table)
    assert shown["text/plain"] == "Tabel: Capaian (31 baris × 8 kolom; data di .frame)"
    html = shown["text/html"]
    assert html.startswith(f'<style class="{SCREEN_CLASS}">')
    assert html.endswith(f'<div class="{SCREEN_CLASS}">{table}</div>')
    # the string itself is the report's HTML, unchanged for the build and narrative inserts
    assert str(table).startswith('<div class="tabel-wrap"><table class="tabel">')
    assert isinstance(table, str) and table.html == str(table)


def test_frame_holds_data_rows_with_real_values(year, capaian):
    table = tables.indicator_table(
        capaian, year.sasaran, year.program, year.kegiatan, "Capaian", kind="capaian"
    )
    frame = table.frame
    assert list(frame.columns) == [
        "No",
        "Sasaran",
        "Indikator Kinerja",
        "Target",
        "Realisasi",
        "Capaian",
        "Status",
        "Predikat",
    ]
    assert len(frame) == len(capaian)  # no programme/kegiatan heading rows
    assert frame["Capaian"].tolist() == pytest.approx(capaian["capaian"].tolist(), nan_ok=True)
    assert frame["Sasaran"].notna().all() and frame["Sasaran"].ne("").all()  # repeated, not blank


def test_budget_frame_keeps_rupiah_as_integers_and_leaves_out_the_total(year):
    table = tables.budget_table(year.anggaran, "Anggaran")
    frame = table.frame
    assert len(frame) == len(year.anggaran)
    assert not frame["Program/Kegiatan"].eq("JUMLAH").any()
    assert str(frame["Pagu (Rp)"].dtype) == "Int64"
    assert frame["Pagu (Rp)"].tolist() == year.anggaran["pagu"].tolist()
    assert frame["Realisasi (Rp)"].isna().tolist() == year.anggaran["realisasi"].isna().tolist()


def test_render_table_frame_drops_heading_and_total_rows():
    body = pd.DataFrame(
        {
            "kelompok": ["A. PROGRAM", None, None],
            "uraian": [None, "Belanja", "JUMLAH"],
            "pagu": [None, "Rp 1.000", "Rp 1.000"],
            "kelas_baris": [None, "", "jumlah"],
        }
    )
    columns = [tables.Column("uraian", "Uraian"), tables.Column("pagu", "Pagu", "angka")]
    table = tables.render_table(body, columns, "T", values=pd.DataFrame({"pagu": [1000]}))
    assert table.frame.to_dict("list") == {"Uraian": ["Belanja"], "Pagu": [1000]}


def test_empty_simple_table_has_an_empty_frame():
    table = tables.simple_table(pd.DataFrame({"no": [], "nama": []}), {"nama": "Nama"}, "Mitra")
    assert "belum ada data" in table
    assert table.frame.empty and list(table.frame.columns) == ["Nama"]


def test_numbered_copy_fills_the_caption_and_stays_frozen(year):
    table = tables.pk_budget_table(year.pk_anggaran, "PK")
    numbered = table.numbered("2.2")
    assert (table.number, numbered.number) == ("", "Tabel 2.2")
    assert '<span class="nomor" data-jenis="Tabel">Tabel 2.2</span> PK' in numbered
    assert numbered.frame is table.frame
    assert _shown(numbered)["text/plain"].startswith("Tabel 2.2: PK (")
    with pytest.raises(AttributeError):
        table.caption = "lain"


def test_chart_shows_itself_as_the_svg_the_report_embeds(capaian):
    fig = charts.capaian_chart(capaian)
    shown = _shown(fig)
    assert shown["image/svg+xml"] == charts.figure_svg(charts.capaian_chart(capaian))
    figure = charts.figure_html(fig, "Capaian per Indikator")
    assert isinstance(figure, ReportFigure) and figure.figure is fig
    assert _shown(figure)["text/plain"] == "Gambar: Capaian per Indikator"
    assert figure.numbered("3.1").number == "Gambar 3.1"


def test_narrative_html_shows_rendered_with_a_short_plain_repr(year):
    cover = narrative.cover_html(year.satker, 2024)
    assert isinstance(cover, Html)
    shown = _shown(cover)
    assert shown["text/plain"].startswith("HTML laporan: Laporan Akuntabilitas Kinerja")
    assert len(shown["text/plain"]) < 100
    assert '<div class="sampul">' in shown["text/html"]


def test_screen_css_is_scoped_to_the_output_wrapper():
    css = screen_css()
    selectors = [s.strip() for rule in css.splitlines() for s in rule.split("{")[0].split(",")]
    assert all(s.startswith(f"div.{SCREEN_CLASS}") for s in selectors)
    assert "table.tabel td.angka" in css and "text-align:left" in css
    assert "@page" not in css and "main.laporan" not in css and "ke-daftar-isi" not in css


def test_build_removes_what_only_the_notebook_screen_needs(year):
    table = tables.pk_budget_table(year.pk_anggaran, "PK")
    cover = narrative.cover_html(year.satker, 2024)
    page = assemble_document(
        f"<main>{cover._repr_html_()}<h1>BAB I X</h1>{table._repr_html_()}</main>"
    )
    assert SCREEN_CLASS not in page and "<style" not in page
    assert '<section class="sampul"><div class="judul-berjalan">' in page
    assert re.search(
        r'<section class="bab"><h1 id="[^"]+">BAB I X</h1><div class="tabel-wrap', page
    )
    assert "Tabel 1.1" in page


def test_year_repr_is_one_line_and_html_a_short_summary(year):
    assert (
        repr(year) == "YearData(kpu-kota-bontang 2024: 31 indikator, 12 baris anggaran, 0 temuan)"
    )
    html = _shown(year)["text/html"]
    assert "31 (31 dengan realisasi) pada" in html
    assert "pagu Rp 40.719.755.000, realisasi Rp 14.814.961.857" in html
    assert len(html) < 2000


def test_report_table_type_is_exported():
    assert tables.ReportTable is ReportTable


def test_numbering_follows_chapters_like_the_build_and_survives_a_rerun(year, capaian):
    nomor = Penomoran()
    pk = tables.pk_budget_table(year.pk_anggaran, "PK")
    assert nomor(pk).number == "Tabel 1"  # before Bab I
    assert nomor.bab("BAB III AKUNTABILITAS KINERJA") == "<h1>BAB III AKUNTABILITAS KINERJA</h1>"
    first = nomor(tables.budget_table(year.anggaran, "Anggaran"))
    chart = nomor(charts.figure_html(charts.capaian_chart(capaian), "Capaian"))
    again = nomor(tables.budget_table(year.anggaran, "Anggaran"))  # the cell run twice
    assert (first.number, chart.number, again.number) == ("Tabel 3.1", "Gambar 3.1", "Tabel 3.1")
    assert isinstance(first, ReportTable) and first.frame is not None
    nested = nomor(narrative.render_narrative("Teks.", {"x": pk}))
    assert isinstance(nested, Html) and "Tabel 3.2</span> PK" in nested
    nomor.bab("LAMPIRAN")
    assert nomor(pk).number == "Tabel L.1"


def test_contents_lists_are_hidden_on_screen_and_only_the_build_fills_them():
    lists = tables.contents_lists()
    assert "nav.daftar:empty" in screen_css()
    assert 'class="hanya-layar catatan">Daftar Isi, Daftar Tabel dan Daftar Gambar' in lists
    page = assemble_document(f"<main>{lists._repr_html_()}<h1>BAB I X</h1><p>Teks.</p></main>")
    assert "hanya-layar" not in page and "disusun saat" not in page
    assert '<a class="depan" href="#daftar-isi">DAFTAR ISI</a>' in page


def test_lakip_errors_show_in_a_notebook_as_their_message_only():
    error = ParameterError("tahun 2030 tidak ada untuk satker x; tahun yang ada: 2024")
    assert error._render_traceback_() == [str(error)]
    assert isinstance(error, ValueError)
    shell = InteractiveShell.instance()
    try:
        result = shell.run_cell(
            "from lakipkit.errors import ParameterError\nraise ParameterError('a; b')"
        )
        assert isinstance(result.error_in_exec, ParameterError)
    finally:
        InteractiveShell.clear_instance()  # the in-process kernel tests want their own
