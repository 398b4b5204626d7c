"""The project's own files: dependencies in sync, notebooks stripped, Makefile targets."""

import re

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


CONDA_NAMES = {"dask[distributed]": ("dask", "distributed")}  # one pip extra, two conda packages


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


def test_notebooks_are_committed_without_outputs():
    import nbformat

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [], path.name
                assert cell.execution_count is None, path.name


def test_public_api_names_resolve():
    import acctkit

    for name in acctkit.__all__:
        assert getattr(acctkit, name) is not None, name
