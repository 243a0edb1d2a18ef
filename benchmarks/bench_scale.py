"""Where the time of a large unit goes: the report of N indicators rendered in process.

Copies the small fixture unit, grows indikator.csv and realisasi.csv to N indicators (the
fixture's rows repeated under new ids, same sasaran), then times load, capaian, and the
report (the notebook's cells run here and exported by the build's export_html, as
tests/test_fuzz.py does) and prints the functions that take the most time.

    .venv/bin/python benchmarks/bench_scale.py 500 2000
"""

import cProfile
import csv
import io
import os
import pstats
import shutil
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


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [200, 1000]
    print(f"load average {os.getloadavg()}")
    for n in sizes:
        root = Path(tempfile.mkdtemp())
        shutil.copytree(FIXTURE, root / "data")
        grow(root / "data", n)
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
