"""Reading raw tables from files: CSV (any common dialect), Parquet and Excel workbooks.

Readers only read: they return the file's cells untouched (CSV cells as text) with the
name the user knows the file by, and leave every type decision to ``validate``. Each
``RawTable`` remembers the file row number of each of its rows, so that problems point at
the row a spreadsheet shows (header = row 1) even after blank rows are skipped or rows
are filtered out by a mapping.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from acctkit.data.portfolio import TABLE_NAMES
from acctkit.errors import Problem

SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".xlsx", ".xlsm", ".xls")


class UnreadableFile(ValueError):
    """A file acctkit cannot read, with the reason in the user's terms."""


def read_failure(exc: Exception) -> str:
    """Why a file could not be read: our own reason, or the library's first line."""
    if isinstance(exc, UnreadableFile):
        return str(exc)
    first = (str(exc).strip().splitlines() or [""])[0]
    if "magic bytes" in first or "Parquet" in first:
        return "is not a readable Parquet file (damaged or not Parquet)"
    if isinstance(exc, UnicodeError):
        return f"cannot be decoded ({first})"
    return (
        f"cannot be read ({type(exc).__name__}: {first})"
        if first
        else (f"cannot be read ({type(exc).__name__})")
    )


FIRST_DATA_ROW = 2  # row 1 is the header, as a spreadsheet numbers it
FALLBACK_ENCODING = "cp1252"  # what Excel on Windows writes for "CSV" in Western locales
ENCODING_NAMES = {"cp1252": "Windows Western European", "latin-1": "ISO Western European"}


@dataclass(frozen=True)
class RawTable:
    """A table as read from its file, before parsing. ``label`` names it for messages.

    ``columns`` gives, for a canonical column read from a CRM export, the export's own name
    for it (messages use the user's names); ``rows`` the file row number of each row (None:
    row ``i`` is file row ``i + 2``). ``date_order`` is ``"dmy"``, ``"mdy"`` or ``"iso"``
    when this table's files say so (None: the load's setting). ``serial_dates``: numbers in
    date columns are Excel date serials (a workbook). ``encoding``: the encoding a file that
    was not UTF-8 was read with, when it had to be guessed. ``value_maps`` lists, per
    canonical column, the export values a mapping translates (for the "not mapped"
    message), and ``section`` the mapping section the table comes from. ``unavailable``
    names the canonical columns whose export column is missing: that is reported once, and
    validation says nothing more about them.
    """

    name: str
    frame: pd.DataFrame
    label: str
    decimal: str = "."
    columns: Mapping[str, str] = field(default_factory=dict)
    rows: np.ndarray | None = None
    date_order: str | None = None
    serial_dates: bool = False
    encoding: str | None = None
    value_maps: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    section: str | None = None
    unavailable: frozenset[str] = frozenset()

    def column_label(self, name: str) -> str:
        """The name the user knows a canonical column by in this file."""
        return self.columns.get(name, name)

    def file_rows(self, mask: pd.Series | np.ndarray) -> tuple[int, ...]:
        """File row numbers (header = row 1) where ``mask`` is true."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        numbers = positions + FIRST_DATA_ROW if self.rows is None else self.rows[positions]
        return tuple(int(n) for n in numbers)

    def take(self, keep: np.ndarray) -> RawTable:
        """The same table restricted to the rows where ``keep`` is true (row numbers kept)."""
        rows = np.arange(len(self.frame)) + FIRST_DATA_ROW if self.rows is None else self.rows
        frame = self.frame[keep].reset_index(drop=True)
        return replace(self, frame=frame, rows=rows[keep])


def find_table_files(folder: Path) -> tuple[dict[str, Path], list[Problem]]:
    """Map each table name to its file in ``folder`` (``accounts.csv``, ``contacts.parquet``...)."""
    found: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        table = path.stem.strip().lower()  # Accounts.csv is the accounts table too
        if path.is_file() and path.suffix.lower() in SUFFIXES and table in TABLE_NAMES:
            found.setdefault(table, []).append(path)
    problems = [
        Problem(
            name, f"several files for this table ({', '.join(p.name for p in paths)}); keep one"
        )
        for name, paths in found.items()
        if len(paths) > 1
    ]
    return {name: paths[0] for name, paths in found.items()}, problems


def read_file(name: str, path: Path, *, encoding: str | None = None) -> RawTable:
    """Read one table file. Raises ``ValueError`` with a readable reason when it cannot."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(name, path, encoding=encoding)
    if suffix == ".parquet":
        return RawTable(name, pd.read_parquet(path), path.name)
    if suffix in (".xlsx", ".xlsm"):
        return read_sheet(name, path, None)
    if suffix == ".xls":
        raise UnreadableFile(
            "is an old-style .xls workbook; save it as .xlsx (or CSV) and try again"
        )
    raise UnreadableFile("is not a CSV, Parquet or .xlsx file")


def read_workbook(path: Path) -> dict[str, RawTable]:
    """Read every sheet of an Excel workbook named after a table."""
    sheets = pd.read_excel(path, sheet_name=None, dtype=object, header=None, engine="openpyxl")
    return {
        name.strip().lower(): _sheet_table(
            name.strip().lower(), grid, f"{path.name}, sheet '{name}'"
        )
        for name, grid in sheets.items()
        if name.strip().lower() in TABLE_NAMES
    }


def sheet_names(path: Path) -> list[str]:
    """The sheet names of a workbook, in order."""
    with pd.ExcelFile(path, engine="openpyxl") as book:
        return [str(name) for name in book.sheet_names]


def read_sheet(name: str, path: Path, sheet: str | None) -> RawTable:
    """Read one sheet of a workbook (the first one when ``sheet`` is None)."""
    grid = pd.read_excel(
        path,
        sheet_name=0 if sheet is None else sheet,
        dtype=object,
        header=None,
        engine="openpyxl",
    )
    label = path.name if sheet is None else f"{path.name}, sheet '{sheet}'"
    return _sheet_table(name, grid, label)


def _sheet_table(name: str, grid: pd.DataFrame, label: str) -> RawTable:
    if grid.empty:
        raise UnreadableFile("is empty (no header row)")
    frame, rows = _with_header(grid, is_blank=grid.isna())
    return RawTable(name, frame, label, rows=rows, serial_dates=True)


def read_csv(name: str, path: Path, *, encoding: str | None = None) -> RawTable:
    """Read a CSV as text cells, detecting ``,``/``;``/tab separators and the decimal mark.

    UTF-8 with or without BOM, UTF-16 with a BOM, CRLF line ends. A file that is not UTF-8
    is read as Windows-1252 (what Excel writes in Western locales; a superset of Latin-1
    for text) unless ``encoding`` names its encoding; ``RawTable.encoding`` then says so.
    Excel in a French locale writes ``;`` with a decimal comma, so a ``;`` file is read
    with ``,`` as its decimal mark.
    """
    text, detected = decode(path.read_bytes(), encoding)
    if not text.strip():
        raise UnreadableFile("is empty (no header row)")
    separator = _detect_separator(text)
    try:
        grid = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            header=None,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
        )
    except pd.errors.ParserError as exc:
        raise UnreadableFile(_parser_message(str(exc), separator)) from None
    # The header is set by hand so that duplicated names stay visible to validation
    # (pandas would rename the second 'x' to 'x.1').
    blank = grid.fillna("").apply(lambda column: column.str.strip() == "")
    frame, rows = _with_header(grid, is_blank=blank)
    return RawTable(
        name,
        frame,
        path.name,
        decimal="," if separator == ";" else ".",
        rows=rows,
        encoding=detected,
    )


def decode(raw: bytes, encoding: str | None = None) -> tuple[str, str | None]:
    """The text of a file and, when it had to be guessed, the encoding it was read with.

    ``encoding`` (from a mapping) is used as given. Otherwise: a UTF-16 BOM, then strict
    UTF-8 (with or without BOM), then Windows-1252, then Latin-1 (which cannot fail).
    """
    if encoding is not None:
        try:
            return raw.decode(encoding), None
        except UnicodeDecodeError as exc:
            raise UnreadableFile(f"is not {encoding} text (byte {exc.start})") from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), None
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode(FALLBACK_ENCODING), FALLBACK_ENCODING
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def encoding_notes(raws: list[RawTable], advice: str) -> list[Problem]:
    """One note per guessed encoding, naming the files that were not UTF-8."""
    by_encoding: dict[str, list[RawTable]] = {}
    for raw in raws:
        if raw.encoding:
            by_encoding.setdefault(raw.encoding, []).append(raw)
    return [
        Problem(
            found[0].name,
            f"{'is' if len(found) == 1 else 'are'} not UTF-8: read as {encoding} "
            f"({ENCODING_NAMES.get(encoding, 'guessed')}); if accents look wrong, {advice}",
            file=", ".join(raw.label for raw in found),
        )
        for encoding, found in by_encoding.items()
    ]


def _with_header(grid: pd.DataFrame, is_blank: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Row 1 as the header; wholly blank rows and blank unnamed columns dropped.

    Returns the frame and the file row number of each of its rows.
    """
    header = ["" if pd.isna(c) else str(c).strip() for c in grid.iloc[0]]
    body_blank = is_blank.iloc[1:].to_numpy()
    keep_columns = [i for i, name in enumerate(header) if name or not body_blank[:, i].all()]
    names = [header[i] or f"(column {_column_letter(i)})" for i in keep_columns]
    body = grid.iloc[1:, keep_columns]
    filled = ~body_blank[:, keep_columns].all(axis=1) if keep_columns else np.zeros(0, bool)
    rows = np.flatnonzero(filled) + FIRST_DATA_ROW
    frame = body[filled].set_axis(names, axis=1).reset_index(drop=True)
    return frame, rows


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _parser_message(message: str, separator: str) -> str:
    """pandas' tokenizer message, said in the file's terms."""
    import re

    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if not found:
        return f"cannot be read as CSV ({message.strip()})"
    expected, line, saw = found.groups()
    shown = {"\t": "tab", ",": "','", ";": "';'"}.get(separator, repr(separator))
    return (
        f"row {line} has {saw} cells but the header has {expected} (separator {shown}); "
        "a value containing the separator must be quoted"
    )


def _detect_separator(text: str) -> str:
    header = text.splitlines()[0]
    counts = {sep: len(next(csv.reader([header], delimiter=sep))) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: counts[sep])
