"""An explanation's gates: plain words, separate checks, the deciding gate."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pytest

from tests.engine.conftest import AS_OF, direct_score_model, table_of
from tests.engine.test_gates import ENTRENCHED, GATED_TIERS
from tierwise.engine import Explanation, TieringRun, explain, score_accounts
from tierwise.engine.explain import GateLine, wanted_accounts
from tierwise.model import TieringModel
from tierwise.sample import DEMO_AS_OF, build_demo_portfolio, generate_portfolio


def _demo_with(**changes: Any) -> Explanation:
    """The demo's first account, changed, explained in a run beside itself."""
    from tierwise.model import load_model

    portfolio = build_demo_portfolio()
    strong = portfolio.slice(0, 1).to_pylist()[0]
    changed = dict(strong, account_id="changed", **changes)
    table = pa.Table.from_pylist([strong, changed], schema=portfolio.schema)
    run = score_accounts(load_model(), table, DEMO_AS_OF)
    return explain(run.connection, run.compiled, ["changed"])[0]


def _line(explanation: Explanation, tier: str, check: str) -> GateLine:
    (line,) = [g for g in explanation.gates if (g.tier, g.check) == (tier, check)]
    return line


def test_an_unknown_potential_is_named_as_the_gate_that_decided() -> None:
    explanation = _demo_with(potential_acv=None, annual_revenue=None)

    potential = _line(explanation, "tier_3", "potential")
    completeness = _line(explanation, "tier_3", "completeness")
    assert explanation.reason == "insufficient_data"
    assert (potential.passed, potential.outcome, potential.decides) == (
        None,
        "unknown",
        True,
    )
    assert potential.detail == (
        "none given, no revenue to estimate it; needs at least 50,000"
    )
    assert (completeness.passed, completeness.decides) == (True, False)
    assert explanation.decision is not None
    assert (explanation.decision.tier, explanation.decision.checks) == (
        "tier_3",
        ("potential",),
    )
    assert "potential unknown (none given, no revenue to estimate it)" in (
        explanation.decision.sentence
    )


def test_score_and_potential_are_separate_checks_with_their_numbers() -> None:
    # 37.5 million of revenue estimates a potential of 18,750.
    explanation = _demo_with(potential_acv=None, annual_revenue=37_500_000.0)

    score = _line(explanation, "tier_3", "score")
    potential = _line(explanation, "tier_3", "potential")
    assert explanation.reason == "below_threshold"
    assert (score.passed, score.outcome) == (True, "meets")
    assert score.detail == f"total {explanation.total:.2f}, needs at least 30"
    assert (potential.passed, potential.outcome, potential.decides) == (
        False,
        "below band",
        True,
    )
    assert potential.detail == (
        "18,750 (estimated from revenue), needs at least 50,000"
    )
    assert explanation.decision is not None
    assert explanation.decision.sentence == (
        "below every tier: even the lowest, Programmatic (tier_3), needs "
        "a potential of at least 50,000 (has 18,750)"
    )


def _agrees_with_the_engine(run: TieringRun, ids: list[str]) -> None:
    results = {row["account_id"]: row for row in run.table().to_pylist()}
    explanations = explain(run.connection, run.compiled, ids)
    assert len(explanations) == len(ids)
    for explanation in explanations:
        row = results[explanation.account_id]
        assert explanation.decision is not None, explanation.account_id
        assert explanation.decision.reason == row["reason"], explanation.account_id
        for tier in run.compiled.model.active_tiers():
            mine = [g for g in explanation.gates if g.tier == tier.key]
            eligible = mine[-1]
            # Eligible exactly when every gate the lines show lets it in.
            gates_pass = all(g.passed for g in mine[:-1] if g.check != "include rule")
            included = any(g.passed for g in mine if g.check == "include rule")
            disqualified = any(
                g.passed is False for g in mine if g.check.startswith("disqualifier")
            )
            expected = not disqualified and (included or gates_pass)
            assert (eligible.check, eligible.passed) == ("eligible", expected)
        # A gate that decides is the first of its kind to fail in its tier,
        # however many fail after it.
        for line in explanation.gates:
            kind = line.check.split(" ", 1)[0]
            if line.decides and kind in ("disqualifier", "must-have"):
                failed = [
                    g
                    for g in explanation.gates
                    if g.tier == line.tier
                    and g.check.startswith(kind)
                    and g.passed is False
                ]
                assert failed[0] == line, explanation.account_id


def test_every_demo_account_is_decided_as_the_engine_decided(
    default_model: TieringModel,
) -> None:
    run = score_accounts(default_model, build_demo_portfolio(), DEMO_AS_OF)

    _agrees_with_the_engine(run, run.table().column("account_id").to_pylist())


@pytest.mark.parametrize("seed", [1, 2], ids=lambda s: f"seed-{s}")
def test_synthetic_accounts_with_gaps_are_decided_as_the_engine_decided(
    default_model: TieringModel, seed: int
) -> None:
    portfolio = generate_portfolio(3000, seed=seed).slice(1000)
    run = score_accounts(default_model, portfolio, AS_OF)

    _agrees_with_the_engine(run, run.table().column("account_id").to_pylist()[:800])


def _gated(account: str, score: int | None, **fields: Any) -> dict[str, Any]:
    base = {
        "account_id": account,
        "name": account,
        "score_input": score,
        "exec_sponsor": True,
        "competitor_incumbent": False,
        "competitor_contract_end": None,
    }
    return {**base, **fields}


GATED_ACCOUNTS = [
    _gated("top-a", 95),
    _gated("top-b", 94),
    _gated("full", 93),
    _gated("no-sponsor", 90, exec_sponsor=False),
    _gated("entrenched", 90, **ENTRENCHED),
    _gated("low", 20),
    _gated("blank", None),
    _gated("pinned", 10),
]


@pytest.mark.parametrize(
    ("account", "reason", "tier", "checks", "words"),
    [
        pytest.param(
            "top-a", "met", "tier_1", ("eligible",), "passes every gate", id="met"
        ),
        pytest.param(
            "full",
            "capped",
            "tier_1",
            ("eligible",),
            "One (tier_1) was full",
            id="capped",
        ),
        pytest.param(
            "no-sponsor",
            "missing_must_have:exec_sponsor",
            "tier_1",
            ("must-have exec_sponsor",),
            "must-have exec_sponsor missing",
            id="must-have-missing",
        ),
        pytest.param(
            "entrenched",
            "disqualified:entrenched_competitor",
            "tier_1",
            ("disqualifier entrenched_competitor",),
            "disqualifier entrenched_competitor TRIGGERED",
            id="disqualified",
        ),
        pytest.param(
            "low",
            "below_threshold",
            "tier_3",
            ("score",),
            "needs a total of at least 30 (has 20.00)",
            id="below-every-tier",
        ),
        pytest.param(
            "blank",
            "insufficient_data",
            None,
            (),
            "below the model's minimum of 25%",
            id="too-little-data",
        ),
        pytest.param(
            "pinned", "override", None, (), "a person set this tier", id="override"
        ),
    ],
)
def test_the_decision_names_the_tier_and_gate_behind_each_reason(
    account: str, reason: str, tier: str | None, checks: tuple[str, ...], words: str
) -> None:
    model = direct_score_model({"score": 1}, GATED_TIERS, min_completeness_pct=25)
    run = score_accounts(
        model, table_of(GATED_ACCOUNTS), AS_OF, pins={"pinned": "tier_2"}
    )

    (explanation,) = explain(run.connection, run.compiled, [account])

    assert explanation.reason == reason
    decision = explanation.decision
    assert decision is not None
    assert (decision.reason, decision.tier, decision.checks) == (reason, tier, checks)
    assert words in decision.sentence
    marked = {(g.tier, g.check) for g in explanation.gates if g.decides}
    assert marked == {(tier, check) for check in checks}


@pytest.mark.parametrize(
    ("account", "check", "outcome"),
    [
        pytest.param("top-a", "disqualifier entrenched_competitor", "not triggered"),
        pytest.param(
            "entrenched",
            "disqualifier entrenched_competitor",
            "TRIGGERED",
            id="triggered",
        ),
        pytest.param("top-a", "must-have exec_sponsor", "holds", id="holds"),
        pytest.param("no-sponsor", "must-have exec_sponsor", "missing", id="missing"),
        pytest.param("top-a", "eligible", "eligible", id="eligible"),
        pytest.param("low", "eligible", "not eligible", id="not-eligible"),
        pytest.param("low", "score", "below", id="score-below"),
    ],
)
def test_gates_say_what_happened_in_plain_words(
    account: str, check: str, outcome: str
) -> None:
    model = direct_score_model({"score": 1}, GATED_TIERS)
    run = score_accounts(model, table_of(GATED_ACCOUNTS), AS_OF)

    (explanation,) = explain(run.connection, run.compiled, [account])

    assert _line(explanation, "tier_1", check).outcome == outcome


# One tier with two disqualifiers and two must-haves, in this order; the
# second tier takes what the first keeps out.
TWO_OF_EACH = [
    {
        "key": "tier_1",
        "name": "One",
        "min_score": 50,
        "disqualifiers": [
            {
                "name": "incumbent",
                "when": {"field": "competitor_incumbent", "is": True},
            },
            {"name": "partner", "when": {"field": "partner_value", "is": True}},
        ],
        "must_have": [
            {"name": "sponsor", "when": {"field": "exec_sponsor", "is": True}},
            {"name": "champion", "when": {"field": "champion_identified", "is": True}},
        ],
    },
    {"key": "tier_2", "name": "Two", "min_score": 0},
]


def _two_of_each(account: str, **fields: Any) -> dict[str, Any]:
    base = {
        "account_id": account,
        "name": account,
        "score_input": 90,
        "competitor_incumbent": False,
        "partner_value": False,
        "exec_sponsor": True,
        "champion_identified": True,
    }
    return {**base, **fields}


TWO_OF_EACH_ACCOUNTS = [
    _two_of_each("clean"),
    _two_of_each(
        "every-gate",
        competitor_incumbent=True,
        partner_value=True,
        exec_sponsor=False,
        champion_identified=False,
    ),
    _two_of_each("lacks-both", exec_sponsor=False, champion_identified=None),
    _two_of_each("second-of-each", partner_value=True, champion_identified=False),
]


def _two_of_each_run() -> TieringRun:
    model = direct_score_model({"score": 1}, TWO_OF_EACH)
    return score_accounts(model, table_of(TWO_OF_EACH_ACCOUNTS), AS_OF)


@pytest.mark.parametrize(
    ("account", "reason", "decides", "outcomes"),
    [
        pytest.param(
            "clean",
            "met",
            "eligible",
            ("not triggered", "not triggered", "holds", "holds"),
            id="every-gate-passes",
        ),
        pytest.param(
            "every-gate",
            "disqualified:incumbent",
            "disqualifier incumbent",
            ("TRIGGERED", "TRIGGERED", "missing", "missing"),
            id="both-disqualifiers-and-both-must-haves",
        ),
        pytest.param(
            "lacks-both",
            "missing_must_have:sponsor",
            "must-have sponsor",
            ("not triggered", "not triggered", "missing", "missing"),
            id="both-must-haves-missing",
        ),
        pytest.param(
            "second-of-each",
            "disqualified:partner",
            "disqualifier partner",
            ("not triggered", "TRIGGERED", "holds", "missing"),
            id="the-second-of-each",
        ),
    ],
)
def test_every_disqualifier_and_must_have_that_applies_is_shown(
    account: str, reason: str, decides: str, outcomes: tuple[str, ...]
) -> None:
    run = _two_of_each_run()

    (explanation,) = explain(run.connection, run.compiled, [account])

    checks = (
        "disqualifier incumbent",
        "disqualifier partner",
        "must-have sponsor",
        "must-have champion",
    )
    shown = tuple(_line(explanation, "tier_1", check).outcome for check in checks)
    assert shown == outcomes
    # The reason code and the deciding line stay the engine's first hit.
    assert explanation.reason == reason
    assert [(g.tier, g.check) for g in explanation.gates if g.decides] == [
        ("tier_1", decides)
    ]


def test_every_gate_is_tested_in_the_explain_query_only() -> None:
    run = _two_of_each_run()

    tiering = run.compiled.sql()
    explaining = run.compiled.explain_query(wanted_accounts(["clean"])).sql()

    assert "triggers_0_2" in explaining and "misses_0_2" in explaining
    assert "triggers_0" not in tiering and "misses_0" not in tiering
    _agrees_with_the_engine(run, [row["account_id"] for row in TWO_OF_EACH_ACCOUNTS])
