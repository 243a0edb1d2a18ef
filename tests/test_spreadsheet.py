"""The data workbook round trip: lakip xlsx -> edit in a spreadsheet -> lakip impor."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import openpyxl.styles
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lakipkit import spreadsheet
from lakipkit.cli import main
from lakipkit.loading import load_year
from lakipkit.parsing import parse_nilai, parse_rupiah
from lakipkit.spreadsheet import (
    WorkbookError,
    format_number,
    import_workbook,
    workbook_sheets,
    write_workbook,
)
from lakipkit.tahun_baru import start_year

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SLOW = pytest.mark.slow
YEARS = [
    (ROOT / "data", "kpu-kota-bontang", 2024),
    (FIXTURES / "data", "contoh-satker", 2023),
    (FIXTURES / "pemda", "disarpus-kabupaten-contoh", 2024),  # pohon.csv, monthly realisasi
    pytest.param(FIXTURES / "multi", "contoh-sintetis", 2022, marks=SLOW),
    pytest.param(FIXTURES / "multi", "contoh-sintetis", 2023, marks=SLOW),
    pytest.param(FIXTURES / "multi", "contoh-sintetis", 2024, marks=SLOW),
    pytest.param(FIXTURES / "audit", "contoh-audit", 2024, marks=SLOW),
]


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the hash of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def copy_data(tmp_path: Path, root: Path, satker: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(root / satker, data / satker)
    return data


@pytest.mark.parametrize(("root", "satker", "tahun"), YEARS, ids=lambda v: str(v)[-20:])
def test_export_then_import_without_edits_changes_no_byte(tmp_path, root, satker, tahun):
    data = copy_data(tmp_path, root, satker)
    before = snapshot(data)
    book = write_workbook(data, satker, tahun, tmp_path / "data.xlsx")
    result = import_workbook(data, satker, tahun, book)
    assert result.changes == ()
    assert snapshot(data) == before


def test_sheets_follow_the_schemas(tmp_path):
    book = write_workbook(ROOT / "data", "kpu-kota-bontang", 2024, tmp_path / "d.xlsx")
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["petunjuk", *(s.name for s in workbook_sheets())]
    ws = wb["indikator"]
    header = [c.value for c in ws[2]]
    assert header[:5] == ["id", "sasaran", "uraian", "satuan", "target"]
    assert "target PK" in ws["E2"].comment.text
    assert ws["A2"].font.b and not ws["G2"].font.b  # id wajib, rumus boleh kosong
    assert ws.freeze_panes == "A3"
    rules = {str(v.sqref).split(":")[0]: v.formula1 for v in ws.data_validations.dataValidation}
    assert rules["F3"] == '"positif,negatif,rentang,kualitatif"'
    assert rules["B3"].startswith("sasaran!$A$3:$A$")
    anggaran = wb["anggaran"]
    pagu = anggaran["E2"]
    assert pagu.value == "pagu"
    first = anggaran["E3"]
    assert first.value == 38_034_219_000 and first.number_format == "#,##0"
    jadwal = wb["jadwal_pemutakhiran"]
    assert jadwal["D3"].value == dt.datetime(2024, 5, 25)
    assert wb["realisasi"]["B3"].value == "95%"  # a value with its satuan stays text
    laporan = {r[0].value: r[1].value for r in wb["laporan"].iter_rows(min_row=3)}
    assert laporan["pk.tanggal"] == "2024-02-12" and laporan["tahun"] == 2024
    narasi = {r[0].value: r[1].value for r in wb["narasi"].iter_rows(min_row=3)}
    assert narasi["bab4_penutup"] == (
        ROOT / "data/kpu-kota-bontang/2024/narasi/bab4_penutup.md"
    ).read_text(encoding="utf-8")


def edit(book: Path, out: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    """Open with another library, change, save: what a spreadsheet program hands back."""
    wb = openpyxl.load_workbook(book)
    change(wb)
    wb.save(out)
    return out


def rows_of(ws, key: str) -> int:
    return next(c.row for c in ws["A"] if c.value == key)


@pytest.fixture(scope="module")
def bontang_book(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("book")
    return write_workbook(ROOT / "data", "kpu-kota-bontang", 2024, folder / "d.xlsx")


def test_spreadsheet_edits_become_the_texts_a_planner_means(tmp_path, bontang_book):
    data = copy_data(tmp_path, ROOT / "data", "kpu-kota-bontang")
    year = data / "kpu-kota-bontang" / "2024"

    def change(wb):
        wb["indikator"]["E3"] = "96%"
        anggaran = wb["anggaran"]
        anggaran[f"E{rows_of(anggaran, '6639')}"] = 25_657_790_001.0  # a float, as Excel stores
        wb["jadwal_pemutakhiran"]["D3"] = dt.datetime(2024, 5, 26)
        realisasi = wb["realisasi"]
        realisasi["B3"] = 0.955
        realisasi["B3"].number_format = "0.0%"
        laporan = wb["laporan"]
        laporan[f"B{rows_of(laporan, 'tempat')}"] = "Kota Bontang"
        laporan[f"B{rows_of(laporan, 'pk.tanggal')}"] = dt.datetime(2024, 2, 13)
        wb["produk_hukum"].append([99, "Surat Edaran", 3])
        narasi = wb["narasi"]
        row = rows_of(narasi, "bab4_penutup")
        narasi[f"B{row}"] = narasi[f"B{row}"].value + "\nKalimat tambahan.\n"

    result = import_workbook(
        data, "kpu-kota-bontang", 2024, edit(bontang_book, tmp_path / "e.xlsx", change)
    )
    changes = {c.file: c for c in result.changes}
    assert set(changes) == {
        "2024/indikator.csv", "2024/anggaran.csv", "2024/jadwal_pemutakhiran.csv",
        "2024/realisasi.csv", "2024/laporan.yaml", "2024/produk_hukum.csv",
        "2024/narasi/bab4_penutup.md",
    }  # fmt: skip
    assert (
        str(changes["2024/produk_hukum.csv"]) == "2024/produk_hukum.csv: diubah (1 baris ditambah)"
    )
    assert changes["2024/indikator.csv"].diubah == 1
    assert ",96%,positif" in (year / "indikator.csv").read_text()
    assert ",25.657.790.001,," in (year / "anggaran.csv").read_text()
    assert ",2024-05-26,2024-06-23" in (year / "jadwal_pemutakhiran.csv").read_text()
    assert "WA-01,95.5%," in (year / "realisasi.csv").read_text()  # the column's decimal point
    laporan = (year / "laporan.yaml").read_text()
    assert "tempat: Kota Bontang\n" in laporan and "  tanggal: 2024-02-13\n" in laporan
    assert laporan.startswith("# Data laporan tahun 2024")  # comments kept
    assert "99,Surat Edaran,3\n" in (year / "produk_hukum.csv").read_text()
    loaded = load_year(data, "kpu-kota-bontang", 2024)
    assert loaded.laporan["pk"]["tanggal"] == dt.date(2024, 2, 13)
    # unchanged files keep their bytes
    assert (year / "program.csv").read_bytes() == (
        ROOT / "data/kpu-kota-bontang/2024/program.csv"
    ).read_bytes()


def cache_formula(book: Path, sheet_xml: str, cell: str, value: str) -> None:
    """Give a formula the cached value Excel or LibreOffice would have stored."""
    with zipfile.ZipFile(book) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts[sheet_xml].decode()
    xml, count = re.subn(
        rf'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)(<v>\s*</v>|<v/>)?', rf"\1\2<v>{value}</v>", xml
    )
    assert count == 1
    parts[sheet_xml] = xml.encode()
    with zipfile.ZipFile(book, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


def sheet_part(book: Path, name: str) -> str:
    wb = openpyxl.load_workbook(book)
    return f"xl/worksheets/sheet{wb.sheetnames.index(name) + 1}.xml"


def test_formulas_with_cached_values_and_a_merged_title_are_read(tmp_path, bontang_book):
    data = copy_data(tmp_path, ROOT / "data", "kpu-kota-bontang")

    def change(wb):
        dpt = wb["dpt"]
        dpt["B3"] = "=69000+537"  # same value as before
        dpt.merge_cells("A1:B1")  # a merged title above the header is fine

    book = edit(bontang_book, tmp_path / "f.xlsx", change)
    cache_formula(book, sheet_part(book, "dpt"), "B3", "69537")
    assert import_workbook(data, "kpu-kota-bontang", 2024, book).changes == ()


def test_a_new_year_gives_a_workbook_to_fill_in(tmp_path):
    data = copy_data(tmp_path, ROOT / "data", "kpu-kota-bontang")
    start_year(data, "kpu-kota-bontang", 2025, 2024)
    before = snapshot(data)
    book = write_workbook(data, "kpu-kota-bontang", 2025, tmp_path / "2025.xlsx")
    wb = openpyxl.load_workbook(book)
    targets = [r[4].value for r in wb["indikator"].iter_rows(min_row=3) if r[0].value]
    assert targets and all(t is None for t in targets)
    assert import_workbook(data, "kpu-kota-bontang", 2025, book).changes == ()
    assert snapshot(data) == before

    def fill(wb):
        wb["indikator"]["E3"] = "97%"

    result = import_workbook(data, "kpu-kota-bontang", 2025, edit(book, tmp_path / "g.xlsx", fill))
    assert [c.file for c in result.changes] == ["2025/indikator.csv"]


def test_cli_export_edit_import(tmp_path, capsys):
    data = copy_data(tmp_path, FIXTURES / "data", "contoh-satker")
    book = tmp_path / "buku.xlsx"
    assert main(["xlsx", "--tahun", "2023", "--data", str(data), "--output", str(book)]) == 0
    assert capsys.readouterr().out.strip() == str(book)
    assert main(["impor", "--tahun", "2023", "--data", str(data), str(book)]) == 0
    assert "tidak ada perubahan" in capsys.readouterr().out

    def change(wb):
        wb["program"]["D3"] = "Program Baru"

    edited = edit(book, tmp_path / "e.xlsx", change)
    before = snapshot(data)
    assert main(["impor", "--tahun", "2023", "--data", str(data), "--coba", str(edited)]) == 0
    assert "2023/program.csv: diubah (1 baris diubah)" in capsys.readouterr().out
    assert snapshot(data) == before
    assert main(["impor", "--tahun", "2023", "--data", str(data), str(edited)]) == 0
    assert "Program Baru" in (data / "contoh-satker/2023/program.csv").read_text()


@given(st.integers(min_value=0, max_value=10**14))
def test_rupiah_cells_read_back_as_the_same_amount(amount):
    assert parse_rupiah(format_number(float(amount), "rupiah")) == amount


@given(st.decimals(min_value=0, max_value=10**6, places=3), st.sampled_from([",", "."]))
def test_number_cells_in_value_columns_read_back(value, decimal):
    text = format_number(float(value), "nilai", decimal, percent=False)
    assert parse_nilai(text).angka == pytest.approx(float(value))


# --- the corpus of broken workbooks --------------------------------------------------------

SATKER, TAHUN = "contoh-satker", 2023


@pytest.fixture(scope="module")
def small_book(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("small")
    return write_workbook(FIXTURES / "data", SATKER, TAHUN, folder / "kecil.xlsx")


def _set(sheet: str, cell: str, value, number_format: str | None = None):
    def change(wb):
        wb[sheet][cell] = value
        if number_format:
            wb[sheet][cell].number_format = number_format

    return change


def _rename(wb):
    wb["indikator"].title = "Indikator 2023"


def _extra_column(wb):
    wb["program"]["E2"] = "catatan"
    wb["program"]["E3"] = "tambahan"


def _missing_column(wb):
    wb["indikator"].delete_cols(4)  # satuan


def _merged(wb):
    wb["program"].merge_cells("B3:C3")


def _formula(wb):
    wb["anggaran"]["E3"] = "=1000+2000"


def _hidden(wb):
    wb["mitra"].sheet_state = "hidden"


def _huge(wb):
    ws = wb["ppid"]
    for i in range(60):
        ws.append([i + 10, f"REG-{i}", "informasi"])


def _unnamed_column(wb):
    wb["program"]["H3"] = "nilai tanpa kolom"


def _boolean(wb):
    wb["program"]["D3"] = True


def _error_cell(wb):
    wb["program"]["D3"] = "#DIV/0!"


def _duplicate_id(wb):
    wb["program"]["A4"] = wb["program"]["A3"].value


def _empty_required(wb):
    wb["program"]["D3"] = None


def _bad_yaml_value(wb):
    ws = wb["laporan"]
    ws[f"B{rows_of(ws, 'pk.tanggal')}"] = "kemarin"


def _bad_yaml_key(wb):
    wb["laporan"].append(["pk..tanggal", "x"])


def _narasi_escape(wb):
    wb["narasi"].append(["../../luar", "teks"])


def _extra_sheet(wb):
    wb.create_sheet("Sheet1")["A1"] = "coba"


def _other_year(wb):
    wb["petunjuk"]["B4"] = 2022


def _other_satker(wb):
    wb["petunjuk"]["B3"] = "kpu-kota-lain"


def _header_deleted(wb):
    wb["program"].delete_rows(2)  # the data moves up into the header's place


def _very_hidden(wb):
    wb["mitra"].sheet_state = "veryHidden"  # hidden so that only a macro shows it again


def _referenced_row_deleted(wb):
    wb["sasaran"].delete_rows(3)  # WA-S01, which indikator WA-01 names


def _every_indicator_deleted(wb):
    wb["indikator"].delete_rows(3, 50)


def _duplicate_header(wb):
    wb["program"]["E2"] = "nama"
    wb["program"]["E3"] = "Program Lain"


def _percent_in_rupiah(wb):
    wb["anggaran"]["E3"] = 0.5
    wb["anggaran"]["E3"].number_format = "0%"


def _value_without_key(wb):
    ws = wb["laporan"]
    ws.cell(ws.max_row + 2, 2, "nilai tanpa kunci")


def _text_without_section(wb):
    ws = wb["narasi"]
    ws.cell(ws.max_row + 1, 2, "Paragraf tanpa nama berkas.")


def _unknown_reference(wb):
    wb["indikator"]["B3"] = "ZZ-S09"


EDITS = {
    "nama lembar salah": (_rename, "Indikator 2023: lembar tidak dikenal (maksudnya 'indikator'?"),
    "kolom tambahan": (_extra_column, "program!E2: kolom 'catatan'"),
    "kolom wajib hilang": (_missing_column, "indikator baris 2 (baris kepala): kolom 'satuan'"),
    "teks di kolom rupiah": (_set("anggaran", "E3", "dua juta"), "anggaran!E3 (pagu): 'dua juta'"),
    "tanggal sebagai nomor seri": (
        _set("jadwal_pemutakhiran", "D3", 45437, "General"),
        "jadwal_pemutakhiran!D3 (mulai): angka 45437 di kolom tanggal",
    ),
    "tanggal di kolom teks": (
        _set("program", "D3", dt.datetime(2024, 1, 2)),
        "program!D3 (nama): berisi tanggal",
    ),
    "pecahan di kolom rupiah": (
        _set("anggaran", "E3", 1.5),
        "anggaran!E3 (pagu): angka pecahan 1,5; diharapkan bilangan bulat",
    ),
    "sel digabung": (_merged, "program!B3:C3: sel digabung"),
    "rumus tanpa nilai": (_formula, "anggaran!E3: rumus =1000+2000 tanpa nilai tersimpan"),
    "lembar tersembunyi": (_hidden, "mitra: lembar tersembunyi"),
    "lembar terlalu besar": (_huge, "ppid: berisi 63 baris, melebihi batas 50"),
    "kolom tanpa nama": (_unnamed_column, "program!H2: kolom tanpa nama berisi nilai"),
    "nilai benar/salah": (_boolean, "program!D3 (nama): nilai benar/salah"),
    "sel galat": (_error_cell, "program!D3 (nama): nilai galat #DIV/0!"),
    "id ganda": (
        _duplicate_id,
        "program!A4 (kode): 'WA' muncul lebih dari sekali (juga di program!A3)",
    ),
    "wajib kosong": (_empty_required, "program!D3 (nama): kosong padahal wajib diisi"),
    "angka 18 digit": (
        _set("organisasi", "F3", 198_001_012_006_041_001),
        "organisasi!F3 (nip): angka lebih dari 15 digit",
    ),
    "tanggal YAML salah": (_bad_yaml_value, "'kemarin' bukan tanggal"),
    "kunci YAML salah": (_bad_yaml_key, "'pk..tanggal' bukan kunci"),
    "narasi keluar folder": (_narasi_escape, "'../../luar' bukan nama bagian narasi"),
    "lembar tambahan": (_extra_sheet, "Sheet1: lembar tidak dikenal (hapus lembar itu)"),
    "tahun lain": (_other_year, "petunjuk!B4: buku kerja ini untuk tahun 2022, bukan 2023"),
    "id tidak dikenal": (
        _unknown_reference,
        "indikator!B3 (sasaran): 'ZZ-S09' tidak ada di lembar sasaran",
    ),
    "satker lain": (_other_satker, "petunjuk!B3: buku kerja ini untuk satker kpu-kota-lain"),
    "baris kepala terhapus": (
        _header_deleted,
        "program: baris kepala (nama kolom) tidak ditemukan di 20 baris pertama; diharapkan "
        "satu baris berisi nama kolom: kode, kode_anggaran, huruf, nama",
    ),
    "lembar sangat tersembunyi": (_very_hidden, "mitra: lembar tersembunyi"),
    "baris yang dirujuk dihapus": (
        _referenced_row_deleted,
        "indikator!B3 (sasaran): 'WA-S01' tidak ada di lembar sasaran",
    ),
    "lembar wajib dikosongkan": (
        _every_indicator_deleted,
        "indikator: hanya berisi header, padahal wajib ada baris data",
    ),
    "kolom ganda": (_duplicate_header, "program!E2: kolom 'nama' ditulis dua kali"),
    "persen di kolom rupiah": (
        _percent_in_rupiah,
        "anggaran!E3 (pagu): angka pecahan 0,5; diharapkan bilangan bulat",
    ),
    "rupiah bersen sebagai teks": (
        _set("anggaran", "E3", "1.234.567,50"),
        "anggaran!E3 (pagu): '1.234.567,50' bukan jumlah rupiah yang sah; diharapkan rupiah utuh",
    ),
    "pagu negatif": (_set("anggaran", "E3", -5), "anggaran!E3 (pagu): '-5' negatif"),
    "realisasi berupa kata": (
        _set("realisasi", "B3", "sembilan puluh"),
        "realisasi!B3 (realisasi): 'sembilan puluh' bukan nilai yang sah; diharapkan angka",
    ),
    "pilihan dengan huruf besar": (
        _set("indikator", "F3", "Positif"),
        "indikator!F3 (polaritas): 'Positif' bukan nilai yang diizinkan; diharapkan salah satu",
    ),
    "tanggal sebagai teks dd/mm/yyyy": (
        _set("jadwal_pemutakhiran", "D3", "25/05/2024"),
        "jadwal_pemutakhiran!D3 (mulai): '25/05/2024' bukan tanggal yang sah; diharapkan",
    ),
    "nilai YAML tanpa kunci": (_value_without_key, ": nilai tanpa kunci"),
    "narasi tanpa nama berkas": (_text_without_section, ": teks tanpa nama berkas"),
}


def _file(tmp_path: Path, small_book: Path, kind: str) -> tuple[Path, str]:
    """Workbooks broken as files, not as content."""
    if kind == "xlsm":
        path = tmp_path / "makro.xlsm"
        shutil.copyfile(small_book, path)
        return path, "berkas bermakro (.xlsm) tidak diterima"
    if kind == "vba":
        path = tmp_path / "vba.xlsx"
        shutil.copyfile(small_book, path)
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr("xl/vbaProject.bin", b"\0")
        return path, "berisi makro (VBA)"
    if kind == "bukan zip":
        path = tmp_path / "teks.xlsx"
        path.write_text("id,nama\n1,a\n")
        return path, "bukan buku kerja Excel (.xlsx)"
    if kind == "xls":
        path = tmp_path / "lama.xlsx"
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
        return path, "berkas Excel lama (.xls)"
    if kind == "ods":
        path = tmp_path / "calc.xlsx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        return path, "berkas OpenDocument (.ods)"
    if kind == "zip lain":
        path = tmp_path / "arsip.xlsx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("isi.txt", "halo")
        return path, "bukan buku kerja Excel (.xlsx)"
    if kind == "terpotong":
        path = tmp_path / "potong.xlsx"
        data = small_book.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        return path, "rusak atau tidak lengkap (terpotong saat disalin atau diunduh?)"
    raise AssertionError(kind)


FILES = ["xlsm", "vba", "bukan zip", "xls", "ods", "zip lain", "terpotong"]


@pytest.mark.parametrize("case", [*EDITS, *FILES])
def test_every_broken_workbook_is_told_and_nothing_is_written(
    tmp_path, small_book, monkeypatch, case
):
    data = copy_data(tmp_path, FIXTURES / "data", SATKER)
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 50)
    if case in EDITS:
        change, expected = EDITS[case]
        book = edit(small_book, tmp_path / "rusak.xlsx", change)
    else:
        book, expected = _file(tmp_path, small_book, case)
    before = snapshot(data)
    with pytest.raises(WorkbookError) as error:
        import_workbook(data, SATKER, TAHUN, book)
    message = str(error.value)
    assert expected in message, message
    assert message.endswith("tidak ada file yang ditulis")
    assert "Traceback" not in message
    assert snapshot(data) == before


def test_every_problem_is_told_at_once(tmp_path, small_book):
    data = copy_data(tmp_path, FIXTURES / "data", SATKER)

    def change(wb):
        wb["anggaran"]["E3"] = "dua juta"
        wb["program"]["D3"] = None
        wb["mitra"].sheet_state = "hidden"
        wb.create_sheet("Sheet1")

    with pytest.raises(WorkbookError) as error:
        import_workbook(data, SATKER, TAHUN, edit(small_book, tmp_path / "x.xlsx", change))
    wheres = [p.where.split(" ")[0] for p in error.value.problems]
    assert {"anggaran!E3", "program!D3", "mitra", "Sheet1"} <= set(wheres)


def test_cli_reports_a_broken_workbook_in_one_block(tmp_path, small_book, capsys):
    data = copy_data(tmp_path, FIXTURES / "data", SATKER)
    book = edit(small_book, tmp_path / "x.xlsx", _set("anggaran", "E3", "dua juta"))
    assert main(["impor", "--tahun", "2023", "--data", str(data), str(book)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("lakip: 1 masalah pada buku kerja x.xlsx:\n  anggaran!E3 (pagu)")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize(("root", "satker", "tahun"), YEARS[:3], ids=lambda v: str(v)[-20:])
def test_a_workbook_saved_again_by_libreoffice_changes_nothing(tmp_path, root, satker, tahun):
    """Calc gives its own cell types back (numbers, dates, shared strings, long texts)."""
    import subprocess

    data = copy_data(tmp_path, root, satker)
    before = snapshot(data)
    book = write_workbook(data, satker, tahun, tmp_path / "buku.xlsx")
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profil",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "lo"),
         str(book)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    saved = tmp_path / "lo" / book.name
    assert saved.read_bytes() != book.read_bytes()  # written again by Calc, not copied
    result = import_workbook(data, satker, tahun, saved)
    assert result.changes == ()
    assert snapshot(data) == before


def test_a_unit_in_a_hierarchy_with_catalogue_indicators_imports(tmp_path):
    """The trial folder the workbook is checked in carries the catalogue and the parents.

    A synthetic kabupaten names its province as satker_induk and references catalogue
    indicators: importing its own unchanged workbook changes nothing, and a satuan that
    departs from the catalogue is told on the indikator sheet.
    """
    from lakipkit.contoh import generate_units

    data = tmp_path / "data"
    generate_units(data, 3, [2024], peluang_kontradiksi=0)
    satker = "rekaan-kab-01-01"
    before = snapshot(data)
    book = write_workbook(data, satker, 2024, tmp_path / "kab.xlsx")
    assert import_workbook(data, satker, 2024, book).changes == ()
    assert snapshot(data) == before

    def satuan(wb):
        ws = wb["indikator"]
        row = rows_of(ws, "WA-02")
        assert ws[f"J{row}"].value == "KPU-02" and ws[f"D{row}"].value == "kali"
        ws[f"D{row}"] = "laporan"

    with pytest.raises(WorkbookError) as caught:
        import_workbook(data, satker, 2024, edit(book, tmp_path / "satuan.xlsx", satuan))
    told = str(caught.value)
    assert "indikator!D" in told and "(satuan)" in told and "katalog KPU-02" in told
    assert snapshot(data) == before


# --- what planners do to a workbook that is not an error -------------------------------------


def _blank_rows_between(wb):
    wb["program"].insert_rows(4, 2)  # between the two programmes
    wb["narasi"].insert_rows(4, 3)


def _formatted_blank_rows(wb):
    ws = wb["ppid"]  # a column formatted down to row 400: more rows than the limit, all blank
    for row in range(3, 400):
        ws.cell(row, 1).number_format = "@"
        ws.cell(row, 12).fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")


def _blank_columns_between(wb):
    wb["program"].insert_cols(2, 2)


def _header_spaces_and_capitals(wb):
    ws = wb["indikator"]
    ws["D2"] = " satuan  "
    ws["E2"] = "Target"
    ws["F2"] = "POLARITAS"


def _column_moved(wb):
    ws = wb["program"]  # 'kode' cut and pasted after the last column
    ws.move_range("A2:A4", cols=5)


def _title_replaced_by_notes(wb):
    ws = wb["program"]
    ws.unmerge_cells("A1:D1")
    ws.delete_rows(1)  # no title
    ws.insert_rows(1, 6)  # six rows of the planner's own notes above the header
    ws["A1"] = "Catatan: diperiksa Kasubbag Program, 3 Maret"


def _spaces_after_values(wb):
    ws = wb["program"]
    ws["A3"] = ws["A3"].value + " "
    ws["D3"] = ws["D3"].value + "\u00a0"  # a non-breaking space, pasted from Word


def _numbers_as_indonesian_text(wb):
    ws = wb["anggaran"]  # the same amounts typed as text, as printed in the DIPA
    for row in range(3, 6):
        ws[f"E{row}"] = f"{ws[f'E{row}'].value:,}".replace(",", ".")
    wb["indikator"]["E3"] = "97,5%"


def _sheets_reordered_and_one_removed(wb):
    wb.move_sheet("narasi", offset=-5)
    del wb["mitra"]  # a sheet removed: its file stays as it is


def _row_deleted_in_the_middle(wb):
    ws = wb["realisasi"]
    assert ws["A4"].value == "WA-02"
    ws.delete_rows(4)  # the realisasi of WA-02 is not known yet


HABITS = {
    "baris kosong di tengah": (_blank_rows_between, []),
    "baris kosong berformat": (_formatted_blank_rows, []),
    "kolom kosong disisipkan": (_blank_columns_between, []),
    "spasi dan huruf besar di nama kolom": (_header_spaces_and_capitals, []),
    "kolom dipindah": (_column_moved, []),
    "judul diganti catatan": (_title_replaced_by_notes, []),
    "spasi sesudah nilai": (_spaces_after_values, []),
    "angka sebagai teks berpemisah titik": (_numbers_as_indonesian_text, []),
    "lembar diurutkan ulang dan dihapus": (_sheets_reordered_and_one_removed, []),
    "baris dihapus di tengah": (
        _row_deleted_in_the_middle,
        ["2023/realisasi.csv: diubah (1 baris dihapus)"],
    ),
}


@pytest.mark.parametrize("case", HABITS)
def test_what_planners_do_to_a_workbook_is_read_as_meant(tmp_path, small_book, monkeypatch, case):
    """Blank rows and columns, loose headers, moved columns, text numbers: no error, no noise.

    A file changes only where its content does: every other file keeps its bytes.
    """
    data = copy_data(tmp_path, FIXTURES / "data", SATKER)
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 50)
    change, expected = HABITS[case]
    before = snapshot(data)
    result = import_workbook(data, SATKER, TAHUN, edit(small_book, tmp_path / "e.xlsx", change))
    assert [str(c) for c in result.changes] == expected
    after = snapshot(data)
    changed = {f"{SATKER}/{TAHUN}/realisasi.csv"} if expected else set()
    assert {k for k in before if before[k] != after.get(k)} == changed
    if expected:
        assert "WA-02" not in (data / SATKER / f"{TAHUN}/realisasi.csv").read_text()


@pytest.mark.slow
def test_a_sheet_over_the_row_limit_is_refused_at_its_real_size(tmp_path, small_book):
    """20 001 data rows (not a lowered limit): told, nothing written."""
    data = copy_data(tmp_path, FIXTURES / "data", SATKER)

    def grow(wb):
        ws = wb["ppid"]
        for i in range(spreadsheet.MAX_ROWS):
            ws.append([i + 10, f"REG-{i}", "informasi"])

    book = edit(small_book, tmp_path / "besar.xlsx", grow)
    before = snapshot(data)
    with pytest.raises(WorkbookError) as error:
        import_workbook(data, SATKER, TAHUN, book)
    assert "ppid: berisi 20.003 baris, melebihi batas 20.000" in str(error.value)
    assert snapshot(data) == before


# --- a planner's whole path, without touching a CSV ------------------------------------------


@pytest.mark.slow
def test_a_planner_exports_edits_imports_checks_and_builds_without_a_csv(tmp_path, capsys):
    """lakip xlsx -> edit (openpyxl plays LibreOffice) -> impor -> periksa -> build; then the
    next year: tahun-baru -> xlsx (empty targets) -> fill in -> impor -> periksa.
    """
    data = copy_data(tmp_path, FIXTURES / "data", SATKER)
    args = ["--data", str(data), "--satker", SATKER]
    book = tmp_path / "data-2023.xlsx"
    assert main(["xlsx", "--tahun", "2023", *args, "--output", str(book)]) == 0

    def year_end(wb):
        realisasi = wb["realisasi"]
        assert realisasi["A3"].value == "WA-01"
        realisasi["B3"] = 0.991  # typed as a number in a cell formatted as a percentage
        realisasi["B3"].number_format = "0.0%"
        anggaran = wb["anggaran"]
        assert anggaran["A5"].value == "1002"
        anggaran["F5"] = 185_250_000  # realisasi of Operasional Perkantoran
        anggaran["F3"] = "=F4+F5"  # the programme's total as a formula...
        wb["narasi"].append(["bab4_penutup", "Tahun depan layanan ditingkatkan."])  # a new part

    edited = edit(book, tmp_path / "data-2023-diisi.xlsx", year_end)
    cache_formula(edited, sheet_part(edited, "anggaran"), "F3", "465250000")  # ...as saved
    assert main(["impor", "--tahun", "2023", *args, str(edited)]) == 0
    told = capsys.readouterr().out
    assert "2023/realisasi.csv: diubah (1 baris diubah)" in told
    assert "2023/anggaran.csv: diubah (2 baris diubah)" in told
    assert "2023/narasi/bab4_penutup.md: dibuat" in told
    assert main(["periksa", "--tahun", "2023", *args]) == 0
    capsys.readouterr()
    out = tmp_path / "keluaran"
    assert main(["build", "--tahun", "2023", *args, "--format", "html,docx",
                 "--output", str(out)]) == 0  # fmt: skip
    html = next(out.rglob("*.html")).read_text(encoding="utf-8")
    assert "99,1%" in html and "465.250.000" in html and "layanan ditingkatkan" in html
    assert next(out.rglob("*.docx")).stat().st_size > 0

    assert main(["tahun-baru", "--tahun", "2024", "--dari", "2023", *args]) == 0
    new_book = tmp_path / "data-2024.xlsx"
    assert main(["xlsx", "--tahun", "2024", *args, "--output", str(new_book)]) == 0
    wb = openpyxl.load_workbook(new_book)
    targets = {r[0].value: r[4].value for r in wb["indikator"].iter_rows(min_row=3) if r[0].value}
    assert targets and set(targets.values()) == {None}  # the structure, no targets yet

    last_year = {
        r[0].value: r[4].value
        for r in openpyxl.load_workbook(book)["indikator"].iter_rows(min_row=3)
    }

    def targets_2024(wb):  # last year's targets typed in again
        for row in wb["indikator"].iter_rows(min_row=3):
            if row[0].value:
                row[4].value = last_year[row[0].value]

    filled = edit(new_book, tmp_path / "data-2024-diisi.xlsx", targets_2024)
    capsys.readouterr()
    assert main(["impor", "--tahun", "2024", *args, str(filled)]) == 0
    assert "2024/indikator.csv: diubah" in capsys.readouterr().out
    assert main(["periksa", "--tahun", "2024", *args]) == 0
    with open(data / SATKER / "2024" / "indikator.csv", encoding="utf-8") as handle:
        written = {r["id"]: r["target"] for r in csv.DictReader(handle)}
    assert written == {k: v for k, v in last_year.items() if k}
