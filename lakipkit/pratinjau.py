"""`lakip pratinjau`: the report's HTML on 127.0.0.1, rebuilt and reloaded on every change.

Three parts, so that a change to the package itself is picked up cleanly:

- this process serves the page (`http.server`, loopback only) and watches the files by
  polling (data/<satker>/, the notebooks, the package: no extra package, no inotify limits);
- a worker process holds an in-process `WarmKernel` and builds the page: data check (only the edited
  file is parsed again, `memo.DATA`), notebook, HTML export. Nothing is written to output/
  (nor the executed notebook anywhere); between builds its heap is frozen (`_settle_heap`),
  so the garbage collector no longer walks pandas and matplotlib on every build;
- the page in the browser asks `/versi?setelah=N`, which answers as soon as a newer page is
  there (long poll), and reloads. That script is added to the served copy only: the
  published HTML stays script-free.

A data error replaces the page with the error (file, row, column, what is expected); the
next good edit brings the report back. A change under lakipkit/ restarts the worker (new
code, new kernel). Ctrl-C stops the server, the worker and its kernel.
"""

from __future__ import annotations

import html as html_lib
import multiprocessing
import os
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

PACKAGE_DIR = Path(__file__).resolve().parent
_POLL = 0.05  # seconds between two looks at the files
_SETTLE = 0.02  # seconds a changed file must hold still before it is built
_LONG_POLL = 20.0  # seconds a /versi request waits for a newer page
_RELOAD = """<script>
(function () {
  var versi = %d;
  function tunggu() {
    fetch("/versi?setelah=" + versi, {cache: "no-store"})
      .then(function (r) { return r.text(); })
      .then(function (t) { if (+t > versi) { location.reload(); } else { tunggu(); } })
      .catch(function () { setTimeout(tunggu, 500); });
  }
  tunggu();
})();
</script>
"""


def snapshot(folders: Mapping[Path, tuple[str, ...]]) -> dict[Path, tuple[int, int, int]]:
    """Stat every file under each folder whose name ends with one of its suffixes."""
    seen = {}
    for folder, suffixes in folders.items():
        for root, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if not d.startswith((".", "__pycache__"))]
            for name in files:
                if name.endswith(suffixes) and not name.startswith("."):
                    path = Path(root) / name
                    try:
                        stat = path.stat()
                    except OSError:
                        continue
                    seen[path] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    return seen


def error_page(title: str, message: str, detail: str = "") -> str:
    """Write a plain page saying why the report could not be built (shown instead of it)."""
    return (
        '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
        f"<title>{html_lib.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "pre{white-space:pre-wrap;background:#fff4f4;border-left:4px solid #b00;"
        "padding:1rem}</style></head><body>"
        f"<h1>{html_lib.escape(title)}</h1><p>{html_lib.escape(message)}</p>"
        f'<pre class="galat">{html_lib.escape(detail)}</pre>'
        "<p>Perbaiki berkasnya: halaman ini dimuat ulang sendiri.</p></body></html>"
    )


def build_page(
    kernel: Any,
    data_dir: Path,
    satker: str,
    tahun: int,
    work: Path,
    parameters: Mapping[str, Any],
    laporan: str = "tahunan",
    triwulan: int | None = None,
) -> tuple[bool, str]:
    """Build the report page in `kernel`; (True, html) or (False, an error page)."""
    from papermill.exceptions import PapermillExecutionError

    from lakipkit import build
    from lakipkit.errors import DataValidationError, LakipError

    try:
        kuartal = build.check_laporan(laporan, triwulan)
        params = build.report_parameters(data_dir, satker, tahun, work, parameters, kuartal)
        year = build._check_data(data_dir, satker, tahun, kuartal)
        source = build.notebook_path(laporan)
        kernel.share_data()
        nb = kernel.run(source, params, None)  # nothing written: the page is all we need
        html = build.export_html(build.normalise_notebook(nb), build.report_title(year, kuartal))
    except DataValidationError as error:
        return False, error_page("Data belum benar", "Laporan belum dapat dibuat:", str(error))
    except PapermillExecutionError as error:
        detail = f"sel {error.cell_index}: {error.ename}: {error.evalue}"
        return False, error_page("Notebook gagal", "Sebuah sel notebook gagal:", detail)
    except LakipError as error:
        return False, error_page("Laporan belum dapat dibuat", str(error))
    return True, html


def _worker(connection: Any, config: dict[str, Any]) -> None:
    """Build a page on every request received on `connection` (a separate process)."""
    import signal

    from lakipkit.build import notebook_path, skip_slow_format_checkers
    from lakipkit.kernel import WarmKernel

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops us
    parent = os.getppid()
    skip_slow_format_checkers()
    with (
        # In-process: the page is all the preview needs (lakipkit.kernel on what that skips).
        WarmKernel(cwd=notebook_path(config["laporan"]).parent, inprocess=True) as kernel,
        tempfile.TemporaryDirectory(prefix="lakip-pratinjau-") as work,
    ):
        while True:
            try:
                while not connection.poll(0.5):
                    if os.getppid() != parent:
                        return  # the server died without saying so: stop the kernel too
                request = connection.recv()
            except EOFError:
                return
            if request is None:
                return
            try:
                result = build_page(kernel, work=Path(work), **config)
            except Exception as error:  # noqa: BLE001 - shown in the page, the loop goes on
                result = (False, error_page("Pratinjau gagal", f"{type(error).__name__}: {error}"))
            connection.send(result)
            _settle_heap(connection, kernel)


def _settle_heap(connection: Any, kernel: Any) -> None:
    """Freeze what outlived a build, so that the next build's collections skip it.

    pandas, matplotlib, IPython and the kernel are some hundred thousand objects; every full
    garbage collection walks them all (~0.15 s on this machine, and IPython's `%reset` at the
    start of each run does two, the notebook's allocations trigger more). Frozen
    (`gc.freeze`), a collection walks only what the next build makes: a rebuild takes ~0.5 s
    less. The build's variables and figures (in reference cycles) are dropped first, so
    what is frozen is what lives on: modules and the memos' entries (tables, SVG text,
    loaded data: none in a cycle, so an entry dropped later is freed even while frozen).
    Collecting only what this build made takes ~0.01 s, unfreezing and walking everything
    ~0.1 s. Done after the page was sent, unless another edit is already waiting.
    """
    import gc

    if connection.poll():
        return
    kernel.clear()
    gc.collect()
    gc.freeze()


class Preview:
    """The preview server: `start()`, then `url`; `stop()` (or Ctrl-C in `serve_forever`)."""

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        satker: str,
        tahun: int,
        *,
        parameters: Mapping[str, Any] | None = None,
        laporan: str = "tahunan",
        triwulan: int | None = None,
        host: str = "127.0.0.1",
        port: int = 8000,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        folder = Path(data_dir).expanduser().resolve()
        self.config: dict[str, Any] = {
            "data_dir": folder,
            "satker": satker,
            "tahun": int(tahun),
            "parameters": dict(parameters or {}),
            "laporan": laporan,
            "triwulan": triwulan,
        }
        self.say = progress or (lambda message: None)
        self.version = 0
        self.ok = False
        self.page = b""
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._worker: Any = None
        self._connection: Any = None
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self._server.block_on_close = False  # a page's long poll must not hold up Ctrl-C
        self._worker_lock = threading.RLock()  # the watcher and `stop` both start/stop it
        self._threads: list[threading.Thread] = []
        from lakipkit.build import notebook_path

        notebooks = notebook_path(laporan).parent
        self._inputs = {
            folder / satker: (".csv", ".yaml", ".yml", ".md"),
            notebooks: (".ipynb",),
        }
        self._package = {PACKAGE_DIR: (".py", ".j2", ".css", ".json")}

    @property
    def url(self) -> str:
        """Where the page is served."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    def start(self) -> None:
        """Start the worker, build the first page, then serve and watch in the background."""
        # Seen before the first build: an edit made while it runs is built next.
        seen = snapshot(self._inputs), snapshot(self._package)
        self._start_worker()
        self._rebuild("membangun laporan pertama")
        for target, args in ((self._server.serve_forever, ()), (self._watch, seen)):
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop serving, watching and the worker (and its kernel)."""
        self._stop.set()
        with self._changed:
            self._changed.notify_all()
        self._server.shutdown()
        self._server.server_close()
        # The watcher may be waiting for a page; a build that does not end is cut short (the
        # watcher's wait then ends with EOF, and it starts no new worker after `_stop`).
        if not self._worker_lock.acquire(timeout=10):
            worker = self._worker
            if worker is not None:
                worker.terminate()
            self._worker_lock.acquire()
        try:
            self._stop_worker_locked()
        finally:
            self._worker_lock.release()
        for thread in self._threads:
            thread.join(timeout=5)

    def serve_forever(self) -> None:
        """Run until Ctrl-C or SIGTERM, then stop cleanly."""
        import signal

        def terminate(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt

        if threading.current_thread() is threading.main_thread():
            # Ctrl-C too: a process started with SIGINT ignored (inherited from its parent, e.g.
            # a shell script or a Jupyter kernel) would otherwise never stop on it.
            signal.signal(signal.SIGINT, terminate)
            signal.signal(signal.SIGTERM, terminate)
        try:
            while not self._stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            self.say("berhenti")
        finally:
            self.stop()

    # -- the worker ------------------------------------------------------------------------

    def _start_worker(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._worker = context.Process(target=_worker, args=(child, self.config), daemon=True)
        self._worker.start()
        child.close()

    def _stop_worker(self) -> None:
        with self._worker_lock:
            self._stop_worker_locked()

    def _stop_worker_locked(self) -> None:
        if self._worker is None:
            return
        try:
            self._connection.send(None)
        except OSError:
            pass
        self._worker.join(timeout=10)
        if self._worker.is_alive():
            self._worker.terminate()
            self._worker.join(timeout=5)
        self._connection.close()
        self._worker = None

    def _restart_worker(self) -> None:
        with self._worker_lock:
            if not self._stop.is_set():  # never a new worker once `stop` has begun
                self._stop_worker_locked()
                self._start_worker()

    def _rebuild(self, why: str) -> None:
        self.say(why)
        started = time.perf_counter()
        try:
            with self._worker_lock:
                if self._worker is None:
                    return  # stopped
                self._connection.send("build")
                ok, page = self._connection.recv()
        except (EOFError, OSError) as error:
            ok, page = False, error_page("Pratinjau gagal", f"proses pembangun berhenti: {error}")
            self._restart_worker()
        with self._changed:
            self.ok = ok
            self.version += 1
            self.page = _with_reload(page, self.version).encode("utf-8")
            self._changed.notify_all()
        state = "siap" if ok else "galat ditampilkan"
        self.say(f"{state} ({time.perf_counter() - started:.1f} s): {self.url}")

    # -- watching --------------------------------------------------------------------------

    def _watch(self, inputs: dict[Path, Any], package: dict[Path, Any]) -> None:
        while not self._stop.wait(_POLL):
            now_inputs, now_package = snapshot(self._inputs), snapshot(self._package)
            if (now_inputs, now_package) == (inputs, package):
                continue
            # A file being written (truncated, then filled) is built once it holds still.
            while not self._stop.wait(_SETTLE):
                settled = snapshot(self._inputs), snapshot(self._package)
                if settled == (now_inputs, now_package):
                    break
                now_inputs, now_package = settled
            if self._stop.is_set():
                return
            if now_package != package:
                self._restart_worker()
                self._rebuild("kode lakipkit berubah: kernel baru")
            elif now_inputs != inputs:
                changed = sorted(
                    str(path)
                    for path in set(now_inputs) | set(inputs)
                    if now_inputs.get(path) != inputs.get(path)
                )
                self._rebuild(f"berubah: {', '.join(changed[:3])}")
            else:
                continue
            # What changed while building is seen on the next look.
            inputs, package = now_inputs, now_package

    # -- serving ---------------------------------------------------------------------------

    def wait_newer(self, seen: int, timeout: float) -> int:
        """Return the page version as soon as it is newer than `seen` (or after `timeout`)."""
        with self._changed:
            self._changed.wait_for(
                lambda: self.version > seen or self._stop.is_set(), timeout=timeout
            )
            return self.version

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        preview = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                url = urlsplit(self.path)
                if url.path in ("/", "/index.html"):
                    body, kind = preview.page, "text/html; charset=utf-8"
                elif url.path == "/versi":
                    seen = parse_qs(url.query).get("setelah", ["-1"])[0]
                    version = preview.wait_newer(int(seen) if seen.isdigit() else -1, _LONG_POLL)
                    body, kind = str(version).encode(), "text/plain; charset=utf-8"
                else:
                    self.send_error(HTTPStatus.NOT_FOUND)
                    return
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

        return Handler


def _with_reload(page: str, version: int) -> str:
    """Add the reload script to the served copy (never to the published HTML)."""
    script = _RELOAD % version
    at = page.rfind("</body>")
    return page[:at] + script + page[at:] if at >= 0 else page + script
