"""The catalogue's worked example: every expected KPI on 2026-06-30, reproduced exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from acctkit.data import load_portfolio
from acctkit.kpis import CATALOGUE_COLUMNS, compute_kpis, kpi_history

EXAMPLE = Path(__file__).parent / "fixtures" / "worked-example"
if not EXAMPLE.exists():  # the spec's copy, until the fixture is committed
    EXAMPLE = Path("/work/shared/spec/worked-example")


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    return pd.read_csv(
        EXAMPLE / "expected_kpis_2026-06-30.csv", dtype={"account_id": str}
    ).set_index("account_id")


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
