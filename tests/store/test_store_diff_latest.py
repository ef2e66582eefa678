"""`tierwise diff` without run numbers compares the last two runs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.store import Store, latest_pair, record_run

from .conftest import QUARTER_2, QUARTER_3, Score


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "120")
    return CliRunner()


def _record(store: Store, score: Score, size: int, as_of: date) -> None:
    scored = score(size=size, as_of=as_of)
    record_run(
        store,
        scored.run,
        model_text=scored.model_text,
        inputs={"accounts": f"{size} {as_of}"},
        accounts=scored.accounts,
        source=f"accounts-{size}.csv",
    )


def test_diff_without_runs_compares_the_newest_two_by_as_of_date(
    cli: CliRunner, store: Store, store_url: str, score: Score
) -> None:
    # Run 2, a past quarter recorded late, is the newest by number but the
    # oldest by date; runs 1 and 3 share a date, and 3 was recorded later.
    _record(store, score, 200, QUARTER_3)
    _record(store, score, 200, QUARTER_2)
    _record(store, score, 150, QUARTER_3)

    result = cli.invoke(app, ["diff", "--db", store_url])
    named = cli.invoke(app, ["diff", "1", "3", "--db", store_url])

    assert latest_pair(store) == (1, 3)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert said.startswith(
        "Comparing the last two runs by as-of date: run 1 with run 3. "
        "Run 1 (as of 2026-09-30) → run 3 (as of 2026-09-30)"
    ), result.output
    assert "0 accounts changed tier, 50 no longer in the portfolio." in said
    assert result.output.splitlines()[1:] == named.output.splitlines()
    assert "Comparing" not in named.output


def test_the_later_date_is_the_later_run_whatever_the_order_of_recording(
    store: Store, score: Score
) -> None:
    _record(store, score, 200, QUARTER_3)
    _record(store, score, 200, QUARTER_2)

    assert latest_pair(store) == (2, 1)


@pytest.mark.parametrize(
    ("recorded", "message"),
    [
        pytest.param(
            0,
            "has no runs yet, so there are no two to compare; record runs with "
            "`tierwise tier ACCOUNTS --as-of DATE`",
            id="no-run",
        ),
        pytest.param(
            1,
            "holds one run (run 1, as of 2026-09-30), and diff compares two; "
            "record another with `tierwise tier ACCOUNTS --as-of DATE`",
            id="one-run",
        ),
    ],
)
def test_diff_without_two_runs_says_so_and_exits_2(
    cli: CliRunner,
    store: Store,
    store_url: str,
    score: Score,
    recorded: int,
    message: str,
) -> None:
    if recorded:
        _record(store, score, 20, QUARTER_3)

    result = cli.invoke(app, ["diff", "--db", store_url])

    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert said.startswith("error: the store at "), said
    assert message in said


def test_diff_with_one_run_number_asks_for_two_or_none(
    cli: CliRunner, store: Store, store_url: str, score: Score
) -> None:
    _record(store, score, 20, QUARTER_3)
    _record(store, score, 20, QUARTER_2)

    result = cli.invoke(app, ["diff", "2", "--db", store_url])

    assert result.exit_code == 2, result.output
    assert (
        "diff takes two run numbers (diff 2 RUN_B), or none to compare the last "
        "two runs" in " ".join(result.output.split())
    )
