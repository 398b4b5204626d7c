"""The KPI configuration: the catalogue's defaults, TOML / dict overrides and their checks.

Every threshold, weight and window of the KPI catalogue (docs/kpis.md) lives in
:data:`DEFAULTS`, laid out as the TOML file a user writes. :func:`load_config` deep-merges a
user's dict or TOML file over those defaults, checks the result and returns a frozen
:class:`Config`. Any problem (unknown key, wrong type, negative weight, thresholds out of
order) raises :class:`acctkit.errors.ConfigError` naming the key.
"""

from __future__ import annotations

import copy
import difflib
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from acctkit.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ALERT_CODES = (
    "engagement_slowdown",
    "nps_drop",
    "irritants_rising",
    "critical_tickets",
    "no_sponsor",
    "sponsor_silent",
    "low_coverage",
    "overdue_actions",
    "slipped_deals",
    "churn_risk",
    "enthusiasm_drop",
    "no_steering_committee",
    "stale_assessments",
    "next_steps_overdue",
    "objective_off_track",
    "no_plan",
    "plan_ending",
)

ASSESSED_CRITERIA = (
    "sector_fit",
    "product_fit",
    "roadmap_fit",
    "notoriety",
    "showcase_effect",
    "reference_capacity",
    "political_risk",
    "dependency_risk",
    "financial_risk",
    "operational_risk",
)
"""The criteria of the assessments table (``acctkit.data.schema.CRITERIA`` is this list,
from the layer above): the keys ``[assessments.criteria]`` takes."""
STALE_SCORE_USES = ("count", "omit")
"""``[assessments] stale_scores``: ``count``, a stale score still counts in the potential
score (the page says it is stale); ``omit``, it is left out like a missing one."""

DEFAULTS: dict[str, Any] = {
    "windows": {"window_days": 90, "nps_days": 180, "win_rate_days": 365},
    "scores": {"min_weight_share": 0.5, "sponsor_unknown_influence": 0.6},
    "weights": {
        "potential": {
            "budget": 0.30,
            "profitability": 0.20,
            "fit": 0.20,
            "influence": 0.15,
            "safety": 0.15,
        },
        "relationship": {
            "coverage": 0.30,
            "depth": 0.20,
            "engagement": 0.20,
            "sponsor": 0.20,
            "propagation": 0.10,
        },
        "execution": {
            "actions": 0.25,
            "pipeline": 0.15,
            "wins": 0.20,
            "satisfaction": 0.25,
            "calm": 0.15,
        },
    },
    "bands": {"green": 70.0, "amber": 40.0},
    "segments": {"invest": 60.0, "maintain": 40.0},
    "alerts": {
        "engagement_slowdown": {"enabled": True, "threshold": -30.0, "high": -50.0},
        "nps_drop": {"enabled": True, "threshold": -20.0, "min_responses": 3},
        "irritants_rising": {"enabled": True, "threshold": 3},
        "critical_tickets": {"enabled": True, "threshold": 1},
        "no_sponsor": {"enabled": True},
        "sponsor_silent": {"enabled": True, "threshold": 60},
        "low_coverage": {"enabled": True, "threshold": 50.0},
        "overdue_actions": {"enabled": True, "threshold": 3},
        "slipped_deals": {"enabled": True, "threshold": 1},
        "churn_risk": {"enabled": True, "threshold": 0.5},
        "enthusiasm_drop": {"enabled": True, "threshold": -1.0},
        "no_steering_committee": {"enabled": True},
        "stale_assessments": {"enabled": True, "threshold": 1},
        "next_steps_overdue": {"enabled": True, "threshold": 1},
        "objective_off_track": {"enabled": True, "threshold": 1},
        "no_plan": {"enabled": True},
        "plan_ending": {"enabled": True, "threshold": 30},
    },
    "stages": {
        "order": [
            "closed_lost",
            "prospecting",
            "qualification",
            "proposal",
            "negotiation",
            "closed_won",
        ],
        "unknown_probability": 50.0,
        "probability": {
            "prospecting": 10.0,
            "qualification": 20.0,
            "proposal": 50.0,
            "negotiation": 75.0,
            "closed_won": 100.0,
            "closed_lost": 0.0,
        },
    },
    "risk_bands": {"scale": "relative", "medium": 1.5, "high": 3.0},
    "attention": {"max_accounts": 15},
    "sentiment": {"min_ratings": 2},
    "assessments": {"valid_days": 180, "stale_scores": "count", "criteria": {}},
    "review": {"cadence": "monthly"},
    "plans": {
        "on_track_tolerance": 10.0,
        "at_risk_tolerance": 25.0,
        "required_tiers": ["strategic"],
    },
}
RISK_SCALES = ("relative", "absolute")
"""``[risk_bands] scale``: ``relative``, the limits are multiples of the portfolio's base
rate (the model's share of snapshots with an outcome ahead); ``absolute``, probabilities."""

_OPEN_KEYS = {("stages", "probability"), ("assessments", "criteria")}
"""Sections whose keys are chosen by the user: stage names (checked against stages.order)
and criteria (checked against :data:`ASSESSED_CRITERIA`)."""

_INTEGER_KEYS = {
    ("windows", "window_days"),
    ("windows", "nps_days"),
    ("windows", "win_rate_days"),
    ("alerts", "nps_drop", "min_responses"),
    ("attention", "max_accounts"),
    ("assessments", "valid_days"),
    ("alerts", "plan_ending", "threshold"),
}


@dataclass(frozen=True)
class AlertRule:
    """One alert rule: on/off, the threshold that fires it, and its "high" level if any."""

    enabled: bool
    threshold: float | None = None
    high: float | None = None
    min_responses: int | None = None


@dataclass(frozen=True)
class Config:
    """A checked, read-only KPI configuration. Build one with :func:`load_config`.

    Attributes mirror the TOML sections: ``window_days``, ``nps_days``, ``win_rate_days``
    (``[windows]``); ``min_weight_share``, ``sponsor_unknown_influence`` (``[scores]``);
    ``weights[family][component]``; ``bands`` (``green``, ``amber``); ``segments``
    (``invest``, ``maintain``); ``alerts[code]`` (:class:`AlertRule`); ``stage_order``,
    ``stage_probability``, ``unknown_stage_probability`` (``[stages]``); ``risk_bands``
    (``scale``: ``relative`` or ``absolute``, ``medium``, ``high``); ``attention``
    (``max_accounts``: the portfolio page's list of accounts that need attention);
    ``min_sentiment_ratings`` (``[sentiment] min_ratings``: the enthusiasm of a window needs
    at least that many ratings); ``assessment_valid_days`` (``[assessments]``: how many days
    each criterion's latest score stays valid, ``valid_days`` or its own in
    ``[assessments.criteria]``) and ``stale_scores`` (``count`` or ``omit``); ``plans``
    (``[plans]``, account-plan.md: ``on_track_tolerance`` and ``at_risk_tolerance``, the
    points of progress an objective may lag its path and still be on track / at risk, and
    ``required_tiers``, the account tiers that must have a plan in force);
    ``review_cadence`` (``[review] cadence``: ``monthly`` or ``biweekly``).
    """

    window_days: int
    nps_days: int
    win_rate_days: int
    min_weight_share: float
    sponsor_unknown_influence: float
    weights: Mapping[str, Mapping[str, float]]
    bands: Mapping[str, float]
    segments: Mapping[str, float]
    alerts: Mapping[str, AlertRule]
    stage_order: tuple[str, ...]
    stage_probability: Mapping[str, float]
    unknown_stage_probability: float
    risk_bands: Mapping[str, float]
    attention: Mapping[str, int]
    min_sentiment_ratings: int = 2
    assessment_valid_days: Mapping[str, int] = field(
        default_factory=lambda: MappingProxyType(dict.fromkeys(ASSESSED_CRITERIA, 180))
    )
    stale_scores: str = "count"
    valid_days: int = 180
    review_cadence: str = "monthly"
    plans: Mapping[str, Any] = field(
        default_factory=lambda: MappingProxyType(
            {
                "on_track_tolerance": 10.0,
                "at_risk_tolerance": 25.0,
                "required_tiers": ("strategic",),
            }
        )
    )

    @property
    def stage_rank(self) -> Mapping[str, int]:
        """Rank of each stage (its position in ``stage_order``)."""
        return MappingProxyType({stage: rank for rank, stage in enumerate(self.stage_order)})

    def to_dict(self) -> dict[str, Any]:
        """The configuration as a nested dict, laid out like the TOML file."""
        return {
            "windows": {
                "window_days": self.window_days,
                "nps_days": self.nps_days,
                "win_rate_days": self.win_rate_days,
            },
            "scores": {
                "min_weight_share": self.min_weight_share,
                "sponsor_unknown_influence": self.sponsor_unknown_influence,
            },
            "weights": {family: dict(parts) for family, parts in self.weights.items()},
            "bands": dict(self.bands),
            "segments": dict(self.segments),
            "alerts": {
                code: {
                    key: value
                    for key, value in vars(rule).items()
                    if value is not None or key == "enabled"
                }
                for code, rule in self.alerts.items()
            },
            "stages": {
                "order": list(self.stage_order),
                "unknown_probability": self.unknown_stage_probability,
                "probability": dict(self.stage_probability),
            },
            "risk_bands": dict(self.risk_bands),
            "attention": dict(self.attention),
            "sentiment": {"min_ratings": self.min_sentiment_ratings},
            "assessments": {
                "valid_days": self.valid_days,
                "stale_scores": self.stale_scores,
                "criteria": {
                    criterion: days
                    for criterion, days in self.assessment_valid_days.items()
                    if days != self.valid_days
                },
            },
            "review": {"cadence": self.review_cadence},
            "plans": {
                "on_track_tolerance": self.plans["on_track_tolerance"],
                "at_risk_tolerance": self.plans["at_risk_tolerance"],
                "required_tiers": list(self.plans["required_tiers"]),
            },
        }

    def to_toml(self) -> str:
        """The configuration as TOML text (loadable again with :func:`load_config`)."""
        return _to_toml(self.to_dict())


def load_config(source: Config | Mapping[str, Any] | str | Path | None = None) -> Config:
    """Build a checked configuration: the catalogue defaults, overridden by ``source``.

    Parameters
    ----------
    source
        ``None`` for the defaults; a nested dict, or the path of a TOML file, laid out as
        :data:`DEFAULTS` (only the keys to change are needed: they are deep-merged over
        the defaults); or an existing :class:`Config`, returned as is.

    Raises
    ------
    ConfigError
        Unknown key (with the close name when there is one), wrong type, negative weight,
        thresholds out of order, unreadable TOML file.

    Examples
    --------
    >>> cfg = load_config({"bands": {"green": 75}, "weights": {"execution": {"calm": 0.1}}})
    >>> cfg.bands["green"], cfg.weights["execution"]["calm"], cfg.window_days
    (75, 0.1, 90)
    """
    if isinstance(source, Config):
        return source
    if source is None:
        overrides: Mapping[str, Any] = {}
    elif isinstance(source, Mapping):
        overrides = source
    elif isinstance(source, (str, Path)):
        overrides = _read_toml(Path(source))
    else:
        raise ConfigError(
            f"config: expected a dict, a TOML file path or None, got {type(source).__name__}"
        )
    merged = _merge(DEFAULTS, overrides, ())
    _check(merged)
    return _build(merged)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file '{path}' does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file '{path}' is not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"config file '{path}' cannot be read: {exc}") from None


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(path)


def _merge(default: Mapping[str, Any], override: Mapping[str, Any], path: tuple[str, ...]):
    """Deep-merge ``override`` over ``default``, refusing keys the defaults do not have."""
    if not isinstance(override, Mapping):
        raise ConfigError(
            f"config: '{_dotted(path)}' must be a table of settings, got {type(override).__name__}"
        )
    merged = copy.deepcopy(dict(default))
    if path in _OPEN_KEYS:
        merged.update(override)
        return merged
    for key, value in override.items():
        here = (*path, str(key))
        if key not in default:
            raise ConfigError(_unknown_key_message(here, list(default)))
        if isinstance(default[key], Mapping):
            merged[key] = _merge(default[key], value, here)
        else:
            merged[key] = value
    if path == ("stages",) and "order" in override:
        probabilities = merged["probability"]
        user_probabilities = override.get("probability", {})
        merged["probability"] = {
            stage: probabilities[stage]
            for stage in probabilities
            if stage in user_probabilities or stage in override["order"]
        }
    return merged


def _unknown_key_message(path: tuple[str, ...], known: list[str]) -> str:
    message = f"config: unknown key '{_dotted(path)}'"
    close = difflib.get_close_matches(path[-1], known, n=1, cutoff=0.6)
    if close:
        message += f"; did you mean '{_dotted((*path[:-1], close[0]))}'?"
    else:
        message += f"; expected one of: {', '.join(known)}"
    return message


def _check(config: dict[str, Any]) -> None:
    _check_types(DEFAULTS, config, ())
    windows = config["windows"]
    for key, value in windows.items():
        if value < 1:
            raise ConfigError(f"config: 'windows.{key}' must be at least 1 day, got {value}")
    scores = config["scores"]
    _check_between("scores.min_weight_share", scores["min_weight_share"], 0.0, 1.0)
    if scores["min_weight_share"] == 0:
        raise ConfigError("config: 'scores.min_weight_share' must be above 0")
    _check_between(
        "scores.sponsor_unknown_influence", scores["sponsor_unknown_influence"], 0.0, 1.0
    )
    for family, parts in config["weights"].items():
        for component, weight in parts.items():
            if weight < 0:
                raise ConfigError(
                    f"config: weight 'weights.{family}.{component}' must be >= 0, got {weight}"
                )
        if sum(parts.values()) <= 0:
            raise ConfigError(f"config: the weights of 'weights.{family}' are all zero")
    _check_order("bands", config["bands"], ("green", "amber"), 0.0, 100.0)
    _check_order("segments", config["segments"], ("invest", "maintain"), 0.0, 100.0)
    _check_risk_bands(config["risk_bands"])
    slowdown = config["alerts"]["engagement_slowdown"]
    if slowdown["high"] > slowdown["threshold"]:
        raise ConfigError(
            "config: thresholds out of order: 'alerts.engagement_slowdown.high' "
            f"({slowdown['high']}) must be <= 'alerts.engagement_slowdown.threshold' "
            f"({slowdown['threshold']}) (a steeper fall is more severe)"
        )
    if config["attention"]["max_accounts"] < 1:
        raise ConfigError(
            "config: 'attention.max_accounts' must be at least 1, got "
            f"{config['attention']['max_accounts']}"
        )
    if config["alerts"]["nps_drop"]["min_responses"] < 1:
        raise ConfigError(
            "config: 'alerts.nps_drop.min_responses' must be at least 1, got "
            f"{config['alerts']['nps_drop']['min_responses']}"
        )
    _check_between(
        "alerts.churn_risk.threshold", config["alerts"]["churn_risk"]["threshold"], 0.0, 1.0
    )
    _check_stages(config["stages"])
    _check_min_ratings(config["sentiment"]["min_ratings"])
    _check_assessments(config["assessments"])
    _check_review(config["review"])
    _check_plans(config["plans"])


REVIEW_CADENCES = ("monthly", "biweekly")
"""``[review] cadence``: reviews at month-ends, or every two weeks (14 days)."""


def _check_review(section: Mapping[str, Any]) -> None:
    if section["cadence"] not in REVIEW_CADENCES:
        raise ConfigError(
            f"config: 'review.cadence' must be one of {', '.join(REVIEW_CADENCES)}, "
            f"got {section['cadence']!r}"
        )


def _check_plans(section: Mapping[str, Any]) -> None:
    on_track, at_risk = section["on_track_tolerance"], section["at_risk_tolerance"]
    for key, value in (("on_track_tolerance", on_track), ("at_risk_tolerance", at_risk)):
        if value < 0:
            raise ConfigError(f"config: 'plans.{key}' must be >= 0 points, got {value}")
    if on_track > at_risk:
        raise ConfigError(
            "config: thresholds out of order: 'plans.on_track_tolerance' "
            f"({on_track}) must be <= 'plans.at_risk_tolerance' ({at_risk})"
        )


def _check_assessments(section: Mapping[str, Any]) -> None:
    if section["stale_scores"] not in STALE_SCORE_USES:
        raise ConfigError(
            f"config: 'assessments.stale_scores' must be one of {', '.join(STALE_SCORE_USES)}, "
            f"got {section['stale_scores']!r}"
        )
    days = {"assessments.valid_days": section["valid_days"]}
    for criterion, value in section["criteria"].items():
        if criterion not in ASSESSED_CRITERIA:
            raise ConfigError(
                _unknown_key_message(("assessments", "criteria", criterion), ASSESSED_CRITERIA)
            )
        days[f"assessments.criteria.{criterion}"] = value
    for name, value in days.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(
                f"config: '{name}' must be a whole number of days >= 1, got {value!r}"
            )


def _check_min_ratings(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(
            f"config: 'sentiment.min_ratings' must be a whole number >= 1, got {value!r}"
        )


def _check_risk_bands(bands: Mapping[str, Any]) -> None:
    if bands["scale"] not in RISK_SCALES:
        raise ConfigError(
            f"config: 'risk_bands.scale' must be one of {', '.join(RISK_SCALES)}, "
            f"got {bands['scale']!r}"
        )
    if bands["scale"] == "absolute":
        _check_order("risk_bands", bands, ("high", "medium"), 0.0, 1.0)
        return
    for key in ("medium", "high"):
        if bands[key] < 1:
            raise ConfigError(
                f"config: 'risk_bands.{key}' is a multiple of the portfolio's base rate "
                f'(risk_bands.scale = "relative") and must be at least 1, got '
                f'{bands[key]}; for probabilities set risk_bands.scale = "absolute"'
            )
    _check_order("risk_bands", bands, ("high", "medium"), 1.0, float("inf"))


def _check_types(default: Any, value: Any, path: tuple[str, ...]) -> None:
    where = f"config: '{_dotted(path)}'"
    if path in _OPEN_KEYS:
        for key, item in value.items():
            _check_types(0.0, item, (*path, str(key)))
        return
    if isinstance(default, Mapping):
        for key in default:
            _check_types(default[key], value[key], (*path, key))
    elif isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, got {value!r}")
    elif path in _INTEGER_KEYS:
        if isinstance(value, bool) or not isinstance(value, int):
            unit = " of days" if path[0] == "windows" else ""
            raise ConfigError(f"{where} must be a whole number{unit}, got {value!r}")
    elif isinstance(default, (int, float)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where} must be a number, got {value!r}")
        if value != value:
            raise ConfigError(f"{where} must be a number, got NaN")
    elif isinstance(default, list):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of names, got {value!r}")
    elif isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be text, got {value!r}")


def _check_between(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise ConfigError(f"config: '{name}' must be between {low:g} and {high:g}, got {value}")


def _check_order(
    section: str, values: Mapping[str, float], keys: tuple[str, str], low: float, high: float
) -> None:
    upper, lower = keys
    for key in keys:
        _check_between(f"{section}.{key}", values[key], low, high)
    if values[lower] > values[upper]:
        raise ConfigError(
            f"config: thresholds out of order: '{section}.{lower}' ({values[lower]}) must be "
            f"<= '{section}.{upper}' ({values[upper]})"
        )


def _check_stages(stages: Mapping[str, Any]) -> None:
    order = stages["order"]
    if len(set(order)) != len(order):
        raise ConfigError(f"config: 'stages.order' lists a stage twice: {order}")
    for required in ("closed_lost", "closed_won"):
        if required not in order:
            raise ConfigError(f"config: 'stages.order' must include '{required}'")
    for stage, probability in stages["probability"].items():
        if stage not in order:
            raise ConfigError(_unknown_key_message(("stages", "probability", stage), order))
        _check_between(f"stages.probability.{stage}", probability, 0.0, 100.0)
    _check_between("stages.unknown_probability", stages["unknown_probability"], 0.0, 100.0)


def _build(config: dict[str, Any]) -> Config:
    frozen = MappingProxyType
    return Config(
        window_days=config["windows"]["window_days"],
        nps_days=config["windows"]["nps_days"],
        win_rate_days=config["windows"]["win_rate_days"],
        min_weight_share=config["scores"]["min_weight_share"],
        sponsor_unknown_influence=config["scores"]["sponsor_unknown_influence"],
        weights=frozen({family: frozen(dict(w)) for family, w in config["weights"].items()}),
        bands=frozen(dict(config["bands"])),
        segments=frozen(dict(config["segments"])),
        alerts=frozen({code: AlertRule(**rule) for code, rule in config["alerts"].items()}),
        stage_order=tuple(config["stages"]["order"]),
        stage_probability=frozen(dict(config["stages"]["probability"])),
        unknown_stage_probability=config["stages"]["unknown_probability"],
        risk_bands=frozen(dict(config["risk_bands"])),
        attention=frozen(dict(config["attention"])),
        min_sentiment_ratings=config["sentiment"]["min_ratings"],
        assessment_valid_days=frozen(
            {
                criterion: config["assessments"]["criteria"].get(
                    criterion, config["assessments"]["valid_days"]
                )
                for criterion in ASSESSED_CRITERIA
            }
        ),
        stale_scores=config["assessments"]["stale_scores"],
        valid_days=config["assessments"]["valid_days"],
        review_cadence=config["review"]["cadence"],
        plans=frozen(
            {
                "on_track_tolerance": float(config["plans"]["on_track_tolerance"]),
                "at_risk_tolerance": float(config["plans"]["at_risk_tolerance"]),
                "required_tiers": tuple(config["plans"]["required_tiers"]),
            }
        ),
    )


def _to_toml(data: Mapping[str, Any]) -> str:
    lines: list[str] = []

    def emit(table: Mapping[str, Any], path: tuple[str, ...]) -> None:
        scalars = {k: v for k, v in table.items() if not isinstance(v, Mapping)}
        if scalars:
            if path:
                lines.append(f"[{_dotted(path)}]")
            lines.extend(f"{key} = {_toml_value(value)}" for key, value in scalars.items())
            lines.append("")
        for key, value in table.items():
            if isinstance(value, Mapping):
                emit(value, (*path, key))

    emit(data, ())
    return "\n".join(lines)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)
