"""Synthetic key-account portfolios: realistic, reproducible and fast to generate.

Every table of the data model (docs/data-model.md) is drawn from one latent *health* per
account and month: a mean-reverting random walk, with a decline of a few months for about a
fifth of the accounts. Health drives the activity the tables record (interaction volume,
client reactivity, co-construction, inbound share, NPS, irritants, critical tickets, win
rates), and most declines end 3-6 months after they start in an ``outcomes`` event (churn,
downsell, renewal_lost); a few healthy accounts get one too, as noise. After a churn an
account records nothing more. So the early-warning features (engagement slowdown,
irritants, NPS drift, open critical tickets) carry a real but imperfect signal: the
catalogue's model reaches a hold-out ROC AUC of about 0.7 on a few hundred accounts or more.

Generation is vectorised with numpy: the only Python loop runs over the months.

Examples
--------
>>> tables = generate_tables(n_accounts=5, months=6, seed=1)
>>> sorted(tables)[:3]
['accounts', 'actions', 'assessments']
>>> tables["accounts"]["account_id"].iloc[0]
'A0001'
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from acctkit.data.schema import (
    ACTION_STATUSES,
    CHANNELS,
    CRITERIA,
    DIRECTIONS,
    FEEDBACK_KINDS,
    KINDS,
    LEVELS,
    OUTCOME_EVENTS,
    ROLES,
    SEVERITIES,
    STAGES,
)
from acctkit.errors import OutputError
from acctkit.outputs import atomic_path

if TYPE_CHECKING:
    from acctkit.data.portfolio import Portfolio

__all__ = ["FORECAST_HORIZON_DAYS", "demo_portfolio", "generate_tables", "write_tables"]

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

_NEVER = np.iinfo(np.int64).max // 2  # a day index later than any date

# Codes into the schema's enums, named where the generator treats a value specially.
_DIRECTOR = LEVELS.index("director")  # sponsors are directors or c_level (the next level)
_SPONSOR = ROLES.index("sponsor")
_ROLE_SHARE = (0.0, 0.10, 0.25, 0.35, 0.30)  # by ROLES; the sponsor is picked apart
_KEY_SHARE_BY_LEVEL = np.array([0.2, 0.35, 0.6, 0.75])
_RISK_CRITERIA = np.array([criterion.endswith("_risk") for criterion in CRITERIA])
_INBOUND, _OUTBOUND = DIRECTIONS.index("inbound"), DIRECTIONS.index("outbound")
_RENEWAL = KINDS.index("renewal")
_NEGOTIATION = STAGES.index("negotiation")  # the last open stage; open stages come first
_WON, _LOST = STAGES.index("closed_won"), STAGES.index("closed_lost")
_PLANNED, _IN_PROGRESS, _DONE, _CANCELLED = (
    ACTION_STATUSES.index(status) for status in ("planned", "in_progress", "done", "cancelled")
)
_HIGH, _CRITICAL = SEVERITIES.index("high"), SEVERITIES.index("critical")
_CHURN, _DOWNSELL = OUTCOME_EVENTS.index("churn"), OUTCOME_EVENTS.index("downsell")


@dataclass(frozen=True)
class _Calendar:
    """The months of the window: first day and length of each (days since 1970-01-01)."""

    start: np.ndarray
    days: np.ndarray
    end: int

    @property
    def months(self) -> int:
        return self.start.size

    def month_of(self, day: np.ndarray) -> np.ndarray:
        """Index of the month holding each day, clipped to the window."""
        month = np.searchsorted(self.start, day, side="right") - 1
        return np.clip(month, 0, self.months - 1)


@dataclass(frozen=True)
class _Profile:
    """Static traits of the accounts."""

    tier: np.ndarray
    region: np.ndarray
    owner: np.ndarray
    revenue: np.ndarray
    activity: np.ndarray


@dataclass(frozen=True)
class _Latent:
    """The hidden state that drives every table."""

    health: np.ndarray
    decline_day: np.ndarray
    cutoff: np.ndarray
    outcomes: pd.DataFrame


@dataclass(frozen=True)
class _StagePath:
    """The planned stage path of each deal (stage codes index ``STAGES``; days as ints)."""

    entry: np.ndarray
    top: np.ndarray
    closing_stage: np.ndarray
    created: np.ndarray
    planned_close: np.ndarray
    close_day: np.ndarray
    closed: np.ndarray


@dataclass(frozen=True)
class _Contacts:
    """Where each account's contacts sit in the contacts table, and when they left."""

    first: np.ndarray
    count: np.ndarray
    sponsor: np.ndarray
    left: np.ndarray
    ids: pd.Series


def generate_tables(
    n_accounts: int = 60,
    months: int = 24,
    end: str | date = "2026-10-31",
    seed: int = 0,
) -> dict[str, pd.DataFrame]:
    """Generate a synthetic portfolio, one DataFrame per table of the data model.

    Parameters
    ----------
    n_accounts : int
        Number of accounts.
    months : int
        Length of the history in calendar months; the last month ends at `end`.
    end : str or date
        Last day of the history: no recorded fact is dated after it. Forecast dates
        (``expected_close_on`` of open opportunities, ``due_on`` of actions not done yet)
        may lie up to ``FORECAST_HORIZON_DAYS`` after it.
    seed : int
        Seed of ``numpy.random.default_rng``; the same arguments give identical tables.

    Returns
    -------
    dict of str to DataFrame
        accounts, assessments, contacts, interactions, opportunities, stage_history,
        actions, nps_responses, tickets, feedback and outcomes, with the data model's column
        names; ids are strings, dates ``datetime64[ns]`` (no time), flags ``bool``.

    Examples
    --------
    >>> tables = generate_tables(n_accounts=3, months=3, end="2026-03-31")
    >>> str(tables["interactions"]["occurred_on"].max().date()) <= "2026-03-31"
    True
    """
    if n_accounts < 1 or months < 1:
        raise ValueError("n_accounts and months must be at least 1")
    rng = np.random.default_rng(seed)
    calendar = _calendar(end, months)
    account_ids = _account_ids(n_accounts)
    profile = _profile(rng, n_accounts)
    latent = _latent(rng, calendar, n_accounts)
    contacts, contact_state = _contacts(rng, calendar, latent, profile, account_ids)
    opportunities, stage_history = _opportunities(rng, calendar, latent, profile, account_ids)
    return {
        "accounts": _accounts(rng, profile, account_ids),
        "assessments": _assessments(rng, calendar, latent, account_ids),
        "contacts": contacts,
        "interactions": _interactions(rng, calendar, latent, profile, contact_state, account_ids),
        "opportunities": opportunities,
        "stage_history": stage_history,
        "actions": _actions(rng, calendar, latent, profile, account_ids),
        "nps_responses": _nps_responses(rng, calendar, latent, contact_state, account_ids),
        "tickets": _tickets(rng, calendar, latent, profile, account_ids),
        "feedback": _feedback(rng, calendar, latent, profile, account_ids),
        "outcomes": _outcomes(latent, account_ids),
    }


def write_tables(tables: dict[str, pd.DataFrame], folder: str | os.PathLike) -> list[Path]:
    """Write one UTF-8 CSV per table into `folder` (created if needed), atomically.

    Dates are written ``YYYY-MM-DD``, flags ``true`` / ``false``, blanks as empty fields.
    Each file is written to a temporary file beside it and renamed, so a reader never sees
    a half-written table. The same tables always give byte-identical files.

    Parameters
    ----------
    tables : dict of str to DataFrame
        Tables by name, as returned by :func:`generate_tables`.
    folder : str or path-like
        Destination folder.

    Returns
    -------
    list of Path
        The files written, in the order of `tables`.

    Raises
    ------
    OutputError
        When the folder or a file cannot be written; a file already there is left as it was.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder '{folder}': {exc.strerror}") from None
    return [_write_csv(_csv_ready(frame), folder / f"{name}.csv") for name, frame in tables.items()]


DEMO_SIZE = {"n_accounts": 120, "months": 36, "end": "2026-10-31", "seed": 7}
"""The demo portfolio's size: large enough for the early-warning model to learn from
(about 50 positive hold-out snapshots), small enough to report on in a minute."""


def demo_portfolio(
    n_accounts: int = DEMO_SIZE["n_accounts"],
    months: int = DEMO_SIZE["months"],
    end: str | date = DEMO_SIZE["end"],
    seed: int = DEMO_SIZE["seed"],
) -> Portfolio:
    """A validated synthetic :class:`~acctkit.data.portfolio.Portfolio` to try acctkit on.

    The same portfolio ``acctkit demo`` writes to ``data/demo/``.

    Parameters
    ----------
    n_accounts, months, end, seed
        As in :func:`generate_tables`.

    Returns
    -------
    Portfolio
    """
    from acctkit.data import from_frames

    tables = generate_tables(n_accounts=n_accounts, months=months, end=end, seed=seed)
    return from_frames(tables, source=f"demo portfolio ({n_accounts} accounts, seed {seed})")


# -- time and randomness --------------------------------------------------------------------


def _calendar(end: str | date, months: int) -> _Calendar:
    last = np.datetime64(pd.Timestamp(end).date(), "D")
    starts = last.astype("datetime64[M]") - np.arange(months - 1, -1, -1)
    start = starts.astype("datetime64[D]").astype(np.int64)
    stop = np.append(start[1:] - 1, last.astype(np.int64))
    return _Calendar(start=start, days=stop - start + 1, end=int(last.astype(np.int64)))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _choice(rng: np.random.Generator, shares, size: int) -> np.ndarray:
    """Codes drawn with the given shares (one categorical draw per row)."""
    cumulative = np.cumsum(shares) / np.sum(shares)
    return np.minimum(np.searchsorted(cumulative, rng.random(size), side="right"), len(shares) - 1)


def _choice_by_row(rng: np.random.Generator, shares: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a (rows, options) matrix of shares."""
    cumulative = np.cumsum(shares, axis=1) / shares.sum(axis=1, keepdims=True)
    draws = (rng.random((shares.shape[0], 1)) >= cumulative).sum(axis=1)
    return np.minimum(draws, shares.shape[1] - 1)


def _within(rng: np.random.Generator, first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """A uniform index in ``[first, first + count)`` per row."""
    return first + (rng.random(first.size) * count).astype(np.int64)


def _events(
    rng: np.random.Generator, calendar: _Calendar, rates: np.ndarray, last_day: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Poisson events per account and month, each on a uniform day of its month.

    Returns the account, month and day of every event on or before the account's
    `last_day`, sorted by account then day.
    """
    counts = rng.poisson(rates)
    account, month = np.divmod(np.repeat(np.arange(counts.size), counts.ravel()), calendar.months)
    day = calendar.start[month] + (rng.random(account.size) * calendar.days[month]).astype(np.int64)
    keep = day <= last_day[account]
    account, month, day = account[keep], month[keep], day[keep]
    order = np.lexsort((day, account))
    return account[order], month[order], day[order]


# -- column builders ------------------------------------------------------------------------


def _ids(prefix: str, n: int, width: int) -> pd.Series:
    digits = pd.Series(np.arange(1, n + 1)).astype("str").str.zfill(max(width, len(str(n))))
    return prefix + digits


def _account_ids(n: int) -> pd.Series:
    """``A0001``-style ids; every 25th account has a bare zero-padded number (``0007``)."""
    ids = _ids("A", n, 4)
    bare = (np.arange(1, n + 1) % 25) == 7
    return ids.where(~bare, ids.str.slice(1))


def _labels(options, codes: np.ndarray) -> pd.Series:
    """Strings from codes into `options`; a negative code is a blank."""
    values = pd.array(list(options), dtype="str")
    return pd.Series(values.take(codes, allow_fill=True))


def _take(values: pd.Series, index: np.ndarray) -> pd.Series:
    """Rows of `values` by position; a negative position is a blank."""
    return pd.Series(values.array.take(index, allow_fill=True))


def _dates(days: np.ndarray, blank: np.ndarray | None = None) -> pd.Series:
    dates = days.astype("datetime64[D]").astype("datetime64[ns]")
    if blank is not None:
        dates[blank] = np.datetime64("NaT")
    return pd.Series(dates)


# -- latent state ---------------------------------------------------------------------------


def _profile(rng: np.random.Generator, n: int) -> _Profile:
    tier = _choice(rng, _TIER_SHARE, n)
    region = _choice(rng, _REGION_SHARE, n)
    owner_slot = rng.integers(0, _OWNER_BY_REGION.shape[1], n)
    revenue = np.round(_TIER_REVENUE[tier] * rng.lognormal(0.0, 0.6, n), -3)
    activity = _TIER_ACTIVITY[tier] * rng.lognormal(0.0, 0.3, n)
    return _Profile(tier, region, _OWNER_BY_REGION[region, owner_slot], revenue, activity)


def _latent(rng: np.random.Generator, calendar: _Calendar, n: int) -> _Latent:
    """Health per account and month, declines, and the outcomes they lead to.

    Health is a mean-reverting random walk around each account's baseline. About a fifth
    of the accounts decline at some month: health falls over a few months and, for most,
    an outcome follows 2.5-6.5 months after the decline starts, around its bottom; the
    account may recover a few months later. A few other accounts get an outcome out of the
    blue (noise), and about a third of downsells turn into a churn months later.
    """
    months = calendar.months
    baseline = rng.normal(0.3, 0.45, n)
    shocks = rng.normal(0.0, 0.2, (n, months))
    health = np.empty((n, months))
    level = baseline + rng.normal(0.0, 0.3, n)
    for month in range(months):
        level = baseline + 0.8 * (level - baseline) + shocks[:, month]
        health[:, month] = level

    declining = rng.random(n) < 0.22
    start = rng.integers(1, max(months, 2), n).clip(max=months - 1)
    start_day = calendar.start[start] + (rng.random(n) * calendar.days[start]).astype(np.int64)
    decline_day = np.where(declining, start_day, _NEVER)
    amplitude = rng.uniform(1.3, 2.4, n)
    leads_to_outcome = declining & (rng.random(n) < 0.85)
    lag = rng.integers(80, 196, n)
    outcome_day = decline_day + lag
    first_event = _choice(rng, _EVENT_SHARE, n)
    then_churn = leads_to_outcome & (first_event == _DOWNSELL) & (rng.random(n) < 0.3)
    churn_day = outcome_day + rng.integers(45, 150, n)
    last_event_day = np.where(then_churn, churn_day, outcome_day)
    ramp = np.where(
        leads_to_outcome,
        np.maximum(np.round(lag / 30.4).astype(np.int64) + rng.integers(-1, 1, n), 1),
        rng.integers(2, 6, n),
    )
    hold = np.where(
        leads_to_outcome,
        calendar.month_of(last_event_day) + rng.integers(0, 4, n),
        start + ramp + rng.integers(1, 8, n),
    )
    recovery = rng.integers(2, 6, n)
    grid = np.arange(months)
    down = np.clip((grid - start[:, None] + 1) / ramp[:, None], 0.0, 1.0)
    up = np.clip((grid - hold[:, None]) / recovery[:, None], 0.0, 1.0)
    health -= (declining * amplitude)[:, None] * down * (1.0 - up)

    noisy = ~leads_to_outcome & (rng.random(n) < 0.02 * months / 24)
    noise_day = calendar.start[0] + (rng.random(n) * calendar.days.sum()).astype(np.int64)
    index = np.arange(n)
    events = pd.DataFrame(
        {
            "account": np.concatenate([index[leads_to_outcome], index[noisy], index[then_churn]]),
            "day": np.concatenate(
                [outcome_day[leads_to_outcome], noise_day[noisy], churn_day[then_churn]]
            ),
            "event": np.concatenate(
                [
                    first_event[leads_to_outcome],
                    first_event[noisy],
                    np.full(then_churn.sum(), _CHURN),
                ]
            ),
        }
    )
    return _Latent(health, decline_day, *_observed_outcomes(events, calendar, n))


def _observed_outcomes(
    events: pd.DataFrame, calendar: _Calendar, n: int
) -> tuple[np.ndarray, pd.DataFrame]:
    """Each account's last day of activity (its churn, else `end`) and the events seen by then."""
    events = events[events["day"] <= calendar.end].sort_values(["account", "day"])
    churns = events[events["event"] == _CHURN].groupby("account")["day"].min()
    cutoff = np.full(n, calendar.end, dtype=np.int64)
    cutoff[churns.index.to_numpy()] = churns.to_numpy()
    events = events[events["day"] <= cutoff[events["account"].to_numpy()]]
    return cutoff, events.reset_index(drop=True)


# -- tables ---------------------------------------------------------------------------------


def _accounts(rng: np.random.Generator, profile: _Profile, account_ids: pd.Series) -> pd.DataFrame:
    n = account_ids.size
    revenue = profile.revenue
    budget = revenue / rng.beta(2.5, 3.5, n)
    underestimated = rng.random(n) < 0.05
    budget = np.round(np.where(underestimated, revenue * rng.uniform(0.8, 1.0, n), budget), -3)
    return pd.DataFrame(
        {
            "account_id": account_ids,
            "name": _company_names(rng, profile.region),
            "industry": _labels(_INDUSTRIES, rng.integers(0, len(_INDUSTRIES), n)),
            "tier": _labels(_TIERS, profile.tier),
            "owner": _labels(_ALL_OWNERS, profile.owner),
            "region": _labels(_REGIONS, profile.region),
            "annual_revenue": revenue,
            "estimated_budget": budget,
            "tam": np.round(budget * rng.uniform(1.2, 4.0, n), -3),
            "gross_margin_pct": np.round(np.clip(rng.normal(33.0, 11.0, n), 10.0, 60.0), 1),
            "cost_to_serve": np.round(revenue * rng.uniform(0.03, 0.18, n), -2),
        }
    )


def _company_names(rng: np.random.Generator, region: np.ndarray) -> pd.Series:
    """Plausible, mostly distinct names; a repeated name gets a city in brackets."""
    n = region.size
    language = _choice_by_row(rng, _LANGUAGE_BY_REGION[region])
    root = _grouped_pick(rng, _NAME_ROOTS, language)
    second_root = _grouped_pick(rng, _NAME_ROOTS, language)
    word = _grouped_pick(rng, _NAME_WORDS, language)
    legal = _grouped_pick(rng, _NAME_LEGAL, language)
    hyphenated = (rng.random(n) < 0.35) & (second_root != root)
    stem = root.where(~hyphenated, root + "-" + second_root)
    plain = stem + " " + word + " " + legal
    formal = (
        _labels(_FORMAL_HEADS, rng.integers(0, len(_FORMAL_HEADS), n))
        + " "
        + _labels(_FORMAL_NOUNS, rng.integers(0, len(_FORMAL_NOUNS), n))
    )
    names = plain.where(~((language == _FRENCH) & (rng.random(n) < 0.25)), formal)
    repeat = names.groupby(names).cumcount().to_numpy()
    cities, first, count = _flatten(_CITIES)
    city = _labels(cities, first[language] + (repeat - 1) % count[language])
    return names.where(repeat == 0, names + " (" + city + ")")


def _grouped_pick(rng: np.random.Generator, groups, group: np.ndarray) -> pd.Series:
    """One uniform pick per row from the option list of that row's group."""
    options, first, count = _flatten(groups)
    return _labels(options, _within(rng, first[group], count[group]))


def _flatten(groups) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Every option of every group in one list, with each group's first position and size."""
    count = np.array([len(options) for options in groups])
    return [option for options in groups for option in options], np.cumsum(count) - count, count


def _assessments(
    rng: np.random.Generator, calendar: _Calendar, latent: _Latent, account_ids: pd.Series
) -> pd.DataFrame:
    """A first scoring grid early on; about half the accounts are re-assessed every few months."""
    n = account_ids.size
    first_day = calendar.start[0] + rng.integers(0, min(90, calendar.days.sum()), n)
    interval = rng.integers(90, 200, n)
    reassessed = rng.random(n) < 0.5
    rounds = np.where(reassessed, 1 + (latent.cutoff - first_day) // interval, 1)
    rounds = np.where((latent.cutoff >= first_day) & (rng.random(n) < 0.95), rounds, 0)
    account = np.repeat(np.arange(n), rounds)
    round_no = np.arange(account.size) - np.repeat(np.cumsum(rounds) - rounds, rounds)
    day = first_day[account] + round_no * interval[account]

    n_criteria = len(CRITERIA)
    account = np.repeat(account, n_criteria)
    day = np.repeat(day, n_criteria)
    criterion = np.tile(np.arange(n_criteria), round_no.size)
    base = np.clip(np.round(rng.normal(3.1, 1.0, (n, n_criteria))), 1, 5)
    revised = (np.repeat(round_no, n_criteria) > 0) & (rng.random(account.size) < 0.25)
    change = revised * rng.choice([-1, 1], account.size)
    struggling = latent.health[account, calendar.month_of(day)] < -0.8
    risk_up = struggling & _RISK_CRITERIA[criterion]
    score = np.clip(base[account, criterion] + change + risk_up, 1, 5).astype(np.int64)
    keep = rng.random(account.size) < 0.93
    commented = rng.random(account.size) < 0.08
    comment = np.where(commented, rng.integers(0, len(_ASSESSMENT_COMMENTS), account.size), -1)
    return pd.DataFrame(
        {
            "account_id": _take(account_ids, account[keep]),
            "assessed_on": _dates(day[keep]),
            "criterion": _labels(CRITERIA, criterion[keep]),
            "score": score[keep],
            "comment": _labels(_ASSESSMENT_COMMENTS, comment[keep]),
        }
    )


def _contacts(
    rng: np.random.Generator,
    calendar: _Calendar,
    latent: _Latent,
    profile: _Profile,
    account_ids: pd.Series,
) -> tuple[pd.DataFrame, _Contacts]:
    n = account_ids.size
    bounds = _TIER_CONTACTS[profile.tier]
    count = rng.integers(bounds[:, 0], bounds[:, 1])
    first = np.cumsum(count) - count
    total = int(count.sum())
    account = np.repeat(np.arange(n), count)
    has_sponsor = rng.random(n) < 0.85
    sponsor = np.where(has_sponsor, _within(rng, first, count), -1)
    is_sponsor = np.zeros(total, dtype=bool)
    is_sponsor[sponsor[has_sponsor]] = True

    level = _choice(rng, _LEVEL_SHARE, total)
    level = np.where(is_sponsor, _DIRECTOR + (rng.random(total) < 0.6), level)
    role = np.where(is_sponsor, _SPONSOR, _choice(rng, _ROLE_SHARE, total))
    is_key = is_sponsor | (rng.random(total) < _KEY_SHARE_BY_LEVEL[level])
    influence = np.clip(level + 1 + rng.integers(-1, 2, total), 1, 5)
    influence_known = rng.random(total) < 0.75

    unit = rng.integers(0, len(_BUSINESS_UNITS), total)
    unit = np.where(rng.random(total) < 0.05, -1, unit)
    left = _departures(rng, calendar, latent, account, is_sponsor)
    contacts = pd.DataFrame(
        {
            "contact_id": _ids("C", total, 6),
            "account_id": _take(account_ids, account),
            "name": _labels(_FIRST_NAMES, rng.integers(0, len(_FIRST_NAMES), total))
            + " "
            + _labels(_LAST_NAMES, rng.integers(0, len(_LAST_NAMES), total)),
            "title": _titles(level, unit),
            "business_unit": _labels(_BUSINESS_UNITS, unit),
            "level": _labels(LEVELS, level),
            "role": _labels(ROLES, role),
            "is_key": is_key,
            "influence": pd.Series(influence, dtype="Int64").where(influence_known),
            "left_on": _dates(np.minimum(left, calendar.end), blank=left == _NEVER),
        }
    )
    state = _Contacts(first, count, sponsor, left, contacts["contact_id"])
    return contacts, state


def _departures(
    rng: np.random.Generator,
    calendar: _Calendar,
    latent: _Latent,
    account: np.ndarray,
    is_sponsor: np.ndarray,
) -> np.ndarray:
    """Day each contact left (``_NEVER``: still there); sponsors often leave as a decline starts."""
    total = account.size
    span = calendar.days.sum()
    random_day = calendar.start[0] + (rng.random(total) * span).astype(np.int64)
    left = np.where(rng.random(total) < 0.07, random_day, _NEVER)
    decline_day = latent.decline_day[account]
    sponsor_leaves = is_sponsor & (decline_day < _NEVER) & (rng.random(total) < 0.35)
    left = np.where(sponsor_leaves, decline_day + rng.integers(-20, 10, total), left)
    left = np.clip(left, calendar.start[0] + 1, _NEVER)
    return np.where(left <= latent.cutoff[account], left, _NEVER)


def _titles(level: np.ndarray, unit: np.ndarray) -> pd.Series:
    units = pd.Series(_BUSINESS_UNITS)
    table = pd.concat(
        [
            units + " analyst",
            units + " manager",
            units + " director",
            pd.Series(_C_LEVEL_TITLES),
            pd.Series(["Consultant", "Project manager", "Head of department", "CEO"]),
        ],
        ignore_index=True,
    ).astype("str")
    n_units = len(_BUSINESS_UNITS)
    code = np.where(unit >= 0, level * n_units + unit, 4 * n_units + level)
    return _take(table, code)


def _active_contact(
    rng: np.random.Generator,
    contacts: _Contacts,
    account: np.ndarray,
    day: np.ndarray,
    sponsor_share: np.ndarray | float,
) -> np.ndarray:
    """A contact of each row's account still there on that day (the sponsor with
    `sponsor_share`, else a uniform pick, drawn twice); -1 when none was found."""
    first, count = contacts.first[account], contacts.count[account]
    sponsor = contacts.sponsor[account]
    pick = _within(rng, first, count)
    pick = np.where((sponsor >= 0) & (rng.random(account.size) < sponsor_share), sponsor, pick)
    pick = np.where(contacts.left[pick] <= day, _within(rng, first, count), pick)
    return np.where(contacts.left[pick] <= day, -1, pick)


def _interactions(
    rng: np.random.Generator,
    calendar: _Calendar,
    latent: _Latent,
    profile: _Profile,
    contacts: _Contacts,
    account_ids: pd.Series,
) -> pd.DataFrame:
    """Fewer, slower, less client-driven exchanges as health falls."""
    rates = 6.0 * profile.activity[:, None] * np.exp(0.7 * latent.health)
    account, month, day = _events(rng, calendar, rates, latent.cutoff)
    health = latent.health[account, month]
    size = account.size
    contact = _active_contact(rng, contacts, account, day, 0.25 * _sigmoid(1.5 * health))
    contact = np.where(rng.random(size) < 0.08, -1, contact)
    inbound = rng.random(size) < _sigmoid(-0.4 + 0.7 * health)
    direction = np.where(inbound, _INBOUND, _OUTBOUND)
    direction = np.where(rng.random(size) < 0.05, -1, direction)
    answered = (direction == _OUTBOUND) & (rng.random(size) < 0.8)
    hours = np.round(rng.lognormal(np.log(10.0) - 0.6 * health, 0.8), 1)
    return pd.DataFrame(
        {
            "interaction_id": _ids("I", size, 7),
            "account_id": _take(account_ids, account),
            "contact_id": _take(contacts.ids, contact),
            "occurred_on": _dates(day),
            "channel": _labels(CHANNELS, _choice(rng, _CHANNEL_SHARE, size)),
            "direction": _labels(DIRECTIONS, direction),
            "response_hours": np.where(answered, hours, np.nan),
            "co_construction": rng.random(size) < _sigmoid(-1.6 + 0.9 * health),
            "introduction": rng.random(size) < _sigmoid(-2.6 + 0.9 * health),
        }
    )


def _opportunities(
    rng: np.random.Generator,
    calendar: _Calendar,
    latent: _Latent,
    profile: _Profile,
    account_ids: pd.Series,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Deals and their stage changes; wins get rarer as health falls.

    Each deal follows a planned path (entry stage ... negotiation, then closed) spread over
    its duration. The changes dated up to its close (or up to `end` for an open deal) form
    its stage history, and the last of them is its recorded stage. Deals still open when
    an account churns are lost on the churn day.
    """
    churned = latent.cutoff < calendar.end
    rates = 0.22 * profile.activity[:, None] * np.exp(0.3 * latent.health)
    account, _, created = _events(rng, calendar, rates, latent.cutoff - churned)
    size = account.size
    kind = _choice(rng, _KIND_SHARE, size)
    renewal = kind == _RENEWAL
    median, sigma = _KIND_AMOUNT[kind, 0], _KIND_AMOUNT[kind, 1]
    amount = profile.revenue[account] * rng.lognormal(np.log(median), sigma)
    (low, high), (renewal_low, renewal_high) = _SALES_CYCLE_DAYS
    cycle = np.where(
        renewal,
        rng.integers(renewal_low, renewal_high + 1, size),
        rng.integers(low, high + 1, size),
    )
    late = np.round(rng.exponential(40.0, size)).astype(np.int64)
    slip = np.where(rng.random(size) < 0.5, rng.integers(-7, 1, size), late)
    planned_close = created + np.maximum(cycle + slip, 14)
    entry_shares = np.array([[0.65, 0.3, 0.05, 0.0], [0.2, 0.3, 0.4, 0.1]])[renewal.astype(int)]
    entry = _choice_by_row(rng, entry_shares)

    cutoff = latent.cutoff[account]
    lost_on_churn = churned[account] & (planned_close > cutoff)
    closed = (planned_close <= cutoff) | lost_on_churn
    close_day = np.where(lost_on_churn, cutoff, planned_close)
    close_health = latent.health[account, calendar.month_of(close_day)]
    win_chance = _sigmoid(0.2 + 1.1 * close_health + 0.9 * renewal)
    won = ~lost_on_churn & (rng.random(size) < win_chance)
    lost_stage = rng.integers(entry, _NEGOTIATION + 1)
    top = np.where(closed & ~won & ~lost_on_churn, lost_stage, _NEGOTIATION)
    closing_stage = np.where(won, _WON, _LOST)
    path = _StagePath(entry, top, closing_stage, created, planned_close, close_day, closed)
    stage, changed, kept = _stage_changes(rng, calendar, path)
    last = stage.shape[1] - 1 - np.argmax(kept[:, ::-1], axis=1)
    final = stage[np.arange(size), last]

    noise = rng.choice([-5, 0, 0, 5, 10], size)
    probability = np.clip(_STAGE_PROBABILITY[final] + np.where(closed, 0, noise), 0, 100)
    probability = np.where(rng.random(size) < np.where(closed, 0.6, 0.4), np.nan, probability)
    product = _labels(_PRODUCTS, rng.integers(0, len(_PRODUCTS), size))
    year = pd.Series(created.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64))
    unit = np.where(rng.random(size) < 0.1, -1, rng.integers(0, len(_BUSINESS_UNITS), size))
    ids = _ids("O", size, 6)
    opportunities = pd.DataFrame(
        {
            "opportunity_id": ids,
            "account_id": _take(account_ids, account),
            "name": product + " " + _labels(_KIND_SUFFIX, kind) + " " + (year + 1970).astype("str"),
            "product": product,
            "business_unit": _labels(_BUSINESS_UNITS, unit),
            "kind": _labels(KINDS, kind),
            "amount": np.maximum(np.round(amount, -2), 500.0),
            "stage": _labels(STAGES, final),
            "probability": probability,
            "created_on": _dates(created),
            "expected_close_on": _dates(created + cycle),
            "closed_on": _dates(close_day, blank=~closed),
        }
    )
    recorded = kept & (rng.random(size) < 0.9)[:, None]
    stage_history = pd.DataFrame(
        {
            "opportunity_id": _take(ids, np.nonzero(recorded)[0]),
            "changed_on": _dates(changed[recorded]),
            "stage": _labels(STAGES, stage[recorded]),
        }
    )
    return opportunities, stage_history


def _stage_changes(
    rng: np.random.Generator, calendar: _Calendar, path: _StagePath
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stage, day and kept-flag of up to five stage changes per deal, one deal per row.

    Column j < n (n = top - entry + 1) holds stage ``entry + j``, column n the closing
    stage. The changes are spread over the planned duration with random gaps, at least one
    day apart as a deal lasts >= 14 days. A change is kept when dated before the close and
    not after the end of the window; the closing one when the deal is closed.
    """
    column = np.arange(5)
    n_open_stages = (path.top - path.entry + 1)[:, None]
    draws = rng.uniform(0.5, 1.5, (path.entry.size, 5))
    gaps = np.where((column > 0) & (column <= n_open_stages), draws, 0.0)
    position = np.cumsum(gaps, axis=1) / gaps.sum(axis=1, keepdims=True)
    duration = (path.planned_close - path.created)[:, None]
    changed = path.created[:, None] + np.floor(position * duration).astype(np.int64)
    regular, closing = column < n_open_stages, column == n_open_stages
    changed = np.where(closing, path.close_day[:, None], changed)
    stage = np.where(regular, path.entry[:, None] + column, path.closing_stage[:, None])
    in_time = (changed < path.close_day[:, None]) & (changed <= calendar.end)
    kept = (regular & in_time) | (closing & path.closed[:, None])
    return stage, changed, kept


def _actions(
    rng: np.random.Generator,
    calendar: _Calendar,
    latent: _Latent,
    profile: _Profile,
    account_ids: pd.Series,
) -> pd.DataFrame:
    """Account-plan actions, decided each month and due within the next three months."""
    rates = 0.6 * profile.activity[:, None] * np.ones(calendar.months)
    account, month, decided = _events(rng, calendar, rates, latent.cutoff)
    due = decided + rng.integers(0, _ACTION_LEAD_DAYS + 1, account.size)
    churned = latent.cutoff < calendar.end
    plan_limit = np.where(churned, latent.cutoff, calendar.end + _ACTION_LEAD_DAYS)
    keep = due <= plan_limit[account]
    account, month, decided, due = account[keep], month[keep], decided[keep], due[keep]
    order = np.lexsort((due, account))
    account, month, decided, due = account[order], month[order], decided[order], due[order]
    size = account.size

    health = latent.health[account, month]
    done_day = np.maximum(due + np.round(rng.normal(-4.0, 10.0, size)).astype(np.int64), decided)
    done = (rng.random(size) < _sigmoid(1.0 + 0.8 * health)) & (done_day <= latent.cutoff[account])
    stale = due < latent.cutoff[account] - 60  # old undone actions are mostly dropped
    cancelled = ~done & (rng.random(size) < np.where(stale, 0.7, 0.1))
    in_progress = ~done & ~cancelled & (rng.random(size) < 0.35)
    status = np.select([done, cancelled, in_progress], [_DONE, _CANCELLED, _IN_PROGRESS], _PLANNED)
    other_owner = rng.integers(0, len(_ALL_OWNERS), size)
    owner = np.where(rng.random(size) < 0.85, profile.owner[account], other_owner)
    return pd.DataFrame(
        {
            "action_id": _ids("PA", size, 6),
            "account_id": _take(account_ids, account),
            "title": _labels(_ACTION_TITLES, rng.integers(0, len(_ACTION_TITLES), size)),
            "owner": _labels(_ALL_OWNERS, owner),
            "due_on": _dates(due),
            "done_on": _dates(done_day, blank=~done),
            "status": _labels(ACTION_STATUSES, status),
        }
    )


def _nps_responses(
    rng: np.random.Generator,
    calendar: _Calendar,
    latent: _Latent,
    contacts: _Contacts,
    account_ids: pd.Series,
) -> pd.DataFrame:
    """About two answers per account and half-year; scores fall with health."""
    rates = np.full(latent.health.shape, 0.4)
    account, month, day = _events(rng, calendar, rates, latent.cutoff)
    size = account.size
    health = latent.health[account, month]
    score = np.clip(np.round(rng.normal(7.7 + 1.6 * health, 1.5)), 0, 10).astype(np.int64)
    contact = _active_contact(rng, contacts, account, day, 0.1)
    contact = np.where(rng.random(size) < 0.15, -1, contact)
    return pd.DataFrame(
        {
            "response_id": _ids("R", size, 6),
            "account_id": _take(account_ids, account),
            "contact_id": _take(contacts.ids, contact),
            "responded_on": _dates(day),
            "score": score,
        }
    )


def _tickets(
    rng: np.random.Generator,
    calendar: _Calendar,
    latent: _Latent,
    profile: _Profile,
    account_ids: pd.Series,
) -> pd.DataFrame:
    """Support tickets: more of them, more critical and slower to close as health falls."""
    rates = 0.45 * profile.activity[:, None] * np.exp(-0.35 * latent.health)
    account, month, day = _events(rng, calendar, rates, latent.cutoff)
    size = account.size
    health = latent.health[account, month]
    critical = rng.random(size) < _sigmoid(-3.4 - 1.5 * health)
    severity = np.where(critical, _CRITICAL, _choice(rng, _SEVERITY_SHARE, size))
    typical_days = np.log(_RESOLUTION_DAYS[severity]) - 1.0 * health
    closed = day + np.round(rng.lognormal(typical_days, 1.0)).astype(np.int64)
    never = (severity < _HIGH) & (rng.random(size) < 0.04)
    return pd.DataFrame(
        {
            "ticket_id": _ids("T", size, 6),
            "account_id": _take(account_ids, account),
            "opened_on": _dates(day),
            "closed_on": _dates(closed, blank=never | (closed > latent.cutoff[account])),
            "severity": _labels(SEVERITIES, severity),
            "category": _labels(_TICKET_CATEGORIES, rng.integers(0, len(_TICKET_CATEGORIES), size)),
        }
    )


def _feedback(
    rng: np.random.Generator,
    calendar: _Calendar,
    latent: _Latent,
    profile: _Profile,
    account_ids: pd.Series,
) -> pd.DataFrame:
    """Irritants rise and praise fades as health falls; requests stay steady."""
    activity = profile.activity[:, None]
    by_kind = np.stack(  # rates in FEEDBACK_KINDS order: irritant, praise, request
        [
            0.12 * np.sqrt(activity) * np.exp(-1.3 * latent.health),
            0.08 * activity * np.exp(0.6 * latent.health),
            0.08 * activity * np.ones_like(latent.health),
        ],
        axis=-1,
    )
    account, month, day = _events(rng, calendar, by_kind.sum(axis=-1), latent.cutoff)
    size = account.size
    kind = _choice_by_row(rng, by_kind[account, month])
    text = _grouped_pick(rng, _FEEDBACK_TEXTS, kind)
    return pd.DataFrame(
        {
            "feedback_id": _ids("F", size, 6),
            "account_id": _take(account_ids, account),
            "recorded_on": _dates(day),
            "kind": _labels(FEEDBACK_KINDS, kind),
            "text": text.where(rng.random(size) >= 0.1),
        }
    )


def _outcomes(latent: _Latent, account_ids: pd.Series) -> pd.DataFrame:
    outcomes = latent.outcomes
    return pd.DataFrame(
        {
            "account_id": _take(account_ids, outcomes["account"].to_numpy()),
            "occurred_on": _dates(outcomes["day"].to_numpy()),
            "event": _labels(OUTCOME_EVENTS, outcomes["event"].to_numpy()),
        }
    )


# -- files ----------------------------------------------------------------------------------


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """Flags as ``true`` / ``false`` (pandas would write ``True`` / ``False``)."""
    flags = frame.select_dtypes(include="bool").columns
    return frame.assign(**{column: np.where(frame[column], "true", "false") for column in flags})


def _write_csv(frame: pd.DataFrame, path: Path) -> Path:
    with atomic_path(path) as temporary:
        frame.to_csv(
            temporary, index=False, encoding="utf-8", date_format="%Y-%m-%d", lineterminator="\n"
        )
    return path
