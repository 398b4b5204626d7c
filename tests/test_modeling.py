"""Exploratory risk modeling: the evaluation tables on tiny hand-made hold-outs (values
worked out by hand in each test), then the bootstrap, the extra-feature what-if and the
charts on a small generated portfolio."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from sklearn.metrics import auc, roc_auc_score

from acctkit import modeling
from acctkit.data import from_frames
from acctkit.datasets import generate_tables
from acctkit.errors import ModelError
from acctkit.model import EarlyWarningModel, build_panel
from acctkit.modeling import charts
from acctkit.plots import figure_png
from tests.helpers import cut

AS_OF = "2026-10-31"
M1, M2 = pd.Timestamp("2026-01-31"), pd.Timestamp("2026-02-28")


@pytest.fixture
def predictions():
    """Two months, four accounts; A and C have an outcome ahead in January, B in February."""
    return pd.DataFrame(
        {
            "account_id": ["A", "B", "C", "D", "A", "B", "C", "D"],
            "snapshot_date": [M1] * 4 + [M2] * 4,
            "label": [1, 0, 1, 0, 0, 1, 0, 0],
            "risk_probability": [0.9, 0.8, 0.1, 0.2, 0.7, 0.6, 0.6, 0.1],
            "nps_rule": [0.5, 0.5, 0.5, 0.5, 0.1, 0.9, 0.2, 0.3],
        }
    )


@pytest.fixture(scope="module")
def portfolio():
    return from_frames(generate_tables(n_accounts=60, months=24, end=AS_OF, seed=0))


@pytest.fixture(scope="module")
def model(portfolio):
    return EarlyWarningModel().fit(portfolio, AS_OF)


@pytest.fixture(scope="module")
def panel(portfolio):
    return build_panel(portfolio, AS_OF)


# -- the panel -------------------------------------------------------------------------------


def test_label_balance_counts_each_snapshot_date(predictions):
    table = modeling.label_balance(predictions, holdout_start=M2)
    assert table["snapshots"].tolist() == [4, 4]
    assert table["positives"].tolist() == [2, 1]
    assert table["positive_rate"].tolist() == [0.5, 0.25]
    assert table["part"].tolist() == ["train", "holdout"]


def test_feature_summary_compares_the_two_groups_by_hand():
    panel = pd.DataFrame({"label": [0, 0, 0, 1, 1], "x": [1.0, 2.0, 3.0, 5.0, np.nan]})
    row = modeling.feature_summary(panel, ["x"]).loc["x"]
    assert (row["mean_no_outcome"], row["mean_outcome"]) == (2.0, 5.0)
    assert (row["median_no_outcome"], row["median_outcome"]) == (2.0, 5.0)
    assert (row["missing_no_outcome"], row["missing_outcome"]) == (0.0, 0.5)
    # variances 1 (n=3) and NaN (n=1, weight 0): pooled SD sqrt(2 * 1 / 2) = 1
    assert row["std_difference"] == pytest.approx(3.0)


# -- ranking and flagging --------------------------------------------------------------------


def test_top_k_by_month_by_hand(predictions):
    table = modeling.top_k_by_month(predictions, 2)
    # January: top 2 are A (0.9, positive) and B (0.8): 1 reached of 2 positives.
    # February: B (0.6) and C (0.6) tie behind A (0.7): row order keeps A and B; B is positive.
    assert table["called"].tolist() == [2, 2]
    assert table["reached"].tolist() == [1, 1]
    assert table["positives"].tolist() == [2, 1]
    assert table["precision"].tolist() == [0.5, 0.5]
    assert table["recall"].tolist() == [0.5, 1.0]
    assert table["base_rate"].tolist() == [0.5, 0.25]


def test_precision_at_k_pools_the_months_and_adds_random_order(predictions):
    table = modeling.precision_at_k(predictions, ks=[1, 2]).set_index(["scorer", "k"])
    model = table.loc[("model", 1)]
    # k=1: A in January (positive), A in February (negative): 1 of 2 calls, 1 of 3 positives
    assert (model["called"], model["reached"], model["precision"]) == (2, 1, 0.5)
    assert model["recall"] == pytest.approx(1 / 3)
    assert model["lift"] == pytest.approx(0.5 / (3 / 8))
    assert (model["accounts_reached"], model["accounts_at_risk"]) == (1, 3)
    assert table.loc[("model", 2), "accounts_reached"] == 2  # A and B
    rule = table.loc[("NPS drift rule", 1)]
    # January: all tie at 0.5, row order calls A (positive); February: B (0.9, positive)
    assert (rule["reached"], rule["precision"]) == (2, 1.0)
    random = table.loc[("random order", 2)]
    # 2 calls a month at the month's rate: 2 x 0.5 + 2 x 0.25 = 1.5 expected
    assert (random["called"], random["reached"]) == (4, 1.5)
    assert random["precision"] == pytest.approx(3 / 8) and np.isnan(random["accounts_reached"])


def test_precision_at_k_refuses_k_below_one(predictions):
    with pytest.raises(ModelError, match="ks"):
        modeling.precision_at_k(predictions, ks=[0])


def test_threshold_table_by_hand(predictions):
    table = modeling.threshold_table(predictions, thresholds=[0.5, 0.75])
    # >= 0.5: A1 0.9 (pos), B1 0.8, A2 0.7, B2 0.6 (pos), C2 0.6 -> 5 flagged, 2 right
    assert table.loc[0.5, "flagged_share"] == 5 / 8
    assert table.loc[0.5, "flagged_per_month"] == 2.5
    assert table.loc[0.5, "precision"] == 2 / 5
    assert table.loc[0.5, "recall"] == pytest.approx(2 / 3)
    assert table.loc[0.5, "lift"] == pytest.approx((2 / 5) / (3 / 8))
    assert table.loc[0.75, "precision"] == 0.5  # A1 and B1


def test_band_table_uses_the_configured_limits(predictions):
    absolute = {"risk_bands": {"scale": "absolute", "medium": 0.3, "high": 0.5}}
    table = modeling.band_table(predictions, absolute)
    # low < 0.3: C1, D1, D2 (C1 positive); medium 0.3-0.5: none; high: the other five
    assert table["snapshots"].tolist() == [3, 0, 5]
    assert table.loc["low", "outcome_rate"] == pytest.approx(1 / 3)
    assert table.loc["high", "share_of_positives"] == pytest.approx(2 / 3)
    custom = modeling.band_table(
        predictions, {"risk_bands": {"scale": "absolute", "medium": 0.65, "high": 0.85}}
    )
    assert custom["snapshots"].tolist() == [5, 2, 1]
    # relative (the default) to a base rate of 0.2: medium from 0.3, high from 0.6
    relative = modeling.band_table(predictions, base_rate=0.2)
    assert relative["snapshots"].tolist() == [3, 0, 5]
    # without base_rate, the predictions' own rate 3/8: medium from 0.5625 (0.9, 0.8, 0.7,
    # 0.6, 0.6), high from 1.125 (none)
    assert modeling.band_table(predictions)["snapshots"].tolist() == [3, 5, 0]


def test_capacity_threshold_and_suggested_bands(predictions):
    # the 2nd highest score: 0.8 in January, 0.6 in February; median 0.7
    assert modeling.capacity_threshold(predictions, 2) == pytest.approx(0.7)
    bands = modeling.suggest_risk_bands(predictions, high_per_month=1, medium_per_month=3)
    # 1st highest: 0.9 and 0.7 -> 0.8; 3rd highest: 0.2 and 0.6 -> 0.4
    assert bands == {"scale": "absolute", "medium": 0.4, "high": 0.8}
    with pytest.raises(ModelError, match="medium_per_month"):
        modeling.suggest_risk_bands(predictions, high_per_month=3, medium_per_month=1)


def test_calibration_table_by_hand(predictions):
    table = modeling.calibration_table(predictions, bins=2)
    # lowest four scores: 0.1 (C1, pos), 0.1 (D2), 0.2 (D1), 0.6 (B2 pos; first of the 0.6 tie)
    assert table["snapshots"].tolist() == [4, 4]
    assert table.loc[1, "mean_predicted"] == pytest.approx(0.25)
    assert table.loc[1, "observed_rate"] == 0.5
    assert table.loc[2, "observed_rate"] == 0.25


def test_curves_match_the_metrics(predictions):
    roc = modeling.roc_curves(predictions)
    model = roc[roc["scorer"] == "model"]
    area = auc(model["false_positive_rate"], model["true_positive_rate"])
    assert area == pytest.approx(
        roc_auc_score(predictions["label"], predictions["risk_probability"])
    )
    pr = modeling.pr_curves(predictions)
    assert set(pr["scorer"]) == {"model", "NPS drift rule"}
    assert pr.groupby("scorer")["threshold"].apply(lambda t: t.isna().sum()).eq(1).all()
    with pytest.raises(ModelError, match="one class"):
        modeling.roc_curves(predictions.assign(label=0))


# -- error analysis ----------------------------------------------------------------------------


@pytest.fixture
def outcomes():
    return pd.DataFrame(
        {
            "account_id": ["A", "B", "C"],
            "occurred_on": pd.to_datetime(["2026-03-15", "2026-07-30", "2026-02-28"]),
            "event": ["churn", "downsell", "churn"],
        }
    )


def test_outcome_catch_by_hand(predictions, outcomes):
    catch = modeling.outcome_catch(predictions, outcomes, threshold=0.65, horizon_days=180)
    rows = catch.set_index("account_id")
    # C churns on Feb 28: only the January snapshot is before it (0.1): missed
    assert not rows.loc["C", "caught"] and rows.loc["C", "snapshots"] == 1
    assert pd.isna(rows.loc["C", "first_flagged"]) and np.isnan(rows.loc["C", "lead_days"])
    # A churns on Mar 15: January (0.9) is flagged, 43 days before
    assert rows.loc["A", "caught"] and rows.loc["A", "first_flagged"] == M1
    assert rows.loc["A", "lead_days"] == 43
    assert rows.loc["A", "last_snapshot"] == M2 and rows.loc["A", "last_score"] == 0.7
    # B on Jul 30, exactly 180 days after Jan 31: (t, t + H] holds both snapshots
    assert rows.loc["B", "snapshots"] == 2 and rows.loc["B", "caught"]
    assert rows.loc["B", "max_score"] == 0.8
    assert catch["occurred_on"].is_monotonic_increasing


def test_catch_summary_and_misses(predictions, outcomes):
    catch = modeling.outcome_catch(predictions, outcomes, threshold=0.65)
    summary = modeling.catch_summary(catch)
    assert summary.index.tolist() == ["churn", "downsell", "all"]
    assert summary.loc["churn", ["outcomes", "caught"]].tolist() == [2, 1]
    assert summary.loc["all", "caught_share"] == pytest.approx(2 / 3)
    assert summary.loc["churn", "median_lead_days"] == 43
    panel = predictions.assign(irritants=[4.0, 0, 2, 0, 3, 1, 0, 0])
    missed = modeling.missed_outcomes(catch, panel, ["irritants"])
    assert missed["account_id"].tolist() == ["C"] and missed["irritants"].tolist() == [2.0]
    profile = modeling.miss_profile(catch, panel, M2, ["irritants"])
    # caught: A (last snapshot Feb: 3) and B (Feb: 1); quiet February snapshots: A, C, D
    assert profile.loc["caught", "irritants"] == 2.0
    assert profile.loc["missed", "count"] == 1
    assert profile.loc["no outcome", ["count", "irritants"]].tolist() == [3, 1.0]


# -- bootstrap -----------------------------------------------------------------------------------


def test_bootstrap_point_estimates_are_the_models(model, panel):
    table = modeling.bootstrap_coefficients(panel, n_bootstrap=25, seed=3)
    pd.testing.assert_series_equal(
        table["coefficient"], model.coefficients_["coefficient"], check_exact=False, atol=1e-8
    )
    assert table.attrs == {"n_bootstrap": 25, "n_fitted": 25, "level": 0.95, "seed": 3}
    assert (table["ci_low"] < table["ci_high"]).all()
    assert np.allclose(table["odds_ratio"], np.exp(table["coefficient"]))
    again = modeling.bootstrap_coefficients(panel, n_bootstrap=25, seed=3)
    pd.testing.assert_frame_equal(table, again)
    other = modeling.bootstrap_coefficients(panel, n_bootstrap=25, seed=4)
    assert not np.allclose(table["ci_low"], other["ci_low"])


def test_bootstrap_draws_whole_accounts():
    from acctkit.modeling.bootstrap import _resamples

    accounts = pd.Series(["A", "A", "A", "B", "C", "C"])
    for rows in _resamples(accounts, 20, seed=0):
        drawn = accounts.iloc[rows].value_counts()
        sizes = accounts.value_counts()
        assert (drawn % sizes[drawn.index] == 0).all()  # every snapshot of a drawn account
        assert (drawn / sizes[drawn.index]).sum() == 3  # three accounts drawn


def test_bootstrap_checks_its_arguments(panel):
    with pytest.raises(ModelError, match="n_bootstrap"):
        modeling.bootstrap_coefficients(panel, n_bootstrap=0)
    with pytest.raises(ModelError, match="level"):
        modeling.bootstrap_coefficients(panel, level=1.5)


# -- extra features ------------------------------------------------------------------------------


def test_what_if_scores_the_same_holdout_as_the_model(model, portfolio):
    what_if = modeling.FeatureWhatIf(k=5).fit(model, portfolio)
    name = "model + coverage_pct, has_sponsor, overdue_actions"
    assert what_if.metrics_.index.tolist() == ["model", name, "base rate", "NPS drift rule"]
    same = what_if.metrics_.loc[["model", "base rate", "NPS drift rule"], model.metrics_.columns]
    pd.testing.assert_frame_equal(same, model.metrics_, check_exact=False, atol=1e-12)
    assert what_if.metrics_["holdout_rows"].nunique() == 1
    expected = model.holdout_predictions_.reset_index(drop=True)
    got = what_if.predictions_.reset_index(drop=True)
    pd.testing.assert_frame_equal(got[expected.columns], expected, check_exact=False, atol=1e-12)
    at_5 = modeling.precision_at_k(got, [5], {"m": "with_extra"})["precision"].iloc[0]
    assert what_if.metrics_.loc[name, "precision_at_5"] == at_5
    assert "coverage_pct" in what_if.coefficients_.index
    assert what_if.features_ == [*model.features_, *modeling.EXTRA_FEATURES]


def test_extra_features_use_nothing_after_the_snapshot(portfolio, panel):
    extended = modeling.add_kpi_features(panel, portfolio)
    assert extended.index.equals(panel.index) and "coverage_pct" not in panel
    date = pd.Timestamp("2025-12-31")
    rows = extended[extended["snapshot_date"] == date].set_index("account_id")
    at_date = modeling.add_kpi_features(panel[panel["snapshot_date"] == date], cut(portfolio, date))
    at_date = at_date.set_index("account_id")
    for column in modeling.EXTRA_FEATURES:
        assert rows[column].dtype == "float64"
        pd.testing.assert_series_equal(rows[column], at_date[column])


def test_what_if_needs_a_fitted_model_and_a_new_feature(model, portfolio):
    with pytest.raises(ModelError, match="fitted"):
        modeling.FeatureWhatIf().fit(EarlyWarningModel(), portfolio)
    with pytest.raises(ModelError, match="extra"):
        modeling.FeatureWhatIf(extra=["irritants"]).fit(model, portfolio)


# -- charts --------------------------------------------------------------------------------------


def test_charts_are_figures_in_the_requested_language(model, panel):
    predictions = model.holdout_predictions_
    figures = {
        "balance": charts.label_balance_chart(modeling.label_balance(panel, model.holdout_start_)),
        "features": charts.feature_distributions_chart(panel, lang="fr"),
        "curves": charts.curves_chart(predictions, lang="fr"),
        "calibration": charts.calibration_chart(modeling.calibration_table(predictions), "fr"),
        "coefficients": charts.coefficients_chart(
            modeling.bootstrap_coefficients(panel, n_bootstrap=5), "fr"
        ),
        "top_k": charts.precision_at_k_chart(modeling.precision_at_k(predictions, range(1, 6))),
        "thresholds": charts.threshold_chart(modeling.threshold_table(predictions), lang="fr"),
    }
    for figure in figures.values():
        assert isinstance(figure, Figure) and figure.axes
        assert len(figure_png(figure)) < 150_000
    titles = [a.get_title(loc="left") for a in figures["curves"].axes]
    assert titles == ["Courbe ROC (période de test)", "Précision et rappel (période de test)"]
    legend = [t.get_text() for t in figures["curves"].legends[0].get_texts()]
    assert legend[0].startswith("modèle : AUC ROC 0,")
    ticks = [t.get_text() for t in figures["coefficients"].axes[0].get_yticklabels()]
    assert "Dérive de la note NPS moyenne : manquant" in ticks
    assert "Tickets critiques ouverts" in ticks and "intercept" not in ticks


def test_feature_labels():
    assert charts.feature_label("irritants", "fr") == "Irritants"
    assert charts.feature_label("engagement_slowdown") == "Engagement slowdown"
    assert charts.feature_label("missing_coverage_pct") == "Account coverage: missing"
