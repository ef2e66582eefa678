"""history, diff's tier matrix and the run list at 60, 80 and 120 columns.

At 60 columns history cut its dates (``2026-06-3``), tiers and totals and
dropped the model; diff's matrix cut the tier names (``Strate…``); and at
80 columns the run list broke a PostgreSQL store's URL across its title.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.store import Store, record_run

from .conftest import QUARTER_2, QUARTER_3, Score, results_of

PINS = {"F1000-0002": "tier_3"}


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


@pytest.fixture
def quarters(store: Store, score: Score) -> Store:
    """Run 1 as of June (200 accounts), run 2 as of September (150, one pin)."""
    for number, (size, as_of, pins) in enumerate(
        ((200, QUARTER_2, None), (150, QUARTER_3, PINS))
    ):
        scored = score(size=size, as_of=as_of, pins=pins)
        record_run(
            store,
            scored.run,
            model_text=scored.model_text,
            inputs={"accounts": str(number)},
            accounts=scored.accounts,
            source=f"accounts-{number}.csv",
        )
    return store


def _widest(output: str) -> int:
    return max(len(line) for line in output.splitlines())


@pytest.mark.parametrize("width", [60, 80, 120])
def test_history_keeps_dates_tiers_and_numbers_whole(
    cli: CliRunner, quarters: Store, store_url: str, score: Score, width: int
) -> None:
    runs = [
        (1, QUARTER_2, results_of(score(size=200, as_of=QUARTER_2).run)),
        (2, QUARTER_3, results_of(score(size=150, as_of=QUARTER_3, pins=PINS).run)),
    ]

    result = cli.invoke(
        app, ["history", "F1000-0002", "--db", store_url], env={"COLUMNS": str(width)}
    )

    assert result.exit_code == 0, result.output
    assert _widest(result.output) <= width, result.output
    for run_id, as_of, rows in runs:
        row = rows["F1000-0002"]
        rank = "" if row["rank"] is None else str(row["rank"])
        total = f"{float(str(row['total'])):.2f}"
        # The table has the model before the tier and the reason after it.
        first = rf"^\s*{run_id}\s+{as_of}\s+(default v1\s+)?{row['tier']}\s+"
        first += rf"(.+\s)?{total}\s+{rank}$"
        assert re.search(first, result.output, re.M), result.output
        reason = str(row["reason"])
        if row["computed_tier"] != row["tier"]:
            reason += f" (computed {row['computed_tier']})"
        assert any(reason in line for line in result.output.splitlines())
    assert "override (computed tier_" in result.output
    assert result.output.count("default v1") >= 2, result.output
    if width >= 80:
        # Where the table fits it stays as it was.
        heading = r"^run\s+as of\s+model\s+tier\s+reason\s+total\s+rank$"
        assert re.search(heading, result.output, re.M), result.output
