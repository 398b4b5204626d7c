"""Benchmark loading a portfolio from a database against the same tables as Parquet files.

A synthetic portfolio (``acctkit.datasets``) is written as one Parquet file per table, and
the same tables are put into a DuckDB file and into a PostgreSQL server started for the run
(Debian's ``postgresql``, a temporary cluster on a Unix socket; see tests/dbhelpers.py) with
the data model's column types. Then, each in a fresh Python process (so that its peak
memory is its own work alone, above the same imports), ``load_portfolio`` on:

- the Parquet folder (the reference);
- ``duckdb:///portfolio.duckdb`` (Arrow tables straight from DuckDB);
- ``postgresql+psycopg://...`` (binary ``COPY`` decoded into Arrow by the ADBC driver),
  read by a role that may only SELECT.

Two more rows show what the PostgreSQL load rests on: the server's own work (every table
written to the server's ``/dev/null``, no client) and the ADBC driver's decoding on the
client (every table fetched into Arrow, nothing checked), with its CPU time.

Prints a markdown table. Targets: each database load at most 2x the Parquet load, with a
peak memory at most 1.5x.

Usage::

    python benchmarks/bench_db.py                     # 10,000 accounts x 36 months
    python benchmarks/bench_db.py --accounts 1000 --repeat 5
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/dbhelpers.py: the loading helpers and the server

END = "2026-10-31"


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")  # pragma: no cover - Linux only


def measure(source: str, repeat: int) -> dict[str, float]:
    """``load_portfolio(source)`` in this (fresh) process: best time of ``repeat``, peak RSS."""
    import duckdb  # noqa: F401 - every job imports the same modules first
    import psycopg  # noqa: F401
    import sqlalchemy  # noqa: F401

    from acctkit.data import load_portfolio

    imports_mb = _peak_mb()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        load_portfolio(source)
        times.append(time.perf_counter() - start)
    return {"seconds": min(times), "peak_mb": _peak_mb(), "imports_mb": imports_mb}


def run_child(source: str, repeat: int) -> dict[str, float]:
    child = subprocess.run(
        [sys.executable, __file__, "--measure", source, "--repeat", str(repeat)],
        capture_output=True,
        text=True,
    )
    if child.returncode != 0:
        raise RuntimeError(f"loading failed:\n{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def server_seconds(server, repeat: int) -> float:
    """PostgreSQL's own work, no client at all: the server writing every table in binary
    ``COPY`` format to its own ``/dev/null`` (as the superuser). Best of ``repeat``."""
    import psycopg

    from acctkit.data.portfolio import TABLE_NAMES

    times = []
    with psycopg.connect(server.dsn(), autocommit=True) as connection:
        for _ in range(repeat):
            start = time.perf_counter()
            for name in TABLE_NAMES:
                connection.execute(f"COPY {name} TO '/dev/null' (FORMAT binary)")
            times.append(time.perf_counter() - start)
    return min(times)


def decode_seconds(url: str, repeat: int) -> dict[str, float]:
    """The client's side of the PostgreSQL load before any check: the ADBC driver fetching
    every table into Arrow, wall time and this process's CPU time. Best of ``repeat``."""
    import adbc_driver_postgresql.dbapi as adbc

    from acctkit.data.database import libpq_uri
    from acctkit.data.portfolio import TABLE_NAMES

    best = {"seconds": float("inf"), "cpu": float("inf")}
    with adbc.connect(libpq_uri(url)) as connection:
        for _ in range(repeat):
            start, cpu = time.perf_counter(), time.process_time()
            with connection.cursor() as cursor:
                for name in TABLE_NAMES:
                    cursor.execute(f"SELECT * FROM {name}")
                    cursor.fetch_arrow_table()
            best["seconds"] = min(best["seconds"], time.perf_counter() - start)
            best["cpu"] = min(best["cpu"], time.process_time() - cpu)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=3, help="best of N timings (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--measure", metavar="SOURCE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.repeat)))
        return 0

    from acctkit.datasets import generate_tables, write_tables
    from tests.dbhelpers import PostgresServer, copy_into_duckdb, copy_into_postgres

    server = PostgresServer()
    with tempfile.TemporaryDirectory(prefix="acctkit-bench-db-") as tmp:
        folder = Path(tmp)
        tables = generate_tables(n_accounts=args.accounts, months=args.months, end=END, seed=0)
        rows = sum(len(frame) for frame in tables.values())
        (folder / "parquet").mkdir()
        for name, frame in tables.items():
            frame.to_parquet(folder / "parquet" / f"{name}.parquet", index=False)
        write_tables(tables, folder / "csv")
        del tables
        copy_into_duckdb(folder / "csv", folder / "portfolio.duckdb")
        try:
            server.start()
            copy_into_postgres(folder / "csv", server.dsn())
            server.grant_reader()
            server.sql("VACUUM ANALYZE", database="crm")
            sources = {
                "Parquet files": str(folder / "parquet"),
                "DuckDB file": f"duckdb:///{folder / 'portfolio.duckdb'}",
                "PostgreSQL (ADBC, else psycopg)": server.url(),
            }
            results = {label: run_child(source, args.repeat) for label, source in sources.items()}
            alone = server_seconds(server, args.repeat)
            decoding = decode_seconds(server.url(), args.repeat)
        finally:
            server.stop()
    reference = results["Parquet files"]
    print(f"### Loading {args.accounts:,} accounts x {args.months} months ({rows:,} rows)\n")
    print("| source | load_portfolio | vs Parquet | peak memory | vs Parquet |")
    print("|---|---:|---:|---:|---:|")
    for label, result in results.items():
        print(
            f"| {label} | {result['seconds']:.2f} s | "
            f"{result['seconds'] / reference['seconds']:.2f}x | {result['peak_mb']:,.0f} MB | "
            f"{result['peak_mb'] / reference['peak_mb']:.2f}x |"
        )
    parquet = reference["seconds"]
    print(
        f"| (PostgreSQL's own work: the server writing every table to its `/dev/null`, "
        f"no client) | {alone:.2f} s | {alone / parquet:.2f}x | | |"
    )
    print(
        f"| (the ADBC driver's decoding: every table fetched into Arrow, nothing checked; "
        f"{decoding['cpu']:.2f} CPU-s in the client) | {decoding['seconds']:.2f} s | "
        f"{decoding['seconds'] / parquet:.2f}x | | |"
    )
    print(
        f"\nThe 2x goal is {2 * parquet:.2f} s, {4 * parquet:.2f} CPU-seconds on 2 cores; "
        f"the server's writing ({alone:.2f} CPU-s) and the driver's decoding "
        f"({decoding['cpu']:.2f} CPU-s) alone take {alone + decoding['cpu']:.2f}."
    )
    imports = max(result["imports_mb"] for result in results.values())
    print(
        f"\n(best of {args.repeat}; peak memory is each process's peak RSS, about "
        f"{imports:,.0f} MB of it the imports every process makes first)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
