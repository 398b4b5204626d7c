"""As-of dates, month-ends, and the event index behind every "dated on or before D" count.

Dates are handled as whole day numbers (days since 1970-01-01, ``float`` with NaN for a
missing date) so that every as-of rule is a comparison of numbers. A table's rows are sorted
once by (group, day) in an :class:`EventIndex`; how many rows of a group are dated on or
before any number of as-of days is then one ``searchsorted`` over all (group, day) pairs,
and a window (lo, hi] is the difference of two such positions. This is what lets
``kpis_at`` evaluate many dates for the price of one sort per table.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from acctkit.errors import ConfigError

_DAY_OFFSET = 1 << 21
_GROUP_STRIDE = 1 << 22
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def as_of_date(value: object) -> pd.Timestamp:
    """The review date as a midnight Timestamp.

    Parameters
    ----------
    value
        A ``datetime.date`` / ``datetime.datetime``, a ``YYYY-MM-DD`` string, a
        ``pd.Timestamp`` or a ``numpy.datetime64``. A time of day is dropped.

    Raises
    ------
    ConfigError
        When ``value`` is not a date.

    Examples
    --------
    >>> as_of_date("2026-06-30")
    Timestamp('2026-06-30 00:00:00')
    """
    if isinstance(value, str):
        text = value.strip()
        if not _ISO_DATE.match(text):
            raise ConfigError(f"as_of: expected a date as YYYY-MM-DD, got {value!r}")
        try:
            return pd.Timestamp(dt.date.fromisoformat(text))
        except ValueError:
            raise ConfigError(f"as_of: {value!r} is not a valid date") from None
    if isinstance(value, (dt.date, np.datetime64, pd.Timestamp)):
        stamp = pd.Timestamp(value)
        if pd.isna(stamp):
            raise ConfigError("as_of: the date is missing (NaT)")
        if stamp.tzinfo is not None:
            stamp = stamp.tz_localize(None)
        return stamp.normalize()
    raise ConfigError(
        f"as_of: expected a date, a YYYY-MM-DD string or a Timestamp, got {type(value).__name__}"
    )


def as_of_dates(values: object) -> pd.DatetimeIndex:
    """Review dates, parsed as in :func:`as_of_date`, sorted and without duplicates."""
    if isinstance(values, (str, dt.date, np.datetime64, pd.Timestamp)):
        values = [values]
    stamps = [as_of_date(v) for v in values]
    if not stamps:
        raise ConfigError("as_of: at least one date is needed")
    return pd.DatetimeIndex(sorted(set(stamps)), name="as_of")


def month_ends(as_of: object, months: int) -> pd.DatetimeIndex:
    """The last ``months`` month-ends on or before ``as_of``, oldest first.

    Examples
    --------
    >>> list(month_ends("2026-06-15", 3).strftime("%Y-%m-%d"))
    ['2026-03-31', '2026-04-30', '2026-05-31']
    """
    if isinstance(months, bool) or not isinstance(months, (int, np.integer)) or months < 1:
        raise ConfigError(f"months: expected a whole number >= 1, got {months!r}")
    last = as_of_date(as_of)
    if last != last + pd.offsets.MonthEnd(0):
        last = last - pd.offsets.MonthEnd(1)
    ends = pd.date_range(end=last, periods=int(months), freq="ME")
    return pd.DatetimeIndex(ends, name="as_of")


def day_numbers(values: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Days since 1970-01-01 as floats; NaN for a missing date. Any time of day is dropped."""
    days = np.asarray(values, dtype="datetime64[ns]").astype("datetime64[D]")
    out = days.astype(np.int64).astype(np.float64)
    out[np.isnat(days)] = np.nan
    return out


def ratio(numerator: np.ndarray, denominator: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """``scale * numerator / denominator``; NaN where the denominator is 0 or NaN."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = scale * numerator / denominator
    return np.where(denominator == 0, np.nan, out)


class EventIndex:
    """Rows of one table sorted by (group, day), to count and sum them up to any day.

    Parameters
    ----------
    groups
        Integer group of each row (an account code, a contact position...); rows with a
        negative group are left out.
    days
        Day number of each row (see :func:`day_numbers`); rows without a day are left out.
    n_groups
        Number of groups; every query answers for groups ``0 .. n_groups - 1``.

    Notes
    -----
    Rows of a group dated the same day keep their table order, so "the latest row on or
    before D" is the last such row in the table.
    """

    def __init__(self, groups: np.ndarray, days: np.ndarray, n_groups: int):
        groups = np.asarray(groups, dtype=np.int64)
        days = np.asarray(days, dtype=np.float64)
        kept = np.flatnonzero((groups >= 0) & ~np.isnan(days))
        keys = groups[kept] * _GROUP_STRIDE + (days[kept].astype(np.int64) + _DAY_OFFSET)
        order = np.argsort(keys, kind="stable")
        self.n_groups = n_groups
        self.rows = kept[order]
        self.keys = keys[order]
        self.sorted_days = days[self.rows]
        self.starts = np.searchsorted(self.keys, np.arange(n_groups + 1) * _GROUP_STRIDE)

    def __len__(self) -> int:
        return len(self.rows)

    def positions(self, days: np.ndarray) -> np.ndarray:
        """For each (group, day): the position after the group's last row dated <= day.

        ``days`` has one entry per as-of date; the result has shape (n_groups, n_dates).
        """
        days = np.asarray(days, dtype=np.float64)
        offsets = np.clip(days.astype(np.int64) + _DAY_OFFSET, 0, _GROUP_STRIDE - 1)
        queries = np.arange(self.n_groups, dtype=np.int64)[:, None] * _GROUP_STRIDE + offsets
        return np.searchsorted(self.keys, queries.ravel(), side="right").reshape(queries.shape)

    def count_upto(self, days: np.ndarray) -> np.ndarray:
        """Rows dated <= each day, per group: shape (n_groups, n_dates)."""
        return self.positions(days) - self.starts[:-1, None]

    def totals(self) -> np.ndarray:
        """Rows per group, whatever their date."""
        return np.diff(self.starts)

    def cumulative(self, weights: np.ndarray) -> np.ndarray:
        """Running sum of ``weights`` (one per table row) in sorted order, with a leading 0.

        Integer weights keep exact sums; the difference of two entries is the sum over the
        rows between two positions.
        """
        weights = np.asarray(weights)[self.rows]
        return np.concatenate([np.zeros(1, dtype=weights.dtype), np.cumsum(weights)])

    def latest(self, values: np.ndarray, days: np.ndarray) -> np.ndarray:
        """``values`` (one per table row) of each group's latest row dated <= day; else NaN."""
        positions = self.positions(days)
        found = positions > self.starts[:-1, None]
        if not len(self.rows):
            return np.full(positions.shape, np.nan)
        sorted_values = np.asarray(values, dtype=np.float64)[self.rows]
        picked = sorted_values[np.maximum(positions - 1, 0)]
        return np.where(found, picked, np.nan)

    def latest_day(self, days: np.ndarray) -> np.ndarray:
        """Day of each group's latest row dated <= day; NaN when it has none."""
        positions = self.positions(days)
        found = positions > self.starts[:-1, None]
        if not len(self.rows):
            return np.full(positions.shape, np.nan)
        picked = self.sorted_days[np.maximum(positions - 1, 0)]
        return np.where(found, picked, np.nan)


def window_median(sorted_values: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Median of ``sorted_values[lo:hi]`` for every (lo, hi) pair; NaN for an empty slice.

    ``sorted_values`` are in an :class:`EventIndex`'s order and ``lo``, ``hi`` come from its
    :meth:`EventIndex.positions`. All slices are gathered into one array and sorted once.
    """
    shape = lo.shape
    lo = lo.ravel()
    lengths = (hi.ravel() - lo).astype(np.int64)
    out = np.full(lengths.shape, np.nan)
    total = int(lengths.sum())
    if total == 0:
        return out.reshape(shape)
    slice_of = np.repeat(np.arange(len(lengths)), lengths)
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    picked = np.arange(total) - first[slice_of] + lo[slice_of]
    values = sorted_values[picked]
    values = values[np.lexsort((values, slice_of))]
    filled = lengths > 0
    low = first[filled] + (lengths[filled] - 1) // 2
    high = first[filled] + lengths[filled] // 2
    out[filled] = (values[low] + values[high]) / 2
    return out.reshape(shape)
