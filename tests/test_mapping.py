"""CRM mappings: the shipped examples on their exports, every mapping feature, every error."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from acctkit.data import LoadNote, load_portfolio, load_with_notes, read_mapping
from acctkit.errors import ConfigError, DataValidationError
from tests.helpers import CRM_FIXTURES as FIXTURES
from tests.helpers import folder_digest, problems_of, write_export

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"


def write_mapping(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


ACCOUNTS = "Account ID,Account Name\nA1,Acme\nA2,Globex\n"
OPPORTUNITIES = """Opportunity ID,Account ID,Type,Stage,Amount,Created Date,Close Date
O1,A1,New,Prospecting,100,2026-01-05,
O2,A1,New,Closed Won,200,2026-01-06,2026-03-01
O3,A2,New,Verbal,300,2026-01-07,
O4,A2,New,verbal ,400,2026-01-08,
"""
MAPPING = """
[tables.accounts]
file = "Accounts.csv"
[tables.accounts.columns]
account_id = "Account ID"
name = "Account Name"

[tables.opportunities]
file = "Opportunities.csv"
[tables.opportunities.columns]
opportunity_id = "Opportunity ID"
account_id = "Account ID"
kind = "Type"
stage = "Stage"
amount = "Amount"
created_on = "Created Date"
closed_on = "Close Date"
[tables.opportunities.values.stage]
"Closed Won" = "closed_won"
"Verbal" = "negotiation"
[tables.opportunities.values.kind]
"New" = "new"
"""


@pytest.fixture
def crm(tmp_path: Path) -> tuple[Path, Path]:
    """A small export and its mapping (kept outside the export folder)."""
    export = write_export(
        tmp_path / "export", {"Accounts.csv": ACCOUNTS, "Opportunities.csv": OPPORTUNITIES}
    )
    return export, write_mapping(tmp_path / "crm.toml", MAPPING)


# --- the shipped examples, each on an export in its CRM's real format --------------------


def test_salesforce_example_on_a_salesforce_export_resaved_by_french_excel():
    export = FIXTURES / "salesforce"
    before = folder_digest(export)
    result = load_with_notes(export, mapping=EXAMPLES / "salesforce.toml")
    p = result.portfolio
    assert [str(n) for n in result.notes] == [
        "Accounts.csv, Contacts.csv, Events.csv, Opportunities.csv, Cases.csv: are not UTF-8: "
        "read as cp1252 "
        '(Windows Western European); if accents look wrong, say encoding = "..." in the mapping'
    ]
    accounts = p.accounts
    assert accounts["name"].tolist()[:3] == [
        "Compagnie Générale des Éclairages",
        "CGE Services",
        "Café Lumière",
    ]
    parents = accounts.set_index("account_id")["parent_account_id"].astype(object)
    assert parents["0013X00002AbCdFQAZ"] == "0013X00002AbCdEQAZ"  # CGE Services -> CGE
    assert parents["0013X00002AbCdJQAZ"] == "0013X00002AbCdHQAZ"
    assert parents.isna().sum() == 4
    assert accounts["annual_revenue"].isna().all()  # 'Annual Revenue' is not ours: unmapped
    assert accounts["Annual Revenue"].tolist()[0] == "2\u00a0500\u00a0000\u00a0000"  # kept
    opps = p.opportunities
    assert opps["stage"].astype(str).tolist() == [
        "closed_won",
        "negotiation",
        "qualification",
        "proposal",
        "closed_lost",
        "prospecting",
        "proposal",
        "closed_won",
        "qualification",
    ]
    # '300 000,00' with NBSP thousands; blank on two open deals; '0,00' on the lost one
    np.testing.assert_array_equal(
        opps["amount"],
        [300000.0, 120000.0, np.nan, 60000.0, 0.0, np.nan, 45500.5, 8250.0, 250000.0],
    )
    assert opps["kind"].astype(str).tolist() == [
        "renewal",
        "upsell",
        "new",
        "new",
        "new",
        "new",
        "new",
        "new",
        "new",
    ]  # row 6: default
    closed = opps["stage"].isin(["closed_won", "closed_lost"])
    assert opps.loc[closed, "closed_on"].tolist() == [
        pd.Timestamp("2026-05-20"),
        pd.Timestamp("2026-07-15"),
        pd.Timestamp("2026-08-31"),
    ]
    assert opps.loc[~closed, "closed_on"].isna().all()
    assert opps["expected_close_on"].tolist()[1] == pd.Timestamp("2026-12-15")
    assert opps["product"].nunique() == 3  # 'Maintenance  Premium' is 'Maintenance Premium'
    assert p.contacts["name"].tolist() == [
        "Sara Lefèvre",
        "Tom Girard",
        "Victoire Roux",
        "Jürgen Weiß",
    ]
    tickets = p.tickets
    assert tickets["ticket_id"].tolist()[0] == "00001001"  # leading zeros kept
    assert tickets["opened_on"].tolist()[0] == pd.Timestamp("2026-06-02")
    assert tickets["severity"].astype(str).tolist() == ["high", "high", "low", "medium", "medium"]
    feedback = p.feedback
    assert feedback["feedback_id"].tolist() == ["00001002", "00001004"]
    assert feedback["kind"].astype(str).tolist() == ["irritant", "irritant"]
    assert feedback["text"].tolist()[0] == "Délais d'intervention trop longs"
    events = p.interactions  # a cancelled or missed meeting is attended = false
    assert events["channel"].astype(str).tolist() == [
        "meeting",
        "steering_committee",
        "call",
        "workshop",
        "meeting",
    ]
    assert events["attended"].tolist() == [True, False, True, False, pd.NA]
    assert events["client_attendees"].tolist()[0] == 3 and events["sentiment"].tolist()[4] == 5
    assert events["occurred_on"].tolist()[1] == pd.Timestamp("2026-06-25")
    assert folder_digest(export) == before


def test_hubspot_example_on_a_hubspot_export():
    export = FIXTURES / "hubspot"
    result = load_with_notes(export, mapping=EXAMPLES / "hubspot.toml")
    p = result.portfolio
    assert result.notes == ()
    assert p.accounts["account_id"].tolist() == [
        "5821347561",
        "5821347562",
        "5821347563",
        "5821347564",
    ]
    assert p.accounts["parent_account_id"].astype(object).tolist()[1] == "5821347561"
    assert p.contacts["name"].tolist()[3] == "Léa Moreau"
    assert p.contacts["role"].astype(str).tolist() == [
        "decision_maker",
        "user",
        "decision_maker",
        "other",
    ]  # blank role: the default
    opps = p.opportunities
    np.testing.assert_array_equal(opps["amount"], [1234500.0, 86000.0, 0.0, np.nan, np.nan])
    assert opps["stage"].astype(str).tolist() == [
        "closed_won",
        "negotiation",
        "closed_lost",
        "qualification",
        "prospecting",
    ]
    assert opps["kind"].astype(str).tolist() == ["upsell", "new", "new", "new", "new"]
    assert opps["created_on"].tolist()[0] == pd.Timestamp("2025-11-04")  # time of day dropped
    assert opps["closed_on"].isna().tolist() == [False, True, False, True, True]
    assert opps["expected_close_on"].tolist()[1] == pd.Timestamp("2026-12-15")
    nps = p.nps_responses  # the NPS submissions only, not the CSAT one
    assert nps["response_id"].tolist() == ["330001", "330003", "330004"]
    assert nps["score"].tolist() == [9, 6, 10]
    assert pd.isna(nps["contact_id"][2])
    meetings = p.interactions  # outcome: no-show and canceled are attended = false
    assert meetings["attended"].tolist() == [True, False, False, pd.NA, pd.NA]
    assert meetings["channel"].astype(str).tolist() == [
        "steering_committee",
        "meeting",
        "workshop",
        "meeting",
        "workshop",
    ]  # row 4: the default
    assert meetings["client_attendees"].tolist()[0] == 4


def test_examples_are_valid_mappings():
    for path in sorted(EXAMPLES.glob("*.toml")):
        assert read_mapping(path).tables["accounts"].file is not None, path.name


# --- what a mapping does --------------------------------------------------------------------


def test_columns_values_and_case_insensitive_value_matching(crm):
    export, mapping = crm
    p = load_portfolio(export, mapping=mapping)
    assert p.opportunities["stage"].astype(str).tolist() == [
        "prospecting",
        "closed_won",
        "negotiation",
        "negotiation",
    ]  # 'verbal ' is 'Verbal'
    assert p.opportunities["opportunity_id"].tolist() == ["O1", "O2", "O3", "O4"]


def test_an_unmapped_value_is_reported_with_the_files_names_and_rows(crm, tmp_path):
    export, mapping = crm
    text = MAPPING.replace('"Verbal" = "negotiation"\n', "")
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(export, mapping=write_mapping(tmp_path / "m.toml", text))
    assert problems_of(caught) == [
        "Opportunities.csv, column 'Stage', rows 4, 5: value 'Verbal' is not mapped; known: "
        "'Closed Won'; map it under [tables.opportunities.values.stage] to one of: "
        "prospecting, qualification, proposal, negotiation, closed_won, closed_lost"
    ]


def test_a_mapped_column_missing_from_the_file(crm, tmp_path):
    export, _ = crm
    text = MAPPING.replace('closed_on = "Close Date"', 'closed_on = "Closing Date"')
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(export, mapping=write_mapping(tmp_path / "m.toml", text))
    assert problems_of(caught) == [
        "Opportunities.csv: column 'Closing Date' (mapped to closed_on) is not in the file "
        "(did you mean 'Close Date'?); its columns: Opportunity ID, Account ID, Type, Stage, "
        "Amount, Created Date, Close Date"
    ]


def test_export_column_names_match_case_and_spaces_aside(crm, tmp_path):
    export, _ = crm
    text = MAPPING.replace('"Created Date"', '"created  date"')
    p = load_portfolio(export, mapping=write_mapping(tmp_path / "m.toml", text))
    assert p.opportunities["created_on"].tolist()[0] == pd.Timestamp("2026-01-05")


def test_a_required_column_neither_mapped_nor_defaulted(crm, tmp_path):
    export, _ = crm
    text = MAPPING.replace('kind = "Type"\n', "")
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(export, mapping=write_mapping(tmp_path / "m.toml", text))
    assert problems_of(caught) == [
        "Opportunities.csv: required column 'kind' is not mapped: add kind = \"<export column>\" "
        "under [tables.opportunities.columns], or a value for every row under "
        "[tables.opportunities.defaults]"
    ]


def test_defaults_are_constants_for_absent_columns_and_fill_blank_cells(tmp_path):
    export = write_export(
        tmp_path / "e",
        {
            "Accounts.csv": "Account ID,Account Name,Tier\nA1,Acme,\nA2,Globex,gold\n",
        },
    )
    mapping = {
        "tables": {
            "accounts": {
                "file": "Accounts.csv",
                "columns": {"account_id": "Account ID", "name": "Account Name", "tier": "Tier"},
                "defaults": {"tier": "standard", "region": "EMEA"},
            }
        }
    }
    p = load_portfolio(export, mapping=mapping)
    assert p.accounts["tier"].tolist() == ["standard", "gold"]
    assert p.accounts["region"].tolist() == ["EMEA", "EMEA"]


def test_one_export_column_feeds_several_canonical_columns(tmp_path):
    """An export that identifies accounts by name: the name is the id, in every table."""
    export = write_export(
        tmp_path / "e",
        {
            "Accounts.csv": "Account Name,Industry\nAcme Corp,Energy\nGlobex,Retail\n",
            "Deals.csv": "Deal,Account Name,Stage,Amount,Created\nD1,Acme  Corp,Closed Lost,0,"
            "2026-01-01\n",
        },
    )
    mapping = {
        "tables": {
            "accounts": {
                "file": "Accounts.csv",
                "columns": {
                    "account_id": "Account Name",
                    "name": "Account Name",
                    "industry": "Industry",
                },
            },
            "opportunities": {
                "file": "Deals.csv",
                "columns": {
                    "opportunity_id": "Deal",
                    "account_id": "Account Name",
                    "stage": "Stage",
                    "amount": "Amount",
                    "created_on": "Created",
                    "closed_on": "Created",
                },
                "defaults": {"kind": "new"},
            },
        }
    }
    p = load_portfolio(export, mapping=mapping)
    assert p.accounts["account_id"].tolist() == ["Acme Corp", "Globex"]
    assert p.accounts["name"].tolist() == ["Acme Corp", "Globex"]
    assert p.opportunities["account_id"].tolist() == ["Acme Corp"]  # spacing differed


def test_a_table_derived_from_a_file_by_a_where_filter_keeps_the_files_rows(tmp_path):
    export = write_export(
        tmp_path / "e",
        {
            "Accounts.csv": ACCOUNTS,
            "Survey.csv": "ID,Account,Type,Date,Comment\n"
            "S1,A1,Praise,2026-05-01,Great\n"
            "S2,A1,complaint,2026-05-02,Slow\n"
            "S3,A2,Complaint,not a date,Late\n",
        },
    )
    mapping = {
        "tables": {
            "accounts": {
                "file": "Accounts.csv",
                "columns": {"account_id": "Account ID", "name": "Account Name"},
            },
            "feedback": {
                "file": "Survey.csv",
                "where": {"Type": "Complaint"},
                "columns": {
                    "feedback_id": "ID",
                    "account_id": "Account",
                    "recorded_on": "Date",
                    "text": "Comment",
                },
                "defaults": {"kind": "irritant"},
            },
        }
    }
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(export, mapping=mapping)
    assert problems_of(caught) == [
        "Survey.csv, column 'Date', row 4: expected a date YYYY-MM-DD, got 'not a date'"
    ]
    fixed = dict(mapping)
    fixed["tables"]["feedback"]["where"] = {"Type": ["Complaint", "Praise"]}
    export.joinpath("Survey.csv").write_text(
        export.joinpath("Survey.csv").read_text().replace("not a date", "2026-05-03")
    )
    p = load_portfolio(export, mapping=fixed)
    assert p.feedback["feedback_id"].tolist() == ["S1", "S2", "S3"]
    assert p.feedback["kind"].astype(str).tolist() == ["irritant"] * 3  # a constant


def test_several_tables_from_one_file_are_told_apart_in_messages(tmp_path):
    export = write_export(
        tmp_path / "e",
        {
            "Accounts.csv": ACCOUNTS,
            "Cases.csv": "No,Account,Opened,Priority,Type\n1,A1,2026-01-01,High,Complaint\n"
            "2,A9,2026-01-02,Low,Problem\n",
        },
    )
    mapping = {
        "tables": {
            "accounts": {
                "file": "Accounts.csv",
                "columns": {"account_id": "Account ID", "name": "Account Name"},
            },
            "tickets": {
                "file": "Cases.csv",
                "columns": {
                    "ticket_id": "No",
                    "account_id": "Account",
                    "opened_on": "Opened",
                    "severity": "Priority",
                },
            },
            "feedback": {
                "file": "Cases.csv",
                "where": {"Type": "Complaint"},
                "columns": {"feedback_id": "No", "account_id": "Account", "recorded_on": "Opened"},
                "defaults": {"kind": "irritant"},
            },
        }
    }
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(export, mapping=mapping)
    assert problems_of(caught) == [
        "Cases.csv (as tickets), column 'Account', row 3: 'A9' not found in accounts.account_id"
    ]


def test_a_column_level_where_blanks_the_cells_outside_it(tmp_path):
    """Salesforce's 'Close Date' is the expected close while a deal is open."""
    export = write_export(
        tmp_path / "e",
        {
            "Accounts.csv": ACCOUNTS,
            "Opps.csv": "Id,Account,Stage,Amount,Created,Close Date\n"
            "O1,A1,Closed Won,10,2026-01-01,2026-02-01\n"
            "O2,A1,Prospecting,,2026-01-01,2026-09-30\n",
        },
    )
    mapping = {
        "tables": {
            "accounts": {
                "file": "Accounts.csv",
                "columns": {"account_id": "Account ID", "name": "Account Name"},
            },
            "opportunities": {
                "file": "Opps.csv",
                "defaults": {"kind": "new"},
                "columns": {
                    "opportunity_id": "Id",
                    "account_id": "Account",
                    "stage": "Stage",
                    "amount": "Amount",
                    "created_on": "Created",
                    "expected_close_on": "Close Date",
                    "closed_on": {
                        "column": "Close Date",
                        "where": {"Stage": ["Closed Won", "Closed Lost"]},
                    },
                },
            },
        }
    }
    opps = load_portfolio(export, mapping=mapping).opportunities
    assert opps["closed_on"].tolist()[0] == pd.Timestamp("2026-02-01")
    assert pd.isna(opps["closed_on"][1])
    assert opps["expected_close_on"].tolist() == [
        pd.Timestamp("2026-02-01"),
        pd.Timestamp("2026-09-30"),
    ]


def test_unmapped_columns_named_like_ours_need_no_line_and_the_rest_are_kept(tmp_path):
    export = write_export(
        tmp_path / "e", {"Accounts.csv": "Id,name,industry,CRM URL\nA1,Acme,Energy,https://crm/1\n"}
    )
    mapping = {"tables": {"accounts": {"file": "Accounts.csv", "columns": {"account_id": "Id"}}}}
    accounts = load_portfolio(export, mapping=mapping).accounts
    assert accounts["name"].tolist() == ["Acme"] and accounts["industry"].tolist() == ["Energy"]
    assert accounts["CRM URL"].tolist() == ["https://crm/1"]
    assert "Id" not in accounts.columns


def test_only_the_tables_the_mapping_lists_are_read(crm, tmp_path):
    export, mapping = crm
    (export / "tickets.csv").write_text("not,a,tickets,table\n")
    p = load_portfolio(export, mapping=mapping)
    assert p.tickets is None


def test_sheets_of_a_workbook_export(tmp_path):
    path = tmp_path / "export.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"Account ID": ["007"], "Account Name": ["Acme"]}).to_excel(
            writer, sheet_name="Comptes", index=False
        )
    mapping = {
        "tables": {
            "accounts": {
                "sheet": "Comptes",
                "columns": {"account_id": "Account ID", "name": "Account Name"},
            }
        }
    }
    assert load_portfolio(path, mapping=mapping).accounts["account_id"].tolist() == ["007"]
    folder = tmp_path / "folder"
    folder.mkdir()
    path.rename(folder / "export.xlsx")
    mapping["tables"]["accounts"]["file"] = "export.xlsx"
    assert len(load_portfolio(folder, mapping=mapping).accounts) == 1
    mapping["tables"]["accounts"]["sheet"] = "Accounts"
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(folder, mapping=mapping)
    assert problems_of(caught) == ["export.xlsx: sheet 'Accounts' not found; its sheets: Comptes"]


def test_a_file_the_folder_lacks(crm, tmp_path):
    export, _ = crm
    text = MAPPING.replace('file = "Accounts.csv"', 'file = "accounts.csv"')
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(export, mapping=write_mapping(tmp_path / "m.toml", text))
    assert problems_of(caught) == [
        "accounts.csv: file not found in the export folder (did you mean 'Accounts.csv'?); "
        "files there: Accounts.csv, Opportunities.csv"
    ]


def test_date_order_the_mapping_option_the_argument_and_the_table(crm, tmp_path):
    export, _ = crm
    opportunities = OPPORTUNITIES.replace("2026-01-05", "31/01/2026").replace(
        "2026-01-06", "01/02/2026"
    )
    (export / "Opportunities.csv").write_text(opportunities)
    dayfirst = write_mapping(tmp_path / "d.toml", "[options]\ndayfirst = true\n" + MAPPING)
    p = load_portfolio(export, mapping=dayfirst)
    assert p.opportunities["created_on"].tolist()[:2] == [
        pd.Timestamp("2026-01-31"),
        pd.Timestamp("2026-02-01"),
    ]
    with pytest.raises(DataValidationError, match="'31/01/2026'"):
        load_portfolio(export, mapping=dayfirst, dayfirst=False)  # the argument wins
    monthfirst = MAPPING.replace(
        'file = "Opportunities.csv"', 'file = "Opportunities.csv"\nmonthfirst = true'
    )
    with pytest.raises(DataValidationError) as caught:  # the table's own setting wins
        load_portfolio(
            export, mapping=write_mapping(tmp_path / "m.toml", monthfirst), dayfirst=True
        )
    assert "column 'Created Date', row 2: expected a date" in problems_of(caught)[0]


def test_a_mapping_object_or_dict_is_accepted(crm):
    export, mapping = crm
    checked = read_mapping(mapping)
    assert load_portfolio(export, mapping=checked).accounts["name"].tolist() == ["Acme", "Globex"]


# --- the mapping file's own problems ---------------------------------------------------------


def test_every_problem_of_a_mapping_file_is_reported_at_once(tmp_path):
    text = """
[option]
dayfirst = true

[tables.acounts]
file = "Accounts.csv"

[tables.opportunities]
file = 3
[tables.opportunities.columns]
stge = "Stage"
amount = 12
[tables.opportunities.values.stage]
"Won" = "closed_wn"
[tables.opportunities.defaults]
kind = "nouveau"
created_on = "31/31/2026"
"""
    with pytest.raises(ConfigError) as caught:
        read_mapping(write_mapping(tmp_path / "crm.toml", text))
    lines = str(caught.value).splitlines()
    assert lines[0] == "crm.toml: 8 problems in the mapping:"
    assert lines[1:] == [
        "  - the mapping: unknown key 'option' (did you mean 'options'?); expected: options, "
        "tables",
        "  - [tables.acounts]: unknown table 'acounts' (did you mean 'accounts'?); tables are: "
        "accounts, assessments, contacts, interactions, opportunities, stage_history, actions, "
        "nps_responses, tickets, feedback, outcomes, overrides, review_notes, products, plans, "
        "objectives, plan_items",
        "  - [tables.opportunities] file: expected a file name, got int 3",
        "  - [tables.opportunities.columns]: unknown column 'stge' for opportunities (did you "
        "mean 'stage'?); its columns are: opportunity_id, account_id, name, product, "
        "business_unit, kind, amount, stage, probability, created_on, expected_close_on, "
        "closed_on",
        "  - [tables.opportunities.columns] amount: expected an export column name (or a list "
        "of them), got int 12",
        "  - [tables.opportunities.values.stage] \"Won\": 'closed_wn' is not a valid stage (did "
        "you mean 'closed_won'?); expected one of: prospecting, qualification, proposal, "
        "negotiation, closed_won, closed_lost",
        "  - [tables.opportunities.defaults] kind: 'nouveau' is not a valid kind; expected one "
        "of: new, renewal, upsell, cross_sell",
        "  - [tables.opportunities.defaults] created_on: '31/31/2026' is not a valid created_on; "
        "expected a date YYYY-MM-DD",
    ]


def test_a_toml_syntax_error_gives_its_line(tmp_path):
    path = write_mapping(tmp_path / "crm.toml", '[tables.accounts]\nfile = "Accounts.csv\n')
    with pytest.raises(ConfigError, match=r"^crm.toml: not valid TOML: .*line 2"):
        read_mapping(path)


def test_mapping_file_problems_of_the_options(tmp_path):
    text = (
        '[options]\ndayfirst = true\nmonthfirst = true\nencoding = "klingon"\n'
        '[tables.accounts]\nsheet = "A"\nfile = "a.csv"\n'
    )
    with pytest.raises(ConfigError) as caught:
        read_mapping(write_mapping(tmp_path / "crm.toml", text))
    assert str(caught.value).splitlines()[1:] == [
        "  - [options]: dayfirst and monthfirst cannot both be true",
        "  - [options] encoding: unknown encoding 'klingon' (e.g. 'utf-8', 'cp1252', 'latin-1')",
        "  - [tables.accounts] sheet: 'a.csv' is not an .xlsx workbook: it has no sheets",
    ]


def test_a_missing_mapping_file_and_an_empty_one(tmp_path):
    with pytest.raises(ConfigError, match="mapping file '.*nowhere.toml' does not exist"):
        read_mapping(tmp_path / "nowhere.toml")
    with pytest.raises(ConfigError, match="has no \\[tables.<name>\\] section"):
        read_mapping(write_mapping(tmp_path / "empty.toml", "# nothing yet\n"))


@pytest.mark.parametrize(
    "file, reason",
    [
        (
            "../outside.csv",
            "'../outside.csv' points outside the export folder ('..'); name a file inside it",
        ),
        (
            "sub/../../outside.csv",
            "'sub/../../outside.csv' points outside the export folder "
            "('..'); name a file inside it",
        ),
        (
            "/etc/passwd.csv",
            "'/etc/passwd.csv' is an absolute path; name a file inside the "
            "export folder, relative to it",
        ),
        (
            "C:\\\\exports\\\\x.csv",
            "'C:\\exports\\x.csv' is an absolute path; name a file "
            "inside the export folder, relative to it",
        ),
        (
            "~/x.csv",
            "'~/x.csv' is an absolute path; name a file inside the export folder, relative to it",
        ),
    ],
)
def test_a_file_outside_the_export_folder_is_refused(crm, tmp_path, file, reason):
    export, _ = crm
    text = MAPPING.replace('file = "Accounts.csv"', f'file = "{file}"')
    with pytest.raises(ConfigError) as caught:
        load_portfolio(export, mapping=write_mapping(tmp_path / "m.toml", text))
    assert str(caught.value).splitlines() == [
        "m.toml: 1 problem in the mapping:",
        f"  - [tables.accounts] file: {reason}",
    ]


def test_a_link_that_leads_outside_the_export_folder_is_refused(crm, tmp_path):
    export, mapping = crm
    secret = write_export(tmp_path / "elsewhere", {"secret.csv": ACCOUNTS}) / "secret.csv"
    (export / "Accounts.csv").unlink()
    os.symlink(secret, export / "Accounts.csv")
    with pytest.raises(ConfigError) as caught:
        load_portfolio(export, mapping=mapping)
    assert str(caught.value).splitlines() == [
        f"crm.toml does not fit {export}:",
        f"  - [tables.accounts] file = 'Accounts.csv' leads outside the export folder (to "
        f"{secret.resolve()}); mapping files may only name files inside it",
    ]
    os.symlink(tmp_path / "elsewhere", export / "linked")
    text = MAPPING.replace('file = "Accounts.csv"', 'file = "linked/secret.csv"')
    with pytest.raises(ConfigError, match="leads outside the export folder"):
        load_portfolio(export, mapping=write_mapping(tmp_path / "m.toml", text))


def test_a_link_inside_the_export_folder_is_fine(crm):
    export, mapping = crm
    (export / "data").mkdir()
    (export / "Accounts.csv").rename(export / "data" / "Accounts.csv")
    os.symlink(export / "data" / "Accounts.csv", export / "Accounts.csv")
    assert len(load_portfolio(export, mapping=mapping).accounts) == 2


def test_a_sheet_without_a_workbook_and_a_file_inside_a_workbook(crm, tmp_path):
    export, _ = crm
    text = MAPPING.replace('file = "Accounts.csv"', 'sheet = "Accounts"')
    with pytest.raises(ConfigError, match=r"sheet = 'Accounts': the export is a folder"):
        load_portfolio(export, mapping=write_mapping(tmp_path / "m.toml", text))
    book = tmp_path / "book.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(book, index=False)
    with pytest.raises(ConfigError, match=r"the export is the workbook 'book.xlsx'"):
        load_portfolio(book, mapping=write_mapping(tmp_path / "m.toml", MAPPING))


def test_load_portfolio_warns_its_notes(tmp_path):
    export = write_export(
        tmp_path / "e", {"Accounts.csv": ACCOUNTS.replace("Acme", "Café").encode("cp1252")}
    )
    mapping = {
        "tables": {
            "accounts": {
                "file": "Accounts.csv",
                "columns": {"account_id": "Account ID", "name": "Account Name"},
            }
        }
    }
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        p = load_portfolio(export, mapping=mapping)
    assert [w.category for w in caught] == [LoadNote]
    assert p.accounts["name"].tolist() == ["Café", "Globex"]


def test_a_duplicated_export_header_is_reported_only_when_the_mapping_reads_it(tmp_path):
    export = write_export(
        tmp_path / "e",
        {"Accounts.csv": "Account ID,Account Name,name,Notes,Notes\nA1,Acme,x,n1,n2\n"},
    )
    mapping = {
        "tables": {
            "accounts": {
                "file": "Accounts.csv",
                "columns": {"account_id": "Account ID", "name": "Account Name"},
            }
        }
    }
    accounts = load_portfolio(export, mapping=mapping).accounts  # 'Notes' twice: unused
    assert accounts["Notes"].tolist() == ["n1"]
    assert accounts["name"].tolist() == ["Acme"]  # the export's own 'name' is not read
    mapping["tables"]["accounts"]["columns"]["industry"] = "Notes"
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(export, mapping=mapping)
    assert problems_of(caught) == [
        "Accounts.csv, column 'Notes': the header 'Notes' appears more than once; the mapping "
        "cannot tell which one to read"
    ]


def test_a_value_mapped_to_blank_is_blank(tmp_path):
    export = write_export(
        tmp_path / "e",
        {
            "Accounts.csv": ACCOUNTS,
            "Contacts.csv": "Id,Account,Name,Level\nK1,A1,Ann,--None--\nK2,A1,Bob,VP\n",
        },
    )
    mapping = {
        "tables": {
            "accounts": {
                "file": "Accounts.csv",
                "columns": {"account_id": "Account ID", "name": "Account Name"},
            },
            "contacts": {
                "file": "Contacts.csv",
                "columns": {
                    "contact_id": "Id",
                    "account_id": "Account",
                    "name": "Name",
                    "level": "Level",
                },
                "values": {"level": {"--None--": "", "VP": "director"}},
            },
        }
    }
    contacts = load_portfolio(export, mapping=mapping).contacts
    assert contacts["level"].astype(object).where(contacts["level"].notna(), None).tolist() == [
        None,
        "director",
    ]


def test_salesforce_account_plan_example():
    """docs/examples/salesforce-account-plans.toml on an AccountPlan export: plans (a draft,
    a completed one), objectives from the measures, and their progress at a review."""
    from acctkit import compute_kpis, objective_progress

    export = FIXTURES / "salesforce-plans"
    before = folder_digest(export)
    p = load_portfolio(export, mapping=EXAMPLES / "salesforce-account-plans.toml")
    assert folder_digest(export) == before
    plans = p.plans.set_index("plan_id")
    assert plans["status"].astype(str).tolist() == ["active", "closed", "draft"]
    assert plans.loc["0Ap3X000000001AAA", "ambition"].startswith("Become CGE's lighting")
    objectives = p.objectives.set_index("objective_id")
    assert objectives["kpi"].tolist() == ["coverage_pct", "interactions", "win_rate_pct", "nps"]
    assert objectives["status"].astype(str).tolist() == ["open", "open", "dropped", "achieved"]
    assert objectives["CurrentValue"].tolist()[0] == "80"  # kept, not read: acctkit measures
    progress = objective_progress(p, "2026-06-30")
    # in force on 06-30: the 2026 plan only (2025's ended, the draft is ignored)
    assert progress.index.tolist() == [
        "0Ao3X000000001AAA",
        "0Ao3X000000002AAA",
        "0Ao3X000000003AAA",
    ]
    assert progress.loc["0Ao3X000000003AAA", "status"] == "dropped"
    kpis = compute_kpis(p, "2026-06-30")
    assert kpis["plan_id"].iloc[0] == "0Ap3X000000001AAA"
    assert kpis["plan_status"].astype(str).tolist()[1] == "no_plan"
