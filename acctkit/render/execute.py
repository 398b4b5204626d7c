"""Run a review notebook in a fresh kernel and publish it as an HTML report.

:func:`render` runs a parameterized notebook with :func:`papermill.execute_notebook`, keeps
the executed notebook for audit, and exports it with :mod:`acctkit.render.export`. Files
are written atomically. Every failure raises :class:`~acctkit.errors.RenderError`, whose
``kind`` (:class:`~acctkit.errors.FailureKind`) tells a batch runner which failures are
worth a retry (kernel start-up only).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat
import papermill
import zmq
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
from nbconvert import HTMLExporter
from traitlets.config import Config

from acctkit.errors import FailureKind, RenderError
from acctkit.outputs import write_bytes_atomic
from acctkit.render.export import NotebookPaths, export_html, stamp_report
from acctkit.render.failures import classify, notebook_failure
from acctkit.render.parameters import check_parameters, labelled, papermill_path, positive_int

# Plain PNG at the figure's own dpi (no retina), whatever the user's IPython profile says.
KERNEL_ARGUMENTS = ("--InlineBackend.figure_formats=png",)


@dataclass(frozen=True)
class RenderResult:
    """What :func:`render` wrote and how long each step took (seconds, wall clock)."""

    html: Path
    notebook: Path
    html_bytes: int
    seconds: float
    execute_seconds: float
    export_seconds: float
    kernel_start_seconds: float


@dataclass(frozen=True)
class _KernelOptions:
    name: str | None
    timeout: int | None
    start_timeout: int
    transport: str
    cwd: str | os.PathLike | None


class _Progress:
    """nbclient hooks: when the kernel answered, and which cell started last."""

    def __init__(self) -> None:
        self.ready_at: float | None = None
        self.cell_index: int | None = None

    def kernel_ready(self, **_: object) -> None:
        self.ready_at = time.perf_counter()

    def cell_started(self, cell_index: int, **_: object) -> None:
        self.cell_index = cell_index


class CallerPythonKernelManager(AsyncKernelManager):
    """Start an IPython kernel on the caller's own interpreter, whatever kernelspecs exist.

    A ``python3`` kernelspec found first in the user's or the system's Jupyter paths may
    point to another Python, without acctkit or with other versions of pandas.
    """

    @property
    def kernel_spec(self) -> KernelSpec:
        if self._kernel_spec is None:
            from ipykernel.kernelspec import RESOURCES, get_kernel_dict

            self._kernel_spec = KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())
        return self._kernel_spec


def render(
    notebook_in: str | os.PathLike,
    html_out: str | os.PathLike,
    parameters: Mapping[str, object] | None = None,
    *,
    notebook_out: str | os.PathLike | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    date: str | dt.date | None = None,
    label: str | None = None,
    timeout: int | None = 600,
    start_timeout: int = 60,
    kernel_name: str | None = None,
    transport: str = "tcp",
    cwd: str | os.PathLike | None = None,
    exporter: HTMLExporter | None = None,
) -> RenderResult:
    """Run a parameterized notebook and publish it as a self-contained HTML report.

    Parameters
    ----------
    notebook_in : path
        The notebook to run, with a cell tagged ``parameters``.
    html_out : path
        The report to write (``.html``); its folder is created if needed.
    parameters : mapping, optional
        Checked by :func:`check_parameters`, then injected by papermill as they are:
        ``{"account_id": "007"}`` arrives as the string ``"007"``.
    notebook_out : path, optional
        Where to keep the executed notebook (``.ipynb``); by default beside ``html_out``
        with the same name. A failed run keeps its partial notebook as
        ``<notebook_out stem>.failed.ipynb`` instead.
    title, subtitle : str, optional
        Header of the report (escaped). The title defaults to the notebook's
        ``metadata.acctkit.title``, then to the name of ``html_out``.
    date : str or datetime.date, optional
        Shown in the header; defaults to today's date.
    label : str, optional
        Put at the start of error messages, e.g. the account id.
    timeout : int or None, optional
        Seconds one cell may run before the run fails with ``FailureKind.TIMEOUT``; None for no
        limit.
    start_timeout : int, optional
        Seconds the kernel may take to start.
    kernel_name : str, optional
        A Jupyter kernelspec name. By default the kernel runs on the caller's own
        interpreter (``sys.executable``), whatever kernelspecs are installed.
    transport : {"tcp", "ipc"}, optional
        ``"ipc"`` connects to the kernel through Unix sockets in a private temporary folder,
        which avoids the TCP port race of parallel kernel starts (POSIX only).
    cwd : path, optional
        Working folder of the kernel; the caller's working folder by default.
    exporter : nbconvert.HTMLExporter, optional
        From :func:`make_exporter`, reused across calls; a new one is built when omitted.

    Returns
    -------
    RenderResult
        Paths written, page size and timings.

    Raises
    ------
    RenderError
        Invalid arguments are rejected before any file is touched or kernel started. Once
        the run starts, any failure leaves no HTML at ``html_out`` and no notebook at
        ``notebook_out`` (older ones are removed first, so a stale report never passes for
        a current one); the partial notebook of a failed run is kept for triage.

    Examples
    --------
    >>> exporter = make_exporter()  # doctest: +SKIP
    >>> result = render("notebooks/account_review.ipynb", "reports/2026-06/007.html",
    ...                 {"account_id": "007"}, title="Account review: Acme",
    ...                 label="007", exporter=exporter)  # doctest: +SKIP
    """
    started = time.perf_counter()
    paths = _plan_paths(notebook_in, html_out, notebook_out, label)
    kernel = _KernelOptions(kernel_name, timeout, start_timeout, transport, cwd)
    _check_options(title, subtitle, date, kernel, label)
    parameters = check_parameters(paths.source, parameters or {}, label=label)
    for stale in (paths.html, paths.notebook, paths.failed):
        stale.unlink(missing_ok=True)
    paths.notebook.parent.mkdir(parents=True, exist_ok=True)
    paths.html.parent.mkdir(parents=True, exist_ok=True)
    running = paths.notebook.with_name(f".{paths.notebook.stem}.{uuid.uuid4().hex[:8]}.ipynb")
    try:
        executing = time.perf_counter()
        nb, progress = _execute(paths, running, parameters, kernel, label)
        execute_seconds = time.perf_counter() - executing
        language = parameters.get("lang")
        stamp_report(nb, paths, title=title, subtitle=subtitle, date=date, lang=language)
        write_bytes_atomic(paths.notebook, nbformat.writes(nb).encode("utf-8"))
        exported = time.perf_counter()
        export_html(nb, paths.html, exporter=exporter)
        finished = time.perf_counter()
    finally:
        running.unlink(missing_ok=True)
    return RenderResult(
        html=paths.html,
        notebook=paths.notebook,
        html_bytes=paths.html.stat().st_size,
        seconds=finished - started,
        execute_seconds=execute_seconds,
        export_seconds=finished - exported,
        kernel_start_seconds=progress.ready_at - executing,
    )


def _execute(paths: NotebookPaths, running: Path, parameters, kernel: _KernelOptions, label):
    """Run the notebook with papermill into ``running``; translate every failure."""
    progress = _Progress()
    with _kernel_socket_folder(kernel.transport) as socket_folder:
        try:
            nb = papermill.execute_notebook(
                papermill_path(paths.source),
                papermill_path(running),
                parameters,
                kernel_name=kernel.name or "python3",
                progress_bar=False,
                start_timeout=kernel.start_timeout,
                execution_timeout=kernel.timeout,
                **_engine_options(kernel, socket_folder, progress),
            )
        except Exception as error:
            kind = classify(error, kernel_started=progress.ready_at is not None)
            if kind is None:
                raise
            raise _failure(error, kind, paths, running, progress, kernel, label) from error
    return nb, progress


def _failure(error, kind, paths, running, progress, kernel, label) -> RenderError:
    return notebook_failure(
        error,
        kind,
        paths,
        partial=running,
        cell_index=getattr(error, "cell_index", progress.cell_index),
        overrun=f"a cell ran longer than {kernel.timeout} s",
        label=label,
        standalone=True,
    )


@contextmanager
def _kernel_socket_folder(transport: str) -> Iterator[Path | None]:
    if transport != "ipc":
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="acctkit-kernel-") as folder:
        yield Path(folder)


def _engine_options(kernel: _KernelOptions, socket_folder, progress) -> dict[str, object]:
    """Keyword arguments that papermill hands to nbclient's NotebookClient."""
    options: dict[str, object] = {
        "extra_arguments": list(KERNEL_ARGUMENTS),
        "on_notebook_start": progress.kernel_ready,
        "on_cell_start": progress.cell_started,
        "config": Config({"KernelManager": connection_settings(socket_folder)}),
        # The kernel is thrown away once its outputs are in: a graceful shutdown costs about
        # 0.3 s, and now and then 3 s more when ipykernel is slow to answer the request.
        "shutdown_kernel": "immediate",
    }
    if kernel.name is None:
        options["kernel_manager_class"] = CallerPythonKernelManager
    if kernel.cwd is not None:
        # nbclient starts the kernel there; papermill's own cwd= would chdir this process.
        options["resources"] = {"metadata": {"path": str(kernel.cwd)}}
    return options


def connection_settings(socket_folder: Path | None) -> dict[str, str]:
    """IPC sockets in a private folder, else TCP with CurveZMQ encryption when available.

    Either way other local users cannot read the kernel's traffic, and ipykernel (7.x) does
    not print its warning about plain TCP once per report.
    """
    if socket_folder is not None:
        return {"transport": "ipc", "ip": str(socket_folder / "kernel")}
    if hasattr(AsyncKernelManager, "transport_encryption") and zmq.has("curve"):
        return {"transport_encryption": "auto"}
    return {}


def _plan_paths(notebook_in, html_out, notebook_out, label) -> NotebookPaths:
    source = Path(notebook_in)
    html = Path(html_out)
    notebook = Path(notebook_out) if notebook_out is not None else html.with_suffix(".ipynb")
    problems = []
    if source.suffix != ".ipynb" or not source.is_file():
        problems.append(f"notebook_in {str(source)!r} is not a notebook file")
    if html.suffix.lower() not in (".html", ".htm"):
        problems.append(f"html_out {str(html)!r} must end with .html")
    if notebook.suffix != ".ipynb":
        problems.append(f"notebook_out {str(notebook)!r} must end with .ipynb")
    if notebook.resolve() == source.resolve():
        problems.append("notebook_out must not overwrite notebook_in")
    if problems:
        raise RenderError(
            labelled("; ".join(problems), label), kind=FailureKind.INVALID_ARGUMENTS, label=label
        )
    return NotebookPaths(source=source, html=html, notebook=notebook)


def _check_options(title, subtitle, date, kernel: _KernelOptions, label) -> None:
    problems = [
        f"{name} must be a string, not {type(value).__name__}"
        for name, value in (("title", title), ("subtitle", subtitle))
        if value is not None and not isinstance(value, str)
    ]
    if date is not None and not isinstance(date, (str, dt.date)):
        problems.append(f"date must be a string or a datetime.date, not {type(date).__name__}")
    problems += _kernel_problems(kernel)
    if problems:
        message = labelled("; ".join(problems), label)
        raise RenderError(message, kind=FailureKind.INVALID_ARGUMENTS, label=label)


def _kernel_problems(kernel: _KernelOptions) -> list[str]:
    problems = []
    if kernel.timeout is not None and not positive_int(kernel.timeout):
        problems.append(f"timeout must be a positive whole number of seconds: {kernel.timeout!r}")
    if not positive_int(kernel.start_timeout):
        problems.append(
            f"start_timeout must be a positive whole number of seconds: {kernel.start_timeout!r}"
        )
    if kernel.transport not in ("tcp", "ipc"):
        problems.append(f"transport must be 'tcp' or 'ipc', not {kernel.transport!r}")
    if kernel.transport == "ipc" and os.name != "posix":
        problems.append("transport 'ipc' needs Unix sockets (Linux, macOS)")
    if kernel.cwd is not None and not Path(kernel.cwd).is_dir():
        problems.append(f"cwd {str(kernel.cwd)!r} is not a folder")
    if kernel.name is not None and not _kernel_exists(kernel.name):
        problems.append(f"no Jupyter kernel named {kernel.name!r} (see `jupyter kernelspec list`)")
    return problems


def _kernel_exists(kernel_name: str) -> bool:
    try:
        KernelSpecManager().get_kernel_spec(kernel_name)
    except NoSuchKernel:
        return False
    return True
