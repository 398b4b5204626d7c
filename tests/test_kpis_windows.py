"""The machinery under every as-of rule: day numbers, the event index, medians, groups."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from acctkit.errors import ConfigError
from acctkit.kpis.grid import Groups
from acctkit.kpis.windows import (
    EventIndex,
    as_of_date,
    as_of_dates,
    day_numbers,
    ratio,
    window_median,
)


def test_day_numbers():
    days = day_numbers(
        pd.Series(pd.to_datetime(["1970-01-02", None, "2026-06-30 13:00"], format="ISO8601"))
    )
    assert days[0] == 1.0 and math.isnan(days[1])
    assert days[2] == (pd.Timestamp("2026-06-30") - pd.Timestamp("1970-01-01")).days


def test_as_of_date_drops_time_and_timezone():
    assert as_of_date(pd.Timestamp("2026-06-30 23:59", tz="Europe/Paris")) == pd.Timestamp(
        "2026-06-30"
    )
    assert list(as_of_dates("2026-06-30")) == [pd.Timestamp("2026-06-30")]
    with pytest.raises(ConfigError, match="not a valid date"):
        as_of_date("2026-02-30")


def test_ratio_is_nan_on_zero_or_missing_denominators():
    out = ratio(np.array([1.0, 1.0, 2.0]), np.array([0.0, np.nan, 4.0]), 100.0)
    assert math.isnan(out[0]) and math.isnan(out[1]) and out[2] == 50.0


def test_event_index_counts_and_latest():
    # group 0: days 5, 7, 7 ; group 2: day 1 ; a row without group and one without day
    groups = np.array([0, 2, 0, 0, -1, 2])
    days = np.array([7.0, 1.0, 5.0, 7.0, 3.0, np.nan])
    values = np.array([70.0, 10.0, 50.0, 71.0, 0.0, 99.0])
    index = EventIndex(groups, days, n_groups=3)
    assert index.count_upto(np.array([4.0, 7.0])).tolist() == [[0, 3], [0, 0], [1, 1]]
    latest = index.latest(values, np.array([4.0, 6.0, 7.0]))
    assert latest[0, 1:].tolist() == [50.0, 71.0]  # same-day tie: the later table row
    assert math.isnan(latest[0, 0]) and latest[2].tolist() == [10.0, 10.0, 10.0]
    assert np.isnan(latest[1]).all()
    assert index.totals().tolist() == [3, 0, 1]
    running = index.cumulative(np.array([1, 1, 0, 1, 1, 1]))
    now, start = index.positions(np.array([7.0])), index.positions(np.array([5.0]))
    assert (running[now] - running[start]).ravel().tolist() == [2, 0, 0]


def test_empty_event_index():
    index = EventIndex(np.array([], dtype=int), np.array([]), n_groups=2)
    assert index.count_upto(np.array([1.0])).tolist() == [[0], [0]]
    assert np.isnan(index.latest(np.array([]), np.array([1.0]))).all()
    assert np.isnan(index.latest_day(np.array([1.0]))).all()


def test_window_median():
    values = np.array([5.0, 1.0, 3.0, 10.0, 2.0])
    lo = np.array([[0, 1], [4, 3]])
    hi = np.array([[3, 5], [4, 5]])
    out = window_median(values, lo, hi)
    assert out[0, 0] == 3.0  # 5, 1, 3
    assert out[0, 1] == 2.5  # 1, 3, 10, 2
    assert math.isnan(out[1, 0])
    assert out[1, 1] == 6.0  # 10, 2


def test_groups():
    groups = Groups(np.array([2, 0, -1, 2]), 4)
    matrix = np.array([[1.0, np.nan], [2.0, 5.0], [100.0, 100.0], [3.0, 4.0]])
    assert groups.sum(np.nan_to_num(matrix)).tolist() == [[2, 5], [0, 0], [4, 4], [0, 0]]
    maxima = groups.max(matrix)
    assert maxima[0].tolist() == [2.0, 5.0] and maxima[2].tolist() == [3.0, 4.0]
    assert np.isnan(maxima[1]).all()
    assert groups.any(matrix > 2.5).tolist() == [
        [False, True],
        [False, False],
        [True, True],
        [False, False],
    ]
