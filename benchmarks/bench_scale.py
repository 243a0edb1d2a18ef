"""Where the time of a large unit goes: the report of N indicators rendered in process.

Copies the small fixture unit, grows indikator.csv and realisasi.csv to N indicators (the
fixture's rows repeated under new ids, same sasaran), then times load, capaian, and the
report (the notebook's cells run here and exported by the build's export_html, as
tests/test_fuzz.py does) and prints the functions that take the most time.

    .venv/bin/python benchmarks/bench_scale.py 500 2000
    .venv/bin/python benchmarks/bench_scale.py --build 100 1000

`--build` times the real `lakip build --format html` instead (its own kernel, no profiler):
wall time, CPU time of the build and its kernel, and the load average before and after, since
the machine may be shared. Sizes above the loader's limit are refused there, as for a user.
"""

import cProfile
import csv
import io
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from test_fuzz import FIXTURE, SATKER, TAHUN, render_report  # noqa: E402


def grow(data: Path, n: int) -> None:
    year = data / SATKER / str(TAHUN)

    def rows(name):
        text = (year / name).read_text(encoding="utf-8")
        table = list(csv.reader(io.StringIO(text)))
        return table[0], table[1:]

    def write(name, header, body):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([header, *body])
        (year / name).write_text(buffer.getvalue(), encoding="utf-8")

    head, ind = rows("indikator.csv")
    rhead, real = rows("realisasi.csv")
    by_id = {r[0]: r for r in real}
    new, new_real = [], []
    for i in range(n):
        base = ind[i % len(ind)]
        kode = base[0] if i < len(ind) else f"{base[0]}-{i:05d}"
        new.append([kode, *base[1:]])
        if base[0] in by_id:
            new_real.append([kode, *by_id[base[0]][1:]])
    write("indikator.csv", head, new)
    write("realisasi.csv", rhead, new_real)
    (year / "realisasi_triwulan.csv").write_text("indikator,triwulan,realisasi\n")
    (year / "tabel_terbit.csv").write_text(
        (year / "tabel_terbit.csv").read_text(encoding="utf-8").splitlines()[0] + "\n"
    )


def time_build(data: Path, n: int) -> None:
    """Run `lakip build --format html` on the grown unit; print wall, CPU and load."""
    lakip = Path(sys.executable).with_name("lakip")
    args = [str(lakip), "build", "--tahun", str(TAHUN), "--satker", SATKER, "--data", str(data)]
    args += ["--output", str(data.parent / "output"), "--format", "html", "--paksa"]
    load = os.getloadavg()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if run.returncode:
        print(f"{n} indikator: exit {run.returncode}: {run.stderr.strip()[-300:]}")
        return
    print(
        f"{n} indikator: lakip build --format html {wall:.1f} s wall, {cpu:.1f} s CPU "
        f"(build and kernel), load {load[0]:.2f} before, {os.getloadavg()[0]:.2f} after"
    )


def main() -> None:
    build = "--build" in sys.argv
    sizes = [int(a) for a in sys.argv[1:] if a != "--build"] or [200, 1000]
    print(f"load average {os.getloadavg()}")
    for n in sizes:
        root = Path(tempfile.mkdtemp())
        shutil.copytree(FIXTURE, root / "data")
        grow(root / "data", n)
        if build:
            time_build(root / "data", n)
            shutil.rmtree(root)
            continue
        start = time.perf_counter()
        profile = cProfile.Profile()
        profile.enable()
        try:
            html, _ = render_report(root / "data")
        except Exception as error:  # a size the loader refuses
            print(f"{n} indikator: {type(error).__name__}: {str(error)[:600]}")
            continue
        finally:
            profile.disable()
        took = time.perf_counter() - start
        print(
            f"{n} indikator: {took:.1f} s (profiled), {took / n * 1000:.1f} ms/indikator, "
            f"HTML {len(html) / 1e6:.1f} MB"
        )
        pstats.Stats(profile).sort_stats("cumulative").print_stats(r"lakipkit|nbconvert|bs4", 18)
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
