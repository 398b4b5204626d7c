"""init-mapping: a starter mapping proposed from an export's files, columns and values."""

from __future__ import annotations

import pandas as pd
import pytest

from acctkit.data import LoadNote, load_portfolio, read_mapping
from acctkit.data.init_mapping import propose_mapping, write_starter_mapping
from acctkit.errors import ConfigError, DataValidationError
from tests.helpers import CRM_FIXTURES as FIXTURES
from tests.helpers import folder_digest, problems_of, write_export

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib


def test_salesforce_export_files_columns_and_values(tmp_path):
    export = FIXTURES / "salesforce"
    before = folder_digest(export)
    starter = write_starter_mapping(export, tmp_path / "crm.toml")
    assert folder_digest(export) == before
    assert starter.tables == {
        "accounts": "Accounts.csv",
        "contacts": "Contacts.csv",
        "interactions": "Events.csv",
        "opportunities": "Opportunities.csv",
        "tickets": "Cases.csv",
    }
    text = (tmp_path / "crm.toml").read_text(encoding="utf-8")
    assert text == starter.text
    mapping = tomllib.loads(text)
    assert mapping["options"] == {"dayfirst": True}  # 31/10/2026 was seen
    tables = mapping["tables"]
    assert tables["accounts"]["columns"] == {
        "account_id": "Account ID",
        "name": "Account Name",
        "industry": "Industry",
        "owner": "Account Owner",
        "region": "Billing Country",
        "parent_account_id": "Parent Account ID",
    }
    assert tables["contacts"]["columns"]["name"] == ["First Name", "Last Name"]
    opportunities = tables["opportunities"]
    assert opportunities["columns"]["stage"] == "Stage"
    assert opportunities["columns"]["kind"] == "Type"
    # 'Close Date' is filled on open deals too: it is the expected close until the deal closes
    assert opportunities["columns"]["expected_close_on"] == "Close Date"
    assert opportunities["columns"]["closed_on"] == {
        "column": "Close Date",
        "where": {"Stage": ["Closed Won", "Closed Lost"]},
    }
    assert opportunities["values"]["stage"] == {
        "Closed Won": "closed_won",
        "Negotiation/Review": "negotiation",
        "Needs Analysis": "qualification",
        "Proposal/Price Quote": "proposal",
        "Closed Lost": "closed_lost",
        "Prospecting": "prospecting",
        "Value Proposition": "proposal",
        "Qualification": "qualification",
    }
    assert "values" not in tables["tickets"]  # High / Medium / Low need no map
    # the false friend is proposed commented out, with the reason
    assert (
        "# annual_revenue = \"Annual Revenue\"   # check: in CRMs 'Annual Revenue' is "
        "usually the company's own turnover"
    ) in text
    assert starter.to_decide == (
        "accounts.annual_revenue: check: in CRMs 'Annual Revenue' is usually the company's own "
        "turnover; acctkit wants your revenue from the account over the last 12 months",
        "opportunities.kind: 1 row with a blank 'Type': give a default under "
        "[tables.opportunities.defaults]",
    )
    assert "# kind = \"new\"   # for the 1 row with a blank 'Type'" in text


def test_loading_with_the_starter_reports_exactly_what_is_left_to_decide(tmp_path):
    export = FIXTURES / "salesforce"
    path = tmp_path / "crm.toml"
    write_starter_mapping(export, path)
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(export, mapping=path)
    assert problems_of(caught) == [
        "Opportunities.csv, column 'Type', row 6: is required but blank; give blank cells a "
        "value under [tables.opportunities.defaults]"
    ]
    path.write_text(path.read_text().replace('# kind = "new"', 'kind = "new"'))
    with pytest.warns(LoadNote, match="read as cp1252"):
        p = load_portfolio(export, mapping=path)
    assert len(p.opportunities) == 9 and p.tickets["ticket_id"].tolist()[0] == "00001001"


def test_hubspot_export_unknown_values_are_listed_commented_out(tmp_path):
    starter = propose_mapping(FIXTURES / "hubspot")
    assert list(starter.tables) == [
        "accounts",
        "contacts",
        "interactions",
        "opportunities",
        "feedback",
    ]
    assert '# "Budget Holder" = ""   # 1 row: which role?' in starter.text
    assert '# "Existing Business" = ""   # 1 row: which kind?' in starter.text
    assert '"Contract Sent" = "negotiation"   # 1 row' in starter.text
    assert "contacts, column 'Buying Role': 1 value to map ('Budget Holder')" in starter.to_decide
    assert "feedback: required column 'kind' has no matching export column" in starter.to_decide
    read_mapping(tomllib.loads(starter.text))  # a valid mapping, as proposed
    summary = starter.summary().splitlines()
    assert summary[0].startswith("5 tables proposed (accounts <- hubspot-crm-exports-all-")
    assert summary[1] == "left for you to decide (commented out in the file):"


def test_a_file_named_otherwise_is_matched_by_its_columns_and_month_first_dates(tmp_path):
    export = write_export(
        tmp_path / "e",
        {
            "export_1.csv": "Id,Name,Industry\nA1,Acme,Energy\n",
            "export_2.csv": "Opportunity ID,Account ID,Deal Stage,Amount,Create Date,Close Date\n"
            "O1,A1,Closed Won,10,10/31/2025,11/30/2025\n",
            "notes.txt": "not a table\n",
        },
    )
    starter = propose_mapping(export)
    assert starter.tables == {"accounts": "export_1.csv", "opportunities": "export_2.csv"}
    mapping = tomllib.loads(starter.text)
    assert mapping["options"] == {"monthfirst": True}
    assert "#   notes.txt" in starter.text  # listed as not matched to a table


def test_ambiguous_dates_are_left_to_the_user(tmp_path):
    export = write_export(
        tmp_path / "e",
        {
            "Accounts.csv": "Account ID,Account Name\nA1,Acme\n",
            "Cases.csv": "Case Number,Account ID,Opened,Priority\n1,A1,03/04/2026,Low\n",
        },
    )
    starter = propose_mapping(export)
    assert "[options]\n# dates like 03/04/2026 were found: say dayfirst = true" in starter.text


def test_a_workbook_export_proposes_sheets(tmp_path):
    path = tmp_path / "crm.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"Company ID": ["C1"], "Company name": ["Acme"]}).to_excel(
            writer, sheet_name="Companies", index=False
        )
        pd.DataFrame({"Deal ID": ["D1"], "Company ID": ["C1"]}).to_excel(
            writer, sheet_name="Deals", index=False
        )
    starter = propose_mapping(path)
    mapping = tomllib.loads(starter.text)
    assert mapping["tables"]["accounts"] == {
        "sheet": "Companies",
        "columns": {"account_id": "Company ID", "name": "Company name"},
    }
    assert mapping["tables"]["opportunities"]["sheet"] == "Deals"
    assert "required column 'stage' has no matching export column" in " ".join(starter.to_decide)


def test_accounts_known_only_by_name(tmp_path):
    export = write_export(
        tmp_path / "e",
        {
            "Accounts.csv": "Account Name,Industry\nAcme,Energy\n",
            "Deals.csv": "Deal Name,Account Name,Stage,Amount,Created Date\nD,Acme,Won,1,2026-01-01\n",
        },
    )
    mapping = tomllib.loads(propose_mapping(export).text)
    assert mapping["tables"]["accounts"]["columns"]["account_id"] == "Account Name"
    assert mapping["tables"]["accounts"]["columns"]["name"] == "Account Name"
    assert mapping["tables"]["opportunities"]["columns"]["account_id"] == "Account Name"
    assert mapping["tables"]["opportunities"]["values"]["stage"] == {"Won": "closed_won"}


def test_deal_probability_written_as_a_fraction_is_not_proposed(tmp_path):
    export = write_export(
        tmp_path / "e",
        {
            "Accounts.csv": "Account ID,Account Name\nA1,Acme\n",
            "Deals.csv": "Deal ID,Account ID,Deal probability\nD1,A1,0.2\n",
        },
    )
    text = propose_mapping(export).text
    assert (
        '# probability = "Deal probability"   # check: its values are 0..1 and acctkit '
        "wants 0..100 (%)"
    ) in text


def test_an_existing_output_is_not_overwritten(tmp_path):
    output = tmp_path / "crm.toml"
    output.write_text("# mine\n")
    with pytest.raises(ConfigError, match="already exists"):
        write_starter_mapping(FIXTURES / "hubspot", output)
    assert output.read_text() == "# mine\n"
    starter = write_starter_mapping(FIXTURES / "hubspot", output, overwrite=True)
    assert starter.path == output and starter.summary().startswith(f"wrote {output}: 5 tables")


def test_an_export_that_is_not_there_or_holds_nothing(tmp_path):
    with pytest.raises(DataValidationError, match="does not exist"):
        propose_mapping(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataValidationError, match="holds no readable CSV, Parquet or .xlsx"):
        propose_mapping(tmp_path / "empty")


def test_names_with_quotes_are_written_as_valid_toml(tmp_path):
    export = write_export(
        tmp_path / "e",
        {"Accounts.csv": 'Account ID,"Account ""Name""",Tier\nA1,Acme,"Gold \\ ""VIP"""\n'},
    )
    text = propose_mapping(export).text
    tomllib.loads(text)
    assert 'Account "Name"' in text


def test_salesforce_account_plan_export_is_recognised(tmp_path):
    """AccountPlan and AccountPlanObjectiveMeasure files (API field names) become plans and
    objectives, with their status picklists translated (the account plan, issue 15)."""
    export = FIXTURES / "salesforce-plans"
    starter = propose_mapping(export)
    assert starter.tables == {
        "accounts": "Account.csv",
        "plans": "AccountPlan.csv",
        "objectives": "AccountPlanObjectiveMeasure.csv",
    }
    tables = tomllib.loads(starter.text)["tables"]
    assert tables["plans"]["columns"] == {
        "plan_id": "Id",
        "account_id": "AccountId",
        "title": "Name",
        "starts_on": "StartDate",
        "ends_on": "EndDate",
        "ambition": "Description",
        "status": "Status",
    }
    assert tables["plans"]["values"]["status"] == {
        "Active": "active",
        "Completed": "closed",
        "Draft": "draft",
    }
    objectives = tables["objectives"]
    assert objectives["columns"]["objective_id"] == "AccountPlanObjectiveId"
    assert objectives["columns"]["plan_id"] == "AccountPlanObjective.AccountPlanId"
    assert objectives["columns"]["kpi"] == "Name"
    assert objectives["columns"]["target"] == "TargetValue"
    assert objectives["values"]["status"]["Canceled"] == "dropped"
    path = tmp_path / "crm.toml"
    path.write_text(starter.text, encoding="utf-8")
    portfolio = load_portfolio(export, mapping=path)  # the starter loads as it is
    assert len(portfolio.plans) == 3 and len(portfolio.objectives) == 4
