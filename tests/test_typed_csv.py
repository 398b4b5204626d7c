"""The typed read of clean CSV files (acctkit.data.typed_csv): it gives exactly the tables
and the messages of the text read, and declines every file it cannot read the same way."""

from __future__ import annotations

import pandas as pd
import pytest

import acctkit.data.typed_csv
from acctkit.data import load_portfolio
from acctkit.data.readers import UnreadableFile, read_file
from acctkit.data.schema import SCHEMA
from acctkit.errors import DataValidationError
from tests.helpers import TINY, write_tables

KINDS = {column.name: column.kind for column in SCHEMA["interactions"].columns}
HEADER = (
    "interaction_id,account_id,contact_id,occurred_on,channel,direction,response_hours,"
    "co_construction,introduction,attended,client_attendees,sentiment\n"
)
CLEAN = HEADER + (
    "J1,007,K1,2026-06-10,meeting,outbound,6,true,false,true,3,4\n"
    "J2,007,,2026-05-20,call,inbound,,false,true,,,\n"
    "J3,A2,K3,2026-04-02,email,,2.5,,,false,1,2\n"
)


def _load_both(tmp_path, interactions: str, monkeypatch):
    """The portfolio loaded as acctkit does, then with the typed read turned off."""
    folder = write_tables(tmp_path / "data", {**TINY, "interactions": interactions})
    typed = load_portfolio(folder)
    with monkeypatch.context() as patch:
        patch.setattr(acctkit.data.typed_csv, "read_typed", lambda *args, **kwargs: None)
        text = load_portfolio(folder)
    return folder, typed, text


def _assert_same(typed, text):
    for name in ("accounts", "contacts", "interactions", "opportunities", "actions", "tickets"):
        pd.testing.assert_frame_equal(getattr(typed, name), getattr(text, name), check_exact=True)


def test_a_clean_file_is_read_typed_and_gives_the_text_reads_table(tmp_path, monkeypatch):
    folder, typed, text = _load_both(tmp_path, CLEAN, monkeypatch)
    raw = read_file("interactions", folder / "interactions.csv", kinds=KINDS)
    assert raw.as_text is not None  # the typed read took the file
    assert str(raw.frame["response_hours"].dtype) == "float64"
    assert str(raw.frame["attended"].dtype) == "boolean"
    assert str(raw.frame["client_attendees"].dtype) == "Int64"
    _assert_same(typed, text)
    frame = typed.interactions
    assert frame["response_hours"].tolist()[0] == 6.0 and pd.isna(frame["response_hours"][1])
    assert frame["sentiment"].tolist() == [4, pd.NA, 2]
    assert frame["attended"].tolist() == [True, pd.NA, False]
    assert frame["co_construction"].tolist() == [True, False, False]  # blank is false
    assert frame["occurred_on"].tolist()[2] == pd.Timestamp("2026-04-02")


def test_semicolon_files_read_their_decimal_comma(tmp_path, monkeypatch):
    semicolon = CLEAN.replace(",", ";").replace("2.5", "2,5")
    folder, typed, text = _load_both(tmp_path, semicolon, monkeypatch)
    assert read_file("interactions", folder / "interactions.csv", kinds=KINDS).as_text
    _assert_same(typed, text)
    assert typed.interactions["response_hours"].tolist()[2] == 2.5


@pytest.mark.parametrize(
    "change",
    [
        ("true,false,true,3,4", "yes,no,oui,3,4"),  # flag words Arrow does not read
        ("2026-06-10", "10/06/2026"),  # not ISO
        ("J2,007,,", ",,,"),  # a blank first cell: maybe a blank row
        (",,,\n", ",,,\n,,,,,,,,,,,\n"),  # a blank row
    ],
)
def test_files_the_typed_read_declines_are_read_as_text(tmp_path, monkeypatch, change):
    old, new = change
    content = CLEAN.replace(old, new, 1)
    assert content != CLEAN
    folder = write_tables(tmp_path / "data", {**TINY, "interactions": content})
    raw = read_file("interactions", folder / "interactions.csv", kinds=KINDS)
    assert raw.as_text is None  # read as text cells
    assert str(raw.frame["occurred_on"].dtype) == "str"


def test_spaces_around_a_number_read_as_with_text(tmp_path, monkeypatch):
    folder, typed, text = _load_both(tmp_path, CLEAN.replace(",6,", ", 6 ,"), monkeypatch)
    _assert_same(typed, text)
    assert typed.interactions["response_hours"].tolist()[0] == 6.0


def test_a_problem_in_a_typed_file_quotes_the_cells_as_written(tmp_path, monkeypatch):
    # Read typed, sentiment 7.0 would be quoted '7.0': the message quotes the file's '7'.
    content = CLEAN.replace("true,3,4", "true,3,7")
    folder = write_tables(tmp_path / "data", {**TINY, "interactions": content})
    assert read_file("interactions", folder / "interactions.csv", kinds=KINDS).as_text
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(folder)
    assert [str(p) for p in caught.value.problems] == [
        "interactions.csv, column 'sentiment', row 2: expected a value between 1 and 5, got '7'"
    ]


def test_nan_written_in_a_number_column_is_an_error_as_with_text(tmp_path):
    folder = write_tables(
        tmp_path / "data", {**TINY, "interactions": CLEAN.replace("outbound,6,", "outbound,nan,")}
    )
    assert read_file("interactions", folder / "interactions.csv", kinds=KINDS).as_text is None
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(folder)
    assert [str(p) for p in caught.value.problems] == [
        "interactions.csv, column 'response_hours', row 2: expected a number, got 'nan'"
    ]


def test_a_quote_never_closed_is_left_to_the_text_read(tmp_path):
    content = (
        "interaction_id,account_id,occurred_on,channel,response_hours,direction\n"
        'J1,007,2026-06-10,meeting,6,"outbound\n'
        "J2,007,2026-05-20,call,,inbound\n"
    )
    folder = write_tables(tmp_path / "data", {**TINY, "interactions": content})
    with pytest.raises(UnreadableFile):  # the text read's verdict: the typed read declined
        read_file("interactions", folder / "interactions.csv", kinds=KINDS)
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(folder)
    assert [str(p) for p in caught.value.problems] == [
        "interactions.csv: the quoted value that starts on row 2 is never closed (no closing "
        "'\"'): the file may be cut short, or a quote is missing"
    ]
