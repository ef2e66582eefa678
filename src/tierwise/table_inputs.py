"""A table run's input, found and read again (``tier --source URL::TABLE``).

A run from a table records where it read, as a file run does: the URL as
people see it (without a password or any other secret, see
`hidden_password`), a DuckDB or SQLite file's absolute path, and the
column mapping. ``explain`` and ``whatif`` find the table again from that,
or from ``--source`` given again when the URL had a password (a run keeps
none) or the database file has moved. A table has no digest to check, so
whoever reads it again compares what it scores with the run's own results.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from tierwise.engine.backends.database import (
    ATTACHED,
    attach_duckdb_file,
    connect,
    mapped_in_database,
    mapped_in_duckdb,
    spoken_by,
)
from tierwise.engine.backends.fetching import fetch_parquet
from tierwise.engine.run import ACCOUNTS_VIEW
from tierwise.errors import TierwiseError
from tierwise.model.fields import FieldKind
from tierwise.model.schema import TieringModel
from tierwise.run_record import mapping_origin
from tierwise.scratch_folders import new_scratch_folder
from tierwise.sources import ColumnMapping
from tierwise.sources.accounts import ARROW_TYPES
from tierwise.sources.database import TableSource, parse_source
from tierwise.sources.urls import hides_secret

__all__ = [
    "TableRun",
    "is_table_origin",
    "read_table_again",
    "source_again",
    "table_origin",
]

log = logging.getLogger(__name__)

# The table the accounts read again are held in, behind the view
# ``accounts``. Not that name itself: a view in an attached DuckDB file that
# reads its own table "accounts" would read this one.
HELD_TABLE = "tierwise_table_again"


@dataclass(frozen=True)
class TableRun:
    """A run from a table, as the messages about finding it again name it.

    ``recorded`` is the ``URL::TABLE`` the run recorded (secrets hidden),
    ``file`` a database file's absolute path; ``name`` says which run
    (``run 3``), ``doing`` what reading it again is for and ``then`` what
    to do with another table instead.
    """

    recorded: str
    file: str | None
    name: str
    doing: str
    then: str


def table_origin(source: TableSource, mapping: ColumnMapping) -> dict[str, str]:
    """What a run from ``source`` records to read it again: no secret.

    >>> from tierwise.sources import load_preset
    >>> table = parse_source("postgresql://ann:secret@db/crm::accounts")
    >>> table_origin(table, load_preset("generic"))["source"]
    'postgresql://ann:***@db/crm::accounts'
    """
    origin = {"source": source.shown()}
    file = source.database_file()
    if file is not None:
        origin["source_file"] = str(file)
    return {**origin, **mapping_origin(mapping)}


def is_table_origin(origin: Mapping[str, str]) -> bool:
    """Whether a run's recorded origin is a table's, not a file's."""
    return "source" in origin


def source_again(run: TableRun, given: str | None) -> TableSource:
    """The run's table, as it can be read again from here.

    ``given`` (``--source``) must name the run's table: the same database
    and table, or, for a DuckDB or SQLite file that has moved, the same
    table in the file where it is now.

    Raises:
        TierwiseError: when the run's database file is gone, its URL needs
            a password not given, or ``given`` names another table.
    """
    recorded = parse_source(run.recorded)
    if run.file:
        # The URL may hold a path relative to where the run was started.
        recorded = recorded.with_file(Path(run.file))
    if given is None:
        file = recorded.database_file()
        if file is not None and not file.exists():
            table = recorded.table.sql(dialect=recorded.dialect)
            raise TierwiseError(
                f"{file} is gone since {run.name} read it; if it moved, give its "
                f"new place with --source {recorded.dialect}:///NEW/PATH::{table}"
            )
        if _hides_password(recorded):
            raise TierwiseError(
                f"{run.name} read {recorded.shown()}, and a run keeps no "
                "password; give the table again with --source URL::TABLE, "
                f"password included, to {run.doing}"
            )
        return recorded

    again = parse_source(given)
    # A database file may have moved since the run: the same table in
    # another file is taken, as what it scores is checked against the run.
    moved_file = (
        again.database_file() is not None
        and _where(again)[::2] == _where(recorded)[::2]
    )
    if _where(again) != _where(recorded) and not moved_file:
        raise TierwiseError(
            f"--source {again.shown()} is not the table {run.name} read "
            f"({recorded.shown()}); give that table, or tier this one with "
            f"`tierwise tier --source` and {run.then}"
        )
    return again


def read_table_again(
    connection: duckdb.DuckDBPyConnection,
    source: TableSource,
    model: TieringModel,
    mapping: ColumnMapping,
) -> None:
    """Put the table's accounts in ``connection`` as the view ``accounts``.

    They are read through the mapped select the run read them through,
    and held in ``connection``: a DuckDB file is attached read-only and let
    go of again, any other database sends its rows, typed as the select
    types them.

    Raises:
        TierwiseError: when the table cannot be reached or read.
    """
    fields = model.field_kinds()
    if source.path is not None:
        _hold_from_duckdb_file(connection, source, fields, mapping)
    else:
        _hold_from_database(connection, source, fields, mapping)
    connection.execute(
        f'CREATE OR REPLACE TEMP VIEW "{ACCOUNTS_VIEW}" AS SELECT * FROM "{HELD_TABLE}"'
    )
    log.info("read the accounts of %s again", source.shown())


def _hold_from_duckdb_file(
    connection: duckdb.DuckDBPyConnection,
    source: TableSource,
    fields: Mapping[str, FieldKind],
    mapping: ColumnMapping,
) -> None:
    attached = attach_duckdb_file(connection, source, writable=False)
    try:
        select, _ = mapped_in_duckdb(connection, attached, fields, mapping)
        query = select.sql(dialect="duckdb")
        connection.execute(f'CREATE TEMP TABLE "{HELD_TABLE}" AS {query}')
    finally:
        # Let go of the file, so others (this process too) can open it.
        connection.execute(f'DETACH "{ATTACHED}"')


def _hold_from_database(
    connection: duckdb.DuckDBPyConnection,
    source: TableSource,
    fields: Mapping[str, FieldKind],
    mapping: ColumnMapping,
) -> None:
    """The mapped select's rows, sent by the database into a scratch
    Parquet file typed as the select types the fields, then held."""
    scratch = new_scratch_folder("table")
    try:
        rows = scratch / "accounts.parquet"
        with connect(source) as database:
            source = spoken_by(database, source)
            select, _ = mapped_in_database(database, source, fields, mapping)
            names = [str(column.alias_or_name) for column in select.selects]
            schema = pa.schema(
                (name, ARROW_TYPES[fields.get(name, FieldKind.TEXT)]) for name in names
            )
            query = select.sql(dialect=source.dialect)
            fetch_parquet(database, query, schema, rows)
        literal = "'" + str(rows).replace("'", "''") + "'"
        connection.execute(
            f'CREATE TEMP TABLE "{HELD_TABLE}" AS SELECT * FROM read_parquet({literal})'
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _hides_password(source: TableSource) -> bool:
    if source.path is not None:
        return False
    from sqlalchemy.engine import make_url

    return hides_secret(make_url(source.url))


def _where(source: TableSource) -> tuple[str, ...]:
    """What names a table: its file, or its URL without a password."""
    file = source.database_file()
    place = str(file) if file is not None else source.shown()
    return (source.dialect, place, source.table.sql(dialect=source.dialect))
