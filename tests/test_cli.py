"""The acctkit command as a user runs it: real processes, exit codes, readable messages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import TINY, folder_digest, write_tables


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONWARNINGS="ignore", COLUMNS="120")
    return subprocess.run(
        [sys.executable, "-m", "acctkit.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def test_validate_valid_folder(tiny_folder):
    result = run_cli("validate", str(tiny_folder))
    assert result.returncode == 0, result.stderr
    assert "valid portfolio of 2 accounts" in result.stdout
    assert "interactions" in result.stdout and "2026-04-02" in result.stdout


def test_validate_prints_all_three_problems_and_exits_2(tmp_path):
    tables = dict(TINY)
    tables["contacts"] = tables["contacts"].replace("manager,Operations", "boss,Operations")
    tables["tickets"] = tables["tickets"].replace("T1,007", "T1,008")
    tables["opportunities"] = tables["opportunities"].replace("60000", "-60000")
    folder = write_tables(tmp_path / "bad", tables)
    before = folder_digest(folder)
    result = run_cli("validate", str(folder))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert lines == [
        "  - contacts.csv, column 'level', row 3: unknown value 'boss'; "
        "expected one of: user, manager, director, c_level",
        "  - opportunities.csv, column 'amount', row 3: expected a value >= 0, got '-60000'",
        "  - tickets.csv, column 'account_id', row 2: '008' not found in accounts.account_id",
    ]
    assert folder_digest(folder) == before


def test_unknown_command_and_missing_arguments_exit_2(tmp_path):
    assert run_cli("frobnicate").returncode == 2
    assert run_cli("validate").returncode == 2
    result = run_cli("validate", str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("validate", "generate", "demo"):
        assert command in result.stdout


WORKED = Path(__file__).parent / "fixtures" / "worked-example"


def test_kpis_prints_a_summary_and_writes_the_table(tmp_path):
    out = tmp_path / "out" / "kpis.csv"
    result = run_cli("kpis", str(WORKED), "--as-of", "2026-06-30", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "Northwind Logistics" in result.stdout and "Potential score" in result.stdout
    import pandas as pd

    table = pd.read_csv(out, index_col="account_id")
    assert table.loc["W1", "potential_score"] == pytest.approx(62.75)  # worked example README
    assert table.loc["W2", "execution_score"] == pytest.approx(97.2727, abs=1e-3)


def test_kpis_in_french(tmp_path):
    result = run_cli("kpis", str(WORKED), "--as-of", "2026-06-30", "--lang", "fr")
    assert result.returncode == 0, result.stderr
    assert "Score de potentiel" in result.stdout and "Recommandation" in result.stdout


def test_an_unknown_language_exits_2_naming_the_languages():
    result = run_cli("kpis", str(WORKED), "--as-of", "2026-06-30", "--lang", "de")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "unknown language 'de'; expected one of: en, fr" in result.stderr


def test_kpis_with_an_invalid_config_exits_2(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[weights.potential]\nbudjet = 0.3\n")
    result = run_cli("kpis", str(WORKED), "--as-of", "2026-06-30", "--config", str(config))
    assert result.returncode == 2
    assert "budjet" in result.stderr and "Traceback" not in result.stderr


def test_kpis_bad_date_and_bad_output_suffix_exit_2(tmp_path):
    result = run_cli("kpis", str(WORKED), "--as-of", "30/06/2026")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    result = run_cli("kpis", str(WORKED), "--as-of", "2026-06-30", "-o", str(tmp_path / "k.txt"))
    assert result.returncode == 2 and ".csv" in result.stderr


def test_generate_train_score_round_trip(tmp_path):
    data = tmp_path / "synthetic"
    result = run_cli("generate", str(data), "--accounts", "150", "--months", "36", "--seed", "7")
    assert result.returncode == 0, result.stderr
    before = folder_digest(data)
    model = tmp_path / "models" / "ew.skops"
    result = run_cli("train", str(data), "--as-of", "2026-10-31", "-o", str(model))
    assert result.returncode == 0, result.stderr
    assert "roc_auc" in result.stdout and "NPS drift rule" in result.stdout
    assert "engagement_slowdown" in result.stdout and model.exists()
    risk = tmp_path / "risk.csv"
    result = run_cli(
        "score", str(data), "--as-of", "2026-10-31", "--model", str(model), "-o", str(risk)
    )
    assert result.returncode == 0, result.stderr
    import pandas as pd

    table = pd.read_csv(risk, index_col="account_id", dtype={"account_id": str})
    assert table["risk_probability"].between(0, 1).all()
    assert set(table["risk_band"]) <= {"low", "medium", "high"}
    assert list(table.columns[:3]) == ["risk_probability", "risk_band", "drivers"]  # in --lang
    assert table["drivers"].str.contains("days|no signal|no interaction|open|NPS").all()
    assert folder_digest(data) == before  # sources only read


def test_train_on_too_little_history_exits_2(tmp_path):
    result = run_cli("train", str(WORKED), "--as-of", "2026-06-30")
    assert result.returncode == 2
    assert "outcomes" in result.stderr and "Traceback" not in result.stderr


def test_score_with_a_missing_model_exits_2(tmp_path):
    result = run_cli(
        "score", str(WORKED), "--as-of", "2026-06-30", "--model", str(tmp_path / "none.skops")
    )
    assert result.returncode == 2 and "does not exist" in result.stderr


CRM = Path(__file__).parent / "fixtures" / "crm"
EXAMPLES = Path(__file__).parents[1] / "docs" / "examples"


def test_validate_a_crm_export_through_its_mapping():
    result = run_cli(
        "validate", str(CRM / "salesforce"), "--mapping", str(EXAMPLES / "salesforce.toml")
    )
    assert result.returncode == 0, result.stderr
    assert "valid portfolio of 6 accounts" in result.stdout
    assert "read as cp1252" in result.stderr  # the export is Windows-1252: said, not hidden


def test_kpis_accept_a_mapping_too():
    result = run_cli(
        "kpis",
        str(CRM / "hubspot"),
        "--mapping",
        str(EXAMPLES / "hubspot.toml"),
        "--as-of",
        "2026-10-31",
    )
    assert result.returncode == 0, result.stderr


def test_a_bad_mapping_exits_2_without_traceback(tmp_path):
    mapping = tmp_path / "bad.toml"
    mapping.write_text('[tables.opportunities]\nfile = "../../etc/passwd"\n')
    result = run_cli("validate", str(CRM / "salesforce"), "--mapping", str(mapping))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "error:" in result.stderr


def test_init_mapping_writes_a_starter_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "crm.toml"
    result = run_cli("init-mapping", str(CRM / "hubspot"), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.exists() and "[tables.accounts]" in out.read_text()
    again = run_cli("init-mapping", str(CRM / "hubspot"), "-o", str(out))
    assert again.returncode == 2 and "already exists" in again.stderr


def test_outputs_never_land_in_the_source_data(tmp_path):
    import shutil

    data = tmp_path / "portfolio"
    shutil.copytree(WORKED, data)
    before = folder_digest(data)
    for command in (
        ["kpis", str(data), "--as-of", "2026-06-30", "-o", str(data / "accounts.csv")],
        ["kpis", str(data), "--as-of", "2026-06-30", "-o", str(data / "out" / "k.csv")],
        ["train", str(data), "--as-of", "2026-06-30", "-o", str(data / "m.skops")],
    ):
        result = run_cli(*command)
        assert result.returncode == 2, command
        assert "inside the source data" in result.stderr and "Traceback" not in result.stderr
    assert folder_digest(data) == before


def test_generate_refuses_to_overwrite_a_portfolio_and_checks_its_date(tmp_path):
    import shutil

    data = tmp_path / "mine"
    shutil.copytree(WORKED, data)
    before = folder_digest(data)
    result = run_cli("generate", str(data), "--accounts", "3", "--months", "3")
    assert result.returncode == 2 and "already holds a portfolio" in result.stderr
    assert folder_digest(data) == before
    result = run_cli("generate", str(tmp_path / "new"), "--end", "2026-02-30")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    forced = run_cli("generate", str(data), "--accounts", "3", "--months", "3", "--force")
    assert forced.returncode == 0, forced.stderr


def test_the_output_file_is_written_even_when_the_console_is_closed(tmp_path):
    out = tmp_path / "k.csv"
    command = f"{sys.executable} -m acctkit.cli kpis {WORKED} --as-of 2026-06-30 -o {out} | true"
    subprocess.run(["bash", "-c", command], check=True, timeout=120)
    assert out.exists() and "potential_score" in out.read_text()


def test_a_review_date_outside_the_data_gets_a_note(tiny_folder):
    """TINY's interactions run from 2026-04-02 to 2026-06-10."""
    late = run_cli("kpis", str(tiny_folder), "--as-of", "2026-12-31")
    assert late.returncode == 0, late.stderr
    assert (
        "note: the latest interaction in the data is on 2026-06-10, 204 days before the "
        "review date 2026-12-31: recent activity will look absent; is the export up to date?\n"
    ) in late.stderr
    early = run_cli("kpis", str(tiny_folder), "--as-of", "2026-01-01")
    assert early.returncode == 0, early.stderr
    assert (
        "note: the review date 2026-01-01 is before the first interaction in the data "
        "(2026-04-02): there is little or nothing to review yet\n"
    ) in early.stderr
    usual = run_cli("kpis", str(tiny_folder), "--as-of", "2026-06-30")
    assert "note:" not in usual.stderr


def test_kpis_read_a_notes_file_in_place_of_the_datas_own(tmp_path):
    """``--notes`` as for ``report``: its overdue next step counts, the data's notes do not."""
    import pandas as pd

    data = write_tables(tmp_path / "data", TINY)
    notes = tmp_path / "review-notes.csv"
    notes.write_text(
        "note_id,account_id,noted_on,kind,text,due_on\n"
        "N1,A2,2026-06-01,next_step,Send the offer,2026-06-15\n"
        "N2,007,2026-06-01,next_step,Call back,2026-07-15\n",
        encoding="utf-8",
    )
    out = tmp_path / "kpis.csv"
    args = ("kpis", str(data), "--as-of", "2026-06-30", "-o", str(out))
    result = run_cli(*args, "--notes", str(notes))
    assert result.returncode == 0, result.stderr
    table = pd.read_csv(out, index_col="account_id", dtype={"account_id": str})
    # A2's step was due on 15 June and is not done by 30 June; 007's is not due yet.
    assert table.loc["A2", "overdue_next_steps"] == 1
    assert table.loc["007", "overdue_next_steps"] == 0
    missing = run_cli(*args, "--notes", str(tmp_path / "nowhere.csv"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "the notes file" in missing.stderr and "does not exist" in missing.stderr
