"""The early-warning features and the training panel, as of any list of dates.

Features at a date t (same as-of rules as the KPIs; nothing dated after t is used):

- ``engagement_slowdown`` = ln((interactions_prev + 1) / (interactions + 1))
- ``irritants``: irritant feedback in (t - W, t]
- ``nps_score_drift``: mean NPS score in (t - 180, t] minus the mean in (t - 360, t - 180]
- ``open_critical_tickets``: critical tickets opened by t and not closed by t

All dates are evaluated at once by the KPI engine (``kpis_at``), so 36 snapshot dates
cost about one pass over each table. A meeting the client missed (``attended`` false) is
no interaction here either: the engine leaves it out of every feature.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.kpis.windows import EventIndex, as_of_date, as_of_dates, day_numbers

FEATURES = ("engagement_slowdown", "irritants", "nps_score_drift", "open_critical_tickets")
_ENGINE_COLUMNS = {
    "interactions": "interactions",
    "interactions_prev": "interactions_prev",
    "irritants": "irritants",
    "open_critical_tickets": "open_critical_tickets",
    "nps_mean_score": "nps_mean",
    "nps_mean_score_prev": "nps_mean_prev",
}


def _index(frame: pd.DataFrame, date_column: str, n_accounts: int) -> EventIndex:
    codes = frame["account_id"].cat.codes.to_numpy()
    return EventIndex(codes, day_numbers(frame[date_column]), n_accounts)


def _in_window(index: EventIndex, days: np.ndarray, width: float) -> np.ndarray:
    """Rows dated in (day - width, day], per (account, date)."""
    return index.count_upto(days) - index.count_upto(days - width)


def features_at(portfolio, dates, *, window_days: int = 90) -> pd.DataFrame:
    """Features of every account at each date: one row per (account_id, snapshot_date).

    Everything comes from the KPI engine (:func:`acctkit.kpis.kpis_at`, which evaluates
    all dates in one pass per table). Besides the four features, the frame keeps what the
    drivers are worded from (``interactions``, ``interactions_prev``, ``nps_mean``,
    ``nps_mean_prev``) and ``churned`` (a churn event on or before the date). Rows are
    ordered by account, then date.
    """
    from acctkit.kpis import kpis_at

    dates = as_of_dates(dates)
    counts = kpis_at(
        portfolio,
        dates,
        window_days=window_days,
        columns=list(_ENGINE_COLUMNS),
    ).rename(columns={"as_of": "snapshot_date", **_ENGINE_COLUMNS})
    numbers = counts.drop(columns=["account_id", "snapshot_date"]).astype("float64")
    out = {name: numbers[name].to_numpy() for name in numbers.columns}
    out["engagement_slowdown"] = np.log(
        (out["interactions_prev"] + 1.0) / (out["interactions"] + 1.0)
    )
    out["nps_score_drift"] = out["nps_mean"] - out["nps_mean_prev"]
    days = day_numbers(dates)
    churn_day = day_numbers(first_churn(portfolio, portfolio.account_ids))
    out["churned"] = (churn_day[:, None] <= days[None, :]).ravel()
    return counts[["account_id", "snapshot_date"]].assign(**out)


def build_panel(portfolio, as_of, *, horizon_days: int = 180, window_days: int = 90):
    """The training panel: one row per (account, month-end snapshot t) whose label is
    fully observed by ``as_of`` (t + H <= as_of), from 2W after the first dated event.

    ``label`` is 1 when the account has an ``outcomes`` event in (t, t + H]. An account
    leaves the panel once it has churned.
    """
    from acctkit.errors import ModelError
    from acctkit.kpis.meetings import exchanges

    as_of = as_of_date(as_of)
    if portfolio.outcomes is None:
        raise ModelError("the portfolio has no outcomes table: the model has nothing to learn")
    first = _first_event(exchanges(portfolio), as_of)  # a missed meeting is no event
    if first is None:
        raise ModelError(f"the portfolio has no dated event on or before {as_of.date()}")
    start = first + pd.Timedelta(days=2 * window_days)
    last = as_of - pd.Timedelta(days=horizon_days)
    dates = pd.date_range(start, last, freq="ME")
    if not len(dates):
        raise ModelError(
            f"no month-end snapshot between {start.date()} (2 windows after the first event) "
            f"and {last.date()} (the as-of date minus the {horizon_days}-day horizon)"
        )
    panel = features_at(portfolio, dates, window_days=window_days)
    panel = panel[~panel["churned"]].drop(columns="churned")
    return panel.assign(label=_labels(portfolio, panel, horizon_days)).reset_index(drop=True)


def _labels(portfolio, panel: pd.DataFrame, horizon_days: int) -> np.ndarray:
    """1 when an outcome falls in (t, t + H] for the row's account and snapshot t."""
    ahead = outcome_ahead(portfolio, panel["account_id"], panel["snapshot_date"], horizon_days)
    return ahead.astype(int)


def outcome_ahead(portfolio, account_id: pd.Series, dates: pd.Series, horizon_days: int):
    """Per row: does the account have an ``outcomes`` event in (date, date + H]?

    ``account_id`` is a Categorical over the portfolio's accounts (as in the KPI frames).
    """
    n = len(portfolio.account_ids)
    index = _index(portfolio.outcomes, "occurred_on", n)
    unique = pd.DatetimeIndex(np.sort(pd.unique(dates)))
    ahead = _in_window(index, day_numbers(unique) + horizon_days, float(horizon_days))
    row = account_id.cat.codes.to_numpy()
    column = unique.get_indexer(dates)
    return ahead[row, column] > 0


def first_churn(portfolio, accounts: pd.Index) -> pd.Series:
    """Each account's first churn date (NaT when it never churned)."""
    if portfolio.outcomes is None:
        return pd.Series(pd.NaT, index=accounts, dtype="datetime64[ns]")
    churns = portfolio.outcomes[portfolio.outcomes["event"] == "churn"]
    return churns.groupby("account_id", observed=False)["occurred_on"].min().reindex(accounts)


def _first_event(portfolio, as_of: pd.Timestamp) -> pd.Timestamp | None:
    from acctkit.data.schema import SCHEMA

    firsts = []
    for name, frame in portfolio.tables().items():
        column = SCHEMA[name].date_column
        if column and name not in ("outcomes", "contacts"):
            dates = frame[column]
            dates = dates[dates <= as_of]
            if len(dates):
                firsts.append(dates.min())
    return min(firsts) if firsts else None
