"""Tuning an alert rule's threshold on the portfolio's own history.

:func:`threshold_sweep` replays one numeric rule of the catalogue over the past month-ends,
as :func:`acctkit.model.backtest_alerts` does, for a range of thresholds: how many alerts
each threshold raises a month, how often an outcome followed (precision, lift over the base
rate with its 90 % interval) and how many of the outcomes it flagged beforehand (recall).
The KPI history, the active account-months and their labels are computed once; each
threshold only re-runs the rule (:func:`acctkit.kpis.compute_alerts` with that threshold in
the configuration), so a rule fires in the sweep exactly as it fires in the reports.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from acctkit.config import load_config
from acctkit.errors import ModelError
from acctkit.kpis import compute_alerts
from acctkit.model.backtest import replay, rule_scores

SWEEP_THRESHOLDS: dict[str, tuple[float, ...]] = {
    "engagement_slowdown": (-80, -70, -60, -50, -40, -30, -20, -10),
    "nps_drop": (-60, -50, -40, -30, -25, -20, -15, -10, -5),
    "irritants_rising": (1, 2, 3, 4, 5, 6, 8),
    "critical_tickets": (1, 2, 3, 4, 5),
    "sponsor_silent": (30, 45, 60, 90, 120, 150, 180),
    "low_coverage": (20, 30, 40, 50, 60, 70, 80, 90),
    "overdue_actions": (1, 2, 3, 4, 5, 6, 8),
    "slipped_deals": (1, 2, 3, 4, 5),
    "enthusiasm_drop": (-2.0, -1.5, -1.25, -1.0, -0.75, -0.5, -0.25),
}
"""The numeric rules of the catalogue and the thresholds swept by default (the configured
threshold is always added)."""

FIRES_WHEN = {
    "engagement_slowdown": ("engagement_trend_pct", "<="),
    "nps_drop": ("nps_drift", "<="),
    "irritants_rising": ("irritants", ">="),
    "critical_tickets": ("open_critical_tickets", ">="),
    "sponsor_silent": ("days_since_sponsor_contact", ">"),
    "low_coverage": ("coverage_pct", "<"),
    "overdue_actions": ("overdue_actions", ">="),
    "slipped_deals": ("slipped_opportunities", ">="),
    "enthusiasm_drop": ("sentiment_drift", "<="),
}
"""Per rule, the KPI its threshold applies to and how (the rule fires when ``KPI <op>
threshold``; ``nps_drop`` also needs ``min_responses`` answers in both periods,
``irritants_rising`` more irritants than in the previous window, and ``sponsor_silent``
also fires for a sponsor never contacted, whatever the threshold)."""

SWEEP_COLUMNS = (
    "alerts_per_month",
    "fired",
    "hits",
    "precision",
    "lift",
    "lift_low",
    "lift_high",
    "recall",
    "evidence",
    "configured",
)


def threshold_sweep(
    portfolio,
    as_of,
    rule: str,
    thresholds: Iterable[float] | None = None,
    months: int = 12,
    horizon_days: int = 180,
    config=None,
) -> pd.DataFrame:
    """One alert rule back-tested at each of a range of thresholds.

    The account-months, labels and scores are those of
    :func:`acctkit.model.backtest_alerts` (same ``months``, ``horizon_days`` and
    ``config``): at the configured threshold, the row equals the back-test's row for the
    rule.

    Parameters
    ----------
    portfolio
        A loaded portfolio with an ``outcomes`` table.
    as_of
        The review date; the month-ends replayed are the ``months`` last ones on or before
        ``as_of - horizon_days`` (nothing dated after ``as_of`` is read).
    rule
        A numeric rule of the catalogue: one of :data:`SWEEP_THRESHOLDS`.
    thresholds
        The thresholds to try (default: the rule's :data:`SWEEP_THRESHOLDS` plus the
        configured threshold).
    months, horizon_days
        As for :func:`~acctkit.model.backtest_alerts`.
    config
        The KPI configuration; its other settings of the rule (``min_responses`` of
        ``nps_drop``) apply to every threshold. The rule is swept even when disabled.

    Returns
    -------
    DataFrame
        Indexed by ``threshold`` (ascending): ``alerts_per_month`` (fired / month-ends),
        ``fired``, ``hits``, ``precision``, ``lift``, ``lift_low``, ``lift_high`` (90 %
        Wilson interval of the precision over the base rate), ``recall``, ``evidence``
        (the whole interval above 1) and ``configured`` (True on the configured
        threshold's row). ``attrs``: ``rule``, ``kpi`` and ``operator``
        (:data:`FIRES_WHEN`), ``configured`` (the configured threshold), ``base_rate``,
        ``outcomes``, ``account_months``, ``dates`` and ``horizon_days``.

    Raises
    ------
    ModelError
        For a rule that is not numeric (``no_sponsor``, ``churn_risk``), thresholds that
        are not numbers, without an ``outcomes`` table, for ``months`` or ``horizon_days``
        below 1, or when no account is active at any of the month-ends.

    Examples
    --------
    >>> sweep = threshold_sweep(demo_portfolio(), "2026-10-31", "nps_drop")  # doctest: +SKIP
    >>> sweep[["alerts_per_month", "precision", "lift"]]                       # doctest: +SKIP
    """
    if rule not in SWEEP_THRESHOLDS:
        raise ModelError(
            f"rule: expected a numeric alert rule, one of {', '.join(SWEEP_THRESHOLDS)}; "
            f"got {rule!r}"
        )
    config = load_config(config)
    configured = float(config.alerts[rule].threshold)
    limits = _thresholds(rule, thresholds, configured)
    dates, kpis, label = replay(
        portfolio, as_of, months, horizon_days, config, purpose="tuning a threshold needs"
    )
    row_of = pd.MultiIndex.from_arrays([kpis["account_id"].astype(str), kpis["as_of"]])

    fired = {}
    for position, limit in enumerate(limits):
        alerts = compute_alerts(kpis, config=_only(config, rule, limit))
        keys = pd.MultiIndex.from_arrays([alerts["account_id"].astype(str), alerts["as_of"]])
        mask = np.zeros(len(kpis), dtype=bool)
        mask[row_of.get_indexer(keys)] = True
        fired[position] = mask
    scored = rule_scores(pd.DataFrame(fired, index=range(len(kpis))), label)

    table = pd.DataFrame(
        {
            "alerts_per_month": scored["fired"].to_numpy() / len(dates),
            "fired": scored["fired"].to_numpy(),
            "hits": scored["hits"].to_numpy(),
            "precision": scored["precision"].to_numpy(),
            "lift": scored["lift"].to_numpy(),
            "lift_low": scored["lift_low"].to_numpy(),
            "lift_high": scored["lift_high"].to_numpy(),
            "recall": scored["recall"].to_numpy(),
            "evidence": scored["evidence"].to_numpy(dtype=bool),
            "configured": np.isclose(limits, configured),
        },
        index=pd.Index(limits, name="threshold"),
    )
    kpi, operator = FIRES_WHEN[rule]
    outcomes = int(np.asarray(label, dtype=bool).sum())
    table.attrs.update(
        rule=rule,
        kpi=kpi,
        operator=operator,
        configured=configured,
        base_rate=outcomes / len(kpis) if len(kpis) else np.nan,
        outcomes=outcomes,
        account_months=len(kpis),
        dates=[d.strftime("%Y-%m-%d") for d in dates],
        horizon_days=horizon_days,
    )
    return table


def _thresholds(rule: str, thresholds, configured: float) -> np.ndarray:
    if thresholds is None:
        values = [*SWEEP_THRESHOLDS[rule], configured]
    else:
        values = list(thresholds)
    try:
        limits = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ModelError(f"thresholds: expected numbers, got {values!r}") from None
    if limits.ndim != 1 or not len(limits) or not np.isfinite(limits).all():
        raise ModelError(f"thresholds: expected one or more finite numbers, got {values!r}")
    return np.unique(limits)


def _only(config, rule: str, threshold: float):
    """``config`` with only ``rule`` enabled, at ``threshold`` (the engagement slowdown's
    ``high`` level, which sets the severity, not the firing, kept at or below it)."""
    settings = config.to_dict()
    for code, values in settings["alerts"].items():
        values["enabled"] = code == rule
    values = settings["alerts"][rule]
    values["threshold"] = float(threshold)
    if "high" in values:
        values["high"] = min(values["high"], float(threshold))
    return load_config(settings)
