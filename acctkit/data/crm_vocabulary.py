"""What CRM exports call our tables, columns and values: the words ``init_mapping`` matches.

Salesforce report columns, HubSpot export labels, Dynamics 365 field names and their usual
French translations, all written folded (lower case, single spaces; see ``parse.fold``).
Only proposals come from here: the user reviews the starter mapping before loading.
"""

from __future__ import annotations

# File or sheet name words, most specific table first ("Opportunity History" is history).
TABLE_WORDS: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (table, frozenset(words.split()))
    for table, words in (
        ("stage_history", "history historique"),
        # the account plan: Salesforce's AccountPlan, AccountPlanObjective(Measure) objects
        (
            "objectives",
            "accountplanobjective accountplanobjectives accountplanobjectivemeasure "
            "accountplanobjectivemeasures objective objectives objectifs",
        ),
        ("plan_items", "obstacle obstacles risks blockers"),
        ("nps_responses", "nps"),
        ("feedback", "feedback feedbacks complaint complaints reclamations irritants verbatims"),
        ("assessments", "assessment assessments scoring scorings evaluation evaluations"),
        ("outcomes", "outcome outcomes churn"),
        ("tickets", "ticket tickets case cases incident incidents support"),
        ("actions", "action actions plan"),
        ("plans", "accountplan accountplans plans"),  # after actions: "Action Plans" are actions
        (
            "interactions",
            "activity activities interaction interactions meeting meetings call "
            "calls email emails engagement engagements event events task tasks",
        ),
        (
            "opportunities",
            "opportunity opportunities opp opps deal deals affaire affaires pipeline",
        ),
        ("contacts", "contact contacts people person persons"),
        (
            "accounts",
            "account accounts company companies compte comptes client clients "
            "customer customers organization organizations organisation organisations",
        ),
    )
)

_ACCOUNT_REF = (
    "account id",
    "company id",
    "associated company id",
    "customer id",
    "account number",
    "id compte",
    "identifiant compte",
)

# Known export names of each canonical column, best first.
COLUMN_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "accounts": {
        "account_id": (
            "account id",
            "record id",
            "company id",
            "account number",
            "customer id",
            "id",
            "id compte",
            "identifiant",
            "numero de compte",
        ),
        "name": (
            "account name",
            "company name",
            "name",
            "company",
            "nom du compte",
            "nom",
            "raison sociale",
        ),
        "industry": ("industry", "secteur", "secteur d'activite"),
        "tier": ("tier", "account tier", "segment", "tiering"),
        "owner": (
            "account owner",
            "company owner",
            "owner",
            "owner name",
            "proprietaire",
            "responsable",
        ),
        "region": (
            "region",
            "territory",
            "country/region",
            "billing country",
            "country",
            "pays",
            "zone",
        ),
        "annual_revenue": (
            "revenue (12 months)",
            "revenue ltm",
            "chiffre d'affaires 12 mois",
            "ca 12 mois",
        ),
        "estimated_budget": ("estimated budget", "budget", "budget adressable"),
        "tam": ("tam", "total addressable market", "tam du compte", "potentiel"),
        "gross_margin_pct": (
            "gross margin %",
            "gross margin",
            "margin %",
            "marge brute",
            "marge brute %",
        ),
        "cost_to_serve": ("cost to serve", "cout de service"),
        "parent_account_id": (
            "parent account id",
            "parent company id",
            "parent account",
            "parent company",
            "compte parent",
            "maison mere",
        ),
    },
    "contacts": {
        "contact_id": ("contact id", "record id", "id"),
        "account_id": _ACCOUNT_REF,
        "name": ("full name", "contact name", "name", "nom complet", "nom"),
        "title": ("title", "job title", "fonction", "poste"),
        "business_unit": ("business unit", "department", "division", "service", "bu"),
        "level": ("level", "seniority", "job level", "niveau"),
        "role": ("role", "contact role", "buying role", "role d'achat"),
        "is_key": ("key contact", "is key", "key stakeholder", "contact cle"),
        "influence": ("influence",),
        "left_on": ("left on", "left date", "date de depart"),
    },
    "interactions": {
        "interaction_id": (
            "activity id",
            "task id",
            "event id",
            "engagement id",
            "record id",
            "id",
        ),
        "account_id": _ACCOUNT_REF,
        "contact_id": ("contact id", "associated contact id", "who id"),
        "occurred_on": (
            "activity date",
            "date",
            "start date",
            "start",
            "start date/time",
            "due date",
            "created date",
            "date de l'activite",
        ),
        "channel": ("activity type", "type", "task subtype", "channel", "engagement type", "canal"),
        "direction": ("direction", "call direction"),
        "response_hours": ("response hours", "response time (h)"),
        "client_attendees": ("client attendees", "number of attendees", "participants client"),
        "sentiment": ("sentiment", "client mood", "client sentiment", "enthousiasme"),
    },
    "opportunities": {
        "opportunity_id": ("opportunity id", "deal id", "record id", "id", "id opportunite"),
        "account_id": _ACCOUNT_REF,
        "name": ("opportunity name", "deal name", "name", "topic", "nom de l'opportunite"),
        "product": ("product", "product name", "product family", "produit"),
        "business_unit": ("business unit", "division", "bu"),
        "kind": ("type", "deal type", "opportunity type", "type d'affaire"),
        "amount": ("amount", "deal amount", "est. revenue", "estimated revenue", "montant"),
        "stage": ("stage", "deal stage", "sales stage", "pipeline stage", "etape", "phase"),
        "probability": ("probability (%)", "probability", "deal probability", "probabilite"),
        "created_on": ("created date", "create date", "created on", "date de creation"),
        "expected_close_on": (
            "expected close date",
            "est. close date",
            "estimated close date",
            "date de cloture prevue",
        ),
        "closed_on": ("close date", "closed date", "actual close date", "date de cloture"),
    },
    # Salesforce account plans, exported with the API field names (Data Loader, Workbench):
    # the objectives from AccountPlanObjectiveMeasure with their objective's fields.
    "plans": {
        "plan_id": ("id", "account plan id", "plan id", "accountplanid"),
        "account_id": ("accountid", *_ACCOUNT_REF),
        "title": ("name", "account plan name", "plan name"),
        "owner": ("owner", "owner name", "plan owner"),
        "starts_on": ("startdate", "start date", "date de debut"),
        "ends_on": ("enddate", "end date", "date de fin"),
        "ambition": ("description", "ambition", "vision"),
        "revenue_target": ("revenue target", "target revenue", "objectif de ca"),
        "status": ("status", "statut"),
    },
    "objectives": {
        "objective_id": ("accountplanobjectiveid", "objective id", "account plan objective id"),
        "plan_id": ("accountplanobjective.accountplanid", "accountplanid", "account plan id"),
        "title": ("accountplanobjective.name", "objective name", "account plan objective name"),
        "owner": ("accountplanobjective.objectiveowner.name", "objective owner", "owner"),
        "kpi": ("kpi", "name", "measure name"),
        "baseline": ("baseline", "startvalue", "start value"),
        "target": ("targetvalue", "target value", "target"),
        "due_on": ("accountplanobjective.duedate", "duedate", "due date"),
        "status": ("accountplanobjective.status", "status"),
    },
    "stage_history": {
        "opportunity_id": ("opportunity id", "deal id", "record id"),
        "changed_on": ("changed on", "edit date", "last modified", "last modified date", "date"),
        "stage": ("stage", "to stage", "deal stage", "etape"),
    },
    "actions": {
        "action_id": ("action id", "task id", "id"),
        "account_id": _ACCOUNT_REF,
        "title": ("title", "subject", "action", "titre"),
        "owner": ("owner", "assigned to", "responsable"),
        "due_on": ("due date", "due on", "echeance"),
        "done_on": ("completed date", "completion date", "done on", "date de realisation"),
        "status": ("status", "statut"),
    },
    "nps_responses": {
        "response_id": ("response id", "submission id", "record id", "id"),
        "account_id": _ACCOUNT_REF,
        "contact_id": ("contact id", "associated contact id"),
        "responded_on": ("response date", "submission date", "submitted at", "date"),
        "score": ("nps score", "score", "rating", "nps", "note"),
    },
    "tickets": {
        "ticket_id": ("case number", "ticket id", "case id", "incident id", "record id", "id"),
        "account_id": _ACCOUNT_REF,
        "opened_on": (
            "date/time opened",
            "opened date",
            "opened",
            "create date",
            "created date",
            "created on",
            "date d'ouverture",
        ),
        "closed_on": (
            "date/time closed",
            "closed date",
            "close date",
            "resolved date",
            "date de cloture",
        ),
        "severity": ("priority", "severity", "ticket priority", "priorite", "gravite"),
        "category": ("type", "category", "case reason", "categorie"),
    },
    "feedback": {
        "feedback_id": ("feedback id", "case number", "record id", "id"),
        "account_id": _ACCOUNT_REF,
        "recorded_on": ("recorded on", "date", "submission date", "created date"),
        "kind": ("kind", "type", "category"),
        "text": ("text", "comment", "description", "subject", "verbatim", "commentaire"),
    },
    "outcomes": {
        "account_id": _ACCOUNT_REF,
        "occurred_on": ("date", "occurred on"),
        "event": ("event", "outcome", "type"),
    },
}

# When no id column exists, a name column can serve as the id (and must do so everywhere).
NAME_AS_ID = (
    "account name",
    "company name",
    "associated company",
    "company",
    "potential customer",
    "nom du compte",
)

# Export names that look like ours but mean something else: proposed commented out, with why.
FALSE_FRIENDS: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {
    ("accounts", "annual_revenue"): (
        ("annual revenue", "annualrevenue", "annual_revenue"),
        "in CRMs 'Annual Revenue' is usually the company's own turnover; acctkit wants your "
        "revenue from the account over the last 12 months",
    ),
}

# Known export values of enum columns -> canonical value (proposals to review), by
# "table.column" or, for every table, by column name.
VALUE_WORDS: dict[str, dict[str, str]] = {
    "stage": {
        "needs analysis": "qualification",
        "value proposition": "proposal",
        "id. decision makers": "proposal",
        "perception analysis": "proposal",
        "proposal/price quote": "proposal",
        "negotiation/review": "negotiation",
        "appointment scheduled": "prospecting",
        "appointmentscheduled": "prospecting",
        "qualified to buy": "qualification",
        "qualifiedtobuy": "qualification",
        "presentation scheduled": "proposal",
        "presentationscheduled": "proposal",
        "decision maker bought-in": "negotiation",
        "decisionmakerboughtin": "negotiation",
        "contract sent": "negotiation",
        "contractsent": "negotiation",
        "closedwon": "closed_won",
        "closedlost": "closed_lost",
        "won": "closed_won",
        "lost": "closed_lost",
        "qualify": "qualification",
        "develop": "qualification",
        "propose": "proposal",
        "gagne": "closed_won",
        "gagnee": "closed_won",
        "perdu": "closed_lost",
        "perdue": "closed_lost",
    },
    "opportunities.kind": {
        "new customer": "new",
        "new business": "new",
        "newbusiness": "new",
        "existing customer - upgrade": "upsell",
        "existing customer - replacement": "renewal",
        "renouvellement": "renewal",
        "nouveau": "new",
        "nouvelle affaire": "new",
        "cross-sell": "cross_sell",
        "cross sell": "cross_sell",
        "up-sell": "upsell",
    },
    "level": {
        "c-level": "c_level",
        "executive": "c_level",
        "vp": "director",
        "individual contributor": "user",
        "staff": "user",
    },
    "role": {
        "decision maker": "decision_maker",
        "economic buyer": "decision_maker",
        "economic decision maker": "decision_maker",
        "executive sponsor": "sponsor",
        "business user": "user",
        "evaluator": "influencer",
        "technical buyer": "influencer",
    },
    "channel": {
        "note": "other",
        "task": "other",
        "visit": "meeting",
        "rendez-vous": "meeting",
        "appel": "call",
        "atelier": "workshop",
        "copil": "steering_committee",
        "comite de pilotage": "steering_committee",
        "webinar": "event",
        "salon": "event",
    },
    "direction": {
        "entrant": "inbound",
        "sortant": "outbound",
        "incoming": "inbound",
        "outgoing": "outbound",
    },
    "severity": {
        "urgent": "critical",
        "p1": "critical",
        "p2": "high",
        "p3": "medium",
        "p4": "low",
        "haute": "high",
        "moyenne": "medium",
        "basse": "low",
        "critique": "critical",
        "blocker": "critical",
    },
    "status": {
        "not started": "planned",
        "in progress": "in_progress",
        "completed": "done",
        "a faire": "planned",
        "en cours": "in_progress",
        "termine": "done",
        "annule": "cancelled",
    },
    "plans.status": {
        "completed": "closed",
        "inactive": "closed",
        "archived": "closed",
        "brouillon": "draft",
        "actif": "active",
        "termine": "closed",
    },
    "objectives.status": {
        "not started": "open",
        "in progress": "open",
        "on track": "open",
        "at risk": "open",
        "completed": "achieved",
        "canceled": "dropped",
        "cancelled": "dropped",
        "atteint": "achieved",
        "abandonne": "dropped",
    },
    "feedback.kind": {
        "complaint": "irritant",
        "compliment": "praise",
        "feature request": "request",
        "suggestion": "request",
        "reclamation": "irritant",
    },
}


def value_words(table: str, column: str) -> dict[str, str]:
    """The known export values of a canonical enum column."""
    return VALUE_WORDS.get(f"{table}.{column}", VALUE_WORDS.get(column, {}))
