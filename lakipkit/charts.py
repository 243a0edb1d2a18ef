"""Figures of the report (matplotlib), embedded as reproducible SVG with a numbered caption.

Figures are built with `matplotlib.figure.Figure` (no pyplot), so a notebook shows only what
it displays and no global figure state survives a cell. The SVG is written without a date and
with a fixed hash salt, so the same data gives the same bytes.

Drawing is most of a warm notebook run (text layout of long labels, twice per figure for
the tight bounding box), and the preview runs the notebook after every edit, when most
figures' data did not change. So a figure from a chart builder (`@remembered`) carries a
hash of the builder's arguments and of matplotlib's settings, and `figure_svg` gives the
SVG drawn before for the same hash (a process-wide memo, the last 64 figures) instead of
drawing it again. A figure changed after it was built (a title added in a notebook) is
drawn anew: matplotlib marks every change by setting the figure `stale`, which drops the
hash (`Chart.stale`). The report asks a builder for its figure's HTML (`builder.html`),
which finds a kept SVG before building anything: the figure itself is then built only if
someone asks for it (`ReportFigure.figure`).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import textwrap
from base64 import b64encode
from collections import OrderedDict
from collections.abc import Callable, Mapping
from html import escape
from typing import Any, Generic, ParamSpec

import numpy as np
import pandas as pd
from matplotlib import rc_context, rcParams
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.typing import RcKeyType

from lakipkit.capaian import (
    STATUS_BELUM_ADA_DATA,
    STATUS_TARGET_BELUM_DITETAPKAN,
    STATUS_TERCAPAI,
    STATUS_TIDAK_TERCAPAI,
)
from lakipkit.display import Html, ReportFigure
from lakipkit.formatting import format_persen
from lakipkit.memo import value_key
from lakipkit.narrative import format_nip
from lakipkit.pohon import TINGKAT_STRATEGIS, from_program_kegiatan, paths, tree_of
from lakipkit.settings import level_names
from lakipkit.tables import caption_html

STYLE: dict[RcKeyType, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans", "Arial"],
    "font.size": 8.5,
    "axes.titlesize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "svg.hashsalt": "lakipkit",
    # Text stays text: WeasyPrint draws it ~5x faster than glyph paths, the SVG is ~7x
    # smaller, and the PDF's text can be searched. Viewers without DejaVu use their sans-serif.
    "svg.fonttype": "none",
    # Data text is text: a '$' pair in an uraian or a name must not be read as mathtext
    # (which fails the build on '$\\frac{a}{b$' and silently reshapes '$x$').
    "text.parse_math": False,
}
WIDTH_IN = 6.3  # 16 cm: the text width of an A4 page with the report's margins
_TERCAPAI = "#2f6b9a"
_TIDAK = "#b03a2e"
_KOSONG = "#9e9e9e"
_TANPA_TARGET = "#d4d4d4"
_ANGGARAN = "#c58b1c"
# A value printed next to a bar sits on a white ground above the 100 % line, which would
# otherwise strike through a label of a bar ending just short of it.
_LABEL_BOX: dict[str, Any] = {"facecolor": "white", "edgecolor": "none", "pad": 0.6}


_DRAWN: OrderedDict[bytes, str] = OrderedDict()  # SVG by hash of what the figure was built from
_DRAWN_KEPT = 64
P = ParamSpec("P")


class Chart(Figure):
    """A matplotlib figure that a notebook shows as the same SVG the report embeds.

    Figures made without pyplot have no inline-backend display; this one draws itself.
    `built_from`: the hash of a `@remembered` builder's arguments, None once it changed.
    """

    built_from: bytes | None = None

    def _repr_svg_(self) -> str:
        return figure_svg(self)

    @property  # type: ignore[override]
    def stale(self) -> bool:
        """Matplotlib's flag for a figure that changed since it was last drawn."""
        return bool(Figure.stale.fget(self))  # type: ignore[attr-defined]

    @stale.setter
    def stale(self, value: bool) -> None:
        Figure.stale.fset(self, value)  # type: ignore[attr-defined]
        if value:
            self.built_from = None  # any change of any artist reaches the figure here


def remembered(builder: Callable[P, Chart]) -> ChartBuilder[P]:
    """Mark the builder's figures with a hash of its arguments, for `figure_svg`'s memo."""
    return ChartBuilder(builder)


class ChartBuilder(Generic[P]):
    """A chart builder marked `@remembered`.

    Called, it builds the figure; `html` gives the numbered figure, and builds nothing when
    an SVG for the same arguments is kept.
    """

    def __init__(self, builder: Callable[P, Chart]) -> None:
        functools.update_wrapper(self, builder)
        self.builder = builder

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> Chart:
        """Build the figure, marked with the hash of the arguments."""
        return self._build(self._key(args, kwargs), args, kwargs)

    def html(self, title: str, /, *args: P.args, **kwargs: P.kwargs) -> ReportFigure:
        """`figure_html` of the figure built from these arguments, titled `title`."""
        key = self._key(args, kwargs)
        svg = _kept_svg(_drawn_key(key))
        if svg is None:
            return figure_html(self._build(key, args, kwargs), title)
        # Built on first use of `.figure`, from the values of now (a caller may change them).
        values = copy.deepcopy((args, kwargs))
        return ReportFigure(
            _embed(svg, title), title, functools.partial(self, *values[0], **values[1])
        )

    def _build(self, key: bytes | None, args: Any, kwargs: Any) -> Chart:
        fig = self.builder(*args, **kwargs)
        fig.built_from = key
        return fig

    def _key(self, args: Any, kwargs: Any) -> bytes | None:
        # Arguments that cannot be hashed (None): drawn every time.
        return value_key((self.builder.__qualname__, (args, kwargs), _settings()))


def _settings() -> str:
    """Matplotlib's current settings as text (they change how a figure is built and drawn)."""
    return repr(sorted((key, repr(value)) for key, value in rcParams.items()))


def _drawn_key(built_from: bytes | None) -> bytes | None:
    """Key `_DRAWN` by what the figure was built from and the settings it is drawn with."""
    if built_from is None:
        return None
    return hashlib.blake2b(built_from + _settings().encode(), digest_size=20).digest()


def _kept_svg(key: bytes | None) -> str | None:
    """Return the SVG drawn before under `key` (`_drawn_key`), or None."""
    if key is None or key not in _DRAWN:
        return None
    _DRAWN.move_to_end(key)
    return _DRAWN[key]


def figure_svg(fig: Figure) -> str:
    """Write the figure as reproducible SVG text (no date, fixed hash salt, text as text)."""
    key = _drawn_key(getattr(fig, "built_from", None))
    kept = _kept_svg(key)
    if kept is not None:
        return kept
    buffer = io.StringIO()
    with rc_context(STYLE):
        fig.savefig(
            buffer,
            format="svg",
            bbox_inches="tight",
            metadata={"Date": None, "Creator": "lakipkit"},
        )
    svg = buffer.getvalue()
    if key is not None:
        _DRAWN[key] = svg
        while len(_DRAWN) > _DRAWN_KEPT:
            _DRAWN.popitem(last=False)
    return svg


def figure_html(fig: Figure, title: str) -> ReportFigure:
    """Embed the figure as an SVG `<img>` in a `<figure>` with its numbered caption."""
    return ReportFigure(_embed(figure_svg(fig), title), title, fig)


def _embed(svg: str, title: str) -> str:
    data = b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<figure class="gambar"><img src="data:image/svg+xml;base64,{data}" '
        f'alt="{escape(title)}"><figcaption>{caption_html(title, "Gambar")}</figcaption></figure>'
    )


def _wrap(labels: pd.Series, width: int, max_lines: int | None = None) -> list[str]:
    """Wrap each label at `width` characters, shortened with "…" to `max_lines` lines."""
    return [
        textwrap.fill(str(label), width, max_lines=max_lines, placeholder=" …") for label in labels
    ]


def _barh(
    labels: pd.Series,
    values: pd.Series,
    colors: list[str] | np.ndarray,
    xlabel: str,
    reference: float | None = 100.0,
    row_height: float = 0.34,
    wrap: int = 48,
    max_lines: int | None = None,
    missing: str | np.ndarray = "belum ada data",
) -> Chart:
    """Horizontal bars, one per label top to bottom, value printed at the bar's end.

    A missing value prints ``missing`` (one text, or one per bar) instead of a number.
    """
    n = len(labels)
    with rc_context(STYLE):
        fig = Chart(figsize=(WIDTH_IN, max(1.6, row_height * n + 0.9)), layout="constrained")
        ax = fig.add_subplot()
        y = np.arange(n)
        shown = values.fillna(0).to_numpy(dtype=float)
        ax.barh(y, shown, color=colors, height=0.62)
        ax.set_yticks(y, _wrap(labels, wrap, max_lines))
        ax.invert_yaxis()
        top = max(float(np.nanmax(shown, initial=0)), reference or 0) * 1.18 or 1
        ax.set_xlim(0, top)
        ax.set_xlabel(xlabel)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        if reference is not None:
            ax.axvline(reference, color="#333333", linewidth=1, linestyle="--")
        kosong = np.broadcast_to(np.asarray(missing, dtype=object), (n,))
        for yi, value, bar_end, text in zip(
            y, values.to_numpy(dtype=float), shown, kosong, strict=True
        ):
            label = format_persen(value, kosong=str(text))
            ax.text(
                bar_end + top * 0.01, float(yi), label, va="center", fontsize=7.5, bbox=_LABEL_BOX
            )
    return fig


@remembered
def capaian_chart(capaian: pd.DataFrame) -> Chart:
    """Capaian per indicator against the 100 % line, coloured by status.

    `capaian` has `id`, `uraian`, `capaian`, `status` (the frame of `compute_capaian`).
    """
    status = capaian["status"]
    colors = np.select(
        [
            status.eq(STATUS_TERCAPAI),
            status.eq(STATUS_TIDAK_TERCAPAI),
            status.eq(STATUS_TARGET_BELUM_DITETAPKAN),
        ],
        [_TERCAPAI, _TIDAK, _TANPA_TARGET],
        default=_KOSONG,
    )
    # a missing capaian says why: no target yet, or no realisasi yet
    missing = np.where(
        status.eq(STATUS_TARGET_BELUM_DITETAPKAN),
        STATUS_TARGET_BELUM_DITETAPKAN,
        STATUS_BELUM_ADA_DATA,
    )
    # The full wording, on up to three lines: indicators often share their first words
    # ("Persentase KPU Kota ... yang"), so a short label would not tell them apart.
    labels = capaian["uraian"].astype(str).str.rstrip(".")
    fig = _barh(
        labels,
        capaian.get("capaian_dicetak", capaian["capaian"]),  # the unit's printed capaian
        colors,
        "Capaian (%)",
        row_height=0.4,
        wrap=62,
        max_lines=3,
        missing=missing,
    )
    legend = [
        Patch(color=color, label=label)
        for color, label in (
            (_TERCAPAI, STATUS_TERCAPAI),
            (_TIDAK, STATUS_TIDAK_TERCAPAI),
            (_KOSONG, STATUS_BELUM_ADA_DATA),
            (_TANPA_TARGET, STATUS_TARGET_BELUM_DITETAPKAN),
        )
        if label in set(status)
    ]
    with rc_context(STYLE):
        fig.axes[0].legend(
            handles=legend,
            loc="lower left",
            bbox_to_anchor=(0, 1.0),
            ncols=max(len(legend), 1),
            frameon=False,
            fontsize=7.5,
        )
    return fig


#: No PK kegiatan: the tree of program.csv alone.
_NO_KEGIATAN = pd.DataFrame(
    {c: pd.Series(dtype="string") for c in ("id", "program", "huruf", "nama", "kode_anggaran")}
)


def capaian_figures_html(
    capaian: pd.DataFrame,
    program: pd.DataFrame,
    title: str,
    pohon: pd.DataFrame | None = None,
    tingkat: Mapping[str, str] | None = None,
) -> Html:
    """Capaian charts as numbered figures: one per programme when there are several.

    With the full wording of each indicator a chart of thirty bars would not fit an A4 page,
    so each programme gets its own figure, titled "`title`: <programme>". The programmes
    are the nodes of ``pohon`` (`YearData.pohon`; program.csv when None) at the first level
    below the strategic ones (`pohon.TINGKAT_STRATEGIS`), in tree order, as Bab III.B walks
    them. Indicators of the strategic levels come first, in one figure named by their
    levels (``tingkat``, `settings.level_names`: "Indikator Tingkat Sasaran Strategis");
    indicators under no node come last. No rows: nothing.
    """
    if capaian.empty:
        return Html("")
    if pohon is None:  # programmes of program.csv only
        simpul = capaian["program"].astype("string")
        tree = from_program_kegiatan(program, _NO_KEGIATAN)
    else:
        simpul, tree = tree_of(capaian, program, _NO_KEGIATAN, pohon)
    level = dict(zip(tree["id"], tree["tingkat"], strict=True))
    jalur = paths(tree)
    kunci = pd.Series(
        [next((n for n in jalur.get(s, ()) if level[n] not in TINGKAT_STRATEGIS), pd.NA)
         if isinstance(s, str) else pd.NA for s in simpul],
        index=capaian.index, dtype="string",
    )  # fmt: skip
    strategis = kunci.isna() & simpul.map(level).isin(TINGKAT_STRATEGIS)
    rest = kunci.isna() & ~strategis
    order = [k for k in tree["id"] if kunci.eq(k).any()]
    if len(order) + strategis.any() + rest.any() < 2:
        return capaian_chart.html(title, capaian)
    names = tree.set_index("id")["nama"]
    groups = [(kunci.eq(k), names[k]) for k in order]
    if strategis.any():
        nama = {**level_names(None), **(tingkat or {})}
        found = [nama[t] for t in nama if simpul[strategis].map(level).eq(t).any()]
        groups.insert(0, (strategis, "Indikator Tingkat " + " dan ".join(found)))
    if rest.any():
        groups.append((rest, "Indikator Lainnya"))
    return Html(
        "\n".join(
            capaian_chart.html(f"{title}: {judul}", capaian.loc[rows]) for rows, judul in groups
        )
    )


def capaian_spread_chart(capaian: pd.DataFrame, labels: pd.Series) -> Figure:
    """Spread of many units' capaian per indicator: one box per indicator, 100 % line.

    ``capaian`` has ``kode`` and ``capaian`` (one row per unit and indicator, NaN dropped);
    ``labels`` maps a kode to its text, in the order the boxes are drawn (top to bottom).
    """
    kodes = [kode for kode in labels.index if kode in set(capaian["kode"])]
    groups = capaian.groupby("kode")["capaian"]
    data = [groups.get_group(kode).to_numpy(dtype=float) for kode in kodes]
    names = [
        f"{kode}  {textwrap.shorten(str(labels[kode]), 44, placeholder=' …')}" for kode in kodes
    ]
    with rc_context(STYLE):
        fig = Figure(figsize=(WIDTH_IN, max(1.8, 0.36 * len(kodes) + 1.0)), layout="constrained")
        ax = fig.add_subplot()
        y = np.arange(len(kodes))
        ax.boxplot(
            data,
            positions=y,
            orientation="horizontal",
            widths=0.55,
            patch_artist=True,
            boxprops={"facecolor": "#dce6f0", "edgecolor": _TERCAPAI},
            medianprops={"color": _TERCAPAI, "linewidth": 1.4},
            flierprops={"markersize": 2.5, "markeredgecolor": _KOSONG},
        )
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.axvline(100, color="#333333", linewidth=1, linestyle="--")
        ax.set_xlabel("Capaian satker (%)")
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    return fig


@remembered
def penyerapan_chart(anggaran: pd.DataFrame) -> Chart:
    """Penyerapan per kegiatan (`label`, `penyerapan`), with the 100 % line."""
    colors = np.full(len(anggaran), _ANGGARAN)
    return _barh(
        anggaran["label"],
        anggaran["penyerapan"],
        colors,
        "Penyerapan anggaran (%)",
        missing="realisasi belum dilaporkan",
    )


@remembered
def efisiensi_chart(efisiensi: pd.DataFrame) -> Chart:
    """Capaian and penyerapan side by side per kegiatan (`label`, `capaian`, `penyerapan`)."""
    n = len(efisiensi)
    with rc_context(STYLE):
        fig = Chart(figsize=(WIDTH_IN, max(2.0, 0.55 * n + 1.0)), layout="constrained")
        ax = fig.add_subplot()
        y = np.arange(n)
        for offset, key, color, name in (
            (-0.2, "capaian", _TERCAPAI, "Capaian kinerja"),
            (0.2, "penyerapan", _ANGGARAN, "Penyerapan anggaran"),
        ):
            values = efisiensi[key].to_numpy(dtype=float)
            ax.barh(y + offset, np.nan_to_num(values), height=0.38, color=color, label=name)
            for yi, value in zip(y + offset, values, strict=True):
                label = format_persen(value, kosong="belum ada data")
                ax.text(
                    np.nan_to_num(value) + 1, yi, label, va="center", fontsize=7, bbox=_LABEL_BOX
                )
        ax.set_yticks(y, _wrap(efisiensi["label"], 44))
        ax.invert_yaxis()
        ax.axvline(100, color="#333333", linewidth=1, linestyle="--")
        top = (
            max(
                float(
                    np.nanmax(efisiensi[["capaian", "penyerapan"]].to_numpy(dtype=float), initial=0)
                ),
                100,
            )
            * 1.2
        )
        ax.set_xlim(0, top)
        ax.set_xlabel("Persen (%)")
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.legend(loc="lower right", fontsize=7.5, frameon=False, bbox_to_anchor=(1, 1.0), ncols=2)
    return fig


@remembered
def org_chart(organisasi: pd.DataFrame) -> Chart:
    """Draw the organisation chart of organisasi.csv: head, units below, staff per unit.

    Level 0 is the row without `induk`; its direct reports are drawn as boxes side by side;
    everyone below a report is listed in one box under it, grouped by `unit`.
    """
    head = organisasi.loc[organisasi["induk"].isna()].iloc[0]
    units = organisasi.loc[organisasi["induk"] == head["id"]]
    staff = organisasi.loc[organisasi["induk"].isin(units["id"])]
    n = max(len(units), 1)
    width = 1.0 / n
    with rc_context(STYLE):
        fig = Chart(figsize=(WIDTH_IN, 5.6))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        box = {"boxstyle": "round,pad=0.4", "facecolor": "#eef2f7", "edgecolor": "#2f4f6f"}
        ax.text(
            0.5,
            0.93,
            _person(head, wrap=40),
            ha="center",
            va="center",
            fontsize=7.5,
            bbox=box,
            fontweight="bold",
        )
        ax.plot([0.5, 0.5], [0.86, 0.82], color="#2f4f6f", linewidth=0.8)
        centres = width * (np.arange(n) + 0.5)
        ax.plot([centres[0], centres[-1]], [0.82, 0.82], color="#2f4f6f", linewidth=0.8)
        for x, (_, unit) in zip(centres, units.iterrows(), strict=False):
            ax.plot([x, x], [0.82, 0.78], color="#2f4f6f", linewidth=0.8)
            label = textwrap.fill(str(unit["unit"]), 20) + "\n\n" + _person(unit, wrap=22)
            ax.text(x, 0.70, label, ha="center", va="center", fontsize=6.2, bbox=box)
            members = staff.loc[staff["induk"] == unit["id"]]
            if len(members):
                ax.plot([x, x], [0.62, 0.58], color="#2f4f6f", linewidth=0.8)
                ax.text(
                    x,
                    0.57,
                    _members(members, unit["unit"]),
                    ha="center",
                    va="top",
                    fontsize=5.8,
                    linespacing=1.25,
                    multialignment="left",
                    bbox={**box, "facecolor": "#ffffff"},
                )
    return fig


def org_chart_html(organisasi: pd.DataFrame, title: str) -> Html:
    """Render the organisation chart as a numbered figure, or nothing when there is no head.

    organisasi.csv is optional: a unit that has not drawn its chart yet gets a report without
    it (and the report does not mention it).
    """
    if not organisasi["induk"].isna().any():
        return Html("")
    return org_chart.html(title, organisasi)


def _person(row: pd.Series, wrap: int) -> str:
    name = row["nama"] if pd.notna(row["nama"]) else "(belum terisi)"
    nip = f"\nNIP. {format_nip(str(row['nip']))}" if pd.notna(row.get("nip")) else ""
    return textwrap.fill(str(row["jabatan"]), wrap) + "\n" + str(name) + nip


def _members(members: pd.DataFrame, own_unit: str) -> str:
    """Staff names numbered per unit; units other than the parent's get their own heading."""
    lines = []
    for unit, group in members.groupby("unit", sort=False):
        if unit != own_unit:
            lines.append(f"{unit}:")
        names = group["nama"].fillna("(belum terisi)").astype(str)
        lines += [
            f"{i}. {textwrap.shorten(name, 24, placeholder='…')}"
            for i, name in enumerate(names, start=1)
        ]
    return "\n".join(lines)
