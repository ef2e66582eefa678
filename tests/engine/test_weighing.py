"""Totals and dimension scores under any weights, against exact fractions.

The engine sums each dimension's weighed points and then weighs the
dimensions; these tests hold that to the model's plain meaning: a
criterion's share of the total is its dimension's weight times its own
share of the dimension, renormalised over the criteria an account has data
for, cut down to hundredths.
"""

from __future__ import annotations

from fractions import Fraction
from math import floor
from typing import Any

import pyarrow as pa
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.engine.conftest import AS_OF, table_of
from tierwise.engine import score_accounts
from tierwise.errors import ModelError
from tierwise.model import TieringModel, parse_model

SCALE = 10

# A dimension: its weight and its criteria's weights.
dimensions = st.lists(
    st.tuples(
        st.integers(1, 1000), st.lists(st.integers(1, 20), min_size=1, max_size=3)
    ),
    min_size=1,
    max_size=4,
)


def _model(shape: list[tuple[int, list[int]]]) -> TieringModel:
    bands = [
        {"at_least": points, "below": points + 1, "points": points}
        for points in range(SCALE)
    ] + [{"at_least": SCALE, "points": SCALE}]
    document = {
        "name": "weighed",
        "currency": "EUR",
        "points_scale": SCALE,
        "fields": {
            f"f{d}_{c}": "number"
            for d, (_, criteria) in enumerate(shape)
            for c in range(len(criteria))
        },
        "dimensions": [
            {
                "key": f"d{d}",
                "name": f"Dimension {d}",
                "weight": weight,
                "criteria": [
                    {
                        "key": f"c{d}_{c}",
                        "field": f"f{d}_{c}",
                        "kind": "bands",
                        "weight": criterion_weight,
                        "bands": bands,
                    }
                    for c, criterion_weight in enumerate(criteria)
                ],
            }
            for d, (weight, criteria) in enumerate(shape)
        ],
        "tiers": [{"key": "tier_1", "name": "One", "min_score": 50}],
    }
    return parse_model(yaml.safe_dump(document, sort_keys=False))


def _centi(earned: Fraction, possible: Fraction) -> int | None:
    return floor(earned * 10_000 / possible) if possible else None


def _expected(
    shape: list[tuple[int, list[int]]], row: dict[str, Any]
) -> dict[str, int | None]:
    expected: dict[str, int | None] = {}
    earned_total, possible_total = Fraction(0), Fraction(0)
    for d, (weight, criteria) in enumerate(shape):
        earned, possible = Fraction(0), Fraction(0)
        for c, criterion_weight in enumerate(criteria):
            value = row[f"f{d}_{c}"]
            if value is None:
                continue
            points = int(value)
            share = Fraction(weight * criterion_weight, sum(criteria))
            earned += criterion_weight * points
            possible += criterion_weight * SCALE
            earned_total += share * points
            possible_total += share * SCALE
        expected[f"d{d}_score"] = _centi(earned, possible)
    expected["total"] = _centi(earned_total, possible_total)
    return expected


@settings(max_examples=40, deadline=None)
# Sums past 2**31 once scaled: they once stopped the run with an overflow.
@example(shape=[(1, [1, 12]), (1, [1, 1, 12]), (118, [1])], values=[[10] * 12])
# Criteria weights with a common factor in each dimension.
@example(shape=[(3, [10, 20]), (5, [6, 9, 3])], values=[[7, None, 3, 10, 0] * 2])
@given(
    shape=dimensions,
    values=st.lists(
        st.lists(st.none() | st.integers(0, SCALE), min_size=12, max_size=12),
        min_size=1,
        max_size=25,
    ),
)
def test_scores_equal_the_exact_weighed_fractions(
    shape: list[tuple[int, list[int]]], values: list[list[int | None]]
) -> None:
    model = _model(shape)
    fields = [
        f"f{d}_{c}"
        for d, (_, criteria) in enumerate(shape)
        for c in range(len(criteria))
    ]
    rows = [
        {
            "account_id": f"a{i}",
            "name": f"Account {i}",
            **{
                field: None if value is None else float(value)
                for field, value in zip(fields, drawn, strict=False)
            },
        }
        for i, drawn in enumerate(values)
    ]
    types = {field: pa.float64() for field in fields}

    run = score_accounts(model, table_of(rows, types), AS_OF)
    results = {row["account_id"]: row for row in run.table().to_pylist()}

    for row in rows:
        got = results[row["account_id"]]
        for column, centi in _expected(shape, row).items():
            shown = None if got[column] is None else round(got[column] * 100)
            assert shown == centi, (column, row, got)


def test_weights_too_uneven_for_whole_numbers_are_refused_at_their_key() -> None:
    # Five dimensions whose criteria weights sum to different primes: exact
    # whole-number shares need the primes' product, past what 64 bits hold.
    primes = [997, 991, 983, 977, 971]

    with pytest.raises(ModelError) as refused:
        _model([(1000, [1, prime - 1]) for prime in primes])

    problems = [(p.path, p.message) for p in refused.value.problems]
    assert problems == [
        (
            "dimensions",
            "the weights are too fine-grained to decide on whole numbers; "
            "use smaller whole-number weights",
        )
    ]


def test_a_model_whose_effective_weights_are_small_is_scored() -> None:
    # Effective weights sum to about 5e8 (5e15 once scaled, well within 64
    # bits); summed with each dimension's raw criteria weights, the same
    # total would need a thousand times that.
    shape = [(1, [1000]), (1000, [1, 1000, 1]), (7, [1, 1, 1, 1000])]
    row: dict[str, Any] = {"account_id": "a", "name": "A"}
    row |= {f"f{d}_{c}": 7.0 for d, (_, ws) in enumerate(shape) for c in range(len(ws))}
    types = {field: pa.float64() for field in row if field.startswith("f")}

    model = _model(shape)
    [scored] = score_accounts(model, table_of([row], types), AS_OF).table().to_pylist()

    assert round(scored["total"] * 100) == _expected(shape, row)["total"]
