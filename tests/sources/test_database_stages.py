"""On MariaDB the query runs as stages stored in temporary tables.

MariaDB merges every step into the steps that read it, and scores again
for each one, so a table of 30,000 accounts took 34 s as one query and
4.4 s in stages (see ``tierwise.engine.backends.database_sql``). These tests
hold the stages to the one query's answers on the real server.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import duckdb
import pytest
from tests.mariadb import MARIADB
from tests.sources.conftest import PORTFOLIO_AS_OF

from tierwise.engine.backends.database import (
    _compiled_here,
    connect,
    mapped_in_database,
    spoken_by,
)
from tierwise.engine.backends.database_sql import (
    STAGE_PREFIX,
    database_query,
    reading,
)
from tierwise.engine.compile import CompiledModel
from tierwise.model import TieringModel
from tierwise.sources import load_preset
from tierwise.sources.database import parse_source
from tierwise.sources.dialects import MARIADB as MARIADB_DIALECT

pytestmark = pytest.mark.mariadb


@pytest.fixture
def session(
    mariadb_portfolio: str, default_model: TieringModel
) -> Iterator[tuple[Any, str, CompiledModel, Any]]:
    """An open connection to the portfolio's database, its dialect, the
    model compiled for it and the select that reads the table."""
    source = parse_source(f"{MARIADB}::{mariadb_portfolio}.accounts")
    with connect(source) as database:
        source = spoken_by(database, source)
        select, _ = mapped_in_database(
            database, source, default_model.field_kinds(), load_preset("generic")
        )
        compiled = _compiled_here(
            default_model, select, PORTFOLIO_AS_OF, duckdb.connect()
        )
        yield database, source.dialect, compiled, select


def test_the_stages_give_the_one_querys_results(
    session: tuple[Any, str, CompiledModel, Any],
) -> None:
    database, dialect, compiled, select = session
    assert dialect == MARIADB_DIALECT, "the test server is MariaDB 10.10 or later"

    staged = database_query(database, compiled, compiled.query, select, dialect)
    whole = dataclasses.replace(compiled, query=reading(compiled.query, select))

    assert f"{STAGE_PREFIX}placed" in staged
    assert "`points` AS" not in staged  # scored once, in its own table
    from_stages = sorted(database.exec_driver_sql(staged).fetchall())
    from_one = sorted(database.exec_driver_sql(whole.sql(dialect=dialect)).fetchall())
    assert len(from_stages) == 1000
    assert from_stages == from_one


def test_a_second_query_on_the_connection_stores_its_stages_afresh(
    session: tuple[Any, str, CompiledModel, Any],
) -> None:
    database, dialect, compiled, select = session

    first = database_query(database, compiled, compiled.query, select, dialect)
    rows = database.exec_driver_sql(first).fetchall()
    again = database_query(database, compiled, compiled.query, select, dialect)

    assert sorted(database.exec_driver_sql(again).fetchall()) == sorted(rows)
