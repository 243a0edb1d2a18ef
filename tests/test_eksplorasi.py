"""The planner's questions, answered as formatted tables or one sentence (no NaN tables)."""

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from lakipkit import bab3, eksplorasi, evaluasi, parameters, tren
from lakipkit import triwulan as tw
from lakipkit.capaian import compute_capaian
from lakipkit.display import ReportTable
from lakipkit.formatting import format_persen
from lakipkit.settings import capaian_settings

REPO = Path(__file__).resolve().parent.parent
MULTI = REPO / "tests" / "fixtures" / "multi"


@pytest.fixture(scope="module")
def bontang():
    year = parameters.load(REPO / "data", "kpu-kota-bontang", 2024)
    return year, compute_capaian(year.indikator, capaian_settings(year.laporan))


@pytest.fixture(scope="module")
def sintetis():
    return tren.load_years(MULTI, "contoh-sintetis", 2024)


def test_values_are_written_with_a_decimal_comma_and_their_satuan(bontang):
    year, capaian = bontang
    text = eksplorasi.value_text(capaian, "target")
    assert text[capaian["id"].eq("WA-07")].item() == "97,5%"  # typed 97.5% in the CSV
    assert text[capaian["id"].eq("WA-04")].item() == "10 kali"


def test_below_target_keeps_the_printed_capaian_as_a_number(bontang):
    year, capaian = bontang
    table = eksplorasi.below_target(capaian, capaian_settings(year.laporan))
    assert isinstance(table, ReportTable)
    assert table.frame["Id"].tolist() == ["WA-13", "CQ-14"]
    assert table.frame["Capaian"].round(2).tolist() == [96.94, 81.25]
    assert "predikat menggolongkan capaian menurut skala default" in table
    everything_met = capaian.assign(status="tercapai")
    assert eksplorasi.below_target(everything_met, capaian_settings(year.laporan)) == (
        "<p>Semua 31 indikator kinerja tercapai.</p>"
    )


def test_at_risk_without_quarterly_data_is_one_sentence(bontang):
    year, _ = bontang
    settings = capaian_settings(year.laporan)
    sd = tw.capaian_to_date(year.indikator, year.realisasi_triwulan, 4, settings)
    shown = eksplorasi.at_risk(sd, 4, 2024)
    assert "<table" not in shown
    assert shown.endswith(
        "31 belum ada data realisasi triwulan. Tidak ada indikator berisiko s.d. Triwulan IV.</p>"
    )


def test_what_if_shows_the_capped_capaian(bontang):
    year, capaian = bontang
    settings = capaian_settings(year.laporan, cap=120)
    dicoba = compute_capaian(parameters.what_if(year, "WA-04", "15 kali"), settings)
    now = compute_capaian(year.indikator, settings)
    sentence = eksplorasi.what_if(dicoba, now.loc[now["id"].eq("WA-04")], settings)
    p120, p150 = format_persen(120), format_persen(150)
    assert f"15 kali (target 10 kali) capaiannya {p120} (sebelum dibatasi {p150})" in sentence
    assert f"Realisasi tercatat 12 kali: capaian {p120}" in sentence


def test_efficiency_is_the_reports_table_for_2024(bontang):
    year, capaian = bontang
    report = evaluasi.evaluasi([year], settings=capaian_settings(year.laporan))
    table = eksplorasi.efisiensi(capaian, year)
    assert str(table) == str(bab3.efisiensi_table(report.efisiensi, report.ambang))
    frame = eksplorasi.efisiensi_baris(capaian, year)
    pd.testing.assert_frame_equal(frame, report.efisiensi)
    lowest = frame[~frame["kode"].isin(frame["induk"].dropna())]
    assert len(lowest) == 9  # every kegiatan line with an indicator, not 2 of 9 as before
    assert set(frame.loc[frame["induk"].isna(), "kode"]) == {"076.01.CQ", "076.01.WA"}
    assert table.frame["Kode"].tolist() == frame["kode"].tolist()


def test_unlinked_lines_are_named_with_the_reason(bontang):
    year, capaian = bontang
    text = eksplorasi.unlinked_lines(capaian, year)
    assert text.startswith("<p>1 dari 10 baris anggaran rincian tidak memiliki angka efisiensi")
    assert "6639 Teknis Penyelenggaraan Pemilu/Pemilihan." in text
    linked = year.anggaran.assign(induk=pd.NA).iloc[:0]
    assert "belum tersedia" in eksplorasi.unlinked_lines(capaian, replace(year, anggaran=linked))


def test_movers_and_spending_without_result_on_three_years(sintetis):
    year = sintetis[-1]
    settings = capaian_settings(year.laporan)
    table = eksplorasi.movers(sintetis, settings, jumlah=2)
    assert table.frame["Id"].tolist() == ["WA-04", "WA-02"]
    assert table.frame["Perubahan (poin)"].tolist() == pytest.approx([12.5, 10.0])
    assert "+12,50" in table
    assert eksplorasi.movers(sintetis[-1:], settings).startswith("<p>Hanya tahun 2024 yang ada")
    capaian = compute_capaian(year.indikator, settings)
    spent = eksplorasi.spending_without_result(capaian, year, settings)
    assert spent.frame.to_dict("list")["Baris Anggaran"] == ["2001 Pendidikan Pemilih"]
    assert spent.frame["Realisasi (Rp)"].tolist() == [360_000_000]
    assert spent.frame["Indikator Tercapai"].tolist() == ["2 dari 3"]
    assert "2002 Fasilitasi Pemilihan (hibah)" in eksplorasi.unlinked_lines(capaian, year)


def test_drill_down_summaries_are_formatted(bontang):
    year, capaian = bontang
    settings = capaian_settings(year.laporan)
    program = eksplorasi.per_program(capaian, year, settings)
    assert program.frame["Jumlah Indikator"].tolist() == [17, 14]
    assert format_persen(101) in program and "rata_rata" not in program
    assert isinstance(eksplorasi.of_kegiatan(capaian, "WA", "WA-a", settings), ReportTable)
    kosong = capaian.assign(kegiatan=pd.NA)
    assert "tidak memiliki kegiatan" in eksplorasi.per_kegiatan(kosong, year, "WA", settings)
