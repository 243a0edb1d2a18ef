"""Write docs/data-dictionary.md from the schemas in lakipkit/schemas.py.

Run ``.venv/bin/python scripts/gen_data_dictionary.py`` to rewrite the file, or add
``--check`` to exit 1 when it is out of date (a test does this).
"""

from __future__ import annotations

import argparse
import sys
import types
import typing
from pathlib import Path

from pydantic import BaseModel

from lakipkit.errors import KODE
from lakipkit.loading import MAX_BYTES, NARASI
from lakipkit.parsing import FORMATS
from lakipkit.schemas import (
    SHARED_TABLES,
    SIDE_TABLES,
    TABLES,
    YAML_FILES,
    Rupiah,
    Tanggal,
    columns,
)

TARGET = Path(__file__).resolve().parents[1] / "docs" / "data-dictionary.md"

INTRO = f"""\
# Kamus data

<!-- Dibuat oleh scripts/gen_data_dictionary.py dari lakipkit/schemas.py: jangan disunting
langsung; ubah skemanya lalu jalankan skrip itu. -->

Isi folder `data/` (lihat juga `data/README.md`): satu folder per satker, satu sub-folder per
tahun. `lakipkit.loading.load_year` membaca semuanya, memeriksa setiap file dengan skema di
bawah ini, lalu memeriksa rujukan antar-file. Semua masalah dikumpulkan dan dilaporkan sekaligus,
masing-masing dengan file, baris, kolom, nilai yang ditemukan dan yang diharapkan.

- **Baris** dihitung seperti di penyunting teks atau spreadsheet: header CSV adalah baris 1,
  baris data pertama adalah baris 2. Di YAML, baris adalah baris kunci itu.
- **Kolom wajib** harus ada di header dan terisi di setiap baris; **kolom opsional** boleh
  tidak ada di header atau dibiarkan kosong. Kolom bertanda **ada (isi boleh kosong)** harus
  ada di header, tetapi selnya boleh kosong selama nilainya belum ditetapkan (target, pagu
  tahun yang baru dimulai): setiap sel kosong menjadi peringatan (`target_kosong`,
  `pagu_kosong`), bukan galat. Kolom yang tidak dikenal ditolak.
- File **UTF-8**, CSV dipisah **koma**. BOM UTF-8 (dari Excel "CSV UTF-8") diterima dengan
  peringatan; encoding lain ditolak. Spasi di awal/akhir sel diabaikan; baris kosong dilewati.
- Batas ukuran: {", ".join(f"`{ext}` {size // 1_000_000} MB" for ext, size in MAX_BYTES.items())}.
- File opsional yang tidak ada dibaca sebagai tabel kosong.
"""


def _md(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _allowed(spec) -> str:
    """Say which values (from the isin check) or which pattern a column accepts."""
    for check in spec.checks:
        if check.name == "isin":
            return ", ".join(f"`{v}`" for v in check.statistics["allowed_values"] if v)
    return f"pola `{spec.metadata['pola']}`" if spec.metadata["pola"] else ""


def _table_section(table) -> list[str]:
    schema = table.model.to_schema()
    folders = {"data": "data/", "satker": "data/<satker>/"}
    folder = folders.get(table.level, "data/<satker>/<tahun>/")
    need = "wajib ada" if table.wajib else "opsional"
    if table.min_rows:
        need += f", minimal {table.min_rows} baris data"
    lines = [f"### `{table.file}`", "", f"{schema.description} Letak: `{folder}`; {need}.", ""]
    lines += ["| kolom | wajib | format | nilai/pola | unik | keterangan | contoh |",
              "|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, spec in columns(table.model).items():
        meta = spec.metadata
        fmt = meta["format"] or "teks"
        wajib = "ya" if meta["wajib"] else "ada (isi boleh kosong)" if spec.required else ""
        unik = "ya" if spec.unique else "yang terisi" if meta["unik"] else ""
        lines.append(
            f"| `{name}` | {wajib} | {fmt} | {_md(_allowed(spec))} | {unik} | "
            f"{_md(spec.description)} | {_md(meta['contoh'] or '')} |"
        )
    if schema.unique:
        lines += ["", "Kombinasi unik: " + " + ".join(f"`{c}`" for c in schema.unique) + "."]
    return [*lines, ""]


def _type_name(annotation) -> str:
    """Say in words what a YAML value must be."""
    if annotation == Tanggal:
        return "tanggal"
    if annotation == Rupiah:
        return "rupiah"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "kumpulan kunci"
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:  # a pattern on a text: the description says it
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " atau ".join(_type_name(a) for a in args if a is not type(None))
    if origin is list:
        return f"daftar {_type_name(args[0])}"
    if origin is dict:
        return f"kumpulan kunci: {_type_name(args[1])}"
    return {str: "teks", int: "bilangan bulat"}.get(annotation, str(annotation))


def _yaml_rows(model: type[BaseModel], prefix: str = "") -> list[str]:
    rows = []
    for name, info in model.model_fields.items():
        key = f"{prefix}{name}"
        kind = _type_name(info.rebuild_annotation())
        nullable = type(None) in typing.get_args(info.annotation)
        wajib = ("ada (isi boleh kosong)" if nullable else "ya") if info.is_required() else ""
        rows.append(f"| `{key}` | {wajib} | {kind} | {_md(info.description or '')} |")
        stack = [info.annotation]
        while stack:  # descend into list[Model] and Model | None
            candidate = stack.pop()
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                inner = "[]." if typing.get_origin(info.annotation) is list else "."
                rows += _yaml_rows(candidate, f"{key}{inner}")
            else:
                stack.extend(typing.get_args(candidate))
    return rows


def render() -> str:
    """Return the whole data dictionary as Markdown."""
    lines = [INTRO, "## Format teks", "", "| format | ditulis seperti |", "|---|---|"]
    lines += [f"| {fmt} | {_md(text)} |" for fmt, text in FORMATS.items()]
    lines += ["| teks | teks bebas |", "", "## File CSV", ""]
    for table in (*TABLES, *SIDE_TABLES, *SHARED_TABLES):
        lines += _table_section(table)
    lines += ["## File YAML", ""]
    for file, model in YAML_FILES.items():
        folder = "data/<satker>/" if file == "satker.yaml" else "data/<satker>/<tahun>/"
        lines += [f"### `{file}`", "", f"{model.__doc__} Letak: `{folder}`; wajib ada.", "",
                  "| kunci | wajib | tipe | keterangan |", "|---|---|---|---|",
                  *_yaml_rows(model), ""]  # fmt: skip
    lines += ["## Narasi", "",
              "Markdown di `data/<satker>/<tahun>/narasi/`, satu file per bagian: "
              + ", ".join(f"`{name}.md`" for name in NARASI)
              + ", dan `analisis/<id sasaran atau kegiatan>.md`. File lain diberi peringatan.",
              "", "## Kode temuan", "", "| kode | arti |", "|---|---|"]  # fmt: skip
    lines += [f"| `{kode}` | {_md(meaning)} |" for kode, meaning in KODE.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) docs/data-dictionary.md; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the file is current")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} tidak mutakhir: jalankan scripts/gen_data_dictionary.py")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
