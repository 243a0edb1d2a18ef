"""A corpus of malformed satker-years: the valid fixture with one defect each.

Every case must raise one DataValidationError (never a raw pandas/yaml/Unicode error) whose
findings include the expected kode at the expected file, row and column, with a message that
names them; and loading must write nothing.
"""

import csv
import io
import pathlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from lakipkit.errors import KODE, DataValidationError, MissingDataError
from lakipkit.loading import MAX_BYTES, load_year

FIXTURE = Path(__file__).parent / "fixtures" / "data"
SATKER = "contoh-satker"

Mutation = Callable[[Path], None]


def replace(rel: str, old: str, new: str) -> Mutation:
    """Replace the first occurrence of ``old`` (which must be there) in one file."""

    def mutate(unit: Path) -> None:
        path = unit / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def write(rel: str, content: str | bytes) -> Mutation:
    def mutate(unit: Path) -> None:
        path = unit / rel
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

    return mutate


def append(rel: str, line: str) -> Mutation:
    def mutate(unit: Path) -> None:
        with (unit / rel).open("a", encoding="utf-8") as file:
            file.write(line)

    return mutate


def drop_column(rel: str, column: str) -> Mutation:
    def mutate(unit: Path) -> None:
        path = unit / rel
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        names = [name for name in rows[0] if name != column]
        out = io.StringIO()
        writer = csv.DictWriter(out, names, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")

    return mutate


def header_only(rel: str) -> Mutation:
    def mutate(unit: Path) -> None:
        path = unit / rel
        path.write_text(path.read_text(encoding="utf-8").split("\n")[0] + "\n", encoding="utf-8")

    return mutate


def translate(rel: str, old: str, new: str) -> Mutation:
    """Replace every ``old`` character (a delimiter) in one file."""

    def mutate(unit: Path) -> None:
        path = unit / rel
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    return mutate


def latin1(rel: str, old: str, new: str) -> Mutation:
    """Re-save the file as Latin-1 with a non-ASCII character in it."""

    def mutate(unit: Path) -> None:
        path = unit / rel
        path.write_bytes(path.read_text(encoding="utf-8").replace(old, new).encode("latin-1"))

    return mutate


def grow(rel: str, size: int) -> Mutation:
    """Make the file ``size`` bytes long without writing them (a sparse file)."""

    def mutate(unit: Path) -> None:
        with (unit / rel).open("r+b") as file:
            file.truncate(size)

    return mutate


def symlink_outside(rel: str) -> Mutation:
    def mutate(unit: Path) -> None:
        outside = unit.parent.parent / "outside.csv"
        outside.write_text("no,nomor_registrasi,jenis_informasi\n", encoding="utf-8")
        (unit / rel).unlink()
        (unit / rel).symlink_to(outside)

    return mutate


def nothing(unit: Path) -> None:
    return None


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Mutation
    kode: str
    file: str | None  # relative to the satker folder; None = the data folder itself
    row: int | None
    column: str | None
    satker: str = SATKER
    tahun: object = 2023


IND, REAL, TW = "2023/indikator.csv", "2023/realisasi.csv", "2023/realisasi_triwulan.csv"
ANG, PRO, KEG = "2023/anggaran.csv", "2023/program.csv", "2023/kegiatan.csv"
SAS = "2023/sasaran.csv"
TT, JAD, LAP = "2023/tabel_terbit.csv", "2023/jadwal_pemutakhiran.csv", "2023/laporan.yaml"
RKT_DANA = "2023/rkt_pendanaan.csv"

CASES = [
    # file-level problems
    Case("semicolon delimiter", translate(PRO, ",", ";"), "wrong_delimiter", PRO, 1, None),
    Case("tab delimiter", translate(KEG, ",", "\t"), "wrong_delimiter", KEG, 1, None),
    Case(
        "latin-1 file",
        latin1(SAS, "sarana kantor", "sarana kantor café"),
        "not_utf8",
        SAS,
        4,
        "uraian",
    ),
    Case("missing column", drop_column(IND, "polaritas"), "missing_column", IND, 1, "polaritas"),
    Case("missing target column", drop_column(IND, "target"), "missing_column", IND, 1, "target"),
    Case("missing pagu column", drop_column(ANG, "pagu"), "missing_column", ANG, 1, "pagu"),
    Case(
        "extra column",
        replace(PRO, "huruf,nama\n", "huruf,nama,catatan\n"),
        "extra_column",
        PRO,
        1,
        "catatan",
    ),
    Case("empty file", write(REAL, ""), "empty_file", REAL, None, None),
    Case("header only", header_only(IND), "no_rows", IND, 2, None),
    Case("50 MB file", grow(ANG, 50 * 2**20), "file_too_large", ANG, None, None),
    Case(
        "malformed row",
        replace(KEG, "Perkantoran,1002", "Perkantoran,1002,lebih"),
        "malformed_csv",
        KEG,
        3,
        None,
    ),
    Case(
        "symlink out of data",
        symlink_outside("2023/ppid.csv"),
        "outside_data",
        "2023/ppid.csv",
        None,
        None,
    ),
    Case("path-like satker id", nothing, "invalid_satker_id", None, None, None, satker="../../etc"),
    Case("year not four digits", nothing, "invalid_year", "", None, None, tahun="20x3"),
    # values in one column
    Case("duplicate id", replace(IND, "WA-02,", "WA-01,"), "duplicate_id", IND, 3, "id"),
    Case(
        "duplicate RKT funding kode",
        append(RKT_DANA, "4,1001,001.01.WA,Lain,1\n"),
        "duplicate_id",
        RKT_DANA,
        5,
        "kode",
    ),
    Case(
        "duplicate key pair",
        replace(TW, "CQ-02,2,", "CQ-02,1,"),
        "duplicate_id",
        TW,
        3,
        "indikator, triwulan",
    ),
    Case(
        "required value empty",
        replace(PRO, "A,Program Dukungan Manajemen", "A,"),
        "required_empty",
        PRO,
        2,
        "nama",
    ),
    Case("id with a space", replace(IND, "CQ-02,", "CQ 02,"), "invalid_id", IND, 9, "id"),
    Case(
        "unknown polaritas", replace(IND, "positif", "positip"), "not_allowed", IND, 2, "polaritas"
    ),
    Case("unknown skala", replace(IND, "opini_bpk", "opini"), "not_allowed", IND, 4, "skala"),
    Case("triwulan 5", replace(TW, "CQ-02,1,", "CQ-02,5,"), "not_allowed", TW, 2, "triwulan"),
    Case("unknown sumber_dana", replace(ANG, "APBD", "PNBP"), "not_allowed", ANG, 7, "sumber_dana"),
    Case(
        "non-numeric pagu",
        replace(ANG, "200.000.000,170", "dua ratus juta,170"),
        "invalid_rupiah",
        ANG,
        4,
        "pagu",
    ),
    Case(
        "pagu of 30 digits",
        replace(ANG, "200.000.000,170", "9" * 30 + ",170"),
        "invalid_rupiah",
        ANG,
        4,
        "pagu",
    ),
    Case(
        "negative pagu",
        replace(ANG, "200.000.000,170", "-200.000.000,170"),
        "negative_amount",
        ANG,
        4,
        "pagu",
    ),
    Case(
        "unparseable realisasi",
        replace(REAL, "WA-05,4%", "WA-05,empat persen"),
        "invalid_value",
        REAL,
        6,
        "realisasi",
    ),
    Case(
        "ambiguous 1.234",
        replace(REAL, "WA-02,2 laporan", "WA-02,1.234 laporan"),
        "ambiguous_number",
        REAL,
        3,
        "realisasi",
    ),
    Case(
        "97,5 and 97.5 mixed",
        replace(REAL, '"82,5%"', "82.5%"),
        "mixed_decimal",
        REAL,
        8,
        "realisasi",
    ),
    Case(
        "97,5.0 separators",
        replace(TT, '"100,5%"', '"100,5.0%"'),
        "mixed_separators",
        TT,
        2,
        "capaian",
    ),
    Case(
        "range lower > upper",
        replace(IND, "70 s.d. 80 %", "80 s.d. 70 %"),
        "range_reversed",
        IND,
        8,
        "target",
    ),
    Case(
        "31 Februari in a CSV",
        replace(JAD, "2023-06-01", "31 Februari 2023"),
        "invalid_date",
        JAD,
        2,
        "mulai",
    ),
    # rules within a row
    Case(
        "target 0 positif",
        replace(IND, "2 laporan,positif", "0 laporan,positif"),
        "target_zero",
        IND,
        3,
        "target",
    ),
    Case(
        "target 0 negatif sakip",
        replace(IND, "5%,negatif", "0%,negatif"),
        "target_zero",
        IND,
        6,
        "target",
    ),
    Case(
        "kualitatif without skala",
        replace(IND, "kualitatif,,predikat_sakip", "kualitatif,,"),
        "required_empty",
        IND,
        5,
        "skala",
    ),
    Case(
        "skala on positif",
        replace(IND, '"97,5%",positif,,,', '"97,5%",positif,,opini_bpk,'),
        "inconsistent",
        IND,
        2,
        "skala",
    ),
    Case(
        "rumus on positif",
        replace(IND, "positif,,,rata-rata", "positif,rasio,,rata-rata"),
        "inconsistent",
        IND,
        9,
        "rumus",
    ),
    Case(
        "grade off its scale",
        replace(REAL, "WA-03,WDP", "WA-03,AA"),
        "unknown_grade",
        REAL,
        4,
        "realisasi",
    ),
    Case(
        "grade for a number",
        replace(REAL, 'WA-01,"98,0%"', "WA-01,WTP"),
        "value_kind",
        REAL,
        2,
        "realisasi",
    ),
    Case(
        "selesai before mulai",
        replace(JAD, "2023-07-01,2023-07-05", "2023-07-09,2023-07-05"),
        "inconsistent",
        JAD,
        3,
        "selesai",
    ),
    # references between rows and files
    Case(
        "unknown sasaran",
        replace(IND, "WA-05,WA-b-S01", "WA-05,WA-x-S09"),
        "unknown_reference",
        IND,
        6,
        "sasaran",
    ),
    Case(
        "realisasi for unknown indikator",
        append(REAL, "ZZ-99,5%,\n"),
        "unknown_reference",
        REAL,
        10,
        "indikator",
    ),
    Case(
        "kegiatan of unknown program",
        replace(KEG, "CQ-a,CQ,", "CQ-a,ZZ,"),
        "unknown_reference",
        KEG,
        4,
        "program",
    ),
    Case(
        "unknown kode_anggaran",
        replace(KEG, "Keuangan,1001", "Keuangan,9999"),
        "unknown_reference",
        KEG,
        2,
        "kode_anggaran",
    ),
    Case(
        "kegiatan of another program",
        replace(SAS, "CQ-a-S01,CQ,CQ-a", "CQ-a-S01,CQ,WA-a"),
        "inconsistent",
        SAS,
        5,
        "kegiatan",
    ),
    Case(
        "unknown induk",
        replace(ANG, "1002,001.01.WA", "1002,001.01.XX"),
        "unknown_reference",
        ANG,
        4,
        "induk",
    ),
    Case(
        "cycle in induk", replace(ANG, "001.01.WA,,", "001.01.WA,1001,"), "cycle", ANG, 2, "induk"
    ),
    Case(
        "cycle in organisasi",
        replace("organisasi.csv", "SEK,,", "SEK,UM-01,"),
        "cycle",
        "organisasi.csv",
        2,
        "induk",
    ),
    Case(
        "unknown indikator_pk",
        replace("2023/rkt_program.csv", ",WA-01\n", ",WA-99\n"),
        "unknown_reference",
        "2023/rkt_program.csv",
        2,
        "indikator_pk",
    ),
    Case(
        "unknown published indikator",
        replace(TT, "3.1,2,WA-02", "3.1,2,XX-02"),
        "unknown_reference",
        TT,
        3,
        "indikator",
    ),
    # YAML
    Case(
        "YAML with a tab",
        replace("satker.yaml", "  - peran: sek", "\t- peran: sek"),
        "yaml_tab",
        "satker.yaml",
        7,
        None,
    ),
    Case(
        "YAML syntax error",
        replace(LAP, "judul: Laporan Kinerja", "judul: Laporan: Kinerja"),
        "yaml_syntax",
        LAP,
        3,
        None,
    ),
    Case("YAML alias", append(LAP, "judul_lain: *judul\n"), "yaml_syntax", LAP, 19, None),
    Case(
        "missing YAML key",
        replace(LAP, "\ntempat: Kota Contoh\n", "\n"),
        "missing_key",
        LAP,
        2,
        "tempat",
    ),
    Case(
        "unknown YAML key",
        append("satker.yaml", "alamt: Jl. Contoh\n"),
        "unknown_key",
        "satker.yaml",
        23,
        "alamt",
    ),
    Case(
        "repeated YAML key", append(LAP, "tempat: Kota Lain\n"), "duplicate_key", LAP, 19, "tempat"
    ),
    Case(
        "31 Februari in YAML",
        replace(LAP, "25 Januari 2024", "31 Februari 2024"),
        "invalid_date",
        LAP,
        5,
        "tanggal",
    ),
    Case(
        "YAML date key left out",
        replace(LAP, "  tanggal: 2023-02-01\n", ""),
        "missing_key",
        LAP,
        8,
        "pk.tanggal",
    ),
    Case(
        "YAML date as words",
        replace(LAP, "2023-02-01", "kemarin"),
        "invalid_date",
        LAP,
        9,
        "pk.tanggal",
    ),
    Case(
        "YAML rupiah",
        replace(LAP, "Rp 1.250.000.000,-", "satu miliar"),
        "invalid_rupiah",
        LAP,
        17,
        "dipa.pagu",
    ),
    Case(
        "YAML number where text",
        replace("satker.yaml", 'kode: "0001"', "kode: 1"),
        "invalid_key",
        "satker.yaml",
        4,
        "kode",
    ),
    Case(
        "YAML NIP pattern",
        replace("satker.yaml", '"198001012005011001"', '"19800101"'),
        "invalid_key",
        "satker.yaml",
        10,
        "pejabat.[1].nip",
    ),
    Case(
        "unknown pejabat peran",
        replace(LAP, "  peran: sekretaris", "  peran: bendahara"),
        "unknown_reference",
        LAP,
        7,
        "penandatangan.peran",
    ),
    Case(
        "tahun differs from folder",
        replace(LAP, "tahun: 2023", "tahun: 2022"),
        "inconsistent",
        LAP,
        2,
        "tahun",
    ),
    Case(
        "tujuan number too high",
        replace("satker.yaml", "  - tujuan: 1", "  - tujuan: 3"),
        "unknown_reference",
        "satker.yaml",
        21,
        "sasaran_strategis.[1].tujuan",
    ),
]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(FIXTURE, target)
    return target


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.lstat().st_size, p.lstat().st_mtime_ns) for p in root.rglob("*")}


def test_corpus_is_large_and_names_are_unique():
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)


def test_the_fixture_itself_is_valid(data_dir):
    assert load_year(data_dir, SATKER, 2023).findings == ()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_one_defect_is_reported_precisely(case, data_dir, tmp_path, monkeypatch):
    unit = data_dir / SATKER
    case.mutate(unit)
    output = tmp_path / "output"
    output.mkdir()
    before = snapshot(tmp_path)
    read: list[Path] = []
    original = pathlib.Path.read_bytes
    monkeypatch.setattr(pathlib.Path, "read_bytes", lambda p: read.append(p) or original(p))

    with pytest.raises(DataValidationError) as caught:
        load_year(data_dir, case.satker, case.tahun)  # type: ignore[arg-type]

    assert snapshot(tmp_path) == before  # nothing written, nothing touched
    assert not any(output.iterdir())
    data_files = [p for p in read if p.is_relative_to(data_dir)]  # not a plugin's own source
    assert all(p.stat().st_size <= MAX_BYTES[p.suffix] for p in data_files)  # big files never read
    file = str(data_dir) if case.file is None else str(unit / case.file) if case.file else str(unit)
    found = [f for f in caught.value.findings if (f.kode, f.file, f.row, f.column)
             == (case.kode, file, case.row, case.column)]  # fmt: skip
    assert found, "\n".join(map(repr, caught.value.findings))
    assert all(f.kode in KODE for f in caught.value.findings)  # every kode is documented
    finding = found[0]
    assert finding.severity == "error"
    assert finding.message and finding.expected
    text = str(caught.value)
    assert file in text
    where = finding.location()
    assert f"  {where + ': ' if where else ''}{finding.describe()}" in text
    if case.row is not None:
        assert f"baris {case.row}" in str(finding)
    if case.column is not None:
        assert f"'{case.column}'" in str(finding)


def test_all_errors_are_collected_at_once(data_dir):
    unit = data_dir / SATKER
    for case in CASES:
        if case.name in {"unknown polaritas", "negative pagu", "31 Februari in YAML"}:
            case.mutate(unit)
    with pytest.raises(DataValidationError) as caught:
        load_year(data_dir, SATKER, 2023)
    kodes = {f.kode for f in caught.value.findings}
    assert {"not_allowed", "negative_amount", "invalid_date"} <= kodes


def test_bom_is_accepted_with_a_warning(data_dir):
    path = data_dir / SATKER / IND
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    year = load_year(data_dir, SATKER, 2023)
    assert list(year.indikator["id"])[:1] == ["WA-01"]  # the BOM did not end up in the header
    assert [(f.kode, f.severity, f.file) for f in year.findings] == [("bom", "warning", str(path))]


def test_unreadable_file_is_reported_not_raised(data_dir, monkeypatch):
    target = data_dir / SATKER / PRO
    original = pathlib.Path.read_bytes

    def read_bytes(path):
        if path == target:
            raise PermissionError(13, "Permission denied")
        return original(path)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    with pytest.raises(DataValidationError) as caught:
        load_year(data_dir, SATKER, 2023)
    (finding,) = [f for f in caught.value.findings if f.file == str(target)]
    assert finding.kode == "unreadable" and "Permission denied" in finding.message


def test_crlf_line_ends_are_accepted(data_dir):
    path = data_dir / SATKER / IND
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    year = load_year(data_dir, SATKER, 2023)
    assert year.indikator["agregasi_triwulan"].tolist()[:2] == ["terakhir", "jumlah"]
    assert year.findings == ()


def test_mixed_decimals_in_a_published_table_are_only_a_warning(data_dir):
    # tabel_terbit records what was printed, even when the printed tables disagree in style
    replace(TT, "contoh lain,100%", "contoh lain,99.5%")(data_dir / SATKER)
    year = load_year(data_dir, SATKER, 2023)
    assert [(f.kode, f.severity, f.row, f.column) for f in year.findings] == [
        ("mixed_decimal", "warning", 4, "target")
    ]


def test_satuan_mismatch_is_a_warning_not_an_error(data_dir):
    replace(REAL, "WA-02,2 laporan", "WA-02,2 dokumen")(data_dir / SATKER)
    year = load_year(data_dir, SATKER, 2023)
    (finding,) = year.findings
    assert (finding.kode, finding.severity, finding.row, finding.column) == (
        "satuan_mismatch", "warning", 3, "realisasi")  # fmt: skip
    assert "'dokumen'" in finding.message and "'laporan'" in finding.message


def test_missing_year_folder_says_what_to_create(data_dir):
    with pytest.raises(MissingDataError) as caught:
        load_year(data_dir, SATKER, 2022)
    assert isinstance(caught.value, FileNotFoundError)
    message = str(caught.value)
    assert str(data_dir / SATKER / "2022") in message
    assert "laporan.yaml" in message and "lakip tahun-baru" in message


def test_missing_satker_folder_says_what_to_create(data_dir):
    with pytest.raises(MissingDataError) as caught:
        load_year(data_dir, "satker-lain", 2023)
    assert "satker.yaml" in str(caught.value)


def test_missing_required_files_are_all_named(data_dir):
    (data_dir / SATKER / "2023" / "indikator.csv").unlink()
    (data_dir / SATKER / "2023" / "laporan.yaml").unlink()
    with pytest.raises(MissingDataError) as caught:
        load_year(data_dir, SATKER, 2023)
    message = str(caught.value)
    assert "indikator.csv" in message and "laporan.yaml" in message
    assert "docs/data-dictionary.md" in message


def test_missing_optional_file_loads_as_an_empty_frame(data_dir):
    (data_dir / SATKER / TW).unlink()
    year = load_year(data_dir, SATKER, 2023)
    assert year.realisasi_triwulan.empty
    assert {"indikator", "triwulan", "realisasi_teks", "realisasi"} <= set(year.realisasi_triwulan)


# -- blanks a year just started leaves: warnings, not errors ------------------------------------


def test_blank_target_pagu_and_dates_load_with_one_warning_each(data_dir):
    unit = data_dir / SATKER
    replace(IND, '"97,5%",positif', ",positif")(unit)
    replace(ANG, "Pengelolaan Keuangan,APBN,300.000.000", "Pengelolaan Keuangan,APBN,")(unit)
    replace("2023/pk_anggaran.csv", "Contoh,750.000.000", "Contoh,")(unit)
    replace(RKT_DANA, "Informasi,7.940.000", "Informasi,")(unit)
    replace(LAP, "tanggal: 25 Januari 2024", "tanggal:")(unit)
    replace(LAP, "tanggal: 2022-12-30", "tanggal:")(unit)
    year = load_year(data_dir, SATKER, 2023)
    found = [(Path(f.file).name, f.row, f.column, f.kode, f.severity) for f in year.findings]
    assert sorted(found) == [
        ("anggaran.csv", 3, "pagu", "pagu_kosong", "warning"),
        ("indikator.csv", 2, "target", "target_kosong", "warning"),
        ("laporan.yaml", 5, "tanggal", "tanggal_kosong", "warning"),
        ("laporan.yaml", 14, "rkt.tanggal", "tanggal_kosong", "warning"),
        ("pk_anggaran.csv", 3, "pagu", "pagu_kosong", "warning"),
        ("rkt_pendanaan.csv", 4, "pagu", "pagu_kosong", "warning"),
    ]
    assert year.indikator.loc[0, "target_teks"] is pd.NA
    assert pd.isna(year.indikator.loc[0, "target"])
    assert pd.isna(year.anggaran.loc[1, "pagu"]) and year.anggaran["pagu"].dtype == "Int64"
    assert year.laporan["tanggal"] is None and year.laporan["rkt"]["tanggal"] is None
    target = next(f for f in year.findings if f.kode == "target_kosong")
    assert target.message == KODE["target_kosong"] and "kosong = target belum" in target.expected


def test_a_blank_rkt_target_and_repeated_blank_rkt_kode_stay_silent(data_dir):
    unit = data_dir / SATKER
    append(RKT_DANA, "4,,,Data Lain,1.000\n")(unit)  # a second line without kode
    year = load_year(data_dir, SATKER, 2023)
    assert year.findings == ()  # the fixture's RKT prints one target blank: not printed, fine
    assert year.rkt_program["target_teks"].isna().sum() == 1


def test_a_failed_load_carries_its_warnings(data_dir):
    unit = data_dir / SATKER
    replace(IND, '"97,5%",positif', ",positif")(unit)
    replace(PRO, "A,Program Dukungan Manajemen", "A,")(unit)
    with pytest.raises(DataValidationError) as caught:
        load_year(data_dir, SATKER, 2023)
    assert [f.kode for f in caught.value.findings] == ["required_empty"]
    assert [(f.kode, f.row) for f in caught.value.warnings] == [("target_kosong", 2)]
    assert "target_kosong" not in str(caught.value)  # the message lists the errors
