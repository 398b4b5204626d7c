"""The whitespace map: business units x products, its KPI columns and the peers' hint.

Worked by hand in docs/kpis.md ("Whitespace map: a worked example"). As of 2026-06-30, the
last 12 months are (2025-06-30, 2026-06-30].
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from acctkit.data import from_frames
from acctkit.datasets import generate_tables
from acctkit.kpis import compute_kpis
from acctkit.kpis.whitespace import (
    combined_map,
    peer_hints,
    product_catalogue,
    whitespace_hints,
    whitespace_map,
)
from tests.helpers import cut

AS_OF = "2026-06-30"

TABLES = {
    "accounts": """account_id,name,industry
A,Alpha,Energy
B,Beta,Energy
C,Gamma,Energy
E,Epsilon,Energy
F,Phi,Retail
""",
    "products": """product,family
Platform,Software
Analytics,Software
Support,Services
""",
    "contacts": """contact_id,account_id,name,business_unit,left_on
K1,A,Ann,Finance,
K2,A,Bob,Ops,
K3,A,Cyd,Legal,2026-01-01
""",
    "opportunities": """opportunity_id,account_id,product,business_unit,kind,amount,stage,created_on,closed_on
O1,A,Platform,Finance,new,100,closed_won,2026-01-01,2026-03-01
O2,A,Platform,Finance,upsell,50,closed_won,2026-02-01,2026-05-01
O3,A,Platform,Ops,new,300,proposal,2026-04-01,
O4,A,Platform,Ops,new,200,qualification,2026-05-01,
O5,A,Analytics,Ops,new,80,closed_lost,2025-12-01,2026-02-01
O6,A,Support,Finance,new,40,closed_won,2025-01-01,2025-03-01
O7,A,Analytics,Sales,new,70,prospecting,2026-08-01,
O8,A,Support,,new,60,negotiation,2026-06-01,
O9,B,Analytics,Plants,new,200,closed_won,2025-12-01,2026-01-10
O10,C,Analytics,Plants,new,100,closed_won,2026-02-01,2026-04-01
O11,C,Support,Plants,new,30,closed_won,2026-02-01,2026-04-01
O12,F,Analytics,Shops,new,999,closed_won,2026-02-01,2026-04-01
""",
}


@pytest.fixture(scope="module")
def portfolio():
    return from_frames({name: pd.read_csv(io.StringIO(text)) for name, text in TABLES.items()})


def test_map_cells_worked_by_hand(portfolio):
    cells = whitespace_map(portfolio, AS_OF, ["A"])
    got = {(r.business_unit, r.product): r for r in cells.itertuples()}
    # units at D: Finance, Ops (Legal left, Sales only after D), then the row without a unit
    assert list(dict.fromkeys(cells["business_unit"].fillna("-"))) == ["Finance", "Ops", "-"]
    assert list(cells["product"][:3]) == ["Platform", "Analytics", "Support"]  # table order
    assert got["Finance", "Platform"].status == "won"
    assert got["Finance", "Platform"].won_amount == 100 + 50
    assert got["Ops", "Platform"].status == "open"
    assert got["Ops", "Platform"].open_amount == 300 + 200
    assert got["Ops", "Platform"].open_stage == "proposal"  # the furthest of the two
    assert got["Ops", "Analytics"].status == "lost"
    assert got["Ops", "Analytics"].lost_amount == 80
    assert got["Finance", "Support"].status == "empty"  # O6 won more than 12 months ago
    assert got["Finance", "Analytics"].status == "empty"
    assert got["Ops", "Support"].status == "empty"
    unassigned = cells[cells["business_unit"].isna()].set_index("product")
    assert unassigned.loc["Support", "status"] == "open"
    assert unassigned.loc["Support", "open_stage"] == "negotiation"
    assert len(cells) == 3 * 3


def test_kpi_columns_worked_by_hand(portfolio):
    kpis = compute_kpis(portfolio, AS_OF)
    a = kpis.loc["A"]
    assert a["products_owned"] == 1  # Platform; Support's win is older than 12 months
    assert a["product_penetration_pct"] == pytest.approx(100 * 1 / 3)
    assert a["whitespace_cells"] == 2 * 3 - 3  # Finance and Ops x 3 products, 3 touched
    assert kpis.loc["C", "products_owned"] == 2
    assert kpis.loc["E", "whitespace_cells"] == 0  # no business unit known: no map
    assert kpis.loc["E", "products_owned"] == 0


def test_hint_from_peers_of_the_same_industry(portfolio):
    hints = whitespace_hints(portfolio, AS_OF, "A").set_index("product")
    assert (hints["peers"] == 3).all()  # B, C, E: F is in retail
    assert hints.loc["Analytics", "buyers"] == 2
    assert hints.loc["Analytics", "share_pct"] == pytest.approx(100 * 2 / 3)
    assert hints.loc["Analytics", "median_spend"] == pytest.approx((200 + 100) / 2)
    assert hints.loc["Support", "share_pct"] == pytest.approx(100 / 3)
    assert hints.loc["Support", "median_spend"] == 30
    assert hints.loc["Platform", "buyers"] == 0 and np.isnan(hints.loc["Platform", "median_spend"])
    buyer = whitespace_hints(portfolio, AS_OF, "C").set_index("product")  # C left out
    assert buyer.loc["Analytics", "buyers"] == 1 and buyer.loc["Analytics", "median_spend"] == 200
    few = whitespace_hints(portfolio, AS_OF, "F")  # no peer in retail
    assert few["share_pct"].isna().all()


def test_catalogue_without_products_table(portfolio):
    plain = from_frames(
        {n: f for n, f in portfolio.tables().items() if n != "products"}
        | {"accounts": portfolio.accounts.astype({"account_id": "string"})}
    )
    # products of the opportunities created by D, alphabetical (O7's Analytics is earlier)
    assert list(product_catalogue(plain, AS_OF)["product"]) == ["Analytics", "Platform", "Support"]
    assert list(product_catalogue(plain, "2025-06-30")["product"]) == ["Support"]


def test_group_map_merges_entities(portfolio):
    cells = whitespace_map(portfolio, AS_OF, ["A", "B"])
    merged = combined_map(cells, "G").set_index(["business_unit", "product"])
    assert merged.loc[("Plants", "Analytics"), "status"] == "won"
    assert merged.loc[("Ops", "Platform"), "status"] == "open"
    assert (merged["account_id"] == "G").all()


def test_unknown_product_is_a_clear_error(portfolio):
    from acctkit.errors import DataValidationError

    frames = {name: pd.read_csv(io.StringIO(text)) for name, text in TABLES.items()}
    frames["opportunities"].loc[0, "product"] = "Plattform"
    with pytest.raises(DataValidationError, match="'Plattform' not found in products.product"):
        from_frames(frames)


@pytest.mark.parametrize("offset_days", [-300, -60, 0])
def test_map_ignores_everything_after_as_of(offset_days):
    portfolio = from_frames(generate_tables(n_accounts=6, months=18, end=AS_OF, seed=3))
    as_of = pd.Timestamp(AS_OF) + pd.Timedelta(days=offset_days)
    full = whitespace_map(portfolio, as_of)
    assert not full.empty
    pd.testing.assert_frame_equal(full, whitespace_map(cut(portfolio, as_of), as_of))
    pd.testing.assert_frame_equal(
        peer_hints(portfolio, as_of), peer_hints(cut(portfolio, as_of), as_of)
    )


def test_matrix_says_each_status_in_a_symbol_and_a_legend(portfolio):
    from acctkit.kpis.whitespace import peer_hints
    from acctkit.report.whitespace import SYMBOLS, whitespace_matrix

    hints = peer_hints(portfolio, AS_OF, ["A"]).rename(
        columns={"share_pct": "hint_share_pct", "median_spend": "hint_median_spend"}
    )
    cells = whitespace_map(portfolio, AS_OF, ["A"]).merge(
        hints.drop(columns="buyers"), on=["account_id", "product"]
    )
    page = str(whitespace_matrix(cells, "en")._repr_html_())
    body = page.split("<tbody>")[1]
    assert body.count("<td") == 3 * 3 + 3  # 3 rows of cells, then the hint row
    for status, symbol in SYMBOLS.items():
        assert body.count(f"ak-ws-{status}") == int((cells["status"] == status).sum())
        assert symbol in page
    assert "Legend:" in page and "Peers (hint)" in page
    assert "67\xa0% of 3 peers bought it, median 150" in page  # Analytics, by hand above


def test_penetration_by_industry_worked_by_hand(portfolio):
    from acctkit.report.whitespace import penetration_table

    cells = whitespace_map(portfolio, AS_OF)
    share = penetration_table(cells, portfolio.accounts.astype({"account_id": str}))
    # Energy: A, B, C, E; Analytics won by B and C, Platform by A, Support by C (12 months)
    assert share.loc["Energy", "Analytics"] == pytest.approx(50.0)
    assert share.loc["Energy", "Platform"] == pytest.approx(25.0)
    assert share.loc["Energy", "Support"] == pytest.approx(25.0)
    assert share.loc["Retail", "Analytics"] == pytest.approx(100.0)  # F


def test_kpi_columns_agree_with_the_map():
    portfolio = from_frames(generate_tables(n_accounts=25, months=24, end=AS_OF, seed=11))
    cells = whitespace_map(portfolio, AS_OF)
    kpis = compute_kpis(portfolio, AS_OF)
    named = cells[cells["business_unit"].notna()]
    empty = named[named["status"] == "empty"].groupby("account_id").size()
    expected = empty.reindex(kpis.index, fill_value=0)
    assert (kpis["whitespace_cells"].astype(int) == expected).all()
    owned = cells[cells["status"] == "won"].groupby("account_id")["product"].nunique()
    assert (kpis["products_owned"].astype(int) == owned.reindex(kpis.index, fill_value=0)).all()


def test_units_without_any_opportunity_give_a_map_of_empty_cells():
    """Contacts name business units but no opportunity is in the map yet (all created after
    the date): every cell is whitespace, not an error."""
    portfolio = from_frames(
        {
            "accounts": pd.DataFrame({"account_id": ["W1"], "name": ["W"]}),
            "products": pd.DataFrame({"product": ["Platform"]}),  # the catalogue, fixed
            "contacts": pd.DataFrame(
                {
                    "contact_id": ["K1"],
                    "account_id": ["W1"],
                    "name": ["Ana"],
                    "business_unit": ["Finance"],
                }
            ),
            "opportunities": pd.DataFrame(
                {
                    "opportunity_id": ["P1"],
                    "account_id": ["W1"],
                    "product": ["Platform"],
                    "business_unit": ["Finance"],
                    "kind": ["new"],
                    "amount": [1000.0],
                    "stage": ["qualification"],
                    "created_on": [pd.Timestamp("2026-12-01")],
                }
            ),
        }
    )
    cells = whitespace_map(portfolio, "2026-06-30")
    assert list(cells["business_unit"]) == ["Finance"]
    assert list(cells["product"]) == ["Platform"]
    assert list(cells["status"]) == ["empty"]
