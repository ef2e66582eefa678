"""Placing around a capped tier in the middle: pins, ties and include rules.

Most accounts qualify for no capped tier and are placed without its fill
and queue; the accounts that do are placed from them. Both kinds meet here.
"""

from __future__ import annotations

from tests.engine.conftest import AS_OF, Score, direct_score_model
from tierwise.engine.compile import CompiledModel, compile_model

MIDDLE_CAPPED = [
    {"key": "tier_1", "name": "One", "min_score": 80},
    {
        "key": "tier_2",
        "name": "Two",
        "min_score": 50,
        "max_accounts": 2,
        "include": [{"name": "named", "when": {"field": "named", "is": True}}],
    },
    {"key": "tier_3", "name": "Three", "min_score": 20},
]


def test_a_capped_middle_tier_places_pins_ties_and_named_accounts(
    score: Score,
) -> None:
    fields = {"score_input": "number", "named": "boolean"}
    model = direct_score_model({"score": 1}, MIDDLE_CAPPED, fields=fields)
    scores = {"top": 90, "a": 70, "b": 70, "c": 70, "d": 60, "pin": 30}
    scores |= {"down": 85, "low": 10, "out": 75, "inc": 25}
    rows = [
        {"account_id": key, "name": key, "score_input": value, "named": key == "inc"}
        for key, value in scores.items()
    ]
    pins = {"pin": "tier_2", "down": "tier_3", "out": "unassigned"}

    results = score(model, rows, pins=pins)

    placed = {
        key: (
            r["tier"],
            r["reason"],
            r["rank"],
            r["cap_rank"],
            r["capped_from"],
            r["computed_tier"],
        )
        for key, r in results.items()
    }
    # Two's cap of 2 holds the pinned account and the named one (named
    # accounts fill first); the three tied at 70 and d go down in id order.
    assert placed == {
        "top": ("tier_1", "met", 1, None, None, "tier_1"),
        "inc": ("tier_2", "met", 1, None, None, "tier_2"),
        "pin": ("tier_2", "override", 2, None, None, "tier_3"),
        "down": ("tier_3", "override", 1, None, None, "tier_1"),
        "a": ("tier_3", "capped", 2, 3, "tier_2", "tier_3"),
        "b": ("tier_3", "capped", 3, 4, "tier_2", "tier_3"),
        "c": ("tier_3", "capped", 4, 5, "tier_2", "tier_3"),
        "d": ("tier_3", "capped", 5, 6, "tier_2", "tier_3"),
        # Without pins, out (75) would have taken Two's second place.
        "out": ("unassigned", "override", None, None, None, "tier_2"),
        "low": ("unassigned", "below_threshold", None, None, None, "unassigned"),
    }


def test_the_materialised_step_holds_only_the_gates_a_tier_has_rules_for() -> None:
    fields = {"score_input": "number", "named": "boolean"}
    model = direct_score_model({"score": 1}, MIDDLE_CAPPED, fields=fields)
    unpinned = compile_model(model, AS_OF, ["account_id", "name", "score_input"])
    pinned = compile_model(
        model, AS_OF, ["account_id", "name", "score_input"], pins={"a": "tier_1"}
    )

    def gates(compiled: CompiledModel) -> list[str]:
        names = compiled.steps["eligible"].named_selects
        return [name for name in names if name[-1].isdigit()]

    # Only Two has an include rule; no tier has a disqualifier or must-have,
    # and without pins qualifying for a tier is being eligible for it.
    kept = ["score_ok_0", "coverage_ok_0", "included_1", "score_ok_1"]
    kept += ["coverage_ok_1", "score_ok_2", "coverage_ok_2"]
    flags = ["eligible_0", "eligible_1", "eligible_2"]
    assert gates(unpinned) == kept + flags
    with_pins = ["qualifies_0", "eligible_0", "qualifies_1", "eligible_1"]
    assert gates(pinned) == kept + with_pins + ["qualifies_2", "eligible_2"]
