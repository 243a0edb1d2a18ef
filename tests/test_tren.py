"""Multi-year comparison on the synthetic satker, against values computed by hand."""

import ast
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from lakipkit.capaian import CapaianSettings
from lakipkit.errors import DataValidationError
from lakipkit.loading import load_year
from lakipkit.tren import (
    capaian_by_year,
    compare_anggaran,
    compare_indikator,
    comparison_html,
    comparison_table,
    describe_tren,
    indikator_changes,
    load_years,
    progress_renstra,
    read_renstra,
    renstra_targets,
    tren_chart,
)

MULTI = Path(__file__).parent / "fixtures" / "multi"
SATKER = "contoh-sintetis"


@pytest.fixture(scope="module")
def years():
    return {tahun: load_year(MULTI, SATKER, tahun) for tahun in (2022, 2023, 2024)}


@pytest.fixture(scope="module")
def renstra():
    return read_renstra(MULTI, SATKER)


def test_capaian_by_year_is_one_row_per_year_and_indicator(years):
    hasil = capaian_by_year([years[2024], years[2022], years[2023]])
    assert hasil.groupby("tahun").size().to_dict() == {2022: 6, 2023: 7, 2024: 6}
    wa02 = hasil[hasil["id"].eq("WA-02")].set_index("tahun")["capaian"]
    assert wa02.to_dict() == pytest.approx({2022: 80.0, 2023: 110.0, 2024: 120.0})  # negatif


def test_changes_are_listed_never_dropped(years):
    hasil = indikator_changes(list(years.values()))
    rows = set(
        hasil[["id", "tahun", "perubahan", "tahun_sebelumnya"]].itertuples(index=False, name=None)
    )
    assert rows == {
        ("WA-04", 2023, "muncul", 2022),
        ("WA-03", 2024, "hilang", 2023),
        ("CQ-02", 2024, "satuan berubah", 2023),
    }
    cq02 = hasil.set_index("id").loc["CQ-02"]
    assert (cq02["satuan_lama"], cq02["satuan_baru"]) == ("kegiatan", "%")


def test_changes_between_years_that_are_not_consecutive(years):
    hasil = indikator_changes([years[2022], years[2024]])
    assert set(zip(hasil["id"], hasil["perubahan"], strict=True)) == {
        ("WA-04", "muncul"),
        ("WA-03", "hilang"),
        ("CQ-02", "satuan berubah"),
    }
    assert set(hasil["tahun_sebelumnya"]) == {2022}


def test_satuan_spelled_differently_is_not_a_change(years):
    persen = years[2024].indikator.assign(
        satuan=years[2024].indikator["satuan"].replace("%", "persen")
    )
    ganti = type(years[2024])(**{**years[2024].__dict__, "indikator": persen})
    hasil = indikator_changes([years[2023], ganti])
    assert set(hasil["id"]) == {"WA-03", "CQ-02"}


def test_compare_latest_year_with_the_one_before(years):
    hasil = compare_indikator(list(years.values())).set_index("id")
    assert list(hasil.index) == ["WA-01", "WA-02", "WA-04", "CQ-01", "CQ-02", "CQ-03", "WA-03"]
    assert set(hasil["tahun_lalu"]) == {2023}
    wa01 = hasil.loc["WA-01"]
    assert (wa01["realisasi_lalu"], wa01["capaian_lalu"]) == (92.0, 100.0)
    assert wa01["perubahan_capaian"] == pytest.approx(96 / 95 * 100 - 100)
    assert wa01["perubahan_realisasi"] == 4.0
    assert hasil.loc["WA-04", "perubahan_capaian"] == pytest.approx(100 - 70 / 80 * 100)
    assert hasil.loc["CQ-01", "perubahan_capaian"] == pytest.approx(100 - 90 / 96 * 100)
    assert hasil.loc["WA-02", "perubahan_realisasi"] == -1.0


def test_compare_flags_disappeared_and_changed_satuan(years):
    hasil = compare_indikator(list(years.values())).set_index("id")
    assert hasil.loc["WA-03", "keterangan"] == "tidak ada lagi"
    assert hasil.loc["WA-03", "capaian_lalu"] == 50.0
    assert np.isnan(hasil.loc["WA-03", "capaian"])
    assert hasil.loc["WA-03", "uraian"] == "Jumlah laporan keuangan yang disusun"
    assert hasil.loc["CQ-02", "keterangan"] == "satuan berubah: kegiatan -> %"
    assert np.isnan(hasil.loc["CQ-02", "perubahan_realisasi"])  # 75 % vs 3 kegiatan
    assert hasil.loc["CQ-02", "perubahan_capaian"] == 0.0  # capaian is a percentage either way
    assert hasil["keterangan"].eq("").sum() == 5


def test_compare_flags_a_new_indicator(years):
    hasil = compare_indikator([years[2022], years[2023]]).set_index("id")
    assert hasil.loc["WA-04", "keterangan"] == "baru"
    assert np.isnan(hasil.loc["WA-04", "capaian_lalu"])


def test_compare_one_year_has_nothing_to_compare(years):
    hasil = compare_indikator([years[2023]])
    assert hasil["capaian_lalu"].isna().all()
    assert hasil["keterangan"].eq("").all()


def test_compare_uses_the_capaian_settings(years):
    hasil = compare_indikator([years[2023], years[2024]], CapaianSettings(cap=100))
    wa02 = hasil.set_index("id").loc["WA-02"]
    assert (wa02["capaian_terbatas"], wa02["capaian_terbatas_lalu"]) == (100.0, 100.0)
    assert wa02["perubahan_capaian"] == pytest.approx(120 - 110)  # on the uncapped values


def test_compare_refuses_mixed_satker_or_repeated_year(years):
    other = type(years[2024])(**{**years[2024].__dict__, "satker_id": "lain"})
    with pytest.raises(ValueError, match="satu satker"):
        compare_indikator([years[2023], other])
    with pytest.raises(ValueError, match="masing-masing sekali"):
        compare_indikator([years[2023], years[2023]])


def test_renstra_spreads_end_target_and_rule(renstra):
    per = renstra.drop_duplicates("indikator").set_index("indikator")
    assert per.loc["CQ-03", "target_akhir_teks"] == "60 kegiatan"  # written on one row
    assert per.loc["CQ-03", "agregasi"] == "jumlah"
    assert per.loc["WA-01", "target_akhir_teks"] == "100%"  # empty: the last year's target
    assert per.loc["WA-01", "agregasi"] == "terakhir"
    assert (per.loc["WA-04", "periode_awal"], per.loc["WA-04", "periode_akhir"]) == (2023, 2026)
    assert renstra_targets(renstra, 2025).to_dict() == {
        "WA-01": "97%",
        "WA-02": "10 kali",
        "WA-04": "90%",
        "CQ-02": "100%",
        "CQ-03": "13 kegiatan",
    }


def test_progress_towards_the_renstra_end_target(years, renstra):
    hasil = progress_renstra(list(years.values()), renstra).set_index("id")
    assert list(hasil.index) == ["WA-01", "WA-02", "WA-04", "CQ-02", "CQ-03"]
    cq03 = hasil.loc["CQ-03"]  # jumlah: 10 + 12 + 12 of 60
    assert (cq03["realisasi_sd"], cq03["realisasi_sd_teks"]) == (34.0, "34 kegiatan")
    assert cq03["capaian_renstra"] == pytest.approx(34 / 60 * 100)
    assert cq03["tahun_dihitung"] == "2022, 2023, 2024"
    assert hasil.loc["WA-04", "capaian_renstra"] == pytest.approx(85 / 95 * 100)
    assert hasil.loc["WA-02", "capaian_renstra"] == pytest.approx((2 * 10 - 8) / 10 * 100)
    # CQ-02's Renstra target is in %, so the years counted in kegiatan are left out
    assert hasil.loc["CQ-02", "tahun_dihitung"] == "2024"
    assert hasil.loc["CQ-02", "capaian_renstra"] == 75.0
    assert hasil.loc["WA-01", "status_renstra"] == "tidak tercapai"


def test_progress_counts_only_years_up_to_the_latest_given(years, renstra):
    hasil = progress_renstra([years[2022], years[2023]], renstra).set_index("id")
    assert hasil.loc["CQ-03", "realisasi_sd"] == 22.0
    assert hasil.loc["CQ-02", "status_renstra"] == "belum ada data"


def test_compare_with_renstra_adds_progress_columns(years, renstra):
    hasil = compare_indikator(list(years.values()), renstra=renstra).set_index("id")
    assert hasil.loc["CQ-03", "capaian_renstra"] == pytest.approx(34 / 60 * 100)
    assert np.isnan(hasil.loc["CQ-01", "capaian_renstra"])  # not in renstra.csv


def test_renstra_absent_is_an_empty_frame(tmp_path):
    (tmp_path / "x").mkdir()
    assert read_renstra(tmp_path, "x").empty


def test_renstra_conflicting_end_targets_name_the_rows(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "renstra.csv").write_text(
        "indikator,tahun,target,target_akhir,agregasi\n"
        "A-01,2025,10 kali,50 kali,jumlah\n"
        "A-01,2026,10 kali,40 kali,\n"
        "A-01,2026,12 kali,,\n"
        "A-02,20x5,5%,,terus\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as error:
        read_renstra(tmp_path, "x")
    found = {(f.row, f.column, f.kode) for f in error.value.findings}
    assert (2, "target_akhir", "inconsistent") in found
    assert (3, "target_akhir", "inconsistent") in found
    assert (4, "indikator, tahun", "duplicate_id") in found
    assert (5, "agregasi", "not_allowed") in found
    assert any(row == 5 and column == "tahun" for row, column, _ in found)


def test_budget_across_years(years):
    hasil = compare_anggaran(list(years.values())).set_index("kode")
    assert list(hasil.index) == ["999.01.WA", "1001", "1002", "999.01.CQ", "2001", "2002"]
    assert hasil.loc["1001", "pagu_2022"] == 500_000_000
    assert hasil.loc["999.01.WA", "penyerapan_2022"] == pytest.approx(640 / 700 * 100)
    assert hasil.loc["1002", "perubahan_penyerapan"] == pytest.approx(100 - 85)
    assert hasil.loc["2002", "pagu_2024"] == 1_000_000_000
    assert hasil[["pagu_2022", "pagu_2023"]].loc["2002"].isna().all()  # only in 2024
    assert np.isnan(hasil.loc["2002", "perubahan_penyerapan"])


def test_trend_chart_has_one_line_per_indicator_of_the_sasaran(years):
    fig = tren_chart(capaian_by_year(list(years.values())), "CQ-a-S01")
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    lines = {line.get_label(): line for line in ax.get_lines()}
    lines = {label: line for label, line in lines.items() if not label.startswith("_")}
    assert set(lines) == {"CQ-01", "CQ-02", "CQ-03"}
    assert list(lines["CQ-02"].get_ydata()) == pytest.approx([125.0, 75.0, 75.0])


def test_trend_chart_leaves_a_gap_for_a_missing_year(years):
    fig = tren_chart(capaian_by_year(list(years.values())), "WA-S01")
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert np.isnan(lines["WA-04"].get_ydata()[0])  # WA-04 appears in 2023


def test_load_years_takes_the_report_year_and_earlier_ones():
    assert [y.tahun for y in load_years(MULTI, SATKER, 2024)] == [2022, 2023, 2024]
    assert [y.tahun for y in load_years(MULTI, SATKER, 2024, jumlah=2)] == [2023, 2024]
    assert [y.tahun for y in load_years(MULTI, SATKER, 2023)] == [2022, 2023]
    assert [y.tahun for y in load_years(MULTI, SATKER, 2024, jumlah=1)] == [2024]


def test_describe_tren_counts_moves_and_changes(years):
    assert describe_tren(compare_indikator(list(years.values()))) == (
        "Dibanding tahun 2023, capaian 4 indikator naik, 0 indikator turun, 2 indikator tetap; "
        "1 indikator tidak ada lagi, 1 indikator berubah satuan."
    )


def test_a_year_without_capaian_yet_is_counted_not_compared(years):
    kosong = years[2024].indikator.assign(
        realisasi=np.nan, realisasi_teks=pd.array([pd.NA] * 6, dtype="string")
    )
    banding = compare_indikator([years[2023], replace(years[2024], indikator=kosong)])
    assert describe_tren(banding) == (
        "Dibanding tahun 2023, capaian 0 indikator naik, 0 indikator turun, 0 indikator tetap; "
        "1 indikator tidak ada lagi, 1 indikator berubah satuan, 6 indikator belum dapat "
        "dibandingkan (capaian belum ada)."
    )
    html = comparison_table(banding, "Banding")
    assert html.count(">belum ada data</td>") == 6  # every indicator of 2024
    assert html.count(">–</td>") >= 1  # WA-03 is gone: no 2024 realisasi at all


def test_comparison_section_of_the_report(years, renstra):
    html = comparison_html(list(years.values()), renstra)
    captions = re.findall(r'data-jenis="(\w+)"></span> ([^<]*)<', html)
    assert captions == [
        ("Tabel", "Realisasi dan Capaian Tahun 2023 dan 2024"),
        ("Tabel", "Capaian Indikator Kinerja Tahun 2022-2024"),
        ("Tabel", "Indikator yang Muncul, Hilang atau Berubah Satuan 2022-2024"),
        ("Tabel", "Realisasi s.d. Tahun 2024 terhadap Target Akhir Renstra"),
        ("Gambar", "Capaian Tahun 2022-2024: Meningkatnya kapasitas sumber daya manusia"),
        ("Gambar", "Capaian Tahun 2022-2024: Terwujudnya pengelolaan anggaran yang tertib"),
        ("Gambar", "Capaian Tahun 2022-2024: Meningkatnya pengetahuan pemilih"),
        ("Tabel", "Pagu Anggaran Tahun 2022-2024"),
        ("Tabel", "Penyerapan Anggaran Tahun 2022-2024"),
    ]
    assert "56,67%" in html  # CQ-03: 34 of 60 kegiatan
    assert "satuan berubah: kegiatan -&gt; %" in html
    assert "1.400.000.000" in html and "91,43%" in html  # CQ pagu 2024, WA serapan 2022


def test_comparison_section_is_empty_without_earlier_years(years):
    assert comparison_html([years[2024]]) == ""


# -- the exploration notebook -----------------------------------------------------------------

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def test_exploration_notebook_defines_nothing():
    source = (NOTEBOOKS / "eksplorasi.py").read_text(encoding="utf-8")
    defined = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))
    ]
    assert defined == []


@pytest.mark.slow
def test_exploration_notebook_runs_with_a_what_if(tmp_path):
    import nbformat
    import papermill

    out = tmp_path / "eksplorasi.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS / "eksplorasi.ipynb"),
        str(out),
        parameters={
            "satker": SATKER,
            "data_dir": str(MULTI),
            "indikator": "WA-02",
            "realisasi_coba": "13 kali",
        },
        kernel_name="python3",
        progress_bar=False,
        cwd=str(NOTEBOOKS),
    )
    texts = [  # the HTML a planner sees (the text repr is one shortened line)
        output["data"].get("text/html") or output["data"]["text/plain"]
        for cell in nbformat.read(out, as_version=4).cells
        for output in cell.get("outputs", [])
        if "text/plain" in output.get("data", {})
    ]
    (what_if,) = [t for t in texts if "13 kali" in t]
    assert "70,0" in what_if and "tidak tercapai" in what_if  # (2 x 10 - 13) / 10


def test_exploration_ipynb_matches_its_percent_script():
    import jupytext

    script = jupytext.read(NOTEBOOKS / "eksplorasi.py")
    paired = jupytext.read(NOTEBOOKS / "eksplorasi.ipynb")
    assert [(c.cell_type, c.source) for c in script.cells] == [
        (c.cell_type, c.source) for c in paired.cells
    ]
    assert all(not c.get("outputs") for c in paired.cells if c.cell_type == "code")
