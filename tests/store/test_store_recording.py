"""Recording a run: every result stored exactly, once, and the registry kept."""

from __future__ import annotations

import math
import threading
from datetime import date

import pyarrow as pa
import pytest
from sqlalchemy import func, select

from tierwise.store import (
    RecordedRun,
    Store,
    StoreError,
    account_history,
    get_run,
    latest_run_id,
    list_runs,
    record_run,
)
from tierwise.store.results import ENGINE_FIELDS, stored_results
from tierwise.store.tables import Account, ModelVersion, Run, RunResult

from .conftest import QUARTER_2, QUARTER_3, Score, results_of, without

INPUTS = {"accounts": "a" * 64}


def _count(store: Store, table: type[object]) -> int:
    with store.reading() as connection:
        return int(
            connection.execute(select(func.count()).select_from(table)).scalar_one()
        )


def _stored(store: Store, run_id: int) -> dict[str, dict[str, object]]:
    with store.reading() as connection:
        return {row["account_id"]: row for row in stored_results(connection, run_id)}


def test_every_result_is_stored_exactly_as_the_engine_computed_it(
    store: Store, score: Score
) -> None:
    scored = score(size=300)

    recorded = record_run(
        store, scored.run, model_text=scored.model_text, inputs=INPUTS, batch_rows=64
    )

    engine = results_of(scored.run)
    stored = _stored(store, recorded.run_id)
    assert (recorded.created, recorded.accounts) == (True, 300)
    assert stored.keys() == engine.keys()
    for account_id, row in stored.items():
        expected = {name: engine[account_id][name] for name in ENGINE_FIELDS}
        assert row == expected


def test_the_run_row_says_what_went_in_and_how_many_landed_where(
    store: Store, score: Score
) -> None:
    scored = score(size=300)

    recorded = record_run(
        store,
        scored.run,
        model_text=scored.model_text,
        inputs=INPUTS,
        accounts=scored.accounts,
        source="accounts.csv",
    )

    run = get_run(store, recorded.run_id)
    expected = {tier.key: tier.accounts for tier in scored.run.tiers}
    assert {line.key: line.accounts for line in run.tiers} == expected
    assert (run.as_of, run.status, run.source, run.repeat) == (
        date(2026, 9, 30),
        "complete",
        "accounts.csv",
        0,
    )
    assert run.model_name == scored.run.compiled.model.name
    assert run.started_at <= run.finished_at
    assert run.warnings == scored.run.warnings


def test_the_same_input_model_and_date_is_recognised_not_stored_twice(
    store: Store, score: Score
) -> None:
    scored = score()
    first = record_run(store, scored.run, model_text=scored.model_text, inputs=INPUTS)

    again = record_run(store, scored.run, model_text=scored.model_text, inputs=INPUTS)

    assert (again.run_id, again.created) == (first.run_id, False)
    assert again.describe().startswith(f"already recorded as run {first.run_id}")
    assert _count(store, Run) == 1
    assert _count(store, RunResult) == 200


def test_force_stores_the_same_run_again_as_a_numbered_repeat(
    store: Store, score: Score
) -> None:
    scored = score()
    first = record_run(store, scored.run, model_text=scored.model_text, inputs=INPUTS)

    forced = record_run(
        store, scored.run, model_text=scored.model_text, inputs=INPUTS, force=True
    )

    assert forced.created and forced.run_id != first.run_id
    assert [run.repeat for run in list_runs(store)] == [1, 0]
    assert _count(store, RunResult) == 400


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"inputs": {"accounts": "b" * 64}}, id="other-input-file"),
        pytest.param({"model_text": "# edited\n"}, id="other-model-text"),
    ],
)
def test_a_different_input_or_model_is_a_new_run(
    store: Store, score: Score, change: dict[str, object]
) -> None:
    scored = score()
    record_run(store, scored.run, model_text=scored.model_text, inputs=INPUTS)
    arguments: dict[str, object] = {"model_text": scored.model_text, "inputs": INPUTS}

    again = record_run(store, scored.run, **(arguments | change))  # type: ignore[arg-type]

    assert again.created
    assert _count(store, ModelVersion) == (2 if "model_text" in change else 1)


def test_another_as_of_date_is_a_new_run(store: Store, score: Score) -> None:
    june, september = score(as_of=date(2026, 6, 30)), score()
    record_run(store, june.run, model_text=june.model_text, inputs=INPUTS)

    again = record_run(
        store, september.run, model_text=september.model_text, inputs=INPUTS
    )

    assert again.created
    assert [run.as_of for run in list_runs(store)] == [
        date(2026, 9, 30),
        date(2026, 6, 30),
    ]


def test_repeated_account_ids_are_refused_and_nothing_is_stored(
    store: Store, score: Score, demo_accounts: pa.Table
) -> None:
    twice = pa.concat_tables([demo_accounts.slice(0, 5), demo_accounts.slice(3, 1)])
    scored = score(accounts=twice)

    with pytest.raises(
        StoreError, match=r"repeated id \(e\.g\. F1000-0004\).*nothing was stored"
    ):
        record_run(store, scored.run, model_text=scored.model_text, inputs=INPUTS)

    assert (_count(store, Run), _count(store, RunResult), _count(store, Account)) == (
        0,
        0,
        0,
    )


def test_the_registry_knows_when_each_account_was_first_and_last_seen(
    store: Store, score: Score, demo_accounts: pa.Table
) -> None:
    first_five = demo_accounts.slice(0, 5)
    renamed = first_five.set_column(
        1, "name", pa.array(["Walmart Inc.", *first_five["name"].to_pylist()[1:]])
    )
    portfolios = [
        first_five,
        without(renamed, "F1000-0003"),
        pa.concat_tables([first_five, demo_accounts.slice(5, 1)]),
    ]

    for number, accounts in enumerate(portfolios):
        scored = score(accounts=accounts)
        record_run(
            store,
            scored.run,
            model_text=scored.model_text,
            inputs={"accounts": str(number)},
            accounts=scored.accounts,
        )

    seen = {
        account_id: (found.first_seen_run_id, found.last_seen_run_id, found.name)
        for account_id in ("F1000-0001", "F1000-0003", "F1000-0006")
        for found in [account_history(store, account_id)]
    }
    assert seen == {
        "F1000-0001": (1, 3, "Walmart"),
        "F1000-0003": (1, 3, "Exxon Mobil"),
        "F1000-0006": (3, 3, "Berkshire Hathaway"),
    }
    assert [e.run_id for e in account_history(store, "F1000-0003").entries] == [1, 3]
    assert account_history(store, "F1000-0002").domain == "amazon.com"


def test_an_account_left_out_of_the_latest_run_was_last_seen_before_it(
    store: Store, score: Score, demo_accounts: pa.Table
) -> None:
    for number, accounts in enumerate(
        [demo_accounts.slice(0, 4), without(demo_accounts.slice(0, 4), "F1000-0002")]
    ):
        scored = score(accounts=accounts)
        record_run(
            store, scored.run, model_text=scored.model_text, inputs={"n": str(number)}
        )

    history = account_history(store, "F1000-0002")

    assert (history.first_seen_run_id, history.last_seen_run_id) == (1, 1)
    assert account_history(store, "F1000-0001").last_seen_run_id == 2


def test_scores_that_are_not_round_numbers_read_back_bit_for_bit(
    store: Store, score: Score
) -> None:
    scored = score(size=1000)

    recorded = record_run(
        store, scored.run, model_text=scored.model_text, inputs=INPUTS
    )

    engine = results_of(scored.run)
    stored = _stored(store, recorded.run_id)
    mismatched = [
        account_id
        for account_id, row in stored.items()
        for name in ("total", "fit_score", "engagement_score", "potential")
        if not (
            row[name] == engine[account_id][name]
            or (row[name] is None and engine[account_id][name] is None)
            or (isinstance(row[name], float) and math.isnan(row[name]))
        )
    ]
    assert mismatched == []


def test_an_error_half_way_through_storing_rolls_everything_back(
    store: Store, score: Score
) -> None:
    scored = score(size=300)

    def fail_half_way(stored: int, total: int) -> None:
        if stored >= total // 2:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        record_run(
            store,
            scored.run,
            model_text=scored.model_text,
            inputs=INPUTS,
            batch_rows=50,
            progress=fail_half_way,
        )

    counts = [_count(store, table) for table in (ModelVersion, Run, RunResult, Account)]
    assert counts == [0, 0, 0, 0]
    assert "tierwise-store-batches" not in {t.name for t in threading.enumerate()}
    assert record_run(
        store, scored.run, model_text=scored.model_text, inputs=INPUTS
    ).created


def test_a_quarter_recorded_late_is_first_and_last_seen_by_its_as_of_date(
    store: Store, score: Score, demo_accounts: pa.Table
) -> None:
    # Run 1 is as of September; run 2, recorded after it, fills in June. The
    # history said "first in run 1, last in run 2" for an account in both:
    # the order of recording, not of the dates its table is sorted by.
    four = demo_accounts.slice(0, 4)
    for number, (accounts, as_of) in enumerate(
        [(without(four, "F1000-0002"), QUARTER_3), (four, QUARTER_2)]
    ):
        scored = score(accounts=accounts, as_of=as_of)
        record_run(
            store, scored.run, model_text=scored.model_text, inputs={"n": str(number)}
        )

    both = account_history(store, "F1000-0001")
    june_only = account_history(store, "F1000-0002")

    assert [e.run_id for e in both.entries] == [2, 1]
    assert (both.first_seen_run_id, both.last_seen_run_id) == (2, 1)
    assert (june_only.first_seen_run_id, june_only.last_seen_run_id) == (2, 2)


def test_a_quarter_recorded_late_leaves_the_registry_with_the_latest_quarter(
    store: Store, score: Score, demo_accounts: pa.Table
) -> None:
    # September is recorded first, then June. The registry kept June's
    # name (recorded last) and called F1000-0003, in September but not in
    # June, gone; a later December run then took June for the run before.
    four = demo_accounts.slice(0, 4)
    renamed = four.set_column(
        1, "name", pa.array(["Walmart Inc.", *four["name"].to_pylist()[1:]])
    )
    runs = [
        (without(four, "F1000-0002"), QUARTER_3),  # 1: September
        (without(renamed, "F1000-0003"), QUARTER_2),  # 2: June, recorded late
        (without(four, "F1000-0004"), date(2026, 12, 31)),  # 3: December
    ]
    for number, (accounts, as_of) in enumerate(runs):
        scored = score(accounts=accounts, as_of=as_of)
        record_run(
            store,
            scored.run,
            model_text=scored.model_text,
            inputs={"n": str(number)},
            accounts=scored.accounts,
        )
        if number == 1:
            with store.reading() as connection:
                after_june = {
                    account.account_id: (account.name, account.last_seen_run_id)
                    for account in connection.execute(select(Account))
                }

    assert after_june == {
        "F1000-0001": ("Walmart", None),
        "F1000-0002": ("Amazon", 2),
        "F1000-0003": ("Exxon Mobil", None),
        "F1000-0004": ("Apple", None),
    }
    assert account_history(store, "F1000-0001").name == "Walmart"
    with store.reading() as connection:
        rows = connection.execute(select(Account.account_id, Account.last_seen_run_id))
        last_seen = {account_id: run_id for account_id, run_id in rows}
    # December follows September: F1000-0004 was last seen there, and
    # F1000-0002, back in December, is in the latest quarter again.
    assert last_seen == {
        "F1000-0001": None,
        "F1000-0002": None,
        "F1000-0003": None,
        "F1000-0004": 1,
    }


def test_the_latest_run_is_of_the_latest_quarter_not_the_last_recorded(
    store: Store, score: Score, demo_accounts: pa.Table
) -> None:
    # What-if previews "the latest run"; it took June, recorded after
    # September, where diff and history take September.
    four = demo_accounts.slice(0, 4)
    for number, as_of in enumerate([QUARTER_3, QUARTER_2]):
        scored = score(accounts=four, as_of=as_of)
        record_run(
            store, scored.run, model_text=scored.model_text, inputs={"n": str(number)}
        )

    assert latest_run_id(store) == 1


@pytest.mark.parametrize(
    ("accounts", "said"),
    [(1, "(1 account)"), (0, "(0 accounts)"), (1_000, "(1,000 accounts)")],
)
def test_the_recorded_run_is_told_with_its_accounts_counted_in_words(
    accounts: int, said: str
) -> None:
    recorded = RecordedRun(run_id=3, created=True, accounts=accounts, seconds=0.1)

    assert recorded.describe().startswith(f"recorded as run 3 {said}")
