"""Relationship & engagement KPIs on a hand-built portfolio, expected values worked by hand.

As of 2026-06-30 with W = 90 days: the window is (2026-04-01, 2026-06-30], the previous
window (2026-01-01, 2026-04-01].
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from acctkit.data import from_frames
from acctkit.kpis import compute_kpis

D = "2026-06-30"

CONTACTS = pd.DataFrame(
    [
        # contact, account, level, role, is_key, influence, business unit, left_on
        ("C1", "A", "c_level", "sponsor", True, 3, "Ops", None),
        ("C2", "A", "manager", "user", True, None, "Finance", None),
        ("C3", "A", "director", "sponsor", False, 5, "Ops", "2026-06-30"),  # left on D
        ("C4", "A", "user", "user", True, None, " ", "2026-07-15"),  # leaves after D
        ("C5", "A", "manager", "other", False, None, "Sales", None),
        ("C6", "B", "director", "sponsor", True, None, None, None),
    ],
    columns=[
        "contact_id", "account_id", "level", "role", "is_key", "influence", "business_unit",
        "left_on",
    ],
).assign(name=lambda f: f["contact_id"])  # fmt: skip

INTERACTIONS = pd.DataFrame(
    [
        # id, account, contact, date, direction, response_hours, co_construction, introduction
        ("I1", "A", "C1", "2026-06-20", "outbound", 4.0, True, False),
        ("I2", "A", "C2", "2026-04-02", "inbound", 10.0, False, True),
        ("I3", "A", "C3", "2026-06-29", None, 1.0, False, False),  # C3 has left at D
        ("I4", "A", None, "2026-06-01", "inbound", None, False, False),  # no contact
        ("I5", "A", "C2", "2026-04-01", "outbound", 2.0, False, False),  # previous window
        ("I6", "A", "C1", "2026-01-01", "outbound", None, False, False),  # before both
        ("I7", "A", "C4", "2026-07-01", "outbound", None, True, True),  # after D
        ("I8", "A", "C5", "2026-03-15", "outbound", None, False, False),  # previous window
        ("I9", "A", "C1", "2026-02-10", "outbound", None, False, False),  # previous window
        ("I10", "B", "C6", "2026-03-01", "outbound", None, False, False),  # previous window
        ("I11", "A", "C1", "2026-07-02", "outbound", 0.5, True, False),  # after D
    ],
    columns=[
        "interaction_id", "account_id", "contact_id", "occurred_on", "direction",
        "response_hours", "co_construction", "introduction",
    ],
)  # fmt: skip


def portfolio(**tables: pd.DataFrame):
    accounts = pd.DataFrame({"account_id": ["A", "B"], "name": ["Alpha", "Beta"]})
    return from_frames({"accounts": accounts, **tables})


@pytest.fixture(scope="module")
def kpis() -> pd.DataFrame:
    return compute_kpis(portfolio(contacts=CONTACTS, interactions=INTERACTIONS), D)


def test_interaction_counts_respect_window_bounds(kpis):
    # A: I1, I2, I3, I4 in the window (I2 on 04-02; I7, I11 after D are ignored);
    # I5 (04-01, the window's open end), I8, I9 in the previous one (I6 on 01-01 is not).
    assert kpis.loc["A", "interactions"] == 4
    assert kpis.loc["A", "interactions_prev"] == 3
    assert kpis.loc["A", "engagement_trend_pct"] == pytest.approx(100 * (4 - 3) / 3)
    assert kpis.loc["B", "interactions"] == 0
    assert kpis.loc["B", "interactions_prev"] == 1
    assert kpis.loc["B", "engagement_trend_pct"] == pytest.approx(-100.0)


def test_engagement_trend_is_nan_without_previous_interactions():
    frame = INTERACTIONS[INTERACTIONS["interaction_id"] == "I1"]
    kpis = compute_kpis(portfolio(interactions=frame), D)
    assert kpis.loc["A", "interactions_prev"] == 0
    assert math.isnan(kpis.loc["A", "engagement_trend_pct"])


def test_exchange_qualities(kpis):
    assert kpis.loc["A", "co_construction"] == 1  # I1 (I7, I11 are after D)
    assert kpis.loc["A", "introductions"] == 1  # I2
    # directions in the window: out, in, (blank), in -> 2 inbound of 3 with a direction
    assert kpis.loc["A", "inbound_share_pct"] == pytest.approx(200 / 3)
    assert math.isnan(kpis.loc["B", "inbound_share_pct"])
    # response hours in the window: 4, 10, 1 -> median 4 (I5's 2 h and I11's 0.5 h are out)
    assert kpis.loc["A", "median_response_hours"] == 4.0
    assert math.isnan(kpis.loc["B", "median_response_hours"])


def test_median_of_an_even_count():
    frame = INTERACTIONS[INTERACTIONS["interaction_id"].isin(["I1", "I2"])]
    kpis = compute_kpis(portfolio(interactions=frame), D)
    assert kpis.loc["A", "median_response_hours"] == 7.0  # (4 + 10) / 2


def test_key_contacts_and_coverage(kpis):
    # active key contacts of A: C1, C2, C4 (C4 leaves after D); engaged: C1 and C2
    assert kpis.loc["A", "key_contacts"] == 3
    assert kpis.loc["A", "engaged_key_contacts"] == 2
    assert kpis.loc["A", "coverage_pct"] == pytest.approx(200 / 3)
    assert kpis.loc["B", "key_contacts"] == 1
    assert kpis.loc["B", "engaged_key_contacts"] == 0
    assert kpis.loc["B", "coverage_pct"] == 0.0


def test_depth_counts_engaged_active_contacts_only(kpis):
    # engaged: C1 (c_level) and C2 (manager); C3 (director) met on 06-29 but has left
    assert kpis.loc["A", "depth_level"] == 4
    assert kpis.loc["A", "levels_engaged"] == 2
    assert kpis.loc["B", "depth_level"] == 0
    assert kpis.loc["B", "levels_engaged"] == 0


def test_depth_includes_engaged_contacts_who_are_not_key():
    frame = INTERACTIONS[INTERACTIONS["interaction_id"] == "I1"].assign(contact_id="C5")
    kpis = compute_kpis(portfolio(contacts=CONTACTS, interactions=frame), D)
    assert kpis.loc["A", "depth_level"] == 2  # C5, a manager, not key
    assert kpis.loc["A", "engaged_key_contacts"] == 0


def test_sponsor(kpis):
    # A: C1 is the active sponsor (influence 3); C3 (influence 5) has left
    assert bool(kpis.loc["A", "has_sponsor"]) is True
    assert kpis.loc["A", "sponsor_influence"] == 3.0
    # last contact with an active sponsor: I1 on 06-20 (I3 is with C3, I11 after D)
    assert kpis.loc["A", "days_since_sponsor_contact"] == 10
    assert bool(kpis.loc["B", "has_sponsor"]) is True
    assert math.isnan(kpis.loc["B", "sponsor_influence"])  # unknown influence
    assert kpis.loc["B", "days_since_sponsor_contact"] == 121  # 2026-03-01 -> 06-30


def test_a_sponsor_who_left_is_no_sponsor():
    contacts = CONTACTS[CONTACTS["contact_id"] == "C3"]
    kpis = compute_kpis(portfolio(contacts=contacts), D)
    assert bool(kpis.loc["A", "has_sponsor"]) is False
    assert math.isnan(kpis.loc["A", "sponsor_influence"])
    assert bool(kpis.loc["B", "has_sponsor"]) is False


def test_business_units(kpis):
    # active units of A: Ops, Finance, Sales (C4's blank unit does not count)
    assert kpis.loc["A", "business_units_known"] == 3
    assert kpis.loc["A", "business_units_engaged"] == 2  # Ops (C1), Finance (C2)
    assert kpis.loc["B", "business_units_known"] == 0
    assert kpis.loc["B", "business_units_engaged"] == 0


def test_without_interactions_table_engagement_is_missing():
    kpis = compute_kpis(portfolio(contacts=CONTACTS), D)
    assert kpis.loc["A", "key_contacts"] == 3
    assert bool(kpis.loc["A", "has_sponsor"]) is True
    for column in (
        "interactions",
        "interactions_prev",
        "engaged_key_contacts",
        "depth_level",
        "levels_engaged",
        "business_units_engaged",
        "days_since_sponsor_contact",
        "co_construction",
    ):
        assert pd.isna(kpis.loc["A", column]), column
    assert math.isnan(kpis.loc["A", "coverage_pct"])


def test_without_contacts_table_reach_is_missing():
    frame = INTERACTIONS.assign(contact_id=None)
    kpis = compute_kpis(portfolio(interactions=frame), D)
    assert kpis.loc["A", "interactions"] == 4
    for column in ("key_contacts", "has_sponsor", "depth_level", "business_units_known"):
        assert pd.isna(kpis.loc["A", column]), column


def test_empty_tables_count_zero():
    kpis = compute_kpis(
        portfolio(contacts=CONTACTS.iloc[:0], interactions=INTERACTIONS.iloc[:0]), D
    )
    row = kpis.loc["A"]
    assert row["interactions"] == 0 and row["interactions_prev"] == 0
    assert row["key_contacts"] == 0 and row["engaged_key_contacts"] == 0
    assert row["depth_level"] == 0 and row["levels_engaged"] == 0
    assert bool(row["has_sponsor"]) is False
    assert math.isnan(row["coverage_pct"]) and math.isnan(row["engagement_trend_pct"])
    assert pd.isna(row["days_since_sponsor_contact"])


def test_relationship_score_by_hand(kpis):
    # A: coverage 2/3 x .3 + depth 4/4 x .2 + engagement rank 1.0 x .2 + sponsor 3/5 x .2
    #    + propagation 2/3 x .1
    expected_a = 100 * (2 / 3 * 0.3 + 0.2 + 0.2 + 0.6 * 0.2 + 2 / 3 * 0.1)
    # B: coverage 0, depth 0, engagement rank 0.5, sponsor with unknown influence 0.6,
    #    no business unit known -> propagation left out, the other weights sum to 0.9
    expected_b = 100 * (0.5 * 0.2 + 0.6 * 0.2) / 0.9
    assert kpis.loc["A", "relationship_score"] == pytest.approx(expected_a)
    assert kpis.loc["B", "relationship_score"] == pytest.approx(expected_b)
