"""The report as a Word document: pandoc converts the finished HTML, python-docx finishes it.

The HTML page is the report (chapters, numbered tables and figures, narrative), so the .docx
is made from it and says the same thing. pandoc (shipped inside the pypandoc-binary wheel)
turns headings into Word headings, tables into Word tables with their captions ("Table
Caption" style), figures into pictures with "Image Caption"; python-docx then sets A4 with
the report's margins, puts page numbers in the footer, starts each chapter on a new page and
replaces the HTML's Daftar Isi / Tabel / Gambar with TOC fields that Word (and LibreOffice)
fill in when the document is opened. Why this route and not python-docx alone or docxtpl:
docs/spreadsheet.md.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from lakipkit.errors import LakipError

#: The field that fills each list of the front matter (`nav[data-daftar]` in the HTML).
TOC_FIELDS = {
    "isi": r'TOC \o "1-3" \h \z \u',
    "tabel": r'TOC \h \z \t "Table Caption,1"',
    "gambar": r'TOC \h \z \t "Image Caption,1"',
}
_MARKER = "LAKIP-DAFTAR-{}"
_END = "LAKIP-AKHIR-{}"
_MARGINS_MM = {"top": 25, "bottom": 25, "left": 30, "right": 20}
_TEXT_WIDTH_PT = (210 - 30 - 20) / 25.4 * 72
#: Sizes of the printed page (lakip.css @media print): tables 9 pt, the running title 8 pt.
_TABLE_PT, _RUNNING_PT = 9, 8
#: Left/right cell padding in twips (about 1 mm, the page's .4rem): numbers fit their column.
_CELL_PADDING = 60
#: Widths of table text in em (DejaVu/Liberation Sans, rounded up): narrow marks, wide
#: letters, the rest; a bold header a tenth wider; a few points for borders.
_NARROW, _WIDE = frozenset(" .,:;'|!()[]ilIjft-/"), frozenset("%MWmw@")
_EM_NARROW, _EM_WIDE, _EM_UPPER, _EM_OTHER = 0.34, 1.0, 0.74, 0.64
_SLACK_PT = 3.0
#: The paragraph style of table cells (pandoc's "Compact" at the table size).
TABLE_TEXT = "Isi Tabel"


#: Word styles of the cover's lines (pandoc applies `data-custom-style`).
_COVER_STYLES = {"logo": "Title", "judul": "Title"}


def report_docx(html: str, title: str) -> bytes:
    """Convert the report's HTML page to a .docx (bytes, the same for the same HTML)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    running = soup.select_one(".judul-berjalan")
    header = running.get_text(" ", strip=True) if running else ""
    converted = _pandoc(_prepare(soup))
    return fixed_zip(_finish(converted, title, header))


def _prepare(soup: Any) -> str:
    """Replace the HTML's generated lists by markers for the TOC fields; drop screen-only parts.

    The page's title and running title are the document's properties and page header in
    Word, so they leave the body; the cover's lines get Title/Subtitle styles.
    """
    for nav in soup.select("nav[data-daftar]"):
        # The list stays as the fields' text until Word or LibreOffice updates them.
        kind = nav["data-daftar"]
        start, end = soup.new_tag("p"), soup.new_tag("p")
        start.string, end.string = _MARKER.format(kind), _END.format(kind)
        entries = []
        for link in nav.find_all("a"):
            entry = soup.new_tag("p")
            entry.string = link.get_text(" ", strip=True)
            entries.append(entry)
        nav.replace_with(start, *entries, end)
    for tag in soup.select("style, script, title, .judul-berjalan, .ke-daftar-isi, p.kembali"):
        tag.decompose()  # p.kembali: the phone's "Kembali ke Daftar Isi" link
    for line in soup.select(".sampul > div"):
        names = line.get("class") or []
        line["data-custom-style"] = next(
            (_COVER_STYLES[n] for n in names if n in _COVER_STYLES), "Subtitle"
        )
    for block in soup.select(".pengesahan"):
        _signature(block)
    for line in soup.select("p.tempat-tanggal"):
        line.name = "div"  # pandoc gives a custom style to a div, not to a p
        line["data-custom-style"] = "Pengesahan Tanggal"
    for colgroup in soup.select("table colgroup"):
        _widen(colgroup, _min_widths(colgroup.find_parent("table")))
    for cell in soup.select("table.tabel th, table.tabel td"):
        _align(cell)
    for image in soup.select('img[src^="data:image/svg+xml;base64,"]'):
        _to_png(image)
    return str(soup)


#: The page's cell classes that align (lakip.css); pandoc reads the alignment from a style.
_ALIGN = {"angka": "right", "tengah": "center"}


def _align(cell: Any) -> None:
    """Carry the page's alignment of a cell (numbers right, short values centred) to Word."""
    if cell.parent.parent.name == "thead":
        align = "center"
    else:
        align = next((_ALIGN[c] for c in cell.get("class") or [] if c in _ALIGN), "")
    if align:
        cell["style"] = f"text-align:{align}"


#: Paragraph styles of a signature block (``.pengesahan``): on the right half of the page,
#: or the left half for the first of two side by side; the name below the signing space.
SIGNATURE_STYLES = (
    *("Pengesahan", "Pengesahan Nama", "Pengesahan Kiri", "Pengesahan Kiri Nama"),
    "Pengesahan Tanggal",  # the place and date above two blocks, centred on the page
)


def _signature(block: Any) -> None:
    """Style a signature block's lines: pandoc would make them plain left-aligned lines.

    Word cannot set two blocks side by side without a table, so the first of two goes on
    the left half and the second below it on the right half.
    """
    pair = block.parent if "pengesahan-dua" in (block.parent.get("class") or []) else None
    left = pair is not None and block is pair.find("div", class_="pengesahan")
    base = "Pengesahan Kiri" if left else "Pengesahan"
    for line in block.find_all("div", recursive=False):
        line["data-custom-style"] = f"{base} Nama" if "nama" in (line.get("class") or []) else base


def _to_png(image: Any) -> None:
    """Give a figure a PNG (rsvg-convert) sized as its SVG, up to the text width.

    Word 2016+ shows SVG, but LibreOffice and older Word show an empty frame for a picture
    without a PNG, which pandoc no longer adds. Without rsvg-convert the SVG stays.
    """
    program = shutil.which("rsvg-convert")
    if program is None:
        return
    svg = base64.b64decode(image["src"].split(",", 1)[1])
    try:
        png = subprocess.run(
            [program, "--zoom", "2", "--format", "png"],
            input=svg,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
    except (subprocess.SubprocessError, OSError):
        return
    image["src"] = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    size = re.search(rb'<svg[^>]*\swidth="([\d.]+)pt"', svg)
    if size:
        image["width"] = f"{min(float(size[1]), _TEXT_WIDTH_PT):.0f}pt"


def _widen(colgroup: Any, least: list[float]) -> None:
    """Scale a table's column widths to add up to 100 %, as pandoc makes the table that wide.

    Columns without a width share what the others leave (at least 5 % each). A column
    narrower than ``least`` (its longest word or number) gets that, from the wider ones:
    the page's table widens such a column by itself, Word's fixed widths would break it.
    """
    cols = colgroup.find_all("col")
    widths = []
    for col in cols:
        match = re.search(r"width:\s*([\d.]+)%", col.get("style", ""))
        widths.append(float(match[1]) if match else None)
    known = sum(w for w in widths if w is not None)
    unknown = widths.count(None)
    share = max((100 - known) / unknown, 5.0) if unknown else 0.0
    filled = [share if w is None else w for w in widths]
    total = sum(filled) or 1.0
    filled = [100 * w / total for w in filled]
    least = [*least, *[0.0] * len(filled)][: len(filled)]
    short = sum(max(m - w, 0) for w, m in zip(filled, least, strict=True))
    spare = sum(max(w - m, 0) for w, m in zip(filled, least, strict=True))
    if short and short >= spare:
        filled = list(least)  # the least widths take the whole width
    elif short:
        filled = [
            m if w <= m else w - (w - m) * short / spare for w, m in zip(filled, least, strict=True)
        ]
    total = sum(filled) or 1.0
    for col, width in zip(cols, filled, strict=True):
        col["style"] = f"width:{100 * width / total:.2f}%"


def _min_widths(table: Any) -> list[float]:
    """Give each column's least width (% of the text width) for its text not to break.

    A number (``td.angka``) stays on one line, as on the page (``white-space: nowrap``), and
    each value of a two-value cell too; other cells, headers too, ask for their longest word,
    as far as the width left by the numbers allows. Cells spanning columns do not count.
    """
    hard: dict[int, float] = {}
    soft: dict[int, float] = {}
    for row in table.find_all("tr") if table else []:
        j = 0
        for cell in row.find_all(["td", "th"], recursive=False):
            span = int(cell.get("colspan", 1) or 1)
            if span == 1:
                text = cell.get_text(" ", strip=True)
                classes = cell.get("class") or []
                number = cell.name == "td" and "angka" in classes
                whole = number and "dua-nilai" not in classes
                words = [text] if whole else text.split()
                widest = max((_text_pt(w, bold=cell.name == "th") for w in words), default=0.0)
                need = (widest + 2 * _CELL_PADDING / 20 + _SLACK_PT) / _TEXT_WIDTH_PT * 100
                kind = hard if number else soft
                kind[j] = max(kind.get(j, 0.0), need)
            j += span
    count = max([*hard, *soft], default=-1) + 1
    floor = [hard.get(j, 0.0) for j in range(count)]
    wish = [max(soft.get(j, 0.0) - floor[j], 0.0) for j in range(count)]
    cap = _level(wish, max(100 - sum(floor), 0.0))
    return [f + min(w, cap) for f, w in zip(floor, wish, strict=True)]


def _text_pt(text: str, bold: bool = False) -> float:
    """Estimate the width of ``text`` at the table size, in points (a little over)."""
    em = sum(
        _EM_NARROW if c in _NARROW else _EM_WIDE if c in _WIDE
        else _EM_UPPER if c.isupper() else _EM_OTHER
        for c in text
    )  # fmt: skip
    return em * _TABLE_PT * (1.1 if bold else 1.0)


def _level(wishes: list[float], room: float) -> float:
    """Give the cap that shares ``room`` out: small wishes in full, the largest cut alike.

    A "No" column gets its two letters; a column of long words gives up some width.
    """
    left, count = room, len(wishes)
    for i, wish in enumerate(sorted(wishes)):
        if wish * (count - i) > left:
            return left / (count - i)
        left -= wish
    return max(wishes, default=0.0)


def _pandoc(html: str) -> bytes:
    try:
        import pypandoc
    except ImportError as error:  # pragma: no cover - a dependency
        raise LakipError("format docx butuh paket pypandoc-binary (pip install -e .)") from error
    with tempfile.TemporaryDirectory(prefix="lakip-docx-") as tmp:
        out = Path(tmp) / "laporan.docx"
        env = {"SOURCE_DATE_EPOCH": "0"}  # pandoc's own dates: the same file for the same page
        previous = {key: os.environ.get(key) for key in env}
        os.environ.update(env)
        try:
            pypandoc.convert_text(
                html, "docx", format="html", outputfile=str(out), extra_args=["--quiet"]
            )
        except (RuntimeError, OSError) as error:
            raise LakipError(f"pandoc gagal membuat docx: {error}") from error
        finally:
            for key, value in previous.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        return out.read_bytes()


def _finish(docx_bytes: bytes, title: str, header: str = "") -> bytes:
    """A4 and margins, running title and page numbers, chapters on new pages, TOC fields."""
    import datetime as dt

    import docx
    from docx.shared import Mm, Pt

    document = docx.Document(io.BytesIO(docx_bytes))
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = Mm(_MARGINS_MM["top"])
        section.bottom_margin = Mm(_MARGINS_MM["bottom"])
        section.left_margin = Mm(_MARGINS_MM["left"])
        section.right_margin = Mm(_MARGINS_MM["right"])
        footer = section.footer.paragraphs[0] if section.footer.paragraphs else None
        footer = footer or section.footer.add_paragraph()
        footer.alignment = 1  # centre
        _field(footer, "PAGE")
        section.different_first_page_header_footer = True  # the cover has neither
        if header:
            line = section.header.paragraphs[0] if section.header.paragraphs else None
            line = line or section.header.add_paragraph()
            line.text = header
            line.alignment = 2  # right, as the PDF's running title
            for run in line.runs:
                run.font.size = Pt(_RUNNING_PT)
    document.styles["Heading 1"].paragraph_format.page_break_before = True
    _toc_fields(document)
    _table_text(document)
    _signature_styles(document)
    for table in document.tables:
        _full_width_with_borders(table)
    _update_fields_on_open(document)
    props = document.core_properties
    props.title = title
    props.author = props.last_modified_by = "lakipkit"
    props.created = props.modified = dt.datetime(2000, 1, 1)
    props.revision = 1
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _toc_fields(document: Any) -> None:
    """Turn each marked list into a TOC field whose cached text is the list itself."""
    paragraphs = document.paragraphs
    for kind, instruction in TOC_FIELDS.items():
        texts = [p.text.strip() for p in paragraphs]
        if _MARKER.format(kind) not in texts or _END.format(kind) not in texts:
            continue
        start = paragraphs[texts.index(_MARKER.format(kind))]
        end = paragraphs[texts.index(_END.format(kind))]
        for run in start.runs:
            run._r.getparent().remove(run._r)
        for element in (_char("begin"), _instruction(instruction), _char("separate")):
            start._p.append(element)
        end_runs = list(end.runs)
        for run in end_runs:
            run._r.getparent().remove(run._r)
        end._p.append(_char("end"))


def _char(kind: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = OxmlElement("w:r")
    mark = OxmlElement("w:fldChar")
    mark.set(qn("w:fldCharType"), kind)
    if kind == "begin":
        mark.set(qn("w:dirty"), "true")  # Word refreshes it (page numbers) when opening
    run.append(mark)
    return run


def _instruction(instruction: str) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    code = OxmlElement("w:r")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    code.append(text)
    return code


def _field(paragraph: Any, instruction: str, shown: str = "1") -> None:
    """Append a Word field (begin, instruction, separate, cached text, end) to a paragraph."""
    from docx.oxml import OxmlElement

    cached = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = shown
    cached.append(text)
    for element in (_char("begin"), _instruction(instruction), _char("separate"), cached,
                    _char("end")):  # fmt: skip
        paragraph._p.append(element)


def _signature_styles(document: Any) -> None:
    """Centre signature lines on their half page; leave room to sign above the name."""
    from docx.shared import Mm, Pt

    half = Mm((210 - _MARGINS_MM["left"] - _MARGINS_MM["right"]) / 2)
    names = {s.name for s in document.styles}
    for name in SIGNATURE_STYLES:
        if name not in names:
            continue
        style = document.styles[name]
        form = style.paragraph_format
        form.alignment = 1  # centre
        form.space_before = form.space_after = Pt(0)
        form.keep_with_next = True  # a block is not split over pages
        if "Kiri" in name:
            form.right_indent = half
        elif "Tanggal" in name:
            form.space_before = Pt(12)  # apart from a table above it
        else:
            form.left_indent = half
        if name.endswith("Nama"):
            form.space_before = Pt(54)  # the room to sign (the page's 4.5rem)
            style.font.bold = style.font.underline = True


def _table_text(document: Any) -> None:
    """Give every paragraph in a table the table style: 9 pt as on the printed page.

    At the body's size a column sized for "100,00%" or "Rp 13.601.682.000" breaks the
    number over two lines.
    """
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Pt
    from docx.text.paragraph import Paragraph

    style = document.styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Compact"]
    style.font.size = Pt(_TABLE_PT)
    for table in document.tables:
        for element in table._tbl.iter(qn("w:p")):
            Paragraph(element, table).style = style


#: What follows w:tblBorders and w:tblCellMar in w:tblPr (ECMA-376 CT_TblPr's sequence).
_AFTER_CELL_MARGINS = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", *_AFTER_CELL_MARGINS)


def _full_width_with_borders(table: Any) -> None:
    """Span the text width and draw cell borders, as the report's tables do."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = table._tbl.tblPr
    width = _child(properties, "w:tblW")
    width.set(qn("w:type"), "pct")
    width.set(qn("w:w"), "5000")
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "4")
        line.set(qn("w:color"), "808080")
        borders.append(line)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(_CELL_PADDING))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    for element, following in ((borders, _AFTER_BORDERS), (margins, _AFTER_CELL_MARGINS)):
        old = properties.find(element.tag)
        if old is not None:
            properties.remove(old)
        properties.insert_element_before(element, *following)  # Word wants the schema's order


def _update_fields_on_open(document: Any) -> None:
    """Ask Word to refresh the fields (TOC, page numbers) when the document is opened."""
    from docx.oxml.ns import qn

    _child(document.settings.element, "w:updateFields").set(qn("w:val"), "true")


def _child(parent: Any, tag: str) -> Any:
    """Return the first child element ``tag`` of ``parent``, appended if absent."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.append(found)
    return found


def fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip (docx, xlsx) with fixed entry dates, so one input gives one file."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()
