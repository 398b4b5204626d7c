"""Reading the portfolio from a database and writing results back: DuckDB files, SQLite and
a real PostgreSQL server (Debian's package, started here in a temporary folder on a Unix
socket, read by a role that may only SELECT).

The PostgreSQL tests skip, saying why, when the server cannot start, unless
``ACCTKIT_REQUIRE_POSTGRES=1`` (set by ``.ci/run``), which turns the skip into a failure.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from acctkit.cli import main
from acctkit.data import load_portfolio
from acctkit.database import DatabaseError, masked, redact, write_results
from acctkit.errors import ConfigError, DataValidationError
from tests.dbhelpers import READER_PASSWORD, PostgresServer, copy_into_duckdb, copy_into_postgres
from tests.helpers import TINY, problems_of, write_tables

REQUIRED = os.environ.get("ACCTKIT_REQUIRE_POSTGRES", "") not in ("", "0")
AS_OF = "2026-10-31"
READ_ONLY = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"


# Fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_csv(tmp_path_factory) -> Path:
    from acctkit.datasets import DEMO_SIZE, generate_tables, write_tables

    folder = tmp_path_factory.mktemp("demo") / "csv"
    write_tables(generate_tables(**DEMO_SIZE), folder)
    return folder


@pytest.fixture(scope="module")
def demo_duckdb(demo_csv) -> Path:
    return copy_into_duckdb(demo_csv, demo_csv.parent / "crm.duckdb")


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer()
    try:
        server.start()
    except Exception as exc:  # noqa: BLE001 - any reason the server cannot run here
        server.stop()
        reason = f"PostgreSQL cannot start here: {exc}"
        if REQUIRED:
            pytest.fail(f"{reason}, and ACCTKIT_REQUIRE_POSTGRES is set")
        pytest.skip(reason)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def demo_postgres(postgres, demo_csv) -> str:
    copy_into_postgres(demo_csv, postgres.dsn())
    postgres.sql("CREATE SCHEMA crm", database="crm")
    copy_into_postgres(demo_csv, postgres.dsn(), schema="crm")
    postgres.grant_reader("public")
    postgres.grant_reader("crm")
    return postgres.url()


def _frames(portfolio) -> dict[str, pd.DataFrame]:
    return portfolio.tables()


def assert_same_portfolio(a, b) -> None:
    assert set(_frames(a)) == set(_frames(b))
    for name, frame in _frames(a).items():
        pd.testing.assert_frame_equal(frame, _frames(b)[name], obj=name)


def run_cli(*argv: str, capsys) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# URLs and secrets ---------------------------------------------------------------------------


def test_a_password_is_masked_wherever_a_url_is_shown():
    url = "postgresql+psycopg://ana:p%40ss-W0rd@db.example/crm?table=t"
    assert masked(url) == "postgresql+psycopg://ana:***@db.example/crm?table=t"
    text = "failed for ana with p@ss-W0rd (p%40ss-W0rd)"
    assert redact(text, url) == "failed for ana with *** (***)"


def test_unknown_dialect_is_one_clear_line(capsys):
    code, _, err = run_cli("validate", "nosuchdb://u:pw123@h/x", capsys=capsys)
    assert code == 2
    assert err.strip() == (
        "error: nosuchdb://u:***@h/x: unknown database dialect 'nosuchdb' (e.g. duckdb, "
        "postgresql+psycopg, sqlite; a dialect's package must be installed)"
    )


def test_data_env_reads_the_url_from_the_environment(demo_duckdb, monkeypatch, capsys):
    monkeypatch.setenv("ACCTKIT_DB", f"duckdb:///{demo_duckdb}")
    code, out, _ = run_cli("validate", "--data-env", "ACCTKIT_DB", capsys=capsys)
    assert code == 0 and "valid portfolio of 120 accounts" in out
    monkeypatch.delenv("ACCTKIT_DB")
    code, _, err = run_cli("validate", "--data-env", "ACCTKIT_DB", capsys=capsys)
    assert code == 2
    assert err.strip() == "error: the environment variable ACCTKIT_DB is not set (or empty)"


# DuckDB and SQLite --------------------------------------------------------------------------


def test_duckdb_gives_the_same_portfolio_as_the_csv_files(demo_csv, demo_duckdb):
    assert_same_portfolio(load_portfolio(demo_csv), load_portfolio(f"duckdb:///{demo_duckdb}"))


def test_reading_a_duckdb_file_leaves_it_unchanged(demo_csv, demo_duckdb):
    import hashlib

    before = hashlib.sha256(demo_duckdb.read_bytes()).hexdigest()
    load_portfolio(f"duckdb:///{demo_duckdb}")
    assert hashlib.sha256(demo_duckdb.read_bytes()).hexdigest() == before


@pytest.mark.parametrize(("scheme", "kind"), [("duckdb", "DuckDB"), ("sqlite", "SQLite")])
def test_a_missing_database_file_is_one_line_and_is_not_created(tmp_path, capsys, scheme, kind):
    code, _, err = run_cli("validate", f"{scheme}:///{tmp_path}/none.db", capsys=capsys)
    assert code == 2
    assert err.strip() == (
        f"error: {scheme}:///{tmp_path}/none.db: the {kind} file '{tmp_path}/none.db' "
        "does not exist"
    )
    assert not (tmp_path / "none.db").exists()


def test_an_sqlite_file_is_opened_read_only(tiny_sqlite):
    import sqlalchemy as sa

    from acctkit.database import read_transaction

    with pytest.raises(DatabaseError, match="attempt to write a readonly database"):
        with read_transaction(f"sqlite:///{tiny_sqlite}") as connection:
            connection.execute(sa.text("DELETE FROM accounts"))


@pytest.fixture
def tiny_sqlite(tmp_path) -> Path:
    """The tiny portfolio as an SQLite file: every column as text, like a CSV."""
    folder = write_tables(tmp_path / "tiny", TINY)
    path = tmp_path / "crm.db"
    with sqlite3.connect(path) as connection:
        for file in folder.glob("*.csv"):
            pd.read_csv(file, dtype=str, keep_default_na=False).replace("", None).to_sql(
                file.stem, connection, index=False
            )
    return path


def test_sqlite_is_read_through_the_dbapi_cursor_like_a_file(tmp_path, tiny_sqlite):
    from_files = load_portfolio(write_tables(tmp_path / "again", TINY))
    assert_same_portfolio(from_files, load_portfolio(f"sqlite:///{tiny_sqlite}"))


def test_database_values_get_the_same_messages_naming_the_table(tiny_sqlite):
    with sqlite3.connect(tiny_sqlite) as connection:
        connection.execute("UPDATE accounts SET annual_revenue = 'about 40k' WHERE rowid = 2")
        connection.execute("UPDATE accounts SET name = NULL WHERE rowid = 1")
        connection.execute("DROP TABLE contacts")
        connection.execute("INSERT INTO accounts SELECT * FROM accounts WHERE rowid = 2")
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(f"sqlite:///{tiny_sqlite}")
    assert problems_of(caught) == [
        "database table 'accounts', column 'name', row 1: is required but blank",
        "database table 'accounts', column 'annual_revenue', rows 2, 3: expected a number, "
        "got 'about 40k'",
        "database table 'accounts', column 'account_id', rows 2, 3: duplicate id 'A2'",
    ]
    assert str(caught.value).startswith(f"3 problems found in sqlite:///{tiny_sqlite}:")


def test_a_mapping_reads_a_source_table_and_a_query_with_value_maps(tmp_path, tiny_sqlite):
    with sqlite3.connect(tiny_sqlite) as connection:
        connection.execute("ALTER TABLE accounts RENAME TO crm_accounts")
        connection.execute("ALTER TABLE crm_accounts RENAME COLUMN name TO AccountName")
        connection.execute("UPDATE crm_accounts SET tier = 'Gold' WHERE tier = 'strategic'")
    mapping = tmp_path / "crm.toml"
    mapping.write_text(
        "[tables.accounts]\n"
        'source = "crm_accounts"\n'
        "[tables.accounts.columns]\n"
        'name = "AccountName"\n'
        "[tables.accounts.values.tier]\n"
        'Gold = "strategic"\n'
        "[tables.contacts]\n"
        'query = "SELECT * FROM contacts WHERE contact_id IS NOT NULL"\n',
        encoding="utf-8",
    )
    loaded = load_portfolio(f"sqlite:///{tiny_sqlite}", mapping=mapping)
    expected = load_portfolio(write_tables(tmp_path / "files", TINY))
    pd.testing.assert_frame_equal(loaded.accounts, expected.accounts)
    pd.testing.assert_frame_equal(loaded.contacts, expected.contacts)


def test_a_mapping_naming_a_missing_table_or_column_says_so(tmp_path, tiny_sqlite, capsys):
    mapping = tmp_path / "crm.toml"
    mapping.write_text(
        '[tables.accounts]\nsource = "acounts"\n'
        '[tables.contacts]\nquery = "SELECT * FROM contacts"\n'
        '[tables.contacts.columns]\ntitle = "JobTitle"\n',
        encoding="utf-8",
    )
    code, _, err = run_cli(
        "validate", f"sqlite:///{tiny_sqlite}", "--mapping", mapping, capsys=capsys
    )
    assert code == 2
    assert "[tables.accounts] source: table 'acounts' is not in the database" in err
    assert "(did you mean 'accounts'?)" in err
    assert (
        "query of [tables.contacts]: column 'JobTitle' (mapped to title) is not in the query's result"
        in err
    )
    assert "Traceback" not in err


def test_a_file_mapping_and_a_database_mapping_are_not_mixed(tmp_path, tiny_sqlite):
    mapping = tmp_path / "crm.toml"
    mapping.write_text('[tables.accounts]\nfile = "accounts.csv"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="a database mapping says source"):
        load_portfolio(f"sqlite:///{tiny_sqlite}", mapping=mapping)


# Writing results ----------------------------------------------------------------------------


def test_results_replace_the_rows_of_their_date_and_keep_other_dates(tmp_path):
    url = f"sqlite:///{tmp_path}/analytics.db?table=acctkit_kpis"
    first = pd.DataFrame(
        {"score": [1.5, 2.0], "band": ["green", None], "key": [True, False]},
        index=pd.Index(["A1", "A2"], name="account_id"),
    )
    assert write_results(first, url, "2026-09-30") == ("acctkit_kpis", 2)
    assert write_results(first, url, "2026-10-31") == ("acctkit_kpis", 2)
    second = first.iloc[:1].assign(score=9.0)
    write_results(second, url, "2026-10-31")  # a rerun of the month: replaced, not added
    with sqlite3.connect(tmp_path / "analytics.db") as connection:
        rows = connection.execute(
            "SELECT account_id, score, band, key, as_of, acctkit_version FROM acctkit_kpis "
            "ORDER BY as_of, account_id"
        ).fetchall()
    from acctkit import __version__

    assert rows == [
        ("A1", 1.5, "green", 1, "2026-09-30", __version__),
        ("A2", 2.0, None, 0, "2026-09-30", __version__),
        ("A1", 9.0, "green", 1, "2026-10-31", __version__),
    ]


def test_a_target_without_a_table_name_is_refused(tmp_path):
    with pytest.raises(DatabaseError, match=r"names no table: add \?table=NAME"):
        write_results(pd.DataFrame({"a": [1]}), f"sqlite:///{tmp_path}/x.db", AS_OF)


def test_kpis_and_alerts_to_duckdb_from_the_cli(demo_duckdb, tmp_path, capsys):
    target = tmp_path / "analytics.duckdb"
    for _ in range(2):  # the second run finds the tables and replaces the date's rows
        code, out, _ = run_cli(
            "kpis",
            f"duckdb:///{demo_duckdb}",
            "--as-of",
            AS_OF,
            "-o",
            f"duckdb:///{target}?table=acctkit_kpis",
            "--alerts-output",
            f"duckdb:///{target}?table=acctkit_alerts",
            capsys=capsys,
        )
        assert code == 0, out
    import duckdb

    with duckdb.connect(str(target), read_only=True) as connection:
        kpis = connection.execute("SELECT * FROM acctkit_kpis").df()
        kinds = {row[0]: row[1] for row in connection.execute("DESCRIBE acctkit_kpis").fetchall()}
        alerts = connection.execute("SELECT count(*) FROM acctkit_alerts").fetchall()[0][0]
    assert len(kpis) == 120 and set(kpis["as_of"].astype(str)) == {AS_OF}
    assert kinds["account_id"] == "VARCHAR"
    assert alerts > 0


# PostgreSQL ---------------------------------------------------------------------------------


def test_postgres_gives_the_same_portfolio_as_the_csv_files(demo_csv, demo_postgres):
    from_files = load_portfolio(demo_csv)
    assert_same_portfolio(from_files, load_portfolio(demo_postgres))
    assert_same_portfolio(from_files, load_portfolio(demo_postgres, schema="crm"))


def test_the_reader_role_may_only_select(postgres, demo_postgres):
    import psycopg

    dsn = postgres.dsn(user="reader", password=READER_PASSWORD)
    with psycopg.connect(dsn) as connection, pytest.raises(psycopg.errors.InsufficientPrivilege):
        connection.execute("CREATE TABLE acctkit_probe (a int)")
    with psycopg.connect(dsn) as connection, pytest.raises(psycopg.errors.InsufficientPrivilege):
        connection.execute("DELETE FROM accounts")


def test_postgres_loads_in_one_read_only_repeatable_read_snapshot(postgres, demo_postgres):
    """Every statement of a load, from the server's log (each line names its backend): a
    read-only REPEATABLE READ transaction whose snapshot the connection that reads the
    tables shares (ADBC's, or a second psycopg one), reads only, everything rolled back."""
    postgres.sql("ALTER ROLE reader SET log_statement = 'all'")
    log = postgres.root / "server.log"
    start = log.stat().st_size
    try:
        portfolio = load_portfolio(demo_postgres)
    finally:
        postgres.sql("ALTER ROLE reader RESET log_statement")
    by_backend: dict[str, list[str]] = {}
    for line in log.read_text(errors="replace")[start:].splitlines():
        found = re.search(r"\[(\d+)\] LOG:  (?:statement|execute [^:]*): (.*)$", line)
        if found:
            by_backend.setdefault(found.group(1), []).append(found.group(2).strip())
    (main,) = [s for s in by_backend.values() if "SELECT pg_export_snapshot()" in s]
    main = main[main.index(READ_ONLY) :]
    assert main[-1] == "ROLLBACK" and main.count(READ_ONLY) == 1
    readers = [s for s in by_backend.values() if any("SET TRANSACTION SNAPSHOT" in x for x in s)]
    assert readers, "no connection took the load's snapshot"
    for statements in readers:
        start_of = next(i for i, s in enumerate(statements) if s.startswith("BEGIN"))
        begun = statements[start_of:]
        assert any("REPEATABLE READ READ ONLY" in s for s in begun[:2]), begun[:3]
        assert statements[-1] == "ROLLBACK"
    every = [s for statements in by_backend.values() for s in statements if s]
    copies = [s for s in every if s.startswith("COPY")]
    assert len(copies) == len(portfolio.tables())
    assert all(s.endswith("TO STDOUT (FORMAT csv, HEADER false)") or s.endswith(
        "TO STDOUT (FORMAT binary)") for s in copies)  # fmt: skip
    words = {s.split(None, 1)[0].upper().rstrip(";") for s in every}
    assert words <= {"BEGIN", "SELECT", "COPY", "SAVEPOINT", "RELEASE", "SET", "SHOW", "ROLLBACK"}
    assert all(s.startswith("SET TRANSACTION") for s in every if s.upper().startswith("SET"))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql+psycopg://reader:wrong-Secret9@/crm?host={socket}&port={port}",
            "cannot connect: wrong user name or password",
        ),
        (
            "postgresql+psycopg://reader:wrong-Secret9@127.0.0.1:9/crm",
            "cannot connect: connection failed",
        ),
    ],
    ids=["wrong password", "refused connection"],
)
def test_connection_failures_are_one_line_without_the_password(
    postgres, demo_postgres, url, expected, capsys
):
    url = url.format(socket=postgres.socket, port=postgres.port)
    code, out, err = run_cli("validate", url, capsys=capsys)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: postgresql+psycopg://reader:***@")
    assert expected in lines[0]
    assert "wrong-Secret9" not in out + err


def test_a_missing_table_and_a_missing_column_in_postgres(
    postgres, demo_postgres, tmp_path, capsys
):
    postgres.sql("CREATE SCHEMA empty", database="crm")
    postgres.grant_reader("empty")
    code, _, err = run_cli("validate", demo_postgres, "--schema", "empty", capsys=capsys)
    assert code == 2
    assert err.strip().splitlines()[-1] == "  - accounts: the required table 'accounts' is missing"
    mapping = tmp_path / "crm.toml"
    mapping.write_text(
        '[tables.accounts]\nquery = "SELECT account_id FROM accounts"\n', encoding="utf-8"
    )
    code, _, err = run_cli("validate", demo_postgres, "--mapping", mapping, capsys=capsys)
    assert code == 2
    assert err.strip().splitlines()[-1] == (
        "  - query of [tables.accounts]: required column 'name' is not mapped: add name = "
        '"<export column>" under [tables.accounts.columns], or a value for every row under '
        "[tables.accounts.defaults]"
    )
    assert READER_PASSWORD not in err


def test_kpis_and_risk_written_to_postgres_replace_their_date(
    postgres, demo_postgres, demo_csv, tmp_path, capsys
):
    import psycopg

    target = postgres.url("analytics", user="owner") + "&table=acctkit_kpis"
    for _ in range(2):  # a rerun of the month never duplicates
        code, out, _ = run_cli("kpis", demo_postgres, "--as-of", AS_OF, "-o", target, capsys=capsys)
        assert code == 0
    model = tmp_path / "model.skops"
    assert run_cli("train", demo_csv, "--as-of", AS_OF, "-o", model, capsys=capsys)[0] == 0
    risk_target = target.replace("acctkit_kpis", "acctkit_risk")
    code, out, _ = run_cli(
        "score", demo_postgres, "--as-of", AS_OF, "--model", model, "-o", risk_target, capsys=capsys
    )
    assert code == 0 and READER_PASSWORD not in out
    with psycopg.connect(postgres.dsn("analytics")) as connection:
        count = connection.execute(
            "SELECT count(*), count(DISTINCT account_id), min(as_of) FROM acctkit_kpis"
        ).fetchone()
        kinds = dict(
            connection.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = 'acctkit_risk'"
            ).fetchall()
        )
    assert count[0] == 120 and count[1] == 120 and str(count[2]) == AS_OF
    assert kinds["as_of"] == "date" and kinds["risk_probability"] == "double precision"
    assert kinds["acctkit_version"] == "text"


def test_the_demo_from_postgres_and_duckdb_gives_the_csv_kpis_model_and_tables(
    demo_csv, demo_duckdb, demo_postgres, tmp_path
):
    """KPIs, the model's scores and every bundle table: identical from the three sources."""
    from acctkit.model import EarlyWarningModel
    from acctkit.report.bundle import build_bundle, load_tables

    bundles = {}
    for name, source in (
        ("csv", demo_csv),
        ("duckdb", f"duckdb:///{demo_duckdb}"),
        ("postgres", demo_postgres),
    ):
        portfolio = load_portfolio(source)
        model = EarlyWarningModel().fit(portfolio, AS_OF)
        build_bundle(portfolio, AS_OF, tmp_path / name, model=model)
        bundles[name] = tmp_path / name
    names = sorted(p.stem for p in bundles["csv"].glob("*.parquet"))
    assert {"kpis", "alerts", "risk"} <= set(names)
    expected = load_tables(bundles["csv"], names)
    for source in ("duckdb", "postgres"):
        assert sorted(p.stem for p in bundles[source].glob("*.parquet")) == names
        found = load_tables(bundles[source], names)
        for table in names:
            pd.testing.assert_frame_equal(found[table], expected[table], obj=f"{source} {table}")


@pytest.mark.slow
def test_a_report_run_from_postgres_never_shows_the_password(
    postgres, demo_postgres, tmp_path, capsys, monkeypatch
):
    """Pages, notebooks, manifest, result files and the console of a run (with --to-db)."""
    import psycopg

    monkeypatch.setenv("ACCTKIT_DB", demo_postgres)
    target = postgres.url("analytics", user="owner")
    out = tmp_path / "reports"
    code, stdout, stderr = run_cli(
        "report",
        "--data-env",
        "ACCTKIT_DB",
        "--month",
        "2026-10",
        "--out",
        out,
        "--accounts",
        "A0001",
        "--engine",
        "warm",
        "--jobs",
        "1",
        "--to-db",
        target,
        capsys=capsys,
    )
    assert code == 0, stderr
    files = [path for path in out.rglob("*") if path.is_file()]
    assert any(path.name == "manifest.json" for path in files)
    assert any(path.suffix == ".html" for path in files)
    for path in files:
        assert READER_PASSWORD.encode() not in path.read_bytes(), path
    assert READER_PASSWORD not in stdout + stderr
    manifest = (out / "2026-10" / "manifest.json").read_text()
    assert "postgresql+psycopg://reader:***@/crm" in manifest
    with psycopg.connect(postgres.dsn("analytics")) as connection:
        for table in ("acctkit_kpis", "acctkit_alerts", "acctkit_risk"):
            (rows,) = connection.execute(
                f"SELECT count(*) FROM {table} WHERE as_of = '2026-10-31'"
            ).fetchone()
            assert rows > 0, table


def test_report_to_an_unreachable_database_stops_before_any_work(demo_duckdb, tmp_path, capsys):
    out = tmp_path / "reports"
    target = "postgresql+psycopg://etl:Hidden-Pw1@127.0.0.1:9/analytics"
    code, stdout, err = run_cli(
        "report", f"duckdb:///{demo_duckdb}", "--month", "2026-10", "--out", out,
        "--to-db", target, capsys=capsys,
    )  # fmt: skip
    assert code == 2
    assert err.startswith(
        "error: postgresql+psycopg://etl:***@127.0.0.1:9/analytics: cannot connect"
    )
    assert len(err.strip().splitlines()) == 1 and "Hidden-Pw1" not in stdout + err
    assert not out.exists()


def test_postgres_text_with_quotes_commas_and_line_breaks_comes_through(postgres, demo_postgres):
    postgres.sql(
        "CREATE SCHEMA edge",
        "CREATE TABLE edge.accounts (account_id TEXT, name TEXT)",
        "INSERT INTO edge.accounts VALUES ('A1', 'Café \"Lumière\", Paris')",
        "CREATE TABLE edge.feedback "
        "(feedback_id TEXT, account_id TEXT, recorded_on DATE, kind TEXT, text TEXT)",
        "INSERT INTO edge.feedback VALUES "
        "('F1', 'A1', '2026-10-01', 'praise', E'Great\\nteam, \"really\"'), "
        "('F2', 'A1', '2026-10-02', 'irritant', NULL), "
        "('F3', 'A1', '2026-10-03', 'request', '')",
        database="crm",
    )
    postgres.grant_reader("edge")
    portfolio = load_portfolio(demo_postgres, schema="edge")
    assert portfolio.accounts["name"].tolist() == ['Café "Lumière", Paris']
    texts = portfolio.feedback["text"].tolist()
    assert texts[0] == 'Great\nteam, "really"'
    assert pd.isna(texts[1]) and pd.isna(texts[2])  # NULL and '' are both blank


def test_a_mapping_query_failing_in_postgres_is_a_problem_and_the_rest_is_read(
    postgres, demo_postgres, tmp_path
):
    mapping = tmp_path / "crm.toml"
    mapping.write_text(
        "[tables.accounts]\n"
        "query = \"SELECT account_id, name, 1 / (CASE WHEN account_id = 'A0005' THEN 0 "
        'ELSE 1 END) AS x FROM accounts"\n'
        '[tables.contacts]\nsource = "contacts"\n',
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as caught:
        load_portfolio(demo_postgres, mapping=mapping)
    assert problems_of(caught) == [
        "query of [tables.accounts]: the database could not run it: division by zero"
    ]  # the contacts, read after the failed query in the same snapshot, raised nothing


def test_without_adbc_postgres_is_read_by_psycopg_copy_the_same(
    demo_csv, demo_postgres, monkeypatch
):
    from acctkit.data import database

    monkeypatch.setattr(database._Reader, "_adbc", lambda self, jobs: None)
    assert_same_portfolio(load_portfolio(demo_csv), load_portfolio(demo_postgres))
