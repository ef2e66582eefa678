"""Cases 12-15 of the shared catalogue, each with its sample and a variant."""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.engine.conftest import AS_OF, Score, direct_score_model, table_of
from tierwise.engine import score_accounts

CASE_WEIGHTS = {"fit": 40, "strategic": 20, "engagement": 30, "accessibility": 10}


def _row(
    account: str, fit: Any, strategic: Any, engagement: Any, access: Any
) -> dict[str, Any]:
    return {
        "account_id": account,
        "name": account,
        "fit_input": fit,
        "strategic_input": strategic,
        "engagement_input": engagement,
        "accessibility_input": access,
    }


# Case 12: missing data is neither zero nor a free pass.

CASE_12_TIERS = [
    {"key": "tier_1", "name": "One", "min_score": 80, "min_coverage_pct": 70},
    {"key": "tier_2", "name": "Two", "min_score": 50},
]


def test_case_12_blank_engagement_is_unknown_not_zero(score: Score) -> None:
    model = direct_score_model(CASE_WEIGHTS, CASE_12_TIERS)
    rows = [
        _row("Aurora Pipeworks", 90, 80, None, 70),
        _row("Bellwether Bank", 90, 80, 5, 70),
        _row("Corvid Studio", None, None, 95, None),
    ]

    results = score(model, rows)

    aurora, bellwether = results["Aurora Pipeworks"], results["Bellwether Bank"]
    assert aurora["total"] == 84.28  # (40*90 + 20*80 + 10*70) / 70, cut to 2 places
    assert aurora["completeness"] == 70.0
    assert bellwether["total"] == 60.5
    assert aurora["total"] > bellwether["total"]
    assert (aurora["tier"], aurora["reason"]) == ("tier_1", "met")


def test_case_12_one_strong_criterion_cannot_reach_tier_1(score: Score) -> None:
    model = direct_score_model(CASE_WEIGHTS, CASE_12_TIERS)
    rows = [_row("Corvid Studio", None, None, 95, None)]

    corvid = score(model, rows)["Corvid Studio"]

    assert corvid["completeness"] == 30.0
    assert corvid["total"] == 95.0  # shown, but only 30% of the weight behind it
    assert (corvid["tier"], corvid["reason"]) == ("tier_2", "insufficient_data")


def test_case_12_variant_fixed_points_policy_is_explicit(score: Score) -> None:
    model = direct_score_model(CASE_WEIGHTS, CASE_12_TIERS)
    document = model.model_dump(by_alias=True, exclude_none=True)
    document["dimensions"][2]["criteria"][0]["missing"] = 50
    neutral = type(model).model_validate(document)

    aurora = score(neutral, [_row("Aurora Pipeworks", 90, 80, None, 70)])[
        "Aurora Pipeworks"
    ]

    assert aurora["total"] == 74.0  # 40*90 + 20*80 + 30*50 + 10*70, over 100
    assert aurora["completeness"] == 70.0  # imputed points are not observed


# Case 13: ties at a capped boundary follow a documented total order.

CASE_13_ROWS = [
    {"account_id": "acc-4", "name": "Delphin Retail", "score": 88, "strategic": 60},
    {"account_id": "acc-1", "name": "Alpine Vector", "score": 91, "strategic": 70},
    {"account_id": "acc-3", "name": "Cormorant Labs", "score": 88, "strategic": 90},
    {"account_id": "acc-2", "name": "Basalt Freight", "score": 88, "strategic": 75},
]


def _case_13_model(tie_break: list[str]) -> Any:
    model = direct_score_model(
        {"score": 1},
        [
            {"key": "tier_1", "name": "One", "min_score": 80, "max_accounts": 2},
            {"key": "tier_2", "name": "Two", "min_score": 0},
        ],
        fields={"score_input": "number", "strategic": "number"},
        tie_break=tie_break,
    )
    return model


def _case_13_rows(order: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "account_id": r["account_id"],
            "name": r["name"],
            "score_input": r["score"],
            "strategic": r["strategic"],
        }
        for r in order
    ]


@pytest.mark.parametrize("seed", range(6), ids=lambda s: f"row-order-{s}")
def test_case_13_ties_at_cap_do_not_depend_on_row_order(
    score: Score, seed: int
) -> None:
    order = list(CASE_13_ROWS)
    random.Random(seed).shuffle(order)

    results = score(_case_13_model(["strategic"]), _case_13_rows(order))

    tier_1 = sorted(r["name"] for r in results.values() if r["tier"] == "tier_1")
    assert tier_1 == ["Alpine Vector", "Cormorant Labs"]
    pushed = {
        r["name"]: (r["reason"], r["cap_rank"])
        for r in results.values()
        if r["tier"] == "tier_2"
    }
    assert pushed == {"Basalt Freight": ("capped", 3), "Delphin Retail": ("capped", 4)}


def test_case_13_variant_equal_tie_breaks_fall_to_account_id(score: Score) -> None:
    rows = [dict(row, strategic=50) for row in CASE_13_ROWS]

    results = score(_case_13_model(["strategic"]), _case_13_rows(rows))

    tier_1 = sorted(r["account_id"] for r in results.values() if r["tier"] == "tier_1")
    assert tier_1 == ["acc-1", "acc-2"]


# Case 14: a total exactly on a threshold passes it.

CASE_14_TIERS = [
    {"key": "tier_1", "name": "One", "min_score": 80},
    {"key": "tier_2", "name": "Two", "min_score": 70},
    {"key": "tier_3", "name": "Three", "min_score": 0},
]


def test_case_14_exact_threshold_passes_despite_float_sums(score: Score) -> None:
    model = direct_score_model(CASE_WEIGHTS, CASE_14_TIERS, step="0.01")
    rows = [
        _row("Egret Systems", 0.7, 0.7, 0.7, 0.7),
        _row("Falcon Row", 0.5, 1.0, 1.0, 1.0),
    ]

    results = score(model, rows)

    assert 0.4 * 0.7 + 0.2 * 0.7 + 0.3 * 0.7 + 0.1 * 0.7 < 0.7  # the float trap
    assert (results["Egret Systems"]["total"], results["Egret Systems"]["tier"]) == (
        70.0,
        "tier_2",
    )
    assert (results["Falcon Row"]["total"], results["Falcon Row"]["tier"]) == (
        80.0,
        "tier_1",
    )


@pytest.mark.parametrize(
    ("inputs", "expected_tier"),
    [
        pytest.param((0.8, 0.8, 0.8, 0.8), "tier_1", id="exactly-80-is-tier-1"),
        pytest.param((0.79, 0.8, 0.8, 0.8), "tier_2", id="just-under-80-is-tier-2"),
        pytest.param((0.7, 0.7, 0.7, 0.7), "tier_2", id="exactly-70-is-tier-2"),
        pytest.param((0.69, 0.7, 0.7, 0.7), "tier_3", id="just-under-70-is-tier-3"),
        pytest.param((0.29, 0.3, 0.3, 0.3), "tier_3", id="decimal-that-floats-badly"),
    ],
)
def test_case_14_every_boundary_is_inclusive(
    score: Score, inputs: tuple[float, ...], expected_tier: str
) -> None:
    model = direct_score_model(CASE_WEIGHTS, CASE_14_TIERS, step="0.01")

    result = score(model, [_row("acc", *inputs)])["acc"]

    assert result["tier"] == expected_tier


# Case 15: a named account that is also disqualified; more named accounts
# than Tier 1 slots.

CASE_15_ROWS = [
    {
        "account_id": "halcyon",
        "name": "Halcyon Ports",
        "named": True,
        "country": "XX",
        "flag": "sanctioned-country",
        "score_input": 42,
    },
    {
        "account_id": "ivory",
        "name": "Ivory Crane",
        "named": False,
        "country": "DE",
        "flag": None,
        "score_input": 95,
    },
    {
        "account_id": "jasper",
        "name": "Jasper Quay",
        "named": True,
        "country": "FR",
        "flag": None,
        "score_input": 55,
    },
    {
        "account_id": "kelpie",
        "name": "Kelpie Mills",
        "named": True,
        "country": "NL",
        "flag": None,
        "score_input": 61,
    },
]


def _case_15_model() -> Any:
    return direct_score_model(
        {"score": 1},
        [
            {
                "key": "tier_1",
                "name": "One",
                "min_score": 90,
                "max_accounts": 1,
                "include": [
                    {"name": "named_account", "when": {"field": "named", "is": True}}
                ],
                "disqualifiers": [
                    {"name": "flagged", "when": {"field": "flag", "missing": False}}
                ],
            },
            {"key": "tier_2", "name": "Two", "min_score": 50},
            {"key": "tier_3", "name": "Three", "min_score": 0},
        ],
        fields={"score_input": "number", "named": "boolean", "flag": "text"},
    )


def test_case_15_disqualifier_beats_named_account_and_is_reported(score: Score) -> None:
    model = _case_15_model()
    run = score_accounts(model, table_of(CASE_15_ROWS), AS_OF)
    results = {row["account_id"]: row for row in run.table().to_pylist()}

    assert (results["halcyon"]["tier"], results["halcyon"]["reason"]) == (
        "tier_3",
        "disqualified:flagged",
    )
    assert any("disqualified" in w and "halcyon" in w for w in run.warnings)


def test_case_15_named_accounts_fill_slots_first_and_overflow_is_reported(
    score: Score,
) -> None:
    model = _case_15_model()
    run = score_accounts(model, table_of(CASE_15_ROWS), AS_OF)
    results = {row["account_id"]: row for row in run.table().to_pylist()}

    assert (
        results["kelpie"]["tier"] == "tier_1"
    )  # named, and the higher total of the two
    assert (results["jasper"]["tier"], results["jasper"]["reason"]) == (
        "tier_2",
        "capped",
    )
    assert (results["ivory"]["tier"], results["ivory"]["reason"]) == (
        "tier_2",
        "capped",
    )
    assert results["jasper"]["cap_rank"] == 2
    assert any("named account" in w and "jasper" in w for w in run.warnings)
