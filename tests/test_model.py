"""The early-warning model on synthetic portfolios that carry real signal."""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest

from acctkit.data import from_frames
from acctkit.datasets import generate_tables
from acctkit.errors import ModelError
from acctkit.model import EarlyWarningModel, build_panel, features_at, risk_band, score_accounts
from tests.helpers import cut

AS_OF = pd.Timestamp("2026-10-31")


@pytest.fixture(scope="module")
def portfolio():
    return from_frames(generate_tables(800, 36, "2026-10-31", 11))


@pytest.fixture(scope="module")
def model(portfolio):
    return EarlyWarningModel().fit(portfolio, AS_OF)


def test_model_beats_both_baselines_on_the_holdout(model):
    metrics = model.metrics_
    assert list(metrics.index) == ["model", "base rate", "NPS drift rule"]
    auc = metrics["roc_auc"]
    assert auc["model"] > 0.6
    assert auc["model"] > auc["base rate"] + 0.05
    assert auc["model"] > auc["NPS drift rule"] + 0.05
    ap = metrics["average_precision"]
    assert ap["model"] > ap["base rate"] and ap["model"] > ap["NPS drift rule"]
    for column in ("train_rows", "holdout_rows", "train_positives", "holdout_positives"):
        assert metrics.loc["model", column] > 0


def test_coefficient_signs_are_the_expected_ones(model):
    coefficients = model.coefficients_["coefficient"]
    assert coefficients["engagement_slowdown"] > 0
    assert coefficients["irritants"] > 0
    assert coefficients["nps_score_drift"] < 0
    odds = model.coefficients_["odds_ratio"]
    assert odds["engagement_slowdown"] == pytest.approx(np.exp(coefficients["engagement_slowdown"]))


def test_holdout_is_the_latest_quarter_of_snapshot_dates(model, portfolio):
    panel = build_panel(portfolio, AS_OF)
    dates = np.sort(panel["snapshot_date"].unique())
    n_holdout = int(np.ceil(len(dates) * 0.25))
    assert model.holdout_start_ == pd.Timestamp(dates[-n_holdout])
    holdout = panel[panel["snapshot_date"] >= model.holdout_start_]
    assert model.metrics_.loc["model", "holdout_rows"] == len(holdout)
    assert model.metrics_.loc["model", "holdout_positives"] == holdout["label"].sum()


def test_no_label_looks_past_as_of(portfolio):
    panel = build_panel(portfolio, AS_OF, horizon_days=180)
    assert (panel["snapshot_date"] + pd.Timedelta(days=180) <= AS_OF).all()
    # the same panel from data cut at as_of: labels and features identical
    assert build_panel(cut(portfolio, AS_OF), AS_OF).equals(panel)


def test_features_and_predictions_identical_on_data_cut_at_as_of(model, portfolio):
    as_of = pd.Timestamp("2026-04-30")
    full = features_at(portfolio, [as_of])
    assert features_at(cut(portfolio, as_of), [as_of]).equals(full)
    pd.testing.assert_series_equal(
        model.predict_proba(portfolio, as_of), model.predict_proba(cut(portfolio, as_of), as_of)
    )


def test_churned_accounts_are_left_out_of_predictions(model, portfolio):
    churns = portfolio.outcomes[portfolio.outcomes["event"] == "churn"]
    churned = set(churns.loc[churns["occurred_on"] <= AS_OF, "account_id"].astype(str))
    assert churned, "the fixture should hold churned accounts"
    risk = model.predict_proba(portfolio, AS_OF)
    assert risk.name == "risk_probability"
    assert churned.isdisjoint(risk.index)
    assert len(risk) == len(portfolio.accounts) - len(churned)
    assert risk.between(0, 1).all()


def test_explain_contributions_add_up_to_the_logit(model, portfolio):
    explained = model.explain(portfolio, AS_OF)
    contributions = explained.filter(like="contribution_").sum(axis=1)
    intercept = model.coefficients_.loc["intercept", "coefficient"]
    logit = np.log(explained["risk_probability"] / (1 - explained["risk_probability"]))
    np.testing.assert_allclose(contributions + intercept, logit, rtol=1e-6, atol=1e-6)
    top = explained.sort_values("risk_probability").index[-1]
    english, french = explained.at[top, "drivers"], model.explain(portfolio, AS_OF, lang="fr")
    assert english and french.at[top, "drivers"] and english != french.at[top, "drivers"]


def test_drivers_are_worded_from_the_counts(model, portfolio):
    explained = model.explain(portfolio, AS_OF)
    french = model.explain(portfolio, AS_OF, lang="fr")["drivers"]
    slowing = explained[
        (explained["contribution_engagement_slowdown"] > 0)
        & (explained["interactions_prev"] > explained["interactions"])
    ].iloc[0]
    now, before = int(slowing["interactions"]), int(slowing["interactions_prev"])
    pct = round(100 * (before - now) / before)
    phrase = f"interactions down {pct} % vs the previous 90 days ({now} vs {before})"
    assert phrase in slowing["drivers"]
    assert f"interactions en baisse de {pct} %" in french[slowing.name]


def test_save_and_load_round_trip(model, portfolio, tmp_path):
    path = model.save(tmp_path / "models" / "ew.skops")
    loaded = EarlyWarningModel.load(path)
    pd.testing.assert_series_equal(
        loaded.predict_proba(portfolio, AS_OF), model.predict_proba(portfolio, AS_OF)
    )
    assert loaded.features_ == model.features_
    assert loaded.as_of_ == AS_OF
    assert loaded.versions_["acctkit"]
    pd.testing.assert_frame_equal(loaded.metrics_, model.metrics_, check_dtype=False)


def test_load_refuses_unexpected_types(tmp_path):
    import skops.io as sio

    path = tmp_path / "evil.skops"
    sio.dump({"format_version": 1, "x": np.sum}, path)  # a function: could run code
    with pytest.raises(ModelError, match="refusing to load .*numpy"):
        EarlyWarningModel.load(path)
    incomplete = tmp_path / "incomplete.skops"
    sio.dump({"format_version": 2, "features": ["irritants"]}, incomplete)
    with pytest.raises(ModelError, match="not a complete acctkit model file"):
        EarlyWarningModel.load(incomplete)
    older = tmp_path / "v1.skops"
    sio.dump({"format_version": 1, "features": ["irritants"]}, older)
    with pytest.raises(ModelError, match="format 1 held uncalibrated probabilities"):
        EarlyWarningModel.load(older)


def test_load_refuses_files_that_are_not_models(tmp_path):
    path = tmp_path / "notes.skops"
    path.write_text("hello")
    with pytest.raises(ModelError, match="not an acctkit model file"):
        EarlyWarningModel.load(path)
    with zipfile.ZipFile(tmp_path / "other.skops", "w") as archive:
        archive.writestr("schema.json", "{}")
    with pytest.raises(ModelError):
        EarlyWarningModel.load(tmp_path / "other.skops")
    with pytest.raises(ModelError, match="does not exist"):
        EarlyWarningModel.load(tmp_path / "missing.skops")
    with pytest.raises(ModelError, match="is a folder"):
        EarlyWarningModel.load(tmp_path)


def test_too_few_positives_or_one_class_is_a_clear_error(portfolio):
    import dataclasses

    few = portfolio.outcomes.iloc[:2]
    with pytest.raises(ModelError, match="at least 10 are needed"):
        EarlyWarningModel().fit(dataclasses.replace(portfolio, outcomes=few), AS_OF)
    none = portfolio.outcomes.iloc[:0]
    with pytest.raises(ModelError, match="only one class"):
        EarlyWarningModel().fit(dataclasses.replace(portfolio, outcomes=none), AS_OF)


def test_unfitted_model_says_so(portfolio):
    with pytest.raises(ModelError, match="not fitted"):
        EarlyWarningModel().predict_proba(portfolio, AS_OF)
    assert EarlyWarningModel(C=0.5).C == 0.5  # __init__ only stores


def test_risk_bands_are_relative_to_the_base_rate_by_default():
    # base rate 4 %: medium from 1.5 x 4 = 6 %, high from 3 x 4 = 12 %
    probability = pd.Series([0.01, 0.0599, 0.06, 0.1199, 0.12, 0.5, np.nan])
    assert risk_band(probability, base_rate=0.04).astype(object).tolist() == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
        np.nan,
    ]
    doubled = risk_band(probability, {"risk_bands": {"medium": 2, "high": 4}}, base_rate=0.04)
    assert doubled.astype(object).tolist()[:6] == ["low", "low", "low", "medium", "medium", "high"]
    with pytest.raises(ModelError, match="need the portfolio's base rate"):
        risk_band(probability)


def test_risk_bands_follow_absolute_thresholds():
    probability = pd.Series([0.1, 0.3, 0.49, 0.5, 0.9, np.nan])
    absolute = {"risk_bands": {"scale": "absolute", "medium": 0.3, "high": 0.5}}
    assert risk_band(probability, absolute).astype(object).tolist() == [
        "low",
        "medium",
        "medium",
        "high",
        "high",
        np.nan,
    ]
    custom = risk_band(
        probability, {"risk_bands": {"scale": "absolute", "medium": 0.2, "high": 0.8}}
    )
    assert custom.astype(object).tolist()[:5] == ["low", "medium", "medium", "medium", "high"]


def test_score_accounts_table(model, portfolio):
    risk = score_accounts(model, portfolio, AS_OF)
    assert list(risk.columns[:3]) == ["risk_probability", "risk_band", "drivers"]
    assert risk.index.name == "account_id"
    french = score_accounts(model, portfolio, AS_OF, lang="fr")
    assert (french["drivers"] != risk["drivers"]).all()
    both = score_accounts(model, portfolio, AS_OF, languages=("en", "fr"))
    assert list(both.columns[2:4]) == ["drivers_en", "drivers_fr"]
    assert both["drivers_en"].equals(risk["drivers"])
    assert both["drivers_fr"].equals(french["drivers"])


def test_drivers_by_hand_including_missing_data():
    from acctkit.model.drivers import describe_drivers

    frame = pd.DataFrame(
        {
            "interactions": [4.0, 10.0],
            "interactions_prev": [10.0, 10.0],
            "irritants": [3.0, 0.0],
            "nps_mean": [6.0, np.nan],
            "nps_mean_prev": [8.5, np.nan],
            "open_critical_tickets": [0.0, 1.0],
            "contribution_engagement_slowdown": [0.9, -0.1],
            "contribution_irritants": [0.5, -0.2],
            "contribution_nps_score_drift": [0.7, 0.4],  # B's is imputed: no answers
            "contribution_open_critical_tickets": [-0.1, 0.3],
            "contribution_missing_nps_score_drift": [0.05, 0.35],  # A has answers: no driver
        },
        index=pd.Index(["A", "B"], name="account_id"),
    )
    inputs = [
        "engagement_slowdown",
        "irritants",
        "nps_score_drift",
        "open_critical_tickets",
        "missing_nps_score_drift",
    ]
    english = describe_drivers(frame, inputs, lang="en", top=2)
    assert english["A"] == (
        "interactions down 60 % vs the previous 90 days (4 vs 10); "
        "NPS mean score down 2.5 points vs the previous half-year"
    )
    # B's imputed NPS drift is worded by its missing indicator, not by the imputed median
    assert english["B"] == "no recent NPS answers to compare; 1 critical ticket open"
    french = describe_drivers(frame, inputs, lang="fr", top=1)
    assert french["A"] == (
        "interactions en baisse de 60 % par rapport aux 90 jours précédents (4 contre 10)"
    )
    calm = frame.assign(**{c: -1.0 for c in frame.columns if c.startswith("contribution_")})
    assert describe_drivers(calm, inputs)["A"] == "no signal raises the risk"


def test_driver_phrases_singular_plural_and_no_previous_activity():
    from acctkit.model.drivers import phrases

    frame = pd.DataFrame(
        {
            "interactions": [3.0, 0.0],
            "interactions_prev": [0.0, 0.0],
            "irritants": [1.0, 3.0],
            "nps_mean": [8.0, 7.0],
            "nps_mean_prev": [7.5, 7.0],
            "open_critical_tickets": [2.0, 1.0],
        }
    )
    english = phrases(frame, "en")
    assert english["engagement_slowdown"].tolist() == [
        "interactions up or stable vs the previous 90 days (3 vs 0)",
        "no interaction in the last two periods",
    ]
    assert english["irritants"].tolist() == [
        "1 irritant in the last 90 days",
        "3 irritants in the last 90 days",
    ]
    assert english["open_critical_tickets"].tolist() == [
        "2 critical tickets open",
        "1 critical ticket open",
    ]
    assert english["nps_score_drift"][0] == "NPS mean score up 0.5 points vs the previous half-year"
    french = phrases(frame, "fr")
    assert (
        french["nps_score_drift"][0] == "note NPS moyenne en hausse de 0,5 points sur un semestre"
    )
    assert french["open_critical_tickets"][1] == "1 ticket critique ouvert"
