"""Putting a portfolio's CSV files into a database, and a throwaway PostgreSQL server.

``copy_into_duckdb`` / ``copy_into_postgres`` create one table per CSV file with the column
types of the data model (dates as DATE, amounts as DOUBLE PRECISION, flags as BOOLEAN, the
rest as TEXT) and bulk-load the file as it is: what a team's warehouse holds. Used by the
database tests and benchmarks/bench_db.py.

``PostgresServer`` runs Debian's PostgreSQL from a temporary data directory on a Unix socket
(as the ``postgres`` user when run as root), with a superuser ``owner`` and a role
``reader`` that may only SELECT.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from acctkit.data.schema import SCHEMA

SQL_TYPES = {
    "date": "DATE",
    "float": "DOUBLE PRECISION",
    "int": "BIGINT",
    "bool": "BOOLEAN",
}
READER_PASSWORD = "s3cr3t-Pa55word"


def table_files(folder: Path) -> dict[str, Path]:
    return {path.stem: path for path in sorted(folder.glob("*.csv")) if path.stem in SCHEMA}


def _columns(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as stream:
        return stream.readline().rstrip("\n").split(",")


def create_statement(name: str, columns: list[str], schema: str | None = None) -> str:
    kinds = {column.name: column.kind for column in SCHEMA[name].columns}
    body = ", ".join(f'"{c}" {SQL_TYPES.get(kinds.get(c, "str"), "TEXT")}' for c in columns)
    prefix = f'"{schema}".' if schema else ""
    return f'CREATE TABLE {prefix}"{name}" ({body})'


def copy_into_duckdb(folder: Path, database: Path, *, schema: str | None = None) -> Path:
    import duckdb

    connection = duckdb.connect(str(database))
    try:
        if schema:
            connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        for name, path in table_files(folder).items():
            columns = _columns(path)
            connection.execute(create_statement(name, columns, schema))
            prefix = f'"{schema}".' if schema else ""
            connection.execute(f"COPY {prefix}\"{name}\" FROM '{path}' (HEADER, DELIMITER ',')")
    finally:
        connection.close()
    return database


def copy_into_postgres(folder: Path, dsn: str, *, schema: str | None = None) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=False) as connection:
        with connection.cursor() as cursor:
            if schema:
                cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            for name, path in table_files(folder).items():
                columns = _columns(path)
                prefix = f'"{schema}".' if schema else ""
                cursor.execute(f'DROP TABLE IF EXISTS {prefix}"{name}"')
                cursor.execute(create_statement(name, columns, schema))
                statement = f'COPY {prefix}"{name}" FROM STDIN (FORMAT csv, HEADER true)'
                with cursor.copy(statement) as copy, open(path, "rb") as stream:
                    while block := stream.read(1 << 20):
                        copy.write(block)
        connection.commit()


def _bin() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


class PostgresServer:
    """A PostgreSQL server of its own (temporary data directory, Unix socket, no TCP)."""

    def __init__(self) -> None:
        self.bin = _bin()
        self.root = Path(tempfile.mkdtemp(prefix="acctkit-pg-"))
        self.data = self.root / "data"
        self.socket = self.root / "socket"
        self.port = 54329
        self.user: str | None = None
        self.started = False

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        prefix: list[str] = []
        if os.geteuid() == 0:
            prefix = ["runuser", "-u", "postgres", "--"]
        return subprocess.run(
            [*prefix, *command], capture_output=True, text=True, check=check, timeout=120
        )

    def start(self) -> None:
        if self.bin is None:
            raise RuntimeError("PostgreSQL's initdb is not installed (apt-get install postgresql)")
        if os.geteuid() == 0:
            import pwd

            try:
                entry = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root and there is no 'postgres' user") from None
            os.chmod(self.root, 0o755)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self.socket.mkdir()
        if os.geteuid() == 0:
            os.chown(self.socket, entry.pw_uid, entry.pw_gid)
        result = self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "owner",
            "--auth=trust",
            "--auth-local=scram-sha-256",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
            check=False,
        )
        if result.returncode:
            raise RuntimeError(f"initdb failed: {result.stderr.strip()[-500:]}")
        # The owner connects without a password (trust on the socket for it alone).
        (self.data / "pg_hba.conf").write_text(
            "local all owner trust\nlocal all all scram-sha-256\n"
        )
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.socket}' "
            f"-p {self.port} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        result = self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
            check=False,
        )
        if result.returncode:
            log = (self.root / "server.log").read_text(errors="replace")[-800:]
            raise RuntimeError(f"pg_ctl start failed: {result.stderr.strip()} {log}")
        self.started = True
        self.sql(
            f"CREATE ROLE reader LOGIN PASSWORD '{READER_PASSWORD}'",
            "CREATE DATABASE crm",
            "CREATE DATABASE analytics",
        )
        self.sql(
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
            "GRANT USAGE ON SCHEMA public TO reader",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO reader",
            database="crm",
        )

    def dsn(self, database: str = "crm", user: str = "owner", password: str | None = None) -> str:
        secret = f" password={password}" if password else ""
        return f"host={self.socket} port={self.port} dbname={database} user={user}{secret}"

    def url(self, database: str = "crm", user: str = "reader", password: str | None = None) -> str:
        """A SQLAlchemy URL over the socket (the reader's password by default)."""
        if password is None and user == "reader":
            password = READER_PASSWORD
        secret = f":{password}" if password else ""
        return (
            f"postgresql+psycopg://{user}{secret}@/{database}?host={self.socket}&port={self.port}"
        )

    def sql(self, *statements: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.dsn(database), autocommit=True) as connection:
            for statement in statements:
                connection.execute(statement)

    def grant_reader(self, schema: str = "public", database: str = "crm") -> None:
        self.sql(
            f'GRANT USAGE ON SCHEMA "{schema}" TO reader',
            f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO reader',
            database=database,
        )

    def stop(self) -> None:
        if self.started:
            self._run(
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-m",
                "immediate",
                "stop",
                check=False,
            )
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)
