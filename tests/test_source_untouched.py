"""Source files are only ever read: every command that takes data leaves its input folder
as it was (the same files, bytes and modification times, nothing added), as real processes.

Each command gets its own copy of the input, hashed before and after it runs; the commands
run a few at a time.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import folder_digest

ROOT = Path(__file__).resolve().parents[1]
CRM = ROOT / "tests" / "fixtures" / "crm"
EXAMPLES = ROOT / "docs" / "examples"
INVALID = ROOT / "tests" / "corpus" / "circular-parent-accounts" / "data"
AS_OF, MONTH = "2026-10-31", "2026-10"
SALESFORCE_AS_OF = "2026-06-30"

# Per command: its arguments and its exit code. {data}: a generated portfolio folder;
# {salesforce}, {hubspot}: CRM exports, each with its {..._mapping}; {invalid}: a corpus case;
# {out}: a folder outside them all; {model}: a model file.
COMMANDS = {
    "validate": (["validate", "{data}"], 0),
    "validate --dayfirst --drop-orphans": (
        ["validate", "{data}", "--dayfirst", "--drop-orphans"],
        0,
    ),
    "validate a workbook": (["validate", "{data}/portfolio.xlsx"], 0),
    "validate an invalid portfolio": (["validate", "{invalid}"], 2),
    "kpis": (["kpis", "{data}", "--as-of", AS_OF, "-o", "{out}/kpis.csv"], 0),
    "train": (["train", "{data}", "--as-of", AS_OF, "-o", "{out}/model.skops"], 0),
    "score": (
        ["score", "{data}", "--as-of", AS_OF, "--model", "{model}", "-o", "{out}/risk.csv"],
        0,
    ),
    "report": (
        ["report", "{data}", "--month", MONTH, "--out", "{out}/reports"]
        + ["--jobs", "1", "--accounts", "A0001", "--model", "{model}"],
        0,
    ),
    "init-mapping": (["init-mapping", "{salesforce}", "-o", "{out}/crm.toml"], 0),
    "validate --mapping": (["validate", "{salesforce}", "--mapping", "{salesforce_mapping}"], 0),
    "kpis --mapping": (
        ["kpis", "{salesforce}", "--mapping", "{salesforce_mapping}"]
        + ["--as-of", SALESFORCE_AS_OF, "-o", "{out}/kpis.csv"],
        0,
    ),
    "train --mapping": (  # the export records no outcome: nothing to learn from
        ["train", "{salesforce}", "--mapping", "{salesforce_mapping}"]
        + ["--as-of", SALESFORCE_AS_OF, "-o", "{out}/model.skops"],
        2,
    ),
    "score --mapping": (
        ["score", "{salesforce}", "--mapping", "{salesforce_mapping}"]
        + ["--as-of", SALESFORCE_AS_OF, "--model", "{model}", "-o", "{out}/risk.csv"],
        0,
    ),
    "report --mapping": (
        ["report", "{hubspot}", "--mapping", "{hubspot_mapping}", "--month", MONTH]
        + ["--out", "{out}/reports", "--jobs", "1", "--accounts", "5821347561"]
        + ["--model", "{model}"],
        0,
    ),
}


def snapshot(folder: Path) -> tuple[str, dict[str, int]]:
    """Every file's name and bytes (one digest), and the modification time of every entry,
    the folder's own included (a file added or removed changes it)."""
    times = {
        str(p.relative_to(folder)): p.lstat().st_mtime_ns for p in [folder, *folder.rglob("*")]
    }
    return folder_digest(folder), times


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    """A generated portfolio (with a workbook copy of it), the export, its mapping, a model."""
    from acctkit.data import from_frames
    from acctkit.datasets import generate_tables, write_tables
    from acctkit.model import EarlyWarningModel

    base = tmp_path_factory.mktemp("inputs")
    tables = generate_tables(n_accounts=40, months=24, end=AS_OF, seed=4)
    write_tables(tables, base / "portfolio")
    with pd.ExcelWriter(base / "portfolio" / "portfolio.xlsx", engine="openpyxl") as book:
        tables["accounts"].to_excel(book, sheet_name="accounts", index=False)
    model = base / "early_warning.skops"
    EarlyWarningModel().fit(from_frames(tables), AS_OF).save(model)
    return {"portfolio": base / "portfolio", "model": model}


def _run(name: str, inputs: dict[str, Path], work: Path) -> tuple:
    """Copy every input for this command alone, snapshot them, run it, snapshot again."""
    arguments, _ = COMMANDS[name]
    folder = work / name.replace(" ", "_")
    sources = {
        "data": shutil.copytree(inputs["portfolio"], folder / "data"),
        "invalid": shutil.copytree(INVALID, folder / "invalid"),
        "mappings": folder / "mappings",
    }
    sources["mappings"].mkdir()
    values = {"invalid": str(sources["invalid"]), "data": str(sources["data"])}
    for crm in ("salesforce", "hubspot"):
        sources[crm] = shutil.copytree(CRM / crm, folder / crm)
        mapping = shutil.copy2(EXAMPLES / f"{crm}.toml", sources["mappings"])
        values |= {crm: str(sources[crm]), f"{crm}_mapping": str(mapping)}
    out = folder / "out"
    out.mkdir()
    values |= {"out": str(out), "model": str(inputs["model"])}
    before = {key: snapshot(path) for key, path in sources.items()}
    result = subprocess.run(
        [sys.executable, "-m", "acctkit.cli", *(a.format(**values) for a in arguments)],
        capture_output=True,
        text=True,
        cwd=out,  # default outputs (models/, reports/) land here, never beside the data
        timeout=600,
    )
    after = {key: snapshot(path) for key, path in sources.items()}
    return result, before, after


@pytest.fixture(scope="module")
def runs(inputs, tmp_path_factory) -> dict[str, tuple]:
    work = tmp_path_factory.mktemp("runs")
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {name: pool.submit(_run, name, inputs, work) for name in COMMANDS}
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_command_leaves_its_input_as_it_was(runs, name):
    result, before, after = runs[name]
    assert "Traceback" not in result.stderr
    assert result.returncode == COMMANDS[name][1], result.stderr
    for source in before:
        assert after[source][1] == before[source][1], f"{source}: files or times changed"
        assert after[source][0] == before[source][0], f"{source}: contents changed"
