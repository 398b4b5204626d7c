"""The account plan measured at each review date (account-plan.md): objective progress and
the plan columns of the KPI frame.

:func:`prepare` reads the plan tables once (drafts dropped, the revenue objectives added,
default due dates and baselines resolved); :func:`evaluate` gives every objective of the
plans in force at one date its progress, vectorised over objectives; :func:`plan_block`
turns that into the per-account plan columns for all the dates of a ``kpis_at`` call.

Default baselines are the KPI at each plan's ``starts_on``: ``kpis_at`` evaluates the
distinct start dates in the same pass as the review dates (each table prepared once), never
one evaluation per objective.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from acctkit.config import Config
from acctkit.data.portfolio import Portfolio
from acctkit.kpis.scores import RATINGS, SCORES

REVENUE_KPI = "plan_revenue_won"
_OBJECTIVE_COUNTS = (
    "objectives",
    "objectives_on_track",
    "objectives_at_risk",
    "objectives_off_track",
    "objectives_achieved",
)
_OPEN_COUNTS = ("open_obstacles", "open_opportunities")
PLAN_COLUMNS = (
    "plan_id",
    "plan_elapsed_pct",
    "plan_days_left",
    *_OBJECTIVE_COUNTS,
    "plan_attainment_pct",
    "plan_revenue_won",
    "plan_revenue_target",
    *_OPEN_COUNTS,
    "plan_status",
    "plan_required",
    "plan_renewed",
)
"""The plan family of the KPI frame; the last two are additions to the spec (what the
``no_plan`` and ``plan_ending`` alerts read)."""
PLAN_COUNTS = ("plan_days_left", *_OBJECTIVE_COUNTS, *_OPEN_COUNTS)
"""The plan columns that are whole numbers."""
PLAN_STATUSES = ("on_track", "at_risk", "off_track", "no_objectives", "no_plan")
OBJECTIVE_STATUSES = (
    "on_track",
    "at_risk",
    "off_track",
    "missed",
    "achieved",
    "dropped",
    "no_data",
)
PROGRESS_COLUMNS = (
    "account_id",
    "plan_id",
    "elapsed_pct",
    "baseline_value",
    "actual",
    "expected",
    "gap",
    "progress_pct",
    "expected_progress_pct",
    "forecast",
    "status",
)
"""The columns of :func:`acctkit.objective_progress` (index ``objective_id``)."""

_RANGES = {
    "engagement_trend_pct": (-100.0, np.inf),
    "gross_margin_pct": (-100.0, 100.0),
    "nps": (-100.0, 100.0),
    "nps_prev": (-100.0, 100.0),
    "nps_drift": (-200.0, 200.0),
    "sentiment_drift": (-4.0, 4.0),
    "depth_level": (0.0, 4.0),
    "levels_engaged": (0.0, 4.0),
    "net_contribution": (-np.inf, np.inf),
    **dict.fromkeys(RATINGS, (1.0, 5.0)),
}
_OFFSET = 1 << 21  # day numbers made positive (1950..2100 and well beyond)
_STRIDE = 1 << 23


def kpi_range(kpi: str) -> tuple[float, float]:
    """The range a forecast of ``kpi`` is clipped to (account-plan.md, "KPI ranges")."""
    if kpi in _RANGES:
        return _RANGES[kpi]
    if kpi.endswith("_pct") or kpi in SCORES:
        return (0.0, 100.0)
    return (0.0, np.inf)


def _days(values) -> np.ndarray:
    """Whole day numbers (int64, days since 1970-01-01); missing dates become a huge value
    only where callers mask them out (see ``_missing``)."""
    days = np.asarray(values, dtype="datetime64[ns]").astype("datetime64[D]")
    return days.astype(np.int64)


def _missing(values) -> np.ndarray:
    return np.isnat(np.asarray(values, dtype="datetime64[ns]"))


@dataclass(frozen=True)
class Prepared:
    """The plan tables read once: live (non-draft) plans and their objectives."""

    account_ids: pd.Index
    plan_ids: np.ndarray  # live plans
    plan_account: np.ndarray  # account position of each live plan
    plan_start: np.ndarray  # day numbers
    plan_end: np.ndarray
    revenue_target: np.ndarray
    renewed: np.ndarray  # a later non-draft plan of the account exists
    objective_ids: np.ndarray
    objective_plan: np.ndarray  # live-plan position
    kpi: np.ndarray  # object: the KPI name or None
    given_baseline: np.ndarray
    target: np.ndarray
    due: np.ndarray
    owner_status: np.ndarray  # open, achieved, dropped
    action_objective: np.ndarray  # linked actions (not cancelled): objective position
    action_done: np.ndarray  # day number, NaN-free: missing -> a day after every date
    action_due: np.ndarray
    won_keys: np.ndarray | None  # closed_won opportunities: account * stride + day, sorted
    won_cumsum: np.ndarray | None
    item_plan: np.ndarray | None  # plan items: live-plan position
    item_kind: np.ndarray | None  # 0 obstacle, 1 opportunity
    item_open: np.ndarray | None
    item_close: np.ndarray | None  # missing -> never
    has_plans: bool
    required: np.ndarray  # per account: the tier requires a plan (and there is a plans table)


_NEVER = np.iinfo(np.int64).max // 4


def prepare(portfolio: Portfolio, config: Config) -> Prepared:
    """Read the plan tables once (empty when the portfolio has none)."""
    accounts = portfolio.account_ids
    n_accounts = len(accounts)
    plans = portfolio.plans
    has_plans = plans is not None
    if plans is None:
        plans = pd.DataFrame(
            {
                "plan_id": pd.Series([], dtype=object),
                "account_id": pd.Categorical([], categories=accounts),
                "starts_on": pd.Series([], dtype="datetime64[ns]"),
                "ends_on": pd.Series([], dtype="datetime64[ns]"),
                "revenue_target": pd.Series([], dtype=np.float64),
                "status": pd.Series([], dtype=object),
            }
        )
    live = plans[(plans["status"].astype(object) != "draft").to_numpy()]
    plan_ids = live["plan_id"].astype(object).to_numpy()
    plan_account = live["account_id"].cat.codes.to_numpy().astype(np.int64)
    plan_start, plan_end = _days(live["starts_on"]), _days(live["ends_on"])
    # A later non-draft plan of the same account (plans never overlap).
    later_start = pd.Series(plan_start).groupby(plan_account).transform("max").to_numpy()
    renewed = later_start > plan_start if len(live) else np.zeros(0, dtype=bool)
    target_revenue = live["revenue_target"].to_numpy(dtype=np.float64)

    plan_position = pd.Index(plan_ids)
    objectives = _objectives(portfolio.objectives, live, plan_position)
    objective_plan = objectives["plan"].to_numpy(dtype=np.int64)
    due = objectives["due_on"].to_numpy(dtype="datetime64[ns]")
    due_days = np.where(_missing(due), plan_end[objective_plan], _days(due))

    action_objective = np.zeros(0, dtype=np.int64)
    action_done = action_due = np.zeros(0, dtype=np.int64)
    actions = portfolio.actions
    if actions is not None and len(objectives):
        linked = actions[(actions["status"].astype(object) != "cancelled").to_numpy()]
        position = pd.Index(objectives["objective_id"]).get_indexer(
            linked["objective_id"].astype(object)
        )
        keep = position >= 0
        action_objective = position[keep]
        done = linked["done_on"].to_numpy(dtype="datetime64[ns]")[keep]
        action_done = np.where(_missing(done), _NEVER, _days(done))
        action_due = _days(linked["due_on"].to_numpy(dtype="datetime64[ns]")[keep])

    won_keys = won_cumsum = None
    opportunities = portfolio.opportunities
    if opportunities is not None:
        won = opportunities[
            (
                (opportunities["stage"] == "closed_won") & opportunities["closed_on"].notna()
            ).to_numpy()
        ]
        keys = won["account_id"].cat.codes.to_numpy().astype(np.int64) * _STRIDE + (
            _days(won["closed_on"]) + _OFFSET
        )
        order = np.argsort(keys, kind="stable")
        won_keys = keys[order]
        amounts = np.nan_to_num(won["amount"].to_numpy(dtype=np.float64)[order])
        won_cumsum = np.concatenate([[0.0], np.cumsum(amounts)])

    item_plan = item_kind = item_open = item_close = None
    items = portfolio.plan_items
    if items is not None:
        item_plan = plan_position.get_indexer(items["plan_id"].astype(object))
        item_kind = (items["kind"].astype(object) == "opportunity").to_numpy().astype(np.int64)
        item_open = _days(items["opened_on"])
        closed = items["closed_on"].to_numpy(dtype="datetime64[ns]")
        item_close = np.where(_missing(closed), _NEVER, _days(closed))
        keep = item_plan >= 0
        item_plan, item_kind = item_plan[keep], item_kind[keep]
        item_open, item_close = item_open[keep], item_close[keep]

    required = np.zeros(n_accounts, dtype=bool)
    if has_plans and "tier" in portfolio.accounts:
        tiers = portfolio.accounts["tier"].astype(object)
        required = tiers.isin(list(config.plans["required_tiers"])).to_numpy()

    return Prepared(
        account_ids=accounts,
        plan_ids=plan_ids,
        plan_account=plan_account,
        plan_start=plan_start,
        plan_end=plan_end,
        revenue_target=target_revenue,
        renewed=np.asarray(renewed, dtype=bool),
        objective_ids=objectives["objective_id"].to_numpy(dtype=object),
        objective_plan=objective_plan,
        kpi=np.array([k if isinstance(k, str) else None for k in objectives["kpi"]], dtype=object),
        given_baseline=objectives["baseline"].to_numpy(dtype=np.float64),
        target=objectives["target"].to_numpy(dtype=np.float64),
        due=due_days,
        owner_status=objectives["status"].to_numpy(dtype=object),
        action_objective=action_objective,
        action_done=action_done,
        action_due=action_due,
        won_keys=won_keys,
        won_cumsum=won_cumsum,
        item_plan=item_plan,
        item_kind=item_kind,
        item_open=item_open,
        item_close=item_close,
        has_plans=has_plans,
        required=required,
    )


def _objectives(
    objectives: pd.DataFrame | None, live: pd.DataFrame, plan_position: pd.Index
) -> pd.DataFrame:
    """The objectives of live plans in file order, then one revenue objective per plan with
    a revenue target above 0; ``plan`` is each one's live-plan position."""
    columns = ["objective_id", "plan", "kpi", "baseline", "target", "due_on", "status"]
    parts = []
    if objectives is not None:
        plan = plan_position.get_indexer(objectives["plan_id"].astype(object))
        keep = plan >= 0
        own = objectives[keep]
        parts.append(
            pd.DataFrame(
                {
                    "objective_id": own["objective_id"].astype(object).to_numpy(),
                    "plan": plan[keep],
                    "kpi": own["kpi"].astype(object).to_numpy(),
                    "baseline": own["baseline"].to_numpy(dtype=np.float64),
                    "target": own["target"].to_numpy(dtype=np.float64),
                    "due_on": own["due_on"].to_numpy(dtype="datetime64[ns]"),
                    "status": own["status"].astype(object).fillna("open").to_numpy(),
                }
            )
        )
    revenue = live["revenue_target"].to_numpy(dtype=np.float64)
    with_target = np.flatnonzero(revenue > 0)
    if len(with_target):
        parts.append(
            pd.DataFrame(
                {
                    "objective_id": [f"{plan_position[i]}:revenue" for i in with_target],
                    "plan": with_target,
                    "kpi": REVENUE_KPI,
                    "baseline": 0.0,
                    "target": revenue[with_target],
                    "due_on": live["ends_on"].to_numpy(dtype="datetime64[ns]")[with_target],
                    "status": "open",
                }
            )
        )
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns}).astype(
            {"plan": np.int64, "baseline": np.float64, "target": np.float64,
             "due_on": "datetime64[ns]"}
        )  # fmt: skip
    return pd.concat(parts, ignore_index=True)[columns]


def objective_kpis(prepared: Prepared) -> list[str]:
    """The catalogue KPIs the objectives name (``plan_revenue_won`` aside)."""
    return sorted({k for k in prepared.kpi if k is not None and k != REVENUE_KPI})


def revenue_won(prepared: Prepared, plans: np.ndarray, days: np.ndarray) -> np.ndarray:
    """``plan_revenue_won`` of each plan (live-plan positions) at each day (same length):
    closed_won amounts of its account with starts_on <= closed_on <= day."""
    if prepared.won_keys is None:
        return np.full(len(plans), np.nan)
    base = prepared.plan_account[plans] * _STRIDE
    low = np.searchsorted(prepared.won_keys, base + prepared.plan_start[plans] + _OFFSET, "left")
    high = np.searchsorted(prepared.won_keys, base + days + _OFFSET, "right")
    return prepared.won_cumsum[np.maximum(high, low)] - prepared.won_cumsum[low]


def in_force_at(prepared: Prepared, days) -> np.ndarray:
    """Per live plan: in force on at least one of ``days``."""
    ever = np.zeros(len(prepared.plan_ids), dtype=bool)
    for day in np.asarray(days, dtype=np.int64):
        ever |= (prepared.plan_start <= day) & (day <= prepared.plan_end)
    return ever


def _default_baselines(prepared: Prepared, in_force: np.ndarray) -> np.ndarray:
    """The objectives whose baseline is the KPI at their plan's start (no baseline given,
    a catalogue KPI, a plan in force at some date asked)."""
    has_kpi = np.array([k is not None and k != REVENUE_KPI for k in prepared.kpi], dtype=bool)
    missing = np.isnan(prepared.given_baseline)
    return np.flatnonzero(missing & has_kpi & in_force[prepared.objective_plan])


def baseline_days(prepared: Prepared, in_force: np.ndarray) -> np.ndarray:
    """The distinct start dates (day numbers) at which some default baseline is read: the
    KPIs are evaluated there once, in the same pass as the review dates."""
    wanted = _default_baselines(prepared, in_force)
    return np.unique(prepared.plan_start[prepared.objective_plan[wanted]])


def baselines(
    prepared: Prepared,
    in_force: np.ndarray,
    grid_of: Callable[[str], np.ndarray],
    days: np.ndarray,
) -> np.ndarray:
    """Each objective's baseline: the given one, else the KPI at its plan's ``starts_on``,
    read from ``grid_of(kpi)`` (accounts x ``days``, which hold every start date of
    :func:`baseline_days`); ``plan_revenue_won`` from the opportunities."""
    out = prepared.given_baseline.copy()
    missing = np.isnan(out) & in_force[prepared.objective_plan]
    revenue = np.flatnonzero(missing & (prepared.kpi == REVENUE_KPI))
    if len(revenue):
        plans = prepared.objective_plan[revenue]
        out[revenue] = revenue_won(prepared, plans, prepared.plan_start[plans])
    wanted = _default_baselines(prepared, in_force)
    if not len(wanted):
        return out
    plans = prepared.objective_plan[wanted]
    column = np.searchsorted(days, prepared.plan_start[plans])
    accounts = prepared.plan_account[plans]
    kpis = prepared.kpi[wanted]
    for name in set(kpis):
        match = kpis == name
        out[wanted[match]] = grid_of(name)[accounts[match], column[match]]
    return out


def plans_in_force(prepared: Prepared, day: int) -> np.ndarray:
    """Per account, the live-plan position in force on ``day`` (-1: none)."""
    out = np.full(len(prepared.account_ids), -1, dtype=np.int64)
    live = np.flatnonzero((prepared.plan_start <= day) & (day <= prepared.plan_end))
    out[prepared.plan_account[live]] = live
    return out


def evaluate(
    prepared: Prepared,
    day: int,
    actual_of: Callable[[str, np.ndarray], np.ndarray],
    baseline: np.ndarray,
    config: Config,
) -> dict[str, np.ndarray]:
    """Every objective of the plans in force on ``day``: its row positions (``rows``) and the
    progress columns of account-plan.md, as arrays. ``actual_of(kpi, accounts)`` gives a
    catalogue KPI's values at ``day`` for account positions."""
    in_force = (prepared.plan_start <= day) & (day <= prepared.plan_end)
    rows = np.flatnonzero(in_force[prepared.objective_plan])
    plan = prepared.objective_plan[rows]
    account = prepared.plan_account[plan]
    start, due = prepared.plan_start[plan], prepared.due[rows]
    kpi = prepared.kpi[rows]
    quantitative = np.array([k is not None for k in kpi], dtype=bool)
    span = (due - start).astype(np.float64)
    since = float(day) - start
    with np.errstate(divide="ignore", invalid="ignore"):
        elapsed = 100.0 * np.clip(since / span, 0.0, 1.0)

    base = np.where(quantitative, baseline[rows], np.nan)
    target = prepared.target[rows]
    actual = np.full(len(rows), np.nan)
    for name in set(kpi[quantitative]):
        match = kpi == name
        if name == REVENUE_KPI:
            actual[match] = revenue_won(prepared, plan[match], np.full(match.sum(), day))
        else:
            actual[match] = actual_of(name, account[match])
    expected = base + (target - base) * elapsed / 100.0
    with np.errstate(divide="ignore", invalid="ignore"):
        progress_q = 100.0 * (actual - base) / (target - base)
        forecast = base + (actual - base) * span / since
    forecast = np.where(quantitative & (since > 0), forecast, np.nan)
    for name in set(kpi[quantitative]):
        match = kpi == name
        low, high = kpi_range(name)
        forecast[match] = np.clip(forecast[match], low, high)

    # Qualitative: the linked actions (not cancelled) done / due by the day.
    position = np.full(len(prepared.objective_ids), -1, dtype=np.int64)
    position[rows] = np.arange(len(rows))
    linked_rows = position[prepared.action_objective]
    mine = linked_rows >= 0
    n = len(rows)
    linked = np.bincount(linked_rows[mine], minlength=n).astype(np.float64)
    done = np.bincount(linked_rows[mine], weights=(prepared.action_done[mine] <= day), minlength=n)
    due_count = np.bincount(
        linked_rows[mine], weights=(prepared.action_due[mine] <= day), minlength=n
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        progress_a = np.where(linked > 0, 100.0 * done / linked, np.nan)
        expected_a = np.where(linked > 0, 100.0 * due_count / linked, np.nan)
    progress = np.where(quantitative, progress_q, progress_a)
    progress = np.where(np.isfinite(progress), progress, np.nan)
    expected_progress = np.where(quantitative, elapsed, expected_a)

    owner = prepared.owner_status[rows]
    on_tol, risk_tol = config.plans["on_track_tolerance"], config.plans["at_risk_tolerance"]
    with np.errstate(invalid="ignore"):
        status = np.select(
            [
                owner == "dropped",
                (owner == "achieved") | (progress >= 100.0),
                np.isnan(progress),
                day > due,
                progress >= expected_progress - on_tol,
                progress >= expected_progress - risk_tol,
            ],
            ["dropped", "achieved", "no_data", "missed", "on_track", "at_risk"],
            "off_track",
        )
    return {
        "rows": rows,
        "plan": plan,
        "account": account,
        "elapsed_pct": elapsed,
        "baseline_value": base,
        "actual": actual,
        "expected": expected,
        "gap": actual - expected,
        "progress_pct": progress,
        "expected_progress_pct": expected_progress,
        "forecast": forecast,
        "status": status.astype(object),
    }


def plan_block(
    prepared: Prepared,
    all_days: np.ndarray,
    days: np.ndarray,
    values: Mapping[str, np.ndarray],
    config: Config,
) -> dict[str, np.ndarray]:
    """The plan columns, ``(n_accounts, len(days))`` each, for ``kpis_at``. ``values`` holds
    the catalogue KPIs the objectives name at ``all_days`` (the review ``days`` and the
    start dates of :func:`baseline_days`, sorted)."""
    n_accounts, n_dates = len(prepared.account_ids), len(days)
    shape = (n_accounts, n_dates)
    out: dict[str, np.ndarray] = {
        name: np.full(shape, np.nan)
        for name in PLAN_COLUMNS
        if name not in ("plan_id", "plan_status", "plan_required", "plan_renewed")
    }
    out["plan_id"] = np.full(shape, None, dtype=object)
    out["plan_status"] = np.full(shape, PLAN_STATUSES.index("no_plan"), dtype=np.float64)
    out["plan_renewed"] = np.full(shape, np.nan)
    required = prepared.required.astype(np.float64) if prepared.has_plans else np.nan
    out["plan_required"] = np.broadcast_to(np.reshape(required, (-1, 1)), shape).copy()
    if not len(prepared.plan_ids):
        return out
    full = (n_accounts, len(all_days))

    def grid_of(name: str) -> np.ndarray:
        return np.broadcast_to(np.asarray(values[name], dtype=np.float64), full)

    baseline = baselines(prepared, in_force_at(prepared, days), grid_of, all_days)
    for j, day in enumerate(days):
        plan_of = plans_in_force(prepared, int(day))
        accounts = np.flatnonzero(plan_of >= 0)
        if not len(accounts):
            continue
        plans = plan_of[accounts]
        column = int(np.searchsorted(all_days, day))

        def actual_of(name: str, rows: np.ndarray, column: int = column) -> np.ndarray:
            return grid_of(name)[rows, column]

        found = evaluate(prepared, int(day), actual_of, baseline, config)
        _fill_plan_columns(out, j, accounts, plans, prepared, int(day), found)
    return out


def _fill_plan_columns(
    out: dict[str, np.ndarray],
    j: int,
    accounts: np.ndarray,
    plans: np.ndarray,
    prepared: Prepared,
    day: int,
    found: dict[str, np.ndarray],
) -> None:
    n_plans = len(prepared.plan_ids)
    start, end = prepared.plan_start[plans], prepared.plan_end[plans]
    out["plan_id"][accounts, j] = prepared.plan_ids[plans]
    out["plan_elapsed_pct"][accounts, j] = 100.0 * (day - start) / (end - start)
    out["plan_days_left"][accounts, j] = end - day
    status, plan = found["status"], found["plan"]

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(plan[mask], minlength=n_plans)[plans].astype(np.float64)

    counted = status != "dropped"
    achieved = status == "achieved"
    objectives = count(counted)
    off = count((status == "off_track") | (status == "missed"))
    risk = count(status == "at_risk")
    out["objectives"][accounts, j] = objectives
    out["objectives_on_track"][accounts, j] = count((status == "on_track") | achieved)
    out["objectives_at_risk"][accounts, j] = risk
    out["objectives_off_track"][accounts, j] = off
    out["objectives_achieved"][accounts, j] = count(achieved)
    scored = counted & (status != "no_data")
    points = np.where(achieved, 100.0, np.clip(np.nan_to_num(found["progress_pct"]), 0, 100))
    total = np.bincount(plan[scored], weights=points[scored], minlength=n_plans)[plans]
    n_scored = count(scored)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["plan_attainment_pct"][accounts, j] = np.where(n_scored > 0, total / n_scored, np.nan)
    out["plan_revenue_won"][accounts, j] = revenue_won(prepared, plans, np.full(len(plans), day))
    out["plan_revenue_target"][accounts, j] = prepared.revenue_target[plans]
    if prepared.item_plan is not None:
        open_now = (prepared.item_open <= day) & (prepared.item_close > day)
        for column, kind in (("open_obstacles", 0), ("open_opportunities", 1)):
            mask = open_now & (prepared.item_kind == kind)
            counts = np.bincount(prepared.item_plan[mask], minlength=n_plans)[plans]
            out[column][accounts, j] = counts
    codes = [PLAN_STATUSES.index(s) for s in ("no_objectives", "off_track", "at_risk")]
    out["plan_status"][accounts, j] = np.select(
        [objectives == 0, off > 0, risk > 0], codes, PLAN_STATUSES.index("on_track")
    )
    out["plan_renewed"][accounts, j] = prepared.renewed[plans]
