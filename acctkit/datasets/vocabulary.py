"""The generator's fixed tables: names, words, texts, shares and schema codes.

Everything here is a constant: the tiers, regions and owners of the accounts, the pieces
company and contact names are drawn from, the shares of each categorical column, the texts
of actions, comments and feedback, and the codes into the schema's enums that the generator
treats specially. Changing a value changes every generated portfolio.
"""

from __future__ import annotations

import numpy as np

from acctkit.data.schema import (
    ACTION_STATUSES,
    CHANNELS,
    CRITERIA,
    DIRECTIONS,
    KINDS,
    LEVELS,
    OUTCOME_EVENTS,
    ROLES,
    SEVERITIES,
    STAGES,
)

# Forecast dates (expected_close_on of open deals, due_on of planned actions) may lie up to
# this many days after `end`, as in a real CRM snapshot; every recorded fact is <= `end`.
FORECAST_HORIZON_DAYS = 240
_ACTION_LEAD_DAYS = 92  # an action is due within three months of being planned
_SALES_CYCLE_DAYS = ((30, FORECAST_HORIZON_DAYS), (45, 120))  # other kinds, renewals

_TIERS = ("strategic", "key", "growth")
_TIER_SHARE = (0.15, 0.35, 0.50)
_TIER_REVENUE = np.array([2_500_000.0, 700_000.0, 180_000.0])
_TIER_ACTIVITY = np.array([1.6, 1.0, 0.6])
_TIER_CONTACTS = np.array([[8, 16], [5, 12], [3, 8]])

_REGIONS = ("EMEA", "North America", "APAC", "LATAM")
_REGION_SHARE = (0.50, 0.25, 0.15, 0.10)
_OWNERS = (
    ("Inès", "Marc", "Sofia", "Jonas"),
    ("Emily", "Daniel", "Inès", "Marc"),
    ("Kenji", "Priya", "Emily", "Kenji"),
    ("Lucía", "Daniel", "Lucía", "Sofia"),
)
_ALL_OWNERS = ("Inès", "Marc", "Sofia", "Jonas", "Emily", "Daniel", "Kenji", "Priya", "Lucía")
_OWNER_BY_REGION = np.array([[_ALL_OWNERS.index(name) for name in row] for row in _OWNERS])
_INDUSTRIES = (
    "Manufacturing", "Retail", "Energy", "Transport & Logistics", "Healthcare",
    "Financial Services", "Public Sector", "Telecom", "Food & Beverage", "Construction",
    "Chemicals", "Software",
)  # fmt: skip

# Company names: per language, roots x words x legal forms (two roots joined by a hyphen
# for a third of the accounts), plus French "Compagnie Generale des ..." style names.
_LANGUAGES = ("de", "fr", "nordic", "iberian", "en", "apac")
_FRENCH = _LANGUAGES.index("fr")
_LANGUAGE_BY_REGION = np.array(
    [  # by _LANGUAGES
        [0.25, 0.30, 0.15, 0.15, 0.15, 0.00],
        [0.00, 0.10, 0.00, 0.05, 0.85, 0.00],
        [0.00, 0.00, 0.00, 0.00, 0.20, 0.80],
        [0.00, 0.00, 0.00, 0.90, 0.10, 0.00],
    ]
)
_NAME_ROOTS = (
    ("Müller", "Schäfer", "Brückner", "Weiß", "Köhler", "Nordlicht", "Bergmann", "Hoffmann",
     "Krüger", "Löwenstein", "Sonnenfeld", "Falkenrath", "Grünwald", "Rheintal", "Adler",
     "Eisenhütte", "Wälder", "Böhm", "Lindenau", "Steinbach"),
    ("Lumière", "Belvédère", "Beaulieu", "Delacroix", "Mercier", "Fontaine", "Rivière",
     "Châteauneuf", "Lefèvre", "Étoile", "Garnier", "Montclair", "Bréguet", "Vallée",
     "Café Lumière", "Aubépine", "Lagarde", "Ferrand", "Mistral", "Bellecour"),
    ("Ørsted", "Søndergaard", "Åberg", "Lindqvist", "Bjørn", "Hägglund", "Fjordvik", "Nyström",
     "Østerby", "Ålund", "Solberg", "Dahl", "Kærgaard", "Strömberg", "Järvinen", "Vestergård"),
    ("Peñalver", "Ibáñez", "Castellón", "Núñez", "Solandía", "Montaña", "Iberia Sur", "Gómez",
     "Albéniz", "Cordillera", "São Bento", "Conceição", "Araújo", "Guimarães", "Ríos",
     "Valdés"),
    ("Northwind", "Bluewater", "Oakridge", "Summit", "Ironbridge", "Pinecrest", "Harbor",
     "Redwood", "Silverline", "Granite", "Westfield", "Brightstone", "Lakeshore", "Highland",
     "Evergreen", "Crescent", "Blackwood", "Clearwater", "Foxglove", "Kingsley"),
    ("Sakura", "Fuji", "Kōyō", "Tōhoku", "Hanwa", "Lotus", "Jade", "Pacific Rim", "Marina",
     "Sentosa", "Mekong", "Han River", "Kiwi Coast", "Ōsaka Bay", "Golden Bay", "Tasman"),
)  # fmt: skip
_NAME_WORDS = (
    ("Logistik", "Maschinenbau", "Energie", "Technik", "Werke", "Handel", "Systeme", "Chemie",
     "Bau", "Versand", "Elektro", "Medizintechnik"),
    ("Industries", "Transports", "Énergies", "Distribution", "Ingénierie", "Services",
     "Éclairages", "Matériaux", "Santé", "Télécom", "Alimentaire", "Bâtiment"),
    ("Energi", "Shipping", "Teknik", "Industri", "Logistik", "Data", "Byg", "Kraft", "Marine",
     "Foods"),
    ("Logística", "Energía", "Construcciones", "Alimentos", "Telecomunicações",
     "Distribuciones", "Ingeniería", "Transportes", "Tecnologia", "Química"),
    ("Logistics", "Manufacturing", "Energy", "Health", "Foods", "Systems", "Retail",
     "Financial", "Telecom", "Materials", "Analytics", "Aerospace"),
    ("Industries", "Trading", "Electronics", "Shipping", "Foods", "Engineering", "Holdings",
     "Chemicals", "Resources", "Networks"),
)  # fmt: skip
_NAME_LEGAL = (
    ("GmbH", "AG", "KG", "GmbH & Co. KG"),
    ("SA", "SAS", "SARL", "& Fils"),
    ("A/S", "AB", "ASA", "Oy"),
    ("S.A.", "S.L.", "Ltda.", "S.A. de C.V."),
    ("Inc.", "LLC", "Ltd", "Corp.", "plc", "Holdings"),
    ("K.K.", "Pte. Ltd.", "Pty Ltd", "Co., Ltd.", "Ltd"),
)
_FORMAL_HEADS = (
    "Compagnie Générale des", "Société Nouvelle des", "Compagnie Industrielle des",
    "Manufacture Générale des", "Établissements Réunis des", "Société Française des",
)  # fmt: skip
_FORMAL_NOUNS = (
    "Éclairages", "Transports", "Eaux", "Matériaux", "Aciéries", "Verreries", "Câbles",
    "Télécommunications", "Produits Chimiques", "Emballages", "Forges", "Pièces Détachées",
)  # fmt: skip
_CITIES = (  # per language, to tell apart companies of the same name
    ("Hamburg", "München", "Köln", "Zürich"),
    ("Lyon", "Nantes", "Montréal", "Genève"),
    ("Göteborg", "Århus", "Tromsø", "Malmö"),
    ("Sevilla", "Bogotá", "São Paulo", "Málaga"),
    ("Boston", "Denver", "Leeds", "Toronto"),
    ("Ōsaka", "Singapore", "Melbourne", "Kōbe"),
)

_FIRST_NAMES = (
    "Sara", "Tom", "Zoé", "José", "Søren", "Łukasz", "François", "Björn", "Inés", "Jürgen",
    "Chloé", "Hélène", "Aurélien", "Miyu", "Siobhán", "Priya", "Ahmed", "Olga", "Mateo",
    "Aïcha", "Noah", "Léa", "Karin", "Raúl", "Yuki", "Grace", "Omar", "Anouk", "Ngozi", "Wei",
)  # fmt: skip
_LAST_NAMES = (
    "Martin", "Dubois", "García", "Nørgaard", "Kowalski", "O'Brien", "Tanaka", "Schmidt",
    "Rossi", "Silva", "Lefèbvre", "Öztürk", "Novák", "Johansson", "Brown", "Moreau", "Fernández",
    "Wójcik", "Yamamoto", "Chen", "Dupont", "Bianchi", "Van Dijk", "Müller", "Haddad",
)  # fmt: skip
_LEVEL_SHARE = (0.35, 0.35, 0.20, 0.10)
_BUSINESS_UNITS = (
    "Finance", "Operations", "IT", "Procurement", "Marketing", "HR", "Sales", "R&D",
    "Supply Chain", "Legal",
)  # fmt: skip
_C_LEVEL_TITLES = (
    "CFO", "COO", "CIO", "CPO", "CMO", "CHRO", "CSO", "CTO", "CSCO", "General Counsel",
)  # fmt: skip

_CHANNEL_SHARE = (0.25, 0.25, 0.30, 0.08, 0.05, 0.04, 0.03)
_STAGE_PROBABILITY = np.array([10.0, 20.0, 50.0, 75.0, 100.0, 0.0])
_KIND_SHARE = (0.15, 0.30, 0.30, 0.25)
_KIND_AMOUNT = np.array([[0.25, 0.6], [0.6, 0.3], [0.15, 0.5], [0.2, 0.5]])  # median, sigma
_KIND_SUFFIX = ("new deal", "renewal", "upsell", "extension")
_PRODUCTS = (
    "Fleet Analytics", "Cold Chain", "Smart Metering", "Field Service", "Data Platform",
    "Procurement Suite", "Managed Security", "Training Academy",
)  # fmt: skip
_ASSESSMENT_COMMENTS = (
    "Confirmed at the steering committee", "À revoir avec le sponsor", "New CFO, budget freeze",
    "Reference visit done", "Dépendance forte à un seul site", "Roadmap aligned for 2026",
)  # fmt: skip
_ACTION_TITLES = (
    "Meet the CFO", "Joint roadmap workshop", "Executive sponsor dinner",
    "Quarterly business review", "Site visit", "Map the procurement team",
    "Atelier de co-construction", "Présentation au comité de direction",
    "Reference call with a peer", "Renewal preparation", "Case study interview", "Pilot kick-off",
)  # fmt: skip
_SEVERITY_SHARE = (0.45, 0.38, 0.17, 0.0)  # by SEVERITIES; critical is drawn from health
_RESOLUTION_DAYS = np.array([12.0, 7.0, 4.0, 3.0])
_TICKET_CATEGORIES = ("outage", "billing", "delivery", "quality", "access", "performance", "other")
_FEEDBACK_TEXTS = (
    ("Late deliveries, again", "Facturation illisible", "Support too slow to answer",
     "Trop de changements d'interlocuteur", "Invoice format", "Outage during month-end closing",
     "Prix en hausse sans préavis"),
    ("Lovely team", "Great onboarding", "Équipe très réactive", "The workshop was really useful",
     "Merci pour le suivi"),
    ("Export to Excel please", "Besoin d'une formation avancée", "API access for our BI team",
     "Can we get a quarterly review?", "Tableau de bord en français"),
)  # fmt: skip
_EVENT_SHARE = (0.50, 0.30, 0.20)

# Codes into the schema's enums, named where the generator treats a value specially.
_DIRECTOR = LEVELS.index("director")  # sponsors are directors or c_level (the next level)
_SPONSOR = ROLES.index("sponsor")
_ROLE_SHARE = (0.0, 0.10, 0.25, 0.35, 0.30)  # by ROLES; the sponsor is picked apart
_KEY_SHARE_BY_LEVEL = np.array([0.2, 0.35, 0.6, 0.75])
_RISK_CRITERIA = np.array([criterion.endswith("_risk") for criterion in CRITERIA])
_INBOUND, _OUTBOUND = DIRECTIONS.index("inbound"), DIRECTIONS.index("outbound")
_MEETING, _CALL, _WORKSHOP, _STEERING_COMMITTEE = (
    CHANNELS.index(channel) for channel in ("meeting", "call", "workshop", "steering_committee")
)
_MEETING_CODES = (_MEETING, _WORKSHOP, _STEERING_COMMITTEE)  # attendance is about these
_MOOD_LEAD_MONTHS = 2  # enthusiasm follows the health this many months ahead
_STRATEGIC = _TIERS.index("strategic")
_RENEWAL = KINDS.index("renewal")
_NEGOTIATION = STAGES.index("negotiation")  # the last open stage; open stages come first
_WON, _LOST = STAGES.index("closed_won"), STAGES.index("closed_lost")
_PLANNED, _IN_PROGRESS, _DONE, _CANCELLED = (
    ACTION_STATUSES.index(status) for status in ("planned", "in_progress", "done", "cancelled")
)
_HIGH, _CRITICAL = SEVERITIES.index("high"), SEVERITIES.index("critical")
_CHURN, _DOWNSELL = OUTCOME_EVENTS.index("churn"), OUTCOME_EVENTS.index("downsell")
