"""The account plan in the review pages (account-plan.md): the "Plan vs reality" blocks and
the portfolio's plan parts, on the worked example's bundle (W1 has a plan in force on
2026-06-30, W2 none), in both languages; a bundle without plans shows none of them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from acctkit import load_portfolio, plots
from acctkit.report import plan_sections
from acctkit.report.bundle import build_bundle, load_account, load_tables

WORKED = Path(__file__).parent / "fixtures" / "worked-example"


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    portfolio = load_portfolio(WORKED)
    root = tmp_path_factory.mktemp("plan-bundles")
    bare = dataclasses.replace(portfolio, plans=None, objectives=None, plan_items=None)
    return (
        build_bundle(portfolio, "2026-06-30", root / "plans"),
        build_bundle(bare, "2026-06-30", root / "bare"),
    )


def html(block) -> str:
    return str(block._repr_html_() or "") if hasattr(block, "_repr_html_") else str(block)


def test_the_bundle_holds_the_plan_of_w1_only(bundles):
    tables = load_tables(bundles[0], ("plan", "objectives", "plan_items", "plan_actions"))
    assert tables["plan"]["plan_id"].tolist() == ["PW1"]
    objectives = tables["objectives"].set_index("objective_id")
    assert objectives.index.tolist() == ["O1", "O2", "O3", "O4", "O5", "PW1:revenue"]
    assert objectives.loc["O2", "status"] == "at_risk"
    # the previous review (2026-05-31): O4 had A1 done (05-05) of 3 linked actions
    assert objectives.loc["O4", "progress_prev"] == pytest.approx(100 / 3)
    assert objectives.loc["PW1:revenue", "target"] == 300_000
    # I2 open (opened 06-01, after the previous review: new); I3 open and new; I1 closed on
    # 05-01 (before the previous review) and I4 opened after D: not shown
    items = tables["plan_items"].set_index("item_id")
    assert items.index.tolist() == ["I2", "I3"]
    assert items["is_new"].tolist() == [True, True]
    actions = tables["plan_actions"]
    assert actions["action_id"].tolist() == ["A1", "A2", "A3"]
    assert actions["state"].tolist() == ["done", "overdue", "done"]


@pytest.mark.parametrize(
    "lang, heading, status",
    [("en", "Plan vs reality", "Off track"), ("fr", "Le plan face au terrain", "En dérive")],
)
def test_the_section_of_an_account_with_a_plan(bundles, lang, heading, status):
    w1 = load_account(bundles[0], "W1")
    section = html(plan_sections.plan_section(w1, lang))
    assert heading in section and "Northwind 2026" in section and status in section
    assert "cold chain" in section  # the ambition
    assert "Engage every key contact" in section and "ak-m66" in section  # O1's expected mark
    items = html(plan_sections.items_table(w1, lang))
    assert "New CFO reviews all suppliers" in items and "Procurement freeze" not in items
    actions = html(plan_sections.actions_by_objective(w1, lang))
    assert "Executive sponsor programme" in actions and "Joint roadmap" in actions
    assert status in html(plan_sections.plan_badge(w1, lang))
    figure = plots.plan_chart(w1.objectives, w1.history, w1.plan, lang)
    assert len([axes for axes in figure.axes if axes.get_visible()]) == 4  # O1, O2, O3, revenue


def test_an_account_without_a_plan_gets_one_sentence(bundles):
    w2 = load_account(bundles[0], "W2")
    section = html(plan_sections.plan_section(w2, "en"))
    assert "No account plan is in force on 30 Jun 2026." in section
    assert "requires one" not in section  # W2 is a key account: no plan required
    assert html(plan_sections.items_table(w2, "en")) == ""
    assert not plots.plan_chart(w2.objectives, w2.history, w2.plan, "en").axes


def test_the_portfolio_parts(bundles):
    tables = load_tables(bundles[0])
    meta = load_account(bundles[0], "W1").meta
    off = html(plan_sections.off_track_objectives(tables, meta, "en"))
    assert "Turn detractors into promoters" in off and "Northwind Logistics" in off
    assert "Meet more often" not in off  # at risk, not off track
    tiles = html(plan_sections.portfolio_plan_tiles(tables, meta, "fr"))
    assert "Comptes avec un plan en vigueur" in tiles
    without = html(plan_sections.accounts_without_plan(tables, meta, "en"))
    assert "Every account of these tiers has a plan in force." in without  # W1 has one
    assert plots.plan_attainment_chart(tables["kpis"], "en").axes


def test_a_portfolio_without_plans_shows_none_of_it(bundles):
    w1 = load_account(bundles[1], "W1")
    tables = load_tables(bundles[1])
    assert html(plan_sections.plan_section(w1, "en")) == ""
    assert str(plan_sections.plan_badge(w1, "en")) == ""
    assert html(plan_sections.off_track_objectives(tables, w1.meta, "en")) == ""
    headers, body = plan_sections.ranking_plan_cells(tables["kpis"], ["x"], [["1"], ["2"]])
    assert headers == ["x"] and body == [["1"], ["2"]]
