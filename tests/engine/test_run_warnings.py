"""A run's warnings name the accounts and the gates a user has to fix."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.engine.conftest import AS_OF, direct_score_model, table_of
from tests.engine.signal_tables import register
from tierwise.engine import score_accounts
from tierwise.engine.run import open_connection
from tierwise.model import TieringModel, default_model_text, load_model

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


def _absent_gate_warnings(model: TieringModel, rows: list[dict[str, Any]]) -> list[str]:
    run = score_accounts(model, table_of(rows), AS_OF)
    return [w for w in run.warnings if "no such column" in w]


FIRMOGRAPHICS = {
    "account_id": "a",
    "name": "A",
    "industry": "software",
    "employees": 5000.0,
    "annual_revenue": 2e9,
}


def test_a_must_have_on_a_column_the_input_lacks_is_named_with_its_fix() -> None:
    warnings = _absent_gate_warnings(load_model(), [FIRMOGRAPHICS])

    assert warnings == [
        "Strategic (tier_1): must-have exec_sponsor reads exec_sponsor, which the "
        "accounts do not have (no such column), so no account can meet it and the "
        "tier stays empty; fill exec_sponsor from a file given with --contacts, or "
        "map a column to exec_sponsor (`columns:` in a mapping file, given with "
        "--mapping) or change the must-have in the model"
    ]


def test_a_column_blank_in_some_rows_or_all_is_no_absent_field() -> None:
    rows = [
        {**FIRMOGRAPHICS, "exec_sponsor": None},
        {**FIRMOGRAPHICS, "account_id": "b", "exec_sponsor": True},
    ]

    assert _absent_gate_warnings(load_model(), rows) == []
    assert _absent_gate_warnings(load_model(), rows[:1]) == []


def _gated_model(must_have: dict[str, Any], include: Any = None) -> TieringModel:
    tier: dict[str, Any] = {
        "key": "tier_1",
        "name": "One",
        "min_score": 0,
        "must_have": [{"name": "gate", "when": must_have}],
    }
    if include is not None:
        tier["include"] = [{"name": "named", "when": include}]
    return direct_score_model({"score": 1}, [tier])


ROW = {"account_id": "a", "name": "A", "score_input": 50, "employees": 3.0}


@pytest.mark.parametrize(
    ("must_have", "warned"),
    [
        pytest.param({"field": "exec_sponsor", "is": True}, True, id="is-true"),
        pytest.param(
            {"not": {"field": "exec_sponsor", "is": True}}, True, id="not-unknown"
        ),
        pytest.param(
            {"field": "exec_sponsor", "missing": True}, False, id="missing-holds"
        ),
        pytest.param(
            {
                "any": [
                    {"field": "exec_sponsor", "is": True},
                    {"field": "employees", "at_least": 2},
                ]
            },
            False,
            id="any-with-a-present-field",
        ),
        pytest.param(
            {
                "all": [
                    {"field": "exec_sponsor", "is": True},
                    {"field": "employees", "at_least": 2},
                ]
            },
            True,
            id="all-with-an-absent-field",
        ),
        pytest.param({"field": "employees", "at_least": 2}, False, id="present"),
    ],
)
def test_only_gates_that_cannot_hold_without_the_field_are_named(
    must_have: dict[str, Any], warned: bool
) -> None:
    warnings = _absent_gate_warnings(_gated_model(must_have), [ROW])

    assert bool(warnings) == warned
    assert all("must-have gate reads exec_sponsor" in w for w in warnings)


def test_an_include_rule_on_a_column_the_input_lacks_names_nobody() -> None:
    model = _gated_model(
        {"field": "employees", "at_least": 2},
        include={"field": "champion_identified", "is": True},
    )

    warnings = _absent_gate_warnings(model, [ROW])

    assert warnings == [
        "One (tier_1): include rule named reads champion_identified, which the "
        "accounts do not have (no such column), so it names no account; map a "
        "column to champion_identified (`columns:` in a mapping file, given with "
        "--mapping) or change the include rule in the model"
    ]


@pytest.mark.parametrize(
    ("pins", "held"),
    [
        pytest.param({}, "the accounts its include rules name", id="no-pins"),
        pytest.param(
            {"a": "tier_1"},
            "the accounts its include rules name and its 1 pinned account "
            "(manual overrides)",
            id="one-pin",
        ),
    ],
)
def test_a_tier_a_must_have_shuts_says_what_it_still_holds(
    pins: dict[str, str], held: str
) -> None:
    model = _gated_model(
        {"field": "exec_sponsor", "is": True},
        include={"field": "employees", "at_least": 2},
    )

    run = score_accounts(model, table_of([ROW]), AS_OF, pins=pins)

    (warning,) = [w for w in run.warnings if "no such column" in w]
    assert f"no account can meet it and the tier holds only {held};" in warning


def test_a_gate_on_fields_signal_files_fill_names_each_file_option() -> None:
    # The intent section names its own field; the model says which file fills it.
    signals = yaml.safe_load(default_model_text())["signals"]
    signals["intent"] = {"field": "surge", "topics": {"abm": 1}, "absent": "unknown"}
    gate = {
        "all": [
            {"field": "surge", "at_least": 50},
            {"field": "champion_identified", "is": True},
            {"field": "exec_sponsor", "is": True},
        ]
    }
    tier: dict[str, Any] = {"key": "tier_1", "name": "One", "min_score": 0}
    tier["must_have"] = [{"name": "gate", "when": gate}]
    model = direct_score_model({"score": 1}, [tier], signals=signals)

    warnings = _absent_gate_warnings(model, [ROW])

    assert warnings == [
        "One (tier_1): must-have gate reads champion_identified, exec_sponsor, "
        "surge, which the accounts do not have (no such column), so no account "
        "can meet it and the tier stays empty; fill champion_identified, "
        "exec_sponsor from a file given with --contacts and surge from a file "
        "given with --intent, or map a column to champion_identified, "
        "exec_sponsor, surge (`columns:` in a mapping file, given with "
        "--mapping) or change the must-have in the model"
    ]


def test_a_field_a_signal_file_fills_is_no_absent_field() -> None:
    # The contacts file fills exec_sponsor: the accounts need no column.
    connection = open_connection()
    register(connection, "contacts", [{"account_id": "a", "contact_id": "c1"}])
    table = table_of([FIRMOGRAPHICS])

    with_contacts = score_accounts(
        load_model(), table, AS_OF, connection, signal_sources=["contacts"]
    )
    without = score_accounts(load_model(), table, AS_OF)

    assert [w for w in with_contacts.warnings if "no such column" in w] == []
    assert [w for w in without.warnings if "no such column" in w] != []


@pytest.mark.xfail(
    strict=True,
    reason="a full tier's warning counts only the accounts whose nearest full "
    "tier above was that one: an account turned away by it and then by a full "
    "tier below is counted under the lower tier alone",
)
def test_a_full_tier_counts_every_account_it_turned_away() -> None:
    tiers = [
        {
            "key": "tier_1",
            "name": "One",
            "min_score": 70,
            "max_accounts": 1,
            "potential": {"at_least": 100},
        },
        {"key": "tier_2", "name": "Two", "min_score": 0, "max_accounts": 1},
        {"key": "tier_3", "name": "Three", "min_score": 0},
    ]
    model = direct_score_model({"score": 1}, tiers)
    # b qualifies for One behind a, then for Two behind c, which One's
    # potential band keeps out: b lands in Three, turned away by both.
    rows = [
        {"account_id": "a", "name": "A", "score_input": 90, "potential_acv": 200.0},
        {"account_id": "b", "name": "B", "score_input": 80, "potential_acv": 200.0},
        {"account_id": "c", "name": "C", "score_input": 85, "potential_acv": 10.0},
    ]

    run = score_accounts(model, table_of(rows), AS_OF)

    tiers_of = {row["account_id"]: row["tier"] for row in run.table().to_pylist()}
    assert tiers_of == {"a": "tier_1", "b": "tier_3", "c": "tier_2"}
    assert (
        "One holds 1 of 1; 1 more account qualified and were capped to a lower tier"
        in run.warnings
    )
