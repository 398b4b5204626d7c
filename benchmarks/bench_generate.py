"""Benchmark of the synthetic portfolio generator: generation and CSV writing time, peak memory.

Run ``python benchmarks/bench_generate.py`` (optionally ``--sizes 1000x36 10000x36``). Each
size runs in a fresh Python process so that its peak memory (``ru_maxrss``, which includes
the interpreter and pandas, about 100 MB) is its own. Prints markdown tables.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time

DEFAULT_SIZES = ("1000x36", "10000x36")


def run_case(n_accounts: int, months: int) -> dict:
    """Generate and write one portfolio; return its sizes, timings and peak memory."""
    from acctkit.datasets import generate_tables, write_tables

    start = time.perf_counter()
    tables = generate_tables(n_accounts=n_accounts, months=months, seed=0)
    generated = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        write_tables(tables, folder)
        written = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes vs KiB
    return {
        "accounts": n_accounts,
        "months": months,
        "rows": {name: len(frame) for name, frame in tables.items()},
        "generate_s": generated - start,
        "write_s": written - generated,
        "peak_mb": peak_mb,
    }


def _in_fresh_process(size: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--case", size], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout)


def _parse(size: str) -> tuple[int, int]:
    accounts, months = size.lower().split("x")
    return int(accounts), int(months)


def _markdown(results: list[dict]) -> str:
    lines = [
        "| accounts | months | rows (total) | generation (s) | CSV write (s) | peak memory (MB) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['accounts']:,} | {r['months']} | {sum(r['rows'].values()):,} "
            f"| {r['generate_s']:.2f} | {r['write_s']:.2f} | {r['peak_mb']:,.0f} |"
        )
    header = " | ".join(f"{r['accounts']:,} x {r['months']}" for r in results)
    lines += ["", f"| table | {header} |", "|---|" + "---:|" * len(results)]
    for table in results[0]["rows"]:
        counts = " | ".join(f"{r['rows'][table]:,}" for r in results)
        lines.append(f"| {table} | {counts} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=list(DEFAULT_SIZES), help="ACCOUNTSxMONTHS")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(run_case(*_parse(args.case))))
        return
    results = [_in_fresh_process(size) for size in args.sizes]
    print(_markdown(results))


if __name__ == "__main__":
    main()
