"""Where report jobs run: a pool of local worker processes, or a Dask cluster.

Both pools are context managers with one method, ``results(jobs)``, that yields one
:class:`~acctkit.batch.engines.ReportOutcome` per job as the jobs finish, in any order.
An outcome is a few hundred bytes: pages are written by the workers and never travel back,
so the parent's memory does not grow with the number of reports.

Local workers are spawned processes (no fork of a parent that holds threads and sockets).
Each watches its parent and exits, killing its kernels, as soon as the parent is gone, so
a batch killed with ``kill -9`` leaves no worker or kernel behind. If a worker process
itself dies, the pool is rebuilt and the unfinished jobs are given one more chance.
"""

from __future__ import annotations

import multiprocessing
import os
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from acctkit.batch.engines import (
    EngineSettings,
    ReportJob,
    ReportOutcome,
    close_workers,
    prime_worker,
    run_job,
)
from acctkit.batch.worker import start_local_worker
from acctkit.errors import FailureKind, ReportError


def open_pool(settings: EngineSettings, *, workers: int, scheduler: str | None = None):
    """A :class:`LocalPool` of ``workers`` processes, or a :class:`DaskPool` on ``scheduler``."""
    if scheduler:
        return DaskPool(settings, scheduler)
    return LocalPool(settings, workers)


class LocalPool:
    """Worker processes on this machine, each with one exporter and (warm) one kernel.

    Parameters
    ----------
    settings : EngineSettings
        How the workers render.
    workers : int
        Number of worker processes.
    """

    def __init__(self, settings: EngineSettings, workers: int):
        self.settings = settings
        self.workers = max(1, int(workers))
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> LocalPool:
        self._pool = self._new_pool()
        return self

    def prime(self) -> None:
        """Start the workers (and warm kernels) now, while the parent does other work."""
        for _ in range(self.workers):
            self._pool.submit(prime_worker, self.settings)

    def __exit__(self, kind, _value, _traceback) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if kind is not None:  # interrupted: stop now rather than finish the running reports
            _terminate(pool)
        pool.shutdown(wait=True, cancel_futures=True)

    def results(self, jobs: Iterable[ReportJob]) -> Iterator[ReportOutcome]:
        """Run ``jobs`` and yield their outcomes as they finish."""
        queue = list(jobs)
        crashes: Counter[str] = Counter()
        while queue:
            futures = {self._pool.submit(run_job, job, self.settings): job for job in queue}
            queue = []
            broken = False
            for future in as_completed(futures):
                job = futures[future]
                try:
                    yield future.result()
                except BrokenProcessPool:
                    broken = True
                    crashes[job.label] += 1
                    if crashes[job.label] > 1:
                        yield _lost(job, "a worker process died twice while this report ran")
                    else:
                        queue.append(job)
            if broken:
                _terminate(self._pool)
                self._pool.shutdown(wait=True)
                self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=start_local_worker,
            initargs=(os.getpid(),),
        )


class DaskPool:
    """Tasks on a Dask distributed cluster; its workers need acctkit and the shared paths.

    Parameters
    ----------
    settings : EngineSettings
        How the workers render.
    address : str
        The scheduler, e.g. ``tcp://scheduler:8786``.
    """

    def __init__(self, settings: EngineSettings, address: str):
        self.settings = settings
        self.address = address
        self._client = None

    def __enter__(self) -> DaskPool:
        try:
            from distributed import Client
        except ImportError:
            raise ReportError(
                "--scheduler needs dask.distributed: pip install 'acctkit[dask]'"
            ) from None
        try:
            self._client = Client(self.address, timeout=30, set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise ReportError(
                f"cannot reach the Dask scheduler at {self.address}: {error}"
            ) from None
        return self

    def prime(self) -> None:
        """Nothing to do: the cluster's workers are already running."""

    def __exit__(self, *_exc) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.run(close_workers, on_error="ignore")  # the warm kernels of every thread
        finally:
            client.close()

    def results(self, jobs: Iterable[ReportJob]) -> Iterator[ReportOutcome]:
        """Submit ``jobs`` as tasks and yield their outcomes as they finish."""
        from distributed import as_completed as dask_completed

        batch = uuid.uuid4().hex[:8]
        futures, by_key = [], {}
        for index, job in enumerate(jobs):
            future = self._client.submit(
                run_job, job, self.settings, key=f"acctkit-report-{batch}-{index}", pure=False
            )
            futures.append(future)
            by_key[future.key] = job
        for future in dask_completed(futures, loop=self._client.loop):
            job = by_key[future.key]
            try:
                outcome = future.result()
            except Exception as error:  # noqa: BLE001 - e.g. KilledWorker: this job only
                outcome = _lost(job, f"the Dask task failed: {type(error).__name__}: {error}")
            future.release()
            yield outcome


def _lost(job: ReportJob, message: str) -> ReportOutcome:
    return ReportOutcome(label=job.label, ok=False, kind=FailureKind.WORKER_DIED, error=message)


def _terminate(pool: ProcessPoolExecutor) -> None:
    # ProcessPoolExecutor cannot cancel a running job; its processes are ours to stop.
    for process in list(getattr(pool, "_processes", {}).values()):
        if process.is_alive():
            process.terminate()
