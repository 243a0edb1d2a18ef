"""Narrative for the report: Markdown from `narasi/` as sanitised HTML, and generated sentences.

The narrative files are edited by people, so whatever HTML they contain is untrusted: it is
cleaned here, where it enters the report, with an allowlist (nh3). nbconvert's own
`sanitize_html` cannot be used on the whole page because it escapes headings and tables.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from html import escape
from typing import Any

import nh3
import pandas as pd
from markdown_it import MarkdownIt

from lakipkit.formatting import format_persen, format_rupiah, terbilang

_TEXT_TAGS = frozenset(
    {"p", "br", "hr", "strong", "em", "b", "i", "u", "s", "sub", "sup", "small", "span",
     "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "code", "pre", "abbr",
     "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "a"}
)
_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start", "type"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
_URL_SCHEMES = {"http", "https", "mailto"}


@cache
def _markdown() -> MarkdownIt:
    """CommonMark with tables; raw HTML is parsed here and cleaned afterwards."""
    # breaks: authors write one item per line ("a. ...", "b. ...") without Markdown list syntax.
    return MarkdownIt("commonmark", {"html": True, "breaks": True}).enable("table")


def render_markdown(text: str, top_heading: int = 3) -> str:
    """Markdown to sanitised HTML, with `#` rendered as `<h{top_heading}>`.

    Narrative sections sit under the notebook's own `h1`/`h2` headings, so their headings
    start at `h3` by default; heading tags above `top_heading` are removed (their text kept),
    also when written as raw HTML. Scripts, styles, event handlers, images and other
    elements that would load or run something are dropped.
    """
    tokens = _markdown().parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + top_heading - 1, 6)
            token.tag = f"h{level}"
    html = _markdown().renderer.render(tokens, _markdown().options, {})
    headings = {f"h{level}" for level in range(top_heading, 7)}
    return nh3.clean(
        html,
        tags=set(_TEXT_TAGS | headings),
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


# `<!-- sisipan: KEY (free comment) -->`: place generated content here (data/README.md).
_INSERT = re.compile(r"<!--\s*sisipan:\s*(\S+)(?:.*?)-->", re.DOTALL)
_PROFILE_KEY = re.compile(r"^satker\.yaml#(?P<name>\w+)(?:\[(?P<field>\w+)=(?P<value>[^\]]*)\])?$")


def render_narrative(
    text: str,
    inserts: Mapping[str, str] | None = None,
    profile: Mapping[str, Any] | None = None,
    top_heading: int = 3,
) -> str:
    """Render a `narasi/*.md` file, placing generated content at its `sisipan` markers.

    A marker `<!-- sisipan: KEY ... -->` is replaced by `inserts[KEY]` (HTML made by lakipkit,
    e.g. a table, so it is not sanitised again); `satker.yaml#misi` or
    `satker.yaml#sasaran_strategis[tujuan=1]` becomes a numbered list from `profile`; any
    other marker is dropped, like the comment it is. The Markdown between markers is
    sanitised by `render_markdown`.
    """
    parts = _INSERT.split(text)
    html = [render_markdown(parts[0], top_heading)]
    for key, markdown in zip(parts[1::2], parts[2::2], strict=True):
        html.append(inserts.get(key, "") if inserts else "")
        if profile is not None and (match := _PROFILE_KEY.match(key)):
            html.append(_profile_list(profile, **match.groupdict()))
        html.append(render_markdown(markdown, top_heading))
    return "\n".join(part for part in html if part)


def _profile_list(
    profile: Mapping[str, Any], name: str, field: str | None, value: str | None
) -> str:
    """A numbered list of a satker.yaml list, optionally filtered on one field of its items."""
    items = profile.get(name) or []
    if field is not None:
        items = [item for item in items if str(item.get(field)) == value]
    texts = [item.get("uraian", "") if isinstance(item, Mapping) else item for item in items]
    return "<ol>" + "".join(f"<li>{escape(str(t))}</li>" for t in texts) + "</ol>" if texts else ""


def _jumlah(n: int) -> str:
    """A count as official Indonesian prose writes it: `3 (tiga)`."""
    return f"{n} ({terbilang(n, satuan='')})"


def _daftar(items: list[str]) -> str:
    """Join names the Indonesian way: `a`, `a dan b`, `a, b, dan c`."""
    if len(items) <= 2:
        return " dan ".join(items)
    return ", ".join(items[:-1]) + ", dan " + items[-1]


def describe_capaian(capaian: pd.DataFrame, tahun: int) -> str:
    """Sentences that summarise the indicators: how many, how many met, which did not.

    `capaian` is the frame of `compute_capaian` (columns `uraian`, `capaian`, `status`).
    """
    status = capaian["status"].value_counts()
    total = len(capaian)
    tercapai = int(status.get("tercapai", 0))
    gagal = capaian.loc[capaian["status"] == "tidak tercapai"]
    kosong = capaian.loc[capaian["status"] == "belum ada data"]
    sentences = [
        f"Perjanjian Kinerja Tahun {tahun} memuat {_jumlah(total)} indikator kinerja; "
        f"{_jumlah(tercapai)} indikator mencapai atau melampaui targetnya."
    ]
    if len(gagal):
        named = (
            gagal["uraian"].str.rstrip(".") + " (capaian " + gagal["capaian"].map(format_persen) + ")"
        )
        sentences.append(
            f"Indikator yang belum mencapai target sebanyak {_jumlah(len(gagal))}, yaitu "
            f"{_daftar(named.tolist())}."
        )
    else:
        sentences.append("Tidak ada indikator yang berada di bawah targetnya.")
    if len(kosong):
        sentences.append(
            f"Sebanyak {_jumlah(len(kosong))} indikator belum memiliki data realisasi, yaitu "
            f"{_daftar(kosong['uraian'].str.rstrip('.').tolist())}."
        )
    return " ".join(sentences)


def describe_anggaran(pagu: int, realisasi: int, tahun: int) -> str:
    """The budget sentence of the Ikhtisar: pagu, realisasi and penyerapan, with terbilang."""
    persen = realisasi / pagu * 100 if pagu else float("nan")
    return (
        f"Dari pagu anggaran Tahun {tahun} sebesar {format_rupiah(pagu)} "
        f"({terbilang(pagu)}), realisasi anggaran mencapai {format_rupiah(realisasi)} "
        f"atau penyerapan sebesar {format_persen(persen)}."
    )


def paragraph(text: str) -> str:
    """Generated sentences as one HTML paragraph (escaped: data may contain `<`)."""
    return f"<p>{escape(text, quote=False)}</p>"
