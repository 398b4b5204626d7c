"""The early-warning panel at a glance: label balance over time, features by outcome.

Both functions take the panel :func:`acctkit.build_panel` returns (one row per account and
month-end snapshot, the features and ``label``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from acctkit.model.features import FEATURES


def label_balance(panel: pd.DataFrame, holdout_start=None) -> pd.DataFrame:
    """Snapshots, positives and the positive rate at each snapshot date.

    Parameters
    ----------
    panel
        From :func:`acctkit.build_panel`.
    holdout_start
        The model's ``holdout_start_``: adds a ``part`` column (``train`` / ``holdout``).

    Returns
    -------
    DataFrame
        Indexed by ``snapshot_date``: ``snapshots`` (accounts still in the panel),
        ``positives`` (an outcome within the horizon), ``positive_rate``, [``part``].

    Examples
    --------
    >>> panel = pd.DataFrame({"snapshot_date": pd.to_datetime(["2026-01-31"] * 2),
    ...                       "label": [0, 1]})
    >>> label_balance(panel)[["snapshots", "positives", "positive_rate"]].iloc[0].tolist()
    [2.0, 1.0, 0.5]
    """
    grouped = panel.groupby("snapshot_date")["label"]
    table = pd.DataFrame({"snapshots": grouped.size(), "positives": grouped.sum()})
    table["positive_rate"] = table["positives"] / table["snapshots"]
    if holdout_start is not None:
        table["part"] = np.where(table.index >= pd.Timestamp(holdout_start), "holdout", "train")
    return table


def feature_summary(panel: pd.DataFrame, features: Sequence[str] = FEATURES) -> pd.DataFrame:
    """Each feature's distribution for snapshots with and without an outcome ahead.

    Parameters
    ----------
    panel
        From :func:`acctkit.build_panel` (or with extra columns, see
        :func:`acctkit.modeling.add_kpi_features`).
    features
        The columns to describe.

    Returns
    -------
    DataFrame
        Indexed by feature: ``mean_no_outcome``, ``mean_outcome``, ``median_no_outcome``,
        ``median_outcome``, ``missing_no_outcome``, ``missing_outcome`` (shares of missing
        values), and ``std_difference``: (mean with outcome - mean without) / the pooled
        standard deviation, a scale-free measure of how far apart the two groups are
        (0.2 small, 0.5 medium, 0.8 large, by Cohen's rule of thumb).
    """
    values = panel[list(features)].astype("float64")
    grouped = values.groupby(panel["label"].to_numpy())
    means, medians = grouped.mean().T, grouped.median().T
    missing = values.isna().groupby(panel["label"].to_numpy()).mean().T
    # a group of one value has no variance, and weight n - 1 = 0 in the pooled one
    variances, counts = grouped.var().T.fillna(0.0), grouped.count().T
    pooled = np.sqrt(
        ((counts[0] - 1) * variances[0] + (counts[1] - 1) * variances[1])
        / (counts[0] + counts[1] - 2)
    )
    table = pd.DataFrame(
        {
            "mean_no_outcome": means[0],
            "mean_outcome": means[1],
            "median_no_outcome": medians[0],
            "median_outcome": medians[1],
            "missing_no_outcome": missing[0],
            "missing_outcome": missing[1],
            "std_difference": (means[1] - means[0]) / pooled.where(pooled > 0),
        }
    )
    return table.rename_axis("feature")
