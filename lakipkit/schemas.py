"""The data dictionary: one pandera model per CSV file, one pydantic model per YAML file.

A CSV file is read as text (nothing guessed), so every model describes text columns; the
``format`` in a field's metadata says how the text is read (see ``parsing.FORMATS``).
``validate_table`` checks one file and turns every pandera failure case into a ``Finding``;
checks that need several files (references, hierarchy cycles) live in ``loading``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import cache
from typing import Annotated, Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic.json_schema import JsonDict

from lakipkit.errors import KODE, Finding, ParseError
from lakipkit.parsing import (
    FORMATS,
    SKALA,
    decimal_conflicts,
    parse_column,
    parse_rupiah,
    parse_tanggal,
)
from lakipkit.settings import Pengaturan

ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]*"
POLARITAS = ("positif", "negatif", "rentang", "kualitatif")
RUMUS = ("sakip", "rasio")
AGREGASI_TRIWULAN = ("jumlah", "terakhir", "rata-rata")
SUMBER_DANA = ("APBN", "APBD")
_DECIMAL_FORMATS = ("angka", "persen", "nilai")
_UNIK = "unique_filled"


def _field(
    description: str,
    *,
    wajib: bool,
    format: str | None = None,
    isin: tuple[str, ...] | None = None,
    pattern: str | None = None,
    unique: bool = False,
    contoh: str | None = None,
    terbit: bool = False,
    kosong: str | None = None,
) -> Any:
    """Declare a column: required ones must be present and filled, optional may be empty.

    ``unique`` on an optional column applies to the filled cells only. ``kosong`` names the
    warning each empty cell gives (e.g. 'target_kosong'): a value a year just started leaves
    to fill in, so ``lakip periksa`` lists it.
    """
    checks: dict[str, Any] = {}
    if wajib:
        checks["str_length"] = {"min_value": 1}
    if isin is not None:
        checks["isin"] = list(isin) if wajib else [*isin, ""]
    if pattern is not None:
        checks["str_matches"] = f"^(?:{pattern})$" if wajib else f"^(?:{pattern})?$"
    metadata = {"wajib": wajib, "format": format, "contoh": contoh, "terbit": terbit}
    metadata |= {"pola": pattern, "unik": unique, "kosong": kosong}
    return pa.Field(description=description, unique=unique and wajib, metadata=metadata, **checks)


def wajib(description: str, **options: Any) -> Any:
    """Declare a required column: present in the header and filled on every row."""
    return _field(description, wajib=True, **options)


def opsional(description: str, **options: Any) -> Any:
    """Declare an optional column: may be left empty.

    Annotated ``Series[str] | None`` it may also be left out of the header; a ``Series[str]``
    column must be in the header even when its cells may wait to be filled (a target, a pagu).
    """
    return _field(description, wajib=False, **options)


class _Csv(pa.DataFrameModel):
    class Config:
        """Every column is declared; text is checked, never coerced."""

        strict = True
        coerce = False


_KODE_ANGGARAN = rf"{ID_PATTERN}(?:\s*;\s*{ID_PATTERN})*"


class Pohon(_Csv):
    """Pohon kinerja: tujuan, sasaran strategis, program, kegiatan, sub kegiatan, ... (opsional).

    Satu baris per simpul, sedalam yang dipakai unit; tingkat mana pun boleh dilewati.
    Pengganti program.csv + kegiatan.csv (pakai salah satu).
    """

    id: Series[str] = wajib(
        "id simpul, stabil antar tahun (boleh kode resmi)",
        pattern=ID_PATTERN,
        unique=True,
        contoh="2.23.02.2.01",
    )
    induk: Series[str] | None = opsional(
        "id simpul induk (baris lain di file ini); kosong di puncak", pattern=ID_PATTERN
    )
    tingkat: Series[str] = wajib(
        "kunci tingkat dari pengaturan.tingkat di laporan.yaml (bawaan: tujuan, "
        "sasaran_strategis, program, kegiatan, sub_kegiatan)",
        pattern=r"[a-z][a-z0-9_]*",
        contoh="sub_kegiatan",
    )
    nomor: Series[str] | None = opsional(
        "nomor atau kode yang dicetak di depan nama, seperti tertulis", contoh="2.23.02"
    )
    nama: Series[str] = wajib("nama tujuan/sasaran/program/kegiatan/sub kegiatan")
    kode_anggaran: Series[str] | None = opsional(
        "kode baris anggaran (anggaran.csv) yang dibelanjakan simpul ini, dipisah ';'",
        pattern=_KODE_ANGGARAN,
        contoh="2.23.02.2.01.0003",
    )


class Program(_Csv):
    """Program dalam Perjanjian Kinerja (PK)."""

    kode: Series[str] = wajib(
        "id program: bagian akhir kode anggaran", pattern=ID_PATTERN, unique=True, contoh="WA"
    )
    kode_anggaran: Series[str] = wajib(
        "kode anggaran program", pattern=ID_PATTERN, unique=True, contoh="076.01.WA"
    )
    huruf: Series[str] = wajib(
        "huruf urut program dalam PK", pattern="[A-Z]", unique=True, contoh="A"
    )
    nama: Series[str] = wajib("nama program", contoh="Program Dukungan Manajemen")


class Kegiatan(_Csv):
    """Kegiatan dalam PK (a., b., ...) dan kode anggaran yang dibelanjakannya."""

    id: Series[str] = wajib(
        "id kegiatan: program-huruf", pattern=ID_PATTERN, unique=True, contoh="WA-a"
    )
    program: Series[str] = wajib("kode program (program.csv)", pattern=ID_PATTERN, contoh="WA")
    huruf: Series[str] = wajib("huruf urut kegiatan dalam program", pattern="[a-z]", contoh="a")
    nama: Series[str] = wajib("nama kegiatan")
    kode_anggaran: Series[str] | None = opsional(
        "kode anggaran (anggaran.csv) yang dibelanjakan kegiatan, dipisah ';'",
        pattern=_KODE_ANGGARAN,
        contoh="3355;3360",
    )

    class Config:
        """Columns that must be unique together."""

        unique = ["program", "huruf"]


class Sasaran(_Csv):
    """Sasaran di bawah simpul pohon kinerja (atau program/kegiatan), atau di puncak."""

    id: Series[str] = wajib("id sasaran", pattern=ID_PATTERN, unique=True, contoh="WA-a-S01")
    program: Series[str] | None = opsional(
        "kode program (program.csv); kosong bila memakai kolom induk",
        pattern=ID_PATTERN,
        contoh="WA",
    )
    kegiatan: Series[str] | None = opsional(
        "id kegiatan (kegiatan.csv); kosong untuk sasaran program", pattern=ID_PATTERN
    )
    induk: Series[str] | None = opsional(
        "id simpul pohon.csv tempat sasaran ini berada; kosong = di puncak", pattern=ID_PATTERN
    )
    no: Series[str] = wajib("nomor urut sasaran dalam program/kegiatan", format="bulat", contoh="1")
    uraian: Series[str] = wajib("rumusan sasaran")


class Indikator(_Csv):
    """Indikator kinerja PK dengan satuan, target dan polaritas (id stabil antar tahun)."""

    id: Series[str] = wajib("id indikator PK", pattern=ID_PATTERN, unique=True, contoh="WA-01")
    sasaran: Series[str] | None = opsional(
        "id sasaran (sasaran.csv); kosong bila indikator langsung di bawah simpul (induk)",
        pattern=ID_PATTERN,
        contoh="WA-S01",
    )
    induk: Series[str] | None = opsional(
        "id simpul pohon.csv bila indikator tidak di bawah sasaran (mis. IKU di bawah sasaran "
        "strategis); kosong bila kolom sasaran diisi",
        pattern=ID_PATTERN,
    )
    uraian: Series[str] = wajib("rumusan indikator")
    satuan: Series[str] = wajib("satuan ukur", contoh="%")
    target: Series[str] = opsional(
        "target PK seperti tertulis, dengan satuan; kosong = target belum ditetapkan",
        format="nilai",
        contoh="97,5%",
        kosong="target_kosong",
    )
    polaritas: Series[str] = wajib(
        "arah kinerja: positif (makin tinggi makin baik), negatif, rentang, kualitatif",
        isin=POLARITAS,
    )
    rumus: Series[str] | None = opsional(
        "rumus capaian polaritas negatif: sakip (bawaan) atau rasio (target/realisasi)", isin=RUMUS
    )
    skala: Series[str] | None = opsional(
        "skala predikat, wajib untuk polaritas kualitatif", isin=tuple(SKALA)
    )
    agregasi_triwulan: Series[str] | None = opsional(
        "cara menggabung realisasi per bulan/triwulan menjadi realisasi s.d. triwulan dan "
        "realisasi tahunan: jumlah, terakhir (bawaan), rata-rata",
        isin=AGREGASI_TRIWULAN,
    )
    katalog: Series[str] | None = opsional(
        "kode indikator di katalog bersama (data/katalog/indikator.csv); satuan, polaritas, "
        "rumus dan skala harus sama dengan katalog; kosong = indikator satker sendiri",
        pattern=ID_PATTERN,
        unique=True,
        contoh="KPU-01",
    )
    kode_anggaran: Series[str] | None = opsional(
        "kode baris anggaran (anggaran.csv) yang membiayai indikator ini, beberapa dipisah ';'; "
        "kosong = kode simpulnya (kegiatan/program di kegiatan.csv, program.csv, pohon.csv)",
        pattern=_KODE_ANGGARAN,
        contoh="6867",
    )


class Realisasi(_Csv):
    """Realisasi akhir tahun per indikator (sumber: LAKIP Tabel 3.1)."""

    indikator: Series[str] = wajib("id indikator (indikator.csv)", pattern=ID_PATTERN, unique=True)
    realisasi: Series[str] | None = opsional(
        "realisasi seperti tertulis; kosong = belum ada data (bukan 0)",
        format="nilai",
        contoh="12 kali",
    )
    keterangan: Series[str] | None = opsional("catatan sumber atau perbedaan")


class RealisasiTriwulan(_Csv):
    """Realisasi per triwulan (TW I-IV), bila ada."""

    indikator: Series[str] = wajib("id indikator (indikator.csv)", pattern=ID_PATTERN)
    triwulan: Series[str] = wajib("triwulan 1-4", isin=("1", "2", "3", "4"), format="bulat")
    realisasi: Series[str] | None = opsional(
        "realisasi triwulan; kosong = belum ada data", format="nilai"
    )
    keterangan: Series[str] | None = opsional("catatan")

    class Config:
        """Columns that must be unique together."""

        unique = ["indikator", "triwulan"]


class RealisasiBulanan(_Csv):
    """Realisasi per bulan, bila ada: realisasi tahunan dihitung darinya (agregasi_triwulan)."""

    indikator: Series[str] = wajib("id indikator (indikator.csv)", pattern=ID_PATTERN)
    bulan: Series[str] = wajib(
        "bulan 1-12", isin=tuple(str(b) for b in range(1, 13)), format="bulat", contoh="7"
    )
    realisasi: Series[str] | None = opsional(
        "realisasi bulan itu (bukan kumulatif untuk agregasi jumlah); kosong = belum ada data",
        format="nilai",
    )
    keterangan: Series[str] | None = opsional("catatan")

    class Config:
        """Columns that must be unique together."""

        unique = ["indikator", "bulan"]


class TabelTerbit(_Csv):
    """Isi tabel laporan yang terbit (klaim), disimpan terpisah dari fakta."""

    tabel: Series[str] = wajib("nomor tabel seperti tercetak", contoh="3.1")
    baris: Series[str] = wajib("nomor baris dalam tabel", format="bulat", contoh="4")
    indikator: Series[str] = wajib(
        "id indikator PK, RKT (RKT-...) atau LAIN-.. (hanya ada di tabel terbit)",
        pattern=ID_PATTERN,
    )
    uraian_terbit: Series[str] | None = opsional("uraian indikator seperti tercetak")
    target: Series[str] | None = opsional("target seperti tercetak", format="nilai", terbit=True)
    realisasi: Series[str] | None = opsional(
        "realisasi seperti tercetak", format="nilai", terbit=True
    )
    capaian: Series[str] | None = opsional(
        "capaian seperti tercetak", format="persen", terbit=True, contoh="1000%"
    )

    class Config:
        """Columns that must be unique together."""

        unique = ["tabel", "baris"]


class Anggaran(_Csv):
    """Baris anggaran: pagu dan realisasi (sumber: LAKIP Tabel 3.13)."""

    kode: Series[str] = wajib("kode anggaran", pattern=ID_PATTERN, unique=True, contoh="6639")
    induk: Series[str] | None = opsional(
        "kode induk (baris lain di file ini); kosong di puncak", pattern=ID_PATTERN
    )
    uraian: Series[str] = wajib("uraian program/kegiatan")
    sumber_dana: Series[str] = wajib("sumber dana", isin=SUMBER_DANA)
    pagu: Series[str] = opsional(
        "pagu (rupiah utuh); kosong = belum diisi",
        format="rupiah",
        contoh="25.657.790.000",
        kosong="pagu_kosong",
    )
    realisasi: Series[str] | None = opsional(
        "realisasi anggaran (rupiah utuh); kosong = tidak dilaporkan", format="rupiah"
    )
    persen_terbit: Series[str] | None = opsional(
        "penyerapan seperti tercetak", format="persen", terbit=True, contoh="92.03"
    )


class AnggaranTerbit(_Csv):
    """Jumlah anggaran yang dinyatakan laporan dalam kalimat atau baris TOTAL."""

    sumber: Series[str] = wajib("tempat jumlah itu dinyatakan", contoh="LAKIP Tabel 3.13, TOTAL")
    sumber_dana: Series[str] | None = opsional("sumber dana; kosong = seluruhnya", isin=SUMBER_DANA)
    pagu: Series[str] | None = opsional("pagu tercetak", format="rupiah", terbit=True)
    realisasi: Series[str] | None = opsional("realisasi tercetak", format="rupiah", terbit=True)
    persen: Series[str] | None = opsional("persen tercetak", format="persen", terbit=True)


class PkAnggaran(_Csv):
    """Anggaran program yang ditandatangani dalam PK."""

    program: Series[str] = wajib("kode program (program.csv)", pattern=ID_PATTERN, unique=True)
    uraian: Series[str] = wajib("uraian program seperti dalam PK")
    pagu: Series[str] = opsional(
        "pagu program dalam PK; kosong = belum diisi", format="rupiah", kosong="pagu_kosong"
    )


class RktSasaranStrategis(_Csv):
    """RKT Tabel 2.1: sasaran strategis dan targetnya."""

    id: Series[str] = wajib("id indikator RKT", pattern=ID_PATTERN, unique=True, contoh="RKT-SS-01")
    tujuan: Series[str] = wajib("tujuan seperti tercetak")
    sasaran: Series[str] = wajib("sasaran strategis seperti tercetak")
    uraian: Series[str] = wajib("indikator")
    satuan: Series[str] = wajib("satuan ukur")
    target: Series[str] | None = opsional("target; kosong = tidak tercetak di RKT", format="nilai")
    polaritas: Series[str] = wajib("arah kinerja", isin=POLARITAS)
    skala: Series[str] | None = opsional("skala predikat (kualitatif)", isin=tuple(SKALA))
    indikator_pk: Series[str] | None = opsional(
        "id indikator PK (indikator.csv) yang realisasinya mengukur IKU ini, bila satuannya "
        "sama; kosong = realisasi IKU tidak ada dalam data",
        pattern=ID_PATTERN,
    )


class Penjelasan(_Csv):
    """Penyebab keberhasilan/kegagalan dan alternatif solusi per indikator (opsional)."""

    indikator: Series[str] = wajib("id indikator (indikator.csv)", pattern=ID_PATTERN, unique=True)
    penyebab: Series[str] | None = opsional(
        "penyebab keberhasilan atau kegagalan mencapai target, sebagai kalimat laporan"
    )
    solusi: Series[str] | None = opsional(
        "alternatif solusi atau upaya yang dilakukan/akan dilakukan bila target belum tercapai"
    )


class Standar(_Csv):
    """Standar nasional per indikator, bila ada (opsional)."""

    indikator: Series[str] = wajib("id indikator (indikator.csv)", pattern=ID_PATTERN, unique=True)
    standar: Series[str] = wajib(
        "nilai standar nasional dengan satuan indikatornya", format="nilai", contoh="75%"
    )
    sumber: Series[str] | None = opsional(
        "dasar standar itu (peraturan, SPM, rata-rata nasional)", contoh="SPM Perpustakaan"
    )


class RktProgram(_Csv):
    """RKT Tabel 2.2: target program dan kegiatan."""

    id: Series[str] = wajib("id indikator RKT", pattern=ID_PATTERN, unique=True, contoh="RKT-WA-01")
    program: Series[str] = wajib("kode program (program.csv)", pattern=ID_PATTERN)
    kegiatan: Series[str] | None = opsional("judul kegiatan seperti tercetak")
    sasaran: Series[str] = wajib("sasaran seperti tercetak")
    uraian: Series[str] = wajib("indikator")
    satuan: Series[str] = wajib("satuan ukur")
    target: Series[str] | None = opsional("target; kosong = tidak tercetak di RKT", format="nilai")
    polaritas: Series[str] = wajib("arah kinerja", isin=POLARITAS)
    skala: Series[str] | None = opsional("skala predikat (kualitatif)", isin=tuple(SKALA))
    indikator_pk: Series[str] | None = opsional(
        "id indikator PK yang sama (indikator.csv), bila ada", pattern=ID_PATTERN
    )


class RktPendanaan(_Csv):
    """RKT Tabel 2.3.1: rencana pendanaan."""

    no: Series[str] = wajib("nomor urut", format="bulat", unique=True)
    kode: Series[str] | None = opsional(
        "kode anggaran; kosong bila RKT tidak mencetaknya", pattern=ID_PATTERN, unique=True
    )
    induk: Series[str] | None = opsional("kode induk (baris lain di file ini)", pattern=ID_PATTERN)
    uraian: Series[str] = wajib("uraian")
    pagu: Series[str] = opsional(
        "pagu rencana; kosong = belum diisi", format="rupiah", kosong="pagu_kosong"
    )


class Pegawai(_Csv):
    """Tabel pegawai (LAKIP Tabel 1.1 dan 1.2)."""

    tabel: Series[str] = wajib("nomor tabel", contoh="1.1")
    no: Series[str] = wajib("nomor baris", format="bulat")
    jabatan: Series[str] = wajib("jabatan")
    jumlah: Series[str] | None = opsional("jumlah orang; kosong = tidak tercetak", format="bulat")
    status: Series[str] = wajib("status kepegawaian", contoh="Organik")

    class Config:
        """Columns that must be unique together."""

        unique = ["tabel", "no"]


class Organisasi(_Csv):
    """Bagan organisasi sebagai pohon (Bagan 1.1 / 1.2)."""

    id: Series[str] = wajib("id unit/jabatan", pattern=ID_PATTERN, unique=True, contoh="KUL-01")
    induk: Series[str] | None = opsional("id atasan (baris lain di file ini)", pattern=ID_PATTERN)
    unit: Series[str] = wajib("unit kerja")
    jabatan: Series[str] = wajib("jabatan")
    nama: Series[str] | None = opsional("nama pejabat/pegawai")
    nip: Series[str] | None = opsional("NIP 18 angka", pattern=r"\d{18}")


class ProdukHukum(_Csv):
    """Produk hukum yang diterbitkan (Bab III)."""

    no: Series[str] = wajib("nomor urut", format="bulat", unique=True)
    produk_hukum: Series[str] = wajib("jenis produk hukum", contoh="Surat Keputusan (SK) Ketua")
    jumlah: Series[str] = wajib("jumlah dokumen", format="bulat", contoh="205")


class Ppid(_Csv):
    """Permohonan informasi melalui PPID (Bab III)."""

    no: Series[str] = wajib("nomor urut", format="bulat", unique=True)
    nomor_registrasi: Series[str] = wajib("nomor registrasi permohonan")
    jenis_informasi: Series[str] = wajib("informasi yang dimohon")
    keterangan: Series[str] | None = opsional("catatan")


class Mitra(_Csv):
    """Instansi mitra kerja sama per kegiatan (Bab III)."""

    no: Series[str] = wajib("nomor urut", format="bulat", unique=True)
    kegiatan: Series[str] = wajib("id kegiatan (kegiatan.csv)", pattern=ID_PATTERN, contoh="WA-a")
    nama: Series[str] = wajib("nama instansi")


class JadwalPemutakhiran(_Csv):
    """Jadwal tahapan pemutakhiran data pemilih (Bab III)."""

    huruf: Series[str] = wajib("huruf urut tahapan", pattern="[a-z]", unique=True)
    tahapan: Series[str] = wajib("nama tahapan")
    pelaksana: Series[str] | None = opsional("pelaksana tahapan")
    mulai: Series[str] = wajib("tanggal mulai", format="tanggal", contoh="2024-05-25")
    selesai: Series[str] = wajib("tanggal selesai, tidak sebelum mulai", format="tanggal")


class Dpt(_Csv):
    """Daftar Pemilih Tetap per jenis kelamin (jumlahnya dihitung, tidak disimpan)."""

    jenis_kelamin: Series[str] = wajib("jenis kelamin", unique=True, contoh="Perempuan")
    jumlah: Series[str] = wajib("jumlah pemilih", format="bulat", contoh="65030")


@dataclass(frozen=True)
class Table:
    """One CSV file of the layout: its model and whether it must exist and have rows."""

    file: str
    model: type[pa.DataFrameModel]
    level: str  # "data" (data/), "satker" (data/<satker>/) or "tahun" (data/<satker>/<tahun>/)
    wajib: bool
    min_rows: int


TABLES: tuple[Table, ...] = (
    Table("pegawai.csv", Pegawai, "satker", False, 0),
    Table("organisasi.csv", Organisasi, "satker", False, 0),
    Table("pohon.csv", Pohon, "tahun", False, 0),
    Table("program.csv", Program, "tahun", False, 0),
    Table("kegiatan.csv", Kegiatan, "tahun", False, 0),
    Table("sasaran.csv", Sasaran, "tahun", False, 0),
    Table("indikator.csv", Indikator, "tahun", True, 1),
    Table("realisasi.csv", Realisasi, "tahun", False, 0),
    Table("realisasi_triwulan.csv", RealisasiTriwulan, "tahun", False, 0),
    Table("realisasi_bulanan.csv", RealisasiBulanan, "tahun", False, 0),
    Table("tabel_terbit.csv", TabelTerbit, "tahun", False, 0),
    Table("anggaran.csv", Anggaran, "tahun", False, 0),
    Table("anggaran_terbit.csv", AnggaranTerbit, "tahun", False, 0),
    Table("pk_anggaran.csv", PkAnggaran, "tahun", False, 0),
    Table("rkt_sasaran_strategis.csv", RktSasaranStrategis, "tahun", False, 0),
    Table("rkt_program.csv", RktProgram, "tahun", False, 0),
    Table("rkt_pendanaan.csv", RktPendanaan, "tahun", False, 0),
    Table("penjelasan.csv", Penjelasan, "tahun", False, 0),
    Table("standar.csv", Standar, "tahun", False, 0),
    Table("produk_hukum.csv", ProdukHukum, "tahun", False, 0),
    Table("ppid.csv", Ppid, "tahun", False, 0),
    Table("mitra.csv", Mitra, "tahun", False, 0),
    Table("jadwal_pemutakhiran.csv", JadwalPemutakhiran, "tahun", False, 0),
    Table("dpt.csv", Dpt, "tahun", False, 0),
)


#: Columns that hold the id of a row in another file (or the same file: a parent):
#: (file, column, target file, target column). ``loading`` checks each filled value exists;
#: the data workbook offers the target ids as a dropdown.
REFERENCES: tuple[tuple[str, str, str, str], ...] = (
    ("kegiatan.csv", "program", "program.csv", "kode"),
    ("sasaran.csv", "program", "program.csv", "kode"),
    ("sasaran.csv", "kegiatan", "kegiatan.csv", "id"),
    ("sasaran.csv", "induk", "pohon.csv", "id"),
    ("indikator.csv", "sasaran", "sasaran.csv", "id"),
    ("indikator.csv", "induk", "pohon.csv", "id"),
    ("realisasi.csv", "indikator", "indikator.csv", "id"),
    ("realisasi_triwulan.csv", "indikator", "indikator.csv", "id"),
    ("realisasi_bulanan.csv", "indikator", "indikator.csv", "id"),
    ("pk_anggaran.csv", "program", "program.csv", "kode"),
    ("rkt_program.csv", "program", "program.csv", "kode"),
    ("rkt_program.csv", "indikator_pk", "indikator.csv", "id"),
    ("rkt_sasaran_strategis.csv", "indikator_pk", "indikator.csv", "id"),
    ("penjelasan.csv", "indikator", "indikator.csv", "id"),
    ("standar.csv", "indikator", "indikator.csv", "id"),
    ("mitra.csv", "kegiatan", "kegiatan.csv", "id"),
)


# --- files read by their own module (tren, triwulan), not by load_year ---------------------

AGREGASI_RENSTRA = ("terakhir", "jumlah")


class RenstraTarget(pa.DataFrameModel):
    """renstra.csv (satker level): the Renstra's target per indicator and year."""

    indikator: Series[str] = wajib(
        "id indikator PK (indikator.csv) atau RKT yang stabil antar tahun",
        pattern=ID_PATTERN,
        contoh="WA-01",
    )
    tahun: Series[str] = wajib("tahun target", format="bulat", pattern=r"\d{4}", contoh="2025")
    target: Series[str] = wajib(
        "target Renstra untuk tahun itu, dengan satuan", format="nilai", contoh="97%"
    )
    target_akhir: Series[str] | None = opsional(
        "target akhir periode Renstra bila bukan target tahun terakhir (mis. jumlah lima "
        "tahun); cukup ditulis pada satu baris indikator itu",
        format="nilai",
        contoh="60 kegiatan",
    )
    agregasi: Series[str] | None = opsional(
        "cara menghitung realisasi s.d. tahun ini terhadap target akhir: terakhir (bawaan, "
        "realisasi tahun terakhir yang ada datanya) atau jumlah (realisasi dijumlah)",
        isin=AGREGASI_RENSTRA,
    )

    class Config:
        """Every column declared; text checked, never coerced; one row per indicator-year."""

        strict = True
        coerce = False
        unique = ["indikator", "tahun"]


RENSTRA = Table("renstra.csv", RenstraTarget, "satker", False, 0)


class AnggaranTriwulan(pa.DataFrameModel):
    """anggaran_triwulan.csv (optional, per year): planned and spent budget per quarter."""

    kode: Series[str] = wajib(
        "kode baris anggaran (anggaran.csv), biasanya baris terbawah",
        pattern=ID_PATTERN,
        contoh="6639",
    )
    triwulan: Series[str] = wajib("triwulan 1-4", isin=("1", "2", "3", "4"))
    rencana: Series[str] | None = opsional(
        "rencana penarikan dana pada triwulan itu (rupiah utuh, bukan kumulatif)",
        format="rupiah",
        contoh="150.000.000",
    )
    realisasi: Series[str] | None = opsional(
        "realisasi pada triwulan itu (rupiah utuh, bukan kumulatif); kosong = belum dilaporkan",
        format="rupiah",
    )

    class Config:
        """Every column declared; text checked, never coerced; one row per line-quarter."""

        strict = True
        coerce = False
        unique = ["kode", "triwulan"]


ANGGARAN_TRIWULAN = Table("anggaran_triwulan.csv", AnggaranTriwulan, "tahun", False, 0)


class Riwayat(pa.DataFrameModel):
    """riwayat.csv (satker level, optional): realisasi of years before the unit's first folder."""

    indikator: Series[str] = wajib(
        "id indikator PK (indikator.csv) yang stabil antar tahun", pattern=ID_PATTERN, contoh="P-01"
    )
    tahun: Series[str] = wajib("tahun realisasi", format="bulat", pattern=r"\d{4}", contoh="2023")
    target: Series[str] | None = opsional(
        "target tahun itu, dengan satuan; kosong = tidak diketahui", format="nilai"
    )
    realisasi: Series[str] = wajib(
        "realisasi tahun itu, dengan satuan", format="nilai", contoh="34800 orang"
    )
    sumber: Series[str] | None = opsional("dokumen asal angka itu", contoh="LKjIP 2023")

    class Config:
        """Every column declared; text checked, never coerced; one row per indicator-year."""

        strict = True
        coerce = False
        unique = ["indikator", "tahun"]


RIWAYAT = Table("riwayat.csv", Riwayat, "satker", False, 0)

#: How a catalogue indicator's values combine across units (lakipkit.konsolidasi).
AGREGASI = ("jumlah", "rata-rata", "rata-rata-tertimbang", "minimum", "maksimum")
#: What weighs a unit in a 'rata-rata-tertimbang': its total pagu, or its DPT (dpt.csv).
BOBOT = ("pagu", "dpt")


class KatalogIndikator(pa.DataFrameModel):
    """Indikator bersama banyak satker (dirujuk dari indikator.csv) dan cara menggabungnya."""

    kode: Series[str] = wajib(
        "kode indikator katalog, dirujuk kolom katalog di indikator.csv",
        pattern=ID_PATTERN,
        unique=True,
        contoh="KPU-01",
    )
    uraian: Series[str] = wajib("rumusan indikator")
    satuan: Series[str] = wajib("satuan ukur", contoh="%")
    polaritas: Series[str] = wajib("arah kinerja", isin=POLARITAS)
    rumus: Series[str] | None = opsional(
        "rumus capaian polaritas negatif: sakip (bawaan) atau rasio", isin=RUMUS
    )
    skala: Series[str] | None = opsional(
        "skala predikat, wajib untuk polaritas kualitatif", isin=tuple(SKALA)
    )
    agregasi: Series[str] = wajib(
        "cara menggabung nilai antar-satker: jumlah, rata-rata, rata-rata-tertimbang (bobot), "
        "minimum, maksimum; target dan realisasi digabung dengan cara yang sama",
        isin=AGREGASI,
    )
    bobot: Series[str] | None = opsional(
        "bobot rata-rata-tertimbang: pagu (jumlah pagu satker) atau dpt (jumlah dpt.csv)",
        isin=BOBOT,
    )
    keterangan: Series[str] | None = opsional("catatan: definisi, sumber data")

    class Config:
        """Every column declared; text checked, never coerced."""

        strict = True
        coerce = False


KATALOG = Table("katalog/indikator.csv", KatalogIndikator, "data", False, 0)

#: Optional files outside load_year: listed in the data dictionary with the others.
SIDE_TABLES: tuple[Table, ...] = (RENSTRA, RIWAYAT, ANGGARAN_TRIWULAN)
#: Files shared by every unit under data/ (not part of one satker-year).
SHARED_TABLES: tuple[Table, ...] = (KATALOG,)


def table(file: str) -> Table:
    """Return the ``Table`` of a file name such as 'indikator.csv'."""
    return next(entry for entry in TABLES if entry.file == file)


def columns(model: type[pa.DataFrameModel]) -> dict[str, pa.Column]:
    """Columns of a model, in file order."""
    return dict(model.to_schema().columns)


@cache
def _schema(model: type[pa.DataFrameModel]) -> pa.DataFrameSchema:
    """Build the model's schema plus the format checks its metadata asks for."""
    schema = model.to_schema()
    updates = {}
    for name, column in schema.columns.items():
        meta = column.metadata or {}
        fmt = meta.get("format")
        checks = list(column.checks)
        if fmt:
            checks.append(
                pa.Check(lambda s, f=fmt: parse_column(s, f).errors.isna(), name=f"format:{fmt}")
            )
        if fmt in _DECIMAL_FORMATS:
            checks.append(pa.Check(lambda s, f=fmt: ~decimal_conflicts(s, f), name="decimal_style"))
        if meta.get("unik") and not column.unique:  # optional: empty cells may repeat
            checks.append(pa.Check(lambda s: ~(s.ne("") & s.duplicated(keep=False)), name=_UNIK))
        if len(checks) > len(column.checks):
            updates[name] = {"checks": checks}
    # Frames are read as text (dtype=str), so the dtype check cannot fail: skip its cost.
    return schema.update_columns(
        {name: {"dtype": None, **updates.get(name, {})} for name in schema.columns}
    )


def _row(index: object) -> int | None:
    return None if index is None or pd.isna(index) else int(index) + 2  # type: ignore[call-overload]


def _rows_text(rows: pd.Index) -> str:
    return ", ".join(str(int(i) + 2) for i in rows)


def _finding_for(
    case: pd.Series, frame: pd.DataFrame, schema: pa.DataFrameSchema, file: str
) -> Finding | None:
    """Translate one pandera failure case; None for a case already told by another."""
    check, column, value = str(case["check"]), str(case["column"]), str(case["failure_case"])
    row = _row(case["index"])
    spec = schema.columns.get(column)
    meta = (spec.metadata or {}) if spec is not None else {}

    def finding(kode: str, message: str, expected: str, **changes: Any) -> Finding:
        found = Finding("error", file, row, column, value, expected, message, kode)
        return replace(found, **changes)

    if check == "column_in_schema":
        return finding(
            "extra_column",
            "kolom tidak dikenal",
            "hanya kolom " + ", ".join(schema.columns),
            row=1,
            column=value,
        )
    if check == "column_in_dataframe":
        return finding(
            "missing_column",
            "kolom wajib tidak ada di header",
            f"header memuat kolom '{value}'",
            row=1,
            column=value,
            value=None,
        )
    if check in ("field_uniqueness", "multiple_fields_uniqueness", _UNIK):
        keys = list(schema.unique or []) if check == "multiple_fields_uniqueness" else [column]
        if column != keys[0] or not frame.columns.isin(keys).sum() == len(keys):
            return None  # told once per row; a missing key column is told as missing
        repeated = frame.duplicated(keys, keep=False)
        same = frame[repeated & (frame[keys] == frame.loc[case["index"], keys]).all(axis=1)]
        if same.index[0] == case["index"]:
            return None
        shown = " + ".join(frame.loc[case["index"], keys])
        return finding(
            "duplicate_id",
            f"muncul lebih dari sekali (juga di baris {_rows_text(same.index[:1])})",
            f"{' + '.join(keys)} unik: tiap nilai hanya sekali",
            column=", ".join(keys),
            value=shown,
        )
    if value == "" and check.startswith(("isin", "str_matches")):
        return None  # an empty required value is reported once, as required_empty
    if check.startswith("str_length"):
        return finding(
            "required_empty", "kosong padahal wajib diisi", _expect(meta, spec), value=""
        )
    if check.startswith("isin") and spec is not None:
        allowed = [
            v for v in spec.checks[_check_index(spec, "isin")].statistics["allowed_values"] if v
        ]
        return finding(
            "not_allowed", "bukan nilai yang diizinkan", "salah satu dari: " + ", ".join(allowed)
        )
    if check.startswith("str_matches"):
        return finding("invalid_id", "tidak sesuai pola", _expect(meta, spec))
    if check.startswith("format:"):
        error = parse_column(pd.Series([value]), check.removeprefix("format:")).errors.iloc[0]
        assert isinstance(error, ParseError)
        return finding(error.kode, error.message, error.expected)
    if check == "decimal_style":
        parsed = parse_column(frame[column], meta["format"]).decimal
        first = parsed.dropna()
        style = {",": "koma", ".": "titik"}
        return finding(
            "mixed_decimal",
            f"memakai {style[parsed[case['index']]]} desimal, padahal baris "
            f"{_rows_text(first.index[first == first.iloc[0]])} memakai {style[first.iloc[0]]}",
            "satu gaya desimal dalam satu kolom: semua 97,5 atau semua 97.5",
            severity="warning" if meta.get("terbit") else "error",
        )
    return finding("invalid_value", f"gagal pemeriksaan {check}", _expect(meta, spec))


def _check_index(spec: pa.Column, name: str) -> int:
    return next(i for i, check in enumerate(spec.checks) if check.name == name)


def _expect(meta: dict[str, Any], spec: pa.Column | None) -> str:
    """Say what a column accepts, for messages and the data dictionary."""
    parts = [spec.description] if spec is not None and spec.description else []
    if meta.get("format"):
        parts.append(FORMATS[meta["format"]])
    if meta.get("contoh"):
        parts.append(f"contoh: {meta['contoh']}")
    return "; ".join(parts)


def validate_table(frame: pd.DataFrame, model: type[pa.DataFrameModel], file: str) -> list[Finding]:
    """Check one CSV frame (text, index = data row - 2) against its model; all findings.

    Besides the errors, an empty cell of a column declared with ``kosong`` is a warning.
    """
    schema = _schema(model)
    findings = _kosong(frame, schema, file)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        found = (_finding_for(case, frame, schema, file) for _, case in cases.iterrows())
        findings += [finding for finding in found if finding is not None]
    return findings


def _kosong(frame: pd.DataFrame, schema: pa.DataFrameSchema, file: str) -> list[Finding]:
    """One warning per empty cell of a column that may stay empty until its value is known."""
    findings = []
    for name, spec in schema.columns.items():
        kode = (spec.metadata or {}).get("kosong")
        if kode is None or name not in frame:
            continue
        expected = _expect(spec.metadata, spec)
        findings += [
            Finding("warning", file, int(index) + 2, name, None, expected, KODE[kode], kode)
            for index in frame.index[frame[name].eq("")]
        ]
    return findings


# --- YAML files -----------------------------------------------------------------------------


def _tanggal(value: object) -> object:
    return parse_tanggal(value) if isinstance(value, str) else value


def _rupiah(value: object) -> object:
    return parse_rupiah(value) if isinstance(value, str) else value


Tanggal = Annotated[dt.date, BeforeValidator(_tanggal)]
Rupiah = Annotated[int, BeforeValidator(_rupiah)]
#: A key that must be written but may stay empty until the document is signed (a new year):
#: empty gives the warning 'tanggal_kosong'.
KOSONG_TANGGAL: JsonDict = {"kosong": "tanggal_kosong"}


class _Yaml(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class Pejabat(_Yaml):
    """Pejabat yang namanya muncul di laporan."""

    peran: str = Field(description="kunci rujukan, mis. sekretaris, ketua")
    nama: str = Field(description="nama tanpa gelar")
    gelar: str = Field("", description="gelar di belakang nama")
    nip: str = Field(
        "", description="NIP 18 angka (teks, dalam tanda kutip)", pattern=r"^(\d{18})?$"
    )
    jabatan: str = Field(description="jabatan seperti ditulis di tanda tangan")


class SasaranStrategisRenstra(_Yaml):
    """Sasaran strategis Renstra dan tujuan yang didukungnya."""

    tujuan: int = Field(description="nomor urut tujuan (1 = yang pertama)", ge=1)
    uraian: str = Field(description="rumusan sasaran strategis")


class SatkerProfil(_Yaml):
    """Profil satker: nama, pejabat, Renstra, tugas dan fungsi."""

    nama: str = Field(description="nama lengkap satker")
    nama_singkat: str = Field(description="nama pendek untuk kepala halaman")
    kode: str = Field("", description="kode wilayah dalam nomor dokumen (teks)")
    kode_satker: str = Field("", description="kode satker DIPA (teks)")
    kota: str = Field("", description="kota tempat satker (sampul: Kota ...)")
    kabupaten: str = Field("", description="kabupaten tempat satker (sampul: Kabupaten ...)")
    provinsi: str = Field("", description="provinsi")
    induk: str = Field("", description="instansi induk")
    satker_induk: str = Field(
        "",
        description="id satker induk (folder lain di data/), untuk laporan konsolidasi",
        pattern=r"^([a-z0-9][a-z0-9-]*)?$",
    )
    logo_teks: str = Field("", description="teks pengganti logo")
    pejabat: list[Pejabat] = Field(description="pejabat penanda tangan", min_length=1)
    visi: str = Field(description="visi Renstra")
    misi: list[str] = Field(description="misi Renstra", min_length=1)
    tujuan: list[str] = Field(description="tujuan Renstra", min_length=1)
    sasaran_strategis: list[SasaranStrategisRenstra] = Field([], description="sasaran strategis")
    iku_keputusan: str = Field("", description="keputusan penetapan IKU")
    iku: list[str] = Field([], description="Indikator Kinerja Utama")
    landasan_hukum: list[str] = Field([], description="landasan hukum (Bab I)")
    tugas: list[str] = Field([], description="tugas (Bab I)")
    wewenang: list[str] = Field([], description="wewenang (Bab I)")
    fungsi: list[str] = Field([], description="fungsi (Bab I)")
    kewajiban: list[str] = Field([], description="kewajiban (Bab I)")
    media: dict[str, str] = Field({}, description="alamat situs dan media sosial")


class Penandatangan(_Yaml):
    """Penanda tangan laporan."""

    peran: str = Field(description="peran pejabat di satker.yaml")


class Renstra(_Yaml):
    """Renstra yang berlaku."""

    periode: str = Field(description="periode, mis. 2020-2024")
    keputusan: str = Field("", description="keputusan penetapan Renstra")
    keputusan_satker: str = Field("", description="keputusan Renstra satker")


class PkTtd(_Yaml):
    """Penandatanganan Perjanjian Kinerja."""

    tanggal: Tanggal | None = Field(
        description="tanggal PK; kosong = belum ditetapkan", json_schema_extra=KOSONG_TANGGAL
    )
    tempat: str = Field(description="tempat PK")
    pihak_pertama: str = Field(description="peran pejabat pihak pertama (satker.yaml)")
    pihak_kedua: str = Field(description="peran pejabat pihak kedua (satker.yaml)")


class RktTtd(_Yaml):
    """Penetapan Rencana Kinerja Tahunan."""

    tanggal: Tanggal | None = Field(
        description="tanggal RKT; kosong = belum ditetapkan", json_schema_extra=KOSONG_TANGGAL
    )
    tempat: str = Field("", description="tempat RKT")


class Dipa(_Yaml):
    """DIPA tahun ini."""

    nomor: str = Field(description="nomor SP DIPA")
    digital_stamp: str = Field("", description="digital stamp DIPA")
    pagu: Rupiah | None = Field(None, description="pagu DIPA (rupiah utuh)")
    tanggal: Tanggal | None = Field(None, description="tanggal DIPA")


class Laporan(_Yaml):
    """Data laporan satu tahun: tempat, tanggal, penanda tangan, PK, RKT, DIPA."""

    tahun: int = Field(description="tahun laporan, sama dengan nama folder")
    judul: str = Field(description="judul laporan")
    tempat: str = Field(description="tempat penandatanganan")
    tanggal: Tanggal | None = Field(
        description="tanggal laporan, mis. 2025-01-25 atau 25 Januari 2025; kosong = belum "
        "ditetapkan",
        json_schema_extra=KOSONG_TANGGAL,
    )
    penandatangan: Penandatangan = Field(description="penanda tangan laporan")
    renstra: Renstra | None = Field(None, description="Renstra yang berlaku")
    pk: PkTtd = Field(description="penandatanganan PK")
    rkt: RktTtd | None = Field(None, description="penetapan RKT")
    dipa: Dipa | None = Field(None, description="DIPA")
    pengaturan: Pengaturan = Field(
        default_factory=lambda: Pengaturan.model_validate({}),
        description="pengaturan laporan unit: batas capaian, predikat, pembulatan, tingkat "
        "pohon kinerja (docs/formulas.md); semua kunci boleh dihilangkan",
    )


YAML_FILES: dict[str, type[BaseModel]] = {"satker.yaml": SatkerProfil, "laporan.yaml": Laporan}


_YAML_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("missing_key", "tidak ada padahal wajib"),
    "extra_forbidden": ("unknown_key", "kunci tidak dikenal"),
    "string_type": ("invalid_key", "harus berupa teks (beri tanda kutip bila berupa angka)"),
    "int_type": ("invalid_key", "harus berupa bilangan bulat"),
    "int_parsing": ("invalid_key", "harus berupa bilangan bulat"),
    "int_from_float": ("invalid_key", "harus berupa bilangan bulat"),
    "list_type": ("invalid_key", "harus berupa daftar (baris diawali '- ')"),
    "dict_type": ("invalid_key", "harus berupa kumpulan 'kunci: nilai'"),
    "model_type": ("invalid_key", "harus berupa kumpulan 'kunci: nilai'"),
    "too_short": ("invalid_key", "tidak boleh kosong"),
    "greater_than_equal": ("invalid_key", "terlalu kecil"),
    "string_pattern_mismatch": ("invalid_key", "tidak sesuai pola"),
    "date_type": ("invalid_date", "bukan tanggal"),
    "float_type": ("invalid_key", "harus berupa angka"),
    "float_parsing": ("invalid_key", "harus berupa angka"),
    "bool_type": ("invalid_key", "harus true atau false"),
    "bool_parsing": ("invalid_key", "harus true atau false"),
    "literal_error": ("not_allowed", "bukan nilai yang diizinkan"),
    "less_than_equal": ("invalid_key", "terlalu besar"),
}


def _yaml_field(model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    """Return the description of the key at ``loc`` (list positions skipped)."""
    description = ""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or not (
            isinstance(current, type) and issubclass(current, BaseModel)
        ):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return "hanya kunci " + ", ".join(current.model_fields)
        description = info.description or ""
        current = _inner_model(info.annotation)
    return description


def _inner_model(annotation: Any) -> Any:
    """Find the BaseModel inside ``list[M]`` or ``M | None``, else return the annotation."""
    stack = [annotation]
    while stack:
        candidate = stack.pop()
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
        stack.extend(getattr(candidate, "__args__", ()))
    return annotation


def _dotted(loc: tuple[str | int, ...]) -> str:
    return ".".join(str(part) if isinstance(part, str) else f"[{part + 1}]" for part in loc)


def validate_yaml(
    data: object, model: type[BaseModel], file: str, lines: dict[tuple[str | int, ...], int]
) -> tuple[dict[str, Any] | None, list[Finding]]:
    """Check one parsed YAML document; return it typed (dates as ``date``) and the findings.

    ``lines`` maps a key path to the line it is on, so each finding names its line.
    """
    try:
        typed = model.model_validate(data)
    except ValidationError as errors:
        findings = []
        for error in errors.errors():
            loc = tuple(error["loc"])
            row = lines.get(loc) or lines.get(loc[:-1]) or 1
            parse_error = (error.get("ctx") or {}).get("error")
            if isinstance(parse_error, ParseError):
                kode, message, expected = (
                    parse_error.kode,
                    parse_error.message,
                    parse_error.expected,
                )
            elif isinstance(parse_error, ValueError):  # a model's own rule says what is wrong
                kode, message = "invalid_key", str(parse_error)
                expected = _yaml_field(model, loc)
            elif error.get("input", "") is None and error["type"].endswith("_type"):
                kode, message = "required_empty", "kosong padahal wajib diisi"
                expected = _yaml_field(model, loc)
            else:
                kode, message = _YAML_MESSAGES.get(error["type"], ("invalid_key", "tidak sah"))
                expected = _yaml_field(model, loc)
            value = None if error["type"] in ("missing", "extra_forbidden") else error.get("input")
            shown = value if isinstance(value, str | int | float | dt.date) else None
            findings.append(
                Finding(
                    "error",
                    file,
                    row,
                    _dotted(loc),
                    None if shown is None else str(shown),
                    expected,
                    message,
                    kode,
                )
            )
        return None, findings
    return typed.model_dump(), _kosong_yaml(typed, (), file, lines)


def _kosong_yaml(
    model: BaseModel,
    path: tuple[str | int, ...],
    file: str,
    lines: dict[tuple[str | int, ...], int],
) -> list[Finding]:
    """One warning per empty key that may stay empty until known (``KOSONG_TANGGAL``)."""
    findings = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        kode = extra.get("kosong")
        if value is None and isinstance(kode, str):
            loc = (*path, name)
            expected = info.description or ""
            findings.append(
                Finding(
                    "warning", file, lines.get(loc), _dotted(loc), None, expected, KODE[kode], kode
                )
            )
        elif isinstance(value, BaseModel):
            findings += _kosong_yaml(value, (*path, name), file, lines)
    return findings
