"""Meetings and enthusiasm (catalogue v1.1): attendance, client attendees, steering
committees, and the mood of the client.

A row of ``interactions`` with ``attended`` false is a meeting the client missed (cancelled,
or did not show). It is not an exchange: it counts in ``meeting_attendance_pct`` only (and
tells that the portfolio holds steering committees), in no other KPI, alert input or model
feature. :func:`exchanges` is the portfolio every other block reads, its interactions
without the missed meetings; the engine builds it once per call, and the report bundle
reads it too. :func:`meeting_attendance` alone reads the full table.

Every block returns ``{column: array of shape (n_accounts, n_dates)}``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from acctkit.config import Config
from acctkit.data.portfolio import Portfolio
from acctkit.kpis.grid import nan_columns
from acctkit.kpis.windows import EventIndex, day_numbers, ratio

MEETING_CHANNELS = ("meeting", "workshop", "steering_committee")
"""The channels a meeting's attendance is counted over (events are left out)."""
STRATEGIC_TIER = "strategic"
MEETING_COLUMNS = (
    "meeting_attendance_pct",
    "client_attendees_mean",
    "steering_committees",
    "steering_committee_expected",
)
SENTIMENT_COLUMNS = ("sentiment", "sentiment_prev", "sentiment_drift")


def missed_meetings(interactions: pd.DataFrame) -> np.ndarray:
    """True for each row the client missed (``attended`` false; blank is unknown, not missed)."""
    if "attended" not in interactions:
        return np.zeros(len(interactions), dtype=bool)
    attended = interactions["attended"].astype("boolean")
    return (~attended).fillna(False).to_numpy(dtype=bool)


def exchanges(portfolio: Portfolio) -> Portfolio:
    """The portfolio without the meetings the client missed: what every KPI but attendance,
    every alert input and every model feature reads. The same object when none was missed."""
    interactions = portfolio.interactions
    if interactions is None:
        return portfolio
    missed = missed_meetings(interactions)
    if not missed.any():
        return portfolio
    held = interactions[~missed].reset_index(drop=True)
    return dataclasses.replace(portfolio, interactions=held)


def meeting_attendance(
    portfolio: Portfolio, days: np.ndarray, window_days: int, config: Config
) -> dict[str, np.ndarray]:
    """Attendance, client attendees and steering committees held in the window.

    Reads the full interactions table (missed meetings included): give it the portfolio,
    not :func:`exchanges`.
    """
    n_accounts = len(portfolio.accounts)
    interactions = portfolio.interactions
    if interactions is None:
        return nan_columns(MEETING_COLUMNS, n_accounts, days)
    # only meetings, workshops and steering committees count here: index those rows alone
    interactions = interactions[interactions["channel"].isin(MEETING_CHANNELS).to_numpy(bool)]
    day = day_numbers(interactions["occurred_on"])
    index = EventIndex(interactions["account_id"].cat.codes.to_numpy(np.int64), day, n_accounts)
    now = index.positions(days)
    start = index.positions(days - window_days)

    def in_window(weights: np.ndarray) -> np.ndarray:
        running = index.cumulative(np.asarray(weights, dtype=np.int64))
        return running[now] - running[start]

    meeting = np.ones(len(interactions), dtype=bool)
    committee = (interactions["channel"] == "steering_committee").to_numpy(dtype=bool)
    attended = interactions["attended"].astype("boolean")
    known = meeting & attended.notna().to_numpy(dtype=bool)
    came = meeting & attended.fillna(False).to_numpy(dtype=bool)
    held = ~missed_meetings(interactions)
    attendees = interactions["client_attendees"].astype("Int64")
    counted = meeting & held & attendees.notna().to_numpy(dtype=bool)
    people = np.where(counted, attendees.fillna(0).to_numpy(dtype=np.int64), 0)
    return {
        "meeting_attendance_pct": ratio(in_window(came), in_window(known), 100.0),
        "client_attendees_mean": ratio(in_window(people), in_window(counted)),
        "steering_committees": in_window(committee & held),
        "steering_committee_expected": _committee_expected(portfolio, day[committee], days),
    }


def _committee_expected(
    portfolio: Portfolio, committee_days: np.ndarray, days: np.ndarray
) -> np.ndarray:
    """1 for a strategic account once the portfolio records a steering committee (any
    account's, held or missed) on or before the date, else 0."""
    tier = portfolio.accounts["tier"].astype("string").str.strip().str.casefold()
    strategic = (tier == STRATEGIC_TIER).fillna(False).to_numpy(dtype=bool)
    first = np.nanmin(committee_days) if np.isfinite(committee_days).any() else np.inf
    recorded = first <= np.asarray(days, dtype=np.float64)
    return (strategic[:, None] & recorded[None, :]).astype(np.float64)


def sentiment_scores(
    portfolio: Portfolio, days: np.ndarray, window_days: int, config: Config
) -> dict[str, np.ndarray]:
    """Mean enthusiasm rating (1..5) in the window and the previous one, and its drift;
    NaN with fewer ratings than ``sentiment.min_ratings``. Give it :func:`exchanges`."""
    n_accounts = len(portfolio.accounts)
    interactions = portfolio.interactions
    if interactions is None:
        return nan_columns(SENTIMENT_COLUMNS, n_accounts, days)
    rating = interactions["sentiment"].astype("Int64")
    rated = rating.notna().to_numpy(dtype=bool)
    accounts = interactions["account_id"].cat.codes.to_numpy(np.int64)
    index = EventIndex(
        np.where(rated, accounts, -1), day_numbers(interactions["occurred_on"]), n_accounts
    )
    running = index.cumulative(rating.fillna(0).to_numpy(dtype=np.int64))
    now = index.positions(days)
    start = index.positions(days - window_days)
    before = index.positions(days - 2 * window_days)
    minimum = config.min_sentiment_ratings

    def mean(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        count = hi - lo
        return np.where(count >= minimum, ratio(running[hi] - running[lo], count), np.nan)

    current, previous = mean(start, now), mean(before, start)
    return {
        "sentiment": current,
        "sentiment_prev": previous,
        "sentiment_drift": current - previous,
    }
