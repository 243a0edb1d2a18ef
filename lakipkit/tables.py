"""Report tables as HTML: numbered captions, grouped rows, Indonesian number formats.

A table is a frame of display strings plus a list of `Column`s. Rows whose `kelompok` column
is filled become heading rows spanning the table (a programme "A. PROGRAM ...", a kegiatan
"a. ..."). Captions carry an empty `<span class="nomor">`; `lakipkit.build` numbers them per
chapter when the document is assembled, so the notebook never types a table number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from html import escape
from operator import add

import numpy as np
import pandas as pd

GROUP = "kelompok"
GROUP_LEVEL = "tingkat"
ROW_CLASS = "kelas_baris"


@dataclass(frozen=True)
class Column:
    """One displayed column of a table.

    `align` is a cell class (`angka` right-aligns numbers, `tengah` centres); `width` a CSS
    width; `class_key` names a frame column holding an extra class per row (e.g. a status).
    """

    key: str
    label: str
    align: str = ""
    width: str = ""
    class_key: str = ""


def caption_html(title: str, jenis: str = "Tabel") -> str:
    """The caption text with its number placeholder (filled in by the build)."""
    return f'<span class="nomor" data-jenis="{escape(jenis)}"></span> {escape(title)}'


def contents_placeholder(kind: str, title: str) -> str:
    """A chapter-level heading and the list the build fills (`isi`, `tabel` or `gambar`)."""
    anchor = f"daftar-{kind}"
    return f'<h1 id="{anchor}">{escape(title)}</h1>\n<nav class="daftar" data-daftar="{kind}"></nav>'


def render_table(
    body: pd.DataFrame,
    columns: Sequence[Column],
    title: str,
    notes: str = "",
) -> str:
    """HTML for one table; every cell is escaped, heading rows span all columns.

    `body` holds display strings under each column's key; optional columns: `kelompok`
    (text of a heading row), `tingkat` (1 for `kelompok`, 2 for `subkelompok` rows) and
    `kelas_baris` (extra class of a data row, e.g. `jumlah`).
    """
    span = len(columns)
    text = body.reindex(columns=[c.key for c in columns]).astype("string").fillna("")
    cells = [_td(body, c) + text[c.key].map(escape) + "</td>" for c in columns]
    data_rows = reduce(add, cells) if cells else pd.Series("", index=body.index)
    row_class = body.get(ROW_CLASS, pd.Series("", index=body.index)).astype("string").fillna("")
    data_rows = np.where(
        row_class != "", '<tr class="' + row_class + '">', "<tr>"
    ) + data_rows + "</tr>"
    group = body.get(GROUP, pd.Series(pd.NA, index=body.index)).astype("string")
    level = body.get(GROUP_LEVEL, pd.Series(1, index=body.index)).fillna(1).astype(int)
    group_class = np.where(level > 1, "subkelompok", "kelompok")
    group_rows = (
        '<tr class="' + group_class + f'"><th colspan="{span}" scope="rowgroup">'
        + group.fillna("").map(escape) + "</th></tr>"
    )
    rows = np.where(group.notna(), group_rows, data_rows)
    widths = "".join(
        f'<col style="width:{escape(c.width)}">' if c.width else "<col>" for c in columns
    )
    head = "".join(
        f'<th scope="col"{_class(c.align)}>{escape(c.label)}</th>' for c in columns
    )
    note = f'<p class="catatan">{escape(notes)}</p>' if notes else ""
    return (
        f'<div class="tabel-wrap"><table class="tabel"><caption>{caption_html(title)}</caption>'
        f"<colgroup>{widths}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>{note}</div>"
    )


def _class(align: str) -> str:
    return f' class="{align}"' if align else ""


def _td(body: pd.DataFrame, column: Column) -> np.ndarray | str:
    """Opening `<td>` per row: the column's alignment plus the row's class, if any."""
    if not column.class_key:
        return f"<td{_class(column.align)}>"
    classes = (column.align + " " + body[column.class_key].astype("string").fillna("")).str.strip()
    return np.where(classes != "", '<td class="' + classes.map(escape) + '">', "<td>")

