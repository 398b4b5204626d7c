"""As-of purity (property-based): KPIs on the full data equal KPIs on the data cut at D.

"The data cut at D" is what the CRM would have exported on day D:
- event rows dated after D do not exist yet (interactions, NPS responses, feedback, tickets
  opened, opportunities created, stage changes, assessments, outcomes);
- state changes after D have not happened yet: a contact who leaves after D has no
  ``left_on``; a ticket closed after D is open; an action done after D is not done; an
  opportunity closed after D is open, at its stage on D (the latest stage change on or
  before D; when there is none, its stage is unknown, which the cut records as the
  ``stages.unknown_probability``, 50 %);
- plan items keep their forecast dates (an action due after D, an expected close date).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acctkit.data import from_frames
from acctkit.data.portfolio import TABLE_NAMES, Portfolio
from acctkit.datasets import generate_tables
from acctkit.kpis import compute_kpis, kpis_at

END = pd.Timestamp("2026-06-30")
OPTIONAL = tuple(name for name in TABLE_NAMES if name != "accounts")


def cut(portfolio: Portfolio, as_of: pd.Timestamp) -> Portfolio:
    """The portfolio as it would have been exported on ``as_of`` (see the module docstring)."""

    def upto(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        return frame[frame[column] <= as_of].reset_index(drop=True)

    def clear_after(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        return frame.assign(**{column: frame[column].where(~(frame[column] > as_of))})

    changes = {}
    for name, column in (
        ("assessments", "assessed_on"),
        ("interactions", "occurred_on"),
        ("nps_responses", "responded_on"),
        ("feedback", "recorded_on"),
        ("outcomes", "occurred_on"),
    ):
        if getattr(portfolio, name) is not None:
            changes[name] = upto(getattr(portfolio, name), column)
    if portfolio.contacts is not None:
        changes["contacts"] = clear_after(portfolio.contacts, "left_on")
    if portfolio.tickets is not None:
        changes["tickets"] = clear_after(upto(portfolio.tickets, "opened_on"), "closed_on")
    if portfolio.actions is not None:
        actions = clear_after(portfolio.actions, "done_on")
        undone = (actions["status"] == "done") & actions["done_on"].isna()
        changes["actions"] = actions.assign(status=actions["status"].mask(undone, "planned"))
    if portfolio.opportunities is not None:
        changes.update(_cut_opportunities(portfolio, as_of))
    return dataclasses.replace(portfolio, **changes)


def _cut_opportunities(portfolio: Portfolio, as_of: pd.Timestamp) -> dict[str, pd.DataFrame]:
    opportunities = portfolio.opportunities
    opportunities = opportunities[opportunities["created_on"] <= as_of].reset_index(drop=True)
    history = portfolio.stage_history
    latest, with_history = {}, set()
    if history is not None:
        with_history = set(history["opportunity_id"].astype(str))
        kept = (history["changed_on"] <= as_of) & history["opportunity_id"].isin(
            opportunities["opportunity_id"]
        )
        history = history[kept].reset_index(drop=True)
        # the latest change on or before D wins; same-day changes keep their table order
        history_sorted = history.assign(_row=np.arange(len(history))).sort_values(
            ["changed_on", "_row"], kind="stable"
        )
        latest = dict(
            zip(
                history_sorted["opportunity_id"].astype(str),
                history_sorted["stage"].astype(str),
                strict=True,
            )
        )
    stages, probabilities, closed = [], [], []
    for row in opportunities.itertuples(index=False):
        key = str(row.opportunity_id)
        stage, probability, closed_on = str(row.stage), row.probability, row.closed_on
        if pd.notna(row.closed_on) and row.closed_on > as_of:
            closed_on = pd.NaT
            if key in latest:
                stage, probability = latest[key], np.nan
            else:
                stage, probability = "prospecting", 50.0
        elif pd.isna(row.closed_on) and key in with_history and key not in latest:
            probability = 50.0
        stages.append(stage)
        probabilities.append(probability)
        closed.append(closed_on)
    dtype = opportunities["stage"].dtype
    changes = {
        "opportunities": opportunities.assign(
            stage=pd.Categorical(stages, dtype=dtype),
            probability=np.array(probabilities, dtype=np.float64),
            closed_on=pd.to_datetime(pd.Series(closed, dtype="datetime64[ns]")),
        )
    }
    if history is not None:
        changes["stage_history"] = history
    return changes


def _portfolio(seed: int, n_accounts: int, months: int, dropped: set[str]) -> Portfolio:
    tables = generate_tables(n_accounts=n_accounts, months=months, end=END, seed=seed)
    if "opportunities" in dropped:
        dropped = dropped | {"stage_history"}
    if "contacts" in dropped:
        for name in ("interactions", "nps_responses"):
            tables[name] = tables[name].assign(contact_id=None)
    return from_frames({name: frame for name, frame in tables.items() if name not in dropped})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 100_000),
    n_accounts=st.integers(1, 6),
    months=st.integers(2, 15),
    offset_days=st.integers(-420, 40),
    window_days=st.sampled_from([30, 90, 91]),
    dropped=st.sets(st.sampled_from(OPTIONAL), max_size=3),
)
def test_kpis_ignore_everything_after_as_of(
    seed, n_accounts, months, offset_days, window_days, dropped
):
    portfolio = _portfolio(seed, n_accounts, months, dropped)
    as_of = END + pd.Timedelta(days=offset_days)
    full = compute_kpis(portfolio, as_of, window_days=window_days)
    at_the_time = compute_kpis(cut(portfolio, as_of), as_of, window_days=window_days)
    pd.testing.assert_frame_equal(full, at_the_time, check_exact=False, rtol=1e-9)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 100_000),
    offsets=st.lists(st.integers(-500, 30), min_size=1, max_size=5),
)
def test_many_dates_equal_one_date_at_a_time(seed, offsets):
    portfolio = _portfolio(seed, 4, 18, set())
    dates = [END + pd.Timedelta(days=d) for d in offsets]
    tidy = kpis_at(portfolio, dates)
    for date in sorted(set(dates)):
        block = tidy[tidy["as_of"] == date].drop(columns=["account_id", "as_of"])
        expected = compute_kpis(portfolio, date)
        pd.testing.assert_frame_equal(
            block.set_axis(expected.index), expected, check_exact=False, rtol=1e-12
        )
