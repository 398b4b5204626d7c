"""Configuration: catalogue defaults, deep-merged overrides from dicts and TOML, and checks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from acctkit.config import DEFAULTS, AlertRule, Config, load_config, tomllib
from acctkit.errors import ConfigError


def test_defaults_are_the_catalogue():
    config = load_config()
    assert config.window_days == 90
    assert config.nps_days == 180
    assert config.win_rate_days == 365
    assert config.min_weight_share == 0.5
    assert dict(config.weights["potential"]) == {
        "budget": 0.30,
        "profitability": 0.20,
        "fit": 0.20,
        "influence": 0.15,
        "safety": 0.15,
    }
    assert dict(config.weights["relationship"]) == {
        "coverage": 0.30,
        "depth": 0.20,
        "engagement": 0.20,
        "sponsor": 0.20,
        "propagation": 0.10,
    }
    assert dict(config.weights["execution"]) == {
        "actions": 0.25,
        "pipeline": 0.15,
        "wins": 0.20,
        "satisfaction": 0.25,
        "calm": 0.15,
    }
    assert dict(config.bands) == {"green": 70.0, "amber": 40.0}
    assert dict(config.segments) == {"invest": 60.0, "maintain": 40.0}
    assert dict(config.risk_bands) == {"scale": "relative", "medium": 1.5, "high": 3.0}
    assert config.alerts["nps_drop"] == AlertRule(True, -20.0, min_responses=3)
    assert config.alerts["engagement_slowdown"] == AlertRule(True, -30.0, -50.0)
    assert config.alerts["sponsor_silent"].threshold == 60
    assert config.alerts["churn_risk"].threshold == 0.5
    assert config.stage_rank["closed_lost"] == 0
    assert config.stage_rank["negotiation"] == 4
    assert config.stage_rank["closed_won"] == 5
    assert config.stage_probability["qualification"] == 20.0
    assert config.unknown_stage_probability == 50.0


def test_dict_overrides_are_deep_merged():
    config = load_config({"weights": {"execution": {"calm": 0.1}}, "bands": {"green": 75}})
    assert config.weights["execution"]["calm"] == 0.1
    assert config.weights["execution"]["actions"] == 0.25
    assert config.bands["green"] == 75 and config.bands["amber"] == 40.0
    assert config.window_days == 90


def test_defaults_are_not_modified_by_an_override():
    load_config({"bands": {"green": 80}})
    assert DEFAULTS["bands"]["green"] == 70.0


def test_toml_file(tmp_path):
    path = tmp_path / "acctkit.toml"
    path.write_text(
        "[windows]\nwindow_days = 60\n\n"
        "[alerts.low_coverage]\nthreshold = 40\n\n"
        "[alerts.no_sponsor]\nenabled = false\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.window_days == 60
    assert config.alerts["low_coverage"].threshold == 40
    assert config.alerts["no_sponsor"].enabled is False
    assert load_config(str(path)) == config


def test_to_toml_round_trips(tmp_path):
    config = load_config({"stages": {"probability": {"proposal": 45}}})
    path = tmp_path / "out.toml"
    path.write_text(config.to_toml(), encoding="utf-8")
    assert load_config(path) == config


def test_a_config_passes_through():
    config = load_config()
    assert load_config(config) is config
    assert isinstance(config, Config)


def test_unknown_key_suggests_the_close_name():
    with pytest.raises(
        ConfigError,
        match=r"'weights\.relationship\.coverge'.*'weights\."
        r"relationship\.coverage'",
    ):
        load_config({"weights": {"relationship": {"coverge": 0.3}}})


def test_unknown_section_lists_the_known_ones():
    with pytest.raises(ConfigError, match="unknown key 'xyz'; expected one of: windows"):
        load_config({"xyz": {}})


def test_negative_weight():
    with pytest.raises(ConfigError, match=r"weights\.potential\.budget.*>= 0"):
        load_config({"weights": {"potential": {"budget": -0.1}}})


def test_all_zero_weights():
    zero = dict.fromkeys(DEFAULTS["weights"]["execution"], 0)
    with pytest.raises(ConfigError, match="all zero"):
        load_config({"weights": {"execution": zero}})


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"bands": {"green": 30}}, r"bands\.amber.*<= 'bands\.green'"),
        ({"segments": {"maintain": 70}}, r"segments\.maintain.*<= 'segments\.invest'"),
        ({"risk_bands": {"medium": 4}}, r"risk_bands\.medium.*<= 'risk_bands\.high'"),
        (
            {"risk_bands": {"scale": "absolute", "medium": 0.6, "high": 0.5}},
            r"risk_bands\.medium.*<= 'risk_bands\.high'",
        ),
        (
            {"alerts": {"engagement_slowdown": {"high": -10}}},
            r"engagement_slowdown\.high",
        ),
    ],
)
def test_thresholds_out_of_order(override, message):
    with pytest.raises(ConfigError, match="out of order") as error:
        load_config(override)
    assert error.match(message)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"windows": {"window_days": "90"}}, r"windows\.window_days.*whole number"),
        ({"windows": {"window_days": 90.5}}, r"windows\.window_days.*whole number"),
        ({"bands": {"green": "high"}}, r"bands\.green.*must be a number"),
        ({"bands": {"green": True}}, r"bands\.green.*must be a number"),
        ({"alerts": {"nps_drop": {"enabled": "yes"}}}, r"enabled.*true or false"),
        ({"weights": 3}, r"'weights' must be a table"),
        ({"stages": {"order": "closed_won"}}, r"stages\.order.*list of names"),
    ],
)
def test_wrong_types(override, message):
    with pytest.raises(ConfigError, match=message):
        load_config(override)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"windows": {"nps_days": 0}}, "at least 1 day"),
        ({"bands": {"green": 120}}, "between 0 and 100"),
        ({"risk_bands": {"scale": "absolute", "high": 1.5}}, "between 0 and 1"),
        ({"risk_bands": {"high": 0.5}}, r"multiple of the portfolio's base rate.*at least 1"),
        ({"risk_bands": {"scale": "percent"}}, "must be one of relative, absolute"),
        ({"alerts": {"nps_drop": {"min_responses": 0}}}, "at least 1"),
        ({"alerts": {"nps_drop": {"min_responses": 2.5}}}, "must be a whole number,"),
        ({"scores": {"min_weight_share": 0}}, "above 0"),
        ({"stages": {"probability": {"proposal": 150}}}, "between 0 and 100"),
        ({"stages": {"probability": {"propsal": 50}}}, "did you mean 'stages.probability.pr"),
        ({"stages": {"order": ["prospecting", "closed_won"]}}, "must include 'closed_lost'"),
        ({"stages": {"order": ["closed_lost", "closed_lost", "closed_won"]}}, "twice"),
    ],
)
def test_values_out_of_range(override, message):
    with pytest.raises(ConfigError, match=message):
        load_config(override)


def test_a_shorter_stage_list_keeps_its_probabilities():
    config = load_config({"stages": {"order": ["closed_lost", "proposal", "closed_won"]}})
    assert config.stage_rank == {"closed_lost": 0, "proposal": 1, "closed_won": 2}
    assert set(config.stage_probability) == {"closed_lost", "proposal", "closed_won"}


def test_missing_or_invalid_toml(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[bands\ngreen = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)


def test_wrong_source_type():
    with pytest.raises(ConfigError, match="expected a dict"):
        load_config(42)


def test_the_documented_defaults_are_the_defaults():
    text = (Path(__file__).parents[1] / "docs" / "kpis.md").read_text(encoding="utf-8")
    block = re.search(r"complete default configuration:\s*```toml\n(.*?)```", text, re.S)
    documented = tomllib.loads(block.group(1))
    assert documented == load_config().to_dict()
