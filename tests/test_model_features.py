"""Early-warning features and panel on a tiny portfolio, with values worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from acctkit.data import from_frames
from acctkit.errors import ModelError
from acctkit.model.features import build_panel, features_at


def _dates(*values):
    return pd.to_datetime(list(values))


@pytest.fixture
def tiny():
    accounts = pd.DataFrame({"account_id": ["A", "B"], "name": ["Alpha", "Beta"]})
    interactions = pd.DataFrame(
        {
            "interaction_id": [f"I{i}" for i in range(7)],
            "account_id": ["A", "A", "A", "A", "A", "B", "A"],
            # A: 3 in (2026-01-30, 2026-04-30], 1 in (2025-10-31, 2026-01-30]; one after
            "occurred_on": _dates(
                "2026-04-30",
                "2026-03-01",
                "2026-02-01",
                "2025-12-01",
                "2025-10-31",
                "2026-04-01",
                "2026-05-01",
            ),
        }
    )
    feedback = pd.DataFrame(
        {
            "feedback_id": ["F1", "F2", "F3", "F4"],
            "account_id": ["A", "A", "A", "B"],
            "recorded_on": _dates("2026-04-01", "2026-01-29", "2026-04-02", "2026-04-03"),
            "kind": ["irritant", "irritant", "praise", "irritant"],
        }
    )
    nps = pd.DataFrame(
        {
            "response_id": ["N1", "N2", "N3", "N4"],
            "account_id": ["A", "A", "A", "B"],
            "responded_on": _dates("2026-04-01", "2026-02-01", "2025-09-01", "2026-04-01"),
            "score": [6, 8, 10, 9],
        }
    )
    tickets = pd.DataFrame(
        {
            "ticket_id": ["T1", "T2", "T3", "T4"],
            "account_id": ["A", "A", "A", "B"],
            "opened_on": _dates("2026-04-01", "2026-03-01", "2026-04-10", "2026-01-01"),
            "closed_on": _dates("2026-05-15", "2026-03-05", None, "2026-06-01"),
            "severity": ["critical", "critical", "high", "critical"],
        }
    )
    outcomes = pd.DataFrame(
        {"account_id": ["B"], "occurred_on": _dates("2026-06-15"), "event": ["churn"]}
    )
    return from_frames(
        {
            "accounts": accounts,
            "interactions": interactions,
            "feedback": feedback,
            "nps_responses": nps,
            "tickets": tickets,
            "outcomes": outcomes,
        }
    )


def test_features_at_one_date_by_hand(tiny):
    f = features_at(tiny, ["2026-04-30"]).set_index("account_id")
    # A: window (2026-01-30, 2026-04-30] holds 04-30, 03-01, 02-01 -> 3;
    # previous (2025-11-01, 2026-01-30] holds 12-01 -> 1 (10-31 is just outside).
    assert f.loc["A", "interactions"] == 3 and f.loc["A", "interactions_prev"] == 1
    assert f.loc["A", "engagement_slowdown"] == pytest.approx(math.log(2 / 4))
    assert f.loc["B", "engagement_slowdown"] == pytest.approx(math.log(1 / 2))
    # irritants in window: A has 04-01 (01-29 is before the window; praise does not count)
    assert f.loc["A", "irritants"] == 1 and f.loc["B", "irritants"] == 1
    # NPS: A's (2025-11-01, 2026-04-30] = {6, 8} -> 7; (2025-05-05, 2025-11-01] = {10}
    assert f.loc["A", "nps_score_drift"] == pytest.approx(7 - 10)
    assert np.isnan(f.loc["B", "nps_score_drift"])  # no earlier answer to compare
    # critical tickets open on 04-30: A's T1 (T2 closed, T3 is high); B's T4
    assert f.loc["A", "open_critical_tickets"] == 1 and f.loc["B", "open_critical_tickets"] == 1
    assert not f["churned"].any()


def test_features_ignore_the_future_and_flag_churn(tiny):
    f = features_at(tiny, ["2026-04-30", "2026-06-30"])
    later = f[f["snapshot_date"] == "2026-06-30"].set_index("account_id")
    assert later.loc["B", "churned"] and not later.loc["A", "churned"]
    early = f[f["snapshot_date"] == "2026-04-30"].set_index("account_id")
    assert early.loc["A", "interactions"] == 3  # the 05-01 interaction is not seen yet


def test_panel_dates_labels_and_churn_exit(tiny):
    panel = build_panel(tiny, "2026-12-31", horizon_days=180, window_days=90)
    # first dated event 2025-09-01 (+180 days = 2026-02-28); last t with t + 180 <= 12-31
    expected_dates = pd.date_range("2026-02-28", "2026-07-01", freq="ME")
    assert sorted(panel["snapshot_date"].unique()) == list(expected_dates)
    b = panel[panel["account_id"] == "B"].set_index("snapshot_date")["label"]
    # B churns on 06-15: labelled 1 from every snapshot within 180 days before; gone after
    assert b.to_dict() == {
        pd.Timestamp("2026-02-28"): 1,
        pd.Timestamp("2026-03-31"): 1,
        pd.Timestamp("2026-04-30"): 1,
        pd.Timestamp("2026-05-31"): 1,
    }
    assert panel[panel["account_id"] == "A"]["label"].sum() == 0


def test_panel_never_looks_past_as_of(tiny):
    panel = build_panel(tiny, "2026-10-31")
    assert (panel["snapshot_date"] + pd.Timedelta(days=180) <= "2026-10-31").all()


def test_panel_needs_outcomes(tiny):
    from dataclasses import replace

    with pytest.raises(ModelError, match="no outcomes table"):
        build_panel(replace(tiny, outcomes=None), "2026-12-31")
