"""CRM mappings: the TOML file that says how an export's files and columns become tables.

A mapping is read and checked on its own, before any export file is opened: its syntax,
its keys (an unknown key gets the close one suggested), the types of its values, the
canonical tables, columns and enum values it names, and that its files stay inside the
export folder. Every problem is collected and raised together in one ``ConfigError``.
``acctkit.data.exports`` then applies the checked ``Mapping`` to the export's files.

Example (see docs/import.md for the whole format)::

    [options]
    dayfirst = true

    [tables.opportunities]
    file = "Opportunities.csv"

    [tables.opportunities.columns]
    opportunity_id = "Opportunity ID"
    stage = "Stage"

    [tables.opportunities.values.stage]
    "Closed Won" = "closed_won"
"""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

import pandas as pd

from acctkit.data import parse
from acctkit.data.portfolio import TABLE_NAMES
from acctkit.data.schema import SCHEMA, Column
from acctkit.errors import ConfigError

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

TOP_KEYS = ("options", "tables")
OPTION_KEYS = ("dayfirst", "monthfirst", "encoding")
TABLE_KEYS = (
    "file",
    "sheet",
    *OPTION_KEYS,
    "where",
    "columns",
    "values",
    "defaults",
    "source",
    "query",
)
COLUMN_KEYS = ("column", "where")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
READABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".parquet", *WORKBOOK_SUFFIXES)


@dataclass(frozen=True)
class Condition:
    """Rows whose export ``column`` holds one of ``values`` (compared by ``parse.fold``)."""

    column: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Source:
    """Where a canonical column's cells come from: one export column, or several joined
    with a space (``["First Name", "Last Name"]``), blank on rows outside ``where``."""

    columns: tuple[str, ...]
    where: tuple[Condition, ...] = ()

    @property
    def label(self) -> str:
        return " + ".join(self.columns)


@dataclass(frozen=True)
class TableMapping:
    """How one canonical table is read from the export.

    ``values[column]`` maps folded export values to canonical text (``""`` = blank);
    ``value_keys[column]`` keeps the export values as the mapping writes them, for messages.
    ``defaults`` are canonical text too.
    """

    name: str
    file: str | None = None
    sheet: str | None = None
    encoding: str | None = None
    date_order: str | None = None
    where: tuple[Condition, ...] = ()
    columns: dict[str, Source] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    value_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    source: str | None = None  # a database table ("schema.table"), for a database URL
    query: str | None = None  # a SELECT whose result is the table, for a database URL

    @property
    def section(self) -> str:
        return f"tables.{self.name}"


@dataclass(frozen=True)
class Mapping:
    """A checked mapping: the tables it reads, and its options. ``origin`` names it."""

    tables: dict[str, TableMapping]
    date_order: str | None = None
    encoding: str | None = None
    origin: str = "mapping"


def read_mapping(mapping: str | Path | MappingABC | Mapping) -> Mapping:
    """Read and check a mapping: a TOML file's path, or its content as a dict.

    Raises
    ------
    ConfigError
        Listing every problem of the mapping (TOML syntax errors give their line).

    Examples
    --------
    >>> m = read_mapping({"tables": {"accounts": {"file": "Accounts.csv",
    ...                   "columns": {"account_id": "Account ID", "name": "Account Name"}}}})
    >>> m.tables["accounts"].columns["name"].label
    'Account Name'
    """
    if isinstance(mapping, Mapping):
        return mapping
    if isinstance(mapping, MappingABC):
        return _Checker("mapping").mapping(mapping)
    path = Path(mapping)
    if not path.is_file():
        raise ConfigError(f"mapping file '{path}' does not exist")
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            found = "it is UTF-16 text"
        else:
            line = raw[: exc.start].count(b"\n") + 1
            found = f"line {line} holds the byte 0x{raw[exc.start]:02x}"
        raise ConfigError(f"{path.name}: is not UTF-8 text ({found}); save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: not valid TOML: {exc}") from None
    return _Checker(path.name).mapping(data)


class _Checker:
    """Walks the parsed TOML, building the ``Mapping`` and collecting every problem."""

    def __init__(self, origin: str):
        self.origin = origin
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def mapping(self, data: MappingABC) -> Mapping:
        self.keys("the mapping", data, TOP_KEYS)
        options = self.table_of("[options]", data.get("options", {}))
        self.keys("[options]", options, OPTION_KEYS)
        order, encoding = self.reading_options("[options]", options)
        tables = {}
        raw_tables = self.table_of("[tables]", data.get("tables", {}))
        if "tables" in data and not raw_tables:
            self.fail("[tables]", "maps no table; add [tables.accounts] at least")
        for name, spec in raw_tables.items():
            if name not in TABLE_NAMES:
                self.fail(
                    f"[tables.{name}]",
                    f"unknown table '{name}'{parse.did_you_mean(name, TABLE_NAMES)}"
                    f"; tables are: {', '.join(TABLE_NAMES)}",
                )
                continue
            tables[name] = self.table(name, self.table_of(f"[tables.{name}]", spec))
        if not data.get("tables") and not self.problems:
            self.fail("the mapping", "has no [tables.<name>] section; see docs/import.md")
        if self.problems:
            count = len(self.problems)
            head = f"{self.origin}: {count} problem{'s' if count > 1 else ''} in the mapping:"
            raise ConfigError("\n".join([head, *(f"  - {p}" for p in self.problems)]))
        return Mapping(tables, order, encoding, self.origin)

    def keys(self, where: str, table: MappingABC, allowed: tuple[str, ...]) -> None:
        for key in table:
            if key not in allowed:
                hint = parse.did_you_mean(key, allowed)
                self.fail(where, f"unknown key '{key}'{hint}; expected: {', '.join(allowed)}")

    def table_of(self, where: str, value: object) -> MappingABC:
        if isinstance(value, MappingABC):
            return value
        self.fail(where, f"expected a table of keys, got {_describe(value)}")
        return {}

    def typed(self, where: str, value: object, kind: type, what: str):
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            return value
        self.fail(where, f"expected {what}, got {_describe(value)}")
        return None

    def reading_options(self, where: str, spec: MappingABC) -> tuple[str | None, str | None]:
        dayfirst, monthfirst = (
            self.typed(f"{where} {key}", spec.get(key, False), bool, "true or false")
            for key in ("dayfirst", "monthfirst")
        )
        if dayfirst and monthfirst:
            self.fail(where, "dayfirst and monthfirst cannot both be true")
        order = "dmy" if dayfirst else "mdy" if monthfirst else None
        if order is None and ("dayfirst" in spec or "monthfirst" in spec):
            order = "iso"
        encoding = None
        if "encoding" in spec:
            encoding = self.typed(f"{where} encoding", spec["encoding"], str, "an encoding name")
            if encoding is not None:
                try:
                    encoding = codecs.lookup(encoding).name
                except LookupError:
                    self.fail(
                        f"{where} encoding",
                        f"unknown encoding '{encoding}' (e.g. 'utf-8', 'cp1252', 'latin-1')",
                    )
                    encoding = None
        return order, encoding

    def table(self, name: str, spec: MappingABC) -> TableMapping:
        where = f"[tables.{name}]"
        self.keys(where, spec, TABLE_KEYS)
        file = self.path(f"{where} file", spec["file"]) if "file" in spec else None
        sheet = (
            self.typed(f"{where} sheet", spec["sheet"], str, "a sheet name")
            if "sheet" in spec
            else None
        )
        table_source, query = self.database_keys(where, spec)
        if "file" not in spec and "sheet" not in spec and table_source is None and query is None:
            self.fail(where, 'says neither file = "..." nor sheet = "..."')
        if (table_source or query) and ("file" in spec or "sheet" in spec):
            self.fail(where, "says both a file/sheet and a database source/query; keep one")
        if file and sheet and PurePosixPath(file).suffix.lower() not in WORKBOOK_SUFFIXES:
            self.fail(f"{where} sheet", f"'{file}' is not an .xlsx workbook: it has no sheets")
        order, encoding = self.reading_options(where, spec)
        schema = SCHEMA[name]
        columns = {}
        column_specs = self.table_of(f"[tables.{name}.columns]", spec.get("columns", {}))
        for canonical, source in column_specs.items():
            if self.canonical(f"[tables.{name}.columns]", name, canonical):
                columns[canonical] = self.source(f"[tables.{name}.columns] {canonical}", source)
        values, keys = {}, {}
        value_specs = self.table_of(f"[tables.{name}.values]", spec.get("values", {}))
        for canonical, table in value_specs.items():
            if self.canonical(f"[tables.{name}.values]", name, canonical):
                values[canonical], keys[canonical] = self.value_map(
                    f"[tables.{name}.values.{canonical}]",
                    schema.column(canonical),
                    self.table_of(f"[tables.{name}.values.{canonical}]", table),
                )
        defaults = {}
        default_specs = self.table_of(f"[tables.{name}.defaults]", spec.get("defaults", {}))
        for canonical, value in default_specs.items():
            if self.canonical(f"[tables.{name}.defaults]", name, canonical):
                text = self.value(
                    f"[tables.{name}.defaults] {canonical}", schema.column(canonical), value
                )
                if text is not None:
                    defaults[canonical] = text
        return TableMapping(
            name,
            file,
            sheet,
            encoding,
            order,
            self.conditions(f"{where} where", spec.get("where", {})),
            columns,
            values,
            keys,
            defaults,
            table_source,
            query,
        )

    def database_keys(self, where: str, spec: MappingABC) -> tuple[str | None, str | None]:
        """``source`` (a table name) and ``query`` (a SELECT): at most one of them."""
        source = query = None
        if "source" in spec:
            source = self.typed(f"{where} source", spec["source"], str, "a table name")
            if source is not None and not source.strip():
                self.fail(f"{where} source", "is empty")
                source = None
        if "query" in spec:
            query = self.typed(f"{where} query", spec["query"], str, "a SELECT query")
            if query is not None:
                query = query.strip().rstrip(";").strip()
                first = query.split(None, 1)[0].lower() if query else ""
                if first not in ("select", "with", "values", "table"):
                    self.fail(f"{where} query", "must read: SELECT ... or WITH ...")
                    query = None
        if source and query:
            self.fail(where, "says both source and query; keep one")
        return (source.strip() if source else None), query

    def path(self, where: str, value: object) -> str | None:
        """A file name relative to the export folder, never leaving it."""
        file = self.typed(where, value, str, "a file name")
        if file is None:
            return None
        posix = PurePosixPath(file.replace("\\", "/"))
        if not file.strip():
            self.fail(where, "is empty")
        elif posix.is_absolute() or PureWindowsPath(file).drive or file.startswith("~"):
            self.fail(
                where,
                f"'{file}' is an absolute path; name a file inside the export "
                "folder, relative to it",
            )
        elif ".." in posix.parts:
            self.fail(
                where, f"'{file}' points outside the export folder ('..'); name a file inside it"
            )
        elif posix.suffix.lower() not in READABLE_SUFFIXES:
            self.fail(where, f"'{file}' is not a CSV, Parquet or .xlsx file")
        else:
            return str(posix)
        return None

    def canonical(self, where: str, table: str, column: str) -> bool:
        names = SCHEMA[table].names
        if column in names:
            return True
        self.fail(
            where,
            f"unknown column '{column}' for {table}{parse.did_you_mean(column, names)}; "
            f"its columns are: {', '.join(names)}",
        )
        return False

    def source(self, where: str, spec: object) -> Source:
        conditions: tuple[Condition, ...] = ()
        if isinstance(spec, MappingABC):
            self.keys(where, spec, COLUMN_KEYS)
            if "column" not in spec:
                self.fail(where, 'expected column = "<export column>" in this inline table')
            conditions = self.conditions(f"{where} where", spec.get("where", {}))
            spec = spec.get("column", "")
        names = spec if isinstance(spec, list) else [spec]
        if not names or not all(isinstance(n, str) and n.strip() for n in names):
            self.fail(
                where, f"expected an export column name (or a list of them), got {_describe(spec)}"
            )
            return Source(())
        return Source(tuple(n.strip() for n in names), conditions)

    def conditions(self, where: str, spec: object) -> tuple[Condition, ...]:
        out = []
        for column, accepted in self.table_of(where, spec).items():
            options = accepted if isinstance(accepted, list) else [accepted]
            texts = [self.scalar_text(f"{where} {column}", v) for v in options]
            if not options:
                self.fail(f"{where} {column}", "expected a value or a list of values, got []")
            out.append(Condition(column.strip(), tuple(parse.fold(t) for t in texts if t)))
        return tuple(out)

    def scalar_text(self, where: str, value: object) -> str | None:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, (str, int, float)):
            return str(value)
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        self.fail(where, f"expected a text, number, boolean or date, got {_describe(value)}")
        return None

    def value_map(
        self, where: str, column: Column, spec: MappingABC
    ) -> tuple[dict[str, str], tuple[str, ...]]:
        folded: dict[str, str] = {}
        first_key: dict[str, str] = {}
        for key, target in spec.items():
            text = self.value(f'{where} "{key}"', column, target, blank_ok=True)
            if text is None:
                continue
            fold = parse.fold(key)
            if fold in folded and folded[fold] != text:
                self.fail(
                    where,
                    f"'{first_key[fold]}' and '{key}' are the same export value "
                    "(case and spaces aside) but map to different values",
                )
            folded[fold], first_key[fold] = text, first_key.get(fold, key)
        return folded, tuple(spec)

    def value(
        self, where: str, column: Column, value: object, *, blank_ok: bool = False
    ) -> str | None:
        """A canonical value as text, checked against the column's kind."""
        text = self.scalar_text(where, value)
        if text is None or (blank_ok and text == ""):
            return text
        bad = False
        if column.kind == "enum":
            bad = text not in column.choices
        elif column.kind == "bool":
            bad = parse.fold(text) not in parse.TRUE_WORDS | parse.FALSE_WORDS
        elif column.kind in ("float", "int"):
            bad = bool(parse.number(pd.Series([text], dtype=object))[1].iloc[0])
        elif column.kind == "date":
            bad = bool(parse.date(pd.Series([text], dtype=object))[1].iloc[0])
        if bad:
            expected = {
                "enum": f"one of: {', '.join(column.choices)}",
                "bool": "true or false",
                "float": "a number",
                "int": "a whole number",
                "date": "a date YYYY-MM-DD",
            }[column.kind]
            hint = (
                parse.did_you_mean(parse.snake(text), column.choices)
                if column.kind == "enum"
                else ""
            )
            self.fail(where, f"{text!r} is not a valid {column.name}{hint}; expected {expected}")
            return None
        return text


def _describe(value: object) -> str:
    if isinstance(value, MappingABC):
        return "a table"
    if isinstance(value, list):
        return f"a list {value!r}"
    return f"{type(value).__name__} {value!r}"
