"""Rules between rows and tables: ids that must exist, parent links, rows without an account.

Works on typed frames (``validate.parse_table``) with their ``RawTable`` for the file's
own names and row numbers. Only the error paths loop in Python, over the offending values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.data import parse
from acctkit.data.plan_rules import check_plan_links
from acctkit.data.readers import RawTable
from acctkit.data.schema import KEYS, SCHEMA, Column
from acctkit.data.validate import shortened
from acctkit.errors import Problem

# The parent a row cannot live without: with ``drop_orphans`` a row whose parent id is blank
# or unknown is skipped (and counted) rather than reported.
ORPHAN_PARENTS = {
    name: ("account_id", "accounts")
    for name, schema in SCHEMA.items()
    if name != "accounts" and "account_id" in schema.names
}
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


def drop_orphans(raw: RawTable, known: pd.Series | None) -> tuple[RawTable, list[Problem]]:
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
    noun = "account" if parent == "accounts" else "opportunity"
    for mask, reason in ((blank, f"without an {noun}"), (unknown, f"whose {noun} is unknown")):
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


class Lookups:
    """The position of each referencing id among its target's ids (-1: blank or unknown),
    per reference (``"table.column"``): the one hashing pass over millions of ids.

    ``add`` each table as soon as it is typed: the references between it and the tables
    typed before it are looked up then, while later tables are still being validated.
    The load's worker thread adds the tables it validates clean as it goes (Arrow's lookups
    run outside the interpreter's lock, beside the main thread's work). Every result holds
    the frames it was computed from, and serves only a caller whose tables are those same
    frames (a table validated again, filtered or replaced is looked up again).
    """

    def __init__(self) -> None:
        self._codes: dict[str, tuple[pd.DataFrame, pd.DataFrame, np.ndarray]] = {}
        self._targets: dict[str, tuple[pd.DataFrame, pd.Index | None]] = {}

    def add(self, name: str, typed: dict[str, pd.DataFrame]) -> None:
        """Look up the references between ``name`` and the tables typed before it, both
        ways (tables may come in any order)."""
        for table in typed:
            for column in SCHEMA[table].columns:
                target = column.ref.split(".")[0] if column.ref else None
                if target in typed and name in (table, target):
                    self.positions(table, column, typed)

    def target(self, ref: str, typed: dict[str, pd.DataFrame]) -> pd.Index | None:
        """The target's ids (hashed once), None when they cannot serve: blank or twice."""
        table, column = ref.split(".")
        known = self._targets.get(ref)
        if known is None or known[0] is not typed[table]:
            keys = pd.Index(typed[table][column])
            known = (typed[table], keys if not keys.hasnans and keys.is_unique else None)
            self._targets[ref] = known
        return known[1]

    def positions(self, name: str, column: Column, typed: dict[str, pd.DataFrame]):
        """The positions of one reference's ids (None when the target cannot serve)."""
        key = f"{name}.{column.name}"
        target = typed[column.ref.split(".")[0]]
        known = self._codes.get(key)
        if known is None or known[0] is not typed[name] or known[1] is not target:
            keys = self.target(column.ref, typed)
            if keys is None:
                return None
            known = (typed[name], target, parse.positions(typed[name][column.name], keys))
            self._codes[key] = known
        return known[2]


def check_references(
    typed: dict[str, pd.DataFrame],
    raws: dict[str, RawTable],
    broken: set[str],
    lookups: Lookups | None = None,
) -> list[Problem]:
    """Ids that must exist elsewhere; a broken target table is not checked against (its own
    problem is reported already, and every reference to it would only repeat it).

    The position of each value in its target key (-1: blank or unknown) comes from
    ``lookups`` (those computed already, and the rest computed there), which the
    contact-account and plan checks here and the categorical dtypes reuse.
    """
    lookups = lookups or Lookups()
    problems, codes = [], {}
    for name, frame in typed.items():
        for column in SCHEMA[name].columns:
            if column.ref is None:
                continue
            target_table, target_column = column.ref.split(".")
            if target_table not in typed or target_table in broken:
                continue
            found = lookups.positions(name, column, typed)
            if found is None:  # the target's ids are blank or repeated: reported as such
                continue
            keys = lookups.target(column.ref, typed)
            values = frame[column.name]
            codes[f"{name}.{column.name}"] = found
            dangling = found < 0  # blank or unknown: only the unknown ones are dangling
            if dangling.any() and (dangling := dangling & values.notna().to_numpy()).any():
                missing = pd.unique(values[dangling])
                examples = ", ".join(repr(shortened(v)) for v in missing[:3])
                raw = raws[name]
                problems.append(
                    Problem(
                        name,
                        f"{examples} not found in {target_table}.{target_column}"
                        f"{_near_miss_hint(missing, keys)}",
                        raw.column_label(column.name),
                        raw.file_rows(dangling),
                        raw.label,
                    )
                )
    problems.extend(_check_contact_accounts(typed, raws, codes))
    problems.extend(check_plan_links(typed, raws, codes))
    if "accounts.parent_account_id" in codes:
        problems.extend(
            check_parent_cycles(
                typed["accounts"], raws["accounts"], codes["accounts.parent_account_id"]
            )
        )
    return problems


def _near_miss_hint(missing: np.ndarray, known: pd.Index) -> str:
    """Say so when an id matches a known one but for its leading zeros (a file re-saved by
    Excel drops them) or its letter case: ids are compared exactly."""
    sample = [str(v) for v in missing[:50]]
    digits = [v for v in sample if v.isdigit()]
    if digits:
        by_number: dict[str, str] = {}
        for key in known:
            if str(key).isdigit():
                by_number.setdefault(str(key).lstrip("0"), str(key))
        for value in digits:
            match = by_number.get(value.lstrip("0"))
            if match is None:
                continue
            if len(value) < len(match):
                return (
                    f" ('{match}' exists: the leading zeros of '{value}' were probably lost when "
                    "the file was opened and saved in Excel; export the ids as text)"
                )
            return (
                f" ('{match}' exists: ids are compared exactly, so '{value}' with its extra "
                "leading zeros is another id)"
            )
    folded: dict[str, str] = {}
    for key in known:
        folded.setdefault(str(key).casefold(), str(key))
    for value in sample:
        match = folded.get(value.casefold())
        if match is not None:
            return (
                f" ('{shortened(match)}' exists: ids are compared exactly, so "
                f"'{shortened(value)}' in another case is another id)"
            )
    return ""


def check_parent_cycles(accounts: pd.DataFrame, raw: RawTable, parent: np.ndarray) -> list[Problem]:
    """Parent links must form a forest: a chain of parents never comes back to an account.

    ``parent`` is each account's parent position (-1: none or unknown). Pointer doubling
    finds, in log(n) vectorised steps, the accounts whose chain of parents never reaches a
    top-level account; only those (on or above a cycle) are walked to name each cycle.
    """
    ids = accounts["account_id"]
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
        cycle = list(path)[path[position] :]
        mask = np.zeros(n, dtype=bool)
        mask[cycle] = True
        names = " -> ".join(repr(ids.iloc[i]) for i in [*cycle, cycle[0]])
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
    typed: dict[str, pd.DataFrame], raws: dict[str, RawTable], codes: dict[str, np.ndarray]
) -> list[Problem]:
    """A row's contact must belong to the row's account (compared by key positions)."""
    if "contacts.account_id" not in codes:
        return []
    contact_account = codes["contacts.account_id"]  # each contact's account position
    problems = []
    for name in ("interactions", "nps_responses"):
        if f"{name}.contact_id" not in codes or f"{name}.account_id" not in codes:
            continue
        contact = codes[f"{name}.contact_id"]
        account = codes[f"{name}.account_id"]
        owner = parse.spread(contact_account, contact, -1)  # -1: no or an unknown contact
        mismatch = owner != account
        if mismatch.any():  # rows without a (known) contact or account differ too: not those
            mismatch &= owner >= 0
            mismatch &= account >= 0
        if mismatch.any():
            first = int(np.argmax(mismatch))
            frame, raw = typed[name], raws[name]
            accounts = typed["accounts"]["account_id"]
            problems.append(
                Problem(
                    name,
                    f"the contact belongs to another account (e.g. contact "
                    f"'{frame['contact_id'].iloc[first]}' is of account "
                    f"'{accounts.iloc[owner[first]]}', not '{frame['account_id'].iloc[first]}')",
                    raw.column_label("contact_id"),
                    raw.file_rows(mismatch),
                    raw.label,
                )
            )
    return problems
