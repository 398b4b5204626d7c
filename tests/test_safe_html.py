"""Safe outputs: data never becomes markup, links stay in the month, parameters are typed.

A hostile portfolio (ids, account, contact, business unit, opportunity, action, feedback,
ticket and assessment texts full of markup, quotes, ``javascript:``, dollar signs that
matplotlib would read as mathtext, format placeholders, entities and a 1,000-character
name) goes through the real batch and the real review notebooks; every page of the month
is then parsed with the standard library's ``html.parser``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd
import papermill
import pytest

from acctkit.batch import ReportRun, run_reports
from acctkit.errors import RenderError, ReportError
from acctkit.render.parameters import check_parameters
from acctkit.report.tables import parse_links

REAL = Path(__file__).parents[1] / "notebooks"
ACCOUNT_NOTEBOOK = REAL / "account_review.ipynb"
PORTFOLIO_NOTEBOOK = REAL / "portfolio_review.ipynb"
MONTH = "2026-10"

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"onmouseover="alert(1)'
IMAGE = "<img src=x onerror=alert(1)>"
JAVASCRIPT = "javascript:alert(1)"
MATH = r"$\frac{1}{0}$"
DOLLARS = "$5 and $6"
PLACEHOLDERS = "{0} {name} %s"
ENTITIES = "&amp; &lt;b&gt;"
LONG = "Ж" + "L" * 999
TEXTS = [SCRIPT, ATTRIBUTE, IMAGE, JAVASCRIPT, MATH, DOLLARS, PLACEHOLDERS, ENTITIES, LONG]
BAD_MATH = [r"$\undefined$", "$$", "$x_$"]  # mathtext that raises when parsed

H1 = '<b id="x">H1</b>'
H2 = JAVASCRIPT + '"'
H3 = "H3 $$"  # contacts and business units of invalid mathtext
HOSTILE_ACCOUNTS = {
    H1: {"name": f"{SCRIPT} {MATH}", "owner": ATTRIBUTE, "industry": IMAGE, "region": JAVASCRIPT},
    H2: {"name": IMAGE + LONG, "owner": PLACEHOLDERS, "industry": ENTITIES, "region": DOLLARS},
}
TEXT_COLUMNS = {
    "contacts": ["name", "title", "business_unit"],
    "actions": ["title", "owner"],
    "opportunities": ["name", "product", "business_unit"],
    "feedback": ["text"],
    "tickets": ["category"],
    "assessments": ["comment"],
}
TAGS = {
    "html", "head", "meta", "title", "style", "body", "div", "header", "main", "footer",
    "h1", "h2", "h3", "p", "span", "strong", "a", "img", "ul", "li", "dl", "dt", "dd",
    "table", "caption", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ATTRIBUTES = {
    "lang", "charset", "name", "content", "id", "class", "title", "type", "href", "src", "alt",
    "width", "colspan",
    "height",
}  # fmt: skip


def hostile_tables():
    """The synthetic portfolio (30 accounts: the model trains) with three hostile accounts."""
    from acctkit.datasets import generate_tables

    tables = generate_tables(n_accounts=30, months=24, end="2026-10-31", seed=7)
    renamed = {"A0001": H1, "A0002": H2, "A0003": H3}
    for frame in tables.values():
        if "account_id" in frame.columns:
            frame["account_id"] = frame["account_id"].replace(renamed)
    accounts = tables["accounts"]
    # a group of the three, three levels deep: its page shows the hostile texts too
    accounts["parent_account_id"] = accounts["parent_account_id"].replace(renamed)
    parents = {H1: None, H2: H1, H3: H2}
    accounts["parent_account_id"] = accounts["parent_account_id"].mask(
        accounts["parent_account_id"].isin(list(parents)) | accounts["account_id"].isin(parents)
    )
    for account_id, parent in parents.items():
        accounts.loc[accounts["account_id"] == account_id, "parent_account_id"] = parent
    for account_id, values in HOSTILE_ACCOUNTS.items():
        rows = accounts["account_id"] == account_id
        for column, value in values.items():
            accounts.loc[rows, column] = value
        accounts.loc[rows, "annual_revenue"] = 9e6  # among the names the matrix shows
    for table, columns in TEXT_COLUMNS.items():
        frame = tables[table]
        rows = frame["account_id"].isin(HOSTILE_ACCOUNTS)
        for offset, column in enumerate(columns):
            texts = [TEXTS[(i + offset) % len(TEXTS)] for i in range(rows.sum())]
            if table != "contacts":  # contact names stay short: the charts cut them at 20
                texts = [f"{table}.{column} {text}" for text in texts]
            frame.loc[rows, column] = texts
    notes = pd.DataFrame(  # what a review decided, at the review and at the one before
        {
            "note_id": ["HN1", "HN2", "HN3"],
            "account_id": [H1, H1, H2],
            "noted_on": pd.to_datetime(["2026-09-30", "2026-10-31", "2026-10-31"]),
            "author": [ATTRIBUTE, PLACEHOLDERS, ENTITIES],
            "kind": ["next_step", "decision", "comment"],
            "text": [f"notes.text {IMAGE}", f"notes.text {SCRIPT}", f"notes.text {MATH}"],
            "due_on": pd.to_datetime(["2026-10-15", None, None]),
        }
    )
    tables["review_notes"] = pd.concat([tables["review_notes"], notes], ignore_index=True)
    products = tables["opportunities"]["product"].dropna().unique()
    hostile = [p for p in products if p not in set(tables["products"]["product"])]
    families = [TEXTS[i % len(TEXTS)] for i in range(len(hostile))]
    tables["products"] = pd.concat(
        [tables["products"], pd.DataFrame({"product": hostile, "family": families})],
        ignore_index=True,
    )
    contacts = tables["contacts"]
    rows = contacts["account_id"] == H3
    contacts.loc[rows, "name"] = [BAD_MATH[i % len(BAD_MATH)] for i in range(rows.sum())]
    contacts.loc[rows, "business_unit"] = "$$"
    _hostile_plans(tables)
    return tables


def _hostile_plans(tables) -> None:
    """H1 and H2 get a plan whose title, ambition, objectives and obstacles are hostile (the
    account plan, issue 15): one in force at the review, with a KPI objective and a
    qualitative one served by an action."""
    import pandas as pd

    plans = tables["plans"][~tables["plans"]["account_id"].isin([H1, H2])]
    kept = set(plans["plan_id"])
    objectives = tables["objectives"][tables["objectives"]["plan_id"].isin(kept)]
    items = tables["plan_items"][tables["plan_items"]["plan_id"].isin(kept)]
    actions = tables["actions"]
    actions.loc[~actions["objective_id"].isin(set(objectives["objective_id"])), "objective_id"] = (
        None
    )
    new_plans, new_objectives, new_items = [], [], []
    for number, account in enumerate((H1, H2)):
        plan_id = f"HP{number}"
        new_plans.append({"plan_id": plan_id, "account_id": account,
                          "title": f"plans.title {SCRIPT}", "owner": ATTRIBUTE,
                          "starts_on": pd.Timestamp("2026-01-01"),
                          "ends_on": pd.Timestamp("2026-12-31"),
                          "ambition": f"plans.ambition {IMAGE} {PLACEHOLDERS}",
                          "revenue_target": 1000.0, "status": "active"})  # fmt: skip
        new_objectives += [
            {"objective_id": f"{plan_id}-K", "plan_id": plan_id,
             "title": f"objectives.title {ATTRIBUTE} {MATH}", "owner": IMAGE,
             "kpi": "interactions", "target": 50.0, "status": "open"},
            {"objective_id": f"{plan_id}-Q", "plan_id": plan_id,
             "title": f"objectives.title {SCRIPT}", "owner": ENTITIES, "status": "open"},
        ]  # fmt: skip
        new_items.append({"item_id": f"{plan_id}-I", "plan_id": plan_id, "kind": "obstacle",
                          "title": f"plan_items.title {IMAGE}", "owner": JAVASCRIPT,
                          "opened_on": pd.Timestamp("2026-10-15"), "impact": 3})  # fmt: skip
        mine = actions.index[actions["account_id"] == account][:2]
        actions.loc[mine, "objective_id"] = f"{plan_id}-Q"
    tables["plans"] = pd.concat([plans, pd.DataFrame(new_plans)], ignore_index=True)
    tables["objectives"] = pd.concat([objectives, pd.DataFrame(new_objectives)], ignore_index=True)
    tables["plan_items"] = pd.concat([items, pd.DataFrame(new_items)], ignore_index=True)


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    from acctkit.datasets import write_tables

    root = tmp_path_factory.mktemp("hostile")
    write_tables(hostile_tables(), root / "data")
    result = run_reports(
        ReportRun(
            root / "data",
            MONTH,
            out=root / "reports",
            accounts=[H1, H2, H3],
            engine="warm",
            jobs=2,
            progress=False,
        )
    )
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    return result, {entry["account_id"]: entry for entry in manifest["accounts"]}


class Page(HTMLParser):
    """A page's elements, attributes and text (entities decoded), as a browser reads it."""

    def __init__(self, source: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.texts: list[str] = []
        self.styles: list[str] = []
        self._open: list[str] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]

    def handle_data(self, data):
        (self.styles if self._open[-1:] == ["style"] else self.texts).append(data)

    @property
    def text(self) -> str:
        return "".join(self.texts)


def check_safe_page(path: Path, month_folder: Path) -> Page:
    """Every rule of a safe page; returns the parsed page."""
    source = path.read_text(encoding="utf-8")
    page = Page(source)
    assert {tag for tag, _ in page.elements} <= TAGS, path.name
    for tag, attributes in page.elements:
        assert set(attributes) <= ATTRIBUTES, (path.name, tag, attributes)
        assert not [name for name in attributes if name.startswith("on")]
        for name, value in attributes.items():
            assert "javascript:" not in (value or "").lower(), (path.name, tag, name, value)
        if tag == "img":
            assert attributes["src"].startswith("data:image/png;base64,"), path.name
        if "href" in attributes:
            target = check_link(attributes["href"], path, month_folder)
            assert target.is_file(), (path.name, attributes["href"])
    for style in page.styles:
        assert "alert(" not in style and "<" not in style
    assert "<script" not in source.lower() and "<img src=x" not in source
    return page


def check_link(href: str, page: Path, month_folder: Path) -> Path:
    """A link must be relative and lead to a file inside the month folder."""
    parts = urlsplit(href)
    assert not parts.scheme and not parts.netloc and not href.startswith(("/", "\\")), href
    target = (page.parent / unquote(parts.path)).resolve()
    assert target.is_relative_to(month_folder.resolve()), href
    return target


def _pages(result) -> list[Path]:
    groups = sorted((result.folder / "groups").glob("*.html"))
    return [result.index, *sorted((result.folder / "accounts").glob("*.html")), *groups]


def test_every_page_is_safe(month):
    result, _ = month
    pages = _pages(result)
    assert len(pages) >= 3  # the index and the pages of H1 and H2 at least
    for path in pages:
        check_safe_page(path, result.folder)


def test_account_texts_show_as_text_in_the_account_page(month):
    result, entries = month
    for account_id, values in HOSTILE_ACCOUNTS.items():
        page = check_safe_page(result.folder / entries[account_id]["html"], result.folder)
        text = page.text
        assert f"Account review: {values['name']}" in text  # the title, escaped once
        for value in values.values():
            assert value in text, value[:40]
        assert account_id in text  # the id, under the title


def test_action_titles_and_owners_show_as_text(month):
    result, entries = month
    shown = []
    for account_id in HOSTILE_ACCOUNTS:
        page = check_safe_page(result.folder / entries[account_id]["html"], result.folder)
        for column in TEXT_COLUMNS["actions"]:
            shown += [text for text in TEXTS if f"actions.{column} {text}" in page.text]
    assert {SCRIPT, ATTRIBUTE, IMAGE, JAVASCRIPT} <= set(shown), shown  # the markup ones


def test_plan_texts_show_as_text(month):
    result, entries = month
    for account_id in (H1, H2):
        text = check_safe_page(result.folder / entries[account_id]["html"], result.folder).text
        for written in (
            f"plans.title {SCRIPT}",
            f"plans.ambition {IMAGE} {PLACEHOLDERS}",
            f"objectives.title {ATTRIBUTE} {MATH}",
            f"objectives.title {SCRIPT}",
            f"plan_items.title {IMAGE}",
            ATTRIBUTE,
        ):
            assert written in text, written


def test_the_index_shows_names_as_text_and_links_only_to_written_pages(month):
    result, entries = month
    page = check_safe_page(result.index, result.folder)
    for values in HOSTILE_ACCOUNTS.values():
        assert values["name"] in page.text
    links = {attributes["href"] for tag, attributes in page.elements if tag == "a"}
    written = {entry["html"] for entry in entries.values() if entry["status"] == "done"}
    groups = {f"groups/{path.name}" for path in (result.folder / "groups").glob("*.html")}
    assert links == written | groups and {entries[H1]["html"], entries[H2]["html"]} <= links
    assert f"groups/{Path(entries[H1]['html']).name}" in groups  # H1 heads a group


def test_group_page_shows_the_entities_texts_as_text(month):
    result, entries = month
    page = check_safe_page(result.folder / "groups" / Path(entries[H1]["html"]).name, result.folder)
    for values in HOSTILE_ACCOUNTS.values():
        assert values["name"] in page.text
    links = {attributes["href"] for tag, attributes in page.elements if tag == "a"}
    assert f"../{entries[H2]['html']}" in links


def test_chart_labels_with_invalid_mathtext_do_not_fail_the_report(month):
    _, entries = month
    assert entries[H3]["status"] == "done", entries[H3]["error"]


@pytest.mark.parametrize("chart", ["stakeholder_map", "portfolio_matrix"])
def test_chart_labels_are_drawn_as_plain_text(chart, monkeypatch):
    """Every label drawn is plain text (never mathtext) and reads exactly as the data."""
    import pandas as pd
    from matplotlib.backend_bases import RendererBase
    from matplotlib.backends.backend_agg import RendererAgg

    from acctkit import plots

    drawn = []
    for renderer in (RendererAgg, RendererBase):  # RendererBase: text with a path effect
        monkeypatch.setattr(renderer, "draw_text", _recording(renderer.draw_text, drawn))
    names = [MATH, DOLLARS, *BAD_MATH]
    if chart == "stakeholder_map":
        figure = plots.stakeholder_map(
            pd.DataFrame(
                {
                    "name": names,
                    "level": ["user", "manager", "director", "c_level", "user"],
                    "business_unit": ["$$", MATH, "$$", MATH, "$$"],
                    "role": ["sponsor", "user", "other", "other", "other"],
                    "is_key": [True, False, False, True, False],
                    "engaged": [True, False, True, False, True],
                }
            )
        )
    else:
        figure = plots.portfolio_matrix(
            pd.DataFrame(
                {
                    "account_id": ["A", "B", "C", "D", "E"],
                    "potential_score": [20.0, 35.0, 50.0, 65.0, 80.0],
                    "relationship_score": [80.0, 20.0, 50.0, 35.0, 65.0],
                    "annual_revenue": [1e6, 2e6, 3e6, 4e6, 5e6],
                    "health_band": ["green", "amber", "red", "green", "amber"],
                }
            ),
            pd.DataFrame({"account_id": ["A", "B", "C", "D", "E"], "name": names}),
        )
    plots.figure_png(figure)
    assert not [text for text, ismath in drawn if ismath]
    labels = {text.replace("\\$", "$") for text, _ in drawn}
    assert set(names) <= labels


def _recording(draw_text, drawn: list):
    def record(renderer, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        drawn.append((s, ismath))
        return draw_text(renderer, gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    return record


# Links ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "../2026-09/accounts/A1.html",
        "accounts/../../secret.html",
        "accounts\\..\\x.html",
        " JavaScript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
    ],
)
def test_index_links_cannot_leave_the_month_folder(url):
    with pytest.raises(ReportError, match="relative URLs"):
        parse_links(json.dumps({"A1": url}))


def test_links_to_files_of_the_month_are_kept():
    links = {"A1": "accounts/A1.html", "B 2": "accounts/x-d6b96a97d1.html#top"}
    assert parse_links(json.dumps(links)) == links


def test_the_plain_index_of_a_failed_portfolio_review_is_safe(tmp_path):
    from acctkit.batch.manifest import Inputs
    from acctkit.batch.record import RunRecord, write_plain_index

    record = RunRecord("r1", tmp_path, Inputs({}, "trained", {}, {}), {})
    for number, (account_id, name) in enumerate([(H1, SCRIPT), (H2, IMAGE), (H3, ATTRIBUTE)]):
        entry = {"account_id": account_id, "name": name, "html": f"accounts/A{number}.html"}
        record.expect({**entry, "notebook": f"notebooks/A{number}.ipynb", "parameters": {}})
        record.accounts[account_id].update(status="done" if number < 2 else "failed")
        record.accounts[account_id]["error"] = None if number < 2 else IMAGE
        (tmp_path / entry["html"]).parent.mkdir(exist_ok=True)
        (tmp_path / entry["html"]).write_text("<html></html>")
    record.portfolio = {"status": "failed", "error": f"ValueError: {SCRIPT}"}
    path = write_plain_index(tmp_path / "index.html", record, f"Portfolio {ATTRIBUTE}")
    page = check_safe_page(path, tmp_path)
    for text in (H1, H2, H3, SCRIPT, IMAGE, ATTRIBUTE):
        assert text in page.text
    hrefs = [attributes["href"] for tag, attributes in page.elements if tag == "a"]
    assert hrefs == ["accounts/A0.html", "accounts/A1.html"]
    assert "<h2>Failed reports</h2>" in path.read_text(encoding="utf-8")

    french = write_plain_index(tmp_path / "fr.html", record, "Revue", "fr").read_text("utf-8")
    assert '<html lang="fr">' in french
    assert "<h2>Comptes</h2>" in french and "<h2>Rapports en échec</h2>" in french
    assert "La revue de portefeuille n'a pas pu être produite : ValueError: " in french


# The tag builder ------------------------------------------------------------------------


def test_the_tag_builder_escapes_every_text_and_attribute():
    from markupsafe import Markup

    from acctkit.report.html import block, join, link, table, tag

    cell = tag("td", SCRIPT, "text", title=ATTRIBUTE, data_x=Markup(ATTRIBUTE))
    assert isinstance(cell, Markup)
    assert cell == (
        '<td class="text" title="&#34;onmouseover=&#34;alert(1)"'
        ' data_x="&#34;onmouseover=&#34;alert(1)">&lt;script&gt;alert(1)&lt;/script&gt;</td>'
    )  # an attribute value is escaped even when it is markup
    assert tag("p", [Markup("<b>kept</b>"), " & ", ENTITIES]) == (
        "<p><b>kept</b> &amp; &amp;amp; &amp;lt;b&amp;gt;</p>"
    )
    assert link(IMAGE, JAVASCRIPT + '"') == (
        '<a href="javascript:alert(1)&#34;">&lt;img src=x onerror=alert(1)&gt;</a>'
    )  # the href is escaped; which hrefs are allowed is parse_links' job
    assert (
        join([SCRIPT, None, 3], separator="<br>")
        == "&lt;script&gt;alert(1)&lt;/script&gt;&lt;br&gt;&lt;br&gt;3"
    )
    page = Page(table([SCRIPT], [[IMAGE]], caption=ATTRIBUTE))
    assert " ".join(name for name, _ in page.elements) == "table caption thead tr th tbody tr td"
    assert page.text == ATTRIBUTE + SCRIPT + IMAGE
    assert block(SCRIPT) == "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_blocks_are_markup_for_jinja_and_html_for_a_notebook():
    from jinja2 import Environment
    from markupsafe import Markup

    from acctkit.report.html import Html, block, tag

    shown = block(tag("p", "Hello"))
    assert isinstance(shown, Html) and isinstance(shown, Markup)
    assert shown._repr_html_() == "<p>Hello</p>" and Html("")._repr_html_() is None
    template = Environment(autoescape=True).from_string("{{ block }}{{ text }}")
    assert (
        template.render(block=shown, text=SCRIPT)
        == "<p>Hello</p>&lt;script&gt;alert(1)&lt;/script&gt;"
    )


def test_the_model_view_escapes_its_texts():
    from acctkit.model.early_warning import EarlyWarningModel
    from acctkit.model.html import model_html

    model = EarlyWarningModel(features=[SCRIPT])
    page = Page(model_html(model))
    assert SCRIPT in page.text and {name for name, _ in page.elements} == {
        "div",
        "strong",
        "p",
        "code",
    }


# Notebook parameters --------------------------------------------------------------------

DECLARED = {
    ACCOUNT_NOTEBOOK: ["account_id", "as_of", "review_bundle", "data_path", "lang", "group_links"],
    PORTFOLIO_NOTEBOOK: [
        "as_of",
        "review_bundle",
        "data_path",
        "lang",
        "account_links",
        "failed_accounts",
        "group_links",
    ],
}


@pytest.mark.parametrize("notebook", list(DECLARED), ids=lambda path: path.stem)
def test_every_review_parameter_is_declared_as_a_string(notebook):
    """Typed by name: a parameter without a type would accept any JSON value."""
    declared = papermill.inspect_notebook(str(notebook))
    assert list(declared) == DECLARED[notebook]
    assert {parameter["inferred_type_name"] for parameter in declared.values()} == {"str"}


def test_the_batch_passes_only_declared_string_parameters(month):
    _, entries = month
    for entry in entries.values():
        parameters = entry["parameters"]
        assert list(parameters) == DECLARED[ACCOUNT_NOTEBOOK]
        assert all(type(value) is str for value in parameters.values())
    assert entries[H1]["parameters"]["account_id"] == H1


@pytest.mark.parametrize(
    ("notebook", "parameters", "expected"),
    [
        (ACCOUNT_NOTEBOOK, {"account_id": 7}, "'account_id' must be str, not int 7"),
        (ACCOUNT_NOTEBOOK, {"as_of": dt.date(2026, 10, 31)}, "must be a string, number"),
        (ACCOUNT_NOTEBOOK, {"lang": None}, "'lang' must be str, not NoneType None"),
        (ACCOUNT_NOTEBOOK, {"review_bundle": Path("b")}, "not PosixPath"),
        (ACCOUNT_NOTEBOOK, {"__import__": "os"}, "unknown parameter '__import__'"),
        (ACCOUNT_NOTEBOOK, {"account_links": "{}"}, "unknown parameter 'account_links'"),
        (PORTFOLIO_NOTEBOOK, {"account_links": {"A1": "x.html"}}, "must be str, not dict"),
        (PORTFOLIO_NOTEBOOK, {"account_id": "A1"}, "unknown parameter 'account_id'"),
    ],
)
def test_review_notebooks_refuse_unknown_names_and_wrong_types(notebook, parameters, expected):
    with pytest.raises(RenderError, match=re.escape(expected)) as caught:
        check_parameters(notebook, parameters)
    assert caught.value.kind == "invalid_arguments"
    assert "declared parameters: " + ", ".join(DECLARED[notebook]) in str(caught.value)


def test_a_notebook_expecting_other_types_stops_the_batch_before_any_kernel(tmp_path, monkeypatch):
    from acctkit.batch import run as batch
    from acctkit.datasets import generate_tables, write_tables

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was opened")

    monkeypatch.setattr(batch, "open_pool", no_pool)
    notebook = json.loads(ACCOUNT_NOTEBOOK.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if "parameters" in cell["metadata"].get("tags", []):
            source = "".join(cell["source"])
            cell["source"] = source.replace('account_id: str = "A0001"', "account_id: int = 1")
    typed = tmp_path / "typed.ipynb"
    typed.write_text(json.dumps(notebook), encoding="utf-8")
    write_tables(generate_tables(n_accounts=2, months=6, end="2026-10-31", seed=1), tmp_path / "d")
    out = tmp_path / "reports"
    with pytest.raises(ReportError, match=re.escape("'account_id' must be int, not str 'A0001'")):
        run_reports(
            ReportRun(tmp_path / "d", MONTH, out=out, account_notebook=typed, progress=False)
        )
    assert not out.exists()
