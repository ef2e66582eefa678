"""explain shows which signal rows produced each point, and never a title."""

from __future__ import annotations

import dataclasses

import duckdb
import pytest

from tests.engine.signal_tables import AS_OF, accounts_table, days_ago, register
from tierwise.cli.evidence import evidence_lines
from tierwise.engine import Explanation, explain, score_accounts
from tierwise.engine.signal_explain import Evidence
from tierwise.model import TieringModel
from tierwise.model.signals import SIGNAL_SOURCES

SECRET_TITLE = "Chief Architect of Quiet Things"


@pytest.fixture
def explained(default_model: TieringModel) -> Explanation:
    connection = duckdb.connect()
    register(
        connection,
        "activity",
        [
            {"account_id": "a", "occurred_on": days_ago(2), "kind": "web_visit"},
            {"account_id": "a", "occurred_on": days_ago(20), "kind": "web_visit"},
            {"account_id": "a", "occurred_on": days_ago(40), "kind": "web_visit"},
            {"account_id": "a", "occurred_on": days_ago(5), "kind": "content_download"},
            {"account_id": "b", "occurred_on": days_ago(1), "kind": "web_visit"},
        ],
    )
    register(
        connection,
        "intent",
        [
            {
                "account_id": "a",
                "topic": "abm platform",
                "score": 80,
                "week": days_ago(28),
            },
            {"account_id": "a", "topic": "abm platform", "score": 50, "week": AS_OF},
            {
                "account_id": "a",
                "topic": "sales intelligence",
                "score": 90,
                "week": AS_OF,
            },
        ],
    )
    register(
        connection,
        "contacts",
        [
            {
                "account_id": "a",
                "contact_id": "C-7",
                "level": "vp",
                "role": "champion",
                "title": SECRET_TITLE.lower(),
                "engagement": 4.0,
            },
            {"account_id": "a", "contact_id": "C-8", "level": "staff", "role": "user"},
        ],
    )
    register(
        connection,
        "events",
        [{"account_id": "a", "kind": "contract_end", "occurred_on": days_ago(-100)}],
    )
    accounts = accounts_table(
        ["a", "b"],
        competitor_incumbent=[True, False],
        potential_acv=[200_000.0, 60_000.0],
    )
    run = score_accounts(
        default_model,
        accounts,
        AS_OF,
        connection=connection,
        signal_sources=SIGNAL_SOURCES,
    )
    (explanation,) = explain(run.connection, run.compiled, ["a"])
    return explanation


def _evidence(explanation: Explanation, field: str) -> Evidence:
    for evidence in explanation.signals:
        if evidence.field == field:
            return evidence
    raise AssertionError(f"no evidence for {field}")


def test_the_explanation_still_adds_up(explained: Explanation) -> None:
    assert explained.adds_up()


def test_activity_counts_by_kind_with_dates_and_file_rows(
    explained: Explanation,
) -> None:
    visits = _evidence(explained, "web_visits_30d")
    last = _evidence(explained, "last_engagement_date")

    assert [
        (g.label, g.rows, g.first, g.last, g.source_rows) for g in visits.groups
    ] == [("web_visit", 2, days_ago(20), days_ago(2), (2, 3))]
    assert {g.label: g.rows for g in last.groups} == {
        "content_download": 1,
        "web_visit": 3,
    }


def test_intent_shows_each_week_its_decay_and_the_topic_weight(
    explained: Explanation,
) -> None:
    intent = _evidence(explained, "intent_score")

    abm, sales = intent.groups
    assert (abm.label, abm.rows, abm.source_rows) == ("abm platform", 2, (2, 3))
    assert "weight 3, best 50" in abm.detail
    assert "scored 80, 4 wk old → 40" in abm.detail
    assert "weight 2, best 90" in sales.detail
    assert intent.note == "combined by max"


def test_contacts_show_ids_levels_and_roles_never_titles(
    explained: Explanation,
) -> None:
    access = _evidence(explained, "exec_access")
    champion = _evidence(explained, "champion_identified")
    coverage = _evidence(explained, "buying_group_coverage_pct")

    assert [g.label for g in access.groups] == ["contact C-7"]
    assert access.groups[0].detail.startswith("level vp; role champion; engagement 4")
    assert [g.label for g in champion.groups] == ["contact C-7"]
    assert coverage.note == "3 of 4 personas; missing decision_maker"
    everything = repr(dataclasses.asdict(explained)) + "\n".join(
        evidence_lines(explained)
    )
    assert "quiet" not in everything.lower()


def test_a_criterion_reading_several_fields_shows_each(
    explained: Explanation,
) -> None:
    (competition,) = [c for c in explained.criteria if c.key == "competitive_position"]
    (visits,) = [c for c in explained.criteria if c.key == "web_visits"]

    fields = [evidence.field for evidence in competition.evidence]

    assert fields == ["competitor_contract_end"]
    assert [evidence.field for evidence in visits.evidence] == ["web_visits_30d"]
    assert competition.evidence[0].groups[0].last == days_ago(-100)


def test_the_terminal_lines_name_rows_and_sources(explained: Explanation) -> None:
    lines = evidence_lines(explained)

    assert (
        "  Website visits, last 30 days: web_visits_30d from the activity file, "
        "2 rows; count within 30 days"
    ) in lines
    assert (
        "  (no criterion) exec_sponsor from the contacts file, 0 rows; "
        "no contact on record for it"
    ) in lines
    assert (
        f"    web_visit; 2 rows; {days_ago(20)} to {days_ago(2)}; file rows 2, 3"
        in lines
    )
    assert f"    content_download; 1 row; {days_ago(5)}; file row 5" in lines


def test_a_kind_that_looks_like_free_text_is_not_named(
    default_model: TieringModel,
) -> None:
    connection = duckdb.connect()
    register(
        connection,
        "activity",
        [
            {"account_id": "a", "occurred_on": days_ago(2), "kind": "web_visit"},
            {
                "account_id": "a",
                "occurred_on": days_ago(3),
                "kind": "call_with_jane.doe@example.com",
            },
            {"account_id": "a", "occurred_on": days_ago(4), "kind": "lunch_with_jane"},
        ],
    )
    run = score_accounts(
        default_model,
        accounts_table(["a"]),
        AS_OF,
        connection=connection,
        signal_sources=["activity"],
    )

    (explanation,) = explain(run.connection, run.compiled, ["a"])

    last = _evidence(explanation, "last_engagement_date")
    assert [(g.label, g.rows, g.source_rows) for g in last.groups] == [
        ("types not shown (they look like free text)", 2, (3, 4)),
        ("web_visit", 1, (2,)),
    ]
    assert "jane" not in "\n".join(evidence_lines(explanation)).lower()
