from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lakipkit.anggaran import Jumlah
from lakipkit.narrative import (
    analysis_html,
    describe_anggaran,
    describe_capaian,
    describe_sources,
    pk_signatures_html,
    render_markdown,
    render_narrative,
    signature_html,
)

HOSTILE = """# Judul

Teks biasa dengan **tebal** dan [tautan](https://jdih.kpu.go.id/x).

<script>alert("x")</script>
<img src="x.png" onerror="alert(1)">
<p onclick="alert(2)">paragraf</p>
<a href="javascript:alert(3)">jahat</a>
<iframe src="https://contoh.test/"></iframe>
<style>body{display:none}</style>

- satu
- dua

| a | b |
|---|---|
| 1 | 2 |
"""


def test_sanitiser_drops_scripts_and_handlers_but_keeps_structure():
    html = render_markdown(HOSTILE)
    lowered = html.lower()
    for bad in (
        "<script",
        "alert(",
        "onerror",
        "onclick",
        "javascript:",
        "<img",
        "<iframe",
        "<style",
        "display:none",
    ):
        assert bad not in lowered, bad
    assert "<h3>Judul</h3>" in html
    assert "<strong>tebal</strong>" in html
    assert '<a href="https://jdih.kpu.go.id/x" rel="noopener noreferrer">tautan</a>' in html
    assert "<ul>" in html and "<li>satu</li>" in html
    assert "<table>" in html and "<td>1</td>" in html
    assert "<p>paragraf</p>" in html


def test_headings_are_shifted_under_the_section_and_raw_high_headings_lose_their_tag():
    html = render_markdown("# A\n\n## B\n\n<h1>palsu</h1>\n", top_heading=3)
    assert "<h3>A</h3>" in html and "<h4>B</h4>" in html
    assert "<h1>" not in html and "palsu" in html
    assert "<h1>A</h1>" in render_markdown("# A", top_heading=1)


def test_one_item_per_line_keeps_its_line_breaks():
    html = render_markdown("a. satu;\nb. dua.")
    assert "a. satu;<br>" in html


@pytest.mark.parametrize(
    "item", ["b. dua", "2) dua", "(ii) dua", "– dua", "• dua", "**b.** dua", "iv. dua"]
)
def test_a_line_written_as_an_item_keeps_its_break(item):
    html = render_markdown(f"Sebagai berikut:\n{item}")
    assert "berikut:<br>" in html


def test_a_paragraph_wrapped_in_an_editor_reads_as_one_paragraph():
    # the Pemda fixture's narrative is wrapped at 90 columns; each line end was a <br>
    text = (
        "Realisasi yang dipantau bulanan dihitung sesuai\nsifat indikatornya.\n1.000 orang hadir."
    )
    html = render_markdown(text)
    assert "<br" not in html
    assert html.count("<p>") == 1


def test_the_pemda_narrative_has_no_break_mid_sentence():
    unit = Path(__file__).parent / "fixtures" / "pemda" / "disarpus-kabupaten-contoh"
    narasi = unit / "2024" / "narasi"
    for path in narasi.rglob("*.md"):
        assert "<br" not in render_markdown(path.read_text(encoding="utf-8")), path


def test_inserts_are_placed_at_markers_and_unknown_markers_dropped():
    text = (
        "Awal.\n\n<!-- sisipan: pegawai.csv#1.1 -->\n\nTengah.\n\n"
        "<!-- sisipan: satker.yaml#sasaran_strategis[tujuan=2] -->\n\n"
        "<!-- sisipan: Bagan 1.1 (gambar; tidak terbaca) -->\nAkhir."
    )
    profile = {
        "sasaran_strategis": [{"tujuan": 1, "uraian": "S1"}, {"tujuan": 2, "uraian": "S<2>"}]
    }
    html = render_narrative(text, {"pegawai.csv#1.1": "<table>T</table>"}, profile)
    assert html.index("Awal.") < html.index("<table>T</table>") < html.index("Tengah.")
    assert "<ol><li>S&lt;2&gt;</li></ol>" in html and "S1" not in html
    assert "Bagan" not in html and "sisipan" not in html
    assert html.rstrip().endswith("Akhir.</p>")


def test_a_text_key_at_a_marker_is_one_paragraph_not_a_list_of_its_letters():
    html = render_narrative("<!-- sisipan: satker.yaml#visi -->", {}, {"visi": "Menjadi <KPU>"})
    assert html == "<p>Menjadi &lt;KPU&gt;</p>"


def _capaian(rows):
    frame = pd.DataFrame(rows, columns=["uraian", "capaian", "status"])
    no_data = frame["status"].isin(["belum ada data", "target belum ditetapkan"])
    return frame.assign(realisasi_teks=pd.array(np.where(no_data, None, "x"), dtype="string"))


def test_describe_capaian_names_the_indicators_below_target():
    text = describe_capaian(
        _capaian(
            [
                ("Persentase A", 100.0, "tercapai"),
                ("Persentase B", 120.0, "tercapai"),
                ("Jumlah laporan C", 50.0, "tidak tercapai"),
                ("Indeks D", float("nan"), "belum ada data"),
            ]
        ),
        2024,
    )
    assert text.startswith("Perjanjian Kinerja Tahun 2024 memuat 4 (empat) indikator kinerja; ")
    assert "2 (dua) indikator mencapai atau melampaui targetnya." in text
    assert "sebanyak 1 (satu), yaitu Jumlah laporan C (capaian 50,00%)." in text
    assert "belum memiliki data realisasi, yaitu Indeks D." in text


def test_describe_capaian_when_everything_is_met():
    text = describe_capaian(_capaian([("A", 100.0, "tercapai"), ("B", 101.0, "tercapai")]), 2024)
    assert "2 (dua) indikator mencapai" in text
    assert "Tidak ada indikator yang berada di bawah targetnya." in text
    assert "belum memiliki data" not in text


def test_describe_capaian_lists_three_names_with_commas_and_dan():
    rows = [(f"Indikator {c}", 10.0, "tidak tercapai") for c in "XYZ"]
    text = describe_capaian(_capaian(rows), 2024)
    assert "Indikator X (capaian 10,00%), Indikator Y (capaian 10,00%), dan Indikator Z" in text


def test_describe_capaian_counts_targets_not_set_and_missing_realisasi():
    text = describe_capaian(
        _capaian(
            [
                ("Persentase A", 100.0, "tercapai"),
                ("Indeks B", np.nan, "target belum ditetapkan"),
                ("Jumlah C", np.nan, "target belum ditetapkan"),
            ]
        ),
        2025,
    )
    assert "1 (satu) indikator mencapai" in text
    assert (
        "Target 2 (dua) indikator belum ditetapkan, yaitu Indeks B dan Jumlah C, sehingga "
        "capaiannya belum dapat dihitung." in text
    )
    assert "Sebanyak 2 (dua) indikator belum memiliki data realisasi, yaitu Indeks B dan" in text


def test_describe_capaian_of_a_year_just_started_counts_without_naming_all():
    rows = [(f"Indikator {c}", np.nan, "target belum ditetapkan") for c in "XYZ"]
    text = describe_capaian(_capaian(rows), 2025)
    assert text == (
        "Perjanjian Kinerja Tahun 2025 memuat 3 (tiga) indikator kinerja; 0 (nol) indikator "
        "mencapai atau melampaui targetnya. Target 3 (tiga) indikator belum ditetapkan, "
        "sehingga capaiannya belum dapat dihitung. Sebanyak 3 (tiga) indikator belum memiliki "
        "data realisasi."
    )


def _jumlah(pagu, realisasi, penyerapan, pagu_lengkap=True, realisasi_lengkap=True):
    sisa = None if pagu is None or realisasi is None else pagu - realisasi
    return Jumlah(pagu, realisasi, sisa, penyerapan, realisasi_lengkap, pagu_lengkap)


def test_describe_anggaran_states_amounts_words_and_percent():
    total = _jumlah(40_719_755_000, 14_814_961_857, 14_814_961_857 / 40_719_755_000 * 100)
    text = describe_anggaran(total, 2024)
    assert "Rp 40.719.755.000" in text and "Rp 14.814.961.857" in text
    assert "36,38%" in text
    assert "(empat puluh miliar tujuh ratus sembilan belas juta" in text


def test_describe_anggaran_says_what_is_not_set_instead_of_zero():
    kosong = describe_anggaran(_jumlah(None, None, np.nan, pagu_lengkap=False), 2025)
    assert kosong == (
        "Pagu anggaran Tahun 2025 belum ditetapkan dalam data anggaran, sehingga realisasi dan "
        "penyerapan anggaran belum dapat disajikan."
    )
    sebagian = describe_anggaran(_jumlah(1_000, 500, np.nan, pagu_lengkap=False), 2025)
    assert "Rp 1.000 (seribu rupiah) (belum termasuk pagu yang belum ditetapkan)" in sebagian
    assert sebagian.endswith("mencapai Rp 500, sedangkan penyerapannya belum dapat dihitung.")
    belum = describe_anggaran(_jumlah(1_000, None, np.nan), 2025)
    assert belum.endswith("realisasi anggaran belum dilaporkan.")
    assert "Rp 0" not in kosong + sebagian + belum


def test_describe_sources_without_pagu():
    per_source = pd.DataFrame(
        {"pagu": pd.array([None, 2_000], dtype="Int64"), "realisasi": pd.array([None, None])},
        index=["APBD", "APBN"],
    )
    text = describe_sources(per_source, _jumlah(2_000, None, np.nan, pagu_lengkap=False), 2025)
    assert text.startswith(
        "Anggaran Tahun 2025 bersumber dari APBD dan APBN sebesar Rp 2.000 (dua ribu rupiah), "
        "seluruhnya Rp 2.000 (dua ribu rupiah), belum termasuk pagu yang belum ditetapkan."
    )
    none = per_source.assign(pagu=pd.array([None, None], dtype="Int64"))
    text = describe_sources(none, _jumlah(None, None, np.nan, pagu_lengkap=False), 2025)
    assert text.startswith("Anggaran Tahun 2025 bersumber dari APBD dan APBN; pagunya belum")


def test_describe_sources_says_a_single_sources_amount_once():
    # the Pemda unit read "bersumber dari APBD sebesar Rp 4.115.000.000 (...), seluruhnya
    # Rp 4.115.000.000 (...)"
    per_source = pd.DataFrame(
        {"pagu": pd.array([4_000], dtype="Int64"), "realisasi": pd.array([3_000], dtype="Int64")},
        index=["APBD"],
    )
    text = describe_sources(per_source, _jumlah(4_000, 3_000, 75.0), 2024)
    assert text == (
        "Anggaran Tahun 2024 seluruhnya bersumber dari APBD sebesar Rp 4.000 (empat ribu rupiah)."
        " Realisasi anggaran yang dilaporkan sebesar Rp 3.000 (tiga ribu rupiah) atau 75,00% dari"
        " seluruh pagu."
    )
    assert text.count("Rp 4.000") == 1


def test_dates_not_set_print_belum_ditetapkan():
    person = {"nama": "A", "nip": "", "jabatan": "Sekretaris"}
    assert "Bontang, tanggal belum ditetapkan" in signature_html(person, "Bontang", None)
    assert "Bontang, 3 Februari 2025" in signature_html(person, "Bontang", date(2025, 2, 3))
    profile = {"pejabat": [{"peran": "s", "nama": "A", "jabatan": "S"}]}
    laporan = {
        "tempat": "Bontang",
        "pk": {"tanggal": None, "pihak_pertama": "s", "pihak_kedua": "s"},
    }
    assert "Bontang, tanggal belum ditetapkan" in pk_signatures_html(profile, laporan)


@pytest.mark.parametrize("top", [1, 2, 3])
def test_render_markdown_never_emits_headings_above_top(top):
    html = render_markdown("# a\n\n<h1>b</h1><h2>c</h2>", top_heading=top)
    for level in range(1, top):
        assert f"<h{level}>" not in html


# Found by tests/test_fuzz.py: with no analysis text placing them (the fixture has none),
# the tables of mitra.csv, dpt.csv, produk_hukum.csv and ppid.csv were left out silently.
def test_analysis_tables_with_rows_that_no_text_places_come_last():
    from pathlib import Path

    from lakipkit.capaian import compute_capaian
    from lakipkit.loading import load_year
    from lakipkit.tables import simple_table

    data = Path(__file__).resolve().parent / "fixtures" / "data"
    year = load_year(data, "contoh-satker", 2023)
    capaian = compute_capaian(year.indikator)
    produk = simple_table(year.tabel["produk_hukum"], {"jumlah": "Jumlah"}, "Produk Hukum")
    kosong = simple_table(year.tabel["produk_hukum"].iloc[:0], {"jumlah": "Jumlah"}, "Kosong")
    args = (capaian, year.sasaran, year.program, year.kegiatan, year.narasi)
    html = analysis_html(*args, {"produk_hukum.csv": produk, "ppid.csv": kosong})
    assert html.endswith(produk) and "Kosong" not in html
    placed = {**year.narasi, "analisis/WA-S01": "Teks.\n\n<!-- sisipan: produk_hukum.csv -->"}
    html = analysis_html(*args[:4], placed, {"produk_hukum.csv": produk})
    assert html.count("Produk Hukum") == 1 and not html.endswith(produk)
