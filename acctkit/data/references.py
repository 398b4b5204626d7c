"""Rules between rows and tables: ids that must exist, parent links, rows without an account.

Works on typed frames (``validate.parse_table``) with their ``RawTable`` for the file's
own names and row numbers. Only the error paths loop in Python, over the offending values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.data import parse
from acctkit.data.readers import RawTable
from acctkit.data.schema import SCHEMA
from acctkit.errors import Problem

KEYS = {"accounts": "account_id", "contacts": "contact_id", "opportunities": "opportunity_id"}
# The parent a row cannot live without: with ``drop_orphans`` a row whose parent id is blank
# or unknown is skipped (and counted) rather than reported.
ORPHAN_PARENTS = {name: ("account_id", "accounts") for name in SCHEMA if name != "accounts"}
ORPHAN_PARENTS["stage_history"] = ("opportunity_id", "opportunities")


def unreliable(problems: list[Problem], raws: dict[str, RawTable]) -> set[str]:
    """Tables whose rows cannot serve as a reference (their key is broken or absent)."""
    broken = set()
    for p in problems:
        if p.table in KEYS:
            key = raws[p.table].column_label(KEYS[p.table]) if p.table in raws else KEYS[p.table]
            if p.column in (key, None):
                broken.add(p.table)
    return broken


def drop_orphans(
    raw: RawTable, known: pd.Series | None
) -> tuple[RawTable, list[Problem]]:
    """Skip the rows whose parent id is blank, or not among ``known`` (None: not checked).

    Returns the remaining rows and a note per reason (blank / unknown) with the skipped
    rows' file numbers.
    """
    column, parent = ORPHAN_PARENTS[raw.name]
    if column not in raw.frame.columns:
        return raw, []
    ids = raw.frame[column]
    if isinstance(ids, pd.DataFrame):  # duplicated header: reported by validation
        return raw, []
    ids = parse.label(ids)
    blank = ids.isna().to_numpy()
    unknown = np.zeros(len(ids), dtype=bool)
    if known is not None:
        unknown = ~blank & ~ids.isin(known).to_numpy()
    notes = []
    what = "an account" if parent == "accounts" else "an opportunity"
    for mask, reason in ((blank, f"without {what}"), (unknown, f"whose {what[3:]} is unknown")):
        if mask.any():
            count = int(mask.sum())
            notes.append(
                Problem(
                    raw.name,
                    f"skipped {count} row{'s' if count > 1 else ''} {reason} (drop_orphans)",
                    raw.column_label(column),
                    raw.file_rows(mask),
                    raw.label,
                )
            )
    if not notes:
        return raw, []
    return raw.take(~(blank | unknown)), notes


def check_references(
    typed: dict[str, pd.DataFrame], raws: dict[str, RawTable], broken: set[str]
) -> list[Problem]:
    """Ids that must exist elsewhere; a broken target table is not checked against (its own
    problem is reported already, and every reference to it would only repeat it)."""
    problems = []
    for name, frame in typed.items():
        for column in SCHEMA[name].columns:
            if column.ref is None:
                continue
            target_table, target_column = column.ref.split(".")
            if target_table not in typed or target_table in broken:
                continue
            known = typed[target_table][target_column].dropna()
            values = frame[column.name]
            dangling = values.notna() & ~values.isin(known)
            if dangling.any():
                missing = pd.unique(values[dangling])
                examples = ", ".join(repr(v) for v in missing[:3])
                raw = raws[name]
                problems.append(
                    Problem(
                        name,
                        f"{examples} not found in {target_table}.{target_column}"
                        f"{_leading_zeros_hint(missing, known)}",
                        raw.column_label(column.name),
                        raw.file_rows(dangling),
                        raw.label,
                    )
                )
    problems.extend(_check_contact_accounts(typed, raws, broken))
    if "accounts" in typed and "accounts" not in broken:
        problems.extend(check_parent_cycles(typed["accounts"], raws["accounts"]))
    return problems


def _leading_zeros_hint(missing: np.ndarray, known: pd.Series) -> str:
    """Say so when ids differ only by leading zeros (a file re-saved by Excel drops them)."""
    digits = [v for v in missing[:50] if str(v).isdigit()]
    if not digits:
        return ""
    by_number = {str(k).lstrip("0"): k for k in known if str(k).isdigit()}
    pairs = [(v, by_number[v.lstrip("0")]) for v in digits if v.lstrip("0") in by_number]
    if not pairs:
        return ""
    missing_id, known_id = pairs[0]
    return (
        f" ('{known_id}' exists: the leading zeros of '{missing_id}' were probably lost when "
        "the file was opened and saved in Excel; export the ids as text)"
    )


def check_parent_cycles(accounts: pd.DataFrame, raw: RawTable) -> list[Problem]:
    """Parent links must form a forest: a chain of parents never comes back to an account.

    Pointer doubling finds, in log(n) vectorised steps, the accounts whose chain of parents
    never reaches a top-level account; only those (on or above a cycle) are walked to name
    each cycle.
    """
    ids = pd.Index(accounts["account_id"])
    if not ids.is_unique:
        return []
    parent = ids.get_indexer(accounts["parent_account_id"])  # -1: none or unknown
    n = len(ids)
    top = n  # a virtual root every top-level account points to; it points to itself
    up = np.append(np.where(parent >= 0, parent, top), top)
    for _ in range(max(1, int(np.ceil(np.log2(n + 1))) + 1)):
        up = up[up]
    stuck = np.flatnonzero(up[:n] != top)
    problems, seen = [], set()
    for start in stuck:
        path, position = {}, start  # position -> its place on the path
        while position not in path and position not in seen:
            path[position] = len(path)
            position = parent[position]
        seen.update(path)
        if position not in path:  # joined a chain already walked
            continue
        cycle = list(path)[path[position]:]
        mask = np.zeros(n, dtype=bool)
        mask[cycle] = True
        names = " -> ".join(repr(ids[i]) for i in [*cycle, cycle[0]])
        problems.append(
            Problem(
                "accounts",
                f"parent accounts form a cycle: {names}",
                raw.column_label("parent_account_id"),
                raw.file_rows(mask),
                raw.label,
            )
        )
    return problems


def _check_contact_accounts(
    typed: dict[str, pd.DataFrame], raws: dict[str, RawTable], broken: set[str]
) -> list[Problem]:
    if "contacts" not in typed or {"contacts", "accounts"} & broken:
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
            raw = raws[name]
            problems.append(
                Problem(
                    name,
                    f"the contact belongs to another account (e.g. contact "
                    f"'{frame.at[first, 'contact_id']}' is of account "
                    f"'{contact_account[first]}', not '{frame.at[first, 'account_id']}')",
                    raw.column_label("contact_id"),
                    raw.file_rows(mismatch),
                    raw.label,
                )
            )
    return problems
