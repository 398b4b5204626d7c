"""Reading the portfolio's tables from a database (a SQLAlchemy URL), in one read transaction.

Tables are found by their acctkit names (optionally in a schema), or through the mapping:
``[tables.contacts] source = "crm.contact"`` or ``query = "SELECT ..."``, then translated by
the same column and value mappings as an export file (``exports.to_canonical``). Each table
becomes a ``RawTable`` labelled with the table (or query) it came from, so validation's
messages name it instead of a file; its row numbers count the result's rows from 1.

Only SELECT (and, on PostgreSQL, ``COPY (SELECT ...) TO STDOUT``) is sent: no DDL, no
temporary table. Fast paths: DuckDB hands over Arrow tables; PostgreSQL (psycopg) streams
``COPY ... (FORMAT csv)`` into Arrow's CSV parser with the columns' own types; any other
dialect is read through the DB-API cursor.
"""

from __future__ import annotations

import contextlib
import queue
import re
import select
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from acctkit.data import parse
from acctkit.data.exports import to_canonical
from acctkit.data.mapping import Mapping
from acctkit.data.portfolio import TABLE_NAMES
from acctkit.data.readers import RawTable
from acctkit.data.validate import header_notes
from acctkit.database import DatabaseError, failure, masked, read_transaction
from acctkit.errors import Problem

# PostgreSQL type OIDs -> the Arrow type its COPY text is parsed as (others stay text).
_PG_TYPES = {
    16: pa.bool_(),
    20: pa.int64(),
    21: pa.int64(),
    23: pa.int64(),
    700: pa.float64(),
    701: pa.float64(),
    1700: pa.float64(),
    1082: pa.date32(),
    1114: pa.timestamp("us"),
}


def read_database_tables(
    url: str,
    *,
    schema: str | None = None,
    mapping: Mapping | None = None,
    on_read: Callable[[RawTable], None] | None = None,
) -> tuple[dict[str, RawTable], list[Problem], list[Problem]]:
    """The raw tables of a portfolio held in a database, the problems found, and notes.

    ``on_read`` is called with each table (of acctkit's names: without a mapping) as soon
    as it is read, from the thread that read it: the load validates it meanwhile.
    """
    raws: dict[str, RawTable] = {}
    problems: list[Problem] = []
    notes: list[Problem] = []
    with read_transaction(url) as connection:
        reader = _Reader(connection, url, on_read if mapping is None else None)
        jobs = _jobs(reader, schema, mapping, problems)
        results = reader.read_all(jobs)
    for name, _, label in jobs:
        result = results[name]
        if isinstance(result, DatabaseError):
            if mapping is None:
                raise result
            reason = str(result).split(f"cannot read {label}: ", 1)[-1]
            problems.append(Problem(name, f"the database could not run it: {reason}", file=label))
            continue
        if mapping is None:
            raws[name] = result
            notes.extend(header_notes(result))
        else:
            raws[name], found = to_canonical(result, mapping.tables[name])
            problems.extend(found)
    return raws, problems, notes


def _jobs(
    reader: _Reader, schema: str | None, mapping: Mapping | None, problems: list[Problem]
) -> list[tuple[str, str, str]]:
    """(table, SELECT, label) of each table to read, in the data model's order."""
    if mapping is None:
        found = reader.tables(schema)
        return [
            (name, reader.select_table(found[name], schema), found[name])
            for name in TABLE_NAMES
            if name in found
        ]
    jobs, found = [], None
    for name in TABLE_NAMES:
        table = mapping.tables.get(name)
        if table is None:
            continue
        if table.query is not None:
            jobs.append((name, table.query, f"query of [tables.{name}]"))
            continue
        wanted = table.source or name
        found = reader.tables(schema) if found is None else found
        actual = _find(wanted, found, schema)
        if actual is None:
            listed = ", ".join(sorted(found.values())) or "none"
            hint = parse.did_you_mean(wanted, list(found.values()))
            problems.append(
                Problem(
                    name,
                    f"table '{wanted}' is not in the database{hint}; its tables: {listed}",
                    file=f"[tables.{name}] source",
                )
            )
            continue
        jobs.append((name, reader.select_table(actual, schema), actual))
    return jobs


def _find(wanted: str, found: dict[str, str], schema: str | None) -> str | None:
    """The database's name for ``wanted`` (``crm.contact`` or ``contact``), case aside."""
    key = wanted.strip().lower()
    if key in found:
        return found[key]
    for actual in found.values():
        if actual.lower() == key:
            return actual
    return None


def check_database_mapping(mapping: Mapping) -> None:
    """A mapping read against a database: every table says ``source`` or ``query``."""
    from acctkit.errors import ConfigError

    wrong = [
        f"  - [tables.{name}]: says file/sheet; a database mapping says "
        'source = "schema.table" or query = "SELECT ..."'
        for name, table in mapping.tables.items()
        if table.source is None and table.query is None
    ]
    if wrong:
        raise ConfigError("\n".join([f"{mapping.origin} does not fit a database:", *wrong]))


def check_file_mapping(mapping: Mapping) -> None:
    """A mapping read against files: no table says ``source`` or ``query``."""
    from acctkit.errors import ConfigError

    wrong = [
        f"  - [tables.{name}]: says source/query, which only a database URL can read"
        for name, table in mapping.tables.items()
        if table.source is not None or table.query is not None
    ]
    if wrong:
        raise ConfigError("\n".join([f"{mapping.origin} does not fit a folder:", *wrong]))


class _Reader:
    """Reads whole results in the transaction's connection by the dialect's fastest path."""

    def __init__(self, connection, url: str, on_read: Callable[[RawTable], None] | None = None):
        self.connection = connection
        self.url = url
        self.on_read = on_read
        self.dialect = connection.dialect
        self.backend = connection.dialect.name
        self.driver = connection.dialect.driver

    def tables(self, schema: str | None) -> dict[str, str]:
        """The tables and views visible in ``schema`` (lower-cased name -> name)."""
        import sqlalchemy as sa

        inspector = sa.inspect(self.connection)
        try:
            names = inspector.get_table_names(schema=schema)
            names += inspector.get_view_names(schema=schema)
        except Exception as exc:  # an unknown schema, no rights on the catalogue...
            raise failure(exc, self.url, f"cannot list the tables of schema {schema!r}") from None
        if schema is None:
            return {name.lower(): name for name in names}
        return {name.lower(): name for name in names} | {
            f"{schema}.{name}".lower(): name for name in names
        }

    def select_table(self, table: str, schema: str | None) -> str:
        quote = self.dialect.identifier_preparer.quote
        if "." in table and schema is None:
            first, _, rest = table.partition(".")
            return f"SELECT * FROM {quote(first)}.{quote(rest)}"
        prefix = f"{quote(schema)}." if schema else ""
        return f"SELECT * FROM {prefix}{quote(table)}"

    def read_all(self, jobs: list[tuple[str, str, str]]) -> dict[str, RawTable | DatabaseError]:
        """Each job's raw table, or the DatabaseError that stopped it."""
        if self.backend == "postgresql" and self.driver == "psycopg" and jobs:
            found = self._adbc(jobs)
            if found is not None:
                return found
        if self.backend == "postgresql" and self.driver == "psycopg" and len(jobs) > 1:
            second = self._snapshot_connection()
            if second is not None:
                try:
                    return self._in_parallel(jobs, second)
                finally:
                    second.close()
        return {name: self.read(name, sql, label) for name, sql, label in jobs}

    def read(self, name: str, sql: str, label: str, raw=None) -> RawTable | DatabaseError:
        from sqlalchemy.exc import DBAPIError, SQLAlchemyError

        try:
            if self.backend == "duckdb":
                frame = self._duckdb(sql)
            elif self.backend == "postgresql" and self.driver == "psycopg":
                frame = self._postgres_copy(
                    sql, raw or self.connection.connection.driver_connection
                )
            else:
                frame = self._cursor(sql)
        except (SQLAlchemyError, DBAPIError, OSError) as exc:
            return failure(exc, self.url, f"cannot read {label}")
        except Exception as exc:  # drivers raise their own kinds (duckdb, psycopg)
            if type(exc).__module__.split(".")[0] in ("duckdb", "_duckdb", "psycopg"):
                return failure(exc, self.url, f"cannot read {label}")
            raise
        return self._raw(name, frame, label)

    def _adbc(self, jobs) -> dict[str, RawTable | DatabaseError] | None:
        """PostgreSQL through the ADBC driver when it is installed (``COPY ... (FORMAT
        binary)`` decoded into Arrow in C++, no row in Python), in the load's snapshot
        (exported to it); None when the driver is missing or cannot connect."""
        try:
            import adbc_driver_postgresql.dbapi as adbc
        except ImportError:
            return None
        snapshot = self._export_snapshot()
        if snapshot is None:
            return None
        try:
            connection = adbc.connect(libpq_uri(self.url))
        except Exception:  # noqa: BLE001 - e.g. options libpq's URI does not take
            return None
        results: dict[str, RawTable | DatabaseError] = {}
        left = list(jobs)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                while left:
                    name, sql, label = left.pop(0)
                    try:
                        cursor.execute(sql)
                        frame = _arrow_frame(cursor.fetch_arrow_table())
                    except adbc.Error as exc:  # this connection is done: the rest below
                        reason = RuntimeError(_adbc_reason(exc))
                        results[name] = failure(reason, self.url, f"cannot read {label}")
                        break
                    results[name] = self._raw(name, frame, label)
        except adbc.Error as exc:
            raise failure(RuntimeError(_adbc_reason(exc)), self.url, "cannot read") from None
        finally:
            with contextlib.suppress(adbc.Error):
                connection.rollback()
            connection.close()
        for name, sql, label in left:  # after a failed query: on the load's own connection
            results[name] = self.read(name, sql, label)
        return results

    def _export_snapshot(self) -> str | None:
        """The load's snapshot, exported for a second connection to share (None: refused)."""
        import psycopg

        raw = self.connection.connection.driver_connection
        try:  # not in a savepoint: a subtransaction cannot export its snapshot
            (snapshot,) = raw.execute("SELECT pg_export_snapshot()").fetchone()
        except psycopg.Error:  # e.g. a standby server: a new snapshot, read on one connection
            raw.rollback()  # nothing was read yet but the table names
            return None
        return snapshot if re.fullmatch(r"[0-9A-Fa-f-]+", snapshot) else None

    def _raw(self, name: str, frame: pd.DataFrame, label: str) -> RawTable:
        shown = f"database table '{label}'" if not label.startswith("query") else label
        raw = RawTable(name, frame, shown, rows=np.arange(1, len(frame) + 1))
        if self.on_read is not None:
            self.on_read(raw)
        return raw

    def _snapshot_connection(self):
        """A second PostgreSQL connection in the same snapshot as the first (an exported
        snapshot: both see the database at the same moment), so that the server writes two
        tables out at once; None when the server will not give one."""
        import psycopg

        second = None
        snapshot = self._export_snapshot()
        if snapshot is None:
            return None
        try:
            second = self.connection.engine.raw_connection()
            driver = second.driver_connection
            driver.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            driver.read_only = True
            driver.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            return second
        except Exception:  # noqa: BLE001 - no second connection: read on the first alone
            if second is not None:
                second.close()
            return None

    def _in_parallel(self, jobs, second) -> dict[str, RawTable | DatabaseError]:
        """The jobs shared by two connections of one snapshot, the next job to whichever is
        free (the server formats rows while Arrow parses the previous table)."""
        from concurrent.futures import ThreadPoolExecutor

        pending = queue.SimpleQueue()
        for job in jobs:
            pending.put(job)
        results: dict[str, RawTable | DatabaseError] = {}

        def work(raw) -> None:
            while True:
                try:
                    name, sql, label = pending.get_nowait()
                except queue.Empty:
                    return
                results[name] = self.read(name, sql, label, raw)

        first = self.connection.connection.driver_connection
        with ThreadPoolExecutor(2) as pool:
            for done in [pool.submit(work, first), pool.submit(work, second.driver_connection)]:
                done.result()
        second.driver_connection.rollback()
        return results

    def _duckdb(self, sql: str) -> pd.DataFrame:
        raw = self.connection.connection.driver_connection
        relation = raw.sql(sql)
        for method in ("to_arrow_table", "fetch_arrow_table", "arrow"):
            if hasattr(relation, method):
                return _arrow_frame(getattr(relation, method)())
        return relation.df()  # pragma: no cover - very old DuckDB

    def _postgres_copy(self, sql: str, raw) -> pd.DataFrame:
        with raw.transaction(), raw.cursor() as cursor:  # a savepoint: a failed query
            # leaves the snapshot usable for the next table
            cursor.execute(f"SELECT * FROM ({sql}) AS acctkit_source LIMIT 0")
            described = [(column.name, column.type_code) for column in cursor.description]
            data = _copy_out(raw.pgconn, f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER false)")
        return _csv_frame(data, described)

    def _cursor(self, sql: str) -> pd.DataFrame:
        import sqlalchemy as sa

        result = self.connection.execute(sa.text(sql))
        columns = list(result.keys())
        return pd.DataFrame.from_records(result.fetchall(), columns=columns)


def libpq_uri(url: str) -> str:
    """A PostgreSQL SQLAlchemy URL as libpq's own URI (``postgresql://...``, the password
    kept), as the ADBC driver takes it."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _adbc_reason(exc: Exception) -> str:
    """The server's words in an ADBC error (``... ERROR:  division by zero . SQLSTATE ...``)."""
    text = " ".join(str(exc).split())
    found = re.search(r"ERROR: (.*?)(?: \. SQLSTATE: \w+)?$", text)
    return found.group(1).strip() if found else text


def _copy_out(pgconn, statement: str) -> bytes:
    """``COPY ... TO STDOUT``'s rows, read straight from libpq (psycopg's ``Copy`` waits for
    each row through Python generators, which costs more than parsing the rows): every row
    already received is taken at once, then the socket is waited on."""
    import psycopg
    from psycopg import pq

    pgconn.send_query(statement.encode())  # raises psycopg.OperationalError when it fails
    while pgconn.flush():
        select.select([], [pgconn.socket], [])
    result = _next_result(pgconn)
    if result is None or result.status != pq.ExecStatus.COPY_OUT:
        message = _pq_error(pgconn, result)
        while _next_result(pgconn) is not None:
            pass
        raise psycopg.OperationalError(message)
    parts = []
    while True:
        size, data = pgconn.get_copy_data(1)
        if size > 0:
            parts.append(bytes(data))
        elif size == 0:  # nothing received yet: wait for the socket
            select.select([pgconn.socket], [], [])
            pgconn.consume_input()
        else:
            break
    result = _next_result(pgconn)
    ok = result is not None and result.status == pq.ExecStatus.COMMAND_OK
    message = "" if ok else _pq_error(pgconn, result)
    while _next_result(pgconn) is not None:
        pass
    if not ok:
        raise psycopg.OperationalError(message)
    return b"".join(parts)


def _next_result(pgconn):
    while pgconn.is_busy():
        select.select([pgconn.socket], [], [])
        pgconn.consume_input()
    return pgconn.get_result()


def _pq_error(pgconn, result=None) -> str:
    from psycopg import pq

    found = result.error_field(pq.DiagnosticField.MESSAGE_PRIMARY) if result else None
    if found:
        return found.decode(errors="replace").strip()
    message = pgconn.get_error_message()
    if isinstance(message, bytes):
        message = message.decode(errors="replace")
    return message.strip() or "COPY failed"


_NULLABLE = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}


def _arrow_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow result as pandas reads a Parquet file written by pandas: dates as
    timestamps, whole numbers and flags nullable (``Int64``, ``boolean``) rather than
    floats and objects, which validation would have to read again cell by cell."""
    return table.to_pandas(date_as_object=False, types_mapper=_NULLABLE.get)


def _csv_frame(data: bytes, described: list[tuple[str, int]]) -> pd.DataFrame:
    """PostgreSQL's COPY CSV (NULL unquoted and empty, '' quoted) parsed with its types."""
    import pyarrow.csv as pa_csv

    names = [name for name, _ in described]
    if not data:
        return pd.DataFrame({name: pd.Series([], dtype=object) for name in names})
    types = {f"c{i}": _PG_TYPES.get(oid, pa.large_string()) for i, (_, oid) in enumerate(described)}
    table = pa_csv.read_csv(
        pa.py_buffer(data),
        read_options=pa_csv.ReadOptions(column_names=list(types)),
        # Only a quoted value can hold a line break; without quotes, Arrow splits the text
        # at line breaks and parses the parts on every core.
        parse_options=pa_csv.ParseOptions(newlines_in_values=b'"' in data),
        convert_options=pa_csv.ConvertOptions(
            column_types=types,
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
            true_values=["t"],
            false_values=["f"],
        ),
    )
    table = table.rename_columns(names)
    return _arrow_frame(table)


def source_label(url: str, schema: str | None) -> str:
    """How messages name a database source: its masked URL (and schema)."""
    return masked(url) + (f" (schema {schema})" if schema else "")
