"""Charts: what each figure draws (bars, points, labels), its words in the report language,
and the PNG it becomes. Frames are built by hand with the bundle's columns."""

from __future__ import annotations

import struct

import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from acctkit import plots, theme
from acctkit.display import show
from acctkit.format import NBSP

MONTHS = pd.date_range("2025-11-30", periods=12, freq="ME")


@pytest.fixture
def kpis():
    return pd.DataFrame(
        {
            "account_id": ["A1"],
            "annual_revenue": [600_000.0],
            "estimated_budget": [1_000_000.0],
            "whitespace": [400_000.0],
            "expansion_pipeline": [150_000.0],
            "share_of_wallet_pct": [60.0],
            "won_renewal": [120_000.0],
            "won_upsell": [0.0],
            "won_cross_sell": [30_000.0],
            "won_new": [np.nan],
        }
    )


@pytest.fixture
def contacts():
    return pd.DataFrame(
        {
            "name": ["Sara Lee", "Tom <b>", "Uma", "Vic", "Wes"],
            "level": pd.Categorical(
                ["c_level", "manager", "manager", "user", "director"],
                categories=["user", "manager", "director", "c_level"],
                ordered=True,
            ),
            "business_unit": ["Finance", "Finance", "Finance", None, "IT"],
            "role": ["sponsor", "user", "influencer", "other", "decision_maker"],
            "is_key": [True, True, False, False, True],
            "engaged": [True, False, True, False, True],
        }
    )


@pytest.fixture
def activity():
    interactions = [8, 7, 8, 4, 7, 11, 7, 11, 10, 11, 11, 6]
    scores = [7.0, np.nan, 9.5, np.nan, np.nan, 6.0, np.nan, np.nan, 8.0, np.nan, np.nan, 9.0]
    return pd.DataFrame(
        {
            "account_id": ["A1"] * 12,
            "month": MONTHS,
            "interactions": interactions,
            "irritants": [0, 0, 1, 0, 2, 0, 0, 0, 1, 0, 0, 3],
            "nps_responses": [1, 0, 2, 0, 0, 1, 0, 0, 1, 0, 0, 2],
            "nps_mean_score": scores,
        }
    )


@pytest.fixture
def pipeline():
    return pd.DataFrame(
        {
            "stage_at": ["proposal", "negotiation", "negotiation", None],
            "amount": [100_000.0, 200_000.0, 50_000.0, 10_000.0],
            "weighted": [50_000.0, 150_000.0, 37_500.0, 5_000.0],
        }
    )


def bar_widths(axes) -> list[float]:
    return [patch.get_width() for patch in axes.patches]


def points(axes) -> int:
    return sum(len(c.get_offsets()) for c in axes.collections if isinstance(c, PathCollection))


def texts(figure: Figure) -> list[str]:
    return [t.get_text() for axes in figure.axes for t in axes.texts]


def test_wallet_chart_splits_the_budget(kpis):
    figure = plots.wallet_chart(kpis, "fr")
    (axes,) = figure.axes
    assert bar_widths(axes) == [600_000.0, 400_000.0, 150_000.0]  # captured, whitespace, pipeline
    assert axes.get_title(loc="left") == f"Part de portefeuille : 60,0{NBSP}%"
    assert axes.get_xlabel() == "Montant"
    assert [t.get_text() for t in axes.get_yticklabels()] == [
        "Budget adressable",
        "Pipeline upsell / cross-sell",
    ]
    assert f"600{NBSP}k" in texts(figure) and f"150{NBSP}k" in texts(figure)


def test_stakeholder_map_places_and_names_every_contact(contacts):
    figure = plots.stakeholder_map(contacts, "en", window_days=60)
    (axes,) = figure.axes
    assert points(axes) == 5
    assert sorted(texts(figure)) == sorted(contacts["name"])
    assert [t.get_text() for t in axes.get_xticklabels()] == ["Finance", "IT", "No unit"]
    assert [t.get_text() for t in axes.get_yticklabels()] == [
        "User",
        "Manager",
        "Director",
        "C-level",
    ]
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("Business unit", "Level")
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend[0] == "Met in the last 60 days" and "Sponsor" in legend
    bold = {t.get_text() for t in axes.texts if t.get_fontweight() == "bold"}
    assert bold == {"Sara Lee", "Tom <b>", "Wes"}  # the key contacts
    # two contacts share the Finance / manager cell: they are spread apart
    offsets = np.concatenate([c.get_offsets() for c in axes.collections])
    finance_managers = offsets[(offsets[:, 0] == 0) & (np.abs(offsets[:, 1] - 1) < 0.5)]
    assert len(finance_managers) == 2 and finance_managers[0, 1] != finance_managers[1, 1]


def test_stakeholder_map_fills_engaged_contacts_only(contacts):
    figure = plots.stakeholder_map(contacts.iloc[[0, 1]], "fr")
    (axes,) = figure.axes
    faces = {
        tuple(np.round(c.get_facecolors()[0][:3], 2))
        for c in axes.collections
        if len(c.get_offsets())
    }
    assert (1.0, 1.0, 1.0) in faces  # the silent contact is hollow
    assert axes.get_ylabel() == "Niveau" and axes.get_xlabel() == "Entité"


def test_interactions_chart_has_one_bar_per_month(activity):
    figure = plots.interactions_chart(activity, "fr")
    (axes,) = figure.axes
    assert [p.get_height() for p in axes.patches] == activity["interactions"].tolist()
    ticks = [t.get_text() for t in axes.get_xticklabels()]
    assert ticks[0] == "nov.\n2025" and ticks[2] == "janv.\n2026" and ticks[-1] == "oct."
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("Mois", "Interactions")


def test_interactions_chart_marks_the_missed_meetings(activity):
    missed = [0] * 10 + [2, 1]
    figure = plots.interactions_chart(activity.assign(missed_meetings=missed), "en")
    (axes,) = figure.axes
    heights = [p.get_height() for p in axes.patches]
    assert heights == activity["interactions"].tolist() + missed
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["Meetings the client missed"]
    red = [t.get_text() for t in axes.texts if t.get_text()][-2:]
    assert red == ["2", "1"]
    unmarked = plots.interactions_chart(activity.assign(missed_meetings=0), "fr")
    assert unmarked.axes[0].get_legend() is None
    assert len(unmarked.axes[0].patches) == 12


def test_pipeline_chart_by_stage(pipeline):
    figure = plots.pipeline_chart(pipeline, "en")
    (axes,) = figure.axes
    stages = [t.get_text() for t in axes.get_yticklabels()]
    assert stages == ["Prospecting", "Qualification", "Proposal", "Negotiation", "Stage unknown"]
    open_bars = bar_widths(axes)[:5]
    assert open_bars == [0.0, 0.0, 100_000.0, 250_000.0, 10_000.0]
    weighted = bar_widths(axes)[5:]
    assert weighted == [0.0, 0.0, 50_000.0, 187_500.0, 5_000.0]
    assert "250k · 2 deals" in texts(figure) and "100k · 1 deal" in texts(figure)
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("Amount", "Stage")


def test_won_chart_by_kind(kpis):
    figure = plots.won_chart(kpis, "fr", window_days=90)
    (axes,) = figure.axes
    assert bar_widths(axes) == [120_000.0, 0.0, 30_000.0, 0.0]  # renewal, upsell, cross, new
    assert [t.get_text() for t in axes.get_yticklabels()] == [
        "Renouvellements",
        "Upsells",
        "Cross-sells",
        "Nouveaux deals",
    ]
    assert axes.get_title(loc="left") == "Revenus gagnés sur les 90 derniers jours"
    nothing = plots.won_chart(kpis.assign(won_renewal=0.0, won_cross_sell=0.0), "en")
    assert "No deal won in the last 90 days" in texts(nothing)


def test_satisfaction_chart(activity):
    figure = plots.satisfaction_chart(activity, "en")
    top, bottom = figure.axes
    line = top.lines[0]
    assert np.count_nonzero(~np.isnan(line.get_ydata())) == 5  # months with answers
    assert [p.get_height() for p in bottom.patches] == activity["irritants"].tolist()
    assert top.get_ylabel() == "Mean NPS score (0-10)" and bottom.get_ylabel() == "Irritants"
    assert {"Detractors", "Passives", "Promoters"} <= set(texts(figure))


def test_risk_trend_chart():
    history = pd.DataFrame(
        {
            "as_of": pd.date_range("2026-05-31", periods=6, freq="ME"),
            "risk_probability": [0.2, 0.25, 0.31, 0.4, 0.55, 0.62],
        }
    )
    figure = plots.risk_trend_chart(history, "fr", {"medium": 0.3, "high": 0.5})
    (axes,) = figure.axes
    assert list(axes.lines[0].get_ydata()) == history["risk_probability"].tolist()
    assert {"Faible", "Moyen", "Élevé", f"62{NBSP}%"} <= set(texts(figure))
    assert axes.get_ylabel() == "Probabilité"


def test_risk_trend_of_biweekly_reviews_is_per_review_not_per_month():
    dates = ["2026-09-15", "2026-09-30", "2026-10-15", "2026-10-31"]
    history = pd.DataFrame(
        {"as_of": pd.to_datetime(dates), "risk_probability": [0.2, 0.25, 0.3, 0.2]}
    )
    for lang, title, axis, first in (
        ("en", "Early-warning risk at each review", "Review", "15 Sep\n2026"),
        ("fr", "Risque d'alerte précoce à chaque revue", "Revue", "15 sept.\n2026"),
    ):
        figure = plots.risk_trend_chart(history, lang)
        (axes,) = figure.axes
        assert plots.figure_title(figure) == title
        assert axes.get_xlabel() == axis
        assert axes.get_xticklabels()[0].get_text() == first
    monthly = history.iloc[[1, 3]]
    figure = plots.risk_trend_chart(monthly, "en")
    assert plots.figure_title(figure) == "Early-warning risk by month"
    assert figure.axes[0].get_xlabel() == "Month"


def test_portfolio_matrix():
    kpis = pd.DataFrame(
        {
            "account_id": [f"A{i}" for i in range(6)],
            "potential_score": [70.0, 50.0, 30.0, 65.0, np.nan, 45.0],
            "relationship_score": [80.0, 60.0, 20.0, 40.0, 50.0, 90.0],
            "annual_revenue": [5e6, 1e6, 2e5, 3e6, 1e5, 8e5],
            "health_band": pd.Categorical(["green", "amber", "red", None, "green", "green"]),
        }
    )
    accounts = pd.DataFrame({"account_id": kpis["account_id"], "name": list("ABCDEF")})
    figure = plots.portfolio_matrix(kpis, accounts, "fr", named=2)
    (axes,) = figure.axes
    assert points(axes) == 5  # one account has no potential score
    named = [t.get_text() for t in axes.texts if t.get_text() in set("ABCDEF")]
    assert sorted(named) == ["A", "D"]  # the two largest revenues
    zones = {"Désprioriser", "Maintenir", "Élever / investir"}
    assert zones <= set(texts(figure))
    assert "1 compte(s) sans les deux scores non représenté(s)" in texts(figure)
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("Score de potentiel", "Score relationnel")


@pytest.mark.parametrize(
    ("function", "table"),
    [
        (plots.wallet_chart, "kpis"),
        (plots.won_chart, "kpis"),
        (plots.stakeholder_map, "contacts"),
        (plots.interactions_chart, "activity"),
        (plots.satisfaction_chart, "activity"),
        (plots.pipeline_chart, "pipeline"),
    ],
)
def test_nothing_to_draw_gives_a_figure_without_axes(function, table, request):
    empty = request.getfixturevalue(table).iloc[:0]
    figure = function(empty, "en")
    assert isinstance(figure, Figure) and figure.axes == []


def test_no_risk_history_without_a_model():
    empty = pd.DataFrame(columns=["account_id", "as_of", "risk_probability"])
    assert plots.risk_trend_chart(empty, "en").axes == []


def test_png_is_small_and_at_100_dpi(activity):
    png = plots.figure_png(plots.interactions_chart(activity, "en"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width == round(theme.WIDTH * theme.DPI) and height == 240
    assert len(png) < 20_000


def test_show_displays_a_png_with_its_title_as_alt(monkeypatch, activity):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    show(plots.interactions_chart(activity, "fr"))
    show(Figure())  # nothing to draw: nothing shown
    (image,) = shown
    assert image.metadata == {"alt": "Interactions par mois"}
    assert image.data[:4] == b"\x89PNG"


def test_palette_band_colours_are_the_stylesheets():
    from acctkit.report.html import stylesheet

    css = stylesheet()
    for band, colour in theme.BAND_COLOURS.items():
        assert f".ak-badge.ak-{band}{{background:{colour}" in css
