"""The signal steps render in each engine's dialect and agree on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import duckdb
import pytest
import sqlglot

from tests.engine.signal_tables import (
    AS_OF,
    SCHEMAS,
    accounts_table,
    days_ago,
    register,
)
from tierwise.engine import score_accounts
from tierwise.engine.compile import compile_model
from tierwise.engine.signals import FEATURE_STEPS, MATCHED_TABLES
from tierwise.errors import TierwiseError
from tierwise.model import TieringModel
from tierwise.model.fields import CANONICAL_FIELDS
from tierwise.model.signals import SIGNAL_SOURCES

POSTGRES = os.environ.get(
    "TIERWISE_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test"
)

ROWS: dict[str, list[dict[str, Any]]] = {
    "activity": [
        {"account_id": "a", "occurred_on": days_ago(0), "kind": "web_visit"},
        {"account_id": "a", "occurred_on": days_ago(30), "kind": "web_visit"},
        {
            "account_id": "a",
            "occurred_on": days_ago(45),
            "kind": "email",
            "weight": 3.0,
        },
        {"account_id": "b", "occurred_on": days_ago(89), "kind": "content_download"},
    ],
    "intent": [
        {
            "account_id": "a",
            "topic": "abm platform",
            "score": 88.0,
            "week": days_ago(8),
        },
        {
            "account_id": "a",
            "topic": "sales intelligence",
            "score": 90.0,
            "week": AS_OF,
        },
    ],
    "contacts": [
        {"account_id": "a", "contact_id": "1", "level": "vp", "engagement": 2.0},
        {"account_id": "a", "contact_id": "2", "role": "champion", "title": "cto"},
        {"account_id": "b", "contact_id": "3", "title": "lead engineer / data"},
    ],
    "events": [
        {"account_id": "a", "kind": "funding_round", "occurred_on": days_ago(10)},
        {"account_id": "b", "kind": "contract_end", "occurred_on": days_ago(-300)},
    ],
}


@pytest.fixture
def connection() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    for source, rows in ROWS.items():
        register(connection, source, rows)
    return connection


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "spark"])
def test_signal_steps_render_and_parse_back(
    default_model: TieringModel, dialect: str
) -> None:
    compiled = compile_model(
        default_model,
        AS_OF,
        list(CANONICAL_FIELDS),
        signal_sources=SIGNAL_SOURCES,
    )

    text = compiled.sql(dialect=dialect)

    assert sqlglot.parse_one(text, read=dialect) is not None
    for step in FEATURE_STEPS.values():
        assert step in text


def test_without_signal_files_the_query_reads_no_signal_table(
    default_model: TieringModel,
) -> None:
    compiled = compile_model(default_model, AS_OF, list(CANONICAL_FIELDS))

    text = compiled.sql()

    assert not any(table in text for table in MATCHED_TABLES.values())


def test_a_whole_run_scores_from_the_signal_rows(
    connection: duckdb.DuckDBPyConnection, default_model: TieringModel
) -> None:
    accounts = accounts_table(
        ["a", "b"], web_visits_30d=[0.0, 75.0], potential_acv=[600_000.0, 50_000.0]
    )

    run = score_accounts(
        default_model,
        accounts,
        AS_OF,
        connection=connection,
        signal_sources=SIGNAL_SOURCES,
    )

    assert run.accounts == 2
    points = run.connection.sql(
        "SELECT account_id, pts_web_visits, pts_intent, pts_executive_access FROM ("
        + run.compiled.step_query("points").sql(dialect="duckdb")
        + ") ORDER BY 1"
    ).fetchall()
    # a: 1 visit in the last 30 days (3 points), intent 90 * 2 / 3 = 60 (7
    # points), an engaged VP. b's column of 75 visits is not read.
    assert points == [("a", 3, 7, 10), ("b", 0, None, 0)]


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        pytest.param(["clicks"], "unknown signal source 'clicks'", id="unknown"),
        pytest.param(["intent"], "no signals.intent section", id="not-configured"),
    ],
)
def test_a_source_the_model_cannot_read_is_an_error(
    default_model: TieringModel, sources: list[str], message: str
) -> None:
    model = default_model.model_copy(
        update={"signals": default_model.signals.model_copy(update={"intent": None})}
        if default_model.signals
        else {}
    )

    with pytest.raises(TierwiseError, match=message):
        compile_model(model, AS_OF, ["account_id"], signal_sources=sources)


@pytest.fixture
def postgres_schema() -> Iterator[tuple[Any, str]]:
    psycopg = pytest.importorskip("psycopg", reason="needs tierwise[postgres]")
    try:
        admin = psycopg.connect(POSTGRES, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {POSTGRES} is unreachable: {error}")
        pytest.skip(f"PostgreSQL at {POSTGRES} is unreachable: {error}")
    schema = f"tierwise_signals_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE SCHEMA "{schema}"')
    admin.execute(f'SET search_path TO "{schema}"')
    try:
        yield admin, schema
    finally:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()


PG_TYPES = {"string": "TEXT", "date32[day]": "DATE", "double": "DOUBLE PRECISION"}


@pytest.mark.postgres
def test_postgres_computes_the_same_features_as_duckdb(
    connection: duckdb.DuckDBPyConnection,
    default_model: TieringModel,
    postgres_schema: tuple[Any, str],
) -> None:
    postgres, _ = postgres_schema
    for source in ROWS:
        schema = SCHEMAS[source]
        columns = ", ".join(
            f'"{f.name}" {PG_TYPES.get(str(f.type), "BIGINT")}' for f in schema
        )
        postgres.execute(f'CREATE TABLE "{MATCHED_TABLES[source]}" ({columns})')
        table = connection.sql(f'SELECT * FROM "{MATCHED_TABLES[source]}"')
        marks = ", ".join(["%s"] * len(schema))
        with postgres.cursor() as cursor:
            cursor.executemany(
                f'INSERT INTO "{MATCHED_TABLES[source]}" VALUES ({marks})',
                table.fetchall(),
            )
    compiled = compile_model(
        default_model, AS_OF, ["account_id"], signal_sources=SIGNAL_SOURCES
    )

    for step in FEATURE_STEPS.values():
        query = "SELECT * FROM ({}) AS step ORDER BY 1"
        in_duckdb = connection.sql(
            query.format(compiled.step_query(step).sql(dialect="duckdb"))
        ).fetchall()
        in_postgres = postgres.execute(
            query.format(compiled.step_query(step).sql(dialect="postgres"))
        ).fetchall()
        assert in_postgres == in_duckdb, step
