"""Explanations agree exactly with the totals they explain."""

from __future__ import annotations

import pyarrow as pa
import pytest

from tests.engine.conftest import AS_OF
from tierwise.engine import Explanation, explain, score_accounts
from tierwise.model import TieringModel
from tierwise.sample import DEMO_AS_OF, build_demo_portfolio, generate_portfolio


def test_every_demo_account_adds_up_criterion_to_dimension_to_total(
    default_model: TieringModel,
) -> None:
    run = score_accounts(default_model, build_demo_portfolio(), DEMO_AS_OF)
    results = {row["account_id"]: row for row in run.table().to_pylist()}

    explanations = explain(run.connection, run.compiled, list(results))

    assert len(explanations) == len(results) == 1000
    for explanation in explanations:
        row = results[explanation.account_id]
        assert explanation.adds_up(), explanation.account_id
        assert explanation.total == row["total"]
        assert (explanation.tier, explanation.reason, explanation.rank) == (
            row["tier"],
            row["reason"],
            row["rank"],
        )
        for dim in explanation.dimensions:
            assert dim.score == row[f"{dim.key}_score"]


@pytest.mark.parametrize("seed", [1, 2], ids=lambda s: f"seed-{s}")
def test_synthetic_accounts_with_gaps_add_up_too(
    default_model: TieringModel, seed: int
) -> None:
    portfolio = generate_portfolio(3000, seed=seed).slice(1000)
    run = score_accounts(default_model, portfolio, AS_OF)
    ids = run.table().column("account_id").to_pylist()[:500]

    explanations = explain(run.connection, run.compiled, ids)

    assert len(explanations) == 500
    assert all(explanation.adds_up() for explanation in explanations)


def test_unknown_ids_are_left_out(default_model: TieringModel) -> None:
    run = score_accounts(default_model, build_demo_portfolio(), DEMO_AS_OF)

    assert explain(run.connection, run.compiled, ["no-such-account"]) == []


def test_a_gate_failed_for_an_unknown_potential_says_so(
    default_model: TieringModel,
) -> None:
    # A strong account with neither a potential nor a revenue to estimate one
    # from fails every tier's potential band, whatever its total.
    portfolio = build_demo_portfolio()
    strong = portfolio.slice(0, 1).to_pylist()[0]
    unknown = dict(strong, account_id="no-potential", potential_acv=None)
    unknown["annual_revenue"] = None
    table = pa.Table.from_pylist([strong, unknown], schema=portfolio.schema)
    run = score_accounts(default_model, table, DEMO_AS_OF)

    known, missing = (
        explain(run.connection, run.compiled, [account])[0]
        for account in (strong["account_id"], "no-potential")
    )

    def outcomes(explanation: Explanation) -> set[str]:
        return {g.outcome for g in explanation.gates if g.check == "potential"}

    assert outcomes(missing) == {"unknown"}
    assert "unknown" not in outcomes(known)
    assert (missing.tier, missing.reason) == ("unassigned", "insufficient_data")
    assert [w for w in run.warnings if "no potential" in w] == [
        "1 account has no potential (none given and none to estimate from), so "
        "no total can take it into Strategic, Focus, Programmatic, whose "
        "potential bands need one; fill potential or annual revenue for "
        "no-potential"
    ]
