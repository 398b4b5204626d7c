"""What a review page says: the review bundle, and the tables and HTML blocks of its sections.

:func:`build_bundle` computes every table the reports show, for all accounts, once;
:func:`load_account` and :func:`load_tables` read one account's rows or the portfolio's
tables back in a notebook; :mod:`~acctkit.report.sections` turns them into the escaped HTML
blocks each section displays. Nothing here runs a kernel: the review notebooks call these
functions, and :mod:`acctkit.render` runs the notebooks.

Names are imported on first use, so a report kernel pays only for what it uses.
"""

from __future__ import annotations

from acctkit._lazy import lazy_exports

_EXPORTS = {
    "AccountBundle": "acctkit.report.bundle",
    "build_bundle": "acctkit.report.bundle",
    "ensure_bundle": "acctkit.report.bundle",
    "load_account": "acctkit.report.bundle",
    "load_tables": "acctkit.report.bundle",
    "read_meta": "acctkit.report.bundle",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
