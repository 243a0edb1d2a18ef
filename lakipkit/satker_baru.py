"""Start a new unit: the minimal files a first report needs, each saying what goes where.

``lakip satker-baru <id> --tahun 2025`` writes ``data/<id>/satker.yaml`` and
``data/<id>/<tahun>/`` with ``laporan.yaml``, ``indikator.csv`` (header only) and a
README.md that lists what to fill in first and which optional files add what. Required
values are left empty, not filled with placeholders, so nothing invented can reach a
report: ``lakip periksa`` names each one until it is filled in (docs/memulai.md).

Like ``lakip tahun-baru`` it never overwrites: the unit folder is built under a temporary
name and renamed when complete; an existing unit folder is refused.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from lakipkit.errors import DataValidationError, Finding, LakipError
from lakipkit.loading import SATKER_ID
from lakipkit.schemas import columns, table

SATKER_YAML = """\
# Profil unit. Isi setiap kunci yang kosong; `lakip periksa` menyebut yang belum terisi.
# Teks yang memuat ': ' diberi tanda kutip. Penjelasan setiap kunci: docs/data-dictionary.md.
nama:                 # nama lengkap unit, mis. Dinas Perpustakaan dan Kearsipan Kabupaten X
nama_singkat:         # nama pendek untuk kepala halaman
kota:                 # kabupaten/kota tempat unit, mis. Kabupaten X
provinsi: ""          # provinsi (boleh kosong)
pejabat:              # pejabat yang menandatangani; 'peran' dirujuk dari laporan.yaml
  - peran: kepala
    nama:             # nama tanpa gelar
    gelar: ""         # gelar di belakang nama (boleh kosong)
    nip: ""           # NIP 18 angka dalam tanda kutip (boleh kosong)
    jabatan:          # jabatan seperti di tanda tangan, mis. Kepala Dinas
  - peran: atasan
    nama:             # pihak kedua Perjanjian Kinerja, mis. Bupati X
    jabatan:
visi:                 # visi Renstra
misi:                 # satu misi per baris, diawali '- '
  -
tujuan:               # tujuan Renstra, satu per baris
  -
"""

LAPORAN_YAML = """\
# Laporan tahun {tahun}. Isi kunci yang kosong; tanggal boleh tetap kosong sampai ditetapkan.
tahun: {tahun}
judul:                # judul laporan, mis. Laporan Kinerja Instansi Pemerintah ... Tahun {tahun}
tempat:               # tempat penandatanganan laporan
tanggal:              # tanggal laporan, mis. 2026-01-31 (kosong = belum ditetapkan)
penandatangan:
  peran: kepala       # peran pejabat di satker.yaml
pk:                   # Perjanjian Kinerja
  tanggal:            # kosong = belum ditetapkan
  tempat:
  pihak_pertama: kepala
  pihak_kedua: atasan
# Pengaturan laporan (semua boleh dihilangkan; docs/formulas.md):
# pengaturan:
#   cap: 100                  # batas atas capaian (>= 100); hilangkan = tanpa batas
#   capaian_dicetak: terbatas # terbatas (nilai asli dalam kurung) atau tanpa_batas
#   desimal: 2
#   predikat:                 # pita unit sendiri, dari yang terendah; mulai = batas bawah
#     - {{label: Kurang, warna: "#d73027"}}
#     - {{label: Cukup, mulai: 60, warna: "#fee08b"}}
#     - {{label: Baik, mulai: 80, warna: "#1a9850"}}
#   tingkat:                  # nama tingkat pohon kinerja (pohon.csv), dari atas
#     - {{kunci: program, nama: Program}}
#     - {{kunci: kegiatan, nama: Kegiatan}}
#     - {{kunci: sub_kegiatan, nama: Sub Kegiatan}}
"""

README = """\
# {satker} {tahun}

Dibuat oleh `lakip satker-baru`. Panduan lengkap: docs/memulai.md.

## Wajib diisi dulu
1. `../satker.yaml`: nama, kota, pejabat, visi, misi, tujuan.
2. `laporan.yaml`: judul, tempat (tanggal boleh menyusul).
3. `indikator.csv`: satu baris per indikator Perjanjian Kinerja
   (kolom: {indikator}).

Lalu `lakip periksa --satker {satker} --tahun {tahun}` dan
`lakip build --satker {satker} --tahun {tahun}`.

## Opsional: tambahkan bila datanya ada
| file | yang ditambahkannya ke laporan |
|---|---|
{opsional}
"""


def optional_parts() -> dict[str, str]:
    """Say what each optional file adds to the report (README, ``lakip periksa`` information)."""
    return {
        "realisasi.csv": "realisasi akhir tahun per indikator, sehingga capaian dapat dihitung",
        "realisasi_bulanan.csv": "realisasi per bulan; realisasi tahunan dihitung darinya",
        "realisasi_triwulan.csv": "realisasi per triwulan: laporan triwulan, realisasi tahunan",
        "pohon.csv": "pohon kinerja (tujuan, sasaran strategis, program, kegiatan, sub "
        "kegiatan): tabel dikelompokkan per program/kegiatan, IKU diukur",
        "sasaran.csv": "rumusan sasaran di kolom Sasaran tabel kinerja",
        "anggaran.csv": "Bab III akuntabilitas keuangan: pagu, realisasi, penyerapan, efisiensi",
        "narasi/": "teks setiap bab (kata pengantar, ikhtisar, analisis per sasaran)",
        "../pegawai.csv": "tabel pegawai di Bab I",
        "../organisasi.csv": "bagan struktur organisasi di Bab I",
        "../renstra.csv": "perbandingan capaian dengan target Renstra",
        "../riwayat.csv": "realisasi tahun-tahun sebelum folder tahun pertama: perbandingan "
        "dengan tahun sebelumnya",
        "standar.csv": "perbandingan realisasi dengan standar nasional",
        "penjelasan.csv": "penyebab keberhasilan/kegagalan dan alternatif solusi per indikator",
    }


def start_satker(data_dir: Path | str, satker: str, tahun: int) -> list[Path]:
    """Create ``data/<satker>/`` with its first year; return the files written.

    Raises
    ------
    DataValidationError
        ``satker`` is not a valid id or ``tahun`` not a four-digit year.
    LakipError
        The unit folder already exists (nothing is touched).

    """
    data_dir = Path(data_dir)
    if not isinstance(satker, str) or not SATKER_ID.fullmatch(satker):
        expected = "huruf kecil, angka dan '-' saja, diawali huruf/angka (mis. dinas-x)"
        raise DataValidationError(
            [
                Finding(
                    "error",
                    str(data_dir),
                    None,
                    None,
                    str(satker),
                    expected,
                    "bukan id satker yang sah",
                    "invalid_satker_id",
                )
            ]
        )
    if not 1900 <= int(tahun) <= 2999:
        raise LakipError(f"tahun {tahun} tidak sah: tulis tahun empat angka, mis. 2025")
    target = data_dir / satker
    if target.exists():
        raise LakipError(
            f"{target} sudah ada; lakip satker-baru tidak pernah menimpa data. Untuk tahun "
            "berikutnya gunakan lakip tahun-baru."
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{satker}.baru-", dir=data_dir))
    try:
        staging.chmod(0o755)
        written = _write(staging, satker, int(tahun))
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(target / path.relative_to(staging) for path in written)


def _write(root: Path, satker: str, tahun: int) -> list[Path]:
    year = root / str(tahun)
    year.mkdir()
    header = ",".join(columns(table("indikator.csv").model))
    opsional = "\n".join(f"| `{name}` | {adds} |" for name, adds in optional_parts().items())
    files = {
        root / "satker.yaml": SATKER_YAML,
        year / "laporan.yaml": LAPORAN_YAML.format(tahun=tahun),
        year / "indikator.csv": header + "\n",
        year / "README.md": README.format(
            satker=satker, tahun=tahun, indikator=header.replace(",", ", "), opsional=opsional
        ),
    }
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return list(files)
