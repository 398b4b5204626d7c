"""Alert rules over computed KPIs: one row per (account, rule) that fires.

Every rule is a vectorised mask over the KPI frame; thresholds come from the configuration
(``[alerts.<code>]``, each with ``enabled``) and messages from :mod:`acctkit.i18n`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from acctkit.config import ALERT_CODES, AlertRule, load_config
from acctkit.format import number
from acctkit.i18n import Labels, labels
from acctkit.kpis.engine import ConfigSource

SEVERITIES = ("high", "medium", "low")
"""From the most to the least urgent; alerts are sorted in this order."""
ALERT_COLUMNS = ("account_id", "code", "severity", "value", "threshold", "message")


@dataclass(frozen=True)
class _Fired:
    """What one rule found: which rows fire, with which value, threshold, severity, message."""

    rows: np.ndarray
    value: pd.Series
    threshold: pd.Series
    severity: pd.Series
    message: pd.Series


def compute_alerts(
    kpis: pd.DataFrame,
    *,
    risk: pd.Series | None = None,
    config: ConfigSource = None,
    lang: str = "en",
) -> pd.DataFrame:
    """The alert rules of the catalogue that fire, one row per (account, rule).

    Parameters
    ----------
    kpis
        The output of :func:`acctkit.kpis.compute_kpis` (indexed by ``account_id``), or a
        tidy frame with ``account_id`` and ``as_of`` columns (``kpis_at``, ``kpi_history``),
        in which case the result keeps an ``as_of`` column. A rule whose KPI column is not
        in the frame is skipped.
    risk
        Early-warning probabilities (0..1) indexed by ``account_id``, for ``churn_risk``.
    config
        Configuration (thresholds and ``enabled`` switches under ``[alerts]``).
    lang
        Language of the messages: ``"en"`` or ``"fr"``.

    Returns
    -------
    DataFrame
        Columns ``account_id``, [``as_of``,] ``code``, ``severity`` (``high``,
        ``medium`` or ``low``), ``value`` (the KPI that fired), ``threshold`` (the configured limit
        it crossed), ``message``. Sorted by severity (high first), then account order, then
        date, then the catalogue's rule order.

    Examples
    --------
    >>> alerts = compute_alerts(compute_kpis(p, "2026-06-30"), lang="fr")  # doctest: +SKIP
    """
    config = load_config(config)
    words = labels(lang)
    keys = _keys(kpis)
    frame = kpis.reset_index(drop=True)
    pieces = []
    for code in ALERT_CODES:
        rule = config.alerts[code]
        if not rule.enabled:
            continue
        if code == "churn_risk":
            fired = _churn_risk(keys, risk, rule.threshold, words)
        else:
            needed = _RULE_COLUMNS[code]
            if not all(column in frame for column in needed):
                continue
            fired = _RULES[code](frame, rule, words)
        if fired is not None and len(fired.rows):
            pieces.append(_rows(keys, code, fired))
    return _assemble(pieces, keys)


def _keys(kpis: pd.DataFrame) -> pd.DataFrame:
    """account_id (as a Categorical in the frame's account order) and as_of when tidy."""
    if "account_id" in kpis.columns:
        keys = kpis[[c for c in ("account_id", "as_of") if c in kpis.columns]]
        keys = keys.reset_index(drop=True)
        if not isinstance(keys["account_id"].dtype, pd.CategoricalDtype):
            ids = pd.unique(keys["account_id"])
            keys = keys.assign(account_id=pd.Categorical(keys["account_id"], categories=ids))
        return keys
    ids = pd.Index(kpis.index, name="account_id")
    return pd.DataFrame({"account_id": pd.Categorical(ids, categories=ids.unique())})


def _number(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _integers(values: np.ndarray) -> pd.Series:
    """Whole numbers as text (``45``), for messages."""
    return pd.Series(np.round(values)).astype("Int64").astype("string")


def _fill(template: str, **parts: pd.Series) -> pd.Series:
    """``template`` with each ``{name}`` replaced, row by row, by ``parts[name]``."""
    pieces = re.split(r"\{(\w+)\}", template)
    n = len(next(iter(parts.values()))) if parts else 0
    text = pd.Series([pieces[0]] * n, dtype="string")
    for position in range(1, len(pieces), 2):
        text = text + parts[pieces[position]].reset_index(drop=True) + pieces[position + 1]
    return text


def _choose(condition: np.ndarray, when_true: pd.Series, when_false: pd.Series) -> pd.Series:
    return when_true.where(pd.Series(condition), when_false)


def _simple(
    rows: np.ndarray, value: np.ndarray, threshold: float, severity: str, message: pd.Series
) -> _Fired:
    n = len(rows)
    return _Fired(
        rows=rows,
        value=pd.Series(value[rows]),
        threshold=pd.Series(np.full(n, np.nan if threshold is None else float(threshold))),
        severity=pd.Series([severity] * n),
        message=message,
    )


def _engagement_slowdown(frame: pd.DataFrame, rule: AlertRule, words: Labels) -> _Fired:
    trend = _number(frame["engagement_trend_pct"])
    rows = np.flatnonzero(trend <= rule.threshold)
    value = trend[rows]
    high = value <= rule.high
    message = _fill(words.messages["engagement_slowdown"], abs_value=_integers(np.abs(value)))
    return _Fired(
        rows=rows,
        value=pd.Series(value),
        threshold=pd.Series(np.where(high, rule.high, rule.threshold).astype(np.float64)),
        severity=pd.Series(np.where(high, "high", "medium")),
        message=message,
    )


def _nps_drop(frame: pd.DataFrame, rule: AlertRule, words: Labels) -> _Fired:
    """NPS drift at or below the threshold, resting on at least ``min_responses`` answers
    in both periods (an account's NPS from two answers can swing 100 points)."""
    drift = _number(frame["nps_drift"])
    now, before = _number(frame["nps_responses"]), _number(frame["nps_responses_prev"])
    enough = (now >= rule.min_responses) & (before >= rule.min_responses)
    rows = np.flatnonzero((drift <= rule.threshold) & enough)
    message = _fill(
        words.messages["nps_drop"],
        abs_value=_integers(np.abs(drift[rows])),
        n=_integers(now[rows]),
        n_prev=_integers(before[rows]),
    )
    return _simple(rows, drift, rule.threshold, "high", message)


def _irritants_rising(frame: pd.DataFrame, rule: AlertRule, words: Labels) -> _Fired:
    now, before = _number(frame["irritants"]), _number(frame["irritants_prev"])
    rows = np.flatnonzero((now >= rule.threshold) & (now > np.nan_to_num(before)))
    message = _fill(
        words.messages["irritants_rising"],
        value=_integers(now[rows]),
        prev=_integers(np.nan_to_num(before[rows])),
    )
    return _simple(rows, now, rule.threshold, "medium", message)


def _counted(column: str, code: str, severity: str, plural: bool) -> Callable:
    """A rule firing when a count reaches its threshold."""

    def rule_function(frame: pd.DataFrame, rule: AlertRule, words: Labels) -> _Fired:
        count = _number(frame[column])
        rows = np.flatnonzero(count >= rule.threshold)
        text = _integers(count[rows])
        if plural:
            message = _choose(
                count[rows] == 1,
                _fill(words.messages[f"{code}.one"], value=text),
                _fill(words.messages[f"{code}.many"], value=text),
            )
        else:
            message = _fill(words.messages[code], value=text)
        return _simple(rows, count, rule.threshold, severity, message)

    return rule_function


def _no_sponsor(frame: pd.DataFrame, rule: AlertRule, words: Labels) -> _Fired:
    has_sponsor = frame["has_sponsor"].astype("boolean")
    rows = np.flatnonzero((~has_sponsor).fillna(False).to_numpy(dtype=bool))
    message = pd.Series([words.messages["no_sponsor"]] * len(rows), dtype="string")
    return _simple(rows, np.full(len(frame), np.nan), None, "high", message)


def _sponsor_silent(frame: pd.DataFrame, rule: AlertRule, words: Labels) -> _Fired:
    has_sponsor = frame["has_sponsor"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    days = _number(frame["days_since_sponsor_contact"])
    interactions_known = ~np.isnan(_number(frame["interactions"]))
    never = has_sponsor & interactions_known & np.isnan(days)
    rows = np.flatnonzero((has_sponsor & (days > rule.threshold)) | never)
    message = _choose(
        never[rows],
        pd.Series([words.messages["sponsor_silent.never"]] * len(rows), dtype="string"),
        _fill(words.messages["sponsor_silent"], value=_integers(days[rows])),
    )
    return _simple(rows, days, rule.threshold, "medium", message)


def _low_coverage(frame: pd.DataFrame, rule: AlertRule, words: Labels) -> _Fired:
    coverage = _number(frame["coverage_pct"])
    rows = np.flatnonzero(coverage < rule.threshold)
    message = _fill(words.messages["low_coverage"], value=_integers(coverage[rows]))
    return _simple(rows, coverage, rule.threshold, "medium", message)


def _enthusiasm_drop(frame: pd.DataFrame, rule: AlertRule, words: Labels) -> _Fired:
    drift = _number(frame["sentiment_drift"])
    rows = np.flatnonzero(drift <= rule.threshold)
    drops = pd.Series([number(abs(value), words.lang, 1) for value in drift[rows]], dtype="string")
    message = _fill(words.messages["enthusiasm_drop"], abs_value=drops)
    return _simple(rows, drift, rule.threshold, "medium", message)


def _no_steering_committee(frame: pd.DataFrame, rule: AlertRule, words: Labels) -> _Fired:
    expected = frame["steering_committee_expected"].astype("boolean").fillna(False)
    held = _number(frame["steering_committees"])
    rows = np.flatnonzero(expected.to_numpy(dtype=bool) & (held == 0))
    message = pd.Series([words.messages["no_steering_committee"]] * len(rows), dtype="string")
    return _simple(rows, held, None, "medium", message)


def _no_plan(frame: pd.DataFrame, rule: AlertRule, words: Labels) -> _Fired:
    """A tier that requires a plan (and a portfolio that keeps plans), none in force."""
    required = frame["plan_required"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    missing = (frame["plan_status"].astype(object) == "no_plan").to_numpy(dtype=bool)
    rows = np.flatnonzero(required & missing)
    message = pd.Series([words.messages["no_plan"]] * len(rows), dtype="string")
    return _simple(rows, np.full(len(frame), np.nan), None, "medium", message)


def _plan_ending(frame: pd.DataFrame, rule: AlertRule, words: Labels) -> _Fired:
    """The plan in force ends within the horizon and no later plan is ready."""
    days = _number(frame["plan_days_left"])
    renewed = frame["plan_renewed"].astype("boolean").fillna(True).to_numpy(dtype=bool)
    rows = np.flatnonzero((days <= rule.threshold) & ~renewed)
    message = _fill(words.messages["plan_ending"], value=_integers(days[rows]))
    return _simple(rows, days, rule.threshold, "low", message)


def _churn_risk(
    keys: pd.DataFrame, risk: pd.Series | None, threshold: float, words: Labels
) -> _Fired | None:
    if risk is None:
        return None
    by_account = pd.Series(risk, dtype="float64")
    by_account = by_account.set_axis(by_account.index.astype(object).astype(str))
    by_account = by_account[~by_account.index.duplicated(keep="last")]
    probability = by_account.reindex(keys["account_id"].astype(str)).to_numpy(
        dtype=np.float64, na_value=np.nan
    )
    rows = np.flatnonzero(probability >= threshold)
    message = _fill(words.messages["churn_risk"], value=_integers(100 * probability[rows]))
    return _simple(rows, probability, threshold, "high", message)


_RULES: Mapping[str, Callable] = {
    "engagement_slowdown": _engagement_slowdown,
    "nps_drop": _nps_drop,
    "irritants_rising": _irritants_rising,
    "critical_tickets": _counted("open_critical_tickets", "critical_tickets", "high", True),
    "no_sponsor": _no_sponsor,
    "sponsor_silent": _sponsor_silent,
    "low_coverage": _low_coverage,
    "overdue_actions": _counted("overdue_actions", "overdue_actions", "medium", False),
    "slipped_deals": _counted("slipped_opportunities", "slipped_deals", "medium", True),
    "enthusiasm_drop": _enthusiasm_drop,
    "no_steering_committee": _no_steering_committee,
    "stale_assessments": _counted("stale_assessments", "stale_assessments", "low", True),
    "next_steps_overdue": _counted("overdue_next_steps", "next_steps_overdue", "medium", True),
    "objective_off_track": _counted("objectives_off_track", "objective_off_track", "high", True),
    "no_plan": _no_plan,
    "plan_ending": _plan_ending,
}
_RULE_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "engagement_slowdown": ("engagement_trend_pct",),
    "nps_drop": ("nps_drift", "nps_responses", "nps_responses_prev"),
    "irritants_rising": ("irritants", "irritants_prev"),
    "critical_tickets": ("open_critical_tickets",),
    "no_sponsor": ("has_sponsor",),
    "sponsor_silent": ("has_sponsor", "days_since_sponsor_contact", "interactions"),
    "low_coverage": ("coverage_pct",),
    "overdue_actions": ("overdue_actions",),
    "slipped_deals": ("slipped_opportunities",),
    "enthusiasm_drop": ("sentiment_drift",),
    "no_steering_committee": ("steering_committee_expected", "steering_committees"),
    "stale_assessments": ("stale_assessments",),
    "next_steps_overdue": ("overdue_next_steps",),
    "objective_off_track": ("objectives_off_track",),
    "no_plan": ("plan_required", "plan_status"),
    "plan_ending": ("plan_days_left", "plan_renewed"),
}

REVIEW_RULES: tuple[str, ...] = ("next_steps_overdue",)
"""Rules on the review notes (``overdue_next_steps``, added to the KPIs by the review bundle
and ``acctkit kpis``), not on a KPI of the engine: the back-test does not replay them."""

ALERT_INPUTS: tuple[str, ...] = tuple(
    dict.fromkeys(
        column
        for code, columns in _RULE_COLUMNS.items()
        if code not in REVIEW_RULES
        for column in columns
    )
)
"""Every KPI column some rule reads (for ``kpis_at(..., columns=ALERT_INPUTS)``)."""


def _rows(keys: pd.DataFrame, code: str, fired: _Fired) -> pd.DataFrame:
    out = keys.iloc[fired.rows].reset_index(drop=True)
    return out.assign(
        code=code,
        severity=fired.severity.to_numpy(),
        value=fired.value.to_numpy(dtype=np.float64),
        threshold=fired.threshold.to_numpy(dtype=np.float64),
        message=fired.message.reset_index(drop=True).astype("string"),
        _row=fired.rows,
    )


def _assemble(pieces: list[pd.DataFrame], keys: pd.DataFrame) -> pd.DataFrame:
    key_columns = list(keys.columns)
    if pieces:
        alerts = pd.concat(pieces, ignore_index=True)
    else:
        alerts = keys.iloc[:0].assign(
            code=pd.Series(dtype=object),
            severity=pd.Series(dtype=object),
            value=pd.Series(dtype=np.float64),
            threshold=pd.Series(dtype=np.float64),
            message=pd.Series(dtype="string"),
            _row=pd.Series(dtype=np.int64),
        )
    alerts = alerts.assign(
        code=pd.Categorical(alerts["code"], categories=list(ALERT_CODES)),
        severity=pd.Categorical(alerts["severity"], categories=list(SEVERITIES)),
    )
    order = np.lexsort(
        (
            alerts["code"].cat.codes.to_numpy(),
            alerts["_row"].to_numpy(),
            alerts["severity"].cat.codes.to_numpy(),
        )
    )
    columns = key_columns + [c for c in ALERT_COLUMNS if c != "account_id"]
    return alerts.iloc[order][columns].reset_index(drop=True)
