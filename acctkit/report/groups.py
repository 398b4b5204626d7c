"""The group pages' HTML blocks, and the group links of the account and portfolio pages.

A group page (``groups/<file>.html`` of the monthly pack) shows a group of accounts (a
holding and its subsidiaries, docs/kpis.md "Groups"): its rolled-up scores and bands, its
entities (scores, bands, alerts, risk, a link to each entity's page), the coverage by
entity and level (who we know where) and the group's whitespace map. Data: the bundle's
``groups``, ``group_members``, ``kpis``, ``alerts``, ``risk``, ``contacts`` and
``whitespace`` tables. Every text from the data is escaped by the tag builder.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pandas as pd

from acctkit.format import compact, is_missing, number
from acctkit.i18n import labels
from acctkit.kpis.scores import SCORES
from acctkit.kpis.whitespace import combined_map
from acctkit.markup import Html, block, join, link, tag
from acctkit.report import cells
from acctkit.report.html import stylesheet, table
from acctkit.report.tables import parse_links
from acctkit.report.whitespace import whitespace_matrix

GROUP_TABLES = (
    "accounts",
    "kpis",
    "alerts",
    "risk",
    "contacts",
    "whitespace",
    "groups",
    "group_members",
)
"""The bundle tables a group page reads."""
GROUP_KPIS = (
    "annual_revenue",
    "estimated_budget",
    "share_of_wallet_pct",
    "whitespace",
    "products_owned",
    "product_penetration_pct",
    "whitespace_cells",
    "coverage_pct",
    "depth_level",
    "interactions",
    "has_sponsor",
    "sponsor_influence",
    "open_pipeline",
    "win_rate_pct",
    "won_revenue",
    "nps",
    "open_critical_tickets",
)
LEVELS = ("c_level", "director", "manager", "user")


def parse_group_links(group_links) -> list[dict]:
    """The batch's ``group_links`` parameter: a JSON list of ``{group_id, name, href}``
    (an account page's groups, the top-level group first); empty for none."""
    if not group_links:
        return []
    items = json.loads(group_links) if isinstance(group_links, str) else list(group_links)
    return [
        {
            "group_id": str(i["group_id"]),
            "name": str(i.get("name") or i["group_id"]),
            "href": i.get("href"),
        }
        for i in items
    ]


def account_groups_note(group_links, lang: str = "en") -> Html:
    """ "Part of the group X (Y)": links to the group pages of an account (nothing when it
    belongs to no group)."""
    groups = parse_group_links(group_links)
    if not groups:
        return block()
    words = labels(lang).report
    links = join([link(g["name"], g["href"]) for g in groups], " › ")
    return block(tag("p", [tag("strong", words["group.member_of"]), " ", links], "ak-note"))


def group_header(tables: Mapping[str, pd.DataFrame], group_id: str, lang: str = "en") -> Html:
    """The group's card (entities, engaged, revenue), its four scores with their bands and
    its recommendation; also the review blocks' stylesheet."""
    words = labels(lang)
    report = words.report
    row = _group_row(tables, group_id)
    facts = [
        (report["group.entities"], number(row["entities"], lang)),
        (report["group.engaged"], number(row["entities_engaged"], lang)),
        (words["annual_revenue"], compact(row["annual_revenue"], lang)),
        (words["estimated_budget"], compact(row["estimated_budget"], lang)),
    ]
    facts_html = tag("dl", [tag("div", [tag("dt", k), tag("dd", v)]) for k, v in facts], "ak-facts")
    card = tag("div", [tag("div", row["name"] or group_id, "ak-name"), facts_html], "ak-card")
    tiles = []
    for score in SCORES:
        band = row[score.replace("_score", "_band")]
        css = "ak-tile" if is_missing(band) else f"ak-tile ak-{band}"
        value = [number(row[score], lang, 1), cells.band_badge(band, lang)]
        tiles.append(
            tag(
                "div",
                [tag("div", words[score], "ak-tile-name"), tag("div", value, "ak-tile-value")],
                css,
            )
        )
    verdict = tag(
        "div",
        [tag("span", words["segment"], "ak-label"), cells.segment_badge(row["segment"], lang)],
        "ak-verdict",
    )
    return block(
        stylesheet(),
        card,
        tag("div", tiles, "ak-tiles"),
        verdict,
        tag("p", report["group.rollup_note"], "ak-note"),
    )


def group_kpi_table(tables: Mapping[str, pd.DataFrame], group_id: str, lang: str = "en") -> Html:
    """A few of the group's rolled-up KPIs."""
    words = labels(lang)
    row = _group_row(tables, group_id)
    body = [[words[c], cells.kpi_value(c, row[c], lang)] for c in GROUP_KPIS if c in row.index]
    return block(
        tag("h2", words.report["group.kpis"]),
        table([words.report["group.kpi"], words["value"]], body, classes="ak-compact"),
    )


def entities_table(
    tables: Mapping[str, pd.DataFrame], group_id: str, lang: str = "en", links=None
) -> Html:
    """Each entity: its place in the group, scores and bands, recommendation, risk and
    alerts, and a link to its page when it was rendered."""
    words = labels(lang)
    report = words.report
    frame = entities(tables, group_id)
    links = sibling_links(links)
    headers = [
        report["group.entity"],
        report["group.level"],
        report["col.potential"],
        report["col.relationship"],
        report["col.execution"],
        report["col.health"],
        words["segment"],
        report["risk"],
        report["col.alerts"],
    ]
    body = [
        [
            link(r.name, links.get(r.account_id)),
            report["group.own"]
            if r.distance == 0
            else report["group.depth"].format(level=r.distance),
            cells.score_with_band(r.potential_score, r.potential_band, lang),
            cells.score_with_band(r.relationship_score, r.relationship_band, lang),
            cells.score_with_band(r.execution_score, r.execution_band, lang),
            cells.score_with_band(r.health_score, r.health_band, lang),
            cells.segment_badge(r.segment, lang),
            cells.risk_cell(r.risk_probability, r.risk_band, lang),
            cells.alert_count(int(r.alerts), int(r.high_alerts), lang),
        ]
        for r in frame.itertuples()
    ]
    return block(
        tag("h2", report["group.entities_heading"]),
        table(headers, body, text_columns=(0, 1), classes="ak-wide ak-compact"),
    )


def entities(tables: Mapping[str, pd.DataFrame], group_id: str) -> pd.DataFrame:
    """The group's entities with their scores, bands, risk and alert counts."""
    members = tables["group_members"]
    members = members[members["group_id"].astype(str) == str(group_id)].copy()
    members["account_id"] = members["account_id"].astype(str)
    kpis = tables["kpis"].assign(account_id=tables["kpis"]["account_id"].astype(str))
    names = tables["accounts"].assign(account_id=tables["accounts"]["account_id"].astype(str))
    frame = members.merge(names[["account_id", "name"]], on="account_id", how="left")
    columns = ["account_id", *SCORES, *(s.replace("_score", "_band") for s in SCORES), "segment"]
    frame = frame.merge(kpis[columns], on="account_id", how="left")
    risk = tables["risk"]
    if len(risk) and "risk_probability" in risk.columns:
        risk = risk.assign(account_id=risk["account_id"].astype(str))
        frame = frame.merge(
            risk[["account_id", "risk_probability", "risk_band"]], on="account_id", how="left"
        )
    else:
        frame["risk_probability"], frame["risk_band"] = float("nan"), None
    alerts = tables["alerts"].assign(account_id=tables["alerts"]["account_id"].astype(str))
    counts = alerts.groupby("account_id").size()
    high = alerts[alerts["severity"].astype(str) == "high"].groupby("account_id").size()
    frame["alerts"] = frame["account_id"].map(counts).fillna(0).astype(int)
    frame["high_alerts"] = frame["account_id"].map(high).fillna(0).astype(int)
    frame["name"] = frame["name"].astype(object).where(frame["name"].notna(), frame["account_id"])
    return frame.reset_index(drop=True)


def coverage_table(tables: Mapping[str, pd.DataFrame], group_id: str, lang: str = "en") -> Html:
    """Who we know where: per entity and level, the active contacts engaged in the window
    out of those known (the key ones in brackets), the business units engaged and the
    sponsor."""
    words = labels(lang)
    report = words.report
    frame = entities(tables, group_id)
    contacts = tables["contacts"].assign(account_id=tables["contacts"]["account_id"].astype(str))
    headers = [report["group.entity"]]
    headers += [words.levels[level] for level in LEVELS]
    headers += [report["group.units"], report["group.sponsor"]]
    body = []
    contacts = contacts[contacts["account_id"].isin(set(frame["account_id"]))]
    by_account = dict(tuple(contacts.groupby("account_id", sort=False)))
    empty = contacts.iloc[:0]
    for r in frame.itertuples():
        own = by_account.get(r.account_id, empty)
        row = [link(r.name, None)]
        for level in LEVELS:
            at = own[own["level"].astype(str) == level]
            engaged = int(at["engaged"].sum())
            row.append(
                report["group.known"].format(engaged=engaged, known=len(at)) if len(at) else "-"
            )
        units = own["business_unit"].dropna()
        engaged_units = own.loc[own["engaged"].astype(bool), "business_unit"].dropna()
        row.append(
            report["group.known"].format(engaged=engaged_units.nunique(), known=units.nunique())
        )
        sponsors = own[own["role"].astype(str) == "sponsor"]
        row.append(", ".join(str(n) for n in sponsors["name"]) if len(sponsors) else report["no"])
        body.append(row)
    return block(
        tag("h2", report["group.coverage_heading"]),
        tag("p", report["group.coverage_note"], "ak-note"),
        table(headers, body, text_columns=(0, len(headers) - 1), classes="ak-wide ak-compact"),
    )


def group_whitespace(tables: Mapping[str, pd.DataFrame], group_id: str, lang: str = "en") -> Html:
    """The group's whitespace map: its entities' cells merged by business unit and product."""
    report = labels(lang).report
    members = tables["group_members"]
    ids = set(
        members.loc[members["group_id"].astype(str) == str(group_id), "account_id"].astype(str)
    )
    cells_ = tables["whitespace"]
    mine = cells_[cells_["account_id"].astype(str).isin(ids)]
    merged = combined_map(mine, str(group_id))
    return block(
        tag("h2", report["ws.heading"]),
        tag("p", report["ws.intro"], "ak-note"),
        whitespace_matrix(merged, lang, hints=False),
    )


def groups_table(tables: Mapping[str, pd.DataFrame], lang: str = "en", links=None) -> Html:
    """The portfolio page's list of groups: entities, revenue, scores with bands, and a link
    to each group page when the batch gives them."""
    words = labels(lang)
    report = words.report
    groups = tables.get("groups")
    if groups is None or groups.empty:
        return block(tag("p", report["group.none"], "ak-note"))
    hrefs = parse_links(links)
    headers = [
        words["name"],
        report["group.entities"],
        report["col.revenue"],
        report["col.potential"],
        report["col.relationship"],
        report["col.execution"],
        report["col.health"],
        words["segment"],
    ]
    frame = groups.sort_values("annual_revenue", ascending=False, kind="stable")
    body = [
        [
            link(r.name if not is_missing(r.name) else r.group_id, hrefs.get(str(r.group_id))),
            number(r.entities, lang),
            compact(r.annual_revenue, lang),
            cells.score_with_band(r.potential_score, r.potential_band, lang),
            cells.score_with_band(r.relationship_score, r.relationship_band, lang),
            cells.score_with_band(r.execution_score, r.execution_band, lang),
            cells.score_with_band(r.health_score, r.health_band, lang),
            cells.segment_badge(r.segment, lang),
        ]
        for r in frame.itertuples()
    ]
    return block(
        tag("p", report["group.list_note"], "ak-note"),
        table(headers, body, text_columns=(0,), classes="ak-wide ak-compact"),
    )


def sibling_links(links) -> dict[str, str]:
    """Links from a page of one folder of the pack to pages of a sibling folder
    (``../accounts/<file>.html``): :func:`acctkit.report.tables.parse_links` once the one
    leading ``../`` is set aside (nothing may climb further)."""
    if not links:
        return {}
    raw = json.loads(links) if isinstance(links, str) else dict(links)
    inner = {k: v[3:] if isinstance(v, str) and v.startswith("../") else v for k, v in raw.items()}
    checked = parse_links(inner)
    return {k: ("../" + v if str(raw[k]).startswith("../") else v) for k, v in checked.items()}


def _group_row(tables: Mapping[str, pd.DataFrame], group_id: str) -> pd.Series:
    groups = tables["groups"]
    return groups[groups["group_id"].astype(str) == str(group_id)].iloc[0]


def groups_section(bundle, lang: str = "en", links=None) -> Html:
    """The portfolio page's section on groups: heading, what it shows, the list."""
    from acctkit.report.bundle import load_tables

    report = labels(lang).report
    tables = load_tables(bundle, ["groups"])
    return block(
        tag("h2", report["group.heading"]),
        tag("p", report["group.intro"]),
        groups_table(tables, lang, links),
    )
