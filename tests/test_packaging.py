"""The project's own files: dependencies in sync, Makefile targets, and the notebooks: one
copy, shipped in the package (``acctkit/notebooks/``) and linked from ``notebooks/``, stripped,
on the standard ``python3`` kernel, and running with ``papermill notebooks/X.ipynb out.ipynb``
as a user types it (about 40 s for the four, marked slow)."""

import importlib
import json
import os
import re
import subprocess
import sys

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "acctkit" / "notebooks"
NOTEBOOKS = (
    "account_review.ipynb",
    "early_warning_exploration.ipynb",
    "portfolio_exploration.ipynb",
    "portfolio_review.ipynb",
)
# jupyter_client starts the ``python3`` kernel on the interpreter that asks for it: the
# notebooks need no kernel registered, whatever the environment (venv, conda, a wheel).
PYTHON3 = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


CONDA_NAMES = {
    "dask[distributed]": ("dask", "distributed"),  # one pip extra, two conda packages
    "duckdb": ("python-duckdb",),
    "psycopg[binary]": ("psycopg",),  # conda-forge's psycopg brings libpq itself
}


def _names_and_spec(requirement: str) -> list[tuple[str, str]]:
    requirement = requirement.split(";")[0].strip()
    match = re.match(r"^([A-Za-z0-9_.\-]+(?:\[[a-z,]+\])?)\s*(.*)$", requirement)
    name, spec = match.group(1).lower(), match.group(2).replace(" ", "")
    return [(conda, spec) for conda in CONDA_NAMES.get(name, (name,))]


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"]) + project["optional-dependencies"]["dev"]
    return {
        name: spec
        for requirement in requirements
        if "python_version" not in requirement
        for name, spec in _names_and_spec(requirement)
    }


def _environment_requirements() -> dict[str, str]:
    text = (ROOT / "environment.yml").read_text()
    lines = text.split("dependencies:", 1)[1].splitlines()
    deps = {}
    for line in lines:
        match = re.match(r"^  - ([A-Za-z0-9_.\-]+)(.*)$", line)
        if match and match.group(1) not in ("python", "pip"):
            deps[match.group(1).lower()] = match.group(2).replace(" ", "")
    return deps


def test_environment_yml_mirrors_pyproject():
    assert _environment_requirements() == _pyproject_requirements()


def test_environment_yml_installs_the_project_with_dev_extra():
    text = (ROOT / "environment.yml").read_text()
    assert "- -e .[dev]" in text
    assert "conda-forge" in text
    assert "python=3.11" in text


def test_makefile_has_documented_demo_and_test_targets():
    text = (ROOT / "Makefile").read_text()
    for target in ("help", "demo", "test"):
        assert re.search(rf"^## {target}: ", text, re.M), target
        assert re.search(rf"^{target}:", text, re.M), target


def test_readme_quick_start_shows_the_two_commands_first():
    text = (ROOT / "README.md").read_text()
    quick = text.split("## Quick start", 1)[1]
    commands = re.findall(r"^(make \w+|conda env|acctkit \w+)", quick, re.M)
    assert commands[:2] == ["make demo", "make test"]


def test_notebooks_are_the_package_copies_linked_from_notebooks_folder():
    assert sorted(path.name for path in SHIPPED.glob("*.ipynb")) == list(NOTEBOOKS)
    assert sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb")) == list(NOTEBOOKS)
    for name in NOTEBOOKS:
        link, shipped = ROOT / "notebooks" / name, SHIPPED / name
        assert shipped.is_file() and not shipped.is_symlink(), name
        # relative, so that it holds in any clone; git stores it as a link
        assert link.is_symlink() and os.readlink(link) == f"../acctkit/notebooks/{name}", name
        assert link.resolve() == shipped.resolve(), name


def test_saving_in_jupyterlab_through_the_link_edits_the_package_copy(tmp_path):
    """JupyterLab (jupyter_server) writes through the link: the two never drift apart."""
    import nbformat
    from jupyter_server.services.contents.filemanager import FileContentsManager

    (tmp_path / "acctkit" / "notebooks").mkdir(parents=True)
    (tmp_path / "notebooks").mkdir()
    shipped = tmp_path / "acctkit" / "notebooks" / NOTEBOOKS[0]
    shipped.write_bytes((SHIPPED / NOTEBOOKS[0]).read_bytes())
    link = tmp_path / "notebooks" / NOTEBOOKS[0]
    link.symlink_to(f"../acctkit/notebooks/{NOTEBOOKS[0]}")
    contents = FileContentsManager(root_dir=str(tmp_path / "notebooks"))
    assert [item["name"] for item in contents.get("")["content"]] == [NOTEBOOKS[0]]
    model = contents.get(NOTEBOOKS[0])
    model["content"]["cells"][0]["source"] = "# Edited in JupyterLab"
    contents.save(model, NOTEBOOKS[0])
    assert link.is_symlink()
    assert nbformat.read(shipped, as_version=4).cells[0].source == "# Edited in JupyterLab"


def test_reports_use_the_package_notebooks_and_say_which_one_is_missing(tmp_path, monkeypatch):
    from acctkit.batch import options
    from acctkit.errors import ReportError

    expected = (SHIPPED / "account_review.ipynb", SHIPPED / "portfolio_review.ipynb")
    assert options.default_notebooks() == tuple(path.resolve() for path in expected)
    package = tmp_path / "acctkit"
    (package / "notebooks").mkdir(parents=True)
    (package / "notebooks" / "account_review.ipynb").write_text("{}")
    monkeypatch.setattr(options, "__file__", str(package / "batch" / "options.py"))
    with pytest.raises(
        ReportError, match=r"not found: \S+portfolio_review\.ipynb \(reinstall"
    ) as caught:
        options.default_notebooks()
    assert "account_review" not in str(caught.value)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebooks_are_committed_without_outputs_on_the_python3_kernel(name):
    import nbformat

    notebook = nbformat.read(SHIPPED / name, as_version=4)
    assert notebook.metadata.kernelspec == PYTHON3
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], cell.source
            assert cell.execution_count is None, cell.source


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_notebook_runs_as_a_user_runs_it(name, tmp_path_factory):
    """``cd <clone> && .venv/bin/papermill notebooks/X.ipynb out.ipynb``: the notebook's own
    kernelspec, its default parameters, the repository as working folder.

    With their defaults the notebooks read the built-in demo portfolio (120 accounts, 36
    months, the one ``make demo`` writes to data/demo), not a file, so nothing has to be
    generated first. The review notebooks cache the bundle they build in the temporary
    folder: a fresh one stands for a fresh machine (the second review notebook reuses the
    first one's bundle, as it would there). Jupyter's user data folder is an empty one, so
    that no kernel registered on this machine can make a notebook pass.
    """
    temporary = tmp_path_factory.getbasetemp() / "fresh-machine"
    temporary.mkdir(exist_ok=True)
    out = tmp_path_factory.mktemp("papermill") / name
    env = {key: value for key, value in os.environ.items() if not key.startswith("JUPYTER")}
    env.update(TMPDIR=str(temporary), JUPYTER_DATA_DIR=str(temporary / "jupyter"))
    papermill = Path(sys.executable).parent / "papermill"
    run = subprocess.run(
        [str(papermill), f"notebooks/{name}", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    executed = json.loads(out.read_text(encoding="utf-8"))
    assert executed["metadata"]["kernelspec"]["name"] == "python3"
    outputs = [output for cell in executed["cells"] for output in cell.get("outputs", [])]
    assert outputs and not [output for output in outputs if output["output_type"] == "error"]


def test_public_api_names_resolve_to_the_objects_of_their_modules():
    import acctkit

    for name in acctkit.__all__:
        value = getattr(acctkit, name)
        assert value is getattr(importlib.import_module(acctkit._EXPORTS[name]), name), name
        assert value.__name__ == name and value.__module__.startswith("acctkit."), name
