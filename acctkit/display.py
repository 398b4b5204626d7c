"""How values look to people, in English or French, and how a notebook shows a block or chart.

Numbers get thousands separators (``1,234.5`` in English, ``1 234,5`` in French, with a
no-break space), percentages a no-break space before ``%``, dates a translated month
(``31 Oct 2026``, ``31 oct. 2026``). Missing values read ``n/a`` / ``n.d.``. The review
sections and the charts format every number they show with these functions.

:class:`Html` is a block of HTML that shows itself in a notebook; :func:`show` displays a
chart as an embedded PNG with a text alternative. In JupyterLab, :func:`style_kpis` and
:func:`style_alerts` show the KPI and alert tables as people read them, and
:func:`model_html` shows an early-warning model; :func:`number_ticks` and
:func:`percent_ticks` format chart axes in the language.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from acctkit.i18n import labels

NBSP = "\u00a0"
_COMPACT_UNITS = ((1e9, {"en": "B", "fr": "Md"}), (1e6, {"en": "M", "fr": "M"}))


def is_missing(value) -> bool:
    """True for None, NaN and ``pd.NA`` (and anything pandas reads as missing)."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value, lang: str = "en", decimals: int = 0) -> str:
    """A number with thousands separators in the language's style.

    Examples
    --------
    >>> number(1234567.891, "en", 1), number(1234567.891, "fr", 1)
    ('1,234,567.9', '1\\xa0234\\xa0567,9')
    >>> number(float("nan"), "fr")
    'n.d.'
    """
    if is_missing(value):
        return labels(lang).words["missing"]
    value = float(value)
    if round(value, decimals) == 0:
        value = 0.0  # no "-0"
    text = f"{value:,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", NBSP).replace(".", ",")
    return text


def percent(value, lang: str = "en", decimals: int = 0) -> str:
    """A value already in percent (0..100): ``47.7 %`` / ``47,7 %``."""
    if is_missing(value):
        return labels(lang).words["missing"]
    return f"{number(value, lang, decimals)}{NBSP}%"


def signed(value, lang: str = "en", decimals: int = 0) -> str:
    """A change with its sign: ``+1,250``, ``-3.5``, ``0``."""
    if is_missing(value):
        return labels(lang).words["missing"]
    text = number(value, lang, decimals)
    return f"+{text}" if round(float(value), decimals) > 0 else text


def compact(value, lang: str = "en") -> str:
    """A short amount for chart axes and bar labels: ``1.2M``, ``850k`` / ``1,2 M``, ``850 k``.

    Examples
    --------
    >>> compact(1_250_000), compact(85_000, "fr"), compact(950)
    ('1.2M', '85\\xa0k', '950')
    """
    if is_missing(value):
        return labels(lang).words["missing"]
    size = abs(float(value))
    space = NBSP if lang == "fr" else ""
    for scale, units in _COMPACT_UNITS:
        if size >= scale:
            return (
                f"{number(value / scale, lang, 1 if size < 10 * scale else 0)}{space}{units[lang]}"
            )
    if size >= 1e3:
        return f"{number(value / 1e3, lang, 1 if size < 1e4 else 0)}{space}k"
    return number(value, lang, 0 if size >= 10 or float(value).is_integer() else 1)


def date(value, lang: str = "en") -> str:
    """A day: ``31 Oct 2026`` / ``31 oct. 2026``."""
    if is_missing(value):
        return labels(lang).words["missing"]
    stamp = pd.Timestamp(value)
    return f"{stamp.day} {labels(lang).months[str(stamp.month)]} {stamp.year}"


def month(value, lang: str = "en") -> str:
    """A month's short name for chart ticks: ``Oct`` / ``oct.``."""
    return labels(lang).months[str(pd.Timestamp(value).month)]


def fill(template: str, lang: str = "en", **values) -> str:
    """``template`` with ``{name}`` replaced by each value; numbers are formatted for
    ``lang`` (whole numbers as such, others with one decimal)."""
    formatted = {}
    for name, value in values.items():
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            whole = not math.isnan(value) and float(value).is_integer()
            formatted[name] = number(value, lang, 0 if whole else 1)
        else:
            formatted[name] = value
    return template.format(**formatted)


class Html(str):
    """A block of HTML built by :mod:`acctkit.review.sections`, shown as HTML in a notebook.

    It is a plain ``str`` for everything else (tests, files). An empty block shows nothing.
    """

    def _repr_html_(self) -> str | None:
        return str(self) or None

    def _ipython_display_(self) -> None:
        if self:
            from IPython.display import HTML, display

            display(HTML(str(self)))


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
        ``"en"`` or ``"fr"``.
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
    from acctkit.review.cells import kpi_value

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


def model_html(model) -> str:
    """An :class:`acctkit.EarlyWarningModel` as HTML: its settings, the hold-out metrics
    against the baselines, the coefficients with odds ratios, and any warning.

    What ``EarlyWarningModel._repr_html_`` shows in a notebook; an unfitted model shows
    its parameters only.
    """
    import html

    from acctkit.plots import PALETTE

    title = f"<strong>{html.escape(repr(model))}</strong>"
    if not hasattr(model, "pipeline_"):
        return f"<div>{title}<p>Not fitted yet: call <code>.fit(portfolio, as_of)</code>.</p></div>"
    facts = (
        f"As of {model.as_of_.date()}, horizon {model.horizon_days} days, "
        f"{model.n_snapshots_:,} snapshots; hold-out from {model.holdout_start_.date()} "
        "(latest 25 % of snapshot dates)."
    )
    metrics = model.metrics_.to_html(float_format=lambda v: f"{v:.3f}", escape=True)
    coefficients = model.coefficients_.to_html(float_format=lambda v: f"{v:.3f}", escape=True)
    warnings = "".join(
        f"<li style='color:{PALETTE['red']}'>{html.escape(w)}</li>"
        for w in getattr(model, "warnings_", [])
    )
    return (
        f"<div>{title}<p>{html.escape(facts)}</p>"
        f"<p><em>Hold-out evaluation</em></p>{metrics}"
        f"<p><em>Coefficients (per standard deviation)</em></p>{coefficients}"
        f"{f'<ul>{warnings}</ul>' if warnings else ''}</div>"
    )


def _alert_numbers(codes: pd.Series, values: pd.Series, lang: str) -> np.ndarray:
    """Each alert's value (or threshold) in the unit of its rule."""
    from acctkit.review.cells import alert_number

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
    from acctkit.plots import BAND_COLOURS

    if band not in BAND_COLOURS:
        return ""
    colour = BAND_COLOURS[band].lstrip("#")
    red, green, blue = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return f"background-color: rgba({red}, {green}, {blue}, {_TINT})"
