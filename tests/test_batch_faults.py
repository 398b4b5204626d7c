"""acctkit report under faults: killed runs, re-runs, read-only and full output folders.

What users can count on (docs/scaling.md, "What survives failures"):

- a run killed at any point (SIGKILL of its whole process group) leaves the published month
  byte for byte as it was, and only complete files under visible names; ``--resume``
  finishes the rest;
- the month folder after a run is exactly that run's output: a re-run with fewer accounts
  drops the pages of the others, a run in another language leaves no page of the first;
- other months in the same ``--out`` (and their leftovers) are never touched;
- an output folder that cannot be written (read-only, full) stops the run with exit code 2
  and one readable message naming the folder, and publishes nothing.

The batch runs the fixture notebooks of tests/test_batch.py (seconds per run). Read-only
and full folders are real file systems: as root (who ignores permission bits) a tmpfs
mounted read-only or of a tiny size; as another user, ``chmod 0o555``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from acctkit.batch.lock import LOCK_FILE
from acctkit.cli import main
from tests.helpers import (
    ACCOUNT,
    MONTH,
    PORTFOLIO,
    fixture_run,
    manifest_of,
    wait_for_done_reports,
    write_portfolio,
)

IDS = [f"K{number:02d}" for number in range(10)]
EARLIER = "2026-09"
EARLIER_LEFTOVER = f".{EARLIER}.tmp-20260930T120000-abcdef"
TABLES = {"index.html", "index.ipynb", "manifest.json", "kpis.csv", "alerts.csv", "risk.csv"}


def tree(folder: Path) -> dict[str, str]:
    """Every file below ``folder`` (hidden ones too) -> SHA-256 of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def month_files(ids: list[str]) -> set[str]:
    """What a fixture run of ``ids`` publishes, bundle aside."""
    pages = {f"accounts/{account_id}.html" for account_id in ids}
    return TABLES | pages | {f"notebooks/{account_id}.ipynb" for account_id in ids} | groups(ids)


def groups(ids: list[str]) -> set[str]:
    """The group pages of a run of ``ids`` on ``write_portfolio(..., IDS)``: every group that
    holds one of them."""
    from acctkit.data import from_frames
    from acctkit.datasets import generate_tables
    from acctkit.kpis.groups import group_members, groups_of_accounts

    tables = generate_tables(n_accounts=len(IDS), months=12, end="2026-10-31", seed=3)
    renamed = dict(zip(tables["accounts"]["account_id"], IDS, strict=True))
    accounts = tables["accounts"].assign(
        account_id=tables["accounts"]["account_id"].map(renamed),
        parent_account_id=tables["accounts"]["parent_account_id"].map(renamed),
    )
    members = group_members(from_frames({"accounts": accounts})).astype(str)
    return {f"groups/{group}.html" for group in groups_of_accounts(members, ids)}


def write_earlier_month(out: Path) -> None:
    """A published September and a leftover of an interrupted September run."""
    for relative, text in {
        f"{EARLIER}/index.html": "<html>september</html>",
        f"{EARLIER}/accounts/K00.html": "<html>K00 in september</html>",
        f"{EARLIER}/manifest.json": '{"format_version": 1, "state": "complete"}',
        f"{EARLIER_LEFTOVER}/accounts/K01.html": "<html>K01, interrupted</html>",
        f"{EARLIER_LEFTOVER}/manifest.json": '{"format_version": 1, "state": "interrupted"}',
    }.items():
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        (out / relative).write_text(text, encoding="utf-8")


def earlier_months(out: Path) -> dict[str, str]:
    return {name: tree(out / name) for name in (EARLIER, EARLIER_LEFTOVER)}


# Killed, resumed, re-run ---------------------------------------------------------------------

_KILLABLE = """
import sys
from acctkit.batch import ReportRun, run_reports
if __name__ == "__main__":
    run_reports(ReportRun(sys.argv[1], "2026-10", out=sys.argv[2], jobs=1, engine="warm",
                          lang="fr", progress=False, account_notebook=sys.argv[3],
                          portfolio_notebook=sys.argv[4]))
"""


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """One output folder through four runs; what each left is kept for the tests.

    1. an English run of two accounts, published;
    2. a French run (other inputs: nothing reusable from 1) killed with SIGKILL sent to its
       whole process group once two reports are complete;
    3. the French run again with ``--resume``: it reuses the killed run's complete reports;
    4. a French run of two accounts only, with ``--resume``.
    """
    root = tmp_path_factory.mktemp("faults")
    data = write_portfolio(root / "data", IDS)
    out = root / "reports"
    write_earlier_month(out)
    before = earlier_months(out)
    steps = {"english": fixture_run(data, out, engine="warm", accounts=["K00", "K01"])}
    steps["english_tree"] = tree(out / MONTH)

    command = [sys.executable, "-c", _KILLABLE, str(data), str(out), str(ACCOUNT), str(PORTFOLIO)]
    process = subprocess.Popen(command, start_new_session=True)
    try:
        staging = wait_for_done_reports(out, process, count=2)
        family = psutil.Process(process.pid).children(recursive=True)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    _, steps["survivors"] = psutil.wait_procs(family, timeout=15)
    steps["staging"] = staging
    steps["staging_files"] = {
        path.relative_to(staging).as_posix(): path.read_bytes()
        for path in staging.rglob("*")
        if path.is_file()
    }
    steps["staging_manifest"] = manifest_of(staging)
    steps["after_kill_tree"] = tree(out / MONTH)
    steps["after_kill_listing"] = sorted(path.name for path in out.iterdir())

    steps["resumed"] = fixture_run(data, out, lang="fr", resume=True, engine="warm")
    steps["resumed_tree"] = tree(out / MONTH)
    steps["resumed_manifest"] = manifest_of(out / MONTH)
    steps["resumed_pages"] = {
        path.relative_to(out / MONTH).as_posix(): path.read_text(encoding="utf-8")
        for path in (out / MONTH).rglob("*.html")
    }
    steps["resumed_listing"] = sorted(path.name for path in out.iterdir())
    steps["fewer"] = fixture_run(
        data, out, lang="fr", resume=True, engine="warm", accounts=["K03", "K01"]
    )
    steps["after"] = earlier_months(out)
    steps["data"] = data
    return out, before, steps


def test_a_killed_rerun_leaves_the_published_month_as_it_was(history):
    out, _, steps = history
    assert steps["english"].exit_code == 0
    assert steps["after_kill_tree"] == steps["english_tree"]
    assert not steps["survivors"], "workers and kernels must not outlive the killed run"
    staging = steps["staging"]
    assert steps["after_kill_listing"] == sorted(
        [LOCK_FILE, EARLIER, EARLIER_LEFTOVER, MONTH, staging.name, "index.html"]
    )


def test_a_killed_run_leaves_only_complete_files_under_visible_names(history):
    _, _, steps = history
    files = steps["staging_files"]
    visible = [name for name in files if not _hidden(name)]
    pages = [name for name in visible if name.startswith("accounts/")]
    assert len(pages) >= 2
    for name in pages:
        assert files[name].decode("utf-8").rstrip().endswith("</html>"), name
    for name in visible:
        if name.endswith(".ipynb"):
            assert json.loads(files[name])["cells"], name
    manifest = steps["staging_manifest"]
    assert manifest["state"] == "running" and manifest["summary"]["done"] >= 2
    for entry in manifest["accounts"]:
        if entry["status"] == "done":
            assert {entry["html"], entry["notebook"]} <= set(visible)


def test_resume_finishes_the_killed_run_reusing_its_complete_reports(history):
    _, _, steps = history
    resumed = steps["resumed"]
    killed = steps["staging_manifest"]
    done = {e["account_id"] for e in killed["accounts"] if e["status"] == "done"}
    assert resumed.exit_code == 0 and not resumed.failed
    assert resumed.reused >= len(done) >= 2
    assert resumed.reused + resumed.rendered == len(IDS)
    by_run = {e["account_id"]: e["run_id"] for e in steps["resumed_manifest"]["accounts"]}
    assert done <= {account for account, run in by_run.items() if run == killed["run_id"]}
    # the killed run's staging is gone: its reports were taken, then it was discarded
    assert steps["resumed_listing"] == sorted(
        [LOCK_FILE, EARLIER, EARLIER_LEFTOVER, MONTH, "index.html"]
    )


def test_a_resumed_month_is_exactly_one_run_in_one_language(history):
    _, _, steps = history
    files = steps["resumed_tree"]
    assert {name for name in files if not name.startswith("bundle/")} == month_files(IDS)
    assert "bundle/bundle.json" in files
    assert not [name for name in files if _hidden(name)]
    pages = {name: text for name, text in steps["resumed_pages"].items()}
    assert len(pages) == len(IDS) + 1 + len(groups(IDS))
    for name, page in pages.items():  # no English page of the first run is left
        assert '<html lang="fr">' in page, name
    manifest = steps["resumed_manifest"]
    assert manifest["state"] == "complete"
    assert [entry["account_id"] for entry in manifest["accounts"]] == IDS


def test_a_rerun_with_fewer_accounts_publishes_only_those(history):
    out, _, steps = history
    fewer = steps["fewer"]
    assert fewer.exit_code == 0 and fewer.reused == 2 and fewer.rendered == 0
    files = tree(out / MONTH)
    assert {name for name in files if not name.startswith("bundle/")} == month_files(["K01", "K03"])
    for name in ("accounts/K01.html", "notebooks/K03.ipynb"):  # the same bytes, reused
        assert files[name] == steps["resumed_tree"][name]
    manifest = manifest_of(out / MONTH)
    assert [entry["account_id"] for entry in manifest["accounts"]] == ["K03", "K01"]
    index = (out / MONTH / "index.html").read_text(encoding="utf-8")
    assert index.count('href="accounts/') == 2
    assert 'href="accounts/K01.html"' in index and 'href="accounts/K03.html"' in index


def test_other_months_and_their_leftovers_are_never_touched(history):
    _, before, steps = history
    assert steps["after"] == before
    assert before[EARLIER]["accounts/K00.html"]  # the check is not empty


def _hidden(relative: str) -> bool:
    return any(part.startswith(".") for part in relative.split("/"))


# Output folders that cannot be written -------------------------------------------------------


def _run(command: list[str]) -> bool:
    try:
        return subprocess.run(command, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@contextlib.contextmanager
def tmpfs(folder: Path, size: str):
    """A tmpfs of ``size`` mounted on ``folder`` (root only); skips when mounting fails."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not _run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)]
    ):
        pytest.skip("needs root and `mount -t tmpfs` to make a real read-only or full folder")
    try:
        yield folder
    finally:
        _run(["umount", "--lazy", str(folder)])


@contextlib.contextmanager
def freezable(folder: Path):
    """A folder to fill, then make read-only for everyone, root included, by calling the
    function this yields: ``chmod 0o555`` for a user, a tmpfs remounted read-only for root
    (root ignores permission bits)."""
    if os.geteuid() != 0:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            yield lambda: folder.chmod(0o555)
        finally:
            folder.chmod(0o755)
        return

    def freeze() -> None:
        if not _run(["mount", "-o", "remount,ro", str(folder)]):
            pytest.skip("could not remount the tmpfs read-only")

    with tmpfs(folder, "1m"):
        yield freeze


def _report(data: Path, out: Path, *extra: str) -> list[str]:
    return ["report", str(data), "--month", MONTH, "--out", str(out), "--jobs", "1", *extra]


def _one_clear_error(stderr: str, *parts: str) -> str:
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, stderr
    for part in parts:
        assert part in errors[0], (part, errors[0])
    return errors[0]


@pytest.fixture(scope="module")
def small_data(tmp_path_factory):
    return write_portfolio(tmp_path_factory.mktemp("small") / "data", ["K00", "K01"])


def test_a_read_only_output_folder_exits_2_naming_it(tmp_path, small_data, capsys):
    out = tmp_path / "reports"
    with freezable(out) as freeze:
        write_earlier_month(out)
        (out / MONTH / "accounts").mkdir(parents=True)
        (out / MONTH / "accounts" / "K00.html").write_text("<html>published</html>")
        (out / LOCK_FILE).write_text("")
        before = tree(out)
        freeze()
        assert main(_report(small_data, out)) == 2
        error = _one_clear_error(capsys.readouterr().err, "Read-only file system")
        assert error.startswith(f"error: cannot write to the output folder '{out}': ")
        assert main(_report(small_data, out / "new")) == 2
        error = _one_clear_error(capsys.readouterr().err, "Read-only file system")
        assert error.startswith(f"error: cannot write to the output folder '{out / 'new'}': ")
        assert tree(out) == before


def test_demo_into_a_read_only_folder_exits_2_naming_it(tmp_path, capsys):
    folder = tmp_path / "ro"
    with freezable(folder) as freeze:
        freeze()
        assert main(["demo", "--data", str(folder / "demo")]) == 2
        _one_clear_error(capsys.readouterr().err, str(folder / "demo"))
        assert list(folder.iterdir()) == []


@pytest.fixture(scope="module")
def full_disk(tmp_path_factory, history):
    """A 2 MB tmpfs holding a published month (the last one of ``history``), and the room
    that month's bundle and tables take."""
    source, _, steps = history
    out = tmp_path_factory.mktemp("full") / "reports"
    with tmpfs(out, "2m"):  # the month takes about 0.7 MB, its bundle 0.4 MB
        shutil.copytree(source / MONTH, out / MONTH)
        parts = [out / MONTH / "bundle", *(out / MONTH / name for name in TABLES)]
        yield out, steps["data"], sum(_usage(part) for part in parts)


def _usage(path: Path) -> int:
    """Bytes a file or folder takes on disk (blocks, not lengths)."""
    paths = [path, *path.rglob("*")] if path.is_dir() else [path]
    return sum(p.stat().st_blocks * 512 for p in paths)


def _fill(out: Path, leave: int) -> None:
    """Leave ``leave`` bytes free on the file system of ``out`` (a ballast file)."""
    ballast = out / "ballast"
    ballast.unlink(missing_ok=True)
    stats = os.statvfs(out)
    free = stats.f_bavail * stats.f_frsize
    with open(ballast, "wb") as stream:
        stream.truncate(0)
        remaining = max(free - leave, 0)
        block = b"\0" * (1 << 16)
        while remaining > 0:
            written = stream.write(block[: min(remaining, len(block))])
            remaining -= written
    assert os.statvfs(out).f_bavail * stats.f_frsize <= leave + 8192


@pytest.mark.parametrize(
    "room",
    ["bundle fits, pages do not", "nothing fits"],
)
def test_a_full_output_folder_exits_2_and_publishes_nothing(full_disk, room, capsys):
    out, data, needed = full_disk
    _fill(out, needed + 48 * 1024 if room == "bundle fits, pages do not" else 0)
    before = tree(out / MONTH)
    code = main(_report(data, out, "--accounts", "K00", "K01"))  # English: nothing to reuse
    stderr = capsys.readouterr().err
    assert code == 2
    _one_clear_error(stderr, str(out), "No space left on device")
    assert tree(out / MONTH) == before  # the published month is as it was
    assert sorted(path.name for path in out.iterdir()) == [LOCK_FILE, MONTH, "ballast"]
    if room == "bundle fits, pages do not":
        assert "the 2026-10 reports were not published" in stderr
        assert "failed: K0" in stderr  # a page was tried: the failure came from a worker
    (out / "ballast").unlink()
