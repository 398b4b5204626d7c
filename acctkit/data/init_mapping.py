"""A starter mapping for a CRM export (``acctkit init-mapping``).

Lists the export's files (and workbook sheets) with their columns; proposes which file holds
which table and which export column feeds which canonical column, by name (the words CRMs
use are in ``crm_vocabulary``); lists the distinct values of enum columns with a proposed
canonical value where one is clear; and writes it all as a commented TOML mapping. What
needs a decision is written commented out with the reason, so that loading with the
starter mapping reports exactly what is left to do.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from acctkit.data import parse
from acctkit.data.crm_vocabulary import (
    COLUMN_WORDS,
    FALSE_FRIENDS,
    NAME_AS_ID,
    TABLE_WORDS,
    value_words,
)
from acctkit.data.exports import join_columns
from acctkit.data.mapping import READABLE_SUFFIXES, WORKBOOK_SUFFIXES
from acctkit.data.portfolio import TABLE_NAMES
from acctkit.data.readers import read_failure, read_file, read_sheet, sheet_names
from acctkit.data.schema import CLOSED_STAGES, SCHEMA, Column
from acctkit.errors import ConfigError, DataValidationError, Problem

FUZZY_CUTOFF = 0.85  # name similarity for a column proposal marked "check"
VALUES_LISTED = 40  # distinct values of an enum column written out
MATCHED_BY_COLUMNS = 0.6  # share of a table's required columns an unnamed file must have
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}")


@dataclass(frozen=True, eq=False)  # compared by identity: one per file or sheet
class _Export:
    """One file or sheet of the export, read as text cells."""

    label: str
    file: str | None  # relative to the export folder; None when the export is a workbook
    sheet: str | None
    frame: pd.DataFrame
    encoding: str | None = None

    @property
    def stem(self) -> str:
        return self.sheet if self.sheet is not None else Path(self.file or "").stem


@dataclass(frozen=True)
class _Proposal:
    """Where a canonical column could come from; ``active`` False: written commented out."""

    columns: tuple[str, ...]
    note: str = ""
    active: bool = True
    where: tuple[str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class StarterMapping:
    """A proposed mapping: its TOML ``text``, the file proposed for each table, and what is
    left for the user to decide (each also a commented-out line of the text)."""

    text: str
    tables: dict[str, str]
    to_decide: tuple[str, ...] = ()
    path: Path | None = None

    def summary(self) -> str:
        """A few lines for the command line."""
        where = f"wrote {self.path}: " if self.path else ""
        tables = ", ".join(f"{t} <- {label}" for t, label in self.tables.items()) or "none"
        lines = [f"{where}{len(self.tables)} tables proposed ({tables})"]
        if self.to_decide:
            lines.append("left for you to decide (commented out in the file):")
            lines.extend(f"  - {item}" for item in self.to_decide)
        return "\n".join(lines)


def propose_mapping(export: str | Path) -> StarterMapping:
    """Propose a mapping for a CRM export folder (or workbook), without writing it.

    Raises
    ------
    DataValidationError
        The export does not exist or holds no readable file.
    """
    source = Path(export)
    exports, unreadable = _list_exports(source)
    if not exports:
        if not source.exists():
            reason = "does not exist"
        elif source.is_file() and source.suffix.lower() not in WORKBOOK_SUFFIXES:
            reason = "is neither a folder nor an .xlsx workbook"
        else:
            reason = "holds no readable CSV, Parquet or .xlsx file"
        problems = [Problem("export", why, file=name) for name, why in unreadable]
        if not (source.is_file() and problems):  # a workbook that failed says it all
            problems.insert(0, Problem("export", f"'{source}' {reason}"))
        raise DataValidationError(problems, source=str(source))
    assigned = _assign_tables(exports)
    writer = _Writer(source, exports, unreadable)
    for table, chosen in assigned.items():
        writer.table(table, chosen)
    writer.unassigned([e for e in exports if e not in assigned.values()])
    return StarterMapping(
        writer.render(), {t: e.label for t, e in assigned.items()}, tuple(writer.to_decide)
    )


def write_starter_mapping(
    export: str | Path, output: str | Path, *, overwrite: bool = False
) -> StarterMapping:
    """Propose a mapping for ``export`` and write it to ``output`` (a ``.toml`` file).

    Raises
    ------
    ConfigError
        ``output`` exists and ``overwrite`` is False.
    DataValidationError
        The export does not exist or holds no readable file.

    Examples
    --------
    >>> starter = write_starter_mapping("exports/2026-10", "crm.toml")   # doctest: +SKIP
    >>> print(starter.summary())                                           # doctest: +SKIP
    """
    path = Path(output)
    if path.exists() and not overwrite:
        raise ConfigError(
            f"'{path}' already exists; choose another name, or overwrite it "
            "(overwrite=True, --force)"
        )
    starter = propose_mapping(export)
    path.write_text(starter.text, encoding="utf-8")
    return StarterMapping(starter.text, starter.tables, starter.to_decide, path)


def _list_exports(source: Path) -> tuple[list[_Export], list[tuple[str, str]]]:
    exports, unreadable = [], []
    if source.is_file():
        if source.suffix.lower() not in WORKBOOK_SUFFIXES:
            return [], []
        try:
            return [
                _Export(f"sheet '{s}'", None, s, read_sheet("export", source, s).frame)
                for s in sheet_names(source)
            ], []
        except Exception as exc:  # a damaged workbook: say why, in the user's terms
            return [], [(source.name, read_failure(exc))]
    if not source.is_dir():
        return [], []
    root = source.resolve()
    for path in sorted(source.iterdir()):
        if (
            path.name.startswith(".")
            or not path.is_file()
            or path.suffix.lower() not in READABLE_SUFFIXES
            or not path.resolve().is_relative_to(root)
        ):
            continue
        try:
            if path.suffix.lower() in WORKBOOK_SUFFIXES:
                exports.extend(
                    _Export(
                        f"{path.name}, sheet '{s}'",
                        path.name,
                        s,
                        read_sheet("export", path, s).frame,
                    )
                    for s in sheet_names(path)
                )
            else:
                raw = read_file("export", path)
                exports.append(_Export(path.name, path.name, None, raw.frame, raw.encoding))
        except Exception as exc:  # a damaged file is listed, not fatal: the others still help
            unreadable.append((path.name, read_failure(exc)))
    return exports, unreadable


def _assign_tables(exports: list[_Export]) -> dict[str, _Export]:
    """Each table's export, by file or sheet name, else by the columns it has."""
    assigned: dict[str, _Export] = {}
    for export in exports:
        tokens = set(re.split(r"[^a-z0-9]+", parse.fold(export.stem)))
        for table, words in TABLE_WORDS:
            if tokens & words:
                assigned.setdefault(table, export)
                break
    for export in exports:  # not named after a table: the one most of whose columns it has
        if export in assigned.values():
            continue
        scores = {}
        for table in TABLE_NAMES:
            required = [c.name for c in SCHEMA[table].columns if c.required]
            if table not in assigned:
                proposals = _propose_columns(table, export)
                scores[table] = sum(c in proposals for c in required) / len(required)
        best = max(scores, key=scores.get, default=None)
        if best is not None and scores[best] >= MATCHED_BY_COLUMNS:
            assigned[best] = export
    return {t: assigned[t] for t in TABLE_NAMES if t in assigned}


def _propose_columns(table: str, export: _Export) -> dict[str, _Proposal]:
    """The best export column for each canonical column (one column feeds one, except an
    account name serving as the id)."""
    header = [str(h) for h in export.frame.columns]
    words = COLUMN_WORDS.get(table, {})
    candidates = []
    proposals: dict[str, _Proposal] = {}
    for column in SCHEMA[table].columns:
        names = words.get(column.name, ())
        friends, why = FALSE_FRIENDS.get((table, column.name), ((), ""))
        for position, name in enumerate(header):
            folded = parse.fold(name)
            if folded in friends:
                proposals[column.name] = _Proposal((name,), f"check: {why}", active=False)
                continue
            if parse.snake(name) == column.name:
                candidates.append((1.0, position, column.name, name, ""))
            elif folded in names:
                candidates.append(
                    (0.95 - 0.01 * names.index(folded), position, column.name, name, "")
                )
            else:
                targets = (column.name, *(parse.snake(n) for n in names))
                ratio = max(
                    difflib.SequenceMatcher(None, parse.snake(name), t).ratio() for t in targets
                )
                if ratio >= FUZZY_CUTOFF:
                    candidates.append(
                        (ratio / 2, position, column.name, name, "guessed from the name: check")
                    )
    used = set()
    for _, _, column, name, note in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if column not in proposals and name not in used:
            proposals[column] = _Proposal((name,), note)
            used.add(name)
    _name_fallbacks(table, header, proposals)
    return {c: proposals[c] for c in SCHEMA[table].names if c in proposals}


def _name_fallbacks(table: str, header: list[str], proposals: dict[str, _Proposal]) -> None:
    folded = {parse.fold(h): h for h in header}
    if "account_id" not in proposals and "account_id" in SCHEMA[table].names:
        if table == "accounts" and "name" in proposals:
            proposals["account_id"] = _Proposal(
                proposals["name"].columns,
                "no id column: the name serves as the id (map the "
                "other tables' account_id to their account name column too)",
            )
        else:
            name = next((folded[n] for n in NAME_AS_ID if n in folded), None)
            if name is not None:
                proposals["account_id"] = _Proposal(
                    (name,),
                    "no id column: accounts are identified by name (map accounts' "
                    "account_id to its name column too)",
                )
    if table == "contacts" and "name" not in proposals:
        first, last = folded.get("first name"), folded.get("last name")
        if first and last:
            proposals["name"] = _Proposal((first, last), "first and last names joined")


def _propose_values(
    table: str, column: Column, cells: pd.Series
) -> list[tuple[str, str | None, int, str]]:
    """(export value, proposed canonical value or None, rows, note) per distinct value."""
    strings = parse.label(cells).dropna()
    groups: dict[str, list] = {}
    for value, count in strings.value_counts(sort=False).items():
        group = groups.setdefault(parse.fold(value), [value, 0])
        group[1] += int(count)
    known = value_words(table, column.name)
    out = []
    for folded, (value, count) in groups.items():
        snake = parse.snake(value)
        if snake in column.choices:
            out.append((value, snake, count, ""))
        elif folded in known:
            out.append((value, known[folded], count, ""))
        else:
            inside = [c for c in column.choices if c in snake or c.replace("_", " ") in folded]
            guess = max(inside, key=len) if inside else None
            out.append((value, guess, count, "guessed: check" if guess else ""))
    return sorted(out, key=lambda v: -v[2])


class _Writer:
    """Builds the TOML text, section by section, and the list of what is left to decide."""

    def __init__(self, source: Path, exports: list[_Export], unreadable: list[tuple[str, str]]):
        self.source = source
        self.sections: list[list[str]] = []
        self.to_decide: list[str] = []
        self.dates: list[str] = []
        self.head = [
            f"# acctkit mapping for the CRM export '{source.name}', proposed by "
            "`acctkit init-mapping`.",
            "# Review every line (those marked 'check' are guesses) and fill in the commented-",
            "# out ones you need, then check it:",
            f"#   acctkit validate {source} --mapping <this file>",
            '# Format (docs/import.md): canonical column = "export column"; '
            '"export value" = canonical value.',
            "#",
            "# The export holds:",
            *(f"#   {e.label}: {', '.join(map(str, e.frame.columns))}" for e in exports),
            *(f"#   {name}: {why} (could not be read)" for name, why in unreadable),
        ]

    def table(self, table: str, export: _Export) -> None:
        proposals = _propose_columns(table, export)
        values = {
            name: _propose_values(table, SCHEMA[table].column(name), export.frame[p.columns[0]])
            for name, p in proposals.items()
            if SCHEMA[table].column(name).kind == "enum" and len(p.columns) == 1 and p.active
        }
        if table == "opportunities":
            self._closed_on_when_closed(export, proposals, values)
        self._check_probability(export, proposals)
        for name, proposal in proposals.items():
            if SCHEMA[table].column(name).kind == "date" and proposal.active:
                cells = parse.text(export.frame[proposal.columns[0]]).dropna()
                self.dates.extend(cells.head(5000).tolist())
        lines = [f"[tables.{table}]"]
        if export.file is not None:
            lines.append(f"file = {_quote(export.file)}")
        if export.sheet is not None:
            lines.append(f"sheet = {_quote(export.sheet)}")
        if export.encoding:
            lines.append(
                f"# read as {export.encoding} (not UTF-8): if accents look wrong, "
                'say encoding = "..."'
            )
        lines += ["", f"[tables.{table}.columns]"]
        for column in SCHEMA[table].columns:
            lines.append(self._column_line(table, column, proposals.get(column.name)))
        used = {c for p in proposals.values() if p.active for c in p.columns}
        unused = [str(c) for c in export.frame.columns if c not in used]
        if unused:
            lines.append(f"# not mapped (kept as extra columns): {', '.join(unused)}")
        defaults = self._defaults_lines(table, export, proposals)
        if defaults:
            lines += [
                "",
                f"[tables.{table}.defaults]   # for blank cells, or columns the export lacks",
                *defaults,
            ]
        for name, found in values.items():
            lines += self._values_lines(table, SCHEMA[table].column(name), proposals[name], found)
        self.sections.append(lines)

    def _column_line(self, table: str, column: Column, proposal: _Proposal | None) -> str:
        if proposal is None:
            if column.required:
                self.to_decide.append(
                    f"{table}: required column '{column.name}' has no matching export column"
                )
                return (
                    f'# {column.name} = ""   # required: no column looks like it; map one, '
                    f"or give a value under [tables.{table}.defaults]"
                )
            return f'# {column.name} = ""'
        if len(proposal.columns) == 1:
            value = _quote(proposal.columns[0])
        else:
            value = "[" + ", ".join(_quote(c) for c in proposal.columns) + "]"
        if proposal.where is not None:
            on, accepted = proposal.where
            listed = ", ".join(_quote(v) for v in accepted)
            value = f"{{ column = {value}, where = {{ {_quote(on)} = [{listed}] }} }}"
        line = f"{column.name} = {value}"
        if not proposal.active:
            self.to_decide.append(f"{table}.{column.name}: {proposal.note}")
            line = "# " + line
        return line + (f"   # {proposal.note}" if proposal.note else "")

    def _defaults_lines(
        self, table: str, export: _Export, proposals: dict[str, _Proposal]
    ) -> list[str]:
        """Commented defaults for required columns the export lacks or leaves blank."""
        lines = []
        for column in SCHEMA[table].columns:
            proposal = proposals.get(column.name)
            if not column.required:
                continue
            example = _quote(column.choices[0] if column.choices else "")
            if proposal is None or not proposal.active:
                lines.append(f"# {column.name} = {example}")
                continue
            blank = int(join_columns(export.frame, list(proposal.columns)).isna().sum())
            if not blank:
                continue
            rows = f"{blank} row{'s' if blank > 1 else ''}"
            label = proposal.columns[0]
            if column.name == "account_id" and table != "accounts":
                self.to_decide.append(
                    f"{table}: {rows} without '{label}': fill them in, or "
                    "load with drop_orphans (--drop-orphans) to skip them"
                )
            elif column.choices:
                self.to_decide.append(
                    f"{table}.{column.name}: {rows} with a blank '{label}': "
                    f"give a default under [tables.{table}.defaults]"
                )
                lines.append(
                    f"# {column.name} = {example}   # for the {rows} with a blank '{label}'"
                )
            else:
                self.to_decide.append(
                    f"{table}.{column.name}: {rows} with a blank '{label}' (required): fill them in"
                )
        return lines

    def _values_lines(
        self, table: str, column: Column, proposal: _Proposal, found: list
    ) -> list[str]:
        if all(canonical == parse.snake(value) for value, canonical, _, _ in found):
            return []  # canonical but for case and spaces: read as such without a map
        lines = [
            "",
            f"[tables.{table}.values.{column.name}]   # export value = one of: "
            f"{', '.join(column.choices)}",
        ]
        missing = []
        for value, canonical, count, note in found[:VALUES_LISTED]:
            rows = f"{count} row{'s' if count > 1 else ''}"
            if canonical is None:
                missing.append(value)
                lines.append(f'# {_quote(value)} = ""   # {rows}: which {column.name}?')
            else:
                comment = f"   # {rows}" + (f"; {note}" if note else "")
                lines.append(f"{_quote(value)} = {_quote(canonical)}{comment}")
        if len(found) > VALUES_LISTED:
            lines.append(f"# ... and {len(found) - VALUES_LISTED} other values")
        if missing:
            shown = ", ".join(repr(v) for v in missing[:5])
            count = f"{len(missing)} value{'s' if len(missing) > 1 else ''}"
            self.to_decide.append(
                f"{table}, column '{proposal.columns[0]}': {count} to map ({shown})"
            )
        return lines

    def _closed_on_when_closed(self, export, proposals, values) -> None:
        """A Salesforce-like 'Close Date' is the expected close while a deal is open: read
        it as closed_on only on closed deals (and as expected_close_on)."""
        closed, stage = proposals.get("closed_on"), proposals.get("stage")
        if not (closed and stage and closed.active and "stage" in values):
            return
        closing = [v for v, canonical, _, _ in values["stage"] if canonical in CLOSED_STAGES]
        by_value = {parse.fold(v): canonical for v, canonical, _, _ in values["stage"]}
        stages = parse.label(export.frame[stage.columns[0]]).map(
            lambda v: by_value.get(parse.fold(v)), na_action="ignore"
        )
        dated = parse.text(export.frame[closed.columns[0]]).notna()
        if closing and (dated & ~stages.isin(CLOSED_STAGES)).any():
            proposals["closed_on"] = _Proposal(
                closed.columns,
                "the export dates open deals too: closed_on only when closed",
                where=(stage.columns[0], tuple(closing)),
            )
            proposals.setdefault(
                "expected_close_on",
                _Proposal(closed.columns, "an open deal's close date is its expected close"),
            )

    @staticmethod
    def _check_probability(export: _Export, proposals: dict[str, _Proposal]) -> None:
        found = proposals.get("probability")
        if found is None or not found.active:
            return
        values, _ = parse.number(export.frame[found.columns[0]])
        if values.notna().any() and values.max() <= 1:
            proposals["probability"] = _Proposal(
                found.columns,
                "check: its values are 0..1 and acctkit wants 0..100 (%); "
                "unmapped, each stage's default probability applies",
                active=False,
            )

    def unassigned(self, exports: list[_Export]) -> None:
        if exports:
            self.sections.append(
                ["# Not matched to a table (map one by hand if it holds a table):"]
                + [f"#   {e.label}" for e in exports]
            )

    def render(self) -> str:
        options = self._options()
        parts = ["\n".join(self.head)]
        if options:
            parts.append("\n".join(["[options]", *options]))
        parts += ["\n".join(lines) for lines in self.sections]
        return "\n\n".join(parts) + "\n"

    def _options(self) -> list[str]:
        days = months = ambiguous = 0
        for value in self.dates:
            match = _DATE.match(value)
            if match:
                first, second = int(match.group(1)), int(match.group(2))
                days += first > 12
                months += second > 12
                ambiguous += first <= 12 and second <= 12
        if days and not months:
            return ["dayfirst = true   # dates like 31/10/2026 were found"]
        if months and not days:
            return ["monthfirst = true   # dates like 10/31/2026 were found"]
        if days and months:
            return ["# dates are written both DD/MM and MM/DD: check the export's settings"]
        if ambiguous:
            return [
                "# dates like 03/04/2026 were found: say dayfirst = true (3 April) or "
                "monthfirst = true (4 March)"
            ]
        return []


def _quote(text: str) -> str:
    """A TOML basic string (JSON's escapes are all valid TOML escapes)."""
    return json.dumps(str(text), ensure_ascii=False)
