"""Column builders: ids, labels from codes, rows by position, dates and grouped picks.

Codes are integers into a tuple of options; a negative code or position is a blank
(``<NA>`` for strings, ``NaT`` for dates), so every table is built from numpy arrays.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.datasets.latent import _within


def _ids(prefix: str, n: int, width: int) -> pd.Series:
    digits = pd.Series(np.arange(1, n + 1)).astype("str").str.zfill(max(width, len(str(n))))
    return prefix + digits


def _account_ids(n: int) -> pd.Series:
    """``A0001``-style ids; every 25th account has a bare zero-padded number (``0007``)."""
    ids = _ids("A", n, 4)
    bare = (np.arange(1, n + 1) % 25) == 7
    return ids.where(~bare, ids.str.slice(1))


def _labels(options, codes: np.ndarray) -> pd.Series:
    """Strings from codes into `options`; a negative code is a blank."""
    values = pd.array(list(options), dtype="str")
    return pd.Series(values.take(codes, allow_fill=True))


def _take(values: pd.Series, index: np.ndarray) -> pd.Series:
    """Rows of `values` by position; a negative position is a blank."""
    return pd.Series(values.array.take(index, allow_fill=True))


def _dates(days: np.ndarray, blank: np.ndarray | None = None) -> pd.Series:
    dates = days.astype("datetime64[D]").astype("datetime64[ns]")
    if blank is not None:
        dates[blank] = np.datetime64("NaT")
    return pd.Series(dates)


def _grouped_pick(rng: np.random.Generator, groups, group: np.ndarray) -> pd.Series:
    """One uniform pick per row from the option list of that row's group."""
    options, first, count = _flatten(groups)
    return _labels(options, _within(rng, first[group], count[group]))


def _flatten(groups) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every option of every group in one list, with each group's first position and size."""
    count = np.array([len(options) for options in groups])
    return [option for options in groups for option in options], np.cumsum(count) - count, count
