"""The tag builder: HTML built from pieces, every piece of text escaped.

Everything built here is :class:`markupsafe.Markup`, the safe-string type of Jinja and its
templates: a ``Markup`` (or anything with ``__html__``) goes in as it is, and anything else
given to :func:`tag` (names, titles, messages from the CRM) is escaped. Text between tags is
escaped as :func:`html.escape` with ``quote=False`` does (``&``, ``<``, ``>``; quotes are
harmless there and stay readable in the page source); attribute values with
:func:`markupsafe.escape`, quotes included. The whole package builds its HTML with these
builders (:mod:`acctkit.report.html` adds the report's badges, tables and stylesheet) or
with Jinja templates. Plain text in, markup out: no report, theme or matplotlib imports.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from markupsafe import Markup
from markupsafe import escape as escape_attribute

# Elements without content or end tag.
_VOID_ELEMENTS = frozenset({"br", "hr", "img", "meta"})


class Html(Markup):
    """A block of HTML (a report section, a model), shown as HTML in a notebook.

    It is :class:`~markupsafe.Markup` for everything else (Jinja, tests, files). An empty
    block shows nothing.
    """

    __slots__ = ()

    def _repr_html_(self) -> str | None:
        return str(self) or None

    def _ipython_display_(self) -> None:
        if self:
            from IPython.display import HTML, display

            display(HTML(str(self)))


def escape(value) -> Markup:
    """``value`` as HTML text (``&``, ``<``, ``>`` escaped; ``None`` is empty), unless it is
    already markup (:class:`~markupsafe.Markup`, an :class:`Html` block)."""
    if hasattr(value, "__html__"):
        return Markup(value)
    return Markup(html.escape("" if value is None else str(value), quote=False))


def tag(name: str, content="", classes: str | None = None, **attributes) -> Markup:
    """``<name class=... attributes>content</name>``, attribute values and content escaped.

    An attribute named with a trailing underscore (``for_``) loses it; an attribute whose
    value is ``None`` is left out. A void element (``meta``, ``img``...) has no content.
    """
    attrs = "".join(
        f' {key.rstrip("_")}="{escape_attribute(str(value))}"'
        for key, value in (("class", classes), *attributes.items())
        if value is not None
    )
    if name in _VOID_ELEMENTS:
        return Markup(f"<{name}{attrs}>")
    return Markup(f"<{name}{attrs}>{join(_as_list(content))}</{name}>")


def join(parts: Iterable, separator="") -> Markup:
    """Fragments and texts joined into one fragment (texts escaped)."""
    return escape(separator).join(escape(part) for part in parts)


def link(text, href: str | None) -> Markup:
    """``text`` as a link to ``href`` (escaped), or plain text when there is no href."""
    return tag("a", text, href=href) if href else escape(text)


def block(*parts) -> Html:
    """The parts as one HTML block a notebook displays."""
    return Html(join(parts))


def document(title, body, lang: str = "en") -> Markup:
    """A whole page (``<!DOCTYPE html>``, then ``<html>`` with its head and ``body``, then a
    line end) titled ``title``, in UTF-8."""
    head = tag("head", [tag("meta", charset="utf-8"), tag("title", title)])
    page = tag("html", [head, tag("body", body)], lang=lang)
    return join([Markup("<!DOCTYPE html>\n"), page, Markup("\n")])


def _as_list(content) -> list:
    if isinstance(content, (list, tuple)):
        return list(content)
    return [content]
