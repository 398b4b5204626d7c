"""Real-world export quirks: each one loads as a user expects, or fails with a clear message."""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acctkit.data import LoadNote, load_portfolio, load_with_notes
from acctkit.errors import DataValidationError
from tests.helpers import TINY, folder_digest, problems_of, write_export, write_tables

ACCOUNTS = "Account ID,Account Name\nA1,Acme\nA2,Globex\n"
ACCOUNT_COLUMNS = {"account_id": "Account ID", "name": "Account Name"}
DEAL_COLUMNS = {
    "opportunity_id": "Id",
    "account_id": "Account",
    "stage": "Stage",
    "amount": "Amount",
    "created_on": "Created",
    "closed_on": "Closed",
}
DEAL_HEADER = "Id,Account,Stage,Amount,Created,Closed\n"


def mapping(**tables) -> dict:
    """A mapping dict: accounts from Accounts.csv plus the given tables."""
    out = {"accounts": {"file": "Accounts.csv", "columns": ACCOUNT_COLUMNS}}
    out.update(tables)
    return {"tables": out}


def deals(file: str = "Deals.csv", **extra) -> dict:
    return {"file": file, "columns": DEAL_COLUMNS, "defaults": {"kind": "new"}, **extra}


def load_deals(tmp_path, rows: str, **options):
    export = write_export(
        tmp_path / "e", {"Accounts.csv": ACCOUNTS, "Deals.csv": DEAL_HEADER + rows}
    )
    return load_portfolio(export, mapping=mapping(opportunities=deals()), **options)


# --- amounts and close dates ----------------------------------------------------------------


def test_blank_amount_and_close_date_on_open_deals_and_zero_on_lost_ones(tmp_path):
    p = load_deals(
        tmp_path,
        "D1,A1,Prospecting,,2026-01-01,\n"
        "D2,A1,Closed Lost,0,2026-01-01,2026-02-01\n"
        "D3,A2,Closed Lost,,2026-01-01,2026-02-01\n",
    )
    opps = p.opportunities
    assert np.isnan(opps["amount"][0]) and opps["amount"][1] == 0.0 and np.isnan(opps["amount"][2])
    assert pd.isna(opps["closed_on"][0])


def test_a_won_deal_needs_its_amount(tmp_path):
    with pytest.raises(DataValidationError) as caught:
        load_deals(tmp_path, "D1,A1,Closed Won,,2026-01-01,2026-02-01\n")
    assert problems_of(caught) == [
        "Deals.csv, column 'Amount', row 2: amount is required when the stage is closed_won"
    ]


@pytest.mark.parametrize(
    "written, decimal_comma, expected",
    [
        ("1 234,50", True, 1234.5),
        ("1\u00a0234,50", True, 1234.5),  # Excel's NBSP thousands
        ("1\u202f234,50", True, 1234.5),  # narrow NBSP
        ("1.234,50", True, 1234.5),
        ("1,234.50", False, 1234.5),
        ("1,234,500", False, 1234500.0),
        ("1234.5", False, 1234.5),
        ("€1 234,50", True, 1234.5),
        ("1 234,50 €", True, 1234.5),
        ("EUR 1 234,50", True, 1234.5),
        ("$1,234.50", False, 1234.5),
        ("1,234.50 USD", False, 1234.5),
    ],
)
def test_thousands_separators_and_currency_signs(tmp_path, written, decimal_comma, expected):
    if decimal_comma:  # a French Excel CSV: ';' separators and decimal comma
        rows = f"D1;A1;Closed Won;{written};2026-01-01;2026-02-01\n"
        header = DEAL_HEADER.replace(",", ";")
    else:
        rows = f'D1,A1,Closed Won,"{written}",2026-01-01,2026-02-01\n'
        header = DEAL_HEADER
    export = write_export(tmp_path / "e", {"Accounts.csv": ACCOUNTS, "Deals.csv": header + rows})
    p = load_portfolio(export, mapping=mapping(opportunities=deals()))
    assert p.opportunities["amount"][0] == expected


def test_amounts_in_two_currencies_are_refused(tmp_path):
    with pytest.raises(DataValidationError) as caught:
        load_deals(
            tmp_path,
            'D1,A1,Closed Won,"€1,000",2026-01-01,2026-02-01\n'
            'D2,A1,Closed Won,"$1,000",2026-01-01,2026-02-01\n',
        )
    assert problems_of(caught) == [
        "Deals.csv, column 'Amount': amounts in several currencies ($, €); a portfolio has one "
        "currency: convert them before loading"
    ]


def test_a_percent_sign_in_a_probability(tmp_path):
    columns = dict(DEAL_COLUMNS, probability="Prob")
    export = write_export(
        tmp_path / "e",
        {
            "Accounts.csv": ACCOUNTS,
            "Deals.csv": "Id;Account;Stage;Amount;Created;Closed;Prob\n"
            "D1;A1;Proposal;10;2026-01-01;;50 %\nD2;A1;Proposal;10;2026-01-01;;12,5%\n",
        },
    )
    p = load_portfolio(export, mapping=mapping(opportunities=deals(columns=columns)))
    assert p.opportunities["probability"].tolist() == [50.0, 12.5]


# --- deals without an account -----------------------------------------------------------------


ORPHANS = (
    "D1,A1,Prospecting,10,2026-01-01,\n"
    "D2,,Prospecting,20,2026-01-01,\n"
    "D3,A9,Prospecting,30,2026-01-01,\n"
    "D4,,Prospecting,40,not a date,\n"
)


def test_deals_with_a_blank_account_are_reported(tmp_path):
    with pytest.raises(DataValidationError) as caught:
        load_deals(tmp_path, ORPHANS)
    assert problems_of(caught) == [
        "Deals.csv, column 'Account', rows 3, 5: is required but blank; to skip rows without an "
        "account, load with drop_orphans=True (--drop-orphans)",
        "Deals.csv, column 'Created', row 5: expected a date YYYY-MM-DD, got 'not a date'",
        "Deals.csv, column 'Account', row 4: 'A9' not found in accounts.account_id",
    ]


def test_drop_orphans_skips_them_with_a_count(tmp_path):
    export = write_export(
        tmp_path / "e", {"Accounts.csv": ACCOUNTS, "Deals.csv": DEAL_HEADER + ORPHANS}
    )
    before = folder_digest(export)
    result = load_with_notes(export, mapping=mapping(opportunities=deals()), drop_orphans=True)
    assert result.portfolio.opportunities["opportunity_id"].tolist() == ["D1"]
    assert [str(n) for n in result.notes] == [
        "Deals.csv, column 'Account', rows 3, 5: skipped 2 rows without an account (drop_orphans)",
        "Deals.csv, column 'Account', row 4: skipped 1 row whose account is unknown (drop_orphans)",
    ]
    with pytest.warns(LoadNote) as warned:
        load_portfolio(export, mapping=mapping(opportunities=deals()), drop_orphans=True)
    assert [str(w.message) for w in warned] == [str(n) for n in result.notes]
    assert folder_digest(export) == before


def test_drop_orphans_on_canonical_files_also_skips_the_history_of_a_skipped_deal(tmp_path):
    tables = dict(TINY)
    tables["opportunities"] += "P3,,Orphan,new,10,proposal,,2026-05-01,,\n"
    tables["stage_history"] = (
        "opportunity_id,changed_on,stage\nP2,2026-05-01,proposal\nP3,2026-05-02,proposal\n"
    )
    folder = write_tables(tmp_path / "t", tables)
    result = load_with_notes(folder, drop_orphans=True)
    assert result.portfolio.opportunities["opportunity_id"].tolist() == ["P1", "P2"]
    assert result.portfolio.stage_history["opportunity_id"].tolist() == ["P2"]
    assert [str(n) for n in result.notes] == [
        "opportunities.csv, column 'account_id', row 4: skipped 1 row without an account "
        "(drop_orphans)",
        "stage_history.csv, column 'opportunity_id', row 3: skipped 1 row whose opportunity is "
        "unknown (drop_orphans)",
    ]


# --- labels and ids -----------------------------------------------------------------------------


def test_stage_names_with_spaces_capitals_and_trailing_blanks(tmp_path):
    export = write_export(
        tmp_path / "e",
        {
            "Accounts.csv": ACCOUNTS,
            "Deals.csv": DEAL_HEADER + "D1,A1,Closed Won ,1,2026-01-01,2026-02-01\n"
            "D2,A1,  CLOSED   won,1,2026-01-01,2026-02-01\n"
            "D3,A1,Needs  Analysis,1,2026-01-01,\n"
            "D4,A1,Negotiation,1,2026-01-01,\n",
        },
    )
    p = load_portfolio(
        export,
        mapping=mapping(opportunities=deals(values={"stage": {"Needs Analysis": "qualification"}})),
    )
    assert p.opportunities["stage"].astype(str).tolist() == [
        "closed_won",
        "closed_won",
        "qualification",
        "negotiation",
    ]


def test_labels_that_differ_in_spacing_between_two_files_are_one(tmp_path):
    """Accounts known by name in two files, and products, whatever their inner spacing."""
    export = write_export(
        tmp_path / "e",
        {
            "Accounts.csv": "Name\nAcme  Corp\nGlobex\n",
            "Deals.csv": "Id,Account,Stage,Amount,Created,Closed,Product\n"
            "D1,Acme Corp ,Prospecting,1,2026-01-01,,Fleet  Manager\n"
            "D2,Acme\u00a0Corp,Prospecting,1,2026-01-01,,Fleet Manager\n",
        },
    )
    p = load_portfolio(
        export,
        mapping={
            "tables": {
                "accounts": {
                    "file": "Accounts.csv",
                    "columns": {"account_id": "Name", "name": "Name"},
                },
                "opportunities": deals(columns=dict(DEAL_COLUMNS, product="Product")),
            }
        },
    )
    assert p.accounts["account_id"].tolist() == ["Acme Corp", "Globex"]
    assert p.opportunities["account_id"].tolist() == ["Acme Corp", "Acme Corp"]
    assert p.opportunities["product"].unique().tolist() == ["Fleet Manager"]


def test_free_text_keeps_its_spacing(tmp_path):
    tables = dict(
        TINY,
        feedback="feedback_id,account_id,recorded_on,kind,text\n"
        'F1,007,2026-06-01,irritant,"Slow.  Twice."\n',
    )
    p = load_portfolio(write_tables(tmp_path / "t", tables))
    assert p.feedback["text"][0] == "Slow.  Twice."


def test_numeric_looking_ids_keep_their_leading_zeros(tmp_path):
    export = write_export(
        tmp_path / "e",
        {
            "Accounts.csv": "Account ID,Account Name\n00042,Acme\n007,Globex\n",
            "Deals.csv": DEAL_HEADER + "0001,00042,Prospecting,1,2026-01-01,\n",
        },
    )
    p = load_portfolio(export, mapping=mapping(opportunities=deals()))
    assert p.accounts["account_id"].tolist() == ["00042", "007"]
    assert p.opportunities["opportunity_id"].tolist() == ["0001"]


def test_ids_that_lost_their_leading_zeros_in_excel_are_explained(tmp_path):
    export = write_export(
        tmp_path / "e",
        {
            "Accounts.csv": "Account ID,Account Name\n00042,Acme\n",
            "Deals.csv": DEAL_HEADER + "1,42,Prospecting,1,2026-01-01,\n",
        },
    )
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(export, mapping=mapping(opportunities=deals()))
    assert problems_of(caught) == [
        "Deals.csv, column 'Account', row 2: '42' not found in accounts.account_id ('00042' "
        "exists: the leading zeros of '42' were probably lost when the file was opened and "
        "saved in Excel; export the ids as text)"
    ]


# --- workbooks ----------------------------------------------------------------------------------


def test_dates_as_excel_serial_numbers_in_a_workbook(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Deals"
    sheet.append(["Id", "Account", "Stage", "Amount", "Created", "Closed"])
    sheet.append(["D1", "A1", "Closed Won", 10, 46023, 46054.75])  # 2026-01-01, 2026-02-01 18h
    sheet.append(["D2", "A1", "Prospecting", 10, dt.datetime(2026, 3, 1), None])  # a real date
    sheet.append([None] * 6)  # a blank row: skipped, and the rows keep their numbers
    sheet.append(["D3", "A1", "Prospecting", 10, 12, None])  # 1900-01-12: implausible
    folder = tmp_path / "e"
    folder.mkdir()
    book.save(folder / "deals.xlsx")
    (folder / "Accounts.csv").write_text(ACCOUNTS)
    deal_sheet = deals(file="deals.xlsx", sheet="Deals")
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(folder, mapping=mapping(opportunities=deal_sheet))
    assert problems_of(caught) == [
        "deals.xlsx, sheet 'Deals', column 'Created', row 5: date out of the plausible range "
        "1950-2100: '12'"
    ]
    sheet.delete_rows(5)
    book.save(folder / "deals.xlsx")
    opps = load_portfolio(folder, mapping=mapping(opportunities=deal_sheet)).opportunities
    assert opps["created_on"].tolist() == [pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-01")]
    assert opps["closed_on"].tolist()[0] == pd.Timestamp("2026-02-01")


def test_a_workbook_keeps_its_row_numbers_past_blank_rows(tmp_path):
    path = tmp_path / "portfolio.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "accounts"
    sheet.append(["account_id", "name", "annual_revenue"])
    sheet.append(["A1", "Acme", 10])
    sheet.append([None, None, None])
    sheet.append(["A2", "Globex", -5])
    book.save(path)
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(path)
    assert problems_of(caught) == [
        "portfolio.xlsx, sheet 'accounts', column 'annual_revenue', row 4: expected a value "
        ">= 0, got '-5'"
    ]


# --- encodings and line ends --------------------------------------------------------------------


ACCENTED = "Account ID;Account Name\r\nA1;Société Générale d'Éclairage\r\nA2;Müller & Söhne\r\n"


@pytest.mark.parametrize(
    "data, note",
    [
        (ACCENTED.encode("utf-8"), None),
        (b"\xef\xbb\xbf" + ACCENTED.encode("utf-8"), None),  # UTF-8 with BOM (Excel's CSV UTF-8)
        (ACCENTED.encode("utf-16"), None),  # Excel's "Unicode text" has a BOM
        (ACCENTED.encode("cp1252"), "cp1252 (Windows Western European)"),
    ],
)
def test_encodings_are_detected(tmp_path, data, note):
    export = write_export(tmp_path / "e", {"Accounts.csv": data})
    result = load_with_notes(export, mapping=mapping())
    assert result.portfolio.accounts["name"].tolist() == [
        "Société Générale d'Éclairage",
        "Müller & Söhne",
    ]
    notes = [str(n) for n in result.notes]
    assert notes == (
        []
        if note is None
        else [
            f"Accounts.csv: is not UTF-8: read as {note}; if accents look wrong, say "
            'encoding = "..." in the mapping'
        ]
    )


def test_latin1_bytes_that_cp1252_lacks(tmp_path):
    data = "Account ID;Account Name\nA1;Caf\xe9\x81\n".encode("latin-1")  # 0x81: no cp1252 char
    export = write_export(tmp_path / "e", {"Accounts.csv": data})
    result = load_with_notes(export, mapping=mapping())
    assert result.portfolio.accounts["name"].tolist() == ["Caf\xe9\x81"]
    assert "read as latin-1 (ISO Western European)" in str(result.notes[0])


def test_the_encoding_the_mapping_says_is_used(tmp_path):
    data = "Account ID;Account Name\nA1;Ça va\n".encode("cp850")  # an old DOS code page
    export = write_export(tmp_path / "e", {"Accounts.csv": data})
    as_said = mapping()
    as_said["tables"]["accounts"]["encoding"] = "cp850"
    result = load_with_notes(export, mapping=as_said)
    assert result.portfolio.accounts["name"].tolist() == ["Ça va"] and result.notes == ()
    wrong = {"options": {"encoding": "utf-8"}, **mapping()}
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(export, mapping=wrong)
    first_cedilla = len("Account ID;Account Name\nA1;")
    assert problems_of(caught) == [f"Accounts.csv: is not utf-8 text (byte {first_cedilla})"]


def test_crlf_and_blank_lines_keep_file_row_numbers(tmp_path):
    text = (
        DEAL_HEADER + "D1,A1,Prospecting,1,2026-01-01,\n"
        "\n,,,,,\n"  # an empty line, then a row of empty cells (as Excel writes)
        "D2,A1,Prospecting,-1,2026-01-01,\n"
    )
    export = write_export(
        tmp_path / "e",
        {"Accounts.csv": ACCOUNTS.replace("\n", "\r\n"), "Deals.csv": text.replace("\n", "\r\n")},
    )
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(export, mapping=mapping(opportunities=deals()))
    assert problems_of(caught) == [
        "Deals.csv, column 'Amount', row 5: expected a value >= 0, got '-1'"
    ]


# --- parent accounts ----------------------------------------------------------------------------


PARENTS = "Id,Name,Parent\nG,Group,\nF1,Filiale 1,G\nF2,Filiale 2,F1\nX,Other,\n"
PARENT_MAPPING = {
    "tables": {
        "accounts": {
            "file": "Accounts.csv",
            "columns": {"account_id": "Id", "name": "Name", "parent_account_id": "Parent"},
        }
    }
}


def test_a_parent_account_column_is_kept_for_roll_ups(tmp_path):
    export = write_export(tmp_path / "e", {"Accounts.csv": PARENTS})
    accounts = load_portfolio(export, mapping=PARENT_MAPPING).accounts
    parent = accounts["parent_account_id"]
    assert list(parent.cat.categories) == ["G", "F1", "F2", "X"]  # the accounts' ids
    assert parent.astype(object).where(parent.notna(), None).tolist() == [None, "G", "F1", None]


def test_a_parent_must_be_a_known_account(tmp_path):
    export = write_export(
        tmp_path / "e", {"Accounts.csv": PARENTS.replace("F1,Filiale 1,G", "F1,Filiale 1,GG")}
    )
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(export, mapping=PARENT_MAPPING)
    assert problems_of(caught) == [
        "Accounts.csv, column 'Parent', row 3: 'GG' not found in accounts.account_id"
    ]


@pytest.mark.parametrize(
    "edit, expected",
    [
        (
            ("G,Group,", "G,Group,F2"),
            "Accounts.csv, column 'Parent', rows 2, 3, 4: parent accounts form a cycle: "
            "'G' -> 'F2' -> 'F1' -> 'G'",
        ),
        (
            ("X,Other,", "X,Other,X"),
            "Accounts.csv, column 'Parent', row 5: parent accounts form a cycle: 'X' -> 'X'",
        ),
    ],
)
def test_a_cycle_of_parents_is_named(tmp_path, edit, expected):
    export = write_export(tmp_path / "e", {"Accounts.csv": PARENTS.replace(*edit)})
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(export, mapping=PARENT_MAPPING)
    assert problems_of(caught) == [expected]


def test_parent_cycles_are_found_in_a_large_forest(tmp_path):
    """10,000 accounts in chains 100 deep, and one cycle of three far down a chain."""
    n = 10_000
    ids = [f"A{i}" for i in range(n)]
    parents = ["" if i % 100 == 0 else f"A{i - 1}" for i in range(n)]
    parents[5000] = "A5002"  # A5002 -> A5001 -> A5000 -> A5002, and A5003.. hang below it
    rows = "".join(f"{i},{i},{p}\n" for i, p in zip(ids, parents, strict=True))
    export = write_export(tmp_path / "e", {"Accounts.csv": "Id,Name,Parent\n" + rows})
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(export, mapping=PARENT_MAPPING)
    assert problems_of(caught) == [
        "Accounts.csv, column 'Parent', rows 5002, 5003, 5004: parent accounts form a cycle: "
        "'A5000' -> 'A5002' -> 'A5001' -> 'A5000'"
    ]


# --- whatever the cells, loading raises nothing but DataValidationError ------------------------


CELLS = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
        max_size=12,
    ),
    st.sampled_from(
        [
            "",
            " ",
            "Closed Won",
            "1 234,50",
            "€5",
            "31/12/2026",
            "46023",
            "007",
            "A1",
            "A2",
            "Prospecting",
            "0",
            "-1",
            "nan",
            "1e400",
        ]
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(CELLS, min_size=6, max_size=6), min_size=1, max_size=6))
def test_any_cells_load_or_raise_data_validation_error(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("fuzz")
    body = "".join(",".join('"' + c.replace('"', '""') + '"' for c in row) + "\n" for row in rows)
    export = write_export(folder, {"Accounts.csv": ACCOUNTS, "Deals.csv": DEAL_HEADER + body})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LoadNote)
        for drop in (False, True):
            try:
                load_portfolio(export, mapping=mapping(opportunities=deals()), drop_orphans=drop)
            except DataValidationError:
                pass
