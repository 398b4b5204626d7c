"""Rich display in a notebook: the KPI table as a Styler, the alerts, the model as HTML."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pandas as pd
import pytest

from acctkit import EarlyWarningModel, compute_alerts, compute_kpis, load_portfolio
from acctkit.data import from_frames
from acctkit.datasets import generate_tables
from acctkit.display import style_alerts, style_kpis
from acctkit.format import NBSP
from acctkit.model.html import model_html
from acctkit.plots import number_ticks, percent_ticks

WORKED = Path(__file__).parent / "fixtures" / "worked-example"


@pytest.fixture(scope="module")
def kpis():
    return compute_kpis(load_portfolio(WORKED), "2026-06-30")


def cells(html: str) -> list[str]:
    """The text of every header and data cell, in order."""
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", html)]


def test_style_kpis_translates_headers_and_formats_values(kpis):
    columns = ["potential_score", "segment", "coverage_pct", "has_sponsor", "annual_revenue"]
    styler = style_kpis(kpis, lang="fr", columns=columns)
    texts = cells(styler.to_html())
    for header in ("Score de potentiel", "Recommandation", "Couverture de compte", "CA 12 mois"):
        assert header in texts
    assert "Compte" in texts  # the index name
    assert "Élever / investir" in texts and f"100,0{NBSP}%" in texts
    assert "Oui" in texts and f"500{NBSP}000" in texts and "62,7" in texts
    assert styler.data.columns.tolist() == columns  # the data keeps the contract's names


def test_style_kpis_tints_scores_by_band_and_says_missing(kpis):
    frame = kpis[["execution_score", "health_score", "health_band", "win_rate_pct"]]
    html = style_kpis(frame).to_html()
    red = "rgba(198, 40, 40, 0.16)"  # the red band colour, lightly
    amber, green = "rgba(230, 159, 0, 0.16)", "rgba(46, 125, 50, 0.16)"
    assert amber in html and green in html and red not in html  # W1 execution 46.75: amber
    assert "n/a" in cells(html)  # W2 has no win rate
    assert "Green" in cells(html)


def test_style_kpis_does_not_touch_the_frame(kpis):
    before = kpis.copy()
    style_kpis(kpis, "fr").to_html()
    pd.testing.assert_frame_equal(kpis, before)


def test_style_alerts_in_french(kpis):
    alerts = compute_alerts(kpis, lang="fr")
    html = style_alerts(alerts, "fr").to_html()
    texts = cells(html)
    assert texts[:6] == ["Compte", "Gravité", "Alerte", "Valeur", "Seuil", "Message"]
    assert "Élevée" in texts and "Tickets critiques ouverts" in texts
    assert "rgba(198, 40, 40, 0.16)" in html  # high severity tinted red
    assert len(alerts) == sum(t in {"W1", "W2"} for t in texts)


@pytest.fixture(scope="module")
def model():
    portfolio = from_frames(generate_tables(n_accounts=60, months=24, end="2026-10-31", seed=0))
    return EarlyWarningModel().fit(portfolio, "2026-10-31")


def test_model_html_shows_metrics_coefficients_and_warnings(model):
    html = model_html(model)
    assert "As of 2026-10-31, horizon 180 days" in html
    for text in ("Hold-out evaluation", "roc_auc", "NPS drift rule", "odds_ratio", "intercept"):
        assert text in html
    auc = model.metrics_.loc["model", "roc_auc"]
    assert f"{auc:.3f}" in html
    warned = copy.copy(model)
    warned.warnings_ = ["<b>few</b> positives"]
    assert "&lt;b&gt;few&lt;/b&gt; positives" in model_html(warned)


def test_model_html_of_an_unfitted_model():
    html = model_html(EarlyWarningModel(horizon_days=90))
    assert "horizon_days=90" in html and "Not fitted yet" in html and "<table" not in html


def test_tick_formatters_speak_the_language():
    assert number_ticks("fr")(0.5, 0) == "0,5" and number_ticks("en")(1200.0, 0) == "1,200"
    assert number_ticks("en")(0.25, 0) == "0.25"
    assert percent_ticks("fr")(0.025, 0) == f"2,5{NBSP}%"
    assert percent_ticks("en")(0.25, 0) == f"25{NBSP}%"
