"""Review dates: the cadence of the reviews (monthly or every two weeks), the previous
review of a date, the series of past reviews, and what a review decided (review notes).

A review is held on a date; the *previous review* is the one every "change since the
previous review" compares with: the previous month-end for a monthly cadence, 14 days
before for a biweekly one, or a date given explicitly. The trend charts show the cadence's
last review dates. Review notes are the decisions, next steps and comments written at a
review (the optional ``review_notes`` table); a note belongs to the review that follows
it: a note dated on the previous review day belongs to the previous review, one dated
the day after to this one (``previous < noted_on <= as_of``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.config import REVIEW_CADENCES as CADENCES
from acctkit.data.schema import SCHEMA
from acctkit.errors import ConfigError
from acctkit.kpis.windows import as_of_date, month_ends

BIWEEKLY_DAYS = 14
NOTE_KINDS = ("decision", "next_step", "comment")


def check_cadence(cadence: object) -> str:
    """``cadence`` when it is one of :data:`CADENCES`; ConfigError otherwise."""
    if cadence not in CADENCES:
        raise ConfigError(f"cadence must be one of {', '.join(CADENCES)}, not {cadence!r}")
    return str(cadence)


def previous_review(as_of: object, cadence: str = "monthly", previous: object = None):
    """The date of the review before ``as_of``.

    Parameters
    ----------
    as_of
        The review date.
    cadence
        ``monthly``: the month-end before ``as_of``; ``biweekly``: 14 days before.
    previous
        An explicit previous review date (``--previous``); it must be before ``as_of``.

    Examples
    --------
    >>> previous_review("2026-10-31").date(), previous_review("2026-10-15").date()
    (datetime.date(2026, 9, 30), datetime.date(2026, 9, 30))
    >>> previous_review("2026-10-15", "biweekly").date()
    datetime.date(2026, 10, 1)
    """
    date = as_of_date(as_of)
    if previous is not None:
        before = as_of_date(previous)
        if before >= date:
            raise ConfigError(
                f"the previous review {before:%Y-%m-%d} must be before the review date "
                f"{date:%Y-%m-%d}"
            )
        return before
    if check_cadence(cadence) == "biweekly":
        return date - pd.Timedelta(days=BIWEEKLY_DAYS)
    return (date - pd.offsets.MonthEnd(1)).normalize()


def review_dates(as_of: object, periods: int = 12, cadence: str = "monthly") -> pd.DatetimeIndex:
    """The cadence's last ``periods`` review dates on or before ``as_of``, oldest first.

    Monthly: the last ``periods`` month-ends (:func:`acctkit.kpis.windows.month_ends`);
    biweekly: ``as_of`` and every 14 days before it.

    Examples
    --------
    >>> list(review_dates("2026-10-15", 3, "biweekly").strftime("%Y-%m-%d"))
    ['2026-09-17', '2026-10-01', '2026-10-15']
    """
    if isinstance(periods, bool) or not isinstance(periods, (int, np.integer)) or periods < 1:
        raise ConfigError(f"periods: expected a whole number >= 1, got {periods!r}")
    if check_cadence(cadence) == "monthly":
        return month_ends(as_of, int(periods))
    date = as_of_date(as_of)
    steps = np.arange(int(periods) - 1, -1, -1) * BIWEEKLY_DAYS
    return pd.DatetimeIndex(date - pd.to_timedelta(steps, unit="D"), name="as_of")


NOTE_COLUMNS = SCHEMA["review_notes"].names  # the data model's review notes columns, in order


def notes_at(portfolio, as_of: object) -> pd.DataFrame:
    """The review notes known at ``as_of`` (``noted_on <= as_of``), a next step's
    ``done_on`` kept only when it is on or before ``as_of`` (as-of purity); empty with the
    table's columns when the portfolio has no ``review_notes``."""
    date = as_of_date(as_of)
    notes = getattr(portfolio, "review_notes", None)
    if notes is None:
        return pd.DataFrame({column: pd.Series(dtype="object") for column in NOTE_COLUMNS})
    known = notes[notes["noted_on"] <= date]
    known = known.assign(done_on=known["done_on"].where(known["done_on"] <= date))
    return known[list(NOTE_COLUMNS)].sort_values(["account_id", "noted_on"], kind="stable")


def open_next_steps(notes: pd.DataFrame, as_of: object) -> pd.DataFrame:
    """The next steps of ``notes`` not done at ``as_of``, with ``overdue`` (due before
    ``as_of``) and ``days_late``; earliest due first."""
    date = as_of_date(as_of)
    steps = notes[(notes["kind"] == "next_step") & notes["done_on"].isna()]
    steps = steps[steps["noted_on"] <= date]
    overdue = (steps["due_on"] < date).fillna(False).astype(bool)
    late = (date - steps["due_on"]).dt.days.where(overdue, 0).fillna(0).astype("int64")
    steps = steps.assign(overdue=overdue, days_late=late)
    return steps.sort_values(["account_id", "due_on"], kind="stable", na_position="last")


def overdue_next_steps(portfolio, as_of: object) -> pd.Series:
    """Per account (every account, in order): the next steps due before ``as_of`` and not
    done at ``as_of`` (the ``next_steps_overdue`` alert's count); NaN without
    ``review_notes``."""
    ids = portfolio.account_ids
    if getattr(portfolio, "review_notes", None) is None:
        return pd.Series(np.nan, index=ids, name="overdue_next_steps")
    steps = open_next_steps(notes_at(portfolio, as_of), as_of)
    counts = steps[steps["overdue"]].groupby("account_id", observed=False).size()
    counts = counts.set_axis(counts.index.astype(str)).reindex(ids.astype(str)).fillna(0)
    return pd.Series(counts.to_numpy(dtype="float64"), index=ids, name="overdue_next_steps")
