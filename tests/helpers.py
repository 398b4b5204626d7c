"""Helpers shared by several test modules (fixtures that pytest injects stay in conftest.py).

- ``TINY``, :func:`write_tables`: a tiny valid portfolio as CSV text, written as files;
- :func:`folder_digest`: a hash of a folder, to check that source files are only read;
- ``CRM_FIXTURES``, :func:`write_export`, :func:`problems_of`: CRM exports and their problems;
- :func:`cut`: a portfolio as the CRM would have exported it on an earlier day;
- ``ACCOUNT``, ``PORTFOLIO``, ``MONTH``, :func:`write_portfolio`, :func:`fixture_run`,
  :func:`manifest_of`, :func:`wait_for_done_reports`: report batches on fixture notebooks.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from acctkit.batch import ReportRun, run_reports
from acctkit.batch.manifest import MANIFEST
from acctkit.data.portfolio import Portfolio

CRM_FIXTURES = Path(__file__).parent / "fixtures" / "crm"
NOTEBOOK_FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
ACCOUNT = NOTEBOOK_FIXTURES / "batch_account.ipynb"
PORTFOLIO = NOTEBOOK_FIXTURES / "batch_portfolio.ipynb"
MONTH = "2026-10"

TINY = {
    "accounts": """account_id,name,industry,tier,owner,annual_revenue,estimated_budget,tam,gross_margin_pct,cost_to_serve
007,Compagnie Générale des Éclairages,Energy,strategic,Ines,500000,800000,2000000,30,50000
A2,Café Lumière,Retail,key,Marc,100000.5,400000,900000,50,10000
""",
    "contacts": """contact_id,account_id,name,title,level,business_unit,role,is_key,influence,left_on
K1,007,Sara,COO,c_level,Operations,sponsor,oui,4,
K2,007,Tom,Fleet manager,manager,Operations,user,yes,,
K3,A2,Vic,Owner,c_level,,decision_maker,TRUE,5,2026-05-31
""",
    "interactions": """interaction_id,account_id,contact_id,occurred_on,channel,direction,response_hours,co_construction,introduction
J1,007,K1,2026-06-10,meeting,outbound,6,true,false
J2,007,,2026-05-20,call,inbound,,0,1
J3,A2,K3,2026-04-02,email,,2.5,,
""",
    "opportunities": """opportunity_id,account_id,name,kind,amount,stage,probability,created_on,expected_close_on,closed_on
P1,007,Renewal,renewal,300000,closed_won,,2026-01-10,2026-05-31,2026-05-20
P2,A2,Second shop,new,60000,negotiation,90,2026-05-01,2026-08-31,
""",
    "actions": """action_id,account_id,title,owner,due_on,done_on,status
X1,007,Meet the CFO,Ines,2026-04-30,2026-05-05,
X2,A2,Tasting,Marc,2026-05-10,,cancelled
""",
    "tickets": """ticket_id,account_id,opened_on,closed_on,severity,category
T1,007,2026-06-25,,critical,outage
""",
}


def write_tables(folder: Path, tables: dict[str, str], *, encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (folder / f"{name}.csv").write_bytes(text.encode(encoding))
    return folder


def folder_digest(folder: Path) -> str:
    """A hash of every file's name and bytes under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def write_export(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write an export folder: text is written as UTF-8, bytes as they are."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (folder / name).write_bytes(data)
    return folder


def problems_of(caught: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in caught.value.problems]


def cut(portfolio: Portfolio, as_of: pd.Timestamp) -> Portfolio:
    """The portfolio as it would have been exported on ``as_of``, the "data cut at D".

    Event rows dated after D do not exist yet (interactions, NPS responses, feedback,
    tickets opened, opportunities created, stage changes, assessments, outcomes); state
    changes after D have not happened yet (a contact who leaves after D has no ``left_on``,
    a ticket closed after D is open, an action done after D is not done, an opportunity
    closed after D is open at its stage on D: the latest stage change on or before D, or
    the ``stages.unknown_probability`` of 50 % when there is none; an obstacle or opportunity
    of a plan opened after D does not exist, one closed after D is open); plan items keep
    their forecast dates (an action due after D, an expected close date); plans and
    objectives are forecasts and stay as they are.
    """

    def upto(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        return frame[frame[column] <= as_of].reset_index(drop=True)

    def clear_after(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        return frame.assign(**{column: frame[column].where(~(frame[column] > as_of))})

    changes = {}
    for name, column in (
        ("assessments", "assessed_on"),
        ("interactions", "occurred_on"),
        ("nps_responses", "responded_on"),
        ("feedback", "recorded_on"),
        ("outcomes", "occurred_on"),
    ):
        if getattr(portfolio, name) is not None:
            changes[name] = upto(getattr(portfolio, name), column)
    if portfolio.contacts is not None:
        changes["contacts"] = clear_after(portfolio.contacts, "left_on")
    if portfolio.tickets is not None:
        changes["tickets"] = clear_after(upto(portfolio.tickets, "opened_on"), "closed_on")
    if portfolio.actions is not None:
        actions = clear_after(portfolio.actions, "done_on")
        undone = (actions["status"] == "done") & actions["done_on"].isna()
        changes["actions"] = actions.assign(status=actions["status"].mask(undone, "planned"))
    if portfolio.opportunities is not None:
        changes.update(_cut_opportunities(portfolio, as_of))
    if portfolio.plan_items is not None:  # obstacles met after D are not known yet
        changes["plan_items"] = clear_after(upto(portfolio.plan_items, "opened_on"), "closed_on")
    return dataclasses.replace(portfolio, **changes)


def _cut_opportunities(portfolio: Portfolio, as_of: pd.Timestamp) -> dict[str, pd.DataFrame]:
    opportunities = portfolio.opportunities
    opportunities = opportunities[opportunities["created_on"] <= as_of].reset_index(drop=True)
    history = portfolio.stage_history
    latest, with_history = {}, set()
    if history is not None:
        with_history = set(history["opportunity_id"].astype(str))
        kept = (history["changed_on"] <= as_of) & history["opportunity_id"].isin(
            opportunities["opportunity_id"]
        )
        history = history[kept].reset_index(drop=True)
        # the latest change on or before D wins; same-day changes keep their table order
        history_sorted = history.assign(_row=np.arange(len(history))).sort_values(
            ["changed_on", "_row"], kind="stable"
        )
        latest = dict(
            zip(
                history_sorted["opportunity_id"].astype(str),
                history_sorted["stage"].astype(str),
                strict=True,
            )
        )
    stages, probabilities, closed = [], [], []
    for row in opportunities.itertuples(index=False):
        key = str(row.opportunity_id)
        stage, probability, closed_on = str(row.stage), row.probability, row.closed_on
        if pd.notna(row.closed_on) and row.closed_on > as_of:
            closed_on = pd.NaT
            if key in latest:
                stage, probability = latest[key], np.nan
            else:
                stage, probability = "prospecting", 50.0
        elif pd.isna(row.closed_on) and key in with_history and key not in latest:
            probability = 50.0
        stages.append(stage)
        probabilities.append(probability)
        closed.append(closed_on)
    dtype = opportunities["stage"].dtype
    changes = {
        "opportunities": opportunities.assign(
            stage=pd.Categorical(stages, dtype=dtype),
            probability=np.array(probabilities, dtype=np.float64),
            closed_on=pd.to_datetime(pd.Series(closed, dtype="datetime64[ns]")),
        )
    }
    if history is not None:
        changes["stage_history"] = history
    return changes


def write_portfolio(folder: Path, ids: list[str], *, months: int = 12) -> Path:
    """A synthetic portfolio whose accounts carry ``ids``, as CSV files."""
    from acctkit.datasets import generate_tables, write_tables

    tables = generate_tables(n_accounts=len(ids), months=months, end="2026-10-31", seed=3)
    renamed = dict(zip(tables["accounts"]["account_id"], ids, strict=True))
    for frame in tables.values():
        if "account_id" in frame.columns:
            frame["account_id"] = frame["account_id"].map(renamed)
    parents = tables["accounts"]["parent_account_id"]
    tables["accounts"]["parent_account_id"] = parents.map(renamed).where(parents.notna())
    write_tables(tables, folder)
    return folder


def fixture_run(data: Path, out: Path, **options):
    options = {"jobs": 2, "progress": False, "timeout": 60, **options}
    return run_reports(
        ReportRun(
            data, MONTH, out=out, account_notebook=ACCOUNT, portfolio_notebook=PORTFOLIO, **options
        )
    )


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def wait_for_done_reports(out: Path, process, *, count: int) -> Path:
    """The staging folder of the batch ``process`` once ``count`` reports are done in it."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        for staging in out.glob(f".{MONTH}.tmp-*"):
            try:
                manifest = manifest_of(staging)
            except (OSError, ValueError):
                continue
            if manifest["summary"]["done"] >= count:
                return staging
        time.sleep(0.1)
    raise AssertionError("the batch did not get far enough to be interrupted")
