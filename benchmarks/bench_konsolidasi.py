"""Time the consolidated report for many units: data generation, loading, arithmetic, tables.

    .venv/bin/python benchmarks/bench_konsolidasi.py [--unit 550] [--pekerja 2] [--data DIR]
        [--build]

1. `lakip contoh` writes `--unit` units for one year (skipped with `--data`);
2. `load_konsolidasi` of the pusat over every unit below it (`semua=True`: 549 children for
   550 units), with `--pekerja` processes: time and peak memory (this process and the largest
   worker, from getrusage). Three times: cold (an empty cache folder: every child read and
   checked), again (every child's figures from the cache), and after one child's realisasi
   changed (that child alone read again);
3. the frames (`gabung`, `peringkat_indikator`, `peringkat_satker`, `anggaran_anak`) and the
   report's tables and figure (`konsolidasi_tabel`) from the loaded children;
4. with `--build`: `lakip build --laporan konsolidasi` of one province (its kabupaten/kota),
   HTML only, as a user runs it.
Cold, loading dominates: each child is read and checked like `lakip periksa` does. The load
average is printed before and after, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from lakipkit import konsolidasi as ko  # noqa: E402
from lakipkit import konsolidasi_tabel as kt  # noqa: E402
from lakipkit.contoh import generate_units  # noqa: E402

MIB = 1024 * 1024


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def peak_mib() -> tuple[float, float]:
    """Peak resident memory of this process and of its largest finished child (MiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, child


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=int, default=550)
    parser.add_argument("--pekerja", type=int, default=2)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--build", action="store_true")
    args = parser.parse_args(argv)
    print(f"before: {uptime()}")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")  # a cold start, left clean
        data = args.data
        if data is None:
            data = Path(tmp) / "data"
            start = time.perf_counter()
            units = generate_units(data, args.unit, [2024])
            print(
                f"lakip contoh: {len(units)} units x 1 year in {time.perf_counter() - start:.1f} s"
            )
        pusat = ko.read_hierarchy(data).query("induk.isna()")["id"].iloc[0]

        def load(label: str) -> ko.Konsolidasi:
            start = time.perf_counter()
            k = ko.load_konsolidasi(data, pusat, 2024, semua=True, pekerja=args.pekerja)
            loaded = time.perf_counter() - start
            own, child = peak_mib()
            print(
                f"load_konsolidasi({pusat}, semua=True, pekerja={args.pekerja}), {label}: "
                f"{len(k.anggaran)} children loaded, {len(k.tidak_disertakan)} left out, "
                f"{loaded:.1f} s ({loaded / max(len(k.satker), 1) * 1000:.1f} ms per child); "
                f"peak memory: this process {own:.0f} MiB, largest worker {child:.0f} MiB  "
                f"[{uptime()}]"
            )
            return k

        load("cold")
        load("again, from the cache")
        child = sorted(data.glob("*/2024/realisasi.csv"))[-1]
        child.write_text(child.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        k = load(f"after {child.parent.parent.name} changed")

        start = time.perf_counter()
        gabungan = ko.gabung(k)
        per_indikator = ko.peringkat_indikator(k)
        peringkat = ko.peringkat_satker(k)
        anggaran, jumlah = ko.anggaran_anak(k)
        frames = time.perf_counter() - start
        names = k.satker.set_index("id")["nama_singkat"]
        start = time.perf_counter()
        html = [
            kt.gabungan_table(gabungan, "Gabungan"),
            kt.sebaran_table(gabungan, "Sebaran"),
            kt.sebaran_figure(k, "Sebaran"),
            kt.peringkat_table(peringkat, "Peringkat"),
            kt.indikator_sections(per_indikator, gabungan, names),
            kt.anggaran_table(anggaran, jumlah, "Anggaran"),
        ]
        tables = time.perf_counter() - start
        print(
            f"frames (gabung, peringkat x2, anggaran): {frames * 1000:.0f} ms; tables and figure: "
            f"{tables:.1f} s, {sum(map(len, html)) / MIB:.1f} MiB of HTML "
            f"({len(per_indikator)} child-indicator rows)"
        )
        own, child = peak_mib()
        print(f"peak memory after tables: this process {own:.0f} MiB")

        if args.build:
            hierarchy = ko.read_hierarchy(data)
            provinsi = sorted(ko.parents(data))[1]
            n = len(ko.children(hierarchy, provinsi))
            start = time.perf_counter()
            subprocess.run(
                [str(Path(sys.executable).with_name("lakip")), "build", "--laporan",
                 "konsolidasi", "--satker", provinsi, "--tahun", "2024", "--data", str(data),
                 "--format", "html", "--output", str(Path(tmp) / "output")],
                check=True, capture_output=True,
            )  # fmt: skip
            print(
                f"lakip build --laporan konsolidasi --satker {provinsi} ({n} children), HTML: "
                f"{time.perf_counter() - start:.1f} s"
            )
    print(f"after: {uptime()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
