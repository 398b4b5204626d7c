"""How one value looks in a review table or tile: KPI values with their unit, changes with
their arrow, badges for bands, segments and risk, in English or French.

Each function returns plain text (escaped later) or a :class:`~markupsafe.Markup` fragment
built by :mod:`acctkit.report.html` from escaped parts.
"""

from __future__ import annotations

from markupsafe import Markup

from acctkit.format import is_missing, number, percent, signed
from acctkit.i18n import labels
from acctkit.report import tables as report_tables
from acctkit.report.html import badge, escape, join, tag

ARROWS = {"up": "▲", "down": "▼", "same": "=", "na": ""}
DEPTH_LEVELS = ("none", "user", "manager", "director", "c_level")


def text(value, lang: str = "en") -> str:
    """``value`` as text, or ``n/a`` / ``n.d.`` when it is missing."""
    return labels(lang).words["missing"] if is_missing(value) else str(value)


def kpi_value(column: str, value, lang: str = "en") -> str:
    """A KPI value as people read it: ``47.7 %``, ``1,250,000``, ``3.3 / 5``, ``12 d``...

    Examples
    --------
    >>> kpi_value("coverage_pct", 66.666, "fr"), kpi_value("depth_level", 3)
    ('66,7\\xa0%', 'Director (3)')
    """
    words = labels(lang)
    if is_missing(value):
        return words.words["missing"]
    kind, decimals = report_tables.kpi_format(column)
    if kind == "plan_id":
        return str(value)
    if kind == "plan_status":
        return words.plan.get(str(value), str(value))
    formatted = number(value, lang, decimals)
    if kind == "pct":
        return percent(value, lang, decimals)
    if kind == "flag":
        return words.report["yes" if value else "no"]
    if kind == "depth":
        return f"{words.levels[DEPTH_LEVELS[int(value)]]} ({formatted})"
    templates = {"scale": "out_of_5", "hours": "hours", "days": "days"}
    if kind in templates:
        return words.report[templates[kind]].format(value=formatted)
    return formatted


def kpi_change(
    column: str, change, direction: str, assessment: str, lang: str = "en", *, verbose=False
) -> Markup:
    """The change of a KPI since the previous review: arrow and signed amount in the KPI's
    unit (``▲ +2.1 pts`` for a percentage), coloured by ``assessment`` (``better``,
    ``worse``, ``neutral``); see :func:`acctkit.report.tables.kpi_changes`. ``verbose``
    says "unchanged" in words after ``=``."""
    kind, decimals = report_tables.kpi_format(column)
    amount = None if kind == "flag" else signed(change, lang, decimals)
    return change_mark(amount, direction, assessment, lang, points=kind == "pct", verbose=verbose)


def change_mark(
    amount: str | None,
    direction: str,
    assessment: str,
    lang: str = "en",
    *,
    points: bool = False,
    verbose: bool = False,
) -> Markup:
    """An arrow (▲ ▼ =) and an amount, coloured by good or bad news; the arrow's title says
    the direction in words, and a missing comparison is said in words."""
    words = labels(lang).report
    if direction == "na":
        return tag("span", words["direction.na"], "ak-chg ak-neutral")
    if direction == "same":
        amount = words["direction.same"] if verbose else ""
    elif amount is None:
        amount = ""
    elif points:
        amount = words["points_unit"].format(value=amount)
    content = f"{ARROWS[direction]} {amount}".strip()
    return tag("span", content, f"ak-chg ak-{assessment}", title=words[f"direction.{direction}"])


def alert_number(code: str, value, lang: str = "en") -> str:
    """An alert's value or threshold in the unit of its rule (%, days, points, count)."""
    if is_missing(value):
        return ""
    if code == "churn_risk":
        return percent(100 * value, lang)
    if code in ("engagement_slowdown", "low_coverage"):
        return percent(value, lang)
    if code == "sponsor_silent":
        return labels(lang).report["days"].format(value=number(value, lang))
    if code == "nps_drop":
        return labels(lang).report["points_unit"].format(value=number(value, lang))
    return number(value, lang)


def segment_badge(segment, lang: str = "en") -> Markup:
    """The recommendation (invest / maintain / deprioritize / unrated) as a badge."""
    segment = "unrated" if is_missing(segment) else str(segment)
    return badge(labels(lang).segments.get(segment, segment), segment)


def band_badge(band, lang: str = "en") -> Markup:
    """A green / amber / red band as a coloured badge that names it; empty when missing."""
    if is_missing(band):
        return Markup("")
    return badge(labels(lang).bands[str(band)], str(band))


def score_with_band(score, band, lang: str = "en") -> Markup:
    """A score (one decimal) followed by its band's badge, kept on one line."""
    return tag("span", join([number(score, lang, 1), band_badge(band, lang)], " "), "ak-nw")


def risk_cell(probability, band, lang: str = "en") -> Markup:
    """An early-warning probability in percent with its risk band's badge, on one line."""
    if is_missing(probability):
        return escape(labels(lang).words["missing"])
    words = labels(lang)
    parts = [percent(100 * probability, lang), badge(words.risk_bands[band], band)]
    return tag("span", join(parts, " "), "ak-nw")


def alert_count(alerts: int, high: int, lang: str = "en") -> Markup:
    """How many alerts fire, and in brackets how many are high (in bold red when any)."""
    count = escape(number(alerts, lang))
    if not alerts:
        return count
    high_text = tag("strong", number(high, lang), "ak-worse") if high else number(high, lang)
    return join([count, " (", high_text, ")"])
