"""Parquet's dictionary codes read as they are: enums and references to the key tables.

A Parquet writer stores repetitive text (account ids, channels) as a dictionary of distinct
values and a small code per row; the load reads those columns as Categoricals and parses
each distinct value once. These tests hold that path to the text read of the same cells:
the same tables, and the same problems with the same rows.
"""

from __future__ import annotations

import io

import pandas as pd
import pyarrow.parquet as pq
import pytest

from acctkit.data import load_portfolio
from acctkit.data.readers import read_file
from acctkit.errors import DataValidationError
from tests.helpers import TINY

# Ids written with stray spaces, a blank written as spaces, enum values with spaces around:
# cells the labels make equal (' K1' and 'K1', '007 ' and '007').
MESSY_INTERACTIONS = """interaction_id,account_id,contact_id,occurred_on,channel,direction
J1,007 ,K1,2026-06-10,meeting,outbound
J2,007, ,2026-05-20, call,inbound
J3,A2,K3,2026-04-02,email ,
J4, A2,K3 ,2026-04-03,email,inbound
J5,007, K1,2026-04-04,meeting,outbound
"""


def _frames(tables: dict[str, str]) -> dict[str, pd.DataFrame]:
    """Every cell as text, as an export writes it (blank cells as empty strings)."""
    return {
        name: pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        for name, text in tables.items()
    }


def _write_both(tmp_path, tables: dict[str, str]):
    """The same cells as CSV files and as Parquet files (text columns, dictionary pages)."""
    csv, parquet = tmp_path / "csv", tmp_path / "parquet"
    csv.mkdir()
    parquet.mkdir()
    for name, text in tables.items():
        (csv / f"{name}.csv").write_text(text, encoding="utf-8")
    for name, frame in _frames(tables).items():
        frame.to_parquet(parquet / f"{name}.parquet", index=False)
    return csv, parquet


def _problems(folder) -> list[tuple[str, str | None, tuple[int, ...], str]]:
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(folder)
    return [(p.table, p.column, p.rows, p.message) for p in caught.value.problems]


def test_the_coded_columns_are_read_as_codes(tmp_path):
    _, parquet = _write_both(tmp_path, dict(TINY, interactions=MESSY_INTERACTIONS))
    path = parquet / "interactions.parquet"
    assert pq.ParquetFile(path).metadata.row_group(0).column(1).has_dictionary_page
    raw = read_file("interactions", path, coded=["account_id", "channel"])
    assert isinstance(raw.frame["account_id"].dtype, pd.CategoricalDtype)
    assert isinstance(raw.frame["channel"].dtype, pd.CategoricalDtype)
    assert raw.frame["contact_id"].dtype == "str"  # not asked for: text as before
    assert raw.frame["account_id"].astype(str).tolist() == ["007 ", "007", "A2", " A2", "007"]


def test_messy_codes_give_the_tables_of_the_text_read(tmp_path):
    csv, parquet = _write_both(tmp_path, dict(TINY, interactions=MESSY_INTERACTIONS))
    from_csv, from_parquet = load_portfolio(csv), load_portfolio(parquet)
    inter = from_parquet.interactions
    assert inter["account_id"].tolist() == ["007", "007", "A2", "A2", "007"]
    assert list(inter["account_id"].cat.categories) == ["007", "A2"]
    assert inter["contact_id"][0] == "K1" and pd.isna(inter["contact_id"][1])
    assert inter["contact_id"].astype(object).tolist()[2:] == ["K3", "K3", "K1"]
    assert inter["channel"].tolist() == ["meeting", "call", "email", "email", "meeting"]
    assert pd.isna(inter["direction"][2])
    for name, frame in from_csv.tables().items():
        pd.testing.assert_frame_equal(from_parquet.tables()[name], frame, obj=name)


def test_unknown_codes_give_the_messages_and_rows_of_the_text_read(tmp_path):
    wrong = MESSY_INTERACTIONS.replace("J3,A2,K3,2026-04-02,email ,", "J3,A9,K3,2026-04-02,fax,")
    wrong = wrong.replace("J5,007, K1,2026-04-04,meeting,", "J5,007, K1,2026-04-04,Meeting,")
    csv, parquet = _write_both(tmp_path, dict(TINY, interactions=wrong))
    expected = [
        (
            "interactions",
            "channel",
            (4, 6),
            "unknown value 'fax', 'Meeting'; expected one of: meeting, call, email, workshop, "
            "steering_committee, event, other ('Meeting' should be written "
            "'meeting')",
        ),
        ("interactions", "account_id", (4,), "'A9' not found in accounts.account_id"),
    ]
    assert _problems(parquet) == _problems(csv)
    assert sorted(_problems(parquet)) == sorted(expected)


def test_a_reference_without_its_key_table_stays_text(tmp_path):
    tables = {name: text for name, text in TINY.items() if name != "contacts"}
    csv, parquet = _write_both(tmp_path, dict(tables, interactions=MESSY_INTERACTIONS))
    from_parquet = load_portfolio(parquet).interactions["contact_id"]
    assert from_parquet.dtype == "str"
    assert from_parquet.tolist()[2:] == ["K3", "K3", "K1"]
    pd.testing.assert_series_equal(from_parquet, load_portfolio(csv).interactions["contact_id"])
