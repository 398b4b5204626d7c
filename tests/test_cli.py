"""The acctkit command as a user runs it: real processes, exit codes, readable messages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import TINY, folder_digest, write_tables


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
