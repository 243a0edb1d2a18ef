"""The consistency audit: planted contradictions, a clean satker, the real 2024 data."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from lakipkit.audit import (
    FINDING_COLUMNS,
    KODE_AUDIT,
    AuditSettings,
    audit_year,
    check_year,
    findings_frame,
    format_findings,
    run_periksa,
)
from lakipkit.errors import Finding
from lakipkit.loading import load_year

FIXTURE = Path(__file__).parent / "fixtures" / "audit"
SATKER = "contoh-audit"
DATA = Path(__file__).parents[1] / "data"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the clean fixture, free to edit."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "data"))


def plant(data_dir: Path, file: str, old: str, new: str) -> None:
    """Replace a piece of text that occurs exactly once in a year file."""
    path = data_dir / SATKER / "2024" / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(data_dir: Path, file: str, *lines: str) -> None:
    path = data_dir / SATKER / "2024" / file
    path.write_text(path.read_text(encoding="utf-8") + "".join(f"{x}\n" for x in lines))


def audit(data_dir: Path, settings: AuditSettings | None = None) -> list[Finding]:
    return audit_year(load_year(data_dir, SATKER, 2024), settings)


def where(findings: list[Finding]) -> list[tuple[str, str, int | None, str | None]]:
    return [(f.kode, Path(f.file).name, f.row, f.column) for f in findings]


# --- one planted contradiction per check ----------------------------------------------------

TT = "tabel_terbit.csv"
AT = "anggaran_terbit.csv"

PLANTED = {
    "target berbeda dari PK": (
        [(TT, "3.1,1,WA-01,,95%", "3.1,1,WA-01,,90%")],
        [("target_terbit_mismatch", TT, 2, "target")],
    ),
    "target berbeda dari RKT": (
        [(TT, "peraturan,80%", "peraturan,85%")],
        [("target_terbit_mismatch", TT, 6, "target")],
    ),
    "realisasi berbeda": (
        [(TT, "3.2,1,WA-01,,95%,95%", "3.2,1,WA-01,,95%,100%")],
        [("realisasi_terbit_mismatch", TT, 5, "realisasi")],
    ),
    "capaian 1000%": (
        [(TT, "2 laporan,2 laporan,100%", "2 laporan,2 laporan,1000%")],
        [("capaian_terbit_mismatch", TT, 3, "capaian")],
    ),
    "capaian kualitatif": (
        [(TT, "B,B,100%", "B,B,120%")],
        [("capaian_terbit_mismatch", TT, 4, "capaian")],
    ),
    "satuan tercetak": (
        [(TT, "3.2,1,WA-01,,95%,95%", "3.2,1,WA-01,,95%,95 laporan")],
        [("satuan_mismatch", TT, 5, "realisasi")],
    ),
    "target RKT berbeda dari PK": (
        [("rkt_program.csv", "%,95%", "%,100%")],
        [("target_rkt_mismatch", "rkt_program.csv", 2, "target")],
    ),
    "satuan RKT berbeda dari PK": (
        [("rkt_program.csv", "laporan,2 laporan", "dokumen,2 dokumen")],
        [("satuan_mismatch", "rkt_program.csv", 3, "satuan")],
    ),
    "realisasi kosong": (
        [("realisasi.csv", "WA-02,2 laporan,", "WA-02,,")],
        [("realisasi_missing", "realisasi.csv", 3, "realisasi")],
    ),
    "baris realisasi tidak ada": (
        [("realisasi.csv", "WA-02,2 laporan,\n", "")],
        [("realisasi_missing", "realisasi.csv", None, "indikator")],
    ),
    "capaian tidak wajar": (
        [
            ("realisasi.csv", "WA-02,2 laporan", "WA-02,5 laporan"),
            (TT, "2 laporan,2 laporan,100%", "2 laporan,5 laporan,250%"),
        ],
        [("capaian_implausible", "realisasi.csv", 3, "realisasi")],
    ),
    "induk anggaran berbeda dari rincian": (
        [
            ("anggaran.csv", "900.000.000,90.00", "950.000.000,95.00"),
            (AT, "1.300.000.000,86.67", "1.350.000.000,90.00"),
        ],
        [("rollup_mismatch", "anggaran.csv", 2, "realisasi")],
    ),
    "induk RKT berbeda dari rincian": (
        [("rkt_pendanaan.csv", "400.000.000", "450.000.000")],
        [("rollup_mismatch", "rkt_pendanaan.csv", 2, "pagu")],
    ),
    "realisasi anggaran tidak dilaporkan": (
        [("anggaran.csv", "350.000.000,87.50", ",")],
        [("realisasi_unreported", "anggaran.csv", 4, "realisasi")],
    ),
    "persen tercetak": (
        [("anggaran.csv", "91.67", "19.67")],
        [("persen_terbit_mismatch", "anggaran.csv", 3, "persen_terbit")],
    ),
    "realisasi melebihi pagu": (
        [
            ("anggaran.csv", "400.000.000,80.00", "600.000.000,120.00"),
            (AT, "1.300.000.000,86.67", "1.500.000.000,100"),
            (AT, "400.000.000,80.00", "600.000.000,120"),
        ],
        [("realisasi_over_pagu", "anggaran.csv", 5, "realisasi")],
    ),
    "pagu PK berbeda dari RKT": (
        [("pk_anggaran.csv", "1.000.000.000", "1.200.000.000")],
        [("pk_anggaran_mismatch", "pk_anggaran.csv", 2, "pagu")],
    ),
    "pagu APBN dalam kalimat": (
        [(AT, "APBN,1.000.000.000", "APBN,1.000.001.000")],
        [("total_terbit_mismatch", AT, 3, "pagu")],
    ),
    "total RKT": (
        [(AT, 'Total",,1.000.000.000', 'Total",,1.100.000.000')],
        [("total_terbit_mismatch", AT, 5, "pagu")],
    ),
    "persen total": (
        [(AT, "86.67", "68.67")],
        [("total_terbit_mismatch", AT, 2, "persen")],
    ),
}


@pytest.mark.parametrize(("edits", "expected"), PLANTED.values(), ids=PLANTED.keys())
def test_planted_contradiction_is_found_alone(data_dir, edits, expected):
    for file, old, new in edits:
        plant(data_dir, file, old, new)
    assert where(audit(data_dir)) == expected


def test_clean_fixture_has_no_findings():
    assert audit(FIXTURE) == []
    assert check_year(FIXTURE, SATKER, 2024) == []


def test_optional_files_absent_give_no_findings(data_dir):
    for file in ("tabel_terbit", "anggaran_terbit", "pk_anggaran", "rkt_program", "rkt_pendanaan"):
        (data_dir / SATKER / "2024" / f"{file}.csv").unlink()
    assert audit(data_dir) == []


def test_indicator_outside_pk_and_printed_differently_between_tables(data_dir):
    append(
        data_dir,
        TT,
        "3.2,2,LAIN-01,Indikator lain,100%,100%,100%",
        "3.3,1,LAIN-01,Indikator lain,100%,90%,90%",
    )
    findings = audit(data_dir)
    assert where(findings) == [
        ("not_in_pk", TT, 7, "indikator"),
        ("not_in_pk", TT, 8, "indikator"),
        ("terbit_inconsistent", TT, 8, "realisasi"),
        ("terbit_inconsistent", TT, 8, "capaian"),
    ]
    assert findings[2].value == "90%"
    assert (
        findings[2].expected == "nilai yang sama di setiap tabel (tabel 3.2: 100%; tabel 3.3: 90%)"
    )


def test_rows_that_only_restate_an_rkt_target_are_not_outside_pk(data_dir):
    append(data_dir, TT, "2.2,2,LAIN-02,Indikator lain,50%,,")
    assert audit(data_dir) == []


def test_percentage_target_with_count_realisasi(data_dir):
    """'95%' target, '2 laporan' realisasi: the loader warns, the tables disagree with it."""
    plant(data_dir, "realisasi.csv", "WA-01,95%", "WA-01,2 laporan")
    findings = check_year(data_dir, SATKER, 2024)
    assert [(k, f, r, c) for k, f, r, c in where(findings) if f == "realisasi.csv"] == [
        ("satuan_mismatch", "realisasi.csv", 2, "realisasi")
    ]
    assert ("realisasi_terbit_mismatch", TT, 2, "realisasi") in where(findings)
    assert ("capaian_terbit_mismatch", TT, 2, "capaian") in where(findings)


def test_realisasi_over_pagu_outside_a_narrow_range(data_dir):
    plant(data_dir, "anggaran.csv", "400.000.000,80.00", "600.000.000,120.00")
    findings = audit(data_dir, AuditSettings(penyerapan_wajar=(0, 110)))
    assert ("penyerapan_implausible", "anggaran.csv", 5, "realisasi") in where(findings)
    assert ("realisasi_over_pagu", "anggaran.csv", 5, "realisasi") in where(findings)


def test_settings_widen_what_passes(data_dir):
    plant(data_dir, "realisasi.csv", "WA-02,2 laporan", "WA-02,5 laporan")
    plant(data_dir, TT, "2 laporan,2 laporan,100%", "2 laporan,5 laporan,251%")
    plant(data_dir, AT, "APBN,1.000.000.000", "APBN,1.000.001.000")
    assert Counter(f.kode for f in audit(data_dir)) == {
        "capaian_implausible": 1,
        "capaian_terbit_mismatch": 1,
        "total_terbit_mismatch": 1,
    }
    wide = AuditSettings(capaian_wajar=(0, 300), toleransi_capaian=2, toleransi_rupiah=1000)
    assert audit(data_dir, wide) == []


def test_capaian_compared_with_the_capped_value(data_dir):
    """A report that caps capaian at 100 prints 100 for 120; the cap is a setting."""
    plant(data_dir, "realisasi.csv", "WA-02,2 laporan", "WA-02,3 laporan")
    plant(data_dir, TT, "2 laporan,2 laporan,100%", "2 laporan,3 laporan,100%")
    assert where(audit(data_dir)) == [("capaian_terbit_mismatch", TT, 3, "capaian")]
    from lakipkit.capaian import CapaianSettings

    assert audit(data_dir, AuditSettings(capaian=CapaianSettings(cap=100))) == []


def test_settings_refuse_nonsense():
    with pytest.raises(ValueError, match="batas bawah"):
        AuditSettings(capaian_wajar=(200, 0))
    with pytest.raises(ValueError, match="negatif"):
        AuditSettings(toleransi_rupiah=-1)


# --- check_year, output, CLI ----------------------------------------------------------------


def test_check_year_lists_loader_warnings_with_the_errors_when_loading_fails(data_dir):
    plant(data_dir, "anggaran.csv", "Pengelolaan Keuangan,APBN,600.000.000", "x,APBN,")
    plant(data_dir, "program.csv", "Program Dukungan Manajemen", "")
    findings = check_year(data_dir, SATKER, 2024)
    assert [(f.severity, f.kode, Path(f.file).name, f.row) for f in findings] == [
        ("warning", "pagu_kosong", "anggaran.csv", 3),
        ("error", "required_empty", "program.csv", 2),
    ]


def test_budget_checks_skip_a_pagu_not_filled_in(data_dir):
    """An unknown pagu is a loader warning; no sum, total or penyerapan is compared with it."""
    plant(data_dir, "anggaran.csv", "Keuangan,APBN,600.000.000", "Keuangan,APBN,")
    plant(data_dir, "rkt_pendanaan.csv", "Perkantoran,400.000.000", "Perkantoran,")
    findings = check_year(data_dir, SATKER, 2024)
    assert where(findings) == [
        ("pagu_kosong", "anggaran.csv", 3, "pagu"),
        ("persen_terbit_mismatch", "anggaran.csv", 3, "persen_terbit"),  # 91.67 % printed
        ("pagu_kosong", "rkt_pendanaan.csv", 4, "pagu"),
    ]
    assert findings[1].expected == "kosong: realisasi tidak dilaporkan atau pagu belum diisi"


def test_check_year_returns_loader_errors_when_data_cannot_be_read(data_dir):
    plant(data_dir, "indikator.csv", "%,95%,positif", "%,95%%,positif")
    findings = check_year(data_dir, SATKER, 2024)
    assert findings and {f.severity for f in findings} == {"error"}
    code, text = run_periksa(data_dir, SATKER, 2024)
    assert code == 1
    assert "indikator.csv" in text and "[galat: " in text
    assert text.endswith(f"Hasil: {len(findings)} galat, 0 peringatan.")


def test_check_year_names_files_by_path_and_sorts_by_file_then_row(data_dir):
    plant(data_dir, "pk_anggaran.csv", "1.000.000.000", "1.200.000.000")
    plant(data_dir, TT, "3.2,1,WA-01,,95%,95%", "3.2,1,WA-01,,95%,100%")
    plant(data_dir, TT, "3.1,1,WA-01,,95%", "3.1,1,WA-01,,90%")
    findings = check_year(data_dir, SATKER, 2024)
    folder = data_dir / SATKER / "2024"
    assert [(f.file, f.row) for f in findings] == [
        (str(folder / "pk_anggaran.csv"), 2),
        (str(folder / TT), 2),
        (str(folder / TT), 5),
    ]


def test_ketat_makes_warnings_fail(data_dir):
    plant(data_dir, TT, "3.2,1,WA-01,,95%,95%", "3.2,1,WA-01,,95%,100%")
    assert run_periksa(data_dir, SATKER, 2024, ketat=False)[0] == 0
    code, text = run_periksa(data_dir, SATKER, 2024, ketat=True)
    assert code == 1
    assert "Hasil: 0 galat, 1 peringatan.\nMode ketat" in text
    code, text = run_periksa(FIXTURE, SATKER, 2024, ketat=True)
    assert code == 0  # missing optional parts are information: never a failure, even ketat
    assert text.startswith(f"Pemeriksaan data {SATKER} tahun 2024\n")
    assert "[info: opsional_kosong]" in text and "pegawai.csv" in text
    assert text.endswith("\nHasil: 0 galat, 0 peringatan.")


def test_format_findings_groups_by_file_one_line_each():
    findings = [
        Finding("warning", "a.csv", 5, "target", "95%", "98% (target PK)", "target beda", "x"),
        Finding("error", "b.csv", None, None, None, "UTF-8", "bukan UTF-8", "not_utf8"),
        Finding("warning", "a.csv", 7, "capaian", None, "", "capaian kosong", "y"),
    ]
    assert format_findings(findings) == (
        "a.csv\n"
        "  [peringatan: x] baris 5, kolom 'target': target beda "
        "(ditemukan '95%', diharapkan 98% (target PK))\n"
        "  [peringatan: y] baris 7, kolom 'capaian': capaian kosong\n"
        "b.csv\n"
        "  [galat: not_utf8] bukan UTF-8 (diharapkan UTF-8)"
    )


def test_findings_frame_has_one_row_per_finding():
    finding = Finding("warning", "a.csv", 5, "target", "95%", "98%", "beda", "x")
    frame = findings_frame([finding, Finding("error", "b.csv", None, None, None, "", "m", "k")])
    assert list(frame.columns) == FINDING_COLUMNS
    assert frame["row"].dtype == "Int64"
    assert frame.loc[0].to_dict() == {
        "severity": "warning",
        "kode": "x",
        "file": "a.csv",
        "row": 5,
        "column": "target",
        "value": "95%",
        "expected": "98%",
        "message": "beda",
    }
    assert pd.isna(frame.loc[1, "row"])
    assert findings_frame([]).empty


# --- the real 2024 data ---------------------------------------------------------------------

#: Every contradiction of the seed that the data files can hold (data/kpu-kota-bontang/2024/
#: README.md), as (kode, file, row, column). Tabel_terbit rows: Ikhtisar 2-32, 2.2 33-43,
#: 2.3 44-74, 3.1 75-105, 3.2-3.12 after.
REAL_2024 = [
    ("realisasi_unreported", "anggaran.csv", 3, "realisasi"),  # 6639 APBD: no realisasi
    ("total_terbit_mismatch", "anggaran_terbit.csv", 3, "pagu"),  # APBN 15.061.966.000
    ("total_terbit_mismatch", "anggaran_terbit.csv", 4, "pagu"),  # APBD 25.657.789.000
    ("total_terbit_mismatch", "anggaran_terbit.csv", 6, "pagu"),  # DIPA vs RKT 2.3.1 lines
    ("total_terbit_mismatch", "anggaran_terbit.csv", 7, "pagu"),  # RKT 2.3.1 Total vs lines
    ("penjelasan_missing", "penjelasan.csv", 2, "solusi"),  # WA-13: the seed states no remedy
    ("penjelasan_missing", "penjelasan.csv", 3, "solusi"),  # CQ-14: idem
    ("rollup_mismatch", "rkt_pendanaan.csv", 10, "pagu"),  # RKT 2.3.1 WA vs 3355 + 3360
    ("target_rkt_mismatch", "rkt_program.csv", 3, "target"),  # WA-01 100% vs 95%
    ("target_rkt_mismatch", "rkt_program.csv", 9, "target"),  # WA-03 20 vs 2 kegiatan
    ("target_rkt_mismatch", "rkt_program.csv", 10, "target"),  # WA-04 8 vs 10 kali
    ("target_rkt_mismatch", "rkt_program.csv", 18, "target"),  # WA-08 90% vs 80%
    ("target_rkt_mismatch", "rkt_program.csv", 20, "target"),  # WA-10 3724 vs 1 satker
    ("satuan_mismatch", "rkt_program.csv", 20, "satuan"),  # WA-10 badan ad hoc vs satker
    ("target_rkt_mismatch", "rkt_program.csv", 24, "target"),  # WA-12 100% vs 95%
    ("target_rkt_mismatch", "rkt_program.csv", 26, "target"),  # WA-14 2 vs 1 laporan
    ("target_rkt_mismatch", "rkt_program.csv", 41, "target"),  # WA-17 80% vs 70%
    ("target_rkt_mismatch", "rkt_program.csv", 53, "target"),  # CQ-01 100% vs 97%
    ("target_rkt_mismatch", "rkt_program.csv", 54, "target"),  # CQ-02 94% vs 93%
    ("target_rkt_mismatch", "rkt_program.csv", 63, "target"),  # CQ-07 40% vs 80%
    ("satuan_mismatch", "rkt_program.csv", 64, "satuan"),  # CQ-08 lokasi vs Pusat
    ("target_rkt_mismatch", "rkt_program.csv", 66, "target"),  # CQ-09 98% vs 95%
    ("target_rkt_mismatch", "rkt_program.csv", 82, "target"),  # CQ-14 100% vs 80%
    ("target_terbit_mismatch", TT, 14, "target"),  # Ikhtisar WA-13 95% vs 98%
    ("capaian_terbit_mismatch", TT, 14, "capaian"),  # Ikhtisar WA-13 100% vs 96,94%
    ("capaian_terbit_mismatch", TT, 15, "capaian"),  # Ikhtisar WA-14 1000%
    ("target_terbit_mismatch", TT, 32, "target"),  # Ikhtisar CQ-14 65% vs 80%
    ("capaian_terbit_mismatch", TT, 32, "capaian"),  # Ikhtisar CQ-14 100% vs 81,25%
    ("target_terbit_mismatch", TT, 33, "target"),  # 2.2 RKT-SS-01 90% vs 85%
    ("target_terbit_mismatch", TT, 35, "target"),  # 2.2 RKT-SS-03 80 vs 89
    ("target_terbit_mismatch", TT, 43, "target"),  # 2.2 RKT-SS-13 90% vs 89%
    ("target_terbit_mismatch", TT, 87, "target"),  # 3.1 WA-13
    ("capaian_terbit_mismatch", TT, 87, "capaian"),  # 3.1 WA-13
    ("capaian_terbit_mismatch", TT, 88, "capaian"),  # 3.1 WA-14 1000%
    ("target_terbit_mismatch", TT, 105, "target"),  # 3.1 CQ-14
    ("capaian_terbit_mismatch", TT, 105, "capaian"),  # 3.1 CQ-14
    ("realisasi_terbit_mismatch", TT, 110, "realisasi"),  # 3.3 WA-05 100% vs 75% (3.1)
    ("realisasi_terbit_mismatch", TT, 118, "realisasi"),  # 3.5 WA-13 98% vs 95%
    ("capaian_terbit_mismatch", TT, 118, "capaian"),  # 3.5 WA-13
    ("not_in_pk", TT, 126, "indikator"),  # 3.9 RKT-CQ-12 (data wilayah/dapil)
    ("not_in_pk", TT, 127, "indikator"),  # 3.9 LAIN-01 (pencalonan Pemilu 2024)
    ("realisasi_terbit_mismatch", TT, 137, "realisasi"),  # 3.12 CQ-14 80% vs 65%
    ("capaian_terbit_mismatch", TT, 137, "capaian"),  # 3.12 CQ-14
]


@pytest.fixture(scope="module")
def real_2024() -> list[Finding]:
    return check_year(DATA, "kpu-kota-bontang", 2024)


def test_real_2024_lists_every_contradiction_of_the_seed(real_2024):
    assert where(real_2024) == REAL_2024
    assert {f.severity for f in real_2024} == {"warning"}
    assert {f.kode for f in real_2024} <= set(KODE_AUDIT)


def by(findings: list[Finding], kode: str, file: str, row: int) -> Finding:
    return next(f for f in findings if (f.kode, Path(f.file).name, f.row) == (kode, file, row))


def test_real_2024_monev_realisasi_3_3_against_3_1(real_2024):
    monev = by(real_2024, "realisasi_terbit_mismatch", TT, 110)
    assert "tabel 3.3 baris 3" in monev.message and "WA-05" in monev.message
    assert (monev.value, monev.expected) == ("100%", "75% (realisasi.csv)")


def test_real_2024_bmn_laporan_capaian_1000(real_2024):
    for row, tabel in ((15, "Ikhtisar"), (88, "3.1")):
        bmn = by(real_2024, "capaian_terbit_mismatch", TT, row)
        assert f"tabel {tabel} baris 14" in bmn.message and "WA-14" in bmn.message
        assert bmn.value == "1.000%"
        assert bmn.expected.startswith("100,00%")


def test_real_2024_budget_contradictions(real_2024):
    apbn = by(real_2024, "total_terbit_mismatch", "anggaran_terbit.csv", 3)
    assert (apbn.value, apbn.expected) == (
        "Rp 15.061.966.000",
        "Rp 15.061.965.000 (jumlah baris APBN anggaran.csv)",
    )
    apbd = by(real_2024, "total_terbit_mismatch", "anggaran_terbit.csv", 4)
    assert (apbd.value, apbd.expected[:17]) == ("Rp 25.657.789.000", "Rp 25.657.790.000")
    wa = by(real_2024, "rollup_mismatch", "rkt_pendanaan.csv", 10)
    assert "076.01.WA" in wa.message
    assert (wa.value, wa.expected) == (
        "Rp 2.519.511.000",
        "Rp 2.650.027.000 (jumlah 2 baris rinciannya)",
    )
    # LAKIP Tabel 3.13: the lines add up; the APBD kegiatan 6639 reports no realisasi.
    assert "6639" in by(real_2024, "realisasi_unreported", "anggaran.csv", 3).message


def test_real_2024_periksa_output(real_2024):
    code, text = run_periksa(DATA, "kpu-kota-bontang", 2024)
    assert code == 0
    assert text.endswith(f"Hasil: 0 galat, {len(REAL_2024)} peringatan.")
    assert run_periksa(DATA, "kpu-kota-bontang", 2024, ketat=True)[0] == 1
