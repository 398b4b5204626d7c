"""Databases reached through SQLAlchemy URLs: telling a URL from a path, hiding its password,
connecting with one-line errors, and writing result tables back.

A source or a target is a URL when it starts with a scheme (``duckdb:///crm.duckdb``,
``postgresql+psycopg://user@host/db``, ``sqlite:///crm.db``); anything else is a path. A
URL is only ever shown through :func:`masked` (its password as ``***``), and every error
message built from a driver's text goes through :func:`redact`.

Reading the portfolio is ``acctkit.data.database``; this module knows nothing of the
portfolio, only of URLs, connections and result tables.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from collections.abc import Iterator

import pandas as pd

from acctkit.errors import AcctkitError

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-_]*://")
MASK = "***"


class DatabaseError(AcctkitError):
    """A database cannot be reached, or refuses what acctkit asks (one line, no password)."""


def is_url(source: object) -> bool:
    """Whether ``source`` is a database URL (``dialect[+driver]://...``), not a path."""
    return isinstance(source, str) and bool(_SCHEME.match(source.strip()))


def from_environment(variable: str) -> str:
    """The database URL held by an environment variable (``--data-env ACCTKIT_DB``)."""
    value = os.environ.get(variable, "").strip()
    if not value:
        raise DatabaseError(f"the environment variable {variable} is not set (or empty)")
    if not is_url(value):
        raise DatabaseError(
            f"the environment variable {variable} does not hold a database URL "
            "(dialect://user@host/database)"
        )
    return value


def _parse(url: str):
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url.strip())
    except (ArgumentError, ValueError):
        raise DatabaseError(
            f"'{_crude_mask(url)}' is not a database URL (dialect[+driver]://user@host/database)"
        ) from None


def masked(url: str) -> str:
    """The URL as it may be shown: its password replaced by ``***``."""
    try:
        return _parse(url).render_as_string(hide_password=True)
    except DatabaseError:
        return _crude_mask(url)


def _crude_mask(url: str) -> str:
    """``scheme://user:secret@host`` -> ``scheme://user:***@host`` without parsing."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", rf"\1{MASK}@", url)


def secrets(url: str) -> list[str]:
    """The password of ``url``, as written and decoded (empty when it has none)."""
    from urllib.parse import quote, unquote

    found = set()
    match = re.search(r"://[^:/@]*:([^@]*)@", url)
    if match and match.group(1):
        found |= {match.group(1), unquote(match.group(1)), quote(unquote(match.group(1)))}
    with contextlib.suppress(DatabaseError):
        password = _parse(url).password
        if password:
            found.add(str(password))
    return sorted((s for s in found if s), key=len, reverse=True)


def redact(text: str, url: str) -> str:
    """``text`` with the password of ``url`` replaced by ``***`` wherever it appears."""
    for secret in secrets(url):
        text = text.replace(secret, MASK)
    return text


def split_table(url: str, *, default: str | None = None) -> tuple[str, str]:
    """A target URL without its ``?table=NAME`` parameter, and that table name."""
    parsed = _parse(url)
    name = parsed.query.get("table", default)
    if isinstance(name, tuple):
        name = name[-1]
    if not name:
        raise DatabaseError(
            f"'{masked(url)}' names no table: add ?table=NAME to the URL (e.g. ?table=acctkit_kpis)"
        )
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?", name):
        raise DatabaseError(
            f"table name '{name}' in '{masked(url)}': use letters, digits and '_' "
            "(optionally schema.table)"
        )
    rest = parsed.difference_update_query(["table"])
    return rest.render_as_string(hide_password=False), name


def engine(url: str, *, read_only: bool = False):
    """A SQLAlchemy engine for ``url`` (no pool: one connection, closed after use).

    Raises DatabaseError for an unknown dialect or a driver that is not installed.
    """
    import sqlalchemy as sa
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError
    from sqlalchemy.pool import NullPool

    parsed = _parse(url)
    backend = parsed.get_backend_name()
    connect_args = {}
    database = parsed.database or ":memory:"
    embedded = backend in ("duckdb", "sqlite") and database != ":memory:"
    if read_only and embedded and not database.startswith("file:"):
        if not os.path.isfile(database):  # a reader never creates an empty database
            kind = "DuckDB" if backend == "duckdb" else "SQLite"
            raise DatabaseError(f"{masked(url)}: the {kind} file '{database}' does not exist")
        if backend == "duckdb":
            connect_args["read_only"] = True
        else:  # SQLite's own read-only mode
            parsed = parsed.set(database=f"file:{database}").update_query_dict(
                {"mode": "ro", "uri": "true"}
            )
    try:
        return sa.create_engine(parsed, poolclass=NullPool, connect_args=connect_args)
    except NoSuchModuleError:
        raise DatabaseError(
            f"{masked(url)}: unknown database dialect '{parsed.drivername}' "
            "(e.g. duckdb, postgresql+psycopg, sqlite; a dialect's package must be installed)"
        ) from None
    except ModuleNotFoundError as exc:
        raise DatabaseError(
            f"{masked(url)}: the driver for '{parsed.drivername}' is not installed "
            f"(missing Python module '{exc.name}'); pip install it (PostgreSQL: "
            "pip install 'acctkit[postgresql]')"
        ) from None
    except ArgumentError as exc:
        raise DatabaseError(f"{masked(url)}: {redact(_first_line(exc), url)}") from None


def failure(exc: BaseException, url: str, doing: str) -> DatabaseError:
    """A driver's exception as one line that names the database (masked) and the step."""
    import sqlalchemy.exc as sa_exc

    inner = getattr(exc, "orig", None) or exc
    reason = _first_line(inner)
    if isinstance(exc, sa_exc.OperationalError) and "password authentication" in reason:
        reason = "wrong user name or password (" + reason + ")"
    return DatabaseError(f"{masked(url)}: {doing}: {redact(reason, url)}")


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith(("(Background on", "[SQL:"))]
    return " ".join(lines[:2]) if lines else type(exc).__name__


@contextlib.contextmanager
def read_transaction(url: str) -> Iterator[object]:
    """A connection inside one read-only transaction (a consistent snapshot of every table
    it reads): REPEATABLE READ, READ ONLY on PostgreSQL; a read-only DuckDB file; a
    transaction elsewhere. Nothing is ever committed: it is rolled back at the end."""
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    eng = engine(url, read_only=True)
    backend = eng.dialect.name
    options = {}
    if backend == "postgresql":
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    elif backend in ("mysql", "mariadb"):
        options = {"isolation_level": "REPEATABLE READ"}
    try:
        try:
            connection = eng.connect().execution_options(**options)
        except (SQLAlchemyError, DBAPIError) as exc:
            raise failure(exc, url, "cannot connect") from None
        try:
            with connection.begin() as transaction:
                yield connection
                transaction.rollback()  # a reader never commits
        except (SQLAlchemyError, DBAPIError) as exc:
            raise failure(exc, url, "cannot read") from None
        finally:
            connection.close()
    finally:
        eng.dispose()


# Result tables written back -------------------------------------------------------------


def check_target(url: str) -> None:
    """Connect to a results database once, before long work, to fail early and clearly."""
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    eng = engine(url)
    try:
        eng.connect().close()
    except (SQLAlchemyError, DBAPIError) as exc:
        raise failure(exc, url, "cannot connect") from None
    finally:
        eng.dispose()


def write_results(
    frame: pd.DataFrame, url: str, as_of: dt.date | str, *, table: str | None = None
) -> tuple[str, int]:
    """Replace the rows of ``as_of`` in a result table, in one transaction.

    ``url`` may name the table (``?table=acctkit_kpis``), else ``table`` does. The table is
    created with the frame's column types, an ``as_of`` date and an ``acctkit_version``
    column when it is absent; columns it lacks are added (NULL for earlier dates). A rerun
    of the same date replaces its rows (never duplicates). Returns the table's name and the
    number of rows written.
    """
    import sqlalchemy as sa
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    from acctkit import __version__

    target, name = split_table(url, default=table)
    schema, _, bare = name.rpartition(".")
    day = pd.Timestamp(as_of).date()
    rows = _result_rows(frame, day, __version__)
    eng = engine(target)
    try:
        with eng.begin() as connection:
            result = sa.Table(bare, sa.MetaData(schema=schema or None), *_columns(rows))
            if sa.inspect(connection).has_table(bare, schema=schema or None):
                present = _existing_columns(connection, result)
                for column in result.columns:  # a newer acctkit or configuration
                    if column.name not in present:
                        _add_column(connection, result, column)
            else:
                result.create(connection)
            connection.execute(sa.delete(result).where(result.c.as_of == day))
            records = rows.astype(object).where(rows.notna(), None).to_dict("records")
            if records:
                connection.execute(sa.insert(result), records)
    except DatabaseError:
        raise
    except (SQLAlchemyError, DBAPIError) as exc:
        raise failure(exc, target, f"cannot write table {name}") from None
    finally:
        eng.dispose()
    return name, len(rows)


def _existing_columns(connection, table) -> set[str]:
    """The columns of an existing table, from an empty SELECT (no catalogue reflection)."""
    import sqlalchemy as sa

    query = sa.select(sa.text("*")).select_from(sa.table(table.name, schema=table.schema))
    return set(connection.execute(query.where(sa.false())).keys())


def _add_column(connection, table, column) -> None:
    """``ALTER TABLE ... ADD COLUMN``: the column's values are NULL for the earlier dates."""
    preparer = connection.dialect.identifier_preparer
    kind = column.type.compile(dialect=connection.dialect)
    connection.exec_driver_sql(
        f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {preparer.quote(column.name)} "
        f"{kind}"
    )


def _result_rows(frame: pd.DataFrame, day: dt.date, version: str) -> pd.DataFrame:
    """The frame as flat rows (its named index as a column), with as_of and the version."""
    rows = frame.reset_index() if frame.index.name or frame.index.names[0] else frame.copy()
    rows = rows.reset_index(drop=True)
    rows.columns = [str(c) for c in rows.columns]
    converted = {}
    for column in rows.columns:
        values = rows[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            converted[column] = values.astype(object).where(values.notna(), None)
        elif pd.api.types.is_string_dtype(values.dtype) and values.dtype != object:
            converted[column] = values.astype(object).where(values.notna(), None)
    rows = rows.assign(**converted)
    return rows.assign(as_of=day, acctkit_version=version)


def _columns(rows: pd.DataFrame) -> list:
    import sqlalchemy as sa

    columns = []
    for name in rows.columns:
        values = rows[name]
        if name == "as_of":
            kind = sa.Date()
        elif pd.api.types.is_bool_dtype(values.dtype):
            kind = sa.Boolean()
        elif pd.api.types.is_integer_dtype(values.dtype):
            kind = sa.BigInteger()
        elif pd.api.types.is_float_dtype(values.dtype):
            kind = sa.Float()
        elif pd.api.types.is_datetime64_any_dtype(values.dtype):
            kind = sa.DateTime()
        elif _all_of(values, bool):
            kind = sa.Boolean()
        elif _all_of(values, dt.date) and not _all_of(values, dt.datetime):
            kind = sa.Date()
        else:
            kind = sa.Text()
        columns.append(sa.Column(name, kind, nullable=name not in ("as_of",)))
    return columns


def _all_of(values: pd.Series, kind: type) -> bool:
    present = values.dropna()
    return len(present) > 0 and all(isinstance(v, kind) for v in present)
