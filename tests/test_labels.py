"""Labels: every KPI column, family, band, segment, alert and severity in English and French;
the catalogue files they come from, and a language added with one more file."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from acctkit.config import ALERT_CODES
from acctkit.errors import ConfigError
from acctkit.i18n import label_table, labels, languages
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
    different = [c for c in en.columns if en[c] != fr[c]]
    assert len(different) > 0.8 * len(en.columns)


def test_unknown_language():
    with pytest.raises(ConfigError, match="^unknown language 'de'; expected one of: en, fr$"):
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


# -- the catalogue files -----------------------------------------------------------------------

LOCALES = Path(__file__).resolve().parents[1] / "acctkit" / "locales"


def catalogue(lang: str) -> dict:
    return tomllib.loads((LOCALES / f"{lang}.toml").read_text(encoding="utf-8"))


def fields(text: str) -> set[str]:
    return set(re.findall(r"\{(\w*)\}", text))


def differences(words: dict, english: dict) -> list[str]:
    """Where a catalogue and the English one differ: tables, keys, placeholders."""
    found = []
    for group in sorted(english.keys() | words.keys()):
        ours, reference = words.get(group, {}), english.get(group, {})
        found += [f"[{group}] {key}: missing" for key in sorted(reference.keys() - ours.keys())]
        found += [f"[{group}] {key}: not in English" for key in sorted(ours.keys() - reference)]
        for key in sorted(ours.keys() & reference.keys()):
            if fields(ours[key]) != fields(reference[key]):
                found.append(f"[{group}] {key}: {sorted(fields(ours[key]))}")
    return found


def test_the_shipped_languages_are_english_and_french():
    assert sorted(path.stem for path in LOCALES.glob("*.toml")) == ["en", "fr"]
    assert languages() == ("en", "fr")


SHIPPED = sorted(path.stem for path in LOCALES.glob("*.toml") if path.stem != "en")


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_shipped_catalogue_has_the_english_keys_and_placeholders(lang):
    assert differences(catalogue(lang), catalogue("en")) == []


@pytest.mark.parametrize("lang", ["en", *SHIPPED])
def test_every_shipped_word_is_text(lang):
    words = catalogue(lang)
    assert list(words)[:3] == ["families", "columns", "bands"]
    for group, table in words.items():
        assert table, group
        for key, text in table.items():
            assert isinstance(text, str) and (text.strip() or group == "numbers"), (group, key)


def test_the_placeholders_that_the_code_fills_are_in_the_catalogue():
    en = catalogue("en")
    assert fields(en["messages"]["irritants_rising"]) == {"value", "prev"}
    assert fields(en["report"]["chart.won.title"]) == {"window"}
    assert fields(en["drivers"]["interactions.down"]) == {"pct", "days", "now", "before"}
    assert fields(en["footer"]["generated"]) == {"version", "generated"}


def test_the_checker_finds_a_missing_key_and_a_placeholder_renamed():
    english = {"report": {"since": "since {date}", "title": "Review"}, "bands": {"red": "Red"}}
    assert differences(english, english) == []
    assert differences(
        {"report": {"since": "depuis le {date}"}, "bands": {"red": "Rouge"}}, english
    ) == ["[report] title: missing"]
    renamed = {"report": {"since": "depuis le {jour}", "title": "Revue"}, "bands": {"red": "Rouge"}}
    assert differences(renamed, english) == ["[report] since: ['jour']"]
    extra = {"report": {"since": "depuis", "title": "Revue", "typo": "x"}, "bands": {}}
    assert differences(extra, english) == [
        "[bands] red: missing",
        "[report] typo: not in English",
        "[report] since: []",
    ]


def test_importing_the_labels_reads_no_catalogue_and_no_pandas(tmp_path):
    code = (
        "import sys, acctkit.i18n as i18n; "
        "print('pandas' in sys.modules, i18n.labels.cache_info().currsize)"
    )
    env = {"ACCTKIT_LOCALES": str(tmp_path / "not-there"), "PATH": ""}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "0"]


# -- a language added with one file -------------------------------------------------------------

XX = """\
[families]
potential = "Potenzial XX"

[report]
"heading.early_warning" = "Frühwarnung XX"
account_title = "Kontoprüfung XX: {name}"
"""


@pytest.fixture
def xx_folder(tmp_path, monkeypatch):
    """ACCTKIT_LOCALES naming a folder with one small catalogue, xx.toml."""
    folder = tmp_path / "locales"
    folder.mkdir()
    (folder / "xx.toml").write_text(XX, encoding="utf-8")
    monkeypatch.setenv("ACCTKIT_LOCALES", str(folder))
    labels.cache_clear()
    yield folder
    monkeypatch.delenv("ACCTKIT_LOCALES")
    labels.cache_clear()


def test_a_catalogue_folder_adds_a_language(xx_folder):
    assert languages() == ("en", "fr", "xx")
    xx, en = labels("xx"), labels("en")
    assert xx.lang == "xx"
    assert xx.families["potential"] == "Potenzial XX"
    assert xx.report["heading.early_warning"] == "Frühwarnung XX"
    # every other word is English
    assert xx.families["relationship"] == en.families["relationship"] == "Relationship & engagement"
    assert xx["coverage_pct"] == "Account coverage"
    assert xx.numbers == en.numbers
    assert set(xx.report) == set(en.report)
    assert list(label_table().columns) == ["en", "fr", "xx"]
    with pytest.raises(ConfigError, match="expected one of: en, fr, xx$"):
        labels("de")


def test_a_catalogue_of_a_shipped_language_overrides_only_its_words(tmp_path, monkeypatch):
    (tmp_path / "fr.toml").write_text('[segments]\nmaintain = "Entretenir"\n', encoding="utf-8")
    monkeypatch.setenv("ACCTKIT_LOCALES", str(tmp_path))
    labels.cache_clear()
    try:
        fr = labels("fr")
        assert fr.segments["maintain"] == "Entretenir"
        assert fr.segments["invest"] == "Élever / investir"
        assert languages() == ("en", "fr")
    finally:
        monkeypatch.delenv("ACCTKIT_LOCALES")
        labels.cache_clear()


def test_the_catalogue_digest_changes_with_a_word(tmp_path, monkeypatch):
    from acctkit.i18n import catalogue_digest

    shipped = catalogue_digest()
    override = tmp_path / "fr.toml"
    override.write_text('[segments]\nmaintain = "Entretenir"\n', encoding="utf-8")
    monkeypatch.setenv("ACCTKIT_LOCALES", str(tmp_path))
    first = catalogue_digest()
    override.write_text('[segments]\nmaintain = "Garder"\n', encoding="utf-8")
    second = catalogue_digest()
    assert len({shipped, first, second}) == 3  # a resumed run or a cached bundle is redone
    override.write_text('[segments]\nmaintain = "Entretenir"\n', encoding="utf-8")
    assert catalogue_digest() == first


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[families\npotential = 'x'\n", r"xx\.toml: .*line 1"),
        ('[familes]\npotential = "x"\n', r"xx\.toml: unknown table \[familes\]"),
        ('[families]\npotental = "x"\n', r"xx\.toml: unknown key \[families\] potental"),
        ("[families]\npotential = 3\n", r"xx\.toml: \[families\] potential must be text, not int"),
        (
            '[report]\nsince = "seit {datum}"\n',
            r"xx\.toml: \[report\] since uses \{datum\}, which the English text does not have",
        ),
    ],
)
def test_a_malformed_catalogue_is_a_config_error(tmp_path, monkeypatch, text, problem):
    (tmp_path / "xx.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("ACCTKIT_LOCALES", str(tmp_path))
    labels.cache_clear()
    try:
        with pytest.raises(ConfigError, match=f"^language catalogue .*{problem}"):
            labels("xx")
        assert labels("fr").segments["maintain"] == "Maintenir"  # other languages still work
    finally:
        monkeypatch.delenv("ACCTKIT_LOCALES")
        labels.cache_clear()


def test_a_missing_catalogue_folder_is_a_config_error(tmp_path, monkeypatch):
    monkeypatch.setenv("ACCTKIT_LOCALES", str(tmp_path / "nowhere"))
    labels.cache_clear()
    try:
        with pytest.raises(ConfigError, match="ACCTKIT_LOCALES: '.*nowhere' is not a folder"):
            labels("en")
    finally:
        monkeypatch.delenv("ACCTKIT_LOCALES")
        labels.cache_clear()


def test_a_report_renders_in_a_language_added_with_one_file(xx_folder, tmp_path):
    """The account review, run for real in a kernel that inherits ACCTKIT_LOCALES."""
    from acctkit.data import from_frames
    from acctkit.datasets import generate_tables
    from acctkit.format import date
    from acctkit.model import EarlyWarningModel
    from acctkit.render import render
    from acctkit.report import build_bundle, load_account, sections

    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "account_review.ipynb"
    portfolio = from_frames(generate_tables(n_accounts=40, months=24, end="2026-10-31", seed=0))
    model = EarlyWarningModel().fit(portfolio, "2026-10-31")
    bundle = build_bundle(portfolio, "2026-10-31", tmp_path / "bundle", model=model)
    risk = load_account(bundle, "A0001").risk
    assert {"drivers_en", "drivers_fr", "drivers_xx"} <= set(risk.columns)
    result = render(
        notebook,
        tmp_path / "A0001.html",
        {"account_id": "A0001", "review_bundle": str(bundle), "lang": "xx", "as_of": "2026-10-31"},
        title=sections.account_title(load_account(bundle, "A0001"), "xx"),
        date=date("2026-10-31", "xx"),
    )
    page = html.unescape(result.html.read_text(encoding="utf-8"))
    assert '<html lang="xx">' in page
    assert "Kontoprüfung XX: " in page
    assert "Potenzial XX" in page and "Frühwarnung XX" in page
    assert "Account at a glance" in page  # the words xx.toml leaves out are English
    assert "Relationship & engagement" in page
    assert "Generated by acctkit" in page
