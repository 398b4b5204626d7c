"""Loading a portfolio: find the files, parse every table, check references, type the ids.

``load_portfolio`` (files, canonical or through a CRM mapping) and ``from_frames``
(DataFrames in memory) share one path, so a portfolio built either way obeys the same
contract (see ``acctkit.data.portfolio``).
"""

from __future__ import annotations

import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from acctkit.data import parse
from acctkit.data.database import (
    check_database_mapping,
    check_file_mapping,
    read_database_tables,
    source_label,
)
from acctkit.data.exports import read_mapped_tables
from acctkit.data.mapping import Mapping, read_mapping
from acctkit.data.portfolio import TABLE_NAMES, Portfolio
from acctkit.data.readers import (
    RawTable,
    encoding_notes,
    find_table_files,
    read_failure,
    read_file,
    read_workbook,
)
from acctkit.data.references import (
    ORPHAN_PARENTS,
    Lookups,
    check_references,
    drop_orphans,
    unreliable,
)
from acctkit.data.schema import KEYS, REQUIRED_TABLES, SCHEMA
from acctkit.data.validate import header_notes, parse_table, short_row_findings
from acctkit.database import is_url
from acctkit.errors import ConfigError, DataValidationError, Problem

Started = dict[str, tuple[RawTable, Future]]
"""Validations started before assembly: table name -> (the raw table, its parse_table)."""


class _Validations:
    """Tables validated on a worker thread as soon as they are read, while the next one is
    being read: reading is mostly Arrow's, DuckDB's or the driver's own (multi-core) work,
    which leaves Python free for the validation. ``started`` holds each table's validation
    with the raw table it validates; ``close`` lets the worker finish its queue while the
    caller takes the first results. A table validated clean has its references to the clean
    tables before it looked up at once (``lookups``, which the caller shares)."""

    def __init__(self, date_order: str) -> None:
        self.date_order = date_order
        self.started: Started = {}
        self.lookups = Lookups()
        self._clean: dict[str, pd.DataFrame] = {}
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="acctkit-validate")

    def start(self, raw: RawTable) -> None:
        job = self._worker.submit(self._validate, raw)
        self.started[raw.name] = (raw, job)

    def _validate(self, raw: RawTable) -> tuple[pd.DataFrame, list[Problem]]:
        frame, found = parse_table(raw, date_order=self.date_order)
        if not found:
            self._clean[raw.name] = frame
            self.lookups.add(raw.name, self._clean)
        return frame, found

    def close(self) -> None:
        self._worker.shutdown(wait=False)  # the queued validations still run


class LoadNote(UserWarning):
    """Something the load did that the user should know: rows skipped with ``drop_orphans``,
    a file read in a guessed encoding. ``load_portfolio`` warns with it."""


@dataclass(frozen=True)
class LoadResult:
    """A loaded portfolio and the notes of its load (``str(note)`` reads as a sentence)."""

    portfolio: Portfolio
    notes: tuple[Problem, ...] = ()


def load_portfolio(
    source: str | Path,
    *,
    mapping: str | Path | dict | Mapping | None = None,
    dayfirst: bool | None = None,
    drop_orphans: bool = False,
    notes: str | Path | None = None,
    schema: str | None = None,
) -> Portfolio:
    """Load and validate a portfolio from a folder of table files, an Excel workbook or a
    database (a SQLAlchemy URL).

    Parameters
    ----------
    source
        A folder holding one file per table (``accounts.csv``, ``contacts.parquet``, ...) or
        an ``.xlsx`` workbook whose sheets carry the table names. Only ``accounts`` is
        required. With ``mapping``: the CRM export's folder (or workbook). Or a database
        URL (``duckdb:///crm.duckdb``, ``postgresql+psycopg://user@host/db``,
        ``sqlite:///crm.db``...): its tables are read by their acctkit names (or as the
        mapping's ``source``/``query`` say) in one read-only transaction.
    mapping
        A TOML mapping file (or its content as a dict) that says which export file or sheet
        holds each table and how its columns and values translate (docs/import.md). Only
        the tables it lists are read.
    schema
        A database schema to read the tables from (a database URL only).
    dayfirst
        Read ``DD/MM/YYYY`` dates (French and most European exports). ISO dates always
        parse. None: as the mapping's ``[options]`` say (not day-first without a mapping).
    drop_orphans
        Skip, rather than report, the rows whose account is blank or unknown (and the stage
        history of an unknown opportunity); each skip is counted in a ``LoadNote`` warning.
    notes
        A review notes file (CSV, Parquet or ``.xlsx``: the filled-in workbook of ``acctkit
        notes-template``) read as the ``review_notes`` table, in place of the source's own.

    Raises
    ------
    DataValidationError
        Listing every problem found (file, column, file rows, what was expected). Nothing is
        returned half-loaded, and the source files are only read.
    ConfigError
        The mapping is invalid, or names a file outside the export folder.

    Warns
    -----
    LoadNote
        For each note of :func:`load_with_notes` (rows skipped, an encoding guessed).

    Examples
    --------
    >>> from acctkit import load_portfolio
    >>> p = load_portfolio("data/demo")                                   # doctest: +SKIP
    >>> p = load_portfolio("exports/2026-10", mapping="crm.toml")          # doctest: +SKIP
    >>> p = load_portfolio("duckdb:///crm.duckdb")                         # doctest: +SKIP
    >>> p.summary()                                                       # doctest: +SKIP
    """
    result = load_with_notes(
        source,
        mapping=mapping,
        dayfirst=dayfirst,
        drop_orphans=drop_orphans,
        notes=notes,
        schema=schema,
    )
    for note in result.notes:
        warnings.warn(str(note), LoadNote, stacklevel=2)
    return result.portfolio


def load_with_notes(
    source: str | Path,
    *,
    mapping: str | Path | dict | Mapping | None = None,
    dayfirst: bool | None = None,
    drop_orphans: bool = False,
    notes: str | Path | None = None,
    schema: str | None = None,
) -> LoadResult:
    """:func:`load_portfolio`, returning its notes instead of warning them (for the CLI)."""
    checked = read_mapping(mapping) if mapping is not None else None
    notes_file = notes
    if dayfirst is not None:
        order = "dmy" if dayfirst else "iso"
    else:
        order = (checked.date_order if checked else None) or "iso"
    validations = _Validations(order)
    if is_url(source):
        try:
            raws, problems, notes = _read_database(str(source), checked, schema, validations)
        finally:
            validations.close()
        label = source_label(str(source), schema)
    else:
        if schema is not None:
            raise ConfigError("schema applies to a database URL, not to a folder of files")
        if checked is not None:
            check_file_mapping(checked)
        path = Path(source)
        try:
            raws, problems, notes = _read_source(path, checked, validations)
        finally:
            validations.close()
        label = str(path)
    if notes_file is not None:
        _read_notes_file(Path(notes_file), raws, problems)
    for raw in raws.values():
        errors, trimmed = short_row_findings(raw)
        problems, notes = problems + errors, notes + trimmed
    try:
        portfolio, skipped = _assemble(
            raws,
            problems,
            source=label,
            date_order=order,
            drop_orphans=drop_orphans,
            parsed=validations.started,
            lookups=validations.lookups,
        )
    except DataValidationError as exc:
        exc.notes = tuple(notes)  # an encoding guess helps most when the load fails
        raise
    return LoadResult(portfolio, tuple(notes + skipped))


def from_frames(
    tables: dict[str, pd.DataFrame], *, dayfirst: bool = False, source: str | None = None
) -> Portfolio:
    """Validate DataFrames held in memory (one per table name) into a Portfolio."""
    problems = [
        Problem(name, f"unknown table '{name}'; expected one of: {', '.join(TABLE_NAMES)}")
        for name in tables
        if name not in TABLE_NAMES
    ]
    raws = {
        name: RawTable(name, frame, name) for name, frame in tables.items() if name in TABLE_NAMES
    }
    order = "dmy" if dayfirst else "iso"
    return _assemble(raws, problems, source=source, date_order=order, drop_orphans=False)[0]


def _read_database(
    url: str, mapping: Mapping | None, schema: str | None, validations: _Validations
) -> tuple[dict[str, RawTable], list[Problem], list[Problem]]:
    if mapping is not None:
        check_database_mapping(mapping)
    return read_database_tables(url, schema=schema, mapping=mapping, on_read=validations.start)


def _read_source(
    path: Path, mapping: Mapping | None, validations: _Validations
) -> tuple[dict[str, RawTable], list[Problem], list[Problem]]:
    """The raw tables of a folder or workbook; a folder's tables are validated as they are
    read (``_read_folder``)."""
    if not path.exists():
        raise DataValidationError(
            [Problem("portfolio", f"'{path}' does not exist")], source=str(path)
        )
    if path.is_file() and path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise DataValidationError(
            [Problem("portfolio", "expected a folder of table files or an .xlsx workbook")],
            source=str(path),
        )
    if mapping is not None:
        return read_mapped_tables(path, mapping)
    if path.is_file():
        try:
            raws, problems = read_workbook(path)
            return raws, problems, [note for raw in raws.values() for note in header_notes(raw)]
        except Exception as exc:  # openpyxl raises many kinds on damaged files
            raise DataValidationError(
                [Problem("portfolio", read_failure(exc), file=path.name)], source=str(path)
            ) from None
    files, problems = find_table_files(path)
    raws = _read_folder(files, problems, validations)
    notes = encoding_notes(list(raws.values()), "save as 'CSV UTF-8' and load again")
    notes += [note for raw in raws.values() for note in header_notes(raw)]
    return raws, problems, notes


def _read_folder(
    files: dict[str, Path], problems: list[Problem], validations: _Validations
) -> dict[str, RawTable]:
    """Read the table files one after the other, each validated as the next one is read
    (``validations``). A file that cannot be read is a problem, and the other files are
    still read."""
    raws, failures = {}, {}
    for name, file in sorted(files.items(), key=_reading_order):
        try:
            columns = SCHEMA[name].columns
            kinds = {column.name: column.kind for column in columns}
            coded = [column.name for column in columns if column.repetitive]
            raws[name] = read_file(name, file, kinds=kinds, coded=coded)
        except Exception as exc:  # damaged Parquet / Excel / CSV: report, go on
            failures[name] = Problem(name, read_failure(exc), file=file.name)
            continue
        validations.start(raws[name])
    problems.extend(failures[name] for name in files if name in failures)
    return {name: raws[name] for name in files if name in raws}  # the files' order


def _reading_order(item: tuple[str, Path]) -> tuple[bool, int]:
    """The key tables first (references to them are looked up as soon as the referring
    table is validated), then the largest file first (its validation overlaps the reading
    of all the others)."""
    name, path = item
    return name not in KEYS, -path.stat().st_size


def _assemble(
    raws: dict[str, RawTable],
    problems: list[Problem],
    *,
    source: str | None,
    date_order: str,
    drop_orphans: bool,
    parsed: Started | None = None,
    lookups: Lookups | None = None,
) -> tuple[Portfolio, list[Problem]]:
    """Parse every table, check the rules between them; raise or build.

    ``parsed`` holds the validations already started (``_Validations``), each with the raw
    table it validates: one is used when that table is taken as read (not filtered by
    ``drop_orphans``, nor replaced by a notes file), and the tables are taken in the order
    their validations finish. Else, and always with ``drop_orphans`` (a child's rows are
    judged against its typed parent), parents come first. The typed tables and their
    problems are listed in the data model's order either way.
    """
    parsed = parsed or {}
    problems, raws, skipped = list(problems), dict(raws), []
    for name in REQUIRED_TABLES:
        if name not in raws and not any(p.table == name for p in problems):
            problems.append(Problem(name, f"the required table '{name}' is missing"))
    typed: dict[str, pd.DataFrame] = {}
    found_in: dict[str, list[Problem]] = {}
    lookups = lookups or Lookups()  # with those the worker looked up already
    order = TABLE_NAMES if drop_orphans else _in_turn(parsed)
    for name in order:
        if name not in raws:
            continue
        read = raws[name]
        if name == "review_notes":
            raws[name] = _filled_notes(raws[name])
        if drop_orphans and name in ORPHAN_PARENTS:
            so_far = problems + [p for found in found_in.values() for p in found]
            raws[name], notes = _without_orphans(name, raws, typed, so_far)
            skipped.extend(notes)
        started, validation = parsed.get(name, (None, None))
        if raws[name] is read and started is read and not validation.cancelled():
            frame, found = validation.result()
        else:
            frame, found = parse_table(raws[name], date_order=date_order)
        if found and raws[name].as_text is not None:  # read typed: quote the cells as written
            raws[name] = raws[name].as_text()
            frame, found = parse_table(raws[name], date_order=date_order)
        typed[name], found_in[name] = frame, found
        lookups.add(name, typed)  # while the worker validates the next tables
    typed = {name: typed[name] for name in TABLE_NAMES if name in typed}
    problems.extend(p for name in typed for p in found_in[name])
    if "accounts" in typed and typed["accounts"].empty:
        if not any(p.table == "accounts" for p in problems):  # not when its header is wrong
            problems.append(
                Problem(
                    "accounts",
                    "has no data rows: a portfolio needs at least one account",
                    file=raws["accounts"].label,
                )
            )
    if "accounts" in typed:
        problems.extend(check_references(typed, raws, unreliable(problems, raws), lookups))
    if problems:
        raise DataValidationError(problems, source=source)
    return Portfolio(**_categorise(typed, lookups), source=source), skipped


def _in_turn(parsed: Started):
    """The table names in the order their validations can be taken: a finished one first,
    else one still queued (cancelled, to be validated by the caller: the last queued, while
    the worker goes on from the first), else the one running."""
    waiting = list(parsed)
    while waiting:
        name = next((n for n in waiting if parsed[n][1].done()), None)
        if name is None:
            name = next((n for n in reversed(waiting) if parsed[n][1].cancel()), waiting[0])
        waiting.remove(name)
        yield name
    yield from (name for name in TABLE_NAMES if name not in parsed)


def _read_notes_file(path: Path, raws: dict[str, RawTable], problems: list[Problem]) -> None:
    """Read ``path`` as the ``review_notes`` table (``--notes FILE``), replacing the data's."""
    if not path.is_file():
        problems.append(Problem("review_notes", f"the notes file '{path}' does not exist"))
        return
    try:
        raws["review_notes"] = read_file("review_notes", path)
    except Exception as exc:  # a damaged or foreign file: say so, as for any table file
        problems.append(Problem("review_notes", read_failure(exc), file=path.name))


def _filled_notes(raw: RawTable) -> RawTable:
    """The review notes without the rows left empty: a notes template (``acctkit
    notes-template``) has one row per account, and only the rows given a ``kind`` or a
    ``text`` in the meeting are notes."""
    frame = raw.frame
    if "kind" not in frame.columns or "text" not in frame.columns:
        return raw  # the missing column is reported by the table's check
    empty = parse.is_blank(frame["kind"]).to_numpy() & parse.is_blank(frame["text"]).to_numpy()
    return raw.take(~empty) if empty.any() else raw


def _without_orphans(
    name: str, raws: dict[str, RawTable], typed: dict[str, pd.DataFrame], problems: list[Problem]
) -> tuple[RawTable, list[Problem]]:
    """The table's rows minus those whose parent is blank, or unknown when the parent table
    is loaded and sound."""
    parent = ORPHAN_PARENTS[name][1]
    known = None
    if parent in typed and parent not in unreliable(problems, raws):
        known = typed[parent][KEYS[parent]].dropna()
    return drop_orphans(raws[name], known)


def _categorise(typed: dict[str, pd.DataFrame], lookups: Lookups) -> dict[str, pd.DataFrame]:
    """Give ids and enums their categorical dtypes (see the Portfolio contract), from the key
    positions the reference check looked up (``lookups``: a sound portfolio's keys are
    unique and never blank). One dtype per key table, shared by every column that
    references it."""
    keys = {
        f"{name}.{key}": lookups.target(f"{name}.{key}", typed)
        for name, key in KEYS.items()
        if name in typed
    }
    dtypes = {ref: pd.CategoricalDtype(ids) for ref, ids in keys.items()}
    out = {}
    for name, frame in typed.items():
        converted = {}
        for column in SCHEMA[name].columns:
            own_key = f"{name}.{column.name}"
            if own_key in keys:  # valid keys are unique and never blank
                positions = np.arange(len(frame))
                converted[column.name] = pd.Categorical.from_codes(
                    positions, dtype=dtypes[own_key], validate=False
                )
            elif column.ref in keys:
                converted[column.name] = pd.Categorical.from_codes(
                    lookups.positions(name, column, typed), dtype=dtypes[column.ref], validate=False
                )
            elif column.kind == "enum" and frame[column.name].dtype != "category":  # absent
                converted[column.name] = pd.Categorical(
                    frame[column.name], categories=list(column.choices), ordered=column.ordered
                )
            elif column.ref and parse.coded(frame[column.name]) is not None:  # no key table
                converted[column.name] = parse.text(frame[column.name])
        out[name] = frame.assign(**converted) if converted else frame
    return out
