"""One source of colours: acctkit.theme, and nothing else writes a colour."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

from acctkit.render import export_html, make_exporter
from acctkit.theme import PAGE_COLOURS, PALETTE

PACKAGE = Path(__file__).parents[1] / "acctkit"

# A hex colour after a quote, a colon or an equals sign (``"#fff"``, ``color:#6f8ba1``,
# ``--accent: #1f5f8b``): issue numbers in comments (``nbclient #348``) do not match.
HEX_COLOUR = re.compile(r"""["':=]\s*#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3,4})\b""")


def test_the_pattern_finds_colours_and_ignores_issue_numbers():
    found = ["'#fff'", '"#6f8ba1"', "color:#c62828;", "  --accent: #1f5f8b;", "fill=#1d2329a0"]
    for text in found:
        assert HEX_COLOUR.search(text), text
    for text in ["(nbclient #348: fds)", "jsonschema #1428", "# fff", "'#ggg'", "var(--page)"]:
        assert not HEX_COLOUR.search(text), text


def test_no_colour_is_written_outside_the_theme():
    files = [
        *(p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "theme.py"),
        *PACKAGE.rglob("*.css"),
        *PACKAGE.rglob("*.j2"),
        *PACKAGE.rglob("*.tpl"),
    ]
    assert PACKAGE / "render" / "templates" / "acctkit" / "static" / "acctkit.css" in files
    found = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HEX_COLOUR.search(line)
    ]
    assert not found, "colours belong in acctkit/theme.py:\n" + "\n".join(found)


def test_the_exported_page_colours_are_the_palette(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("Hello")])
    page = export_html(notebook, tmp_path / "page.html", exporter=make_exporter())
    style = re.search(r"<style[^>]*>(.*?)</style>", page.read_text(encoding="utf-8"), re.S)[1]
    root = re.search(r":root \{(.*?)\}", style, re.S)[1]
    declared = dict(re.findall(r"--([\w-]+): ([^;]+);", root))
    assert declared == {
        "accent": PALETTE["accent"],
        "text": PALETTE["text"],
        "muted": PALETTE["muted"],
        "rule": PALETTE["rule"],
        "zebra": PALETTE["background"],
        "page": PALETTE["white"],
    }
    assert declared == PAGE_COLOURS and list(declared) == list(PAGE_COLOURS)
    rules = style.replace(root, "")
    assert set(re.findall(r"var\(--([\w-]+)\)", rules)) == set(declared)  # each one is used
    assert not HEX_COLOUR.search(rules)
