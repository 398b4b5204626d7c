"""What a report run is asked to do, checked before anything is written.

:class:`ReportRun` holds every option of a run (what ``acctkit report`` takes) and checks
them when it is made (month, review date, engine, notebooks...: :func:`make_plan`, every
problem in one message); :class:`Book` holds the accounts (ids exactly as in the data, file
names, the parameters and header of each account's notebook); :func:`check_notebooks`
compares those parameters with the notebooks' ``parameters`` cells. Every problem raises
:class:`~acctkit.errors.ReportError` (exit code 2) before any kernel starts or file is
written.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from acctkit.batch.engines import DEFAULT_TIMEOUT, ENGINES, EngineSettings
from acctkit.batch.slugs import file_stems
from acctkit.config import REVIEW_CADENCES as CADENCES
from acctkit.errors import ReportError
from acctkit.i18n import labels, languages
from acctkit.render.parameters import positive_int

ACCOUNT_NOTEBOOK = "account_review.ipynb"
PORTFOLIO_NOTEBOOK = "portfolio_review.ipynb"
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """First and last day of ``YYYY-MM``; ReportError for anything else."""
    match = _MONTH.fullmatch(str(month))
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ReportError(f"month must look like 2026-10 (YYYY-MM), not {month!r}")
    year, number = int(match.group(1)), int(match.group(2))
    return dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])


def latest_complete_month(last_day: str | dt.date) -> str:
    """The latest month that ended on or before ``last_day``: ``2026-10-31`` -> ``2026-10``."""
    day = pd.Timestamp(last_day).date()
    if (day + dt.timedelta(days=1)).month == day.month:
        day = day.replace(day=1) - dt.timedelta(days=1)
    return f"{day:%Y-%m}"


def default_notebooks() -> tuple[Path, Path]:
    """The review notebooks shipped in the package (``acctkit/notebooks/``).

    The source tree's ``notebooks/`` holds symbolic links to the same files, so a checkout
    and an installed wheel run the same notebooks.
    """
    folder = Path(__file__).resolve().parents[1] / "notebooks"
    paths = folder / ACCOUNT_NOTEBOOK, folder / PORTFOLIO_NOTEBOOK
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise ReportError(
            f"review notebook not found: {', '.join(missing)} (reinstall acctkit, or give "
            "ReportRun account_notebook and portfolio_notebook)"
        )
    return paths


@dataclass(frozen=True)
class Plan:
    """The run's checked options.

    ``data`` is a resolved path, or a database URL; ``shown`` is how it may be shown (a
    URL's password as ***). ``month`` is the month of the review date; ``folder`` the review
    pack's folder name (:func:`pack_name`); ``previous`` the previous review's date (None:
    the cadence's, as :func:`acctkit.kpis.reviews.previous_review`).
    """

    data: Path | str
    month: str
    as_of: dt.date
    out: Path
    workers: int
    lang: str
    settings: EngineSettings
    scheduler: str | None
    notebooks: tuple[Path, Path]
    cadence: str = "monthly"
    previous: dt.date | None = None
    folder: str = ""
    notes: list = field(default_factory=list)

    @property
    def shown(self) -> str:
        """The data source as the manifest, the notebooks and messages may show it."""
        from acctkit.database import is_url, masked

        return masked(self.data) if is_url(self.data) else str(self.data)


def pack_name(as_of: dt.date, cadence: str) -> str:
    """The review pack's folder name: ``2026-10`` for a monthly review held on a month-end,
    ``2026-10-15`` for any other review (a biweekly one, or a monthly one mid-month).

    Examples
    --------
    >>> pack_name(dt.date(2026, 10, 31), "monthly"), pack_name(dt.date(2026, 10, 31), "biweekly")
    ('2026-10', '2026-10-31')
    """
    month_end = (as_of + dt.timedelta(days=1)).day == 1
    return f"{as_of:%Y-%m}" if cadence == "monthly" and month_end else f"{as_of:%Y-%m-%d}"


@dataclass(frozen=True)
class ReportRun:
    """Every option of a report run, checked as soon as it is made.

    Parameters
    ----------
    data : path or str
        The portfolio (folder of tables, ``.xlsx`` workbook, or database URL).
    month : str, optional
        ``YYYY-MM``: the month reviewed (its last day, unless ``as_of`` is given). Give
        ``month``, ``as_of`` or both.
    as_of : str or date, optional
        The review date, within ``month`` when both are given; the month's last day by
        default. Not in the future (a month not ended yet is reviewed with a note).
    out : path, optional
        The output folder (``reports``); the review pack goes to ``<out>/<name>``,
        :func:`pack_name`: ``2026-10`` for a monthly month-end review, ``2026-10-15``
        otherwise.
    jobs : int, optional
        Local worker processes; the number of CPUs by default.
    accounts : sequence of str, optional
        Only these account ids (exactly as in the data); the month folder then holds only
        them. All accounts by default.
    lang : str, optional
        Language of the reports (``en``, ``fr``, or another installed catalogue).
    model : path, optional
        A model file from ``acctkit train``; by default a model is trained on the data up
        to ``as_of``, and the reports go without early warning if that is impossible.
    resume : bool, optional
        Reuse the complete reports of the month's previous run (published or interrupted)
        when its inputs and the account's parameters are the same; render the others.
    engine : {"fresh", "warm"}, optional
        A new kernel per report, or one reused kernel per worker (faster).
    scheduler : str, optional
        A Dask scheduler address (``tcp://host:8786``): run the reports on its workers,
        which need acctkit and must see ``data`` and ``out`` at the same paths.
    timeout : int or None, optional
        Seconds one account's notebook may run; None for no limit.
    config : optional
        KPI configuration (Config, dict or TOML path), as :func:`acctkit.load_config`.
    mapping, dayfirst, drop_orphans, schema : optional
        How to read the data, as :func:`acctkit.load_portfolio`.
    to_db : str, optional
        A database URL: once the month is published, its kpis, alerts and risk are written
        to the tables ``acctkit_kpis``, ``acctkit_alerts`` and ``acctkit_risk`` there (the
        rows of the review date replaced, in one transaction).
    account_notebook, portfolio_notebook : path, optional
        Other review notebooks, with the same parameters (tests, custom reviews).
    recycle_every : int, optional
        Warm engine: reports per kernel before it is replaced.
    progress : bool, optional
        Show progress (a bar on a terminal, log lines otherwise) on standard error and a
        summary on standard output.
    cadence : {"monthly", "biweekly"}, optional
        The reviews' cadence; by default the configuration's ``[review] cadence``.
    previous : str or date, optional
        The previous review's date (every change since the previous review uses it); by
        default the month-end before ``as_of`` (monthly) or 14 days before (biweekly).
    notes : path, optional
        A review notes file (the filled-in ``acctkit notes-template`` workbook) read as the
        ``review_notes`` table instead of the data's own.

    Raises
    ------
    ReportError
        Any invalid option, all problems in one message; nothing is read or written.

    Examples
    --------
    >>> run = ReportRun("data/demo", "2026-10", engine="warm", jobs=2)  # doctest: +SKIP
    >>> run_reports(run).exit_code  # doctest: +SKIP
    0
    """

    data: str | os.PathLike
    month: str | None = None
    as_of: str | dt.date | None = None
    out: str | os.PathLike = "reports"
    jobs: int | None = None
    accounts: Sequence[str] | None = None
    lang: str = "en"
    model: str | os.PathLike | None = None
    resume: bool = False
    engine: str = "fresh"
    scheduler: str | None = None
    timeout: int | None = DEFAULT_TIMEOUT
    config: object = None
    mapping: str | os.PathLike | None = None
    dayfirst: bool | None = None
    drop_orphans: bool = False
    schema: str | None = None
    to_db: str | None = None
    account_notebook: str | os.PathLike | None = None
    portfolio_notebook: str | os.PathLike | None = None
    recycle_every: int = 100
    progress: bool = True
    cadence: str | None = None
    previous: str | dt.date | None = None
    notes: str | os.PathLike | None = None
    plan: Plan = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        plan = make_plan(
            data=self.data,
            month=self.month,
            as_of=self.as_of,
            out=self.out,
            jobs=self.jobs,
            lang=self.lang,
            engine=self.engine,
            timeout=self.timeout,
            recycle_every=self.recycle_every,
            scheduler=self.scheduler,
            notebooks=(self.account_notebook, self.portfolio_notebook),
            cadence=self.cadence,
            previous=self.previous,
            config=self.config,
        )
        object.__setattr__(self, "plan", plan)


def make_plan(
    *,
    data,
    month,
    as_of,
    out,
    jobs,
    lang,
    engine,
    timeout,
    recycle_every,
    scheduler,
    notebooks,
    cadence=None,
    previous=None,
    config=None,
) -> Plan:
    """Check the run's options at once (every problem in one message)."""
    problems, notes = [], []
    review, month = _review_date(month, as_of, problems, notes)
    cadence, before = _cadence(cadence, previous, review, config, problems)
    if lang not in languages():
        problems.append(f"lang must be one of {', '.join(languages())}, not {lang!r}")
    if engine not in ENGINES:
        problems.append(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if timeout is not None and not positive_int(timeout):
        problems.append(f"timeout must be a positive whole number of seconds: {timeout!r}")
    if jobs is not None and not positive_int(jobs):
        problems.append(f"jobs must be a positive whole number: {jobs!r}")
    if not positive_int(recycle_every):
        problems.append(f"recycle_every must be a positive whole number: {recycle_every!r}")
    if None in notebooks:  # either may be given alone: the other is the default one
        defaults = default_notebooks()
        notebooks = tuple(
            default if path is None else path
            for path, default in zip(notebooks, defaults, strict=True)
        )
    notebooks = tuple(Path(path) for path in notebooks)
    problems += [f"{path} is not a notebook" for path in notebooks if not path.is_file()]
    from acctkit.database import is_url

    url = is_url(data)
    source, target = (Path(".") if url else Path(data)).resolve(), Path(out).resolve()
    if not url and source.is_dir() and (target == source or source in target.parents):
        where = "is" if target == source else "is inside"
        problems.append(
            f"the output folder '{out}' {where} the source data '{data}': source files "
            "are only ever read; choose another --out"
        )
    if problems:
        raise ReportError("; ".join(problems))
    return Plan(
        data=str(data).strip() if url else Path(data).resolve(),
        month=month,
        as_of=review,
        out=Path(out),
        workers=jobs or _cpu_count(),
        lang=lang,
        settings=EngineSettings(engine=engine, timeout=timeout, recycle_every=recycle_every),
        scheduler=scheduler,
        notebooks=tuple(path.resolve() for path in notebooks),
        cadence=cadence,
        previous=before,
        folder=pack_name(review, cadence),
        notes=notes,
    )


def _review_date(month, as_of, problems: list, notes: list) -> tuple[dt.date, str]:
    """The review date from ``month`` and/or ``as_of``: never in the future; a month that
    has not ended yet is reviewed on its last day with a note."""
    today = dt.date.today()
    if month is None and as_of is None:
        raise ReportError("give the month reviewed (--month YYYY-MM) or the review date (--as-of)")
    if month is not None:
        first, last = month_bounds(month)
        review = last if as_of is None else _date(as_of)
        if not first <= review <= last:
            problems.append(f"the review date {review} is not in {month}")
        if as_of is None and review > today:
            notes.append(
                f"note: {month} has not ended: its review on {review} reads the data as it is today"
            )
            return review, f"{first:%Y-%m}"
    else:
        review = _date(as_of)
    if review > today:
        problems.append(f"the review date {review} is in the future (today is {today})")
    return review, f"{review:%Y-%m}"


def _cadence(cadence, previous, review: dt.date, config, problems: list):
    """The checked cadence (the configuration's by default) and previous review date."""
    if cadence is None:
        from acctkit.config import load_config
        from acctkit.errors import ConfigError

        try:
            cadence = load_config(config).review_cadence
        except ConfigError:
            cadence = "monthly"  # the configuration's own problem is reported when it is read
    if cadence not in CADENCES:
        problems.append(f"cadence must be one of {', '.join(CADENCES)}, not {cadence!r}")
        cadence = "monthly"
    before = None
    if previous is not None:
        before = _date(previous)
        if before >= review:
            problems.append(f"the previous review {before} must be before the review date {review}")
    return cadence, before


@dataclass(frozen=True)
class Book:
    """The accounts of the run: ids, file names, parameters and headers."""

    selected: tuple[str, ...]
    stems: dict
    names: dict
    titles: dict
    parameters: dict

    @classmethod
    def make(cls, plan: Plan, portfolio, accounts: Iterable[str] | None) -> Book:
        """The selected accounts (all by default); ReportError for an unknown id."""
        ids = [str(account_id) for account_id in portfolio.account_ids]
        if isinstance(accounts, str):
            accounts = [accounts]
        selected = ids if accounts is None else list(dict.fromkeys(str(a) for a in accounts))
        unknown = sorted(set(selected) - set(ids))
        if unknown:
            shown = ", ".join(repr(account_id) for account_id in unknown[:10])
            raise ReportError(f"unknown account ids: {shown} (ids must match the data exactly)")
        if not selected:
            raise ReportError("no account to report on")
        rows = portfolio.accounts.assign(account_id=portfolio.accounts["account_id"].astype(str))
        rows = rows.set_index("account_id")
        names = {account_id: _text(rows.at[account_id, "name"]) for account_id in selected}
        names = {account_id: name or account_id for account_id, name in names.items()}
        title = labels(plan.lang).report["account_title"]
        titles = {account_id: title.format(name=name) for account_id, name in names.items()}
        parameters = {
            account_id: {
                "account_id": account_id,
                "as_of": plan.as_of.isoformat(),
                "review_bundle": "../bundle",
                "data_path": plan.shown,
                "lang": plan.lang,
            }
            for account_id in selected
        }
        return cls(tuple(selected), file_stems(ids), names, titles, parameters)

    def files(self, account_id: str) -> dict:
        """The account's report and executed notebook, relative to the month folder."""
        stem = self.stems[account_id]
        return {"html": f"accounts/{stem}.html", "notebook": f"notebooks/{stem}.ipynb"}

    def entry(self, account_id: str) -> dict:
        """The account's manifest entry before it runs."""
        return {
            "account_id": account_id,
            "name": self.names[account_id],
            "file": self.stems[account_id],
            **self.files(account_id),
            "parameters": self.parameters[account_id],
        }


def portfolio_title(plan: Plan) -> str:
    """The portfolio review's title, in the run's language."""
    return labels(plan.lang).report["portfolio_title"]


def portfolio_parameters(plan: Plan) -> dict:
    """The portfolio review's parameters, without the links and failures."""
    return {
        "as_of": plan.as_of.isoformat(),
        "review_bundle": "bundle",
        "data_path": plan.shown,
        "lang": plan.lang,
    }


def check_notebooks(plan: Plan, book: Book) -> None:
    """Both notebooks must declare the parameters the run passes, with matching types."""
    from acctkit.render.parameters import check_parameters

    first = book.parameters[book.selected[0]]
    check_parameters(plan.notebooks[0], first, label=plan.notebooks[0].name)
    listed = {"account_links": "{}", "failed_accounts": "[]"}
    check_parameters(
        plan.notebooks[1], {**portfolio_parameters(plan), **listed}, label=plan.notebooks[1].name
    )


def _date(value) -> dt.date:
    try:
        return pd.Timestamp(value).date()
    except (ValueError, TypeError):
        raise ReportError(f"as_of must be a date (YYYY-MM-DD), not {value!r}") from None


def _text(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1
