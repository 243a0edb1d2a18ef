"""Consolidation on a small hand-written tree; every expected number is worked out by hand.

Tree: induk-x (no data of its own for 2024) over anak-a, anak-b, anak-c (data below),
anak-d (no 2024 folder) and anak-e (broken data); `lain` stands apart.

| kode | agregasi | anak-a t/r | anak-b t/r | anak-c t/r |
|---|---|---|---|---|
| K-1 jumlah (kegiatan) | 10 / 12 | 20 / 15 | 30 / - |
| K-2 rata-rata (%) | 100 / 90 | 100 / 100 | 100 / 95 |
| K-3 rata-rata-tertimbang by pagu (%) | 90 / 90 | 90 / 80 | 80 / 100 |
| K-4 maksimum, negatif (kali) | 4 / 2 | 4 / 6 | 5 / 5 |
| K-5 kualitatif (opini BPK) | WTP / WTP | WTP / WDP | WTP / WTP |

Pagu: a 1 000 000 000 (realisasi 900 000 000), b 3 000 000 000 (2 400 000 000), c 1 000 000 000
(realisasi not reported).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from lakipkit.audit import check_year
from lakipkit.capaian import CapaianSettings
from lakipkit.konsolidasi import (
    BELUM_ADA_TAHUN,
    TIDAK_DIGABUNG,
    TIDAK_LOLOS,
    anggaran_anak,
    children,
    gabung,
    load_konsolidasi,
    parents,
    peringkat_indikator,
    peringkat_satker,
    read_hierarchy,
)

KATALOG = """kode,uraian,satuan,polaritas,rumus,skala,agregasi,bobot,keterangan
K-1,Jumlah kegiatan sosialisasi,kegiatan,positif,,,jumlah,,
K-2,Persentase laporan tepat waktu,%,positif,,,rata-rata,,
K-3,Persentase fasilitas yang berfungsi,%,positif,,,rata-rata-tertimbang,pagu,
K-4,Jumlah revisi DIPA,kali,negatif,,,maksimum,,
K-5,Opini BPK atas laporan keuangan,opini,kualitatif,,opini_bpk,minimum,,
"""

#: child: (K-1 t/r, K-2, K-3, K-4, K-5, pagu, realisasi anggaran)
CHILDREN = {
    "anak-a": (("10 kegiatan", "12 kegiatan"), ("100%", "90%"), ("90%", "90%"),
               ("4 kali", "2 kali"), ("WTP", "WTP"), "1.000.000.000", "900.000.000"),
    "anak-b": (("20 kegiatan", "15 kegiatan"), ("100%", "100%"), ("90%", "80%"),
               ("4 kali", "6 kali"), ("WTP", "WDP"), "3.000.000.000", "2.400.000.000"),
    "anak-c": (("30 kegiatan", ""), ("100%", "95%"), ("80%", "100%"),
               ("5 kali", "5 kali"), ("WTP", "WTP"), "1.000.000.000", ""),
}  # fmt: skip
SATUAN = ("kegiatan", "%", "%", "kali", "opini")
POLARITAS = ("positif", "positif", "positif", "negatif", "kualitatif")


def _satker(folder: Path, nama: str, induk: str = "") -> None:
    folder.mkdir(parents=True)
    (folder / "satker.yaml").write_text(
        f"nama: {nama}\nnama_singkat: {nama}\nkota: Kota Uji\n"
        + (f"satker_induk: {induk}\n" if induk else "")
        + "pejabat:\n  - peran: sekretaris\n    nama: Nama Uji\n    jabatan: Sekretaris\n"
        "visi: Visi uji.\nmisi:\n  - Misi uji.\ntujuan:\n  - Tujuan uji.\n",
        encoding="utf-8",
    )


def _year(folder: Path, values: tuple, own_indicator: bool = False) -> None:
    year = folder / "2024"
    year.mkdir()
    files = {
        "laporan.yaml": "tahun: 2024\njudul: Laporan Uji\ntempat: Kota Uji\ntanggal: 2025-01-20\n"
        "penandatangan:\n  peran: sekretaris\npk:\n  tanggal: 2024-02-01\n  tempat: Kota Uji\n"
        "  pihak_pertama: sekretaris\n  pihak_kedua: sekretaris\n",
        "program.csv": "kode,kode_anggaran,huruf,nama\nWA,999.01.WA,A,Program Uji\n",
        "kegiatan.csv": "id,program,huruf,nama,kode_anggaran\nWA-a,WA,a,Kegiatan Uji,\n",
        "sasaran.csv": "id,program,kegiatan,no,uraian\nWA-S01,WA,,1,Sasaran uji\n",
        "anggaran.csv": "kode,induk,uraian,sumber_dana,pagu,realisasi,persen_terbit\n"
        f'999.01.WA,,Program Uji,APBN,{values[5]},"{values[6]}",\n',
    }
    indikator = ["id,sasaran,uraian,satuan,target,polaritas,rumus,skala,agregasi_triwulan,katalog"]
    realisasi = ["indikator,realisasi,keterangan"]
    for n, ((target, nilai), satuan, polaritas) in enumerate(
        zip(values[:5], SATUAN, POLARITAS, strict=True), start=1
    ):
        skala = "opini_bpk" if polaritas == "kualitatif" else ""
        indikator.append(
            f"WA-0{n},WA-S01,Indikator {n},{satuan},{target},{polaritas},,{skala},,K-{n}"
        )
        realisasi.append(f"WA-0{n},{nilai},")
    if own_indicator:
        indikator.append("WA-09,WA-S01,Indikator sendiri,%,50%,positif,,,,")
        realisasi.append("WA-09,10%,")
    files["indikator.csv"] = "\n".join(indikator) + "\n"
    files["realisasi.csv"] = "\n".join(realisasi) + "\n"
    for name, text in files.items():
        (year / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("pohon") / "data"
    (data / "katalog").mkdir(parents=True)
    (data / "katalog" / "indikator.csv").write_text(KATALOG, encoding="utf-8")
    _satker(data / "induk-x", "KPU Induk Uji")
    for n, (child, values) in enumerate(CHILDREN.items()):
        _satker(data / child, f"KPU Anak {child[-1].upper()}", "induk-x")
        _year(data / child, values, own_indicator=n == 0)
    _satker(data / "anak-d", "KPU Anak D", "induk-x")  # no 2024
    _satker(data / "anak-e", "KPU Anak E", "induk-x")
    _year(data / "anak-e", CHILDREN["anak-a"])
    (data / "anak-e" / "2024" / "program.csv").write_text("kode\n", encoding="utf-8")
    _satker(data / "lain", "Satker Lain")
    return data


@pytest.fixture(scope="module")
def konsolidasi(tree):
    return load_konsolidasi(tree, "induk-x", 2024)


def test_hierarchy_lists_children_and_parents(tree):
    hierarchy = read_hierarchy(tree)
    assert children(hierarchy, "induk-x") == ["anak-a", "anak-b", "anak-c", "anak-d", "anak-e"]
    assert children(hierarchy, "lain") == []
    assert parents(tree) == ["induk-x"]


def test_children_below_children_with_semua():
    hierarchy = pd.DataFrame(
        {"id": ["r", "p1", "p2", "k1", "k2", "k3"], "induk": [None, "r", "r", "p1", "p1", "p2"]}
    )
    assert children(hierarchy, "r") == ["p1", "p2"]
    assert children(hierarchy, "r", semua=True) == ["k1", "k2", "k3", "p1", "p2"]
    cycle = pd.DataFrame({"id": ["a", "b"], "induk": ["b", "a"]})
    assert children(cycle, "a", semua=True) == ["b"]


def test_children_without_data_are_listed_as_left_out(konsolidasi):
    left = konsolidasi.tidak_disertakan.set_index("satker")["alasan"].to_dict()
    assert left == {"anak-d": BELUM_ADA_TAHUN, "anak-e": TIDAK_LOLOS}
    assert sorted(konsolidasi.anggaran["satker"]) == ["anak-a", "anak-b", "anak-c"]
    # only catalogue indicators: anak-a's own WA-09 is not compared
    assert len(konsolidasi.indikator) == 15
    assert set(konsolidasi.indikator["kode"]) == {"K-1", "K-2", "K-3", "K-4", "K-5"}


def test_combined_values_by_the_catalogue_rule(konsolidasi):
    g = gabung(konsolidasi).set_index("kode")
    # K-1 jumlah over the children with both values (anak-c has no realisasi): 30 / 27
    assert g.loc["K-1", ["jumlah_satker", "digabung"]].tolist() == [3, 2]
    assert g.loc["K-1", "target"] == 30 and g.loc["K-1", "realisasi"] == 27
    assert g.loc["K-1", "capaian"] == pytest.approx(90.0)
    assert g.loc["K-1", "status"] == "tidak tercapai"
    # K-2 rata-rata: 100 / (90 + 100 + 95) / 3 = 95
    assert g.loc["K-2", "realisasi"] == pytest.approx(95.0)
    assert g.loc["K-2", "capaian"] == pytest.approx(95.0)
    # K-3 weighted by pagu 1 : 3 : 1: target 440 / 5 = 88, realisasi 430 / 5 = 86
    assert g.loc["K-3", "target"] == pytest.approx(88.0)
    assert g.loc["K-3", "realisasi"] == pytest.approx(86.0)
    assert g.loc["K-3", "capaian"] == pytest.approx(86 / 88 * 100)
    # K-4 maksimum of a negatif indicator: target 5, realisasi 6 -> (2 x 5 - 6) / 5 = 80 %
    assert (g.loc["K-4", "target"], g.loc["K-4", "realisasi"]) == (5, 6)
    assert g.loc["K-4", "capaian"] == pytest.approx(80.0)
    # K-5 kualitatif: grades are compared per child, not combined
    assert g.loc["K-5", "status"] == TIDAK_DIGABUNG
    assert pd.isna(g.loc["K-5", "capaian"]) and g.loc["K-5", "digabung"] == 0


def test_spread_of_the_childrens_capaian(konsolidasi):
    g = gabung(konsolidasi).set_index("kode")
    spread = g[["median", "terendah", "tertinggi", "tercapai", "tidak_tercapai"]]
    assert spread.loc["K-1"].tolist() == pytest.approx([97.5, 75, 120, 1, 1])
    assert spread.loc["K-2"].tolist() == pytest.approx([95, 90, 100, 1, 2])
    assert spread.loc["K-3"].tolist() == pytest.approx([100, 80 / 90 * 100, 125, 2, 1])
    # negatif: a (8 - 2) / 4 = 150, b (8 - 6) / 4 = 50, c (10 - 5) / 5 = 100
    assert spread.loc["K-4"].tolist() == pytest.approx([100, 50, 150, 2, 1])
    # WTP = 4, WDP = 3 on the opini_bpk scale: b reaches 75 %
    assert spread.loc["K-5"].tolist() == pytest.approx([100, 75, 100, 2, 1])


def test_children_ranked_per_indicator_and_overall(konsolidasi):
    per = peringkat_indikator(konsolidasi)
    k4 = per.loc[per["kode"] == "K-4", ["satker", "peringkat"]]
    assert k4.values.tolist() == [["anak-a", 1], ["anak-c", 2], ["anak-b", 3]]
    k1 = per.loc[per["kode"] == "K-1", "peringkat"]
    assert k1.isna().sum() == 1  # anak-c has no capaian: not ranked, listed last
    assert per["kode"].drop_duplicates().tolist() == ["K-1", "K-2", "K-3", "K-4", "K-5"]

    overall = peringkat_satker(konsolidasi)
    # means: a (120 + 90 + 100 + 150 + 100) / 5 = 112; c (95 + 125 + 100 + 100) / 4 = 105;
    # b (75 + 100 + 88.89 + 50 + 75) / 5 = 77.78
    assert overall["satker"].tolist() == ["anak-a", "anak-c", "anak-b"]
    assert overall["peringkat"].tolist() == [1, 2, 3]
    assert overall["rata_rata_capaian"].tolist() == pytest.approx(
        [112, 105, (75 + 100 + 80 / 90 * 100 + 50 + 75) / 5]
    )
    assert overall["tercapai"].tolist() == [4, 3, 1]
    assert overall["nama"].tolist() == ["KPU Anak A", "KPU Anak C", "KPU Anak B"]


def test_budget_rolled_up_from_sums(konsolidasi):
    frame, total = anggaran_anak(konsolidasi)
    rows = frame.set_index("satker")
    assert rows.loc["anak-a", "penyerapan"] == pytest.approx(90.0)
    assert rows.loc["anak-b", "penyerapan"] == pytest.approx(80.0)
    assert pd.isna(rows.loc["anak-c", "penyerapan"])  # realisasi not reported
    assert total["pagu"] == 5_000_000_000
    assert total["realisasi"] == 3_300_000_000
    # from the sums of the complete children: 3.3 / 4.0 bn, not the mean of 90 and 80
    assert total["penyerapan"] == pytest.approx(82.5)
    assert (total["jumlah_satker"], total["jumlah_lengkap"]) == (3, 2)


def test_periksa_checks_the_parent_reference(tree, tmp_path):
    assert [f for f in check_year(tree, "anak-a", 2024) if f.severity == "error"] == []
    satker = tree / "anak-b" / "satker.yaml"
    original = satker.read_text(encoding="utf-8")
    try:
        satker.write_text(original.replace("induk-x", "induk-y"), encoding="utf-8")
        found = [(f.kode, f.column) for f in check_year(tree, "anak-b", 2024)]
        assert ("unknown_reference", "satker_induk") in found
        satker.write_text(original.replace("induk-x", "anak-a"), encoding="utf-8")
        parent = tree / "anak-a" / "satker.yaml"
        before = parent.read_text(encoding="utf-8")
        parent.write_text(before.replace("induk-x", "anak-b"), encoding="utf-8")
        try:
            errors = [f for f in check_year(tree, "anak-b", 2024) if f.severity == "error"]
            assert [(f.kode, f.value) for f in errors] == [("cycle", "anak-a")]
            assert "anak-b -> anak-a -> anak-b" in errors[0].message
        finally:
            parent.write_text(before, encoding="utf-8")
    finally:
        satker.write_text(original, encoding="utf-8")


def test_a_parent_without_children_is_refused(tree):
    from lakipkit.errors import LakipError

    with pytest.raises(LakipError, match="tidak punya satker anak"):
        load_konsolidasi(tree, "lain", 2024)


def test_report_tables_speak_indonesian_and_hide_nothing(konsolidasi):
    from bs4 import BeautifulSoup

    from lakipkit import konsolidasi_tabel as kt

    gabungan = gabung(konsolidasi)
    html = kt.gabungan_table(gabungan, "Gabungan")
    rows = [
        [td.get_text() for td in tr.find_all("td")]
        for tr in BeautifulSoup(html, "html.parser").find_all("tr")[1:]
    ]
    assert rows[0][2:7] == ["jumlah", "2 dari 3", "30 kegiatan", "27 kegiatan", "90,00%"]
    assert rows[2][2] == "rata-rata tertimbang menurut pagu"
    assert rows[2][4:7] == ["88,00%", "86,00%", "97,73%"]
    assert rows[4][4:] == ["–", "–", "–", TIDAK_DIGABUNG]
    assert "kualitatif tidak digabung" in html
    frame, total = anggaran_anak(konsolidasi)
    budget = BeautifulSoup(kt.anggaran_table(frame, total, "Anggaran"), "html.parser")
    cells = [td.get_text() for td in budget.find_all("tr")[-1].find_all("td")]
    assert cells[1:] == ["JUMLAH", "Rp 5.000.000.000", "Rp 3.300.000.000", "82,50%"]
    assert "belum lengkap" in budget.get_text()
    left = kt.left_out_table(konsolidasi, "Belum disertakan")
    assert "KPU Anak D" in left and BELUM_ADA_TAHUN in left
    text = kt.ringkasan(konsolidasi, gabungan, "KPU Induk Uji")
    assert text.startswith("Laporan ini menghimpun kinerja tahun 2024 dari 3 satker")
    assert "Sebanyak 2 satker belum disertakan" in text
    names = konsolidasi.satker.set_index("id")["nama_singkat"]
    sections = kt.indikator_sections(peringkat_indikator(konsolidasi), gabungan, names)
    assert sections.count("<table") == 5
    for part in (html, left, sections, kt.sebaran_table(gabungan, "Sebaran")):
        assert not re.search(r"\b(nan|NaN|None|NaT)\b", part)


def test_children_are_loaded_again_only_when_their_files_change(tree, tmp_path, monkeypatch):
    """A child's figures come from the cache until a file it is computed from changes."""
    import shutil

    from lakipkit import konsolidasi as ko

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    data = tmp_path / "data"
    shutil.copytree(tree, data)
    loaded: list[str] = []

    def counting(data_dir, satker, tahun):
        loaded.append(satker)
        return load_year(data_dir, satker, tahun)

    load_year = ko.load_year
    monkeypatch.setattr(ko, "load_year", counting)
    first = load_konsolidasi(data, "induk-x", 2024)
    assert loaded == ["anak-a", "anak-b", "anak-c", "anak-e"]  # anak-d has no 2024
    loaded.clear()
    again = load_konsolidasi(data, "induk-x", 2024)
    assert loaded == []
    pd.testing.assert_frame_equal(again.indikator, first.indikator)
    pd.testing.assert_frame_equal(again.anggaran, first.anggaran)
    pd.testing.assert_frame_equal(again.tidak_disertakan, first.tidak_disertakan)
    assert gabung(again).set_index("kode").loc["K-2", "realisasi"] == pytest.approx(95.0)

    realisasi = data / "anak-b" / "2024" / "realisasi.csv"
    realisasi.write_text(realisasi.read_text().replace("WA-02,100%", "WA-02,70%"))
    changed = load_konsolidasi(data, "induk-x", 2024)
    assert loaded == ["anak-b"]
    # K-2 rata-rata: (90 + 70 + 95) / 3 = 85
    assert gabung(changed).set_index("kode").loc["K-2", "realisasi"] == pytest.approx(85.0)
    loaded.clear()
    load_konsolidasi(data, "induk-x", 2024, CapaianSettings(cap=110))  # another setting
    assert loaded == ["anak-a", "anak-b", "anak-c", "anak-e"]
    loaded.clear()
    katalog = data / "katalog" / "indikator.csv"
    katalog.write_text(katalog.read_text().replace("Opini BPK", "Opini BPK RI"))
    load_konsolidasi(data, "induk-x", 2024)  # the shared catalogue is read by every child
    assert loaded == ["anak-a", "anak-b", "anak-c", "anak-e"]


@pytest.mark.slow
def test_consolidated_report_builds_and_loads_children_in_parallel(
    tree, tmp_path, konsolidasi, monkeypatch
):
    from lakipkit.build import build_report

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # really loaded, in 2
    again = load_konsolidasi(tree, "induk-x", 2024, pekerja=2)
    pd.testing.assert_frame_equal(again.indikator, konsolidasi.indikator)
    pd.testing.assert_frame_equal(again.anggaran, konsolidasi.anggaran)
    result = build_report(tree, "induk-x", 2024, tmp_path, formats=("html",), laporan="konsolidasi")
    assert result.html is not None and result.html.name == "konsolidasi-induk-x-2024.html"
    assert result.summary is None
    html = result.html.read_text(encoding="utf-8")
    assert "Laporan Konsolidasi Kinerja Tahun 2024" in html and "KPU Anak A" in html
    assert not re.search(r"\b(nan|NaN|None|NaT)\b", html.split("<body", 1)[1])


def test_notebook_defines_nothing_and_is_paired():
    import ast

    import jupytext

    notebooks = Path(__file__).resolve().parent.parent / "notebooks"
    source = (notebooks / "konsolidasi.py").read_text(encoding="utf-8")
    defined = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))
    ]
    assert defined == []
    script = jupytext.read(notebooks / "konsolidasi.py")
    paired = jupytext.read(notebooks / "konsolidasi.ipynb")
    assert [c.source for c in script.cells] == [c.source for c in paired.cells]
