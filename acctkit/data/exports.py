"""Applying a mapping to a CRM export: its files, rows and columns become canonical tables.

For each table of the mapping: open its file (or sheet) inside the export folder, keep the
rows its ``where`` selects, take each canonical column from its export column(s), translate
values through the value maps, fill defaults, and keep the other export columns as extras.
The result is a ``RawTable`` that remembers the export's column names and row numbers, so
that validation speaks the user's language. Nothing is parsed or checked here beyond what
the mapping itself needs (its files and columns must exist).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from acctkit.data import parse
from acctkit.data.mapping import WORKBOOK_SUFFIXES, Condition, Mapping, Source, TableMapping
from acctkit.data.portfolio import TABLE_NAMES
from acctkit.data.readers import (
    RawTable,
    ShortRows,
    UnreadableFile,
    encoding_notes,
    read_failure,
    read_file,
    read_sheet,
    sheet_names,
)
from acctkit.data.schema import SCHEMA, Column
from acctkit.errors import ConfigError, Problem


def read_mapped_tables(
    source: Path, mapping: Mapping
) -> tuple[dict[str, RawTable], list[Problem], list[Problem]]:
    """The canonical raw tables a mapping reads from an export folder or workbook, the
    problems found, and notes (files whose encoding had to be guessed).

    Raises ``ConfigError`` before reading anything when the mapping does not fit the source
    (a file outside the export folder, a sheet without a workbook, ...).
    """
    files = _resolve_files(source, mapping)
    uses = Counter((files[name], table.sheet) for name, table in mapping.tables.items())
    cache: dict[tuple, RawTable] = {}
    raws, problems = {}, []
    for name in TABLE_NAMES:
        if name not in mapping.tables:
            continue
        table = mapping.tables[name]
        path = files[name]
        shown = table.file or source.name
        try:
            export = _read_export(name, path, table, mapping, cache)
        except Exception as exc:  # a user's file can fail in many ways: say which, go on
            problems.append(Problem(name, read_failure(exc), file=shown))
            continue
        if uses[path, table.sheet] > 1:  # one file feeds several tables: say which
            export = replace(export, label=f"{export.label} (as {name})")
        raw, found = to_canonical(export, table)
        problems.extend(found)
        raws[name] = raw
    notes = encoding_notes(list(cache.values()), 'say encoding = "..." in the mapping')
    return raws, problems, notes


def _resolve_files(source: Path, mapping: Mapping) -> dict[str, Path]:
    """Each table's file, refused when it is not inside the export folder (links included)."""
    workbook = source.is_file()
    root = (source.parent if workbook else source).resolve()
    files, refused = {}, []
    for name, table in mapping.tables.items():
        where = f"[tables.{name}]"
        if workbook:
            if table.file is not None:
                refused.append(
                    f"{where} file = '{table.file}': the export is the workbook "
                    f"'{source.name}'; name its sheet with sheet = \"...\" instead"
                )
            files[name] = source
            continue
        if table.file is None:
            refused.append(
                f"{where} sheet = '{table.sheet}': the export is a folder; say "
                'which workbook the sheet is in with file = "....xlsx"'
            )
            continue
        path = source / table.file
        resolved = path.resolve()
        if not resolved.is_relative_to(root):
            refused.append(
                f"{where} file = '{table.file}' leads outside the export folder "
                f"(to {resolved}); mapping files may only name files inside it"
            )
            continue
        files[name] = path
    if refused:
        raise ConfigError(
            "\n".join([f"{mapping.origin} does not fit {source}:", *(f"  - {r}" for r in refused)])
        )
    return files


def _read_export(
    name: str, path: Path, table: TableMapping, mapping: Mapping, cache: dict
) -> RawTable:
    encoding = table.encoding or mapping.encoding
    key = (path, table.sheet, encoding)
    if key not in cache:
        if not path.is_file():
            raise UnreadableFile(f"file not found in the export folder{_file_hint(path)}")
        if path.suffix.lower() in WORKBOOK_SUFFIXES:
            sheets = sheet_names(path)
            if table.sheet is not None and table.sheet not in sheets:
                raise UnreadableFile(
                    f"sheet '{table.sheet}' not found{parse.did_you_mean(table.sheet, sheets)}; "
                    f"its sheets: {', '.join(sheets)}"
                )
            cache[key] = read_sheet(name, path, table.sheet)
        else:
            cache[key] = read_file(name, path, encoding=encoding)
    return cache[key]


def _file_hint(path: Path) -> str:
    if not path.parent.is_dir():
        return f" (no folder '{path.parent.name}')"
    names = sorted(p.name for p in path.parent.iterdir() if p.is_file())
    return f"{parse.did_you_mean(path.name, names)}; files there: {', '.join(names) or 'none'}"


def to_canonical(export: RawTable, table: TableMapping) -> tuple[RawTable, list[Problem]]:
    """One mapped table: the export's rows and columns renamed, filtered and translated."""
    columns = _Columns(export, table.name)
    selected = export.take(_rows_where(export.frame, table.where, columns, "selects the rows"))
    frame = selected.frame
    out: dict[str, pd.Series] = {}
    labels: dict[str, str] = {}
    unavailable = set()
    for column in SCHEMA[table.name].columns:
        cells, label, constant = _cells(frame, column, table, columns)
        labels[column.name] = label
        if cells is None:
            if column.name in table.columns:
                unavailable.add(column.name)
            continue
        if column.name in table.defaults and not constant:  # the default fills blank cells
            cells = cells.where(~parse.is_blank(cells), table.defaults[column.name])
        if column.name in table.values or column.kind == "enum":
            cells = _translate(cells, column, table.values.get(column.name, {}))
        out[column.name] = cells
    for name in columns.unused(out):
        out[name] = _first(frame[name])
    canonical = pd.DataFrame(out, index=pd.RangeIndex(len(frame)))
    raw = RawTable(
        table.name,
        canonical,
        export.label,
        decimal=export.decimal,
        columns=labels,
        rows=selected.rows,
        date_order=table.date_order,
        serial_dates=export.serial_dates,
        encoding=export.encoding,
        value_maps=table.value_keys,
        section=table.section,
        unavailable=frozenset(unavailable),
        short=_short_rows_of(export.short, selected.rows),
    )
    return raw, columns.problems


def _short_rows_of(short: ShortRows | None, rows) -> ShortRows | None:
    """The export's short rows that this table reads (a derived table reads some rows)."""
    if short is None or rows is None:
        return short
    kept = set(np.asarray(rows).tolist())
    mine = tuple(entry for entry in short.rows if entry[0] in kept)
    return replace(short, rows=mine) if mine else None


class _Columns:
    """Finds the export columns a mapping names; reports those the file lacks, once each."""

    def __init__(self, export: RawTable, table: str):
        self.export = export
        self.table = table
        self.header = [str(c) for c in export.frame.columns]
        self.used: set[str] = set()
        self.problems: list[Problem] = []
        self.reported: set[str] = set()

    def find(self, name: str, purpose: str) -> str | None:
        """The file's column for ``name`` (exact, else the only one equal case and spaces
        aside), or None after reporting it missing."""
        found = name if name in self.header else None
        if found is None:
            same = [h for h in self.header if parse.fold(h) == parse.fold(name)]
            found = same[0] if len(same) == 1 else None
        if found is not None:
            if self.header.count(found) > 1 and found not in self.reported:
                self.reported.add(found)
                self._add(
                    f"the header '{found}' appears more than once; the mapping cannot "
                    "tell which one to read",
                    found,
                )
            self.used.add(found)
            return found
        if name not in self.reported:
            self.reported.add(name)
            self._add(
                f"column '{name}' ({purpose}) is not in {_container(self.export)}"
                f"{parse.did_you_mean(name, self.header)}; its columns: {', '.join(self.header)}"
            )
        return None

    def _add(self, message: str, column: str | None = None) -> None:
        self.problems.append(Problem(self.table, message, column, (), self.export.label))

    def unused(self, taken: dict) -> list[str]:
        """Export columns no mapping entry reads: kept as extra columns (first of a name)."""
        names = []
        for name in self.header:
            if name not in self.used and name not in taken and name not in names:
                names.append(name)
        return names


def _container(export: RawTable) -> str:
    """What a mapped table was read from, as messages name it."""
    if export.label.startswith("database table"):
        return "the table"
    if export.label.startswith("query of"):
        return "the query's result"
    return "the file"


def _cells(
    frame: pd.DataFrame, column: Column, table: TableMapping, columns: _Columns
) -> tuple[pd.Series | None, str, bool]:
    """A canonical column's raw cells, the label messages give it, and whether it is the
    mapping's constant (a default for a column the export lacks)."""
    source: Source | None = table.columns.get(column.name)
    if source is not None:
        names = [columns.find(n, f"mapped to {column.name}") for n in source.columns]
        if None in names or not names:
            return None, source.label, False
        cells = _first(frame[names[0]]) if len(names) == 1 else join_columns(frame, names)
        if source.where:
            inside = _rows_where(frame, source.where, columns, f"limits {column.name}")
            cells = cells.where(inside)
        return cells, source.label, False
    if column.name in columns.header and column.name not in columns.used:
        columns.find(column.name, f"read as {column.name}")  # marks it used; a duplicate?
        return _first(frame[column.name]), column.name, False
    if column.name in table.defaults:
        value = table.defaults[column.name]
        label = f"{column.name} (default {value!r})"
        return pd.Series([value] * len(frame), dtype=object), label, True
    return None, f"{column.name} (not mapped)", False


def _first(cells: pd.Series | pd.DataFrame) -> pd.Series:
    """A column's cells; of a duplicated header (reported), the first column's."""
    return cells.iloc[:, 0] if isinstance(cells, pd.DataFrame) else cells


def join_columns(frame: pd.DataFrame, names: list[str]) -> pd.Series:
    """Several export columns as one text column: their non-blank cells joined by a space."""
    joined = parse.text(_first(frame[names[0]])).fillna("")
    for name in names[1:]:
        joined = joined.str.cat(parse.text(_first(frame[name])).fillna(""), sep=" ")
    joined = joined.str.strip()
    return joined.where(joined != "")


def _rows_where(
    frame: pd.DataFrame, conditions: tuple[Condition, ...], columns: _Columns, purpose: str
) -> np.ndarray:
    keep = np.ones(len(frame), dtype=bool)
    for condition in conditions:
        name = columns.find(condition.column, f"where {purpose}")
        if name is None:
            continue
        folded = parse.label(_first(frame[name])).str.casefold()
        keep &= folded.isin(condition.values).to_numpy()
    return keep


def _translate(cells: pd.Series, column: Column, folded_map: dict[str, str]) -> pd.Series:
    """Export values -> canonical text through the value map (compared case and spaces
    aside); an enum value already canonical but for its spelling (``'Closed Won'``) is
    accepted; anything else is left as written for validation to report."""
    strings = parse.text(cells)
    codes, uniques = pd.factorize(strings)
    translated = []
    for value in uniques:
        folded = parse.fold(value)
        if folded in folded_map:
            translated.append(folded_map[folded] or np.nan)
        elif column.kind == "enum" and parse.snake(value) in column.choices:
            translated.append(parse.snake(value))
        else:
            translated.append(value)
    lookup = np.array([*translated, np.nan], dtype=object)  # code -1 (blank) -> NaN
    return pd.Series(lookup[codes], index=cells.index, dtype="str")
