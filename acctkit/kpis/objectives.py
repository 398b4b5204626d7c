"""``objective_progress``: every objective of the plans in force at a review date, with its
path, progress, forecast and status (account-plan.md, "Objective progress at D")."""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.config import load_config
from acctkit.data.portfolio import Portfolio
from acctkit.kpis import plan
from acctkit.kpis.engine import ConfigSource, kpis_at
from acctkit.kpis.windows import as_of_date


def objective_progress(
    portfolio: Portfolio,
    as_of: object,
    config: ConfigSource = None,
    *,
    window_days: int | None = None,
) -> pd.DataFrame:
    """The progress of every objective of the plans in force at ``as_of``.

    Parameters
    ----------
    portfolio
        A loaded portfolio. Never modified. Without a plans table the result is empty.
    as_of
        The review date D (anything dated after it is ignored).
    config
        As for :func:`acctkit.compute_kpis` (``[plans]`` holds the status tolerances).
    window_days
        As for :func:`acctkit.compute_kpis`.

    Returns
    -------
    DataFrame
        One row per objective (the revenue objective ``<plan_id>:revenue`` of a plan with a
        revenue target included), index ``objective_id``, in plan then file order; columns
        ``account_id``, ``plan_id``, ``elapsed_pct``, ``baseline_value``, ``actual``,
        ``expected``, ``gap``, ``progress_pct``, ``expected_progress_pct``, ``forecast``,
        ``status`` (``on_track``, ``at_risk``, ``off_track``, ``missed``, ``achieved``,
        ``dropped``, ``no_data``).

    Examples
    --------
    >>> progress = objective_progress(portfolio, "2026-06-30")      # doctest: +SKIP
    >>> progress[progress["status"] == "off_track"]                  # doctest: +SKIP
    """
    config = load_config(config)
    window = config.window_days if window_days is None else window_days
    day_stamp = as_of_date(as_of)
    prepared = plan.prepare(portfolio, config)
    day = int(plan._days([day_stamp])[0])
    in_force = plan.in_force_at(prepared, [day])
    rows = np.flatnonzero(in_force[prepared.objective_plan])
    names = sorted({k for k in prepared.kpi[rows] if k is not None and k != plan.REVENUE_KPI})
    # the review date and the plans' start dates in one pass (each table prepared once)
    days = np.union1d([day], plan.baseline_days(prepared, in_force))
    grids: dict[str, np.ndarray] = {}
    if names:
        stamps = pd.to_datetime(days, unit="D")
        tidy = kpis_at(portfolio, stamps, window_days=window, config=config, columns=names)
        for name in names:
            values = pd.to_numeric(tidy[name], errors="coerce")
            grids[name] = values.to_numpy(dtype=np.float64, na_value=np.nan).reshape(-1, len(days))
    baseline = plan.baselines(prepared, in_force, grids.__getitem__, days)
    column = int(np.searchsorted(days, day))
    found = plan.evaluate(
        prepared, day, lambda k, accounts: grids[k][accounts, column], baseline, config
    )
    ids = pd.Index(prepared.objective_ids[found["rows"]], name="objective_id", dtype="str")
    out = pd.DataFrame(
        {
            "account_id": pd.Categorical.from_codes(found["account"], prepared.account_ids),
            "plan_id": pd.array(prepared.plan_ids[found["plan"]], dtype="str"),
            **{
                column: found[column]
                for column in plan.PROGRESS_COLUMNS
                if column not in ("account_id", "plan_id", "status")
            },
            "status": pd.Categorical(found["status"], categories=list(plan.OBJECTIVE_STATUSES)),
        },
        index=ids,
    )
    return out
