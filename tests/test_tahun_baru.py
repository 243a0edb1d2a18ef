"""The new-year command on copies of the bundled data and of the synthetic satker."""

import re
import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup

from lakipkit import tahun_baru
from lakipkit.audit import check_year, run_periksa
from lakipkit.capaian import compute_capaian
from lakipkit.errors import LakipError, MissingDataError
from lakipkit.loading import NARASI, list_years, load_year
from lakipkit.summary import build_summary
from lakipkit.tahun_baru import BELUM_DIISI, PANDUAN, start_year

ROOT = Path(__file__).parent.parent
BONTANG = "kpu-kota-bontang"
SINTETIS = "contoh-sintetis"


@pytest.fixture
def data(tmp_path):
    shutil.copytree(ROOT / "data" / BONTANG, tmp_path / BONTANG)
    return tmp_path


@pytest.fixture
def multi(tmp_path):
    shutil.copytree(ROOT / "tests" / "fixtures" / "multi" / SINTETIS, tmp_path / SINTETIS)
    return tmp_path


def csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_structure_and_ids_are_kept(data):
    written = start_year(data, BONTANG, 2025, 2024)
    lama, baru = data / BONTANG / "2024", data / BONTANG / "2025"
    assert written == sorted(p for p in baru.rglob("*") if p.is_file())
    assert {p.relative_to(baru) for p in written} == {
        p.relative_to(lama) for p in lama.rglob("*") if p.is_file()
    } | {Path("realisasi_triwulan.csv")}
    for name in ("program.csv", "kegiatan.csv", "sasaran.csv"):
        assert (baru / name).read_bytes() == (lama / name).read_bytes()
    for name, key in (
        ("indikator.csv", "id"),
        ("rkt_sasaran_strategis.csv", "id"),
        ("rkt_program.csv", "id"),
        ("anggaran.csv", "kode"),
        ("pk_anggaran.csv", "program"),
        ("rkt_pendanaan.csv", "no"),
    ):
        assert csv(baru / name)[key].tolist() == csv(lama / name)[key].tolist(), name
    indikator = csv(lama / "indikator.csv")
    assert csv(baru / "realisasi.csv")["indikator"].tolist() == indikator["id"].tolist()
    triwulan = csv(baru / "realisasi_triwulan.csv")
    assert len(triwulan) == 4 * len(indikator)
    assert triwulan.groupby("indikator", sort=False)["triwulan"].apply(list).to_dict() == {
        i: ["1", "2", "3", "4"] for i in indikator["id"]
    }


def test_values_of_the_year_are_emptied_and_descriptions_kept(data):
    start_year(data, BONTANG, 2025, 2024)
    lama, baru = data / BONTANG / "2024", data / BONTANG / "2025"
    indikator = csv(baru / "indikator.csv")
    assert indikator["target"].eq("").all()  # no renstra.csv in the bundled data
    kept = ["id", "sasaran", "uraian", "satuan", "polaritas", "rumus", "skala"]
    assert indikator[kept].equals(csv(lama / "indikator.csv")[kept])
    anggaran = csv(baru / "anggaran.csv")
    assert anggaran[["pagu", "realisasi", "persen_terbit"]].eq("").all().all()
    kept = ["kode", "induk", "uraian", "sumber_dana"]
    assert anggaran[kept].equals(csv(lama / "anggaran.csv")[kept])
    assert csv(baru / "realisasi.csv")[["realisasi", "keterangan"]].eq("").all().all()
    for name in ("tabel_terbit.csv", "anggaran_terbit.csv", "ppid.csv", "dpt.csv", "mitra.csv"):
        assert (baru / name).read_text().splitlines() == (lama / name).read_text().splitlines()[:1]


def test_laporan_yaml_has_new_year_and_empty_dates(data):
    start_year(data, BONTANG, 2025, 2024)
    teks = (data / BONTANG / "2025" / "laporan.yaml").read_text(encoding="utf-8")
    laporan = yaml.safe_load(teks)
    assert laporan["tahun"] == 2025
    assert laporan["judul"].endswith("Tahun 2025")
    assert laporan["tanggal"] is None
    assert laporan["pk"]["tanggal"] is None and laporan["pk"]["pihak_kedua"] == "ketua"
    assert laporan["rkt"]["tanggal"] is None
    assert laporan["dipa"] is None  # its keys are left as comments to fill in
    assert "#   nomor:" in teks and "658919" not in teks
    assert laporan["renstra"]["periode"] == "2020-2024"  # kept; the README asks to check it
    assert "# -> satker.yaml pejabat" in teks  # comments survive


def test_narasi_become_templates_that_keep_their_markers(data):
    start_year(data, BONTANG, 2025, 2024)
    lama, baru = data / BONTANG / "2024" / "narasi", data / BONTANG / "2025" / "narasi"
    template = (baru / "bab2_pk.md").read_text(encoding="utf-8")
    assert template.startswith("<!--\nBab II Perencanaan Kinerja: Perjanjian Kinerja (LAKIP 2025)")
    assert f"*{BELUM_DIISI}: Bab II Perencanaan Kinerja: Perjanjian Kinerja.*" in template
    assert "telah menetapkan PK" not in template  # last year's prose is not carried over
    for path in lama.rglob("*.md"):
        old = path.read_text(encoding="utf-8")
        new = (baru / path.relative_to(lama)).read_text(encoding="utf-8")
        assert tahun_baru._SISIPAN.findall(new) == tahun_baru._SISIPAN.findall(old), path.name
    analisis = (baru / "analisis" / "WA-S01.md").read_text(encoding="utf-8")
    assert "Analisis capaian WA-S01: Meningkatnya Kapasitas SDM yang berkompeten" in analisis


def test_readme_lists_what_to_fill_in(data):
    start_year(data, BONTANG, 2025, 2024)
    readme = (data / BONTANG / "2025" / "README.md").read_text(encoding="utf-8")
    assert "0 dari 31 indikator" in readme
    assert "`renstra.periode` 2020-2024 tidak mencakup 2025" in readme


def test_running_twice_overwrites_nothing(data):
    start_year(data, BONTANG, 2025, 2024)
    baru = data / BONTANG / "2025"
    (baru / "indikator.csv").write_text("diubah orang\n", encoding="utf-8")
    before = snapshot(data / BONTANG)
    with pytest.raises(LakipError, match="sudah ada"):
        start_year(data, BONTANG, 2025, 2024)
    assert snapshot(data / BONTANG) == before
    assert list_years(data, BONTANG) == [2024, 2025]


def test_a_failure_midway_leaves_no_folder_behind(data, monkeypatch):
    def boom(*args):
        raise OSError("disk penuh")

    monkeypatch.setattr(tahun_baru, "new_laporan", boom)
    with pytest.raises(OSError, match="disk penuh"):
        start_year(data, BONTANG, 2025, 2024)
    assert sorted(p.name for p in (data / BONTANG).iterdir()) == sorted(
        p.name for p in (ROOT / "data" / BONTANG).iterdir()
    )


def test_refuses_same_year_and_missing_source(data):
    with pytest.raises(LakipError, match="sama dengan tahun sumber"):
        start_year(data, BONTANG, 2024, 2024)
    with pytest.raises(MissingDataError):
        start_year(data, BONTANG, 2025, 2019)
    assert not (data / BONTANG / "2025").exists()


def test_targets_come_from_renstra_where_it_has_that_year(multi):
    start_year(multi, SINTETIS, 2025, 2024)
    target = csv(multi / SINTETIS / "2025" / "indikator.csv").set_index("id")["target"]
    assert target.to_dict() == {
        "WA-01": "97%",
        "WA-02": "10 kali",
        "WA-04": "90%",
        "CQ-01": "",  # not in renstra.csv
        "CQ-02": "100%",
        "CQ-03": "13 kegiatan",
    }
    readme = (multi / SINTETIS / "2025" / "README.md").read_text(encoding="utf-8")
    assert "5 dari 6 indikator" in readme
    rencana = csv(multi / SINTETIS / "2025" / "anggaran_triwulan.csv")
    assert rencana[["rencana", "realisasi"]].eq("").all().all()
    assert len(rencana) == 16


def test_periksa_lists_the_blanks_left_to_fill_as_warnings(data):
    start_year(data, BONTANG, 2025, 2024)
    findings = check_year(data, BONTANG, 2025)
    assert {f.severity for f in findings} == {"warning"}
    blanks = Counter(
        (Path(f.file).name, f.column, f.kode) for f in findings if f.kode.endswith("_kosong")
    )
    assert blanks == {
        ("laporan.yaml", "tanggal", "tanggal_kosong"): 1,
        ("laporan.yaml", "pk.tanggal", "tanggal_kosong"): 1,
        ("laporan.yaml", "rkt.tanggal", "tanggal_kosong"): 1,
        ("indikator.csv", "target", "target_kosong"): 31,
        ("anggaran.csv", "pagu", "pagu_kosong"): 12,
        ("pk_anggaran.csv", "pagu", "pagu_kosong"): 2,
        ("rkt_pendanaan.csv", "pagu", "pagu_kosong"): 12,
    }
    target = next(f for f in findings if f.kode == "target_kosong")
    assert str(target).endswith("baris 2, kolom 'target': " + target.describe())
    assert sum(f.kode == "realisasi_missing" for f in findings) == 31
    assert run_periksa(data, BONTANG, 2025)[0] == 0
    assert run_periksa(data, BONTANG, 2025, ketat=True)[0] == 1


def test_new_year_loads_as_written(data):
    start_year(data, BONTANG, 2025, 2024)
    tahun = load_year(data, BONTANG, 2025)
    assert tahun.indikator["target_teks"].isna().all()
    assert tahun.laporan["tanggal"] is None and tahun.laporan["pk"]["tanggal"] is None
    assert str(tahun.anggaran["pagu"].dtype) == "Int64" and tahun.anggaran["pagu"].isna().all()
    assert tahun.pk_anggaran["pagu"].isna().all() and tahun.rkt_pendanaan["pagu"].isna().all()
    capaian = compute_capaian(tahun.indikator)
    assert capaian["status"].eq("target belum ditetapkan").all()
    assert capaian["capaian"].isna().all()
    summary = build_summary(tahun)
    assert summary["indikator"]["target_belum_ditetapkan"] == 31
    assert summary["anggaran"]["pagu"] is None and summary["anggaran"]["pagu_lengkap"] is False


def test_new_year_loads_once_the_blanks_are_filled(multi):
    start_year(multi, SINTETIS, 2025, 2024)
    lama, baru = multi / SINTETIS / "2024", multi / SINTETIS / "2025"
    indikator = csv(baru / "indikator.csv")
    indikator.loc[indikator["target"].eq(""), "target"] = "97%"
    indikator.to_csv(baru / "indikator.csv", index=False)
    csv(baru / "anggaran.csv").assign(pagu=csv(lama / "anggaran.csv")["pagu"]).to_csv(
        baru / "anggaran.csv", index=False
    )
    laporan = (baru / "laporan.yaml").read_text(encoding="utf-8")
    (baru / "laporan.yaml").write_text(laporan.replace("tanggal:", "tanggal: 2025-02-03"))

    tahun = load_year(multi, SINTETIS, 2025)
    assert tahun.laporan["judul"] == "Laporan Kinerja Satker Contoh Tahun 2025"
    capaian = compute_capaian(tahun.indikator)
    assert capaian["status"].eq("belum ada data").all()
    assert tahun.realisasi_triwulan["realisasi"].isna().all()
    assert tahun.narasi == {}


def test_guidance_covers_every_narrative_section():
    assert set(PANDUAN) == set(NARASI)


@pytest.mark.slow
def test_a_year_just_started_builds_and_says_what_is_missing(data, tmp_path):
    from lakipkit.build import build_report

    start_year(data, BONTANG, 2025, 2024)
    result = build_report(data, BONTANG, 2025, tmp_path / "out", formats=("html",))
    soup = BeautifulSoup(result.html.read_text(encoding="utf-8"), "html.parser")
    text = soup.get_text(" ")
    assert "belum ada data" in text and "belum ditetapkan" in text
    assert not re.search(r"\b(nan|NaN|None)\b", text)
    assert "Rp 0" not in text  # a pagu not filled in is never summed to zero
    assert "Bontang, tanggal belum ditetapkan" in text
    assert "Target 31 (tiga puluh satu) indikator belum ditetapkan" in text
    assert "Sebanyak 31 (tiga puluh satu) indikator belum memiliki data realisasi" in text
    assert "Pagu anggaran Tahun 2025 belum ditetapkan dalam data anggaran" in text
    # Bab III.A compares with 2024, which is now the earlier year
    heading = soup.find("h3", string="Perbandingan dengan Tahun-Tahun Sebelumnya")
    section = heading.find_next_sibling().get_text(" ", strip=True)
    assert section.startswith("Dibanding tahun 2024, capaian 0 indikator naik")
    assert "31 indikator belum dapat dibandingkan" in section
    captions = [c.get_text(" ", strip=True) for c in soup.find_all("caption")]
    assert any(c.endswith("Realisasi dan Capaian Tahun 2024 dan 2025") for c in captions)
