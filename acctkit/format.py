"""How values look to people, in their language: numbers, percentages, dates, months.

Numbers get thousands separators (``1,234.5`` in English, ``1 234,5`` in French, with a
no-break space), percentages a no-break space before ``%``, dates a translated month
(``31 Oct 2026``, ``31 oct. 2026``). Missing values read ``n/a`` / ``n.d.``. The marks,
units and month names are the language catalogue's (``[numbers]``, ``[months]``). The review
sections, the charts and the notebook tables format every number they show with these
functions. Plain text in, plain text out: no matplotlib, no HTML, no report imports.
"""

from __future__ import annotations

import math
import numbers

import pandas as pd

from acctkit.i18n import labels

NBSP = "\u00a0"
_COMPACT_UNITS = ((1e9, "billion"), (1e6, "million"), (1e3, "thousand"))


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
    marks = labels(lang).numbers
    text = f"{value:,.{decimals}f}"
    return text.translate({ord(","): marks["thousands_separator"], ord("."): marks["decimal_mark"]})


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
    marks = labels(lang).numbers
    for scale, unit in _COMPACT_UNITS:
        if size >= scale:
            short = number(value / scale, lang, 1 if size < 10 * scale else 0)
            return f"{short}{marks['unit_space']}{marks[unit]}"
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
