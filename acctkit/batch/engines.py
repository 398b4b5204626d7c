"""The batch's engines: how a worker turns one report job into an HTML page.

A worker (a process of the local pool, or a thread of a Dask worker) calls
:func:`run_job` for each report it is given. Both engines inject the parameters with
papermill, exactly as :func:`acctkit.render.render` does, run the notebook through a
:class:`~acctkit.batch.kernel.KernelSession`, stamp the header, write the executed
notebook and export the HTML with the worker's one exporter; every file is written
atomically and a failed run leaves only ``<name>.failed.ipynb``.

``fresh``
    A new kernel per report, stopped at once afterwards: full isolation.
``warm``
    One kernel per worker, reset between reports (namespace, figures, matplotlib and
    pandas settings, warnings, caches, working folder) and replaced every
    ``recycle_every`` reports and after any failure. Imports are paid once per kernel
    instead of once per report.

Only kernel start-up failures are retried; a notebook error, a timeout or a dead kernel
fails the report at once, and :func:`run_job` never raises for one: it returns a
:class:`ReportOutcome`.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill

from acctkit.batch.kernel import KernelSession, kill_sessions, process_memory_peak_mb
from acctkit.errors import FailureKind, OutputError, RenderError
from acctkit.outputs import write_bytes_atomic
from acctkit.render.export import NotebookPaths, export_html, make_exporter, stamp_report
from acctkit.render.failures import classify, locate, markdown_heading, notebook_failure
from acctkit.render.parameters import papermill_path

ENGINES = ("fresh", "warm")
DEFAULT_TIMEOUT = 600  # seconds one account's report may run
_RETRY_PAUSE = 0.5


@dataclass(frozen=True)
class EngineSettings:
    """How the workers render: the same for every job of a batch.

    Attributes
    ----------
    engine : {"fresh", "warm"}
        A new kernel per report, or one kernel per worker reused across reports.
    timeout : int or None
        Seconds one report's notebook may run in all; None for no limit.
    start_timeout : int
        Seconds a kernel may take to start.
    start_retries : int
        New attempts after a kernel start-up failure (the only failure retried).
    recycle_every : int
        Warm engine: reports a kernel renders before it is replaced.
    """

    engine: str = "fresh"
    timeout: int | None = DEFAULT_TIMEOUT
    start_timeout: int = 60
    start_retries: int = 2
    recycle_every: int = 100


@dataclass(frozen=True)
class ReportJob:
    """One report to render: a notebook, its parameters and where its files go.

    Paths are absolute strings, valid on the worker (a shared folder for Dask).
    """

    label: str
    notebook: str
    html: str
    executed: str
    parameters: dict
    cwd: str
    title: str | None = None
    subtitle: str | None = None
    date: str | None = None
    back: tuple[str, str] | None = None  # (relative link, text) above the title


@dataclass(frozen=True)
class ReportOutcome:
    """What became of one job; small, so the parent can keep one per account.

    Attributes
    ----------
    label : str
        The job's label (the account id).
    ok : bool
        True when the HTML and the executed notebook were written.
    kind : FailureKind or None
        On failure, why (:class:`~acctkit.errors.FailureKind`).
    error : str or None
        On failure, one line for people (section, exception, message).
    failed_notebook : str or None
        The partial executed notebook kept for triage.
    seconds : float
        Wall time of the job in the worker, retries included.
    attempts : int
        1, or more after kernel start-up failures.
    timings : dict
        Seconds per step: ``kernel_start`` (0 when a warm kernel was reused), ``reset``,
        ``prepare``, ``execute``, ``write``, ``export``.
    sections : dict
        Seconds of kernel time per notebook section (markdown heading), ``(setup)`` for
        the cells before the first heading.
    html_bytes : int
        Size of the page.
    worker : str
        ``host:pid`` of the worker.
    worker_memory_mb, kernel_memory_mb : float or None
        Peak resident memory of the worker process and of the kernel that ran the job.
    """

    label: str
    ok: bool
    kind: FailureKind | None = None
    error: str | None = None
    failed_notebook: str | None = None
    seconds: float = 0.0
    attempts: int = 1
    timings: dict = field(default_factory=dict)
    sections: dict = field(default_factory=dict)
    html_bytes: int = 0
    worker: str = ""
    worker_memory_mb: float | None = None
    kernel_memory_mb: float | None = None


def run_job(job: ReportJob, settings: EngineSettings) -> ReportOutcome:
    """Render one report with this thread's worker; failures are returned, never raised.

    Parameters
    ----------
    job : ReportJob
        The report.
    settings : EngineSettings
        The batch's engine settings.

    Returns
    -------
    ReportOutcome
    """
    return _worker(settings).run(job)


def prime_worker(settings: EngineSettings) -> None:
    """Get this thread's worker ready before its first job: exporter, and a warm kernel.

    Called once per local worker while the parent builds the bundle, so that the start-up
    of workers and kernels overlaps it. A failure is ignored: the first job starts again.
    """
    _worker(settings).prime()


def close_workers() -> None:
    """Stop every kernel this process's workers hold (the warm engine's, at the end).

    The kernels are stopped from a thread of their own: the caller may be running an event
    loop (a Dask worker's), which a kernel session cannot run inside.
    """
    with _registry_lock:
        workers = list(_registry)
        _registry.clear()

    def close() -> None:
        for worker in workers:
            worker.close()

    closer = threading.Thread(target=close, name="acctkit-close-kernels")
    closer.start()
    closer.join()


def kill_kernels() -> None:
    """Kill this process's kernels at once, from any thread (the parent run died)."""
    kill_sessions()


_local = threading.local()
_registry: set[_Worker] = set()
_registry_lock = threading.Lock()


def _worker(settings: EngineSettings) -> _Worker:
    """This thread's worker; registered so that :func:`close_workers` reaches its kernel."""
    worker = getattr(_local, "worker", None)
    if worker is None or worker.settings != settings:
        if worker is not None:
            worker.close()
        worker = _Worker(settings)
        _local.worker = worker
    with _registry_lock:
        _registry.add(worker)
    return worker


class _CellClock:
    """nbclient hook: which cell runs, and the kernel time each section took."""

    def __init__(self, notebook: nbformat.NotebookNode):
        self.cell_index: int | None = None
        self._sections = _section_names(notebook)
        self._started: float | None = None
        self.sections: dict[str, float] = {}

    def cell_started(self, cell_index: int, **_: object) -> None:
        self._stop()
        self.cell_index = cell_index
        self._started = time.perf_counter()

    def _stop(self) -> None:
        if self._started is not None and self.cell_index is not None:
            name = self._sections[self.cell_index]
            elapsed = time.perf_counter() - self._started
            self.sections[name] = self.sections.get(name, 0.0) + elapsed
        self._started = None

    def finish(self) -> dict[str, float]:
        """Seconds per section, once the last cell has run."""
        self._stop()
        return {name: round(seconds, 4) for name, seconds in self.sections.items()}


class _Worker:
    """One exporter and, for the warm engine, one kernel: used by one thread only."""

    def __init__(self, settings: EngineSettings):
        self.settings = settings
        self.exporter = make_exporter()
        self.session: KernelSession | None = None
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self._kernel_memory: float | None = None

    def prime(self) -> None:
        """Start the warm kernel now (the exporter is already built)."""
        if self.settings.engine != "warm" or self.session is not None:
            return
        session = KernelSession(start_timeout=self.settings.start_timeout)
        try:
            session.start(snapshot=True)
        except RenderError:
            return
        self.session = session

    def close(self) -> None:
        """Stop the warm kernel, if any."""
        if self.session is not None:
            self._discard(self.session)

    def run(self, job: ReportJob) -> ReportOutcome:
        """Render ``job``, retrying kernel start-up failures only."""
        started = time.perf_counter()
        attempts = 0
        while True:
            attempts += 1
            timings: dict[str, float] = {}
            try:
                sections, html_bytes = self._render(job, timings)
            except RenderError as error:
                if error.retryable and attempts <= self.settings.start_retries:
                    time.sleep(_RETRY_PAUSE * attempts)
                    continue
                return self._outcome(job, started, attempts, timings, error=error)
            except OutputError as error:  # read-only or full disk: the batch stops
                failure = RenderError(str(error), kind=FailureKind.OUTPUT, label=job.label)
                return self._outcome(job, started, attempts, timings, error=failure)
            except Exception as error:  # noqa: BLE001 - a bug fails this report, not the batch
                failure = RenderError(f"{type(error).__name__}: {error}", kind=FailureKind.INTERNAL)
                return self._outcome(job, started, attempts, timings, error=failure)
            return self._outcome(
                job, started, attempts, timings, sections=sections, html_bytes=html_bytes
            )

    def _outcome(self, job, started, attempts, timings, *, error=None, sections=None, **kw):
        kernel_memory, self._kernel_memory = self._kernel_memory, None
        return ReportOutcome(
            label=job.label,
            ok=error is None,
            kind=error.kind if error is not None else None,
            error=str(error) if error is not None else None,
            failed_notebook=_failed_notebook(error),
            seconds=round(time.perf_counter() - started, 4),
            attempts=attempts,
            timings={name: round(seconds, 4) for name, seconds in timings.items()},
            sections=sections or {},
            worker=self.name,
            worker_memory_mb=process_memory_peak_mb(os.getpid()),
            kernel_memory_mb=kernel_memory,
            **kw,
        )

    def _render(self, job: ReportJob, timings: dict[str, float]) -> tuple[dict, int]:
        clock_start = time.perf_counter()
        paths = NotebookPaths(Path(job.notebook), Path(job.html), Path(job.executed))
        for stale in (paths.html, paths.notebook, paths.failed):
            stale.unlink(missing_ok=True)
        notebook = papermill.execute_notebook(
            papermill_path(paths.source),
            None,
            job.parameters,
            prepare_only=True,
            kernel_name="python3",
            progress_bar=False,
        )
        timings["prepare"] = time.perf_counter() - clock_start
        session = self._session(job, timings)
        clock = _CellClock(notebook)
        executing = time.perf_counter()
        try:
            session.execute(
                notebook, timeout=self.settings.timeout, on_cell_start=clock.cell_started
            )
        except Exception as error:
            timings["execute"] = time.perf_counter() - executing
            self._kernel_memory = session.memory_peak_mb()
            self._discard(session)
            raise self._failure(error, notebook, paths, clock, job) from error
        timings["execute"] = time.perf_counter() - executing
        self._kernel_memory = session.memory_peak_mb()
        sections = clock.finish()
        self._release(session)
        writing = time.perf_counter()
        stamp_report(
            notebook,
            paths,
            title=job.title,
            subtitle=job.subtitle,
            date=job.date,
            lang=job.parameters.get("lang"),
            back=job.back,
        )
        write_bytes_atomic(paths.notebook, nbformat.writes(notebook).encode("utf-8"))
        exporting = time.perf_counter()
        timings["write"] = exporting - writing
        export_html(notebook, paths.html, exporter=self.exporter)
        timings["export"] = time.perf_counter() - exporting
        return sections, paths.html.stat().st_size

    def _session(self, job: ReportJob, timings: dict[str, float]) -> KernelSession:
        """A kernel ready for ``job``: new (fresh), or this worker's, reset (warm)."""
        warm = self.settings.engine == "warm"
        if warm and self.session is not None:
            try:
                timings["reset"] = self.session.reset(job.cwd)
                timings["kernel_start"] = 0.0
                return self.session
            except Exception:  # noqa: BLE001 - a kernel that cannot reset is replaced
                self._discard(self.session)
        session = KernelSession(cwd=job.cwd, start_timeout=self.settings.start_timeout)
        timings["kernel_start"] = session.start(snapshot=warm)
        if warm:
            self.session = session
        return session

    def _release(self, session: KernelSession) -> None:
        """After a successful run: stop a fresh kernel, recycle a warm one when due."""
        if self.settings.engine != "warm" or session.notebooks_run >= self.settings.recycle_every:
            self._discard(session)

    def _discard(self, session: KernelSession) -> None:
        if session is self.session:
            self.session = None
        session.stop()

    def _failure(
        self, error, notebook, paths: NotebookPaths, clock: _CellClock, job
    ) -> RenderError:
        """A RenderError for a failed run; the partial notebook is kept for triage.

        The session talks to its kernel directly: an error :func:`classify` does not know
        means the kernel is gone (or never answered, before the first cell)."""
        kind = classify(error, kernel_started=True)  # KernelSession.start raised otherwise
        if kind is None:
            started = clock.cell_index is not None
            kind = FailureKind.KERNEL_DIED if started else FailureKind.KERNEL_START
        error, cell_index = locate(error, notebook, clock.cell_index)
        return notebook_failure(
            error,
            kind,
            paths,
            partial=notebook,
            cell_index=cell_index,
            overrun=f"the report ran longer than {self.settings.timeout} s",
            label=job.label,
        )


def _failed_notebook(error) -> str | None:
    notebook = getattr(error, "notebook", None)
    return str(notebook) if notebook is not None else None


def _section_names(notebook: nbformat.NotebookNode) -> list[str]:
    """For each cell, the markdown heading it sits under (``(setup)`` before the first)."""
    names, current = [], "(setup)"
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            headings = [markdown_heading(line) for line in cell.source.splitlines()]
            current = next((heading for heading in reversed(headings) if heading), current)
        names.append(current)
    return names
