"""Small HTML builders for the review sections: every piece of text is escaped.

A fragment built here is a :class:`Safe` string; anything else given to :func:`tag` or
:func:`table` (names, titles, messages from the CRM) is escaped with :func:`html.escape`.
Nothing here formats f-strings of raw user text into markup.

The stylesheet (:func:`stylesheet`) styles the blocks (``ak-`` classes) on top of the
report template's own CSS, with the band colours of :data:`acctkit.theme.PALETTE`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from string import Template

from acctkit.theme import BAND_COLOURS, PALETTE, RISK_COLOURS


class Html(str):
    """A block of HTML built by :mod:`acctkit.report.sections`, shown as HTML in a notebook.

    It is a plain ``str`` for everything else (tests, files). An empty block shows nothing.
    """

    def _repr_html_(self) -> str | None:
        return str(self) or None

    def _ipython_display_(self) -> None:
        if self:
            from IPython.display import HTML, display

            display(HTML(str(self)))


class Safe(str):
    """HTML built by this module from escaped parts: not escaped again."""


def escape(value) -> Safe:
    """``value`` as HTML text (``&``, ``<``, ``>`` escaped), unless it is already
    :class:`Safe` or an :class:`Html` block (which :func:`block` builds
    from safe parts)."""
    if isinstance(value, Safe):
        return value
    if isinstance(value, Html):
        return Safe(value)
    return Safe(html.escape("" if value is None else str(value), quote=False))


def _attribute(value) -> str:
    """An attribute value: quotes escaped too (it sits between double quotes)."""
    return html.escape(str(value), quote=True)


def tag(name: str, content="", classes: str | None = None, **attributes) -> Safe:
    """``<name class=... attributes>content</name>``, attribute values and content escaped.

    An attribute named with a trailing underscore (``for_``) loses it.
    """
    attrs = "".join(
        f' {key.rstrip("_")}="{_attribute(value)}"'
        for key, value in (("class", classes), *attributes.items())
        if value is not None
    )
    return Safe(f"<{name}{attrs}>{join(_as_list(content))}</{name}>")


def join(parts: Iterable, separator: str = "") -> Safe:
    """Fragments and texts joined into one fragment (texts escaped)."""
    return Safe(separator.join(escape(part) for part in parts))


def badge(text, kind: str) -> Safe:
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
) -> Safe:
    """A table: ``headers`` and ``rows`` of cells (text or :class:`Safe` fragments).

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


def link(text, href: str | None) -> Safe:
    """``text`` as a link to ``href`` (escaped), or plain text when there is no href."""
    return tag("a", text, href=href) if href else escape(text)


def block(*parts) -> Html:
    """The parts as one HTML block a notebook displays."""
    return Html(join(parts))


def stylesheet() -> Safe:
    """The ``<style>`` element of the review blocks, in the report palette."""
    return Safe(f"<style>{_css()}</style>")


def _as_list(content) -> list:
    if isinstance(content, (list, tuple)):
        return list(content)
    return [content]


def _css() -> str:
    p = PALETTE
    colours = {**BAND_COLOURS, **RISK_COLOURS, "high": p["red"], "medium": p["amber"]}
    dark_text = {p["amber"]}
    badges = "".join(
        f".ak-badge.ak-{name}{{background:{colour};"
        f"color:{p['text'] if colour in dark_text else '#fff'}}}"
        for name, colour in colours.items()
    )
    tiles = "".join(
        f".ak-tile.ak-{name}{{border-top-color:{colour}}}" for name, colour in BAND_COLOURS.items()
    )
    extra = {
        "invest": (p["accent"], "#fff"),
        "maintain": ("#6f8ba1", "#fff"),
        "deprioritize": (p["rule"], p["text"]),
        "unrated": ("#fff", p["muted"]),
        "overdue": (p["red"], "#fff"),
        "open": (p["background"], p["text"]),
        "done": (p["green"], "#fff"),
        "none": ("#fff", p["muted"]),
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
""".replace("\n", "")
)
