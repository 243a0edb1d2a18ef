"""Narrative for the report: Markdown from `narasi/` as sanitised HTML, and generated sentences.

The narrative files are edited by people, so whatever HTML they contain is untrusted: it is
cleaned here, where it enters the report, with an allowlist (nh3). nbconvert's own
`sanitize_html` cannot be used on the whole page because it escapes headings and tables.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cache
from html import escape
from typing import Any

import nh3
import pandas as pd
from markdown_it import MarkdownIt

from lakipkit.anggaran import Jumlah, anggaran_per_kegiatan
from lakipkit.capaian import (
    STATUS_BELUM_ADA_DATA,
    STATUS_TARGET_BELUM_DITETAPKAN,
    STATUS_TERCAPAI,
    STATUS_TIDAK_TERCAPAI,
    BandScale,
    CapaianSettings,
)
from lakipkit.display import Html
from lakipkit.errors import Finding, LakipError
from lakipkit.formatting import (
    daftar,
    format_angka,
    format_persen,
    format_rupiah,
    format_tanggal,
    terbilang,
)
from lakipkit.tables import BELUM_DITETAPKAN, indicator_table

#: Printed for a date not set yet (a year just started).
TANGGAL_BELUM_DITETAPKAN = f"tanggal {BELUM_DITETAPKAN}"

_TEXT_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "strong",
        "em",
        "b",
        "i",
        "u",
        "s",
        "sub",
        "sup",
        "small",
        "span",
        "ul",
        "ol",
        "li",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "code",
        "pre",
        "abbr",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
        "a",
    }
)
_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start", "type"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
_URL_SCHEMES = {"http", "https", "mailto"}
#: Largest colspan/rowspan kept: a span drives the layout cost of the table (WeasyPrint spent
#: 14 minutes on `colspan="1000000"`); no table of a narrative spans more.
MAX_SPAN = 50
#: Largest list start number kept (`<ol start>`).
MAX_START = 9999


def _bounded_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep layout-driving numbers in bounds: spans 1..MAX_SPAN, list start 0..MAX_START."""
    limits = {"colspan": (1, MAX_SPAN), "rowspan": (1, MAX_SPAN), "start": (0, MAX_START)}
    if attribute not in limits:
        return value
    low, high = limits[attribute]
    digits = value.strip()
    if not digits.isascii() or not digits.isdigit():
        return None  # not a number: the browser would use the default anyway
    return str(min(max(int(digits[:12]), low), high))


@cache
def _markdown(html: bool = True) -> MarkdownIt:
    """CommonMark with tables; raw HTML is parsed here and cleaned afterwards."""
    return MarkdownIt("commonmark", {"html": html}).enable("table")


# A line that starts like an item ("a. ", "2) ", "(iii) ", "• ", "– "), bold or not.
_ITEM_LINE = re.compile(r"^(\*\*|__|\*|_)?\s*(\(?[A-Za-z0-9]{1,4}[.)]|[-•·▪–*+])(\*\*|__|\*|_)?\s")


def _break_before_items(token: Any) -> None:
    """Keep a line break before a line written as an item, join the other lines.

    Authors write one item per line ("a. ...", "b. ...") without Markdown list syntax, so
    those line ends must stay; a paragraph wrapped at a fixed width in a text editor must
    read as one paragraph, as Markdown means it, not break mid-sentence.
    """
    children = token.children or []
    for index, child in enumerate(children):
        if child.type != "softbreak":
            continue
        line = ""
        for after in children[index + 1 :]:
            if after.type in ("softbreak", "hardbreak") or len(line) > 12:
                break
            line += after.content or after.markup or ""
        if _ITEM_LINE.match(line):
            child.type = "hardbreak"


def render_markdown(text: str, top_heading: int = 3) -> str:
    """Markdown to sanitised HTML, with `#` rendered as `<h{top_heading}>`.

    Narrative sections sit under the notebook's own `h1`/`h2` headings, so their headings
    start at `h3` by default; heading tags above `top_heading` are removed (their text kept),
    also when written as raw HTML. Scripts, styles, event handlers, images and other
    elements that would load or run something are dropped.
    """
    tokens = _markdown().parse(text)
    for token in tokens:
        _keep_text(token)
        if token.type == "inline":
            _break_before_items(token)
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + top_heading - 1, 6)
            token.tag = f"h{level}"
    html = _markdown().renderer.render(tokens, _markdown().options, {})
    headings = {f"h{level}" for level in range(top_heading, 7)}
    return nh3.clean(
        html,
        tags=set(_TEXT_TAGS | headings),
        attributes=_ATTRIBUTES,
        attribute_filter=_bounded_attribute,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


# Elements whose content an HTML parser swallows up to their end tag (or the end of the text)
# and the sanitiser then drops: left open, they would silently remove the rest of a section.
_SWALLOWING = "script|style|textarea|title|xmp|plaintext|iframe|noscript|noembed|noframes|template"
_OPENER = re.compile(rf"<({_SWALLOWING})\b", re.IGNORECASE)
# A tag whose "attributes" are bare words: prose such as `a<b dan c>d`, not markup.
_BARE_WORDS = re.compile(r"^<[a-zA-Z][\w-]*((\s+[^\s=>/]+)+)\s*/?>$")


def _keep_text(token: Any) -> None:
    """Show raw HTML that would swallow the text after it as text (escaped), not as markup.

    An unclosed `<!--`, a mention of `<style>`, `<textarea>` or `<title>`, or `a<b dan c>d`
    would otherwise make the parser or the sanitiser drop the rest of the section without a
    word. Closed comments and closed `<script>`/`<style>` blocks are still removed whole.
    """
    if token.type == "inline":
        for child in token.children or []:
            if child.type == "html_inline" and _is_prose(child.content):
                child.type = "text"
        return
    if token.type != "html_block":
        return
    content = token.content
    start = content.lstrip()
    unclosed_comment = start.startswith("<!--") and "-->" not in content
    # `<?...?>`, `<!DOCTYPE ...>`, `<![CDATA[...]]>`: nothing a narrative means as markup
    declaration = start.startswith(("<?", "<!")) and not start.startswith("<!--")
    unclosed = [
        name for name in _OPENER.findall(content) if f"</{name.lower()}" not in content.lower()
    ]
    if unclosed_comment or declaration or unclosed:
        token.content = _markdown(html=False).render(content)  # every `<` shown as text


def _is_prose(tag: str) -> bool:
    """Tell an inline `<...>` that is text (swallowing element, bare-word attributes) from HTML."""
    if _OPENER.match(tag) or (tag.startswith(("<?", "<!")) and not tag.startswith("<!--")):
        return True
    words = _BARE_WORDS.match(tag)
    if not words:
        return False
    name = tag[1:].split(maxsplit=1)[0].lower()
    allowed = _ATTRIBUTES.get(name, set())
    return any(word.lower() not in allowed for word in words.group(1).split())


# `<!-- sisipan: KEY (free comment) -->`: place generated content here (data/README.md).
_INSERT = re.compile(r"<!--\s*sisipan:\s*(\S+)(?:.*?)-->", re.DOTALL)
_PROFILE_KEY = re.compile(r"^satker\.yaml#(?P<name>\w+)(?:\[(?P<field>\w+)=(?P<value>[^\]]*)\])?$")


def render_narrative(
    text: str,
    inserts: Mapping[str, str] | None = None,
    profile: Mapping[str, Any] | None = None,
    top_heading: int = 3,
    place_rest: bool = True,
) -> Html:
    """Render a `narasi/*.md` file, placing generated content at its `sisipan` markers.

    A marker `<!-- sisipan: KEY ... -->` is replaced by `inserts[KEY]` (HTML made by lakipkit,
    e.g. a table, so it is not sanitised again); `satker.yaml#misi` or
    `satker.yaml#sasaran_strategis[tujuan=1]` becomes a numbered list from `profile`; any
    other marker is dropped, like the comment it is. With `place_rest`, inserts that no
    marker asked for follow the text, so a required table never goes missing. The Markdown
    between markers is sanitised by `render_markdown`.
    """
    inserts = inserts or {}
    parts = _INSERT.split(text)
    html = [render_markdown(parts[0], top_heading)]
    for key, markdown in zip(parts[1::2], parts[2::2], strict=True):
        html.append(inserts.get(key, ""))
        if profile is not None and (match := _PROFILE_KEY.match(key)):
            html.append(_profile_list(profile, **match.groupdict()))
        html.append(render_markdown(markdown, top_heading))
    if place_rest:
        html += [value for key, value in inserts.items() if key not in parts[1::2]]
    return Html("\n".join(part for part in html if part))


_MEDIA_LABELS = {"jdih": "JDIH", "youtube": "YouTube", "tiktok": "TikTok", "x": "X (Twitter)"}


def _profile_list(
    profile: Mapping[str, Any], name: str, field: str | None, value: str | None
) -> str:
    """Render a satker.yaml list as a numbered list, optionally filtered on one field.

    A mapping (e.g. `media`: website, email, ...) becomes "Name: value" items, in file order;
    a text (`visi`) is one paragraph, not a list of its letters.
    """
    items = profile.get(name) or []
    if isinstance(items, str):
        return f"<p>{escape(items)}</p>"
    if isinstance(items, Mapping):
        items = [
            f"{_MEDIA_LABELS.get(str(key).lower(), str(key).replace('_', ' ').title())}: {address}"
            for key, address in items.items()
            if address
        ]
    if field is not None:
        items = [item for item in items if str(item.get(field)) == value]
    texts = [item.get("uraian", "") if isinstance(item, Mapping) else item for item in items]
    return "<ol>" + "".join(f"<li>{escape(str(t))}</li>" for t in texts) + "</ol>" if texts else ""


def _jumlah(n: int) -> str:
    """Write a count as official Indonesian prose does: `3 (tiga)`."""
    return f"{n} ({terbilang(n, satuan='')})"


def _yaitu(rows: pd.DataFrame, total: int) -> str:
    """', yaitu A, B, dan C' naming the indicators of a group, or nothing when it is all of them."""
    if len(rows) == total:
        return ""
    return f", yaitu {daftar(rows['uraian'].str.rstrip('.').tolist())}"


def describe_capaian(capaian: pd.DataFrame, tahun: int) -> str:
    """Sentences that summarise the indicators: how many, how many met, which did not.

    They also say how many indicators have no target yet and how many no realisasi yet (a
    year just started: all of them). `capaian` is the frame of `compute_capaian` (columns
    `uraian`, `capaian`, `status`, `realisasi_teks`).
    """
    status = capaian["status"]
    total = len(capaian)
    tercapai = int(status.eq(STATUS_TERCAPAI).sum())
    gagal = capaian.loc[status.eq(STATUS_TIDAK_TERCAPAI)]
    tanpa_target = capaian.loc[status.eq(STATUS_TARGET_BELUM_DITETAPKAN)]
    tanpa_data = capaian.loc[capaian["realisasi_teks"].isna()]
    sentences = [
        f"Perjanjian Kinerja Tahun {tahun} memuat {_jumlah(total)} indikator kinerja; "
        f"{_jumlah(tercapai)} indikator mencapai atau melampaui targetnya."
    ]
    if len(gagal):
        named = (
            gagal["uraian"].str.rstrip(".")
            + " (capaian "
            + gagal["capaian"].map(format_persen)
            + ")"
        )
        sentences.append(
            f"Indikator yang belum mencapai target sebanyak {_jumlah(len(gagal))}, yaitu "
            f"{daftar(named.tolist())}."
        )
    elif tercapai:
        sentences.append("Tidak ada indikator yang berada di bawah targetnya.")
    if len(tanpa_target):
        sentences.append(
            f"Target {_jumlah(len(tanpa_target))} indikator belum ditetapkan"
            f"{_yaitu(tanpa_target, total)}, sehingga capaiannya belum dapat dihitung."
        )
    if len(tanpa_data):
        sentences.append(
            f"Sebanyak {_jumlah(len(tanpa_data))} indikator belum memiliki data realisasi"
            f"{_yaitu(tanpa_data, total)}."
        )
    return " ".join(sentences)


def _rupiah_terbilang(nilai: int) -> str:
    return f"{format_rupiah(nilai)} ({terbilang(int(nilai))})"


def describe_sources(per_source: pd.DataFrame, total: Jumlah, tahun: int) -> str:
    """Where the money came from (per sumber dana, with terbilang) and how much was spent.

    `per_source` is `totals_by_source`'s frame; `total` is `totals` of the same lines. A pagu
    not filled in yet is said so, never written as Rp 0; a single source's pagu is the total,
    written once.
    """
    amounts = [
        f"{source} sebesar {_rupiah_terbilang(pagu)}" if pd.notna(pagu) else str(source)
        for source, pagu in per_source["pagu"].items()
    ]
    if total.pagu is None:
        text = (
            f"Anggaran Tahun {tahun} bersumber dari {daftar(amounts)}; pagunya "
            f"{BELUM_DITETAPKAN} dalam data anggaran."
        )
    elif len(per_source) == 1 and total.pagu_lengkap:
        # one source: its amount is the whole, said once
        text = f"Anggaran Tahun {tahun} seluruhnya bersumber dari {amounts[0]}."
    else:
        sebagian = "" if total.pagu_lengkap else f", belum termasuk pagu yang {BELUM_DITETAPKAN}"
        text = (
            f"Anggaran Tahun {tahun} bersumber dari {daftar(amounts)}, seluruhnya "
            f"{_rupiah_terbilang(total.pagu)}{sebagian}."
        )
    if total.realisasi is not None:
        text += (
            f" Realisasi anggaran yang dilaporkan sebesar {_rupiah_terbilang(total.realisasi)}"
            + (
                ""
                if math.isnan(total.penyerapan)
                else f" atau {format_persen(total.penyerapan)} dari seluruh pagu"
            )
            + "."
        )
    missing = per_source.index[per_source["realisasi"].isna()].astype(str).tolist()
    if missing:
        text += f" Realisasi {daftar(missing)} belum dilaporkan dalam data anggaran."
    return text


def legal_basis_html(profile: Mapping[str, Any]) -> Html:
    """Bab I.D: the legal basis listed in satker.yaml (`landasan_hukum`), numbered; or nothing."""
    items = profile.get("landasan_hukum") or []
    if not items:
        return Html("")
    name = escape(str(profile.get("nama", "satuan kerja ini")))
    return Html(
        f"<p>Landasan hukum penyusunan Laporan Akuntabilitas Kinerja Instansi Pemerintah {name} "
        "adalah sebagai berikut:</p><ol>"
        + "".join(f"<li>{escape(str(item))};</li>" for item in items[:-1])
        + f"<li>{escape(str(items[-1]))}.</li></ol>"
    )


def describe_anggaran(total: Jumlah, tahun: int) -> str:
    """Write the Ikhtisar's budget sentence: pagu, realisasi and penyerapan, with terbilang.

    `total` is `anggaran.totals`. A pagu not filled in yet or a realisasi not reported is
    said so, never written as 0.
    """
    if total.pagu is None:
        return (
            f"Pagu anggaran Tahun {tahun} {BELUM_DITETAPKAN} dalam data anggaran, sehingga "
            "realisasi dan penyerapan anggaran belum dapat disajikan."
        )
    sebagian = "" if total.pagu_lengkap else f" (belum termasuk pagu yang {BELUM_DITETAPKAN})"
    text = f"Dari pagu anggaran Tahun {tahun} sebesar {_rupiah_terbilang(total.pagu)}{sebagian}, "
    if total.realisasi is None:
        return text + "realisasi anggaran belum dilaporkan."
    text += f"realisasi anggaran mencapai {format_rupiah(total.realisasi)}"
    if math.isnan(total.penyerapan):
        return text + ", sedangkan penyerapannya belum dapat dihitung."
    return text + f" atau penyerapan sebesar {format_persen(total.penyerapan)}."


def paragraph(text: str, css_class: str = "") -> Html:
    """Wrap generated sentences in one HTML paragraph (escaped: data may contain `<`)."""
    attribute = f' class="{escape(css_class)}"' if css_class else ""
    return Html(f"<p{attribute}>{escape(text, quote=False)}</p>")


# -- generated parts of the report -----------------------------------------------------------


def signed_section_html(
    text: str, person: Mapping[str, str], tempat: str | None, tanggal: date | None
) -> Html:
    """Render a section closed by a signature (Kata Pengantar, Penutup); no text, nothing.

    A signature under no text would make the section look written when it is not.
    """
    body = render_narrative(text)
    return Html(body + signature_html(person, tempat, tanggal)) if body else Html("")


def official(profile: Mapping[str, Any], peran: str) -> dict[str, str]:
    """Find the official with role `peran` in satker.yaml's `pejabat` (name, NIP, jabatan)."""
    for person in profile.get("pejabat", []):
        if person.get("peran") == peran:
            gelar = person.get("gelar") or ""
            return {
                "nama": f"{person['nama']}, {gelar}" if gelar else str(person["nama"]),
                "nip": str(person.get("nip") or ""),
                "jabatan": str(person.get("jabatan") or ""),
            }
    raise LakipError(f"satker.yaml: tidak ada pejabat dengan peran {peran!r} pada daftar `pejabat`")


def format_nip(nip: str) -> str:
    """18-digit NIP grouped as printed on official documents: 19760905 200902 1 002."""
    digits = re.sub(r"\D", "", nip)
    if len(digits) != 18:
        return nip
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"


def signature_html(
    person: Mapping[str, str], tempat: str | None, tanggal: date | None, role: str = ""
) -> Html:
    """Render a signature block: place and date, the position, room to sign, name and NIP.

    A date not set yet prints "tanggal belum ditetapkan".
    """
    lines = []
    if tempat or tanggal:
        lines.append(
            f"{escape(tempat or '')}, {format_tanggal(tanggal, kosong=TANGGAL_BELUM_DITETAPKAN)}"
        )
    if role:
        lines.append(escape(role))
    lines.append(escape(person.get("jabatan", "")))
    nip = (
        f'<div class="nip">NIP. {escape(format_nip(person["nip"]))}</div>'
        if person.get("nip")
        else ""
    )
    return Html(
        '<div class="pengesahan">'
        + "".join(f"<div>{line}</div>" for line in lines)
        + f'<div class="nama">{escape(person.get("nama", ""))}</div>{nip}</div>'
    )


#: Title of the report where laporan.yaml gives no `judul` (PermenPANRB 53/2014).
JUDUL_BAKU = "Laporan Akuntabilitas Kinerja Instansi Pemerintah"
#: Longest text drawn inside the round logo; a longer one is printed as a line of text.
_LOGO_MAKS = 6


def running_title(profile: Mapping[str, Any], tahun: int, judul: str | None = None) -> str:
    """Write the page header: the report's title without its year, then '| tahun'."""
    if judul:
        without_year = re.sub(rf"\s*(Tahun\s+)?{tahun}\s*$", "", judul.strip())
        return f"{without_year} | {tahun}"
    short = profile.get("nama_singkat") or profile.get("nama", "")
    return f"{JUDUL_BAKU} {short} | {tahun}"


def cover_html(profile: Mapping[str, Any], tahun: int, judul: str | None = None) -> Html:
    """Render the cover page: logo text, title, unit, year, place, and the running title.

    `judul` (laporan.yaml) is the title as the unit writes it; the unit's name and the year
    are added below it only when it does not already say them. The round logo is drawn only
    for a short `logo_teks` (e.g. "KPU"); without one there is no logo, and a longer one is a
    line of text. The place is "Kota X" or "Kabupaten X" from satker.yaml's `kota` or
    `kabupaten`.
    """
    logo = str(profile.get("logo_teks") or "")
    mark, _, rest = (part.strip() for part in logo.partition("/"))
    if not mark:
        logo_html = ""
    elif len(mark) <= _LOGO_MAKS:
        logo_html = f'<div class="logo">{escape(mark)}</div>'
    else:
        logo_html = f'<div class="logo-teks">{escape(mark)}</div>'
    if rest:
        logo_html += f'<div class="logo-sub">{escape(rest)}</div>'
    place = ", ".join(
        _with_prefix(str(profile[key]), prefix)
        for key, prefix in (("kabupaten", "Kabupaten"), ("kota", "Kota"), ("provinsi", "Provinsi"))
        if profile.get(key)
    )
    name = str(profile.get("nama", ""))
    short = str(profile.get("nama_singkat") or "")
    title = (judul or "").strip()
    if title:
        title_html = f'<div class="judul">{escape(title)}</div>'
    else:
        title_html = (
            f'<div class="judul">{JUDUL_BAKU}</div><div class="judul-singkat">(LAKIP)</div>'
        )
    says_unit = bool(title) and any(n and n.lower() in title.lower() for n in (name, short))
    says_year = bool(title) and str(tahun) in title
    # div.sampul styles the cover in a notebook; the build unwraps it into its section.sampul
    return Html(
        '<div class="sampul">'
        f'<div class="judul-berjalan">{escape(running_title(profile, tahun, title))}</div>'
        + logo_html
        + title_html
        + ("" if says_year else f'<div class="tahun">Tahun {tahun}</div>')
        + ("" if says_unit else f'<div class="unit">{escape(name)}</div>')
        + (f'<div class="alamat">{escape(place)}</div>' if place else "")
        + "</div>"
    )


def _with_prefix(name: str, prefix: str) -> str:
    """'Bontang' -> 'Kota Bontang'; a name that already says Kota/Kabupaten/Provinsi is kept."""
    known = ("Kota ", "Kabupaten ", "Kab. ", "Provinsi ")
    return name if name.startswith(known) else f"{prefix} {name}"


def _band_text(scale: BandScale) -> list[str]:
    """Each band of an interpretation scale as 'x % ≤ capaian < y %: label', best first."""
    low, high = ("≤", "<") if scale.batas_inklusif else ("<", "≤")
    bounds = [format_persen(b, 0) for b in scale.batas]
    parts = [f"capaian {high} {bounds[0]}"]
    parts += [f"{a} {low} capaian {high} {b}" for a, b in zip(bounds, bounds[1:], strict=False)]
    parts.append(f"capaian {'≥' if scale.batas_inklusif else '>'} {bounds[-1]}")
    return [f"{p}: {label}" for p, label in zip(parts, scale.label, strict=True)][::-1]


_RULES = {
    "negatif": (
        "yang semakin baik bila realisasinya semakin rendah: Capaian = (2 × Target − Realisasi)"
        " ÷ Target × 100% (paling rendah 0%), atau Target ÷ Realisasi × 100% bila indikator itu"
        " ditetapkan memakai rasio"
    ),
    "rentang": (
        "dengan target berupa rentang [a, b]: realisasi di dalam rentang = 100%; di bawah a:"
        " Realisasi ÷ a × 100%; di atas b: b ÷ Realisasi × 100%"
    ),
    "kualitatif": (
        "dengan target berupa opini BPK (TMP < TW < WDP < WTP) atau predikat SAKIP (D < C < CC <"
        " B < BB < A < AA): Capaian = peringkat realisasi ÷ peringkat target × 100%"
    ),
}


def method_html(
    indikator: pd.DataFrame, settings: CapaianSettings, ambang_efisiensi: float = 5.0
) -> Html:
    """Bab III.A's method: the formula once, the other rules in use, the cap and the scale.

    Written for the reader: rules are named by what they mean ("semakin baik bila
    realisasinya semakin rendah"), and only the rules and statuses that occur are explained.
    """
    used = indikator["polaritas"].value_counts()
    others = "".join(
        f"<li>{_jumlah(int(used[name]))} indikator {escape(_RULES[name])}</li>"
        for name in _RULES
        if name in used.index
    )
    rules = (
        "<p>Rumus tersebut berlaku bagi indikator yang semakin baik bila realisasinya semakin "
        f"tinggi. Capaian indikator lainnya dihitung sebagai berikut:</p><ul>{others}</ul>"
        if others
        else ""
    )
    status = ["Indikator dinyatakan <em>tercapai</em> bila capaiannya paling sedikit 100%."]
    if indikator["realisasi_teks"].isna().any():
        status.append("Indikator tanpa data realisasi dicatat <em>belum ada data</em>, bukan 0%.")
    if indikator["target_teks"].isna().any():
        status.append(
            "Indikator yang targetnya belum ditetapkan dicatat <em>target belum ditetapkan</em>."
        )
    cap = (
        "Capaian tidak dibatasi: PermenPANRB 53/2014 tidak menetapkan batas atas capaian."
        if settings.cap is None
        else f"Capaian dibatasi paling tinggi {format_persen(settings.cap, 0)}"
        + (
            "; capaian sebelum dibatasi dicetak dalam kurung di sampingnya, dan status memakai "
            "capaian sebelum dibatasi."
            if settings.cetak == "terbatas"
            else " pada rata-rata; tabel mencetak capaian sebelum dibatasi, dan status memakai "
            "capaian itu."
        )
    )
    bands = "".join(f"<li>{escape(line)}</li>" for line in _band_text(settings.skala))
    return Html(
        '<div class="rumus">Capaian Kinerja = <span class="pecahan"><span>Realisasi</span>'
        "<span>Target</span></span> × 100%</div>"
        f"{rules}<p>{' '.join(status)} {escape(cap)}</p>"
        "<p>Skala interpretasi capaian tidak diatur secara nasional; predikat capaian dalam "
        f"laporan ini memakai skala berikut:</p><ul>{bands}</ul>"
        "<p>Efisiensi kegiatan dinilai dari selisih rata-rata capaian indikator kegiatan dengan "
        f"penyerapan anggarannya: lebih dari +{format_angka(ambang_efisiensi)} poin efisien, "
        f"antara −{format_angka(ambang_efisiensi)} dan +{format_angka(ambang_efisiensi)} poin "
        "cukup efisien, selebihnya tidak efisien.</p>"
    )


#: What the one indicator of a node is, by its status ("memiliki 1 (satu) indikator kinerja, ...").
_ONE_INDICATOR = {
    STATUS_TERCAPAI: "yang mencapai target",
    STATUS_TIDAK_TERCAPAI: "yaitu {uraian}, yang belum mencapai target",
    STATUS_BELUM_ADA_DATA: "yang belum memiliki data realisasi",
    STATUS_TARGET_BELUM_DITETAPKAN: f"yang targetnya {BELUM_DITETAPKAN}",
}


def _count_sentence(subject: str, group: pd.DataFrame) -> str:
    """Say how many indicators a programme or kegiatan has, how many met, which did not.

    One indicator is described as one ("..., yang mencapai target"), never as "1 (satu) di
    antaranya"; none met names those below target once, not "belum ada yang mencapai target,
    sedangkan yang belum mencapai target adalah ...".
    """
    met = int(group["status"].eq(STATUS_TERCAPAI).sum())
    below = group.loc[group["status"] == STATUS_TIDAK_TERCAPAI, "uraian"].str.rstrip(".").tolist()
    empty = int(group["status"].eq(STATUS_BELUM_ADA_DATA).sum())
    no_target = int(group["status"].eq(STATUS_TARGET_BELUM_DITETAPKAN).sum())
    text = f"{subject} memiliki {_jumlah(len(group))} indikator kinerja"
    one = _ONE_INDICATOR.get(group["status"].iloc[0]) if len(group) == 1 else None
    if one:
        return f"{text}, {one.format(uraian=str(group['uraian'].iloc[0]).rstrip('.'))}."
    if met:
        text += f"; {_jumlah(met)} di antaranya mencapai target"
        if below:
            text += f", sedangkan yang belum mencapai target adalah {daftar(below)}"
    elif below:
        text += f"; {daftar(below)} belum mencapai target"
    else:
        text += "; belum ada yang mencapai target"
    if no_target:
        text += f"; target {_jumlah(no_target)} indikator {BELUM_DITETAPKAN}"
    if empty:
        text += f"; {_jumlah(empty)} indikator belum memiliki data realisasi"
    return text + "."


def _budget_sentence(subject: str, budget: pd.Series | None) -> str:
    """Say a node's pagu and realisasi (`anggaran_per_kegiatan` row); nothing without pagu."""
    if budget is None or pd.isna(budget["pagu"]) or not budget["pagu_lengkap"]:
        return ""
    text = f"{subject} didukung pagu anggaran {format_rupiah(int(budget['pagu']))}"
    if pd.isna(budget["realisasi"]):
        return text + "; realisasinya belum dilaporkan."
    realisasi = format_rupiah(int(budget["realisasi"]))
    if not budget["realisasi_lengkap"]:
        return text + f"; realisasi yang dilaporkan {realisasi}, belum untuk seluruh pagu."
    return text + f" dengan realisasi {realisasi} ({format_persen(budget['penyerapan'])})."


def analysis_html(
    capaian: pd.DataFrame,
    sasaran: pd.DataFrame,
    program: pd.DataFrame,
    kegiatan: pd.DataFrame,
    narasi: Mapping[str, str],
    inserts: Mapping[str, str] | None = None,
    profile: Mapping[str, Any] | None = None,
    pohon: pd.DataFrame | None = None,
    tingkat: Mapping[str, str] | None = None,
    anggaran: pd.DataFrame | None = None,
) -> Html:
    """Bab III.B: per node of the performance tree, a sentence, the sub-table and the text.

    The nodes below the strategic levels (program -> kegiatan -> sub kegiatan ..., as deep
    as `pohon` goes; built from `program` and `kegiatan` when None) in tree order. Headings:
    top nodes `h3` numbered 1, 2, ...; each level below one `h` lower, named by `tingkat`
    (`settings.level_names`, e.g. "Sub Kegiatan 2.23.02.2.01.0003 ..."); sasaran one below the
    deepest. A node's sentence counts every indicator below it, its table holds its own
    indicators, and with `anggaran` a node with budget codes says its pagu and realisasi. The
    analysis text comes from `narasi/analisis/<node id>.md` and `narasi/analisis/<sasaran id>.md`,
    with `inserts` at their markers; an insert with rows that no text places comes last.
    """
    from lakipkit.pohon import TINGKAT_STRATEGIS, codes, labels, paths, tree_of
    from lakipkit.settings import level_names

    simpul, tree = tree_of(capaian, program, kegiatan, pohon)
    names = {**level_names(None), **(tingkat or {})}
    printed = labels(tree, names)
    nodes = tree.loc[~tree["tingkat"].isin(TINGKAT_STRATEGIS)].set_index("id", drop=False)
    jalur = paths(tree)
    # how many analysed nodes stand above each one (0 = a top heading)
    rel = {n: sum(a in nodes.index for a in jalur.get(n, ())) - 1 for n in nodes.index}
    below = {n: [s for s in simpul if isinstance(s, str) and n in jalur.get(s, ())] for n in rel}
    sasaran_level = min(6, 4 + max(rel.values(), default=1))
    budget = None
    if anggaran is not None and len(anggaran):
        links = codes(nodes.reset_index(drop=True)).rename(columns={"simpul": "kegiatan"})
        budget = anggaran_per_kegiatan(anggaran, links) if len(links) else None

    placed: set[str] = set()

    def text(key: str) -> str:
        source = narasi.get(f"analisis/{key}", "")
        placed.update(_INSERT.split(source)[1::2])
        return render_narrative(source, inserts, profile, top_heading=6, place_rest=False)

    def sasaran_parts(ids: pd.Series) -> list[str]:
        """Each sasaran's analysis under its own heading, unless the text opens with one."""
        rows = sasaran.set_index("id").loc[ids.drop_duplicates()]
        parts = []
        for sid, row in rows.iterrows():
            body = text(str(sid))
            own_heading = narasi.get(f"analisis/{sid}", "").lstrip().startswith("**")
            if body and not own_heading:
                h = f"h{sasaran_level}"
                parts.append(f"<{h}>{int(row.no)}. {escape(str(row.uraian))}</{h}>")
            parts.append(body)
        return parts

    parts: list[str] = []
    top = 0
    for node in nodes.itertuples(index=False):
        depth = rel[node.id]
        level = names.get(str(node.tingkat), str(node.tingkat).replace("_", " ").title())
        children = nodes.loc[nodes["induk"].eq(node.id).fillna(False)]
        rows = capaian.loc[simpul.isin(below[node.id]).to_numpy()]
        own = capaian.loc[simpul.eq(node.id).fillna(False).to_numpy()]
        melalui = ""
        if len(children):
            child = names.get(str(children["tingkat"].iloc[0]), "").lower()
            melalui = f" dilaksanakan melalui {_jumlah(len(children))} {child} dan"
        if depth == 0:
            top += 1
            parts.append(f"<h3>{top}. {escape(str(node.nama))}</h3>")
            parts.append(paragraph(_count_sentence(f"{node.nama}{melalui}", rows)))
            title = f"Sasaran {node.nama}"
        else:
            h = f"h{min(6, 3 + depth)}"
            parts.append(f"<{h}>{escape(printed[node.id])}</{h}>")
            if len(rows):
                counted = _count_sentence(f"{level} ini{melalui}", rows)
                parts.append(paragraph(counted, "pengantar"))
            title = f"Capaian {printed[node.id]}"
        own_budget = budget.loc[node.id] if budget is not None and node.id in budget.index else None
        if sentence := _budget_sentence(f"{level} ini", own_budget):
            parts.append(paragraph(sentence))
        if len(own):
            parts.append(
                indicator_table(
                    own, sasaran, program, kegiatan, title, kind="ringkas", groups=False
                )
            )
        parts.append(text(str(node.id)))
        parts += sasaran_parts(own["sasaran"])
    # a table with rows that no analysis text placed follows them, never silently left out
    parts += [v for k, v in (inserts or {}).items() if k not in placed and _has_rows(v)]
    return Html("\n".join(part for part in parts if part))


def _has_rows(insert: str) -> bool:
    """Tell an insert worth printing: HTML, and, for a `ReportTable`, one with data rows."""
    frame = getattr(insert, "frame", None)
    return bool(insert) and (frame is None or len(frame) > 0)


_PK_TEXT = (
    "Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan, dan akuntabel "
    "serta berorientasi pada hasil, kami yang bertanda tangan di bawah ini:",
    "Pihak Pertama berjanji akan mewujudkan target kinerja yang seharusnya sesuai lampiran "
    "perjanjian ini, dalam rangka mencapai target kinerja jangka menengah seperti yang telah "
    "ditetapkan dalam dokumen perencanaan. Keberhasilan dan kegagalan pencapaian target kinerja "
    "tersebut menjadi tanggung jawab kami.",
    "Pihak Kedua akan melakukan supervisi yang diperlukan serta akan melakukan evaluasi terhadap "
    "capaian kinerja dari perjanjian ini dan mengambil tindakan yang diperlukan dalam rangka "
    "pemberian penghargaan dan sanksi.",
)


def pk_statement_html(profile: Mapping[str, Any], laporan: Mapping[str, Any], tahun: int) -> Html:
    """Render the Perjanjian Kinerja statement (PermenPANRB 53/2014) with both signatures.

    Without a `pk` block in laporan.yaml (who signed, when) there is no statement.
    """
    pk = laporan.get("pk") or {}
    if not pk:
        return Html("")
    first = official(profile, str(pk.get("pihak_pertama", "sekretaris")))
    second = official(profile, str(pk.get("pihak_kedua", "ketua")))

    def party(person: Mapping[str, str], role: str) -> str:
        return (
            '<table class="pihak"><tr><td>Nama</td><td>:</td>'
            f"<td>{escape(person['nama'])}</td></tr><tr><td>Jabatan</td><td>:</td>"
            f"<td>{escape(person['jabatan'])}</td></tr></table><p>{escape(role)}</p>"
        )

    return Html(
        f'<p class="kop">{escape(str(profile.get("nama", "")))}</p>'
        f'<p class="kop">PERJANJIAN KINERJA TAHUN {tahun}</p>'
        f"<p>{escape(_PK_TEXT[0])}</p>"
        + party(first, "selanjutnya disebut Pihak Pertama.")
        + party(second, "selaku atasan langsung Pihak Pertama, selanjutnya disebut Pihak Kedua.")
        + f"<p>{escape(_PK_TEXT[1])}</p><p>{escape(_PK_TEXT[2])}</p>"
        + pk_signatures_html(profile, laporan)
    )


def pk_signatures_html(profile: Mapping[str, Any], laporan: Mapping[str, Any]) -> Html:
    """Pihak Kedua (left) and Pihak Pertama (right) signing the PK, with its place and date.

    Without a `pk` block in laporan.yaml there is nothing to sign.
    """
    pk = laporan.get("pk") or {}
    if not pk:
        return Html("")
    first = official(profile, str(pk.get("pihak_pertama", "sekretaris")))
    second = official(profile, str(pk.get("pihak_kedua", "ketua")))
    tanggal = format_tanggal(pk.get("tanggal"), kosong=TANGGAL_BELUM_DITETAPKAN)
    place = f"{pk.get('tempat') or laporan.get('tempat', '')}, {tanggal}"
    return Html(
        f'<p class="tempat-tanggal">{escape(place)}</p><div class="pengesahan-dua">'
        + signature_html(second, None, None, "Pihak Kedua,")
        + signature_html(first, None, None, "Pihak Pertama,")
        + "</div>"
    )


def findings_html(findings: Sequence[Finding]) -> Html:
    """Render the optional Lampiran of data findings a reader should know about."""
    from lakipkit.tables import findings_table

    intro = (
        "Pemeriksaan otomatis atas berkas data laporan ini mencatat hal-hal berikut. Temuan ini "
        "tidak mengubah angka laporan; angka yang dipakai adalah fakta kanonik sebagaimana "
        "dijelaskan pada data/README.md."
        if findings
        else "Pemeriksaan otomatis atas berkas data laporan ini tidak mencatat temuan."
    )
    table = findings_table(findings, "Temuan Pemeriksaan Data") if findings else ""
    return Html(f"<h2>Hasil Pemeriksaan Data</h2><p>{escape(intro)}</p>{table}")
