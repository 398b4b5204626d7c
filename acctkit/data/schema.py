"""The table contracts of the input data model (docs/data-model.md), as data.

One ``TableSchema`` per table: its columns in order, which are required, their kind,
ranges, enum values, defaults and references. ``acctkit.data.validate`` reads these to parse
and check raw tables; nothing else in acctkit hard-codes a column rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from acctkit.config import ASSESSED_CRITERIA

STAGES = ("prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost")
CLOSED_STAGES = ("closed_won", "closed_lost")
LEVELS = ("user", "manager", "director", "c_level")
ROLES = ("sponsor", "decision_maker", "influencer", "user", "other")
CRITERIA = ASSESSED_CRITERIA  # the configuration names them too ([assessments.criteria])
CHANNELS = ("meeting", "call", "email", "workshop", "steering_committee", "event", "other")
DIRECTIONS = ("inbound", "outbound")
KINDS = ("new", "renewal", "upsell", "cross_sell")
ACTION_STATUSES = ("planned", "in_progress", "done", "cancelled")
SEVERITIES = ("low", "medium", "high", "critical")
FEEDBACK_KINDS = ("irritant", "praise", "request")
OUTCOME_EVENTS = ("churn", "downsell", "renewal_lost")
OVERRIDE_VALUES = {
    "health_band": ("green", "amber", "red"),
    "segment": ("invest", "maintain", "deprioritize"),
    "risk_band": ("low", "medium", "high"),
}
"""What an override may set: each field's values (the KPI bands, the recommendations and
the early-warning bands)."""
OVERRIDE_FIELDS = tuple(OVERRIDE_VALUES)
NOTE_KINDS = ("decision", "next_step", "comment")
"""``review_notes.kind``: what a review decided, a next step someone is to take (with
``due_on``, and ``done_on`` once done), or a comment."""
PLAN_STATUSES = ("draft", "active", "closed")
OBJECTIVE_STATUSES = ("open", "achieved", "dropped")
OBJECTIVE_FAMILIES = ("potential", "relationship", "execution")
PLAN_ITEM_KINDS = ("obstacle", "opportunity")
OBJECTIVE_KPIS = (
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
    "sentiment",
    "sentiment_prev",
    "sentiment_drift",
    "sponsor_influence",
    "days_since_sponsor_contact",
    "business_units_known",
    "business_units_engaged",
    "relationship_score",
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
    "health_score",
    "plan_revenue_won",
)
"""What ``objectives.kpi`` may name: the numeric columns of the KPI catalogue, and
``plan_revenue_won`` (tests/test_account_plan.py checks this list against the engine's)."""


@dataclass(frozen=True)
class Column:
    """One column's rule.

    ``kind`` is one of ``id``, ``str``, ``float``, ``int``, ``date``, ``bool``, ``enum``.
    ``required``: the column must be in the file and no value may be blank.
    ``ref``: ``"table.column"`` this id must exist in.
    ``default``: for a ``bool`` column, the value of a blank cell; without one (None) a
    blank flag is unknown and the column is a nullable ``boolean``.
    ``free_text``: a ``str`` column kept as written (only trimmed); other ids and strings
    are labels, whose inner runs of spaces are collapsed so that they match across files.
    """

    name: str
    kind: str
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    ordered: bool = False
    default: object = None
    ref: str | None = None
    unique: bool = False
    free_text: bool = False

    @property
    def categorical(self) -> bool:
        """Whether the Portfolio holds the column as a Categorical (an enum, or a reference
        to one of the ``KEYS``): validation keeps such a column's codes when it comes coded
        (a user's Categorical) instead of spelling it out."""
        return self.kind == "enum" or self.ref in KEY_REFS

    @property
    def repetitive(self) -> bool:
        """Whether the column holds a few values repeated over many rows (enums, short
        labels such as owners or products, and the account of each row: a portfolio of key
        accounts has thousands of them against millions of rows): read as dictionary codes,
        each distinct value parsed and looked up once (the account from Parquet only, see
        ``typed_csv``). Not the other ids (references to contacts or opportunities have as
        many distinct values as a few dozen rows: decoding them costs more than it saves,
        as measured), not free text."""
        return (
            self.kind == "enum"
            or self.ref == "accounts.account_id"
            or (self.kind == "str" and self.ref is None and not self.free_text)
        )


KEYS = {"accounts": "account_id", "contacts": "contact_id", "opportunities": "opportunity_id"}
"""The tables whose ids other tables' categorical columns share (see the Portfolio contract)."""
KEY_REFS = frozenset(f"{table}.{column}" for table, column in KEYS.items())


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: tuple[Column, ...]
    date_column: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _account_ref(required: bool = True) -> Column:
    return Column("account_id", "id", required=required, ref="accounts.account_id")


SCHEMA: dict[str, TableSchema] = {
    s.name: s
    for s in (
        TableSchema(
            "accounts",
            (
                Column("account_id", "id", required=True, unique=True),
                Column("name", "str", required=True),
                Column("industry", "str"),
                Column("tier", "str"),
                Column("owner", "str"),
                Column("region", "str"),
                Column("annual_revenue", "float", minimum=0),
                Column("estimated_budget", "float", minimum=0),
                Column("tam", "float", minimum=0),
                Column("gross_margin_pct", "float", minimum=-100, maximum=100),
                Column("cost_to_serve", "float", minimum=0),
                Column("parent_account_id", "id", ref="accounts.account_id"),
            ),
        ),
        TableSchema(
            "assessments",
            (
                _account_ref(),
                Column("assessed_on", "date", required=True),
                Column("criterion", "enum", required=True, choices=CRITERIA),
                Column("score", "int", required=True, minimum=1, maximum=5),
                Column("comment", "str", free_text=True),
            ),
            date_column="assessed_on",
        ),
        TableSchema(
            "contacts",
            (
                Column("contact_id", "id", required=True, unique=True),
                _account_ref(),
                Column("name", "str", required=True),
                Column("title", "str"),
                Column("business_unit", "str"),
                Column("level", "enum", choices=LEVELS, ordered=True),
                Column("role", "enum", choices=ROLES, default="other"),
                Column("is_key", "bool", default=False),
                Column("influence", "int", minimum=1, maximum=5),
                Column("left_on", "date"),
            ),
            date_column="left_on",
        ),
        TableSchema(
            "interactions",
            (
                Column("interaction_id", "id", required=True, unique=True),
                _account_ref(),
                Column("contact_id", "id", ref="contacts.contact_id"),
                Column("occurred_on", "date", required=True),
                Column("channel", "enum", choices=CHANNELS),
                Column("direction", "enum", choices=DIRECTIONS),
                Column("response_hours", "float", minimum=0),
                Column("co_construction", "bool", default=False),
                Column("introduction", "bool", default=False),
                # v1.1, optional: blank is unknown (a flag without a default stays <NA>).
                Column("attended", "bool"),
                Column("client_attendees", "int", minimum=0),
                Column("sentiment", "int", minimum=1, maximum=5),
            ),
            date_column="occurred_on",
        ),
        TableSchema(
            "opportunities",
            (
                Column("opportunity_id", "id", required=True, unique=True),
                _account_ref(),
                Column("name", "str"),
                # with a products table, a product must be one of its rows
                Column("product", "str", ref="products.product"),
                Column("business_unit", "str"),
                Column("kind", "enum", required=True, choices=KINDS),
                # Blank = not estimated yet; required once won (see validate's row rules).
                Column("amount", "float", minimum=0),
                Column("stage", "enum", required=True, choices=STAGES, ordered=True),
                Column("probability", "float", minimum=0, maximum=100),
                Column("created_on", "date", required=True),
                Column("expected_close_on", "date"),
                Column("closed_on", "date"),
            ),
            date_column="created_on",
        ),
        TableSchema(
            "stage_history",
            (
                Column("opportunity_id", "id", required=True, ref="opportunities.opportunity_id"),
                Column("changed_on", "date", required=True),
                Column("stage", "enum", required=True, choices=STAGES, ordered=True),
            ),
            date_column="changed_on",
        ),
        TableSchema(
            "actions",
            (
                Column("action_id", "id", required=True, unique=True),
                _account_ref(),
                Column("title", "str", required=True),
                Column("owner", "str"),
                Column("due_on", "date", required=True),
                Column("done_on", "date"),
                Column("status", "enum", choices=ACTION_STATUSES),
                # The account plan (account-plan.md), optional: the objective it serves.
                Column("objective_id", "id", ref="objectives.objective_id"),
            ),
            date_column="due_on",
        ),
        TableSchema(
            "nps_responses",
            (
                Column("response_id", "id", required=True, unique=True),
                _account_ref(),
                Column("contact_id", "id", ref="contacts.contact_id"),
                Column("responded_on", "date", required=True),
                Column("score", "int", required=True, minimum=0, maximum=10),
            ),
            date_column="responded_on",
        ),
        TableSchema(
            "tickets",
            (
                Column("ticket_id", "id", required=True, unique=True),
                _account_ref(),
                Column("opened_on", "date", required=True),
                Column("closed_on", "date"),
                Column("severity", "enum", required=True, choices=SEVERITIES, ordered=True),
                Column("category", "str"),
            ),
            date_column="opened_on",
        ),
        TableSchema(
            "feedback",
            (
                Column("feedback_id", "id", required=True, unique=True),
                _account_ref(),
                Column("recorded_on", "date", required=True),
                Column("kind", "enum", required=True, choices=FEEDBACK_KINDS),
                Column("text", "str", free_text=True),
            ),
            date_column="recorded_on",
        ),
        TableSchema(
            "outcomes",
            (
                _account_ref(),
                Column("occurred_on", "date", required=True),
                Column("event", "enum", required=True, choices=OUTCOME_EVENTS),
            ),
            date_column="occurred_on",
        ),
        TableSchema(
            "overrides",
            (
                _account_ref(),
                Column("field", "enum", required=True, choices=OVERRIDE_FIELDS),
                Column("value", "str", required=True),
                Column("reason", "str", required=True, free_text=True),
                Column("author", "str"),
                Column("set_on", "date", required=True),
                Column("expires_on", "date", required=True),
            ),
            date_column="set_on",
        ),
        TableSchema(
            "review_notes",
            (
                Column("note_id", "id", unique=True),
                _account_ref(),
                Column("noted_on", "date", required=True),
                Column("author", "str"),
                Column("kind", "enum", required=True, choices=NOTE_KINDS),
                Column("text", "str", required=True, free_text=True),
                Column("objective_id", "id"),
                Column("due_on", "date"),
                Column("done_on", "date"),
            ),
            date_column="noted_on",
        ),
        # optional: our product catalogue, its order the whitespace map's columns
        TableSchema(
            "products",
            (
                Column("product", "str", required=True, unique=True),
                Column("family", "str"),
            ),
        ),
        # The account plan (account-plan.md): plans, their objectives, obstacles and
        # opportunities. Rules between rows and tables: acctkit.data.plan_rules.
        TableSchema(
            "plans",
            (
                Column("plan_id", "id", required=True, unique=True),
                _account_ref(),
                Column("title", "str", free_text=True),
                Column("owner", "str"),
                Column("starts_on", "date", required=True),
                Column("ends_on", "date", required=True),
                Column("ambition", "str", free_text=True),
                Column("revenue_target", "float", minimum=0),
                Column("status", "enum", choices=PLAN_STATUSES, default="active"),
            ),
            date_column="starts_on",
        ),
        TableSchema(
            "objectives",
            (
                Column("objective_id", "id", required=True, unique=True),
                Column("plan_id", "id", required=True, ref="plans.plan_id"),
                Column("title", "str", required=True, free_text=True),
                Column("family", "enum", choices=OBJECTIVE_FAMILIES),
                Column("owner", "str"),
                Column("kpi", "str"),
                Column("baseline", "float"),
                Column("target", "float"),
                Column("due_on", "date"),
                Column("status", "enum", choices=OBJECTIVE_STATUSES, default="open"),
            ),
            date_column="due_on",
        ),
        TableSchema(
            "plan_items",
            (
                Column("item_id", "id", required=True, unique=True),
                Column("plan_id", "id", required=True, ref="plans.plan_id"),
                Column("kind", "enum", required=True, choices=PLAN_ITEM_KINDS),
                Column("title", "str", required=True, free_text=True),
                Column("opened_on", "date", required=True),
                Column("closed_on", "date"),
                Column("owner", "str"),
                Column("impact", "int", minimum=1, maximum=5),
            ),
            date_column="opened_on",
        ),
    )
}

PLAN_TABLES = ("plans", "objectives", "plan_items")
"""The account plan's tables (all optional)."""

REQUIRED_TABLES = ("accounts",)
