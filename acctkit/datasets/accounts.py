"""The account-level tables: accounts (with company names), assessments and contacts.

``_contacts`` also returns where each account's contacts sit and when they left, so that
the activity tables can name a contact still there on the day of an exchange
(``_active_contact``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from acctkit.data.schema import CRITERIA, LEVELS, ROLES
from acctkit.datasets.columns import _dates, _flatten, _grouped_pick, _ids, _labels, _take
from acctkit.datasets.latent import (
    _NEVER,
    _Calendar,
    _choice,
    _choice_by_row,
    _Latent,
    _Profile,
    _within,
)
from acctkit.datasets.vocabulary import (
    _ALL_OWNERS,
    _ASSESSMENT_COMMENTS,
    _BUSINESS_UNITS,
    _C_LEVEL_TITLES,
    _CITIES,
    _DIRECTOR,
    _FIRST_NAMES,
    _FORMAL_HEADS,
    _FORMAL_NOUNS,
    _FRENCH,
    _INDUSTRIES,
    _KEY_SHARE_BY_LEVEL,
    _LANGUAGE_BY_REGION,
    _LAST_NAMES,
    _LEVEL_SHARE,
    _NAME_LEGAL,
    _NAME_ROOTS,
    _NAME_WORDS,
    _REGIONS,
    _RISK_CRITERIA,
    _ROLE_SHARE,
    _SPONSOR,
    _TIER_CONTACTS,
    _TIERS,
)


@dataclass(frozen=True)
class _Contacts:
    """Where each account's contacts sit in the contacts table, and when they left."""

    first: np.ndarray
    count: np.ndarray
    sponsor: np.ndarray
    left: np.ndarray
    ids: pd.Series


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
    lap = (repeat - 1) // count[language]  # more repeats than cities: "(Lyon 2)"
    city = city.where(lap < 1, city + " " + pd.Series(lap + 1).astype(str))
    return names.where(repeat == 0, names + " (" + city + ")")


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
    has_sponsor = rng.random(n) < 0.98
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
    """Day each contact left (``_NEVER``: still there). Sponsors stay, unless a decline
    starts: then about a fifth of them leave around its start."""
    total = account.size
    span = calendar.days.sum()
    random_day = calendar.start[0] + (rng.random(total) * span).astype(np.int64)
    left = np.where((rng.random(total) < 0.07) & ~is_sponsor, random_day, _NEVER)
    decline_day = latent.decline_day[account]
    sponsor_leaves = is_sponsor & (decline_day < _NEVER) & (rng.random(total) < 0.15)
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
