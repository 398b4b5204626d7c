"""Judgement that ages in the demo: re-assessments, a few criteria left stale, overrides.

Drawn from a generator of their own (spawned after every other table), so that every other
table stays what it was for the same seed. A re-assessment repeats each criterion's latest
score, so no score of any date changes: only how old the judgement is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.datasets.columns import _dates
from acctkit.datasets.latent import _Calendar, _Latent

_REFRESH_AFTER_DAYS = 120  # a criterion rated longer ago than this is rated again...
_LEFT_STALE = 0.03  # ...except this share of them, which the team forgot
_OVERRIDES = (
    # (days before the end it was set, days before the end it expires, field, value, reason,
    # author): one in force at the end, one that expired in the last month
    (
        40,
        -80,
        "health_band",
        "red",
        "The new CFO re-tenders every contract over 1 M EUR from January: the scores do not "
        "see it yet",
        "Claire Martin",
    ),
    (
        200,
        15,
        "segment",
        "invest",
        "Board priority for the healthcare push, whatever the potential score says",
        "Hugo Bernard",
    ),
)


def _refreshed_assessments(
    rng: np.random.Generator,
    calendar: _Calendar,
    latent: _Latent,
    account_ids: pd.Series,
    assessments: pd.DataFrame,
) -> pd.DataFrame:
    """The assessments with a recent re-rating round per active account for its old
    criteria (the same score again), a few of them left stale."""
    end = calendar.end
    active = set(account_ids[latent.cutoff >= end])  # a churned client is not rated again
    day = assessments["assessed_on"].to_numpy("datetime64[D]").astype(np.int64)
    latest = assessments.assign(_day=day).sort_values("_day", kind="stable")
    latest = latest.drop_duplicates(["account_id", "criterion"], keep="last")
    old = latest[((end - latest["_day"]) > _REFRESH_AFTER_DAYS) & latest["account_id"].isin(active)]
    old = old[rng.random(len(old)) >= _LEFT_STALE]
    accounts = pd.unique(old["account_id"])
    round_day = dict(zip(accounts, end - rng.integers(20, 100, len(accounts)), strict=True))
    refresh = pd.DataFrame(
        {
            "account_id": old["account_id"].to_numpy(),
            "assessed_on": _dates(old["account_id"].map(round_day).to_numpy(np.int64)),
            "criterion": old["criterion"].to_numpy(),
            "score": old["score"].to_numpy(),
            "comment": pd.Series([pd.NA] * len(old), dtype=assessments["comment"].dtype),
        }
    )
    out = pd.concat([assessments, refresh], ignore_index=True)
    return out.sort_values("account_id", kind="stable").reset_index(drop=True)


def _overrides(
    rng: np.random.Generator, calendar: _Calendar, latent: _Latent, account_ids: pd.Series
) -> pd.DataFrame:
    """Two overrides on two active accounts: one in force at the end (a red health band on
    the healthiest account: news the activity does not show yet), one just expired (fewer
    when there are fewer active accounts)."""
    end = calendar.end
    active = np.flatnonzero(latent.cutoff >= end)
    count = min(len(_OVERRIDES), len(active))
    by_health = active[np.argsort(-latent.health[active, -1], kind="stable")]
    picked = np.concatenate([by_health[:1], rng.permutation(by_health[1:])])[:count]
    rows = list(zip(*_OVERRIDES[:count], strict=True)) or [()] * 6
    return pd.DataFrame(
        {
            "account_id": account_ids.to_numpy()[picked],
            "field": rows[2],
            "value": rows[3],
            "reason": rows[4],
            "author": rows[5],
            "set_on": _dates(end - np.array(rows[0], dtype=np.int64)),
            "expires_on": _dates(end - np.array(rows[1], dtype=np.int64)),
        }
    )
