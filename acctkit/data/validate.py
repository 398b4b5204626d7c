"""Validation: parse every table against its schema and check the rules between tables.

Every problem is collected (table, column, file row numbers, what was expected) and raised
together in one ``DataValidationError``; nothing is returned half-way.
"""

from __future__ import annotations

import difflib
import functools

import numpy as np
import pandas as pd

from acctkit.data import parse
from acctkit.data.readers import RawTable
from acctkit.data.schema import (
    CLOSED_STAGES,
    OBJECTIVE_KPIS,
    OVERRIDE_VALUES,
    SCHEMA,
    Column,
    TableSchema,
)
from acctkit.errors import Problem

EARLIEST_DATE = pd.Timestamp("1950-01-01")
LATEST_DATE = pd.Timestamp("2100-12-31")
UNMAPPED_VALUES_SHOWN = 10  # distinct unmapped values reported one by one
EXAMPLE_WIDTH = 40  # characters of an offending value a message shows
EXCEL_SERIAL = r"[1-9]\d{4}"  # 10000 (1927) to 99999 (2173): a date cell that lost its format
DAY_MONTH_YEAR = r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"  # not ISO: the day or month first


class _Collector:
    def __init__(self, raw: RawTable):
        self.raw = raw
        self.problems: list[Problem] = []

    def add(self, message: str, column: str | None = None, mask: pd.Series | None = None):
        if column in self.raw.unavailable:
            return
        rows = self.raw.file_rows(mask) if mask is not None else ()
        label = self.raw.column_label(column) if column is not None else None
        self.problems.append(Problem(self.raw.name, message, label, rows, self.raw.label))


def parse_table(raw: RawTable, *, date_order: str = "iso") -> tuple[pd.DataFrame, list[Problem]]:
    """Type one raw table by its schema; return the typed frame and the problems found.

    ``date_order`` (``"iso"``, ``"dmy"`` or ``"mdy"``) applies unless the table's own
    ``date_order`` (from a mapping) says otherwise.
    """
    schema = SCHEMA[raw.name]
    found = _Collector(raw)
    frame = raw.frame.reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    _check_headers(frame, schema, found)
    order = raw.date_order or date_order
    typed = {}
    for column in schema.columns:
        if column.name in frame.columns:
            typed[column.name] = _parse_column(frame[column.name], column, raw, found, order)
        else:
            typed[column.name] = _absent_column(column, len(frame))
    extras = [c for c in frame.columns if c not in schema.names]
    # copy=False: the parsed columns become the frame's as they are (no block stacking)
    out = pd.DataFrame(typed, index=pd.RangeIndex(len(frame)), copy=False)
    for name in extras:
        out[name] = parse.text(frame[name])
    _check_unique(out, frame, schema, found)
    _check_row_rules(out, schema, found)
    return _fill_defaults(out, schema), found.problems


def header_notes(raw: RawTable) -> list[Problem]:
    """Notes for headers that look like an optional column of the schema but are not
    spelled as it (``Industry`` for ``industry``): they are kept as extra columns, and the
    user should know the column was not read. (A required column gets an error instead.)"""
    schema = SCHEMA[raw.name]
    headers = [str(c).strip() for c in raw.frame.columns]
    notes = []
    for header in headers:
        key = header.lower().replace(" ", "_").replace("-", "_")
        if header in schema.names or key not in schema.names or key in headers:
            continue
        if schema.column(key).required:
            continue
        notes.append(
            Problem(
                raw.name,
                f"column '{header}' is kept as an extra column, not read as '{key}' "
                f"(column names are exact: rename it to '{key}', or use a mapping)",
                file=raw.label,
            )
        )
    return notes


def short_row_findings(raw: RawTable) -> tuple[list[Problem], list[Problem]]:
    """Errors and notes for the CSV rows that had fewer cells than the header.

    Some writers leave off a row's trailing empty cells: a row that only lacks cells of
    optional columns is read with those cells blank, and a note says so. A row that lacks a
    cell of a required column (a value lost its separator), or the last row of a file that
    does not end with a line break (a file cut short), is an error.
    """
    short = raw.short
    if short is None:
        return [], []
    schema = SCHEMA[raw.name]
    required = {raw.column_label(column.name) for column in schema.columns if column.required}
    last = short.rows[-1][0]
    wrong, trimmed, left_off = [], [], {}
    for row, count, missing in short.rows:
        if required.intersection(missing) or (short.cut and row == last):
            wrong.append((row, count))
        else:
            trimmed.append(row)
            left_off.update(dict.fromkeys(missing))
    errors = [Problem(raw.name, short.message(wrong), file=raw.label)] if wrong else []
    notes = []
    if trimmed:
        listed = ", ".join(str(row) for row in trimmed[:5])
        more = f" and {len(trimmed) - 5} more" if len(trimmed) > 5 else ""
        verb = "has" if len(trimmed) == 1 else "have"
        notes.append(
            Problem(
                raw.name,
                f"row{'s' if len(trimmed) > 1 else ''} {listed}{more} {verb} fewer cells than "
                f"the header's {short.width}: the cells left off ({', '.join(left_off)}) are "
                "read as blank",
                file=raw.label,
            )
        )
    return errors, notes


def _fill_defaults(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    if schema.name == "actions":
        unset = frame["status"].isna().to_numpy()
        if unset.any():
            done = frame["done_on"].notna().to_numpy()
            frame.loc[unset, "status"] = np.where(done[unset], "done", "planned")
    return frame


def _check_headers(frame: pd.DataFrame, schema: TableSchema, found: _Collector) -> None:
    duplicated = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    for name in duplicated:
        found.add(f"the header '{name}' appears more than once", name)
    for column in schema.columns:
        if column.required and column.name not in frame.columns:
            if column.name in found.raw.unavailable:
                continue
            if found.raw.section:
                found.add(
                    f"required column '{column.name}' is not mapped: add "
                    f'{column.name} = "<export column>" under [{found.raw.section}.columns], '
                    f"or a value for every row under [{found.raw.section}.defaults]"
                )
                continue
            hint = _did_you_mean(column.name, [c for c in frame.columns if c not in schema.names])
            found.add(f"required column '{column.name}' is missing{hint}")


def _did_you_mean(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    lowered = [c for c in candidates if c.lower().replace(" ", "_") == name]
    match = lowered[:1] or close
    return f" (found '{match[0]}': rename it to '{name}')" if match else ""


def _absent_column(column: Column, n: int) -> pd.Series:
    if column.kind == "bool" and column.default is None:
        return pd.Series(pd.NA, index=range(n), dtype="boolean")
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
    raw: pd.Series, column: Column, table: RawTable, found: _Collector, date_order: str
) -> pd.Series:
    name = column.name
    if isinstance(raw, pd.DataFrame):  # duplicated header: already reported, read the first
        raw = raw.iloc[:, 0]
    # Blank cells: those read as missing. A number or a date is also missing where it could
    # not be read (``bad``), so those are told apart; a boolean is never missing.
    if column.kind in ("id", "str"):
        if column.categorical and parse.coded(raw) is not None:  # Parquet's dictionary
            values = parse.coded_label(raw)
        else:
            values = parse.text(raw) if column.free_text else parse.label(raw)
        blank = values.isna()
    elif column.kind in ("float", "int"):
        reader = parse.number if column.kind == "float" else parse.integer
        values, bad = reader(raw, table.decimal)
        blank = values.isna()
        if bad.any():  # the masks of what could not be read only when something could not
            blank &= ~bad
            huge = parse.too_large(raw, bad, table.decimal)
            unreadable = bad & ~huge
            if unreadable.any():
                what = "a number" if column.kind == "float" else "a whole number"
                found.add(f"expected {what}, got {_examples(raw[unreadable])}", name, unreadable)
            if huge.any():
                found.add(
                    "expected a number of at most 15 digits before the decimal mark, got "
                    f"{_examples(raw[huge])}",
                    name,
                    huge,
                )
        _check_range(values, raw, column, found)
        marks = parse.currencies(raw)
        if len(marks) > 1:
            found.add(
                f"amounts in several currencies ({', '.join(marks)}); a portfolio has one "
                "currency: convert them before loading",
                name,
            )
    elif (
        column.kind == "bool" and column.default is None and isinstance(raw.dtype, pd.BooleanDtype)
    ):
        values, blank = raw, raw.isna()  # Parquet's optional flag: blank is unknown already
    elif column.kind == "bool":
        values, bad = parse.boolean(raw)
        blank = parse.is_blank(raw)
        if bad.any():
            found.add(
                f"expected true/false (or yes/no, oui/non, 1/0), got {_examples(raw[bad])}",
                name,
                bad,
            )
        if column.default is None:  # an optional flag: blank is unknown, not false
            values = values.astype("boolean").mask(blank)
    elif column.kind == "date":
        values, bad = parse.date(raw, date_order, serial=table.serial_dates)
        blank = values.isna()
        if bad.any():
            blank &= ~bad
            found.add(
                f"expected a date YYYY-MM-DD, got {_examples(raw[bad])}"
                f"{_date_hint(date_order, table, raw[bad])}",
                name,
                bad,
            )
        if _outside(values, EARLIEST_DATE, LATEST_DATE):  # the rows only when some are
            implausible = values.notna() & ((values < EARLIEST_DATE) | (values > LATEST_DATE))
            found.add(
                f"date out of the plausible range 1950-2100: {_examples(raw[implausible])}",
                name,
                implausible,
            )
            values = values.where(~implausible)
        values = values.astype("datetime64[ns]")
    else:
        codes, blank = parse.enum_codes(raw, column.choices)
        if np.count_nonzero(codes < 0) > np.count_nonzero(blank):  # some unknown, not blank
            unknown = ~blank & (codes < 0)
            values = parse.enum(raw)
            if name in table.value_maps or table.section:
                _report_unmapped(values, unknown, column, found)
            else:
                found.add(_enum_message(values[unknown], column), name, unknown)
        categories = pd.Categorical.from_codes(codes, dtype=_enum_dtype(column), validate=False)
        values = pd.Series(categories, index=raw.index)  # an unknown value is missing
        if column.default is not None:
            values = values.fillna(column.default)
    if column.required:
        if blank.any():
            found.add(f"is required but blank{_blank_hint(column, table)}", name, blank)
    return values


@functools.cache
def _enum_dtype(column: Column) -> pd.CategoricalDtype:
    """An enum column's dtype: its values in the schema's order (made once per column)."""
    return pd.CategoricalDtype(list(column.choices), ordered=column.ordered)


def _date_hint(date_order: str, table: RawTable, bad: pd.Series) -> str:
    """Advice for the dates that could not be read, when they tell what went wrong."""
    written = parse.text(bad).dropna()
    serials = written[written.str.fullmatch(EXCEL_SERIAL)]
    if not table.serial_dates and len(serials):
        return (
            f"; a number such as {shortened(serials.iloc[0])!r} is a date as Excel counts "
            "days: format the column as dates before saving the file"
        )
    if date_order != "iso" or not written.str.match(DAY_MONTH_YEAR).any():
        return ""
    if table.section:
        return (
            "; for DD/MM/YYYY dates set dayfirst = true (MM/DD/YYYY: monthfirst = true) "
            "under [options] of the mapping"
        )
    return "; for DD/MM/YYYY dates say the file is day-first (--dayfirst)"


def _blank_hint(column: Column, table: RawTable) -> str:
    if column.name == "account_id" and table.name != "accounts":
        return "; to skip rows without an account, load with drop_orphans=True (--drop-orphans)"
    if column.kind == "enum" and table.section:
        return f"; give blank cells a value under [{table.section}.defaults]"
    return ""


def _report_unmapped(
    values: pd.Series, unknown: np.ndarray, column: Column, found: _Collector
) -> None:
    """One problem per export value no value map covers, with the rows that hold it."""
    known = found.raw.value_maps.get(column.name, ())
    section = f"[{found.raw.section or 'tables.' + found.raw.name}.values.{column.name}]"
    known_text = ", ".join(repr(v) for v in known) if known else "none"
    advice = f"map it under {section} to one of: {', '.join(column.choices)}"
    # 'Verbal' and 'verbal ' are one export value to map: group them as the map would.
    folded = values[unknown].map(parse.fold).reindex(values.index)
    spelled: dict[str, str] = {}  # each value as first written (an error path: few cells)
    for key, value in zip(folded[unknown], values[unknown], strict=True):
        spelled.setdefault(key, value)
    keys = list(spelled)
    for key in keys[:UNMAPPED_VALUES_SHOWN]:
        found.add(
            f"value {shortened(spelled[key])!r} is not mapped; known: {known_text}; {advice}",
            column.name,
            folded == key,
        )
    rest = keys[UNMAPPED_VALUES_SHOWN:]
    if rest:
        shown = _examples(pd.Series([spelled[k] for k in rest]))
        found.add(
            f"{len(rest)} other values are not mapped ({shown}); {advice}",
            column.name,
            folded.isin(rest),
        )


def _examples(values: pd.Series, limit: int = 3) -> str:
    distinct = pd.unique(values.astype(str))
    shown = ", ".join(repr(shortened(v)) for v in distinct[:limit])
    return shown + (f" (and {len(distinct) - limit} other values)" if len(distinct) > limit else "")


def shortened(value: str, width: int = EXAMPLE_WIDTH) -> str:
    """A cell as a message shows it: a long one (a pasted paragraph, 300 digits) cut."""
    return value if len(value) <= width else value[: width - 3] + "..."


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


def _outside(values: pd.Series, low, high) -> bool:
    """Whether a value lies below ``low`` or above ``high`` (None: no bound), from the
    column's extremes alone."""
    if (low is None and high is None) or len(values) == 0:
        return False
    least, most = _extremes(values)
    if pd.isna(least):  # every value blank
        return False
    return (low is not None and least < low) or (high is not None and most > high)


def _extremes(values: pd.Series) -> tuple:
    """The least and the greatest value, blanks skipped (NaN when every value is blank);
    several times faster than ``Series.min`` and ``max``."""
    if values.dtype.kind == "M":
        return values.min(), values.max()
    array = values.array
    if isinstance(array, pd.arrays.IntegerArray):
        # Whole numbers: read from the masked array's own values and mask (pandas' internal
        # buffers), without the float copy of ``to_numpy``.
        data, blank = array._data, array._mask
        if blank.all():
            return np.nan, np.nan
        if blank.any():  # a blank takes a value that is there (branch-free, no copy per row)
            there = data[np.argmin(blank)]
            data = data + blank * (there - data)
        return data.min(), data.max()
    floats = values.to_numpy(dtype="float64", na_value=np.nan)
    return np.fmin.reduce(floats), np.fmax.reduce(floats)


def _check_range(values: pd.Series, raw: pd.Series, column: Column, found: _Collector) -> None:
    low, high = column.minimum, column.maximum
    if not _outside(values, low, high):
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


def _check_unique(
    frame: pd.DataFrame, raw: pd.DataFrame, schema: TableSchema, found: _Collector
) -> None:
    for column in schema.columns:
        if not column.unique:
            continue
        values = frame[column.name]
        if parse.has_duplicates(values):  # the rows only on the way to a message
            duplicated = values.notna() & values.duplicated(keep=False)
            hint = ""
            if column.name in raw.columns and isinstance(raw[column.name], pd.Series):
                written = raw[column.name][duplicated]
                spaced = written.map(
                    lambda cell: isinstance(cell, str) and cell != " ".join(cell.split())
                )
                if spaced.any():  # ' W1 ' and 'W1', 'A  1' and 'A 1'
                    hint = " (spaces around an id, and runs of spaces inside it, do not count)"
            found.add(
                f"duplicate id {_examples(values[duplicated])}{hint}", column.name, duplicated
            )


def _check_row_rules(frame: pd.DataFrame, schema: TableSchema, found: _Collector) -> None:
    if schema.name == "assessments":
        _check_same_day_scores(frame, found)
    if schema.name == "opportunities":
        written = found.raw.frame.get("amount")  # an unreadable amount is reported already
        unwritten = parse.is_blank(written).to_numpy() if written is not None else True
        won_without_amount = (frame["stage"] == "closed_won") & frame["amount"].isna() & unwritten
        if won_without_amount.any():
            found.add(
                "amount is required when the stage is closed_won", "amount", won_without_amount
            )
        closed = frame["stage"].isin(CLOSED_STAGES)
        missing = closed & frame["closed_on"].isna()
        if missing.any():
            found.add(
                "closed_on is required when the stage is closed_won or closed_lost",
                "closed_on",
                missing,
            )
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
    elif schema.name == "overrides":
        _check_overrides(frame, found)
    elif schema.name == "review_notes":
        _check_review_notes(frame, found)
    elif schema.name == "plans":
        _check_plans(frame, found)
    elif schema.name == "objectives":
        _check_objectives(frame, found)
    elif schema.name == "plan_items":
        before = frame["closed_on"] < frame["opened_on"]
        if before.any():
            found.add("closed_on is before opened_on", "closed_on", before)


def _check_same_day_scores(frame: pd.DataFrame, found: _Collector) -> None:
    """One score per account, criterion and day (the same score twice is harmless)."""
    keys = ["account_id", "criterion", "assessed_on"]
    same_day = parse.repeated(frame, keys)
    if not same_day.any():  # most tables: no key repeats
        return
    scores = frame[same_day].groupby(keys, dropna=True, observed=True)["score"]
    conflicting = scores.transform("nunique").reindex(frame.index, fill_value=0) > 1
    if conflicting.any():
        found.add(
            "two different scores for the same account, criterion and day: "
            "which one counts is ambiguous",
            "score",
            conflicting,
        )


def _check_review_notes(frame: pd.DataFrame, found: _Collector) -> None:
    """Due and done dates belong to next steps; a step is not done before it is noted."""
    other = frame["kind"].notna() & (frame["kind"] != "next_step")
    dated = other & (frame["due_on"].notna() | frame["done_on"].notna())
    if dated.any():
        found.add("due_on and done_on are for next steps only (kind next_step)", "kind", dated)
    early = frame["done_on"] < frame["noted_on"]
    if early.any():
        found.add("done_on is before noted_on", "done_on", early)


def _check_plans(frame: pd.DataFrame, found: _Collector) -> None:
    """A plan ends after it starts; two non-draft plans of one account never overlap."""
    backwards = frame["ends_on"] <= frame["starts_on"]
    if backwards.any():
        found.add("ends_on is not after starts_on", "ends_on", backwards)
    live = frame[(frame["status"] != "draft") & ~backwards]
    live = live.dropna(subset=["account_id", "starts_on", "ends_on"])
    ordered = live.sort_values(["account_id", "starts_on", "ends_on"], kind="stable")
    # Sorted by start: a plan overlaps another iff it starts on or before the latest end of
    # the account's earlier plans.
    latest_end = ordered.groupby("account_id", sort=False)["ends_on"].cummax()
    previous_end = latest_end.groupby(ordered["account_id"], sort=False).shift()
    clashing = ordered.index[(ordered["starts_on"] <= previous_end).to_numpy()]
    for label in clashing:  # an error path: the offending plans only
        plan = ordered.loc[label]
        earlier = ordered.iloc[: ordered.index.get_loc(label)]
        earlier = earlier[
            (earlier["account_id"] == plan["account_id"])
            & (earlier["ends_on"] >= plan["starts_on"])
        ]
        other = earlier.iloc[-1]
        mask = pd.Series(frame.index.isin([label, other.name]), frame.index)
        found.add(
            f"plans {_plan_span(other)} and {_plan_span(plan)} of account "
            f"'{plan['account_id']}' overlap: two plans of one account (drafts aside) may "
            "not overlap",
            "starts_on",
            mask,
        )


def _plan_span(plan: pd.Series) -> str:
    return f"'{plan['plan_id']}' ({plan['starts_on'].date()} to {plan['ends_on'].date()})"


def _check_objectives(frame: pd.DataFrame, found: _Collector) -> None:
    """An id without ``:`` (``<plan_id>:revenue`` is acctkit's); a known KPI; a baseline
    only with a KPI, a target exactly with one, differing from the baseline."""
    colon = frame["objective_id"].str.contains(":", regex=False).fillna(False)
    if colon.any():
        found.add(
            f"an objective id may not contain ':' (got {_examples(frame['objective_id'][colon])}; "
            "'<plan_id>:revenue' is the revenue objective acctkit makes)",
            "objective_id",
            colon,
        )
    kpi = frame["kpi"]
    unknown = kpi.notna() & ~kpi.isin(OBJECTIVE_KPIS)
    for value in pd.unique(kpi[unknown]):
        close = difflib.get_close_matches(str(value), OBJECTIVE_KPIS, n=3, cutoff=0.5)
        closest = f" (closest: {', '.join(close)})" if close else ""
        found.add(
            f"unknown KPI {shortened(str(value))!r}{closest}; expected a numeric column of "
            "the KPI catalogue or plan_revenue_won",
            "kpi",
            kpi == value,
        )
    qualitative = kpi.isna()
    stray = qualitative & frame["baseline"].notna()
    if stray.any():
        found.add("a baseline needs a kpi (this objective has none)", "baseline", stray)
    no_target = ~qualitative & frame["target"].isna()
    if no_target.any():
        found.add("target is required when kpi is set", "target", no_target)
    target_alone = qualitative & frame["target"].notna()
    if target_alone.any():
        found.add("a target needs a kpi (this objective has none)", "target", target_alone)
    flat = frame["target"] == frame["baseline"]
    if flat.any():
        found.add("target equals the baseline: nothing to progress towards", "target", flat)


def _check_overrides(frame: pd.DataFrame, found: _Collector) -> None:
    """Each field's value among its own; an override that ends after it starts, within a
    year (an override is a judgement for now, not a standing rule)."""
    for field, allowed in OVERRIDE_VALUES.items():
        unknown = (frame["field"] == field) & frame["value"].notna()
        unknown &= ~frame["value"].isin(allowed)
        if unknown.any():
            found.add(
                f"unknown {field} {_examples(frame['value'][unknown])}; "
                f"expected one of: {', '.join(allowed)}",
                "value",
                unknown,
            )
    ends_first = frame["expires_on"] <= frame["set_on"]
    if ends_first.any():
        found.add("expires_on is not after set_on", "expires_on", ends_first)
    too_long = frame["expires_on"] > frame["set_on"] + pd.DateOffset(years=1)
    if too_long.any():
        found.add(
            "expires_on is more than one year after set_on (an override must be renewed each year)",
            "expires_on",
            too_long,
        )
