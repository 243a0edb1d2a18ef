"""Consistency audit: the contradictions a reader of the report would be misled by.

The loader refuses what cannot be read; the audit compares what was read. It checks the
published tables against the canonical facts (PK target, realisasi, capaian computed from
both), the RKT against the PK, each budget line against the sum of its lines, and the totals
the report states against the computed ones. The data keeps what was printed
(data/README.md), so every contradiction is a warning to resolve or explain, never a silent
correction. ``KODE_AUDIT`` says what each ``kode`` means; docs/periksa.md has the rules.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lakipkit.anggaran import compute_penyerapan, rollup, totals, totals_by_source
from lakipkit.capaian import STATUS_TIDAK_TERCAPAI, CapaianSettings, compute_capaian
from lakipkit.errors import DataValidationError, Finding
from lakipkit.formatting import format_angka, format_persen, format_rupiah
from lakipkit.loading import YearData, load_year
from lakipkit.parsing import nilai_frame, normalize_satuan
from lakipkit.periode import realisasi_tahunan
from lakipkit.settings import capaian_settings

#: Every ``Finding.kode`` the audit emits, with what it means.
KODE_AUDIT: dict[str, str] = {
    "target_terbit_mismatch": "target di tabel terbit berbeda dari target PK atau RKT",
    "realisasi_terbit_mismatch": "realisasi di tabel terbit berbeda dari realisasi.csv",
    "capaian_terbit_mismatch": "capaian di tabel terbit berbeda dari capaian yang dihitung",
    "terbit_inconsistent": "indikator tanpa nilai acuan dicetak berbeda di beberapa tabel",
    "not_in_pk": "realisasi atau capaian dilaporkan untuk indikator di luar PK",
    "target_rkt_mismatch": "target RKT berbeda dari target PK indikator yang sama",
    "satuan_mismatch": "satuan berbeda dari satuan indikator",
    "realisasi_missing": "indikator PK tanpa realisasi",
    "capaian_implausible": "capaian di luar rentang wajar",
    "realisasi_periode_mismatch": "realisasi tahunan berbeda dari gabungan realisasi bulanan/"
    "triwulan menurut agregasi_triwulan indikatornya",
    "rollup_mismatch": "baris anggaran berbeda dari jumlah baris rinciannya",
    "realisasi_unreported": "baris anggaran berpagu tanpa realisasi",
    "persen_terbit_mismatch": "penyerapan tercetak berbeda dari realisasi / pagu",
    "realisasi_over_pagu": "realisasi anggaran melebihi pagu",
    "penyerapan_implausible": "penyerapan di luar rentang wajar",
    "pk_anggaran_mismatch": "pagu program dalam PK berbeda dari baris program RKT",
    "total_terbit_mismatch": "jumlah anggaran yang dinyatakan berbeda dari yang dihitung",
    "penjelasan_missing": "indikator di bawah target tanpa penyebab atau alternatif solusi "
    "(penjelasan.csv)",
    "riwayat_unused": "baris riwayat.csv yang tidak dibandingkan: indikator bukan indikator PK "
    "tahun ini, atau satuannya lain",
    "opsional_kosong": "bagian opsional belum ada (informasi: apa yang ditambahkannya)",
}

#: Columns of `findings_frame`.
FINDING_COLUMNS = ["severity", "kode", "file", "row", "column", "value", "expected", "message"]

#: anggaran_terbit.csv rows whose ``sumber`` starts with this word state an RKT amount and
#: are compared with rkt_pendanaan.csv; the others with anggaran.csv.
SUMBER_RKT = r"(?i)RKT\b"

_LABEL = {"error": "galat", "warning": "peringatan", "info": "info"}
#: Optional parts told as information: files that stand for it (any one is enough) and the
#: key of ``satker_baru.optional_parts`` that says what it adds.
_OPSIONAL: tuple[tuple[tuple[str, ...], str], ...] = (
    (("realisasi.csv", "realisasi_bulanan.csv", "realisasi_triwulan.csv"), "realisasi.csv"),
    (("pohon.csv", "program.csv"), "pohon.csv"),
    (("sasaran.csv",), "sasaran.csv"),
    (("anggaran.csv",), "anggaran.csv"),
    (("narasi",), "narasi/"),
    (("../pegawai.csv",), "../pegawai.csv"),
    (("../organisasi.csv",), "../organisasi.csv"),
    (("../renstra.csv",), "../renstra.csv"),
    (("../riwayat.csv",), "../riwayat.csv"),
    (("standar.csv",), "standar.csv"),
    (("penjelasan.csv",), "penjelasan.csv"),
)
_TERBIT = "tabel_terbit.csv"


@dataclass(frozen=True)
class AuditSettings:
    """Thresholds of the audit; what counts as implausible differs between reports.

    Parameters
    ----------
    capaian_wajar, penyerapan_wajar
        Plausible range in percent, bounds included; computed values outside are flagged.
    toleransi_capaian
        Points a printed capaian may differ from the computed one (tables round it).
    toleransi_penyerapan
        Points a printed penyerapan may differ from realisasi / pagu (printed with 2 decimals).
    toleransi_rupiah
        Rupiah a stated amount may differ from a sum; 0 means exact.
    capaian
        Settings to compute capaian with; a printed capaian is compared with the capped value.

    """

    capaian_wajar: tuple[float, float] = (0.0, 200.0)
    penyerapan_wajar: tuple[float, float] = (0.0, 200.0)
    toleransi_capaian: float = 0.5
    toleransi_penyerapan: float = 0.01
    toleransi_rupiah: int = 0
    capaian: CapaianSettings | None = None

    def __post_init__(self) -> None:
        for name in ("capaian_wajar", "penyerapan_wajar"):
            low, high = getattr(self, name)
            if not low <= high:
                raise ValueError(f"{name} ({low}, {high}): batas bawah harus <= batas atas")
        for name in ("toleransi_capaian", "toleransi_penyerapan", "toleransi_rupiah"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"{name} {getattr(self, name)} tidak boleh negatif")


def audit_year(year: YearData, settings: AuditSettings | None = None) -> list[Finding]:
    """Return the consistency warnings of one satker-year, sorted by file and row.

    Files are named as in the year folder ('tabel_terbit.csv'); `check_year` adds the path.
    """
    settings = settings or AuditSettings()
    if settings.capaian is None:
        settings = dataclasses.replace(settings, capaian=capaian_settings(year.laporan))
    indikator = compute_capaian(year.indikator, settings.capaian)
    terbit = _terbit(year, indikator)
    return sort_findings(
        [
            *_terbit_target(terbit),
            *_terbit_realisasi(terbit),
            *_terbit_capaian(terbit, settings),
            *_terbit_not_in_pk(terbit),
            *_terbit_satuan(terbit),
            *_terbit_inconsistent(terbit),
            *_rkt_vs_pk(year, indikator),
            *_realisasi_missing(year, indikator),
            *_penjelasan_missing(year, indikator),
            *_realisasi_periode(year),
            *_capaian_implausible(year, indikator, settings),
            *_rollup(year.anggaran, "anggaran.csv", settings),
            *_rollup(_pendanaan_lines(year.rkt_pendanaan), "rkt_pendanaan.csv", settings),
            *_realisasi_unreported(year.anggaran),
            *_penyerapan(year.anggaran, settings),
            *_pk_anggaran(year, settings),
            *_total_terbit(year, settings),
        ]
    )


def check_year(
    data_dir: Path | str,
    satker: str,
    tahun: int,
    settings: AuditSettings | None = None,
    *,
    cap: str | float | None = None,
    skala: str | None = None,
) -> list[Finding]:
    """Return loader errors, loader warnings and audit warnings, sorted by file and row.

    When the loader finds errors there is no data to audit: its errors and warnings are
    returned. A missing folder or required file raises ``MissingDataError`` as ``load_year``
    does. ``cap`` and ``skala`` override the year's pengaturan for this run
    (``lakipkit.settings``) unless ``settings.capaian`` is given.
    """
    try:
        year = load_year(data_dir, satker, tahun)
    except DataValidationError as error:
        return sort_findings([*error.findings, *error.warnings])
    settings = settings or AuditSettings()
    if settings.capaian is None:
        chosen = capaian_settings(year.laporan, cap=cap, skala=skala)
        settings = dataclasses.replace(settings, capaian=chosen)
    folder = Path(data_dir) / satker / str(tahun)
    audit = [
        dataclasses.replace(finding, file=str(folder / finding.file))
        for finding in audit_year(year, settings)
    ]
    side = _beside_the_year(data_dir, satker, year)
    return sort_findings([*year.findings, *audit, *side])


def _beside_the_year(data_dir: Path | str, satker: str, year: YearData) -> list[Finding]:
    """Check the files the reports read apart from the year, so no build fails after periksa.

    riwayat.csv, renstra.csv and anggaran_triwulan.csv as their readers check them, the rows
    of riwayat.csv the comparison cannot use (`_riwayat`), and the values of riwayat.csv and
    renstra.csv against the year's indicators, as the Bab III comparisons check them
    (`evaluasi.value_findings`).
    """
    from lakipkit.evaluasi import read_riwayat, value_findings
    from lakipkit.tren import read_renstra
    from lakipkit.triwulan import penyerapan_to_date, read_anggaran_triwulan

    findings: list[Finding] = []

    def read(reader: Callable[[], pd.DataFrame]) -> pd.DataFrame | None:
        try:
            return reader()
        except DataValidationError as error:
            findings.extend([*error.findings, *error.warnings])
            return None

    renstra = read(lambda: read_renstra(data_dir, satker))
    riwayat = read(lambda: read_riwayat(data_dir, satker))
    triwulan = read(lambda: read_anggaran_triwulan(data_dir, satker, year.tahun))
    if triwulan is not None and len(triwulan):
        read(lambda: penyerapan_to_date(year.anggaran, triwulan, 4))
    if riwayat is not None:
        findings += _riwayat(data_dir, satker, year, riwayat)
    folder = Path(data_dir) / satker
    return findings + value_findings(year.indikator, renstra, riwayat, folder)


def _riwayat(
    data_dir: Path | str, satker: str, year: YearData, riwayat: pd.DataFrame
) -> list[Finding]:
    """Warn of the rows of riwayat.csv (satker level) the comparison cannot use."""
    pk = year.indikator.set_index("id")["satuan"]
    satuan = nilai_frame(riwayat["realisasi_teks"])["satuan"].fillna("")
    known = riwayat["indikator"].isin(pk.index)
    other = satuan.ne("") & satuan.map(normalize_satuan).ne(
        riwayat["indikator"].map(pk).map(normalize_satuan, na_action="ignore")
    )
    s = riwayat[(~known | other).to_numpy(dtype=bool)]
    why = np.where(
        s["indikator"].isin(pk.index),
        "satuan " + satuan[s.index].astype(str) + " bukan satuan indikatornya",
        "bukan indikator PK tahun " + str(year.tahun),
    )
    return _warnings(
        "riwayat_unused",
        str(Path(data_dir) / satker / "riwayat.csv"),
        row=s.index.to_series() + 2,
        column=np.where(s["indikator"].isin(pk.index), "realisasi", "indikator"),
        value=np.where(s["indikator"].isin(pk.index), s["realisasi_teks"], s["indikator"]),
        expected="id indikator PK tahun ini dengan satuan yang sama",
        message=_concat("baris tidak dibandingkan: ", pd.Series(why, index=s.index)),
    )


def missing_optional(data_dir: Path | str, satker: str, tahun: int) -> list[Finding]:
    """Say, as information, which optional parts of a unit-year are absent and what each adds.

    Nothing here is an error or a warning: a first report builds without them.
    """
    from lakipkit.satker_baru import optional_parts

    folder = Path(data_dir) / satker / str(tahun)
    adds = optional_parts()
    return [
        Finding(
            "info",
            os.path.normpath(folder / key),
            None,
            None,
            None,
            "",
            f"belum ada; bila diisi, laporan mendapat {adds[key]}",
            "opsional_kosong",
        )
        for files, key in _OPSIONAL
        if not any(_exists(folder / name) for name in files)
    ]


def _exists(path: Path) -> bool:
    """Whether a path exists; an unreadable folder is not 'missing' (the loader says why)."""
    try:
        return path.exists()
    except OSError:
        return True


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Order by file, then row (whole-file findings first); ties keep their order."""
    return sorted(findings, key=lambda f: (f.file, -1 if f.row is None else f.row))


def findings_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """Return one row per finding, columns ``FINDING_COLUMNS`` (notebook appendix, CLI)."""
    rows = [dataclasses.asdict(finding) for finding in findings]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS).astype({"row": "Int64"})


def format_findings(findings: Iterable[Finding]) -> str:
    """Return plain text grouped by file, one line per finding, in the order given."""
    by_file: dict[str, list[str]] = {}
    for finding in findings:
        by_file.setdefault(finding.file, []).append(_line(finding))
    return "\n".join(line for file, lines in by_file.items() for line in (file, *lines))


def run_periksa(
    data_dir: Path | str,
    satker: str,
    tahun: int,
    ketat: bool = False,
    settings: AuditSettings | None = None,
    *,
    cap: str | float | None = None,
    skala: str | None = None,
) -> tuple[int, str]:
    """Run `lakip periksa`: return the exit code and the text to print.

    Exit code 1 when there are errors, or with ``ketat`` any warning; otherwise 0.
    """
    findings = check_year(data_dir, satker, tahun, settings, cap=cap, skala=skala)
    galat = sum(finding.severity == "error" for finding in findings)
    peringatan = len(findings) - galat
    lines = [f"Pemeriksaan data {satker} tahun {tahun}", ""]
    if findings:
        lines += [format_findings(findings), ""]
    if info := missing_optional(data_dir, satker, tahun):
        lines += ["Bagian opsional yang belum ada (informasi, bukan kesalahan):"]
        lines += [format_findings(info), ""]
    lines.append(f"Hasil: {galat} galat, {peringatan} peringatan.")
    if ketat and peringatan and not galat:
        lines.append("Mode ketat: peringatan dihitung sebagai kegagalan.")
    return int(galat > 0 or (ketat and peringatan > 0)), "\n".join(lines)


# --- building findings ----------------------------------------------------------------------


def _line(finding: Finding) -> str:
    where = finding.location()
    found = f"ditemukan '{finding.value}'" if finding.value is not None else ""
    wanted = f"diharapkan {finding.expected}" if finding.expected else ""
    detail = ", ".join(part for part in (found, wanted) if part)
    return (
        f"  [{_LABEL[finding.severity]}: {finding.kode}] {where + ': ' if where else ''}"
        f"{finding.message}{f' ({detail})' if detail else ''}"
    )


def _warnings(
    kode: str,
    file: str,
    *,
    row: object,
    column: object,
    value: object,
    expected: object,
    message: object,
) -> list[Finding]:
    """Return the findings of one check; each argument is a Series over its rows or a scalar."""
    hasil = pd.DataFrame(
        {"row": row, "column": column, "value": value, "expected": expected, "message": message}
    )
    return [
        Finding(
            severity="warning",
            file=file,
            row=None if pd.isna(r) else int(r),
            column=c,
            value=None if pd.isna(v) else str(v),
            expected=str(e),
            message=str(m),
            kode=kode,
        )
        for r, c, v, e, m in hasil.itertuples(index=False)
    ]


def _concat(*parts: pd.Series | str) -> pd.Series:
    """Join text parts (Series over the same rows, and strings) into one text per row."""
    return functools.reduce(operator.add, parts)  # type: ignore[return-value]


def _teks(values: pd.Series, fmt: Callable[[object], str]) -> pd.Series:
    """Format each value as text; a string Series even when empty, so it can be joined."""
    return values.astype(object).map(fmt).astype("string")


def _printed_pct(value: object) -> str:
    """Show a printed percentage as read: 1000 -> '1.000%', 97.5 -> '97,5%'."""
    return f"{format_angka(value)}%"


def _rows(frame: pd.DataFrame) -> np.ndarray:
    """Return the file line numbers of a loaded frame's rows (index = data row - 2)."""
    return frame.index.to_numpy() + 2


def _row_of(frame: pd.DataFrame, key: str) -> pd.Series:
    """Return the file line number by the value of ``key`` (the first row if it repeats)."""
    keyed = pd.Series(_rows(frame), index=frame[key].to_numpy())
    return keyed[~keyed.index.duplicated()]


def _nilai(teks: pd.Series, prefix: str) -> pd.DataFrame:
    """Parse a target/realisasi text column into ``<prefix>_kunci`` and ``<prefix>_satuan``.

    Two values are the same iff their keys are equal: same kind, number(s) and grade. The
    satuan is compared on its own (normalised), so '1 Satker' equals '1 satker'.
    """
    nilai = nilai_frame(teks)
    bagian = [nilai["bentuk"], nilai["angka"].round(9), nilai["atas"].round(9), nilai["predikat"]]
    teks_bagian = [b.astype("string").fillna("") for b in bagian]
    return pd.DataFrame(
        {
            f"{prefix}_kunci": teks_bagian[0]
            .str.cat(teks_bagian[1:], sep="|")
            .where(nilai["bentuk"].notna()),
            f"{prefix}_satuan": nilai["satuan"].fillna("").map(normalize_satuan),
        },
        index=teks.index,
    )


def _differs(a: pd.Series, b: pd.Series) -> pd.Series:
    """Mark rows where both keys are present and unequal."""
    return (a.notna() & b.notna() & (a != b)).fillna(False).astype(bool)


# --- published tables -----------------------------------------------------------------------


def _terbit(year: YearData, indikator: pd.DataFrame) -> pd.DataFrame:
    """Join tabel_terbit with what each row restates: the PK or RKT indicator of its id."""
    pk = indikator.set_index("id")
    rkt = [
        pd.DataFrame(
            {
                "ref_target": frame.set_index("id")["target_teks"],
                "ref_satuan": frame.set_index("id")["satuan"],
                "ref_sumber": "RKT",
                "ref_file": file,
            }
        )
        for frame, file in (
            (year.rkt_sasaran_strategis, "rkt_sasaran_strategis.csv"),
            (year.rkt_program, "rkt_program.csv"),
        )
    ]
    ref = pd.concat(
        [
            pd.DataFrame(
                {
                    "ref_target": pk["target_teks"],
                    "ref_satuan": pk["satuan"],
                    "ref_realisasi": pk["realisasi_teks"],
                    "ref_capaian": pk["capaian_terbatas"],
                    "ref_sumber": "PK",
                    "ref_file": "indikator.csv",
                }
            ),
            *rkt,
        ]
    )
    terbit = year.tabel_terbit.join(ref[~ref.index.duplicated()], on="indikator")
    return pd.concat(
        [
            terbit,
            _nilai(terbit["target_teks"], "target"),
            _nilai(terbit["realisasi_teks"], "realisasi"),
            _nilai(terbit["ref_target"], "ref_target"),
            _nilai(terbit["ref_realisasi"], "ref_realisasi"),
        ],
        axis=1,
    ).assign(
        lokasi=_concat("tabel ", terbit["tabel"], " baris ", terbit["baris"].astype("string")),
        ref_capaian=lambda t: t["ref_capaian"].astype(float),
    )


def _terbit_target(t: pd.DataFrame) -> list[Finding]:
    s = t[_differs(t["target_kunci"], t["ref_target_kunci"])]
    return _warnings(
        "target_terbit_mismatch",
        _TERBIT,
        row=_rows(s),
        column="target",
        value=s["target_teks"],
        expected=_concat(s["ref_target"], " (target di ", s["ref_file"], ")"),
        message=_concat(
            s["lokasi"], ": target ", s["indikator"], " berbeda dari target ", s["ref_sumber"]
        ),
    )


def _terbit_realisasi(t: pd.DataFrame) -> list[Finding]:
    s = t[_differs(t["realisasi_kunci"], t["ref_realisasi_kunci"])]
    return _warnings(
        "realisasi_terbit_mismatch",
        _TERBIT,
        row=_rows(s),
        column="realisasi",
        value=s["realisasi_teks"],
        expected=_concat(s["ref_realisasi"], " (realisasi.csv)"),
        message=_concat(s["lokasi"], ": realisasi ", s["indikator"], " berbeda dari realisasi.csv"),
    )


def _terbit_capaian(t: pd.DataFrame, settings: AuditSettings) -> list[Finding]:
    selisih = (t["capaian"] - t["ref_capaian"]).abs()
    s = t[(selisih > settings.toleransi_capaian).fillna(False).astype(bool)]
    return _warnings(
        "capaian_terbit_mismatch",
        _TERBIT,
        row=_rows(s),
        column="capaian",
        value=_teks(s["capaian"], _printed_pct),
        expected=_concat(
            _teks(s["ref_capaian"], format_persen),
            " (dari target ",
            s["ref_target"],
            " dan realisasi ",
            s["ref_realisasi"],
            ")",
        ),
        message=_concat(
            s["lokasi"], ": capaian ", s["indikator"], " berbeda dari capaian yang dihitung"
        ),
    )


def _terbit_not_in_pk(t: pd.DataFrame) -> list[Finding]:
    """Flag rows that report realisasi or capaian of an indicator outside the PK.

    Rows that only restate a target (the RKT table of Bab II) are not flagged.
    """
    dilaporkan = t["realisasi_teks"].notna() | t["capaian"].notna()
    s = t[dilaporkan & t["ref_sumber"].ne("PK").fillna(True).astype(bool)]
    asal = s["ref_sumber"].map({"RKT": " (indikator RKT)"}).fillna("").astype("string")
    return _warnings(
        "not_in_pk",
        _TERBIT,
        row=_rows(s),
        column="indikator",
        value=s["indikator"],
        expected="id indikator PK (indikator.csv), atau baris dikeluarkan dari tabel capaian",
        message=_concat(s["lokasi"], " melaporkan realisasi/capaian indikator di luar PK", asal),
    )


def _terbit_satuan(t: pd.DataFrame) -> list[Finding]:
    """Compare the printed satuan with the indicator's (outside PK/RKT: with the target's)."""
    ref_satuan = t["ref_satuan"].fillna("").map(normalize_satuan)
    findings: list[Finding] = []
    for kolom, acuan in (
        ("target", ref_satuan),
        ("realisasi", ref_satuan.where(ref_satuan != "", t["target_satuan"])),
    ):
        tertulis = t[f"{kolom}_satuan"]
        s = t[(tertulis != "") & (acuan != "") & (tertulis != acuan)]
        findings += _warnings(
            "satuan_mismatch",
            _TERBIT,
            row=_rows(s),
            column=kolom,
            value=s[f"{kolom}_teks"],
            expected=_concat("satuan '", acuan[s.index].astype("string"), "'"),
            message=_concat(
                s["lokasi"],
                f": {kolom} ",
                s["indikator"],
                " ditulis dengan satuan '",
                tertulis[s.index].astype("string"),
                "'",
            ),
        )
    return findings


def _terbit_inconsistent(t: pd.DataFrame) -> list[Finding]:
    """Flag an indicator and column printed differently where no canonical value exists.

    Where a canonical value exists, each row that differs from it is already reported.
    """
    findings: list[Finding] = []
    capaian_teks = _teks(t["capaian"], _printed_pct)
    for kolom, kunci, tanpa_acuan, teks in (
        ("target", t["target_kunci"], t["ref_target_kunci"].isna(), t["target_teks"]),
        ("realisasi", t["realisasi_kunci"], t["ref_realisasi_kunci"].isna(), t["realisasi_teks"]),
        (
            "capaian",
            capaian_teks.where(t["capaian"].notna()),
            t["ref_capaian"].isna(),
            capaian_teks,
        ),
    ):
        s = pd.DataFrame(
            {
                "indikator": t["indikator"],
                "kunci": kunci,
                "label": _concat("tabel ", t["tabel"], ": ", teks),
            }
        )[(tanpa_acuan & kunci.notna()).astype(bool)]
        grup = s.groupby("indikator", sort=False)
        beda = s[s["kunci"] != grup["kunci"].transform("first")].drop_duplicates("indikator")
        daftar = beda["indikator"].map(grup["label"].agg("; ".join)).astype("string")
        findings += _warnings(
            "terbit_inconsistent",
            _TERBIT,
            row=_rows(beda),
            column=kolom,
            value=teks[beda.index],
            expected=_concat("nilai yang sama di setiap tabel (", daftar, ")"),
            message=_concat(
                "indikator ", beda["indikator"], f" dicetak dengan {kolom} berbeda antar tabel"
            ),
        )
    return findings


# --- RKT and PK -----------------------------------------------------------------------------


def _rkt_vs_pk(year: YearData, indikator: pd.DataFrame) -> list[Finding]:
    """Compare RKT rows linked to a PK indicator (``indikator_pk``): target and satuan."""
    pk = indikator.set_index("id")
    rkt = year.rkt_program[year.rkt_program["indikator_pk"].notna()]
    pk_target = rkt["indikator_pk"].map(pk["target_teks"]).astype("string")
    pk_satuan = rkt["indikator_pk"].map(pk["satuan"]).astype("string")
    target = _differs(_nilai(rkt["target_teks"], "t")["t_kunci"], _nilai(pk_target, "t")["t_kunci"])
    satuan = pk_satuan.notna() & rkt["satuan"].map(normalize_satuan).ne(
        pk_satuan.fillna("").map(normalize_satuan)
    )
    s, u = rkt[target], rkt[satuan.astype(bool)]
    return [
        *_warnings(
            "target_rkt_mismatch",
            "rkt_program.csv",
            row=_rows(s),
            column="target",
            value=s["target_teks"],
            expected=_concat(pk_target[s.index], " (target PK ", s["indikator_pk"], ")"),
            message=_concat("target RKT ", s["id"], " berbeda dari target PK ", s["indikator_pk"]),
        ),
        *_warnings(
            "satuan_mismatch",
            "rkt_program.csv",
            row=_rows(u),
            column="satuan",
            value=u["satuan"],
            expected=_concat("satuan '", pk_satuan[u.index], "' (PK ", u["indikator_pk"], ")"),
            message=_concat("satuan RKT ", u["id"], " berbeda dari satuan PK ", u["indikator_pk"]),
        ),
    ]


def _realisasi_missing(year: YearData, indikator: pd.DataFrame) -> list[Finding]:
    """Flag PK indicators without realisasi (an empty cell, or no row in realisasi.csv)."""
    s = indikator[indikator["realisasi_teks"].isna()]
    row = s["id"].map(_row_of(year.realisasi, "indikator"))
    return _warnings(
        "realisasi_missing",
        "realisasi.csv",
        row=row,
        column=np.where(row.notna(), "realisasi", "indikator"),
        value=s["id"].where(row.isna()),
        expected="realisasi akhir tahun (kosong hanya bila memang belum ada data)",
        message=_concat(
            "indikator PK ", s["id"], " belum punya realisasi: laporan menulis 'belum ada data'"
        ),
    )


def _penjelasan_missing(year: YearData, indikator: pd.DataFrame) -> list[Finding]:
    """Flag indicators below target whose causes or alternative solutions are not written.

    PermenPANRB 53/2014 asks Bab III to explain a missed target and the remedies; the report
    prints what penjelasan.csv gives and says once what it does not.
    """
    below = indikator[indikator["status"].eq(STATUS_TIDAK_TERCAPAI)]
    given = year.penjelasan.set_index("indikator").reindex(below["id"])
    row = below["id"].map(_row_of(year.penjelasan, "indikator"))
    penyebab = given["penyebab"].notna().to_numpy()
    solusi = given["solusi"].notna().to_numpy()
    s = below[~(penyebab & solusi)]
    row = row[s.index]
    kurang = pd.Series(
        np.select(
            [~penyebab & ~solusi, ~penyebab],
            ["penyebab dan alternatif solusi", "penyebab"],
            "alternatif solusi",
        ),
        index=below.index,
    )[s.index]
    column = np.where(
        row.isna(), "indikator", np.where(kurang.eq("alternatif solusi"), "solusi", "penyebab")
    )
    return _warnings(
        "penjelasan_missing",
        "penjelasan.csv",
        row=row,
        column=column,
        value=s["id"].where(row.isna()),
        expected="penyebab tidak tercapainya target dan alternatif solusinya",
        message=_concat(
            "indikator ",
            s["id"],
            " di bawah target (capaian ",
            _teks(s["capaian"], format_persen),
            ") belum punya ",
            kurang,
        ),
    )


def _realisasi_periode(year: YearData) -> list[Finding]:
    """Flag a stated year's realisasi that its months or quarters, combined, contradict."""
    derived = realisasi_tahunan(year.indikator, year.realisasi_bulanan, year.realisasi_triwulan)
    stated = year.realisasi.set_index("indikator")
    both = derived.index[derived["realisasi"].notna()].intersection(
        stated.index[stated["realisasi"].notna()]
    )
    hitung, tulis = derived.loc[both, "realisasi"], stated.loc[both, "realisasi"]
    differs = both[~np.isclose(hitung, tulis, rtol=1e-9, atol=1e-9)]
    s = pd.DataFrame({"id": differs, "teks": stated.loc[differs, "realisasi_teks"].to_numpy()})
    return _warnings(
        "realisasi_periode_mismatch",
        "realisasi.csv",
        row=s["id"].map(_row_of(year.realisasi, "indikator")),
        column="realisasi",
        value=s["teks"],
        expected="realisasi yang sama dengan gabungan per periode, atau catatan di keterangan",
        message=_concat(
            "realisasi tahunan ",
            s["id"],
            " berbeda dari gabungan realisasi ",
            derived.loc[differs, "sumber"].to_numpy(),
            " (",
            derived.loc[differs, "realisasi_teks"].to_numpy(),
            ", agregasi ",
            year.indikator.set_index("id").loc[differs, "agregasi_triwulan"].to_numpy(),
            ")",
        ),
    )


def _capaian_implausible(
    year: YearData, indikator: pd.DataFrame, settings: AuditSettings
) -> list[Finding]:
    low, high = settings.capaian_wajar
    s = indikator[(indikator["capaian"] < low) | (indikator["capaian"] > high)]
    return _warnings(
        "capaian_implausible",
        "realisasi.csv",
        row=s["id"].map(_row_of(year.realisasi, "indikator")),
        column="realisasi",
        value=s["realisasi_teks"],
        expected=f"capaian {format_angka(low)}-{format_angka(high)}%; periksa target, "
        "realisasi dan polaritas",
        message=_concat(
            "capaian ",
            s["id"],
            " ",
            _teks(s["capaian"], format_persen),
            " (target ",
            s["target_teks"],
            ") di luar rentang wajar",
        ),
    )


# --- budget ---------------------------------------------------------------------------------


def _pendanaan_lines(rkt: pd.DataFrame) -> pd.DataFrame:
    """Shape rkt_pendanaan.csv as budget lines for `anggaran.rollup` (no kode: 'no N')."""
    return pd.DataFrame(
        {
            "kode": rkt["kode"].fillna(_concat("no ", rkt["no"].astype("string"))),
            "induk": rkt["induk"],
            "uraian": rkt["uraian"],
            "sumber_dana": pd.Series(pd.NA, index=rkt.index, dtype="string"),
            "pagu": rkt["pagu"],
            "realisasi": pd.Series(pd.NA, index=rkt.index, dtype="Int64"),
        },
        index=rkt.index,
    )


def _rollup(lines: pd.DataFrame, file: str, settings: AuditSettings) -> list[Finding]:
    """Flag parent lines whose pagu or realisasi differs from the sum of their children.

    A realisasi above the sum of children of which some reported none may be explained by
    them (`_realisasi_unreported` flags those); one below it cannot.
    """
    hasil, selisih = rollup(lines)
    lebih = selisih["difference"].abs() > settings.toleransi_rupiah
    bisa = selisih["children_complete"] | (selisih["difference"] < 0)
    s = selisih[(lebih & bisa).astype(bool)]
    anak = s["kode"].map(hasil.set_index("kode")["jumlah_anak"]).astype("string")
    return _warnings(
        "rollup_mismatch",
        file,
        row=s["kode"].map(_row_of(lines, "kode")),
        column=s["field"],
        value=_teks(s["stated"], format_rupiah),
        expected=_concat(
            _teks(s["children_sum"], format_rupiah), " (jumlah ", anak, " baris rinciannya)"
        ),
        message=_concat(
            s["field"].astype("string"),
            " ",
            s["kode"].astype("string"),
            " selisih ",
            _teks(s["difference"], format_rupiah),
            " dari jumlah baris rinciannya",
        ),
    )


def _realisasi_unreported(anggaran: pd.DataFrame) -> list[Finding]:
    """Flag lowest-level lines with a pagu but no realisasi, where other lines report one."""
    daun = ~anggaran["kode"].isin(anggaran["induk"].dropna())
    kosong = daun & anggaran["realisasi"].isna() & anggaran["pagu"].gt(0).fillna(False)
    s = anggaran[kosong & anggaran["realisasi"].notna().any()]
    return _warnings(
        "realisasi_unreported",
        "anggaran.csv",
        row=_rows(s),
        column="realisasi",
        value=None,
        expected="realisasi yang dilaporkan (0 bila memang tidak terserap)",
        message=_concat(
            s["kode"],
            " berpagu ",
            _teks(s["pagu"], format_rupiah),
            " tanpa realisasi: jumlah dan penyerapan di atasnya (induk, total) "
            "menghitungnya sebagai 0",
        ),
    )


def _penyerapan(anggaran: pd.DataFrame, settings: AuditSettings) -> list[Finding]:
    """Check printed penyerapan, realisasi above pagu and penyerapan out of range."""
    a = compute_penyerapan(anggaran)
    penyerapan = pd.Series(a["penyerapan"], index=a.index, dtype=float)
    low, high = settings.penyerapan_wajar
    cocok = (a["persen_terbit"] - penyerapan).abs() <= settings.toleransi_penyerapan
    s = a[a["persen_terbit"].notna() & ~cocok]
    lebih = a[(a["realisasi"] > a["pagu"]).fillna(False).astype(bool)]
    luar = a[(penyerapan < low) | (penyerapan > high)]
    return [
        *_warnings(
            "persen_terbit_mismatch",
            "anggaran.csv",
            row=_rows(s),
            column="persen_terbit",
            value=_teks(s["persen_terbit"], _printed_pct),
            expected=_teks(
                penyerapan[s.index],
                lambda p: (
                    f"{format_persen(p)} (realisasi / pagu)"
                    if pd.notna(p)
                    else "kosong: realisasi tidak dilaporkan atau pagu belum diisi"
                ),
            ),
            message=_concat("penyerapan tercetak ", s["kode"], " berbeda dari realisasi / pagu"),
        ),
        *_warnings(
            "realisasi_over_pagu",
            "anggaran.csv",
            row=_rows(lebih),
            column="realisasi",
            value=_teks(lebih["realisasi"], format_rupiah),
            expected=_concat("paling banyak ", _teks(lebih["pagu"], format_rupiah), " (pagu)"),
            message=_concat("realisasi ", lebih["kode"], " melebihi pagu"),
        ),
        *_warnings(
            "penyerapan_implausible",
            "anggaran.csv",
            row=_rows(luar),
            column="realisasi",
            value=_teks(luar["realisasi"], format_rupiah),
            expected=f"penyerapan {format_angka(low)}-{format_angka(high)}%",
            message=_concat(
                "penyerapan ",
                luar["kode"],
                " ",
                _teks(penyerapan[luar.index], format_persen),
                " di luar rentang wajar",
            ),
        ),
    ]


def _pk_anggaran(year: YearData, settings: AuditSettings) -> list[Finding]:
    """Compare the programme budgets signed in the PK with the RKT's programme lines."""
    pk = year.pk_anggaran
    kode = pk["program"].map(year.program.set_index("kode")["kode_anggaran"]).astype("string")
    rkt = year.rkt_pendanaan.dropna(subset=["kode"])
    rkt_pagu = kode.map(rkt.drop_duplicates("kode").set_index("kode")["pagu"])
    rkt_row = kode.map(_row_of(rkt, "kode"))
    beda = rkt_pagu.notna() & ((pk["pagu"] - rkt_pagu).abs() > settings.toleransi_rupiah)
    s = pk[beda.fillna(False).astype(bool)]
    return _warnings(
        "pk_anggaran_mismatch",
        "pk_anggaran.csv",
        row=_rows(s),
        column="pagu",
        value=_teks(s["pagu"], format_rupiah),
        expected=_concat(
            _teks(rkt_pagu[s.index], format_rupiah),
            " (rkt_pendanaan.csv baris ",
            rkt_row[s.index].astype("Int64").astype("string"),
            ")",
        ),
        message=_concat(
            "pagu PK program ", s["program"], " berbeda dari baris ", kode[s.index], " di RKT"
        ),
    )


def _total_terbit(year: YearData, settings: AuditSettings) -> list[Finding]:
    """Compare stated totals with the computed ones: all lines, per sumber dana, or the RKT's.

    Realisasi and persen are compared where every line reported a realisasi, or where the
    stated figure is below the computed one (missing lines cannot explain that).
    """
    terbit = year.anggaran_terbit
    if terbit.empty:
        return []
    total = totals(year.anggaran)
    per_sumber = totals_by_source(year.anggaran).reindex(terbit["sumber_dana"].fillna(""))
    per_sumber.index = terbit.index
    rkt = terbit["sumber"].str.match(SUMBER_RKT).fillna(False).astype(bool)
    semua = terbit["sumber_dana"].isna()

    def acuan(untuk_rkt: object, untuk_semua: object, per: pd.Series) -> pd.Series:
        """Pick per row: the RKT figure, the all-lines figure, or the sumber dana's."""
        return per.astype(object).mask(semua, untuk_semua).mask(rkt, untuk_rkt)

    dasar = acuan(
        "jumlah baris teratas rkt_pendanaan.csv",
        "jumlah baris teratas anggaran.csv",
        _concat("jumlah baris ", terbit["sumber_dana"].fillna(""), " anggaran.csv"),
    ).astype("string")
    lengkap = acuan(True, total.realisasi_lengkap, per_sumber["realisasi_lengkap"].fillna(True))
    # a computed pagu that misses a line not filled in yet is not compared
    rkt_pagu = year.rkt_pendanaan.loc[year.rkt_pendanaan["induk"].isna(), "pagu"]
    rkt_total = rkt_pagu.sum() if rkt_pagu.notna().all() else np.nan
    pagu_total = total.pagu if total.pagu_lengkap and total.pagu is not None else np.nan
    pagu_sumber = (
        per_sumber["pagu"].astype(float).fillna(0).where(per_sumber["pagu_lengkap"].ne(False))
    )
    realisasi_total = np.nan if total.realisasi is None else total.realisasi
    findings: list[Finding] = []
    for kolom, hitung, toleransi, tampil, selalu in (
        (
            "pagu",
            acuan(rkt_total, pagu_total, pagu_sumber),
            settings.toleransi_rupiah,
            format_rupiah,
            True,
        ),
        (
            "realisasi",
            acuan(np.nan, realisasi_total, per_sumber["realisasi"].astype(float)),
            settings.toleransi_rupiah,
            format_rupiah,
            False,
        ),
        (
            "persen",
            acuan(np.nan, total.penyerapan, per_sumber["penyerapan"]),
            settings.toleransi_penyerapan,
            format_persen,
            False,
        ),
    ):
        hitung = hitung.astype(float)
        selisih = terbit[kolom].astype(float) - hitung
        bisa = lengkap.astype(bool) | (selisih < 0) | selalu
        s = terbit[((selisih.abs() > toleransi) & bisa).fillna(False).astype(bool)]
        tampil_cetak = _printed_pct if kolom == "persen" else format_rupiah
        findings += _warnings(
            "total_terbit_mismatch",
            "anggaran_terbit.csv",
            row=_rows(s),
            column=kolom,
            value=_teks(s[kolom], tampil_cetak),
            expected=_concat(_teks(hitung[s.index], tampil), " (", dasar[s.index], ")"),
            message=_concat(s["sumber"], f": {kolom} berbeda dari ", dasar[s.index]),
        )
    return findings
