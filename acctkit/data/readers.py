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
import re
import zipfile
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

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
    if isinstance(exc, zipfile.BadZipFile) or "is not a zip file" in first:
        return "is not a readable .xlsx workbook (damaged, cut short, or not an .xlsx file)"
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
# A UTF-8 accented Latin letter or sign (U+0080 to U+017F, two bytes): the accents of a
# UTF-8 file in a Western language. A Windows-1252 file holds such a byte pair only by
# chance ('CAFÉ’S' is C9 92, outside this range; 'Ã©' would be one).
_UTF8_ACCENT = re.compile(rb"[\xc2-\xc5][\x80-\xbf]")
# Files of another format given a CSV name, by their first bytes.
_SIGNATURES = (
    (b"PK\x03\x04", "is an Excel workbook (or another zip file), not CSV text"),
    (b"PAR1", "is a Parquet file, not CSV text"),
    (b"\xd0\xcf\x11\xe0", "is an old-style Excel .xls workbook, not CSV text"),
)
FALLBACK_ENCODING = "cp1252"  # what Excel on Windows writes for "CSV" in Western locales
ENCODING_NAMES = {"cp1252": "Windows Western European", "latin-1": "ISO Western European"}


@dataclass(frozen=True)
class ShortRows:
    """Rows of a CSV with fewer cells than its header, as pandas padded them with blanks.

    ``rows`` holds (file row, cell count, header names of the cells left off); ``cut`` says
    the file's last row is one of them and the file does not end with a line break: the
    file was cut short. Whether the other rows are an error depends on the table's schema
    (:func:`acctkit.data.validate.short_row_findings`): some writers leave off trailing
    empty cells.
    """

    rows: tuple[tuple[int, int, tuple[str, ...]], ...]
    width: int
    separator: str
    cut: bool = False

    def message(self, rows: list[tuple[int, int]]) -> str:
        """The error for ``rows`` ((file row, cell count) pairs)."""
        shown = _separator_name(self.separator)
        advice = "the file may be cut short, or a value lost its separator"
        if len(rows) == 1:
            row, count = rows[0]
            return (
                f"row {row} has {count} cell{'s' if count != 1 else ''} but the header has "
                f"{self.width} (separator {shown}); {advice}"
            )
        listed = ", ".join(str(row) for row, _ in rows[:5])
        more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
        return (
            f"rows {listed}{more} have fewer cells than the header's {self.width} (separator "
            f"{shown}); {advice}"
        )


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
    validation says nothing more about them. ``short``: the CSV rows that had fewer cells
    than the header (padded with blanks), for validation to judge. ``as_text``: for a table
    read typed (a clean CSV), how to read the same rows as text cells, should validation
    find a problem whose message quotes them.
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
    short: ShortRows | None = None
    as_text: Callable[[], RawTable] | None = None

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
        as_text = self.as_text
        if as_text is not None:  # the same rows of the text read
            as_text = lambda: self.as_text().take(keep)  # noqa: E731
        return replace(self, frame=frame, rows=rows[keep], as_text=as_text)


FILE_ALIASES = {"review-notes": "review_notes"}
"""Other file names of a table: ``review-notes.xlsx``, the notes template's default name."""


def find_table_files(folder: Path) -> tuple[dict[str, Path], list[Problem]]:
    """Map each table name to its file in ``folder`` (``accounts.csv``, ``contacts.parquet``...)."""
    found: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        table = path.stem.strip().lower()  # Accounts.csv is the accounts table too
        table = FILE_ALIASES.get(table, table)
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


def read_file(
    name: str,
    path: Path,
    *,
    encoding: str | None = None,
    kinds: Mapping[str, str] | None = None,
    coded: Collection[str] = (),
) -> RawTable:
    """Read one table file. Raises ``ValueError`` with a readable reason when it cannot.

    ``kinds`` (column name -> schema kind) lets a clean CSV be read typed (see ``read_csv``);
    the ``coded`` columns (values that repeat) are read as dictionary codes (Categoricals)
    from a typed CSV, and from a Parquet file that stores them so.
    """
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".xlsx", ".xlsm") and path.stat().st_size == 0:
        raise UnreadableFile("is empty (0 bytes)")
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(name, path, encoding=encoding, kinds=kinds, coded=coded)
    if suffix == ".parquet":
        return RawTable(name, _read_parquet(path, coded), path.name)
    if suffix in (".xlsx", ".xlsm"):
        return read_sheet(name, path, None)
    if suffix == ".xls":
        raise UnreadableFile(
            "is an old-style .xls workbook; save it as .xlsx (or CSV) and try again"
        )
    raise UnreadableFile("is not a CSV, Parquet or .xlsx file")


def _read_parquet(path: Path, coded: Collection[str] = ()) -> pd.DataFrame:
    """A Parquet file's columns; binary columns (bytes) as text, as every other reader gives.

    The ``coded`` text columns the file stores as dictionaries (every row group has a
    dictionary page, as most writers do for repetitive values) are read as Categoricals:
    the distinct values once, and a small integer per row.
    """
    import pyarrow.parquet as pq

    file = pq.ParquetFile(path)
    schema, metadata = file.schema_arrow, file.metadata
    file.close()
    positions = {metadata.schema.column(i).name: i for i in range(metadata.num_columns)}
    dictionary = [
        field_.name
        for field_ in schema
        if field_.name in coded
        and field_.name in positions
        and (pa.types.is_string(field_.type) or pa.types.is_large_string(field_.type))
        and all(
            metadata.row_group(group).column(positions[field_.name]).has_dictionary_page
            for group in range(metadata.num_row_groups)
        )
    ]
    frame = pd.read_parquet(
        path, read_dictionary=dictionary or None, to_pandas_kwargs={"split_blocks": True}
    )
    for field_ in schema:
        binary = pa.types.is_binary(field_.type) or pa.types.is_large_binary(field_.type)
        if (binary or pa.types.is_fixed_size_binary(field_.type)) and field_.name in frame:
            frame[field_.name] = frame[field_.name].map(_bytes_as_text, na_action="ignore")
    return frame


def _bytes_as_text(value):
    # Undecodable bytes stay visible (U+FFFD) in the messages that show them.
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def read_workbook(path: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    """Read every sheet of an Excel workbook named after a table; a sheet that cannot be
    read (an empty one) is a problem naming it, and the other sheets are still read."""
    sheets = pd.read_excel(path, sheet_name=None, dtype=object, header=None, engine="openpyxl")
    raws, problems, seen = {}, [], {}
    for sheet, grid in sheets.items():
        name, label = sheet.strip().lower(), f"{path.name}, sheet '{sheet}'"
        if name not in TABLE_NAMES:
            continue
        if name in seen:  # 'accounts' and 'Accounts ': which one is meant?
            problems.append(
                Problem(
                    name,
                    f"several sheets for this table ('{seen[name]}', '{sheet}'); keep one",
                    file=path.name,
                )
            )
            continue
        seen[name] = sheet
        try:
            raws[name] = _sheet_table(name, grid, label)
        except UnreadableFile as exc:
            problems.append(Problem(name, str(exc), file=label))
    return raws, problems


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


def read_csv(
    name: str,
    path: Path,
    *,
    encoding: str | None = None,
    kinds: Mapping[str, str] | None = None,
    coded: Collection[str] = (),
) -> RawTable:
    """Read a CSV as text cells, detecting ``,``/``;``/tab separators and the decimal mark.

    UTF-8 with or without BOM, UTF-16 with a BOM, CRLF line ends. A file that is not UTF-8
    is read as Windows-1252 (what Excel writes in Western locales; a superset of Latin-1
    for text) unless ``encoding`` names its encoding; ``RawTable.encoding`` then says so.
    Excel in a French locale writes ``;`` with a decimal comma, so a ``;`` file is read
    with ``,`` as its decimal mark.

    With ``kinds`` (column name -> schema kind), a plainly regular UTF-8 file is read with
    its numbers, dates and flags typed by Arrow (:mod:`acctkit.data.typed_csv`); the table's
    ``as_text`` reads it again as text, for validation to quote the cells of a file it finds
    a problem in.
    """
    data = path.read_bytes()
    _refuse_other_formats(data)
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if encoding is None and not utf16 and b"\x00" in data:
        raise UnreadableFile(_nul_message(data))
    if encoding is None and not utf16 and kinds:
        typed = _read_typed(data.removeprefix(codecs.BOM_UTF8), kinds, coded)
        if typed is not None:
            frame, separator = typed
            return RawTable(
                name,
                frame,
                path.name,
                _decimal_mark(separator),
                as_text=lambda: read_csv(name, path),
            )
    if encoding is None and not utf16:  # most files: UTF-8, one cell count, read by Arrow
        fast = _read_regular(data.removeprefix(codecs.BOM_UTF8))
        if fast is not None:
            frame, rows, separator = fast
            return RawTable(name, frame, path.name, _decimal_mark(separator), rows=rows)
    text, detected = decode(data, encoding)
    if "\x00" in text:
        raise UnreadableFile(_nul_message(data))
    if not text.strip():
        raise UnreadableFile("is empty (no header row)")
    separator = _detect_separator(text)
    if detected or encoding:  # Windows-1252 and other encodings, once in UTF-8
        table = _arrow_grid(text.encode("utf-8"), separator)
        if table is not None:
            frame, rows = _arrow_with_header(table)
            return RawTable(
                name, frame, path.name, _decimal_mark(separator), rows=rows, encoding=detected
            )
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
    blank = grid.fillna("").apply(lambda column: column.str.strip() == "")
    short = _short_rows(text, grid, blank, separator)
    # The header is set by hand so that duplicated names stay visible to validation
    # (pandas would rename the second 'x' to 'x.1').
    frame, rows = _with_header(grid, is_blank=blank)
    return RawTable(
        name,
        frame,
        path.name,
        decimal=_decimal_mark(separator),
        rows=rows,
        encoding=detected,
        short=_described(short, grid, separator, text) if short else None,
    )


def _decimal_mark(separator: str) -> str:
    return "," if separator == ";" else "."


# Enough bytes to hold a header line (and what follows it), to tell the separator.
_HEADER_BYTES = 1 << 16


def _read_regular(utf8: bytes) -> tuple[pd.DataFrame, np.ndarray, str] | None:
    """A UTF-8 CSV whose every record has the header's cell count, read by Arrow's parser
    (several times faster than pandas' for text cells): its frame, file row numbers and
    separator. None for any other file (not UTF-8, short or long rows, unclosed quotes...),
    which ``read_csv`` reads and judges cell by cell as before."""
    prefix = utf8[:_HEADER_BYTES]
    try:
        start = prefix.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(prefix) - 3:  # not UTF-8, not a character cut by the prefix
            return None
        start = prefix[: exc.start].decode("utf-8")
    lines = start.splitlines()
    if not lines or not lines[0].strip() or (len(lines) < 2 and len(prefix) < len(utf8)):
        return None
    separator = _detect_separator(lines[0])
    table = _arrow_grid(utf8, separator)
    if table is None:
        return None
    return (*_arrow_with_header(table), separator)


def _read_typed(
    utf8: bytes, kinds: Mapping[str, str], coded: Collection[str]
) -> tuple[pd.DataFrame, str] | None:
    """A plainly regular UTF-8 file read typed, with its separator; None for any other."""
    from acctkit.data.typed_csv import read_typed

    quoted = b'"' in utf8
    if quoted and not utf8.endswith((b"\n", b"\r")):  # it may end inside a quoted value
        return None
    try:
        first_line = utf8[:_HEADER_BYTES].decode("utf-8").split("\n", 1)[0]
    except UnicodeDecodeError:  # a character cut by the prefix, or not UTF-8: read as text
        return None
    if not first_line.strip():
        return None
    separator = _detect_separator(first_line)
    frame = read_typed(utf8, separator, kinds, quoted=quoted, coded=coded)
    return None if frame is None else (frame, separator)


def _arrow_grid(utf8: bytes, separator: str) -> pa.Table | None:
    """Every cell as text, the header a row like the others (so that a duplicated name
    stays visible), as pandas' parser splits them; None when a record has another cell
    count than the first, or the text is not UTF-8."""
    import pyarrow.csv as pa_csv

    quoted = b'"' in utf8
    if quoted and not utf8.endswith((b"\n", b"\r")):  # it may end inside a quoted value
        return None
    # At least the header's cell count (a quoted separator only adds one): a type for each.
    width = utf8[:_HEADER_BYTES].split(b"\n", 1)[0].count(separator.encode()) + 1
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(utf8),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True),
            parse_options=pa_csv.ParseOptions(
                delimiter=separator,
                # Only a quoted value can hold a line break; without quotes, Arrow splits
                # the file at line breaks and parses the parts on every core.
                newlines_in_values=quoted,
                ignore_empty_lines=False,
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.large_string() for i in range(4 * width + 64)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    if table.num_rows == 0 or any(t != pa.large_string() for t in table.schema.types):
        return None
    # A quote never closed takes the file's last line break into its value (pandas says
    # where it starts); a closed one leaves it to end the record.
    if quoted and table.column(table.num_columns - 1)[-1].as_py().endswith(("\n", "\r")):
        return None
    return table


def _arrow_with_header(table: pa.Table) -> tuple[pd.DataFrame, np.ndarray]:
    """``_with_header`` on an Arrow grid, testing cells for blanks only where a row or a
    column may be wholly blank (a blank first cell, an unnamed column)."""
    from acctkit.data.parse import is_blank

    header = [str(cell).strip() for cell in table.slice(0, 1).to_pylist()[0].values()]
    body = [pd.Series(pd.array(column, dtype="str")) for column in table.slice(1).columns]
    keep = [i for i, name in enumerate(header) if name or not is_blank(body[i]).all()]
    rows = table.num_rows - 1
    empty = is_blank(body[keep[0]]).to_numpy() if keep else np.ones(rows, dtype=bool)
    if empty.any():  # rows blank in their first cell: are the others blank too?
        for i in keep[1:]:
            empty = empty & is_blank(body[i]).to_numpy()
    names = [header[i] or f"(column {_column_letter(i)})" for i in keep]
    frame = pd.DataFrame(dict(enumerate(body[i] for i in keep)), index=pd.RangeIndex(rows))
    frame = frame.set_axis(names, axis=1)
    if empty.any():
        frame = frame[~empty].reset_index(drop=True)
    return frame, np.flatnonzero(~empty) + FIRST_DATA_ROW


def _described(
    short: list[tuple[int, int]], grid: pd.DataFrame, separator: str, text: str
) -> ShortRows:
    header = ["" if pd.isna(c) else str(c).strip() for c in grid.iloc[0]]
    rows = tuple(
        (row, count, tuple(name for name in header[count:] if name)) for row, count in short
    )
    cut = short[-1][0] == len(grid) and not text.endswith(("\n", "\r"))
    return ShortRows(rows, grid.shape[1], separator, cut)


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
        try:
            return raw.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                "is UTF-16 text (it starts with a byte order mark) that cannot be decoded at "
                f"byte {exc.start} ({exc.reason}): the file may be cut short or damaged"
            ) from None
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        if _mostly_utf8(raw):  # UTF-8 accents elsewhere: a guess would garble them
            line = raw[: exc.start].count(b"\n") + 1
            raise UnreadableFile(
                f"is partly UTF-8 and partly another encoding (line {line} holds the byte "
                f"0x{raw[exc.start]:02x}, which is not UTF-8, while other accents are): "
                "save it again as 'CSV UTF-8'"
            ) from None
    try:
        return raw.decode(FALLBACK_ENCODING), FALLBACK_ENCODING
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def _mostly_utf8(raw: bytes) -> bool:
    """Whether a file that is not valid UTF-8 still holds UTF-8 accents: a UTF-8 file with
    bytes of another encoding pasted in, not a Windows-1252 file where one byte pair
    happens to be valid UTF-8 (that takes two such accents, or at least as many as the
    invalid bytes)."""
    accents = len(_UTF8_ACCENT.findall(raw))
    invalid = raw.decode("utf-8", "replace").count("\ufffd")
    return accents >= 2 or (accents == 1 and invalid <= 1)


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
    unclosed = re.search(r"EOF inside string starting at row (\d+)", message)
    if unclosed:  # pandas counts records from 0, the header included
        row = int(unclosed.group(1)) + 1
        return (
            f"the quoted value that starts on row {row} is never closed (no closing '\"'): "
            "the file may be cut short, or a quote is missing"
        )
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if not found:
        return f"cannot be read as CSV ({message.strip()})"
    expected, line, saw = found.groups()
    return (
        f"row {line} has {saw} cells but the header has {expected} (separator "
        f"{_separator_name(separator)}); a value containing the separator must be quoted"
    )


def _separator_name(separator: str) -> str:
    return {"\t": "tab", ",": "','", ";": "';'"}.get(separator, repr(separator))


def _refuse_other_formats(data: bytes) -> None:
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise UnreadableFile(f"{what}: give it its real extension, or save it as CSV")


def _nul_message(data: bytes) -> str:
    """Why a file holding NUL bytes is not read: UTF-16 without its byte order mark (every
    other byte of ASCII text is NUL), or not text at all."""
    sample = data[:4000]
    half = max(len(sample) // 2, 1)
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) > 0.5 * half and min(even, odd) < 0.05 * half:
        return (
            "looks like UTF-16 text without a byte order mark, which cannot be told from "
            "binary data: save it as 'CSV UTF-8'"
        )
    if data.count(0) <= 3:  # a stray NUL or two in a text file: say where
        line = data[: data.index(0)].count(b"\n") + 1
        return f"line {line} holds a NUL byte (a control character text never holds): remove it"
    return "is not CSV text (it holds NUL bytes, as binary files do)"


def _short_rows(
    text: str, grid: pd.DataFrame, blank: pd.DataFrame, separator: str
) -> list[tuple[int, int]]:
    """(file row, cell count) of each row with fewer cells than the header's named columns.

    pandas pads a short row with empty cells, so only a row whose last named cell is empty
    (and that is not wholly blank) may be short; Arrow's parser then says quickly whether
    any row is, and only then are the rows counted one by one, with their numbers.
    """
    named = np.flatnonzero(~blank.iloc[0].to_numpy())
    if len(named) == 0 or named[-1] == 0:  # a one-column file has no short row
        return []
    needed = int(named[-1]) + 1
    body = blank.iloc[1:, :needed].to_numpy()
    maybe = body[:, needed - 1] & ~body.all(axis=1)
    if not maybe.any() or not _ragged(text, separator):
        return []
    counts = _cell_counts(text, separator)
    if len(counts) < len(grid):  # not split as pandas split it: do not guess
        return []
    candidates = np.flatnonzero(maybe) + 1  # grid rows: 0 is the header
    return [(int(i) + 1, counts[i]) for i in candidates if counts[i] < needed]


def _ragged(text: str, separator: str) -> bool:
    """Whether some record has another number of cells than the first (blank lines aside)."""
    import pyarrow.csv as pa_csv

    found = []

    def invalid(row) -> str:
        found.append(row)
        return "skip"

    try:
        pa_csv.read_csv(
            pa.py_buffer(text.encode("utf-8", errors="replace")),
            read_options=pa_csv.ReadOptions(autogenerate_column_names=True),
            parse_options=pa_csv.ParseOptions(
                delimiter=separator, newlines_in_values=True, invalid_row_handler=invalid
            ),
            convert_options=pa_csv.ConvertOptions(
                include_columns=["f0"], column_types={"f0": pa.string()}
            ),
        )
    except Exception:  # Arrow could not tell: count the cells one by one
        return True
    return bool(found)


def _cell_counts(text: str, separator: str) -> list[int]:
    """The number of cells of each record (a blank line: 1), as pandas splits them."""
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        return [max(len(record), 1) for record in reader]
    except csv.Error:  # e.g. a cell longer than the csv module allows
        return []


def _detect_separator(text: str) -> str:
    header = text.splitlines()[0]
    counts = {sep: len(next(csv.reader([header], delimiter=sep))) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: counts[sep])
