"""The review pack of a date for a whole portfolio: what ``acctkit report`` runs.

:func:`run_reports` takes one checked :class:`ReportRun` (:mod:`~acctkit.batch.options`),
loads the data and builds the review bundle once, renders every account's review in
parallel workers (:mod:`~acctkit.batch.engines`: fresh or warm kernels;
:mod:`~acctkit.batch.executors`: a local pool or Dask), then publishes the month in one
step (:mod:`~acctkit.batch.publish`) with its manifest and index
(:mod:`~acctkit.batch.manifest`, :mod:`~acctkit.batch.record`).

Names are imported on first use.
"""

from __future__ import annotations

from acctkit._lazy import lazy_exports

_EXPORTS = {
    "BatchResult": "acctkit.batch.run",
    "ReportRun": "acctkit.batch.options",
    "run_reports": "acctkit.batch.run",
    "latest_complete_month": "acctkit.batch.options",
    "file_stems": "acctkit.batch.slugs",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
