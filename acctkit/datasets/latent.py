"""The hidden state behind every table: calendar, random draws, profiles and health.

The calendar splits the window into months (days as integers since 1970-01-01); the
sampling helpers draw categorical codes and Poisson events per account and month; each
account gets a static profile (tier, region, owner, revenue, activity) and a latent
*health* per month, with declines and the outcomes (churn, downsell, renewal_lost) they
lead to. The table builders only read this state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from acctkit.datasets.vocabulary import (
    _CHURN,
    _DOWNSELL,
    _EVENT_SHARE,
    _OWNER_BY_REGION,
    _REGION_SHARE,
    _TIER_ACTIVITY,
    _TIER_REVENUE,
    _TIER_SHARE,
)

_NEVER = np.iinfo(np.int64).max // 2  # a day index later than any date
_DECLINE_PER_YEAR = 0.12
"""Share of accounts a year that start a decline; with the outcomes most declines lead to
and the noise, about 10-15 % of the accounts have an outcome each year, as key-account
portfolios do."""


@dataclass(frozen=True)
class _Calendar:
    """The months of the window: first day and length of each (days since 1970-01-01)."""

    start: np.ndarray
    days: np.ndarray
    end: int

    @property
    def months(self) -> int:
        return self.start.size

    def month_of(self, day: np.ndarray) -> np.ndarray:
        """Index of the month holding each day, clipped to the window."""
        month = np.searchsorted(self.start, day, side="right") - 1
        return np.clip(month, 0, self.months - 1)


@dataclass(frozen=True)
class _Profile:
    """Static traits of the accounts."""

    tier: np.ndarray
    region: np.ndarray
    owner: np.ndarray
    revenue: np.ndarray
    activity: np.ndarray


@dataclass(frozen=True)
class _Latent:
    """The hidden state that drives every table."""

    health: np.ndarray
    decline_day: np.ndarray
    cutoff: np.ndarray
    outcomes: pd.DataFrame


# -- time and randomness --------------------------------------------------------------------


def _calendar(end: str | date, months: int) -> _Calendar:
    last = np.datetime64(pd.Timestamp(end).date(), "D")
    starts = last.astype("datetime64[M]") - np.arange(months - 1, -1, -1)
    start = starts.astype("datetime64[D]").astype(np.int64)
    stop = np.append(start[1:] - 1, last.astype(np.int64))
    return _Calendar(start=start, days=stop - start + 1, end=int(last.astype(np.int64)))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _choice(rng: np.random.Generator, shares, size: int) -> np.ndarray:
    """Codes drawn with the given shares (one categorical draw per row)."""
    cumulative = np.cumsum(shares) / np.sum(shares)
    return np.minimum(np.searchsorted(cumulative, rng.random(size), side="right"), len(shares) - 1)


def _choice_by_row(rng: np.random.Generator, shares: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a (rows, options) matrix of shares."""
    cumulative = np.cumsum(shares, axis=1) / shares.sum(axis=1, keepdims=True)
    draws = (rng.random((shares.shape[0], 1)) >= cumulative).sum(axis=1)
    return np.minimum(draws, shares.shape[1] - 1)


def _within(rng: np.random.Generator, first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """A uniform index in ``[first, first + count)`` per row."""
    return first + (rng.random(first.size) * count).astype(np.int64)


def _events(
    rng: np.random.Generator, calendar: _Calendar, rates: np.ndarray, last_day: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Poisson events per account and month, each on a uniform day of its month.

    Returns the account, month and day of every event on or before the account's
    `last_day`, sorted by account then day.
    """
    counts = rng.poisson(rates)
    account, month = np.divmod(np.repeat(np.arange(counts.size), counts.ravel()), calendar.months)
    day = calendar.start[month] + (rng.random(account.size) * calendar.days[month]).astype(np.int64)
    keep = day <= last_day[account]
    account, month, day = account[keep], month[keep], day[keep]
    order = np.lexsort((day, account))
    return account[order], month[order], day[order]


# -- latent state ---------------------------------------------------------------------------


def _profile(rng: np.random.Generator, n: int) -> _Profile:
    tier = _choice(rng, _TIER_SHARE, n)
    region = _choice(rng, _REGION_SHARE, n)
    owner_slot = rng.integers(0, _OWNER_BY_REGION.shape[1], n)
    revenue = np.round(_TIER_REVENUE[tier] * rng.lognormal(0.0, 0.6, n), -3)
    activity = _TIER_ACTIVITY[tier] * rng.lognormal(0.0, 0.3, n)
    return _Profile(tier, region, _OWNER_BY_REGION[region, owner_slot], revenue, activity)


def _latent(rng: np.random.Generator, calendar: _Calendar, n: int) -> _Latent:
    """Health per account and month, declines, and the outcomes they lead to.

    Health is a mean-reverting random walk around each account's baseline. About 12 % of
    the accounts a year decline at some month (a fifth over 24 months, a third over 36):
    health falls over a few months and, for most, an outcome follows 2.5-6.5 months after
    the decline starts, around its bottom; the account may recover a few months later. A
    few other accounts get an outcome out of the blue (noise), and about a third of
    downsells turn into a churn months later.
    """
    months = calendar.months
    baseline = rng.normal(0.3, 0.45, n)
    shocks = rng.normal(0.0, 0.2, (n, months))
    health = np.empty((n, months))
    level = baseline + rng.normal(0.0, 0.3, n)
    for month in range(months):
        level = baseline + 0.8 * (level - baseline) + shocks[:, month]
        health[:, month] = level

    declining = rng.random(n) < min(_DECLINE_PER_YEAR * months / 12, 0.9)
    start = rng.integers(1, max(months, 2), n).clip(max=months - 1)
    start_day = calendar.start[start] + (rng.random(n) * calendar.days[start]).astype(np.int64)
    decline_day = np.where(declining, start_day, _NEVER)
    amplitude = rng.uniform(1.3, 2.4, n)
    leads_to_outcome = declining & (rng.random(n) < 0.85)
    lag = rng.integers(80, 196, n)
    outcome_day = decline_day + lag
    first_event = _choice(rng, _EVENT_SHARE, n)
    then_churn = leads_to_outcome & (first_event == _DOWNSELL) & (rng.random(n) < 0.3)
    churn_day = outcome_day + rng.integers(45, 150, n)
    last_event_day = np.where(then_churn, churn_day, outcome_day)
    ramp = np.where(
        leads_to_outcome,
        np.maximum(np.round(lag / 30.4).astype(np.int64) + rng.integers(-1, 1, n), 1),
        rng.integers(2, 6, n),
    )
    hold = np.where(
        leads_to_outcome,
        calendar.month_of(last_event_day) + rng.integers(0, 4, n),
        start + ramp + rng.integers(1, 8, n),
    )
    recovery = rng.integers(2, 6, n)
    grid = np.arange(months)
    down = np.clip((grid - start[:, None] + 1) / ramp[:, None], 0.0, 1.0)
    up = np.clip((grid - hold[:, None]) / recovery[:, None], 0.0, 1.0)
    health -= (declining * amplitude)[:, None] * down * (1.0 - up)

    noisy = ~leads_to_outcome & (rng.random(n) < 0.02 * months / 24)
    noise_day = calendar.start[0] + (rng.random(n) * calendar.days.sum()).astype(np.int64)
    index = np.arange(n)
    events = pd.DataFrame(
        {
            "account": np.concatenate([index[leads_to_outcome], index[noisy], index[then_churn]]),
            "day": np.concatenate(
                [outcome_day[leads_to_outcome], noise_day[noisy], churn_day[then_churn]]
            ),
            "event": np.concatenate(
                [
                    first_event[leads_to_outcome],
                    first_event[noisy],
                    np.full(then_churn.sum(), _CHURN),
                ]
            ),
        }
    )
    return _Latent(health, decline_day, *_observed_outcomes(events, calendar, n))


def _observed_outcomes(
    events: pd.DataFrame, calendar: _Calendar, n: int
) -> tuple[np.ndarray, pd.DataFrame]:
    """Each account's last day of activity (its churn, else `end`) and the events seen by then."""
    events = events[events["day"] <= calendar.end].sort_values(["account", "day"])
    churns = events[events["event"] == _CHURN].groupby("account")["day"].min()
    cutoff = np.full(n, calendar.end, dtype=np.int64)
    cutoff[churns.index.to_numpy()] = churns.to_numpy()
    events = events[events["day"] <= cutoff[events["account"].to_numpy()]]
    return cutoff, events.reset_index(drop=True)
