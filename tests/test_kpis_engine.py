"""compute_kpis as a whole: shape, dtypes, as-of parsing, purity of inputs, absent tables."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import fields

import numpy as np
import pandas as pd
import pytest

from acctkit.config import load_config
from acctkit.data import from_frames
from acctkit.data.portfolio import TABLE_NAMES
from acctkit.datasets import generate_tables
from acctkit.errors import ConfigError
from acctkit.kpis import (
    CATALOGUE_COLUMNS,
    KPI_COLUMNS,
    compute_alerts,
    compute_kpis,
    kpi_history,
    kpi_summary,
    kpis_at,
)
from acctkit.kpis.columns import KIND


@pytest.fixture(scope="module")
def generated():
    return from_frames(generate_tables(n_accounts=12, months=18, end="2026-06-30", seed=3))


def test_one_row_per_account_in_table_order(generated):
    kpis = compute_kpis(generated, "2026-06-30")
    assert list(kpis.index) == list(generated.accounts["account_id"].astype(str))
    assert kpis.index.name == "account_id"
    assert list(kpis.columns) == list(KPI_COLUMNS)
    assert set(CATALOGUE_COLUMNS) <= set(kpis.columns)


def test_dtypes(generated):
    kpis = compute_kpis(generated, "2026-06-30")
    for column in kpis.columns:
        kind = KIND[column]
        dtype = kpis[column].dtype
        if kind == "count":
            assert dtype == "Int64", column
        elif kind == "flag":
            assert dtype == "boolean", column
        elif kind in ("segment", "band", "plan_status"):
            assert isinstance(dtype, pd.CategoricalDtype), column
        elif kind == "plan_id":
            assert dtype == "str", column
        else:
            assert dtype == np.float64, column
    assert list(kpis["segment"].cat.categories) == ["invest", "maintain", "deprioritize", "unrated"]
    assert list(kpis["health_band"].cat.categories) == ["green", "amber", "red"]


@pytest.mark.parametrize(
    "as_of",
    [
        "2026-06-30",
        dt.date(2026, 6, 30),
        dt.datetime(2026, 6, 30, 17, 45),
        pd.Timestamp("2026-06-30"),
        np.datetime64("2026-06-30"),
    ],
)
def test_as_of_forms(generated, as_of):
    expected = compute_kpis(generated, "2026-06-30")
    pd.testing.assert_frame_equal(compute_kpis(generated, as_of), expected)


@pytest.mark.parametrize("as_of", ["30/06/2026", "2026-13-01", "", None, 20260630, pd.NaT])
def test_bad_as_of(generated, as_of):
    with pytest.raises(ConfigError, match="as_of"):
        compute_kpis(generated, as_of)


def _snapshot(portfolio):
    return {name: frame.copy(deep=True) for name, frame in portfolio.tables().items()}


def test_inputs_are_not_modified(generated):
    before = _snapshot(generated)
    config = {"bands": {"green": 80}}
    config_before = copy.deepcopy(config)
    kpis = compute_kpis(generated, "2026-05-31", config=config)
    kpis_before = kpis.copy(deep=True)
    kpi_history(generated, "2026-05-31", months=4)
    alerts = compute_alerts(kpis, risk=pd.Series(0.6, index=kpis.index), lang="fr")
    kpi_summary(kpis, alerts=alerts, portfolio=generated)
    for name, frame in generated.tables().items():
        pd.testing.assert_frame_equal(frame, before[name], check_exact=True, obj=name)
    pd.testing.assert_frame_equal(kpis, kpis_before)
    assert config == config_before


def test_accounts_only_portfolio_gives_missing_kpis():
    accounts = pd.DataFrame({"account_id": ["A"], "name": ["Alpha"]})
    kpis = compute_kpis(from_frames({"accounts": accounts}), "2026-06-30")
    assert kpis.drop(columns=["segment", "plan_status"]).isna().all().all()
    assert kpis.loc["A", "segment"] == "unrated"
    assert kpis.loc["A", "plan_status"] == "no_plan"


def test_empty_tables_count_zero(generated):
    tables = generate_tables(n_accounts=3, months=3, end="2026-06-30", seed=1)
    empty = {name: frame.iloc[:0] for name, frame in tables.items() if name != "accounts"}
    portfolio = from_frames({"accounts": tables["accounts"], **empty})
    kpis = compute_kpis(portfolio, "2026-06-30")
    counts = [c for c in kpis.columns if KIND[c] == "count" and c != "days_since_sponsor_contact"]
    assert (kpis[counts] == 0).all().all()
    assert (kpis["open_pipeline"] == 0).all() and (kpis["won_revenue"] == 0).all()
    assert not kpis["has_sponsor"].any()
    for column in (
        "coverage_pct",
        "win_rate_pct",
        "nps",
        "action_completion_pct",
        "pipeline_maturity_pct",
        "median_response_hours",
    ):
        assert kpis[column].isna().all(), column


def test_every_subset_of_tables_loads_and_computes():
    tables = generate_tables(n_accounts=4, months=6, end="2026-06-30", seed=5)
    optional = [name for name in TABLE_NAMES if name != "accounts"]
    rng = np.random.default_rng(0)
    for _ in range(12):
        keep = [name for name in optional if rng.random() < 0.5]
        if "stage_history" in keep and "opportunities" not in keep:
            keep.remove("stage_history")
        if "contacts" not in keep:
            for name in ("interactions", "nps_responses"):
                if name in keep:
                    tables[name] = tables[name].assign(contact_id=None)
        portfolio = from_frames({"accounts": tables["accounts"], **{k: tables[k] for k in keep}})
        kpis = compute_kpis(portfolio, "2026-06-30")
        assert len(kpis) == 4


def test_columns_subset(generated):
    wanted = ["interactions", "irritants", "health_score"]
    tidy = kpis_at(generated, ["2026-06-30"], columns=wanted)
    assert list(tidy.columns) == ["account_id", "as_of", *wanted]
    full = compute_kpis(generated, "2026-06-30")
    np.testing.assert_allclose(tidy["health_score"], full["health_score"])


def test_unknown_column_suggests_a_name(generated):
    with pytest.raises(ConfigError, match="did you mean 'interactions'"):
        kpis_at(generated, ["2026-06-30"], columns=["interaction"])


def test_window_days(generated):
    short = compute_kpis(generated, "2026-06-30", window_days=30)
    from_config = compute_kpis(generated, "2026-06-30", config={"windows": {"window_days": 30}})
    pd.testing.assert_frame_equal(short, from_config)
    default = compute_kpis(generated, "2026-06-30")
    assert (short["interactions"] <= default["interactions"]).all()
    with pytest.raises(ConfigError, match="window_days"):
        compute_kpis(generated, "2026-06-30", window_days=0)
    with pytest.raises(ConfigError, match="window_days"):
        compute_kpis(generated, "2026-06-30", window_days=30.5)


def test_config_object_and_dict_agree(generated):
    config = {"bands": {"green": 60, "amber": 30}}
    pd.testing.assert_frame_equal(
        compute_kpis(generated, "2026-06-30", config=config),
        compute_kpis(generated, "2026-06-30", config=load_config(config)),
    )


def test_portfolio_fields_cover_all_tables():
    # the engine reads tables by attribute; this guards against a renamed table
    names = {
        f.name
        for f in fields(
            from_frames({"accounts": pd.DataFrame({"account_id": ["A"], "name": ["a"]})})
        )
    }
    assert set(TABLE_NAMES) <= names
