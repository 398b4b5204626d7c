"""What a run did, account by account: the entries of ``manifest.json``.

A :class:`RunRecord` holds one entry per selected account (its files, the parameters of its
notebook, its status, time and error) and the portfolio review's entry. The batch saves it
into the staging folder as the run goes, at most once a second, so that a run killed midway
leaves a manifest saying which reports are complete; ``--resume`` reuses exactly those.
"""

from __future__ import annotations

import time
from pathlib import Path

from acctkit.batch.engines import ReportOutcome
from acctkit.batch.manifest import FORMAT_VERSION, Inputs, package_versions, write_manifest
from acctkit.i18n import labels
from acctkit.markup import document, link, tag
from acctkit.outputs import write_bytes_atomic

_SAVE_EVERY_SECONDS = 1.0


class RunRecord:
    """The manifest of one run, kept up to date.

    Parameters
    ----------
    run_id : str
        This run.
    folder : Path
        Where the run writes (its staging folder): paths are recorded relative to it.
    inputs : Inputs
        The run's inputs and their fingerprint.
    header : dict
        Month, review date and the run's parameters, recorded as they are.
    """

    def __init__(self, run_id: str, folder: Path, inputs: Inputs, header: dict):
        self.run_id = run_id
        self.folder = folder
        self.inputs = inputs
        self.header = header
        self.model = ""
        self.accounts: dict[str, dict] = {}
        self.portfolio: dict = {"status": "pending"}
        self._started = time.monotonic()
        self._saved_at = float("-inf")

    def expect(self, entry: dict) -> None:
        """Add an account not rendered yet (``account_id``, name, files, parameters)."""
        self.accounts[entry["account_id"]] = {**entry, "status": "pending"}

    def reuse(self, entry: dict) -> None:
        """Add an account whose complete report comes from an earlier run, as recorded then."""
        self.accounts[entry["account_id"]] = dict(entry)

    def record(self, outcome: ReportOutcome) -> None:
        """Record an account's outcome."""
        self.accounts[outcome.label].update(self._fields(outcome), run_id=self.run_id)

    def record_portfolio(self, outcome: ReportOutcome) -> None:
        """Record the portfolio review's outcome."""
        self.portfolio = {"html": "index.html", "notebook": "index.ipynb"}
        self.portfolio.update(self._fields(outcome))

    def rendered(self) -> list[dict]:
        """Entries of the reports this run rendered."""
        return [
            entry
            for entry in self.accounts.values()
            if entry["status"] == "done" and entry.get("run_id") == self.run_id
        ]

    def reused(self) -> list[dict]:
        """Entries of the reports taken from earlier runs."""
        return [
            entry
            for entry in self.accounts.values()
            if entry["status"] == "done" and entry.get("run_id") != self.run_id
        ]

    def done(self) -> list[dict]:
        """Entries of every complete report, rendered or reused."""
        return [entry for entry in self.accounts.values() if entry["status"] == "done"]

    def failed(self) -> list[dict]:
        """Entries of the accounts without a report (failed, or never run)."""
        return [entry for entry in self.accounts.values() if entry["status"] != "done"]

    def save(self, state: str, *, force: bool = False) -> None:
        """Write ``manifest.json`` (throttled to once a second unless ``force``)."""
        now = time.monotonic()
        if force or now - self._saved_at >= _SAVE_EVERY_SECONDS:
            self._saved_at = now
            write_manifest(self.folder, self.manifest(state))

    def manifest(self, state: str) -> dict:
        """The manifest as a dict; ``state`` is running, interrupted or complete."""
        return {
            "format_version": FORMAT_VERSION,
            "state": state,
            "run_id": self.run_id,
            **self.header,
            "model": self.model,
            "versions": package_versions(),
            "fingerprint": self.inputs.fingerprint,
            "inputs": self.inputs.to_dict(),
            "summary": {
                "accounts": len(self.accounts),
                "done": len(self.done()),
                "failed": sum(entry["status"] == "failed" for entry in self.accounts.values()),
                "reused": len(self.reused()),
                "seconds": round(time.monotonic() - self._started, 2),
            },
            "portfolio": self.portfolio,
            "accounts": list(self.accounts.values()),
        }

    def _fields(self, outcome: ReportOutcome) -> dict:
        return {
            "status": "done" if outcome.ok else "failed",
            "seconds": outcome.seconds,
            "attempts": outcome.attempts,
            "worker": outcome.worker,
            "kind": outcome.kind,
            "error": outcome.error,
            "failed_notebook": self._relative(outcome.failed_notebook),
            "timings": outcome.timings,
            "worker_memory_mb": outcome.worker_memory_mb,
            "kernel_memory_mb": outcome.kernel_memory_mb,
        }

    def _relative(self, path: str | None) -> str | None:
        if path is None:
            return None
        try:
            return Path(path).relative_to(self.folder).as_posix()
        except ValueError:
            return path


def write_plain_index(path: Path, record: RunRecord, title: str, lang: str = "en") -> Path:
    """A plain ``index.html`` for when the portfolio review failed: links and failures.

    Parameters
    ----------
    path : Path
        The page to write.
    record : RunRecord
        The run, with the portfolio review's failure recorded.
    title : str
        The page's heading.
    lang : str, optional
        The language of the page's words.
    """
    words = labels(lang).report
    links = [
        tag("li", [link(entry["account_id"], entry["html"]), " ", entry.get("name") or ""])
        for entry in record.done()
    ]
    failures = [
        tag(
            "li",
            f"{entry['account_id']}: {entry.get('error') or words['plain_index.not_rendered']}",
        )
        for entry in record.failed()
    ]
    error = record.portfolio.get("error") or ""
    body = [
        tag("h1", title),
        tag("p", words["plain_index.failed"].format(error=error)),
        tag("h2", words["plain_index.accounts"]),
        tag("ul", links),
    ]
    if failures:
        body += [tag("h2", words["plain_index.failures"]), tag("ul", failures)]
    return write_bytes_atomic(path, document(title, body, lang).encode("utf-8"))
