"""Reading raw tables from files: CSV (any common dialect), Parquet and Excel workbooks.

Readers only read: they return the file's cells untouched (CSV cells as text) with the
name the user knows the file by, and leave every type decision to ``validate``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from acctkit.data.portfolio import TABLE_NAMES
from acctkit.errors import Problem

SUFFIXES = (".csv", ".parquet", ".xlsx")


@dataclass(frozen=True)
class RawTable:
    """A table as read from its file, before parsing. ``label`` names it for messages."""

    name: str
    frame: pd.DataFrame
    label: str
    decimal: str = "."


def find_table_files(folder: Path) -> tuple[dict[str, Path], list[Problem]]:
    """Map each table name to its file in ``folder`` (``accounts.csv``, ``contacts.parquet``...)."""
    found: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() in SUFFIXES and path.stem in TABLE_NAMES:
            found.setdefault(path.stem, []).append(path)
    problems = [
        Problem(name, f"several files for this table ({', '.join(p.name for p in paths)}); keep one")
        for name, paths in found.items()
        if len(paths) > 1
    ]
    return {name: paths[0] for name, paths in found.items()}, problems


def read_file(name: str, path: Path) -> RawTable:
    """Read one table file. Raises ``ValueError`` with a readable reason when it cannot."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(name, path)
    if suffix == ".parquet":
        return RawTable(name, pd.read_parquet(path), path.name)
    frame = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
    return RawTable(name, frame, path.name)


def read_workbook(path: Path) -> dict[str, RawTable]:
    """Read every sheet of an Excel workbook named after a table."""
    sheets = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
    return {
        name.strip(): RawTable(name.strip(), frame, f"{path.name}, sheet '{name}'")
        for name, frame in sheets.items()
        if name.strip() in TABLE_NAMES
    }


def read_csv(name: str, path: Path) -> RawTable:
    """Read a CSV as text cells, detecting ``,``/``;`` separators and the decimal mark.

    UTF-8 with or without BOM; CRLF line ends. Excel in a French locale writes ``;`` with a
    decimal comma, so a ``;`` file is read with ``,`` as its decimal mark.
    """
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"is not UTF-8 text (byte {exc.start}); save it as 'CSV UTF-8' and try again"
        ) from None
    if not text.strip():
        raise ValueError("is empty (no header row)")
    separator = _detect_separator(text)
    frame = pd.read_csv(
        io.StringIO(text), sep=separator, dtype=str, header=None, keep_default_na=False,
        na_filter=False,
    )
    # The header is set by hand so that duplicated names stay visible to validation
    # (pandas would rename the second 'x' to 'x.1').
    frame = frame.iloc[1:].set_axis(list(frame.iloc[0]), axis=1).reset_index(drop=True)
    return RawTable(name, frame, path.name, decimal="," if separator == ";" else ".")


def _detect_separator(text: str) -> str:
    header = text.splitlines()[0]
    counts = {sep: len(next(csv.reader([header], delimiter=sep))) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: counts[sep])
