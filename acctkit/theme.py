"""The report's look in one place: colours and chart sizes.

Charts (:mod:`acctkit.plots`, :mod:`acctkit.exploration`), the HTML blocks of the review
sections (:mod:`acctkit.report.html`), the notebook tables (:mod:`acctkit.display`) and the
page stylesheet (``render/templates/acctkit/static/acctkit.css``, whose ``:root`` is
written from :data:`PAGE_COLOURS` at export) all take their colours from here, and no other
file of the package writes a colour literal (``tests/test_theme.py`` checks). Plain data: no
matplotlib, no HTML.
"""

from __future__ import annotations

PALETTE = {
    "accent": "#1f5f8b",
    "accent_light": "#a9c8df",
    "text": "#1d2329",
    "muted": "#5c6770",
    "rule": "#d8dde2",
    "background": "#f4f6f8",
    "white": "#fff",
    "green": "#2e7d32",
    "green_light": "#dcefdc",
    "amber": "#e69f00",
    "red": "#c62828",
    "red_light": "#f6d6d6",
    "grey": "#9aa3ab",
}
"""The report colours. ``accent``, ``text``, ``muted``, ``rule``, ``background`` and
``white`` are the page's too (:data:`PAGE_COLOURS`)."""

BAND_COLOURS = {"green": PALETTE["green"], "amber": PALETTE["amber"], "red": PALETTE["red"]}
RISK_COLOURS = {"low": PALETTE["green"], "medium": PALETTE["amber"], "high": PALETTE["red"]}
SEGMENT_COLOURS = {
    "invest": PALETTE["accent"],
    "maintain": "#6f8ba1",
    "deprioritize": PALETTE["rule"],
}
"""Badge colours of the recommendations (the HTML blocks)."""
ZONE_COLOURS = {"deprioritize": "#f6f7f8", "maintain": "#e9eff4", "invest": "#d6e5f0"}
"""Background tints of the recommendation zones of the portfolio matrix (not band colours)."""

PAGE_COLOURS = {
    "accent": PALETTE["accent"],
    "text": PALETTE["text"],
    "muted": PALETTE["muted"],
    "rule": PALETTE["rule"],
    "zebra": PALETTE["background"],
    "page": PALETTE["white"],
}
"""The page stylesheet's custom properties (``--accent``: accent...), in the order of its
``:root``; its rules use only ``var(--name)``. ``zebra`` shades every other table row."""

DPI = 100
WIDTH = 8.2  # inches: 820 px, most of the report's text column (930 px)

WHITESPACE_COLOURS = {
    "won": PALETTE["green_light"],
    "open": PALETTE["accent_light"],
    "lost": PALETTE["red_light"],
    "empty": PALETTE["white"],
}
"""Cell backgrounds of the whitespace map (each cell also says its status in a symbol and
a word: the colours are never the only cue)."""
HEAT_COLOURS = ("#ffffff", "#e3edf5", "#c3d8e9", "#93b9d6", "#5f94bd", "#1f5f8b")
"""Steps of the product penetration heat map, from 0 % to 100 % (each cell prints its
percentage too). The last two steps take white text."""
