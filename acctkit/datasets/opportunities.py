"""The deal tables: opportunities and their stage history.

Each deal follows a planned stage path spread over its sales cycle; wins get rarer as the
account's health falls, and deals still open when an account churns are lost that day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from acctkit.data.schema import KINDS, STAGES
from acctkit.datasets.columns import _dates, _ids, _labels, _take
from acctkit.datasets.latent import (
    _Calendar,
    _choice,
    _choice_by_row,
    _events,
    _Latent,
    _Profile,
    _sigmoid,
)
from acctkit.datasets.vocabulary import (
    _BUSINESS_UNITS,
    _KIND_AMOUNT,
    _KIND_SHARE,
    _KIND_SUFFIX,
    _LOST,
    _NEGOTIATION,
    _PRODUCTS,
    _RENEWAL,
    _SALES_CYCLE_DAYS,
    _STAGE_PROBABILITY,
    _WON,
)


@dataclass(frozen=True)
class _StagePath:
    """The planned stage path of each deal (stage codes index ``STAGES``; days as ints)."""

    entry: np.ndarray
    top: np.ndarray
    closing_stage: np.ndarray
    created: np.ndarray
    planned_close: np.ndarray
    close_day: np.ndarray
    closed: np.ndarray


def _opportunities(
    rng: np.random.Generator,
    calendar: _Calendar,
    latent: _Latent,
    profile: _Profile,
    account_ids: pd.Series,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Deals and their stage changes; wins get rarer as health falls.

    Each deal follows a planned path (entry stage ... negotiation, then closed) spread over
    its duration. The changes dated up to its close (or up to `end` for an open deal) form
    its stage history, and the last of them is its recorded stage. Deals still open when
    an account churns are lost on the churn day.
    """
    churned = latent.cutoff < calendar.end
    rates = 0.22 * profile.activity[:, None] * np.exp(0.3 * latent.health)
    account, _, created = _events(rng, calendar, rates, latent.cutoff - churned)
    size = account.size
    kind = _choice(rng, _KIND_SHARE, size)
    renewal = kind == _RENEWAL
    median, sigma = _KIND_AMOUNT[kind, 0], _KIND_AMOUNT[kind, 1]
    amount = profile.revenue[account] * rng.lognormal(np.log(median), sigma)
    (low, high), (renewal_low, renewal_high) = _SALES_CYCLE_DAYS
    cycle = np.where(
        renewal,
        rng.integers(renewal_low, renewal_high + 1, size),
        rng.integers(low, high + 1, size),
    )
    late = np.round(rng.exponential(40.0, size)).astype(np.int64)
    slip = np.where(rng.random(size) < 0.5, rng.integers(-7, 1, size), late)
    planned_close = created + np.maximum(cycle + slip, 14)
    entry_shares = np.array([[0.65, 0.3, 0.05, 0.0], [0.2, 0.3, 0.4, 0.1]])[renewal.astype(int)]
    entry = _choice_by_row(rng, entry_shares)

    cutoff = latent.cutoff[account]
    lost_on_churn = churned[account] & (planned_close > cutoff)
    closed = (planned_close <= cutoff) | lost_on_churn
    close_day = np.where(lost_on_churn, cutoff, planned_close)
    close_health = latent.health[account, calendar.month_of(close_day)]
    win_chance = _sigmoid(0.2 + 1.1 * close_health + 0.9 * renewal)
    won = ~lost_on_churn & (rng.random(size) < win_chance)
    lost_stage = rng.integers(entry, _NEGOTIATION + 1)
    top = np.where(closed & ~won & ~lost_on_churn, lost_stage, _NEGOTIATION)
    closing_stage = np.where(won, _WON, _LOST)
    path = _StagePath(entry, top, closing_stage, created, planned_close, close_day, closed)
    stage, changed, kept = _stage_changes(rng, calendar, path)
    last = stage.shape[1] - 1 - np.argmax(kept[:, ::-1], axis=1)
    final = stage[np.arange(size), last]

    noise = rng.choice([-5, 0, 0, 5, 10], size)
    probability = np.clip(_STAGE_PROBABILITY[final] + np.where(closed, 0, noise), 0, 100)
    probability = np.where(rng.random(size) < np.where(closed, 0.6, 0.4), np.nan, probability)
    product = _labels(_PRODUCTS, rng.integers(0, len(_PRODUCTS), size))
    year = pd.Series(created.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64))
    unit = np.where(rng.random(size) < 0.1, -1, rng.integers(0, len(_BUSINESS_UNITS), size))
    ids = _ids("O", size, 6)
    opportunities = pd.DataFrame(
        {
            "opportunity_id": ids,
            "account_id": _take(account_ids, account),
            "name": product + " " + _labels(_KIND_SUFFIX, kind) + " " + (year + 1970).astype("str"),
            "product": product,
            "business_unit": _labels(_BUSINESS_UNITS, unit),
            "kind": _labels(KINDS, kind),
            "amount": np.maximum(np.round(amount, -2), 500.0),
            "stage": _labels(STAGES, final),
            "probability": probability,
            "created_on": _dates(created),
            "expected_close_on": _dates(created + cycle),
            "closed_on": _dates(close_day, blank=~closed),
        }
    )
    recorded = kept & (rng.random(size) < 0.9)[:, None]
    stage_history = pd.DataFrame(
        {
            "opportunity_id": _take(ids, np.nonzero(recorded)[0]),
            "changed_on": _dates(changed[recorded]),
            "stage": _labels(STAGES, stage[recorded]),
        }
    )
    return opportunities, stage_history


def _stage_changes(
    rng: np.random.Generator, calendar: _Calendar, path: _StagePath
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stage, day and kept-flag of up to five stage changes per deal, one deal per row.

    Column j < n (n = top - entry + 1) holds stage ``entry + j``, column n the closing
    stage. The changes are spread over the planned duration with random gaps, at least one
    day apart as a deal lasts >= 14 days. A change is kept when dated before the close and
    not after the end of the window; the closing one when the deal is closed.
    """
    column = np.arange(5)
    n_open_stages = (path.top - path.entry + 1)[:, None]
    draws = rng.uniform(0.5, 1.5, (path.entry.size, 5))
    gaps = np.where((column > 0) & (column <= n_open_stages), draws, 0.0)
    position = np.cumsum(gaps, axis=1) / gaps.sum(axis=1, keepdims=True)
    duration = (path.planned_close - path.created)[:, None]
    changed = path.created[:, None] + np.floor(position * duration).astype(np.int64)
    regular, closing = column < n_open_stages, column == n_open_stages
    changed = np.where(closing, path.close_day[:, None], changed)
    stage = np.where(regular, path.entry[:, None] + column, path.closing_stage[:, None])
    in_time = (changed < path.close_day[:, None]) & (changed <= calendar.end)
    kept = (regular & in_time) | (closing & path.closed[:, None])
    return stage, changed, kept
