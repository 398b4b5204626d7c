"""An early-warning model as HTML, what a notebook shows for it (``_repr_html_``)."""

from __future__ import annotations

from acctkit.theme import PALETTE


def model_html(model) -> str:
    """An :class:`acctkit.EarlyWarningModel` as HTML: its settings, the hold-out metrics
    against the baselines, the coefficients with odds ratios, and any warning.

    What ``EarlyWarningModel._repr_html_`` shows in a notebook; an unfitted model shows
    its parameters only.
    """
    import html

    title = f"<strong>{html.escape(repr(model))}</strong>"
    if not hasattr(model, "pipeline_"):
        return f"<div>{title}<p>Not fitted yet: call <code>.fit(portfolio, as_of)</code>.</p></div>"
    facts = (
        f"As of {model.as_of_.date()}, horizon {model.horizon_days} days, "
        f"{model.n_snapshots_:,} snapshots; hold-out from {model.holdout_start_.date()} "
        "(latest 25 % of snapshot dates)."
    )
    metrics = model.metrics_.to_html(float_format=lambda v: f"{v:.3f}", escape=True)
    coefficients = model.coefficients_.to_html(float_format=lambda v: f"{v:.3f}", escape=True)
    warnings = "".join(
        f"<li style='color:{PALETTE['red']}'>{html.escape(w)}</li>"
        for w in getattr(model, "warnings_", [])
    )
    return (
        f"<div>{title}<p>{html.escape(facts)}</p>"
        f"<p><em>Hold-out evaluation</em></p>{metrics}"
        f"<p><em>Coefficients (per standard deviation)</em></p>{coefficients}"
        f"{f'<ul>{warnings}</ul>' if warnings else ''}</div>"
    )
