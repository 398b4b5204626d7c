"""The account plan's tables of the review bundle (account-plan.md): the plan in force, its
objectives' progress now and at the previous review, its obstacles and opportunities, and
the actions that serve its objectives. One row set per account, like every bundle table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.data.schema import SCHEMA
from acctkit.kpis import objective_progress
from acctkit.kpis.plan import PROGRESS_COLUMNS

PLAN_TABLES = ("plan", "objectives", "plan_items", "plan_actions")
_PLAN_COLUMNS = list(SCHEMA["plans"].names)
_OBJECTIVE_COLUMNS = [
    "objective_id",
    "account_id",
    "plan_id",
    "title",
    "owner",
    "kpi",
    "target",
    "due_on",
    "owner_status",
    # objective_progress's measures, then the same at the previous review
    *(column for column in PROGRESS_COLUMNS if column not in ("account_id", "plan_id")),
    "progress_prev",
    "status_prev",
]
_ITEM_COLUMNS = [
    "item_id",
    "account_id",
    "plan_id",
    "kind",
    "title",
    "owner",
    "impact",
    "opened_on",
    "closed_on",
    "is_open",
    "is_new",
    "closed_lately",
]
_ACTION_COLUMNS = [
    "action_id",
    "account_id",
    "objective_id",
    "title",
    "owner",
    "due_on",
    "done_on",
    "state",
]


def plan_tables(portfolio, date: pd.Timestamp, previous: pd.Timestamp, config) -> dict:
    """The four plan tables at ``date`` (empty, with their columns, without a plans table)."""
    empty = {
        "plan": _PLAN_COLUMNS,
        "objectives": _OBJECTIVE_COLUMNS,
        "plan_items": _ITEM_COLUMNS,
        "plan_actions": _ACTION_COLUMNS,
    }
    out = {
        name: pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
        for name, cols in empty.items()
    }
    plans = portfolio.plans
    if plans is None:
        return out
    live = plans[(plans["status"].astype(object) != "draft").to_numpy()]
    in_force = live[(live["starts_on"] <= date) & (date <= live["ends_on"])]
    out["plan"] = in_force[_PLAN_COLUMNS].reset_index(drop=True)
    out["objectives"] = _objectives(portfolio, date, previous, config)
    out["plan_items"] = _items(portfolio.plan_items, in_force, date, previous)
    out["plan_actions"] = _actions(portfolio.actions, out["objectives"], date)
    return out


def _objectives(portfolio, date, previous, config) -> pd.DataFrame:
    now = objective_progress(portfolio, date, config)
    before = objective_progress(portfolio, previous, config)
    frame = now.reset_index()
    frame["account_id"] = frame["account_id"].astype(str)
    frame["plan_id"] = frame["plan_id"].astype(str)
    frame["status"] = frame["status"].astype(str)
    prev = before[["progress_pct", "status"]].rename(
        columns={"progress_pct": "progress_prev", "status": "status_prev"}
    )
    prev["status_prev"] = prev["status_prev"].astype(str)
    frame = frame.join(prev, on="objective_id")
    described = pd.DataFrame(
        columns=["objective_id", "title", "owner", "kpi", "target", "due_on", "owner_status"]
    )
    if portfolio.objectives is not None:
        described = portfolio.objectives.rename(columns={"status": "owner_status"})[
            ["objective_id", "title", "owner", "kpi", "target", "due_on", "owner_status"]
        ].astype({"objective_id": str, "owner_status": object})
    frame = frame.merge(described, on="objective_id", how="left")
    revenue = frame["objective_id"].str.endswith(":revenue")
    if revenue.any():  # acctkit's revenue objective: its target and due date are the plan's
        plans = portfolio.plans.set_index(portfolio.plans["plan_id"].astype(str))
        frame.loc[revenue, "kpi"] = "plan_revenue_won"
        frame.loc[revenue, "target"] = (
            plans["revenue_target"].reindex(frame.loc[revenue, "plan_id"]).to_numpy()
        )
        frame.loc[revenue, "owner"] = (
            plans["owner"].reindex(frame.loc[revenue, "plan_id"]).to_numpy()
        )
        frame.loc[revenue, "owner_status"] = "open"
    plans = portfolio.plans.set_index(portfolio.plans["plan_id"].astype(str))
    ends = plans["ends_on"].reindex(frame["plan_id"]).to_numpy()
    frame["due_on"] = pd.to_datetime(frame["due_on"]).fillna(pd.Series(ends, index=frame.index))
    return frame[_OBJECTIVE_COLUMNS]


def _items(items, in_force, date, previous) -> pd.DataFrame:
    if items is None or in_force.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _ITEM_COLUMNS})
    account_of = dict(
        zip(in_force["plan_id"].astype(str), in_force["account_id"].astype(str), strict=True)
    )
    mine = items[items["plan_id"].astype(str).isin(account_of) & (items["opened_on"] <= date)]
    closed = mine["closed_on"].where(mine["closed_on"] <= date)
    is_open = closed.isna()
    closed_lately = closed.notna() & (closed > previous)
    frame = mine.assign(
        account_id=mine["plan_id"].astype(str).map(account_of),
        closed_on=closed,
        is_open=is_open,
        is_new=mine["opened_on"] > previous,
        closed_lately=closed_lately,
    )
    frame = frame[frame["is_open"] | frame["closed_lately"]]
    frame = frame.sort_values(["account_id", "kind", "opened_on"], kind="stable")
    return frame[_ITEM_COLUMNS].reset_index(drop=True)


def _actions(actions, objectives: pd.DataFrame, date) -> pd.DataFrame:
    if actions is None or objectives.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _ACTION_COLUMNS})
    linked = actions[
        actions["objective_id"].astype(object).isin(set(objectives["objective_id"]))
        & (actions["status"].astype(object) != "cancelled").to_numpy()
    ]
    done = linked["done_on"] <= date
    state = np.select([done, linked["due_on"] < date], ["done", "overdue"], "open")
    frame = linked.assign(
        account_id=linked["account_id"].astype(str),
        done_on=linked["done_on"].where(done),
        state=state,
    )
    return frame.sort_values(["account_id", "objective_id", "due_on"])[_ACTION_COLUMNS].reset_index(
        drop=True
    )
