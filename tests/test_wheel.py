"""The wheel as a user gets it: built from this tree, installed (not editable) into a new
virtual environment, and used from a folder outside the source tree: ``acctkit generate``,
``acctkit report`` on five accounts, and each shipped notebook run by the environment's
papermill, importing acctkit from that environment.

The wheel is built from a copy of the tree, so that setuptools' ``build/`` and
``*.egg-info`` stay out of the checkout (a stale ``build/lib`` would also put deleted modules
in the wheel). Building needs setuptools and installing needs acctkit's dependencies: pip
takes them from its cache or PyPI. About 1.5 minutes on 2 cores (build 4 s, new environment
30 s, generate and report 25 s, the four notebooks 35 s); marked slow (``-m "not slow"``
leaves it out), ``make test`` runs it.
"""

from __future__ import annotations

import csv
import html
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = (
    "account_review.ipynb",
    "early_warning_exploration.ipynb",
    "portfolio_exploration.ipynb",
    "portfolio_review.ipynb",
)
DATA_FILES = (
    *(f"acctkit/notebooks/{name}" for name in NOTEBOOKS),
    "acctkit/render/templates/acctkit/conf.json",
    "acctkit/render/templates/acctkit/index.html.j2",
    "acctkit/render/templates/acctkit/static/acctkit.css",
)
# Top-level folders of the checkout that a build has no use for (hidden ones neither).
LOCAL = {"build", "dist", "data", "reports", "models", "test-artifacts"}
IDS = ["A0001", "A0002", "A0003", "A0004", "A0005"]
MONTH = "2026-10"
# Parameters that keep each notebook to seconds on the generated 40 accounts.
PARAMETERS = {
    "account_review.ipynb": {"account_id": IDS[0], "review_bundle": "{bundle}"},
    "portfolio_review.ipynb": {"review_bundle": "{bundle}"},
    "early_warning_exploration.ipynb": {"data_path": "{data}", "n_bootstrap": 20, "top_k": 5},
    "portfolio_exploration.ipynb": {"data_path": "{data}", "top": 5},
}
WHERE_FROM = "import json, sys, acctkit\nprint(json.dumps([acctkit.__file__, sys.prefix]))"


def _ignored(folder: str, names: list[str]) -> set[str]:
    top = Path(folder) == ROOT
    return {
        name
        for name in names
        if name == "__pycache__"
        or name.endswith((".egg-info", ".pyc"))
        or name.startswith(".")  # .git, .venv, caches, .ipynb_checkpoints
        or (top and name in LOCAL)
    }


def _run(command: list, *, cwd: Path, env: dict, timeout: int = 600) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{command[:2]} exit {done.returncode}:\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """(the wheel, the copy of the tree it was built from)."""
    tree = tmp_path_factory.mktemp("source") / "acctkit"
    shutil.copytree(ROOT, tree, symlinks=True, ignore=_ignored)
    wheels = tmp_path_factory.mktemp("wheels")
    pip_wheel = [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", wheels]
    _run(pip_wheel, cwd=tree, env=dict(os.environ))
    (wheel,) = wheels.glob("acctkit-*.whl")
    return wheel, tree


@pytest.fixture(scope="module")
def venv(built, tmp_path_factory):
    """A new virtual environment with the wheel installed; the variables to run its commands
    (the test's own environment, its interpreter and its PYTHONPATH left out). Removed
    afterwards: it weighs about 900 MB, and pytest keeps its last three temporary folders."""
    wheel, _ = built
    prefix = tmp_path_factory.mktemp("venv") / "env"
    outside = tmp_path_factory.mktemp("elsewhere")
    # without PYTHONDONTWRITEBYTECODE: modules are compiled once, on first import
    unset = ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH", "PYTHONHOME", "PYTHONDONTWRITEBYTECODE")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in unset and not key.startswith("JUPYTER")
    }
    bin_folder = prefix / "bin"
    env["PATH"] = os.pathsep.join([str(bin_folder), env.get("PATH", "")])
    _run([sys.executable, "-m", "venv", prefix], cwd=outside, env=env)
    # --no-compile: byte-compiling every dependency is half the install; the modules the
    # runs import are compiled when first imported
    install = [bin_folder / "python", "-m", "pip", "install", "-q", "--no-compile", wheel]
    _run(install, cwd=outside, env=env, timeout=1800)
    code = "import json, sysconfig; print(json.dumps(sysconfig.get_paths()['purelib']))"
    site = Path(json.loads(_run([bin_folder / "python", "-c", code], cwd=outside, env=env)))
    yield {"prefix": prefix, "bin": bin_folder, "env": env, "site": site, "outside": outside}
    shutil.rmtree(prefix, ignore_errors=True)


@pytest.fixture(scope="module")
def reported(venv, tmp_path_factory) -> dict:
    """``acctkit generate`` (40 accounts, so that the model trains) then ``acctkit report``
    on five of them, run from a folder outside the source tree."""
    root = tmp_path_factory.mktemp("portfolio")
    data, out = root / "data", root / "reports"
    generate = [venv["bin"] / "acctkit", "generate", data, "--accounts", "40", "--months", "24"]
    _run(generate, cwd=venv["outside"], env=venv["env"])
    report = [venv["bin"] / "acctkit", "report", data, "--month", MONTH, "--out", out]
    _run([*report, "--jobs", "2", "--accounts", *IDS], cwd=venv["outside"], env=venv["env"])
    return {"data": data, "month": out / MONTH}


def test_the_wheel_holds_the_package_with_its_notebooks_and_templates_only(built):
    wheel, tree = built
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {name for name in names if ".dist-info/" not in name}
    package = {
        path.relative_to(tree).as_posix()
        for path in (tree / "acctkit").rglob("*")
        if path.is_file()  # the copy has no caches, .pyc or .ipynb_checkpoints
    }
    assert set(DATA_FILES) <= shipped
    # every file of acctkit/ (a data file not matched by package-data would be missing)
    assert sorted(package - shipped) == [] and sorted(shipped - package) == []
    assert not [name for name in names if name.split("/")[0] in ("tests", "benchmarks", "docs")]
    entry_points = next(name for name in names if name.endswith(".dist-info/entry_points.txt"))
    assert "acctkit = acctkit.cli:run" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_acctkit_is_imported_from_the_new_environment(venv):
    where = _run([venv["bin"] / "python", "-c", WHERE_FROM], cwd=venv["outside"], env=venv["env"])
    module, _ = json.loads(where)
    assert Path(module) == venv["site"] / "acctkit" / "__init__.py"
    for name in NOTEBOOKS:
        assert (venv["site"] / "acctkit" / "notebooks" / name).is_file()


def test_generate_and_report_from_outside_the_source_tree(reported):
    month = reported["month"]
    with open(reported["data"] / "accounts.csv", encoding="utf-8", newline="") as accounts:
        names = {row["account_id"]: row["name"] for row in csv.DictReader(accounts)}
    index = html.unescape((month / "index.html").read_text(encoding="utf-8"))
    for account_id in IDS:
        page = html.unescape((month / "accounts" / f"{account_id}.html").read_text("utf-8"))
        assert names[account_id] in page and account_id in page
        assert f"accounts/{account_id}.html" in index
    assert sorted(path.stem for path in (month / "accounts").glob("*.html")) == IDS
    manifest = json.loads((month / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["summary"]["done"] == len(IDS) and manifest["summary"]["failed"] == 0


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_shipped_notebook_runs_with_the_installed_package(name, venv, reported, tmp_path):
    """The notebook as installed, plus one last cell that says where acctkit came from."""
    import nbformat

    notebook = nbformat.read(venv["site"] / "acctkit" / "notebooks" / name, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(WHERE_FROM))
    nbformat.write(notebook, tmp_path / name)
    values = {"bundle": reported["month"] / "bundle", "data": reported["data"]}
    parameters = [
        part
        for key, value in PARAMETERS[name].items()
        for part in ("-p", key, str(value).format(**values))
    ]
    command = [venv["bin"] / "papermill", tmp_path / name, tmp_path / "out.ipynb", *parameters]
    _run(command, cwd=venv["outside"], env=venv["env"])
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    outputs = [output for cell in executed.cells for output in cell.get("outputs", [])]
    assert not [output for output in outputs if output.output_type == "error"]
    module, prefix = json.loads(executed.cells[-1].outputs[0].text)
    assert Path(module) == venv["site"] / "acctkit" / "__init__.py"
    assert Path(prefix) == venv["prefix"]  # the kernel ran on the new environment's Python
