"""Exceptions and findings: every problem names its file, row, column, value and the fix.

Row convention, used everywhere: ``row`` is the line number a person sees in a text editor
or spreadsheet. In a CSV file the header is row 1, so the first data row is row 2; in a YAML
file it is the line of the key. ``row`` is ``None`` when the problem concerns the whole file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # imported where used: `lakip build` of unchanged inputs never loads them
    import numpy as np
    import pandas as pd

#: "info" says what an optional part would add; it never fails a check (``lakip periksa``).
Severity = Literal["error", "warning", "info"]

#: Every ``Finding.kode`` the loader emits, with what it means (printed in the data dictionary).
KODE: dict[str, str] = {
    "invalid_number": "teks bukan angka yang sah",
    "ambiguous_number": "titik atau koma tunggal diikuti tepat tiga angka (mis. 1.234 atau "
    "1,234): ribuan atau desimal?",
    "mixed_separators": "koma dan titik dipakai sekaligus dengan urutan yang salah (mis. 97,5.0)",
    "mixed_decimal": "satu kolom memakai koma desimal di satu baris dan titik di baris lain",
    "invalid_rupiah": "teks bukan jumlah rupiah utuh",
    "invalid_integer": "teks bukan bilangan bulat",
    "invalid_date": "teks bukan tanggal yang ada",
    "invalid_value": "target/realisasi tidak dapat dibaca",
    "unknown_grade": "predikat/opini tidak dikenal pada skala indikator",
    "range_reversed": "rentang dengan batas bawah lebih besar dari batas atas",
    "value_kind": "bentuk nilai tidak cocok dengan polaritas indikator",
    "satuan_mismatch": "satuan yang ditulis pada nilai berbeda dari kolom satuan",
    "target_zero": "target 0 membuat capaian tidak terdefinisi",
    "negative_amount": "jumlah rupiah negatif",
    "not_allowed": "nilai di luar daftar nilai yang diizinkan",
    "required_empty": "kolom wajib kosong",
    "invalid_id": "id tidak sesuai pola",
    "duplicate_id": "id atau kombinasi kunci muncul lebih dari sekali",
    "unknown_reference": "merujuk ke id yang tidak ada",
    "cycle": "hierarki induk membentuk siklus",
    "katalog_mismatch": "indikator mengubah satuan, polaritas, rumus atau skala indikator katalog",
    "inconsistent": "isian kolom tidak konsisten satu sama lain",
    "missing_column": "kolom wajib tidak ada di header",
    "extra_column": "kolom di header tidak dikenal",
    "empty_file": "file kosong",
    "no_rows": "file hanya berisi header padahal wajib ada baris data",
    "wrong_delimiter": "pemisah kolom bukan koma",
    "not_utf8": "file bukan teks UTF-8",
    "bom": "file diawali BOM UTF-8 (diterima, sebaiknya disimpan tanpa BOM)",
    "malformed_csv": "struktur CSV rusak (tanda kutip atau jumlah kolom)",
    "file_too_large": "file melebihi batas ukuran",
    "too_many_rows": "file melebihi batas jumlah baris laporan",
    "table_too_wide": "tabel narasi melebihi batas jumlah kolom",
    "unreadable": "file tidak dapat dibaca (izin akses atau kesalahan disk)",
    "yaml_syntax": "YAML tidak dapat dibaca",
    "yaml_tab": "YAML memakai karakter tab untuk indentasi",
    "missing_key": "kunci YAML wajib tidak ada",
    "invalid_key": "isi kunci YAML tidak sah",
    "invalid_satker_id": "id satker tidak sah",
    "invalid_year": "tahun tidak sah",
    "outside_data": "file menunjuk ke luar folder data (symlink)",
    "unknown_key": "kunci YAML tidak dikenal",
    "duplicate_key": "kunci YAML ditulis lebih dari sekali",
    "target_kosong": "target belum ditetapkan (kosong): capaian belum dapat dihitung",
    "pagu_kosong": "pagu belum diisi (kosong): tidak ikut dijumlah, penyerapan belum dihitung",
    "tanggal_kosong": "tanggal belum ditetapkan (kosong): laporan mencetak 'belum ditetapkan'",
}


class LakipError(Exception):
    """Root of every error lakipkit raises on purpose.

    In a notebook IPython shows its message alone (`_render_traceback_`), not a traceback:
    the message already says what is wrong and how to fix it.
    """

    def _render_traceback_(self) -> list[str]:
        return str(self).splitlines() or [type(self).__name__]


class ParameterError(LakipError, ValueError):
    """A notebook parameter or command argument names something that does not exist."""


@dataclass(frozen=True)
class Finding:
    """One problem in the data, located precisely enough for a person to fix it.

    ``message`` reads after the quoted value (``'97,5.0%' bukan angka yang sah``) when
    ``value`` is given, and on its own otherwise. ``expected`` says what would be accepted.
    """

    severity: Severity
    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str
    message: str
    kode: str

    def location(self) -> str:
        """'baris 5, kolom 'target'' (or 'kunci' for YAML); empty for a whole-file finding."""
        parts = []
        if self.row is not None:
            parts.append(f"baris {self.row}")
        if self.column is not None:
            word = "kunci" if self.file.endswith((".yaml", ".yml")) else "kolom"
            parts.append(f"{word} '{self.column}'")
        return ", ".join(parts)

    def describe(self) -> str:
        """Describe the problem and the fix, without the file name."""
        text = f"'{self.value}' {self.message}" if self.value else self.message
        return f"{text}; diharapkan {self.expected}" if self.expected else text

    def __str__(self) -> str:
        where = " ".join(part for part in (self.file, self.location()) if part)
        return f"{where}: {self.describe()}"


class DataValidationError(LakipError, ValueError):
    """The data has errors; ``findings`` lists all of them (collected, not first-only).

    ``warnings`` carries the warnings found on the way, so a caller that lists problems
    (``lakip periksa``) can show them too; the message names the errors only.
    """

    def __init__(self, findings: Iterable[Finding], warnings: Iterable[Finding] = ()):
        self.findings: tuple[Finding, ...] = tuple(findings)
        self.warnings: tuple[Finding, ...] = tuple(warnings)
        super().__init__(self._text())

    def _text(self) -> str:
        by_file: dict[str, list[Finding]] = {}
        for finding in self.findings:
            by_file.setdefault(finding.file, []).append(finding)
        lines = [f"{len(self.findings)} masalah pada data:"]
        for file, findings in by_file.items():
            lines.append(file)
            for finding in sorted(findings, key=lambda f: f.row or 0):
                where = finding.location()
                lines.append(f"  {where + ': ' if where else ''}{finding.describe()}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._text()


#: One check of `findings_where`: (mask over the frame's rows, column, kode, expected).
Check = tuple["Sequence[bool] | np.ndarray | pd.Series", str, str, str]


def findings_where(
    frame: pd.DataFrame,
    file: str,
    checks: Iterable[Check],
    *,
    key: str,
    noun: str | None = None,
    teks: Mapping[str, str] | None = None,
    file_rows: bool = True,
) -> list[Finding]:
    """Make one error per row a check's mask marks, naming the row by its ``key`` value.

    Loaded frames keep their file's rows (index = data row - 2), so ``row`` is index + 2;
    ``file_rows=False`` (or a non-integer index) leaves it ``None``, for a frame whose index
    belongs to another file. The value is read from ``teks[column]`` when given (the text as
    written, e.g. 'target_teks' for 'target'), else from the column itself; the message
    reads 'pada <noun> <key value>: <meaning of kode>'.
    """
    import numpy as np
    import pandas as pd

    teks = teks or {}
    numbered = file_rows and pd.api.types.is_integer_dtype(frame.index)
    findings = []
    for mask, column, kode, expected in checks:
        where = np.flatnonzero(np.asarray(mask, dtype=bool))
        rows = frame.index[where]
        values = frame[teks.get(column, column)].iloc[where]
        keys = frame[key].iloc[where]
        findings += [
            Finding(
                severity="error",
                file=file,
                row=int(row) + 2 if numbered else None,
                column=column,
                value=None if pd.isna(value) else str(value),
                expected=expected,
                message=f"pada {noun or key} {name}: {KODE[kode]}",
                kode=kode,
            )
            for row, value, name in zip(rows, values, keys, strict=True)
        ]
    return findings


class MissingDataError(LakipError, FileNotFoundError):
    """A folder or required file is absent; the message says what to create."""

    def __init__(self, path: Path | str, hint: str):
        self.path = Path(path)
        self.hint = hint
        super().__init__(f"{path} tidak ada: {hint}")
        self.filename = str(path)

    def __str__(self) -> str:
        return f"{self.path} tidak ada: {self.hint}"


class BuildError(LakipError, RuntimeError):
    """A report notebook failed; says which cell, with which error, in which notebook."""

    def __init__(self, notebook: Path | str, cell_index: int | None, ename: str, evalue: str):
        self.notebook = Path(notebook)
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue
        super().__init__(str(self))

    def __str__(self) -> str:
        cell = f" di sel {self.cell_index}" if self.cell_index is not None else ""
        return f"notebook {self.notebook} gagal{cell}: {self.ename}: {self.evalue}"


class ParseError(LakipError, ValueError):
    """One text value could not be read; the loader turns it into a ``Finding``."""

    def __init__(self, kode: str, value: str, message: str, expected: str):
        self.kode = kode
        self.value = value
        self.message = message
        self.expected = expected
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"'{self.value}' {self.message}; diharapkan {self.expected}"
