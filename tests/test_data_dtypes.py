"""The loaded tables' dtypes, as docs/data-model.md documents them, whatever the file format;
and the whole-column (Arrow) readings of text agree with the cell-by-cell ones."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from acctkit.data import load_portfolio, load_with_notes, parse
from acctkit.datasets import generate_tables, write_tables
from acctkit.errors import DataValidationError

DATA_MODEL = Path(__file__).parents[1] / "docs" / "data-model.md"
# The keys whose ids are categoricals, with the ids that reference them (docs/data-model.md,
# "In Python: the dtypes of the loaded tables").
KEYED = {"account_id", "contacts.contact_id", "opportunities.opportunity_id"}
REFERENCES = {
    "interactions.contact_id",
    "nps_responses.contact_id",
    "stage_history.opportunity_id",
    "accounts.parent_account_id",
}
ORDERED = {"level", "stage", "severity"}


def _documented_types() -> dict[str, dict[str, str]]:
    """Each table's columns and their type, read from the column tables of the data model."""
    tables: dict[str, dict[str, str]] = {}
    current = None
    for line in DATA_MODEL.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"### (\w+)", line)
        if heading:
            current = tables.setdefault(heading.group(1), {})
        elif current is not None and line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            current[cells[0].strip("`")] = cells[1]
        elif line.startswith("## ") and tables:
            current = None
    return tables


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    """A small synthetic portfolio written as CSV, as Parquet and as one workbook."""
    tables = generate_tables(n_accounts=4, months=6, end="2026-06-30", seed=11)
    root = tmp_path_factory.mktemp("generated")
    write_tables(tables, root / "csv")
    (root / "parquet").mkdir()
    for name, frame in tables.items():
        frame.to_parquet(root / "parquet" / f"{name}.parquet", index=False)
    with pd.ExcelWriter(root / "portfolio.xlsx", engine="openpyxl") as book:
        for name, frame in tables.items():
            frame.to_excel(book, sheet_name=name, index=False)
    return {"csv": root / "csv", "parquet": root / "parquet", "xlsx": root / "portfolio.xlsx"}


def test_the_data_model_lists_every_table():
    documented = _documented_types()
    assert len(documented) == 17 and all(documented.values())  # #18, #19, the plan (#15)
    assert documented["accounts"]["annual_revenue"] == "number"
    assert documented["contacts"]["level"] == "category"


def test_every_column_has_the_dtype_the_data_model_documents(generated):
    portfolio = load_portfolio(generated["csv"])
    documented = _documented_types()
    tables = portfolio.tables()
    assert set(tables) == set(documented)
    for name, frame in tables.items():
        assert list(frame.columns) == list(documented[name]), name
        for column, kind in documented[name].items():
            dtype, where = frame[column].dtype, f"{name}.{column}"
            if kind == "ID" and (column == "account_id" or where in KEYED | REFERENCES):
                assert isinstance(dtype, pd.CategoricalDtype), where
            elif kind in ("ID", "text"):
                assert dtype == "str", where
            elif kind == "number":
                assert dtype == "float64", where
            elif kind == "whole number":
                assert dtype == "Int64", where
            elif kind == "date":
                assert dtype == "datetime64[ns]", where
            elif kind == "yes/no" and where == "interactions.attended":
                assert dtype == "boolean", where  # blank is unknown, not false
            elif kind == "yes/no":
                assert dtype == "bool", where
            else:
                assert kind == "category", where
                assert isinstance(dtype, pd.CategoricalDtype), where
                assert dtype.ordered == (column in ORDERED), where
    accounts = portfolio.accounts["account_id"]
    assert list(accounts.cat.categories) == ["A0001", "A0002", "A0003", "A0004"]
    assert portfolio.contacts["account_id"].dtype == accounts.dtype
    assert list(portfolio.contacts["level"].cat.categories) == [
        "user",
        "manager",
        "director",
        "c_level",
    ]
    shared = portfolio.interactions["contact_id"].cat.categories
    assert shared.equals(portfolio.contacts["contact_id"].cat.categories)


def test_csv_parquet_and_xlsx_give_identical_tables(generated):
    from_csv = load_portfolio(generated["csv"]).tables()
    for source in ("parquet", "xlsx"):
        other = load_portfolio(generated[source]).tables()
        assert set(other) == set(from_csv)
        for name, frame in from_csv.items():
            pd.testing.assert_frame_equal(other[name], frame, check_exact=True, obj=name)


# --- whole-column text, against the cell-by-cell reading (object dtype) ----------------------

CELLS = [" Acme  Corp ", "a\tb", "x\u00a0y", "em\u2003space", "", "  ", None, "W1", "Café"]


@pytest.mark.parametrize("dtype", ["str", object])
def test_labels_and_text_in_any_dtype(dtype):
    cells = pd.Series(CELLS, dtype=dtype)
    nan = np.nan
    assert parse.label(cells).tolist() == [
        "Acme Corp",
        "a b",
        "x y",
        "em\u2003space",  # a single wide space is kept, as before
        nan,
        nan,
        nan,
        "W1",
        "Café",
    ]
    assert parse.text(cells).tolist()[:4] == ["Acme  Corp", "a\tb", "x\u00a0y", "em\u2003space"]
    assert parse.is_blank(cells).tolist() == [False] * 4 + [True] * 3 + [False] * 2


@pytest.mark.parametrize("dtype", ["str", object])
def test_numbers_and_dates_in_any_dtype(dtype):
    values, bad = parse.number(pd.Series(["1.5", "", "2e3", "x", "1e400"], dtype=dtype))
    assert values.tolist()[:3:2] == [1.5, 2000.0] and bad.tolist() == [0, 0, 0, 1, 1]
    days = pd.Series(["31/12/2026", "01/02/2026", "", "31/02/2026"], dtype=dtype)
    values, bad = parse.date(days, "dmy")
    assert values.tolist()[:2] == [pd.Timestamp("2026-12-31"), pd.Timestamp("2026-02-01")]
    assert bad.tolist() == [False, False, False, True]  # 31 February is not rolled over
    mixed = pd.Series(["30/04/2026", "2026-06-15", None], dtype=dtype)
    assert parse.date(mixed, "dmy")[0].tolist()[:2] == [
        pd.Timestamp("2026-04-30"),
        pd.Timestamp("2026-06-15"),
    ]
    iso = pd.Series(["2026-06-30", "2026-02-30"], dtype=dtype)
    assert parse.date(iso)[1].tolist() == [False, True]


def test_a_csv_with_blank_lines_quoted_line_breaks_and_spaced_ids(tmp_path):
    folder = tmp_path / "portfolio"
    folder.mkdir()
    (folder / "accounts.csv").write_text(
        'account_id,name,(note)\n\n W1 ,"Northwind\nLogistics",\n , ,\nW2,Café  Lumière,x\n',
        encoding="utf-8",
    )
    result = load_with_notes(folder)
    accounts = result.portfolio.accounts
    assert list(accounts["account_id"]) == ["W1", "W2"]
    assert accounts["name"].tolist() == ["Northwind Logistics", "Café Lumière"]
    assert accounts["(note)"].tolist() == [np.nan, "x"]
    (folder / "accounts.csv").write_text(
        "account_id,name\n\nW1,A\n,\nW2,B\nW1,C\n", encoding="utf-8"
    )
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(folder)
    assert [(p.rows, p.message) for p in caught.value.problems] == [((3, 6), "duplicate id 'W1'")]


def test_a_quote_never_closed_is_still_said_when_the_file_ends_with_a_line_break(tmp_path):
    folder = tmp_path / "portfolio"
    folder.mkdir()
    (folder / "accounts.csv").write_text('account_id,name\nW1,"Northwind\n', encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(folder)
    assert [p.message for p in caught.value.problems] == [
        "the quoted value that starts on row 2 is never closed (no closing '\"'): the file "
        "may be cut short, or a quote is missing"
    ]
