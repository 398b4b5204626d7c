"""The early-warning model: panel, estimator, drivers and safe model files."""

from acctkit.model.backtest import backtest_alerts
from acctkit.model.early_warning import (
    RISK_BANDS,
    EarlyWarningModel,
    calibration_error,
    risk_band,
    risk_history,
    risk_limits,
    score_accounts,
)
from acctkit.model.features import FEATURES, build_panel, features_at

__all__ = [
    "FEATURES",
    "RISK_BANDS",
    "EarlyWarningModel",
    "backtest_alerts",
    "build_panel",
    "features_at",
    "calibration_error",
    "risk_band",
    "risk_history",
    "risk_limits",
    "score_accounts",
]
