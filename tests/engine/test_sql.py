"""The compiled query: snapshot of the default model, dialects, quoting."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
import sqlglot
import yaml

from tests.engine.conftest import AS_OF, table_of
from tierwise.engine import compile_model, score_accounts
from tierwise.model import TieringModel, parse_model
from tierwise.model.fields import CANONICAL_FIELDS

SNAPSHOTS = Path(__file__).parents[1] / "snapshots"


def test_default_model_sql_matches_the_snapshot(default_model: TieringModel) -> None:
    compiled = compile_model(default_model, date(2026, 9, 30), list(CANONICAL_FIELDS))
    actual = compiled.sql() + "\n"

    path = SNAPSHOTS / "default-model.duckdb.sql"
    if os.environ.get("TIERWISE_UPDATE_SNAPSHOTS") == "1":
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "dialect", ["duckdb", "spark", "postgres", "snowflake", "bigquery"]
)
def test_the_query_renders_and_parses_back_in_each_dialect(
    default_model: TieringModel, dialect: str
) -> None:
    compiled = compile_model(default_model, AS_OF, list(CANONICAL_FIELDS))

    text = compiled.sql(dialect=dialect)

    assert sqlglot.parse_one(text, read=dialect) is not None
    assert "LIMIT 15" in text.upper() or "TOP 15" in text.upper()


def test_caps_are_filled_with_top_n_not_a_window_over_every_account(
    default_model: TieringModel,
) -> None:
    compiled = compile_model(default_model, AS_OF, list(CANONICAL_FIELDS))

    fill = compiled.steps["fill_0"].sql(dialect="duckdb")

    assert "LIMIT 15" in fill
    assert "OVER" not in fill


def test_values_from_the_model_are_quoted_by_the_library_not_pasted() -> None:
    document = {
        "name": "quotes",
        "currency": "EUR",
        "fields": {'odd "field"; drop': "text"},
        "lists": {"names": ["O'Reilly Media", "'; DROP TABLE accounts; --"]},
        "dimensions": [
            {
                "key": "only",
                "name": "Only",
                "weight": 1,
                "criteria": [
                    {
                        "key": "listed",
                        "field": 'odd "field"; drop',
                        "kind": "membership",
                        "lists": [{"list": "names", "points": 10}],
                    }
                ],
            }
        ],
        "tiers": [{"key": "tier_1", "name": "One", "min_score": 50}],
    }
    model = parse_model(yaml.safe_dump(document))
    rows = [
        {"account_id": "a", "name": "A", 'odd "field"; drop': "o'reilly media"},
        {
            "account_id": "b",
            "name": "B",
            'odd "field"; drop': "'; DROP TABLE accounts; --",
        },
        {"account_id": "c", "name": "C", 'odd "field"; drop': "other"},
    ]

    results = score_accounts(model, table_of(rows), AS_OF).table().to_pylist()

    assert {r["account_id"]: r["tier"] for r in results} == {
        "a": "tier_1",
        "b": "tier_1",
        "c": "unassigned",
    }
