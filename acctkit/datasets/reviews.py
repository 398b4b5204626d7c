"""Review notes in the demo: what the last monthly reviews decided.

At each of the last three month-end reviews, about a third of the active accounts get a
decision, a next step (due two to four weeks later) and sometimes a comment, written on
the review day. Next steps of the older reviews are mostly done by the end of the data,
some are not (and are overdue); those of the last review are open, due after the end.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.datasets.columns import _dates
from acctkit.datasets.latent import _Calendar, _Latent

_DECISIONS = (
    "Keep the account in invest: widen the coverage to the finance director",
    "Hold the upsell until the open critical tickets are closed",
    "Prepare the renewal with the sponsor three months ahead",
    "Put a steering committee in the calendar for next quarter",
    "Lower the ambition for this year: focus on the installed base",
)
_NEXT_STEPS = (
    "Meet the CFO with the business case",
    "Send the revised proposal",
    "Organise a workshop with the operations team",
    "Call the sponsor about the renewal",
    "Close the critical tickets with support",
    "Introduce our product manager to the IT director",
)
_COMMENTS = (
    "The client is happy with the last delivery",
    "New procurement director since last month",
    "Budget freeze announced for the next quarter",
)
_AUTHORS = ("Claire Martin", "Hugo Bernard", "Sofia Laurent", "Ben Carter")
REVIEWS = 3
"""How many month-end reviews get notes (the last ones of the data)."""


def _review_notes(
    rng: np.random.Generator, calendar: _Calendar, latent: _Latent, account_ids: pd.Series
) -> pd.DataFrame:
    """Decisions, next steps (some done, some overdue) and comments of the last reviews."""
    end = calendar.end
    ends = (calendar.start + calendar.days - 1)[-REVIEWS:]  # the last month-ends
    active = np.flatnonzero(latent.cutoff >= end)
    rows = []
    for review in ends:
        chosen = active[rng.random(active.size) < 1 / 3]
        for account in chosen:
            author = _AUTHORS[rng.integers(len(_AUTHORS))]
            rows.append((account, review, author, "decision", _pick(rng, _DECISIONS), -1, -1))
            due = review + int(rng.integers(14, 29))
            done = -1
            if due < end and rng.random() < 0.7:  # most steps of past reviews were done
                done = min(end, due - 7 + int(rng.integers(0, 12)))
            rows.append((account, review, author, "next_step", _pick(rng, _NEXT_STEPS), due, done))
            if rng.random() < 0.3:
                rows.append((account, review, author, "comment", _pick(rng, _COMMENTS), -1, -1))
    if not rows:
        return pd.DataFrame(
            columns=["note_id", "account_id", "noted_on", "author", "kind", "text", "objective_id"]
            + ["due_on", "done_on"]
        )
    account, noted, author, kind, text, due, done = (np.array(c) for c in zip(*rows, strict=True))
    order = np.lexsort((np.arange(len(rows)), noted))
    frame = pd.DataFrame(
        {
            "account_id": account_ids.to_numpy()[account],
            "noted_on": _dates(noted),
            "author": author,
            "kind": kind,
            "text": text,
            "objective_id": pd.Series([None] * len(rows), dtype=object),
            "due_on": _dates(np.maximum(due, 0), due < 0),
            "done_on": _dates(np.maximum(done, 0), done < 0),
        }
    ).iloc[order]
    frame.insert(0, "note_id", [f"RN{i:05d}" for i in range(1, len(frame) + 1)])
    return frame.reset_index(drop=True)


def _pick(rng: np.random.Generator, choices: tuple[str, ...]) -> str:
    return choices[rng.integers(len(choices))]
