"""Execution & performance: the account plan's actions, NPS, tickets and feedback.

(The opportunity KPIs of this family live in :mod:`acctkit.kpis.pipeline`.) Every count is
read from an :class:`EventIndex`: "rows dated <= D" per account for every date at once.
Two-date rules become one date: an action is done by D and due by D exactly when
``max(due_on, done_on) <= D`` (``np.maximum`` keeps NaN, so an undone action never is).
Every function returns ``{column: (n_accounts, n_dates)}``.
"""

from __future__ import annotations

import numpy as np

from acctkit.config import Config
from acctkit.data.portfolio import Portfolio
from acctkit.kpis.grid import nan_columns
from acctkit.kpis.windows import EventIndex, day_numbers, ratio

ACTION_COLUMNS = (
    "actions_due",
    "actions_done",
    "action_completion_pct",
    "overdue_actions",
    "actions_done_window",
)
NPS_COLUMNS = (
    "nps",
    "nps_prev",
    "nps_drift",
    "nps_responses",
    "nps_responses_prev",
    "nps_mean_score",
    "nps_mean_score_prev",
)
TICKET_COLUMNS = ("tickets_opened", "open_critical_tickets")
FEEDBACK_COLUMNS = ("irritants", "irritants_prev")


def plan_actions(portfolio: Portfolio, days: np.ndarray, window_days: int, config: Config) -> dict:
    """Actions due, done, overdue and done in the window. Cancelled actions never count."""
    n_accounts = len(portfolio.accounts)
    actions = portfolio.actions
    if actions is None:
        return nan_columns(ACTION_COLUMNS, n_accounts, days)
    kept = ~(actions["status"] == "cancelled").to_numpy(dtype=bool, na_value=False)
    accounts = np.where(kept, actions["account_id"].cat.codes.to_numpy(np.int64), -1)
    due = day_numbers(actions["due_on"])
    done = day_numbers(actions["done_on"])

    def upto(event_days: np.ndarray, query_days: np.ndarray) -> np.ndarray:
        return EventIndex(accounts, event_days, n_accounts).count_upto(query_days)

    actions_due = upto(due, days)
    actions_done = upto(np.maximum(due, done), days)
    overdue = upto(due, days - 1) - upto(np.maximum(due + 1, done), days)
    done_index = EventIndex(accounts, done, n_accounts)
    done_window = done_index.positions(days) - done_index.positions(days - window_days)
    return {
        "actions_due": actions_due,
        "actions_done": actions_done,
        "action_completion_pct": ratio(actions_done, actions_due, 100.0),
        "overdue_actions": overdue,
        "actions_done_window": done_window,
    }


def nps_scores(portfolio: Portfolio, days: np.ndarray, window_days: int, config: Config) -> dict:
    """NPS over the last ``nps_days`` and the period before, plus mean scores (0..10)."""
    n_accounts = len(portfolio.accounts)
    responses = portfolio.nps_responses
    if responses is None:
        return nan_columns(NPS_COLUMNS, n_accounts, days)
    score = responses["score"].to_numpy(dtype=np.float64, na_value=np.nan)
    accounts = np.where(np.isnan(score), -1, responses["account_id"].cat.codes.to_numpy(np.int64))
    index = EventIndex(accounts, day_numbers(responses["responded_on"]), n_accounts)
    positions = [index.positions(days - k * config.nps_days) for k in range(3)]
    score = np.nan_to_num(score).astype(np.int64)
    running = {
        "promoters": index.cumulative((score >= 9).astype(np.int64)),
        "detractors": index.cumulative((score <= 6).astype(np.int64)),
        "points": index.cumulative(score),
    }

    def period(k: int) -> dict[str, np.ndarray]:
        hi, lo = positions[k], positions[k + 1]
        sums = {name: values[hi] - values[lo] for name, values in running.items()}
        count = hi - lo
        return {
            "nps": ratio(sums["promoters"] - sums["detractors"], count, 100.0),
            "responses": count,
            "mean": ratio(sums["points"], count),
        }

    current, previous = period(0), period(1)
    return {
        "nps": current["nps"],
        "nps_prev": previous["nps"],
        "nps_drift": current["nps"] - previous["nps"],
        "nps_responses": current["responses"],
        "nps_responses_prev": previous["responses"],
        "nps_mean_score": current["mean"],
        "nps_mean_score_prev": previous["mean"],
    }


def ticket_counts(portfolio: Portfolio, days: np.ndarray, window_days: int, config: Config) -> dict:
    """Tickets opened in the window; critical tickets open at each date."""
    n_accounts = len(portfolio.accounts)
    tickets = portfolio.tickets
    if tickets is None:
        return nan_columns(TICKET_COLUMNS, n_accounts, days)
    accounts = tickets["account_id"].cat.codes.to_numpy(np.int64)
    opened = day_numbers(tickets["opened_on"])
    closed = day_numbers(tickets["closed_on"])
    opened_index = EventIndex(accounts, opened, n_accounts)
    critical = (tickets["severity"] == "critical").to_numpy(dtype=bool, na_value=False)
    critical_accounts = np.where(critical, accounts, -1)
    opened_critical = EventIndex(critical_accounts, opened, n_accounts).count_upto(days)
    closed_critical = EventIndex(
        critical_accounts, np.maximum(opened, closed), n_accounts
    ).count_upto(days)
    return {
        "tickets_opened": opened_index.positions(days) - opened_index.positions(days - window_days),
        "open_critical_tickets": opened_critical - closed_critical,
    }


def irritant_counts(
    portfolio: Portfolio, days: np.ndarray, window_days: int, config: Config
) -> dict:
    """Feedback of kind irritant in the window and in the previous window."""
    n_accounts = len(portfolio.accounts)
    feedback = portfolio.feedback
    if feedback is None:
        return nan_columns(FEEDBACK_COLUMNS, n_accounts, days)
    irritant = (feedback["kind"] == "irritant").to_numpy(dtype=bool, na_value=False)
    accounts = np.where(irritant, feedback["account_id"].cat.codes.to_numpy(np.int64), -1)
    index = EventIndex(accounts, day_numbers(feedback["recorded_on"]), n_accounts)
    now, start, before = (index.positions(days - k * window_days) for k in range(3))
    return {"irritants": now - start, "irritants_prev": start - before}
