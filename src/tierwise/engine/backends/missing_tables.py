"""The error for a ``--source`` table that is not where it was looked for.

A table named without its schema is looked for in one place: a DuckDB
file's schema ``main``, PostgreSQL's search path (``public`` unless set
otherwise), MySQL's database in the URL, the default schema elsewhere. A
table kept in another schema was reported as missing, with the tables
"there: none", while the database held it. The error names where the
table was looked for and the tables there, and the schemas that hold a
table of that name, with the name to write after ``::``.
"""

from __future__ import annotations

from typing import Any

import duckdb
from sqlglot import exp

from tierwise.errors import SourceError
from tierwise.sources.database import FOLDS_TO_LOWER, TableSource
from tierwise.sources.dialects import MARIADB, MYSQL

__all__ = ["missing_in_database", "missing_in_duckdb"]

# How many tables of each list the error shows.
_SHOWN = 20
# What a database calls a schema, where it calls it something else.
_SCHEMA_WORDS = {MYSQL: "database", MARIADB: "database"}
# The database's own schemas, which hold no table of a person's.
_SYSTEM_SCHEMAS = frozenset(
    {"information_schema", "pg_catalog", "mysql", "performance_schema", "sys"}
)


def missing_in_duckdb(
    connection: duckdb.DuckDBPyConnection, source: TableSource, catalog: str
) -> SourceError:
    """The error for a table not in the DuckDB file attached as ``catalog``."""
    schema = source.table.db or "main"
    tables = connection.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_catalog = ?",
        [catalog],
    ).fetchall()
    # DuckDB matches schema names without case.
    here = [name for held, name in tables if held.lower() == schema.lower()]
    elsewhere = [
        (held, name) for held, name in tables if held.lower() != schema.lower()
    ]
    return _missing(source, f"schema {schema}", here, elsewhere)


def missing_in_database(connection: Any, source: TableSource) -> SourceError:
    """The error for a table not in a database SQLAlchemy reached, over
    its open ``connection``."""
    from sqlalchemy import inspect

    inspector = inspect(connection)
    word = _SCHEMA_WORDS.get(source.dialect, "schema")
    named = source.table.db or None
    here = _names(inspector, named)
    note = ""
    if named is not None:
        searched, where = [named], f"{word} {named}"
    elif source.dialect == "postgres":
        # The schemas of the search path that exist, in its order.
        path = connection.exec_driver_sql("SELECT current_schemas(false)").scalar()
        searched = list(path or [])
        plural = "s" if len(searched) > 1 else ""
        where = f"{word}{plural} {', '.join(searched) or 'none'}"
        note = "the search path; "
    elif source.dialect == "sqlite":
        return _missing(source, "that database", here, [])
    else:
        default = inspector.default_schema_name
        searched = [default] if default else []
        where = f"{word} {default}" if default else "that database"

    elsewhere = [
        (schema, name)
        for schema in inspector.get_schema_names()
        if schema not in searched and schema.lower() not in _SYSTEM_SCHEMAS
        for name in _names(inspector, schema)
    ]
    return _missing(source, where, here, elsewhere, note)


def _names(inspector: Any, schema: str | None) -> list[str]:
    """The tables and views of ``schema`` (None: the default)."""
    tables = inspector.get_table_names(schema=schema)
    return [*tables, *inspector.get_view_names(schema=schema)]


def _missing(
    source: TableSource,
    where: str,
    here: list[str],
    elsewhere: list[tuple[str, str]],
    note: str = "",
) -> SourceError:
    """``where`` says where the table was looked for (``note`` more on
    it), ``here`` the tables there, and ``elsewhere`` each other schema's
    tables (schema, name)."""
    wanted = source.table.name
    shown = ", ".join(sorted(here)[:_SHOWN]) or "none"
    there = f"{where} ({note}tables there: {shown})"

    word = _SCHEMA_WORDS.get(source.dialect, "schema")
    found = sorted((s, n) for s, n in elsewhere if n.lower() == wanted.lower())
    cased = [name for name in here if name.lower() == wanted.lower()]
    if cased and source.dialect in FOLDS_TO_LOWER:
        hint = (
            f"; the database reads a name without double quotes in lower case: "
            f'write "{cased[0]}" in double quotes after ::'
        )
    elif len(found) == 1:
        schema, name = found[0]
        hint = (
            f"; a table of that name is in {word} {schema}: write "
            f"::{_written(schema, name, source.dialect)}"
        )
    elif found:
        schemas = ", ".join(schema for schema, _ in found[:_SHOWN])
        more = f" (and {len(found) - _SHOWN} more)" if len(found) > _SHOWN else ""
        names = [f"::{_written(s, n, source.dialect)}" for s, n in found[:_SHOWN]]
        hint = (
            f"; tables of that name are in {word}s {schemas}{more}: write "
            f"{', '.join(names[:-1])} or {names[-1]}"
        )
    else:
        hint = "; check the name after ::, with its schema (SCHEMA.TABLE)"
    return SourceError(f"{source.shown()}: no table {wanted!r} in {there}{hint}")


def _written(schema: str, name: str, dialect: str) -> str:
    """SCHEMA.TABLE as it is written after ``::`` to mean that table: a
    part in quotes where the database would read it otherwise.

    >>> _written("crm", "Accounts", "postgres")
    'crm."Accounts"'
    """
    parts = []
    for part in (schema, name):
        identifier = exp.to_identifier(part)
        if dialect in FOLDS_TO_LOWER and part != part.lower():
            identifier.set("quoted", True)
        parts.append(identifier)
    return exp.table_(parts[1], db=parts[0]).sql(dialect=dialect)
