"""The monthly pack's group pages, rendered straight from the review bundle.

A group page needs no kernel: its blocks (:mod:`acctkit.report.groups`) are built in this
process from the bundle's tables, put as outputs into a notebook that is never executed,
and exported with the reports' own template (:func:`acctkit.render.export.make_exporter`),
so the page looks like the others: same header, back link, footer and stylesheet. The
bundle's tables are read once for all the groups; a page costs a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import nbformat

from acctkit.i18n import labels
from acctkit.render.export import NotebookPaths, export_html, make_exporter, stamp_report
from acctkit.report import groups as group_blocks
from acctkit.report import load_tables

SECTIONS = ("header", "kpis", "entities", "coverage", "whitespace")


def group_page_notebook(
    tables: Mapping, group_id: str, lang: str = "en", entity_links: Mapping | None = None
) -> nbformat.NotebookNode:
    """An (unexecuted) notebook whose cells hold the group page's blocks as HTML outputs."""
    blocks = [
        group_blocks.group_header(tables, group_id, lang),
        group_blocks.group_kpi_table(tables, group_id, lang),
        group_blocks.entities_table(tables, group_id, lang, entity_links),
        group_blocks.coverage_table(tables, group_id, lang),
        group_blocks.group_whitespace(tables, group_id, lang),
    ]
    html = "".join(str(part._repr_html_()) for part in blocks)
    output = {"output_type": "display_data", "data": {"text/html": html}, "metadata": {}}
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": "group-page",
        "metadata": {},
        "outputs": [output],
        "source": "",
    }
    # built as plain dicts: nbformat's validation of every new node costs more than the page
    return nbformat.from_dict({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def write_group_pages(
    bundle: str | Path,
    out: str | Path,
    pages: Mapping[str, str],
    *,
    lang: str = "en",
    date: str = "",
    back: tuple[str, str] | None = None,
    entity_links: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write one page per group.

    Parameters
    ----------
    bundle
        The review bundle folder.
    out
        The month folder: ``pages`` are relative to it.
    pages
        Group id -> page path relative to ``out`` (``groups/<file>.html``).
    lang, date
        The pages' language and the review date as shown in the header.
    back
        ``(relative link, text)`` above the title: the portfolio page.
    entity_links
        Account id -> the entity's page, relative to the group page (``../accounts/...``);
        entities without a page (not selected, or failed) are not linked.

    Returns
    -------
    list of Path
        The pages written.
    """
    if not pages:
        return []
    tables = load_tables(bundle, group_blocks.GROUP_TABLES)
    names = tables["groups"].set_index(tables["groups"]["group_id"].astype(str))["name"]
    title = labels(lang).report["group.title"]
    exporter = make_exporter()
    written = []
    for group_id, page in pages.items():
        html = Path(out) / page
        nb = group_page_notebook(tables, group_id, lang, entity_links)
        name = names.get(str(group_id))
        paths = NotebookPaths(source=html, html=html, notebook=html.with_suffix(".ipynb"))
        stamp_report(
            nb,
            paths,
            title=title.format(name=name if isinstance(name, str) else group_id),
            subtitle=str(group_id),
            date=date,
            lang=lang,
            back=back,
        )
        html.parent.mkdir(parents=True, exist_ok=True)
        written.append(export_html(nb, html, exporter=exporter))
    return written


def selected_groups(bundle: str | Path, account_ids: Iterable[str]) -> list[str]:
    """The groups a report on ``account_ids`` shows: every group holding one of them."""
    from acctkit.kpis.groups import groups_of_accounts

    members = load_tables(bundle, ["group_members"])["group_members"]
    members = members.astype({"group_id": str, "account_id": str})
    return groups_of_accounts(members, [str(a) for a in account_ids])
