"""Bab III's comparisons (lakipkit.evaluasi) on the real 2024 data and the invented Pemda unit."""

import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakipkit import evaluasi as ev
from lakipkit.audit import check_year
from lakipkit.capaian import CapaianSettings, compute_capaian
from lakipkit.errors import DataValidationError
from lakipkit.loading import load_year
from lakipkit.settings import capaian_settings
from lakipkit.tren import compare_indikator, comparison_table, read_renstra

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
PEMDA = ROOT / "tests" / "fixtures" / "pemda"
PEMDA_ID = "disarpus-kabupaten-contoh"
MULTI = ROOT / "tests" / "fixtures" / "multi"


@pytest.fixture(scope="module")
def bontang():
    year = load_year(DATA, "kpu-kota-bontang", 2024)
    return year, compute_capaian(year.indikator, capaian_settings(year.laporan))


@pytest.fixture(scope="module")
def pemda():
    year = load_year(PEMDA, PEMDA_ID, 2024)
    setting = capaian_settings(year.laporan)
    return year, compute_capaian(year.indikator, setting), setting


def test_every_budget_line_with_realisasi_is_linked_to_indicators(bontang):
    year, capaian = bontang
    tautan = ev.tautan_anggaran(capaian, year.pohon, year.anggaran)
    efisiensi = ev.efisiensi_anggaran(capaian, tautan, year.anggaran).set_index("kode")
    leaves = year.anggaran[~year.anggaran["kode"].isin(year.anggaran["induk"].dropna())]
    reported = set(leaves.loc[leaves["realisasi"].notna(), "kode"])
    assert len(reported) == 9 and reported <= set(efisiensi.index)  # Tabel 3.18 had 2 of 9
    # the kegiatan linked in kegiatan.csv give what Tabel 3.18 gave
    assert efisiensi.loc["3355", "capaian"] == pytest.approx((300 + 95 / 98 * 100) / 4)
    assert efisiensi.loc["3355", "penyerapan"] == pytest.approx(2_475_781_372 / 2_548_374_000 * 100)
    assert efisiensi.loc["6867", "indikator"] == "WA-10"
    assert efisiensi.loc["6872", "indikator"] == efisiensi.loc["6982", "indikator"] == "CQ-12"


def test_a_programme_line_counts_only_the_lines_that_report_realisasi(bontang):
    year, capaian = bontang
    tautan = ev.tautan_anggaran(capaian, year.pohon, year.anggaran)
    cq = ev.efisiensi_anggaran(capaian, tautan, year.anggaran).set_index("kode").loc["076.01.CQ"]
    # 6639 (APBD hibah) reports no realisasi: CQ's stated 32,08% would read as "efisien"
    assert cq["tanpa_realisasi"] == "6639"
    assert (cq["pagu"], cq["realisasi"]) == (38_034_219_000 - 25_657_790_000, 12_202_365_835)
    assert cq["penyerapan"] == pytest.approx(98.5936, abs=1e-4)
    assert cq["kategori"] == "cukup efisien"
    assert cq["jumlah_indikator"] == 16  # 14 CQ + WA-04 (6709) and WA-10 (6867)


def test_links_go_own_codes_then_below_then_above(pemda, bontang):
    year, capaian, _ = pemda
    links = ev.tautan_anggaran(capaian, year.pohon, year.anggaran)
    per = links.groupby("indikator")["kode"].agg(set)
    assert per["SK-01"] == {"2.23.02.2.01.0003"}  # its own node
    assert per["P-01"] == {"2.23.02.2.01.0003", "2.23.02.2.01.0009"}  # the nodes below
    year, capaian = bontang
    per = ev.tautan_anggaran(capaian, year.pohon, year.anggaran).groupby("indikator")["kode"]
    per = per.agg(set)
    assert per["WA-03"] == {"076.01.WA"}  # kegiatan without code: its programme's
    assert per["CQ-12"] == {"6872", "6982"}  # indikator.csv's own kode_anggaran


def test_a_code_and_its_ancestor_on_one_indicator_count_once(bontang):
    year, capaian = bontang
    both = capaian.assign(
        kode_anggaran=capaian["kode_anggaran"].mask(capaian["id"].eq("WA-11"), "076.01.WA;3355")
    )
    links = ev.tautan_anggaran(both, year.pohon, year.anggaran)
    assert links.loc[links["indikator"].eq("WA-11"), "kode"].tolist() == ["076.01.WA"]


def test_iku_from_the_tree_and_from_the_rkt(pemda, bontang):
    year, _, setting = pemda
    iku = ev.ukur_iku(year, setting).set_index("id")
    assert list(iku.index) == ["IKU-01", "IKU-02", "IKU-03"]
    assert iku.loc["IKU-02", "capaian"] == pytest.approx(58.4 / 60 * 100)
    assert iku.loc["IKU-01", "sasaran_uraian"] == "1.1 Meningkatnya kualitas layanan perpustakaan"
    year, _ = bontang
    assert ev.ukur_iku(year).empty  # the seed gives no realisasi for the RKT's IKU
    rkt = year.rkt_sasaran_strategis.copy()
    rkt["indikator_pk"] = rkt["id"].map({"RKT-SS-11": "CQ-03", "RKT-SS-03": "WA-01"})
    iku = ev.ukur_iku(replace(year, rkt_sasaran_strategis=rkt)).set_index("id")
    assert list(iku.index) == ["RKT-SS-11"]  # RKT-SS-03 is an indeks, WA-01 a percentage
    assert (iku.loc["RKT-SS-11", "target_teks"], iku.loc["RKT-SS-11", "realisasi_teks"]) == (
        "100%",
        "100%",
    )
    assert iku.loc["RKT-SS-11", "sumber"] == "RKT"


def test_national_standard_in_the_indicator_rule(pemda):
    year, capaian, setting = pemda
    std = ev.banding_standar(capaian, year.standar, setting).set_index("id")
    assert std.loc["IKU-01", "banding"] == "memenuhi standar"
    assert std.loc["IKU-02", "banding"] == "di bawah standar"
    assert std.loc["IKU-02", "capaian_standar"] == pytest.approx(58.4 / 69.4 * 100)
    assert ev.banding_standar(capaian, year.standar.iloc[:0], setting).empty


def test_earlier_years_from_riwayat_not_where_a_folder_exists(pemda):
    year, capaian, setting = pemda
    riwayat = ev.read_riwayat(PEMDA, PEMDA_ID)
    hasil = ev.banding_riwayat(capaian, riwayat, 2024, [2024], setting)
    p01 = hasil[hasil["id"].eq("P-01")].set_index("tahun")
    assert p01["realisasi_teks"].tolist() == ["29100 orang", "34800 orang", "39500 orang"]
    assert p01.loc[2022, "capaian"] == pytest.approx(97.0)
    assert p01.loc[2023, "capaian_dicetak"] == 100.0  # the unit's cap, as in Tabel 3.1
    only_2022 = ev.banding_riwayat(capaian, riwayat, 2024, [2023, 2024], setting)
    assert set(only_2022["tahun"]) == {2022, 2024}
    assert ev.banding_riwayat(capaian, riwayat.iloc[:0], 2024).empty


def test_riwayat_with_a_bad_row_names_file_row_and_column(tmp_path):
    shutil.copytree(PEMDA, tmp_path / "pemda")
    path = tmp_path / "pemda" / PEMDA_ID / "riwayat.csv"
    path.write_text("indikator,tahun,realisasi\nP-01,20x3,5 orang\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as error:
        ev.read_riwayat(tmp_path / "pemda", PEMDA_ID)
    found = {(Path(f.file).name, f.row, f.column) for f in error.value.findings}
    assert found == {("riwayat.csv", 2, "tahun")}


def test_renstra_progress_and_course(pemda):
    year, _, setting = pemda
    hasil = ev.kemajuan_renstra([year], read_renstra(PEMDA, PEMDA_ID), setting).set_index("id")
    assert hasil.loc["IKU-01", "capaian_renstra"] == pytest.approx(67.2 / 70 * 100)
    assert hasil.loc["IKU-01", "jalur"] == "sesuai jalur"  # 67,2 >= this year's 65,5
    assert hasil.loc["IKU-03", "jalur"] == "belum sesuai jalur"  # 70% < 75%
    assert ev.kemajuan_renstra([year], pd.DataFrame(), setting).empty


def test_causes_listed_for_missed_targets_and_warned_when_missing(pemda, bontang):
    year, capaian = bontang
    rows = ev.penjelasan_indikator(capaian, year.penjelasan).set_index("id")
    assert list(rows.index) == ["WA-13", "CQ-14"]
    assert rows["solusi"].isna().all()  # the seed states no alternative solution
    assert "Rekonsiliasi Data Barang Milik Negara" in rows.loc["WA-13", "penyebab"]
    warned = [
        f for f in check_year(DATA, "kpu-kota-bontang", 2024) if f.kode == "penjelasan_missing"
    ]
    assert [(Path(f.file).name, f.row, f.column) for f in warned] == [
        ("penjelasan.csv", 2, "solusi"),
        ("penjelasan.csv", 3, "solusi"),
    ]
    year, capaian, _ = pemda
    rows = ev.penjelasan_indikator(capaian, year.penjelasan)
    assert "P-01" in set(rows["id"])  # met its target, with a cause of success


def test_no_penjelasan_file_warns_on_every_missed_indicator(tmp_path):
    shutil.copytree(PEMDA, tmp_path / "pemda")
    (tmp_path / "pemda" / PEMDA_ID / "2024" / "penjelasan.csv").unlink()
    warned = [
        f for f in check_year(tmp_path / "pemda", PEMDA_ID, 2024) if f.kode == "penjelasan_missing"
    ]
    assert sorted(f.value for f in warned) == ["IKU-02", "IKU-03", "P-02", "SK-02"]
    assert {f.column for f in warned} == {"indikator"}


def test_penjelasan_of_an_unknown_indicator_is_refused(tmp_path):
    shutil.copytree(PEMDA, tmp_path / "pemda")
    path = tmp_path / "pemda" / PEMDA_ID / "2024" / "penjelasan.csv"
    path.write_text("indikator,penyebab\nXX-99,sebab\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as error:
        load_year(tmp_path / "pemda", PEMDA_ID, 2024)
    assert any(f.column == "indikator" and f.row == 2 for f in error.value.findings)


def test_programmes_and_kegiatan_behind_each_result(bontang):
    year, capaian = bontang
    tautan = ev.tautan_anggaran(capaian, year.pohon, year.anggaran)
    rows = ev.pendukung(capaian, year.pohon, tautan, year.anggaran).set_index("id")
    assert rows.loc["WA-10", "program"] == "A. Program Dukungan Manajemen"
    assert rows.loc["WA-10", "kegiatan"].startswith("b. Pembinaan Sumber Daya Manusia")
    assert rows.loc["WA-10", "anggaran"] == "6867 Pembentukan Badan Adhoc"
    assert pd.isna(rows.loc["WA-01", "kegiatan"])  # a programme-level sasaran


def test_the_comparison_with_last_year_prints_the_capped_capaian():
    years = [load_year(MULTI, "contoh-sintetis", t) for t in (2023, 2024)]
    banding = compare_indikator(years, CapaianSettings(cap=100))
    text = comparison_table(banding, "T").html
    assert "100,00% (120,00%)" in text and "100,00% (110,00%)" in text


@settings(max_examples=40, deadline=None)
@given(
    realisasi=st.lists(st.one_of(st.none(), st.integers(0, 10**9)), min_size=3, max_size=3),
    pagu=st.lists(st.integers(1, 10**9), min_size=3, max_size=3),
)
def test_a_parent_line_sums_the_children_that_report(realisasi, pagu):
    anggaran = pd.DataFrame(
        {
            "kode": ["P", "a", "b", "c"],
            "induk": [pd.NA, "P", "P", "P"],
            "uraian": ["Program", "A", "B", "C"],
            "sumber_dana": "APBN",
            "pagu": pd.array([sum(pagu), *pagu], dtype="Int64"),
            "realisasi": pd.array(
                [sum(r for r in realisasi if r is not None), *realisasi], dtype="Int64"
            ),
        }
    )
    capaian = pd.DataFrame(
        {"id": ["I1"], "capaian": [100.0], "capaian_terbatas": [100.0], "status": ["tercapai"]}
    )
    tautan = pd.DataFrame({"indikator": ["I1"], "kode": ["a"]}, dtype="string")
    tautan = pd.concat([tautan, pd.DataFrame({"indikator": ["I1"] * 2, "kode": ["b", "c"]})])
    row = ev.efisiensi_anggaran(capaian, tautan, anggaran).set_index("kode").loc["P"]
    reported = [(p, r) for p, r in zip(pagu, realisasi, strict=True) if r is not None]
    if not reported:
        assert pd.isna(row["penyerapan"])
        return
    assert row["pagu"] == sum(p for p, _ in reported)
    assert row["realisasi"] == sum(r for _, r in reported)
    assert row["tanpa_realisasi"] == ", ".join(
        k for k, r in zip("abc", realisasi, strict=True) if r is None
    )


# --- the report parts (lakipkit.bab3) -----------------------------------------------------------


def _text(html: str) -> str:
    import re
    from html import unescape

    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def ev_bontang():
    year = load_year(DATA, "kpu-kota-bontang", 2024)
    return ev.evaluasi([year], None, None, capaian_settings(year.laporan))


@pytest.fixture(scope="module")
def ev_pemda():
    year = load_year(PEMDA, PEMDA_ID, 2024)
    return ev.evaluasi(
        [year],
        read_renstra(PEMDA, PEMDA_ID),
        ev.read_riwayat(PEMDA, PEMDA_ID),
        capaian_settings(year.laporan),
    )


def test_bontang_leaves_out_what_its_data_lacks_and_says_so_once(ev_bontang):
    from lakipkit import bab3

    for part in (bab3.iku_html, bab3.renstra_html, bab3.standar_html):
        assert part(ev_bontang) == ""
    assert bab3.tahun_lalu_html(ev_bontang, "") == ""
    text = _text(bab3.keterbatasan_html(ev_bontang))
    assert text.count("PermenPANRB") == 1
    for words in (
        "realisasi tahun-tahun sebelum 2024",
        "target akhir periode Renstra",
        "standar nasional",
        "indikator kinerja utama (IKU)",
        "alternatif solusi belum tercapainya target indikator Persentase KPU Kota Bontang yang "
        "patuh",
        "6639 Teknis Penyelenggaraan Pemilu/Pemilihan",
    ):
        assert words in text, words
    for tool in ("csv", "data/", "isi ", "lakip", "folder", "kolom"):
        assert tool not in text.lower(), tool


def test_pemda_prints_every_comparison_and_no_limitation(ev_pemda):
    from lakipkit import bab3

    assert bab3.keterbatasan_html(ev_pemda) == ""
    iku = _text(bab3.iku_html(ev_pemda))
    assert "1.1 Meningkatnya kualitas layanan perpustakaan Nilai Tingkat Kegemaran" in iku
    assert "100,00% (102,60%)" in iku  # the unit's cap of 100 %, the uncapped noted
    riwayat = _text(bab3.tahun_lalu_html(ev_pemda))
    assert "29.100 orang (97,00%) 34.800 orang (100,00%) 39.500 orang (100,00%)" in riwayat
    renstra = _text(bab3.renstra_html(ev_pemda))
    assert (
        "IKU-03 Persentase perangkat daerah yang tertib arsip 2022-2026 85% 75% 70% 82,35% "
        "belum sesuai jalur"
    ) in renstra
    assert "Dasar Standar" in _text(bab3.standar_html(ev_pemda))
    cause = _text(bab3.penjelasan_html(ev_pemda))
    assert "Alternatif solusi: Pendampingan bulanan" in cause
    efisiensi = _text(bab3.efisiensi_html(ev_pemda))
    assert "2.23.02.2.01.0009 Pembudayaan Gemar Membaca IKU-01, IKU-02, P-01, SK-02" in efisiensi


def test_efficiency_table_has_every_linked_line_and_says_what_it_left_out(ev_bontang):
    from lakipkit import bab3

    text = _text(bab3.efisiensi_html(ev_bontang))
    for kode in ("6709", "6867", "6870", "6871", "6872", "6981", "6982", "3355", "3360"):
        assert f" {kode} " in text, kode
    assert (
        "076.01.CQ Penyelenggaraan Pemilu dalam Proses Konsolidasi Demokrasi 16 indikator" in text
    )
    assert "Penyerapan 076.01.CQ dihitung dari baris rincian yang melaporkan realisasi" in text


def test_periksa_names_riwayat_rows_the_comparison_cannot_use(tmp_path):
    shutil.copytree(PEMDA, tmp_path / "pemda")
    path = tmp_path / "pemda" / PEMDA_ID / "riwayat.csv"
    path.write_text(
        "indikator,tahun,target,realisasi\n"
        "P-01,2023,,34800 orang\n"
        "XX-99,2023,,5 orang\n"
        "P-01,2022,,29 kegiatan\n",
        encoding="utf-8",
    )
    found = [
        f for f in check_year(tmp_path / "pemda", PEMDA_ID, 2024) if f.kode == "riwayat_unused"
    ]
    assert [(Path(f.file).name, f.row, f.column, f.value) for f in found] == [
        ("riwayat.csv", 3, "indikator", "XX-99"),
        ("riwayat.csv", 4, "realisasi", "29 kegiatan"),
    ]
    path.write_text("indikator,tahun,realisasi\nP-01,2o23,5 orang\n", encoding="utf-8")
    errors = [f for f in check_year(tmp_path / "pemda", PEMDA_ID, 2024) if f.severity == "error"]
    assert {(Path(f.file).name, f.row, f.column) for f in errors} == {("riwayat.csv", 2, "tahun")}


# Found by tests/test_fuzz.py: a value that takes a target's place in the capaian rule (a
# standard, a riwayat or Renstra target) passed periksa and then failed the build naming
# indikator.csv; and periksa did not read renstra.csv at all.
@pytest.mark.parametrize(
    ("file", "column", "row", "value"),
    [
        ("2024/standar.csv", "standar", 2, "0 nilai"),
        ("riwayat.csv", "target", 2, "0 nilai"),
        ("renstra.csv", "target_akhir", 2, "0 nilai"),
        ("renstra.csv", "target", 3, "-5 nilai"),
        ("renstra.csv", "tahun", 2, "0"),
    ],
)
def test_a_target_the_rule_refuses_is_a_finding_of_its_own_file(tmp_path, file, column, row, value):
    import csv
    import io

    data = tmp_path / "pemda"
    shutil.copytree(PEMDA, data)
    path = data / PEMDA_ID / file
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[row - 1][rows[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    name = Path(file).name
    errors = [f for f in check_year(data, PEMDA_ID, 2024) if f.severity == "error"]
    assert {(Path(f.file).name, f.row, f.column) for f in errors} == {(name, row, column)}
    with pytest.raises(DataValidationError) as raised:  # the build's steps, as the notebook
        from lakipkit.tren import load_years

        year = load_year(data, PEMDA_ID, 2024)
        ev.evaluasi(
            load_years(data, PEMDA_ID, 2024),
            read_renstra(data, PEMDA_ID),
            ev.read_riwayat(data, PEMDA_ID),
            capaian_settings(year.laporan),
        )
    found = {(Path(f.file).name, f.row, f.column) for f in raised.value.findings}
    assert found == {(name, row, column)}
