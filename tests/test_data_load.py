"""Loading portfolios: every format, typed columns, and precise errors for bad input."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from acctkit.data import LoadNote, from_frames, load_portfolio, load_with_notes
from acctkit.errors import DataValidationError
from tests.helpers import TINY, folder_digest, write_tables


def _check_tiny(p) -> None:
    accounts = p.accounts
    assert list(accounts["account_id"]) == ["007", "A2"]
    assert list(p.account_ids) == ["007", "A2"]
    assert accounts.loc[0, "name"] == "Compagnie Générale des Éclairages"
    assert accounts["annual_revenue"].tolist() == [500000.0, 100000.5]
    contacts = p.contacts
    assert contacts["is_key"].tolist() == [True, True, True]
    assert contacts["influence"].tolist()[0] == 4 and pd.isna(contacts["influence"][1])
    assert contacts["left_on"].tolist()[2] == pd.Timestamp("2026-05-31")
    assert str(contacts["level"].dtype) == "category" and contacts["level"].cat.ordered
    inter = p.interactions
    assert inter["co_construction"].tolist() == [True, False, False]
    assert inter["introduction"].tolist() == [False, True, False]
    assert pd.isna(inter.loc[1, "contact_id"])
    assert inter["response_hours"].tolist()[2] == 2.5
    assert inter["occurred_on"].dtype == "datetime64[ns]"
    assert list(inter["account_id"].cat.categories) == ["007", "A2"]
    assert list(inter["contact_id"].cat.categories) == ["K1", "K2", "K3"]
    assert p.actions["status"].tolist() == ["done", "cancelled"]  # default from done_on
    assert pd.isna(p.opportunities.loc[0, "probability"])
    assert p.opportunities["stage"].tolist() == ["closed_won", "negotiation"]
    assert p.assessments is None and p.outcomes is None


def test_csv_comma(tiny_folder):
    _check_tiny(load_portfolio(tiny_folder))


def test_csv_semicolon_decimal_comma_bom_crlf(tmp_path):
    french = {}
    for name, text in TINY.items():
        lines = [line.replace(",", ";") for line in text.strip().splitlines()]
        french[name] = "\r\n".join(lines) + "\r\n"
    french["accounts"] = french["accounts"].replace("100000.5", "100000,5")
    french["interactions"] = french["interactions"].replace(";2.5;", ";2,5;")
    folder = tmp_path / "fr"
    folder.mkdir()
    for name, text in french.items():
        (folder / f"{name}.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    _check_tiny(load_portfolio(folder))


def _raw_frames() -> dict[str, pd.DataFrame]:
    from io import StringIO

    frames = {}
    for name, text in TINY.items():
        frame = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
        for column in frame.columns:
            if column.endswith("_on"):
                frame[column] = pd.to_datetime(frame[column].replace("", None))
        frames[name] = frame
    return frames


def test_parquet(tmp_path):
    folder = tmp_path / "pq"
    folder.mkdir()
    for name, frame in _raw_frames().items():
        frame.to_parquet(folder / f"{name}.parquet")
    _check_tiny(load_portfolio(folder))


def test_xlsx_workbook(tmp_path):
    path = tmp_path / "portfolio.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in _raw_frames().items():
            frame.to_excel(writer, sheet_name=name, index=False)
    _check_tiny(load_portfolio(path))


def test_from_frames_validates_too():
    _check_tiny(from_frames(_raw_frames()))
    with pytest.raises(DataValidationError, match="unknown table 'acounts'"):
        from_frames({**_raw_frames(), "acounts": pd.DataFrame()})


def test_dayfirst_dates(tmp_path):
    tables = dict(TINY, actions=TINY["actions"].replace("2026-04-30", "30/04/2026"))
    folder = write_tables(tmp_path / "d", tables)
    assert load_portfolio(folder, dayfirst=True).actions["due_on"][0] == pd.Timestamp("2026-04-30")


def test_extra_columns_are_kept(tmp_path):
    text = TINY["accounts"].replace("cost_to_serve\n", "cost_to_serve,crm_url\n")
    text = text.replace("50000\n", "50000,https://crm/1\n").replace("10000\n", "10000,\n")
    p = load_portfolio(write_tables(tmp_path / "x", dict(TINY, accounts=text)))
    assert p.accounts["crm_url"].tolist()[0] == "https://crm/1"


def test_summary_and_html_repr(tiny_folder):
    p = load_portfolio(tiny_folder)
    summary = p.summary()
    assert summary.loc["interactions", "rows"] == 3
    assert summary.loc["interactions", "first_date"] == pd.Timestamp("2026-04-02")
    assert summary.loc["interactions", "last_date"] == pd.Timestamp("2026-06-10")
    assert "<table" in p._repr_html_() and "2 accounts" in p._repr_html_()


def _edit(table: str, old: str, new: str):
    return lambda tables: {**tables, table: tables[table].replace(old, new, 1)}


# Each case: how to break TINY, and the exact problem line it must give.
INVALID = {
    "missing accounts": (
        lambda t: {k: v for k, v in t.items() if k != "accounts"},
        "accounts: the required table 'accounts' is missing",
    ),
    "missing required column": (
        _edit("accounts", "account_id,name,", "account_id,company,"),
        "accounts.csv: required column 'name' is missing",
    ),
    "duplicate id": (
        _edit("accounts", "A2,Café", "007,Café"),
        "accounts.csv, column 'account_id', rows 2, 3: duplicate id '007'",  # no echo in others
    ),
    "blank required value": (
        _edit("contacts", "K2,007,Tom", "K2,007,"),
        "contacts.csv, column 'name', row 3: is required but blank",
    ),
    "not a number": (
        _edit("accounts", "100000.5", "lots"),
        "accounts.csv, column 'annual_revenue', row 3: expected a number, got 'lots'",
    ),
    "negative amount": (
        _edit("opportunities", "60000", "-60000"),
        "opportunities.csv, column 'amount', row 3: expected a value >= 0, got '-60000'",
    ),
    "margin out of range": (
        _edit("accounts", ",30,50000", ",150,50000"),
        "accounts.csv, column 'gross_margin_pct', row 2: "
        "expected a value between -100 and 100, got '150'",
    ),
    "unknown enum": (
        _edit("contacts", "manager,Operations", "boss,Operations"),
        "contacts.csv, column 'level', row 3: unknown value 'boss'; "
        "expected one of: user, manager, director, c_level",
    ),
    "enum in another case": (
        _edit("interactions", "meeting", "Meeting"),
        "interactions.csv, column 'channel', row 2: unknown value 'Meeting'; expected one of: "
        "meeting, call, email, workshop, steering_committee, event, other "
        "('Meeting' should be written 'meeting')",
    ),
    "bad boolean": (
        _edit("contacts", "sponsor,oui", "sponsor,maybe"),
        "contacts.csv, column 'is_key', row 2: "
        "expected true/false (or yes/no, oui/non, 1/0), got 'maybe'",
    ),
    "day-first date without the option": (
        _edit("actions", "2026-04-30", "30/04/2026"),
        "actions.csv, column 'due_on', row 2: expected a date YYYY-MM-DD, got '30/04/2026'; "
        "for DD/MM/YYYY dates say the file is day-first (--dayfirst)",
    ),
    "implausible date": (
        _edit("tickets", "2026-06-25", "2999-06-25"),
        "tickets.csv, column 'opened_on', row 2: "
        "date out of the plausible range 1950-2100: '2999-06-25'",
    ),
    "fractional integer": (
        _edit("contacts", "sponsor,oui,4", "sponsor,oui,3.5"),
        "contacts.csv, column 'influence', row 2: expected a whole number, got '3.5'",
    ),
    "influence out of range": (
        _edit("contacts", "sponsor,oui,4", "sponsor,oui,7"),
        "contacts.csv, column 'influence', row 2: expected a value between 1 and 5, got '7'",
    ),
    "dangling account": (
        _edit("tickets", "T1,007", "T1,008"),
        "tickets.csv, column 'account_id', row 2: '008' not found in accounts.account_id",
    ),
    "contact of another account": (
        _edit("interactions", "J3,A2,K3", "J3,A2,K1"),
        "interactions.csv, column 'contact_id', row 4: the contact belongs to another account "
        "(e.g. contact 'K1' is of account '007', not 'A2')",
    ),
    "closed stage without closed_on": (
        _edit("opportunities", "2026-05-31,2026-05-20", "2026-05-31,"),
        "opportunities.csv, column 'closed_on', row 2: "
        "closed_on is required when the stage is closed_won or closed_lost",
    ),
    "open stage with closed_on": (
        _edit("opportunities", "2026-08-31,", "2026-08-31,2026-09-01"),
        "opportunities.csv, column 'closed_on', row 3: closed_on must be empty while the stage "
        "is open",
    ),
    "done without done_on": (
        _edit("actions", "2026-05-10,,cancelled", "2026-05-10,,done"),
        "actions.csv, column 'done_on', row 3: status is done but done_on is empty",
    ),
    "ticket closed before opened": (
        _edit("tickets", "2026-06-25,,", "2026-06-25,2026-06-01,"),
        "tickets.csv, column 'closed_on', row 2: closed_on is before opened_on",
    ),
    "duplicated header": (
        _edit("tickets", "severity,category", "severity,severity"),
        "tickets.csv, column 'severity': the header 'severity' appears more than once",
    ),
    "empty file": (
        lambda t: {**t, "tickets": ""},
        "tickets.csv: is empty (no header row)",
    ),
    "misspelt required column": (
        _edit("tickets", "ticket_id,", "Ticket ID,"),
        "tickets.csv: required column 'ticket_id' is missing "
        "(found 'Ticket ID': rename it to 'ticket_id')",
    ),
    "conflicting assessments on one day": (
        lambda t: {
            **t,
            "assessments": "account_id,assessed_on,criterion,score\n"
            "007,2026-03-01,sector_fit,4\nA2,2026-03-01,sector_fit,2\n007,2026-03-01,sector_fit,5\n",
        },
        "assessments.csv, column 'score', rows 2, 4: two different scores for the same account, "
        "criterion and day: which one counts is ambiguous",
    ),
    "row with a stray separator": (
        _edit("tickets", "critical,outage", "critical,outage,again"),
        "tickets.csv: row 2 has 7 cells but the header has 6 (separator ','); "
        "a value containing the separator must be quoted",
    ),
    "unknown stage history opportunity": (
        lambda t: {
            **t,
            "stage_history": "opportunity_id,changed_on,stage\nP9,2026-05-01,proposal\n",
        },
        "stage_history.csv, column 'opportunity_id', row 2: "
        "'P9' not found in opportunities.opportunity_id",
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_input_gives_the_precise_problem(tmp_path, case):
    breaker, expected = INVALID[case]
    folder = write_tables(tmp_path / "bad", breaker(dict(TINY)))
    before = folder_digest(folder)
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(folder)
    assert [str(p) for p in caught.value.problems] == [expected]
    assert folder_digest(folder) == before  # source files are only read


def test_non_utf8_file(tmp_path):
    """A file Excel saved as Windows-1252 loads, accents intact, with a note saying so."""
    folder = write_tables(tmp_path / "latin", TINY)
    (folder / "accounts.csv").write_bytes(TINY["accounts"].encode("cp1252"))
    with pytest.warns(LoadNote) as caught:
        p = load_portfolio(folder)
    assert [str(w.message) for w in caught] == [
        "accounts.csv: is not UTF-8: read as cp1252 (Windows Western European); "
        "if accents look wrong, save as 'CSV UTF-8' and load again"
    ]
    assert p.accounts.loc[0, "name"] == "Compagnie Générale des Éclairages"
    _check_tiny(p)


def test_two_files_for_one_table(tiny_folder):
    shutil.copy(tiny_folder / "tickets.csv", tiny_folder / "tickets.xlsx")
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(tiny_folder)
    assert [str(p) for p in caught.value.problems] == [
        "tickets: several files for this table (tickets.csv, tickets.xlsx); keep one"
    ]


def test_every_problem_is_reported_at_once(tmp_path):
    tables = dict(TINY)
    for name, old, new in (
        ("contacts", "manager,Operations", "boss,Operations"),
        ("tickets", "T1,007", "T1,008"),
        ("opportunities", "60000", "-60000"),
    ):
        tables[name] = tables[name].replace(old, new, 1)
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(write_tables(tmp_path / "three", tables))
    assert len(caught.value.problems) == 3
    assert str(caught.value).startswith("3 problems found in ")


def test_missing_source():
    with pytest.raises(DataValidationError, match="does not exist"):
        load_portfolio(Path("/no/such/folder"))


def test_ids_with_leading_zeros_stay_strings(tmp_path):
    folder = tmp_path / "pq"
    folder.mkdir()
    frames = _raw_frames()
    frames["accounts"]["account_id"] = ["007", "0042"]
    for name in ("contacts", "interactions", "opportunities", "actions", "tickets"):
        frames[name]["account_id"] = frames[name]["account_id"].replace({"A2": "0042"})
    for name, frame in frames.items():
        frame.to_parquet(folder / f"{name}.parquet")
    p = load_portfolio(folder)
    assert list(p.account_ids) == ["007", "0042"]
    assert np.array_equal(p.tickets["account_id"].astype(str), ["007"])


def test_table_file_names_are_matched_whatever_their_case(tmp_path):
    folder = write_tables(tmp_path / "cased", TINY)
    (folder / "accounts.csv").rename(folder / "Accounts.CSV")
    assert list(load_portfolio(folder).account_ids) == ["007", "A2"]


def test_a_header_in_another_case_is_kept_as_extra_and_said(tmp_path):
    from acctkit.data import load_with_notes

    text = TINY["accounts"].replace(",industry,", ",Industry,")
    result = load_with_notes(write_tables(tmp_path / "h", dict(TINY, accounts=text)))
    assert result.portfolio.accounts["industry"].isna().all()
    assert result.portfolio.accounts["Industry"].tolist() == ["Energy", "Retail"]
    assert [str(n) for n in result.notes] == [
        "accounts.csv: column 'Industry' is kept as an extra column, not read as 'industry' "
        "(column names are exact: rename it to 'industry', or use a mapping)"
    ]


def test_a_damaged_parquet_file_is_named_not_dumped(tiny_folder):
    (tiny_folder / "tickets.csv").unlink()
    (tiny_folder / "tickets.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(tiny_folder)
    assert [str(p) for p in caught.value.problems] == [
        "tickets.parquet: is not a readable Parquet file (damaged or not Parquet)"
    ]


def test_notes_survive_a_failed_load(tmp_path):
    from acctkit.data import load_with_notes

    tables = dict(TINY, tickets=TINY["tickets"].replace("T1,007", "T1,008"))
    folder = write_tables(tmp_path / "latin", tables, encoding="cp1252")
    with pytest.raises(DataValidationError) as caught:
        load_with_notes(folder)
    assert any("read as cp1252" in str(note) for note in caught.value.notes)


def test_rows_that_leave_off_trailing_empty_optional_cells_load_with_a_note(tmp_path):
    """Some writers end a row at its last value: `K2,...,yes` instead of `K2,...,yes,,`."""
    full = load_portfolio(write_tables(tmp_path / "full", TINY))
    trimmed = {**TINY, "contacts": TINY["contacts"].replace("user,yes,,\n", "user,yes\n")}
    assert trimmed["contacts"] != TINY["contacts"]
    result = load_with_notes(write_tables(tmp_path / "trimmed", trimmed))
    pd.testing.assert_frame_equal(result.portfolio.contacts, full.contacts)
    assert [str(note) for note in result.notes] == [
        "contacts.csv: row 3 has fewer cells than the header's 10: the cells left off "
        "(influence, left_on) are read as blank"
    ]


def test_a_windows_1252_file_where_one_byte_pair_is_valid_utf8_is_still_read_as_1252(tmp_path):
    """'É’' is C9 92 in Windows-1252, which is also a valid UTF-8 character (U+0252)."""
    tables = {**TINY, "accounts": TINY["accounts"].replace("Café Lumière", "CAFÉ’S Lumière")}
    folder = write_tables(tmp_path / "cp1252", tables, encoding="cp1252")
    assert b"\xc9\x92" in (folder / "accounts.csv").read_bytes()
    result = load_with_notes(folder)
    names = result.portfolio.accounts["name"].tolist()
    assert names == ["Compagnie Générale des Éclairages", "CAFÉ’S Lumière"]
    assert [str(note) for note in result.notes] == [
        "accounts.csv: is not UTF-8: read as cp1252 (Windows Western European); if accents "
        "look wrong, save as 'CSV UTF-8' and load again"
    ]


def test_a_duplicate_numeric_id_from_parquet_gets_no_hint_about_spaces(tmp_path):
    folder = write_tables(tmp_path / "pq", {k: v for k, v in TINY.items() if k != "interactions"})
    interactions = pd.read_csv(io.StringIO(TINY["interactions"]), dtype=str)
    interactions["interaction_id"] = [1.0, 1.0, 2.0]  # floats, as some exports write ids
    interactions.to_parquet(folder / "interactions.parquet")
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(folder)
    assert [p.message for p in caught.value.problems] == ["duplicate id '1'"]


def test_a_stray_nul_byte_is_named_by_its_line(tmp_path):
    folder = write_tables(tmp_path / "nul", TINY)
    text = (folder / "contacts.csv").read_bytes()
    (folder / "contacts.csv").write_bytes(text.replace(b"Tom", b"T\x00om"))
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(folder)
    assert [str(p) for p in caught.value.problems] == [
        "contacts.csv: line 3 holds a NUL byte (a control character text never holds): remove it"
    ]


def test_an_unreadable_amount_on_a_won_deal_is_reported_once(tmp_path):
    row = "P1,007,Renewal,renewal,300000,closed_won"
    for amount, expected in [
        (
            "1e400",
            "opportunities.csv, column 'amount', row 2: expected a number of at most 15 digits "
            "before the decimal mark, got '1e400'",
        ),
        (
            "",
            "opportunities.csv, column 'amount', row 2: amount is required when the stage is "
            "closed_won",
        ),
    ]:
        tables = {
            **TINY,
            "opportunities": TINY["opportunities"].replace(row, row.replace("300000", amount)),
        }
        with pytest.raises(DataValidationError) as caught:
            load_portfolio(write_tables(tmp_path / (amount or "blank"), tables))
        assert [str(p) for p in caught.value.problems] == [expected]
