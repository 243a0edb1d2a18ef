import base64
import re

import numpy as np
import pandas as pd
import pytest

from lakipkit.charts import (
    capaian_chart,
    efisiensi_chart,
    figure_html,
    org_chart_html,
    penyerapan_chart,
)


@pytest.fixture
def capaian():
    return pd.DataFrame(
        {
            "id": ["WA-01", "WA-02", "CQ-01"],
            "uraian": ["Persentase A", "Jumlah laporan B " * 8, "Indeks C"],
            "capaian": [100.0, 62.5, np.nan],
            "status": ["tercapai", "tidak tercapai", "belum ada data"],
        }
    )


def _svg(html):
    data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)
    return base64.b64decode(data).decode("utf-8")


def test_figure_html_is_byte_identical_for_the_same_data(capaian):
    first = figure_html(capaian_chart(capaian), "Capaian per indikator")
    second = figure_html(capaian_chart(capaian), "Capaian per indikator")
    assert first == second
    svg = _svg(first)
    assert "<dc:date>" not in svg
    assert (
        '<figcaption><span class="nomor" data-jenis="Gambar"></span> Capaian per indikator' in first
    )


def test_figure_html_loads_nothing_and_escapes_the_title(capaian):
    html = figure_html(capaian_chart(capaian), 'A <b> "B"')
    assert 'alt="A &lt;b&gt; &quot;B&quot;"' in html
    assert "http" not in html.split("base64,")[0]
    svg = _svg(html)
    assert not re.search(r'(?:href|src)="https?:', svg)


def test_capaian_chart_one_bar_per_indicator_coloured_by_status_with_100_line(capaian):
    fig = capaian_chart(capaian)
    ax = fig.axes[0]
    bars = ax.patches
    assert len(bars) == 3
    assert [round(b.get_width(), 1) for b in bars] == [100.0, 62.5, 0.0]
    assert len({b.get_facecolor() for b in bars}) == 3
    assert any(list(line.get_xdata()) == [100, 100] for line in ax.lines)
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["100,00%", "62,50%", "belum ada data"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["tercapai", "tidak tercapai", "belum ada data"]
    assert ax.get_yticklabels()[0].get_text() == "Persentase A"


def test_capaian_chart_says_why_a_capaian_is_missing(capaian):
    fig = capaian_chart(
        capaian.assign(status=["tercapai", "tidak tercapai", "target belum ditetapkan"])
    )
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts][-1] == "target belum ditetapkan"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["tercapai", "tidak tercapai", "target belum ditetapkan"]


def test_penyerapan_and_efisiensi_charts_show_each_kegiatan():
    frame = pd.DataFrame(
        {
            "label": ["6709 Perencanaan", "6639 Teknis"],
            "penyerapan": [92.03, np.nan],
            "capaian": [100.0, 100.0],
        }
    )
    penyerapan = penyerapan_chart(frame).axes[0]
    assert len(penyerapan.patches) == 2
    assert [t.get_text() for t in penyerapan.texts] == ["92,03%", "realisasi belum dilaporkan"]
    ax = efisiensi_chart(frame).axes[0]
    assert len(ax.patches) == 4
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Capaian kinerja",
        "Penyerapan anggaran",
    ]


def test_org_chart_html_without_organisasi_is_left_out_not_a_crash():
    empty = pd.DataFrame(columns=["id", "induk", "unit", "jabatan", "nama", "nip"])
    assert org_chart_html(empty, "Struktur Organisasi") == ""


def test_a_figure_built_from_equal_data_is_not_drawn_again(capaian, monkeypatch):
    """The memo of figure_svg: equal arguments, same SVG, drawn once; any change draws."""
    from matplotlib import rcParams

    from lakipkit import charts, memo

    drawn = []
    savefig = charts.Chart.savefig

    def counting(self, *args, **kwargs):
        drawn.append(self)
        return savefig(self, *args, **kwargs)

    monkeypatch.setattr(charts.Chart, "savefig", counting)
    monkeypatch.setattr(charts, "_DRAWN", charts.OrderedDict())
    first = charts.figure_svg(capaian_chart(capaian))
    assert charts.figure_svg(capaian_chart(capaian.copy())) == first
    assert len(drawn) == 1
    # Another value, a figure changed after it was built, other matplotlib settings: each is
    # drawn, and shows what it is. Values that print alike stay apart in the hash.
    plain = memo.plain
    assert plain(pd.Series([1], dtype=object)) != plain(pd.Series(["1"], dtype=object))
    assert plain(pd.Series([None], dtype=object)) != plain(pd.Series([np.nan], dtype=object))
    other = capaian.assign(capaian=[100.0, 62.5, 10.0])
    assert charts.figure_svg(capaian_chart(other)) != first
    changed = capaian_chart(capaian)
    changed.axes[0].set_title("Judul yang ditambahkan")
    assert "Judul yang ditambahkan" in charts.figure_svg(changed)
    relabelled = capaian_chart(capaian)
    relabelled.axes[0].texts[0].set_text("label baru")
    assert "label baru" in charts.figure_svg(relabelled)
    monkeypatch.setitem(rcParams, "axes.edgecolor", "#ff0000")
    assert charts.figure_svg(capaian_chart(capaian)) != first
    assert len(drawn) == 5


def test_a_kept_figure_is_not_even_built_and_an_edit_is_drawn(capaian, monkeypatch):
    """`builder.html` finds the SVG kept for the same arguments before building anything;
    the figure is built only when asked for; other values (an edited realisasi) are drawn."""
    from lakipkit import charts

    monkeypatch.setattr(charts, "_DRAWN", charts.OrderedDict())
    built = []
    builder = capaian_chart.builder
    monkeypatch.setattr(capaian_chart, "builder", lambda *a: built.append(1) or builder(*a))
    first = capaian_chart.html("Capaian", capaian)
    assert first == figure_html(capaian_chart(capaian), "Capaian") and len(built) == 2
    again = capaian_chart.html("Capaian", capaian.copy())
    assert again == first and len(built) == 2  # nothing built
    assert isinstance(again.figure, charts.Chart) and len(built) == 3  # built when asked for
    assert charts.figure_svg(again.figure) == _svg(first)
    edited = capaian.assign(capaian=[100.0, 80.0, np.nan], status=["tercapai"] * 2 + ["-"])
    other = capaian_chart.html("Capaian", edited)
    assert other != first and "80,00%" in _svg(other) and len(built) == 4
    # The values of the call, even if the caller changes its frame later.
    kept = capaian_chart.html("Capaian", edited)
    edited.loc[1, "capaian"] = 10.0
    assert charts.figure_svg(kept.figure) == _svg(other)
