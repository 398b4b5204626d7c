"""Evaluate the KPI catalogue at one or many as-of dates.

Each family module exposes *blocks*: functions ``(portfolio, days, window_days, config)``
returning ``{column: array (n_accounts, n_dates)}`` for all the dates at once. A block
prepares (sorts, encodes) its tables once, so evaluating 36 dates costs little more than
one. :func:`kpis_at` runs the blocks a request needs, adds the scores and assembles a tidy
frame; :func:`compute_kpis` is its one-date case, indexed by account.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from acctkit.config import Config, load_config
from acctkit.data.portfolio import Portfolio
from acctkit.errors import ConfigError
from acctkit.kpis import (
    execution,
    meetings,
    pipeline,
    plan,
    potential,
    relationship,
    whitespace,
)
from acctkit.kpis.columns import KPI_COLUMNS, to_column
from acctkit.kpis.scores import SCORE_BANDS, SCORE_INPUTS, score_columns
from acctkit.kpis.windows import as_of_date, as_of_dates, day_numbers

Block = Callable[[Portfolio, np.ndarray, int, Config], dict[str, np.ndarray]]
ConfigSource = Config | Mapping[str, Any] | str | Path | None

BLOCKS: tuple[tuple[tuple[str, ...], Block], ...] = (
    (potential.ACCOUNT_COLUMNS, potential.account_economics),
    (potential.ASSESSMENT_COLUMNS, potential.assessment_scores),
    (relationship.INTERACTION_COLUMNS, relationship.interaction_counts),
    (relationship.RESPONSE_COLUMNS, relationship.response_times),
    (relationship.CONTACT_COLUMNS + relationship.REACH_COLUMNS, relationship.contact_reach),
    (meetings.MEETING_COLUMNS, meetings.meeting_attendance),
    (meetings.SENTIMENT_COLUMNS, meetings.sentiment_scores),
    (pipeline.PIPELINE_COLUMNS, pipeline.pipeline_values),
    (pipeline.ADVANCE_COLUMNS, pipeline.stage_advances),
    (execution.ACTION_COLUMNS, execution.plan_actions),
    (execution.NPS_COLUMNS, execution.nps_scores),
    (execution.TICKET_COLUMNS, execution.ticket_counts),
    (execution.FEEDBACK_COLUMNS, execution.irritant_counts),
    (whitespace.PRODUCT_COLUMNS, whitespace.product_columns),
)

_FULL_TABLE_BLOCKS = (meetings.meeting_attendance,)
"""The blocks that read the meetings the client missed; every other block reads
:func:`acctkit.kpis.meetings.exchanges`."""

_SCORE_OUTPUTS = frozenset(
    {"potential_score", "relationship_score", "execution_score", "health_score"}
)
"""The scores an objective may target (built on the KPIs of every block)."""

_DERIVED = {
    "segment": ("potential_score",),
    "health_score": ("relationship_score", "execution_score"),
    **{band: (score,) for score, band in SCORE_BANDS.items()},
}


def compute_kpis(
    portfolio: Portfolio,
    as_of: object,
    *,
    window_days: int | None = None,
    config: ConfigSource = None,
) -> pd.DataFrame:
    """Every KPI of the catalogue for every account, as of one review date.

    Parameters
    ----------
    portfolio
        A loaded portfolio (:func:`acctkit.load_portfolio`). Never modified.
    as_of
        The review date D (inclusive): a date, a ``YYYY-MM-DD`` string or a Timestamp.
        Anything dated after it is ignored.
    window_days
        W, the length of the activity window (D-W, D]; default ``windows.window_days`` of
        the configuration (90).
    config
        A :class:`acctkit.config.Config`, a dict of overrides, a TOML file path, or None
        for the catalogue's defaults.

    Returns
    -------
    DataFrame
        One row per account (accounts table order), indexed by ``account_id``; one column
        per KPI (:data:`acctkit.kpis.columns.KPI_COLUMNS`). Counts are nullable ``Int64``,
        ``has_sponsor`` nullable boolean, ``segment`` and ``*_band`` Categoricals; a KPI
        whose table is absent is missing (NaN / <NA>).

    Examples
    --------
    >>> kpis = compute_kpis(portfolio, "2026-06-30")          # doctest: +SKIP
    >>> kpis[["potential_score", "segment", "health_score"]]  # doctest: +SKIP
    """
    date = as_of_date(as_of)
    tidy = kpis_at(portfolio, [date], window_days=window_days, config=config)
    index = pd.Index(portfolio.account_ids, name="account_id")
    return tidy.drop(columns=["account_id", "as_of"]).set_axis(index)


def kpis_at(
    portfolio: Portfolio,
    dates: Iterable[object] | object,
    *,
    window_days: int | None = None,
    config: ConfigSource = None,
    columns: Iterable[str] | None = None,
) -> pd.DataFrame:
    """KPIs at several as-of dates at once, sharing the preparation of every table.

    Parameters
    ----------
    portfolio
        A loaded portfolio. Never modified.
    dates
        As-of dates (each as for :func:`compute_kpis`); sorted and de-duplicated.
    window_days, config
        As for :func:`compute_kpis`.
    columns
        The KPI columns wanted, in the order wanted (default: all, in catalogue order).
        Only what they need is computed: ``["interactions", "irritants"]`` never builds
        the contact or opportunity grids.

    Returns
    -------
    DataFrame
        Tidy: one row per (account, date), accounts in table order and dates ascending
        within each account; columns ``account_id`` (Categorical), ``as_of``, then the
        KPIs. Rows for one date equal ``compute_kpis`` at that date.
    """
    config = load_config(config)
    window = _window(config.window_days if window_days is None else window_days)
    stamps = as_of_dates(dates)
    wanted = _wanted_columns(columns)
    requested = day_numbers(stamps)

    values: dict[str, np.ndarray] = {}
    planned = bool(set(wanted).intersection(plan.PLAN_COLUMNS))
    needed = _with_inputs(wanted)
    wide: dict[str, np.ndarray] = {}  # the objectives' KPIs at the review and start dates
    widened: set[str] = set()
    scored = False
    if planned:  # the KPIs the objectives name, also at the plans' start dates (baselines)
        prepared = plan.prepare(portfolio, config)
        review_days = requested.astype(np.int64)
        objective_inputs = _with_inputs(plan.objective_kpis(prepared))
        needed |= objective_inputs
        starts = plan.baseline_days(prepared, plan.in_force_at(prepared, review_days))
        all_days = np.union1d(review_days, starts)
        if len(all_days) > len(review_days):
            # only the blocks behind an objective's KPI read the start dates too (all of them
            # when an objective targets a score, which is built on every family)
            scored = bool(objective_inputs.intersection(_SCORE_OUTPUTS))
            widened = needed if scored else objective_inputs
    held = meetings.exchanges(portfolio)  # a missed meeting counts in attendance only
    for block_columns, block in BLOCKS:
        if needed.intersection(block_columns):
            source = portfolio if block in _FULL_TABLE_BLOCKS else held
            if widened.intersection(block_columns):
                found = block(source, all_days.astype(np.float64), window, config)
                wide.update(found)
                found = _at(found, all_days, review_days, len(portfolio.accounts))
            else:
                found = block(source, requested, window, config)
            values.update(found)
    values.update(score_columns(values, config))
    if planned:
        if scored:
            wide.update(score_columns(wide, config))
        source = wide if wide else values
        days_read = all_days if wide else review_days
        values.update(plan.plan_block(prepared, days_read, review_days, source, config))

    n_accounts, n_dates = len(portfolio.accounts), len(stamps)
    account_codes = np.repeat(np.arange(n_accounts), n_dates)
    frame = {
        "account_id": pd.Categorical.from_codes(account_codes, categories=portfolio.account_ids),
        "as_of": np.tile(stamps.to_numpy(), n_accounts),
    }
    for column in wanted:
        grid = np.broadcast_to(values[column], (n_accounts, n_dates))
        frame[column] = to_column(column, grid.ravel())
    return pd.DataFrame(frame)


def _at(grids: dict[str, np.ndarray], days: np.ndarray, wanted: np.ndarray, n: int) -> dict:
    """The grids (accounts x ``days``) at the ``wanted`` days only."""
    keep = np.searchsorted(days, wanted)
    return {c: np.broadcast_to(g, (n, len(days)))[:, keep] for c, g in grids.items()}


def _window(window_days: object) -> int:
    if isinstance(window_days, bool) or not isinstance(window_days, (int, np.integer)):
        raise ConfigError(f"window_days: expected a whole number of days, got {window_days!r}")
    if window_days < 1:
        raise ConfigError(f"window_days: expected at least 1 day, got {window_days}")
    return int(window_days)


def _wanted_columns(columns: Iterable[str] | None) -> list[str]:
    """The requested columns, in the order asked (default: all, in catalogue order)."""
    if columns is None:
        return list(KPI_COLUMNS)
    wanted = list(dict.fromkeys([columns] if isinstance(columns, str) else columns))
    for column in wanted:
        if column not in KPI_COLUMNS:
            close = difflib.get_close_matches(column, KPI_COLUMNS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ConfigError(f"columns: unknown KPI column '{column}'{hint}")
    return wanted


def _with_inputs(wanted: list[str]) -> set[str]:
    """The columns to compute: the wanted ones and everything their scores are built on."""
    needed = set(wanted)
    pending = list(wanted)
    while pending:
        column = pending.pop()
        for source in _DERIVED.get(column, ()) + SCORE_INPUTS.get(column, ()):
            if source not in needed:
                needed.add(source)
                pending.append(source)
    return needed
