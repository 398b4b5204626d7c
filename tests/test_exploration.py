"""Portfolio exploration on the catalogue's two-account worked example (values worked out
by hand in each test), then the exact split of score changes on the demo portfolio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from acctkit import compute_kpis, demo_portfolio, exploration, load_portfolio
from acctkit.errors import ConfigError
from acctkit.plots import figure_png

WORKED = Path(__file__).parent / "fixtures" / "worked-example"
AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def worked():
    return load_portfolio(WORKED)


@pytest.fixture(scope="module")
def kpis(worked):
    return compute_kpis(worked, AS_OF)


def changed(kpis: pd.DataFrame, account: str, **values) -> pd.DataFrame:
    """The KPIs with some values of one account changed, and every score recomputed."""
    frame = kpis.copy()
    for column, value in values.items():
        frame.loc[account, column] = value
    return exploration.rescore(frame)


# -- dates and loading -------------------------------------------------------------------------


def test_months_before_keeps_month_ends():
    assert exploration.months_before("2026-10-31", 3) == pd.Timestamp("2026-07-31")
    assert exploration.months_before("2026-05-31", 3) == pd.Timestamp("2026-02-28")
    assert exploration.months_before("2026-06-15", 1) == pd.Timestamp("2026-05-15")


def test_open_portfolio_reads_a_folder_or_gives_the_demo(worked):
    assert len(exploration.open_portfolio(str(WORKED)).accounts) == 2
    assert len(exploration.open_portfolio("").accounts) == 120
    assert exploration.account_names(worked)["W1"] == worked.accounts["name"].iloc[0]


# -- distributions -------------------------------------------------------------------------------


def test_kpi_distributions_by_hand(kpis):
    table = exploration.kpi_distributions(kpis, ["potential_score", "win_rate_pct"])
    assert table.loc["potential_score", ["accounts", "missing"]].tolist() == [2, 0]
    assert table.loc["potential_score", "median"] == pytest.approx((62.75 + 69.25) / 2)
    assert table.loc["potential_score", ["min", "max"]].tolist() == pytest.approx([62.75, 69.25])
    assert table.loc["win_rate_pct", ["accounts", "missing"]].tolist() == [1, 1]


# -- migration and why -----------------------------------------------------------------------------


def test_segment_migration_counts_moves():
    before = pd.Series(["invest", "invest", "maintain", "deprioritize"], name="segment")
    after = pd.Series(["invest", "maintain", "maintain", "maintain"], name="segment_what_if")
    table = exploration.segment_migration(before, after)
    assert table.index.tolist() == ["invest", "maintain", "deprioritize"]
    assert table.loc["invest"].tolist() == [1, 1, 0]
    assert table.loc["deprioritize", "maintain"] == 1 and table.to_numpy().sum() == 4
    with_unrated = exploration.segment_migration(before, after.replace("invest", "unrated"))
    assert with_unrated.columns.tolist()[-1] == "unrated"


def test_segment_moves_on_the_worked_example(kpis):
    # W1's strategic fit falls from 3 to 1: fit component 0.5 -> 0, worth 0.2 x 0.5 = 10 points
    # out of a full weight of 1: potential 62.75 -> 52.75, invest -> maintain.
    after = changed(kpis, "W1", strategic_fit=1.0)
    before_copy = kpis.copy()
    moves = exploration.segment_moves(kpis, after)
    pd.testing.assert_frame_equal(kpis, before_copy)
    assert moves.index.tolist() == ["W1"]
    row = moves.loc["W1"]
    assert (row["segment_before"], row["segment_after"]) == ("invest", "maintain")
    assert row["potential_score_after"] == pytest.approx(52.75)
    assert row["change"] == pytest.approx(-10.0)
    assert row["why"] == "Strategic fit -10.0 pts (3.0 / 5 → 1.0 / 5)"
    french = exploration.segment_moves(kpis, after, lang="fr").loc["W1", "why"]
    assert french == "Alignement stratégique -10,0 pts (3,0 / 5 → 1,0 / 5)"


def test_component_changes_split_a_new_component_exactly(kpis):
    # W2's execution: pipeline 0.9 (w 0.15), satisfaction 1 (0.25), calm 1 (0.15) -> 97.27.
    # A win rate of 100 % adds wins = 1 (0.2): (0.135 + 0.25 + 0.15 + 0.2) / 0.75 = 98.0.
    # The new component pulls the score from 0.535 / 0.55 towards 1 with a weight of 0.2 / 0.75.
    after = changed(kpis, "W2", win_rate_pct=100.0)
    assert after.loc["W2", "execution_score"] == pytest.approx(98.0)
    changes = exploration.component_changes(kpis, after)
    wins = changes.query("account_id == 'W2' and component == 'wins'").iloc[0]
    assert wins["status"] == "new"
    assert wins["effect"] == pytest.approx(100 * 0.2 * (1 - 0.535 / 0.55) / 0.75)
    assert (wins["kpi_before"], wins["kpi_after"]) == (pytest.approx(np.nan, nan_ok=True), 100.0)
    others = changes.query("account_id == 'W2' and score == 'execution_score'")
    assert others["effect"].sum() == pytest.approx(98.0 - kpis.loc["W2", "execution_score"])
    assert set(others["status"]) == {"kept", "new", "missing"}


def test_component_effects_add_up_to_every_score_change():
    portfolio = demo_portfolio()
    before = compute_kpis(portfolio, "2026-04-30")
    after = compute_kpis(portfolio, "2026-10-31")
    changes = exploration.component_changes(before, after)
    total = changes.groupby(["account_id", "score"])["effect"].sum(min_count=1)
    for score in exploration.FAMILY_SCORES:
        expected = (after[score] - before[score]).dropna()
        got = total.xs(score, level="score").reindex(expected.index)
        np.testing.assert_allclose(got, expected, atol=1e-9)
    assert {"new", "gone"} <= set(changes["status"])


def test_health_drops_name_the_components_that_fell(kpis):
    # W1's NPS -50 -> -100: satisfaction 0.25 -> 0, worth 0.25 x 0.25 = 6.25 execution points,
    # half of it on health (two family scores): 71.375 -> 68.25.
    after = changed(kpis, "W1", nps=-100.0)
    drops = exploration.health_drops(kpis, after)
    assert drops.index.tolist() == ["W1"]
    row = drops.loc["W1"]
    assert row["health_score_after"] == pytest.approx(68.25)
    assert (row["change"], row["execution_change"]) == (pytest.approx(-3.125), -6.25)
    assert row["relationship_change"] == 0
    assert row["why"] == "Satisfaction (NPS) -3.1 pts (-50 → -100)"


def test_health_drops_say_when_a_family_score_goes_missing(kpis):
    # W2 loses its pipeline, NPS and calm data: execution has too little data left
    after = changed(
        kpis,
        "W2",
        pipeline_maturity_pct=np.nan,
        nps=np.nan,
        irritants=pd.NA,
        open_critical_tickets=pd.NA,
    )
    drops = exploration.health_drops(kpis, after, lang="fr")
    assert drops.loc["W2", "health_score_after"] == pytest.approx(200 / 3)
    assert drops.loc["W2", "why"] == "Score d'exécution 97,3 → n.d."


# -- weights what-if -------------------------------------------------------------------------------


def test_rescore_with_the_same_configuration_changes_nothing(kpis):
    pd.testing.assert_frame_equal(exploration.rescore(kpis), kpis)


def test_weights_what_if_by_hand(kpis):
    # Components (from the worked example's KPIs):   W1     W2
    #   budget  = rank of 800k vs 400k                1.0    0.5
    #   profitability = net contribution / revenue    0.2    0.4
    #   fit = (strategic fit - 1) / 4                 0.5    1.0
    #   influence = (ecosystem influence - 1) / 4     0.5    0.75
    #   safety = 1 - (risk level - 1) / 4             0.75   1.0
    # Weights budget 0.1, profitability 0.2, fit 0.4, influence 0.15, safety 0.15 (sum 1):
    w1 = 100 * (0.1 * 1.0 + 0.2 * 0.2 + 0.4 * 0.5 + 0.15 * 0.5 + 0.15 * 0.75)
    w2 = 100 * (0.1 * 0.5 + 0.2 * 0.4 + 0.4 * 1.0 + 0.15 * 0.75 + 0.15 * 1.0)
    before = kpis.copy()
    table = exploration.weights_what_if(kpis, {"potential": {"budget": 0.1, "fit": 0.4}})
    pd.testing.assert_frame_equal(kpis, before)
    assert table["potential_score_what_if"].tolist() == pytest.approx([w1, w2])  # 52.75, 79.25
    assert table["segment_what_if"].astype(str).tolist() == ["maintain", "invest"]
    assert table["segment_changed"].tolist() == [True, False]
    assert table["potential_score"].tolist() == pytest.approx([62.75, 69.25])
    assert (table["health_score_what_if"] == table["health_score"]).all()
    migration = exploration.segment_migration(table["segment"], table["segment_what_if"])
    assert migration.loc["invest"].tolist() == [1, 1, 0]


def test_weights_what_if_over_a_custom_configuration(kpis):
    config = {"segments": {"invest": 65.0}}
    table = exploration.weights_what_if(kpis, {"potential": {"fit": 0.2}}, config=config)
    assert table["segment"].astype(str).tolist() == ["maintain", "invest"]
    assert not table["segment_changed"].any()
    with pytest.raises(ConfigError, match="weights.potential.fitt"):
        exploration.weights_what_if(kpis, {"potential": {"fitt": 0.2}})


# -- charts -------------------------------------------------------------------------------------


def test_charts_in_french(kpis):
    after = changed(kpis, "W1", strategic_fit=1.0, nps=-100.0)
    migration = exploration.segment_migration(kpis["segment"], after["segment"])
    what_if = exploration.weights_what_if(kpis, {"potential": {"budget": 0.1, "fit": 0.4}})
    drops = exploration.health_drops(kpis, after)
    figures = [
        exploration.kpi_distribution_chart(kpis, lang="fr"),
        exploration.kpi_distribution_chart(kpis, exploration.KPI_SELECTION, "fr"),
        exploration.migration_chart(migration, "fr", "2026-03-31", AS_OF),
        exploration.what_if_chart(what_if, "fr"),
        exploration.health_drop_chart(drops, "fr", "2026-03-31", names={"W1": "Acme"}),
    ]
    for figure in figures:
        assert isinstance(figure, Figure) and figure.axes
        assert len(figure_png(figure)) < 150_000
    grid = figures[2].axes[0]
    assert grid.get_ylabel() == "Revue précédente (31 mars 2026)"
    assert [t.get_text() for t in grid.get_xticklabels()][0] == "Élever / investir"
    assert figures[4].axes[0].get_yticklabels()[0].get_text() == "Acme (W1)"
    assert "1 compte(s) changent de recommandation" in [
        t.get_text() for t in figures[3].axes[0].texts
    ]
    assert exploration.health_drop_chart(drops.iloc[:0]).axes == []
