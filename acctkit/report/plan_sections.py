"""The account plan's HTML blocks (account-plan.md): the "Plan vs reality" section of the
account review and the plan parts of the portfolio review.

Like :mod:`acctkit.report.sections`, every word comes from :func:`acctkit.labels` (the
``plan`` group), numbers are formatted for the language and every value from the data
(objective titles, ambitions, obstacles) is escaped by the tag builder. A portfolio without
a plans table shows none of these blocks (each returns an empty block).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from markupsafe import Markup

from acctkit.format import date, fill, is_missing, number, percent
from acctkit.i18n import labels
from acctkit.report import cells
from acctkit.report.html import Html, badge, block, link, table, tag
from acctkit.theme import PALETTE

STATUS_KIND = {
    "on_track": "green",
    "achieved": "green",
    "at_risk": "amber",
    "off_track": "red",
    "missed": "red",
    "dropped": "none",
    "no_data": "none",
    "no_objectives": "none",
    "no_plan": "none",
}
"""The badge colour of each plan and objective status (the text always names it)."""
OFF_TRACK = ("off_track", "missed")


def has_plans(meta: Mapping) -> bool:
    """Whether the bundle's portfolio has a plans table (else no plan block is shown)."""
    return bool(meta.get("plans"))


def status_badge(status, lang: str = "en") -> Markup:
    """A plan or objective status as a coloured badge."""
    status = str(status)
    return badge(labels(lang).plan.get(status, status), STATUS_KIND.get(status, "none"))


def plan_badge(account, lang: str = "en") -> Markup:
    """The plan status for the header's verdict line ("" without a plans table)."""
    if not has_plans(account.meta):
        return Markup("")
    words = labels(lang)
    status = account.kpis["plan_status"].iloc[0]
    return tag("div", [tag("span", words["plan_status"], "ak-label"), status_badge(status, lang)])


def plan_section(account, lang: str = "en") -> Html:
    """ "Plan vs reality": the plan in force (title, owner, period, ambition, days left, the
    calendar elapsed, its status) and its objectives table; one sentence without a plan."""
    if not has_plans(account.meta):
        return block()
    words = labels(lang)
    plan = words.plan
    heading = tag("h2", plan["heading"])
    if account.plan.empty:
        return block(_style(), heading, tag("p", _no_plan_sentence(account, lang)))
    row = account.plan.iloc[0]
    kpis = account.kpis.iloc[0]
    elapsed = float(kpis["plan_elapsed_pct"])
    facts = [
        (plan["owner"], cells.text(row["owner"], lang)),
        (plan["period"], f"{date(row['starts_on'], lang)} – {date(row['ends_on'], lang)}"),
        (plan["days_left"], number(kpis["plan_days_left"], lang)),
        (plan["attainment"], percent(kpis["plan_attainment_pct"], lang, 0)),
    ]
    if not is_missing(row["revenue_target"]):
        facts.append(
            (
                words["plan_revenue_won"],
                f"{cells.kpi_value('plan_revenue_won', kpis['plan_revenue_won'], lang)} / "
                f"{cells.kpi_value('plan_revenue_target', row['revenue_target'], lang)}",
            )
        )
    card = tag(
        "div",
        [
            tag(
                "div",
                [cells.text(row["title"], lang), " ", status_badge(kpis["plan_status"], lang)],
                "ak-name",
            ),
            tag(
                "p",
                [tag("span", plan["ambition"], "ak-label"), " ", cells.text(row["ambition"], lang)],
            )
            if not is_missing(row["ambition"])
            else "",
            tag(
                "dl",
                [tag("div", [tag("dt", k), tag("dd", v)]) for k, v in facts],
                "ak-facts",
            ),
            tag(
                "div",
                [
                    tag("span", plan["elapsed"], "ak-label"),
                    " ",
                    _bar(elapsed, None, "accent"),
                    " ",
                    percent(elapsed, lang, 0),
                ],
                "ak-plan-time",
            ),
        ],
        "ak-card",
    )
    return block(_style(), heading, card, objectives_table(account, lang))


def objectives_table(account, lang: str = "en") -> Html:
    """Each objective: KPI, baseline, expected today, actual, target, due date, progress
    (bar with the expected-progress marker), status, forecast at the due date and the
    change of its progress since the previous review."""
    words = labels(lang)
    plan = words.plan
    objectives = account.objectives
    if objectives.empty:
        return block(tag("p", plan["none.objectives"], "ak-note"))
    headers = [
        f"{plan['objective']} · {plan['kpi']}",
        plan["baseline"],
        plan["expected"],
        plan["actual"],
        plan["target"],
        plan["due_on"],
        plan["progress"],
        plan["status"],
        plan["forecast"],
        plan["change"],
    ]
    body = []
    for r in objectives.itertuples():
        kpi = r.kpi if isinstance(r.kpi, str) else None

        def value(v, kpi=kpi):
            return cells.kpi_value(kpi, v, lang) if kpi and not is_missing(v) else ""

        # progress beyond the target (100 %) does not count as change
        change = np.minimum(r.progress_pct, 100.0) - np.minimum(r.progress_prev, 100.0)
        body.append(
            [
                [
                    _objective_title(r, lang),
                    tag("div", words.get(kpi, kpi) if kpi else plan["qualitative"], "ak-note"),
                ],
                value(r.baseline_value),
                value(r.expected),
                value(r.actual),
                value(r.target),
                tag("span", date(r.due_on, lang), "ak-nw"),
                tag(
                    "span",
                    [
                        _bar(
                            r.progress_pct,
                            r.expected_progress_pct,
                            STATUS_KIND.get(r.status, "none"),
                        ),
                        " ",
                        percent(r.progress_pct, lang, 0),
                    ],
                    "ak-nw",
                ),
                status_badge(r.status, lang),
                value(r.forecast),
                "" if is_missing(change) else fill(plan["points"], lang, value=_signed(change)),
            ]
        )
    note = tag("p", plan["intro.objectives"], "ak-note")
    return block(
        note,
        table(headers, body, text_columns=(0, 7), classes="ak-wide ak-compact"),
    )


def items_table(account, lang: str = "en") -> Html:
    """Open obstacles and opportunities, and those opened or closed since the previous
    review (marked new / closed)."""
    if not has_plans(account.meta) or account.plan.empty:
        return block()
    words = labels(lang)
    plan = words.plan
    heading = tag("h3", plan["heading.items"], "ak-h3")
    items = account.plan_items
    if items.empty:
        return block(heading, tag("p", plan["none.items"], "ak-note"))
    headers = [
        plan["kind"],
        plan["item"],
        plan["owner"],
        plan["opened_on"],
        plan["closed_on"],
        plan["impact"],
    ]
    body = []
    for r in items.itertuples():
        marks = []
        if r.is_new:
            marks.append(badge(plan["new"], "notice"))
        if r.closed_lately:
            marks.append(badge(plan["closed"], "done"))
        body.append(
            [
                badge(plan[f"kind.{r.kind}"], "red" if r.kind == "obstacle" else "green"),
                tag("span", [cells.text(r.title, lang), *[Markup(" ") + m for m in marks]]),
                cells.text(r.owner, lang),
                date(r.opened_on, lang),
                date(r.closed_on, lang) if not is_missing(r.closed_on) else "",
                "" if is_missing(r.impact) else f"{int(r.impact)} / 5",
            ]
        )
    return block(heading, table(headers, body, text_columns=(0, 1, 2), classes="ak-wide"))


def actions_by_objective(account, lang: str = "en") -> Html:
    """The actions that serve the plan's objectives, grouped by objective."""
    if not has_plans(account.meta) or account.plan.empty:
        return block()
    words = labels(lang)
    plan = words.plan
    heading = tag("h3", plan["heading.actions"], "ak-h3")
    actions = account.plan_actions
    if actions.empty:
        return block(heading, tag("p", plan["none.actions"], "ak-note"))
    titles = {r.objective_id: _objective_title(r, lang) for r in account.objectives.itertuples()}
    parts = [heading]
    for objective, group in actions.groupby("objective_id", sort=False):
        rows = [
            [
                badge(words.action_states.get(r.state, r.state), r.state),
                cells.text(r.title, lang),
                cells.text(r.owner, lang),
                date(r.due_on, lang),
                date(r.done_on, lang) if not is_missing(r.done_on) else "",
            ]
            for r in group.itertuples()
        ]
        headers = [
            words.report["status"],
            words.report["action"],
            words.report["owner_short"],
            words.report["due_on"],
            words.report["done_on"],
        ]
        parts.append(
            table(
                headers,
                rows,
                text_columns=(0, 1, 2),
                classes="ak-wide",
                caption=titles.get(objective, objective),
            )
        )
    return block(*parts)


# -- portfolio -----------------------------------------------------------------------------


def ranking_plan_cells(frame: pd.DataFrame, headers: list, body: list, lang: str = "en"):
    """The ranking's plan columns (status badge, attainment), when some account has a plan
    in force; the headers and rows unchanged otherwise."""
    if "plan_status" not in frame or (frame["plan_status"].astype(str) == "no_plan").all():
        return headers, body
    words = labels(lang)
    headers = [*headers, words["plan_id"]]

    def cell(status: str, attainment) -> Markup:
        if status == "no_plan":
            return tag("span", "–", "ak-note", title=words.plan["no_plan"])
        parts = [status_badge(status, lang)]
        if not is_missing(attainment):
            parts.append(tag("div", percent(attainment, lang, 0), "ak-note"))
        return tag("div", parts)

    body = [
        [*row, cell(status, attainment)]
        for row, status, attainment in zip(
            body, frame["plan_status"].astype(str), frame["plan_attainment_pct"], strict=True
        )
    ]
    return headers, body


def portfolio_plan_tiles(tables: Mapping[str, pd.DataFrame], meta: Mapping, lang="en") -> Html:
    """The plan's headline for leadership: accounts with a plan in force, on / off track,
    the mean attainment, the required-tier accounts without a plan."""
    if not has_plans(meta):
        return block()
    words = labels(lang)
    plan = words.plan
    kpis = tables["kpis"]
    status = kpis["plan_status"].astype(str)
    with_plan = status != "no_plan"
    missing = _required_without_plan(kpis)
    tiles = [
        (plan["tile.with_plan"], number(int(with_plan.sum()), lang)),
        (words.plan["on_track"], number(int((status == "on_track").sum()), lang)),
        (words.plan["at_risk"], number(int((status == "at_risk").sum()), lang)),
        (words.plan["off_track"], number(int((status == "off_track").sum()), lang)),
        (plan["tile.attainment"], percent(kpis["plan_attainment_pct"].mean(), lang, 0)),
        (plan["tile.without_plan"], number(len(missing), lang)),
    ]
    boxes = [
        tag(
            "div", [tag("div", name, "ak-tile-name"), tag("div", value, "ak-tile-value")], "ak-tile"
        )
        for name, value in tiles
    ]
    return block(_style(), tag("h2", plan["heading.portfolio"]), tag("div", boxes, "ak-tiles"))


def off_track_objectives(
    tables: Mapping[str, pd.DataFrame], meta: Mapping, lang="en", links=""
) -> Html:
    """The objectives off track or missed across accounts: account, objective, owner, due
    date, progress against expected progress."""
    if not has_plans(meta):
        return block()
    from acctkit.report import tables as report_tables

    words = labels(lang)
    plan = words.plan
    hrefs = report_tables.parse_links(links)
    heading = tag("h3", plan["heading.off_track"], "ak-h3")
    objectives = tables["objectives"]
    off = objectives[objectives["status"].astype(str).isin(OFF_TRACK)]
    if off.empty:
        return block(heading, tag("p", plan["none.off_track"], "ak-note"))
    names = tables["accounts"].set_index(tables["accounts"]["account_id"].astype(str))["name"]
    off = off.assign(_gap=off["progress_pct"] - off["expected_progress_pct"])
    off = off.sort_values(["_gap"], kind="stable")
    headers = [
        words["name"],
        plan["objective"],
        plan["owner"],
        plan["due_on"],
        plan["progress"],
        plan["expected_progress"],
        plan["status"],
    ]
    body = [
        [
            link(names.get(str(r.account_id), r.account_id), hrefs.get(str(r.account_id))),
            _objective_title(r, lang),
            cells.text(r.owner, lang),
            date(r.due_on, lang),
            percent(r.progress_pct, lang, 0),
            percent(r.expected_progress_pct, lang, 0),
            status_badge(r.status, lang),
        ]
        for r in off.itertuples()
    ]
    return block(heading, table(headers, body, text_columns=(0, 1, 2, 6), classes="ak-wide"))


def accounts_without_plan(
    tables: Mapping[str, pd.DataFrame], meta: Mapping, lang="en", links=""
) -> Html:
    """The accounts whose tier requires a plan and that have none in force."""
    if not has_plans(meta):
        return block()
    from acctkit.report import tables as report_tables

    words = labels(lang)
    plan = words.plan
    hrefs = report_tables.parse_links(links)
    tiers = ", ".join(
        words.tiers.get(t, t)
        for t in (meta.get("config") or {}).get("plans", {}).get("required_tiers", ())
    )
    heading = tag("h3", fill(plan["heading.without_plan"], lang, tiers=tiers), "ak-h3")
    missing = _required_without_plan(tables["kpis"])
    if missing.empty:
        return block(heading, tag("p", plan["none.without_plan"], "ak-note"))
    accounts = tables["accounts"].assign(account_id=tables["accounts"]["account_id"].astype(str))
    rows = accounts[accounts["account_id"].isin(missing)]
    headers = [words["name"], words.report["owner"], words.report["tier"]]
    body = [
        [
            link(r.name, hrefs.get(r.account_id)),
            cells.text(r.owner, lang),
            words.tiers.get(str(r.tier), cells.text(r.tier, lang)),
        ]
        for r in rows.itertuples()
    ]
    return block(heading, table(headers, body, text_columns=(0, 1, 2), classes="ak-wide"))


def attainment_chart(tables: Mapping[str, pd.DataFrame], meta: Mapping, lang="en"):
    """:func:`acctkit.plots.plan_attainment_chart` of the portfolio, accounts named (an empty
    figure without a plans table)."""
    from matplotlib.figure import Figure

    from acctkit import plots

    if not has_plans(meta):
        return Figure()
    names = tables["accounts"][["account_id", "name"]].astype({"account_id": str})
    kpis = tables["kpis"].astype({"account_id": str}).merge(names, on="account_id", how="left")
    return plots.plan_attainment_chart(kpis, lang)


def _required_without_plan(kpis: pd.DataFrame) -> pd.Series:
    required = kpis["plan_required"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    missing = (kpis["plan_status"].astype(str) == "no_plan").to_numpy()
    return kpis["account_id"].astype(str)[required & missing]


# -- pieces --------------------------------------------------------------------------------


def _no_plan_sentence(account, lang: str) -> str:
    plan = labels(lang).plan
    sentence = fill(plan["no_plan_sentence"], lang, date=date(account.as_of, lang))
    required = account.kpis["plan_required"].astype("boolean").fillna(False).iloc[0]
    return sentence + (" " + plan["no_plan_required"] if required else "")


def _objective_title(row, lang: str) -> str:
    if str(row.objective_id).endswith(":revenue"):
        return labels(lang).plan["revenue_objective"]
    return cells.text(row.title, lang)


def _signed(value: float) -> float:
    return float(np.round(value, 1))


def _bar(progress, expected, kind: str) -> Markup:
    """A progress bar: the fill up to ``progress`` (0..100, clipped) and a marker at the
    expected progress (none when ``expected`` is None)."""
    width = 0 if is_missing(progress) else int(np.round(np.clip(progress, 0, 100)))
    parts = [tag("span", "", f"ak-bar-fill ak-fill-{kind} ak-w{width}")]
    if expected is not None and not is_missing(expected):
        mark = int(np.round(np.clip(expected, 0, 100)))
        parts.append(tag("span", "", f"ak-bar-mark ak-m{mark}"))
    return tag("span", parts, "ak-bar")


def _style() -> Markup:
    p = PALETTE
    fills = {
        "green": p["green"],
        "amber": p["amber"],
        "red": p["red"],
        "none": p["grey"],
        "accent": p["accent"],
    }
    css = (
        f".ak-bar{{position:relative;display:inline-block;width:5.5rem;height:.6rem;"
        f"background:{p['background']};border:1px solid {p['rule']};border-radius:3px;"
        "vertical-align:middle}"
        ".ak-bar-fill{position:absolute;left:0;top:0;bottom:0;border-radius:2px}"
        f".ak-bar-mark{{position:absolute;top:-3px;bottom:-3px;width:2px;background:{p['text']}}}"
        ".ak-plan-time{display:flex;align-items:center;gap:.4rem;margin-top:.4rem}"
        ".ak-plan-time .ak-bar{width:14rem}"
        + "".join(f".ak-fill-{k}{{background:{v}}}" for k, v in fills.items())
        # widths and marker positions as classes: the pages carry no inline style
        + "".join(f".ak-w{i}{{width:{i}%}}.ak-m{i}{{left:{i}%}}" for i in range(101))
    )
    return tag("style", Markup(css))
