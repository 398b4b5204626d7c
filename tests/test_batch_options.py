"""ReportRun: every option of a report run, checked when it is made, before any work."""

from __future__ import annotations

import pytest

from acctkit.batch import ReportRun, run_reports
from acctkit.errors import ReportError


def test_every_bad_option_is_named_in_one_message(tmp_path):
    with pytest.raises(ReportError) as caught:
        ReportRun(tmp_path, "2026-10", as_of="2026-11-03", engine="hot", jobs=0, timeout=-5)
    message = str(caught.value)
    assert "the review date 2026-11-03 is not in 2026-10" in message
    assert "engine must be one of fresh, warm, not 'hot'" in message
    assert "timeout must be a positive whole number of seconds: -5" in message
    assert "jobs must be a positive whole number: 0" in message
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_a_bad_month_is_refused():
    with pytest.raises(
        ReportError, match=r"month must look like 2026-10 \(YYYY-MM\), not '2026-13'"
    ):
        ReportRun("data", "2026-13")


def test_defaults_and_the_checked_plan(tmp_path):
    run = ReportRun(tmp_path / "data", "2026-02", out=tmp_path / "out", jobs=3, engine="warm")
    assert run.plan.as_of.isoformat() == "2026-02-28"  # the month's last day
    assert run.plan.workers == 3
    assert run.plan.settings.engine == "warm" and run.plan.settings.timeout == 600
    assert [path.name for path in run.plan.notebooks] == [
        "account_review.ipynb",
        "portfolio_review.ipynb",
    ]


def test_run_reports_takes_a_report_run():
    with pytest.raises(TypeError, match="run_reports takes a ReportRun, not str"):
        run_reports("data/demo")
