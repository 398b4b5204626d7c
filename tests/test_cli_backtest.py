"""``acctkit backtest``: the table printed, written to CSV and Excel, and its refusals.

A three-account portfolio worked by hand. As of 2026-06-30 with --months 2 and
--horizon-days 90: the month-ends on or before 2026-06-30 - 90 days = 2026-04-01 are
t1 = 2026-02-28 and t2 = 2026-03-31, with outcome windows (02-28, 05-29] and (03-31, 06-29].

- A has a sponsor; churns on 2026-03-10: active at t1 (label 1), gone at t2.
- B has no sponsor (a user); a downsell on 2026-05-10: label 1 at t1 and t2.
- C has no sponsor (a user); no outcome.

No interactions: only no_sponsor can fire, at B and C on both dates: fired 4, hits 2
(B, B). Account-months 3 + 2 = 5, outcomes 3 (A t1, B t1, B t2): base rate 60.0 %.
Precision 2 / 4 = 50 %, lift 0.5 / 0.6 = 0.83, recall 2 / 3 = 67 %.
Wilson 90 % of 2 / 4 (z = 1.644854, z^2 = 2.705543): 1 + z^2/4 = 1.676386, center
(0.5 + 0.338193) / 1.676386 = 0.5, half 0.981190 x sqrt(0.0625 + 2.705543 / 64) =
0.981190 x 0.323688 = 0.317600: [0.182400, 0.817600]; lift interval / 0.6 = 0.30 to 1.36,
not above 1: no evidence yet.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from acctkit.cli import main
from tests.helpers import folder_digest, write_tables

TABLES = {
    "accounts": """account_id,name
A,Alpha
B,Beta
C,Gamma
""",
    "contacts": """contact_id,account_id,name,role
A1,A,Ann,sponsor
B1,B,Bob,user
C1,C,Cid,user
""",
    "outcomes": """account_id,occurred_on,event
A,2026-03-10,churn
B,2026-05-10,downsell
""",
}
ARGS = ["--as-of", "2026-06-30", "--months", "2", "--horizon-days", "90"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_tables(tmp_path / "portfolio", TABLES)


def rows(output: str) -> dict[str, list[str]]:
    """The printed table's rows, by their label: the cells split on runs of 2+ spaces."""
    table = {}
    for line in output.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) >= 8:
            table[cells[0]] = cells[1:]
    return table


def test_prints_the_table_worked_by_hand(folder, capsys):
    before = folder_digest(folder)
    assert main(["backtest", str(folder), *ARGS]) == 0
    out = capsys.readouterr().out
    assert "Alerts replayed at 2 month-ends, 2026-02-28 to 2026-03-31: 5 account-months" in out
    assert "3 were followed by a churn, downsell or lost renewal within 90 days" in out
    assert "a base rate of 60.0 %" in out
    table = rows(out)
    # fired, hits, precision, lift, lift interval, recall, evidence
    expected = ["4", "2", "50\u00a0%", "0.83", "0.30 - 1.36", "67\u00a0%", "no evidence yet"]
    assert table["No internal sponsor"] == expected
    assert table["Any high alert"] == expected
    never = ["0", "0", "n/a", "n/a", "n/a", "0\u00a0%", "no evidence yet"]
    assert table["Engagement slowdown"] == never  # no interactions: it cannot fire
    assert table["Sponsor silent"] == never
    assert "Churn risk" not in out and "Early warning: high risk" not in out
    # the model cannot be fitted: the portfolio has no dated event but its outcomes
    assert (
        "no early-warning row: the model cannot be fitted at 2026-02-28, the first month-end "
        "replayed: the portfolio has no dated event on or before 2026-02-28"
    ) in out
    assert folder_digest(folder) == before  # the source is only read


def test_labels_in_french(folder, capsys):
    assert main(["backtest", str(folder), *ARGS, "--lang", "fr"]) == 0
    table = rows(capsys.readouterr().out)
    assert table["Pas de sponsor interne"] == [
        "4", "2", "50\u00a0%", "0,83", "0,30 - 1,36", "67\u00a0%", "pas encore de preuve",
    ]  # fmt: skip
    assert table["Toute alerte élevée"][:2] == ["4", "2"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_writes_the_table(folder, tmp_path, capsys, suffix):
    target = tmp_path / "out" / f"backtest{suffix}"
    assert main(["backtest", str(folder), *ARGS, "-o", str(target)]) == 0
    assert f"wrote the back-test of 16 rules to {target}" in capsys.readouterr().out
    if suffix == ".csv":
        written = pd.read_csv(target, index_col="rule")
    else:
        written = pd.read_excel(target, index_col="rule")
    assert list(written.index) == [
        "engagement_slowdown", "nps_drop", "irritants_rising", "critical_tickets",
        "no_sponsor", "sponsor_silent", "low_coverage", "overdue_actions", "slipped_deals",
        "enthusiasm_drop", "no_steering_committee", "stale_assessments", "objective_off_track",
        "no_plan", "plan_ending", "any_high",
    ]  # fmt: skip
    assert list(written.columns) == [
        "fired", "hits", "precision", "base_rate", "lift", "lift_low", "lift_high",
        "outcomes", "caught", "recall", "evidence",
    ]  # fmt: skip
    row = written.loc["no_sponsor"]
    assert (row["fired"], row["hits"], row["outcomes"], row["caught"]) == (4, 2, 3, 2)
    assert row["precision"] == pytest.approx(0.5)
    assert row["base_rate"] == pytest.approx(0.6)
    assert row["lift"] == pytest.approx(0.5 / 0.6)
    assert row["lift_low"] == pytest.approx(0.182400 / 0.6, abs=1e-5)
    assert row["lift_high"] == pytest.approx(0.817600 / 0.6, abs=1e-5)
    assert row["recall"] == pytest.approx(2 / 3)
    assert not written["evidence"].astype(bool).any()
    assert pd.isna(written.loc["nps_drop", "precision"])


def test_without_outcomes_exit_2_with_one_clear_line(tmp_path, capsys):
    folder = write_tables(tmp_path / "portfolio", {k: TABLES[k] for k in ("accounts", "contacts")})
    assert main(["backtest", str(folder), *ARGS]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "error: the portfolio has no outcomes table: a back-test needs the churns, downsells "
        "and lost renewals that followed the alerts (outcomes.csv)"
    ]


def test_refuses_an_output_inside_the_data_before_any_work(folder, capsys):
    assert main(["backtest", str(folder), *ARGS, "-o", str(folder / "bt.csv")]) == 2
    assert "refusing to write" in capsys.readouterr().err
    assert not (folder / "bt.csv").exists()


@pytest.mark.parametrize("option", ["--months", "--horizon-days"])
def test_months_and_horizon_must_be_positive(folder, capsys, option):
    with pytest.raises(SystemExit) as caught:
        main(["backtest", str(folder), "--as-of", "2026-06-30", option, "0"])
    assert caught.value.code == 2
    assert "expected a positive whole number, got 0" in capsys.readouterr().err


def test_listed_in_the_help(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == 0
    assert "backtest" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["backtest", "--help"])
    help_text = capsys.readouterr().out
    for option in ("--as-of", "--months", "--horizon-days", "--config", "--output", "--lang"):
        assert option in help_text
