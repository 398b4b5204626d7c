"""An early-warning model as HTML, what a notebook shows for it (``_repr_html_``).

Built with the tag builder of :mod:`acctkit.markup` (every text escaped); the tables are
pandas' own escaped HTML.
"""

from __future__ import annotations

from markupsafe import Markup

from acctkit.markup import tag
from acctkit.theme import PALETTE


def model_html(model) -> Markup:
    """An :class:`acctkit.EarlyWarningModel` as HTML: its settings, the hold-out metrics
    against the baselines, the coefficients with odds ratios, and any warning.

    What ``EarlyWarningModel._repr_html_`` shows in a notebook; an unfitted model shows
    its parameters only.
    """
    title = tag("strong", repr(model))
    if not hasattr(model, "pipeline_"):
        hint = tag("p", ["Not fitted yet: call ", tag("code", ".fit(portfolio, as_of)"), "."])
        return tag("div", [title, hint])
    facts = (
        f"As of {model.as_of_.date()}, horizon {model.horizon_days} days, "
        f"{model.n_snapshots_:,} snapshots; hold-out from {model.holdout_start_.date()} "
        "(latest 25 % of snapshot dates)."
    )
    metrics = model.metrics_.to_html(float_format=lambda v: f"{v:.3f}", escape=True)
    coefficients = model.coefficients_.to_html(float_format=lambda v: f"{v:.3f}", escape=True)
    parts = [
        title,
        tag("p", facts),
        tag("p", tag("em", "Hold-out evaluation")),
        Markup(metrics),
        tag("p", tag("em", "Coefficients (per standard deviation)")),
        Markup(coefficients),
    ]
    warnings = getattr(model, "warnings_", [])
    if warnings:
        red = f"color:{PALETTE['red']}"
        parts.append(tag("ul", [tag("li", text, style=red) for text in warnings]))
    return tag("div", parts)
