"""A month of review reports for a whole portfolio: what ``acctkit report`` runs.

:func:`run_reports` loads and validates the portfolio once, builds the review bundle once
(training the early-warning model unless one is given), renders the account review for
every selected account in parallel workers and the portfolio review once, then publishes
the month in one step::

    reports/2026-10/
        index.html               the portfolio review: every account page, the failures
        index.ipynb              its executed notebook
        accounts/<name>.html     one page per account
        notebooks/<name>.ipynb   executed notebooks (<name>.failed.ipynb when one failed)
        bundle/                  the tables the reports show (Parquet), read by the notebooks
        kpis.csv  alerts.csv  risk.csv
        manifest.json            inputs, parameters, versions, per-account status and time

File names come from :func:`~acctkit.batch.slugs.file_stems`. The notebooks run with
their own folder as working folder and find the bundle at ``../bundle`` (``bundle`` for the
portfolio review), so an executed notebook reruns as it is in JupyterLab.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from acctkit import __version__
from acctkit.batch.engines import ReportJob
from acctkit.batch.executors import open_pool
from acctkit.batch.groups import PARAMETER as GROUP_LINKS
from acctkit.batch.groups import GroupPlan, add_account_links, declares
from acctkit.batch.history import (
    check_review_date,
    pack_reviews,
    pack_summary,
    previous_pack,
    review_settings,
    write_reviews_index,
)
from acctkit.batch.lock import RunLock
from acctkit.batch.manifest import (
    Inputs,
    complete_reports,
    data_digests,
    database_digest,
    file_digest,
    read_manifest,
)
from acctkit.batch.options import (
    Book,
    Plan,
    ReportRun,
    check_notebooks,
    portfolio_parameters,
    portfolio_title,
)
from acctkit.batch.progress import Progress
from acctkit.batch.publish import MonthFolder, link_or_copy, new_run_id
from acctkit.batch.record import RunRecord, write_plain_index
from acctkit.data.portfolio import date_note
from acctkit.database import DatabaseError
from acctkit.errors import FailureKind, ModelError, OutputError, ReportError
from acctkit.format import date as display_date
from acctkit.i18n import catalogue_digest, labels
from acctkit.outputs import write_bytes_atomic, write_table
from acctkit.report.bundle import META_FILE, REVIEWS_FILE


@dataclass(frozen=True)
class BatchResult:
    """What a run published.

    Attributes
    ----------
    folder : Path
        The month folder, e.g. ``reports/2026-10``.
    rendered : int
        Account reports rendered by this run.
    reused : int
        Complete reports taken from an earlier run (``resume``).
    failed : tuple of str
        Account ids whose report failed.
    portfolio_ok : bool
        False when the portfolio review failed (``index.html`` is then a plain list).
    seconds : float
        Wall time of the whole run.
    model : str
        What the early warning of the reports is based on, in words.
    """

    folder: Path
    rendered: int
    reused: int
    failed: tuple[str, ...]
    portfolio_ok: bool
    seconds: float
    model: str

    @property
    def index(self) -> Path:
        """The portfolio review, ``<folder>/index.html``."""
        return self.folder / "index.html"

    @property
    def manifest(self) -> Path:
        """``<folder>/manifest.json``."""
        return self.folder / "manifest.json"

    @property
    def reports_per_minute(self) -> float:
        """Account reports this run attempted (written or failed) per minute of the run."""
        attempted = self.rendered + len(self.failed)
        return 60.0 * attempted / self.seconds if self.seconds else 0.0

    @property
    def exit_code(self) -> int:
        """0 when every report was written, 1 when some failed."""
        return 0 if self.portfolio_ok and not self.failed else 1


def run_reports(run: ReportRun) -> BatchResult:
    """Render and publish a month of review reports.

    Parameters
    ----------
    run : ReportRun
        The run's options, checked when the ``ReportRun`` was made.

    Returns
    -------
    BatchResult
        Its ``exit_code`` is 0 when every report was written, 1 when some failed.

    Raises
    ------
    DataValidationError
        The data is invalid; nothing was written.
    ReportError
        Notebooks whose parameters do not match, a model file that cannot be read, or
        another run holding the output folder; nothing was written.
    OutputError
        The output folder cannot be written (read-only, full): the run stops at the first
        file that cannot be written and publishes nothing; the month's folder is as it was.

    Examples
    --------
    >>> result = run_reports(ReportRun("data/demo", "2026-10", engine="warm"))  # doctest: +SKIP
    >>> result.index  # doctest: +SKIP
    PosixPath('reports/2026-10/index.html')
    """
    if not isinstance(run, ReportRun):
        raise TypeError(f"run_reports takes a ReportRun, not {type(run).__name__}")
    started = time.monotonic()
    plan = run.plan
    data, model, mapping, config = run.data, run.model, run.mapping, run.config
    dayfirst, drop_orphans, lang = run.dayfirst, run.drop_orphans, run.lang
    from acctkit.data import load_portfolio
    from acctkit.database import check_target, is_url

    if run.to_db is not None:
        _check_target(run.to_db, data)
        check_target(run.to_db)  # unreachable: say so now, not after rendering the month
    portfolio = load_portfolio(
        data,
        mapping=mapping,
        dayfirst=dayfirst,
        drop_orphans=drop_orphans,
        notes=run.notes,
        schema=run.schema,
    )
    check_review_date(portfolio, plan.as_of)
    book = Book.make(plan, portfolio, run.accounts)
    groups = GroupPlan.make(portfolio, book)
    add_account_links(book, groups, plan.notebooks[0])
    check_notebooks(plan, book)
    loaded_model = _load_model(model)
    inputs = Inputs(
        data=database_digest(plan.shown, portfolio) if is_url(data) else data_digests(data),
        model=file_digest(model) if model is not None else "trained",
        notebooks={path.name: file_digest(path) for path in plan.notebooks},
        settings={
            "as_of": plan.as_of.isoformat(),
            "lang": lang,
            "config": _config(config),
            "mapping": file_digest(mapping) if isinstance(mapping, (str, os.PathLike)) else mapping,
            "dayfirst": dayfirst,
            "drop_orphans": drop_orphans,
            **({"schema": run.schema} if run.schema else {}),
            "words": catalogue_digest(),
            "acctkit": __version__,
            "review": review_settings(plan),
            # the pages link to the previous pack: reports of a run without it are not reused
            "previous_pack": previous_pack(plan.out, plan.folder, review_settings(plan)),
            "notes": file_digest(run.notes) if run.notes is not None else None,
        },
    )
    show = Progress(enabled=run.progress)
    for note in plan.notes:
        show.note(note)
    dates = date_note(portfolio, plan.as_of)
    if dates:
        show.note(f"note: {dates}")
    with RunLock(plan.out) as lock:
        if lock.stale:
            show.note(f"note: took over the lock of a run that died (pid {lock.stale.get('pid')})")
        batch = _Run(plan, book, inputs, show, started)
        batch.groups = groups
        result = batch.execute(portfolio, loaded_model, model, config, run.resume)
    if run.to_db is not None:
        try:
            _write_database(result.folder, run.to_db, plan, show)
        except DatabaseError as error:
            raise DatabaseError(
                f"the {plan.folder} review pack was published in {result.folder}, but the results "
                f"were not written to the database: {error}"
            ) from None
    return result


def _check_target(url: str, data) -> None:
    """``to_db`` is a database URL other than the source, checked before any work."""
    from acctkit.database import is_url, masked

    if not is_url(url):
        raise ReportError(f"to_db must be a database URL (dialect://...), not {url!r}")
    if is_url(data) and masked(url) == masked(data):
        raise ReportError(
            f"refusing to write the results into the source database '{masked(url)}': the "
            "source is only ever read; write them to another database"
        )


RESULT_TABLES = {"kpis": "acctkit_kpis", "alerts": "acctkit_alerts", "risk": "acctkit_risk"}


def _write_database(folder: Path, url: str, plan: Plan, show: Progress) -> None:
    """The published month's kpis, alerts and risk, written to ``url`` (each table's rows
    of the review date replaced in one transaction)."""
    from acctkit.database import masked, write_results

    written = []
    for name, table in RESULT_TABLES.items():
        frame = _result_table(folder / "bundle", name, plan.lang)
        write_results(frame, url, plan.as_of, table=table)
        written.append(f"{table} ({len(frame)} rows)")
    show.note(f"wrote {', '.join(written)} to {masked(url)}")


class _Run:
    """One run, holding the output folder's lock: staging, rendering, publishing."""

    def __init__(self, plan: Plan, book: Book, inputs: Inputs, show: Progress, started):
        self.plan = plan
        self.book = book
        self.show = show
        self.started = started
        self.month = MonthFolder(plan.out, plan.folder, new_run_id())
        self.staging = self.month.staging
        header = {
            "month": plan.month,
            "as_of": plan.as_of.isoformat(),
            "review": review_settings(plan),
            "parameters": {
                "data": plan.shown,
                "lang": plan.lang,
                "engine": plan.settings.engine,
                "timeout": plan.settings.timeout,
                "jobs": plan.workers,
                "scheduler": plan.scheduler,
                "notebooks": [str(path) for path in plan.notebooks],
            },
        }
        self.record = RunRecord(self.month.run_id, self.staging, inputs, header)
        self.groups = GroupPlan({}, {})

    def execute(self, portfolio, loaded_model, model_path, config, resume) -> BatchResult:
        """Stage, render, publish; an interrupted run keeps what it finished."""
        self.month.recover()
        leftovers = self.month.leftovers()
        self.month.create("accounts", "notebooks")
        try:
            sources = [*leftovers, self.month.final] if resume else []
            self._reuse_reports(sources)
            pending = [entry["account_id"] for entry in self.record.failed()]
            workers = min(self.plan.workers, max(len(pending), 1))
            with open_pool(
                self.plan.settings, workers=workers, scheduler=self.plan.scheduler
            ) as pool:
                pool.prime()  # workers and kernels start while the bundle is built
                if not self._reuse_bundle(sources):
                    self._build_bundle(portfolio, loaded_model, model_path, config)
                self._write_tables()
                self._write_reviews()
                self.month.discard(leftovers)
                self.record.save("running", force=True)
                self._render(pool, pending)
            self.record.save("complete", force=True)
            folder = self.month.publish()
        except OutputError as error:
            kept = self._abandon()
            raise OutputError(self._unwritten(error, kept)) from None
        except BaseException:
            self._abandon()
            raise
        self._write_index()
        result = self._result(folder)
        self._summary(result)
        return result

    def _write_index(self) -> None:
        """Rewrite ``<out>/index.html``, the list of review packs; the pack is published
        whatever happens to this page (a note says so)."""
        try:
            write_reviews_index(self.plan.out, self.plan.lang)
        except (OutputError, OSError) as error:
            self.show.note(f"note: {self.plan.out / 'index.html'} was not rewritten: {error}")

    def _reuse_reports(self, sources: list[Path]) -> None:
        """Take the complete reports of earlier runs with the same inputs (``resume``)."""
        expected = {
            account_id: {
                "parameters": self.book.parameters[account_id],
                **self.book.files(account_id),
            }
            for account_id in self.book.selected
        }
        found: dict[str, tuple[Path, dict]] = {}
        for source in sources:
            reusable = complete_reports(source, self.record.inputs.fingerprint, expected)
            for account_id, entry in reusable.items():
                found.setdefault(account_id, (source, entry))
        for account_id in self.book.selected:
            if account_id in found:
                source, entry = found[account_id]
                for key in ("html", "notebook"):
                    link_or_copy(source / entry[key], self.staging / entry[key])
                self.record.reuse(entry)
            else:
                self.record.expect(self.book.entry(account_id))
        if found:
            self.show.note(f"reusing {len(found)} complete reports of an earlier run")

    def _reuse_bundle(self, sources: list[Path]) -> bool:
        for source in sources:
            manifest = read_manifest(source)
            bundle = source / "bundle"
            if (
                manifest is not None
                and manifest.get("fingerprint") == self.record.inputs.fingerprint
                and (bundle / META_FILE).is_file()
            ):
                for path in sorted(bundle.iterdir()):
                    if path.is_file() and not path.name.startswith("."):
                        link_or_copy(path, self.staging / "bundle" / path.name)
                self.record.model = manifest.get("model", "")
                return True
        return False

    def _build_bundle(self, portfolio, loaded_model, model_path, config) -> None:
        from acctkit.report.bundle import build_bundle

        model = self._model(portfolio, loaded_model, model_path)
        build_bundle(
            portfolio,
            self.plan.as_of,
            self.staging / "bundle",
            model=model,
            config=config,
            lang=self.plan.lang,
            cadence=self.plan.cadence,
            previous=self.plan.previous,
        )

    def _model(self, portfolio, loaded_model, model_path):
        if loaded_model is not None:
            self.record.model = f"model file {model_path}"
            return loaded_model
        from acctkit.model import EarlyWarningModel

        try:
            model = EarlyWarningModel().fit(portfolio, self.plan.as_of)
        except ModelError as error:
            self.record.model = f"none: {error}"
            self.show.note(
                f"note: no early-warning model ({error}); the reports go without risk scores"
            )
            return None
        self.record.model = f"trained on the data up to {self.plan.as_of}"
        return model

    def _write_tables(self) -> None:
        frames = {
            name: _result_table(self.staging / "bundle", name, self.plan.lang)
            for name in ("kpis", "alerts", "risk")
        }
        for name, frame in frames.items():
            write_table(frame, self.staging / f"{name}.csv", index=False)
        self.record.header["review"].update(pack_summary(frames["kpis"], frames["alerts"]))

    def _write_reviews(self) -> None:
        """The review packs around this one, for the pages' links and band history."""
        reviews = pack_reviews(self.plan.out, self.plan.folder, self.record.header["review"])
        text = json.dumps(reviews, indent=2, ensure_ascii=False, default=str)
        write_bytes_atomic(self.staging / "bundle" / REVIEWS_FILE, text.encode("utf-8"))

    def _render(self, pool, pending: list[str]) -> None:
        self.show.start(len(pending))
        try:
            for outcome in pool.results(self._account_job(a) for a in pending):
                self.record.record(outcome)
                self.show.advance(outcome)
                _stop_if_unwritable(outcome)
                self.record.save("running")
        finally:
            self.show.close()
        self._write_group_pages()
        (outcome,) = pool.results([self._portfolio_job()])
        self.record.record_portfolio(outcome)
        _stop_if_unwritable(outcome)
        if not outcome.ok:
            self.show.note(f"failed: the portfolio review: {outcome.error}")
            title = f"{portfolio_title(self.plan)} {self.plan.as_of}"
            write_plain_index(self.staging / "index.html", self.record, title, self.plan.lang)

    def _account_job(self, account_id: str) -> ReportJob:
        files = self.book.files(account_id)
        return ReportJob(
            label=account_id,
            notebook=str(self.plan.notebooks[0]),
            html=str(self.staging / files["html"]),
            executed=str(self.staging / files["notebook"]),
            parameters=self.book.parameters[account_id],
            cwd=str(self.staging / "notebooks"),
            title=self.book.titles[account_id],
            subtitle=account_id,
            date=display_date(self.plan.as_of, self.plan.lang),
            back=("../index.html", portfolio_title(self.plan)),
        )

    def _write_group_pages(self) -> None:
        """One page per group shown (``groups/<file>.html``), rendered from the bundle in
        this process (no kernel); a failure is noted, the run goes on without them."""
        if not self.groups.pages:
            return
        from acctkit.render.group_pages import write_group_pages

        links = {entry["account_id"]: f"../{entry['html']}" for entry in self.record.done()}
        try:
            write_group_pages(
                self.staging / "bundle",
                self.staging,
                self.groups.pages,
                lang=self.plan.lang,
                date=display_date(self.plan.as_of, self.plan.lang),
                back=("../index.html", portfolio_title(self.plan)),
                entity_links=links,
            )
        except OutputError:
            raise
        except Exception as error:  # noqa: BLE001 - the account pages stand without them
            self.show.note(f"failed: the group pages: {error}")
            self.groups = GroupPlan({}, {})

    def _portfolio_job(self) -> ReportJob:
        links = {entry["account_id"]: entry["html"] for entry in self.record.done()}
        not_rendered = labels(self.plan.lang).report["plain_index.not_rendered"]
        failures = [
            {"account_id": entry["account_id"], "error": entry.get("error") or not_rendered}
            for entry in self.record.failed()
        ]
        parameters = {
            **portfolio_parameters(self.plan),
            "account_links": json.dumps(links, ensure_ascii=False),
            "failed_accounts": json.dumps(failures, ensure_ascii=False),
        }
        if self.groups.pages and declares(self.plan.notebooks[1], GROUP_LINKS):
            parameters[GROUP_LINKS] = self.groups.portfolio_links()
        return ReportJob(
            label="(portfolio review)",
            notebook=str(self.plan.notebooks[1]),
            html=str(self.staging / "index.html"),
            executed=str(self.staging / "index.ipynb"),
            parameters=parameters,
            cwd=str(self.staging),
            title=portfolio_title(self.plan),
            date=display_date(self.plan.as_of, self.plan.lang),
        )

    def _abandon(self) -> bool:
        """Keep what an interrupted run finished for ``--resume``; drop an empty staging.

        Returns True when the staging folder is kept.
        """
        if self.record.rendered():
            try:
                self.record.save("interrupted", force=True)
            except Exception:  # noqa: BLE001 - the error that stopped the run matters more
                pass
            return True
        self.month.discard([self.staging])
        return False

    def _unwritten(self, error: OutputError, kept: bool) -> str:
        """The message of a run stopped by a file it could not write."""
        final = self.month.final
        state = f"'{final}' is as it was" if final.exists() else f"'{final}' was not created"
        message = f"{error}; the {self.plan.month} reports were not published: {state}"
        if kept:
            message += (
                f"; the {len(self.record.rendered())} complete reports are kept in "
                f"'{self.staging}' for --resume once the folder can be written"
            )
        return message

    def _result(self, folder: Path) -> BatchResult:
        return BatchResult(
            folder=folder,
            rendered=len(self.record.rendered()),
            reused=len(self.record.reused()),
            failed=tuple(entry["account_id"] for entry in self.record.failed()),
            portfolio_ok=self.record.portfolio["status"] == "done",
            seconds=time.monotonic() - self.started,
            model=self.record.model,
        )

    def _summary(self, result: BatchResult) -> None:
        failed = len(result.failed)
        shown = ", ".join(result.failed[:5]) + (", ..." if failed > 5 else "")
        written = f"{result.folder}: {result.rendered + result.reused} account reports written"
        if result.reused:
            written += f" ({result.reused} reused)"
        written += f", {failed} failed ({shown})" if failed else ", none failed"
        if not result.portfolio_ok:
            written += "; the portfolio review failed"
        self.show.summary(
            written,
            f"{result.seconds:.1f} s in all, {result.reports_per_minute:.1f} reports per minute",
            f"open {result.index}",
        )


def _stop_if_unwritable(outcome) -> None:
    """A report whose files could not be written (read-only or full disk) stops the run:
    every other report would fail the same way, and publishing the month would replace the
    previous one with a month of failures."""
    if outcome.ok:
        return
    if outcome.kind is FailureKind.OUTPUT:
        raise OutputError(outcome.error or "cannot write the report")


def _load_model(model):
    if model is None:
        return None
    from acctkit.model import EarlyWarningModel

    try:
        return EarlyWarningModel.load(model)
    except ModelError as error:
        raise ReportError(f"cannot use the model file {model}: {error}") from None


def _config(config) -> object:
    if config is None:
        return None
    from acctkit.config import load_config

    return load_config(config).to_dict()


def _result_table(bundle: Path, name: str, lang: str):
    """``kpis``, ``alerts`` or ``risk`` of a bundle as the run's CSV files give them (the
    alerts' messages and the risk drivers in the run's language)."""
    from acctkit.report.bundle import load_tables

    frame = load_tables(bundle, [name])[name]
    text = {"alerts": "message", "risk": "drivers"}.get(name)
    return _in_language(frame, text, lang) if text else frame


def _in_language(frame, name: str, lang: str):
    """A bundle table as the run's CSV files give it: one ``name`` column in the run's
    language where the bundle has one per language (``message_en``, ``message_fr``...)."""
    from acctkit.report.tables import language_column

    columns = [column for column in frame.columns if column.startswith(f"{name}_")]
    if not columns:  # a bundle without a model has no drivers
        return frame
    text = frame[language_column(frame, name, lang)]
    out = frame.drop(columns=columns)
    out.insert(frame.columns.get_loc(columns[0]), name, text)
    return out
