"""One review notebook to one HTML page: parameters, execution, failures, export.

:func:`render` checks the parameters (:mod:`~acctkit.render.parameters`), runs the notebook
in a fresh kernel with papermill (:mod:`~acctkit.render.execute`), classifies any failure
(:mod:`~acctkit.render.failures`) and exports the executed notebook with acctkit's offline
template (:mod:`~acctkit.render.export`, ``templates/``). The monthly batch
(:mod:`acctkit.batch`) runs many notebooks with the same parts.

Names are imported on first use: papermill and nbconvert load only when a notebook runs.
"""

from __future__ import annotations

from acctkit._lazy import lazy_exports

_EXPORTS = {
    "RenderResult": "acctkit.render.execute",
    "render": "acctkit.render.execute",
    "check_parameters": "acctkit.render.parameters",
    "export_html": "acctkit.render.export",
    "make_exporter": "acctkit.render.export",
    "classify": "acctkit.render.failures",
    "describe_failure": "acctkit.render.failures",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
