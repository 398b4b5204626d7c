"""The KPI columns: their order, family and kind (which fixes their dtype).

Order and names follow the catalogue (docs/kpis.md), family by family. A few columns are
additions to the catalogue (:data:`EXTRA_COLUMNS`): the band of each score, the NPS
response count and mean scores (the early-warning model's NPS drift is built on those), and
``steering_committee_expected`` (a strategic account in a portfolio that records steering
committees: what the ``no_steering_committee`` alert reads), and how old the judgement is
(``stale_assessments``, ``oldest_assessment_days``: what the ``stale_assessments`` alert
reads).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.kpis.plan import PLAN_COLUMNS, PLAN_COUNTS, PLAN_STATUSES
from acctkit.kpis.scores import BANDS, SEGMENTS

FAMILIES: dict[str, tuple[str, ...]] = {
    "potential": (
        "annual_revenue",
        "estimated_budget",
        "tam",
        "share_of_wallet_pct",
        "whitespace",
        "expansion_pipeline",
        "products_owned",
        "product_penetration_pct",
        "whitespace_cells",
        "gross_margin_pct",
        "cost_to_serve_pct",
        "net_contribution",
        "strategic_fit",
        "ecosystem_influence",
        "risk_level",
        "max_risk",
        "stale_assessments",
        "oldest_assessment_days",
        "potential_score",
        "segment",
        "potential_band",
    ),
    "relationship": (
        "key_contacts",
        "engaged_key_contacts",
        "coverage_pct",
        "depth_level",
        "levels_engaged",
        "interactions",
        "interactions_prev",
        "engagement_trend_pct",
        "median_response_hours",
        "co_construction",
        "introductions",
        "inbound_share_pct",
        "meeting_attendance_pct",
        "client_attendees_mean",
        "steering_committees",
        "steering_committee_expected",
        "sentiment",
        "sentiment_prev",
        "sentiment_drift",
        "has_sponsor",
        "sponsor_influence",
        "days_since_sponsor_contact",
        "business_units_known",
        "business_units_engaged",
        "relationship_score",
        "relationship_band",
    ),
    "execution": (
        "actions_due",
        "actions_done",
        "action_completion_pct",
        "overdue_actions",
        "actions_done_window",
        "open_pipeline",
        "weighted_pipeline",
        "pipeline_maturity_pct",
        "slipped_opportunities",
        "win_rate_pct",
        "stage_advances",
        "won_revenue",
        "won_renewal",
        "won_upsell",
        "won_cross_sell",
        "won_new",
        "nps",
        "nps_prev",
        "nps_drift",
        "nps_responses",
        "nps_responses_prev",
        "nps_mean_score",
        "nps_mean_score_prev",
        "irritants",
        "irritants_prev",
        "tickets_opened",
        "open_critical_tickets",
        "execution_score",
        "execution_band",
    ),
    "overall": ("health_score", "health_band"),
    "plan": PLAN_COLUMNS,
}

EXTRA_COLUMNS = frozenset(
    {
        "potential_band",
        "relationship_band",
        "execution_band",
        "health_band",
        "nps_responses",
        "nps_responses_prev",
        "nps_mean_score",
        "nps_mean_score_prev",
        "steering_committee_expected",
        "stale_assessments",
        "oldest_assessment_days",
        "products_owned",
        "product_penetration_pct",
        "whitespace_cells",
        "plan_required",
        "plan_renewed",
    }
)
"""Columns added to the catalogue's."""

COUNT_COLUMNS = frozenset(
    {
        "key_contacts",
        "engaged_key_contacts",
        "depth_level",
        "levels_engaged",
        "interactions",
        "interactions_prev",
        "co_construction",
        "introductions",
        "steering_committees",
        "days_since_sponsor_contact",
        "business_units_known",
        "business_units_engaged",
        "actions_due",
        "actions_done",
        "overdue_actions",
        "actions_done_window",
        "slipped_opportunities",
        "stage_advances",
        "nps_responses",
        "nps_responses_prev",
        "irritants",
        "irritants_prev",
        "tickets_opened",
        "open_critical_tickets",
        "stale_assessments",
        "oldest_assessment_days",
        "products_owned",
        "whitespace_cells",
        *PLAN_COUNTS,
    }
)
"""Whole numbers: nullable ``Int64`` (``<NA>`` when the table is absent)."""

FLAG_COLUMNS = frozenset(
    {"has_sponsor", "steering_committee_expected", "plan_required", "plan_renewed"}
)
"""Yes / no: nullable ``boolean`` (``<NA>`` when the table is absent)."""

KPI_COLUMNS: tuple[str, ...] = tuple(c for columns in FAMILIES.values() for c in columns)
"""Every column ``compute_kpis`` returns, in order."""

CATALOGUE_COLUMNS: tuple[str, ...] = tuple(
    c for c in KPI_COLUMNS if c not in EXTRA_COLUMNS and c not in PLAN_COLUMNS
)
"""The columns the KPI catalogue defines (the contract); the plan columns are
account-plan.md's."""

FAMILY: dict[str, str] = {c: family for family, columns in FAMILIES.items() for c in columns}


def _kind(column: str) -> str:
    if column == "segment":
        return "segment"
    if column in ("plan_id", "plan_status"):
        return column
    if column.endswith("_band"):
        return "band"
    if column in FLAG_COLUMNS:
        return "flag"
    return "count" if column in COUNT_COLUMNS else "float"


KIND: dict[str, str] = {c: _kind(c) for c in KPI_COLUMNS}
"""float, count (nullable Int64), flag (nullable boolean), segment, band or plan_status
(Categorical), plan_id (str)."""


def to_column(name: str, values: np.ndarray) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """The 1-D values of a column in its dtype (NaN becomes <NA> for counts and flags)."""
    kind = KIND[name]
    if kind == "plan_id":
        return pd.array(np.asarray(values, dtype=object), dtype="str")
    if kind == "plan_status":
        return pd.Categorical.from_codes(values.astype(np.int64), categories=list(PLAN_STATUSES))
    if kind == "segment":
        return pd.Categorical.from_codes(values.astype(np.int64), categories=list(SEGMENTS))
    if kind == "band":
        return pd.Categorical.from_codes(values.astype(np.int64), categories=list(BANDS))
    values = np.asarray(values, dtype=np.float64)
    missing = np.isnan(values)
    if kind == "count":
        return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)
    if kind == "flag":
        return pd.arrays.BooleanArray(values == 1, missing)
    return values.copy()
