"""Benchmark the review bundle: build it once for every account, then read one account.

For each size, in this process: generate and validate a synthetic portfolio, fit the
early-warning model, time ``build_bundle`` (KPIs now and at 12 month-ends, alerts in two
languages, score breakdowns, risk and its trend, contacts, monthly activity, pipeline,
actions, the alerts' back-test; the back-test is also timed alone) and ``load_account``
for 25 accounts spread over the portfolio (median and worst).
Prints a markdown table.

Usage::

    python benchmarks/bench_bundle.py                 # 1,000 and 10,000 accounts x 36 months
    python benchmarks/bench_bundle.py --sizes 200

Target (issue 5): loading one account from a 10,000-account bundle well under a second.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

END = "2026-10-31"


def measure(n_accounts: int, months: int, seed: int) -> dict:
    from acctkit.data import from_frames
    from acctkit.datasets import generate_tables
    from acctkit.model import EarlyWarningModel, backtest_alerts
    from acctkit.report.bundle import build_bundle, load_account

    portfolio = from_frames(generate_tables(n_accounts, months, END, seed))
    model = EarlyWarningModel().fit(portfolio, END)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        build_bundle(portfolio, END, folder, model=model)
        build_seconds = time.perf_counter() - start
        size_mb = sum(p.stat().st_size for p in Path(folder).iterdir()) / 1e6
        ids = list(portfolio.account_ids)
        picks = ids[:: max(1, len(ids) // 25)][:25]
        start = time.perf_counter()
        backtest_alerts(portfolio, END)  # the part of build_bundle the back-test costs
        backtest_seconds = time.perf_counter() - start
        loads = []
        for account_id in picks:
            start = time.perf_counter()
            load_account(folder, account_id)
            loads.append(time.perf_counter() - start)
    return {
        "accounts": n_accounts,
        "build": build_seconds,
        "backtest": backtest_seconds,
        "size_mb": size_mb,
        "load_median": statistics.median(loads),
        "load_max": max(loads),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rows = [measure(n, args.months, args.seed) for n in args.sizes]
    print(
        "| accounts | build_bundle | of which the alerts' back-test | bundle size "
        "| load_account (median) | load_account (worst) |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['accounts']:,} | {row['build']:.2f} s | {row['backtest']:.2f} s "
            f"| {row['size_mb']:.1f} MB "
            f"| {row['load_median'] * 1000:.0f} ms | {row['load_max'] * 1000:.0f} ms |"
        )


if __name__ == "__main__":
    main()
