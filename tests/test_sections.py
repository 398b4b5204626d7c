"""Review sections: the numbers they show (by hand), their words in both languages, and
the escaping of every value that comes from the data."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from acctkit.data import load_portfolio
from acctkit.errors import ReportError
from acctkit.format import NBSP, compact, date, number, percent, signed
from acctkit.i18n import labels
from acctkit.kpis.scores import SEGMENTS
from acctkit.report import sections, tables
from acctkit.report.bundle import AccountBundle, build_bundle, load_account, load_tables
from acctkit.report.cells import kpi_value
from acctkit.report.html import Html

WORKED = Path(__file__).parent / "fixtures" / "worked-example"
HOSTILE = "<script>alert(1)</script>"
ESCAPED = html.escape(HOSTILE)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    portfolio = load_portfolio(WORKED)
    # W1's NPS drift (-150) rests on 2 answers and 1 before: relax nps_drop's minimum so
    # that the sections have an NPS alert to show
    relaxed = {"alerts": {"nps_drop": {"min_responses": 1}}}
    return build_bundle(portfolio, "2026-06-30", tmp_path_factory.mktemp("bundle"), config=relaxed)


@pytest.fixture(scope="module")
def w1(bundle):
    return load_account(bundle, "W1")


def replaced(account: AccountBundle, **frames) -> AccountBundle:
    """The account with some tables replaced (the bundle's files are left alone)."""
    return AccountBundle(account.account_id, account.meta, {**account.tables, **frames})


def with_values(account, now: dict, before: dict) -> AccountBundle:
    """The account with KPI values set at this review and at the previous one."""
    kpis = account.kpis.assign(**now)
    history = account.history.copy()
    previous = history["as_of"] == account.previous_review
    for column, value in before.items():
        history.loc[previous, column] = value
    return replaced(account, kpis=kpis, history=history)


def hostile(account) -> AccountBundle:
    """The account with an attacker's text in every free-text field the sections show."""
    return replaced(
        account,
        accounts=account.accounts.assign(name=HOSTILE, owner=HOSTILE, industry=HOSTILE),
        actions=account.actions.assign(title=HOSTILE, owner=HOSTILE),
        alerts=account.alerts.assign(message_en=HOSTILE, message_fr=HOSTILE),
    )


# -- formatting -------------------------------------------------------------------------


def test_numbers_dates_and_percentages_in_both_languages():
    assert number(1234567.891, "en", 1) == "1,234,567.9"
    assert number(1234567.891, "fr", 1) == f"1{NBSP}234{NBSP}567,9"
    assert number(-0.04, "en", 1) == "0.0"  # never "-0.0"
    assert percent(47.674, "fr", 1) == f"47,7{NBSP}%"
    assert signed(2.5, "en", 1) == "+2.5" and signed(-3, "fr") == "-3" and signed(0.04) == "0"
    assert compact(1_250_000) == "1.2M" and compact(85_000, "fr") == f"85{NBSP}k"
    assert date("2026-06-30", "en") == "30 Jun 2026"
    assert date("2026-02-01", "fr") == "1 févr. 2026"
    assert number(np.nan, "fr") == "n.d." and percent(None, "en") == "n/a"


@pytest.mark.parametrize(
    ("column", "value", "lang", "expected"),
    [
        ("annual_revenue", 1234567.0, "fr", f"1{NBSP}234{NBSP}567"),
        ("coverage_pct", 66.6667, "en", f"66.7{NBSP}%"),
        ("strategic_fit", 3.25, "fr", "3,2 / 5"),
        ("median_response_hours", 12.0, "en", "12.0 h"),
        ("days_since_sponsor_contact", 45, "fr", "45 j"),
        ("has_sponsor", True, "fr", "Oui"),
        ("depth_level", 3, "en", "Director (3)"),
        ("depth_level", 0, "fr", "Aucun (0)"),
        ("potential_score", 40.76, "en", "40.8"),
        ("nps", -50.0, "en", "-50"),
        ("irritants", pd.NA, "en", "n/a"),
    ],
)
def test_kpi_values_are_shown_in_their_unit(column, value, lang, expected):
    assert kpi_value(column, value, lang) == expected


# -- labels -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_report_word_has_a_label(lang, w1):
    words = labels(lang)
    config = w1.meta["config"]
    components = {c for family in config["weights"].values() for c in family}
    assert set(words.components) == components
    assert set(words.stages) >= set(config["stages"]["order"])
    assert set(words.levels) == {"none", "user", "manager", "director", "c_level"}
    assert set(words.roles) == {"sponsor", "decision_maker", "influencer", "user", "other"}
    assert set(words.kinds) == {"new", "renewal", "upsell", "cross_sell"}
    assert set(words.months) == {str(m) for m in range(1, 13)}
    assert all(words.report[f"heading.{s}"] for s in ("summary", "scores", "early_warning"))
    groups = ("components", "levels", "roles", "stages", "kinds", "tiers", "action_states")
    for group in (*groups, "months", "report"):
        assert all(text.strip() for text in getattr(words, group).values()), group


def test_french_report_words_are_french():
    en, fr = labels("en").report, labels("fr").report
    different = [key for key in en if en[key] != fr[key]]
    assert len(different) > 0.9 * len(en)
    assert labels("fr").report["heading.early_warning"] == "Alerte précoce"
    assert labels("fr").stages["negotiation"] == "Négociation"


# -- account numbers ----------------------------------------------------------------------


def test_kpi_changes_direction_and_assessment_by_hand(w1):
    account = with_values(
        w1,
        now={
            "coverage_pct": 100.0,
            "irritants": 1,
            "tam": 2_000_000.0,
            "median_response_hours": 8.0,
        },
        before={
            "coverage_pct": 50.0,
            "irritants": 3,
            "tam": 1_500_000.0,
            "median_response_hours": 8.04,
        },
    )
    relationship = tables.kpi_changes(account, "relationship")
    assert relationship.loc["coverage_pct", "change"] == pytest.approx(50.0)  # 100 - 50
    assert relationship.loc["coverage_pct", "direction"] == "up"
    assert relationship.loc["coverage_pct", "assessment"] == "better"
    # 8.0 - 8.04 = -0.04 rounds to 0.0 at one decimal: unchanged as shown
    assert relationship.loc["median_response_hours", "direction"] == "same"
    execution = tables.kpi_changes(account, "execution")
    assert execution.loc["irritants", "change"] == -2  # 1 - 3
    assert execution.loc["irritants", "direction"] == "down"
    assert execution.loc["irritants", "assessment"] == "better"  # fewer irritants: good news
    potential = tables.kpi_changes(account, "potential")
    assert potential.loc["tam", "direction"] == "up"
    assert potential.loc["tam", "assessment"] == "neutral"  # context, neither good nor bad
    assert list(potential.index)[-1] == "potential_score"


def test_a_kpi_without_a_previous_value_has_no_direction(w1):
    account = with_values(w1, now={"nps": 20.0}, before={"nps": np.nan})
    changes = tables.kpi_changes(account, "execution")
    assert changes.loc["nps", "direction"] == "na"
    table = sections.kpi_table(account, "execution", "en")
    assert "no comparison" in table


def test_kpi_table_shows_both_values_and_the_change(w1):
    account = with_values(w1, now={"coverage_pct": 100.0}, before={"coverage_pct": 50.0})
    table = sections.kpi_table(account, "relationship", "fr")
    row = re.search(r"<tr><td class=\"text\">Couverture de compte</td>(.*?)</tr>", table).group(1)
    assert f"100,0{NBSP}%" in row and f"50,0{NBSP}%" in row
    assert "▲ +50,0 pts" in row and "ak-better" in row and 'title="en hausse"' in row
    assert "Cette revue (30 juin 2026)" in table and "Revue précédente (31 mai 2026)" in table


def test_score_changes_and_header_bands_in_colour_and_text(w1):
    account = with_values(
        w1,
        now={"health_score": 71.375, "health_band": "green"},
        before={"health_score": 63.5, "health_band": "amber"},
    )
    scores = tables.score_changes(account)
    assert scores.loc["health_score", "change"] == pytest.approx(7.875)
    assert scores.loc["health_score", "band"] == "green"
    assert scores.loc["health_score", "previous_band"] == "amber"
    header = sections.header(account, "en")
    tile = re.search(
        r'<div class="ak-tile ak-green"><div class="ak-tile-name">Health score(.*?)</div></div>',
        header,
    )
    assert tile, header
    assert '<span class="ak-badge ak-green">Green</span>' in tile.group(1)  # colour + word
    assert "▲ +7.9" in tile.group(1) and "since 31 May 2026" in tile.group(1)


def test_header_names_the_account_recommendation_and_risk(w1):
    header = sections.header(w1, "fr")
    assert "Northwind Logistics" in header and "Stratégique" in header  # tier label
    assert "Recommandation" in header and "score de potentiel" in header
    assert "Risque (alerte précoce)" in header and "n.d." in header  # no model
    assert header.startswith("<style>")


def test_score_breakdown_points_add_up_to_the_score(w1):
    components = tables.score_components(w1)
    potential = components[components["score"] == "potential_score"]
    assert potential["points"].sum() == pytest.approx(w1.kpis["potential_score"].iloc[0])
    assert potential["share"].sum() == pytest.approx(1.0)
    block = sections.score_breakdown(w1, "en")
    assert block.count("<table") == 3
    assert (
        "Budget (rank in the portfolio)" in block and "Few irritants and critical tickets" in block
    )


def test_score_breakdown_shares_the_weight_of_a_missing_component(bundle):
    w2 = load_account(bundle, "W2")
    execution = (
        tables.score_components(w2).query("score == 'execution_score'").set_index("component")
    )
    # W2: actions and wins have no data; pipeline 0.15, satisfaction 0.25, calm 0.15 remain
    assert np.isnan(execution.loc["actions", "share"])
    assert execution.loc["satisfaction", "share"] == pytest.approx(0.25 / 0.55)
    assert execution["points"].sum() == pytest.approx(w2.kpis["execution_score"].iloc[0])


def test_a_score_without_enough_data_says_why(w1):
    breakdown = w1.breakdown.copy()
    breakdown.loc[breakdown["score"] == "execution_score", "points"] = np.nan
    block = sections.score_breakdown(replaced(w1, breakdown=breakdown), "en")
    assert block.count("Too little data") == 1


def test_actions_overdue_first_with_days_late(w1):
    block = sections.actions_table(w1, "en")
    rows = re.findall(r"<tr>(.*?)</tr>", block.split("<tbody>")[1])
    assert (
        "Overdue" in rows[0] and "Joint roadmap" in rows[0] and ">15<" in rows[0]
    )  # 30 Jun - 15 Jun
    assert all("Done" in row for row in rows[1:])


def test_alerts_highest_severity_first_with_value_and_threshold(w1):
    block = sections.alerts_table(w1, "en")
    rows = re.findall(r"<tr>(.*?)</tr>", block.split("<tbody>")[1])
    severities = [re.search(r"ak-badge ak-(\w+)", row).group(1) for row in rows]
    assert severities == sorted(severities, key=["high", "medium"].index)
    nps = next(row for row in rows if "NPS drop" in row)
    assert "-150 pts" in nps and "-20 pts" in nps


def test_no_alert_is_said_in_words(w1):
    account = replaced(w1, alerts=w1.alerts.iloc[:0])
    assert "Aucune alerte" in sections.alerts_table(account, "fr")


def test_early_warning_without_a_model_says_it_is_not_available(w1):
    block = sections.early_warning(w1, "en")
    assert "The early warning is not available for this review" in block
    assert "n'est pas disponible" in sections.early_warning(w1, "fr")


def test_early_warning_with_a_score(w1):
    risk = pd.DataFrame(
        {
            "account_id": ["W1"],
            "risk_probability": [0.62],
            "risk_band": ["high"],
            "drivers_en": ["3 irritants in the last 90 days; interactions down 40 %"],
            "drivers_fr": ["3 irritants sur les 90 derniers jours; interactions en baisse de 40 %"],
        }
    )
    history = pd.DataFrame(
        {
            "account_id": ["W1"] * 2,
            "as_of": pd.to_datetime(["2026-05-31", "2026-06-30"]),
            "risk_probability": [0.40, 0.62],
        }
    )
    meta = {**w1.meta, "model": {"metrics": [{"scorer": "model", "roc_auc": 0.7123}]}}
    account = AccountBundle("W1", meta, {**w1.tables, "risk": risk, "risk_history": history})
    summary = tables.risk_summary(account)
    assert summary["drivers"] == "3 irritants in the last 90 days; interactions down 40 %"
    assert tables.risk_summary(account, "fr")["drivers"].startswith("3 irritants sur")
    assert summary["change_points"] == pytest.approx(22.0)  # 62 % - 40 %
    assert summary["direction"] == "up" and summary["assessment"] == "worse"
    block = sections.early_warning(account, "fr")
    assert f"62{NBSP}%" in block and '<span class="ak-badge ak-high">Élevé</span>' in block
    assert "▲ +22 pts" in block
    assert "<li>3 irritants sur les 90 derniers jours</li>" in block
    assert "<li>Interactions en baisse de 40 %</li>" in block
    assert "AUC ROC de 0,71" in block


def test_every_value_from_the_data_is_escaped(w1):
    account = hostile(w1)
    blocks = [
        sections.header(account, "en"),
        sections.actions_table(account, "en"),
        sections.alerts_table(account, "fr"),
    ]
    for block in blocks:
        assert HOSTILE not in block
        assert ESCAPED in block
    assert (
        sections.account_title(account, "en") == f"Account review: {HOSTILE}"
    )  # escaped by the template


def test_judgement_and_overrides_are_shown_and_their_text_escaped(w1):
    judgement = pd.DataFrame(
        {
            "account_id": ["W1", "W1"],
            "criterion": ["sector_fit", "product_fit"],
            "score": pd.array([4, 2], dtype="Int64"),
            "assessed_on": pd.to_datetime(["2026-06-01", "2025-04-20"]),
            "age_days": [29, 436],  # 436 / 30.44 = 14.3: 14 months
            "valid_days": [180, 180],
            "stale": [False, True],
        }
    )
    overrides = pd.DataFrame(
        {
            "account_id": ["W1", "W1"],
            "field": ["health_band", "segment"],
            "value": ["red", "invest"],
            "reason": [HOSTILE, "Board priority"],
            "author": [HOSTILE, None],
            "set_on": pd.to_datetime(["2026-06-01", "2026-01-01"]),
            "expires_on": pd.to_datetime(["2026-09-30", "2026-06-15"]),
            "status": ["in_force", "expired"],
        }
    )
    kpis = w1.kpis.assign(health_band_computed="green")
    account = replaced(w1, judgement=judgement, overrides=overrides, kpis=kpis)
    table = sections.judgement_table(account, "en")
    assert "rated 29 days ago" in table and "rated 14 months ago" in table
    assert table.count("ak-badge ak-stale") == 1
    assert "A stale score still counts in the potential score above." in table
    note = sections.overrides_note(account, "en")
    assert HOSTILE not in note and note.count(ESCAPED) == 2  # the reason and the author
    assert f"Override: health band set to Red by {ESCAPED} until 30 Sep 2026 " in note
    assert "(computed: Green)" in note
    assert "ak-override-expired" in note
    assert "Override ended: the recommendation set to Raise / invest by an unnamed author " in note
    assert "expired on 15 Jun 2026" in note
    french = sections.judgement_table(account, "fr")
    assert "notée il y a 14 mois" in french and "périmée" in french
    assert "Fin de forçage" in sections.overrides_note(account, "fr")
    assert str(sections.overrides_note(replaced(w1), "en")) == ""  # none: nothing shown


def test_intro_gives_heading_and_explanation_in_the_language(w1):
    block = sections.intro("potential", "fr", w1.meta)
    assert block.startswith("<h2>Potentiel &amp; stratégie</h2><p>")
    assert "(31 mai 2026)" in block
    block = sections.intro("relationship", "en", w1.meta)
    assert "in the last 90 days" in block
    assert isinstance(block, Html) and block._repr_html_() == str(block)


# -- portfolio ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def portfolio_tables(bundle):
    loaded = load_tables(bundle, ("accounts", "kpis", "alerts", "risk"))
    risk = pd.DataFrame(
        {
            "account_id": pd.array(["W1", "W2"], dtype="string"),
            "risk_probability": [0.35, 0.8],
            "risk_band": ["medium", "high"],
            "drivers_en": ["a; b", "c"],
            "drivers_fr": ["a; b", "c"],
        }
    )
    accounts = loaded["accounts"].copy()
    accounts.loc[accounts["account_id"] == "W2", "name"] = HOSTILE
    return {**loaded, "risk": risk, "accounts": accounts}


def test_ranking_by_potential_with_alert_counts(portfolio_tables):
    ranking = tables.ranking(portfolio_tables)
    kpis = portfolio_tables["kpis"].set_index("account_id")
    expected = kpis["potential_score"].sort_values(ascending=False).index.tolist()
    assert ranking["account_id"].tolist() == expected
    assert ranking["rank"].tolist() == [1, 2]
    w1 = ranking.set_index("account_id").loc["W1"]
    # high: nps_drop, critical_tickets and objective_off_track (its plan's NPS objective,
    # account-plan.md); medium: slipped_deals, enthusiasm_drop and no_steering_committee
    # (v1.1, J8)
    assert w1["alerts"] == 6 and w1["high_alerts"] == 3
    assert w1["plan_status"] == "off_track"


def test_ranking_table_links_and_escapes(portfolio_tables):
    links = json.dumps({"W1": "accounts/W1.html", "W2": "accounts/W2 & co.html"})
    block = sections.ranking_table(portfolio_tables, "en", links)
    assert '<a href="accounts/W1.html">Northwind Logistics</a>' in block
    assert f'<a href="accounts/W2 &amp; co.html">{ESCAPED}</a>' in block
    assert HOSTILE not in block
    assert "An account's name opens its review." in block
    unlinked = sections.ranking_table(portfolio_tables, "fr", "")
    assert "<a " not in unlinked and "Élevé" in unlinked


@pytest.mark.parametrize(
    "url", ["https://evil.example/x.html", "//evil.example/x", "/etc/passwd", "javascript:alert(1)"]
)
def test_only_relative_links_are_accepted(url):
    with pytest.raises(ReportError, match="relative URLs"):
        tables.parse_links(json.dumps({"W1": url}))


def test_bad_json_parameters_are_clear_errors():
    with pytest.raises(ReportError, match="account_links is not valid JSON"):
        tables.parse_links("{W1: x}")
    with pytest.raises(ReportError, match="failed_accounts must be"):
        tables.parse_failures('{"account_id": "W1"}')


def test_texts_in_a_language_the_bundle_lacks_are_english():
    risk = pd.DataFrame({"drivers_en": ["a"], "drivers_fr": ["b"]})
    assert tables.language_column(risk, "drivers", "fr") == "drivers_fr"
    assert tables.language_column(risk, "drivers", "xx") == "drivers_en"


def test_top_risks_and_segments(portfolio_tables):
    top = tables.top_risks(portfolio_tables, count=1)
    assert top["account_id"].tolist() == ["W2"]
    assert top["drivers"].tolist() == ["c"]
    block = sections.top_risks_table(portfolio_tables, "en")
    assert block.index(ESCAPED) < block.index("Northwind Logistics")  # 80 % before 35 %
    segments = tables.segment_summary(portfolio_tables)
    assert segments["accounts"].sum() == 2
    assert segments["revenue_share_pct"].sum() == pytest.approx(100.0)
    assert list(segments.index) == [s for s in SEGMENTS if s != "unrated"]
    assert "Élever / investir" in sections.segment_table(portfolio_tables, "fr")


def test_portfolio_header_tiles(portfolio_tables, bundle):
    from acctkit.report import read_meta

    block = sections.portfolio_header(portfolio_tables, read_meta(bundle), "fr")
    assert "2 comptes revus le 30 juin 2026" in block
    assert 'Comptes à risque élevé</div><div class="ak-tile-value">1<' in block


def test_portfolio_header_counts_strategic_accounts_without_a_steering_committee(
    portfolio_tables, bundle
):
    from acctkit.report import read_meta

    # W1 is strategic and held none in the window (J8 was missed); W2 is "key".
    assert tables.portfolio_totals(portfolio_tables)["without_steering_committee"] == 1
    block = sections.portfolio_header(portfolio_tables, read_meta(bundle), "en")
    assert (
        "Strategic accounts without a steering committee (90 days)</div>"
        '<div class="ak-tile-value">1<' in block
    )
    french = sections.portfolio_header(portfolio_tables, read_meta(bundle), "fr")
    assert "Comptes stratégiques sans comité de pilotage (90 jours)" in french
    none = {
        **portfolio_tables,
        "kpis": portfolio_tables["kpis"].assign(steering_committee_expected=False),
    }
    assert tables.portfolio_totals(none)["without_steering_committee"] is None


def test_relationship_table_shows_meetings_and_enthusiasm_against_the_previous_review(w1):
    # On 2026-05-31 (previous review) the window is (03-02, 05-31]: no meeting (attendance
    # and attendees n/a), ratings J2 3 and J5 5 -> 4.0; the window before, (12-02, 03-02],
    # holds one rating (J4) -> n/a, and so is the drift.
    changes = tables.kpi_changes(w1, "relationship")
    rows = changes.loc[
        [
            "meeting_attendance_pct",
            "client_attendees_mean",
            "steering_committees",
            "sentiment",
            "sentiment_prev",
            "sentiment_drift",
        ]
    ]
    np.testing.assert_array_equal(rows["value"], [50.0, 3.0, 0.0, 3.5, 5.0, -1.5])
    np.testing.assert_array_equal(rows["previous"], [np.nan, np.nan, 0.0, 4.0, np.nan, np.nan])
    assert "steering_committee_expected" not in changes.index  # not a catalogue KPI
    block = sections.kpi_table(w1, "relationship", "fr")
    assert "Participation aux réunions" in block and f"50,0{NBSP}%" in block
    assert "Enthousiasme du client" in block and "3,5 / 5" in block
    english = sections.kpi_table(w1, "relationship", "en")
    assert "Steering committees held" in english and "Enthusiasm drift" in english
    assert "<td>-1.5</td>" in english or ">-1.5<" in english


def test_a_missed_meeting_is_apart_in_the_activity_and_meets_no_contact(w1):
    june = w1.activity[w1.activity["month"] == pd.Timestamp("2026-06-30")].iloc[0]
    assert june["interactions"] == 1 and june["missed_meetings"] == 1  # J1; J8 missed
    assert w1.activity["missed_meetings"].sum() == 1
    k1 = w1.contacts.set_index("contact_id").loc["K1"]
    assert k1["interactions_window"] == 1 and k1["last_interaction"] == pd.Timestamp("2026-06-10")


def test_failed_reports_section(portfolio_tables):
    assert sections.failed_reports("", "en") == ""
    failed = json.dumps([{"account_id": "W2", "error": "KeyError: 'stage' <b>"}])
    block = sections.failed_reports(failed, "fr", portfolio_tables["accounts"])
    assert block.startswith("<h2>Rapports en échec</h2>")
    assert "KeyError: 'stage' &lt;b&gt;" in block and ESCAPED in block


def test_a_portfolio_without_nps_or_feedback_tables_still_gets_its_charts(tmp_path):
    """Both tables are optional: the activity table keeps its columns, empty (NaN)."""
    import dataclasses

    from acctkit import plots

    portfolio = dataclasses.replace(load_portfolio(WORKED), nps_responses=None, feedback=None)
    folder = build_bundle(portfolio, "2026-06-30", tmp_path / "bundle")
    activity = load_account(folder, "W1").activity
    assert {"interactions", "irritants", "nps_responses", "nps_mean_score"} <= set(activity)
    assert activity[["irritants", "nps_responses", "nps_mean_score"]].isna().all().all()
    figure = plots.satisfaction_chart(activity, "en")
    assert figure.axes and plots.figure_png(figure).startswith(b"\x89PNG")


# -- attention list and alert reliability -----------------------------------------------


def attention_tables() -> dict:
    """Five accounts; base rate 5 %. A: one high alert, revenue 1M, risk 5 % (1x: 1M at
    stake); B: a medium alert, 10M, 10 % (2x: 20M); C: no alert but the high risk band,
    100k, 20 % (4x: 400k); D: two high alerts, 2M, 10 % (2x: 4M); E: nothing."""
    ids = ["A", "B", "C", "D", "E"]
    return {
        "accounts": pd.DataFrame(
            {"account_id": ids, "name": ["Alpha", HOSTILE, "Gamma", "Delta", "Eps"]}
        ).assign(owner="Ann"),
        "kpis": pd.DataFrame({"account_id": ids, "annual_revenue": [1e6, 10e6, 100e3, 2e6, 5e6]}),
        "alerts": pd.DataFrame(
            {
                "account_id": ["A", "D", "D", "B"],
                "code": ["no_sponsor", "critical_tickets", "nps_drop", "low_coverage"],
                "severity": ["high", "high", "high", "medium"],
                "message_en": ["No sponsor", "2 critical tickets", "NPS down", "Low"],
                "message_fr": ["Pas de sponsor", "2 tickets", "NPS en baisse", "Faible"],
            }
        ),
        "risk": pd.DataFrame(
            {
                "account_id": ids,
                "risk_probability": [0.05, 0.10, 0.20, 0.10, 0.01],
                "risk_band": ["low", "medium", "high", "medium", "low"],
                "drivers_en": [""] * 5,
            }
        ),
    }


ATTENTION_META = {
    "model": {"base_rate": 0.05, "horizon_days": 180},
    "config": {"attention": {"max_accounts": 2}},
}


def test_attention_ranks_by_severity_then_revenue_at_stake():
    frame = tables.attention(attention_tables(), ATTENTION_META, "en")
    # high first: D (4M at stake), A (1M), C (0.4M, by its risk band); then medium: B
    assert frame["account_id"].tolist() == ["D", "A", "C", "B"]
    assert frame["severity"].tolist() == ["high", "high", "high", "medium"]
    assert frame["at_stake"].tolist() == pytest.approx([4e6, 1e6, 4e5, 20e6])
    assert frame["rank"].tolist() == [1, 2, 3, 4]
    assert frame.loc[0, "reason"] == "2 critical tickets (+1 more)"
    assert frame.loc[2, "reason"] == (
        f"Risk within 6 months: 20{NBSP}%, 4.0x the portfolio's rate (5.0{NBSP}%)"
    )
    french = tables.attention(attention_tables(), ATTENTION_META, "fr")
    assert french.loc[0, "reason"] == "2 tickets (et 1 de plus)"


def test_attention_without_a_model_ranks_by_revenue():
    data = attention_tables()
    data["risk"] = data["risk"].iloc[:0]
    frame = tables.attention(data, {"model": None, "config": {}}, "en")
    # no risk band: C has no signal left; high: D (2M), A (1M); medium: B
    assert frame["account_id"].tolist() == ["D", "A", "B"]


def test_attention_section_keeps_the_first_accounts_and_escapes():
    block = sections.attention_table(attention_tables(), ATTENTION_META, "en")
    assert "Delta" in block and "Alpha" in block and "Gamma" not in block
    assert "2 of the 4 accounts with a signal are listed." in block
    data = attention_tables()
    data["accounts"] = data["accounts"].assign(owner=HOSTILE)
    data["alerts"] = data["alerts"].assign(message_en=HOSTILE)
    hostile_block = sections.attention_table(data, {**ATTENTION_META, "config": {}}, "en")
    assert HOSTILE not in hostile_block and ESCAPED in hostile_block
    quiet = {**attention_tables(), "alerts": attention_tables()["alerts"].iloc[:0]}
    quiet["risk"] = quiet["risk"].assign(risk_band="low")
    assert "No account has an alert" in sections.attention_table(quiet, ATTENTION_META, "en")


def test_risk_sentence_in_both_languages():
    assert tables.risk_sentence(0.12, 0.04, 6, "en") == (
        f"Risk within 6 months: 12{NBSP}%, 3.0x the portfolio's rate (4.0{NBSP}%)"
    )
    assert tables.risk_sentence(0.12, 0.04, 6, "fr") == (
        f"Risque à 6 mois : 12{NBSP}%, 3,0 fois le taux du portefeuille (4,0{NBSP}%)"
    )
    assert tables.risk_sentence(0.02, 0.04, 6, "en") == (
        f"Risk within 6 months: 2{NBSP}%, below the portfolio's rate (4.0{NBSP}%)"
    )
    assert tables.risk_sentence(0.02, float("nan"), 6, "en") == ""
    # 2.976x, just under a high band starting at 3x: said "2.9x", never "3.0x"
    assert "2.9x the portfolio's rate" in tables.risk_sentence(0.1875, 0.063, 6, "en")


def backtest_table() -> pd.DataFrame:
    """Four rules over 1,000 account-months with a base rate of 10 %."""
    return pd.DataFrame(
        {
            "rule": ["no_sponsor", "nps_drop", "low_coverage", "churn_risk"],
            "fired": [50, 20, 200, 0],
            "hits": [15, 3, 10, 0],
            "precision": [0.3, 0.15, 0.05, np.nan],
            "base_rate": [0.1] * 4,
            "lift": [3.0, 1.5, 0.5, np.nan],
            "lift_low": [2.1, 0.7, 0.3, np.nan],
            "lift_high": [4.1, 2.9, 0.8, np.nan],
            "outcomes": [100] * 4,
            "caught": [15, 3, 10, 0],
            "recall": [0.15, 0.03, 0.10, 0.0],
            "evidence": [True, False, False, False],
        }
    )


BACKTEST_META = {
    "backtest": {
        "dates": ["2025-05-31", "2026-04-30"],
        "account_months": 1000,
        "horizon_days": 180,
        "model_note": "",
    }
}


def test_reliability_verdicts():
    frame = tables.reliability({"backtest": backtest_table()})
    assert frame["verdict"].tolist() == ["proven", "no_evidence", "below", "never"]


def test_reliability_section_in_words_and_both_languages():
    block = sections.reliability_table({"backtest": backtest_table()}, BACKTEST_META, "en")
    assert (
        'accounts flagged "No internal sponsor" had an outcome 3.0 times as often as the '
        f"portfolio's average (30{NBSP}% against 10.0{NBSP}%)"
    ) in block
    assert "No evidence yet" in block and "Below chance" in block and "Never fired" in block
    assert "2.1-4.1" in block
    assert "1,000 account-months" in block
    french = sections.reliability_table({"backtest": backtest_table()}, BACKTEST_META, "fr")
    assert "Pas encore de preuve" in french and "3,0 fois plus souvent" in french
    missing = sections.reliability_table(
        {"backtest": pd.DataFrame()}, {"backtest": {"unavailable": "no outcomes table"}}, "en"
    )
    assert "cannot be back-tested on this portfolio: no outcomes table." in missing
