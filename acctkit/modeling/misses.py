"""Error analysis: which outcomes (churn, downsell, lost renewal) did the model see coming?

A hold-out *outcome* is a row of the ``outcomes`` table with at least one hold-out snapshot
of its account in the horizon before it (snapshot t with the outcome in (t, t + H]): those
snapshots are the positives it explains. The outcome is *caught* when at least one of them
was flagged (score at or above a threshold), and the *lead time* is how long before the
outcome the first flag came. The missed ones are where the model can learn, or where the
signals it watches say nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from acctkit.model.features import FEATURES

_KEYS = ["account_id", "occurred_on", "event"]


def outcome_catch(
    predictions: pd.DataFrame,
    outcomes: pd.DataFrame,
    *,
    threshold: float,
    horizon_days: int = 180,
    score: str = "risk_probability",
) -> pd.DataFrame:
    """Each hold-out outcome: was it flagged before it happened, and how early?

    Parameters
    ----------
    predictions
        Hold-out predictions (``EarlyWarningModel.holdout_predictions_``).
    outcomes
        The portfolio's ``outcomes`` table (``account_id``, ``occurred_on``, ``event``).
    horizon_days
        The model's horizon H.
    threshold
        A snapshot is flagged when its score is at least this: a risk band's limit as a
        probability (``acctkit.risk_limits(config, base_rate)["medium"]`` or ``["high"]``).
    score
        The predictions' column to judge.

    Returns
    -------
    DataFrame
        One row per outcome, ordered by date: ``account_id``, ``occurred_on``, ``event``,
        ``snapshots`` (hold-out snapshots in the horizon before it), ``caught``,
        ``first_flagged`` (date of the first flagged snapshot, NaT when missed),
        ``lead_days`` (days from that flag to the outcome), ``max_score``,
        ``last_snapshot`` and ``last_score`` (the latest snapshot before the outcome).
    """
    pairs = predictions[["account_id", "snapshot_date", score]].merge(
        outcomes[_KEYS], on="account_id"
    )
    ahead = (pairs["occurred_on"] - pairs["snapshot_date"]).dt.days
    pairs = pairs[(ahead > 0) & (ahead <= horizon_days)].sort_values("snapshot_date")
    flagged = pairs[score] >= threshold
    pairs = pairs.assign(flagged=flagged, flag_date=pairs["snapshot_date"].where(flagged))
    grouped = pairs.groupby(_KEYS, observed=True, sort=False)
    table = grouped.agg(
        snapshots=("snapshot_date", "size"),
        caught=("flagged", "any"),
        first_flagged=("flag_date", "min"),
        max_score=(score, "max"),
        last_snapshot=("snapshot_date", "last"),
        last_score=(score, "last"),
    ).reset_index()
    table.insert(5, "lead_days", (table["occurred_on"] - table["first_flagged"]).dt.days)
    table["event"] = table["event"].astype("object")
    return table.sort_values(["occurred_on", "account_id"], kind="stable").reset_index(drop=True)


def catch_summary(catch: pd.DataFrame) -> pd.DataFrame:
    """Outcomes caught, by kind of event and in all.

    Returns
    -------
    DataFrame
        Indexed by ``event`` (then ``all``): ``outcomes``, ``caught``, ``caught_share``,
        ``median_lead_days`` (over the caught ones).
    """
    both = pd.concat([catch, catch.assign(event="all")], ignore_index=True)
    grouped = both.groupby("event", sort=False)
    table = pd.DataFrame(
        {
            "outcomes": grouped.size(),
            "caught": grouped["caught"].sum(),
            "median_lead_days": grouped["lead_days"].median(),
        }
    )
    table.insert(2, "caught_share", table["caught"] / table["outcomes"])
    order = sorted(set(catch["event"])) + ["all"]
    return table.reindex(order)


def missed_outcomes(
    catch: pd.DataFrame, panel: pd.DataFrame, features: Sequence[str] = FEATURES
) -> pd.DataFrame:
    """The outcomes the model missed, with the features of their last snapshot before it.

    Parameters
    ----------
    catch
        From :func:`outcome_catch`.
    panel
        The model's panel (:func:`acctkit.build_panel`), for the features and the counts
        behind them (``interactions``, ``interactions_prev``, ``nps_mean``...).
    features
        The feature columns to show.

    Returns
    -------
    DataFrame
        The missed rows of ``catch`` (lowest last score first) with the ``features``, then
        ``interactions`` and ``interactions_prev`` when the panel has them.
    """
    counts = [c for c in ("interactions", "interactions_prev") if c in panel and c not in features]
    shown = [*features, *counts]
    missed = _with_features(catch[~catch["caught"]], panel, shown)
    return missed.sort_values("last_score", kind="stable").reset_index(drop=True)


def miss_profile(
    catch: pd.DataFrame,
    panel: pd.DataFrame,
    holdout_start,
    features: Sequence[str] = FEATURES,
) -> pd.DataFrame:
    """What the missed outcomes looked like, next to the caught ones and the quiet accounts.

    Returns
    -------
    DataFrame
        Rows ``caught``, ``missed`` (outcomes, features at their last snapshot before the
        outcome) and ``no outcome`` (hold-out snapshots with no outcome ahead); columns
        ``count``, then the mean of each feature (missing values left out).
    """
    features = list(features)
    events = _with_features(catch, panel, features)
    group = np.where(events["caught"], "caught", "missed")
    quiet = panel[(panel["snapshot_date"] >= pd.Timestamp(holdout_start)) & (panel["label"] == 0)]
    frame = pd.concat(
        [events[features].assign(group=group), quiet[features].assign(group="no outcome")],
        ignore_index=True,
    )
    grouped = frame.groupby("group")
    table = grouped[features].mean()
    table.insert(0, "count", grouped.size())
    return table.reindex(["caught", "missed", "no outcome"]).rename_axis(None)


def _with_features(catch: pd.DataFrame, panel: pd.DataFrame, columns: list[str]):
    values = panel[["account_id", "snapshot_date", *columns]].rename(
        columns={"snapshot_date": "last_snapshot"}
    )
    return catch.merge(values, on=["account_id", "last_snapshot"], how="left")
