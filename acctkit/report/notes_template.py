"""The review notes template: a workbook to fill in during the review meeting.

:func:`write_notes_template` writes one sheet, ``review_notes``, laid out as the
``review_notes`` table (docs/data-model.md) so that the filled-in workbook is read back as
that table: dropped in the data folder (``review-notes.xlsx``) or given with ``--notes``.

- The notes the data already holds come first for each account (every column as it is):
  the workbook replaces the data's ``review_notes`` file without losing any note, and an
  open next step is marked done by filling its ``done_on``.
- Then one empty row per account, dated on the review day, for what the meeting decides:
  ``kind`` has a drop-down (Excel data validation: decision, next_step, comment), ``text``
  the note, ``due_on`` a next step's due date. A row left without kind and text is not a
  note and is skipped when the workbook is read.
- Beside them, columns for the meeting only (kept as extra columns when read back):
  ``account_name``, ``health_band``, ``plan_status`` and ``open_next_steps``.

``plan_status`` is a hook for the account plan: it is filled only when the KPI table given
(or computed) has a ``plan_status`` column, and left empty otherwise.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd

from acctkit.kpis.reviews import NOTE_COLUMNS, notes_at, open_next_steps
from acctkit.kpis.windows import as_of_date
from acctkit.outputs import atomic_path

SHEET = "review_notes"
INFO_COLUMNS = ("account_name", "health_band", "plan_status", "open_next_steps")
KINDS = ("decision", "next_step", "comment")
_DATE_COLUMNS = ("noted_on", "due_on", "done_on")
_WIDTHS = {"text": 60, "open_next_steps": 70, "account_name": 30, "author": 18}


def notes_template(portfolio, as_of, *, kpis: pd.DataFrame | None = None, config=None):
    """The template's rows as a DataFrame (what :func:`write_notes_template` writes).

    Parameters
    ----------
    portfolio
        A loaded portfolio.
    as_of
        The review day: the new rows' ``noted_on``; the notes and open next steps are
        those known on that day.
    kpis
        The KPIs at ``as_of`` (``compute_kpis``), for the health band and, when it has one,
        the ``plan_status`` column; computed when not given.
    config
        KPI configuration, when ``kpis`` is computed.
    """
    date = as_of_date(as_of)
    if kpis is None:
        from acctkit.kpis import compute_kpis

        kpis = compute_kpis(portfolio, date, config=config)
    kpis = kpis.set_axis(kpis.index.astype(str))
    accounts = portfolio.accounts.assign(account_id=portfolio.accounts["account_id"].astype(str))
    known = notes_at(portfolio, date)
    known = known.assign(account_id=known["account_id"].astype(str))
    steps = open_next_steps(known, date) if len(known) else known.assign(overdue=False)
    notes = portfolio.review_notes  # carried over whole: the workbook replaces the file
    if notes is None:
        notes = known
    notes = notes.assign(account_id=notes["account_id"].astype(str))
    rows = []
    for account_id, name in zip(accounts["account_id"], accounts["name"], strict=True):
        mine = notes[notes["account_id"] == account_id]
        rows.extend(_carried(mine))
        open_steps = steps[steps["account_id"] == account_id]
        rows.append(
            {
                **dict.fromkeys(NOTE_COLUMNS),
                "account_id": account_id,
                "noted_on": date,
                "account_name": name,
                "health_band": _value(kpis, account_id, "health_band"),
                # hook for the account plan (issue 15): filled once the KPIs carry it
                "plan_status": _value(kpis, account_id, "plan_status"),
                "open_next_steps": _steps_text(open_steps),
            }
        )
    columns = [*NOTE_COLUMNS, *INFO_COLUMNS]
    return pd.DataFrame(rows, columns=columns)


def write_notes_template(
    portfolio, as_of, path: str | os.PathLike, *, kpis=None, config=None
) -> Path:
    """Write the review notes template (an ``.xlsx`` workbook, atomically); returns its path.

    See the module's description for the layout; :func:`notes_template` gives the rows.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    frame = notes_template(portfolio, as_of, kpis=kpis, config=config)
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(list(frame.columns))
    for record in frame.itertuples(index=False):
        sheet.append([_cell(value) for value in record])
    last = len(frame) + 1
    kind = get_column_letter(frame.columns.get_loc("kind") + 1)
    choices = DataValidation(
        type="list",
        formula1='"' + ",".join(KINDS) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="kind",
        error="Choose decision, next_step or comment",
    )
    choices.add(f"{kind}2:{kind}{max(last, 2) + 200}")  # room for rows added in the meeting
    sheet.add_data_validation(choices)
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="EEF1F4")
    for position, name in enumerate(frame.columns, start=1):
        letter = get_column_letter(position)
        sheet[f"{letter}1"].font = bold
        if name in INFO_COLUMNS:
            sheet[f"{letter}1"].fill = grey
        if name in _DATE_COLUMNS:
            for (cell,) in sheet.iter_rows(
                min_row=2, max_row=last, min_col=position, max_col=position
            ):
                cell.number_format = "yyyy-mm-dd"
        sheet.column_dimensions[letter].width = _WIDTHS.get(name, 14)
    sheet.freeze_panes = "C2"
    path = Path(path)
    with atomic_path(path) as temporary:
        book.save(temporary)
    return path


def _carried(notes: pd.DataFrame) -> list[dict]:
    """The existing notes of one account, every column as it is."""
    return [
        {column: record[column] for column in NOTE_COLUMNS} for record in notes.to_dict("records")
    ]


def _steps_text(steps: pd.DataFrame) -> str:
    """``Call the CFO (due 2026-10-08, overdue); Send the plan (due 2026-11-15)``."""
    parts = []
    for record in steps.itertuples():
        due = "" if pd.isna(record.due_on) else f"due {record.due_on:%Y-%m-%d}"
        late = "overdue" if record.overdue else ""
        detail = ", ".join(part for part in (due, late) if part)
        parts.append(f"{record.text} ({detail})" if detail else str(record.text))
    return "; ".join(parts)


def _value(kpis: pd.DataFrame, account_id: str, column: str):
    if column not in kpis.columns or account_id not in kpis.index:
        return None
    value = kpis.at[account_id, column]
    return None if pd.isna(value) else str(value)


def _cell(value):
    """A value as an Excel cell: dates as dates, blanks empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().date()
    if isinstance(value, dt.datetime):
        return value.date()
    return value
