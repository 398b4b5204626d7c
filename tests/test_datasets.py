"""The synthetic portfolio generator: every data-model rule, determinism, scale and signal.

Each rule is checked by hand with plain pandas on the generated frames, not through the
loader, so a generator bug cannot hide behind a loader bug (one test also runs the loader).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from acctkit.datasets import FORECAST_HORIZON_DAYS, demo_portfolio, generate_tables, write_tables
from acctkit.errors import OutputError

END = pd.Timestamp("2026-10-31")
MONTHS = 24
WINDOW_START = pd.Timestamp("2024-11-01")  # first day of the 24 months ending 2026-10-31
PLAN_LIMIT = END + pd.Timedelta(days=FORECAST_HORIZON_DAYS)

COLUMNS = {  # docs/data-model.md, in its order
    "accounts": ["account_id", "name", "industry", "tier", "owner", "region", "annual_revenue",
                 "estimated_budget", "tam", "gross_margin_pct", "cost_to_serve",
                 "parent_account_id"],
    "assessments": ["account_id", "assessed_on", "criterion", "score", "comment"],
    "contacts": ["contact_id", "account_id", "name", "title", "business_unit", "level", "role",
                 "is_key", "influence", "left_on"],
    "interactions": ["interaction_id", "account_id", "contact_id", "occurred_on", "channel",
                     "direction", "response_hours", "co_construction", "introduction",
                     "attended", "client_attendees", "sentiment"],
    "opportunities": ["opportunity_id", "account_id", "name", "product", "business_unit",
                      "kind", "amount", "stage", "probability", "created_on",
                      "expected_close_on", "closed_on"],
    "stage_history": ["opportunity_id", "changed_on", "stage"],
    "actions": ["action_id", "account_id", "title", "owner", "due_on", "done_on", "status",
                "objective_id"],
    "nps_responses": ["response_id", "account_id", "contact_id", "responded_on", "score"],
    "tickets": ["ticket_id", "account_id", "opened_on", "closed_on", "severity", "category"],
    "feedback": ["feedback_id", "account_id", "recorded_on", "kind", "text"],
    "outcomes": ["account_id", "occurred_on", "event"],
    "overrides": ["account_id", "field", "value", "reason", "author", "set_on", "expires_on"],
    "review_notes": ["note_id", "account_id", "noted_on", "author", "kind", "text", "objective_id",
                     "due_on", "done_on"],
    "products": ["product", "family"],
    "plans": ["plan_id", "account_id", "title", "owner", "starts_on", "ends_on", "ambition",
              "revenue_target", "status"],
    "objectives": ["objective_id", "plan_id", "title", "family", "owner", "kpi", "baseline",
                   "target", "due_on", "status"],
    "plan_items": ["item_id", "plan_id", "kind", "title", "opened_on", "closed_on", "owner",
                   "impact"],
}  # fmt: skip
UNIQUE_IDS = {
    "accounts": "account_id",
    "contacts": "contact_id",
    "interactions": "interaction_id",
    "opportunities": "opportunity_id",
    "actions": "action_id",
    "nps_responses": "response_id",
    "tickets": "ticket_id",
    "feedback": "feedback_id",
}
FACT_DATES = {  # recorded facts: never after END
    "assessments": ["assessed_on"],
    "contacts": ["left_on"],
    "interactions": ["occurred_on"],
    "opportunities": ["created_on", "closed_on"],
    "stage_history": ["changed_on"],
    "actions": ["done_on"],
    "nps_responses": ["responded_on"],
    "tickets": ["opened_on", "closed_on"],
    "feedback": ["recorded_on"],
    "outcomes": ["occurred_on"],
    "overrides": ["set_on"],
}
FORECAST_DATES = {
    "opportunities": ["expected_close_on"],
    "actions": ["due_on"],
    "overrides": ["expires_on"],
}
ENUMS = {
    ("assessments", "criterion"): {
        "sector_fit", "product_fit", "roadmap_fit", "notoriety", "showcase_effect",
        "reference_capacity", "political_risk", "dependency_risk", "financial_risk",
        "operational_risk",
    },
    ("contacts", "level"): {"user", "manager", "director", "c_level"},
    ("contacts", "role"): {"sponsor", "decision_maker", "influencer", "user", "other"},
    ("interactions", "channel"): {
        "meeting", "call", "email", "workshop", "steering_committee", "event", "other",
    },
    ("interactions", "direction"): {"inbound", "outbound"},
    ("opportunities", "kind"): {"new", "renewal", "upsell", "cross_sell"},
    ("opportunities", "stage"): {
        "prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost",
    },
    ("stage_history", "stage"): {
        "prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost",
    },
    ("actions", "status"): {"planned", "in_progress", "done", "cancelled"},
    ("tickets", "severity"): {"low", "medium", "high", "critical"},
    ("feedback", "kind"): {"irritant", "praise", "request"},
    ("outcomes", "event"): {"churn", "downsell", "renewal_lost"},
    ("accounts", "tier"): {"strategic", "key", "growth"},
    ("overrides", "field"): {"health_band", "segment", "risk_band"},
}  # fmt: skip
CLOSED = {"closed_won", "closed_lost"}
STAGE_RANK = {"prospecting": 0, "qualification": 1, "proposal": 2, "negotiation": 3}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return generate_tables(n_accounts=150, months=MONTHS, end=END.date(), seed=11)


def _frames_equal(left: dict, right: dict) -> None:
    assert list(left) == list(right)
    for name in left:
        pd.testing.assert_frame_equal(left[name], right[name], check_exact=True)


# -- shape and types ------------------------------------------------------------------------


def test_every_table_with_the_canonical_columns(tables):
    assert list(tables) == list(COLUMNS)
    for name, columns in COLUMNS.items():
        assert list(tables[name].columns) == columns, name
        assert len(tables[name]) > 0, name


def test_ids_are_strings_dates_are_days_flags_are_bool(tables):
    for name, frame in tables.items():
        for column in frame.columns:
            values = frame[column]
            if column.endswith("_id"):
                assert values.dropna().map(type).eq(str).all(), (name, column)
            elif column.endswith("_on"):
                assert pd.api.types.is_datetime64_dtype(values), (name, column)
                dates = values.dropna()
                assert (dates == dates.dt.normalize()).all(), (name, column)
    assert tables["contacts"]["is_key"].dtype == bool
    for column in ["co_construction", "introduction"]:
        assert tables["interactions"][column].dtype == bool
    assert tables["interactions"]["attended"].dtype == "boolean"  # blank: unknown
    for column in ["client_attendees", "sentiment"]:
        assert tables["interactions"][column].dtype == "Int64"
    for name, column in [("assessments", "score"), ("nps_responses", "score")]:
        assert pd.api.types.is_integer_dtype(tables[name][column])
    for column in ["annual_revenue", "estimated_budget", "tam", "gross_margin_pct"]:
        assert tables["accounts"][column].dtype == float


def test_account_ids_look_like_crm_ids_some_with_bare_leading_zeros(tables):
    ids = tables["accounts"]["account_id"]
    assert ids.iloc[0] == "A0001"
    assert "0007" in set(ids)
    assert ids.str.fullmatch(r"A?\d{4}").all()
    assert tables["contacts"]["contact_id"].str.fullmatch(r"C\d{6}").all()


# -- determinism -----------------------------------------------------------------------------


def test_same_arguments_give_identical_tables():
    _frames_equal(generate_tables(30, 12, seed=5), generate_tables(30, 12, seed=5))


def test_another_seed_gives_other_tables():
    first, second = generate_tables(30, 12, seed=5), generate_tables(30, 12, seed=6)
    assert not first["accounts"]["name"].equals(second["accounts"]["name"])
    assert len(first["interactions"]) != len(second["interactions"])


# -- data-model rules -----------------------------------------------------------------------


def test_ids_are_unique_and_non_empty(tables):
    for name, column in UNIQUE_IDS.items():
        ids = tables[name][column]
        assert ids.notna().all() and (ids.str.len() > 0).all(), name
        assert ids.is_unique, name


def test_one_score_per_account_criterion_and_date(tables):
    assessments = tables["assessments"]
    assert not assessments.duplicated(["account_id", "assessed_on", "criterion"]).any()
    rounds = assessments.groupby("account_id")["assessed_on"].nunique()
    assert (rounds > 1).mean() > 0.3


def test_required_columns_have_no_blanks(tables):
    required = {
        "accounts": ["name"],
        "assessments": ["account_id", "assessed_on", "criterion", "score"],
        "contacts": ["account_id", "name"],
        "interactions": ["account_id", "occurred_on"],
        "opportunities": ["account_id", "kind", "amount", "stage", "created_on"],
        "stage_history": ["opportunity_id", "changed_on", "stage"],
        "actions": ["account_id", "title", "due_on"],
        "nps_responses": ["account_id", "responded_on", "score"],
        "tickets": ["account_id", "opened_on", "severity"],
        "feedback": ["account_id", "recorded_on", "kind"],
        "outcomes": ["account_id", "occurred_on", "event"],
        "overrides": ["account_id", "field", "value", "reason", "set_on", "expires_on"],
    }
    for name, columns in required.items():
        assert tables[name][columns].notna().all().all(), name


def test_references_exist(tables):
    accounts = set(tables["accounts"]["account_id"])
    for name, frame in tables.items():
        if "account_id" in frame and name != "accounts":
            assert frame["account_id"].isin(accounts).all(), name
    contacts = set(tables["contacts"]["contact_id"])
    for name in ["interactions", "nps_responses"]:
        given = tables[name]["contact_id"].dropna()
        assert given.isin(contacts).all(), name
    opportunities = set(tables["opportunities"]["opportunity_id"])
    assert tables["stage_history"]["opportunity_id"].isin(opportunities).all()


def test_a_contact_named_belongs_to_the_same_account_and_is_still_there(tables):
    contacts = tables["contacts"].set_index("contact_id")
    for name, date in [("interactions", "occurred_on"), ("nps_responses", "responded_on")]:
        rows = tables[name].dropna(subset=["contact_id"])
        owner = contacts.loc[rows["contact_id"], "account_id"].to_numpy()
        assert (owner == rows["account_id"].to_numpy()).all(), name
        left = contacts.loc[rows["contact_id"], "left_on"].to_numpy()
        assert not (left <= rows[date].to_numpy()).any(), name
        assert rows.shape[0] < len(tables[name]), f"{name}: some rows have no contact"


def test_enums(tables):
    for (name, column), allowed in ENUMS.items():
        values = set(tables[name][column].dropna())
        assert values <= allowed, (name, column, values - allowed)
    assert tables["interactions"]["direction"].isna().any()


def test_ranges(tables):
    accounts = tables["accounts"]
    for column in ["annual_revenue", "estimated_budget", "tam", "cost_to_serve"]:
        assert (accounts[column] >= 0).all(), column
    assert accounts["gross_margin_pct"].between(10, 60).all()
    assert (accounts["tam"] >= accounts["estimated_budget"]).all()
    assert (accounts["estimated_budget"] >= accounts["annual_revenue"]).mean() > 0.85
    assert tables["assessments"]["score"].between(1, 5).all()
    assert tables["contacts"]["influence"].dropna().between(1, 5).all()
    assert tables["contacts"]["influence"].isna().any()
    assert tables["nps_responses"]["score"].between(0, 10).all()
    assert (tables["opportunities"]["amount"] >= 0).all()
    assert tables["opportunities"]["probability"].dropna().between(0, 100).all()
    assert tables["opportunities"]["probability"].isna().any()
    hours = tables["interactions"]["response_hours"]
    assert (hours.dropna() >= 0).all() and hours.isna().any()


def test_facts_lie_in_the_window_and_forecasts_within_the_plan_horizon(tables):
    for name, columns in FACT_DATES.items():
        for column in columns:
            dates = tables[name][column].dropna()
            assert dates.between(WINDOW_START, END).all(), (name, column)
    for name, columns in FORECAST_DATES.items():
        for column in columns:
            dates = tables[name][column].dropna()
            assert dates.between(WINDOW_START, PLAN_LIMIT).all(), (name, column)


def test_a_month_end_that_is_not_a_month_end():
    end = pd.Timestamp("2026-03-15")
    tables = generate_tables(20, 3, end=end, seed=2)
    occurred = tables["interactions"]["occurred_on"]
    assert occurred.max() <= end
    assert occurred.min() >= pd.Timestamp("2026-01-01")


def test_opportunities_closed_exactly_when_their_stage_is_closed(tables):
    opportunities = tables["opportunities"]
    closed_stage = opportunities["stage"].isin(CLOSED)
    assert (closed_stage == opportunities["closed_on"].notna()).all()
    closed = opportunities[closed_stage]
    assert (closed["closed_on"] >= closed["created_on"]).all()
    assert opportunities["stage"].nunique() == 6
    assert set(opportunities["kind"]) == ENUMS[("opportunities", "kind")]


def test_deals_opened_on_the_last_day_are_open_with_one_history_row():
    tables = generate_tables(600, 1, seed=12)
    opportunities = tables["opportunities"]
    last_day = opportunities[opportunities["created_on"] == END]
    assert len(last_day) > 0
    assert last_day["closed_on"].isna().all()
    assert last_day["stage"].isin(STAGE_RANK).all()
    history = tables["stage_history"]
    rows = history[history["opportunity_id"].isin(last_day["opportunity_id"])]
    assert (rows["changed_on"] == END).all()
    assert not rows["opportunity_id"].duplicated().any()


def test_stage_history_agrees_with_each_opportunity(tables):
    history = tables["stage_history"]
    opportunities = tables["opportunities"].set_index("opportunity_id")
    assert history["opportunity_id"].nunique() > 0.8 * len(opportunities)
    assert not history.duplicated(["opportunity_id", "changed_on"]).any()
    assert history.groupby("opportunity_id", sort=False)["changed_on"].is_monotonic_increasing.all()
    first = history.groupby("opportunity_id").first()
    last = history.groupby("opportunity_id").last()
    assert (first["changed_on"] == opportunities.loc[first.index, "created_on"]).all()
    assert (last["stage"] == opportunities.loc[last.index, "stage"]).all()
    closed = last[last["stage"].isin(CLOSED)]
    assert (closed["changed_on"] == opportunities.loc[closed.index, "closed_on"]).all()
    # open stages only move forward, and a closed stage is always the last row
    rank = history["stage"].map(STAGE_RANK)
    previous = rank.groupby(history["opportunity_id"]).shift()
    moved = previous.notna() & rank.notna()
    assert (rank[moved] > previous[moved]).all()
    after_close = history["stage"].isin(CLOSED).groupby(history["opportunity_id"]).shift()
    assert not after_close.fillna(False).astype(bool).any()


def test_action_status_agrees_with_done_on(tables):
    actions = tables["actions"]
    done = actions["status"] == "done"
    assert (done == actions["done_on"].notna()).all()
    assert set(actions["status"]) == ENUMS[("actions", "status")]


def test_tickets_close_after_they_open(tables):
    tickets = tables["tickets"]
    closed = tickets.dropna(subset=["closed_on"])
    assert (closed["closed_on"] >= closed["opened_on"]).all()
    assert 0.8 < len(closed) / len(tickets) < 1.0
    assert set(tickets["severity"]) == ENUMS[("tickets", "severity")]


def test_contacts_per_account_sponsors_and_key_people(tables):
    contacts = tables["contacts"]
    per_account = contacts.groupby("account_id").size()
    assert per_account.between(3, 15).all()
    assert len(per_account) == len(tables["accounts"])
    sponsors = contacts[contacts["role"] == "sponsor"].groupby("account_id").size()
    assert (sponsors == 1).all()
    assert 0.93 < len(sponsors) / len(per_account) < 1.0  # most key accounts have one
    assert 0.3 < contacts["is_key"].mean() < 0.55
    assert contacts["left_on"].notna().any()
    assert set(contacts["level"]) == ENUMS[("contacts", "level")]


def test_nothing_happens_after_a_churn(tables):
    churns = tables["outcomes"].query("event == 'churn'").groupby("account_id")["occurred_on"]
    churn_day = churns.min()
    assert len(churn_day) > 0
    for name, columns in FACT_DATES.items():
        frame = tables[name]
        if "account_id" not in frame:
            frame = frame.merge(tables["opportunities"][["opportunity_id", "account_id"]])
        limit = frame["account_id"].map(churn_day)
        for column in columns:
            assert not (frame[column] > limit).any(), (name, column)
    assert (
        tables["outcomes"]
        .groupby("account_id")["event"]
        .apply(lambda events: "churn" not in list(events)[:-1])
        .all()
    )


# -- realism --------------------------------------------------------------------------------


def test_sizes_scale_with_the_number_of_accounts():
    small, large = generate_tables(100, 12, seed=3), generate_tables(400, 12, seed=3)
    for name in ["contacts", "interactions", "opportunities", "actions", "tickets"]:
        ratio = len(large[name]) / len(small[name])
        assert 3.0 < ratio < 5.0, (name, ratio)


def test_names_are_varied_mostly_distinct_and_not_all_ascii():
    names = generate_tables(2000, 1, seed=4)["accounts"]["name"]
    assert names.is_unique
    assert (~names.map(str.isascii)).mean() > 0.3
    assert names.str.contains("Compagnie Générale des").any()
    assert generate_tables(150, 1, seed=4)["contacts"]["name"].map(str.isascii).mean() < 0.9


def test_a_tenth_to_a_fifth_of_accounts_have_an_outcome():
    tables = generate_tables(600, MONTHS, seed=8)
    share = tables["outcomes"]["account_id"].nunique() / 600
    assert 0.10 <= share <= 0.22


def test_about_a_tenth_of_key_accounts_have_an_outcome_each_year():
    """Key-account portfolios lose or shrink about 10-15 % of their accounts a year; the
    first year of a history is quieter (declines take months to end in an outcome)."""
    outcomes = generate_tables(600, 36, end=END, seed=8)["outcomes"]
    last_year = outcomes[outcomes["occurred_on"] > END - pd.DateOffset(years=1)]
    assert 0.09 <= last_year["account_id"].nunique() / 600 <= 0.16


def test_engagement_falls_irritants_rise_and_nps_drops_before_an_outcome():
    """Compare the 90 days before each first outcome with the 90 days before that; accounts
    without an outcome are measured at the same dates (the median outcome date)."""
    tables = generate_tables(400, MONTHS, seed=9)
    first = tables["outcomes"].groupby("account_id")["occurred_on"].min()
    accounts = tables["accounts"]["account_id"]
    at = pd.Series(accounts.map(first).fillna(first.median()).to_numpy(), index=accounts)
    has_outcome = accounts.isin(first.index).to_numpy()

    def count(frame, column, start_days, stop_days):
        when = frame["account_id"].map(at)
        inside = (frame[column] > when - pd.Timedelta(days=start_days)) & (
            frame[column] <= when - pd.Timedelta(days=stop_days)
        )
        return frame[inside].groupby("account_id").size().reindex(accounts, fill_value=0)

    interactions = tables["interactions"]
    recent = count(interactions, "occurred_on", 90, 0).to_numpy()
    before = count(interactions, "occurred_on", 180, 90).to_numpy()
    slowdown = np.log((before + 1) / (recent + 1))
    assert slowdown[has_outcome].mean() > slowdown[~has_outcome].mean() + 0.3

    irritants = tables["feedback"].query("kind == 'irritant'")
    irritant_count = count(irritants, "recorded_on", 90, 0).to_numpy()
    assert irritant_count[has_outcome].mean() > 2 * irritant_count[~has_outcome].mean()

    nps = tables["nps_responses"]
    when = nps["account_id"].map(at)
    in_half_year = nps["responded_on"].between(when - pd.Timedelta(days=179), when)
    recent_nps = nps[in_half_year]
    mean_score = recent_nps.groupby("account_id")["score"].mean().reindex(accounts)
    assert mean_score[has_outcome].mean() < mean_score[~has_outcome].mean() - 1.0


def test_enthusiasm_cools_and_meetings_are_missed_months_before_an_outcome():
    """Ratings and missed meetings in the 90 days that end 60 days before each first
    outcome; accounts without one at the median outcome date. Steering committees are held
    with strategic accounts only."""
    tables = generate_tables(400, MONTHS, seed=9)
    first = tables["outcomes"].groupby("account_id")["occurred_on"].min()
    interactions = tables["interactions"]
    when = interactions["account_id"].map(first).fillna(first.median())
    early = interactions[
        (interactions["occurred_on"] > when - pd.Timedelta(days=150))
        & (interactions["occurred_on"] <= when - pd.Timedelta(days=60))
    ]
    declined = early["account_id"].isin(first.index)
    mood = early["sentiment"].astype("float64").groupby(declined).mean()
    assert mood[True] < mood[False] - 0.3
    missed = early["attended"].eq(False).groupby(declined).mean()
    assert missed[True] > 2 * missed[False]
    assert early.loc[early["attended"].eq(False), "sentiment"].isna().all()
    tiers = tables["accounts"].set_index("account_id")["tier"]
    committees = interactions[interactions["channel"] == "steering_committee"]
    assert len(committees) and (committees["account_id"].map(tiers) == "strategic").all()


def test_health_shows_in_reactivity_co_construction_and_wins():
    tables = generate_tables(400, MONTHS, seed=9)
    declined = set(tables["outcomes"]["account_id"])
    interactions = tables["interactions"].assign(
        declined=tables["interactions"]["account_id"].isin(declined)
    )
    recent = interactions[interactions["occurred_on"] > END - pd.Timedelta(days=365)]
    by_group = recent.groupby("declined")
    assert by_group["response_hours"].median()[True] > by_group["response_hours"].median()[False]
    assert by_group["co_construction"].mean()[True] < by_group["co_construction"].mean()[False]
    assert by_group["introduction"].mean()[True] < by_group["introduction"].mean()[False]
    inbound = (recent["direction"] == "inbound").groupby(recent["declined"]).mean()
    assert inbound[True] < inbound[False]
    deals = tables["opportunities"].dropna(subset=["closed_on"])
    won = (deals["stage"] == "closed_won").groupby(deals["account_id"].isin(declined)).mean()
    assert won[True] < won[False]


# -- files and the Portfolio ----------------------------------------------------------------


def test_write_tables_writes_plain_utf8_csv_atomically_and_reproducibly(tmp_path):
    tables = generate_tables(25, 6, seed=1)
    first = write_tables(tables, tmp_path / "a" / "nested")
    second = write_tables(tables, tmp_path / "b")
    assert [p.name for p in first] == [f"{name}.csv" for name in tables]
    for one, other in zip(first, second, strict=True):
        assert one.read_bytes() == other.read_bytes()
    assert sorted(p.name for p in (tmp_path / "a" / "nested").iterdir()) == sorted(
        p.name for p in first
    )
    text = (tmp_path / "b" / "interactions.csv").read_text(encoding="utf-8")
    header, row = text.splitlines()[:2]
    assert header == ",".join(COLUMNS["interactions"])
    assert set(row.split(",")[7:9]) <= {"true", "false"}  # co_construction, introduction
    attended = {line.split(",")[9] for line in text.splitlines()[1:]}
    assert attended == {"true", "false", ""}  # blank: unknown
    assert "\r" not in text
    read = pd.read_csv(tmp_path / "b" / "accounts.csv", dtype=str, keep_default_na=False)
    assert read["account_id"].tolist() == tables["accounts"]["account_id"].tolist()
    assert read["name"].tolist() == tables["accounts"]["name"].tolist()
    contacts = pd.read_csv(tmp_path / "b" / "contacts.csv", dtype=str, keep_default_na=False)
    assert contacts["left_on"].str.fullmatch(r"(\d{4}-\d{2}-\d{2})?").all()


def test_write_tables_replaces_existing_files(tmp_path):
    (tmp_path / "accounts.csv").write_text("stale")
    tables = generate_tables(5, 2, seed=1)
    write_tables({"accounts": tables["accounts"]}, tmp_path)
    assert (tmp_path / "accounts.csv").read_text(encoding="utf-8").startswith("account_id,")
    assert [p.name for p in tmp_path.iterdir()] == ["accounts.csv"]


class _Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("cannot be written")


def test_a_failed_write_leaves_the_previous_file_and_no_temporary_file(tmp_path):
    (tmp_path / "accounts.csv").write_text("previous")
    broken = generate_tables(5, 2, seed=1)["accounts"].astype({"name": object})
    broken.loc[3, "name"] = _Unprintable()
    with pytest.raises(RuntimeError):
        write_tables({"accounts": broken}, tmp_path)
    assert (tmp_path / "accounts.csv").read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["accounts.csv"]


def test_a_folder_that_cannot_be_created_is_an_output_error(tmp_path):
    (tmp_path / "taken").write_text("a file, not a folder")
    with pytest.raises(OutputError, match="taken"):
        write_tables(generate_tables(3, 1), tmp_path / "taken")


def test_demo_portfolio_is_a_validated_portfolio():
    portfolio = demo_portfolio()
    assert len(portfolio.accounts) == 120  # DEMO_SIZE: enough history for the model
    assert set(portfolio.tables()) == set(COLUMNS)
    assert portfolio.interactions["occurred_on"].max() <= END


def test_written_files_load_back_into_the_same_portfolio(tmp_path):
    from acctkit.data import from_frames, load_portfolio

    tables = generate_tables(25, 6, seed=1)
    write_tables(tables, tmp_path)
    loaded, in_memory = load_portfolio(tmp_path), from_frames(tables)
    for name, frame in in_memory.tables().items():
        pd.testing.assert_frame_equal(loaded.tables()[name], frame, obj=name)


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError):
        generate_tables(n_accounts=0)
    with pytest.raises(ValueError):
        generate_tables(months=0)
