"""Charts of the review reports, in the report's language, in one palette.

Every chart function takes the bundle tables it draws (as :func:`acctkit.report.load_account`
and :func:`acctkit.report.load_tables` give them) and ``lang``, and returns a
:class:`matplotlib.figure.Figure`. Figures are built without pyplot, so a notebook kernel
keeps no figure open and never shows one twice; :func:`acctkit.display.show` displays them.
Given nothing to draw (no rows), a function returns a figure without axes, which ``show``
skips: the section's table or text already says so.

:data:`PALETTE` holds the report colours; the band colours are the ones the HTML sections
use (:mod:`acctkit.report.sections` builds its stylesheet from them).

Examples
--------
>>> from acctkit import plots
>>> from acctkit.display import show
>>> show(plots.interactions_chart(account.activity, "fr"))  # doctest: +SKIP
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from acctkit.format import compact, fill, month, number, percent
from acctkit.i18n import labels
from acctkit.theme import BAND_COLOURS, DPI, PALETTE, RISK_COLOURS, WIDTH, ZONE_COLOURS

OPEN_STAGES = ("prospecting", "qualification", "proposal", "negotiation")
LEVEL_ORDER = ("user", "manager", "director", "c_level")
WON_COLUMNS = {
    "won_renewal": "renewal",
    "won_upsell": "upsell",
    "won_cross_sell": "cross_sell",
    "won_new": "new",
}
_NOTE = {"fontsize": 8, "color": PALETTE["text"]}
_LABEL = {"fontsize": 9}
_LEGEND = {"fontsize": 8, "frameon": False}
_GRID = {"color": PALETTE["rule"], "linewidth": 0.6}
_PNG_COLOURS = 128


def figure_png(figure: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes, its palette reduced to 128 colours (a third of the size).

    The figure is drawn once into Agg's pixel buffer and encoded once (not saved as PNG,
    decoded and encoded again): a quarter less time per chart, the same bytes on screen.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    figure.set_dpi(dpi)
    figure.set_facecolor("white")
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    image = image.convert("RGB").quantize(
        colors=_PNG_COLOURS, method=Image.Quantize.FASTOCTREE, dither=0
    )
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def figure_title(figure: Figure) -> str:
    """The title of a chart (its own title, else its first axes' title), for its text
    alternative."""
    if figure._suptitle is not None and figure._suptitle.get_text():
        return figure._suptitle.get_text()
    for axes in figure.axes:
        for loc in ("left", "center"):
            if axes.get_title(loc=loc):
                return axes.get_title(loc=loc)
    return ""


def wallet_chart(kpis: pd.DataFrame, lang: str = "en") -> Figure:
    """The client's addressable budget split into revenue captured and whitespace, with the
    upsell / cross-sell pipeline below it, and the share of wallet in the title.

    Parameters
    ----------
    kpis : DataFrame
        One account's row of the ``kpis`` table (``annual_revenue``, ``whitespace``,
        ``expansion_pipeline``, ``share_of_wallet_pct``).
    lang : str
        ``"en"`` or ``"fr"``.
    """
    if kpis.empty or kpis[["annual_revenue", "whitespace"]].iloc[0].isna().all():
        return Figure()
    words = labels(lang)
    row = kpis.iloc[0]
    revenue, whitespace, pipeline = (
        np.nan_to_num(_float(row[name]))
        for name in ("annual_revenue", "whitespace", "expansion_pipeline")
    )
    figure, axes = _figure(2.2)
    bar = {"height": 0.55}
    axes.barh(1, revenue, color=PALETTE["accent"], label=words["annual_revenue"], **bar)
    axes.barh(
        1, whitespace, left=revenue, color=PALETTE["accent_light"], **bar, label=words["whitespace"]
    )
    axes.barh(
        0,
        pipeline,
        color="white",
        edgecolor=PALETTE["accent"],
        hatch="///",
        **bar,
        label=words["expansion_pipeline"],
    )
    total = max(revenue + whitespace, pipeline, 1.0)
    _inside_text(axes, revenue / 2, 1, compact(revenue, lang), revenue / total, "white")
    _inside_text(
        axes,
        revenue + whitespace / 2,
        1,
        compact(whitespace, lang),
        whitespace / total,
        PALETTE["text"],
    )
    _bar_text(axes, pipeline, 0, compact(pipeline, lang), total)
    axes.set_yticks([1, 0], [words["estimated_budget"], words["expansion_pipeline"]])
    axes.set_ylim(-0.5, 1.5)
    axes.set_xlim(0, total * 1.08)
    _amount_axis(axes.xaxis, lang)
    axes.set_xlabel(words.report["chart.amount"], **_LABEL)
    axes.grid(axis="x", **_GRID)
    share = percent(row["share_of_wallet_pct"], lang, 1)
    title_axes(axes, words.report["chart.wallet.title"].format(share=share))
    figure.legend(loc="outside lower center", ncols=3, **_LEGEND)
    return figure


def stakeholder_map(contacts: pd.DataFrame, lang: str = "en", window_days: int = 90) -> Figure:
    """The account's active contacts by business unit (across) and level (up), named.

    Filled markers were met within the window, hollow ones are silent; a star marks a
    sponsor, a diamond a key contact, a circle any other contact; key contacts' names are
    in bold.

    Parameters
    ----------
    contacts : DataFrame
        One account's ``contacts`` table (``name``, ``level``, ``business_unit``, ``role``,
        ``is_key``, ``engaged``).
    lang : str
        ``"en"`` or ``"fr"``.
    window_days : int
        The engagement window, for the legend.
    """
    if contacts.empty:
        return Figure()
    words = labels(lang)
    frame = _placed_contacts(contacts, words.report["chart.no_unit"])
    units = list(dict.fromkeys(frame["unit"]))
    figure, axes = _figure(3.9, width=float(np.clip(1.3 * len(units) + 1.8, 6.0, 9.2)))
    for shape, group in frame.groupby("shape", sort=False):
        engaged = group["engaged"].to_numpy(dtype=bool)
        axes.scatter(
            group["x"],
            group["y"],
            marker=shape,
            s=group["size"],
            zorder=3,
            linewidths=1.2,
            c=np.where(engaged, PALETTE["accent"], "white").tolist(),
            edgecolors=np.where(engaged, PALETTE["accent"], PALETTE["grey"]).tolist(),
        )
    for row in frame.itertuples():
        colour = PALETTE["text"] if row.engaged else PALETTE["muted"]
        axes.text(
            row.x + 0.09,
            row.y,
            _short(row.name, 20),
            va="center",
            fontsize=7.5,
            color=colour,
            fontweight="bold" if row.is_key else "normal",
        )
    axes.set_xticks(np.arange(len(units)) + 0.4, [_short(unit, 16) for unit in units])
    axes.set_yticks(range(len(LEVEL_ORDER)), [words.levels[level] for level in LEVEL_ORDER])
    axes.set_xlim(-0.15, len(units) - 0.15)
    axes.set_ylim(-0.5, len(LEVEL_ORDER) - 0.5)
    for boundary in np.arange(0.5, len(LEVEL_ORDER) - 0.5):
        axes.axhline(boundary, zorder=1, **_GRID)
    for boundary in np.arange(len(units) - 1) + 0.85:
        axes.axvline(boundary, zorder=1, **_GRID)
    axes.tick_params(axis="x", length=0)
    axes.set_xlabel(words.report["chart.business_unit"], **_LABEL)
    axes.set_ylabel(words.report["chart.level"], **_LABEL)
    title_axes(axes, words.report["chart.stakeholders.title"])
    legend = _stakeholder_legend(words, window_days)
    figure.legend(handles=legend, loc="outside lower center", ncols=5, **_LEGEND)
    return figure


def interactions_chart(activity: pd.DataFrame, lang: str = "en") -> Figure:
    """Interactions per month over the last twelve months (the ``activity`` table). The
    meetings the client missed (not interactions) are marked beside them, in red, when the
    months shown have any."""
    if activity.empty:
        return Figure()
    words = labels(lang)
    frame = activity.sort_values("month")
    counts = frame["interactions"].to_numpy(dtype=float)
    missed = np.zeros(len(frame))
    if "missed_meetings" in frame:
        missed = np.nan_to_num(frame["missed_meetings"].to_numpy(dtype=float))
    figure, axes = _figure(2.4)
    positions = np.arange(len(frame), dtype=float)
    marked = bool(missed.any())
    width = 0.45 if marked else 0.65
    shift = -0.12 if marked else 0.0
    bars = axes.bar(positions + shift, np.nan_to_num(counts), color=PALETTE["accent"], width=width)
    axes.bar_label(bars, [number(v, lang) for v in counts], padding=2, **_NOTE)
    if marked:
        red = axes.bar(
            positions + 0.24,
            missed,
            width=0.25,
            color=PALETTE["red_light"],
            edgecolor=PALETTE["red"],
            hatch="///",
            linewidth=0.8,
            label=words.report["chart.missed_meetings"],
        )
        labels_red = [number(v, lang) if v else "" for v in missed]
        axes.bar_label(red, labels_red, padding=2, fontsize=8, color=PALETTE["red"])
        axes.legend(loc="upper left", **_LEGEND)
    _month_axis(axes, frame["month"], lang)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    highest = np.nanmax(np.maximum(np.nan_to_num(counts), missed), initial=0)
    axes.set_ylim(0, max(highest * (1.45 if marked else 1.2), 1))
    axes.set_ylabel(words["interactions"], **_LABEL)
    title_axes(axes, words.report["chart.interactions.title"])
    return figure


def pipeline_chart(pipeline: pd.DataFrame, lang: str = "en") -> Figure:
    """Open opportunities by stage at the review date: amount open and weighted, deal count.

    Parameters
    ----------
    pipeline : DataFrame
        One account's ``pipeline`` table (``stage_at``, ``amount``, ``weighted``); an
        opportunity whose stage at the review date is unknown is counted apart.
    lang : str
        ``"en"`` or ``"fr"``.
    """
    if pipeline.empty:
        return Figure()
    words = labels(lang)
    stage = pipeline["stage_at"].astype("object").where(pipeline["stage_at"].notna(), "unknown")
    order = list(OPEN_STAGES) + (["unknown"] if (stage == "unknown").any() else [])
    summary = (
        pipeline.assign(stage=stage)
        .groupby("stage")
        .agg(amount=("amount", "sum"), weighted=("weighted", "sum"), deals=("amount", "size"))
        .reindex(order)
        .fillna(0)
    )
    figure, axes = _figure(1.2 + 0.4 * len(order))
    y = np.arange(len(order))[::-1]
    open_label, weighted_label = (
        words.report[k] for k in ("chart.open_amount", "chart.weighted_amount")
    )
    axes.barh(y, summary["amount"], height=0.7, color=PALETTE["accent_light"], label=open_label)
    axes.barh(y, summary["weighted"], height=0.34, color=PALETTE["accent"], label=weighted_label)
    total = max(summary["amount"].max(), 1.0)
    for position, row in zip(y, summary.itertuples(), strict=True):
        if row.deals:
            key = "chart.deals.one" if row.deals == 1 else "chart.deals.many"
            deals = fill(words.report[key], lang, count=int(row.deals))
            _bar_text(axes, row.amount, position, f"{compact(row.amount, lang)} · {deals}", total)
    axes.set_yticks(y, [words.stages[name] for name in order])
    axes.set_xlim(0, total * 1.3)
    _amount_axis(axes.xaxis, lang)
    axes.set_xlabel(words.report["chart.amount"], **_LABEL)
    axes.set_ylabel(words.report["chart.stage"], **_LABEL)
    axes.grid(axis="x", **_GRID)
    title_axes(axes, words.report["chart.pipeline.title"])
    figure.legend(loc="outside lower center", ncols=2, **_LEGEND)
    return figure


def won_chart(kpis: pd.DataFrame, lang: str = "en", window_days: int = 90) -> Figure:
    """Revenue won in the window, by kind (renewals, upsells, cross-sells, new deals).

    Parameters
    ----------
    kpis : DataFrame
        One account's row of the ``kpis`` table (``won_renewal`` ... ``won_new``).
    lang : str
        ``"en"`` or ``"fr"``.
    window_days : int
        The window, for the title.
    """
    if kpis.empty or kpis[list(WON_COLUMNS)].iloc[0].isna().all():
        return Figure()
    words = labels(lang)
    values = kpis.iloc[0][list(WON_COLUMNS)].astype("float64")
    figure, axes = _figure(2.1)
    y = np.arange(len(values))[::-1]
    axes.barh(y, values.fillna(0), height=0.6, color=PALETTE["accent"])
    total = max(values.max(), 0.0)
    for position, value in zip(y, values, strict=True):
        _bar_text(axes, np.nan_to_num(value), position, compact(value, lang), max(total, 1.0))
    axes.set_yticks(y, [words.kinds[kind] for kind in WON_COLUMNS.values()])
    axes.set_xlim(0, total * 1.15 if total > 0 else 1.0)
    _amount_axis(axes.xaxis, lang)
    if total == 0:
        axes.set_xticks([0])
        note = fill(words.report["chart.won.none"], lang, window=window_days)
        axes.text(
            0.5,
            0.5,
            note,
            transform=axes.transAxes,
            ha="center",
            va="center",
            fontsize=9,
            color=PALETTE["muted"],
        )
    axes.set_xlabel(words.report["chart.amount"], **_LABEL)
    axes.set_ylabel(words.report["chart.kind"], **_LABEL)
    axes.grid(axis="x", **_GRID)
    title_axes(axes, fill(words.report["chart.won.title"], lang, window=window_days))
    return figure


def satisfaction_chart(activity: pd.DataFrame, lang: str = "en") -> Figure:
    """Mean NPS score (0-10) of each month's answers, above the irritants of each month.

    Months without an NPS answer have no point; the shaded rows are the NPS groups
    (detractors 0-6, passives 7-8, promoters 9-10), named on the right.
    """
    if activity.empty:
        return Figure()
    words = labels(lang)
    frame = activity.sort_values("month")
    figure = Figure(figsize=(WIDTH, 3.5), dpi=DPI, layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    groups = {
        "chart.detractors": (0, 6.5, PALETTE["red"]),
        "chart.passives": (6.5, 8.5, PALETTE["amber"]),
        "chart.promoters": (8.5, 10.5, PALETTE["green"]),
    }
    for key, (low, high, colour) in groups.items():
        top.axhspan(low, high, color=colour, alpha=0.08, linewidth=0)
        top.text(
            1.01,
            (low + high) / 2,
            words.report[key],
            transform=top.get_yaxis_transform(),
            va="center",
            fontsize=8,
            color=colour,
            fontweight="bold",
        )
    x = np.arange(len(frame))
    scores = frame["nps_mean_score"].to_numpy(dtype=float)
    top.plot(x, scores, color=PALETTE["accent"], marker="o", markersize=5, linewidth=1.6)
    top.set_ylim(0, 10.5)
    top.set_yticks([0, 2, 4, 6, 8, 10])
    top.set_ylabel(words.report["chart.nps_score"], **_LABEL)
    irritants = np.nan_to_num(frame["irritants"].to_numpy(dtype=float))
    bars = bottom.bar(x, irritants, color=PALETTE["red"], width=0.6)
    bottom.bar_label(bars, [number(v, lang) if v else "" for v in irritants], padding=1, **_NOTE)
    bottom.set_ylim(0, max(irritants.max(initial=0) * 1.35, 1))
    bottom.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
    bottom.set_ylabel(words.report["chart.irritants"], **_LABEL)
    for axes in (top, bottom):
        style_axes(axes)
    _month_axis(bottom, frame["month"], lang)
    title_axes(top, words.report["chart.satisfaction.title"])
    return figure


def risk_trend_chart(
    risk_history: pd.DataFrame, lang: str = "en", risk_bands: Mapping[str, float] | None = None
) -> Figure:
    """The early-warning probability at each month-end, over the low / medium / high bands.

    Parameters
    ----------
    risk_history : DataFrame
        One account's ``risk_history`` table (``as_of``, ``risk_probability``); empty when
        the bundle has no model, and then the figure has no axes.
    lang : str
        ``"en"`` or ``"fr"``.
    risk_bands : mapping, optional
        The probabilities from which the ``medium`` and ``high`` bands start (the bundle's
        ``risk_limits``: by default 1.5x and 3x the portfolio's rate); without them the
        bands are not drawn.
    """
    if risk_history.empty:
        return Figure()
    words = labels(lang)
    frame = risk_history.sort_values("as_of")
    probability = frame["risk_probability"].to_numpy(dtype=float)
    figure, axes = _figure(2.3)
    top = float(np.nanmax(probability)) if len(probability) else 0.0
    if risk_bands:
        top = max(top, 1.4 * risk_bands["high"])
    top = min(1.0, 1.25 * top) if top > 0 else 1.0
    limits = (
        {
            "low": (0, risk_bands["medium"]),
            "medium": (risk_bands["medium"], risk_bands["high"]),
            "high": (risk_bands["high"], top),
        }
        if risk_bands
        else {}
    )
    for band, (low, high) in limits.items():
        colour = RISK_COLOURS[band]
        axes.axhspan(low, high, color=colour, alpha=0.1, linewidth=0)
        axes.text(
            1.01,
            (low + high) / 2,
            words.risk_bands[band],
            va="center",
            fontsize=8,
            color=colour,
            fontweight="bold",
            transform=axes.get_yaxis_transform(),
        )
    x = np.arange(len(frame))
    axes.plot(x, probability, color=PALETTE["text"], marker="o", markersize=5, linewidth=1.6)
    for position, value in zip(x, probability, strict=True):
        axes.annotate(
            percent(100 * value, lang),
            (position, value),
            textcoords="offset points",
            xytext=(0, 7),
            ha="center",
            **_NOTE,
        )
    axes.set_ylim(0, top)
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(100 * v, lang)))
    per_review = _month_axis(axes, frame["as_of"], lang)  # biweekly: not "by month"
    axes.set_ylabel(words.report["chart.probability"], **_LABEL)
    title_axes(axes, words.report["chart.risk.reviews" if per_review else "chart.risk.title"])
    return figure


def portfolio_matrix(
    kpis: pd.DataFrame,
    accounts: pd.DataFrame,
    lang: str = "en",
    *,
    segments: Mapping[str, float] | None = None,
    named: int = 8,
) -> Figure:
    """Every account by potential score (x) and relationship score (y), bubble area =
    revenue, colour = health band, over the invest / maintain / deprioritize zones.

    Parameters
    ----------
    kpis : DataFrame
        The bundle's ``kpis`` table (all accounts).
    accounts : DataFrame
        The bundle's ``accounts`` table, for the names.
    lang : str
        ``"en"`` or ``"fr"``.
    segments : mapping, optional
        Lowest potential scores of ``invest`` and ``maintain`` (default 60 and 40).
    named : int
        How many accounts to name: those with the highest revenue.
    """
    words = labels(lang)
    limits = dict(segments or {"invest": 60.0, "maintain": 40.0})
    frame = kpis.merge(accounts[["account_id", "name"]], on="account_id", how="left")
    placed = frame.dropna(subset=["potential_score", "relationship_score"])
    if placed.empty:
        return Figure()
    figure, axes = _figure(5.6)
    zones = {
        "deprioritize": (0, limits["maintain"]),
        "maintain": (limits["maintain"], limits["invest"]),
        "invest": (limits["invest"], 100),
    }
    for zone, (low, high) in zones.items():
        axes.axvspan(low, high, color=ZONE_COLOURS[zone], linewidth=0, zorder=0)
        axes.text(
            (low + high) / 2,
            1.01,
            words.segments[zone],
            ha="center",
            va="bottom",
            fontsize=9,
            color=PALETTE["muted"],
            fontweight="bold",
            transform=axes.get_xaxis_transform(),
        )
    revenue = placed["annual_revenue"].astype("float64").fillna(0).clip(lower=0)
    colours = placed["health_band"].astype("object").map(BAND_COLOURS).fillna(PALETTE["grey"])
    axes.scatter(
        placed["potential_score"],
        placed["relationship_score"],
        c=colours.tolist(),
        alpha=0.75,
        s=20 + 900 * revenue / max(revenue.max(), 1.0),
        edgecolors="white",
        linewidths=0.8,
        zorder=3,
        clip_on=False,
    )
    _name_largest(axes, placed.assign(revenue=revenue), named)
    axes.set_xlim(0, 100)
    axes.set_ylim(0, 100)
    axes.set_xlabel(words["potential_score"], **_LABEL)
    axes.set_ylabel(words["relationship_score"], **_LABEL)
    title_axes(axes, words.report["chart.matrix.title"], pad=22)
    handles = [
        Line2D(
            [], [], marker="o", linestyle="", markersize=8, color=colour, label=words.bands[name]
        )
        for name, colour in BAND_COLOURS.items()
    ]
    axes.legend(
        handles=handles,
        title=words["health_band"],
        loc="lower right",
        fontsize=8,
        title_fontsize=8,
        framealpha=0.9,
        edgecolor=PALETTE["rule"],
    )
    missing = len(frame) - len(placed)
    if missing:
        note = fill(words.report["chart.not_placed"], lang, count=missing)
        axes.text(0.01, 0.01, note, transform=axes.transAxes, fontsize=8, color=PALETTE["muted"])
    axes.grid(color="white", linewidth=0.8)
    return figure


# -- helpers ---------------------------------------------------------------------------


def _figure(height: float, width: float = WIDTH) -> tuple[Figure, object]:
    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    style_axes(axes)
    return figure, axes


def style_axes(axes) -> None:
    """The report look of an axes: no top and right spines, muted ticks, grid below."""
    axes.spines[["top", "right"]].set_visible(False)
    axes.spines[["left", "bottom"]].set_color(PALETTE["rule"])
    axes.tick_params(labelsize=8.5, colors=PALETTE["muted"], labelcolor=PALETTE["text"])
    axes.xaxis.label.set_color(PALETTE["muted"])
    axes.yaxis.label.set_color(PALETTE["muted"])
    axes.set_axisbelow(True)


def title_axes(axes, text: str, pad: float = 6) -> None:
    """A chart title as the reports set it: left, bold, in the text colour."""
    axes.set_title(text, loc="left", fontsize=11, fontweight="bold", color=PALETTE["text"], pad=pad)


def _float(value) -> float:
    return float("nan") if pd.isna(value) else float(value)


def _short(text, limit: int) -> str:
    """Text from the data for a chart, cut to ``limit``, ``$`` escaped: a name is never
    read as mathtext (``$x_$`` would fail the chart, ``$\\frac{1}{0}$`` would draw a
    fraction)."""
    text = "" if pd.isna(text) else str(text)
    text = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return text.replace("$", r"\$")


def _amount_axis(axis, lang: str) -> None:
    axis.set_major_formatter(FuncFormatter(lambda value, _: compact(value, lang)))
    axis.set_major_locator(MaxNLocator(nbins=5))


def _month_axis(axes, months: pd.Series, lang: str) -> bool:
    """Month ticks, the year under the first month and under each January (the day too
    when a month has two dates: biweekly reviews, and the axis is then one of reviews,
    which the return value says)."""
    stamps = pd.to_datetime(months).tolist()
    # reviews every two weeks: two dates in a month, each named by its day
    days = len({(stamp.year, stamp.month) for stamp in stamps}) < len(stamps)
    names = [
        (f"{stamp.day} " if days else "")
        + month(stamp, lang)
        + (f"\n{stamp.year}" if i == 0 or stamp.month == 1 else "")
        for i, stamp in enumerate(stamps)
    ]
    axes.set_xticks(range(len(stamps)), names)
    axes.set_xlim(-0.6, len(stamps) - 0.4)
    axes.set_xlabel(labels(lang).report["chart.review" if days else "chart.month"], **_LABEL)
    return days


def _bar_text(axes, x: float, y: float, text: str, total: float) -> None:
    """A value just beyond the end of a horizontal bar."""
    axes.text(x + 0.01 * total, y, text, ha="left", va="center", **_NOTE)


def _inside_text(axes, x: float, y: float, text: str, share: float, colour: str) -> None:
    """A value in the middle of a bar segment, when the segment is wide enough for it."""
    if share >= 0.1:
        axes.text(x, y, text, ha="center", va="center", fontsize=8, color=colour, fontweight="bold")


def _placed_contacts(contacts: pd.DataFrame, no_unit: str) -> pd.DataFrame:
    """Contacts with a position: x = business unit column, y = level row, spread apart
    within their cell; marker shape and size by role."""
    sponsor = contacts["role"].astype("object").eq("sponsor").to_numpy()
    key = contacts["is_key"].fillna(False).astype(bool).to_numpy()
    unit = contacts["business_unit"].astype("object")
    levels = {name: i for i, name in enumerate(LEVEL_ORDER)}
    frame = pd.DataFrame(
        {
            "name": contacts["name"].astype("object").to_numpy(),
            "unit": unit.fillna(no_unit).to_numpy(),
            "has_unit": unit.notna().to_numpy(),
            "level": contacts["level"].astype("object").map(levels).fillna(0).astype(int),
            "engaged": contacts["engaged"].fillna(False).astype(bool).to_numpy(),
            "is_key": key,
            "shape": np.select([sponsor, key], ["*", "D"], "o"),
            "size": np.select([sponsor, key], [150, 42], 40),
            "order": np.select([sponsor, key], [0, 1], 2),
        }
    ).sort_values(["has_unit", "unit", "level", "order", "name"], ascending=[0, 1, 1, 1, 1])
    columns = {unit: i for i, unit in enumerate(dict.fromkeys(frame["unit"]))}
    cell = frame.groupby(["unit", "level"], sort=False)
    rank = cell.cumcount().to_numpy()
    count = cell["name"].transform("size").to_numpy()
    step = np.minimum(0.26, 0.72 / np.maximum(count - 1, 1))
    return frame.assign(
        x=frame["unit"].map(columns).to_numpy(dtype=float),
        y=frame["level"].to_numpy() + (rank - (count - 1) / 2) * step,
    )


def _stakeholder_legend(words, window_days: int) -> list[Line2D]:
    accent, grey, text = PALETTE["accent"], PALETTE["grey"], PALETTE["text"]
    entries = [
        ("o", accent, accent, fill(words.report["chart.engaged"], window=window_days), 7),
        ("o", "white", grey, words.report["chart.silent"], 7),
        ("*", "white", text, words.roles["sponsor"], 11),
        ("D", "white", text, words.report["chart.key_contact"], 6),
        ("o", "white", text, words.report["chart.other_contact"], 7),
    ]
    return [
        Line2D(
            [],
            [],
            marker=shape,
            linestyle="",
            markersize=size,
            markerfacecolor=face,
            markeredgecolor=edge,
            label=label,
        )
        for shape, face, edge, label, size in entries
    ]


def _name_largest(axes, placed: pd.DataFrame, named: int) -> None:
    """Name the accounts with the highest revenue, nudging labels that would overlap."""
    largest = placed.nlargest(max(named, 0), "revenue")
    taken: list[tuple[float, float]] = []
    outline = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    for row in largest.sort_values("relationship_score", ascending=False).itertuples():
        x, y = float(row.potential_score), float(row.relationship_score)
        label_y = max(y, 3.0)
        while any(abs(label_y - ty) < 3.4 and abs(x - tx) < 25 for tx, ty in taken):
            label_y -= 3.6
        taken.append((x, label_y))
        right = x < 70
        axes.annotate(
            _short(row.name, 26),
            (x, y),
            xytext=(x + (3 if right else -3), label_y),
            ha="left" if right else "right",
            va="center",
            zorder=5,
            path_effects=outline,
            arrowprops={"arrowstyle": "-", "color": PALETTE["muted"], "linewidth": 0.6},
            **_NOTE,
        )


def number_ticks(lang: str = "en"):
    """A matplotlib tick formatter: numbers in the language's style (``0,5``), with
    decimals only where a tick needs them."""
    from matplotlib.ticker import FuncFormatter

    def text(value: float, _) -> str:
        for decimals in (0, 1, 2):
            if abs(value - round(value, decimals)) < 1e-9:
                return number(value, lang, decimals)
        return number(value, lang, 2)

    return FuncFormatter(text)


def percent_ticks(lang: str = "en"):
    """A matplotlib tick formatter for shares (0..1) shown in percent: ``25 %``, ``2,5 %``."""
    from matplotlib.ticker import FuncFormatter

    def text(value: float, _) -> str:
        whole = float(round(100 * value, 6)).is_integer()
        return percent(100 * value, lang, 0 if whole else 1)

    return FuncFormatter(text)


# -- the account plan (account-plan.md) ----------------------------------------------------------


def plan_chart(
    objectives: pd.DataFrame, history: pd.DataFrame, plan: pd.DataFrame, lang: str = "en"
) -> Figure:
    """Small multiples, one panel per quantitative objective of the plan in force: the
    planned path from the baseline (at the plan's start) to the target (at the due date),
    the actual value at each month-end since the plan started, and the forecast, dashed, to
    the due date.

    Parameters
    ----------
    objectives : DataFrame
        One account's ``objectives`` bundle table.
    history : DataFrame
        The account's ``history`` (the KPIs at month-ends, ``kpi_history``).
    plan : DataFrame
        The account's ``plan`` (its plan in force); empty: no figure axes.
    lang : str
        ``"en"`` or ``"fr"``.
    """
    if plan.empty or objectives.empty:
        return Figure()
    quantitative = objectives[objectives["kpi"].notna() & (objectives["status"] != "dropped")]
    if quantitative.empty:
        return Figure()
    words = labels(lang)
    start = pd.Timestamp(plan["starts_on"].iloc[0])
    n = len(quantitative)
    columns = min(3, n)
    rows = int(np.ceil(n / columns))
    figure = Figure(figsize=(WIDTH, 1.95 * rows + 0.5), dpi=DPI, layout="constrained")
    grid = figure.subplots(rows, columns, squeeze=False)
    history = history.sort_values("as_of")
    for position, objective in enumerate(quantitative.itertuples()):
        axes = grid[position // columns][position % columns]
        style_axes(axes)
        due = pd.Timestamp(objective.due_on)
        base, target = _float(objective.baseline_value), _float(objective.target)
        axes.plot(
            [start, due],
            [base, target],
            color=PALETTE["grey"],
            linewidth=1.4,
            label=words.plan["chart.path"],
        )
        axes.scatter(
            [due],
            [target],
            color=PALETTE["accent"],
            s=18,
            zorder=3,
            label=words.plan["chart.target"],
        )
        column = str(objective.kpi)
        if column in history.columns:
            seen = history[(history["as_of"] >= start)][["as_of", column]]
            values = pd.to_numeric(seen[column], errors="coerce").astype("float64")
            axes.plot(
                seen["as_of"],
                values,
                color=PALETTE["text"],
                marker="o",
                markersize=3.5,
                linewidth=1.4,
                label=words.plan["chart.actual"],
            )
            if len(seen) and not np.isnan(_float(objective.forecast)):
                last = seen["as_of"].iloc[-1]
                axes.plot(
                    [last, due],
                    [values.iloc[-1], _float(objective.forecast)],
                    color=PALETTE["text"],
                    linestyle="--",
                    linewidth=1.1,
                    label=words.plan["chart.forecast"],
                )
        title = (
            words.plan["revenue_objective"]
            if str(objective.objective_id).endswith(":revenue")
            else _short(objective.title, 34)
        )
        axes.set_title(title, loc="left", fontsize=9, fontweight="bold", color=PALETTE["text"])
        axes.tick_params(axis="x", labelsize=7, rotation=0)
        axes.xaxis.set_major_locator(_MonthTicks())
        axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _month_label(v, lang)))
        if column.endswith("revenue_won"):
            _amount_axis(axes.yaxis, lang)
        axes.grid(axis="y", **_GRID)
    for position in range(n, rows * columns):
        grid[position // columns][position % columns].set_visible(False)
    handles, names = grid[0][0].get_legend_handles_labels()
    figure.legend(handles, names, loc="outside lower center", ncols=4, **_LEGEND)
    figure.suptitle(
        words.plan["chart.title"],
        x=0.01,
        ha="left",
        fontsize=11,
        fontweight="bold",
        color=PALETTE["text"],
    )
    return figure


def plan_attainment_chart(kpis: pd.DataFrame, lang: str = "en") -> Figure:
    """One dot per account with a plan in force: plan attainment (y) against calendar time
    elapsed (x), over the diagonal of the planned path: below it, behind the path.

    Parameters
    ----------
    kpis : DataFrame
        The bundle's ``kpis`` table (``plan_elapsed_pct``, ``plan_attainment_pct``,
        ``plan_status``); without any plan in force, no figure axes.
    """
    frame = kpis[kpis["plan_status"].astype(str) != "no_plan"]
    frame = frame[frame["plan_attainment_pct"].notna()]
    if frame.empty:
        return Figure()
    words = labels(lang)
    figure, axes = _figure(3.6)
    axes.plot(
        [0, 100],
        [0, 100],
        color=PALETTE["grey"],
        linestyle="--",
        linewidth=1,
        label=words.plan["chart.on_path"],
    )
    colours = {
        "on_track": PALETTE["green"],
        "at_risk": PALETTE["amber"],
        "off_track": PALETTE["red"],
        "no_objectives": PALETTE["grey"],
    }
    for status, colour in colours.items():
        mine = frame[frame["plan_status"].astype(str) == status]
        if mine.empty:
            continue
        axes.scatter(
            mine["plan_elapsed_pct"],
            mine["plan_attainment_pct"],
            s=28,
            color=colour,
            edgecolor="white",
            linewidth=0.6,
            label=words.plan[status],
            zorder=3,
        )
    behind = frame[frame["plan_attainment_pct"] < frame["plan_elapsed_pct"] - 25]
    for row in behind.head(8).itertuples():
        axes.annotate(
            _short(row.name if hasattr(row, "name") else row.account_id, 22),
            (row.plan_elapsed_pct, row.plan_attainment_pct),
            textcoords="offset points",
            xytext=(4, -9),
            **_NOTE,
        )
    axes.set_xlim(0, 100)
    axes.set_ylim(0, 105)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, lang, 0)))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, lang, 0)))
    axes.set_xlabel(words.plan["chart.elapsed"], **_LABEL)
    axes.set_ylabel(words.plan["chart.attainment"], **_LABEL)
    axes.grid(**_GRID)
    axes.legend(loc="upper left", **_LEGEND)
    title_axes(axes, words.plan["chart.attainment_title"])
    return figure


class _MonthTicks(MaxNLocator):
    """At most four date ticks on a small panel."""

    def __init__(self):
        super().__init__(nbins=4)


def _month_label(value: float, lang: str) -> str:
    import matplotlib.dates as mdates

    stamp = pd.Timestamp(mdates.num2date(value)).tz_localize(None)
    return f"{month(stamp, lang)}\n{stamp.year}"
