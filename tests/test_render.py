"""acctkit.render: real papermill runs on real kernels, then the HTML is read back.

One module-scoped render of ``account_report.ipynb`` serves most checks; ``trouble.ipynb``
fails on demand (``failure`` = raise, sleep or exit) for the error paths.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import struct
import subprocess
import sys
from fnmatch import fnmatch
from html import unescape
from pathlib import Path

import nbformat
import papermill
import pytest

import acctkit
from acctkit.errors import RenderError, ReportError
from acctkit.render import check_parameters, export_html, make_exporter, render

NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"
REPORT = NOTEBOOKS / "account_report.ipynb"
TROUBLE = NOTEBOOKS / "trouble.ipynb"
HOSTILE_TITLE = '<img src=x onerror="alert(1)"> Acme & Co'
PNG_DATA = re.compile(r'src="data:image/png;base64,([^"]+)"')


@pytest.fixture(scope="module")
def exporter():
    return make_exporter()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, exporter):
    folder = tmp_path_factory.mktemp("report")
    result = render(
        REPORT,
        folder / "007.html",
        {"account_id": "007", "amount_high": 700},
        title=HOSTILE_TITLE,
        subtitle="007 · strategic <key> account",
        date=dt.date(2026, 6, 30),
        label="007",
        exporter=exporter,
    )
    html = result.html.read_text(encoding="utf-8")
    notebook = nbformat.read(result.notebook, as_version=4)
    return result, html, notebook


def _outputs_text(notebook) -> str:
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            texts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(texts)


def _png_width(data: str) -> int:
    header = base64.b64decode(data[:64])
    return struct.unpack(">I", header[16:20])[0]


def test_render_writes_the_report_beside_the_executed_notebook(rendered):
    result, _, _ = rendered
    folder = result.html.parent
    assert result.notebook == folder / "007.ipynb"
    assert sorted(p.name for p in folder.iterdir()) == ["007.html", "007.ipynb"]
    assert result.html_bytes == result.html.stat().st_size
    assert 0 < result.kernel_start_seconds < result.execute_seconds
    assert result.execute_seconds + result.export_seconds <= result.seconds


def test_files_get_the_permissions_of_an_ordinary_file(rendered):
    result, _, _ = rendered
    umask = os.umask(0o022)
    os.umask(umask)
    for path in (result.html, result.notebook):
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_parameters_are_injected_exactly(rendered):
    _, html, notebook = rendered
    injected = next(c for c in notebook.cells if "injected-parameters" in c.metadata.tags)
    assert 'account_id = "007"' in injected.source
    assert "Account 007 (str)" in html
    assert notebook.metadata.papermill.parameters == {"account_id": "007", "amount_high": 700}


def test_the_kernel_runs_on_the_callers_interpreter(rendered):
    _, _, notebook = rendered
    assert f"REMOVED-CELL-MARKER {sys.executable}" in _outputs_text(notebook)


def test_html_has_no_code_prompts_stderr_or_removed_cells(rendered):
    _, html, notebook = rendered
    emitted = _outputs_text(notebook)
    assert "STDERR-MARKER" in emitted and "WARNING-MARKER" in emitted
    for absent in (
        "STDERR-MARKER",
        "WARNING-MARKER",
        "UserWarning",
        "REMOVED-CELL-MARKER",
        "import matplotlib",
        "warnings.warn",
        "plt.subplots",
        "In&nbsp;[",
        "Out[",
        'class="input',
        "prompt",
    ):
        assert absent not in html, absent


def test_html_loads_nothing_from_the_network(rendered):
    _, html, _ = rendered
    lowered = html.lower()
    for absent in ("http://", "https://", "<script", "<link", "@import", "url(", "mathjax"):
        assert absent not in lowered, absent


def test_dollar_amounts_stay_text(rendered):
    _, html, _ = rendered
    assert "between $200 and $700 per seat" in html
    assert "Deal range: $200 and $700" in html


def test_charts_are_embedded_pngs_without_retina(rendered):
    _, html, _ = rendered
    images = PNG_DATA.findall(html)
    assert len(images) == 6
    assert html.count("<img") == 6
    # 7-inch figures at matplotlib's 100 dpi; a retina figure would be about 1400 px.
    assert all(500 < _png_width(data) <= 700 for data in images)


def test_page_with_six_charts_stays_small(rendered):
    result, _, _ = rendered
    assert result.html_bytes < 300_000


def test_header_strings_are_escaped_and_kept_in_the_notebook(rendered):
    _, html, notebook = rendered
    assert notebook.metadata.acctkit.title == HOSTILE_TITLE
    assert notebook.metadata.acctkit.date == "2026-06-30"
    assert "<img src=x" not in html
    title = re.search(r'<h1 class="report-title">(.*?)</h1>', html).group(1)
    assert title.startswith("&lt;img") and unescape(title) == HOSTILE_TITLE
    assert unescape(re.search(r"<title>(.*?)</title>", html).group(1)) == HOSTILE_TITLE
    assert "007 · strategic &lt;key&gt; account" in html
    assert "2026-06-30" in html


def test_dataframe_with_hostile_name_shows_as_text(rendered):
    _, html, _ = rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_export_reuses_one_exporter_and_matches_render(rendered, exporter, tmp_path):
    result, html, _ = rendered
    first = export_html(result.notebook, tmp_path / "a.html", exporter=exporter)
    second = export_html(result.notebook, tmp_path / "b.html", exporter=exporter)
    assert first.read_text(encoding="utf-8") == html == second.read_text(encoding="utf-8")


def test_notebook_error_names_the_section_and_publishes_nothing(tmp_path):
    html = tmp_path / "007.html"
    stale = [html, tmp_path / "007.ipynb"]
    for path in stale:
        path.write_text("last month")
    with pytest.raises(ReportError) as caught:
        render(TROUBLE, html, {"failure": "raise"}, label="007")
    error = caught.value
    assert error.kind == "notebook_error" and not error.retryable
    assert error.section == "Pipeline health"
    assert str(error).startswith("007: trouble.ipynb failed in section 'Pipeline health': ")
    assert "ValueError: pipeline total is negative" in str(error)
    assert not any(path.exists() for path in stale)
    assert error.notebook == tmp_path / "007.failed.ipynb"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["007.failed.ipynb"]
    partial = nbformat.read(error.notebook, as_version=4)
    assert "pipeline total is negative" in str(partial.cells)


def test_a_cell_running_too_long_is_a_timeout(tmp_path):
    with pytest.raises(RenderError) as caught:
        render(TROUBLE, tmp_path / "r.html", {"failure": "sleep"}, timeout=1)
    assert caught.value.kind == "timeout"
    assert caught.value.section == "Pipeline health"
    assert not (tmp_path / "r.html").exists()
    assert (tmp_path / "r.failed.ipynb").exists()


def test_a_kernel_that_dies_is_reported_apart(tmp_path):
    with pytest.raises(RenderError) as caught:
        render(TROUBLE, tmp_path / "r.html", {"failure": "exit"}, label="A2")
    assert caught.value.kind == "kernel_died" and not caught.value.retryable
    assert str(caught.value).startswith("A2: the kernel died")
    assert not (tmp_path / "r.html").exists()


def test_a_kernel_that_cannot_start_is_retryable(tmp_path, monkeypatch):
    spec = tmp_path / "jupyter" / "kernels" / "broken" / "kernel.json"
    spec.parent.mkdir(parents=True)
    argv = [sys.executable, "-c", "raise SystemExit(3)", "{connection_file}"]
    spec.write_text(json.dumps({"argv": argv, "display_name": "broken", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    out = tmp_path / "out"
    with pytest.raises(RenderError) as caught:
        render(TROUBLE, out / "r.html", kernel_name="broken", start_timeout=20)
    assert caught.value.kind == "kernel_start" and caught.value.retryable
    assert caught.value.notebook is None
    assert list(out.iterdir()) == []


def test_ipc_transport_cwd_and_explicit_paths(tmp_path):
    result = render(
        TROUBLE,
        tmp_path / "html" / "trouble {odd}.html",
        {"failure": "none"},
        notebook_out=tmp_path / "audit {month}" / "trouble-007.ipynb",
        transport="ipc",
        cwd=tmp_path,
    )
    assert result.html.exists() and result.notebook.exists()
    assert f"done in {tmp_path.resolve()}" in result.html.read_text(encoding="utf-8")
    assert "<title>trouble {odd}</title>" in result.html.read_text(encoding="utf-8")


def test_unknown_parameter_is_rejected_before_any_kernel_starts(tmp_path, monkeypatch):
    def no_kernel(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(papermill, "execute_notebook", no_kernel)
    html = tmp_path / "007.html"
    html.write_text("last month")
    with pytest.raises(RenderError) as caught:
        render(REPORT, html, {"acount_id": "007"}, label="007")
    assert caught.value.kind == "invalid_arguments"
    assert "unknown parameter 'acount_id'" in str(caught.value)
    assert "account_id, amount_low" in str(caught.value)
    assert html.read_text() == "last month"


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("account_id", 7, "'account_id' must be str, not int 7"),
        ("amount_low", "200", "'amount_low' must be int, not str '200'"),
        ("amount_low", True, "'amount_low' must be int, not bool"),
        ("owner", 5, "'owner' must be str"),
        ("months", ("2026-01",), "not tuple"),
        ("account_id", dt.date(2026, 6, 30), "not date"),
        ("amount_high", float("nan"), "not float"),
    ],
)
def test_parameter_types_are_checked(name, value, expected):
    with pytest.raises(RenderError, match=re.escape(expected)):
        check_parameters(REPORT, {name: value})


def test_valid_parameters_come_back_as_a_dict():
    parameters = {"account_id": "007", "amount_low": 0, "months": ["2026-06"], "owner": "Marc"}
    assert check_parameters(REPORT, parameters) == parameters


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"html_out": "r.pdf"}, "must end with .html"),
        ({"notebook_out": REPORT}, "must not overwrite notebook_in"),
        ({"timeout": 1.5}, "timeout must be a positive whole number"),
        ({"transport": "udp"}, "transport must be 'tcp' or 'ipc'"),
        ({"title": 42}, "title must be a string"),
        ({"date": 20260630}, "date must be a string or a datetime.date"),
        ({"cwd": "/no/such/folder"}, "is not a folder"),
        ({"kernel_name": "acctkit-no-such-kernel"}, "no Jupyter kernel named"),
    ],
)
def test_invalid_arguments_are_rejected(tmp_path, arguments, expected):
    arguments = {"html_out": tmp_path / "r.html", **arguments}
    with pytest.raises(RenderError, match=re.escape(expected)) as caught:
        render(REPORT, **arguments)
    assert caught.value.kind == "invalid_arguments"


def test_importing_the_report_packages_stays_light():
    code = (
        "import sys, acctkit.render, acctkit.render.execute\n"
        "from acctkit.render import render\n"
        "assert render is acctkit.render.execute.render\n"
        "import acctkit.report, acctkit.batch\n"
        "for package in (acctkit.render, acctkit.report, acctkit.batch):\n"
        "    for name in package.__all__:\n"
        "        getattr(package, name)\n"
    )
    light = (
        "import sys, acctkit.report, acctkit.render, acctkit.batch;"
        " print('papermill' in sys.modules, 'nbconvert' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=True).returncode == 0
    output = subprocess.run(
        [sys.executable, "-c", light], check=True, capture_output=True, text=True
    ).stdout
    assert output.split() == ["False", "False"]


def test_template_files_are_package_data():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    package = Path(acctkit.__file__).parent
    pyproject = tomllib.loads((package.parent / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["acctkit"]
    for path in (package / "render" / "templates").rglob("*"):
        if path.is_file():
            relative = path.relative_to(package).as_posix()
            assert any(fnmatch(relative, pattern) for pattern in patterns), relative


def test_source_date_epoch_sets_the_generation_time_of_the_footer(monkeypatch, tmp_path):
    from acctkit.render.export import NotebookPaths, stamp_report

    paths = NotebookPaths(tmp_path / "a.ipynb", tmp_path / "a.html", tmp_path / "b.ipynb")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")  # 2026-09-21 14:13:20 UTC
    notebook = nbformat.v4.new_notebook()
    stamp_report(notebook, paths, title="T", subtitle=None, date="2026-10-31", lang="fr")
    assert notebook.metadata["acctkit"]["footer"].endswith(" le 2026-09-21 14:13 UTC.")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "not a number")  # ignored: the time now
    stamp_report(notebook, paths, title="T", subtitle=None, date="2026-10-31", lang="en")
    year = dt.datetime.now(dt.timezone.utc).year
    assert f" on {year}-" in notebook.metadata["acctkit"]["footer"]


def _papermill_cell_error():
    from papermill.exceptions import PapermillExecutionError

    return PapermillExecutionError(3, 4, "1/0", "ZeroDivisionError", "division by zero", [])


@pytest.mark.parametrize(
    ("make_error", "started", "expected"),
    [
        (_papermill_cell_error, True, "notebook_error"),
        (
            lambda: __import__("nbclient").exceptions.CellExecutionError("tb", "E", "v"),
            True,
            "notebook_error",
        ),
        (lambda: __import__("nbclient").exceptions.CellTimeoutError("slow"), True, "timeout"),
        (lambda: __import__("nbclient").exceptions.DeadKernelError("gone"), True, "kernel_died"),
        (lambda: __import__("nbclient").exceptions.DeadKernelError("gone"), False, "kernel_start"),
        (lambda: RuntimeError("no kernel_info reply"), False, "kernel_start"),
        (lambda: RuntimeError("a bug"), True, None),
        (lambda: __import__("papermill").exceptions.PapermillException("bad path"), False, None),
    ],
)
def test_one_classification_of_failures_for_render_and_the_batch(make_error, started, expected):
    from acctkit.errors import FailureKind
    from acctkit.render.failures import classify

    kind = classify(make_error(), kernel_started=started)
    assert kind == (None if expected is None else FailureKind(expected))
    assert kind is None or kind.value == expected


def test_failure_kinds_are_the_documented_list():
    from acctkit.errors import FailureKind

    assert [kind.value for kind in FailureKind] == [
        "invalid_arguments",
        "kernel_start",
        "notebook_error",
        "timeout",
        "kernel_died",
        "output",
        "worker_died",
        "internal",
    ]
    assert str(FailureKind.TIMEOUT) == "timeout" and f"{FailureKind.OUTPUT}" == "output"
    assert RenderError("x", kind="timeout").kind is FailureKind.TIMEOUT
    assert RenderError("x", kind=FailureKind.KERNEL_START).retryable
