"""Weighted scores (0..100), the recommendation segment and the green / amber / red bands.

A weighted score is ``100 * sum(w_i c_i) / sum(w_i)`` over its components ``c_i`` (each in
0..1) that are not NaN, and NaN when the components present carry less than
``scores.min_weight_share`` of the family's total weight. Percentile ranks are taken over
the accounts that have a value, separately at each date.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from acctkit.config import Config
from acctkit.kpis.windows import ratio

SEGMENTS = ("invest", "maintain", "deprioritize", "unrated")
BANDS = ("green", "amber", "red")
SCORE_BANDS = {
    "potential_score": "potential_band",
    "relationship_score": "relationship_band",
    "execution_score": "execution_band",
    "health_score": "health_band",
}
SCORES = tuple(SCORE_BANDS)
"""The four scores (0-100), in the catalogue's order."""
RATINGS = (
    "strategic_fit",
    "ecosystem_influence",
    "risk_level",
    "max_risk",
    "sponsor_influence",
    "sentiment",
    "sentiment_prev",
)
"""KPIs on a 1-5 scale (the assessments', the enthusiasm ratings')."""
SCORE_INPUTS = {
    "potential_score": (
        "estimated_budget",
        "net_contribution",
        "annual_revenue",
        "strategic_fit",
        "ecosystem_influence",
        "risk_level",
    ),
    "relationship_score": (
        "coverage_pct",
        "depth_level",
        "interactions",
        "has_sponsor",
        "sponsor_influence",
        "business_units_engaged",
        "business_units_known",
    ),
    "execution_score": (
        "action_completion_pct",
        "pipeline_maturity_pct",
        "win_rate_pct",
        "nps",
        "irritants",
        "open_critical_tickets",
    ),
}
_TOLERANCE = 1e-9


def weighted_score(
    components: Mapping[str, np.ndarray], weights: Mapping[str, float], min_share: float
) -> np.ndarray:
    """Weighted mean (0..100) of the components present; NaN when too little weight is present.

    Examples
    --------
    >>> weighted_score({"a": np.array([1.0]), "b": np.array([np.nan])}, {"a": 3, "b": 1}, 0.5)
    array([100.])
    """
    total_weight = float(sum(weights.values()))
    weighted = 0.0
    present = 0.0
    for name, weight in weights.items():
        value = np.asarray(components[name], dtype=np.float64)
        known = ~np.isnan(value)
        weighted = weighted + np.where(known, weight * value, 0.0)
        present = present + np.where(known, weight, 0.0)
    score = ratio(weighted, present, 100.0)
    too_little = present < min_share * total_weight - _TOLERANCE
    return np.where(too_little, np.nan, score)


def percentile_rank(values: np.ndarray) -> np.ndarray:
    """``rank(pct=True)`` of each column (date) over the rows (accounts) with a value."""
    return pd.DataFrame(np.asarray(values, dtype=np.float64)).rank(pct=True).to_numpy()


def potential_components(kpis: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The five 0..1 components of the potential score."""
    return {
        "budget": percentile_rank(kpis["estimated_budget"]),
        "profitability": np.clip(ratio(kpis["net_contribution"], kpis["annual_revenue"]), 0, 1),
        "fit": (kpis["strategic_fit"] - 1.0) / 4.0,
        "influence": (kpis["ecosystem_influence"] - 1.0) / 4.0,
        "safety": 1.0 - (kpis["risk_level"] - 1.0) / 4.0,
    }


def relationship_components(
    kpis: Mapping[str, np.ndarray], config: Config
) -> dict[str, np.ndarray]:
    """The five 0..1 components of the relationship score."""
    has_sponsor = kpis["has_sponsor"]
    influence = kpis["sponsor_influence"]
    sponsor = np.where(
        has_sponsor == 1,
        np.where(np.isnan(influence), config.sponsor_unknown_influence, influence / 5.0),
        np.where(has_sponsor == 0, 0.0, np.nan),
    )
    return {
        "coverage": kpis["coverage_pct"] / 100.0,
        "depth": kpis["depth_level"] / 4.0,
        "engagement": percentile_rank(kpis["interactions"]),
        "sponsor": sponsor,
        "propagation": ratio(kpis["business_units_engaged"], kpis["business_units_known"]),
    }


def execution_components(kpis: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The five 0..1 components of the execution score.

    ``calm`` counts an absent table (feedback or tickets) as nothing to complain about,
    and is NaN only when both tables are absent from the portfolio.
    """
    irritants, critical = kpis["irritants"], kpis["open_critical_tickets"]
    trouble = np.nan_to_num(irritants) + 2.0 * np.nan_to_num(critical)
    calm = 1.0 - np.minimum(trouble, 10.0) / 10.0
    return {
        "actions": kpis["action_completion_pct"] / 100.0,
        "pipeline": kpis["pipeline_maturity_pct"] / 100.0,
        "wins": kpis["win_rate_pct"] / 100.0,
        "satisfaction": (kpis["nps"] + 100.0) / 200.0,
        "calm": np.where(np.isnan(irritants) & np.isnan(critical), np.nan, calm),
    }


def band_codes(score: np.ndarray, bands: Mapping[str, float]) -> np.ndarray:
    """0 green (>= bands.green), 1 amber (>= bands.amber), 2 red; -1 when the score is NaN."""
    codes = np.select([score >= bands["green"], score >= bands["amber"]], [0, 1], 2)
    return np.where(np.isnan(score), -1, codes)


def segment_codes(score: np.ndarray, segments: Mapping[str, float]) -> np.ndarray:
    """Positions in :data:`SEGMENTS`: invest, maintain, deprioritize, or unrated when NaN."""
    codes = np.select([score >= segments["invest"], score >= segments["maintain"]], [0, 1], 2)
    return np.where(np.isnan(score), 3, codes)


def score_columns(kpis: Mapping[str, np.ndarray], config: Config) -> dict[str, np.ndarray]:
    """Every score, the segment and the bands, from the KPI arrays they are built on.

    Only the scores whose inputs are all in ``kpis`` are computed. ``segment`` and the
    ``*_band`` columns are integer codes into :data:`SEGMENTS` and :data:`BANDS`.
    """
    out: dict[str, np.ndarray] = {}
    share = config.min_weight_share
    if all(name in kpis for name in SCORE_INPUTS["potential_score"]):
        out["potential_score"] = weighted_score(
            potential_components(kpis), config.weights["potential"], share
        )
        out["segment"] = segment_codes(out["potential_score"], config.segments)
    if all(name in kpis for name in SCORE_INPUTS["relationship_score"]):
        out["relationship_score"] = weighted_score(
            relationship_components(kpis, config), config.weights["relationship"], share
        )
    if all(name in kpis for name in SCORE_INPUTS["execution_score"]):
        out["execution_score"] = weighted_score(
            execution_components(kpis), config.weights["execution"], share
        )
    if "relationship_score" in out and "execution_score" in out:
        both = np.stack([out["relationship_score"], out["execution_score"]])
        present = ~np.isnan(both)
        out["health_score"] = ratio(np.where(present, both, 0.0).sum(axis=0), present.sum(axis=0))
    for score, band in SCORE_BANDS.items():
        if score in out:
            out[band] = band_codes(out[score], config.bands)
    return out


def score_breakdown(kpis: pd.DataFrame, config: object = None) -> pd.DataFrame:
    """What each component contributes to each account's three family scores.

    Parameters
    ----------
    kpis
        The output of :func:`acctkit.kpis.compute_kpis` for the whole portfolio (the
        percentile components rank every account against the others).
    config
        As for ``compute_kpis``.

    Returns
    -------
    DataFrame
        Tidy, one row per (account, score, component): ``account_id``, ``score``
        (``potential_score``...), ``component``, ``value`` (0..1, NaN when its data is
        missing), ``weight``, and ``points``: the component's share of the score in score
        points (``100 * w * value / sum of the weights present``), so the points of an
        account's components add up to its score. ``points`` is NaN for a missing
        component and for every component of a score too poorly documented to compute.
    """
    from acctkit.config import load_config

    config = load_config(config)
    arrays = {
        name: kpis[name].astype("float64").to_numpy()
        for name in set().union(*SCORE_INPUTS.values())
    }
    families = {
        "potential_score": (potential_components(arrays), config.weights["potential"]),
        "relationship_score": (
            relationship_components(arrays, config),
            config.weights["relationship"],
        ),
        "execution_score": (execution_components(arrays), config.weights["execution"]),
    }
    pieces = []
    for score, (components, weights) in families.items():
        values = pd.DataFrame(
            {name: np.asarray(components[name], dtype=np.float64).ravel() for name in weights},
            index=kpis.index,
        )
        weight = pd.Series(dict(weights), dtype="float64")
        present = values.notna().mul(weight, axis=1).sum(axis=1)
        points = values.mul(weight, axis=1).mul(100.0).div(present.where(present > 0), axis=0)
        points = points.where(kpis[score].notna(), axis=0)
        long = values.stack(future_stack=True).rename("value").to_frame()
        long["points"] = points.stack(future_stack=True)
        long = long.rename_axis(["account_id", "component"]).reset_index()
        long["weight"] = long["component"].map(weight)
        pieces.append(long.assign(score=score))
    out = pd.concat(pieces, ignore_index=True)
    return out[["account_id", "score", "component", "value", "weight", "points"]]
