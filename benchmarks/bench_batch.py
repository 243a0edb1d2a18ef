"""Time batch builds of many units against the loop of `lakip build` commands, in one run.

    .venv/bin/python -u benchmarks/bench_batch.py [--unit 100] [--sampel 4] [--pekerja 2]
        [--situs 550] [--tanpa-pdf] [--tanpa-dask] [--data DIR]

Measured, side by side on this machine (ratios are what count; the load average is printed
before and after, since the machine may be shared):
1. the sequential loop: one `lakip build --satker S --tahun T` process per unit, HTML-only
   and HTML+PDF, on a sample of `--sampel` units, scaled to `--unit` units (said so);
2. `lakip build --semua`'s batch (`run_batch` on a `LocalPool` of `--pekerja` warm workers)
   over `--unit` unit-years, HTML-only and HTML+PDF (every unit rebuilt: `force=True`);
3. the same HTML-only batch on a Dask LocalCluster of `--pekerja` 1-thread workers;
4. `lakip situs` for `--situs` units (their summary.json made from the built units' under new
   ids: the site reads nothing else), in a fresh process: time and peak memory.
Order: HTML-only loop and pool, Dask, the site, then the HTML+PDF loop and pool (longest last;
each figure is printed with the load average as soon as it is measured). Peak memory per
worker is the highest memory of one worker process plus its kernel and other children
(proportional set size: shared pages counted once), sampled from /proc every 0.2 s.

Data: `--data DIR` (every satker-year under it, the first `--unit` taken), else `lakip contoh`
if this checkout has it, else copies of tests/fixtures/data/contoh-satker under new ids.
Goals (issue 11): batch HTML+PDF >= 2.5x the loop on 2 cores, HTML-only >= 4x, Dask within
15 % of the pool, site for 550 units < 30 s, peak memory per worker < 1 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from lakipkit.batch import BatchOptions, LocalPool, Unit, find_units, run_batch  # noqa: E402

LAKIP = str(Path(sys.executable).with_name("lakip"))
GIB = 1024**3


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def make_data(root: Path, count: int) -> Path:
    """Write `count` unit-years: lakip contoh if present, else copies of a test fixture."""
    data = root / "data"
    try:
        from lakipkit.contoh import generate_units as generate
    except ImportError:
        generate = None
    if generate is not None:
        subprocess.run(
            [LAKIP, "contoh", "--unit", str(count), "--tahun", "2024", "--data", str(data)],
            check=True,
            capture_output=True,
        )
        return data
    fixture = REPO / "tests" / "fixtures" / "data" / "contoh-satker"
    for i in range(count):
        shutil.copytree(fixture, data / f"contoh-{i:03d}")
    return data


class MemorySampler:
    """Peak resident memory of each direct child process tree of this process (/proc)."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            for pid in _children(os.getpid()):
                total = sum(_rss(p) for p in [pid, *_descendants(pid)])
                self.peak[pid] = max(self.peak.get(pid, 0), total)

    def worst(self) -> int:
        return max(self.peak.values(), default=0)


def _children(pid: int) -> list[int]:
    """Children started by any thread of `pid` (Dask's nanny starts workers from a thread)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return sorted(set(found))


def _descendants(pid: int) -> list[int]:
    found = []
    for child in _children(pid):
        found += [child, *_descendants(child)]
    return found


def _rss(pid: int) -> int:
    """Proportional set size: pages shared between processes (chromium's several processes,
    the same libraries) counted once in all, not once per process as in VmRSS."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def children_cpu() -> float:
    """CPU seconds of every finished child process (and theirs: kernels, browsers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def loop(data: Path, out: Path, units: list[Unit], formats: str) -> tuple[float, float]:
    """Seconds per unit of the sequential loop of `lakip build` commands, and CPU s/unit."""
    start, cpu = time.perf_counter(), children_cpu()
    for unit in units:
        subprocess.run(
            [LAKIP, "build", "--data", str(data), "--satker", unit.satker, "--tahun",
             str(unit.tahun), "--output", str(out), "--format", formats],
            check=True,
            capture_output=True,
        )  # fmt: skip
    return (time.perf_counter() - start) / len(units), (children_cpu() - cpu) / len(units)


def batch(engine, data: Path, out: Path, units: list[Unit], formats: tuple[str, ...]):
    """Seconds of one batch, peak memory per worker, failures, CPU seconds per unit.

    The CPU time is counted once the workers have stopped (and stopped their kernels): a
    pool's and a LocalCluster's processes are children of this one.
    """
    with MemorySampler() as memory:
        start, cpu = time.perf_counter(), children_cpu()
        try:
            outcomes = run_batch(
                data, out, engine, BatchOptions(formats=formats), units=units, force=True
            )
        finally:
            engine.close()
        seconds = time.perf_counter() - start
    failed = [o for o in outcomes if o.status == "gagal"]
    return seconds, memory.worst(), failed, (children_cpu() - cpu) / len(units)


def site(out: Path, built: Path, count: int) -> tuple[float, int]:
    """Time `lakip situs` over `count` units made from the built units' summary.json."""
    summaries = sorted(built.glob("*/*/summary.json"))
    for i in range(count):
        source = summaries[i % len(summaries)]
        folder = out / f"unit-{i:03d}" / source.parent.name
        folder.mkdir(parents=True)
        doc = json.loads(source.read_text(encoding="utf-8"))
        doc["satker"], doc["nama_satker"] = f"unit-{i:03d}", f"{doc['nama_satker']} {i:03d}"
        (folder / "summary.json").write_text(json.dumps(doc, ensure_ascii=False))
        for report in source.parent.glob("laporan-*"):
            (folder / report.name).write_bytes(b"")
    code = (
        "import resource, sys, time; from lakipkit.situs import write_site; "
        "t = time.perf_counter(); write_site(sys.argv[1]); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", code, str(out)], check=True, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    inside, maxrss = result.stdout.split()
    print(f"  situs: {count} unit, {float(inside):.2f} s in write_site, {wall:.2f} s with start")
    return wall, int(maxrss) * 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=int, default=100, help="unit-years in each batch")
    parser.add_argument("--sampel", type=int, default=4, help="units timed in the loop")
    parser.add_argument("--pekerja", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--situs", type=int, default=550, help="units on the site")
    parser.add_argument("--data", type=Path, help="data folder to build (default: generated)")
    parser.add_argument("--tanpa-pdf", action="store_true", help="skip the HTML+PDF runs")
    parser.add_argument("--tanpa-dask", action="store_true", help="skip the Dask run")
    args = parser.parse_args(argv)

    print(f"mulai: {uptime()}")
    print(f"cores: {os.cpu_count()}, pekerja: {args.pekerja}, unit: {args.unit}")
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        root = Path(tmp)
        data = args.data or make_data(root, args.unit)
        units = find_units(data)[: args.unit]
        sample = units[: args.sampel]
        print(f"data: {data} ({len(units)} unit-years)")

        def loop_and_pool(name: str, formats: tuple[str, ...]) -> None:
            per_unit, loop_cpu = loop(data, root / f"loop-{name}", sample, ",".join(formats))
            figures[f"loop {name} s/unit"] = per_unit
            figures[f"loop {name} cpu s/unit"] = loop_cpu
            scaled = per_unit * len(units)
            print(f"  loop {name}: {per_unit:.2f} s per unit (sample {len(sample)}), "
                  f"scaled to {len(units)}: {scaled:.1f} s, cpu {loop_cpu:.2f} s/unit  "
                  f"[{uptime()}]")  # fmt: skip
            seconds, memory, failed, cpu = batch(
                LocalPool(args.pekerja), data, root / f"pool-{name}", units, formats
            )
            figures[f"pool {name} s"] = seconds
            figures[f"pool {name} cpu s/unit"] = cpu
            figures[f"pool {name} peak GiB/worker"] = memory / GIB
            print(f"  pool {name}: {seconds:.1f} s for {len(units)} ({seconds / len(units):.2f} "
                  f"s/unit), cpu {cpu:.2f} s/unit, peak {memory / GIB:.2f} GiB/worker, "
                  f"failed {len(failed)}  [{uptime()}]")  # fmt: skip
            figures[f"speed-up {name}"] = scaled / seconds
            # What the machine's other users cannot change: CPU spent per unit.
            figures[f"cpu loop/pool {name}"] = loop_cpu / cpu
            print(f"  speed-up {name}: {scaled / seconds:.2f}x (cpu per unit: loop / pool "
                  f"{loop_cpu / cpu:.2f})")  # fmt: skip

        # HTML-only, Dask and the site first: the PDF runs are the longest.
        loop_and_pool("html", ("html",))
        if not args.tanpa_dask:
            from lakipkit.dask_engine import DaskEngine

            seconds, memory, failed, cpu = batch(
                DaskEngine(workers=args.pekerja), data, root / "dask-html", units, ("html",)
            )
            figures["dask html s"] = seconds
            figures["dask html cpu s/unit"] = cpu
            figures["dask html peak GiB/worker"] = memory / GIB
            figures["dask html / pool html"] = seconds / figures["pool html s"]
            figures["dask/pool cpu html"] = cpu / figures["pool html cpu s/unit"]
            ratio, cpu_ratio = figures["dask html / pool html"], figures["dask/pool cpu html"]
            print(f"  dask html: {seconds:.1f} s, cpu {cpu:.2f} s/unit, peak "
                  f"{memory / GIB:.2f} GiB/worker, failed {len(failed)}, dask/pool "
                  f"{ratio:.2f} (cpu {cpu_ratio:.2f})  "
                  f"[{uptime()}]")  # fmt: skip
            same = all(
                (root / "dask-html" / p.relative_to(root / "pool-html")).read_bytes()
                == p.read_bytes()
                for p in (root / "pool-html").glob("*/*/[!.]*")
                if p.suffix in (".html", ".json")
            )
            print(f"  dask bytes == pool bytes (html, summary.json): {same}")
        seconds, maxrss = site(root / "situs", root / "pool-html", args.situs)
        figures["situs s"] = seconds
        figures["situs peak GiB"] = maxrss / GIB
        if not args.tanpa_pdf:
            loop_and_pool("html+pdf", ("html", "pdf"))

    print(f"selesai: {uptime()}")
    print("ringkasan:")
    for key, value in figures.items():
        print(f"  {key:<32} {value:8.2f}")
    memory = [v for k, v in figures.items() if "GiB/worker" in k]
    goals = [
        ("batch html+pdf >= 2.5x loop", figures.get("speed-up html+pdf"), lambda v: v >= 2.5),
        ("batch html >= 4x loop", figures.get("speed-up html"), lambda v: v >= 4),
        ("dask at most 15 % slower than pool", figures.get("dask html / pool html"),
         lambda v: v <= 1.15),
        ("dask at most 15 % more cpu than pool", figures.get("dask/pool cpu html"),
         lambda v: v <= 1.15),
        (f"site {args.situs} units < 30 s", figures.get("situs s"), lambda v: v < 30),
        ("peak memory per worker < 1 GiB", max(memory, default=None), lambda v: v < 1),
    ]  # fmt: skip
    for goal, value, test in goals:
        verdict = "tidak diukur" if value is None else ("OK" if test(value) else "GAGAL")
        print(f"  {verdict:<12} {goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
