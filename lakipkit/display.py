"""Report pieces that show themselves in JupyterLab and are still the HTML the build embeds.

`Html` is a `str` holding report HTML (like markupsafe's `Markup`): it joins, is inserted at
a narrative's `sisipan` marker and is compared as the HTML it holds, so code that composes
the report is unchanged; in a notebook IPython shows it rendered, with the report's stylesheet
scoped to cell outputs (JupyterLab otherwise right-aligns every cell and stripes rows).
`ReportTable` and `ReportFigure` add what a planner inspects: the caption, the number once
known, the DataFrame behind a table, the matplotlib figure behind a chart.

The `<style class="lakip-layar">` and `<div class="lakip-layar">` around each output are for
the notebook screen only; `lakipkit.build.assemble_document` removes them from the page.
"""

from __future__ import annotations

import re
from functools import cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    import pandas as pd

#: Class of the notebook-only `<style>` and wrapper `<div>` the build strips from the page.
SCREEN_CLASS = "lakip-layar"
_CSS = Path(__file__).parent / "templates" / "lakip" / "lakip.css"
# Rules for the whole page, not for a piece shown in a cell output.
_PAGE_ONLY = re.compile(r"^(main\.laporan|\.ke-daftar-isi)\b")
#: Class of a note shown in the notebook only (e.g. where the build fills a list later).
SCREEN_ONLY_CLASS = "hanya-layar"
_NOMOR_KOSONG = re.compile(r'(<span class="nomor" data-jenis="[^"]*">)(</span>)')
_CAPTION = re.compile(r'(<span class="nomor" data-jenis="([^"]*)">)(</span>)([^<]*)')


@cache
def screen_css() -> str:
    """Return lakip.css's rules for the report's pieces, scoped to one output's wrapper.

    Only top-level rules whose selectors name a class are kept (tables, figures, cover,
    signatures, lists; not `body`, `h1` or `p`, which JupyterLab styles), `:root` variables
    move to the wrapper, and every selector is prefixed with it, so nothing outside the output
    changes and JupyterLab's own table rules (right-aligned cells, striped rows) lose.
    """
    text = re.sub(r"/\*.*?\*/", "", _CSS.read_text(encoding="utf-8"), flags=re.DOTALL)
    scope = f"div.{SCREEN_CLASS}"
    rules = []
    for selector, body in _top_level_rules(text):
        parts = [part.strip() for part in selector.split(",")]
        scoped = [
            scope if part == ":root" else f"{scope} {part}"
            for part in parts
            if part == ":root" or ("." in part and not _PAGE_ONLY.match(part))
        ]
        if scoped:
            body = re.sub(r"\s*([{};:,])\s*", r"\1", re.sub(r"\s+", " ", body))
            rules.append(",".join(scoped) + body)
    # JupyterLab stripes and highlights table rows; the report does not. The lists the build
    # fills (Daftar Isi, Tabel, Gambar) are not shown empty: a note says when they are made.
    rules.append(f"{scope} table.tabel tbody tr{{background:none}}")
    rules.append(f"{scope} h1:has(+ nav.daftar:empty),{scope} nav.daftar:empty{{display:none}}")
    return "\n".join(rules)


def _top_level_rules(css: str) -> list[tuple[str, str]]:
    """Split a stylesheet into (selector, `{body}`) pairs, skipping at-rules (`@media`...)."""
    rules = []
    depth = start = 0
    selector = ""
    for index, char in enumerate(css):
        if char == "{":
            if depth == 0:
                selector, start = css[start:index].strip(), index
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                if not selector.startswith("@"):
                    rules.append((selector, css[start : index + 1]))
                start = index + 1
    return rules


@cache
def screen_style() -> str:
    """Return the `<style>` element `on_screen` puts before every output (the build strips it)."""
    return f'<style class="{SCREEN_CLASS}">\n{screen_css()}\n</style>'


def on_screen(html: str) -> str:
    """Wrap report HTML for a notebook output: scoped stylesheet plus wrapper `<div>`."""
    return f'{screen_style()}<div class="{SCREEN_CLASS}">{html}</div>'


class Html(str):
    """Report HTML that IPython shows rendered, with the report's look.

    The string itself is the HTML embedded in the report; `_repr_html_` adds the scoped
    stylesheet for the notebook screen; the plain-text repr is one short line.
    """

    __slots__ = ()

    @property
    def html(self) -> str:
        """The HTML as a plain `str`."""
        return str.__str__(self)

    def _repr_html_(self) -> str:
        return on_screen(self.html)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.describe())

    def describe(self) -> str:
        """One line for the plain-text repr: what this is, shortened."""
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", self)).strip()
        return f"HTML laporan: {text[:77] + '…' if len(text) > 78 else text}"


class _Captioned(Html):
    """A report piece with a numbered caption: a table or a figure (frozen once made)."""

    jenis = "Tabel"
    caption: str

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} tidak dapat diubah")

    def _init(self, **fields: Any) -> None:
        for name, value in fields.items():
            object.__setattr__(self, name, value)

    @property
    def number(self) -> str:
        """'Tabel 3.1' once numbered (`numbered` or the build), '' before."""
        match = re.search(r'<span class="nomor" data-jenis="[^"]*">([^<]*)</span>', self)
        return match.group(1) if match else ""

    def numbered(self, number: str) -> Self:
        """Return a copy whose caption reads '<jenis> <number>' (e.g. 'Tabel 3.1')."""
        label = escape(f"{self.jenis} {number}")
        html = _NOMOR_KOSONG.sub(rf"\g<1>{label}\g<2>", self.html, count=1)
        return self._copy(html)

    def _copy(self, html: str) -> Self:
        raise NotImplementedError

    def describe(self) -> str:
        return f"{self.number or self.jenis}: {self.caption}"


class ReportTable(_Captioned):
    """A report table: its HTML (the string), `caption` (its title) and `frame`, its data.

    `frame` has one row per data row of the table (no heading or total rows), the printed
    column headers as column names, and numbers as numbers (capaian 96.94, pagu 1384645000),
    ready to filter, sum or copy to a spreadsheet.
    """

    frame: pd.DataFrame

    def __new__(cls, html: str, caption: str, frame: pd.DataFrame) -> ReportTable:
        """Wrap a rendered table with its caption title and data frame."""
        self = super().__new__(cls, html)
        self._init(caption=caption, frame=frame)
        return self

    def _copy(self, html: str) -> ReportTable:
        return ReportTable(html, self.caption, self.frame)

    def describe(self) -> str:
        """Say number, title and the shape of the data behind the table."""
        rows, cols = self.frame.shape
        return f"{super().describe()} ({rows} baris × {cols} kolom; data di .frame)"


class ReportFigure(_Captioned):
    """A report figure: its HTML (`<figure>` with the SVG), `caption` and matplotlib `figure`.

    `figure` may be given as a function that builds it (an SVG kept by `lakipkit.charts`
    needs no figure): it is built on first use.
    """

    jenis = "Gambar"
    _figure: Any

    def __new__(cls, html: str, caption: str, figure: Any) -> ReportFigure:
        """Wrap an embedded figure with its title and the matplotlib figure it shows."""
        self = super().__new__(cls, html)
        self._init(caption=caption, _figure=figure)
        return self

    @property
    def figure(self) -> Any:
        """The matplotlib figure the SVG shows."""
        if callable(self._figure):  # a figure is not callable: its builder
            self._init(_figure=self._figure())
        return self._figure

    def _copy(self, html: str) -> ReportFigure:
        return ReportFigure(html, self.caption, self._figure)


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}
#: A chapter heading, `BAB III ...`, with its roman numeral (the build numbers by it).
CHAPTER_HEADING = re.compile(r"^\s*BAB\s+([IVXL]+)\b", re.IGNORECASE)


def _roman_to_int(numeral: str) -> int:
    values = [_ROMAN[c] for c in numeral.upper()]
    return sum(-v if v < nxt else v for v, nxt in zip(values, [*values[1:], 0], strict=True))


def chapter_key(heading_text: str) -> str | None:
    """`BAB III ...` -> "3", `LAMPIRAN ...` -> "L", anything else (front matter) -> None."""
    match = CHAPTER_HEADING.match(heading_text)
    if match:
        return str(_roman_to_int(match.group(1)))
    if heading_text.strip().upper().startswith("LAMPIRAN"):
        return "L"
    return None


class Penomoran:
    """Number tables and figures in a notebook as the build numbers them in the report.

    The build numbers captions per chapter when it assembles the page (`Tabel 3.1`, `Tabel 1`
    before Bab I, `Tabel L.1` in the Lampiran); a notebook shows each output when its cell
    runs, so this counter follows the chapters as the notebook opens them (`bab`) and fills
    each caption's number. A caption shown again in its chapter (a cell run twice) keeps its
    number.
    """

    def __init__(self) -> None:
        self._bab: str | None = None
        self._nomor: dict[tuple[str, str | None, str], str] = {}
        self._hitung: dict[tuple[str, str | None], int] = {}

    def bab(self, judul: str) -> Html:
        """Open a chapter ('BAB III AKUNTABILITAS KINERJA', 'LAMPIRAN'): its `h1` heading."""
        self._bab = chapter_key(judul)
        return Html(f"<h1>{escape(judul)}</h1>")

    def _number(self, match: re.Match[str]) -> str:
        jenis, title = match.group(2), match.group(4)
        key = (jenis, self._bab, title.strip())
        if key not in self._nomor:
            count = self._hitung[(jenis, self._bab)] = self._hitung.get((jenis, self._bab), 0) + 1
            self._nomor[key] = f"{self._bab}.{count}" if self._bab else str(count)
        label = escape(f"{jenis} {self._nomor[key]}")
        return f"{match.group(1)}{label}{match.group(3)}{title}"

    def __call__(self, piece: str) -> Html:
        """Return `piece` (a table, figure or HTML holding some) with its captions numbered."""
        html = _CAPTION.sub(self._number, str.__str__(piece))
        return piece._copy(html) if isinstance(piece, _Captioned) else Html(html)

    def tampilkan(self, *pieces: str) -> None:
        """Show each piece numbered, in order (IPython's `display`)."""
        from IPython.display import display

        display(*(self(piece) for piece in pieces))
