"""Opportunity KPIs (pipeline, stage at D, win rate, stage advances, wins), worked by hand.

As of 2026-06-30, W = 90: the window is (2026-04-01, 2026-06-30]; the win-rate year is
(2025-06-30, 2026-06-30].
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from acctkit.data import from_frames
from acctkit.kpis import compute_kpis

D = "2026-06-30"

OPPORTUNITIES = pd.DataFrame(
    [
        # id, account, kind, amount, stage, probability, created, expected close, closed
        ("O1", "A", "renewal", 100.0, "closed_won", None, "2026-01-10", None, "2026-05-15"),
        ("O2", "A", "upsell", 200.0, "proposal", None, "2026-03-01", "2026-06-29", None),
        ("O3", "A", "cross_sell", 400.0, "negotiation", 60.0, "2026-02-01", "2026-06-30",
         None),
        ("O4", "A", "new", 1000.0, "closed_won", None, "2026-04-01", None, "2026-08-01"),
        ("O5", "A", "new", 300.0, "closed_lost", None, "2025-09-01", None, "2025-12-01"),
        ("O6", "A", "renewal", 50.0, "closed_won", None, "2025-05-01", None, "2025-06-30"),
        ("O7", "A", "upsell", 70.0, "qualification", 33.0, "2026-07-05", None, None),
        ("O8", "A", "new", 80.0, "negotiation", 90.0, "2026-05-01", "2026-07-31", None),
        ("O9", "A", "upsell", 500.0, "closed_lost", None, "2026-03-10", "2026-06-15",
         "2026-07-20"),
        ("O10", "A", "new", 10.0, "qualification", None, "2026-01-01", None, None),
        ("Q1", "B", "new", 100.0, "closed_lost", None, "2026-04-01", None, "2026-05-20"),
        ("Q2", "B", "upsell", 100.0, "proposal", None, "2026-01-01", None, None),
    ],
    columns=[
        "opportunity_id", "account_id", "kind", "amount", "stage", "probability",
        "created_on", "expected_close_on", "closed_on",
    ],
)  # fmt: skip

STAGE_HISTORY = pd.DataFrame(
    [
        ("O3", "2026-02-01", "prospecting"),
        ("O3", "2026-05-01", "proposal"),  # advance in the window
        ("O3", "2026-07-10", "negotiation"),  # after D
        ("O8", "2026-05-01", "qualification"),  # first row: not an advance
        ("O8", "2026-06-01", "negotiation"),  # advance
        ("O9", "2026-03-10", "prospecting"),
        ("O9", "2026-04-15", "qualification"),  # advance
        ("O9", "2026-07-20", "closed_lost"),  # after D
        ("O10", "2026-08-01", "qualification"),  # only history row is after D
        ("Q1", "2026-04-01", "proposal"),  # first row
        ("Q1", "2026-05-01", "negotiation"),  # advance
        ("Q1", "2026-05-20", "closed_lost"),  # a loss is never an advance
        ("Q2", "2026-01-01", "prospecting"),
        ("Q2", "2026-03-01", "negotiation"),  # advance, before the window
        ("Q2", "2026-06-01", "proposal"),  # moving back is not an advance
    ],
    columns=["opportunity_id", "changed_on", "stage"],
)


def portfolio(**tables: pd.DataFrame):
    accounts = pd.DataFrame({"account_id": ["A", "B", "C"], "name": ["Alpha", "Beta", "Gamma"]})
    return from_frames({"accounts": accounts, **tables})


@pytest.fixture(scope="module")
def kpis() -> pd.DataFrame:
    return compute_kpis(portfolio(opportunities=OPPORTUNITIES, stage_history=STAGE_HISTORY), D)


def test_open_pipeline(kpis):
    # open at D: O2 200, O3 400, O4 1000 (closes after D), O8 80, O9 500 (closes after D),
    # O10 10; O7 is created after D, O1, O5, O6 closed before
    assert kpis.loc["A", "open_pipeline"] == 2190.0
    assert kpis.loc["A", "expansion_pipeline"] == 1100.0  # O2 + O3 + O9 (upsell/cross-sell)
    assert kpis.loc["B", "open_pipeline"] == 100.0
    assert kpis.loc["B", "expansion_pipeline"] == 100.0


def test_weighted_pipeline_uses_the_stage_at_d(kpis):
    expected = (
        200 * 0.50  # O2: no history, open today: its recorded stage proposal, default 50
        + 400 * 0.50  # O3: proposal at D (history) is not its recorded stage: default 50
        + 1000 * 0.50  # O4: closed after D, no history: unknown, 50
        + 80 * 0.90  # O8: negotiation at D is its recorded stage: recorded 90
        + 500 * 0.20  # O9: qualification at D: default 20
        + 10 * 0.50  # O10: its only history row is after D: unknown, 50
    )
    assert kpis.loc["A", "weighted_pipeline"] == pytest.approx(expected)
    assert kpis.loc["A", "pipeline_maturity_pct"] == pytest.approx(100 * expected / 2190)
    # Q2: proposal at D (moved back on 06-01) is its recorded stage, no probability: 50
    assert kpis.loc["B", "weighted_pipeline"] == pytest.approx(50.0)


def test_without_stage_history_the_recorded_stage_counts():
    kpis = compute_kpis(portfolio(opportunities=OPPORTUNITIES), D)
    expected = 200 * 0.5 + 400 * 0.6 + 1000 * 0.5 + 80 * 0.9 + 500 * 0.5 + 10 * 0.2
    assert kpis.loc["A", "weighted_pipeline"] == pytest.approx(expected)
    assert pd.isna(kpis.loc["A", "stage_advances"])


def test_slipped_opportunities(kpis):
    # open with expected close before D: O2 (06-29), O9 (06-15); O3's is D itself
    assert kpis.loc["A", "slipped_opportunities"] == 2
    assert kpis.loc["B", "slipped_opportunities"] == 0


def test_win_rate_over_the_last_year(kpis):
    # closed in (2025-06-30, 2026-06-30]: O1 won, O5 lost; O6 closed on 2025-06-30 is out
    assert kpis.loc["A", "win_rate_pct"] == 50.0
    assert kpis.loc["B", "win_rate_pct"] == 0.0
    assert math.isnan(kpis.loc["C", "win_rate_pct"])


def test_revenue_won_in_the_window(kpis):
    assert kpis.loc["A", "won_revenue"] == 100.0  # O1 (O4 is won after D)
    assert kpis.loc["A", "won_renewal"] == 100.0
    for column in ("won_upsell", "won_cross_sell", "won_new"):
        assert kpis.loc["A", column] == 0.0
    assert kpis.loc["B", "won_revenue"] == 0.0


def test_stage_advances(kpis):
    assert kpis.loc["A", "stage_advances"] == 3  # O3 05-01, O8 06-01, O9 04-15
    assert kpis.loc["B", "stage_advances"] == 1  # Q1 05-01
    assert kpis.loc["C", "stage_advances"] == 0


def test_account_without_opportunities(kpis):
    row = kpis.loc["C"]
    assert row["open_pipeline"] == 0.0 and row["weighted_pipeline"] == 0.0
    assert row["expansion_pipeline"] == 0.0 and row["won_revenue"] == 0.0
    assert row["slipped_opportunities"] == 0
    assert math.isnan(row["pipeline_maturity_pct"])


def test_without_opportunities_table_everything_is_missing():
    kpis = compute_kpis(portfolio(), D)
    for column in (
        "open_pipeline",
        "expansion_pipeline",
        "weighted_pipeline",
        "slipped_opportunities",
        "win_rate_pct",
        "won_revenue",
        "won_new",
        "stage_advances",
    ):
        assert pd.isna(kpis.loc["A", column]), column


def test_configured_default_probabilities():
    config = {"stages": {"probability": {"proposal": 40}, "unknown_probability": 30}}
    kpis = compute_kpis(
        portfolio(opportunities=OPPORTUNITIES, stage_history=STAGE_HISTORY), D, config=config
    )
    expected = 200 * 0.4 + 400 * 0.4 + 1000 * 0.3 + 80 * 0.9 + 500 * 0.2 + 10 * 0.3
    assert kpis.loc["A", "weighted_pipeline"] == pytest.approx(expected)
