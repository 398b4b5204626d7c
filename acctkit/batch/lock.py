"""One report run at a time per output folder: an OS lock, with the holder named.

The lock is an advisory lock of the operating system on ``<out>/.acctkit-report.lock``
(``fcntl.flock`` on Linux and macOS, ``msvcrt.locking`` on Windows). The system releases it
when the holding process ends, however it ends (even ``kill -9``), so a lock can never be
left behind: a lock file whose process is gone is stale and the next run simply takes it
over. The file itself records who holds the lock (pid, host, start time, command) so that a
second run can say which run it waits for.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
from pathlib import Path

from acctkit.errors import OutputError, ReportError

LOCK_FILE = ".acctkit-report.lock"

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class RunLock:
    """An exclusive lock on an output folder for the length of one report run.

    Parameters
    ----------
    folder : path
        The output folder (``reports``); created if needed.

    Attributes
    ----------
    stale : dict or None
        After :meth:`acquire`: the holder recorded by an earlier run that ended without
        releasing the lock (killed), whose lock was taken over; None otherwise.

    Examples
    --------
    >>> with RunLock("reports"):  # doctest: +SKIP
    ...     ...  # build reports/2026-10
    """

    def __init__(self, folder: str | os.PathLike):
        self.path = Path(folder) / LOCK_FILE
        self.stale: dict | None = None
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        """Take the lock, or fail at once naming the run that holds it.

        Raises
        ------
        ReportError
            Another run holds the lock (its pid, host and start time are in the message).
        OutputError
            The output folder cannot be written (read-only, full, not allowed).
        """
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise OutputError(_unwritable_message(self.path, error)) from None
        if not _try_lock(fd):
            holder = _read_holder(fd)
            os.close(fd)
            raise ReportError(_locked_message(self.path.parent, holder))
        self.stale = _read_holder(fd)
        record = json.dumps(_holder_record()).encode()
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            os.truncate(fd, 0)
            os.write(fd, record)
            os.fsync(fd)
        except OSError as error:  # a full disk: not even the holder's few bytes fit
            _unlock(fd)
            os.close(fd)
            raise OutputError(_unwritable_message(self.path, error)) from None
        self._fd = fd
        return self

    def release(self) -> None:
        """Let the next run in; the file stays (removing it would race with a new run)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.truncate(fd, 0)
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *_exc) -> None:
        self.release()


def _holder_record() -> dict:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
    }


def _read_holder(fd: int) -> dict | None:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 65536)
    try:
        holder = json.loads(text)
    except ValueError:
        return None
    return holder if isinstance(holder, dict) else None


def _unwritable_message(path: Path, error: OSError) -> str:
    return (
        f"cannot write to the output folder '{path.parent}': {error.strerror or error} "
        f"(while writing its lock file {path.name})"
    )


def _locked_message(folder: Path, holder: dict | None) -> str:
    if holder is None:
        who = "another acctkit report run"
    else:
        who = (
            f"another acctkit report run (pid {holder.get('pid')} on {holder.get('host')}, "
            f"started {holder.get('started')})"
        )
    return (
        f"{who} is writing to {folder}; wait for it to finish or stop it, "
        "or write to another --out folder"
    )
