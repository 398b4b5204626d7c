"""Potential & strategy KPIs: account economics, assessments and the potential score."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from acctkit.data import from_frames
from acctkit.kpis import compute_kpis

D = "2026-06-30"

ACCOUNTS = pd.DataFrame(
    [
        # id, revenue, budget, tam, margin %, cost to serve
        ("A", 200.0, 800.0, 1000.0, 25.0, 10.0),
        ("B", 500.0, 400.0, 600.0, 10.0, 60.0),
        ("C", 0.0, 0.0, None, 30.0, 5.0),
        ("D", None, None, None, None, None),
    ],
    columns=[
        "account_id", "annual_revenue", "estimated_budget", "tam", "gross_margin_pct",
        "cost_to_serve",
    ],
).assign(name=lambda f: f["account_id"])  # fmt: skip

ASSESSMENTS = pd.DataFrame(
    [
        ("A", "2026-01-01", "sector_fit", 2),
        ("A", "2026-06-30", "sector_fit", 4),  # on D: the latest
        ("A", "2026-07-01", "product_fit", 5),  # after D
        ("A", "2026-02-02", "notoriety", 3),
        ("A", "2026-03-01", "political_risk", 2),
        ("A", "2026-03-01", "financial_risk", 4),
        ("A", "2026-08-01", "financial_risk", 1),  # after D
        ("B", "2026-05-01", "roadmap_fit", 5),
        ("B", "2026-04-15", "roadmap_fit", 3),  # earlier, though later in the table
        ("B", "2026-05-01", "showcase_effect", 1),
        ("B", "2026-04-01", "reference_capacity", 5),
    ],
    columns=["account_id", "assessed_on", "criterion", "score"],
)


@pytest.fixture(scope="module")
def kpis() -> pd.DataFrame:
    return compute_kpis(from_frames({"accounts": ACCOUNTS, "assessments": ASSESSMENTS}), D)


def test_account_economics(kpis):
    a, b = kpis.loc["A"], kpis.loc["B"]
    assert a["share_of_wallet_pct"] == 25.0  # 100 x 200 / 800
    assert a["whitespace"] == 600.0
    assert a["cost_to_serve_pct"] == 5.0  # 100 x 10 / 200
    assert a["net_contribution"] == 40.0  # 200 x 25 / 100 - 10
    assert b["share_of_wallet_pct"] == 125.0
    assert b["whitespace"] == 0.0  # revenue above budget
    assert b["net_contribution"] == -10.0  # 500 x 10 / 100 - 60
    assert a["annual_revenue"] == 200.0 and a["tam"] == 1000.0


def test_zero_denominators_are_nan(kpis):
    c = kpis.loc["C"]
    assert math.isnan(c["share_of_wallet_pct"])  # budget 0
    assert math.isnan(c["cost_to_serve_pct"])  # revenue 0
    assert c["whitespace"] == 0.0
    assert c["net_contribution"] == -5.0


def test_blank_figures_are_nan(kpis):
    row = kpis.loc["D"]
    for column in ("annual_revenue", "share_of_wallet_pct", "whitespace", "net_contribution"):
        assert math.isnan(row[column]), column


def test_latest_assessments_on_or_before_d(kpis):
    assert kpis.loc["A", "strategic_fit"] == 4.0  # product_fit of 07-01 is after D
    assert kpis.loc["A", "ecosystem_influence"] == 3.0
    assert kpis.loc["A", "risk_level"] == 3.0  # (2 + 4) / 2; the 08-01 score is ignored
    assert kpis.loc["A", "max_risk"] == 4.0
    assert kpis.loc["B", "strategic_fit"] == 5.0  # the latest date wins, not the last row
    assert kpis.loc["B", "ecosystem_influence"] == 3.0  # (1 + 5) / 2
    assert math.isnan(kpis.loc["B", "risk_level"])
    assert math.isnan(kpis.loc["B", "max_risk"])
    assert math.isnan(kpis.loc["C", "strategic_fit"])


def test_assessments_before_any_score_are_nan():
    kpis = compute_kpis(
        from_frames({"accounts": ACCOUNTS, "assessments": ASSESSMENTS}), "2025-12-31"
    )
    assert kpis[["strategic_fit", "ecosystem_influence", "risk_level"]].isna().all().all()


def test_without_assessments_table():
    kpis = compute_kpis(from_frames({"accounts": ACCOUNTS}), D)
    assert (
        kpis[["strategic_fit", "ecosystem_influence", "risk_level", "max_risk"]].isna().all().all()
    )


def test_potential_score_and_segment(kpis):
    # budget percentile ranks over A 800, B 400, C 0 (D has none): 1, 2/3, 1/3
    expected_a = 100 * (1.0 * 0.30 + 0.2 * 0.20 + 0.75 * 0.20 + 0.5 * 0.15 + 0.5 * 0.15)
    # B: profitability clipped to 0, fit (5 - 1) / 4 = 1; no risk score, so safety is left
    #    out and 0.85 of the weight is present
    expected_b = 100 * (2 / 3 * 0.30 + 0.0 * 0.20 + 1.0 * 0.20 + 0.5 * 0.15) / 0.85
    assert kpis.loc["A", "potential_score"] == pytest.approx(expected_a)
    assert kpis.loc["B", "potential_score"] == pytest.approx(expected_b)
    assert math.isnan(kpis.loc["C", "potential_score"])  # budget only: 0.30 < half
    assert math.isnan(kpis.loc["D", "potential_score"])
    assert list(kpis["segment"].astype(str)) == ["invest", "maintain", "unrated", "unrated"]
    assert list(kpis["potential_band"].astype(object).fillna("-")) == [
        "amber",
        "amber",
        "-",
        "-",
    ]
    assert np.isclose(expected_a, 64.0)
