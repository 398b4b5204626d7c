"""The Portfolio: one typed, validated DataFrame per input table.

Contract of the frames a ``Portfolio`` holds (what every KPI / model function may rely on):

- Every column of the data model (docs/data-model.md) is present, in the schema's order,
  followed by any extra column the file had (kept as strings). An optional column absent
  from the file is added, filled with its default or missing values. RangeIndex, rows in
  file order.
- ``account_id`` in *every* table is a Categorical whose categories are the accounts'
  ids in the accounts table's order, so ``groupby("account_id", observed=False)`` yields
  every account, in order, even those without rows.
- ``contacts.contact_id`` and ``opportunities.opportunity_id`` are Categoricals; the
  columns that reference them (``interactions.contact_id``, ``nps_responses.contact_id``,
  ``stage_history.opportunity_id``) share their categories (NaN when blank), so joins on
  them stay categorical.
- Other ids and free text: pandas strings (missing = NaN). IDs are never parsed as numbers.
- Dates: ``datetime64[ns]``, NaT when blank. Floats: ``float64``. Integers (scores,
  influence): nullable ``Int64``. Booleans: numpy ``bool`` (blank = False), except the
  flags without a default (``interactions.attended``): nullable ``boolean`` (blank = <NA>).
- Enums: Categoricals whose categories are the schema's values in the schema's order
  (``level``, ``severity`` and ``stage`` are ordered).
- Defaults are applied: contacts.role ``other``, contacts.is_key False, actions.status
  ``done`` when done_on is set else ``planned``. ``opportunities.probability`` stays NaN when
  not given (the stage at the as-of date decides the default probability).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd
from markupsafe import Markup

from acctkit.markup import tag

TABLE_NAMES = (
    "accounts",
    "assessments",
    "contacts",
    "interactions",
    "opportunities",
    "stage_history",
    "actions",
    "nps_responses",
    "tickets",
    "feedback",
    "outcomes",
    "overrides",
    "review_notes",
    "products",
    "plans",
    "objectives",
    "plan_items",
)


@dataclass(frozen=True, repr=False)
class Portfolio:
    """A validated key-account portfolio: ``accounts`` plus optional tables (None when absent).

    Build one with :func:`acctkit.load_portfolio` (files) or
    :func:`acctkit.data.from_frames` (DataFrames in memory); both validate.
    """

    accounts: pd.DataFrame
    assessments: pd.DataFrame | None = None
    contacts: pd.DataFrame | None = None
    interactions: pd.DataFrame | None = None
    opportunities: pd.DataFrame | None = None
    stage_history: pd.DataFrame | None = None
    actions: pd.DataFrame | None = None
    nps_responses: pd.DataFrame | None = None
    tickets: pd.DataFrame | None = None
    feedback: pd.DataFrame | None = None
    outcomes: pd.DataFrame | None = None
    overrides: pd.DataFrame | None = None
    review_notes: pd.DataFrame | None = None
    products: pd.DataFrame | None = None
    plans: pd.DataFrame | None = None
    objectives: pd.DataFrame | None = None
    plan_items: pd.DataFrame | None = None
    source: str | None = None

    @property
    def account_ids(self) -> pd.Index:
        """The accounts' ids, in the accounts table's order."""
        return pd.Index(self.accounts["account_id"].cat.categories, name="account_id")

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables present, by name."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name in TABLE_NAMES and getattr(self, f.name) is not None
        }

    def summary(self) -> pd.DataFrame:
        """Rows, columns and date range of each table present."""
        from acctkit.data.schema import SCHEMA

        rows = []
        for name, frame in self.tables().items():
            date_col = SCHEMA[name].date_column
            dates = frame[date_col].dropna() if date_col else pd.Series([], dtype="datetime64[ns]")
            rows.append(
                {
                    "table": name,
                    "rows": len(frame),
                    "columns": frame.shape[1],
                    "date_column": date_col or "",
                    "first_date": dates.min() if len(dates) else pd.NaT,
                    "last_date": dates.max() if len(dates) else pd.NaT,
                }
            )
        return pd.DataFrame(rows).set_index("table")

    def __repr__(self) -> str:
        parts = ", ".join(f"{name}={len(frame)}" for name, frame in self.tables().items())
        return f"Portfolio({parts})"

    def _repr_html_(self) -> str:
        summary = self.summary().reset_index()
        for col in ("first_date", "last_date"):
            summary[col] = summary[col].dt.strftime("%Y-%m-%d").fillna("")
        title = [f"Portfolio: {len(self.accounts)} accounts"]
        if self.source:
            title += [" ", tag("small", f"({self.source})")]
        table = Markup(summary.to_html(index=False, escape=True))
        return tag("div", [tag("strong", title), table])


def date_note(portfolio: Portfolio, as_of) -> str | None:
    """A note when a review date lies outside the data's interactions: more than a month
    after the latest one (every activity KPI then reads as a silence that may only be an
    old export), or before the first one (nothing to review yet). None otherwise, and when
    the portfolio has no interactions table.
    """
    if portfolio.interactions is None or portfolio.interactions.empty:
        return None
    day = pd.Timestamp(as_of).normalize()
    dates = portfolio.interactions["occurred_on"]
    first, last = dates.min(), dates.max()
    if pd.isna(last):
        return None
    if (day - last).days > 31:
        return (
            f"the latest interaction in the data is on {last.date()}, {(day - last).days} "
            f"days before the review date {day.date()}: recent activity will look absent; "
            "is the export up to date?"
        )
    if day < first:
        return (
            f"the review date {day.date()} is before the first interaction in the data "
            f"({first.date()}): there is little or nothing to review yet"
        )
    return None
