"""Score breakdown and the open opportunities at D, on the worked example (by hand)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from acctkit.config import load_config
from acctkit.data import load_portfolio
from acctkit.kpis import compute_kpis
from acctkit.kpis.pipeline import opportunities_at
from acctkit.kpis.scores import score_breakdown

WORKED = Path(__file__).parent / "fixtures" / "worked-example"


@pytest.fixture(scope="module")
def portfolio():
    return load_portfolio(WORKED)


def test_breakdown_points_by_hand(portfolio):
    b = score_breakdown(compute_kpis(portfolio, "2026-06-30")).set_index(
        ["account_id", "score", "component"]
    )
    points = b["points"]
    # W1 potential (README): budget 1.0 x 0.30, profitability 0.2 x 0.20, fit 0.5 x 0.20,
    # influence 0.5 x 0.15, safety 0.75 x 0.15; all weights present (sum 1)
    assert points["W1", "potential_score", "budget"] == pytest.approx(30.0)
    assert points["W1", "potential_score", "profitability"] == pytest.approx(4.0)
    assert points["W1", "potential_score", "safety"] == pytest.approx(11.25)
    # W2 execution: only pipeline, satisfaction, calm present (0.55 of the weight)
    assert points["W2", "execution_score", "pipeline"] == pytest.approx(100 * 0.9 * 0.15 / 0.55)
    assert points["W2", "execution_score", "satisfaction"] == pytest.approx(100 * 0.25 / 0.55)
    assert np.isnan(points["W2", "execution_score", "actions"])
    # W2 relationship: propagation unknown, the other 0.9 of the weight renormalises
    assert points["W2", "relationship_score", "coverage"] == pytest.approx(100 * 0.3 / 0.9)
    assert b.loc[("W2", "relationship_score", "sponsor"), "value"] == 0.0
    totals = points.groupby(level=["account_id", "score"]).sum()
    assert totals["W1", "execution_score"] == pytest.approx(46.75)
    assert totals["W2", "relationship_score"] == pytest.approx(66.6667, abs=1e-3)


def test_breakdown_is_nan_for_a_score_with_too_little_data(portfolio):
    kpis = compute_kpis(portfolio, "2026-06-30")
    thin = kpis.assign(nps=np.nan, pipeline_maturity_pct=np.nan, execution_score=np.nan)
    b = score_breakdown(thin)
    w2 = b[(b["account_id"] == "W2") & (b["score"] == "execution_score")]
    assert w2["points"].isna().all()


def test_open_opportunities_with_their_stage_at_d(portfolio):
    open_now = opportunities_at(portfolio, "2026-06-30", load_config()).set_index("opportunity_id")
    assert list(open_now.index) == ["P2", "P4"]  # P1 won, P3 lost before D
    assert open_now.loc["P2", "stage_at"] == "proposal"
    assert open_now.loc["P2", "probability"] == 50.0  # no probability given: stage default
    assert open_now.loc["P4", "probability"] == 90.0  # recorded probability
    assert open_now.loc["P2", "weighted"] == 60000.0
    assert bool(open_now.loc["P2", "slipped"]) and not bool(open_now.loc["P4", "slipped"])


def test_stage_at_d_comes_from_stage_history():
    from acctkit.data import from_frames

    p = from_frames(
        {
            "accounts": pd.DataFrame({"account_id": ["A"], "name": ["Alpha"]}),
            "opportunities": pd.DataFrame(
                {
                    "opportunity_id": ["O1", "O2"],
                    "account_id": ["A", "A"],
                    "kind": ["new", "new"],
                    "amount": [100.0, 200.0],
                    "stage": ["closed_won", "closed_lost"],
                    "created_on": pd.to_datetime(["2026-01-01", "2026-01-01"]),
                    "closed_on": pd.to_datetime(["2026-08-01", "2026-08-01"]),
                }
            ),
            "stage_history": pd.DataFrame(
                {
                    "opportunity_id": ["O1", "O1", "O1"],
                    "changed_on": pd.to_datetime(["2026-01-01", "2026-03-01", "2026-08-01"]),
                    "stage": ["prospecting", "negotiation", "closed_won"],
                }
            ),
        }
    )
    open_now = opportunities_at(p, "2026-06-30", load_config()).set_index("opportunity_id")
    assert open_now.loc["O1", "stage_at"] == "negotiation"
    assert open_now.loc["O1", "probability"] == 75.0
    # O2 closed after D without history: its stage at D is unknown, counted at 50 %
    assert open_now.loc["O2", "stage_at"] == "unknown"
    assert open_now.loc["O2", "probability"] == 50.0


def test_a_blank_amount_adds_nothing_to_the_pipeline():
    from acctkit.data import from_frames

    p = from_frames(
        {
            "accounts": pd.DataFrame({"account_id": ["A"], "name": ["Alpha"]}),
            "opportunities": pd.DataFrame(
                {
                    "opportunity_id": ["O1", "O2"],
                    "account_id": ["A", "A"],
                    "kind": ["upsell", "new"],
                    "amount": [np.nan, 1000.0],  # O1: open, not estimated yet
                    "stage": ["proposal", "proposal"],
                    "created_on": pd.to_datetime(["2026-01-01", "2026-01-01"]),
                }
            ),
        }
    )
    kpis = compute_kpis(p, "2026-06-30").loc["A"]
    assert kpis["open_pipeline"] == 1000.0
    assert kpis["weighted_pipeline"] == 500.0  # proposal default: 50 %
    assert kpis["expansion_pipeline"] == 0.0
