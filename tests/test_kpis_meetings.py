"""Meetings and enthusiasm (catalogue v1.1) on a hand-built portfolio, values worked by hand.

As of 2026-06-30 with W = 90 days: the window is (2026-04-01, 2026-06-30], the previous
window (2026-01-01, 2026-04-01]. A row with ``attended`` false is a meeting the client
missed: it counts in ``meeting_attendance_pct`` only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from acctkit.data import from_frames
from acctkit.kpis import compute_alerts, compute_kpis, kpis_at
from acctkit.kpis.meetings import exchanges
from acctkit.model.features import features_at
from tests.helpers import cut

D = "2026-06-30"
NEW = [
    "meeting_attendance_pct",
    "client_attendees_mean",
    "steering_committees",
    "steering_committee_expected",
    "sentiment",
    "sentiment_prev",
    "sentiment_drift",
]

ACCOUNTS = pd.DataFrame(
    {
        "account_id": ["A", "B", "C"],
        "name": ["Alpha", "Beta", "Gamma"],
        "tier": ["strategic", " Strategic ", "key"],
    }
)
CONTACTS = pd.DataFrame(
    [
        ("CA1", "A", "c_level", "sponsor", True, "Ops"),
        ("CA2", "A", "manager", "user", True, "Finance"),
        ("CB1", "B", "director", "sponsor", True, "Ops"),
    ],
    columns=["contact_id", "account_id", "level", "role", "is_key", "business_unit"],
).assign(name=lambda f: f["contact_id"])
INTERACTIONS = pd.DataFrame(
    [
        # id, account, contact, date, channel, response_hours, attended, attendees, sentiment
        ("M1", "A", "CA1", "2026-06-10", "meeting", 6.0, True, 4, 4),
        ("M2", "A", "CA2", "2026-06-20", "steering_committee", 1.0, False, 5, 1),  # missed
        ("M3", "A", None, "2026-05-05", "workshop", None, None, 2, 2),  # attendance unknown
        ("M4", "A", None, "2026-05-06", "event", None, False, None, None),  # missed, not a meeting
        ("M5", "A", None, "2026-04-01", "call", None, None, None, 5),  # previous window
        ("M6", "A", None, "2026-03-01", "meeting", None, True, 3, 3),  # previous window
        ("M7", "A", "CA1", "2026-07-02", "meeting", None, False, None, None),  # after D
        ("N1", "B", "CB1", "2026-06-01", "steering_committee", None, True, 6, 5),
    ],
    columns=[
        "interaction_id", "account_id", "contact_id", "occurred_on", "channel",
        "response_hours", "attended", "client_attendees", "sentiment",
    ],
)  # fmt: skip


def portfolio(interactions: pd.DataFrame = INTERACTIONS, **tables):
    return from_frames(
        {"accounts": ACCOUNTS, "contacts": CONTACTS, "interactions": interactions, **tables}
    )


@pytest.fixture(scope="module")
def kpis() -> pd.DataFrame:
    return compute_kpis(portfolio(), D)


def values(frame: pd.DataFrame, column: str) -> list:
    return frame[column].astype("Float64").to_numpy(dtype=float, na_value=np.nan).tolist()


def test_attendance_counts_meetings_whose_attendance_is_known(kpis):
    # A: M1 attended, M2 missed (M3 unknown, M4 an event) -> 1 / 2; B: N1 -> 1 / 1; C: none.
    np.testing.assert_array_equal(values(kpis, "meeting_attendance_pct"), [50.0, 100.0, np.nan])


def test_client_attendees_over_the_meetings_held(kpis):
    # A: M1 4 and M3 2 (M2's 5 were expected, not there) -> 3.0; B: 6.0.
    np.testing.assert_array_equal(values(kpis, "client_attendees_mean"), [3.0, 6.0, np.nan])


def test_steering_committees_held_in_the_window(kpis):
    assert kpis["steering_committees"].tolist() == [0, 1, 0]  # M2 was missed
    assert kpis["steering_committees"].dtype == "Int64"


def test_sentiment_its_previous_window_and_drift(kpis):
    # A: M1 4 and M3 2 -> 3.0 (M2's rating of a missed meeting does not count); previous
    # M5 5 and M6 3 -> 4.0; B has a single rating: n/a with the default minimum of 2.
    np.testing.assert_array_equal(values(kpis, "sentiment"), [3.0, np.nan, np.nan])
    np.testing.assert_array_equal(values(kpis, "sentiment_prev"), [4.0, np.nan, np.nan])
    np.testing.assert_array_equal(values(kpis, "sentiment_drift"), [-1.0, np.nan, np.nan])


def test_the_minimum_number_of_ratings_is_configurable():
    kpis = compute_kpis(portfolio(), D, config={"sentiment": {"min_ratings": 1}})
    np.testing.assert_array_equal(values(kpis, "sentiment"), [3.0, 5.0, np.nan])
    kpis = compute_kpis(portfolio(), D, config={"sentiment": {"min_ratings": 3}})
    assert np.isnan(values(kpis, "sentiment")).all()


def test_a_missed_meeting_counts_in_no_other_kpi(kpis):
    a = kpis.loc["A"]
    assert a["interactions"] == 2  # M1, M3 (M2 and M4 were missed)
    assert a["interactions_prev"] == 2  # M5, M6
    assert a["median_response_hours"] == 6.0  # M1 only
    assert a["engaged_key_contacts"] == 1  # CA1; CA2 was only expected at M2
    assert a["coverage_pct"] == 50.0
    assert a["business_units_engaged"] == 1
    assert a["days_since_sponsor_contact"] == 20  # M1 on 06-10


def test_without_the_missed_meetings_every_other_kpi_is_the_same(kpis):
    held = INTERACTIONS[INTERACTIONS["attended"].ne(False)].reset_index(drop=True)
    without = compute_kpis(portfolio(held), D)
    others = [c for c in kpis.columns if c not in NEW]
    pd.testing.assert_frame_equal(kpis[others], without[others])


def test_model_features_ignore_missed_meetings():
    features = features_at(portfolio(), [D]).set_index("account_id")
    assert features.loc["A", "interactions"] == 2
    assert features.loc["A", "engagement_slowdown"] == pytest.approx(0.0)  # ln(3 / 3)


def test_exchanges_leaves_the_portfolio_as_it_is():
    p = portfolio()
    before = p.interactions.copy()
    held = exchanges(p)
    assert held.interactions["interaction_id"].tolist() == ["M1", "M3", "M5", "M6", "N1"]
    pd.testing.assert_frame_equal(p.interactions, before)
    assert exchanges(portfolio(INTERACTIONS.assign(attended=None))).interactions is not None
    same = portfolio(INTERACTIONS.assign(attended=True))
    assert exchanges(same) is same


def test_steering_committee_expected_of_strategic_accounts_once_the_portfolio_has_one(kpis):
    assert kpis["steering_committee_expected"].tolist() == [True, True, False]
    # on 05-31 the portfolio has no steering committee yet (N1 is on 06-01, M2 on 06-20)
    early = compute_kpis(portfolio(), "2026-05-31")
    assert early["steering_committee_expected"].tolist() == [False, False, False]


def test_without_the_new_columns_or_the_table():
    old = portfolio(INTERACTIONS.drop(columns=["attended", "client_attendees", "sentiment"]))
    kpis = compute_kpis(old, D)
    assert np.isnan(values(kpis, "meeting_attendance_pct")).all()
    assert np.isnan(values(kpis, "sentiment")).all()
    assert kpis["steering_committees"].tolist() == [1, 1, 0]  # M2 held: attendance unknown
    assert kpis.loc["A", "interactions"] == 4  # M1..M4: nothing was missed
    none = compute_kpis(from_frames({"accounts": ACCOUNTS}), D)
    assert none[NEW].isna().all().all()


@pytest.mark.parametrize("as_of", ["2026-03-31", "2026-05-31", "2026-06-15", D, "2026-07-01"])
def test_as_of_purity_of_the_new_columns(as_of):
    p = portfolio()
    date = pd.Timestamp(as_of)
    full = compute_kpis(p, date)[NEW]
    at_the_time = compute_kpis(cut(p, date), date)[NEW]
    pd.testing.assert_frame_equal(full, at_the_time)


def test_many_dates_at_once_equal_one_at_a_time():
    p = portfolio()
    dates = ["2026-04-30", "2026-05-31", D]
    tidy = kpis_at(p, dates, columns=NEW)
    for date in dates:
        block = tidy[tidy["as_of"] == pd.Timestamp(date)].drop(columns=["account_id", "as_of"])
        expected = compute_kpis(p, date)[NEW]
        pd.testing.assert_frame_equal(block.set_axis(expected.index), expected)


# --- the two alerts ---------------------------------------------------------------------------


def test_enthusiasm_drop_and_no_steering_committee_fire(kpis):
    alerts = compute_alerts(kpis)
    fired = alerts[alerts["code"].isin(["enthusiasm_drop", "no_steering_committee"])]
    assert fired["account_id"].astype(str).tolist() == ["A", "A"]
    assert fired["code"].astype(str).tolist() == ["enthusiasm_drop", "no_steering_committee"]
    assert fired["severity"].astype(str).tolist() == ["medium", "medium"]
    assert fired["value"].tolist() == [-1.0, 0.0]
    assert fired["threshold"].iloc[0] == -1.0 and np.isnan(fired["threshold"].iloc[1])
    assert fired["message"].tolist() == [
        "Client enthusiasm down 1.0 points vs previous window",
        "Strategic account: no steering committee held in the window",
    ]
    french = compute_alerts(kpis, lang="fr")
    assert "1,0" in french.loc[french["code"] == "enthusiasm_drop", "message"].iloc[0]


def test_the_alerts_thresholds_and_switches(kpis):
    quiet = compute_alerts(
        kpis,
        config={
            "alerts": {
                "enthusiasm_drop": {"threshold": -1.5},
                "no_steering_committee": {"enabled": False},
            }
        },
    )
    assert not quiet["code"].isin(["enthusiasm_drop", "no_steering_committee"]).any()
