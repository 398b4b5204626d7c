"""Turn an executed notebook into the self-contained HTML page of a review report.

:func:`make_exporter` builds nbconvert's :class:`~nbconvert.exporters.HTMLExporter` on
acctkit's own template (no code, no prompts, no stderr, nothing loaded from the network);
:func:`stamp_report` records the header and footer the template shows; :func:`export_html`
writes the page atomically.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

from acctkit import __version__
from acctkit.i18n import labels, languages
from acctkit.outputs import write_bytes_atomic
from acctkit.theme import PAGE_COLOURS

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_NAME = "acctkit"

#: Cells with one of these tags are left out of the HTML (they stay in the executed notebook).
REMOVE_CELL_TAGS = frozenset(
    {"remove", "remove-cell", "parameters", "injected-parameters", "papermill-error-cell-tag"}
)
#: Cells with this tag keep their place in the HTML, without their outputs.
REMOVE_OUTPUT_TAGS = frozenset({"remove-output"})

# Outputs a customer-facing report never shows; scripts would also need the network.
_SCRIPT_MIMETYPES = ("application/javascript", "application/vnd.jupyter.widget-view+json")


@dataclass(frozen=True)
class NotebookPaths:
    source: Path
    html: Path
    notebook: Path

    @property
    def failed(self) -> Path:
        return self.notebook.with_name(f"{self.notebook.stem}.failed.ipynb")


class _ReportOutputs(Preprocessor):
    """Drop the outputs a report never shows: stderr (warnings, logs), errors, scripts."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.outputs = [output for output in cell.outputs if _keep_output(output)]
        return cell, resources


class _PageColours(Preprocessor):
    """Give the template the page colours of :mod:`acctkit.theme` (``page_colours``): the
    stylesheet's ``:root`` is written from them (``templates/acctkit/static/acctkit.css``)."""

    def preprocess(self, nb, resources):
        resources["page_colours"] = dict(PAGE_COLOURS)
        return nb, resources


def _keep_output(output) -> bool:
    if output.output_type == "error":
        return False
    if output.output_type == "stream":
        return output.name == "stdout"
    for mimetype in _SCRIPT_MIMETYPES:
        output.get("data", {}).pop(mimetype, None)
    return bool(output.get("data"))


def make_exporter() -> HTMLExporter:
    """Build the HTML exporter of review reports; build it once and reuse it.

    Its first export compiles the template (about 0.25 s); later ones take about 20 ms for a
    report with six charts, so a worker that renders many reports passes the same exporter to
    every :func:`render` call.

    Returns
    -------
    nbconvert.HTMLExporter
        acctkit's template, without inputs, prompts, anchor links, stderr, errors and
        script outputs; cells tagged ``remove`` (or ``remove-cell``) are dropped and cells
        tagged ``remove-output`` lose their outputs. The page's colours are those of
        :data:`acctkit.theme.PAGE_COLOURS`.
    """
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    config.TagRemovePreprocessor.remove_all_outputs_tags = set(REMOVE_OUTPUT_TAGS)
    exporter = HTMLExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
    )
    exporter.register_preprocessor(_ReportOutputs(), enabled=True)
    exporter.register_preprocessor(_PageColours(), enabled=True)
    return exporter


def export_html(
    notebook: nbformat.NotebookNode | str | os.PathLike,
    html_out: str | os.PathLike,
    *,
    exporter: HTMLExporter | None = None,
) -> Path:
    """Convert an executed notebook to the report HTML, written atomically.

    Parameters
    ----------
    notebook : NotebookNode or path
        An executed notebook; its ``metadata.acctkit`` gives the header (see :func:`render`).
    html_out : path
        The HTML file to write (replaced in one step: readers never see half a file).
    exporter : nbconvert.HTMLExporter, optional
        From :func:`make_exporter`; a new one is built when omitted.

    Returns
    -------
    pathlib.Path
        ``html_out``.
    """
    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(notebook, as_version=4)
    html_out = Path(html_out)
    exporter = exporter or make_exporter()
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": html_out.stem}})
    write_bytes_atomic(html_out, body.encode("utf-8"))
    return html_out


def stamp_report(nb, paths: NotebookPaths, *, title, subtitle, date, lang=None, back=None) -> None:
    """Record the report header, language and footer, and the final notebook path, in the
    executed notebook (the template reads them from ``metadata.acctkit``).

    ``back`` is an optional ``(relative link, text)`` shown above the title: the batch's
    account pages link back to the month's index with it."""
    report = dict(nb.metadata.get("acctkit", {}))
    if back is not None:
        report["back"] = {"href": back[0], "text": back[1]}
    report["title"] = title or report.get("title") or paths.html.stem
    if subtitle is not None:
        report["subtitle"] = subtitle
    if isinstance(date, dt.date):
        date = date.isoformat()
    report["date"] = date or report.get("date") or dt.date.today().isoformat()
    report["generated"] = _generated_at().strftime("%Y-%m-%d %H:%M UTC")
    report["version"] = __version__
    report["lang"] = lang if lang in languages() else "en"
    footer = labels(report["lang"]).footer["generated"]
    report["footer"] = footer.format(version=__version__, generated=report["generated"])
    nb.metadata["acctkit"] = report
    nb.metadata.setdefault("papermill", {})["output_path"] = str(paths.notebook)


def _generated_at() -> dt.datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` (seconds since 1970, the reproducible-builds
    convention) when it is set: then two runs write byte-identical pages."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc)
