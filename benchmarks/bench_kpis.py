"""Benchmark loading and the KPI engine on synthetic portfolios.

For each size: generate a portfolio (``acctkit.datasets``) and write it twice, one Parquet
file per table and one CSV file per table. Then, each in a fresh Python process (so that its
peak memory is its own work alone, above the same imports):

- the plain read: every file with ``pandas.read_parquet`` / ``pandas.read_csv(engine="pyarrow")``;
- the load: ``load_portfolio`` on the same folder (reading, parsing, validating, typing);
- from Parquet, ``compute_kpis`` and ``kpi_history(months=12)`` on the loaded portfolio.

The plain read and the load are timed in turn in one more process (best of the turns), so
that a busy spell of the machine slows both alike; the separate processes give each one's
peak memory, and their times are shown too. Prints markdown tables.

Usage::

    python benchmarks/bench_kpis.py                      # 1,000 and 10,000 accounts x 36 months
    python benchmarks/bench_kpis.py --sizes 500 --months 24 --repeat 5

Targets (2-core machine): ``load_portfolio`` within 2x the plain read of the same files
(Parquet, and CSV against Arrow's CSV reader), with a peak memory at most 1.5x the plain
read's; ``compute_kpis`` on 10,000 accounts < 5 s and within 3x the Parquet load time; about
linear in the number of accounts; ``kpi_history(12)`` at most 4x one ``compute_kpis``; peak
memory of load + KPIs + history at 10,000 accounts < 3 GB; ``group_kpis`` with one group
per 10 accounts (1,000 groups at 10,000 accounts, every tenth one three levels deep) at
most 2x one ``compute_kpis``.

The account plan (account-plan.md): every account given a plan in force (12 distinct start
dates) with 4 objectives (3 KPI targets, 2 of them without a baseline, and one qualitative
served by the account's actions); ``compute_kpis`` with the plan columns at most 1.5x the
same call on the portfolio without plan tables, and ``objective_progress`` at most 2x one
``compute_kpis``.
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
FORMATS = ("parquet", "csv")


def write_tables_as(n_accounts: int, months: int, folder: Path, seed: int) -> dict[str, int]:
    """Generate a portfolio; write it to ``folder/parquet`` and ``folder/csv``; rows per table."""
    from acctkit.datasets import generate_tables, write_tables

    tables = generate_tables(n_accounts=n_accounts, months=months, end=END, seed=seed)
    (folder / "parquet").mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_parquet(folder / "parquet" / f"{name}.parquet", index=False)
    write_tables(tables, folder / "csv")
    return {name: len(frame) for name, frame in tables.items()}


def _peak_mb() -> float:
    """This process's peak RSS. On Linux from VmHWM: ``ru_maxrss`` would also count the
    parent's memory at the fork that started this process."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak_kib / 1024 if sys.platform != "darwin" else peak_kib / 1024**2


def _best(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(job: str, folder: Path, repeat: int) -> dict[str, float]:
    """One job in this (fresh) process: its best time of ``repeat`` and the peak RSS.

    Every job imports the same modules first, so that the peak memories compare the work.
    """
    import pandas as pd

    from acctkit.data import load_portfolio
    from acctkit.kpis import compute_kpis, kpi_history

    start_mb = _peak_mb()
    files = sorted(folder.iterdir())
    plain = {
        "parquet": lambda: [pd.read_parquet(path) for path in files],
        "csv": lambda: [pd.read_csv(path, engine="pyarrow") for path in files],
    }
    if job.startswith("plain-"):
        seconds = _best(plain[job.removeprefix("plain-")], repeat)
    elif job == "load":
        seconds = _best(lambda: load_portfolio(folder), repeat)
    elif job.startswith("pair-"):  # the plain read and the load in turn: the same moments
        calls = {
            "plain_s": plain[job.removeprefix("pair-")],
            "load_s": lambda: load_portfolio(folder),
        }
        best = dict.fromkeys(calls, float("inf"))
        for _ in range(repeat + 1):  # the first turn warms both up alike
            for name, call in calls.items():
                best[name] = min(best[name], _best(call, 1))
        return best
    elif job == "plans":  # the account plan: with and without plan tables, interleaved
        import dataclasses

        from acctkit.kpis import objective_progress

        loaded = load_portfolio(folder)
        bare = dataclasses.replace(loaded, plans=None, objectives=None, plan_items=None)
        planned = with_plans(bare)
        calls = {
            "without_s": lambda: compute_kpis(bare, END),
            "with_s": lambda: compute_kpis(planned, END),
            "progress_s": lambda: objective_progress(planned, END),
        }
        best = dict.fromkeys(calls, float("inf"))
        for _ in range(repeat):  # one of each in turn: a busy spell slows all three alike
            for name, call in calls.items():
                best[name] = min(best[name], _best(call, 1))
        return {**best, "objectives": len(planned.objectives)}
    else:  # "kpis": one load, then the KPI engine
        from acctkit.kpis import group_kpis

        portfolio = load_portfolio(folder)
        grouped = with_groups(portfolio, len(portfolio.accounts) // 10)
        return {
            "kpis_s": _best(lambda: compute_kpis(portfolio, END), repeat),
            "history_s": _best(lambda: kpi_history(portfolio, END, months=12), repeat),
            "groups_s": _best(lambda: group_kpis(grouped, END), repeat),
            "groups": len(group_kpis(grouped, END)),
            "peak_mb": _peak_mb(),
        }
    return {"seconds": seconds, "peak_mb": _peak_mb(), "imports_mb": start_mb}


def with_groups(portfolio, n_groups: int):
    """The portfolio with ``n_groups`` groups of 2 to 5 entities (entities 3 and 4 of every
    tenth group hang under entity 2: three levels), the others standalone."""
    import dataclasses

    import pandas as pd

    ids = list(portfolio.account_ids)
    parents: list[object] = [None] * len(ids)
    position = 0
    for group in range(n_groups):
        size = 2 + group % 4
        if position + size > len(ids):
            break
        top = ids[position]
        for k in range(1, size):
            deep = group % 10 == 0 and k >= 2
            parents[position + k] = ids[position + 1] if deep else top
        position += size
    accounts = portfolio.accounts.assign(parent_account_id=pd.array(parents, dtype="string"))
    return dataclasses.replace(portfolio, accounts=accounts)


def with_plans(portfolio):
    """``portfolio`` without its own plan tables, then a plan in force for every account:
    12 start dates (the first of each of the 12 months before ``END``), one year long; 4
    objectives (interactions and nps without a baseline, coverage_pct from 50, and a
    qualitative one served by the account's actions due within the plan)."""
    import dataclasses

    import numpy as np
    import pandas as pd

    from acctkit.data import from_frames

    ids = portfolio.accounts["account_id"].astype(str).to_numpy()
    n = len(ids)
    end = pd.Timestamp(END)
    months_back = np.arange(n) % 12
    starts = pd.DatetimeIndex(
        [end.to_period("M").to_timestamp() - pd.DateOffset(months=int(m)) for m in months_back]
    )
    plans = pd.DataFrame(
        {
            "plan_id": [f"P{i}" for i in range(n)],
            "account_id": ids,
            "starts_on": starts,
            "ends_on": starts + pd.DateOffset(years=1) - pd.Timedelta(days=1),
            "revenue_target": np.nan,
        }
    )
    kinds = [("K1", "interactions", np.nan, 20.0), ("K2", "nps", np.nan, 50.0),
             ("K3", "coverage_pct", 50.0, 100.0), ("Q", None, np.nan, np.nan)]  # fmt: skip
    objectives = pd.concat(
        [
            pd.DataFrame(
                {
                    "objective_id": [f"P{i}-{suffix}" for i in range(n)],
                    "plan_id": plans["plan_id"],
                    "title": f"Objective {suffix}",
                    "kpi": kpi,
                    "baseline": baseline,
                    "target": target,
                }
            )
            for suffix, kpi, baseline, target in kinds
        ],
        ignore_index=True,
    )
    checked = from_frames(
        {
            "accounts": portfolio.accounts[["account_id", "name"]].astype({"account_id": str}),
            "plans": plans,
            "objectives": objectives,
        }  # fmt: skip
    )
    actions = portfolio.actions
    position = actions["account_id"].cat.codes.to_numpy()
    within = (actions["due_on"] >= starts[position]).to_numpy()
    linked = np.where(within, np.char.add(np.char.add("P", position.astype(str)), "-Q"), None)
    actions = actions.assign(objective_id=pd.array(linked, dtype="str"))
    return dataclasses.replace(
        portfolio,
        actions=actions,
        plans=checked.plans.assign(
            account_id=pd.Categorical(ids, categories=portfolio.account_ids)
        ),
        objectives=checked.objectives,
        plan_items=None,
    )


def plan_report(n_accounts: int, result: dict) -> str:
    plan = result["plans"]
    return "\n".join(
        [
            f"### The account plan, {n_accounts:,} accounts ({plan['objectives']:,} objectives)",
            "",
            "| measure | value |",
            "|---|---:|",
            f"| compute_kpis without plan tables | {plan['without_s']:.2f} s |",
            f"| compute_kpis with the plan columns | {plan['with_s']:.2f} s "
            f"({plan['with_s'] / plan['without_s']:.2f}x; target <= 1.5x) |",
            f"| objective_progress | {plan['progress_s']:.2f} s "
            f"({plan['progress_s'] / plan['with_s']:.2f}x compute_kpis; target <= 2x) |",
            "",
        ]
    )


def run_child(job: str, folder: Path, repeat: int) -> dict[str, float]:
    child = subprocess.run(
        [sys.executable, __file__, "--measure", job, str(folder), "--repeat", str(repeat)],
        capture_output=True,
        text=True,
    )
    if child.returncode != 0:
        raise RuntimeError(f"{job} on {folder} failed:\n{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def load_table(results: dict[tuple[int, str], dict[str, dict[str, float]]]) -> str:
    lines = [
        "| accounts | format | plain read | load_portfolio | ratio | separate processes "
        "| peak memory: plain read | load | ratio |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (n_accounts, fmt), result in results.items():
        plain, load, pair = result["plain"], result["load"], result["pair"]
        lines.append(
            f"| {n_accounts:,} | {fmt} | {pair['plain_s']:.2f} s | {pair['load_s']:.2f} s "
            f"| {pair['load_s'] / pair['plain_s']:.2f}x "
            f"| {plain['seconds']:.2f} s, {load['seconds']:.2f} s "
            f"({load['seconds'] / plain['seconds']:.2f}x) | {plain['peak_mb']:,.0f} MB "
            f"| {load['peak_mb']:,.0f} MB | {load['peak_mb'] / plain['peak_mb']:.2f}x |"
        )
    imports = max(r["plain"]["imports_mb"] for r in results.values())
    lines += [
        "",
        "(times: best of the turns of one process that runs the plain read and the load in "
        "turn, so that both meet the same busy spells; separate processes: each one's best "
        "in a process of its own, which also gives the peak memory: each process's peak RSS, "
        f"about {imports:,.0f} MB of it the imports every process makes first)",
    ]
    return "\n".join(lines) + "\n"


def kpi_report(n_accounts: int, months: int, rows: dict[str, int], result: dict) -> str:
    lines = [
        f"### {n_accounts:,} accounts x {months} months",
        "",
        "| measure | value |",
        "|---|---:|",
    ]
    lines += [f"| rows: {name} | {count:,} |" for name, count in rows.items()]
    lines += [f"| rows: total | {sum(rows.values()):,} |"]
    load_s = result["load"]["seconds"]
    ratio = result["kpis"]["kpis_s"] / load_s
    history_ratio = result["kpis"]["history_s"] / result["kpis"]["kpis_s"]
    lines += [
        f"| load_portfolio (Parquet) | {load_s:.2f} s |",
        f"| compute_kpis | {result['kpis']['kpis_s']:.2f} s ({ratio:.2f}x load) |",
        f"| kpi_history(months=12) | {result['kpis']['history_s']:.2f} s "
        f"({history_ratio:.2f}x compute_kpis) |",
        f"| group_kpis ({result['kpis']['groups']:,} groups) | {result['kpis']['groups_s']:.2f} s "
        f"({result['kpis']['groups_s'] / result['kpis']['kpis_s']:.2f}x compute_kpis) |",
        f"| peak memory (load + KPIs + history) | {result['kpis']['peak_mb']:,.0f} MB |",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=3, help="best of N timings (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--no-kpis", action="store_true", help="only the plain read and the load")
    parser.add_argument("--measure", nargs=2, metavar=("JOB", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.measure is not None:
        job, folder = args.measure
        print(json.dumps(measure(job, Path(folder), args.repeat)))
        return 0

    loads: dict[tuple[int, str], dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="acctkit-bench-") as tmp:
        for n_accounts in args.sizes:
            folder = Path(tmp) / f"portfolio-{n_accounts}"
            rows = write_tables_as(n_accounts, args.months, folder, args.seed)
            for fmt in args.formats:
                files = folder / fmt
                loads[n_accounts, fmt] = {
                    "plain": run_child(f"plain-{fmt}", files, args.repeat),
                    "load": run_child("load", files, args.repeat),
                    "pair": run_child(f"pair-{fmt}", files, args.repeat),
                }
            if not args.no_kpis and "parquet" in args.formats:
                result = dict(loads[n_accounts, "parquet"])
                result["kpis"] = run_child("kpis", folder / "parquet", args.repeat)
                print(kpi_report(n_accounts, args.months, rows, result), flush=True)
                result["plans"] = run_child("plans", folder / "parquet", args.repeat)
                print(plan_report(n_accounts, result), flush=True)
    print("### Loading: the plain read of the files and load_portfolio\n")
    print(load_table(loads), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
