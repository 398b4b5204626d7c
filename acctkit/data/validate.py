"""Validation: parse every table against its schema and check the rules between tables.

Every problem is collected (table, column, file row numbers, what was expected) and raised
together in one ``DataValidationError``; nothing is returned half-way.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from acctkit.data import parse
from acctkit.data.readers import RawTable
from acctkit.data.schema import CLOSED_STAGES, SCHEMA, Column, TableSchema
from acctkit.errors import Problem

FIRST_DATA_ROW = 2  # row 1 is the header, as a spreadsheet numbers it
EARLIEST_DATE = pd.Timestamp("1950-01-01")
LATEST_DATE = pd.Timestamp("2100-12-31")


def file_rows(mask: pd.Series) -> tuple[int, ...]:
    """File row numbers (header = row 1) where ``mask`` is true."""
    return tuple(int(i) + FIRST_DATA_ROW for i in np.flatnonzero(mask.to_numpy()))


class _Collector:
    def __init__(self, raw: RawTable):
        self.raw = raw
        self.problems: list[Problem] = []

    def add(self, message: str, column: str | None = None, mask: pd.Series | None = None):
        rows = file_rows(mask) if mask is not None else ()
        self.problems.append(Problem(self.raw.name, message, column, rows, self.raw.label))


def parse_table(raw: RawTable, *, dayfirst: bool = False) -> tuple[pd.DataFrame, list[Problem]]:
    """Type one raw table by its schema; return the typed frame and the problems found."""
    schema = SCHEMA[raw.name]
    found = _Collector(raw)
    frame = raw.frame.reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    _check_headers(frame, schema, found)
    typed = {}
    for column in schema.columns:
        if column.name in frame.columns:
            typed[column.name] = _parse_column(frame[column.name], column, raw, found, dayfirst)
        else:
            typed[column.name] = _absent_column(column, len(frame))
    extras = [c for c in frame.columns if c not in schema.names]
    out = pd.DataFrame(typed, index=pd.RangeIndex(len(frame)))
    for name in extras:
        out[name] = parse.text(frame[name])
    _check_unique(out, schema, found)
    _check_row_rules(out, schema, found)
    return _fill_defaults(out, schema), found.problems


def _fill_defaults(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    if schema.name == "actions":
        default = pd.Series(np.where(frame["done_on"].notna(), "done", "planned"), frame.index)
        frame["status"] = frame["status"].fillna(default)
    return frame


def _check_headers(frame: pd.DataFrame, schema: TableSchema, found: _Collector) -> None:
    duplicated = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    for name in duplicated:
        found.add(f"the header '{name}' appears more than once", name)
    for column in schema.columns:
        if column.required and column.name not in frame.columns:
            hint = _did_you_mean(column.name, [c for c in frame.columns if c not in schema.names])
            found.add(f"required column '{column.name}' is missing{hint}")


def _did_you_mean(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    lowered = [c for c in candidates if c.lower().replace(" ", "_") == name]
    match = lowered[:1] or close
    return f" (found '{match[0]}': rename it to '{name}')" if match else ""


def _absent_column(column: Column, n: int) -> pd.Series:
    if column.kind == "bool":
        return pd.Series(np.full(n, bool(column.default)), dtype=bool)
    if column.kind == "date":
        return pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    if column.kind == "float":
        return pd.Series(np.nan, index=range(n), dtype="float64")
    if column.kind == "int":
        return pd.Series(pd.NA, index=range(n), dtype="Int64")
    if column.default is not None:
        return pd.Series([str(column.default)] * n, index=range(n), dtype=object)
    return parse.text(pd.Series(np.nan, index=range(n), dtype=object))


def _parse_column(
    raw: pd.Series, column: Column, table: RawTable, found: _Collector, dayfirst: bool
) -> pd.Series:
    name = column.name
    if isinstance(raw, pd.DataFrame):  # duplicated header: already reported, read the first
        raw = raw.iloc[:, 0]
    blank = parse.is_blank(raw)
    if column.kind in ("id", "str"):
        values = parse.text(raw)
    elif column.kind in ("float", "int"):
        reader = parse.number if column.kind == "float" else parse.integer
        values, bad = reader(raw, table.decimal)
        if bad.any():
            what = "a number" if column.kind == "float" else "a whole number"
            found.add(f"expected {what}, got {_examples(raw[bad])}", name, bad)
        _check_range(values, raw, column, found)
    elif column.kind == "bool":
        values, bad = parse.boolean(raw)
        if bad.any():
            found.add(
                f"expected true/false (or yes/no, oui/non, 1/0), got {_examples(raw[bad])}",
                name,
                bad,
            )
    elif column.kind == "date":
        values, bad = parse.date(raw, dayfirst=dayfirst)
        if bad.any():
            hint = (
                "" if dayfirst else "; for DD/MM/YYYY dates say the file is day-first (--dayfirst)"
            )
            found.add(f"expected a date YYYY-MM-DD, got {_examples(raw[bad])}{hint}", name, bad)
        implausible = values.notna() & ((values < EARLIEST_DATE) | (values > LATEST_DATE))
        if implausible.any():
            found.add(
                f"date out of the plausible range 1950-2100: {_examples(raw[implausible])}",
                name,
                implausible,
            )
        values = values.where(~implausible).astype("datetime64[ns]")
    else:
        values = parse.enum(raw)
        unknown = values.notna() & ~values.isin(column.choices)
        if unknown.any():
            found.add(_enum_message(values[unknown], column), name, unknown)
        values = values.where(~unknown)
        if column.default is not None:
            values = values.fillna(column.default)
    if column.required:
        if blank.any():
            found.add("is required but blank", name, blank)
    return values


def _examples(values: pd.Series, limit: int = 3) -> str:
    distinct = pd.unique(values.astype(str))
    shown = ", ".join(repr(v) for v in distinct[:limit])
    return shown + (f" (and {len(distinct) - limit} other values)" if len(distinct) > limit else "")


def _enum_message(bad: pd.Series, column: Column) -> str:
    distinct = pd.unique(bad)
    hints = []
    for value in distinct[:3]:
        normalised = str(value).strip().lower().replace(" ", "_").replace("-", "_")
        if normalised in column.choices:
            hints.append(f"'{value}' should be written '{normalised}'")
    allowed = ", ".join(column.choices)
    message = f"unknown value {_examples(bad)}; expected one of: {allowed}"
    return message + (f" ({'; '.join(hints)})" if hints else "")


def _check_range(
    values: pd.Series, raw: pd.Series, column: Column, found: _Collector
) -> None:
    low, high = column.minimum, column.maximum
    if low is None and high is None:
        return
    as_float = values.astype("float64")
    out = pd.Series(False, index=values.index)
    if low is not None:
        out |= as_float < low
    if high is not None:
        out |= as_float > high
    if out.any():
        if low is not None and high is not None:
            expected = f"between {low:g} and {high:g}"
        elif low is not None:
            expected = f">= {low:g}"
        else:
            expected = f"<= {high:g}"
        found.add(f"expected a value {expected}, got {_examples(raw[out])}", column.name, out)


def _check_unique(frame: pd.DataFrame, schema: TableSchema, found: _Collector) -> None:
    for column in schema.columns:
        if not column.unique:
            continue
        values = frame[column.name]
        duplicated = values.notna() & values.duplicated(keep=False)
        if duplicated.any():
            found.add(f"duplicate id {_examples(values[duplicated])}", column.name, duplicated)


def _check_row_rules(frame: pd.DataFrame, schema: TableSchema, found: _Collector) -> None:
    if schema.name == "opportunities":
        closed = frame["stage"].isin(CLOSED_STAGES)
        missing = closed & frame["closed_on"].isna()
        if missing.any():
            found.add("closed_on is required when the stage is closed_won or closed_lost",
                      "closed_on", missing)
        premature = ~closed & frame["stage"].notna() & frame["closed_on"].notna()
        if premature.any():
            found.add("closed_on must be empty while the stage is open", "closed_on", premature)
        before = frame["closed_on"] < frame["created_on"]
        if before.any():
            found.add("closed_on is before created_on", "closed_on", before)
    elif schema.name == "actions":
        done_missing = (frame["status"] == "done") & frame["done_on"].isna()
        if done_missing.any():
            found.add("status is done but done_on is empty", "done_on", done_missing)
    elif schema.name == "tickets":
        before = frame["closed_on"] < frame["opened_on"]
        if before.any():
            found.add("closed_on is before opened_on", "closed_on", before)
