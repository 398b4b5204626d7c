"""The short per-account table people read: scores, recommendation, band and alert counts."""

from __future__ import annotations

import pandas as pd

from acctkit.data.portfolio import Portfolio
from acctkit.i18n import labels
from acctkit.kpis.alerts import compute_alerts
from acctkit.kpis.engine import ConfigSource

SUMMARY_COLUMNS = (
    "potential_score",
    "segment",
    "relationship_score",
    "execution_score",
    "health_score",
    "health_band",
)


def kpi_summary(
    kpis: pd.DataFrame,
    *,
    alerts: pd.DataFrame | None = None,
    portfolio: Portfolio | None = None,
    config: ConfigSource = None,
    lang: str = "en",
    decimals: int = 1,
) -> pd.DataFrame:
    """One readable row per account: scores, recommendation, health band, alert counts.

    Parameters
    ----------
    kpis
        The output of :func:`acctkit.kpis.compute_kpis`.
    alerts
        The output of :func:`acctkit.kpis.compute_alerts`; computed from ``kpis`` (with
        ``config``) when not given.
    portfolio
        When given, the accounts' names become the first column.
    config
        Configuration used to compute the alerts when ``alerts`` is None.
    lang
        ``"en"`` or ``"fr"``: column headers, recommendation and band in that language.
    decimals
        Rounding of the scores.

    Returns
    -------
    DataFrame
        Indexed by account id (index named with its label, e.g. "Compte"); columns: the
        account name (with ``portfolio``), the four scores, the recommendation, the health
        band, the number of alerts and of high-severity alerts, all headed by their labels.
        Missing scores stay NaN (print with ``na_rep``).

    Examples
    --------
    >>> kpi_summary(compute_kpis(p, "2026-06-30"), portfolio=p, lang="fr")  # doctest: +SKIP
    """
    words = labels(lang)
    if alerts is None:
        alerts = compute_alerts(kpis, config=config, lang=lang)
    table = kpis[list(SUMMARY_COLUMNS)].copy()
    for score in ("potential_score", "relationship_score", "execution_score", "health_score"):
        table[score] = table[score].round(decimals)
    table["segment"] = table["segment"].cat.rename_categories(dict(words.segments))
    table["health_band"] = table["health_band"].cat.rename_categories(dict(words.bands))
    account_ids = alerts["account_id"].astype(object)
    table["alerts"] = account_ids.value_counts().reindex(table.index, fill_value=0)
    high = account_ids[(alerts["severity"] == "high").to_numpy()]
    table["high_alerts"] = high.value_counts().reindex(table.index, fill_value=0)
    if portfolio is not None:
        names = portfolio.accounts.set_index(portfolio.accounts["account_id"].astype(object))
        table.insert(0, "name", names["name"].reindex(table.index).to_numpy())
    headers = {column: words[column] for column in table.columns}
    return table.rename(columns=headers).rename_axis(words["account_id"])
