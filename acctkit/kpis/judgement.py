"""Judgement that ages: each criterion's latest assessment, and the overrides in force.

Both are read as of a review date D, like every KPI (nothing dated after D counts):

- :func:`assessment_ages`: per account and criterion, the latest score on or before D, its
  date, its age in days and whether it is *stale* (older than its ``valid_days``).
- :func:`overrides_at`: the overrides in force at D (``set_on <= D < expires_on``); when
  two overlap for one account and field, the one set last wins.
- :func:`overrides_expired`: the overrides that ended since the previous review
  (``previous < expires_on <= D``): the review after an override ends says so once.
- :func:`apply_overrides`: a frame (the KPIs, the risk table) with the overridden fields
  replaced, the computed value kept in ``<field>_computed`` and the reason in
  ``<field>_override_reason``. Only for what people read (the pages, ``kpis.csv``): the
  model, the alerts and the back-tests read the computed KPIs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.config import Config, load_config
from acctkit.data.portfolio import Portfolio
from acctkit.kpis.windows import as_of_date

AGE_COLUMNS = (
    "account_id",
    "criterion",
    "score",
    "assessed_on",
    "age_days",
    "valid_days",
    "stale",
)
OVERRIDE_COLUMNS = (
    "account_id",
    "field",
    "value",
    "reason",
    "author",
    "set_on",
    "expires_on",
)
OVERRIDABLE = ("health_band", "segment", "risk_band")


def assessment_ages(portfolio: Portfolio, as_of: object, config: Config | None = None):
    """Each account's latest score per criterion on or before ``as_of``, and its age.

    Returns
    -------
    DataFrame
        :data:`AGE_COLUMNS`, one row per (account, criterion) with a score, accounts in
        table order and criteria in the schema's order; ``stale`` when ``age_days`` is more
        than the criterion's ``valid_days`` (``[assessments]``). Empty without the table.
    """
    config = load_config(config)
    date = as_of_date(as_of)
    assessments = portfolio.assessments
    if assessments is None:
        return pd.DataFrame({column: [] for column in AGE_COLUMNS})
    known = assessments[assessments["assessed_on"] <= date]
    latest = known.sort_values("assessed_on", kind="stable").drop_duplicates(
        ["account_id", "criterion"], keep="last"
    )
    latest = latest.sort_values(["account_id", "criterion"], kind="stable")
    age = (date - latest["assessed_on"]).dt.days.astype("int64")
    valid = latest["criterion"].astype(object).map(config.assessment_valid_days).astype("int64")
    return pd.DataFrame(
        {
            "account_id": latest["account_id"].astype("string"),
            "criterion": latest["criterion"].astype("string"),
            "score": latest["score"].astype("Int64"),
            "assessed_on": latest["assessed_on"],
            "age_days": age,
            "valid_days": valid,
            "stale": age > valid,
        }
    ).reset_index(drop=True)


def overrides_at(portfolio: Portfolio, as_of: object) -> pd.DataFrame:
    """The overrides in force at ``as_of``: ``set_on <= D < expires_on``.

    One row per (account, field) at most: of overlapping overrides, the one set last (then
    the one lower in the file) wins. Columns :data:`OVERRIDE_COLUMNS`; empty without the
    table.
    """
    date = as_of_date(as_of)
    overrides = _overrides(portfolio)
    in_force = overrides[(overrides["set_on"] <= date) & (date < overrides["expires_on"])]
    in_force = in_force.sort_values("set_on", kind="stable")
    in_force = in_force.drop_duplicates(["account_id", "field"], keep="last")
    return in_force.sort_values(["account_id", "field"], kind="stable").reset_index(drop=True)


def overrides_expired(portfolio: Portfolio, as_of: object, previous: object) -> pd.DataFrame:
    """The overrides that ended after the previous review and on or before ``as_of``
    (``previous < expires_on <= D``): the first review after its end notes it."""
    date, before = as_of_date(as_of), as_of_date(previous)
    overrides = _overrides(portfolio)
    ended = overrides[(before < overrides["expires_on"]) & (overrides["expires_on"] <= date)]
    return ended.sort_values(["account_id", "expires_on"], kind="stable").reset_index(drop=True)


def apply_overrides(frame: pd.DataFrame, in_force: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the overrides in force replacing its overridable columns.

    Parameters
    ----------
    frame
        Indexed by ``account_id`` or with an ``account_id`` column (one row per account):
        the KPIs at D, or the early-warning risk table. Never modified.
    in_force
        From :func:`overrides_at`.

    Returns
    -------
    DataFrame
        A copy where, for each of ``health_band``, ``segment``, ``risk_band`` the frame
        has: ``<field>`` holds the override when one is in force (its categories kept),
        ``<field>_computed`` the computed value, ``<field>_override_reason`` the reason
        (missing without an override), the two new columns right after ``<field>``.
    """
    ids = frame["account_id"] if "account_id" in frame.columns else frame.index.to_series()
    ids = pd.Series(ids.astype(str).to_numpy())
    out = frame.copy()
    for field in OVERRIDABLE:
        if field not in frame.columns:
            continue
        chosen = in_force[in_force["field"] == field].set_index("account_id")
        value = ids.map(chosen["value"].astype(object)).to_numpy(dtype=object)
        reason = ids.map(chosen["reason"].astype(object)).astype("string").to_numpy()
        computed = frame[field]
        overridden = pd.notna(value)
        replaced = np.where(overridden, value, computed.astype(object).to_numpy())
        if isinstance(computed.dtype, pd.CategoricalDtype):
            replaced = pd.Categorical(replaced, dtype=computed.dtype)
        out[field] = replaced
        position = out.columns.get_loc(field) + 1
        out.insert(position, f"{field}_computed", computed.to_numpy())
        out.insert(position + 1, f"{field}_override_reason", pd.array(reason, dtype="string"))
    return out


def _overrides(portfolio: Portfolio) -> pd.DataFrame:
    overrides = portfolio.overrides
    if overrides is None:
        return pd.DataFrame(
            {
                "account_id": pd.Series(dtype="string"),
                "field": pd.Series(dtype="string"),
                "value": pd.Series(dtype="string"),
                "reason": pd.Series(dtype="string"),
                "author": pd.Series(dtype="string"),
                "set_on": pd.Series(dtype="datetime64[ns]"),
                "expires_on": pd.Series(dtype="datetime64[ns]"),
            }
        )
    return overrides[list(OVERRIDE_COLUMNS)].astype(
        {
            "account_id": "string",
            "field": "string",
            "value": "string",
            "reason": "string",
            "author": "string",
        }
    )
