import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lakipkit.errors import (
    BuildError,
    DataValidationError,
    Finding,
    LakipError,
    MissingDataError,
)
from lakipkit.loading import INDIKATOR_COLUMNS, YearData, list_satker, list_years, load_year

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "data"
REAL = ROOT / "data"


@pytest.fixture(scope="module")
def year() -> YearData:
    return load_year(FIXTURE, "contoh-satker", 2023)


def test_list_satker_and_years():
    assert list_satker(FIXTURE) == ["contoh-satker"]
    assert list_years(FIXTURE, "contoh-satker") == [2023]
    with pytest.raises(MissingDataError):
        list_satker(FIXTURE / "tidak-ada")
    with pytest.raises(DataValidationError):
        list_years(FIXTURE, "../fixtures")


def test_year_data_is_frozen_and_has_no_warnings(year):
    assert (year.satker_id, year.tahun, year.findings) == ("contoh-satker", 2023, ())
    with pytest.raises(AttributeError):
        year.tahun = 2024  # type: ignore[misc]


def test_indikator_follows_the_frame_contract(year):
    ind = year.indikator.set_index("id")
    assert list(year.indikator.columns) == INDIKATOR_COLUMNS
    assert year.indikator["id"].is_unique
    assert list(year.indikator.index) == list(range(8))  # index = data row - 2
    for column in ("target", "target_atas", "realisasi"):
        assert year.indikator[column].dtype == "float64"
    assert ind.loc["WA-01", ["program", "sasaran", "target", "realisasi"]].tolist() == [
        "WA", "WA-S01", 97.5, 98.0]  # fmt: skip
    assert pd.isna(ind.loc["WA-01", "kegiatan"])  # a programme-level sasaran
    assert ind.loc["WA-02", "kegiatan"] == "WA-a"
    # kualitatif: the grade stays in the text columns, the numbers are NaN
    assert ind.loc["WA-03", ["target_teks", "realisasi_teks"]].tolist() == ["WTP", "WDP"]
    assert pd.isna(ind.loc["WA-03", "target"]) and pd.isna(ind.loc["WA-03", "realisasi"])
    # rentang: lower and upper bound
    assert ind.loc["CQ-01", ["target", "target_atas"]].tolist() == [70.0, 80.0]
    assert pd.isna(ind.loc["WA-01", "target_atas"])
    # empty realisasi means no data, never 0
    assert pd.isna(ind.loc["CQ-02", "realisasi_teks"]) and pd.isna(ind.loc["CQ-02", "realisasi"])
    # defaults: rumus sakip for negatif only; agregasi terakhir
    assert ind.loc["WA-05", "rumus"] == "sakip" and ind.loc["WA-06", "rumus"] == "rasio"
    assert pd.isna(ind.loc["WA-01", "rumus"])
    assert ind.loc["WA-01", "agregasi_triwulan"] == "terakhir"
    assert ind.loc["CQ-02", "agregasi_triwulan"] == "rata-rata"


def test_anggaran_follows_the_frame_contract(year):
    anggaran = year.anggaran.set_index("kode")
    assert list(year.anggaran.columns) == [
        "kode", "induk", "uraian", "sumber_dana", "pagu", "realisasi", "persen_terbit"]  # fmt: skip
    assert str(year.anggaran["pagu"].dtype) == "Int64"  # empty = belum diisi (a new year)
    assert str(year.anggaran["realisasi"].dtype) == "Int64"
    assert anggaran.loc["2001", "pagu"] == 700_000_000  # written "Rp 700.000.000"
    assert anggaran.loc["2002", "pagu"] == 50_000_000  # written "Rp. 50.000.000,-"
    assert pd.isna(anggaran.loc["2002", "realisasi"])
    assert pd.isna(anggaran.loc["001.01.WA", "induk"])
    assert anggaran.loc["1001", "persen_terbit"] == pytest.approx(93.33)


def test_other_frames_and_small_tables(year):
    assert set(year.tabel) == {"produk_hukum", "ppid", "mitra", "jadwal_pemutakhiran", "dpt"}
    assert year.tabel["dpt"]["jumlah"].sum() == 2380
    jadwal = year.tabel["jadwal_pemutakhiran"]
    assert jadwal.loc[0, "selesai"] == pd.Timestamp(2023, 6, 30)  # written "30 Juni 2023"
    assert year.tabel_terbit.loc[0, "capaian"] == pytest.approx(100.5)
    assert year.rkt_program.loc[1, "target_teks"] is pd.NA  # not printed in the RKT
    assert year.realisasi_triwulan["triwulan"].tolist() == [1, 2, 3, 1, 2]
    assert year.pegawai["jumlah"].isna().tolist() == [False, False, True]
    assert year.organisasi["induk"].isna().sum() == 1


def test_yaml_files_are_typed(year):
    assert year.satker["nama_singkat"] == "Satker Contoh"
    assert year.satker["pejabat"][1]["gelar"] == ""  # optional keys get their default
    assert year.laporan["tanggal"] == dt.date(2024, 1, 25)  # written "25 Januari 2024"
    assert year.laporan["pk"]["tanggal"] == dt.date(2023, 2, 1)
    assert year.laporan["dipa"]["pagu"] == 1_250_000_000


def test_narasi_is_raw_markdown_by_relative_name(year):
    assert set(year.narasi) == {"kata_pengantar", "analisis/WA-S01"}
    assert "**Satker Contoh**" in year.narasi["kata_pengantar"]


def test_unplaced_narasi_file_is_a_warning(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "data")
    (tmp_path / "data/contoh-satker/2023/narasi/bab9.md").write_text("x", encoding="utf-8")
    year = load_year(tmp_path / "data", "contoh-satker", 2023)
    assert [(f.kode, f.severity, f.value) for f in year.findings] == [
        ("unknown_reference", "warning", "bab9")]  # fmt: skip


@pytest.mark.skipif(not (REAL / "kpu-kota-bontang" / "2024").is_dir(),
                    reason="data/kpu-kota-bontang/2024 is not transcribed yet")  # fmt: skip
def test_real_2024_data_loads_without_errors():
    year = load_year(REAL, "kpu-kota-bontang", 2024)
    assert len(year.indikator) == 31
    assert year.indikator["realisasi"].notna().all()
    assert year.anggaran["pagu"].sum() > 0
    assert year.laporan["tahun"] == 2024
    assert not [f for f in year.findings if f.severity == "error"]


def test_finding_reads_as_one_indonesian_line():
    expected = "angka seperti 97,5% atau 97.5%"
    finding = Finding("error", "data/kpu-kota-bontang/2024/indikator.csv", 5, "target", "97,5.0%",
                      expected, "bukan angka yang sah", "invalid_number")  # fmt: skip
    assert str(finding) == (
        "data/kpu-kota-bontang/2024/indikator.csv baris 5, kolom 'target': '97,5.0%' bukan angka"
        " yang sah; diharapkan angka seperti 97,5% atau 97.5%"
    )
    whole = Finding("error", "a/laporan.yaml", 3, "pk.tanggal", None, "tanggal", "kosong", "x")
    assert str(whole) == "a/laporan.yaml baris 3, kunci 'pk.tanggal': kosong; diharapkan tanggal"


def test_errors_subclass_builtins_and_group_by_file():
    findings = [Finding("error", "b.csv", 4, "x", "1", "e", "m", "invalid_number"),
                Finding("error", "a.csv", 3, "y", None, "e", "kosong", "required_empty"),
                Finding("error", "b.csv", 2, "x", "2", "e", "m", "invalid_number")]  # fmt: skip
    error = DataValidationError(findings)
    assert isinstance(error, ValueError) and isinstance(error, LakipError)
    assert str(error).splitlines() == [
        "3 masalah pada data:",
        "b.csv",
        "  baris 2, kolom 'x': '2' m; diharapkan e",
        "  baris 4, kolom 'x': '1' m; diharapkan e",
        "a.csv", "  baris 3, kolom 'y': kosong; diharapkan e",
    ]  # fmt: skip
    missing = MissingDataError("data/x/2024", "buat folder")
    assert isinstance(missing, FileNotFoundError)
    assert str(missing) == "data/x/2024 tidak ada: buat folder"
    build = BuildError("output/lakip.ipynb", 7, "KeyError", "'WA-01'")
    assert isinstance(build, RuntimeError)
    assert str(build) == "notebook output/lakip.ipynb gagal di sel 7: KeyError: 'WA-01'"


def test_data_dictionary_is_up_to_date():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_data_dictionary.py"), "--check"],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


# Found by tests/test_fuzz.py: a negative target passed the loader; the summary step then
# refused it ("target 0"), so `lakip periksa` printed that one error instead of its list.
@pytest.mark.parametrize("target", ["-1%", "-250%"])
def test_a_negative_target_is_a_loader_finding_on_its_row(tmp_path, target):
    from lakipkit.audit import run_periksa

    shutil.copytree(REAL / "kpu-kota-bontang", tmp_path / "kpu-kota-bontang")
    path = tmp_path / "kpu-kota-bontang" / "2024" / "indikator.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",95%,", f",{target},")
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataValidationError) as raised:
        load_year(tmp_path, "kpu-kota-bontang", 2024)
    (finding,) = raised.value.findings
    assert (Path(finding.file).name, finding.row, finding.column, finding.value) == (
        "indikator.csv", 2, "target", target)  # fmt: skip
    assert "negatif" in finding.message
    code, text = run_periksa(tmp_path, "kpu-kota-bontang", 2024)
    assert code == 1 and "baris 2, kolom 'target'" in text


# Found while fuzzing the budget: amounts whose total passes int64 wrapped to a negative
# total pagu in summary.json and the report, silently.
def test_a_budget_column_whose_total_passes_int64_is_a_finding(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "data")
    path = tmp_path / "data" / "contoh-satker" / "2023" / "anggaran.csv"
    big = "999.999.999.999.999.999"
    rows = "".join(f"X{i},,Baris {i},APBN,{big},5,\n" for i in range(10))
    path.write_text(path.read_text(encoding="utf-8") + rows, encoding="utf-8")
    with pytest.raises(DataValidationError) as raised:
        load_year(tmp_path / "data", "contoh-satker", 2023)
    found = {(Path(f.file).name, f.row, f.column, f.kode) for f in raised.value.findings}
    assert found == {("anggaran.csv", 17, "pagu", "invalid_rupiah")}


def test_the_quarterly_budget_file_refuses_negative_amounts(tmp_path):
    from lakipkit.triwulan import read_anggaran_triwulan

    shutil.copytree(FIXTURE, tmp_path / "data")
    path = tmp_path / "data" / "contoh-satker" / "2023" / "anggaran_triwulan.csv"
    path.write_text("kode,triwulan,rencana,realisasi\n1001,1,100,-5\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as raised:
        read_anggaran_triwulan(tmp_path / "data", "contoh-satker", 2023)
    found = {(Path(f.file).name, f.row, f.column, f.kode) for f in raised.value.findings}
    assert found == {("anggaran_triwulan.csv", 2, "realisasi", "negative_amount")}


def test_a_count_column_whose_total_passes_int64_is_a_finding(tmp_path):
    """The staff table's total wrapped to a negative number the same way."""
    shutil.copytree(FIXTURE, tmp_path / "data")
    path = tmp_path / "data" / "contoh-satker" / "pegawai.csv"
    rows = "".join(f"1.1,{10 + i},Jabatan {i},999999999999999999,Organik\n" for i in range(10))
    path.write_text(path.read_text(encoding="utf-8") + rows, encoding="utf-8")
    with pytest.raises(DataValidationError) as raised:
        load_year(tmp_path / "data", "contoh-satker", 2023)
    found = {(Path(f.file).name, f.column, f.kode) for f in raised.value.findings}
    assert found == {("pegawai.csv", "jumlah", "invalid_integer")}
