"""Render a review notebook to a self-contained HTML report: papermill, then nbconvert.

:func:`render` runs a parameterized notebook in a fresh kernel with
:func:`papermill.execute_notebook`, keeps the executed notebook for audit, and converts it
with an :class:`~nbconvert.exporters.HTMLExporter` built on acctkit's own template (no code,
no prompts, no stderr, nothing loaded from the network). Files are written atomically.
Every failure raises :class:`RenderError`, a :class:`~acctkit.errors.ReportError` whose
``kind`` tells a batch runner which failures are worth a retry (kernel start-up only).
"""

from __future__ import annotations

import ast
import datetime as dt
import math
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
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from papermill.exceptions import PapermillException, PapermillExecutionError
from traitlets.config import Config

from acctkit import __version__
from acctkit.errors import RenderError
from acctkit.outputs import write_bytes_atomic

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_NAME = "acctkit"

#: Cells with one of these tags are left out of the HTML (they stay in the executed notebook).
REMOVE_CELL_TAGS = frozenset(
    {"remove", "remove-cell", "parameters", "injected-parameters", "papermill-error-cell-tag"}
)
#: Cells with this tag keep their place in the HTML, without their outputs.
REMOVE_OUTPUT_TAGS = frozenset({"remove-output"})

KINDS = ("invalid_arguments", "kernel_start", "notebook_error", "timeout", "kernel_died")

# Plain PNG at the figure's own dpi (no retina), whatever the user's IPython profile says.
KERNEL_ARGUMENTS = ("--InlineBackend.figure_formats=png",)
# Outputs a customer-facing report never shows; scripts would also need the network.
_SCRIPT_MIMETYPES = ("application/javascript", "application/vnd.jupyter.widget-view+json")
_PAPERMILL_MARKER_TAG = "papermill-error-cell-tag"
_TYPES_BY_NAME = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "list": (list,),
    "List": (list,),
    "dict": (dict,),
    "Dict": (dict,),
}


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


@dataclass(frozen=True)
class NotebookPaths:
    source: Path
    html: Path
    notebook: Path

    @property
    def failed(self) -> Path:
        return self.notebook.with_name(f"{self.notebook.stem}.failed.ipynb")


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


class _ReportOutputs(Preprocessor):
    """Drop the outputs a report never shows: stderr (warnings, logs), errors, scripts."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.outputs = [output for output in cell.outputs if _keep_output(output)]
        return cell, resources


def _keep_output(output) -> bool:
    if output.output_type == "error":
        return False
    if output.output_type == "stream":
        return output.name == "stdout"
    for mimetype in _SCRIPT_MIMETYPES:
        output.get("data", {}).pop(mimetype, None)
    return bool(output.get("data"))


def make_exporter() -> HTMLExporter:
    """Build the HTML exporter of review reports; build it once and reuse it.

    Its first export compiles the template (about 0.25 s); later ones take about 20 ms for a
    report with six charts, so a worker that renders many reports passes the same exporter to
    every :func:`render` call.

    Returns
    -------
    nbconvert.HTMLExporter
        acctkit's template, without inputs, prompts, anchor links, stderr, errors and
        script outputs; cells tagged ``remove`` (or ``remove-cell``) are dropped and cells
        tagged ``remove-output`` lose their outputs.
    """
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    config.TagRemovePreprocessor.remove_all_outputs_tags = set(REMOVE_OUTPUT_TAGS)
    exporter = HTMLExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
    )
    exporter.register_preprocessor(_ReportOutputs(), enabled=True)
    return exporter


def export_html(
    notebook: nbformat.NotebookNode | str | os.PathLike,
    html_out: str | os.PathLike,
    *,
    exporter: HTMLExporter | None = None,
) -> Path:
    """Convert an executed notebook to the report HTML, written atomically.

    Parameters
    ----------
    notebook : NotebookNode or path
        An executed notebook; its ``metadata.acctkit`` gives the header (see :func:`render`).
    html_out : path
        The HTML file to write (replaced in one step: readers never see half a file).
    exporter : nbconvert.HTMLExporter, optional
        From :func:`make_exporter`; a new one is built when omitted.

    Returns
    -------
    pathlib.Path
        ``html_out``.
    """
    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(notebook, as_version=4)
    html_out = Path(html_out)
    exporter = exporter or make_exporter()
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": html_out.stem}})
    write_bytes_atomic(html_out, body.encode("utf-8"))
    return html_out


def check_parameters(
    notebook: str | os.PathLike, parameters: Mapping[str, object], *, label: str | None = None
) -> dict[str, object]:
    """Check parameters against the notebook's ``parameters`` cell, before any kernel starts.

    Every name must be declared in the cell (as :func:`papermill.inspect_notebook` reads
    it); every value must be plain JSON (str, int, float, bool, None, list, dict) of the
    declared type: the annotation (``account_id: str = "A1"``), else the default's type.
    ``Optional[...]`` allows None; a float parameter accepts an int; a default of None or an
    unknown annotation accepts any plain JSON value.

    Parameters
    ----------
    notebook : path
        The notebook to run.
    parameters : mapping
        Parameter names and values, e.g. ``{"account_id": "007"}``.
    label : str, optional
        Put at the start of the error message (e.g. the account id).

    Returns
    -------
    dict
        The parameters, as a new dict.

    Raises
    ------
    RenderError
        ``kind="invalid_arguments"``, listing every problem at once.
    """
    declared = papermill.inspect_notebook(papermill_path(notebook))
    problems = [_parameter_problem(name, value, declared) for name, value in parameters.items()]
    problems = [problem for problem in problems if problem]
    if problems:
        names = ", ".join(declared) or "none"
        message = (
            f"{Path(notebook).name}: invalid parameters: {'; '.join(problems)} "
            f"(declared parameters: {names})"
        )
        raise RenderError(_labelled(message, label), kind="invalid_arguments", label=label)
    return dict(parameters)


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
        Seconds one cell may run before the run fails with ``kind="timeout"``; None for no
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
            kind = _failure_kind(error, progress)
            if kind is None:
                raise
            raise _failure(error, kind, paths, running, progress, kernel, label) from error
    return nb, progress


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


def _failure_kind(error: Exception, progress: _Progress) -> str | None:
    """The RenderError kind of an execution failure; None for a bug to let through."""
    if isinstance(error, PapermillExecutionError):
        return "notebook_error"
    if isinstance(error, PapermillException):
        return None
    if progress.ready_at is None:
        return "kernel_start"
    if isinstance(error, CellTimeoutError):
        return "timeout"
    if isinstance(error, DeadKernelError):
        return "kernel_died"
    return None


def _failure(error, kind, paths, running, progress, kernel, label) -> RenderError:
    """Keep the partial notebook (unless the kernel never started) and describe the failure."""
    kept = None
    if kind != "kernel_start" and running.exists():
        os.replace(running, paths.failed)
        kept = paths.failed
    cell_index = getattr(error, "cell_index", progress.cell_index)
    section = section_of(kept, cell_index) if kept else None
    message = describe_failure(
        error, kind, paths.source.name, section, f"a cell ran longer than {kernel.timeout} s"
    )
    if kept:
        message += f" (partial notebook kept at {kept})"
    return RenderError(
        _labelled(message, label), kind=kind, label=label, section=section, notebook=kept
    )


def describe_failure(error, kind: str, name: str, section: str | None, overrun: str) -> str:
    """One line for people about a failed notebook run of ``kind`` (a RenderError kind);
    ``overrun`` says what ran too long on a timeout (``"a cell ran longer than 600 s"``)."""
    where = f" in section '{section}'" if section else ""
    if kind == "notebook_error":
        ename = getattr(error, "ename", type(error).__name__)
        value = str(getattr(error, "evalue", "")).strip()
        return f"{name} failed{where}: {ename}" + (f": {value}" if value else "")
    if kind == "timeout":
        return f"{name} timed out{where}: {overrun}"
    if kind == "kernel_died":
        return f"the kernel died while running {name}{where}"
    return f"could not start a kernel for {name}: {type(error).__name__}: {error}"


def section_of(notebook_path: Path, cell_index: int | None) -> str | None:
    """The nearest markdown heading above a cell of the executed notebook."""
    if cell_index is None:
        return None
    nb = nbformat.read(notebook_path, as_version=4)
    # papermill inserts two banner cells on error; cell_index counts cells without them.
    cells = [c for c in nb.cells if _PAPERMILL_MARKER_TAG not in c.metadata.get("tags", [])]
    for cell in reversed(cells[:cell_index]):
        if cell.cell_type == "markdown":
            headings = [markdown_heading(line) for line in cell.source.splitlines()]
            headings = [h for h in headings if h]
            if headings:
                return headings[-1]
    return None


def markdown_heading(line: str) -> str | None:
    stripped = line.strip()
    if not stripped.startswith("#"):
        return None
    text = stripped.lstrip("#")
    if len(stripped) - len(text) > 6 or (text and not text[0].isspace()):
        return None
    return text.strip().rstrip("#").strip() or None


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
            _labelled("; ".join(problems), label), kind="invalid_arguments", label=label
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
        message = _labelled("; ".join(problems), label)
        raise RenderError(message, kind="invalid_arguments", label=label)


def _kernel_problems(kernel: _KernelOptions) -> list[str]:
    problems = []
    if kernel.timeout is not None and not _positive_int(kernel.timeout):
        problems.append(f"timeout must be a positive whole number of seconds: {kernel.timeout!r}")
    if not _positive_int(kernel.start_timeout):
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


def _positive_int(value: object) -> bool:
    return type(value) is int and value > 0


def _parameter_problem(name: object, value: object, declared: Mapping[str, dict]) -> str | None:
    if name not in declared:
        return f"unknown parameter {name!r}"
    if not _is_plain_json(value):
        return (
            f"{name!r} must be a string, number, boolean, None, list or dict, "
            f"not {type(value).__name__}"
        )
    allowed = _declared_types(declared[name])
    if allowed is None or type(value) in allowed:
        return None
    expected = " or ".join("None" if t is type(None) else t.__name__ for t in allowed)
    return f"{name!r} must be {expected}, not {type(value).__name__} {value!r}"


def _is_plain_json(value: object) -> bool:
    kind = type(value)
    if value is None or kind in (str, int, bool):
        return True
    if kind is float:
        return math.isfinite(value)
    if kind is list:
        return all(_is_plain_json(item) for item in value)
    if kind is dict:
        return all(type(key) is str and _is_plain_json(item) for key, item in value.items())
    return False


def _declared_types(parameter: Mapping[str, str]) -> tuple[type, ...] | None:
    """Types a parameter accepts, from its annotation or default; None when unknown."""
    annotation = parameter["inferred_type_name"].replace(" ", "")
    if annotation != "None":
        return _annotation_types(annotation)
    try:
        default = ast.literal_eval(parameter["default"])
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return None if default is None else _TYPES_BY_NAME.get(type(default).__name__)


def _annotation_types(annotation: str) -> tuple[type, ...] | None:
    optional = annotation.startswith("Optional[") and annotation.endswith("]")
    if optional:
        annotation = annotation[len("Optional[") : -1]
    types = _TYPES_BY_NAME.get(annotation.split("[", 1)[0])
    if types is None:
        return None
    return (*types, type(None)) if optional else types


_FOOTER = {
    "en": "Generated by acctkit {version} on {generated}.",
    "fr": "Généré par acctkit {version} le {generated}.",
}


def stamp_report(nb, paths: NotebookPaths, *, title, subtitle, date, lang=None, back=None) -> None:
    """Record the report header, language and footer, and the final notebook path, in the
    executed notebook (the template reads them from ``metadata.acctkit``).

    ``back`` is an optional ``(relative link, text)`` shown above the title: the batch's
    account pages link back to the month's index with it."""
    report = dict(nb.metadata.get("acctkit", {}))
    if back is not None:
        report["back"] = {"href": back[0], "text": back[1]}
    report["title"] = title or report.get("title") or paths.html.stem
    if subtitle is not None:
        report["subtitle"] = subtitle
    if isinstance(date, dt.date):
        date = date.isoformat()
    report["date"] = date or report.get("date") or dt.date.today().isoformat()
    report["generated"] = _generated_at().strftime("%Y-%m-%d %H:%M UTC")
    report["version"] = __version__
    report["lang"] = lang if lang in _FOOTER else "en"
    report["footer"] = _FOOTER[report["lang"]].format(
        version=__version__, generated=report["generated"]
    )
    nb.metadata["acctkit"] = report
    nb.metadata.setdefault("papermill", {})["output_path"] = str(paths.notebook)


def _generated_at() -> dt.datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` (seconds since 1970, the reproducible-builds
    convention) when it is set: then two runs write byte-identical pages."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc)


def papermill_path(path: str | os.PathLike) -> str:
    """A local path for papermill, which runs str.format on it: braces are doubled."""
    return str(path).replace("{", "{{").replace("}", "}}")


def _labelled(message: str, label: str | None) -> str:
    return f"{label}: {message}" if label else message
