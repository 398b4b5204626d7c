"""The report's look in one place: colours and chart sizes.

Charts (:mod:`acctkit.plots`), the HTML blocks of the review sections
(:mod:`acctkit.report.html`), the notebook tables (:mod:`acctkit.display`) and the page
stylesheet (``render/templates/acctkit/static/acctkit.css``, whose ``:root`` colours are
written from :data:`PALETTE` at export) all take their colours from here. Plain data: no
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
    "green": "#2e7d32",
    "amber": "#e69f00",
    "red": "#c62828",
    "grey": "#9aa3ab",
}
"""The report colours. ``accent``, ``text``, ``muted`` and ``rule`` are the stylesheet's."""

BAND_COLOURS = {"green": PALETTE["green"], "amber": PALETTE["amber"], "red": PALETTE["red"]}
RISK_COLOURS = {"low": PALETTE["green"], "medium": PALETTE["amber"], "high": PALETTE["red"]}
ZONE_COLOURS = {"deprioritize": "#f6f7f8", "maintain": "#e9eff4", "invest": "#d6e5f0"}
"""Background tints of the recommendation zones of the portfolio matrix (not band colours)."""

DPI = 100
WIDTH = 8.2  # inches: 820 px, most of the report's text column (930 px)
