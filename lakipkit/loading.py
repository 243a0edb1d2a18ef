"""Read one satker-year from ``data/`` into a frozen ``YearData``, checking it on the way.

Nothing is written. Every problem is collected first; the errors are then raised together as
one ``DataValidationError`` and the warnings stay on ``YearData.findings``.

Decisions a data editor should know:

- Files are UTF-8. A UTF-8 BOM (Excel's "CSV UTF-8" writes one) is accepted and reported as
  a warning; any other encoding is refused with the row and column of the first bad byte.
- A file larger than ``MAX_BYTES`` is refused before it is read; so is a symlink that leads
  out of the data folder.
- Cells are trimmed of surrounding spaces; blank lines are skipped without shifting the row
  numbers. A frame's index is its data row - 2 (the header is row 1, see ``errors``).
- Optional files that are absent load as empty frames with every column.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from html import escape
from pathlib import Path
from typing import Any, ParamSpec

import numpy as np
import pandas as pd
import pandera.pandas as pa
import yaml

from lakipkit import pohon
from lakipkit.errors import DataValidationError, Finding, MissingDataError, Severity
from lakipkit.folders import KATALOG_DIR as KATALOG_DIR  # re-exported
from lakipkit.folders import SATKER_ID
from lakipkit.folders import list_satker as list_satker  # re-exported
from lakipkit.folders import outside_inputs as outside_inputs  # re-exported
from lakipkit.folders import satker_ancestors as satker_ancestors  # re-exported
from lakipkit.formatting import format_angka, format_rupiah
from lakipkit.memo import remembered_calls
from lakipkit.parsing import SKALA, nilai_frame, normalize_satuan, parse_column
from lakipkit.periode import realisasi_tahunan, triwulan_dari_bulan
from lakipkit.pohon import POHON_COLUMNS
from lakipkit.schemas import (
    KATALOG,
    REFERENCES,
    TABLES,
    YAML_FILES,
    Penjelasan,
    Standar,
    Table,
    columns,
    validate_table,
    validate_yaml,
)
from lakipkit.settings import level_names

P = ParamSpec("P")
#: Files a pohon.csv replaces: references to them then point to its nodes.
_LEVEL_FILES = ("program.csv", "kegiatan.csv")
MAX_BYTES = {".csv": 5_000_000, ".yaml": 1_000_000, ".md": 1_000_000}
#: Most data rows one CSV may hold: far above any unit's budget lines or tables, and below
#: what the report can lay out (145 000 rows under the byte limit ran for over 10 minutes).
MAX_ROWS = 10_000
#: Most rows of the files whose every row the report lays out (a table row, a chart bar, a
#: budget line with its efficiency): ~5 ms each, linear, so these sizes build the HTML in
#: about 15 s or less (docs/keandalan.md). A satker's PK holds tens of indicators and a
#: Pemda's hundreds; an OPD's budget lines down to sub kegiatan, hundreds.
MAX_BARIS_LAPORAN = {"indikator.csv": 1_000, "anggaran.csv": 2_000}
#: Most cells in one row of a table in a narrative file (Markdown or HTML). The PDF lays out
#: every column: 6 000 kept WeasyPrint busy 46 s (an A4 page shows about a dozen).
MAX_KOLOM_NARASI = 50
# A pipe table's delimiter row (its cells are the table's columns) and raw HTML rows.
_DELIMITER_ROW = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$", re.M)
_HTML_ROW = re.compile(r"<tr\b(.*?)(?=<tr\b|</table|\Z)", re.I | re.S)
_HTML_CELL = re.compile(r"<t[dh]\b", re.I)
SMALL_TABLES = ("produk_hukum", "ppid", "mitra", "jadwal_pemutakhiran", "dpt")
#: Narrative files the report places (``narasi/<name>.md``), besides ``analisis/<id>.md``.
NARASI = (
    "kata_pengantar",
    "ikhtisar",
    "bab1_latar_belakang",
    "bab1_maksud_tujuan",
    "bab1_kedudukan",
    "bab1_struktur",
    "bab1_sistematika",
    "bab2_renstra",
    "bab2_rkt",
    "bab2_pk",
    "bab3_pengukuran",
    "bab3_kesimpulan",
    "bab3_keuangan",
    "bab4_penutup",
)
#: Columns of ``YearData.indikator`` (docs/architecture.md).
INDIKATOR_COLUMNS = [
    "id",
    "program",
    "kegiatan",
    "sasaran",
    "simpul",
    "tingkat",
    "uraian",
    "satuan",
    "polaritas",
    "rumus",
    "skala",
    "agregasi_triwulan",
    "target_teks",
    "target",
    "target_atas",
    "realisasi_teks",
    "realisasi",
    "katalog",
    "kode_anggaran",
]
_TAHUN_BARU = "kelak `lakip tahun-baru` dapat memulai folder tahun baru"

Lines = dict[tuple[str | int, ...], int]


@dataclass(frozen=True, repr=False)
class YearData:
    """One satker-year, validated: profile, report data, frames and narrative.

    Frames keep the index of their file (data row - 2). ``indikator`` follows the frame
    contract in docs/architecture.md (PK indicators merged with sasaran and realisasi);
    ``pohon`` is the performance tree (``lakipkit.pohon``), from pohon.csv or from
    program.csv + kegiatan.csv, which ``program`` and ``kegiatan`` then keep as read (with
    pohon.csv they are derived from its program and kegiatan levels);
    ``tabel`` holds the small tables by name; ``narasi`` maps 'bab1_struktur' or
    'analisis/WA-S01' to raw Markdown; ``findings`` holds the warnings.
    """

    satker_id: str
    tahun: int
    satker: dict[str, Any]
    laporan: dict[str, Any]
    program: pd.DataFrame
    kegiatan: pd.DataFrame
    sasaran: pd.DataFrame
    indikator: pd.DataFrame
    realisasi: pd.DataFrame
    realisasi_triwulan: pd.DataFrame
    tabel_terbit: pd.DataFrame
    anggaran: pd.DataFrame
    anggaran_terbit: pd.DataFrame
    pk_anggaran: pd.DataFrame
    rkt_sasaran_strategis: pd.DataFrame
    rkt_program: pd.DataFrame
    rkt_pendanaan: pd.DataFrame
    pegawai: pd.DataFrame
    organisasi: pd.DataFrame
    pohon: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=POHON_COLUMNS))
    realisasi_bulanan: pd.DataFrame = field(default_factory=pd.DataFrame)
    penjelasan: pd.DataFrame = field(default_factory=lambda: typed_frame(None, Penjelasan))
    standar: pd.DataFrame = field(default_factory=lambda: typed_frame(None, Standar))
    tabel: dict[str, pd.DataFrame] = field(default_factory=dict)
    narasi: dict[str, str] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()

    def overview(self) -> list[tuple[str, str]]:
        """List a few (label, value) lines that say which year this is and how complete it is."""
        from lakipkit.anggaran import totals

        ind = self.indikator
        jumlah = totals(self.anggaran)
        warnings = sum(f.severity == "warning" for f in self.findings)
        return [
            ("Satker", f"{self.satker.get('nama', self.satker_id)} ({self.satker_id})"),
            ("Tahun", str(self.tahun)),
            (
                "Indikator kinerja",
                f"{len(ind)} ({int(ind['realisasi_teks'].notna().sum())} dengan realisasi) "
                f"pada {len(self.sasaran)} sasaran, {len(self.program)} program, "
                f"{len(self.kegiatan)} kegiatan",
            ),
            (
                "Anggaran",
                f"{len(self.anggaran)} baris, pagu "
                f"{format_rupiah(jumlah.pagu, kosong='belum diisi')}, realisasi "
                f"{format_rupiah(jumlah.realisasi, kosong='belum dilaporkan')}",
            ),
            ("Narasi", f"{len(self.narasi)} bagian"),
            ("Peringatan data", f"{warnings} (rinciannya: lakip periksa)"),
        ]

    def __repr__(self) -> str:
        """One line instead of every frame: `YearData(kpu-kota-bontang 2024: 31 indikator...)`."""
        return (
            f"YearData({self.satker_id} {self.tahun}: {len(self.indikator)} indikator, "
            f"{len(self.anggaran)} baris anggaran, {len(self.findings)} temuan)"
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f'<tr><th style="text-align:left">{escape(label)}</th>'
            f'<td style="text-align:left">{escape(value)}</td></tr>'
            for label, value in self.overview()
        )
        return f"<table><caption>Data {escape(self.satker_id)} {self.tahun}</caption>{rows}</table>"


# --- public API -------------------------------------------------------------------------------


def load_profil(data_dir: Path | str, satker: str) -> dict[str, Any]:
    """Read and check one satker.yaml; raise ``DataValidationError`` listing its errors."""
    data_dir = Path(data_dir)
    path = _satker_dir(data_dir, satker) / "satker.yaml"
    if not path.is_file():
        raise MissingDataError(path, "buat satker.yaml (lihat data/README.md)")
    data, findings = _profil_cached(str(path), str(data_dir), *_stamp(path))
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise DataValidationError(errors, [f for f in findings if f.severity == "warning"])
    return dict(data or {})


def _stamp(path: Path) -> tuple[int, int]:
    """Modification time and size: a file read again only when one of them changed."""
    try:
        stat = path.stat()
    except OSError:
        return (0, -1)
    return stat.st_mtime_ns, stat.st_size


# Units read their parents' satker.yaml and the shared catalogue; a batch or a consolidation
# reads the same few files hundreds of times in one process, so they are kept per file stamp.
@lru_cache(maxsize=1024)
def _profil_cached(
    path: str, root: str, mtime: int, size: int
) -> tuple[dict[str, Any] | None, tuple[Finding, ...]]:
    findings: list[Finding] = []
    profil = _read_yaml(Path(path), Path(root), findings)
    return profil.data, tuple(findings)


@lru_cache(maxsize=16)
def _katalog_cached(
    path: str, root: str, mtime: int, size: int
) -> tuple[pd.DataFrame | None, tuple[Finding, ...]]:
    findings: list[Finding] = []
    raw = read_table(Path(path), KATALOG, Path(root), findings)
    if raw is None or _lacks_columns(raw, KATALOG.model):
        return None, tuple(findings)
    findings += _katalog_rules(raw, path)
    return typed_frame(raw, KATALOG.model), tuple(findings)


def read_katalog(
    data_dir: Path | str, findings: list[Finding] | None = None
) -> pd.DataFrame | None:
    """Read data/katalog/indikator.csv, typed; None when absent or unreadable.

    Problems go to ``findings`` when given; otherwise errors raise ``DataValidationError``.
    """
    data_dir = Path(data_dir)
    path = data_dir / KATALOG.file
    frame, own = _katalog_cached(str(path), str(data_dir), *_stamp(path))
    if findings is not None:
        findings += own
    elif any(f.severity == "error" for f in own):
        errors = [f for f in own if f.severity == "error"]
        raise DataValidationError(errors, [f for f in own if f.severity == "warning"])
    return None if frame is None else frame.copy()


def list_years(data_dir: Path | str, satker: str) -> list[int]:
    """Return the years (folders named by four digits) of one satker, sorted."""
    folders = _satker_dir(Path(data_dir), satker).iterdir()
    return sorted(int(p.name) for p in folders if p.is_dir() and re.fullmatch(r"\d{4}", p.name))


def load_year(data_dir: Path | str, satker: str, tahun: int) -> YearData:
    """Read and check one satker-year; raise ``DataValidationError`` listing every error.

    The result is remembered per content of the satker's files and the year's folder
    (`memo.DATA`): loading the same files again returns a copy without re-reading them.
    """
    from lakipkit.memo import DATA

    satker_dir = Path(data_dir).resolve() / satker
    inputs = [*sorted(p for p in satker_dir.glob("*") if p.is_file()), satker_dir / str(tahun)]
    return DATA.recall(
        ("load_year", str(satker_dir), str(tahun)),
        inputs,
        lambda: _load_year(data_dir, satker, tahun),
    )


def _load_year(data_dir: Path | str, satker: str, tahun: int) -> YearData:
    data_dir = Path(data_dir)
    satker_dir = _satker_dir(data_dir, satker)
    if not re.fullmatch(r"\d{4}", str(tahun)):
        expected = "tahun empat angka, mis. 2024"
        problem = _finding(
            str(satker_dir), "invalid_year", "bukan tahun", expected, value=str(tahun)
        )
        raise DataValidationError([problem])
    year_dir = satker_dir / str(tahun)
    paths = {t.file: (satker_dir if t.level == "satker" else year_dir) / t.file for t in TABLES}
    _require(satker_dir, year_dir, paths)

    findings: list[Finding] = []
    profil = _read_yaml(satker_dir / "satker.yaml", data_dir, findings)
    laporan = _read_yaml(year_dir / "laporan.yaml", data_dir, findings)
    tables = {t.file: _read_typed(paths[t.file], t, data_dir) for t in TABLES}
    raw = {file: text for file, (text, _, _) in tables.items()}
    frames = {file: typed for file, (_, typed, _) in tables.items()}
    findings += [finding for _, _, found in tables.values() for finding in found]
    broken = {t.file for t in TABLES if raw[t.file] is None and paths[t.file].is_file()}
    broken |= {t.file for t in TABLES if _lacks_columns(raw[t.file], t.model)}
    shown = {file: str(path) for file, path in paths.items()}
    findings += _tree_source(frames, shown)
    tree = _pohon(frames)
    findings += _cross_checks(frames, broken, shown, tree)
    findings += _rupiah_checks(frames, shown)
    findings += _yaml_checks(profil, laporan, int(tahun))
    findings += _induk_checks(data_dir, satker, profil)
    if "indikator.csv" not in broken:
        findings += _katalog_checks(data_dir, frames["indikator.csv"], shown["indikator.csv"])
    if laporan.data is not None and "pohon.csv" not in broken:
        findings += _tingkat_checks(raw["pohon.csv"], laporan.data, shown["pohon.csv"])
    narasi = _read_narasi(year_dir / "narasi", data_dir, findings, frames, tree)

    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise DataValidationError(errors, [f for f in findings if f.severity == "warning"])
    indikator = _indikator(frames, tree)
    return YearData(
        satker_id=satker,
        tahun=int(tahun),
        satker=profil.data or {},
        laporan=laporan.data or {},
        indikator=indikator,
        tabel={name: frames[f"{name}.csv"] for name in SMALL_TABLES},
        narasi=narasi,
        findings=tuple(findings),
        pohon=tree,
        program=_program(frames, tree),
        kegiatan=_kegiatan(frames, tree),
        sasaran=frames["sasaran.csv"],
        realisasi=frames["realisasi.csv"],
        realisasi_triwulan=_triwulan(frames, indikator),
        realisasi_bulanan=frames["realisasi_bulanan.csv"],
        penjelasan=frames["penjelasan.csv"],
        standar=frames["standar.csv"],
        tabel_terbit=frames["tabel_terbit.csv"],
        anggaran=frames["anggaran.csv"],
        anggaran_terbit=frames["anggaran_terbit.csv"],
        pk_anggaran=frames["pk_anggaran.csv"],
        rkt_sasaran_strategis=frames["rkt_sasaran_strategis.csv"],
        rkt_program=frames["rkt_program.csv"],
        rkt_pendanaan=frames["rkt_pendanaan.csv"],
        pegawai=frames["pegawai.csv"],
        organisasi=frames["organisasi.csv"],
    )


# --- folders and files ------------------------------------------------------------------------


def _finding(
    file: str,
    kode: str,
    message: str,
    expected: str,
    *,
    row: int | None = None,
    column: str | None = None,
    value: str | None = None,
    severity: Severity = "error",
) -> Finding:
    return Finding(severity, file, row, column, value, expected, message, kode)


def _satker_dir(data_dir: Path, satker: str) -> Path:
    """Check the satker id before it touches a path; the folder must exist."""
    if not isinstance(satker, str) or not SATKER_ID.fullmatch(satker):
        expected = "huruf kecil, angka dan '-' saja, diawali huruf/angka (mis. kpu-kota-bontang)"
        message = "bukan id satker yang sah"
        problem = _finding(str(data_dir), "invalid_satker_id", message, expected, value=str(satker))
        raise DataValidationError([problem])
    satker_dir = data_dir / satker
    if not satker_dir.is_dir():
        hint = f"buat folder {satker_dir} berisi satker.yaml (lihat data/README.md)"
        raise MissingDataError(satker_dir, hint)
    _require_readable(satker_dir)
    return satker_dir


def _require_readable(folder: Path) -> None:
    """Refuse a folder this user cannot list or enter, naming it (not a PermissionError)."""
    if not os.access(folder, os.R_OK | os.X_OK):
        message = "folder tidak dapat dibaca (izin ditolak)"
        expected = "folder yang dapat dibaca pengguna ini (periksa izin: chmod/chown)"
        raise DataValidationError([_finding(str(folder), "unreadable", message, expected)])


def _require(satker_dir: Path, year_dir: Path, paths: dict[str, Path]) -> None:
    """Raise ``MissingDataError`` naming every required file that is absent."""
    if not year_dir.is_dir():
        hint = (
            f"buat folder {year_dir} berisi laporan.yaml dan file CSV tahun itu "
            f"(lihat data/README.md); {_TAHUN_BARU}"
        )
        raise MissingDataError(year_dir, hint)
    _require_readable(year_dir)
    required = [satker_dir / "satker.yaml", year_dir / "laporan.yaml"]
    required += [paths[t.file] for t in TABLES if t.wajib]
    missing = [path for path in required if not path.is_file()]
    if missing:
        names = ", ".join(str(path) for path in missing)
        hint = f"buat file {names} (kolom: lihat docs/data-dictionary.md); {_TAHUN_BARU}"
        raise MissingDataError(missing[0], hint)


def _read_text(path: Path, root: Path, findings: list[Finding], is_csv: bool = False) -> str | None:
    """Read a file as UTF-8 text, refusing what is too large, outside ``root`` or not UTF-8."""
    shown = str(path)
    if not path.resolve().is_relative_to(root.resolve()):
        message = "menunjuk ke luar folder data (symlink)"
        findings.append(_finding(shown, "outside_data", message, "file biasa di folder data"))
        return None
    try:
        size, limit = path.stat().st_size, MAX_BYTES[path.suffix]
        if size > limit:
            message = f"berukuran {size:,} byte, melebihi batas {limit:,} byte"
            findings.append(_finding(shown, "file_too_large", message, "file data yang wajar"))
            return None
        data = path.read_bytes()
    except OSError as error:
        message = f"tidak dapat dibaca ({error.strerror or error})"
        findings.append(_finding(shown, "unreadable", message, "file yang dapat dibaca"))
        return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        message = "diawali BOM UTF-8 (diterima)"
        findings.append(_finding(shown, "bom", message, "UTF-8 tanpa BOM", severity="warning"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        row, column, value = _locate(data, error.start, is_csv)
        message = f"bukan teks UTF-8 (byte 0x{data[error.start]:02X} di posisi {error.start})"
        expected = "UTF-8 (Excel: simpan sebagai 'CSV UTF-8'; LibreOffice: set karakter UTF-8)"
        findings.append(
            _finding(shown, "not_utf8", message, expected, row=row, column=column, value=value)
        )
        return None


def _locate(data: bytes, offset: int, is_csv: bool) -> tuple[int, str | None, str | None]:
    """Give the row, CSV column and field text (read as Latin-1) of the byte at ``offset``."""
    row = data.count(b"\n", 0, offset) + 1
    if not is_csv:
        return row, None, None
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    header = _fields(data.split(b"\n", 1)[0].decode("utf-8", "replace"))
    position = max(len(_fields(data[start:offset].decode("latin-1"))) - 1, 0)
    fields = _fields(data[start : None if end < 0 else end].decode("latin-1"))
    column = header[position].strip() if position < len(header) else None
    return row, column, fields[position] if position < len(fields) else None


def _fields(line: str) -> list[str]:
    """Split one CSV line into fields; [] if it cannot be split."""
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return []


def _read_typed(
    path: Path, table: Table, root: Path
) -> tuple[pd.DataFrame | None, pd.DataFrame, list[Finding]]:
    """`read_table` and `typed_frame` of one file, remembered per its content (`memo.DATA`).

    After an edit to one CSV only that file is parsed again (the preview's loop).
    """
    from lakipkit.memo import DATA

    def read() -> tuple[pd.DataFrame | None, pd.DataFrame, list[Finding]]:
        found: list[Finding] = []
        text = read_table(path, table, root, found)
        return text, typed_frame(text, table.model), found

    return DATA.recall(("read_table", str(path), str(root), table.file), [path], read)


def read_table(
    path: Path, table: Table, root: Path, findings: list[Finding]
) -> pd.DataFrame | None:
    """Read one CSV as text and check it against its schema; None if absent or unreadable.

    Every problem (errors and warnings) is appended to ``findings``; the frame holds text,
    index = data row - 2. `typed_frame` then gives it its types.
    """
    if not path.is_file():
        return None
    text = _read_text(path, root, findings, is_csv=True)
    if text is None:
        return None
    shown = str(path)
    if not text.strip():
        expected = "baris header: " + ",".join(columns(table.model))
        findings.append(_finding(shown, "empty_file", "kosong", expected))
        return None
    header = text.split("\n", 1)[0]
    if "," not in header and (";" in header or "\t" in header):
        message = (
            f"memakai pemisah kolom {'titik koma (;)' if ';' in header else 'tab'}, bukan koma"
        )
        expected = "CSV dipisah koma (Excel: 'CSV UTF-8 (dipisahkan koma)')"
        findings.append(_finding(shown, "wrong_delimiter", message, expected, row=1))
        return None
    try:
        with warnings.catch_warnings():  # a row longer than the header would lose data
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False,
                index_col=False,
            )  # fmt: skip
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError) as error:
        line = re.search(r"(?:line|row) (\d+)", str(error))
        message = "struktur CSV rusak: jumlah kolom atau tanda kutip tidak cocok"
        expected = "setiap baris punya kolom sebanyak header; tanda kutip berpasangan"
        row = int(line[1]) if line else _first_long_row(text)
        findings.append(_finding(shown, "malformed_csv", message, expected, row=row))
        return None
    limit = MAX_BARIS_LAPORAN.get(path.name, MAX_ROWS)
    if len(frame) > limit:
        found, most = format_angka(len(frame)), format_angka(limit)
        message = f"berisi {found} baris data, melebihi batas {most} baris laporan"
        expected = f"paling banyak {most} baris (pecah per satker atau per tahun)"
        findings.append(_finding(shown, "too_many_rows", message, expected))
        return None
    frame.columns = frame.columns.str.strip()
    frame = frame.apply(lambda text_column: text_column.str.strip())
    frame = frame[(frame != "").any(axis=1)]
    if len(frame) < table.min_rows:
        message = "hanya berisi header, padahal wajib ada baris data"
        expected = f"paling sedikit {table.min_rows} baris data"
        findings.append(_finding(shown, "no_rows", message, expected, row=2))
    findings += validate_table(frame, table.model, shown)
    return frame


def _first_long_row(text: str) -> int | None:
    """Row of the first record with more fields than the header (only read on error)."""
    records = csv.reader(io.StringIO(text, newline=""))
    try:
        width = len(next(records, []))
        return next((records.line_num for fields in records if len(fields) > width), None)
    except csv.Error:  # a stray carriage return: the row stays unknown
        return None


def _lacks_columns(frame: pd.DataFrame | None, model: type[pa.DataFrameModel]) -> bool:
    if frame is None:
        return False
    return any(spec.required and name not in frame for name, spec in columns(model).items())


@dataclass(frozen=True)
class _Yaml:
    """A YAML file as read: its typed content (None if unusable) and the line of each key."""

    file: str
    data: dict[str, Any] | None
    lines: Lines


#: Deeper YAML is refused: no laporan.yaml needs more than a few levels.
YAML_MAX_DEPTH = 50


@cache
def yaml_loader() -> type[yaml.SafeLoader]:
    """Build a safe YAML loader that keeps dates as text, to be parsed strictly later."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def _read_yaml(path: Path, root: Path, findings: list[Finding]) -> _Yaml:
    """Read a YAML file and check it against its model, remembered per its content.

    Like `_read_typed`: after an edit to a CSV the preview does not parse the YAML again.
    """
    from lakipkit.memo import DATA

    def read() -> tuple[_Yaml, list[Finding]]:
        found: list[Finding] = []
        return _check_yaml(path, root, found), found

    checked, found = DATA.recall(("read_yaml", str(path), str(root)), [path], read)
    findings += found
    return checked


def _check_yaml(path: Path, root: Path, findings: list[Finding]) -> _Yaml:
    shown = str(path)
    text = _read_text(path, root, findings)
    parsed = None if text is None else _parse_yaml(text, shown)
    if isinstance(parsed, Finding):
        findings.append(parsed)
    if not isinstance(parsed, tuple):
        return _Yaml(shown, None, {})
    node, data = parsed
    if data is None:
        expected = "kunci: lihat docs/data-dictionary.md"
        findings.append(_finding(shown, "empty_file", "kosong", expected))
        return _Yaml(shown, None, {})
    lines: Lines = {}
    for key, line in _key_lines(node, (), lines):
        message, expected = "ditulis lebih dari sekali", "setiap kunci sekali saja"
        findings.append(_finding(shown, "duplicate_key", message, expected, row=line, column=key))
    typed, problems = validate_yaml(data, YAML_FILES[path.name], shown, lines)
    findings += problems
    return _Yaml(shown, typed, lines)


def _parse_yaml(text: str, shown: str) -> tuple[yaml.Node, Any] | Finding:
    """Parse YAML text, or say where and why it cannot be used (tabs, syntax, aliases)."""
    if tab := re.search(r"^ *\t", text, re.MULTILINE):
        row = text.count("\n", 0, tab.start()) + 1
        return _finding(shown, "yaml_tab", "memakai tab untuk indentasi", "spasi", row=row)
    expected = "YAML yang sah: 'kunci: nilai', indentasi spasi, teks berisi ': ' diberi tanda kutip"
    loader = yaml_loader()
    try:
        depth = 0
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                # a shared node makes little sense in data and can blow up in size
                message = "memakai alias YAML (*nama); tulis isinya langsung"
                row = event.start_mark.line + 1
                return _finding(shown, "yaml_syntax", message, expected, row=row)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if depth > YAML_MAX_DEPTH:
                # composing it would recurse once per level (RecursionError near 1 000)
                message = f"bersarang lebih dari {YAML_MAX_DEPTH} tingkat"
                row = event.start_mark.line + 1
                return _finding(shown, "yaml_syntax", message, expected, row=row)
        return yaml.compose(text, Loader=loader), yaml.load(text, Loader=loader)  # noqa: S506
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" (karakter ke-{mark.column + 1})" if mark else ""
        message = f"YAML tidak dapat dibaca: {error.problem}{where}"
        return _finding(
            shown, "yaml_syntax", message, expected, row=mark.line + 1 if mark else None
        )
    except yaml.YAMLError as error:
        return _finding(shown, "yaml_syntax", f"YAML tidak dapat dibaca: {error}", expected)


def _key_lines(node: yaml.Node, path: tuple[str | int, ...], lines: Lines) -> list[tuple[str, int]]:
    """Record the line of every key path; return repeated keys as (dotted path, line)."""
    lines[path] = node.start_mark.line + 1
    repeated: list[tuple[str, int]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                repeated.append((".".join(map(str, (*path, name))), key.start_mark.line + 1))
            seen.add(name)
            repeated += _key_lines(value, (*path, name), lines)
            lines[(*path, name)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            repeated += _key_lines(item, (*path, index), lines)
    return repeated


def _read_narasi(
    narasi_dir: Path,
    root: Path,
    findings: list[Finding],
    frames: dict[str, pd.DataFrame],
    tree: pd.DataFrame,
) -> dict[str, str]:
    """Read narasi/**/*.md; warn about names the report will not place."""
    if not narasi_dir.is_dir():
        return {}
    ids = set(frames["sasaran.csv"]["id"].dropna()) | set(tree["id"].dropna())
    expected = "salah satu dari " + ", ".join(NARASI) + ", atau analisis/<id sasaran/kegiatan>"
    narasi: dict[str, str] = {}
    for path in _markdown_files(narasi_dir, findings):
        key = path.relative_to(narasi_dir).with_suffix("").as_posix()
        text = _read_text(path, root, findings)
        if text is None:
            continue
        narasi[key] = text
        cells, line = _widest_row(text)
        if cells > MAX_KOLOM_NARASI:
            message = f"tabel dengan {cells} kolom, melebihi batas {MAX_KOLOM_NARASI} kolom"
            expected = f"paling banyak {MAX_KOLOM_NARASI} kolom per tabel (pecah tabelnya)"
            findings.append(_finding(str(path), "table_too_wide", message, expected, row=line))
        folder, _, name = key.rpartition("/")
        if not ((folder == "" and name in NARASI) or (folder == "analisis" and name in ids)):
            message = "tidak akan ditempatkan di laporan"
            finding = _finding(str(path), "unknown_reference", message, expected, value=key)
            findings.append(replace(finding, severity="warning"))
    return narasi


def _widest_row(text: str) -> tuple[int, int]:
    """Give the cells and line of the widest table row of a narrative file (Markdown, HTML).

    A pipe table is named by its header line, the line above its delimiter row.
    """
    rows = [
        (m[0].strip().strip("|").count("|") + 1, m.start(), -1)
        for m in _DELIMITER_ROW.finditer(text)
    ]
    rows += [(len(_HTML_CELL.findall(m[1])), m.start(), 0) for m in _HTML_ROW.finditer(text)]
    cells, start, above = max(rows, default=(0, 0, 0))
    return cells, max(text.count("\n", 0, start) + 1 + above, 1)


def _markdown_files(folder: Path, findings: list[Finding]) -> list[Path]:
    """List folder/**/*.md; a sub-folder that cannot be read is an error, not an empty one.

    (``Path.rglob`` skips unreadable folders silently: a report would lose its narrative.)
    """

    def unreadable(error: OSError) -> None:
        shown = str(error.filename or folder)
        message = f"folder narasi tidak dapat dibaca ({error.strerror or error})"
        findings.append(_finding(shown, "unreadable", message, "folder yang dapat dibaca"))

    found = []
    for parent, _, files in os.walk(folder, onerror=unreadable):
        found += [Path(parent) / name for name in files if name.endswith(".md")]
    return sorted(p for p in found if p.is_file())


# --- typed frames -----------------------------------------------------------------------------


def read_checked(path: Path, table: Table, root: Path) -> pd.DataFrame:
    """Read an optional CSV kept apart from the year's set (riwayat, anggaran_triwulan).

    Gives its typed frame (empty if absent); raises ``DataValidationError`` naming every bad
    row at once.
    """
    findings: list[Finding] = []
    frame = typed_frame(read_table(path, table, root, findings), table.model)
    findings += amount_findings(frame, table.model, str(path))
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise DataValidationError(errors)
    return frame


def typed_frame(frame: pd.DataFrame | None, model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """Turn a text frame into typed columns; absent columns (or files) come out empty.

    Text becomes ``string`` (<NA> when empty); a ``nilai`` column ``c`` becomes ``c_teks``
    (as written), ``c`` (the number, the lower bound of a range) and ``c_atas`` (upper bound).
    """
    frame = frame if frame is not None else pd.DataFrame(dtype=str)
    out: dict[str, pd.Series] = {}
    for name, spec in columns(model).items():
        text = frame[name] if name in frame else pd.Series("", index=frame.index, dtype=str)
        fmt = spec.metadata["format"]
        if fmt is None:
            out[name] = text.mask(text == "").astype("string")
        elif fmt == "nilai":
            parts = nilai_frame(text)
            out[f"{name}_teks"] = text.mask(text == "").astype("string")
            out[name] = parts["angka"]
            out[f"{name}_atas"] = parts["atas"]
        else:
            out[name] = _cast(parse_column(text, fmt).values, fmt, spec.metadata["wajib"])
    return pd.DataFrame(out, index=frame.index)


def _cast(values: pd.Series, fmt: str, wajib: bool) -> pd.Series:
    """Whole numbers of a column filled on every row are int64, of the others Int64."""
    if fmt in ("rupiah", "bulat"):
        whole = pd.Series(pd.array(values.tolist(), dtype="Int64"), index=values.index)
        return whole.astype("int64") if wajib and whole.notna().all() else whole
    if fmt == "tanggal":
        return pd.to_datetime(values)
    return values.astype("float64")


def _triwulan(frames: dict[str, pd.DataFrame], indikator: pd.DataFrame) -> pd.DataFrame:
    """realisasi_triwulan.csv, plus quarters from the months of indicators it leaves out."""
    own = frames["realisasi_triwulan.csv"]
    reported = own.loc[own["realisasi_teks"].notna(), "indikator"]
    bulanan = frames["realisasi_bulanan.csv"]
    bulanan = bulanan[~bulanan["indikator"].isin(reported)]
    if not len(bulanan):
        return own
    own = own[~own["indikator"].isin(bulanan["indikator"])]  # its empty quarters give way
    return pd.concat([own, triwulan_dari_bulan(indikator, bulanan)], ignore_index=True)


def _pohon(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Build the performance tree from pohon.csv, or from program.csv + kegiatan.csv."""
    own = frames["pohon.csv"]
    if len(own):
        return pohon.ordered(own[pohon.POHON_COLUMNS[:-1]].astype("string"))
    return pohon.from_program_kegiatan(frames["program.csv"], frames["kegiatan.csv"])


def _sasaran_simpul(sasaran: pd.DataFrame) -> pd.Series:
    """Find the tree node of each sasaran: induk, else its kegiatan, else its programme."""
    return (
        sasaran["induk"]
        .astype("string")
        .fillna(sasaran["kegiatan"].astype("string"))
        .fillna(sasaran["program"].astype("string"))
    )


def _program(frames: dict[str, pd.DataFrame], tree: pd.DataFrame) -> pd.DataFrame:
    """program.csv as read, or the programme level of pohon.csv in its columns."""
    if not len(frames["pohon.csv"]):
        return frames["program.csv"]
    rows = tree[tree["tingkat"].eq("program")]
    return pd.DataFrame(
        {
            "kode": rows["id"],
            "kode_anggaran": rows["kode_anggaran"],
            "huruf": rows["nomor"].fillna(""),
            "nama": rows["nama"],
        }
    ).reset_index(drop=True)


def _kegiatan(frames: dict[str, pd.DataFrame], tree: pd.DataFrame) -> pd.DataFrame:
    """kegiatan.csv as read, or the kegiatan level of pohon.csv (codes of the levels below)."""
    if not len(frames["pohon.csv"]):
        return frames["kegiatan.csv"]
    rows = tree[tree["tingkat"].eq("kegiatan")]
    return pd.DataFrame(
        {
            "id": rows["id"],
            "program": pohon.ancestor_at(rows["id"], tree, "program"),
            "huruf": rows["nomor"].fillna(""),
            "nama": rows["nama"],
            "kode_anggaran": pohon.with_descendant_codes(tree, rows["id"].tolist()).to_numpy(),
        }
    ).reset_index(drop=True)


def _indikator(frames: dict[str, pd.DataFrame], tree: pd.DataFrame) -> pd.DataFrame:
    """Build the indikator frame of the contract: PK indicators + sasaran + realisasi + tree."""
    indikator = frames["indikator.csv"].copy()
    sasaran = frames["sasaran.csv"].set_index("id")
    realisasi = frames["realisasi.csv"].set_index("indikator")
    via_sasaran = indikator["sasaran"].map(
        _sasaran_simpul(sasaran.reset_index()).set_axis(sasaran.index)
    )
    indikator["simpul"] = indikator["induk"].astype("string").fillna(via_sasaran.astype("string"))
    level = pd.Series(tree["tingkat"].to_numpy(), index=tree["id"].to_numpy(), dtype="string")
    indikator["tingkat"] = indikator["simpul"].map(level).astype("string")
    indikator["program"] = pohon.ancestor_at(indikator["simpul"], tree, "program")
    indikator["kegiatan"] = pohon.ancestor_at(indikator["simpul"], tree, "kegiatan")
    stated = indikator["id"].map(realisasi["realisasi_teks"]).astype("string")
    periods = realisasi_tahunan(
        frames["indikator.csv"], frames["realisasi_bulanan.csv"], frames["realisasi_triwulan.csv"]
    ).reindex(indikator["id"])
    # a row of realisasi.csv is the year's value (empty = belum ada data); without a row the
    # year's value is derived from the months or quarters (lakipkit.periode)
    own_row = indikator["id"].isin(realisasi.index)
    indikator["realisasi_teks"] = stated.where(
        own_row, pd.Series(periods["realisasi_teks"].to_numpy(), index=indikator.index)
    ).astype("string")
    indikator["realisasi"] = (
        indikator["id"]
        .map(realisasi["realisasi"])
        .astype("float64")
        .where(own_row, periods["realisasi"].to_numpy())
    )
    negatif = indikator["polaritas"] == "negatif"
    indikator["rumus"] = indikator["rumus"].mask(negatif & indikator["rumus"].isna(), "sakip")
    indikator["agregasi_triwulan"] = indikator["agregasi_triwulan"].fillna("terakhir")
    return indikator[INDIKATOR_COLUMNS]


# --- checks across rows and files -------------------------------------------------------------


def _flag(
    values: pd.Series,
    file: str,
    kode: str,
    message: str | pd.Series,
    expected: str,
    severity: Severity = "error",
) -> list[Finding]:
    """Make one finding per entry of ``values`` (named column, index = data row - 2).

    ``message`` may be a Series aligned with ``values``, to say something per row.
    """
    texts = message.to_numpy() if isinstance(message, pd.Series) else [message] * len(values)
    return [
        _finding(
            file,
            kode,
            str(text),
            expected,
            row=int(index) + 2,
            column=str(values.name),
            value=None if pd.isna(value) else str(value),
            severity=severity,
        )
        for (index, value), text in zip(values.items(), texts, strict=True)
    ]


def _unknown(values: pd.Series, known: Iterable[str], file: str, where: str) -> list[Finding]:
    """Flag filled values that are not among ``known``."""
    bad = values.notna() & ~values.isin(list(known))
    return _flag(
        values[bad], file, "unknown_reference", f"tidak ada di {where}", f"id yang ada di {where}"
    )


def _kept(check: Callable[P, list[Finding]]) -> Callable[P, list[Finding]]:
    """`check`, kept per its arguments' values (`memo.remembered_calls`).

    The preview checks the data after every edit; a check of files that were not edited is
    not run again.
    """
    return remembered_calls(check, list, kept=32)  # a few satker-years' files


@_kept
def _tree(frame: pd.DataFrame, key: str, parent: str, file: str) -> list[Finding]:
    """Flag parents that do not exist and parents that form a cycle."""
    findings = _unknown(frame[parent], frame[key].dropna(), file, f"kolom '{key}' file ini")
    keys = frame[key].astype(object)
    parent_of = pd.Series(frame[parent].astype(object).to_numpy(), index=keys.to_numpy())
    parent_of = parent_of[parent_of.index.notna() & ~parent_of.index.duplicated()]
    jump = parent_of.where(parent_of.isin(parent_of.index))
    for _ in range(len(jump).bit_length()):  # pointer doubling: the ancestor 2^k levels up
        jump = jump.map(jump)
    on_cycle = set(jump.dropna())  # after >= n levels only nodes on a cycle remain
    message = f"membentuk siklus induk (saling menjadi induk: {', '.join(sorted(on_cycle))})"
    expected = "hierarki tanpa putaran: baris puncak induknya kosong"
    return findings + _flag(
        frame.loc[keys.isin(on_cycle), parent], file, "cycle", message, expected
    )


def _nilai_rules(
    text: pd.Series, meta: pd.DataFrame, file: str, *, is_target: bool
) -> list[Finding]:
    """Check target/realisasi texts against their indicator's polaritas, skala and satuan.

    ``meta`` is aligned with ``text`` and has polaritas, skala, satuan (and rumus for targets).
    """
    nilai = nilai_frame(text)
    filled = nilai["bentuk"].notna()
    polaritas, skala = meta["polaritas"].fillna(""), meta["skala"]
    kualitatif = polaritas == "kualitatif"
    rentang = (polaritas == "rentang") & is_target
    wanted = pd.Series(
        np.select([kualitatif, rentang], ["predikat", "rentang"], "angka"), index=text.index
    )
    wrong = filled & (polaritas != "") & (nilai["bentuk"] != wanted)
    message = (
        "berupa "
        + nilai["bentuk"][wrong]
        + ", padahal polaritas "
        + polaritas[wrong]
        + " memerlukan "
        + wanted[wrong]
    )
    expected = "angka dengan satuan; rentang (polaritas rentang); predikat (polaritas kualitatif)"
    findings = _flag(text[wrong], file, "value_kind", message, expected)

    pairs = pd.MultiIndex.from_arrays([skala.astype(object), nilai["predikat"].astype(object)])
    on_scale = pairs.isin([(name, grade) for name, grades in SKALA.items() for grade in grades])
    off = filled & kualitatif & skala.notna() & nilai["predikat"].notna() & ~on_scale
    expected = "; ".join(f"{name}: {', '.join(grades)}" for name, grades in SKALA.items())
    findings += _flag(
        text[off], file, "unknown_grade", "tidak ada pada skala " + skala[off], expected
    )

    if is_target:
        by_ratio = (polaritas == "positif") | (
            (polaritas == "negatif") & (meta["rumus"].fillna("sakip") == "sakip")
        )
        zero = filled & by_ratio & (nilai["angka"] == 0)
        message = "bernilai 0: capaian (dibagi target) tidak terdefinisi"
        expected = "target lebih dari 0 (atau polaritas/rumus lain)"
        findings += _flag(text[zero], file, "target_zero", message, expected)
        # the capaian step refuses these too; told here, periksa lists them with the rest
        negative = filled & (nilai["angka"] < 0)
        message = "bernilai negatif: capaian tidak terdefinisi"
        expected = "target 0 atau lebih (polaritas positif: lebih dari 0)"
        findings += _flag(text[negative], file, "invalid_value", message, expected)

    written = nilai["satuan"].fillna("").map(normalize_satuan)
    other = (
        filled
        & ~kualitatif
        & (written != "")
        & (written != meta["satuan"].fillna("").map(normalize_satuan))
    )
    message = (
        "ditulis dengan satuan '"
        + nilai["satuan"][other]
        + "', berbeda dari kolom satuan '"
        + meta["satuan"][other].astype(str)
        + "'"
    )
    expected = "satuan yang sama dengan kolom satuan indikator"
    return findings + _flag(text[other], file, "satuan_mismatch", message, expected, "warning")


def check_realisasi_text(indikator: pd.DataFrame, teks: str) -> list[Finding]:
    """Check a realisasi written for one indicator row as realisasi.csv is checked.

    ``indikator`` is one row of `YearData.indikator`; returns the findings (a satuan other
    than the indicator's is one, a value of the wrong kind another), empty when it is fine.
    """
    text = pd.Series([teks], index=indikator.index[:1], name="realisasi")
    meta = indikator.iloc[:1]
    return _nilai_rules(text, meta, "realisasi.csv", is_target=False)


@_kept
def _indicator_rules(frame: pd.DataFrame, file: str) -> list[Finding]:
    """Check skala and rumus against polaritas, then the target (indikator and RKT files)."""
    polaritas, skala = frame["polaritas"], frame["skala"]
    kualitatif = polaritas == "kualitatif"
    rumus = (
        frame["rumus"] if "rumus" in frame else pd.Series(pd.NA, index=frame.index, name="rumus")
    )
    findings = _flag(
        skala[kualitatif & skala.isna()],
        file,
        "required_empty",
        "kosong padahal polaritas kualitatif",
        "opini_bpk atau predikat_sakip",
    )
    findings += _flag(
        skala[~kualitatif & skala.notna()],
        file,
        "inconsistent",
        "diisi padahal polaritas bukan kualitatif",
        "kosong",
    )
    findings += _flag(
        rumus[(polaritas != "negatif") & rumus.notna()],
        file,
        "inconsistent",
        "diisi padahal polaritas bukan negatif",
        "kosong",
    )
    meta = pd.DataFrame(
        {"polaritas": polaritas, "skala": skala, "satuan": frame["satuan"], "rumus": rumus}
    )
    return findings + _nilai_rules(
        frame["target_teks"].rename("target"), meta, file, is_target=True
    )


@_kept
def check_values(
    frame: pd.DataFrame,
    indikator: pd.DataFrame,
    file: str,
    column: str = "realisasi",
    *,
    is_target: bool = False,
) -> list[Finding]:
    """Check values against the polaritas, skala and satuan of their indicator.

    ``frame`` has an ``indikator`` column and ``<column>_teks``. ``is_target`` for a value
    that takes the target's place in the capaian rule (a national standard, a target of
    riwayat.csv or renstra.csv): the target's rules, so no later step refuses it.
    """
    by_id = indikator.drop_duplicates("id").set_index("id")
    meta = pd.DataFrame(
        {
            n: frame["indikator"].map(by_id[n]).astype("string")
            for n in ("polaritas", "skala", "satuan", "rumus")
        },
        index=frame.index,
    )
    text = frame[f"{column}_teks"].rename(column)
    return _nilai_rules(text, meta, file, is_target=is_target)


def _tree_source(frames: dict[str, pd.DataFrame], shown: dict[str, str]) -> list[Finding]:
    """Refuse a tree written twice: pohon.csv, or program.csv + kegiatan.csv, not both."""
    if not len(frames["pohon.csv"]):
        return []
    both = [f for f in ("program.csv", "kegiatan.csv") if len(frames[f])]
    if not both:
        return []
    message = f"ditulis bersama {' dan '.join(both)}: pohon kinerja ditulis dua kali"
    expected = (
        "pohon.csv saja (program dan kegiatan menjadi barisnya), atau program.csv + kegiatan.csv"
    )
    return [_finding(shown["pohon.csv"], "inconsistent", message, expected)]


def _tingkat_checks(
    frame: pd.DataFrame | None, laporan: dict[str, Any], file: str
) -> list[Finding]:
    """Each node's tingkat is a level of pengaturan.tingkat, below its parent's level."""
    if frame is None or not len(frame):
        return []
    names = list(level_names(laporan))
    rank = {name: position for position, name in enumerate(names)}
    tingkat = frame["tingkat"]
    findings = _flag(
        tingkat[~tingkat.isin(names) & tingkat.ne("")],
        file,
        "not_allowed",
        "bukan tingkat dalam pengaturan.tingkat di laporan.yaml",
        "salah satu dari: " + ", ".join(names),
    )
    parent_level = (
        frame["induk"].map(dict(zip(frame["id"], tingkat, strict=False)))
        if "induk" in frame
        else tingkat.where(False)
    )
    own, above = tingkat.map(rank), parent_level.map(rank)
    wrong = own.notna() & above.notna() & (own <= above)
    message = "tidak lebih rendah dari tingkat induknya (" + parent_level[wrong].astype(str) + ")"
    return findings + _flag(
        tingkat[wrong], file, "inconsistent", message,
        "tingkat di bawah tingkat induk, urutan: " + " > ".join(names),
    )  # fmt: skip


def _cross_checks(
    frames: dict[str, pd.DataFrame], broken: set[str], shown: dict[str, str], tree: pd.DataFrame
) -> list[Finding]:
    """Check rows against other rows and files, skipping checks whose files are broken."""
    findings: list[Finding] = []

    def ok(*files: str) -> bool:
        return not broken.intersection(files)

    def ids(file: str, column: str = "id") -> pd.Series:
        return frames[file][column].dropna()

    def existing(target: str, key: str) -> tuple[str, pd.Series]:
        """With pohon.csv, programmes and kegiatan are its nodes; the tree has every node."""
        if target == "pohon.csv" or (len(frames["pohon.csv"]) and target in _LEVEL_FILES):
            return "pohon.csv", tree["id"]
        return target, ids(target, key)

    references = [
        (source, column, *existing(target, key)) for source, column, target, key in REFERENCES
    ]
    for source, column, target, known in references:
        if ok(source, target):
            findings += _unknown(frames[source][column], known, shown[source], target)

    findings += (
        _tree(frames["pohon.csv"], "id", "induk", shown["pohon.csv"]) if ok("pohon.csv") else []
    )
    indikator = frames["indikator.csv"]
    both = indikator["sasaran"].notna() & indikator["induk"].notna()
    findings += _flag(
        indikator["induk"][both],
        shown["indikator.csv"],
        "inconsistent",
        "diisi bersama kolom sasaran",
        "isi salah satu: sasaran (indikator di bawah sasaran) atau induk (di bawah simpul pohon)",
    )
    kegiatan, sasaran = frames["kegiatan.csv"], frames["sasaran.csv"]
    if ok("sasaran.csv", "kegiatan.csv"):
        programs = kegiatan.drop_duplicates("id").set_index("id")["program"]
        owner = sasaran["kegiatan"].map(programs).astype("string")
        wrong = owner.notna() & (owner != sasaran["program"]).fillna(False)
        message = "milik program " + owner[wrong] + ", bukan " + sasaran["program"][wrong]
        findings += _flag(
            sasaran["kegiatan"][wrong],
            shown["sasaran.csv"],
            "inconsistent",
            message,
            "kegiatan dari program yang sama",
        )
    for file in ("kegiatan.csv", "pohon.csv", "indikator.csv"):
        if ok(file, "anggaran.csv") and len(frames["anggaran.csv"]):
            codes = frames[file]["kode_anggaran"].str.split(";").explode().str.strip()
            findings += _unknown(codes, ids("anggaran.csv", "kode"), shown[file], "anggaran.csv")
    for file, key in (
        ("anggaran.csv", "kode"),
        ("rkt_pendanaan.csv", "kode"),
        ("organisasi.csv", "id"),
    ):
        if ok(file):
            findings += _tree(frames[file], key, "induk", shown[file])
    for file in ("indikator.csv", "rkt_sasaran_strategis.csv", "rkt_program.csv"):
        if ok(file):
            findings += _indicator_rules(frames[file], shown[file])
    for file in ("realisasi.csv", "realisasi_triwulan.csv", "realisasi_bulanan.csv"):
        if ok(file, "indikator.csv"):
            findings += check_values(frames[file], frames["indikator.csv"], shown[file])
    if ok("standar.csv", "indikator.csv"):
        findings += check_values(
            frames["standar.csv"],
            frames["indikator.csv"],
            shown["standar.csv"],
            "standar",
            is_target=True,
        )

    indicator_files = ("indikator.csv", "rkt_sasaran_strategis.csv", "rkt_program.csv")
    if ok("tabel_terbit.csv", *indicator_files):
        terbit = frames["tabel_terbit.csv"]["indikator"]
        lain = terbit.str.fullmatch(r"LAIN-\d+").fillna(False).astype(bool)
        known = pd.concat([ids(file) for file in indicator_files])
        where = "indikator.csv atau rkt_*.csv (atau LAIN-nn)"
        findings += _unknown(terbit[~lain], known, shown["tabel_terbit.csv"], where)

    jadwal = frames["jadwal_pemutakhiran.csv"]
    early = (jadwal["selesai"] < jadwal["mulai"]).fillna(False)
    findings += _flag(
        jadwal["selesai"][early].dt.date,
        shown["jadwal_pemutakhiran.csv"],
        "inconsistent",
        "lebih awal dari tanggal mulai",
        "selesai tidak sebelum mulai",
    )
    return findings


def _induk_checks(data_dir: Path, satker: str, profil: _Yaml) -> list[Finding]:
    """Check satker_induk: an existing unit, and no unit above this one is this one."""
    induk = (profil.data or {}).get("satker_induk") or ""
    if not induk:
        return []
    row, parent = profil.lines.get(("satker_induk",)), induk
    if induk != satker and not (data_dir / induk / "satker.yaml").is_file():
        message = f"tidak ada satker {induk} (folder berisi satker.yaml) di folder data"
        expected = "id satker lain di folder data, atau kosong di puncak"
        return [
            _finding(
                profil.file, "unknown_reference", message, expected,
                row=row, column="satker_induk", value=induk,
            )
        ]  # fmt: skip
    seen = [satker]
    while induk and induk not in seen:
        seen.append(induk)
        try:
            induk = load_profil(data_dir, induk).get("satker_induk") or ""
        except (DataValidationError, MissingDataError):
            return []  # that unit's own check reports its file
    if not induk:
        return []
    chain = " -> ".join([*seen, induk])
    message = f"membentuk siklus induk ({chain})"
    expected = "hierarki tanpa putaran: satker puncak tanpa satker_induk"
    return [
        _finding(
            profil.file, "cycle", message, expected, row=row, column="satker_induk", value=parent
        )
    ]


def _katalog_rules(katalog: pd.DataFrame, file: str) -> list[Finding]:
    """Check the catalogue's own rows: skala with kualitatif, bobot with a weighted mean."""
    kualitatif = katalog["polaritas"] == "kualitatif"
    skala, bobot, rumus = (
        katalog.get(c, pd.Series("", index=katalog.index, name=c))
        for c in ("skala", "bobot", "rumus")
    )
    tertimbang = katalog["agregasi"] == "rata-rata-tertimbang"
    return [
        *_flag(skala[kualitatif & (skala == "")], file, "required_empty",
               "kosong padahal polaritas kualitatif", "opini_bpk atau predikat_sakip"),
        *_flag(skala[~kualitatif & (skala != "")], file, "inconsistent",
               "diisi padahal polaritas bukan kualitatif", "kosong"),
        *_flag(rumus[(katalog["polaritas"] != "negatif") & (rumus != "")], file, "inconsistent",
               "diisi padahal polaritas bukan negatif", "kosong"),
        *_flag(bobot[tertimbang & (bobot == "")], file, "required_empty",
               "kosong padahal agregasi rata-rata-tertimbang", "pagu atau dpt"),
        *_flag(bobot[~tertimbang & (bobot != "")], file, "inconsistent",
               "diisi padahal agregasi bukan rata-rata-tertimbang", "kosong"),
    ]  # fmt: skip


def _katalog_checks(data_dir: Path, indikator: pd.DataFrame, file: str) -> list[Finding]:
    """Check indikator.csv's catalogue references: known codes, same satuan and polaritas.

    A unit may word the uraian its own way and add indicators of its own (katalog empty);
    it may not change how a catalogue indicator is measured, or the units could not be
    combined. The catalogue's own problems are reported too (with its path).
    """
    refs = indikator["katalog"]
    if refs.isna().all():
        return []
    findings: list[Finding] = []
    katalog = read_katalog(data_dir, findings)
    if katalog is None:
        return findings + _unknown(refs, [], file, KATALOG.file)
    findings += _unknown(refs, katalog["kode"].dropna(), file, KATALOG.file)
    acuan = katalog.drop_duplicates("kode").set_index("kode")
    known = refs.notna() & refs.isin(acuan.index)
    negatif = indikator["polaritas"] == "negatif"
    for column in ("satuan", "polaritas", "rumus", "skala"):
        own = indikator[column].astype("string")
        theirs = refs.map(acuan[column]).astype("string")
        a, b = own.fillna(""), theirs.fillna("")
        if column == "rumus":  # a negatif indicator without rumus uses sakip
            a, b = a.mask(negatif & (a == ""), "sakip"), b.mask(negatif & (b == ""), "sakip")
        if column == "satuan":
            a, b = a.map(normalize_satuan), b.map(normalize_satuan)
        differs = known & (a != b)
        message = (
            "berbeda dari katalog "
            + refs[differs]
            + " ('"
            + theirs[differs].fillna("kosong")
            + "')"
        )
        expected = f"{column} sama dengan katalog, atau kosongkan kolom katalog (indikator sendiri)"
        findings += _flag(indikator[column][differs], file, "katalog_mismatch", message, expected)
    return findings


def _rupiah_checks(frames: dict[str, pd.DataFrame], shown: dict[str, str]) -> list[Finding]:
    """Check every amount column of the year's files (`amount_findings`)."""
    return [
        finding
        for table in TABLES
        for finding in amount_findings(frames[table.file], table.model, shown[table.file])
    ]


#: The largest total a column of whole numbers may add up to: the int64 its sums are held in.
JUMLAH_MAKS = int(np.iinfo(np.int64).max)


def amount_findings(
    frame: pd.DataFrame, model: type[pa.DataFrameModel], file: str
) -> list[Finding]:
    """Flag negative rupiah, and the row where a whole-number column's total passes `JUMLAH_MAKS`.

    Every sum of the report (a parent budget line, a total, a source, the staff and DPT
    totals) is a sum of part of one column; past int64 it wrapped to a negative total
    silently.
    """
    findings: list[Finding] = []
    for name, spec in columns(model).items():
        fmt = spec.metadata["format"]
        if fmt not in ("rupiah", "bulat"):
            continue
        amounts = frame[name]
        if fmt == "rupiah":
            findings += _flag(
                amounts[amounts.fillna(0) < 0],
                file,
                "negative_amount",
                "negatif",
                "jumlah rupiah 0 atau lebih",
            )
        running = itertools.accumulate(abs(int(v)) for v in amounts.fillna(0))
        over = next(
            (i for i, t in zip(amounts.index, running, strict=True) if t > JUMLAH_MAKS), None
        )
        if over is not None:
            findings += _flag(
                amounts.loc[[over]],
                file,
                "invalid_rupiah" if fmt == "rupiah" else "invalid_integer",
                "membuat jumlah kolom ini melebihi batas hitung",
                f"jumlah seluruh baris kolom ini paling banyak {format_angka(JUMLAH_MAKS)}",
            )
    return findings


def _yaml_checks(satker: _Yaml, laporan: _Yaml, tahun: int) -> list[Finding]:
    """Check what the YAML files say about each other and about the folder."""
    findings: list[Finding] = []
    profil, data, lines = satker.data, laporan.data, laporan.lines
    if profil is not None:
        count = len(profil["tujuan"])
        findings += [
            _finding(
                satker.file,
                "unknown_reference",
                f"melebihi jumlah tujuan ({count})",
                f"nomor tujuan 1 sampai {count}",
                row=satker.lines.get(("sasaran_strategis", i, "tujuan")),
                column=f"sasaran_strategis.[{i + 1}].tujuan",
                value=str(item["tujuan"]),
            )
            for i, item in enumerate(profil["sasaran_strategis"])
            if item["tujuan"] > count
        ]
    if data is None:
        return findings
    if data["tahun"] != tahun:
        findings.append(
            _finding(
                laporan.file,
                "inconsistent",
                f"berbeda dari nama folder {tahun}",
                f"tahun: {tahun}",
                row=lines.get(("tahun",)),
                column="tahun",
                value=str(data["tahun"]),
            )
        )
    if profil is not None:
        peran = {pejabat["peran"] for pejabat in profil["pejabat"]}
        used = {
            ("penandatangan", "peran"): data["penandatangan"]["peran"],
            ("pk", "pihak_pertama"): data["pk"]["pihak_pertama"],
            ("pk", "pihak_kedua"): data["pk"]["pihak_kedua"],
        }
        findings += [
            _finding(
                laporan.file,
                "unknown_reference",
                "bukan peran pejabat di satker.yaml",
                "salah satu dari: " + ", ".join(sorted(peran)),
                row=lines.get(key),
                column=".".join(key),
                value=value,
            )
            for key, value in used.items()
            if value not in peran
        ]
    return findings
