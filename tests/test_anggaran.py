import numpy as np
import pandas as pd
import pytest

from lakipkit.anggaran import (
    Jumlah,
    anggaran_per_kegiatan,
    compute_penyerapan,
    efisiensi,
    rollup,
    totals,
    totals_by_source,
)
from lakipkit.errors import DataValidationError
from lakipkit.tables import kegiatan_links

# LAKIP 2024 Tabel 3.13 (seed), with 6639's realisasi not reported as printed.
TABEL_3_13 = [
    ("076.01.CQ", None, "APBN", 38_034_219_000, 12_202_365_835),
    ("6639", "076.01.CQ", "APBD", 25_657_790_000, None),
    ("6709", "076.01.CQ", "APBN", 1_384_645_000, 1_274_344_720),
    ("6867", "076.01.CQ", "APBN", 7_960_866_000, 7_955_362_400),
    ("6870", "076.01.CQ", "APBN", 1_946_000, 1_945_800),
    ("6871", "076.01.CQ", "APBN", 1_542_895_000, 1_500_372_665),
    ("6872", "076.01.CQ", "APBN", 1_458_799_000, 1_448_297_650),
    ("6981", "076.01.CQ", "APBN", 14_619_000, 9_388_100),
    ("6982", "076.01.CQ", "APBN", 12_659_000, 12_654_500),
    ("076.01.WA", None, "APBN", 2_685_536_000, 2_612_596_022),
    ("3355", "076.01.WA", "APBN", 2_548_374_000, 2_475_781_372),
    ("3360", "076.01.WA", "APBN", 137_162_000, 136_814_650),
]


def anggaran(rows) -> pd.DataFrame:
    """A YearData.anggaran-shaped frame from (kode, induk, sumber_dana, pagu, realisasi)."""
    frame = pd.DataFrame(rows, columns=["kode", "induk", "sumber_dana", "pagu", "realisasi"])
    return frame.assign(
        induk=frame["induk"].astype("str"),
        uraian="uraian " + frame["kode"],
        pagu=frame["pagu"].astype("Int64"),
        realisasi=frame["realisasi"].astype("Int64"),
        persen_terbit=np.nan,
    )


@pytest.fixture
def tabel_3_13() -> pd.DataFrame:
    return anggaran(TABEL_3_13)


def test_penyerapan_of_tabel_3_13_lines(tabel_3_13):
    hasil = compute_penyerapan(tabel_3_13).set_index("kode")
    assert round(hasil.loc["6709", "penyerapan"], 2) == 92.03
    assert round(hasil.loc["6981", "penyerapan"], 2) == 64.22
    assert round(hasil.loc["076.01.CQ", "penyerapan"], 2) == 32.08
    assert round(hasil.loc["076.01.WA", "penyerapan"], 2) == 97.28
    assert hasil.loc["6709", "penyerapan"] == pytest.approx(1_274_344_720 / 1_384_645_000 * 100)
    assert hasil.loc["6709", "sisa"] == 110_300_280
    assert np.isnan(hasil.loc["6639", "penyerapan"])  # not reported: not 0 %
    assert pd.isna(hasil.loc["6639", "sisa"])


def test_penyerapan_of_zero_pagu_is_nan():
    hasil = compute_penyerapan(anggaran([("1", None, "APBN", 0, 0)]))
    assert np.isnan(hasil.loc[0, "penyerapan"])
    assert hasil.loc[0, "sisa"] == 0


def test_rollup_of_tabel_3_13_agrees_and_flags_the_unreported_child(tabel_3_13):
    hasil, selisih = rollup(tabel_3_13)
    assert selisih.empty
    cq = hasil.set_index("kode").loc["076.01.CQ"]
    assert cq["pagu_anak"] == 38_034_219_000
    assert cq["realisasi_anak"] == 12_202_365_835  # the reported children only
    assert not cq["realisasi_anak_lengkap"]
    wa = hasil.set_index("kode").loc["076.01.WA"]
    assert (wa["jumlah_anak"], wa["realisasi_anak"], wa["realisasi_anak_lengkap"]) == (
        2,
        2_612_596_022,
        True,
    )
    daun = hasil.set_index("kode").loc["6709"]
    assert daun["jumlah_anak"] == 0 and pd.isna(daun["pagu_anak"])
    assert hasil["tingkat"].tolist() == [0] + [1] * 8 + [0, 1, 1]


def test_rollup_reports_a_disagreeing_parent_without_overwriting(tabel_3_13):
    salah = tabel_3_13.copy()
    wa = salah["kode"].eq("076.01.WA")
    salah.loc[wa, "pagu"] = 2_685_536_001
    salah.loc[wa, "realisasi"] = 2_600_000_000
    hasil, selisih = rollup(salah)
    assert hasil.loc[wa, "pagu"].item() == 2_685_536_001  # stated figure kept
    assert selisih.to_dict("records") == [
        {
            "kode": "076.01.WA",
            "field": "pagu",
            "stated": 2_685_536_001,
            "children_sum": 2_685_536_000,
            "difference": 1,
            "children_complete": True,
        },
        {
            "kode": "076.01.WA",
            "field": "realisasi",
            "stated": 2_600_000_000,
            "children_sum": 2_612_596_022,
            "difference": -12_596_022,
            "children_complete": True,
        },
    ]


def test_rollup_with_unreported_children():
    hasil, selisih = rollup(
        anggaran(
            [
                ("A", None, "APBN", 10, 9),
                ("A1", "A", "APBN", 4, 4),
                ("A2", "A", "APBN", 6, None),
                ("B", None, "APBN", 5, None),  # parent stated nothing
                ("B1", "B", "APBN", 5, 3),
                ("C", None, "APBN", 7, 7),  # no child reported
                ("C1", "C", "APBN", 7, None),
            ]
        )
    )
    per = hasil.set_index("kode")
    assert per.loc["A", "realisasi_anak"] == 4 and not per.loc["A", "realisasi_anak_lengkap"]
    assert per.loc["B", "realisasi_anak"] == 3 and per.loc["B", "realisasi_anak_lengkap"]
    assert pd.isna(per.loc["C", "realisasi_anak"])  # nothing reported is not 0
    # A's stated 9 differs from the partial sum 4: shown, with the incompleteness flag
    assert selisih[["kode", "field", "difference", "children_complete"]].values.tolist() == [
        ["A", "realisasi", 5, False]
    ]


def test_rollup_compares_every_level_of_a_deeper_tree():
    hasil, selisih = rollup(
        anggaran(
            [
                ("P", None, "APBN", 100, 60),
                ("K1", "P", "APBN", 70, 50),
                ("K1.a", "K1", "APBN", 30, 20),
                ("K1.a.1", "K1.a", "APBN", 30, 20),
                ("K1.b", "K1", "APBN", 41, 30),  # K1 says 70, its children sum to 71
                ("K2", "P", "APBN", 30, 10),
                ("K2.a", "K2", "APBD", 30, 10),
            ]
        )
    )
    assert hasil["tingkat"].tolist() == [0, 1, 2, 3, 2, 1, 2]
    assert selisih[["kode", "field", "stated", "children_sum"]].values.tolist() == [
        ["K1", "pagu", 70, 71]
    ]


def test_penyerapan_of_a_total_comes_from_the_sums_not_an_average():
    frame = anggaran(
        [
            ("A", None, "APBN", 1_000, 1_000),  # 100 %
            ("B", None, "APBN", 9_000, 0),  # 0 %: the average would say 50 %
        ]
    )
    assert totals(frame).penyerapan == pytest.approx(10.0)


def test_totals_of_tabel_3_13(tabel_3_13):
    total = totals(tabel_3_13)
    assert total == Jumlah(
        pagu=40_719_755_000,
        realisasi=14_814_961_857,
        sisa=25_904_793_143,
        penyerapan=pytest.approx(14_814_961_857 / 40_719_755_000 * 100),
        realisasi_lengkap=False,  # 6639 reported nothing
        pagu_lengkap=True,
    )
    assert round(total.penyerapan, 2) == 36.38


def test_totals_by_source_from_leaf_lines(tabel_3_13):
    per = totals_by_source(tabel_3_13)
    assert per.index.tolist() == ["APBD", "APBN"]
    assert per.loc["APBD", "pagu"] == 25_657_790_000
    assert pd.isna(per.loc["APBD", "realisasi"]) and np.isnan(per.loc["APBD", "penyerapan"])
    assert per.loc["APBN", "pagu"] == 40_719_755_000 - 25_657_790_000
    assert per.loc["APBN", "realisasi"] == 14_814_961_857
    assert per.loc["APBN", "penyerapan"] == pytest.approx(14_814_961_857 / 15_061_965_000 * 100)
    assert per["realisasi_lengkap"].tolist() == [False, True]


def test_totals_by_source_takes_a_mixed_parent_from_its_children():
    per = totals_by_source(
        anggaran(
            [
                ("P", None, "APBN", 30, 25),  # sumber_dana of a parent is not used
                ("P1", "P", "APBN", 10, 5),
                ("P2", "P", "APBD", 20, 20),
            ]
        )
    )
    assert per["pagu"].to_dict() == {"APBN": 10, "APBD": 20}
    assert per["realisasi"].to_dict() == {"APBN": 5, "APBD": 20}


@pytest.mark.parametrize(
    ("rows", "kode"),
    [
        ([("A", None, "APBN", 1, 1), ("A", None, "APBN", 1, 1)], "duplicate_id"),
        ([("A", None, "APBN", 1, 1), ("B", "X", "APBN", 1, 1)], "unknown_reference"),
        ([("A", None, "APBN", 1, 1), ("B", "C", "APBN", 1, 1), ("C", "B", "APBN", 1, 1)], "cycle"),
        ([("B", "C", "APBN", 1, 1), ("C", "B", "APBN", 1, 1)], "cycle"),
    ],
    ids=["duplicate", "unknown-induk", "cycle", "cycle-without-top"],
)
def test_bad_tree_is_refused_with_the_line_named(rows, kode):
    with pytest.raises(DataValidationError) as info:
        rollup(anggaran(rows))
    assert {f.kode for f in info.value.findings} == {kode}
    assert all(f.file == "anggaran.csv" for f in info.value.findings)


def test_bad_lines_are_named_by_kode_and_file_row():
    rows = [("A", None, "APBN", 1, 1), ("B", None, "APBN", 1, 1), ("A", None, "APBN", 1, 1)]
    with pytest.raises(DataValidationError) as info:
        rollup(anggaran(rows))  # index 0, 1, 2 = anggaran.csv rows 2, 3, 4
    assert [(f.row, f.value) for f in info.value.findings] == [(2, "A"), (4, "A")]
    assert str(info.value.findings[1]).startswith("anggaran.csv baris 4, kolom 'kode': 'A'")


def test_cycle_names_its_lines_only():
    rows = [("A", None, "APBN", 1, 1), ("B", "C", "APBN", 1, 1), ("C", "B", "APBN", 1, 1)]
    with pytest.raises(DataValidationError) as info:
        totals(anggaran(rows))
    assert sorted(f.message for f in info.value.findings) == [
        "pada kode B: hierarki induk membentuk siklus",
        "pada kode C: hierarki induk membentuk siklus",
    ]


def test_anggaran_per_kegiatan_sums_linked_codes(tabel_3_13):
    tautan = pd.DataFrame(
        {"kegiatan": ["WA-c", "WA-d", "CQ-g", "CQ-g"], "kode": ["3355", "3360", "6639", "6709"]}
    )
    per = anggaran_per_kegiatan(tabel_3_13, tautan)
    assert per.index.tolist() == ["WA-c", "WA-d", "CQ-g"]
    assert per.loc["CQ-g", "pagu"] == 25_657_790_000 + 1_384_645_000
    assert per.loc["CQ-g", "realisasi"] == 1_274_344_720
    assert not per.loc["CQ-g", "realisasi_lengkap"]
    assert round(per.loc["WA-c", "penyerapan"], 2) == 97.15


def test_anggaran_per_kegiatan_refuses_unknown_and_double_counted_codes(tabel_3_13):
    tautan = pd.DataFrame(
        {"kegiatan": ["WA-c", "WA-c", "WA-d"], "kode": ["076.01.WA", "3355", "9999"]}
    )
    with pytest.raises(DataValidationError) as info:
        anggaran_per_kegiatan(tabel_3_13, tautan)
    found = {(f.file, f.column, f.value, f.kode) for f in info.value.findings}
    assert found == {
        ("kegiatan.csv", "kode_anggaran", "9999", "unknown_reference"),
        ("kegiatan.csv", "kode_anggaran", "3355", "inconsistent"),
    }


def test_a_link_is_refused_with_its_kegiatan_csv_row(tabel_3_13):
    kegiatan = pd.DataFrame(
        {"id": ["WA-c", "WA-d"], "kode_anggaran": pd.array(["3355", "3360;9999"], "string")}
    )
    with pytest.raises(DataValidationError) as info:
        anggaran_per_kegiatan(tabel_3_13, kegiatan_links(kegiatan))
    [finding] = info.value.findings
    assert (finding.row, finding.value, finding.kode) == (3, "9999", "unknown_reference")
    assert finding.message == "pada kegiatan WA-d: merujuk ke id yang tidak ada"


# -- pagu not filled in yet (a year just started) ------------------------------------------------

BARU = [
    ("P", None, "APBN", None, None),
    ("P1", "P", "APBN", 10, None),
    ("P2", "P", "APBN", None, None),
    ("Q", None, "APBD", 5, 4),
    ("Q1", "Q", "APBD", 5, 4),
]


def test_missing_pagu_gives_no_penyerapan_and_no_sisa():
    hasil = compute_penyerapan(anggaran(BARU)).set_index("kode")
    assert np.isnan(hasil.loc["P2", "penyerapan"]) and pd.isna(hasil.loc["P2", "sisa"])
    assert hasil.loc["Q1", "penyerapan"] == 80.0 and hasil.loc["Q1", "sisa"] == 1


def test_totals_skip_a_missing_pagu_and_say_so():
    total = totals(anggaran(BARU))
    assert total == Jumlah(
        pagu=5,  # P states none: only Q is summed, never P as 0
        realisasi=4,
        sisa=1,
        penyerapan=total.penyerapan,
        realisasi_lengkap=False,
        pagu_lengkap=False,
    )
    assert np.isnan(total.penyerapan)  # not against a partial pagu
    kosong = totals(anggaran([("P", None, "APBN", None, None), ("P1", "P", "APBN", None, None)]))
    assert (kosong.pagu, kosong.realisasi, kosong.pagu_lengkap) == (None, None, False)
    assert np.isnan(kosong.penyerapan)


def test_totals_by_source_flag_missing_pagu():
    per = totals_by_source(anggaran(BARU))
    assert per.loc["APBN", "pagu"] == 10 and not per.loc["APBN", "pagu_lengkap"]
    assert np.isnan(per.loc["APBN", "penyerapan"])
    assert per.loc["APBD", "pagu_lengkap"] and per.loc["APBD", "penyerapan"] == 80.0


def test_rollup_reports_no_discrepancy_where_a_pagu_is_unknown():
    rows = [*BARU, ("R", None, "APBN", 99, None), ("R1", "R", "APBN", 1, None)]
    hasil, selisih = rollup(anggaran(rows))
    per = hasil.set_index("kode")
    assert pd.isna(per.loc["P", "pagu_anak"])  # P2 unknown: the children's sum is unknown
    assert per.loc["Q", "pagu_anak"] == 5
    assert selisih[["kode", "field"]].values.tolist() == [["R", "pagu"]]


def kegiatan_frames(capaian: dict, anggaran_rows: dict, tercapai: dict | None = None):
    tercapai = tercapai or {k: 1 for k in capaian}
    cap = pd.DataFrame(
        {
            "jumlah": 1,
            "tercapai": pd.Series(tercapai),
            "rata_rata_capaian": pd.Series(capaian),
            "rata_rata_capaian_terbatas": pd.Series(capaian),
        }
    )
    rows = pd.DataFrame(anggaran_rows, index=["pagu", "realisasi"]).T
    ang = rows.assign(penyerapan=rows["realisasi"] / rows["pagu"] * 100)
    return cap, ang


def test_efisiensi_selisih_rule():
    cap, ang = kegiatan_frames(
        {"a": 100.0, "b": 100.0, "c": 100.0, "d": 80.0, "e": 100.0},
        {"a": (1_384_645_000, 1_274_344_720), "b": (100, 96), "c": (100, 95), "d": (100, 97)},
    )
    hasil = efisiensi(cap, ang)
    assert hasil.loc["a", "efisiensi"] == pytest.approx(100 - 92.0340, abs=1e-3)
    assert hasil["kategori"].to_dict() == {
        "a": "efisien",  # +7,97 points
        "b": "cukup efisien",  # +4
        "c": "cukup efisien",  # +5: the bound is inside
        "d": "tidak efisien",  # -17
        "e": "belum ada data",  # no budget line linked
    }


def test_efisiensi_selisih_uses_the_capped_mean():
    cap, ang = kegiatan_frames({"a": 100.0}, {"a": (100, 99)})
    cap["rata_rata_capaian"] = 1000.0  # a printed 1000 % would otherwise look efficient
    assert efisiensi(cap, ang).loc["a", "kategori"] == "cukup efisien"


def test_efisiensi_sisa_anggaran_rule():
    cap, ang = kegiatan_frames(
        {"a": 100.0, "b": 90.0, "c": 100.0},
        {"a": (1_000, 900), "b": (1_000, 500), "c": (1_000, 1_000)},
        tercapai={"a": 1, "b": 0, "c": 1},
    )
    hasil = efisiensi(cap, ang, rule="sisa_anggaran")
    assert hasil.loc["a", "efisiensi"] == pytest.approx(10.0)
    assert np.isnan(hasil.loc["b", "efisiensi"])  # unspent money on a missed target
    assert hasil.loc["c", "efisiensi"] == 0.0
    assert hasil["kategori"].to_dict() == {
        "a": "efisien",
        "b": "tidak dinilai (target tidak tercapai)",
        "c": "cukup efisien",
    }


def test_efisiensi_unknown_rule():
    cap, ang = kegiatan_frames({"a": 100.0}, {"a": (100, 99)})
    with pytest.raises(ValueError, match="sisa_anggaran"):
        efisiensi(cap, ang, rule="rasio")
