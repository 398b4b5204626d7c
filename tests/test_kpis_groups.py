"""Groups of accounts: perimeters along parent_account_id and the roll-up of every KPI.

The expected values are worked by hand in docs/kpis.md ("Groups: a worked example"): a
holding H, its subsidiary S1 and S1's own subsidiary S2 (three levels), plus a standalone
account X. Groups: H (H, S1, S2) and S1 (S1, S2).
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from acctkit.data import from_frames
from acctkit.datasets import generate_tables
from acctkit.kpis import compute_kpis
from acctkit.kpis.groups import group_kpis, group_members, groups_of_accounts
from tests.helpers import cut

AS_OF = "2026-06-30"

GROUP = {
    "accounts": """account_id,name,industry,tier,annual_revenue,estimated_budget,tam,gross_margin_pct,cost_to_serve,parent_account_id
H,Holding,Energy,strategic,1000,2000,5000,40,100,
S1,Sub one,Energy,key,600,600,1000,20,60,H
S2,Sub two,Retail,key,400,300,800,50,40,S1
X,Loner,Retail,key,100,500,600,30,10,
""",
    "assessments": """account_id,assessed_on,criterion,score
H,2026-05-01,sector_fit,4
H,2026-05-01,political_risk,2
S1,2026-05-01,sector_fit,2
S1,2026-05-01,financial_risk,4
S2,2026-05-01,sector_fit,5
S2,2026-05-01,operational_risk,3
X,2026-05-01,sector_fit,3
""",
    "contacts": """contact_id,account_id,name,level,business_unit,role,is_key,influence,left_on
C1,H,Ann,c_level,Finance,sponsor,true,3,
C2,S1,Bob,manager,Ops,user,true,,
C3,S1,Cyd,director,Ops,sponsor,true,5,2026-05-01
C4,S2,Dan,user,Retail desk,other,true,,
C5,S2,Eve,director,Retail desk,sponsor,false,4,
C6,X,Fay,manager,,sponsor,true,2,
""",
    "interactions": """interaction_id,account_id,contact_id,occurred_on,channel
I1,H,C1,2026-06-01,meeting
I2,S1,C2,2026-05-15,call
I3,S1,C2,2026-02-10,call
I4,S2,,2026-01-20,email
I5,X,C6,2026-06-10,meeting
I6,S2,C5,2026-03-15,call
""",
    "opportunities": """opportunity_id,account_id,kind,amount,stage,probability,created_on,expected_close_on,closed_on
O1,H,renewal,100,closed_won,,2026-01-01,2026-03-01,2026-03-01
O2,S1,new,50,closed_lost,,2025-11-01,2026-02-01,2026-02-01
O3,S2,upsell,80,closed_won,,2026-01-15,2026-05-01,2026-05-01
O4,S2,cross_sell,200,proposal,50,2026-04-01,2026-09-30,
""",
    "nps_responses": """response_id,account_id,responded_on,score
N1,H,2026-05-01,10
N2,S1,2026-04-01,6
N3,S2,2026-06-01,9
N4,S2,2026-03-01,8
""",
    "actions": """action_id,account_id,title,due_on,done_on
A1,H,Kick-off,2026-05-01,2026-04-20
A2,S1,Workshop,2026-06-01,
A3,S2,Demo,2026-06-15,2026-06-10
""",
    "tickets": """ticket_id,account_id,opened_on,closed_on,severity
T1,S2,2026-06-20,,critical
""",
}


@pytest.fixture(scope="module")
def portfolio():
    return from_frames({name: pd.read_csv(io.StringIO(text)) for name, text in GROUP.items()})


@pytest.fixture(scope="module")
def groups(portfolio):
    return group_kpis(portfolio, AS_OF)


def test_perimeters_follow_parents_to_any_depth(portfolio):
    members = group_members(portfolio)
    assert members[["group_id", "account_id", "distance", "group_depth"]].values.tolist() == [
        ["H", "H", 0, 0],
        ["H", "S1", 1, 0],
        ["H", "S2", 2, 0],
        ["S1", "S1", 0, 1],
        ["S1", "S2", 1, 1],
    ]


def test_sums_and_pooled_ratios_worked_by_hand(groups):
    h, s1 = groups.loc["H"], groups.loc["S1"]
    assert list(groups.index) == ["H", "S1"]  # X has no subsidiary: not a group
    assert (h["entities"], h["entities_engaged"]) == (3, 2)  # S2: no interaction in window
    assert (s1["entities"], s1["entities_engaged"]) == (2, 1)
    assert h["annual_revenue"] == 1000 + 600 + 400
    assert h["estimated_budget"] == 2000 + 600 + 300
    assert h["share_of_wallet_pct"] == pytest.approx(100 * 2000 / 2900)
    assert h["whitespace"] == 1000 + 0 + 0  # the entities' whitespace summed, not 2900 - 2000
    assert h["gross_margin_pct"] == pytest.approx((1000 * 40 + 600 * 20 + 400 * 50) / 2000)
    assert h["cost_to_serve_pct"] == pytest.approx(100 * 200 / 2000)
    assert h["net_contribution"] == pytest.approx(300 + 60 + 160)
    assert s1["net_contribution"] == pytest.approx(60 + 160)
    # relationship, pooled: C3 has left, C5 is not key
    assert (h["key_contacts"], h["engaged_key_contacts"]) == (3, 2)
    assert h["coverage_pct"] == pytest.approx(100 * 2 / 3)
    assert (h["depth_level"], h["levels_engaged"]) == (4, 2)
    assert (h["interactions"], h["interactions_prev"]) == (2, 3)
    assert h["engagement_trend_pct"] == pytest.approx(100 * (2 - 3) / 3)
    assert bool(h["has_sponsor"]) and h["sponsor_influence"] == 4  # C3's 5: gone
    assert (h["business_units_known"], h["business_units_engaged"]) == (3, 2)
    assert s1["coverage_pct"] == pytest.approx(50.0)
    # execution, pooled
    assert h["win_rate_pct"] == pytest.approx(100 * 2 / 3)
    assert s1["win_rate_pct"] == pytest.approx(50.0)
    assert (h["open_pipeline"], h["weighted_pipeline"], h["expansion_pipeline"]) == (200, 100, 200)
    assert h["won_revenue"] == 80
    assert h["nps"] == pytest.approx(100 * (2 - 1) / 4)  # not the mean of 100, -100, 50
    assert s1["nps"] == pytest.approx(0.0)
    assert (h["actions_due"], h["actions_done"], h["overdue_actions"]) == (3, 2, 1)
    assert h["open_critical_tickets"] == 1


def test_assessments_weighted_risks_maximum_scores_against_groups(groups):
    h, s1 = groups.loc["H"], groups.loc["S1"]
    assert h["strategic_fit"] == pytest.approx((1000 * 4 + 600 * 2 + 400 * 5) / 2000)
    assert s1["strategic_fit"] == pytest.approx((600 * 2 + 400 * 5) / 1000)
    assert (h["risk_level"], h["max_risk"], s1["risk_level"]) == (4, 4, 4)
    assert np.isnan(h["ecosystem_influence"])
    # potential: budget rank among the two groups (H 1.0, S1 0.5); influence missing
    h_potential = (0.30 * 1.0 + 0.20 * 0.26 + 0.20 * 0.65 + 0.15 * 0.25) / 0.85
    s1_potential = (0.30 * 0.5 + 0.20 * 0.22 + 0.20 * 0.55 + 0.15 * 0.25) / 0.85
    assert h["potential_score"] == pytest.approx(100 * h_potential)
    assert s1["potential_score"] == pytest.approx(100 * s1_potential)
    assert (h["segment"], s1["segment"]) == ("invest", "maintain")
    # relationship: coverage, depth, engagement rank among groups, sponsor 4/5, propagation
    h_rel = 0.30 * 2 / 3 + 0.20 * 1.0 + 0.20 * 1.0 + 0.20 * 0.8 + 0.10 * 2 / 3
    s1_rel = 0.30 * 0.5 + 0.20 * 0.5 + 0.20 * 0.5 + 0.20 * 0.8 + 0.10 * 1 / 2
    assert h["relationship_score"] == pytest.approx(100 * h_rel)
    assert s1["relationship_score"] == pytest.approx(100 * s1_rel)
    assert h["relationship_band"] == "green"


def test_same_columns_and_dtypes_as_compute_kpis(portfolio, groups):
    entity = compute_kpis(portfolio, AS_OF)
    assert list(groups.columns) == ["entities", "entities_engaged", *entity.columns]
    for column in entity.columns:
        assert groups[column].dtype == entity[column].dtype, column


def test_selection_reaches_groups_through_any_entity(portfolio):
    members = group_members(portfolio)
    # S2 alone selected: both groups above it get a page, over their whole perimeter
    assert groups_of_accounts(members, ["S2"]) == ["H", "S1"]
    assert groups_of_accounts(members, ["X"]) == []


def test_portfolio_without_parents_has_no_groups(portfolio):
    accounts = portfolio.accounts.drop(columns=["parent_account_id"])
    tables = {n: f for n, f in portfolio.tables().items() if n != "accounts"}
    plain = from_frames({"accounts": accounts.astype({"account_id": "string"}), **tables})
    out = group_kpis(plain, AS_OF)
    assert out.empty and list(out.columns[:2]) == ["entities", "entities_engaged"]
    assert group_members(plain).empty


@pytest.mark.parametrize("offset_days", [-200, -40, 0])
def test_group_kpis_ignore_everything_after_as_of(offset_days):
    tables = generate_tables(n_accounts=12, months=15, end="2026-06-30", seed=7)
    accounts = tables["accounts"].copy()
    ids = accounts["account_id"].tolist()
    parents = {1: 0, 2: 0, 3: 2, 5: 4, 6: 4}  # a three-level group and a two-level one
    accounts["parent_account_id"] = [ids[parents[i]] if i in parents else None for i in range(12)]
    portfolio = from_frames({**tables, "accounts": accounts})
    as_of = pd.Timestamp("2026-06-30") + pd.Timedelta(days=offset_days)
    full = group_kpis(portfolio, as_of)
    assert list(full.index) == [ids[0], ids[2], ids[4]]
    pd.testing.assert_frame_equal(full, group_kpis(cut(portfolio, as_of), as_of), rtol=1e-9)


def test_a_run_on_one_subsidiary_shows_its_groups_and_links_them(portfolio):
    """--accounts S2: the pages of H and S1 (whose own accounts are not selected) are made,
    and S2's page links to both, the top-level group first."""
    from types import SimpleNamespace

    from acctkit.batch.groups import GroupPlan
    from acctkit.batch.slugs import file_stems

    book = SimpleNamespace(selected=("S2",), stems=file_stems(portfolio.account_ids))
    plan = GroupPlan.make(portfolio, book)
    assert plan.pages == {"H": "groups/H.html", "S1": "groups/S1.html"}
    assert json.loads(plan.account_links("S2")) == [
        {"group_id": "H", "name": "Holding", "href": "../groups/H.html"},
        {"group_id": "S1", "name": "Sub one", "href": "../groups/S1.html"},
    ]
    assert plan.account_links("X") == ""
