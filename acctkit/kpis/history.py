"""KPI history: the same KPIs at the month-ends before a review, for trends and deltas."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from acctkit.data.portfolio import Portfolio
from acctkit.kpis.engine import ConfigSource, kpis_at
from acctkit.kpis.windows import month_ends


def kpi_history(
    portfolio: Portfolio,
    as_of: object,
    *,
    months: int = 12,
    window_days: int | None = None,
    config: ConfigSource = None,
    columns: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The KPIs at the last ``months`` month-ends on or before ``as_of``.

    All dates are evaluated together (:func:`acctkit.kpis.kpis_at`): each table is sorted
    and encoded once, so twelve month-ends cost far less than twelve ``compute_kpis``.

    Parameters
    ----------
    portfolio
        A loaded portfolio. Never modified.
    as_of
        The review date; the month-ends taken are those on or before it (``as_of`` itself
        when it is a month-end).
    months
        How many month-ends (default 12).
    window_days, config, columns
        As for :func:`acctkit.kpis.kpis_at`.

    Returns
    -------
    DataFrame
        Tidy: one row per (account, month-end); columns ``account_id``, ``as_of``, then the
        KPIs. The rows of one month-end equal ``compute_kpis`` at that date.

    Examples
    --------
    >>> history = kpi_history(portfolio, "2026-06-30", months=12)    # doctest: +SKIP
    >>> history.pivot(index="as_of", columns="account_id", values="health_score")  # doctest: +SKIP
    """
    dates = month_ends(as_of, months)
    return kpis_at(portfolio, dates, window_days=window_days, config=config, columns=columns)
