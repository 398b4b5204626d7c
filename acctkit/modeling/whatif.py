"""What if the early-warning model also watched coverage, the sponsor and overdue actions,
or the client's enthusiasm and meeting attendance?

:class:`FeatureWhatIf` adds KPI columns to the model's panel (each computed by the KPI
engine at the snapshot's own date, so nothing after it leaks in), fits a pipeline of the
same shape on the same training dates, and scores the same hold-out snapshots, so the
metrics of the two models sit side by side in one table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from acctkit.errors import ModelError
from acctkit.model.early_warning import build_pipeline, holdout_metrics, nps_rule_scores
from acctkit.model.features import build_panel
from acctkit.modeling.bootstrap import coefficient_table
from acctkit.modeling.evaluation import precision_at_k

EXTRA_FEATURES = ("coverage_pct", "has_sponsor", "overdue_actions")
"""KPIs a relationship manager watches that the catalogue's model does not use."""
ENGAGEMENT_FEATURES = ("sentiment_drift", "meeting_attendance_pct")
"""The client's mood (catalogue v1.1): enthusiasm drift and meeting attendance, candidates
kept out of the default model until the hold-out shows they help (docs/early-warning.md)."""


def add_kpi_features(
    panel: pd.DataFrame,
    portfolio,
    columns: Sequence[str] = EXTRA_FEATURES,
    *,
    window_days: int = 90,
    config=None,
) -> pd.DataFrame:
    """The panel with KPI columns computed at each row's snapshot date.

    Every snapshot date is evaluated in one pass by :func:`acctkit.kpis_at`, with the KPI
    engine's as-of rules: a value at t uses nothing dated after t.

    Parameters
    ----------
    panel
        From :func:`acctkit.build_panel`. Not modified.
    portfolio
        The portfolio the panel was built from.
    columns
        KPI columns of the catalogue (e.g. ``coverage_pct``, ``has_sponsor``).
    window_days, config
        As for :func:`acctkit.kpis_at` (use the model's ``window_days``).

    Returns
    -------
    DataFrame
        A new panel, same rows in the same order, with ``columns`` added as floats (a
        flag is 1.0 / 0.0; missing stays NaN).
    """
    from acctkit.kpis import kpis_at

    columns = [c for c in columns if c not in panel.columns]
    dates = np.sort(panel["snapshot_date"].unique())
    values = kpis_at(portfolio, dates, window_days=window_days, config=config, columns=columns)
    values = values.rename(columns={"as_of": "snapshot_date"})
    numbers = values[columns].astype("Float64").astype("float64")
    values = values[["account_id", "snapshot_date"]].assign(**numbers)
    merged = panel.merge(values, on=["account_id", "snapshot_date"], how="left")
    return merged.set_axis(panel.index)


class FeatureWhatIf:
    """The early-warning model refitted with extra KPI features, on the same split.

    Parameters
    ----------
    extra
        KPI columns to add to the model's features.
    k
        Adds ``precision_at_<k>`` to the metrics: the share of the top ``k`` accounts of
        each hold-out month that had an outcome ahead.
    config
        KPI configuration the extra columns are computed with.

    Attributes
    ----------
    metrics_ : DataFrame
        The model's hold-out metrics table, one row per scorer: ``model`` (the fitted
        model's features, refitted here on the same training part: the same figures as
        its ``metrics_``), ``model + <extra>``, ``base rate``, ``NPS drift rule``, plus
        ``precision_at_<k>``.
    predictions_ : DataFrame
        Hold-out predictions: the model's columns and ``with_extra``, the extended model's
        probability.
    scorers_ : dict
        Scorer name -> column of ``predictions_``, for :func:`acctkit.modeling.roc_curves`.
    coefficients_ : Series
        The extended model's coefficients, refitted on every snapshot (as the model is).
    panel_ : DataFrame
        The panel with the extra columns.

    Examples
    --------
    >>> what_if = FeatureWhatIf().fit(model, portfolio)          # doctest: +SKIP
    >>> what_if.metrics_[["roc_auc", "average_precision"]]       # doctest: +SKIP
    """

    def __init__(self, extra: Sequence[str] = EXTRA_FEATURES, k: int = 10, config=None):
        self.extra = extra
        self.k = k
        self.config = config

    def fit(self, model, portfolio) -> FeatureWhatIf:
        """Build the panel as ``model`` did, add the extra columns, fit both models on the
        snapshots before ``model.holdout_start_`` and score the others. Returns ``self``."""
        if not hasattr(model, "holdout_start_") or not hasattr(model, "metrics_"):
            raise ModelError("FeatureWhatIf needs a fitted EarlyWarningModel (call .fit first)")
        extra = [c for c in self.extra if c not in model.features_]
        if not extra:
            raise ModelError("extra: name at least one KPI column the model does not use")
        panel = build_panel(
            portfolio, model.as_of_, horizon_days=model.horizon_days, window_days=model.window_days
        )
        panel = add_kpi_features(
            panel, portfolio, extra, window_days=model.window_days, config=self.config
        )
        base, extended = list(model.features_), [*model.features_, *extra]
        train = panel[panel["snapshot_date"] < model.holdout_start_]
        holdout = panel[panel["snapshot_date"] >= model.holdout_start_]
        name = f"model + {', '.join(extra)}"
        scores = {
            "model": _fit_score(train, holdout, base, model.C),
            name: _fit_score(train, holdout, extended, model.C),
            "base rate": np.full(len(holdout), train["label"].mean()),
            "NPS drift rule": nps_rule_scores(train, holdout),
        }
        self.predictions_ = holdout[["account_id", "snapshot_date", "label"]].assign(
            risk_probability=scores["model"], nps_rule=scores["NPS drift rule"]
        )
        self.predictions_["with_extra"] = scores[name]
        self.scorers_ = {"model": "risk_probability", name: "with_extra"}
        self.scorers_["NPS drift rule"] = "nps_rule"
        self.metrics_ = _with_precision(
            holdout_metrics(train, holdout, scores), self.predictions_, self.scorers_, self.k
        )
        pipeline = build_pipeline(model.C).fit(panel[extended], panel["label"])
        self.coefficients_ = coefficient_table(pipeline, extended)
        self.features_ = extended
        self.panel_ = panel
        return self


def _fit_score(train, holdout, features: list[str], C: float) -> np.ndarray:
    pipeline = build_pipeline(C).fit(train[features], train["label"])
    return pipeline.predict_proba(holdout[features])[:, 1]


def _with_precision(metrics, predictions, scorers, k: int) -> pd.DataFrame:
    table = precision_at_k(predictions, ks=[k], scorers=scorers).set_index("scorer")
    column = f"precision_at_{k}"
    precision = table["precision"].rename(index={"random order": "base rate"})
    return metrics.assign(**{column: precision.reindex(metrics.index).to_numpy()})
