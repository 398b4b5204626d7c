"""English and French labels of every KPI column, family, band, segment and alert.

The one place where people-facing words live: reports, plots and the CLI take their
headers and messages from :func:`labels`, never from strings of their own. Column names
(the contract) stay English snake_case; only what people read is translated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
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


# -- Review reports: the words of the account and portfolio review notebooks ---------------

COMPONENTS = {
    "budget": ("Budget (rank in the portfolio)", "Budget (rang dans le portefeuille)"),
    "profitability": ("Profitability", "Rentabilité"),
    "fit": ("Strategic fit", "Alignement stratégique"),
    "influence": ("Ecosystem influence", "Influence dans l'écosystème"),
    "safety": ("Low risk", "Risque faible"),
    "coverage": ("Key-contact coverage", "Couverture des interlocuteurs clés"),
    "depth": ("Relationship depth", "Profondeur relationnelle"),
    "engagement": (
        "Interactions (rank in the portfolio)",
        "Interactions (rang dans le portefeuille)",
    ),
    "sponsor": ("Sponsor", "Sponsor"),
    "propagation": ("Business units engaged", "Entités engagées"),
    "actions": ("Plan completion", "Avancement du plan"),
    "pipeline": ("Pipeline maturity", "Maturité du pipeline"),
    "wins": ("Win rate", "Taux de transformation"),
    "satisfaction": ("Satisfaction (NPS)", "Satisfaction (NPS)"),
    "calm": ("Few irritants and critical tickets", "Peu d'irritants et de tickets critiques"),
}

LEVELS = {
    "none": ("None", "Aucun"),
    "user": ("User", "Utilisateur"),
    "manager": ("Manager", "Manager"),
    "director": ("Director", "Directeur"),
    "c_level": ("C-level", "Direction générale"),
}

ROLES = {
    "sponsor": ("Sponsor", "Sponsor"),
    "decision_maker": ("Decision maker", "Décideur"),
    "influencer": ("Influencer", "Influenceur"),
    "user": ("User", "Utilisateur"),
    "other": ("Other", "Autre"),
}

STAGES = {
    "prospecting": ("Prospecting", "Prospection"),
    "qualification": ("Qualification", "Qualification"),
    "proposal": ("Proposal", "Proposition"),
    "negotiation": ("Negotiation", "Négociation"),
    "closed_won": ("Won", "Gagnée"),
    "closed_lost": ("Lost", "Perdue"),
    "unknown": ("Stage unknown", "Étape inconnue"),
}

KINDS = {
    "new": ("New deals", "Nouveaux deals"),
    "renewal": ("Renewals", "Renouvellements"),
    "upsell": ("Upsells", "Upsells"),
    "cross_sell": ("Cross-sells", "Cross-sells"),
}

TIERS = {
    "strategic": ("Strategic", "Stratégique"),
    "key": ("Key", "Clé"),
    "growth": ("Growth", "Croissance"),
}

ACTION_STATES = {
    "overdue": ("Overdue", "En retard"),
    "open": ("Open", "En cours"),
    "done": ("Done", "Réalisée"),
}

MONTHS = {
    "1": ("Jan", "janv."),
    "2": ("Feb", "févr."),
    "3": ("Mar", "mars"),
    "4": ("Apr", "avr."),
    "5": ("May", "mai"),
    "6": ("Jun", "juin"),
    "7": ("Jul", "juil."),
    "8": ("Aug", "août"),
    "9": ("Sep", "sept."),
    "10": ("Oct", "oct."),
    "11": ("Nov", "nov."),
    "12": ("Dec", "déc."),
}

# Headings, explanations, table headers, units and chart words of the review reports.
# ``{name}`` placeholders are filled by acctkit.review.sections and acctkit.plots.
REPORT = {
    "account_title": ("Account review: {name}", "Revue de compte : {name}"),
    "portfolio_title": ("Portfolio review", "Revue de portefeuille"),
    # account review: sections
    "heading.summary": ("Account at a glance", "Le compte en bref"),
    "intro.summary": (
        "The three family scores and the overall health score (0 to 100), each with its band "
        "and its change since the previous review, the recommendation that follows from the "
        "potential score, and the early-warning risk.",
        "Les trois scores de famille et le score de santé global (0 à 100), chacun avec sa "
        "zone et son évolution depuis la revue précédente, la recommandation qui découle du "
        "score de potentiel, et le risque d'alerte précoce.",
    ),
    "heading.scores": ("How each score is built", "Comment chaque score est construit"),
    "scores.too_little": (
        "Too little data: the components with data carry less than half of the weight.",
        "Données insuffisantes : les composantes renseignées pèsent moins de la moitié du poids.",
    ),
    "intro.scores": (
        "Each family score is a weighted mean of five components, each measured from 0 to "
        "100 %. A component's points are its weight times its value; when a component has no "
        "data, its weight is shared among the others. The points add up to the score. The "
        "health score is the mean of the relationship and execution scores.",
        "Chaque score de famille est une moyenne pondérée de cinq composantes, chacune mesurée "
        "de 0 à 100 %. Les points d'une composante sont son poids multiplié par sa valeur ; "
        "quand une composante n'a pas de données, son poids est réparti entre les autres. La "
        "somme des points donne le score. Le score de santé est la moyenne des scores "
        "relationnel et d'exécution.",
    ),
    "intro.potential": (
        "Does this account deserve the investment? Each indicator at this review and at the "
        "previous one ({previous}), with the change. The chart splits the client's "
        "addressable budget into the revenue already captured and the whitespace left to win.",
        "Ce compte mérite-t-il l'investissement ? Chaque indicateur à cette revue et à la "
        "précédente ({previous}), avec son évolution. Le graphique partage le budget "
        "adressable du client entre le chiffre d'affaires déjà capté et le potentiel restant "
        "à conquérir.",
    ),
    "intro.relationship": (
        "Are we gaining ground in the client's organisation? The map places every active "
        "contact by level and business unit: filled markers were met in the last {window} "
        "days, hollow ones were not. Then the interactions of the last twelve months.",
        "Gagnons-nous du terrain dans l'organisation du client ? La carte place chaque contact "
        "actif selon son niveau et son entité : les marqueurs pleins ont été rencontrés dans "
        "les {window} derniers jours, les marqueurs vides non. Puis les interactions des douze "
        "derniers mois.",
    ),
    "intro.execution": (
        "Is the strategy turning into commercial traction? The indicators, then the open "
        "pipeline by stage, the revenue won in the last {window} days by kind, the plan's "
        "actions (overdue first) and customer satisfaction over twelve months.",
        "La stratégie se traduit-elle en traction commerciale ? Les indicateurs, puis le "
        "pipeline ouvert par étape, les revenus gagnés sur les {window} derniers jours par "
        "type, les actions du plan (en retard d'abord) et la satisfaction client sur douze "
        "mois.",
    ),
    "heading.early_warning": ("Early warning", "Alerte précoce"),
    "intro.early_warning": (
        "The probability that the account churns, shrinks or loses a renewal within the next "
        "{months} months, estimated from recent signals: engagement, irritants, NPS and "
        "critical tickets.",
        "La probabilité que le compte soit perdu, réduise ses achats ou ne renouvelle pas dans "
        "les {months} prochains mois, estimée à partir des signaux récents : engagement, "
        "irritants, NPS et tickets critiques.",
    ),
    "heading.alerts": ("Alerts", "Signaux d'alerte"),
    "intro.alerts": (
        "Every alert rule that fires at this review, highest severity first, with the value "
        "that fired it and the configured threshold.",
        "Chaque règle d'alerte déclenchée à cette revue, de la plus grave à la moins grave, "
        "avec la valeur observée et le seuil configuré.",
    ),
    "heading.actions": ("Plan actions", "Actions du plan"),
    "none.alerts": (
        "No alert fires for this account at this review.",
        "Aucune alerte ne se déclenche pour ce compte à cette revue.",
    ),
    "none.actions": (
        "The plan has no open, overdue or recently completed action.",
        "Le plan ne compte aucune action en cours, en retard ou récemment réalisée.",
    ),
    "risk.unavailable": (
        "The early warning is not available for this review: no model could be trained on "
        "this portfolio (too little history, or too few churn, downsell or lost-renewal "
        "events).",
        "L'alerte précoce n'est pas disponible pour cette revue : aucun modèle n'a pu être "
        "entraîné sur ce portefeuille (historique trop court, ou trop peu de pertes, de "
        "réductions ou de non-renouvellements).",
    ),
    "risk.unscored": (
        "This account has no early-warning score at this date.",
        "Ce compte n'a pas de score d'alerte précoce à cette date.",
    ),
    "risk.drivers": ("What raises the risk", "Ce qui fait monter le risque"),
    "risk.quality": (
        "Reliability: on the most recent months, held out from training, the model ranks "
        "accounts with a ROC AUC of {auc} (0.5 is chance, 1 is perfect).",
        "Fiabilité : sur les mois les plus récents, exclus de l'entraînement, le modèle classe "
        "les comptes avec une AUC ROC de {auc} (0,5 = hasard, 1 = parfait).",
    ),
    # account review: header facts and rationale
    "owner": ("Owner", "Responsable"),
    "tier": ("Tier", "Catégorie"),
    "industry": ("Industry", "Secteur"),
    "region": ("Region", "Région"),
    "review_date": ("Review date", "Date de revue"),
    "previous_review": ("Previous review", "Revue précédente"),
    "this_review": ("This review", "Cette revue"),
    "change": ("Change", "Évolution"),
    "since": ("since {date}", "depuis le {date}"),
    "risk": ("Early-warning risk", "Risque (alerte précoce)"),
    "rule.invest": (
        "potential score of {invest} or more",
        "score de potentiel d'au moins {invest}",
    ),
    "rule.maintain": (
        "potential score from {maintain} to {invest}",
        "score de potentiel entre {maintain} et {invest}",
    ),
    "rule.deprioritize": (
        "potential score below {maintain}",
        "score de potentiel inférieur à {maintain}",
    ),
    "rule.unrated": (
        "too little data to score the potential",
        "trop peu de données pour évaluer le potentiel",
    ),
    # tables
    "kpi": ("Indicator", "Indicateur"),
    "component": ("Component", "Composante"),
    "weight": ("Weight", "Poids"),
    "points": ("Points", "Points"),
    "total": ("Score", "Score"),
    "status": ("Status", "Statut"),
    "action": ("Action", "Action"),
    "owner_short": ("Owner", "Responsable"),
    "due_on": ("Due", "Échéance"),
    "done_on": ("Done on", "Réalisée le"),
    "days_late": ("Days late", "Jours de retard"),
    "yes": ("Yes", "Oui"),
    "no": ("No", "Non"),
    "days": ("{value} d", "{value} j"),
    "hours": ("{value} h", "{value} h"),
    "out_of_5": ("{value} / 5", "{value} / 5"),
    "points_unit": ("{value} pts", "{value} pts"),
    "direction.up": ("up", "en hausse"),
    "direction.down": ("down", "en baisse"),
    "direction.same": ("unchanged", "stable"),
    "direction.na": ("no comparison", "pas de comparaison"),
    # charts
    "chart.amount": ("Amount", "Montant"),
    "chart.month": ("Month", "Mois"),
    "chart.wallet.title": ("Share of wallet: {share}", "Part de portefeuille : {share}"),
    "chart.stakeholders.title": ("Stakeholder map", "Cartographie des interlocuteurs"),
    "chart.business_unit": ("Business unit", "Entité"),
    "chart.level": ("Level", "Niveau"),
    "chart.engaged": ("Met in the last {window} days", "Rencontré ces {window} derniers jours"),
    "chart.silent": ("Silent", "Silencieux"),
    "chart.key_contact": ("Key contact", "Interlocuteur clé"),
    "chart.other_contact": ("Other contact", "Autre contact"),
    "chart.no_unit": ("No unit", "Sans entité"),
    "chart.interactions.title": ("Interactions per month", "Interactions par mois"),
    "chart.pipeline.title": ("Open pipeline by stage", "Pipeline ouvert par étape"),
    "chart.stage": ("Stage", "Étape"),
    "chart.open_amount": ("Open amount", "Montant ouvert"),
    "chart.weighted_amount": ("Weighted amount", "Montant pondéré"),
    "chart.deals.one": ("{count} deal", "{count} opportunité"),
    "chart.deals.many": ("{count} deals", "{count} opportunités"),
    "chart.won.title": (
        "Revenue won in the last {window} days",
        "Revenus gagnés sur les {window} derniers jours",
    ),
    "chart.kind": ("Kind", "Type"),
    "chart.won.none": (
        "No deal won in the last {window} days",
        "Aucune affaire gagnée sur les {window} derniers jours",
    ),
    "chart.satisfaction.title": (
        "Satisfaction: NPS answers and irritants",
        "Satisfaction : réponses NPS et irritants",
    ),
    "chart.nps_score": ("Mean NPS score (0-10)", "Note NPS moyenne (0-10)"),
    "chart.detractors": ("Detractors", "Détracteurs"),
    "chart.passives": ("Passives", "Passifs"),
    "chart.promoters": ("Promoters", "Promoteurs"),
    "chart.irritants": ("Irritants", "Irritants"),
    "chart.risk.title": ("Early-warning risk by month", "Risque d'alerte précoce par mois"),
    "chart.probability": ("Probability", "Probabilité"),
    "chart.matrix.title": (
        "Potential and relationship (bubble area: revenue)",
        "Potentiel et relation (surface des bulles : CA)",
    ),
    "chart.not_placed": (
        "{count} account(s) without both scores not shown",
        "{count} compte(s) sans les deux scores non représenté(s)",
    ),
    # portfolio review
    "heading.portfolio": ("Portfolio at a glance", "Le portefeuille en bref"),
    "portfolio.summary": (
        "{accounts} accounts reviewed on {date}; the previous review was on {previous}.",
        "{accounts} comptes revus le {date} ; la revue précédente date du {previous}.",
    ),
    "heading.matrix": ("Portfolio matrix", "Matrice du portefeuille"),
    "intro.matrix": (
        "Each account is placed by its potential score (across) and its relationship score "
        "(up). The shaded zones are the recommendations that follow from the potential score; "
        "a bubble's area is the account's revenue and its colour the health band. The largest "
        "accounts are named.",
        "Chaque compte est placé selon son score de potentiel (horizontalement) et son score "
        "relationnel (verticalement). Les zones ombrées sont les recommandations qui découlent "
        "du score de potentiel ; la surface d'une bulle est le chiffre d'affaires du compte et "
        "sa couleur la zone de santé. Les plus gros comptes sont nommés.",
    ),
    "heading.ranking": ("Account ranking", "Classement des comptes"),
    "intro.ranking": (
        "Every account, from the highest potential score to the lowest, with its scores, "
        "recommendation, early-warning risk and alerts.",
        "Tous les comptes, du score de potentiel le plus élevé au plus faible, avec leurs "
        "scores, leur recommandation, leur risque d'alerte précoce et leurs alertes.",
    ),
    "intro.ranking.links": (
        "An account's name opens its review.",
        "Le nom d'un compte ouvre sa revue.",
    ),
    "heading.top_risks": ("Top risks", "Risques principaux"),
    "intro.top_risks": (
        "The accounts with the highest early-warning risk, and what drives it.",
        "Les comptes au risque d'alerte précoce le plus élevé, et ce qui le fait monter.",
    ),
    "heading.segments": ("Segments", "Segments"),
    "intro.segments": (
        "How many accounts fall in each recommendation, and the revenue they carry.",
        "Combien de comptes relèvent de chaque recommandation, et le chiffre d'affaires "
        "qu'ils portent.",
    ),
    "heading.failed": ("Failed reports", "Rapports en échec"),
    "intro.failed": (
        "These account reports could not be produced for this review; the error says why.",
        "Ces rapports de compte n'ont pas pu être produits pour cette revue ; l'erreur "
        "indique pourquoi.",
    ),
    "col.potential": ("Potential", "Potentiel"),
    "col.relationship": ("Relationship", "Relation"),
    "col.execution": ("Execution", "Exécution"),
    "col.health": ("Health", "Santé"),
    "col.revenue": ("Revenue (12 months)", "CA 12 mois"),
    "col.alerts": ("Alerts (high)", "Alertes (élevées)"),
    "accounts": ("Accounts", "Comptes"),
    "revenue_share": ("Share of revenue", "Part du CA"),
    "mean_health": ("Mean health score", "Score de santé moyen"),
    "high_risk_accounts": ("Accounts at high risk", "Comptes à risque élevé"),
    "high_alert_accounts": ("Accounts with a high alert", "Comptes avec une alerte élevée"),
    "drivers": ("Drivers", "Facteurs"),
    "error": ("Error", "Erreur"),
}


@dataclass(frozen=True)
class Labels:
    """People-facing words in one language.

    ``labels("fr")["coverage_pct"]`` gives a KPI column's label; the other groups are
    attributes: ``families``, ``bands``, ``segments``, ``alerts`` (alert codes),
    ``severities``, ``risk_bands``, ``words`` (table headers such as ``alerts``, ``as_of``)
    and ``messages`` (alert message templates). The review reports add ``components`` (of
    the scores), ``levels`` and ``roles`` (of contacts), ``stages`` and ``kinds`` (of
    opportunities), ``tiers``, ``action_states``, ``months`` (abbreviated, keys ``"1"`` to
    ``"12"``) and ``report`` (headings, explanations, table headers and chart words).
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
    components: Mapping[str, str]
    levels: Mapping[str, str]
    roles: Mapping[str, str]
    stages: Mapping[str, str]
    kinds: Mapping[str, str]
    tiers: Mapping[str, str]
    action_states: Mapping[str, str]
    months: Mapping[str, str]
    report: Mapping[str, str]

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


@lru_cache(maxsize=8)
def labels(lang: str = "en") -> Labels:
    """The labels of every KPI column, family, band, segment, alert and severity.

    Built once per language (the result is immutable): a report asks for them hundreds
    of times.

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
        components=pick(COMPONENTS),
        levels=pick(LEVELS),
        roles=pick(ROLES),
        stages=pick(STAGES),
        kinds=pick(KINDS),
        tiers=pick(TIERS),
        action_states=pick(ACTION_STATES),
        months=pick(MONTHS),
        report=pick(REPORT),
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
        "component": COMPONENTS,
        "level": LEVELS,
        "role": ROLES,
        "stage": STAGES,
        "kind": KINDS,
        "tier": TIERS,
        "action_state": ACTION_STATES,
        "month": MONTHS,
        "report": REPORT,
    }
    rows = [
        (group, key, en, fr) for group, table in groups.items() for key, (en, fr) in table.items()
    ]
    return pd.DataFrame(rows, columns=["group", "key", "en", "fr"]).set_index(["group", "key"])


def _language_position(lang: str) -> int:
    if lang not in LANGUAGES:
        raise ConfigError(f"unknown language {lang!r}; expected one of: {', '.join(LANGUAGES)}")
    return LANGUAGES.index(lang)
