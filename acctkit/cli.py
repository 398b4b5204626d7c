"""The ``acctkit`` command: a thin layer over the functions users call from a notebook.

Exit codes: 0 success, 1 some work failed (e.g. some reports), 2 bad input or usage
(any ``AcctkitError``: the message is printed, never a traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from acctkit.batch.startup import skip_iri_grammars
from acctkit.errors import AcctkitError

EXIT_OK, EXIT_PARTIAL, EXIT_INPUT = 0, 1, 2

DEMO_DATA = Path("data/demo")


def main(argv: Sequence[str] | None = None) -> int:
    skip_iri_grammars()  # 0.9 s less start-up for the commands that render notebooks
    parser = _build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return EXIT_INPUT
    try:
        return int(args.run(args) or EXIT_OK)
    except AcctkitError as exc:
        for note in getattr(exc, "notes", ()):
            print(f"note: {note}", file=sys.stderr)
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `acctkit ... | head`: the reader left; nothing to report
        sys.stderr.close()
        return EXIT_OK


def run() -> None:
    """The ``acctkit`` console command: :func:`main`, then an exit without the interpreter's
    teardown, once the console streams are flushed.

    By then every output is written and closed, and every worker process and kernel is
    stopped. What the teardown would still do is destroy the native thread pools, and
    Arrow's aborts the process now and then when it does ("terminate called without an
    active exception", exit code 134 in place of the command's own: apache/arrow#34314;
    3 to 6 runs in 100 of ``validate`` on a bad folder, four at once on two cores).
    Worker processes already leave this way.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that left, a closed stream
            stream.flush()
    logging.shutdown()
    os._exit(code)


def _build_parser() -> argparse.ArgumentParser:
    from acctkit import __version__

    parser = argparse.ArgumentParser(
        prog="acctkit",
        description="Key-account plan KPIs, early-warning risk and monthly review reports.",
    )
    parser.add_argument("--version", action="version", version=f"acctkit {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, run: Callable, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(run=run)
        return sub

    validate = command("validate", _validate, "Check a portfolio and print a summary per table.")
    _add_data_arguments(validate)

    generate = command("generate", _generate, "Write a synthetic portfolio as CSV files.")
    generate.add_argument("folder", type=Path, help="folder to write (created if needed)")
    generate.add_argument("--accounts", type=_positive_int, default=200, help="default 200")
    generate.add_argument("--months", type=_positive_int, default=24, help="default 24")
    generate.add_argument(
        "--end", type=_date, default="2026-10-31", help="last day (YYYY-MM-DD, default 2026-10-31)"
    )
    generate.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    generate.add_argument(
        "--force", action="store_true", help="overwrite the tables of an existing portfolio"
    )

    init = command(
        "init-mapping", _init_mapping, "Propose a mapping for a CRM export (folder or workbook)."
    )
    init.add_argument("export", type=Path, help="the export's folder or .xlsx workbook")
    init.add_argument(
        "-o", "--output", type=Path, default=Path("crm.toml"), help="default crm.toml"
    )
    init.add_argument("--force", action="store_true", help="overwrite OUTPUT if it exists")

    kpis = command("kpis", _kpis, "Compute every KPI, score and alert as of a review date.")
    _add_data_arguments(kpis)
    _add_as_of(kpis)
    kpis.add_argument("--config", type=Path, help="TOML file overriding the catalogue's defaults")
    kpis.add_argument(
        "-o",
        "--output",
        type=_target,
        help="write the full table (.csv/.parquet/.xlsx, or a database URL with ?table=NAME)",
    )
    kpis.add_argument(
        "--alerts-output",
        type=_target,
        metavar="OUTPUT",
        help="write the alerts too (a file, or a database URL with ?table=NAME)",
    )
    kpis.add_argument("--lang", type=_language, default="en", help="labels (default en)")
    _add_review_arguments(kpis)
    _add_notes_argument(kpis)

    train = command("train", _train, "Train the early-warning model on data up to a date.")
    _add_data_arguments(train)
    _add_as_of(train)
    train.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("models/early_warning.skops"),
        help="model file to write (default models/early_warning.skops)",
    )
    train.add_argument("--horizon-days", type=_positive_int, default=180, help="default 180")
    train.add_argument("--window-days", type=_positive_int, default=90, help="default 90")

    score = command("score", _score, "Score every account's risk with a trained model.")
    _add_data_arguments(score)
    _add_as_of(score)
    score.add_argument("--model", type=Path, required=True, help="model file from `acctkit train`")
    score.add_argument("--config", type=Path, help="TOML file (risk band thresholds)")
    score.add_argument(
        "-o",
        "--output",
        type=_target,
        help="write risk.csv/.parquet/.xlsx, or to a database URL with ?table=NAME",
    )
    score.add_argument("--lang", type=_language, default="en", help="drivers' language")

    backtest = command(
        "backtest",
        _backtest,
        "Replay the alert rules at past month-ends: how often was each right?",
    )
    _add_data_arguments(backtest)
    _add_as_of(backtest)
    backtest.add_argument(
        "--months", type=_positive_int, default=12, help="month-ends to replay (default 12)"
    )
    backtest.add_argument(
        "--horizon-days",
        type=_positive_int,
        default=180,
        help="an alert is right when an outcome follows within this many days (default 180)",
    )
    backtest.add_argument(
        "--config", type=Path, help="TOML file overriding the catalogue's defaults"
    )
    backtest.add_argument("-o", "--output", type=Path, help="write the table (.csv/.parquet/.xlsx)")
    backtest.add_argument("--lang", type=_language, default="en", help="labels (default en)")

    report = command(
        "report",
        _report,
        "Render a month of review reports: one HTML page per account and a portfolio index.",
    )
    _add_data_arguments(report)
    report.add_argument(
        "--month", metavar="YYYY-MM", help="the month reviewed (its last day unless --as-of)"
    )
    report.add_argument(
        "--as-of",
        type=_date,
        help="review date YYYY-MM-DD (default: the month's last day); --month or --as-of",
    )
    _add_review_arguments(report)
    _add_notes_argument(report)
    report.add_argument("--out", type=Path, default=Path("reports"), help="default reports")
    report.add_argument("--jobs", type=_positive_int, help="parallel workers (default: CPUs)")
    report.add_argument("--accounts", nargs="+", metavar="ID", help="only these account ids")
    report.add_argument("--lang", type=_language, default="en", help="default en")
    report.add_argument("--model", type=Path, help="model file (default: train one on the data)")
    report.add_argument(
        "--resume", action="store_true", help="keep the complete reports of the previous run"
    )
    report.add_argument(
        "--engine",
        choices=("fresh", "warm"),
        default="fresh",
        help="fresh: a new kernel per report (default); warm: one reused kernel per worker",
    )
    report.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler tcp://host:8786")
    report.add_argument(
        "--timeout", type=_positive_int, default=600, help="seconds per account (default 600)"
    )
    report.add_argument(
        "--to-db",
        metavar="URL",
        type=_target,
        help="after publishing, write the kpis, alerts and risk to this database "
        "(tables acctkit_kpis, acctkit_alerts, acctkit_risk; the rows of the date replaced)",
    )

    template = command(
        "notes-template",
        _notes_template,
        "Write the review notes workbook to fill in during the review meeting.",
    )
    _add_data_arguments(template)
    _add_as_of(template)
    template.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("review-notes.xlsx"),
        help="workbook to write (.xlsx, default review-notes.xlsx)",
    )
    template.add_argument("--config", type=Path, help="TOML file overriding the defaults")

    demo = command("demo", _demo, "Generate the demo portfolio (if absent) and review it.")
    demo.add_argument("--data", type=Path, default=DEMO_DATA, help=f"default {DEMO_DATA}")
    return parser


def _add_data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "data",
        nargs="?",
        type=_source,
        help="portfolio folder, .xlsx workbook or database URL (duckdb:///crm.duckdb, "
        "postgresql+psycopg://user@host/db, sqlite:///crm.db)",
    )
    parser.add_argument(
        "--data-env",
        metavar="VAR",
        help="read the database URL from this environment variable (e.g. ACCTKIT_DB), "
        "so that its password is never on the command line",
    )
    parser.add_argument("--schema", help="database schema holding the tables (a database URL only)")
    parser.add_argument(
        "--dayfirst", action="store_true", help="dates are DD/MM/YYYY (European exports)"
    )
    parser.add_argument(
        "--mapping", type=Path, metavar="FILE", help="TOML mapping of a CRM export (docs/import.md)"
    )
    parser.add_argument(
        "--drop-orphans",
        action="store_true",
        help="skip rows whose account is blank or unknown (counted) instead of reporting them",
    )


def _add_review_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cadence",
        choices=("monthly", "biweekly"),
        help="reviews each month-end or every two weeks (default: [review] cadence, monthly)",
    )
    parser.add_argument(
        "--previous",
        type=_date,
        metavar="DATE",
        help="the previous review's date (default: the month-end before, or 14 days before)",
    )


def _source(value: str):
    """A database URL as given (a Path would fold its '//'), or a path."""
    from acctkit.database import is_url

    return value.strip() if is_url(value) else Path(value)


def _target(value: str):
    """An output file, or a database URL naming its table (``...?table=acctkit_kpis``)."""
    return _source(value)


def _data(args: argparse.Namespace):
    """The data source of a command: its argument, or the URL of ``--data-env``."""
    from acctkit.database import from_environment
    from acctkit.errors import ConfigError

    if getattr(args, "data_env", None):
        if args.data is not None:
            raise ConfigError("give the data as an argument or with --data-env, not both")
        args.data = from_environment(args.data_env)
        args.data_env = None
    if args.data is None:
        raise ConfigError("no data: give a folder, a workbook or a database URL (or --data-env)")
    return args.data


def _shown(source) -> str:
    """A source as messages show it (a URL's password as ***)."""
    from acctkit.database import is_url, masked

    return masked(source) if is_url(source) else str(source)


def _add_as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", required=True, type=_date, help="review date YYYY-MM-DD")


def _date(value: str):
    from acctkit.errors import ConfigError
    from acctkit.kpis.windows import as_of_date

    try:
        return as_of_date(value)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("as_of: ")) from None


def _language(value: str) -> str:
    """A language with a catalogue: acctkit's (en, fr) or one of ACCTKIT_LOCALES."""
    from acctkit.errors import ConfigError
    from acctkit.i18n import labels

    try:
        labels(value)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value}")
    return number


def _add_notes_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--notes",
        type=Path,
        metavar="FILE",
        help="review notes file (a filled-in notes template) instead of the data's own",
    )


def _load(args: argparse.Namespace):
    from acctkit.data import load_with_notes

    result = load_with_notes(
        _data(args),
        mapping=args.mapping,
        dayfirst=True if args.dayfirst else None,  # None: the mapping's own setting holds
        drop_orphans=args.drop_orphans,
        schema=args.schema,
        notes=getattr(args, "notes", None),
    )
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    as_of = getattr(args, "as_of", None)
    if as_of is not None:
        from acctkit.data.portfolio import date_note

        dates = date_note(result.portfolio, as_of)
        if dates:
            print(f"note: {dates}", file=sys.stderr)
    return result.portfolio


def _print_summary(portfolio) -> None:
    summary = portfolio.summary()
    for col in ("first_date", "last_date"):
        summary[col] = summary[col].dt.strftime("%Y-%m-%d").fillna("")
    print(summary.to_string())


def _validate(args: argparse.Namespace) -> int:
    portfolio = _load(args)
    n = len(portfolio.accounts)
    print(f"{_shown(args.data)}: valid portfolio of {n} account{'s' if n != 1 else ''}")
    _print_summary(portfolio)
    return EXIT_OK


def _generate(args: argparse.Namespace) -> int:
    from acctkit.data.readers import find_table_files
    from acctkit.datasets import generate_tables, write_tables
    from acctkit.errors import OutputError

    if args.folder.is_dir() and not args.force:
        existing = sorted(path.name for path in find_table_files(args.folder)[0].values())
        if existing:
            raise OutputError(
                f"'{args.folder}' already holds a portfolio ({', '.join(existing)}); "
                "choose an empty folder, or overwrite it with --force"
            )
    tables = generate_tables(args.accounts, args.months, args.end, args.seed)
    paths = write_tables(tables, args.folder)
    rows = sum(len(t) for t in tables.values())
    print(
        f"wrote {len(paths)} tables ({rows:,} rows) for {args.accounts} accounts to {args.folder}"
    )
    return EXIT_OK


def _init_mapping(args: argparse.Namespace) -> int:
    from acctkit.data import write_starter_mapping

    starter = write_starter_mapping(args.export, args.output, overwrite=args.force)
    print(starter.summary())
    print(
        f"next: review {args.output}, then: acctkit validate {args.export} --mapping {args.output}"
    )
    return EXIT_OK


def _kpis(args: argparse.Namespace) -> int:
    from acctkit.config import load_config
    from acctkit.kpis import compute_alerts, compute_kpis, kpi_summary
    from acctkit.kpis.reviews import overdue_next_steps, previous_review

    _check_output(args.output, _data(args))
    _check_output(args.alerts_output, args.data)
    config = load_config(args.config)
    cadence = args.cadence or config.review_cadence
    previous = previous_review(args.as_of, cadence, args.previous)
    portfolio = _load(args)
    kpis = compute_kpis(portfolio, args.as_of, config=config)
    if portfolio.review_notes is not None:
        kpis["overdue_next_steps"] = overdue_next_steps(portfolio, args.as_of).to_numpy()
    if args.output:  # written before anything is printed: a closed console loses nothing
        _write(kpis, args.output, args.as_of)
    alerts = compute_alerts(kpis, config=config, lang=args.lang)
    if args.alerts_output:
        _write(alerts, args.alerts_output, args.as_of, index=False)
    print(f"Review as of {args.as_of:%Y-%m-%d} ({cadence}); previous review {previous:%Y-%m-%d}")
    summary = kpi_summary(kpis, alerts=alerts, portfolio=portfolio, lang=args.lang)
    print(summary.to_string(na_rep="n/a", float_format=lambda v: f"{v:.1f}"))
    if args.output:
        print(f"wrote {len(kpis.columns)} KPIs for {len(kpis)} accounts to {_shown(args.output)}")
    if args.alerts_output:
        print(f"wrote {len(alerts)} alerts to {_shown(args.alerts_output)}")
    return EXIT_OK


def _write(frame, target, as_of, *, index: bool = True) -> None:
    """A result table to a file, or to a database table (the rows of ``as_of`` replaced)."""
    from acctkit.database import is_url, write_results
    from acctkit.outputs import write_table

    if is_url(target):
        write_results(frame if index else frame.reset_index(drop=True), target, as_of)
    else:
        write_table(frame, target, index=index)


def _train(args: argparse.Namespace) -> int:
    from acctkit.config import load_config
    from acctkit.model import EarlyWarningModel, risk_limits

    _check_output(args.output, _data(args))
    portfolio = _load(args)
    model = EarlyWarningModel(horizon_days=args.horizon_days, window_days=args.window_days)
    model.fit(portfolio, args.as_of)
    model.save(args.output)
    with _pandas_display():
        print("Hold-out evaluation (latest 25 % of snapshot dates):")
        print(model.metrics_.round(3).to_string())
        print("\nCoefficients (per standard deviation):")
        print(model.coefficients_.round(3).to_string())
    limits = risk_limits(load_config(getattr(args, "config", None)), model.base_rate_)
    print(
        f"\nPortfolio rate: {model.base_rate_:.1%} of {model.n_snapshots_:,} account-months had "
        f"an outcome within {model.horizon_days} days. Risk bands: medium from "
        f"{limits['medium']:.1%}, high from {limits['high']:.1%}."
    )
    for warning in model.warnings_:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"\nwrote the model to {args.output}")
    return EXIT_OK


def _score(args: argparse.Namespace) -> int:
    from acctkit.config import load_config
    from acctkit.model import EarlyWarningModel, score_accounts

    _check_output(args.output, _data(args))
    config = load_config(args.config)
    model = EarlyWarningModel.load(args.model)
    if args.as_of < model.as_of_:
        print(
            f"note: the model learnt from outcomes up to {model.as_of_:%Y-%m-%d}; scores at "
            f"{args.as_of:%Y-%m-%d} are not an honest back-test",
            file=sys.stderr,
        )
    portfolio = _load(args)
    risk = score_accounts(model, portfolio, args.as_of, config=config, lang=args.lang)
    if args.output:  # written before anything is printed: a closed console loses nothing
        _write(risk, args.output, args.as_of)
    shown = risk[["risk_probability", "risk_band", "drivers"]]
    with _pandas_display():
        print(shown.sort_values("risk_probability", ascending=False).round(3).to_string())
    if args.output:
        print(f"wrote risk scores for {len(risk)} accounts to {_shown(args.output)}")
    return EXIT_OK


def _backtest(args: argparse.Namespace) -> int:
    from acctkit.config import load_config
    from acctkit.model import backtest_alerts
    from acctkit.outputs import write_table

    _check_output(args.output, _data(args))
    config = load_config(args.config)
    portfolio = _load(args)
    table = backtest_alerts(
        portfolio,
        args.as_of,
        months=args.months,
        horizon_days=args.horizon_days,
        config=config,
    )
    if args.output:  # written before anything is printed: a closed console loses nothing
        write_table(table, args.output)
    dates, n = table.attrs["dates"], table.attrs["account_months"]
    outcomes = int(table["outcomes"].iloc[0])
    print(
        f"Alerts replayed at {len(dates)} month-end{'s' if len(dates) != 1 else ''}, "
        f"{dates[0]} to {dates[-1]}: {n} account-months (an account active at a month-end).\n"
        f"{outcomes} were followed by a churn, downsell or lost renewal within "
        f"{table.attrs['horizon_days']} days: a base rate of {100 * outcomes / n:.1f} %.\n"
    )
    with _pandas_display():
        print(_backtest_table(table, args.lang).to_string())
    print(
        f"\nLift: precision / base rate; evidence when its whole 90 % interval is above 1 "
        f"(docs/kpis.md, Back-tested alerts).\n{table.attrs['model_note']}"
    )
    if args.output:
        print(f"wrote the back-test of {len(table)} rules to {args.output}")
    return EXIT_OK


def _backtest_table(table, lang: str):
    """The back-test as people read it: rules and headers in ``lang``, rates in percent."""
    import pandas as pd

    from acctkit.format import number, percent
    from acctkit.i18n import labels

    words = labels(lang).words
    names = dict(labels(lang).alerts)
    names.update({rule: words[f"backtest.{rule}"] for rule in ("any_high", "early_warning_high")})
    evidence = {True: words["backtest.evidence.yes"], False: words["backtest.evidence.no"]}
    interval = [
        f"{number(low, lang, 2)} - {number(high, lang, 2)}" if pd.notna(low) else number(low, lang)
        for low, high in zip(table["lift_low"], table["lift_high"], strict=True)
    ]
    return pd.DataFrame(
        {
            words["backtest.fired"]: table["fired"].to_numpy(),
            words["backtest.hits"]: table["hits"].to_numpy(),
            words["backtest.precision"]: [percent(100 * v, lang) for v in table["precision"]],
            words["backtest.lift"]: [number(v, lang, 2) for v in table["lift"]],
            words["backtest.lift_interval"]: interval,
            words["backtest.recall"]: [percent(100 * v, lang) for v in table["recall"]],
            words["backtest.evidence"]: [evidence[bool(v)] for v in table["evidence"]],
        },
        index=pd.Index(
            [names.get(rule, rule) for rule in table.index], name=words["backtest.rule"]
        ),
    )


def _check_output(output, data) -> None:
    """Refuse an output file inside the source data (source files are only ever read) or
    with a suffix we cannot write, before any work is done; a database target must name
    its table, and may not be the source database itself."""
    from acctkit.database import is_url, masked, split_table
    from acctkit.errors import OutputError
    from acctkit.outputs import SUFFIXES

    if output is None:
        return
    if is_url(output):
        target_url, _ = split_table(output)
        if is_url(data) and masked(target_url) == masked(data):
            raise OutputError(
                f"refusing to write into the source database '{masked(data)}': the source "
                "is only ever read; write the results to another database"
            )
        return
    if is_url(data):
        data = Path(".acctkit-no-source")  # a database holds no output file
    target, source = output.resolve(), data.resolve()
    if target == source or source in target.parents:
        raise OutputError(
            f"refusing to write '{output}' inside the source data '{data}': source files "
            "are only ever read; choose another folder"
        )
    if output.suffix.lower() not in SUFFIXES + (".skops",):
        raise OutputError(
            f"cannot write '{output}': use a file name ending in {', '.join(SUFFIXES)}"
        )


def _pandas_display():
    import pandas as pd

    return pd.option_context("display.width", 200, "display.max_colwidth", 120)


def _report(args: argparse.Namespace) -> int:
    from acctkit.batch import ReportRun, run_reports
    from acctkit.database import is_url
    from acctkit.errors import ConfigError

    if args.to_db is not None and not is_url(args.to_db):
        raise ConfigError(f"--to-db takes a database URL, not '{args.to_db}'")
    result = run_reports(
        ReportRun(
            _data(args),
            args.month,
            as_of=args.as_of,
            out=args.out,
            jobs=args.jobs,
            accounts=args.accounts,
            lang=args.lang,
            model=args.model,
            resume=args.resume,
            engine=args.engine,
            scheduler=args.scheduler,
            timeout=args.timeout,
            mapping=args.mapping,
            dayfirst=True if args.dayfirst else None,
            drop_orphans=args.drop_orphans,
            cadence=args.cadence,
            previous=args.previous,
            notes=args.notes,
            schema=args.schema,
            to_db=args.to_db,
        )
    )
    return result.exit_code


def _notes_template(args: argparse.Namespace) -> int:
    from acctkit.errors import OutputError
    from acctkit.report.notes_template import write_notes_template

    _check_output(args.output, args.data)
    if args.output.suffix.lower() != ".xlsx":
        raise OutputError(f"cannot write '{args.output}': the notes template is an .xlsx file")
    portfolio = _load(args)
    path = write_notes_template(portfolio, args.as_of, args.output, config=args.config)
    print(
        f"wrote the review notes template of {len(portfolio.accounts)} accounts to {path}; "
        f"fill it in at the review, then put it in the data folder as review-notes.xlsx "
        f"(in place of any review_notes file: it carries every note) or give it with --notes"
    )
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from acctkit.batch import ReportRun, run_reports
    from acctkit.batch.options import latest_complete_month
    from acctkit.data import load_portfolio
    from acctkit.datasets import DEMO_SIZE, generate_tables, write_tables
    from acctkit.kpis import compute_alerts, compute_kpis, kpi_summary
    from acctkit.model import EarlyWarningModel, score_accounts

    if not (args.data / "accounts.csv").exists():
        write_tables(generate_tables(**DEMO_SIZE), args.data)
        print(f"generated the demo portfolio in {args.data}")
    portfolio = load_portfolio(args.data)
    print(f"{args.data}: valid portfolio of {len(portfolio.accounts)} accounts")
    _print_summary(portfolio)
    as_of = DEMO_SIZE["end"]
    model = EarlyWarningModel().fit(portfolio, as_of)
    risk = score_accounts(model, portfolio, as_of)
    kpis = compute_kpis(portfolio, as_of)
    alerts = compute_alerts(kpis, risk=risk["risk_probability"])
    summary = kpi_summary(kpis, alerts=alerts, portfolio=portfolio)
    with _pandas_display():
        print(f"\nEarly-warning model, hold-out evaluation:\n{model.metrics_.round(3).to_string()}")
        print(f"\nReview as of {as_of}, ten accounts with the most alerts:")
        top = summary.sort_values(summary.columns[-2], ascending=False).head(10)
        print(top.to_string(na_rep="n/a", float_format=lambda v: f"{v:.1f}"))
    month, reports = latest_complete_month(as_of), Path("reports")
    previous = _demo_previous_review(args.data, portfolio, month, reports)
    print(f"\nRendering the {month} review reports into {reports / month} ...", flush=True)
    result = run_reports(ReportRun(args.data, month, out=reports, engine="warm", resume=True))
    print(
        f"\nOpen {result.index.resolve()} in a browser; {reports / 'index.html'} lists the reviews."
    )
    return max(previous, result.exit_code)


DEMO_EARLIER_ACCOUNTS = 12  # the demo's earlier review: enough to show the links, quickly


def _demo_previous_review(data: Path, portfolio, month: str, reports: Path) -> int:
    """The review of the month-end before ``month``, for the first dozen accounts discussed
    at it (those with review notes written that day): the history of reviews and those
    pages' "Previous review" link then have something to show, at a fraction of the cost of
    a full review."""
    import pandas as pd

    from acctkit.batch import ReportRun, run_reports
    from acctkit.batch.options import month_bounds

    day = pd.Timestamp(month_bounds(month)[0]) - pd.Timedelta(days=1)
    notes = portfolio.review_notes
    if notes is None:
        return EXIT_OK
    discussed = notes.loc[notes["noted_on"] == day, "account_id"].astype(str).unique().tolist()
    discussed = sorted(discussed)[:DEMO_EARLIER_ACCOUNTS]
    if not discussed:
        return EXIT_OK
    earlier = f"{day:%Y-%m}"
    print(
        f"\nRendering the {earlier} review of the {len(discussed)} accounts discussed at it "
        f"into {reports / earlier} ...",
        flush=True,
    )
    run = ReportRun(data, earlier, out=reports, engine="warm", accounts=discussed, resume=True)
    return run_reports(run).exit_code


if __name__ == "__main__":
    run()
