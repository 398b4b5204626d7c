"""The start of a local worker process: light, so it runs before the heavy imports.

A spawned worker imports this module to run :func:`start_local_worker`, and only then
imports :mod:`acctkit.batch.engines` (papermill, nbformat, nbconvert) for its first job.
"""

from __future__ import annotations

import os
import threading
import time
from multiprocessing import util

from acctkit.batch.startup import skip_iri_grammars

PARENT_POLL_SECONDS = 0.5


def start_local_worker(parent_pid: int) -> None:
    """Initializer of a local worker: stop kernels at exit, and die with the parent."""
    skip_iri_grammars()
    from acctkit.batch.engines import close_workers

    util.Finalize(None, close_workers, exitpriority=10)
    watcher = threading.Thread(
        target=_watch_parent, args=(parent_pid,), name="acctkit-parent-watch", daemon=True
    )
    watcher.start()


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_SECONDS)
    from acctkit.batch.engines import kill_kernels

    kill_kernels()
    os._exit(1)
