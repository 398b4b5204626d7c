"""The activity tables: interactions, actions, NPS responses, tickets, feedback, outcomes.

Each is a stream of events per account and month whose volume and content follow the
account's latent health; nothing is recorded after an account churns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from acctkit.data.schema import (
    ACTION_STATUSES,
    CHANNELS,
    DIRECTIONS,
    FEEDBACK_KINDS,
    OUTCOME_EVENTS,
    SEVERITIES,
)
from acctkit.datasets.accounts import _active_contact, _Contacts
from acctkit.datasets.columns import _dates, _grouped_pick, _ids, _labels, _take
from acctkit.datasets.latent import (
    _Calendar,
    _choice,
    _choice_by_row,
    _events,
    _Latent,
    _Profile,
    _sigmoid,
)
from acctkit.datasets.vocabulary import (
    _ACTION_LEAD_DAYS,
    _ACTION_TITLES,
    _ALL_OWNERS,
    _CALL,
    _CANCELLED,
    _CHANNEL_SHARE,
    _CRITICAL,
    _DONE,
    _FEEDBACK_TEXTS,
    _HIGH,
    _IN_PROGRESS,
    _INBOUND,
    _MEETING,
    _MEETING_CODES,
    _MOOD_LEAD_MONTHS,
    _OUTBOUND,
    _PLANNED,
    _RESOLUTION_DAYS,
    _SEVERITY_SHARE,
    _STEERING_COMMITTEE,
    _STRATEGIC,
    _TICKET_CATEGORIES,
    _WORKSHOP,
)


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
    channel = _choice(rng, _CHANNEL_SHARE, size)
    # Steering committees are held with strategic accounts only; elsewhere it is a meeting.
    strategic = profile.tier[account] == _STRATEGIC
    channel = np.where((channel == _STEERING_COMMITTEE) & ~strategic, _MEETING, channel)
    held = pd.DataFrame(
        {
            "interaction_id": _ids("I", size, 7),
            "account_id": _take(account_ids, account),
            "contact_id": _take(contacts.ids, contact),
            "occurred_on": _dates(day),
            "channel": _labels(CHANNELS, channel),
            "direction": _labels(DIRECTIONS, direction),
            "response_hours": np.where(answered, hours, np.nan),
            "co_construction": rng.random(size) < _sigmoid(-1.6 + 0.9 * health),
            "introduction": rng.random(size) < _sigmoid(-2.6 + 0.9 * health),
        }
    )
    # The meeting columns (v1.1) come from a generator of their own, so that every other
    # column and table stays what it was for the same seed.
    mood = rng.spawn(1)[0]
    held = held.assign(**_meeting_columns(mood, latent, account, month, channel))
    missed = _missed_meetings(mood, calendar, latent, profile, contacts, account_ids)
    return pd.concat([held, missed], ignore_index=True)


def _meeting_columns(
    rng: np.random.Generator,
    latent: _Latent,
    account: np.ndarray,
    month: np.ndarray,
    channel: np.ndarray,
) -> dict[str, pd.Series]:
    """Attendance, client attendees and the team's enthusiasm rating of the exchanges held.

    Enthusiasm follows the health two months ahead: it cools before the decline shows in
    the other signals, months before a churn."""
    size = account.size
    last_month = latent.health.shape[1] - 1
    ahead = latent.health[account, np.minimum(month + _MOOD_LEAD_MONTHS, last_month)]
    meeting = np.isin(channel, _MEETING_CODES)
    recorded = meeting & (rng.random(size) < 0.9)
    committee = channel == _STEERING_COMMITTEE
    typical = np.where(committee, 2.5, 1.2) * np.exp(0.3 * ahead)
    people = np.where(committee, 3, 1) + rng.poisson(typical)
    counted = meeting & (rng.random(size) < 0.8)
    rate = np.select([meeting, channel == _CALL], [0.75, 0.35], 0.0)
    rated = rng.random(size) < rate
    rating = np.clip(np.round(rng.normal(3.4 + 0.9 * ahead, 0.6)), 1, 5)
    return {
        "attended": pd.array(np.where(recorded, True, None), dtype="boolean"),
        "client_attendees": pd.array(np.where(counted, people, None), dtype="Int64"),
        "sentiment": pd.array(np.where(rated, rating, None), dtype="Int64"),
    }


def _missed_meetings(
    rng: np.random.Generator,
    calendar: _Calendar,
    latent: _Latent,
    profile: _Profile,
    contacts: _Contacts,
    account_ids: pd.Series,
) -> pd.DataFrame:
    """Meetings the client cancelled or did not show up to: rare while all is well, more
    frequent as the health (two months ahead) falls; steering committees of strategic
    accounts among them."""
    months = latent.health.shape[1]
    ahead = latent.health[:, np.minimum(np.arange(months) + _MOOD_LEAD_MONTHS, months - 1)]
    rates = 0.8 * profile.activity[:, None] * _sigmoid(-2.2 - 1.8 * ahead)
    account, month, day = _events(rng, calendar, rates, latent.cutoff)
    size = account.size
    strategic = profile.tier[account] == _STRATEGIC
    channel = np.where(rng.random(size) < 0.8, _MEETING, _WORKSHOP)
    channel = np.where(strategic & (rng.random(size) < 0.4), _STEERING_COMMITTEE, channel)
    contact = _active_contact(rng, contacts, account, day, 0.3)
    return pd.DataFrame(
        {
            "interaction_id": _ids("M", size, 7),
            "account_id": _take(account_ids, account),
            "contact_id": _take(contacts.ids, contact),
            "occurred_on": _dates(day),
            "channel": _labels(CHANNELS, channel),
            "direction": _labels(DIRECTIONS, np.full(size, _OUTBOUND)),
            "response_hours": np.full(size, np.nan),
            "co_construction": np.zeros(size, dtype=bool),
            "introduction": np.zeros(size, dtype=bool),
            "attended": pd.array(np.zeros(size, dtype=bool), dtype="boolean"),
            "client_attendees": pd.array([None] * size, dtype="Int64"),
            "sentiment": pd.array([None] * size, dtype="Int64"),
        }
    )


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
    """Support tickets: more of them, more critical and slower to close as health falls;
    a churned account's tickets are closed on its churn day."""
    rates = 0.45 * profile.activity[:, None] * np.exp(-0.35 * latent.health)
    account, month, day = _events(rng, calendar, rates, latent.cutoff)
    size = account.size
    health = latent.health[account, month]
    critical = rng.random(size) < _sigmoid(-3.8 - 1.5 * health)
    severity = np.where(critical, _CRITICAL, _choice(rng, _SEVERITY_SHARE, size))
    typical_days = np.log(_RESOLUTION_DAYS[severity]) - 1.0 * health
    closed = day + np.round(rng.lognormal(typical_days, 1.0)).astype(np.int64)
    churn_day = latent.cutoff[account]
    closed = np.where(churn_day < calendar.end, np.minimum(closed, churn_day), closed)
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
