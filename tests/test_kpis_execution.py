"""Execution KPIs from actions, NPS responses, tickets and feedback, worked by hand.

As of 2026-06-30, W = 90: window (2026-04-01, 2026-06-30], previous (2026-01-01,
2026-04-01]; NPS periods (2026-01-01, 2026-06-30] and (2025-07-05, 2026-01-01].
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from acctkit.data import from_frames
from acctkit.kpis import compute_kpis

D = "2026-06-30"

ACTIONS = pd.DataFrame(
    [
        # id, account, due, done, status
        ("X1", "A", "2026-05-01", "2026-04-20", None),  # done early, in the window
        ("X2", "A", "2026-06-30", None, "planned"),  # due on D: due, not overdue
        ("X3", "A", "2026-06-29", None, "in_progress"),  # overdue
        ("X4", "A", "2026-03-01", "2026-07-02", None),  # done after D: overdue at D
        ("X5", "A", "2026-02-01", None, "cancelled"),
        ("X6", "A", "2026-08-01", "2026-06-10", None),  # due later, done in the window
        ("X7", "A", "2026-01-15", "2026-01-20", None),  # done before the window
        ("X8", "A", "2026-04-10", "2026-06-30", "cancelled"),  # cancelled: never counts
    ],
    columns=["action_id", "account_id", "due_on", "done_on", "status"],
).assign(title="a plan action")

NPS = pd.DataFrame(
    [
        ("R1", "A", "2026-06-30", 10),  # promoter
        ("R2", "A", "2026-01-02", 6),  # detractor
        ("R3", "A", "2026-01-01", 9),  # previous period (its closed end)
        ("R4", "A", "2025-07-05", 0),  # before the previous period
        ("R5", "A", "2025-08-01", 7),  # previous period, passive
        ("R6", "A", "2026-07-01", 0),  # after D
        ("R7", "A", "2026-03-03", 8),  # passive
    ],
    columns=["response_id", "account_id", "responded_on", "score"],
)

TICKETS = pd.DataFrame(
    [
        ("T1", "A", "2026-04-02", "2026-06-30", "critical"),  # closed on D: not open
        ("T2", "A", "2026-01-10", "2026-07-15", "critical"),  # open at D
        ("T3", "A", "2026-06-30", None, "high"),
        ("T4", "A", "2026-07-01", None, "critical"),  # after D
        ("T5", "A", "2026-04-01", None, "critical"),  # open; opened before the window
    ],
    columns=["ticket_id", "account_id", "opened_on", "closed_on", "severity"],
)

FEEDBACK = pd.DataFrame(
    [
        ("F1", "A", "2026-06-30", "irritant"),
        ("F2", "A", "2026-04-02", "irritant"),
        ("F3", "A", "2026-05-05", "praise"),
        ("F4", "A", "2026-04-01", "irritant"),  # previous window
        ("F5", "A", "2026-07-01", "irritant"),  # after D
        ("F6", "A", "2026-01-01", "irritant"),  # before the previous window
    ],
    columns=["feedback_id", "account_id", "recorded_on", "kind"],
)


def portfolio(**tables: pd.DataFrame):
    accounts = pd.DataFrame({"account_id": ["A", "B"], "name": ["Alpha", "Beta"]})
    return from_frames({"accounts": accounts, **tables})


@pytest.fixture(scope="module")
def kpis() -> pd.DataFrame:
    return compute_kpis(
        portfolio(actions=ACTIONS, nps_responses=NPS, tickets=TICKETS, feedback=FEEDBACK), D
    )


def test_actions(kpis):
    assert kpis.loc["A", "actions_due"] == 5  # X1, X2, X3, X4, X7
    assert kpis.loc["A", "actions_done"] == 2  # X1, X7 (X4 is done after D)
    assert kpis.loc["A", "action_completion_pct"] == 40.0
    assert kpis.loc["A", "overdue_actions"] == 2  # X3, X4
    assert kpis.loc["A", "actions_done_window"] == 2  # X1, X6


def test_account_without_actions(kpis):
    assert kpis.loc["B", "actions_due"] == 0
    assert kpis.loc["B", "overdue_actions"] == 0
    assert math.isnan(kpis.loc["B", "action_completion_pct"])


def test_nps(kpis):
    # current: R1 promoter, R2 detractor, R7 passive -> 0; previous: R3 promoter, R5 -> 50
    assert kpis.loc["A", "nps"] == 0.0
    assert kpis.loc["A", "nps_prev"] == 50.0
    assert kpis.loc["A", "nps_drift"] == -50.0
    assert kpis.loc["A", "nps_responses"] == 3
    assert kpis.loc["A", "nps_responses_prev"] == 2  # R3, R5
    assert kpis.loc["A", "nps_mean_score"] == pytest.approx((10 + 6 + 8) / 3)
    assert kpis.loc["A", "nps_mean_score_prev"] == pytest.approx((9 + 7) / 2)


def test_nps_without_responses_is_nan(kpis):
    for column in ("nps", "nps_prev", "nps_drift", "nps_mean_score"):
        assert math.isnan(kpis.loc["B", column]), column
    assert kpis.loc["B", "nps_responses"] == 0


def test_tickets(kpis):
    assert kpis.loc["A", "tickets_opened"] == 2  # T1, T3 (T5 on 04-01 is out, T4 after D)
    assert kpis.loc["A", "open_critical_tickets"] == 2  # T2, T5
    assert kpis.loc["B", "tickets_opened"] == 0
    assert kpis.loc["B", "open_critical_tickets"] == 0


def test_irritants(kpis):
    assert kpis.loc["A", "irritants"] == 2  # F1, F2 (F3 is praise, F5 after D)
    assert kpis.loc["A", "irritants_prev"] == 1  # F4
    assert kpis.loc["B", "irritants"] == 0


def test_missing_tables_give_missing_kpis():
    kpis = compute_kpis(portfolio(), D)
    for column in (
        "actions_due",
        "overdue_actions",
        "nps",
        "nps_responses",
        "nps_responses_prev",
        "irritants",
        "tickets_opened",
        "open_critical_tickets",
    ):
        assert pd.isna(kpis.loc["A", column]), column


def test_execution_score_by_hand(kpis):
    # A: actions 0.4 x .25, satisfaction (0 + 100) / 200 x .25,
    #    calm 1 - min(2 + 2 x 2, 10) / 10 = 0.4 x .15; no opportunities table: pipeline and
    #    wins are left out (0.65 of the weight is present)
    expected = 100 * (0.4 * 0.25 + 0.5 * 0.25 + 0.4 * 0.15) / 0.65
    assert kpis.loc["A", "execution_score"] == pytest.approx(expected)
    # B: only calm (1.0, weight 0.15 < half): too little data
    assert math.isnan(kpis.loc["B", "execution_score"])
