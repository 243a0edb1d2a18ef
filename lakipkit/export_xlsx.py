"""The report's numbered tables as a workbook: one sheet per table, numbers as numbers.

Made from the finished HTML page, where the build has numbered every table (``Tabel 3.1``),
so each sheet is named and captioned as the reader sees it. A cell the build formatted the
Indonesian way (``40.719.755.000``, ``97,50%``, ``Rp 1.234``) is read back as the number it
shows, with a number format that shows it the same way; any other text (a target as a
planner wrote it, ``12 kali``) stays text. Heading rows (a programme, a kegiatan) and total
rows keep their place, in bold. Why the page and not ``ReportTable.frame``:
docs/spreadsheet.md.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from lakipkit.export_docx import fixed_zip
from lakipkit.spreadsheet import XLSX_TEXT

# Only the formats lakipkit.formatting writes: '.' groups thousands, ',' is the decimal mark.
_ID_NUMBER = re.compile(
    r"(?P<rp>Rp\s?)?(?P<sign>-)?(?P<whole>\d{1,3}(?:\.\d{3})+|[1-9]\d*|0)(?:,(?P<frac>\d+))?"
    r"(?P<pct>\s?%)?"
)
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def parse_display(text: str) -> tuple[float, str] | None:
    """Read a number the build displayed; return it with its Excel number format, or None."""
    match = _ID_NUMBER.fullmatch(text.strip())
    if match is None:
        return None
    frac = match["frac"] or ""
    value = float(f"{match['whole'].replace('.', '')}.{frac or 0}")
    value = -value if match["sign"] else value
    decimals = "." + "0" * len(frac) if frac else ""
    if match["pct"]:
        return value / 100, f"0{decimals}%"
    grouped = "." in match["whole"] or bool(match["rp"])
    return value, (f"#,##0{decimals}" if grouped or frac else "0")


def report_workbook(html: str, title: str) -> bytes:
    """Write every numbered table of the report page to a workbook (bytes, reproducible)."""
    import xlsxwriter
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, **XLSX_TEXT})
    book.set_properties({"title": title, "created": dt.datetime(2000, 1, 1)})
    styles = {
        "judul": book.add_format({"bold": True, "font_size": 12}),
        "kepala": book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        ),  # fmt: skip
        "teks": book.add_format({"text_wrap": True, "valign": "top", "border": 1}),
        "kelompok": book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1}),
        "catatan": book.add_format({"italic": True, "text_wrap": True}),
    }
    numbers: dict[tuple[str, bool], Any] = {}
    index = book.add_worksheet("Daftar Tabel")
    index.set_column(0, 0, 14)
    index.set_column(1, 1, 90)
    index.write_string(0, 0, title, styles["judul"])
    used: set[str] = set()
    row = 2
    for table in soup.select("table"):
        nomor = table.select_one("caption span.nomor")
        if nomor is None or not nomor.get_text(strip=True):
            continue  # only numbered tables: what the report calls "Tabel n"
        label = nomor.get_text(strip=True)
        caption = table.caption.get_text(" ", strip=True) if table.caption else label
        name = _sheet_name(label, used)
        ws = book.add_worksheet(name)
        index.write_url(row, 0, f"internal:'{name}'!A1", string=label)
        index.write_string(row, 1, caption.removeprefix(label).strip())
        row += 1
        _write_table(ws, table, caption, styles, numbers, book)
    book.close()
    return fixed_zip(out.getvalue())


def _sheet_name(label: str, used: set[str]) -> str:
    name = _SHEET_NAME.sub("-", label)[:31]
    candidate, n = name, 2
    while candidate in used:
        candidate = f"{name[:27]} ({n})"
        n += 1
    used.add(candidate)
    return candidate


def _write_table(
    ws: Any, table: Any, caption: str, styles: dict[str, Any], numbers: dict, book: Any
) -> None:
    ws.write_string(0, 0, caption, styles["judul"])
    widths: dict[int, int] = {}
    r = 2
    head = table.select("thead tr")
    for tr in head:
        for c, th in enumerate(tr.find_all(["th", "td"])):
            text = th.get_text(" ", strip=True)
            ws.write_string(r, c, text, styles["kepala"])
            widths[c] = max(widths.get(c, 0), min(len(text), 40))
        r += 1
    ws.freeze_panes(r, 0)
    for tr in table.select("tbody tr, tfoot tr"):
        cells = tr.find_all(["th", "td"])
        classes = tr.get("class") or []
        bold = bool({"jumlah", "total"} & set(classes)) or bool(tr.find("strong"))
        if len(cells) == 1 and cells[0].get("colspan"):
            span = int(cells[0]["colspan"])
            text = cells[0].get_text(" ", strip=True)
            if span > 1:
                ws.merge_range(r, 0, r, span - 1, text, styles["kelompok"])
            else:
                ws.write_string(r, 0, text, styles["kelompok"])
            r += 1
            continue
        c = 0
        for cell in cells:
            text = cell.get_text(" ", strip=True)
            bold_cell = bold or cell.name == "th"
            _write_cell(ws, r, c, text, bold_cell, styles, numbers, book)
            widths[c] = max(widths.get(c, 0), min(len(text), 60))
            span = int(cell.get("colspan", 1) or 1)
            if span > 1:
                ws.merge_range(r, c, r, c + span - 1, None)
            c += span
        r += 1
    note = table.find_next_sibling("p", class_="catatan")
    if note is not None:
        ws.write_string(r + 1, 0, note.get_text(" ", strip=True), styles["catatan"])
    for c, width in widths.items():
        ws.set_column(c, c, max(width + 2, 8))


def _write_cell(
    ws: Any,
    r: int,
    c: int,
    text: str,
    bold: bool,
    styles: dict[str, Any],
    numbers: dict,
    book: Any,
) -> None:
    if not text:
        ws.write_blank(r, c, None, styles["teks"])  # an empty cell, not an empty text
        return
    parsed = parse_display(text)
    if parsed is None:
        ws.write_string(r, c, text, styles["teks"])
        return
    key = (parsed[1], bold)
    if key not in numbers:
        numbers[key] = book.add_format(
            {"num_format": parsed[1], "bold": bold, "border": 1, "valign": "top"}
        )
    ws.write_number(r, c, parsed[0], numbers[key])
