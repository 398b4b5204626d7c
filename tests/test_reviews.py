"""Reviews as a series: cadence and previous review dates, review packs and their index,
review notes (which review a note belongs to), the notes template.

Expected dates and counts are worked out by hand in each test. The batch tests run the
fixture notebooks (tests/fixtures/notebooks) on a 3-account synthetic portfolio: a
biweekly series over two months and a monthly review beside it, in one output folder.
"""

from __future__ import annotations

import json
import re
import shutil
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from acctkit.batch import ReportRun, run_reports
from acctkit.batch.history import review_packs, write_reviews_index
from acctkit.batch.options import pack_name
from acctkit.cli import main
from acctkit.data import from_frames, load_portfolio
from acctkit.datasets import write_tables
from acctkit.errors import ConfigError, ReportError
from acctkit.kpis import kpi_history
from acctkit.kpis.reviews import (
    notes_at,
    open_next_steps,
    overdue_next_steps,
    previous_review,
    review_dates,
)
from acctkit.report import load_account
from acctkit.report import reviews as review_sections
from acctkit.report.notes_template import write_notes_template
from tests.helpers import ACCOUNT, PORTFOLIO, TINY, write_portfolio
from tests.helpers import write_tables as write_csv

IDS = ["K1", "K2", "K3"]
BIWEEKLY = ["2026-09-16", "2026-09-30", "2026-10-14", "2026-10-28"]

# -- dates ----------------------------------------------------------------------------------


def test_previous_review_of_each_cadence():
    day = pd.Timestamp
    assert previous_review("2026-10-31") == day("2026-09-30")  # the month-end before
    assert previous_review("2026-10-15") == day("2026-09-30")
    assert previous_review("2026-03-31") == day("2026-02-28")
    assert previous_review("2026-10-15", "biweekly") == day("2026-10-01")  # 14 days before
    assert previous_review("2026-01-10", "biweekly") == day("2025-12-27")
    assert previous_review("2026-10-15", "biweekly", "2026-10-05") == day("2026-10-05")
    with pytest.raises(ConfigError, match="must be before the review date 2026-10-15"):
        previous_review("2026-10-15", "monthly", "2026-10-15")
    with pytest.raises(ConfigError, match="cadence must be one of monthly, biweekly"):
        previous_review("2026-10-15", "weekly")


def test_review_dates_and_kpi_history_at_the_cadence(tiny_folder):
    dates = review_dates("2026-10-15", 3, "biweekly").strftime("%Y-%m-%d")
    assert list(dates) == ["2026-09-17", "2026-10-01", "2026-10-15"]
    monthly = review_dates("2026-10-15", 2, "monthly").strftime("%Y-%m-%d")
    assert list(monthly) == ["2026-08-31", "2026-09-30"]
    portfolio = load_portfolio(tiny_folder)
    history = kpi_history(portfolio, "2026-06-30", periods=3, cadence="biweekly")
    stamps = sorted(history["as_of"].dt.strftime("%Y-%m-%d").unique())
    assert stamps == ["2026-06-02", "2026-06-16", "2026-06-30"]
    by_months = kpi_history(portfolio, "2026-06-30", months=2)
    assert sorted(by_months["as_of"].dt.strftime("%Y-%m-%d").unique()) == [
        "2026-05-31",
        "2026-06-30",
    ]
    same = kpi_history(portfolio, "2026-06-30", periods=2, cadence="monthly")
    pd.testing.assert_frame_equal(by_months, same)
    with pytest.raises(ConfigError, match="give months"):
        kpi_history(portfolio, "2026-06-30", months=2, cadence="biweekly")


def test_pack_names():
    import datetime as dt

    assert pack_name(dt.date(2026, 10, 31), "monthly") == "2026-10"
    assert pack_name(dt.date(2026, 10, 15), "monthly") == "2026-10-15"
    assert pack_name(dt.date(2026, 10, 31), "biweekly") == "2026-10-31"
    assert pack_name(dt.date(2024, 2, 29), "monthly") == "2024-02"


# -- review notes ---------------------------------------------------------------------------

NOTES = """note_id,account_id,noted_on,author,kind,text,objective_id,due_on,done_on
N1,007,2026-05-31,Ines,decision,Renew early,,,
N2,007,2026-05-31,Ines,next_step,Meet the CFO,,2026-06-15,
N3,007,2026-06-01,Ines,next_step,Send the plan,,2026-06-20,2026-06-25
N4,007,2026-06-30,Ines,comment,<script>alert('note')</script> & more,,,
N5,A2,2026-06-10,Marc,next_step,Tasting day,,2026-07-15,
N6,007,2026-07-02,Ines,comment,Written after the review,,,
"""


@pytest.fixture
def noted(tmp_path):
    return load_portfolio(write_csv(tmp_path / "noted", {**TINY, "review_notes": NOTES}))


def _account(portfolio, account_id, as_of, previous):
    notes = notes_at(portfolio, as_of)
    notes = notes[notes["account_id"].astype(str) == account_id]
    return SimpleNamespace(
        account_id=account_id,
        review_notes=notes.assign(account_id=notes["account_id"].astype(str)),
        as_of=pd.Timestamp(as_of),
        previous_review=pd.Timestamp(previous),
        reviews={},
    )


def test_a_note_on_the_previous_review_day_belongs_to_the_previous_review(noted):
    # review of 30 June, previous review 31 May: N1 and N2 (31 May) belong to the May
    # review; N3 (1 June) and N4 (30 June) to this one; N6 (2 July) to none yet
    june = _account(noted, "007", "2026-06-30", "2026-05-31")
    assert list(review_sections.notes_since(june)["note_id"]) == ["N3", "N4"]
    may = _account(noted, "007", "2026-05-31", "2026-04-30")
    assert list(review_sections.notes_since(may)["note_id"]) == ["N1", "N2"]


def test_open_next_steps_and_the_overdue_ones_as_of_the_review(noted):
    # at 30 June: N2 due 15 June, not done: overdue by 15 days; N3 done 25 June
    steps = open_next_steps(notes_at(noted, "2026-06-30"), "2026-06-30")
    assert list(steps["note_id"]) == ["N2", "N5"]
    assert list(steps["overdue"]) == [True, False]
    assert list(steps["days_late"]) == [15, 0]
    # at 22 June, N3 (due 20 June) is not done yet: its done_on (25 June) is in the future
    early = open_next_steps(notes_at(noted, "2026-06-22"), "2026-06-22")
    assert list(early["note_id"]) == ["N2", "N3", "N5"]
    assert list(early["overdue"]) == [True, True, False]
    assert list(overdue_next_steps(noted, "2026-06-22")) == [2.0, 0.0]
    assert list(overdue_next_steps(noted, "2026-06-30")) == [1.0, 0.0]
    assert list(overdue_next_steps(noted, "2026-07-31")) == [1.0, 1.0]  # N5 due 15 July


def test_notes_are_escaped_and_said_in_both_languages(noted):
    june = _account(noted, "007", "2026-06-30", "2026-05-31")
    english = str(review_sections.since_last_review(june, "en"))
    assert "<script>" not in english
    assert "&lt;script&gt;alert('note')&lt;/script&gt; &amp; more" in english
    assert "<h2>Since the last review</h2>" in english and "Overdue" in english
    french = str(review_sections.since_last_review(june, "fr"))
    assert "<h2>Depuis la dernière revue</h2>" in french and "En retard" in french


def test_the_next_steps_overdue_alert_is_medium(noted, tmp_path):
    from acctkit.report import build_bundle

    bundle = build_bundle(noted, "2026-06-30", tmp_path / "bundle")
    alerts = load_account(bundle, "007").alerts
    fired = alerts[alerts["code"] == "next_steps_overdue"]
    assert list(fired["severity"]) == ["medium"] and list(fired["value"]) == [1.0]
    assert "1 next step from a review is overdue" in fired["message_en"].iloc[0]


# -- the notes template ---------------------------------------------------------------------


def test_the_notes_template_has_a_row_per_account_and_a_kind_drop_down(noted, tmp_path):
    path = write_notes_template(noted, "2026-06-30", tmp_path / "review-notes.xlsx")
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:9] == (
        "note_id",
        "account_id",
        "noted_on",
        "author",
        "kind",
        "text",
        "objective_id",
        "due_on",
        "done_on",
    )
    assert header[9:] == ("account_name", "health_band", "plan_status", "open_next_steps")
    # 007: its five notes, then its new row; A2: its note, then its new row
    assert [row[1] for row in body] == ["007"] * 6 + ["A2"] * 2
    assert [row[0] for row in body] == ["N1", "N2", "N3", "N4", "N6", None, "N5", None]
    new = dict(zip(header, body[5], strict=True))
    assert new["noted_on"].date().isoformat() == "2026-06-30" and new["kind"] is None
    assert new["account_name"] == "Compagnie Générale des Éclairages"
    assert new["open_next_steps"] == "Meet the CFO (due 2026-06-15, overdue)"
    assert new["plan_status"] == "no_plan"  # the tiny portfolio has no plans table
    (choices,) = sheet.data_validations.dataValidation
    assert choices.type == "list" and choices.formula1 == '"decision,next_step,comment"'
    assert str(choices.sqref).startswith("E2:E")


def test_the_filled_template_is_read_back_as_the_review_notes(noted, tmp_path):
    path = write_notes_template(noted, "2026-06-30", tmp_path / "review-notes.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.active
    sheet["E7"], sheet["F7"], sheet["H7"] = "next_step", "Call the sponsor", "2026-07-20"
    book.save(path)
    data = write_csv(tmp_path / "data", TINY)
    portfolio = load_portfolio(data, notes=path)
    notes = portfolio.review_notes
    assert list(notes["note_id"].fillna("-")) == ["N1", "N2", "N3", "N4", "N6", "-", "N5"]
    added = notes.iloc[5]
    assert added["text"] == "Call the sponsor" and str(added["due_on"].date()) == "2026-07-20"
    shutil.copy(path, data / "review-notes.xlsx")  # the same workbook in the data folder
    assert len(load_portfolio(data).review_notes) == 7


# -- the batch: a biweekly series, a monthly review beside it, the index ---------------------


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    root = tmp_path_factory.mktemp("series")
    data = write_portfolio(root / "data", IDS, months=6)
    out = root / "reports"
    options = {
        "out": out,
        "jobs": 1,
        "progress": False,
        "engine": "warm",
        "account_notebook": ACCOUNT,
        "portfolio_notebook": PORTFOLIO,
    }
    for as_of in BIWEEKLY:
        assert (
            run_reports(ReportRun(data, as_of=as_of, cadence="biweekly", **options)).exit_code == 0
        )
    assert run_reports(ReportRun(data, "2026-10", **options)).exit_code == 0
    return data, out


def test_each_biweekly_review_compares_with_the_one_14_days_before(series):
    _, out = series
    for position, as_of in enumerate(BIWEEKLY):
        pack = out / as_of
        before = (pd.Timestamp(as_of) - pd.Timedelta(days=14)).strftime("%Y-%m-%d")
        meta = json.loads((pack / "bundle" / "bundle.json").read_text())
        assert (meta["as_of"], meta["previous_review"], meta["cadence"]) == (
            as_of,
            before,
            "biweekly",
        )
        account = load_account(pack / "bundle", "K2")
        assert account.previous_review == pd.Timestamp(before)
        assert set(account.history["as_of"].dt.strftime("%Y-%m-%d")) >= {before, as_of}
        link = str(review_sections.previous_review_link(account, "en"))
        if position == 0:  # 2 September: no pack in the folder
            assert link == ""
            continue
        href = f"../../{before}/accounts/K2.html"
        assert f'href="{href}"' in link
        assert (pack / "accounts" / href).resolve().is_file()


def test_a_monthly_review_beside_the_biweekly_ones(series):
    _, out = series
    meta = json.loads((out / "2026-10" / "bundle" / "bundle.json").read_text())
    assert (meta["as_of"], meta["previous_review"], meta["cadence"]) == (
        "2026-10-31",
        "2026-09-30",
        "monthly",
    )
    # the previous review (30 September) has a biweekly pack: the link goes there
    account = load_account(out / "2026-10" / "bundle", "K1")
    assert "../../2026-09-30/accounts/K1.html" in str(
        review_sections.previous_review_link(account, "fr")
    )
    history = account.reviews["packs"]  # the same cadence only: this review alone
    assert [pack["name"] for pack in history] == ["2026-10"]
    biweekly = load_account(out / "2026-10-28" / "bundle", "K1").reviews["packs"]
    assert [pack["name"] for pack in biweekly] == BIWEEKLY


def test_the_index_lists_exactly_the_packs_present(series, tmp_path):
    _, out = series
    index = (out / "index.html").read_text(encoding="utf-8")
    names = ["2026-10", *reversed(BIWEEKLY)]  # newest first (31 October, then 28...)
    hrefs = re.findall(r'href="([^"]+)"', index)
    assert hrefs == [f"{name}/index.html" for name in names]
    assert "Every two weeks" in index and "Monthly" in index
    copy = tmp_path / "reports"
    shutil.copytree(out, copy)
    shutil.rmtree(copy / "2026-09-16")
    write_reviews_index(copy)  # what every run does once it has published its pack
    assert [pack["name"] for pack in review_packs(copy)] == names[:-1]
    assert "2026-09-16" not in (copy / "index.html").read_text(encoding="utf-8")


# -- the command line: what is refused ------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--as-of", "2099-01-15"], "the review date 2099-01-15 is in the future"),
        (["--as-of", "2020-01-15"], "the review date 2020-01-15 is before the data"),
        (
            ["--as-of", "2026-10-15", "--previous", "2026-10-20"],
            "the previous review 2026-10-20 must be before the review date 2026-10-15",
        ),
        ([], "give the month reviewed (--month YYYY-MM) or the review date (--as-of)"),
    ],
)
def test_bad_review_dates_exit_2_with_one_line(tmp_path, capsys, options, message):
    data = tmp_path / "data"
    write_tables(
        {
            "accounts": pd.DataFrame({"account_id": ["K1"], "name": ["Kappa"]}),
            "interactions": pd.DataFrame(
                {"interaction_id": ["I1"], "account_id": ["K1"], "occurred_on": ["2026-01-05"]}
            ),
        },
        data,
    )
    assert main(["report", str(data), "--out", str(tmp_path / "out"), *options]) == 2
    error = capsys.readouterr().err
    assert message in error and "Traceback" not in error
    assert error.count("\n") == 1 and error.startswith("error: ")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_review_notes_of_the_demo_generator():
    from acctkit.datasets import generate_tables

    tables = generate_tables(n_accounts=30, months=6, end="2026-10-31", seed=3)
    notes = from_frames(tables).review_notes
    assert set(notes["noted_on"].dt.strftime("%Y-%m-%d")) == {
        "2026-08-31",
        "2026-09-30",
        "2026-10-31",
    }
    steps = notes[notes["kind"] == "next_step"]
    assert steps["done_on"].notna().any() and steps["done_on"].isna().any()
    assert (steps["done_on"].dropna() <= pd.Timestamp("2026-10-31")).all()
    assert set(notes["kind"]) <= {"decision", "next_step", "comment"}
    with pytest.raises(ReportError):
        ReportRun("data", as_of="2099-01-01")


def test_kpis_says_the_review_and_its_previous_one(tiny_folder, capsys):
    assert main(["kpis", str(tiny_folder), "--as-of", "2026-06-30", "--cadence", "biweekly"]) == 0
    assert (
        "Review as of 2026-06-30 (biweekly); previous review 2026-06-16" in capsys.readouterr().out
    )
    assert (
        main(["kpis", str(tiny_folder), "--as-of", "2026-06-30", "--previous", "2026-06-01"]) == 0
    )
    assert "(monthly); previous review 2026-06-01" in capsys.readouterr().out


def test_the_cadence_setting_is_checked():
    from acctkit.config import load_config

    assert load_config().review_cadence == "monthly"
    assert load_config({"review": {"cadence": "biweekly"}}).to_dict()["review"] == {
        "cadence": "biweekly"
    }
    with pytest.raises(
        ConfigError, match="'review.cadence' must be one of monthly, biweekly, got 'weekly'"
    ):
        load_config({"review": {"cadence": "weekly"}})
    with pytest.raises(ReportError, match="cadence must be one of monthly, biweekly, not 'weekly'"):
        ReportRun("data", "2026-10", cadence="weekly")
    run = ReportRun("data", as_of="2026-10-15", config={"review": {"cadence": "biweekly"}})
    assert (run.plan.cadence, run.plan.folder, run.plan.month) == (
        "biweekly",
        "2026-10-15",
        "2026-10",
    )


def test_notes_template_command(tiny_folder, tmp_path, capsys):
    out = tmp_path / "review-notes.xlsx"
    assert main(["notes-template", str(tiny_folder), "--as-of", "2026-06-30", "-o", str(out)]) == 0
    assert "wrote the review notes template of 2 accounts" in capsys.readouterr().out
    assert openpyxl.load_workbook(out).active.max_row == 3  # header and one row per account
    inside = tiny_folder / "review-notes.xlsx"
    assert (
        main(["notes-template", str(tiny_folder), "--as-of", "2026-06-30", "-o", str(inside)]) == 2
    )
    assert "source files are only ever read" in capsys.readouterr().err
    assert main(["notes-template", str(tiny_folder), "--as-of", "2026-06-30", "-o", "n.csv"]) == 2
    assert "the notes template is an .xlsx file" in capsys.readouterr().err
