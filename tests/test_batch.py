"""acctkit.batch.run: a month of reports, rendered by real kernels in real worker pools.

Small synthetic portfolios (a few accounts, 12 months) keep each batch to seconds. The
fixture notebooks ``batch_account.ipynb`` and ``batch_portfolio.ipynb`` take the same
parameters as the real review notebooks and fail on demand: an account id starting with
FAIL raises, SLOW sleeps past the timeout, DIE kills its kernel. Tests that only need
reports to be right use the real notebooks of ``notebooks/``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
from html import unescape
from pathlib import Path

import pandas as pd
import psutil
import pytest

from acctkit.batch import ReportRun, run_reports
from acctkit.batch.lock import LOCK_FILE as LOCK
from acctkit.batch.lock import RunLock
from acctkit.batch.manifest import MANIFEST, complete_reports
from acctkit.batch.options import latest_complete_month, month_bounds
from acctkit.batch.publish import MonthFolder
from acctkit.batch.slugs import file_stem, file_stems
from acctkit.cli import main
from acctkit.errors import ReportError
from tests.helpers import (
    ACCOUNT,
    MONTH,
    PORTFOLIO,
    fixture_run,
    folder_digest,
    manifest_of,
    wait_for_done_reports,
    write_portfolio,
)

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
REAL = Path(__file__).parents[1] / "notebooks"
HOSTILE = ["007", "../x", "a/b", "a b", "名前", "Z" * 300]
SAFE_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")


def comparable(html: str) -> str:
    """A page without what differs from run to run: generation time, Styler ids."""
    html = re.sub(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", "<generated>", html)
    return re.sub(r"T_[0-9a-f]{5}", "T_<uuid>", html)


# File names ---------------------------------------------------------------------------------


def test_file_names_of_hostile_ids_are_safe_unique_and_short():
    ids = [*HOSTILE, " spaced ", "A1", "a1", "CON", ".hidden", "-x", "x"]
    stems = file_stems(ids)
    assert len(set(stem.lower() for stem in stems.values())) == len(ids)
    for account_id, stem in stems.items():
        assert SAFE_NAME.fullmatch(stem), (account_id, stem)
        assert not stem.startswith(("-", "."))
    assert stems["007"] == "007" and stems["x"] == "x"  # plain ids keep their name
    assert stems["../x"].startswith("x-") and stems["名前"].startswith("account-")
    assert stems["A1"] != "A1" and stems["a1"] != "a1"  # would clash on macOS and Windows


def test_file_names_are_stable_and_distinct_for_lookalike_ids():
    assert file_stem("a/b") == file_stem("a/b") != file_stem("a-b")
    lookalike = file_stem("a/b")  # an id that is literally another id's file name
    stems = file_stems(["a/b", lookalike])
    assert stems["a/b"] != stems[lookalike]


# Month, lock, folders, manifest -------------------------------------------------------------


def test_months_and_review_dates():
    assert month_bounds("2026-02")[1].isoformat() == "2026-02-28"
    assert latest_complete_month("2026-10-31") == "2026-10"
    assert latest_complete_month("2026-10-30") == "2026-09"
    for bad in ("2026-13", "202610", "26-10", ""):
        with pytest.raises(ReportError, match="YYYY-MM"):
            month_bounds(bad)


def test_a_second_lock_names_the_holder_and_a_dead_holder_is_taken_over(tmp_path):
    with RunLock(tmp_path):
        with pytest.raises(ReportError, match=rf"pid {os.getpid()} on .* is writing to"):
            RunLock(tmp_path).acquire()
    (tmp_path / ".acctkit-report.lock").write_text('{"pid": 999999, "host": "gone"}')
    lock = RunLock(tmp_path).acquire()  # the file is there, but nobody holds the OS lock
    assert lock.stale == {"pid": 999999, "host": "gone"}
    lock.release()


def test_publishing_swaps_the_month_and_leaves_other_months_alone(tmp_path):
    (tmp_path / "2026-09").mkdir()
    (tmp_path / "2026-09" / "index.html").write_text("september")
    for run, text in (("r1", "first"), ("r2", "second")):
        month = MonthFolder(tmp_path, MONTH, run)
        month.create("accounts")
        (month.staging / "index.html").write_text(text)
        month.publish()
    assert (tmp_path / MONTH / "index.html").read_text() == "second"
    assert (tmp_path / "2026-09" / "index.html").read_text() == "september"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["2026-09", MONTH]


def test_a_swap_cut_between_its_two_renames_is_undone(tmp_path):
    old = tmp_path / f".{MONTH}.old-r1"
    old.mkdir()
    (old / "index.html").write_text("previous")
    MonthFolder(tmp_path, MONTH, "r2").recover()
    assert (tmp_path / MONTH / "index.html").read_text() == "previous"


def test_only_reports_of_the_same_inputs_and_parameters_are_reusable(tmp_path):
    for name in ("accounts/A.html", "notebooks/A.ipynb", "accounts/B.html"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x")
    entry = {"html": "accounts/A.html", "notebook": "notebooks/A.ipynb", "parameters": {"p": 1}}
    b_files = {"html": "accounts/B.html", "notebook": "notebooks/B.ipynb"}
    manifest = {
        "format_version": 1,
        "fingerprint": "f1",
        "accounts": [
            {"account_id": "A", "status": "done", **entry},
            {"account_id": "B", "status": "done", **entry, **b_files},
            {"account_id": "C", "status": "failed", **entry},
        ],
    }
    (tmp_path / MANIFEST).write_text(json.dumps(manifest))
    expected = {"A": entry, "B": {**entry, **b_files}, "C": entry}
    assert set(complete_reports(tmp_path, "f1", expected)) == {"A"}  # B: no notebook
    assert complete_reports(tmp_path, "other inputs", expected) == {}
    changed = {"A": {**entry, "parameters": {"p": 2}}}
    assert complete_reports(tmp_path, "f1", changed) == {}


# Batches ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def failing_batch(tmp_path_factory):
    """Hostile ids and one account whose notebook raises, fresh kernels, two workers."""
    root = tmp_path_factory.mktemp("failing")
    data = write_portfolio(root / "data", [*HOSTILE, "FAIL1"])
    result = fixture_run(data, root / "reports")
    return root, data, result


def test_one_failure_exits_1_and_every_other_report_is_written(failing_batch):
    root, _, result = failing_batch
    assert result.exit_code == 1
    assert result.failed == ("FAIL1",) and result.rendered == len(HOSTILE)
    folder = root / "reports" / MONTH
    manifest = manifest_of(folder)
    assert manifest["state"] == "complete" and manifest["summary"]["failed"] == 1
    for entry in manifest["accounts"]:
        if entry["account_id"] == "FAIL1":
            continue
        assert entry["status"] == "done"
        page = (folder / entry["html"]).read_text(encoding="utf-8")
        assert page.rstrip().endswith("</html>")
        assert (folder / entry["notebook"]).is_file()
    for name in ("kpis.csv", "alerts.csv", "risk.csv", "index.html", "index.ipynb"):
        assert (folder / name).is_file(), name


def test_the_failure_is_in_the_manifest_and_the_index(failing_batch):
    root, _, _ = failing_batch
    folder = root / "reports" / MONTH
    (failed,) = [e for e in manifest_of(folder)["accounts"] if e["account_id"] == "FAIL1"]
    assert failed["kind"] == "notebook_error"
    assert "Pipeline health" in failed["error"] and "pipeline total is negative" in failed["error"]
    assert (folder / failed["failed_notebook"]).is_file()
    assert not (folder / failed["html"]).exists()
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "FAIL1" in index and "pipeline total is negative" in index


def test_hostile_ids_get_safe_files_inside_the_month_and_working_links(failing_batch):
    root, _, _ = failing_batch
    folder = (root / "reports" / MONTH).resolve()
    names = sorted(path.name for path in (folder / "accounts").iterdir())
    assert len(names) == len(HOSTILE)
    assert all(SAFE_NAME.fullmatch(name.removesuffix(".html")) for name in names)
    assert sorted(path.name for path in (root / "reports").iterdir()) == [LOCK, MONTH, "index.html"]
    index = (folder / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="(accounts/[^"]+)"', index)
    assert len(links) == len(HOSTILE)
    assert all((folder / link).resolve().is_file() for link in links)
    for link in links:  # and each page links back to the index, relatively
        page = (folder / link).read_text(encoding="utf-8")
        assert re.findall(r'<p class="report-nav"><a href="([^"]+)">', page) == ["../index.html"]
        assert (folder / link).parent.joinpath("../index.html").resolve().is_file()


def test_account_ids_reach_the_notebook_as_exact_strings(failing_batch):
    root, _, _ = failing_batch
    folder = root / "reports" / MONTH
    page = unescape((folder / "accounts" / "007.html").read_text(encoding="utf-8"))
    assert "Account id: '007' (str)" in page
    entries = {e["account_id"]: e for e in manifest_of(folder)["accounts"]}
    assert set(entries) == {*HOSTILE, "FAIL1"}
    assert entries["Z" * 300]["parameters"]["account_id"] == "Z" * 300


def test_resume_renders_only_the_failed_account(failing_batch):
    root, data, _ = failing_batch
    folder = root / "reports" / MONTH
    before = {p.name: p.read_bytes() for p in (folder / "accounts").iterdir()}
    result = fixture_run(data, root / "reports", resume=True, engine="warm")
    assert result.reused == len(HOSTILE) and result.rendered == 0
    assert result.failed == ("FAIL1",) and result.exit_code == 1
    after = {p.name: p.read_bytes() for p in (folder / "accounts").iterdir()}
    assert after == before  # the same pages, not rendered again
    manifest = manifest_of(folder)
    assert manifest["summary"]["reused"] == len(HOSTILE)
    assert sorted(path.name for path in (root / "reports").iterdir()) == [LOCK, MONTH, "index.html"]


def test_timeouts_and_dead_kernels_fail_one_account_and_the_warm_kernel_recovers(tmp_path):
    ids = ["OK1", "SLOW1", "OK2", "DIE1", "OK3"]
    data = write_portfolio(tmp_path / "data", ids)
    result = fixture_run(data, tmp_path / "reports", engine="warm", jobs=1, timeout=4)
    assert result.failed == ("SLOW1", "DIE1") and result.rendered == 3
    kinds = {e["account_id"]: e["kind"] for e in manifest_of(result.folder)["accounts"]}
    assert kinds == {
        "OK1": None,
        "SLOW1": "timeout",
        "OK2": None,
        "DIE1": "kernel_died",
        "OK3": None,
    }


def test_bad_data_exits_2_before_any_report(tmp_path, capsys):
    data = write_portfolio(tmp_path / "data", ["A1", "A2"])
    accounts = (data / "accounts.csv").read_text().splitlines()
    (data / "accounts.csv").write_text("\n".join([accounts[0], accounts[1], accounts[1]]) + "\n")
    out = tmp_path / "reports"
    code = main(["report", str(data), "--month", MONTH, "--out", str(out)])
    assert code == 2
    assert "problem" in capsys.readouterr().err
    assert not out.exists()


def test_an_output_folder_inside_the_data_is_refused_before_any_work(tmp_path, capsys):
    data = write_portfolio(tmp_path / "data", ["A1"])
    before = folder_digest(data)
    code = main(["report", str(data), "--month", MONTH, "--out", str(data / "reports")])
    assert code == 2
    assert capsys.readouterr().err == (
        f"error: the output folder '{data / 'reports'}' is inside the source data '{data}': "
        "source files are only ever read; choose another --out\n"
    )
    assert folder_digest(data) == before


def test_a_review_date_long_after_the_data_gets_a_note(tmp_path, capsys):
    data = write_portfolio(tmp_path / "data", ["A1"])  # interactions up to 2026-10-31
    last = max(pd.read_csv(data / "interactions.csv")["occurred_on"])
    result = run_reports(
        ReportRun(
            data,
            "2027-01",
            out=tmp_path / "reports",
            account_notebook=ACCOUNT,
            portfolio_notebook=PORTFOLIO,
            jobs=1,
            timeout=60,
        )
    )
    assert result.exit_code == 0
    days = (dt.date(2027, 1, 31) - dt.date.fromisoformat(last)).days
    assert (
        f"note: the latest interaction in the data is on {last}, {days} days before the "
        "review date 2027-01-31: recent activity will look absent; is the export up to "
        "date?\n"
    ) in capsys.readouterr().err


def test_a_warm_kernel_is_reused_when_the_output_folder_is_relative(tmp_path, monkeypatch):
    """`acctkit demo` writes to `reports`: each reset must move the kernel to the next
    report's folder, not to a path relative to where the kernel already is."""
    data = write_portfolio(tmp_path / "data", ["A1", "A2", "A3"])
    monkeypatch.chdir(tmp_path)
    result = fixture_run(data, Path("reports"), engine="warm", jobs=1)
    assert result.exit_code == 0
    timings = [entry["timings"] for entry in manifest_of(tmp_path / "reports" / MONTH)["accounts"]]
    assert [t["kernel_start"] for t in timings] == [0.0, 0.0, 0.0]  # one primed kernel
    assert all("reset" in t for t in timings)


def test_notebook_parameters_are_checked_before_any_report(tmp_path):
    data = write_portfolio(tmp_path / "data", ["A1"])
    out = tmp_path / "reports"
    with pytest.raises(ReportError, match="unknown parameter 'account_id'"):
        run_reports(
            ReportRun(
                data,
                MONTH,
                out=out,
                account_notebook=FIXTURES / "trouble.ipynb",
                portfolio_notebook=PORTFOLIO,
            )
        )
    with pytest.raises(ReportError, match="unknown account ids: 'nope'"):
        fixture_run(data, out, accounts=["nope"])
    assert not out.exists()


def test_a_second_run_on_the_same_folder_exits_2_naming_the_first(tmp_path, capsys):
    data = write_portfolio(tmp_path / "data", ["A1"])
    out = tmp_path / "reports"
    with RunLock(out):
        code = main(["report", str(data), "--month", MONTH, "--out", str(out)])
    assert code == 2
    assert f"pid {os.getpid()}" in capsys.readouterr().err
    assert sorted(path.name for path in out.iterdir()) == [LOCK]


_KILLABLE = """
import sys
from acctkit.batch import ReportRun, run_reports
if __name__ == "__main__":
    run_reports(ReportRun(sys.argv[1], "2026-10", out=sys.argv[2], jobs=2, progress=False,
                          account_notebook=sys.argv[3], portfolio_notebook=sys.argv[4]))
"""


def test_a_run_killed_midway_leaves_no_partial_report_and_resume_finishes(tmp_path):
    ids = [f"K{number:02d}" for number in range(12)]
    data = write_portfolio(tmp_path / "data", ids)
    out = tmp_path / "reports"
    command = [sys.executable, "-c", _KILLABLE, str(data), str(out), str(ACCOUNT), str(PORTFOLIO)]
    process = subprocess.Popen(command)
    try:
        staging = wait_for_done_reports(out, process, count=3)
        family = psutil.Process(process.pid).children(recursive=True)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    _, alive = psutil.wait_procs(family, timeout=15)
    assert not alive, "workers and kernels must not outlive the killed run"
    assert not (out / MONTH).exists()
    for page in (staging / "accounts").iterdir():  # complete pages only, under final names
        assert not page.name.startswith(".")
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>")

    result = fixture_run(data, out, resume=True)
    assert result.exit_code == 0 and result.reused >= 1
    assert result.reused + result.rendered == len(ids)
    assert sorted(path.name for path in out.iterdir()) == [LOCK, MONTH, "index.html"]


# The real notebooks: engines and schedulers agree ------------------------------------------


@pytest.fixture(scope="module")
def real_portfolio(tmp_path_factory):
    """The demo portfolio (the model trains on it); three accounts are reported."""
    from acctkit.datasets import DEMO_SIZE, generate_tables, write_tables

    root = tmp_path_factory.mktemp("real")
    write_tables(generate_tables(**DEMO_SIZE), root / "data")
    return root, root / "data", ["0007", "A0001", "A0002"]


def _pages(folder: Path) -> dict[str, str]:
    pages = {p.name: p.read_text(encoding="utf-8") for p in (folder / "accounts").iterdir()}
    pages["index.html"] = (folder / "index.html").read_text(encoding="utf-8")
    return {name: comparable(page) for name, page in pages.items()}


def test_warm_and_fresh_engines_write_the_same_reports_as_render(real_portfolio, capsys):
    from acctkit.render import render

    root, data, ids = real_portfolio
    fresh = run_reports(
        ReportRun(data, MONTH, out=root / "fresh", accounts=ids, jobs=2, progress=False)
    )
    assert fresh.exit_code == 0 and fresh.model.startswith("trained")
    warm_out = root / "warm"
    command = ["report", str(data), "--month", MONTH, "--out", str(warm_out), "--engine", "warm"]
    assert main([*command, "--jobs", "1", "--accounts", *ids]) == 0
    summary = capsys.readouterr().out
    assert "3 account reports written, none failed" in summary and "reports per minute" in summary
    assert _pages(fresh.folder) == _pages(warm_out / MONTH)

    entry = next(e for e in manifest_of(fresh.folder)["accounts"] if e["account_id"] == "0007")
    executed = json.loads((fresh.folder / entry["notebook"]).read_text(encoding="utf-8"))
    reference = render(
        REAL / "account_review.ipynb",
        root / "render" / "0007.html",
        entry["parameters"],
        title=executed["metadata"]["acctkit"]["title"],
        subtitle="0007",
        date="31 Oct 2026",  # as the batch writes it (display.date)
        cwd=fresh.folder / "notebooks",
    )
    batch_page = _pages(fresh.folder)["0007.html"]
    back = '<p class="report-nav"><a href="../index.html">\u2190 Portfolio review</a></p>\n'
    assert back in batch_page  # the batch's pages link back to the index; render's do not
    assert comparable(reference.html.read_text(encoding="utf-8")) == batch_page.replace(back, "")


def test_a_dask_cluster_writes_the_same_reports(real_portfolio):
    distributed = pytest.importorskip("distributed")
    root, data, ids = real_portfolio
    local = root / "fresh" / MONTH
    if not local.is_dir():
        local = run_reports(
            ReportRun(data, MONTH, out=root / "fresh", accounts=ids, progress=False)
        ).folder
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        result = run_reports(
            ReportRun(
                data,
                MONTH,
                out=root / "dask",
                accounts=ids,
                engine="warm",
                scheduler=cluster.scheduler_address,
                progress=False,
            )
        )
    assert result.exit_code == 0
    assert _pages(result.folder) == _pages(local)
    workers = {e["worker"] for e in manifest_of(result.folder)["accounts"]}
    assert all(":" in worker for worker in workers)


# Engines and progress, in this process -----------------------------------------------------


def test_only_kernel_start_failures_are_retried(tmp_path, monkeypatch):
    from acctkit.batch import engines
    from acctkit.batch.engines import EngineSettings, ReportJob, run_job
    from acctkit.errors import RenderError

    data = write_portfolio(tmp_path / "data", ["OK1", "FAIL1"])
    from acctkit.data import load_portfolio
    from acctkit.report import build_bundle

    bundle = build_bundle(load_portfolio(data), "2026-10-31", tmp_path / "bundle")
    starts = []
    real_start = engines.KernelSession.start

    def flaky_start(session, **options):
        starts.append(1)
        if len(starts) == 1:
            raise RenderError("could not start a kernel: ZMQError", kind="kernel_start")
        return real_start(session, **options)

    monkeypatch.setattr(engines.KernelSession, "start", flaky_start)

    def job(account_id):
        return ReportJob(
            label=account_id,
            notebook=str(ACCOUNT),
            html=str(tmp_path / f"{account_id}.html"),
            executed=str(tmp_path / f"{account_id}.ipynb"),
            parameters={
                "account_id": account_id,
                "as_of": "2026-10-31",
                "review_bundle": str(bundle),
                "data_path": "",
                "lang": "en",
            },
            cwd=str(tmp_path),
        )

    settings = EngineSettings(engine="fresh", timeout=60)
    retried = run_job(job("OK1"), settings)
    assert retried.ok and retried.attempts == 2
    failed = run_job(job("FAIL1"), settings)
    assert not failed.ok and failed.kind == "notebook_error" and failed.attempts == 1
    assert len(starts) == 3


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts /proc/self/fd")
def test_a_warm_kernel_reused_for_many_reports_leaks_no_file_descriptor(tmp_path):
    from acctkit.batch.engines import EngineSettings, ReportJob, close_workers, run_job
    from acctkit.data import load_portfolio
    from acctkit.report import build_bundle

    data = write_portfolio(tmp_path / "data", ["A1"])
    bundle = build_bundle(load_portfolio(data), "2026-10-31", tmp_path / "bundle")
    settings = EngineSettings(engine="warm", timeout=60)
    job = ReportJob(
        label="A1",
        notebook=str(ACCOUNT),
        html=str(tmp_path / "A1.html"),
        executed=str(tmp_path / "A1.ipynb"),
        parameters={
            "account_id": "A1",
            "as_of": "2026-10-31",
            "review_bundle": str(bundle),
            "data_path": "",
            "lang": "en",
        },
        cwd=str(tmp_path),
    )
    try:
        counts = []
        for _ in range(12):
            assert run_job(job, settings).ok
            counts.append(len(os.listdir("/proc/self/fd")))
    finally:
        close_workers()
    assert counts[-1] == counts[1], counts  # nbclient #348 leaks about 14 per report


def test_progress_without_a_terminal_prints_failures_and_a_few_lines(capsys):
    from acctkit.batch.engines import ReportOutcome
    from acctkit.batch.progress import Progress

    progress = Progress(stream=sys.stderr, bar=False)
    progress.start(40)
    for number in range(40):
        ok = number != 3
        progress.advance(ReportOutcome(label=f"A{number}", ok=ok, error=None if ok else "boom"))
    progress.summary("done")
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert "failed: A3: boom" in lines
    assert 10 <= len(lines) <= 25 and lines[-1].startswith("[40/40] 1 failed")
    assert "ETA" in lines[-1] and captured.out == "done\n"
