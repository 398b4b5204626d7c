"""The HTML blocks of the review notebooks, in English or French.

Each function returns an :class:`acctkit.report.html.Html` block a notebook shows with
``display(...)``: a section heading with its explanation (:func:`intro`), the account header
(:func:`header`), score breakdowns, KPI tables, actions, the early warning, alerts, and the
portfolio's summary, ranking, top risks, segments and failed reports. Every word comes from
:func:`acctkit.labels`, every number is formatted for the language, and every value from
the data is escaped (see :mod:`acctkit.report.html`). The numbers themselves are computed in
:mod:`acctkit.report.tables`.

Examples
--------
>>> from acctkit.report import load_account, sections
>>> account = load_account("bundle", "A0001")  # doctest: +SKIP
>>> display(sections.header(account, "fr"))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from markupsafe import Markup

from acctkit.format import compact, date, fill, is_missing, number, percent, signed
from acctkit.i18n import labels
from acctkit.report import cells
from acctkit.report import tables as report_tables
from acctkit.report.html import Html, badge, block, join, link, stylesheet, table, tag

ACCOUNT_SECTIONS = (
    "summary",
    "scores",
    "potential",
    "relationship",
    "execution",
    "early_warning",
    "alerts",
)
PORTFOLIO_SECTIONS = (
    "portfolio",
    "attention",
    "matrix",
    "ranking",
    "top_risks",
    "segments",
    "reliability",
    "failed",
)


def account_title(account, lang: str = "en") -> str:
    """The title of an account's report (plain text: the template escapes it)."""
    name = account.accounts["name"].iloc[0]
    return labels(lang).report["account_title"].format(name=name)


def portfolio_title(lang: str = "en") -> str:
    """The title of the portfolio report."""
    return labels(lang).report["portfolio_title"]


def intro(section: str, lang: str = "en", meta: Mapping | None = None) -> Html:
    """A section's heading and the sentence that says what the reader sees.

    Parameters
    ----------
    section : str
        One of :data:`ACCOUNT_SECTIONS` or :data:`PORTFOLIO_SECTIONS`.
    lang : str
        ``"en"`` or ``"fr"``.
    meta : mapping, optional
        The bundle's ``meta`` (previous review date, window, model horizon) for the
        sentences that quote them.
    """
    words = labels(lang)
    report = words.report
    heading = words.families.get(section) or report[f"heading.{section}"]
    meta = meta or {}
    values = {
        "previous": date(meta.get("previous_review"), lang),
        "window": meta.get("window_days", 90),
        "months": round((meta.get("model") or {}).get("horizon_days", 180) / 30),
        "count": ((meta.get("config") or {}).get("attention") or {}).get("max_accounts", 15),
    }
    text = report.get(f"intro.{section}")
    paragraph = tag("p", fill(text, lang, **values)) if text else ""
    return block(tag("h2", heading), paragraph)


def header(account, lang: str = "en") -> Html:
    """Who the account is, its four scores with band and change, the recommendation and the
    early-warning risk; also the stylesheet of every block that follows."""
    words = labels(lang)
    row = account.accounts.iloc[0]
    report = words.report
    facts = [
        (report["owner"], row["owner"]),
        (report["tier"], words.tiers.get(str(row["tier"]), row["tier"])),
        (report["industry"], row["industry"]),
        (report["region"], row["region"]),
        (report["review_date"], date(account.as_of, lang)),
        (report["previous_review"], date(account.previous_review, lang)),
    ]
    facts_html = tag(
        "dl",
        [tag("div", [tag("dt", k), tag("dd", cells.text(v, lang))]) for k, v in facts],
        "ak-facts",
    )
    card = tag("div", [tag("div", row["name"], "ak-name"), facts_html], "ak-card")
    changes = report_tables.score_changes(account)
    tiles = tag(
        "div", [_score_tile(score, r, account, lang) for score, r in changes.iterrows()], "ak-tiles"
    )
    from acctkit.report.plan_sections import plan_badge  # the account plan (issue 15)

    verdict = tag(
        "div",
        [_recommendation(account, lang), _risk_line(account, lang), plan_badge(account, lang)],
        "ak-verdict",
    )
    return block(stylesheet(), card, tiles, verdict)


def score_breakdown(account, lang: str = "en") -> Html:
    """One table per family score: each component's value, weight applied and points."""
    words = labels(lang)
    components = report_tables.score_components(account)
    report = words.report
    headers = [report["component"], words["value"], report["weight"], report["points"]]
    parts = []
    for score, rows in components.groupby("score", sort=False):
        body = [
            [
                words.components.get(r.component, r.component),
                percent(100 * r.value, lang),
                percent(100 * r.share, lang),
                number(r.points, lang, 1),
            ]
            for r in rows.itertuples()
        ]
        total = rows["points"].sum(min_count=1)
        body.append([report["total"], "", "", number(total, lang, 1)])
        classes = [None] * (len(body) - 1) + ["ak-total"]
        column = [table(headers, body, caption=words[score], row_classes=classes)]
        if is_missing(total):
            column.append(tag("p", report["scores.too_little"], "ak-note"))
        parts.append(tag("div", column))
    return block(tag("div", parts, "ak-cols"))


def kpi_table(account, family: str, lang: str = "en") -> Html:
    """A family's KPIs: this review, the previous review, and the change with its direction
    (▲ up, ▼ down, = unchanged), green when it is good news and red when it is bad."""
    words = labels(lang)
    report = words.report
    changes = report_tables.kpi_changes(account, family)
    headers = [
        report["kpi"],
        f"{report['this_review']} ({date(account.as_of, lang)})",
        f"{report['previous_review']} ({date(account.previous_review, lang)})",
        report["change"],
    ]
    body = [
        [
            words[kpi],
            cells.kpi_value(kpi, r.value, lang),
            cells.kpi_value(kpi, r.previous, lang),
            cells.kpi_change(kpi, r.change, r.direction, r.assessment, lang),
        ]
        for kpi, r in changes.iterrows()
    ]
    classes = [None] * (len(body) - 1) + ["ak-strong"]
    return block(table(headers, body, classes="ak-wide ak-kpis", row_classes=classes))


def actions_table(account, lang: str = "en") -> Html:
    """The plan's actions: overdue first (with days late), then open, then done lately."""
    words = labels(lang)
    report = words.report
    heading = tag("h3", report["heading.actions"], "ak-h3")
    actions = account.actions
    if actions.empty:
        return block(heading, tag("p", report["none.actions"], "ak-note"))
    headers = [
        report["status"],
        report["action"],
        report["owner_short"],
        report["due_on"],
        report["done_on"],
        report["days_late"],
    ]
    body = [
        [
            badge(words.action_states.get(r.state, r.state), r.state),
            cells.text(r.title, lang),
            cells.text(r.owner, lang),
            date(r.due_on, lang),
            date(r.done_on, lang) if not is_missing(r.done_on) else "",
            number(r.days_late, lang) if r.days_late else "",
        ]
        for r in actions.itertuples()
    ]
    return block(heading, table(headers, body, text_columns=(0, 1, 2), classes="ak-wide"))


def early_warning(account, lang: str = "en") -> Html:
    """The early-warning probability and band, its change, the drivers in words and the
    model's reliability; or a sentence saying why it is not available."""
    words = labels(lang)
    report = words.report
    risk = report_tables.risk_summary(account, lang)
    if not risk["available"]:
        return block(tag("p", report["risk.unavailable"]))
    if not risk["scored"]:
        return block(tag("p", report["risk.unscored"]))
    drivers = [d.strip() for d in str(risk["drivers"]).split(";") if d.strip()]
    drivers = [d[:1].upper() + d[1:] for d in drivers]
    sentence = report_tables.risk_sentence(
        risk["probability"], risk["base_rate"], risk["months"], lang
    )
    return block(
        tag("div", tag("div", _risk_value(risk, account, lang)), "ak-verdict"),
        tag("p", tag("strong", sentence)) if sentence else "",
        tag("h3", report["risk.drivers"], "ak-h3"),
        tag("ul", [tag("li", driver) for driver in drivers]),
        _model_quality(account.meta, lang),
    )


def alerts_table(account, lang: str = "en") -> Html:
    """Every alert that fires, highest severity first, with its value and threshold."""
    words = labels(lang)
    alerts = account.alerts
    if alerts.empty:
        return block(tag("p", words.report["none.alerts"]))
    order = alerts["severity"].astype("object").map({"high": 0, "medium": 1, "low": 2}).fillna(3)
    alerts = alerts.assign(_order=order).sort_values("_order", kind="stable")
    message = report_tables.language_column(alerts, "message", lang)
    headers = [
        words["severity"],
        words["code"],
        words["message"],
        words["value"],
        words["threshold"],
    ]
    body = [
        [
            badge(words.severities.get(str(r.severity), r.severity), _severity_kind(r.severity)),
            words.alerts.get(str(r.code), r.code),
            getattr(r, message),
            cells.alert_number(str(r.code), r.value, lang),
            cells.alert_number(str(r.code), r.threshold, lang),
        ]
        for r in alerts.itertuples()
    ]
    return block(table(headers, body, text_columns=(0, 1, 2), classes="ak-wide"))


def overrides_note(account, lang: str = "en") -> Html:
    """The overrides in force (what they set, the computed value, who, until when and why)
    and, at the first review after one ended, an ``override_expired`` note; nothing when
    the account has neither."""
    words = labels(lang)
    report = words.report
    overrides = account.overrides
    if overrides.empty:
        return block()
    kpis = account.kpis.iloc[0] if len(account.kpis) else {}
    risk = account.risk.iloc[0] if len(account.risk) else {}
    notes = []
    for r in overrides.itertuples():
        field = str(r.field)
        author = r.author if not is_missing(r.author) else report["override.no_author"]
        parts = {
            "field": report[f"override.{field}"],
            "value": _override_value(field, r.value, lang),
            "author": author,
        }
        if r.status == "expired":
            text = fill(report["override.expired"], lang, **parts, expired=date(r.expires_on, lang))
            notes.append(tag("p", text, "ak-note ak-override-expired"))
            continue
        source = risk if field == "risk_band" else kpis
        computed = source.get(f"{field}_computed") if len(source) else None
        text = fill(
            report["override.in_force"],
            lang,
            **parts,
            expires=date(r.expires_on, lang),
            computed=_override_value(field, computed, lang),
            reason=r.reason,
        )
        notes.append(tag("p", text, "ak-override"))
    return block(*notes)


def _override_value(field: str, value, lang: str) -> str:
    words = labels(lang)
    if is_missing(value):
        return words.words["missing"]
    names = {"health_band": words.bands, "segment": words.segments, "risk_band": words.risk_bands}
    return names[field].get(str(value), str(value))


def judgement_table(account, lang: str = "en") -> Html:
    """Each assessed criterion: its latest score, when it was rated and how long ago,
    stale ones marked; and what a stale score does to the potential score."""
    words = labels(lang)
    report = words.report
    config = account.meta["config"]["assessments"]
    heading = tag("h3", report["heading.judgement"], "ak-h3")
    intro_text = tag("p", fill(report["intro.judgement"], lang, valid_days=config["valid_days"]))
    judgement = account.judgement
    if judgement.empty:
        return block(heading, intro_text, tag("p", report["none.judgement"], "ak-note"))
    policy = "judgement.counts" if config["stale_scores"] == "count" else "judgement.omitted"
    headers = [report["criterion"], report["score"], report["rated_on"], report["age"], ""]
    body = [
        [
            words.criteria.get(str(r.criterion), str(r.criterion)),
            f"{number(r.score, lang)} / 5",
            date(r.assessed_on, lang),
            _age(int(r.age_days), lang),
            badge(report["stale"], "stale") if r.stale else "",
        ]
        for r in judgement.itertuples()
    ]
    rows = ["ak-stale" if stale else None for stale in judgement["stale"]]
    stale_count = int(judgement["stale"].sum())
    note = tag("p", report[policy], "ak-note") if stale_count else ""
    return block(
        heading,
        intro_text,
        table(headers, body, text_columns=(0, 3), row_classes=rows),
        note,
    )


def _age(days: int, lang: str) -> str:
    """``rated 14 months ago``: days under two months, then months."""
    report = labels(lang).report
    if days <= 0:
        return report["age.today"]
    if days < 60:
        return fill(report["age.days"], lang, n=days)
    return fill(report["age.months"], lang, n=round(days / 30.44))


def _severity_kind(severity) -> str:
    """The badge of a severity: a low alert is a notice, not a green light."""
    return "notice" if str(severity) == "low" else str(severity)


# -- portfolio ------------------------------------------------------------------------


def portfolio_header(tables: Mapping[str, pd.DataFrame], meta: Mapping, lang: str = "en") -> Html:
    """The portfolio's headline numbers as tiles, with the review dates; also the
    stylesheet of every block that follows."""
    words = labels(lang)
    report = words.report
    totals = report_tables.portfolio_totals(tables)
    sentence = fill(
        report["portfolio.summary"],
        lang,
        accounts=totals["accounts"],
        date=date(meta["as_of"], lang),
        previous=date(meta["previous_review"], lang),
    )
    high_risk = totals["high_risk_accounts"]
    health_band = report_tables.band_of(totals["mean_health"], meta["config"]["bands"])
    boxes = [
        _tile(report["accounts"], number(totals["accounts"], lang)),
        _tile(words["annual_revenue"], compact(totals["revenue"], lang)),
        _tile(
            report["mean_health"],
            cells.score_with_band(totals["mean_health"], health_band, lang),
            band=health_band,
        ),
        _tile(report["high_risk_accounts"], cells.text(high_risk, lang)),
        _tile(report["high_alert_accounts"], number(totals["high_alert_accounts"], lang)),
        _tile(report["stale_judgement_accounts"], cells.text(totals["stale_judgement"], lang)),
        _tile(
            fill(report["without_steering_committee"], lang, window=meta["window_days"]),
            cells.text(totals["without_steering_committee"], lang),
        ),
    ]
    return block(stylesheet(), tag("p", sentence), tag("div", boxes, "ak-tiles"))


def ranking_table(tables: Mapping[str, pd.DataFrame], lang: str = "en", links="") -> Html:
    """Every account ranked by potential score, with its scores, recommendation, health
    band, early-warning risk and alerts; names link to the account reports.

    Parameters
    ----------
    tables : mapping
        From :func:`acctkit.report.load_tables` (``accounts``, ``kpis``, ``alerts``, ``risk``).
    lang : str
        ``"en"`` or ``"fr"``.
    links : str or mapping
        The batch's ``account_links`` (JSON object ``{account_id: relative URL}``); empty
        for no links.
    """
    words = labels(lang)
    report = words.report
    hrefs = report_tables.parse_links(links)
    frame = report_tables.ranking(tables)
    headers = [
        "#",
        words["name"],
        report["owner"],
        words["segment"],
        report["col.potential"],
        report["col.relationship"],
        report["col.execution"],
        report["col.health"],
        report["col.revenue"],
        report["risk"],
        report["col.alerts"],
    ]
    body = [
        [
            str(r.rank),
            link(r.name, hrefs.get(r.account_id)),
            cells.text(r.owner, lang),
            cells.segment_badge(r.segment, lang),
            number(r.potential_score, lang, 1),
            number(r.relationship_score, lang, 1),
            number(r.execution_score, lang, 1),
            cells.score_with_band(r.health_score, r.health_band, lang),
            compact(r.annual_revenue, lang),
            cells.risk_cell(r.risk_probability, r.risk_band, lang),
            cells.alert_count(r.alerts, r.high_alerts, lang),
        ]
        for r in frame.itertuples()
    ]
    from acctkit.report.plan_sections import ranking_plan_cells  # the account plan (issue 15)

    headers, body = ranking_plan_cells(frame, headers, body, lang)
    note = tag("p", report["intro.ranking.links"], "ak-note") if hrefs else ""
    return block(note, table(headers, body, text_columns=(1, 2, 3), classes="ak-wide ak-compact"))


def top_risks_table(
    tables: Mapping[str, pd.DataFrame], lang: str = "en", links="", count: int = 10
) -> Html:
    """The accounts with the highest early-warning risk, with what drives it."""
    words = labels(lang)
    report = words.report
    frame = report_tables.top_risks(tables, count, lang)
    if tables["risk"].empty:
        return block(tag("p", report["risk.unavailable"]))
    hrefs = report_tables.parse_links(links)
    headers = [
        words["name"],
        report["owner"],
        report["risk"],
        report["drivers"],
        words["annual_revenue"],
    ]
    body = [
        [
            link(r.name, hrefs.get(r.account_id)),
            cells.text(r.owner, lang),
            cells.risk_cell(r.risk_probability, r.risk_band, lang),
            tag("span", r.drivers),
            compact(r.annual_revenue, lang),
        ]
        for r in frame.itertuples()
    ]
    return block(table(headers, body, text_columns=(0, 1, 3), classes="ak-wide ak-compact"))


def segment_table(tables: Mapping[str, pd.DataFrame], lang: str = "en") -> Html:
    """Accounts, revenue, share of revenue, mean health score and accounts at high risk per
    recommendation segment."""
    words = labels(lang)
    report = words.report
    frame = report_tables.segment_summary(tables)
    has_model = not tables["risk"].empty
    headers = [
        words["segment"],
        report["accounts"],
        words["annual_revenue"],
        report["revenue_share"],
        report["mean_health"],
    ]
    headers += [report["high_risk_accounts"]] if has_model else []
    body = []
    for segment, r in frame.iterrows():
        row = [
            cells.segment_badge(segment, lang),
            number(r.accounts, lang),
            number(r.revenue, lang),
            percent(r.revenue_share_pct, lang, 1),
            number(r.mean_health, lang, 1),
        ]
        body.append(row + ([number(r.high_risk_accounts, lang)] if has_model else []))
    return block(table(headers, body))


def attention_table(
    tables: Mapping[str, pd.DataFrame], meta: Mapping, lang: str = "en", links=""
) -> Html:
    """The accounts that need attention this review: at most ``[attention] max_accounts``,
    ranked by :func:`acctkit.report.tables.attention`, each with its one-line reason."""
    words = labels(lang)
    report = words.report
    frame = report_tables.attention(tables, meta, lang)
    if frame.empty:
        return block(tag("p", report["none.attention"]))
    count = int(meta["config"].get("attention", {}).get("max_accounts", 15))
    shown = frame.head(count)
    hrefs = report_tables.parse_links(links)
    headers = ["#", words["name"], report["owner"], report["col.reason"], report["risk"]]
    headers.append(words["annual_revenue"])
    body = [
        [
            str(r.rank),
            link(r.name, hrefs.get(r.account_id)),
            cells.text(r.owner, lang),
            join([badge(words.severities[r.severity], r.severity), " ", r.reason]),
            cells.risk_cell(r.risk_probability, r.risk_band, lang),
            compact(r.annual_revenue, lang),
        ]
        for r in shown.itertuples()
    ]
    note = fill(report["attention.shown"], lang, shown=len(shown), total=len(frame))
    return block(
        table(headers, body, text_columns=(1, 2, 3), classes="ak-wide ak-compact"),
        tag("p", note, "ak-note"),
    )


def reliability_table(tables: Mapping[str, pd.DataFrame], meta: Mapping, lang: str = "en") -> Html:
    """How reliable the alerts have been on this portfolio's past: the back-test of every
    rule, the best ones in words, and "no evidence yet" where the lift interval includes 1."""
    words = labels(lang)
    report = words.report
    facts = meta.get("backtest") or {}
    if "unavailable" in facts or not facts:
        reason = facts.get("unavailable", "")
        return block(tag("p", fill(report["reliability.unavailable"], lang, reason=reason)))
    frame = report_tables.reliability(tables)
    rate = frame["base_rate"].iloc[0] if len(frame) else float("nan")
    dates = facts["dates"]
    intro_text = fill(
        report["reliability.intro"],
        lang,
        months=len(dates),
        start=date(dates[0], lang),
        end=date(dates[-1], lang),
        account_months=facts["account_months"],
        horizon=facts["horizon_days"],
        rate=percent(100 * rate, lang, 1),
    )

    def rule_name(rule: str) -> str:
        return report.get(f"rule.{rule}") or words.alerts.get(rule, rule)

    def lift_text(r) -> str:
        if r.fired == 0:
            return ""
        low, high = number(r.lift_low, lang, 1), number(r.lift_high, lang, 1)
        return f"{number(r.lift, lang, 1)} ({low}-{high})"

    headers = [
        words["code"],
        report["col.fired"],
        report["col.hits"],
        report["col.precision"],
        report["col.lift"],
        report["col.recall"],
        report["col.verdict"],
    ]
    kinds = {"proven": "green", "no_evidence": "amber", "below": "red", "never": "amber"}
    body = [
        [
            rule_name(r.rule),
            number(r.fired, lang),
            number(r.hits, lang),
            percent(100 * r.precision, lang) if r.fired else "",
            lift_text(r),
            percent(100 * r.recall, lang) if not is_missing(r.recall) else "",
            badge(report[f"verdict.{r.verdict}"], kinds[r.verdict]),
        ]
        for r in frame.itertuples()
    ]
    proven = frame[frame["verdict"] == "proven"].sort_values("lift", ascending=False).head(3)
    sentences = [
        fill(
            report["reliability.sentence"],
            lang,
            months=len(dates),
            rule=rule_name(r.rule),
            lift=number(r.lift, lang, 1),
            precision=percent(100 * r.precision, lang),
            rate=percent(100 * r.base_rate, lang, 1),
        )
        for r in proven.itertuples()
    ]
    said = [tag("li", text) for text in sentences] or [tag("li", report["reliability.no_rule"])]
    model_date = dates[0] if "early_warning_high" in set(frame["rule"]) else None
    if model_date:
        model_text = fill(report["reliability.model"], lang, date=date(model_date, lang))
    else:
        reason = facts.get("model_error") or ""
        model_text = fill(
            report["reliability.model_missing"], lang, date=date(dates[0], lang), reason=reason
        )
    model_note = tag("p", model_text, "ak-note")
    return block(
        tag("p", intro_text),
        tag("ul", said),
        table(headers, body, text_columns=(0,), classes="ak-wide ak-compact"),
        model_note,
    )


def failed_reports(failed_accounts, lang: str = "en", accounts: pd.DataFrame | None = None) -> Html:
    """The section listing the account reports that failed, with their error; an empty
    block (nothing shown) when none failed.

    Parameters
    ----------
    failed_accounts : str or list
        The batch's ``failed_accounts`` (JSON list of ``{account_id, error}``).
    lang : str
        ``"en"`` or ``"fr"``.
    accounts : DataFrame, optional
        The bundle's ``accounts`` table, to show each account's name.
    """
    failures = report_tables.parse_failures(failed_accounts)
    if failures.empty:
        return Html("")
    words = labels(lang)
    names = (
        {} if accounts is None else dict(zip(accounts["account_id"], accounts["name"], strict=True))
    )
    headers = [words["account_id"], words["name"], words.report["error"]]
    body = [
        [r.account_id, cells.text(names.get(r.account_id), lang), r.error]
        for r in failures.itertuples()
    ]
    return block(
        intro("failed", lang),
        table(headers, body, text_columns=(0, 1, 2), classes="ak-wide"),
    )


# -- helpers ---------------------------------------------------------------------------


def _score_tile(score: str, row, account, lang: str) -> Markup:
    words = labels(lang)
    since = words.report["since"].format(date=date(account.previous_review, lang))
    change = cells.kpi_change(
        score, row["change"], row["direction"], row["assessment"], lang, verbose=True
    )
    value = cells.score_with_band(row["value"], row["band"], lang)
    note = join([change, since], " ") if row["direction"] != "na" else change
    return _tile(words[score], value, note, band=row["band"])


def _tile(name, value, note=None, band=None) -> Markup:
    """A tile: a name, a big value, an optional note; its top border in the band colour."""
    parts = [tag("div", name, "ak-tile-name"), tag("div", value, "ak-tile-value")]
    if note is not None:
        parts.append(tag("div", note, "ak-tile-change"))
    return tag("div", parts, f"ak-tile ak-{band}" if band else "ak-tile")


def _recommendation(account, lang: str) -> Markup:
    words = labels(lang)
    segment = str(account.kpis["segment"].iloc[0])
    limits = account.meta["config"]["segments"]
    rule = fill(words.report[f"rule.{segment}"], lang, **limits)
    return tag(
        "div",
        [
            tag("span", words["segment"], "ak-label"),
            cells.segment_badge(segment, lang),
            tag("span", rule, "ak-note"),
        ],
    )


def _risk_line(account, lang: str) -> Markup:
    words = labels(lang)
    risk = report_tables.risk_summary(account, lang)
    label = tag("span", words.report["risk"], "ak-label")
    if not risk["available"] or not risk["scored"]:
        return tag("div", [label, tag("span", words.words["missing"], "ak-big")])
    return tag("div", [label, *_risk_value(risk, account, lang)])


def _risk_value(risk: Mapping, account, lang: str) -> list[Markup]:
    words = labels(lang)
    amount = signed(risk["change_points"], lang)
    change = cells.change_mark(
        amount, risk["direction"], risk["assessment"], lang, points=True, verbose=True
    )
    since = words.report["since"].format(date=date(account.previous_review, lang))
    note = join([change, since], " ") if risk["direction"] != "na" else ""
    return [
        tag("span", percent(100 * risk["probability"], lang), "ak-big"),
        badge(words.risk_bands[risk["band"]], risk["band"]),
        tag("span", note, "ak-note"),
    ]


def _model_quality(meta: Mapping, lang: str) -> Markup:
    metrics = pd.DataFrame((meta.get("model") or {}).get("metrics", []))
    if metrics.empty or "roc_auc" not in metrics:
        return Markup("")
    model = metrics[metrics.get("scorer", pd.Series(dtype=object)) == "model"]
    if model.empty or is_missing(model["roc_auc"].iloc[0]):
        return Markup("")
    report = labels(lang).report
    auc = number(model["roc_auc"].iloc[0], lang, 2)
    quality = report["risk.quality"].format(auc=auc)
    row = model.iloc[0]
    facts = meta.get("model") or {}
    if "mean_predicted" in model and not is_missing(row["mean_predicted"]):
        calibration = fill(
            report["risk.calibration"],
            lang,
            predicted=percent(100 * row["mean_predicted"], lang, 1),
            observed=percent(100 * row["base_rate"], lang, 1),
            base=percent(100 * facts.get("base_rate", float("nan")), lang, 1),
            snapshots=int(facts.get("snapshots", 0)),
            months=round(facts.get("horizon_days", 180) / 30),
        )
        quality = f"{quality} {calibration}"
    return tag("p", quality, "ak-note")
