"""Weighted scores, percentile ranks, bands, segments, calm and health."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from acctkit.config import load_config
from acctkit.data import from_frames
from acctkit.kpis import compute_kpis
from acctkit.kpis.scores import (
    band_codes,
    execution_components,
    percentile_rank,
    segment_codes,
    weighted_score,
)

D = "2026-06-30"


def test_weighted_score_renormalises_over_present_components():
    components = {"a": np.array([1.0, 1.0, np.nan]), "b": np.array([0.5, np.nan, np.nan])}
    score = weighted_score(components, {"a": 0.6, "b": 0.4}, 0.5)
    assert score[0] == pytest.approx(100 * (0.6 * 1.0 + 0.4 * 0.5))
    assert score[1] == pytest.approx(100.0)  # only a (0.6 >= half)
    assert math.isnan(score[2])


def test_weighted_score_needs_half_the_weight():
    components = {"a": np.array([1.0]), "b": np.array([np.nan]), "c": np.array([np.nan])}
    assert math.isnan(weighted_score(components, {"a": 0.4, "b": 0.3, "c": 0.3}, 0.5)[0])
    # exactly half is enough (0.3 + 0.2 = 0.5)
    components = {"a": np.array([0.5]), "b": np.array([1.0]), "c": np.array([np.nan])}
    score = weighted_score(components, {"a": 0.3, "b": 0.2, "c": 0.5}, 0.5)
    assert score[0] == pytest.approx(100 * (0.15 + 0.2) / 0.5)


def test_percentile_rank_uses_average_ties_over_present_values():
    values = np.array([[10.0], [20.0], [20.0], [np.nan], [5.0]])
    ranks = percentile_rank(values).ravel()
    # present: 5, 10, 20, 20 -> ranks 1, 2, 3.5, 3.5 out of 4
    assert ranks[0] == 0.5 and ranks[1] == 0.875 and ranks[2] == 0.875
    assert math.isnan(ranks[3]) and ranks[4] == 0.25


def test_percentile_ranks_are_taken_per_date():
    values = np.array([[1.0, 3.0], [2.0, 1.0]])
    assert percentile_rank(values).tolist() == [[0.5, 1.0], [1.0, 0.5]]


def test_bands_and_segments_at_their_boundaries():
    scores = np.array([70.0, 69.99, 40.0, 39.99, np.nan])
    bands = band_codes(scores, {"green": 70, "amber": 40})
    assert bands.tolist() == [0, 1, 1, 2, -1]
    segments = segment_codes(
        np.array([60.0, 59.9, 40.0, 39.9, np.nan]), {"invest": 60, "maintain": 40}
    )
    assert segments.tolist() == [0, 1, 1, 2, 3]


def test_calm_counts_an_absent_table_as_nothing_to_report():
    nan = np.array([np.nan])
    base = {
        "action_completion_pct": nan,
        "pipeline_maturity_pct": nan,
        "win_rate_pct": nan,
        "nps": nan,
    }
    calm = execution_components(
        {**base, "irritants": np.array([3.0]), "open_critical_tickets": nan}
    )["calm"]
    assert calm[0] == pytest.approx(0.7)
    calm = execution_components(
        {**base, "irritants": nan, "open_critical_tickets": np.array([4.0])}
    )["calm"]
    assert calm[0] == pytest.approx(0.2)  # 1 - min(8, 10) / 10
    calm = execution_components({**base, "irritants": nan, "open_critical_tickets": nan})["calm"]
    assert math.isnan(calm[0])
    calm = execution_components(
        {**base, "irritants": np.array([9.0]), "open_critical_tickets": np.array([3.0])}
    )["calm"]
    assert calm[0] == 0.0  # capped at 10


def portfolio(**tables):
    accounts = pd.DataFrame(
        {
            "account_id": ["A", "B"],
            "name": ["Alpha", "Beta"],
            "annual_revenue": [100.0, 100.0],
            "estimated_budget": [200.0, 100.0],
            "gross_margin_pct": [50.0, 20.0],
            "cost_to_serve": [10.0, 10.0],
        }
    )
    return from_frames({"accounts": accounts, **tables})


def test_calm_is_per_table_not_per_account():
    # Both tables exist but B has no rows in either: its calm is 1.0, not missing.
    tickets = pd.DataFrame(
        {
            "ticket_id": ["T1"],
            "account_id": ["A"],
            "opened_on": ["2026-06-01"],
            "severity": ["critical"],
        }
    )
    feedback = pd.DataFrame(
        {
            "feedback_id": ["F1"],
            "account_id": ["A"],
            "recorded_on": ["2026-06-01"],
            "kind": ["praise"],
        }
    )
    nps = pd.DataFrame(
        {
            "response_id": ["R1", "R2"],
            "account_id": ["A", "B"],
            "responded_on": ["2026-06-01"] * 2,
            "score": [10, 10],
        }
    )
    kpis = compute_kpis(portfolio(tickets=tickets, feedback=feedback, nps_responses=nps), D)
    # satisfaction 1.0 (0.25) and calm (0.15): 0.40 < half -> missing; raise the share
    assert kpis["execution_score"].isna().all()
    config = {"scores": {"min_weight_share": 0.4}}
    kpis = compute_kpis(
        portfolio(tickets=tickets, feedback=feedback, nps_responses=nps), D, config=config
    )
    assert kpis.loc["A", "execution_score"] == pytest.approx(100 * (0.25 + 0.8 * 0.15) / 0.4)
    assert kpis.loc["B", "execution_score"] == pytest.approx(100.0)


def test_accounts_only_portfolio():
    kpis = compute_kpis(portfolio(), D)
    # potential: budget rank and profitability carry exactly half of the weight
    # A: rank 1.0, profitability (50 - 10) / 100 = 0.4; B: rank 0.5, (20 - 10) / 100 = 0.1
    assert kpis.loc["A", "potential_score"] == pytest.approx(100 * (0.3 + 0.4 * 0.2) / 0.5)
    assert kpis.loc["B", "potential_score"] == pytest.approx(100 * (0.15 + 0.1 * 0.2) / 0.5)
    assert list(kpis["segment"].astype(str)) == ["invest", "deprioritize"]
    for column in ("relationship_score", "execution_score", "health_score"):
        assert kpis[column].isna().all(), column
    assert kpis["health_band"].isna().all()


def test_health_is_the_mean_of_the_scores_present():
    contacts = pd.DataFrame(
        {
            "contact_id": ["K1"],
            "account_id": ["A"],
            "name": ["k"],
            "level": ["c_level"],
            "role": ["sponsor"],
            "is_key": [True],
            "influence": [5],
            "business_unit": ["Ops"],
        }
    )
    interactions = pd.DataFrame(
        {
            "interaction_id": ["I1"],
            "account_id": ["A"],
            "contact_id": ["K1"],
            "occurred_on": ["2026-06-01"],
        }
    )
    kpis = compute_kpis(portfolio(contacts=contacts, interactions=interactions), D)
    # A: coverage 1, depth 1, engagement rank 1, sponsor 1, propagation 1 -> 100
    assert kpis.loc["A", "relationship_score"] == pytest.approx(100.0)
    assert math.isnan(kpis.loc["A", "execution_score"])
    assert kpis.loc["A", "health_score"] == pytest.approx(100.0)
    assert kpis.loc["A", "health_band"] == "green"


def test_configured_weights_and_bands_change_the_scores():
    config = load_config(
        {"weights": {"potential": {"budget": 0.0}}, "segments": {"invest": 90, "maintain": 10}}
    )
    kpis = compute_kpis(portfolio(), D, config=config)
    # only profitability is present, weight 0.2 of 0.7 < half -> unrated
    assert kpis["potential_score"].isna().all()
    config = load_config(
        {
            "scores": {"min_weight_share": 0.2},
            "weights": {"potential": {"budget": 0.0}},
            "segments": {"invest": 90, "maintain": 10},
        }
    )
    kpis = compute_kpis(portfolio(), D, config=config)
    assert kpis.loc["A", "potential_score"] == pytest.approx(40.0)
    assert kpis.loc["A", "segment"] == "maintain"
