"""The KPI engine: the catalogue's KPIs, scores and alerts, as of any date (pure, vectorised).

``compute_kpis`` evaluates one review date, ``kpis_at`` many dates at once (sharing every
table's preparation), ``kpi_history`` the month-ends before a review, ``compute_alerts``
the alert rules, ``objective_progress`` the account plan's objectives, and ``kpi_summary``
the short per-account table people read.
"""

from acctkit.kpis.alerts import compute_alerts
from acctkit.kpis.columns import CATALOGUE_COLUMNS, KPI_COLUMNS
from acctkit.kpis.engine import compute_kpis, kpis_at
from acctkit.kpis.groups import group_kpis
from acctkit.kpis.history import kpi_history
from acctkit.kpis.objectives import objective_progress
from acctkit.kpis.summary import kpi_summary

__all__ = [
    "CATALOGUE_COLUMNS",
    "KPI_COLUMNS",
    "compute_alerts",
    "compute_kpis",
    "group_kpis",
    "kpi_history",
    "kpi_summary",
    "kpis_at",
    "objective_progress",
]
