"""Back-tested alerts (``backtest_alerts``) on a six-account portfolio worked by hand.

The example of docs/kpis.md (Back-tested alerts). As of 2026-06-30 with H = 90 days and
3 months, the month-ends replayed are the 3 last ones on or before 2026-06-30 - 90 days =
2026-04-01: t1 = 2026-01-31, t2 = 2026-02-28, t3 = 2026-03-31. Their outcome windows
(t, t + 90 days] are (01-31, 05-01], (02-28, 05-29] and (03-31, 06-29].

Accounts (no NPS, feedback or opportunity table, so nps_drop, irritants_rising and
slipped_deals cannot fire; every sponsor is met on the 15th of each month from 2025-08-15,
so the interactions hold steady, 3 in each window: no engagement_slowdown, no
sponsor_silent):

- A: healthy, no alert; a downsell on 2026-06-15 (in t3's window only): a missed outcome.
- B: a critical ticket opened 2026-01-10, closed 2026-03-15: critical_tickets at t1 and t2;
  renewal_lost on 2026-05-20 (after t1's window ends on 05-01; in t2's and t3's).
- C: one contact, a user, no sponsor: no_sponsor at t1, t2, t3; churn on 2026-04-20 (after
  t3, so C stays active at the three dates; in all three windows).
- D: sponsor D1 key and met, D2 and D3 key and never met: coverage 1/3 = 33 % < 50, so
  low_coverage at t1, t2, t3; three actions due 02-10, 02-15, 02-20, done 03-20: 3 overdue
  at t2 only (not yet due at t1, done by t3): overdue_actions at t2; no outcome.
- E: three actions due in December 2025, never done: overdue_actions at t1; churn on
  2026-02-10, between t1 and t2: E leaves the account-months after t1 (were it kept,
  overdue_actions would fire at t2 and t3 too, never followed by an outcome).
- F: healthy, no alert, no outcome.

Account-months (label: 1 when an outcome falls in the row's window):

| account | t1 (01-31) | t2 (02-28) | t3 (03-31) |
|---|---|---|---|
| A | 0 | 0 | 1 (downsell 06-15) |
| B | 0, critical_tickets | 1, critical_tickets | 1 |
| C | 1, no_sponsor | 1, no_sponsor | 1, no_sponsor |
| D | 0, low_coverage | 0, low_coverage, overdue_actions | 0, low_coverage |
| E | 1, overdue_actions | churned | churned |
| F | 0 | 0 | 0 |

6 + 5 + 5 = 16 account-months; outcomes 1 (A) + 2 (B) + 3 (C) + 1 (E) = 7; base rate
7 / 16 = 0.4375.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from acctkit import backtest_alerts
from acctkit.data import from_frames
from acctkit.errors import ModelError
from tests.helpers import cut

AS_OF = "2026-06-30"
H = 90
MONTHS = 3
Z = 1.6448536269514722  # the standard normal's 95th percentile: a two-sided 90 % interval
BASE_RATE = 7 / 16

ACCOUNTS = pd.DataFrame(
    {"account_id": list("ABCDEF"), "name": ["Alpha", "Beta", "Gamma", "Delta", "Echo", "Fox"]}
)
CONTACTS = pd.DataFrame(
    [
        # contact, account, role, is_key
        ("A1", "A", "sponsor", False),
        ("B1", "B", "sponsor", False),
        ("C1", "C", "user", False),
        ("D1", "D", "sponsor", True),
        ("D2", "D", "user", True),
        ("D3", "D", "other", True),
        ("E1", "E", "sponsor", False),
        ("F1", "F", "sponsor", False),
    ],
    columns=["contact_id", "account_id", "role", "is_key"],
).assign(name="someone", level="manager")


def _monthly(contact: str, account: str, last: str) -> list[tuple]:
    """A meeting with ``contact`` on the 15th of every month from 2025-08 to ``last``."""
    days = pd.date_range("2025-08-01", last, freq="MS") + pd.Timedelta(days=14)
    return [
        (f"{contact}-{day:%Y%m}", account, contact, day.strftime("%Y-%m-%d"), "meeting")
        for day in days
    ]


INTERACTIONS = pd.DataFrame(
    [
        *_monthly("A1", "A", "2026-06-30"),
        *_monthly("B1", "B", "2026-06-30"),
        *_monthly("D1", "D", "2026-06-30"),
        *_monthly("E1", "E", "2026-01-31"),  # E churns on 2026-02-10
        *_monthly("F1", "F", "2026-06-30"),
    ],
    columns=["interaction_id", "account_id", "contact_id", "occurred_on", "channel"],
)
TICKETS = pd.DataFrame(
    [("T1", "B", "2026-01-10", "2026-03-15", "critical")],
    columns=["ticket_id", "account_id", "opened_on", "closed_on", "severity"],
)
ACTIONS = pd.DataFrame(
    [
        # id, account, due, done
        ("X1", "D", "2026-02-10", "2026-03-20"),
        ("X2", "D", "2026-02-15", "2026-03-20"),
        ("X3", "D", "2026-02-20", "2026-03-20"),
        ("X4", "E", "2025-12-01", None),
        ("X5", "E", "2025-12-05", None),
        ("X6", "E", "2025-12-10", None),
    ],
    columns=["action_id", "account_id", "due_on", "done_on"],
).assign(title="a plan action")
OUTCOMES = pd.DataFrame(
    [
        ("A", "2026-06-15", "downsell"),
        ("B", "2026-05-20", "renewal_lost"),
        ("C", "2026-04-20", "churn"),
        ("E", "2026-02-10", "churn"),
    ],
    columns=["account_id", "occurred_on", "event"],
)


def portfolio(**changes: pd.DataFrame | None):
    tables = {
        "accounts": ACCOUNTS,
        "contacts": CONTACTS,
        "interactions": INTERACTIONS,
        "tickets": TICKETS,
        "actions": ACTIONS,
        "outcomes": OUTCOMES,
        **changes,
    }
    return from_frames({name: frame for name, frame in tables.items() if frame is not None})


def wilson(hits: int, n: int) -> tuple[float, float]:
    """The 90 % Wilson score interval of hits / n, written out:
    center = (p + z^2 / 2n) / (1 + z^2 / n),
    half = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / 4n^2)."""
    p = hits / n
    denominator = 1 + Z**2 / n
    center = (p + Z**2 / (2 * n)) / denominator
    half = Z / denominator * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return center - half, center + half


@pytest.fixture(scope="module")
def tiny():
    return portfolio()


@pytest.fixture(scope="module")
def table(tiny) -> pd.DataFrame:
    return backtest_alerts(tiny, AS_OF, months=MONTHS, horizon_days=H)


def test_the_wilson_helper_matches_the_figures_worked_by_hand():
    # z^2 = 2.705543.
    # 1 of 2: p = 0.5, 1 + z^2/2 = 2.352772, center (0.5 + 0.676386) / 2.352772 = 0.5,
    # half 1.644854 / 2.352772 x sqrt(0.25 / 2 + 2.705543 / 16) = 0.699113 x 0.542307
    # = 0.379134.
    assert wilson(1, 2) == pytest.approx((0.120866, 0.879134), abs=1e-5)
    # 3 of 3: p = 1, 1 + z^2/3 = 1.901848, center (1 + 0.450924) / 1.901848 = 0.762902,
    # half 0.864871 x sqrt(0 + 2.705543 / 36) = 0.864871 x 0.274142 = 0.237098.
    assert wilson(3, 3) == pytest.approx((0.525804, 1.0), abs=1e-5)
    # 0 of 3: the mirror image of 3 of 3, center 0.237098, half 0.237098.
    assert wilson(0, 3) == pytest.approx((0.0, 0.474196), abs=1e-5)
    # 4 of 5: p = 0.8, 1 + z^2/5 = 1.541109, center (0.8 + 0.270554) / 1.541109 = 0.694665,
    # half 1.067318 x sqrt(0.16 / 5 + 2.705543 / 100) = 1.067318 x 0.243013 = 0.259372.
    assert wilson(4, 5) == pytest.approx((0.435293, 0.954038), abs=1e-5)


def test_dates_and_account_months(table):
    assert table.attrs["dates"] == ["2026-01-31", "2026-02-28", "2026-03-31"]
    assert table.attrs["account_months"] == 16  # E has churned by t2: 6 + 5 + 5
    assert table.attrs["horizon_days"] == H


def test_rows_and_columns(table):
    assert list(table.index) == [
        "engagement_slowdown", "nps_drop", "irritants_rising", "critical_tickets",
        "no_sponsor", "sponsor_silent", "low_coverage", "overdue_actions", "slipped_deals",
        "enthusiasm_drop", "no_steering_committee", "stale_assessments", "objective_off_track",
        "no_plan", "plan_ending", "any_high",
    ]  # fmt: skip
    # (churn_risk and early_warning_high need the model, which cannot be fitted here)
    assert list(table.columns) == [
        "fired", "hits", "precision", "base_rate", "lift", "lift_low", "lift_high",
        "outcomes", "caught", "recall", "evidence",
    ]  # fmt: skip
    assert (table["base_rate"] == BASE_RATE).all()
    assert (table["outcomes"] == 7).all()
    assert (table["caught"] == table["hits"]).all()


# rule: (fired, hits, the Wilson interval of hits / fired worked by hand)
HAND = {
    # B at t1 (no outcome ahead) and t2 (renewal lost on 05-20): 1 of 2
    "critical_tickets": (2, 1, (0.120866, 0.879134)),
    # C at t1, t2, t3, each followed by the churn of 04-20: 3 of 3
    "no_sponsor": (3, 3, (0.525804, 1.0)),
    # D at t1, t2, t3, never followed by an outcome: 0 of 3
    "low_coverage": (3, 0, (0.0, 0.474196)),
    # E at t1 (churn on 02-10) and D at t2 (nothing): 1 of 2
    "overdue_actions": (2, 1, (0.120866, 0.879134)),
    # the high ones: B at t1, t2 (critical tickets), C at t1, t2, t3 (no sponsor): 4 of 5
    "any_high": (5, 4, (0.435293, 0.954038)),
}


@pytest.mark.parametrize("rule", list(HAND))
def test_figures_worked_by_hand(table, rule):
    fired, hits, (low, high) = HAND[rule]
    row = table.loc[rule]
    assert (row["fired"], row["hits"], row["caught"]) == (fired, hits, hits)
    assert row["precision"] == pytest.approx(hits / fired)
    assert row["lift"] == pytest.approx(hits / fired / BASE_RATE)
    assert row["lift_low"] == pytest.approx(low / BASE_RATE, abs=1e-5)
    assert row["lift_high"] == pytest.approx(high / BASE_RATE, abs=1e-5)
    assert (row["lift_low"], row["lift_high"]) == pytest.approx(
        (wilson(hits, fired)[0] / BASE_RATE, wilson(hits, fired)[1] / BASE_RATE), abs=1e-9
    )
    assert row["recall"] == pytest.approx(hits / 7)


def test_lifts_and_evidence(table):
    # lift = precision / base rate, its interval the Wilson bounds / 0.4375
    assert table.loc["critical_tickets", "lift"] == pytest.approx(8 / 7)  # 0.5 / 0.4375
    assert table.loc["no_sponsor", "lift"] == pytest.approx(16 / 7)  # 2.29
    assert table.loc["no_sponsor", "lift_low"] == pytest.approx(
        1.20184, abs=1e-5
    )  # 0.525804 / 0.4375
    assert table.loc["any_high", "lift"] == pytest.approx(64 / 35)  # 0.8 / 0.4375 = 1.83
    assert table.loc["any_high", "lift_low"] == pytest.approx(
        0.99495, abs=1e-5
    )  # 0.435293 / 0.4375
    assert table.loc["low_coverage", "lift"] == 0
    # evidence: the whole lift interval above 1. no_sponsor: 1.20 > 1; any_high: 0.995,
    # just short ("no evidence yet"); critical tickets and overdue actions: 0.28.
    evidence = table["evidence"]
    assert evidence.dtype == bool
    assert list(evidence[evidence].index) == ["no_sponsor"]


def test_rules_that_never_fired(table):
    silent = ["engagement_slowdown", "nps_drop", "irritants_rising", "sponsor_silent"]
    silent += ["slipped_deals", "enthusiasm_drop", "no_steering_committee"]
    rows = table.loc[silent]
    assert (rows["fired"] == 0).all() and (rows["hits"] == 0).all()
    assert rows[["precision", "lift", "lift_low", "lift_high"]].isna().all().all()
    assert (rows["recall"] == 0).all()
    assert not rows["evidence"].any()


def test_recall_adds_up_over_the_outcomes(table):
    # 7 outcomes: C x 3 (no_sponsor), B at t2 (critical_tickets), E at t1 (overdue_actions)
    # are caught; A at t3 and B at t3 are missed by every rule.
    assert table.loc["any_high", "recall"] == pytest.approx(4 / 7)
    assert table.loc["no_sponsor", "recall"] == pytest.approx(3 / 7)
    assert table.loc["low_coverage", "recall"] == 0


def test_a_churned_account_leaves_the_account_months():
    # E never churning: E stays for t2 and t3 (18 account-months), its December actions are
    # still overdue there: overdue_actions fires 4 times (E at t1, t2, t3, D at t2), and
    # without E's churn no outcome follows any of them.
    kept = backtest_alerts(
        portfolio(outcomes=OUTCOMES[OUTCOMES["account_id"] != "E"]),
        AS_OF,
        months=MONTHS,
        horizon_days=H,
    )
    assert kept.attrs["account_months"] == 18
    assert kept.loc["overdue_actions", ["fired", "hits"]].tolist() == [4, 0]
    # outcomes: A 1, B 2, C 3 = 6 of 18
    assert kept.loc["overdue_actions", "base_rate"] == pytest.approx(6 / 18)


def test_an_account_churned_on_a_month_end_is_gone_at_that_month_end():
    # E churning on t2 itself: not active at t2 (churned on or before it), active at t1
    # where the churn on 02-28 is in (01-31, 05-01].
    outcomes = OUTCOMES.assign(
        occurred_on=OUTCOMES["occurred_on"].mask(OUTCOMES["account_id"] == "E", "2026-02-28")
    )
    table = backtest_alerts(portfolio(outcomes=outcomes), AS_OF, months=MONTHS, horizon_days=H)
    assert table.attrs["account_months"] == 16
    assert table.loc["overdue_actions", ["fired", "hits"]].tolist() == [2, 1]


def test_the_early_warning_row_is_absent_and_the_note_says_why(table):
    assert "early_warning_high" not in table.index
    assert "churn_risk" not in table.index
    # The model is fitted at t1 = 2026-01-31: its panel needs month-ends from 2 windows
    # (180 days) after the first event (2025-08-15), i.e. from 2026-02-11, up to
    # 2026-01-31 - 90 days = 2025-11-02: there is none.
    note = table.attrs["model_note"]
    assert note.startswith(
        "no early-warning row: the model cannot be fitted at 2026-01-31, the first month-end "
        "replayed: no month-end snapshot between 2026-02-11 "
    )
    assert "and 2025-11-02" in note


def test_a_disabled_rule_is_left_out(tiny):
    config = {"alerts": {"no_sponsor": {"enabled": False}}}
    table = backtest_alerts(tiny, AS_OF, months=MONTHS, horizon_days=H, config=config)
    assert "no_sponsor" not in table.index
    # any_high is then B at t1 and t2 only: 1 hit of 2
    assert table.loc["any_high", ["fired", "hits"]].tolist() == [2, 1]


def test_a_longer_horizon_moves_the_dates_and_the_labels(tiny):
    # H = 120: month-ends on or before 2026-03-02: 2025-12-31, 2026-01-31, 2026-02-28;
    # B's renewal lost on 05-20 is now within 120 days of t1 = 2026-01-31 (up to 05-31).
    table = backtest_alerts(tiny, AS_OF, months=MONTHS, horizon_days=120)
    assert table.attrs["dates"] == ["2025-12-31", "2026-01-31", "2026-02-28"]
    assert table.loc["critical_tickets", ["fired", "hits"]].tolist() == [2, 2]


def test_as_of_pure_on_the_tiny_portfolio(table):
    # add events dated after 2026-06-30 (an outcome, a critical ticket), then cut them off:
    # the same table, which is also the one worked by hand above
    late_outcome = pd.DataFrame(
        [("D", "2026-07-01", "churn"), ("F", "2026-06-30", "downsell")],
        columns=["account_id", "occurred_on", "event"],
    )
    late_ticket = pd.DataFrame(
        [("T2", "F", "2026-07-02", None, "critical")],
        columns=["ticket_id", "account_id", "opened_on", "closed_on", "severity"],
    )
    full = portfolio(
        outcomes=pd.concat([OUTCOMES, late_outcome], ignore_index=True),
        tickets=pd.concat([TICKETS, late_ticket], ignore_index=True),
    )
    on_full = backtest_alerts(full, AS_OF, months=MONTHS, horizon_days=H)
    on_cut = backtest_alerts(cut(full, pd.Timestamp(AS_OF)), AS_OF, months=MONTHS, horizon_days=H)
    assert_frame_equal(on_full, on_cut)
    assert on_full.attrs == on_cut.attrs
    # F's downsell on 06-30 is after t3's window (ends 06-29): the table is the one above
    assert_frame_equal(on_full, table)


def test_as_of_pure_on_the_demo_portfolio():
    from acctkit import demo_portfolio

    full = demo_portfolio()
    as_of = pd.Timestamp("2026-08-31")  # two months before the data ends
    on_full = backtest_alerts(full, as_of, months=4)
    on_cut = backtest_alerts(cut(full, as_of), as_of, months=4)
    assert_frame_equal(on_full, on_cut)
    assert on_full.attrs == on_cut.attrs
    # 2026-08-31 - 180 days = 2026-03-04: the 4 month-ends up to 2026-02-28
    assert on_full.attrs["dates"] == ["2025-11-30", "2025-12-31", "2026-01-31", "2026-02-28"]
    # the model can be fitted here, so its rows are in the comparison too
    assert "early_warning_high" in on_full.index and "churn_risk" in on_full.index
    assert on_full.attrs["model_note"] == (
        "early-warning row: model fitted at 2025-11-30 on the outcomes known then"
    )
    assert np.isfinite(on_full.loc["any_high", "lift"])


def test_refused_without_outcomes():
    with pytest.raises(ModelError, match="no outcomes table"):
        backtest_alerts(portfolio(outcomes=None), AS_OF, months=MONTHS, horizon_days=H)


@pytest.mark.parametrize("months", [0, -1, 1.5, True])
def test_months_must_be_a_whole_number_from_one(tiny, months):
    with pytest.raises(ModelError, match=r"months: expected a whole number >= 1"):
        backtest_alerts(tiny, AS_OF, months=months, horizon_days=H)


@pytest.mark.parametrize("horizon", [0, -90])
def test_horizon_must_be_positive(tiny, horizon):
    with pytest.raises(ModelError, match=r"horizon_days: expected a whole number >= 1"):
        backtest_alerts(tiny, AS_OF, months=MONTHS, horizon_days=horizon)


def test_no_active_account_is_a_clear_error():
    # every account churned before t1: there is no account-month to learn from
    everyone = pd.DataFrame(
        {"account_id": list("ABCDEF"), "occurred_on": "2025-12-31", "event": "churn"}
    )
    with pytest.raises(ModelError, match="no active account"):
        backtest_alerts(portfolio(outcomes=everyone), AS_OF, months=MONTHS, horizon_days=H)
