"""The corpus of bad inputs (tests/corpus/): each case's exact message, from the loader and
from every command that reads data, which exits 2 with that message and no traceback.

A case is a folder holding the input (``data/``, ``data.xlsx`` or ``data.csv``), a
``mapping.toml`` when the input is a CRM export, and ``expected.txt``: what
``acctkit validate`` prints on its error output, written by hand. ``{data}`` stands for the
input's path as given, ``{case}`` for the case folder's real path.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from acctkit import load_portfolio
from acctkit.errors import ConfigError, DataValidationError
from tests.helpers import folder_digest

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(path.name for path in CORPUS.iterdir() if (path / "expected.txt").is_file())
AS_OF = "2026-10-31"


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    data: Path
    mapping: Path | None
    expected: str

    def arguments(self) -> list[str]:
        return [str(self.data), *(["--mapping", str(self.mapping)] if self.mapping else [])]


def corpus_case(name: str) -> Case:
    folder = CORPUS / name
    inputs = [path for path in folder.iterdir() if path.name.split(".")[0] == "data"]
    assert len(inputs) == 1, f"{name}: one data, data.xlsx or data.csv expected"
    mapping = folder / "mapping.toml"
    expected = (folder / "expected.txt").read_text(encoding="utf-8")
    expected = expected.replace("{data}", str(inputs[0])).replace("{case}", str(folder.resolve()))
    return Case(name, folder, inputs[0], mapping if mapping.exists() else None, expected)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS="120")
    return subprocess.run(
        [sys.executable, "-m", "acctkit.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def run_all(commands: dict[str, list[str]]) -> dict[str, subprocess.CompletedProcess]:
    """Run the commands as real processes, a few at a time (each start costs a second)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = pool.map(lambda args: run_cli(*args), commands.values())
        return dict(zip(commands, results, strict=True))


def test_the_corpus_has_one_folder_per_distinct_failure():
    assert len(CASES) >= 30
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    listed = {line.split("`")[1] for line in readme.splitlines() if line.startswith("| `")}
    assert listed == set(CASES)  # every case is described, and every description has a case
    for name in CASES:
        case = corpus_case(name)  # one input each
        assert case.expected.startswith("error: ") or case.expected.startswith("note: ")


# --- the loader ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CASES)
def test_the_loader_gives_the_exact_message(name):
    case = corpus_case(name)
    before = folder_digest(case.folder)
    with pytest.raises((DataValidationError, ConfigError)) as caught:
        load_portfolio(case.data, mapping=case.mapping)
    error = caught.value
    printed = [f"note: {note}" for note in getattr(error, "notes", ())]
    printed += f"error: {error}".splitlines()
    assert printed == case.expected.splitlines()
    if isinstance(error, DataValidationError):  # one problem per listed line, each placed
        assert len(error.problems) == len(case.expected.splitlines()) - 1 - len(error.notes)
        assert all(problem.file or problem.table for problem in error.problems)
    assert folder_digest(case.folder) == before


# --- the commands -------------------------------------------------------------------------------

# Per command, a handful of cases that fail at different stages: the mapping, reading a
# file, parsing cells, the rules between tables.
# (``score`` and ``report`` start slower: three cases each.)
SAMPLES = {
    "kpis": [
        "csv-cut-mid-row",
        "mapping-symlink-escapes-the-folder",
        "huge-number-23-digits",
        "circular-parent-accounts",
        "header-only-accounts",
    ],
    "train": ["workbook-cut-in-half", "mapping-unknown-keys", "utf16-without-bom", "date-in-2999"],
    "score": ["parquet-cut-in-half", "mapping-parent-folder-path", "ids-differ-in-case"],
    "report": [
        "latin1-bytes-in-utf8-file",
        "mapping-unmapped-export-value",
        "rows-shorter-than-header",
    ],
    "notes-template": ["review-notes-wrong-kind-and-dates", "csv-cut-mid-row"],
}


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> Path:
    from acctkit.datasets import demo_portfolio
    from acctkit.model import EarlyWarningModel

    portfolio = demo_portfolio(n_accounts=60, months=24, end=AS_OF, seed=3)
    path = tmp_path_factory.mktemp("model") / "early_warning.skops"
    EarlyWarningModel().fit(portfolio, AS_OF).save(path)
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory, model_file) -> dict[str, subprocess.CompletedProcess]:
    """Every command's run on its cases, ``validate`` on all of them, keyed 'command case'."""
    out = tmp_path_factory.mktemp("out")
    extra = {
        "validate": [],
        "kpis": ["--as-of", AS_OF, "-o", str(out / "kpis.csv")],
        "train": ["--as-of", AS_OF, "-o", str(out / "model.skops")],
        "score": ["--as-of", AS_OF, "--model", str(model_file), "-o", str(out / "risk.csv")],
        "report": ["--month", AS_OF[:7], "--out", str(out / "reports"), "--jobs", "1"],
        "notes-template": ["--as-of", AS_OF, "-o", str(out / "review-notes.xlsx")],
    }
    commands = {}
    for command, names in {"validate": CASES, **SAMPLES}.items():
        for name in names:
            case = corpus_case(name)
            commands[f"{command} {name}"] = [command, *case.arguments(), *extra[command]]
    results = run_all(commands)
    results["outputs"] = sorted(path.name for path in out.rglob("*"))
    return results


def _check_run(result: subprocess.CompletedProcess, case: Case) -> None:
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 2, result.stderr
    assert result.stderr == case.expected
    assert result.stdout == ""


@pytest.mark.parametrize("name", CASES)
def test_validate_exits_2_with_the_message(runs, name):
    _check_run(runs[f"validate {name}"], corpus_case(name))


@pytest.mark.parametrize(
    "command, name", [(command, name) for command, names in SAMPLES.items() for name in names]
)
def test_every_command_that_reads_data_exits_2_with_the_message(runs, command, name):
    _check_run(runs[f"{command} {name}"], corpus_case(name))


def test_commands_that_refuse_their_input_write_nothing(runs):
    assert runs["outputs"] == []
