"""The published site of many units (`lakip situs`): index.html and a page per indicator.

Why from `output/` alone: the site publishes what was built. Each unit-year's
`summary.json` holds its key figures and its indicators (target, realisasi, capaian), so
the site needs neither the data folder nor a kernel, and 550 units take seconds.

The pages follow the reports' rules: self-contained (inline CSS, no web fonts), no script at
all and a Content-Security-Policy that forbids every fetch, every text from the data escaped
by Jinja2's autoescape (no data-provided markup is rendered, so there is nothing for nh3 to
clean). Sorting and filtering work offline without a script: every row carries its rank for
each sort key as a CSS custom property, and radio buttons select, through CSS alone, the
`order` of the rows and which rows are hidden (docs/skala.md). The same data gives the same
bytes: everything is sorted, nothing carries a date.
"""

from __future__ import annotations

import json
import os
import re
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from lakipkit.errors import LakipError
from lakipkit.formatting import format_persen

TEMPLATE_DIR = Path(__file__).parent / "templates" / "situs"
#: Folder of the indicator pages under the output root; "_" is never in a satker id.
INDICATOR_DIR = "_indikator"
_YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True)
class Report:
    """One unit-year as the site shows it (read from its summary.json)."""

    satker: str
    tahun: int
    nama: str
    jumlah: int
    tercapai: int
    tidak_tercapai: int
    rata_rata_capaian: float | None
    penyerapan: float | None
    links: tuple[tuple[str, str], ...]  # (label, href relative to the output root)
    indikator: tuple[Mapping[str, Any], ...] = field(default=(), repr=False)

    @property
    def status(self) -> str:
        """Tell whether an indicator fell short of its target ("kurang") or none did ("semua").

        An indicator without data yet is not counted as falling short.
        """
        return "kurang" if self.tidak_tercapai else "semua"


@dataclass(frozen=True)
class Indicator:
    """An indicator shared by several units: a catalogue code, or the same id and wording."""

    kode: str
    uraian: str
    satuan: str
    page: str  # file name under INDICATOR_DIR
    rows: tuple[tuple[Report, Mapping[str, Any]], ...]


def read_reports(output_dir: str | os.PathLike[str]) -> list[Report]:
    """Read every `<output>/<satker>/<tahun>/summary.json`, sorted by satker then year.

    A summary.json that is not valid JSON is a one-line error naming it: a site must not
    silently leave a unit out.
    """
    root = Path(output_dir)
    if not root.is_dir():
        raise LakipError(f"folder keluaran {root} tidak ada: jalankan dulu lakip build --semua")
    reports = []
    for path in sorted(root.glob("*/*/summary.json")):
        folder = path.parent
        if not _YEAR.fullmatch(folder.name) or folder.parent.name.startswith((".", "_")):
            continue
        try:
            summary = json.loads(path.read_text(encoding="utf-8"))
            reports.append(_report(summary, folder, root))
        except (ValueError, KeyError, TypeError) as error:
            raise LakipError(f"{path}: bukan summary.json lakipkit yang sah ({error})") from error
    return sorted(reports, key=lambda r: (r.satker, r.tahun))


def _report(summary: Mapping[str, Any], folder: Path, root: Path) -> Report:
    satker, tahun = folder.parent.name, int(folder.name)
    indikator = summary["indikator"]
    base = f"{satker}/{tahun}"
    links = []
    for label, pattern in (("HTML", "laporan-*.html"), ("PDF", "laporan-*.pdf")):
        links += [(label, f"{base}/{p.name}") for p in sorted(folder.glob(pattern))]
    links += [("konsolidasi", f"{base}/{p.name}") for p in sorted(folder.glob("konsolidasi*.html"))]
    return Report(
        satker=satker,
        tahun=tahun,
        nama=str(summary.get("nama_satker") or satker),
        jumlah=int(indikator["jumlah"]),
        tercapai=int(indikator["tercapai"]),
        tidak_tercapai=int(indikator["tidak_tercapai"]),
        rata_rata_capaian=indikator.get("rata_rata_capaian"),
        penyerapan=summary["anggaran"].get("penyerapan_persen"),
        links=tuple(links),
        indikator=tuple(indikator.get("baris", ())),
    )


def shared_indicators(reports: Sequence[Report]) -> list[Indicator]:
    """Group indicators that several units share; one page each.

    An indicator with a catalogue code is grouped by that code. Without one, units share an
    indicator when they give it the same id, uraian and satuan (a PK set top-down); an
    indicator of one unit alone gets no page.
    """
    groups: dict[tuple[str, ...], list[tuple[Report, Mapping[str, Any]]]] = {}
    for report in reports:
        for row in report.indikator:
            key: tuple[str, ...] = (
                ("katalog", str(row["katalog"]))
                if row.get("katalog")
                else ("id", str(row["id"]), str(row["uraian"]), str(row["satuan"]))
            )
            groups.setdefault(key, []).append((report, row))
    shared = []
    used: set[str] = set()
    for key in sorted(groups):
        rows = groups[key]
        if len({report.satker for report, _ in rows}) < 2:
            continue
        kode = key[1]
        page = _unique(_slug(kode), used)
        first = rows[0][1]
        shared.append(
            Indicator(kode, str(first["uraian"]), str(first["satuan"]), page, tuple(rows))
        )
    return shared


def _slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z._-]+", "-", text).strip("-") or "indikator"


def _unique(name: str, used: set[str]) -> str:
    candidate, n = f"{name}.html", 1
    while candidate in used:
        n += 1
        candidate = f"{name}-{n}.html"
    used.add(candidate)
    return candidate


# -- rendering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SortKey:
    """A way to order the rows: a label and a value per row (None sorts last)."""

    nama: str
    label: str
    value: Callable[[Any], Any]
    descending: bool = False


def order_styles(items: Sequence[Any], keys: Sequence[SortKey]) -> list[str]:
    """Each row's `style` attribute: its position under every sort key, as CSS properties."""
    return [
        "".join(f"--{name}:{position};" for name, position in rank.items())
        for rank in ranks(items, keys)
    ]


def ranks(items: Sequence[Any], keys: Sequence[SortKey]) -> list[dict[str, int]]:
    """Each item's position under each sort key (ties keep the given order; None last)."""
    result: list[dict[str, int]] = [{} for _ in items]
    for key in keys:
        present = [i for i, item in enumerate(items) if key.value(item) is not None]
        missing = [i for i, item in enumerate(items) if key.value(item) is None]
        present.sort(key=lambda i: key.value(items[i]), reverse=key.descending)
        if key.descending:  # reverse=True also reverses ties: restore the given order
            present.sort(key=lambda i: (_neg(key.value(items[i])), i))
        for position, index in enumerate([*present, *missing]):
            result[index][key.nama] = position
    return result


def _neg(value: Any) -> Any:
    return -value if isinstance(value, int | float) else value


@lru_cache(maxsize=65536)
def _persen(value: float | None) -> str:
    return format_persen(value, kosong="belum ada data")


_REPORT_KEYS = (
    SortKey("nama", "nama satker", lambda r: (r.nama.casefold(), r.satker, r.tahun)),
    SortKey("capaian-turun", "capaian tertinggi", lambda r: r.rata_rata_capaian, True),
    SortKey("capaian-naik", "capaian terendah", lambda r: r.rata_rata_capaian),
    SortKey("serapan-turun", "penyerapan tertinggi", lambda r: r.penyerapan, True),
    SortKey("serapan-naik", "penyerapan terendah", lambda r: r.penyerapan),
    SortKey("tercapai-naik", "tercapai terendah", lambda r: _share(r.tercapai, r.jumlah)),
)
_ROW_KEYS = (
    SortKey("nama", "nama satker", lambda p: (p[0].nama.casefold(), p[0].satker, p[0].tahun)),
    SortKey("capaian-turun", "capaian tertinggi", lambda p: p[1].get("capaian"), True),
    SortKey("capaian-naik", "capaian terendah", lambda p: p[1].get("capaian")),
)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@cache
def _environment() -> Any:
    """Jinja2 with autoescape on for every template (the site's one sanitising rule)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["persen"] = _persen
    return env


def _years(items: Iterable[Report]) -> list[int]:
    return sorted({r.tahun for r in items})


def render_site(reports: Sequence[Report]) -> dict[str, str]:
    """Render index.html and the indicator pages: {path relative to the output root: html}."""
    env = _environment()
    css = (TEMPLATE_DIR / "situs.css").read_text(encoding="utf-8")
    indicators = shared_indicators(reports)
    pages = {
        "index.html": env.get_template("index.html.j2").render(
            css=css,
            reports=reports,
            styles=order_styles(reports, _REPORT_KEYS),
            keys=_REPORT_KEYS,
            years=_years(reports),
            indicators=indicators,
            konsolidasi=[
                (r, label, href)
                for r in reports
                for label, href in r.links
                if label == "konsolidasi"
            ],  # fmt: skip
            root="",
        )
    }
    template = env.get_template("indikator.html.j2")
    for indicator in indicators:
        rows = sorted(indicator.rows, key=lambda p: (p[0].satker, p[0].tahun))
        pages[f"{INDICATOR_DIR}/{indicator.page}"] = template.render(
            css=css,
            indicator=indicator,
            rows=rows,
            styles=order_styles(rows, _ROW_KEYS),
            keys=_ROW_KEYS,
            years=_years(r for r, _ in rows),
            per_year=_per_year(rows),
            root="../",
        )
    return pages


def _per_year(rows: Sequence[tuple[Report, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """Summarise each year: units, how many reached the target, median, lowest, highest."""
    table = []
    for tahun in sorted({r.tahun for r, _ in rows}):
        values = [row["capaian"] for r, row in rows if r.tahun == tahun]
        measured = [v for v in values if v is not None]
        reached = sum(row["status"] == "tercapai" for r, row in rows if r.tahun == tahun)
        table.append(
            {
                "tahun": tahun,
                "unit": len(values),
                "tercapai": reached,
                "median": statistics.median(measured) if measured else None,
                "terendah": min(measured) if measured else None,
                "tertinggi": max(measured) if measured else None,
            }
        )
    return table


def write_site(output_dir: str | os.PathLike[str]) -> list[Path]:
    """Build the site from `output_dir` into it; return the pages written, index.html first.

    Pages are written under temporary names and moved into place; indicator pages of an
    earlier run that no longer have an indicator are removed.
    """
    from lakipkit.batch import commit_files

    root = Path(output_dir).expanduser().resolve()
    reports = read_reports(root)
    if not reports:
        raise LakipError(
            f"tidak ada summary.json di {root}/<satker>/<tahun>/: jalankan dulu lakip build --semua"
        )
    pages = render_site(reports)
    folder = root / INDICATOR_DIR
    folder.mkdir(exist_ok=True)
    names = {path.split("/", 1)[1] for path in pages if path.startswith(f"{INDICATOR_DIR}/")}
    stale = sorted(p.name for p in folder.glob("*.html") if p.name not in names)
    commit_files(
        folder,
        {name: pages[f"{INDICATOR_DIR}/{name}"].encode("utf-8") for name in sorted(names)},
        stale,
    )
    commit_files(root, {"index.html": pages["index.html"].encode("utf-8")}, [])
    return [root / path for path in sorted(pages, key=lambda p: (p != "index.html", p))]
