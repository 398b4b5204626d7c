"""The drivers of a risk score in plain words, in English and French.

A driver is a model input whose contribution (coefficient x standardised value) raises the
account's risk. Each is worded from the counts behind it ("interactions down 60 % vs the
previous 90 days (4 vs 10)"), never from the standardised value a reader cannot interpret.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

NONE = {"en": "no signal raises the risk", "fr": "aucun signal n'augmente le risque"}
_SOURCES = {
    "engagement_slowdown": ("interactions", "interactions_prev"),
    "irritants": ("irritants",),
    "nps_score_drift": ("nps_mean", "nps_mean_prev"),
    "open_critical_tickets": ("open_critical_tickets",),
}
"""The counts each input's phrase is worded from."""


def _number(values: pd.Series, lang: str, decimals: int = 0) -> pd.Series:
    text = values.map(lambda v: f"{v:.{decimals}f}", na_action="ignore").astype(str)
    return text.str.replace(".", ",", regex=False) if lang == "fr" else text


def phrases(frame: pd.DataFrame, lang: str = "en", window_days: int = 90) -> pd.DataFrame:
    """One phrase per account and model input, from the raw counts in ``frame``."""
    now, before = frame["interactions"], frame["interactions_prev"]
    change = (100 * (before - now) / before.where(before > 0)).abs()
    down = now < before
    pct = _number(change, lang)
    counts = _number(now, lang) + (" vs " if lang == "en" else " contre ") + _number(before, lang)
    drift = frame["nps_mean"] - frame["nps_mean_prev"]
    drift_abs = _number(drift.abs(), lang, 1)
    if lang == "en":
        slowdown = np.where(
            down,
            "interactions down " + pct + f" % vs the previous {window_days} days (" + counts + ")",
            "interactions up or stable vs the previous period (" + counts + ")",
        )
        slowdown = pd.Series(slowdown, index=frame.index).where(
            before > 0, "no interaction in the last two periods"
        )
        irritants = (
            _number(frame["irritants"], lang) + f" irritant(s) in the last {window_days} days"
        )
        nps = np.where(
            drift < 0,
            "NPS mean score down " + drift_abs + " points vs the previous half-year",
            "NPS mean score up " + drift_abs + " points vs the previous half-year",
        )
        tickets = _number(frame["open_critical_tickets"], lang) + " critical ticket(s) open"
        missing = {
            "nps_score_drift": "no recent NPS answers to compare",
            "engagement_slowdown": "no interaction data",
            "irritants": "no feedback data",
            "open_critical_tickets": "no ticket data",
        }
    else:
        slowdown = np.where(
            down,
            "interactions en baisse de "
            + pct
            + f" % par rapport aux {window_days} jours précédents ("
            + counts
            + ")",
            "interactions stables ou en hausse par rapport à la période précédente ("
            + counts
            + ")",
        )
        slowdown = pd.Series(slowdown, index=frame.index).where(
            before > 0, "aucune interaction sur les deux dernières périodes"
        )
        irritants = (
            _number(frame["irritants"], lang) + f" irritant(s) sur les {window_days} derniers jours"
        )
        nps = np.where(
            drift < 0,
            "note NPS moyenne en baisse de " + drift_abs + " points sur un semestre",
            "note NPS moyenne en hausse de " + drift_abs + " points sur un semestre",
        )
        tickets = _number(frame["open_critical_tickets"], lang) + " ticket(s) critique(s) ouvert(s)"
        missing = {
            "nps_score_drift": "pas de réponses NPS récentes à comparer",
            "engagement_slowdown": "pas de données d'interactions",
            "irritants": "pas de données de retours clients",
            "open_critical_tickets": "pas de données de tickets",
        }
    words = pd.DataFrame(
        {
            "engagement_slowdown": slowdown,
            "irritants": irritants,
            "nps_score_drift": nps,
            "open_critical_tickets": tickets,
        },
        index=frame.index,
    )
    # an imputed input can still push the risk up: say its data is missing, not "nan"
    for name, sources in _SOURCES.items():
        known = frame[list(sources)].notna().all(axis=1) & words[name].notna()
        words[name] = words[name].where(known, missing[name])
    return words.assign(**{f"missing_{name}": text for name, text in missing.items()})


def describe_drivers(
    frame: pd.DataFrame,
    inputs: list[str],
    *,
    lang: str = "en",
    top: int = 3,
    window_days: int = 90,
) -> pd.Series:
    """The ``top`` inputs that raise each account's risk most, as one phrase per account.

    ``frame`` holds the raw counts and a ``contribution_<input>`` column per model input.
    """
    contributions = frame[[f"contribution_{name}" for name in inputs]].set_axis(inputs, axis=1)
    words = phrases(frame, lang, window_days).reindex(columns=inputs)
    long = (
        contributions.stack().rename("contribution").to_frame().join(words.stack().rename("phrase"))
    )
    long = long[long["contribution"] > 0].sort_values("contribution", ascending=False)
    ranked = long.groupby(level=0, sort=False).head(top)
    joined = ranked.groupby(level=0, sort=False)["phrase"].agg("; ".join)
    return joined.reindex(frame.index).fillna(NONE[lang])
