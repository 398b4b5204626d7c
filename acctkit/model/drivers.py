"""The drivers of a risk score in plain words, in any language of the catalogues.

A driver is a model input whose contribution (coefficient x standardised value) raises the
account's risk. Each is worded from the counts behind it ("interactions down 60 % vs the
previous 90 days (4 vs 10)"), never from the standardised value a reader cannot interpret.
The words are the ``[drivers]`` of the language catalogues (:func:`acctkit.i18n.labels`).
"""

from __future__ import annotations

import pandas as pd

from acctkit.i18n import labels

_SOURCES = {
    "engagement_slowdown": ("interactions", "interactions_prev"),
    "irritants": ("irritants",),
    "nps_score_drift": ("nps_mean", "nps_mean_prev"),
    "open_critical_tickets": ("open_critical_tickets",),
}
"""The counts each input's phrase is worded from."""
MIN_CONTRIBUTION = 0.05
"""A driver raises the odds of an outcome by at least 5 % (log-odds 0.05): inputs that move
the risk less are not worth a reader's attention (and a near-zero coefficient would name
"0 critical tickets" as a driver)."""


def _number(values: pd.Series, lang: str, decimals: int = 0) -> pd.Series:
    text = values.map(lambda v: f"{v:.{decimals}f}", na_action="ignore").astype(str)
    mark = labels(lang).numbers["decimal_mark"]
    return text if mark == "." else text.str.replace(".", mark, regex=False)


def _fill(template: str, **parts: pd.Series) -> pd.Series:
    """``template`` filled from aligned Series by vectorised concatenation (NaN where a
    part is NaN)."""
    import string

    index = next(iter(parts.values())).index
    out = pd.Series("", index=index, dtype=object)
    for literal, field, _, _ in string.Formatter().parse(template):
        out = out + literal
        if field is not None:
            out = out + parts[field].astype(object).where(parts[field].notna())
    return out


def phrases(frame: pd.DataFrame, lang: str = "en", window_days: int = 90) -> pd.DataFrame:
    """One phrase per account and model input, worded from the raw counts in ``frame``;
    NaN where those counts are missing. ``missing_<input>`` columns hold the phrase for an
    input whose data is missing."""
    text = labels(lang).drivers
    days = pd.Series(str(window_days), index=frame.index)
    now, before = frame["interactions"], frame["interactions_prev"]
    pct = _number((100 * (before - now) / before.where(before > 0)).abs(), lang)
    counts = {"now": _number(now, lang), "before": _number(before, lang), "days": days}
    slowdown = _fill(text["interactions.up"], **counts).mask(
        now < before, _fill(text["interactions.down"], pct=pct, **counts)
    )
    slowdown = slowdown.mask((now == 0) & (before == 0), text["interactions.none"])
    drift = frame["nps_mean"] - frame["nps_mean_prev"]
    drift_text = _number(drift.abs(), lang, 1)
    nps = _fill(text["nps.up"], drift=drift_text).mask(
        drift < 0, _fill(text["nps.down"], drift=drift_text)
    )
    words = pd.DataFrame(
        {
            "engagement_slowdown": slowdown,
            "irritants": _counted(frame["irritants"], text, "irritants", days, lang),
            "nps_score_drift": nps,
            "open_critical_tickets": _counted(
                frame["open_critical_tickets"], text, "tickets", days, lang
            ),
        },
        index=frame.index,
    )
    return words.assign(**{f"missing_{name}": text[f"missing.{name}"] for name in _SOURCES})


def _counted(values: pd.Series, text, key: str, days: pd.Series, lang: str) -> pd.Series:
    n = _number(values, lang)
    plural = _fill(text[f"{key}.many"], n=n, days=days)
    return plural.mask(values == 1, _fill(text[f"{key}.one"], n=n, days=days))


def describe_drivers(
    frame: pd.DataFrame,
    inputs: list[str],
    *,
    lang: str = "en",
    top: int = 3,
    window_days: int = 90,
) -> pd.Series:
    """The ``top`` inputs that raise each account's risk most (each by at least
    :data:`MIN_CONTRIBUTION` in log-odds), as one phrase per account.

    ``frame`` holds the raw counts and a ``contribution_<input>`` column per model input.
    """
    contributions = frame[[f"contribution_{name}" for name in inputs]].set_axis(inputs, axis=1)
    words = phrases(frame, lang, window_days)
    for name, sources in _SOURCES.items():
        present = frame[list(sources)].notna().all(axis=1)
        # a missing-data indicator is a driver only where the data is missing; an imputed
        # input is worded by its indicator, not by the median it was given
        words[f"missing_{name}"] = words[f"missing_{name}"].where(~present)
        words[name] = words[name].where(present)
    long = pd.concat(
        [
            contributions.stack(future_stack=True).rename("contribution"),
            words.reindex(columns=inputs).stack(future_stack=True).rename("phrase"),
        ],
        axis=1,
    )
    long = long[(long["contribution"] >= MIN_CONTRIBUTION) & long["phrase"].notna()]
    long = long.sort_values("contribution", ascending=False, kind="stable")
    ranked = long.groupby(level=0, sort=False).head(top)
    joined = ranked.groupby(level=0, sort=False)["phrase"].agg("; ".join)
    return joined.reindex(frame.index).fillna(labels(lang).drivers["none"])
