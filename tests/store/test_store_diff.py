"""Accounts in only one of two runs: named, with their tier where they are."""

from __future__ import annotations

import pytest

from tierwise.store import Store, diff_runs

from .conftest import Score, record_demo_slices, results_of


@pytest.fixture
def grown(store: Store, score: Score) -> Store:
    """Run 1 holds the demo's first 150 accounts, run 2 its first 200."""
    return record_demo_slices(store, score, (150, 200))


def _largest_totals_first(rows: dict[str, dict[str, object]]) -> list[str]:
    def total(account_id: str) -> float:
        value = rows[account_id]["total"]
        return -1.0 if value is None else float(str(value))

    return sorted(rows, key=lambda account_id: (-total(account_id), account_id))


def test_new_accounts_are_named_with_their_tier_in_the_later_run(
    grown: Store, score: Score
) -> None:
    later = results_of(score(size=200).run)
    earlier = results_of(score(size=150).run)
    new = {a: row for a, row in later.items() if a not in earlier}

    diff = diff_runs(grown, 1, 2, limit=5)

    assert (diff.added_count, diff.dropped_count) == (50, 0)
    assert [(a.account_id, a.name, a.tier, a.total, a.reason) for a in diff.added] == [
        (a, new[a]["name"], new[a]["tier"], new[a]["total"], new[a]["reason"])
        for a in _largest_totals_first(new)[:5]
    ]
    assert diff.dropped == []


def test_accounts_the_later_run_left_out_are_named_with_their_earlier_tier(
    grown: Store, score: Score
) -> None:
    later = results_of(score(size=200).run)
    earlier = results_of(score(size=150).run)
    gone = {a: row for a, row in later.items() if a not in earlier}

    diff = diff_runs(grown, 2, 1)

    assert (diff.added_count, diff.dropped_count) == (0, 50)
    assert [(a.account_id, a.tier, a.reason) for a in diff.dropped] == [
        (a, gone[a]["tier"], gone[a]["reason"]) for a in _largest_totals_first(gone)
    ]
    assert diff.added == []


def test_a_limit_of_zero_names_no_one_but_still_counts(grown: Store) -> None:
    diff = diff_runs(grown, 1, 2, limit=0)

    assert (diff.added, diff.added_count) == ([], 50)
