"""Tuning an alert threshold on the portfolio's history (acctkit.modeling.threshold_sweep):
counts and lift worked by hand on a tiny portfolio, the same row as backtest_alerts at the
configured threshold, and the sweep and calibration charts."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from acctkit.data import from_frames
from acctkit.errors import ModelError
from acctkit.model import backtest_alerts
from acctkit.modeling import SWEEP_THRESHOLDS, threshold_sweep
from acctkit.modeling.charts import calibration_chart, threshold_sweep_chart
from acctkit.plots import figure_title

# as_of 2026-07-31, horizon 30 days, 3 months: the month-ends on or before 2026-07-01 are
# 2026-04-30, 2026-05-31 and 2026-06-30; an account-month is right when an outcome follows
# within (t, t + 30 days].
AS_OF = "2026-07-31"
SETTINGS = {"months": 3, "horizon_days": 30}


def frames() -> dict[str, pd.DataFrame]:
    accounts = pd.DataFrame({"account_id": list("ABCDE"), "name": list("ABCDE")})
    tickets = pd.DataFrame(
        {
            "ticket_id": ["A1", "A2", "B1", "C1", "C2", "C3", "D1"],
            "account_id": ["A", "A", "B", "C", "C", "C", "D"],
            "opened_on": [
                "2026-04-01",
                "2026-04-01",
                "2026-05-10",
                "2026-04-15",
                "2026-04-15",
                "2026-04-15",
                "2026-04-01",
            ],
            "closed_on": [None, None, "2026-06-10", None, None, None, None],
            "severity": ["critical"] * 6 + ["high"],
        }
    )
    outcomes = pd.DataFrame(
        {
            "account_id": ["A", "B", "C", "E"],
            "occurred_on": ["2026-07-15", "2026-06-20", "2026-06-15", "2026-05-20"],
            "event": ["downsell", "renewal_lost", "churn", "downsell"],
        }
    )
    return {"accounts": accounts, "tickets": tickets, "outcomes": outcomes}


@pytest.fixture(scope="module")
def portfolio():
    return from_frames(frames())


# Open critical tickets at 04-30 / 05-31 / 06-30, and the outcomes that follow:
#   A: 2 / 2 / 2   downsell 07-15           -> outcome ahead at 06-30 only
#   B: 0 / 1 / 0   lost renewal 06-20       -> at 05-31 only (ticket closed 06-10)
#   C: 3 / 3 / -   churn 06-15              -> at 05-31; churned by 06-30: not active then
#   D: 0 / 0 / 0   (its ticket is high, not critical), no outcome
#   E: 0 / 0 / 0   downsell 05-20           -> at 04-30 only
# Active account-months: 3 + 3 + 2 + 3 + 3 = 14; outcomes ahead: 4; base rate 4 / 14.
BASE_RATE = 4 / 14


def test_counts_and_lift_by_threshold_worked_by_hand(portfolio):
    sweep = threshold_sweep(portfolio, AS_OF, "critical_tickets", [1, 2, 3, 4], **SETTINGS)
    assert list(sweep.index) == [1.0, 2.0, 3.0, 4.0]
    # >= 1: A x3, B at 05-31, C x2 = 6 fired; right: A 06-30, B 05-31, C 05-31 = 3
    # >= 2: A x3, C x2 = 5; right: A 06-30, C 05-31 = 2
    # >= 3: C x2 = 2; right: C 05-31 = 1
    # >= 4: none
    assert sweep["fired"].tolist() == [6, 5, 2, 0]
    assert sweep["hits"].tolist() == [3, 2, 1, 0]
    assert sweep["alerts_per_month"].tolist() == pytest.approx([2.0, 5 / 3, 2 / 3, 0.0])
    # precision 3/6, 2/5, 1/2; lift = precision / (4/14): 1.75, 1.4, 1.75
    assert sweep["precision"].tolist()[:3] == pytest.approx([0.5, 0.4, 0.5])
    assert sweep["lift"].tolist()[:3] == pytest.approx([1.75, 1.4, 1.75])
    # recall: of the 4 outcomes ahead, 3, 2, 1 and 0 flagged
    assert sweep["recall"].tolist() == pytest.approx([0.75, 0.5, 0.25, 0.0])
    assert np.isnan(sweep.loc[4.0, "precision"]) and np.isnan(sweep.loc[4.0, "lift"])
    # Wilson 90 % interval of 1 hit in 2 (z = 1.6449, z^2 = 2.7055): centre 0.5,
    # half-width z * sqrt(0.25/2 + 2.7055/16) / (1 + 2.7055/2) = 0.8920 / 2.3528 = 0.3791,
    # so 0.1209 to 0.8791, times 14/4: lift 0.423 to 3.077
    assert sweep.loc[3.0, "lift_low"] == pytest.approx(0.423, abs=1e-3)
    assert sweep.loc[3.0, "lift_high"] == pytest.approx(3.077, abs=1e-3)
    assert not sweep.loc[3.0, "evidence"]
    # the configured threshold of critical_tickets is 1
    assert sweep["configured"].tolist() == [True, False, False, False]
    assert sweep.attrs["configured"] == 1.0
    assert sweep.attrs["base_rate"] == pytest.approx(BASE_RATE)
    assert sweep.attrs["account_months"] == 14 and sweep.attrs["outcomes"] == 4
    assert sweep.attrs["dates"] == ["2026-04-30", "2026-05-31", "2026-06-30"]
    assert (sweep.attrs["kpi"], sweep.attrs["operator"]) == ("open_critical_tickets", ">=")


def test_a_threshold_from_the_configuration(portfolio):
    # critical_tickets at 2 in the configuration: the default range, 2 marked as configured
    config = {"alerts": {"critical_tickets": {"threshold": 2}}}
    sweep = threshold_sweep(portfolio, AS_OF, "critical_tickets", config=config, **SETTINGS)
    assert list(sweep.index) == [float(t) for t in SWEEP_THRESHOLDS["critical_tickets"]]
    assert sweep.index[sweep["configured"]].tolist() == [2.0]
    assert sweep.loc[2.0, "fired"] == 5  # A x3, C x2, as above


def test_the_configured_threshold_is_added_to_the_default_range(portfolio):
    config = {"alerts": {"critical_tickets": {"threshold": 2.5}}}
    sweep = threshold_sweep(portfolio, AS_OF, "critical_tickets", config=config, **SETTINGS)
    assert 2.5 in sweep.index and sweep.loc[2.5, "configured"]
    assert sweep.loc[2.5, "fired"] == 2  # C x2 (3 tickets)


def test_the_row_at_the_configured_threshold_is_the_backtest_row(portfolio):
    sweep = threshold_sweep(portfolio, AS_OF, "critical_tickets", **SETTINGS)
    backtest = backtest_alerts(portfolio, AS_OF, **SETTINGS)
    row = sweep[sweep["configured"]].iloc[0]
    expected = backtest.loc["critical_tickets"]
    for column in ("fired", "hits", "precision", "lift", "lift_low", "lift_high", "recall"):
        assert row[column] == pytest.approx(expected[column]), column
    assert row["evidence"] == expected["evidence"]


def test_slowdown_thresholds_steeper_than_its_high_level(portfolio):
    # the configured high level (-50) only sets the severity: -80 and -60 are valid here.
    # No interactions in this portfolio: the trend is unknown and nothing fires.
    sweep = threshold_sweep(portfolio, AS_OF, "engagement_slowdown", [-80, -60], **SETTINGS)
    assert sweep["fired"].tolist() == [0, 0]
    assert (sweep.attrs["kpi"], sweep.attrs["operator"]) == ("engagement_trend_pct", "<=")


@pytest.mark.parametrize("rule", ["no_sponsor", "churn_risk", "nps"])
def test_only_numeric_rules_are_swept(portfolio, rule):
    with pytest.raises(ModelError, match="expected a numeric alert rule"):
        threshold_sweep(portfolio, AS_OF, rule, **SETTINGS)


def test_thresholds_must_be_numbers(portfolio):
    with pytest.raises(ModelError, match="thresholds"):
        threshold_sweep(portfolio, AS_OF, "critical_tickets", ["one"], **SETTINGS)
    with pytest.raises(ModelError, match="thresholds"):
        threshold_sweep(portfolio, AS_OF, "critical_tickets", [], **SETTINGS)


def test_a_portfolio_without_outcomes_is_refused(portfolio):
    with pytest.raises(ModelError, match="outcomes"):
        threshold_sweep(dataclasses.replace(portfolio, outcomes=None), AS_OF, "critical_tickets")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_sweep_chart_is_titled_with_the_rule_in_the_language(portfolio, lang):
    sweep = threshold_sweep(portfolio, AS_OF, "critical_tickets", [1, 2, 3, 4], **SETTINGS)
    figure = threshold_sweep_chart(sweep, lang)
    title = {"en": "Critical tickets open: back-tested lift", "fr": "Tickets critiques ouverts"}
    assert figure_title(figure).startswith(title[lang])
    top, bottom = figure.axes
    assert [bar.get_height() for bar in bottom.patches] == pytest.approx([2, 5 / 3, 2 / 3, 0])
    # the configured threshold (1) is marked on both panels
    for axes in (top, bottom):
        assert any(list(line.get_xdata()) == [1.0, 1.0] for line in axes.get_lines())


def test_calibration_chart_zooms_on_small_probabilities():
    # ten groups predicting 1 % to 10 %, observed 0 % to 12 %: both axes stop at 12 % x 1.1
    calibration = pd.DataFrame(
        {
            "snapshots": 100,
            "positives": np.arange(0, 13, 1.2).round()[:10],
            "mean_predicted": np.linspace(0.01, 0.10, 10),
            "observed_rate": np.linspace(0.0, 0.12, 10),
        },
        index=pd.RangeIndex(1, 11, name="bin"),
    )
    left = calibration_chart(calibration).axes[0]
    assert left.get_xlim() == pytest.approx((0, 0.132))
    assert left.get_ylim() == pytest.approx((0, 0.132))
    diagonal = left.get_lines()[0]
    assert list(diagonal.get_xdata()) == pytest.approx([0, 0.132])
    assert list(diagonal.get_ydata()) == pytest.approx([0, 0.132])


def test_no_active_account_is_refused():
    # every account churned on 2026-01-15, before the first month-end replayed (04-30)
    churns = {"account_id": list("ABCDE"), "occurred_on": "2026-01-15", "event": "churn"}
    churned = from_frames({**frames(), "outcomes": pd.DataFrame(churns)})
    with pytest.raises(ModelError, match="no active account"):
        threshold_sweep(churned, AS_OF, "critical_tickets", **SETTINGS)
