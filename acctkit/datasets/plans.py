"""Synthetic account plans (account-plan.md): plans, objectives, obstacles and
opportunities, and the actions that serve an objective.

Drawn from their own random generator, after every other table: a seed gives the same
accounts, interactions, deals and actions as before plans existed (the actions only gain
their ``objective_id``). Each story is set against the generated facts, so it reads true
at the end of the history: the targets are placed from what each account really did, to
give some objectives on track, some drifting, some achieved, and one missed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.data.schema import SCHEMA
from acctkit.datasets.latent import _Calendar, _Latent

WINDOW_DAYS = 90  # the default activity window: "interactions" counts (D-90, D]
_PLAN_TIERS = ("strategic", "key")
_AMBITIONS = (
    "Become the reference partner for {name}'s operations",
    "Win {name}'s next framework agreement with the COO as sponsor",
    "Turn {name} into a showcase account for the sector",
    "Widen the relationship with {name} beyond procurement",
    "Double our share of {name}'s budget in two years",
)
_QUALITATIVE = (
    "Executive sponsor programme",
    "Joint innovation roadmap",
    "Quarterly business reviews with the board",
    "Reference case study published",
)
_OBSTACLES = (
    "Procurement freeze",
    "New CFO reviews all suppliers",
    "Competitor price cut",
    "Reorganisation of the buying team",
    "Budget cut announced",
)
_OPPORTUNITIES = (
    "Tender announced",
    "New site opening",
    "Sponsor promoted to the board",
    "Merger brings a new business unit",
    "Digital programme launched",
)


def _day(value) -> int:
    return int(np.datetime64(pd.Timestamp(value).date(), "D").astype(np.int64))


def _date(day: int) -> pd.Timestamp:
    return pd.Timestamp(np.datetime64(int(day), "D"))


def _add_months(day: int, months: int) -> int:
    return _day(_date(day) + pd.DateOffset(months=months))


def plan_tables(
    rng: np.random.Generator,
    calendar: _Calendar,
    latent: _Latent,
    tables: dict[str, pd.DataFrame],
) -> dict[str, pd.DataFrame]:
    """``plans``, ``objectives``, ``plan_items`` and ``actions`` with its ``objective_id``.

    The one missed objective goes to the strategic account in the worst health at the end
    (still active): the plan did not save it, and its page says so.
    """
    accounts, actions = tables["accounts"], tables["actions"].copy()
    end = int(calendar.end)
    first = int(calendar.start[0])
    interactions = tables["interactions"]
    held = interactions[interactions["attended"].astype("boolean").fillna(True).to_numpy(bool)]
    exchange_days = {
        account: _days(group["occurred_on"])
        for account, group in held.groupby(held["account_id"].astype(str), sort=False)
    }
    opportunities = tables["opportunities"]
    won = opportunities[opportunities["stage"].astype(str) == "closed_won"]
    won_by_account = {
        account: (_days(group["closed_on"]), group["amount"].to_numpy(dtype=float))
        for account, group in won.groupby(won["account_id"].astype(str), sort=False)
    }
    action_account = actions["account_id"].astype(str).to_numpy()
    action_due = _days(actions["due_on"])
    action_status = actions["status"].astype(str).to_numpy()
    objective_of_action = np.full(len(actions), None, dtype=object)

    plans, objectives, items = [], [], []
    active = latent.cutoff >= end
    strategic = (accounts["tier"].astype(str).to_numpy() == "strategic") & active
    health = np.where(strategic, latent.health[:, -1], np.inf)
    weakest = str(accounts["account_id"].iloc[int(np.argmin(health))]) if strategic.any() else None
    for row in accounts.itertuples(index=False):
        account, tier = str(row.account_id), str(row.tier)
        if tier not in _PLAN_TIERS:
            continue
        draw = rng.random(6)
        if draw[0] > (0.85 if tier == "strategic" else 0.75):
            continue  # a required tier left without a plan: the no_plan alert
        months_in = 11 if draw[4] < 0.12 else int(rng.integers(3, 10))  # a few end soon
        start = _add_months(int(calendar.start[calendar.month_of(np.array([end]))[0]]), -months_in)
        start = max(start, first + 200)
        if start >= end - 30:
            continue
        stop = _add_months(start, 12) - 1
        owner = str(row.owner) if isinstance(row.owner, str) else None
        name = str(row.name)
        plan_id = f"PL-{account}-{_date(start).year}"
        with_draft = draw[1] < 0.1
        renewed = draw[2] < 0.15 and not with_draft
        if draw[3] < 0.35 and start - 365 >= first:  # an older, closed plan
            old_id = f"PL-{account}-{_date(start).year - 1}"
            old_start = _add_months(start, -12)
            plans.append(
                _plan(
                    old_id,
                    account,
                    f"{name} {_date(old_start).year}",
                    owner,
                    old_start,
                    start - 1,
                    None,
                    None,
                    "closed",
                )
            )
            objectives += _closed_objectives(rng, old_id, owner, old_start, start - 1)
        won_days, amounts = won_by_account.get(account, (np.zeros(0, np.int64), np.zeros(0)))
        won_so_far = float(amounts[(won_days >= start) & (won_days <= end)].sum())
        elapsed = (end - start) / (stop - start)
        story = rng.choice(["on_track", "achieved", "at_risk", "ahead"], p=[0.5, 0.15, 0.2, 0.15])
        revenue_target = None
        if won_so_far > 0:  # a revenue target the wins so far put on (or ahead of) the path
            pace = elapsed * (1.2 if story == "ahead" else 1.0)
            revenue_target = float(np.round(won_so_far / max(pace, 0.05), -3))
        ambition = _AMBITIONS[int(rng.integers(len(_AMBITIONS)))].format(name=name)
        plans.append(
            _plan(
                plan_id,
                account,
                f"{name} {_date(start).year}",
                owner,
                start,
                stop,
                ambition,
                revenue_target,
                "active",
            )
        )
        objectives += _live_objectives(
            rng, plan_id, owner, start, stop, end, story, exchange_days.get(account)
        )
        if account == weakest:
            objectives.append(
                _objective(
                    f"{plan_id}-O2",
                    plan_id,
                    "Meet every site manager before the audit",
                    "relationship",
                    owner,
                    "interactions",
                    None,
                    1000.0,
                    _date(end - 20),
                    "open",
                )
            )
        # A qualitative objective served by the account's actions within the plan.
        qualitative_id = f"{plan_id}-O4"
        mine = np.flatnonzero(
            (action_account == account) & (action_due >= start) & (action_due <= stop)
        )
        done_or_future = mine[(action_status[mine] == "done") | (action_due[mine] > end)]
        linked = done_or_future[: int(rng.integers(3, 7))]
        if len(linked):
            objective_of_action[linked] = qualitative_id
            title = _QUALITATIVE[int(rng.integers(len(_QUALITATIVE)))]
            objectives.append(
                _objective(
                    qualitative_id,
                    plan_id,
                    title,
                    "relationship",
                    owner,
                    None,
                    None,
                    None,
                    None,
                    "open",
                )
            )
        items += _plan_items(rng, plan_id, owner, start, end)
        if with_draft or renewed:
            next_start = stop + 1
            next_id = f"PL-{account}-{_date(next_start).year}"
            status = "draft" if with_draft else "active"
            plans.append(
                _plan(
                    next_id,
                    account,
                    f"{name} {_date(next_start).year}",
                    owner,
                    next_start,
                    _add_months(next_start, 12) - 1,
                    None,
                    None,
                    status,
                )
            )
    actions["objective_id"] = pd.array(objective_of_action, dtype="str")
    return {
        "actions": actions,
        "plans": pd.DataFrame(plans, columns=_PLAN_COLUMNS),
        "objectives": pd.DataFrame(objectives, columns=_OBJECTIVE_COLUMNS),
        "plan_items": pd.DataFrame(items, columns=_ITEM_COLUMNS),
    }


_PLAN_COLUMNS = list(SCHEMA["plans"].names)  # the data model's columns, in order
_OBJECTIVE_COLUMNS = list(SCHEMA["objectives"].names)
_ITEM_COLUMNS = list(SCHEMA["plan_items"].names)


def _days(dates: pd.Series) -> np.ndarray:
    values = np.asarray(dates, dtype="datetime64[ns]").astype("datetime64[D]")
    out = values.astype(np.int64)
    out[np.isnat(values)] = np.iinfo(np.int64).max // 4
    return out


def _plan(plan_id, account, title, owner, start, stop, ambition, revenue, status) -> dict:
    return {
        "plan_id": plan_id,
        "account_id": account,
        "title": title,
        "owner": owner,
        "starts_on": _date(start),
        "ends_on": _date(stop),
        "ambition": ambition,
        "revenue_target": revenue,
        "status": status,
    }


def _objective(objective_id, plan_id, title, family, owner, kpi, baseline, target, due, status):
    return {
        "objective_id": objective_id,
        "plan_id": plan_id,
        "title": title,
        "family": family,
        "owner": owner,
        "kpi": kpi,
        "baseline": baseline,
        "target": target,
        "due_on": due,
        "status": status,
    }


def _window_count(days: np.ndarray | None, day: int) -> int:
    if days is None:
        return 0
    return int(((days > day - WINDOW_DAYS) & (days <= day)).sum())


def _live_objectives(rng, plan_id, owner, start, stop, end, story, exchange_days) -> list[dict]:
    """The KPI objectives of a plan in force: meet more often (given baseline, or the engine's
    value at the start), placed so that the facts tell the story drawn."""
    base = _window_count(exchange_days, start)
    now = _window_count(exchange_days, end)
    elapsed = (end - start) / (stop - start)
    out = []
    given = rng.random() < 0.5
    if now > base:  # a rise so far: the target says how far that is along the path
        share = {
            "on_track": elapsed,
            "ahead": min(1.0, elapsed * 1.3),
            "achieved": 1.0,
            "at_risk": max(elapsed - 0.18, 0.05),
        }[story]
        rounding = np.round if story == "at_risk" else np.floor  # floor: never behind
        target = float(base + max(1, rounding((now - base) / max(share, 0.05))))
        if story == "achieved":
            target = float(now)
        out.append(
            _objective(
                f"{plan_id}-O1",
                plan_id,
                "Meet the account more often",
                "relationship",
                owner,
                "interactions",
                float(base) if given else None,
                target,
                None,
                "open",
            )
        )
    if rng.random() < 0.3:  # an objective the owner dropped along the way
        out.append(
            _objective(
                f"{plan_id}-O3",
                plan_id,
                "Win more of what we propose",
                "execution",
                owner,
                "win_rate_pct",
                None,
                60.0,
                None,
                "dropped",
            )
        )
    return out


def _closed_objectives(rng, plan_id, owner, start, stop) -> list[dict]:
    """A finished plan's objectives: most achieved by the owner's word, one left open."""
    due = _date(stop)
    return [
        _objective(
            f"{plan_id}-O1",
            plan_id,
            "Meet the account more often",
            "relationship",
            owner,
            "interactions",
            None,
            float(rng.integers(8, 20)),
            due,
            "achieved" if rng.random() < 0.6 else "open",
        ),
        _objective(
            f"{plan_id}-O2",
            plan_id,
            "Raise the NPS",
            "execution",
            owner,
            "nps",
            None,
            float(rng.integers(2, 6) * 10),
            due,
            "open",
        ),
        _objective(
            f"{plan_id}-O3",
            plan_id,
            "Engage every key contact",
            "relationship",
            owner,
            "coverage_pct",
            50.0,
            100.0,
            due,
            "achieved" if rng.random() < 0.5 else "open",
        ),
    ]


def _plan_items(rng, plan_id, owner, start, end) -> list[dict]:
    """Obstacles and opportunities met along the way: some closed, some still open."""
    out = []
    for number in range(int(rng.integers(0, 4))):
        kind = "obstacle" if rng.random() < 0.55 else "opportunity"
        pool = _OBSTACLES if kind == "obstacle" else _OPPORTUNITIES
        opened = int(rng.integers(start, end + 1))
        closed = opened + int(rng.integers(15, 120))
        out.append(
            {
                "item_id": f"{plan_id}-I{number + 1}",
                "plan_id": plan_id,
                "kind": kind,
                "title": pool[int(rng.integers(len(pool)))],
                "opened_on": _date(opened),
                "closed_on": _date(closed) if closed <= end and rng.random() < 0.6 else pd.NaT,
                "owner": owner,
                "impact": int(rng.integers(1, 6)),
            }
        )
    return out
