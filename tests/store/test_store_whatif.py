"""What-if on SQLite and PostgreSQL: a run's input scored with another model."""

from __future__ import annotations

from pathlib import Path

import pytest

from tierwise.engine import UNASSIGNED
from tierwise.errors import TierwiseError
from tierwise.jobs import run_demo
from tierwise.lifecycle import WhatIf, publish_file, what_if
from tierwise.model import default_model_text
from tierwise.store import (
    ABSENT,
    Store,
    StoreError,
    add_override,
    list_runs,
    model_history,
    record_run,
)

from .conftest import Score
from .test_store_model_lifecycle import raised_model


@pytest.fixture
def demo_store(store: Store, tmp_path: Path) -> Store:
    """The demo recorded as run 1 with the bundled model."""
    run_demo(tmp_path / "run", store=store)
    return store


@pytest.fixture
def preview(demo_store: Store, tmp_path: Path) -> WhatIf:
    """Run 1 scored with a stricter Tier 1 and more weight on fit."""
    return what_if(demo_store, str(raised_model(tmp_path)))


def test_whatif_moves_add_up(preview: WhatIf, demo_store: Store) -> None:
    run = list_runs(demo_store)[0]
    matrix = preview.matrix

    assert sum(matrix.values()) == preview.accounts == run.accounts == 1000
    rows = {
        line.key: sum(n for (was, _), n in matrix.items() if was == line.key)
        for line in run.tiers
    }
    assert rows == {line.key: line.accounts for line in run.tiers}
    columns = {
        shift.key: sum(n for (_, now), n in matrix.items() if now == shift.key)
        for shift in preview.shifts
    }
    assert columns == {shift.key: shift.accounts_after for shift in preview.shifts}
    moved = sum(n for (was, now), n in matrix.items() if was != now)
    assert preview.moved_count == moved > 0
    assert ABSENT not in preview.tiers


def test_whatif_lists_the_movers_with_the_criteria_behind_them(
    preview: WhatIf,
) -> None:
    assert 0 < len(preview.movers) == min(preview.moved_count, 50)
    deltas = [abs(mover.total_delta or 0) for mover in preview.movers]
    assert deltas == sorted(deltas, reverse=True)
    for mover in preview.movers:
        assert mover.from_tier != mover.to_tier
        if mover.total_delta:
            # The criteria's parts add up to the score's move, give or take
            # the cut to two decimals on each side.
            parts = sum(part.delta for part in mover.criteria)
            assert parts == pytest.approx(mover.total_delta, abs=0.02)
            largest = [abs(part.delta) for part in mover.criteria]
            assert largest == sorted(largest, reverse=True)


def test_whatif_shows_cap_pressure_and_budget_before_and_after(
    preview: WhatIf,
) -> None:
    shifts = {shift.key: shift for shift in preview.shifts}
    tier_1 = shifts["tier_1"]

    assert (tier_1.cap_before, tier_1.cap_after) == (15, 15)
    assert (tier_1.budget_before, tier_1.budget_after) == (40.0, 40.0)
    assert tier_1.qualified_before is not None and tier_1.qualified_after is not None
    assert tier_1.qualified_before >= tier_1.accounts_before == 15
    # A stricter Tier 1 leaves fewer accounts competing for its 15 places.
    assert tier_1.qualified_after < tier_1.qualified_before
    assert shifts[UNASSIGNED].qualified_after is None
    assert list(shifts)[-1] == UNASSIGNED


def test_whatif_records_nothing(preview: WhatIf, demo_store: Store) -> None:
    assert [run.run_id for run in list_runs(demo_store)] == [1]
    assert [v.version_id for v in model_history(demo_store).versions] == [1]


def test_whatif_of_the_run_s_own_model_moves_nobody(demo_store: Store) -> None:
    same = what_if(demo_store, "1")

    assert same.moved_count == 0 and same.movers == []
    assert same.warnings == []
    assert same.model_after == "version 1 (default)"


def test_whatif_against_a_named_run_with_a_published_version(
    demo_store: Store, tmp_path: Path
) -> None:
    publish_file(demo_store, raised_model(tmp_path), by="Ann")
    run_demo(tmp_path / "second", store=demo_store)

    back = what_if(demo_store, "1", against=2)

    assert back.run.run_id == 2 and back.run.model_version_id == 2
    assert back.moved_count == what_if(demo_store, "2", against=1).moved_count


def test_whatif_keeps_the_run_s_pinned_accounts_in_place(
    demo_store: Store, tmp_path: Path
) -> None:
    add_override(demo_store, "F1000-0002", "tier_1", "board deal", by="Ann")
    run_demo(tmp_path / "pinned", store=demo_store)

    preview = what_if(demo_store, str(raised_model(tmp_path)))

    assert preview.run.run_id == 2 and preview.pinned == 1
    assert all(mover.account_id != "F1000-0002" for mover in preview.movers)


def test_whatif_with_no_runs_yet_says_how_to_record_one(store: Store) -> None:
    with pytest.raises(StoreError, match=r"no runs yet; record one with `tierwise"):
        what_if(store, "1")


def test_whatif_against_an_unknown_run_names_the_fix(demo_store: Store) -> None:
    with pytest.raises(StoreError, match=r"no run 9; `tierwise runs` lists"):
        what_if(demo_store, "1", against=9)


def test_whatif_with_an_unknown_version_names_the_fix(demo_store: Store) -> None:
    with pytest.raises(StoreError, match=r"no model version 5; `tierwise model list`"):
        what_if(demo_store, "v5")


def test_whatif_stops_when_the_run_s_input_changed(
    demo_store: Store, tmp_path: Path
) -> None:
    accounts = tmp_path / "run" / "demo-portfolio.csv"
    accounts.write_text(accounts.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    with pytest.raises(TierwiseError, match=r"has changed since the run.*--against"):
        what_if(demo_store, "1")


def test_whatif_of_a_run_recorded_without_its_file_says_so(
    store: Store, score: Score
) -> None:
    scored = score(size=20)
    record_run(store, scored.run, model_text=scored.model_text, inputs={"a": "1"})

    with pytest.raises(TierwiseError, match=r"did not record where its input"):
        what_if(store, "1")


def test_whatif_explains_the_run_s_side_with_the_run_s_own_tiers(
    demo_store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Both sides share one connection when the models read the file alike;
    # the run's side must still be explained against the run's own tiers,
    # not the new model's, or each account the new caps move logs that its
    # reason disagrees with the run's.
    uncapped = tmp_path / "uncapped.yaml"
    text = default_model_text()
    for cap in ("max_accounts: 15", "max_accounts: 100"):
        text = text.replace(cap, "")
    uncapped.write_text(text, encoding="utf-8")
    # Lint refuses a Tier 1 without a cap unless told it is deliberate.
    publish_file(demo_store, uncapped, by="Ann", accept_lint_errors=True)
    run_demo(tmp_path / "uncapped", store=demo_store)

    with caplog.at_level("WARNING", logger="tierwise.engine.explain"):
        capped = what_if(demo_store, "1", against=2)

    assert capped.moved_count > 0
    assert [record.getMessage() for record in caplog.records] == []
