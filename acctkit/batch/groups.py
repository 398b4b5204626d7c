"""Groups of accounts in a monthly run: which group pages, their names, the links.

A run shows every group that holds at least one selected account (docs/kpis.md,
"Groups"), even when the group's own account is not selected: its page rolls the whole
perimeter up. A group's page is ``groups/<file>.html``, ``<file>`` being the name its own
account's page has (:func:`acctkit.batch.slugs.file_stems`). Each selected account's
notebook gets ``group_links`` (its groups, top-level first) when it declares that
parameter, and the portfolio notebook gets ``group_links`` (every page) likewise: notebooks
of one's own that do not declare it run as before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import papermill

from acctkit.kpis.groups import group_members, groups_of_account, groups_of_accounts
from acctkit.render.parameters import papermill_path

PARAMETER = "group_links"


def declares(notebook: str | Path, name: str = PARAMETER) -> bool:
    """Whether the notebook's parameters cell declares ``name``."""
    return name in papermill.inspect_notebook(papermill_path(notebook))


@dataclass(frozen=True)
class GroupPlan:
    """The group pages of a run: group id -> page (relative to the month folder), the
    groups' names, and every perimeter (:func:`acctkit.kpis.groups.group_members`)."""

    pages: dict
    names: dict
    members: object = None

    @classmethod
    def make(cls, portfolio, book) -> GroupPlan:
        members = group_members(portfolio)
        if members.empty:
            return cls({}, {})
        members = members.astype({"group_id": str, "account_id": str})
        shown = groups_of_accounts(members, book.selected)
        names = portfolio.accounts.set_index(portfolio.accounts["account_id"].astype(str))["name"]
        return cls(
            {g: f"groups/{book.stems[g]}.html" for g in shown},
            {g: _text(names.get(g)) or g for g in shown},
            members,
        )

    def account_links(self, account_id: str) -> str:
        """The ``group_links`` of one account's page (JSON; empty when it has no group)."""
        if self.members is None:
            return ""
        links = [
            {"group_id": g, "name": self.names[g], "href": f"../{self.pages[g]}"}
            for g in groups_of_account(self.members, account_id)
            if g in self.pages
        ]
        return json.dumps(links, ensure_ascii=False) if links else ""

    def portfolio_links(self) -> str:
        """The portfolio page's ``group_links``: JSON ``{group_id: page}``."""
        return json.dumps(self.pages, ensure_ascii=False)


def add_account_links(book, plan: GroupPlan, notebook: str | Path) -> None:
    """Give each selected account in a group its ``group_links`` parameter, when the account
    notebook declares it (the parameters are what the manifest records and resume compares)."""
    if not plan.pages or not declares(notebook):
        return
    for account_id in book.selected:
        links = plan.account_links(account_id)
        if links:
            book.parameters[account_id] = {**book.parameters[account_id], PARAMETER: links}


def _text(value) -> str:
    return "" if value is None or value != value else str(value)
