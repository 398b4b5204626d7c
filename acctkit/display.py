"""What a notebook shows: charts as PNG, the KPI and alert tables as people read them.

:func:`show` displays a chart of :mod:`acctkit.plots` as an embedded PNG with a text
alternative. In JupyterLab, :func:`style_kpis` and :func:`style_alerts` show the KPI and
alert tables with labels in the language, values formatted as in the reports and band
colours. Numbers are formatted by :mod:`acctkit.format`, colours come from
:mod:`acctkit.theme`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.format import date, is_missing
from acctkit.i18n import labels
from acctkit.theme import BAND_COLOURS


def show(figure, alt: str | None = None) -> None:
    """Display a chart in the notebook as a PNG (about 100 dpi) with a text alternative.

    The figures of :mod:`acctkit.plots` are not registered with pyplot: once shown there is
    nothing to close, and the inline backend never shows them a second time.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        From :mod:`acctkit.plots`. A figure without axes (nothing to draw) shows nothing.
    alt : str, optional
        The text alternative; by default the chart's title.
    """
    if not figure.axes:
        return
    from IPython.display import Image, display

    from acctkit.plots import figure_png, figure_title

    metadata = {"alt": alt or figure_title(figure)}
    display(Image(data=figure_png(figure), format="png", metadata=metadata))


# -- rich display in JupyterLab -----------------------------------------------------------

_TINT = 0.16
_SEVERITY_COLOURS = {"high": "red", "medium": "amber"}


def style_kpis(kpis: pd.DataFrame, lang: str = "en", columns=None, config=None):
    """The KPI table as people read it in a notebook: a pandas ``Styler``.

    Headers are the KPI labels in ``lang``; values are formatted as in the review reports
    (``47.7 %``, ``1,250,000``, ``3.3 / 5``, ``n/a``); each score cell is tinted with its
    band's colour (green / amber / red), band and recommendation cells name their band or
    segment in ``lang``. The data behind the Styler is the frame itself (``.data``).

    Parameters
    ----------
    kpis : DataFrame
        From :func:`acctkit.compute_kpis` (or a slice of it, or ``kpi_history``).
    lang : str
        ``"en"``, ``"fr"`` or another language of :func:`acctkit.i18n.languages`.
    columns : list of str, optional
        The columns to show, in that order (default: all of them).
    config : optional
        The configuration whose ``[bands]`` colour the scores (default: the catalogue's).

    Examples
    --------
    >>> acctkit.style_kpis(kpis[["potential_score", "segment", "health_score"]], lang="fr")
    ... # doctest: +SKIP
    """
    from acctkit.config import load_config
    from acctkit.kpis.columns import KPI_COLUMNS
    from acctkit.report.cells import kpi_value

    words = labels(lang)
    frame = kpis if columns is None else kpis[list(columns)]
    bands = load_config(config).bands
    formats = {}
    for column in frame.columns:
        if column == "segment":
            formats[column] = lambda v: _named(v, words.segments, lang)
        elif str(column).endswith("_band"):
            formats[column] = lambda v: _named(v, words.bands, lang)
        elif column in KPI_COLUMNS:
            formats[column] = lambda v, c=column: kpi_value(c, v, lang)
    styler = frame.style.format(formats, na_rep=words.words["missing"])
    styler = styler.format_index(lambda c: words.get(str(c), str(c)), axis=1)
    styler = styler.apply(lambda data: _band_css(data, bands), axis=None)
    if frame.index.name:
        styler = styler.format_index_names(lambda name: words.get(str(name), str(name)))
    return styler


def style_alerts(alerts: pd.DataFrame, lang: str = "en"):
    """The alerts of :func:`acctkit.compute_alerts` as a readable table: the rule's name, a
    coloured severity, value and threshold in the rule's unit, the message.

    Returns
    -------
    pandas.io.formats.style.Styler
        Built on a display copy whose headers are in ``lang`` (the numbers are formatted
        text there: keep the alerts frame itself for computing).
    """
    words = labels(lang)
    codes = alerts["code"].astype("object")
    shown = pd.DataFrame(
        {
            words["account_id"]: alerts["account_id"].astype("object").to_numpy(),
            words["severity"]: alerts["severity"].astype("object").map(words.severities),
            words["code"]: codes.map(words.alerts),
            words["value"]: _alert_numbers(codes, alerts["value"], lang),
            words["threshold"]: _alert_numbers(codes, alerts["threshold"], lang),
            words["message"]: alerts["message"].to_numpy(),
        }
    )
    if "as_of" in alerts:
        shown.insert(1, words["as_of"], alerts["as_of"].map(lambda v: date(v, lang)).to_numpy())
    severity = alerts["severity"].astype("object").to_numpy()
    css = [_tint_css(_SEVERITY_COLOURS.get(s)) for s in severity]
    styler = shown.style.hide(axis="index")
    return styler.apply(lambda _: css, subset=[words["severity"]], axis=0)


def _alert_numbers(codes: pd.Series, values: pd.Series, lang: str) -> np.ndarray:
    """Each alert's value (or threshold) in the unit of its rule."""
    from acctkit.report.cells import alert_number

    texts = pd.Series("", index=values.index, dtype="object")
    for code in codes.unique():
        rows = (codes == code).to_numpy()
        texts[rows] = values[rows].map(lambda v, c=code: alert_number(c, v, lang))
    return texts.to_numpy()


def _named(value, names, lang: str) -> str:
    return labels(lang).words["missing"] if is_missing(value) else names.get(str(value), value)


def _band_css(frame: pd.DataFrame, bands) -> pd.DataFrame:
    """Background tints: each score by its band, each band column by itself."""
    css = pd.DataFrame("", index=frame.index, columns=frame.columns)
    for column in frame.columns:
        name = str(column)
        if name.endswith("_score") and pd.api.types.is_numeric_dtype(frame[column]):
            score = frame[column].astype("float64").to_numpy()
            band = np.select(
                [score >= bands["green"], score >= bands["amber"], ~np.isnan(score)],
                ["green", "amber", "red"],
                "",
            )
        elif name.endswith("_band"):
            band = frame[column].astype("object").fillna("").to_numpy()
        else:
            continue
        css[column] = [_tint_css(b or None) for b in band]
    return css


def _tint_css(band: str | None) -> str:
    """A light background in a band's colour (``green``, ``amber``, ``red``), or nothing."""
    if band not in BAND_COLOURS:
        return ""
    colour = BAND_COLOURS[band].lstrip("#")
    red, green, blue = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return f"background-color: rgba({red}, {green}, {blue}, {_TINT})"
