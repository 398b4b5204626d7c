"""Groups of accounts: a holding and its subsidiaries, rolled up along ``parent_account_id``.

A *group* is an account with at least one descendant (any depth); its *perimeter* is itself
and all its descendants. :func:`group_members` lists the perimeters; :func:`group_kpis`
gives the catalogue's columns for each group, rolled up by the rules of docs/kpis.md
("Groups"):

- amounts and counts are sums, ratios and levels are recomputed from the pooled rows: the
  perimeter's rows of every table are given to the KPI engine as the rows of one account
  (so coverage is over all the key contacts, the win rate over all the closed deals, the NPS
  over all the responses, the sponsor is the strongest active one...);
- the account economics are summed (the gross margin is the revenue-weighted mean, so the
  net contribution is the sum of the entities');
- the assessments are revenue-weighted means of the entities' (strategic fit, ecosystem
  influence), the risks the maximum (risk level, highest risk);
- the scores are recomputed from those group-level components, their percentile ranks taken
  against the other groups.

Nested groups (a subsidiary that has subsidiaries of its own) share entities. Groups whose
top account lies at the same depth have disjoint perimeters, so each depth is pooled in one
pass of the engine.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from acctkit.config import Config, load_config
from acctkit.data.portfolio import Portfolio
from acctkit.kpis.columns import KPI_COLUMNS, to_column
from acctkit.kpis.engine import ConfigSource, kpis_at
from acctkit.kpis.potential import ASSESSMENT_COLUMNS
from acctkit.kpis.scores import SCORE_BANDS, score_columns
from acctkit.kpis.whitespace import product_catalogue
from acctkit.kpis.windows import as_of_date

GROUP_COLUMNS = ("entities", "entities_engaged")
"""Columns a group has besides the catalogue's."""
SUMMED_ECONOMICS = ("annual_revenue", "estimated_budget", "tam", "cost_to_serve")
WEIGHTED_ASSESSMENTS = ("strategic_fit", "ecosystem_influence")
MAX_ASSESSMENTS = ("risk_level", "max_risk", "oldest_assessment_days")
SUMMED_ASSESSMENTS = ("stale_assessments",)
_SCORE_OUTPUTS = (*SCORE_BANDS, *SCORE_BANDS.values(), "segment")
_ENTITY_COLUMNS = (
    *ASSESSMENT_COLUMNS,
    "interactions",
    "steering_committee_expected",
    "whitespace",
)


def parent_codes(portfolio: Portfolio) -> np.ndarray:
    """Each account's parent as a row position in the accounts table (-1: no parent)."""
    accounts = portfolio.accounts
    if "parent_account_id" not in accounts.columns:
        return np.full(len(accounts), -1, dtype=np.int64)
    parent = pd.Categorical(
        accounts["parent_account_id"].astype("object"), categories=portfolio.account_ids
    )
    return parent.codes.astype(np.int64)


def group_members(portfolio: Portfolio) -> pd.DataFrame:
    """The perimeter of every group: one row per (group, entity).

    Returns
    -------
    DataFrame
        ``group_id``, ``account_id`` (the entity), ``distance`` (0 for the group's own
        account, 1 for a child, 2 for a grandchild...) and ``group_depth`` (how many
        ancestors the group's own account has: 0 for a top-level group). Groups in accounts
        table order, each followed by its entities by distance then table order. Empty (same
        columns) when no account has a parent.
    """
    parent = parent_codes(portfolio)
    n = len(parent)
    rows = np.arange(n)
    ancestors, entities, distances = [], [], []
    current, distance = parent.copy(), 1
    while (current >= 0).any():
        known = current >= 0
        ancestors.append(current[known])
        entities.append(rows[known])
        distances.append(np.full(int(known.sum()), distance))
        current = np.where(known, parent[np.maximum(current, 0)], -1)
        distance += 1
        if distance > n + 1:  # validation rejects cycles; never loop forever on bad frames
            break
    ids = portfolio.account_ids
    if not ancestors:
        return pd.DataFrame(
            {
                "group_id": pd.Series([], dtype="string"),
                "account_id": pd.Series([], dtype="string"),
                "distance": pd.Series([], dtype=np.int64),
                "group_depth": pd.Series([], dtype=np.int64),
            }
        )
    ancestor = np.concatenate(ancestors)
    entity = np.concatenate(entities)
    dist = np.concatenate(distances)
    groups = np.unique(ancestor)
    ancestor = np.concatenate([groups, ancestor])
    entity = np.concatenate([groups, entity])
    dist = np.concatenate([np.zeros(len(groups), dtype=np.int64), dist])
    depth = np.bincount(entity[dist > 0], minlength=n)  # ancestors of each account
    order = np.lexsort((entity, dist, ancestor))
    return pd.DataFrame(
        {
            "group_id": pd.array(np.asarray(ids)[ancestor[order]], dtype="string"),
            "account_id": pd.array(np.asarray(ids)[entity[order]], dtype="string"),
            "distance": dist[order].astype(np.int64),
            "group_depth": depth[ancestor[order]].astype(np.int64),
        }
    )


def groups_of_accounts(members: pd.DataFrame, account_ids: object) -> list[str]:
    """The groups that hold any of ``account_ids`` (in ``members`` order): the groups a
    report on those accounts shows. A group counts when *any* of its entities is selected,
    even when its own account is not: its KPIs still cover its whole perimeter."""
    selected = members["account_id"].isin(pd.Index(list(account_ids), dtype="object"))
    return list(pd.unique(members.loc[selected, "group_id"].to_numpy(dtype=object)))


def groups_of_account(members: pd.DataFrame, account_id: str) -> list[str]:
    """The groups an account belongs to (its own included when it is one), the top-level
    group first."""
    rows = members[members["account_id"] == account_id].sort_values("group_depth")
    return list(rows["group_id"].to_numpy(dtype=object))


def group_kpis(portfolio: Portfolio, as_of: object, config: ConfigSource = None) -> pd.DataFrame:
    """The catalogue's KPIs of every group, rolled up (docs/kpis.md, "Groups"), as of D.

    Parameters
    ----------
    portfolio
        A loaded portfolio; never modified. Groups come from ``accounts.parent_account_id``
        over the whole accounts table (a report on a few accounts still rolls a group up
        over all its entities).
    as_of
        The review date D, as for :func:`acctkit.compute_kpis`.
    config
        As for :func:`acctkit.compute_kpis`.

    Returns
    -------
    DataFrame
        One row per group (accounts table order), indexed by ``group_id``: ``entities``
        (accounts in the perimeter), ``entities_engaged`` (those with at least one
        interaction in the window; <NA> without an interactions table), then every column of
        :func:`acctkit.compute_kpis` with the same dtypes. No row when no account has a
        parent (or the accounts table has no ``parent_account_id``).
    """
    config = load_config(config)
    date = as_of_date(as_of)
    members = group_members(portfolio)
    group_ids = pd.unique(members["group_id"].to_numpy(dtype=object))
    index = pd.Index(group_ids, name="group_id", dtype="object")
    if not len(group_ids):
        empty = {c: pd.Series([], dtype=_dtype(c)) for c in (*GROUP_COLUMNS, *KPI_COLUMNS)}
        return pd.DataFrame(empty, index=index)

    ids = portfolio.account_ids
    entity_rows = ids.get_indexer(members["account_id"].to_numpy(dtype=object))
    group_rows = ids.get_indexer(members["group_id"].to_numpy(dtype=object))
    entity = kpis_at(portfolio, [date], config=config, columns=_ENTITY_COLUMNS)
    entity = entity.drop(columns=["account_id", "as_of"])

    pooled_parts = []
    for depth in sorted(members["group_depth"].unique()):
        layer = (members["group_depth"] == depth).to_numpy()
        pooled_parts.append(
            _pooled_kpis(portfolio, entity_rows[layer], group_rows[layer], date, config)
        )
    pooled = pd.concat(pooled_parts).reindex(index)

    values = {c: _floats(pooled[c]) for c in KPI_COLUMNS if c not in _SCORE_OUTPUTS}
    values.update(_rolled_assessments(portfolio, members, entity, index))
    own = ids.get_indexer(index)
    values["steering_committee_expected"] = _floats(entity["steering_committee_expected"])[own]
    values["whitespace"] = _summed(entity["whitespace"], members, entity_rows, index)
    arrays = {name: np.asarray(v, dtype=np.float64)[:, None] for name, v in values.items()}
    arrays.update(score_columns(arrays, config))

    engaged = _floats(entity["interactions"]) > 0
    engaged = np.where(np.isnan(_floats(entity["interactions"])), np.nan, engaged)
    per_group = pd.DataFrame({"group_id": members["group_id"].to_numpy(dtype=object)})
    per_group["engaged"] = engaged[entity_rows]
    counts = per_group.groupby("group_id", sort=False)["engaged"]
    frame = {
        "entities": to_column("key_contacts", counts.size().reindex(index).to_numpy()),
        "entities_engaged": to_column(
            "key_contacts", counts.sum(min_count=1).reindex(index).to_numpy()
        ),
    }
    for column in KPI_COLUMNS:
        frame[column] = to_column(column, np.asarray(arrays[column]).ravel())
    return pd.DataFrame(frame, index=index)


def _dtype(column: str) -> object:
    if column in GROUP_COLUMNS:
        return "Int64"
    return to_column(column, np.array([], dtype=np.float64)).dtype


def _floats(column: pd.Series) -> np.ndarray:
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(np.float64)
    return column.astype("float64").to_numpy(dtype=np.float64, na_value=np.nan)


def _summed(
    column: pd.Series, members: pd.DataFrame, entity_rows: np.ndarray, index: pd.Index
) -> np.ndarray:
    """The sum of an entity column over each perimeter (NaN when no entity has a value)."""
    frame = pd.DataFrame(
        {"group_id": members["group_id"].to_numpy(dtype=object), "x": _floats(column)[entity_rows]}
    )
    summed = frame.groupby("group_id", sort=False)["x"].sum(min_count=1)
    return summed.reindex(index).to_numpy(dtype=np.float64)


def _pooled_kpis(
    portfolio: Portfolio,
    entity_rows: np.ndarray,
    group_rows: np.ndarray,
    date: pd.Timestamp,
    config: Config,
) -> pd.DataFrame:
    """The KPIs of groups with disjoint perimeters, each perimeter pooled as one account."""
    n_accounts = len(portfolio.accounts)
    layer_groups = pd.unique(group_rows)
    group_of = np.full(n_accounts, -1, dtype=np.int64)
    position = np.full(n_accounts, -1, dtype=np.int64)
    position[layer_groups] = np.arange(len(layer_groups))
    group_of[entity_rows] = position[group_rows]
    group_ids = portfolio.account_ids[layer_groups]

    def remap(frame: pd.DataFrame | None) -> pd.DataFrame | None:
        if frame is None:
            return None
        codes = group_of[frame["account_id"].cat.codes.to_numpy(np.int64)]
        kept = codes >= 0
        out = frame.loc[kept].reset_index(drop=True)
        out["account_id"] = pd.Categorical.from_codes(codes[kept], categories=group_ids)
        return out

    tables = {
        name: remap(getattr(portfolio, name))
        for name in ("contacts", "interactions", "opportunities", "actions")
        + ("nps_responses", "tickets", "feedback")
    }
    history = portfolio.stage_history
    if history is not None and tables["opportunities"] is not None:
        kept_ids = tables["opportunities"]["opportunity_id"]
        history = history[history["opportunity_id"].isin(kept_ids)].reset_index(drop=True)
    pooled = dataclasses.replace(
        portfolio,
        accounts=_pooled_accounts(portfolio.accounts, group_of, layer_groups, group_ids),
        assessments=None,
        stage_history=history,
        outcomes=None,
        overrides=None,
        # an account plan is one account's: a group has none of its own (account-plan.md)
        plans=None,
        objectives=None,
        plan_items=None,
        products=product_catalogue(portfolio, date),  # the portfolio's, not the perimeter's
        **tables,
    )
    columns = [c for c in KPI_COLUMNS if c not in _SCORE_OUTPUTS]
    frame = kpis_at(pooled, [date], config=config, columns=columns)
    return frame.drop(columns=["account_id", "as_of"]).set_axis(pd.Index(group_ids))


def _pooled_accounts(
    accounts: pd.DataFrame, group_of: np.ndarray, layer_groups: np.ndarray, group_ids: pd.Index
) -> pd.DataFrame:
    """One row per group: the group account's own row, its economics summed over the
    perimeter (gross margin: the revenue-weighted mean of the entities that give both)."""
    members = group_of >= 0
    money = accounts.loc[members, list(SUMMED_ECONOMICS)].astype("float64")
    money["group"] = group_of[members]
    revenue = accounts["annual_revenue"].astype("float64")
    margin = accounts["gross_margin_pct"].astype("float64")
    both = revenue.notna() & margin.notna()
    money["margin_x_revenue"] = (revenue * margin).where(both)[members].to_numpy()
    money["margin_revenue"] = revenue.where(both)[members].to_numpy()
    summed = money.groupby("group").sum(min_count=1).reindex(np.arange(len(layer_groups)))
    out = accounts.iloc[layer_groups].reset_index(drop=True).copy()
    for column in SUMMED_ECONOMICS:
        out[column] = summed[column].to_numpy()
    weight = summed["margin_revenue"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled_margin = np.where(weight > 0, summed["margin_x_revenue"].to_numpy() / weight, np.nan)
    out["gross_margin_pct"] = pooled_margin
    out["account_id"] = pd.Categorical(group_ids, categories=group_ids)
    return out


def _rolled_assessments(
    portfolio: Portfolio, members: pd.DataFrame, entity: pd.DataFrame, index: pd.Index
) -> dict[str, np.ndarray]:
    """Revenue-weighted fit and influence, the maximum of the risks, per group."""
    ids = portfolio.account_ids
    rows = ids.get_indexer(members["account_id"].to_numpy(dtype=object))
    revenue = portfolio.accounts["annual_revenue"].astype("float64").to_numpy()[rows]
    frame = pd.DataFrame({"group_id": members["group_id"].to_numpy(dtype=object)})
    out: dict[str, np.ndarray] = {}
    for column in WEIGHTED_ASSESSMENTS:
        value = _floats(entity[column])[rows]
        known = ~np.isnan(value)
        weight = np.where(known, np.nan_to_num(revenue), 0.0)
        frame["wx"] = np.where(known, value * weight, 0.0)
        frame["w"] = weight
        frame["x"] = np.where(known, value, np.nan)
        sums = frame.groupby("group_id", sort=False).agg(
            wx=("wx", "sum"), w=("w", "sum"), mean=("x", "mean")
        )
        sums = sums.reindex(index)
        with np.errstate(invalid="ignore", divide="ignore"):
            weighted = sums["wx"].to_numpy() / sums["w"].to_numpy()
        # no entity with a known revenue among those assessed: the plain mean
        out[column] = np.where(sums["w"].to_numpy() > 0, weighted, sums["mean"].to_numpy())
    for column in (*MAX_ASSESSMENTS, *SUMMED_ASSESSMENTS):
        frame["x"] = _floats(entity[column])[rows]
        grouped = frame.groupby("group_id", sort=False)["x"]
        result = grouped.max() if column in MAX_ASSESSMENTS else grouped.sum(min_count=1)
        out[column] = result.reindex(index).to_numpy(dtype=np.float64)
    return out


__all__ = [
    "GROUP_COLUMNS",
    "group_kpis",
    "group_members",
    "groups_of_account",
    "groups_of_accounts",
]
