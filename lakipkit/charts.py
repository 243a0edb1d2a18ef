"""Figures of the report (matplotlib), embedded as reproducible SVG with a numbered caption.

Figures are built with `matplotlib.figure.Figure` (no pyplot), so a notebook shows only what
it displays and no global figure state survives a cell. The SVG is written without a date and
with a fixed hash salt, so the same data gives the same bytes.
"""

from __future__ import annotations

import io
import textwrap
from base64 import b64encode
from html import escape

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.figure import Figure

from lakipkit.formatting import format_persen
from lakipkit.tables import caption_html

_STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.axisbelow": True,
    "svg.hashsalt": "lakipkit",
    "svg.fonttype": "path",
}
_WIDTH_IN = 6.3  # 16 cm: the text width of an A4 page with the report's margins
_TERCAPAI = "#2f6b9a"
_TIDAK = "#b03a2e"
_KOSONG = "#9e9e9e"
_ANGGARAN = "#c58b1c"


def figure_html(fig: Figure, title: str) -> str:
    """The figure as an embedded SVG `<img>` in a `<figure>` with its numbered caption."""
    buffer = io.StringIO()
    with rc_context(_STYLE):
        fig.savefig(buffer, format="svg", bbox_inches="tight",
                    metadata={"Date": None, "Creator": "lakipkit"})
    data = b64encode(buffer.getvalue().encode("utf-8")).decode("ascii")
    return (
        f'<figure class="gambar"><img src="data:image/svg+xml;base64,{data}" '
        f'alt="{escape(title)}"><figcaption>{caption_html(title, "Gambar")}</figcaption></figure>'
    )


def _wrap(labels: pd.Series, width: int) -> list[str]:
    return [textwrap.fill(str(label), width) for label in labels]


def _barh(labels: pd.Series, values: pd.Series, colors: list[str] | np.ndarray,
          xlabel: str, reference: float | None = 100.0) -> Figure:
    """Horizontal bars, one per label top to bottom, value printed at the bar's end."""
    n = len(labels)
    with rc_context(_STYLE):
        fig = Figure(figsize=(_WIDTH_IN, max(1.6, 0.34 * n + 0.9)), layout="constrained")
        ax = fig.add_subplot()
        y = np.arange(n)
        shown = values.fillna(0).to_numpy(dtype=float)
        ax.barh(y, shown, color=colors, height=0.62)
        ax.set_yticks(y, _wrap(labels, 48))
        ax.invert_yaxis()
        top = max(float(np.nanmax(shown, initial=0)), reference or 0) * 1.18 or 1
        ax.set_xlim(0, top)
        ax.set_xlabel(xlabel)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        if reference is not None:
            ax.axvline(reference, color="#333333", linewidth=1, linestyle="--")
        for yi, value, bar_end in zip(y, values.to_numpy(dtype=float), shown, strict=True):
            ax.text(bar_end + top * 0.01, yi, format_persen(value), va="center", fontsize=7.5)
    return fig


def capaian_chart(capaian: pd.DataFrame) -> Figure:
    """Capaian per indicator against the 100 % line, coloured by status.

    `capaian` has `id`, `uraian`, `capaian`, `status` (the frame of `compute_capaian`).
    """
    colors = np.select(
        [capaian["status"].eq("tercapai"), capaian["status"].eq("tidak tercapai")],
        [_TERCAPAI, _TIDAK], default=_KOSONG,
    )
    labels = capaian["id"].astype(str) + "  " + capaian["uraian"].astype(str).map(
        lambda text: textwrap.shorten(text, 70, placeholder=" …")
    )
    return _barh(labels, capaian["capaian"], colors, "Capaian (%)")


def penyerapan_chart(anggaran: pd.DataFrame) -> Figure:
    """Penyerapan per kegiatan (`label`, `penyerapan`), with the 100 % line."""
    colors = np.full(len(anggaran), _ANGGARAN)
    return _barh(anggaran["label"], anggaran["penyerapan"], colors, "Penyerapan anggaran (%)")


def efisiensi_chart(efisiensi: pd.DataFrame) -> Figure:
    """Capaian and penyerapan side by side per kegiatan (`label`, `capaian`, `penyerapan`)."""
    n = len(efisiensi)
    with rc_context(_STYLE):
        fig = Figure(figsize=(_WIDTH_IN, max(2.0, 0.55 * n + 1.0)), layout="constrained")
        ax = fig.add_subplot()
        y = np.arange(n)
        for offset, key, color, name in (
            (-0.2, "capaian", _TERCAPAI, "Capaian kinerja"),
            (0.2, "penyerapan", _ANGGARAN, "Penyerapan anggaran"),
        ):
            values = efisiensi[key].to_numpy(dtype=float)
            ax.barh(y + offset, np.nan_to_num(values), height=0.38, color=color, label=name)
            for yi, value in zip(y + offset, values, strict=True):
                ax.text(np.nan_to_num(value) + 1, yi, format_persen(value), va="center",
                        fontsize=7)
        ax.set_yticks(y, _wrap(efisiensi["label"], 44))
        ax.invert_yaxis()
        ax.axvline(100, color="#333333", linewidth=1, linestyle="--")
        top = max(float(np.nanmax(efisiensi[["capaian", "penyerapan"]].to_numpy(dtype=float),
                                  initial=0)), 100) * 1.2
        ax.set_xlim(0, top)
        ax.set_xlabel("Persen (%)")
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.legend(loc="lower right", fontsize=7.5, frameon=False, bbox_to_anchor=(1, 1.0),
                  ncols=2)
    return fig
