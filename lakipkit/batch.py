"""Build many satker-years at once: `lakip build --semua`.

Why a module of its own: one unit's build (`lakipkit.build`) knows nothing of other units.
A batch adds what only matters at scale:

- **finding the work**: every satker folder under `data/` and each of its years
  (`find_units`), optionally one year only;
- **bytes in, bytes out**: a unit's input files are read by the client (`read_unit`), a task
  (`build_unit`) rebuilds them in a private temporary folder, builds there and returns the
  output files as bytes. So the same task runs in a local process pool or on Dask workers on
  other machines (no shared filesystem), and the client alone writes into `output/`,
  atomically, as results arrive (`write_unit`);
- **warm workers**: each worker imports the build chain once (`warm_up`) and keeps it for
  every unit it builds, instead of a fresh `lakip build` process per unit;
- **one bad unit never stops the others**: a task never raises for a unit's own problem; it
  returns the first error line, and the batch goes on;
- **nothing rebuilt needlessly**: a unit whose input files, build options and lakipkit code
  are unchanged since its last successful build, and whose outputs are still there
  unchanged, is skipped: the same record as `lakip build` (`lakipkit.cache`), so either
  skips what the other built;
- **a final account**: one row per unit (status, seconds, first error) as a table and as
  JSON (`write_account`).

The engine that runs the tasks is swappable (`Engine`): `LocalPool` (processes on this
machine) or `lakipkit.dask_engine.DaskEngine` (a Dask cluster).
"""

from __future__ import annotations

import gc
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import asdict, dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Protocol

from lakipkit.errors import DataValidationError, LakipError

#: The batch's account, written at the root of the output folder.
ACCOUNT = "build-semua.json"
STATUS_OK, STATUS_FAILED, STATUS_SKIPPED = "berhasil", "gagal", "dilewati"
_STATUSES = (STATUS_OK, STATUS_FAILED, STATUS_SKIPPED)
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True, order=True)
class Unit:
    """One satker-year: the unit of work of a batch."""

    satker: str
    tahun: int

    def __str__(self) -> str:
        return f"{self.satker} {self.tahun}"


@dataclass(frozen=True)
class BatchOptions:
    """What every unit of a batch is built with (the arguments of `build_report`)."""

    formats: tuple[str, ...] = ("html", "pdf")
    parameters: Mapping[str, Any] = field(default_factory=dict)
    laporan: str = "tahunan"
    triwulan: int | None = None
    #: PDF renderer (`lakipkit.pdf`: chromium or weasyprint), chosen once by the client so
    #: every worker renders alike; None = the build's default on each worker.
    pdf_engine: str | None = None

    def cache_entry(
        self, data_dir: Path, output_dir: Path, unit: Unit, files: Mapping[str, bytes]
    ) -> tuple[str, str | None]:
        """Give the unit's report stem and `lakipkit.cache` key, as `lakip build` makes them."""
        from lakipkit import build

        kuartal = build.check_laporan(self.laporan, self.triwulan)
        target = output_dir / unit.satker / str(unit.tahun)
        params = build.report_parameters(
            data_dir, unit.satker, unit.tahun, target, self.parameters, kuartal
        )
        notebook = build.notebook_path(self.laporan)
        key = build.cache_key(
            data_dir,
            unit.satker,
            unit.tahun,
            notebook,
            params,
            self.formats,
            self.laporan,
            self.pdf_engine,
            inputs=files,
        )
        return build.output_stem(unit.satker, unit.tahun, kuartal, self.laporan), key


@dataclass(frozen=True)
class UnitTask:
    """Everything a worker needs to build one unit, with no access to the client's disk.

    ``files`` maps paths relative to the data folder (posix) to their bytes: the satker's
    folder (its years up to ``unit.tahun``, which the report compares) and the files shared
    by all units (a catalogue). ``data_root`` and ``output_root`` are the client's folders:
    the executed notebook records them, as if the unit had been built in place.
    """

    unit: Unit
    files: Mapping[str, bytes]
    options: BatchOptions
    data_root: str
    output_root: str


@dataclass(frozen=True)
class UnitResult:
    """What a task returns: the output files as bytes, or the first error line.

    A failed unit may still return ``files`` (the failed notebook, kept for inspection).
    """

    unit: Unit
    files: Mapping[str, bytes]
    seconds: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True when the unit was built."""
        return self.error is None


@dataclass(frozen=True)
class Outcome:
    """One row of the batch's account."""

    satker: str
    tahun: int
    status: str
    detik: float
    galat: str | None = None


class Engine(Protocol):
    """Runs unit tasks somewhere and yields their results as they finish (any order)."""

    workers: int

    def run(self, tasks: Iterable[UnitTask]) -> Iterator[UnitResult]:
        """Build every task; never raise for one unit's failure."""
        ...

    def close(self) -> None:
        """Release the workers."""
        ...


# -- finding and reading the units (client side) --------------------------------------------


def find_units(data_dir: str | os.PathLike[str], tahun: int | None = None) -> list[Unit]:
    """List every satker-year under `data_dir` (only year `tahun` if given), sorted.

    A satker is a folder named like a satker id; its years are its four-digit folders. A
    folder without years (a shared catalogue) holds no unit.
    """
    from lakipkit.loading import list_satker, list_years

    root = Path(data_dir)
    units: list[Unit] = []
    for satker in list_satker(root):
        units.extend(
            Unit(satker, year)
            for year in list_years(root, satker)
            if tahun is None or year == tahun
        )
    return units


def read_unit(data_dir: str | os.PathLike[str], unit: Unit) -> dict[str, bytes]:
    """Read the files one unit's build may open, as {relative posix path: bytes}.

    That is the satker's own folder without its later years (the annual report compares a
    year with the years before it, never after) and everything under `data_dir` that is not
    another satker's folder (shared files such as an indicator catalogue), plus the
    satker.yaml of each unit above it (`satker_induk`), which the data check follows. Hidden
    files and folders are left out (`lakipkit.folders.unit_files`). The same bytes key the
    unit's record in `lakipkit.cache`.
    """
    from lakipkit.cache import read_inputs

    return read_inputs(Path(data_dir), unit.satker, unit.tahun)


# -- the task (worker side) ------------------------------------------------------------------


_WORKER = threading.local()
_KEPT: list[Any] = []  # this worker process's kernels and browsers, closed when it exits


def worker_kernel() -> Any:
    """Give this worker thread's warm kernel (`lakipkit.kernel.WarmKernel`), kept for each unit.

    Started on first use (it boots and imports pandas, matplotlib and lakipkit once); a kernel
    that died (a unit crashed it) is replaced. One per thread: a kernel runs one notebook at a
    time. Closed when the worker process exits (`close_kept`).
    """
    from lakipkit.build import notebook_path
    from lakipkit.kernel import WarmKernel

    kernel = getattr(_WORKER, "kernel", None)
    if kernel is None or not kernel.alive:
        kernel = WarmKernel(cwd=notebook_path().parent)
        _WORKER.kernel = kernel
        _KEPT.append(kernel)
    return kernel


def worker_browser(options: BatchOptions) -> Any:
    """Give this worker thread's chromium (`lakipkit.pdf.Browser`), or None without one.

    Only when its units print a PDF with chromium: started on first use and kept, like the
    kernel, so a unit does not pay a browser start (about a second of CPU). A browser that
    died is replaced.
    """
    from lakipkit.pdf import Browser, default_engine

    if "pdf" not in options.formats or (options.pdf_engine or default_engine()) != "chromium":
        return None
    browser = getattr(_WORKER, "browser", None)
    if browser is None or not browser.alive:
        browser = Browser()
        _WORKER.browser = browser
        _KEPT.append(browser)
    return browser


def _drop_browser() -> None:
    """Stop this thread's browser after a failed unit: its next unit starts a clean one."""
    browser = getattr(_WORKER, "browser", None)
    if browser is not None:
        _WORKER.browser = None
        with suppress(Exception):
            _KEPT.remove(browser)
            browser.close()


def close_kept() -> None:
    """Shut down every kernel and browser this worker process started."""
    while _KEPT:
        with suppress(Exception):
            _KEPT.pop().close()


def warm_up(start_kernel: bool = True) -> None:
    """Start the worker's kernel and import the build chain once (pool initializer).

    Every unit this worker builds then runs in the same kernel, with pandas, matplotlib and
    lakipkit already imported, and exports with nbconvert already set up. Dask runs tasks in
    other threads than its plugins: there the kernel starts with the first task instead.
    """
    from multiprocessing.util import Finalize

    from lakipkit import build

    build.skip_slow_format_checkers()
    if start_kernel:
        worker_kernel()
    Finalize(None, close_kept, exitpriority=10)
    import nbformat  # noqa: F401
    import weasyprint  # noqa: F401

    build._html_exporter()
    # What is imported now stays for every unit: the garbage collector need not scan it again.
    gc.freeze()


def build_unit(task: UnitTask) -> UnitResult:
    """Build one unit from its files in a private temporary folder; return the outputs.

    Never raises for the unit's own problem (bad data, a failed cell, a failed export): the
    result then carries the first error line and, if the notebook ran, the failed notebook.
    Paths of the temporary folder are replaced by the client's in what is returned, so the
    bytes are those of a build in place.
    """
    from lakipkit.build import build_report
    from lakipkit.memo import DATA

    start = time.perf_counter()
    unit, options = task.unit, task.options
    # Each unit is read from its own temporary folder: what earlier units left in the memo
    # can never be reused, and would be handed to the kernel again with every unit.
    DATA.clear()
    with tempfile.TemporaryDirectory(prefix="lakip-batch-") as tmp:
        root = Path(tmp).resolve()
        data_dir, output_dir = root / "data", root / "output"
        for name, content in task.files.items():
            path = data_dir / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        error: str | None = None
        try:
            build_report(
                data_dir,
                unit.satker,
                unit.tahun,
                output_dir,
                formats=options.formats,
                parameters=options.parameters,
                laporan=options.laporan,
                triwulan=options.triwulan,
                kernel=worker_kernel(),
                pdf_engine=options.pdf_engine,
                browser=worker_browser(options),
                paksa=True,  # the client decides what to skip; this folder is new anyway
            )
        except Exception as exc:  # one unit's failure is a row in the account, not a crash
            error = first_error(exc)
            _drop_browser()
        swap = {str(data_dir): task.data_root, str(output_dir): task.output_root}
        folder = output_dir / unit.satker / str(unit.tahun)
        files = {
            path.name: _swap_paths(path.read_bytes(), swap)
            if path.suffix == ".ipynb"
            else path.read_bytes()
            for path in sorted(folder.glob("*"))
            if folder.is_dir()
            if path.is_file() and not path.name.startswith(".")
        }
    if error is not None:
        error = _swap_text(error, swap)
    return UnitResult(unit, files, round(time.perf_counter() - start, 3), error)


def first_error(exc: BaseException) -> str:
    """One line for the account: the first finding of a data error, else the first line."""
    if isinstance(exc, DataValidationError) and exc.findings:
        more = len(exc.findings) - 1
        return f"{exc.findings[0]}" + (f" (dan {more} masalah lain)" if more else "")
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _swap_paths(content: bytes, swap: Mapping[str, str]) -> bytes:
    """Replace temporary roots by the client's in a notebook (JSON text, escaped paths)."""
    for old, new in swap.items():
        content = content.replace(_json_text(old), _json_text(new))
    return content


def _json_text(path: str) -> bytes:
    return json.dumps(path, ensure_ascii=False)[1:-1].encode("utf-8")


def _swap_text(text: str, swap: Mapping[str, str]) -> str:
    for old, new in swap.items():
        text = text.replace(old, new)
    return text


# -- writing results (client side) -----------------------------------------------------------


def write_unit(
    output_dir: Path, result: UnitResult, entry: tuple[str, str | None] | None = None
) -> None:
    """Write a unit's returned files into `<output_dir>/<satker>/<tahun>/`, all or nothing.

    A built unit's files replace the previous ones together (formats not built this time are
    removed, as `lakip build` does), then `entry` (stem, key of `BatchOptions.cache_entry`)
    is recorded in `lakipkit.cache`, so an interrupted write is
    rebuilt next time. A failed unit keeps its previous report; only its failed notebook is
    written, for inspection.
    """
    from lakipkit.build import OUTPUT_FORMATS

    unit = result.unit
    folder = output_dir / unit.satker / str(unit.tahun)
    stale: list[str] = []
    notebooks = [n for n in result.files if n.endswith(".ipynb") and ".failed." not in n]
    if result.ok and notebooks:
        stem = notebooks[0].removesuffix(".ipynb")  # laporan-... or triwulan-<n>-...
        stale = [
            f"{stem}.{kind}" for kind in OUTPUT_FORMATS if f"{stem}.{kind}" not in result.files
        ]
        stale.append(f"{stem}.failed.ipynb")
    commit_files(folder, result.files, stale)
    if result.ok and entry is not None and entry[1] is not None:
        from lakipkit import cache

        outputs = {name.rsplit(".", 1)[-1]: folder / name for name in result.files}
        cache.record(folder, entry[0], entry[1], outputs)


def commit_files(folder: Path, files: Mapping[str, bytes], stale: Sequence[str]) -> None:
    """Write `files` into `folder` all together and remove `stale` (`lakipkit.outputs`).

    The folder's build lock is held meanwhile, so a `lakip build` into the same folder
    cannot interleave; if one is running, this unit fails with that message.
    """
    from lakipkit.outputs import Staging, locked, prepare_folder

    prepare_folder(folder)
    with locked(folder):
        staging = Staging(folder)
        try:
            for name, content in files.items():
                staging.write(name, content)
        except BaseException:
            staging.discard()
            raise
        staging.commit(stale=stale)


# -- engines -------------------------------------------------------------------------------


class LocalPool:
    """Worker processes on this machine, each warmed once (`warm_up`).

    Workers are started with `spawn`: a clean interpreter, no state copied from the client
    (a forked rich progress thread or open kernel could hang a child). At most two tasks per
    worker are in flight, so 550 units' files are never all in memory at once.

    A worker process that dies (killed for memory, a crash) breaks Python's pool: the units
    it had in flight fail ("pekerja gagal"), and the next unit is handed to a new pool, so
    the batch goes on.
    """

    def __init__(
        self,
        workers: int | None = None,
        build: Callable[[UnitTask], UnitResult] = build_unit,
    ) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._build = build  # a module-level function (a test's stands in for build_unit)
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=get_context("spawn"), initializer=warm_up
        )

    def run(self, tasks: Iterable[UnitTask]) -> Iterator[UnitResult]:
        """Submit tasks in a bounded window and yield results as they complete."""
        yield from windowed(tasks, self._submit, _first_completed, 2 * self.workers)

    def _submit(self, task: UnitTask) -> tuple[Future[UnitResult], Unit]:
        try:
            return self._pool.submit(self._build, task), task.unit
        except BrokenProcessPool:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._start()
            return self._pool.submit(self._build, task), task.unit

    def close(self) -> None:
        """Stop the worker processes."""
        self._pool.shutdown(cancel_futures=True)


def _first_completed(futures: Iterable[Any]) -> set[Any]:
    return set(wait(list(futures), return_when=FIRST_COMPLETED).done)


def windowed(
    tasks: Iterable[UnitTask],
    submit: Callable[[UnitTask], tuple[Any, Unit]],
    first_completed: Callable[[Iterable[Any]], set[Any]],
    window: int,
) -> Iterator[UnitResult]:
    """Keep at most `window` tasks submitted; yield each result as it arrives.

    Works with any futures that have `.result()` (concurrent.futures, Dask): `submit` hands
    a task over, `first_completed` waits until at least one of the given futures is done.
    A task that crashed its worker (not a unit's error: `build_unit` catches those) becomes a
    failed result, so the batch still accounts for every unit.
    """
    pending: dict[Any, tuple[Unit, float]] = {}
    queue = iter(tasks)
    exhausted = False
    while pending or not exhausted:
        while not exhausted and len(pending) < window:
            task = next(queue, None)
            if task is None:
                exhausted = True
                break
            future, unit = submit(task)
            pending[future] = (unit, time.perf_counter())
        if not pending:
            break
        done = first_completed(pending)
        for future in sorted(done, key=lambda f: pending[f][0]):
            unit, started = pending.pop(future)
            try:
                yield future.result()
            except Exception as exc:  # the worker died (memory, signal): still one row
                seconds = round(time.perf_counter() - started, 3)
                yield UnitResult(unit, {}, seconds, f"pekerja gagal: {first_error(exc)}")


# -- the batch --------------------------------------------------------------------------


def run_batch(
    data_dir: str | os.PathLike[str],
    output_dir: str | os.PathLike[str],
    engine: Engine,
    options: BatchOptions | None = None,
    *,
    tahun: int | None = None,
    units: Sequence[Unit] | None = None,
    force: bool = False,
    progress: Callable[[str, Unit, Outcome | None], None] | None = None,
) -> list[Outcome]:
    """Build every unit (or `units`) under `data_dir` with `engine`; return the account.

    ``progress`` is called with ("mulai", unit, None) when a unit is handed to the engine and
    ("selesai", unit, outcome) when its result is written (or it is skipped). Raises only for
    the batch's own problems (no data folder, no unit found); a unit's failure is an
    outcome with status "gagal".
    """
    options = options or BatchOptions()
    if "pdf" in options.formats and options.pdf_engine is None:
        from lakipkit.pdf import default_engine

        options = replace(options, pdf_engine=default_engine())
    data = Path(data_dir).expanduser().resolve()
    output = Path(output_dir).expanduser().resolve()
    todo = list(units) if units is not None else find_units(data, tahun)
    if not todo:
        wanted = f" untuk tahun {tahun}" if tahun is not None else ""
        raise LakipError(f"tidak ada satker-tahun di {data}{wanted}: lihat data/README.md")
    from lakipkit.cache import reusable

    say = progress or (lambda event, unit, outcome: None)
    outcomes: dict[Unit, Outcome] = {}
    entries: dict[Unit, tuple[str, str | None]] = {}

    def tasks() -> Iterator[UnitTask]:
        for unit in todo:
            files = read_unit(data, unit)
            stem, key = entry = options.cache_entry(data, output, unit, files)
            folder = output / unit.satker / str(unit.tahun)
            if not force and key is not None and reusable(folder, stem, key) is not None:
                outcomes[unit] = Outcome(unit.satker, unit.tahun, STATUS_SKIPPED, 0.0)
                say("selesai", unit, outcomes[unit])
                continue
            entries[unit] = entry
            say("mulai", unit, None)
            yield UnitTask(unit, files, options, str(data), str(output))

    for result in engine.run(tasks()):
        error = result.error
        try:
            write_unit(output, result, entries.get(result.unit))
        except (OSError, LakipError) as exc:
            error = error or first_error(exc)
        status = STATUS_OK if error is None else STATUS_FAILED
        outcome = Outcome(result.unit.satker, result.unit.tahun, status, result.seconds, error)
        outcomes[result.unit] = outcome
        say("selesai", result.unit, outcome)
    return [outcomes[unit] for unit in sorted(outcomes)]


def write_account(path: Path, outcomes: Sequence[Outcome]) -> Path:
    """Write the account as JSON (one object per unit, sorted), atomically."""
    counts = {
        s: sum(o.status == s for o in outcomes) for s in (STATUS_OK, STATUS_FAILED, STATUS_SKIPPED)
    }
    document = {"jumlah": len(outcomes), **counts, "satker": [asdict(o) for o in outcomes]}
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    commit_files(path.parent, {path.name: text.encode("utf-8")}, [])
    return path


def make_engine(workers: int | None = None, dask: str | None = None) -> Engine:
    """Pick the engine: a local pool, or Dask ("lokal" starts a LocalCluster)."""
    if workers is not None and workers < 1:
        raise LakipError(f"--pekerja {workers}: jumlah pekerja minimal 1")
    if dask is None:
        return LocalPool(workers)
    from lakipkit.dask_engine import DaskEngine

    return DaskEngine(None if dask == "lokal" else dask, workers=workers)


def account_table(
    outcomes: Sequence[Outcome], clean: Callable[[str], str] = lambda text: text
) -> Any:
    """Show the account as a rich table: satker, tahun, status, seconds, first error.

    ``clean`` makes data text safe for a terminal (the CLI passes `cli.terminal_text`).
    """
    from rich.table import Table

    table = Table("satker", "tahun", "status", "waktu", "galat pertama", title="build --semua")
    style = {STATUS_OK: "green", STATUS_FAILED: "bold red", STATUS_SKIPPED: "dim"}
    for o in outcomes:
        table.add_row(
            o.satker,
            str(o.tahun),
            f"[{style[o.status]}]{o.status}",
            f"{o.detik:.1f} s",
            escape_markup(clean(o.galat or "")),
        )
    counts = {s: sum(o.status == s for o in outcomes) for s in style}
    table.caption = ", ".join(f"{n} {s}" for s, n in counts.items())
    return table


def escape_markup(text: str) -> str:
    """Keep rich from reading `[...]` in an error message as markup."""
    from rich.markup import escape

    return escape(text)
