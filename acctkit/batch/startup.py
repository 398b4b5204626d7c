"""Start-up of acctkit's own batch processes: the ``acctkit`` command and its workers.

nbformat validates notebooks with jsonschema, and importing jsonschema imports every format
checker it finds installed. One of them, ``rfc3987_syntax`` (installed with Jupyter), builds
about 35 Earley parsers for IRI syntax at import time: 0.8 to 0.9 s of CPU in every process
that imports nbformat, that is the parent and each worker of a batch (jsonschema #1428).
No notebook schema uses the ``iri`` formats, so the processes acctkit runs as a program
skip that module: the ``acctkit`` command (``acctkit.cli.main``, which a script calling it
also gets) and the local worker processes call :func:`skip_iri_grammars`. Importing acctkit
as a library changes nothing.
"""

from __future__ import annotations

import sys

_SLOW_FORMAT_CHECKERS = ("rfc3987_syntax",)


def skip_iri_grammars() -> None:
    """Make ``import rfc3987_syntax`` fail fast in this process, before jsonschema loads.

    jsonschema then goes without the ``iri`` / ``iri-reference`` format checks, which no
    notebook schema uses. Does nothing once jsonschema is imported (too late to matter) or
    when the module is already loaded.
    """
    if "jsonschema" in sys.modules:
        return
    for name in _SLOW_FORMAT_CHECKERS:
        sys.modules.setdefault(name, None)
