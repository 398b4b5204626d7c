"""Coefficients of the early-warning model with bootstrap confidence intervals.

The panel holds up to 30 snapshots per account, and snapshots of one account are alike:
resampling rows would pretend there are 30 times more independent accounts than there
are, and give intervals far too narrow. So the bootstrap resamples *accounts* (with
replacement), keeps every snapshot of each account drawn, and refits the model's pipeline
(imputation, scaling, logistic regression) on each resample.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from acctkit.errors import ModelError
from acctkit.model.early_warning import DEFAULT_C, build_pipeline, input_name
from acctkit.model.features import FEATURES


def coefficient_table(pipeline, features: Sequence[str]) -> pd.Series:
    """The fitted coefficients (per standard deviation) by model input, then ``intercept``.

    Inputs are named as in ``EarlyWarningModel.coefficients_`` (``missing_<feature>``
    for a missing-value indicator).
    """
    logit = pipeline.named_steps["logit"]
    names = [input_name(n) for n in pipeline[:-1].get_feature_names_out(list(features))]
    values = np.append(logit.coef_[0], logit.intercept_[0])
    return pd.Series(values, index=pd.Index([*names, "intercept"], name="feature"))


def bootstrap_coefficients(
    panel: pd.DataFrame,
    features: Sequence[str] = FEATURES,
    *,
    n_bootstrap: int = 200,
    seed: int = 0,
    C: float = DEFAULT_C,
    level: float = 0.95,
) -> pd.DataFrame:
    """Coefficients and odds ratios with percentile confidence intervals, accounts resampled.

    Parameters
    ----------
    panel
        The training panel (:func:`acctkit.build_panel`, possibly with extra columns).
    features
        The model inputs (the early-warning model's four by default).
    n_bootstrap
        Number of resamples.
    seed
        Seed of the resampling: the same seed gives the same intervals.
    C
        Inverse regularisation strength, as in :class:`acctkit.EarlyWarningModel`.
    level
        Coverage of the intervals (0.95: from the 2.5th to the 97.5th percentile).

    Returns
    -------
    DataFrame
        Indexed by ``feature`` (the inputs, then ``intercept``), like lifelines'
        ``summary``: ``coefficient`` (fitted on the whole panel, per standard deviation),
        ``std_error`` (standard deviation of the bootstrap coefficients), ``odds_ratio``,
        and ``ci_low`` / ``ci_high``: the interval of the *odds ratio*. An interval that
        contains 1 means the data cannot tell which way the feature pushes. ``attrs``
        records ``n_bootstrap``, ``n_fitted`` (resamples with both classes), ``level`` and
        ``seed``.
    """
    if n_bootstrap < 1:
        raise ModelError(f"n_bootstrap: expected at least 1 resample, got {n_bootstrap}")
    if not 0 < level < 1:
        raise ModelError(f"level: expected a coverage between 0 and 1, got {level}")
    features = list(features)
    values, label = panel[features].to_numpy(dtype=np.float64), panel["label"].to_numpy()
    point = coefficient_table(build_pipeline(C).fit(values, label), features)
    # Each fit is small: one BLAS thread is two to three times faster than several.
    with threadpool_limits(limits=1):
        draws = [
            coefficient_table(build_pipeline(C).fit(values[rows], label[rows]), features)
            for rows in _resamples(panel["account_id"], n_bootstrap, seed)
            if len(np.unique(label[rows])) == 2
        ]
    if not draws:
        raise ModelError("no resample held both classes: the panel has too few outcomes")
    spread = pd.concat(draws, axis=1).reindex(point.index)
    tail = (1 - level) / 2
    table = pd.DataFrame(
        {
            "coefficient": point,
            "std_error": spread.std(axis=1),
            "odds_ratio": np.exp(point),
            "ci_low": np.exp(spread.quantile(tail, axis=1)),
            "ci_high": np.exp(spread.quantile(1 - tail, axis=1)),
        }
    )
    table.attrs.update(n_bootstrap=n_bootstrap, n_fitted=len(draws), level=level, seed=seed)
    return table


def _resamples(account_id: pd.Series, n_bootstrap: int, seed: int):
    """Row positions of panels of accounts drawn with replacement (an account drawn twice
    brings its rows twice)."""
    rng = np.random.default_rng(seed)
    _, account = np.unique(account_id.astype("object").to_numpy(), return_inverse=True)
    n_accounts = account.max() + 1
    rows = np.arange(len(account))
    for _ in range(n_bootstrap):
        draws = np.bincount(rng.integers(0, n_accounts, n_accounts), minlength=n_accounts)
        yield np.repeat(rows, draws[account])
