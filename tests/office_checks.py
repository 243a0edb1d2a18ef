"""What a Word report must share with its HTML page: one check for every unit's tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup


def docx_rows(table: Any) -> list[list[str]]:
    """Give the cell texts of a Word table, a cell spanning columns once."""
    rows = []
    for row in table.rows:
        cells: list[Any] = []
        for cell in row.cells:
            if not cells or cell._tc is not cells[-1]._tc:
                cells.append(cell)
        rows.append([c.text for c in cells])
    return rows


def assert_docx_says_what_the_page_says(html: Path, word: Path) -> Any:
    """Headings, table and figure captions, pictures and every table cell as on the page.

    Returns the python-docx document for the caller's own checks.
    """
    import docx

    from lakipkit.export_docx import TABLE_TEXT

    page = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    document = docx.Document(str(word))
    styled = [(p.style.name, p.text) for p in document.paragraphs]
    for level in (1, 2, 3):
        heading = [t for s, t in styled if s == f"Heading {level}"]
        assert heading == [h.get_text(" ", strip=True) for h in page.find_all(f"h{level}")]
    captions = [t for s, t in styled if s == "Table Caption"]
    assert captions == [c.get_text(" ", strip=True) for c in page.select("table.tabel caption")]
    figures = [t for s, t in styled if s == "Image Caption"]
    assert figures == [f.get_text(" ", strip=True) for f in page.select("figure figcaption")]
    assert len(document.inline_shapes) == len(figures)
    for table, on_page in zip(document.tables, page.select("main table"), strict=True):
        expected = [
            [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            for tr in on_page.find_all("tr")
        ]
        assert docx_rows(table) == expected  # numbers as printed
        for paragraph in (p for row in table.rows for c in row.cells for p in c.paragraphs):
            assert paragraph.style.name == TABLE_TEXT
    assert "Kembali ke Daftar Isi" not in [t for _, t in styled]  # the phone's link
    return document
