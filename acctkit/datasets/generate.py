"""Generate a synthetic portfolio, write it as CSV files, or load the demo portfolio.

``generate_tables`` draws the latent state (latent.py) and builds every table from it
(accounts.py, opportunities.py, activity.py) in a fixed order, so that one seed always
gives the same tables; ``write_tables`` writes them byte for byte reproducibly.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from acctkit.data.portfolio import TABLE_NAMES
from acctkit.datasets.accounts import _accounts, _assessments, _contacts
from acctkit.datasets.activity import (
    _actions,
    _feedback,
    _interactions,
    _nps_responses,
    _outcomes,
    _tickets,
)
from acctkit.datasets.columns import _account_ids
from acctkit.datasets.groups import _groups_and_products
from acctkit.datasets.judgement import _overrides, _refreshed_assessments
from acctkit.datasets.latent import _calendar, _latent, _profile
from acctkit.datasets.opportunities import _opportunities
from acctkit.datasets.plans import plan_tables
from acctkit.datasets.reviews import _review_notes
from acctkit.errors import OutputError
from acctkit.outputs import atomic_path

if TYPE_CHECKING:
    from acctkit.data.portfolio import Portfolio


def generate_tables(
    n_accounts: int = 60,
    months: int = 24,
    end: str | date = "2026-10-31",
    seed: int = 0,
) -> dict[str, pd.DataFrame]:
    """Generate a synthetic portfolio, one DataFrame per table of the data model.

    Parameters
    ----------
    n_accounts : int
        Number of accounts.
    months : int
        Length of the history in calendar months; the last month ends at `end`.
    end : str or date
        Last day of the history: no recorded fact is dated after it. Forecast dates
        (``expected_close_on`` of open opportunities, ``due_on`` of actions not done yet)
        may lie up to ``FORECAST_HORIZON_DAYS`` after it.
    seed : int
        Seed of ``numpy.random.default_rng``; the same arguments give identical tables.

    Returns
    -------
    dict of str to DataFrame
        accounts, assessments, contacts, interactions, opportunities, stage_history,
        actions, nps_responses, tickets, feedback, outcomes, overrides, plans, objectives,
        plan_items, review_notes (the last three month-end reviews' decisions, next steps and
        comments) and products, with the data model's column names (accounts with their
        ``parent_account_id``: groups); ids are strings, dates ``datetime64[ns]`` (no time),
        flags ``bool``.

    Examples
    --------
    >>> tables = generate_tables(n_accounts=3, months=3, end="2026-03-31")
    >>> str(tables["interactions"]["occurred_on"].max().date()) <= "2026-03-31"
    True
    """
    if n_accounts < 1 or months < 1:
        raise ValueError("n_accounts and months must be at least 1")
    rng = np.random.default_rng(seed)
    calendar = _calendar(end, months)
    account_ids = _account_ids(n_accounts)
    profile = _profile(rng, n_accounts)
    latent = _latent(rng, calendar, n_accounts)
    contacts, contact_state = _contacts(rng, calendar, latent, profile, account_ids)
    opportunities, stage_history = _opportunities(rng, calendar, latent, profile, account_ids)
    tables = {
        "accounts": _accounts(rng, profile, account_ids),
        "assessments": _assessments(rng, calendar, latent, account_ids),
        "contacts": contacts,
        "interactions": _interactions(rng, calendar, latent, profile, contact_state, account_ids),
        "opportunities": opportunities,
        "stage_history": stage_history,
        "actions": _actions(rng, calendar, latent, profile, account_ids),
        "nps_responses": _nps_responses(rng, calendar, latent, contact_state, account_ids),
        "tickets": _tickets(rng, calendar, latent, profile, account_ids),
        "feedback": _feedback(rng, calendar, latent, profile, account_ids),
        "outcomes": _outcomes(latent, account_ids),
    }
    judgement = rng.spawn(1)[0]  # after every other table: they stay what they were
    tables["assessments"] = _refreshed_assessments(
        judgement, calendar, latent, account_ids, tables["assessments"]
    )
    tables["overrides"] = _overrides(judgement, calendar, latent, account_ids)
    planning = rng.spawn(1)[0]  # the account plans: every table above stays as it was
    tables.update(plan_tables(planning, calendar, latent, tables))
    reviews = rng.spawn(1)[0]  # after the judgement: every other table stays what it was
    tables["review_notes"] = _review_notes(reviews, calendar, latent, account_ids)
    story = rng.spawn(1)[0]  # groups and products: every other column stays what it was
    tables.update(_groups_and_products(story, tables))
    return {name: tables[name] for name in TABLE_NAMES if name in tables}  # the data model's order


def write_tables(tables: dict[str, pd.DataFrame], folder: str | os.PathLike) -> list[Path]:
    """Write one UTF-8 CSV per table into `folder` (created if needed), atomically.

    Dates are written ``YYYY-MM-DD``, flags ``true`` / ``false``, blanks as empty fields.
    Each file is written to a temporary file beside it and renamed, so a reader never sees
    a half-written table. The same tables always give byte-identical files.

    Parameters
    ----------
    tables : dict of str to DataFrame
        Tables by name, as returned by :func:`generate_tables`.
    folder : str or path-like
        Destination folder.

    Returns
    -------
    list of Path
        The files written, in the order of `tables`.

    Raises
    ------
    OutputError
        When the folder or a file cannot be written; a file already there is left as it was.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder '{folder}': {exc.strerror}") from None
    return [_write_csv(_csv_ready(frame), folder / f"{name}.csv") for name, frame in tables.items()]


DEMO_SIZE = {"n_accounts": 120, "months": 36, "end": "2026-10-31", "seed": 7}
"""The demo portfolio's size: large enough for the early-warning model to learn from
(about 70 positive hold-out snapshots), small enough to report on in a minute."""


def demo_portfolio(
    n_accounts: int = DEMO_SIZE["n_accounts"],
    months: int = DEMO_SIZE["months"],
    end: str | date = DEMO_SIZE["end"],
    seed: int = DEMO_SIZE["seed"],
) -> Portfolio:
    """A validated synthetic :class:`~acctkit.data.portfolio.Portfolio` to try acctkit on.

    The same portfolio ``acctkit demo`` writes to ``data/demo/``.

    Parameters
    ----------
    n_accounts, months, end, seed
        As in :func:`generate_tables`.

    Returns
    -------
    Portfolio
    """
    from acctkit.data import from_frames

    tables = generate_tables(n_accounts=n_accounts, months=months, end=end, seed=seed)
    return from_frames(tables, source=f"demo portfolio ({n_accounts} accounts, seed {seed})")


# -- files ----------------------------------------------------------------------------------


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Flags as ``true`` / ``false`` (pandas would write ``True`` / ``False``); an unknown
    flag (``attended``) as a blank."""
    flags = frame.select_dtypes(include=["bool", "boolean"]).columns
    return frame.assign(
        **{
            column: np.select(
                [frame[column].isna().to_numpy(), frame[column].fillna(False).to_numpy(bool)],
                ["", "true"],
                "false",
            )
            for column in flags
        }
    )


def _write_csv(frame: pd.DataFrame, path: Path) -> Path:
    with atomic_path(path) as temporary:
        frame.to_csv(
            temporary, index=False, encoding="utf-8", date_format="%Y-%m-%d", lineterminator="\n"
        )
    return path
