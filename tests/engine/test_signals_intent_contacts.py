"""Intent topics and contacts rolled up to account fields inside the query."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from tests.engine.signal_tables import (
    accounts_table,
    days_ago,
    model_with_signals,
    register,
    source_rows,
)
from tierwise.model import TieringModel


@pytest.fixture
def connection() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def _week(account: str, topic: str, score: float, weeks_ago: int) -> dict[str, Any]:
    return {
        "account_id": account,
        "topic": topic,
        "score": score,
        "week": days_ago(7 * weeks_ago),
    }


def test_an_account_the_vendor_left_out_is_unknown_not_zero(
    connection: duckdb.DuckDBPyConnection, default_model: TieringModel
) -> None:
    register(
        connection,
        "intent",
        [
            _week("a", "account based marketing", 85, 0),
            # Topics the model does not list say nothing.
            _week("b", "office furniture", 99, 0),
        ],
    )

    rows = source_rows(
        connection, default_model, ["intent"], accounts_table(["a", "b", "c"])
    )

    assert [rows[key]["intent_score"] for key in "abc"] == [85, None, None]


def test_the_model_may_score_absent_accounts(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    model = model_with_signals(intent={"topics": {"abm platform": 1}, "absent": "0"})
    register(connection, "intent", [_week("a", "abm platform", 55, 0)])

    rows = source_rows(connection, model, ["intent"], accounts_table(["a", "b"]))

    assert (rows["a"]["intent_score"], rows["b"]["intent_score"]) == (55, 0)


def test_max_weighs_each_topic_against_the_largest_weight(
    connection: duckdb.DuckDBPyConnection, default_model: TieringModel
) -> None:
    # Default weights: abm platform 3, sales intelligence 2, marketing
    # automation 1.
    register(
        connection,
        "intent",
        [
            _week("a", "sales intelligence", 90, 0),
            _week("a", "marketing automation", 99, 0),
            _week("b", "sales intelligence", 90, 0),
            _week("b", "abm platform", 61, 0),
        ],
    )

    rows = source_rows(
        connection, default_model, ["intent"], accounts_table(["a", "b"])
    )

    assert rows["a"]["intent_score"] == 60  # 90 * 2 / 3, exactly
    assert rows["b"]["intent_score"] == 61


def test_weighted_mean_over_the_topics_reported(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    model = model_with_signals(
        intent={
            "topics": {"abm platform": 3, "sales intelligence": 1, "crm": 1},
            "combine": "weighted_mean",
        }
    )
    register(
        connection,
        "intent",
        [
            _week("a", "abm platform", 80, 0),
            _week("a", "sales intelligence", 40, 0),
        ],
    )

    rows = source_rows(connection, model, ["intent"], accounts_table("a"))

    assert rows["a"]["intent_score"] == (3 * 80 + 40) / 4


def test_old_weeks_fade_and_then_drop_out(
    connection: duckdb.DuckDBPyConnection, default_model: TieringModel
) -> None:
    # Half-life 4 weeks, weeks older than 12 left out.
    register(
        connection,
        "intent",
        [
            _week("fading", "abm platform", 80, 4),
            _week("fading", "abm platform", 30, 0),
            _week("oldest", "abm platform", 96, 12),
            _week("gone", "abm platform", 99, 13),
            {
                "account_id": "same-week",
                "topic": "abm platform",
                "score": 70,
                "week": days_ago(6),
            },
        ],
    )

    rows = source_rows(
        connection,
        default_model,
        ["intent"],
        accounts_table(["fading", "oldest", "gone", "same-week"]),
    )

    assert rows["fading"]["intent_score"] == 40
    assert rows["oldest"]["intent_score"] == 12
    assert rows["gone"]["intent_score"] is None
    assert rows["same-week"]["intent_score"] == 70


def _contact(account: str, contact: str, **values: Any) -> dict[str, Any]:
    return {"account_id": account, "contact_id": contact, **values}


def test_executive_access_needs_an_engaged_executive(
    connection: duckdb.DuckDBPyConnection, default_model: TieringModel
) -> None:
    register(
        connection,
        "contacts",
        [
            _contact("vp-engaged", "c1", level="vp", engagement=1.0),
            _contact("vp-cold", "c2", level="vp", engagement=0.5),
            _contact("vp-unknown", "c3", level="c_level", engagement=None),
            _contact("director", "c4", level="director", engagement=9.0),
        ],
    )
    ids = ["vp-engaged", "vp-cold", "vp-unknown", "director", "nobody"]

    rows = source_rows(connection, default_model, ["contacts"], accounts_table(ids))

    assert [rows[key]["exec_access"] for key in ids] == [
        True,
        False,
        False,
        False,
        False,
    ]


def test_personas_and_buying_group_coverage(
    connection: duckdb.DuckDBPyConnection, default_model: TieringModel
) -> None:
    # Required: champion, decision_maker, technical_evaluator, user_lead.
    register(
        connection,
        "contacts",
        [
            _contact("a", "c1", role="champion", engagement=2.0),
            _contact("a", "c2", role="exec sponsor", level="c_level", engagement=3.0),
            _contact("a", "c3", title="chief architect, cloud"),
            _contact("b", "c4", role="economic buyer", title="architecture lead"),
            _contact("b", "c5", role="end user", engagement=1.5),
            _contact("c", "c6", title="senior it director"),
        ],
    )

    rows = source_rows(
        connection, default_model, ["contacts"], accounts_table(["a", "b", "c", "d"])
    )

    fields = (
        "champion_identified",
        "exec_sponsor",
        "exec_access",
        "buying_group_coverage_pct",
        "contact_engagement",
    )
    got = {key: tuple(rows[key][name] for name in fields) for key in "abcd"}
    assert got == {
        "a": (True, True, True, 50, 5),
        "b": (False, False, False, 50, 1.5),
        "c": (False, False, False, 25, 0),
        "d": (False, False, False, 0, 0),
    }


def test_champion_and_sponsor_fall_back_to_their_roles(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    model = model_with_signals(
        contacts={
            "personas": {"buyer": {"titles": ["procurement"]}},
            "required_personas": ["buyer"],
        }
    )
    register(
        connection,
        "contacts",
        [
            _contact("a", "c1", role="champion"),
            _contact("a", "c2", role="executive sponsor"),
            _contact("b", "c3", title="head of procurement"),
        ],
    )

    rows = source_rows(connection, model, ["contacts"], accounts_table(["a", "b"]))

    assert (rows["a"]["champion_identified"], rows["a"]["exec_sponsor"]) == (
        True,
        True,
    )
    assert (
        rows["a"]["buying_group_coverage_pct"],
        rows["b"]["buying_group_coverage_pct"],
    ) == (0, 100)


def test_contacts_without_required_personas_leave_coverage_missing(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    model = model_with_signals(contacts={"engaged_at_least": "0"})
    register(connection, "contacts", [_contact("a", "c1", level="vp")])

    rows = source_rows(connection, model, ["contacts"], accounts_table(["a", "b"]))

    assert rows["a"]["exec_access"] is True
    assert rows["a"]["buying_group_coverage_pct"] is None
    assert rows["b"]["buying_group_coverage_pct"] is None
