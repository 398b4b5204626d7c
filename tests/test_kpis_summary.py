"""The readable per-account summary behind ``acctkit kpis``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from acctkit.data import load_portfolio
from acctkit.kpis import compute_alerts, compute_kpis, kpi_summary

EXAMPLE = Path(__file__).parent / "fixtures" / "worked-example"
if not EXAMPLE.exists():  # the spec's copy, until the fixture is committed
    EXAMPLE = Path("/work/shared/spec/worked-example")


@pytest.fixture(scope="module")
def example():
    portfolio = load_portfolio(EXAMPLE)
    return portfolio, compute_kpis(portfolio, "2026-06-30")


def test_english_summary(example):
    portfolio, kpis = example
    table = kpi_summary(kpis, portfolio=portfolio)
    assert table.index.name == "Account"
    assert list(table.columns) == [
        "Account name", "Potential score", "Recommendation", "Relationship score",
        "Execution score", "Health score", "Health band", "Alerts", "High alerts",
    ]  # fmt: skip
    assert table.loc["W1", "Account name"] == "Northwind Logistics"
    assert table.loc["W1", "Execution score"] == 46.8
    assert table.loc["W2", "Recommendation"] == "Raise / invest"
    # W1: critical_tickets (high), slipped_deals, enthusiasm_drop, no_steering_committee
    # (its NPS drift of -150 rests on 2 answers and 1 before: under the 3 nps_drop needs in
    # each period), objective_off_track (high: its plan's NPS objective, account-plan.md);
    # W2: no_sponsor (high)
    assert table["Alerts"].tolist() == [5, 1]
    assert table["High alerts"].tolist() == [2, 1]


def test_french_summary(example):
    portfolio, kpis = example
    table = kpi_summary(kpis, lang="fr")
    assert table.index.name == "Compte"
    assert "Recommandation" in table.columns and "Zone de santé" in table.columns
    assert table.loc["W1", "Zone de santé"] == "Vert"
    assert table.loc["W2", "Recommandation"] == "Élever / investir"


def test_summary_uses_the_given_alerts(example):
    _, kpis = example
    alerts = compute_alerts(kpis, risk=pd.Series({"W2": 0.8}))
    table = kpi_summary(kpis, alerts=alerts)
    assert table["Alerts"].tolist() == [5, 2]  # W2 gains churn_risk
