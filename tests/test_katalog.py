"""The shared indicator catalogue: references from indikator.csv, checks, the catalogue's rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from lakipkit.audit import check_year
from lakipkit.contoh import generate_units
from lakipkit.errors import DataValidationError
from lakipkit.loading import list_satker, load_year, read_katalog

UNIT = "rekaan-kab-01-01"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    generate_units(folder, 3, [2024], peluang_kontradiksi=0)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _errors(data: Path) -> list[tuple[str, int | None, str | None, str]]:
    return [
        (Path(f.file).name, f.row, f.column, f.kode)
        for f in check_year(data, UNIT, 2024)
        if f.severity == "error"
    ]


def test_katalog_folder_is_not_a_satker(data):
    assert (data / "katalog" / "indikator.csv").is_file()
    assert "katalog" not in list_satker(data)


def test_references_load_with_the_indicators(data):
    indikator = load_year(data, UNIT, 2024).indikator
    assert indikator.set_index("id").loc["WA-01", "katalog"] == "KPU-01"
    katalog = read_katalog(data)
    assert katalog is not None
    assert set(indikator["katalog"].dropna()) <= set(katalog["kode"])


def test_a_unit_may_reword_but_not_remeasure_a_catalogue_indicator(data):
    indikator = data / UNIT / "2024" / "indikator.csv"
    _edit(indikator, "Jumlah revisi rencana kerja dan anggaran", "Banyaknya revisi RKA")
    assert _errors(data) == []
    # row 3 is WA-02 (KPU-02, kali, negatif): a new satuan and polaritas are refused
    _edit(
        indikator, "Banyaknya revisi RKA,kali,4 kali,negatif", "Banyaknya revisi RKA,%,4%,positif"
    )
    assert _errors(data) == [
        ("indikator.csv", 3, "satuan", "katalog_mismatch"),
        ("indikator.csv", 3, "polaritas", "katalog_mismatch"),
    ]
    with pytest.raises(DataValidationError, match="berbeda dari katalog KPU-02"):
        load_year(data, UNIT, 2024)


def test_satuan_is_compared_as_written_loosely(data):
    _edit(data / "katalog" / "indikator.csv", "anggaran,kali,", "anggaran,Kali,")
    assert _errors(data) == []  # 'Kali' and 'kali' are one satuan


def test_unknown_codes_and_a_missing_catalogue_are_errors(data):
    _edit(data / UNIT / "2024" / "indikator.csv", ",KPU-03", ",KPU-99")
    assert _errors(data) == [("indikator.csv", 4, "katalog", "unknown_reference")]
    (data / "katalog" / "indikator.csv").unlink()
    assert len(_errors(data)) == 10  # every reference points nowhere
    assert all(error[3] == "unknown_reference" for error in _errors(data))


def test_a_code_is_referenced_once_per_unit(data):
    _edit(data / UNIT / "2024" / "indikator.csv", ",KPU-03", ",KPU-01")
    assert ("indikator.csv", 4, "katalog", "duplicate_id") in _errors(data)


def test_the_catalogue_rows_are_checked(data):
    katalog = data / "katalog" / "indikator.csv"
    _edit(katalog, "rata-rata-tertimbang,pagu,", "rata-rata-tertimbang,,")
    _edit(katalog, "KPU-01,", "KPU-01 ")
    found = [
        (Path(f.file).name, f.row, f.column, f.kode)
        for f in check_year(data, UNIT, 2024)
        if f.severity == "error"
    ]
    assert ("indikator.csv", 2, "kode", "invalid_id") in found
    assert ("indikator.csv", 6, "bobot", "required_empty") in found
    assert all(f.file.endswith("katalog/indikator.csv") for f in check_year(data, UNIT, 2024)
               if f.row == 6)  # fmt: skip
    with pytest.raises(DataValidationError):
        read_katalog(data)


def test_units_without_references_ignore_the_catalogue(data):
    for unit in list_satker(data):
        path = data / unit / "2024" / "indikator.csv"
        lines = [line.rsplit(",", 1)[0] for line in path.read_text(encoding="utf-8").splitlines()]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (data / "katalog" / "indikator.csv").write_text("rusak\n", encoding="utf-8")
    assert load_year(data, UNIT, 2024).indikator["katalog"].isna().all()
