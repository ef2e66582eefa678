"""A table ``accounts`` in each database the ``--source`` tests run on.

A DuckDB file and a SQLite file in the test's folder; PostgreSQL and
MariaDB in a schema or database of the test's own, dropped afterwards.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, closing, contextmanager
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests import mariadb, postgres

DATABASES = [
    pytest.param("duckdb", id="duckdb-file"),
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    pytest.param("mariadb", id="mariadb", marks=pytest.mark.mariadb),
]


def warehouse_file(parquet: Path, folder: Path) -> Path:
    """A DuckDB file in ``folder`` holding ``parquet`` as ``sales.accounts``,
    a table in a schema as a warehouse keeps it."""
    path = folder / "warehouse.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE SCHEMA sales")
        connection.execute(
            f"CREATE TABLE sales.accounts AS SELECT * FROM read_parquet('{parquet}')"
        )
    return path


# Arrow types as a SQLite table declares them.
SQLITE_TYPES = {
    pa.string(): "TEXT",
    pa.float64(): "REAL",
    pa.bool_(): "BOOLEAN",
    pa.date32(): "DATE",
    pa.int64(): "INTEGER",
}


def sqlite_file(parquet: Path, folder: Path) -> Path:
    """A SQLite file in ``folder`` holding ``parquet`` as ``accounts``.

    SQLite has no boolean or date type: they are kept as 0/1 and ISO text.
    """
    path = folder / "crm.sqlite"
    table = pq.read_table(parquet)
    columns = ", ".join(f'"{f.name}" {SQLITE_TYPES[f.type]}' for f in table.schema)
    marks = ", ".join("?" for _ in table.schema)
    rows = [tuple(map(_plain, row.values())) for row in table.to_pylist()]
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute(f"CREATE TABLE accounts ({columns})")
        connection.executemany(f"INSERT INTO accounts VALUES ({marks})", rows)
    return path


# A database, the columns with their SQL types, and the rows in; the
# --source of a table ``accounts`` holding them out.
MakeTable = Callable[[str, Mapping[str, str], list[tuple[Any, ...]]], str]


@contextmanager
def table_maker(folder: Path, prefix: str) -> Iterator[MakeTable]:
    """Make tables ``accounts`` until the block ends; ``prefix`` names the
    PostgreSQL schemas and MariaDB databases made for them."""
    numbers = count()
    with ExitStack() as cleanup:

        def make(
            database: str, columns: Mapping[str, str], rows: list[tuple[Any, ...]]
        ) -> str:
            if database == "postgres":
                admin, schema = cleanup.enter_context(postgres.own_schema(prefix))
                _insert(admin.cursor(), f'"{schema}".accounts', columns, rows, "%s")
                return f"{postgres.POSTGRES}::{schema}.accounts"
            if database == "mariadb":
                admin, name = cleanup.enter_context(mariadb.own_database(prefix))
                with admin.cursor() as cursor:
                    table = f"`{name}`.accounts"
                    _insert(cursor, table, columns, rows, "%s", quote="`")
                return f"{mariadb.MARIADB}::{name}.accounts"
            path = folder / f"crm{next(numbers)}.{database}"
            connect = duckdb.connect if database == "duckdb" else sqlite3.connect
            connection = connect(str(path))
            rows = [tuple(_plain(value) for value in row) for row in rows]
            _insert(connection, "accounts", columns, rows, "?")
            connection.commit()
            connection.close()
            return f"{database}:///{path}::accounts"

        yield make


def _insert(
    cursor: Any,
    table: str,
    columns: Mapping[str, str],
    rows: list[tuple[Any, ...]],
    mark: str,
    quote: str = '"',
) -> None:
    typed = ", ".join(f"{quote}{name}{quote} {kind}" for name, kind in columns.items())
    cursor.execute(f"CREATE TABLE {table} ({typed})")
    marks = ", ".join([mark] * len(columns))
    cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def _plain(value: Any) -> Any:
    """Dates as ISO text: SQLite has no date type."""
    return value.isoformat() if isinstance(value, date) else value
