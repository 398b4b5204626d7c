"""The review notebooks, run for real: papermill through acctkit.render.render on a small
synthetic portfolio, in English and French; then the HTML is read back as a reader gets it.

One bundle (40 accounts, a model trained on them, a hostile account name) serves every
run; a second one, without a model, checks the early-warning fallback. About 15 s.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import papermill
import pytest

from acctkit.data import from_frames
from acctkit.datasets import generate_tables, write_tables
from acctkit.format import date
from acctkit.i18n import labels
from acctkit.model import EarlyWarningModel
from acctkit.render import make_exporter, render
from acctkit.report import build_bundle, load_account, sections

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
ACCOUNT = NOTEBOOKS / "account_review.ipynb"
PORTFOLIO = NOTEBOOKS / "portfolio_review.ipynb"
AS_OF = "2026-10-31"
HOSTILE = "<script>alert(1)</script>"
MAX_BYTES = 300_000
RUNS = (
    "account_en",
    "account_fr",
    "account_none",
    "portfolio_en",
    "portfolio_fr",
    "portfolio_none",
)
HEADINGS = {
    "account": (
        "heading.summary",
        "plan.heading",  # the account plan's "Plan vs reality", right after the header
        "heading.scores",
        "potential",
        "relationship",
        "execution",
        "heading.early_warning",
        "heading.alerts",
        "heading.since_review",
    ),
    "portfolio": (
        "heading.portfolio",
        "heading.attention",
        "heading.matrix",
        "heading.ranking",
        "plan.heading.portfolio",  # the account plans
        "heading.top_risks",
        "heading.segments",
        "heading.reliability",
        "heading.review_history",
    ),
}


@pytest.fixture(scope="module")
def tables():
    tables = generate_tables(n_accounts=40, months=24, end=AS_OF, seed=0)
    accounts = tables["accounts"].copy()
    accounts.loc[0, "name"] = HOSTILE
    accounts.loc[0, "owner"] = f"{HOSTILE} & Co"
    actions = tables["actions"].copy()
    actions.loc[actions["account_id"] == accounts.loc[0, "account_id"], "title"] = HOSTILE
    hostile_note = {
        "note_id": "RN-HOSTILE",
        "account_id": accounts.loc[0, "account_id"],
        "noted_on": pd.Timestamp("2026-10-31"),
        "kind": "comment",
        "text": HOSTILE,
    }
    notes = pd.concat([tables["review_notes"], pd.DataFrame([hostile_note])], ignore_index=True)
    return {**tables, "accounts": accounts, "actions": actions, "review_notes": notes}


@pytest.fixture(scope="module")
def bundles(tables, tmp_path_factory):
    portfolio = from_frames(tables)
    model = EarlyWarningModel().fit(portfolio, AS_OF)
    folder = tmp_path_factory.mktemp("bundles")
    return {
        "model": str(build_bundle(portfolio, AS_OF, folder / "with-model", model=model)),
        "none": str(build_bundle(portfolio, AS_OF, folder / "no-model")),
    }


@pytest.fixture(scope="module")
def hostile_id(tables):
    return str(tables["accounts"].loc[0, "account_id"])


@pytest.fixture(scope="module")
def exporter():
    return make_exporter()


@pytest.fixture(scope="module")
def reports(bundles, hostile_id, tmp_path_factory, exporter):
    """Every run, rendered once: (html text, executed notebook) by name."""
    out = tmp_path_factory.mktemp("reports")
    links = json.dumps({hostile_id: f"accounts/{hostile_id}.html", "A0002": "accounts/A0002.html"})
    failed = json.dumps([{"account_id": "A0003", "error": "KeyError: 'stage' <img src=x>"}])
    runs = {
        "account_en": (ACCOUNT, "en", {"account_id": hostile_id}, bundles["model"]),
        "account_fr": (ACCOUNT, "fr", {"account_id": hostile_id}, bundles["model"]),
        "account_none": (ACCOUNT, "fr", {"account_id": "A0002"}, bundles["none"]),
        "portfolio_en": (
            PORTFOLIO,
            "en",
            {"account_links": links, "failed_accounts": failed},
            bundles["model"],
        ),
        "portfolio_fr": (PORTFOLIO, "fr", {}, bundles["model"]),
        "portfolio_none": (PORTFOLIO, "en", {}, bundles["none"]),
    }
    rendered = {}
    for name, (notebook, lang, parameters, bundle) in runs.items():
        if notebook == ACCOUNT:
            title = sections.account_title(load_account(bundle, parameters["account_id"]), lang)
        else:
            title = sections.portfolio_title(lang)
        result = render(
            notebook,
            out / f"{name}.html",
            {**parameters, "review_bundle": bundle, "lang": lang, "as_of": AS_OF},
            title=title,
            date=date(AS_OF, lang),
            label=name,
            exporter=exporter,
        )
        rendered[name] = (
            result.html.read_text(encoding="utf-8"),
            nbformat.read(result.notebook, as_version=4),
        )
    return rendered


def heading_texts(kind: str, lang: str) -> list[str]:
    words = labels(lang)
    keys = HEADINGS[kind]
    return [
        words.plan[key.removeprefix("plan.")]
        if key.startswith("plan.")
        else words.families.get(key) or words.report[key]
        for key in keys
    ]


# -- the notebooks as files ------------------------------------------------------------------


@pytest.mark.parametrize("notebook", [ACCOUNT, PORTFOLIO])
def test_notebooks_are_committed_without_outputs(notebook):
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source


@pytest.mark.parametrize(
    ("notebook", "expected"),
    [
        (
            ACCOUNT,
            {
                "account_id": '"A0001"',
                "as_of": '"2026-10-31"',
                "review_bundle": '""',
                "data_path": '""',
                "lang": '"en"',
                "group_links": '""',
            },
        ),
        (
            PORTFOLIO,
            {
                "as_of": '"2026-10-31"',
                "review_bundle": '""',
                "data_path": '""',
                "lang": '"en"',
                "account_links": '""',
                "failed_accounts": '""',
                "group_links": '""',
            },
        ),
    ],
)
def test_parameters_cell_comes_first_typed_and_commented(notebook, expected):
    nb = nbformat.read(notebook, as_version=4)
    # an explanation for JupyterLab readers, left out of the HTML; then the parameters
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].metadata.tags == ["remove"]
    assert nb.cells[1].cell_type == "code" and nb.cells[1].metadata.tags == ["parameters"]
    declared = papermill.inspect_notebook(str(notebook))
    assert {name: p["default"] for name, p in declared.items()} == expected
    assert all(p["inferred_type_name"] == "str" and p["help"] for p in declared.values())


@pytest.mark.parametrize("notebook", [ACCOUNT, PORTFOLIO])
def test_notebooks_are_thin(notebook):
    nb = nbformat.read(notebook, as_version=4)
    loading = [
        c for c in nb.cells if "remove" in c.metadata.get("tags", []) and c.cell_type == "code"
    ]
    assert len(loading) == 1
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code" and not {"parameters", "remove"} & set(tags):
            lines = [line for line in cell.source.splitlines() if line.strip()]
            assert len(lines) <= 3, cell.source
            assert all(re.match(r"(display|show)\(|\w+ = ", line) for line in lines), cell.source


# -- the reports -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "lang"),
    [
        ("account_en", "account", "en"),
        ("account_fr", "account", "fr"),
        ("portfolio_en", "portfolio", "en"),
        ("portfolio_fr", "portfolio", "fr"),
    ],
)
def test_every_section_is_there_in_the_report_language(reports, name, kind, lang):
    page, _ = reports[name]
    headings = [html.unescape(h) for h in re.findall(r"<h2>(.*?)</h2>", page)]
    assert headings[: len(HEADINGS[kind])] == heading_texts(kind, lang)
    other = "fr" if lang == "en" else "en"
    for heading in heading_texts(kind, other):
        if heading not in heading_texts(kind, lang):
            assert f"<h2>{html.escape(heading, quote=False)}</h2>" not in page


@pytest.mark.parametrize("name", RUNS)
def test_no_code_traceback_warning_or_network_resource(reports, name):
    page, notebook = reports[name]
    assert "Traceback" not in page
    assert not re.search(r"\w*(Warning|Exception)\b", page)
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page.lower()
    assert "display(" not in page and "import " not in page
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error"
            assert output.get("name") != "stderr", output.get("text")


@pytest.mark.parametrize("name", ["account_en", "account_fr", "portfolio_en", "portfolio_fr"])
def test_hostile_names_show_as_text(reports, name):
    page, _ = reports[name]
    assert HOSTILE not in page
    assert html.escape(HOSTILE, quote=False) in page


@pytest.mark.parametrize("name", RUNS)
def test_pages_are_small_with_embedded_images(reports, name):
    page, _ = reports[name]
    assert len(page.encode("utf-8")) < MAX_BYTES
    images = re.findall(r"<img ([^>]*)>", page)
    assert images
    for attributes in images:
        assert re.search(r'src="data:image/png;base64,[A-Za-z0-9+/=]+"', attributes)
        assert re.search(r'alt="[^"]+"', attributes)


def test_account_report_charts_and_tables(reports):
    page, _ = reports["account_en"]
    alts = re.findall(r'alt="([^"]+)"', page)
    assert "Stakeholder map" in alts and "Interactions per month" in alts
    assert "Early-warning risk by month" in alts
    assert any(alt.startswith("Share of wallet") for alt in alts)
    assert "Plan actions" in page and "What raises the risk" in page
    assert "This review (31 Oct 2026)" in page and "Previous review (30 Sep 2026)" in page


def test_french_report_formats_numbers_the_french_way(reports):
    page, _ = reports["account_fr"]
    assert "Cette revue (31 oct. 2026)" in page
    assert re.search(r"\d,\d\xa0%", page)  # decimal comma, no-break space before %
    assert re.search(r"\d\xa0\d{3}\b", page)  # thousands separated by a no-break space
    assert '<html lang="fr">' in page and "Généré par acctkit" in page
    english, _ = reports["account_en"]
    assert '<html lang="en">' in english and "Generated by acctkit" in english


def test_reports_without_a_model_say_so(reports):
    page, _ = reports["account_none"]
    assert "L'alerte précoce n'est pas disponible pour cette revue" in page
    assert "Risque d'alerte précoce par mois" not in page  # no trend chart
    page, _ = reports["portfolio_none"]
    top_risks = page.split("<h2>Top risks</h2>")[1].split("<h2>")[0]
    assert "The early warning is not available for this review" in top_risks
    assert "Accounts at high risk" in page and "n/a" in page
    # the alerts are still back-tested; only the early-warning row is missing
    reliability = page.split("<h2>How reliable are these alerts?</h2>")[1].split("<h2>")[0]
    assert "Any high alert" in reliability
    assert "Early warning: high risk" in reliability or "No early-warning row:" in reliability


def test_portfolio_opens_with_the_attention_list_and_ends_with_reliability(reports):
    page, _ = reports["portfolio_en"]
    attention = page.split("<h2>Accounts that need attention this review</h2>")[1]
    attention = attention.split("<h2>")[0]
    assert attention.count("<tr>") - 1 <= 15  # rows after the header row
    assert "accounts with a signal are listed" in attention
    reliability = page.split("<h2>How reliable are these alerts?</h2>")[1].split("<h2>")[0]
    assert "account-months" in reliability and "Lift (90 % interval)" in reliability
    french, _ = reports["portfolio_fr"]
    assert "<h2>Comptes à traiter en priorité</h2>" in french
    assert "<h2>Ces alertes sont-elles fiables ?</h2>" in french


def test_portfolio_links_are_relative_and_failures_listed(reports, hostile_id):
    page, _ = reports["portfolio_en"]
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert f"accounts/{hostile_id}.html" in hrefs and "accounts/A0002.html" in hrefs
    assert all(not re.match(r"[a-z]+:|/", href) for href in hrefs)
    assert "<h2>Failed reports</h2>" in page
    assert "KeyError: 'stage' &lt;img src=x&gt;" in page
    french, _ = reports["portfolio_fr"]
    assert "href=" not in french and "Rapports en échec" not in french


def test_jupyterlab_defaults_build_the_bundle_from_a_data_folder(tmp_path, exporter, monkeypatch):
    """The notebook as an analyst runs it: no bundle, a data folder (built and cached in
    the temporary folder, here the test's own)."""
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    data = tmp_path / "data"
    write_tables(generate_tables(n_accounts=20, months=18, end=AS_OF, seed=2), data)
    result = render(
        PORTFOLIO,
        tmp_path / "portfolio.html",
        {"data_path": str(data)},
        title="Portfolio review",
        exporter=exporter,
    )
    page = result.html.read_text(encoding="utf-8")
    assert "<h2>Portfolio at a glance</h2>" in page and "20 accounts reviewed" in page


def test_without_bundle_or_data_the_notebooks_use_the_demo_portfolio(tmp_path, monkeypatch):
    import tempfile

    from acctkit.report import ensure_bundle, read_meta

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folder = ensure_bundle("", "", "2026-10-31")
    assert folder.parent == tmp_path / "acctkit-bundles"
    meta = read_meta(folder)
    assert meta["accounts"] == 120 and meta["model"] is not None  # the demo trains a model
    assert ensure_bundle("", "", "2026-10-31") == folder  # cached: built once
