"""The account plan (account-plan.md): objective progress, the plan columns and alerts, on
the worked example, with the values worked by hand in the spec (not by the code)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from acctkit import compute_alerts, compute_kpis, kpi_history, load_portfolio, objective_progress
from acctkit.data import from_frames
from acctkit.data.schema import OBJECTIVE_KPIS
from acctkit.kpis.columns import FAMILIES, KIND
from acctkit.kpis.plan import PLAN_COLUMNS
from tests.helpers import cut

WORKED = "tests/fixtures/worked-example"
D = "2026-06-30"
# Days: 2026-01-01 -> D = 180; -> 12-31 = 364; -> 09-30 = 272 (account-plan.md).
ELAPSED = 100 * 180 / 364


@pytest.fixture(scope="module")
def worked():
    return load_portfolio(WORKED)


def test_objective_progress_reproduces_the_hand_values(worked):
    progress = objective_progress(worked, D)
    assert list(progress.index) == ["O1", "O2", "O3", "O4", "O5", "PW1:revenue"]
    assert list(progress.columns) == [
        "account_id", "plan_id", "elapsed_pct", "baseline_value", "actual", "expected", "gap",
        "progress_pct", "expected_progress_pct", "forecast", "status",
    ]  # fmt: skip
    nan = np.nan
    by_hand = {
        # elapsed, baseline, actual, expected, progress, expected progress, forecast, status
        "O1": (100 * 180 / 272, 50, 100, 50 + 50 * 180 / 272, 100, 100 * 180 / 272, 100, "achieved"),
        "O2": (ELAPSED, 0, 3, 8 * 180 / 364, 37.5, ELAPSED, 3 * 364 / 180, "at_risk"),
        "O3": (ELAPSED, 0, -50, 30 * 180 / 364, -50 / 30 * 100, ELAPSED, -100, "off_track"),
        "O4": (ELAPSED, nan, nan, nan, 200 / 3, 200 / 3, nan, "on_track"),
        "O5": (ELAPSED, nan, 50, nan, nan, ELAPSED, nan, "dropped"),
        "PW1:revenue": (
            ELAPSED, 0, 300_000, 300_000 * 180 / 364, 100, ELAPSED, 300_000 * 364 / 180,
            "achieved",
        ),
    }  # fmt: skip
    for objective, (
        elapsed,
        base,
        actual,
        expected,
        prog,
        exp_prog,
        forecast,
        status,
    ) in by_hand.items():
        row = progress.loc[objective]
        assert row["account_id"] == "W1" and row["plan_id"] == "PW1"
        got = row[["elapsed_pct", "baseline_value", "actual", "expected", "progress_pct"]]
        np.testing.assert_allclose(
            got.to_numpy(dtype=float), [elapsed, base, actual, expected, prog], rtol=1e-9
        )
        np.testing.assert_allclose(row["gap"], actual - expected, rtol=1e-9)
        np.testing.assert_allclose(row["expected_progress_pct"], exp_prog, rtol=1e-9)
        np.testing.assert_allclose(row["forecast"], forecast, rtol=1e-9)
        assert row["status"] == status, objective


def test_objective_progress_matches_the_spec_csv(worked):
    expected = pd.read_csv(f"{WORKED}/expected_objectives_2026-06-30.csv", index_col=0)
    progress = objective_progress(worked, D)
    assert list(progress.index) == list(expected.index)
    for column in expected.columns:
        if column in ("account_id", "plan_id", "status"):
            assert list(progress[column].astype(str)) == list(expected[column]), column
        else:
            np.testing.assert_allclose(
                progress[column], expected[column], atol=1e-5, err_msg=column
            )


def test_plan_columns_of_compute_kpis(worked):
    kpis = compute_kpis(worked, D)
    assert list(kpis.columns[-len(PLAN_COLUMNS) :]) == list(PLAN_COLUMNS)
    w1, w2 = kpis.loc["W1"], kpis.loc["W2"]
    assert w1["plan_id"] == "PW1"
    np.testing.assert_allclose(w1["plan_elapsed_pct"], ELAPSED)
    assert w1["plan_days_left"] == 184
    counts = ["objectives", "objectives_on_track", "objectives_at_risk",
              "objectives_off_track", "objectives_achieved"]  # fmt: skip
    assert list(w1[counts]) == [5, 3, 1, 1, 2]
    np.testing.assert_allclose(w1["plan_attainment_pct"], (100 + 37.5 + 0 + 200 / 3 + 100) / 5)
    assert w1["plan_revenue_won"] == 300_000 and w1["plan_revenue_target"] == 300_000
    assert w1["open_obstacles"] == 1 and w1["open_opportunities"] == 1
    assert w1["plan_status"] == "off_track"
    # W2: PW2 starts on 07-01 and PW2-OLD is a draft.
    assert w2["plan_status"] == "no_plan"
    assert w2[[c for c in PLAN_COLUMNS if c not in ("plan_status", "plan_required")]].isna().all()


def test_plan_columns_match_the_spec_csv(worked):
    expected = pd.read_csv(f"{WORKED}/expected_plan_2026-06-30.csv", index_col=0)
    kpis = compute_kpis(worked, D)[list(expected.columns)]
    for column in expected.columns:
        if column in ("plan_id", "plan_status"):
            got = kpis[column].astype(object).where(kpis[column].notna(), None)
            want = expected[column].astype(object).where(expected[column].notna(), None)
            assert list(got) == list(want), column
        else:
            np.testing.assert_allclose(
                kpis[column].astype("float64"), expected[column], atol=1e-5, err_msg=column
            )


def test_kpi_history_carries_the_plan_columns(worked):
    history = kpi_history(worked, D, months=3)
    june = history[history["as_of"] == pd.Timestamp(D)].set_index("account_id")
    assert june.loc["W1", "plan_status"] == "off_track"
    # 2025-12-31: PW1 has not started: no plan in force.
    assert set(kpi_history(worked, "2025-12-31", months=1)["plan_status"]) == {"no_plan"}


def test_the_three_alerts(worked):
    alerts = compute_alerts(compute_kpis(worked, D))
    fired = set(zip(alerts["account_id"], alerts["code"], alerts["severity"], strict=True))
    assert ("W1", "objective_off_track", "high") in fired
    assert not {code for _, code, _ in fired} & {"no_plan", "plan_ending"}  # W2 is key
    config = {"plans": {"required_tiers": ["strategic", "key"]}}
    alerts = compute_alerts(compute_kpis(worked, D, config=config), config=config)
    no_plan = alerts[alerts["code"] == "no_plan"]
    assert list(no_plan["account_id"]) == ["W2"] and list(no_plan["severity"]) == ["medium"]
    # 2026-12-10: 21 days left in PW1 and no later plan for W1; W2's PW2 too.
    late = compute_alerts(compute_kpis(worked, "2026-12-10"))
    ending = late[late["code"] == "plan_ending"]
    assert list(ending["account_id"]) == ["W1", "W2"]
    assert list(ending["value"]) == [21, 21] and set(ending["severity"]) == {"low"}
    assert not (compute_alerts(compute_kpis(worked, "2026-11-30"))["code"] == "plan_ending").any()


def test_tolerances_are_configurable(worked):
    # O2: progress 37.5 against an expected 49.45: 11.95 points behind.
    wide = objective_progress(worked, D, {"plans": {"on_track_tolerance": 12}})
    assert wide.loc["O2", "status"] == "on_track"
    narrow = objective_progress(
        worked, D, {"plans": {"on_track_tolerance": 5, "at_risk_tolerance": 11}}
    )
    assert narrow.loc["O2", "status"] == "off_track"


def test_missed_after_the_due_date(worked):
    # O2 due on 2026-06-15 instead: on D its progress (37.5 %) is short and the date passed;
    # on the due date itself it is not missed yet (missed needs D strictly after due_on).
    tables = worked.tables()
    objectives = tables["objectives"].copy()
    objectives.loc[objectives["objective_id"] == "O2", "due_on"] = pd.Timestamp("2026-06-15")
    early = from_frames({**tables, "objectives": objectives})
    assert objective_progress(early, D).loc["O2", "status"] == "missed"
    assert objective_progress(early, "2026-06-15").loc["O2", "status"] != "missed"
    assert compute_kpis(early, D).loc["W1", "objectives_off_track"] == 2
    assert objective_progress(worked, "2027-01-15").empty  # PW1 has ended


def test_as_of_purity_of_the_plan(worked):
    for day in ("2026-03-15", "2026-05-01", D, "2026-09-30", "2026-12-31"):
        stamp = pd.Timestamp(day)
        pd.testing.assert_frame_equal(
            compute_kpis(worked, stamp)[list(PLAN_COLUMNS)],
            compute_kpis(cut(worked, stamp), stamp)[list(PLAN_COLUMNS)],
        )
        pd.testing.assert_frame_equal(
            objective_progress(worked, stamp), objective_progress(cut(worked, stamp), stamp)
        )


def test_a_portfolio_without_plan_tables_is_unchanged(worked):
    bare = without_plan_tables(worked)
    kpis = compute_kpis(bare, D)
    assert (kpis["plan_status"] == "no_plan").all()
    assert kpis["plan_required"].isna().all()
    others = [c for c in kpis.columns if c not in PLAN_COLUMNS]
    pd.testing.assert_frame_equal(kpis[others], compute_kpis(worked, D)[others])
    assert objective_progress(bare, D).empty
    assert not compute_alerts(kpis)["code"].isin(["no_plan", "objective_off_track"]).any()


def without_plan_tables(portfolio):
    tables = portfolio.tables()
    tables["actions"] = tables["actions"].drop(columns="objective_id")
    for name in ("plans", "objectives", "plan_items"):
        tables.pop(name)
    return from_frames(tables)


def test_objective_kpis_are_the_numeric_catalogue_columns():
    numeric = [
        c
        for family, columns in FAMILIES.items()
        if family != "plan"
        for c in columns
        if KIND[c] in ("float", "count")
    ]
    assert OBJECTIVE_KPIS == (*numeric, "plan_revenue_won")


def test_default_baselines_are_the_kpis_at_the_plan_start(worked):
    """A baseline left blank is the KPI at the plan's starts_on with the same configuration
    (account-plan.md), whether the KPI comes from one block or is a score built on all."""
    tables = worked.tables()
    extra = pd.DataFrame(
        {
            "objective_id": ["O8", "O9"],
            "plan_id": ["PW1", "PW1"],
            "title": ["Healthier", "More co-construction"],
            "kpi": ["health_score", "co_construction"],
            "target": [90.0, 5.0],
        }
    )
    planned = from_frames({**tables, "objectives": pd.concat([tables["objectives"], extra])})
    at_start = compute_kpis(worked, "2026-01-01").loc["W1"]
    for as_of in (D, "2026-03-31"):
        progress = objective_progress(planned, as_of)
        assert progress.loc["O8", "baseline_value"] == pytest.approx(at_start["health_score"])
        assert progress.loc["O9", "baseline_value"] == at_start["co_construction"]
        assert progress.loc["O2", "baseline_value"] == 0  # interactions on 01-01 (by hand)
        now = compute_kpis(planned, as_of)
        assert now.loc["W1", "objectives"] == 7
        history = kpi_history(planned, as_of, months=2)
        assert history[history["account_id"] == "W1"]["objectives"].iloc[-1] == 7


def test_plan_configuration_is_checked():
    from acctkit.config import load_config
    from acctkit.errors import ConfigError

    config = load_config({"plans": {"required_tiers": ["strategic", "key"]}})
    assert config.plans["required_tiers"] == ("strategic", "key")
    assert load_config(config.to_dict()).plans == config.plans
    with pytest.raises(ConfigError, match="'plans.on_track_tolerance' .* must be <="):
        load_config({"plans": {"on_track_tolerance": 30}})
    with pytest.raises(ConfigError, match="'plans.on_track_tolerance' must be >= 0 points"):
        load_config({"plans": {"on_track_tolerance": -5, "at_risk_tolerance": -1}})
    with pytest.raises(ConfigError, match="alerts.plan_ending.threshold' must be a whole number"):
        load_config({"alerts": {"plan_ending": {"threshold": 2.5}}})
