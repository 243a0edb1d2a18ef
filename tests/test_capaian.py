import numpy as np
import pandas as pd
import pytest

from lakipkit.capaian import (
    BAND_SCALES,
    CAPAIAN_REALISASI_NOL,
    STATUS_TARGET_BELUM_DITETAPKAN,
    BandScale,
    CapaianSettings,
    compute_capaian,
    summarise_capaian,
)
from lakipkit.errors import DataValidationError


def indikator(*rows: dict) -> pd.DataFrame:
    """A YearData.indikator-shaped frame; each row gives only what differs from a default."""
    base = {
        "program": "WA",
        "kegiatan": pd.NA,
        "sasaran": "WA-S01",
        "uraian": "indikator uji",
        "satuan": "%",
        "polaritas": "positif",
        "rumus": pd.NA,
        "skala": pd.NA,
        "agregasi_triwulan": "terakhir",
        "target_atas": np.nan,
    }
    records = []
    for i, row in enumerate(rows, start=1):
        record = {"id": f"WA-{i:02d}", **base, **row}
        record.setdefault("target_teks", str(record.get("target")))
        record.setdefault("realisasi", np.nan)
        record.setdefault(
            "realisasi_teks", pd.NA if pd.isna(record["realisasi"]) else str(record["realisasi"])
        )
        records.append(record)
    return pd.DataFrame(records)


def capaian_of(row: dict, settings: CapaianSettings | None = None) -> pd.Series:
    return compute_capaian(indikator(row), settings).iloc[0]


@pytest.mark.parametrize(
    ("target", "realisasi", "expected", "status"),
    [
        (95.0, 95.0, 100.0, "tercapai"),
        (10.0, 12.0, 120.0, "tercapai"),
        (10.0, 8.0, 80.0, "tidak tercapai"),
        (97.5, 97.4, 97.4 / 97.5 * 100, "tidak tercapai"),
        (10.0, 0.0, 0.0, "tidak tercapai"),
    ],
)
def test_positif_is_realisasi_over_target(target, realisasi, expected, status):
    hasil = capaian_of({"target": target, "realisasi": realisasi})
    assert hasil["capaian"] == pytest.approx(expected)
    assert hasil["status"] == status


@pytest.mark.parametrize(
    ("target", "realisasi", "expected", "status"),
    [
        (10.0, 10.0, 100.0, "tercapai"),
        (10.0, 8.0, 120.0, "tercapai"),  # (2 x 10 - 8) / 10
        (10.0, 12.0, 80.0, "tidak tercapai"),  # (2 x 10 - 12) / 10
        (10.0, 25.0, 0.0, "tidak tercapai"),  # -50 floored at 0
        (10.0, 0.0, 200.0, "tercapai"),
        (0.0, 0.0, 100.0, "tercapai"),  # target 0: nothing happened is the target
        (0.0, 2.0, 0.0, "tidak tercapai"),
    ],
)
def test_negatif_sakip_is_two_target_minus_realisasi(target, realisasi, expected, status):
    hasil = capaian_of(
        {"polaritas": "negatif", "rumus": "sakip", "target": target, "realisasi": realisasi}
    )
    assert hasil["capaian"] == pytest.approx(expected)
    assert hasil["status"] == status


def test_negatif_without_rumus_uses_sakip():
    hasil = capaian_of({"polaritas": "negatif", "target": 10.0, "realisasi": 12.0})
    assert hasil["capaian"] == pytest.approx(80.0)


@pytest.mark.parametrize(
    ("target", "realisasi", "expected", "status"),
    [
        (10.0, 12.0, 10 / 12 * 100, "tidak tercapai"),
        (10.0, 8.0, 125.0, "tercapai"),
        (10.0, 10.0, 100.0, "tercapai"),
        (10.0, 0.0, CAPAIAN_REALISASI_NOL, "tercapai"),  # no division by zero
        (0.0, 0.0, 100.0, "tercapai"),
        (0.0, 3.0, 0.0, "tidak tercapai"),
    ],
)
def test_negatif_rasio_is_target_over_realisasi(target, realisasi, expected, status):
    hasil = capaian_of(
        {"polaritas": "negatif", "rumus": "rasio", "target": target, "realisasi": realisasi}
    )
    assert hasil["capaian"] == pytest.approx(expected)
    assert hasil["status"] == status


@pytest.mark.parametrize(
    ("realisasi", "expected", "status"),
    [
        (60.0, 60 / 70 * 100, "tidak tercapai"),  # below a: realisasi / a
        (70.0, 100.0, "tercapai"),  # at a
        (75.0, 100.0, "tercapai"),  # inside
        (80.0, 100.0, "tercapai"),  # at b
        (90.0, 80 / 90 * 100, "tidak tercapai"),  # above b: b / realisasi
    ],
)
def test_rentang_compares_with_the_missed_bound(realisasi, expected, status):
    hasil = capaian_of(
        {
            "polaritas": "rentang",
            "target_teks": "70-80%",
            "target": 70.0,
            "target_atas": 80.0,
            "realisasi": realisasi,
        }
    )
    assert hasil["capaian"] == pytest.approx(expected)
    assert hasil["status"] == status


@pytest.mark.parametrize(
    ("skala", "target", "realisasi", "expected", "status"),
    [
        ("opini_bpk", "WTP", "WTP", 100.0, "tercapai"),
        ("opini_bpk", "WTP", "WDP", 3 / 4 * 100, "tidak tercapai"),  # TMP=1 TW=2 WDP=3 WTP=4
        ("opini_bpk", "WDP", "WTP", 4 / 3 * 100, "tercapai"),
        ("opini_bpk", "WTP", "TMP", 1 / 4 * 100, "tidak tercapai"),
        ("opini_bpk", "WTP", " wtp ", 100.0, "tercapai"),  # as written: case and spaces
        ("predikat_sakip", "BB", "BB", 100.0, "tercapai"),  # D=1 ... BB=5 A=6 AA=7
        ("predikat_sakip", "BB", "A", 6 / 5 * 100, "tercapai"),
        ("predikat_sakip", "BB", "B", 4 / 5 * 100, "tidak tercapai"),
        ("predikat_sakip", "A", "AA", 7 / 6 * 100, "tercapai"),
        ("predikat_sakip", "CC", "D", 1 / 3 * 100, "tidak tercapai"),
    ],
)
def test_kualitatif_ratio_of_positions(skala, target, realisasi, expected, status):
    hasil = capaian_of(
        {
            "polaritas": "kualitatif",
            "skala": skala,
            "satuan": "predikat",
            "target_teks": target,
            "target": np.nan,
            "realisasi_teks": realisasi,
            "realisasi": np.nan,
        }
    )
    assert hasil["capaian"] == pytest.approx(expected)
    assert hasil["status"] == status


@pytest.mark.parametrize(
    "row",
    [
        {"target": 95.0},
        {"polaritas": "negatif", "target": 10.0},
        {"polaritas": "negatif", "rumus": "rasio", "target": 10.0},
        {"polaritas": "rentang", "target": 70.0, "target_atas": 80.0},
        {"polaritas": "kualitatif", "skala": "opini_bpk", "target_teks": "WTP", "target": np.nan},
    ],
    ids=["positif", "negatif-sakip", "negatif-rasio", "rentang", "kualitatif"],
)
def test_missing_realisasi_is_belum_ada_data_never_zero(row):
    hasil = capaian_of(row, CapaianSettings(cap=100))
    assert np.isnan(hasil["capaian"])
    assert np.isnan(hasil["capaian_terbatas"])
    assert hasil["status"] == "belum ada data"
    assert pd.isna(hasil["predikat"])


@pytest.mark.parametrize(
    "row",
    [
        {"realisasi": 95.0},
        {"polaritas": "negatif", "realisasi": 10.0},
        {"polaritas": "negatif", "rumus": "rasio", "realisasi": 0.0},
        {"polaritas": "rentang", "realisasi": 75.0},
        {"polaritas": "kualitatif", "skala": "opini_bpk", "realisasi_teks": "WTP"},
        {},  # no realisasi either: a year just started
    ],
    ids=["positif", "negatif-sakip", "negatif-rasio", "rentang", "kualitatif", "nothing"],
)
def test_missing_target_is_target_belum_ditetapkan_for_every_polaritas(row):
    hasil = capaian_of({"target": np.nan, "target_teks": pd.NA, **row}, CapaianSettings(cap=100))
    assert np.isnan(hasil["capaian"]) and np.isnan(hasil["capaian_terbatas"])
    assert hasil["status"] == STATUS_TARGET_BELUM_DITETAPKAN == "target belum ditetapkan"
    assert pd.isna(hasil["predikat"])


def test_refusals_stay_when_a_target_is_given():
    frame = indikator(
        {"target": np.nan, "target_teks": pd.NA},  # empty: allowed
        {"target": 0.0, "target_teks": "0%", "realisasi": 1.0},
        {"polaritas": "kualitatif", "skala": "opini_bpk", "target_teks": "Baik", "target": np.nan},
    )
    with pytest.raises(DataValidationError) as info:
        compute_capaian(frame)
    assert {(f.row, f.column, f.kode) for f in info.value.findings} == {
        (3, "target", "target_zero"),  # frame row 1 is indikator.csv row 3
        (4, "target", "unknown_grade"),
    }


def test_findings_name_the_indikator_csv_row_but_not_a_realisasi_csv_row():
    frame = indikator(
        {"target": 1.0},
        {
            "polaritas": "kualitatif",
            "skala": "opini_bpk",
            "target_teks": "WTP",
            "target": np.nan,
            "realisasi_teks": "Baik",
        },
    ).set_axis([5, 9])  # a loaded frame keeps its file's rows: data row - 2
    with pytest.raises(DataValidationError) as info:
        compute_capaian(frame.assign(polaritas=["naik", "kualitatif"]))
    found = {(f.file, f.row, f.kode) for f in info.value.findings}
    assert found == {
        ("indikator.csv", 7, "not_allowed"),
        ("realisasi.csv", None, "unknown_grade"),  # realisasi.csv's rows are not the frame's
    }
    polaritas = next(f for f in info.value.findings if f.column == "polaritas")
    assert str(polaritas).startswith(
        "indikator.csv baris 7, kolom 'polaritas': 'naik' pada indikator WA-01: "
    )


def test_summarise_counts_targets_not_set_apart():
    frame = indikator(
        {"target": 10.0, "realisasi": 10.0},
        {"target": 10.0},
        {"target": np.nan, "target_teks": pd.NA, "realisasi": 5.0},
        {"target": np.nan, "target_teks": pd.NA},
    )
    unit = summarise_capaian(compute_capaian(frame)).iloc[0]
    counts = ["jumlah", "tercapai", "tidak_tercapai", "belum_ada_data", "target_belum_ditetapkan"]
    assert unit[counts].tolist() == [4, 1, 0, 1, 2]
    assert unit["rata_rata_capaian"] == 100.0  # over the one indicator with a capaian


@pytest.mark.parametrize(
    ("cap", "expected"), [(None, 125.0), (100, 100.0), (110, 110.0), (120, 120.0)]
)
def test_cap_limits_only_capaian_terbatas(cap, expected):
    frame = indikator(
        {"target": 8.0, "realisasi": 10.0},  # 125
        {"target": 100.0, "realisasi": 95.0},  # 95: below every cap
    )
    hasil = compute_capaian(frame, CapaianSettings(cap=cap))
    assert hasil["capaian"].tolist() == pytest.approx([125.0, 95.0])
    assert hasil["capaian_terbatas"].tolist() == pytest.approx([expected, 95.0])
    assert hasil["status"].tolist() == ["tercapai", "tidak tercapai"]


def test_cap_below_100_is_refused():
    with pytest.raises(ValueError, match="cap capaian 90"):
        CapaianSettings(cap=90)


def test_textual_satuan_is_a_positive_number_once_parsed():
    hasil = capaian_of(
        {
            "satuan": "Pusat Pendidikan Pemilih",
            "target_teks": "1 Pusat Pendidikan Pemilih",
            "target": 1.0,
            "realisasi_teks": "1 Pusat Pendidikan Pemilih",
            "realisasi": 1.0,
        }
    )
    assert hasil["capaian"] == 100.0
    assert hasil["status"] == "tercapai"


def test_rows_from_lakip_tabel_3_1_recompute_as_printed():
    # target / realisasi / capaian as printed in LAKIP 2024 Tabel 3.1 (seed)
    frame = indikator(
        {"target_teks": "95%", "target": 95.0, "realisasi_teks": "95%", "realisasi": 95.0},
        {"target_teks": "10 kali", "target": 10.0, "realisasi_teks": "12 kali", "realisasi": 12.0},
        {"target_teks": "97.5%", "target": 97.5, "realisasi_teks": "97.5%", "realisasi": 97.5},
        {"target_teks": "1 satker", "target": 1.0, "realisasi_teks": "1 Satker", "realisasi": 1.0},
        {"target_teks": "65%", "target": 65.0, "realisasi_teks": "65%", "realisasi": 65.0},
    )
    hasil = compute_capaian(frame)
    assert hasil["capaian"].tolist() == [100.0, 120.0, 100.0, 100.0, 100.0]


def test_adds_columns_and_keeps_index_and_input():
    frame = indikator({"target": 10.0, "realisasi": 5.0}, {"target": 10.0}).set_index(
        pd.Index([7, 3])
    )
    before = frame.copy()
    hasil = compute_capaian(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert list(hasil.index) == [7, 3]
    assert list(hasil.columns) == [
        *frame.columns,
        "capaian",
        "capaian_terbatas",
        "capaian_dicetak",
        "status",
        "predikat",
    ]
    assert hasil.loc[7, "capaian"] == 50.0


def test_mixed_frame_computes_every_row_with_its_own_rule():
    frame = indikator(
        {"target": 10.0, "realisasi": 12.0},
        {"polaritas": "negatif", "target": 10.0, "realisasi": 12.0},
        {"polaritas": "negatif", "rumus": "rasio", "target": 10.0, "realisasi": 8.0},
        {"polaritas": "rentang", "target": 70.0, "target_atas": 80.0, "realisasi": 60.0},
        {
            "polaritas": "kualitatif",
            "skala": "predikat_sakip",
            "target_teks": "A",
            "target": np.nan,
            "realisasi_teks": "BB",
        },
        {"target": 5.0},
    )
    hasil = compute_capaian(frame)
    expected = [120.0, 80.0, 125.0, 60 / 70 * 100, 5 / 6 * 100, np.nan]
    np.testing.assert_allclose(hasil["capaian"], expected)


@pytest.mark.parametrize(
    ("capaian", "label"),
    [
        (0.0, "kurang berhasil"),
        (54.99, "kurang berhasil"),
        (55.0, "cukup berhasil"),
        (74.99, "cukup berhasil"),
        (75.0, "berhasil"),
        (99.99, "berhasil"),
        (100.0, "sangat berhasil"),
        (250.0, "sangat berhasil"),
    ],
)
def test_default_scale_bounds_belong_to_the_band_above(capaian, label):
    assert BAND_SCALES["default"].classify(pd.Series([capaian])).iloc[0] == label


@pytest.mark.parametrize(
    ("capaian", "label"),
    [
        (50.0, "sangat kurang"),
        (50.5, "kurang"),
        (65.0, "kurang"),
        (65.5, "cukup"),
        (75.0, "cukup"),
        (76.0, "baik"),
        (90.0, "baik"),
        (90.5, "sangat baik"),
        (100.0, "sangat baik"),
        (130.0, "sangat baik"),
    ],
)
def test_lima_tingkat_bounds_belong_to_the_band_below(capaian, label):
    assert BAND_SCALES["lima_tingkat"].classify(pd.Series([capaian])).iloc[0] == label


def test_settings_scale_gives_predikat():
    frame = indikator({"target": 100.0, "realisasi": 80.0})
    assert compute_capaian(frame).iloc[0]["predikat"] == "berhasil"
    lima = CapaianSettings(skala=BAND_SCALES["lima_tingkat"])
    assert compute_capaian(frame, lima).iloc[0]["predikat"] == "baik"


def test_every_scale_has_a_source_and_the_cli_default_exists():
    assert "default" in BAND_SCALES
    assert all(scale.sumber and scale.nama == name for name, scale in BAND_SCALES.items())


def test_band_scale_refuses_bad_definitions():
    with pytest.raises(ValueError, match="label"):
        BandScale("x", (50.0,), ("a", "b", "c"), True, "uji")
    with pytest.raises(ValueError, match="naik"):
        BandScale("x", (75.0, 50.0), ("a", "b", "c"), True, "uji")


def test_bad_values_are_reported_together_with_indicator_and_column():
    frame = indikator(
        {"polaritas": "naik", "target": 10.0, "realisasi": 1.0},
        {"target": 0.0, "target_teks": "0%", "realisasi": 1.0},
        {"polaritas": "rentang", "target_teks": "80-70%", "target": 80.0, "target_atas": 70.0},
        {
            "polaritas": "kualitatif",
            "skala": "opini_bpk",
            "target_teks": "WTP",
            "target": np.nan,
            "realisasi_teks": "Baik",
        },
        {"polaritas": "negatif", "rumus": "terbalik", "target": 1.0},
    )
    with pytest.raises(DataValidationError) as info:
        compute_capaian(frame)
    found = {(f.file, f.column, f.value, f.kode) for f in info.value.findings}
    assert found == {
        ("indikator.csv", "polaritas", "naik", "not_allowed"),
        ("indikator.csv", "target", "0%", "target_zero"),
        ("indikator.csv", "target", "80-70%", "range_reversed"),
        ("realisasi.csv", "realisasi", "Baik", "unknown_grade"),
        ("indikator.csv", "rumus", "terbalik", "not_allowed"),
    }
    assert "WA-04" in str(info.value)


def test_missing_contract_column_is_named():
    with pytest.raises(ValueError, match="target_atas"):
        compute_capaian(indikator({"target": 1.0}).drop(columns="target_atas"))


def test_summarise_counts_and_means_over_indicators_with_data():
    frame = indikator(
        {"sasaran": "S1", "kegiatan": "WA-a", "target": 10.0, "realisasi": 12.0},  # 120
        {"sasaran": "S1", "kegiatan": "WA-a", "target": 10.0, "realisasi": 8.0},  # 80
        {"sasaran": "S1", "kegiatan": "WA-a", "target": 10.0},  # belum ada data
        {"sasaran": "S2", "kegiatan": pd.NA, "target": 10.0, "realisasi": 10.0},  # 100
    )
    hasil = compute_capaian(frame, CapaianSettings(cap=100))
    per_sasaran = summarise_capaian(hasil, by=["sasaran"]).set_index("sasaran")
    assert per_sasaran.loc[
        "S1", ["jumlah", "tercapai", "tidak_tercapai", "belum_ada_data"]
    ].tolist() == [
        3,
        1,
        1,
        1,
    ]
    assert per_sasaran.loc["S1", "rata_rata_capaian"] == pytest.approx(100.0)  # (120 + 80) / 2
    assert per_sasaran.loc["S1", "rata_rata_capaian_terbatas"] == pytest.approx(90.0)
    assert per_sasaran.loc["S2", "rata_rata_capaian"] == 100.0

    per_kegiatan = summarise_capaian(hasil, by=["kegiatan"])
    assert per_kegiatan["kegiatan"].isna().tolist() == [False, True]  # programme level kept
    assert per_kegiatan["jumlah"].tolist() == [3, 1]

    unit = summarise_capaian(hasil)
    assert len(unit) == 1
    assert unit.iloc[0]["jumlah"] == 4
    assert unit.iloc[0]["tercapai"] == 2
    assert unit.iloc[0]["rata_rata_capaian"] == pytest.approx(100.0)


def test_summarise_keeps_pk_order_and_needs_computed_frame():
    frame = indikator(
        {"sasaran": "S9", "target": 1.0, "realisasi": 1.0},
        {"sasaran": "S1", "target": 1.0, "realisasi": 1.0},
    )
    hasil = compute_capaian(frame)
    assert summarise_capaian(hasil, by=["sasaran"])["sasaran"].tolist() == ["S9", "S1"]
    with pytest.raises(ValueError, match="status"):
        summarise_capaian(frame, by=["sasaran"])


def test_nullable_string_columns_as_the_loader_gives_them():
    frame = indikator(
        {"target": 10.0, "realisasi": 12.0},
        {
            "polaritas": "kualitatif",
            "skala": "opini_bpk",
            "target_teks": "WTP",
            "target": np.nan,
            "realisasi_teks": "WDP",
        },
        {"polaritas": "kualitatif", "skala": "opini_bpk", "target_teks": "WTP", "target": np.nan},
    )
    teks = ["id", "polaritas", "rumus", "skala", "target_teks", "realisasi_teks"]
    hasil = compute_capaian(frame.astype(dict.fromkeys(teks, "string")))
    np.testing.assert_allclose(hasil["capaian"], [120.0, 75.0, np.nan])
    assert hasil["status"].tolist() == ["tercapai", "tidak tercapai", "belum ada data"]


def test_summarise_whole_unit_without_indicators_is_one_empty_row():
    hasil = compute_capaian(indikator({"target": 1.0, "realisasi": 1.0}).iloc[0:0])
    unit = summarise_capaian(hasil)
    counts = ["jumlah", "tercapai", "tidak_tercapai", "belum_ada_data", "target_belum_ditetapkan"]
    assert unit[counts].values.tolist() == [[0, 0, 0, 0, 0]]
    assert np.isnan(unit.iloc[0]["rata_rata_capaian"])
