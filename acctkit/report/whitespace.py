"""The whitespace map as HTML: the account page's matrix, a group's, the portfolio's heat map.

The matrix is a table of the client's business units (rows) by our products (columns,
under their family). Every cell says its status in a symbol and a word as well as in a
colour (print, colour-blind readers): ``✓`` won, ``◐`` open, ``✗`` lost, ``○`` empty. The
peers' hint sits in a last row, one per product, and says it is a hint.

Data: the bundle's ``whitespace`` table (``acctkit.kpis.whitespace.whitespace_map`` with the
peers' hint on each cell). Every text from the data is escaped by the tag builder.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from markupsafe import Markup

from acctkit.format import compact, is_missing, percent
from acctkit.i18n import labels
from acctkit.markup import Html, block, tag
from acctkit.theme import HEAT_COLOURS, PALETTE, WHITESPACE_COLOURS

SYMBOLS = {"won": "✓", "open": "◐", "lost": "✗", "empty": "○"}


def whitespace_css() -> Markup:
    """The ``<style>`` of the map and the heat map (its own, beside the review blocks')."""
    cells = "".join(
        f".ak-ws td.ak-ws-{name}{{background:{colour}}}"
        for name, colour in WHITESPACE_COLOURS.items()
    )
    heat = "".join(f".ak-heat td.ak-heat{i}{{background:{c}}}" for i, c in enumerate(HEAT_COLOURS))
    css = (
        ".ak-ws,.ak-heat{border-collapse:collapse;margin:.4rem 0 .6rem;font-size:12px}"
        f".ak-ws th,.ak-ws td,.ak-heat th,.ak-heat td{{border:1px solid {PALETTE['rule']};"
        "padding:.25rem .35rem;vertical-align:top}"
        ".ak-scroll{overflow-x:auto}.ak-ws{font-size:11.5px;width:100%;table-layout:fixed}"
        ".ak-ws th{font-weight:600;white-space:normal;overflow-wrap:anywhere}"
        ".ak-ws tr>th:first-child{width:7.5rem}.ak-ws td{overflow-wrap:anywhere}"
        ".ak-ws .ak-sym{font-weight:700;margin-right:.2rem}"
        f".ak-ws .ak-sub,.ak-ws .ak-hint{{display:block;color:{PALETTE['muted']};font-size:11px}}"
        ".ak-ws .ak-hint{font-style:italic}"
        ".ak-heat{width:100%;table-layout:fixed}.ak-heat tr>th:first-child{width:8.5rem}"
        ".ak-heat th{white-space:normal;overflow-wrap:anywhere}.ak-heat td{text-align:right}"
        f".ak-heat td.ak-heat4,.ak-heat td.ak-heat5{{color:{PALETTE['white']}}}"
        ".ak-legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:12px;margin:.2rem 0}"
        f".ak-legend span.ak-key{{border:1px solid {PALETTE['rule']};padding:0 .35rem}}"
        + cells
        + "".join(
            f".ak-legend span.ak-ws-{name}{{background:{colour}}}"
            for name, colour in WHITESPACE_COLOURS.items()
        )
        + heat
    )
    return tag("style", Markup(css))


def whitespace_matrix(
    cells: pd.DataFrame, lang: str = "en", *, hints: bool = True, caption=None
) -> Html:
    """One map: business units by products, a legend, and (``hints``) the peers' hint row.

    Parameters
    ----------
    cells : DataFrame
        One account's rows of the bundle's ``whitespace`` table (or a group's, merged by
        :func:`acctkit.kpis.whitespace.combined_map`, without hints).
    lang : str
        ``"en"`` or ``"fr"``.
    hints : bool
        Add the row of the peers' hint (needs the ``hint_*`` columns).
    caption : str, optional
        The table's caption.
    """
    words = labels(lang).report
    if cells.empty:
        return block(whitespace_css(), tag("p", words["ws.none"], "ak-note"))
    products = list(dict.fromkeys(cells["product"]))
    families = cells.drop_duplicates("product").set_index("product")["family"]
    units = list(
        dict.fromkeys(
            cells["business_unit"].astype(object).where(cells["business_unit"].notna(), None)
        )
    )
    by_cell = {
        (None if is_missing(r.business_unit) else r.business_unit, r.product): r
        for r in cells.itertuples(index=False)
    }
    head = _header(products, families, words)
    body = []
    for unit in units:
        name = words["ws.no_unit"] if unit is None else unit
        row = [tag("th", name, "text")]
        row += [_cell(by_cell.get((unit, p)), lang) for p in products]
        body.append(tag("tr", row))
    if hints and "hint_share_pct" in cells.columns:
        first = cells.drop_duplicates("product").set_index("product")
        row = [tag("th", words["ws.hint_row"], "text")]
        row += [tag("td", _hint(first.loc[p], lang), "text") for p in products]
        body.append(tag("tr", row))
    parts = [tag("caption", caption)] if caption is not None else []
    parts += [tag("thead", head), tag("tbody", body)]
    note = words["ws.hint_note"] if hints else words["ws.group_note"]
    return block(
        whitespace_css(),
        _legend(words),
        tag("div", tag("table", parts, "ak-ws"), "ak-scroll"),
        tag("p", note, "ak-note"),
    )


def _header(products: list, families: pd.Series, words: Mapping) -> list:
    rows = []
    names = [None if is_missing(families.get(p)) else families.get(p) for p in products]
    if any(name is not None for name in names):
        spans, previous = [], object()
        for name in names:
            if spans and name == previous:
                spans[-1][1] += 1
            else:
                spans.append([name, 1])
            previous = name
        row = [tag("th", "")]
        row += [tag("th", name or "", "text", colspan=str(count)) for name, count in spans]
        rows.append(tag("tr", row))
    row = [tag("th", words["ws.unit"], "text")] + [tag("th", p, "text") for p in products]
    rows.append(tag("tr", row))
    return rows


def _cell(row, lang: str) -> Markup:
    words = labels(lang)
    status = "empty" if row is None else row.status
    if status == "empty":  # the symbol alone (the legend names it): the map stays narrow
        return tag(
            "td",
            tag("span", SYMBOLS[status], "ak-sym", title=words.report["ws.empty"]),
            "text ak-ws-empty",
        )
    content = [tag("span", SYMBOLS[status], "ak-sym"), words.report[f"ws.{status}"]]
    if status == "won":
        content.append(tag("span", compact(row.won_amount, lang), "ak-sub"))
    elif status == "open":
        stage = words.stages.get(str(row.open_stage), "") if not is_missing(row.open_stage) else ""
        content.append(
            tag(
                "span",
                " · ".join(x for x in (compact(row.open_amount, lang), stage) if x),
                "ak-sub",
            )
        )
    elif status == "lost":
        content.append(tag("span", compact(row.lost_amount, lang), "ak-sub"))
    return tag("td", content, f"text ak-ws-{status}")


def _hint(row, lang: str) -> Markup:
    words = labels(lang).report
    if is_missing(row.get("hint_share_pct")):
        return tag("span", words["ws.hint_none"], "ak-hint")
    if not row["hint_share_pct"]:
        return tag("span", words["ws.hint_zero"].format(peers=int(row["peers"])), "ak-hint")
    text = words["ws.hint"].format(
        share=percent(row["hint_share_pct"], lang),
        peers=int(row["peers"]),
        median=compact(row["hint_median_spend"], lang)
        if not is_missing(row["hint_median_spend"])
        else "-",
    )
    return tag("span", text, "ak-hint")


def _legend(words: Mapping) -> Markup:
    keys = [
        tag("span", [SYMBOLS[s], " ", words[f"ws.{s}"]], f"ak-key ak-ws-{s}")
        for s in ("won", "open", "lost", "empty")
    ]
    return tag("div", [tag("strong", words["ws.legend"]), *keys], "ak-legend")


def penetration_table(
    whitespace: pd.DataFrame, accounts: pd.DataFrame, lang: str = "en"
) -> pd.DataFrame:
    """Per industry (rows) and product (columns): the share of the industry's accounts that
    bought the product in the last 12 months (a won cell of theirs), in %."""
    won = whitespace[whitespace["status"] == "won"][["account_id", "product"]].drop_duplicates()
    industry = accounts.set_index(accounts["account_id"].astype(str))["industry"]
    industry = industry.astype(object).where(
        industry.notna(), labels(lang).report["ws.no_industry"]
    )
    sizes = industry.value_counts()
    won = won.assign(industry=won["account_id"].astype(str).map(industry))
    counts = won.groupby(["industry", "product"]).size().unstack(fill_value=0)
    products = list(dict.fromkeys(whitespace["product"]))
    counts = counts.reindex(index=sorted(sizes.index, key=str), columns=products, fill_value=0)
    return counts.div(sizes.reindex(counts.index), axis=0).mul(100.0)


def penetration_heatmap(whitespace: pd.DataFrame, accounts: pd.DataFrame, lang: str = "en") -> Html:
    """The portfolio's heat map: product penetration by industry, each cell its percentage
    (and its colour, a darker blue for a higher share)."""
    words = labels(lang).report
    if whitespace.empty:
        return block(tag("p", words["ws.none"], "ak-note"))
    share = penetration_table(whitespace, accounts, lang)
    sizes = accounts["industry"].astype(object).fillna(words["ws.no_industry"]).value_counts()
    head = tag(
        "tr",
        [tag("th", words["ws.industry"], "text")] + [tag("th", p, "text") for p in share.columns],
    )
    body = []
    for industry, values in share.iterrows():
        name = f"{industry} ({int(sizes.get(industry, 0))})"
        row = [tag("th", name, "text")]
        for value in values:
            step = int(
                np.clip(np.ceil(value / 100 * (len(HEAT_COLOURS) - 1)), 0, len(HEAT_COLOURS) - 1)
            )
            row.append(tag("td", percent(value, lang), f"ak-heat{step}"))
        body.append(tag("tr", row))
    table = tag("table", [tag("thead", head), tag("tbody", body)], "ak-heat")
    return block(
        whitespace_css(),
        tag("div", table, "ak-scroll"),
        tag("p", words["ws.heat_note"], "ak-note"),
    )


def account_whitespace(account, lang: str = "en") -> Html:
    """The account page's map (in the potential section): a heading, what it shows, the
    matrix with the peers' hint."""
    words = labels(lang).report
    cells = getattr(account, "tables", {}).get("whitespace")
    if cells is None:
        cells = pd.DataFrame(columns=["product"])
    return block(
        tag("h3", words["ws.heading"]),
        tag("p", words["ws.intro"], "ak-note"),
        whitespace_matrix(cells, lang),
    )


def penetration_section(bundle, lang: str = "en") -> Html:
    """The portfolio page's heat map section: heading, what it shows, the heat map."""
    from acctkit.report.bundle import load_tables

    words = labels(lang).report
    tables = load_tables(bundle, ["whitespace", "accounts"])
    return block(
        tag("h2", words["ws.heat_heading"]),
        tag("p", words["ws.heat_intro"]),
        penetration_heatmap(tables["whitespace"], tables["accounts"], lang),
    )
