"""A warm Jupyter kernel: started once, runs report notebooks again and again.

Starting a kernel and importing pandas, matplotlib and lakipkit in it costs 2-3 s, more than
running the report's cells. `WarmKernel` starts the kernel as soon as it is created (the
process boots and imports while the caller checks the data) and keeps it between runs; each
run clears the namespace (`%reset -f`, execution counter back to 1), so a notebook never sees
a previous run's variables and the executed notebook is the same as from a fresh kernel.
Imported modules stay loaded: that is the point. After the package's code changed, call
`restart()` (the preview does).

    with WarmKernel() as kernel:
        for tahun in (2023, 2024):
            nb = kernel.run("notebooks/laporan.ipynb", {"tahun": tahun, ...}, "out/x.ipynb")

`run` is papermill's `execute_notebook` (parameters cell, error markers, the same metadata)
with this kernel instead of a new one; a failing cell raises papermill's
`PapermillExecutionError` as before. One kernel runs one notebook at a time: for parallel
builds use one `WarmKernel` per worker.

`WarmKernel(inprocess=True)` runs the notebook in this process (ipykernel's in-process
kernel): no second Python, no second import of pandas and matplotlib, and the data this
process checked is already in its memo. Two prices: the notebook shares this process (a cell
that crashes the interpreter ends the caller), and text printed by cells (stdout/stderr,
warnings) does not reach the executed notebook (ipykernel 7's in-process streams arrive after
the cell is done); displayed output (the whole report) is the same. So `build_report`, whose
executed notebook is kept for audit, uses a kernel process; the preview's worker, which only
needs the page, runs in-process.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from lakipkit.errors import LakipError

KERNEL_NAME = "python3"
# What the report notebooks import; loaded while the caller does other work.
PRELOAD = (
    "import pandas, matplotlib, IPython.display",
    "import lakipkit, lakipkit.tables, lakipkit.charts, lakipkit.narrative, lakipkit.tren",
    "import lakipkit.audit, lakipkit.triwulan",
)
_ENGINE = "lakipkit-warm"
# Clears what a run left: its variables, figures and the garbage they leave.
_CLEAR = (
    "get_ipython().run_line_magic('reset', '-f')\n"
    "import matplotlib.pyplot as _plt; _plt.close('all'); del _plt"
)
_FREEZE = "import gc as _gc; _gc.freeze(); del _gc"
# No history database: the execution counter goes back to 1 on every run.
_QUIET = ["--IPKernelApp.log_level=CRITICAL", "--HistoryManager.enabled=False"]


class WarmKernel:
    """One live kernel for several notebook runs (see the module docstring)."""

    def __init__(
        self,
        cwd: str | os.PathLike[str] | None = None,
        preload: Iterable[str] = PRELOAD,
        *,
        inprocess: bool = False,
    ) -> None:
        self.cwd = Path(cwd or Path.cwd()).resolve()
        self.preload = tuple(preload)
        self.inprocess = inprocess
        self._km: Any = None
        self._kc: Any = None
        self._shared: bytes | None = None
        self.start()

    def __enter__(self) -> WarmKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def alive(self) -> bool:
        """Whether the kernel is running."""
        from jupyter_core.utils import run_sync

        if self._km is None:
            return False
        return bool(self._km.has_kernel if self.inprocess else run_sync(self._km.is_alive)())

    def start(self) -> None:
        """Launch the kernel and queue the imports; returns before the kernel is ready."""
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        from lakipkit.build import skip_slow_format_checkers

        skip_slow_format_checkers()
        if self.inprocess:
            self._start_inprocess()
            return
        self._km = AsyncKernelManager(kernel_name=KERNEL_NAME)
        try:
            run_sync(self._km.start_kernel)(extra_arguments=_QUIET, cwd=str(self.cwd))
        except OSError as error:
            self._km = None
            raise LakipError(f"kernel Python tidak dapat dijalankan: {error}") from error
        self._kc = self._km.client()
        self._kc.start_channels()
        self._ready = False  # wait_for_ready once: each later call would idle 0.2 s in it
        self._pending: set[str] = set()
        self._clean = False  # True once the namespace was cleared after the last run
        # Not waited for: the reply is read (and dropped) by the next `_quiet` call. Then what
        # is loaded is frozen: the garbage collections of every later run (each reset makes
        # two) skip the imported modules' objects, ~0.1 s each instead of a few ms.
        self._kc.execute("\n".join((*self.preload, _FREEZE)), silent=True, store_history=False)
        self._preloading = True

    def _start_inprocess(self) -> None:
        # ipykernel's debugger would import debugpy (slow, and it warns on stderr): not used.
        sys.modules.setdefault("debugpy", None)  # type: ignore[arg-type]
        from ipykernel.inprocess.manager import InProcessKernelManager

        # Its IOPub thread leaves a cancelled asyncio task behind at shutdown (ipykernel 7):
        # asyncio would log "Task was destroyed but it is pending!" on stderr at exit.
        logging.getLogger("asyncio").addFilter(_quiet_event_pipe_gc)
        self._km = InProcessKernelManager()
        self._km.start_kernel()
        self._km.kernel.shell.history_manager.enabled = False
        self._kc = self._km.client()
        self._kc.start_channels()
        self._preloading = False

    def restart(self) -> None:
        """Replace the kernel by a fresh one (new imports, e.g. after the package changed)."""
        self.close()
        self.start()

    def close(self) -> None:
        """Shut the kernel down."""
        from jupyter_core.utils import run_sync

        _cancel_pending_cells()
        if self._kc is not None:
            self._kc.stop_channels()
            self._kc = None
        if self._km is not None:
            if self.inprocess:
                self._km.shutdown_kernel()
            elif run_sync(self._km.is_alive)():
                run_sync(self._km.shutdown_kernel)(now=True)
            self._km = None

    def _quiet(self, code: str, timeout: float = 120) -> None:
        """Run code silently and wait for its reply (and for those still pending before it).

        A pending reply is the preload's (dropped: a failed import shows in the notebook) or
        the clean-up after the last run (`_clear_later`), whose failure is raised here.
        """
        from jupyter_core.utils import run_sync

        kc = self._kc
        if not self._ready:
            run_sync(kc.wait_for_ready)(timeout=timeout)
            self._ready = True
        msg_id = kc.execute(code, silent=True, store_history=False)
        failed = None
        while True:
            reply = run_sync(kc.get_shell_msg)(timeout=timeout)
            parent = reply["parent_header"].get("msg_id")
            if parent in self._pending:
                self._pending.discard(parent)
                if reply["content"]["status"] != "ok":
                    failed = failed or reply["content"]
            if parent == msg_id:
                break
        self._preloading = False
        if reply["content"]["status"] != "ok":
            failed = reply["content"]
        if failed is not None:
            raise RuntimeError(f"kernel: {failed.get('ename')}: {failed.get('evalue')}")

    def reset(self, cwd: str | os.PathLike[str] | None = None) -> None:
        """Clear the namespace, restart the execution counter, change directory.

        One round trip to the kernel, which also hands over the data of `share_data`. The
        clearing itself (slow: a garbage collection) is usually done already: `run` asks for
        it as soon as a notebook ends, and the kernel does it while this process exports.
        """
        where = str(Path(cwd).resolve() if cwd else self.cwd)
        if self.inprocess:
            # The same process: no chdir here (papermill changes and restores it per run).
            self.clear()
            self._km.kernel.shell.execution_count = 1
            return
        import tempfile

        code = [] if self._clean else [_CLEAR]
        code += [
            "get_ipython().execution_count = 1",
            f"import os as _os; _os.chdir({where!r}); del _os",
        ]
        with tempfile.NamedTemporaryFile(prefix="lakip-data-", suffix=".pickle") as handle:
            if self._shared is not None:
                handle.write(self._shared)
                handle.flush()
                # The kernel's memo becomes this process's: older units' entries would only
                # make every later hand-over larger.
                code.append(
                    "from lakipkit.memo import DATA as _d\n_d.clear()\n"
                    f"with open({handle.name!r}, 'rb') as _f: _d.seed(_f.read())\n"
                    "del _d, _f"
                )
            self._shared = None
            self._clean = False
            self._quiet("\n".join(code))

    def clear(self) -> None:
        """Drop the last run's variables and figures now, in-process (else: nothing to do).

        A kernel process is asked to clear right after each run (`_clear_later`); in-process
        the caller chooses when (the preview: once the page is sent), else `reset` does it.
        """
        if not self.inprocess or self._km is None:
            return
        self._km.kernel.shell.run_line_magic("reset", "-f")
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")

    def _clear_later(self) -> None:
        """Ask the kernel to clear the namespace now, without waiting (see `reset`)."""
        if self.inprocess or self._kc is None:
            return
        self._pending.add(self._kc.execute(_CLEAR, silent=True, store_history=False))
        self._clean = True

    def share_data(self) -> None:
        """Give the kernel the satker-years this process has loaded (`memo.DATA`).

        The notebook's `load_year` then returns them without reading the files again (the
        memo is keyed by the files' content, so an edited file is still read). Handed over
        with the next run's `reset`, in the same round trip.
        """
        from lakipkit.memo import DATA

        if self.inprocess:
            return  # one process, one memo
        self._shared = DATA.export()

    def run(
        self,
        notebook: str | os.PathLike[str],
        parameters: Mapping[str, Any],
        output: str | os.PathLike[str] | None,
    ) -> Any:
        """Execute `notebook` with `parameters` in this kernel, writing it to `output`.

        Runs in the notebook's folder, like papermill with `cwd`. Returns the executed
        notebook (`output` None: not written anywhere, as the preview needs); raises
        papermill's `PapermillExecutionError` on a failing cell.
        """
        import papermill

        if not self.alive:
            self.restart()
        notebook = Path(notebook).resolve()
        self.reset(notebook.parent)
        _register_engine()
        try:
            return papermill.execute_notebook(
                str(notebook),
                str(output) if output is not None else None,
                parameters=dict(parameters),
                kernel_name=KERNEL_NAME,
                engine_name=_ENGINE,
                progress_bar=False,
                request_save_on_cell_execute=False,
                record_timing=False,
                km=self._km,
                kc=self._kc,
                cwd=str(notebook.parent) if self.inprocess else None,
            )
        finally:
            self._clear_later()


def _cancel_pending_cells() -> None:
    """Cancel the cell an interrupt (Ctrl-C, SIGTERM) left waiting on the kernel.

    Left alone, it ends with "Kernel died" once the kernel is shut down, and asyncio prints
    that traceback at exit, after the build's one-line message.
    """
    import asyncio

    from jupyter_core.utils import ensure_event_loop

    loop = ensure_event_loop()
    if loop.is_running() or loop.is_closed():
        return
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))


def _quiet_event_pipe_gc(record: logging.LogRecord) -> bool:
    return "_run_event_pipe_gc" not in record.getMessage()


def _register_engine() -> None:
    """Register papermill's nbclient engine variant that runs in a given kernel."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    if _ENGINE in papermill_engines._engines:
        return

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(  # type: ignore[override]
            cls, nb_man: Any, kernel_name: str, km: Any = None, kc: Any = None, **kwargs: Any
        ) -> Any:
            kwargs.pop("input_path", None)
            kwargs.pop("timeout", None)
            kwargs.pop("startup_timeout", None)
            for name in ("log_output", "stdout_file", "stderr_file", "start_timeout"):
                kwargs.pop(name, None)
            client = PapermillNotebookClient(nb_man, km=km, kernel_name=kernel_name, **kwargs)
            client.kc = kc
            return client.execute(cleanup_kc=False)

    papermill_engines.register(_ENGINE, WarmEngine)
