"""The early-warning model: panel, estimator, drivers and safe model files."""

from acctkit.model.early_warning import (
    RISK_BANDS,
    EarlyWarningModel,
    risk_band,
    risk_history,
    score_accounts,
)
from acctkit.model.features import FEATURES, build_panel, features_at

__all__ = [
    "FEATURES",
    "RISK_BANDS",
    "EarlyWarningModel",
    "build_panel",
    "features_at",
    "risk_band",
    "risk_history",
    "score_accounts",
]
