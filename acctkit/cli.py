"""The ``acctkit`` command: a thin layer over the functions users call from a notebook.

Exit codes: 0 success, 1 some work failed (e.g. some reports), 2 bad input or usage
(any ``AcctkitError``: the message is printed, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from acctkit.errors import AcctkitError

EXIT_OK, EXIT_PARTIAL, EXIT_INPUT = 0, 1, 2

DEMO_DATA = Path("data/demo")
DEMO_SIZE = {"n_accounts": 40, "months": 24, "end": "2026-10-31", "seed": 7}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return EXIT_INPUT
    try:
        return int(args.run(args) or EXIT_OK)
    except AcctkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


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
    generate.add_argument("--end", default="2026-10-31", help="last day (YYYY-MM-DD)")
    generate.add_argument("--seed", type=int, default=0, help="random seed (default 0)")

    demo = command("demo", _demo, "Generate the demo portfolio (if absent) and review it.")
    demo.add_argument("--data", type=Path, default=DEMO_DATA, help=f"default {DEMO_DATA}")
    return parser


def _add_data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", type=Path, help="portfolio folder or .xlsx workbook")
    parser.add_argument(
        "--dayfirst", action="store_true", help="dates are DD/MM/YYYY (European exports)"
    )


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {value}")
    return number


def _load(args: argparse.Namespace):
    from acctkit.data import load_portfolio

    return load_portfolio(args.data, dayfirst=args.dayfirst)


def _print_summary(portfolio) -> None:
    summary = portfolio.summary()
    for col in ("first_date", "last_date"):
        summary[col] = summary[col].dt.strftime("%Y-%m-%d").fillna("")
    print(summary.to_string())


def _validate(args: argparse.Namespace) -> int:
    portfolio = _load(args)
    print(f"{args.data}: valid portfolio of {len(portfolio.accounts)} accounts")
    _print_summary(portfolio)
    return EXIT_OK


def _generate(args: argparse.Namespace) -> int:
    from acctkit.datasets import generate_tables, write_tables

    tables = generate_tables(args.accounts, args.months, args.end, args.seed)
    paths = write_tables(tables, args.folder)
    rows = sum(len(t) for t in tables.values())
    print(f"wrote {len(paths)} tables ({rows:,} rows) for {args.accounts} accounts to {args.folder}")
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    from acctkit.data import load_portfolio
    from acctkit.datasets import generate_tables, write_tables

    if not (args.data / "accounts.csv").exists():
        write_tables(generate_tables(**DEMO_SIZE), args.data)
        print(f"generated the demo portfolio in {args.data}")
    portfolio = load_portfolio(args.data)
    print(f"{args.data}: valid portfolio of {len(portfolio.accounts)} accounts")
    _print_summary(portfolio)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
