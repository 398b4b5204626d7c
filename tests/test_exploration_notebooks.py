"""The notebooks of notebooks/ as files (no outputs, a parameters cell), and the two
exploration notebooks run for real through papermill (acctkit.render.render): in French on a
small generated portfolio written to a folder, and with their defaults on the built-in demo
portfolio, as an analyst opens them in JupyterLab. About 30 s on 2 cores."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import papermill
import pytest

from acctkit.datasets import generate_tables, write_tables
from acctkit.render import make_exporter, render

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
EARLY = NOTEBOOKS / "early_warning_exploration.ipynb"
PORTFOLIO = NOTEBOOKS / "portfolio_exploration.ipynb"
EXPLORATION = (EARLY, PORTFOLIO)
RUNS = {
    "early_small_fr": (EARLY, {"lang": "fr", "n_bootstrap": 20, "top_k": 5}),
    "portfolio_small_fr": (PORTFOLIO, {"lang": "fr", "top": 5}),
    "early_defaults": (EARLY, {}),
    "portfolio_defaults": (PORTFOLIO, {}),
}
CHART_TITLES = {
    "early_small_fr": ("Courbe ROC (période de test)", "Calibration (période de test)"),
    "portfolio_small_fr": (
        "Changements de recommandation",
        "Ralentissement de l'engagement : lift rétrospectif et alertes par seuil",
    ),
    "early_defaults": (
        "Features by outcome (all snapshots of the panel)",
        "ROC curve (hold-out)",
        "Flagging from a probability threshold (hold-out)",
    ),
    "portfolio_defaults": (
        "Recommendation changes",
        "Potential score: current and what-if weights",
        "Engagement slowdown: back-tested lift and alerts by threshold",
        "Closed plans: progress of each KPI objective at its due date",
    ),
}


@pytest.fixture(scope="module")
def small_portfolio(tmp_path_factory):
    folder = tmp_path_factory.mktemp("portfolio")
    write_tables(generate_tables(n_accounts=60, months=24, end="2026-10-31", seed=0), folder)
    return str(folder)


@pytest.fixture(scope="module")
def runs(small_portfolio, tmp_path_factory):
    """Every run, once: (html text, executed notebook) by name."""
    out = tmp_path_factory.mktemp("runs")
    exporter = make_exporter()
    results = {}
    for name, (notebook, parameters) in RUNS.items():
        if "small" in name:
            parameters = {**parameters, "data_path": small_portfolio}
        result = render(notebook, out / f"{name}.html", parameters, title=name, exporter=exporter)
        results[name] = (
            result.html.read_text(encoding="utf-8"),
            nbformat.read(result.notebook, as_version=4),
        )
    return results


# -- every notebook, as committed -----------------------------------------------------------------


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_notebook_has_a_parameters_cell_and_no_outputs(notebook):
    nb = nbformat.read(notebook, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source


@pytest.mark.parametrize("notebook", EXPLORATION, ids=lambda p: p.stem)
def test_exploration_notebooks_open_with_an_explanation_then_parameters(notebook):
    nb = nbformat.read(notebook, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert nb.cells[1].metadata.get("tags") == ["parameters"]
    assert nb.metadata.kernelspec.name == "python3"  # any environment, no registration
    declared = papermill.inspect_notebook(str(notebook))
    assert declared["data_path"]["default"] == '""'  # the demo portfolio: runs anywhere
    assert {"data_path", "as_of", "lang"} <= set(declared)
    for parameter in declared.values():
        assert parameter["inferred_type_name"] in {"str", "int", "dict"}, parameter
        assert parameter["help"], parameter


@pytest.mark.parametrize("notebook", EXPLORATION, ids=lambda p: p.stem)
def test_exploration_notebooks_only_call_the_package(notebook):
    nb = nbformat.read(notebook, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    for position, cell in enumerate(code[1:]):
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.For, ast.While))
            assert not isinstance(node, ast.Lambda)
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                assert position == 0, "imports belong to the first cell"
                assert getattr(node, "module", "").startswith("acctkit")
        assert len([line for line in cell.source.splitlines() if line.strip()]) <= 9


# -- the runs -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", RUNS)
def test_runs_have_no_error_and_no_warning(runs, name):
    page, notebook = runs[name]
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", output.get("evalue")
            assert output.get("name") != "stderr", output.get("text")
    assert "Traceback" not in page
    assert not re.search(r"\w+Warning\b", page)


@pytest.mark.parametrize("name", RUNS)
def test_runs_show_their_charts_and_tables(runs, name):
    page, notebook = runs[name]
    alts = re.findall(r'alt="([^"]+)"', page)
    for title in CHART_TITLES[name]:
        assert title in alts, alts
    assert page.count("<table") >= 4
    outputs = [output for cell in notebook.cells for output in cell.get("outputs", [])]
    shown = sum("image/png" in output.get("data", {}) for output in outputs)
    # early: section 11 adds a curves chart; portfolio: three threshold sweeps and the
    # planning quality of the closed account plans
    assert shown == (9 if "early" in name else 9)


def test_french_run_speaks_french(runs):
    page, _ = runs["portfolio_small_fr"]
    assert "Score de santé" in page and "Recommandation" in page and "Zone de santé" in page
    early, _ = runs["early_small_fr"]
    assert "Rapport de cotes par écart-type, intervalle bootstrap à 95 %" in early.replace(
        "\xa0", " "
    )
