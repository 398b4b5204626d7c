"""The whole-column shortcuts of validation give the answers of the plain definitions.

- ``parse.repeated``: the rows whose key columns (none blank) appear in another row, found
  from one integer per row and a sort, and marked only when some key repeats;
- ``validate._extremes``: a column's least and greatest value with blanks skipped, read
  from pandas' own buffers for whole numbers, whatever a blank cell holds underneath;
- the load takes a queued validation off the worker when it would otherwise wait.

Expected values are written out by hand from the rows of each test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from acctkit.data import load_portfolio, parse
from acctkit.data.validate import _extremes
from acctkit.errors import DataValidationError
from tests.helpers import TINY, write_tables


def _assessments() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account_id": pd.Series(["A", "B", "A", None, "A", "B", "A"], dtype="str"),
            "criterion": pd.Categorical(
                ["fit", "fit", "fit", "fit", "risk", "fit", None], categories=["fit", "risk"]
            ),
            "assessed_on": pd.to_datetime(["2026-03-01"] * 5 + ["2026-04-01", "2026-03-01"]),
        }
    )


def test_repeated_marks_every_row_of_a_key_seen_twice_and_no_row_with_a_blank():
    frame = _assessments()
    # Rows 0 and 2: A, fit, 2026-03-01. Row 3 has no account, row 6 no criterion; row 1
    # and row 5 are B on two days; row 4 is A's other criterion.
    expected = [True, False, True, False, False, False, False]
    assert parse.repeated(frame, ["account_id", "criterion", "assessed_on"]).tolist() == expected


def test_repeated_is_all_false_when_no_key_repeats():
    frame = _assessments().drop(index=[2]).reset_index(drop=True)
    assert not parse.repeated(frame, ["account_id", "criterion", "assessed_on"]).any()


def test_repeated_on_one_column_and_on_an_empty_table():
    frame = pd.DataFrame({"k": pd.Series([3, 1, 3, None, None], dtype="Int64")})
    assert parse.repeated(frame, ["k"]).tolist() == [True, False, True, False, False]
    assert parse.repeated(frame.iloc[:0], ["k"]).tolist() == []


def test_same_scores_on_one_day_are_accepted_and_different_ones_are_not(tmp_path):
    header = "account_id,assessed_on,criterion,score\n"
    same = header + "007,2026-03-01,sector_fit,4\n007,2026-03-01,sector_fit,4\n"
    write_tables(tmp_path / "same", {**TINY, "assessments": same})
    loaded = load_portfolio(tmp_path / "same")
    assert len(loaded.assessments) == 2
    different = same + "007,2026-03-01,sector_fit,3\nA2,2026-03-01,sector_fit,1\n"
    write_tables(tmp_path / "different", {**TINY, "assessments": different})
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(tmp_path / "different")
    (problem,) = caught.value.problems
    assert (problem.column, problem.rows) == ("score", (2, 3, 4))


@pytest.mark.parametrize(
    ("values", "least", "most"),
    [
        ([4, None, 1, 9, None], 1, 9),
        ([None, -3, None], -3, -3),
        ([7], 7, 7),
        ([2**60, None, -(2**60)], -(2**60), 2**60),
    ],
)
def test_extremes_of_whole_numbers_skip_the_blanks(values, least, most):
    assert _extremes(pd.Series(values, dtype="Int64")) == (least, most)


def test_extremes_ignore_what_a_blank_holds_underneath():
    # A blank cell of an Int64 column holds some number in pandas' buffer (0 from Parquet);
    # here -50 and 99, outside every value that is there.
    values = pd.arrays.IntegerArray(
        np.array([-50, 3, 99, 5], dtype="int64"), np.array([True, False, True, False])
    )
    assert _extremes(pd.Series(values)) == (3, 5)


def test_extremes_of_blank_floats_and_dates():
    least, most = _extremes(pd.Series([None, None], dtype="Int64"))
    assert np.isnan(least) and np.isnan(most)
    assert _extremes(pd.Series([2.5, np.nan, -1.0])) == (-1.0, 2.5)
    dates = pd.Series(pd.to_datetime(["2026-03-01", None, "2025-01-31"]))
    assert _extremes(dates) == (pd.Timestamp("2025-01-31"), pd.Timestamp("2026-03-01"))


def test_an_out_of_range_whole_number_beside_blanks_from_parquet_is_reported(tmp_path):
    write_tables(tmp_path / "csv", TINY)
    frames = {name: pd.read_csv(tmp_path / "csv" / f"{name}.csv", dtype=str) for name in TINY}
    interactions = frames["interactions"]
    sentiment = pd.Series([None] * len(interactions), dtype="Int64")
    sentiment.iloc[-1] = 7  # the last data row: file row len + 1
    frames["interactions"] = interactions.assign(sentiment=sentiment)
    (tmp_path / "parquet").mkdir()
    for name, frame in frames.items():
        frame.to_parquet(tmp_path / "parquet" / f"{name}.parquet", index=False)
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(tmp_path / "parquet")
    (problem,) = caught.value.problems
    assert problem.column == "sentiment"
    assert problem.rows == (len(interactions) + 1,)
    assert "expected a value between 1 and 5, got '7'" in problem.message


def test_the_load_takes_finished_validations_first_then_queued_ones_from_the_end():
    from concurrent.futures import Future

    from acctkit.data.load import _in_turn

    def future(state: str) -> Future:
        made = Future()
        if state == "done":
            made.set_result(None)
        elif state == "running":
            made.set_running_or_notify_cancel()
        return made

    states = {"accounts": "running", "contacts": "queued", "tickets": "done", "feedback": "queued"}
    parsed = {name: (None, future(state)) for name, state in states.items()}
    taken = []
    for name in _in_turn(parsed):
        taken.append(name)
        if name == "accounts":
            break  # the running one comes last of the started: nothing else to wait for
    # tickets is done; feedback, the last queued, is taken off the queue (cancelled) and
    # validated by the caller; then contacts likewise; then the running accounts.
    assert taken == ["tickets", "feedback", "contacts", "accounts"]
    assert parsed["feedback"][1].cancelled() and parsed["contacts"][1].cancelled()
    assert not parsed["accounts"][1].cancelled()


def test_a_lookup_serves_only_the_frames_it_was_computed_from():
    from acctkit.data.references import Lookups
    from acctkit.data.schema import SCHEMA

    accounts = pd.DataFrame({"account_id": pd.Series(["A", "B", "C"], dtype="str")})
    contacts = pd.DataFrame({"account_id": pd.Series(["C", "A", "Z"], dtype="str")})
    column = SCHEMA["contacts"].column("account_id")
    lookups = Lookups()
    lookups.add("contacts", {"accounts": accounts, "contacts": contacts})
    # C is the third account, A the first, Z none.
    assert lookups.positions(
        "contacts", column, {"accounts": accounts, "contacts": contacts}
    ).tolist() == [2, 0, -1]
    # The same tables filtered (as drop_orphans does) are other frames: looked up again.
    fewer = contacts.iloc[:2].reset_index(drop=True)
    assert lookups.positions(
        "contacts", column, {"accounts": accounts, "contacts": fewer}
    ).tolist() == [2, 0]
    others = pd.DataFrame({"account_id": pd.Series(["Z", "C"], dtype="str")})
    typed = {"accounts": others, "contacts": contacts}
    assert lookups.positions("contacts", column, typed).tolist() == [1, -1, 0]
    assert lookups.target("accounts.account_id", typed).tolist() == ["Z", "C"]


def test_lookups_are_made_whichever_table_comes_first():
    from acctkit.data.references import Lookups
    from acctkit.data.schema import SCHEMA

    accounts = pd.DataFrame(
        {
            "account_id": pd.Series(["A", "B"], dtype="str"),
            "parent_account_id": pd.Series([None, "A"], dtype="str"),
        }
    )
    contacts = pd.DataFrame({"account_id": pd.Series(["B", "B", "A"], dtype="str")})
    lookups = Lookups()
    typed = {"contacts": contacts}
    lookups.add("contacts", typed)  # its accounts are not typed yet: nothing to look up
    typed["accounts"] = accounts
    lookups.add("accounts", typed)  # now the contacts' references to them
    assert lookups._codes["contacts.account_id"][2].tolist() == [1, 1, 0]
    assert lookups._codes["accounts.parent_account_id"][2].tolist() == [-1, 0]
    column = SCHEMA["contacts"].column("account_id")
    assert lookups.positions("contacts", column, typed).tolist() == [1, 1, 0]
