"""The account plan's rules between tables (account-plan.md): an objective is due within its
plan, and an action serves an objective of its own account's plan.

Works on the typed frames and the key positions :func:`acctkit.data.references.check_references`
computed (one hashing pass); only the error paths look at values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.data.readers import RawTable
from acctkit.errors import Problem


def check_plan_links(
    typed: dict[str, pd.DataFrame], raws: dict[str, RawTable], codes: dict[str, np.ndarray]
) -> list[Problem]:
    """The problems of the plan rules between tables (none when a table is absent)."""
    problems = []
    if "objectives.plan_id" in codes:
        problems.extend(_due_within_plan(typed, raws, codes["objectives.plan_id"]))
    if all(key in codes for key in ("actions.objective_id", "objectives.plan_id")):
        problems.extend(_action_accounts(typed, raws, codes))
    return problems


def _due_within_plan(
    typed: dict[str, pd.DataFrame], raws: dict[str, RawTable], plan: np.ndarray
) -> list[Problem]:
    objectives, plans = typed["objectives"], typed["plans"]
    known = plan >= 0
    starts = np.full(len(plan), np.datetime64("NaT"), dtype="datetime64[ns]")
    ends = starts.copy()
    starts[known] = plans["starts_on"].to_numpy()[plan[known]]
    ends[known] = plans["ends_on"].to_numpy()[plan[known]]
    due = objectives["due_on"].to_numpy()
    outside = known & ~np.isnat(due) & ((due <= starts) | (due > ends))
    if not outside.any():
        return []
    first = int(np.argmax(outside))
    raw = raws["objectives"]
    return [
        Problem(
            "objectives",
            "due_on is outside its plan: it must be after the plan's starts_on and on or "
            f"before its ends_on (e.g. objective '{objectives['objective_id'].iloc[first]}' "
            f"is due on {pd.Timestamp(due[first]).date()}, plan "
            f"'{objectives['plan_id'].iloc[first]}' runs from "
            f"{pd.Timestamp(starts[first]).date()} to {pd.Timestamp(ends[first]).date()})",
            raw.column_label("due_on"),
            raw.file_rows(outside),
            raw.label,
        )
    ]


def _action_accounts(
    typed: dict[str, pd.DataFrame], raws: dict[str, RawTable], codes: dict[str, np.ndarray]
) -> list[Problem]:
    """An action's objective belongs to a plan of the action's own account."""
    if "plans.account_id" not in codes or "actions.account_id" not in codes:
        return []
    objective = codes["actions.objective_id"]
    objective_plan = codes["objectives.plan_id"]
    plan_account = codes["plans.account_id"]
    owner = np.full(len(objective), -1)
    known = objective >= 0
    owner[known] = objective_plan[objective[known]]
    linked = owner >= 0
    owner[linked] = plan_account[owner[linked]]
    account = codes["actions.account_id"]
    mismatch = (account >= 0) & (owner >= 0) & (owner != account)
    if not mismatch.any():
        return []
    first = int(np.argmax(mismatch))
    actions, raw = typed["actions"], raws["actions"]
    accounts = typed["accounts"]["account_id"]
    return [
        Problem(
            "actions",
            f"the objective belongs to another account's plan (e.g. action "
            f"'{actions['action_id'].iloc[first]}' of account "
            f"'{actions['account_id'].iloc[first]}' serves objective "
            f"'{actions['objective_id'].iloc[first]}' of account "
            f"'{accounts.iloc[owner[first]]}')",
            raw.column_label("objective_id"),
            raw.file_rows(mismatch),
            raw.label,
        )
    ]
