"""Time `build_report` against the chain of commands a user would otherwise type.

    .venv/bin/python benchmarks/bench_build.py [--runs 3] [--python /path/to/python]

Both sides produce an executed notebook, an HTML page and a PDF for the 2024 data:
- `build_report` in a fresh process (what `lakip build` does), and again in this process;
- the plain chain: `papermill` CLI, then `jupyter nbconvert --to html --no-input`, then the
  WeasyPrint CLI for the PDF, each a separate process.
`--python` runs the fresh-process parts with another interpreter (e.g. a venv without
JupyterLab, see docs/report.md). Prints the median of `--runs` runs and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "notebooks" / "laporan.ipynb"
SATKER, TAHUN = "kpu-kota-bontang", 2024


def timed(step) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, cwd=REPO / "notebooks")


def build_fresh(python: str, out: Path) -> None:
    run(
        python,
        "-c",
        "import sys; from lakipkit.build import build_report; "
        f"build_report({str(REPO / 'data')!r}, {SATKER!r}, {TAHUN}, {str(out)!r})",
    )


def build_here(out: Path) -> None:
    from lakipkit.build import build_report

    build_report(REPO / "data", SATKER, TAHUN, out)


def chain(python: str, out: Path) -> dict[str, float]:
    out.mkdir(parents=True, exist_ok=True)
    executed, html, pdf = out / "laporan.ipynb", out / "laporan.html", out / "laporan.pdf"
    parameters = [
        "-p",
        "tahun",
        str(TAHUN),
        "-p",
        "satker",
        SATKER,
        "-p",
        "data_dir",
        str(REPO / "data"),
        "-p",
        "output_dir",
        str(out),
    ]
    return {
        "papermill": timed(
            lambda: run(
                python,
                "-m",
                "papermill",
                "--no-progress-bar",
                str(NOTEBOOK),
                str(executed),
                *parameters,
            )
        ),
        "nbconvert": timed(
            lambda: run(
                python,
                "-m",
                "jupyter",
                "nbconvert",
                "--to",
                "html",
                "--no-input",
                str(executed),
                "--output",
                str(html),
            )
        ),
        "weasyprint": timed(lambda: run(python, "-m", "weasyprint", str(html), str(pdf))),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args(argv)

    fresh, here, steps = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            run_dir = Path(tmp) / str(i)
            fresh.append(timed(partial(build_fresh, args.python, run_dir / "fresh")))
            here.append(timed(partial(build_here, run_dir / "here")))
            steps.append(chain(args.python, run_dir / "chain"))

    def median(values: list[float]) -> str:
        return f"{statistics.median(values):6.2f} s"

    chain_total = [sum(s.values()) for s in steps]
    print(f"python: {args.python}  runs: {args.runs}  (median)")
    print(f"build_report, fresh process : {median(fresh)}")
    print(f"build_report, this process  : {median(here)}  (imports already paid after run 1)")
    for name in steps[0]:
        print(f"  chain: {name:<10}          : {median([s[name] for s in steps])}")
    print(f"plain chain, total          : {median(chain_total)}")
    ratio = statistics.median(chain_total) / statistics.median(fresh)
    print(f"ratio chain / build_report  : {ratio:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
