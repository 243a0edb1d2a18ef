"""Start a new year's folder from an earlier one: same structure and ids, values left to fill in.

The programmes, kegiatan, sasaran and indicators of a unit rarely change from one year to the
next, and their ids must not (data/README.md), so a new year starts as a copy of the structure
of an earlier one. Every value that belongs to a year is emptied rather than carried over,
because a stale number that looks filled in is worse than a visible gap: targets (unless the
satker's renstra.csv has that year's target), realisasi, pagu, published tables, dates and
prose. What is emptied and why is in docs/tahunan.md.

The command never overwrites: the new folder is built under a temporary name next to it and
renamed only when complete, and an existing year folder is refused.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from lakipkit.errors import LakipError
from lakipkit.loading import YearData, load_year
from lakipkit.tren import read_renstra, renstra_targets

#: Files whose rows are kept as they are: the structure of the PK.
STRUKTUR = ("pohon.csv", "program.csv", "kegiatan.csv", "sasaran.csv")
#: Files whose rows are kept with the ``target`` column taken from renstra.csv or emptied.
TARGET = ("indikator.csv", "rkt_sasaran_strategis.csv", "rkt_program.csv")
#: Files whose rows are kept with these value columns emptied: budget lines keep kode, induk,
#: uraian and sumber dana, so next year's pagu is typed next to the line it belongs to.
DIKOSONGKAN = {
    "anggaran.csv": ("pagu", "realisasi", "persen_terbit"),
    "anggaran_triwulan.csv": ("rencana", "realisasi"),
    "pk_anggaran.csv": ("pagu",),
    "rkt_pendanaan.csv": ("pagu",),
}
#: Written from the indicator ids, one row per indicator (and quarter), realisasi empty.
REALISASI = ("realisasi.csv", "realisasi_triwulan.csv")
# Every other CSV of the year (published tables, anggaran_terbit, the small tables such as
# ppid.csv or dpt.csv) holds facts of that year only: it is written with its header alone.

#: Keys of laporan.yaml emptied in the new year: dates are known once documents are signed.
LAPORAN_DIKOSONGKAN = (("tanggal",), ("pk", "tanggal"), ("rkt", "tanggal"))
#: Optional blocks of laporan.yaml whose keys become comments, to be filled in and uncommented.
LAPORAN_DIKOMENTARI = ("dipa",)

#: Visible in the draft report until the section is written.
BELUM_DIISI = "Belum diisi"

#: Title and guidance of each narrative section (``{tahun}`` is filled in).
PANDUAN: dict[str, tuple[str, str]] = {
    "kata_pengantar": (
        "Kata Pengantar",
        "pengantar singkat LAKIP {tahun}: maksud laporan sebagai pertanggungjawaban kinerja, "
        "harapan atas pemanfaatannya, dan ucapan terima kasih.",
    ),
    "ikhtisar": (
        "Ikhtisar Eksekutif",
        "ringkasan satu sampai dua halaman: tujuan dan sasaran, jumlah indikator yang tercapai "
        "dan yang tidak, capaian yang menonjol, kendala utama dan langkah perbaikannya, serta "
        "pagu, realisasi dan penyerapan anggaran {tahun}.",
    ),
    "bab1_latar_belakang": (
        "Bab I Pendahuluan: Latar Belakang",
        "dasar kewajiban menyusun LAKIP (Perpres 29/2014, PermenPANRB 53/2014) dan keadaan "
        "khusus tahun {tahun} (tahapan Pemilu/Pemilihan yang berjalan).",
    ),
    "bab1_maksud_tujuan": (
        "Bab I Pendahuluan: Maksud dan Tujuan",
        "maksud dan tujuan penyusunan LAKIP {tahun}.",
    ),
    "bab1_kedudukan": (
        "Bab I Pendahuluan: Kedudukan, Tugas, Wewenang dan Fungsi",
        "dasar hukum kedudukan satker; daftar tugas, wewenang, fungsi dan kewajiban diambil "
        "dari satker.yaml lewat penanda sisipan.",
    ),
    "bab1_struktur": (
        "Bab I Pendahuluan: Struktur Organisasi dan Sumber Daya Manusia",
        "susunan organisasi dan keadaan pegawai per {tahun} (tabel dari pegawai.csv dan "
        "organisasi.csv lewat penanda sisipan).",
    ),
    "bab1_sistematika": (
        "Bab I Pendahuluan: Sistematika Penyajian",
        "isi tiap bab laporan, dari Bab I sampai Bab IV dan lampiran.",
    ),
    "bab2_renstra": (
        "Bab II Perencanaan Kinerja: Rencana Strategis",
        "Renstra yang berlaku untuk {tahun}: visi, misi, tujuan, sasaran strategis dan IKU "
        "(dari satker.yaml lewat penanda sisipan).",
    ),
    "bab2_rkt": (
        "Bab II Perencanaan Kinerja: Rencana Kinerja Tahunan",
        "RKT {tahun}: sasaran, indikator dan target yang direncanakan.",
    ),
    "bab2_pk": (
        "Bab II Perencanaan Kinerja: Perjanjian Kinerja",
        "PK {tahun} yang ditandatangani: kalimat pengantar; tabel PK dibuat dari indikator.csv.",
    ),
    "bab3_pengukuran": (
        "Bab III Akuntabilitas Kinerja: Pengukuran Capaian Kinerja",
        "metode pengukuran: rumus capaian per polaritas dan skala predikat yang dipakai.",
    ),
    "bab3_kesimpulan": (
        "Bab III Akuntabilitas Kinerja: Kesimpulan Capaian",
        "kesimpulan umum capaian kinerja {tahun} dibanding target dan tahun sebelumnya.",
    ),
    "bab3_keuangan": (
        "Bab III Akuntabilitas Kinerja: Realisasi Anggaran",
        "pagu, realisasi dan penyerapan anggaran {tahun} per sumber dana dan per kegiatan; "
        "sebab sisa anggaran yang besar.",
    ),
    "bab4_penutup": (
        "Bab IV Penutup",
        "simpulan umum kinerja {tahun}, kendala, dan langkah perbaikan tahun berikutnya.",
    ),
}

_PANDUAN_ANALISIS = (
    "menurut PermenPANRB 53/2014: target dan realisasi {tahun}; realisasi dan capaian "
    "dibanding tahun lalu dan beberapa tahun terakhir; realisasi s.d. {tahun} dibanding target "
    "akhir Renstra; dibanding standar nasional bila ada; penyebab keberhasilan atau kegagalan "
    "dan alternatif solusinya; efisiensi penggunaan sumber daya; program/kegiatan yang "
    "menunjang atau menghambat."
)
_SISIPAN = re.compile(r"<!--\s*sisipan:.*?-->", re.DOTALL)
_PERIODE = re.compile(r"(\d{4})\s*[-–]\s*(\d{4})")


def start_year(data_dir: Path | str, satker: str, tahun: int, dari: int) -> list[Path]:
    """Create ``data/<satker>/<tahun>/`` from year ``dari``; return the files written.

    The source year must load without errors (``load_year``), so only a checked structure is
    copied. Targets come from the satker's renstra.csv for ``tahun`` where it has one.

    Raises
    ------
    LakipError
        The target folder already exists (nothing is touched), or ``tahun`` equals ``dari``.
    DataValidationError, MissingDataError
        The source year or renstra.csv has errors, or the source year does not exist.

    """
    tahun, dari = int(tahun), int(dari)
    if tahun == dari:
        raise LakipError(f"tahun baru ({tahun}) sama dengan tahun sumber: pilih --dari yang lain")
    sumber = load_year(data_dir, satker, dari)
    satker_dir = Path(data_dir) / satker
    tujuan = satker_dir / str(tahun)
    if tujuan.exists():
        raise LakipError(
            f"{tujuan} sudah ada; lakip tahun-baru tidak pernah menimpa data. Ubah file di "
            "folder itu langsung, atau pindahkan/hapus folder itu dulu bila memang ingin "
            "membuatnya ulang."
        )
    targets = renstra_targets(read_renstra(data_dir, satker), tahun)
    staging = Path(tempfile.mkdtemp(prefix=f".{tahun}.baru-", dir=satker_dir))
    try:
        staging.chmod(satker_dir.stat().st_mode & 0o777)  # mkdtemp's 0700 would stick
        written = _write_year(satker_dir / str(dari), staging, sumber, tahun, targets)
        if tujuan.exists():  # created by someone else meanwhile: still never overwrite
            raise LakipError(f"{tujuan} dibuat oleh proses lain selama penyalinan; tidak ditimpa")
        os.rename(staging, tujuan)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(tujuan / path.relative_to(staging) for path in written)


def source_files(source: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Split the source year's files into those the new year is made from and those left out.

    Made from: regular files that are data (top-level CSV, laporan.yaml, README.md,
    narasi/**.md). Left out, with the reason: symbolic links (never followed: a link to a
    private file must not become a readable copy), anything else (documents, images, backups:
    a year's data is the files above), and a CSV that cannot be read as UTF-8 text.
    Hidden files and folders are skipped silently, as before.
    """
    used: list[Path] = []
    left: list[tuple[Path, str]] = []
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_symlink():
            left.append((rel, "tautan simbolik, tidak diikuti"))
        elif not path.is_file():
            continue
        elif rel.parts[0] == "narasi" and rel.suffix == ".md":
            used.append(rel)
        elif len(rel.parts) == 1 and rel.name in ("laporan.yaml", "README.md"):
            used.append(rel)
        elif len(rel.parts) == 1 and rel.suffix == ".csv":
            problem = _csv_problem(path)
            if problem:
                left.append((rel, problem))
            else:
                used.append(rel)
        else:
            left.append((rel, "bukan file data (CSV, laporan.yaml, narasi/*.md)"))
    return used, left


def _csv_problem(path: Path) -> str | None:
    """Say why a CSV cannot be carried over (not UTF-8), or None."""
    try:
        path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return f"bukan teks UTF-8 (byte ke-{error.start + 1}); simpan ulang sebagai UTF-8"
    except OSError as error:
        return f"tidak dapat dibaca ({error.strerror})"
    return None


def _write_year(
    source: Path, target: Path, sumber: YearData, tahun: int, targets: pd.Series
) -> list[Path]:
    """Write every file of the new year into ``target``; return their paths."""
    written: list[Path] = []
    for rel in source_files(source)[0]:
        path = source / rel
        out = target / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        if rel.parts[0] == "narasi":
            key = rel.relative_to("narasi").with_suffix("").as_posix()
            text = path.read_text(encoding="utf-8-sig")
            out.write_text(narasi_template(key, text, sumber, tahun), encoding="utf-8")
        elif rel.suffix == ".csv":
            if rel.name in REALISASI:
                continue  # written below from the indicator ids
            _write_csv(out, new_csv(rel.name, _read_csv(path), targets))
        elif rel == Path("laporan.yaml"):
            text = path.read_text(encoding="utf-8-sig")
            out.write_text(new_laporan(text, tahun, sumber.tahun), encoding="utf-8")
        else:
            continue  # README.md, written below
        written.append(out)
    ids = sumber.indikator["id"].astype(str)
    # an indicator whose year value came from its months keeps no realisasi.csv row
    stated = sumber.realisasi["indikator"].astype(str)
    for name, frame in empty_realisasi(
        ids, stated if len(sumber.realisasi_bulanan) else ids
    ).items():
        _write_csv(target / name, frame)
        written.append(target / name)
    readme = target / "README.md"
    readme.write_text(year_readme(sumber, tahun, targets), encoding="utf-8")
    return [*written, readme]


def _read_csv(path: Path) -> pd.DataFrame:
    """Read a CSV of a year that loaded without errors, as text exactly as written.

    An empty extra CSV (no header either) stays empty.
    """
    if not path.read_bytes().strip():
        return pd.DataFrame()
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _write_csv(path: Path, frame: pd.DataFrame) -> None:
    if frame.columns.empty:
        path.write_text("", encoding="utf-8")
        return
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def new_csv(name: str, frame: pd.DataFrame, targets: pd.Series) -> pd.DataFrame:
    """Make the new year's version of one CSV of the old year (text frames, as written).

    ``targets`` maps an indicator id (PK or RKT) to its Renstra target for the new year.
    """
    if name in STRUKTUR:
        return frame
    if name in TARGET:
        return frame.assign(target=targets.reindex(frame["id"]).fillna("").to_numpy())
    if name in DIKOSONGKAN:
        return frame.assign(**{c: "" for c in DIKOSONGKAN[name] if c in frame})
    return frame.iloc[:0]


def empty_realisasi(ids: pd.Series, tahunan: pd.Series | None = None) -> dict[str, pd.DataFrame]:
    """realisasi.csv and realisasi_triwulan.csv with every indicator id and empty values.

    ``tahunan`` limits realisasi.csv to those ids (default: all): an indicator without a row
    there takes its year's value from its months or quarters.
    """
    per_triwulan = pd.MultiIndex.from_product([ids, ["1", "2", "3", "4"]])
    yearly = ids if tahunan is None else tahunan
    return {
        "realisasi.csv": pd.DataFrame({"indikator": yearly, "realisasi": "", "keterangan": ""}),
        "realisasi_triwulan.csv": pd.DataFrame(
            {
                "indikator": per_triwulan.get_level_values(0),
                "triwulan": per_triwulan.get_level_values(1),
                "realisasi": "",
                "keterangan": "",
            }
        ),
    }


def new_laporan(text: str, tahun: int, dari: int) -> str:
    """laporan.yaml for the new year, editing the old text in place so comments survive.

    ``tahun`` is set, the year in ``judul`` replaced, the dates (``LAPORAN_DIKOSONGKAN``)
    emptied, and the keys of the DIPA block (``LAPORAN_DIKOMENTARI``) left as comments with
    empty values: all of these are only known once the new year's documents are signed.
    """
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    edits = []
    for key, value in root.value:
        if key.value in LAPORAN_DIKOMENTARI and isinstance(value, yaml.MappingNode):
            start = text.index(":", key.end_mark.index) + 1
            last = max(node.end_mark.index for _, node in _scalars(value, ()))
            end = text.find("\n", last)
            end = len(text) if end < 0 else end  # the end of the block's last line
            indent = " " * value.start_mark.column
            lines = [f"# {indent}{item.value}:" for item, _ in value.value]
            note = f"  # isi dari dokumen {tahun}, lalu hapus '# ' di depan kunci di bawah"
            edits.append((start, end, "\n".join([note, *lines])))
    for path, node in _scalars(root, ()):
        start, end = node.start_mark.index, node.end_mark.index
        if path == ("tahun",):
            edits.append((start, end, str(tahun)))
        elif path == ("judul",):
            edits.append((start, end, re.sub(rf"\b{dari}\b", str(tahun), text[start:end])))
        elif path in LAPORAN_DIKOSONGKAN:
            edits.append((len(text[:start].rstrip(" ")), end, ""))  # no trailing space
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    head = (
        f"# Dibuat dari {dari}/laporan.yaml oleh `lakip tahun-baru`. Isi tanggal, pk.tanggal "
        "dan rkt.tanggal;\n# komentar di bawah berasal dari tahun "
        f"{dari}: periksa apakah masih berlaku.\n"
    )
    return head + text


def _scalars(node: yaml.Node, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], yaml.Node]]:
    """Every scalar value of a YAML mapping tree with its key path."""
    if isinstance(node, yaml.ScalarNode):
        return [(path, node)]
    if isinstance(node, yaml.MappingNode):
        return [
            found for key, value in node.value for found in _scalars(value, (*path, str(key.value)))
        ]
    if isinstance(node, yaml.SequenceNode):
        return [found for item in node.value for found in _scalars(item, path)]
    return []


def narasi_template(key: str, text: str, sumber: YearData, tahun: int) -> str:
    """Write a narrative file for the new year: title, guidance, its sisipan markers kept.

    The guidance sits in an HTML comment, which the report drops; the ``BELUM_DIISI`` line
    shows in the draft report until the section is written. Markers that place generated
    tables (``<!-- sisipan: ... -->``) are kept in their order.
    """
    folder, _, name = key.rpartition("/")
    if folder == "analisis":
        nama = pd.concat(
            [
                pd.Series(sumber.sasaran["uraian"].to_numpy(), index=sumber.sasaran["id"]),
                pd.Series(sumber.kegiatan["nama"].to_numpy(), index=sumber.kegiatan["id"]),
            ]
        )
        judul = f"Analisis capaian {name}: {nama.get(name, '')}".rstrip(": ")
        panduan = _PANDUAN_ANALISIS
    else:
        judul, panduan = PANDUAN.get(name, (name, "tulis ulang bagian ini untuk tahun {tahun}."))
    markers = _SISIPAN.findall(text)
    lines = [
        "<!--",
        f"{judul} (LAKIP {tahun})",
        "Panduan: " + panduan.format(tahun=tahun),
        f"Teks tahun {sumber.tahun} ada di ../{sumber.tahun}/narasi/{key}.md. Hapus komentar ini "
        f"dan baris '{BELUM_DIISI}' setelah bagian ini ditulis.",
        "-->",
        "",
        f"*{BELUM_DIISI}: {judul}.*",
        *[f"\n{marker}" for marker in markers],
    ]
    return "\n".join(lines) + "\n"


def year_readme(sumber: YearData, tahun: int, targets: pd.Series) -> str:
    """README.md of the new year: what was copied, what is left to fill in."""
    ids = sumber.indikator["id"]
    dari_renstra = int(ids.isin(targets.index).sum())
    periode = (sumber.laporan.get("renstra") or {}).get("periode", "")
    match = _PERIODE.search(str(periode))
    renstra_note = (
        f"\n- [ ] laporan.yaml: `renstra.periode` {periode} tidak mencakup {tahun}; "
        "perbarui bila Renstra baru sudah ditetapkan."
        if match and not int(match[1]) <= tahun <= int(match[2])
        else ""
    )
    return f"""# {sumber.satker_id} {tahun}

Folder ini dibuat dari {sumber.tahun} oleh `lakip tahun-baru`: program, kegiatan, sasaran dan
indikator (dengan id yang sama) disalin; semua nilai milik tahun {tahun} dikosongkan
(docs/tahunan.md). Tulis di bawah bila dokumen sumber tahun ini saling bertentangan.

## Yang perlu diisi

- [ ] indikator.csv: `target` dari PK {tahun} ({dari_renstra} dari {len(ids)} indikator sudah
      terisi dari renstra.csv; periksa dengan PK yang ditandatangani).
- [ ] rkt_sasaran_strategis.csv, rkt_program.csv: `target` dari RKT {tahun}.
- [ ] anggaran.csv, pk_anggaran.csv, rkt_pendanaan.csv: `pagu` dari DIPA/PK/RKT {tahun}
      (hapus baris yang tidak ada lagi, tambah baris baru).
- [ ] laporan.yaml: tanggal laporan, tanggal PK dan RKT, blok `dipa`.{renstra_note}
- [ ] realisasi_triwulan.csv: realisasi tiap triwulan, selama tahun berjalan.
- [ ] realisasi.csv dan `realisasi` di anggaran.csv: pada akhir tahun.
- [ ] narasi/*.md: tiap bagian masih berisi '{BELUM_DIISI}'.
- [ ] tabel_terbit.csv, anggaran_terbit.csv dan tabel kecil (produk_hukum.csv, ppid.csv, ...):
      hanya berisi header; isi bila ada.

Lalu `lakip periksa --tahun {tahun}` dan `lakip build --tahun {tahun}`.

## Catatan sumber
"""
