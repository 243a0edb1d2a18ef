"""The synthetic data generator (`lakip contoh`): layout, validity, determinism, markings."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from lakipkit.audit import check_year
from lakipkit.cli import main
from lakipkit.contoh import (
    KONTRADIKSI,
    PENANDA,
    generate_units,
    parse_tahun,
    unit_tree,
    units_frame,
)
from lakipkit.errors import Finding, LakipError
from lakipkit.loading import list_satker, list_years, load_year


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def rekaan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rekaan") / "data"
    generate_units(folder, 8, [2023, 2024], benih=3, peluang_kontradiksi=0.5)
    return folder


@pytest.fixture(scope="module")
def findings(rekaan: Path) -> dict[tuple[str, int], list[Finding]]:
    """What `lakip periksa` finds in every generated unit-year (loaded once: it is slow)."""
    return {
        (unit, tahun): check_year(rekaan, unit, tahun)
        for unit in list_satker(rekaan)
        for tahun in list_years(rekaan, unit)
    }


def test_tree_of_550_units_has_kpu_shape():
    frame = units_frame(unit_tree(550))
    assert frame["tingkat"].value_counts().to_dict() == {
        "kabupaten/kota": 511,
        "provinsi": 38,
        "pusat": 1,
    }
    assert frame["id"].is_unique
    pusat = frame.loc[frame["tingkat"] == "pusat", "id"].item()
    provinsi = frame.loc[frame["tingkat"] == "provinsi"]
    assert (provinsi["induk"] == pusat).all()
    kab = frame.loc[frame["tingkat"] == "kabupaten/kota"]
    assert kab["induk"].isin(provinsi["id"]).all()
    # dealt in turn: 511 over 38 provinces gives 13 or 14 each
    assert set(kab["induk"].value_counts()) == {13, 14}


@pytest.mark.parametrize(
    ("jumlah", "provinsi", "expected"),
    [(1, None, (1, 0, 0)), (2, None, (1, 1, 0)), (10, None, (1, 1, 8)), (10, 3, (1, 3, 6))],
)
def test_small_trees(jumlah, provinsi, expected):
    frame = units_frame(unit_tree(jumlah, provinsi))
    counts = frame["tingkat"].value_counts()
    assert tuple(counts.get(t, 0) for t in ("pusat", "provinsi", "kabupaten/kota")) == expected


@pytest.mark.parametrize(("jumlah", "provinsi"), [(0, None), (5, 0), (5, 5), (3, -1)])
def test_impossible_trees_are_refused(jumlah, provinsi):
    with pytest.raises(LakipError, match="unit|provinsi"):
        unit_tree(jumlah, provinsi)


def test_years_are_read_like_people_write_them():
    assert parse_tahun("2024") == [2024]
    assert parse_tahun("2022-2024") == [2022, 2023, 2024]
    assert parse_tahun("2024, 2022") == [2022, 2024]
    with pytest.raises(LakipError, match="2023-2024"):
        parse_tahun("dua ribu")


def test_every_generated_unit_year_passes_periksa_without_errors(rekaan, findings):
    assert len(list_satker(rekaan)) == 8
    assert len(findings) == 16
    errors = {key: [f for f in found if f.severity == "error"] for key, found in findings.items()}
    assert errors == {key: [] for key in findings}


def test_values_vary_and_some_are_missing(rekaan, findings):
    kodes = [f.kode for found in findings.values() for f in found]
    assert "realisasi_missing" in kodes or "realisasi_unreported" in kodes
    realisasi = pd.concat(
        [
            pd.read_csv(rekaan / unit / "2024" / "realisasi.csv", dtype=str, keep_default_na=False)
            for unit in list_satker(rekaan)
        ]
    )
    per_indikator = realisasi.groupby("indikator")["realisasi"].nunique()
    assert (per_indikator.drop("WA-90", errors="ignore") >= 3).all()  # varied, not copied
    year = load_year(rekaan, "rekaan-kab-01-01", 2024)
    assert len(year.indikator) >= 10
    assert year.anggaran["pagu"].notna().all()


def test_some_units_add_their_own_indicator(tmp_path):
    generate_units(tmp_path / "d", 40, [2024], peluang_kontradiksi=0)
    own = [
        unit
        for unit in list_satker(tmp_path / "d")
        if "WA-90" in (tmp_path / "d" / unit / "2024" / "indikator.csv").read_text()
    ]
    assert 0 < len(own) < 40
    assert "Kontradiksi" in (tmp_path / "d" / "README.md").read_text()
    assert "- (tidak ada)" in (tmp_path / "d" / "README.md").read_text()


def test_planted_contradictions_are_listed_and_found_by_periksa(rekaan, findings):
    readme = (rekaan / "README.md").read_text(encoding="utf-8")
    planted = [line[2:] for line in readme.splitlines() if line.startswith("- rekaan-")]
    kinds = set()
    for line in planted:
        unit, where = line.split(" ", 1)
        tahun = int(where.split("/")[0])
        kode = where.rsplit("(", 1)[1].rstrip(")")
        kinds.add(kode)
        assert kode in {f.kode for f in findings[(unit, tahun)]}, line
    assert kinds == set(KONTRADIKSI.values())


def test_everything_is_marked_as_invented(rekaan):
    readme = (rekaan / "README.md").read_text(encoding="utf-8")
    assert PENANDA in readme and "REKAAN" in readme
    for unit in list_satker(rekaan):
        assert unit.startswith("rekaan-")
        text = (rekaan / unit / "satker.yaml").read_text(encoding="utf-8")
        assert text.startswith("# DATA REKAAN")
        assert "Rekaan" in yaml.safe_load(text)["nama"]


def test_parent_ids_are_written_to_satker_yaml(rekaan):
    induk = {
        unit: yaml.safe_load((rekaan / unit / "satker.yaml").read_text()).get("satker_induk", "")
        for unit in list_satker(rekaan)
    }
    assert induk["rekaan-kpu-ri"] == ""
    assert induk["rekaan-prov-01"] == "rekaan-kpu-ri"
    assert induk["rekaan-kab-01-01"] == "rekaan-prov-01"
    assert set(induk.values()) <= {"", *induk}


def test_same_arguments_give_the_same_bytes_and_more_units_keep_the_first(tmp_path, rekaan):
    again = tmp_path / "lagi"
    generate_units(again, 8, [2023, 2024], benih=3, peluang_kontradiksi=0.5)
    assert _digest(again) == _digest(rekaan)
    more = tmp_path / "lebih"
    generate_units(more, 9, [2024], benih=3, peluang_kontradiksi=0.5)
    unit = "rekaan-kab-01-01"
    assert _digest(more / unit / "2024") == _digest(rekaan / unit / "2024")
    other = tmp_path / "benih-lain"
    generate_units(other, 8, [2024], benih=4, peluang_kontradiksi=0.5)
    assert _digest(other / unit / "2024") != _digest(rekaan / unit / "2024")


def test_a_folder_with_other_data_is_never_overwritten(tmp_path):
    (tmp_path / "data" / "kpu-kota-bontang").mkdir(parents=True)
    with pytest.raises(LakipError, match="sudah berisi data lain"):
        generate_units(tmp_path / "data", 3, [2024])
    assert [p.name for p in (tmp_path / "data").iterdir()] == ["kpu-kota-bontang"]


def test_an_earlier_output_is_replaced_whole(tmp_path):
    generate_units(tmp_path / "data", 5, [2023, 2024])
    generate_units(tmp_path / "data", 3, [2024])
    assert len(list_satker(tmp_path / "data")) == 3
    assert list_years(tmp_path / "data", "rekaan-kpu-ri") == [2024]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_cli_writes_the_units(tmp_path, capsys):
    code = main(["contoh", "--unit", "4", "--tahun", "2023-2024", "--data", str(tmp_path / "d")])
    assert code == 0
    assert "4 satker rekaan x 2 tahun" in capsys.readouterr().out
    assert main(["contoh", "--unit", "0", "--tahun", "2024", "--data", str(tmp_path / "e")]) == 1
    assert "jumlah unit" in capsys.readouterr().err


@pytest.mark.slow
def test_generated_units_build(rekaan, tmp_path):
    from lakipkit.build import build_report

    for unit in ("rekaan-kab-01-01", "rekaan-prov-01"):
        result = build_report(rekaan, unit, 2024, tmp_path, formats=("html",))
        html = result.html.read_text(encoding="utf-8") if result.html else ""
        assert "Rekaan" in html
        assert not re.search(r"\b(nan|None|NaN)\b", html.split("<body", 1)[1])
