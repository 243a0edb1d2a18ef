import json
from pathlib import Path

import pytest

from lakipkit.capaian import CapaianSettings
from lakipkit.loading import load_year
from lakipkit.summary import build_summary

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def summary():
    return build_summary(load_year(DATA, "kpu-kota-bontang", 2024))


def test_summary_shape_and_counts(summary):
    assert summary["tahun"] == 2024
    assert summary["satker"] == "kpu-kota-bontang"
    ind = summary["indikator"]
    assert ind["jumlah"] == 31
    assert ind["tercapai"] + ind["tidak_tercapai"] + ind["belum_ada_data"] == 31
    assert ind["target_belum_ditetapkan"] == 0
    assert ind["tidak_tercapai"] == 2  # WA-13 (95 of 98 %) and CQ-14 (65 of 80 %)
    assert isinstance(ind["rata_rata_capaian"], float)


def test_summary_budget(summary):
    ang = summary["anggaran"]
    assert (ang["pagu"], ang["realisasi"], ang["penyerapan_persen"]) == (
        40_719_755_000,
        14_814_961_857,
        36.38,
    )
    rows = {b["kode"]: b for b in ang["baris"]}
    assert rows["6709"]["penyerapan_persen"] == 92.03
    assert rows["6981"]["penyerapan_persen"] == 64.22
    assert rows["6639"]["realisasi"] is None and rows["6639"]["penyerapan_persen"] is None
    assert all(isinstance(b["pagu"], int) for b in ang["baris"])
    assert ang["pagu_lengkap"] is True and ang["realisasi_lengkap"] is False


def test_summary_is_json_and_stable(summary):
    text = json.dumps(summary, ensure_ascii=False, sort_keys=True)
    again = build_summary(load_year(DATA, "kpu-kota-bontang", 2024))
    assert json.dumps(again, ensure_ascii=False, sort_keys=True) == text


def test_cap_changes_only_the_capped_mean():
    year = load_year(DATA, "kpu-kota-bontang", 2024)
    capped = build_summary(year, CapaianSettings(cap=100))["indikator"]
    plain = build_summary(year)["indikator"]
    assert capped["rata_rata_capaian"] == plain["rata_rata_capaian"]
    assert capped["rata_rata_capaian_terbatas"] < plain["rata_rata_capaian_terbatas"]


def test_summary_lists_each_indicator(summary):
    rows = {row["id"]: row for row in summary["indikator"]["baris"]}
    assert len(rows) == summary["indikator"]["jumlah"] == 31
    # WA-13: 95 % of the signed 98 % target (data/kpu-kota-bontang/2024/README.md)
    assert rows["WA-13"]["target"] == "98%" and rows["WA-13"]["realisasi"] == "95%"
    assert rows["WA-13"]["status"] == "tidak tercapai"
    assert rows["WA-13"]["capaian"] == round(95 / 98 * 100, 2)
    assert rows["WA-01"]["katalog"] is None  # the real unit references no catalogue
