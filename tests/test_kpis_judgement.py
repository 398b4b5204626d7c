"""Judgement that ages: stale assessments and overrides that expire, with hand values."""

from __future__ import annotations

import pandas as pd
import pytest

from acctkit.data import from_frames
from acctkit.errors import DataValidationError
from acctkit.kpis import compute_alerts, compute_kpis
from acctkit.kpis.judgement import (
    apply_overrides,
    assessment_ages,
    overrides_at,
    overrides_expired,
)
from tests.helpers import cut, problems_of

D = "2026-10-31"
ACCOUNTS = pd.DataFrame(
    {
        "account_id": ["A", "B", "C"],
        "name": ["A", "B", "C"],
        "annual_revenue": [100.0, 200.0, 300.0],
        "estimated_budget": [400.0, 500.0, 600.0],
        "gross_margin_pct": [30.0, 30.0, 30.0],
        "cost_to_serve": [10.0, 10.0, 10.0],
    }
)
ASSESSMENTS = pd.DataFrame(
    [
        ("A", "2026-06-30", "sector_fit", 4),  # 123 days before D: fresh
        ("A", "2025-09-30", "product_fit", 2),  # 396 days: stale
        ("A", "2026-04-30", "roadmap_fit", 3),  # 184 days: stale
        ("A", "2026-11-02", "roadmap_fit", 5),  # after D: not yet
        ("C", "2026-05-04", "sector_fit", 2),  # 180 days: still valid
        ("C", "2026-05-03", "product_fit", 4),  # 181 days: stale
    ],
    columns=["account_id", "assessed_on", "criterion", "score"],
)
HOSTILE = "<script>alert(1)</script>"
OVERRIDES = pd.DataFrame(
    [
        ("A", "health_band", "red", f"CFO re-tenders {HOSTILE}", "Claire", "2026-09-21", "2027-01-19"),
        ("B", "segment", "invest", "Board priority", "", "2026-01-01", "2026-06-01"),
        ("B", "segment", "deprioritize", "Exit plan", "Hugo", "2026-05-01", "2026-12-01"),
    ],
    columns=["account_id", "field", "value", "reason", "author", "set_on", "expires_on"],
)  # fmt: skip


@pytest.fixture(scope="module")
def portfolio():
    tables = {"accounts": ACCOUNTS, "assessments": ASSESSMENTS, "overrides": OVERRIDES}
    return from_frames(tables)


# -- stale assessments -------------------------------------------------------------------


def test_stale_assessments_by_hand(portfolio):
    kpis = compute_kpis(portfolio, D)
    assert kpis.loc["A", "stale_assessments"] == 2  # product_fit, roadmap_fit
    assert kpis.loc["A", "oldest_assessment_days"] == 396
    assert kpis.loc["C", "stale_assessments"] == 1  # 181 days; 180 is still valid
    assert kpis.loc["C", "oldest_assessment_days"] == 181
    assert kpis.loc["B", "stale_assessments"] == 0  # never rated: nothing stale...
    assert pd.isna(kpis.loc["B", "oldest_assessment_days"])  # ...and no age
    assert kpis.loc["A", "strategic_fit"] == 3.0  # (4 + 2 + 3) / 3: stale scores count


def test_a_stale_score_left_out_when_configured(portfolio):
    counted = compute_kpis(portfolio, D)
    omitted = compute_kpis(portfolio, D, config={"assessments": {"stale_scores": "omit"}})
    assert omitted.loc["A", "strategic_fit"] == 4.0  # sector_fit alone
    assert omitted.loc["C", "strategic_fit"] == 2.0
    assert omitted.loc["A", "stale_assessments"] == 2  # still counted as stale
    # fit, (strategic_fit - 1) / 4 with weight 0.20, goes from 0.5 to 0.75: 5 points more
    # (A's other components: budget, profitability, influence and safety have no rating)
    change = omitted.loc["A", "potential_score"] - counted.loc["A", "potential_score"]
    assert change == pytest.approx(100 * 0.20 * 0.25 / (0.30 + 0.20 + 0.20))


def test_validity_per_criterion_and_earlier_dates(portfolio):
    config = {"assessments": {"valid_days": 180, "criteria": {"roadmap_fit": 365}}}
    assert compute_kpis(portfolio, D, config=config).loc["A", "stale_assessments"] == 1
    july = compute_kpis(portfolio, "2026-07-31")  # product_fit 304 days, roadmap_fit 92
    assert july.loc["A", "stale_assessments"] == 1
    assert july.loc["A", "oldest_assessment_days"] == 304
    later = compute_kpis(portfolio, "2026-11-02")  # roadmap_fit rated again: 5, today
    assert later.loc["A", "stale_assessments"] == 1


def test_staleness_is_as_of_pure(portfolio):
    for day in ("2026-05-03", "2026-07-31", D):
        whole = compute_kpis(portfolio, day)
        exported = compute_kpis(cut(portfolio, pd.Timestamp(day)), day)
        pd.testing.assert_frame_equal(whole, exported)


def test_assessment_ages_table(portfolio):
    ages = assessment_ages(portfolio, D)
    a = ages[ages["account_id"] == "A"].set_index("criterion")
    assert list(a.index) == ["sector_fit", "product_fit", "roadmap_fit"]
    assert list(a["score"]) == [4, 2, 3]
    assert list(a["age_days"]) == [123, 396, 184]
    assert list(a["stale"]) == [False, True, True]
    assert list(ages["account_id"].unique()) == ["A", "C"]


def test_the_alert_is_low_and_names_the_count(portfolio):
    alerts = compute_alerts(compute_kpis(portfolio, D))
    stale = alerts[alerts["code"] == "stale_assessments"]
    assert list(stale["account_id"].astype(str)) == ["A", "C"]
    assert set(stale["severity"].astype(str)) == {"low"}
    assert stale["message"].iloc[0] == (
        "2 assessment scores older than their validity: worth rating again"
    )


# -- overrides ---------------------------------------------------------------------------


def test_an_override_in_force_from_its_start_until_its_expiry(portfolio):
    def health(day):
        in_force = overrides_at(portfolio, day)
        return list(in_force.loc[in_force["field"] == "health_band", "value"])

    assert health("2026-09-20") == []  # before set_on
    assert health("2026-09-21") == ["red"]  # set_on counts
    assert health("2027-01-18") == ["red"]
    assert health("2027-01-19") == []  # expires_on does not


def test_the_override_set_last_wins(portfolio):
    in_force = overrides_at(portfolio, "2026-05-15")  # both of B's overlap
    b = in_force[in_force["account_id"] == "B"]
    assert list(b["value"]) == ["deprioritize"] and list(b["author"]) == ["Hugo"]


def test_an_expired_override_is_noted_once_at_the_next_review(portfolio):
    def ended(day, previous):
        return list(overrides_expired(portfolio, day, previous)["account_id"])

    assert ended("2026-12-31", "2026-11-30") == ["B"]  # B's exit plan ended on 1 Dec
    assert ended("2027-01-31", "2026-12-31") == ["A"]  # the review after A's expiry
    assert ended("2027-02-28", "2027-01-31") == []  # and only that one


def test_overrides_replace_what_people_read_not_the_kpis(portfolio):
    kpis = compute_kpis(portfolio, D)
    assert kpis["health_band"].isna().all()  # no activity: no health band computed
    shown = apply_overrides(kpis, overrides_at(portfolio, D))
    assert shown.loc["A", "health_band"] == "red"
    assert pd.isna(shown.loc["A", "health_band_computed"])
    assert shown.loc["A", "health_band_override_reason"] == f"CFO re-tenders {HOSTILE}"
    assert shown.loc["B", "segment"] == "deprioritize"
    assert shown.loc["B", "segment_computed"] == kpis.loc["B", "segment"]
    assert shown.loc["B", "segment_override_reason"] == "Exit plan"
    assert pd.isna(shown.loc["C", "health_band_override_reason"])
    assert pd.isna(shown.loc["C", "health_band"])
    assert list(shown["health_band"].cat.categories) == ["green", "amber", "red"]
    columns = list(shown.columns)
    at = columns.index("health_band")
    assert columns[at + 1 : at + 3] == ["health_band_computed", "health_band_override_reason"]
    # the KPIs themselves are never overridden, and the input is not modified
    pd.testing.assert_frame_equal(kpis, compute_kpis(portfolio, D))


def test_after_its_expiry_the_computed_value_is_back(portfolio):
    kpis = compute_kpis(portfolio, "2027-01-31")
    shown = apply_overrides(kpis, overrides_at(portfolio, "2027-01-31"))
    pd.testing.assert_series_equal(shown["health_band"], kpis["health_band"])
    pd.testing.assert_series_equal(shown["segment"], kpis["segment"])
    assert shown["health_band_override_reason"].isna().all()


# -- validation --------------------------------------------------------------------------


def bad(**changes) -> list[str]:
    overrides = OVERRIDES.iloc[:1].assign(**changes)
    with pytest.raises(DataValidationError) as caught:
        from_frames({"accounts": ACCOUNTS, "overrides": overrides})
    return problems_of(caught)


def test_validation_messages():
    assert bad(value="pink") == [
        "overrides, column 'value', row 2: unknown health_band 'pink'; expected one of: "
        "green, amber, red"
    ]
    assert bad(field="tier") == [
        "overrides, column 'field', row 2: unknown value 'tier'; expected one of: "
        "health_band, segment, risk_band"
    ]
    assert bad(expires_on="2026-09-01") == [
        "overrides, column 'expires_on', row 2: expires_on is not after set_on"
    ]
    assert bad(expires_on="2027-09-22") == [
        "overrides, column 'expires_on', row 2: expires_on is more than one year after "
        "set_on (an override must be renewed each year)"
    ]
    assert len(bad(reason="")) == 1 and "reason" in bad(reason="")[0]
