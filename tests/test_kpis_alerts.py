"""Alert rules on hand-made KPI frames: thresholds, severities, messages, order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.kpis import compute_alerts

NEUTRAL = {
    "engagement_trend_pct": 0.0,
    "nps_drift": 0.0,
    "nps_responses": 5,
    "nps_responses_prev": 5,
    "irritants": 0,
    "irritants_prev": 0,
    "open_critical_tickets": 0,
    "has_sponsor": True,
    "days_since_sponsor_contact": 10,
    "interactions": 5,
    "coverage_pct": 100.0,
    "overdue_actions": 0,
    "slipped_opportunities": 0,
    "stale_assessments": 0,
}


def kpis(**columns: list) -> pd.DataFrame:
    """A KPI frame for accounts A, B, C, D: neutral values except the given columns."""
    ids = ["A", "B", "C", "D"]
    data = {name: [value] * len(ids) for name, value in NEUTRAL.items()}
    data.update(columns)
    frame = pd.DataFrame(data, index=pd.Index(ids, name="account_id"))
    return frame.astype(
        {
            "has_sponsor": "boolean",
            "nps_responses": "Int64",
            "nps_responses_prev": "Int64",
            "irritants": "Int64",
            "irritants_prev": "Int64",
            "open_critical_tickets": "Int64",
            "interactions": "Int64",
            "days_since_sponsor_contact": "Int64",
            "overdue_actions": "Int64",
            "slipped_opportunities": "Int64",
            "stale_assessments": "Int64",
        }
    )


def fired(alerts: pd.DataFrame, code: str) -> pd.DataFrame:
    return alerts[alerts["code"] == code].set_index(
        alerts["account_id"][alerts["code"] == code].astype(str)
    )


def test_neutral_kpis_fire_nothing():
    alerts = compute_alerts(kpis())
    assert alerts.empty
    assert list(alerts.columns) == [
        "account_id", "code", "severity", "value", "threshold", "message",
    ]  # fmt: skip


def test_engagement_slowdown_levels():
    alerts = compute_alerts(kpis(engagement_trend_pct=[-29.9, -30.0, -50.0, -45.4]))
    rows = fired(alerts, "engagement_slowdown")
    assert list(rows.index) == ["C", "B", "D"]  # high first, then account order
    assert rows.loc["B", "severity"] == "medium" and rows.loc["B", "threshold"] == -30.0
    assert rows.loc["C", "severity"] == "high" and rows.loc["C", "threshold"] == -50.0
    assert rows.loc["D", "value"] == -45.4
    assert rows.loc["D", "message"] == "Interactions down 45 % vs previous window"


def test_messages_in_french():
    alerts = compute_alerts(kpis(engagement_trend_pct=[-45.0, 0, 0, 0]), lang="fr")
    assert alerts.loc[0, "message"] == (
        "Interactions en baisse de 45 % par rapport à la période précédente"
    )


def test_nps_drop():
    rows = fired(compute_alerts(kpis(nps_drift=[-19.9, -20.0, np.nan, -150.0])), "nps_drop")
    assert list(rows.index) == ["B", "D"]
    assert set(rows["severity"]) == {"high"}
    assert (
        rows.loc["D", "message"] == "NPS down 150 points vs previous period (5 answers, 5 before)"
    )


def test_nps_drop_needs_enough_answers_in_both_periods():
    frame = kpis(
        nps_drift=[-40.0, -40.0, -40.0, -40.0],
        nps_responses=[3, 2, 3, 4],
        nps_responses_prev=[3, 3, 2, 6],
    )
    rows = fired(compute_alerts(frame), "nps_drop")
    assert list(rows.index) == ["A", "D"]  # B has 2 answers now, C had 2 before
    assert rows.loc["D", "message"] == "NPS down 40 points vs previous period (4 answers, 6 before)"
    french = fired(compute_alerts(frame, lang="fr"), "nps_drop")
    assert french.loc["A", "message"] == (
        "NPS en baisse de 40 points par rapport à la période précédente (3 réponses, 3 avant)"
    )
    relaxed = compute_alerts(frame, config={"alerts": {"nps_drop": {"min_responses": 2}}})
    assert list(fired(relaxed, "nps_drop").index) == ["A", "B", "C", "D"]


def test_irritants_rising():
    frame = kpis(irritants=[3, 3, 2, 6], irritants_prev=[2, 3, 0, 1])
    rows = fired(compute_alerts(frame), "irritants_rising")
    assert list(rows.index) == ["A", "D"]
    assert rows.loc["A", "severity"] == "medium" and rows.loc["A", "threshold"] == 3
    assert rows.loc["D", "message"] == "6 irritants in the window (previous window: 1)"


def test_critical_tickets_singular_and_plural():
    alerts = compute_alerts(kpis(open_critical_tickets=[0, 1, 2, None]))
    rows = fired(alerts, "critical_tickets")
    assert list(rows.index) == ["B", "C"]
    assert rows.loc["B", "message"] == "1 critical ticket open"
    assert rows.loc["C", "message"] == "2 critical tickets open"
    french = fired(
        compute_alerts(kpis(open_critical_tickets=[0, 1, 2, 0]), lang="fr"), "critical_tickets"
    )
    assert french.loc["C", "message"] == "2 tickets critiques ouverts"


def test_no_sponsor_ignores_unknown():
    rows = fired(compute_alerts(kpis(has_sponsor=[True, False, None, True])), "no_sponsor")
    assert list(rows.index) == ["B"]
    assert rows.loc["B", "severity"] == "high"
    assert rows.loc["B", "message"] == "No active internal sponsor"


def test_sponsor_silent():
    frame = kpis(
        days_since_sponsor_contact=[60, 61, None, None],
        interactions=[5, 5, 5, None],  # D: no interactions table, so nothing is known
    )
    rows = fired(compute_alerts(frame), "sponsor_silent")
    assert list(rows.index) == ["B", "C"]
    assert rows.loc["B", "message"] == "No contact with the sponsor for 61 days"
    assert rows.loc["C", "message"] == "No contact with the sponsor on record"
    assert np.isnan(rows.loc["C", "value"])


def test_sponsor_silent_needs_a_sponsor():
    frame = kpis(has_sponsor=[False] * 4, days_since_sponsor_contact=[None] * 4)
    assert "sponsor_silent" not in set(compute_alerts(frame)["code"])


def test_low_coverage_overdue_and_slipped():
    frame = kpis(
        coverage_pct=[49.9, 50.0, np.nan, 0.0],
        overdue_actions=[2, 3, 0, 0],
        slipped_opportunities=[0, 1, 3, 0],
    )
    alerts = compute_alerts(frame)
    assert list(fired(alerts, "low_coverage").index) == ["A", "D"]
    assert fired(alerts, "low_coverage").loc["A", "message"] == (
        "Only 50 % of key contacts engaged"
    )
    assert list(fired(alerts, "overdue_actions").index) == ["B"]
    slipped = fired(alerts, "slipped_deals")
    assert slipped.loc["B", "message"] == "1 deal past its expected close date"
    assert slipped.loc["C", "message"] == "3 deals past their expected close date"


def test_churn_risk():
    risk = pd.Series({"A": 0.5, "B": 0.49, "Z": 0.9})
    rows = fired(compute_alerts(kpis(), risk=risk), "churn_risk")
    assert list(rows.index) == ["A"]
    assert rows.loc["A", "value"] == 0.5 and rows.loc["A", "threshold"] == 0.5
    assert rows.loc["A", "message"] == "Early-warning churn risk 50 %"


def test_sort_order_severity_then_account_then_rule():
    frame = kpis(
        coverage_pct=[10.0, 100, 100, 100],  # A medium
        open_critical_tickets=[0, 0, 0, 1],  # D high
        nps_drift=[-30.0, 0, 0, 0],  # A high
        overdue_actions=[5, 0, 0, 0],  # A medium
        stale_assessments=[2, 1, 0, 0],  # A and B low
    )
    alerts = compute_alerts(frame)
    assert list(zip(alerts["account_id"].astype(str), alerts["code"].astype(str), strict=True)) == [
        ("A", "nps_drop"),
        ("D", "critical_tickets"),
        ("A", "low_coverage"),
        ("A", "overdue_actions"),
        ("A", "stale_assessments"),
        ("B", "stale_assessments"),
    ]
    assert list(alerts["severity"].cat.categories) == ["high", "medium", "low"]


def test_stale_assessments_is_a_low_alert_in_both_languages():
    frame = kpis(stale_assessments=[0, 1, 3, pd.NA])  # D: no assessments table
    rows = fired(compute_alerts(frame), "stale_assessments")
    assert list(rows.index) == ["B", "C"]
    assert list(rows["severity"].astype(str)) == ["low", "low"]
    assert list(rows["value"]) == [1.0, 3.0] and list(rows["threshold"]) == [1.0, 1.0]
    assert rows.loc["B", "message"] == (
        "1 assessment score older than its validity: worth rating again"
    )
    assert rows.loc["C", "message"] == (
        "3 assessment scores older than their validity: worth rating again"
    )
    french = fired(compute_alerts(frame, lang="fr"), "stale_assessments")
    assert french.loc["C", "message"] == (
        "3 notes d'évaluation plus anciennes que leur validité : à réévaluer"
    )
    off = {"alerts": {"stale_assessments": {"enabled": False}}}
    assert "stale_assessments" not in set(compute_alerts(frame, config=off)["code"].astype(str))


def test_config_thresholds_and_switches():
    frame = kpis(coverage_pct=[60.0, 100, 100, 100], has_sponsor=[False, True, True, True])
    config = {"alerts": {"low_coverage": {"threshold": 70}, "no_sponsor": {"enabled": False}}}
    alerts = compute_alerts(frame, config=config)
    assert list(alerts["code"].astype(str)) == ["low_coverage"]
    assert alerts.loc[0, "threshold"] == 70


def test_rules_without_their_column_are_skipped():
    frame = kpis().drop(columns=["coverage_pct", "nps_drift"])
    assert compute_alerts(frame).empty


def test_tidy_input_keeps_the_date():
    frame = kpis(overdue_actions=[3, 0, 0, 4]).reset_index()
    frame.insert(1, "as_of", pd.Timestamp("2026-06-30"))
    alerts = compute_alerts(frame)
    assert list(alerts.columns[:2]) == ["account_id", "as_of"]
    assert list(alerts["account_id"].astype(str)) == ["A", "D"]
    assert (alerts["as_of"] == pd.Timestamp("2026-06-30")).all()
