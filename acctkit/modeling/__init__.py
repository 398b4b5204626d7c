"""Exploratory risk modeling: look inside the early-warning model before you trust it.

The helpers of ``notebooks/early_warning_exploration.ipynb``, each a function over the
model's panel or its hold-out predictions that returns a DataFrame (or a Figure, in
:mod:`acctkit.modeling.charts`):

- :mod:`~acctkit.modeling.panel`: label balance over time, feature distributions by outcome;
- :mod:`~acctkit.modeling.evaluation`: ROC and precision-recall curves against the baselines,
  calibration, precision at k, thresholds and risk bands;
- :mod:`~acctkit.modeling.misses`: which outcomes the model caught, how early, and what the
  missed ones looked like;
- :mod:`~acctkit.modeling.bootstrap`: coefficients with confidence intervals (accounts
  resampled);
- :mod:`~acctkit.modeling.whatif`: the same model with extra KPI features, on the same
  hold-out;
- :mod:`~acctkit.modeling.thresholds`: an alert rule back-tested at a range of thresholds
  (``notebooks/portfolio_exploration.ipynb``).

Examples
--------
>>> from acctkit import EarlyWarningModel, demo_portfolio
>>> from acctkit import modeling
>>> p = demo_portfolio()                                              # doctest: +SKIP
>>> model = EarlyWarningModel().fit(p, "2026-10-31")                  # doctest: +SKIP
>>> modeling.precision_at_k(model.holdout_predictions_, ks=[10])      # doctest: +SKIP
"""

from acctkit.modeling.bootstrap import bootstrap_coefficients
from acctkit.modeling.evaluation import (
    SCORERS,
    band_table,
    calibration_table,
    capacity_threshold,
    pr_curves,
    precision_at_k,
    roc_curves,
    suggest_risk_bands,
    threshold_table,
    top_k_by_month,
)
from acctkit.modeling.misses import catch_summary, miss_profile, missed_outcomes, outcome_catch
from acctkit.modeling.panel import feature_summary, label_balance
from acctkit.modeling.thresholds import SWEEP_THRESHOLDS, threshold_sweep
from acctkit.modeling.whatif import (
    ENGAGEMENT_FEATURES,
    EXTRA_FEATURES,
    FeatureWhatIf,
    add_kpi_features,
)

__all__ = [
    "ENGAGEMENT_FEATURES",
    "EXTRA_FEATURES",
    "SCORERS",
    "SWEEP_THRESHOLDS",
    "FeatureWhatIf",
    "add_kpi_features",
    "band_table",
    "bootstrap_coefficients",
    "calibration_table",
    "capacity_threshold",
    "catch_summary",
    "feature_summary",
    "label_balance",
    "miss_profile",
    "missed_outcomes",
    "outcome_catch",
    "pr_curves",
    "precision_at_k",
    "roc_curves",
    "suggest_risk_bands",
    "threshold_sweep",
    "threshold_table",
    "top_k_by_month",
]
