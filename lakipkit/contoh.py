"""Synthetic data at scale: many invented units in a hierarchy, for tests and benchmarks.

`generate_units` writes a complete ``data/`` folder: one root unit, its provinces, their
kabupaten/kota, for one or more years, in the layout of data/README.md. Every unit follows the
same indicator catalogue (`KATALOG`, the top-down PK of a KPU-like organisation), with varied
targets, realisasi and budgets, some missing values and a few planted contradictions, so the
batch build, the consolidated report and `lakip periksa` have something real to chew on.

Everything is invented and says so: ids start with ``rekaan-``, names end with "(Rekaan)",
each satker.yaml and the folder's README.md say that no real unit is meant. The output is a
pure function of the arguments: each unit-year draws from its own seeded generator, so a
unit's files do not change when more units are asked for, and two runs give the same bytes.
Files are written as text in the same shapes people write (Indonesian numbers), and the
loader checks them like any other data; nothing bypasses the schemas.
"""

from __future__ import annotations

import random
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lakipkit.errors import LakipError
from lakipkit.loading import KATALOG_DIR

#: Tag of the folder's README.md: a folder holding it may be overwritten by a new run.
PENANDA = "<!-- lakipkit-contoh -->"
PREFIX = "rekaan"
PROVINSI_MAKS = 38
KODE_PROGRAM = "999.01"  # no real ministry uses 999

#: Levels of the hierarchy, top first.
TINGKAT = ("pusat", "provinsi", "kabupaten/kota")


@dataclass(frozen=True)
class IndikatorContoh:
    """One indicator of the generated PK: where it sits, how it is measured and combined.

    ``target`` maps a level to its usual target; ``sebaran`` is the spread of realisasi
    around it (a fraction of the target). ``agregasi`` and ``bobot`` say how values combine
    across units (see the indicator catalogue).
    """

    kode: str
    sasaran: str
    uraian: str
    satuan: str
    polaritas: str
    agregasi: str
    bobot: str
    target: dict[str, float]
    sebaran: float
    bulat: bool = False


_PERSEN = {"pusat": 95.0, "provinsi": 95.0, "kabupaten/kota": 95.0}
#: The catalogue the generated units follow: program WA (dukungan manajemen) and CQ
#: (penyelenggaraan pemilu), ten indicators covering every polaritas with a numeric target
#: and every way of combining values.
KATALOG: tuple[IndikatorContoh, ...] = (
    IndikatorContoh(
        "KPU-01", "WA-S01", "Persentase pegawai yang kompetensinya sesuai standar jabatan",
        "%", "positif", "rata-rata", "", _PERSEN, 0.06,
    ),
    IndikatorContoh(
        "KPU-02", "WA-a-S01", "Jumlah revisi rencana kerja dan anggaran", "kali", "negatif",
        "jumlah", "", {"pusat": 6, "provinsi": 5, "kabupaten/kota": 4}, 0.4, bulat=True,
    ),
    IndikatorContoh(
        "KPU-03", "WA-a-S01", "Persentase laporan keuangan yang disampaikan tepat waktu",
        "%", "positif", "minimum", "", {"pusat": 100, "provinsi": 100, "kabupaten/kota": 100},
        0.05,
    ),
    IndikatorContoh(
        "KPU-04", "WA-b-S01", "Jumlah laporan Barang Milik Negara yang sesuai data akuntansi",
        "laporan", "positif", "jumlah", "", {"pusat": 4, "provinsi": 2, "kabupaten/kota": 2},
        0.3, bulat=True,
    ),
    IndikatorContoh(
        "KPU-05", "WA-b-S01", "Persentase fasilitas perkantoran yang berfungsi dengan baik",
        "%", "positif", "rata-rata-tertimbang", "pagu",
        {"pusat": 98, "provinsi": 95, "kabupaten/kota": 90}, 0.08,
    ),
    IndikatorContoh(
        "KPU-06", "WA-S02", "Persentase temuan pemeriksaan yang belum ditindaklanjuti", "%",
        "negatif", "maksimum", "", {"pusat": 10, "provinsi": 10, "kabupaten/kota": 15}, 0.5,
    ),
    IndikatorContoh(
        "KPU-07", "CQ-S01", "Tingkat partisipasi pemilih dalam pemilihan", "%", "positif",
        "rata-rata-tertimbang", "dpt", {"pusat": 77.5, "provinsi": 77.5, "kabupaten/kota": 77.5},
        0.1,
    ),
    IndikatorContoh(
        "KPU-08", "CQ-a-S01", "Jumlah kegiatan pendidikan pemilih untuk masyarakat",
        "kegiatan", "positif", "jumlah", "", {"pusat": 6, "provinsi": 8, "kabupaten/kota": 12},
        0.35, bulat=True,
    ),
    IndikatorContoh(
        "KPU-09", "CQ-a-S01", "Persentase permohonan informasi publik yang ditindaklanjuti",
        "%", "positif", "rata-rata", "", {"pusat": 100, "provinsi": 100, "kabupaten/kota": 100},
        0.06,
    ),
    IndikatorContoh(
        "KPU-10", "CQ-b-S01", "Persentase data pemilih yang dimutakhirkan tepat waktu", "%",
        "positif", "rata-rata", "", {"pusat": 90, "provinsi": 90, "kabupaten/kota": 90}, 0.1,
    ),
)  # fmt: skip

_PROGRAM = (
    ("WA", "A", "Program Dukungan Manajemen"),
    ("CQ", "B", "Program Penyelenggaraan Pemilu dalam Proses Konsolidasi Demokrasi"),
)
#: Kegiatan: id, program, letter, name, budget code, sumber dana, share of the unit's pagu.
_KEGIATAN = (
    ("WA-a", "WA", "a", "Perencanaan, Keuangan dan Pelaporan", "9101", "APBN", 0.22),
    ("WA-b", "WA", "b", "Pengelolaan Barang Milik Negara dan Sarana Kantor", "9102", "APBN", 0.18),
    ("CQ-a", "CQ", "a", "Pendidikan Pemilih dan Hubungan Masyarakat", "9201", "APBN", 0.15),
    ("CQ-b", "CQ", "b", "Teknis Penyelenggaraan Pemilihan", "9202", "APBD", 0.45),
)
_SASARAN = (
    ("WA-S01", "WA", "", 1, "Meningkatnya kapasitas sumber daya manusia"),
    ("WA-S02", "WA", "", 2, "Meningkatnya akuntabilitas pengelolaan organisasi"),
    ("WA-a-S01", "WA", "WA-a", 1, "Terwujudnya perencanaan dan pengelolaan keuangan yang tertib"),
    ("WA-b-S01", "WA", "WA-b", 1, "Terwujudnya pengelolaan Barang Milik Negara yang tertib"),
    ("CQ-S01", "CQ", "", 1, "Meningkatnya partisipasi masyarakat dalam pemilihan"),
    ("CQ-a-S01", "CQ", "CQ-a", 1, "Meningkatnya pengetahuan pemilih"),
    ("CQ-b-S01", "CQ", "CQ-b", 1, "Terselenggaranya tahapan pemilihan sesuai jadwal"),
)
#: Pagu of one unit per level (rupiah), before the unit's own variation.
_PAGU = {"pusat": 750_000_000_000, "provinsi": 24_000_000_000, "kabupaten/kota": 5_000_000_000}
_DPT = {"pusat": 0, "provinsi": 2_500_000, "kabupaten/kota": 180_000}
#: Indicator a few units add on their own (no catalogue code).
_LOKAL = ("WA-90", "WA-S02", "Persentase arsip yang tertata sesuai klasifikasi", "%", 90.0)

#: Share of unit-years given one planted contradiction, of one of the `KONTRADIKSI` kinds.
PELUANG_KONTRADIKSI = 0.03
#: Planted contradictions and the `lakip periksa` warning each one gives.
KONTRADIKSI = {
    "capaian_terbit": "capaian_terbit_mismatch",
    "realisasi_over_pagu": "realisasi_over_pagu",
    "rollup": "rollup_mismatch",
}
#: Share of indicator realisasi left empty (belum ada data) and of budget lines unreported.
PELUANG_KOSONG = 0.03


@dataclass(frozen=True)
class Unit:
    """One generated unit: id, name, level and parent id ('' at the top)."""

    id: str
    nama: str
    tingkat: str
    induk: str
    kota: str


def unit_tree(jumlah: int, provinsi: int | None = None) -> list[Unit]:
    """Lay out ``jumlah`` units: one pusat, ``provinsi`` provinces, the rest kabupaten/kota.

    Without ``provinsi``, about one province per 14 kabupaten/kota (38 for 550 units, as KPU
    has), at least one when there is room. Kabupaten/kota are dealt to the provinces in turn.
    """
    if jumlah < 1:
        raise LakipError(f"jumlah unit harus paling sedikit 1, ditemukan {jumlah}")
    if provinsi is None:
        provinsi = min(PROVINSI_MAKS, max(1, round((jumlah - 1) / 14.5))) if jumlah > 1 else 0
    if provinsi < 0 or (jumlah > 1 and provinsi < 1) or provinsi > jumlah - 1:
        raise LakipError(
            f"jumlah provinsi {provinsi} tidak cocok untuk {jumlah} unit: "
            f"pilih 1 sampai {max(jumlah - 1, 0)}"
        )
    pusat = Unit(f"{PREFIX}-kpu-ri", "Sekretariat Jenderal KPU (Rekaan)", "pusat", "", "Jakarta")
    units = [pusat]
    lebar = max(2, len(str(provinsi)))
    for p in range(1, provinsi + 1):
        kode = f"{p:0{lebar}d}"
        units.append(
            Unit(
                f"{PREFIX}-prov-{kode}",
                f"Sekretariat KPU Provinsi Rekaan {kode}",
                "provinsi",
                pusat.id,
                f"Ibu Kota Provinsi Rekaan {kode}",
            )
        )
    sisa = jumlah - 1 - provinsi
    nomor = [0] * provinsi
    for k in range(sisa):
        p = k % provinsi
        nomor[p] += 1
        kode = f"{p + 1:0{lebar}d}-{nomor[p]:02d}"
        jenis = "Kota" if nomor[p] % 4 == 0 else "Kabupaten"
        units.append(
            Unit(
                f"{PREFIX}-kab-{kode}",
                f"Sekretariat KPU {jenis} Rekaan {kode}",
                "kabupaten/kota",
                units[p + 1].id,
                f"{jenis} Rekaan {kode}",
            )
        )
    return units


def parse_tahun(text: str) -> list[int]:
    """Read '2024', '2023-2024' or '2022,2024' into a sorted list of years."""
    years: set[int] = set()
    try:
        for part in text.split(","):
            first, _, last = part.strip().partition("-")
            start, end = int(first), int(last or first)
            if not 1900 < start <= end < 2200:
                raise ValueError
            years.update(range(start, end + 1))
    except ValueError:
        raise LakipError(
            f"tahun {text!r} tidak dapat dibaca: tulis mis. 2024, 2023-2024 atau 2022,2024"
        ) from None
    return sorted(years)


def generate_units(
    data_dir: str | Path,
    jumlah: int,
    tahun: Sequence[int],
    *,
    provinsi: int | None = None,
    benih: int = 0,
    peluang_kontradiksi: float = PELUANG_KONTRADIKSI,
) -> list[Unit]:
    """Write ``jumlah`` invented units for the years ``tahun`` into ``data_dir``; return them.

    ``peluang_kontradiksi`` is the share of unit-years given one planted contradiction (the
    folder's README.md lists them).

    ``data_dir`` must be absent, empty or an earlier output of this function (its README.md
    carries `PENANDA`): it is then replaced whole. The files are written to a temporary
    folder first, so an interrupted run leaves no half-written data behind.
    """
    target = Path(data_dir)
    if target.exists() and (not target.is_dir() or _foreign(target)):
        raise LakipError(
            f"{target} sudah berisi data lain: pilih folder baru atau kosong untuk data rekaan"
        )
    years = sorted(set(tahun))
    if not years:
        raise LakipError("pilih paling sedikit satu tahun")
    units = unit_tree(jumlah, provinsi)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        (staging / KATALOG_DIR).mkdir()
        _write(staging / KATALOG_DIR / "indikator.csv", _katalog_csv())
        planted: list[str] = []
        for unit in units:
            folder = staging / unit.id
            folder.mkdir()
            _write(folder / "satker.yaml", _satker_yaml(unit))
            for year in years:
                planted += _write_year(folder / str(year), unit, year, benih, peluang_kontradiksi)
        _write(staging / "README.md", _readme(units, years, benih, planted))
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return units


def units_frame(units: Iterable[Unit]) -> pd.DataFrame:
    """Return the generated units as a frame (id, nama, tingkat, induk, kota), top first."""
    return pd.DataFrame([vars(unit) for unit in units], columns=list(Unit.__annotations__))


# --- one unit-year ------------------------------------------------------------------------------


def _foreign(folder: Path) -> bool:
    """Tell whether ``folder`` holds anything and is not an earlier output of `generate_units`."""
    if not any(folder.iterdir()):
        return False
    readme = folder / "README.md"
    return not (readme.is_file() and PENANDA in readme.read_text(encoding="utf-8"))


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def _csv(header: str, rows: Iterable[Sequence[object]]) -> str:
    """Write a small CSV; fields holding a comma or a quote are quoted."""

    def cell(value: object) -> str:
        text = str(value)
        return '"' + text.replace('"', '""') + '"' if ("," in text or '"' in text) else text

    return "\n".join([header, *(",".join(cell(v) for v in row) for row in rows)]) + "\n"


def _rupiah(value: int) -> str:
    """40719755000 -> '40.719.755.000' as people type it."""
    return f"{value:,}".replace(",", ".")


def _nilai(value: float, satuan: str, bulat: bool) -> str:
    """Write a value with its satuan as people type it: '97,5%', '12 kegiatan'."""
    if bulat:
        return f"{round(value)} {satuan}"
    text = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text}%" if satuan == "%" else f"{text} {satuan}"


def _katalog_csv() -> str:
    """Write the catalogue the generated units refer to (data/katalog/indikator.csv)."""
    return _csv(
        "kode,uraian,satuan,polaritas,rumus,skala,agregasi,bobot,keterangan",
        [
            (i.kode, i.uraian, i.satuan, i.polaritas, "", "", i.agregasi, i.bobot, "rekaan")
            for i in KATALOG
        ],
    )


def _satker_yaml(unit: Unit) -> str:
    induk = f"satker_induk: {unit.induk}\n" if unit.induk else ""
    return (
        "# DATA REKAAN untuk pengujian dan tolok ukur lakipkit: satker ini tidak ada.\n"
        f"nama: {unit.nama}\n"
        f"nama_singkat: {unit.nama.removeprefix('Sekretariat ')}\n"
        f"kota: {unit.kota}\n"
        f"{induk}"
        "pejabat:\n"
        "  - peran: sekretaris\n"
        "    nama: Nama Rekaan Sekretaris\n"
        f"    jabatan: Sekretaris {unit.nama.removeprefix('Sekretariat ')}\n"
        "  - peran: ketua\n"
        "    nama: Nama Rekaan Ketua\n"
        f"    jabatan: Ketua {unit.nama.removeprefix('Sekretariat ')}\n"
        "visi: Visi rekaan untuk pengujian.\n"
        "misi:\n"
        "  - Misi rekaan untuk pengujian.\n"
        "tujuan:\n"
        "  - Tujuan rekaan untuk pengujian.\n"
    )


def _write_year(folder: Path, unit: Unit, tahun: int, benih: int, peluang: float) -> list[str]:
    """Write one unit-year; return a line per planted contradiction."""
    rng = random.Random(f"{benih}/{unit.id}/{tahun}")
    planted = rng.choice(sorted(KONTRADIKSI)) if rng.random() < peluang else ""
    folder.mkdir()
    kota = unit.kota
    _write(
        folder / "laporan.yaml",
        f"tahun: {tahun}\n"
        f"judul: Laporan Kinerja {unit.nama} Tahun {tahun}\n"
        f"tempat: {kota}\n"
        f"tanggal: {tahun + 1}-01-{rng.randint(10, 31):02d}\n"
        "penandatangan:\n"
        "  peran: sekretaris\n"
        "pk:\n"
        f"  tanggal: {tahun}-02-{rng.randint(1, 28):02d}\n"
        f"  tempat: {kota}\n"
        "  pihak_pertama: sekretaris\n"
        "  pihak_kedua: ketua\n",
    )
    _write(
        folder / "program.csv",
        _csv(
            "kode,kode_anggaran,huruf,nama",
            [(k, f"{KODE_PROGRAM}.{k}", h, n) for k, h, n in _PROGRAM],
        ),
    )
    _write(
        folder / "kegiatan.csv",
        _csv("id,program,huruf,nama,kode_anggaran", [row[:5] for row in _KEGIATAN]),
    )
    _write(folder / "sasaran.csv", _csv("id,program,kegiatan,no,uraian", _SASARAN))

    indikator, realisasi = _indicators(rng, unit)
    _write(
        folder / "indikator.csv",
        _csv(
            "id,sasaran,uraian,satuan,target,polaritas,rumus,skala,agregasi_triwulan,katalog",
            indikator,
        ),
    )
    _write(folder / "realisasi.csv", _csv("indikator,realisasi,keterangan", realisasi))
    anggaran, where = _budget(rng, unit, planted)
    _write(
        folder / "anggaran.csv",
        _csv("kode,induk,uraian,sumber_dana,pagu,realisasi,persen_terbit", anggaran),
    )
    if _DPT[unit.tingkat]:
        total = round(_DPT[unit.tingkat] * rng.uniform(0.3, 3.0))
        laki = round(total * rng.uniform(0.48, 0.52))
        _write(
            folder / "dpt.csv",
            _csv("jenis_kelamin,jumlah", [("Laki-laki", laki), ("Perempuan", total - laki)]),
        )
    if planted == "capaian_terbit":
        # the published table restates a capaian that realisasi / target does not give
        row = next(r for r in realisasi if r[1])
        target = next(i[4] for i in indikator if i[0] == row[0])
        _write(
            folder / "tabel_terbit.csv",
            _csv(
                "tabel,baris,indikator,uraian_terbit,target,realisasi,capaian",
                [("3.1", 1, row[0], "", target, row[1], "150%")],
            ),
        )
        where = f"tabel_terbit.csv: capaian {row[0]} tercetak 150%"
    return [f"{unit.id} {tahun}/{where} ({KONTRADIKSI[planted]})"] if planted else []


def _indicators(
    rng: random.Random, unit: Unit
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Rows of indikator.csv and realisasi.csv: the catalogue, maybe one own indicator."""
    indikator: list[tuple[object, ...]] = []
    realisasi: list[tuple[object, ...]] = []
    for nomor, item in enumerate(KATALOG, start=1):
        program = item.sasaran[:2]
        ident = f"{program}-{nomor:02d}"
        target = item.target[unit.tingkat]
        if not item.bulat and rng.random() < 0.15 and target < 100:
            target = min(100.0, target + rng.choice((-5.0, -2.5, 2.5)))
        nilai = max(0.0, rng.gauss(target, item.sebaran * target))
        if item.satuan == "%":
            nilai = min(nilai, 100.0)
        kosong = rng.random() < PELUANG_KOSONG
        indikator.append(
            (
                ident,
                item.sasaran,
                item.uraian,
                item.satuan,
                _nilai(target, item.satuan, item.bulat),
                item.polaritas,
                "",
                "",
                "",
                item.kode,
            )
        )
        realisasi.append((ident, "" if kosong else _nilai(nilai, item.satuan, item.bulat), ""))
    if rng.random() < 0.1:
        ident, sasaran, uraian, satuan, target = _LOKAL
        indikator.append((ident, sasaran, uraian, satuan, _nilai(target, satuan, False),
                          "positif", "", "", "", ""))  # fmt: skip
        nilai = min(100.0, rng.gauss(target, 5))
        realisasi.append((ident, _nilai(nilai, satuan, False), "indikator satker sendiri"))
    return indikator, realisasi


def _budget(rng: random.Random, unit: Unit, planted: str) -> tuple[list[tuple[object, ...]], str]:
    """Rows of anggaran.csv (programme lines, then their kegiatan); where a contradiction is.

    ``planted`` 'realisasi_over_pagu' overspends the last kegiatan, 'rollup' states the first
    programme's pagu 10 million above the sum of its kegiatan.
    """
    total = _PAGU[unit.tingkat] * rng.uniform(0.6, 1.6)
    lines: dict[str, list[tuple[object, ...]]] = {kode: [] for kode, _, _ in _PROGRAM}
    pagu_program = dict.fromkeys(lines, 0)
    realisasi_program: dict[str, int | None] = dict.fromkeys(lines, 0)
    where = ""
    for _, program, _, nama, kode, sumber, share in _KEGIATAN:
        pagu = int(round(total * share * rng.uniform(0.8, 1.2), -3))
        realisasi: int | None = round(pagu * min(1.0, rng.uniform(0.78, 1.02)))
        if planted == "realisasi_over_pagu" and kode == _KEGIATAN[-1][4]:
            realisasi = round(pagu * 1.05)
            where = f"anggaran.csv: realisasi {kode} melebihi pagu"
        elif rng.random() < PELUANG_KOSONG:
            realisasi = None
        shown = "" if realisasi is None else _rupiah(realisasi)
        lines[program].append(
            (kode, f"{KODE_PROGRAM}.{program}", nama, sumber, _rupiah(pagu), shown, "")
        )
        pagu_program[program] += pagu
        so_far = realisasi_program[program]
        # a programme's realisasi is known only when each of its kegiatan reported one
        known = so_far is not None and realisasi is not None
        realisasi_program[program] = (so_far or 0) + (realisasi or 0) if known else None
    rows: list[tuple[object, ...]] = []
    for program, _, nama in _PROGRAM:
        stated = pagu_program[program]
        if planted == "rollup" and program == _PROGRAM[0][0]:
            stated += 10_000_000
            where = f"anggaran.csv: pagu {KODE_PROGRAM}.{program} berbeda dari rinciannya"
        jumlah = realisasi_program[program]
        shown = "" if jumlah is None else _rupiah(jumlah)
        uraian = nama.removeprefix("Program ")
        rows.append((f"{KODE_PROGRAM}.{program}", "", uraian, "APBN", _rupiah(stated), shown, ""))
        rows += lines[program]
    return rows, where


def _readme(
    units: Sequence[Unit], years: Sequence[int], benih: int, planted: Sequence[str] = ()
) -> str:
    per_level = {t: sum(u.tingkat == t for u in units) for t in TINGKAT}
    counts = ", ".join(f"{n} {t}" for t, n in per_level.items() if n)
    kontradiksi = "\n".join(f"- {line}" for line in planted) or "- (tidak ada)"
    tahun = ", ".join(str(y) for y in years)
    return (
        f"{PENANDA}\n"
        "# Data rekaan (synthetic data)\n\n"
        "**Semua satker, nama, angka dan teks di folder ini REKAAN** (invented): tidak ada\n"
        "satker nyata yang dimaksud. Folder ini dibuat oleh `lakip contoh` untuk pengujian dan\n"
        "tolok ukur; membuatnya lagi dengan argumen yang sama memberi file yang sama persis.\n\n"
        f"- unit: {len(units)} ({counts})\n"
        f"- tahun: {tahun}\n"
        f"- benih (seed): {benih}\n\n"
        "Setiap unit memuat indikator katalog yang sama (`katalog/indikator.csv`, PK dari\n"
        "atas ke bawah); beberapa menambah satu indikator sendiri (WA-90). Sebagian realisasi\n"
        "sengaja kosong (belum ada data) dan sebagian baris anggaran tanpa realisasi;\n"
        "`lakip periksa` menyebutnya sebagai peringatan. Setiap `satker.yaml` menyebut satker\n"
        "induknya (`satker_induk`).\n\n"
        "## Kontradiksi yang sengaja ditanam\n\n"
        f"{kontradiksi}\n"
    )
