"""Run a batch on a Dask cluster (`lakip build --semua --dask [tcp://host:8786]`).

Why Dask and not a home-made queue: the scheduler, worker discovery, retries when a worker
dies, memory limits and the deployments (dask-jobqueue for SLURM/PBS, the Dask Kubernetes
operator, a plain `dask scheduler` + `dask worker`) already exist and are maintained.

A task is `lakipkit.batch.build_unit`: it receives one unit's files as bytes and returns the
outputs as bytes, so workers need lakipkit and its system packages (docs/skala.md) but no
shared filesystem; the client writes the outputs as they arrive. Each worker imports the
build chain once, when it joins (`WarmUp`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from typing import Any

from distributed import Client, LocalCluster, wait
from distributed.diagnostics.plugin import WorkerPlugin

from lakipkit.batch import (
    UnitResult,
    UnitTask,
    build_unit,
    close_kept,
    warm_up,
    windowed,
)
from lakipkit.errors import LakipError


class WarmUp(WorkerPlugin):
    """Import the build chain on every worker when it joins, also workers added later."""

    name = "lakipkit-warm-up"

    def setup(self, worker: Any) -> None:
        """Run `lakipkit.batch.warm_up` in the worker's process (kernels start per thread)."""
        warm_up(start_kernel=False)

    def teardown(self, worker: Any) -> None:
        """Shut down the kernels and browsers the worker's threads started."""
        close_kept()


class DaskEngine:
    """A Dask client: on a scheduler at `address`, or on a LocalCluster when it is None.

    The LocalCluster has one single-threaded worker process per core (or `workers`): a build
    runs its own kernel process and is CPU-bound, so more threads per worker would only make
    builds wait for each other. `processes=False` (workers as threads of this process) is
    for tests only.
    """

    def __init__(
        self, address: str | None = None, workers: int | None = None, *, processes: bool = True
    ) -> None:
        self._cluster: LocalCluster | None = None
        try:
            if address is None:
                self._cluster = LocalCluster(
                    n_workers=workers or os.cpu_count() or 1,
                    threads_per_worker=1,
                    processes=processes,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                self._client = Client(self._cluster)
            else:
                self._client = Client(address, timeout="30s")
        except OSError as error:
            self.close()
            raise LakipError(f"tidak bisa terhubung ke klaster Dask {address}: {error}") from error
        self._client.register_plugin(WarmUp())
        threads = self._client.nthreads()
        self.workers = max(1, sum(threads.values()))

    def run(self, tasks: Iterable[UnitTask]) -> Iterator[UnitResult]:
        """Submit tasks in a bounded window (two per worker thread); yield results as done."""
        yield from windowed(tasks, self._submit, _first_completed, 2 * self.workers)

    def _submit(self, task: UnitTask) -> tuple[Any, Any]:
        return self._client.submit(build_unit, task, pure=False), task.unit

    def close(self) -> None:
        """Close the client, and the LocalCluster if this engine started it."""
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()
        if self._cluster is not None:
            self._cluster.close()


def _first_completed(futures: Iterable[Any]) -> set[Any]:
    return set(wait(list(futures), return_when="FIRST_COMPLETED").done)
