"""The published site (`lakip situs`): from output/*/*/summary.json to index.html and a page
per shared indicator; script-free, escaped, byte-identical across rebuilds."""

import copy
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from lakipkit import cli
from lakipkit.errors import LakipError
from lakipkit.loading import load_year
from lakipkit.situs import (
    INDICATOR_DIR,
    SortKey,
    ranks,
    read_reports,
    shared_indicators,
    write_site,
)
from lakipkit.summary import build_summary

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def summary():
    return build_summary(load_year(FIXTURES / "data", "contoh-satker", 2023))


def _unit(out: Path, summary, satker, tahun, nama, capaian=None, files=("html",)):
    """Write a unit-year's summary.json (and stand-in report files) into `out`."""
    doc = copy.deepcopy(summary)
    doc.update(satker=satker, tahun=tahun, nama_satker=nama)
    if capaian is not None:
        doc["indikator"]["baris"][0]["capaian"] = capaian
        doc["indikator"]["baris"][0]["status"] = "tercapai" if capaian >= 100 else "tidak tercapai"
    folder = out / satker / str(tahun)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    for kind in files:
        (folder / f"laporan-{satker}-{tahun}.{kind}").write_text("x", encoding="utf-8")
    return doc


@pytest.fixture
def site(tmp_path, summary):
    out = tmp_path / "output"
    _unit(out, summary, "kab-a", 2023, "KPU Kab. A", capaian=90.0, files=("html", "pdf"))
    _unit(out, summary, "kab-a", 2024, "KPU Kab. A", capaian=110.0)
    _unit(out, summary, "kab-b", 2024, "KPU Kab. <script>alert(1)</script>", capaian=100.0)
    _unit(out, summary, "kab-c", 2024, "KPU Kab. C", capaian=80.0)
    (out / "prov-x" / "2024").mkdir(parents=True)
    _unit(out, summary, "prov-x", 2024, "KPU Provinsi X", capaian=95.0)
    (out / "prov-x" / "2024" / "konsolidasi-prov-x-2024.html").write_text("k", encoding="utf-8")
    return out


def test_index_lists_every_unit_year_with_key_figures(site, summary):
    pages = write_site(site)
    assert site / "index.html" in pages
    soup = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    rows = soup.select(".daftar > .baris")
    assert [(r["data-tahun"], r.find("span").get_text()) for r in rows] == [
        ("2023", "KPU Kab. A"),
        ("2024", "KPU Kab. A"),
        ("2024", "KPU Kab. <script>alert(1)</script>"),
        ("2024", "KPU Kab. C"),
        ("2024", "KPU Provinsi X"),
    ]
    ind = summary["indikator"]
    cells = [c.get_text() for c in rows[0].find_all("span")]
    assert cells[2] == f"{ind['tercapai']} / {ind['jumlah']}"
    assert cells[4] == "84,00%"  # penyerapan of the fixture (500 of 595 million)
    links = [a["href"] for a in rows[0].find_all("a")]
    assert links == ["kab-a/2023/laporan-kab-a-2023.html", "kab-a/2023/laporan-kab-a-2023.pdf"]
    assert soup.find("a", href="prov-x/2024/konsolidasi-prov-x-2024.html") is not None


def test_site_is_script_free_escaped_and_offline(site):
    for path in write_site(site):
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text
        assert "&lt;script&gt;" in text or "kab-b" not in text
        assert "default-src 'none'" in text
        assert not re.search(r"(src|href)=\"(https?:)?//", text)
        assert "url(" not in text


def test_css_sorts_and_filters(site):
    write_site(site)
    text = (site / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    order = {
        r.find("span").get_text() + r["data-tahun"]: int(
            re.search(r"--capaian-turun:(\d+)", r["style"]).group(1)
        )
        for r in soup.select(".daftar > .baris")
    }
    # every row has the fixture's mean capaian except the first indicator: not all equal
    assert sorted(order.values()) == list(range(5))
    assert "#urut-capaian-turun:checked ~ .tabel-situs .daftar > .baris" in text
    assert '.baris:not([data-tahun="2024"]) { display: none; }' in text
    assert soup.find("input", id="urut-nama").has_attr("checked")


def test_indicator_page_compares_units_and_years(site, summary):
    write_site(site)
    first = summary["indikator"]["baris"][0]
    pages = sorted((site / INDICATOR_DIR).glob("*.html"))
    assert len(pages) == len(summary["indikator"]["baris"])  # every indicator is shared
    page = site / INDICATOR_DIR / f"{first['id']}.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert first["uraian"] in soup.h1.get_text()
    spread = [
        [td.get_text() for td in tr.find_all("td")] for tr in soup.select("table.sebaran tbody tr")
    ]
    # 2024: four units at 110, 100, 80, 95 -> two reached, median 97.5, lowest 80, highest 110
    assert spread == [
        ["2023", "1", "0", "90,00%", "90,00%", "90,00%"],
        ["2024", "4", "2", "97,50%", "80,00%", "110,00%"],
    ]
    rows = soup.select(".daftar > .baris")
    assert len(rows) == 5
    assert rows[0].find("a")["href"] == "../kab-a/2023/laporan-kab-a-2023.html"


def test_rebuild_is_byte_identical_and_drops_stale_pages(site, summary):
    first = {p: p.read_bytes() for p in write_site(site)}
    (site / INDICATOR_DIR / "lama.html").write_text("x", encoding="utf-8")
    second = {p: p.read_bytes() for p in write_site(site)}
    assert first == second
    assert not (site / INDICATOR_DIR / "lama.html").exists()
    assert not list(site.rglob(".*.partial"))


def test_catalogue_code_groups_indicators_across_wordings(tmp_path, summary):
    out = tmp_path / "output"
    for satker, uraian in (("a", "Persentase X"), ("b", "Persentase X (disesuaikan)")):
        doc = _unit(out, summary, satker, 2024, satker.upper())
        doc["indikator"]["baris"] = [{**doc["indikator"]["baris"][0], "katalog": "KPU-01",
                                      "uraian": uraian}]  # fmt: skip
        (out / satker / "2024" / "summary.json").write_text(json.dumps(doc), encoding="utf-8")
    indicators = shared_indicators(read_reports(out))
    assert [(i.kode, i.page, len(i.rows)) for i in indicators] == [("KPU-01", "KPU-01.html", 2)]


def test_ranks_put_missing_last_and_keep_ties_in_order():
    items = [3, None, 5, 3]
    keys = [
        SortKey("naik", "", lambda v: v),
        SortKey("turun", "", lambda v: v, descending=True),
    ]
    assert ranks(items, keys) == [
        {"naik": 0, "turun": 1},
        {"naik": 3, "turun": 3},
        {"naik": 2, "turun": 0},
        {"naik": 1, "turun": 2},
    ]


def test_bad_summary_and_empty_output_are_one_line_errors(tmp_path, capsys):
    assert cli.main(["situs", "--output", str(tmp_path / "tidak-ada")]) == 1
    assert "lakip build --semua" in capsys.readouterr().err
    (tmp_path / "a" / "2024").mkdir(parents=True)
    (tmp_path / "a" / "2024" / "summary.json").write_text("{", encoding="utf-8")
    with pytest.raises(LakipError, match=r"a/2024/summary.json: bukan summary.json"):
        read_reports(tmp_path)
