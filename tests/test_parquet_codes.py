"""Dictionary codes: columns whose values repeat (ids of other tables, enums, owners) read
as a dictionary of distinct values and a small code per row.

A Parquet writer stores such text as a dictionary already, and a clean CSV is read so by
Arrow; the load then parses each distinct value once. These tests hold that path to the
cell-by-cell text path of the same cells (``from_frames`` on text columns): the same
tables, and the same problems with the same rows.
"""

from __future__ import annotations

import io

import pandas as pd
import pyarrow.parquet as pq
import pytest

from acctkit.data import from_frames, load_portfolio
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


def _problems(load, source) -> list[tuple[str, str | None, tuple[int, ...], str]]:
    with pytest.raises(DataValidationError) as caught:
        load(source)
    return [(p.table, p.column, p.rows, p.message) for p in caught.value.problems]


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_the_coded_columns_are_read_as_codes(tmp_path, suffix):
    csv, parquet = _write_both(tmp_path, dict(TINY, interactions=MESSY_INTERACTIONS))
    path = (parquet if suffix == "parquet" else csv) / f"interactions.{suffix}"
    if suffix == "parquet":
        assert pq.ParquetFile(path).metadata.row_group(0).column(1).has_dictionary_page
    kinds = {"occurred_on": "date"}  # a CSV is read typed (and coded) for a typed column
    raw = read_file("interactions", path, kinds=kinds, coded=["account_id", "channel"])
    assert isinstance(raw.frame["account_id"].dtype, pd.CategoricalDtype)
    assert isinstance(raw.frame["channel"].dtype, pd.CategoricalDtype)
    assert raw.frame["contact_id"].dtype == "str"  # not asked for: text as before
    assert raw.frame["account_id"].astype(str).tolist() == ["007 ", "007", "A2", " A2", "007"]


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_messy_codes_give_the_tables_of_the_text_read(tmp_path, suffix):
    tables = dict(TINY, interactions=MESSY_INTERACTIONS)
    csv, parquet = _write_both(tmp_path, tables)
    from_text = from_frames(_frames(tables))
    loaded = load_portfolio(parquet if suffix == "parquet" else csv)
    inter = loaded.interactions
    assert inter["account_id"].tolist() == ["007", "007", "A2", "A2", "007"]
    assert list(inter["account_id"].cat.categories) == ["007", "A2"]
    assert inter["contact_id"][0] == "K1" and pd.isna(inter["contact_id"][1])
    assert inter["contact_id"].astype(object).tolist()[2:] == ["K3", "K3", "K1"]
    assert inter["channel"].tolist() == ["meeting", "call", "email", "email", "meeting"]
    assert pd.isna(inter["direction"][2])
    for name, frame in from_text.tables().items():
        pd.testing.assert_frame_equal(loaded.tables()[name], frame, obj=name)


def test_unknown_codes_give_the_messages_and_rows_of_the_text_read(tmp_path):
    wrong = MESSY_INTERACTIONS.replace("J3,A2,K3,2026-04-02,email ,", "J3,A9,K3,2026-04-02,fax,")
    wrong = wrong.replace("J5,007, K1,2026-04-04,meeting,", "J5,007, K1,2026-04-04,Meeting,")
    tables = dict(TINY, interactions=wrong)
    csv, parquet = _write_both(tmp_path, tables)
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
    from_text = _problems(from_frames, _frames(tables))
    assert sorted(from_text) == sorted(expected)
    assert _problems(load_portfolio, parquet) == from_text
    assert _problems(load_portfolio, csv) == from_text


def test_a_reference_without_its_key_table_stays_text(tmp_path):
    tables = {name: text for name, text in TINY.items() if name != "contacts"}
    tables = dict(tables, interactions=MESSY_INTERACTIONS)
    csv, parquet = _write_both(tmp_path, tables)
    from_text = from_frames(_frames(tables)).interactions["contact_id"]
    assert from_text.dtype == "str"
    assert from_text.tolist()[2:] == ["K3", "K3", "K1"]
    for folder in (parquet, csv):
        pd.testing.assert_series_equal(load_portfolio(folder).interactions["contact_id"], from_text)


def test_categorical_frames_give_the_tables_of_text_frames():
    """A user's DataFrames with Categorical columns (ids, dates, numbers, flags alike) go
    through the same coded paths: each distinct value read once, the same tables."""
    tables = dict(TINY, interactions=MESSY_INTERACTIONS)
    as_text = _frames(tables)
    as_categories = {name: frame.astype("category") for name, frame in as_text.items()}
    expected, coded = from_frames(as_text), from_frames(as_categories)
    assert coded.interactions["account_id"].tolist() == ["007", "007", "A2", "A2", "007"]
    for name, frame in expected.tables().items():
        pd.testing.assert_frame_equal(coded.tables()[name], frame, obj=name)
