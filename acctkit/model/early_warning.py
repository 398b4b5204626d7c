"""The early-warning model: a logistic regression on engagement slowdown, irritants,
NPS drift and critical tickets, evaluated honestly on a time-based hold-out and explained
account by account.

Follows scikit-learn conventions: ``__init__`` only stores its arguments, ``fit`` returns
``self``, learned attributes end with ``_``. One ``Pipeline`` holds every step (impute with
missing indicators, scale, logistic regression) so training and scoring cannot drift apart.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from acctkit.errors import ModelError
from acctkit.model.drivers import describe_drivers
from acctkit.model.features import FEATURES, build_panel, features_at

MIN_POSITIVES = 10
HOLDOUT_SHARE = 0.25
FORMAT_VERSION = 2
"""2: calibrated probabilities (no class weighting) and the panel's base rate; files of
format 1 held a balanced fit whose probabilities over-state the risk, and are refused."""
CALIBRATION_BINS = 10
DEFAULT_C = 0.01
"""Chosen on the generated 1,000-account portfolios (benchmarks/bench_calibration.py):
calibrated on the hold-out and ranking within 0.01 ROC AUC of v1's balanced fit."""


def build_pipeline(C: float):
    """The model's one Pipeline (impute with missing indicators, scale, logistic
    regression); the baselines and the exploration what-ifs fit the same shape.

    No class weighting: an unweighted logistic regression with an intercept matches its
    mean prediction to the training rate, so its probabilities are calibrated frequencies
    (docs/early-warning.md shows the hold-out calibration), and it ranks accounts as well
    as the balanced fit of v1 did."""
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    return Pipeline(
        [
            ("impute", SimpleImputer(strategy="median", add_indicator=True)),
            ("scale", StandardScaler()),
            ("logit", LogisticRegression(C=C, max_iter=1000)),
        ]
    )


class EarlyWarningModel:
    """Probability that an account has a churn, downsell or lost renewal within the horizon.

    Parameters
    ----------
    horizon_days
        H: a snapshot at t is labelled 1 when an ``outcomes`` event falls in (t, t + H].
    window_days
        W: the window the features are counted over (as in the KPI catalogue).
    C
        Inverse regularisation strength of the logistic regression (default 0.01: strong
        L2 regularisation on the standardised inputs; docs/early-warning.md shows why).
    features
        Feature names to use (default: the catalogue's four).

    Examples
    --------
    >>> from acctkit import EarlyWarningModel, demo_portfolio
    >>> p = demo_portfolio()                                   # doctest: +SKIP
    >>> model = EarlyWarningModel().fit(p, "2026-10-31")       # doctest: +SKIP
    >>> model.metrics_                                         # doctest: +SKIP
    """

    def __init__(self, horizon_days=180, window_days=90, C=DEFAULT_C, features=None):
        self.horizon_days = horizon_days
        self.window_days = window_days
        self.C = C
        self.features = features

    # -- fitting -------------------------------------------------------------------------
    @property
    def _features(self) -> list[str]:
        chosen = list(self.features) if self.features is not None else list(FEATURES)
        unknown = [f for f in chosen if f not in FEATURES]
        if unknown or not chosen:
            raise ModelError(f"unknown feature(s) {unknown}; choose among: {', '.join(FEATURES)}")
        return chosen

    def fit(self, portfolio, as_of) -> EarlyWarningModel:
        """Build the panel up to ``as_of``, evaluate on the latest 25 % of snapshot dates,
        then refit on every snapshot. Returns ``self``."""
        features = self._features
        panel = build_panel(
            portfolio, as_of, horizon_days=self.horizon_days, window_days=self.window_days
        )
        _check_trainable(panel, "the panel")
        dates = np.sort(panel["snapshot_date"].unique())
        n_holdout = max(1, math.ceil(len(dates) * HOLDOUT_SHARE))
        if len(dates) - n_holdout < 1:
            raise ModelError(
                f"only {len(dates)} snapshot date(s) before {pd.Timestamp(as_of).date()}: "
                "need at least 2 (more history, or a shorter horizon)"
            )
        holdout_start = dates[-n_holdout]
        train = panel[panel["snapshot_date"] < holdout_start]
        holdout = panel[panel["snapshot_date"] >= holdout_start]
        _check_trainable(train, "the training part of the panel")

        model = build_pipeline(self.C).fit(train[features], train["label"])
        scores = {
            "model": model.predict_proba(holdout[features])[:, 1],
            "base rate": np.full(len(holdout), train["label"].mean()),
            "NPS drift rule": nps_rule_scores(train, holdout),
        }
        self.metrics_ = holdout_metrics(train, holdout, scores)
        self.pipeline_ = build_pipeline(self.C).fit(panel[features], panel["label"])
        self.features_ = features
        self.base_rate_ = float(panel["label"].mean())
        self.as_of_ = pd.Timestamp(as_of).normalize()
        self.holdout_start_ = pd.Timestamp(holdout_start)
        self.n_snapshots_ = len(panel)
        self.holdout_predictions_ = holdout[["account_id", "snapshot_date", "label"]].assign(
            risk_probability=scores["model"], nps_rule=scores["NPS drift rule"]
        )
        self.versions_ = _library_versions()
        self.warnings_ = _evaluation_warnings(self.metrics_)
        return self

    # -- learned summaries ---------------------------------------------------------------
    @property
    def coefficients_(self) -> pd.DataFrame:
        """Coefficient and odds ratio (per standard deviation) of each model input."""
        self._check_fitted()
        logit = self.pipeline_.named_steps["logit"]
        names = list(self.pipeline_[:-1].get_feature_names_out(self.features_))
        frame = pd.DataFrame(
            {"coefficient": logit.coef_[0], "odds_ratio": np.exp(logit.coef_[0])},
            index=pd.Index([input_name(n) for n in names], name="feature"),
        )
        intercept = pd.DataFrame(
            {"coefficient": logit.intercept_, "odds_ratio": np.exp(logit.intercept_)},
            index=pd.Index(["intercept"], name="feature"),
        )
        return pd.concat([frame, intercept])

    # -- scoring -------------------------------------------------------------------------
    def predict_proba(self, portfolio, as_of) -> pd.Series:
        """Risk probability per account at ``as_of`` (accounts already churned left out)."""
        self._check_fitted()
        current = self._current(portfolio, as_of)
        probability = self.pipeline_.predict_proba(current[self.features_])[:, 1]
        return pd.Series(probability, index=current.index, name="risk_probability")

    def explain(self, portfolio, as_of, *, top: int = 3, lang: str = "en") -> pd.DataFrame:
        """Per account: probability, each input's contribution (coefficient x standardised
        value), the counts behind the inputs and ``drivers``: the ``top`` inputs that raise
        the risk, in plain words in ``lang``."""
        out, inputs = self._contributions(portfolio, as_of)
        return out.assign(drivers=describe_drivers(out, inputs, lang=lang, top=top))

    def _contributions(self, portfolio, as_of) -> tuple[pd.DataFrame, list[str]]:
        """What :meth:`explain` returns but the drivers, and the model's input names."""
        self._check_fitted()
        current = self._current(portfolio, as_of)
        transformed = self.pipeline_[:-1].transform(current[self.features_])
        coef = self.pipeline_.named_steps["logit"].coef_[0]
        names = [input_name(n) for n in self.pipeline_[:-1].get_feature_names_out(self.features_)]
        contributions = pd.DataFrame(
            transformed * coef, index=current.index, columns=[f"contribution_{n}" for n in names]
        )
        probability = self.pipeline_.predict_proba(current[self.features_])[:, 1]
        out = pd.concat([current, contributions], axis=1).assign(risk_probability=probability)
        return out, names

    def _current(self, portfolio, as_of) -> pd.DataFrame:
        frame = features_at(portfolio, [as_of], window_days=self.window_days)
        frame = frame[~frame["churned"]].set_index("account_id")
        return frame.drop(columns=["snapshot_date", "churned"])

    def _check_fitted(self) -> None:
        if not hasattr(self, "pipeline_"):
            raise ModelError(
                "this EarlyWarningModel is not fitted yet: call .fit(portfolio, as_of)"
            )

    # -- files ---------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the fitted model to a safe skops file with its metadata."""
        from acctkit.model.persistence import save_object

        self._check_fitted()
        payload = {
            "format_version": FORMAT_VERSION,
            "params": {
                "horizon_days": int(self.horizon_days),
                "window_days": int(self.window_days),
                "C": float(self.C),
            },
            "features": list(self.features_),
            "as_of": self.as_of_.strftime("%Y-%m-%d"),
            "holdout_start": self.holdout_start_.strftime("%Y-%m-%d"),
            "n_snapshots": int(self.n_snapshots_),
            "base_rate": float(self.base_rate_),
            "metrics": {
                k: _plain(v) for k, v in self.metrics_.reset_index().to_dict("list").items()
            },
            "versions": _library_versions(),
            "pipeline": self.pipeline_,
        }
        return save_object(payload, path)

    @classmethod
    def load(cls, path: str | Path) -> EarlyWarningModel:
        """Load a model written by :meth:`save`; refuses files with unexpected types."""
        from acctkit.model.persistence import load_object

        payload = load_object(path)
        expected = {
            "format_version",
            "params",
            "features",
            "as_of",
            "holdout_start",
            "n_snapshots",
            "base_rate",
            "metrics",
            "versions",
            "pipeline",
        }
        if not isinstance(payload, dict) or "format_version" not in payload:
            raise ModelError(f"'{path}' is not an acctkit early-warning model file")
        if payload["format_version"] != FORMAT_VERSION:
            raise ModelError(
                f"'{path}' was written by another acctkit version (model file format "
                f"{payload['format_version']}, this version reads {FORMAT_VERSION}; format 1 "
                "held uncalibrated probabilities): fit the model again with 'acctkit train'"
            )
        if set(payload) != expected:
            raise ModelError(
                f"'{path}' is not a complete acctkit model file "
                f"(missing: {', '.join(sorted(expected - set(payload))) or 'none'}; "
                f"unexpected: {', '.join(sorted(set(payload) - expected)) or 'none'})"
            )
        model = cls(features=payload["features"], **payload["params"])
        model.pipeline_ = payload["pipeline"]
        model.features_ = list(payload["features"])
        model.as_of_ = pd.Timestamp(payload["as_of"])
        model.holdout_start_ = pd.Timestamp(payload["holdout_start"])
        model.n_snapshots_ = payload["n_snapshots"]
        model.base_rate_ = float(payload["base_rate"])
        model.metrics_ = pd.DataFrame(payload["metrics"]).set_index("scorer")
        model.versions_ = payload["versions"]
        model.warnings_ = _evaluation_warnings(model.metrics_)
        return model

    def _repr_html_(self) -> str:
        from acctkit.model.html import model_html

        return model_html(self)

    def __repr__(self) -> str:
        return (
            f"EarlyWarningModel(horizon_days={self.horizon_days}, "
            f"window_days={self.window_days}, C={self.C}, features={self.features})"
        )


def _check_trainable(panel: pd.DataFrame, what: str) -> None:
    positives = int(panel["label"].sum())
    if panel.empty or positives == 0 or positives == len(panel):
        raise ModelError(
            f"{what} has only one class ({len(panel)} rows, {positives} positive): the "
            "model needs accounts with and without an outcome (churn, downsell, renewal_lost)"
        )
    if positives < MIN_POSITIVES:
        raise ModelError(
            f"{what} has {positives} positive snapshot(s); at least {MIN_POSITIVES} are needed "
            "to fit the early-warning model (more history or more accounts with outcomes)"
        )


def _evaluation_warnings(metrics: pd.DataFrame) -> list[str]:
    """Reasons to distrust the hold-out figures, in words."""
    positives = int(metrics.loc["model", "holdout_positives"])
    warnings = []
    if positives == 0:
        warnings.append(
            "the hold-out has no positive snapshot: ROC AUC and average precision cannot be "
            "measured; the model is fitted but unevaluated"
        )
    elif positives < MIN_POSITIVES:
        warnings.append(
            f"the hold-out has only {positives} positive snapshot(s): its figures are noisy; "
            "judge the model on a larger portfolio or a longer history"
        )
    elif metrics.loc["model", "roc_auc"] <= metrics.loc["NPS drift rule", "roc_auc"]:
        warnings.append("the model does not beat the NPS drift rule on the hold-out")
    return warnings


def nps_rule_scores(train: pd.DataFrame, holdout: pd.DataFrame) -> np.ndarray:
    """The one-feature baseline: a logistic regression on NPS drift alone."""
    rule = build_pipeline(1.0).fit(train[["nps_score_drift"]], train["label"])
    return rule.predict_proba(holdout[["nps_score_drift"]])[:, 1]


def holdout_metrics(train: pd.DataFrame, holdout: pd.DataFrame, scores: dict) -> pd.DataFrame:
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    y = holdout["label"].to_numpy()
    both = len(np.unique(y)) == 2
    rows = []
    for name, score in scores.items():
        rows.append(
            {
                "scorer": name,
                "roc_auc": roc_auc_score(y, score) if both else np.nan,
                "average_precision": average_precision_score(y, score) if both else np.nan,
                "brier": brier_score_loss(y, score),
                "ece": calibration_error(y, score),
                "mean_predicted": float(np.mean(score)),
                "base_rate": float(y.mean()),
                "train_rows": len(train),
                "train_positives": int(train["label"].sum()),
                "holdout_rows": len(holdout),
                "holdout_positives": int(y.sum()),
            }
        )
    return pd.DataFrame(rows).set_index("scorer")


def calibration_error(label, probability, bins: int = CALIBRATION_BINS) -> float:
    """Expected calibration error: the snapshots cut into ``bins`` equal-width bins of
    predicted probability (0-10 %, 10-20 %, ...); the mean, weighted by each bin's share of
    the snapshots, of |mean predicted - observed rate| in the bin.

    Examples
    --------
    >>> calibration_error([0, 0, 1, 1], [0.05, 0.15, 0.85, 0.95])  # |0.05-0|, |0.15-0|, ...
    0.1
    """
    label = np.asarray(label, dtype=np.float64)
    probability = np.asarray(probability, dtype=np.float64)
    if not len(label):
        return float("nan")
    which = np.clip(np.floor(probability * bins).astype(np.int64), 0, bins - 1)
    count = np.bincount(which, minlength=bins)
    gap = np.abs(
        np.bincount(which, probability, minlength=bins) - np.bincount(which, label, minlength=bins)
    )
    return float(round(gap.sum() / count.sum(), 12))


def input_name(name: str) -> str:
    """A model input's name as users read it (``missing_nps_score_drift``)."""
    return name.replace("missingindicator_", "missing_")


def _plain(values: list) -> list:
    return [v.item() if hasattr(v, "item") else v for v in values]


def _library_versions() -> dict[str, str]:
    import sklearn

    import acctkit

    return {
        "acctkit": acctkit.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
    }


RISK_BANDS = ("low", "medium", "high")


def risk_limits(config=None, base_rate: float | None = None) -> dict[str, float]:
    """The probabilities from which the ``medium`` and ``high`` bands start.

    With ``[risk_bands] scale = "relative"`` (the default) the configured limits are
    multiples of ``base_rate``, the portfolio's rate (1.5x and 3x by default); with
    ``"absolute"`` they are the probabilities themselves.

    Examples
    --------
    >>> risk_limits(base_rate=0.04)
    {'medium': 0.06, 'high': 0.12}
    >>> risk_limits({"risk_bands": {"scale": "absolute", "medium": 0.3, "high": 0.5}})
    {'medium': 0.3, 'high': 0.5}
    """
    from acctkit.config import load_config

    bands = load_config(config).risk_bands
    if bands["scale"] == "absolute":
        return {"medium": float(bands["medium"]), "high": float(bands["high"])}
    if base_rate is None or not np.isfinite(base_rate):
        raise ModelError(
            'relative risk bands (risk_bands.scale = "relative") need the portfolio\'s base '
            "rate: pass base_rate (a fitted model's base_rate_)"
        )
    return {key: round(float(bands[key]) * base_rate, 12) for key in ("medium", "high")}


def risk_band(probability: pd.Series, config=None, base_rate: float | None = None) -> pd.Series:
    """``low`` / ``medium`` / ``high``: from :func:`risk_limits` (by default 1.5x and 3x
    ``base_rate``, the portfolio's rate)."""
    bands = risk_limits(config, base_rate)
    codes = np.select(
        [probability >= bands["high"], probability >= bands["medium"], probability.notna()],
        [2, 1, 0],
        default=-1,
    )
    values = pd.Categorical.from_codes(codes, categories=list(RISK_BANDS), ordered=True)
    return pd.Series(values, index=probability.index, name="risk_band")


def score_accounts(
    model: EarlyWarningModel, portfolio, as_of, *, config=None, lang: str = "en", languages=None
) -> pd.DataFrame:
    """The ``risk`` table: per account, the probability, its band, ``drivers`` (what raises
    the risk, in plain words in ``lang``), the model's inputs and their contributions.

    ``languages`` (language codes) gives one ``drivers_<lang>`` column per language instead
    of ``drivers``, the inputs being computed once: the review bundle keeps the drivers in
    every supported language, so that one bundle renders reports in any of them.
    """
    explained, inputs = model._contributions(portfolio, as_of)
    columns = {"drivers": lang} if languages is None else {f"drivers_{c}": c for c in languages}
    drivers = pd.DataFrame(
        {name: describe_drivers(explained, inputs, lang=code) for name, code in columns.items()},
        index=explained.index,
    )
    contributions = [f"contribution_{name}" for name in inputs]
    return pd.concat(
        [
            explained["risk_probability"],
            risk_band(explained["risk_probability"], config, model.base_rate_),
            drivers,
            explained[[*model.features_, *contributions]],
        ],
        axis=1,
    )


def risk_history(model: EarlyWarningModel, portfolio, dates) -> pd.DataFrame:
    """The model's probability for every account at each date (tidy: ``account_id``,
    ``as_of``, ``risk_probability``); accounts are left out from their churn on."""
    model._check_fitted()
    frame = features_at(portfolio, dates, window_days=model.window_days)
    frame = frame[~frame["churned"]]
    probability = model.pipeline_.predict_proba(frame[model.features_])[:, 1]
    return pd.DataFrame(
        {
            "account_id": frame["account_id"].to_numpy(),
            "as_of": frame["snapshot_date"].to_numpy(),
            "risk_probability": probability,
        }
    )
