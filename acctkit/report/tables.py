"""The numbers the review sections show, as DataFrames: KPI changes since the previous
review, score components, the portfolio ranking, top risks and segments.

Everything here is computed from the bundle's tables (see :mod:`acctkit.report.bundle`);
:mod:`acctkit.report.sections` turns the frames into HTML. Keeping the two apart lets the
tests check the numbers without parsing HTML.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from acctkit.errors import ReportError
from acctkit.format import fill, is_missing, number, percent
from acctkit.i18n import REFERENCE, labels
from acctkit.kpis.columns import EXTRA_COLUMNS, FAMILIES
from acctkit.kpis.scores import RATINGS, SCORES, SEGMENTS

FAMILY_SCORES = {
    "potential": "potential_score",
    "relationship": "relationship_score",
    "execution": "execution_score",
}
FAMILY_KPIS = {
    family: tuple(
        c
        for c in FAMILIES[family]
        if c not in EXTRA_COLUMNS and c != "segment" and "_band" not in c
    )
    for family in FAMILY_SCORES
}
"""The KPIs of each family's table, in catalogue order, the family score last."""

MONEY = frozenset(
    {
        "annual_revenue",
        "estimated_budget",
        "tam",
        "whitespace",
        "expansion_pipeline",
        "net_contribution",
        "open_pipeline",
        "weighted_pipeline",
        "won_revenue",
        "won_renewal",
        "won_upsell",
        "won_cross_sell",
        "won_new",
        "plan_revenue_won",
        "plan_revenue_target",
    }
)
MEANS = frozenset({"client_attendees_mean", "sentiment_drift"})
"""Counts or points shown with one decimal (a mean of whole numbers, a difference of two)."""

LOWER_IS_BETTER = frozenset(
    {
        "cost_to_serve_pct",
        "risk_level",
        "max_risk",
        "median_response_hours",
        "days_since_sponsor_contact",
        "overdue_actions",
        "slipped_opportunities",
        "irritants",
        "tickets_opened",
        "open_critical_tickets",
    }
)
NEUTRAL = frozenset(
    {
        "tam",
        "whitespace",
        "interactions_prev",
        "actions_due",
        "nps_prev",
        "irritants_prev",
        "sentiment_prev",
    }
)
"""KPIs whose rise is neither good nor bad news by itself (context, or the period before)."""


def kpi_format(column: str) -> tuple[str, int]:
    """How a KPI is shown: its kind (``money``, ``pct``, ``score``, ``scale``, ``hours``,
    ``days``, ``flag``, ``depth``, ``count``) and its number of decimals."""
    if column in MONEY:
        return "money", 0
    if column.endswith("_pct"):
        return "pct", 1
    if column.endswith("_score"):
        return "score", 1
    if column in RATINGS:
        return "scale", 1
    if column == "median_response_hours":
        return "hours", 1
    if column in ("days_since_sponsor_contact", "plan_days_left"):
        return "days", 0
    if column in ("has_sponsor", "plan_required", "plan_renewed"):
        return "flag", 0
    if column in ("plan_id", "plan_status"):
        return column, 0
    if column == "depth_level":
        return "depth", 0
    if column in MEANS:
        return "count", 1
    return "count", 0


def polarity(column: str) -> int:
    """+1 when a rise is good news, -1 when it is bad news, 0 when it is neither."""
    if column in NEUTRAL:
        return 0
    return -1 if column in LOWER_IS_BETTER else 1


def kpi_changes(account, family: str) -> pd.DataFrame:
    """A family's KPIs at this review and at the previous one, with the change.

    Parameters
    ----------
    account : AccountBundle
        From :func:`acctkit.report.load_account`.
    family : str
        ``potential``, ``relationship`` or ``execution``.

    Returns
    -------
    DataFrame
        Indexed by KPI column (the family's order): ``value``, ``previous`` (NaN when the
        account has no value at the previous review), ``change``, ``direction`` (``up``,
        ``down``, ``same``, or ``na`` when either value is missing; a change that rounds to
        zero at the KPI's displayed precision is ``same``) and ``assessment`` (``better``,
        ``worse`` or ``neutral``).
    """
    columns = list(FAMILY_KPIS[family])
    previous = account.history[account.history["as_of"] == account.previous_review]
    frame = pd.DataFrame(
        {
            "value": _numbers(account.kpis, columns),
            "previous": _numbers(previous, columns),
        },
        index=pd.Index(columns, name="kpi"),
    )
    return frame.assign(**_change_columns(frame["value"], frame["previous"], columns))


def score_changes(account) -> pd.DataFrame:
    """The four scores, their bands and their change since the previous review (as
    :func:`kpi_changes`, plus ``band`` and ``previous_band``)."""
    previous = account.history[account.history["as_of"] == account.previous_review]
    columns = list(SCORES)
    frame = pd.DataFrame(
        {
            "value": _numbers(account.kpis, columns),
            "previous": _numbers(previous, columns),
            "band": _texts(account.kpis, [c.replace("_score", "_band") for c in columns]),
            "previous_band": _texts(previous, [c.replace("_score", "_band") for c in columns]),
        },
        index=pd.Index(columns, name="score"),
    )
    return frame.assign(**_change_columns(frame["value"], frame["previous"], columns))


def score_components(account) -> pd.DataFrame:
    """What each component contributes to the account's three family scores.

    Returns
    -------
    DataFrame
        The bundle's ``breakdown`` rows of the account: ``score``, ``component``, ``value``
        (0..1), ``weight`` (configured), ``share`` (the weight's share among the components
        that have data: the weight actually applied) and ``points`` (which add up to the
        score).
    """
    frame = account.breakdown[["score", "component", "value", "weight", "points"]].copy()
    present = frame["weight"].where(frame["value"].notna())
    total = present.groupby(frame["score"]).transform("sum")
    return frame.assign(share=present / total.where(total > 0)).reset_index(drop=True)


def band_of(score: float, bands: Mapping[str, float]) -> str | None:
    """``green`` / ``amber`` / ``red`` for a score, from the configured lower limits of
    green and amber (``config["bands"]``); None for a missing score."""
    if pd.isna(score):
        return None
    return "green" if score >= bands["green"] else "amber" if score >= bands["amber"] else "red"


def risk_summary(account, lang: str = "en") -> dict:
    """The account's early-warning probability, band, drivers (in ``lang``) and change since
    the previous review (``change_points``: percentage points, with ``direction`` and
    ``assessment`` as in :func:`kpi_changes`); ``{"available": False}`` when the bundle has
    no model, ``{"available": True, "scored": False}`` when the account has no score."""
    if account.meta.get("model") is None:
        return {"available": False}
    if account.risk.empty or pd.isna(account.risk["risk_probability"].iloc[0]):
        return {"available": True, "scored": False}
    row = account.risk.iloc[0]
    history = account.risk_history
    before = history.loc[history["as_of"] == account.previous_review, "risk_probability"]
    previous = float(before.iloc[0]) if len(before) else np.nan
    probability = float(row["risk_probability"])
    points = 100 * (probability - previous)
    direction = direction_of(points, 0)
    model = account.meta["model"]
    return {
        "available": True,
        "scored": True,
        "probability": probability,
        "base_rate": model.get("base_rate", np.nan),
        "months": round(model.get("horizon_days", 180) / 30),
        "band": str(row["risk_band"]),
        "previous": previous,
        "change_points": points,
        "direction": direction,
        "assessment": {"up": "worse", "down": "better"}.get(direction, "neutral"),
        "drivers": row[language_column(account.risk, "drivers", lang)],
    }


def ranking(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every account with its scores, recommendation, risk and alert counts, ranked from the
    highest potential score to the lowest (accounts without one last).

    Parameters
    ----------
    tables : mapping
        From :func:`acctkit.report.load_tables`: ``accounts``, ``kpis``, ``alerts``, ``risk``.
    """
    plan = [c for c in ("plan_status", "plan_attainment_pct") if c in tables["kpis"]]
    kpis = tables["kpis"][
        ["account_id", *SCORES, "health_band", "segment", "annual_revenue", *plan]
    ].astype({"segment": "object", "health_band": "object"})
    alerts = tables["alerts"].assign(high=tables["alerts"]["severity"].astype("object") == "high")
    counts = alerts.groupby("account_id", observed=True).agg(
        alerts=("code", "size"), high_alerts=("high", "sum")
    )
    risk = _risk(tables)[["account_id", "risk_probability", "risk_band"]]
    frame = (
        tables["accounts"][["account_id", "name", "owner", "tier"]]
        .merge(kpis, on="account_id", how="left")
        .merge(risk, on="account_id", how="left")
        .join(counts, on="account_id")
    )
    frame[["alerts", "high_alerts"]] = frame[["alerts", "high_alerts"]].fillna(0).astype("int64")
    frame = frame.sort_values(
        ["potential_score", "annual_revenue", "account_id"],
        ascending=[False, False, True],
        na_position="last",
        kind="stable",
    )
    return frame.assign(rank=np.arange(1, len(frame) + 1)).reset_index(drop=True)


def top_risks(
    tables: Mapping[str, pd.DataFrame], count: int = 10, lang: str = "en"
) -> pd.DataFrame:
    """The ``count`` accounts with the highest early-warning probability, with their
    ``drivers`` (in ``lang``), owner, revenue and health score."""
    frame = (
        _risk(tables, lang)
        .dropna(subset=["risk_probability"])
        .merge(tables["accounts"][["account_id", "name", "owner"]], on="account_id", how="left")
        .merge(
            tables["kpis"][["account_id", "annual_revenue", "health_score"]],
            on="account_id",
            how="left",
        )
    )
    frame = frame.sort_values(["risk_probability", "account_id"], ascending=[False, True])
    return frame.head(count).astype({"risk_band": "object"}).reset_index(drop=True)


SEVERITY_RANK = {"high": 2, "medium": 1}


def attention(tables: Mapping[str, pd.DataFrame], meta: Mapping, lang: str = "en") -> pd.DataFrame:
    """Every account with a signal at this review, most urgent first (docs/reports.md).

    The priority, in order: the *severity* of its strongest signal (a high alert or the high
    early-warning band: 2; a medium alert or the medium band: 1; accounts with neither are
    left out); the *revenue at stake*, annual revenue times ``risk_ratio`` (the account's
    risk relative to the portfolio's rate; 1 without a model); then the account id.

    Returns
    -------
    DataFrame
        ``account_id``, ``name``, ``owner``, ``severity`` (``high`` / ``medium``),
        ``risk_probability``, ``risk_band``, ``risk_ratio``, ``annual_revenue``,
        ``at_stake``, ``alerts`` (count), ``reason`` (the first alert's message in ``lang``,
        highest severity and catalogue order first, with how many more; or the risk in
        words when no alert fires); ranked, with ``rank`` from 1.
    """
    words = labels(lang).report
    base_rate = ((meta.get("model") or {}).get("base_rate")) or np.nan
    risk = _risk(tables, lang)[["account_id", "risk_probability", "risk_band"]]
    alerts = tables["alerts"]
    alerts = alerts[alerts["severity"].astype("object").isin(SEVERITY_RANK)]  # not the low
    message = language_column(alerts, "message", lang)
    alerts = alerts.assign(_rank=alerts["severity"].astype("object").map(SEVERITY_RANK))
    first = alerts.drop_duplicates("account_id")  # the bundle sorts high first, then rule
    counts = alerts.groupby("account_id", observed=True).agg(
        alerts=("code", "size"), alert_rank=("_rank", "max")
    )
    frame = (
        tables["accounts"][["account_id", "name", "owner"]]
        .merge(tables["kpis"][["account_id", "annual_revenue"]], on="account_id", how="left")
        .merge(risk, on="account_id", how="left")
        .join(counts, on="account_id")
        .merge(
            first[["account_id", message]].rename(columns={message: "first"}),
            on="account_id",
            how="left",
        )
    )
    band_rank = frame["risk_band"].map(SEVERITY_RANK).fillna(0)
    rank = np.maximum(frame["alert_rank"].fillna(0), band_rank)
    frame = frame.assign(
        severity=np.where(rank >= 2, "high", np.where(rank >= 1, "medium", None)),
        alerts=frame["alerts"].fillna(0).astype("int64"),
        risk_ratio=frame["risk_probability"] / base_rate,
        _rank=rank,
    )
    frame = frame[frame["_rank"] > 0].copy()
    ratio = frame["risk_ratio"].fillna(1.0)
    frame["at_stake"] = frame["annual_revenue"].fillna(0.0) * ratio
    more = [
        "" if n <= 1 else " " + fill(words["attention.more"], lang, n=n - 1)
        for n in frame["alerts"]
    ]
    months = round(int((meta.get("model") or {}).get("horizon_days") or 180) / 30)
    risk_words = [risk_sentence(p, base_rate, months, lang) for p in frame["risk_probability"]]
    frame["reason"] = [
        (str(text) + extra) if isinstance(text, str) else risk_text
        for text, extra, risk_text in zip(frame["first"], more, risk_words, strict=True)
    ]
    frame = frame.sort_values(
        ["_rank", "at_stake", "account_id"], ascending=[False, False, True], kind="stable"
    )
    columns = [
        "account_id",
        "name",
        "owner",
        "severity",
        "risk_probability",
        "risk_band",
        "risk_ratio",
        "annual_revenue",
        "at_stake",
        "alerts",
        "reason",
    ]
    out = frame[columns].reset_index(drop=True)
    return out.assign(rank=np.arange(1, len(out) + 1))


def risk_sentence(probability, base_rate, months: int, lang: str = "en") -> str:
    """``Risk within 6 months: 12 %, 3.0x the portfolio's rate (4 %)`` in ``lang``; empty
    when the base rate is unknown."""
    if is_missing(probability) or is_missing(base_rate) or not base_rate > 0:
        return ""
    words = labels(lang).report
    pct = percent(100 * probability, lang)
    base = percent(100 * base_rate, lang, 1 if base_rate < 0.1 else 0)
    # rounded down, so that "3.0x" is never said of a risk still under a 3x band limit
    ratio = math.floor(round(probability / base_rate, 9) * 10) / 10
    if ratio < 1:
        return fill(words["risk.relative.below"], lang, months=months, pct=pct, base=base)
    return fill(
        words["risk.relative"],
        lang,
        months=months,
        pct=pct,
        base=base,
        ratio=number(ratio, lang, 1),
    )


def reliability(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The back-test table (:func:`acctkit.backtest_alerts`) with a ``verdict`` per rule:
    ``proven`` (the whole 90 % lift interval above 1), ``below`` (the whole interval below
    1), ``never`` (never fired) or ``no_evidence`` (the interval includes 1)."""
    table = tables.get("backtest", pd.DataFrame())
    if table.empty or "fired" not in table:
        return pd.DataFrame(columns=["rule", "fired", "verdict"])
    verdict = np.select(
        [table["fired"] == 0, table["lift_low"] > 1, table["lift_high"] < 1],
        ["never", "proven", "below"],
        default="no_evidence",
    )
    return table.assign(verdict=verdict).reset_index(drop=True)


def segment_summary(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Per recommendation segment (catalogue order; ``unrated`` only when some account is):
    ``accounts``, ``revenue``, ``revenue_share_pct``, ``mean_health`` and
    ``high_risk_accounts``."""
    kpis = tables["kpis"].astype({"segment": "object"})
    frame = kpis.merge(_risk(tables)[["account_id", "risk_band"]], on="account_id", how="left")
    frame = frame.assign(high_risk=frame["risk_band"] == "high")
    summary = frame.groupby("segment").agg(
        accounts=("account_id", "size"),
        revenue=("annual_revenue", "sum"),
        mean_health=("health_score", "mean"),
        high_risk_accounts=("high_risk", "sum"),
    )
    order = [s for s in SEGMENTS if s != "unrated" or s in summary.index]
    summary = summary.reindex(order)
    summary[["accounts", "high_risk_accounts"]] = (
        summary[["accounts", "high_risk_accounts"]].fillna(0).astype("int64")
    )
    summary["revenue"] = summary["revenue"].fillna(0.0)
    total = summary["revenue"].sum()
    summary["revenue_share_pct"] = 100 * summary["revenue"] / total if total > 0 else np.nan
    return summary.rename_axis("segment")


def portfolio_totals(tables: Mapping[str, pd.DataFrame]) -> dict:
    """Headline numbers of the portfolio: accounts, revenue, mean health score, accounts at
    high early-warning risk (None without a model), accounts with a high alert, and
    strategic accounts without a steering committee in the window (None when the portfolio
    records no steering committee), and accounts with stale judgement (None without
    assessments)."""
    kpis, risk, alerts = tables["kpis"], _risk(tables), tables["alerts"]
    high_alert = alerts.loc[alerts["severity"].astype("object") == "high", "account_id"]
    return {
        "accounts": int(len(tables["accounts"])),
        "revenue": float(kpis["annual_revenue"].sum()),
        "mean_health": float(kpis["health_score"].mean()),
        "high_risk_accounts": int((risk["risk_band"] == "high").sum()) if len(risk) else None,
        "high_alert_accounts": int(high_alert.nunique()),
        "without_steering_committee": strategic_without_committee(kpis),
        "stale_judgement": stale_judgement(kpis),
    }


def stale_judgement(kpis: pd.DataFrame) -> int | None:
    """Accounts with at least one stale assessment (None without the assessments table)."""
    stale = kpis["stale_assessments"] if "stale_assessments" in kpis else None
    if stale is None or stale.isna().all():
        return None
    return int((stale.fillna(0) > 0).sum())


def strategic_without_committee(kpis: pd.DataFrame) -> int | None:
    """Strategic accounts that held no steering committee in the window, in a portfolio
    that records steering committees (what ``no_steering_committee`` fires on, whether the
    alert is enabled or not); None when no account is expected to hold one."""
    expected = kpis["steering_committee_expected"].astype("boolean").fillna(False)
    if not expected.any():
        return None
    held = pd.to_numeric(kpis["steering_committees"], errors="coerce")
    return int((expected & (held == 0)).sum())


def parse_links(account_links: str | Mapping[str, str] | None) -> dict[str, str]:
    """The batch's ``account_links`` parameter: a JSON object ``{account_id: relative URL}``.

    Raises
    ------
    ReportError
        When it is not a JSON object of strings, or a URL does not stay below the page's
        folder (it has a scheme such as ``https:`` or ``javascript:``, a host, starts with
        ``/``, holds a ``..`` segment or a backslash).
    """
    links = _json(account_links, dict, "account_links", "an object {account_id: URL}")
    bad = [
        f"{key!r}: {url!r}"
        for key, url in links.items()
        if not isinstance(url, str) or not _is_relative(url)
    ]
    if bad:
        raise ReportError(f"account_links must map to relative URLs; not: {', '.join(bad)}")
    return {str(key): url for key, url in links.items()}


def parse_failures(failed_accounts: str | list | None) -> pd.DataFrame:
    """The batch's ``failed_accounts`` parameter: a JSON list of ``{account_id, error}``.

    Returns
    -------
    DataFrame
        Columns ``account_id`` and ``error`` (strings), one row per failed report.
    """
    items = _json(failed_accounts, list, "failed_accounts", "a list of {account_id, error}")
    if not all(isinstance(item, dict) and "account_id" in item for item in items):
        raise ReportError("failed_accounts must be a JSON list of {account_id, error} objects")
    return pd.DataFrame(
        {
            "account_id": [str(item["account_id"]) for item in items],
            "error": [str(item.get("error", "")) for item in items],
        }
    )


def language_column(frame: pd.DataFrame, name: str, lang: str) -> str:
    """The column of a bundle table holding the text ``name`` in ``lang`` (``drivers_fr``,
    ``message_fr``); the English one in a bundle built before ``lang``'s catalogue was
    added, as a catalogue's missing words are English."""
    column = f"{name}_{lang}"
    return column if column in frame.columns else f"{name}_{REFERENCE}"


def _risk(tables: Mapping[str, pd.DataFrame], lang: str = "en") -> pd.DataFrame:
    """The ``risk`` table with its columns even when the bundle has no model (no rows), the
    drivers in ``lang``."""
    risk = tables["risk"]
    risk = risk.rename(columns={language_column(risk, "drivers", lang): "drivers"})
    columns = ["account_id", "risk_probability", "risk_band", "drivers"]
    return risk.reindex(columns=columns).astype({"risk_band": "object"})


def _numbers(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    if frame.empty:
        return np.full(len(columns), np.nan)
    row = frame.iloc[0][columns]
    return pd.to_numeric(row.astype("object"), errors="coerce").to_numpy(dtype="float64")


def _texts(frame: pd.DataFrame, columns: list[str]) -> list:
    if frame.empty:
        return [None] * len(columns)
    return [None if pd.isna(v) else str(v) for v in frame.iloc[0][columns].astype("object")]


def direction_of(change: float, decimals: int) -> str:
    """``up``, ``down`` or ``same`` as the change reads once rounded to ``decimals`` (a
    change shown as ``0.0`` is ``same``); ``na`` when it is missing."""
    if pd.isna(change):
        return "na"
    rounded = round(float(change), decimals)
    return "up" if rounded > 0 else "down" if rounded < 0 else "same"


def _change_columns(value: pd.Series, previous: pd.Series, columns: list[str]) -> dict:
    change = value - previous
    direction = [
        direction_of(c, kpi_format(column)[1]) for c, column in zip(change, columns, strict=True)
    ]
    sign = {"up": 1, "down": -1, "same": 0, "na": 0}
    moved = [sign[d] * polarity(column) for d, column in zip(direction, columns, strict=True)]
    assessment = ["better" if m > 0 else "worse" if m < 0 else "neutral" for m in moved]
    return {"change": change, "direction": direction, "assessment": assessment}


def _json(value, kind: type, name: str, expected: str):
    if value is None or (isinstance(value, str) and not value.strip()):
        return kind()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise ReportError(f"{name} is not valid JSON ({error}); expected {expected}") from None
    if not isinstance(value, kind):
        raise ReportError(f"{name} must be {expected}, not {type(value).__name__}")
    return value


def _is_relative(url: str) -> bool:
    """A link to a file below the page's folder: no scheme, host, root, ``..`` or ``\\``."""
    parts = urlsplit(url.strip())
    return (
        not parts.scheme
        and not parts.netloc
        and not url.strip().startswith("/")
        and "\\" not in url
        and ".." not in parts.path.split("/")
    )
