"""KPI history: the same KPIs at the review dates before a review (month-ends, or every two
weeks), for trends and deltas."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from acctkit.data.portfolio import Portfolio
from acctkit.errors import ConfigError
from acctkit.kpis.engine import ConfigSource, kpis_at
from acctkit.kpis.reviews import review_dates


def kpi_history(
    portfolio: Portfolio,
    as_of: object,
    *,
    periods: int | None = None,
    cadence: str = "monthly",
    months: int | None = None,
    window_days: int | None = None,
    config: ConfigSource = None,
    columns: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The KPIs at the cadence's last ``periods`` review dates on or before ``as_of``.

    All dates are evaluated together (:func:`acctkit.kpis.kpis_at`): each table is sorted
    and encoded once, so twelve month-ends cost far less than twelve ``compute_kpis``.

    Parameters
    ----------
    portfolio
        A loaded portfolio. Never modified.
    as_of
        The review date; the month-ends taken are those on or before it (``as_of`` itself
        when it is a month-end); biweekly, ``as_of`` and every 14 days before it.
    periods
        How many review dates (default 12).
    cadence
        ``monthly`` (month-ends) or ``biweekly`` (every 14 days),
        :func:`acctkit.kpis.reviews.review_dates`.
    months
        The former name of ``periods`` for month-ends, still accepted:
        ``months=6`` is ``periods=6, cadence="monthly"``.
    window_days, config, columns
        As for :func:`acctkit.kpis.kpis_at`.

    Returns
    -------
    DataFrame
        Tidy: one row per (account, review date); columns ``account_id``, ``as_of``, then the
        KPIs. The rows of one month-end equal ``compute_kpis`` at that date.

    Examples
    --------
    >>> history = kpi_history(portfolio, "2026-06-30", months=12)    # doctest: +SKIP
    >>> history.pivot(index="as_of", columns="account_id", values="health_score")  # doctest: +SKIP
    >>> kpi_history(portfolio, "2026-10-15", periods=12, cadence="biweekly")  # doctest: +SKIP
    """
    if months is not None:
        if periods is not None or cadence != "monthly":
            raise ConfigError("kpi_history: give months (month-ends) or periods and cadence")
        periods = months
    dates = review_dates(as_of, 12 if periods is None else periods, cadence)
    return kpis_at(portfolio, dates, window_days=window_days, config=config, columns=columns)
