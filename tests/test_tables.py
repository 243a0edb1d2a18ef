import numpy as np
import pandas as pd

from lakipkit.tables import (
    Column,
    budget_table,
    contents_placeholder,
    pk_budget_table,
    render_table,
    rkt_funding_table,
    simple_table,
    source_table,
)

COLUMNS = [
    Column("no", "No", "tengah"),
    Column("uraian", "Uraian"),
    Column("pagu", "Pagu", "angka"),
]


def _body():
    return pd.DataFrame(
        {
            "kelompok": ["A. PROGRAM <DUKUNGAN>", None, "a. Kegiatan", None],
            "tingkat": [1, None, 2, None],
            "no": [None, "1", None, "2"],
            "uraian": [None, "Belanja <script>alert(1)</script>", None, "Honor & lembur"],
            "pagu": [None, "Rp 1.000", None, "Rp 2.000"],
        }
    )


def test_rows_cells_and_groups_in_order_and_escaped():
    html = render_table(_body(), COLUMNS, "Pagu <per> kegiatan")
    assert "<script" not in html
    assert "Belanja &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Honor &amp; lembur" in html
    assert '<caption><span class="judul-tabel"><span class="nomor" data-jenis="Tabel">' in html
    assert '<span class="nomor" data-jenis="Tabel"></span> Pagu &lt;per&gt; kegiatan' in html
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:-1]
    assert rows[0] == (
        '<tr class="kelompok"><th colspan="3" scope="rowgroup">A. PROGRAM &lt;DUKUNGAN&gt;</th>'
    )
    assert rows[1] == (
        '<tr><td class="tengah">1</td><td>Belanja &lt;script&gt;alert(1)&lt;/script&gt;</td>'
        '<td class="angka">Rp 1.000</td>'
    )
    assert rows[2].startswith('<tr class="subkelompok"><th colspan="3"')
    assert len(rows) == 4


def test_header_row_and_table_structure_for_repeating_headers():
    html = render_table(_body(), COLUMNS, "T")
    assert (
        '<thead><tr><th scope="col" class="tengah">No</th><th scope="col">Uraian</th>'
        '<th scope="col" class="angka">Pagu</th></tr></thead>'
    ) in html
    assert html.startswith('<div class="tabel-wrap kecil"><table class="tabel">')


def test_only_short_tables_are_kept_whole_on_one_page():
    long = pd.DataFrame({"no": [str(i) for i in range(40)], "uraian": "x", "pagu": "1"})
    assert render_table(long, COLUMNS, "T").startswith('<div class="tabel-wrap"><table')


def test_missing_values_render_as_empty_cells_and_row_classes_apply():
    body = pd.DataFrame(
        {
            "no": ["1", None],
            "uraian": ["x", "JUMLAH"],
            "pagu": [None, "Rp 3"],
            "kelas_baris": [None, "jumlah"],
            "status": ["tidak tercapai", "tercapai"],
            "kelas": ["status-tidak-tercapai", ""],
        }
    )
    columns = [*COLUMNS, Column("status", "Status", class_key="kelas")]
    html = render_table(body, columns, "T")
    assert '<tr><td class="tengah">1</td><td>x</td><td class="angka"></td>' in html
    assert '<tr class="jumlah"><td class="tengah"></td><td>JUMLAH</td>' in html
    assert '<td class="status-tidak-tercapai">tidak tercapai</td>' in html
    assert '<td class="">tercapai</td>' not in html


def test_notes_are_escaped_below_the_table():
    html = render_table(_body(), COLUMNS, "T", notes="Sumber: <DIPA>")
    assert html.endswith('</table><p class="catatan">Sumber: &lt;DIPA&gt;</p></div>')


def test_contents_placeholder_has_the_anchor_the_back_link_uses():
    html = contents_placeholder("isi", "DAFTAR ISI")
    assert '<h1 id="daftar-isi">DAFTAR ISI</h1>' in html
    assert '<nav class="daftar" data-daftar="isi"></nav>' in html


# -- values a year just started leaves empty ------------------------------------------------------


def _anggaran(pagu, realisasi):
    return pd.DataFrame(
        {
            "kode": ["P", "P1", "P2"],
            "induk": pd.array([None, "P", "P"], dtype="string"),
            "uraian": ["Program", "Kegiatan 1", "Kegiatan 2"],
            "sumber_dana": "APBN",
            "pagu": pd.array(pagu, dtype="Int64"),
            "realisasi": pd.array(realisasi, dtype="Int64"),
            "persen_terbit": np.nan,
        }
    )


def _cells(html):
    return [cell.split(">")[-1] for cell in html.split("</td>")[:-1]]


def test_budget_tables_print_belum_ditetapkan_for_a_pagu_not_filled_in():
    kosong = _anggaran([None, None, None], [None, None, None])
    html = budget_table(kosong, "Anggaran")
    cells = _cells(html)
    assert cells.count("belum ditetapkan") == 4 and cells.count("belum dilaporkan") == 4
    assert "Rp 0" not in html and 'class="catatan"' not in html  # nothing partial to explain
    assert "belum ditetapkan" in source_table(kosong, "Sumber dana")
    sebagian = budget_table(_anggaran([30, 10, None], [5, 5, None]), "Anggaran")
    assert "Pagu JUMLAH hanya mencakup baris yang pagunya sudah diisi" in sebagian
    assert "Realisasi dan penyerapan JUMLAH hanya mencakup" in sebagian


def test_pk_and_rkt_totals_never_sum_blanks_to_zero():
    pk = pd.DataFrame(
        {"uraian": ["A", "B"], "pagu": pd.array([None, None], dtype="Int64")}, index=[0, 1]
    )
    html = pk_budget_table(pk, "PK")
    assert _cells(html)[-1] == "belum ditetapkan" and "Rp 0" not in html
    half = pk_budget_table(pk.assign(pagu=pd.array([1_000, None], dtype="Int64")), "PK")
    assert _cells(half)[-1] == "Rp 1.000" and "hanya mencakup baris yang pagunya" in half
    rkt = pd.DataFrame(
        {
            "no": [1, 2],
            "kode": pd.array(["P", None], dtype="string"),
            "induk": pd.array([None, None], dtype="string"),
            "uraian": ["Program", "Data"],
            "pagu": pd.array([None, None], dtype="Int64"),
        }
    )
    assert _cells(rkt_funding_table(rkt, "RKT"))[-1] == "belum ditetapkan"


def test_small_table_without_rows_says_belum_ada_data_not_a_zero_total():
    dpt = pd.DataFrame({"jenis_kelamin": pd.array([], "string"), "jumlah": pd.array([], "Int64")})
    html = simple_table(
        dpt, {"jenis_kelamin": "Jenis Kelamin", "jumlah": "Jumlah"}, "DPT", "jumlah"
    )
    assert _cells(html) == ["belum ada data", ""]


def test_kept_tables_follow_every_edit_and_only_those(tmp_path, monkeypatch):
    """Tables are kept per argument values (`tables.remembered`): after an edit each is what
    rendering anew gives; a table whose data the edit did not touch is not rendered again."""
    import shutil
    from pathlib import Path

    from lakipkit import tables
    from lakipkit.capaian import compute_capaian
    from lakipkit.loading import load_year
    from lakipkit.settings import capaian_settings

    data = tmp_path / "data"
    source = Path(__file__).resolve().parent.parent / "data" / "kpu-kota-bontang"
    shutil.copytree(source, data / "kpu-kota-bontang")
    folder = data / "kpu-kota-bontang" / "2024"
    kept = {
        "anggaran": (tables.budget_table, tables.source_table),
        "pk_anggaran": (tables.pk_budget_table,),
        "rkt_pendanaan": (tables.rkt_funding_table,),
    }

    def pages():
        year = load_year(data, "kpu-kota-bontang", 2024)
        capaian = compute_capaian(year.indikator, capaian_settings(year.laporan))
        parts = (year.sasaran, year.program, year.kegiatan, "Judul")
        shown = {
            "pk": tables.indicator_table(year.indikator, *parts, kind="pk", pohon=year.pohon),
            "capaian": tables.indicator_table(capaian, *parts, pohon=year.pohon),
        }
        for name, functions in kept.items():
            for function in functions:
                shown[function.__name__] = function(getattr(year, name), "Judul")
        renders = len(rendered)
        for name, functions in kept.items():
            for function in functions:  # what rendering anew gives
                assert shown[function.__name__] == function.__wrapped__(
                    getattr(year, name), "Judul"
                )
        return shown, renders

    def edit(name, old, new):
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    rendered = []
    render = tables.render_table
    monkeypatch.setattr(
        tables, "render_table", lambda *a, **k: rendered.append(1) or render(*a, **k)
    )
    before, _ = pages()
    for name, old, new, changed in (
        ("realisasi.csv", "WA-01,95%,", "WA-01,80%,", {"capaian"}),
        ("indikator.csv", "penugasannya,%,95%", "penugasannya,%,90%", {"pk", "capaian"}),
        ("anggaran.csv", "1.274.344.720", "1.274.344.000", {"budget_table", "source_table"}),
        ("pk_anggaran.csv", "2.519.511.000", "2.519.000.000", {"pk_budget_table"}),
        ("rkt_pendanaan.csv", "1.123.513.000", "1.123.000.000", {"rkt_funding_table"}),
    ):  # fmt: skip
        edit(name, old, new)
        rendered.clear()
        after, renders = pages()
        assert {key for key in after if after[key] != before[key]} == changed, name
        assert renders == len(changed), name  # the others were kept
        before = after


def test_small_tables_number_their_rows_like_the_other_tables():
    # Tabel 3.11 of 2024 gave its "No" column a fifth of the page, right-aligned ("1", "2"),
    # with "Jumlah" squeezed under it, unlike every other numbered list in the report.
    from bs4 import BeautifulSoup

    produk = pd.DataFrame(
        {"no": pd.array([1, 2], "Int64"), "produk_hukum": ["SK Ketua", "SK Sekretaris"],
         "jumlah": pd.array([205, 20], "Int64")}
    )  # fmt: skip
    labels = {"no": "No", "produk_hukum": "Produk Hukum", "jumlah": "Jumlah"}
    table = simple_table(produk, labels, "Produk Hukum", total="jumlah")
    soup = BeautifulSoup(str(table), "html.parser")
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in soup.tbody.find_all("tr")]
    assert rows == [["1.", "SK Ketua", "205"], ["2.", "SK Sekretaris", "20"], ["", "Jumlah", "225"]]
    assert soup.thead.th["class"] == ["tengah"] and soup.col["style"] == "width:8%"
    assert table.frame["No"].tolist() == [1, 2]  # the workbook keeps numbers
