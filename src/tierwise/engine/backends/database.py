"""Score accounts inside the database that holds them, in its own dialect.

A DuckDB file is attached to the run's DuckDB connection, so the ordinary
engine reads its table through a view (and Spark can read it too). Any
other database is reached through SQLAlchemy: the compiled query, with the
table's mapped select as its first step, is rendered in that database's
dialect and runs there; only the result rows travel back, and are written
as Parquet for the run summary, the store and the exports. With a
write-back table the database keeps the results as a table as well.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import time
import weakref
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp

from tierwise.engine.backends.connections import connect, spoken_by
from tierwise.engine.backends.database_sql import (
    SOURCE_STEP,
    database_query,
    reading,
)
from tierwise.engine.backends.duckdb_locks import lock_refusal
from tierwise.engine.backends.fetching import (
    RECEIVING,
    RECEIVING_POINTS,
    Received,
    fetch_parquet,
    receiving,
)
from tierwise.engine.backends.missing_tables import (
    missing_in_database,
    missing_in_duckdb,
)
from tierwise.engine.compile import CompiledModel, compile_model
from tierwise.engine.explain import explain_all_query, wanted_accounts
from tierwise.engine.run import EXPLAIN_FILE, RESULT_TABLE, TieringRun, adopt_results
from tierwise.engine.sql import SQL_TYPES, ident
from tierwise.errors import SourceError, TierwiseError
from tierwise.model.fields import FieldKind
from tierwise.model.schema import TieringModel
from tierwise.progress import QUIET, Progress
from tierwise.scratch_folders import new_scratch_folder
from tierwise.sources.database import (
    TableSource,
    mapped_accounts,
    parse_table,
)
from tierwise.sources.dialects import MARIADB, MYSQL, shown_dialect
from tierwise.sources.mapping import ColumnMapping
from tierwise.sources.report import ImportReport
from tierwise.sources.table_checks import ColumnKind, CompositeType

__all__ = [
    "ATTACHED",
    "SOURCE_STEP",
    "TABLE_VIEW",
    "attach_duckdb_file",
    "connect",
    "database_columns",
    "drop_write_back",
    "duckdb_columns",
    "explain_in_database",
    "mapped_in_database",
    "mapped_in_duckdb",
    "score_in_database",
    "spoken_by",
    "write_back_duckdb",
]

log = logging.getLogger(__name__)

# The name the attached DuckDB file has in the run's connection.
ATTACHED = "tierwise_source"
# The view its mapped table is read through. Not plain "accounts": a view
# in the file that reads its own table "accounts" would read this one.
TABLE_VIEW = "tierwise_table_accounts"

# A DuckDB column type, by its first word, and what it holds.
_NUMBER_TYPES = (
    "TINYINT SMALLINT INTEGER BIGINT HUGEINT UTINYINT USMALLINT UINTEGER UBIGINT "
    "FLOAT DOUBLE DECIMAL REAL"
)
_DUCKDB_KINDS: dict[str, FieldKind] = {
    **dict.fromkeys(_NUMBER_TYPES.split(" "), FieldKind.NUMBER),
    "BOOLEAN": FieldKind.BOOLEAN,
    "DATE": FieldKind.DATE,
    "TIMESTAMP": FieldKind.DATE,
}
# DuckDB types holding no single value (a list's type ends in "]"), and a
# BLOB: read as text, DuckDB escapes bytes past ASCII (é as \xC3\xA9).
_STRUCTURED_DUCKDB = frozenset({"STRUCT", "MAP", "UNION", "JSON"})


def attach_duckdb_file(
    connection: duckdb.DuckDBPyConnection, source: TableSource, writable: bool
) -> TableSource:
    """Attach the DuckDB file; the source's table then names it through it.

    Raises:
        SourceError: when the file is missing, is not a DuckDB database, or
            another program holds it open.
    """
    path = source.path
    if path is None or not path.is_file():
        raise SourceError(
            f"{source.shown()}: there is no DuckDB file at {path}; check the path "
            "(duckdb:///relative/path.duckdb, duckdb:////absolute/path.duckdb)"
        )
    mode = "" if writable else " (READ_ONLY)"
    literal = "'" + str(path).replace("'", "''") + "'"
    try:
        connection.execute(f'ATTACH {literal} AS "{ATTACHED}"{mode}')
    except duckdb.OutOfMemoryException:
        raise  # the memory limit's own message, not the file's fault
    except duckdb.Error as error:
        locked = lock_refusal(source, error)
        if locked is not None:
            raise locked from None
        raise SourceError(
            f"{source.shown()}: cannot be opened as a DuckDB database ({error})"
        ) from None
    table = source.table.copy()
    table.set("catalog", ident(ATTACHED))
    return dataclasses.replace(source, table=table)


def duckdb_columns(
    connection: duckdb.DuckDBPyConnection, source: TableSource
) -> dict[str, ColumnKind]:
    """The attached table's columns and what each holds.

    Raises:
        SourceError: when the table is not in the file (the error lists
            the tables that are, and the schemas holding one of its name).
    """
    name = source.table.sql(dialect="duckdb")
    try:
        described = connection.sql(f"DESCRIBE {name}").fetchall()
    except duckdb.OutOfMemoryException:
        raise
    except duckdb.Error:
        raise missing_in_duckdb(connection, source, ATTACHED) from None
    return {str(row[0]): _duckdb_kind(str(row[1])) for row in described}


def _duckdb_kind(column_type: str) -> ColumnKind:
    """What a DuckDB column of ``column_type`` holds (see ColumnKind)."""
    base = column_type.split("(")[0].split()[0]
    if column_type.endswith("]") or base in _STRUCTURED_DUCKDB or base == "BLOB":
        return CompositeType(column_type, binary=base == "BLOB")
    return _DUCKDB_KINDS.get(base)


def write_back_duckdb(
    connection: duckdb.DuckDBPyConnection,
    source: TableSource,
    target: str,
    check_only: bool = False,
) -> str:
    """Store the run's results as table ``target`` in the attached file.

    Returns the table's name as written; ``check_only`` only checks that
    the name is free, before any work is done.

    Raises:
        TierwiseError: when the table already exists (nothing is replaced).
    """
    table = _target(source, target)
    schema = table.db or "main"
    # DuckDB matches names without case, and a view's name is taken too.
    schemas = connection.execute(
        "SELECT COUNT(*) FROM duckdb_schemas() WHERE database_name = ? "
        "AND lower(schema_name) = lower(?)",
        [ATTACHED, schema],
    ).fetchall()
    if not schemas[0][0]:
        raise _no_schema(source, target, schema)
    found = connection.execute(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_catalog = ? "
        "AND lower(table_schema) = lower(?) AND lower(table_name) = lower(?)",
        [ATTACHED, schema, table.name],
    ).fetchall()
    if found[0][0]:
        raise _exists(source, target, "it is there already")
    if check_only:
        return _shown_target(source, target)
    table.set("catalog", ident(ATTACHED))
    name = table.sql(dialect="duckdb")
    connection.execute(f'CREATE TABLE {name} AS SELECT * FROM "{RESULT_TABLE}"')
    return _shown_target(source, target)


def mapped_in_database(
    database: Any,
    source: TableSource,
    fields: Mapping[str, FieldKind],
    mapping: ColumnMapping,
) -> tuple[exp.Select, ImportReport]:
    """The select reading ``source`` as canonical accounts, and its report,
    over an open SQLAlchemy connection to its database."""
    return mapped_accounts(
        source,
        database_columns(database, source),
        fields,
        mapping,
        lambda text: list(database.exec_driver_sql(text)),
    )


def mapped_in_duckdb(
    connection: duckdb.DuckDBPyConnection,
    attached: TableSource,
    fields: Mapping[str, FieldKind],
    mapping: ColumnMapping,
) -> tuple[exp.Select, ImportReport]:
    """The select reading a table of an attached DuckDB file as canonical
    accounts, and its report."""
    return mapped_accounts(
        attached,
        duckdb_columns(connection, attached),
        fields,
        mapping,
        lambda text: connection.sql(text).fetchall(),
    )


def database_columns(connection: Any, source: TableSource) -> dict[str, ColumnKind]:
    """The table's columns, as SQLAlchemy reflects them, and what each holds.

    Raises:
        SourceError: when the table is not there (the error lists the tables
            of its schema, and the schemas holding one of its name).
    """
    from sqlalchemy import inspect, types

    inspector = inspect(connection)
    schema = source.table.db or None
    if not inspector.has_table(source.table.name, schema=schema):
        raise missing_in_database(connection, source)
    kinds: dict[str, ColumnKind] = {}
    for column in inspector.get_columns(source.table.name, schema=schema):
        kind: ColumnKind = None
        # PostgreSQL writes bytes as text in hex; MySQL and SQLite as written.
        binary = source.dialect == "postgres" and isinstance(
            column["type"], types._Binary
        )
        if binary or isinstance(column["type"], types.JSON | types.ARRAY):
            kind = CompositeType(str(column["type"]), binary=binary)
        elif isinstance(column["type"], types.Boolean) or _flag(column["type"]):
            kind = FieldKind.BOOLEAN
        elif isinstance(column["type"], types.Date | types.DateTime):
            kind = FieldKind.DATE
        elif isinstance(column["type"], types.Integer | types.Numeric | types.Float):
            kind = FieldKind.NUMBER
        kinds[str(column["name"])] = kind
    return kinds


def _flag(column_type: Any) -> bool:
    """Whether a column type is MySQL's BOOLEAN, which MySQL and MariaDB keep
    as ``TINYINT(1)`` (0 and 1), or ``BIT(1)``, another common flag there
    (read as a number it is 0 or 1); a wider integer is a number."""
    from sqlalchemy.dialects.mysql import BIT, TINYINT

    if isinstance(column_type, BIT):
        return column_type.length == 1
    return isinstance(column_type, TINYINT) and column_type.display_width == 1


def score_in_database(
    model: TieringModel,
    source: TableSource,
    accounts: exp.Select,
    database: Any,
    as_of: date,
    connection: duckdb.DuckDBPyConnection,
    pins: Mapping[str, str] | None = None,
    write_back: str | None = None,
    explain_all: bool = False,
    progress: Progress = QUIET,
    account_count: int | None = None,
) -> tuple[TieringRun, str | None]:
    """Run the compiled model in the database; the results come back.

    Args:
        model: a validated tiering model.
        source: the table (its dialect says how the SQL is written).
        accounts: the select that reads it as canonical accounts.
        database: an open SQLAlchemy connection to the source's database.
        as_of: the date recency and date conditions count from.
        connection: the run's DuckDB connection, which receives the results.
        pins: account id to tier key for manual overrides.
        write_back: a table to create in the database with the results.
        explain_all: also fetch every account's points per criterion (see
            :func:`~tierwise.engine.explain.explain_all_query`), computed
            there, for ``write_results`` to put beside the results.
        progress: told how many of the ``account_count`` results (and
            points) have come back, as they arrive.

    Returns the run and, with ``write_back``, the table's name as written.
    """
    started = time.perf_counter()
    compiled = _compiled_here(model, accounts, as_of, connection, pins)
    schema = connection.sql(f"{compiled.sql(pretty=False)} LIMIT 0").to_arrow_table()
    text = database_query(database, compiled, compiled.query, accounts, source.dialect)
    log.debug("query in %s:\n%s", source.dialect, text)

    written = None
    if write_back is not None:
        written = _create_results(database, source, write_back, text)
        target = _target(source, write_back).sql(dialect=source.dialect)
        text = f"SELECT * FROM {target}"

    def source_rows(query: str) -> list[tuple[Any, ...]]:
        parsed = sqlglot.parse_one(query, read="duckdb")
        if not isinstance(parsed, exp.Query):
            raise TypeError(f"not a query: {query[:60]}")
        there = reading(parsed, accounts)
        return list(database.exec_driver_sql(there.sql(dialect=source.dialect)))

    scratch = new_scratch_folder("db")
    results = scratch / "tiers.parquet"
    try:
        received = receiving(progress, RECEIVING, account_count)
        fetch_parquet(database, text, schema.schema, results, received)
        if explain_all:
            received = receiving(progress, RECEIVING_POINTS, account_count)
            _fetch_explanations(
                database, source, accounts, compiled, connection, scratch, received
            )
        run = adopt_results(
            connection, compiled, results, started, pins or {}, source_rows
        )
    except BaseException:
        if write_back is not None:
            _drop_made(database, source, write_back)
        raise
    run.scratch = scratch
    weakref.finalize(run, shutil.rmtree, scratch, True)
    log.info(
        "tiered %d accounts in %s in %.2f s",
        run.accounts,
        shown_dialect(source.dialect),
        run.seconds,
    )
    return run, written


def explain_in_database(
    model: TieringModel,
    source: TableSource,
    accounts: exp.Select,
    database: Any,
    as_of: date,
    connection: duckdb.DuckDBPyConnection,
    account_ids: list[str],
) -> tuple[CompiledModel, list[dict[str, Any]]]:
    """The explain query's rows for ``account_ids``, run in the database.

    The query is the one :func:`score_in_database` runs, stopped before
    placing (:meth:`CompiledModel.explain_query`); its rows come back with
    the Python types DuckDB gives for the same query, whatever the driver
    returned (decimals, 0 and 1 for booleans, dates as text), so they
    explain an account exactly as a DuckDB run would.

    Returns the compiled model (over the step :data:`SOURCE_STEP`) and the
    rows, one dict per account found.
    """
    compiled = _compiled_here(model, accounts, as_of, connection)
    query = compiled.explain_query(wanted_accounts(account_ids))
    typed = connection.sql(query.limit(0).sql(dialect="duckdb")).to_arrow_table()
    kinds = {field.name: field.type for field in typed.schema}

    # One query, whatever the dialect: the few accounts asked about are
    # picked before scoring, so steps inlined into it cost little.
    text = reading(query, accounts).sql(dialect=source.dialect)
    log.debug("explain query in %s:\n%s", source.dialect, text)
    result = database.exec_driver_sql(text)
    names = list(result.keys())
    rows = [
        {
            name: _python(kinds[name], value)
            for name, value in zip(names, row, strict=True)
        }
        for row in result
    ]
    return compiled, rows


def _fetch_explanations(
    database: Any,
    source: TableSource,
    accounts: exp.Select,
    compiled: CompiledModel,
    connection: duckdb.DuckDBPyConnection,
    scratch: Path,
    received: Received | None,
) -> None:
    """Every account's points per criterion, computed in the database and
    kept in ``scratch`` as the explanations file a file's run writes.

    The column types are those DuckDB gives the same query (``compiled``
    reads an empty stand-in table in ``connection``)."""
    query = explain_all_query(compiled)
    typed = connection.sql(query.limit(0).sql(dialect="duckdb")).to_arrow_table()
    schema = typed.schema
    text = database_query(database, compiled, query, accounts, source.dialect)
    log.debug("explain-all query in %s:\n%s", source.dialect, text)
    fetch_parquet(database, text, schema, scratch / EXPLAIN_FILE, received)


def _compiled_here(
    model: TieringModel,
    accounts: exp.Select,
    as_of: date,
    connection: duckdb.DuckDBPyConnection,
    pins: Mapping[str, str] | None = None,
) -> CompiledModel:
    """The model compiled over :data:`SOURCE_STEP`, also held in DuckDB.

    An empty table of the mapped select's shape stands for the step in
    ``connection``, so DuckDB can tell the types of the query's columns.
    """
    fields = [str(select.alias_or_name) for select in accounts.selects]
    kinds = model.field_kinds()
    typed = ", ".join(
        f'CAST(NULL AS {SQL_TYPES[kinds.get(name, FieldKind.TEXT)]}) AS "{name}"'
        for name in fields
    )
    connection.execute(
        f'CREATE OR REPLACE TEMP TABLE "{SOURCE_STEP}" AS SELECT {typed} WHERE FALSE'
    )
    return compile_model(
        model, as_of, fields, source=SOURCE_STEP, pins=pins, text_trimmed=True
    )


def _python(kind: pa.DataType, value: Any) -> Any:
    """A driver's value as DuckDB gives a column of type ``kind`` in Python."""
    if value is None:
        return None
    if pa.types.is_boolean(kind):
        return bool(value)
    if pa.types.is_integer(kind):
        return int(value)
    if pa.types.is_floating(kind):
        return float(value)
    if pa.types.is_decimal(kind):
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-kind.scale))
    if pa.types.is_date(kind):
        if isinstance(value, datetime):
            return value.date()
        return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    if pa.types.is_string(kind):
        return str(value)
    return value


def _create_results(
    database: Any, source: TableSource, write_back: str, query: str
) -> str:
    from sqlalchemy import inspect

    table = _target(source, write_back)
    _refuse_long_name(database, source, write_back, table.name)
    inspector = inspect(database)
    if table.db and not inspector.has_schema(table.db):
        raise _no_schema(source, write_back, table.db)
    if inspector.has_table(table.name, schema=table.db or None):
        raise _exists(source, write_back, "it is there already")
    name = table.sql(dialect=source.dialect)
    text = f"CREATE TABLE {name} AS {query}"
    database.exec_driver_sql(text)
    database.commit()
    return _shown_target(source, write_back)


def _refuse_long_name(
    database: Any, source: TableSource, target: str, name: str
) -> None:
    """Refuse a name longer than the database keeps: PostgreSQL cut it to
    63 bytes without a word, so the summary named a table that is not there."""
    # SQLAlchemy's limit for MySQL is an alias's (255); a table's is 64.
    mysql = source.dialect in (MYSQL, MARIADB)
    limit = 64 if mysql else database.dialect.max_identifier_length
    in_bytes = source.dialect in ("postgres", "redshift")
    size = len(name.encode()) if in_bytes else len(name)
    if limit and size > limit:
        unit = "bytes" if in_bytes else "characters"
        raise TierwiseError(
            f"--write-back {target!r}: the table's name is {size} {unit} long and "
            f"{source.shown()} keeps at most {limit}; name a shorter one. Nothing "
            "was scored or written"
        )


def drop_write_back(
    source: TableSource, write_back: str, connection: duckdb.DuckDBPyConnection
) -> None:
    """Drop the write-back table of a run that failed after making it, so
    no half of the run stays and it can be repeated as given.

    ``source`` is the table as parsed (a DuckDB file is reached through
    ``connection``, where it is still attached; another database anew).
    """
    if source.path is not None:
        table = _target(source, write_back)
        table.set("catalog", ident(ATTACHED))
        connection.execute(f"DROP TABLE IF EXISTS {table.sql(dialect='duckdb')}")
        return
    with connect(source) as database:
        _drop_made(database, source, write_back)


def _drop_made(database: Any, source: TableSource, write_back: str) -> None:
    """Drop the write-back table this run made; a failure to is logged, so
    the error that stopped the run is the one reported."""
    from sqlalchemy.exc import SQLAlchemyError

    name = _target(source, write_back).sql(dialect=source.dialect)
    try:
        database.rollback()  # a failed statement leaves the transaction unusable
        database.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
        database.commit()
    except SQLAlchemyError as error:
        log.warning("could not drop the write-back table %s: %s", name, error)
    else:
        log.info("dropped the write-back table %s of the failed run", name)


def _target(source: TableSource, write_back: str) -> exp.Table:
    """The write-back table; without a schema, in the source table's schema.

    Raises:
        SourceError: for a name that is no table's (see
            :func:`~tierwise.sources.database.parse_table`).
    """
    option = f"--write-back {write_back!r}"
    table = parse_table(write_back, source.dialect, option)
    if not table.db and source.table.db:
        table.set("db", source.table.args["db"].copy())
    if table.catalog:
        _refuse_other_database(source, table.catalog, option)
    table.set("catalog", None)
    return table


def _refuse_other_database(source: TableSource, catalog: str, option: str) -> None:
    """Refuse a write-back catalog other than --source's own database: the
    table is made over --source's connection, which reaches no other."""
    from sqlalchemy.engine import make_url

    named = (make_url(source.url).database, source.table.catalog)
    own = {name for name in named if name}
    if catalog not in own:
        shown = ", ".join(repr(name) for name in sorted(own)) or "its own"
        raise SourceError(
            f"{option}: the results are written back in the database of "
            f"--source ({shown}), not in {catalog!r}: write TABLE or "
            "SCHEMA.TABLE. Nothing was scored or written"
        )


def _shown_target(source: TableSource, write_back: str) -> str:
    table = _target(source, write_back)
    table.set("catalog", None)
    return table.sql(dialect=source.dialect)


def _no_schema(source: TableSource, target: str, schema: str) -> TierwiseError:
    return TierwiseError(
        f"--write-back {target!r}: there is no schema {schema!r} in "
        f"{source.shown()}; create it first, or name a table in a schema that "
        "exists. Nothing was scored or written"
    )


def _exists(source: TableSource, target: str, detail: str) -> TierwiseError:
    return TierwiseError(
        f"--write-back {target}: the table exists in {source.shown()} ({detail}); "
        "tierwise does not replace tables: name a new one or drop it first. The "
        "results folder was not written either"
    )
