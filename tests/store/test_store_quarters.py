"""The issue's finish line: two quarters of the demo; diff, history, overrides.

Runs go through `jobs.tier_file`, as `tierwise tier` runs them; what the
store says is checked against the engine's own ``tiers.parquet`` files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from tierwise import jobs
from tierwise.sample import build_demo_portfolio
from tierwise.store import (
    ABSENT,
    Store,
    account_history,
    add_override,
    diff_runs,
    list_runs,
    open_store,
)

from .conftest import QUARTER_2, QUARTER_3, without

QUARTER_4 = date(2026, 12, 31)
WARMER = [f"F1000-{n:04d}" for n in range(300, 340)]
COLDER = [f"F1000-{n:04d}" for n in range(1, 41)]


def _next_quarter(as_of: date) -> pa.Table:
    """The demo as of ``as_of``, with engagement that moved since last quarter.

    Forty accounts warmed up (high intent, many visits, engaged this week),
    forty cooled down (no intent, no visits), one account left the CRM and a
    new one arrived.
    """
    demo = build_demo_portfolio(as_of=as_of)
    ids = demo["account_id"]
    warmer, colder = pc.is_in(ids, pa.array(WARMER)), pc.is_in(ids, pa.array(COLDER))
    changes = {
        "intent_score": (95.0, 0.0),
        "web_visits_30d": (400.0, 0.0),
        "content_downloads_90d": (12.0, 0.0),
    }
    for column, (warm, cold) in changes.items():
        values = pc.if_else(warmer, warm, pc.if_else(colder, cold, demo[column]))
        demo = demo.set_column(demo.schema.get_field_index(column), column, values)
    arrival = demo.slice(500, 1).set_column(0, "account_id", pa.array(["NEW-0001"]))
    return pa.concat_tables([without(demo, "F1000-1000"), arrival])


def _tier(
    accounts: pa.Table, out: Path, as_of: date, store: Store
) -> dict[str, dict[str, object]]:
    source = out.with_suffix(".parquet")
    pq.write_table(accounts, source)
    jobs.tier_file(source, out, as_of, store=store)
    rows = pq.read_table(out / "tiers.parquet").to_pylist()
    return {str(row["account_id"]): row for row in rows}


Quarters = tuple[Store, dict[str, dict[str, object]], dict[str, dict[str, object]]]


@pytest.fixture(scope="module")
def quarters(
    module_store_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Quarters]:
    """Runs 1 and 2: the demo as of June, then September with moved engagement."""
    folder = tmp_path_factory.mktemp("quarters")
    with open_store(module_store_url) as store:
        june = _tier(
            build_demo_portfolio(as_of=QUARTER_2), folder / "q2", QUARTER_2, store
        )
        september = _tier(_next_quarter(QUARTER_3), folder / "q3", QUARTER_3, store)
        yield store, june, september


def test_the_diff_of_two_quarters_matches_the_engines_own_results(
    quarters: Quarters,
) -> None:
    store, june, september = quarters

    diff = diff_runs(store, 1, 2, limit=2000)

    expected = Counter(
        (
            june[a]["tier"] if a in june else ABSENT,
            september[a]["tier"] if a in september else ABSENT,
        )
        for a in june.keys() | september.keys()
    )
    assert diff.matrix == dict(expected)
    assert (diff.count("tier_3", ABSENT), diff.count(ABSENT, "tier_3")) == (1, 1)
    moved = {
        a
        for a in june.keys() & september.keys()
        if june[a]["tier"] != september[a]["tier"]
    }
    assert {m.account_id for m in diff.moved} == moved and diff.moved_count == len(
        moved
    )
    assert moved, "the changed engagement should move some accounts"
    rescored = [
        a
        for a in june.keys() & september.keys()
        if june[a]["tier"] == september[a]["tier"]
        and june[a]["total"] != september[a]["total"]
    ]
    assert rescored and diff.rescored_count == len(rescored)
    for move in diff.moved:
        before, after = june[move.account_id], september[move.account_id]
        assert (move.from_tier, move.to_tier) == (before["tier"], after["tier"])
        assert move.total_delta == round(after["total"] - before["total"], 2)


def test_the_diff_names_the_account_that_left_and_the_one_that_arrived(
    quarters: Quarters,
) -> None:
    store, june, september = quarters

    diff = diff_runs(store, 1, 2)

    left, arrived = june["F1000-1000"], september["NEW-0001"]
    assert [(a.account_id, a.name, a.tier, a.total) for a in diff.dropped] == [
        ("F1000-1000", left["name"], left["tier"], left["total"])
    ]
    assert [(a.account_id, a.tier, a.reason) for a in diff.added] == [
        ("NEW-0001", arrived["tier"], arrived["reason"])
    ]
    assert (diff.added_count, diff.dropped_count) == (1, 1)


def test_history_shows_each_quarter_with_its_reason_and_model(
    quarters: Quarters,
) -> None:
    store, june, september = quarters
    account_id = next(a for a in WARMER if june[a]["tier"] != september[a]["tier"])

    history = account_history(store, account_id)

    assert [
        (e.run_id, e.as_of, e.tier, e.reason, e.total) for e in history.entries
    ] == [
        (
            1,
            QUARTER_2,
            june[account_id]["tier"],
            june[account_id]["reason"],
            june[account_id]["total"],
        ),
        (
            2,
            QUARTER_3,
            september[account_id]["tier"],
            september[account_id]["reason"],
            september[account_id]["total"],
        ),
    ]
    assert {e.model_version_id for e in history.entries} == {
        list_runs(store)[0].model_version_id
    }
    assert account_history(store, "F1000-1000").last_seen_run_id == 1


def test_an_override_survives_the_next_quarter_and_expires_on_its_date(
    store: Store, tmp_path: Path
) -> None:
    demo = build_demo_portfolio(as_of=QUARTER_2).slice(0, 200)
    june = _tier(demo, tmp_path / "q2", QUARTER_2, store)
    account_id = next(a for a, row in june.items() if row["tier"] == "tier_3")
    add_override(
        store,
        account_id,
        "tier_1",
        "signed a global frame deal",
        by="Ann",
        until=QUARTER_3,
    )

    september = _tier(
        build_demo_portfolio(as_of=QUARTER_3).slice(0, 200),
        tmp_path / "q3",
        QUARTER_3,
        store,
    )
    december = _tier(
        build_demo_portfolio(as_of=QUARTER_4).slice(0, 200),
        tmp_path / "q4",
        QUARTER_4,
        store,
    )

    assert (september[account_id]["tier"], september[account_id]["reason"]) == (
        "tier_1",
        "override",
    )
    # Expired: the account is placed by its scores again (the demo's signals
    # are drawn afresh each quarter, so that tier need not be June's).
    assert december[account_id]["reason"] != "override"
    assert december[account_id]["tier"] == december[account_id]["computed_tier"]
    assert sum(row["tier"] == "tier_1" for row in september.values()) <= 15
    assert [e.reason for e in account_history(store, account_id).entries] == [
        june[account_id]["reason"],
        "override",
        december[account_id]["reason"],
    ]
