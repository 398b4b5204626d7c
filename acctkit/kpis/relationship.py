"""Relationship & engagement: who we know at the account, who we actually meet, and how.

Two parts. Interaction counts per account come from one :class:`EventIndex` of the
interactions table. Reach (key contacts, coverage, depth, sponsor, business units) is built
on a (contact, date) grid: whether each contact is active at each date, and how many
interactions we had with them in the window; those matrices are then reduced per account.
Every function returns ``{column: array of shape (n_accounts, n_dates)}``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.config import Config
from acctkit.data.portfolio import Portfolio
from acctkit.kpis.grid import Groups, nan_columns, row_positions
from acctkit.kpis.windows import EventIndex, day_numbers, ratio, window_median

INTERACTION_COLUMNS = (
    "interactions",
    "interactions_prev",
    "engagement_trend_pct",
    "co_construction",
    "introductions",
    "inbound_share_pct",
)
RESPONSE_COLUMNS = ("median_response_hours",)
CONTACT_COLUMNS = ("key_contacts", "has_sponsor", "sponsor_influence", "business_units_known")
REACH_COLUMNS = (
    "engaged_key_contacts",
    "coverage_pct",
    "depth_level",
    "levels_engaged",
    "business_units_engaged",
    "days_since_sponsor_contact",
)
LEVEL_RANKS = {"user": 1, "manager": 2, "director": 3, "c_level": 4}


def interaction_counts(
    portfolio: Portfolio, days: np.ndarray, window_days: int, config: Config
) -> dict[str, np.ndarray]:
    """Interactions in the window and the previous one, and what kind of exchanges they were."""
    n_accounts = len(portfolio.accounts)
    interactions = portfolio.interactions
    if interactions is None:
        return nan_columns(INTERACTION_COLUMNS, n_accounts, days)
    index = EventIndex(
        interactions["account_id"].cat.codes.to_numpy(np.int64),
        day_numbers(interactions["occurred_on"]),
        n_accounts,
    )
    now = index.positions(days)
    start = index.positions(days - window_days)
    before = index.positions(days - 2 * window_days)

    def in_window(flags: pd.Series) -> np.ndarray:
        running = index.cumulative(flags.to_numpy(dtype=np.int64))
        return running[now] - running[start]

    direction = interactions["direction"]
    current, previous = now - start, start - before
    return {
        "interactions": current,
        "interactions_prev": previous,
        "engagement_trend_pct": ratio(current - previous, previous, 100.0),
        "co_construction": in_window(interactions["co_construction"]),
        "introductions": in_window(interactions["introduction"]),
        "inbound_share_pct": ratio(
            in_window(direction == "inbound"), in_window(direction.notna()), 100.0
        ),
    }


def response_times(
    portfolio: Portfolio, days: np.ndarray, window_days: int, config: Config
) -> dict[str, np.ndarray]:
    """Median client response time over the window's interactions that record one."""
    n_accounts = len(portfolio.accounts)
    interactions = portfolio.interactions
    if interactions is None:
        return nan_columns(RESPONSE_COLUMNS, n_accounts, days)
    hours = interactions["response_hours"].to_numpy(dtype=np.float64, na_value=np.nan)
    accounts = interactions["account_id"].cat.codes.to_numpy(np.int64)
    index = EventIndex(
        np.where(np.isnan(hours), -1, accounts),
        day_numbers(interactions["occurred_on"]),
        n_accounts,
    )
    median = window_median(
        hours[index.rows], index.positions(days - window_days), index.positions(days)
    )
    return {"median_response_hours": median}


def contact_reach(
    portfolio: Portfolio, days: np.ndarray, window_days: int, config: Config
) -> dict[str, np.ndarray]:
    """Key contacts, sponsor, business units; with interactions, engagement and depth too."""
    n_accounts = len(portfolio.accounts)
    contacts = portfolio.contacts
    if contacts is None:
        return nan_columns(CONTACT_COLUMNS + REACH_COLUMNS, n_accounts, days)
    by_account = Groups(contacts["account_id"].cat.codes.to_numpy(np.int64), n_accounts)
    active = ~(day_numbers(contacts["left_on"])[:, None] <= days[None, :])
    is_key = contacts["is_key"].to_numpy(dtype=bool)[:, None]
    sponsor = (contacts["role"] == "sponsor").to_numpy(dtype=bool)[:, None]
    influence = contacts["influence"].to_numpy(dtype=np.float64, na_value=np.nan)[:, None]
    units = _BusinessUnits(contacts, n_accounts)

    active_sponsors = active & sponsor
    out = {
        "key_contacts": by_account.sum(active & is_key),
        "has_sponsor": by_account.any(active_sponsors).astype(np.float64),
        "sponsor_influence": by_account.max(np.where(active_sponsors, influence, np.nan)),
        "business_units_known": units.count(active),
    }
    if portfolio.interactions is None:
        out.update(nan_columns(REACH_COLUMNS, n_accounts, days))
        return out

    met = _contact_interactions(contacts, portfolio.interactions)
    engaged = active & ((met.positions(days) - met.positions(days - window_days)) > 0)
    engaged_key = by_account.sum(engaged & is_key)
    level = _level_ranks(contacts["level"])[:, None]
    level_bits = np.where(engaged & (level > 0), np.left_shift(1, level), 0)
    levels_present = by_account.reduce(np.bitwise_or, level_bits, 0)
    latest_meeting = met.latest_day(days)
    latest_sponsor_meeting = by_account.max(np.where(active_sponsors, latest_meeting, np.nan))
    out.update(
        {
            "engaged_key_contacts": engaged_key,
            "coverage_pct": ratio(engaged_key, out["key_contacts"], 100.0),
            "depth_level": by_account.reduce(np.maximum, np.where(engaged, level, 0), 0),
            "levels_engaged": _bit_count(levels_present),
            "business_units_engaged": units.count(engaged),
            "days_since_sponsor_contact": days[None, :] - latest_sponsor_meeting,
        }
    )
    return out


class _BusinessUnits:
    """The distinct non-empty business units of each account, as (account, unit) pairs."""

    def __init__(self, contacts: pd.DataFrame, n_accounts: int):
        unit = contacts["business_unit"].astype("string").str.strip()
        unit = unit.mask(unit == "")
        accounts = contacts["account_id"].cat.codes.to_numpy(np.int64)
        unit_codes, uniques = pd.factorize(unit)
        known = unit_codes >= 0
        pair_key = accounts * max(len(uniques), 1) + unit_codes
        pairs, pair_of_contact = np.unique(pair_key[known], return_inverse=True)
        contact_pair = np.full(len(contacts), -1, dtype=np.int64)
        contact_pair[known] = pair_of_contact
        self.by_pair = Groups(contact_pair, len(pairs))
        self.pair_accounts = Groups(pairs // max(len(uniques), 1), n_accounts)

    def count(self, contact_mask: np.ndarray) -> np.ndarray:
        """Per account and date: units having at least one contact where the mask is true."""
        return self.pair_accounts.sum(self.by_pair.any(contact_mask))


def _level_ranks(level: pd.Series) -> np.ndarray:
    """1 (user) .. 4 (c_level) per contact; 0 when the level is unknown."""
    ranks = np.array([LEVEL_RANKS.get(name, 0) for name in level.cat.categories] + [0])
    return ranks[level.cat.codes.to_numpy(np.int64)]


def _contact_interactions(contacts: pd.DataFrame, interactions: pd.DataFrame) -> EventIndex:
    """Interactions grouped by the row of their contact in the contacts table."""
    contact_rows = row_positions(interactions["contact_id"], contacts["contact_id"])
    return EventIndex(contact_rows, day_numbers(interactions["occurred_on"]), len(contacts))


def _bit_count(bits: np.ndarray) -> np.ndarray:
    bits = np.asarray(bits, dtype=np.int64)
    return sum((bits >> level) & 1 for level in LEVEL_RANKS.values())
