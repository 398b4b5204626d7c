"""Synthetic key-account portfolios: realistic, reproducible and fast to generate.

Every table of the data model (docs/data-model.md) is drawn from one latent *health* per
account and month: a mean-reverting random walk, with a decline of a few months for about a
quarter of the accounts. Health drives the activity the tables record (interaction volume,
client reactivity, co-construction, NPS, irritants, critical tickets, win rates), and most
declines end 2-6 months later in an ``outcomes`` event (churn, downsell, renewal_lost); a
few healthy accounts get one too, as noise. After a churn an account records nothing more.
So the early-warning features (engagement slowdown, irritants, NPS drift, open critical
tickets) carry a real but imperfect signal.

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
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from acctkit.data.portfolio import Portfolio

__all__ = ["demo_portfolio", "generate_tables", "write_tables"]

# Forecast dates (expected_close_on of open deals, due_on of planned actions) may lie up to
# this many days after `end`, as in a real CRM snapshot; every recorded fact is <= `end`.
PLAN_HORIZON_DAYS = 92

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
_INDUSTRIES = (
    "Manufacturing", "Retail", "Energy", "Transport & Logistics", "Healthcare",
    "Financial Services", "Public Sector", "Telecom", "Food & Beverage", "Construction",
    "Chemicals", "Software",
)  # fmt: skip

# Company names: per language, roots x words x legal forms (two roots joined by a hyphen
# for a third of the accounts), plus French "Compagnie Generale des ..." style names.
_LANGUAGE_BY_REGION = np.array(
    [  # de, fr, nordic, iberian, en, apac
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
_CITIES = ("Lyon", "Hamburg", "Göteborg", "Sevilla", "Boston", "Osaka", "Montréal", "Zürich")

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
_LEVELS = ("user", "manager", "director", "c_level")
_LEVEL_SHARE = (0.35, 0.35, 0.20, 0.10)
_ROLES = ("sponsor", "decision_maker", "influencer", "user", "other")
_BUSINESS_UNITS = (
    "Finance", "Operations", "IT", "Procurement", "Marketing", "HR", "Sales", "R&D",
    "Supply Chain", "Legal",
)  # fmt: skip
_C_LEVEL_TITLES = ("CFO", "COO", "CIO", "CPO", "CMO", "CHRO", "CSO", "CTO", "CSCO", "General Counsel")

_CHANNELS = ("meeting", "call", "email", "workshop", "steering_committee", "event", "other")
_CHANNEL_SHARE = (0.25, 0.25, 0.30, 0.08, 0.05, 0.04, 0.03)
_STAGES = ("prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost")
_STAGE_PROBABILITY = np.array([10.0, 20.0, 50.0, 75.0, 100.0, 0.0])
_KINDS = ("new", "renewal", "upsell", "cross_sell")
_KIND_SHARE = (0.15, 0.30, 0.30, 0.25)
_KIND_AMOUNT = np.array([[0.25, 0.6], [0.6, 0.3], [0.15, 0.5], [0.2, 0.5]])  # median, sigma
_KIND_SUFFIX = ("new deal", "renewal", "upsell", "extension")
_PRODUCTS = (
    "Fleet Analytics", "Cold Chain", "Smart Metering", "Field Service", "Data Platform",
    "Procurement Suite", "Managed Security", "Training Academy",
)  # fmt: skip
_CRITERIA = (
    "sector_fit", "product_fit", "roadmap_fit", "notoriety", "showcase_effect",
    "reference_capacity", "political_risk", "dependency_risk", "financial_risk",
    "operational_risk",
)  # fmt: skip
_ASSESSMENT_COMMENTS = (
    "Confirmed at the steering committee", "À revoir avec le sponsor", "New CFO, budget freeze",
    "Reference visit done", "Dépendance forte à un seul site", "Roadmap aligned for 2026",
)  # fmt: skip
_ACTION_TITLES = (
    "Meet the CFO", "Joint roadmap workshop", "Executive sponsor dinner", "Quarterly business review",
    "Site visit", "Map the procurement team", "Atelier de co-construction", "Présentation au comité de direction",
    "Reference call with a peer", "Renewal preparation", "Case study interview", "Pilot kick-off",
)  # fmt: skip
_STATUSES = ("planned", "in_progress", "done", "cancelled")
_SEVERITIES = ("low", "medium", "high", "critical")
_RESOLUTION_DAYS = np.array([12.0, 7.0, 3.0, 1.5])
_TICKET_CATEGORIES = ("outage", "billing", "delivery", "quality", "access", "performance", "other")
_FEEDBACK_KINDS = ("irritant", "praise", "request")
_FEEDBACK_TEXTS = (
    ("Late deliveries, again", "Facturation illisible", "Support too slow to answer",
     "Trop de changements d'interlocuteur", "Invoice format", "Outage during month-end closing",
     "Prix en hausse sans préavis"),
    ("Lovely team", "Great onboarding", "Équipe très réactive", "The workshop was really useful",
     "Merci pour le suivi"),
    ("Export to Excel please", "Besoin d'une formation avancée", "API access for our BI team",
     "Can we get a quarterly review?", "Tableau de bord en français"),
)  # fmt: skip
_EVENTS = ("churn", "downsell", "renewal_lost")
_EVENT_SHARE = (0.40, 0.35, 0.25)

_NEVER = np.iinfo(np.int64).max // 2  # a day index later than any date


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
    cutoff: np.ndarray
    decline_day: np.ndarray
    outcomes: pd.DataFrame


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
        may lie up to ``PLAN_HORIZON_DAYS`` after it.
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
    >>> tables["interactions"]["occurred_on"].max() <= pd.Timestamp("2026-03-31")
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
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [_write_csv(_csv_ready(frame), folder / f"{name}.csv") for name, frame in tables.items()]


def demo_portfolio(
    n_accounts: int = 40,
    months: int = 24,
    end: str | date = "2026-10-31",
    seed: int = 7,
) -> Portfolio:
    """A validated synthetic :class:`~acctkit.data.portfolio.Portfolio` to try acctkit on.

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
    owner_slot = rng.integers(0, len(_OWNERS[0]), n)
    owners = np.array([[_ALL_OWNERS.index(o) for o in row] for row in _OWNERS])
    revenue = np.round(_TIER_REVENUE[tier] * rng.lognormal(0.0, 0.6, n), -3)
    activity = _TIER_ACTIVITY[tier] * rng.lognormal(0.0, 0.3, n)
    return _Profile(tier, region, owners[region, owner_slot], revenue, activity)


def _latent(rng: np.random.Generator, calendar: _Calendar, n: int) -> _Latent:
    """Health per account and month, declines, and the outcomes they lead to."""
    months = calendar.months
    baseline = rng.normal(0.3, 0.45, n)
    shocks = rng.normal(0.0, 0.25, (n, months))
    health = np.empty((n, months))
    level = baseline + rng.normal(0.0, 0.3, n)
    for month in range(months):
        level = baseline + 0.8 * (level - baseline) + shocks[:, month]
        health[:, month] = level

    declining = rng.random(n) < 0.25
    start = rng.integers(1, max(months, 2), n).clip(max=months - 1)
    decline_day = np.where(
        declining, calendar.start[start] + (rng.random(n) * calendar.days[start]).astype(int), _NEVER
    )
    ramp = rng.integers(1, 4, n)
    amplitude = rng.uniform(1.3, 2.4, n)
    leads_to_outcome = declining & (rng.random(n) < 0.7)
    outcome_day = decline_day + rng.integers(60, 186, n)
    hold = np.where(leads_to_outcome, calendar.month_of(outcome_day) + 2, start + ramp)
    hold = hold + rng.integers(1, 8, n)
    recovery = rng.integers(2, 6, n)
    grid = np.arange(months)
    down = np.clip((grid - start[:, None] + 1) / ramp[:, None], 0.0, 1.0)
    up = np.clip((grid - hold[:, None]) / recovery[:, None], 0.0, 1.0)
    health -= (declining * amplitude)[:, None] * down * (1.0 - up)

    first_event = _choice(rng, _EVENT_SHARE, n)
    noisy = ~leads_to_outcome & (rng.random(n) < 0.03 * months / 24)
    noise_day = calendar.start[0] + (rng.random(n) * calendar.days.sum()).astype(np.int64)
    then_churn = leads_to_outcome & (first_event == 1) & (rng.random(n) < 0.3)
    churn_day = outcome_day + rng.integers(45, 150, n)
    accounts = np.arange(n)
    outcomes = pd.DataFrame(
        {
            "account": np.concatenate([accounts[leads_to_outcome], accounts[noisy], accounts[then_churn]]),
            "day": np.concatenate([outcome_day[leads_to_outcome], noise_day[noisy], churn_day[then_churn]]),
            "event": np.concatenate(
                [first_event[leads_to_outcome], first_event[noisy], np.zeros(then_churn.sum(), int)]
            ),
        }
    )
    outcomes = outcomes[outcomes["day"] <= calendar.end].sort_values(["account", "day"])
    churns = outcomes[outcomes["event"] == 0].groupby("account")["day"].min()
    cutoff = np.full(n, calendar.end, dtype=np.int64)
    cutoff[churns.index.to_numpy()] = churns.to_numpy()
    outcomes = outcomes[outcomes["day"] <= cutoff[outcomes["account"].to_numpy()]]
    return _Latent(health, cutoff, decline_day, outcomes.reset_index(drop=True))


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
    names = plain.where(~((language == 1) & (rng.random(n) < 0.25)), formal)
    repeat = names.groupby(names).cumcount().to_numpy()
    city = _labels(_CITIES, (repeat - 1) % len(_CITIES))
    return names.where(repeat == 0, names + " (" + city + ")")


def _grouped_pick(rng: np.random.Generator, groups, group: np.ndarray) -> pd.Series:
    """One uniform pick per row from the option list of that row's group."""
    count = np.array([len(options) for options in groups])
    first = np.concatenate([[0], np.cumsum(count)[:-1]])
    flat = [option for options in groups for option in options]
    return _labels(flat, _within(rng, first[group], count[group]))


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

    n_criteria = len(_CRITERIA)
    account = np.repeat(account, n_criteria)
    day = np.repeat(day, n_criteria)
    criterion = np.tile(np.arange(n_criteria), round_no.size)
    base = np.clip(np.round(rng.normal(3.1, 1.0, (n, n_criteria))), 1, 5)
    revised = (np.repeat(round_no, n_criteria) > 0) & (rng.random(account.size) < 0.25)
    change = revised * rng.choice([-1, 1], account.size)
    struggling = latent.health[account, calendar.month_of(day)] < -0.8
    risk_up = struggling & (criterion >= 6)
    score = np.clip(base[account, criterion] + change + risk_up, 1, 5).astype(np.int64)
    keep = rng.random(account.size) < 0.93
    commented = rng.random(account.size) < 0.08
    comment = np.where(commented, rng.integers(0, len(_ASSESSMENT_COMMENTS), account.size), -1)
    return pd.DataFrame(
        {
            "account_id": _take(account_ids, account[keep]),
            "assessed_on": _dates(day[keep]),
            "criterion": _labels(_CRITERIA, criterion[keep]),
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
    level = np.where(is_sponsor, 2 + (rng.random(total) < 0.6), level)
    role = 1 + _choice(rng, (0.10, 0.25, 0.35, 0.30), total)
    role = np.where(is_sponsor, 0, role)
    key_share = np.array([0.2, 0.35, 0.6, 0.75])[level]
    is_key = is_sponsor | (rng.random(total) < key_share)
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
            "level": _labels(_LEVELS, level),
            "role": _labels(_ROLES, role),
            "is_key": is_key,
            "influence": pd.array(np.where(influence_known, influence, 0), dtype="Int64"),
            "left_on": _dates(np.minimum(left, calendar.end), blank=left == _NEVER),
        }
    )
    contacts["influence"] = contacts["influence"].where(influence_known)
    state = _Contacts(first, count, sponsor, left, contacts["contact_id"])
    return contacts, state


def _departures(
    rng: np.random.Generator,
    calendar: _Calendar,
    latent: _Latent,
    account: np.ndarray,
    is_sponsor: np.ndarray,
) -> np.ndarray:
    """Day each contact left (``_NEVER`` when still there); sponsors often leave as a decline starts."""
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
