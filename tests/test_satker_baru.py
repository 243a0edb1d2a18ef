"""docs/memulai.md, followed step by step: satker-baru, fill the minimum, periksa, build."""

import re
from pathlib import Path

import pytest

from lakipkit import cli
from lakipkit.errors import DataValidationError, LakipError
from lakipkit.loading import load_year
from lakipkit.satker_baru import start_satker

SATKER = "bagian-organisasi-contoh"

#: The values a planner types into the empty keys (docs/memulai.md, step 2).
SATKER_VALUES = {
    "nama:": "nama: Bagian Organisasi Sekretariat Daerah Kabupaten Contoh",
    "nama_singkat:": "nama_singkat: Bagian Organisasi",
    "kota:": "kota: Kabupaten Contoh",
    "visi:": "visi: Birokrasi yang efektif dan melayani",
}
LAPORAN_VALUES = {
    "judul:": "judul: Laporan Kinerja Bagian Organisasi Tahun 2025",
    "tempat:": "tempat: Contoh",
}
INDIKATOR = """id,sasaran,induk,uraian,satuan,target,polaritas,rumus,skala,agregasi_triwulan
IK-01,,,Nilai SAKIP perangkat daerah,nilai,70 nilai,positif,,,
IK-02,,,Persentase SOP yang ditetapkan,%,90%,positif,,,
"""
REALISASI = "indikator,realisasi,keterangan\nIK-01,72 nilai,\nIK-02,85%,\n"


def _fill(path: Path, values: dict[str, str], lists: dict[str, str]) -> None:
    """Type a value after each empty key, as the comments in the file ask."""
    text = path.read_text(encoding="utf-8")
    for key, line in values.items():
        text = re.sub(rf"(?m)^{re.escape(key)}[^\n]*$", line, text, count=1)
    for key, value in lists.items():  # the first empty "- " of a list, or an indented key
        text = re.sub(rf"(?m)^(\s*{re.escape(key)})\s*(#.*)?$", rf"\g<1> {value}", text, count=1)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def unit(tmp_path):
    data = tmp_path / "data"
    written = start_satker(data, SATKER, 2025)
    assert {p.name for p in written} == {
        "satker.yaml",
        "laporan.yaml",
        "indikator.csv",
        "README.md",
    }
    return data


def _fill_minimum(data: Path) -> None:
    root = data / SATKER
    _fill(
        root / "satker.yaml",
        SATKER_VALUES,
        {
            "nama:": "Rina Contoh",
            "jabatan:": "Kepala Bagian Organisasi",
            "-": "Menata kelembagaan perangkat daerah",
        },
    )
    _fill(
        root / "satker.yaml",
        {},
        {"nama:": "Budi Contoh", "jabatan:": "Sekretaris Daerah", "-": "Birokrasi yang efektif"},
    )
    _fill(root / "2025" / "laporan.yaml", LAPORAN_VALUES, {"tempat:": "Contoh"})
    (root / "2025" / "indikator.csv").write_text(INDIKATOR, encoding="utf-8")
    (root / "2025" / "realisasi.csv").write_text(REALISASI, encoding="utf-8")


def test_new_unit_names_every_empty_key_until_filled(unit, capsys):
    args = ["--data", str(unit), "--satker", SATKER, "--tahun", "2025"]
    assert cli.main(["periksa", *args]) == 1
    out = capsys.readouterr().out
    assert "kunci 'nama': kosong padahal wajib diisi" in out
    assert "indikator.csv" in out and "hanya berisi header" in out
    assert "Traceback" not in out
    _fill_minimum(unit)
    assert cli.main(["periksa", *args]) == 0
    out = capsys.readouterr().out
    assert "Hasil: 0 galat" in out
    assert "opsional_kosong" in out and "anggaran.csv" in out  # told as information
    year = load_year(unit, SATKER, 2025)
    assert year.indikator["realisasi"].tolist() == [72.0, 85.0]
    assert year.pohon.empty and year.anggaran.empty


def test_an_existing_unit_or_a_bad_id_is_refused(unit):
    with pytest.raises(LakipError, match="tidak pernah menimpa"):
        start_satker(unit, SATKER, 2025)
    with pytest.raises(DataValidationError):
        start_satker(unit, "../luar", 2025)


def test_the_cli_writes_a_new_unit(tmp_path, capsys):
    assert cli.main(["satker-baru", "dinas-x", "--tahun", "2025", "--data", str(tmp_path)]) == 0
    assert "lakip periksa --satker dinas-x --tahun 2025" in capsys.readouterr().out
    assert (tmp_path / "dinas-x" / "2025" / "README.md").is_file()


def test_first_report_builds_as_html(unit, tmp_path):
    from lakipkit.build import build_report

    _fill_minimum(unit)
    result = build_report(unit, SATKER, 2025, tmp_path / "out", formats=("html",))
    html = next(p for p in result.paths if p.suffix == ".html").read_text(encoding="utf-8")
    assert "Bagian Organisasi Sekretariat Daerah Kabupaten Contoh" in html
    assert "Nilai SAKIP perangkat daerah" in html


@pytest.mark.slow
def test_first_report_builds_as_pdf(unit, tmp_path):
    from lakipkit.build import build_report

    _fill_minimum(unit)
    result = build_report(unit, SATKER, 2025, tmp_path / "out", formats=("html", "pdf"))
    assert next(p for p in result.paths if p.suffix == ".pdf").stat().st_size > 10_000
