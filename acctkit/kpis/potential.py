"""Potential & strategy: the account's economics and the account manager's scoring grid.

Every function returns ``{column: array of shape (n_accounts, n_dates)}``. The economics
come from the accounts table (not dated: the same at every date); the fit, influence and
risk columns average the latest assessment of each criterion on or before each date.
The expansion pipeline, although a potential KPI, is computed with the other opportunity
KPIs in :mod:`acctkit.kpis.pipeline`.

A judgement ages: a criterion whose latest score is older than its ``valid_days``
(``[assessments]``) is *stale* at D. By default a stale score still counts in its family
(the pages say it is stale); with ``stale_scores = "omit"`` it is left out like a missing
one.
"""

from __future__ import annotations

import numpy as np

from acctkit.config import Config
from acctkit.data.portfolio import Portfolio
from acctkit.kpis.grid import nan_columns
from acctkit.kpis.windows import EventIndex, day_numbers, ratio

ACCOUNT_COLUMNS = (
    "annual_revenue",
    "estimated_budget",
    "tam",
    "gross_margin_pct",
    "share_of_wallet_pct",
    "whitespace",
    "cost_to_serve_pct",
    "net_contribution",
)
ASSESSMENT_COLUMNS = (
    "strategic_fit",
    "ecosystem_influence",
    "risk_level",
    "max_risk",
    "stale_assessments",
    "oldest_assessment_days",
)

CRITERIA_BY_COLUMN = {
    "strategic_fit": ("sector_fit", "product_fit", "roadmap_fit"),
    "ecosystem_influence": ("notoriety", "showcase_effect", "reference_capacity"),
    "risk_level": ("political_risk", "dependency_risk", "financial_risk", "operational_risk"),
}


def account_economics(
    portfolio: Portfolio, days: np.ndarray, window_days: int, config: Config
) -> dict[str, np.ndarray]:
    """Revenue, budget, TAM, margin and the ratios built on them (not dated)."""
    accounts = portfolio.accounts

    def money(column: str) -> np.ndarray:
        return accounts[column].to_numpy(dtype=np.float64, na_value=np.nan)

    revenue, budget = money("annual_revenue"), money("estimated_budget")
    margin, cost = money("gross_margin_pct"), money("cost_to_serve")
    columns = {
        "annual_revenue": revenue,
        "estimated_budget": budget,
        "tam": money("tam"),
        "gross_margin_pct": margin,
        "share_of_wallet_pct": ratio(revenue, budget, 100.0),
        "whitespace": np.maximum(budget - revenue, 0.0),
        "cost_to_serve_pct": ratio(cost, revenue, 100.0),
        "net_contribution": revenue * margin / 100.0 - cost,
    }
    shape = (len(accounts), len(days))
    return {name: np.broadcast_to(values[:, None], shape) for name, values in columns.items()}


def assessment_scores(
    portfolio: Portfolio, days: np.ndarray, window_days: int, config: Config
) -> dict[str, np.ndarray]:
    """Strategic fit, ecosystem influence, risk level and highest risk at each date, and
    how old the judgement behind them is.

    Each score is the mean (max for ``max_risk``) of the latest score, on or before the
    date, of the criteria of its family that have one; NaN when none has, or without the
    table. ``stale_assessments`` counts the criteria whose latest score is more than their
    ``valid_days`` old; ``oldest_assessment_days`` is the age in days of the oldest latest
    score (NaN when the account has none). With ``stale_scores = "omit"`` a stale score is
    left out of the means and the max.
    """
    n_accounts = len(portfolio.accounts)
    assessments = portfolio.assessments
    if assessments is None:
        return nan_columns(ASSESSMENT_COLUMNS, n_accounts, days)
    criteria = list(assessments["criterion"].cat.categories)
    n_criteria = len(criteria)
    accounts = assessments["account_id"].cat.codes.to_numpy(np.int64)
    criterion = assessments["criterion"].cat.codes.to_numpy(np.int64)
    groups = np.where(criterion >= 0, accounts * n_criteria + criterion, -1)
    assessed = day_numbers(assessments["assessed_on"])
    index = EventIndex(groups, assessed, n_accounts * n_criteria)
    scores = assessments["score"].to_numpy(dtype=np.float64, na_value=np.nan)
    shape = (n_accounts, n_criteria, len(days))
    latest = index.latest(scores, days).reshape(shape)
    age = days[None, None, :] - index.latest_day(days).reshape(shape)
    age = np.where(np.isnan(latest), np.nan, age)
    valid = np.array([config.assessment_valid_days.get(c, config.valid_days) for c in criteria])
    stale = age > valid[None, :, None]
    if config.stale_scores == "omit":
        latest = np.where(stale, np.nan, latest)

    def family(column: str) -> np.ndarray:
        positions = [criteria.index(c) for c in CRITERIA_BY_COLUMN[column] if c in criteria]
        return latest[:, positions, :]

    out = {column: _nanmean(family(column)) for column in CRITERIA_BY_COLUMN}
    out["max_risk"] = np.fmax.reduce(family("risk_level"), axis=1, initial=np.nan)
    out["stale_assessments"] = stale.sum(axis=1).astype(np.float64)
    out["oldest_assessment_days"] = np.fmax.reduce(age, axis=1, initial=np.nan)
    return out


def _nanmean(values: np.ndarray) -> np.ndarray:
    present = ~np.isnan(values)
    count = present.sum(axis=1)
    total = np.where(present, values, 0.0).sum(axis=1)
    return ratio(total, count)
