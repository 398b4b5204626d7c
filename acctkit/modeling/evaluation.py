"""How well the early-warning scores rank and flag accounts on the time-based hold-out.

Every function takes *predictions*: one row per hold-out snapshot with ``account_id``,
``snapshot_date``, ``label`` and one column per scorer, as
``EarlyWarningModel.holdout_predictions_`` gives them (``risk_probability`` for the model,
``nps_rule`` for the NPS drift rule) or :class:`acctkit.modeling.FeatureWhatIf` extends
them. The constant "base rate" scorer needs no column: it is the diagonal of the ROC
chart, and its precision is the positive rate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from acctkit.errors import ModelError

SCORERS = {"model": "risk_probability", "NPS drift rule": "nps_rule"}
"""The scorers of ``holdout_predictions_``: display name -> column."""

RANDOM = "random order"
"""The name of the no-skill row of :func:`precision_at_k`."""


def roc_curves(predictions: pd.DataFrame, scorers: Mapping[str, str] | None = None):
    """The ROC curve of each scorer (tidy, for plotting).

    Returns
    -------
    DataFrame
        ``scorer``, ``false_positive_rate``, ``true_positive_rate``, ``threshold`` (the
        score from which a snapshot counts as flagged at that point).
    """
    from sklearn.metrics import roc_curve

    label = _labels(predictions)
    pieces = []
    for name, column in _scorers(scorers).items():
        fpr, tpr, threshold = roc_curve(label, predictions[column])
        pieces.append(
            pd.DataFrame(
                {
                    "scorer": name,
                    "false_positive_rate": fpr,
                    "true_positive_rate": tpr,
                    "threshold": threshold,
                }
            )
        )
    return pd.concat(pieces, ignore_index=True)


def pr_curves(predictions: pd.DataFrame, scorers: Mapping[str, str] | None = None):
    """The precision-recall curve of each scorer (tidy, for plotting).

    Returns
    -------
    DataFrame
        ``scorer``, ``recall``, ``precision``, ``threshold`` (NaN at the end point,
        recall 0, that no threshold reaches).
    """
    from sklearn.metrics import precision_recall_curve

    label = _labels(predictions)
    pieces = []
    for name, column in _scorers(scorers).items():
        precision, recall, threshold = precision_recall_curve(label, predictions[column])
        pieces.append(
            pd.DataFrame(
                {
                    "scorer": name,
                    "recall": recall,
                    "precision": precision,
                    "threshold": np.append(threshold, np.nan),
                }
            )
        )
    return pd.concat(pieces, ignore_index=True)


def calibration_table(
    predictions: pd.DataFrame, score: str = "risk_probability", bins: int = 10
) -> pd.DataFrame:
    """Predicted probability against the observed outcome rate, by bins of equal size.

    Snapshots are sorted by score and cut into ``bins`` groups of (nearly) the same count.
    A calibrated model has ``observed_rate`` close to ``mean_predicted`` in every bin (the
    early-warning model is calibrated: docs/early-warning.md), and the observed rate rises
    from bin to bin when it ranks well.

    Returns
    -------
    DataFrame
        Indexed by ``bin`` (1 = lowest scores): ``snapshots``, ``positives``,
        ``mean_predicted``, ``observed_rate``, ``min_score``, ``max_score``.
    """
    order = predictions[score].rank(method="first")
    bin_number = pd.qcut(order, min(bins, len(predictions)), labels=False) + 1
    grouped = predictions.groupby(bin_number.rename("bin"))
    table = pd.DataFrame(
        {
            "snapshots": grouped.size(),
            "positives": grouped["label"].sum(),
            "mean_predicted": grouped[score].mean(),
            "observed_rate": grouped["label"].mean(),
            "min_score": grouped[score].min(),
            "max_score": grouped[score].max(),
        }
    )
    return table


def top_k_by_month(
    predictions: pd.DataFrame, k: int, score: str = "risk_probability"
) -> pd.DataFrame:
    """If the team called the ``k`` highest-scored accounts each month: who did it reach?

    Ties are broken by the predictions' row order (account order), so the result is
    reproducible.

    Returns
    -------
    DataFrame
        Indexed by ``snapshot_date``: ``accounts`` scored that month, ``called``
        (``min(k, accounts)``), ``reached`` (called accounts with an outcome ahead),
        ``positives`` (all accounts with an outcome ahead), ``precision`` (reached /
        called), ``recall`` (reached / positives; NaN without positives), ``base_rate``
        (positives / accounts: the precision of calling accounts at random).

    Examples
    --------
    >>> frame = pd.DataFrame({"snapshot_date": ["m1"] * 4, "label": [1, 0, 1, 0],
    ...                       "risk_probability": [0.9, 0.8, 0.1, 0.2]})
    >>> top_k_by_month(frame, 2)[["called", "reached", "precision", "recall"]].iloc[0].tolist()
    [2.0, 1.0, 0.5, 0.5]
    """
    called = _top_k(predictions, score, k)
    return _monthly(predictions.assign(called=called))


def precision_at_k(
    predictions: pd.DataFrame,
    ks: Iterable[int] = (5, 10, 20),
    scorers: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Precision and recall of calling the top ``k`` accounts each month, over the hold-out.

    Each scorer ranks the accounts every month; the top ``k`` are "called". Counts are
    summed over the hold-out months, so ``precision`` is the share of all calls that
    reached an account with an outcome ahead. The ``random order`` row is what calling
    ``k`` accounts at random would reach on average.

    Returns
    -------
    DataFrame
        One row per (scorer, k): ``scorer``, ``k``, ``months``, ``called``, ``reached``,
        ``positives``, ``precision``, ``recall``, ``lift`` (precision / the hold-out's
        positive rate), ``accounts_reached`` (distinct accounts reached at least once) and
        ``accounts_at_risk`` (distinct accounts with an outcome ahead at some month).
    """
    ks = [int(k) for k in ks]
    if not ks or min(ks) < 1:
        raise ModelError(f"ks: expected whole numbers of accounts >= 1, got {ks}")
    rate = predictions["label"].mean()
    at_risk = predictions.loc[predictions["label"] == 1, "account_id"].nunique()
    rows = []
    for name, column in _scorers(scorers).items():
        rank = _rank(predictions, column)
        for k in ks:
            called = rank <= k
            reached = called & (predictions["label"] == 1).to_numpy()
            rows.append(
                {
                    "scorer": name,
                    "k": k,
                    "called": int(called.sum()),
                    "reached": int(reached.sum()),
                    "accounts_reached": predictions.loc[reached, "account_id"].nunique(),
                }
            )
    months = predictions.groupby("snapshot_date")["label"].agg(["size", "mean"])
    for k in ks:
        called = np.minimum(k, months["size"])
        rows.append(
            {
                "scorer": RANDOM,
                "k": k,
                "called": int(called.sum()),
                "reached": float((called * months["mean"]).sum()),
                "accounts_reached": np.nan,
            }
        )
    table = pd.DataFrame(rows)
    positives = int(predictions["label"].sum())
    table["months"] = predictions["snapshot_date"].nunique()
    table["positives"] = positives
    table["precision"] = table["reached"] / table["called"]
    table["recall"] = table["reached"] / positives if positives else np.nan
    table["lift"] = table["precision"] / rate if rate > 0 else np.nan
    table["accounts_at_risk"] = at_risk
    columns = ["scorer", "k", "months", "called", "reached", "positives", "precision"]
    columns += ["recall", "lift", "accounts_reached", "accounts_at_risk"]
    return table[columns]


def threshold_table(
    predictions: pd.DataFrame,
    thresholds: Iterable[float] | None = None,
    score: str = "risk_probability",
) -> pd.DataFrame:
    """What flagging every snapshot scored at or above each threshold would give.

    Returns
    -------
    DataFrame
        Indexed by ``threshold`` (default: 20 steps from 0 to the 99th percentile of the
        scores, as calibrated probabilities are a few per cent): ``flagged_share`` (of the
        hold-out snapshots), ``flagged_per_month`` (accounts flagged in an average month),
        ``precision``, ``recall`` and ``lift`` (precision / positive rate).
    """
    if thresholds is None:
        top = float(np.nanquantile(predictions[score], 0.99)) if len(predictions) else 1.0
        thresholds = np.unique(np.round(np.linspace(0, top, 21)[1:], 4))
    limits = np.asarray(list(thresholds), dtype=np.float64)
    scores = predictions[score].to_numpy(dtype=np.float64)
    positive = predictions["label"].to_numpy() == 1
    flagged = scores[:, None] >= limits[None, :]
    count = flagged.sum(axis=0)
    hits = (flagged & positive[:, None]).sum(axis=0)
    rate = positive.mean()
    precision = np.divide(hits, count, out=np.full(len(limits), np.nan), where=count > 0)
    table = pd.DataFrame(
        {
            "flagged_share": count / len(scores),
            "flagged_per_month": count / predictions["snapshot_date"].nunique(),
            "precision": precision,
            "recall": hits / positive.sum() if positive.any() else np.nan,
            "lift": precision / rate if rate > 0 else np.nan,
        },
        index=pd.Index(limits, name="threshold"),
    )
    return table


def band_table(
    predictions: pd.DataFrame,
    config=None,
    score: str = "risk_probability",
    base_rate: float | None = None,
) -> pd.DataFrame:
    """The risk bands (low / medium / high) on the hold-out: how full, how right.

    Parameters
    ----------
    predictions
        Hold-out predictions.
    config
        A KPI configuration (dict, TOML path or ``Config``) whose ``[risk_bands]`` sets
        the limits; None for the defaults (1.5x and 3x the base rate).
    base_rate
        The rate relative bands are multiples of: the model's ``base_rate_``; by default
        the predictions' own outcome rate.

    Returns
    -------
    DataFrame
        Indexed by ``risk_band``: ``snapshots``, ``share`` (of the hold-out snapshots),
        ``per_month`` (accounts in the band in an average month), ``mean_probability``,
        ``outcome_rate`` (share with an outcome ahead) and ``share_of_positives``.
    """
    from acctkit.model import risk_band

    if base_rate is None:
        base_rate = float(predictions["label"].mean())
    band = risk_band(predictions[score], config, base_rate)
    grouped = predictions.groupby(band, observed=False)
    table = pd.DataFrame(
        {
            "snapshots": grouped.size(),
            "share": grouped.size() / len(predictions),
            "per_month": grouped.size() / predictions["snapshot_date"].nunique(),
            "mean_probability": grouped[score].mean(),
            "outcome_rate": grouped["label"].mean(),
            "share_of_positives": grouped["label"].sum() / max(predictions["label"].sum(), 1),
        }
    )
    return table.rename_axis("risk_band")


def capacity_threshold(
    predictions: pd.DataFrame, accounts_per_month: int, score: str = "risk_probability"
) -> float:
    """The score from which about ``accounts_per_month`` accounts are flagged each month.

    Each month's ``accounts_per_month``-th highest score, then the median over the months:
    flagging scores at or above it flags that many accounts in a typical month.

    Examples
    --------
    >>> frame = pd.DataFrame({"snapshot_date": ["m1"] * 3 + ["m2"] * 3, "label": 0,
    ...                       "risk_probability": [0.9, 0.5, 0.1, 0.7, 0.3, 0.2]})
    >>> capacity_threshold(frame, 2)
    0.4
    """
    if accounts_per_month < 1:
        raise ModelError(f"accounts_per_month: expected at least 1, got {accounts_per_month}")
    ranked = predictions.assign(_rank=_rank(predictions, score))
    kept = ranked[ranked["_rank"] <= accounts_per_month]
    return float(kept.groupby("snapshot_date")[score].min().median())


def suggest_risk_bands(
    predictions: pd.DataFrame,
    high_per_month: int,
    medium_per_month: int,
    score: str = "risk_probability",
) -> dict[str, float]:
    """``[risk_bands]`` limits that put about ``high_per_month`` accounts in the high band
    and ``medium_per_month`` in high or medium, in a typical hold-out month.

    Returns
    -------
    dict
        ``{"scale": "absolute", "medium": ..., "high": ...}`` (probabilities rounded to 3
        decimals), ready for ``load_config({"risk_bands": ...})``.
    """
    if medium_per_month < high_per_month:
        raise ModelError(
            f"medium_per_month ({medium_per_month}) counts the high band too: it must be at "
            f"least high_per_month ({high_per_month})"
        )
    high = capacity_threshold(predictions, high_per_month, score)
    medium = capacity_threshold(predictions, medium_per_month, score)
    return {"scale": "absolute", "medium": round(min(medium, high), 3), "high": round(high, 3)}


def _scorers(scorers: Mapping[str, str] | None) -> dict[str, str]:
    return dict(SCORERS if scorers is None else scorers)


def _labels(predictions: pd.DataFrame) -> np.ndarray:
    label = predictions["label"].to_numpy()
    if len(np.unique(label)) < 2:
        raise ModelError(
            "the predictions hold only one class: curves need snapshots with and without an "
            "outcome (a larger portfolio or a longer history)"
        )
    return label


def _rank(predictions: pd.DataFrame, score: str) -> np.ndarray:
    """1 for each month's highest score, 2 for the next...; ties in row order."""
    grouped = predictions.groupby("snapshot_date", sort=False)[score]
    return grouped.rank(method="first", ascending=False).to_numpy()


def _top_k(predictions: pd.DataFrame, score: str, k: int) -> np.ndarray:
    if k < 1:
        raise ModelError(f"k: expected at least 1 account, got {k}")
    return _rank(predictions, score) <= k


def _monthly(frame: pd.DataFrame) -> pd.DataFrame:
    """Per month: accounts, called, reached, positives and the rates, from ``called``."""
    positive = frame["label"] == 1
    grouped = frame.assign(reached=frame["called"] & positive).groupby("snapshot_date")
    table = pd.DataFrame(
        {
            "accounts": grouped.size(),
            "called": grouped["called"].sum(),
            "reached": grouped["reached"].sum(),
            "positives": grouped["label"].sum(),
        }
    ).astype("float64")
    table["precision"] = table["reached"] / table["called"]
    table["recall"] = table["reached"] / table["positives"].where(table["positives"] > 0)
    table["base_rate"] = table["positives"] / table["accounts"]
    return table
