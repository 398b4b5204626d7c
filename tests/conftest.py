"""Shared fixtures: a tiny valid portfolio written as files, to be broken one way per test."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

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


@pytest.fixture
def tiny_folder(tmp_path: Path) -> Path:
    return write_tables(tmp_path / "tiny", TINY)


def folder_digest(folder: Path) -> str:
    """A hash of every file's name and bytes under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
