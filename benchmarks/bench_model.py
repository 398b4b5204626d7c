"""Benchmark the early-warning model on synthetic portfolios generated in memory.

For each size, in a fresh Python process (so its peak memory is its own): generate a
portfolio (``acctkit.datasets.generate_tables``, fixed seed), validate it
(``acctkit.data.from_frames``), then time ``build_panel``, ``EarlyWarningModel().fit``
(which builds its own panel, evaluates on the time-based hold-out and refits on every
snapshot) and ``explain`` at the as-of date. Prints one markdown table with the hold-out
ROC AUC of the model and of its two baselines.

Usage::

    python benchmarks/bench_model.py                      # 1,000 and 10,000 accounts x 36 months
    python benchmarks/bench_model.py --sizes 200 --months 24 --repeat 1

Target (2-core machine): ``fit`` on 10,000 accounts x 36 months < 60 s. Peak memory
(``ru_maxrss``) covers the whole child process: interpreter and libraries, the generated
tables, the validated portfolio, the panel and the fitted model.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

END = "2026-10-31"
FIT_TARGET_SECONDS = 60.0
FIT_TARGET_ACCOUNTS = 10_000


def measure(n_accounts: int, months: int, seed: int, repeat: int) -> dict:
    """Generate, validate, build, fit and explain in this process; best of ``repeat``."""
    from acctkit.data import from_frames
    from acctkit.datasets import generate_tables
    from acctkit.model import EarlyWarningModel, build_panel

    start = time.perf_counter()
    portfolio = from_frames(
        generate_tables(n_accounts=n_accounts, months=months, end=END, seed=seed)
    )
    generate_seconds = time.perf_counter() - start
    loaded_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def best(call) -> tuple[float, object]:
        times, result = [], None
        for _ in range(repeat):
            start = time.perf_counter()
            result = call()
            times.append(time.perf_counter() - start)
        return min(times), result

    panel_seconds, panel = best(lambda: build_panel(portfolio, END))
    fit_seconds, model = best(lambda: EarlyWarningModel().fit(portfolio, END))
    explain_seconds, explained = best(lambda: model.explain(portfolio, END))
    auc = model.metrics_["roc_auc"]
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kib_to_mb = 1 / 1024 if sys.platform != "darwin" else 1 / 1024**2  # macOS reports bytes
    return {
        "accounts": n_accounts,
        "months": months,
        "panel_rows": len(panel),
        "positives": int(panel["label"].sum()),
        "scored_accounts": len(explained),
        "generate_s": generate_seconds,
        "panel_s": panel_seconds,
        "fit_s": fit_seconds,
        "explain_s": explain_seconds,
        "auc_model": float(auc["model"]),
        "auc_base_rate": float(auc["base rate"]),
        "auc_nps_rule": float(auc["NPS drift rule"]),
        "loaded_mb": loaded_kib * kib_to_mb,
        "peak_mb": peak_kib * kib_to_mb,
    }


HEADER = (
    "| accounts | months | panel rows | positives | build_panel | fit | explain "
    "| AUC model | AUC base rate | AUC NPS drift rule | peak memory |\n"
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def row(result: dict) -> str:
    return (
        f"| {result['accounts']:,} | {result['months']} | {result['panel_rows']:,} "
        f"| {result['positives']:,} | {result['panel_s']:.2f} s | {result['fit_s']:.2f} s "
        f"| {result['explain_s']:.2f} s | {result['auc_model']:.3f} "
        f"| {result['auc_base_rate']:.3f} | {result['auc_nps_rule']:.3f} "
        f"| {result['peak_mb']:,.0f} MB |"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=3, help="best of N timings (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.months, args.seed, args.repeat)))
        return 0

    results, failures = [], []
    for n_accounts in args.sizes:
        command = [sys.executable, __file__, "--measure", str(n_accounts)]
        command += ["--months", str(args.months), "--seed", str(args.seed)]
        command += ["--repeat", str(args.repeat)]
        child = subprocess.run(command, capture_output=True, text=True)
        if child.returncode != 0:
            failures.append(f"### {n_accounts:,} accounts: failed\n\n```\n{child.stderr}\n```\n")
            continue
        results.append(json.loads(child.stdout.strip().splitlines()[-1]))

    print(f"Early-warning model, as of {END}, seed {args.seed}, best of {args.repeat}:\n")
    print(HEADER)
    for result in results:
        print(row(result))
    print()
    for result in results:
        print(
            f"- {result['accounts']:,} accounts: generating and validating the portfolio took "
            f"{result['generate_s']:.2f} s (not in the table), peak memory "
            f"{result['loaded_mb']:,.0f} MB by then; {result['scored_accounts']:,} accounts "
            "scored by explain"
        )
    for result in results:
        if result["accounts"] == FIT_TARGET_ACCOUNTS and result["months"] == 36:
            verdict = "met" if result["fit_s"] < FIT_TARGET_SECONDS else "MISSED"
            print(
                f"- target fit < {FIT_TARGET_SECONDS:.0f} s on {FIT_TARGET_ACCOUNTS:,} accounts "
                f"x 36 months: {verdict} ({result['fit_s']:.2f} s)"
            )
    for failure in failures:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
