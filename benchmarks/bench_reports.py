"""Benchmark the monthly review reports: the naive loop, the fresh engine, the warm engine.

On the demo portfolio (``DEMO_SIZE``: 120 accounts, 36 months), for the first ``--accounts``
accounts (40 by default), three ways of producing every account's HTML review:

(a) naive
    What an analyst would script: one ``papermill`` then one
    ``jupyter nbconvert --to html --no-input`` per account, in a shell-like loop
    (``subprocess``, one at a time). The only place acctkit runs those command lines.
(b) fresh
    ``run_reports(ReportRun(..., engine="fresh", jobs=2))``: a new kernel per report, two workers.
(c) warm
    ``run_reports(ReportRun(..., engine="warm", jobs=2))``: one reused kernel per worker.

Then a larger run of (c) on ``--scale`` accounts of a bigger synthetic portfolio, from which
the time of 1,000 reports is extrapolated (it is measured when ``--scale 1000``). Times are
wall clock of the whole command, start-up included (data load, model training, bundle,
worker and kernel start, portfolio review), divided by the number of account reports. The
breakdown of one report comes from the per-report timings the batch records in its
manifest (medians). Peak memory: the parent process, the largest worker process, the
largest kernel (Linux ``VmHWM``); for (a) the largest child process.

Usage::

    python benchmarks/bench_reports.py                    # 40 accounts, scale run of 200
    python benchmarks/bench_reports.py --scale 1000       # measure 1,000 reports with (c)
    python benchmarks/bench_reports.py --skip-naive --accounts 20

Targets (2 cores): (b) at least 3x faster than (a), (c) at least 3x faster than (b), 1,000
reports with (c) in under 10 minutes, every worker under 1 GB whatever the batch size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
BIN = Path(sys.executable).parent
END = "2026-10-31"
MONTH = END[:7]


def write_portfolio(folder: Path, n_accounts: int) -> list[str]:
    """The demo generator's settings with ``n_accounts``; returns the account ids."""
    from acctkit.datasets import DEMO_SIZE, generate_tables, write_tables

    tables = generate_tables(**{**DEMO_SIZE, "n_accounts": n_accounts})
    write_tables(tables, folder)
    return [str(account_id) for account_id in tables["accounts"]["account_id"]]


def naive(data: Path, ids: list[str], work: Path) -> dict:
    """(a): papermill then nbconvert command lines, one account after the other."""
    from acctkit.data import load_portfolio
    from acctkit.model import EarlyWarningModel
    from acctkit.report import build_bundle

    started, cpu = time.perf_counter(), _cpu_seconds()
    portfolio = load_portfolio(data)
    model = EarlyWarningModel().fit(portfolio, END)
    bundle = build_bundle(portfolio, END, work / "bundle", model=model)
    for account_id in ids:
        executed = work / f"{account_id}.ipynb"
        subprocess.run(
            [
                str(BIN / "papermill"),
                str(NOTEBOOKS / "account_review.ipynb"),
                str(executed),
                "-r",  # -p would turn 0007 into 7: the naive way needs -r for text ids
                "account_id",
                account_id,
                "-p",
                "as_of",
                END,
                "-p",
                "review_bundle",
                str(bundle),
                "--no-progress-bar",
                "-k",
                "python3",
            ],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
            check=True,
            capture_output=True,
        )
    seconds = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "seconds": seconds,
        "reports": len(ids),
        "child_mb": children,
        "cpu": _cpu_seconds() - cpu,
    }


def batch(data: Path, ids: list[str] | None, out: Path, engine: str) -> dict:
    """(b) and (c), in a fresh Python process so that its peak memory is its own."""
    code = (
        "import json, resource, sys\n"
        "from acctkit.batch.startup import skip_iri_grammars\n"
        "skip_iri_grammars()  # as the acctkit command starts\n"
        "from acctkit.batch import ReportRun, run_reports\n"
        "if __name__ == '__main__':\n"
        "    ids = json.loads(sys.argv[4])\n"
        "    r = run_reports(ReportRun(sys.argv[1], sys.argv[5], out=sys.argv[2],\n"
        "                              engine=sys.argv[3], jobs=2, accounts=ids, progress=False))\n"
        "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "    print(json.dumps({'seconds': r.seconds, 'failed': len(r.failed), 'parent_mb': peak,\n"
        "                      'reports': r.rendered + len(r.failed)}))\n"
    )
    started, cpu = time.perf_counter(), _cpu_seconds()
    done = subprocess.run(
        [sys.executable, "-c", code, str(data), str(out), engine, json.dumps(ids), MONTH],
        check=True,
        capture_output=True,
        text=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    result["cpu"] = _cpu_seconds() - cpu
    manifest = json.loads((out / MONTH / "manifest.json").read_text())
    result.update(_from_manifest(manifest))
    return result


def _cpu_seconds() -> float:
    """CPU time of this process and of every finished child (kernels and workers included,
    once their parents reaped them): what 2 cores have to share."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _from_manifest(manifest: dict) -> dict:
    accounts = [entry for entry in manifest["accounts"] if entry["status"] == "done"]
    steps = sorted({step for entry in accounts for step in entry["timings"]})
    return {
        "steps": {
            step: statistics.median(entry["timings"].get(step, 0.0) for entry in accounts)
            for step in steps
        },
        "report_seconds": statistics.median(entry["seconds"] for entry in accounts),
        "worker_mb": max(entry["worker_memory_mb"] or 0 for entry in accounts),
        "kernel_mb": max(entry["kernel_memory_mb"] or 0 for entry in accounts),
        "kernel_mb_first": _kernel_memory(accounts, first=True),
        "kernel_mb_last": _kernel_memory(accounts, first=False),
    }


def _kernel_memory(accounts: list[dict], *, first: bool) -> float:
    """Median kernel peak over the first (or last) tenth of the batch: flat or growing?"""
    tenth = max(1, len(accounts) // 10)
    chosen = accounts[:tenth] if first else accounts[-tenth:]
    return statistics.median(entry["kernel_memory_mb"] or 0 for entry in chosen)


def sections(data: Path, ids: list[str], work: Path) -> dict[str, dict[str, float]]:
    """Kernel seconds per notebook section, fresh and warm (one worker, no contention)."""
    from acctkit.batch.engines import EngineSettings, ReportJob, close_workers, run_job

    results = {}
    for engine in ("fresh", "warm"):
        outcomes = []
        for account_id in ids:
            job = ReportJob(
                label=account_id,
                notebook=str(NOTEBOOKS / "account_review.ipynb"),
                html=str(work / engine / f"{account_id}.html"),
                executed=str(work / engine / f"{account_id}.ipynb"),
                parameters={
                    "account_id": account_id,
                    "as_of": END,
                    "review_bundle": str(work / "bundle"),
                    "data_path": str(data),
                    "lang": "en",
                },
                cwd=str(work),
            )
            outcomes.append(run_job(job, EngineSettings(engine=engine)))
        close_workers()
        measured = outcomes[1:]  # the first warm report pays the kernel start
        names = list(measured[0].sections)
        steps = ["kernel_start", "reset", "prepare", "execute", "write", "export"]
        row = {
            f"step: {step}": statistics.median(o.timings.get(step, 0.0) for o in measured)
            for step in steps
        }
        row.update(
            {
                f"section: {name}": statistics.median(o.sections.get(name, 0.0) for o in measured)
                for name in names
            }
        )
        results[engine] = row
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=40, help="accounts for (a), (b), (c)")
    parser.add_argument(
        "--scale", type=int, default=200, help="accounts of the (c) scale run (0: none)"
    )
    parser.add_argument("--skip-naive", action="store_true", help="do not run (a)")
    args = parser.parse_args()
    if not (NOTEBOOKS / "account_review.ipynb").is_file():
        sys.exit(f"the review notebooks are missing from {NOTEBOOKS}")

    with tempfile.TemporaryDirectory(prefix="acctkit-bench-") as tmp:
        work = Path(tmp)
        demo = work / "demo"
        ids = write_portfolio(demo, 120)[: args.accounts]
        rows = {}
        if not args.skip_naive:
            rows["(a) naive: papermill + nbconvert CLIs"] = naive(demo, ids, work / "naive")
        rows["(b) fresh, 2 jobs"] = batch(demo, ids, work / "fresh", "fresh")
        rows["(c) warm, 2 jobs"] = batch(demo, ids, work / "warm", "warm")
        if args.scale:
            big = work / f"portfolio-{args.scale}"
            scale_ids = write_portfolio(big, max(args.scale, 1000))[: args.scale]
            scaled = batch(big, scale_ids, work / "scale", "warm")
            rows[f"(c) warm, 2 jobs, {args.scale} accounts"] = scaled
        (work / "sections").mkdir()
        bundle_for_sections = work / "fresh" / MONTH / "bundle"
        os.symlink(bundle_for_sections, work / "sections" / "bundle")
        breakdown = sections(demo, ids[:8], work / "sections")
    _print(rows, breakdown, args)


def _print(rows: dict, breakdown: dict, args) -> None:
    print(f"\n## Reports: {args.accounts} demo accounts, 2 cores\n")
    print(
        "| way | reports | wall (s) | s per report | speed-up vs previous | CPU s per report "
        "| parent MB | worker MB | kernel MB |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    previous = None
    for name, row in rows.items():
        per = row["seconds"] / row["reports"]
        speedup = f"{previous / per:.1f}x" if previous and "accounts" not in name else ""
        parent = row.get("parent_mb", row.get("child_mb", 0))
        print(
            f"| {name} | {row['reports']} | {row['seconds']:.1f} | {per:.3f} | {speedup} "
            f"| {row['cpu'] / row['reports']:.2f} "
            f"| {parent:.0f} | {row.get('worker_mb', 0):.0f} | {row.get('kernel_mb', 0):.0f} |"
        )
        if "accounts" not in name:
            previous = per
    if args.scale:
        scale = list(rows.values())[-1]
        per = scale["seconds"] / scale["reports"]
        print(
            f"\n1,000 reports with (c): {1000 * per / 60:.1f} min "
            f"({'measured' if args.scale >= 1000 else f'extrapolated from {args.scale}'}); "
            f"kernel peak over the first tenth {scale['kernel_mb_first']:.0f} MB, "
            f"last tenth {scale['kernel_mb_last']:.0f} MB"
        )
    print("\n## Where the time of one report goes (medians, one worker, seconds)\n")
    print("| step or notebook section | fresh | warm |")
    print("| --- | ---: | ---: |")
    for key in breakdown["fresh"]:
        fresh, warm = breakdown["fresh"][key], breakdown["warm"].get(key, 0.0)
        print(f"| {key} | {fresh:.3f} | {warm:.3f} |")


if __name__ == "__main__":
    main()
