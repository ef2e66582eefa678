"""Helpers for engine tests: small models built in code, tiny portfolios."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import pyarrow as pa
import pytest
import yaml

from tierwise.engine import score_accounts
from tierwise.model import TieringModel, parse_model

AS_OF = date(2026, 9, 30)

Rows = Sequence[dict[str, Any]]


def direct_score_model(
    weights: dict[str, int],
    tiers: list[dict[str, Any]],
    scale: int = 100,
    step: str = "1",
    **extra: Any,
) -> TieringModel:
    """A model whose dimensions each score one number field directly.

    Field ``<dim>_input`` holds the dimension's score on a 0..scale grid of
    width ``step`` (``1`` for 0-100 scores, ``0.01`` for 0-1 scores); a band
    per grid point gives that many points, so the dimension scores exactly
    the input, as the cases in the shared catalogue state their inputs.
    """
    unit = __import__("decimal").Decimal(step)
    bands = [
        {"at_least": str(unit * points), "points": points}
        if points == scale
        else {
            "at_least": str(unit * points),
            "below": str(unit * (points + 1)),
            "points": points,
        }
        for points in range(scale + 1)
    ]
    document = {
        "name": "direct",
        "currency": "EUR",
        "points_scale": scale,
        "fields": {f"{key}_input": "number" for key in weights},
        "dimensions": [
            {
                "key": key,
                "name": key.title(),
                "weight": weight,
                "criteria": [
                    {
                        "key": f"{key}_points",
                        "field": f"{key}_input",
                        "kind": "bands",
                        "bands": bands,
                    }
                ],
            }
            for key, weight in weights.items()
        ],
        "tiers": tiers,
        **extra,
    }
    return parse_model(yaml.safe_dump(document, sort_keys=False))


def table_of(rows: Rows, types: dict[str, pa.DataType] | None = None) -> pa.Table:
    names = list(dict.fromkeys(name for row in rows for name in row))
    schema = pa.schema(
        [(name, (types or {}).get(name, _guess(rows, name))) for name in names]
    )
    return pa.Table.from_pylist([dict(row) for row in rows], schema=schema)


def _guess(rows: Rows, name: str) -> pa.DataType:
    values = [row[name] for row in rows if row.get(name) is not None]
    if values and all(isinstance(v, bool) for v in values):
        return pa.bool_()
    if values and all(isinstance(v, int | float) for v in values):
        return pa.float64()
    if values and all(isinstance(v, date) for v in values):
        return pa.date32()
    return pa.string()


Score = Callable[..., dict[str, dict[str, Any]]]


@pytest.fixture
def score() -> Score:
    """Score rows with a model; results keyed by account id."""

    def run(
        model: TieringModel, rows: Rows, as_of: date = AS_OF, **options: Any
    ) -> dict[str, dict[str, Any]]:
        result = score_accounts(model, table_of(rows), as_of, **options)
        return {row["account_id"]: row for row in result.table().to_pylist()}

    return run
