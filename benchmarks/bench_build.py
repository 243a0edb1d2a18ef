"""Time `lakip build` against the plain chain of commands, the preview and the cached rebuild.

    .venv/bin/python benchmarks/bench_build.py [--runs 3] [--edits 5] [--python PYTHON]

In one run, on the bundled 2024 data, each measured as a fresh process: time = median of
`--runs` rounds in which nothing else runs (no sampling: walking /proc every 20 ms costs CPU
that the many-process build would pay more than the chain); peak memory = from one more
round, the largest sum of RSS over the process and all its children, sampled every 20 ms
(the kernel and the browser count):
- HTML + PDF: `lakip build --paksa` vs the plain chain: `papermill` CLI, then
  `jupyter nbconvert --to html --no-input`, then the `weasyprint` CLI, each its own process;
- HTML only: `lakip build --format html --paksa` vs `papermill` + `nbconvert`;
- cached rebuild: `lakip build` again with nothing changed (reuses the outputs);
- preview: `lakip pratinjau` on a copy of the data; one cell of realisasi.csv is edited
  `--edits` times; latency = from the write to the new page fetched over HTTP (what the
  page's reload script does: long poll on /versi, then GET /).
Sides alternate within each run, so the machine's load hits both alike; `uptime` is printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "notebooks" / "laporan.ipynb"
SATKER, TAHUN = "kpu-kota-bontang", 2024


def measure(command: list[str], cwd: Path = REPO, sample: bool = False) -> tuple[float, float]:
    """Run a command; return (seconds, peak MB of RSS summed over it and its children).

    Without `sample` the peak is 0 and the time is undisturbed (the process is only waited for).
    """
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    peak = 0
    if sample:
        watched = psutil.Process(process.pid)
        while process.poll() is None:
            peak = max(peak, _tree_rss(watched))
            time.sleep(0.02)
    process.wait()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{process.stderr.read()}")  # type: ignore[union-attr]
    return seconds, peak / 2**20


def _tree_rss(process: psutil.Process) -> int:
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass
    return total


def lakip(python: str, *args: str) -> list[str]:
    return [python, "-m", "lakipkit.cli", *args]


def build(python: str, out: Path, formats: str, *extra: str) -> list[str]:
    return lakip(
        python, "build", "--tahun", str(TAHUN), "--satker", SATKER, "--data", str(REPO / "data"),
        "--output", str(out), "--format", formats, *extra,
    )  # fmt: skip


def chain(
    python: str, out: Path, with_pdf: bool, sample: bool = False
) -> dict[str, tuple[float, float]]:
    out.mkdir(parents=True, exist_ok=True)
    executed, html, pdf = out / "laporan.ipynb", out / "laporan.html", out / "laporan.pdf"
    parameters = ["-p", "tahun", str(TAHUN), "-p", "satker", SATKER]
    parameters += ["-p", "data_dir", str(REPO / "data"), "-p", "output_dir", str(out)]
    notebooks = REPO / "notebooks"
    steps = {
        "papermill": measure(
            [python, "-m", "papermill", "--no-progress-bar", str(NOTEBOOK), str(executed),
             *parameters],
            cwd=notebooks, sample=sample,
        ),
        "nbconvert": measure(
            [python, "-m", "jupyter", "nbconvert", "--to", "html", "--no-input", str(executed),
             "--output", str(html)],
            cwd=notebooks, sample=sample,
        ),
    }  # fmt: skip
    if with_pdf:
        steps["weasyprint"] = measure(
            [python, "-m", "weasyprint", str(html), str(pdf)], sample=sample
        )
    return steps


def preview_latency(
    python: str, work: Path, edits: int
) -> tuple[list[float], list[float], float, float]:
    """Start `lakip pratinjau`, edit a realisasi cell `edits` times.

    Returns the latencies, the CPU seconds the server and its worker spent on each edit (what
    a loaded machine does not inflate as much as wall time), the first page's time and the
    peak MB.
    """
    data = work / "data"
    shutil.copytree(REPO / "data" / SATKER, data / SATKER)
    csv = data / SATKER / str(TAHUN) / "realisasi.csv"
    started = time.perf_counter()
    process = subprocess.Popen(
        lakip(python, "pratinjau", "--tahun", str(TAHUN), "--data", str(data), "--port", "0"),
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    watched = psutil.Process(process.pid)
    peak = 0
    try:
        url = process.stdout.readline().strip()  # type: ignore[union-attr]
        if not url.startswith("http://127.0.0.1:"):
            raise SystemExit("lakip pratinjau did not start")
        first = time.perf_counter() - started
        latencies, cpu = [], []
        for i in range(edits):
            peak = max(peak, _tree_rss(watched))
            seen = int(_get(url + "versi"))
            text = csv.read_text(encoding="utf-8")
            # A value not seen before on every edit: nothing computed earlier can be reused.
            edited = re.sub(r"^WA-01,[^,]*,", f"WA-01,{90 - i}%,", text, count=1, flags=re.M)
            assert edited != text, "realisasi.csv: WA-01 not found"
            used = _tree_cpu(watched)
            start = time.perf_counter()
            csv.write_text(edited, encoding="utf-8")
            while int(_get(f"{url}versi?setelah={seen}")) <= seen:
                pass
            page = _get(url)
            latencies.append(time.perf_counter() - start)
            cpu.append(_tree_cpu(watched) - used)
            peak = max(peak, _tree_rss(watched))
            if "Data belum benar" in page or "<script" not in page:
                raise SystemExit("preview showed an error page")
        return latencies, cpu, first, peak / 2**20
    finally:
        process.terminate()
        process.wait(timeout=60)


def _tree_cpu(process: psutil.Process) -> float:
    """User + system CPU seconds of a process and its children so far."""
    total = 0.0
    for member in [process, *process.children(recursive=True)]:
        try:
            times = member.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=120) as response:
        return str(response.read().decode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args(argv)
    py = args.python

    print(f"machine: {platform.node()} {os.cpu_count()} cores, {platform.platform()}")
    print(f"load before: {os.getloadavg()}")
    rows: dict[str, list[float]] = {}
    peaks: dict[str, float] = {}

    def one_round(run: Path, sample: bool) -> dict[str, tuple[float, float]]:
        """Both sides once, alternating, so the machine's load hits both alike."""
        got: dict[str, tuple[float, float]] = {}
        out = run / "build"
        got["build html+pdf"] = measure(build(py, out, "html,pdf", "--paksa"), sample=sample)
        steps = chain(py, run / "chain", with_pdf=True, sample=sample)
        got.update({f"  chain {name}": value for name, value in steps.items()})
        got["chain html+pdf"] = (
            sum(s for s, _ in steps.values()), max(m for _, m in steps.values())
        )  # fmt: skip
        got["cached rebuild"] = measure(build(py, out, "html,pdf"), sample=sample)
        got["build html"] = measure(build(py, run / "html", "html", "--paksa"), sample=sample)
        steps = chain(py, run / "chain-html", with_pdf=False, sample=sample)
        got["chain html"] = (sum(s for s, _ in steps.values()), max(m for _, m in steps.values()))
        return got

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for i in range(args.runs):
            for name, (seconds, _) in one_round(root / str(i), sample=False).items():
                rows.setdefault(name, []).append(seconds)
        peaks = {name: peak for name, (_, peak) in one_round(root / "memory", True).items()}
        latencies, cpu, first, peak = preview_latency(py, root / "preview", args.edits)
    load_after = os.getloadavg()

    def median(name: str) -> float:
        return statistics.median(rows[name])

    print(f"python: {py}  runs: {args.runs}  (median; peak MB = process tree RSS, one more round)")
    for name in rows:
        print(f"{name:<22}: {median(name):7.2f} s  {peaks[name]:7.0f} MB")
    print(f"{'preview first page':<22}: {first:7.2f} s")
    print(
        f"{'preview edit -> page':<22}: {statistics.median(latencies):7.2f} s  {peak:7.0f} MB"
        f"  (all: {', '.join(f'{x:.2f}' for x in latencies)})"
    )
    print(f"{'preview CPU per edit':<22}: {statistics.median(cpu):7.2f} s  (server + worker)")
    both = median("chain html+pdf") / median("build html+pdf")
    html = median("chain html") / median("build html")
    edit = statistics.median(latencies)
    print(f"ratio chain/build, html+pdf : {both:6.2f}  (goal >= 2.0)")
    print(f"ratio chain/build, html only: {html:6.2f}")
    for goal, met in (
        ("html+pdf build >= 2.0x faster than the chain", both >= 2.0),
        ("preview edit -> page < 1.5 s", edit < 1.5),
        ("cached rebuild < 2 s", median("cached rebuild") < 2.0),
    ):
        print(f"goal {goal}: {'met' if met else 'NOT met'}")
    print(f"load after: {load_after}")
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
