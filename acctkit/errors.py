"""The one exceptions module: every error acctkit raises on purpose is an AcctkitError.

The CLI turns an ``AcctkitError`` into a readable message and exit code 2; any other
exception is a bug and may show a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class AcctkitError(Exception):
    """Base class of every error acctkit raises on purpose."""


class ConfigError(AcctkitError):
    """An invalid configuration (unknown key, negative weight, thresholds out of order)."""


class ModelError(AcctkitError):
    """The early-warning model cannot be fitted, scored or loaded."""


class ReportError(AcctkitError):
    """A review report cannot be built or rendered."""


class RenderError(ReportError):
    """A report could not be rendered.

    Attributes
    ----------
    kind : str
        One of :data:`acctkit.review.rendering.KINDS`: ``"invalid_arguments"`` (nothing
        ran), ``"kernel_start"`` (the kernel did not start: the only kind worth a retry),
        ``"notebook_error"`` (a cell raised), ``"timeout"`` (a cell ran longer than
        ``timeout``), ``"kernel_died"``.
    label : str or None
        The caller's label (e.g. the account id), also at the start of the message.
    section : str or None
        The nearest markdown heading above the cell that failed.
    notebook : pathlib.Path or None
        The partial executed notebook kept for triage.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        label: str | None = None,
        section: str | None = None,
        notebook: Path | None = None,
    ):
        super().__init__(message)
        self.kind = kind
        self.label = label
        self.section = section
        self.notebook = notebook

    @property
    def retryable(self) -> bool:
        """True when a new attempt may succeed: the kernel failed to start."""
        return self.kind == "kernel_start"


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
