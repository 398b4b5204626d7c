"""Every people-facing word, one catalogue file per language.

The words live in ``acctkit/locales/<lang>.toml``, one TOML table per group (``[columns]``,
``[families]``, ..., ``[report]``, ``[drivers]``...). Reports, plots and the CLI take their
headers, messages and chart words from :func:`labels`, never from strings of their own.
Column names (the contract) stay English snake_case; only what people read is translated.

The supported languages are the catalogue files found (:func:`languages`): the package's,
then those in the folders listed by the ``ACCTKIT_LOCALES`` environment variable
(separated by ``os.pathsep``), so a language is added with one file and no change to the
package. A catalogue may leave keys out: those words are English. A later file for a
language only overrides the words it defines (a ``fr.toml`` of your own can change a few
French words). English (``en.toml``) is the reference: the shipped catalogues are complete,
and any other may use no group, key or ``{placeholder}`` that English does not have.

Nothing is read at import (every report kernel imports this module): a language's
catalogues are parsed on its first :func:`labels` call.
"""

from __future__ import annotations

import os
import string
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from acctkit.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

LOCALES = Path(__file__).parent / "locales"
"""The shipped catalogues."""
LOCALES_VARIABLE = "ACCTKIT_LOCALES"
"""The environment variable listing more catalogue folders."""
REFERENCE = "en"
"""The complete catalogue: the others are checked against it and fall back to it."""


@dataclass(frozen=True)
class Labels:
    """People-facing words in one language.

    ``labels("fr")["coverage_pct"]`` gives a KPI column's label; the other groups are
    attributes: ``families``, ``bands``, ``segments``, ``alerts`` (alert codes),
    ``severities``, ``risk_bands``, ``words`` (table headers such as ``alerts``, ``as_of``)
    and ``messages`` (alert message templates). The review reports add ``components`` (of
    the scores), ``levels`` and ``roles`` (of contacts), ``stages`` and ``kinds`` (of
    opportunities), ``tiers``, ``action_states``, ``criteria`` (of the
    assessments), ``months`` (abbreviated, keys ``"1"`` to
    ``"12"``), ``report`` (headings, explanations, table headers and chart words) and
    ``footer``; the exploration charts ``exploration`` and ``modeling``; the early-warning
    model ``drivers`` (what raises a risk, in words). ``numbers`` says how numbers are
    written (decimal mark, thousands separator, units of short amounts). ``plan``: the
    account plan's statuses and report words.
    """

    lang: str
    columns: Mapping[str, str]
    families: Mapping[str, str]
    bands: Mapping[str, str]
    segments: Mapping[str, str]
    alerts: Mapping[str, str]
    severities: Mapping[str, str]
    risk_bands: Mapping[str, str]
    words: Mapping[str, str]
    messages: Mapping[str, str]
    components: Mapping[str, str]
    levels: Mapping[str, str]
    roles: Mapping[str, str]
    stages: Mapping[str, str]
    kinds: Mapping[str, str]
    tiers: Mapping[str, str]
    action_states: Mapping[str, str]
    criteria: Mapping[str, str]
    months: Mapping[str, str]
    report: Mapping[str, str]
    exploration: Mapping[str, str]
    modeling: Mapping[str, str]
    drivers: Mapping[str, str]
    footer: Mapping[str, str]
    numbers: Mapping[str, str]
    plan: Mapping[str, str]

    def __getitem__(self, column: str) -> str:
        """The label of a KPI column (or of a table header such as ``account_id``)."""
        if column in self.columns:
            return self.columns[column]
        return self.words[column]

    def get(self, column: str, default: str | None = None) -> str | None:
        """The label of a KPI column, or ``default`` when it has none."""
        try:
            return self[column]
        except KeyError:
            return default


GROUPS = tuple(field.name for field in fields(Labels) if field.name != "lang")
"""The tables of a catalogue file."""


def languages() -> tuple[str, ...]:
    """The supported languages, English first: one per catalogue file found.

    Examples
    --------
    >>> languages()  # doctest: +SKIP
    ('en', 'fr')
    """
    return _in_order(_catalogue_files())


def catalogue_digest() -> str:
    """A SHA-256 of every catalogue file in use (names and contents): caches of translated
    texts (review bundles, resumed reports) are keyed on it, so an edited word is seen."""
    import hashlib

    digest = hashlib.sha256()
    for lang, paths in sorted(_catalogue_files().items()):
        for path in paths:
            digest.update(f"{lang}:{path.name}:".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=16)
def labels(lang: str = "en") -> Labels:
    """Every people-facing word in ``lang``.

    Read once per language (the result is immutable): a report asks for them hundreds of
    times. After changing ``ACCTKIT_LOCALES`` or a catalogue file in a running process,
    call ``labels.cache_clear()``.

    Parameters
    ----------
    lang
        One of :func:`languages` (``"en"``, ``"fr"`` and those of ``ACCTKIT_LOCALES``).

    Raises
    ------
    ConfigError
        For any other language, or when a catalogue file cannot be read or uses a group,
        key or placeholder English does not have.

    Examples
    --------
    >>> fr = labels("fr")
    >>> fr["coverage_pct"], fr.segments["deprioritize"], fr.families["potential"]
    ('Couverture de compte', 'Désprioriser', 'Potentiel & stratégie')
    """
    files = _catalogue_files()
    if lang not in files:
        known = ", ".join(_in_order(files))
        raise ConfigError(f"unknown language {lang!r}; expected one of: {known}")
    english = files.get(REFERENCE, [])
    if not english or english[0].parent != LOCALES:
        raise ConfigError(f"{LOCALES / 'en.toml'} is missing: reinstall acctkit")
    shipped, *overrides = english
    reference = _read(shipped, None)
    words = {group: dict(reference[group]) for group in GROUPS}
    for path in overrides + (files[lang] if lang != REFERENCE else []):
        for group, table in _read(path, reference).items():
            words[group].update(table)
    return Labels(lang=lang, **{group: MappingProxyType(words[group]) for group in GROUPS})


def label_table() -> pd.DataFrame:
    """Every label in every language: one row per (group, key), one column per language.

    Groups are named in the singular (``column``, ``family``, ``report``...).
    """
    import pandas as pd

    codes = languages()
    catalogues = [labels(lang) for lang in codes]
    rows = [
        (_singular(group), key, *(getattr(words, group)[key] for words in catalogues))
        for group in GROUPS
        for key in getattr(catalogues[0], group)
    ]
    return pd.DataFrame(rows, columns=["group", "key", *codes]).set_index(["group", "key"])


def _placeholders(text: str) -> set[str]:
    """The ``{names}`` a template is filled with: ``{"value", "prev"}``."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _problems(catalogue: Mapping, reference: Mapping | None) -> list[str]:
    """What is wrong with a parsed catalogue: a table per group, text values; with a
    ``reference`` (English), no group, key or placeholder the reference does not have.
    Missing keys are not problems here: English fills them in."""
    problems = []
    if reference is None:
        problems += [f"no [{group}] table" for group in GROUPS if group not in catalogue]
    for group, table in catalogue.items():
        if group not in GROUPS:
            problems.append(f"unknown table [{group}]")
            continue
        if not isinstance(table, dict):
            problems.append(f"[{group}] must be a table")
            continue
        for key, text in table.items():
            where = f"[{group}] {key}"
            if not isinstance(text, str):
                problems.append(f"{where} must be text, not {type(text).__name__}")
                continue
            try:
                names = _placeholders(text)
            except ValueError as error:
                problems.append(f"{where}: {error}")
                continue
            if reference is None:
                continue
            if key not in reference[group]:
                problems.append(f"unknown key {where}")
            elif extra := names - _placeholders(reference[group][key]):
                shown = ", ".join(f"{{{name}}}" for name in sorted(extra))
                problems.append(f"{where} uses {shown}, which the English text does not have")
    return problems


def _catalogue_files() -> dict[str, list[Path]]:
    """Each language's catalogue files, in the order they override one another."""
    extra = os.environ.get(LOCALES_VARIABLE, "").split(os.pathsep)
    folders = [LOCALES, *(Path(folder) for folder in extra if folder.strip())]
    files: dict[str, list[Path]] = {}
    for folder in folders:
        if not folder.is_dir():
            raise ConfigError(f"{LOCALES_VARIABLE}: '{folder}' is not a folder")
        for path in sorted(folder.glob("*.toml")):
            files.setdefault(path.stem, []).append(path)
    return files


def _read(path: Path, reference: Mapping | None) -> dict[str, dict[str, str]]:
    """A catalogue file's words, checked (against English when given a ``reference``)."""
    try:
        catalogue = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"language catalogue {path}: {error}") from None
    problems = _problems(catalogue, reference)
    if problems:
        raise ConfigError(f"language catalogue {path}: {'; '.join(problems)}")
    return catalogue


def _in_order(codes) -> tuple[str, ...]:
    return tuple(sorted(codes, key=lambda code: (code != REFERENCE, code)))


def _singular(group: str) -> str:
    """The group's name in :func:`label_table` (``families`` -> ``family``)."""
    return group[:-3] + "y" if group.endswith("ies") else group.removesuffix("s")
