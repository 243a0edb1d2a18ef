"""The bundled 2024 data of KPU Kota Bontang, recomputed against what its LAKIP printed."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lakipkit.anggaran import compute_penyerapan, totals, totals_by_source
from lakipkit.capaian import CapaianSettings, compute_capaian
from lakipkit.loading import load_year

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def year():
    return load_year(DATA, "kpu-kota-bontang", 2024)


@pytest.fixture(scope="module")
def tabel_3_1(year):
    computed = compute_capaian(year.indikator, CapaianSettings()).set_index("id")
    printed = year.tabel_terbit.query("tabel == '3.1'").set_index("indikator")
    return computed, printed


def test_tabel_3_1_lists_every_pk_indicator_once(year, tabel_3_1):
    _, printed = tabel_3_1
    assert sorted(printed.index) == sorted(year.indikator["id"])


def test_tabel_3_1_capaian_recomputed_matches_except_the_known_contradictions(tabel_3_1):
    computed, printed = tabel_3_1
    diff = (computed.loc[printed.index, "capaian"] - printed["capaian"]).abs()
    assert sorted(diff[diff > 0.005].index) == ["CQ-14", "WA-13", "WA-14"]


def test_known_contradictions_have_the_values_the_seed_shows(tabel_3_1):
    computed, printed = tabel_3_1
    # BMN laporan: 1 of 1 laporan is 100 %, the table prints 1000 %.
    assert computed.loc["WA-14", "capaian"] == pytest.approx(100.0)
    assert printed.loc["WA-14", "capaian"] == 1000.0
    # BMN patuh: the PK signed 98 %, Tabel 3.1 restates 95 % and measures 95 %.
    assert computed.loc["WA-13", "target"] == 98.0
    assert printed.loc["WA-13", "target"] == 95.0
    assert computed.loc["WA-13", "capaian"] == pytest.approx(95 / 98 * 100)
    assert computed.loc["WA-13", "status"] == "tidak tercapai"
    # Aplikasi terintegrasi: PK 80 %, Tabel 3.1 restates 65 % and measures 65 %.
    assert computed.loc["CQ-14", "capaian"] == pytest.approx(81.25)
    # Jumlah revisi: 12 of 10 kali is 120 %, as printed.
    assert computed.loc["WA-04", "capaian"] == pytest.approx(120.0)


def test_laporan_monev_realisasi_differs_between_tabel_3_1_and_3_3(year):
    t = year.tabel_terbit.set_index(["tabel", "indikator"])
    assert t.loc[("3.1", "WA-05"), "realisasi"] == 75.0
    assert t.loc[("3.3", "WA-05"), "realisasi"] == 100.0
    assert t.loc[("3.3", "WA-05"), "capaian"] == 100.0  # 100/75 would be 133,33


def test_cap_limits_only_the_capped_column(year):
    computed = compute_capaian(year.indikator, CapaianSettings(cap=100)).set_index("id")
    assert computed.loc["WA-04", "capaian"] == pytest.approx(120.0)
    assert computed.loc["WA-04", "capaian_terbatas"] == pytest.approx(100.0)


def test_tabel_3_13_penyerapan_to_two_decimals(year):
    lines = compute_penyerapan(year.anggaran).set_index("kode")
    printed = lines["persen_terbit"].dropna()
    assert np.allclose(lines.loc[printed.index, "penyerapan"].round(2), printed)
    assert round(lines.loc["6709", "penyerapan"], 2) == 92.03
    assert round(lines.loc["6981", "penyerapan"], 2) == 64.22
    assert pd.isna(lines.loc["6639", "realisasi"])  # not printed: belum ada data, not 0
    assert pd.isna(lines.loc["6639", "penyerapan"])


def test_tabel_3_13_total(year):
    total = totals(year.anggaran)
    assert total.pagu == 40_719_755_000
    assert total.realisasi == 14_814_961_857
    assert round(total.penyerapan, 2) == 36.38
    assert total.realisasi_lengkap is False


def test_totals_per_sumber_dana_from_the_lines(year):
    by_source = totals_by_source(year.anggaran)
    assert by_source.loc["APBD", "pagu"] == 25_657_790_000  # the prose says 25.657.789.000
    assert by_source.loc["APBN", "pagu"] == 15_061_965_000  # the prose says 15.061.966.000


def test_pk_programme_budgets(year):
    pk = year.pk_anggaran.set_index("program")["pagu"]
    assert pk["WA"] == 2_519_511_000
    assert pk["CQ"] == 13_601_682_000
    assert pk.sum() == year.laporan["dipa"]["pagu"] == 16_121_193_000
