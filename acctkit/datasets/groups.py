"""Groups of accounts and a product story for the whitespace map.

Drawn from a generator of their own (spawned after every other table), so that for a seed
every other table and column stays what it was:

- ``parent_account_id``: about one account in ten heads a group of 2 to 5 entities; in
  one group of three or more in three (the first, the fourth...), the last entity hangs
  under the second one (three levels);
- the ``products`` table (our catalogue, by family), and each opportunity's ``product``
  and ``business_unit`` (and the product in its name): an industry favours three products,
  each account concentrates on a few of them, and a product sells mostly to its "home"
  business units. The maps then show a few products owned, pipeline on the neighbours and
  whitespace where the account's peers buy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.datasets.vocabulary import _BUSINESS_UNITS, _INDUSTRIES, _PRODUCTS

_FAMILIES = {
    "Fleet Analytics": "Analytics",
    "Data Platform": "Analytics",
    "Cold Chain": "Logistics",
    "Smart Metering": "Energy & utilities",
    "Field Service": "Services",
    "Managed Security": "Services",
    "Training Academy": "Services",
    "Procurement Suite": "Software",
}
_FAVOURITES = {
    "Manufacturing": ("Field Service", "Data Platform", "Procurement Suite"),
    "Retail": ("Cold Chain", "Fleet Analytics", "Data Platform"),
    "Energy": ("Smart Metering", "Field Service", "Managed Security"),
    "Transport & Logistics": ("Fleet Analytics", "Cold Chain", "Field Service"),
    "Healthcare": ("Cold Chain", "Managed Security", "Training Academy"),
    "Financial Services": ("Managed Security", "Data Platform", "Training Academy"),
    "Public Sector": ("Procurement Suite", "Managed Security", "Training Academy"),
    "Telecom": ("Field Service", "Managed Security", "Data Platform"),
    "Food & Beverage": ("Cold Chain", "Fleet Analytics", "Procurement Suite"),
    "Construction": ("Field Service", "Fleet Analytics", "Procurement Suite"),
    "Chemicals": ("Smart Metering", "Procurement Suite", "Managed Security"),
    "Software": ("Data Platform", "Managed Security", "Training Academy"),
}
_HOME_UNITS = {
    "Fleet Analytics": ("Operations", "Supply Chain"),
    "Cold Chain": ("Supply Chain", "Operations"),
    "Smart Metering": ("Operations", "Finance"),
    "Field Service": ("Operations", "IT"),
    "Data Platform": ("IT", "R&D", "Marketing"),
    "Procurement Suite": ("Procurement", "Finance"),
    "Managed Security": ("IT", "Legal"),
    "Training Academy": ("HR", "Sales"),
}
GROUP_SHARE = 0.10
"""About one account in ten heads a group."""


def _products() -> pd.DataFrame:
    """The catalogue, family by family."""
    order = sorted(_PRODUCTS, key=lambda p: (_FAMILIES[p], _PRODUCTS.index(p)))
    return pd.DataFrame(
        {
            "product": pd.array(order, dtype="str"),
            "family": pd.array([_FAMILIES[p] for p in order], dtype="str"),
        }
    )


def _parents(rng: np.random.Generator, account_ids: pd.Series) -> pd.Series:
    """Each account's parent (blank for most): disjoint groups of 2 to 5 entities."""
    n = len(account_ids)
    parent = np.full(n, -1, dtype=np.int64)
    order = rng.permutation(n)
    n_groups = int(round(GROUP_SHARE * n))
    position = 0
    wide = 0
    for _ in range(n_groups):
        size = int(rng.integers(2, 6))
        wide += size >= 3
        deep = size >= 3 and wide % 3 == 1  # the 1st, 4th, 7th... group of three or more
        if position + size > n:
            break
        top, *entities = order[position : position + size]
        parent[entities] = top
        if deep:
            parent[entities[-1]] = entities[0]
        position += size
    ids = account_ids.array.take(parent, allow_fill=True)
    return pd.Series(ids, dtype=account_ids.dtype)


def _product_story(
    rng: np.random.Generator, accounts: pd.DataFrame, opportunities: pd.DataFrame
) -> pd.DataFrame:
    """Opportunities whose product and business unit follow the industry and the account."""
    n_products = len(_PRODUCTS)
    industry = pd.Index(_INDUSTRIES).get_indexer(accounts["industry"].astype(object))
    weights = np.ones((len(_INDUSTRIES) + 1, n_products))
    for i, name in enumerate(_INDUSTRIES):
        for product in _FAVOURITES[name]:
            weights[i, _PRODUCTS.index(product)] = 8.0
    taste = weights[industry] * rng.gamma(0.6, 1.0, (len(accounts), n_products))
    taste /= taste.sum(axis=1, keepdims=True)
    account = pd.Index(accounts["account_id"]).get_indexer(opportunities["account_id"])
    cumulative = taste.cumsum(axis=1)[account]
    draw = rng.random(len(opportunities))[:, None]
    product = np.minimum((draw > cumulative).sum(axis=1), n_products - 1)

    homes = [[_BUSINESS_UNITS.index(u) for u in _HOME_UNITS[name]] for name in _PRODUCTS]
    home_count = np.array([len(h) for h in homes])
    home_table = np.full((n_products, max(home_count)), -1)
    for i, h in enumerate(homes):
        home_table[i, : len(h)] = h
    pick = (rng.random(len(opportunities)) * home_count[product]).astype(np.int64)
    home_unit = home_table[product, pick]
    any_unit = rng.integers(0, len(_BUSINESS_UNITS), len(opportunities))
    unit = np.where(rng.random(len(opportunities)) < 0.75, home_unit, any_unit)
    blank = opportunities["business_unit"].isna().to_numpy()

    old = opportunities["product"].astype(object).to_numpy()
    names = opportunities["name"].astype(object).to_numpy()
    new = np.asarray(_PRODUCTS, dtype=object)[product]
    renamed = [
        n if not isinstance(o, str) else p + n[len(o) :]
        for n, o, p in zip(names, old, new, strict=True)
    ]
    units = pd.array(list(_BUSINESS_UNITS), dtype="str").take(
        np.where(blank, -1, unit), allow_fill=True
    )
    return opportunities.assign(
        name=pd.array(renamed, dtype=opportunities["name"].dtype),
        product=pd.array(list(new), dtype=opportunities["product"].dtype),
        business_unit=pd.Series(units, index=opportunities.index),
    )


def _groups_and_products(
    rng: np.random.Generator, tables: dict[str, pd.DataFrame]
) -> dict[str, pd.DataFrame]:
    """The accounts with their parents, the opportunities retold, the products table."""
    accounts = tables["accounts"]
    out = {
        "accounts": accounts.assign(parent_account_id=_parents(rng, accounts["account_id"])),
        "opportunities": _product_story(rng, accounts, tables["opportunities"]),
        "products": _products(),
    }
    return out
