"""acctkit: key-account plan KPIs, early-warning risk and monthly review reports.

The public API is listed in ``__all__``. Names are imported on first use, so that
``import acctkit`` stays fast in every report kernel (scikit-learn and matplotlib load only
when a model or a chart is asked for).
"""

from __future__ import annotations

from acctkit._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "AcctkitError": "acctkit.errors",
    "ConfigError": "acctkit.errors",
    "DataValidationError": "acctkit.errors",
    "ModelError": "acctkit.errors",
    "ReportError": "acctkit.errors",
    "Portfolio": "acctkit.data",
    "load_portfolio": "acctkit.data",
    "from_frames": "acctkit.data",
    "demo_portfolio": "acctkit.datasets",
    "generate_tables": "acctkit.datasets",
    "compute_kpis": "acctkit.kpis",
    "kpis_at": "acctkit.kpis",
    "kpi_history": "acctkit.kpis",
    "compute_alerts": "acctkit.kpis",
    "kpi_summary": "acctkit.kpis",
    "group_kpis": "acctkit.kpis",
    "objective_progress": "acctkit.kpis",
    "load_config": "acctkit.config",
    "labels": "acctkit.i18n",
    "EarlyWarningModel": "acctkit.model",
    "backtest_alerts": "acctkit.model",
    "build_panel": "acctkit.model",
    "features_at": "acctkit.model",
    "risk_band": "acctkit.model",
    "risk_limits": "acctkit.model",
    "score_accounts": "acctkit.model",
    "style_kpis": "acctkit.display",
    "style_alerts": "acctkit.display",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
