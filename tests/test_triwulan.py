"""Quarterly rules, pace and budget to date, against values computed by hand.

The fixture's 2024 quarters are in tests/fixtures/multi/contoh-sintetis/2024/ (its README
explains what each indicator is built to exercise).
"""

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lakipkit.errors import DataValidationError
from lakipkit.loading import load_year
from lakipkit.triwulan import (
    anggaran_table,
    capaian_table,
    capaian_to_date,
    combine_realisasi,
    penyerapan_to_date,
    read_anggaran_triwulan,
    realisasi_to_date,
    status_laju,
)

MULTI = Path(__file__).parent / "fixtures" / "multi"
SATKER = "contoh-sintetis"


@pytest.fixture(scope="module")
def tahun_2024():
    return load_year(MULTI, SATKER, 2024)


def by_id(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("id")


def laporan(rows: list[tuple[str, int, float | None]], satuan: str = "kali") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indikator": [r[0] for r in rows],
            "urutan": [r[1] for r in rows],
            "realisasi": [np.nan if r[2] is None else r[2] for r in rows],
            "realisasi_teks": pd.array(
                [None if r[2] is None else f"{r[2]:g} {satuan}" for r in rows], dtype="string"
            ),
            "satuan": satuan,
        }
    )


@pytest.mark.parametrize(
    ("aturan", "expected", "teks"),
    [("jumlah", 9.0, "9 kali"), ("terakhir", 4.0, "4 kali"), ("rata-rata", 3.0, "3 kali")],
)
def test_each_rule_combines_reported_quarters(aturan, expected, teks):
    # TW1 2, TW2 3, TW3 not reported, TW4 4: the gap is skipped, never read as 0.
    rows = [("X", 2, 3.0), ("X", 1, 2.0), ("X", 3, None), ("X", 4, 4.0)]
    hasil = combine_realisasi(laporan(rows), pd.Series({"X": aturan})).loc["X"]
    assert hasil["realisasi"] == expected
    assert hasil["realisasi_teks"] == teks
    assert hasil["periode_dilaporkan"] == 3
    assert hasil["periode_terakhir"] == 4


def test_terakhir_takes_the_last_reported_text_not_the_last_row():
    rows = [("X", 3, 5.0), ("X", 4, None), ("X", 1, 9.0)]
    hasil = combine_realisasi(laporan(rows), pd.Series({"X": "terakhir"})).loc["X"]
    assert hasil["realisasi"] == 5.0
    assert hasil["realisasi_teks"] == "5 kali"
    assert hasil["periode_terakhir"] == 3


def test_indicator_without_reports_has_no_value_not_zero():
    hasil = combine_realisasi(
        laporan([("X", 1, 1.0)]), pd.Series({"X": "jumlah", "Y": "jumlah"})
    ).loc["Y"]
    assert np.isnan(hasil["realisasi"])
    assert pd.isna(hasil["realisasi_teks"])
    assert hasil["periode_dilaporkan"] == 0


def test_combined_text_is_written_the_indonesian_way():
    rows = [("X", 1, 80.0), ("X", 2, 85.0)]
    hasil = combine_realisasi(laporan(rows, "%"), pd.Series({"X": "rata-rata"})).loc["X"]
    assert hasil["realisasi_teks"] == "82,5%"


@pytest.mark.parametrize(
    ("triwulan", "expected"),
    [
        # WA-01 terakhir (90, 93, -, 96); WA-02 jumlah (2, 4, 1, 1); WA-04 rata-rata
        # (80, 85, 90, 85); CQ-03 jumlah (2, 2, 3, 5)
        (1, {"WA-01": 90.0, "WA-02": 2.0, "WA-04": 80.0, "CQ-03": 2.0}),
        (2, {"WA-01": 93.0, "WA-02": 6.0, "WA-04": 82.5, "CQ-03": 4.0}),
        (3, {"WA-01": 93.0, "WA-02": 7.0, "WA-04": 85.0, "CQ-03": 7.0}),
        (4, {"WA-01": 96.0, "WA-02": 8.0, "WA-04": 85.0, "CQ-03": 12.0}),
    ],
)
def test_realisasi_to_date_follows_each_indicators_rule(tahun_2024, triwulan, expected):
    hasil = by_id(realisasi_to_date(tahun_2024.indikator, tahun_2024.realisasi_triwulan, triwulan))
    assert hasil.loc[list(expected), "realisasi"].to_dict() == expected


def test_realisasi_at_tw4_matches_the_year_end_file(tahun_2024):
    hasil = realisasi_to_date(tahun_2024.indikator, tahun_2024.realisasi_triwulan, 4)
    assert hasil["realisasi"].tolist() == tahun_2024.indikator["realisasi"].tolist()


def test_a_skipped_quarter_is_counted_as_not_reported(tahun_2024):
    hasil = by_id(realisasi_to_date(tahun_2024.indikator, tahun_2024.realisasi_triwulan, 3))
    assert hasil.loc["WA-01", "triwulan_dilaporkan"] == 2
    assert hasil.loc["WA-01", "triwulan_terakhir"] == 2
    assert hasil.loc["WA-01", "realisasi_teks"] == "93%"


def test_capaian_and_risk_at_tw2(tahun_2024):
    hasil = by_id(capaian_to_date(tahun_2024.indikator, tahun_2024.realisasi_triwulan, 2))
    # capaian to date against the year's target
    assert hasil.loc["WA-01", "capaian"] == pytest.approx(93 / 95 * 100)
    assert hasil.loc["WA-02", "capaian"] == pytest.approx((2 * 10 - 6) / 10 * 100)  # negatif
    assert hasil.loc["CQ-03", "capaian"] == pytest.approx(4 / 12 * 100)
    # pace: jumlah at TW2 should stand at half the year's target
    assert hasil.loc["CQ-03", "target_laju"] == 6.0
    assert hasil.loc["CQ-03", "target_laju_teks"] == "6 kegiatan"
    assert hasil.loc["CQ-03", "capaian_laju"] == pytest.approx(4 / 6 * 100)
    assert hasil.loc["WA-02", "target_laju"] == 5.0
    assert hasil.loc["WA-02", "capaian_laju"] == pytest.approx((2 * 5 - 6) / 5 * 100)
    assert hasil.loc["WA-04", "target_laju"] == 85.0  # rata-rata: the whole target already
    assert hasil["berisiko"].to_dict() == {
        "WA-01": True,  # 93 < 95
        "WA-02": True,  # 6 revisions, more than 10 x 2/4
        "WA-04": True,  # mean 82,5 < 85
        "CQ-01": False,
        "CQ-02": True,  # 50 < 100
        "CQ-03": True,  # 4 < 6
    }


def test_risk_at_tw3_by_hand(tahun_2024):
    hasil = by_id(capaian_to_date(tahun_2024.indikator, tahun_2024.realisasi_triwulan, 3))
    assert hasil.loc["WA-02", "capaian_laju"] == pytest.approx((2 * 7.5 - 7) / 7.5 * 100)
    assert hasil["berisiko"].to_dict() == {
        "WA-01": True,  # TW III not reported: still 93 < 95
        "WA-02": False,  # 7 <= 7,5
        "WA-04": False,  # mean 85 = 85
        "CQ-01": False,
        "CQ-02": True,
        "CQ-03": True,  # 7 < 9
    }


def test_risk_is_unknown_when_nothing_was_reported(tahun_2024):
    kosong = tahun_2024.realisasi_triwulan.assign(
        realisasi=np.nan, realisasi_teks=pd.array([None] * 24, dtype="string")
    )
    hasil = capaian_to_date(tahun_2024.indikator, kosong, 2)
    assert hasil["status"].eq("belum ada data").all()
    assert hasil["berisiko"].isna().all()


@pytest.mark.parametrize("triwulan", [0, 5, "2"])
def test_triwulan_outside_1_to_4_is_refused(tahun_2024, triwulan):
    with pytest.raises(ValueError, match="pilih 1, 2, 3 atau 4"):
        realisasi_to_date(tahun_2024.indikator, tahun_2024.realisasi_triwulan, triwulan)


def test_budget_to_date_at_tw2(tahun_2024):
    rencana = read_anggaran_triwulan(MULTI, SATKER, 2024)
    hasil = penyerapan_to_date(tahun_2024.anggaran, rencana, 2).set_index("kode")
    assert hasil.loc["1001", "rencana_sd"] == 300_000_000
    assert hasil.loc["1001", "realisasi_sd"] == 260_000_000
    assert hasil.loc["1001", "penyerapan_sd"] == pytest.approx(260 / 600 * 100)
    assert hasil.loc["1001", "deviasi"] == pytest.approx(260 / 600 * 100 - 50)
    # a programme without rows of its own sums its kegiatan, then divides: never averaged
    assert hasil.loc["999.01.WA", "realisasi_sd"] == 360_000_000
    assert hasil.loc["999.01.WA", "penyerapan_sd"] == pytest.approx(360 / 850 * 100)
    assert hasil.loc["999.01.CQ", "rencana_sd"] == 500_000_000
    assert hasil["realisasi_lengkap"].all()


def test_budget_quarter_not_reported_is_flagged_not_zero(tahun_2024):
    rencana = read_anggaran_triwulan(MULTI, SATKER, 2024)
    hasil = penyerapan_to_date(tahun_2024.anggaran, rencana, 4).set_index("kode")
    assert hasil.loc["2002", "realisasi_sd"] == 500_000_000  # TW IV empty
    assert not hasil.loc["2002", "realisasi_lengkap"]
    assert not hasil.loc["999.01.CQ", "realisasi_lengkap"]
    assert hasil.loc["999.01.WA", "realisasi_lengkap"]


def test_budget_rows_for_an_unknown_line_name_the_row(tahun_2024):
    rencana = read_anggaran_triwulan(MULTI, SATKER, 2024)
    rencana.loc[5, "kode"] = "9999"
    with pytest.raises(DataValidationError) as error:
        penyerapan_to_date(tahun_2024.anggaran, rencana, 2)
    (finding,) = error.value.findings
    assert (finding.file, finding.row, finding.column, finding.value) == (
        "anggaran_triwulan.csv",
        7,
        "kode",
        "9999",
    )


def test_missing_quarterly_budget_file_is_an_empty_frame():
    hasil = read_anggaran_triwulan(MULTI, SATKER, 2023)
    assert hasil.empty
    assert list(hasil.columns) == ["kode", "triwulan", "rencana", "realisasi"]


def test_bad_quarterly_budget_file_names_row_and_column(tmp_path):
    folder = tmp_path / SATKER / "2024"
    folder.mkdir(parents=True)
    (folder / "anggaran_triwulan.csv").write_text(
        "kode,triwulan,rencana,realisasi\n1001,5,100,\n1001,1,1.234.5,\n", encoding="utf-8"
    )
    with pytest.raises(DataValidationError) as error:
        read_anggaran_triwulan(tmp_path, SATKER, 2024)
    found = {(f.row, f.column, f.value) for f in error.value.findings}
    assert found == {(2, "triwulan", "5"), (3, "rencana", "1.234.5")}


def test_status_laju_words():
    capaian = pd.DataFrame(
        {
            "berisiko": pd.array([True, False, pd.NA, pd.NA], dtype="boolean"),
            "status": ["tidak tercapai", "tercapai", "belum ada data", "target belum ditetapkan"],
        }
    )
    assert status_laju(capaian).tolist() == [
        "berisiko",
        "sesuai laju",
        "belum ada data",
        "target belum ditetapkan",
    ]


def test_an_indicator_without_target_is_not_called_on_pace(tahun_2024):
    indikator = tahun_2024.indikator.assign(
        target_teks=pd.array([pd.NA] * len(tahun_2024.indikator), dtype="string"),
        target=np.nan,
        target_atas=np.nan,
    )
    capaian = capaian_to_date(indikator, tahun_2024.realisasi_triwulan, 2)
    assert capaian["berisiko"].isna().all() and capaian["capaian_laju"].isna().all()
    assert set(status_laju(capaian)) == {"target belum ditetapkan"}
    html = capaian_table(capaian, 2, "Capaian")
    assert ">belum ditetapkan</td>" in html and ">target belum ditetapkan</td>" in html


def test_quarterly_tables(tahun_2024):
    capaian = capaian_to_date(tahun_2024.indikator, tahun_2024.realisasi_triwulan, 3)
    html = capaian_table(capaian, 3, "Capaian s.d. Triwulan III")
    assert "Realisasi s.d. TW III" in html and "Target Laju TW III" in html
    assert '<td class="tengah status-sesuai-laju">sesuai laju</td>' in html
    assert html.count(">berisiko</td>") == 3  # WA-01, CQ-02, CQ-03
    rencana = read_anggaran_triwulan(MULTI, SATKER, 2024)
    html = anggaran_table(penyerapan_to_date(tahun_2024.anggaran, rencana, 4), 4, "Anggaran")
    assert "500.000.000*" in html and "belum dilaporkan" in html
    assert "-50,00" in html


# -- the quarterly notebook --------------------------------------------------------------------

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def notebook_parameters(name: str) -> set[str]:
    """Check a percent script defines nothing; return the names its parameters cell sets."""
    source = (NOTEBOOKS / name).read_text(encoding="utf-8")
    defined = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))
    ]
    assert defined == [], "the notebook only calls lakipkit; functions belong in the package"
    (cell,) = [c for c in source.split("\n# %%") if c.startswith(' tags=["parameters"]')]
    body = ast.parse(cell.split("\n", 1)[1]).body
    return {node.targets[0].id for node in body if isinstance(node, ast.Assign)}


def test_quarterly_notebook_defines_nothing_and_declares_its_parameters():
    assert notebook_parameters("triwulan.py") == {
        "tahun",
        "satker",
        "triwulan",
        "data_dir",
        "output_dir",
        "cap",
        "skala",
    }


@pytest.mark.slow
def test_quarterly_notebook_runs_on_the_fixture(tmp_path):
    import nbformat
    import papermill

    out = tmp_path / "triwulan.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOKS / "triwulan.ipynb"),
        str(out),
        parameters={"satker": SATKER, "data_dir": str(MULTI), "tahun": 2024, "triwulan": 2},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(NOTEBOOKS),
    )
    html = "".join(
        output["data"].get("text/html", "")
        for cell in nbformat.read(out, as_version=4).cells
        for output in cell.get("outputs", [])
        if "data" in output
    )
    assert "Sampai dengan Triwulan II Tahun 2024, dari 6 indikator kinerja: 1 sesuai laju, " in html
    assert "Indikator Berisiko s.d. Triwulan II Tahun 2024" in html
    assert "Rencana dan Realisasi Anggaran s.d. Triwulan II Tahun 2024" in html
    assert "260.000.000" in html  # 1001: 100 + 160 juta


def test_quarterly_ipynb_matches_its_percent_script():
    import jupytext

    script = jupytext.read(NOTEBOOKS / "triwulan.py")
    paired = jupytext.read(NOTEBOOKS / "triwulan.ipynb")
    assert [(c.cell_type, c.source) for c in script.cells] == [
        (c.cell_type, c.source) for c in paired.cells
    ]
    assert all(not c.get("outputs") for c in paired.cells if c.cell_type == "code")
