"""A run's warnings name the accounts and the gates a user has to fix."""

from __future__ import annotations

from typing import Any

from tests.engine.conftest import AS_OF, direct_score_model, table_of
from tierwise.engine import score_accounts

BANDED = [
    {"key": "tier_1", "name": "One", "min_score": 0, "potential": {"at_least": 1}}
]


def _no_potential(count: int) -> list[dict[str, Any]]:
    return [
        {"account_id": f"acc-{n:02}", "name": f"n{n}", "score_input": 50}
        for n in reversed(range(count))
    ]


def _potential_warning(rows: list[dict[str, Any]]) -> str:
    model = direct_score_model({"score": 1}, BANDED)
    rows = [{**row, "potential_acv": None} for row in rows]
    rows.append({"account_id": "known", "name": "k", "score_input": 50})
    rows[-1]["potential_acv"] = 10.0
    run = score_accounts(model, table_of(rows), AS_OF)
    (warning,) = [w for w in run.warnings if "no potential" in w]
    return warning


def test_accounts_without_potential_are_named_up_to_five() -> None:
    warning = _potential_warning(_no_potential(8))

    assert warning == (
        "8 accounts have no potential (none given and none to estimate from), "
        "so no total can take them into One, whose potential bands need one; "
        "fill potential or annual revenue for acc-00, acc-01, acc-02, acc-03, "
        "acc-04 and 3 more"
    )


def test_one_account_without_potential_is_named_alone() -> None:
    warning = _potential_warning(_no_potential(1))

    assert warning.startswith("1 account has no potential")
    assert "take it into One" in warning
    assert warning.endswith("annual revenue for acc-00")
