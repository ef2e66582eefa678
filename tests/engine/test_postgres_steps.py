"""How the query's steps run inside PostgreSQL.

Each scoring step read once is computed row by row inside the step that
reads it (fenced by ``OFFSET 0`` so PostgreSQL does not merge it there and
repeat its expressions); a step read twice is stored once. The session
turns off PostgreSQL's compiling of the query to machine code, which took
longer than running it.
"""

from __future__ import annotations

from datetime import date

import sqlglot
from sqlglot import exp

from tests.postgres import POSTGRES, own_schema
from tierwise.engine import compile_model
from tierwise.engine.backends.connections import connect
from tierwise.engine.backends.database_sql import SCORING_STEPS, marked_once
from tierwise.model import load_model
from tierwise.sources.database import parse_source


def _steps(query: exp.Query) -> dict[str, exp.CTE]:
    return {step.alias: step for step in query.find_all(exp.CTE)}


def test_each_scoring_step_read_once_is_fenced_not_stored() -> None:
    model = load_model()
    compiled = compile_model(model, date(2026, 9, 30), model.read_fields())

    steps = _steps(marked_once(compiled.query.copy(), "postgres"))

    for name in SCORING_STEPS:
        assert steps[name].args.get("materialized") is False, name
        assert steps[name].this.args["offset"].expression.name == "0", name
    assert steps["eligible"].args.get("materialized") is True
    assert "OFFSET" not in steps["eligible"].this.sql(dialect="postgres")


def test_a_scoring_step_read_twice_is_stored_once() -> None:
    query = sqlglot.parse_one(
        "WITH source AS (SELECT 1 AS x), points AS (SELECT x FROM source) "
        "SELECT * FROM points AS a JOIN points AS b ON a.x = b.x",
        read="postgres",
    )

    steps = _steps(marked_once(query, "postgres"))

    assert steps["points"].args.get("materialized") is True
    assert steps["points"].this.args.get("offset") is None
    assert steps["source"].args.get("materialized") is False


def test_other_dialects_are_left_as_compiled() -> None:
    query = sqlglot.parse_one(
        "WITH source AS (SELECT 1 AS x) SELECT * FROM source", read="duckdb"
    )

    steps = _steps(marked_once(query, "duckdb"))

    assert steps["source"].args.get("materialized") is None
    assert steps["source"].this.args.get("offset") is None


def test_a_postgresql_session_runs_without_compiling_to_machine_code() -> None:
    with own_schema("tw_jit") as (admin, schema):
        admin.execute(f'CREATE TABLE "{schema}"."accounts" (account_id text)')
        source = parse_source(f"{POSTGRES}::{schema}.accounts")

        with connect(source) as database:
            setting = database.exec_driver_sql("SHOW jit").scalar()

    assert setting == "off"
