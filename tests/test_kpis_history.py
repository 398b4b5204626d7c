"""Month-ends, kpis_at and kpi_history: the many-date path equals compute_kpis date by date."""

from __future__ import annotations

import pandas as pd
import pytest

from acctkit.data import from_frames
from acctkit.datasets import generate_tables
from acctkit.errors import ConfigError
from acctkit.kpis import KPI_COLUMNS, compute_kpis, kpi_history, kpis_at
from acctkit.kpis.windows import month_ends


def dates(index: pd.DatetimeIndex) -> list[str]:
    return list(index.strftime("%Y-%m-%d"))


def test_month_ends():
    assert dates(month_ends("2026-06-15", 3)) == ["2026-03-31", "2026-04-30", "2026-05-31"]
    assert dates(month_ends("2026-06-30", 2)) == ["2026-05-31", "2026-06-30"]
    assert dates(month_ends("2026-03-01", 2)) == ["2026-01-31", "2026-02-28"]
    assert dates(month_ends("2024-02-29", 1)) == ["2024-02-29"]


@pytest.mark.parametrize("months", [0, -1, 1.5, "3", True])
def test_month_ends_needs_a_positive_count(months):
    with pytest.raises(ConfigError, match="months"):
        month_ends("2026-06-30", months)


@pytest.fixture(scope="module")
def generated():
    return from_frames(generate_tables(n_accounts=10, months=20, end="2026-06-30", seed=11))


def test_history_equals_compute_kpis_at_every_month_end(generated):
    history = kpi_history(generated, "2026-06-30", months=6)
    assert len(history) == 10 * 6
    assert list(history.columns) == ["account_id", "as_of", *KPI_COLUMNS]
    assert dates(pd.DatetimeIndex(history["as_of"].unique())) == dates(month_ends("2026-06-30", 6))
    for date, block in history.groupby("as_of"):
        expected = compute_kpis(generated, date)
        got = block.drop(columns=["account_id", "as_of"]).set_axis(expected.index)
        pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12)


def test_history_rows_are_account_major(generated):
    history = kpi_history(generated, "2026-06-30", months=3)
    accounts = list(generated.accounts["account_id"].astype(str))
    assert list(history["account_id"].astype(str)) == [a for a in accounts for _ in range(3)]
    assert list(history["account_id"].cat.categories) == accounts


def test_kpis_at_sorts_and_deduplicates_dates(generated):
    tidy = kpis_at(generated, ["2026-06-30", "2026-01-15", "2026-06-30"])
    assert dates(pd.DatetimeIndex(tidy["as_of"].unique())) == ["2026-01-15", "2026-06-30"]
    assert len(tidy) == 20


def test_kpis_at_arbitrary_dates_match(generated):
    tidy = kpis_at(generated, ["2025-12-03", "2026-02-14"])
    block = tidy[tidy["as_of"] == pd.Timestamp("2025-12-03")]
    expected = compute_kpis(generated, "2025-12-03")
    pd.testing.assert_frame_equal(
        block.drop(columns=["account_id", "as_of"]).set_axis(expected.index),
        expected,
        check_exact=False,
        rtol=1e-12,
    )


def test_model_features_subset(generated):
    features = [
        "interactions",
        "interactions_prev",
        "irritants",
        "open_critical_tickets",
        "nps_mean_score",
        "nps_mean_score_prev",
    ]
    tidy = kpis_at(generated, month_ends("2026-06-30", 12), columns=features)
    full = kpi_history(generated, "2026-06-30", months=12)
    pd.testing.assert_frame_equal(tidy, full[["account_id", "as_of", *features]])


def test_history_before_any_data(generated):
    history = kpi_history(generated, "2020-01-31", months=2)
    assert (history["interactions"] == 0).all()
    assert history["nps"].isna().all()


def test_no_dates():
    with pytest.raises(ConfigError, match="at least one date"):
        kpis_at(from_frames({"accounts": pd.DataFrame({"account_id": ["A"], "name": ["a"]})}), [])
