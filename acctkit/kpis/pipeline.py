"""Opportunities: open and weighted pipeline, slipped deals, win rate, stage advances, wins.

The opportunities are evaluated on an (opportunity, date) grid: open at each date, stage
and probability at each date, won within the window. Those matrices are reduced per account.
This module also gives the potential family's ``expansion_pipeline`` (open upsell and
cross-sell amounts), so every opportunity rule lives in one place.

Stage at D (catalogue): the latest stage_history row dated <= D when the opportunity has
one; otherwise its recorded stage when it is still open today; otherwise unknown (counted
at ``stages.unknown_probability``, 50 %). An opportunity whose only history rows are
dated after D also has an unknown stage at D: its recorded stage is a later one.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from acctkit.config import Config
from acctkit.data.portfolio import Portfolio
from acctkit.kpis.grid import Groups, nan_columns, row_positions
from acctkit.kpis.windows import EventIndex, day_numbers, ratio

PIPELINE_COLUMNS = (
    "expansion_pipeline",
    "open_pipeline",
    "weighted_pipeline",
    "pipeline_maturity_pct",
    "slipped_opportunities",
    "win_rate_pct",
    "won_revenue",
    "won_renewal",
    "won_upsell",
    "won_cross_sell",
    "won_new",
)
ADVANCE_COLUMNS = ("stage_advances",)
WON_KINDS = {
    "won_renewal": "renewal",
    "won_upsell": "upsell",
    "won_cross_sell": "cross_sell",
    "won_new": "new",
}
EXPANSION_KINDS = ("upsell", "cross_sell")


def pipeline_values(
    portfolio: Portfolio, days: np.ndarray, window_days: int, config: Config
) -> dict[str, np.ndarray]:
    """Open, weighted and expansion pipeline, slipped deals, win rate and revenue won."""
    n_accounts = len(portfolio.accounts)
    opportunities = portfolio.opportunities
    if opportunities is None:
        return nan_columns(PIPELINE_COLUMNS, n_accounts, days)
    accounts = opportunities["account_id"].cat.codes.to_numpy(np.int64)
    by_account = Groups(accounts, n_accounts)
    # a blank amount (an open deal not estimated yet) adds nothing to the pipeline sums
    amount = opportunities["amount"].to_numpy(dtype=np.float64, na_value=np.nan)
    amount = np.nan_to_num(amount, nan=0.0)[:, None]
    kind = opportunities["kind"].astype("string")
    created = day_numbers(opportunities["created_on"])[:, None]
    closed = day_numbers(opportunities["closed_on"])
    expected = day_numbers(opportunities["expected_close_on"])[:, None]

    is_open = (created <= days) & ~(closed[:, None] <= days)
    expansion = kind.isin(EXPANSION_KINDS).to_numpy(dtype=bool)[:, None]
    probability = _probability_at(portfolio, days, config)
    open_pipeline = by_account.sum(np.where(is_open, amount, 0.0))
    weighted = by_account.sum(np.where(is_open, amount * probability / 100.0, 0.0))
    out = {
        "expansion_pipeline": by_account.sum(np.where(is_open & expansion, amount, 0.0)),
        "open_pipeline": open_pipeline,
        "weighted_pipeline": weighted,
        "pipeline_maturity_pct": ratio(weighted, open_pipeline, 100.0),
        "slipped_opportunities": by_account.sum(is_open & (expected < days)),
    }

    stage = opportunities["stage"].astype("string")
    won = (stage == "closed_won").to_numpy(dtype=bool, na_value=False)
    lost = (stage == "closed_lost").to_numpy(dtype=bool, na_value=False)
    closings = EventIndex(np.where(won | lost, accounts, -1), closed, n_accounts)
    now = closings.positions(days)
    year_start = closings.positions(days - config.win_rate_days)
    won_running = closings.cumulative(won.astype(np.int64))
    won_count = won_running[now] - won_running[year_start]
    out["win_rate_pct"] = ratio(won_count, now - year_start, 100.0)

    won_rows = np.flatnonzero(won)
    won_closed = closed[won_rows][:, None]
    won_in_window = (won_closed > days - window_days) & (won_closed <= days)
    won_amount = np.where(won_in_window, amount[won_rows], 0.0)
    by_account_won = Groups(accounts[won_rows], n_accounts)
    out["won_revenue"] = by_account_won.sum(won_amount)
    won_kind = kind.to_numpy(dtype=object, na_value="")[won_rows][:, None]
    for column, name in WON_KINDS.items():
        out[column] = by_account_won.sum(np.where(won_kind == name, won_amount, 0.0))
    return out


def stage_advances(
    portfolio: Portfolio, days: np.ndarray, window_days: int, config: Config
) -> dict[str, np.ndarray]:
    """stage_history rows in the window that move an opportunity to a higher-ranked stage.

    The first row of an opportunity has no previous row, so it is never an advance.
    """
    n_accounts = len(portfolio.accounts)
    history, opportunities = portfolio.stage_history, portfolio.opportunities
    if history is None or opportunities is None:
        return nan_columns(ADVANCE_COLUMNS, n_accounts, days)
    rows = row_positions(history["opportunity_id"], opportunities["opportunity_id"])
    changes = EventIndex(rows, day_numbers(history["changed_on"]), len(opportunities))
    rank = _lookup(history["stage"], config.stage_rank, np.nan)[changes.rows]
    same_opportunity = np.zeros(len(changes), dtype=bool)
    same_opportunity[1:] = rows[changes.rows][1:] == rows[changes.rows][:-1]
    advance = np.zeros(len(changes), dtype=np.int64)
    advance[1:] = same_opportunity[1:] & (rank[1:] > rank[:-1])
    account_of_row = opportunities["account_id"].cat.codes.to_numpy(np.int64)[rows[changes.rows]]
    in_accounts = EventIndex(account_of_row, changes.sorted_days, n_accounts)
    running = in_accounts.cumulative(advance)
    advances = (
        running[in_accounts.positions(days)] - running[in_accounts.positions(days - window_days)]
    )
    return {"stage_advances": advances}


def _probability_at(portfolio: Portfolio, days: np.ndarray, config: Config) -> np.ndarray:
    """Probability (0..100) of each opportunity at each date, from its stage at that date."""
    opportunities = portfolio.opportunities
    n_opportunities = len(opportunities)
    unknown = float(config.unknown_stage_probability)
    recorded = opportunities["stage"].astype("string").to_numpy(dtype=object, na_value="")
    recorded_probability = opportunities["probability"].to_numpy(dtype=np.float64, na_value=np.nan)
    recorded_default = _lookup(opportunities["stage"], config.stage_probability, unknown)
    recorded_probability = np.where(
        np.isnan(recorded_probability), recorded_default, recorded_probability
    )
    still_open = opportunities["closed_on"].isna().to_numpy()
    without_history = np.where(still_open, recorded_probability, unknown)[:, None]
    history = portfolio.stage_history
    if history is not None:
        rows = row_positions(history["opportunity_id"], opportunities["opportunity_id"])
        changes = EventIndex(rows, day_numbers(history["changed_on"]), n_opportunities)
    if history is None or not len(changes):
        return np.broadcast_to(without_history, (n_opportunities, len(days)))

    positions = changes.positions(days)
    has_row = positions > changes.starts[:-1, None]
    latest = changes.rows[np.maximum(positions - 1, 0)]  # history row of the stage at D
    stage_names = history["stage"].astype("string").to_numpy(dtype=object, na_value="")
    stage_probability = _lookup(history["stage"], config.stage_probability, unknown)
    from_history = np.where(
        stage_names[latest] == recorded[:, None],
        recorded_probability[:, None],
        stage_probability[latest],
    )
    has_history = (changes.totals() > 0)[:, None]
    return np.where(has_row, from_history, np.where(has_history, unknown, without_history))


def _lookup(stage: pd.Series, values: Mapping[str, float], missing: float) -> np.ndarray:
    """``values[stage]`` for each row (``missing`` for a blank or unconfigured stage)."""
    categories = stage.cat.categories
    table = np.array([float(values.get(name, missing)) for name in categories] + [missing])
    return table[stage.cat.codes.to_numpy(np.int64)]


def opportunities_at(portfolio: Portfolio, as_of: object, config: Config) -> pd.DataFrame:
    """The opportunities open at ``as_of``, each with its stage and probability at that date.

    Columns: ``opportunity_id``, ``account_id``, ``name``, ``kind``, ``amount``,
    ``stage_at`` (the stage at D by the catalogue's rule, ``unknown`` when it cannot be
    known), ``probability`` (0..100, as used by ``weighted_pipeline``), ``weighted``,
    ``expected_close_on`` and ``slipped``. Empty when the table is absent.
    """
    from acctkit.kpis.windows import as_of_date

    columns = [
        "opportunity_id",
        "account_id",
        "name",
        "kind",
        "amount",
        "stage_at",
        "probability",
        "weighted",
        "expected_close_on",
        "slipped",
    ]
    opportunities = portfolio.opportunities
    if opportunities is None:
        return pd.DataFrame(columns=columns)
    date = as_of_date(as_of)
    days = day_numbers(pd.DatetimeIndex([date]))
    created = day_numbers(opportunities["created_on"])
    closed = day_numbers(opportunities["closed_on"])
    is_open = (created <= days[0]) & ~(closed <= days[0])
    probability = _probability_at(portfolio, days, config)[:, 0]
    stage = _stage_at(portfolio, days)[:, 0]
    expected = opportunities["expected_close_on"]
    frame = opportunities.assign(
        stage_at=stage,
        probability=probability,
        weighted=opportunities["amount"] * probability / 100.0,
        slipped=(expected < date).to_numpy(),
    )
    return frame.loc[is_open, columns].reset_index(drop=True)


def _stage_at(portfolio: Portfolio, days: np.ndarray) -> np.ndarray:
    """Stage name of each opportunity at each date (``unknown`` when it cannot be known)."""
    opportunities = portfolio.opportunities
    recorded = opportunities["stage"].astype("string").to_numpy(dtype=object, na_value="")
    still_open = opportunities["closed_on"].isna().to_numpy()
    without_history = np.where(still_open, recorded, "unknown")[:, None].astype(object)
    history = portfolio.stage_history
    shape = (len(opportunities), len(days))
    if history is None or not len(history):
        return np.broadcast_to(without_history, shape)
    rows = row_positions(history["opportunity_id"], opportunities["opportunity_id"])
    changes = EventIndex(rows, day_numbers(history["changed_on"]), len(opportunities))
    positions = changes.positions(days)
    has_row = positions > changes.starts[:-1, None]
    stage_names = history["stage"].astype("string").to_numpy(dtype=object, na_value="")
    from_history = stage_names[changes.rows[np.maximum(positions - 1, 0)]]
    has_history = (changes.totals() > 0)[:, None]
    return np.where(has_row, from_history, np.where(has_history, "unknown", without_history))
