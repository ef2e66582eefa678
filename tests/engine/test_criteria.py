"""Every criterion kind, scored through the real query on DuckDB."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import yaml

from tests.engine.conftest import AS_OF, table_of
from tierwise.engine import explain, score_accounts
from tierwise.engine.criteria import recency_bands
from tierwise.model import parse_model
from tierwise.model.schema import RecencyCriterion
from tierwise.sources.values import sql_lower


def _one_criterion_model(criterion: dict[str, Any], **extra: Any) -> Any:
    document = {
        "name": "one",
        "currency": "EUR",
        "lists": {"icp": ["Software", "Fintech"], "near": ["Media"]},
        "dimensions": [
            {"key": "only", "name": "Only", "weight": 1, "criteria": [criterion]}
        ],
        "tiers": [{"key": "tier_1", "name": "One", "min_score": 0}],
        **extra,
    }
    return parse_model(yaml.safe_dump(document, sort_keys=False))


def _points(
    criterion: dict[str, Any], values: list[Any], **extra: Any
) -> list[int | None]:
    model = _one_criterion_model(criterion, **extra)
    rows = [
        {"account_id": f"a{i:03}", "name": "x", criterion["field"]: value}
        for i, value in enumerate(values)
    ]
    run = score_accounts(model, table_of(rows), AS_OF)
    explained = explain(
        run.connection, run.compiled, [row["account_id"] for row in rows]
    )
    by_id = {e.account_id: e.criteria[0].points for e in explained}
    return [by_id[row["account_id"]] for row in rows]


def test_bands_include_the_lower_bound_and_exclude_the_upper() -> None:
    criterion = {
        "key": "size",
        "field": "employees",
        "kind": "bands",
        "bands": [
            {"at_least": 50, "below": 200, "points": 3},
            {"at_least": 200, "points": 10},
        ],
        "otherwise": 1,
    }

    points = _points(criterion, [49, 50, 199.99, 200, 10**9, None])

    assert points == [1, 3, 3, 10, 10, None]


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        # Following on, listed from the top: tested from the top down.
        (
            [
                {"at_least": 200, "below": 500, "points": 8},
                {"at_least": 50, "below": 200, "points": 3},
            ],
            [1, 3, 3, 8, 8, 1, 1],
        ),
        # A gap between 100 and 200 scores the otherwise points.
        (
            [
                {"at_least": 50, "below": 100, "points": 3},
                {"at_least": 200, "points": 8},
            ],
            [1, 3, 1, 8, 8, 8, 8],
        ),
        # Overlapping bands: the first listed that holds the value wins.
        (
            [
                {"at_least": 150, "points": 8},
                {"at_least": 50, "below": 300, "points": 3},
            ],
            [1, 3, 8, 8, 8, 8, 8],
        ),
        # No lower bound on the first band.
        (
            [{"below": 200, "points": 3}, {"at_least": 200, "points": 8}],
            [3, 3, 3, 8, 8, 8, 8],
        ),
    ],
)
def test_bands_score_alike_whether_they_follow_on_have_gaps_or_overlap(
    bands: list[dict[str, Any]], expected: list[int]
) -> None:
    criterion = {
        "key": "size",
        "field": "employees",
        "kind": "bands",
        "bands": bands,
        "otherwise": 1,
    }

    points = _points(criterion, [49, 50, 199.99, 200, 499.5, 500, 10**9])

    assert points == expected


def test_category_matches_without_case_or_spaces_and_has_a_default() -> None:
    criterion = {
        "key": "rel",
        "field": "relationship_strength",
        "kind": "category",
        "values": {"strong": 10, "Some": 5},
        "default": 2,
    }

    points = _points(criterion, ["Strong", "  some ", "weak", None])

    assert points == [10, 5, 2, None]


def test_boolean_scores_true_and_false() -> None:
    criterion = {
        "key": "champ",
        "field": "champion_identified",
        "kind": "boolean",
        "true_points": 10,
        "false_points": 1,
        "missing": 0,
    }

    points = _points(criterion, [True, False, None])

    assert points == [10, 1, 0]


def test_recency_bands_count_days_from_the_as_of_date_not_the_clock() -> None:
    criterion = {
        "key": "recent",
        "field": "last_engagement_date",
        "kind": "recency",
        "bands": [{"within_days": 14, "points": 10}, {"within_days": 45, "points": 6}],
        "otherwise": 0,
    }
    days = [0, 14, 15, 45, 46, -1]

    points = _points(criterion, [AS_OF - timedelta(d) for d in days])

    # A date after the as-of date has not happened yet for this run: unknown.
    assert points == [10, 10, 6, 6, 0, None]


def test_recency_half_life_halves_the_points_every_half_life() -> None:
    criterion = {
        "key": "recent",
        "field": "last_engagement_date",
        "kind": "recency",
        "half_life_days": 30,
        "max_points": 10,
    }
    days = [0, 29, 30, 31, 60, 90, 99, 100, 1000]

    points = _points(criterion, [AS_OF - timedelta(d) for d in days])

    expected = [int(10 * 0.5 ** (d / 30)) for d in days]
    assert points == expected == [10, 5, 5, 4, 2, 1, 1, 0, 0]


@pytest.mark.parametrize(
    "half_life", [1, 7, 30, 45, 365], ids=lambda h: f"half-life-{h}"
)
def test_recency_half_life_bands_match_the_formula_on_every_day(half_life: int) -> None:
    criterion = RecencyCriterion(
        key="r",
        field="last_engagement_date",
        kind="recency",
        half_life_days=half_life,
        max_points=10,
    )
    bands = recency_bands(criterion)

    for day in range(0, half_life * 6):
        banded = next((band.points for band in bands if day <= band.within_days), 0)
        assert banded == int(10 * 0.5 ** (day / half_life)), day


def test_membership_scores_the_first_list_that_holds_the_value() -> None:
    criterion = {
        "key": "industry",
        "field": "industry",
        "kind": "membership",
        "lists": [{"list": "icp", "points": 10}, {"list": "near", "points": 5}],
        "otherwise": 0,
    }

    points = _points(criterion, ["software", "MEDIA", "Mining", None])

    assert points == [10, 5, 0, None]


def test_conditions_score_the_first_rule_that_holds() -> None:
    criterion = {
        "key": "competition",
        "field": "competitor_contract_end",
        "kind": "conditions",
        "rules": [
            {
                "when": {"field": "competitor_contract_end", "days_until_above": 365},
                "points": 0,
            },
            {
                "when": {"field": "competitor_contract_end", "days_until_at_most": 120},
                "points": 8,
            },
        ],
        "otherwise": 4,
    }
    ends = [
        AS_OF + timedelta(366),
        AS_OF + timedelta(365),
        AS_OF + timedelta(120),
        None,
    ]

    points = _points(criterion, ends)

    assert points == [0, 4, 8, None]


def test_a_fixed_missing_policy_scores_but_does_not_count_as_observed() -> None:
    model = _one_criterion_model(
        {
            "key": "intent",
            "field": "intent_score",
            "kind": "bands",
            "bands": [{"at_least": 50, "points": 10}],
            "missing": 3,
        }
    )
    rows = [{"account_id": "a", "name": "A", "intent_score": None}]

    run = score_accounts(model, table_of(rows), AS_OF)
    result = run.table().to_pylist()[0]

    assert (result["total"], result["completeness"]) == (30.0, 0.0)


def test_an_absent_column_is_scored_by_the_missing_policy() -> None:
    model = _one_criterion_model(
        {
            "key": "intent",
            "field": "intent_score",
            "kind": "bands",
            "bands": [{"at_least": 50, "points": 10}],
        }
    )
    rows = [{"account_id": "a", "name": "A"}]

    result = score_accounts(model, table_of(rows), AS_OF).table().to_pylist()[0]

    assert (result["total"], result["completeness"]) == (None, 0.0)
    assert (result["tier"], result["reason"]) == ("unassigned", "below_threshold")


def test_potential_is_estimated_from_revenue_exactly_and_marked() -> None:
    model = _one_criterion_model(
        {
            "key": "acv",
            "field": "potential_acv",
            "kind": "bands",
            "bands": [{"at_least": 500000, "points": 10}],
        },
        potential={
            "field": "potential_acv",
            "estimate": {
                "share_of_revenue": "0.0005",
                "at_least": 10000,
                "at_most": 5000000,
            },
        },
    )
    rows = [
        {
            "account_id": "given",
            "name": "G",
            "potential_acv": 7.0,
            "annual_revenue": 1e9,
        },
        {"account_id": "exact", "name": "E", "annual_revenue": 1e9},
        {"account_id": "floor", "name": "F", "annual_revenue": 1000.0},
        {"account_id": "none", "name": "N"},
    ]

    results = {
        r["account_id"]: r
        for r in score_accounts(model, table_of(rows), AS_OF).table().to_pylist()
    }

    assert (results["given"]["potential"], results["given"]["potential_estimated"]) == (
        7.0,
        False,
    )
    assert (results["exact"]["potential"], results["exact"]["potential_estimated"]) == (
        500000.0,
        True,
    )
    assert (
        results["exact"]["total"] == 100.0
    )  # 1e9 * 0.05% is exactly 500K: passes >= 500K
    assert results["floor"]["potential"] == 10000.0
    assert (results["none"]["potential"], results["none"]["potential_estimated"]) == (
        None,
        False,
    )


def _engaged_within_30_days_model() -> Any:
    """10 points for an engagement at most 30 days before the as-of date."""
    return _one_criterion_model(
        {
            "key": "recent",
            "field": "last_engagement_date",
            "kind": "conditions",
            "rules": [
                {
                    "when": {"field": "last_engagement_date", "days_since_at_most": 30},
                    "points": 10,
                }
            ],
        }
    )


def test_dates_in_conditions_use_the_as_of_date() -> None:
    model = _engaged_within_30_days_model()
    rows = [{"account_id": "a", "name": "A", "last_engagement_date": date(2026, 9, 1)}]

    early = (
        score_accounts(model, table_of(rows), date(2026, 9, 30)).table().to_pylist()[0]
    )
    late = (
        score_accounts(model, table_of(rows), date(2026, 10, 2)).table().to_pylist()[0]
    )

    assert (early["total"], late["total"]) == (100.0, 0.0)


def test_days_since_at_most_counts_a_date_ahead_as_not_yet_happened() -> None:
    # The edges: the as-of date itself and 30 days before it hold; a day
    # after the as-of date has not happened yet, as recency counts it.
    model = _engaged_within_30_days_model()
    days = {
        "oldest": date(2026, 8, 31),
        "today": date(2026, 9, 30),
        "ahead": date(2026, 10, 1),
    }
    rows = [
        {"account_id": key, "name": key, "last_engagement_date": day}
        for key, day in days.items()
    ]

    results = score_accounts(model, table_of(rows), date(2026, 9, 30)).table()

    totals = {row["account_id"]: row["total"] for row in results.to_pylist()}
    assert totals == {"oldest": 100.0, "today": 100.0, "ahead": 0.0}


# Every code point whose full lower case in Python is more than one code
# point (only U+0130 in Unicode 14), and text where a letter's context
# changes Python's lower case (a final capital sigma).
MULTI_CODE_POINT = [
    chr(code)
    for code in range(0x110000)
    if not 0xD800 <= code <= 0xDFFF and len(chr(code).lower()) > 1
]


def test_python_lower_cases_every_code_point_as_the_engine_does() -> None:
    import duckdb
    import pyarrow as pa

    characters = [chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF]
    texts = [*characters, "ΟΔΟΣ", "ΟΔΟΣ ΚΑΙ ΣΑΣ", "İnşaat İSTANBUL"]
    connection = duckdb.connect()
    connection.register("texts", pa.table({"text": texts}))

    lowered = connection.sql("SELECT text, lower(text) FROM texts").fetchall()

    assert MULTI_CODE_POINT, "Python maps no code point to several"
    differing = [
        (f"U+{ord(text[0]):04X}" if len(text) == 1 else text, engine)
        for text, engine in lowered
        if sql_lower(text) != engine
    ]
    assert differing == []


@pytest.mark.parametrize("kind", ["category", "membership", "equals"])
def test_a_key_with_a_dotted_capital_i_matches_every_spelling(kind: str) -> None:
    field, key = "industry", "İnşaat"
    criterion: dict[str, Any] = {"key": "sector", "field": field}
    extra: dict[str, Any] = {}
    if kind == "category":
        criterion |= {"kind": "category", "values": {key: 10}, "default": 0}
    elif kind == "membership":
        criterion |= {"kind": "membership", "otherwise": 0}
        criterion["lists"] = [{"list": "turkish", "points": 10}]
        extra["lists"] = {"turkish": [key]}
    else:
        criterion |= {"kind": "conditions", "otherwise": 0}
        criterion["rules"] = [{"when": {"field": field, "equals": key}, "points": 10}]

    points = _points(criterion, ["İnşaat", "inşaat", "İNŞAAT", "Insaat"], **extra)

    assert points == [10, 10, 10, 0]
