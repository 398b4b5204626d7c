"""A month's report folder: built aside, then swapped in whole.

A run writes everything into ``<out>/.<month>.tmp-<run id>/`` and, once it is complete,
swaps that folder with ``<out>/<month>/`` (one ``renameat2(RENAME_EXCHANGE)`` on Linux,
two renames elsewhere), then deletes the previous month. A reader therefore sees the old
month or the new one, never a mix of two runs, and a run that is killed leaves the
published month as it was plus its own staging folder, which ``--resume`` reuses. Only
``<out>/<month>`` and ``<out>/.<month>.*`` are ever touched: other months are left alone.
Every method must be called by the holder of the output folder's
:class:`~acctkit.batch.lock.RunLock`.

A run publishes exactly its own output: the published month holds the accounts that run
selected and nothing else (a second run with fewer accounts drops the pages of the others;
``--resume`` copies an earlier run's pages in only for accounts it selects, with the same
inputs). File system errors (read-only or full disk) raise
:class:`~acctkit.errors.OutputError` naming the folder.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from acctkit.errors import OutputError

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def new_run_id() -> str:
    """A run id that sorts by start time: ``20261101T093000-1a2b3c``."""
    return f"{dt.datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


class MonthFolder:
    """The published folder of a month and the staging folder of the current run.

    Parameters
    ----------
    out : path
        The output folder, e.g. ``reports``.
    month : str
        ``YYYY-MM``.
    run_id : str
        From :func:`new_run_id`.
    """

    def __init__(self, out: str | os.PathLike, month: str, run_id: str):
        self.out = Path(out)
        self.month = month
        self.run_id = run_id
        self.final = self.out / month
        self.staging = self.out / f".{month}.tmp-{run_id}"

    def recover(self) -> None:
        """Complete the swap of a run killed between its two renames, if any.

        A leftover ``.<month>.old-*`` folder is the previous month: it is put back when the
        month is missing, and deleted otherwise.
        """
        olds = sorted(self.out.glob(f".{self.month}.old-*"))
        if olds and not self.final.exists():
            with _output_errors(self.out):
                os.rename(olds.pop(), self.final)
        for old in olds:
            shutil.rmtree(old, ignore_errors=True)

    def leftovers(self) -> list[Path]:
        """Staging folders of earlier runs of this month that never finished, newest first."""
        folders = [
            path
            for path in self.out.glob(f".{self.month}.tmp-*")
            if path.is_dir() and path != self.staging
        ]
        return sorted(folders, reverse=True)

    def create(self, *subfolders: str) -> Path:
        """Create the staging folder (and ``subfolders`` in it); returns it."""
        with _output_errors(self.out):
            self.staging.mkdir(parents=True)
            for name in subfolders:
                (self.staging / name).mkdir()
        return self.staging

    def discard(self, folders: list[Path]) -> None:
        """Delete staging folders of earlier runs (once their reports are reused)."""
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)

    def publish(self) -> Path:
        """Put the staging folder in place of the month's folder and delete the old one."""
        with _output_errors(self.out):
            if not self.final.exists():
                os.rename(self.staging, self.final)
            elif _exchange(self.staging, self.final):
                shutil.rmtree(self.staging, ignore_errors=True)  # it now holds the old month
            else:
                old = self.out / f".{self.month}.old-{self.run_id}"
                os.rename(self.final, old)
                os.rename(self.staging, self.final)
                shutil.rmtree(old, ignore_errors=True)
        return self.final


def link_or_copy(source: Path, target: Path) -> None:
    """Give ``target`` the content of ``source``: a hard link when possible, else a copy.

    A hard link shares the bytes, so deleting the old month later keeps them; the file is
    complete from the moment its name appears.
    """
    with _output_errors(target.parent):
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
            try:
                shutil.copy2(source, temporary)
                os.replace(temporary, target)
            finally:
                temporary.unlink(missing_ok=True)


@contextmanager
def _output_errors(folder: Path) -> Iterator[None]:
    """Turn an OSError of the file system into an OutputError naming ``folder``."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or str(error)
        raise OutputError(f"cannot write to '{folder}': {reason}") from None


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2``); False when not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False  # a file system or kernel without exchange: two renames instead
    raise OSError(code, os.strerror(code), str(second))
