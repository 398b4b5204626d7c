"""The one exceptions module: every error acctkit raises on purpose is an AcctkitError.

The CLI turns an ``AcctkitError`` into a readable message and exit code 2; any other
exception is a bug and may show a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class AcctkitError(Exception):
    """Base class of every error acctkit raises on purpose."""


class ConfigError(AcctkitError):
    """An invalid configuration (unknown key, negative weight, thresholds out of order)."""


class ModelError(AcctkitError):
    """The early-warning model cannot be fitted, scored or loaded."""


class ReportError(AcctkitError):
    """A review report cannot be built or rendered."""


class FailureKind(str, Enum):
    """Why one report (one notebook run) failed: the one list of failure kinds.

    The value is what the manifest, the progress lines and ``ReportOutcome.kind`` show.

    ``INVALID_ARGUMENTS``
        Nothing ran: a bad path, option or notebook parameter.
    ``KERNEL_START``
        The kernel did not start (or did not answer in time): the only kind worth a retry.
    ``NOTEBOOK_ERROR``
        A cell raised; the partial notebook is kept for triage.
    ``TIMEOUT``
        A cell (or, in the batch, the whole report) ran longer than the time allowed.
    ``KERNEL_DIED``
        The kernel died or stopped answering while a cell ran.
    ``OUTPUT``
        A report file could not be written (read-only or full disk): the batch stops.
    ``WORKER_DIED``
        The batch's worker process (local or Dask) died with the report.
    ``INTERNAL``
        A bug in acctkit while rendering this report; the other reports go on.
    """

    INVALID_ARGUMENTS = "invalid_arguments"
    KERNEL_START = "kernel_start"
    NOTEBOOK_ERROR = "notebook_error"
    TIMEOUT = "timeout"
    KERNEL_DIED = "kernel_died"
    OUTPUT = "output"
    WORKER_DIED = "worker_died"
    INTERNAL = "internal"

    def __str__(self) -> str:
        return self.value

    __format__ = str.__format__


class RenderError(ReportError):
    """A report could not be rendered.

    Attributes
    ----------
    kind : FailureKind
        Why: see :class:`FailureKind` (a plain string is turned into one).
    label : str or None
        The caller's label (e.g. the account id).
    section : str or None
        The nearest markdown heading above the cell that failed.
    notebook : pathlib.Path or None
        The partial executed notebook kept for triage.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: FailureKind | str,
        label: str | None = None,
        section: str | None = None,
        notebook: Path | None = None,
    ):
        super().__init__(message)
        self.kind = FailureKind(kind)
        self.label = label
        self.section = section
        self.notebook = notebook

    @property
    def retryable(self) -> bool:
        """True when a new attempt may succeed: the kernel failed to start."""
        return self.kind is FailureKind.KERNEL_START


class OutputError(AcctkitError):
    """An output file cannot be written (bad suffix, read-only or full folder)."""


@dataclass(frozen=True)
class Problem:
    """One problem found in the input data.

    ``rows`` are numbered as in the file: 1-based, with the header as row 1, so the first
    data row is row 2 (the row number a spreadsheet shows).
    """

    table: str
    message: str
    column: str | None = None
    rows: tuple[int, ...] = ()
    file: str | None = None

    def __str__(self) -> str:
        where = self.file or self.table
        if self.column is not None:
            where += f", column '{self.column}'"
        if self.rows:
            where += f", {_format_rows(self.rows)}"
        return f"{where}: {self.message}"


def _format_rows(rows: tuple[int, ...], limit: int = 5) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    more = len(rows) - limit
    label = "row" if len(rows) == 1 else "rows"
    return f"{label} {shown}" + (f" and {more} more" if more > 0 else "")


class DataValidationError(AcctkitError):
    """The input portfolio is invalid; ``problems`` lists every problem found, in one go."""

    def __init__(self, problems: list[Problem], source: str | None = None):
        self.problems = list(problems)
        self.source = source
        self.notes: tuple[Problem, ...] = ()  # what the load noticed before it failed
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} found in {source or 'the portfolio'}:"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))
