"""Benchmark the KPI engine on synthetic portfolios read from Parquet.

For each size: generate a portfolio (``acctkit.datasets``), write one Parquet file per table,
then, in a fresh Python process (so its peak memory is the load + KPIs + history alone),
load it with ``load_portfolio``, time ``compute_kpis`` and ``kpi_history(months=12)``, and
print a markdown table.

Usage::

    python benchmarks/bench_kpis.py                      # 1,000 and 10,000 accounts x 36 months
    python benchmarks/bench_kpis.py --sizes 500 --months 24 --repeat 5

Targets (2-core machine): ``compute_kpis`` on 10,000 accounts < 5 s and within 3x the
Parquet load time; about linear in the number of accounts; ``kpi_history(12)`` at most 4x one
``compute_kpis``; peak memory of load + KPIs + history at 10,000 accounts < 3 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

END = "2026-10-31"


def write_parquet(n_accounts: int, months: int, folder: Path, seed: int) -> dict[str, int]:
    """Generate a portfolio and write one Parquet file per table; return rows per table."""
    from acctkit.datasets import generate_tables

    tables = generate_tables(n_accounts=n_accounts, months=months, end=END, seed=seed)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    return {name: len(frame) for name, frame in tables.items()}


def measure(folder: Path, repeat: int) -> dict[str, float]:
    """Load, compute and time in this process; peak memory is this process's maximum RSS."""
    from acctkit.data import load_portfolio
    from acctkit.kpis import compute_kpis, kpi_history

    start = time.perf_counter()
    portfolio = load_portfolio(folder)
    load_seconds = time.perf_counter() - start

    def best(call) -> float:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        return min(times)

    kpis_seconds = best(lambda: compute_kpis(portfolio, END))
    history_seconds = best(lambda: kpi_history(portfolio, END, months=12))
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "load_s": load_seconds,
        "kpis_s": kpis_seconds,
        "history_s": history_seconds,
        "peak_mb": peak_kib / 1024 if sys.platform != "darwin" else peak_kib / 1024**2,
    }


def report(n_accounts: int, months: int, rows: dict[str, int], result: dict[str, float]) -> str:
    lines = [
        f"### {n_accounts:,} accounts x {months} months",
        "",
        "| measure | value |",
        "|---|---:|",
    ]
    lines += [f"| rows: {name} | {count:,} |" for name, count in rows.items()]
    lines += [f"| rows: total | {sum(rows.values()):,} |"]
    ratio = result["kpis_s"] / result["load_s"]
    history_ratio = result["history_s"] / result["kpis_s"]
    lines += [
        f"| load_portfolio (Parquet) | {result['load_s']:.2f} s |",
        f"| compute_kpis | {result['kpis_s']:.2f} s ({ratio:.2f}x load) |",
        f"| kpi_history(months=12) | {result['history_s']:.2f} s "
        f"({history_ratio:.2f}x compute_kpis) |",
        f"| peak memory (load + KPIs + history) | {result['peak_mb']:,.0f} MB |",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=3, help="best of N timings (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.repeat)))
        return 0

    with tempfile.TemporaryDirectory(prefix="acctkit-bench-") as tmp:
        for n_accounts in args.sizes:
            folder = Path(tmp) / f"portfolio-{n_accounts}"
            rows = write_parquet(n_accounts, args.months, folder, args.seed)
            child = subprocess.run(
                [sys.executable, __file__, "--measure", str(folder), "--repeat", str(args.repeat)],
                capture_output=True,
                text=True,
            )
            if child.returncode != 0:
                print(f"### {n_accounts:,} accounts: failed\n\n```\n{child.stderr}\n```\n")
                continue
            result = json.loads(child.stdout.strip().splitlines()[-1])
            print(report(n_accounts, args.months, rows, result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
