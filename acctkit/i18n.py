"""English and French labels of every KPI column, family, band, segment and alert.

The one place where people-facing words live: reports, plots and the CLI take their
headers and messages from :func:`labels`, never from strings of their own. Column names
(the contract) stay English snake_case; only what people read is translated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

from acctkit.errors import ConfigError

LANGUAGES = ("en", "fr")

FAMILIES = {
    "potential": ("Potential & strategy", "Potentiel & stratégie"),
    "relationship": ("Relationship & engagement", "Relation & engagement"),
    "execution": ("Execution & performance", "Exécution & performance"),
    "overall": ("Overall", "Synthèse"),
}

COLUMNS = {
    "annual_revenue": ("Revenue (12 months)", "CA 12 mois"),
    "estimated_budget": ("Addressable budget", "Budget adressable"),
    "tam": ("Account TAM", "TAM du compte"),
    "share_of_wallet_pct": ("Share of wallet", "Part de portefeuille"),
    "whitespace": ("Whitespace", "Potentiel non capté"),
    "expansion_pipeline": ("Upsell / cross-sell pipeline", "Pipeline upsell / cross-sell"),
    "gross_margin_pct": ("Gross margin", "Marge brute"),
    "cost_to_serve_pct": ("Cost to serve", "Coût de service"),
    "net_contribution": ("Net contribution", "Contribution nette"),
    "strategic_fit": ("Strategic fit", "Alignement stratégique"),
    "ecosystem_influence": ("Ecosystem influence", "Influence dans l'écosystème"),
    "risk_level": ("Overall risk", "Niveau de risque global"),
    "max_risk": ("Highest risk", "Risque maximal"),
    "potential_score": ("Potential score", "Score de potentiel"),
    "segment": ("Recommendation", "Recommandation"),
    "potential_band": ("Potential band", "Zone de potentiel"),
    "key_contacts": ("Key contacts identified", "Interlocuteurs clés identifiés"),
    "engaged_key_contacts": ("Key contacts engaged", "Interlocuteurs clés engagés"),
    "coverage_pct": ("Account coverage", "Couverture de compte"),
    "depth_level": ("Relationship depth", "Profondeur relationnelle"),
    "levels_engaged": ("Levels engaged", "Niveaux engagés"),
    "interactions": ("Interactions", "Interactions"),
    "interactions_prev": ("Interactions (previous)", "Interactions (période précédente)"),
    "engagement_trend_pct": ("Engagement trend", "Tendance d'engagement"),
    "median_response_hours": ("Client reactivity", "Réactivité client"),
    "co_construction": ("Co-construction", "Co-construction"),
    "introductions": ("Doors opened", "Mises en relation"),
    "inbound_share_pct": ("Client-initiated share", "Part à l'initiative du client"),
    "has_sponsor": ("Internal sponsor", "Sponsor interne"),
    "sponsor_influence": ("Sponsor influence", "Influence du sponsor"),
    "days_since_sponsor_contact": (
        "Days since sponsor contact",
        "Jours depuis le dernier contact sponsor",
    ),
    "business_units_known": ("Business units known", "Entités connues"),
    "business_units_engaged": ("Business units engaged", "Entités engagées"),
    "relationship_score": ("Relationship score", "Score relationnel"),
    "relationship_band": ("Relationship band", "Zone relationnelle"),
    "actions_due": ("Actions due", "Actions prévues"),
    "actions_done": ("Actions done", "Actions réalisées"),
    "action_completion_pct": ("Plan completion", "Avancement du plan"),
    "overdue_actions": ("Overdue actions", "Actions en retard"),
    "actions_done_window": ("Execution pace", "Rythme d'exécution"),
    "open_pipeline": ("Active pipeline", "Pipeline actif"),
    "weighted_pipeline": ("Weighted pipeline", "Pipeline pondéré"),
    "pipeline_maturity_pct": ("Pipeline maturity", "Maturité du pipeline"),
    "slipped_opportunities": ("Slipped deals", "Opportunités en glissement"),
    "win_rate_pct": ("Win rate", "Taux de transformation"),
    "stage_advances": ("Stage advances", "Progressions d'étape"),
    "won_revenue": ("Revenue won", "Revenus générés"),
    "won_renewal": ("Revenue won: renewals", "Renouvellements"),
    "won_upsell": ("Revenue won: upsells", "Upsells"),
    "won_cross_sell": ("Revenue won: cross-sells", "Cross-sells"),
    "won_new": ("Revenue won: new deals", "Nouveaux deals"),
    "nps": ("NPS", "NPS"),
    "nps_prev": ("NPS (previous)", "NPS (précédent)"),
    "nps_drift": ("NPS drift", "Dérive du NPS"),
    "nps_responses": ("NPS responses", "Réponses NPS"),
    "nps_mean_score": ("Mean NPS score", "Note NPS moyenne"),
    "nps_mean_score_prev": ("Mean NPS score (previous)", "Note NPS moyenne (précédente)"),
    "irritants": ("Irritants", "Irritants"),
    "irritants_prev": ("Irritants (previous)", "Irritants (précédent)"),
    "tickets_opened": ("Tickets opened", "Tickets ouverts"),
    "open_critical_tickets": ("Open critical tickets", "Tickets critiques ouverts"),
    "execution_score": ("Execution score", "Score d'exécution"),
    "execution_band": ("Execution band", "Zone d'exécution"),
    "health_score": ("Health score", "Score de santé"),
    "health_band": ("Health band", "Zone de santé"),
}

BANDS = {
    "green": ("Green", "Vert"),
    "amber": ("Amber", "Orange"),
    "red": ("Red", "Rouge"),
}

SEGMENTS = {
    "invest": ("Raise / invest", "Élever / investir"),
    "maintain": ("Maintain", "Maintenir"),
    "deprioritize": ("Deprioritize", "Désprioriser"),
    "unrated": ("Unrated", "Non évalué"),
}

ALERTS = {
    "engagement_slowdown": ("Engagement slowdown", "Ralentissement de l'engagement"),
    "nps_drop": ("NPS drop", "Chute du NPS"),
    "irritants_rising": ("Irritants rising", "Irritants en hausse"),
    "critical_tickets": ("Critical tickets open", "Tickets critiques ouverts"),
    "no_sponsor": ("No internal sponsor", "Pas de sponsor interne"),
    "sponsor_silent": ("Sponsor silent", "Sponsor silencieux"),
    "low_coverage": ("Low coverage", "Couverture faible"),
    "overdue_actions": ("Overdue actions", "Actions en retard"),
    "slipped_deals": ("Slipped deals", "Opportunités en glissement"),
    "churn_risk": ("Churn risk", "Risque d'attrition"),
}

SEVERITIES = {
    "high": ("High", "Élevée"),
    "medium": ("Medium", "Moyenne"),
}

RISK_BANDS = {
    "low": ("Low", "Faible"),
    "medium": ("Medium", "Moyen"),
    "high": ("High", "Élevé"),
}

WORDS = {
    "account_id": ("Account", "Compte"),
    "name": ("Account name", "Nom du compte"),
    "as_of": ("As of", "Au"),
    "alerts": ("Alerts", "Alertes"),
    "high_alerts": ("High alerts", "Alertes élevées"),
    "code": ("Alert", "Alerte"),
    "severity": ("Severity", "Gravité"),
    "value": ("Value", "Valeur"),
    "threshold": ("Threshold", "Seuil"),
    "message": ("Message", "Message"),
    "missing": ("n/a", "n.d."),
}

# Alert messages. ``{value}``, ``{abs_value}``, ``{prev}``: the numbers of the row, already
# formatted. ``one`` / ``many``: singular and plural forms, chosen by the row's value.
MESSAGES = {
    "engagement_slowdown": (
        "Interactions down {abs_value} % vs previous window",
        "Interactions en baisse de {abs_value} % par rapport à la période précédente",
    ),
    "nps_drop": (
        "NPS down {abs_value} points vs previous period",
        "NPS en baisse de {abs_value} points par rapport à la période précédente",
    ),
    "irritants_rising": (
        "{value} irritants in the window (previous window: {prev})",
        "{value} irritants sur la période (période précédente : {prev})",
    ),
    "critical_tickets.one": (
        "{value} critical ticket open",
        "{value} ticket critique ouvert",
    ),
    "critical_tickets.many": (
        "{value} critical tickets open",
        "{value} tickets critiques ouverts",
    ),
    "no_sponsor": (
        "No active internal sponsor",
        "Aucun sponsor interne actif",
    ),
    "sponsor_silent": (
        "No contact with the sponsor for {value} days",
        "Aucun contact avec le sponsor depuis {value} jours",
    ),
    "sponsor_silent.never": (
        "No contact with the sponsor on record",
        "Aucun contact avec le sponsor enregistré",
    ),
    "low_coverage": (
        "Only {value} % of key contacts engaged",
        "Seulement {value} % des interlocuteurs clés engagés",
    ),
    "overdue_actions": (
        "{value} plan actions overdue",
        "{value} actions du plan en retard",
    ),
    "slipped_deals.one": (
        "{value} deal past its expected close date",
        "{value} opportunité a dépassé sa date de clôture prévue",
    ),
    "slipped_deals.many": (
        "{value} deals past their expected close date",
        "{value} opportunités ont dépassé leur date de clôture prévue",
    ),
    "churn_risk": (
        "Early-warning churn risk {value} %",
        "Risque d'attrition (alerte précoce) {value} %",
    ),
}


@dataclass(frozen=True)
class Labels:
    """People-facing words in one language.

    ``labels("fr")["coverage_pct"]`` gives a KPI column's label; the other groups are
    attributes: ``families``, ``bands``, ``segments``, ``alerts`` (alert codes),
    ``severities``, ``risk_bands``, ``words`` (table headers such as ``alerts``, ``as_of``)
    and ``messages`` (alert message templates).
    """

    lang: str
    columns: Mapping[str, str]
    families: Mapping[str, str]
    bands: Mapping[str, str]
    segments: Mapping[str, str]
    alerts: Mapping[str, str]
    severities: Mapping[str, str]
    risk_bands: Mapping[str, str]
    words: Mapping[str, str]
    messages: Mapping[str, str]

    def __getitem__(self, column: str) -> str:
        """The label of a KPI column (or of a table header such as ``account_id``)."""
        if column in self.columns:
            return self.columns[column]
        return self.words[column]

    def get(self, column: str, default: str | None = None) -> str | None:
        """The label of a KPI column, or ``default`` when it has none."""
        try:
            return self[column]
        except KeyError:
            return default


def labels(lang: str = "en") -> Labels:
    """The labels of every KPI column, family, band, segment, alert and severity.

    Parameters
    ----------
    lang
        ``"en"`` or ``"fr"``.

    Raises
    ------
    ConfigError
        For any other language.

    Examples
    --------
    >>> fr = labels("fr")
    >>> fr["coverage_pct"], fr.segments["deprioritize"], fr.families["potential"]
    ('Couverture de compte', 'Désprioriser', 'Potentiel & stratégie')
    """
    position = _language_position(lang)

    def pick(table: Mapping[str, tuple[str, str]]) -> Mapping[str, str]:
        return MappingProxyType({key: pair[position] for key, pair in table.items()})

    return Labels(
        lang=lang,
        columns=pick(COLUMNS),
        families=pick(FAMILIES),
        bands=pick(BANDS),
        segments=pick(SEGMENTS),
        alerts=pick(ALERTS),
        severities=pick(SEVERITIES),
        risk_bands=pick(RISK_BANDS),
        words=pick(WORDS),
        messages=pick(MESSAGES),
    )


def label_table() -> pd.DataFrame:
    """Every label in both languages: one row per (group, key), columns ``en`` and ``fr``."""
    groups = {
        "family": FAMILIES,
        "column": COLUMNS,
        "band": BANDS,
        "segment": SEGMENTS,
        "alert": ALERTS,
        "severity": SEVERITIES,
        "risk_band": RISK_BANDS,
    }
    rows = [
        (group, key, en, fr) for group, table in groups.items() for key, (en, fr) in table.items()
    ]
    return pd.DataFrame(rows, columns=["group", "key", "en", "fr"]).set_index(["group", "key"])


def _language_position(lang: str) -> int:
    if lang not in LANGUAGES:
        raise ConfigError(f"unknown language {lang!r}; expected one of: {', '.join(LANGUAGES)}")
    return LANGUAGES.index(lang)
