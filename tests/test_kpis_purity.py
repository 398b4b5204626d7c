"""As-of purity (property-based): KPIs on the full data equal KPIs on the data cut at D.

"The data cut at D" (``tests.helpers.cut``) is what the CRM would have exported on day D:
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

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acctkit.data import from_frames
from acctkit.data.portfolio import TABLE_NAMES, Portfolio
from acctkit.datasets import generate_tables
from acctkit.kpis import compute_kpis, kpis_at
from tests.helpers import cut

END = pd.Timestamp("2026-06-30")
OPTIONAL = tuple(name for name in TABLE_NAMES if name != "accounts")


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
