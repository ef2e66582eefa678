"""Activity and event rows rolled up to account fields inside the query."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from tests.engine.signal_tables import (
    AS_OF,
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


def test_windows_count_rows_less_than_their_days_old(
    connection: duckdb.DuckDBPyConnection, default_model: TieringModel
) -> None:
    register(
        connection,
        "activity",
        [
            {"account_id": "a", "occurred_on": AS_OF, "kind": "web_visit"},
            {"account_id": "a", "occurred_on": days_ago(29), "kind": "web_visit"},
            {"account_id": "a", "occurred_on": days_ago(30), "kind": "web_visit"},
            {
                "account_id": "a",
                "occurred_on": days_ago(89),
                "kind": "content_download",
            },
            {
                "account_id": "a",
                "occurred_on": days_ago(90),
                "kind": "content_download",
            },
            {"account_id": "a", "occurred_on": days_ago(179), "kind": "event_attended"},
            {"account_id": "a", "occurred_on": days_ago(180), "kind": "event_attended"},
            # A reader leaves out rows after the as-of date; if one slips in,
            # it is not counted either.
            {"account_id": "a", "occurred_on": days_ago(-1), "kind": "web_visit"},
        ],
    )

    rows = source_rows(connection, default_model, ["activity"], accounts_table("a"))

    a = rows["a"]
    assert (
        a["web_visits_30d"],
        a["content_downloads_90d"],
        a["events_attended_180d"],
    ) == (2, 1, 1)
    assert a["last_engagement_date"] == AS_OF


def test_an_account_without_rows_gets_the_defaults(
    connection: duckdb.DuckDBPyConnection, default_model: TieringModel
) -> None:
    register(
        connection,
        "activity",
        [{"account_id": "a", "occurred_on": days_ago(3), "kind": "meeting"}],
    )

    rows = source_rows(
        connection, default_model, ["activity"], accounts_table(["a", "b"])
    )

    assert {key: rows["b"][key] for key in _ACTIVITY_FIELDS} == {
        "web_visits_30d": 0,
        "content_downloads_90d": 0,
        "events_attended_180d": 0,
        "last_engagement_date": None,
        "engagement_decayed": 0,
        "engagement_vs_baseline": None,
    }
    assert rows["a"]["last_engagement_date"] == days_ago(3)
    assert rows["a"]["web_visits_30d"] == 0


_ACTIVITY_FIELDS = (
    "web_visits_30d",
    "content_downloads_90d",
    "events_attended_180d",
    "last_engagement_date",
    "engagement_decayed",
    "engagement_vs_baseline",
)


def test_filled_fields_come_from_the_rows_not_the_accounts_columns(
    connection: duckdb.DuckDBPyConnection, default_model: TieringModel
) -> None:
    register(
        connection,
        "activity",
        [{"account_id": "a", "occurred_on": days_ago(1), "kind": "web_visit"}],
    )
    accounts = accounts_table(
        ["a", "b"], web_visits_30d=[99.0, 99.0], industry=["software", "retail"]
    )

    rows = source_rows(connection, default_model, ["activity"], accounts)

    assert (rows["a"]["web_visits_30d"], rows["b"]["web_visits_30d"]) == (1, 0)
    assert (rows["a"]["industry"], rows["b"]["industry"]) == ("software", "retail")


def test_decay_halves_each_row_every_half_life(
    connection: duckdb.DuckDBPyConnection, default_model: TieringModel
) -> None:
    register(
        connection,
        "activity",
        [
            {"account_id": "a", "occurred_on": AS_OF, "kind": "web_visit"},
            {"account_id": "a", "occurred_on": days_ago(30), "kind": "meeting"},
            {
                "account_id": "a",
                "occurred_on": days_ago(60),
                "kind": "email",
                "weight": 2.0,
            },
            {"account_id": "b", "occurred_on": days_ago(15), "kind": "web_visit"},
        ],
    )

    rows = source_rows(
        connection, default_model, ["activity"], accounts_table(["a", "b"])
    )

    assert rows["a"]["engagement_decayed"] == 1 + 0.5 + 2 * 0.25
    assert rows["b"]["engagement_decayed"] == pytest.approx(2**-0.5, rel=1e-15)


def test_baseline_compares_the_recent_rate_with_the_earlier_one(
    connection: duckdb.DuckDBPyConnection, default_model: TieringModel
) -> None:
    recent = [days_ago(0), days_ago(10), days_ago(29)]
    # Day 30 is the first of the baseline window, day 209 its last.
    earlier = [days_ago(30), days_ago(100), days_ago(209)]
    outside = [days_ago(210)]
    register(
        connection,
        "activity",
        [
            {"account_id": "spike", "occurred_on": day, "kind": "web_visit"}
            for day in recent + earlier + outside
        ]
        + [{"account_id": "new", "occurred_on": days_ago(2), "kind": "web_visit"}]
        + [{"account_id": "quiet", "occurred_on": days_ago(40), "kind": "email"}],
    )

    rows = source_rows(
        connection,
        default_model,
        ["activity"],
        accounts_table(["spike", "new", "quiet"]),
    )

    # 3 rows in 30 days against 3 in 180 days: six times the usual rate.
    assert rows["spike"]["engagement_vs_baseline"] == 600
    assert rows["new"]["engagement_vs_baseline"] is None
    assert rows["quiet"]["engagement_vs_baseline"] == 0


def test_weighted_counts_and_kinds_by_label(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    model = model_with_signals(
        activity={
            "kinds": {"meeting": ["call", "demo"]},
            "features": [
                {
                    "field": "meeting_weight_60d",
                    "kinds": ["Call"],
                    "measure": "weighted_count",
                    "within_days": 60,
                },
                {"field": "touches", "measure": "count"},
            ],
        }
    )
    register(
        connection,
        "activity",
        [
            {
                "account_id": "a",
                "occurred_on": days_ago(1),
                "kind": "meeting",
                "weight": 2.5,
            },
            {"account_id": "a", "occurred_on": days_ago(59), "kind": "meeting"},
            {
                "account_id": "a",
                "occurred_on": days_ago(60),
                "kind": "meeting",
                "weight": 9.0,
            },
            {"account_id": "a", "occurred_on": days_ago(2), "kind": "web_visit"},
        ],
    )

    rows = source_rows(connection, model, ["activity"], accounts_table("a"))

    assert (rows["a"]["meeting_weight_60d"], rows["a"]["touches"]) == (3.5, 4)


def test_event_measures(
    connection: duckdb.DuckDBPyConnection, default_model: TieringModel
) -> None:
    register(
        connection,
        "events",
        [
            {"account_id": "a", "kind": "funding_round", "occurred_on": days_ago(179)},
            {"account_id": "a", "kind": "funding_round", "occurred_on": days_ago(400)},
            {"account_id": "a", "kind": "contract_end", "occurred_on": days_ago(100)},
            {"account_id": "a", "kind": "contract_end", "occurred_on": days_ago(-200)},
            {"account_id": "a", "kind": "job_posting", "occurred_on": days_ago(0)},
            {"account_id": "a", "kind": "job_posting", "occurred_on": days_ago(90)},
            {"account_id": "b", "kind": "funding_round", "occurred_on": days_ago(180)},
            # A round announced for next week has not happened yet.
            {"account_id": "c", "kind": "funding_round", "occurred_on": days_ago(-7)},
        ],
    )

    rows = source_rows(
        connection, default_model, ["events"], accounts_table(["a", "b", "c", "d"])
    )

    fields = (
        "last_funding_date",
        "funding_round_180d",
        "competitor_contract_end",
        "job_postings_90d",
    )
    got = {key: tuple(rows[key][name] for name in fields) for key in "abcd"}
    assert got == {
        "a": (days_ago(179), True, days_ago(-200), 1),
        "b": (days_ago(180), False, None, 0),
        "c": (None, False, None, 0),
        "d": (None, False, None, 0),
    }


def test_next_date_looks_forward_within_its_window(
    connection: duckdb.DuckDBPyConnection,
) -> None:
    model = model_with_signals(
        events={
            "kinds": {"renewal": ["contract end"]},
            "features": [
                {
                    "field": "renewal_within_90d",
                    "kinds": ["renewal"],
                    "measure": "next_date",
                    "within_days": 90,
                },
                {"field": "next_renewal", "kinds": ["renewal"], "measure": "next_date"},
            ],
        }
    )
    register(
        connection,
        "events",
        [
            {"account_id": "a", "kind": "renewal", "occurred_on": days_ago(1)},
            {"account_id": "a", "kind": "renewal", "occurred_on": days_ago(-90)},
            {"account_id": "a", "kind": "renewal", "occurred_on": days_ago(-200)},
            {"account_id": "b", "kind": "renewal", "occurred_on": AS_OF},
        ],
    )

    rows = source_rows(connection, model, ["events"], accounts_table(["a", "b"]))

    assert (rows["a"]["renewal_within_90d"], rows["a"]["next_renewal"]) == (
        None,
        days_ago(-90),
    )
    assert rows["b"]["renewal_within_90d"] == rows["b"]["next_renewal"] == AS_OF


def test_a_later_as_of_date_moves_every_window(
    connection: duckdb.DuckDBPyConnection, default_model: TieringModel
) -> None:
    register(
        connection,
        "activity",
        [{"account_id": "a", "occurred_on": date(2026, 9, 1), "kind": "web_visit"}],
    )
    accounts = accounts_table("a")

    before = source_rows(
        connection, default_model, ["activity"], accounts, as_of=date(2026, 8, 31)
    )
    inside = source_rows(
        connection, default_model, ["activity"], accounts, as_of=date(2026, 9, 30)
    )
    after = source_rows(
        connection, default_model, ["activity"], accounts, as_of=date(2026, 10, 1)
    )

    assert [run["a"]["web_visits_30d"] for run in (before, inside, after)] == [0, 1, 0]
    assert before["a"]["last_engagement_date"] is None
