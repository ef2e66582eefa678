"""A date the model reads as past that lies after the as-of date is warned
about: a wrong --as-of (2020 for 2026) otherwise moved tiers without a word."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pytest

from tests.engine.conftest import AS_OF, direct_score_model, table_of
from tests.engine.signal_tables import model_with_signals, register
from tierwise.engine import score_accounts
from tierwise.engine.run import TieringRun, open_connection
from tierwise.model import TieringModel, load_model

FIX = "check --as-of; a date after it counts as not yet happened"
AHEAD = "after the as-of date"


def _ahead(warnings: list[str]) -> list[str]:
    return [warning for warning in warnings if AHEAD in warning]


def _engaged(account: str, day: date | None, **more: Any) -> dict[str, Any]:
    return {"account_id": account, "name": account.upper(), **more} | {
        "last_engagement_date": day
    }


def test_engagement_dates_after_the_as_of_date_are_counted_and_dated() -> None:
    rows = [
        _engaged("a", date(2026, 10, 5)),
        _engaged("b", date(2027, 1, 2)),
        _engaged("c", AS_OF),
        _engaged("d", None),
        _engaged("e", date(2026, 9, 1)),
    ]

    run = score_accounts(load_model(), table_of(rows), AS_OF)

    assert _ahead(run.warnings) == [
        "last_engagement_date: 2 accounts have a date after the as-of date "
        "2026-09-30 (the latest 2027-01-02); recency scores such a date as "
        f"missing; {FIX}"
    ]


def test_one_account_is_said_as_one() -> None:
    rows = [_engaged("a", date(2026, 10, 1)), _engaged("b", date(2026, 9, 1))]

    run = score_accounts(load_model(), table_of(rows), AS_OF)

    (warning,) = _ahead(run.warnings)
    assert warning.startswith("last_engagement_date: 1 account has a date after")


def test_no_date_after_the_as_of_date_gives_no_warning() -> None:
    rows = [_engaged("a", AS_OF), _engaged("b", None), _engaged("c", date(2021, 1, 1))]

    run = score_accounts(load_model(), table_of(rows), AS_OF)

    assert _ahead(run.warnings) == []


def test_a_contract_end_ahead_is_what_days_until_looks_for() -> None:
    # The default model reads competitor_contract_end with days_until tests
    # only: a date ahead is the normal case there, not a wrong as-of date.
    rows = [
        _engaged("a", date(2026, 9, 1), competitor_contract_end=date(2028, 1, 1)),
        _engaged("b", date(2026, 9, 2), competitor_contract_end=date(2027, 3, 1)),
    ]

    run = score_accounts(load_model(), table_of(rows), AS_OF)

    assert _ahead(run.warnings) == []


def _dated_model(when: dict[str, Any]) -> TieringModel:
    tier = {
        "key": "tier_1",
        "name": "One",
        "min_score": 0,
        "must_have": [{"name": "dated", "when": when}],
    }
    fields = {"score_input": "number", "signed_on": "date"}
    return direct_score_model({"score": 1}, [tier], fields=fields)


@pytest.mark.parametrize(
    ("when", "effect", "fix"),
    [
        pytest.param(
            {"field": "signed_on", "days_since_above": 30},
            "a days_since_above test does not hold for such a date",
            FIX,
            id="days-since-above",
        ),
        pytest.param(
            {"not": {"field": "signed_on", "days_since_at_most": 30}},
            "a days_since_at_most test does not hold for such a date",
            FIX,
            id="days-since-at-most-inside-not",
        ),
        pytest.param(
            {
                "any": [
                    {"field": "signed_on", "days_since_above": 30},
                    {"field": "signed_on", "days_since_at_most": 7},
                ]
            },
            "a days_since_above test does not hold for such a date; a "
            "days_since_at_most test does not hold for such a date",
            FIX,
            id="both-tests",
        ),
    ],
)
def test_days_since_tests_name_what_they_make_of_a_date_ahead(
    when: dict[str, Any], effect: str, fix: str
) -> None:
    rows = [
        {
            "account_id": "a",
            "name": "A",
            "score_input": 50,
            "signed_on": date(2027, 5, 1),
        },
        {
            "account_id": "b",
            "name": "B",
            "score_input": 50,
            "signed_on": date(2026, 1, 1),
        },
    ]

    run = score_accounts(_dated_model(when), table_of(rows), AS_OF)

    assert _ahead(run.warnings) == [
        "signed_on: 1 account has a date after the as-of date 2026-09-30 (the "
        f"latest 2027-05-01); {effect}; {fix}"
    ]


def test_a_conditions_criterion_reading_a_date_as_past_is_covered() -> None:
    document = load_model().model_dump(by_alias=True, exclude_unset=True)
    document["fields"] = {**document.get("fields", {}), "signed_on": "date"}
    engagement = next(d for d in document["dimensions"] if d["key"] == "engagement")
    engagement["criteria"].append(
        {
            "key": "signed_lately",
            "label": "Signed lately",
            "field": "signed_on",
            "kind": "conditions",
            "weight": 1,
            "rules": [
                {"when": {"field": "signed_on", "days_since_above": 365}, "points": 5}
            ],
            "otherwise": 0,
        }
    )
    model = TieringModel.model_validate(document)
    rows = [_engaged("a", date(2026, 9, 1), signed_on=date(2031, 1, 1))]

    run = score_accounts(model, table_of(rows), AS_OF)

    assert _ahead(run.warnings) == [
        "signed_on: 1 account has a date after the as-of date 2026-09-30 (the "
        "latest 2031-01-01); a days_since_above test does not hold for such a "
        f"date; {FIX}"
    ]


def test_days_since_at_most_does_not_hold_for_a_date_ahead() -> None:
    model = _dated_model({"field": "signed_on", "days_since_at_most": 30})
    rows = [
        {
            "account_id": "a",
            "name": "A",
            "score_input": 5,
            "signed_on": date(2027, 5, 1),
        }
    ]

    (result,) = score_accounts(model, table_of(rows), AS_OF).table().to_pylist()

    assert result["reason"] == "missing_must_have:dated"


def test_days_until_alone_is_not_warned_about() -> None:
    model = _dated_model({"field": "signed_on", "days_until_at_most": 30})
    rows = [
        {
            "account_id": "a",
            "name": "A",
            "score_input": 5,
            "signed_on": date(2027, 5, 1),
        }
    ]

    run = score_accounts(model, table_of(rows), AS_OF)

    assert _ahead(run.warnings) == []


def _events_model() -> TieringModel:
    """The default model reading two event dates as past: a last funding
    round (last_date) and the latest executive hire (latest_date)."""
    events = load_model().signals.events  # type: ignore[union-attr]
    assert events is not None
    features = [
        *events.model_dump(by_alias=True, exclude_unset=True)["features"],
        {
            "field": "last_hire_date",
            "kinds": ["executive_hire"],
            "measure": "latest_date",
        },
    ]
    model = model_with_signals(
        events={
            **events.model_dump(by_alias=True, exclude_unset=True),
            "features": features,
        }
    )
    document = model.model_dump(by_alias=True, exclude_unset=True)
    engagement = next(d for d in document["dimensions"] if d["key"] == "engagement")
    for field in ("last_funding_date", "last_hire_date"):
        engagement["criteria"].append(
            {
                "key": f"{field}_recency",
                "label": field,
                "field": field,
                "kind": "recency",
                "weight": 1,
                "bands": [{"within_days": 180, "points": 10}],
                "otherwise": 0,
                "missing": 0,
            }
        )
    return TieringModel.model_validate(document)


def _scored_with_events(
    model: TieringModel, connection: duckdb.DuckDBPyConnection
) -> TieringRun:
    """Accounts a, b and c, engaged before the as-of date, scored with the
    events ``connection`` holds."""
    rows = [_engaged(account, date(2026, 9, 1)) for account in "abc"]
    return score_accounts(
        model, table_of(rows), AS_OF, connection=connection, signal_sources=["events"]
    )


def test_events_after_the_as_of_date_are_warned_about_per_date_field() -> None:
    connection = open_connection()
    register(
        connection,
        "events",
        [
            {
                "account_id": "a",
                "kind": "funding_round",
                "occurred_on": date(2027, 2, 1),
            },
            {
                "account_id": "a",
                "kind": "funding_round",
                "occurred_on": date(2026, 3, 1),
            },
            {
                "account_id": "b",
                "kind": "funding_round",
                "occurred_on": date(2026, 11, 1),
            },
            {
                "account_id": "b",
                "kind": "executive_hire",
                "occurred_on": date(2026, 12, 24),
            },
            # Scheduled, and read only by days_until tests: no warning.
            {
                "account_id": "b",
                "kind": "contract_end",
                "occurred_on": date(2028, 1, 1),
            },
            {
                "account_id": "c",
                "kind": "executive_hire",
                "occurred_on": date(2026, 2, 1),
            },
        ],
    )
    run = _scored_with_events(_events_model(), connection)

    assert _ahead(run.warnings) == [
        "last_funding_date: 2 accounts have events (funding_round) dated after "
        "the as-of date 2026-09-30 (the latest 2027-02-01), which its measure "
        f"last_date leaves out; {FIX}",
        "last_hire_date: 1 account has a date after the as-of date 2026-09-30 "
        f"(the latest 2026-12-24); recency scores such a date as missing; {FIX}",
    ]


def _job_postings_model() -> TieringModel:
    """The default model scoring job postings counted from the events file
    (a count feature) and, unread, funding rounds in the last 180 days."""
    document = model_with_signals().model_dump(by_alias=True, exclude_unset=True)
    engagement = next(d for d in document["dimensions"] if d["key"] == "engagement")
    engagement["criteria"].append(
        {
            "key": "hiring",
            "label": "Hiring",
            "field": "job_postings_90d",
            "kind": "bands",
            "weight": 1,
            "bands": [{"at_least": 1, "points": 10}],
            "otherwise": 0,
        }
    )
    return TieringModel.model_validate(document)


def test_events_a_count_leaves_out_after_the_as_of_date_are_warned_about() -> None:
    connection = open_connection()
    posting = {"kind": "job_posting"}
    register(
        connection,
        "events",
        [
            {"account_id": "a", **posting, "occurred_on": date(2026, 9, 1)},
            {"account_id": "a", **posting, "occurred_on": date(2026, 12, 1)},
            {"account_id": "b", **posting, "occurred_on": date(2027, 1, 5)},
            {"account_id": "b", **posting, "occurred_on": date(2026, 10, 1)},
            # funding_round_180d is filled but no criterion reads it.
            {
                "account_id": "c",
                "kind": "funding_round",
                "occurred_on": date(2027, 1, 1),
            },
        ],
    )
    run = _scored_with_events(_job_postings_model(), connection)

    assert _ahead(run.warnings) == [
        "job_postings_90d: 2 accounts have events (job_posting) dated after "
        "the as-of date 2026-09-30 (the latest 2027-01-05), which its measure "
        f"count leaves out; {FIX}",
    ]
    totals = {row["account_id"]: row for row in run.table().to_pylist()}
    assert totals["a"]["engagement_score"] > totals["b"]["engagement_score"]


def test_a_field_filled_by_a_signal_file_is_not_read_from_the_accounts() -> None:
    # The run's activity file fills last_engagement_date; the accounts
    # column of that name is not scored, so its dates are not warned about.
    connection = open_connection()
    register(
        connection,
        "activity",
        [{"account_id": "a", "kind": "meeting", "occurred_on": date(2026, 9, 1)}],
    )
    rows = [_engaged("a", date(2027, 1, 1))]

    run = score_accounts(
        load_model(),
        table_of(rows),
        AS_OF,
        connection=connection,
        signal_sources=["activity"],
    )

    assert _ahead(run.warnings) == []
