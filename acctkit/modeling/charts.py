"""Charts of the early-warning exploration, in the report palette and the reader's language.

Each function takes a frame from :mod:`acctkit.modeling` and returns a
:class:`matplotlib.figure.Figure` built without pyplot (show it with
:func:`acctkit.display.show`, save it with :func:`acctkit.plots.figure_png`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, NullFormatter

from acctkit.format import number, percent
from acctkit.i18n import labels
from acctkit.model.features import FEATURES
from acctkit.modeling.evaluation import RANDOM, SCORERS, pr_curves, roc_curves
from acctkit.plots import number_ticks, percent_ticks, style_axes, title_axes
from acctkit.theme import DPI, PALETTE, RISK_COLOURS, WIDTH

COLOURS = (PALETTE["accent"], PALETTE["amber"], PALETTE["green"], PALETTE["red"])
_LEGEND = {"fontsize": 8, "frameon": False}
_RATIO_TICKS = (0.1, 0.2, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 10.0)
_LABEL = {"fontsize": 9}
_OPERATORS = {"<=": "\u2264", ">=": "\u2265"}


def word(key: str, lang: str = "en") -> str:
    """A chart word of this module in ``lang`` (``[modeling]`` of the language catalogue),
    or the key itself when it has none (a scorer or input named by the caller)."""
    return labels(lang).modeling.get(key, key)


def feature_label(name: str, lang: str = "en") -> str:
    """A model input's name for people: the KPI label, or the feature's own."""
    if name.startswith("missing_"):
        return word("missing", lang).format(name=feature_label(name[len("missing_") :], lang))
    return labels(lang).get(name) or word(name, lang)


def label_balance_chart(balance: pd.DataFrame, lang: str = "en") -> Figure:
    """Outcome rate (top) and accounts (bottom) at each snapshot date; hold-out shaded.

    Parameters
    ----------
    balance
        From :func:`acctkit.modeling.label_balance` (with ``part``).
    """
    figure = Figure(figsize=(WIDTH, 3.6), dpi=DPI, layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    x = balance.index
    top.plot(x, balance["positive_rate"], color=PALETTE["red"], marker="o", markersize=3.5)
    overall = balance["positives"].sum() / balance["snapshots"].sum()
    top.axhline(overall, **_dashed())
    top.annotate(
        word("balance.overall", lang).format(rate=percent(100 * overall, lang, 1)),
        (0.0, overall),
        xycoords=("axes fraction", "data"),
        xytext=(2, 3),
        textcoords="offset points",
        fontsize=8,
        color=PALETTE["muted"],
    )
    top.yaxis.set_major_formatter(percent_ticks(lang))
    top.set_ylim(0, max(balance["positive_rate"].max() * 1.25, 0.01))
    top.set_ylabel(word("balance.rate", lang), **_LABEL)
    bottom.bar(x, balance["snapshots"], width=20, color=PALETTE["accent_light"])
    bottom.set_ylabel(word("balance.snapshots", lang), **_LABEL)
    if "part" in balance:
        held = balance.index[balance["part"] == "holdout"]
        for axes in (top, bottom):
            if len(held):
                axes.axvspan(
                    held.min() - pd.Timedelta(days=15),
                    held.max() + pd.Timedelta(days=15),
                    color=PALETTE["background"],
                    zorder=0,
                )
        if len(held):
            top.text(
                held.min(),
                1.0,
                f" {word('holdout', lang)}",
                va="top",
                fontsize=8,
                color=PALETTE["muted"],
                transform=top.get_xaxis_transform(),
            )
    for axes in (top, bottom):
        style_axes(axes)
    title_axes(top, word("balance.title", lang))
    return figure


def feature_distributions_chart(
    panel: pd.DataFrame, features: Sequence[str] = FEATURES, lang: str = "en"
) -> Figure:
    """One panel per feature: the share of snapshots at each value, with and without an
    outcome ahead. Counts (irritants, tickets) are bars on a log scale, so that the rare
    values that matter stay visible; measures are histograms between the 1st and 99th
    percentiles (values beyond are drawn at the edges)."""
    features = list(features)
    rows = int(np.ceil(len(features) / 2))
    figure = Figure(figsize=(WIDTH, 2.3 * rows + 0.7), dpi=DPI, layout="constrained")
    grid = figure.subplots(rows, 2, squeeze=False).ravel()
    positive = panel["label"].to_numpy() == 1
    groups = ((~positive, PALETTE["grey"], "outcome.no"), (positive, PALETTE["red"], "outcome.yes"))
    for axes, name in zip(grid, features, strict=False):
        values = panel[name].to_numpy(dtype=np.float64)
        if _is_count(values):
            _count_bars(axes, values, groups, lang)
        else:
            _histograms(axes, values, groups, lang)
        axes.set_xlabel(feature_label(name, lang), fontsize=9, color=PALETTE["text"])
        axes.yaxis.set_major_formatter(percent_ticks(lang))
        style_axes(axes)
    for axes in grid[len(features) :]:
        axes.set_visible(False)
    grid[0].set_ylabel(word("share", lang), **_LABEL)
    handles, names = grid[0].get_legend_handles_labels()
    figure.legend(handles, names, loc="outside lower center", ncols=2, **_LEGEND)
    # the first panel's title is the figure's (its text alternative in a report)
    title_axes(grid[0], word("distributions.title", lang))
    return figure


def curves_chart(
    predictions: pd.DataFrame, scorers: Mapping[str, str] | None = None, lang: str = "en"
) -> Figure:
    """ROC (left) and precision-recall (right) curves of each scorer on the hold-out, with
    the no-skill references (the diagonal, and the positive rate); the legend gives each
    scorer's ROC AUC and average precision."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    scorers = dict(SCORERS if scorers is None else scorers)
    figure = Figure(figsize=(WIDTH, 4.3), dpi=DPI, layout="constrained")
    roc_axes, pr_axes = figure.subplots(1, 2)
    roc, pr = roc_curves(predictions, scorers), pr_curves(predictions, scorers)
    label = predictions["label"]
    for (name, column), colour in zip(scorers.items(), COLOURS, strict=False):
        auc = number(roc_auc_score(label, predictions[column]), lang, 3)
        ap = number(average_precision_score(label, predictions[column]), lang, 3)
        shown = word("curve", lang).format(name=word(name, lang), auc=auc, ap=ap)
        curve = roc[roc["scorer"] == name]
        roc_axes.plot(
            curve["false_positive_rate"],
            curve["true_positive_rate"],
            color=colour,
            linewidth=1.6,
            label=shown,
        )
        curve = pr[pr["scorer"] == name]
        pr_axes.step(curve["recall"], curve["precision"], where="post", color=colour, linewidth=1.4)
    rate = float(label.mean())
    shown = word("curve.base", lang).format(rate=percent(100 * rate, lang, 1))
    roc_axes.plot([0, 1], [0, 1], label=shown, **_dashed())
    pr_axes.axhline(rate, **_dashed())
    roc_axes.set_xlabel(word("roc.x", lang), **_LABEL)
    roc_axes.set_ylabel(word("roc.y", lang), **_LABEL)
    pr_axes.set_xlabel(word("recall", lang), **_LABEL)
    pr_axes.set_ylabel(word("precision", lang), **_LABEL)
    for axes, key in ((roc_axes, "roc.title"), (pr_axes, "pr.title")):
        axes.set_xlim(0, 1)
        axes.set_ylim(0, 1.02)
        axes.xaxis.set_major_formatter(percent_ticks(lang))
        axes.yaxis.set_major_formatter(percent_ticks(lang))
        style_axes(axes)
        title_axes(axes, word(key, lang))
    figure.legend(loc="outside lower center", ncols=2, **_LEGEND)
    return figure


def calibration_chart(calibration: pd.DataFrame, lang: str = "en") -> Figure:
    """Left: mean predicted probability against the observed outcome rate per score group,
    with the diagonal of a calibrated model; both axes run from 0 to a little above the
    largest probability or rate (calibrated probabilities of rare outcomes are a few %).
    Right: the observed rate of each group, to read the ranking.

    Parameters
    ----------
    calibration
        From :func:`acctkit.modeling.calibration_table`.
    """
    figure = Figure(figsize=(WIDTH, 3.5), dpi=DPI, layout="constrained")
    left, right = figure.subplots(1, 2)
    # calibrated probabilities of rare outcomes are small: zoom on them, same scale both ways
    top = np.nanmax([*calibration["mean_predicted"], *calibration["observed_rate"], 0.0])
    top = 1.1 * top if top > 0 else 1.0
    left.plot([0, top], [0, top], label=word("calibration.perfect", lang), **_dashed())
    left.plot(
        calibration["mean_predicted"],
        calibration["observed_rate"],
        marker="o",
        color=PALETTE["accent"],
        linewidth=1.4,
        label=word("model", lang),
    )
    left.set_xlim(0, top)
    left.set_ylim(0, top)
    left.set_aspect("equal", adjustable="box")
    left.set_xlabel(word("calibration.x", lang), **_LABEL)
    left.set_ylabel(word("calibration.y", lang), **_LABEL)
    left.legend(loc="upper left", **_LEGEND)
    bins = np.arange(1, len(calibration) + 1)
    right.bar(bins, calibration["observed_rate"], color=PALETTE["accent"], width=0.7)
    overall = calibration["positives"].sum() / calibration["snapshots"].sum()
    right.axhline(overall, label=word("base rate", lang), **_dashed())
    right.set_xticks(bins)
    right.set_xlabel(word("bins.x", lang), **_LABEL)
    right.legend(loc="upper left", **_LEGEND)
    left.xaxis.set_major_formatter(percent_ticks(lang))
    for axes in (left, right):
        axes.yaxis.set_major_formatter(percent_ticks(lang))
        style_axes(axes)
    title_axes(left, word("calibration.title", lang))
    title_axes(right, word("bins.title", lang))
    return figure


def coefficients_chart(coefficients: pd.DataFrame, lang: str = "en") -> Figure:
    """Odds ratio of each model input with its bootstrap interval (log scale); inputs whose
    interval excludes 1 in the accent colour, the others in grey.

    Parameters
    ----------
    coefficients
        From :func:`acctkit.modeling.bootstrap_coefficients`.
    """
    table = coefficients.drop(index="intercept", errors="ignore").iloc[::-1]
    figure = Figure(figsize=(WIDTH, 0.45 * len(table) + 1.2), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    y = np.arange(len(table))
    clear = (table["ci_low"] > 1) | (table["ci_high"] < 1)
    colours = np.where(clear, PALETTE["accent"], PALETTE["grey"])
    axes.hlines(y, table["ci_low"], table["ci_high"], colors=colours, linewidth=2.2)
    axes.scatter(table["odds_ratio"], y, c=list(colours), s=36, zorder=3)
    for position, row in zip(y, table.itertuples(), strict=True):
        axes.text(
            row.ci_high * 1.04,
            position,
            number(row.odds_ratio, lang, 2),
            va="center",
            fontsize=8,
            color=PALETTE["text"],
        )
    axes.axvline(1.0, **_dashed())
    axes.set_xscale("log")
    low = min(table["ci_low"].min(), table["odds_ratio"].min(), 1.0)
    high = max(table["ci_high"].max(), table["odds_ratio"].max(), 1.0)
    ticks = [t for t in _RATIO_TICKS if low / 1.3 <= t <= high * 1.3]
    axes.set_xticks(ticks, [number(t, lang, 2 if t < 1 else 1) for t in ticks])
    axes.xaxis.set_minor_formatter(NullFormatter())
    axes.set_yticks(y, [feature_label(name, lang) for name in table.index])
    axes.set_xlabel(word("coefficients.x", lang), **_LABEL)
    style_axes(axes)
    level = number(100 * coefficients.attrs.get("level", 0.95), lang)
    title_axes(axes, word("coefficients.title", lang).format(level=level))
    return figure


def precision_at_k_chart(table: pd.DataFrame, lang: str = "en") -> Figure:
    """Precision (left) and recall (right) of calling the top k accounts each month, per
    scorer, against calling at random.

    Parameters
    ----------
    table
        From :func:`acctkit.modeling.precision_at_k` over a range of ``ks``.
    """
    figure = Figure(figsize=(WIDTH, 3.4), dpi=DPI, layout="constrained")
    left, right = figure.subplots(1, 2, sharex=True)
    names = list(dict.fromkeys(table["scorer"]))
    colours = dict(zip([n for n in names if n != RANDOM], COLOURS, strict=False))
    for name in names:
        rows = table[table["scorer"] == name]
        style = _dashed() if name == RANDOM else {"color": colours[name], "linewidth": 1.6}
        for axes, column in ((left, "precision"), (right, "recall")):
            axes.plot(rows["k"], rows[column], label=word(name, lang), **style)
    for axes, key in ((left, "top_k.precision"), (right, "top_k.recall")):
        axes.set_ylim(0, None)
        axes.yaxis.set_major_formatter(percent_ticks(lang))
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlabel(word("top_k.x", lang), **_LABEL)
        axes.set_ylabel(word(key, lang), **_LABEL)
        style_axes(axes)
    right.legend(loc="lower right", **_LEGEND)
    title_axes(left, word("top_k.title", lang))
    return figure


def threshold_chart(
    thresholds: pd.DataFrame, risk_bands: Mapping[str, float] | None = None, lang: str = "en"
) -> Figure:
    """Precision and recall (top) and accounts flagged per month (bottom) by probability
    threshold, with the limits of the medium and high risk bands.

    Parameters
    ----------
    thresholds
        From :func:`acctkit.modeling.threshold_table`.
    risk_bands
        ``{"medium": ..., "high": ...}``: the probabilities to mark
        (:func:`acctkit.model.risk_limits`); none marked without them.
    """
    bands = dict(risk_bands or {})
    figure = Figure(figsize=(WIDTH, 4.0), dpi=DPI, layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    x = thresholds.index.to_numpy(dtype=np.float64)
    top.plot(
        x,
        thresholds["precision"],
        color=PALETTE["accent"],
        marker="o",
        markersize=3,
        label=word("precision", lang),
    )
    top.plot(
        x,
        thresholds["recall"],
        color=PALETTE["green"],
        marker="o",
        markersize=3,
        label=word("recall", lang),
    )
    top.yaxis.set_major_formatter(percent_ticks(lang))
    top.set_ylim(0, 1.02)
    top.set_ylabel(word("threshold.rate", lang), **_LABEL)
    top.legend(loc="center left", **_LEGEND)
    step = float(np.min(np.diff(x))) if len(x) > 1 else 0.05
    bottom.bar(x, thresholds["flagged_per_month"], width=0.7 * step, color=PALETTE["accent_light"])
    bottom.set_ylabel(word("threshold.flagged", lang), **_LABEL)
    bottom.set_xlabel(word("threshold.x", lang), **_LABEL)
    bottom.xaxis.set_major_formatter(number_ticks(lang))
    words = labels(lang).risk_bands
    for band in [b for b in ("medium", "high") if b in bands]:
        _mark(top, bottom, bands[band], f" {words[band]}", RISK_COLOURS[band], 1.2)
    for axes in (top, bottom):
        style_axes(axes)
    title_axes(top, word("threshold.title", lang), pad=14)
    return figure


def threshold_sweep_chart(table: pd.DataFrame, lang: str = "en") -> Figure:
    """An alert rule back-tested at each threshold: lift over the base rate with its 90 %
    interval (top; the dashed line at 1 is no better than chance) and alerts raised in an
    average month (bottom), the configured threshold marked.

    Parameters
    ----------
    table
        From :func:`acctkit.modeling.threshold_sweep`.
    """
    words = labels(lang)
    rule, kpi = table.attrs["rule"], table.attrs["kpi"]
    figure = Figure(figsize=(WIDTH, 4.0), dpi=DPI, layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    x = table.index.to_numpy(dtype=np.float64)
    low = table["lift_low"].to_numpy(dtype=np.float64)
    high = table["lift_high"].to_numpy(dtype=np.float64)
    band = {"color": PALETTE["accent_light"], "linewidth": 0}
    top.fill_between(x, low, high, label=word("sweep.interval", lang), **band)
    # a threshold whose neighbours raised no alert has no band: its interval as a bar
    known = ~np.isnan(low)
    alone = known & ~np.r_[False, known[:-1]] & ~np.r_[known[1:], False]
    top.vlines(x[alone], low[alone], high[alone], **{**band, "linewidth": 3})
    top.plot(
        x,
        table["lift"].to_numpy(dtype=np.float64),
        color=PALETTE["accent"],
        marker="o",
        markersize=3.5,
        linewidth=1.6,
        label=word("sweep.lift", lang),
    )
    top.axhline(1.0, label=word("sweep.chance", lang), **_dashed())
    top.set_ylim(0, None)
    top.yaxis.set_major_formatter(number_ticks(lang))
    top.set_ylabel(word("sweep.y", lang), **_LABEL)
    width = 0.6 * np.diff(x).min() if len(x) > 1 else 0.6
    bottom.bar(x, table["alerts_per_month"], width=width, color=PALETTE["accent_light"])
    bottom.set_ylabel(word("sweep.per_month", lang), **_LABEL)
    operator = _OPERATORS.get(table.attrs["operator"], table.attrs["operator"])
    shown = word("sweep.x", lang).format(kpi=words.get(kpi) or kpi, operator=operator)
    bottom.set_xlabel(shown, **_LABEL)
    bottom.xaxis.set_major_formatter(number_ticks(lang))
    configured = table.attrs.get("configured")
    if configured is not None and not np.isnan(configured):
        text = " " + word("sweep.configured", lang).format(value=number_ticks(lang)(configured))
        _mark(top, bottom, configured, text, PALETTE["amber"], 1.4)
    for axes in (top, bottom):
        style_axes(axes)
    figure.legend(*top.get_legend_handles_labels(), loc="outside lower center", ncols=3, **_LEGEND)
    title_axes(top, word("sweep.title", lang).format(rule=words.alerts[rule]), pad=14)
    return figure


def _is_count(values: np.ndarray) -> bool:
    known = values[~np.isnan(values)]
    return bool(len(known)) and np.array_equal(known, np.round(known)) and known.min() >= 0


def _count_bars(axes, values: np.ndarray, groups, lang: str) -> None:
    """Side-by-side bars of the share of each count (the last bar gathers the largest)."""
    known = ~np.isnan(values)
    top = int(min(np.percentile(values[known], 99.5), 10))
    top = max(top, 1)
    clipped = np.minimum(values, top)
    positions = np.arange(top + 1)
    for offset, (mask, colour, key) in zip((-0.2, 0.2), groups, strict=True):
        kept = clipped[mask & known]
        shares = np.bincount(kept.astype(int), minlength=top + 1) / max(len(kept), 1)
        axes.bar(positions + offset, shares, width=0.4, color=colour, label=word(key, lang))
    names = [number(p, lang) for p in positions]
    names[-1] = f"{names[-1]}+" if (values[known] > top).any() else names[-1]
    axes.set_xticks(positions, names)
    axes.set_yscale("log")
    axes.set_ylim(1e-3, 1.5)


def _histograms(axes, values: np.ndarray, groups, lang: str) -> None:
    known = values[~np.isnan(values)]
    low, high = np.percentile(known, [1, 99]) if len(known) else (0.0, 1.0)
    edges = np.linspace(low, high, 17) if high > low else np.array([low - 0.5, high + 0.5])
    clipped = np.clip(values, edges[0], edges[-1])
    axes.xaxis.set_major_formatter(number_ticks(lang))
    for mask, colour, key in groups:
        kept = clipped[mask & ~np.isnan(clipped)]
        weights = np.full(len(kept), 1 / max(len(kept), 1))
        axes.hist(
            kept,
            bins=edges,
            weights=weights,
            histtype="step",
            linewidth=1.6,
            color=colour,
            label=word(key, lang),
        )


def _mark(top, bottom, x: float, text: str, colour: str, width: float) -> None:
    """A vertical line at ``x`` across both panels, named in bold above the top one."""
    for axes in (top, bottom):
        axes.axvline(x, color=colour, linewidth=width)
    top.text(
        x,
        1.0,
        text,
        color=colour,
        fontsize=8,
        va="bottom",
        fontweight="bold",
        transform=top.get_xaxis_transform(),
    )


def _dashed() -> dict:
    return {"color": PALETTE["muted"], "linestyle": "--", "linewidth": 1.0}
