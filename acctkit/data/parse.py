"""Turning raw cells into typed columns, one column kind at a time.

Each parser takes a raw Series (text from CSV, native values from Parquet / Excel) and
returns the typed Series plus a boolean mask of the cells it could not read. Blank cells
are missing values, never errors here (``validate`` decides whether blank is allowed).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "1.0", "oui", "vrai", "t"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "0.0", "non", "faux", "f"})
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_THOUSANDS_COMMA = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_THOUSANDS_DOT = re.compile(r"^[-+]?\d{1,3}(\.\d{3}){2,}(,\d+)?$")
DAYFIRST_FORMATS = ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S")


def text(raw: pd.Series) -> pd.Series:
    """Cells as stripped strings; blank cells become NaN. Integral floats lose their ``.0``."""
    values = raw
    if pd.api.types.is_float_dtype(values) or values.dtype == object:
        values = values.map(_integral_float_to_int, na_action="ignore")
    missing = values.isna()
    out = values.astype(str).where(~missing).str.strip()
    return out.where(out != "")


def _integral_float_to_int(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def is_blank(raw: pd.Series) -> pd.Series:
    """True where a cell is empty or only whitespace."""
    if raw.dtype == object or pd.api.types.is_string_dtype(raw):
        return raw.isna() | (raw.astype(str).str.strip() == "")
    return raw.isna()


def number(raw: pd.Series, decimal: str = ".") -> tuple[pd.Series, pd.Series]:
    """Floats from numbers or text with ``.``/``,`` decimal marks and thousands separators."""
    blank = is_blank(raw)
    if pd.api.types.is_bool_dtype(raw):
        return raw.astype("float64"), pd.Series(False, index=raw.index)
    if pd.api.types.is_numeric_dtype(raw):
        return raw.astype("float64"), pd.Series(False, index=raw.index)
    strings = text(raw)
    fast = pd.to_numeric(strings if decimal == "." else strings.str.replace(",", ".", regex=False),
                         errors="coerce")
    slow = fast.isna() & ~blank
    if slow.any():
        fast.loc[slow] = strings[slow].map(lambda v: _parse_number(v, decimal))
    values = fast.astype("float64")
    bad = values.isna() & ~blank
    bad |= ~np.isfinite(values.fillna(0.0))
    return values.where(~bad), bad


def _parse_number(value: str, decimal: str) -> float:
    cleaned = _SPACES.sub("", value)
    if "," in cleaned and "." in cleaned:
        mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if mark == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(mark, ".")
    elif "," in cleaned:
        if decimal == "." and _THOUSANDS_COMMA.match(cleaned):
            cleaned = cleaned.replace(",", "")
        else:
            cleaned = cleaned.replace(",", ".")
    elif _THOUSANDS_DOT.match(cleaned):
        cleaned = cleaned.replace(".", "")
    try:
        return float(cleaned)
    except ValueError:
        return np.nan


def integer(raw: pd.Series, decimal: str = ".") -> tuple[pd.Series, pd.Series]:
    """Whole numbers (``3`` or ``3.0``) as nullable Int64; ``3.5`` is unreadable."""
    values, bad = number(raw, decimal)
    fractional = values.notna() & (values % 1 != 0)
    bad = bad | fractional
    return values.where(~bad).astype("Int64"), bad


def boolean(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """true/false, yes/no, 1/0, oui/non (any case); blank is False."""
    if pd.api.types.is_bool_dtype(raw) and not raw.isna().any():
        return raw.astype(bool), pd.Series(False, index=raw.index)
    words = text(raw).str.lower()
    truthy = words.isin(TRUE_WORDS)
    falsy = words.isin(FALSE_WORDS) | words.isna()
    return truthy.astype(bool), ~(truthy | falsy)


def date(raw: pd.Series, dayfirst: bool = False) -> tuple[pd.Series, pd.Series]:
    """Calendar dates (time of day dropped). ISO always; DD/MM/YYYY when ``dayfirst``.

    The values keep the resolution pandas parsed them at (so year 2999 does not overflow);
    ``validate`` checks the range, then casts to ``datetime64[ns]``.
    """
    blank = is_blank(raw)
    if pd.api.types.is_datetime64_any_dtype(raw):
        values = raw.dt.tz_localize(None) if getattr(raw.dt, "tz", None) else raw
        return values.dt.normalize(), pd.Series(False, index=raw.index)
    if raw.dtype == object and raw.map(lambda v: hasattr(v, "year"), na_action="ignore").any():
        native = raw.map(lambda v: pd.Timestamp(v) if hasattr(v, "year") else v,
                         na_action="ignore")
    else:
        native = raw
    strings = text(native.map(_timestamp_to_iso, na_action="ignore"))
    values = pd.to_datetime(strings, format="%Y-%m-%d", errors="coerce")
    todo = values.isna() & strings.notna()
    formats = ("ISO8601",) + (DAYFIRST_FORMATS if dayfirst else ())
    for fmt in formats:
        if not todo.any():
            break
        values.loc[todo] = pd.to_datetime(strings[todo], format=fmt, errors="coerce")
        todo = values.isna() & strings.notna()
    return values.dt.normalize(), todo & ~blank


def _timestamp_to_iso(value):
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return value


def enum(raw: pd.Series) -> pd.Series:
    """Enum cells as stripped strings (membership is checked by ``validate``)."""
    return text(raw)
