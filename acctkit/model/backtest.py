"""Back-tested alerts: how often has each alert rule been right on this portfolio's past?

Every KPI is as-of pure, so the alerts of any past month-end can be computed again from
today's files. For each month-end t of the back-test, an active account (not churned by t)
is an *account-month*; its *outcome* is an ``outcomes`` event in (t, t + H]. A rule that
fired at t was *right* when the outcome followed. The definitions, with an example worked by
hand, are in docs/kpis.md (Back-tested alerts).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.config import ALERT_CODES, load_config
from acctkit.errors import ModelError
from acctkit.kpis import compute_alerts, kpis_at
from acctkit.kpis.alerts import ALERT_INPUTS, REVIEW_RULES
from acctkit.kpis.windows import as_of_date, day_numbers, month_ends
from acctkit.model.features import first_churn, outcome_ahead

ANY_HIGH = "any_high"
EARLY_WARNING_HIGH = "early_warning_high"
LIFT_LEVEL = 0.90
BACKTEST_COLUMNS = (
    "fired",
    "hits",
    "precision",
    "base_rate",
    "lift",
    "lift_low",
    "lift_high",
    "outcomes",
    "caught",
    "recall",
    "evidence",
)


def backtest_alerts(
    portfolio, as_of, months: int = 12, horizon_days: int = 180, config=None
) -> pd.DataFrame:
    """Each alert rule held against what happened next, over the past ``months`` month-ends.

    The month-ends are the ``months`` last ones on or before ``as_of - horizon_days``, so
    that every outcome window (t, t + H] ends by ``as_of``: nothing dated after ``as_of`` is
    read (as-of pure).

    Parameters
    ----------
    portfolio
        A loaded portfolio with an ``outcomes`` table.
    as_of
        The review date.
    months
        How many month-ends to replay (default 12).
    horizon_days
        H: an alert at t is right when an outcome follows in (t, t + H] (default 180, the
        early-warning model's horizon).
    config
        The KPI configuration (thresholds and ``enabled`` switches, risk bands).

    Returns
    -------
    DataFrame
        Indexed by ``rule``: every enabled rule of the catalogue (``churn_risk`` only when
        the early-warning model can be fitted), then ``any_high`` (any high-severity alert)
        and ``early_warning_high`` (the early-warning model's high band; its model is fitted
        once at the first month-end on the outcomes known by then, and the row is left out
        when no model can be fitted). Columns: ``fired`` (account-months it fired), ``hits``
        (fired and followed by an outcome), ``precision`` (hits / fired), ``base_rate``
        (outcomes / active account-months), ``lift`` (precision / base rate) with
        ``lift_low`` and ``lift_high`` (90 % Wilson interval of the precision, divided by
        the base rate), ``outcomes`` (account-months followed by an outcome), ``caught``
        (those a firing rule flagged; equals ``hits``), ``recall`` (caught / outcomes) and
        ``evidence`` (True when the whole lift interval is above 1). The frame's ``attrs``
        keep ``dates``, ``account_months``, ``horizon_days``, ``model_note`` (when the
        early-warning row's model was fitted, or why the row is missing) and
        ``model_error`` (the model's own reason, None when it was fitted).

    Raises
    ------
    ModelError
        Without an ``outcomes`` table, for ``months`` or ``horizon_days`` below 1, or when
        no account is active at any of the month-ends.

    Examples
    --------
    >>> table = backtest_alerts(demo_portfolio(), "2026-10-31")   # doctest: +SKIP
    >>> table.loc["nps_drop", ["fired", "precision", "lift"]]      # doctest: +SKIP
    """
    config = load_config(config)
    dates, kpis, label = replay(
        portfolio, as_of, months, horizon_days, config, purpose="a back-test needs"
    )
    horizon_days = int(horizon_days)
    risk, model_note, model_error = _early_warning(portfolio, dates, kpis, horizon_days, config)

    fired = _fired(kpis, risk, config)
    codes = [
        code for code in ALERT_CODES if config.alerts[code].enabled and code not in REVIEW_RULES
    ]
    if risk is None and "churn_risk" in codes:
        codes.remove("churn_risk")
    columns = {code: fired.get(code, np.zeros(len(kpis), dtype=bool)) for code in codes}
    columns[ANY_HIGH] = fired["_high"]
    if risk is not None:
        columns[EARLY_WARNING_HIGH] = risk["band"].to_numpy() == "high"
    table = rule_scores(pd.DataFrame(columns), label)
    table.attrs.update(
        dates=[d.strftime("%Y-%m-%d") for d in dates],
        account_months=len(kpis),
        horizon_days=horizon_days,
        model_note=model_note,
        model_error=model_error,
    )
    return table


def replay(portfolio, as_of, months, horizon_days, config, *, purpose: str):
    """The account-months a back-test replays: the ``months`` month-ends on or before
    ``as_of - horizon_days``, the alert inputs of every account active at each (``kpis``,
    tidy, with ``as_of``), and whether an outcome followed within the horizon (``label``).

    ``purpose`` words the error without an outcomes table ("a back-test needs").
    """
    as_of = as_of_date(as_of)
    if portfolio.outcomes is None:
        raise ModelError(
            f"the portfolio has no outcomes table: {purpose} the churns, downsells and lost "
            "renewals that followed the alerts (outcomes.csv)"
        )
    horizon_days = _positive("horizon_days", horizon_days)
    months = _positive("months", months)
    dates = month_ends(as_of - pd.Timedelta(days=horizon_days), months)
    kpis = kpis_at(portfolio, dates, config=config, columns=ALERT_INPUTS)
    active = _active(portfolio, kpis)
    if not active.any():
        raise ModelError(
            f"no active account at the month-ends replayed ({dates[0].date()} to "
            f"{dates[-1].date()}): every account had churned by {dates[0].date()}"
        )
    kpis = kpis[active].reset_index(drop=True)
    label = outcome_ahead(portfolio, kpis["account_id"], kpis["as_of"], horizon_days)
    return dates, kpis, label


def _positive(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ModelError(f"{name}: expected a whole number >= 1, got {value!r}")
    return int(value)


def _active(portfolio, kpis: pd.DataFrame) -> np.ndarray:
    """Rows whose account has not churned on or before the row's date."""
    churn = first_churn(portfolio, portfolio.account_ids)
    churn_day = day_numbers(churn.reindex(kpis["account_id"].astype(str)))
    return ~(churn_day <= day_numbers(kpis["as_of"]))


def _early_warning(portfolio, dates, kpis, horizon_days: int, config):
    """The early-warning probability and band of each row, from a model fitted at the first
    month-end (labels known by then); ``(None, reason)`` when it cannot be fitted."""
    from acctkit.model.early_warning import EarlyWarningModel, risk_band, risk_history

    try:
        model = EarlyWarningModel(horizon_days=horizon_days).fit(portfolio, dates[0])
    except ModelError as error:
        return (
            None,
            (
                f"no early-warning row: the model cannot be fitted at {dates[0].date()}, the "
                f"first month-end replayed: {error}"
            ),
            str(error),
        )
    scored = risk_history(model, portfolio, dates)  # every month-end in one pass
    scored["account_id"] = scored["account_id"].astype(str)
    keys = pd.DataFrame({"account_id": kpis["account_id"].astype(str), "as_of": kpis["as_of"]})
    risk = keys.merge(scored, on=["account_id", "as_of"], how="left")
    risk["band"] = risk_band(risk["risk_probability"], config, model.base_rate_).astype(object)
    note = f"early-warning row: model fitted at {dates[0].date()} on the outcomes known then"
    return risk, note, None


def _fired(kpis: pd.DataFrame, risk: pd.DataFrame | None, config) -> dict[str, np.ndarray]:
    """Per rule, a boolean per row: did it fire? ``_high``: did any high alert fire?"""
    n = len(kpis)
    row_of = pd.Series(
        np.arange(n),
        index=pd.MultiIndex.from_arrays([kpis["account_id"].astype(str), kpis["as_of"]]),
    )
    pieces = []
    for date, rows in kpis.groupby("as_of", sort=True):
        probability = None
        if risk is not None:
            at = risk[risk["as_of"] == date]
            probability = pd.Series(at["risk_probability"].to_numpy(), index=at["account_id"])
        alerts = compute_alerts(rows.drop(columns="as_of"), risk=probability, config=config)
        pieces.append(alerts.assign(as_of=date))
    alerts = pd.concat(pieces, ignore_index=True)
    where = row_of.reindex(
        pd.MultiIndex.from_arrays([alerts["account_id"].astype(str), alerts["as_of"]])
    ).to_numpy()
    out: dict[str, np.ndarray] = {}
    for code in ALERT_CODES:
        mask = np.zeros(n, dtype=bool)
        mask[where[(alerts["code"] == code).to_numpy()]] = True
        out[code] = mask
    high = np.zeros(n, dtype=bool)
    high[where[(alerts["severity"] == "high").to_numpy()]] = True
    out["_high"] = high
    return out


def rule_scores(fired: pd.DataFrame, label: np.ndarray) -> pd.DataFrame:
    """Per column of ``fired`` (a boolean per account-month), the columns of
    :data:`BACKTEST_COLUMNS` against ``label`` (an outcome followed)."""
    from scipy.stats import binomtest

    label = np.asarray(label, dtype=bool)
    outcomes = int(label.sum())
    base_rate = outcomes / len(label) if len(label) else np.nan
    rows = []
    for rule in fired.columns:
        mask = fired[rule].to_numpy(dtype=bool)
        count, hits = int(mask.sum()), int((mask & label).sum())
        precision = hits / count if count else np.nan
        low = high = np.nan
        if count:
            interval = binomtest(hits, count).proportion_ci(LIFT_LEVEL, method="wilson")
            low, high = interval.low, interval.high
        lift = precision / base_rate if base_rate else np.nan
        lift_low = low / base_rate if base_rate else np.nan
        lift_high = high / base_rate if base_rate else np.nan
        rows.append(
            {
                "rule": rule,
                "fired": count,
                "hits": hits,
                "precision": precision,
                "base_rate": base_rate,
                "lift": lift,
                "lift_low": lift_low,
                "lift_high": lift_high,
                "outcomes": outcomes,
                "caught": hits,
                "recall": hits / outcomes if outcomes else np.nan,
                "evidence": bool(lift_low > 1) if not np.isnan(lift_low) else False,
            }
        )
    return pd.DataFrame(rows, columns=["rule", *BACKTEST_COLUMNS]).set_index("rule")
