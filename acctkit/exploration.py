"""Portfolio exploration: distributions, segment migration, weight what-ifs, health drops.

The helpers of ``notebooks/portfolio_exploration.ipynb``. Each takes KPI frames as
:func:`acctkit.compute_kpis` returns them (one row per account, indexed by ``account_id``)
and returns a DataFrame, or a :class:`matplotlib.figure.Figure` for the ``*_chart``
functions. *Why* an account moved is told by the score components: the change of a family
score splits exactly into one effect per component (:func:`component_changes`), so the
components with the largest effects name the KPIs that moved the score.

Examples
--------
>>> from acctkit import compute_kpis, demo_portfolio
>>> from acctkit import exploration
>>> p = demo_portfolio()                                                  # doctest: +SKIP
>>> before, after = compute_kpis(p, "2026-07-31"), compute_kpis(p, "2026-10-31")  # doctest: +SKIP
>>> exploration.segment_moves(before, after)                             # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from acctkit.config import load_config
from acctkit.format import date, fill, number, signed
from acctkit.i18n import labels
from acctkit.kpis.columns import to_column
from acctkit.kpis.scores import SCORE_INPUTS, SCORES, SEGMENTS, score_breakdown, score_columns
from acctkit.kpis.summary import SUMMARY_COLUMNS
from acctkit.plots import number_ticks, style_axes, title_axes
from acctkit.theme import BAND_COLOURS, DPI, PALETTE, WIDTH, ZONE_COLOURS

FAMILY_SCORES = SCORES[:3]
KPI_SELECTION = (
    "share_of_wallet_pct",
    "coverage_pct",
    "interactions",
    "engagement_trend_pct",
    "action_completion_pct",
    "win_rate_pct",
    "nps",
    "irritants",
)
"""A few KPIs of each family whose spread says something about the portfolio."""

COMPONENT_KPIS = {
    "budget": "estimated_budget",
    "profitability": "net_contribution",
    "fit": "strategic_fit",
    "influence": "ecosystem_influence",
    "safety": "risk_level",
    "coverage": "coverage_pct",
    "depth": "depth_level",
    "engagement": "interactions",
    "sponsor": "sponsor_influence",
    "propagation": "business_units_engaged",
    "actions": "action_completion_pct",
    "pipeline": "pipeline_maturity_pct",
    "wins": "win_rate_pct",
    "satisfaction": "nps",
    "calm": "irritants",
}
"""The KPI behind each score component (the one shown next to its change)."""

WHAT_IF_COLUMNS = ("potential_score", "segment", "health_score", "health_band")
OVERVIEW = ("annual_revenue", *SUMMARY_COLUMNS)
"""The columns of a one-line-per-account overview (:func:`acctkit.display.style_kpis`)."""


def open_portfolio(data_path: str = ""):
    """The portfolio in ``data_path`` (folder or workbook), or the demo portfolio when empty.

    What the exploration notebooks call first, so that they run as-is anywhere.
    """
    from acctkit import demo_portfolio, load_portfolio

    return load_portfolio(data_path) if data_path else demo_portfolio()


def account_names(portfolio) -> dict[str, str]:
    """Account id -> name, for labelling charts."""
    accounts = portfolio.accounts
    return dict(zip(accounts["account_id"].astype("object"), accounts["name"], strict=True))


def months_before(as_of, months: int = 3) -> pd.Timestamp:
    """The date ``months`` months before ``as_of``; a month-end stays a month-end.

    Examples
    --------
    >>> str(months_before("2026-10-31").date()), str(months_before("2026-11-30", 3).date())
    ('2026-07-31', '2026-08-31')
    """
    stamp = pd.Timestamp(as_of).normalize()
    earlier = stamp - pd.DateOffset(months=months)
    return earlier + pd.offsets.MonthEnd(0) if stamp.is_month_end else earlier


# -- distributions ----------------------------------------------------------------------


def kpi_distributions(kpis: pd.DataFrame, columns: Sequence[str] = SCORES) -> pd.DataFrame:
    """Spread of each KPI over the accounts: count, missing, quantiles.

    Returns
    -------
    DataFrame
        Indexed by KPI column: ``accounts`` (with a value), ``missing``, ``min``, ``p10``,
        ``p25``, ``median``, ``p75``, ``p90``, ``max``.
    """
    values = kpis[list(columns)].astype("float64")
    quantiles = values.quantile([0.1, 0.25, 0.5, 0.75, 0.9]).T
    quantiles.columns = ["p10", "p25", "median", "p75", "p90"]
    table = pd.concat(
        [
            values.count().rename("accounts"),
            values.isna().sum().rename("missing"),
            values.min().rename("min"),
            quantiles,
            values.max().rename("max"),
        ],
        axis=1,
    )
    return table.rename_axis("kpi")


def kpi_distribution_chart(
    kpis: pd.DataFrame, columns: Sequence[str] = SCORES, lang: str = "en", config=None
) -> Figure:
    """One histogram per KPI. Scores are binned by 5 points and coloured by band, with the
    recommendation limits on the potential score; other KPIs in the accent colour."""
    config = load_config(config)
    words = labels(lang)
    columns = list(columns)
    rows = int(np.ceil(len(columns) / 2))
    figure = Figure(figsize=(WIDTH, 2.0 * rows + 0.5), dpi=DPI, layout="constrained")
    grid = figure.subplots(rows, 2, squeeze=False).ravel()
    for axes, column in zip(grid, columns, strict=False):
        values = kpis[column].astype("float64")
        known = values.dropna().to_numpy()
        if column in SCORES:
            _score_histogram(axes, known, config, column == "potential_score", words)
        elif len(known):
            _kpi_histogram(axes, known, lang)
        note = fill(words.exploration["missing"], lang, count=int(values.isna().sum()))
        title = words[column] + (f"  ({note})" if values.isna().any() else "")
        axes.set_xlabel(title, fontsize=9, color=PALETTE["text"])
        axes.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        style_axes(axes)
    for axes in grid[len(columns) :]:
        axes.set_visible(False)
    for axes in grid[::2]:
        axes.set_ylabel(words.report["accounts"], fontsize=9)
    # the first panel's title is the figure's (its text alternative in a report)
    title_axes(grid[0], fill(words.exploration["distribution.title"], lang, count=len(kpis)))
    return figure


def _kpi_histogram(axes, values: np.ndarray, lang: str) -> None:
    """Whole numbers one bar per value (up to 30 values); other KPIs in 20 bins between the
    1st and 99th percentiles, the few values beyond drawn in the edge bins."""
    low, high = np.percentile(values, [1, 99])
    if np.array_equal(values, np.round(values)) and values.max() - values.min() <= 30:
        edges = np.arange(values.min(), values.max() + 2) - 0.5
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        edges = np.linspace(low, high, 21) if high > low else np.array([low - 0.5, low + 0.5])
    axes.xaxis.set_major_formatter(number_ticks(lang))
    axes.hist(
        np.clip(values, edges[0], edges[-1]),
        bins=edges,
        color=PALETTE["accent"],
        edgecolor="white",
        linewidth=0.5,
    )


def _score_histogram(axes, values: np.ndarray, config, segments: bool, words) -> None:
    edges = np.arange(0, 105, 5)
    counts, _ = np.histogram(values, bins=edges)
    bands = np.select(
        [edges[:-1] >= config.bands["green"], edges[:-1] >= config.bands["amber"]],
        ["green", "amber"],
        "red",
    )
    colours = [BAND_COLOURS[band] for band in bands]
    axes.bar(edges[:-1], counts, width=5, align="edge", color=colours, edgecolor="white")
    axes.set_xlim(0, 100)
    if segments:
        for name in ("maintain", "invest"):
            limit = config.segments[name]
            axes.axvline(limit, color=PALETTE["text"], linestyle="--", linewidth=0.9)
            axes.text(
                limit + 1,
                0.97,
                words.segments[name],
                fontsize=7.5,
                va="top",
                color=PALETTE["muted"],
                transform=axes.get_xaxis_transform(),
            )


# -- what changed, and why --------------------------------------------------------------


def segment_migration(before: pd.Series, after: pd.Series) -> pd.DataFrame:
    """How many accounts went from each recommendation (rows) to each other (columns).

    Parameters
    ----------
    before, after
        Two ``segment`` columns indexed by account (two reviews, or current and what-if).

    Returns
    -------
    DataFrame
        Counts; rows and columns in :data:`~acctkit.kpis.scores.SEGMENTS` order, ``unrated``
        only when it occurs; off-diagonal cells are the moves.
    """
    rows, columns = before.astype("object"), after.astype("object").reindex(before.index)
    present = set(rows.dropna()) | set(columns.dropna())
    order = [s for s in SEGMENTS if s in present or s != "unrated"]
    table = pd.crosstab(rows, columns).reindex(index=order, columns=order, fill_value=0)
    return table.rename_axis(index=before.name or "before", columns=after.name or "after")


def component_changes(before: pd.DataFrame, after: pd.DataFrame, config=None) -> pd.DataFrame:
    """What each score component's change is worth in score points, between two reviews.

    A family score is the weighted mean of the components that have data, so a component
    can change its value, or appear or disappear (its KPI becomes known or missing). The
    change of the score is split exactly into one effect per component, in three steps:
    the components present at both dates change their values (each is worth
    ``100 * w * (value after - value before) / their total weight``), then the components
    that appeared pull the score towards their own value, and those that disappeared stop
    pulling it towards theirs. The effects of an account's components add up to the
    change of its score (when the score is known at both dates).

    Parameters
    ----------
    before, after
        KPI frames of the whole portfolio (the percentile components rank every account).
    config
        As for ``compute_kpis``.

    Returns
    -------
    DataFrame
        Tidy, one row per (account, score, component): ``account_id``, ``score``,
        ``component``, ``status`` (``kept``, ``new``, ``gone`` or ``missing``),
        ``value_before``, ``value_after`` (0..1), ``effect`` (score points; NaN when the
        score is missing at either date), ``kpi`` (:data:`COMPONENT_KPIS`), ``kpi_before``,
        ``kpi_after``.
    """
    keys = ["account_id", "score", "component"]
    frame = score_breakdown(before, config)[[*keys, "weight", "value"]].merge(
        score_breakdown(after, config)[[*keys, "value"]], on=keys, suffixes=("_before", "_after")
    )
    was, now = frame["value_before"].notna(), frame["value_after"].notna()
    frame.insert(3, "status", np.select([was & now, now, was], ["kept", "new", "gone"], "missing"))
    frame["effect"] = _effects(frame, was, now)
    lookup = pd.MultiIndex.from_arrays([frame["account_id"], frame["score"]])
    for kpis in (before, after):
        scores = kpis[list(FAMILY_SCORES)].stack(future_stack=True)
        frame["effect"] = frame["effect"].where(scores.reindex(lookup).notna().to_numpy())
    frame["kpi"] = frame["component"].map(COMPONENT_KPIS)
    for name, kpis in (("kpi_before", before), ("kpi_after", after)):
        values = kpis[list(COMPONENT_KPIS.values())].astype("float64").stack(future_stack=True)
        lookup = pd.MultiIndex.from_arrays([frame["account_id"], frame["kpi"]])
        frame[name] = values.reindex(lookup).to_numpy()
    return frame.drop(columns="weight")


def _effects(frame: pd.DataFrame, was: pd.Series, now: pd.Series) -> np.ndarray:
    """The exact split of each score's change (see :func:`component_changes`)."""
    weight = frame["weight"]
    old, new = frame["value_before"].fillna(0.0), frame["value_after"].fillna(0.0)
    kept = was & now
    parts = pd.DataFrame(
        {
            "kept_weight": weight * kept,
            "kept_before": weight * old * kept,
            "kept_after": weight * new * kept,
            "weight_before": weight * was,
            "weight_after": weight * now,
        }
    )
    totals = parts.groupby([frame["account_id"], frame["score"]], sort=False).transform("sum")
    common = totals["kept_weight"].where(totals["kept_weight"] > 0)
    level_before, level_after = totals["kept_before"] / common, totals["kept_after"] / common
    return np.select(
        [kept, now & ~was, was & ~now],
        [
            100 * weight * (new - old) / common,
            100 * weight * (new - level_after) / totals["weight_after"],
            -100 * weight * (old - level_before) / totals["weight_before"],
        ],
        np.nan,
    )


def segment_moves(
    before: pd.DataFrame, after: pd.DataFrame, config=None, lang: str = "en", top: int = 2
) -> pd.DataFrame:
    """The accounts whose recommendation changed between two reviews, and why.

    Returns
    -------
    DataFrame
        Indexed by ``account_id``: ``segment_before``, ``segment_after``,
        ``potential_score_before``, ``potential_score_after``, ``change`` and ``why``: the
        ``top`` components of the potential score with the largest effects
        (:func:`component_changes`), with their KPI before and after, in ``lang``. Ordered
        by move (from ``invest`` first, then to ``invest`` first), then by the size of the
        change.
    """
    old = before["segment"].astype("object")
    new = after["segment"].astype("object").reindex(old.index)
    moved = old.ne(new)
    table = pd.DataFrame(
        {
            "segment_before": old[moved],
            "segment_after": new[moved],
            "potential_score_before": before.loc[moved, "potential_score"],
            "potential_score_after": after["potential_score"].reindex(old.index)[moved],
        }
    )
    table["change"] = table["potential_score_after"] - table["potential_score_before"]
    changes = component_changes(before, after, config)
    changes = changes[changes["score"] == "potential_score"]
    changes = changes[changes["account_id"].isin(table.index)]
    table["why"] = _why(changes, lang, top, drops_only=False).reindex(table.index)
    rank = {segment: i for i, segment in enumerate(SEGMENTS)}
    keys = pd.DataFrame(
        {
            "origin": table["segment_before"].map(rank),
            "destination": table["segment_after"].map(rank),
            "size": -table["change"].abs(),
        }
    )
    return table.loc[keys.sort_values(list(keys.columns), kind="stable").index]


def health_drops(
    before: pd.DataFrame, after: pd.DataFrame, config=None, lang: str = "en", top: int = 10
) -> pd.DataFrame:
    """The accounts whose health score fell most between two reviews, and why.

    Health is the mean of the relationship and execution scores that are known, so a
    component's effect on health is its effect on its family score divided by the number
    of family scores known at both dates. ``why`` names a family score that became
    unknown (or known) first, then the components that took most points off.

    Returns
    -------
    DataFrame
        At most ``top`` accounts whose health score fell, largest drop first, indexed by
        ``account_id``: ``health_score_before``, ``health_score_after``, ``change``,
        ``relationship_change``, ``execution_change`` and ``why`` (in ``lang``).
    """
    families = ["relationship_score", "execution_score"]
    change = after["health_score"] - before["health_score"].reindex(after.index)
    fallen = change[change < 0].nsmallest(top).index
    deltas = after.loc[fallen, families] - before.loc[fallen, families]
    table = pd.DataFrame(
        {
            "health_score_before": before.loc[fallen, "health_score"],
            "health_score_after": after.loc[fallen, "health_score"],
            "change": change[fallen],
            "relationship_change": deltas["relationship_score"],
            "execution_change": deltas["execution_score"],
        }
    )
    both = before.loc[fallen, families].notna() & after.loc[fallen, families].notna()
    changes = component_changes(before, after, config)
    changes = changes[changes["score"].isin(families) & changes["account_id"].isin(fallen)]
    shared = changes["account_id"].map(both.sum(axis=1)).replace(0, np.nan)
    changes = changes.assign(effect=changes["effect"] / shared)
    components = _why(changes, lang, 2, drops_only=True)
    flips = _family_flips(before.loc[fallen, families], after.loc[fallen, families], lang)
    why = pd.concat([flips, components]).groupby(level=0, sort=False).agg("; ".join)
    table["why"] = why.reindex(table.index)
    return table


def _family_flips(before: pd.DataFrame, after: pd.DataFrame, lang: str) -> pd.Series:
    """``Execution score 68.0 -> n/a`` for each family score known at one date only."""
    words = labels(lang)
    flipped = (before.isna() != after.isna()).stack()
    pairs = flipped[flipped].index
    if pairs.empty:
        return pd.Series([], dtype="object")
    scores = pd.Series(pairs.get_level_values(1), index=pairs).map(words.columns)
    old, new = (
        frame.stack(future_stack=True).reindex(pairs).map(lambda v: number(v, lang, 1))
        for frame in (before, after)
    )
    return (scores + " " + old + " → " + new).droplevel(1)


def _why(changes: pd.DataFrame, lang: str, top: int, *, drops_only: bool) -> pd.Series:
    """Per account, the ``top`` components with the largest effect (or the largest drop),
    in words: ``Strategic fit -4.0 pts (3.5 / 5 -> 2.5 / 5)``."""
    words = labels(lang)
    known = changes[changes["effect"].abs() >= 0.05]
    if drops_only:
        known = known[known["effect"] < 0]
    key = known["effect"] if drops_only else -known["effect"].abs()
    ranked = known.assign(_key=key.to_numpy()).sort_values("_key", kind="stable")
    ranked = ranked.groupby("account_id", sort=False).head(top).set_index("account_id")
    if ranked.empty:
        return pd.Series([], dtype="object")
    unit = words.report["points_unit"]
    points = ranked["effect"].map(lambda v: unit.format(value=signed(v, lang, 1)))
    text = (
        ranked["component"].map(words.components)
        + " "
        + points
        + " ("
        + _kpi_texts(ranked, "kpi_before", lang)
        + " → "
        + _kpi_texts(ranked, "kpi_after", lang)
        + ")"
    )
    return text.groupby(level=0, sort=False).agg("; ".join)


def _kpi_texts(frame: pd.DataFrame, column: str, lang: str) -> pd.Series:
    """The values of ``column`` formatted as the KPI named in each row's ``kpi``."""
    from acctkit.report.cells import kpi_value

    flat = frame.reset_index(drop=True)
    texts = pd.Series("", index=flat.index, dtype="object")
    for kpi in flat["kpi"].unique():
        rows = flat["kpi"] == kpi
        texts[rows] = flat.loc[rows, column].map(lambda v, k=kpi: kpi_value(k, v, lang))
    return texts.set_axis(frame.index)


# -- weights what-if --------------------------------------------------------------------


def rescore(kpis: pd.DataFrame, config=None) -> pd.DataFrame:
    """The KPI frame with every score, the segment and the bands recomputed under ``config``
    (other weights, limits or bands), from the KPIs the scores are built on.

    With the configuration the KPIs were computed with, this gives them back unchanged.
    """
    config = load_config(config)
    inputs = sorted(set().union(*SCORE_INPUTS.values()))
    # The score functions work on (accounts, dates) grids: here, one date.
    arrays = {name: kpis[name].astype("float64").to_numpy()[:, None] for name in inputs}
    scores = score_columns(arrays, config)
    return kpis.assign(**{name: to_column(name, grid.ravel()) for name, grid in scores.items()})


def weights_what_if(
    kpis: pd.DataFrame, weights: Mapping[str, Mapping[str, float]], config=None
) -> pd.DataFrame:
    """Scores and recommendations with other weights, next to the current ones.

    Parameters
    ----------
    kpis
        A KPI frame of the whole portfolio.
    weights
        Weights to change, laid out as the configuration's ``[weights]`` section, e.g.
        ``{"potential": {"budget": 0.15, "fit": 0.35}}`` (the others keep their value).
    config
        The current configuration (None: the catalogue's defaults).

    Returns
    -------
    DataFrame
        Indexed by account: ``potential_score``, ``segment``, ``health_score``,
        ``health_band``, each followed by its ``*_what_if`` value, and ``segment_changed``.
    """
    current = load_config(config)
    what_if = load_config(_merged(current.to_dict(), {"weights": dict(weights)}))
    now, then = rescore(kpis, current), rescore(kpis, what_if)
    table = pd.concat(
        {
            name: column
            for source in WHAT_IF_COLUMNS
            for name, column in ((source, now[source]), (f"{source}_what_if", then[source]))
        },
        axis=1,
    )
    changed = table["segment"].astype("object").ne(table["segment_what_if"].astype("object"))
    return table.assign(segment_changed=changed.to_numpy())


def _merged(base: Mapping, overrides: Mapping) -> dict:
    merged = dict(base)
    for key, value in overrides.items():
        nested = isinstance(value, Mapping) and isinstance(base.get(key), Mapping)
        merged[key] = _merged(base[key], value) if nested else value
    return merged


# -- charts -----------------------------------------------------------------------------


def migration_chart(migration: pd.DataFrame, lang: str = "en", before=None, after=None) -> Figure:
    """The migration table as a grid: accounts that kept their recommendation on the
    diagonal, upgrades in green, downgrades in red.

    Parameters
    ----------
    migration
        From :func:`segment_migration`.
    before, after
        The two review dates, for the axis titles.
    """
    words = labels(lang)
    rows, columns = list(migration.index), list(migration.columns)
    figure = Figure(figsize=(5.6, 0.7 * len(rows) + 1.6), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    rank = {segment: i for i, segment in enumerate(SEGMENTS)}
    for i, row in enumerate(rows):
        for j, column in enumerate(columns):
            count = int(migration.iloc[i, j])
            colour = _move_colour(rank[row], rank[column], count)
            axes.add_patch(_cell(j, i, colour))
            weight = "bold" if count and row != column else "normal"
            axes.text(
                j,
                i,
                number(count, lang),
                ha="center",
                va="center",
                fontsize=11,
                fontweight=weight,
                color=PALETTE["text"],
            )
    axes.set_xlim(-0.5, len(columns) - 0.5)
    axes.set_ylim(len(rows) - 0.5, -0.5)
    axes.set_xticks(range(len(columns)), [words.segments[c] for c in columns])
    axes.set_yticks(range(len(rows)), [words.segments[r] for r in rows])
    axes.xaxis.tick_top()
    axes.tick_params(length=0, labelsize=8.5)
    axes.spines[:].set_visible(False)
    report = words.report
    axes.set_ylabel(_dated(report["previous_review"], before, lang), fontsize=9)
    axes.set_xlabel(_dated(report["this_review"], after, lang), fontsize=9)
    title_axes(axes, words.exploration["migration.title"], pad=24)
    return figure


def what_if_chart(what_if: pd.DataFrame, lang: str = "en", config=None, named: int = 6) -> Figure:
    """Each account's potential score with the current weights (across) and the what-if
    weights (up), over the recommendation zones; accounts that change zone in red, named.

    Parameters
    ----------
    what_if
        From :func:`weights_what_if`.
    config
        The configuration whose ``[segments]`` limits draw the zones.
    named
        How many of the changed accounts to name (the largest changes).
    """
    limits = load_config(config).segments
    words = labels(lang)
    figure = Figure(figsize=(6.4, 5.6), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    changed = what_if["segment_changed"].to_numpy(dtype=bool)
    x, y = what_if["potential_score"], what_if["potential_score_what_if"]
    scores = pd.concat([x, y]).dropna()
    low = max(0.0, np.floor(scores.min() / 10) * 10 - 5) if len(scores) else 0.0
    high = min(100.0, np.ceil(scores.max() / 10) * 10 + 5) if len(scores) else 100.0
    _segment_zones(axes, limits, words, low, high)
    axes.plot([0, 100], [0, 100], color=PALETTE["muted"], linestyle="--", linewidth=0.8)
    axes.scatter(x[~changed], y[~changed], s=18, color=PALETTE["accent"], alpha=0.6, zorder=3)
    axes.scatter(x[changed], y[changed], s=30, color=PALETTE["red"], zorder=4)
    for account in (y - x)[changed].abs().nlargest(named).index:
        axes.annotate(
            str(account),
            (x[account], y[account]),
            xytext=(4, 2),
            textcoords="offset points",
            fontsize=7.5,
            color=PALETTE["text"],
        )
    axes.set_xlim(low, high)
    axes.set_ylim(low, high)
    axes.set_xlabel(words.exploration["what_if.x"], fontsize=9)
    axes.set_ylabel(words.exploration["what_if.y"], fontsize=9)
    note = fill(words.exploration["what_if.changed"], lang, count=int(changed.sum()))
    axes.text(
        0.99, 0.02, note, ha="right", fontsize=8.5, color=PALETTE["red"], transform=axes.transAxes
    )
    style_axes(axes)
    title_axes(axes, words.exploration["what_if.title"], pad=20)
    return figure


def _segment_zones(axes, limits: Mapping[str, float], words, low: float, high: float) -> None:
    """The recommendation zones across, named above the axes where they are visible, and
    their limits drawn up the axes too."""
    zones = {
        "deprioritize": (0.0, limits["maintain"]),
        "maintain": (limits["maintain"], limits["invest"]),
        "invest": (limits["invest"], 100.0),
    }
    for zone, (start, end) in zones.items():
        axes.axvspan(start, end, color=ZONE_COLOURS[zone], linewidth=0, zorder=0)
        axes.axhline(start, color=PALETTE["rule"], linewidth=0.8, zorder=1)
        shown_start, shown_end = max(start, low), min(end, high)
        if shown_end - shown_start >= 8:
            axes.text(
                (shown_start + shown_end) / 2,
                1.01,
                words.segments[zone],
                ha="center",
                fontsize=8.5,
                color=PALETTE["muted"],
                fontweight="bold",
                transform=axes.get_xaxis_transform(),
            )


def health_drop_chart(
    drops: pd.DataFrame, lang: str = "en", since=None, config=None, names=None
) -> Figure:
    """Health score before (hollow) and after (filled) for the accounts that fell most,
    over the band zones.

    Parameters
    ----------
    drops
        From :func:`health_drops`.
    since
        The earlier review date, for the title.
    names
        Optional account names by account id (e.g. the accounts table's ``name``).
    """
    if drops.empty:
        return Figure()
    bands = load_config(config).bands
    words = labels(lang)
    figure = Figure(figsize=(WIDTH, 0.38 * len(drops) + 1.3), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    for band, (low, high) in {
        "red": (0, bands["amber"]),
        "amber": (bands["amber"], bands["green"]),
        "green": (bands["green"], 100),
    }.items():
        axes.axvspan(low, high, color=BAND_COLOURS[band], alpha=0.08, linewidth=0)
    y = np.arange(len(drops))
    before, after = drops["health_score_before"], drops["health_score_after"]
    axes.hlines(y, after, before, color=PALETTE["grey"], linewidth=2)
    axes.scatter(before, y, s=40, facecolors="white", edgecolors=PALETTE["text"], zorder=3)
    axes.scatter(after, y, s=40, color=PALETTE["red"], zorder=3)
    for position, (b, a, change) in enumerate(zip(before, after, drops["change"], strict=True)):
        axes.text(
            max(a, b) + 1.5,
            position,
            signed(change, lang, 1),
            ha="left",
            va="center",
            fontsize=8,
            color=PALETTE["red"],
        )
    shown = [str(a) if names is None else f"{names.get(a, a)} ({a})" for a in drops.index]
    axes.set_yticks(y, shown)
    axes.set_ylim(len(drops) - 0.5, -0.5)
    axes.set_xlim(0, 100)
    axes.set_xlabel(words["health_score"], fontsize=9)
    style_axes(axes)
    since_text = date(since, lang) if since is not None else ""
    title_axes(axes, words.exploration["drops.title"].format(date=since_text))
    return figure


def _dated(text: str, when, lang: str) -> str:
    return f"{text} ({date(when, lang)})" if when is not None else text


def _move_colour(origin: int, destination: int, count: int) -> str:
    if not count:
        return "white"
    if origin == destination:
        return PALETTE["background"]
    if SEGMENTS.index("unrated") in (origin, destination):
        return PALETTE["rule"]
    return PALETTE["green_light"] if destination < origin else PALETTE["red_light"]


def _cell(x: float, y: float, colour: str):
    from matplotlib.patches import Rectangle

    return Rectangle((x - 0.5, y - 0.5), 1, 1, facecolor=colour, edgecolor=PALETTE["rule"])


# -- planning quality (the account plan, account-plan.md) -----------------------------------------


def plan_outcomes(portfolio, as_of, config=None) -> pd.DataFrame:
    """What became of the objectives of the closed plans (non-draft plans ended on or before
    ``as_of``): each objective measured at its own due date (``objective_progress`` once
    per distinct due date), dropped ones left out.

    Returns
    -------
    DataFrame
        One row per objective, index ``objective_id``: ``account_id``, ``plan_id``,
        ``owner`` (the objective's, else the plan's), ``kpi`` (``qualitative`` without one),
        ``due_on``, ``target``, ``actual`` (at the due date), ``progress_pct`` (at the due
        date), ``achieved_on_time`` (status achieved at the due date), ``reached_pct``
        (actual / target x 100 for a KPI target; NaN otherwise). Empty without a plans table.
    """
    from acctkit.kpis import objective_progress

    columns = ["account_id", "plan_id", "owner", "kpi", "due_on", "target", "actual",
               "progress_pct", "achieved_on_time", "reached_pct"]  # fmt: skip
    plans, objectives = portfolio.plans, portfolio.objectives
    empty = pd.DataFrame(columns=columns, index=pd.Index([], name="objective_id"))
    if plans is None or objectives is None:
        return empty
    day = pd.Timestamp(as_of)
    closed = plans[(plans["status"].astype(object) != "draft") & (plans["ends_on"] <= day)]
    plan_info = closed.set_index(closed["plan_id"].astype(str))
    mine = objectives[objectives["plan_id"].astype(str).isin(plan_info.index)]
    mine = mine[mine["status"].astype(object) != "dropped"]
    if mine.empty:
        return empty
    due = mine["due_on"].fillna(
        plan_info["ends_on"].reindex(mine["plan_id"].astype(str)).set_axis(mine.index)
    )
    rows = []
    for when in sorted(due.unique()):
        progress = objective_progress(portfolio, when, config)
        wanted = mine.loc[due == when, "objective_id"].astype(str)
        rows.append(progress.reindex(wanted).assign(due_on=when))
    found = pd.concat(rows)
    described = mine.set_index(mine["objective_id"].astype(str))
    owner = described["owner"].astype(object)
    owner = owner.fillna(
        plan_info["owner"]
        .astype(object)
        .reindex(described["plan_id"].astype(str))
        .set_axis(owner.index)
    )
    kpi = described["kpi"].astype(object).fillna("qualitative")
    target = described["target"]
    with np.errstate(divide="ignore", invalid="ignore"):
        reached = 100 * found["actual"] / target.reindex(found.index)
    out = pd.DataFrame(
        {
            "account_id": described["plan_id"].astype(str).map(plan_info["account_id"].astype(str)),
            "plan_id": described["plan_id"].astype(str),
            "owner": owner,
            "kpi": kpi,
            "due_on": found["due_on"],
            "target": target,
            "actual": found["actual"],
            "progress_pct": found["progress_pct"],
            "achieved_on_time": found["status"].astype(str) == "achieved",
            "reached_pct": reached.where(np.isfinite(reached)),
        }
    ).reindex(found.index)
    out.index.name = "objective_id"
    return out[columns]


def planning_quality(outcomes: pd.DataFrame, by: str = "owner") -> pd.DataFrame:
    """The share of the closed plans' objectives achieved on time, by ``owner`` or ``kpi``,
    and how far from their target they ended (median progress at the due date, median
    actual as a % of the target): targets set too high show as low shares and progress.
    """
    grouped = outcomes.groupby(by, sort=True)
    table = pd.DataFrame(
        {
            "objectives": grouped.size(),
            "achieved_on_time": grouped["achieved_on_time"].sum().astype("int64"),
            "median_progress_pct": grouped["progress_pct"].median(),
            "median_reached_pct": grouped["reached_pct"].median(),
        }
    )
    table.insert(2, "achieved_pct", 100 * table["achieved_on_time"] / table["objectives"])
    return table.sort_values(["achieved_pct", "objectives"], ascending=[True, False])


def planning_quality_chart(outcomes: pd.DataFrame, lang: str = "en") -> Figure:
    """Each closed plan's KPI objective: its progress at the due date (x, 100 % = target
    reached), one row per KPI; no axes without any."""
    quantitative = outcomes[(outcomes["kpi"] != "qualitative") & outcomes["progress_pct"].notna()]
    if quantitative.empty:
        return Figure()
    words = labels(lang)
    kpis = sorted(quantitative["kpi"].unique())
    figure = Figure(figsize=(WIDTH, 0.45 * len(kpis) + 1.2), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    style_axes(axes)
    position = quantitative["kpi"].map({kpi: i for i, kpi in enumerate(kpis)})
    colours = np.where(quantitative["achieved_on_time"], PALETTE["green"], PALETTE["red"])
    axes.scatter(quantitative["progress_pct"].clip(-50, 200), position, c=colours, s=22,
                 alpha=0.8, edgecolor="white", linewidth=0.5)  # fmt: skip
    axes.axvline(100, color=PALETTE["muted"], linestyle="--", linewidth=1)
    axes.set_yticks(range(len(kpis)), [words.get(k, k) for k in kpis])
    axes.set_xlabel(words.exploration["plans.x"], fontsize=9)
    title_axes(axes, words.exploration["plans.title"])
    return figure
