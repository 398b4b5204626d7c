"""Monthly review reports: run the review notebooks and publish them as HTML.

Names are imported on first use: a report kernel that imports ``acctkit.review`` does not
pay the second that papermill and nbconvert take to import.
"""

from __future__ import annotations

from acctkit._lazy import lazy_exports

_EXPORTS = {
    "RenderError": "acctkit.review.rendering",
    "RenderResult": "acctkit.review.rendering",
    "AccountBundle": "acctkit.review.bundle",
    "build_bundle": "acctkit.review.bundle",
    "ensure_bundle": "acctkit.review.bundle",
    "load_account": "acctkit.review.bundle",
    "load_tables": "acctkit.review.bundle",
    "read_meta": "acctkit.review.bundle",
    "check_parameters": "acctkit.review.rendering",
    "export_html": "acctkit.review.rendering",
    "make_exporter": "acctkit.review.rendering",
    "render": "acctkit.review.rendering",
    "BatchResult": "acctkit.review.batch",
    "run_reports": "acctkit.review.batch",
    "latest_complete_month": "acctkit.review.plan",
    "file_stems": "acctkit.review.slugs",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
