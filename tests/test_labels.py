"""Labels: every KPI column, family, band, segment, alert and severity in English and French."""

from __future__ import annotations

import re

import pytest

from acctkit.config import ALERT_CODES
from acctkit.errors import ConfigError
from acctkit.i18n import COLUMNS, label_table, labels
from acctkit.kpis.alerts import SEVERITIES
from acctkit.kpis.columns import FAMILIES, KPI_COLUMNS
from acctkit.kpis.scores import BANDS, SEGMENTS


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_kpi_and_category_has_a_label(lang):
    words = labels(lang)
    assert set(words.columns) == set(KPI_COLUMNS)
    assert set(words.families) == set(FAMILIES)
    assert set(words.bands) == set(BANDS)
    assert set(words.segments) == set(SEGMENTS)
    assert set(words.alerts) == set(ALERT_CODES)
    assert set(words.severities) == set(SEVERITIES)
    for group in (words.columns, words.families, words.bands, words.segments, words.alerts):
        assert all(text.strip() for text in group.values())


def test_catalogue_labels():
    en, fr = labels("en"), labels("fr")
    assert en["coverage_pct"] == "Account coverage"
    assert fr["coverage_pct"] == "Couverture de compte"
    assert fr["whitespace"] == "Potentiel non capté"
    assert fr["cost_to_serve_pct"] == "Coût de service"
    assert fr["win_rate_pct"] == "Taux de transformation"
    assert fr.families["potential"] == "Potentiel & stratégie"
    assert fr.families["execution"] == "Exécution & performance"
    assert fr.segments["deprioritize"] == "Désprioriser"
    assert fr.segments["invest"] == "Élever / investir"
    assert fr.severities["high"] == "Élevée"
    assert en.bands["amber"] == "Amber"


def test_french_differs_from_english_where_it_should():
    en, fr = labels("en"), labels("fr")
    different = [c for c in COLUMNS if en[c] != fr[c]]
    assert len(different) > 0.8 * len(COLUMNS)


def test_message_templates_have_the_same_placeholders():
    en, fr = labels("en").messages, labels("fr").messages
    assert set(en) == set(fr)
    for key in en:
        assert set(re.findall(r"\{(\w+)\}", en[key])) == set(re.findall(r"\{(\w+)\}", fr[key]))


def test_unknown_language():
    with pytest.raises(ConfigError, match="unknown language 'de'"):
        labels("de")


def test_label_table():
    table = label_table()
    assert table.loc[("column", "nps_drift"), "fr"] == "Dérive du NPS"
    assert table.loc[("segment", "maintain"), "en"] == "Maintain"
    assert not table.index.duplicated().any()


def test_lookup_helpers():
    fr = labels("fr")
    assert fr["account_id"] == "Compte"
    assert fr.get("not_a_column") is None
    with pytest.raises(KeyError):
        fr["not_a_column"]
