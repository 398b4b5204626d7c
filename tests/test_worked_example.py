"""The catalogue's worked example: every expected KPI on 2026-06-30, reproduced exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from acctkit.data import load_portfolio
from acctkit.kpis import CATALOGUE_COLUMNS, compute_alerts, compute_kpis, kpi_history

EXAMPLE = Path(__file__).parent / "fixtures" / "worked-example"
if not EXAMPLE.exists():  # the spec's copy, until the fixture is committed
    EXAMPLE = Path("/work/shared/spec/worked-example")


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    """The v1 columns (``expected_kpis``, unchanged by J8) and the v1.1 meeting and
    enthusiasm columns (``expected_engagement``), side by side."""
    v1, v1_1 = (
        pd.read_csv(EXAMPLE / name, dtype={"account_id": str}).set_index("account_id")
        for name in ("expected_kpis_2026-06-30.csv", "expected_engagement_2026-06-30.csv")
    )
    assert not set(v1.columns) & set(v1_1.columns)
    return v1.join(v1_1)


@pytest.fixture(scope="module")
def portfolio():
    return load_portfolio(EXAMPLE)


@pytest.fixture(scope="module")
def kpis(portfolio) -> pd.DataFrame:
    return compute_kpis(portfolio, "2026-06-30")


def test_expected_file_lists_every_catalogue_column(expected):
    assert set(expected.columns) == set(CATALOGUE_COLUMNS)


def test_same_accounts_in_the_same_order(kpis, expected):
    assert list(kpis.index) == list(expected.index)


@pytest.mark.parametrize("column", sorted(CATALOGUE_COLUMNS))
def test_every_column_matches(kpis, expected, column):
    got, want = kpis[column], expected[column]
    if column == "segment":
        assert got.astype(str).tolist() == want.tolist()
    elif column == "has_sponsor":
        assert got.astype(bool).tolist() == want.astype(bool).tolist()
    else:
        np.testing.assert_allclose(
            got.astype("Float64").to_numpy(dtype=float, na_value=np.nan),
            want.to_numpy(dtype=float),
            rtol=1e-9,
            atol=1e-9,
            equal_nan=True,
            err_msg=column,
        )


def test_history_ends_with_the_same_values(portfolio, kpis):
    history = kpi_history(portfolio, "2026-06-30", months=3)
    last = history[history["as_of"] == pd.Timestamp("2026-06-30")]
    pd.testing.assert_frame_equal(
        last.drop(columns=["account_id", "as_of"]).set_axis(kpis.index), kpis
    )


# --- v1.1: meetings and enthusiasm (J8, a steering committee the client missed) -------------


def test_the_example_holds_a_missed_steering_committee(portfolio):
    j8 = portfolio.interactions.set_index("interaction_id").loc["J8"]
    assert j8["channel"] == "steering_committee" and j8["attended"] is np.False_


def test_the_two_new_alerts_fire_on_w1_only(kpis):
    alerts = compute_alerts(kpis)
    fired = alerts[alerts["code"].isin(["enthusiasm_drop", "no_steering_committee"])]
    pairs = zip(fired["account_id"].astype(str), fired["code"].astype(str), strict=True)
    assert sorted(pairs) == [
        ("W1", "enthusiasm_drop"),
        ("W1", "no_steering_committee"),
    ]
