"""The whitespace map: the client's business units by our products, and what we sold where.

A cell (account, business unit, product), as of D:

- ``won``: an opportunity of that unit and product won in the last 12 months
  (``closed_on`` in (D-365, D]), with the amount won;
- ``open``: else, opportunities open at D, with their amount and the furthest stage;
- ``lost``: else, an opportunity lost in the last 12 months;
- ``empty``: none of these: whitespace.

The business units of an account at D are the non-empty ``business_unit`` of its contacts
active at D and of its opportunities created on or before D. The products are the rows of
the ``products`` table when the portfolio has one (in its order), else the non-empty
``product`` of every opportunity created on or before D (alphabetical). Opportunities
without a product are left out of the map; those without a business unit sit in a row of
their own (``business_unit`` missing) that counts in no KPI.

For an empty cell, :func:`whitespace_hints` gives a *hint* (never a fact): among the
account's peers (the other accounts of its industry), the share that bought the product in
the last 12 months and their median spend on it.

KPI columns (:data:`PRODUCT_COLUMNS`, the block :func:`product_columns`):
``products_owned`` (products won in the last 12 months), ``product_penetration_pct``
(100 x products_owned / products in the catalogue at D) and ``whitespace_cells`` (empty
cells of the named business units).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.config import Config
from acctkit.data.portfolio import Portfolio
from acctkit.kpis.grid import Groups, nan_columns
from acctkit.kpis.windows import as_of_date, day_numbers, ratio

PRODUCT_COLUMNS = ("products_owned", "product_penetration_pct", "whitespace_cells")
YEAR_DAYS = 365
"""The "last 12 months" of a cell: (D-365, D], as for the win rate."""
STATUSES = ("won", "open", "lost", "empty")
OPEN_STAGES = ("prospecting", "qualification", "proposal", "negotiation")
MIN_PEERS = 3
"""Fewer peers than this in the industry: no hint."""
MAP_COLUMNS = (
    "account_id",
    "business_unit",
    "product",
    "family",
    "status",
    "won_amount",
    "open_amount",
    "open_stage",
    "lost_amount",
)


def _labels(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def product_catalogue(portfolio: Portfolio, as_of: object) -> pd.DataFrame:
    """The products of the map, in order: ``product``, ``family`` (missing when unknown)."""
    if portfolio.products is not None:
        products = portfolio.products
        return pd.DataFrame(
            {
                "product": _labels(products["product"]).to_numpy(dtype=object),
                "family": _labels(products["family"]).to_numpy(dtype=object),
            }
        ).dropna(subset=["product"])
    opportunities = portfolio.opportunities
    if opportunities is None:
        return pd.DataFrame({"product": [], "family": []}, dtype=object)
    date = as_of_date(as_of)
    product = _labels(opportunities["product"])[opportunities["created_on"] <= date].dropna()
    names = sorted(pd.unique(product.to_numpy(dtype=object)), key=lambda s: (s.casefold(), s))
    return pd.DataFrame({"product": names, "family": [None] * len(names)}, dtype=object)


def product_columns(
    portfolio: Portfolio, days: np.ndarray, window_days: int, config: Config
) -> dict[str, np.ndarray]:
    """Products owned, product penetration and whitespace cells at each date."""
    n_accounts = len(portfolio.accounts)
    opportunities = portfolio.opportunities
    if opportunities is None:
        return nan_columns(PRODUCT_COLUMNS, n_accounts, days)
    days = np.asarray(days, dtype=np.float64)
    account = opportunities["account_id"].cat.codes.to_numpy(np.int64)
    created = day_numbers(opportunities["created_on"])
    closed = day_numbers(opportunities["closed_on"])
    closed = np.where(np.isnan(closed), np.inf, closed)
    won = (opportunities["stage"] == "closed_won").to_numpy(dtype=bool)
    product = _labels(opportunities["product"])

    if portfolio.products is not None:
        names = pd.Index(_labels(portfolio.products["product"]).dropna().to_numpy(dtype=object))
        product_code = pd.Categorical(product, categories=names).codes.astype(np.int64)
        n_products = np.full(len(days), float(len(names)))
    else:
        product_code, names = pd.factorize(product)
        first = np.full(len(names), np.inf)
        known = product_code >= 0
        np.minimum.at(first, product_code[known], created[known])
        n_products = (first[:, None] <= days[None, :]).sum(axis=0).astype(np.float64)
    n_names = max(len(names), 1)

    # products owned: (account, product) pairs with a win in (D-365, D]
    in_year = (closed[:, None] <= days[None, :]) & (closed[:, None] > days[None, :] - YEAR_DAYS)
    bought = won & (product_code >= 0)
    pairs, pair_of = np.unique(
        account[bought] * n_names + product_code[bought], return_inverse=True
    )
    pair_bought = Groups(pair_of, len(pairs)).any(in_year[bought])
    owned = Groups(pairs // n_names, n_accounts).sum(pair_bought).astype(np.float64)

    cells = _whitespace_cells(portfolio, account, created, closed, product_code, days, n_products)
    return {
        "products_owned": owned,
        "product_penetration_pct": ratio(owned, np.broadcast_to(n_products, owned.shape), 100.0),
        "whitespace_cells": cells,
    }


def _whitespace_cells(
    portfolio: Portfolio,
    account: np.ndarray,
    created: np.ndarray,
    closed: np.ndarray,
    product_code: np.ndarray,
    days: np.ndarray,
    n_products: np.ndarray,
) -> np.ndarray:
    """Business units known at D x products at D, minus the cells touched (won or lost in
    the last 12 months, or open at D)."""
    n_accounts = len(portfolio.accounts)
    opportunities = portfolio.opportunities
    opp_unit = _labels(opportunities["business_unit"])
    unit_sources = [opp_unit]
    contacts = portfolio.contacts
    if contacts is not None:
        unit_sources.append(_labels(contacts["business_unit"]))
    unit_code, units = pd.factorize(pd.concat(unit_sources, ignore_index=True))
    n_units = max(len(units), 1)
    opp_units = unit_code[: len(opp_unit)]

    # units known at D: an active contact, or an opportunity created on or before D
    keys = [account * n_units + opp_units]
    known_at = [np.where(opp_units >= 0, created, np.inf)[:, None] <= days[None, :]]
    if contacts is not None:
        contact_units = unit_code[len(opp_unit) :]
        contact_account = contacts["account_id"].cat.codes.to_numpy(np.int64)
        active = ~(day_numbers(contacts["left_on"])[:, None] <= days[None, :])
        keys.append(contact_account * n_units + contact_units)
        known_at.append(active & (contact_units >= 0)[:, None])
    key = np.concatenate(keys)
    flags = np.concatenate(known_at)
    with_unit = np.concatenate(
        [opp_units >= 0] + ([contact_units >= 0] if contacts is not None else [])
    )
    pairs, pair_of = np.unique(key[with_unit], return_inverse=True)
    unit_known = Groups(pair_of, len(pairs)).any(flags[with_unit])
    units_at = Groups(pairs // n_units, n_accounts).sum(unit_known).astype(np.float64)

    # cells touched: an opportunity created <= D that is open at D or closed in (D-365, D]
    placed = (opp_units >= 0) & (product_code >= 0)
    n_names = int(product_code.max()) + 1 if len(product_code) and product_code.max() >= 0 else 1
    cell = (account * n_units + opp_units) * n_names + product_code
    touched = (created[placed, None] <= days[None, :]) & (
        closed[placed, None] > days[None, :] - YEAR_DAYS
    )
    cells, cell_of = np.unique(cell[placed], return_inverse=True)
    cell_touched = Groups(cell_of, len(cells)).any(touched)
    touched_at = Groups(cells // (n_units * n_names), n_accounts).sum(cell_touched)
    return units_at * n_products[None, :] - touched_at


def whitespace_map(portfolio: Portfolio, as_of: object, account_ids: object = None) -> pd.DataFrame:
    """The whitespace map of each account (or of the accounts given), as of D.

    Returns
    -------
    DataFrame
        Tidy, one row per (account, business unit, product): :data:`MAP_COLUMNS`.
        ``status`` is ``won``, ``open``, ``lost`` or ``empty``; amounts are sums (0 when
        none); ``open_stage`` the furthest stage at D among the open opportunities (their
        recorded stage, or the latest stage change on or before D; ``prospecting`` when
        unknown: closed since, without a stage change on record). Business units in
        alphabetical order, the row of opportunities without a unit (``business_unit``
        missing) last; products in catalogue order. No row for an account without a known
        business unit or a portfolio without products.
    """
    date = as_of_date(as_of)
    catalogue = product_catalogue(portfolio, date)
    ids = portfolio.account_ids if account_ids is None else pd.Index(list(account_ids))
    amounts = ("won_amount", "open_amount", "lost_amount")
    empty = pd.DataFrame(
        {c: pd.Series([], dtype="float64" if c in amounts else object) for c in MAP_COLUMNS}
    )
    opportunities = portfolio.opportunities
    if opportunities is None or catalogue.empty:
        return empty
    units = _units_at(portfolio, date, ids)
    opps = _opportunities_at(portfolio, date)
    opps = opps[opps["account_id"].isin(ids) & opps["product"].isin(catalogue["product"])]
    extra = opps.loc[opps["business_unit"].isna(), ["account_id"]].drop_duplicates()
    rows = pd.concat([units, extra.assign(business_unit=None)], ignore_index=True)
    if rows.empty:
        return empty
    # integer codes: account (ids order), unit (alphabetical, the missing unit last), product
    unit_names = pd.Index(pd.unique(rows["business_unit"].dropna().to_numpy(dtype=object)))
    order = sorted(range(len(unit_names)), key=lambda k: (str(unit_names[k]).casefold(), k))
    unit_names = unit_names[order]
    n_units, n_products = len(unit_names) + 1, len(catalogue)

    def unit_codes(values: pd.Series) -> np.ndarray:
        codes = unit_names.get_indexer(values.to_numpy(dtype=object))
        return np.where(codes < 0, n_units - 1, codes).astype(np.int64)

    row_key = np.unique(
        pd.Categorical(rows["account_id"], categories=ids).codes.astype(np.int64) * n_units
        + unit_codes(rows["business_unit"])
    )
    grid_key = (np.repeat(row_key, n_products) * n_products) + np.tile(
        np.arange(n_products), len(row_key)
    )
    product_code = pd.Categorical(opps["product"], categories=catalogue["product"]).codes
    opp_key = (
        pd.Categorical(opps["account_id"], categories=ids).codes.astype(np.int64) * n_units
        + unit_codes(opps["business_unit"])
    ) * n_products + product_code.astype(np.int64)
    cells, cell_of = np.unique(opp_key, return_inverse=True)
    amount = opps["amount"].to_numpy(dtype=np.float64)

    def per_cell(flags: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        values = flags.astype(np.float64) if weights is None else np.where(flags, weights, 0.0)
        return np.bincount(cell_of, weights=values, minlength=len(cells))

    won, is_open, lost = (opps[c].to_numpy(dtype=bool) for c in ("won", "open", "lost"))
    stage_rank = pd.Categorical(opps["stage_at"].where(opps["open"]), categories=OPEN_STAGES)
    furthest = np.full(len(cells), -1, dtype=np.int64)
    np.maximum.at(furthest, cell_of, stage_rank.codes.astype(np.int64))
    at = np.minimum(np.searchsorted(cells, grid_key), max(len(cells) - 1, 0))
    # no opportunity in the map's perimeter (only contacts' units): every cell is empty
    found = cells[at] == grid_key if len(cells) else np.zeros(len(grid_key), dtype=bool)

    def on_grid(values: np.ndarray, missing) -> np.ndarray:
        if not len(cells):
            return np.full(len(grid_key), missing)
        return np.where(found, values[at], missing)

    status = np.select(
        [
            on_grid(per_cell(won), 0) > 0,
            on_grid(per_cell(is_open), 0) > 0,
            on_grid(per_cell(lost), 0) > 0,
        ],
        ["won", "open", "lost"],
        "empty",
    )
    stages = np.array([*OPEN_STAGES, None], dtype=object)
    stage = stages[on_grid(furthest, -1)]
    account = grid_key // n_products // n_units
    unit = grid_key // n_products % n_units
    product = grid_key % n_products
    names = np.append(unit_names.to_numpy(dtype=object), None)
    return pd.DataFrame(
        {
            "account_id": np.asarray(ids, dtype=object)[account],
            "business_unit": names[unit],
            "product": catalogue["product"].to_numpy(dtype=object)[product],
            "family": catalogue["family"].to_numpy(dtype=object)[product],
            "status": status.astype(object),
            "won_amount": on_grid(per_cell(won, amount), 0.0),
            "open_amount": on_grid(per_cell(is_open, amount), 0.0),
            "open_stage": stage,
            "lost_amount": on_grid(per_cell(lost, amount), 0.0),
        }
    )


def _units_at(portfolio: Portfolio, date: pd.Timestamp, ids: pd.Index) -> pd.DataFrame:
    """(account_id, business_unit) known at D."""
    parts = []
    opportunities = portfolio.opportunities
    created = opportunities[opportunities["created_on"] <= date]
    parts.append(
        pd.DataFrame(
            {
                "account_id": created["account_id"].astype(object).to_numpy(),
                "business_unit": _labels(created["business_unit"]).to_numpy(object, na_value=None),
            }
        )
    )
    contacts = portfolio.contacts
    if contacts is not None:
        active = contacts[~(contacts["left_on"] <= date)]
        parts.append(
            pd.DataFrame(
                {
                    "account_id": active["account_id"].astype(object).to_numpy(),
                    "business_unit": _labels(active["business_unit"]).to_numpy(
                        object, na_value=None
                    ),
                }
            )
        )
    units = pd.concat(parts, ignore_index=True).dropna().drop_duplicates()
    return units[units["account_id"].isin(ids)]


def _opportunities_at(portfolio: Portfolio, date: pd.Timestamp) -> pd.DataFrame:
    """The opportunities created on or before D, with their state at D."""
    opportunities = portfolio.opportunities
    opps = opportunities[opportunities["created_on"] <= date]
    closed_by_d = opps["closed_on"] <= date
    stage = opps["stage"].astype(object)
    history = portfolio.stage_history
    if history is not None and len(history):
        past = history[history["changed_on"] <= date].sort_values("changed_on", kind="stable")
        latest = past.groupby("opportunity_id", observed=True)["stage"].last().astype(object)
        at_d = opps["opportunity_id"].astype(object).map(latest)
        stage = at_d.where(at_d.notna() & ~closed_by_d, stage)
    amount = opps["amount"].astype("float64").fillna(0.0).to_numpy()
    recent = (opps["closed_on"] > date - pd.Timedelta(days=YEAR_DAYS)) & closed_by_d
    won = (opps["stage"] == "closed_won").to_numpy() & recent.to_numpy()
    lost = (opps["stage"] == "closed_lost").to_numpy() & recent.to_numpy()
    is_open = ~closed_by_d.to_numpy()
    # open at D but closed since, without a stage change on record: unknown, the lowest
    stage_at = np.where(is_open & ~stage.isin(OPEN_STAGES).to_numpy(), OPEN_STAGES[0], stage)
    return pd.DataFrame(
        {
            "account_id": opps["account_id"].astype(object).to_numpy(),
            "business_unit": _labels(opps["business_unit"]).to_numpy(object, na_value=None),
            "product": _labels(opps["product"]).to_numpy(object, na_value=None),
            "won": won,
            "open": is_open,
            "lost": lost,
            "amount": amount,
            "stage_at": stage_at,
        }
    )


def _cell_values(opps: pd.DataFrame) -> pd.DataFrame:
    """Per (account, unit, product): won / open / lost flags and amounts, furthest stage."""
    key = ["account_id", "business_unit", "product"]
    frame = opps.assign(
        won_amount=np.where(opps["won"], opps["amount"], 0.0),
        open_amount=np.where(opps["open"], opps["amount"], 0.0),
        lost_amount=np.where(opps["lost"], opps["amount"], 0.0),
        stage_rank=pd.Categorical(
            opps["stage_at"].where(opps["open"]), categories=OPEN_STAGES
        ).codes,
    )
    grouped = frame.groupby(key, dropna=False, sort=False)
    out = grouped.agg(
        won=("won", "any"),
        open=("open", "any"),
        lost=("lost", "any"),
        won_amount=("won_amount", "sum"),
        open_amount=("open_amount", "sum"),
        lost_amount=("lost_amount", "sum"),
        stage_rank=("stage_rank", "max"),
    ).reset_index()
    stages = np.array([*OPEN_STAGES, None], dtype=object)
    out["open_stage"] = stages[np.where(out["stage_rank"] >= 0, out["stage_rank"], -1)]
    out.loc[~out["open"], "open_stage"] = None
    return out.drop(columns="stage_rank")


def combined_map(cells: pd.DataFrame, label: str) -> pd.DataFrame:
    """Several accounts' maps as one (a group's): cells of the same business unit and
    product merged (amounts summed, the strongest status, the furthest stage);
    ``account_id`` becomes ``label``."""
    if cells.empty:
        return cells
    frame = cells.assign(
        _rank=pd.Categorical(cells["status"], categories=STATUSES).codes,
        _stage=pd.Categorical(cells["open_stage"], categories=OPEN_STAGES).codes,
        _unit=cells["business_unit"].isna(),
        _name=cells["business_unit"].fillna("").str.casefold(),
        _product=pd.factorize(cells["product"])[0],
    )
    key = ["_unit", "_name", "business_unit", "_product", "product"]
    out = (
        frame.groupby(key, dropna=False, sort=True)
        .agg(
            family=("family", "first"),
            _rank=("_rank", "min"),
            won_amount=("won_amount", "sum"),
            open_amount=("open_amount", "sum"),
            lost_amount=("lost_amount", "sum"),
            _stage=("_stage", "max"),
        )
        .reset_index()
    )
    out["status"] = np.asarray(STATUSES, dtype=object)[out["_rank"]]
    stages = np.array([*OPEN_STAGES, None], dtype=object)
    out["open_stage"] = np.where(out["status"] == "open", stages[out["_stage"]], None)
    out["account_id"] = label
    return out[list(MAP_COLUMNS)].reset_index(drop=True)


def whitespace_hints(portfolio: Portfolio, as_of: object, account_id: str) -> pd.DataFrame:
    """A hint of potential for each product of the catalogue, for one account: among its
    peers (the *other* accounts of its industry), how many bought the product in the last
    12 months and their median spend on it (the sum won on it in those 12 months).

    Returns
    -------
    DataFrame
        One row per product (catalogue order): ``product``, ``peers``, ``buyers``,
        ``share_pct`` (100 x buyers / peers) and ``median_spend`` (over the buyers). Share
        and median are missing with fewer than :data:`MIN_PEERS` peers (or no industry).
    """
    hints = peer_hints(portfolio, as_of, [account_id])
    return hints.drop(columns="account_id").reset_index(drop=True)


def peer_hints(portfolio: Portfolio, as_of: object, account_ids: object = None) -> pd.DataFrame:
    """:func:`whitespace_hints` for many accounts at once: one row per (account, product),
    ``account_id`` first; accounts in the order given (default: all), products in
    catalogue order."""
    date = as_of_date(as_of)
    catalogue = product_catalogue(portfolio, date)
    accounts = pd.DataFrame(
        {
            "account_id": np.asarray(portfolio.account_ids, dtype=object),
            "industry": _labels(portfolio.accounts["industry"]).to_numpy(object, na_value=None),
        }
    )
    size = accounts.groupby("industry", dropna=True).size()
    accounts["peers"] = accounts["industry"].map(size).fillna(1).astype("int64") - 1
    wanted = (
        accounts
        if account_ids is None
        else accounts.set_index("account_id").loc[list(account_ids)].reset_index()
    )
    grid = wanted.merge(catalogue[["product"]], how="cross")
    spend = pd.DataFrame(columns=["account_id", "product", "spend", "industry"])
    if portfolio.opportunities is not None:
        opps = _opportunities_at(portfolio, date)
        opps = opps[opps["won"] & opps["product"].notna()]
        spend = opps.groupby(["account_id", "product"], as_index=False)["amount"].sum()
        spend = spend.rename(columns={"amount": "spend"}).merge(
            accounts[["account_id", "industry"]], on="account_id"
        )
        spend = spend[spend["industry"].notna()]
    stats = _industry_medians(spend)
    grid = grid.merge(stats["all"], on=["industry", "product"], how="left")
    grid = grid.merge(stats["self"], on=["account_id", "product"], how="left")
    own = grid["own_buyers"].notna()
    buyers = np.where(own, grid["own_buyers"], grid["buyers_all"]).astype("float64")
    median = np.where(own, grid["own_median"], grid["median_all"]).astype("float64")
    buyers = np.nan_to_num(buyers)
    enough = grid["peers"].to_numpy() >= MIN_PEERS
    with np.errstate(invalid="ignore", divide="ignore"):
        share = 100.0 * buyers / grid["peers"].to_numpy()
    return pd.DataFrame(
        {
            "account_id": grid["account_id"].to_numpy(dtype=object),
            "product": grid["product"].to_numpy(dtype=object),
            "peers": grid["peers"].to_numpy(dtype=np.int64),
            "buyers": buyers.astype(np.int64),
            "share_pct": np.where(enough, share, np.nan),
            "median_spend": np.where(enough & (buyers > 0), median, np.nan),
        }
    )


def _industry_medians(spend: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per (industry, product): buyers and their median spend; per buying account: the
    same over the *other* buyers of its industry (itself left out)."""
    rows_all, rows_self = [], []
    for (industry, product), frame in spend.groupby(["industry", "product"], sort=False):
        values = frame["spend"].to_numpy(dtype=np.float64)
        order = np.argsort(values, kind="stable")
        ordered = values[order]
        m = len(values)
        rows_all.append((industry, product, m, float(np.median(ordered))))
        rank = np.empty(m, dtype=np.int64)
        rank[order] = np.arange(m)
        if m == 1:
            medians = np.full(1, np.nan)
        else:
            k1, k2 = (m - 2) // 2, (m - 1) // 2
            first = np.where(k1 < rank, k1, k1 + 1)
            second = np.where(k2 < rank, k2, k2 + 1)
            medians = (ordered[first] + ordered[second]) / 2
        for account, median in zip(frame["account_id"], medians, strict=True):
            rows_self.append((account, product, m - 1, median))
    return {
        "all": pd.DataFrame(rows_all, columns=["industry", "product", "buyers_all", "median_all"]),
        "self": pd.DataFrame(
            rows_self, columns=["account_id", "product", "own_buyers", "own_median"]
        ),
    }
