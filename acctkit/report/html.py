"""The review sections' HTML pieces: badges, tables, the blocks' stylesheet.

Built with the tag builder of :mod:`acctkit.markup` (re-exported here: ``tag``, ``join``,
``escape``, ``link``, ``block``, ``document``, ``Html``), so every piece of text from the
data is escaped.

The stylesheet (:func:`stylesheet`) styles the blocks (``ak-`` classes) on top of the
report template's own CSS, in the colours of :mod:`acctkit.theme`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from string import Template

from markupsafe import Markup

from acctkit.markup import Html, block, document, escape, join, link, tag
from acctkit.theme import BAND_COLOURS, PALETTE, RISK_COLOURS, SEGMENT_COLOURS

__all__ = [
    "Html",
    "badge",
    "block",
    "document",
    "escape",
    "join",
    "link",
    "stylesheet",
    "table",
    "tag",
]


def badge(text, kind: str) -> Markup:
    """A coloured label: ``kind`` is a band (``green``...), a risk band (``low``...), a
    severity, a segment or an action state; the text always says what the colour says."""
    return tag("span", text, f"ak-badge ak-{kind}")


def table(
    headers: Sequence,
    rows: Iterable[Sequence],
    *,
    text_columns: Iterable[int] = (0,),
    classes: str | None = None,
    row_classes: Sequence[str | None] | None = None,
    caption=None,
) -> Markup:
    """A table: ``headers`` and ``rows`` of cells (texts or markup fragments).

    Columns in ``text_columns`` are left-aligned (class ``text``); the others, numbers,
    are right-aligned by the report stylesheet.
    """
    left = set(text_columns)

    def cells(values, cell):
        return [tag(cell, value, "text" if i in left else None) for i, value in enumerate(values)]

    rows = list(rows)
    row_classes = list(row_classes or [None] * len(rows))
    body = [tag("tr", cells(row, "td"), css) for row, css in zip(rows, row_classes, strict=True)]
    parts = [tag("caption", caption)] if caption is not None else []
    parts += [tag("thead", tag("tr", cells(headers, "th"))), tag("tbody", body)]
    return tag("table", parts, classes)


def stylesheet() -> Markup:
    """The ``<style>`` element of the review blocks, in the report palette."""
    return tag("style", Markup(_css()))


def _css() -> str:
    p = PALETTE
    white = p["white"]
    badges = "".join(
        f".ak-badge.ak-{name}{{background:{colour};"
        f"color:{p['text'] if colour == p['amber'] else white}}}"
        for name, colour in {**BAND_COLOURS, **RISK_COLOURS}.items()
    )
    tiles = "".join(
        f".ak-tile.ak-{name}{{border-top-color:{colour}}}" for name, colour in BAND_COLOURS.items()
    )
    segments = SEGMENT_COLOURS
    extra = {
        "invest": (segments["invest"], white),
        "maintain": (segments["maintain"], white),
        "deprioritize": (segments["deprioritize"], p["text"]),
        "unrated": (white, p["muted"]),
        "overdue": (p["red"], white),
        "open": (p["background"], p["text"]),
        "done": (p["green"], white),
        "none": (white, p["muted"]),
        "stale": (p["amber"], p["text"]),
        "notice": (p["accent_light"], p["text"]),
    }
    badges += "".join(
        f".ak-badge.ak-{name}{{background:{bg};color:{fg}}}" for name, (bg, fg) in extra.items()
    )
    return _CSS.substitute(p) + badges + tiles


_CSS = Template(
    """
.ak-card{border:1px solid $rule;border-radius:6px;padding:.8rem 1.1rem;margin:.6rem 0 1rem}
.ak-name{margin:0 0 .3rem;font-size:1.3rem;font-weight:700;line-height:1.25}
.ak-facts{display:flex;flex-wrap:wrap;gap:.2rem 1.6rem;margin:0;font-size:13.5px}
.ak-facts div{display:flex;gap:.35rem}
.ak-facts dt{color:$muted}
.ak-facts dd{margin:0;font-weight:600}
.ak-tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.7rem;
margin:.8rem 0}
.ak-tile{border:1px solid $rule;border-top:5px solid $rule;border-radius:4px;
padding:.5rem .75rem .55rem;break-inside:avoid}
.ak-tile-name{color:$muted;font-size:12.5px;font-weight:600}
.ak-tile-value{display:flex;align-items:center;gap:.55rem;font-size:1.75rem;font-weight:700;
line-height:1.3}
.ak-tile-change{color:$muted;font-size:12.5px}
.ak-verdict{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 2.2rem;margin:.2rem 0}
.ak-verdict>div{display:flex;flex-wrap:wrap;align-items:center;gap:.45rem}
.ak-label{color:$muted;font-size:12px;font-weight:600;letter-spacing:.04em;
text-transform:uppercase}
.ak-big{font-size:1.15rem;font-weight:700}
.ak-note{color:$muted;font-size:13px}
.ak-badge{display:inline-block;padding:.05rem .55rem;border:1px solid rgba(0,0,0,.12);
border-radius:999px;font-size:12px;font-weight:600;line-height:1.45;white-space:nowrap;
vertical-align:middle}
.ak-better{color:$green}
.ak-worse{color:$red}
.ak-neutral{color:$muted}
.ak-chg{white-space:nowrap}
.ak-cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:0 1.2rem}
.ak-cols table{width:100%}
.ak-cols th,.ak-cols td{padding:.28rem .42rem;font-size:12.5px}
.ak-compact th,.ak-compact td{padding:.28rem .3rem;font-size:12px}
.ak-compact .ak-badge{padding:0 .4rem;font-size:11px}
.ak-compact thead th{white-space:normal;vertical-align:bottom}
.ak-compact td{vertical-align:middle}
.ak-compact td.text:nth-child(2){min-width:9rem}
.ak-cols caption{padding:.2rem 0 .35rem;text-align:left;font-weight:700;color:$text}
.ak-nw{white-space:nowrap}
table.ak-wide{width:100%}
table.ak-kpis td:first-child{width:45%}
.ak-total td{border-top:1px solid $rule;font-weight:700}
.ak-strong td{font-weight:700}
td.ak-wrap{white-space:normal;min-width:14rem}
.ak-h3{margin:1.3rem 0 .4rem;font-size:1.05rem}
.ak-override{border-left:4px solid $accent;background:$background;padding:.4rem .8rem;
margin:.5rem 0;font-size:13.5px}
.ak-override-expired{border-left:4px solid $rule;padding:.3rem .8rem;margin:.5rem 0}
tr.ak-stale td{background:$background}
""".replace("\n", "")
)
