"""The data workbook: every data file of a satker-year as one XLSX, and back to the files.

Planners keep their figures in spreadsheets; the plain files under ``data/`` stay the source
of truth. ``write_workbook`` makes one workbook from the files, a sheet per file, generated
from the schemas (so it follows the data dictionary); ``import_workbook`` reads it back, also
after Excel or LibreOffice saved it, checks the would-be files with the loader in a temporary
folder and only when everything is valid replaces the files that changed. A file whose
content did not change is not touched: export then import without edits leaves every byte.

Layout of a data sheet: row 1 a title, row 2 the column names (bold = wajib diisi; a comment
says what the column means), data from row 3; the header row is found by its names, so a
deleted title row does no harm. Cells hold the text of the file, except where a number or a
date reads back to exactly that text: a rupiah written ``40.719.755.000`` becomes the number
40719755000 shown with thousands separators, a ``bulat`` the number, an ISO date a date cell.
Reading back, a number cell becomes the text the file would hold (rupiah ``40.719.755.000``,
a percentage cell ``97,5%``), so a planner may type numbers as numbers.

XlsxWriter writes (comments, dropdowns, formats, reproducible files), openpyxl reads (cached
values of formulas, merged cells, hidden sheets): docs/spreadsheet.md says why.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel

from lakipkit.errors import DataValidationError, Finding, LakipError, MissingDataError
from lakipkit.formatting import format_angka
from lakipkit.parsing import FORMATS, parse_column
from lakipkit.schemas import (
    REFERENCES,
    SIDE_TABLES,
    TABLES,
    YAML_FILES,
    Rupiah,
    Table,
    Tanggal,
    columns,
)

PETUNJUK = "petunjuk"
NARASI = "narasi"
TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3  # rows as a person sees them (1-based)
#: Rows offered a dropdown below the data, for rows a planner adds.
_SPARE_ROWS = 500
#: A cell holds at most 32 767 characters; longer narrative goes on in the next row.
_CELL_CHARS = 32_000
MAX_BYTES = 20_000_000  # the workbook file
MAX_XML_BYTES = 60_000_000  # all parts unpacked (a zip bomb stops here)
MAX_ROWS = 20_000  # rows of one sheet holding values (blank formatted rows do not count)
#: The header row is looked for in the first rows: a title, notes or blank rows may precede it.
_HEADER_SEARCH = 20
_EXCEL_DIGITS = 15  # a number cell keeps 15 significant digits
#: Parent columns that refer to rows of the same or another file, besides REFERENCES: they
#: get a dropdown too (their existence is checked by the loader's hierarchy checks).
_PARENTS: tuple[tuple[str, str, str, str], ...] = (
    ("anggaran.csv", "induk", "anggaran.csv", "kode"),
    ("rkt_pendanaan.csv", "induk", "rkt_pendanaan.csv", "kode"),
    ("organisasi.csv", "induk", "organisasi.csv", "id"),
    ("anggaran_triwulan.csv", "kode", "anggaran.csv", "kode"),
    ("renstra.csv", "indikator", "indikator.csv", "id"),
)
#: XlsxWriter options: text stays text (no guessed numbers, formulas or links).
XLSX_TEXT = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
_NARASI_KEY = re.compile(r"[a-z0-9_]+|analisis/[A-Za-z0-9][A-Za-z0-9._-]*")
_KEY_PART = re.compile(r"\[(\d+)\]|[A-Za-z0-9_]+")
_ALSO_ROW = re.compile(r"\(juga di baris (\d+)\)")  # a loader finding's file row


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook and the file it stands for."""

    name: str
    file: str  # 'indikator.csv', 'laporan.yaml', or 'narasi' (the folder)
    level: str  # 'satker' (data/<satker>/) or 'tahun' (data/<satker>/<tahun>/)
    title: str
    table: Table | None = None

    def path(self, satker_dir: Path, tahun: int) -> Path:
        """Where the sheet's file lives for this satker-year."""
        return (satker_dir if self.level == "satker" else satker_dir / str(tahun)) / self.file


def workbook_sheets() -> tuple[Sheet, ...]:
    """List the sheets after 'petunjuk', in order: the year's files, the satker's, narrative."""
    tables = sorted((*TABLES, *SIDE_TABLES), key=lambda t: t.level == "satker")
    return (
        Sheet("laporan", "laporan.yaml", "tahun", "Data laporan tahun ini (laporan.yaml)"),
        *(Sheet(t.file.removesuffix(".csv"), t.file, t.level, _doc(t.model), t) for t in tables),
        Sheet("satker", "satker.yaml", "satker", "Profil satker (satker.yaml)"),
        Sheet(NARASI, NARASI, "tahun", "Narasi laporan, satu baris per bagian (narasi/*.md)"),
    )


def _doc(model: type) -> str:
    return (model.__doc__ or "").strip().splitlines()[0]


# --- reading the files as they are ----------------------------------------------------------


def read_records(path: Path) -> list[list[str]]:
    """Read a CSV file's records as written (header first); blank lines are skipped."""
    text = path.read_text(encoding="utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in row)]


def csv_text(records: Iterable[Sequence[str]]) -> str:
    """Write records the way lakipkit writes CSV (minimal quoting, newline line ends)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(records)
    return out.getvalue()


def _yaml_text(path: Path) -> tuple[str, Any]:
    from lakipkit.loading import yaml_loader

    text = path.read_text(encoding="utf-8-sig")
    try:
        return text, yaml.load(text, Loader=yaml_loader())  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as error:
        raise LakipError(f"{path}: YAML tidak dapat dibaca ({error}); periksa dulu") from error


def flatten(data: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str, Any]]:
    """Flatten YAML data to (dotted key, scalar) rows: 'pejabat.[1].nama' as loader findings.

    An empty list or mapping gives one row with an empty value, so the key stays visible.
    """
    if isinstance(data, dict) and data:
        return [row for key, value in data.items() for row in flatten(value, (*path, str(key)))]
    if isinstance(data, list) and data:
        return [row for i, value in enumerate(data) for row in flatten(value, (*path, i))]
    value = None if isinstance(data, dict | list) else data
    return [(dotted(path), value)]


def dotted(path: Sequence[str | int]) -> str:
    """'pejabat.[1].nama' for ('pejabat', 0, 'nama'): list positions count from 1."""
    return ".".join(part if isinstance(part, str) else f"[{part + 1}]" for part in path)


def _narasi(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).with_suffix("").as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(folder.rglob("*.md"))
        if p.is_file()
    }


# --- export -----------------------------------------------------------------------------------


def write_workbook(data_dir: Path | str, satker: str, tahun: int, output: Path | str) -> Path:
    """Write the workbook of one satker-year to ``output`` (atomically); return its path.

    Data with errors is exported as it is, so it can be fixed in the spreadsheet.
    """
    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    from lakipkit.outputs import describe_os_error

    satker_dir = _satker_dir(Path(data_dir), satker)
    if not (satker_dir / str(tahun)).is_dir():
        hint = f"mulai tahun itu dengan `lakip tahun-baru --tahun {tahun} --dari <tahun lalu>`"
        raise MissingDataError(satker_dir / str(tahun), hint)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.name}.tmp")
    book = xlsxwriter.Workbook(str(partial), XLSX_TEXT)
    try:
        book.set_properties(
            {"title": f"Data LAKIP {satker} {tahun}", "created": dt.datetime(2000, 1, 1)}
        )
        styles = _Styles(book)
        sheets = workbook_sheets()
        _write_petunjuk(book, styles, satker, tahun, sheets)
        layout = {s.file: _csv_columns(s, satker_dir, tahun) for s in sheets if s.table}
        for sheet in sheets:
            path = sheet.path(satker_dir, tahun)
            if sheet.table is not None:
                records = read_records(path)[1:] if path.is_file() else []
                _write_csv_sheet(book, styles, sheet, layout, records, path)
            elif sheet.name == NARASI:
                _write_narasi_sheet(book, styles, sheet, _narasi(path))
            else:
                data = _yaml_text(path)[1] if path.is_file() else {}
                _write_yaml_sheet(book, styles, sheet, flatten(data or {}))
        try:
            book.close()
        except FileCreateError as error:  # xlsxwriter wraps the OSError (disk full, no access)
            cause = error.args[0] if error.args and isinstance(error.args[0], OSError) else None
            raise LakipError(describe_os_error(cause or OSError(str(error)), output)) from error
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return output


def _satker_dir(data_dir: Path, satker: str) -> Path:
    from lakipkit.loading import list_satker

    if satker not in list_satker(data_dir):
        hint = f"buat folder {data_dir / satker} (lihat data/README.md)"
        raise MissingDataError(data_dir / satker, hint)
    return data_dir / satker


def _csv_columns(sheet: Sheet, satker_dir: Path, tahun: int) -> list[str]:
    """Give the file's header as written, then the schema's columns it leaves out."""
    path = sheet.path(satker_dir, tahun)
    header = [c.strip() for c in read_records(path)[0]] if path.is_file() else []
    assert sheet.table is not None
    return [*header, *(c for c in columns(sheet.table.model) if c not in header)]


class _Styles:
    """The cell formats of the workbook, made once per workbook."""

    def __init__(self, book: Any):
        self.title = book.add_format({"bold": True, "font_size": 12})
        self.wajib = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.opsional = book.add_format({"bg_color": "#F2F2F2", "border": 1})
        self.text = book.add_format({"num_format": "@", "valign": "top"})
        self.long = book.add_format({"num_format": "@", "text_wrap": True, "valign": "top"})
        self.rupiah = book.add_format({"num_format": "#,##0", "valign": "top"})
        self.bulat = book.add_format({"num_format": "0", "valign": "top"})
        self.tanggal = book.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
        self.bold = book.add_format({"bold": True})

    def column(self, fmt: str | None) -> Any:
        """Give the format of a column by its schema format."""
        return {"rupiah": self.rupiah, "bulat": self.bulat, "tanggal": self.tanggal}.get(
            fmt or "", self.text
        )


def _header(ws: Any, styles: _Styles, title: str, names: Sequence[str], wajib: set[str]) -> None:
    ws.write_string(TITLE_ROW - 1, 0, title, styles.title)
    for j, name in enumerate(names):
        ws.write_string(HEADER_ROW - 1, j, name, styles.wajib if name in wajib else styles.opsional)
    ws.freeze_panes(HEADER_ROW, 0)


def _write_csv_sheet(
    book: Any,
    styles: _Styles,
    sheet: Sheet,
    layout: dict[str, list[str]],
    records: list[list[str]],
    path: Path,
) -> None:
    from xlsxwriter.utility import xl_col_to_name

    assert sheet.table is not None
    names = layout[sheet.file]
    specs = columns(sheet.table.model)
    ws = book.add_worksheet(sheet.name)
    wajib = {n for n, s in specs.items() if s.metadata["wajib"]}
    _header(ws, styles, f"{sheet.title} ({sheet.file})", names, wajib)
    last = FIRST_ROW - 1 + len(records) + _SPARE_ROWS
    for j, name in enumerate(names):
        spec = specs.get(name)
        meta = spec.metadata if spec is not None else {}
        width = max([len(name) + 2, *(len(r[j]) for r in records if j < len(r))])
        ws.set_column(j, j, min(width, 60), styles.column(meta.get("format")))
        if spec is not None:
            ws.write_comment(
                HEADER_ROW - 1, j, _column_note(name, spec), {"x_scale": 2.5, "y_scale": 1.5}
            )
        allowed = _allowed(spec)
        if allowed:
            ws.data_validation(
                FIRST_ROW - 1, j, last, j,
                {"validate": "list", "source": allowed, "error_title": name,
                 "error_message": "Pilih salah satu: " + ", ".join(allowed)},
            )  # fmt: skip
        for source, column, target, key in (*REFERENCES, *_PARENTS):
            if (source, column) == (sheet.file, name) and key in layout.get(target, []):
                letter = xl_col_to_name(layout[target].index(key))
                ref = f"={target.removesuffix('.csv')}!${letter}${FIRST_ROW}:${letter}${last + 1}"
                ws.data_validation(
                    FIRST_ROW - 1, j, last, j,
                    {"validate": "list", "source": ref, "error_type": "warning",
                     "error_title": name, "error_message": f"Bukan id yang ada di {target}"},
                )  # fmt: skip
    for i, record in enumerate(records):
        if len(record) > len(names):
            raise LakipError(
                f"{path} baris {i + 2}: lebih banyak kolom daripada header; perbaiki dulu "
                "(lakip periksa)"
            )
        for j, text in enumerate(record):
            spec = specs.get(names[j])
            fmt = spec.metadata["format"] if spec is not None else None
            _write_value(ws, styles, FIRST_ROW - 1 + i, j, text, fmt)
    if names:
        if len(names) > 1:
            ws.merge_range(
                TITLE_ROW - 1, 0, TITLE_ROW - 1, len(names) - 1,
                f"{sheet.title} ({sheet.file})", styles.title,
            )  # fmt: skip
        ws.autofilter(HEADER_ROW - 1, 0, HEADER_ROW - 1 + len(records), len(names) - 1)


def _allowed(spec: Any) -> list[str]:
    for check in spec.checks if spec is not None else ():
        if check.name == "isin":
            return [v for v in check.statistics["allowed_values"] if v]
    return []


def _column_note(name: str, spec: Any) -> str:
    meta = spec.metadata
    parts = [f"{name}: {spec.description}"]
    if meta.get("format"):
        parts.append(FORMATS[meta["format"]])
    if meta.get("contoh"):
        parts.append(f"contoh: {meta['contoh']}")
    parts.append("wajib diisi" if meta["wajib"] else "boleh kosong")
    return "\n".join(parts)


def _write_value(ws: Any, styles: _Styles, row: int, col: int, text: str, fmt: str | None) -> None:
    """Write a cell as a number/date when it reads back to exactly ``text``, else as text."""
    value = _typed(text, fmt)
    if isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), styles.tanggal)
    elif isinstance(value, int):
        ws.write_number(row, col, value, styles.column(fmt))
    elif text:
        ws.write_string(row, col, text, styles.text)


def _typed(text: str, fmt: str | None) -> int | dt.date | None:
    if fmt not in ("rupiah", "bulat", "tanggal") or not text:
        return None
    value = parse_column(_series([text]), fmt).values.iloc[0]
    if value is None:
        return None
    if fmt == "tanggal":
        return value if value.isoformat() == text else None  # type: ignore[no-any-return]
    if abs(int(value)) >= 10**_EXCEL_DIGITS:
        return None
    return int(value) if format_number(int(value), fmt) == text else None


def _series(values: Sequence[str]) -> Any:
    import pandas as pd

    return pd.Series(list(values), dtype=object)


def format_number(value: float, fmt: str | None, decimal: str = ",", percent: bool = False) -> str:
    """Give the text a number cell stands for in a column of format ``fmt``.

    Rupiah with Indonesian thousands separators (40.719.755.000), whole numbers plain, other
    numbers without thousands separators (a lone '1.234' would be ambiguous) and with the
    column's decimal separator; a cell formatted as a percentage gets '%'.
    """
    if percent:
        value *= 100
    if fmt == "rupiah":
        return f"{int(value):,}".replace(",", ".")
    text = f"{round(value, 10):.10f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    if decimal == ",":
        text = text.replace(".", ",")
    if re.fullmatch(r"-?\d+[.,]\d{3}", text):
        text += "0"  # '1.234' or '1,234' would read as ambiguous; '1.2340' is a decimal
    return text + "%" if percent else text


def _write_yaml_sheet(
    book: Any, styles: _Styles, sheet: Sheet, rows: list[tuple[str, Any]]
) -> None:
    ws = book.add_worksheet(sheet.name)
    _header(ws, styles, sheet.title, ("kunci", "nilai", "keterangan"), {"kunci"})
    ws.set_column(0, 0, 28, styles.text)
    ws.set_column(1, 1, 70, styles.long)
    ws.set_column(2, 2, 50, styles.text)
    model = YAML_FILES[sheet.file]
    for i, (key, value) in enumerate(rows):
        row = FIRST_ROW - 1 + i
        ws.write_string(row, 0, key, styles.text)
        if isinstance(value, bool):
            ws.write_boolean(row, 1, value)
        elif isinstance(value, int | float):
            ws.write_number(row, 1, value)
        elif value not in (None, ""):
            ws.write_string(row, 1, str(value), styles.long)
        ws.write_string(row, 2, _describe(model, _parse_key(key) or ()), styles.text)
    ws.write_comment(
        HEADER_ROW - 1,
        0,
        "kunci: nama kunci YAML; [1], [2] = butir daftar ke-1, ke-2. Tambah butir dengan "
        "menambah baris, mis. misi.[4]",
        {"x_scale": 2.5},
    )


def _write_narasi_sheet(book: Any, styles: _Styles, sheet: Sheet, narasi: dict[str, str]) -> None:
    ws = book.add_worksheet(sheet.name)
    _header(ws, styles, sheet.title, ("berkas", "teks"), {"berkas"})
    ws.set_column(0, 0, 26, styles.text)
    ws.set_column(1, 1, 120, styles.long)
    ws.write_comment(
        HEADER_ROW - 1,
        1,
        "teks: Markdown. Teks lebih dari 32.000 karakter berlanjut di baris berikutnya dengan "
        "nama berkas yang sama. <!-- sisipan: KUNCI --> menempatkan tabel.",
        {"x_scale": 2.5},
    )
    row = FIRST_ROW - 1
    for key, text in narasi.items():
        for start in range(0, max(len(text), 1), _CELL_CHARS):
            ws.write_string(row, 0, key, styles.text)
            ws.write_string(row, 1, text[start : start + _CELL_CHARS], styles.long)
            row += 1


_PETUNJUK = (
    "Buku kerja ini memuat seluruh data laporan kinerja satu satker untuk satu tahun: satu "
    "lembar per file data. Data aslinya tetap file di folder data/; buku kerja ini salinannya "
    "untuk diisi dan diubah.",
    "Cara mengisi:",
    "1. Baris 1 tiap lembar adalah judul, baris 2 nama kolom. Jangan ubah nama kolom; arahkan "
    "kursor ke nama kolom untuk membaca artinya. Kolom bernama tebal wajib diisi.",
    "2. Tambah baris di bawah baris terakhir; hapus baris dengan menghapus seluruh barisnya.",
    "3. Pagu dan realisasi anggaran: ketik angka rupiah saja (40719755000); tampil dengan "
    "pemisah ribuan.",
    "4. Target dan realisasi kinerja: ketik seperti tertulis dengan satuannya, mis. 95%, "
    "97,5%, 12 kali, 70-80%, WTP. Kosong berarti belum ada data, bukan 0.",
    "5. Kolom dengan daftar pilihan (polaritas, sumber dana, id program/kegiatan/sasaran/"
    "indikator) menawarkan pilihannya; id harus ada di lembar asalnya.",
    "6. Lembar laporan dan satker: satu baris per kunci; [1], [2] = butir daftar ke-1, ke-2.",
    "7. Lembar narasi: satu baris per bagian laporan (teks Markdown).",
    "8. Jangan menambah, mengganti nama, menyembunyikan lembar, atau menggabung (merge) sel "
    "di baris kepala dan data. Rumus boleh, asal nilainya tersimpan (simpan di Excel/"
    "LibreOffice).",
    "9. Simpan sebagai Excel .xlsx (bukan .xls, .xlsm atau .ods), lalu jalankan:",
    "     lakip impor --tahun {tahun} <berkas>.xlsx",
    "     lakip periksa --tahun {tahun}",
    "   Impor menyebut setiap masalah dengan lembar dan selnya (mis. indikator!E7) dan tidak "
    "menulis apa pun sampai semuanya benar.",
)


def _write_petunjuk(book: Any, styles: _Styles, satker: str, tahun: int, sheets: Any) -> None:
    ws = book.add_worksheet(PETUNJUK)
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 110)
    ws.write_string(0, 0, "Petunjuk pengisian data LAKIP", styles.title)
    ws.write_string(2, 0, "satker", styles.bold)
    ws.write_string(2, 1, satker)
    ws.write_string(3, 0, "tahun", styles.bold)
    ws.write_number(3, 1, tahun)
    row = 5
    for line in _PETUNJUK:
        ws.write_string(row, 1, line.format(tahun=tahun))
        row += 1
    row += 1
    ws.write_string(row, 0, "lembar", styles.bold)
    ws.write_string(row, 1, "isi (file)", styles.bold)
    for sheet in sheets:
        row += 1
        ws.write_string(row, 0, sheet.name)
        wajib = " - wajib" if sheet.table is not None and sheet.table.wajib else ""
        ws.write_string(row, 1, f"{sheet.title} [{sheet.file}]{wajib}")
    ws.activate()


# --- YAML models: what a key holds ------------------------------------------------------------


def _parse_key(key: str) -> tuple[str | int, ...] | None:
    """('pejabat', 0, 'nama') for 'pejabat.[1].nama'; None if not a key."""
    parts: list[str | int] = []
    for part in key.split("."):
        match = _KEY_PART.fullmatch(part.strip())
        if match is None:
            return None
        parts.append(int(match[1]) - 1 if match[1] else match[0])
    return tuple(parts) if parts and all(p != -1 for p in parts) else None


def _field_at(model: type[BaseModel], path: Sequence[str | int]) -> Any:
    """Give the annotation of the key at ``path`` (list positions skipped); None if unknown."""
    current: Any = model
    for part in path:
        current = _unwrap(current)
        if isinstance(part, int):
            if get_origin(current) is not list:
                return None
            current = get_args(current)[0]
        elif isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(part)
            if info is None:
                return None
            current = info.annotation
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        else:
            return None
    return current


def _unwrap(annotation: Any) -> Any:
    """Drop ``| None`` from an annotation."""
    if get_origin(annotation) in (Union, type(int | None)):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _describe(model: type[BaseModel], path: Sequence[str | int]) -> str:
    current: Any = model
    description = ""
    for part in path:
        current = _unwrap(current)
        if isinstance(part, int):
            current = get_args(current)[0] if get_origin(current) is list else None
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(part)
            if info is None:
                return ""
            description, current = info.description or "", info.annotation
    return description


# --- import -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One problem of the workbook: where ('indikator!E7 (target)', 'indikator') and what."""

    where: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"


class WorkbookError(LakipError, ValueError):
    """The workbook cannot be imported; ``problems`` lists all of them, nothing was written."""

    def __init__(self, path: Path | str, problems: Iterable[Problem]):
        self.path = Path(path)
        self.problems = tuple(problems)
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [f"{len(self.problems)} masalah pada buku kerja {self.path.name}:"]
        lines += [f"  {p}" for p in self.problems]
        lines.append("tidak ada file yang ditulis")
        return "\n".join(lines)


@dataclass(frozen=True)
class Change:
    """What an import did to one file."""

    file: str  # relative to the satker folder, e.g. '2024/indikator.csv'
    action: str  # 'diubah', 'dibuat', 'dihapus'
    ditambah: int = 0
    dihapus: int = 0
    diubah: int = 0
    catatan: str = ""

    def __str__(self) -> str:
        counts = [
            f"{n} baris {word}"
            for n, word in ((self.ditambah, "ditambah"), (self.dihapus, "dihapus"),
                            (self.diubah, "diubah"))
            if n
        ]  # fmt: skip
        detail = ", ".join([*counts, *([self.catatan] if self.catatan else [])])
        return f"{self.file}: {self.action}" + (f" ({detail})" if detail else "")


@dataclass(frozen=True)
class ImportResult:
    """The files an import changed (empty: the workbook matches the files) and the warnings."""

    changes: tuple[Change, ...]
    warnings: tuple[Finding, ...] = ()


@dataclass
class _Content:
    """The would-be file of one sheet and where each of its parts sits in the sheet."""

    sheet: Sheet
    text: str | None = None  # CSV/YAML text; None: the file is not written
    records: list[list[str]] = field(default_factory=list)  # CSV: header + rows
    rows: dict[int, int] = field(default_factory=dict)  # file row -> sheet row
    letters: dict[str, str] = field(default_factory=dict)  # column -> sheet column letter
    keys: dict[str, int] = field(default_factory=dict)  # YAML key / narasi file -> sheet row
    yaml_rows: list[tuple[str, Any]] = field(default_factory=list)
    narasi: dict[str, str] = field(default_factory=dict)


def import_workbook(
    data_dir: Path | str, satker: str, tahun: int, workbook: Path | str, *, write: bool = True
) -> ImportResult:
    """Check ``workbook`` and write the files it changes; ``write=False`` only reports.

    Raises ``WorkbookError`` listing every problem (sheet and cell) when anything is wrong;
    then no file is written.
    """
    satker_dir = _satker_dir(Path(data_dir), satker)
    if not (satker_dir / str(tahun)).is_dir():
        raise MissingDataError(satker_dir / str(tahun), "impor hanya mengisi tahun yang ada")
    workbook = Path(workbook)
    values, formulas = _open(workbook)
    problems: list[Problem] = []
    contents = _read_sheets(values, formulas, satker, tahun, problems)
    with tempfile.TemporaryDirectory(prefix="lakip-impor-") as tmp:
        warnings = _validate(Path(tmp), satker_dir, tahun, contents, problems)
    if problems:
        raise WorkbookError(workbook, problems)
    planned = _plan(satker_dir, tahun, contents)
    if write:
        _apply(satker_dir, planned)
    return ImportResult(tuple(change for change, _, _ in planned), tuple(warnings))


def _fatal(path: Path, text: str) -> WorkbookError:
    return WorkbookError(path, [Problem(path.name, text)])


def _open(path: Path) -> tuple[Any, Any]:
    """Open the workbook twice (cached values, formulas) after checking it is a plain .xlsx."""
    import openpyxl

    if not path.is_file():
        raise MissingDataError(path, "beri nama berkas .xlsx yang dibuat `lakip xlsx`")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise _fatal(
            path,
            f"berukuran {format_angka(size)} byte, melebihi batas {format_angka(MAX_BYTES)} byte",
        )
    if path.suffix.lower() in (".xlsm", ".xltm"):
        raise _fatal(path, "berkas bermakro (.xlsm) tidak diterima; simpan sebagai .xlsx")
    head = path.read_bytes()[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise _fatal(
            path,
            "berkas Excel lama (.xls) atau berkas yang dikunci kata sandi; simpan sebagai .xlsx "
            "tanpa kata sandi",
        )
    if not zipfile.is_zipfile(path):
        if head.startswith(b"PK\x03\x04"):
            raise _fatal(
                path,
                "rusak atau tidak lengkap (terpotong saat disalin atau diunduh?); simpan ulang "
                "dari Excel/LibreOffice sebagai .xlsx",
            )
        raise _fatal(path, "bukan buku kerja Excel (.xlsx); simpan sebagai .xlsx")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
        kind = archive.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    if "opendocument" in kind:
        raise _fatal(path, "berkas OpenDocument (.ods); simpan sebagai Excel .xlsx")
    if "xl/workbook.xml" not in names:
        raise _fatal(path, "bukan buku kerja Excel (.xlsx); simpan sebagai .xlsx")
    if "xl/vbaProject.bin" in names:
        raise _fatal(path, "berisi makro (VBA); simpan sebagai .xlsx tanpa makro")
    if unpacked > MAX_XML_BYTES:
        raise _fatal(
            path,
            f"isinya {format_angka(unpacked)} byte setelah dibuka, melebihi batas "
            f"{format_angka(MAX_XML_BYTES)} byte",
        )
    try:
        return (
            openpyxl.load_workbook(path, data_only=True),
            openpyxl.load_workbook(path, data_only=False),
        )
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise _fatal(path, f"rusak, tidak dapat dibaca ({type(error).__name__}: {error})") from None


def _read_sheets(
    values: Any, formulas: Any, satker: str, tahun: int, problems: list[Problem]
) -> dict[str, _Content]:
    """Turn each known sheet into the content of its file; note what is wrong."""
    known = {s.name: s for s in workbook_sheets()}
    contents: dict[str, _Content] = {}
    for ws in values.worksheets:
        name = ws.title
        if ws.sheet_state != "visible":
            problems.append(
                Problem(name, "lembar tersembunyi; tampilkan (Unhide) atau hapus lembar itu")
            )
            continue
        if name == PETUNJUK:
            _check_petunjuk(ws, satker, tahun, problems)
            continue
        sheet = known.get(name)
        if sheet is None:
            other = _similar(name, known)
            hint = f"maksudnya '{other}'?" if other else "hapus lembar itu"
            problems.append(
                Problem(name, f"lembar tidak dikenal ({hint}); lembar yang dikenal: "
                        + ", ".join([PETUNJUK, *known]))
            )  # fmt: skip
            continue
        rows, cols = _extent(formulas[name])
        if rows > MAX_ROWS:
            problems.append(
                Problem(name, f"berisi {format_angka(rows)} baris, melebihi batas "
                        f"{format_angka(MAX_ROWS)}; diharapkan hanya baris data (hapus baris "
                        "di bawahnya)")
            )  # fmt: skip
            continue
        grid = _grid(ws, formulas[name], problems, rows, cols)
        if sheet.table is not None:
            content = _csv_content(sheet, ws, grid, problems)
        elif sheet.name == NARASI:
            content = _narasi_content(sheet, ws, grid, problems)
        else:
            content = _yaml_content(sheet, ws, grid, problems)
        if content is not None:  # None: its header was not found (told); its file stays
            contents[name] = content
    return contents


def _similar(name: str, known: Iterable[str]) -> str | None:
    """Guess the known sheet a renamed one was ('Indikator 2024' -> 'indikator')."""
    folded = name.strip().casefold().replace(" ", "_")
    inside = [k for k in known if k in folded]
    close = difflib.get_close_matches(folded, list(known), n=1, cutoff=0.75)
    return max(inside, key=len) if inside else (close[0] if close else None)


def _check_petunjuk(ws: Any, satker: str, tahun: int, problems: list[Problem]) -> None:
    found = {str(ws.cell(row, 1).value).strip(): (ws.cell(row, 2).value, row) for row in (3, 4)}
    for key, wanted in (("satker", satker), ("tahun", tahun)):
        value, row = found.get(key, (None, 0))
        if value is not None and str(value).strip() != str(wanted):
            problems.append(
                Problem(
                    f"{PETUNJUK}!B{row}",
                    f"buku kerja ini untuk {key} {value}, bukan {wanted}; "
                    f"impor dengan --{key} {value} atau ekspor ulang",
                )
            )


def _extent(ws: Any) -> tuple[int, int]:
    """Give the last row and column holding a value or formula.

    A spreadsheet program saves formatted blank cells too (a column formatted to the
    bottom), which ``ws.max_row`` counts; they hold nothing to import.
    """
    rows = cols = 0
    for row in ws.iter_rows():
        for cell in row:
            if cell.value not in (None, ""):
                rows, cols = max(rows, cell.row), max(cols, cell.column)
    return rows, cols


@dataclass(frozen=True)
class _Cell:
    value: Any
    number_format: str
    ref: str


def _grid(
    ws: Any, formulas: Any, problems: list[Problem], rows: int, cols: int
) -> list[list[_Cell]]:
    """Read the sheet's ``rows`` x ``cols`` cells (cached values); tell formulas without one."""
    merged = [r for r in ws.merged_cells.ranges if r.max_row >= TITLE_ROW + 1]
    problems += [
        Problem(f"{ws.title}!{r.coord}", "sel digabung (merge) di baris kepala/data; pisahkan "
                "(Unmerge Cells) dan isi tiap sel")
        for r in merged
    ]  # fmt: skip
    grid: list[list[_Cell]] = []
    if not rows:
        return grid
    for row in ws.iter_rows(min_row=1, max_row=rows, min_col=1, max_col=cols):  # A1-based refs
        cells = []
        for cell in row:
            value = cell.value
            if value is None:
                source = formulas[cell.coordinate].value
                if isinstance(source, str) and source.startswith("="):
                    problems.append(
                        Problem(
                            f"{ws.title}!{cell.coordinate}",
                            f"rumus {source} tanpa nilai tersimpan; buka dan simpan di Excel/"
                            "LibreOffice (agar nilainya dihitung) atau ganti dengan nilainya",
                        )
                    )
            cells.append(_Cell(value, cell.number_format or "General", cell.coordinate))
        grid.append(cells)
    return grid


def _header_row(
    ws: Any, grid: list[list[_Cell]], names: Iterable[str], problems: list[Problem]
) -> int | None:
    """Index (0-based) of the header row: the one of the first rows naming most columns.

    None (and a problem told) when no row there names a column: the header row was deleted
    or overwritten.
    """
    known = {_fold(n): n for n in names}
    scores = [
        sum(isinstance(c.value, str) and _fold(c.value) in known for c in row)
        for row in grid[:_HEADER_SEARCH]
    ]
    best = max(scores, default=0)
    if best:
        return scores.index(best)
    problems.append(
        Problem(ws.title, f"baris kepala (nama kolom) tidak ditemukan di {_HEADER_SEARCH} baris "
                "pertama; diharapkan satu baris berisi nama kolom: " + ", ".join(known.values())
                + " (salin dari buku kerja hasil `lakip xlsx`)")
    )  # fmt: skip
    return None


def _fold(name: str) -> str:
    """Fold a column name for comparing: spaces around or doubled, and case, do not count."""
    return " ".join(name.split()).casefold()


def _column_name(value: Any, names: Iterable[str]) -> Any:
    """Give a header cell's column name: 'Target ' is 'target'; an unknown name as written."""
    if not isinstance(value, str):
        return value
    return next((n for n in names if _fold(n) == _fold(value)), " ".join(value.split()))


def _cell_text(cell: _Cell, fmt: str | None, decimal: str) -> tuple[str, str | None]:
    """Give the text a cell stands for in a column of format ``fmt``, or a problem to tell."""
    value = cell.value
    if value is None:
        return "", None
    if isinstance(value, str):
        if value.startswith("#") and value.rstrip("!?").isupper() and len(value) <= 8:
            return value, f"nilai galat {value} (hasil rumus yang gagal); isi nilai yang benar"
        return value, None
    if isinstance(value, bool):
        return str(value), "nilai benar/salah (TRUE/FALSE); isi teks atau angka"
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        if fmt == "tanggal":
            return day.isoformat(), None
        return day.isoformat(), (
            "berisi tanggal padahal kolom ini bukan tanggal (Excel mengubah ketikan menjadi "
            "tanggal?); format sel sebagai Teks lalu ketik ulang"
        )
    if isinstance(value, dt.time | dt.timedelta):
        return str(value), "berisi jam, bukan nilai kolom ini"
    if not isinstance(value, int | float):
        return str(value), "isi sel tidak dikenal"
    if fmt == "tanggal":
        return str(value), (
            f"angka {value} di kolom tanggal (nomor seri tanggal Excel?); format sel sebagai "
            "tanggal atau ketik mis. 2024-05-25"
        )
    if abs(value) >= 10**_EXCEL_DIGITS:
        return str(value), (
            "angka lebih dari 15 digit kehilangan ketelitian di Excel; ketik sebagai teks "
            "(awali dengan tanda petik ')"
        )
    whole = float(value).is_integer()
    if fmt in ("rupiah", "bulat") and not whole:
        shown = format_number(value, None, ",")
        return format_number(value, None, decimal), (
            f"angka pecahan {shown}; diharapkan bilangan bulat (rupiah utuh, tanpa sen)"
        )
    percent = "%" in cell.number_format and fmt in ("persen", "nilai", "angka")
    return format_number(value, fmt, decimal, percent), None


def _csv_content(
    sheet: Sheet, ws: Any, grid: list[list[_Cell]], problems: list[Problem]
) -> _Content | None:
    assert sheet.table is not None
    specs = columns(sheet.table.model)
    content = _Content(sheet)
    top = _header_row(ws, grid, specs, problems)
    if top is None:
        return None
    header = [_column_name(c.value, specs) for c in grid[top]]
    body = grid[top + 1 :]
    used: list[tuple[int, str]] = []
    for j, name in enumerate(header):
        filled = any(j < len(row) and row[j].value not in (None, "") for row in body)
        if name in (None, ""):
            if filled:
                problems.append(Problem(f"{ws.title}!{grid[top][j].ref}",
                                        "kolom tanpa nama berisi nilai; beri nama kolom atau "
                                        "hapus kolom itu"))  # fmt: skip
            continue
        if any(name == other for _, other in used):
            problems.append(
                Problem(f"{ws.title}!{grid[top][j].ref}", f"kolom '{name}' ditulis dua kali")
            )
            continue
        used.append((j, str(name)))
    decimals = {
        name: _decimal([row[j].value for row in body if j < len(row)], specs[name].metadata)
        for j, name in used
        if name in specs
    }
    records: list[list[str]] = []
    for row in body:
        texts = []
        for j, name in used:
            cell = row[j] if j < len(row) else _Cell(None, "General", "")
            fmt = specs[name].metadata["format"] if name in specs else None
            text, problem = _cell_text(cell, fmt, decimals.get(name, ","))
            if problem:
                problems.append(Problem(f"{ws.title}!{cell.ref} ({name})", problem))
            texts.append(text.strip())  # a space typed after a value is not part of it
        if any(t.strip() for t in texts):
            content.rows[len(records) + 2] = _row_number(row)
            records.append(texts)
    names = [name for _, name in used]
    content.letters = {name: _letter(j) for j, name in used}
    content.letters["__header__"] = str(top + 1)
    content.records = [names, *records]
    return content


def _row_number(row: list[_Cell]) -> int:
    return int(re.sub(r"[A-Z]+", "", row[0].ref)) if row and row[0].ref else 0


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def _decimal(values: list[Any], meta: dict[str, Any]) -> str:
    """Give the decimal separator the text cells of a column use (',' if none says)."""
    texts = [v for v in values if isinstance(v, str) and v.strip()]
    if meta.get("format") not in ("angka", "persen", "nilai") or not texts:
        return ","
    used = parse_column(_series(texts), meta["format"]).decimal.dropna()
    return str(used.iloc[0]) if len(used) else ","


def _yaml_content(
    sheet: Sheet, ws: Any, grid: list[list[_Cell]], problems: list[Problem]
) -> _Content | None:
    content = _Content(sheet)
    top = _header_row(ws, grid, ("kunci", "nilai", "keterangan"), problems)
    if top is None:
        return None
    for row in grid[top + 1 :]:
        key_cell = row[0] if row else None
        value_cell = row[1] if len(row) > 1 else _Cell(None, "General", "")
        if key_cell is None or key_cell.value in (None, ""):
            if value_cell.value not in (None, ""):
                problems.append(Problem(f"{ws.title}!{value_cell.ref}", "nilai tanpa kunci"))
            continue
        key = str(key_cell.value).strip()
        if _parse_key(key) is None:
            problems.append(
                Problem(f"{ws.title}!{key_cell.ref}",
                        f"'{key}' bukan kunci; tulis mis. pk.tanggal atau misi.[2]")
            )  # fmt: skip
            continue
        if key in content.keys:
            problems.append(
                Problem(f"{ws.title}!{key_cell.ref}", f"kunci '{key}' ditulis dua kali")
            )
            continue
        value = value_cell.value
        if isinstance(value, dt.datetime):
            value = value.date().isoformat()
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, str) and value.startswith("#") and value.rstrip("!?").isupper():
            problems.append(Problem(f"{ws.title}!{value_cell.ref}", f"nilai galat {value}"))
        content.keys[key] = _row_number(row)
        content.yaml_rows.append((key, value))
    return content


def _narasi_content(
    sheet: Sheet, ws: Any, grid: list[list[_Cell]], problems: list[Problem]
) -> _Content | None:
    content = _Content(sheet)
    top = _header_row(ws, grid, ("berkas", "teks"), problems)
    if top is None:
        return None
    previous = None
    for row in grid[top + 1 :]:
        key_cell = row[0] if row else None
        text_cell = row[1] if len(row) > 1 else _Cell(None, "General", "")
        if key_cell is None or key_cell.value in (None, ""):
            if text_cell.value not in (None, ""):
                problems.append(Problem(f"{ws.title}!{key_cell.ref if key_cell else ''}",
                                        "teks tanpa nama berkas"))  # fmt: skip
            continue
        key = str(key_cell.value).strip().removesuffix(".md")
        if not _NARASI_KEY.fullmatch(key):
            problems.append(
                Problem(f"{ws.title}!{key_cell.ref}",
                        f"'{key}' bukan nama bagian narasi; tulis mis. bab1_struktur atau "
                        "analisis/WA-S01")
            )  # fmt: skip
            continue
        text = "" if text_cell.value is None else str(text_cell.value)
        if key in content.narasi and key != previous:
            problems.append(Problem(f"{ws.title}!{key_cell.ref}", f"'{key}' ditulis dua kali"))
            continue
        content.narasi[key] = content.narasi.get(key, "") + text
        content.keys.setdefault(key, _row_number(row))
        previous = key
    return content


# --- checking the would-be files with the loader --------------------------------------------


def _columns_to_write(content: _Content, on_disk: list[str] | None) -> list[int]:
    """Give the positions of the sheet's columns the file gets.

    An optional column the file does not have is left out while it is empty, so an unedited
    export changes nothing.
    """
    assert content.sheet.table is not None
    specs = columns(content.sheet.table.model)
    header, rows = content.records[0], content.records[1:]
    keep: list[int] = []
    for j, name in enumerate(header):
        spec = specs.get(name)
        if (
            spec is None
            or spec.required
            or (on_disk is not None and name in on_disk)
            or any(row[j] for row in rows)
        ):
            keep.append(j)
    order = on_disk or []  # the file's order: a column moved in the sheet changes nothing
    return sorted(keep, key=lambda j: order.index(header[j]) if header[j] in order else len(order))


def _would_be(satker_dir: Path, tahun: int, content: _Content) -> None:
    """Fill ``content.text`` (and the CSV records kept) from the sheet and the file on disk."""
    sheet = content.sheet
    path = sheet.path(satker_dir, tahun)
    if sheet.table is not None:
        on_disk = [c.strip() for c in read_records(path)[0]] if path.is_file() else None
        keep = _columns_to_write(content, on_disk)
        content.records = [[record[j] for j in keep] for record in content.records]
        if on_disk is None and len(content.records) == 1 and not sheet.table.wajib:
            content.text = None  # an absent optional file stays absent while its sheet is empty
        else:
            content.text = csv_text(content.records)
    elif sheet.name != NARASI:
        content.text = _yaml_from_rows(path, content)


def _yaml_from_rows(path: Path, content: _Content) -> str:
    """Give the YAML text for the sheet's rows.

    The file itself when nothing changed, the file with its changed values replaced when only
    values changed (comments kept), else a new text.
    """
    model = YAML_FILES[content.sheet.file]
    text, data = _yaml_text(path) if path.is_file() else ("", None)
    old = [(k, _norm(v)) for k, v in flatten(data or {})]
    new = [(k, _norm(v)) for k, v in content.yaml_rows]
    if old == new:
        return text
    typed = [
        (k, _yaml_value(v, _field_at(model, _parse_key(k) or ()))) for k, v in content.yaml_rows
    ]
    intended = _unflatten(typed)
    if [k for k, _ in old] == [k for k, _ in new] and text:
        changed = {
            _parse_key(k) or (): value
            for (k, value), (_, before) in zip(typed, old, strict=True)
            if _norm(value) != before
        }
        patched = _patch_yaml(text, changed)
        if patched is not None and _same_yaml(patched, intended):
            return patched
    return yaml.safe_dump(intended, allow_unicode=True, sort_keys=False, width=100)


def _norm(value: Any) -> Any:
    if value in (None, ""):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _yaml_value(value: Any, annotation: Any) -> Any:
    """Give a cell's value the type its key holds (a number typed in a text key stays text)."""
    kind = _unwrap(annotation)
    if value is None or value == "":
        if kind is str:
            return ""
        if get_origin(kind) is list:
            return []
        if get_origin(kind) is dict or (isinstance(kind, type) and issubclass(kind, BaseModel)):
            return {}
        return None
    if kind is str and isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(value, None, ".")
    if kind in (int, Rupiah) and isinstance(value, str) and value.strip().isdigit():
        return int(value.strip()) if kind is int else value
    if _unwrap(Tanggal) is kind and isinstance(value, int | float):
        return str(value)  # refused by the loader as 'bukan tanggal'
    return value


def _unflatten(rows: list[tuple[str, Any]]) -> Any:
    """Rebuild nested data from (dotted key, value) rows; list positions in order."""
    root: dict[str, Any] = {}
    for key, value in rows:
        path = _parse_key(key) or ()
        node: Any = root
        for part, following in zip(path, (*path[1:], None), strict=True):
            container: Any = [] if isinstance(following, int) else {}
            if following is None:
                _put(node, part, value)
            else:
                node = _put(node, part, container, keep=True)
    return root


def _put(node: Any, part: str | int, value: Any, keep: bool = False) -> Any:
    if isinstance(node, list) and isinstance(part, int):
        while len(node) <= part:
            node.append(None)
        if keep and node[part] is not None:
            return node[part]
        node[part] = value
        return value
    if isinstance(node, dict):
        if keep and part in node and isinstance(node[part], dict | list):
            return node[part]
        node[part] = value
        return value
    return value


def _patch_yaml(text: str, changed: dict[tuple[str | int, ...], Any]) -> str | None:
    """Replace the scalars at ``changed`` in ``text`` (keeping comments); None if not scalars."""
    from lakipkit.loading import yaml_loader

    spans: list[tuple[int, int, str]] = []

    def walk(node: yaml.Node, path: tuple[str | int, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, (*path, str(key.value)))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, i))
        elif path in changed:
            start, end = node.start_mark.index, node.end_mark.index
            new = _scalar(changed.pop(path))
            if start == end and new:
                new = " " + new if text[start - 1 : start] == ":" else new
            spans.append((start, end, new))

    walk(yaml.compose(text, Loader=yaml_loader()), ())
    if changed:
        return None
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _scalar(value: Any) -> str:
    if value is None or value == "":
        return '""' if value == "" else ""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value  # the loader keeps dates as text: no quotes needed
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1_000_000)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def _same_yaml(text: str, intended: Any) -> bool:
    from lakipkit.loading import yaml_loader

    try:
        data = yaml.load(text, Loader=yaml_loader())  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError:
        return False
    return [(k, _norm(v)) for k, v in flatten(data)] == [
        (k, _norm(v)) for k, v in flatten(intended)
    ]


def _validate(
    tmp: Path, satker_dir: Path, tahun: int, contents: dict[str, _Content], problems: list[Problem]
) -> list[Finding]:
    """Write the would-be files to ``tmp`` and load them; turn each error into a Problem."""
    from lakipkit.loading import load_year, outside_inputs, read_table

    copy = tmp / satker_dir.name
    where: dict[Path, _Content] = {}
    for sheet in workbook_sheets():
        target = sheet.path(copy, tahun)
        target.parent.mkdir(parents=True, exist_ok=True)
        content = contents.get(sheet.name)
        source = sheet.path(satker_dir, tahun)
        if content is None:  # a sheet left out: the file stays as it is
            if source.is_dir():
                shutil.copytree(source, target)
            elif source.is_file():
                shutil.copyfile(source, target)
            continue
        _would_be(satker_dir, tahun, content)
        if sheet.name == NARASI:
            for key, text in content.narasi.items():
                path = target / f"{key}.md"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                where[path] = content
        elif content.text is not None:
            target.write_text(content.text, encoding="utf-8")
            where[target] = content
    # What the check reads outside the unit's folder: the catalogue, the units above it.
    for relative in outside_inputs(satker_dir.parent, satker_dir.name, copy / "satker.yaml"):
        (tmp / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(satker_dir.parent / relative, tmp / relative)
    findings: list[Finding] = []
    warnings: list[Finding] = []
    try:
        year = load_year(tmp, satker_dir.name, tahun)
        warnings += year.findings
    except DataValidationError as error:
        findings += error.findings
        warnings += error.warnings
    except MissingDataError as error:
        problems.append(Problem(error.path.name, f"tidak ada: {error.hint}"))
    for table in SIDE_TABLES:
        side: list[Finding] = []
        path = copy / table.file if table.level == "satker" else copy / str(tahun) / table.file
        read_table(path, table, tmp, side)
        findings += [f for f in side if f.severity == "error"]
    told = {p.where.split(" ")[0] for p in problems}  # a cell already told is told once
    located = (_locate(finding, where) for finding in findings)
    problems += [p for p in located if p.where.split(" ")[0] not in told]
    return warnings


def _locate(finding: Finding, where: dict[Path, _Content]) -> Problem:
    """Name the sheet and cell of a loader finding about a would-be file (files as sheets)."""
    text = re.sub(r"\b([a-z_]+)\.csv\b", r"lembar \1", finding.describe())
    finding = replace(finding, message=text, expected="", value=None)
    path = Path(finding.file)
    content = where.get(path)
    if content is None:
        return Problem(path.name, finding.describe())
    sheet = content.sheet.name
    if sheet == NARASI:
        key = next((k for k in content.narasi if path.as_posix().endswith(f"/{k}.md")), "")
        row = content.keys.get(key)
        return Problem(f"{sheet}!B{row}" if row else sheet, finding.describe())
    if content.sheet.table is None:
        row = content.keys.get(finding.column or "")
        cell = f"{sheet}!B{row}" if row else sheet
        text = finding.describe()
        if row is None and finding.column:
            text = f"kunci '{finding.column}': {text}"
        return Problem(cell, text)
    letter = content.letters.get(finding.column or "")
    if finding.row == 1:
        header = content.letters["__header__"]
        cell = f"{sheet}!{letter}{header}" if letter else f"{sheet} baris {header} (baris kepala)"
        return Problem(cell, f"kolom '{finding.column}': {finding.describe()}")
    finding = replace(finding, message=_ALSO_ROW.sub(
        lambda m: f"(juga di {sheet}!{letter or 'A'}{content.rows.get(int(m[1]), m[1])})",
        finding.message,
    ))  # fmt: skip
    row = content.rows.get(finding.row or 0)
    if row and letter:
        return Problem(f"{sheet}!{letter}{row} ({finding.column})", finding.describe())
    if row:
        return Problem(f"{sheet} baris {row}", finding.describe())
    return Problem(sheet, finding.describe())


# --- writing ----------------------------------------------------------------------------------

_Plan = tuple[Change, Path, str | None]  # the change, the file, its new text (None: delete)


def _plan(satker_dir: Path, tahun: int, contents: dict[str, _Content]) -> list[_Plan]:
    """Compare the would-be files with the files on disk: what to write, create, delete."""
    planned: list[_Plan] = []
    for content in contents.values():
        sheet = content.sheet
        path = sheet.path(satker_dir, tahun)
        relative = path.relative_to(satker_dir).as_posix()
        if sheet.name == NARASI:
            planned += _plan_narasi(satker_dir, path, content)
        elif content.text is None:
            continue
        elif sheet.table is not None:
            before = read_records(path) if path.is_file() else None
            if before == content.records:
                continue
            if before is None:
                change = Change(relative, "dibuat", ditambah=len(content.records) - 1)
            else:
                change = _record_change(relative, before, content.records)
            planned.append((change, path, content.text))
        else:
            text = path.read_text(encoding="utf-8-sig") if path.is_file() else None
            if text == content.text:
                continue
            note = "komentar tetap" if text and _comments(text) == _comments(content.text) else ""
            if text and not note and _comments(text):
                note = "ditulis ulang; komentar YAML hilang"
            changed = _count_keys(text, content)
            planned.append((Change(relative, "diubah", diubah=changed, catatan=note), path,
                            content.text))  # fmt: skip
    return planned


def _comments(text: str) -> list[str]:
    return re.findall(r"#.*", text)


def _count_keys(text: str | None, content: _Content) -> int:
    old = dict(flatten(yaml.safe_load(text) or {})) if text else {}
    new = dict(content.yaml_rows)
    keys = set(old) | set(new)
    return sum(_norm(old.get(k)) != _norm(new.get(k)) for k in keys)


def _record_change(file: str, before: list[list[str]], after: list[list[str]]) -> Change:
    """Count rows added, removed and changed (rows matched in order, as a diff does)."""
    added = removed = changed = 0
    matcher = difflib.SequenceMatcher(
        a=[tuple(r) for r in before[1:]], b=[tuple(r) for r in after[1:]], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":
            both = min(i2 - i1, j2 - j1)
            changed += both
            removed += i2 - i1 - both
            added += j2 - j1 - both
        elif tag == "delete":
            removed += i2 - i1
        elif tag == "insert":
            added += j2 - j1
    note = "kolom berubah" if before[0] != after[0] else ""
    return Change(file, "diubah", added, removed, changed, note)


def _plan_narasi(satker_dir: Path, folder: Path, content: _Content) -> list[_Plan]:
    on_disk = _narasi(folder)
    planned: list[_Plan] = []
    for key, text in content.narasi.items():
        path = folder / f"{key}.md"
        relative = path.relative_to(satker_dir).as_posix()
        if key not in on_disk:
            planned.append((Change(relative, "dibuat"), path, text))
        elif on_disk[key] != text:
            lines = difflib.SequenceMatcher(
                a=on_disk[key].splitlines(), b=text.splitlines(), autojunk=False
            )
            count = sum(1 for tag, *_ in lines.get_opcodes() if tag != "equal")
            planned.append((Change(relative, "diubah", catatan=f"{count} bagian teks"), path, text))
    for key in on_disk.keys() - content.narasi.keys():
        path = folder / f"{key}.md"
        planned.append((Change(path.relative_to(satker_dir).as_posix(), "dihapus"), path, None))
    return planned


def _apply(satker_dir: Path, planned: list[_Plan]) -> None:
    """Write every new text to a staging folder first, then move each into place.

    A failure while staging (disk full) leaves every file as it was; each move is atomic.
    """
    if not planned:
        return
    staging = Path(tempfile.mkdtemp(prefix=".impor-", dir=satker_dir))
    try:
        staged: list[tuple[Path, Path | None]] = []
        for i, (_, path, text) in enumerate(planned):
            if text is None:
                staged.append((path, None))
                continue
            staged_file = staging / f"{i}{path.suffix}"
            with open(staged_file, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            staged.append((path, staged_file))
        for path, new in staged:
            if new is None:
                path.unlink(missing_ok=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                os.replace(new, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def changes_text(result: ImportResult, written: bool = True) -> Iterator[str]:
    """Lines for the terminal: each changed file, then the warnings count."""
    if not result.changes:
        yield "tidak ada perubahan: buku kerja sama dengan file data"
    for change in result.changes:
        yield str(change)
    if not written and result.changes:
        yield "(--coba: tidak ada file yang ditulis)"
    if result.warnings:
        yield f"{len(result.warnings)} peringatan: lihat `lakip periksa`"
