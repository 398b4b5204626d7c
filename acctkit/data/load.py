"""Loading a portfolio: find the files, parse every table, check references, type the ids.

``load_portfolio`` (files) and ``from_frames`` (DataFrames in memory) share one path, so a
portfolio built either way obeys the same contract (see ``acctkit.data.portfolio``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from acctkit.data.portfolio import TABLE_NAMES, Portfolio
from acctkit.data.readers import RawTable, find_table_files, read_file, read_workbook
from acctkit.data.schema import REQUIRED_TABLES, SCHEMA
from acctkit.data.validate import file_rows, parse_table
from acctkit.errors import DataValidationError, Problem


def load_portfolio(source: str | Path, *, dayfirst: bool = False) -> Portfolio:
    """Load and validate a portfolio from a folder of table files or an Excel workbook.

    Parameters
    ----------
    source
        A folder holding one file per table (``accounts.csv``, ``contacts.parquet``, ...) or
        an ``.xlsx`` workbook whose sheets carry the table names. Only ``accounts`` is
        required.
    dayfirst
        Read ``DD/MM/YYYY`` dates (French and most European exports). ISO dates always parse.

    Raises
    ------
    DataValidationError
        Listing every problem found (table, column, file rows, what was expected). Nothing is
        returned half-loaded, and the source files are only read.

    Examples
    --------
    >>> from acctkit import load_portfolio
    >>> p = load_portfolio("data/demo")            # doctest: +SKIP
    >>> p.summary()                                # doctest: +SKIP
    """
    path = Path(source)
    raws, problems = _read_source(path)
    return _assemble(raws, problems, source=str(path), dayfirst=dayfirst)


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
    return _assemble(raws, problems, source=source, dayfirst=dayfirst)


def _read_source(path: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    if not path.exists():
        raise DataValidationError(
            [Problem("portfolio", f"'{path}' does not exist")], source=str(path)
        )
    if path.is_file():
        if path.suffix.lower() != ".xlsx":
            raise DataValidationError(
                [Problem("portfolio", "expected a folder of table files or an .xlsx workbook")],
                source=str(path),
            )
        try:
            return read_workbook(path), []
        except Exception as exc:  # openpyxl raises many kinds on damaged files
            raise DataValidationError(
                [Problem("portfolio", f"cannot read the workbook: {exc}")], source=str(path)
            ) from None
    files, problems = find_table_files(path)
    raws = {}
    for name, file in files.items():
        try:
            raws[name] = read_file(name, file)
        except Exception as exc:  # damaged Parquet / Excel / CSV: report, keep checking others
            reason = str(exc) if isinstance(exc, ValueError) else f"cannot be read ({exc})"
            problems.append(Problem(name, reason, file=file.name))
    return raws, problems


def _assemble(
    raws: dict[str, RawTable], problems: list[Problem], *, source: str | None, dayfirst: bool
) -> Portfolio:
    problems = list(problems)
    for name in REQUIRED_TABLES:
        if name not in raws and not any(p.table == name for p in problems):
            problems.append(Problem(name, f"the required table '{name}' is missing"))
    typed: dict[str, pd.DataFrame] = {}
    for name in TABLE_NAMES:
        if name in raws:
            frame, found = parse_table(raws[name], dayfirst=dayfirst)
            typed[name] = frame
            problems.extend(found)
    if "accounts" in typed:
        problems.extend(_check_references(typed, raws, _unreliable(problems)))
    if problems:
        raise DataValidationError(problems, source=source)
    return Portfolio(**_categorise(typed), source=source)


def _unreliable(problems: list[Problem]) -> set[str]:
    """Tables whose rows cannot serve as a reference (their key is broken or absent)."""
    keys = {"accounts": "account_id", "contacts": "contact_id", "opportunities": "opportunity_id"}
    return {
        p.table
        for p in problems
        if p.table in keys and (p.column in (keys[p.table], None))
    }


def _check_references(
    typed: dict[str, pd.DataFrame], raws: dict[str, RawTable], unreliable: set[str]
) -> list[Problem]:
    """Ids that must exist elsewhere; a broken target table is not checked against (its own
    problem is reported already, and every reference to it would only repeat it)."""
    problems = []
    for name, frame in typed.items():
        for column in SCHEMA[name].columns:
            if column.ref is None:
                continue
            target_table, target_column = column.ref.split(".")
            if target_table not in typed or target_table in unreliable:
                continue
            known = typed[target_table][target_column].dropna()
            values = frame[column.name]
            dangling = values.notna() & ~values.isin(known)
            if dangling.any():
                examples = ", ".join(repr(v) for v in pd.unique(values[dangling])[:3])
                problems.append(
                    Problem(
                        name,
                        f"{examples} not found in {target_table}.{target_column}",
                        column.name,
                        file_rows(dangling),
                        raws[name].label,
                    )
                )
    problems.extend(_check_contact_accounts(typed, raws, unreliable))
    return problems


def _check_contact_accounts(
    typed: dict[str, pd.DataFrame], raws: dict[str, RawTable], unreliable: set[str]
) -> list[Problem]:
    if "contacts" not in typed or {"contacts", "accounts"} & unreliable:
        return []
    owner = typed["contacts"].drop_duplicates("contact_id").set_index("contact_id")["account_id"]
    problems = []
    for name in ("interactions", "nps_responses"):
        if name not in typed:
            continue
        frame = typed[name]
        contact_account = frame["contact_id"].map(owner)
        known_account = frame["account_id"].isin(typed["accounts"]["account_id"])
        mismatch = known_account & contact_account.notna()
        mismatch &= contact_account.astype(object) != frame["account_id"].astype(object)
        if mismatch.any():
            first = mismatch.idxmax()
            problems.append(
                Problem(
                    name,
                    f"the contact belongs to another account (e.g. contact "
                    f"'{frame.at[first, 'contact_id']}' is of account "
                    f"'{contact_account[first]}', not '{frame.at[first, 'account_id']}')",
                    "contact_id",
                    file_rows(mismatch),
                    raws[name].label,
                )
            )
    return problems


def _categorise(typed: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Give ids and enums their categorical dtypes (see the Portfolio contract)."""
    keys = {
        "accounts.account_id": pd.Index(typed["accounts"]["account_id"]),
    }
    for name, key in (("contacts", "contact_id"), ("opportunities", "opportunity_id")):
        if name in typed:
            keys[f"{name}.{key}"] = pd.Index(typed[name][key])
    out = {}
    for name, frame in typed.items():
        converted = {}
        for column in SCHEMA[name].columns:
            own_key = f"{name}.{column.name}"
            if own_key in keys:
                converted[column.name] = pd.Categorical(frame[column.name], keys[own_key])
            elif column.ref in keys:
                converted[column.name] = pd.Categorical(frame[column.name], keys[column.ref])
            elif column.kind == "enum":
                converted[column.name] = pd.Categorical(
                    frame[column.name], categories=list(column.choices), ordered=column.ordered
                )
        out[name] = frame.assign(**converted) if converted else frame
    return out
