"""The review bundle: everything the review notebooks show, computed once for all accounts.

``build_bundle`` evaluates the KPIs (now and at 12 month-ends), alerts, score breakdowns,
risk and drivers, and the per-account slices the charts draw (contacts, monthly activity,
open pipeline, plan actions), and writes them to one folder of Parquet files plus a small
``bundle.json``. A report notebook then reads only its own account's rows
(:func:`load_account`), so rendering 1,000 reports never recomputes the portfolio.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from acctkit import __version__
from acctkit.config import load_config
from acctkit.errors import ReportError
from acctkit.i18n import catalogue_digest, languages
from acctkit.kpis import compute_alerts, kpis_at
from acctkit.kpis.judgement import (
    apply_overrides,
    assessment_ages,
    overrides_at,
    overrides_expired,
)
from acctkit.kpis.meetings import exchanges, missed_meetings
from acctkit.kpis.pipeline import opportunities_at
from acctkit.kpis.reviews import (
    check_cadence,
    notes_at,
    overdue_next_steps,
    previous_review,
    review_dates,
)
from acctkit.kpis.scores import score_breakdown
from acctkit.kpis.windows import as_of_date, month_ends
from acctkit.outputs import atomic_path, write_bytes_atomic
from acctkit.report.plan_tables import PLAN_TABLES, plan_tables

META_FILE = "bundle.json"
FORMAT_VERSION = 5  # 2: meetings and enthusiasm; 3: the alerts' back-test; 4: judgement;
# 5: review cadence and previous review date, review notes; groups and the whitespace map;
# the account plan (plan, objectives, plan_items, plan_actions)
REVIEWS_FILE = "reviews.json"
"""The review packs around this one (written by the batch beside ``bundle.json``): the
previous pack of the same output folder and the health bands of the past packs."""
PORTFOLIO_TABLES = ("backtest", "groups", "group_members")
"""Tables about the whole portfolio (not sliced per account)."""
ACCOUNT_TABLES = (
    "accounts",
    "kpis",
    "history",
    "breakdown",
    "alerts",
    "risk",
    "risk_history",
    "contacts",
    "activity",
    "pipeline",
    "actions",
    "judgement",
    "overrides",
    "review_notes",
    "whitespace",
    *PLAN_TABLES,
)
_ACCOUNT_COLUMNS = ("account_id", "name", "industry", "tier", "owner", "region")


def build_bundle(
    portfolio,
    as_of,
    out: str | Path,
    *,
    model=None,
    config=None,
    lang: str = "en",
    months: int = 12,
    cadence: str | None = None,
    previous=None,
) -> Path:
    """Compute every table the review notebooks show, for all accounts, into ``out``.

    Parameters
    ----------
    portfolio
        A loaded portfolio.
    as_of
        The review date.
    out
        The bundle folder (created; its files are replaced atomically one by one).
    model
        A fitted :class:`acctkit.EarlyWarningModel`; without one, the risk tables are empty
        and the reports say the early warning is not available.
    config
        KPI configuration (a Config, dict, TOML path or None).
    lang
        The reports' default language. The texts (alert messages, risk drivers) are kept in
        every supported language (:func:`acctkit.i18n.languages`), one ``message_<lang>`` or
        ``drivers_<lang>`` column each, so that one bundle renders reports in any of them.
    months
        How many review dates of history the trend charts show (month-ends, or every two
        weeks for a biweekly cadence).
    cadence
        ``monthly`` or ``biweekly``; by default the configuration's ``[review] cadence``.
    previous
        The previous review's date (every "change since the previous review" compares with
        it); by default the cadence's (:func:`acctkit.kpis.reviews.previous_review`).

    Returns
    -------
    Path
        The bundle folder.
    """
    config = load_config(config)
    date = as_of_date(as_of)
    out = Path(out)
    window = config.window_days
    cadence = check_cadence(cadence or config.review_cadence)
    previous = previous_review(date, cadence, previous)
    history_dates = review_dates(date, months, cadence).union(pd.DatetimeIndex([date]))
    history = kpis_at(portfolio, history_dates.union([previous]), config=config)
    kpis = history[history["as_of"] == date].drop(columns="as_of").set_index("account_id")
    kpis = _with_next_steps(kpis, portfolio, date)

    risk_dates = review_dates(date, min(months, 6), cadence).union([date, previous])
    risk, risk_trend, model_meta = _risk_tables(model, portfolio, date, config, risk_dates)
    backtest, backtest_meta = _backtest(portfolio, date, config)
    probability = risk["risk_probability"] if len(risk) else None
    in_force = overrides_at(portfolio, date)
    tables = {
        "accounts": portfolio.accounts[list(_ACCOUNT_COLUMNS)].astype({"account_id": "string"}),
        # what people read: the overrides in force replace the computed bands (kept beside)
        "kpis": apply_overrides(kpis, in_force).reset_index(),
        "history": history,
        "breakdown": score_breakdown(kpis, config),
        "alerts": _alerts(kpis, probability, config),
        "risk": apply_overrides(risk, in_force).reset_index(),
        "risk_history": risk_trend,
        "contacts": _contacts(portfolio, date, window),
        "activity": _activity(portfolio, date, months),
        "pipeline": opportunities_at(portfolio, date, config),
        "actions": _actions(portfolio, date, window),
        "judgement": assessment_ages(portfolio, date, config),
        "overrides": pd.concat(
            [
                in_force.assign(status="in_force"),
                overrides_expired(portfolio, date, previous).assign(status="expired"),
            ],
            ignore_index=True,
        ),
        "backtest": backtest,
        "review_notes": notes_at(portfolio, date),
        **_group_tables(portfolio, date, config),
        **plan_tables(portfolio, date, previous, config),
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        _write(frame, out / f"{name}.parquet")
    meta = {
        "format_version": FORMAT_VERSION,
        "as_of": date.strftime("%Y-%m-%d"),
        "previous_review": previous.strftime("%Y-%m-%d"),
        "cadence": cadence,
        "window_days": window,
        "months": months,
        "lang": lang,
        "accounts": int(len(portfolio.accounts)),
        "source": portfolio.source,
        "generated_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "acctkit_version": __version__,
        "model": model_meta,
        "backtest": backtest_meta,
        "config": config.to_dict(),
        "plans": portfolio.plans is not None,
    }
    write_bytes_atomic(out / META_FILE, json.dumps(meta, indent=2, default=str).encode())
    return out


def _with_next_steps(kpis: pd.DataFrame, portfolio, date: pd.Timestamp) -> pd.DataFrame:
    """The KPIs plus ``overdue_next_steps`` (the review notes' next steps overdue at D, for
    the ``next_steps_overdue`` alert) when the portfolio has review notes."""
    if getattr(portfolio, "review_notes", None) is None:
        return kpis
    overdue = overdue_next_steps(portfolio, date)
    overdue = overdue.set_axis(overdue.index.astype(str)).reindex(kpis.index.astype(str))
    return kpis.assign(overdue_next_steps=overdue.to_numpy())


def _group_tables(portfolio, date: pd.Timestamp, config) -> dict[str, pd.DataFrame]:
    """The groups' rolled-up KPIs and perimeters, and every account's whitespace map with
    the peers' hint on each cell (the group pages and the maps read them)."""
    from acctkit.kpis.groups import group_kpis, group_members
    from acctkit.kpis.whitespace import peer_hints, whitespace_map

    names = portfolio.accounts.set_index(portfolio.accounts["account_id"].astype(str))["name"]
    groups = group_kpis(portfolio, date, config=config).reset_index()
    groups.insert(1, "name", groups["group_id"].map(names).astype("string"))
    cells = whitespace_map(portfolio, date)
    hints = peer_hints(portfolio, date).rename(
        columns={"share_pct": "hint_share_pct", "median_spend": "hint_median_spend"}
    )
    cells = cells.merge(hints.drop(columns="buyers"), on=["account_id", "product"], how="left")
    return {"groups": groups, "group_members": group_members(portfolio), "whitespace": cells}


def _write(frame: pd.DataFrame, path: Path) -> None:
    frame = frame.copy()
    for column in frame.columns:
        if column == "account_id" or column.endswith("_id"):
            frame[column] = frame[column].astype("string")
    with atomic_path(path) as temporary:
        frame.to_parquet(temporary, index=False, row_group_size=20_000)


def _alerts(kpis: pd.DataFrame, risk, config) -> pd.DataFrame:
    """The alerts, their message in every supported language (``message_<lang>``)."""
    first, *others = languages()
    alerts = compute_alerts(kpis, risk=risk, config=config, lang=first)
    alerts = alerts.rename(columns={"message": f"message_{first}"})
    for lang in others:
        fired = compute_alerts(kpis, risk=risk, config=config, lang=lang)
        alerts[f"message_{lang}"] = fired["message"].to_numpy()
    return alerts


def _risk_tables(model, portfolio, date, config, dates):
    empty = pd.DataFrame(
        {"risk_probability": pd.Series(dtype="float64")},
        index=pd.Index([], name="account_id", dtype="string"),
    )
    trend = pd.DataFrame(columns=["account_id", "as_of", "risk_probability"])
    if model is None:
        return empty, trend, None
    from acctkit.model import risk_history, risk_limits, score_accounts

    risk = score_accounts(model, portfolio, date, config=config, languages=languages())
    trend = risk_history(model, portfolio, dates)
    meta = {
        "as_of": model.as_of_.strftime("%Y-%m-%d"),
        "horizon_days": int(model.horizon_days),
        "window_days": int(model.window_days),
        "features": list(model.features_),
        "metrics": model.metrics_.reset_index().to_dict("records"),
        "coefficients": model.coefficients_.reset_index().to_dict("records"),
        "risk_bands": dict(config.risk_bands),
        "base_rate": float(model.base_rate_),
        "risk_limits": risk_limits(config, model.base_rate_),
        "snapshots": int(model.n_snapshots_),
    }
    return risk, trend, meta


def _backtest(portfolio, date, config) -> tuple[pd.DataFrame, dict]:
    """The alert rules held against the portfolio's past (:func:`acctkit.backtest_alerts`),
    and what it rests on; an empty table and the reason when it cannot be run."""
    from acctkit.errors import AcctkitError
    from acctkit.model import backtest_alerts

    try:
        table = backtest_alerts(portfolio, date, config=config)
    except AcctkitError as error:
        return pd.DataFrame({"rule": pd.Series(dtype="string")}), {"unavailable": str(error)}
    meta = {key: table.attrs[key] for key in ("dates", "account_months", "horizon_days")}
    meta["model_error"] = table.attrs["model_error"]
    table.attrs = {}
    return table.reset_index(), meta


def _contacts(portfolio, date: pd.Timestamp, window: int) -> pd.DataFrame:
    """Active contacts at D, each marked engaged (met in the window) or silent."""
    columns = [
        "contact_id",
        "account_id",
        "name",
        "title",
        "level",
        "business_unit",
        "role",
        "is_key",
        "influence",
        "interactions_window",
        "last_interaction",
        "engaged",
    ]
    contacts = portfolio.contacts
    if contacts is None:
        return pd.DataFrame(columns=columns)
    active = contacts[~(contacts["left_on"] <= date)]
    seen = pd.DataFrame(columns=["interactions_window", "last_interaction"])
    if portfolio.interactions is not None:
        met = exchanges(portfolio).interactions  # a missed meeting meets nobody
        met = met[met["contact_id"].notna() & (met["occurred_on"] <= date)]
        in_window = met["occurred_on"] > date - pd.Timedelta(days=window)
        seen = (
            met.assign(in_window=in_window)
            .groupby("contact_id", observed=True)
            .agg(interactions_window=("in_window", "sum"), last_interaction=("occurred_on", "max"))
        )
    frame = active.join(seen, on="contact_id")
    frame["interactions_window"] = frame["interactions_window"].fillna(0).astype("int64")
    frame["engaged"] = frame["interactions_window"] > 0
    return frame[columns].reset_index(drop=True)


def _activity(portfolio, date: pd.Timestamp, months: int) -> pd.DataFrame:
    """Per account and month (the last ``months`` months to D): interactions (the meetings
    the client missed apart, ``missed_meetings``), irritants, NPS answers and their mean
    score."""
    ends = month_ends(date + pd.offsets.MonthEnd(0), months)
    periods = ends.to_period("M")
    grid = pd.MultiIndex.from_product(
        [portfolio.account_ids, periods], names=["account_id", "month"]
    )
    out = pd.DataFrame(index=grid)
    missed = None
    if portfolio.interactions is not None:
        missed = portfolio.interactions[missed_meetings(portfolio.interactions)]
    sources = {
        "interactions": (exchanges(portfolio).interactions, "occurred_on", None),
        "missed_meetings": (missed, "occurred_on", None),
        "irritants": (portfolio.feedback, "recorded_on", ("kind", "irritant")),
        "nps_responses": (portfolio.nps_responses, "responded_on", None),
    }
    for name, (frame, column, only) in sources.items():
        if frame is None:  # an optional table the portfolio does not have
            out[name] = np.nan
            if name == "nps_responses":
                out["nps_mean_score"] = np.nan
            continue
        if only is not None:
            frame = frame[frame[only[0]] == only[1]]
        frame = frame[frame[column] <= date]
        month = frame[column].dt.to_period("M")
        counts = frame.groupby([frame["account_id"], month], observed=True).size()
        out[name] = counts.reindex(grid).fillna(0).astype("int64")
        if name == "nps_responses":
            scores = frame["score"].astype("float64")
            means = scores.groupby([frame["account_id"], month], observed=True).mean()
            out["nps_mean_score"] = means.reindex(grid)
    out = out.reset_index()
    out["month"] = out["month"].dt.to_timestamp(how="end").dt.normalize()
    return out


def _actions(portfolio, date: pd.Timestamp, window: int) -> pd.DataFrame:
    """The plan's actions as a reviewer reads them: overdue first, then upcoming, then
    done within the window. Cancelled actions are left out."""
    columns = [
        "action_id",
        "account_id",
        "title",
        "owner",
        "due_on",
        "done_on",
        "state",
        "days_late",
    ]
    actions = portfolio.actions
    if actions is None:
        return pd.DataFrame(columns=columns)
    actions = actions[actions["status"] != "cancelled"]
    done = actions["done_on"] <= date
    overdue = ~done & (actions["due_on"] < date)
    recent = done & (actions["done_on"] > date - pd.Timedelta(days=window))
    state = np.select([overdue, ~done, recent], ["overdue", "open", "done"], "")
    frame = actions.assign(
        state=state,
        done_on=actions["done_on"].where(done),
        days_late=np.where(overdue, (date - actions["due_on"]).dt.days, 0),
    )
    frame = frame[frame["state"] != ""]
    order = frame["state"].map({"overdue": 0, "open": 1, "done": 2})
    frame = frame.assign(_order=order).sort_values(["account_id", "_order", "due_on"])
    return frame[columns].reset_index(drop=True)


@dataclass(frozen=True)
class AccountBundle:
    """One account's slice of a bundle: what its review notebook shows."""

    account_id: str
    meta: dict
    tables: dict

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = object.__getattribute__(self, "tables")
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def as_of(self) -> pd.Timestamp:
        return pd.Timestamp(self.meta["as_of"])

    @property
    def previous_review(self) -> pd.Timestamp:
        return pd.Timestamp(self.meta["previous_review"])

    @property
    def cadence(self) -> str:
        """``monthly`` or ``biweekly`` (bundles of format 4 were monthly)."""
        return self.meta.get("cadence", "monthly")

    @property
    def reviews(self) -> dict:
        """The review packs around this one (:data:`REVIEWS_FILE`): ``previous`` (the
        previous pack's folder, date and account pages) and ``packs``; empty outside a
        batch."""
        return self.meta.get("reviews") or {}

    @property
    def risk_limits(self) -> dict | None:
        """The probabilities from which the medium and high risk bands start (None without
        a model)."""
        return (self.meta.get("model") or {}).get("risk_limits")


def read_meta(bundle: str | Path) -> dict:
    """The bundle's ``bundle.json`` (as-of date, model summary, configuration...)."""
    path = Path(bundle) / META_FILE
    if not path.is_file():
        raise ReportError(
            f"'{bundle}' is not a review bundle (no {META_FILE}); build one "
            "with acctkit.report.build_bundle"
        )
    meta = json.loads(path.read_text())
    if meta.get("format_version") != FORMAT_VERSION:
        raise ReportError(f"'{bundle}' was written by another acctkit version; rebuild it")
    return meta


def load_account(bundle: str | Path, account_id: str) -> AccountBundle:
    """Read one account's rows from every table of the bundle (nothing else is read)."""
    meta = read_meta(bundle)
    account_id = str(account_id)
    tables = {
        name: pd.read_parquet(
            Path(bundle) / f"{name}.parquet", filters=[("account_id", "==", account_id)]
        )
        for name in ACCOUNT_TABLES
    }
    if tables["accounts"].empty:
        raise ReportError(f"account '{account_id}' is not in the bundle '{bundle}'")
    return AccountBundle(account_id, {**meta, "reviews": read_reviews(bundle)}, tables)


def read_reviews(bundle: str | Path) -> dict:
    """The bundle's :data:`REVIEWS_FILE` (written by the batch), or ``{}``."""
    try:
        return json.loads((Path(bundle) / REVIEWS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def load_tables(bundle: str | Path, names=ACCOUNT_TABLES) -> dict[str, pd.DataFrame]:
    """Whole tables of the bundle (for the portfolio review)."""
    read_meta(bundle)
    return {name: pd.read_parquet(Path(bundle) / f"{name}.parquet") for name in names}


def ensure_bundle(
    review_bundle: str | Path | None, data_path: str | Path | None, as_of, *, lang: str = "en"
) -> Path:
    """The bundle a notebook should read.

    ``review_bundle`` when given (the batch passes one); else one built from ``data_path``
    (an analyst running the notebook by hand in JupyterLab); with neither, from the demo
    portfolio (``acctkit.demo_portfolio()``, the one ``make demo`` writes), so a notebook
    runs as it is anywhere. A built bundle is cached in the temporary folder under a
    fingerprint of the data files, never inside the data folder (source data is only read).
    """
    if review_bundle:
        read_meta(review_bundle)
        return Path(review_bundle)
    from acctkit.errors import ModelError
    from acctkit.model import EarlyWarningModel

    date = as_of_date(as_of)
    folder = _cache_folder(Path(data_path) if data_path else None, date)
    if (folder / META_FILE).is_file():
        return folder
    if data_path:
        from acctkit.data import load_portfolio

        portfolio = load_portfolio(data_path)
    else:
        from acctkit.datasets import demo_portfolio

        portfolio = demo_portfolio()
    try:
        model = EarlyWarningModel().fit(portfolio, date)
    except ModelError:
        model = None  # the report says the early warning is not available
    return build_bundle(portfolio, date, folder, model=model, lang=lang)


def _cache_folder(data_path: Path | None, date: pd.Timestamp) -> Path:
    import hashlib
    import tempfile

    from acctkit.datasets import DEMO_SIZE

    # a language added to ACCTKIT_LOCALES, or a word changed, needs its texts: another bundle
    key = f"{__version__}:{FORMAT_VERSION}:{DEMO_SIZE}:{catalogue_digest()}"
    digest = hashlib.sha256(key.encode())
    if data_path is not None:
        digest.update(str(data_path.resolve()).encode())
        files = sorted(data_path.rglob("*")) if data_path.is_dir() else [data_path]
        for path in files:
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    name = f"{digest.hexdigest()[:16]}-{date:%Y-%m-%d}"
    return Path(tempfile.gettempdir()) / "acctkit-bundles" / name
