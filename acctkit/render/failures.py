"""Why a notebook run failed, in one place for :func:`~acctkit.render.render` and the batch.

:func:`classify` maps what papermill, nbclient or a kernel raised to a
:class:`~acctkit.errors.FailureKind`; :func:`notebook_failure` keeps the partial notebook
for triage and describes the failure in one line (:func:`describe_failure`), naming the
report section (:func:`section_of`) where the failing cell sits.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from papermill.exceptions import PapermillException, PapermillExecutionError
from papermill.execute import raise_for_execution_errors

from acctkit.errors import FailureKind, RenderError
from acctkit.outputs import write_bytes_atomic
from acctkit.render.export import NotebookPaths
from acctkit.render.parameters import labelled

_PAPERMILL_MARKER_TAG = "papermill-error-cell-tag"


def classify(error: Exception, *, kernel_started: bool) -> FailureKind | None:
    """The kind of a failed notebook run; None for an error that is a bug to let through.

    A cell that raised is ``NOTEBOOK_ERROR`` (papermill's or nbclient's error alike); an
    error before the kernel answered is ``KERNEL_START`` (the only kind worth a retry).
    """
    if isinstance(error, (PapermillExecutionError, CellExecutionError)):
        return FailureKind.NOTEBOOK_ERROR
    if isinstance(error, PapermillException):
        return None
    if not kernel_started:
        return FailureKind.KERNEL_START
    if isinstance(error, CellTimeoutError):
        return FailureKind.TIMEOUT
    if isinstance(error, DeadKernelError):
        return FailureKind.KERNEL_DIED
    return None


def locate(error: Exception, notebook, cell_index: int | None):
    """The error papermill reads from the notebook's outputs (with its cell), when a cell
    raised; else ``error`` and ``cell_index`` as they are."""
    if isinstance(error, CellExecutionError):
        try:
            raise_for_execution_errors(notebook, None)  # papermill's banner cells
        except PapermillExecutionError as located:
            return located, located.cell_index
    return error, cell_index


def notebook_failure(
    error: Exception,
    kind: FailureKind,
    paths: NotebookPaths,
    *,
    partial,
    cell_index: int | None,
    overrun: str,
    label: str | None = None,
    standalone: bool = False,
) -> RenderError:
    """A :class:`RenderError` for a failed run, the partial notebook kept for triage.

    ``partial`` is what ran so far: a notebook file (moved to ``paths.failed``) or a
    notebook node (written there); nothing is kept when the kernel never started.
    ``overrun`` says what ran too long on a timeout (``"a cell ran longer than 600 s"``).
    A ``standalone`` message (one :func:`~acctkit.render.render` call) starts with the
    label and says where the partial notebook is; the batch shows both apart.
    """
    kept = None
    if kind is not FailureKind.KERNEL_START:
        if isinstance(partial, Path):
            if partial.exists():
                os.replace(partial, paths.failed)
                kept = paths.failed
        elif partial is not None:
            write_bytes_atomic(paths.failed, nbformat.writes(partial).encode("utf-8"))
            kept = paths.failed
    section = section_of(kept, cell_index) if kept else None
    message = describe_failure(error, kind, paths.source.name, section, overrun)
    if standalone:
        if kept:
            message += f" (partial notebook kept at {kept})"
        message = labelled(message, label)
    return RenderError(message, kind=kind, label=label, section=section, notebook=kept)


def describe_failure(error, kind: FailureKind, name: str, section: str | None, overrun: str) -> str:
    """One line for people about a failed notebook run of ``kind`` (a RenderError kind);
    ``overrun`` says what ran too long on a timeout (``"a cell ran longer than 600 s"``)."""
    where = f" in section '{section}'" if section else ""
    if kind is FailureKind.NOTEBOOK_ERROR:
        ename = getattr(error, "ename", type(error).__name__)
        value = str(getattr(error, "evalue", "")).strip()
        return f"{name} failed{where}: {ename}" + (f": {value}" if value else "")
    if kind is FailureKind.TIMEOUT:
        return f"{name} timed out{where}: {overrun}"
    if kind is FailureKind.KERNEL_DIED:
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
