"""The import layers of docs/architecture.md, checked by import-linter (also in make lint)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": str(LINT_IMPORTS.parent)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_package_keeps_its_import_layers():
    run = _lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Contracts: 1 kept, 0 broken." in run.stdout


def test_an_import_up_the_flow_breaks_the_contract(tmp_path):
    # A copy of the package where the KPI engine reaches up into the report content.
    shutil.copytree(ROOT / "acctkit", tmp_path / "acctkit", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    engine = tmp_path / "acctkit" / "kpis" / "engine.py"
    engine.write_text(engine.read_text() + "\nfrom acctkit.report import tables  # noqa\n")
    run = _lint_imports(tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "0 kept, 1 broken" in run.stdout
    assert "acctkit.kpis.engine -> acctkit.report.tables" in run.stdout
