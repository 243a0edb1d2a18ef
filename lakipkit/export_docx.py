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
    for tag in soup.select("style, script, title, .judul-berjalan, .ke-daftar-isi"):
        tag.decompose()
    for line in soup.select(".sampul > div"):
        names = line.get("class") or []
        line["data-custom-style"] = next(
            (_COVER_STYLES[n] for n in names if n in _COVER_STYLES), "Subtitle"
        )
    for colgroup in soup.select("table colgroup"):
        _widen(colgroup)
    for image in soup.select('img[src^="data:image/svg+xml;base64,"]'):
        _to_png(image)
    return str(soup)


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


def _widen(colgroup: Any) -> None:
    """Scale a table's column widths to add up to 100 %, as pandoc makes the table that wide.

    Columns without a width share what the others leave (at least 5 % each).
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
    for col, width in zip(cols, filled, strict=True):
        col["style"] = f"width:{100 * width / total:.2f}%"


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
    from docx.shared import Mm

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
    document.styles["Heading 1"].paragraph_format.page_break_before = True
    _toc_fields(document)
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
    old = properties.find(qn("w:tblBorders"))
    if old is not None:
        properties.remove(old)
    properties.append(borders)


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
