"""How a batch shows its progress: a bar with ETA on a terminal, log lines otherwise.

On a terminal, a tqdm bar counts the accounts (rate, elapsed time, ETA, failures so far).
Elsewhere (CI logs, cron, a file) plain lines are printed: every failure at once, and a
progress line every twentieth of the batch or every 30 seconds, with an ETA.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from acctkit.batch.engines import ReportOutcome

_LOG_EVERY_SECONDS = 30.0


class Progress:
    """Progress of the account reports of one batch, and its notes.

    Parameters
    ----------
    enabled : bool, optional
        False prints nothing at all.
    stream : file, optional
        Where to write (standard error by default).
    bar : bool, optional
        A tqdm bar; by default when ``stream`` is a terminal.
    """

    def __init__(
        self, *, enabled: bool = True, stream: TextIO | None = None, bar: bool | None = None
    ):
        self.enabled = enabled
        self.stream = stream or sys.stderr
        if bar is None:
            bar = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.bar = bar
        self.total = 0
        self.done = 0
        self.failed = 0
        self._bar = None
        self._started = self._logged_at = time.monotonic()
        self._logged_count = 0

    def start(self, total: int) -> None:
        """Start counting ``total`` reports."""
        self.total, self.done, self.failed = total, 0, 0
        self._started = self._logged_at = time.monotonic()
        self._logged_count = 0
        if self.enabled and self.bar and total:
            from tqdm.auto import tqdm

            self._bar = tqdm(total=total, unit="report", file=self.stream, dynamic_ncols=True)

    def note(self, message: str) -> None:
        """Print one line without breaking the bar."""
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.write(message, file=self.stream)
        else:
            print(message, file=self.stream, flush=True)

    def summary(self, *lines: str) -> None:
        """The run's final lines, on standard output: the result of the command."""
        if self.enabled:
            for line in lines:
                print(line, flush=True)

    def advance(self, outcome: ReportOutcome) -> None:
        """Count one finished report; failures are printed at once."""
        self.done += outcome.ok
        self.failed += not outcome.ok
        if not outcome.ok:
            self.note(f"failed: {outcome.label}: {outcome.error}")
        if self._bar is not None:
            self._bar.update(1)
            if self.failed:
                self._bar.set_postfix(failed=self.failed, refresh=False)
        elif self.enabled:
            self._log_line()

    def _log_line(self) -> None:
        count = self.done + self.failed
        now = time.monotonic()
        step = max(1, self.total // 20)
        due = count - self._logged_count >= step or now - self._logged_at >= _LOG_EVERY_SECONDS
        if not (due or count == self.total):
            return
        elapsed = now - self._started
        eta = elapsed / count * (self.total - count) if count else 0.0
        print(
            f"[{count}/{self.total}] {self.failed} failed, {elapsed:.0f} s elapsed, "
            f"ETA {_duration(eta)}",
            file=self.stream,
            flush=True,
        )
        self._logged_at, self._logged_count = now, count

    def close(self) -> None:
        """Close the bar, if any."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"
