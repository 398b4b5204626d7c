"""An early-warning model as HTML, what a notebook shows for it (``_repr_html_``).

Built with the tag builder of :mod:`acctkit.markup` (every text escaped); the tables are
pandas' own escaped HTML.
"""

from __future__ import annotations

from markupsafe import Markup

from acctkit.format import number
from acctkit.i18n import labels
from acctkit.markup import tag
from acctkit.theme import PALETTE


def model_html(model, lang: str = "en") -> Markup:
    """An :class:`acctkit.EarlyWarningModel` as HTML: its settings, the hold-out metrics
    against the baselines, the coefficients with odds ratios, and any warning.

    What ``EarlyWarningModel._repr_html_`` shows in a notebook; an unfitted model shows
    its parameters only. Its words are in ``lang`` (English in a notebook).
    """
    words = labels(lang).report
    title = tag("strong", repr(model))
    if not hasattr(model, "pipeline_"):
        before, after = words["model_view.not_fitted"].split("{call}")
        hint = tag("p", [before, tag("code", ".fit(portfolio, as_of)"), after])
        return tag("div", [title, hint])
    facts = words["model_view.facts"].format(
        as_of=model.as_of_.date(),
        horizon=model.horizon_days,
        snapshots=number(model.n_snapshots_, lang),
        holdout=model.holdout_start_.date(),
    )
    metrics = model.metrics_.to_html(float_format=lambda v: f"{v:.3f}", escape=True)
    coefficients = model.coefficients_.to_html(float_format=lambda v: f"{v:.3f}", escape=True)
    parts = [
        title,
        tag("p", facts),
        tag("p", tag("em", words["model_view.metrics"])),
        Markup(metrics),
        tag("p", tag("em", words["model_view.coefficients"])),
        Markup(coefficients),
    ]
    warnings = getattr(model, "warnings_", [])
    if warnings:
        red = f"color:{PALETTE['red']}"
        parts.append(tag("ul", [tag("li", text, style=red) for text in warnings]))
    return tag("div", parts)
